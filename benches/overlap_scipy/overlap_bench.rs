//! ecograph's side of `benches/overlap_scipy/run.sh`: loads an input folder, builds the
//! partner x customer incidence (not timed), writes it to `OUT/incidence.bin` for the
//! SciPy side, then times the customer overlap RUNS times and prints one JSON line.
//!
//!   cargo run --release --example overlap_bench -- DATA OUT [RUNS]
//!
//! Timed, each on the loaded incidence (the transpose is built inside every timing, and
//! timed alone as `transpose_s`):
//! - `pairs`: `A · Aᵀ` upper triangle, streamed block by block into a sink that counts
//!   and drops them (the counts SciPy's `A @ A.T` computes);
//! - `pairs_columns`: the same into a sink that derives every numeric column (shared,
//!   sizes, jaccard, overlap_coefficient, cosine), sums the similarities as a checksum
//!   and drops them (what SciPy's `triu(A @ A.T)` + columns computes);
//! - `customer_pass`: what `analyze` runs on the customer dimension: the half-row pass
//!   computing the per-partner columns and the by-type matrix (the plan; with
//!   `--overlap-top-k all` it writes nothing and counts the rows from the pairs), then
//!   the writing pass into the same sink;
//! - `parquet`: `pairs` streamed into an `overlap_pairs.parquet` file (zstd) in OUT.
//!
//! Peak memory is measured by a counting global allocator: the highest number of heap
//! bytes live during the timed call minus the bytes live before it (so the loaded input
//! is excluded and reported separately as `input_bytes`).
//!
//! incidence.bin layout (little endian): rows u64, cols u64, nnz u64, offsets (rows + 1)
//! x u64, targets nnz x u32.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use ecograph::config::Settings;
use ecograph::export::overlap::{pair_schema, PairWriter};
use ecograph::graph;
use ecograph::io::out::write::{OutputFormat, TableWriter};
use ecograph::metrics::overlap::by_type::PartnerTypes;
use ecograph::metrics::overlap::pairs::{
    customer_pass, pair_pass, write_pairs, Blocking, Incidence,
};
use ecograph::metrics::overlap::{
    similarities, Dimension, OverlapParams, PairSink, SharedBlock, Sizes,
};
use ecograph::progress::Meter;
use ecograph::validate::load_and_validate;
use rayon::prelude::*;

