//! `ecograph report` / `analyze --report`: every number the page shows comes from its
//! data island, and the island equals the output tables; the page loads nothing from
//! the network; the same results give the same bytes. (The page as a person sees it is
//! checked in headless Chromium by tests/report/check.sh, which .ci/run calls.)

use crate::common::*;
use crate::overlap_fixtures::read;
use arrow::array::AsArray;
use arrow::datatypes::{Float64Type, Int64Type};
use ecograph::report::show;

fn island(html: &str) -> serde_json::Value {
    let open = r#"<script type="application/json" id="ecograph-data">"#;
    let start = html.find(open).expect("a data island") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("the island is JSON")
}

fn report_of(out: &std::path::Path) -> String {
    std::fs::read_to_string(out.join("report.html")).unwrap()
}

#[test]
fn every_number_shown_equals_its_table() {
    let tmp = tempfile::tempdir().unwrap();
    let out = analyze(&demo(), tmp.path(), &["--report"]);
    let html = report_of(&out);
    let m = island(&html);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("ecosystem_summary.json")).unwrap())
            .unwrap();

    // Tiles: the summary's values, printed as the page prints them.
    for t in m["tiles"].as_array().unwrap() {
        let source = t["source"]
            .as_str()
            .unwrap()
            .trim_start_matches("summary: ");
        let (section, key) = source.split_once('.').unwrap();
        assert_eq!(
            t["value"].as_f64(),
            summary[section][key].as_f64(),
            "{source}"
        );
        let shown = show(t["value"].as_f64(), t["unit"].as_str().unwrap());
        assert!(
            html.contains(&format!(">{shown}<")),
            "tile {source} shows {shown}"
        );
    }

    // Leaderboard: the top partners of partner_metrics by attributed revenue, their values.
    let pm = read(&out, "partner_metrics");
    let ids = pm.column_by_name("partner_id").unwrap().as_string::<i32>();
    let names = pm.column_by_name("name").unwrap().as_string::<i32>();
    let rev = pm
        .column_by_name("attributed_revenue")
        .unwrap()
        .as_primitive::<Float64Type>();
    let pr = pm
        .column_by_name("pagerank")
        .unwrap()
        .as_primitive::<Float64Type>();
    let won = pm
        .column_by_name("won_deals")
        .unwrap()
        .as_primitive::<Int64Type>();
    let mut order: Vec<usize> = (0..pm.num_rows()).collect();
    order.sort_by(|&a, &b| rev.value(b).total_cmp(&rev.value(a)).then(a.cmp(&b)));
    let rows = m["leaderboard"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 100);
    assert_eq!(m["leaderboard"]["total"], pm.num_rows());
    for (r, &i) in rows.iter().zip(&order) {
        assert_eq!(r["partner_id"], ids.value(i));
        assert_eq!(r["name"], names.value(i), "names, not ids");
        assert_eq!(r["attributed_revenue"].as_f64().unwrap(), rev.value(i));
        assert_eq!(r["pagerank"].as_f64().unwrap(), pr.value(i));
        assert_eq!(r["won_deals"].as_i64().unwrap(), won.value(i));
        assert!(html.contains(&format!(">{}<", show(Some(rev.value(i)), "money"))));
    }

    // Diversification: every dimension with its HHI, and the band of its HHI rescaled
    // for the number of entities.
    let d = read(&out, "diversification");
    let hhi = d
        .column_by_name("hhi")
        .unwrap()
        .as_primitive::<Float64Type>();
    let entities = d
        .column_by_name("entities")
        .unwrap()
        .as_primitive::<arrow::datatypes::Int64Type>();
    let div = m["diversification"].as_array().unwrap();
    assert_eq!(div.len(), d.num_rows());
    for (i, row) in div.iter().enumerate() {
        assert_eq!(row["hhi"].as_f64().unwrap(), hhi.value(i));
        let n = entities.value(i) as f64;
        let h = (hhi.value(i) - 1.0 / n) / (1.0 - 1.0 / n);
        assert!((row["hhi_normalized"].as_f64().unwrap() - h).abs() < 1e-12);
        let band = if h < 0.15 {
            "unconcentrated"
        } else if h <= 0.25 {
            "moderate"
        } else {
            "high"
        };
        assert_eq!(row["band"], band);
    }

    // Conflicts: the largest by combined amount, and how many there are.
    let c = read(&out, "channel_conflicts");
    let (a, b) = (
        c.column_by_name("amount_a")
            .unwrap()
            .as_primitive::<Float64Type>(),
        c.column_by_name("amount_b")
            .unwrap()
            .as_primitive::<Float64Type>(),
    );
    let mut amounts: Vec<f64> = (0..c.num_rows()).map(|i| a.value(i) + b.value(i)).collect();
    amounts.sort_by(|x, y| y.total_cmp(x));
    let shown: Vec<f64> = m["conflicts"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["amount"].as_f64().unwrap())
        .collect();
    assert_eq!(shown, amounts[..shown.len()]);
    assert_eq!(m["conflicts"]["total"], c.num_rows());

    // Growth and resilience: the tables' rows.
    assert_eq!(
        m["growth"].as_array().unwrap().len(),
        read(&out, "network_growth").num_rows()
    );
    assert_eq!(
        m["resilience"].as_array().unwrap().len(),
        read(&out, "resilience").num_rows()
    );
    assert_eq!(m["growth_law"], summary["growth"]["best_growth_law"]);
}

