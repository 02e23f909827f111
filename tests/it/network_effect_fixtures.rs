//! diversification, network_growth, the summary's growth fits, reach_loss, customer_hhi
//! and the targeted resilience curve compared with an independent NetworkX / numpy /
//! pandas implementation (`tests/fixtures/reference_network_effect.py`; regenerate with
//! `bash tests/fixtures/regenerate.sh`) on the classic networks, the demo and a small
//! generated ecosystem: every value within 1e-9. The random resilience curve depends on
//! ecograph's RNG, so it is checked here by properties (bounds, monotone, same start as
//! the targeted curve, multiples of 1 / (orders n)) and in
//! `network_effect_properties.rs` against a brute-force recount of the same orders.

use std::collections::HashMap;
use std::path::Path;

use crate::common::*;
use arrow::array::{Array, Date32Array};
use arrow::record_batch::RecordBatch;

/// The rows of an expected CSV, by column name.
fn expected_rows(path: &Path) -> Vec<HashMap<String, String>> {
    csv_rows(path).1
}

/// The value of `column` in row `i` as text (strings, dates) or a number.
enum Cell {
    Text(Option<String>),
    Num(Option<f64>),
}

fn cell(b: &RecordBatch, column: &str, i: usize) -> Cell {
    use arrow::datatypes::DataType;
    let a = b
        .column_by_name(column)
        .unwrap_or_else(|| panic!("column {column} missing"));
    match a.data_type() {
        DataType::Utf8 => Cell::Text(strings(b, column)[i].clone()),
        DataType::Date32 => {
            let d: &Date32Array = col(b, column);
            Cell::Text(
                d.is_valid(i)
                    .then(|| d.value_as_date(i).unwrap().to_string()),
            )
        }
        DataType::Int64 => Cell::Num(Some(ints(b, column)[i] as f64)),
        _ => Cell::Num(floats(b, column)[i]),
    }
}

/// Every column of the expected CSV against the same-named column of `got`, row by row.
fn compare_table(case: &str, table: &str, got: &RecordBatch, expected: &[HashMap<String, String>]) {
    assert_eq!(got.num_rows(), expected.len(), "{case}: {table} row count");
    for (i, row) in expected.iter().enumerate() {
        for (column, want) in row {
            let what = format!("{case}: {table} row {i} column {column}");
            match cell(got, column, i) {
                Cell::Text(g) => assert_eq!(g.as_deref().unwrap_or(""), want, "{what}"),
                Cell::Num(None) => assert_eq!(want, "", "{what}: got null"),
                Cell::Num(Some(g)) => {
                    let w: f64 = want
                        .parse()
                        .unwrap_or_else(|_| panic!("{what}: got {g}, reference {want:?}"));
                    assert!(close(g, w, 1e-9), "{what}: got {g}, reference {w}");
                }
            }
        }
    }
}

/// Every table and summary value of a reference case (see [`reference_case`]).
fn check_case(case: &str) {
    let (input, expected) = reference_case(case);
    let expected = expected.as_path();
    let out = analyzed(&input);
    for table in ["diversification", "network_growth"] {
        compare_table(
            case,
            table,
            &read_parquet(&out.join(format!("{table}.parquet"))),
            &expected_rows(&expected.join(format!("{table}.csv"))),
        );
    }
    // reach_loss and customer_hhi are partner_metrics columns.
    compare_table(
        case,
        "partner_metrics",
        &read_parquet(&out.join("partner_metrics.parquet")),
        &expected_rows(&expected.join("partner_network_effect.csv")),
    );

    let summary = summary(&out);
    let want = read_json(&expected.join("growth.json"));
    let keys = want.as_object().unwrap();
    assert_eq!(keys.len(), 5, "{case}: growth.json keys");
    for (key, w) in keys {
        let g = &summary["growth"][key];
        match (g.as_f64(), w.as_f64()) {
            (Some(g), Some(w)) => assert!(close(g, w, 1e-9), "{case}: growth.{key}: {g} vs {w}"),
            _ => assert_eq!(g, w, "{case}: growth.{key}"),
        }
    }

    let res = read_parquet(&out.join("resilience.parquet"));
    assert_eq!(res.num_rows(), 16, "{case}: 8 targeted + 8 random rows");
    let targeted = arrow::compute::kernels::take::take_record_batch(
        &res,
        &arrow::array::UInt32Array::from((0..8).collect::<Vec<u32>>()),
    )
    .unwrap();
    compare_table(
        case,
        "resilience (targeted)",
        &targeted,
        &expected_rows(&expected.join("resilience_targeted.csv")),
    );
    check_random_curve(case, &res, &summary);
}

