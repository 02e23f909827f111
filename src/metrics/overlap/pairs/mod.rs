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
//! Under `--overlap-top-k` the plan keeps every partner's top-K list, whose union is
//! exactly the rows (see `topk`): they are counted and later written from the plan,
//! with no other pass. The customer pass gets the lists from its full-row pass (it
//! needs every pair for its columns anyway); [`plan_pairs`] (the product dimension)
//! gets them from an exact threshold search over distinct item sets and the pair count
//! by inclusion-exclusion (`search`, `sets`), which at 1M generated partners reads a
//! few hundred postings a set instead of 1.8e10 pairs, and falls back to the full-row
//! pass on inputs where the search would not be cheaper; both give the same bytes.
//! Without `--overlap-top-k`, the rows the bounds keep are counted by the writing
//! pass's own filter into a sink that only counts, and written by that pass again into
//! the writer.
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
//!
//! The parts: `kernel` computes one block of partner rows (the counter, the bitmap
//! walk, the customer pass's columns); `pass` runs one pass over every block, a window
//! at a time, into the sink; `sets` and `search` are the top-K lists without the pass;
//! this file holds the incidence, the blocking, and the plan and write functions the
//! overlap module calls.

mod kernel;
mod pass;
mod search;
mod sets;
pub mod shard;

use std::collections::BTreeMap;
use std::ops::Range;

use rayon::prelude::*;

use self::kernel::{Columns, Filter, Tasks};
use self::pass::{pass, PassOut};
use super::by_type::PartnerTypes;
use super::topk::KeptPairs;
use super::transpose::Transpose;
use super::{Dimension, NullSink, OverlapParams, PairSink, Sizes};
use crate::error::Result;
use crate::graph::Csr;
use crate::progress::Meter;

/// A partner x item incidence and its pruned transpose.
#[derive(Debug, Clone)]
pub struct Incidence<'a> {
    /// partner -> items, rows ascending.
    pub rows: &'a Csr,
    /// item -> partners for items shared by >= 2 partners, without the head unless the
    /// passes need full rows (borrowed from a [`shard::ShardIndex`], which keeps one).
    t: std::borrow::Cow<'a, Transpose>,
}

impl<'a> Incidence<'a> {
    /// The incidence the passes of `params` need: the transpose without heads, unless
    /// `--overlap-top-k` asks for full rows (see [`Transpose`]). Errors when the
    /// transpose does not fit `u32` offsets.
    pub fn new(rows: &'a Csr, items: usize, params: &OverlapParams) -> Result<Incidence<'a>> {
        Ok(Incidence {
            rows,
            t: std::borrow::Cow::Owned(Transpose::new(rows, items, params.top_k.is_some())?),
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
        self.cut(&works)
    }

    /// Cuts partners 0..works.len() into consecutive blocks, each of at most
    /// `max_partners` partners and `work` summed `works` (or one partner alone).
    pub fn cut(&self, works: &[usize]) -> Vec<Range<usize>> {
        let n = works.len();
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
/// under `--overlap-top-k` the top-K lists, which are the rows, by the threshold search
/// (or, where it would not be cheaper, one full-row pass: the same lists); otherwise
/// the rows the bounds keep are counted. Writes nothing.
pub fn plan_pairs(
    inc: &Incidence,
    dim: Dimension,
    params: &OverlapParams,
    blocking: &Blocking,
) -> Result<PairPlan> {
    match top_task(params) {
        Some((k, min)) => {
            // The threshold search answers the lists without counting every pair when
            // the input suits it (see `search`); the same plan either way.
            if let Some(plan) = search::plan(inc.rows, k, min) {
                return Ok(plan);
            }
            counted_top_k(inc, dim, params, blocking)
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

/// The top-K plan by counting every pair: one full-row pass keeps the lists (the
/// reference the search is tested against). `params.top_k` must be set.
fn counted_top_k(
    inc: &Incidence,
    dim: Dimension,
    params: &OverlapParams,
    blocking: &Blocking,
) -> Result<PairPlan> {
    let first = pass(
        inc,
        dim,
        &Tasks {
            full: true,
            stats: None,
            top: top_task(params),
            emit: None,
        },
        0,
        &mut NullSink,
        blocking,
        &Meter::silent(),
    )?;
    plan_rows(inc, dim, params, first, blocking)
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
    use crate::error::Error;
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
        let r = counted_top_k(&inc, Dimension::Customer, &top_k, &Blocking::default());
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
