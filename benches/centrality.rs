//! Criterion benches of each centrality measure on generated co-sell networks at
//! several sizes (seed 7; deals = 20 per partner, like the 100k / 3M benchmark data).
//! Run with `cargo bench --bench centrality`; the data is generated into a temporary
//! folder and loaded first (not timed). Exact betweenness and closeness are O(n m): the
//! largest size runs them with few samples.

// criterion_group! defines a public function it cannot document.
#![allow(missing_docs)]

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use ecograph::graph::Csr;
use ecograph::metrics::centrality::{betweenness, closeness, core_number, neighborhood};
use ecograph::metrics::community::{communities, LouvainParams};

/// The co-sell network of a generated ecosystem with `partners` partners.
fn cosell(partners: usize) -> Csr {
    let tmp = tempfile::tempdir().expect("temp dir");
    common::generate_into(tmp.path(), partners, partners * 20);
    common::graphs(tmp.path()).cosell
}

fn suite(c: &mut Criterion) {
    for partners in [2_000, 10_000] {
        let g = cosell(partners);
        let mut grp = c.benchmark_group(format!("centrality_{partners}"));
        grp.sample_size(10);
        grp.throughput(Throughput::Elements(g.nnz() as u64 / 2));
        let id = |name: &str| BenchmarkId::new(name, partners);
        grp.bench_function(id("betweenness_exact"), |b| {
            b.iter(|| betweenness::exact(&g, None))
        });
        grp.bench_function(id("betweenness_exact_reference_one_thread"), |b| {
            b.iter(|| betweenness::exact_sequential(&g))
        });
        grp.bench_function(id("betweenness_sampled_eps0.01"), |b| {
            b.iter(|| betweenness::sampled(&g, 0.01, 0.1, 42, None))
        });
        grp.bench_function(id("closeness_harmonic"), |b| {
            b.iter(|| closeness::closeness_harmonic(&g, None))
        });
        grp.bench_function(id("clustering_structural_holes"), |b| {
            b.iter(|| neighborhood::neighborhood(&g))
        });
        // The per-partner pass the tie-by-tie kernel replaced (same bits).
        grp.bench_function(id("clustering_structural_holes_reference"), |b| {
            b.iter(|| neighborhood::neighborhood_reference(&g))
        });
        grp.bench_function(id("clustering_alone"), |b| {
            b.iter(|| neighborhood::clustering(&g))
        });
        grp.bench_function(id("core_number"), |b| {
            b.iter(|| core_number::core_number(&g))
        });
        grp.bench_function(id("louvain_4_trials"), |b| {
            b.iter(|| communities(&g, &LouvainParams::default()))
        });
        let one = LouvainParams {
            trials: 1,
            ..LouvainParams::default()
        };
        grp.bench_function(id("louvain_1_trial"), |b| b.iter(|| communities(&g, &one)));
        grp.finish();
    }
}

criterion_group!(benches, suite);
criterion_main!(benches);
