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
//! How: `Aᵀ` (item -> partners, rows ascending) is built once by a counting sort,
//! keeping only items reached by at least two partners (an item with one partner is in
//! no pair) and, unless full rows are needed, leaving out each item's lowest partner
//! (see [`super::transpose`]). Row p of S is accumulated over the upper triangle only
//! (partners q > p: each item's partner list is sorted, so the q > p part is a suffix
//! found by binary search) into a dense `u32` counter, while a two-level bitmap marks
//! the partners touched. Walking the bitmap lists them in ascending order without a
//! sort, and resets the counter and bitmap on the way. The per-partner columns are
//! symmetric (max jaccard, count above the threshold), so each pair (p, q) updates both
//! p and q in one shared array, by atomic max and atomic integer adds (the same result
//! in any order, so the thread count cannot change a bit). Only `--overlap-top-k` (on by
//! default) needs full rows (q ≠ p): it ranks every partner's whole row.
//!
//! Each dimension is planned before it is written ([`customer_pass`], [`plan_pairs`]:
//! the pair count and the rows the bounds keep), then written by [`write_pairs`].
//! Under `--overlap-top-k` the plan's full-row pass keeps every partner's top-K list,
//! whose union is exactly the rows (see `topk`): they are counted and later written
//! from the plan, with no other pass. Without it, the rows the bounds keep are counted
//! by the writing pass's own filter into a sink that only counts, and written by that
//! pass again into the writer.
//!
//! Partners are cut into blocks of fixed estimated work (Σ over the block of
//! Σ_{c ∈ items(p)} |partners(c)|, capped in partners), a function of the input alone.
//! A window of one block per thread is computed in parallel (order-preserving collect)
//! and handed to the sink in block order, which writes it while the next window is
//! computed. A block stores (partner_b, shared) per pair and partner_a once per row;
//! its buffers, like the counters, come from pools and are reused.
//!
//! Complexity: time Σ_c |partners(c)|² / 2 counter steps per half-row pass (each item
//! contributes its partner pairs once) plus O(n / 4096) bitmap words per row. Every
//! dimension costs two half passes' steps: top-K one full-row pass (the customer
//! columns on the way) and the sort of at most n K kept rows; otherwise a counting (or
//! customer-column) pass, then the writing pass.
//! Memory: the transpose (fewer `u32` than the incidence's links, see
//! [`super::transpose`]), per thread one counter of n `u32` and a bitmap of n bits, in
//! the customer pass 20 bytes a partner for the per-partner columns, size and type; and
//! two windows of blocks (one being written, one computed) of 8 bytes a pair: a block
//! holds at most `Blocking::work` pairs, or one partner's row when that row alone is
//! larger (at most n - 1 pairs). On the generated 100k network the pairs pass peaks at
//! less than the input plus the largest block (BENCHMARKS.md).
//!
//! A customer reached by thousands of partners therefore costs time (k partners on one
//! customer are k² / 2 counter steps, and each of them gets a long row) but never memory
//! beyond the window: its pairs are never listed at once, each partner's row is a slice
//! of a dense counter, and the blocking puts heavy rows in small blocks. The output
//! bounds (`--overlap-min-jaccard`, `--overlap-top-k`) shrink the file and the blocks
//! handed to the writer, not the Σ k² work (every pair must be counted to know its
//! jaccard); top-k keeps at most n K rows of 12 bytes (see `topk`).
//!
//! For a partner manager: which partners chase the same accounts (customer dimension)
//! and which carry the same products (product dimension), and how strongly.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

use rayon::prelude::*;

use super::by_type::PartnerTypes;
use super::topk::{self, Candidate, KeptPairs};
use super::transpose::Transpose;
use super::{jaccard, Dimension, NullSink, OverlapParams, PairSink, SharedBlock, Sizes};
use crate::build::Csr;
use crate::error::{Error, Result};
use crate::progress::Meter;

/// A partner x item incidence and its pruned transpose.
#[derive(Debug, Clone)]
pub struct Incidence<'a> {
    /// partner -> items, rows ascending.
    pub rows: &'a Csr,
    /// item -> partners for items shared by >= 2 partners, without the head unless the
    /// passes need full rows.
    t: Transpose,
}

