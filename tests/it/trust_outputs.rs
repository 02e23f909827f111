//! Issue 23, second pass, as a user meets it: no output lies or runs code (formula-like
//! names in CSV, ids GraphML would merge), and no flag or input costs more than it says
//! (co-sell ties bounded and counted before the network is built, threads and samples
//! bounded, `--dry-run` with times and the warnings).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::*;

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message lacks {p:?}:\n{msg}");
    }
}

/// Nothing left beside `out` in its folder: no output, no staging folder.
fn nothing_written(parent: &Path, out: &Path) {
    assert!(!out.exists(), "{} was written", out.display());
    let left: Vec<_> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("ecograph-tmp"))
        .collect();
    assert!(left.is_empty(), "staging left: {left:?}");
}

const FORMULAS: [(&str, &str); 6] = [
    ("P1", "=HYPERLINK(\"http://evil.example\",\"click\")"),
    ("P2", "+cmd|' /C calc'!A0"),
    ("P3", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("P4", "-x"),
    ("P5", "Acme-Data"),
    ("P6", "Smith & Co"),
];

/// Partners named like [`FORMULAS`], every one on a deal; `amount` of the won deal.
fn formula_input(dir: &Path, amount: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let mut w = csv::Writer::from_path(dir.join("partners.csv")).unwrap();
    w.write_record(["partner_id", "name"]).unwrap();
    for (id, name) in FORMULAS {
        w.write_record([id, name]).unwrap();
    }
    w.flush().unwrap();
    std::fs::write(
        dir.join("deals.csv"),
        format!(
            "deal_id,customer_id,product_id,amount,stage,created_at,closed_at,region\n\
             D1,C1,X,{amount},won,2021-04-01,2021-05-01,NA\n\
             D2,C2,Y,500,won,2021-04-02,2021-06-01,NA\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("deal_partners.csv"),
        "deal_id,partner_id,role\nD1,P1,sourced\nD1,P2,\nD1,P3,\nD2,P4,sourced\nD2,P5,\nD2,P6,\n",
    )
    .unwrap();
    dir.to_path_buf()
}

/// (partner_id -> name) of a CSV table, as a CSV parser reads it.
fn names_in(path: &Path) -> Vec<(String, String)> {
    let (_, rows) = csv_rows(path);
    rows.iter()
        .map(|r| (r["partner_id"].clone(), r["name"].clone()))
        .collect()
}

fn safe(name: &str) -> String {
    if name.starts_with(['=', '+', '-', '@']) {
        format!("'{name}")
    } else {
        name.to_string()
    }
}

#[test]
fn formula_names_are_written_as_text_in_csv_and_raw_with_csv_raw() {
    let tmp = tempfile::tempdir().unwrap();
    let input = formula_input(&tmp.path().join("in"), "1000");
    let out = analyze_into(&input, &tmp.path().join("safe"), &["--format", "csv"]);
    let names = names_in(&out.join("partner_metrics.csv"));
    for (id, name) in FORMULAS {
        let written = &names.iter().find(|(p, _)| p == id).unwrap().1;
        assert_eq!(written, &safe(name), "{id}");
    }
    // "Acme-Data" and "Smith & Co" do not start with a trigger and are not altered.
    assert!(names.contains(&("P5".into(), "Acme-Data".into())));
    assert!(names.contains(&("P6".into(), "Smith & Co".into())));
    assert_eq!(summary(&out)["parameters"]["csv_cells"], "safe");
    // No text cell of any table starts with a trigger.
    for f in std::fs::read_dir(&out).unwrap() {
        let path = f.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let (_, rows) = csv_rows(&path);
            for r in &rows {
                for v in r.values() {
                    let number = v.parse::<f64>().is_ok();
                    assert!(
                        number || !v.starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "{}: {v:?}",
                        path.display()
                    );
                }
            }
        }
    }

    let raw = analyze_into(
        &input,
        &tmp.path().join("raw"),
        &["--format", "csv", "--csv-raw"],
    );
    let names = names_in(&raw.join("partner_metrics.csv"));
    for (id, name) in FORMULAS {
        assert!(names.contains(&(id.into(), name.into())), "{id}: {names:?}");
    }
    assert_eq!(summary(&raw)["parameters"]["csv_cells"], "raw");
}

#[test]
fn parquet_keeps_formula_names_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let input = formula_input(&tmp.path().join("in"), "1000");
    let out = analyze(&input, tmp.path(), &[]);
    let b = read_parquet(&out.join("partner_metrics.parquet"));
    let ids = strings(&b, "partner_id");
    let names = strings(&b, "name");
    for (id, name) in FORMULAS {
        let i = ids.iter().position(|p| p.as_deref() == Some(id)).unwrap();
        assert_eq!(names[i].as_deref(), Some(name));
    }
    assert!(summary(&out)["parameters"].get("csv_cells").is_none());
}

