//! The partner-lift intervals end to end (issue 26, point 2): written into the summary's
//! `partner_lift.intervals` the same at any thread count, seeded by `--seed`, each
//! holding its figure; shown on the review page's tiles as the summary has them; and
//! results written before the intervals existed still read and render, without any.
//! The arithmetic is checked against statsmodels / numpy in src/metrics/intervals.

use crate::common::*;
use arrow::array::AsArray;
use ecograph::results::Results;

fn lift(out: &std::path::Path) -> serde_json::Value {
    summary(out)["partner_lift"].clone()
}

#[test]
fn intervals_are_seeded_hold_their_figures_and_ignore_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let one = analyze_into(&demo(), &tmp.path().join("one"), &["--threads", "1"]);
    let two = analyze_into(&demo(), &tmp.path().join("two"), &["--threads", "2"]);
    let (l1, l2) = (lift(&one), lift(&two));
    assert_eq!(
        serde_json::to_string(&l1).unwrap(),
        serde_json::to_string(&l2).unwrap()
    );
    let iv = &l1["intervals"];
    assert_eq!(iv["level"], 0.95);
    assert_eq!(iv["resamples"], 2000);
    assert_eq!(iv["seed"], 42);
    assert_eq!(
        summary(&one)["parameters"]["result"]["metrics"]["partner_lift"]["seed"],
        42
    );
    for key in [
        "win_rate_partner",
        "win_rate_direct",
        "win_rate_ratio",
        "mean_won_amount_ratio",
        "days_to_close_ratio",
    ] {
        let [lo, hi] = [0, 1].map(|i| iv[key][i].as_f64().unwrap());
        let value = l1[key].as_f64().unwrap();
        assert!(lo < value && value < hi, "{key}: {value} in [{lo}, {hi}]");
    }
    // The demo's groups are small enough to bootstrap.
    assert_eq!(iv["mean_won_amount_ratio_method"], "bootstrap");
    assert_eq!(iv["days_to_close_ratio_method"], "bootstrap");

    // Another seed: other bootstrap intervals, the same closed-form ones.
    let other = lift(&analyze_into(
        &demo(),
        &tmp.path().join("seed7"),
        &["--seed", "7"],
    ));
    let ov = &other["intervals"];
    assert_eq!(ov["seed"], 7);
    for key in ["win_rate_partner", "win_rate_direct", "win_rate_ratio"] {
        assert_eq!(ov[key], iv[key], "{key}");
    }
    for key in ["mean_won_amount_ratio", "days_to_close_ratio"] {
        assert_ne!(ov[key], iv[key], "{key}");
    }
    // `compare` does not list intervals as changed measures.
    let c = ecograph::compare::compare(
        &Results::read(&one).unwrap(),
        &Results::read(&tmp.path().join("seed7")).unwrap(),
    )
    .unwrap();
    let measures: Vec<&str> = c
        .ecosystem
        .column_by_name("measure")
        .unwrap()
        .as_string::<i32>()
        .iter()
        .flatten()
        .collect();
    assert!(measures.contains(&"partner_lift.win_rate_ratio"));
    assert!(
        !measures.iter().any(|m| m.contains("intervals")),
        "{measures:?}"
    );
}

#[test]
fn tiles_show_the_summary_intervals_and_old_results_show_none() {
    let tmp = tempfile::tempdir().unwrap();
    let out = analyze(&demo(), tmp.path(), &["--report"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let iv = lift(&out)["intervals"].clone();
    let model = Results::read(&out).unwrap();
    let m = ecograph::report::model::build(&model).unwrap();
    let mut with_interval = 0;
    for t in &m.tiles {
        let Some([lo, hi]) = t.interval else {
            continue;
        };
        with_interval += 1;
        let key = t
            .interval_source
            .as_deref()
            .unwrap()
            .strip_prefix("summary: partner_lift.intervals.")
            .unwrap();
        assert_eq!(iv[key][0].as_f64(), Some(lo), "{key}");
        assert_eq!(iv[key][1].as_f64(), Some(hi), "{key}");
        let shown = format!(
            "95 % interval {} – {}",
            ecograph::report::show(Some(lo), t.unit),
            ecograph::report::show(Some(hi), t.unit)
        );
        assert!(html.contains(&shown), "{shown}");
        if t.unit == "ratio" {
            let verdict = t.verdict.unwrap();
            let beyond = lo > 1.0 || hi < 1.0;
            assert_eq!(
                !verdict.starts_with("No clear difference"),
                beyond,
                "{verdict}"
            );
            assert!(html.contains(verdict));
        }
    }
    assert_eq!(with_interval, 5);

    // Results written before the summary had intervals: read, rendered, none claimed.
    let mut s = summary(&out);
    s["partner_lift"]
        .as_object_mut()
        .unwrap()
        .remove("intervals");
    std::fs::write(
        out.join("ecosystem_summary.json"),
        serde_json::to_string(&s).unwrap(),
    )
    .unwrap();
    let old = Results::read(&out).unwrap();
    assert_eq!(old.summary.partner_lift.intervals, None);
    let page = tmp.path().join("old.html");
    ok(&ecograph(&[
        "report",
        out.to_str().unwrap(),
        "--out",
        page.to_str().unwrap(),
    ]));
    let html = std::fs::read_to_string(page).unwrap();
    assert!(html.contains("Win rate, partner-led vs direct"));
    assert!(!html.contains("class=\"ci\"") && !html.contains("class=\"verdict\""));
}
