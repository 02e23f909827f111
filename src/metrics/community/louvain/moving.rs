//! Louvain's local moving on one level: nodes visited in a seeded random order, each
//! moved to the neighbouring community of largest modularity gain, pass after pass
//! until none moves (the gain `ΔQ`, the tie rule and the skipping of nodes that would
//! stay are in [the parent module](super)).
//!
//! The sequential heart of the algorithm, apart from the levels' bookkeeping: this is
//! what decides the partition, so it is kept in one place with its two helpers (the
//! level copied in visiting order, and the passes over it).

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::{Level, MAX_PASSES, MIN_GAIN};

/// Local moving on one level; returns each node's community label and whether any moved.
pub(super) fn one_level(
    level: &Level,
    m: f64,
    resolution: f64,
    rng: &mut ChaCha8Rng,
) -> (Vec<u32>, bool) {
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
        crate::progress::checkpoint();
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
