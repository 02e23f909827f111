//! Issue 23, numbers from the outside: no amount or config weight can make a sum
//! infinite, no results folder can hang the report, a zero is never `-0`, and deals
//! without an amount are announced. Each case as a user meets it, through the binary.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::{Array, Float64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;

use crate::common::*;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message lacks {p:?}:\n{msg}");
    }
}

/// An input folder `dir/in`: three partners, one deal per `(amount, stage)` (`D1`,
/// `D2`, ...), each on P1 and, for every other deal, also on P2 (so there is a
/// co-selling tie and a partner with deals of its own).
fn input_with(dir: &Path, deals: &[(&str, &str)]) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("partners.csv"),
        "partner_id,name,partner_type\nP1,Acme,reseller\nP2,Globex,isv\nP3,Initech,msp\n",
    )
    .unwrap();
    let mut d = String::from("deal_id,customer_id,product_id,amount,stage,created_at,closed_at\n");
    let mut l = String::from("deal_id,partner_id,role\n");
    for (i, (amount, stage)) in deals.iter().enumerate() {
        let k = i + 1;
        let month = 1 + i % 12;
        d.push_str(&format!(
            "D{k},C{},X{},{amount},{stage},2024-{month:02}-01,2024-{month:02}-20\n",
            k % 4,
            k % 3
        ));
        l.push_str(&format!("D{k},P1,sourced\n"));
        if k % 2 == 0 {
            l.push_str(&format!("D{k},P2,influenced\n"));
        }
    }
    std::fs::write(input.join("deals.csv"), d).unwrap();
    std::fs::write(input.join("deal_partners.csv"), l).unwrap();
    input
}

/// Runs `ecograph ARGS --quiet`, failing the test if it has not ended within `secs`
/// (the process is killed): a hang fails instead of blocking the test run.
fn within(secs: u64, args: &[&str]) -> Output {
    let log = tempfile::tempdir().unwrap();
    let err_path = log.path().join("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecograph"))
        .args(args)
        .arg("--quiet")
        .stdout(Stdio::null())
        .stderr(File::create(&err_path).unwrap())
        .spawn()
        .expect("the binary runs");
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Output {
                status,
                stdout: Vec::new(),
                stderr: std::fs::read(&err_path).unwrap(),
            };
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ecograph {args:?} did not end within {secs} s: it hangs");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Every f64 of every Float64 column of a Parquet table, with the column's name.
fn float_cells(path: &Path) -> Vec<(String, f64)> {
    let b = read_parquet(path);
    let mut out = Vec::new();
    for (i, f) in b.schema().fields().iter().enumerate() {
        if f.data_type() == &DataType::Float64 {
            let a = b.column(i).as_any().downcast_ref::<Float64Array>().unwrap();
            out.extend(a.iter().flatten().map(|v| (f.name().clone(), v)));
        }
    }
    out
}

// ---- Amounts that would make a sum overflow ----------------------------------------

#[test]
fn one_won_amount_of_1_7e308_is_refused_naming_file_row_column_and_value() {
    let tmp = tempfile::tempdir().unwrap();
    let input = input_with(
        tmp.path(),
        &[("1000", "won"), ("1.7e308", "won"), ("250", "lost")],
    );
    let out = tmp.path().join("out");
    for args in [
        vec!["analyze", s(&input), "--out", s(&out)],
        vec!["analyze", s(&input), "--out", s(&out), "--report"],
        vec!["validate", s(&input)],
    ] {
        let o = within(300, &args);
        assert_eq!(code(&o), 3, "{args:?}: {}", stderr(&o));
        has(
            &stderr(&o),
            &[
                "deals.csv, row 2 (line 3), column 'amount', value \"1.7e308\"",
                "amount must be at most 1e15",
                "(1 problem)",
            ],
        );
        assert_eq!(
            names(tmp.path()),
            vec!["in"],
            "{args:?}: something was written"
        );
    }
    // --skip-invalid moves the row aside with its reason, and the rest adds up.
    let o = run_analyze(&input, &out, &["--skip-invalid"]);
    ok(&o);
    let rejected = read_parquet(&out.join("rejected_rows.parquet"));
    let reasons = strings(&rejected, "reason");
    // The deal, then its two deal_partners rows (rejected_reference).
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(
        reasons[0]
            .as_deref()
            .unwrap()
            .starts_with("amount_too_large: "),
        "{reasons:?}"
    );
    assert_eq!(summary(&out)["revenue"]["total_won_revenue"], 1000.0);
}

