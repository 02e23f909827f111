//! Helpers shared by the integration tests: run the binary, read output tables back.
#![allow(dead_code)]

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use arrow::array::{Array, Float64Array, Int64Array, StringArray};
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn demo() -> PathBuf {
    repo().join("datasets/demo")
}

/// Runs `ecograph ARGS` quietly and returns its output.
pub(crate) fn ecograph(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecograph"))
        .args(args)
        .arg("--quiet")
        .output()
        .expect("the binary runs")
}

pub(crate) fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "ecograph failed ({:?}):\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Analyzes `input` into `dir/out` (with extra flags) and returns the output folder.
pub(crate) fn analyze(input: &Path, dir: &Path, extra: &[&str]) -> PathBuf {
    analyze_into(input, &dir.join("out"), extra)
}

/// Runs `ecograph analyze INPUT --out OUT EXTRA...` quietly and returns its output,
/// whatever the outcome: the caller checks the exit code.
pub(crate) fn run_analyze(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "analyze",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    ecograph(&args)
}

/// Analyzes `input` into the folder `out` (with extra flags), which it returns.
pub(crate) fn analyze_into(input: &Path, out: &Path, extra: &[&str]) -> PathBuf {
    ok(&run_analyze(input, out, extra));
    out.to_path_buf()
}

/// The output folder of `ecograph analyze INPUT` with the default settings, shared by
/// every test of the process: the first caller for an input runs it, callers for the
/// same input meanwhile wait, later ones get the same folder. So the reference, overlap
/// and network-effect suites and the demo tests analyze each dataset once per test run.
/// Read only: a test that changes an output folder, or needs flags, runs `analyze`.
pub(crate) fn analyzed(input: &Path) -> PathBuf {
    type Runs = Mutex<HashMap<PathBuf, Arc<OnceLock<PathBuf>>>>;
    static RUNS: LazyLock<Runs> = LazyLock::new(Runs::default);
    let input = input
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", input.display()));
    let run = RUNS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(input.clone())
        .or_default()
        .clone();
    // A run that fails panics in its test and leaves the cell empty for the next caller.
    run.get_or_init(|| {
        let repo = repo().canonicalize().unwrap_or_else(|_| repo());
        let name = input.strip_prefix(repo).unwrap_or(&input);
        let name = name.to_string_lossy().replace(['/', '\\'], "-");
        analyze_into(&input, &shared_runs().join(name), &[])
    })
    .clone()
}

/// This process's folder for `analyzed` runs: `target/tmp/shared-runs/PID`, kept until the
/// next test process, which removes the folders of processes that are gone.
fn shared_runs() -> &'static Path {
    static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("shared-runs");
        if Path::new("/proc/self").exists() {
            for entry in std::fs::read_dir(&root).into_iter().flatten().flatten() {
                if !Path::new("/proc").join(entry.file_name()).exists() {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        // A folder of an earlier process with the same id goes too.
        let dir = root.join(std::process::id().to_string());
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        dir
    });
    &DIR
}

/// The names in a folder, sorted.
pub(crate) fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Every file below a folder with its bytes, to prove a folder was left untouched.
pub(crate) fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for n in names(dir) {
        let p = dir.join(&n);
        if p.is_dir() {
            for (m, b) in snapshot(&p) {
                out.push((format!("{n}/{m}"), b));
            }
        } else {
            out.push((n, std::fs::read(p).unwrap()));
        }
    }
    out
}

/// Reads a Parquet file into one batch.
pub(crate) fn read_parquet(path: &Path) -> RecordBatch {
    let f = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
    arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap()
}

pub(crate) fn col<'a, T: 'static>(b: &'a RecordBatch, name: &str) -> &'a T {
    b.column_by_name(name)
        .unwrap_or_else(|| panic!("column {name} missing"))
        .as_any()
        .downcast_ref::<T>()
        .unwrap_or_else(|| {
            panic!(
                "column {name} has type {:?}",
                b.column_by_name(name).unwrap().data_type()
            )
        })
}

pub(crate) fn strings(b: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let a: &StringArray = col(b, name);
    (0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i).to_string()))
        .collect()
}

pub(crate) fn floats(b: &RecordBatch, name: &str) -> Vec<Option<f64>> {
    let a: &Float64Array = col(b, name);
    (0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i)))
        .collect()
}

pub(crate) fn ints(b: &RecordBatch, name: &str) -> Vec<i64> {
    let a: &Int64Array = col(b, name);
    a.values().to_vec()
}

/// The column names of a batch, in order.
pub(crate) fn column_names(b: &RecordBatch) -> Vec<&str> {
    b.schema_ref()
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect()
}

/// A JSON file, parsed.
pub(crate) fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `ecosystem_summary.json` of an output folder, parsed.
pub(crate) fn summary(out: &Path) -> serde_json::Value {
    read_json(&out.join("ecosystem_summary.json"))
}

/// The run metadata of a Parquet output file (its `ecograph` key-value entry), parsed.
pub(crate) fn parquet_run_metadata(path: &Path) -> serde_json::Value {
    use parquet::file::reader::FileReader;
    let f = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = parquet::file::serialized_reader::SerializedFileReader::new(f).unwrap();
    let kv = reader
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .unwrap();
    let ours = kv
        .iter()
        .find(|k| k.key == "ecograph")
        .expect("ecograph metadata");
    serde_json::from_str(ours.value.as_deref().unwrap()).unwrap()
}

