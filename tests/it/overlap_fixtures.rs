//! The overlap family compared with the independent SciPy / pandas reference
//! (`tests/fixtures/reference_overlap.py`; regenerate with
//! `bash tests/fixtures/regenerate.sh`): every pair and every column within 1e-12, the
//! conflicts as the same deal pairs, the per-partner columns and the by-type matrix, on
//! the demo, the four classic networks, a hand-written edge-case folder and a generated
//! ecosystem; also under `--overlap-top-k` / `--overlap-min-jaccard` /
//! `--overlap-threshold` / `--conflict-window-days`, and in all three output formats.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::common::*;
use arrow::array::{Array, Float64Array, Int64Array, StringArray};
use arrow::record_batch::RecordBatch;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * 1f64.max(a.abs().max(b.abs()))
}

fn expected(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// Cell `i` of column `name` as text (null = empty), floats compared separately.
enum Cell {
    Text(String),
    Int(i64),
    Float(f64),
}

fn cell(b: &RecordBatch, name: &str, i: usize) -> Cell {
    let a = b
        .column_by_name(name)
        .unwrap_or_else(|| panic!("column {name} missing"));
    if let Some(s) = a.as_any().downcast_ref::<StringArray>() {
        Cell::Text(if s.is_valid(i) {
            s.value(i).to_string()
        } else {
            String::new()
        })
    } else if let Some(x) = a.as_any().downcast_ref::<Int64Array>() {
        Cell::Int(x.value(i))
    } else {
        let x: &Float64Array = a.as_any().downcast_ref().expect("float column");
        Cell::Float(x.value(i))
    }
}

/// Compares a table with an expected CSV: same rows in the same order, the expected
/// file's columns (under `rename` where the names differ; renamed to "" = skipped),
/// floats within 1e-12.
pub(crate) fn compare(what: &str, got: &RecordBatch, want: &Path, rename: &[(&str, &str)]) {
    let (header, rows) = expected(want);
    assert_eq!(got.num_rows(), rows.len(), "{what}: row count");
    let names: HashMap<&str, &str> = rename.iter().copied().collect();
    for (c, col) in header.iter().enumerate() {
        let name = names.get(col.as_str()).copied().unwrap_or(col);
        if name.is_empty() {
            continue; // not compared in this run
        }
        for (i, row) in rows.iter().enumerate() {
            let w = &row[c];
            match cell(got, name, i) {
                Cell::Text(s) => assert_eq!(&s, w, "{what}: {col}, row {i}"),
                Cell::Int(x) => assert_eq!(x.to_string(), *w, "{what}: {col}, row {i}"),
                Cell::Float(x) => {
                    let wf: f64 = w.parse().unwrap_or_else(|_| panic!("{what}: {col} {w:?}"));
                    assert!(
                        close(x, wf),
                        "{what}: {col}, row {i}: got {x}, reference {wf}"
                    );
                }
            }
        }
    }
}

/// Reads a Parquet table (also when it has no row).
pub(crate) fn read(out: &Path, table: &str) -> RecordBatch {
    let path = out.join(format!("{table}.parquet"));
    let f = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
    let schema = b.schema().clone();
    let batches: Vec<RecordBatch> = b.build().unwrap().map(|b| b.unwrap()).collect();
    arrow::compute::concat_batches(&schema, &batches).unwrap()
}

struct Case {
    input: PathBuf,
    expected: PathBuf,
}

fn case(name: &'static str) -> Case {
    let f = repo().join("tests/fixtures");
    let (input, expected) = match name {
        "demo" => (demo(), f.join("demo/expected_overlap")),
        "edge" | "generated" => (
            f.join("overlap").join(name),
            f.join("overlap").join(name).join("expected"),
        ),
        network => (classic(network), classic(network).join("expected_overlap")),
    };
    Case { input, expected }
}

fn check(name: &'static str) {
    let c = case(name);
    // Default bound (top 10 per partner and dimension), threshold 0.5, window 90 days.
    let out = analyzed(&c.input);
    let e = &c.expected;
    compare(
        name,
        &read(&out, "overlap_pairs"),
        &e.join("overlap_pairs.top10.csv"),
        &[],
    );
    compare(
        name,
        &read(&out, "channel_conflicts"),
        &e.join("channel_conflicts.csv"),
        &[],
    );
    compare(
        name,
        &read(&out, "overlap_by_type"),
        &e.join("overlap_by_type.csv"),
        &[],
    );
    let pm = read(&out, "partner_metrics");
    let (header, _) = expected(&e.join("partner_overlap.csv"));
    assert!(header.contains(&"overlapping_partners_t025".to_string()));
    // The t025 column is checked below; compare the others here.
    let only_default = tempfile::tempdir().unwrap();
    let trimmed = only_default.path().join("partner_overlap.csv");
    trim_column(
        &e.join("partner_overlap.csv"),
        &trimmed,
        "overlapping_partners_t025",
    );
    compare(name, &pm, &trimmed, &[]);

    // The bounds, a different threshold and window.
    for (variant, flags) in [
        ("all", vec!["--overlap-top-k", "all"]),
        ("top1", vec!["--overlap-top-k", "1"]),
        (
            "top3",
            vec!["--overlap-top-k", "3", "--overlap-threshold", "0.25"],
        ),
        (
            "min0.3",
            vec![
                "--overlap-top-k",
                "all",
                "--overlap-min-jaccard",
                "0.3",
                "--conflict-window-days",
                "30",
            ],
        ),
        (
            "top2.min0.2",
            vec!["--overlap-top-k", "2", "--overlap-min-jaccard", "0.2"],
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = analyze(&c.input, dir.path(), &flags);
        let what = format!("{name} {variant}");
        compare(
            &what,
            &read(&out, "overlap_pairs"),
            &e.join(match variant {
                "all" => "overlap_pairs.csv".to_string(),
                v => format!("overlap_pairs.{v}.csv"),
            }),
            &[],
        );
        // The per-partner columns and the by-type matrix ignore the pair bounds.
        compare(
            &what,
            &read(&out, "overlap_by_type"),
            &e.join("overlap_by_type.csv"),
            &[],
        );
        let pm = read(&out, "partner_metrics");
        if variant == "top3" {
            compare(
                &what,
                &pm,
                &e.join("partner_overlap.csv"),
                &[
                    ("overlapping_partners_t025", "overlapping_partners"),
                    ("overlapping_partners", ""),
                ],
            );
        } else if variant == "min0.3" {
            // Window 30 days: the conflicts table and its per-partner count change.
            let conflicts = read(&out, "channel_conflicts");
            compare(&what, &conflicts, &e.join("channel_conflicts.w30.csv"), &[]);
            compare(&what, &pm, &trimmed, &[("conflicts", "")]);
            let mut naming: HashMap<String, i64> = HashMap::new();
            for col in ["partner_a", "partner_b"] {
                for id in strings(&conflicts, col) {
                    *naming.entry(id.unwrap()).or_default() += 1;
                }
            }
            let ids = strings(&pm, "partner_id");
            for (i, c) in ints(&pm, "conflicts").into_iter().enumerate() {
                let id = ids[i].as_ref().unwrap();
                assert_eq!(
                    c,
                    naming.get(id).copied().unwrap_or(0),
                    "{what}: conflicts of {id}"
                );
            }
        } else {
            compare(&what, &pm, &trimmed, &[]);
        }
    }
}

/// Copies a CSV without one column.
fn trim_column(src: &Path, dst: &Path, drop: &str) {
    let mut r = csv::Reader::from_path(src).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let keep: Vec<usize> = (0..header.len()).filter(|&i| header[i] != drop).collect();
    let mut w = csv::Writer::from_path(dst).unwrap();
    w.write_record(keep.iter().map(|&i| &header[i])).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        w.write_record(keep.iter().map(|&i| &rec[i])).unwrap();
    }
    w.flush().unwrap();
}

reference_case_tests!(check);

#[test]
fn edge_cases() {
    check("edge");
}

#[test]
fn generated_ecosystem() {
    check("generated");
}

/// The streamed table reads back the same in every format (CSV text compared by value).
#[test]
fn formats_agree() {
    let c = case("demo");
    let tmp = tempfile::tempdir().unwrap();
    let pq = analyzed(&c.input);
    let arrow_out = analyze(&c.input, &tmp.path().join("arrow"), &["--format", "arrow"]);
    let csv_out = analyze(&c.input, &tmp.path().join("csv"), &["--format", "csv"]);
    for table in ["overlap_pairs", "channel_conflicts", "overlap_by_type"] {
        let want = read(&pq, table);
        let f = std::fs::File::open(arrow_out.join(format!("{table}.arrow"))).unwrap();
        let r = arrow::ipc::reader::FileReader::try_new(f, None).unwrap();
        let meta = r.schema().metadata().get("ecograph").cloned();
        assert!(
            meta.is_some_and(|m| m.contains("\"overlap\"")),
            "{table}: run metadata"
        );
        let batches: Vec<RecordBatch> = r.map(|b| b.unwrap()).collect();
        let got = arrow::compute::concat_batches(&want.schema(), &batches).unwrap();
        assert_eq!(got.columns(), want.columns(), "{table}: arrow vs parquet");
        // CSV: header plus one line per row, the same ids in the same order.
        let text = std::fs::read_to_string(csv_out.join(format!("{table}.csv"))).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        let first = want.schema().field(0).name().clone();
        assert!(header.starts_with(&first), "{table}: csv header {header}");
        let firsts: Vec<String> = lines
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect();
        let col: Vec<String> = (0..want.num_rows())
            .map(|i| match cell(&want, &first, i) {
                Cell::Text(s) => s,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(firsts, col, "{table}: csv rows");
    }
}

#[test]
fn empty_tables_still_have_their_schema() {
    // A folder where nobody overlaps: one partner, one deal.
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("partners.csv"), "partner_id\nP1\n").unwrap();
    std::fs::write(input.join("deals.csv"), "deal_id,customer_id\nD1,C1\n").unwrap();
    std::fs::write(
        input.join("deal_partners.csv"),
        "deal_id,partner_id\nD1,P1\n",
    )
    .unwrap();
    for format in ["parquet", "csv", "arrow"] {
        let out = analyze(&input, &tmp.path().join(format), &["--format", format]);
        for table in ["overlap_pairs", "channel_conflicts", "overlap_by_type"] {
            let path = out.join(format!("{table}.{format}"));
            assert!(path.exists(), "{}", path.display());
            if format == "csv" {
                let text = std::fs::read_to_string(&path).unwrap();
                assert_eq!(text.lines().count(), 1, "{table}: header only");
            }
            if format == "parquet" {
                let f = std::fs::File::open(&path).unwrap();
                let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
                    .unwrap();
                assert_eq!(b.metadata().file_metadata().num_rows(), 0);
            }
        }
        let pm = out.join(format!("partner_metrics.{format}"));
        assert!(pm.exists());
    }
    let pm = read_parquet(&tmp.path().join("parquet/out/partner_metrics.parquet"));
    assert_eq!(floats(&pm, "max_customer_overlap"), vec![Some(0.0)]);
    assert_eq!(ints(&pm, "unique_customers"), vec![1]);
}

#[test]
fn bad_overlap_flags_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    for (flag, value, says) in [
        (
            "--overlap-top-k",
            "0",
            "must be at least 1 (or `all` for every pair)",
        ),
        (
            "--overlap-min-jaccard",
            "1.5",
            "--overlap-min-jaccard must be between 0 and 1",
        ),
        (
            "--overlap-min-jaccard",
            "-0.1",
            "--overlap-min-jaccard must be between 0 and 1",
        ),
        (
            "--overlap-threshold",
            "NaN",
            "--overlap-threshold must be between 0 and 1",
        ),
        (
            "--conflict-window-days",
            "-1",
            "--conflict-window-days must be",
        ),
        (
            "--conflict-window-days",
            "inf",
            "--conflict-window-days must be",
        ),
    ] {
        let o = run_analyze(&demo(), &out, &[flag, value]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{flag} {value}: {}", stderr(&o));
        assert!(!out.exists(), "nothing written on a bad flag");
    }
    // Not a number at all: clap's own usage error, also exit 2.
    let o = ecograph(&["analyze", "x", "--out", "y", "--overlap-top-k", "many"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn summary_records_parameters_and_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = analyze(
        &demo(),
        tmp.path(),
        &["--overlap-top-k", "2", "--conflict-window-days", "45.5"],
    );
    let s = summary(&out);
    let p = &s["parameters"]["result"]["metrics"]["overlap"];
    assert_eq!(p["top_k"], 2);
    assert_eq!(p["min_jaccard"], serde_json::Value::Null);
    assert_eq!(p["threshold"], 0.5);
    assert_eq!(p["conflict_window_days"], 45.5);
    let pairs = read(&out, "overlap_pairs");
    let o = &s["overlap"];
    let written = o["customer_pairs_written"].as_u64().unwrap()
        + o["product_pairs_written"].as_u64().unwrap();
    assert_eq!(written as usize, pairs.num_rows());
    assert!(o["customer_pairs"].as_u64().unwrap() >= o["customer_pairs_written"].as_u64().unwrap());
    assert_eq!(
        o["channel_conflicts"].as_u64().unwrap() as usize,
        read(&out, "channel_conflicts").num_rows()
    );
}

/// Same bytes for 1 and 2 threads, in every format, for the streamed table too.
#[test]
fn thread_count_does_not_change_a_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let input = case("generated").input;
    for format in ["parquet", "arrow", "csv"] {
        let run = |t: &str| {
            let out = analyze_into(
                &input,
                &tmp.path().join(format!("{format}-{t}")),
                &["--threads", t, "--format", format, "--overlap-top-k", "5"],
            );
            [
                "overlap_pairs",
                "channel_conflicts",
                "overlap_by_type",
                "partner_metrics",
            ]
            .map(|table| std::fs::read(out.join(format!("{table}.{format}"))).unwrap())
        };
        assert!(
            run("1") == run("2"),
            "{format} output differs between 1 and 2 threads"
        );
    }
}

/// The default bound against `--overlap-top-k all` on the generated ecosystem: the
/// default rows are exactly the pairs of the unbounded table that are among either
/// partner's 10 most similar (jaccard descending, then the other partner's id), in the
/// same order with the same values; and the bound in force is recorded under `overlap`
/// in the summary and in every table's metadata (null for `all`).
#[test]
fn default_bound_is_the_top_10_subset_of_every_pair() {
    let input = case("generated").input;
    let bounded = analyzed(&input);
    let tmp = tempfile::tempdir().unwrap();
    let every = analyze(&input, tmp.path(), &["--overlap-top-k", "all"]);
    let (b, a) = (
        read(&bounded, "overlap_pairs"),
        read(&every, "overlap_pairs"),
    );
    type Row = (String, String, String, u64);
    let rows = |t: &RecordBatch| -> Vec<Row> {
        let (d, pa, pb) = (
            strings(t, "dimension"),
            strings(t, "partner_a"),
            strings(t, "partner_b"),
        );
        let j = floats(t, "jaccard");
        (0..t.num_rows())
            .map(|i| {
                let s = |v: &[Option<String>]| v[i].clone().unwrap();
                (s(&d), s(&pa), s(&pb), j[i].unwrap().to_bits())
            })
            .collect()
    };
    let (got, all) = (rows(&b), rows(&a));
    // Per (dimension, partner): its pairs ranked best first; keep the first 10.
    let mut ranked: HashMap<(String, String), Vec<(f64, String)>> = HashMap::new();
    for (d, p, q, j) in &all {
        let j = f64::from_bits(*j);
        ranked
            .entry((d.clone(), p.clone()))
            .or_default()
            .push((j, q.clone()));
        ranked
            .entry((d.clone(), q.clone()))
            .or_default()
            .push((j, p.clone()));
    }
    let mut top = std::collections::HashSet::new();
    for ((d, p), mut row) in ranked {
        row.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(&y.1)));
        for (_, q) in row.into_iter().take(10) {
            let (lo, hi) = if p < q {
                (p.clone(), q)
            } else {
                (q, p.clone())
            };
            top.insert((d.clone(), lo, hi));
        }
    }
    let want: Vec<Row> = all
        .iter()
        .filter(|(d, p, q, _)| top.contains(&(d.clone(), p.clone(), q.clone())))
        .cloned()
        .collect();
    assert!(
        want.len() < all.len(),
        "the fixture must have more than 10 pairs a partner"
    );
    assert_eq!(got, want);
    // The rest of the row is the unbounded table's too.
    assert_eq!(b.num_columns(), a.num_columns());

    let s = summary(&bounded);
    assert_eq!(s["overlap"]["top_k"], 10);
    assert_eq!(s["parameters"]["result"]["metrics"]["overlap"]["top_k"], 10);
    assert_eq!(summary(&every)["overlap"]["top_k"], serde_json::Value::Null);
    for (out, want) in [
        (&bounded, serde_json::json!(10)),
        (&every, serde_json::Value::Null),
    ] {
        for entry in std::fs::read_dir(out).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "parquet") {
                let meta = parquet_run_metadata(&path);
                assert_eq!(meta["overlap"]["top_k"], want, "{}", path.display());
            }
        }
    }
}
