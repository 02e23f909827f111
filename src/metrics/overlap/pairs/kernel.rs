//! The block kernel of the pair product `S = A · Aᵀ` (formula, source and complexity in
//! [the parent module](super)): [`Walk`] accumulates one partner's row of S into a
//! dense counter and lists the partners it touched in ascending order through a
//! two-level bitmap; [`Columns`] and [`TypeSums`] gather the customer pass's
//! per-partner columns and by-type sums on the way; [`compute_block`] runs the walk
//! over one block of partner rows doing the pass's [`Tasks`].
//!
//! It is kept apart from the passes and the plan because it is the hot loop: everything
//! that decides how fast a pair is counted is here, and nothing that decides which
//! pairs are written or when.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

use super::Incidence;
use crate::metrics::overlap::by_type::PartnerTypes;
use crate::metrics::overlap::topk::{self, Candidate};
use crate::metrics::overlap::{jaccard, SharedBlock};

/// A dense counter over partners with a two-level bitmap of the touched ones.
pub(super) struct Walk {
    /// count[q] = shared items of the current row with q; 0 outside the row.
    count: Vec<u32>,
    /// Bit q set when count[q] > 0 (one u64 per 64 partners).
    bits: Vec<u64>,
    /// Bit w set when bits[w] != 0 (one u64 per 4096 partners).
    summary: Vec<u64>,
    /// The current row's item lists as transpose ranges.
    spans: Vec<(u32, u32)>,
}

impl Walk {
    pub(super) fn new(n: usize) -> Walk {
        let words = n.div_ceil(64);
        Walk {
            count: vec![0; n],
            bits: vec![0; words],
            summary: vec![0; words.div_ceil(64)],
            spans: Vec::new(),
        }
    }

    /// Accumulates row p of S: all q != p (`full`) or q > p. First the bounds of the
    /// row's item lists are gathered (independent loads, so their cache misses overlap
    /// instead of each waiting for the previous item), then the lists are walked.
    #[inline]
    pub(super) fn accumulate(&mut self, inc: &Incidence, p: usize, full: bool) {
        let spans = &mut self.spans;
        spans.clear();
        let t: &crate::metrics::overlap::transpose::Transpose = &inc.t;
        for &c in inc.rows.row(p) {
            let (s, e) = t.span(c as usize);
            if e > s {
                spans.push((s, e));
            }
        }
        let (count, bits, summary) = (&mut self.count, &mut self.bits, &mut self.summary);
        for &(s, e) in spans.iter() {
            let ps = &t.targets()[s as usize..e as usize];
            let start = if full {
                0
            } else {
                ps.partition_point(|&q| q as usize <= p)
            };
            for &q in &ps[start..] {
                let q = q as usize;
                count[q] += 1;
                bits[q >> 6] |= 1 << (q & 63);
                summary[q >> 12] |= 1 << ((q >> 6) & 63);
            }
        }
        if full && count[p] != 0 {
            // p itself was counted once per shared item: not a pair.
            count[p] = 0;
            bits[p >> 6] &= !(1 << (p & 63));
            if bits[p >> 6] == 0 {
                summary[p >> 12] &= !(1 << ((p >> 6) & 63));
            }
        }
    }

    /// Calls `visit(q, shared)` for every touched q in ascending order, resetting the
    /// counter and the bitmap as it goes (so the walk is clean for the next row).
    #[inline]
    pub(super) fn drain(&mut self, mut visit: impl FnMut(u32, u32)) {
        for si in 0..self.summary.len() {
            let mut sw = std::mem::take(&mut self.summary[si]);
            while sw != 0 {
                let w = (si << 6) | sw.trailing_zeros() as usize;
                sw &= sw - 1;
                let mut bw = std::mem::take(&mut self.bits[w]);
                while bw != 0 {
                    let q = (w << 6) | bw.trailing_zeros() as usize;
                    bw &= bw - 1;
                    visit(q as u32, std::mem::take(&mut self.count[q]));
                }
            }
        }
    }
}