impl<'a> Incidence<'a> {
    /// The incidence the passes of `params` need: the transpose without heads, unless
    /// `--overlap-top-k` asks for full rows (see [`Transpose`]). Errors when the
    /// transpose does not fit `u32` offsets.
    pub fn new(rows: &'a Csr, items: usize, params: &OverlapParams) -> Result<Incidence<'a>> {
        Ok(Incidence {
            rows,
            t: Transpose::new(rows, items, params.top_k.is_some())?,
        })
    }

    /// Number of partners (rows of the incidence).
    pub(crate) fn partners(&self) -> usize {
        self.rows.rows()
    }

    /// Items of partner `p`.
    pub(crate) fn size(&self, p: usize) -> u32 {
        self.rows.degree(p) as u32
    }

    /// Items of every partner, for the sink's similarity columns.
    pub(crate) fn sizes(&self) -> Sizes<'a> {
        Sizes(self.rows)
    }

    /// Whether at least two partners reach item c (so an item of p's row that is not
    /// shared is reached by p alone).
    #[inline]
    pub fn shared(&self, c: usize) -> bool {
        self.t.shared(c)
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

/// Block and window sizes of the streamed product. The pairs and their order never
/// depend on them (tests vary them); memory and parallel grain do, and so do the
/// Parquet page boundaries (a block becomes one batch), which is why the default blocks
/// are a function of the input alone, never of the thread count.
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
struct Columns {
    threshold: f64,
    cells: Vec<Cell>,
    /// Partners with jaccard >= threshold.
    over: Vec<AtomicU32>,
}

impl Columns {
    fn new(inc: &Incidence, threshold: f64, types: &PartnerTypes) -> Columns {
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

    fn into_columns(self) -> (Vec<f64>, Vec<u32>) {
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
struct TypeSums {
    /// (type_a <= type_b) -> (pairs, shared).
    cells: BTreeMap<(u32, u32), (u64, u64)>,
    /// The current row's sums per type of q, and the types it touched.
    pairs: Vec<u64>,
    shared: Vec<u64>,
    touched: Vec<u32>,
}

impl TypeSums {
    fn new(types: usize) -> TypeSums {
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
struct Scratch {
    walk: Walk,
    types: Option<TypeSums>,
    /// The current row's top-K candidates.
    keys: Vec<Candidate>,
}

/// What the streamed pair output keeps without a top-K bound (which keeps its lists
/// instead, see `topk`): the pairs at or above `--overlap-min-jaccard`, or all.
struct Filter {
    min_jaccard: Option<f64>,
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
struct Tasks<'a> {
    /// Full rows (all q != p) instead of half rows (q > p).
    full: bool,
    /// Per-partner max jaccard and count >= threshold, from the pairs q > p applied to
    /// both partners, and the by-type sums (the customer pass).
    stats: Option<&'a Columns>,
    /// Keep each partner's top K (full rows only), of the pairs at or above this
    /// `--overlap-min-jaccard`.
    top: Option<(u32, Option<f64>)>,
    /// Emit pairs through this filter.
    emit: Option<Filter>,
}

struct BlockOut {
    pairs: SharedBlock,
    /// Pairs q > p with shared >= 1, before any bound.
    total: u64,
    /// The block's partners' top-K lists, as (partner_a < partner_b, shared).
    top: Vec<(u32, u32, u32)>,
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

/// Results of one pass, concatenated in partner order / merged.
#[derive(Default)]
struct PassOut {
    total: u64,
    written: u64,
    /// The top-K lists of every partner, in partner order.
    top: Vec<(u32, u32, u32)>,
    types: BTreeMap<(u32, u32), (u64, u64)>,
}

/// One pass over the blocks of `inc` doing `tasks`, reporting the blocks done to
/// `meter`.
fn pass(
    inc: &Incidence,
    dim: Dimension,
    tasks: &Tasks,
    types: usize,
    sink: &mut dyn PairSink,
    blocking: &Blocking,
    meter: &Meter,
) -> Result<PassOut> {
    if tasks.full && !inc.t.full() {
        return Err(Error::Parameter(
            "overlap: a full-row pass needs the transpose with heads (Incidence::new with \
             the pass's parameters)"
                .into(),
        ));
    }
    let n = inc.partners();
    let blocks = blocking.blocks(inc);
    let sizes = inc.sizes();
    meter.start(
        blocks.len() as u64,
        match dim {
            Dimension::Customer => "customer pair blocks",
            Dimension::Product => "product pair blocks",
        },
    );
    // Pools: a scratch per concurrently running block (at most one per thread), and the
    // pair buffers of two windows; both come back clean (the walk resets itself, buffers
    // are cleared on reuse), so which task gets which never shows in the output.
    let scratches: Mutex<Vec<Scratch>> = Mutex::new(Vec::new());
    let buffers: Mutex<Vec<SharedBlock>> = Mutex::new(Vec::new());
    let take_scratch = || {
        let pooled = scratches.lock().ok().and_then(|mut v| v.pop());
        pooled.unwrap_or_else(|| Scratch {
            walk: Walk::new(n),
            types: tasks.stats.map(|_| TypeSums::new(types)),
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
        meter.add(outs.len() as u64);
        let mut pairs = Vec::with_capacity(outs.len());
        for o in outs {
            acc.total += o.total;
            acc.written += o.pairs.len() as u64;
            acc.top.extend(o.top);
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
    let scratches = scratches.into_inner().unwrap_or_default();
    for ts in scratches.into_iter().filter_map(|s| s.types) {
        for (k, (np, ns)) in ts.cells {
            let e = acc.types.entry(k).or_default();
            e.0 += np;
            e.1 += ns;
        }
    }
    Ok(acc)
}

/// One dimension's pair output, planned before anything is written: how many pairs
/// there are, how many rows the bounds keep, and, under `--overlap-top-k`, the kept
/// rows themselves (the union of the partners' top-K lists, see `topk`), so writing
/// them needs no pass over the pairs. [`write_pairs`] hands exactly `rows` pairs to the
/// sink.
#[derive(Debug, Clone, Default)]
pub struct PairPlan {
    /// Partner pairs sharing at least one item, before the output bounds (the summary's
    /// `customer_pairs` / `product_pairs`).
    pub pairs: u64,
    /// Rows the writing pass keeps, after the bounds (`..._pairs_written`).
    pub rows: u64,
    /// The kept rows under `--overlap-top-k` (None without it: the pairs are streamed).
    kept: Option<KeptPairs>,
}

impl PairPlan {
    /// Whether writing needs a pass over the pairs (no top-K bound), and so the
    /// incidence; under a top-K bound the plan holds the rows.
    pub fn streams(&self) -> bool {
        self.kept.is_none()
    }
}

/// Pairs per block when the kept rows of a top-K bound are written (a block becomes one
/// batch: a constant, so the bytes depend on the input alone).
const KEPT_BLOCK: usize = 1 << 16;

/// Customer pass results: the per-partner columns and the by-type sums, computed with
/// the plan of the customer pairs (under `--overlap-top-k` by a full-row pass that also
/// keeps the top-K lists).
#[derive(Debug, Clone, Default)]
pub struct CustomerPass {
    /// The customer pairs' plan (counts and, under top-K, the kept rows).
    pub plan: PairPlan,
    /// Per partner, its highest customer jaccard (`max_customer_overlap`).
    pub max_jaccard: Vec<f64>,
    /// Per partner, how many partners have customer jaccard >= the threshold with it
    /// (`overlapping_partners`).
    pub overlapping: Vec<u32>,
    /// `(type_a, type_b)` codes of [`PartnerTypes`] -> (pairs, shared customers), the
    /// cells [`PartnerTypes::rows`] turns into `overlap_by_type` rows.
    pub by_type: BTreeMap<(u32, u32), (u64, u64)>,
}

/// The tasks' top-K part for `params`: K and the min-jaccard cut its lists apply.
fn top_task(params: &OverlapParams) -> Option<(u32, Option<f64>)> {
    params.top_k.map(|k| (k, params.min_jaccard))
}

/// The customer pass: from one pass over every customer pair, `max_customer_overlap`,
/// `overlapping_partners` (jaccard >= `params.threshold`), the by-type cells, the pair
/// count and, under `params.top_k`, the kept rows (a full-row pass); with only a
/// min-jaccard bound the rows it keeps are then counted (the writing pass's own filter
/// into a counting sink). `inc` must be the partner x customer incidence and `types`
/// the partners' types. Writes nothing.
pub fn customer_pass(
    inc: &Incidence,
    types: &PartnerTypes,
    params: &OverlapParams,
    blocking: &Blocking,
) -> Result<CustomerPass> {
    let columns = Columns::new(inc, params.threshold, types);
    let mut first = pass(
        inc,
        Dimension::Customer,
        &Tasks {
            full: params.top_k.is_some(),
            stats: Some(&columns),
            top: top_task(params),
            emit: None,
        },
        types.len(),
        &mut NullSink,
        blocking,
        &Meter::silent(),
    )?;
    let by_type = std::mem::take(&mut first.types);
    let plan = plan_rows(inc, Dimension::Customer, params, first, blocking)?;
    let (max_jaccard, overlapping) = columns.into_columns();
    Ok(CustomerPass {
        plan,
        max_jaccard,
        overlapping,
        by_type,
    })
}

/// Plans one dimension's pairs without per-partner columns (the product dimension):
/// under `--overlap-top-k` one full-row pass keeps the top-K lists, which are the rows;
/// otherwise the rows the bounds keep are counted. Writes nothing.
pub fn plan_pairs(
    inc: &Incidence,
    dim: Dimension,
    params: &OverlapParams,
    blocking: &Blocking,
) -> Result<PairPlan> {
    match top_task(params) {
        Some(top) => {
            let first = pass(
                inc,
                dim,
                &Tasks {
                    full: true,
                    stats: None,
                    top: Some(top),
                    emit: None,
                },
                0,
                &mut NullSink,
                blocking,
                &Meter::silent(),
            )?;
            plan_rows(inc, dim, params, first, blocking)
        }
        None => {
            // The writing pass's own filter into a sink that only counts.
            let out = emit_pass(inc, dim, params, &mut NullSink, blocking)?;
            Ok(PairPlan {
                pairs: out.total,
                rows: out.written,
                kept: None,
            })
        }
    }
}

/// The plan of one dimension from the pass `first` that counted its pairs: under top-K
/// its lists are the rows; without bounds the rows are the pairs; with only a
/// min-jaccard cut the writing pass runs into a sink that only counts (the same filter,
/// so the same rows), half rows only.
fn plan_rows(
    inc: &Incidence,
    dim: Dimension,
    params: &OverlapParams,
    first: PassOut,
    blocking: &Blocking,
) -> Result<PairPlan> {
    if params.top_k.is_some() {
        let kept = KeptPairs::from_lists(first.top);
        return Ok(PairPlan {
            pairs: first.total,
            rows: kept.len() as u64,
            kept: Some(kept),
        });
    }
    if !params.bounded() {
        return Ok(PairPlan {
            pairs: first.total,
            rows: first.total,
            kept: None,
        });
    }
    let out = emit_pass(inc, dim, params, &mut NullSink, blocking)?;
    Ok(PairPlan {
        pairs: out.total,
        rows: out.written,
        kept: None,
    })
}

/// Writes one dimension's pairs to `sink` as `plan` planned them, reporting the blocks
/// written to `meter` ([`Meter::silent`] for none); returns the rows written, which are
/// `plan.rows`. Under a top-K bound the plan's rows are written as they are (`inc` only
/// gives the sizes); otherwise one half-row pass streams them through the bounds.
pub fn write_pairs(
    inc: &Incidence,
    dim: Dimension,
    params: &OverlapParams,
    plan: &PairPlan,
    sink: &mut dyn PairSink,
    blocking: &Blocking,
    meter: &Meter,
) -> Result<u64> {
    if plan.kept.is_some() {
        return write_kept(plan, dim, inc.sizes(), sink, blocking, meter);
    }
    let out = pass(inc, dim, &emit_tasks(params), 0, sink, blocking, meter)?;
    debug_assert_eq!((out.total, out.written), (plan.pairs, plan.rows));
    Ok(out.written)
}

/// Writes the kept rows of a top-K plan (`sizes`: the dimension's set sizes) to `sink`
/// in blocks of 65,536 pairs, a window of blocks per call, reporting the blocks
/// to `meter`; returns the rows written (0 for a streaming plan, which this does not
/// write).
pub fn write_kept(
    plan: &PairPlan,
    dim: Dimension,
    sizes: Sizes,
    sink: &mut dyn PairSink,
    blocking: &Blocking,
    meter: &Meter,
) -> Result<u64> {
    let Some(kept) = &plan.kept else {
        return Ok(0);
    };
    meter.start(
        kept.len().div_ceil(KEPT_BLOCK) as u64,
        match dim {
            Dimension::Customer => "customer pair blocks",
            Dimension::Product => "product pair blocks",
        },
    );
    let mut window = Vec::with_capacity(blocking.window_len());
    for block in kept.blocks(KEPT_BLOCK) {
        window.push(block);
        if window.len() == blocking.window_len() {
            sink.write(dim, sizes, &window)?;
            meter.add(window.len() as u64);
            window.clear();
        }
    }
    if !window.is_empty() {
        sink.write(dim, sizes, &window)?;
        meter.add(window.len() as u64);
    }
    Ok(kept.len() as u64)
}

/// The writing pass's tasks without a top-K bound: half rows through the min-jaccard
/// filter (or none).
fn emit_tasks(params: &OverlapParams) -> Tasks<'static> {
    Tasks {
        full: false,
        stats: None,
        top: None,
        emit: Some(Filter {
            min_jaccard: params.min_jaccard,
        }),
    }
}

fn emit_pass(
    inc: &Incidence,
    dim: Dimension,
    params: &OverlapParams,
    sink: &mut dyn PairSink,
    blocking: &Blocking,
) -> Result<PassOut> {
    pass(
        inc,
        dim,
        &emit_tasks(params),
        0,
        sink,
        blocking,
        &Meter::silent(),
    )
}

/// Plans and writes one dimension's pairs (no per-partner columns): [`plan_pairs`]
/// then [`write_pairs`]. Returns the plan (its counts).
pub fn pair_pass(
    inc: &Incidence,
    dim: Dimension,
    params: &OverlapParams,
    sink: &mut dyn PairSink,
    blocking: &Blocking,
) -> Result<PairPlan> {
    let plan = plan_pairs(inc, dim, params, blocking)?;
    write_pairs(inc, dim, params, &plan, sink, blocking, &Meter::silent())?;
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::overlap::transpose::tests::incidence;
    use crate::metrics::overlap::{CollectSink, PairBlock};

    #[test]
    fn full_rows_need_the_heads() {
        let a = incidence(&[&[0], &[0]]);
        let inc = Incidence::new(&a, 1, &OverlapParams::all_pairs()).unwrap();
        let top_k = OverlapParams {
            top_k: Some(1),
            ..OverlapParams::default()
        };
        let r = pair_pass(
            &inc,
            Dimension::Customer,
            &top_k,
            &mut CollectSink::default(),
            &Blocking::default(),
        );
        assert!(matches!(r, Err(Error::Parameter(_))), "{r:?}");
    }

    #[test]
    fn blocks_cover_partners_in_order() {
        let a = incidence(&[&[0, 2], &[2], &[], &[0, 1, 2], &[1]]);
        let inc = Incidence::new(&a, 3, &OverlapParams::all_pairs()).unwrap();
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
        let inc = Incidence::new(&a, 3, &OverlapParams::all_pairs()).unwrap();
        let mut sink = CollectSink::default();
        let c = pair_pass(
            &inc,
            Dimension::Customer,
            &OverlapParams::all_pairs(),
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
