//! The review page readable at a glance: partners by name (ids on hover), the
//! leaderboard's name cell holding the name alone, the currency of `[report]` on the
//! page from `analyze --report` and after `ecograph report`, communities of two
//! partners or more with the singletons counted, and the heatmap's types. (The quarter
//! axis, the heatmap's values and legend, and show()'s rules are unit tests of
//! report::charts and report.)

use crate::common::*;
use crate::overlap_fixtures::read;
use arrow::array::{Array, AsArray};
use arrow::datatypes::Int64Type;

fn island(html: &str) -> serde_json::Value {
    let open = r#"<script type="application/json" id="ecograph-data">"#;
    let start = html.find(open).expect("a data island") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("the island is JSON")
}

/// The demo analyzed with `--report` (and `[report] currency` when given), its page.
fn page(dir: &std::path::Path, currency: Option<&str>) -> (std::path::PathBuf, String) {
    let mut flags = vec!["--report".to_string()];
    if let Some(c) = currency {
        let cfg = dir.join("c.toml");
        std::fs::write(&cfg, format!("[report]\ncurrency = {c:?}\n")).unwrap();
        flags.extend(["--config".into(), cfg.to_str().unwrap().into()]);
    }
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let out = analyze(&demo(), dir, &flags);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    (out, html)
}

/// `s` as minijinja's HTML auto-escaping writes it.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

/// The section `id` of the page.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!(r#"<section id="{id}""#))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = start + html[start..].find("</section>").unwrap();
    &html[start..end]
}

#[test]
fn the_leaderboard_names_partners_and_keeps_ids_for_hover_and_search() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, html) = page(tmp.path(), None);
    let m = island(&html);
    let lb = section(&html, "leaderboard");
    assert!(!lb.contains(">Id<"), "an id column is back");
    for r in m["leaderboard"]["rows"].as_array().unwrap() {
        let (id, name) = (
            r["partner_id"].as_str().unwrap(),
            r["name"].as_str().unwrap(),
        );
        assert_ne!(id, name, "the demo's partners all have names");
        let (id, name) = (esc(id), esc(name));
        // The name cell holds the name alone; the id is in its title and data-id.
        let cell = format!(
            r#"<td class="partner" data-id="{id}" title="{name} · {id}"><span class="name">{name}</span></td>"#
        );
        assert!(lb.contains(&cell), "{id}: {cell}");
        assert!(!lb.contains(&format!(">{id}<")), "{id} shown as text");
    }
}

#[test]
fn the_currency_of_the_config_reaches_the_page_and_survives_a_re_render() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, html) = page(tmp.path(), Some("€"));
    assert_eq!(summary(&out)["parameters"]["report"]["currency"], "€");
    // The won revenue tile, abbreviated with the symbol before; headings name it.
    let won = island(&html)["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == "Won revenue")
        .unwrap()["value"]
        .as_f64()
        .unwrap();
    let tile = format!("€{}", ecograph::report::show(Some(won), "money_tile"));
    assert!(tile.ends_with('M'), "{tile}");
    assert!(
        html.contains(&format!(">{tile}<")),
        "{tile} not on the page"
    );
    assert!(html.contains("Revenue (€)") && html.contains("Amount at stake (€)"));
    assert!(html.contains("Amounts are in €"));
    assert!(
        html.contains("won revenue (€)"),
        "the growth axis names no currency"
    );
    // `ecograph report` re-renders the same page from the folder alone.
    let again = tmp.path().join("again.html");
    ok(&ecograph(&[
        "report",
        out.to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
    ]));
    assert_eq!(std::fs::read_to_string(&again).unwrap(), html);

    // A code follows the amount.
    let tmp2 = tempfile::tempdir().unwrap();
    let (_, html) = page(tmp2.path(), Some("EUR"));
    let tile = format!("{} EUR", ecograph::report::show(Some(won), "money_tile"));
    assert!(
        html.contains(&format!(">{tile}<")),
        "{tile} not on the page"
    );

    // Counter-example: without [report], no currency, and the page says so; the
    // summary records nothing (as folders written before [report] existed).
    let tmp3 = tempfile::tempdir().unwrap();
    let (out, html) = page(tmp3.path(), None);
    assert!(summary(&out)["parameters"]
        .get("report")
        .is_some_and(|r| r["currency"].is_null()));
    assert!(!html.contains('€') && !html.contains("EUR"));
    assert!(html.contains("not named"));

    // A currency that would read as part of an amount is a config error (exit 2).
    let cfg = tmp3.path().join("bad.toml");
    std::fs::write(&cfg, "[report]\ncurrency = \"1€\"\n").unwrap();
    let o = ecograph(&[
        "validate",
        demo().to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("[report] currency"), "{}", stderr(&o));
}

#[test]
fn communities_of_one_are_left_out_and_counted_members_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, html) = page(tmp.path(), None);
    let m = island(&html);
    let t = read(&out, "communities");
    let size = t
        .column_by_name("size")
        .unwrap()
        .as_primitive::<Int64Type>();
    let of_one = (0..t.num_rows()).filter(|&i| size.value(i) == 1).count();
    assert!(
        of_one > 0,
        "the demo has singletons: the test would prove nothing"
    );
    assert_eq!(m["communities_of_one"].as_u64().unwrap() as usize, of_one);
    let rows = m["communities"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), (t.num_rows() - of_one).min(20));
    let pm = read(&out, "partner_metrics");
    let ids = pm.column_by_name("partner_id").unwrap().as_string::<i32>();
    let names = pm.column_by_name("name").unwrap().as_string::<i32>();
    let name_of = |id: &str| {
        (0..pm.num_rows())
            .find(|&i| ids.value(i) == id)
            .map(|i| names.value(i))
    };
    for r in rows {
        assert!(r["size"].as_i64().unwrap() >= 2, "{r}");
        for list in ["central", "largest"] {
            let members = r[list].as_array().unwrap();
            assert!(!members.is_empty() && members.len() <= 3);
            for p in members {
                let id = p["partner_id"].as_str().unwrap();
                assert_eq!(Some(p["name"].as_str().unwrap()), name_of(id));
            }
        }
    }
    let sec = section(&html, "communities");
    assert!(sec.contains(&format!(
        "{of_one} communities of a single partner left out"
    )));
    assert!(sec.contains("of its most common type") || sec.contains("that are of that type"));
    assert!(!sec.contains(">P0"), "an id shown as text");
}

