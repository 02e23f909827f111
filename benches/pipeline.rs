//! Criterion benches of the foundation stages on a generated ecosystem
//! (10k partners / 200k deals, seed 7): load + validate, build graphs, PageRank, and the
//! three together. Run with `cargo bench --bench pipeline`; the data is generated into a
//! temporary folder first (not timed), so nothing large is committed.

// criterion_group! defines a public function it cannot document.
#![allow(missing_docs)]

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use ecograph::config::Settings;
use ecograph::graph;
use ecograph::metrics::centrality::pagerank::{pagerank, PageRankParams};
use ecograph::validate::load_and_validate;

fn foundation(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let cfg = common::generate_into(tmp.path(), 10_000, 200_000);
    let config = Settings::contract();

    let mut g = c.benchmark_group("foundation_10k_200k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(cfg.deals as u64));
    g.bench_function(BenchmarkId::new("load_validate", cfg.deals), |b| {
        b.iter(|| load_and_validate(tmp.path(), &config, false).expect("valid"))
    });
    let tables = load_and_validate(tmp.path(), &config, false).expect("valid");
    g.bench_function(BenchmarkId::new("build_graphs", cfg.deals), |b| {
        b.iter(|| graph::build(tables.clone()))
    });
    let graphs = graph::build(tables);
    g.bench_function(BenchmarkId::new("pagerank", cfg.partners), |b| {
        b.iter(|| pagerank(&graphs.cosell, &PageRankParams::default()))
    });
    g.bench_function(BenchmarkId::new("load_build_pagerank", cfg.deals), |b| {
        b.iter(|| {
            let t = load_and_validate(tmp.path(), &config, false).expect("valid");
            let gs = graph::build(t);
            pagerank(&gs.cosell, &PageRankParams::default())
        })
    });
    g.finish();
}

criterion_group!(benches, foundation);
criterion_main!(benches);