#[test]
fn compare_csv_escapes_names_once_and_leaves_negative_numbers_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let old_in = formula_input(&t.join("old_in"), "1000");
    let new_in = formula_input(&t.join("new_in"), "100");
    // CSV results read back by compare: their escape is undone before comparing, so
    // the comparison escapes each name once.
    let old = analyze_into(&old_in, &t.join("old"), &["--format", "csv"]);
    let new = analyze_into(&new_in, &t.join("new"), &["--format", "csv"]);
    let cmp = t.join("cmp");
    ok(&ecograph(&[
        "compare",
        s(&old),
        s(&new),
        "--out",
        s(&cmp),
        "--format",
        "csv",
    ]));
    let path = cmp.join("partner_changes.csv");
    let names = names_in(&path);
    for (id, name) in FORMULAS {
        assert!(names.contains(&(id.into(), safe(name))), "{id}: {names:?}");
    }
    // The won deal fell from 1000 to 100: negative changes, written as numbers.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(",-"), "no negative change in {text}");
    assert!(!text.contains("'-3") && !text.contains("'-0"), "{text}");

    let raw = t.join("cmp_raw");
    ok(&ecograph(&[
        "compare",
        s(&old),
        s(&new),
        "--out",
        s(&raw),
        "--format",
        "csv",
        "--csv-raw",
    ]));
    let names = names_in(&raw.join("partner_changes.csv"));
    for (id, name) in FORMULAS {
        assert!(names.contains(&(id.into(), name.into())), "{id}: {names:?}");
    }
}

// ---- GraphML ------------------------------------------------------------------------

/// An attribute value as a conforming XML 1.0 parser returns it: line ends normalized,
/// then every literal tab, line feed and carriage return made a space (§3.3.3), then
/// references resolved. quick-xml does not normalize, so the test does.
fn xml_attribute(raw: &[u8]) -> String {
    let raw = std::str::from_utf8(raw).unwrap();
    let normalized: String = raw
        .replace("\r\n", "\n")
        .chars()
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect();
    quick_xml::escape::unescape(&normalized)
        .unwrap()
        .into_owned()
}

/// Node ids, edge ends and node labels of a GraphML file, as an XML 1.0 parser reads
/// them.
fn graphml_read_back(text: &str) -> (Vec<String>, Vec<(String, String)>, Vec<String>) {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(text);
    let (mut nodes, mut edges, mut labels) = (Vec::new(), Vec::new(), Vec::new());
    let attr = |e: &quick_xml::events::BytesStart, name: &str| {
        xml_attribute(&e.try_get_attribute(name).unwrap().unwrap().value)
    };
    let mut in_label: Option<String> = None;
    loop {
        match r.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) => match e.name().as_ref() {
                b"node" => nodes.push(attr(&e, "id")),
                b"edge" => edges.push((attr(&e, "source"), attr(&e, "target"))),
                b"data" if attr(&e, "key") == "label" => in_label = Some(String::new()),
                _ => {}
            },
            Event::Text(t) => {
                if let Some(l) = &mut in_label {
                    // End-of-line handling: a literal CR reads as LF.
                    l.push_str(&t.xml10_content().unwrap());
                }
            }
            Event::GeneralRef(g) => {
                if let Some(l) = &mut in_label {
                    match g.resolve_char_ref().unwrap() {
                        Some(c) => l.push(c),
                        None => {
                            let name = g.decode().unwrap();
                            let e = format!("&{name};");
                            l.push_str(&quick_xml::escape::unescape(&e).unwrap());
                        }
                    }
                }
            }
            Event::End(e) if e.name().as_ref() == b"data" => {
                if let Some(l) = in_label.take() {
                    labels.push(l);
                }
            }
            _ => {}
        }
    }
    (nodes, edges, labels)
}

