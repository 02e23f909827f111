//! What the Python package stands on, checked in Rust (issue 25): a run a progress hook
//! cancels leaves nothing behind; a results folder written again in another format
//! holds the tables `analyze --format F` writes; tables handed over in memory give the
//! folder's results.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, StringArray};
use arrow::record_batch::RecordBatch;
use ecograph::io::out::write::{CsvCells, OutputFormat};
use ecograph::plan::Stage;
use ecograph::progress::{Cancelled, Progress};
use ecograph::results::Results;

use crate::common::{analyze, analyzed, demo};

/// Cancels the run when stage `at` starts.
struct CancelAt(&'static str);

impl Progress for CancelAt {
    fn stage(&self, name: &str) {
        if name == self.0 {
            ecograph::progress::cancel();
        }
    }
    fn finish(&self, _: &str, _: f64) {}
}

fn job(out: &Path, extra: &[&str]) -> ecograph::pipeline::AnalyzeJob {
    let mut args = vec![
        demo().display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    ecograph::cli::analyze_job(&args, None).unwrap().0
}

#[test]
fn a_cancelled_run_unwinds_and_leaves_no_output_at_any_stage() {
    for stage in [Stage::Load, Stage::OverlapPairs, Stage::Export] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let j = job(&out, &[]);
        let progress = CancelAt(stage.name());
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            ecograph::pipeline::analyze(&j, &progress)
        }));
        let payload = r
            .err()
            .unwrap_or_else(|| panic!("not cancelled at {}", stage.name()));
        assert!(payload.is::<Cancelled>(), "{}", stage.name());
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert!(left.is_empty(), "{}: {left:?}", stage.name());
    }
    // The counter-example: the same hook on a stage that never runs cancels nothing.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let j = job(&out, &[]);
    ecograph::pipeline::analyze(&j, &CancelAt("no such stage")).unwrap();
    assert!(out.join("partner_metrics.parquet").is_file());
}

#[test]
fn results_written_again_in_another_format_hold_the_cli_tables() {
    let parquet = analyzed(&demo());
    let tmp = tempfile::tempdir().unwrap();
    let cli_arrow = analyze(&demo(), tmp.path(), &["--format", "arrow"]);
    let again = tmp.path().join("again");
    Results::read(&parquet)
        .unwrap()
        .write_as(&again, OutputFormat::Arrow, CsvCells::Safe, false)
        .unwrap();
    let (a, b) = (
        Results::read(&cli_arrow).unwrap(),
        Results::read(&again).unwrap(),
    );
    assert_eq!(a.table_names(), b.table_names());
    for name in a.table_names() {
        assert_eq!(a.load(name).unwrap(), b.load(name).unwrap(), "{name}");
        let file = format!("{name}.arrow");
        let meta = |dir: &Path| {
            let f = std::fs::File::open(dir.join(&file)).unwrap();
            let r = arrow::ipc::reader::FileReader::try_new(f, None).unwrap();
            r.schema().metadata().clone()
        };
        assert_eq!(meta(&cli_arrow), meta(&again), "{name}'s run metadata");
    }
    let params = |dir: &Path| crate::common::summary(dir)["parameters"]["format"].clone();
    assert_eq!(params(&again), "arrow");
    // Never over its own folder, and CSV results (no run metadata) are refused.
    let r = Results::read(&parquet).unwrap();
    assert!(r
        .write_as(&parquet, OutputFormat::Csv, CsvCells::Safe, true)
        .is_err());
    let csv = tmp.path().join("csv");
    r.write_as(&csv, OutputFormat::Csv, CsvCells::Safe, false)
        .unwrap();
    let e = Results::read(&csv)
        .unwrap()
        .write_as(
            &tmp.path().join("x"),
            OutputFormat::Parquet,
            CsvCells::Safe,
            false,
        )
        .unwrap_err();
    assert!(e.to_string().contains("CSV"), "{e}");
}

