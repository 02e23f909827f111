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
//! How: `Aᵀ` (item -> partners, rows ascending) is built once by a counting sort. Row p
//! of S is accumulated by walking p's items and, for each, the partners reaching it,
//! into a dense `u32` counter with a list of touched partners (per-thread scratch,
//! reused, reset through the touched list only). Partners are cut into blocks of fixed
//! estimated work (Σ over the block of Σ_{c ∈ items(p)} |partners(c)|, capped in
//! partners), a function of the input alone. A window of blocks is computed in parallel
//! (order-preserving collect) and handed to the sink in block order, which writes it
//! while the next window is computed. Each block's rows are sorted by (partner_a,
//! partner_b) (a row's partners are sorted, or collected by a scan of the counters when
//! the row is dense), so the stream is sorted.
//!
//! Complexity: time Σ_c |partners(c)|² (each item contributes its partner pairs; for
//! half rows, `q > p` only, about half of it), plus sorting each row's pairs. Memory:
//! the incidence and its transpose (O(nnz)), one counter array of n `u32` per thread,
//! and two windows of blocks (one being written, one computed): a block holds at most
//! `Blocking::work` pairs, or one partner's row when that row alone is larger (at most
//! n - 1 pairs).
//!
//! A customer reached by thousands of partners therefore costs time (k partners on one
//! customer are k² counter steps, and each of them gets a long row) but never memory
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

use rayon::prelude::*;

use super::by_type::PartnerTypes;
use super::topk::{self, Threshold};
use super::{jaccard, Dimension, OverlapParams, PairBlock, PairSink};
use crate::build::Csr;
use crate::error::Result;

/// A partner x item incidence and its transpose.
#[derive(Debug, Clone)]
pub struct Incidence<'a> {
    /// partner -> items, rows ascending.
    pub rows: &'a Csr,
    /// item -> partners, rows ascending.
    pub t: Csr,
}

