//! `reach_loss` per partner (contract §3, §4): the share of connected pairs of the other
//! partners that the co-sell network G loses when the partner leaves.
//!
//! Formula: with P(H) = Σ over components of C(size, 2) and s the size of p's component,
//! `reach_loss(p) = [P(G) - (s - 1) - P(G - p)] / P(G)`; null when G has no edge
//! (P(G) = 0). Removing p splits its component into pieces a_1..a_k (Σ a_i = s - 1) and
//! leaves the others alone, so the numerator is `C(s - 1, 2) - Σ_i C(a_i, 2)`: zero
//! unless p is an articulation point (cut vertex).
//!
//! Algorithm: one depth-first search (Hopcroft & Tarjan 1973, "Efficient algorithms for
//! graph manipulation", CACM 16(6)) computing discovery times, low-links and subtree
//! sizes. A DFS child c of p with low(c) >= disc(p) is cut off by p's removal and is one
//! piece of size(c); what is left of the component besides those pieces and p is one more
//! piece. The search is iterative (an explicit stack), so 10^5-partner paths cannot
//! overflow the call stack. Pair counts are u64 (C(n, 2) < 2^63 for n < 2^32).
//! Complexity: O(n + m) time, O(n) memory; sequential and exact.
//!
//! For a partner manager: how much of the co-selling network stays reachable only through
//! this partner. A partner with reach_loss 0.2 holds together a fifth of all partner
//! pairs that can currently reach each other; losing it splits the network.

use crate::graph::Csr;

const UNSEEN: u32 = u32::MAX;

fn pairs(k: u64) -> u64 {
    k * k.saturating_sub(1) / 2
}

/// Per partner: its component size, the pair count of the pieces its removal leaves,
/// and whether it is an articulation point.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CutPieces {
    /// Size s of each partner's connected component.
    pub component_size: Vec<u64>,
    /// Σ_i C(a_i, 2) over the pieces a_1..a_k its component falls into without it.
    pub piece_pairs: Vec<u64>,
    /// True for articulation points (their removal disconnects their component).
    pub articulation: Vec<bool>,
}

/// Iterative Tarjan DFS over a simple undirected CSR graph (module doc).
pub fn cut_pieces(g: &Csr) -> CutPieces {
    let n = g.rows();
    let mut disc = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut size = vec![0u64; n];
    // Σ size(c) and Σ C(size(c), 2) over the DFS children c that p cuts off.
    let mut cut_total = vec![0u64; n];
    let mut cut_pairs = vec![0u64; n];
    let mut out = CutPieces {
        component_size: vec![0; n],
        piece_pairs: vec![0; n],
        articulation: vec![false; n],
    };
    // Frames: (node, DFS parent, next position in its CSR row).
    let mut stack: Vec<(u32, u32, usize)> = Vec::new();
    let mut members: Vec<u32> = Vec::new();
    let mut time = 0u32;
    for root in 0..n {
        if disc[root] != UNSEEN {
            continue;
        }
        members.clear();
        let mut root_children = 0u32;
        disc[root] = time;
        low[root] = time;
        time += 1;
        size[root] = 1;
        members.push(root as u32);
        stack.push((root as u32, UNSEEN, g.offsets[root]));
        while let Some(top) = stack.last_mut() {
            let (u, parent, pos) = *top;
            let u = u as usize;
            if pos < g.offsets[u + 1] {
                top.2 += 1;
                let v = g.targets[pos];
                if v == parent {
                    continue; // simple graph: the one edge back to the DFS parent
                }
                let vi = v as usize;
                if disc[vi] == UNSEEN {
                    if u == root {
                        root_children += 1;
                    }
                    disc[vi] = time;
                    low[vi] = time;
                    time += 1;
                    size[vi] = 1;
                    members.push(v);
                    stack.push((v, u as u32, g.offsets[vi]));
                } else {
                    low[u] = low[u].min(disc[vi]);
                }
            } else {
                stack.pop();
                if parent != UNSEEN {
                    let p = parent as usize;
                    low[p] = low[p].min(low[u]);
                    size[p] += size[u];
                    if low[u] >= disc[p] {
                        // No back edge from u's subtree climbs above p: p cuts it off.
                        cut_total[p] += size[u];
                        cut_pairs[p] += pairs(size[u]);
                    }
                }
            }
        }
        let s = size[root];
        for &u in &members {
            let u = u as usize;
            // What is left of the component above u in the DFS tree is one more piece
            // (empty for the root, which cuts off every child).
            let rest = s - 1 - cut_total[u];
            out.component_size[u] = s;
            out.piece_pairs[u] = cut_pairs[u] + pairs(rest);
            out.articulation[u] = if u == root {
                root_children >= 2
            } else {
                cut_total[u] > 0
            };
        }
    }
    out
}

