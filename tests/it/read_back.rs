//! Reading results back (issue 24): the summary and the tables are read through one
//! typed layer, so a summary key or a column renamed (by another version, or by hand)
//! is an `Error::Results` naming the folder, the key or the table and column, and the
//! `ecograph_version` that wrote the folder, from `Results::read`, `report` and
//! `compare` alike: never a panic, never a zero.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::common::*;
use arrow::datatypes::{Field, Schema};
use arrow::record_batch::RecordBatch;
use ecograph::io::out::write::{CsvCells, OutputFormat};
use ecograph::results::Results;

const FORMATS: [(&str, OutputFormat); 3] = [
    ("parquet", OutputFormat::Parquet),
    ("arrow", OutputFormat::Arrow),
    ("csv", OutputFormat::Csv),
];

/// A copy of `src` (an output folder) at `dst`.
fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
        }
    }
}

/// The error of `ecograph ARGS`: exit code 3, and its stderr.
fn refused(args: &[&str]) -> String {
    let o = ecograph(args);
    assert_eq!(o.status.code(), Some(3), "{args:?}: {}", stderr(&o));
    let e = stderr(&o);
    assert!(!e.contains("panicked"), "{e}");
    e
}

/// Every reader refuses `bad` naming the folder, each of `names` and the version.
fn every_reader_names(good: &Path, bad: &Path, names: &[&str], tmp: &Path) {
    let version = env!("CARGO_PKG_VERSION");
    let check = |what: &str, msg: &str| {
        let folder = bad.file_name().unwrap().to_str().unwrap();
        for n in names.iter().chain([&folder, &version]) {
            assert!(msg.contains(n), "{what}: `{n}` not named in: {msg}");
        }
    };
    let err = Results::read(bad).unwrap_err();
    assert!(matches!(err, ecograph::Error::Results { .. }), "{err:?}");
    check("Results::read", &format!("{err}"));
    let page = tmp.join(format!(
        "{}.html",
        bad.file_name().unwrap().to_str().unwrap()
    ));
    check(
        "report",
        &refused(&[
            "report",
            bad.to_str().unwrap(),
            "--out",
            page.to_str().unwrap(),
        ]),
    );
    assert!(!page.exists());
    let cmp = tmp.join("cmp");
    for (old, new) in [(good, bad), (bad, good)] {
        check(
            "compare",
            &refused(&[
                "compare",
                old.to_str().unwrap(),
                new.to_str().unwrap(),
                "--out",
                cmp.to_str().unwrap(),
            ]),
        );
        assert!(!cmp.exists());
    }
}

/// A copy of `good` named `name` whose summary is changed by `edit`.
fn with_summary(
    good: &Path,
    dir: &Path,
    name: &str,
    edit: impl Fn(&mut serde_json::Value),
) -> PathBuf {
    let bad = dir.join(name);
    copy_dir(good, &bad);
    let mut s = summary(&bad);
    edit(&mut s);
    std::fs::write(
        bad.join("ecosystem_summary.json"),
        serde_json::to_string_pretty(&s).unwrap(),
    )
    .unwrap();
    bad
}

fn rename_key(v: &mut serde_json::Value, from: &str, to: &str) {
    let o = v.as_object_mut().unwrap();
    let x = o.remove(from).unwrap();
    o.insert(to.to_string(), x);
}

#[test]
fn a_renamed_summary_key_is_named_by_every_reader() {
    let tmp = tempfile::tempdir().unwrap();
    let good = analyze_into(&demo(), &tmp.path().join("good"), &[]);
    // a key inside a section (an Option one: absent must not read as null)
    let bad = with_summary(&good, tmp.path(), "renamed-cosell-rate", |s| {
        rename_key(&mut s["revenue"], "cosell_rate", "co_sell_rate")
    });
    every_reader_names(
        &good,
        &bad,
        &["ecosystem_summary.json", "revenue.cosell_rate"],
        tmp.path(),
    );
    // a counted key: it used to read as zero
    let bad = with_summary(&good, tmp.path(), "renamed-partners", |s| {
        rename_key(&mut s["counts"], "partners", "partner_count")
    });
    every_reader_names(&good, &bad, &["counts.partners"], tmp.path());
    // a whole section
    let bad = with_summary(&good, tmp.path(), "renamed-tiers", |s| {
        rename_key(s, "tiers", "tier_review")
    });
    every_reader_names(&good, &bad, &["`tiers`"], tmp.path());
    // a key the sections promise each other: a model of the fair story
    let bad = with_summary(&good, tmp.path(), "no-model", |s| {
        s["attribution"]["fair_story"][0]["revenue"]
            .as_object_mut()
            .unwrap()
            .remove("first_touch");
    });
    every_reader_names(
        &good,
        &bad,
        &["attribution.fair_story[0].revenue.first_touch"],
        tmp.path(),
    );
}

