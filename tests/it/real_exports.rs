//! Real CRM exports are welcome: each leniency of the config (or its flag) is checked
//! against the strict contract path on the same data. The demo ecosystem is rewritten
//! the way an export would spell it (`Won`, `$1,200.00`, `1.200,00`, `03/31/2025`,
//! `;`-separated, Excel's `,,,,` rows, a multi-valued association column, CRM names for
//! partner types and regions); analyzed with the matching setting it must give exactly
//! the tables the contract form gives, and without the setting it must be refused.

use std::path::{Path, PathBuf};

use crate::common::*;

/// Rewrites the demo's tables into `to` with field separator `sep`, passing each
/// (table, header, row) through `edit`; `extra` may add raw lines after each row.
fn rewrite(
    to: &Path,
    sep: u8,
    mut edit: impl FnMut(&str, &[String], &mut Vec<String>),
    mut extra: impl FnMut(&str, usize) -> Option<String>,
) {
    std::fs::create_dir_all(to).unwrap();
    for t in table_names() {
        let mut r = csv::Reader::from_path(demo().join(format!("{t}.csv"))).unwrap();
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let mut out = Vec::new();
        {
            let mut w = csv::WriterBuilder::new()
                .delimiter(sep)
                .from_writer(&mut out);
            let mut h = header.clone();
            edit(t, &header, &mut h);
            w.write_record(&h).unwrap();
            w.flush().unwrap();
        }
        for (i, rec) in r.records().enumerate() {
            let mut row: Vec<String> = rec.unwrap().iter().map(String::from).collect();
            edit(t, &header, &mut row);
            let mut w = csv::WriterBuilder::new()
                .delimiter(sep)
                .from_writer(&mut out);
            w.write_record(&row).unwrap();
            w.flush().unwrap();
            drop(w);
            if let Some(line) = extra(t, i) {
                out.extend_from_slice(line.as_bytes());
            }
        }
        std::fs::write(to.join(format!("{t}.csv")), out).unwrap();
    }
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

/// Analyzes `input` into `dir/NAME` as CSV tables and returns the folder.
fn run(input: &Path, dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let mut args = vec!["--format", "csv"];
    args.extend_from_slice(extra);
    analyze_into(input, &dir.join(name), &args)
}

/// The two output folders hold the same tables byte for byte, and the same summary
/// but for the run's own facts (timings, input checksums, parameters, warnings, and
/// the files and rows read: the links come from a file in one, a column in the other).
fn same_results(a: &Path, b: &Path) {
    let names = names(a);
    assert!(
        names.iter().any(|n| n == "partner_metrics.csv"),
        "{names:?}"
    );
    for n in &names {
        let (x, y) = (std::fs::read(a.join(n)).unwrap(), std::fs::read(b.join(n)));
        let y = y.unwrap_or_else(|e| panic!("{n} missing from {}: {e}", b.display()));
        if n == "ecosystem_summary.json" {
            let strip = |bytes: &[u8]| {
                let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                for k in ["timings_s", "inputs", "parameters", "validation"] {
                    v.as_object_mut().unwrap().remove(k);
                }
                v["basis"].as_object_mut().unwrap().remove("tables");
                v
            };
            assert_eq!(strip(&x), strip(&y), "summaries differ");
        } else {
            assert!(
                x == y,
                "{n} differs between {} and {}",
                a.display(),
                b.display()
            );
        }
    }
}

fn refused(input: &Path, dir: &Path, extra: &[&str], says: &str) {
    let out = dir.join("refused");
    let o = run_analyze(input, &out, extra);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains(says), "lacks {says:?}:\n{}", stderr(&o));
    assert!(!out.exists());
}

fn write_config(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("config.toml");
    std::fs::write(&p, text).unwrap();
    p
}

/// A test's scratch folder with the strict results in it: the contract form of the
/// data (the demo itself unless [`Lenient::of`] writes another) analyzed as CSV tables,
/// which every lenient run of the test must give.
struct Lenient {
    tmp: tempfile::TempDir,
    strict: PathBuf,
}

