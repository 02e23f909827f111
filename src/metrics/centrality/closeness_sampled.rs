//! Closeness and harmonic centrality on networks too large for one BFS per partner:
//! exact up to a size limit, an estimate from sampled sources above it, with its error
//! bound recorded in the summary (as betweenness does).
//!
//! The estimate (Eppstein & Wang 2004, "Fast approximation of centrality", JGAA 8(1)):
//! in a component C larger than the sample size K, K sources are drawn uniformly without
//! replacement and BFS runs from them only (the same 512-lane traversal as the exact
//! computation, `centrality::closeness`). For every partner v of C, the sum of its hop
//! distances to the partners of C, F(v) = Σ_{u∈C} d(v, u), is estimated by
//! F̂(v) = |C|/K · Σ_{s sampled} d(s, v) (the graph is undirected, d(s, v) = d(v, s)),
//! and its harmonic sum likewise by |C|/K · Σ_{s sampled, s≠v} 1/d(s, v). The number of
//! partners v reaches is |C| - 1, known exactly from the components. So
//! `closeness(v) = (|C|-1)² / ((n-1) F̂(v))` and `harmonic(v) = Ĥ(v) / (n-1)`, the
//! exact formulas of `centrality::closeness` with the estimated sums. Components of at
//! most K partners keep every partner as a source: their values are exact.
//!
//! The bound (Hoeffding 1963, which holds for sampling without replacement, his §6):
//! d(s, v) lies in [0, D_C] with D_C = 2·ecc(root of C) ≥ the diameter of C, and
//! 1/d(s, v) in [0, 1]; with K ≥ ln(4N/δ) / (2ε²) (N = partners with an edge, two
//! quantities each), with probability at least 1 - δ, for every partner at once:
//! - its mean hop distance to the partners it reaches, F(v)/(|C|-1), is within
//!   e_C = ε·D_C·|C|/(|C|-1) hops of the estimate (`distance_error_bound`, the largest e_C);
//! - its closeness is within a relative e_C / (F̂(v)/(|C|-1)) of the estimate, since
//!   closeness is inversely proportional to that mean (`closeness_relative_error_bound`,
//!   the largest over the sampled partners, computed from the estimates);
//! - its harmonic centrality is within ε·|C|/(n-1) (`harmonic_error_bound`).
//!
//! Deterministic: the sample is drawn from one ChaCha8 stream seeded by `seed`,
//! component by component in the relabelled order (a function of the graph alone), and
//! the traversal folds its batches in order, so no thread count changes a bit.
//! Time O(⌈S/512⌉ · D · (n + m)) for S = sources (at most K per large component, plus
//! every partner of the small ones), memory as the exact computation.
//!
//! For a partner manager: on a million-partner network the closeness ranking comes from
//! a sample of partners' viewpoints; the summary says how far off any value can be.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::closeness::{closeness_harmonic, traverse};
use super::relabel::Relabelled;
use crate::graph::Csr;
use crate::progress::Meter;

/// How closeness and harmonic centrality are computed.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ClosenessParams {
    /// Exact while the co-sell network has at most this many partners with an edge.
    pub exact_limit: usize,
    /// ε of the sample size: the mean hop distance is within ε·D_C·|C|/(|C|-1) and the
    /// harmonic centrality within ε·|C|/(n-1) (module doc).
    pub epsilon: f64,
    /// Probability that the bound fails.
    pub delta: f64,
    /// Seed of the sample (ChaCha8); unused when exact.
    pub seed: u64,
}

impl Default for ClosenessParams {
    fn default() -> Self {
        ClosenessParams {
            exact_limit: 200_000,
            epsilon: 0.01,
            delta: 0.1,
            seed: 42,
        }
    }
}

impl ClosenessParams {
    /// Checks ε and δ are in (0, 1); the message names the CLI flag.
    pub fn check(&self) -> crate::error::Result<()> {
        for (flag, v) in [
            ("--closeness-epsilon", self.epsilon),
            ("--closeness-delta", self.delta),
        ] {
            if !(v > 0.0 && v < 1.0) {
                return Err(crate::error::Error::Parameter(format!(
                    "{flag} must be in (0, 1), got {v}"
                )));
            }
        }
        Ok(())
    }
}

