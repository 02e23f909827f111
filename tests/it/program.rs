//! Tier qualification and review periods against the independent pandas reference
//! (`tests/fixtures/reference_program.py`; regenerate with
//! `bash tests/fixtures/regenerate.sh`; inputs and configs in `tests/fixtures/program/`):
//! tier_fit row by row on the demo, the generated fixture and a hand-made edge case under
//! four configs; the metrics and attribution of a window, on the demo's 2023 Q3, the
//! generated fixture's second half of 2023 and an edge-case window whose bounds fall on
//! exact instants; a window over all time giving
//! the full run's tables; raising a threshold never promoting anyone; bad tier configs
//! and windows refused with nothing written.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use crate::attribution::compare_attribution;
use crate::common::*;
use crate::overlap_fixtures::read;
use ecograph::metrics::attribution::Attribution;
use ecograph::metrics::overlap::PartnerOverlap;
use ecograph::metrics::tiers::{fit, Bound, Rule, Tier};
use ecograph::metrics::PartnerMetrics;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * 1f64.max(a.abs().max(b.abs()))
}

fn program() -> PathBuf {
    repo().join("tests/fixtures/program")
}

fn run(input: &Path, dir: &Path, extra: &[&str]) -> PathBuf {
    analyze_into(input, &dir.join("out"), extra)
}

fn with_config(config: &str) -> Vec<String> {
    vec![
        "--config".into(),
        program().join(config).display().to_string(),
    ]
}

/// tier_fit of `out` against the reference's tier_fit.csv: the same rows in order, text
/// equal, numbers within 1e-12 (the reference writes 3.0 where Rust reads 3).
fn compare_tier_fit(what: &str, out: &Path, expected: &Path) {
    let got = read(out, "tier_fit");
    let (header, want) = csv_rows(expected);
    assert_eq!(got.num_rows(), want.len(), "{what}: rows");
    for c in &header {
        match c.as_str() {
            "threshold" | "value" | "gap" => {
                let g = floats(&got, c);
                for (i, w) in want.iter().enumerate() {
                    match (g[i], w[c].as_str()) {
                        (None, "") => {}
                        (Some(x), s) if !s.is_empty() => {
                            assert!(
                                close(x, s.parse().unwrap()),
                                "{what}: row {i} {c}: {x} vs {s}"
                            )
                        }
                        (x, s) => panic!("{what}: row {i} {c}: {x:?} vs {s:?}"),
                    }
                }
            }
            _ => {
                let g = strings(&got, c);
                for (i, w) in want.iter().enumerate() {
                    assert_eq!(g[i].as_deref().unwrap_or(""), w[c], "{what}: row {i} {c}");
                }
            }
        }
    }
}

