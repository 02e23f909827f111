//! Criterion benches of the diversification + network-effect family: diversification
//! (table and customer_hhi), network_growth with its fits, reach_loss, resilience (targeted
//! + 20 random orders), and the whole family as the pipeline runs it.
//!
//! `cargo bench --bench network_effect` generates 10k partners / 200k deals (seed 7) into
//! a temporary folder first (not timed). `ECOGRAPH_BENCH_DATA=/tmp/eco-100k cargo bench
//! --bench network_effect` runs on an existing input folder instead (the 100k / 3M numbers
//! of BENCHMARKS.md). Before timing, the bench prints the peak resident memory of one
//! family run (Linux: VmHWM after resetting it through /proc/self/clear_refs), with the
//! graphs already resident.

// criterion_group! defines a public function it cannot document.
#![allow(missing_docs)]

mod common;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};

use ecograph::metrics::network_effect::resilience::ResilienceParams;
use ecograph::metrics::network_effect::{self, growth, reach_loss, resilience};
use ecograph::metrics::{activity, diversification};

fn status_kib(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn family(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (input, label) = match std::env::var_os("ECOGRAPH_BENCH_DATA") {
        Some(dir) => (std::path::PathBuf::from(dir), "given"),
        None => {
            common::generate_into(tmp.path(), 10_000, 200_000);
            (tmp.path().to_path_buf(), "10k_200k")
        }
    };
    let g = common::graphs(&input);
    let attributed = activity::compute(&g).attributed_revenue;
    let params = ResilienceParams::default();
    eprintln!(
        "{}: {} partners, {} deals, {} co-sell edges",
        input.display(),
        g.n_partners(),
        g.n_deals(),
        g.cosell_edges()
    );
    // Peak memory of one family run, graphs resident (Linux only; skipped elsewhere).
    let before = status_kib("VmRSS:");
    if std::fs::write("/proc/self/clear_refs", "5").is_ok() {
        let t = std::time::Instant::now();
        black_box(network_effect::family(&g, &attributed, &params));
        let secs = t.elapsed().as_secs_f64();
        if let (Some(b), Some(h)) = (before, status_kib("VmHWM:")) {
            eprintln!(
                "family once: {secs:.3} s; RSS before {:.0} MiB, peak during {:.0} MiB (+{:.0} MiB)",
                b as f64 / 1024.0,
                h as f64 / 1024.0,
                h.saturating_sub(b) as f64 / 1024.0
            );
        }
    }

    let mut grp = c.benchmark_group(format!("network_effect_{label}"));
    grp.sample_size(10);
    let n = g.n_partners();
    grp.bench_function(BenchmarkId::new("diversification", n), |b| {
        b.iter(|| {
            (
                diversification::diversification(&g, &attributed),
                diversification::customer_hhi(&g),
            )
        })
    });
    grp.bench_function(BenchmarkId::new("network_growth_fits", n), |b| {
        b.iter(|| growth::fits(&growth::network_growth(&g)))
    });
    grp.bench_function(BenchmarkId::new("reach_loss", n), |b| {
        b.iter(|| reach_loss::reach_loss(&g.cosell))
    });
    grp.bench_function(BenchmarkId::new("resilience", n), |b| {
        b.iter(|| resilience::resilience(&g.cosell, &params))
    });
    grp.bench_function(BenchmarkId::new("family", n), |b| {
        b.iter(|| network_effect::family(&g, &attributed, &params))
    });
    grp.finish();
}

criterion_group!(benches, family);
criterion_main!(benches);
