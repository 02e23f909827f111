//! Louvain community detection on the weighted co-sell network.
//!
//! Algorithm: Blondel, Guillaume, Lambiotte & Lefebvre 2008, "Fast unfolding of
//! communities in large networks" (J. Stat. Mech. P10008), in NetworkX's formulation
//! (`louvain_communities`, resolution γ = 1, threshold 1e-7): each level moves single
//! nodes, in a seeded random order, to the neighbouring community with the largest
//! positive modularity gain
//! `ΔQ = w(u,C)/m - w(u,C_u∖u)/m - γ k_u (Σ_C - Σ_{C_u∖u}) / (2m²)` until no node moves;
//! then communities become nodes of the next level's graph (internal weight as a self
//! loop). It stops when a level raises modularity by no more than the threshold.
//!
//! Why Louvain and not Leiden: the contract asks for a seeded, reproducible partition
//! with modularity at least NetworkX's Louvain; Louvain's local moves are sequential by
//! nature, which makes the result independent of the thread count without extra
//! machinery. Quality: [`communities`] runs several independently seeded trials (in
//! parallel; trial t shuffles with ChaCha8 stream t) and keeps the partition of highest
//! modularity (ties: lowest trial), so it does not depend on one lucky order.
//! Time O(m) per pass, a handful of passes and levels in practice; memory O(n + m).
//!
//! Ties between candidate communities go to the first one met in the node's row (rows
//! are in partner id order), so a given order always gives the same partition.
//!
//! Work saved without changing any result: a node that stayed where it was at its last
//! visit is not evaluated again while no community it then saw has lost weight and its
//! own community has gained none. Its weights to each community are then unchanged (a
//! neighbour's move takes weight from the community it left, which the node saw), and
//! every other change only raises a community's total degree (Σ_C) or lowers its own,
//! which lowers every gain (γ ≥ 0; IEEE arithmetic is monotone), so it would stay again.
//! Each level is copied in visiting order (node i is the i-th visited, rows keep their
//! neighbour order), so a pass reads memory front to back; levels are aggregated
//! community by community in parallel; modularity sums its integer weights exactly, in
//! parallel, and after the first level on the (smaller) level graph, which holds the same
//! integers. Each step adds the same numbers in the same order as the plain sequential
//! algorithm, or integers whose sums are exact in any order (total weight below 2^53;
//! above it the sequential sums are kept), so the partition and its modularity are the
//! same bits, whatever the number of threads.
//!
//! The parts: `moving` is the local moving on one level; `aggregate` sums a level's
//! modularity and builds the next level; this file holds the parameters, the levels'
//! graph, [`modularity`], one seeded run over the levels and the trials driver
//! [`communities`].

mod aggregate;
mod moving;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use self::aggregate::{aggregate, level_modularity};
use self::moving::one_level;
use crate::graph::Csr;

/// NetworkX's default: stop when a level gains no more than this.
const THRESHOLD: f64 = 1e-7;
/// A move must gain more than this. NetworkX moves on any gain > 0, but two equal-gain
/// moves can then differ in the last bit and swap a node back and forth forever (seen on
/// a 150-partner input); a gain this small is rounding, not structure.
const MIN_GAIN: f64 = 1e-12;
/// Safety net on local-moving passes per level (each pass visits every node once).
const MAX_PASSES: usize = 1000;

/// How communities are found; recorded in the run metadata.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LouvainParams {
    /// Seed of the node orders (trial t shuffles with ChaCha8 stream t; the CLI's
    /// `--seed`).
    pub seed: u64,
    /// Independently seeded runs; the best modularity wins.
    pub trials: usize,
    /// Modularity resolution γ: above 1 favours smaller communities, below 1 larger ones
    /// (1, the standard modularity).
    pub resolution: f64,
}

impl Default for LouvainParams {
    fn default() -> Self {
        LouvainParams {
            seed: 42,
            trials: 4,
            resolution: 1.0,
        }
    }
}

/// A weighted graph with self loops, as the levels of Louvain need it: CSR rows
/// (ascending, without self loops) and each node's self-loop weight. The first level
/// borrows the co-sell network's arrays.
struct Level<'g> {
    offsets: Cow<'g, [usize]>,
    targets: Cow<'g, [u32]>,
    weights: Vec<f64>,
    self_loop: Vec<f64>,
}

