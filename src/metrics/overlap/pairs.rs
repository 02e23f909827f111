//! `overlap_pairs`: the sparse product `S = A · Aᵀ` of a partner x item incidence `A`
//! (items are customers or products), by blocks of partner rows, streamed.
//!
//! Formula: for partners p < q, shared = S[p, q] = |items(p) ∩ items(q)|, size = |items|,
//! jaccard = shared / (size_p + size_q - shared), overlap_coefficient = shared /
//! min(size_p, size_q), cosine = shared / sqrt(size_p · size_q) (contract §3). Source:
//! Gustavson's row-by-row sparse product (F. G. Gustavson, "Two fast algorithms for
//! sparse matrices: multiplication and permuted transposition", ACM TOMS 4(3), 1978),
//! the kernel behind SciPy's `A @ A.T`, with a dense counter per thread.
//!
//! How: `Aᵀ` (item -> partners, rows ascending, `u32` offsets) is built once by a
//! counting sort, keeping only items reached by at least two partners (an item with one
//! partner is in no pair). Row p of S is accumulated over the upper triangle only
//! (partners q > p: each item's partner list is sorted, so the q > p part is a suffix
//! found by binary search) into a dense `u32` counter, while a two-level bitmap marks
//! the partners touched. Walking the bitmap lists them in ascending order without a
//! sort, and resets the counter and bitmap on the way. The per-partner columns are
//! symmetric (max jaccard, count above the threshold), so each pair (p, q) updates both
//! p and q in per-thread arrays, merged at the end by max and integer sum (exact, so the
//! merge order cannot change a bit). Only `--overlap-top-k` needs full rows (q ≠ p):
//! its thresholds rank every partner's whole row.
//!
//! Partners are cut into blocks of fixed estimated work (Σ over the block of
//! Σ_{c ∈ items(p)} |partners(c)|, capped in partners), a function of the input alone.
//! A window of one block per thread is computed in parallel (order-preserving collect)
//! and handed to the sink in block order, which writes it while the next window is
//! computed. A block stores (partner_b, shared) per pair and partner_a once per row;
//! its buffers, like the counters, come from pools and are reused.
//!
//! Complexity: time Σ_c |partners(c)|² / 2 counter steps (each item contributes its
//! partner pairs once) plus O(n / 4096) bitmap words per row; top-k doubles the steps.
//! Memory: the transpose (at most the incidence's links, `u32`), per thread one counter
//! of n `u32`, a bitmap of n bits and, in the customer pass, n (f64, u32) for the
//! per-partner columns; and two windows of blocks (one being written, one computed) of 8
//! bytes a pair: a block holds at most `Blocking::work` pairs, or one partner's row when
//! that row alone is larger (at most n - 1 pairs).
//!
//! A customer reached by thousands of partners therefore costs time (k partners on one
//! customer are k² / 2 counter steps, and each of them gets a long row) but never memory
//! beyond the window: its pairs are never listed at once, each partner's row is a slice
//! of a dense counter, and the blocking puts heavy rows in small blocks. The output
//! bounds (`--overlap-min-jaccard`, `--overlap-top-k`) shrink the file and the blocks
//! handed to the writer, not the Σ k² work (every pair must be counted to know its
//! jaccard); top-k adds a full-row pass and n thresholds of memory (see `topk`).
//!
//! For a partner manager: which partners chase the same accounts (customer dimension)
//! and which carry the same products (product dimension), and how strongly.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Mutex;

use rayon::prelude::*;

use super::by_type::PartnerTypes;
use super::topk::{self, Threshold};
use super::{jaccard, Dimension, OverlapParams, PairSink, SharedBlock, Sizes};
use crate::build::Csr;
use crate::error::{Error, Result};

/// item -> the partners reaching it, rows ascending; only items reached by at least two
/// partners have a non-empty row.
#[derive(Debug, Clone, Default)]
pub struct Transpose {
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

impl Transpose {
    #[inline]
    pub fn row(&self, c: usize) -> &[u32] {
        &self.targets[self.offsets[c] as usize..self.offsets[c + 1] as usize]
    }

    /// Heap bytes held (for the benchmarks).
    pub fn bytes(&self) -> usize {
        4 * (self.offsets.len() + self.targets.len())
    }
}

/// A partner x item incidence and its (pruned) transpose.
#[derive(Debug, Clone)]
pub struct Incidence<'a> {
    /// partner -> items, rows ascending.
    pub rows: &'a Csr,
    /// item -> partners for items shared by >= 2 partners (see [`Incidence::partners_of`]).
    t: Transpose,
}

