//! Network growth per calendar quarter, and the growth laws fitted to it (contract §3
//! `network_growth` and the summary's `growth` keys; §4 "network_growth", "Fits").
//!
//! One row per calendar quarter (UTC, of deal created_at) holding at least one deal;
//! deals without created_at are left out everywhere here:
//! - `deals`: deals created in the quarter; `won_revenue`: amounts of those that are won
//!   (booked in the created_at quarter, whatever closed_at says);
//! - `active_partners`: distinct partners on the quarter's deals;
//! - `cumulative_partners` n(t): partners whose first dated deal is in or before the quarter;
//! - `cumulative_cosell_edges` E(t): co-sell edges whose first shared dated deal is in or
//!   before the quarter (an edge shared only on undated deals is never counted);
//! - `cumulative_won_revenue` R(t): running sum of won_revenue.
//!
//! Fits across quarters (Leskovec, Kleinberg & Faloutsos 2005, "Graphs over time:
//! densification laws"): `densification_exponent` a in E ∝ n^a and `revenue_exponent` b in
//! R ∝ n^b are ordinary least squares slopes of ln E (ln R) on ln n, over quarters where
//! both logarithms are defined, with `r2 = 1 - SSE/SST`. `best_growth_law` fits
//! ln R = c + ln f(n) for f in (n, n log n, n^2, n^3) with one free constant c on quarters
//! with n >= 2 and R > 0; the least squared error wins.
//!
//! Settled here where §4 is silent: a slope is null when all its x are equal (no spread
//! to fit), an r2 null when SST = 0; best_growth_law is null with fewer than 2 points or
//! when all points have the same n (every law then fits equally well); an exact tie goes
//! to the law listed first.
//!
//! Complexity: O(deals + Σ_d k_d²) for the edges' first quarters (k_d = partners on deal
//! d), parallel over fixed chunks of partners with integer histograms, so exact for any
//! thread count; money sums run sequentially in deal order.
//!
//! For a partner manager: a densification exponent above 1 means each new partner brings
//! more than proportionally many co-selling ties; a revenue exponent above 1 (best law
//! n log n, n^2 or n^3) means the ecosystem gets more valuable as it grows, not just bigger.

use rayon::prelude::*;

use crate::graph::GraphSet;
use crate::schema::Stage;

/// Partners per parallel task; fixed so results never depend on the thread count.
const PARTNER_CHUNK: usize = 4096;
const MS_PER_DAY: i64 = 86_400_000;

/// The `network_growth` table, one entry per quarter in time order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GrowthTable {
    /// First day of the quarter, in days since 1970-01-01 (Arrow Date32).
    pub quarter_start: Vec<i32>,
    /// `deals`: deals created in the quarter (UTC, by created_at).
    pub deals: Vec<u64>,
    /// `won_revenue`: amounts of those deals that are won, booked in the quarter the deal
    /// was created whatever its closed_at.
    pub won_revenue: Vec<f64>,
    /// `active_partners`: distinct partners on the quarter's deals.
    pub active_partners: Vec<u64>,
    /// `cumulative_partners` n(t): partners whose first dated deal is in or before the
    /// quarter.
    pub cumulative_partners: Vec<u64>,
    /// `cumulative_cosell_edges` E(t): co-sell pairs whose first shared dated deal is in
    /// or before the quarter (can end below the summary's `counts.cosell_edges`).
    pub cumulative_cosell_edges: Vec<u64>,
    /// `cumulative_won_revenue` R(t): running sum of `won_revenue`, the quarter included.
    pub cumulative_won_revenue: Vec<f64>,
}

/// The summary's `growth` object (field names are the contract's keys).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct GrowthFits {
    /// a in E ∝ n^a: least-squares slope of ln cumulative_cosell_edges on ln
    /// cumulative_partners over the quarters where both are positive (above 1: ties grow
    /// faster than partners); null with fewer than two such quarters or a single n.
    pub densification_exponent: Option<f64>,
    /// r² (1 - SSE / SST) of that fit; null when the slope is, or when SST = 0.
    pub densification_r2: Option<f64>,
    /// b in R ∝ n^b: the same slope for ln cumulative_won_revenue (quarters with R = 0
    /// left out); null likewise.
    pub revenue_exponent: Option<f64>,
    /// r² of that fit; null when the slope is, or when SST = 0.
    pub revenue_r2: Option<f64>,
    /// Which of `"n"`, `"n log n"`, `"n^2"`, `"n^3"` fits R against n best
    /// ([`best_growth_law`]); null with fewer than two usable quarters or a single n.
    pub best_growth_law: Option<&'static str>,
}