#[test]
fn conflicts_name_their_partners_and_the_heatmap_has_no_empty_type() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, html) = page(tmp.path(), None);
    let m = island(&html);
    let pm = read(&out, "partner_metrics");
    let ids = pm.column_by_name("partner_id").unwrap().as_string::<i32>();
    let names = pm.column_by_name("name").unwrap().as_string::<i32>();
    let sec = section(&html, "conflicts");
    for c in m["conflicts"]["rows"].as_array().unwrap() {
        for (id, name) in [("partner_a", "name_a"), ("partner_b", "name_b")] {
            let (id, name) = (c[id].as_str().unwrap(), c[name].as_str().unwrap());
            let i = (0..pm.num_rows()).find(|&i| ids.value(i) == id).unwrap();
            assert_eq!(name, names.value(i));
            let (id, name) = (esc(id), esc(name));
            assert!(sec.contains(&format!(r#"<td title="{id}">{name}</td>"#)));
        }
    }
    // Every partner of the demo has a type: the heatmap has one row and one column per
    // type of overlap_by_type, and no "no type".
    let fig = section(&html, "account-mapping");
    let fig = &fig[..fig.find("</figure>").unwrap()];
    assert!(!fig.contains("no type"));
    let t = read(&out, "overlap_by_type");
    let ta = t.column_by_name("type_a").unwrap().as_string::<i32>();
    assert_eq!(ta.null_count(), 0);
    let mut types: Vec<&str> = (0..t.num_rows()).map(|i| ta.value(i)).collect();
    types.sort_unstable();
    types.dedup();
    for ty in types {
        assert_eq!(fig.matches(&format!(">\n{ty}\n</text>")).count(), 2, "{ty}");
    }
}

#[test]
fn a_stray_date_is_counted_under_the_growth_chart_not_allowed_to_hide_the_real_quarters() {
    let tmp = tempfile::tempdir().unwrap();
    // Counter-example first: the demo's five years are drawn whole, no note.
    let (_, html) = page(&tmp.path().join("demo"), None);
    assert!(!section(&html, "growth").contains("data-left-off"));
    // The demo with one deal created on a 1900 default date.
    let input = tmp.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    for f in std::fs::read_dir(demo()).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, input.join(f.file_name().unwrap())).unwrap();
    }
    let deals = std::fs::read_to_string(input.join("deals.csv")).unwrap();
    let stray = deals.replacen(",2021-01-04,2021-01-15,", ",1900-01-04,2021-01-15,", 1);
    assert_ne!(
        stray, deals,
        "the demo's first deal moved: the test would prove nothing"
    );
    std::fs::write(input.join("deals.csv"), stray).unwrap();
    let out = analyze(&input, &tmp.path().join("stray"), &["--report"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let growth = section(&html, "growth");
    assert!(growth.contains("data-left-off"), "{growth}");
    assert!(
        growth.contains("Left off: 1 quarter outside them with 1 deal and"),
        "{growth}"
    );
    assert!(
        growth.contains(">2021Q1<") || growth.contains("2021Q1"),
        "the real quarters are drawn"
    );
    assert!(!growth.contains("1900Q1"), "the stray quarter is drawn");
}