impl Lenient {
    /// The demo as the contract form.
    fn demo() -> Lenient {
        Lenient::of(|_| demo())
    }

    /// The contract form is the folder `make` writes into the scratch folder.
    fn of(make: impl FnOnce(&Path) -> PathBuf) -> Lenient {
        let tmp = tempfile::tempdir().unwrap();
        let input = make(tmp.path());
        let strict = run(&input, tmp.path(), "strict", &[]);
        Lenient { tmp, strict }
    }

    fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// `input` analyzed with `extra` (into `NAME`) gives exactly the strict results.
    fn same(&self, input: &Path, name: &str, extra: &[&str]) {
        same_results(&self.strict, &run(input, self.dir(), name, extra));
    }

    fn refused(&self, input: &Path, extra: &[&str], says: &str) {
        refused(input, self.dir(), extra, says);
    }

    fn config(&self, text: &str) -> PathBuf {
        write_config(self.dir(), text)
    }
}

#[test]
fn vocabulary_ignores_case_and_spaces_unless_exact() {
    let case = Lenient::demo();
    let input = case.dir().join("in");
    let spell = ["Won", "won ", " WON", "Lost", "lost  ", "Open"];
    let mut k = 0;
    rewrite(
        &input,
        b',',
        |t, h, row| {
            let target = match t {
                "deals" => col(h, "stage"),
                "deal_partners" => col(h, "role"),
                _ => return,
            };
            if row[target].is_empty() || row[target] == h[target] {
                return;
            }
            k += 1;
            row[target] = match row[target].as_str() {
                "won" => spell[k % 3].to_string(),
                "lost" => spell[3 + k % 2].to_string(),
                "open" => spell[5].to_string(),
                role => format!(" {} ", role.to_uppercase()),
            };
        },
        |_, _| None,
    );
    case.same(&input, "loose", &[]);
    case.refused(&input, &["--exact-vocabulary"], "unknown deal stage");
}

#[test]
fn semicolon_separated_files() {
    let case = Lenient::demo();
    let input = case.dir().join("in");
    rewrite(&input, b';', |_, _, _| {}, |_, _| None);
    case.same(&input, "flag", &["--delimiter", ";"]);
    let cfg = case.config("[csv]\ndelimiter = \";\"\n");
    case.same(&input, "config", &["--config", cfg.to_str().unwrap()]);
    case.refused(&input, &[], "looks ';'-separated");
}

/// `1234.5` written as `$1,234.50` (US) or `1.234,50 €` (EU).
fn money(v: &str, eu: bool) -> String {
    if v.is_empty() {
        return String::new();
    }
    let x: f64 = v.parse().unwrap();
    let cents = (x * 100.0).round() as u64;
    let (int, frac) = (cents / 100, cents % 100);
    let digits = int.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(if eu { '.' } else { ',' });
        }
        grouped.push(c);
    }
    if eu {
        format!("{grouped},{frac:02} €")
    } else {
        format!("${grouped}.{frac:02}")
    }
}

#[test]
fn currency_thousands_and_decimal_comma() {
    let case = Lenient::demo();
    // The demo's amounts have two decimals at most, so the rewritten text is the same number.
    let with_amounts = |to: &Path, sep: u8, eu: bool| {
        rewrite(
            to,
            sep,
            |t, h, row| {
                if t == "deals" && row[0] != h[0] {
                    let i = col(h, "amount");
                    row[i] = money(&row[i], eu);
                }
            },
            |_, _| None,
        )
    };
    let us = case.dir().join("us");
    with_amounts(&us, b',', false);
    let cfg = case.config("[numbers]\nthousands = \",\"\ncurrency = [\"$\"]\n");
    case.same(&us, "us-out", &["--config", cfg.to_str().unwrap()]);
    case.same(&us, "us-flags", &["--thousands", ",", "--currency", "$"]);
    case.refused(&us, &[], "not a number");

    let eu = case.dir().join("eu");
    with_amounts(&eu, b';', true);
    let cfg = case.config(
        "[csv]\ndelimiter = \";\"\n[numbers]\ndecimal = \",\"\nthousands = \".\"\ncurrency = [\"€\"]\n",
    );
    case.same(&eu, "eu-out", &["--config", cfg.to_str().unwrap()]);
    case.refused(&eu, &["--delimiter", ";"], "not a number");
}

