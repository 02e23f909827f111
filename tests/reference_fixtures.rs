//! partner_metrics and the summary compared with an independent NetworkX / pandas
//! implementation (`tests/fixtures/reference.py`; regenerate with
//! `bash tests/fixtures/regenerate.sh`) on the classic networks and the demo dataset.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::*;

/// Absolute-or-relative closeness: values are compared within 1e-9 (scaled by magnitude
/// for revenue sums, whose summation order differs from the reference's `fsum`).
fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * 1f64.max(a.abs().max(b.abs()))
}

fn expected_rows(path: &Path) -> (Vec<String>, Vec<HashMap<String, String>>) {
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

fn check_case(name: &str, input: &Path, expected: &Path) {
    let tmp = tempfile::tempdir().unwrap();
    let out = analyze(input, tmp.path(), &[]);
    let pm = read_parquet(&out.join("partner_metrics.parquet"));
    let (header, rows) = expected_rows(&expected.join("partner_metrics.csv"));
    assert_eq!(pm.num_rows(), rows.len(), "{name}: row count");
    let ids = strings(&pm, "partner_id");
    for column in header {
        for (i, exp) in rows.iter().enumerate() {
            let want = &exp[&column];
            assert_eq!(
                ids[i].as_deref(),
                Some(exp["partner_id"].as_str()),
                "{name}: partner order"
            );
            let got: Option<f64> = match pm.column_by_name(&column).unwrap().data_type() {
                arrow::datatypes::DataType::Utf8 => {
                    assert_eq!(strings(&pm, &column)[i].as_deref(), Some(want.as_str()));
                    continue;
                }
                arrow::datatypes::DataType::Int64 => Some(ints(&pm, &column)[i] as f64),
                _ => floats(&pm, &column)[i],
            };
            match (got, want.as_str()) {
                (None, "") => {}
                (Some(g), w) if !w.is_empty() => {
                    let w: f64 = w.parse().unwrap();
                    assert!(
                        close(g, w, 1e-9),
                        "{name}: {column} of {}: got {g}, reference {w}",
                        exp["partner_id"]
                    );
                }
                (g, w) => panic!(
                    "{name}: {column} of {}: got {g:?}, reference {w:?}",
                    exp["partner_id"]
                ),
            }
        }
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("ecosystem_summary.json")).unwrap())
            .unwrap();
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(expected.join("summary.json")).unwrap())
            .unwrap();
    for section in ["counts", "network", "revenue", "partner_lift"] {
        for (key, want) in reference[section].as_object().unwrap() {
            let got = &summary[section][key];
            match (got.as_f64(), want.as_f64()) {
                (Some(g), Some(w)) => assert!(
                    close(g, w, 1e-9),
                    "{name}: {section}.{key}: got {g}, reference {w}"
                ),
                _ => assert_eq!(got, want, "{name}: {section}.{key}"),
            }
        }
    }
    let total = summary["revenue"]["total_won_revenue"].as_f64().unwrap();
    assert!(
        close(
            total,
            reference["total_won_revenue"].as_f64().unwrap(),
            1e-12
        ),
        "{name}: total won revenue"
    );
}

fn classic(name: &str) {
    let dir = repo().join("tests/fixtures/classic").join(name);
    check_case(name, &dir, &dir.join("expected"));
}

#[test]
fn karate_club() {
    classic("karate");
}

#[test]
fn florentine_families() {
    classic("florentine");
}

#[test]
fn davis_southern_women() {
    classic("davis");
}

#[test]
fn les_miserables() {
    classic("lesmis");
}

#[test]
fn demo_dataset() {
    check_case(
        "demo",
        &demo(),
        &repo().join("tests/fixtures/demo/expected"),
    );
}