/// The system allocator, counting live and peak bytes (the peak-memory figure of the
/// SciPy comparison). A `GlobalAlloc` impl is unsafe by definition, hence the allowance.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged and
// only adds atomic counter updates, so System's guarantees carry over.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is System's.
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = LIVE.fetch_add(l.size(), Relaxed) + l.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: `p` came from this allocator, i.e. from System, with layout `l`.
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        // SAFETY: `p` came from System with layout `l`; the caller's contract is System's.
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            if new > l.size() {
                let now = LIVE.fetch_add(new - l.size(), Relaxed) + new - l.size();
                PEAK.fetch_max(now, Relaxed);
            } else {
                LIVE.fetch_sub(l.size() - new, Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Counts the pairs and the largest block and drops them: the counts of the upper
/// triangle, what SciPy's `A @ A.T` computes (for both triangles).
#[derive(Default)]
struct Count {
    pairs: u64,
    largest_block: usize,
}

impl PairSink for Count {
    fn write(&mut self, _: Dimension, _: Sizes, blocks: &[SharedBlock]) -> ecograph::Result<()> {
        for b in blocks {
            self.pairs += b.len() as u64;
            self.largest_block = self.largest_block.max(b.len());
        }
        Ok(())
    }
}

/// Derives every numeric column of each pair (size_a, size_b, jaccard,
/// overlap_coefficient, cosine: the same `similarities` the Arrow batches use), in
/// parallel over the window's blocks as the Parquet sink does, sums the three
/// similarities (a checksum compared with SciPy's), counts the pairs and the largest
/// block, and drops the rest: the customer overlap short of the string ids.
#[derive(Default)]
struct Columns {
    pairs: u64,
    largest_block: usize,
    checksum: f64,
}

impl PairSink for Columns {
    fn write(
        &mut self,
        _: Dimension,
        sizes: Sizes,
        blocks: &[SharedBlock],
    ) -> ecograph::Result<()> {
        let sums: Vec<f64> = blocks
            .par_iter()
            .map(|b| {
                b.a_iter()
                    .zip(&b.b)
                    .zip(&b.shared)
                    .map(|((a, &q), &shared)| {
                        let (j, o, c) = similarities(shared, sizes.get(a), sizes.get(q));
                        j + o + c
                    })
                    .sum::<f64>()
            })
            .collect();
        for (b, s) in blocks.iter().zip(sums) {
            self.pairs += b.len() as u64;
            self.largest_block = self.largest_block.max(b.len());
            self.checksum += s;
        }
        Ok(())
    }
}

/// Runs `f`, returning (seconds, peak extra heap bytes, its value).
fn measure<T>(f: impl FnOnce() -> T) -> (f64, usize, T) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let t = Instant::now();
    let v = f();
    let s = t.elapsed().as_secs_f64();
    (s, PEAK.load(Relaxed) - base, v)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        return Err("usage: overlap_bench DATA OUT [RUNS]".into());
    }
    let (data, out) = (
        std::path::Path::new(&args[1]),
        std::path::Path::new(&args[2]),
    );
    let runs: usize = args.get(3).map(|r| r.parse()).transpose()?.unwrap_or(5);
    std::fs::create_dir_all(out)?;
    let tables = load_and_validate(data, &Settings::contract(), false)?;
    let g = graph::build(tables);
    let a = &g.partner_customers;
    let mut f = std::io::BufWriter::new(std::fs::File::create(out.join("incidence.bin"))?);
    for x in [a.rows() as u64, g.customers.len() as u64, a.nnz() as u64] {
        f.write_all(&x.to_le_bytes())?;
    }
    for &o in &a.offsets {
        f.write_all(&(o as u64).to_le_bytes())?;
    }
    for &t in &a.targets {
        f.write_all(&t.to_le_bytes())?;
    }
    f.flush()?;
    let input_bytes = a.offsets.len() * 8 + a.targets.len() * 4;
    let mut transpose_s = Vec::new();
    let params = OverlapParams::all_pairs();
    let transpose_bytes = Incidence::new(a, g.customers.len(), &params)?.transpose_bytes();
    let types = PartnerTypes::new(&g.partners.partner_type);
    let blocking = Blocking::default();
    let (mut pairs_s, mut pairs_m, mut pass_s, mut pass_m, mut pq_s, mut pq_m) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let (mut n_pairs, mut largest, mut checksum) = (0, 0, 0.0);
    let (mut cols_s, mut cols_m) = (vec![], vec![]);
    // ONLY=pairs,pairs_columns,customer_pass,parquet (any subset; default all) skips the others, for
    // profiling one of them.
    let only = std::env::var("ONLY").unwrap_or_default();
    let want = |what: &str| only.is_empty() || only.split(',').any(|w| w == what);
    for _ in 0..runs {
        let (s, _, inc) = measure(|| Incidence::new(a, g.customers.len(), &params));
        drop(inc?);
        transpose_s.push(s);
        if want("pairs") {
            let (s, m, c) = measure(|| {
                let inc = Incidence::new(a, g.customers.len(), &params)?;
                let mut sink = Count::default();
                pair_pass(&inc, Dimension::Customer, &params, &mut sink, &blocking).map(|_| sink)
            });
            let c = c?;
            (n_pairs, largest) = (c.pairs, c.largest_block);
            pairs_s.push(s);
            pairs_m.push(m);
        }
        if want("pairs_columns") {
            let (s, m, c) = measure(|| {
                let inc = Incidence::new(a, g.customers.len(), &params)?;
                let mut sink = Columns::default();
                pair_pass(&inc, Dimension::Customer, &params, &mut sink, &blocking).map(|_| sink)
            });
            checksum = c?.checksum;
            cols_s.push(s);
            cols_m.push(m);
        }
        if want("customer_pass") {
            let (s, m, r) = measure(|| {
                let inc = Incidence::new(a, g.customers.len(), &params)?;
                let r = customer_pass(&inc, &types, &params, &blocking)?;
                let mut sink = Columns::default();
                write_pairs(
                    &inc,
                    Dimension::Customer,
                    &params,
                    &r.plan,
                    &mut sink,
                    &blocking,
                    &Meter::silent(),
                )
                .map(|_| sink.pairs)
            });
            r?;
            pass_s.push(s);
            pass_m.push(m);
        }
        if want("parquet") {
            let (s, m, r) = measure(|| -> ecograph::Result<()> {
                let inc = Incidence::new(a, g.customers.len(), &params)?;
                let writer = TableWriter::create(
                    out,
                    "overlap_pairs",
                    pair_schema(),
                    OutputFormat::Parquet,
                    ecograph::io::out::write::CsvCells::Safe,
                    "{}",
                )?;
                let mut sink = PairWriter {
                    writer,
                    partner_ids: &g.partners.id,
                };
                pair_pass(&inc, Dimension::Customer, &params, &mut sink, &blocking)?;
                sink.writer.finish()
            });
            r?;
            pq_s.push(s);
            pq_m.push(m);
        }
    }
    let block_bytes = largest * (5 * 4 + 3 * 8);
    println!(
        "{}",
        serde_json::json!({
            "threads": rayon::current_num_threads(),
            "partners": a.rows(), "customers": g.customers.len(), "nnz": a.nnz(),
            "input_bytes": input_bytes, "transpose_bytes": transpose_bytes,
            "transpose_s": transpose_s,
            "pairs": n_pairs, "similarity_sum": checksum, "largest_block_pairs": largest, "largest_block_bytes": block_bytes,
            "pairs_s": pairs_s, "pairs_peak_extra_bytes": pairs_m,
            "pairs_columns_s": cols_s, "pairs_columns_peak_extra_bytes": cols_m,
            "customer_pass_s": pass_s, "customer_pass_peak_extra_bytes": pass_m,
            "parquet_s": pq_s, "parquet_peak_extra_bytes": pq_m,
            "parquet_bytes": std::fs::metadata(out.join("overlap_pairs.parquet")).map(|m| m.len()).ok(),
        })
    );
    Ok(())
}
