//! The attribution models, revenue at risk, conflict stages and the won-only co-sell
//! network, against the independent pandas reference
//! (`tests/fixtures/reference_attribution.py`; regenerate with
//! `bash tests/fixtures/regenerate.sh`): every model, share and rank on the demo, the
//! committed generated ecosystem and the hand-made edge cases (`tests/fixtures/attribution/`:
//! one partner, equal timestamps, an untimed deal among timed ones, zero amounts, no and
//! empty touched_at), also with configured weights and half-life; property tests that
//! every model sums to the partner won revenue for any input and thread count; bad
//! `[attribution]` configs refused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use crate::arrow_input::{
    deal_id, partner_id, partners, per_item, validated, Table, ROLES, STAGES,
};
use crate::common::*;
use crate::overlap_fixtures::read;
use ecograph::graph;
use ecograph::metrics::attribution::{self, AttributionParams};
use ecograph::schema::Stage;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * 1f64.max(a.abs().max(b.abs()))
}

fn cases() -> Vec<(&'static str, PathBuf, PathBuf)> {
    let f = repo().join("tests/fixtures");
    let a = f.join("attribution");
    vec![
        ("demo", demo(), f.join("demo/expected")),
        (
            "generated",
            f.join("generated"),
            f.join("generated/expected"),
        ),
        ("edge", a.join("edge"), a.join("edge/expected")),
        ("no_touch", a.join("no_touch"), a.join("no_touch/expected")),
        (
            "empty_touch",
            a.join("empty_touch"),
            a.join("empty_touch/expected"),
        ),
    ]
}

/// attribution.parquet of `out` against the reference's attribution.csv: the same rows
/// in the same order, revenue and share within 1e-12, the same ranks.
pub(crate) fn compare_attribution(what: &str, out: &Path, expected: &Path) {
    let got = read(out, "attribution");
    let (_, want) = csv_rows(&expected.join("attribution.csv"));
    assert_eq!(got.num_rows(), want.len(), "{what}: rows");
    let (id, model) = (strings(&got, "partner_id"), strings(&got, "model"));
    let (rev, share, rank) = (
        floats(&got, "attributed_revenue"),
        floats(&got, "share"),
        ints(&got, "rank"),
    );
    for (i, w) in want.iter().enumerate() {
        let at = format!("{what}: row {i} ({} {})", w["model"], w["partner_id"]);
        assert_eq!(id[i].as_deref(), Some(w["partner_id"].as_str()), "{at}");
        assert_eq!(model[i].as_deref(), Some(w["model"].as_str()), "{at}");
        let r: f64 = w["attributed_revenue"].parse().unwrap();
        assert!(
            close(rev[i].unwrap(), r),
            "{at}: revenue {:?} vs {r}",
            rev[i]
        );
        match (share[i], w["share"].as_str()) {
            (None, "") => {}
            (Some(s), w) if !w.is_empty() => {
                assert!(close(s, w.parse().unwrap()), "{at}: share {s} vs {w}")
            }
            (s, w) => panic!("{at}: share {s:?} vs {w:?}"),
        }
        assert_eq!(rank[i].to_string(), w["rank"], "{at}: rank");
    }
}