impl<'a> Incidence<'a> {
    /// Builds the pruned transpose by a counting sort over ranges of items: each range
    /// is one task that scans the whole incidence and keeps the links into its range, so
    /// its counters and the slice of the transpose it fills stay in cache (a plain
    /// counting sort scatters over the whole transpose) and no two tasks write the same
    /// place; partners are scanned in ascending order, so every item row comes out
    /// sorted whatever the thread count. O(nnz · ranges + items) time (the scans are
    /// sequential reads), 4 · (items + 1 + links to shared items) bytes. Errors when those
    /// links do not fit `u32` offsets (over 4.29 billion).
    pub fn new(rows: &'a Csr, items: usize) -> Result<Incidence<'a>> {
        Self::with_range(rows, items, 1 << 17)
    }

    /// [`Incidence::new`] with items ranges of `range` items (tests use tiny ones).
    fn with_range(rows: &'a Csr, items: usize, range: usize) -> Result<Incidence<'a>> {
        let range = range.max(1);
        let items = rows
            .targets
            .iter()
            .map(|&c| c as usize + 1)
            .max()
            .unwrap_or(0)
            .max(items);
        let ranges: Vec<Range<usize>> = (0..items)
            .step_by(range)
            .map(|lo| lo..(lo + range).min(items))
            .collect();
        let in_range = |r: &Range<usize>| {
            let (lo, len) = (r.start as u32, r.len() as u32);
            move |c: u32| {
                let i = c.wrapping_sub(lo);
                (i < len).then_some(i as usize)
            }
        };
        // degree[c + 1] = partners reaching c.
        let mut degree = vec![0u32; items + 1];
        degree[1..]
            .par_chunks_mut(range)
            .zip(&ranges)
            .for_each(|(d, r)| {
                let local = in_range(r);
                for &c in &rows.targets {
                    if let Some(i) = local(c) {
                        d[i] = d[i].saturating_add(1);
                    }
                }
            });
        // Prefix sums over shared items only (degree >= 2), in u64 to detect overflow.
        let mut total = 0u64;
        for d in degree.iter_mut().skip(1) {
            if *d >= 2 {
                total += u64::from(*d);
            }
            *d = u32::try_from(total).map_err(|_| {
                Error::Parameter(format!(
                    "overlap: more than {} partner-item links on shared items",
                    u32::MAX
                ))
            })?;
        }
        let offsets = degree;
        let mut targets = vec![0u32; total as usize];
        let mut parts = Vec::with_capacity(ranges.len());
        let mut rest = targets.as_mut_slice();
        for r in &ranges {
            let (part, tail) = rest.split_at_mut((offsets[r.end] - offsets[r.start]) as usize);
            parts.push(part);
            rest = tail;
        }
        parts.into_par_iter().zip(&ranges).for_each(|(part, r)| {
            let base = offsets[r.start];
            let local = in_range(r);
            let mut fill: Vec<u32> = offsets[r.clone()].iter().map(|&o| o - base).collect();
            for p in 0..rows.rows() {
                for &c in rows.row(p) {
                    if let Some(i) = local(c) {
                        let c = c as usize;
                        if offsets[c + 1] > offsets[c] {
                            part[fill[i] as usize] = p as u32;
                            fill[i] += 1;
                        }
                    }
                }
            }
        });
        Ok(Incidence {
            rows,
            t: Transpose { offsets, targets },
        })
    }

    pub fn partners(&self) -> usize {
        self.rows.rows()
    }

    pub fn size(&self, p: usize) -> u32 {
        self.rows.degree(p) as u32
    }

    pub fn sizes(&self) -> Sizes<'a> {
        Sizes(self.rows)
    }

    /// The partners reaching item c, ascending, when at least two do; empty when only
    /// one partner reaches it (so an item of a partner's row with an empty list is
    /// reached by that partner alone).
    #[inline]
    pub fn partners_of(&self, c: usize) -> &[u32] {
        self.t.row(c)
    }

    /// Heap bytes of the transpose (for the benchmarks).
    pub fn transpose_bytes(&self) -> usize {
        self.t.bytes()
    }

    /// Upper bound of the work (counter increments) of p's full row.
    fn work(&self, p: usize) -> usize {
        self.rows
            .row(p)
            .iter()
            .map(|&c| self.t.row(c as usize).len())
            .sum()
    }
}

/// Block and window sizes of the streamed product. Output never depends on them (tests
/// vary them), only memory and parallel grain do.
#[derive(Debug, Clone, Copy)]
pub struct Blocking {
    /// Estimated work (full-row counter increments) per block; a block holds at most
    /// that many pairs (fewer: only q > p is listed), unless one row alone is larger.
    pub work: usize,
    /// At most this many partners per block.
    pub max_partners: usize,
    /// Blocks computed in parallel before they are handed to the sink; 0 = one per
    /// thread of the current rayon pool.
    pub window: usize,
}

impl Default for Blocking {
    fn default() -> Self {
        Blocking {
            work: 1 << 17,
            max_partners: 4096,
            window: 0,
        }
    }
}

impl Blocking {
    /// Cuts partners 0..n into consecutive blocks of bounded estimated work.
    pub fn blocks(&self, inc: &Incidence) -> Vec<Range<usize>> {
        let n = inc.partners();
        let works: Vec<usize> = (0..n).into_par_iter().map(|p| inc.work(p)).collect();
        let mut out = Vec::new();
        let (mut start, mut work) = (0, 0usize);
        for (p, &w) in works.iter().enumerate() {
            if p > start && (work + w > self.work || p - start >= self.max_partners) {
                out.push(start..p);
                start = p;
                work = 0;
            }
            work += w;
        }
        if start < n {
            out.push(start..n);
        }
        out
    }