#[test]
fn tier_fit_matches_the_reference() {
    let edge = program().join("edge");
    let cases = [
        ("demo", demo(), "demo_tiers.toml", program().join("demo")),
        (
            "generated",
            repo().join("tests/fixtures/generated"),
            "demo_tiers.toml",
            program().join("generated"),
        ),
        (
            "edge",
            edge.clone(),
            "edge_tiers.toml",
            edge.join("expected"),
        ),
        (
            "edge strict",
            edge.clone(),
            "edge_tiers_strict.toml",
            edge.join("expected_strict"),
        ),
        (
            "edge rule-less",
            edge.clone(),
            "ruleless_tiers.toml",
            edge.join("expected_ruleless"),
        ),
        (
            "edge no tiers",
            edge.clone(),
            "no_tiers.toml",
            edge.join("expected_no_tiers"),
        ),
    ];
    for (what, input, config, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let c = with_config(config);
        let out = run(
            &input,
            dir.path(),
            &c.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        compare_tier_fit(what, &out, &expected.join("tier_fit.csv"));
        // The summary counts the same statuses.
        let (_, rows) = csv_rows(&expected.join("tier_fit.csv"));
        let mut seen = std::collections::BTreeMap::<String, String>::new();
        for r in &rows {
            seen.insert(r["partner_id"].clone(), r["status"].clone());
        }
        let s = &summary(&out)["tiers"]["status"];
        for word in ["above", "meets", "below", "unknown"] {
            let n = seen.values().filter(|v| *v == word).count();
            assert_eq!(s[word], n, "{what}: {word}");
        }
    }
}

#[test]
fn a_window_matches_the_reference_on_the_windowed_input() {
    let edge = program().join("edge");
    let cases = [
        (
            "edge window",
            edge.clone(),
            vec!["--from", "2024-02-01", "--to", "2024-03-31"],
            ("2024-02-01", "2024-03-31"),
            "edge_tiers.toml",
            edge.join("expected_window"),
        ),
        (
            "demo 2023Q3",
            demo(),
            vec!["--period", "2023Q3"],
            ("2023-07-01", "2023-09-30"),
            "demo_tiers.toml",
            program().join("demo_2023Q3"),
        ),
    ];
    for (what, input, window, (from, to), config, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let c = with_config(config);
        let mut args: Vec<&str> = window.clone();
        args.extend(c.iter().map(String::as_str));
        let out = run(&input, dir.path(), &args);
        compare_attribution(what, &out, &expected);
        compare_tier_fit(what, &out, &expected.join("tier_fit.csv"));
        let pm = read(&out, "partner_metrics");
        let (header, want) = csv_rows(&expected.join("partner_metrics_window.csv"));
        for c in header.iter().filter(|c| *c != "partner_id") {
            for (i, w) in want.iter().enumerate() {
                let got = match c.as_str() {
                    "deals" | "won_deals" => Some(ints(&pm, c)[i] as f64),
                    _ => floats(&pm, c)[i],
                };
                match (got, w[c].as_str()) {
                    (None, "") => {}
                    (Some(x), s) if !s.is_empty() => assert!(
                        close(x, s.parse().unwrap()),
                        "{what}: {c} row {i}: {x} vs {s}"
                    ),
                    (x, s) => panic!("{what}: {c} row {i}: {x:?} vs {s:?}"),
                }
            }
        }
        let s = summary(&out);
        let p = &s["parameters"]["result"]["metrics"]["period"];
        assert_eq!(
            (p["from"].as_str(), p["to"].as_str()),
            (Some(from), Some(to)),
            "{what}"
        );
        let meta = parquet_run_metadata(&out.join("partner_metrics.parquet"));
        assert_eq!(
            &meta["parameters"]["metrics"]["period"], p,
            "{what}: the window in the metadata"
        );
        assert_eq!(
            s["period"]["deals_in_window"].as_u64().unwrap(),
            s["counts"]["deals"].as_u64().unwrap(),
            "{what}: counts are of the window"
        );
    }
}

/// A window holding every deal gives the full run's tables (CSV: no metadata to differ).
#[test]
fn a_window_over_all_time_is_the_full_run() {
    let dir = tempfile::tempdir().unwrap();
    let full = analyze_into(&demo(), &dir.path().join("full"), &["--format", "csv"]);
    let all = analyze_into(
        &demo(),
        &dir.path().join("all"),
        &[
            "--format",
            "csv",
            "--from",
            "2000-01-01",
            "--to",
            "2100-12-31",
        ],
    );
    for t in names(&full).iter().filter(|n| n.ends_with(".csv")) {
        let a = std::fs::read(full.join(t)).unwrap();
        let b = std::fs::read(all.join(t)).unwrap();
        assert!(a == b, "{t} differs under an all-time window");
    }
    assert_eq!(summary(&all)["period"]["deals_left_out"], 0);
}

#[test]
fn bad_tier_configs_and_windows_are_refused_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let bad = [
        (
            vec![
                "--config".to_string(),
                program()
                    .join("bad_tiers_missing_name.toml")
                    .display()
                    .to_string(),
            ],
            r#"does not name the tier "registered" that partners have: the config's tiers are "platinum", "gold", "silver", the input's tiers are "gold", "platinum", "registered", "silver""#,
        ),
        (
            vec![
                "--config".into(),
                write(
                    "a.toml",
                    "[[tiers]]\nname = \"gold\"\nwon_deal = { min = 3 }\n",
                ),
            ],
            r#"unknown rule column "won_deal""#,
        ),
        (
            vec![
                "--config".into(),
                write(
                    "b.toml",
                    "[[tiers]]\nname = \"gold\"\nlinear_revenue = { min = 3 }\n",
                ),
            ],
            r#"unknown attribution model "linear" in linear_revenue (models: even, role_weighted, first_touch, last_touch, u_shaped, time_decay)"#,
        ),
        (
            vec![
                "--config".into(),
                write(
                    "c.toml",
                    "[[tiers]]\nname = \"gold\"\nwon_deals = { min = 9, max = 3 }\n",
                ),
            ],
            "won_deals has min = 9 above max = 3",
        ),
        (
            vec![
                "--config".into(),
                write(
                    "d.toml",
                    "[[tiers]]\nname = \"gold\"\n[[tiers]]\nname = \"gold\"\n",
                ),
            ],
            r#"[[tiers]] "gold" is listed twice"#,
        ),
        (
            vec![
                "--config".into(),
                write(
                    "e.toml",
                    "[[tiers]]\nname = \"gold\"\nwon_deals = { least = 3 }\n",
                ),
            ],
            "unknown field `least`",
        ),
        (
            vec![
                "--from".into(),
                "2025-09-30".into(),
                "--to".into(),
                "2025-07-01".into(),
            ],
            "--from 2025-09-30 is after --to 2025-07-01",
        ),
        (
            vec!["--period".into(), "2025Q5".into()],
            "--period 2025Q5: expected a quarter like 2025Q3",
        ),
    ];
    for (args, says) in bad {
        let out = dir.path().join("out");
        let o = run_analyze(
            &demo(),
            &out,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert!(!out.exists(), "{args:?}: an output was written");
    }
    // The dry run refuses the same config, before counting anything.
    let bad = program().join("bad_tiers_missing_name.toml");
    let o = run_analyze(
        &demo(),
        &dir.path().join("out"),
        &["--dry-run", "--config", bad.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("does not name the tier \"registered\""),
        "{}",
        stderr(&o)
    );
    // A rule on a touch model without touched_at: the model cannot be computed.
    let out = dir.path().join("out");
    let cfg = write(
        "f.toml",
        "[[tiers]]\nname = \"gold\"\nfirst_touch_revenue = { min = 1 }\n[[tiers]]\nname = \"silver\"\n[[tiers]]\nname = \"bronze\"\n",
    );
    let o = run_analyze(
        &repo().join("tests/fixtures/attribution/no_touch"),
        &out,
        &["--config", &cfg],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("needs the first_touch model, which this run cannot compute: deal_partners has no touched_at column"), "{}", stderr(&o));
    assert!(!out.exists());
}

/// The demo's partner_metrics, read once for the property below.
fn demo_metrics() -> &'static arrow::record_batch::RecordBatch {
    static PM: std::sync::OnceLock<arrow::record_batch::RecordBatch> = std::sync::OnceLock::new();
    PM.get_or_init(|| read(&analyzed(&demo()), "partner_metrics"))
}

/// The columns the rules below test, typed as the metric stage gives them (tier fits
/// are computed from the metric results, not from the written table).
fn demo_typed() -> &'static (PartnerMetrics, PartnerOverlap) {
    static T: std::sync::OnceLock<(PartnerMetrics, PartnerOverlap)> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let pm = demo_metrics();
        let u32s = |c: &str| {
            ints(pm, c)
                .into_iter()
                .map(|x| x as u32)
                .collect::<Vec<_>>()
        };
        let m = PartnerMetrics {
            activity: ecograph::metrics::activity::Activity {
                deals: u32s("deals"),
                won_deals: u32s("won_deals"),
                win_rate: floats(pm, "win_rate"),
                attributed_revenue: floats(pm, "attributed_revenue")
                    .into_iter()
                    .flatten()
                    .collect(),
                ..Default::default()
            },
            ..Default::default()
        };
        let o = PartnerOverlap {
            conflicts: u32s("conflicts"),
            ..Default::default()
        };
        (m, o)
    })
}