/// The random curve: the contract's fractions, starts at the full network's largest
/// component, never rises, is a mean of integer sizes, and never exceeds what is left.
fn check_random_curve(case: &str, res: &RecordBatch, summary: &serde_json::Value) {
    let strategy = strings(res, "strategy");
    let fraction = floats(res, "removed_fraction");
    let lcc = floats(res, "lcc_fraction");
    let n = summary["counts"]["partners"].as_f64().unwrap();
    let orders = summary["parameters"]["result"]["metrics"]["resilience"]["orders"]
        .as_f64()
        .unwrap();
    assert!(orders >= 20.0, "{case}: contract: at least 20 orders");
    let fractions = [0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5];
    for (j, f) in fractions.iter().enumerate() {
        assert_eq!(strategy[j].as_deref(), Some("targeted"));
        assert_eq!(strategy[8 + j].as_deref(), Some("random"));
        assert_eq!(fraction[j], Some(*f));
        assert_eq!(fraction[8 + j], Some(*f));
        let r = lcc[8 + j].unwrap();
        assert!((0.0..=1.0).contains(&r), "{case}: random lcc {r}");
        // A mean of integer sizes over orders x n partners.
        let scaled = r * orders * n;
        assert!(
            (scaled - scaled.round()).abs() < 1e-6,
            "{case}: {r} not k/(orders n)"
        );
        // Removing k partners leaves at most n - k.
        let k = (f * 100.0).round() as u64 * n as u64 / 100;
        assert!(
            r * n <= (n as u64 - k) as f64 + 1e-9,
            "{case}: lcc above what is left"
        );
        if j > 0 {
            assert!(
                r <= lcc[8 + j - 1].unwrap() + 1e-15,
                "{case}: random curve rises"
            );
        }
    }
    let full = summary["network"]["lcc_fraction"].as_f64().unwrap();
    assert!(
        close(lcc[0].unwrap(), full, 1e-15),
        "{case}: targeted start"
    );
    assert!(close(lcc[8].unwrap(), full, 1e-15), "{case}: random start");
}

reference_case_tests!(check_case);

#[test]
fn generated_dataset() {
    check_case("generated");
}

/// Known facts of the classic networks, independent of any reference file.
#[test]
fn medici_and_the_karate_instructor_hold_their_networks_together() {
    let pm = read_parquet(&analyzed(&classic("florentine")).join("partner_metrics.parquet"));
    let ids = strings(&pm, "partner_id");
    let rl = floats(&pm, "reach_loss");
    let top = (0..ids.len())
        .max_by(|&a, &b| rl[a].unwrap().total_cmp(&rl[b].unwrap()))
        .unwrap();
    assert_eq!(ids[top].as_deref(), Some("Medici"));
    // Pucci has no marriage tie: isolated, so losing it cuts nobody off.
    let pucci = ids
        .iter()
        .position(|i| i.as_deref() == Some("Pucci"))
        .unwrap();
    assert_eq!(rl[pucci], Some(0.0));

    // Karate: the instructor (member 0) is the only cut vertex. Without it the club
    // falls into {4, 5, 6, 10, 16}, {11} and the other 27 members: of the 561 connected
    // pairs (C(34, 2)), C(33, 2) - C(27, 2) - C(5, 2) - C(1, 2) = 167 lose their path.
    let pm = read_parquet(&analyzed(&classic("karate")).join("partner_metrics.parquet"));
    let rl = floats(&pm, "reach_loss");
    assert_eq!(strings(&pm, "partner_id")[0].as_deref(), Some("K00"));
    assert!(
        (rl[0].unwrap() - 167.0 / 561.0).abs() < 1e-15,
        "{:?}",
        rl[0]
    );
    assert!(rl[1..].iter().all(|&x| x == Some(0.0)));
}

#[test]
fn tables_do_not_change_with_the_thread_count_and_carry_the_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |t: &str, seed: &str| {
        analyze_into(
            &demo(),
            &tmp.path().join(format!("t{t}-s{seed}")),
            &["--threads", t, "--resilience-seed", seed],
        )
    };
    let (one, two, other) = (run("1", "42"), run("2", "42"), run("2", "7"));
    for table in ["diversification", "network_growth", "resilience"] {
        let file = format!("{table}.parquet");
        assert!(
            std::fs::read(one.join(&file)).unwrap() == std::fs::read(two.join(&file)).unwrap(),
            "{table} differs between 1 and 2 threads"
        );
    }
    let meta = |dir: &Path| parquet_run_metadata(&dir.join("resilience.parquet"));
    assert_eq!(
        meta(&one)["parameters"]["metrics"]["resilience"]["seed"],
        42
    );
    assert_eq!(
        meta(&other)["parameters"]["metrics"]["resilience"]["seed"],
        7
    );
    let random = |dir: &Path| {
        floats(
            &read_parquet(&dir.join("resilience.parquet")),
            "lcc_fraction",
        )
    };
    assert_ne!(
        random(&one),
        random(&other),
        "the seed drives the random curve"
    );
    assert_eq!(
        random(&one)[..8],
        random(&other)[..8],
        "targeted ignores the seed"
    );
}

#[test]
fn bad_seed_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let r = run_analyze(&demo(), &out, &["--resilience-seed", "-1"]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(!out.exists());
}