/// `reach_loss` of every partner: the share of the connected pairs of other partners that
/// the co-sell network loses when the partner leaves,
/// `[P(G) - (s - 1) - P(G - p)] / P(G)` with P the number of connected partner pairs and
/// s the size of p's component. Non-zero only for articulation points (cut vertices),
/// found by one depth-first search (module doc).
///
/// For a partner manager: how much of the co-selling network stays reachable only through
/// this partner; a partner with reach_loss 0.2 holds together a fifth of all partner pairs
/// that can currently reach each other.
///
/// # Arguments
/// * `g`: the co-sell network, symmetric and simple (no self loops, no repeated edges).
///
/// # Returns
/// * The share of each partner, in [0, 1), indexed like `g`'s rows; all `None` when `g` has
///   no edge (no pair is connected, P(G) = 0).
///
/// # Complexity
/// * Time complexity: **O(n + m)**.
/// * Auxiliary space: **O(n)**.
///
/// where **n** is the number of partners and **m** the number of co-sell edges.
///
/// Reference: Hopcroft & Tarjan 1973, "Efficient algorithms for graph manipulation", CACM
/// 16(6); the partners with a non-zero value are NetworkX's `articulation_points`, and
/// each value matches recounting pairs on `G.remove_node(p)`.
///
/// # Example
/// ```rust
/// use ecograph::graph::Csr;
/// use ecograph::metrics::network_effect::reach_loss::reach_loss;
/// // A path a - b - c: 3 connected pairs; without b, a and c are cut apart
/// // (numerator C(2, 2) - 0 = 1), the ends lose only their own pairs.
/// let g = Csr::symmetric_from_sorted_edges(3, &[(0, 1, 1), (1, 2, 1)]);
/// assert_eq!(reach_loss(&g), vec![Some(0.0), Some(1.0 / 3.0), Some(0.0)]);
/// // No co-selling at all: undefined.
/// assert_eq!(reach_loss(&Csr::symmetric_from_sorted_edges(2, &[])), vec![None, None]);
/// ```
pub fn reach_loss(g: &Csr) -> Vec<Option<f64>> {
    if g.nnz() == 0 {
        return vec![None; g.rows()];
    }
    reach_loss_from(&cut_pieces(g))
}

/// reach_loss from precomputed pieces of a graph with at least one edge.
pub(crate) fn reach_loss_from(cut: &CutPieces) -> Vec<Option<f64>> {
    // P(G) = Σ_components C(s, 2) = Σ_partners (s_p - 1) / 2: a component of size s
    // contributes s (s - 1) over its members.
    let p_g = (cut.component_size.iter().map(|&s| s - 1).sum::<u64>() / 2) as f64;
    cut.component_size
        .iter()
        .zip(&cut.piece_pairs)
        .map(|(&s, &pieces)| {
            if p_g == 0.0 {
                return None;
            }
            // Σ a_i = s - 1, so Σ C(a_i, 2) <= C(s - 1, 2).
            Some((pairs(s - 1) - pieces) as f64 / p_g)
        })
        .collect()
}
