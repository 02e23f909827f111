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

use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

use rayon::prelude::*;

use crate::graph::GraphSet;
use crate::vocab::NULL;

const MS_PER_DAY: f64 = 86_400_000.0;
/// Groups per parallel task (fixed, so the result never depends on the thread count).
const GROUP_CHUNK: usize = 4096;

/// One conflict, by indices (customer into `GraphSet::customers`, product into
/// `products`, deals and partners by index = id order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conflict {
    /// `customer_id`: the customer both deals are on.
    pub customer: u32,
    /// `product_id`: the product both deals sell.
    pub product: u32,
    /// `deal_a`: the smaller deal.
    pub deal_a: u32,
    /// `deal_b`: the larger one.
    pub deal_b: u32,
    /// `partner_a`: a partner sourcing deal_a.
    pub partner_a: u32,
    /// `partner_b`: a partner sourcing deal_b, never partner_a.
    pub partner_b: u32,
    /// `days_apart`: days between the two deals' created_at, |b - a|, fractional with
    /// times; at most the conflict window.
    pub days_apart: f64,
}

/// The conflict rows in output order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conflicts {
    /// The rows, sorted by customer, product, deal_a, deal_b, partner_a, partner_b.
    pub rows: Vec<Conflict>,
}

impl Conflicts {
    /// Number of rows (the summary's `overlap.channel_conflicts`).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there is no conflict.
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
    r.filter(|&link| g.is_sourced(link))
        .map(|link| g.deal_partners.targets[link])
}

/// The eligible deals of a conflict scan, sorted by (customer, product, created, deal),
/// and the boundaries of their (customer, product) groups: what the count
/// ([`ConflictScan::count`]) and the rows ([`ConflictScan::chunk_rows`]) both walk, chunk
/// by chunk of 4096 groups. `analyze` counts when it plans and lists the rows
/// chunk by chunk when it writes, so the table is never whole in memory (at a million
/// partners it has hundreds of millions of rows). Memory: 24 bytes an eligible deal.
pub struct ConflictScan {
    keys: Vec<(u32, u32, i64, u32)>,
    starts: Vec<usize>,
    window_days: f64,
}

impl ConflictScan {
    /// Sorts the eligible deals of `g` (a customer, a product, a created_at and a
    /// sourcing partner) for a window of `window_days`. O(m log m).
    pub fn new(g: &GraphSet, window_days: f64) -> ConflictScan {
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
        let mut starts: Vec<usize> = Vec::new();
        for i in 0..keys.len() {
            if i == 0 || (keys[i].0, keys[i].1) != (keys[i - 1].0, keys[i - 1].1) {
                starts.push(i);
            }
        }
        starts.push(keys.len());
        ConflictScan {
            keys,
            starts,
            window_days,
        }
    }

    fn groups(&self) -> usize {
        self.starts.len() - 1
    }

    /// Number of chunks of groups (the unit of [`Self::chunk_rows`]).
    pub fn chunks(&self) -> usize {
        self.groups().div_ceil(GROUP_CHUNK)
    }

