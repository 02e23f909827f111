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
    fn offer(&mut self, c: Cand) {
        if self.min.is_some_and(|m| c.j < m) {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(c);
        } else if self.heap.peek().is_some_and(|w| c < *w) {
            self.heap.pop();
            self.heap.push(c);
        }
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

/// Shared read-only state of the search.
struct Index<'a> {
    rows: &'a Csr,
    /// Partners per item.
    k: Vec<u32>,
    /// item -> partners carrying it, by (set size, index).
    post: Csr,
    /// Partners in (set, index) order, and per partner its group (range in `order` of
    /// the partners with the identical set).
    order: Vec<u32>,
    group: Vec<(u32, u32)>,
}

impl Index<'_> {
    fn size(&self, p: u32) -> u32 {
        self.rows.degree(p as usize) as u32
    }

    /// Partner p's list: at most K (jaccard, q, shared), the top K of its row.
    fn search(&self, p: usize, top: &mut TopK, stamp: &mut [u32], items: &mut Vec<u32>) {
        let set = self.rows.row(p);
        let s = set.len() as u32;
        top.heap.clear();
        if s == 0 {
            return;
        }
        let (pu, mark) = (p as u32, p as u32 + 1);
        let (g0, g1) = self.group[p];
        let twins = &self.order[g0 as usize..g1 as usize];
        let twin = |q| Cand {
            j: jaccard(s, s, s),
            q,
            shared: s,
        };
        if twins.len() > top.k {
            // K partners with the same set (ascending): nothing ranks above them.
            for &q in twins.iter().filter(|&&q| q != pu).take(top.k) {
                top.offer(twin(q));
            }
            return;
        }
        for &q in twins {
            stamp[q as usize] = mark;
            if q != pu {
                top.offer(twin(q));
            }
        }
        items.clear();
        items.extend_from_slice(set);
        items.sort_unstable_by_key(|&c| (self.k[c as usize], c));
        for (i, &c) in items.iter().enumerate() {
            let r = s - i as u32;
            if top.closed(jaccard(r, s, r)) {
                break;
            }
            let list = self.post.row(c as usize);
            let mid = list.partition_point(|&q| self.size(q) < s);
            // Sizes z >= s, ascending: the bound r / (s + z - r) falls with z.
            let mut at = mid;
            while at < list.len() {
                let q = list[at];
                let z = self.size(q);
                let bound = jaccard(r, s, z);
                if top.closed(bound) {
                    break;
                }
                if top.shut(bound, q) {
                    // Same size, larger indices: skip the bucket.
                    at += list[at..].partition_point(|&x| self.size(x) == z);
                    continue;
                }
                at += 1;
                self.verify(set, s, q, z, top, stamp, mark);
            }
            // Sizes z < s, descending: for z <= r the bound z / s falls with z.
            for &q in list[..mid].iter().rev() {
                let z = self.size(q);
                let x = r.min(z);
                let bound = jaccard(x, s, z);
                if top.shut(bound, q) {
                    if z <= r && top.closed(bound) {
                        break;
                    }
                    continue;
                }
                self.verify(set, s, q, z, top, stamp, mark);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn verify(
        &self,
        set: &[u32],
        s: u32,
        q: u32,
        z: u32,
        top: &mut TopK,
        stamp: &mut [u32],
        mark: u32,
    ) {
        if stamp[q as usize] == mark {
            return;
        }
        stamp[q as usize] = mark;
        let shared = intersect(set, self.rows.row(q as usize));
        top.offer(Cand {
            j: jaccard(shared, s, z),
            q,
            shared,
        });
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
    let n = rows.rows();
    let degrees = item_degrees(rows, items);
    let size = |p: u32| rows.degree(p as usize);
    // Postings by (size, index): the partners come in index order, then a stable sort
    // by size per item.
    let mut post = super::count::postings(rows, &degrees, |_| true);
    let offsets = post.offsets.clone();
    {
        let mut rest: &mut [u32] = &mut post.targets;
        let mut slices = Vec::with_capacity(degrees.len());
        for w in offsets.windows(2) {
            let (head, tail) = rest.split_at_mut(w[1] - w[0]);
            slices.push(head);
            rest = tail;
        }
        slices
            .into_par_iter()
            .for_each(|list| list.sort_by_key(|&q| size(q)));
    }
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.par_sort_by(|&a, &b| {
        rows.row(a as usize)
            .cmp(rows.row(b as usize))
            .then(a.cmp(&b))
    });
    let mut group = vec![(0u32, 0u32); n];
    let mut start = 0;
    for i in 1..=n {
        if i == n || rows.row(order[i] as usize) != rows.row(order[start] as usize) {
            for &p in &order[start..i] {
                group[p as usize] = (start as u32, i as u32);
            }
            start = i;
        }
    }
    let index = Index {
        rows,
        k: degrees,
        post,
        order,
        group,
    };
    let pool: Mutex<Vec<(Vec<u32>, TopK, Vec<u32>)>> = Mutex::new(Vec::new());
    let lists: Vec<Vec<(u32, u32, u32)>> = (0..n)
        .into_par_iter()
        .with_min_len(64)
        .map(|p| {
            let (mut stamp, mut top, mut items) = pool
                .lock()
                .ok()
                .and_then(|mut v| v.pop())
                .unwrap_or_else(|| {
                    (
                        vec![0u32; n],
                        TopK {
                            k: k.max(1) as usize,
                            min: min_jaccard,
                            heap: BinaryHeap::new(),
                        },
                        Vec::new(),
                    )
                });
            index.search(p, &mut top, &mut stamp, &mut items);
            let pu = p as u32;
            let list = top
                .heap
                .drain()
                .map(|c| (pu.min(c.q), pu.max(c.q), c.shared))
                .collect();
            if let Ok(mut v) = pool.lock() {
                v.push((stamp, top, items));
            }
            list
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
