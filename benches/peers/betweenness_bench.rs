//! ecograph's side of `benches/peers/betweenness.sh`: exact betweenness alone, on one
//! thread, against the kernel it replaced.
//!
//!   cargo run --release --example betweenness_bench -- DATA EDGES [RUNS]
//!
//! Loads the input folder DATA (an ecograph input: partners, deals, deal_partners) and
//! builds its co-sell network (not timed), writes it to EDGES as text for the peers
//! (first line `n m`, then one `p q` per edge, p < q, partner indices), then times, RUNS
//! times each in alternation on a one-thread rayon pool:
//! - `exact`: [`betweenness::exact`], the batched kernel `analyze` runs;
//! - `reference`: [`betweenness::exact_sequential`], one Brandes sweep per source (the
//!   kernel before the batched one).
//!
//! Writes the values of `exact` to `EDGES.ecograph.json` (a JSON list, partner order, for
//! the peers' comparison), checks that the two kernels agree bit for bit (exits 1
//! otherwise) and prints one JSON line:
//! per kernel the wall and thread-CPU seconds of every run (CPU from
//! /proc/thread-self/schedstat, which a shared machine disturbs less than wall time).

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use ecograph::config::Settings;
use ecograph::graph;
use ecograph::metrics::centrality::betweenness;
use ecograph::validate::load_and_validate;

/// Seconds this thread has run on a CPU, if the kernel says.
fn thread_cpu() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns * 1e-9)
}

/// Runs `f` on the one-thread pool; returns its result, wall and CPU seconds.
fn timed<T: Send>(pool: &rayon::ThreadPool, f: impl FnOnce() -> T + Send) -> (T, f64, f64) {
    pool.install(|| {
        let c0 = thread_cpu().unwrap_or(f64::NAN);
        let t0 = Instant::now();
        let out = f();
        let wall = t0.elapsed().as_secs_f64();
        (out, wall, thread_cpu().unwrap_or(f64::NAN) - c0)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: betweenness_bench DATA EDGES [RUNS]");
        std::process::exit(2);
    }
    let runs: usize = args.get(3).map_or(3, |r| r.parse().expect("RUNS"));
    let tables =
        load_and_validate(Path::new(&args[1]), &Settings::contract(), false).expect("valid input");
    let g = graph::build(tables).cosell;
    let n = g.rows();
    let mut out = std::io::BufWriter::new(std::fs::File::create(&args[2]).expect("EDGES"));
    writeln!(out, "{n} {}", g.nnz() / 2).expect("write");
    for p in 0..n {
        for &q in g.row(p) {
            if (p as u32) < q {
                writeln!(out, "{p} {q}").expect("write");
            }
        }
    }
    out.flush().expect("write");
    drop(out);

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let (mut wall_new, mut cpu_new, mut wall_ref, mut cpu_ref) = (vec![], vec![], vec![], vec![]);
    let mut same = true;
    let mut values = Vec::new();
    for _ in 0..runs {
        let (a, w, c) = timed(&pool, || betweenness::exact(&g, None));
        wall_new.push(w);
        cpu_new.push(c);
        let (b, w, c) = timed(&pool, || betweenness::exact_sequential(&g));
        wall_ref.push(w);
        cpu_ref.push(c);
        same &= a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits());
        values = a;
    }
    let file = format!("{}.ecograph.json", args[2]);
    std::fs::write(&file, format!("{values:?}")).expect("values");
    let active = (0..n).filter(|&v| g.degree(v) > 0).count();
    let leaves = (0..n).filter(|&v| g.degree(v) == 1).count();
    println!(
        "{{\"partners\": {n}, \"with_edge\": {active}, \"leaves\": {leaves}, \"edges\": {}, \
         \"same_bits\": {same}, \"exact_wall_s\": {wall_new:?}, \"exact_cpu_s\": {cpu_new:?}, \
         \"reference_wall_s\": {wall_ref:?}, \"reference_cpu_s\": {cpu_ref:?}}}",
        g.nnz() / 2
    );
    if !same {
        eprintln!("the batched kernel and the reference differ");
        std::process::exit(1);
    }
}