impl<'a> Incidence<'a> {
    /// Builds the transpose by a counting sort: O(partners + items + nnz).
    pub fn new(rows: &'a Csr, items: usize) -> Incidence<'a> {
        let items = rows
            .targets
            .iter()
            .map(|&c| c as usize + 1)
            .max()
            .unwrap_or(0)
            .max(items);
        let mut offsets = vec![0usize; items + 1];
        for &c in &rows.targets {
            offsets[c as usize + 1] += 1;
        }
        for i in 0..items {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets[..items].to_vec();
        let mut targets = vec![0u32; rows.nnz()];
        // Partners are visited in ascending order, so every item row comes out sorted.
        for p in 0..rows.rows() {
            for &c in rows.row(p) {
                targets[fill[c as usize]] = p as u32;
                fill[c as usize] += 1;
            }
        }
        Incidence {
            rows,
            t: Csr {
                offsets,
                targets,
                weights: Vec::new(),
            },
        }
    }

    pub fn partners(&self) -> usize {
        self.rows.rows()
    }

    pub fn size(&self, p: usize) -> u32 {
        self.rows.degree(p) as u32
    }

    /// Upper bound of the work (counter increments) of p's full row.
    fn work(&self, p: usize) -> usize {
        self.rows
            .row(p)
            .iter()
            .map(|&c| self.t.degree(c as usize))
            .sum()
    }
}

/// Block and window sizes of the streamed product. The defaults keep a block under
/// about 262k pairs (~11 MB of columns) and a window at 16 blocks; output never depends on
/// them (tests vary them), only memory and parallel grain do.
#[derive(Debug, Clone, Copy)]
pub struct Blocking {
    /// Estimated work (counter increments) per block.
    pub work: usize,
    /// At most this many partners per block.
    pub max_partners: usize,
    /// Blocks computed in parallel before they are handed to the sink.
    pub window: usize,
}

impl Default for Blocking {
    fn default() -> Self {
        Blocking {
            work: 1 << 18,
            max_partners: 4096,
            window: 16,
        }
    }
}

impl Blocking {
    /// Cuts partners 0..n into consecutive blocks of bounded estimated work.
    pub fn blocks(&self, inc: &Incidence) -> Vec<Range<usize>> {
        let n = inc.partners();
        let mut out = Vec::new();
        let (mut start, mut work) = (0, 0usize);
        for p in 0..n {
            let w = inc.work(p);
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
}

/// Per-thread scratch, reused across rows.
struct Scratch {
    count: Vec<u32>,
    touched: Vec<u32>,
    half: Vec<u32>,
    keys: Vec<(f64, u32)>,
    type_pairs: Vec<u64>,
    type_shared: Vec<u64>,
    type_touched: Vec<u32>,
}

impl Scratch {
    fn new(n: usize, types: usize) -> Scratch {
        Scratch {
            count: vec![0; n],
            touched: Vec::new(),
            half: Vec::new(),
            keys: Vec::new(),
            type_pairs: vec![0; types],
            type_shared: vec![0; types],
            type_touched: Vec::new(),
        }
    }

    /// Accumulates row p of S into `count` / `touched`: all q != p (`full`) or q > p.
    fn accumulate(&mut self, inc: &Incidence, p: usize, full: bool) {
        for &c in inc.rows.row(p) {
            let ps = inc.t.row(c as usize);
            let start = if full {
                0
            } else {
                ps.partition_point(|&q| q as usize <= p)
            };
            for &q in &ps[start..] {
                if q as usize == p {
                    continue;
                }
                let slot = &mut self.count[q as usize];
                if *slot == 0 {
                    self.touched.push(q);
                }
                *slot += 1;
            }
        }
    }

    /// `half` = the touched partners q > p, ascending: by sorting them, or, when the
    /// row is dense enough that sorting would cost more, by scanning the counters of
    /// p+1..n (the same list either way).
    fn sorted_half(&mut self, p: usize, n: usize) {
        self.half.clear();
        let t = self.touched.len();
        let log = (usize::BITS - t.leading_zeros()) as usize;
        if 2 * t * log >= n - p {
            for (q, &c) in self.count.iter().enumerate().skip(p + 1) {
                if c != 0 {
                    self.half.push(q as u32);
                }
            }
        } else {
            self.half
                .extend(self.touched.iter().copied().filter(|&q| q as usize > p));
            self.half.sort_unstable();
        }
    }

    fn reset(&mut self) {
        for &q in &self.touched {
            self.count[q as usize] = 0;
        }
        self.touched.clear();
    }
}

/// What the pair output keeps (contract §3/§4 bounds).
struct Filter<'a> {
    min_jaccard: Option<f64>,
    /// Per partner its top-K threshold, when `--overlap-top-k` is set.
    kth: Option<&'a [Threshold]>,
}

impl Filter<'_> {
    fn keep(&self, p: u32, q: u32, j: f64) -> bool {
        if self.min_jaccard.is_some_and(|m| j < m) {
            return false;
        }
        match self.kth {
            None => true,
            Some(kth) => topk::in_top(kth[p as usize], j, q) || topk::in_top(kth[q as usize], j, p),
        }
    }
}

/// What one pass computes besides the pairs.
struct Tasks<'a> {
    /// Full rows (all q != p) instead of half rows (q > p).
    full: bool,
    /// Per-partner max jaccard, count >= threshold, by-type sums (full rows only).
    stats: Option<(f64, &'a PartnerTypes)>,
    /// Compute each partner's top-K threshold (full rows only).
    kth: Option<u32>,
    /// Emit pairs through this filter.
    emit: Option<Filter<'a>>,
}

#[derive(Default)]
struct BlockOut {
    pairs: PairBlock,
    /// Pairs q > p with shared >= 1, before any bound.
    total: u64,
    max_j: Vec<f64>,
    over: Vec<u32>,
    kth: Vec<Threshold>,
    /// ((type_a, type_b) with type_a <= type_b) -> (pairs, shared).
    types: Vec<((u32, u32), (u64, u64))>,
}

fn compute_block(inc: &Incidence, rows: Range<usize>, tasks: &Tasks, s: &mut Scratch) -> BlockOut {
    let mut out = BlockOut::default();
    let mut types: BTreeMap<(u32, u32), (u64, u64)> = BTreeMap::new();
    for p in rows {
        s.accumulate(inc, p, tasks.full);
        let sp = inc.size(p);
        let pu = p as u32;
        if let Some((threshold, pt)) = tasks.stats {
            let (mut max_j, mut over) = (0.0f64, 0u32);
            for &q in &s.touched {
                let shared = s.count[q as usize];
                let sq = inc.size(q as usize);
                let j = jaccard(shared, sp, sq);
                if j > max_j {
                    max_j = j;
                }
                over += u32::from(j >= threshold);
                if q > pu {
                    let t = pt.code(q as usize);
                    if s.type_pairs[t as usize] == 0 {
                        s.type_touched.push(t);
                    }
                    s.type_pairs[t as usize] += 1;
                    s.type_shared[t as usize] += u64::from(shared);
                }
            }
            out.max_j.push(max_j);
            out.over.push(over);
            let tp = pt.code(p);
            for &t in &s.type_touched {
                let key = (tp.min(t), tp.max(t));
                let e = types.entry(key).or_default();
                e.0 += s.type_pairs[t as usize];
                e.1 += s.type_shared[t as usize];
                s.type_pairs[t as usize] = 0;
                s.type_shared[t as usize] = 0;
            }
            s.type_touched.clear();
        }
        if let Some(k) = tasks.kth {
            s.keys.clear();
            for &q in &s.touched {
                let j = jaccard(s.count[q as usize], sp, inc.size(q as usize));
                s.keys.push((j, q));
            }
            out.kth.push(topk::kth_key(&mut s.keys, k));
        }
        if let Some(filter) = &tasks.emit {
            s.sorted_half(p, inc.partners());
            out.total += s.half.len() as u64;
            for &q in &s.half {
                let shared = s.count[q as usize];
                let sq = inc.size(q as usize);
                if filter.keep(pu, q, jaccard(shared, sp, sq)) {
                    out.pairs.push(pu, q, shared, sp, sq);
                }
            }
        }
        s.reset();
    }
    out.types = types.into_iter().collect();
    out
}

/// Results of one pass, concatenated in partner order.
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
    let mut acc = PassOut::default();
    let compute = |window: &[Range<usize>]| -> Vec<BlockOut> {
        window
            .par_iter()
            .map_init(
                || Scratch::new(n, types),
                |s, r| compute_block(inc, r.clone(), tasks, s),
            )
            .collect()
    };
    // The sink writes window k while window k + 1 is computed (so at most two windows
    // of pairs are alive); the order of writes is the block order.
    let mut pending: Option<Vec<PairBlock>> = None;
    for window in blocks.chunks(blocking.window.max(1)) {
        let outs = match pending.take() {
            Some(prev) => {
                let (written, outs) = rayon::join(|| sink.write(dim, &prev), || compute(window));
                written?;
                outs
            }
            None => compute(window),
        };
        let mut pairs = Vec::with_capacity(outs.len());
        for o in outs {
            acc.total += o.total;
            acc.written += o.pairs.len() as u64;
            acc.max_j.extend(o.max_j);
            acc.over.extend(o.over);
            acc.kth.extend(o.kth);
            for (k, (np, ns)) in o.types {
                let e = acc.types.entry(k).or_default();
                e.0 += np;
                e.1 += ns;
            }
            if !o.pairs.is_empty() {
                pairs.push(o.pairs);
            }
        }
        if tasks.emit.is_some() && !pairs.is_empty() {
            pending = Some(pairs);
        }
    }
    if let Some(prev) = pending {
        sink.write(dim, &prev)?;
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
/// full-row pass that streams the pairs (a second, half-row pass streams them under
/// `--overlap-top-k`, whose thresholds need every full row first).
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
            full: true,
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

    fn incidence(rows: &[&[u32]]) -> Csr {
        let keys: Vec<u64> = rows
            .iter()
            .enumerate()
            .flat_map(|(p, r)| r.iter().map(move |&c| ((p as u64) << 32) | u64::from(c)))
            .collect();
        Csr::from_sorted_keys(rows.len(), &keys)
    }

    #[test]
    fn transpose_rows_sorted() {
        let a = incidence(&[&[0, 2], &[2], &[], &[0, 1, 2]]);
        let inc = Incidence::new(&a, 3);
        assert_eq!(inc.t.row(0), &[0, 3]);
        assert_eq!(inc.t.row(1), &[3]);
        assert_eq!(inc.t.row(2), &[0, 1, 3]);
    }

    #[test]
    fn blocks_cover_partners_in_order() {
        let a = incidence(&[&[0, 2], &[2], &[], &[0, 1, 2], &[1]]);
        let inc = Incidence::new(&a, 3);
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
        let inc = Incidence::new(&a, 3);
        let mut sink = crate::metrics::overlap::CollectSink::default();
        let c = pair_pass(
            &inc,
            Dimension::Customer,
            &OverlapParams::default(),
            &mut sink,
            &Blocking::default(),
        )
        .unwrap();
        assert_eq!(c.pairs, 3);
        let b = &sink.blocks[0].1;
        assert_eq!((b.a.clone(), b.b.clone()), (vec![0, 0, 1], vec![1, 3, 3]));
        assert_eq!(b.shared, vec![1, 2, 1]);
        assert_eq!(b.jaccard, vec![0.5, 2.0 / 3.0, 1.0 / 3.0]);
        assert_eq!(b.overlap, vec![1.0, 1.0, 1.0]);
    }
}