    fn window_len(&self) -> usize {
        match self.window {
            0 => rayon::current_num_threads().max(1),
            w => w,
        }
    }
}

/// A dense counter over partners with a two-level bitmap of the touched ones.
struct Walk {
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
    fn new(n: usize) -> Walk {
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
    fn accumulate(&mut self, inc: &Incidence, p: usize, full: bool) {
        let spans = &mut self.spans;
        spans.clear();
        let t = &inc.t;
        for &c in inc.rows.row(p) {
            let (s, e) = (t.offsets[c as usize], t.offsets[c as usize + 1]);
            if e > s {
                spans.push((s, e));
            }
        }
        let (count, bits, summary) = (&mut self.count, &mut self.bits, &mut self.summary);
        for &(s, e) in spans.iter() {
            let ps = &t.targets[s as usize..e as usize];
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
    fn drain(&mut self, mut visit: impl FnMut(u32, u32)) {
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

/// Per-thread results of the customer pass's pairs: symmetric per-partner columns and
/// by-type sums. Merged across threads by max and integer sums, which are exact.
struct Stats {
    max_j: Vec<f64>,
    over: Vec<u32>,
    /// (type_a <= type_b) -> (pairs, shared).
    types: BTreeMap<(u32, u32), (u64, u64)>,
    type_pairs: Vec<u64>,
    type_shared: Vec<u64>,
    type_touched: Vec<u32>,
}

impl Stats {
    fn new(n: usize, types: usize) -> Stats {
        Stats {
            max_j: vec![0.0; n],
            over: vec![0; n],
            types: BTreeMap::new(),
            type_pairs: vec![0; types],
            type_shared: vec![0; types],
            type_touched: Vec::new(),
        }
    }

    /// Pair (p, q), q > p, of jaccard j.
    #[inline]
    fn pair(&mut self, q: usize, shared: u32, j: f64, hit: u32, tq: u32) {
        if j > self.max_j[q] {
            self.max_j[q] = j;
        }
        self.over[q] += hit;
        let t = tq as usize;
        if self.type_pairs[t] == 0 {
            self.type_touched.push(tq);
        }
        self.type_pairs[t] += 1;
        self.type_shared[t] += u64::from(shared);
    }

    /// Closes row p: its own max / count, and its type cells.
    fn end_row(&mut self, p: usize, max_j: f64, over: u32, tp: u32) {
        if max_j > self.max_j[p] {
            self.max_j[p] = max_j;
        }
        self.over[p] += over;
        for &t in &self.type_touched {
            let e = self.types.entry((tp.min(t), tp.max(t))).or_default();
            e.0 += self.type_pairs[t as usize];
            e.1 += self.type_shared[t as usize];
            self.type_pairs[t as usize] = 0;
            self.type_shared[t as usize] = 0;
        }
        self.type_touched.clear();
    }
}

/// Per-thread scratch, reused across rows, blocks and windows (taken from a pool).
struct Scratch {
    walk: Walk,
    stats: Option<Stats>,
    keys: Vec<(f64, u32)>,
}

/// What the pair output keeps (contract §3/§4 bounds).
struct Filter<'a> {
    min_jaccard: Option<f64>,
    /// Per partner its top-K threshold, when `--overlap-top-k` is set.
    kth: Option<&'a [Threshold]>,
}

impl Filter<'_> {
    #[inline]
    fn keep(&self, p: u32, q: u32, j: f64) -> bool {
        if self.min_jaccard.is_some_and(|m| j < m) {
            return false;
        }
        match self.kth {
            None => true,
            Some(kth) => topk::in_top(kth[p as usize], j, q) || topk::in_top(kth[q as usize], j, p),
        }
    }

    fn keeps_all(&self) -> bool {
        self.min_jaccard.is_none() && self.kth.is_none()
    }
}

/// What one pass computes besides the pairs.
struct Tasks<'a> {
    /// Full rows (all q != p) instead of half rows (q > p).
    full: bool,
    /// Per-partner max jaccard, count >= threshold and by-type sums, from the pairs
    /// q > p applied to both partners.
    stats: Option<(f64, &'a PartnerTypes)>,
    /// Compute each partner's top-K threshold (full rows only).
    kth: Option<u32>,
    /// Emit pairs through this filter.
    emit: Option<Filter<'a>>,
}

struct BlockOut {
    pairs: SharedBlock,
    /// Pairs q > p with shared >= 1, before any bound.
    total: u64,
    kth: Vec<Threshold>,
}

fn compute_block(
    inc: &Incidence,
    rows: Range<usize>,
    tasks: &Tasks,
    s: &mut Scratch,
    mut pairs: SharedBlock,
) -> BlockOut {
    pairs.clear();
    let mut total = 0u64;
    let mut kth = Vec::new();
    // The hot path of an unbounded pair pass: no jaccard is needed.
    let plain = !tasks.full
        && tasks.stats.is_none()
        && tasks.kth.is_none()
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
        let want_kth = tasks.kth.is_some();
        s.keys.clear();
        let (keys, stats) = (&mut s.keys, &mut s.stats);
        s.walk.drain(|q, shared| {
            let j = jaccard(shared, sp, inc.size(q as usize));
            if want_kth {
                keys.push((j, q));
            }
            if q <= pu {
                return;
            }
            total += 1;
            if let (Some((threshold, pt)), Some(st)) = (tasks.stats, stats.as_mut()) {
                let hit = u32::from(j >= threshold);
                p_max = p_max.max(j);
                p_over += hit;
                st.pair(q as usize, shared, j, hit, pt.code(q as usize));
            }
            if let Some(f) = &tasks.emit {
                if f.keep(pu, q, j) {
                    pairs.push(q, shared);
                }
            }
        });
        pairs.end_row(pu);
        if let (Some((_, pt)), Some(st)) = (tasks.stats, s.stats.as_mut()) {
            st.end_row(p, p_max, p_over, pt.code(p));
        }
        if let Some(k) = tasks.kth {
            kth.push(topk::kth_key(&mut s.keys, k));
        }
    }
    BlockOut { pairs, total, kth }
}

/// Results of one pass, concatenated in partner order / merged.
#[derive(Default)]
struct PassOut {
    total: u64,
    written: u64,
    max_j: Vec<f64>,
    over: Vec<u32>,
    kth: Vec<Threshold>,
    types: BTreeMap<(u32, u32), (u64, u64)>,
}

fn pass(
    inc: &Incidence,
    dim: Dimension,
    tasks: &Tasks,
    types: usize,
    sink: &mut dyn PairSink,
    blocking: &Blocking,
) -> Result<PassOut> {
    let n = inc.partners();
    let blocks = blocking.blocks(inc);
    let sizes = inc.sizes();
    // Pools: a scratch per concurrently running block (at most one per thread), and the
    // pair buffers of two windows; both come back clean (the walk resets itself, buffers
    // are cleared on reuse), so which task gets which never shows in the output.
    let scratches: Mutex<Vec<Scratch>> = Mutex::new(Vec::new());
    let buffers: Mutex<Vec<SharedBlock>> = Mutex::new(Vec::new());
    let take_scratch = || {
        let pooled = scratches.lock().ok().and_then(|mut v| v.pop());
        pooled.unwrap_or_else(|| Scratch {
            walk: Walk::new(n),
            stats: tasks.stats.map(|_| Stats::new(n, types)),
            keys: Vec::new(),
        })
    };
    let compute = |window: &[Range<usize>]| -> Vec<BlockOut> {
        window
            .par_iter()
            .map(|r| {
                let mut s = take_scratch();
                let buf = buffers
                    .lock()
                    .ok()
                    .and_then(|mut v| v.pop())
                    .unwrap_or_default();
                let out = compute_block(inc, r.clone(), tasks, &mut s, buf);
                if let Ok(mut v) = scratches.lock() {
                    v.push(s);
                }
                out
            })
            .collect()
    };
    let recycle = |blocks: Vec<SharedBlock>| {
        if let Ok(mut v) = buffers.lock() {
            v.extend(blocks);
        }
    };
    let mut acc = PassOut::default();
    // The sink writes window k while window k + 1 is computed (so at most two windows
    // of pairs are alive); the order of writes is the block order.
    let mut pending: Option<Vec<SharedBlock>> = None;
    for window in blocks.chunks(blocking.window_len()) {
        let outs = match pending.take() {
            Some(prev) => {
                let (written, outs) = rayon::join(
                    || sink.write(dim, sizes, &prev).map(|()| prev),
                    || compute(window),
                );
                recycle(written?);
                outs
            }
            None => compute(window),
        };
        let mut pairs = Vec::with_capacity(outs.len());
        for o in outs {
            acc.total += o.total;
            acc.written += o.pairs.len() as u64;
            acc.kth.extend(o.kth);
            if o.pairs.is_empty() {
                recycle(vec![o.pairs]);
            } else {
                pairs.push(o.pairs);
            }
        }
        if tasks.emit.is_some() && !pairs.is_empty() {
            pending = Some(pairs);
        }
    }
    if let Some(prev) = pending {
        sink.write(dim, sizes, &prev)?;
    }
    if tasks.stats.is_some() {
        acc.max_j = vec![0.0; n];
        acc.over = vec![0; n];
        let scratches = scratches.into_inner().unwrap_or_default();
        for st in scratches.into_iter().filter_map(|s| s.stats) {
            for (m, x) in acc.max_j.iter_mut().zip(&st.max_j) {
                *m = m.max(*x);
            }
            for (o, x) in acc.over.iter_mut().zip(&st.over) {
                *o += x;
            }
            for (k, (np, ns)) in st.types {
                let e = acc.types.entry(k).or_default();
                e.0 += np;
                e.1 += ns;
            }
        }
    }
    Ok(acc)
}

/// Pair counts of a dimension.
#[derive(Debug, Clone, Copy, Default)]
pub struct PairCounts {
    pub pairs: u64,
    pub written: u64,
}

/// Customer pass results: the per-partner columns and the by-type sums, from the same
/// half-row pass that streams the pairs (under `--overlap-top-k` a full-row pass
/// computes them with the thresholds, and a second, half-row pass streams the pairs).
#[derive(Debug, Clone, Default)]
pub struct CustomerPass {
    pub pairs: u64,
    pub written: u64,
    pub max_jaccard: Vec<f64>,
    pub overlapping: Vec<u32>,
    pub by_type: BTreeMap<(u32, u32), (u64, u64)>,
}

pub fn customer_pass(
    inc: &Incidence,
    types: &PartnerTypes,
    params: &OverlapParams,
    sink: &mut dyn PairSink,
    blocking: &Blocking,
) -> Result<CustomerPass> {
    let stats = Some((params.threshold, types));
    let nt = types.len();
    let first = pass(
        inc,
        Dimension::Customer,
        &Tasks {
            full: params.top_k.is_some(),
            stats,
            kth: params.top_k,
            emit: params.top_k.is_none().then_some(Filter {
                min_jaccard: params.min_jaccard,
                kth: None,
            }),
        },
        nt,
        sink,
        blocking,
    )?;
    let (pairs, written) = match params.top_k {
        None => (first.total, first.written),
        Some(_) => {
            let second = emit_pass(inc, Dimension::Customer, params, &first.kth, sink, blocking)?;
            (second.total, second.written)
        }
    };
    Ok(CustomerPass {
        pairs,
        written,
        max_jaccard: first.max_j,
        overlapping: first.over,
        by_type: first.types,
    })
}

fn emit_pass(
    inc: &Incidence,
    dim: Dimension,
    params: &OverlapParams,
    kth: &[Threshold],
    sink: &mut dyn PairSink,
    blocking: &Blocking,
) -> Result<PassOut> {
    pass(
        inc,
        dim,
        &Tasks {
            full: false,
            stats: None,
            kth: None,
            emit: Some(Filter {
                min_jaccard: params.min_jaccard,
                kth: params.top_k.map(|_| kth),
            }),
        },
        0,
        sink,
        blocking,
    )
}

/// Streams the pairs of one dimension (no per-partner columns): one half-row pass, or
/// with `--overlap-top-k` a full-row threshold pass first.
pub fn pair_pass(
    inc: &Incidence,
    dim: Dimension,
    params: &OverlapParams,
    sink: &mut dyn PairSink,
    blocking: &Blocking,
) -> Result<PairCounts> {
    let kth = match params.top_k {
        None => Vec::new(),
        Some(k) => {
            pass(
                inc,
                dim,
                &Tasks {
                    full: true,
                    stats: None,
                    kth: Some(k),
                    emit: None,
                },
                0,
                sink,
                blocking,
            )?
            .kth
        }
    };
    let out = emit_pass(inc, dim, params, &kth, sink, blocking)?;
    Ok(PairCounts {
        pairs: out.total,
        written: out.written,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::overlap::{CollectSink, PairBlock};

    fn incidence(rows: &[&[u32]]) -> Csr {
        let keys: Vec<u64> = rows
            .iter()
            .enumerate()
            .flat_map(|(p, r)| r.iter().map(move |&c| ((p as u64) << 32) | u64::from(c)))
            .collect();
        Csr::from_sorted_keys(rows.len(), &keys)
    }

    #[test]
    fn transpose_keeps_shared_items_sorted() {
        let a = incidence(&[&[0, 2], &[2], &[], &[0, 1, 2]]);
        let inc = Incidence::new(&a, 4).unwrap();
        assert_eq!(inc.partners_of(0), &[0, 3]);
        // Item 1 is reached by partner 3 alone, item 3 by nobody: no pair, empty rows.
        assert!(inc.partners_of(1).is_empty() && inc.partners_of(3).is_empty());
        assert_eq!(inc.partners_of(2), &[0, 1, 3]);
        assert_eq!(inc.transpose_bytes(), 4 * (5 + 5));
    }

    #[test]
    fn transpose_is_the_same_for_any_item_range() {
        let a = incidence(&[&[0, 2, 5], &[2, 3], &[], &[0, 1, 2, 5], &[1, 5], &[4]]);
        let whole = Incidence::new(&a, 7).unwrap();
        for range in 1..8 {
            let inc = Incidence::with_range(&a, 7, range).unwrap();
            assert_eq!(inc.t.offsets, whole.t.offsets, "range {range}");
            assert_eq!(inc.t.targets, whole.t.targets, "range {range}");
        }
        assert_eq!(whole.partners_of(5), &[0, 3, 4]);
        assert!(whole.partners_of(3).is_empty() && whole.partners_of(6).is_empty());
    }

    #[test]
    fn blocks_cover_partners_in_order() {
        let a = incidence(&[&[0, 2], &[2], &[], &[0, 1, 2], &[1]]);
        let inc = Incidence::new(&a, 3).unwrap();
        let b = Blocking {
            work: 3,
            max_partners: 2,
            window: 1,
        };
        let blocks = b.blocks(&inc);
        assert_eq!(blocks.first().map(|r| r.start), Some(0));
        assert_eq!(blocks.last().map(|r| r.end), Some(5));
        assert!(blocks.windows(2).all(|w| w[0].end == w[1].start));
        assert!(blocks.iter().all(|r| r.len() <= 2 && !r.is_empty()));
    }

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

    #[test]
    fn small_product() {
        // p0 {0, 2}, p1 {2}, p2 {}, p3 {0, 1, 2}
        let a = incidence(&[&[0, 2], &[2], &[], &[0, 1, 2]]);
        let inc = Incidence::new(&a, 3).unwrap();
        let mut sink = CollectSink::default();
        let c = pair_pass(
            &inc,
            Dimension::Customer,
            &OverlapParams::default(),
            &mut sink,
            &Blocking::default(),
        )
        .unwrap();
        assert_eq!(c.pairs, 3);
        let b: &PairBlock = &sink.blocks[0].1;
        assert_eq!((b.a.clone(), b.b.clone()), (vec![0, 0, 1], vec![1, 3, 3]));
        assert_eq!(b.shared, vec![1, 2, 1]);
        assert_eq!(
            (b.size_a.clone(), b.size_b.clone()),
            (vec![2, 2, 1], vec![1, 3, 3])
        );
        assert_eq!(b.jaccard, vec![0.5, 2.0 / 3.0, 1.0 / 3.0]);
        assert_eq!(b.overlap, vec![1.0, 1.0, 1.0]);
    }
}