#[test]
fn graphml_ids_with_tab_newline_space_stay_distinct_when_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let ids = [
        "P\t1", "P\n1", "P 1", "P\r1", "P\r\n1", "P&<\"'>1", "  P1  ",
    ];
    let names = [
        "tab",
        "line\nfeed",
        "space",
        "carriage\rreturn",
        "crlf\r\n",
        "&<>",
        " ",
    ];
    let mut w = csv::Writer::from_path(input.join("partners.csv")).unwrap();
    w.write_record(["partner_id", "name"]).unwrap();
    for (id, name) in ids.iter().zip(names) {
        w.write_record([*id, name]).unwrap();
    }
    w.flush().unwrap();
    std::fs::write(
        input.join("deals.csv"),
        "deal_id,customer_id,product_id,amount,stage,created_at,closed_at,region\n\
         D1,C1,X,1000,won,2021-04-01,2021-05-01,NA\n",
    )
    .unwrap();
    let mut w = csv::Writer::from_path(input.join("deal_partners.csv")).unwrap();
    w.write_record(["deal_id", "partner_id", "role"]).unwrap();
    for id in ids {
        w.write_record(["D1", id, ""]).unwrap();
    }
    w.flush().unwrap();

    let out = analyze(&input, tmp.path(), &["--graph", "graphml"]);
    let text = std::fs::read_to_string(out.join("cosell_network.graphml")).unwrap();
    let (nodes, edges, labels) = graphml_read_back(&text);
    let want: BTreeSet<String> = ids.iter().map(|s| s.to_string()).collect();
    assert_eq!(nodes.len(), ids.len());
    assert_eq!(nodes.iter().cloned().collect::<BTreeSet<_>>(), want);
    // One deal of 7 partners: every pair once, both ends among the nodes as written.
    assert_eq!(edges.len(), ids.len() * (ids.len() - 1) / 2);
    for (a, b) in &edges {
        assert!(
            want.contains(a) && want.contains(b) && a != b,
            "{a:?} {b:?}"
        );
    }
    let got: BTreeSet<String> = labels.into_iter().collect();
    assert_eq!(got, names.iter().map(|s| s.to_string()).collect());
    networkx_reads_back(&out.join("cosell_network.graphml"), &want);
}

/// Where a Python with NetworkX is at hand (`ECOGRAPH_PYTHON`, the fixtures' venv, or
/// `python3`), `nx.read_graphml` gives back exactly `ids`; without one, nothing is
/// checked (`cargo test` never needs Python).
fn networkx_reads_back(graphml: &Path, ids: &BTreeSet<String>) {
    let venv = repo().join("tests/fixtures/.venv/bin/python");
    let python = std::env::var("ECOGRAPH_PYTHON").unwrap_or_else(|_| {
        if venv.is_file() {
            venv.display().to_string()
        } else {
            "python3".into()
        }
    });
    let script = "import json, sys, networkx as nx\n\
                  g = nx.read_graphml(sys.argv[1])\n\
                  print(json.dumps(sorted(g.nodes())))";
    let Ok(o) = std::process::Command::new(&python)
        .args(["-c", script, s(graphml)])
        .output()
    else {
        return;
    };
    if !o.status.success() {
        let err = stderr(&o);
        assert!(err.contains("No module named"), "NetworkX failed: {err}");
        return; // no NetworkX here
    }
    let nodes: BTreeSet<String> = serde_json::from_slice::<Vec<String>>(&o.stdout)
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(&nodes, ids, "as NetworkX reads {}", graphml.display());
}

#[test]
fn a_nul_in_an_id_is_refused_naming_file_row_column_and_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write_small_valid(&input);
    std::fs::write(
        input.join("partners.csv"),
        "partner_id,name\nP1,Acme\nP\u{0}2,Globex\nP3,Initech\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    for args in [
        vec!["validate", s(&input)],
        vec!["analyze", s(&input), "--out", s(&out), "--graph", "graphml"],
    ] {
        let o = ecograph(&args);
        assert_eq!(code(&o), 3, "{}", stderr(&o));
        has(
            &stderr(&o),
            &[
                "partners.csv",
                "row 2",
                "partner_id",
                "U+0000",
                "control character",
            ],
        );
    }
    nothing_written(tmp.path(), &out);
}

