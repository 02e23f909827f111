//! `--overlap-top-k K` (contract §4): per partner, its K pairs of highest jaccard, ties
//! by the other partner's id (the smaller id ranks first); a pair is kept when it is in
//! either partner's top K.
//!
//! One pass with O(n K) state: the full row of every partner (both directions) is
//! ranked and only its K best candidates are kept, as (partner_a, partner_b, shared)
//! with partner_a < partner_b. A pair is kept when it is in either partner's top K, so
//! the rows written are exactly the union of these lists: sorted and deduplicated
//! ([`KeptPairs::from_lists`]), they are the output in its (partner_a, partner_b)
//! order, and no second pass over the pairs is needed to count or write them. Keys of
//! one partner are distinct (distinct other partners), so "in the top K" is exactly
//! "among the first K of the ranking".
//! With `--overlap-min-jaccard` the candidates below the cut are dropped before
//! ranking: they rank after every candidate above it, so the K best of the rest are
//! the K best of the row that pass the cut.
//! Complexity: a full product (twice the half rows' counter steps) plus O(row)
//! selection per partner; memory 12 bytes per kept pair (at most n K).
//!
//! For a partner manager: each partner's closest look-alikes, without the long tail.

use std::cmp::Ordering;

use rayon::prelude::*;

use super::SharedBlock;

/// A candidate of a partner's top K: (jaccard, other partner index, shared items).
pub type Candidate = (f64, u32, u32);

/// Best first: higher jaccard, then smaller partner index (= smaller id).
fn rank(a: &Candidate, b: &Candidate) -> Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The K best of `cands`, reordered in place so that they come first (in no particular
/// order); all of them when there are at most K.
pub fn top(cands: &mut [Candidate], k: u32) -> &[Candidate] {
    let k = k as usize;
    if k == 0 {
        return &[];
    }
    if cands.len() > k {
        cands.select_nth_unstable_by(k - 1, rank);
    }
    &cands[..k.min(cands.len())]
}

/// The rows a top-K bound keeps: every pair in either partner's top K, as
/// (partner_a, partner_b, shared) with partner_a < partner_b, sorted and distinct.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeptPairs(Vec<(u32, u32, u32)>);

impl KeptPairs {
    /// The union of the partners' top-K lists (a pair listed by both partners once).
    pub fn from_lists(mut pairs: Vec<(u32, u32, u32)>) -> KeptPairs {
        pairs.par_sort_unstable();
        // Both partners list a pair with the same shared count: duplicates are equal.
        pairs.dedup();
        KeptPairs(pairs)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no pair is kept.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The rows as blocks of at most `per_block` pairs, in order (a partner's row may
    /// continue in the next block).
    pub fn blocks(&self, per_block: usize) -> impl Iterator<Item = SharedBlock> + '_ {
        self.0.chunks(per_block.max(1)).map(|chunk| {
            let mut b = SharedBlock::default();
            let mut current = None;
            for &(a, q, shared) in chunk {
                if let Some(c) = current
                    && c != a
                {
                    b.end_row(c);
                }
                current = Some(a);
                b.push(q, shared);
            }
            if let Some(a) = current {
                b.end_row(a);
            }
            b
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_with_ties_by_id() {
        let cands = vec![(0.5, 7, 1), (0.9, 3, 2), (0.5, 2, 1), (0.1, 1, 1)];
        // ranking: (0.9,3), (0.5,2), (0.5,7), (0.1,1)
        let ids = |k| {
            let mut c = cands.clone();
            let mut v: Vec<u32> = top(&mut c, k).iter().map(|x| x.1).collect();
            v.sort_unstable();
            v
        };
        assert_eq!(ids(2), vec![2, 3]);
        assert_eq!(ids(3), vec![2, 3, 7]);
        assert_eq!(ids(9), vec![1, 2, 3, 7]);
        assert!(ids(0).is_empty());
    }

    #[test]
    fn kept_pairs_are_the_sorted_union_in_blocks() {
        let kept = KeptPairs::from_lists(vec![(1, 4, 2), (0, 2, 1), (1, 4, 2), (0, 1, 3)]);
        assert_eq!(kept.len(), 3);
        let blocks: Vec<SharedBlock> = kept.blocks(2).collect();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].rows, vec![(0, 2)]);
        assert_eq!(
            (blocks[0].b.clone(), blocks[0].shared.clone()),
            (vec![1, 2], vec![3, 1])
        );
        assert_eq!(blocks[1].rows, vec![(1, 1)]);
        assert_eq!(
            (blocks[1].b.clone(), blocks[1].shared.clone()),
            (vec![4], vec![2])
        );
    }
}