/// The map's vendored libraries (src/report/vendor), inlined verbatim. sigma's bundle
/// holds an image loader the map never calls (`fetch(`, `.src=`); the browser test
/// (tests/report/map_test.py) refuses and counts every request the page makes, so the
/// text checks below read the page without these two files.
const VENDORED: [&str; 2] = [
    include_str!("../../src/report/vendor/graphology.umd.min.js"),
    include_str!("../../src/report/vendor/sigma.min.js"),
];

#[test]
fn nothing_is_loaded_from_the_network() {
    let mut html = report_of(&analyzed_with_report());
    for lib in VENDORED {
        assert_eq!(
            html.matches(lib).count(),
            1,
            "each library inlined once, verbatim"
        );
        html = html.replace(lib, "");
    }
    for needle in [
        "src=",
        "<link",
        "@import",
        "url(",
        "<iframe",
        "fetch(",
        "XMLHttpRequest",
    ] {
        assert!(!html.contains(needle), "the page has {needle}");
    }
    for (i, _) in html.match_indices("href=\"") {
        let target = &html[i + 6..];
        assert!(
            target.starts_with('#'),
            "a link leaves the page: {}",
            &target[..40.min(target.len())]
        );
    }
    assert!(html.len() < 5_000_000);
}

fn analyzed_with_report() -> std::path::PathBuf {
    static OUT: std::sync::OnceLock<(tempfile::TempDir, std::path::PathBuf)> =
        std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = analyze(&demo(), tmp.path(), &["--report"]);
        (tmp, out)
    })
    .1
    .clone()
}

