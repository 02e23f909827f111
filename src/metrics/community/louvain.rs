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

use std::borrow::Cow;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::build::Csr;

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
/// use ecograph::build::Csr;
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

/// Local moving on one level; returns each node's community label and whether any moved.
fn one_level(level: &Level, m: f64, resolution: f64, rng: &mut ChaCha8Rng) -> (Vec<u32>, bool) {
    let n = level.nodes();
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.shuffle(rng);
    // Nodes renumbered by their place in the order: a pass then reads rows and per-node
    // state front to back. Rows keep their neighbour order (ties go to the first met)
    // and labels are mapped back to node ids, so the partition is the same.
    let mut place = vec![0u32; n];
    for (i, &v) in order.iter().enumerate() {
        place[v as usize] = i as u32;
    }
    let mut visiting = Visiting {
        offsets: Vec::with_capacity(n + 1),
        targets: Vec::with_capacity(level.targets.len()),
        weights: Vec::with_capacity(level.targets.len()),
        degree: Vec::with_capacity(n),
    };
    visiting.offsets.push(0);
    for &v in &order {
        let (targets, weights) = level.row(v as usize);
        visiting
            .targets
            .extend(targets.iter().map(|&x| place[x as usize]));
        visiting.weights.extend_from_slice(weights);
        visiting.offsets.push(visiting.targets.len());
        visiting.degree.push(level.degree(v as usize));
    }
    let (com, improved) = moving(&visiting, m, resolution);
    let label = (0..n)
        .map(|v| order[com[place[v] as usize] as usize])
        .collect();
    (label, improved)
}

/// A level's nodes in visiting order (node i is the i-th visited): rows in CSR form and
/// weighted degrees.
struct Visiting {
    offsets: Vec<usize>,
    targets: Vec<u32>,
    weights: Vec<f64>,
    degree: Vec<f64>,
}

/// Passes over the nodes 0, 1, ... of `g` until none moves: each goes to the neighbouring
/// community of largest gain above [`MIN_GAIN`] (module doc). Returns each node's
/// community, labelled by one of its members, and whether any node moved.
fn moving(g: &Visiting, m: f64, resolution: f64) -> (Vec<u32>, bool) {
    let n = g.degree.len();
    let degree = &g.degree;
    let mut stot = degree.clone();
    let mut com: Vec<u32> = (0..n as u32).collect();
    // Per community: the current node's weight to it and the node that last touched it
    // (one cache line for both).
    let mut slot: Vec<(f64, u32)> = vec![(0.0, u32::MAX); n];
    // Skipping (module doc): visit times, from 1; `seen_at[u]` is u's last evaluation,
    // `lost_at[c]` / `gained_at[c]` the last time c lost / gained total degree, and
    // `last_met` the communities u met then, in the order first met, in a slot of u's
    // row length at u's row offset.
    let skipping = resolution >= 0.0;
    let mut clock = 0u64;
    let mut seen_at = vec![0u64; n];
    let mut lost_at = vec![0u64; n];
    let mut gained_at = vec![0u64; n];
    let mut met_len = vec![0u32; n];
    let mut last_met = vec![0u32; g.targets.len()];
    let mut improved = false;
    let two_m2 = 2.0 * m * m;
    for _ in 0..MAX_PASSES {
        let mut moves = 0;
        for v in 0..n {
            clock += 1;
            let (base, end) = (g.offsets[v], g.offsets[v + 1]);
            if base == end {
                // No neighbour, no move: Σ of its own community is k - k + k = k exactly.
                continue;
            }
            let k = degree[v];
            let own = com[v] as usize;
            let t = seen_at[v];
            if skipping
                && t > 0
                && lost_at[own] < t
                && gained_at[own] < t
                && last_met[base..base + met_len[v] as usize]
                    .iter()
                    .all(|&c| lost_at[c as usize] < t)
            {
                // It would stay: do what staying does to Σ_own (a no-op in exact sums).
                let before = stot[own];
                stot[own] -= k;
                stot[own] += k;
                if stot[own].to_bits() != before.to_bits() {
                    (lost_at[own], gained_at[own]) = (clock, clock);
                }
                continue;
            }
            let u = v as u32;
            let met = &mut last_met[base..end];
            let mut len = 0;
            for (&x, &w) in g.targets[base..end].iter().zip(&g.weights[base..end]) {
                let c = com[x as usize];
                let s = &mut slot[c as usize];
                met[len] = c;
                len += usize::from(s.1 != u);
                s.1 = u;
                s.0 += w;
            }
            let met = &met[..len];
            met_len[v] = len as u32;
            let before = stot[own];
            stot[own] -= k;
            let remove_cost = -slot[own].0 / m + resolution * stot[own] * k / two_m2;
            let mut best_gain = MIN_GAIN;
            let mut best = own;
            for &c in met {
                let c = c as usize;
                if c == own {
                    continue;
                }
                let gain = remove_cost + slot[c].0 / m - resolution * stot[c] * k / two_m2;
                if gain > best_gain {
                    best_gain = gain;
                    best = c;
                }
            }
            stot[best] += k;
            if best != own {
                com[v] = best as u32;
                moves += 1;
                improved = true;
                lost_at[own] = clock;
                gained_at[best] = clock;
            } else if stot[own].to_bits() != before.to_bits() {
                (lost_at[own], gained_at[own]) = (clock, clock);
            }
            seen_at[v] = clock;
            for &c in met {
                slot[c as usize] = (0.0, u32::MAX);
            }
            slot[own].0 = 0.0;
        }
        if moves == 0 {
            break;
        }
    }
    (com, improved)
}

