//! Betweenness centrality by hops: who sits on the shortest co-selling routes between
//! other partners, i.e. the brokers between groups.
//!
//! Definition (contract §3, NetworkX `betweenness_centrality(normalized=True)`):
//! `b(v) = Σ_{s<t, s,t≠v} σ_st(v) / σ_st`, divided by `(n-1)(n-2)/2` (no scaling for
//! n ≤ 2), where σ_st counts shortest s-t paths and σ_st(v) those through v. Edge
//! weights are ignored (distance = hops).
//!
//! **Exact** (Brandes 2001, "A faster algorithm for betweenness centrality"): one BFS per
//! source plus a backward accumulation of dependencies `δ_s(v) = Σ_{w: v∈P_s(w)}
//! σ_sv/σ_sw (1 + δ_s(w))`. Predecessors are not stored: the backward pass runs level by
//! level and each node pulls from its neighbours one hop farther from s (see
//! `Scratch::accumulate`); the graph is renumbered breadth-first first, for locality.
//! [`exact`] runs up to 8 sources per sweep (`centrality::brandes_batch`: per-node lane
//! state side by side, leaf sources folded into their neighbour's search) with the bits
//! of this one-source kernel, which [`exact_sequential`] keeps as the reference.
//! Sources run in parallel, each thread with its own scratch; sources are cut into
//! fixed chunks whose partial sums are folded in chunk order (see
//! `centrality::ordered`), so the bits never depend on the thread count.
//! Time O(n m), memory O(n) per thread.
//!
//! **Sampled** (Riondato & Kornaropoulos 2016, "Fast approximation of betweenness
//! centrality through sampling", DMKD 30): r node pairs (u, v), u ≠ v, drawn uniformly;
//! for each, one shortest u-v path drawn uniformly (by a balanced bidirectional BFS,
//! see `centrality::path_sampler`), and every interior node of it gets 1/r. With
//! `r = ⌈(c/ε'²)(⌊log2(VD-2)⌋ + 1 + ln(1/δ))⌉`, c = 0.5 and VD an upper bound on the
//! vertex diameter, every estimate is within ε' of its value (normalised by n(n-1))
//! with probability at least 1 - δ, all nodes at once. We report on NetworkX's scale,
//! which is n/(n-2) times RK's, and run with ε' = ε(n-2)/n so the stated guarantee
//! `|estimate - exact| ≤ ε` holds on the scale users see. VD ≤ 2·ecc(x) + 1 from one BFS
//! per component. Sample i draws from ChaCha8 (seed, stream = its chunk), counts are
//! integers, so the result is the same for any thread count.
//!
//! For a partner manager: a high betweenness partner is the bridge other partners'
//! co-selling relationships run through; losing it lengthens or cuts those routes.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use std::sync::Mutex;

use super::brandes_batch::{Batch, LANES};
use super::ordered::{add_into, ordered_fold};
use super::path_sampler::PathSampler;
use super::relabel::Relabelled;
use crate::graph::Csr;
use crate::progress::Meter;

/// Sources per chunk of the exact computation (fixed: the summation order depends on it).
const SOURCE_CHUNK: usize = 32;
/// Samples per chunk (each chunk has its own random stream).
const SAMPLE_CHUNK: usize = 256;
/// The universal constant of the Riondato-Kornaropoulos sample size (their §5).
const RK_C: f64 = 0.5;

/// How betweenness is computed.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct BetweennessParams {
    /// Exact while the co-sell network has at most this many partners with an edge.
    pub exact_limit: usize,
    /// Additive error bound of the sampled estimate (NetworkX's normalised scale).
    pub epsilon: f64,
    /// Probability that the bound fails.
    pub delta: f64,
    /// Seed of the sampled mode's pair draws (ChaCha8, one stream per chunk of samples);
    /// unused when exact.
    pub seed: u64,
}

impl Default for BetweennessParams {
    fn default() -> Self {
        BetweennessParams {
            exact_limit: 20_000,
            epsilon: 0.005,
            delta: 0.1,
            seed: 42,
        }
    }
}

