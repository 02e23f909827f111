//! Criterion benches of the overlap family on generated ecosystems (seed 7) at two
//! sizes: the streamed customer and product pair passes into a sink that drops the
//! pairs (the kernel alone), the product dimension's top-K plan (the threshold search),
//! the whole family (pairs, per-partner columns, by-type
//! matrix, channel conflicts), and the customer pass into a Parquet file.
//! Run with `cargo bench --bench overlap`; data is generated into a temporary folder
//! first (not timed). The comparison with SciPy's `A @ A.T` at 100k partners is
//! `benches/overlap_scipy/run.sh` (see BENCHMARKS.md).

// criterion_group! defines a public function it cannot document.
#![allow(missing_docs)]

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use ecograph::export::overlap::{pair_schema, PairWriter};
use ecograph::io::out::write::{OutputFormat, TableWriter};
use ecograph::metrics::overlap::pairs::{pair_pass, plan_pairs, Blocking, Incidence};
use ecograph::metrics::overlap::{self, Dimension, NullSink, OverlapParams};

fn bench_overlap(c: &mut Criterion) {
    for (partners, deals) in [(2_000usize, 40_000usize), (10_000, 200_000)] {
        let tmp = tempfile::tempdir().expect("temp dir");
        common::generate_into(tmp.path(), partners, deals);
        let g = common::graphs(tmp.path());
        let params = OverlapParams::all_pairs();
        let mut group = c.benchmark_group(format!("overlap_{partners}"));
        group.sample_size(10);
        for (name, dim, rows, items) in [
            (
                "customer_pairs",
                Dimension::Customer,
                &g.partner_customers,
                g.customers.len(),
            ),
            (
                "product_pairs",
                Dimension::Product,
                &g.partner_products,
                g.products.len(),
            ),
        ] {
            let inc = Incidence::new(rows, items, &params).expect("incidence");
            group.throughput(Throughput::Elements(rows.nnz() as u64));
            group.bench_function(BenchmarkId::new(name, partners), |b| {
                b.iter(|| {
                    pair_pass(&inc, dim, &params, &mut NullSink, &Blocking::default())
                        .expect("null sink")
                })
            });
        }
        // The product dimension's plan under the default top-K bound: the threshold
        // search over distinct sets (the counting pass is the reference in the tests).
        let top_k = OverlapParams::default();
        let products =
            Incidence::new(&g.partner_products, g.products.len(), &top_k).expect("incidence");
        group.bench_function(BenchmarkId::new("product_top_k_plan", partners), |b| {
            b.iter(|| {
                plan_pairs(&products, Dimension::Product, &top_k, &Blocking::default())
                    .expect("plan")
            })
        });
        group.throughput(Throughput::Elements(deals as u64));
        group.bench_function(BenchmarkId::new("family", partners), |b| {
            b.iter(|| overlap::run(&g, &params, &mut NullSink, None).expect("null sink"))
        });
        let customers =
            Incidence::new(&g.partner_customers, g.customers.len(), &params).expect("incidence");
        group.bench_function(BenchmarkId::new("customer_pairs_parquet", partners), |b| {
            b.iter(|| {
                let out = tempfile::tempdir().expect("temp dir");
                let writer = TableWriter::create(
                    out.path(),
                    "overlap_pairs",
                    pair_schema(),
                    OutputFormat::Parquet,
                    ecograph::io::out::write::CsvCells::Safe,
                    "{}",
                )
                .expect("create");
                let mut sink = PairWriter {
                    writer,
                    partner_ids: &g.partners.id,
                };
                pair_pass(
                    &customers,
                    Dimension::Customer,
                    &params,
                    &mut sink,
                    &Blocking::default(),
                )
                .expect("write");
                sink.writer.finish().expect("finish");
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench_overlap);
criterion_main!(benches);