#[test]
fn a_control_character_in_a_name_fails_graphml_only() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write_small_valid(&input);
    std::fs::write(
        input.join("partners.csv"),
        "partner_id,name\nP1,Ac\u{1}me\nP2,Globex\nP3,Initech\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = run_analyze(&input, &out, &["--graph", "graphml"]);
    assert_ne!(code(&o), 0);
    has(&stderr(&o), &["P1", "name", "U+0001", "--graph graphml"]);
    nothing_written(tmp.path(), &out);
    // The tables hold any text.
    analyze_into(&input, &out, &[]);
}

// ---- Costs ----------------------------------------------------------------------------

/// `partners` partners, all on one deal (k(k-1)/2 co-sell ties).
fn one_big_deal(dir: &Path, partners: usize) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let mut p = String::from("partner_id,name\n");
    let mut dp = String::from("deal_id,partner_id,role\n");
    for i in 0..partners {
        p.push_str(&format!("P{i:05},Partner {i}\n"));
        dp.push_str(&format!("D1,P{i:05},co_sell\n"));
    }
    std::fs::write(dir.join("partners.csv"), p).unwrap();
    std::fs::write(dir.join("deal_partners.csv"), dp).unwrap();
    std::fs::write(
        dir.join("deals.csv"),
        "deal_id,customer_id,product_id,amount,stage,created_at,closed_at,region\n\
         D1,C1,X,1000,won,2021-04-01,2021-05-01,NA\n",
    )
    .unwrap();
    dir.to_path_buf()
}

#[test]
fn dry_run_reports_the_cosell_ties_and_time_of_one_deal_with_2000_partners() {
    let tmp = tempfile::tempdir().unwrap();
    let input = one_big_deal(&tmp.path().join("in"), 2000);
    let out = tmp.path().join("out");
    let o = run_analyze(&input, &out, &["--dry-run"]);
    ok(&o);
    let text = stdout(&o);
    has(
        &text,
        &[
            "co-sell network: 1,999,000 ties",
            "the largest deal lists 2,000 partners",
            "time",
            "betweenness",
            "peak / total",
            "cosell_edges 1,999,000 rows <= --max-cosell-edges 100,000,000",
        ],
    );
    let line = text
        .lines()
        .find(|l| l.starts_with("cosell_edges"))
        .unwrap();
    assert!(line.contains("1,999,000"), "{line}");
    // Exact betweenness from 2,000 sources over 4 M directed ties: seconds, modelled.
    let b = text.lines().find(|l| l.starts_with("betweenness")).unwrap();
    assert!(b.contains(" s ") || b.contains("min"), "{b}");
    assert!(b.ends_with("expected"), "{b}");
    nothing_written(tmp.path(), &out);
}

#[test]
fn a_cosell_network_above_the_limit_is_refused_with_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    let input = one_big_deal(&tmp.path().join("in"), 2000);
    let out = tmp.path().join("out");
    for extra in [
        vec!["--max-cosell-edges", "1000000"],
        vec!["--max-cosell-edges", "1000000", "--dry-run"],
    ] {
        let started = Instant::now();
        let o = run_analyze(&input, &out, &extra);
        assert_eq!(code(&o), 5, "{extra:?}: {}", stderr(&o));
        has(
            &stderr(&o),
            &[
                "cosell_edges",
                "1,999,000 rows",
                "limit of 1,000,000",
                "--max-cosell-edges",
                "2,000 partners",
                "nothing was written",
            ],
        );
        // Refused before the network is built, let alone measured.
        assert!(started.elapsed() < Duration::from_secs(60));
        nothing_written(tmp.path(), &out);
    }
}

#[test]
fn the_cosell_limit_counts_distinct_ties_not_deal_listings() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write_small_valid(&input);
    // Three deals with the same three partners: 9 listings, 3 distinct ties.
    std::fs::write(
        input.join("deal_partners.csv"),
        "deal_id,partner_id,role\n\
         D1,P1,sourced\nD1,P2,\nD1,P3,\n\
         D2,P1,\nD2,P2,\nD2,P3,\n\
         D3,P1,\nD3,P2,\nD3,P3,\n",
    )
    .unwrap();
    let out = analyze(&input, tmp.path(), &["--max-cosell-edges", "3"]);
    let b = read_parquet(&out.join("cosell_edges.parquet"));
    assert_eq!(b.num_rows(), 3);
    let refused = tmp.path().join("refused");
    let o = run_analyze(&input, &refused, &["--max-cosell-edges", "2"]);
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    has(
        &stderr(&o),
        &["cosell_edges would have 3 rows", "9 as the deals list them"],
    );
    nothing_written(tmp.path(), &refused);
}