/// The summary's `attribution` section against attribution_summary.json.
fn compare_summary(what: &str, out: &Path, expected: &Path) {
    let got = &summary(out)["attribution"];
    let want = read_json(&expected.join("attribution_summary.json"));
    assert_eq!(got["models"], want["models"], "{what}: models");
    assert_eq!(
        got["absent"], want["absent"],
        "{what}: absent models and why"
    );
    assert_eq!(
        got["untimed_deals"], want["untimed_deals"],
        "{what}: untimed deals"
    );
    let num = |v: &serde_json::Value| v.as_f64();
    match (num(&got["untimed_revenue"]), num(&want["untimed_revenue"])) {
        (Some(a), Some(b)) => assert!(close(a, b), "{what}: untimed revenue {a} vs {b}"),
        (a, b) => assert_eq!(a, b, "{what}: untimed revenue"),
    }
    let won = num(&want["partner_won_revenue"]).unwrap();
    assert!(
        close(num(&got["partner_won_revenue"]).unwrap(), won),
        "{what}: partner won revenue"
    );
    // "Which story is fair" and the agreement, from the reference's ranks.
    let (_, rows) = csv_rows(&expected.join("attribution.csv"));
    let rank = |model: &str, id: &str| -> i64 {
        rows.iter()
            .find(|r| r["model"] == model && r["partner_id"] == id)
            .map(|r| r["rank"].parse().unwrap())
            .unwrap()
    };
    let mut top: Vec<(i64, &str)> = rows
        .iter()
        .filter(|r| r["model"] == "even" && r["rank"].parse::<i64>().unwrap() <= 10)
        .map(|r| (r["rank"].parse().unwrap(), r["partner_id"].as_str()))
        .collect();
    top.sort();
    let fair = got["fair_story"].as_array().unwrap();
    assert_eq!(fair.len(), top.len(), "{what}: fair story rows");
    let models: Vec<&str> = want["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    for (row, (_, id)) in fair.iter().zip(&top) {
        assert_eq!(row["partner_id"], *id, "{what}: fair story order");
        for m in &models {
            assert_eq!(row["rank"][m], rank(m, id), "{what}: {id} {m}");
        }
    }
    for m in models.iter().skip(1) {
        let shared = top.iter().filter(|(_, id)| rank(m, id) <= 10).count();
        let change = top
            .iter()
            .map(|(r, id)| (rank(m, id) - r).abs())
            .max()
            .unwrap_or(0);
        let a = &got["agreement"][m];
        assert_eq!(a["top10_shared_with_even"], shared, "{what}: {m}");
        assert_eq!(
            a["largest_rank_change_in_even_top10"], change,
            "{what}: {m}"
        );
    }
    // Every model sums to the partner won revenue (to rounding).
    for (m, total) in got["totals"].as_object().unwrap() {
        let t = total.as_f64().unwrap();
        assert!(
            (t - won).abs() <= 1e-9 * won.max(1.0),
            "{what}: {m} sums to {t}, not {won}"
        );
    }
}

#[test]
fn every_model_matches_the_pandas_reference() {
    for (name, input, expected) in cases() {
        let out = analyzed(&input);
        compare_attribution(name, &out, &expected);
        compare_summary(name, &out, &expected);
    }
}

#[test]
fn configured_weights_and_half_life_match_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("attribution.toml");
    std::fs::write(
        &config,
        "[attribution]\nhalf_life_days = 3.5\n[attribution.role_weights]\nsourced = 1\nco_sell = 0\nfulfilled = 0\ninfluenced = 0\nreferral = 0\n",
    )
    .unwrap();
    let edge = repo().join("tests/fixtures/attribution/edge");
    let out = analyze(&edge, dir.path(), &["--config", config.to_str().unwrap()]);
    let expected = edge.join("expected_params");
    compare_attribution("edge, configured", &out, &expected);
    compare_summary("edge, configured", &out, &expected);
    let p = &summary(&out)["parameters"]["result"]["metrics"]["attribution"];
    assert_eq!(p["half_life_days"], 3.5);
    assert_eq!(p["role_weights"]["sourced"], 1.0);
}

#[test]
fn revenue_at_risk_matches_the_reference() {
    for (name, input, expected) in cases() {
        let pm = read(&analyzed(&input), "partner_metrics");
        let (_, want) = csv_rows(&expected.join("revenue_at_risk.csv"));
        let (ids, got) = (strings(&pm, "partner_id"), floats(&pm, "revenue_at_risk"));
        assert_eq!(ids.len(), want.len(), "{name}: partners");
        for (i, w) in want.iter().enumerate() {
            assert_eq!(ids[i].as_deref(), Some(w["partner_id"].as_str()));
            let r: f64 = w["revenue_at_risk"].parse().unwrap();
            assert!(
                close(got[i].unwrap(), r),
                "{name}: {}: {:?} vs {r}",
                w["partner_id"],
                got[i]
            );
        }
    }
}