#[test]
fn us_dates_with_a_declared_format() {
    let case = Lenient::demo();
    let input = case.dir().join("in");
    let us = |d: &str| {
        if d.is_empty() {
            return String::new();
        }
        assert_eq!(d.len(), 10, "demo dates are plain dates: {d}");
        format!("{}/{}/{}", &d[5..7], &d[8..10], &d[0..4])
    };
    rewrite(
        &input,
        b',',
        |t, h, row| {
            if row[0] == h[0] {
                return;
            }
            let cols: &[&str] = match t {
                "deals" => &["created_at", "closed_at"],
                "partners" => &["joined_at"],
                _ => &[],
            };
            for c in cols {
                let i = col(h, c);
                row[i] = us(&row[i]);
            }
        },
        |_, _| None,
    );
    case.same(&input, "flag", &["--date-format", "%m/%d/%Y"]);
    case.refused(&input, &[], "not a date");
}

#[test]
fn excel_empty_rows_are_skipped_and_counted() {
    let case = Lenient::demo();
    let input = case.dir().join("in");
    let widths = [6, 8, 4, 3, 3, 5];
    rewrite(
        &input,
        b',',
        |_, _, _| {},
        |t, i| {
            let w = widths[table_names().iter().position(|x| *x == t).unwrap()];
            (i % 97 == 5).then(|| ",".repeat(w - 1) + "\n")
        },
    );
    let out = case.dir().join("skipped");
    let o = run_analyze(&input, &out, &["--format", "csv"]);
    ok(&o);
    same_results(&case.strict, &out);
    // 4000 deals: rows 5, 102, ... after which an empty row was added.
    let deals_skipped = (0..4000).filter(|i| i % 97 == 5).count();
    let e = stderr(&o);
    assert!(
        e.contains(&format!(
            "deals.csv: skipped {deals_skipped} rows whose every field is empty"
        )),
        "{e}"
    );
    let summary = summary(&out);
    let codes: Vec<&str> = summary["validation"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"skipped_empty_rows"), "{codes:?}");
    let cfg = case.config("[csv]\nskip_empty_rows = false\n");
    case.refused(
        &input,
        &["--config", cfg.to_str().unwrap()],
        "id must not be empty",
    );
}

#[test]
fn multi_valued_association_column_yields_deal_partners() {
    // The strict side: the demo with every role `influenced` and no touched_at (the
    // association cell carries neither; the config gives every link the same role).
    let case = Lenient::of(|dir| {
        let strict_in = dir.join("strict-in");
        rewrite(
            &strict_in,
            b',',
            |t, h, row| {
                if t == "deal_partners" {
                    row.truncate(3);
                    if row[0] != h[0] {
                        row[2] = "influenced".into();
                    }
                }
            },
            |_, _| None,
        );
        strict_in
    });
    // deal -> its partners in deal_partners order.
    let mut links: std::collections::HashMap<String, Vec<String>> = Default::default();
    let mut r = csv::Reader::from_path(demo().join("deal_partners.csv")).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        links
            .entry(rec[0].to_string())
            .or_default()
            .push(rec[1].to_string());
    }
    let input = case.dir().join("in");
    rewrite(
        &input,
        b',',
        |t, h, row| {
            if t == "deals" {
                let cell = if row[0] == h[0] {
                    "Associated Partner IDs".to_string()
                } else {
                    links.get(&row[0]).map(|p| p.join(";")).unwrap_or_default()
                };
                row.push(cell);
            }
        },
        |_, _| None,
    );
    std::fs::remove_file(input.join("deal_partners.csv")).unwrap();
    let cfg = case.config(
        "[deal_partners]\nfrom_deals_column = \"Associated Partner IDs\"\nseparator = \";\"\nrole = \"influenced\"\n",
    );
    case.same(&input, "multi", &["--config", cfg.to_str().unwrap()]);
    // A dangling id inside a cell is named by the deal's own row, line and column.
    let deals = std::fs::read_to_string(input.join("deals.csv")).unwrap();
    let first = deals.lines().nth(1).unwrap().to_string();
    std::fs::write(
        input.join("deals.csv"),
        deals.replacen(&first, &format!("{first};P999999"), 1),
    )
    .unwrap();
    case.refused(
        &input,
        &["--config", cfg.to_str().unwrap()],
        "deals.csv, row 1 (line 2), column 'Associated Partner IDs', value \"P999999\": id does not exist in the partners table",
    );
}