/// One partner's state in the customer pass, packed so that a pair (p, q) touches one
/// cache line of q: its size and type (read) and its max jaccard so far (written only
/// when the pair raises it).
#[repr(C, align(16))]
struct Cell {
    /// f64 bits of the partner's max jaccard so far. Jaccards are >= 0 and non-negative
    /// f64s order like their bits, so `fetch_max` on the bits is a max on the values.
    max_bits: AtomicU64,
    size: u32,
    code: u32,
}

/// The symmetric per-partner columns of the customer pass, shared by all threads: each
/// pair q > p updates both partners with an atomic max and an atomic integer add, which
/// give the same result in any order (so the thread count cannot change a bit), and one
/// copy serves every thread.
pub(super) struct Columns {
    threshold: f64,
    cells: Vec<Cell>,
    /// Partners with jaccard >= threshold.
    over: Vec<AtomicU32>,
}

impl Columns {
    pub(super) fn new(inc: &Incidence, threshold: f64, types: &PartnerTypes) -> Columns {
        let n = inc.partners();
        Columns {
            threshold,
            cells: (0..n)
                .map(|p| Cell {
                    max_bits: AtomicU64::new(0),
                    size: inc.size(p),
                    code: types.code(p),
                })
                .collect(),
            over: (0..n).map(|_| AtomicU32::new(0)).collect(),
        }
    }

    /// Raises partner p's max to j (a load, and a write only when it raises it).
    #[inline]
    fn raise(&self, p: usize, j: f64) {
        let m = &self.cells[p].max_bits;
        if j > f64::from_bits(m.load(Relaxed)) {
            m.fetch_max(j.to_bits(), Relaxed);
        }
    }

    pub(super) fn into_columns(self) -> (Vec<f64>, Vec<u32>) {
        let max = self
            .cells
            .into_iter()
            .map(|c| f64::from_bits(c.max_bits.into_inner()))
            .collect();
        (
            max,
            self.over.into_iter().map(AtomicU32::into_inner).collect(),
        )
    }
}

/// Per-thread by-type sums of the customer pass, merged across threads by integer sums
/// (exact, so the merge order cannot change a bit).
pub(super) struct TypeSums {
    /// (type_a <= type_b) -> (pairs, shared).
    pub(super) cells: BTreeMap<(u32, u32), (u64, u64)>,
    /// The current row's sums per type of q, and the types it touched.
    pairs: Vec<u64>,
    shared: Vec<u64>,
    touched: Vec<u32>,
}

impl TypeSums {
    pub(super) fn new(types: usize) -> TypeSums {
        TypeSums {
            cells: BTreeMap::new(),
            pairs: vec![0; types],
            shared: vec![0; types],
            touched: Vec::new(),
        }
    }

    /// Pair (p, q), q > p, with q of type tq.
    #[inline]
    fn pair(&mut self, shared: u32, tq: u32) {
        let t = tq as usize;
        if self.pairs[t] == 0 {
            self.touched.push(tq);
        }
        self.pairs[t] += 1;
        self.shared[t] += u64::from(shared);
    }

    /// Closes row p (of type tp): adds its sums to the (tp, t) cells.
    fn end_row(&mut self, tp: u32) {
        for &t in &self.touched {
            let e = self.cells.entry((tp.min(t), tp.max(t))).or_default();
            e.0 += self.pairs[t as usize];
            e.1 += self.shared[t as usize];
            self.pairs[t as usize] = 0;
            self.shared[t as usize] = 0;
        }
        self.touched.clear();
    }
}

/// Per-thread scratch, reused across rows, blocks and windows (taken from a pool).
pub(super) struct Scratch {
    pub(super) walk: Walk,
    pub(super) types: Option<TypeSums>,
    /// The current row's top-K candidates.
    pub(super) keys: Vec<Candidate>,
}

/// What the streamed pair output keeps without a top-K bound (which keeps its lists
/// instead, see `topk`): the pairs at or above `--overlap-min-jaccard`, or all.
pub(super) struct Filter {
    pub(super) min_jaccard: Option<f64>,
}

impl Filter {
    #[inline]
    fn keep(&self, j: f64) -> bool {
        !self.min_jaccard.is_some_and(|m| j < m)
    }

    fn keeps_all(&self) -> bool {
        self.min_jaccard.is_none()
    }
}