/// How a closeness result was obtained (the summary's `closeness` section).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "mode", rename_all = "lowercase")]
pub enum ClosenessMode {
    /// One BFS per partner: `{"mode": "exact"}`.
    Exact,
    /// Sampled sources in the components larger than the sample size (module doc); every
    /// bound holds for all partners at once with probability at least 1 - `delta`.
    Sampled {
        /// ε of the sample size.
        epsilon: f64,
        /// Probability that the bounds fail.
        delta: f64,
        /// Seed of the draws.
        seed: u64,
        /// K: sources drawn in each sampled component.
        sources_per_component: usize,
        /// Components estimated from a sample (the others are exact).
        sampled_components: usize,
        /// Partners in the sampled components.
        sampled_partners: usize,
        /// BFS sources in all (the samples plus every partner of the exact components).
        sources: usize,
        /// Largest error, in hops, of a sampled partner's mean distance to the partners
        /// it reaches.
        distance_error_bound: f64,
        /// Largest relative error of a sampled partner's closeness.
        closeness_relative_error_bound: f64,
        /// Largest absolute error of a sampled partner's harmonic centrality.
        harmonic_error_bound: f64,
    },
}

/// The sample size K ≥ ln(4N/δ) / (2ε²) for N partners with an edge (at least 2).
///
/// ```rust
/// use ecograph::metrics::centrality::closeness_sampled::sample_size;
/// // A million partners, ε = 0.01, δ = 0.1: about 88 thousand sources.
/// assert_eq!(sample_size(1_000_000, 0.01, 0.1), 87_522);
/// ```
pub fn sample_size(partners: usize, epsilon: f64, delta: f64) -> usize {
    let k = ((4.0 * partners.max(1) as f64 / delta).ln() / (2.0 * epsilon * epsilon)).ceil();
    (k as usize).max(2)
}

/// Closeness and harmonic centrality of every partner: exact while at most
/// `params.exact_limit` partners have a co-sell edge, sampled above (module doc), with
/// how they were obtained, reporting the source batches done to `meter` (`None`: nothing).
///
/// For a partner manager: high closeness means the partner reaches most of the
/// ecosystem through co-selling relationships in few steps.
///
/// # Returns
/// * `(closeness, harmonic, mode)`: the values as [`super::closeness::closeness_harmonic`]
///   defines them, indexed like `g`'s rows, and [`ClosenessMode`] for the summary.
///
/// # Complexity
/// * Exact: time **O(⌈n / 512⌉ · D · (n + m))**; sampled: **O(⌈S / 512⌉ · D · (n + m))**
///   for S sources (module doc); auxiliary space **O(n)** per thread.
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::centrality::closeness_sampled::{closeness_harmonic_auto, ClosenessMode, ClosenessParams};
/// let g = Csr::symmetric_from_sorted_edges(3, &[(0, 1, 1), (1, 2, 1)]);
/// let (c, _, mode) = closeness_harmonic_auto(&g, &ClosenessParams::default(), None);
/// assert_eq!(mode, ClosenessMode::Exact);
/// assert_eq!(c[1], 1.0);
/// ```
pub fn closeness_harmonic_auto(
    g: &Csr,
    params: &ClosenessParams,
    meter: Option<&Meter>,
) -> (Vec<f64>, Vec<f64>, ClosenessMode) {
    let active = (0..g.rows()).filter(|&v| g.degree(v) > 0).count();
    if active <= params.exact_limit {
        let (c, h) = closeness_harmonic(g, meter);
        (c, h, ClosenessMode::Exact)
    } else {
        sampled(g, params.epsilon, params.delta, params.seed, meter)
    }
}

