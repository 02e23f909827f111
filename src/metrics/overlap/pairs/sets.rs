//! Partners grouped by identical item sets, and the pair count over the groups.
//!
//! Many partners carry exactly the same products (at 1M generated partners, 1M
//! portfolios are 546k distinct sets; a third of the partners sit in groups of more
//! than ten). [`DistinctSets`] keeps each distinct set once with its members, and
//! relabels items rarest first (by the number of distinct sets carrying them, ties by
//! item index), the order the top-K search's prefix filter wants (see `search`).
//!
//! [`DistinctSets::count_pairs`] counts the partner pairs sharing at least one item
//! without visiting them, by inclusion-exclusion over the item sets two partners have
//! in common: with f(T) the partners whose set contains T,
//! `pairs = Σ_{T ≠ ∅} (-1)^{|T|+1} C(f(T), 2)` (a pair whose common items are I ≠ ∅
//! is counted Σ_{∅≠T⊆I} (-1)^{|T|+1} = 1 time). Only sets T carried by two partners
//! or more contribute, and supersets of a set carried by fewer are carried by fewer,
//! so the sum is enumerated depth first by projection (the conditional databases of
//! frequent-itemset mining: Agrawal and Srikant 1994, Han et al.'s FP-growth 2000) with
//! support 2, each distinct set weighted by its members. Integer arithmetic (`i128`),
//! so the order of the terms cannot change the result.
//! Complexity: Σ over the sets T carried twice of the rows holding T, bounded by the
//! caller's budget (the enumeration gives up, and the caller counts pairs instead, when
//! many partners share large sets: two partners with the same 60 items have 2^60
//! common subsets).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

use rayon::prelude::*;

use crate::graph::Csr;
use crate::metrics::overlap::transpose::item_count;

/// Distinct non-empty item sets of a partner x item incidence, items relabeled rarest
/// first, with the partners carrying each.
#[derive(Debug)]
pub(super) struct DistinctSets {
    /// Set -> its items as ranks (rarest first), ascending.
    pub(super) items: Csr,
    /// Set -> its partners, ascending.
    pub(super) members: Csr,
    /// Number of item ranks (items carried by at least one partner).
    pub(super) ranks: usize,
}

impl DistinctSets {
    /// Groups the partners of `rows` (partner -> items, rows ascending) by identical
    /// rows; partners without items are in no set. Sets are numbered in the order of
    /// their rows (a function of the input alone). O(links log partners).
    pub(super) fn new(rows: &Csr) -> DistinctSets {
        let n = rows.rows();
        let mut order: Vec<u32> = (0..n as u32)
            .filter(|&p| rows.degree(p as usize) > 0)
            .collect();
        order.par_sort_by(|&a, &b| {
            rows.row(a as usize)
                .cmp(rows.row(b as usize))
                .then(a.cmp(&b))
        });
        // Groups: runs of equal rows.
        let mut heads = Vec::new();
        let mut member_offsets = vec![0usize];
        for (i, &p) in order.iter().enumerate() {
            if i == 0 || rows.row(order[i - 1] as usize) != rows.row(p as usize) {
                if i > 0 {
                    member_offsets.push(i);
                }
                heads.push(p);
            }
        }
        if !order.is_empty() {
            member_offsets.push(order.len());
        }
        // Item frequency over distinct sets, then ranks rarest first.
        let items_len = item_count(rows, 0);
        let mut freq = vec![0u32; items_len];
        for &h in &heads {
            for &c in rows.row(h as usize) {
                freq[c as usize] += 1;
            }
        }
        let mut by_rarity: Vec<u32> = (0..items_len as u32)
            .filter(|&c| freq[c as usize] > 0)
            .collect();
        by_rarity.sort_by_key(|&c| (freq[c as usize], c));
        let mut rank = vec![u32::MAX; items_len];
        for (r, &c) in by_rarity.iter().enumerate() {
            rank[c as usize] = r as u32;
        }
        DistinctSets {
            items: rows.relabelled_rows(&heads, &rank),
            members: Csr {
                offsets: member_offsets,
                targets: order,
                weights: Vec::new(),
            },
            ranks: by_rarity.len(),
        }
    }

