//! Parquet and Arrow IPC files written by other tools (pyarrow, polars; with every
//! compression codec and several writer options) are read exactly like the same tables
//! as CSV: ecograph must never refuse a legitimate file (`src/io/binary_check.rs` checks
//! them before polars decodes them).
//!
//! Fixtures: `tests/fixtures/foreign/`, one folder per writer and options, written by
//! `bash tests/fixtures/foreign/make.sh` (pinned pyarrow and polars). Folders named
//! `typed-*` hold `csv-int/` with real types (int64 ids, float64 amount, date32 or
//! timestamp dates); every other variant holds `csv/` as strings (amount float64).

use std::path::{Path, PathBuf};

use crate::common::{read_json, repo, run_analyze, stderr};

/// How many variant folders make.py writes (deleting or adding one must show here).
const VARIANTS: usize = 33;

fn foreign() -> PathBuf {
    repo().join("tests/fixtures/foreign")
}

/// The variant folders (every folder but the CSV baselines), sorted.
fn variants() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(foreign())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "csv" && n != "csv-int")
        .collect();
    v.sort();
    v
}

/// The CSV folder a variant holds the data of.
fn baseline_of(variant: &str) -> &'static str {
    if variant.starts_with("typed-") {
        "csv-int"
    } else {
        "csv"
    }
}

/// Runs `analyze INPUT --out OUT --format csv`; the error text if it did not succeed.
fn run(input: &Path, out: &Path) -> Result<(), String> {
    let o = run_analyze(input, out, &["--format", "csv"]);
    if o.status.success() {
        Ok(())
    } else {
        Err(format!("exit {:?}: {}", o.status.code(), stderr(&o).trim()))
    }
}

/// The output CSV files of a run, by name, with their bytes.
fn csv_outputs(out: &Path) -> Vec<(String, Vec<u8>)> {
    crate::common::names(out)
        .into_iter()
        .filter(|n| n.ends_with(".csv"))
        .map(|n| {
            let b = std::fs::read(out.join(&n)).unwrap();
            (n, b)
        })
        .collect()
}

/// ecosystem_summary.json without what differs by input file (hashes, paths, timings,
/// the file name a warning or the basis names: `deals.csv` or `deals.parquet`).
fn summary(out: &Path) -> serde_json::Value {
    let mut v = read_json(&out.join("ecosystem_summary.json"));
    let m = v.as_object_mut().expect("the summary is an object");
    for k in ["timings_s", "inputs", "parameters"] {
        m.remove(k);
    }
    for (section, list) in [("validation", "warnings"), ("basis", "tables")] {
        if let Some(rows) = v[section][list].as_array_mut() {
            for w in rows.iter_mut().filter_map(|w| w.as_object_mut()) {
                w.remove("file");
            }
        }
    }
    v
}

/// What a variant's run differs in from its baseline's (empty if nothing).
fn differences(
    variant: &str,
    out: &Path,
    base_csv: &[(String, Vec<u8>)],
    base_summary: &serde_json::Value,
) -> Vec<String> {
    let mut d = Vec::new();
    let got = csv_outputs(out);
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    if names(&got) != names(base_csv) {
        d.push(format!(
            "{variant}: output files {:?}, the CSV input gives {:?}",
            names(&got),
            names(base_csv)
        ));
    }
    for (name, bytes) in &got {
        if let Some((_, want)) = base_csv.iter().find(|(n, _)| n == name)
            && bytes != want
        {
            d.push(format!(
                "{variant}: {name} differs from the CSV input's\n--- got:\n{}\n--- want:\n{}",
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(want)
            ));
        }
    }
    let s = summary(out);
    if &s != base_summary {
        d.push(format!(
            "{variant}: ecosystem_summary.json differs from the CSV input's\n--- got:\n{}\n--- want:\n{}",
            serde_json::to_string_pretty(&s).unwrap(),
            serde_json::to_string_pretty(base_summary).unwrap()
        ));
    }
    d
}

#[test]
fn every_variant_folder_is_found() {
    let v = variants();
    assert_eq!(
        v.len(),
        VARIANTS,
        "variant folders under {}: {v:?}",
        foreign().display()
    );
    for name in &v {
        let dir = foreign().join(name);
        let files = crate::common::names(&dir);
        let ext = if files.iter().any(|f| f.ends_with(".parquet")) {
            "parquet"
        } else {
            "arrow"
        };
        let want: Vec<String> = ["deal_partners", "deals", "partners"]
            .iter()
            .map(|t| format!("{t}.{ext}"))
            .collect();
        assert_eq!(files, want, "{name}: three tables in one format");
    }
}

#[test]
fn foreign_files_read_exactly_like_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let mut baselines = Vec::new();
    for base in ["csv", "csv-int"] {
        let out = tmp.path().join(format!("base-{base}"));
        run(&foreign().join(base), &out).unwrap_or_else(|e| panic!("{base}: {e}"));
        let csv = csv_outputs(&out);
        assert!(!csv.is_empty(), "{base}: no output CSV");
        baselines.push((base, csv, summary(&out)));
    }
    let variants = variants();
    assert_eq!(variants.len(), VARIANTS, "variant folders: {variants:?}");
    // Run every variant before failing, so one run reports every refused file.
    let mut failures = Vec::new();
    for (i, variant) in variants.iter().enumerate() {
        let (_, base_csv, base_summary) = baselines
            .iter()
            .find(|(b, _, _)| *b == baseline_of(variant))
            .unwrap();
        let out = tmp.path().join(format!("x{i}"));
        match run(&foreign().join(variant), &out) {
            Err(e) => failures.push(format!("{variant}: ecograph refused it: {e}")),
            Ok(()) => failures.extend(differences(variant, &out, base_csv, base_summary)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} foreign variants are not read like their CSV form:\n\n{}",
        failures.len(),
        variants.len(),
        failures.join("\n\n")
    );
}