impl<'g> Level<'g> {
    fn from_csr(g: &'g Csr) -> Level<'g> {
        Level {
            offsets: Cow::Borrowed(&g.offsets),
            targets: Cow::Borrowed(&g.targets),
            weights: g.weights.par_iter().map(|&w| f64::from(w)).collect(),
            self_loop: vec![0.0; g.rows()],
        }
    }

    fn nodes(&self) -> usize {
        self.self_loop.len()
    }

    /// Neighbours and weights of v.
    fn row(&self, v: usize) -> (&[u32], &[f64]) {
        let r = self.offsets[v]..self.offsets[v + 1];
        (&self.targets[r.clone()], &self.weights[r])
    }

    /// Weighted degree, a self loop counted twice (NetworkX).
    fn degree(&self, v: usize) -> f64 {
        self.row(v).1.iter().sum::<f64>() + 2.0 * self.self_loop[v]
    }
}

/// Modularity of a partition of the co-sell network, weighted by shared deals:
/// `Q = Σ_c [L_c / m - γ (D_c / 2m)²]`, with L_c the weight of the ties inside community c,
/// D_c the total weighted degree of its members and m the total weight. Q > 0 when the
/// communities hold more co-selling inside than a random network with the same degrees.
///
/// For a partner manager: how clearly the ecosystem splits into groups that co-sell among
/// themselves (above about 0.3 the groups are distinct).
///
/// # Arguments
/// * `g`: the co-sell network, symmetric, weight = shared deals.
/// * `label`: the community of each partner, indexed like `g`'s rows (any `u32` labels;
///   memory grows with the largest).
/// * `resolution`: γ (1.0 is the classic modularity; larger favours smaller communities).
///
/// # Returns
/// * `Some(Q)`, in [-1/2, 1) for γ = 1, or `None` when `g` has no edge.
///
/// # Complexity
/// * Time complexity: **O(n + m + k)**; auxiliary space **O(k)**.
///
/// where **n** is the number of partners, **m** the number of co-sell edges and **k** the
/// largest label + 1.
///
/// Reference: Newman & Girvan 2004, "Finding and evaluating community structure in
/// networks", PRE 69; the same value as NetworkX
/// `community.modularity(G, communities, weight="weight", resolution=γ)`.
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::community::modularity;
/// // Two triangles {a, b, c} and {d, e, f} joined by the tie c - d (m = 7).
/// let g = Csr::symmetric_from_sorted_edges(
///     6,
///     &[(0, 1, 1), (0, 2, 1), (1, 2, 1), (2, 3, 1), (3, 4, 1), (3, 5, 1), (4, 5, 1)],
/// );
/// // Each triangle: 3/7 - (7/14)²; twice that is 5/14 (NetworkX: 0.357142...).
/// let q = modularity(&g, &[0, 0, 0, 1, 1, 1], 1.0).unwrap();
/// assert!((q - 5.0 / 14.0).abs() < 1e-15);
/// // One community for everyone explains nothing: Q = 1 - 1² = 0.
/// assert_eq!(modularity(&g, &[0; 6], 1.0), Some(0.0));
/// assert_eq!(modularity(&Csr::symmetric_from_sorted_edges(2, &[]), &[0, 1], 1.0), None);
/// ```
pub fn modularity(g: &Csr, label: &[u32], resolution: f64) -> Option<f64> {
    let n = g.rows();
    let k = label.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    // Weights are integers: their sums in u64 are exact in any order, so the nodes are
    // summed in parallel, and they equal the f64 sums of the sequential definition
    // below 2^53 (each partial sum is then exact too).
    let per_node: Vec<(u64, u64)> = (0..n)
        .into_par_iter()
        .with_min_len(1024)
        .map(|v| {
            let (mut degree, mut inside) = (0u64, 0u64);
            for (&u, &w) in g.row(v).iter().zip(g.row_weights(v)) {
                degree += u64::from(w);
                if label[u as usize] == label[v] {
                    inside += u64::from(w); // each inside edge seen twice
                }
            }
            (degree, inside)
        })
        .collect();
    let mut inside = vec![0u64; k];
    let mut degree = vec![0u64; k];
    let mut m2 = 0u64;
    for (v, &(d, i)) in per_node.iter().enumerate() {
        m2 = m2.saturating_add(d);
        degree[label[v] as usize] += d;
        inside[label[v] as usize] += i;
    }
    if m2 == 0 {
        return None;
    }
    if m2 >= 1 << 53 {
        return Some(modularity_f64(g, label, resolution, k));
    }
    let m2 = m2 as f64;
    let m = m2 / 2.0;
    Some(
        (0..k)
            .map(|c| inside[c] as f64 / 2.0 / m - resolution * (degree[c] as f64 / m2).powi(2))
            .sum(),
    )
}

/// [`modularity`] by its sequential definition in f64, for total weights from 2^53 up,
/// where integer and floating-point sums may part.
fn modularity_f64(g: &Csr, label: &[u32], resolution: f64, k: usize) -> f64 {
    let mut inside = vec![0.0f64; k];
    let mut degree = vec![0.0f64; k];
    let mut m2 = 0.0;
    for v in 0..g.rows() {
        for (&u, &w) in g.row(v).iter().zip(g.row_weights(v)) {
            let w = f64::from(w);
            m2 += w;
            degree[label[v] as usize] += w;
            if label[u as usize] == label[v] {
                inside[label[v] as usize] += w;
            }
        }
    }
    let m = m2 / 2.0;
    (0..k)
        .map(|c| inside[c] / 2.0 / m - resolution * (degree[c] / m2).powi(2))
        .sum()
}

/// One Louvain run with one seed: community per node (not yet renumbered).
fn run(g: &Csr, seed: u64, stream: u64, resolution: f64) -> Vec<u32> {
    let n = g.rows();
    let mut member: Vec<u32> = (0..n as u32).collect();
    let m: f64 = g.weights.iter().map(|&w| f64::from(w)).sum::<f64>() / 2.0;
    if m == 0.0 {
        return member;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    let mut level = Level::from_csr(g);
    let mut q = modularity(g, &member, resolution).unwrap_or(0.0);
    // Below 2^53 every sum of weights is exact (see level_modularity).
    let exact_sums = 2.0 * m < (1u64 << 53) as f64;
    loop {
        crate::progress::checkpoint();
        let (com, moved) = one_level(&level, m, resolution, &mut rng);
        if !moved {
            break;
        }
        // Renumber communities densely in order of their label, compose the membership.
        let mut dense = vec![u32::MAX; com.len()];
        let mut k = 0u32;
        for &c in &com {
            if dense[c as usize] == u32::MAX {
                dense[c as usize] = 0;
            }
        }
        for d in dense.iter_mut() {
            if *d == 0 {
                *d = k;
                k += 1;
            }
        }
        let com: Vec<u32> = com.iter().map(|&c| dense[c as usize]).collect();
        let next_member: Vec<u32> = member.iter().map(|&c| com[c as usize]).collect();
        let new_q = if exact_sums {
            level_modularity(&level, &com, k as usize, resolution)
        } else {
            modularity(g, &next_member, resolution).unwrap_or(0.0)
        };
        member = next_member;
        if new_q - q <= THRESHOLD {
            break;
        }
        q = new_q;
        level = aggregate(&level, &com, k as usize);
    }
    member
}

/// Relabels communities 0, 1, ... in the order of their smallest member (partner id
/// order, like components).
fn renumber(member: &[u32]) -> Vec<u32> {
    let mut map = vec![u32::MAX; member.len()];
    let mut next = 0;
    member
        .iter()
        .map(|&c| {
            if map[c as usize] == u32::MAX {
                map[c as usize] = next;
                next += 1;
            }
            map[c as usize]
        })
        .collect()
}

/// Communities of the co-sell network by Louvain modularity optimisation, weighted by
/// shared deals: `params.trials` independently seeded runs (in parallel), keeping the
/// partition of highest [`modularity`] (ties: the lowest trial). Each run moves partners,
/// in a seeded random order, to the neighbouring community of largest modularity gain,
/// then merges communities into nodes and repeats (module doc).
///
/// For a partner manager: the groups of partners that co-sell mostly with each other,
/// the natural sub-ecosystems to plan with.
///
/// # Arguments
/// * `g`: the co-sell network, symmetric, weight = shared deals.
/// * `params`: `seed` (42), `trials` (4, at least 1 is run) and `resolution` γ (1.0).
///
/// # Returns
/// * The community of each partner, indexed like `g`'s rows and numbered 0, 1, ... in
///   order of the smallest partner index (id) in it (an isolated partner is a community of
///   its own), and the partition's modularity (`None` when `g` has no edge).
///
/// # Complexity
/// * Time complexity: **O(t · p · (n + m))**.
/// * Auxiliary space: **O(t (n + m))** (the trials run side by side).
///
/// where **t** is `params.trials`, **p** the local-moving passes summed over all levels (a
/// handful in practice, at most 1,000 per level), **n** the partners and **m** the co-sell
/// edges.
///
/// Reference: Blondel, Guillaume, Lambiotte & Lefebvre 2008, "Fast unfolding of
/// communities in large networks", J. Stat. Mech. P10008; in NetworkX's formulation
/// (`community.louvain_communities`, threshold 1e-7), with its own seeded order.
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::community::{communities, LouvainParams};
/// // Two triangles {a, b, c} and {d, e, f} joined by the tie c - d, and g on its own.
/// let g = Csr::symmetric_from_sorted_edges(
///     7,
///     &[(0, 1, 1), (0, 2, 1), (1, 2, 1), (2, 3, 1), (3, 4, 1), (3, 5, 1), (4, 5, 1)],
/// );
/// let (label, q) = communities(&g, &LouvainParams::default());
/// // NetworkX's louvain_communities finds the same two triangles, Q = 5/14.
/// assert_eq!(label, vec![0, 0, 0, 1, 1, 1, 2]);
/// assert!((q.unwrap() - 5.0 / 14.0).abs() < 1e-12);
/// ```
pub fn communities(g: &Csr, params: &LouvainParams) -> (Vec<u32>, Option<f64>) {
    let trials: Vec<(Vec<u32>, Option<f64>)> = (0..params.trials.max(1) as u64)
        .into_par_iter()
        .map(|t| {
            let c = renumber(&run(g, params.seed, t, params.resolution));
            let q = modularity(g, &c, params.resolution);
            (c, q)
        })
        .collect();
    let mut best = 0;
    for (i, t) in trials.iter().enumerate() {
        if t.1.unwrap_or(0.0) > trials[best].1.unwrap_or(0.0) {
            best = i;
        }
    }
    trials.into_iter().nth(best).expect("at least one trial")
}