/// [`modularity`] of the partition `com` (dense labels 0..k) of `level`'s nodes, summed
/// on the level's graph: each community's inside weight and total degree are the same
/// integers as on the co-sell network (a node's self loop is the weight inside it), and
/// their sums are exact when the total weight is below 2^53, so this is the same value,
/// bit for bit, for a fraction of the work once the levels shrink.
fn level_modularity(level: &Level, com: &[u32], k: usize, resolution: f64) -> f64 {
    let per_node: Vec<(f64, f64)> = (0..level.nodes())
        .into_par_iter()
        .with_min_len(1024)
        .map(|a| {
            let (targets, weights) = level.row(a);
            let mut degree = 2.0 * level.self_loop[a];
            let mut inside = degree;
            for (&b, &w) in targets.iter().zip(weights) {
                degree += w;
                if com[b as usize] == com[a] {
                    inside += w;
                }
            }
            (degree, inside)
        })
        .collect();
    let mut inside = vec![0.0f64; k];
    let mut degree = vec![0.0f64; k];
    let mut m2 = 0.0;
    for (a, &(d, i)) in per_node.iter().enumerate() {
        m2 += d;
        degree[com[a] as usize] += d;
        inside[com[a] as usize] += i;
    }
    let m = m2 / 2.0;
    (0..k)
        .map(|c| inside[c] / 2.0 / m - resolution * (degree[c] / m2).powi(2))
        .sum()
}