/// A CSV file's header and its rows, each row by column name.
pub(crate) fn csv_rows(path: &Path) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect();
    (header, rows)
}

/// The six input tables' names (their file stems), in the contract's order.
pub(crate) fn table_names() -> [&'static str; 6] {
    ecograph::schema::TABLES.map(|t| t.name)
}

/// The input folder of a classic network: `tests/fixtures/classic/NAME`.
pub(crate) fn classic(name: &str) -> PathBuf {
    repo().join("tests/fixtures/classic").join(name)
}

/// The input folder of a reference case and the folder of its reference results:
/// `demo` (the shipped demo; references in `tests/fixtures/demo/expected`),
/// `generated` (`tests/fixtures/generated`) or a classic network (see [`classic`]),
/// the last two with their references in their own `expected` folder.
pub(crate) fn reference_case(name: &str) -> (PathBuf, PathBuf) {
    match name {
        "demo" => (demo(), repo().join("tests/fixtures/demo/expected")),
        "generated" => {
            let dir = repo().join("tests/fixtures/generated");
            (dir.clone(), dir.join("expected"))
        }
        network => (classic(network), classic(network).join("expected")),
    }
}

/// The tests every reference suite runs, one per case, each calling `$check(CASE)`:
/// `demo_dataset` (case `demo`), `karate_club` (`karate`), `florentine_families`
/// (`florentine`), `davis_southern_women` (`davis`) and `les_miserables` (`lesmis`).
macro_rules! reference_case_tests {
    ($check:path) => {
        #[test]
        fn demo_dataset() {
            $check("demo");
        }

        #[test]
        fn karate_club() {
            $check("karate");
        }

        #[test]
        fn florentine_families() {
            $check("florentine");
        }

        #[test]
        fn davis_southern_women() {
            $check("davis");
        }

        #[test]
        fn les_miserables() {
            $check("lesmis");
        }
    };
}
pub(crate) use reference_case_tests;

/// A small valid ecosystem in contract form, for bad-input tests to break.
pub(crate) fn write_small_valid(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("partners.csv"),
        "partner_id,name,partner_type,tier,region,joined_at\n\
         P1,Acme,reseller,gold,NA,2021-01-01\n\
         P2,Globex,isv,silver,EMEA,2021-02-01\n\
         P3,Initech,msp,,APAC,2021-03-01\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("deals.csv"),
        "deal_id,customer_id,product_id,amount,stage,created_at,closed_at,region\n\
         D1,C1,X,1000,won,2021-04-01,2021-05-01,NA\n\
         D2,C1,X,500.5,lost,2021-04-02,2021-06-01,NA\n\
         D3,C2,Y,,open,2021-05-01,,EMEA\n\
         D4,C3,Y,250,,2021-06-01,2021-07-01,APAC\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("deal_partners.csv"),
        "deal_id,partner_id,role\n\
         D1,P1,sourced\n\
         D1,P2,influenced\n\
         D2,P2,sourced\n\
         D3,P3,\n",
    )
    .unwrap();
}

/// `a` and `b` agree within `tol`, absolutely below 1 and relatively above (sums in
/// another order than the reference's differ in the last bits, scaled by magnitude).
pub(crate) fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * 1f64.max(a.abs().max(b.abs()))
}

/// Runs `f` on a rayon pool of `t` threads.
pub(crate) fn on_threads<T: Send>(t: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(t)
        .build()
        .unwrap()
        .install(f)
}

/// Starts `analyze` on a run that takes seconds, waits for its staging folder, sends
/// `signal`, and checks it exits 130 leaving nothing behind.
pub(crate) fn signal_leaves_nothing(signal: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("big");
    ok(&ecograph(&[
        "generate",
        "--out",
        input.to_str().unwrap(),
        "--partners",
        "3000",
        "--deals",
        "60000",
    ]));
    let out = tmp.path().join("out");
    let child = Command::new(env!("CARGO_BIN_EXE_ecograph"))
        .args([
            "analyze",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let staging = |dir: &Path| {
        names(dir)
            .iter()
            .any(|n| n.starts_with(".out.ecograph-tmp-"))
    };
    let start = std::time::Instant::now();
    while !staging(tmp.path()) && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(staging(tmp.path()), "no staging folder appeared");
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let o = child.wait_with_output().unwrap();
    // The signal lands milliseconds after the staging folder appears, while a run of
    // this size takes seconds: an exit 0 here means the signal was not handled.
    assert_eq!(o.status.code(), Some(130), "{signal}: {}", stderr(&o));
    assert!(
        stderr(&o).contains("interrupted"),
        "{signal}: {}",
        stderr(&o)
    );
    assert_eq!(names(tmp.path()), vec!["big"], "leftovers after {signal}");
}

/// The code of every warning the summary of the output folder `out` records.
pub(crate) fn warning_codes(out: &Path) -> Vec<String> {
    summary(out)["validation"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect()
}
