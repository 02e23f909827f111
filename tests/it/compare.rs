//! `ecograph compare`: two quarters of the demo compared, every change recomputed here
//! from the two runs' own tables (sets of ids, not the hashes compare uses);
//! compare(X, X) all zeros for generated ecosystems; refusals.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use crate::common::*;
use crate::overlap_fixtures::read;

fn quarters(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let tiers = repo().join("tests/fixtures/program/demo_tiers.toml");
    let t = tiers.to_str().unwrap();
    let q2 = analyze_into(
        &demo(),
        &dir.join("q2"),
        &["--period", "2024Q2", "--config", t],
    );
    let q3 = analyze_into(
        &demo(),
        &dir.join("q3"),
        &["--period", "2024Q3", "--config", t],
    );
    let out = dir.join("cmp");
    ok(&ecograph(&[
        "compare",
        q2.to_str().unwrap(),
        q3.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    (q2, q3, out)
}

fn by_id<T: Clone>(ids: &[Option<String>], v: &[T]) -> HashMap<String, T> {
    ids.iter()
        .zip(v)
        .map(|(i, x)| (i.clone().unwrap(), x.clone()))
        .collect()
}

fn pairs(out: &Path, table: &str, cols: &[&str]) -> BTreeSet<Vec<String>> {
    let b = read(out, table);
    let c: Vec<_> = cols.iter().map(|c| strings(&b, c)).collect();
    (0..b.num_rows())
        .map(|i| c.iter().map(|c| c[i].clone().unwrap()).collect())
        .collect()
}

#[test]
fn two_quarters_change_as_their_tables_say() {
    let dir = tempfile::tempdir().unwrap();
    let (q2, q3, out) = quarters(dir.path());
    let pc = read(&out, "partner_changes");
    let ids = strings(&pc, "partner_id");
    let (a, b) = (read(&q2, "partner_metrics"), read(&q3, "partner_metrics"));
    // Old and new columns are the runs' own values; the change is their difference.
    for (col, old, new) in [
        (
            "attributed_revenue",
            "attributed_revenue_old",
            "attributed_revenue_new",
        ),
        ("pagerank", "pagerank_old", "pagerank_new"),
    ] {
        let (wa, wb) = (
            by_id(&strings(&a, "partner_id"), &floats(&a, col)),
            by_id(&strings(&b, "partner_id"), &floats(&b, col)),
        );
        let (go, gn) = (floats(&pc, old), floats(&pc, new));
        for (i, id) in ids.iter().enumerate() {
            let id = id.as_ref().unwrap();
            assert_eq!(go[i], wa[id], "{id} {old}");
            assert_eq!(gn[i], wb[id], "{id} {new}");
        }
    }
    let ch = floats(&pc, "attributed_revenue_change");
    let (o, n) = (
        floats(&pc, "attributed_revenue_old"),
        floats(&pc, "attributed_revenue_new"),
    );
    for i in 0..pc.num_rows() {
        assert_eq!(ch[i], Some(n[i].unwrap() - o[i].unwrap()));
    }
    // Activity from the deals of each side.
    let (da, db) = (ints(&pc, "deals_old"), ints(&pc, "deals_new"));
    let act = strings(&pc, "activity");
    for i in 0..pc.num_rows() {
        let want = match (da[i] > 0, db[i] > 0) {
            (false, true) => "joined",
            (true, false) => "went_quiet",
            (true, true) => "active",
            (false, false) => "inactive",
        };
        assert_eq!(act[i].as_deref(), Some(want));
    }
    // Ties gained and lost, and new conflicts, per partner, from the sets of ids.
    let (ta, tb) = (
        pairs(&q2, "cosell_edges", &["partner_a", "partner_b"]),
        pairs(&q3, "cosell_edges", &["partner_a", "partner_b"]),
    );
    let cols = ["deal_a", "deal_b", "partner_a", "partner_b"];
    let (ca, cb) = (
        pairs(&q2, "channel_conflicts", &cols),
        pairs(&q3, "channel_conflicts", &cols),
    );
    let count = |set: Vec<&Vec<String>>, a: usize, b: usize| {
        let mut m: HashMap<String, i64> = HashMap::new();
        for p in set {
            *m.entry(p[a].clone()).or_default() += 1;
            *m.entry(p[b].clone()).or_default() += 1;
        }
        m
    };
    let gained = count(tb.difference(&ta).collect(), 0, 1);
    let lost = count(ta.difference(&tb).collect(), 0, 1);
    let fresh = count(cb.difference(&ca).collect(), 2, 3);
    for (col, want) in [
        ("ties_gained", &gained),
        ("ties_lost", &lost),
        ("new_conflicts", &fresh),
    ] {
        let got = ints(&pc, col);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(
                got[i],
                want.get(id.as_ref().unwrap()).copied().unwrap_or(0),
                "{col} {id:?}"
            );
        }
    }
    let s = read_json(&out.join("compare_summary.json"));
    assert_eq!(s["totals"]["ties_gained"], tb.difference(&ta).count());
    assert_eq!(s["totals"]["ties_lost"], ta.difference(&tb).count());
    assert_eq!(s["totals"]["new_conflicts"], cb.difference(&ca).count());
    assert!(
        s["totals"]["joined"].as_u64().unwrap() > 0
            && s["totals"]["went_quiet"].as_u64().unwrap() > 0
    );
    assert_eq!(s["old"]["period"]["from"], "2024-04-01");
    // Ecosystem changes are the summaries' numbers.
    let e = read(&out, "ecosystem_changes");
    let (m, old, new) = (strings(&e, "measure"), floats(&e, "old"), floats(&e, "new"));
    let (sa, sb) = (summary(&q2), summary(&q3));
    let at = |v: &serde_json::Value, path: &str| {
        path.split('.')
            .fold(v.clone(), |v, k| v[k].clone())
            .as_f64()
    };
    for i in 0..e.num_rows() {
        let path = m[i].as_deref().unwrap();
        assert_eq!(old[i], at(&sa, path), "{path}");
        assert_eq!(new[i], at(&sb, path), "{path}");
    }
    assert!(m
        .iter()
        .any(|x| x.as_deref() == Some("revenue.total_won_revenue")));
    assert!(m.iter().any(|x| x.as_deref() == Some("tiers.status.above")));
    // Tier statuses are each run's tier_fit.
    let status = |out: &Path| {
        let t = read(out, "tier_fit");
        by_id(&strings(&t, "partner_id"), &strings(&t, "status"))
    };
    let (st_a, st_b) = (status(&q2), status(&q3));
    let (go, gn) = (
        strings(&pc, "tier_status_old"),
        strings(&pc, "tier_status_new"),
    );
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(go[i], st_a[id.as_ref().unwrap()]);
        assert_eq!(gn[i], st_b[id.as_ref().unwrap()]);
    }
    // attribution_changes: every model both computed, per partner.
    let ac = read(&out, "attribution_changes");
    assert_eq!(ac.num_rows(), 6 * ids.len());
}

#[test]
fn compare_refuses_what_is_not_a_results_folder_and_an_existing_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let r = analyzed(&demo());
    let o = ecograph(&[
        "compare",
        demo().to_str().unwrap(),
        r.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(!out.exists());
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("mine.txt"), "not ecograph's").unwrap();
    let o = ecograph(&[
        "compare",
        r.to_str().unwrap(),
        r.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(out.join("mine.txt").exists());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    /// A run compared with itself changes nothing: every change, gain, loss and new
    /// conflict is 0, and nobody joined or went quiet.
    #[test]
    fn compare_x_x_is_all_zeros(seed in 0u64..1000, partners in 5usize..60) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        ok(&ecograph(&["generate", "--out", input.to_str().unwrap(), "--partners", &partners.to_string(), "--deals", &(partners * 12).to_string(), "--seed", &seed.to_string()]));
        let x = analyze_into(&input, &dir.path().join("x"), &[]);
        let r = ecograph::results::Results::read(&x).unwrap();
        let c = ecograph::compare::compare(&r, &r).unwrap();
        prop_assert_eq!(&c.totals, &ecograph::compare::CompareTotals::default());
        for col in ["attributed_revenue_change", "pagerank_change", "betweenness_change"] {
            prop_assert!(floats(&c.partners, col).into_iter().flatten().all(|x| x == 0.0), "{}", col);
        }
        for col in ["rank_change", "ties_gained", "ties_lost", "new_conflicts"] {
            prop_assert!(ints(&c.partners, col).into_iter().all(|x| x == 0), "{}", col);
        }
        prop_assert!(strings(&c.partners, "activity").iter().all(|a| matches!(a.as_deref(), Some("active" | "inactive"))));
        prop_assert!(floats(&c.attribution, "revenue_change").into_iter().flatten().all(|x| x == 0.0));
        prop_assert!(floats(&c.ecosystem, "change").into_iter().flatten().all(|x| x == 0.0));
    }
}