/// The sampled estimate (module doc), whatever the network's size: components larger
/// than [`sample_size`] partners get K sampled sources, the others stay exact. When no
/// component is larger than K, every value is exact and the mode is
/// [`ClosenessMode::Exact`]. Reports the source batches done to `meter` (`None`:
/// nothing).
pub fn sampled(
    g: &Csr,
    epsilon: f64,
    delta: f64,
    seed: u64,
    meter: Option<&Meter>,
) -> (Vec<f64>, Vec<f64>, ClosenessMode) {
    let n = g.rows();
    let r = Relabelled::breadth_first(g);
    let active = (0..n).filter(|&v| r.graph.degree(v) > 0).count();
    let k = sample_size(active, epsilon, delta);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut sources = Vec::new();
    // Per component: Some(scale |C| / K) when sampled.
    let mut scale: Vec<Option<f64>> = Vec::with_capacity(r.components.len());
    for c in &r.components {
        let size = c.len();
        if size < 2 {
            scale.push(None);
        } else if size <= k {
            sources.extend(c.start as u32..c.end as u32);
            scale.push(None);
        } else {
            let mut picked = rand::seq::index::sample(&mut rng, size, k).into_vec();
            picked.sort_unstable();
            sources.extend(picked.into_iter().map(|i| (c.start + i) as u32));
            scale.push(Some(size as f64 / k as f64));
        }
    }
    let sums = traverse(&r, &sources, meter);
    let diameter = diameter_bounds(&r);
    let (mut closeness, mut harmonic) = (vec![0.0; n], vec![0.0; n]);
    let n1 = n.saturating_sub(1).max(1) as f64;
    let (mut dist_bound, mut rel_bound, mut harm_bound) = (0.0f64, 0.0f64, 0.0f64);
    let (mut sampled_components, mut sampled_partners) = (0, 0);
    for (ci, c) in r.components.iter().enumerate() {
        match scale[ci] {
            None => {
                for v in c.clone() {
                    let reach = f64::from(sums.reached[v]);
                    if sums.farness[v] > 0 && n > 1 {
                        closeness[v] = reach / sums.farness[v] as f64 * (reach / n1);
                    }
                    if n > 1 {
                        harmonic[v] = sums.harmonic[v] / n1;
                    }
                }
            }
            Some(w) => {
                sampled_components += 1;
                sampled_partners += c.len();
                let others = (c.len() - 1) as f64;
                let e = epsilon * diameter[ci] as f64 * c.len() as f64 / others;
                dist_bound = dist_bound.max(e);
                harm_bound = harm_bound.max(epsilon * c.len() as f64 / n1);
                for v in c.clone() {
                    // K ≥ 2 distinct sources in a connected component: another one
                    // always reaches v, so the farness is positive.
                    let farness = w * sums.farness[v] as f64;
                    if farness > 0.0 {
                        closeness[v] = others * others / (n1 * farness);
                        rel_bound = rel_bound.max(e / (farness / others));
                    }
                    harmonic[v] = w * sums.harmonic[v] / n1;
                }
            }
        }
    }
    // When no component is larger than K every partner was a source: the values are the
    // exact ones, and the summary says so.
    let mode = if sampled_components == 0 {
        ClosenessMode::Exact
    } else {
        ClosenessMode::Sampled {
            epsilon,
            delta,
            seed,
            sources_per_component: k,
            sampled_components,
            sampled_partners,
            sources: sources.len(),
            distance_error_bound: dist_bound,
            closeness_relative_error_bound: rel_bound,
            harmonic_error_bound: harm_bound,
        }
    };
    (r.to_original(&closeness), r.to_original(&harmonic), mode)
}