/// What one pass computes besides the pairs.
pub(super) struct Tasks<'a> {
    /// Full rows (all q != p) instead of half rows (q > p).
    pub(super) full: bool,
    /// Per-partner max jaccard and count >= threshold, from the pairs q > p applied to
    /// both partners, and the by-type sums (the customer pass).
    pub(super) stats: Option<&'a Columns>,
    /// Keep each partner's top K (full rows only), of the pairs at or above this
    /// `--overlap-min-jaccard`.
    pub(super) top: Option<(u32, Option<f64>)>,
    /// Emit pairs through this filter.
    pub(super) emit: Option<Filter>,
}

pub(super) struct BlockOut {
    pub(super) pairs: SharedBlock,
    /// Pairs q > p with shared >= 1, before any bound.
    pub(super) total: u64,
    /// The block's partners' top-K lists, as (partner_a < partner_b, shared).
    pub(super) top: Vec<(u32, u32, u32)>,
}

pub(super) fn compute_block(
    inc: &Incidence,
    rows: Range<usize>,
    tasks: &Tasks,
    s: &mut Scratch,
    mut pairs: SharedBlock,
) -> BlockOut {
    pairs.clear();
    let mut total = 0u64;
    let mut top = Vec::new();
    // The hot path of an unbounded pair pass: no jaccard is needed.
    let plain = !tasks.full
        && tasks.stats.is_none()
        && tasks.top.is_none()
        && tasks.emit.as_ref().is_some_and(Filter::keeps_all);
    for p in rows {
        s.walk.accumulate(inc, p, tasks.full);
        let pu = p as u32;
        if plain {
            let before = pairs.len();
            s.walk.drain(|q, shared| pairs.push(q, shared));
            total += (pairs.len() - before) as u64;
            pairs.end_row(pu);
            continue;
        }
        let sp = inc.size(p);
        let (mut p_max, mut p_over) = (0.0f64, 0u32);
        let want_top = tasks.top;
        s.keys.clear();
        let (keys, types) = (&mut s.keys, &mut s.types);
        s.walk.drain(|q, shared| {
            let qi = q as usize;
            let sq = match tasks.stats {
                Some(cols) => cols.cells[qi].size,
                None => inc.size(qi),
            };
            let j = jaccard(shared, sp, sq);
            if let Some((_, min)) = want_top
                && !min.is_some_and(|m| j < m)
            {
                keys.push((j, q, shared));
            }
            if q <= pu {
                return;
            }
            total += 1;
            if let (Some(cols), Some(ts)) = (tasks.stats, types.as_mut()) {
                cols.raise(qi, j);
                p_max = p_max.max(j);
                if j >= cols.threshold {
                    cols.over[qi].fetch_add(1, Relaxed);
                    p_over += 1;
                }
                ts.pair(shared, cols.cells[qi].code);
            }
            if let Some(f) = &tasks.emit
                && f.keep(j)
            {
                pairs.push(q, shared);
            }
        });
        pairs.end_row(pu);
        if let (Some(cols), Some(ts)) = (tasks.stats, s.types.as_mut()) {
            cols.raise(p, p_max);
            cols.over[p].fetch_add(p_over, Relaxed);
            ts.end_row(cols.cells[p].code);
        }
        if let Some((k, _)) = tasks.top {
            for &(_, q, shared) in topk::top(&mut s.keys, k) {
                top.push((pu.min(q), pu.max(q), shared));
            }
        }
    }
    BlockOut { pairs, total, top }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_lists_touched_partners_in_order_and_resets() {
        // 9000 partners: the touched ones span several bitmap words and summary bits.
        let n = 9000;
        let mut w = Walk::new(n);
        let touched = [8999usize, 1, 4096, 64, 63, 4095, 1];
        for &q in &touched {
            w.count[q] += 1;
            w.bits[q >> 6] |= 1 << (q & 63);
            w.summary[q >> 12] |= 1 << ((q >> 6) & 63);
        }
        let mut seen = Vec::new();
        w.drain(|q, s| seen.push((q, s)));
        assert_eq!(
            seen,
            vec![(1, 2), (63, 1), (64, 1), (4095, 1), (4096, 1), (8999, 1)]
        );
        assert!(w.count.iter().all(|&c| c == 0));
        assert!(w.bits.iter().chain(&w.summary).all(|&b| b == 0));
    }
}
