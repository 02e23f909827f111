//! The pruned transpose `Aᵀ` of a partner x item incidence that the pair passes walk:
//! item -> the partners reaching it, rows ascending, kept only for items that at least
//! two partners reach (an item with one partner is in no pair).
//!
//! Two savings keep it within the memory aim of the overlap family (peak no more than
//! the input plus the output's largest block, see BENCHMARKS.md):
//! - **No head.** Unless `full`, a row leaves out its lowest partner (the head). The
//!   half row (partners q > p) that the default pass needs is the whole stored row when
//!   p is the head, and the part after p for any other partner of the item. Full rows
//!   (q ≠ p, needed only for the `--overlap-top-k` thresholds) need the head, so that
//!   mode keeps it.
//! - **Offsets for shared items only.** A rank bitmap (one bit per item, and per 64
//!   items the count of shared items before them, 16 bytes per 64 items) maps an item
//!   to its rank among shared items, which indexes the `u32` offsets. On the generated
//!   100k network fewer than half the customers are shared, so this halves the offsets.
//!
//! Built by a counting sort over ranges of items: each range is one task that scans the
//! whole incidence and keeps the links into its range, so its counters and the slice
//! of the transpose it fills stay in cache (a plain counting sort scatters over the
//! whole transpose) and no two tasks write the same place. Partners are scanned in
//! ascending order, so every row comes out sorted, and its head is the first partner
//! seen, whatever the thread count. O(nnz · ranges + items) time (the scans are
//! sequential reads); 16 bytes per 64 items + 4 · (shared items + 1 + stored links)
//! bytes.

use std::ops::Range;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::graph::Csr;

/// 64 items: which are shared, and how many shared items come before them.
#[derive(Debug, Clone, Copy)]
struct Word {
    bits: u64,
    before: u32,
}

/// Whether item c falls in range r (one subtraction and compare on the scans' hot path).
#[inline]
fn in_range(r: &Range<usize>, c: u32) -> bool {
    (c as usize).wrapping_sub(r.start) < r.len()
}

/// Rank of item c among shared items, or `None` when it is not shared.
#[inline]
fn rank(words: &[Word], c: usize) -> Option<usize> {
    let w = words[c >> 6];
    let bit = 1u64 << (c & 63);
    (w.bits & bit != 0).then(|| w.before as usize + (w.bits & (bit - 1)).count_ones() as usize)
}

/// See the module documentation.
#[derive(Debug, Clone)]
pub struct Transpose {
    words: Vec<Word>,
    /// offsets[k]..offsets[k + 1]: the stored row of the k-th shared item in `targets`.
    offsets: Vec<u32>,
    targets: Vec<u32>,
    full: bool,
}

impl Transpose {
    /// Items per build task (a multiple of 64, so tasks own whole bitmap words).
    pub(crate) const RANGE: usize = 1 << 17;

    /// Builds the transpose of `rows` over `items` items (more if a row names a larger
    /// item), keeping heads when `full`. Errors when the stored links do not fit `u32`
    /// offsets (over 4.29 billion).
    pub fn new(rows: &Csr, items: usize, full: bool) -> Result<Transpose> {
        Self::with_range(rows, items, full, Self::RANGE)
    }

