//! Every partner's top-K list (`--overlap-top-k`, ranking in [`super::topk`]) found by a
//! threshold search instead of counting every pair: the same lists, bit for bit, as the
//! full-row pass, which stays the reference of the tests.
//!
//! How, for partner p with set S of s items (its K-th best jaccard so far is the
//! threshold t; the ranking is jaccard descending, then partner index ascending):
//! - **Identical sets.** Jaccard is 1 exactly when two sets are equal, and nothing
//!   ranks above 1: when at least K other partners carry exactly S, p's list is the K
//!   smallest of them, with no search. Otherwise they all enter p's list first.
//! - **Prefix filtering** (Chaudhuri, Ganti & Kaushik 2006; Bayardo, Ma & Srikant 2007,
//!   "Scaling up all pairs similarity search"): S's items are visited rarest first; a
//!   partner sharing none of the first i items shares at most r = s - i, so its jaccard
//!   is at most r / s. Once that is below t the search stops: the popular items, last
//!   in the order, are reached only by partners whose lists are still weak.
//! - **Size filtering** (the same papers; L2Knng, Anastasiu & Karypis 2015): each
//!   item's partners are stored by (set size, index); for q of size z sharing at most
//!   r items, jaccard <= min(r, z) / (s + z - min(r, z)), which falls as z moves away
//!   from s. The scan walks sizes up from s and down from s - 1 and stops at the first
//!   size whose bound is below t; at a bound equal to t only smaller indices can still
//!   enter, so the rest of that size bucket is skipped.
//! - **Verification**: a new candidate's shared count is the merge of the two sorted
//!   sets, and its jaccard comes from [`super::jaccard`], the same bits as the pass.
//!
//! Exactness: every bound is the jaccard formula on integers (shared bound, sizes),
//! computed by the same correctly rounded division as a real jaccard, and rounding is
//! monotone, so a pruned candidate's computed jaccard is at most the bound's; pruning
//! needs the bound strictly below t (or, at equality, a larger index than the K-th), so
//! no candidate that would rank in the top K is ever skipped. `--overlap-min-jaccard`
//! drops candidates below it and prunes bounds below it.
//!
//! Complexity: O(L log L) to build the postings, then per partner O(s log s) plus
//! the candidates scanned (each verified in O(s + z)); the worst case (no pruning) is
//! the full product's, Σ_c k_c² scans, but on heavy-tailed catalogues the popular
//! items are cut off after the first K candidates. Memory O(n + L) plus a stamp of n
//! `u32` and a K-heap per thread. Partners are independent, so the lists do not
//! depend on the thread count.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Mutex;

use rayon::prelude::*;

use super::count::item_degrees;
use super::jaccard;
use crate::graph::Csr;

/// A candidate: (jaccard, other partner, shared items); `Ord` puts the worse last
/// ranked on top of a max-heap (lower jaccard, then larger index).
#[derive(Clone, Copy, Debug)]
struct Cand {
    j: f64,
    q: u32,
    shared: u32,
}

impl Ord for Cand {
    fn cmp(&self, other: &Self) -> Ordering {
        // Greater = ranks later: lower jaccard, then larger index.
        other.j.total_cmp(&self.j).then(self.q.cmp(&other.q))
    }
}

impl PartialOrd for Cand {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Cand {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Cand {}

/// The K best candidates seen so far.
struct TopK {
    k: usize,
    min: Option<f64>,
    heap: BinaryHeap<Cand>,
}

impl TopK {
    /// Keeps `c` if it ranks among the K best so far; returns whether it did.
    fn offer(&mut self, c: Cand) -> bool {
        if self.min.is_some_and(|m| c.j < m) {
            return false;
        }
        if self.heap.len() < self.k {
            self.heap.push(c);
        } else if self.heap.peek().is_some_and(|w| c < *w) {
            self.heap.pop();
            self.heap.push(c);
        } else {
            return false;
        }
        true
    }

    /// Whether no candidate of jaccard at most `bound` can enter (any index).
    fn closed(&self, bound: f64) -> bool {
        if self.min.is_some_and(|m| bound < m) {
            return true;
        }
        self.heap.len() == self.k && self.heap.peek().is_some_and(|w| bound < w.j)
    }