#[test]
fn tables_in_memory_give_the_folders_results() {
    // The demo's tables as text columns, as a caller holding CSV-typed data would.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mem");
    let j = job(&out, &[]);
    let mut raw = Vec::new();
    for table in [
        "partners",
        "deals",
        "deal_partners",
        "partner_products",
        "products",
        "customers",
    ] {
        let path = demo().join(format!("{table}.csv"));
        if !path.is_file() {
            continue;
        }
        let mut rdr = csv_reader(&path);
        let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
        let mut cols: Vec<Vec<Option<String>>> = vec![Vec::new(); header.len()];
        for rec in rdr.records() {
            let rec = rec.unwrap();
            for (i, v) in rec.iter().enumerate() {
                cols[i].push((!v.is_empty()).then(|| v.to_string()));
            }
        }
        let arrays: Vec<(String, ArrayRef)> = header
            .iter()
            .zip(cols)
            .map(|(h, c)| (h.clone(), Arc::new(StringArray::from(c)) as ArrayRef))
            .collect();
        let batch = RecordBatch::try_from_iter(arrays).unwrap();
        let source =
            ecograph::io::raw::SourceFile::in_memory(table, ecograph::io::InputFormat::Csv);
        raw.push(
            ecograph::io::raw::RawTable::from_arrow(table, source, &[batch], &j.settings).unwrap(),
        );
    }
    let raw = ecograph::io::raw::RawTables::new(raw, &j.settings).unwrap();
    ecograph::pipeline::analyze_from(
        &j,
        ecograph::pipeline::Source::Tables(Box::new(raw)),
        &ecograph::progress::Silent,
    )
    .unwrap();
    let (a, b) = (
        Results::read(&analyzed(&demo())).unwrap(),
        Results::read(&out).unwrap(),
    );
    for name in a.table_names() {
        assert_eq!(a.load(name).unwrap(), b.load(name).unwrap(), "{name}");
    }
    assert_eq!(
        crate::common::summary(&out)["inputs"],
        serde_json::json!({})
    );
}

fn csv_reader(path: &Path) -> csv::Reader<std::fs::File> {
    csv::ReaderBuilder::new().from_path(path).unwrap()
}

/// Runs `analyze` on a pool whose threads watch `flag` (as the Python package's do).
fn analyze_watched(
    out: &Path,
    flag: bool,
) -> std::thread::Result<ecograph::Result<ecograph::pipeline::AnalyzeReport>> {
    use std::sync::atomic::AtomicBool;
    let flag = Arc::new(AtomicBool::new(flag));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .start_handler(move |_| ecograph::progress::watch_this_thread(Some(Arc::clone(&flag))))
        .build()
        .unwrap();
    let j = job(out, &[]);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pool.install(|| ecograph::pipeline::analyze(&j, &ecograph::progress::Silent))
    }))
}

#[test]
fn a_kernel_checkpoint_stops_only_a_watched_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // The flag already set: the first checkpoint (a stage's start) unwinds.
    let payload = analyze_watched(&out, true).expect_err("stopped");
    assert!(payload.is::<Cancelled>());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    // Watched but not stopped, and a thread no one watches: both run to the end.
    analyze_watched(&out, false).unwrap().unwrap();
    ecograph::progress::checkpoint();
    assert!(out.join("partner_metrics.parquet").is_file());
}

#[test]
fn writing_results_again_carries_only_what_ecograph_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let src = analyze(&demo(), tmp.path(), &["--report", "--metrics", "none"]);
    std::fs::write(src.join("notes.txt"), "mine").unwrap();
    std::os::unix::fs::symlink(demo().join("deals.csv"), src.join("deals-link.html")).unwrap();
    let again = tmp.path().join("again");
    Results::read(&src)
        .unwrap()
        .write_as(&again, OutputFormat::Csv, CsvCells::Safe, false)
        .unwrap();
    let names = crate::common::names(&again);
    assert!(names.contains(&"report.html".to_string()), "{names:?}");
    assert!(
        names.contains(&"partner_metrics.csv".to_string()),
        "{names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n == "notes.txt" || n == "deals-link.html"),
        "{names:?}"
    );
    // The source is left as it was.
    assert!(src.join("notes.txt").is_file() && src.join("deals-link.html").exists());
}