#[test]
fn bad_attribution_configs_are_refused_and_write_nothing() {
    for (toml, says) in [
        (
            "[attribution.role_weights]\nreferral = -0.1\n",
            "referral = -0.1: a weight must be a number of at least 0",
        ),
        (
            "[attribution]\nhalf_life_days = 0\n",
            "half_life_days = 0: the half-life must be a number of days above 0",
        ),
        (
            "[attribution.role_weights]\nreseller = 0.2\n",
            "unknown field `reseller`",
        ),
        (
            "[attribution]\nmodel = \"linear\"\n",
            "unknown field `model`",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("bad.toml");
        std::fs::write(&config, toml).unwrap();
        let out = dir.path().join("out");
        let o = run_analyze(&demo(), &out, &["--config", config.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{toml}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{toml}: {}", stderr(&o));
        assert!(!out.exists(), "{toml}: an output was written");
    }
}

/// channel_conflicts carries both deals' stages, as the deals table has them.
#[test]
fn conflicts_carry_both_deals_stages() {
    let c = read(&analyzed(&demo()), "channel_conflicts");
    let (_, deals) = csv_rows(&demo().join("deals.csv"));
    let stage: HashMap<&str, &str> = deals
        .iter()
        .map(|d| {
            (
                d["deal_id"].as_str(),
                if d["stage"].is_empty() {
                    "won"
                } else {
                    d["stage"].as_str()
                },
            )
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for side in ["a", "b"] {
        let deal = strings(&c, &format!("deal_{side}"));
        let st = strings(&c, &format!("stage_{side}"));
        for (d, s) in deal.iter().zip(&st) {
            assert_eq!(stage[d.as_deref().unwrap()], s.as_deref().unwrap());
            seen.insert(s.clone().unwrap());
        }
    }
    assert!(seen.len() >= 2, "the demo's conflicts mix stages: {seen:?}");
}

/// `--cosell-stages won`: the ties are exactly the reference ties with a shared won deal,
/// weighted by the won deals shared; the metadata says so.
#[test]
fn a_won_only_cosell_network_keeps_the_ties_of_won_deals() {
    let dir = tempfile::tempdir().unwrap();
    let out = analyze(&demo(), dir.path(), &["--cosell-stages", "won"]);
    let e = read(&out, "cosell_edges");
    let (_, want) = csv_rows(&repo().join("tests/fixtures/demo/expected/cosell_edges.csv"));
    let want: Vec<_> = want
        .iter()
        .filter(|w| w["shared_won_deals"] != "0")
        .collect();
    let (a, b) = (strings(&e, "partner_a"), strings(&e, "partner_b"));
    let (deals, won) = (ints(&e, "shared_deals"), ints(&e, "shared_won_deals"));
    assert_eq!(a.len(), want.len(), "ties with a won deal");
    for (i, w) in want.iter().enumerate() {
        assert_eq!(a[i].as_deref(), Some(w["partner_a"].as_str()));
        assert_eq!(b[i].as_deref(), Some(w["partner_b"].as_str()));
        assert_eq!(deals[i].to_string(), w["shared_won_deals"]);
        assert_eq!(won[i], deals[i]);
    }
    assert_eq!(
        summary(&out)["parameters"]["result"]["metrics"]["cosell_stages"],
        "won"
    );
    let meta = parquet_run_metadata(&out.join("cosell_edges.parquet"));
    assert_eq!(meta["parameters"]["metrics"]["cosell_stages"], "won");
    assert_eq!(
        summary(&analyzed(&demo()))["parameters"]["result"]["metrics"]["cosell_stages"],
        "any"
    );
}

/// A random ecosystem with touches: per deal (amount in cents, stage, closed day or
/// none, [(partner, role, touched day or none)]).
type Spec = (usize, Vec<(u32, u8, Option<u8>, Vec<Link>)>);
/// (partner, role, touched day or none).
type Link = (u8, u8, Option<u8>);

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..12).prop_flat_map(|n| {
        let link = (0u8..n as u8, 0u8..5, prop::option::weighted(0.9, 0u8..40));
        let deal = (
            prop_oneof![Just(0u32), 0u32..100_000],
            0u8..3,
            prop::option::of(0u8..40),
            prop::collection::vec(link, 0..6),
        );
        (Just(n), prop::collection::vec(deal, 1..40))
    })
}

fn day(d: u8) -> String {
    format!("2024-01-{:02}T{:02}:00:00Z", 1 + d / 2, (d % 2) * 12)
}

fn graphs((n, deals): &Spec) -> graph::GraphSet {
    let deals_t = Table::new("deals")
        .text("deal_id", &per_item(deals, |i, _| Some(deal_id(i))))
        .floats(
            "amount",
            &per_item(deals, |_, d| Some(f64::from(d.0) / 100.0)),
        )
        .text("stage", &per_item(deals, |_, d| Some(STAGES[d.1 as usize])))
        .text("closed_at", &per_item(deals, |_, d| d.2.map(day)));
    let rows: Vec<(usize, &Link)> = deals
        .iter()
        .enumerate()
        .flat_map(|(i, d)| d.3.iter().map(move |l| (i, l)))
        .collect();
    let links = Table::new("deal_partners")
        .text("deal_id", &per_item(&rows, |_, r| Some(deal_id(r.0))))
        .text(
            "partner_id",
            &per_item(&rows, |_, r| Some(partner_id(usize::from(r.1 .0)))),
        )
        .text(
            "role",
            &per_item(&rows, |_, r| Some(ROLES[r.1 .1 as usize])),
        )
        .text("touched_at", &per_item(&rows, |_, r| r.1 .2.map(day)));
    graph::build(validated(&[partners(*n), deals_t, links]))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every model splits each won partner deal exactly once: the models sum to the won
    /// revenue of partner deals, each partner's revenue is at least 0, and the result is
    /// the same bits on 1 and 3 threads.
    #[test]
    fn every_model_sums_to_the_partner_won_revenue(s in spec(), half in 0.5f64..60.0) {
        let g = graphs(&s);
        let params = AttributionParams { half_life_days: half, ..AttributionParams::default() };
        let even = ecograph::metrics::activity::compute(&g).attributed_revenue;
        let a = on_threads(1, || attribution::compute(&g, &even, &params));
        let won: f64 = (0..g.n_deals())
            .filter(|&d| g.deals.stage[d] == Stage::Won && g.deal_partners.degree(d) > 0)
            .map(|d| g.deals.amount[d])
            .sum();
        prop_assert!((a.partner_won_revenue - won).abs() <= 1e-9 * won.max(1.0));
        let touched = g.deal_partner_touched.as_ref().is_some_and(|t| t.iter().any(|&x| x != graph::NO_TOUCH));
        prop_assert_eq!(a.models.len(), if touched { 6 } else { 2 });
        for m in &a.models {
            let total: f64 = m.revenue.iter().sum();
            prop_assert!((total - won).abs() <= 1e-9 * won.max(1.0), "{:?}: {} vs {}", m.model, total, won);
            prop_assert!(m.revenue.iter().all(|&x| x >= 0.0));
        }
        let a3 = on_threads(3, || attribution::compute(&g, &even, &params));
        for (x, y) in a.models.iter().zip(&a3.models) {
            prop_assert!(x.revenue.iter().zip(&y.revenue).all(|(p, q)| p.to_bits() == q.to_bits()));
        }
    }
}

/// touched_at under the CRM's own name, mapped by the config like any column, gives the
/// same attribution as the contract's name.
#[test]
fn a_mapped_touched_at_column_gives_the_same_models() {
    let dir = tempfile::tempdir().unwrap();
    let edge = repo().join("tests/fixtures/attribution/edge");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for f in ["partners.csv", "deals.csv"] {
        std::fs::copy(edge.join(f), input.join(f)).unwrap();
    }
    let links = std::fs::read_to_string(edge.join("deal_partners.csv")).unwrap();
    let renamed = links.replacen("touched_at", "Partner Touch Date", 1);
    assert_ne!(renamed, links);
    std::fs::write(input.join("deal_partners.csv"), renamed).unwrap();
    let config = dir.path().join("crm.toml");
    std::fs::write(
        &config,
        "[columns.deal_partners]\ntouched_at = \"Partner Touch Date\"\n",
    )
    .unwrap();
    let out = analyze(&input, dir.path(), &["--config", config.to_str().unwrap()]);
    compare_attribution("edge, mapped touched_at", &out, &edge.join("expected"));
}