    /// [`Transpose::new`] with build tasks of `range` items, rounded up to a multiple of
    /// 64 (tests use small ones); the result does not depend on it.
    pub(crate) fn with_range(
        rows: &Csr,
        items: usize,
        full: bool,
        range: usize,
    ) -> Result<Transpose> {
        let range = range.max(1).next_multiple_of(64);
        let items = item_count(rows, items);
        let ranges: Vec<Range<usize>> = (0..items)
            .step_by(range)
            .map(|lo| lo..(lo + range).min(items))
            .collect();
        // Per range: its bitmap words and the stored row lengths of its shared items.
        let head = u32::from(!full);
        let counted: Vec<(Vec<u64>, Vec<u32>)> = ranges
            .par_iter()
            .map(|r| {
                let mut degree = vec![0u32; r.len()];
                for &c in &rows.targets {
                    if in_range(r, c) {
                        let i = c as usize - r.start;
                        degree[i] = degree[i].saturating_add(1);
                    }
                }
                let mut bits = vec![0u64; r.len().div_ceil(64)];
                let mut lens = Vec::new();
                for (i, &d) in degree.iter().enumerate() {
                    if d >= 2 {
                        bits[i >> 6] |= 1 << (i & 63);
                        lens.push(d - head);
                    }
                }
                (bits, lens)
            })
            .collect();
        let shared: usize = counted.iter().map(|(_, l)| l.len()).sum();
        let mut words = Vec::with_capacity(items.div_ceil(64));
        let mut offsets = Vec::with_capacity(shared + 1);
        offsets.push(0u32);
        let mut before = 0u32;
        // Prefix sums of the row lengths in u64, to detect overflow.
        let mut total = 0u64;
        for (bits, lens) in counted {
            for b in bits {
                words.push(Word { bits: b, before });
                before += b.count_ones();
            }
            for l in lens {
                total += u64::from(l);
                offsets.push(u32::try_from(total).map_err(|_| {
                    Error::Parameter(format!(
                        "overlap: more than {} partner-item links on shared items",
                        u32::MAX
                    ))
                })?);
            }
        }
        let mut t = Transpose {
            words,
            offsets,
            targets: Vec::new(),
            full,
        };
        t.fill(rows, &ranges);
        Ok(t)
    }

    /// Fills `targets`, one task per range of items, each into its own slice.
    fn fill(&mut self, rows: &Csr, ranges: &[Range<usize>]) {
        let (words, offsets, full) = (&self.words, &self.offsets, self.full);
        // Ranks of the shared items of each range (ranges own whole words).
        let first = |r: &Range<usize>| words[r.start >> 6].before as usize;
        let ks: Vec<Range<usize>> = ranges
            .iter()
            .enumerate()
            .map(|(i, r)| first(r)..ranges.get(i + 1).map_or(offsets.len() - 1, first))
            .collect();
        let mut targets = vec![0u32; offsets[offsets.len() - 1] as usize];
        let mut parts = Vec::with_capacity(ranges.len());
        let mut rest = targets.as_mut_slice();
        for k in &ks {
            let (part, tail) = rest.split_at_mut((offsets[k.end] - offsets[k.start]) as usize);
            parts.push(part);
            rest = tail;
        }
        parts
            .into_par_iter()
            .zip(ranges.par_iter().zip(&ks))
            .for_each(|(part, (r, ks))| {
                let base = offsets[ks.start];
                let mut fill: Vec<u32> = offsets[ks.clone()].iter().map(|&o| o - base).collect();
                // Whether each item's head was seen (and skipped); all true when full.
                let mut headed = vec![full; ks.len()];
                for p in 0..rows.rows() {
                    for &c in rows.row(p) {
                        if !in_range(r, c) {
                            continue;
                        }
                        let Some(k) = rank(words, c as usize) else {
                            continue;
                        };
                        let i = k - ks.start;
                        if headed[i] {
                            part[fill[i] as usize] = p as u32;
                            fill[i] += 1;
                        } else {
                            headed[i] = true;
                        }
                    }
                }
            });
        self.targets = targets;
    }

    /// Whether the stored rows keep their heads (full rows can be walked).
    pub fn full(&self) -> bool {
        self.full
    }

    /// The bounds of item c's stored row in [`Transpose::targets`]; empty when c is
    /// not shared.
    #[inline]
    pub fn span(&self, c: usize) -> (u32, u32) {
        match rank(&self.words, c) {
            Some(k) => (self.offsets[k], self.offsets[k + 1]),
            None => (0, 0),
        }
    }

    /// Item c's stored row (see the module documentation).
    #[inline]
    pub fn row(&self, c: usize) -> &[u32] {
        let (s, e) = self.span(c);
        &self.targets[s as usize..e as usize]
    }

    /// All stored rows, back to back (index with [`Transpose::span`]).
    #[inline]
    pub fn targets(&self) -> &[u32] {
        &self.targets
    }