#[test]
fn threads_beyond_the_cap_are_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let started = Instant::now();
    let o = ecograph(&[
        "--threads",
        "100000",
        "analyze",
        s(&demo()),
        "--out",
        s(&out),
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    has(&stderr(&o), &["--threads 100000", "limit of 1024"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    nothing_written(tmp.path(), &out);
}

fn betweenness_of(out: &Path) -> Vec<Option<f64>> {
    floats(
        &read_parquet(&out.join("partner_metrics.parquet")),
        "betweenness",
    )
}

#[test]
fn a_betweenness_sample_as_large_as_exact_computes_exact_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    // 1e-4 asks for 268 M samples on the demo's few hundred partners with a tie.
    let started = Instant::now();
    let out = analyze(
        &demo(),
        tmp.path(),
        &[
            "--metrics",
            "betweenness",
            "--betweenness-exact-limit",
            "0",
            "--betweenness-epsilon",
            "1e-4",
        ],
    );
    assert!(started.elapsed() < Duration::from_secs(120));
    let b = &summary(&out)["betweenness"];
    assert_eq!(b["mode"], "exact", "{b}");
    assert!(
        b["instead_of_samples"].as_u64().unwrap() > 100_000_000,
        "{b}"
    );
    assert_eq!(betweenness_of(&out), betweenness_of(&analyzed(&demo())));
}

#[test]
fn a_betweenness_sample_smaller_than_exact_is_still_drawn() {
    let tmp = tempfile::tempdir().unwrap();
    let out = analyze(
        &demo(),
        tmp.path(),
        &[
            "--metrics",
            "betweenness",
            "--betweenness-exact-limit",
            "0",
            "--betweenness-epsilon",
            "0.2",
        ],
    );
    let b = &summary(&out)["betweenness"];
    assert_eq!(b["mode"], "sampled", "{b}");
    assert!(b["samples"].as_u64().unwrap() < 300, "{b}");
}

/// The `warning: ...` lines of a run's stderr.
fn warnings(o: &Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn dry_run_prints_the_warnings_analyze_prints() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write_small_valid(&input);
    // No partner links, and deals without the result-changing stage column.
    std::fs::write(input.join("deal_partners.csv"), "deal_id,partner_id,role\n").unwrap();
    std::fs::write(
        input.join("deals.csv"),
        "deal_id,customer_id,product_id,amount\nD1,C1,X,1000\nD2,C1,X,500\n",
    )
    .unwrap();
    let dry = run_analyze(&input, &tmp.path().join("dry"), &["--dry-run"]);
    ok(&dry);
    let run = run_analyze(&input, &tmp.path().join("out"), &[]);
    ok(&run);
    let w = warnings(&run);
    assert!(w.iter().any(|l| l.contains("stage")), "{w:?}");
    assert!(w.len() >= 2, "{w:?}");
    assert_eq!(warnings(&dry), w);
}

#[test]
fn the_demo_dry_run_has_no_refusal_and_every_stage_timed() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_analyze(&demo(), &tmp.path().join("out"), &["--dry-run"]);
    ok(&o);
    let text = stdout(&o);
    has(
        &text,
        &["within limits", "co-sell network: 996 ties", "peak / total"],
    );
    assert!(!text.contains("would stop"), "{text}");
    // The demo's one warning (deals without an amount), the same as analyze prints.
    let run = run_analyze(&demo(), &tmp.path().join("run"), &[]);
    ok(&run);
    assert_eq!(warnings(&o), warnings(&run));
    assert_eq!(warnings(&o).len(), 1, "{}", stderr(&o));
    let stages: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("stage "))
        .collect();
    for stage in ["load + validate", "betweenness", "communities", "export"] {
        let line = stages.iter().find(|l| l.starts_with(stage)).unwrap();
        assert!(line.contains(" s "), "{line}");
    }
}

// ---- The co-sell count against the network it predicts ------------------------------

