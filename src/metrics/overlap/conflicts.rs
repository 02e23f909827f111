//! `channel_conflicts` (contract §3, §4): two deals with the same customer_id and
//! product_id (both non-null), each with at least one `sourced` partner and a
//! created_at, created at most `--conflict-window-days` apart (inclusive), any stage.
//! One row per pair of deals (deal_a < deal_b by id) and pair of their sourcing partners
//! (partner_a sources deal_a, partner_b sources deal_b, partner_a != partner_b), with
//! days_apart = |created_b - created_a| in days (fractional for times). The per-partner
//! `conflicts` column counts the rows naming the partner.
//!
//! How: eligible deals are sorted by (customer, product, created, deal); within each
//! (customer, product) group a sweep pairs every deal with the later ones inside the
//! window. Groups are processed in parallel in fixed-size chunks with an
//! order-preserving collect. Output order: customer_id, product_id, deal_a, deal_b,
//! partner_a, partner_b (all by id). Complexity: O(m log m) for the sort plus O(rows);
//! memory O(eligible deals + rows). A (customer, product) group whose deals fall within
//! one window yields all its pairs: the table is as large as the conflicts are many.
//!
//! For a partner manager: where two partners registered competing deals on the same
//! account and product, the collisions deal registration exists to police.

use rayon::prelude::*;

use crate::build::GraphSet;
use crate::validate::NULL;

const MS_PER_DAY: f64 = 86_400_000.0;
/// Groups per parallel task (fixed, so the result never depends on the thread count).
const GROUP_CHUNK: usize = 4096;

/// One conflict, by indices (customer into `GraphSet::customers`, product into
/// `products`, deals and partners by index = id order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conflict {
    pub customer: u32,
    pub product: u32,
    pub deal_a: u32,
    pub deal_b: u32,
    pub partner_a: u32,
    pub partner_b: u32,
    pub days_apart: f64,
}

/// The conflict rows in output order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conflicts {
    pub rows: Vec<Conflict>,
}

impl Conflicts {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Rows naming each partner (as partner_a or partner_b).
    pub fn per_partner(&self, n: usize) -> Vec<u32> {
        let mut c = vec![0u32; n];
        for r in &self.rows {
            c[r.partner_a as usize] += 1;
            c[r.partner_b as usize] += 1;
        }
        c
    }
}

/// The sourcing partners of deal d (ascending).
fn sourced(g: &GraphSet, d: usize) -> impl Iterator<Item = u32> + '_ {
    let r = g.deal_partners.offsets[d]..g.deal_partners.offsets[d + 1];
    g.deal_partners.targets[r.clone()]
        .iter()
        .zip(&g.deal_partner_sourced[r])
        .filter(|(_, s)| **s)
        .map(|(&p, _)| p)
}

pub fn channel_conflicts(g: &GraphSet, window_days: f64) -> Conflicts {
    let deals = &g.deals;
    // (customer, product, created, deal) of every eligible deal.
    let mut keys: Vec<(u32, u32, i64, u32)> = (0..g.n_deals())
        .into_par_iter()
        .filter_map(|d| {
            let (c, p) = (deals.customer[d], deals.product[d]);
            let t = deals.created_ms[d]?;
            (c != NULL && p != NULL && sourced(g, d).next().is_some())
                .then_some((c, p, t, d as u32))
        })
        .collect();
    keys.par_sort_unstable();
    // Group boundaries.
    let mut starts: Vec<usize> = Vec::new();
    for i in 0..keys.len() {
        if i == 0 || (keys[i].0, keys[i].1) != (keys[i - 1].0, keys[i - 1].1) {
            starts.push(i);
        }
    }
    starts.push(keys.len());
    let groups = starts.len() - 1;
    let chunks: Vec<Vec<Conflict>> = (0..groups.div_ceil(GROUP_CHUNK))
        .into_par_iter()
        .map(|ch| {
            let mut out = Vec::new();
            for gi in ch * GROUP_CHUNK..((ch + 1) * GROUP_CHUNK).min(groups) {
                let group = &keys[starts[gi]..starts[gi + 1]];
                let first = out.len();
                for (i, &(c, pr, ti, di)) in group.iter().enumerate() {
                    for &(_, _, tj, dj) in &group[i + 1..] {
                        let days = (tj - ti) as f64 / MS_PER_DAY;
                        if days > window_days {
                            break;
                        }
                        let (da, db) = (di.min(dj), di.max(dj));
                        for pa in sourced(g, da as usize) {
                            for pb in sourced(g, db as usize) {
                                if pa != pb {
                                    out.push(Conflict {
                                        customer: c,
                                        product: pr,
                                        deal_a: da,
                                        deal_b: db,
                                        partner_a: pa,
                                        partner_b: pb,
                                        days_apart: days,
                                    });
                                }
                            }
                        }
                    }
                }
                out[first..]
                    .sort_unstable_by_key(|r| (r.deal_a, r.deal_b, r.partner_a, r.partner_b));
            }
            out
        })
        .collect();
    Conflicts {
        rows: chunks.concat(),
    }
}
