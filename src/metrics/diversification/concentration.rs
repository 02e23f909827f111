//! Concentration of a set of non-negative values: how much of the total sits with a few.
//!
//! With x_1 <= ... <= x_k the positive values, T = Σ x_i and shares s_i = x_i / T
//! (contract §3 `diversification`, §4):
//! - `hhi = Σ s_i²` (Herfindahl-Hirschman index; Herfindahl 1950, Hirschman 1945), in
//!   [1/k, 1]; × 10,000 it is the antitrust scale (US DOJ/FTC Merger Guidelines: below
//!   1,500 unconcentrated, 1,500-2,500 moderately, above 2,500 highly concentrated);
//! - `effective_number = 1 / hhi`: how many equal-sized entities would give the same HHI;
//! - `entropy = -Σ s_i ln s_i` (Shannon 1948), `normalized_entropy = entropy / ln k`
//!   (null when k = 1);
//! - `gini = Σ_i Σ_j |x_i - x_j| / (2 k² mean)` (Gini 1912), computed from the sorted
//!   values as `Σ_i (2i - k - 1) x_i / (k T)` (i = 1..k), in [0, 1);
//! - `top1_share`, `top5_share`: share of the largest one and the largest five.
//!
//! No positive value: entities 0, every other field null. Values are sorted first and
//! every sum runs in that order, so the result does not depend on the input order.
//! Complexity: O(k log k) time, O(k) memory.
//!
//! For a partner manager: how dependent the business is on its largest few partners,
//! regions, products or customers (an HHI above 0.25, 2,500 points, is a concentration risk).

/// Concentration measures of one set of values (one `diversification` row, or the
/// `customer_hhi` of one partner). s_i are the shares x_i / Σ x of the positive values;
/// every measure is `None` (null) when there is no positive value.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Concentration {
    /// Entities with a positive value.
    pub entities: u64,
    /// Herfindahl-Hirschman index Σ s_i², from 1 / entities (even) to 1 (one takes all);
    /// × 10,000 for the antitrust points scale.
    pub hhi: Option<f64>,
    /// 1 / hhi: as concentrated as this many equal-sized entities.
    pub effective_number: Option<f64>,
    /// Shannon entropy -Σ s_i ln s_i, in nats, from 0 to ln(entities).
    pub entropy: Option<f64>,
    /// entropy / ln(entities), 0..=1 (1 = perfectly even); null for a single entity.
    pub normalized_entropy: Option<f64>,
    /// Gini coefficient of the positive values, in [0, 1): 0 all equal, towards 1 one
    /// holds everything.
    pub gini: Option<f64>,
    /// Share of the largest value.
    pub top1_share: Option<f64>,
    /// Share of the largest five values together (1 with five entities or fewer).
    pub top5_share: Option<f64>,
}

/// Concentration of a set of non-negative values (revenue per partner, region, product or
/// customer): the Herfindahl-Hirschman index, the effective number of entities, Shannon
/// entropy (raw and normalised), the Gini coefficient and the shares of the largest one
/// and five, over the positive values (formulas in the module doc).
///
/// For a partner manager: how dependent the business is on its largest few partners,
/// regions, products or customers; an HHI above 0.25 (2,500 points) is a concentration
/// risk.
///
/// # Arguments
/// * `values`: one value per entity, in any order; zeros are not entities. The caller
///   guarantees finite, non-negative values (validation enforces it for amounts).
///
/// # Returns
/// * A [`Concentration`]: `entities` (the positive values) and every measure; with no
///   positive value `entities` is 0 and every measure `None`, and `normalized_entropy` is
///   `None` for a single entity.
///
/// # Complexity
/// * Time complexity: **O(k log k)** (the values are sorted, every sum runs in that order,
///   so the input order cannot change a bit).
/// * Auxiliary space: **O(k)**.
///
/// where **k** is the number of values.
///
/// Reference: Herfindahl 1950 and Hirschman 1945 (HHI; the US DOJ/FTC Merger Guidelines
/// scale), Shannon 1948 (entropy), Gini 1912; the Gini equals the pairwise
/// Σ_i Σ_j |x_i - x_j| / (2 k² mean).
///
/// # Example
/// ```rust
/// use ecograph::metrics::diversification::concentration::concentration;
/// // Three entities holding 50 %, 25 %, 25 %; the 0 is no entity.
/// let c = concentration(&[25.0, 50.0, 0.0, 25.0]);
/// assert_eq!(c.entities, 3);
/// assert_eq!(c.hhi, Some(0.375)); // 0.5² + 0.25² + 0.25²
/// assert!((c.effective_number.unwrap() - 8.0 / 3.0).abs() < 1e-15);
/// assert!((c.entropy.unwrap() - 1.5 * 2f64.ln()).abs() < 1e-15);
/// // Pairwise differences 2 · 2 · 25 = 100, over 2 · 3² · (100 / 3) = 600.
/// assert!((c.gini.unwrap() - 1.0 / 6.0).abs() < 1e-15);
/// assert_eq!((c.top1_share, c.top5_share), (Some(0.5), Some(1.0)));
/// assert_eq!(concentration(&[0.0]).hhi, None);
/// ```
pub fn concentration(values: &[f64]) -> Concentration {
    let mut x: Vec<f64> = values.iter().copied().filter(|&v| v > 0.0).collect();
    x.sort_unstable_by(f64::total_cmp);
    concentration_sorted(&x)
}