/// ln f(n) of a growth law.
pub type LnLaw = fn(f64) -> f64;

/// Growth laws in tie-break order, with ln f(n).
pub const GROWTH_LAWS: [(&str, LnLaw); 4] = [
    ("n", |n| n.ln()),
    ("n log n", |n| n.ln() + n.ln().ln()),
    ("n^2", |n| 2.0 * n.ln()),
    ("n^3", |n| 3.0 * n.ln()),
];

/// Days since 1970-01-01 -> (year, month 1..=12) in the proleptic Gregorian calendar
/// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", civil_from_days).
fn year_month(days: i64) -> (i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month)
}

/// (year, month, day 1) -> days since 1970-01-01 (Hinnant's days_from_civil).
fn days_from_civil(year: i64, month: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5; // day 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Calendar quarter of an instant, in UTC, as one integer: `year * 4 + (month - 1) / 3`,
/// so consecutive quarters are consecutive integers (the `network_growth` rows).
///
/// For a partner manager: which quarter a deal was created in.
///
/// # Arguments
/// * `ms`: milliseconds since 1970-01-01T00:00:00Z (negative before), as validation stores
///   created_at.
///
/// # Returns
/// * The quarter number; [`quarter_start_days`] gives its first day back.
///
/// # Complexity
/// * Time and space: **O(1)**.
///
/// Reference: H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"
/// (`civil_from_days`), proleptic Gregorian calendar.
///
/// # Example
/// ```rust
/// use ecograph::metrics::network_effect::growth::{quarter_of_ms, quarter_start_days};
/// // 2024-05-15T00:00:00Z is in 2024 Q2, which starts on 2024-04-01 (day 19,814).
/// let q = quarter_of_ms(1_715_731_200_000);
/// assert_eq!(q, 2024 * 4 + 1);
/// assert_eq!(quarter_start_days(q), 19_814);
/// // One millisecond before 1970 is 1969 Q4.
/// assert_eq!(quarter_of_ms(-1), 1969 * 4 + 3);
/// ```
pub fn quarter_of_ms(ms: i64) -> i64 {
    let (y, m) = year_month(ms.div_euclid(MS_PER_DAY));
    y * 4 + (m - 1) / 3
}

/// First day of quarter number `q` ([`quarter_of_ms`]'s numbering), in days since
/// 1970-01-01 (Hinnant's `days_from_civil`); O(1). Example at [`quarter_of_ms`].
pub fn quarter_start_days(q: i64) -> i64 {
    days_from_civil(q.div_euclid(4), q.rem_euclid(4) * 3 + 1)
}

/// The `network_growth` table: one row per calendar quarter (UTC, of deal created_at)
/// holding at least one deal, with the quarter's deals, won revenue and active partners
/// and the running totals n(t) of partners, E(t) of co-sell edges and R(t) of won revenue
/// (definitions in the module doc). Deals without created_at are left out.
///
/// For a partner manager: how the ecosystem grew quarter by quarter, in partners, in
/// co-selling ties and in revenue; [`fits`] says whether it got more valuable or just
/// bigger.
///
/// # Arguments
/// * `g`: the graphs of a validated input ([`crate::graph::build`]).
///
/// # Returns
/// * A [`GrowthTable`] of parallel columns, one entry per quarter in time order
///   (`quarter_start` in days since 1970-01-01); empty when no deal has a created_at.
///
/// # Complexity
/// * Time complexity: **O(m log m + Σ_d k_d²)**.
/// * Auxiliary space: **O(m + T n + c q)**.
///
/// where **m** is the number of deals, **k_d** the partners on deal d, **n** the
/// partners, **q** the quarters, **T** the worker threads (one scratch row each) and
/// **c** = ⌈n / 4096⌉ the partner chunks (three histograms each).
///
/// Reference: Leskovec, Kleinberg & Faloutsos 2005, "Graphs over time: densification
/// laws, shrinking diameters and possible explanations" (the n(t), E(t) series).
///
/// # Example
/// ```rust
/// use ecograph::metrics::network_effect::growth::network_growth;
/// use ecograph::{graph, config::Settings, validate};
/// # let dir = tempfile::tempdir().unwrap();
/// # let table = |name: &str, csv: &str| std::fs::write(dir.path().join(name), csv).unwrap();
/// // An input folder in contract form (`table` writes one CSV file of it).
/// // Partners A, B, C (indices 0, 1, 2); deals D1..D4 (0..3); customers C1, C2 (0, 1).
/// table("partners.csv", "partner_id,partner_type\nA,reseller\nB,isv\nC,reseller\n");
/// table(
///     "deals.csv",
///     "deal_id,customer_id,product_id,amount,stage,created_at\n\
///      D1,C1,X,300,won,2024-01-10\n\
///      D2,C1,X,200,open,2024-01-20\n\
///      D3,C2,Y,100,won,2024-04-05\n\
///      D4,C1,Y,400,open,2024-05-01\n",
/// );
/// table(
///     "deal_partners.csv",
///     "deal_id,partner_id,role\nD1,A,sourced\nD1,B,influenced\nD2,C,sourced\n\
///      D3,A,sourced\nD4,B,sourced\n",
/// );
/// let tables = validate::load_and_validate(dir.path(), &Settings::contract(), false).unwrap();
/// let g = graph::build(tables);
/// // 2024 Q1: D1 (won, 300) and D2, partners A, B, C, edge A - B (D1).
/// // 2024 Q2: D3 (won, 100) and D4, partners A and B, no new partner or edge.
/// let t = network_growth(&g);
/// assert_eq!(t.quarter_start, vec![19_723, 19_814]); // 2024-01-01, 2024-04-01
/// assert_eq!(t.deals, vec![2, 2]);
/// assert_eq!(t.won_revenue, vec![300.0, 100.0]);
/// assert_eq!(t.active_partners, vec![3, 2]);
/// assert_eq!(t.cumulative_partners, vec![3, 3]);
/// assert_eq!(t.cumulative_cosell_edges, vec![1, 1]);
/// assert_eq!(t.cumulative_won_revenue, vec![300.0, 400.0]);
/// ```
pub fn network_growth(g: &GraphSet) -> GrowthTable {
    let n = g.n_partners();
    let keys: Vec<Option<i64>> = g
        .deals
        .created_ms
        .par_iter()
        .map(|c| c.map(quarter_of_ms))
        .collect();
    let mut distinct: Vec<i64> = keys.iter().flatten().copied().collect();
    distinct.par_sort_unstable();
    distinct.dedup();
    let nq = distinct.len();
    // Dense quarter index per deal; u32::MAX for undated deals.
    let quarter: Vec<u32> = keys
        .par_iter()
        .map(|k| match k {
            Some(k) => distinct.binary_search(k).expect("collected above") as u32,
            None => u32::MAX,
        })
        .collect();
    drop(keys);

    let mut deals = vec![0u64; nq];
    let mut won_revenue = vec![0.0; nq];
    for (d, &q) in quarter.iter().enumerate() {
        if q != u32::MAX {
            deals[q as usize] += 1;
            if g.deals.stage[d] == Stage::Won {
                won_revenue[q as usize] += g.deals.amount[d];
            }
        }
    }

    // Per fixed chunk of partners: [active, first-deal, first-edge] histograms. The
    // scratch (first shared quarter per other partner) is per worker and reset after each
    // partner, so it never carries anything from one partner to the next.
    let parts: Vec<[Vec<u64>; 3]> = (0..n.div_ceil(PARTNER_CHUNK))
        .into_par_iter()
        .map_init(
            || (vec![u32::MAX; n], Vec::new(), Vec::new()),
            |(first_shared, touched, quarters): &mut (Vec<u32>, Vec<u32>, Vec<u32>), c| {
                let mut hist = [vec![0u64; nq], vec![0u64; nq], vec![0u64; nq]];
                for p in c * PARTNER_CHUNK..((c + 1) * PARTNER_CHUNK).min(n) {
                    quarters.clear();
                    for &d in g.partner_deals.row(p) {
                        let qd = quarter[d as usize];
                        if qd == u32::MAX {
                            continue;
                        }
                        quarters.push(qd);
                        // Edges {p, o} with o > p, so each edge is counted once.
                        for &o in g.deal_partners.row(d as usize) {
                            if o as usize > p {
                                let slot = &mut first_shared[o as usize];
                                if *slot == u32::MAX {
                                    touched.push(o);
                                }
                                *slot = (*slot).min(qd);
                            }
                        }
                    }
                    quarters.sort_unstable();
                    quarters.dedup();
                    for &q in quarters.iter() {
                        hist[0][q as usize] += 1;
                    }
                    if let Some(&q) = quarters.first() {
                        hist[1][q as usize] += 1;
                    }
                    for &o in touched.iter() {
                        hist[2][first_shared[o as usize] as usize] += 1;
                        first_shared[o as usize] = u32::MAX;
                    }
                    touched.clear();
                }
                hist
            },
        )
        .collect();
    let mut active = vec![0u64; nq];
    let mut first_partner = vec![0u64; nq];
    let mut first_edge = vec![0u64; nq];
    for [a, fp, fe] in &parts {
        for q in 0..nq {
            active[q] += a[q];
            first_partner[q] += fp[q];
            first_edge[q] += fe[q];
        }
    }

    let running = |v: &[u64]| -> Vec<u64> {
        v.iter()
            .scan(0u64, |s, &x| {
                *s += x;
                Some(*s)
            })
            .collect()
    };
    let cumulative_won_revenue = won_revenue
        .iter()
        .scan(0.0, |s, &x| {
            *s += x;
            Some(*s)
        })
        .collect();
    GrowthTable {
        // Quarters of 4-digit years are well inside i32 days.
        quarter_start: distinct
            .iter()
            .map(|&q| quarter_start_days(q) as i32)
            .collect(),
        deals,
        won_revenue,
        active_partners: active,
        cumulative_partners: running(&first_partner),
        cumulative_cosell_edges: running(&first_edge),
        cumulative_won_revenue,
    }
}

/// Ordinary least squares of y on x: the slope of the best-fitting line y = c + b x and
/// its coefficient of determination r² = 1 - SSE / SST. On (ln n, ln E) the slope is the
/// densification exponent.
///
/// For a partner manager: the slope is the growth exponent (edges or revenue per partner,
/// on log scales), and r² says how well one exponent describes the whole history.
///
/// # Arguments
/// * `x`, `y`: the points, the same length (extra values of the longer are ignored).
///
/// # Returns
/// * `(slope, r2)`: both `None` with fewer than 2 points or when all x are equal (no
///   spread to fit); `r2` alone `None` when all y are equal (SST = 0).
///
/// # Complexity
/// * Time complexity: **O(k)**; auxiliary space **O(1)**, where **k** is the number of
///   points.
///
/// Reference: ordinary least squares; the same slope and `rvalue**2` as SciPy
/// `stats.linregress(x, y)`.
///
/// # Example
/// ```rust
/// use ecograph::metrics::network_effect::growth::ols;
/// // Points (0, 0), (1, 2), (2, 1): slope 1/2, line 0.5 + 0.5 x, SSE 1.5, SST 2.
/// assert_eq!(ols(&[0.0, 1.0, 2.0], &[0.0, 2.0, 1.0]), (Some(0.5), Some(0.25)));
/// // All x equal: no slope.
/// assert_eq!(ols(&[1.0, 1.0], &[2.0, 3.0]), (None, None));
/// ```
pub fn ols(x: &[f64], y: &[f64]) -> (Option<f64>, Option<f64>) {
    let k = x.len();
    if k < 2 {
        return (None, None);
    }
    let kf = k as f64;
    let mx = x.iter().sum::<f64>() / kf;
    let my = y.iter().sum::<f64>() / kf;
    let sxx: f64 = x.iter().map(|&a| (a - mx) * (a - mx)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(&a, &b)| (a - mx) * (b - my)).sum();
    if sxx == 0.0 {
        return (None, None);
    }
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let sse: f64 = x
        .iter()
        .zip(y)
        .map(|(&a, &b)| {
            let e = b - intercept - slope * a;
            e * e
        })
        .sum();
    let sst: f64 = y.iter().map(|&b| (b - my) * (b - my)).sum();
    (Some(slope), (sst > 0.0).then(|| 1.0 - sse / sst))
}

/// Log-log points (ln x, ln y) of the quarters where both logs are defined (x, y > 0).
fn log_points(x: &[u64], y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    x.iter()
        .zip(y)
        .filter(|&(&a, &b)| a > 0 && b > 0.0)
        .map(|(&a, &b)| ((a as f64).ln(), b.ln()))
        .unzip()
}

/// Which growth law describes cumulative won revenue R against cumulative partners n
/// best: for each f of [`GROWTH_LAWS`] (n, n log n, n², n³) it fits ln R = c + ln f(n)
/// with one free constant c, over the points with n ≥ 2 and R > 0, and returns the law of
/// least squared error (an exact tie goes to the law listed first).
///
/// For a partner manager: "n" means revenue grows in step with the partner count; n log n,
/// n² or n³ mean each new partner makes the ecosystem more valuable, a network effect
/// (Metcalfe's law is n²).
///
/// # Arguments
/// * `n`: cumulative partners per quarter.
/// * `r`: cumulative won revenue per quarter, parallel to `n`.
///
/// # Returns
/// * The law's name (`"n"`, `"n log n"`, `"n^2"` or `"n^3"`), or `None` with fewer than 2
///   usable points or when they all have the same n (every law fits equally well).
///
/// # Complexity
/// * Time complexity: **O(k)**; auxiliary space **O(k)**, where **k** is the number of
///   quarters.
///
/// Reference: Metcalfe's law (n²) and Odlyzko & Tilly 2005, "A refutation of Metcalfe's
/// law" (n log n), compared as in contract §4 "Fits".
///
/// # Example
/// ```rust
/// use ecograph::metrics::network_effect::growth::best_growth_law;
/// // Revenue 3 n²: the n² law fits with no error at all.
/// assert_eq!(best_growth_law(&[2, 4, 8], &[12.0, 48.0, 192.0]), Some("n^2"));
/// // Revenue 5 n: linear.
/// assert_eq!(best_growth_law(&[2, 4, 8], &[10.0, 20.0, 40.0]), Some("n"));
/// // One usable point (n = 1 is left out): nothing to compare.
/// assert_eq!(best_growth_law(&[1, 5], &[1.0, 2.0]), None);
/// ```
pub fn best_growth_law(n: &[u64], r: &[f64]) -> Option<&'static str> {
    let pts: Vec<(f64, f64)> = n
        .iter()
        .zip(r)
        .filter(|&(&a, &b)| a >= 2 && b > 0.0)
        .map(|(&a, &b)| (a as f64, b.ln()))
        .collect();
    if pts.len() < 2 || pts.iter().all(|p| p.0 == pts[0].0) {
        return None;
    }
    let kf = pts.len() as f64;
    let mut best: Option<(&'static str, f64)> = None;
    for (name, ln_f) in GROWTH_LAWS {
        let resid: Vec<f64> = pts.iter().map(|&(a, lr)| lr - ln_f(a)).collect();
        let c = resid.iter().sum::<f64>() / kf;
        let sse: f64 = resid.iter().map(|&e| (e - c) * (e - c)).sum();
        if best.is_none_or(|(_, b)| sse < b) {
            best = Some((name, sse));
        }
    }
    best.map(|(name, _)| name)
}

/// The summary's `growth` object from the `network_growth` table: the densification
/// exponent a in E ∝ n^a and the revenue exponent b in R ∝ n^b ([`ols`] of the logarithms
/// over the quarters where both are defined), each with its r², and the
/// [`best_growth_law`].
///
/// For a partner manager: a densification exponent above 1 means each new partner brings
/// more than proportionally many co-selling ties; a revenue exponent above 1 means the
/// ecosystem gets more valuable as it grows, not just bigger.
///
/// # Arguments
/// * `t`: the table of [`network_growth`]; only `cumulative_partners`,
///   `cumulative_cosell_edges` and `cumulative_won_revenue` are read.
///
/// # Returns
/// * [`GrowthFits`], each field `None` where [`ols`] or [`best_growth_law`] says so (too
///   few quarters, no spread).
///
/// # Complexity
/// * Time complexity: **O(q)**; auxiliary space **O(q)**, where **q** is the number of
///   quarters.
///
/// Reference: Leskovec, Kleinberg & Faloutsos 2005, "Graphs over time: densification laws,
/// shrinking diameters and possible explanations" (E ∝ n^a).
///
/// # Example
/// ```rust
/// use ecograph::metrics::network_effect::growth::{fits, GrowthTable};
/// // Partners double each quarter, edges quadruple (E = n²/4), revenue doubles (R = 5 n).
/// let t = GrowthTable {
///     cumulative_partners: vec![2, 4, 8],
///     cumulative_cosell_edges: vec![1, 4, 16],
///     cumulative_won_revenue: vec![10.0, 20.0, 40.0],
///     ..GrowthTable::default()
/// };
/// let f = fits(&t);
/// assert!((f.densification_exponent.unwrap() - 2.0).abs() < 1e-12);
/// assert!((f.densification_r2.unwrap() - 1.0).abs() < 1e-12);
/// assert!((f.revenue_exponent.unwrap() - 1.0).abs() < 1e-12);
/// assert_eq!(f.best_growth_law, Some("n"));
/// ```
pub fn fits(t: &GrowthTable) -> GrowthFits {
    let edges: Vec<f64> = t
        .cumulative_cosell_edges
        .iter()
        .map(|&e| e as f64)
        .collect();
    let (dx, dy) = log_points(&t.cumulative_partners, &edges);
    let (densification_exponent, densification_r2) = ols(&dx, &dy);
    let (rx, ry) = log_points(&t.cumulative_partners, &t.cumulative_won_revenue);
    let (revenue_exponent, revenue_r2) = ols(&rx, &ry);
    GrowthFits {
        densification_exponent,
        densification_r2,
        revenue_exponent,
        revenue_r2,
        best_growth_law: best_growth_law(&t.cumulative_partners, &t.cumulative_won_revenue),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_quarters() {
        // 1970-01-01, 1970-03-31, 1970-04-01, 1969-12-31, 2024-02-29.
        assert_eq!(quarter_of_ms(0), 1970 * 4);
        assert_eq!(quarter_of_ms(89 * MS_PER_DAY), 1970 * 4);
        assert_eq!(quarter_of_ms(90 * MS_PER_DAY), 1970 * 4 + 1);
        assert_eq!(quarter_of_ms(-1), 1969 * 4 + 3);
        assert_eq!(quarter_start_days(1969 * 4 + 3), -92);
        assert_eq!(quarter_start_days(1970 * 4 + 1), 90);
        let leap = days_from_civil(2024, 2) + 28;
        assert_eq!(quarter_of_ms(leap * MS_PER_DAY), 2024 * 4);
        assert_eq!(year_month(leap), (2024, 2));
        for q in (1600 * 4)..(2400 * 4) {
            let start = quarter_start_days(q);
            assert_eq!(quarter_of_ms(start * MS_PER_DAY), q);
            assert_eq!(quarter_of_ms(start * MS_PER_DAY - 1), q - 1);
        }
    }

    #[test]
    fn ols_recovers_a_power_law() {
        let x: Vec<f64> = [10.0f64, 20.0, 40.0, 80.0].iter().map(|v| v.ln()).collect();
        let y: Vec<f64> = x.iter().map(|&a| 0.5 + 1.5 * a).collect();
        let (s, r2) = ols(&x, &y);
        assert!((s.unwrap() - 1.5).abs() < 1e-12);
        assert!((r2.unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(ols(&x[..1], &y[..1]), (None, None));
        assert_eq!(ols(&[1.0, 1.0], &[2.0, 3.0]), (None, None));
    }

    #[test]
    fn best_law_picks_the_generating_one() {
        let n: Vec<u64> = vec![1, 5, 12, 30, 70, 150];
        for (name, ln_f) in GROWTH_LAWS {
            let r: Vec<f64> = n
                .iter()
                .map(|&a| 3.0 * ln_f(a as f64).exp().max(1.0))
                .collect();
            assert_eq!(best_growth_law(&n, &r), Some(name));
        }
        assert_eq!(best_growth_law(&[2, 2], &[1.0, 2.0]), None);
        assert_eq!(best_growth_law(&[1, 5], &[1.0, 2.0]), None);
    }
}