/// `b` with column `from` renamed `to`.
fn renamed(b: &RecordBatch, from: &str, to: &str) -> RecordBatch {
    let fields: Vec<Field> = b
        .schema()
        .fields()
        .iter()
        .map(|f| match f.name() == from {
            true => f.as_ref().clone().with_name(to),
            false => f.as_ref().clone(),
        })
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), b.columns().to_vec()).unwrap()
}

#[test]
fn a_renamed_column_is_named_by_every_reader_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    for (format, f) in FORMATS {
        let good = analyze_into(&demo(), &tmp.path().join(format), &["--format", format]);
        // a per-partner table (read whole) and a pair table (streamed)
        for (table, column) in [
            ("partner_metrics", "name"),
            ("cosell_edges", "shared_deals"),
        ] {
            let bad = tmp.path().join(format!("{format}-{table}"));
            copy_dir(&good, &bad);
            let b = Results::read(&good).unwrap().load(table).unwrap().unwrap();
            let meta = "{}";
            std::fs::remove_file(bad.join(format!("{table}.{format}"))).unwrap();
            ecograph::io::out::write::write_table(
                &bad,
                table,
                &renamed(&b, column, "renamed_column"),
                f,
                CsvCells::Raw,
                meta,
            )
            .unwrap();
            every_reader_names(
                &good,
                &bad,
                &[
                    table,
                    &format!("`{column}` is missing"),
                    "`renamed_column` is not declared",
                ],
                tmp.path(),
            );
        }
    }
}

/// The report page's data island.
fn island(page: &Path) -> serde_json::Value {
    let html = std::fs::read_to_string(page).unwrap();
    let start = html.find(r#"id="ecograph-data""#).unwrap();
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

#[test]
fn the_summary_alerts_are_the_pages_alerts() {
    let tmp = tempfile::tempdir().unwrap();
    let generated = tmp.path().join("gen");
    ok(&ecograph(&[
        "generate",
        "--out",
        generated.to_str().unwrap(),
        "--partners",
        "60",
        "--deals",
        "400",
        "--seed",
        "3",
    ]));
    for (name, input) in [("demo", demo()), ("gen", generated)] {
        let out = analyze_into(
            &input,
            &tmp.path().join(format!("{name}-out")),
            &["--report"],
        );
        let r = Results::read(&out).unwrap();
        let section = r
            .summary
            .alerts
            .clone()
            .expect("analyze records the alerts");
        let page: Vec<serde_json::Value> = island(&out.join("report.html"))["alerts"]
            .as_array()
            .unwrap()
            .clone();
        let from_summary: Vec<serde_json::Value> = section
            .raised
            .iter()
            .map(|a| {
                // The page states each rule with the thresholds the summary records.
                let rec = &section.rules[&a.id];
                let declared = ecograph::alerts::RULES
                    .iter()
                    .find(|r| r.id == a.id)
                    .unwrap();
                let t: Vec<String> = declared
                    .thresholds
                    .iter()
                    .map(|(k, _)| format!("{k} = {}", rec.thresholds[*k]))
                    .collect();
                let rule = if t.is_empty() {
                    rec.rule.clone()
                } else {
                    format!("{}; {}", rec.rule, t.join(", "))
                };
                serde_json::json!({
                    "code": a.id, "title": a.title, "evidence": a.anchor,
                    "partners": a.partners, "figures": a.evidence, "rule": rule,
                })
            })
            .collect();
        assert_eq!(from_summary, page, "{name}");
        assert!(!page.is_empty(), "{name}: no alert to compare");
        // every rule is recorded with its thresholds, raised or not
        assert_eq!(section.rules.len(), ecograph::alerts::RULES.len());
        for rule in ecograph::alerts::RULES {
            let rec = &section.rules[rule.id];
            for (k, v) in rule.thresholds {
                assert_eq!(rec.thresholds[*k], *v, "{}.{k}", rule.id);
                // the sentence repeats no threshold: the rule names them
                assert!(
                    rec.rule.contains(k),
                    "{}: {k} not named in its rule",
                    rule.id
                );
            }
        }
    }
    // results written before the section existed still read and report
    let out = tmp.path().join("demo-out");
    let mut s = summary(&out);
    s.as_object_mut().unwrap().remove("alerts");
    std::fs::write(
        out.join("ecosystem_summary.json"),
        serde_json::to_string(&s).unwrap(),
    )
    .unwrap();
    assert_eq!(Results::read(&out).unwrap().summary.alerts, None);
    ok(&ecograph(&["report", out.to_str().unwrap()]));
}