/// The next level: one node per community, weights summed, inside weight as a self loop.
/// Each community sums its members' rows in member order (as the sequential definition
/// does), communities in parallel.
fn aggregate(level: &Level, com: &[u32], k: usize) -> Level<'static> {
    // Members of each community, ascending (a counting sort).
    let mut start = vec![0usize; k + 1];
    for &c in com {
        start[c as usize + 1] += 1;
    }
    for c in 0..k {
        start[c + 1] += start[c];
    }
    let mut fill = start[..k].to_vec();
    let mut members = vec![0u32; com.len()];
    for (v, &c) in com.iter().enumerate() {
        members[fill[c as usize]] = v as u32;
        fill[c as usize] += 1;
    }
    /// One range of communities: row lengths, targets, weights and self loops.
    type Part = (Vec<usize>, Vec<u32>, Vec<f64>, Vec<f64>);
    let per_task = k.div_ceil(4 * rayon::current_num_threads()).max(256);
    let parts: Vec<Part> = (0..k.div_ceil(per_task))
        .into_par_iter()
        .map_init(
            || (vec![0.0f64; k], vec![u32::MAX; k], Vec::new()),
            |(acc, stamp, touched), p| {
                let range = p * per_task..((p + 1) * per_task).min(k);
                let mut part: Part = Default::default();
                for c in range {
                    touched.clear();
                    let mut self_loop = 0.0f64;
                    for &v in &members[start[c]..start[c + 1]] {
                        self_loop += level.self_loop[v as usize];
                        let (targets, weights) = level.row(v as usize);
                        for (&u, &w) in targets.iter().zip(weights) {
                            let cu = com[u as usize];
                            if cu as usize == c {
                                if u > v {
                                    self_loop += w;
                                }
                            } else if stamp[cu as usize] != c as u32 {
                                stamp[cu as usize] = c as u32;
                                touched.push(cu);
                                acc[cu as usize] = w;
                            } else {
                                acc[cu as usize] += w;
                            }
                        }
                    }
                    touched.sort_unstable();
                    part.0.push(touched.len());
                    part.1.extend_from_slice(touched);
                    part.2.extend(touched.iter().map(|&cu| acc[cu as usize]));
                    part.3.push(self_loop);
                }
                part
            },
        )
        .collect();
    let mut offsets = Vec::with_capacity(k + 1);
    offsets.push(0);
    let entries = parts.iter().map(|p| p.1.len()).sum();
    let (mut targets, mut weights) = (Vec::with_capacity(entries), Vec::with_capacity(entries));
    let mut self_loop = Vec::with_capacity(k);
    for (lens, t, w, s) in parts {
        for len in lens {
            offsets.push(offsets.last().copied().unwrap_or(0) + len);
        }
        targets.extend(t);
        weights.extend(w);
        self_loop.extend(s);
    }
    Level {
        offsets: Cow::Owned(offsets),
        targets: Cow::Owned(targets),
        weights,
        self_loop,
    }
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
/// use ecograph::build::Csr;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The algorithm as it was written before the work-saving changes (lists of
    /// neighbours, every node evaluated on every pass, modularity on the whole network
    /// after each level): the optimised one must give the same bits.
    mod plain {
        use super::super::{modularity, MAX_PASSES, MIN_GAIN, THRESHOLD};
        use crate::build::Csr;
        use rand::seq::SliceRandom;
        use rand::SeedableRng;
        use rand_chacha::ChaCha8Rng;

        struct Level {
            adj: Vec<Vec<(u32, f64)>>,
            self_loop: Vec<f64>,
        }

        pub fn run(g: &Csr, seed: u64, stream: u64, resolution: f64) -> Vec<u32> {
            let n = g.rows();
            let mut member: Vec<u32> = (0..n as u32).collect();
            let m: f64 = g.weights.iter().map(|&w| f64::from(w)).sum::<f64>() / 2.0;
            if m == 0.0 {
                return member;
            }
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(stream);
            let mut level = Level {
                adj: (0..n)
                    .map(|v| {
                        let r = g.row(v).iter().zip(g.row_weights(v));
                        r.map(|(&u, &w)| (u, f64::from(w))).collect()
                    })
                    .collect(),
                self_loop: vec![0.0; n],
            };
            let mut q = modularity(g, &member, resolution).unwrap_or(0.0);
            loop {
                let (com, moved) = one_level(&level, m, resolution, &mut rng);
                if !moved {
                    break;
                }
                let mut dense = vec![u32::MAX; com.len()];
                for &c in &com {
                    dense[c as usize] = 0;
                }
                let mut k = 0;
                for d in dense.iter_mut().filter(|d| **d == 0) {
                    *d = k;
                    k += 1;
                }
                let com: Vec<u32> = com.iter().map(|&c| dense[c as usize]).collect();
                member = member.iter().map(|&c| com[c as usize]).collect();
                let new_q = modularity(g, &member, resolution).unwrap_or(0.0);
                if new_q - q <= THRESHOLD {
                    break;
                }
                q = new_q;
                let mut self_loop = vec![0.0f64; k as usize];
                let mut lists: Vec<Vec<(u32, f64)>> = vec![Vec::new(); k as usize];
                for (v, row) in level.adj.iter().enumerate() {
                    let cv = com[v];
                    self_loop[cv as usize] += level.self_loop[v];
                    for &(u, w) in row {
                        let cu = com[u as usize];
                        if cu != cv {
                            lists[cv as usize].push((cu, w));
                        } else if (u as usize) > v {
                            self_loop[cv as usize] += w;
                        }
                    }
                }
                let adj = lists
                    .into_iter()
                    .map(|mut l| {
                        l.sort_by_key(|&(c, _)| c);
                        let mut out: Vec<(u32, f64)> = Vec::new();
                        for (c, w) in l {
                            match out.last_mut() {
                                Some(last) if last.0 == c => last.1 += w,
                                _ => out.push((c, w)),
                            }
                        }
                        out
                    })
                    .collect();
                level = Level { adj, self_loop };
            }
            member
        }

        fn one_level(
            level: &Level,
            m: f64,
            resolution: f64,
            rng: &mut ChaCha8Rng,
        ) -> (Vec<u32>, bool) {
            let n = level.adj.len();
            let degree: Vec<f64> = (0..n)
                .map(|v| {
                    level.adj[v].iter().map(|&(_, w)| w).sum::<f64>() + 2.0 * level.self_loop[v]
                })
                .collect();
            let mut stot = degree.clone();
            let mut com: Vec<u32> = (0..n as u32).collect();
            let mut order: Vec<u32> = (0..n as u32).collect();
            order.shuffle(rng);
            let (mut weight_to, mut seen) = (vec![0.0f64; n], vec![false; n]);
            let mut met: Vec<u32> = Vec::new();
            let mut improved = false;
            let two_m2 = 2.0 * m * m;
            for _ in 0..MAX_PASSES {
                let mut moves = 0;
                for &u in &order {
                    let u = u as usize;
                    met.clear();
                    for &(v, w) in &level.adj[u] {
                        let c = com[v as usize] as usize;
                        if !seen[c] {
                            seen[c] = true;
                            met.push(c as u32);
                        }
                        weight_to[c] += w;
                    }
                    let (k, own) = (degree[u], com[u] as usize);
                    stot[own] -= k;
                    let remove_cost = -weight_to[own] / m + resolution * stot[own] * k / two_m2;
                    let (mut best_gain, mut best) = (MIN_GAIN, own);
                    for &c in met.iter().filter(|&&c| c as usize != own) {
                        let c = c as usize;
                        let gain =
                            remove_cost + weight_to[c] / m - resolution * stot[c] * k / two_m2;
                        if gain > best_gain {
                            (best_gain, best) = (gain, c);
                        }
                    }
                    stot[best] += k;
                    if best != own {
                        com[u] = best as u32;
                        moves += 1;
                        improved = true;
                    }
                    for &c in &met {
                        (weight_to[c as usize], seen[c as usize]) = (0.0, false);
                    }
                    weight_to[own] = 0.0;
                }
                if moves == 0 {
                    break;
                }
            }
            (com, improved)
        }
    }

    /// A graph of `groups` planted groups with dense ties inside and sparse ones across,
    /// weights 1..=6, a few isolated nodes and hubs: several levels and tail passes.
    fn planted(n: usize, groups: usize, seed: u64) -> Csr {
        use rand::Rng;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut e = Vec::new();
        for a in 0..n as u32 {
            for b in a + 1..n as u32 {
                let same = a as usize % groups == b as usize % groups;
                let hub = a < 3 || b < 3;
                let p = if same {
                    0.25
                } else if hub {
                    0.2
                } else {
                    0.02
                };
                if a as usize % 17 != 16 && b as usize % 17 != 16 && rng.random::<f64>() < p {
                    e.push((a, b, rng.random_range(1..=6)));
                }
            }
        }
        Csr::symmetric_from_sorted_edges(n, &e)
    }

    #[test]
    fn the_same_bits_as_the_plain_algorithm() {
        for (case, &(n, groups)) in [(40, 3), (120, 5), (300, 8), (600, 20)].iter().enumerate() {
            let g = planted(n, groups, case as u64);
            for resolution in [0.0, 0.5, 1.0, 1.7] {
                for seed in [1, 42] {
                    // Each trial equals the plain run, and the best of three is picked
                    // from them as before (highest modularity, ties: lowest trial).
                    let mut want = (Vec::new(), None);
                    for t in 0..3 {
                        let got = run(&g, seed, t, resolution);
                        let plain = plain::run(&g, seed, t, resolution);
                        assert_eq!(got, plain, "n {n} γ {resolution} seed {seed} trial {t}");
                        let label = renumber(&got);
                        let q = modularity(&g, &label, resolution);
                        if t == 0 || q.unwrap_or(0.0) > want.1.unwrap_or(0.0) {
                            want = (label, q);
                        }
                    }
                    let params = LouvainParams {
                        seed,
                        trials: 3,
                        resolution,
                    };
                    assert_eq!(communities(&g, &params), want, "n {n} γ {resolution}");
                }
            }
        }
    }

    #[test]
    fn two_cliques_joined_by_a_bridge() {
        let mut e = Vec::new();
        for a in 0..5u32 {
            for b in a + 1..5 {
                e.push((a, b, 1));
                e.push((a + 5, b + 5, 1));
            }
        }
        e.push((4, 5, 1));
        e.sort_unstable();
        let g = Csr::symmetric_from_sorted_edges(11, &e);
        let (c, q) = communities(&g, &LouvainParams::default());
        assert_eq!(c, vec![0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2]);
        // Q = 2·(10/21 - (21/42)²)
        let want = 2.0 * (10.0 / 21.0 - 0.25);
        assert!((q.unwrap() - want).abs() < 1e-12, "{q:?}");
    }

    #[test]
    fn no_edges_no_modularity() {
        let g = Csr::symmetric_from_sorted_edges(3, &[]);
        let (c, q) = communities(&g, &LouvainParams::default());
        assert_eq!(c, vec![0, 1, 2]);
        assert_eq!(q, None);
    }
}