    /// Number of distinct sets.
    pub(super) fn len(&self) -> usize {
        self.items.rows()
    }

    /// Partners carrying set s.
    pub(super) fn weight(&self, s: usize) -> u64 {
        self.members.degree(s) as u64
    }

    /// Partner pairs sharing at least one item, by inclusion-exclusion (see the module
    /// doc), or None when the enumeration would visit more than `budget` row items.
    /// The top-level items are enumerated in parallel and their integer terms summed.
    pub(super) fn count_pairs(&self, budget: u64) -> Option<u64> {
        let rows: Vec<(&[u32], u64)> = (0..self.len())
            .map(|s| (self.items.row(s), self.weight(s)))
            .collect();
        let root = Projection::of(&rows, self.ranks);
        if root.visits > budget {
            return None;
        }
        // Each first item's subtree is independent: enumerate them in parallel, all
        // spending one shared budget (the first to pass it stops the others).
        let spent = Spent {
            visits: AtomicU64::new(root.visits),
            budget,
            gave_up: AtomicBool::new(false),
        };
        let terms: Vec<Option<i128>> = root
            .children
            .par_iter()
            .map(|(f, child)| {
                let mut counts = vec![0u64; self.ranks];
                let mut term = choose2(*f);
                term -= enumerate(child, &mut counts, &spent, 1)?;
                Some(term)
            })
            .collect();
        let mut total = 0i128;
        for t in terms {
            total += t?;
        }
        u64::try_from(total).ok()
    }
}

/// C(f, 2) as i128.
fn choose2(f: u64) -> i128 {
    let f = i128::from(f);
    f * (f - 1) / 2
}

/// Conditional rows: item suffixes with their weights (partners).
type Rows<'a> = Vec<(&'a [u32], u64)>;

/// One level of the projection: for each item carried (weighted) at least twice, its
/// weight and its conditional rows (the suffixes after it of the rows holding it).
struct Projection<'a> {
    children: Vec<(u64, Rows<'a>)>,
    /// Row items visited to build it.
    visits: u64,
}