    /// Calls `f` with every conflict of chunk `ch` in generation order (deal pairs by
    /// created_at within each group, not yet in output order).
    fn visit(&self, g: &GraphSet, ch: usize, mut f: impl FnMut(Conflict)) {
        for gi in ch * GROUP_CHUNK..((ch + 1) * GROUP_CHUNK).min(self.groups()) {
            let group = &self.keys[self.starts[gi]..self.starts[gi + 1]];
            for (i, &(c, pr, ti, di)) in group.iter().enumerate() {
                for &(_, _, tj, dj) in &group[i + 1..] {
                    let days = (tj - ti) as f64 / MS_PER_DAY;
                    if days > self.window_days {
                        break;
                    }
                    let (da, db) = (di.min(dj), di.max(dj));
                    for pa in sourced(g, da as usize) {
                        for pb in sourced(g, db as usize) {
                            if pa != pb {
                                f(Conflict {
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
        }
    }

    /// The rows of chunk `ch`, in output order (groups are in customer, product order;
    /// within a group by deal_a, deal_b, partner_a, partner_b).
    pub fn chunk_rows(&self, g: &GraphSet, ch: usize) -> Vec<Conflict> {
        let mut out = Vec::new();
        let mut group_start = 0;
        let mut current = None;
        self.visit(g, ch, |r| {
            if current != Some((r.customer, r.product)) {
                out[group_start..].sort_unstable_by_key(|x: &Conflict| {
                    (x.deal_a, x.deal_b, x.partner_a, x.partner_b)
                });
                group_start = out.len();
                current = Some((r.customer, r.product));
            }
            out.push(r);
        });
        out[group_start..].sort_unstable_by_key(|x| (x.deal_a, x.deal_b, x.partner_a, x.partner_b));
        out
    }

    /// The number of rows, and per partner of `g` the rows naming it (the
    /// `conflicts` column), without listing them: integer counts added in any order, so
    /// the same for any thread count. Time O(rows), memory 4 bytes a partner.
    pub fn count(&self, g: &GraphSet) -> (u64, Vec<u32>) {
        let per: Vec<AtomicU32> = (0..g.n_partners()).map(|_| AtomicU32::new(0)).collect();
        let rows: u64 = (0..self.chunks())
            .into_par_iter()
            .map(|ch| {
                let mut rows = 0u64;
                self.visit(g, ch, |r| {
                    rows += 1;
                    per[r.partner_a as usize].fetch_add(1, Relaxed);
                    per[r.partner_b as usize].fetch_add(1, Relaxed);
                });
                rows
            })
            .sum();
        (rows, per.into_iter().map(AtomicU32::into_inner).collect())
    }
}

/// Channel conflicts: pairs of deals on the same customer and product, each sourced by a
/// different partner, created at most `window_days` apart (inclusive, any stage); one row
/// per pair of deals and pair of their sourcing partners (rules in the module doc), all
/// at once (`analyze` streams them instead, [`ConflictScan`]).
///
/// For a partner manager: each row is two partners who registered competing deals on the
/// same account and product, the collision deal registration is there to police.
///
/// # Arguments
/// * `g`: the graphs of a validated input ([`crate::graph::build`]); a deal counts when
///   it has a customer_id, a product_id, a created_at and at least one `sourced` partner.
/// * `window_days`: the largest gap between the two created_at, in days, inclusive
///   (`--conflict-window-days`, 90 by default).
///
/// # Returns
/// * The [`Conflicts`] rows, by indices (customer into
///   [`GraphSet::customers`], product into [`GraphSet::products`], deals and partners in id
///   order), sorted by customer_id, product_id, deal_a, deal_b, partner_a, partner_b;
///   [`Conflicts::per_partner`] gives the `conflicts` column.
///
/// # Complexity
/// * Time complexity: **O(m log m + r)**.
/// * Auxiliary space: **O(m + r)**.
///
/// where **m** is the number of deals and **r** the number of rows returned.
///
/// Reference: contract §3 `channel_conflicts` (deal-registration conflicts); checked
/// against a pandas reference in `tests/overlap_fixtures.rs`.
///
/// # Example
/// ```rust
/// use ecograph::metrics::overlap::conflicts::channel_conflicts;
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
/// // A sourced D1 and C sourced D2, both on C1 and X, 10 days apart.
/// let c = channel_conflicts(&g, 90.0);
/// assert_eq!(c.len(), 1);
/// let r = c.rows[0];
/// assert_eq!((r.deal_a, r.deal_b, r.partner_a, r.partner_b), (0, 1, 0, 2));
/// assert_eq!(r.days_apart, 10.0);
/// assert_eq!(c.per_partner(3), vec![1, 0, 1]);
/// // With a window under 10 days they no longer conflict.
/// assert!(channel_conflicts(&g, 9.5).is_empty());
/// ```
pub fn channel_conflicts(g: &GraphSet, window_days: f64) -> Conflicts {
    let scan = ConflictScan::new(g, window_days);
    let chunks: Vec<Vec<Conflict>> = (0..scan.chunks())
        .into_par_iter()
        .map(|ch| scan.chunk_rows(g, ch))
        .collect();
    Conflicts {
        rows: chunks.concat(),
    }
}