/// Per component of `r`, D_C = 2·ecc(first node) ≥ its diameter (one BFS from the first
/// node of each component; components are contiguous id ranges). O(n + m).
fn diameter_bounds(r: &Relabelled) -> Vec<u32> {
    let g = &r.graph;
    let mut dist = vec![u32::MAX; g.rows()];
    let mut queue = Vec::new();
    r.components
        .iter()
        .map(|c| {
            queue.clear();
            queue.push(c.start as u32);
            dist[c.start] = 0;
            let (mut head, mut ecc) = (0, 0);
            while head < queue.len() {
                let v = queue[head] as usize;
                head += 1;
                ecc = ecc.max(dist[v]);
                for &w in g.row(v) {
                    if dist[w as usize] == u32::MAX {
                        dist[w as usize] = dist[v] + 1;
                        queue.push(w);
                    }
                }
            }
            2 * ecc
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::centrality::closeness::closeness_harmonic;

    /// A connected ring-with-chords network of `n` partners plus a few small components
    /// and isolated partners, deterministic.
    fn network(n: u32) -> Csr {
        let mut e = Vec::new();
        for i in 0..n {
            e.push((i, (i + 1) % n, 1));
            let far = (i.wrapping_mul(2_654_435_761) >> 7) % n;
            if far != i && i % 3 == 0 {
                e.push((i, far, 1));
            }
        }
        // Two small components and two isolated partners after them.
        e.extend([(n, n + 1, 1), (n + 1, n + 2, 1), (n + 3, n + 4, 1)]);
        let mut e: Vec<(u32, u32, u32)> = e
            .into_iter()
            .map(|(a, b, w)| (a.min(b), a.max(b), w))
            .collect();
        e.sort_unstable();
        e.dedup_by_key(|x| (x.0, x.1));
        Csr::symmetric_from_sorted_edges(n as usize + 7, &e)
    }

    #[test]
    fn estimates_are_within_the_reported_bounds() {
        let g = network(3000);
        let (c0, h0) = closeness_harmonic(&g, None);
        // ε = 0.05: K ≈ 2,300 of the 3,000 partners of the large component.
        let (c, h, mode) = sampled(&g, 0.05, 0.1, 7, None);
        let ClosenessMode::Sampled {
            sources_per_component,
            sampled_components,
            sampled_partners,
            closeness_relative_error_bound: rel,
            harmonic_error_bound: hb,
            distance_error_bound: db,
            ..
        } = mode
        else {
            panic!("sampled mode expected, got {mode:?}");
        };
        assert_eq!(sources_per_component, sample_size(3005, 0.05, 0.1));
        assert_eq!((sampled_components, sampled_partners), (1, 3000));
        assert!(db > 0.0 && rel > 0.0 && hb > 0.0);
        let mut worst = 0.0f64;
        for v in 0..g.rows() {
            if v >= 3000 {
                assert_eq!(c[v], c0[v], "small components are exact");
                assert!((h[v] - h0[v]).abs() < 1e-15);
                continue;
            }
            let err = (c[v] - c0[v]).abs() / c0[v];
            worst = worst.max(err);
            assert!(
                err <= rel,
                "partner {v}: relative error {err} > bound {rel}"
            );
            assert!((h[v] - h0[v]).abs() <= hb, "partner {v}: harmonic error");
        }
        // The estimate is informative: not exact, and well inside its worst-case bound.
        assert!(
            worst > 0.0 && worst < rel / 2.0,
            "worst {worst}, bound {rel}"
        );
        assert_ne!(c, c0);
    }

    #[test]
    fn same_bits_for_any_thread_count_and_seed_changes_the_sample() {
        let g = network(2000);
        let run = |threads: usize, seed: u64| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| sampled(&g, 0.1, 0.1, seed, None))
        };
        // ε = 0.1: K = 565 of the 2,000 partners.
        let one = run(1, 3);
        assert!(matches!(
            one.2,
            ClosenessMode::Sampled {
                sampled_components: 1,
                ..
            }
        ));
        assert_eq!(one, run(4, 3));
        assert_ne!(one.0, run(1, 4).0, "another seed draws another sample");
    }

    #[test]
    fn switches_to_the_sample_above_the_limit_only() {
        let g = network(2000);
        let params = ClosenessParams {
            exact_limit: 2005,
            epsilon: 0.1,
            ..ClosenessParams::default()
        };
        let (c, h, mode) = closeness_harmonic_auto(&g, &params, None);
        assert_eq!(mode, ClosenessMode::Exact);
        assert_eq!((c, h), closeness_harmonic(&g, None));
        let below = ClosenessParams {
            exact_limit: 2004,
            ..params
        };
        let (_, _, mode) = closeness_harmonic_auto(&g, &below, None);
        assert!(matches!(mode, ClosenessMode::Sampled { .. }));
    }

    #[test]
    fn a_sample_as_large_as_the_component_is_exact() {
        // ε = 0.01 makes K (about 56 thousand) larger than every component: nothing is
        // sampled, every partner is a source, and every value is the exact one.
        let g = network(2000);
        let (c, h, mode) = sampled(&g, 0.01, 0.1, 1, None);
        assert_eq!(mode, ClosenessMode::Exact);
        assert_eq!((c, h), closeness_harmonic(&g, None));
    }
}