impl<'a> Projection<'a> {
    fn of(rows: &[(&'a [u32], u64)], ranks: usize) -> Projection<'a> {
        Projection::with_counts(rows, &mut vec![0u64; ranks])
    }

    /// `counts` must be all zero (and is left so).
    fn with_counts(rows: &[(&'a [u32], u64)], counts: &mut [u64]) -> Projection<'a> {
        let mut touched = Vec::new();
        let mut visits = 0u64;
        for &(items, w) in rows {
            visits += items.len() as u64;
            for &c in items {
                if counts[c as usize] == 0 {
                    touched.push(c);
                }
                counts[c as usize] += w;
            }
        }
        touched.sort_unstable();
        // Child slot of each frequent item, kept in `counts` as slot + 1 above a flag.
        const SLOT: u64 = 1 << 63;
        let mut children = Vec::new();
        for &c in &touched {
            let f = counts[c as usize];
            counts[c as usize] = if f >= 2 {
                children.push((f, Vec::new()));
                SLOT | (children.len() as u64 - 1)
            } else {
                0
            };
        }
        for &(items, w) in rows {
            for (k, &c) in items.iter().enumerate() {
                let v = counts[c as usize];
                if v & SLOT != 0 && k + 1 < items.len() {
                    children[(v & !SLOT) as usize].1.push((&items[k + 1..], w));
                }
            }
        }
        for &c in &touched {
            counts[c as usize] = 0;
        }
        Projection { children, visits }
    }
}

/// Deepest common item set the enumeration follows before it gives up (so its
/// recursion stays shallow: 2^64 subsets would never fit a budget anyway).
const MAX_DEPTH: u32 = 64;

/// The enumeration's budget, shared by the threads: once one gives up, all do.
struct Spent {
    visits: AtomicU64,
    budget: u64,
    gave_up: AtomicBool,
}

impl Spent {
    /// Spends `visits`; false (and every thread stops) past the budget.
    fn spend(&self, visits: u64) -> bool {
        let before = self.visits.fetch_add(visits, Relaxed);
        if before.saturating_add(visits) > self.budget {
            self.gave_up.store(true, Relaxed);
        }
        !self.gave_up.load(Relaxed)
    }
}

/// Σ over non-empty T of `rows`' items of (-1)^{|T|+1} C(f(T), 2), T below a prefix
/// of `depth` items; None past the budget (`spent`, shared by the threads) or past
/// [`MAX_DEPTH`].
fn enumerate(
    rows: &[(&[u32], u64)],
    counts: &mut [u64],
    spent: &Spent,
    depth: u32,
) -> Option<i128> {
    if rows.is_empty() {
        return Some(0);
    }
    if depth >= MAX_DEPTH {
        spent.gave_up.store(true, Relaxed);
        return None;
    }
    let level = Projection::with_counts(rows, counts);
    if !spent.spend(level.visits) {
        return None;
    }
    let mut total = 0i128;
    for (f, child) in &level.children {
        total += choose2(*f);
        total -= enumerate(child, counts, spent, depth + 1)?;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::overlap::transpose::tests::incidence;
    use proptest::prelude::*;

    /// Pairs sharing an item, by looking at every pair.
    fn brute(rows: &[Vec<u32>]) -> u64 {
        let mut n = 0;
        for (i, a) in rows.iter().enumerate() {
            for b in &rows[i + 1..] {
                if a.iter().any(|x| b.contains(x)) {
                    n += 1;
                }
            }
        }
        n
    }

    #[test]
    fn groups_identical_sets_and_ranks_items_rarest_first() {
        // p0 {0, 2}, p1 {2}, p2 {}, p3 {0, 2}, p4 {1, 2}
        let a = incidence(&[&[0, 2], &[2], &[], &[0, 2], &[1, 2]]);
        let d = DistinctSets::new(&a);
        assert_eq!(d.len(), 3);
        // Sets in row order: {0, 2}, {1, 2}, {2}.
        assert_eq!(d.members.row(0), &[0, 3]);
        assert_eq!(d.members.row(1), &[4]);
        assert_eq!(d.members.row(2), &[1]);
        // Item 2 is in 3 sets, 0 and 1 in one each: ranks 0 -> 0, 1 -> 1, 2 -> 2.
        assert_eq!(d.items.row(0), &[0, 2]);
        assert_eq!(d.items.row(1), &[1, 2]);
        assert_eq!(d.ranks, 3);
        assert_eq!(d.count_pairs(u64::MAX), Some(6));
    }

    #[test]
    fn gives_up_past_the_budget() {
        // Three partners with the same 12 items: 4095 common subsets.
        let row: Vec<u32> = (0..12).collect();
        let a = incidence(&[&row, &row, &row]);
        let d = DistinctSets::new(&a);
        assert_eq!(d.count_pairs(u64::MAX), Some(3));
        assert_eq!(d.count_pairs(1000), None);
        // Two partners with the same 70 items: 2^70 common subsets; the thread that
        // passes the depth stops the others.
        let row: Vec<u32> = (0..70).collect();
        let d = DistinctSets::new(&incidence(&[&row, &row]));
        assert_eq!(d.count_pairs(1 << 24), None);
    }

    proptest! {
        #[test]
        fn count_equals_brute_force(
            rows in prop::collection::vec(prop::collection::btree_set(0u32..12, 0..6), 0..40),
            copies in prop::collection::vec(0usize..4, 0..40),
        ) {
            // Some sets repeated (groups of identical sets).
            let mut all: Vec<Vec<u32>> = rows.iter().map(|s| s.iter().copied().collect()).collect();
            for (i, &c) in copies.iter().enumerate() {
                if let Some(r) = rows.get(i) {
                    for _ in 0..c {
                        all.push(r.iter().copied().collect());
                    }
                }
            }
            let slices: Vec<&[u32]> = all.iter().map(|v| v.as_slice()).collect();
            let d = DistinctSets::new(&incidence(&slices));
            prop_assert_eq!(d.count_pairs(u64::MAX), Some(brute(&all)));
        }
    }
}
