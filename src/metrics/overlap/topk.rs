//! `--overlap-top-k K` (contract §4): per partner, its K pairs of highest jaccard, ties
//! by the other partner's id (the smaller id ranks first); a pair is kept when it is in
//! either partner's top K.
//!
//! Two passes with O(n) state: the first computes every partner's full row (both
//! directions) and keeps only its K-th best key (jaccard, other partner) as a
//! [`Threshold`]; the second, streaming the half rows q > p, keeps a pair (p, q) when its
//! key reaches p's threshold or q's. Keys of one partner are distinct (distinct other
//! partners), so "in the top K" is exactly "ranks at or above the K-th key".
//! Complexity: the first pass costs a full product (twice the half rows) plus O(row)
//! selection per partner; memory n thresholds.
//!
//! For a partner manager: each partner's closest look-alikes, without the long tail.

use std::cmp::Ordering;

/// A partner's K-th best key `(jaccard, other partner index)`, or `None` when it has at
/// most K pairs (all are in its top K).
pub type Threshold = Option<(f64, u32)>;

/// Best first: higher jaccard, then smaller partner index (= smaller id).
fn rank(a: &(f64, u32), b: &(f64, u32)) -> Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The K-th best of `keys` (reordered in place), `None` if there are at most K.
pub fn kth_key(keys: &mut [(f64, u32)], k: u32) -> Threshold {
    let k = k as usize;
    if k == 0 || keys.len() <= k {
        return None;
    }
    let (_, kth, _) = keys.select_nth_unstable_by(k - 1, rank);
    Some(*kth)
}

/// Whether the pair with jaccard `j` to partner `q` is in the top K of the partner whose
/// threshold is `t`.
#[inline]
pub fn in_top(t: Threshold, j: f64, q: u32) -> bool {
    match t {
        None => true,
        Some((jk, qk)) => j > jk || (j == jk && q <= qk),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kth_with_ties_by_id() {
        let mut keys = vec![(0.5, 7), (0.9, 3), (0.5, 2), (0.1, 1)];
        // ranking: (0.9,3), (0.5,2), (0.5,7), (0.1,1)
        assert_eq!(kth_key(&mut keys.clone(), 2), Some((0.5, 2)));
        assert_eq!(kth_key(&mut keys, 3), Some((0.5, 7)));
        let t = Some((0.5, 2));
        assert!(in_top(t, 0.9, 3) && in_top(t, 0.5, 2));
        assert!(!in_top(t, 0.5, 7) && !in_top(t, 0.1, 1));
        assert_eq!(kth_key(&mut [(0.2, 1)], 1), None);
    }
}