#[test]
fn same_results_same_bytes_and_the_command_writes_the_same_page() {
    let tmp = tempfile::tempdir().unwrap();
    let one = analyze_into(
        &demo(),
        &tmp.path().join("a"),
        &["--report", "--threads", "1"],
    );
    let two = analyze_into(
        &demo(),
        &tmp.path().join("b"),
        &["--report", "--threads", "2"],
    );
    assert_eq!(report_of(&one), report_of(&two));
    // `ecograph report` on a CSV copy of the results writes the same page.
    let csv = analyze_into(&demo(), &tmp.path().join("csv"), &["--format", "csv"]);
    let page = tmp.path().join("page.html");
    ok(&ecograph(&[
        "report",
        csv.to_str().unwrap(),
        "--out",
        page.to_str().unwrap(),
    ]));
    let from_csv = std::fs::read_to_string(&page).unwrap();
    assert_eq!(
        island(&from_csv)["tiles"],
        island(&report_of(&one))["tiles"]
    );
    assert_eq!(
        island(&from_csv)["leaderboard"],
        island(&report_of(&one))["leaderboard"]
    );
    // A folder that is not a results folder: exit 3 and the reason.
    let bad = ecograph(&["report", demo().to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(3));
    assert!(stderr(&bad).contains("ecosystem_summary.json"));
}

/// The alerts are exactly the findings the tables show, computed here from the tables.
#[test]
fn alerts_are_the_findings_of_the_tables() {
    let out = analyzed_with_report();
    let m = island(&report_of(&out));
    let codes: Vec<&str> = m["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    let f64s = |t: &arrow::record_batch::RecordBatch, c: &str| -> Vec<Option<f64>> {
        let a = t.column_by_name(c).unwrap().as_primitive::<Float64Type>();
        (0..a.len())
            .map(|i| arrow::array::Array::is_valid(a, i).then(|| a.value(i)))
            .collect()
    };
    // Concentration on the HHI rescaled for the entity count: (hhi - 1/n) / (1 - 1/n).
    let div = read(&out, "diversification");
    let ents = div
        .column_by_name("entities")
        .unwrap()
        .as_primitive::<arrow::datatypes::Int64Type>();
    let high = f64s(&div, "hhi").iter().enumerate().any(|(i, h)| {
        let n = ents.value(i) as f64;
        n >= 2.0 && h.is_some_and(|h| (h - 1.0 / n) / (1.0 - 1.0 / n) > 0.25)
    });
    let pm = read(&out, "partner_metrics");
    let rev: Vec<f64> = f64s(&pm, "attributed_revenue")
        .into_iter()
        .flatten()
        .collect();
    let total: f64 = rev.iter().sum();
    let dominant = rev.iter().any(|&r| r / total > 0.25);
    let critical = f64s(&pm, "reach_loss")
        .iter()
        .filter(|r| r.is_some_and(|r| r > 0.05))
        .count();
    let pairs = read(&out, "overlap_pairs");
    let dims = pairs
        .column_by_name("dimension")
        .unwrap()
        .as_string::<i32>();
    let shared = pairs
        .column_by_name("shared")
        .unwrap()
        .as_primitive::<arrow::datatypes::Int64Type>();
    // Near-duplicates need the default support of five shared customers.
    let dups = f64s(&pairs, "jaccard")
        .iter()
        .enumerate()
        .filter(|(i, j)| {
            dims.value(*i) == "customer" && j.is_some_and(|j| j >= 0.9) && shared.value(*i) >= 5
        })
        .count();
    let conflicts = read(&out, "channel_conflicts").num_rows();
    let res = read(&out, "resilience");
    let strategy = res.column_by_name("strategy").unwrap().as_string::<i32>();
    let (rf, lf) = (f64s(&res, "removed_fraction"), f64s(&res, "lcc_fraction"));
    let at = |x: f64| {
        (0..res.num_rows())
            .find(|&i| strategy.value(i) == "targeted" && rf[i] == Some(x))
            .and_then(|i| lf[i])
            .unwrap()
    };
    let fragile = at(0.05) < 0.5 * at(0.0);
    // Hidden brokers: the 5 % most central by PageRank in the bottom half by revenue.
    let pr: Vec<f64> = f64s(&pm, "pagerank").into_iter().flatten().collect();
    let n = pr.len();
    let ranked = |key: &[f64]| {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| key[b].total_cmp(&key[a]).then(a.cmp(&b)));
        order
    };
    let mut rev_rank = vec![0; n];
    for (k, i) in ranked(&rev).into_iter().enumerate() {
        rev_rank[i] = k;
    }
    let hidden = ranked(&pr)[..n.div_ceil(20)]
        .iter()
        .filter(|&&i| rev_rank[i] >= n / 2)
        .count();
    let want: Vec<(&str, bool)> = vec![
        ("hidden_brokers", hidden > 0),
        ("revenue_concentration", high),
        ("dominant_partner", dominant),
        ("critical_partners", critical > 0),
        ("near_duplicates", dups > 0),
        ("channel_conflicts", conflicts > 0),
        ("fragile_network", fragile),
    ];
    for (code, expected) in want {
        assert_eq!(codes.contains(&code), expected, "{code}");
    }
    let a = m["alerts"].as_array().unwrap();
    if dups > 0 {
        let d = a.iter().find(|a| a["code"] == "near_duplicates").unwrap();
        assert!(d["title"].as_str().unwrap().starts_with(&format!(
            "{} partner pair",
            ecograph::error::thousands(dups as u64)
        )));
    }
    if hidden > 0 {
        let h = a.iter().find(|a| a["code"] == "hidden_brokers").unwrap();
        assert!(h["title"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{hidden} partner")));
    }
    let c = a.iter().find(|a| a["code"] == "channel_conflicts").unwrap();
    assert!(c["title"].as_str().unwrap().starts_with(&format!(
        "{} channel",
        ecograph::error::thousands(conflicts as u64)
    )));
    assert!(a
        .iter()
        .all(|a| a["evidence"].as_str().unwrap().starts_with('#')));
}

/// The map shows the most central partners by PageRank that have a tie among them, the
/// others counted as isolated, and exactly the cosell_edges among them (all of them
/// here: the demo's core has fewer than the drawing bound); each partner's card shows
/// its partner_metrics figures as the page prints them.
#[test]
fn the_network_map_is_the_central_partners_and_their_ties() {
    let out = analyzed_with_report();
    let html = report_of(&out);
    let m = island(&html);
    let pm = read(&out, "partner_metrics");
    let ids = pm.column_by_name("partner_id").unwrap().as_string::<i32>();
    let pr = pm
        .column_by_name("pagerank")
        .unwrap()
        .as_primitive::<Float64Type>();
    let rev = pm
        .column_by_name("attributed_revenue")
        .unwrap()
        .as_primitive::<Float64Type>();
    let won = pm
        .column_by_name("won_deals")
        .unwrap()
        .as_primitive::<Int64Type>();
    let mut order: Vec<usize> = (0..pm.num_rows()).collect();
    order.sort_by(|&a, &b| pr.value(b).total_cmp(&pr.value(a)).then(a.cmp(&b)));
    order.truncate(300);
    let central: std::collections::HashSet<&str> = order.iter().map(|&i| ids.value(i)).collect();
    let e = read(&out, "cosell_edges");
    let (a, b) = (
        e.column_by_name("partner_a").unwrap().as_string::<i32>(),
        e.column_by_name("partner_b").unwrap().as_string::<i32>(),
    );
    let w = e
        .column_by_name("shared_deals")
        .unwrap()
        .as_primitive::<Int64Type>();
    let want: Vec<(String, String, i64)> = (0..e.num_rows())
        .filter(|&i| central.contains(a.value(i)) && central.contains(b.value(i)))
        .map(|i| (a.value(i).to_string(), b.value(i).to_string(), w.value(i)))
        .collect();
    let tied: std::collections::HashSet<&str> = want
        .iter()
        .flat_map(|(a, b, _)| [a.as_str(), b.as_str()])
        .collect();
    // The demo has central partners without a tie among them: the counter-example.
    let shown: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| tied.contains(ids.value(i)))
        .collect();
    assert!(shown.len() < order.len() && !shown.is_empty());
    assert_eq!(m["network"]["isolated"], order.len() - shown.len());
    let nodes = m["network"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), shown.len());
    let mut degree = vec![0usize; nodes.len()];
    for t in m["network"]["edges"].as_array().unwrap() {
        degree[t[0].as_u64().unwrap() as usize] += 1;
        degree[t[1].as_u64().unwrap() as usize] += 1;
    }
    for ((n, &i), d) in nodes.iter().zip(&shown).zip(&degree) {
        assert_eq!(n["partner_id"], ids.value(i));
        for c in ["x", "y"] {
            assert!((0.0..=1.0).contains(&n[c].as_f64().unwrap()));
        }
        assert_eq!(n["attributed_revenue"].as_f64().unwrap(), rev.value(i));
        assert_eq!(n["ties_drawn"], *d);
        let card: std::collections::HashMap<&str, &str> = n["card"]
            .as_array()
            .unwrap()
            .iter()
            .map(|kv| (kv[0].as_str().unwrap(), kv[1].as_str().unwrap()))
            .collect();
        assert_eq!(
            card["Attributed revenue"],
            show(Some(rev.value(i)), "money")
        );
        assert_eq!(card["Won deals"], show(Some(won.value(i) as f64), "count"));
        assert_eq!(card["Ties drawn here"], show(Some(*d as f64), "count"));
        let colour = n["colour"].as_str().unwrap();
        assert!(colour.len() == 7 && colour.starts_with('#'), "{colour}");
    }
    let got: Vec<(String, String, i64)> = m["network"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let (x, y) = (
                t[0].as_u64().unwrap() as usize,
                t[1].as_u64().unwrap() as usize,
            );
            (
                nodes[x]["partner_id"].as_str().unwrap().to_string(),
                nodes[y]["partner_id"].as_str().unwrap().to_string(),
                t[2].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(m["network"]["total_edges"], want.len());
    assert_eq!(got, want);
    let isolated = format!(
        "less {} with no tie to any of the others (counted, not drawn)",
        order.len() - shown.len()
    );
    assert!(
        html.contains(&isolated),
        "the note counts the isolated partners"
    );
}

/// The account-mapping matrix is overlap_by_type, and the pairs listed are the customer
/// pairs of overlap_pairs sharing the most customers.
#[test]
fn account_mapping_is_overlap_by_type_and_the_largest_shared_books() {
    let out = analyzed_with_report();
    let m = island(&report_of(&out));
    let t = read(&out, "overlap_by_type");
    let density = t
        .column_by_name("pair_density")
        .unwrap()
        .as_primitive::<Float64Type>();
    let cells = m["account_mapping"].as_array().unwrap();
    assert_eq!(cells.len(), t.num_rows());
    for (i, c) in cells.iter().enumerate() {
        assert_eq!(c["pair_density"].as_f64().unwrap(), density.value(i));
    }
    let p = read(&out, "overlap_pairs");
    let dim = p.column_by_name("dimension").unwrap().as_string::<i32>();
    let shared = p
        .column_by_name("shared")
        .unwrap()
        .as_primitive::<Int64Type>();
    let mut best: Vec<i64> = (0..p.num_rows())
        .filter(|&i| dim.value(i) == "customer")
        .map(|i| shared.value(i))
        .collect();
    best.sort_by(|a, b| b.cmp(a));
    let shown: Vec<i64> = m["top_pairs"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["shared"].as_i64().unwrap())
        .collect();
    assert_eq!(shown, best[..shown.len()]);
    assert!(!shown.is_empty());
}

/// Scorecards: one page per partner, the figures and percentiles from partner_metrics,
/// the co-sellers from cosell_edges; top:N takes the top N by attributed revenue; an
/// unknown partner is a usage error naming it.
#[test]
fn scorecards_show_each_partner_against_the_tables() {
    let out = analyzed_with_report();
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("cards.html");
    ok(&ecograph(&[
        "report",
        out.to_str().unwrap(),
        "--partners",
        "top:3",
        "--out",
        page.to_str().unwrap(),
    ]));
    let html = std::fs::read_to_string(&page).unwrap();
    let cards = island(&html);
    let cards = cards.as_array().unwrap();
    assert_eq!(cards.len(), 3);
    assert_eq!(html.matches(r#"data-section="scorecard""#).count(), 3);
    let review = island(&report_of(&out));
    for (c, r) in cards
        .iter()
        .zip(review["leaderboard"]["rows"].as_array().unwrap())
    {
        assert_eq!(
            c["partner_id"], r["partner_id"],
            "the top 3 by attributed revenue"
        );
    }
    let pm = read(&out, "partner_metrics");
    let ids = pm.column_by_name("partner_id").unwrap().as_string::<i32>();
    let rev = pm
        .column_by_name("attributed_revenue")
        .unwrap()
        .as_primitive::<Float64Type>();
    let first = &cards[0];
    let me = first["partner_id"].as_str().unwrap();
    let i = (0..pm.num_rows()).find(|&i| ids.value(i) == me).unwrap();
    let fig = &first["figures"][0];
    assert_eq!(fig["column"], "attributed_revenue");
    assert_eq!(fig["value"].as_f64().unwrap(), rev.value(i));
    let below = (0..pm.num_rows())
        .filter(|&k| rev.value(k) < rev.value(i))
        .count() as f64;
    let equal = (0..pm.num_rows())
        .filter(|&k| rev.value(k) == rev.value(i))
        .count() as f64;
    let want = 100.0 * (below + equal / 2.0) / pm.num_rows() as f64;
    assert!((fig["percentile"].as_f64().unwrap() - want).abs() < 1e-9);
    // Co-sellers: its cosell_edges rows, most won revenue together first.
    let e = read(&out, "cosell_edges");
    let (a, b) = (
        e.column_by_name("partner_a").unwrap().as_string::<i32>(),
        e.column_by_name("partner_b").unwrap().as_string::<i32>(),
    );
    let won = e
        .column_by_name("shared_won_revenue")
        .unwrap()
        .as_primitive::<Float64Type>();
    let mut mine: Vec<f64> = (0..e.num_rows())
        .filter(|&k| a.value(k) == me || b.value(k) == me)
        .map(|k| won.value(k))
        .collect();
    assert_eq!(first["cosellers_total"], mine.len());
    mine.sort_by(|x, y| y.total_cmp(x));
    let shown: Vec<f64> = first["cosellers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_f64().unwrap())
        .collect();
    assert_eq!(shown, mine[..shown.len()]);

    let bad = ecograph(&["report", out.to_str().unwrap(), "--partner", "NO-SUCH"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("NO-SUCH"));
}

/// `report --out` replaces a page ecograph wrote, and nothing else: a folder or a
/// foreign file is refused (exit 4) and left as it was.
#[test]
fn the_page_replaces_only_what_ecograph_wrote() {
    let out = analyzed_with_report();
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("review.html");
    let run = |target: &std::path::Path| {
        ecograph(&[
            "report",
            out.to_str().unwrap(),
            "--out",
            target.to_str().unwrap(),
        ])
    };
    ok(&run(&page));
    ok(&run(&page)); // its own page: replaced
    let foreign = tmp.path().join("notes.html");
    std::fs::write(&foreign, "<html>my notes</html>").unwrap();
    let refused = run(&foreign);
    assert_eq!(refused.status.code(), Some(4));
    assert!(stderr(&refused).contains("ecograph did not write"));
    assert_eq!(
        std::fs::read_to_string(&foreign).unwrap(),
        "<html>my notes</html>"
    );
    assert_eq!(
        run(tmp.path()).status.code(),
        Some(4),
        "a folder is refused"
    );
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "no partial file left behind: {left:?}");
}

/// The program sections: "which story is fair" is the summary's attribution table, the
/// tier review counts the summary's statuses and lists tier_fit's partners, and "since
/// last period" shows compare's numbers; the conflicts show both deals' stages.
#[test]
fn the_program_sections_show_their_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let tiers = repo().join("tests/fixtures/program/demo_tiers.toml");
    let t = tiers.to_str().unwrap();
    let q2 = analyze_into(
        &demo(),
        &tmp.path().join("q2"),
        &["--period", "2024Q2", "--config", t],
    );
    let q3 = analyze_into(
        &demo(),
        &tmp.path().join("q3"),
        &["--period", "2024Q3", "--config", t],
    );
    let page = tmp.path().join("since.html");
    ok(&ecograph(&[
        "report",
        q3.to_str().unwrap(),
        "--since",
        q2.to_str().unwrap(),
        "--out",
        page.to_str().unwrap(),
    ]));
    let html = std::fs::read_to_string(&page).unwrap();
    let m = island(&html);
    let s = summary(&q3);

    // Which story is fair.
    let fair = &m["fair_story"];
    assert_eq!(fair["models"], s["attribution"]["models"]);
    for (row, want) in fair["rows"]
        .as_array()
        .unwrap()
        .iter()
        .zip(s["attribution"]["fair_story"].as_array().unwrap())
    {
        assert_eq!(row["partner"], want["name"]);
        for (k, model) in fair["models"].as_array().unwrap().iter().enumerate() {
            let model = model.as_str().unwrap();
            assert_eq!(row["rank"][k], want["rank"][model], "{model}");
            assert_eq!(row["revenue"][k], want["revenue"][model], "{model}");
            assert!(html.contains(&format!(
                "#{} · {}",
                want["rank"][model],
                show(want["revenue"][model].as_f64(), "money_tile")
            )));
        }
    }

    // The tier review.
    let tr = &m["tier_review"];
    for pair in tr["status"].as_array().unwrap() {
        assert_eq!(pair[1], s["tiers"]["status"][pair[0].as_str().unwrap()]);
    }
    let fit = read(&q3, "tier_fit");
    let (ids, status) = (strings(&fit, "partner_id"), strings(&fit, "status"));
    let pm = read(&q3, "partner_metrics");
    let names: std::collections::HashMap<_, _> = strings(&pm, "partner_id")
        .into_iter()
        .zip(strings(&pm, "name"))
        .collect();
    for (list, word) in [("above", "above"), ("below", "below")] {
        let want: std::collections::BTreeSet<String> = ids
            .iter()
            .zip(&status)
            .filter(|(_, st)| st.as_deref() == Some(word))
            .map(|(id, _)| names[id].clone().unwrap())
            .collect();
        let shown = tr[list].as_array().unwrap();
        assert_eq!(shown.len(), want.len().min(10), "{word}");
        for r in shown {
            assert!(want.contains(r["partner"].as_str().unwrap()), "{word}: {r}");
        }
    }

    // Since last period: compare's totals and the summaries' numbers.
    let since = &m["since"];
    let old = ecograph::results::Results::read(&q2).unwrap();
    let new = ecograph::results::Results::read(&q3).unwrap();
    let c = ecograph::compare::compare(&old, &new).unwrap();
    assert_eq!(since["totals"], serde_json::to_value(&c.totals).unwrap());
    for x in since["measures"].as_array().unwrap() {
        let label = x[0].as_str().unwrap();
        let path = match label {
            "Deals" => "counts.deals",
            "Won revenue" => "revenue.total_won_revenue",
            "Partner revenue share" => "revenue.partner_revenue_share",
            "Co-sell rate" => "revenue.cosell_rate",
            "Win rate, partner-led" => "partner_lift.win_rate_partner",
            "Co-selling ties" => "counts.cosell_edges",
            "Channel conflicts" => "overlap.channel_conflicts",
            other => panic!("unexpected measure {other}"),
        };
        let at = |v: &serde_json::Value| path.split('.').fold(v.clone(), |v, k| v[k].clone());
        assert_eq!(x[2].as_f64(), at(&summary(&q2)).as_f64(), "{label} before");
        assert_eq!(x[3].as_f64(), at(&s).as_f64(), "{label} now");
    }
    assert!(html.contains("2024-07-01 to 2024-09-30") && html.contains("2024-04-01 to 2024-06-30"));

    // Conflicts carry their stages.
    for c in m["conflicts"]["rows"].as_array().unwrap() {
        let st = c["stages"].as_str().unwrap();
        assert!(
            st.split(" / ")
                .all(|w| ["won", "lost", "open"].contains(&w)),
            "{st}"
        );
    }
}