    /// Whether at least two partners reach item c.
    #[inline]
    pub fn shared(&self, c: usize) -> bool {
        rank(&self.words, c).is_some()
    }

    /// Heap bytes held (for the benchmarks).
    pub fn bytes(&self) -> usize {
        std::mem::size_of::<Word>() * self.words.len()
            + 4 * (self.offsets.len() + self.targets.len())
    }
}

/// Items to index: `items`, or more when `rows` names a larger one (its code + 1).
pub(crate) fn item_count(rows: &Csr, items: usize) -> usize {
    rows.targets
        .iter()
        .map(|&c| c as usize + 1)
        .max()
        .unwrap_or(0)
        .max(items)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The partner x item incidence with these rows (each ascending).
    pub(crate) fn incidence(rows: &[&[u32]]) -> Csr {
        let keys: Vec<u64> = rows
            .iter()
            .enumerate()
            .flat_map(|(p, r)| r.iter().map(move |&c| ((p as u64) << 32) | u64::from(c)))
            .collect();
        Csr::from_sorted_keys(rows.len(), &keys)
    }

    /// Item -> partners by brute force, heads dropped unless full, only shared items.
    fn naive(rows: &[Vec<u32>], items: usize, full: bool) -> Vec<Vec<u32>> {
        let mut t = vec![Vec::new(); items];
        for (p, r) in rows.iter().enumerate() {
            for &c in r {
                t[c as usize].push(p as u32);
            }
        }
        for r in &mut t {
            if r.len() < 2 {
                r.clear();
            } else if !full {
                r.remove(0);
            }
        }
        t
    }

    #[test]
    fn small_incidence() {
        // Item 1 is reached by partner 3 alone, item 3 by nobody: no pair, empty rows.
        let a = incidence(&[&[0, 2], &[2], &[], &[0, 1, 2]]);
        let upper = Transpose::new(&a, 4, false).unwrap();
        let got: Vec<&[u32]> = (0..4).map(|c| upper.row(c)).collect();
        assert_eq!(got, vec![&[3][..], &[], &[1, 3], &[]]);
        let full = Transpose::new(&a, 4, true).unwrap();
        let got: Vec<&[u32]> = (0..4).map(|c| full.row(c)).collect();
        assert_eq!(got, vec![&[0, 3][..], &[], &[0, 1, 3], &[]]);
        for t in [&upper, &full] {
            let shared: Vec<bool> = (0..4).map(|c| t.shared(c)).collect();
            assert_eq!(shared, vec![true, false, true, false]);
        }
        // One word, offsets of the two shared items, and 3 or 5 links.
        assert_eq!(upper.bytes(), 16 + 4 * (3 + 3));
        assert_eq!(full.bytes(), 16 + 4 * (3 + 5));
    }

    #[test]
    fn equals_the_brute_force_transpose_for_any_task_range() {
        // 40 partners over 300 items (five bitmap words): items below 250 are reached by
        // about four partners each, 250..290 by one partner each, the rest by nobody.
        let items = 300;
        let rows: Vec<Vec<u32>> = (0..40u32)
            .map(|p| {
                (0..items as u32)
                    .filter(|&c| (c < 250 && (c * 7 + p * 13) % 11 == 0) || c == 250 + p)
                    .collect()
            })
            .collect();
        let a = incidence(&rows.iter().map(Vec::as_slice).collect::<Vec<_>>());
        for full in [false, true] {
            let want = naive(&rows, items, full);
            assert!(want.iter().any(|r| r.len() > 2) && want.iter().any(|r| r.is_empty()));
            for range in [1, 64, 65, 128, 200, 1 << 17] {
                let t = Transpose::with_range(&a, items, full, range).unwrap();
                for (c, w) in want.iter().enumerate() {
                    assert_eq!(
                        t.row(c),
                        w.as_slice(),
                        "item {c}, range {range}, full {full}"
                    );
                    assert_eq!(t.shared(c), !w.is_empty());
                }
                assert_eq!(t.full(), full);
            }
        }
    }
}