#[test]
fn every_amount_at_1_7e308_is_refused_in_csv_and_parquet() {
    let tmp = tempfile::tempdir().unwrap();
    let big = [("1.7e308", "won"); 4];
    let input = input_with(tmp.path(), &big);
    let out = tmp.path().join("out");
    let o = within(300, &["analyze", s(&input), "--out", s(&out)]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    has(&stderr(&o), &["(4 problems)"]);
    for row in 1..=4 {
        has(
            &stderr(&o),
            &[&format!(
                "deals.csv, row {row} (line {}), column 'amount', value \"1.7e308\": amount must be at most 1e15",
                row + 1
            )],
        );
    }
    assert!(!out.exists(), "an output was written");

    // The same amounts as Parquet floats (the typed path) are refused alike.
    std::fs::remove_file(input.join("deals.csv")).unwrap();
    let schema = Arc::new(Schema::new(vec![
        Field::new("deal_id", DataType::Utf8, false),
        Field::new("amount", DataType::Float64, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(vec!["D1", "D2", "D3", "D4"])),
            Arc::new(Float64Array::from(vec![1.7e308, 1.7e308, f64::MAX, 1e15])),
        ],
    )
    .unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(
        File::create(input.join("deals.parquet")).unwrap(),
        schema,
        None,
    )
    .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let o = within(300, &["analyze", s(&input), "--out", s(&out)]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    has(
        &stderr(&o),
        &[
            "(3 problems)",
            "deals.parquet, row 1, column 'amount', value \"1.7e308\": amount must be at most 1e15",
            "deals.parquet, row 3, column 'amount', value \"1.7976931348623157e308\"",
        ],
    );
    assert!(!out.exists(), "an output was written");
}

#[test]
fn amounts_whose_sum_would_overflow_are_refused_and_amounts_at_the_bound_sum_finite() {
    // Four amounts, each finite, whose sum is not: refused by the per-value bound.
    let tmp = tempfile::tempdir().unwrap();
    let input = input_with(tmp.path(), &[("5e307", "won"); 4]);
    let out = tmp.path().join("out");
    let o = within(300, &["analyze", s(&input), "--out", s(&out)]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    has(
        &stderr(&o),
        &[
            "(4 problems)",
            "value \"5e307\": amount must be at most 1e15",
        ],
    );
    assert!(!out.exists(), "an output was written");

    // 2,000 won deals at exactly the bound: every sum stays finite and exact.
    let tmp = tempfile::tempdir().unwrap();
    let deals = vec![("1e15", "won"); 2000];
    let input = input_with(tmp.path(), &deals);
    let out = analyze(&input, tmp.path(), &[]);
    let sm = summary(&out);
    assert_eq!(
        sm["revenue"]["total_won_revenue"], 2e18,
        "{}",
        sm["revenue"]
    );
    for key in ["partner_revenue_share", "cosell_rate", "cosell_lift"] {
        assert!(sm["revenue"][key].is_number(), "{key}: {}", sm["revenue"]);
    }
    for table in ["partner_metrics", "attribution", "diversification"] {
        let path = out.join(format!("{table}.parquet"));
        if !path.exists() {
            continue;
        }
        for (column, v) in float_cells(&path) {
            assert!(v.is_finite(), "{table}.{column} = {v}");
        }
    }
    let pm = read_parquet(&out.join("partner_metrics.parquet"));
    let attributed: f64 = floats(&pm, "attributed_revenue").iter().flatten().sum();
    assert_eq!(attributed, 2e18);
}

#[test]
fn role_weights_of_1e308_are_refused_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let input = input_with(tmp.path(), &[("1000", "won"), ("500", "won")]);
    let out = tmp.path().join("out");
    for (toml, says) in [
        (
            "[attribution.role_weights]\nsourced = 1e308\ninfluenced = 1e308\n",
            "[attribution.role_weights] sourced = 1e308: a weight must be a number of at least 0 and at most 1e6",
        ),
        (
            "[attribution]\nhalf_life_days = 1e308\n",
            "[attribution] half_life_days = 1e308",
        ),
        (
            "[[tiers]]\nname = \"gold\"\nwon_deals = { min = 1e308 }\n",
            "[[tiers]] gold: won_deals min = 1e308",
        ),
    ] {
        let cfg = tmp.path().join("c.toml");
        std::fs::write(&cfg, toml).unwrap();
        let o = within(300, &["analyze", s(&input), "--config", s(&cfg), "--out", s(&out)]);
        assert_eq!(code(&o), 2, "{toml}: {}", stderr(&o));
        has(&stderr(&o), &["c.toml", says]);
        assert!(!out.exists(), "{toml}: an output was written");
    }
    // The largest weight accepted keeps role_weighted summing to partner revenue.
    let cfg = tmp.path().join("c.toml");
    std::fs::write(
        &cfg,
        "[attribution.role_weights]\nsourced = 1e6\ninfluenced = 1e6\n",
    )
    .unwrap();
    let out = analyze(&input, tmp.path(), &["--config", s(&cfg)]);
    let a = read_parquet(&out.join("attribution.parquet"));
    let models = strings(&a, "model");
    let revenue = floats(&a, "attributed_revenue");
    let role_weighted: f64 = models
        .iter()
        .zip(&revenue)
        .filter(|(m, _)| m.as_deref() == Some("role_weighted"))
        .map(|(_, r)| r.unwrap())
        .sum();
    assert_eq!(role_weighted, 1500.0);
}

// ---- The report cannot hang ----------------------------------------------------------

#[test]
fn the_report_of_extreme_amounts_ends_within_a_timeout() {
    // Refused, not hung: analyze --report on an amount of 1.7e308.
    let tmp = tempfile::tempdir().unwrap();
    let input = input_with(tmp.path(), &[("1.7e308", "won"), ("1", "won")]);
    let out = tmp.path().join("out");
    let o = within(300, &["analyze", s(&input), "--out", s(&out), "--report"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));

    // The largest accepted amount on every won deal: the report is written.
    let tmp = tempfile::tempdir().unwrap();
    let input = input_with(tmp.path(), &[("1e15", "won"); 12]);
    let out = tmp.path().join("out");
    let o = within(300, &["analyze", s(&input), "--out", s(&out), "--report"]);
    ok(&o);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg"), "no chart in the report");

    // `report` reads any results folder: one whose won revenue was edited to 1.7e308,
    // inf or NaN ends too (the growth chart's axis looped on an infinite top).
    let csv = tmp.path().join("csv");
    ok(&run_analyze(&input, &csv, &["--format", "csv"]));
    let growth = csv.join("network_growth.csv");
    let text = std::fs::read_to_string(&growth).unwrap();
    let (header, rows) = text.split_once('\n').unwrap();
    let col = header
        .split(',')
        .position(|c| c == "won_revenue")
        .expect("network_growth has won_revenue");
    for extreme in ["1.7e308", "inf", "NaN"] {
        let edited: Vec<String> = rows
            .lines()
            .map(|l| {
                let mut f: Vec<&str> = l.split(',').collect();
                f[col] = extreme;
                f.join(",")
            })
            .collect();
        std::fs::write(&growth, format!("{header}\n{}\n", edited.join("\n"))).unwrap();
        let page = tmp.path().join("page.html");
        let o = within(300, &["report", s(&csv), "--out", s(&page)]);
        assert!(
            o.status.success() || code(&o) == 3,
            "{extreme}: {}",
            stderr(&o)
        );
    }
}

// ---- -0.0 ---------------------------------------------------------------------------

#[test]
fn revenue_at_risk_has_no_negative_zero_on_the_demo() {
    let out = analyzed(&demo());
    let pm = read_parquet(&out.join("partner_metrics.parquet"));
    let risk = floats(&pm, "revenue_at_risk");
    assert_eq!(risk.len(), 300);
    let negative_zero = risk
        .iter()
        .flatten()
        .filter(|v| **v == 0.0 && v.is_sign_negative())
        .count();
    assert_eq!(
        negative_zero, 0,
        "revenue_at_risk has {negative_zero} cells of -0.0"
    );
    assert!(risk.iter().flatten().any(|v| *v == 0.0), "no zero to check");
    // No other float column of partner_metrics has one either.
    for (column, v) in float_cells(&out.join("partner_metrics.parquet")) {
        assert!(!(v == 0.0 && v.is_sign_negative()), "{column} has -0.0");
    }
}

// ---- Deals without an amount ----------------------------------------------------------

#[test]
fn deals_without_an_amount_are_announced_with_their_count_share_and_won_deals() {
    let tmp = tempfile::tempdir().unwrap();
    let deals = [
        ("1000", "won"),
        ("", "won"),
        ("250", "lost"),
        ("300", "won"),
        ("400", "open"),
        ("500", "won"),
        ("", "open"),
        ("700", "won"),
        ("800", "lost"),
        ("900", "won"),
    ];
    let input = input_with(tmp.path(), &deals);
    let said = "warning: deals.csv: 2 of 10 deals (20.0%) have no 'amount', 1 of them won (of 6 won deals): each counts as 0";
    let o = within(300, &["validate", s(&input)]);
    ok(&o);
    has(&stderr(&o), &[said]);
    let out = tmp.path().join("out");
    let o = within(300, &["analyze", s(&input), "--out", s(&out)]);
    ok(&o);
    has(&stderr(&o), &[said]);
    let warnings = summary(&out)["validation"]["warnings"].clone();
    let w = warnings
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "some_amounts_missing")
        .unwrap_or_else(|| panic!("no some_amounts_missing warning: {warnings}"));
    assert_eq!(w["table"], "deals");
    assert_eq!(w["file"], "deals.csv");
    assert_eq!(w["column"], "amount");
    has(
        w["message"].as_str().unwrap(),
        &["2 of 10 deals (20.0%)", "1 of them won (of 6 won deals)"],
    );
}

#[test]
fn no_missing_amount_warning_when_every_deal_has_one_and_only_the_old_one_when_none_has() {
    // Every deal has an amount: nothing announced.
    let tmp = tempfile::tempdir().unwrap();
    let input = input_with(tmp.path(), &[("1000", "won"), ("0", "lost"), ("5", "open")]);
    let out = tmp.path().join("out");
    let o = within(300, &["analyze", s(&input), "--out", s(&out)]);
    ok(&o);
    assert!(!stderr(&o).contains("have no 'amount'"), "{}", stderr(&o));
    assert!(warning_codes(&out).is_empty(), "{:?}", warning_codes(&out));

    // No deal has one: the all-empty warning as before, not both.
    let tmp = tempfile::tempdir().unwrap();
    let input = input_with(tmp.path(), &[("", "won"), ("", "lost")]);
    let out = tmp.path().join("out");
    let o = within(300, &["analyze", s(&input), "--out", s(&out)]);
    ok(&o);
    has(
        &stderr(&o),
        &["warning: deals.csv: column 'amount' is empty in every row"],
    );
    assert!(!stderr(&o).contains("have no 'amount'"), "{}", stderr(&o));
    assert_eq!(warning_codes(&out), vec!["missing_amount"]);
}
