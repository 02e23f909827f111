//! `analyze --dry-run` and `--max-pair-rows` (issue 13): the estimate's row counts are
//! the real run's, table by table; a pair output above the limit is refused before
//! anything is written; a dry run writes nothing.

use std::path::Path;

use crate::common::*;
use ecograph::config::Settings;
use ecograph::io::out::write::OutputFormat;
use ecograph::metrics::overlap::OverlapParams;
use ecograph::metrics::MetricParams;
use ecograph::pipeline::{self, AnalyzeJob};
use ecograph::progress::Silent;

fn job(input: &Path, overlap: OverlapParams) -> AnalyzeJob {
    AnalyzeJob {
        input: input.to_path_buf(),
        out: input.join("unused"),
        format: OutputFormat::Parquet,
        csv_cells: ecograph::io::out::write::CsvCells::Safe,
        settings: Settings::contract(),
        config_path: None,
        skip_invalid: false,
        overwrite: false,
        threads: 2,
        metrics: MetricParams {
            overlap,
            ..MetricParams::default()
        },
        max_pair_rows: ecograph::estimate::DEFAULT_MAX_PAIR_ROWS,
        max_cosell_edges: ecograph::estimate::DEFAULT_MAX_COSELL_EDGES,
        max_stage_minutes: ecograph::estimate::DEFAULT_MAX_STAGE_MINUTES,
        graph: None,
        report: false,
    }
}

/// Rows of a Parquet file, from its footer.
fn parquet_rows(path: &Path) -> u64 {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
    b.metadata().file_metadata().num_rows() as u64
}

/// Every table the estimate lists is written with exactly its rows, and nothing else is.
fn rows_match(input: &Path, out: &Path, overlap: OverlapParams) {
    let e = pipeline::estimate(&job(input, overlap), &Silent).unwrap();
    let mut written: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|d| d.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".parquet"))
        .collect();
    written.sort();
    let mut listed: Vec<String> = e
        .tables
        .iter()
        .map(|t| format!("{}.parquet", t.table))
        .collect();
    listed.sort();
    assert_eq!(listed, written, "{}: the tables", input.display());
    for t in &e.tables {
        let real = parquet_rows(&out.join(format!("{}.parquet", t.table)));
        if t.exact {
            assert_eq!(t.rows, real, "{}: {} rows", input.display(), t.table);
        } else {
            assert_eq!(t.table, "communities");
            assert!(real <= t.rows, "{}: {real} communities", input.display());
        }
        assert!(t.bytes > 0);
    }
    assert!(e.within_limit());
    assert!(e.peak_bytes > 0 && e.stages.iter().any(|s| s.stage == "overlap pairs"));
}

#[test]
fn estimate_counts_every_table_of_the_real_run() {
    for input in [demo(), repo().join("tests/fixtures/overlap/generated")] {
        rows_match(&input, &analyzed(&input), OverlapParams::default());
    }
    let tmp = tempfile::tempdir().unwrap();
    let input = repo().join("tests/fixtures/overlap/generated");
    let every = analyze(&input, &tmp.path().join("all"), &["--overlap-top-k", "all"]);
    rows_match(&input, &every, OverlapParams::all_pairs());
    let bounded = analyze(
        &input,
        &tmp.path().join("min"),
        &["--overlap-top-k", "3", "--overlap-min-jaccard", "0.2"],
    );
    let params = OverlapParams {
        top_k: Some(3),
        min_jaccard: Some(0.2),
        ..OverlapParams::default()
    };
    rows_match(&input, &bounded, params);
}

#[test]
fn a_pair_output_above_the_limit_stops_before_writing_anything() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // The demo has 22,884 pairs in all, 3,144 under the default bound.
    let o = run_analyze(
        &demo(),
        &out,
        &["--overlap-top-k", "all", "--max-pair-rows", "20000"],
    );
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    let msg = stderr(&o);
    for says in [
        "overlap_pairs would have 22,884 rows",
        "3,964 customer + 18,920 product pairs",
        "above the limit of 20,000 rows",
        "--overlap-top-k",
        "--max-pair-rows",
        "nothing was written",
    ] {
        assert!(msg.contains(says), "missing {says:?} in: {msg}");
    }
    assert!(!out.exists(), "no output folder");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "nothing left beside it: {left:?}");
    // At the limit exactly, the run goes through.
    let o = run_analyze(
        &demo(),
        &out,
        &["--overlap-top-k", "all", "--max-pair-rows", "22884"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(parquet_rows(&out.join("overlap_pairs.parquet")), 22_884);
}

#[test]
fn a_dry_run_prints_the_estimate_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ecograph"))
        .args([
            "analyze",
            demo().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args([
            "--dry-run",
            "--overlap-top-k",
            "all",
            "--max-pair-rows",
            "20000",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    for says in [
        "overlap_pairs                22,884",
        "partner_metrics                 300",
        "3,964 of 3,964 customer pairs and 18,920 of 18,920 product pairs",
        "peak",
        "the run would stop: overlap_pairs 22,884 rows > --max-pair-rows 20,000",
    ] {
        assert!(text.contains(says), "missing {says:?} in:\n{text}");
    }
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

/// The dry run and the run read one plan (`ecograph::plan`): the estimate's stage rows
/// are the stages the run times (its `-v` lines and the summary's `timings_s`), in run
/// order, and its table list is the files the run writes, for every shape of run (all
/// measures, clustering alone without communities, none, `--skip-invalid`).
#[test]
fn the_dry_run_lists_the_stages_and_tables_of_the_real_run() {
    use ecograph::metrics::centrality::Selection;
    let tmp = tempfile::tempdir().unwrap();
    let shapes = [
        ("all", false),
        ("-constraint,-effective_size,-community", false),
        ("none", true),
        ("betweenness,community", true),
    ];
    for (i, (metrics, skip_invalid)) in shapes.into_iter().enumerate() {
        let mut j = job(&demo(), OverlapParams::default());
        j.metrics.centrality = Selection::parse(metrics).unwrap();
        j.skip_invalid = skip_invalid;
        j.out = tmp.path().join(format!("out{i}"));
        let e = pipeline::estimate(&j, &Silent).unwrap();
        let run = pipeline::analyze(&j, &Silent).unwrap();
        let estimated: Vec<&str> = e.stages.iter().map(|s| s.stage).collect();
        let timed: Vec<&str> = run.timings.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(estimated, timed, "--metrics {metrics}: the stages");
        let mut keys: Vec<&str> = run.summary["timings_s"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut sorted = estimated.clone();
        keys.sort_unstable();
        sorted.sort_unstable();
        assert_eq!(keys, sorted, "--metrics {metrics}: timings_s");
        let mut written: Vec<String> = std::fs::read_dir(&run.out)
            .unwrap()
            .map(|d| d.unwrap().file_name().to_string_lossy().into_owned())
            .filter_map(|n| n.strip_suffix(".parquet").map(str::to_string))
            .collect();
        let mut listed: Vec<String> = e.tables.iter().map(|t| t.table.to_string()).collect();
        written.sort();
        listed.sort();
        assert_eq!(listed, written, "--metrics {metrics}: the tables");
        assert_eq!(
            ecograph::plan::tables(&j.shape())
                .map(|t| t.name)
                .collect::<Vec<_>>(),
            e.tables.iter().map(|t| t.table).collect::<Vec<_>>()
        );
    }
}