#[test]
fn crm_names_for_partner_types_tiers_and_regions() {
    let case = Lenient::demo();
    let input = case.dir().join("in");
    rewrite(
        &input,
        b',',
        |t, h, row| {
            if row[0] == h[0] {
                return;
            }
            let region = match t {
                "partners" | "deals" => col(h, "region"),
                _ => return,
            };
            if row[region] == "NA" {
                row[region] = "North America".into();
            }
            if t == "partners" {
                let ty = col(h, "partner_type");
                if row[ty] == "reseller" {
                    row[ty] = "Value Added Reseller".into();
                }
                let tier = col(h, "tier");
                if row[tier] == "gold" {
                    row[tier] = "GOLD".into();
                }
            }
        },
        |_, _| None,
    );
    let cfg = case.config(
        "[values.partner_type]\nreseller = [\"value added reseller\", \"VAR\"]\n[values.tier]\ngold = [\"Gold\"]\n[values.region]\nNA = [\"North America\"]\n",
    );
    case.same(&input, "mapped", &["--config", cfg.to_str().unwrap()]);
    // Without the mapping the names pass through as written (no refusal, since partner
    // types are free text).
    let unmapped = run(&input, case.dir(), "unmapped", &[]);
    let metrics = std::fs::read_to_string(unmapped.join("partner_metrics.csv")).unwrap();
    assert!(metrics.contains(",Value Added Reseller,") && metrics.contains(",GOLD,"));
}

#[test]
fn association_column_mistakes_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write_small_valid(&input);
    let links = std::fs::read(input.join("deal_partners.csv")).unwrap();
    std::fs::remove_file(input.join("deal_partners.csv")).unwrap();
    // The config names a column the deals file lacks.
    let cfg = write_config(
        tmp.path(),
        "[deal_partners]\nfrom_deals_column = \"Associated Company IDs\"\n",
    );
    refused(
        &input,
        tmp.path(),
        &["--config", cfg.to_str().unwrap()],
        "deals.csv, column 'Associated Company IDs': the config names this column ([deal_partners] from_deals_column)",
    );
    // Both a deal_partners file and a deals column: ambiguous, refused.
    let deals = std::fs::read_to_string(input.join("deals.csv")).unwrap();
    let with_col: Vec<String> = deals
        .lines()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "{l},{}",
                if i == 0 {
                    "Associated Company IDs"
                } else {
                    "P1"
                }
            )
        })
        .collect();
    std::fs::write(input.join("deals.csv"), with_col.join("\n") + "\n").unwrap();
    std::fs::write(input.join("deal_partners.csv"), links).unwrap();
    refused(
        &input,
        tmp.path(),
        &["--config", cfg.to_str().unwrap()],
        "deal_partners is given twice",
    );
    std::fs::remove_file(input.join("deal_partners.csv")).unwrap();
    ok(&ecograph(&[
        "validate",
        input.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]));
}