mod cosell_count {
    use proptest::prelude::*;

    use crate::arrow_input::{deal_id, links, partners, per_item, validated, Table, STAGES};
    use ecograph::graph::{self, CosellStages};
    use ecograph::validate::ValidatedTables;

    /// Partners, and per deal (stage, [partner]), partners repeated on a deal at times.
    type Spec = (usize, Vec<(u8, Vec<u8>)>);

    fn spec() -> impl Strategy<Value = Spec> {
        (1usize..30).prop_flat_map(|n| {
            let deal = (0u8..3, prop::collection::vec(0u8..n as u8, 0..8));
            (Just(n), prop::collection::vec(deal, 1..40))
        })
    }

    fn tables((n, deals): &Spec) -> ValidatedTables {
        let deals_t = Table::new("deals")
            .text("deal_id", &per_item(deals, |i, _| Some(deal_id(i))))
            .floats("amount", &per_item(deals, |_, _| Some(10.0)))
            .text("stage", &per_item(deals, |_, d| Some(STAGES[d.0 as usize])));
        let links = links(
            deals
                .iter()
                .enumerate()
                .flat_map(|(i, d)| d.1.iter().map(move |&p| (i, usize::from(p), "co_sell"))),
        );
        validated(&[partners(*n), deals_t, links])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The exact count is the built network's edge count; the bound is never below
        /// it, for either `--cosell-stages`.
        #[test]
        fn the_cosell_count_is_the_built_networks_edge_count(s in spec()) {
            for stages in [CosellStages::Any, CosellStages::Won] {
                let t = tables(&s);
                let exact = graph::count_cosell(&t, stages, 0);
                let bound = graph::count_cosell(&t, stages, u64::MAX);
                let g = graph::build_with(t, stages);
                let edges = g.cosell_edges() as u64;
                prop_assert_eq!(bound.exact, None);
                // Rows listed twice on a deal count twice in the cheap bound only.
                prop_assert!(bound.upper_bound >= exact.upper_bound);
                prop_assert!(exact.upper_bound >= edges);
                if exact.upper_bound > 0 {
                    prop_assert_eq!(exact.exact, Some(edges));
                }
            }
        }
    }
}

#[test]
fn a_stage_expected_past_its_limit_is_refused_before_any_measure_on_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let input = one_big_deal(&tmp.path().join("in"), 600);
    let out = tmp.path().join("out");
    // 600 partners on one deal: 179,700 ties, a complete network; every measure is
    // expected to take well over 0.06 s.
    let mut messages = Vec::new();
    for threads in ["1", "2"] {
        let o = run_analyze(
            &input,
            &out,
            &["--max-stage-minutes", "0.001", "--threads", threads],
        );
        assert_eq!(code(&o), 5, "{}", stderr(&o));
        has(
            &stderr(&o),
            &[
                "expected to take longer than the limit of 0.001 minutes per stage",
                "--max-stage-minutes",
                "betweenness (about",
                "clustering + structural holes (about",
                "600 partners and 179,700 ties",
                "--metrics -betweenness",
                "nothing was written",
            ],
        );
        nothing_written(tmp.path(), &out);
        messages.push(stderr(&o));
    }
    assert_eq!(
        messages[0], messages[1],
        "the thread count changed the decision"
    );
    let o = run_analyze(&input, &out, &["--max-stage-minutes", "0.001", "--dry-run"]);
    ok(&o);
    has(&stdout(&o), &["the run would stop: the stages"]);
    nothing_written(tmp.path(), &out);
    // Counter-examples: without the network measures nothing is refused, and the
    // default limit lets the same network through.
    ok(&run_analyze(
        &input,
        &out,
        &["--max-stage-minutes", "0.001", "--metrics", "none"],
    ));
    let o = run_analyze(
        &input,
        &tmp.path().join("out2"),
        &["--max-stage-minutes", "-1"],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    ok(&run_analyze(&input, &tmp.path().join("out3"), &[]));
}

#[test]
fn csv_raw_with_another_format_is_refused_instead_of_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    for format in ["parquet", "arrow"] {
        let o = run_analyze(&demo(), &out, &["--csv-raw", "--format", format]);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        has(&stderr(&o), &["--csv-raw applies to CSV tables only"]);
        nothing_written(tmp.path(), &out);
    }
}