/// [`concentration`] of values already positive and sorted ascending (no copy, no sort):
/// O(k) time, O(1) auxiliary space. See [`concentration`] for the measures and an example.
pub(crate) fn concentration_sorted(x: &[f64]) -> Concentration {
    let k = x.len();
    if k == 0 {
        return Concentration::default();
    }
    let total: f64 = x.iter().sum();
    let hhi = hhi_sorted(x, total);
    let entropy: f64 = -x
        .iter()
        .map(|&v| {
            let s = v / total;
            s * s.ln()
        })
        .sum::<f64>();
    // Σ_i (2i - k - 1) x_(i), i = 1..k, equals Σ_{i<j} |x_i - x_j|.
    let kf = k as f64;
    let weighted: f64 = x
        .iter()
        .enumerate()
        .map(|(i, &v)| (2.0 * (i + 1) as f64 - kf - 1.0) * v)
        .sum();
    let top5: f64 = x[k.saturating_sub(5)..].iter().sum();
    Concentration {
        entities: k as u64,
        hhi: Some(hhi),
        effective_number: Some(1.0 / hhi),
        entropy: Some(entropy),
        normalized_entropy: (k > 1).then(|| entropy / kf.ln()),
        gini: Some(weighted / (kf * total)),
        top1_share: Some(x[k - 1] / total),
        top5_share: Some(top5 / total),
    }
}

/// `Σ (x_i / total)²` summed in slice order.
fn hhi_sorted(x: &[f64], total: f64) -> f64 {
    x.iter()
        .map(|&v| {
            let s = v / total;
            s * s
        })
        .sum()
}

/// Herfindahl-Hirschman index alone, `Σ (x_i / T)²` with T = Σ x_i, summed in ascending
/// order of value (the same bits as [`concentration`]'s `hhi`). Used per partner for
/// `customer_hhi`, where only the HHI is needed.
///
/// For a partner manager: 1 means everything sits with one entity, 1/k means k equal
/// ones.
///
/// # Arguments
/// * `values`: positive values in any order; sorted in place.
///
/// # Returns
/// * The HHI, in [1/k, 1], or `None` when the values sum to 0 (no share is defined).
///
/// # Complexity
/// * Time complexity: **O(k log k)**; auxiliary space **O(1)** (in place), where **k** is
///   the number of values.
///
/// Reference: Herfindahl 1950, Hirschman 1945.
///
/// # Example
/// ```rust
/// use ecograph::metrics::diversification::concentration::hhi;
/// // 300 and 100: shares 3/4 and 1/4.
/// let mut won = [300.0, 100.0];
/// assert_eq!(hhi(&mut won), Some(0.625));
/// assert_eq!(won, [100.0, 300.0]); // sorted in place
/// assert_eq!(hhi(&mut [0.0, 0.0]), None);
/// ```
pub fn hhi(values: &mut [f64]) -> Option<f64> {
    values.sort_unstable_by(f64::total_cmp);
    let total: f64 = values.iter().sum();
    (total > 0.0).then(|| hhi_sorted(values, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn equal_shares() {
        let c = concentration(&[3.0; 4]);
        assert_eq!(c.entities, 4);
        assert!(close(c.hhi, 0.25));
        assert!(close(c.effective_number, 4.0));
        assert!(close(c.entropy, 4f64.ln()));
        assert!(close(c.normalized_entropy, 1.0));
        assert!(close(c.gini, 0.0));
        assert!(close(c.top1_share, 0.25));
        assert!(close(c.top5_share, 1.0));
    }

    #[test]
    fn one_entity_and_none() {
        let c = concentration(&[0.0, 7.0, 0.0]);
        assert_eq!(c.entities, 1);
        assert_eq!(c.hhi, Some(1.0));
        assert_eq!(c.normalized_entropy, None);
        assert_eq!(c.gini, Some(0.0));
        let none = concentration(&[0.0, 0.0]);
        assert_eq!(none, Concentration::default());
        assert_eq!(concentration(&[]).entities, 0);
    }

    #[test]
    fn gini_matches_pairwise_definition() {
        let v = [1.0, 5.0, 2.5, 9.0, 0.5, 3.0, 3.0];
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let pairwise: f64 = v
            .iter()
            .flat_map(|a| v.iter().map(move |b| (a - b).abs()))
            .sum();
        assert!(close(
            concentration(&v).gini,
            pairwise / (2.0 * n * n * mean)
        ));
    }

    #[test]
    fn top_shares() {
        let v = [1.0, 1.0, 1.0, 1.0, 1.0, 5.0];
        let c = concentration(&v);
        assert!(close(c.top1_share, 0.5));
        assert!(close(c.top5_share, 0.9));
    }
}