impl BetweennessParams {
    /// Checks ε and δ are in (0, 1); the message names the CLI flag.
    pub fn check(&self) -> crate::error::Result<()> {
        for (flag, v) in [
            ("--betweenness-epsilon", self.epsilon),
            ("--betweenness-delta", self.delta),
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

/// How a betweenness result was obtained (written to the summary).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "mode", rename_all = "lowercase")]
pub enum BetweennessMode {
    /// Brandes' exact algorithm: `{"mode": "exact"}`.
    Exact,
    /// Riondato-Kornaropoulos sampling: every value is within `epsilon` of the exact one
    /// with probability at least 1 - `delta`.
    Sampled {
        /// Additive error bound, on the reported (NetworkX) scale.
        epsilon: f64,
        /// Probability that the bound fails.
        delta: f64,
        /// Seed of the draws.
        seed: u64,
        /// Node pairs drawn (r), each contributing one shortest path.
        samples: usize,
        /// Upper bound on the vertex diameter (nodes on a longest shortest path) that
        /// sized the sample, from one BFS per component.
        vertex_diameter_bound: usize,
    },
    /// Above the exact limit, but the sample the guarantee asks for would cost at least
    /// as much as Brandes' one search per partner with an edge ([`BetweennessPlan::of`]):
    /// the exact values were computed instead, at no more cost and with no error:
    /// `{"mode": "exact", "instead_of_samples": r}`.
    #[serde(rename = "exact")]
    ExactInsteadOfSampling {
        /// The sample size (r) that `epsilon` and `delta` asked for.
        instead_of_samples: usize,
    },
}

/// How [`betweenness`] will compute, decided before any search: what the run does and
/// what `--dry-run` costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BetweennessPlan {
    /// Brandes from every one of `sources` partners with an edge.
    Exact {
        /// Partners with a co-sell edge (one search each).
        sources: usize,
        /// The sample size the guarantee asked for, when drawing it would have cost at
        /// least as much as exact.
        instead_of_samples: Option<usize>,
    },
    /// Riondato-Kornaropoulos with `samples` pair draws.
    Sampled {
        /// Pair draws (r), cheaper together than exact.
        samples: usize,
    },
}

/// Nanoseconds of one Brandes source per unit of W = n + 2m (a full BFS and dependency
/// sweep), on one thread of the release build on the 2-core benchmark machine: exact
/// betweenness on one deal of 10,000 partners (50 M ties) takes about 25 minutes on 2
/// threads, and 20,000 generated partners 22.5 s (README).
pub const NS_PER_SOURCE_UNIT: f64 = 3.0;

/// Nanoseconds of one sample per unit of W^0.75 (a balanced bidirectional search stops
/// long before it has seen W), on the same machine: 126 k samples on the generated
/// 100k-partner network (W = 2.3 M) take 0.89 s on 2 threads (BENCHMARKS.md).
pub const NS_PER_SAMPLE_UNIT: f64 = 0.235;

impl BetweennessPlan {
    /// The plan of [`betweenness`] on `g` with `params`: exact at most
    /// `params.exact_limit` partners with an edge; above it, sampled unless drawing the
    /// r samples the guarantee asks for would cost at least as much as exact, by the
    /// cost model: r × [`NS_PER_SAMPLE_UNIT`] × W^0.75 ≥ sources ×
    /// [`NS_PER_SOURCE_UNIT`] × W, with W = n + 2m. Then exact is computed instead: it
    /// is no dearer and has no error (on the demo's 300 partners, ε = 10⁻⁴ asks for
    /// 268 M samples, hours, against milliseconds exact). The decision depends on the
    /// graph and the parameters only, never on the machine. Time O(n + m) (one BFS per
    /// component for the vertex-diameter bound).
    pub fn of(g: &Csr, params: &BetweennessParams) -> BetweennessPlan {
        let active = (0..g.rows()).filter(|&v| g.degree(v) > 0).count();
        if active <= params.exact_limit {
            return BetweennessPlan::Exact {
                sources: active,
                instead_of_samples: None,
            };
        }
        let r = sample_size(g, params.epsilon, params.delta);
        let w = (g.rows() + g.targets.len()) as f64;
        let sampling = r as f64 * NS_PER_SAMPLE_UNIT * w.powf(0.75);
        let exact = active as f64 * NS_PER_SOURCE_UNIT * w;
        if sampling >= exact {
            BetweennessPlan::Exact {
                sources: active,
                instead_of_samples: Some(r),
            }
        } else {
            BetweennessPlan::Sampled { samples: r }
        }
    }
}

/// The sample size of [`sampled`] on `g` (0 for two partners or fewer).
fn sample_size(g: &Csr, epsilon: f64, delta: f64) -> usize {
    let n = g.rows();
    if n <= 2 {
        return 0;
    }
    rk_samples(
        vertex_diameter_bound(g),
        epsilon * (n - 2) as f64 / n as f64,
        delta,
    )
}

/// Betweenness centrality of every partner, by hops (edge weights are ignored), on
/// NetworkX's normalised scale: the share of shortest co-selling routes between two other
/// partners that run through it. Exact (Brandes) while at most `params.exact_limit`
/// partners have a co-sell edge, sampled (Riondato-Kornaropoulos, within `epsilon` with
/// probability 1 - `delta`) above, unless the sample would need as many path searches as
/// exact does ([`BetweennessPlan::of`]); the module doc has both.
///
/// For a partner manager: a high betweenness partner is the bridge other partners'
/// co-selling relationships run through; losing it lengthens or cuts those routes.
///
/// # Arguments
/// * `g`: the co-sell network, symmetric.
/// * `params`: `exact_limit` (20,000 partners with an edge), and for the sampled mode
///   `epsilon` (0.005), `delta` (0.1) and `seed` (42).
/// * `meter`: where to report the sources (exact) or samples (sampled) done, for a
///   progress display; `None` reports nothing.
///
/// # Returns
/// * The betweenness of each partner, indexed like `g`'s rows, normalised by
///   (n-1)(n-2)/2 (not for n ≤ 2), and how it was obtained ([`BetweennessMode::Exact`] or
///   [`BetweennessMode::Sampled`] with the sample count), for the summary.
///
/// # Complexity
/// * Exact: time **O(n m)**, auxiliary space **O(n)** per thread.
/// * Sampled: time **O(r (n + m))** at worst (each sample a bidirectional BFS, usually far
///   less), auxiliary space **O(n)** per thread; r depends on `epsilon`, `delta` and the
///   vertex diameter, hardly on n ([`rk_samples`]).
///
/// where **n** is the number of partners and **m** the number of co-sell edges.
///
/// Reference: Brandes 2001, "A faster algorithm for betweenness centrality"; Riondato &
/// Kornaropoulos 2016, "Fast approximation of betweenness centrality through sampling";
/// exact values equal NetworkX `betweenness_centrality(G, normalized=True)`.
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::centrality::betweenness::{
///     betweenness, BetweennessMode, BetweennessParams,
/// };
/// // A path a - b - c - d: b is on the only route of (a, c) and (a, d), 2 of the
/// // C(3, 2) = 3 pairs without it (NetworkX: 0, 0.666..., 0.666..., 0).
/// let g = Csr::symmetric_from_sorted_edges(4, &[(0, 1, 1), (1, 2, 1), (2, 3, 1)]);
/// let (b, mode) = betweenness(&g, &BetweennessParams::default(), None);
/// assert_eq!(mode, BetweennessMode::Exact);
/// assert_eq!(b, vec![0.0, 2.0 / 3.0, 2.0 / 3.0, 0.0]);
/// ```
pub fn betweenness(
    g: &Csr,
    params: &BetweennessParams,
    meter: Option<&Meter>,
) -> (Vec<f64>, BetweennessMode) {
    match BetweennessPlan::of(g, params) {
        BetweennessPlan::Exact {
            instead_of_samples: None,
            ..
        } => (exact(g, meter), BetweennessMode::Exact),
        BetweennessPlan::Exact {
            instead_of_samples: Some(r),
            ..
        } => (
            exact(g, meter),
            BetweennessMode::ExactInsteadOfSampling {
                instead_of_samples: r,
            },
        ),
        BetweennessPlan::Sampled { .. } => {
            sampled(g, params.epsilon, params.delta, params.seed, meter)
        }
    }
}

/// Per-thread BFS state, reset only where it was touched.
struct Scratch {
    dist: Vec<u32>,
    sigma: Vec<f64>,
    /// `(1 + δ_s(w)) / σ_sw`, set once w's dependency is final (0 before).
    coeff: Vec<f64>,
    /// BFS visiting order; level k is `order[levels[k]..levels[k + 1]]`.
    order: Vec<u32>,
    levels: Vec<usize>,
    /// δ of the level being accumulated.
    level_delta: Vec<f64>,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Scratch {
            dist: vec![u32::MAX; n],
            sigma: vec![0.0; n],
            coeff: vec![0.0; n],
            order: Vec::with_capacity(n),
            levels: Vec::new(),
            level_delta: Vec::new(),
        }
    }

    /// BFS from `s` filling dist, σ, the visiting order and its level boundaries.
    fn bfs(&mut self, g: &Csr, s: usize) {
        for &v in &self.order {
            self.dist[v as usize] = u32::MAX;
            self.sigma[v as usize] = 0.0;
            self.coeff[v as usize] = 0.0;
        }
        self.order.clear();
        self.levels.clear();
        self.dist[s] = 0;
        self.sigma[s] = 1.0;
        self.order.push(s as u32);
        self.levels.push(0);
        let mut head = 0;
        while head < self.order.len() {
            let end = self.order.len();
            self.levels.push(end);
            for i in head..end {
                let v = self.order[i] as usize;
                let dv = self.dist[v];
                let sv = self.sigma[v];
                for &w in g.row(v) {
                    let w = w as usize;
                    if self.dist[w] == u32::MAX {
                        self.dist[w] = dv + 1;
                        self.order.push(w as u32);
                    }
                    if self.dist[w] == dv + 1 {
                        self.sigma[w] += sv;
                    }
                }
            }
            head = end;
        }
    }

    /// Brandes' backward pass, level by level from the farthest, pulling instead of
    /// pushing: `δ_s(v) = σ_sv · Σ_{w ∈ N(v), d(w) = d(v)+1} coeff(w)`. While a level is
    /// summed, only the level below it has its coefficients set (nodes of this level and
    /// nearer are still 0, and in a BFS no neighbour is two levels away), so the sum
    /// needs no distance test and writes nothing scattered. Adds δ_s(v) to `acc`, v ≠ s.
    fn accumulate(&mut self, g: &Csr, s: usize, acc: &mut [f64]) {
        for k in (0..self.levels.len() - 1).rev() {
            let level = &self.order[self.levels[k]..self.levels[k + 1]];
            self.level_delta.clear();
            for &v in level {
                let sum: f64 = g
                    .row(v as usize)
                    .iter()
                    .map(|&w| self.coeff[w as usize])
                    .sum();
                self.level_delta.push(self.sigma[v as usize] * sum);
            }
            for (&v, &delta) in level.iter().zip(&self.level_delta) {
                let v = v as usize;
                self.coeff[v] = (1.0 + delta) / self.sigma[v];
                if v != s {
                    acc[v] += delta;
                }
            }
        }
    }
}

/// NetworkX's normalisation for undirected graphs: 1 / ((n-1)(n-2)) on the sum over
/// ordered sources (each pair counted from both ends), none for n ≤ 2.
fn normalize(bc: &mut [f64]) {
    let n = bc.len();
    if n > 2 {
        let scale = 1.0 / ((n - 1) as f64 * (n - 2) as f64);
        bc.iter_mut().for_each(|b| *b *= scale);
    }
}

/// Exact betweenness of every partner (Brandes), normalised as NetworkX; what
/// [`betweenness`] returns below its `exact_limit`. Runs on the breadth-first renumbered
/// graph (see `centrality::relabel`: neighbours close in memory), sources in parallel.
///
/// # Arguments
/// * `g`: the co-sell network, symmetric.
/// * `meter`: where to report the sources done; `None` reports nothing.
///
/// # Returns
/// * The betweenness of each partner, indexed like `g`'s rows.
///
/// # Complexity
/// * Time complexity: **O(n m)**; auxiliary space **O(n)** per thread, where **n** is the
///   number of partners and **m** the number of co-sell edges.
///
/// Reference: Brandes 2001; NetworkX `betweenness_centrality(G, normalized=True)`. See
/// [`betweenness`] for an example.
pub fn exact(g: &Csr, meter: Option<&Meter>) -> Vec<f64> {
    let n = g.rows();
    let r = Relabelled::breadth_first(g);
    let h = &r.graph;
    // Isolated partners are on no path: skipping them as sources changes nothing.
    let sources: Vec<u32> = (0..n as u32)
        .filter(|&v| h.degree(v as usize) > 0)
        .collect();
    let mut bc = batched::<LANES>(h, &sources, meter);
    normalize(&mut bc);
    r.to_original(&bc)
}

/// The sum over `sources` of their dependencies on `h` (not normalised), by the batched
/// kernel with `L` lanes, chunk partials folded in chunk order.
fn batched<const L: usize>(h: &Csr, sources: &[u32], meter: Option<&Meter>) -> Vec<f64> {
    let n = h.rows();
    // Scratch is reused across chunks (at most one per worker thread at a time).
    let pool: Mutex<Vec<Batch<L>>> = Mutex::new(Vec::new());
    ordered_fold(
        sources.len(),
        SOURCE_CHUNK,
        meter,
        "sources",
        || vec![0.0f64; n],
        |range, acc| {
            let taken = pool.lock().map(|mut p| p.pop()).unwrap_or(None);
            let mut batch = taken.unwrap_or_else(|| Batch::new(n));
            let mut reference: Option<Scratch> = None;
            batch.accumulate(h, &sources[range], acc, |s, acc| {
                let sc = reference.get_or_insert_with(|| Scratch::new(n));
                sc.bfs(h, s);
                sc.accumulate(h, s, acc);
            });
            if let Ok(mut p) = pool.lock() {
                p.push(batch);
            }
        },
        |t, p| add_into(t, p),
    )
}

/// [`exact`] with `L` searches per sweep, for tests of every lane count.
#[cfg(test)]
pub(crate) fn exact_with_lanes<const L: usize>(g: &Csr) -> Vec<f64> {
    let r = Relabelled::breadth_first(g);
    let h = &r.graph;
    let sources: Vec<u32> = (0..g.rows() as u32)
        .filter(|&v| h.degree(v as usize) > 0)
        .collect();
    let mut bc = batched::<L>(h, &sources, None);
    normalize(&mut bc);
    r.to_original(&bc)
}

/// Same as [`exact`] on one thread with one running sum, one Brandes sweep per source:
/// the reference kernel the batched one must match bit for bit (tests, benches).
pub fn exact_sequential(g: &Csr) -> Vec<f64> {
    let n = g.rows();
    let r = Relabelled::breadth_first(g);
    let h = &r.graph;
    let mut sc = Scratch::new(n);
    let mut bc = vec![0.0; n];
    let mut chunk = vec![0.0; n];
    let sources: Vec<usize> = (0..n).filter(|&v| h.degree(v) > 0).collect();
    for group in sources.chunks(SOURCE_CHUNK) {
        chunk.iter_mut().for_each(|x| *x = 0.0);
        for &s in group {
            sc.bfs(h, s);
            sc.accumulate(h, s, &mut chunk);
        }
        add_into(&mut bc, &chunk);
    }
    normalize(&mut bc);
    r.to_original(&bc)
}

/// Upper bound on the vertex diameter (nodes on a longest shortest path): per component,
/// one BFS from its first node x gives ecc(x), and VD ≤ 2 ecc(x) + 1.
fn vertex_diameter_bound(g: &Csr) -> usize {
    let n = g.rows();
    let mut seen = vec![false; n];
    let mut dist = vec![0u32; n];
    let mut queue = Vec::new();
    let mut bound = 1;
    for x in 0..n {
        if seen[x] || g.degree(x) == 0 {
            continue;
        }
        seen[x] = true;
        dist[x] = 0;
        queue.clear();
        queue.push(x as u32);
        let mut head = 0;
        let mut ecc = 0;
        while head < queue.len() {
            let v = queue[head] as usize;
            head += 1;
            ecc = ecc.max(dist[v]);
            for &w in g.row(v) {
                if !seen[w as usize] {
                    seen[w as usize] = true;
                    dist[w as usize] = dist[v] + 1;
                    queue.push(w);
                }
            }
        }
        bound = bound.max(2 * ecc as usize + 1);
    }
    bound
}

/// Riondato-Kornaropoulos sample size for error `eps` (RK scale) and failure `delta`.
pub fn rk_samples(vd: usize, eps: f64, delta: f64) -> usize {
    let log_term = if vd > 3 {
        ((vd - 2) as f64).log2().floor()
    } else {
        0.0
    };
    ((RK_C / (eps * eps)) * (log_term + 1.0 + (1.0 / delta).ln())).ceil() as usize
}

/// Sampled betweenness of every partner (Riondato-Kornaropoulos), on NetworkX's
/// normalised scale; what [`betweenness`] returns above its `exact_limit`. Draws
/// [`rk_samples`] uniform node pairs, one uniform shortest path each, and credits the
/// path's interior partners.
///
/// # Arguments
/// * `g`: the co-sell network, symmetric.
/// * `epsilon`: the additive error bound, on the scale returned.
/// * `delta`: the probability that the bound fails for some partner.
/// * `seed`: the seed of the ChaCha8 streams (one per fixed chunk of samples).
/// * `meter`: where to report the samples done; `None` reports nothing.
///
/// # Returns
/// * Estimates with `|estimate - exact| ≤ epsilon` for all partners at once with
///   probability at least 1 - `delta`, the same for any thread count, and the
///   [`BetweennessMode::Sampled`] record (sample count, vertex-diameter bound).
///
/// # Complexity
/// * Time complexity: **O(r (n + m))** at worst, usually far less (balanced bidirectional
///   BFS); auxiliary space **O(n)** per thread.
///
/// where **r** = [`rk_samples`]`(VD, epsilon (n-2)/n, delta)` for a vertex-diameter bound
/// VD, **n** the number of partners and **m** the number of co-sell edges.
///
/// Reference: Riondato & Kornaropoulos 2016, "Fast approximation of betweenness
/// centrality through sampling", DMKD 30.
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::centrality::betweenness::{exact, sampled, BetweennessMode};
/// // A star: the hub is on every route between two leaves (exact betweenness 1).
/// let g = Csr::symmetric_from_sorted_edges(5, &[(0, 1, 1), (0, 2, 1), (0, 3, 1), (0, 4, 1)]);
/// let (b, mode) = sampled(&g, 0.05, 0.1, 42, None);
/// assert!(matches!(mode, BetweennessMode::Sampled { samples, .. } if samples > 1000));
/// for (estimate, truth) in b.iter().zip(exact(&g, None)) {
///     assert!((estimate - truth).abs() <= 0.05);
/// }
/// assert_eq!(&b[1..], &[0.0; 4]); // a leaf is never inside a shortest path
/// ```
pub fn sampled(
    g: &Csr,
    epsilon: f64,
    delta: f64,
    seed: u64,
    meter: Option<&Meter>,
) -> (Vec<f64>, BetweennessMode) {
    let n = g.rows();
    let vd = vertex_diameter_bound(g);
    let mode = |samples| BetweennessMode::Sampled {
        epsilon,
        delta,
        seed,
        samples,
        vertex_diameter_bound: vd,
    };
    if n <= 2 {
        return (vec![0.0; n], mode(0));
    }
    let eps_rk = epsilon * (n - 2) as f64 / n as f64;
    let r = rk_samples(vd, eps_rk, delta);
    let counts = ordered_fold(
        r,
        SAMPLE_CHUNK,
        meter,
        "samples",
        || vec![0u32; n],
        |range, counts| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream((range.start / SAMPLE_CHUNK) as u64);
            let mut sampler = PathSampler::new(n);
            for _ in range {
                let u = rng.random_range(0..n);
                let mut v = rng.random_range(0..n - 1);
                if v >= u {
                    v += 1;
                }
                if g.degree(u) > 0 && g.degree(v) > 0 {
                    sampler.sample(g, u, v, &mut rng, |w| counts[w] += 1);
                }
            }
        },
        |t, p| {
            for (a, b) in t.iter_mut().zip(p) {
                *a += b;
            }
        },
    );
    let scale = n as f64 / ((n - 2) as f64 * r as f64);
    (
        counts.iter().map(|&c| f64::from(c) * scale).collect(),
        mode(r),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(n: u32) -> Csr {
        let e: Vec<_> = (0..n - 1).map(|i| (i, i + 1, 1)).collect();
        Csr::symmetric_from_sorted_edges(n as usize, &e)
    }

    #[test]
    fn path_matches_closed_form() {
        // On a path of n nodes, node i lies on i·(n-1-i) pairs' only shortest path.
        let n = 7;
        let b = exact(&path(n), None);
        let norm = ((n - 1) * (n - 2)) as f64 / 2.0;
        for (i, &x) in b.iter().enumerate() {
            let i = i as f64;
            assert!((x - i * (f64::from(n) - 1.0 - i) / norm).abs() < 1e-15);
        }
    }

    #[test]
    fn star_centre_is_one() {
        let e: Vec<_> = (1..6).map(|i| (0, i, 1)).collect();
        let b = exact(&Csr::symmetric_from_sorted_edges(7, &e), None);
        // 7 nodes incl. one isolated: centre covers C(5,2)=10 of (6·5)/2=15 pairs.
        assert!((b[0] - 10.0 / 15.0).abs() < 1e-15);
        assert!(b[1..].iter().all(|&x| x == 0.0));
    }

    #[test]
    fn parallel_equals_sequential_bits() {
        let mut e = Vec::new();
        for i in 0..400u32 {
            for d in [1, 7, 31] {
                if i + d < 400 && (i * d) % 5 != 0 {
                    e.push((i, i + d, 1));
                }
            }
        }
        e.sort_unstable();
        let g = Csr::symmetric_from_sorted_edges(400, &e);
        let par = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
            .install(|| exact(&g, None));
        assert_eq!(par, exact_sequential(&g));
    }

    #[test]
    fn sampled_is_within_epsilon_and_reproducible() {
        let mut e = Vec::new();
        for i in 0..300u32 {
            for d in [1, 3, 17] {
                if i + d < 300 && (i + d) % 4 != 0 {
                    e.push((i, i + d, 1));
                }
            }
        }
        e.sort_unstable();
        let g = Csr::symmetric_from_sorted_edges(300, &e);
        let ex = exact(&g, None);
        let (s1, mode) = sampled(&g, 0.02, 0.1, 7, None);
        let (s2, _) = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
            .install(|| sampled(&g, 0.02, 0.1, 7, None));
        assert_eq!(s1, s2);
        assert!(matches!(mode, BetweennessMode::Sampled { samples, .. } if samples > 1000));
        let worst = ex
            .iter()
            .zip(&s1)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(worst <= 0.02, "worst error {worst}");
    }
}