const COLUMNS: [&str; 5] = [
    "won_deals",
    "win_rate",
    "attributed_revenue",
    "deals",
    "conflicts",
];

fn tiers_spec() -> impl Strategy<Value = Vec<Vec<(usize, bool, f64)>>> {
    prop::collection::vec(
        prop::collection::vec((0..COLUMNS.len(), any::<bool>(), 0.0f64..1.0), 0..3),
        1..4,
    )
}

fn tiers_of(spec: &[Vec<(usize, bool, f64)>], pm: &arrow::record_batch::RecordBatch) -> Vec<Tier> {
    // Thresholds are quantiles of each column's range, so the rules bite.
    let range = |c: &str| {
        let v: Vec<f64> = match c {
            "won_deals" | "deals" | "conflicts" => {
                ints(pm, c).into_iter().map(|x| x as f64).collect()
            }
            _ => floats(pm, c).into_iter().flatten().collect(),
        };
        (
            v.iter().copied().fold(f64::INFINITY, f64::min),
            v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    };
    spec.iter()
        .enumerate()
        .map(|(i, rules)| Tier {
            name: format!("t{i}"),
            rules: rules
                .iter()
                .map(|&(c, min, q)| {
                    let (lo, hi) = range(COLUMNS[c]);
                    Rule {
                        column: COLUMNS[c].into(),
                        bound: if min { Bound::Min } else { Bound::Max },
                        threshold: lo + q * (hi - lo),
                    }
                })
                .collect(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Making one rule harder (a min raised, a max lowered) never lifts any partner's
    /// qualified tier, and never turns a status into a better one.
    #[test]
    fn raising_a_threshold_never_promotes_anyone(spec in tiers_spec(), which in any::<prop::sample::Index>(), step in 0.0f64..100.0) {
        let pm = demo_metrics();
        let tiers = tiers_of(&spec, pm);
        let n = pm.num_rows();
        let own: Vec<Option<String>> = (0..n).map(|i| Some(format!("t{}", i % tiers.len()))).collect();
        let none = Attribution { models: vec![], absent: vec![], partner_won_revenue: 0.0, untimed_deals: None, untimed_revenue: None };
        let (m, o) = demo_typed();
        let before = fit(&tiers, m, o, &own, &none);
        let all: Vec<(usize, usize)> = tiers.iter().enumerate().flat_map(|(t, x)| (0..x.rules.len()).map(move |r| (t, r))).collect();
        prop_assume!(!all.is_empty());
        let (t, r) = all[which.index(all.len())];
        let mut harder = tiers.clone();
        let rule = &mut harder[t].rules[r];
        rule.threshold += if rule.bound == Bound::Min { step } else { -step };
        let after = fit(&harder, m, o, &own, &none);
        let rank = |s: ecograph::metrics::tiers::Status| match s.word() { "above" => 0, "meets" => 1, "below" => 2, _ => 3 };
        for p in 0..n {
            // A higher tier is a smaller index; None (no tier) is the lowest.
            let level = |q: Option<usize>| q.map_or(usize::MAX, |q| q);
            prop_assert!(level(after[p].qualified) >= level(before[p].qualified), "partner {p} promoted");
            prop_assert!(rank(after[p].status) >= rank(before[p].status), "partner {p}: {:?} -> {:?}", before[p].status, after[p].status);
        }
    }
}

/// The example program shipped beside the demo (datasets/program.toml) is a valid config
/// for the demo and for any generated ecosystem, and sorts partners into every status.
#[test]
fn the_shipped_program_config_runs_on_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = repo().join("datasets/program.toml");
    let out = run(&demo(), dir.path(), &["--config", cfg.to_str().unwrap()]);
    let s = summary(&out);
    assert_eq!(
        s["tiers"]["configured"],
        serde_json::json!(["platinum", "gold", "silver", "registered"])
    );
    let status = &s["tiers"]["status"];
    for w in ["above", "meets", "below"] {
        assert!(status[w].as_u64().unwrap() > 0, "{w}: {status}");
    }
    let total: u64 = ["above", "meets", "below", "unknown"]
        .iter()
        .map(|w| status[w].as_u64().unwrap())
        .sum();
    assert_eq!(total, s["counts"]["partners"].as_u64().unwrap());
    assert_eq!(
        s["parameters"]["result"]["metrics"]["attribution"]["half_life_days"],
        14.0
    );
}