    /// Whether no candidate of index `q` and jaccard at most `bound` can enter.
    fn shut(&self, bound: f64, q: u32) -> bool {
        self.closed(bound)
            || (self.heap.len() == self.k
                && self.heap.peek().is_some_and(|w| bound == w.j && q > w.q))
    }
}

/// Items both sorted sets hold.
fn intersect(a: &[u32], b: &[u32]) -> u32 {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The distinct nonempty sets ("groups") of the partners, their postings and their
/// members: the shared read-only state of the search.
struct Index<'a> {
    rows: &'a Csr,
    /// Partners in (set, index) order; group g's members are
    /// `order[starts[g]..starts[g + 1]]`, ascending.
    order: Vec<u32>,
    starts: Vec<u32>,
    /// Each group's items, rarest first (partners per item ascending, then item index).
    items: Csr,
    /// item -> (group, position of the item in the group's rarest-first list), by
    /// (group size, position, smallest member).
    post: Vec<(u32, u32)>,
    post_offsets: Vec<usize>,
    /// item -> its size buckets in `post`: (size, start), ascending sizes.
    buckets: Vec<(u32, u32)>,
    bucket_offsets: Vec<usize>,
}

/// A cell of the search: the postings of item `i` (rarest-first position in the
/// searched set) whose groups have `z` items, with the cell's jaccard bound.
#[derive(Clone, Copy)]
struct Cell {
    bound: f64,
    i: u32,
    z: u32,
    start: u32,
    end: u32,
}

/// Per-thread scratch of the search.
struct Scratch {
    /// stamp[g] = mark when group g was verified for the current search.
    stamp: Vec<u32>,
    top: TopK,
    cells: Vec<Cell>,
}

impl<'a> Index<'a> {
    fn new(rows: &'a Csr, degrees: &[u32]) -> Index<'a> {
        let n = rows.rows();
        let mut order: Vec<u32> = (0..n as u32)
            .filter(|&p| rows.degree(p as usize) > 0)
            .collect();
        order.par_sort_by(|&a, &b| {
            rows.row(a as usize)
                .cmp(rows.row(b as usize))
                .then(a.cmp(&b))
        });
        let mut starts = vec![0u32];
        for i in 1..=order.len() {
            if i == order.len() || rows.row(order[i] as usize) != rows.row(order[i - 1] as usize) {
                starts.push(i as u32);
            }
        }
        let groups = starts.len() - 1;
        let first = |g: usize| order[starts[g] as usize] as usize;
        // Each group's items rarest first.
        let mut offsets = Vec::with_capacity(groups + 1);
        offsets.push(0usize);
        let mut targets = Vec::new();
        for g in 0..groups {
            let start = targets.len();
            targets.extend_from_slice(rows.row(first(g)));
            targets[start..].sort_unstable_by_key(|&c| (degrees[c as usize], c));
            offsets.push(targets.len());
        }
        let items = Csr {
            offsets,
            targets,
            weights: Vec::new(),
        };
        // Postings: counting sort by item, then per item by (size, position, first).
        let mut post_offsets = vec![0usize; degrees.len() + 1];
        for &c in &items.targets {
            post_offsets[c as usize + 1] += 1;
        }
        for c in 0..degrees.len() {
            post_offsets[c + 1] += post_offsets[c];
        }
        let mut fill = post_offsets[..degrees.len()].to_vec();
        let mut post = vec![(0u32, 0u32); items.targets.len()];
        for g in 0..groups {
            for (pos, &c) in items.row(g).iter().enumerate() {
                post[fill[c as usize]] = (g as u32, pos as u32);
                fill[c as usize] += 1;
            }
        }
        let size = |g: u32| items.degree(g as usize) as u32;
        {
            let mut rest: &mut [(u32, u32)] = &mut post;
            let mut lists = Vec::with_capacity(degrees.len());
            for w in post_offsets.windows(2) {
                let (head, tail) = rest.split_at_mut(w[1] - w[0]);
                lists.push(head);
                rest = tail;
            }
            lists.into_par_iter().for_each(|list| {
                list.sort_unstable_by_key(|&(g, pos)| (size(g), pos, first(g as usize)))
            });
        }
        let mut buckets = Vec::new();
        let mut bucket_offsets = Vec::with_capacity(degrees.len() + 1);
        bucket_offsets.push(0);
        for w in post_offsets.windows(2) {
            let mut last = None;
            for (at, &(g, _)) in post[w[0]..w[1]].iter().enumerate() {
                let z = size(g);
                if last != Some(z) {
                    buckets.push((z, (w[0] + at) as u32));
                    last = Some(z);
                }
            }
            bucket_offsets.push(buckets.len());
        }
        Index {
            rows,
            order,
            starts,
            items,
            post,
            post_offsets,
            buckets,
            bucket_offsets,
        }
    }

    fn groups(&self) -> usize {
        self.starts.len() - 1
    }

    fn members(&self, g: u32) -> &[u32] {
        &self.order[self.starts[g as usize] as usize..self.starts[g as usize + 1] as usize]
    }

    /// Group g's best K + 1 partners (all of its members may be among them) into
    /// `sc.top`: every member's top K is that list without itself.
    fn search(&self, g: u32, sc: &mut Scratch) {
        let top = &mut sc.top;
        top.heap.clear();
        let set = self.rows.row(self.members(g)[0] as usize);
        let s = set.len() as u32;
        let mark = g + 1;
        sc.stamp[g as usize] = mark;
        for &q in self.members(g) {
            if top.heap.len() == top.k {
                return; // K + 1 identical sets: nothing ranks above them.
            }
            top.offer(Cand {
                j: jaccard(s, s, s),
                q,
                shared: s,
            });
        }
        // The cells, best bound first.
        let cells = &mut sc.cells;
        cells.clear();
        for (i, &c) in self.items.row(g as usize).iter().enumerate() {
            let r = s - i as u32;
            let c = c as usize;
            let bs = &self.buckets[self.bucket_offsets[c]..self.bucket_offsets[c + 1]];
            let end_of_item = self.post_offsets[c + 1] as u32;
            for (b, &(z, start)) in bs.iter().enumerate() {
                let end = bs.get(b + 1).map_or(end_of_item, |x| x.1);
                cells.push(Cell {
                    bound: jaccard(r.min(z), s, z),
                    i: i as u32,
                    z,
                    start,
                    end,
                });
            }
        }
        cells.sort_unstable_by(|a, b| {
            b.bound
                .total_cmp(&a.bound)
                .then(a.i.cmp(&b.i))
                .then(a.z.cmp(&b.z))
        });
        for cell in cells.iter() {
            if top.closed(cell.bound) {
                break;
            }
            let (z, after) = (cell.z, s - 1 - cell.i);
            for &(t, pos) in &self.post[cell.start as usize..cell.end as usize] {
                // Positional filter: both sets share at most the items after this one.
                let bound = jaccard(1 + after.min(z - 1 - pos), s, z);
                if top.closed(bound) {
                    break;
                }
                if sc.stamp[t as usize] == mark || top.shut(bound, self.members(t)[0]) {
                    continue;
                }
                sc.stamp[t as usize] = mark;
                let shared = intersect(set, self.rows.row(self.members(t)[0] as usize));
                let j = jaccard(shared, s, z);
                for &q in self.members(t) {
                    // Members ascend: once one is refused, so are the rest.
                    if !top.offer(Cand { j, q, shared }) {
                        break;
                    }
                }
            }
        }
    }
}

/// Every partner's top-K list over `rows` (partner -> items, `items` items), as
/// (partner_a < partner_b, shared) in partner order: the same lists as the full-row
/// pass (see the module documentation), for `k` >= 1 and the `--overlap-min-jaccard`
/// cut `min_jaccard`.
///
/// # Complexity
/// * Time: **O(L log L)** plus the candidates scanned, at worst the full product's
///   **Σ_c k_c²**; auxiliary space **O(n + L)** plus **O(n + K)** per thread.
pub(crate) fn top_lists(
    rows: &Csr,
    items: usize,
    k: u32,
    min_jaccard: Option<f64>,
) -> Vec<(u32, u32, u32)> {
    let degrees = item_degrees(rows, items);
    let index = Index::new(rows, &degrees);
    let k = k.max(1) as usize;
    let pool: Mutex<Vec<Scratch>> = Mutex::new(Vec::new());
    let lists: Vec<Vec<(u32, u32, u32)>> = (0..index.groups() as u32)
        .into_par_iter()
        .with_min_len(64)
        .map(|g| {
            let mut sc = pool
                .lock()
                .ok()
                .and_then(|mut v| v.pop())
                .unwrap_or_else(|| Scratch {
                    stamp: vec![0u32; index.groups()],
                    top: TopK {
                        k: k + 1,
                        min: min_jaccard,
                        heap: BinaryHeap::new(),
                    },
                    cells: Vec::new(),
                });
            index.search(g, &mut sc);
            let mut best: Vec<Cand> = sc.top.heap.drain().collect();
            best.sort_unstable();
            let mut out = Vec::new();
            for &p in index.members(g) {
                for c in best.iter().filter(|c| c.q != p).take(k) {
                    out.push((p.min(c.q), p.max(c.q), c.shared));
                }
            }
            if let Ok(mut v) = pool.lock() {
                v.push(sc);
            }
            out
        })
        .collect();
    lists.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::overlap::pairs::{self, Blocking, Incidence};
    use crate::metrics::overlap::transpose::tests::incidence;
    use crate::metrics::overlap::{CollectSink, Dimension, OverlapParams, Sizes};
    use crate::progress::Meter;
    use proptest::prelude::*;

    /// The rows written under top-K: by the counting reference (the full-row pass of
    /// `pairs::plan_pairs`) and by `product_top_k` (the search and the count).
    fn both(rows: &Csr, items: usize, k: u32, min: Option<f64>) -> [(u64, CollectSink); 2] {
        let params = OverlapParams {
            top_k: Some(k),
            min_jaccard: min,
            ..OverlapParams::default()
        };
        let inc = Incidence::new(rows, items, &params).unwrap();
        let b = Blocking::default();
        let reference = pairs::plan_pairs(&inc, Dimension::Product, &params, &b).unwrap();
        let searched = crate::metrics::overlap::product_top_k(rows, items, k, min);
        [reference, searched].map(|plan| {
            let mut sink = CollectSink::default();
            let m = Meter::silent();
            pairs::write_kept(&plan, Dimension::Product, Sizes(rows), &mut sink, &b, &m).unwrap();
            (plan.pairs, sink)
        })
    }

    fn check(rows: &Csr, items: usize, k: u32, min: Option<f64>) {
        let [(pa, a), (pb, b)] = both(rows, items, k, min);
        assert_eq!(pa, pb, "pair count");
        let flat = |s: &CollectSink| -> Vec<(u32, u32, u32, u64)> {
            s.blocks
                .iter()
                .flat_map(|(_, b)| {
                    (0..b.len()).map(move |i| (b.a[i], b.b[i], b.shared[i], b.jaccard[i].to_bits()))
                })
                .collect()
        };
        assert_eq!(flat(&a), flat(&b));
    }

    #[test]
    fn twins_and_ties() {
        // Five partners with {0}, two with {0, 1}, one with {1}: ties at 1 and at 1/2.
        let a = incidence(&[&[0], &[0, 1], &[0], &[1], &[0], &[0, 1], &[0], &[0], &[]]);
        for k in 1..6 {
            check(&a, 2, k, None);
            check(&a, 2, k, Some(0.5));
        }
    }

    fn sets() -> impl Strategy<Value = Vec<Vec<u32>>> {
        // A few template sets (so many partners carry identical sets), random sets,
        // and item 0 carried by most partners (one huge item).
        let set = prop::collection::btree_set(1u32..24, 0..7);
        (prop::collection::vec(set.clone(), 1..5), 1usize..90).prop_flat_map(
            move |(templates, n)| {
                let t = templates.len();
                prop::collection::vec((0..t + 1, set.clone(), prop::bool::weighted(0.7)), n..=n)
                    .prop_map(move |picks| {
                        picks
                            .into_iter()
                            .map(|(i, own, huge)| {
                                let mut v: Vec<u32> = if i < templates.len() {
                                    templates[i].iter().copied().collect()
                                } else {
                                    own.into_iter().collect()
                                };
                                if huge {
                                    v.insert(0, 0);
                                }
                                v
                            })
                            .collect()
                    })
            },
        )
    }

    proptest! {
        #[test]
        fn search_equals_the_counting_pass(
            rows in sets(),
            k in 1u32..6,
            min in prop::option::weighted(0.3, 0.0f64..=1.0),
        ) {
            let slices: Vec<&[u32]> = rows.iter().map(|v| v.as_slice()).collect();
            check(&incidence(&slices), 24, k, min);
        }
    }
}
