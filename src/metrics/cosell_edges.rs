//! `cosell_edges`: the co-sell network as an edge list with its deal and revenue
//! weights, for network tools (Gephi, Cytoscape, NetworkX, igraph) and the report's map.
//!
//! Definition: one row per co-sell tie {p, q} (contract §2: the two partners share at
//! least one deal), p < q by partner index (= id byte order):
//! - `shared_deals`: distinct deals both are on, any stage (the co-sell weight);
//! - `shared_won_deals`: of those, the won ones;
//! - `shared_won_revenue`: the summed amounts of those won deals, each in full (a deal
//!   with three partners counts in full on each of its three ties).
//!
//! How: partners are cut into fixed chunks of [`PARTNERS_PER_CHUNK`]; a chunk walks
//! each partner p's deals in deal order and, for every won one, adds its amount to each
//! other partner q > p on it (a dense counter per task), then lists p's co-sell row
//! q > p. Chunks run in parallel and come out in partner order, so the rows, their
//! float sums (deal order) and the batch boundaries are the same for any thread count.
//! Time O(Σ_p Σ_{d ∋ p} |partners(d)|), memory 12 bytes a partner per running task
//! plus the chunks of one window.
//!
//! For a partner manager: who sells with whom, how often, and how much they have won
//! together.

use std::ops::Range;

use rayon::prelude::*;

use crate::graph::GraphSet;
use crate::schema::Stage;

/// Partners per chunk: a function of nothing but the constant, so the output's batches
/// never depend on the thread count.
pub const PARTNERS_PER_CHUNK: usize = 16_384;

/// The `cosell_edges` rows of a range of partners, as partner indices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeChunk {
    /// partner_a (the smaller index).
    pub a: Vec<u32>,
    /// partner_b.
    pub b: Vec<u32>,
    /// Distinct deals the two share, any stage.
    pub shared_deals: Vec<u32>,
    /// Won deals the two share.
    pub shared_won_deals: Vec<u32>,
    /// Summed amount of those won deals.
    pub shared_won_revenue: Vec<f64>,
}

impl EdgeChunk {
    /// Rows in the chunk.
    pub fn len(&self) -> usize {
        self.a.len()
    }

    /// Whether the chunk has no row.
    pub fn is_empty(&self) -> bool {
        self.a.is_empty()
    }
}

/// The partner ranges of the chunks, in order.
pub fn chunks(g: &GraphSet) -> Vec<Range<usize>> {
    let n = g.n_partners();
    (0..n.div_ceil(PARTNERS_PER_CHUNK))
        .map(|c| c * PARTNERS_PER_CHUNK..((c + 1) * PARTNERS_PER_CHUNK).min(n))
        .collect()
}

/// The rows of the partners in `range` (see the module doc).
pub fn edge_chunk(g: &GraphSet, range: Range<usize>) -> EdgeChunk {
    let n = g.n_partners();
    let mut won = vec![0u32; n];
    let mut revenue = vec![0.0f64; n];
    let mut out = EdgeChunk::default();
    for p in range {
        let pu = p as u32;
        for &d in g.partner_deals.row(p) {
            let d = d as usize;
            if g.deals.stage[d] != Stage::Won {
                continue;
            }
            let amount = g.deals.amount[d];
            for &q in g.deal_partners.row(d) {
                if q > pu {
                    won[q as usize] += 1;
                    revenue[q as usize] += amount;
                }
            }
        }
        let row = g.cosell.row(p);
        let weights = g.cosell.row_weights(p);
        let start = row.partition_point(|&q| q <= pu);
        for (&q, &w) in row[start..].iter().zip(&weights[start..]) {
            let qi = q as usize;
            out.a.push(pu);
            out.b.push(q);
            out.shared_deals.push(w);
            out.shared_won_deals.push(std::mem::take(&mut won[qi]));
            out.shared_won_revenue
                .push(std::mem::take(&mut revenue[qi]));
        }
    }
    out
}

/// Every row at once (tests and small inputs; `analyze` streams [`edge_chunk`]s).
pub fn edges(g: &GraphSet) -> EdgeChunk {
    let parts: Vec<EdgeChunk> = chunks(g)
        .into_par_iter()
        .map(|r| edge_chunk(g, r))
        .collect();
    let mut all = EdgeChunk::default();
    for c in parts {
        all.a.extend(c.a);
        all.b.extend(c.b);
        all.shared_deals.extend(c.shared_deals);
        all.shared_won_deals.extend(c.shared_won_deals);
        all.shared_won_revenue.extend(c.shared_won_revenue);
    }
    all
}
