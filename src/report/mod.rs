//! `ecograph report`: the ecosystem review as one self-contained HTML file, for the
//! alliance leaders, partner managers and executives who do not open Parquet files.
//!
//! The page is rendered by minijinja (`report.html`, HTML auto-escaping on) from a
//! [`model::Model`] built out of an analyze output folder ([`crate::results`]); the
//! charts are SVG drawn by plotters ([`charts`]) and inlined. Nothing is loaded from the
//! network (no CDN, font or script URL: it opens from `file://` on an offline laptop),
//! the model is embedded as a JSON data island so every number can be checked against
//! its table, lists are bounded (the model's constants), and the same results give the
//! same bytes. It prints to PDF cleanly (print CSS). Time O(rows of the tables) to
//! read them, O(n log n) to rank partners.
//!
//! For a partner manager: the page to send before a quarterly business review.

mod basis;
pub mod charts;
mod columns;
pub mod layout;
mod maps;
pub mod model;
pub mod program;
pub mod quarters;
pub mod scorecard;
mod tiles;

use minijinja::value::Value;
use minijinja::{context, Environment};

use crate::error::{Error, Result};
use crate::results::Results;

/// The file `analyze --report` writes into the output folder, and `report`'s default.
pub const REPORT_FILE: &str = "report.html";

const TEMPLATE: &str = include_str!("report.html");
const SCORECARD_TEMPLATE: &str = include_str!("scorecard.html");
const BASE_CSS: &str = include_str!("base.css");

/// The file `report --partner/--partners` writes by default, inside the results folder.
pub const SCORECARDS_FILE: &str = "scorecards.html";

/// Formats a model value for the page; an en dash for null. The units:
///
/// - `count`, `money`: rounded, with thousands separators (12,345; 1,234,567). Amounts
///   carry no currency here: the column heading or axis title names it
///   (`money_heading`).
/// - `money_tile`: abbreviated from ten million up (37.6M, 479.7B), in full below;
///   a tile adds the currency (`with_currency`).
/// - `share`: a fraction as a percentage with one decimal (12.3 %); `pts` a change of a
///   share in percentage points (+1.2 pts); `ratio` 1.45x; `days` 12.5; `pct` 87.
/// - `signed`: a change of a count or amount, rounded, with its sign (+1,234).
/// - anything else (`small`): four significant digits (0.004278), scientific below
///   0.0001 (1.740e-7).
///
/// One rule holds for every unit: a value that is not zero never prints as zero, nor
/// as a whole 100 % when it falls short of it. Where the fixed decimals would round it
/// to zero it keeps two significant digits (a reach loss of 0.000174 is "0.017 %", not
/// "0.0 %"); where they would round it to 100 %, the first digit of its gap to 100 %
/// (a win rate of 0.9996 is "99.96 %", not "100.0 %"). O(1).
pub fn show(value: Option<f64>, unit: &str) -> String {
    let Some(v) = value else {
        return "–".into();
    };
    if !v.is_finite() {
        return if v.is_nan() {
            "–".into()
        } else if v > 0.0 {
            "∞".into()
        } else {
            "-∞".into()
        };
    }
    match unit {
        "count" | "money" if v != 0.0 && v.abs() < 0.5 => significant(v, 2),
        "count" | "money" => thousands(v.round()),
        // A tile has room for about ten characters: from ten million up, abbreviated.
        "money_tile" if v.abs() >= 1e7 => abbreviated(v),
        "money_tile" => show(Some(v), "money"),
        "share" => format!("{} %", fixed(v * 100.0, 1, Some(100.0))),
        "pts" => {
            let s = fixed(v * 100.0, 1, None);
            if v > 0.0 {
                format!("+{s} pts")
            } else {
                format!("{s} pts")
            }
        }
        "signed" => {
            let s = show(Some(v), "money");
            if v > 0.0 {
                format!("+{s}")
            } else {
                s
            }
        }
        "ratio" => format!("{}x", fixed(v, 2, None)),
        "days" => fixed(v, 1, None),
        "pct" => fixed(v, 0, Some(100.0)),
        _ => {
            if v == 0.0 {
                "0".into()
            } else if v.abs() < 1e-4 {
                format!("{v:.3e}")
            } else {
                let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
                format!("{v:.digits$}")
            }
        }
    }
}

/// `v` with `decimals` decimals, unless that rounds a non-zero `v` to zero or a `v`
/// short of `whole` to `whole` (a percentage to 100): then two significant digits of
/// the value, or of its distance to `whole`, so the difference stays visible.
fn fixed(v: f64, decimals: usize, whole: Option<f64>) -> String {
    let scale = 10f64.powi(decimals as i32);
    let rounded = (v * scale).round() / scale;
    if v != 0.0 && rounded == 0.0 {
        return significant(v, 2);
    }
    if let Some(w) = whole.filter(|&w| v != w && rounded == w) {
        // Enough decimals for the gap to `whole` to show (its first digit).
        let gap = (w - v).abs();
        let d = (-gap.log10().floor() as i32).clamp(decimals as i32, 12) as usize;
        return format!("{v:.d$}");
    }
    format!("{v:.decimals$}")
}

/// `v` with `n` significant digits in fixed notation (0.00017 -> "0.00017" for n = 2).
fn significant(v: f64, n: i32) -> String {
    let d = (n - 1 - v.abs().log10().floor() as i32).clamp(0, 15) as usize;
    format!("{v:.d$}")
}

/// The one abbreviation of large amounts, in tiles and on chart axes alike: K, M, B and
/// T (thousand, million, billion, trillion), one decimal, no space: 12.3K, 37.6M,
/// 479.7B; below a thousand the value rounded (950). A value that would round up to
/// 1000.0 of its unit takes the next one (999,960 is 1.0M, not 1000.0K).
pub(crate) fn abbreviated(v: f64) -> String {
    const UNITS: [(f64, &str); 4] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")];
    let a = v.abs();
    if a < 999.5 {
        return format!("{v:.0}");
    }
    // The largest unit the value reaches once rounded to a tenth of it.
    let k = UNITS
        .iter()
        .position(|&(div, _)| (a / div * 10.0).round() >= 10.0)
        .unwrap_or(UNITS.len() - 1);
    let (div, suffix) = UNITS[k];
    format!("{:.1}{suffix}", v / div)
}

/// An amount with the run's currency (`[report] currency`): a symbol goes before
/// ("€37.6M", "$1,234"), a code after with a space ("37.6M EUR"); unchanged without
/// one. A symbol is any currency text without a letter.
pub(crate) fn with_currency(amount: &str, currency: Option<&str>) -> String {
    match currency {
        None => amount.to_string(),
        Some(c) if c.chars().any(char::is_alphabetic) => format!("{amount} {c}"),
        Some(c) => match amount.strip_prefix('-') {
            Some(rest) => format!("-{c}{rest}"),
            None => format!("{c}{amount}"),
        },
    }
}

/// A heading over amounts: "Attributed revenue (EUR)" with a currency, the label alone
/// without.
pub(crate) fn money_heading(label: &str, currency: Option<&str>) -> String {
    match currency {
        Some(c) => format!("{label} ({c})"),
        None => label.to_string(),
    }
}

/// Rounded, with thousands separators (error::thousands), sign kept.
fn thousands(v: f64) -> String {
    let digits = crate::error::thousands(v.abs().round() as u64);
    if v < 0.0 {
        format!("-{digits}")
    } else {
        digits
    }
}

/// The JSON data island's text: the model, with `<`, `>` and `&` escaped so that no
/// partner name can close the script element.
fn data_island<T: serde::Serialize>(m: &T) -> String {
    serde_json::to_string(m)
        .expect("the model is plain data")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The template environment with the shared stylesheet and two filters: `show` (the
/// tile amounts `money_tile` with the run's `currency`) and `in_currency` (a heading
/// over amounts, "Attributed revenue (EUR)").
fn environment(currency: Option<String>) -> Environment<'static> {
    let mut env = Environment::new();
    env.add_template("base.css", BASE_CSS)
        .expect("the shared stylesheet is a valid template");
    let cur = currency.clone();
    env.add_filter("show", move |v: Value, unit: String| {
        let x = if v.is_none() || v.is_undefined() {
            None
        } else {
            f64::try_from(v).ok()
        };
        let text = show(x, &unit);
        if unit == "money_tile" && x.is_some() {
            with_currency(&text, cur.as_deref())
        } else {
            text
        }
    });
    env.add_filter("in_currency", move |label: String| {
        money_heading(&label, currency.as_deref())
    });
    env
}

/// The scorecards page (one page per partner of `sel`, each printing on its own sheet).
pub(crate) fn render_scorecards(results: &Results, sel: &scorecard::Selection) -> Result<String> {
    let cards = scorecard::build(results, sel)?;
    let mut env = environment(results.summary.parameters.report.currency.clone());
    let fail = |e: minijinja::Error| Error::Export {
        path: results.dir.join(SCORECARDS_FILE),
        message: format!("rendering the scorecards: {e:#}"),
    };
    env.add_template("scorecard.html", SCORECARD_TEMPLATE)
        .map_err(fail)?;
    env.get_template("scorecard.html")
        .and_then(|t| {
            t.render(context! {
                cards => Value::from(minijinja::value::Serde(&cards)),
                version => results.summary.ecograph_version.as_str(),
                data => Value::from_safe_string(data_island(&cards)),
            })
        })
        .map_err(fail)
}

/// Reads `results_dir` and writes the scorecards of `sel` to `out` (atomically).
pub fn write_scorecards(
    results_dir: &std::path::Path,
    sel: &scorecard::Selection,
    out: &std::path::Path,
) -> Result<()> {
    let results = Results::read(results_dir)?;
    let protect = [crate::io::out::atomic_dir::Protected::input_folder(
        results_dir,
    )];
    write_atomically(out, &render_scorecards(&results, sel)?, &protect)
}

/// The tag both templates carry in their head: what marks a page as ecograph's.
const GENERATOR_TAG: &str = r#"<meta name="generator" content="ecograph"#;

/// Whether the file at `path` is a page ecograph wrote (its first kilobyte holds
/// [`GENERATOR_TAG`]), and so may be replaced.
fn written_by_ecograph(path: &std::path::Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 1024];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    String::from_utf8_lossy(&head[..n]).contains(GENERATOR_TAG)
}

/// Writes `html` to `out` whole or not at all ([`crate::io::out::atomic_file`]): never over
/// `protect` (the results folders read), a folder, a link or a file ecograph did not
/// write (exit 4, untouched).
fn write_atomically(
    out: &std::path::Path,
    html: &str,
    protect: &[crate::io::out::atomic_dir::Protected],
) -> Result<()> {
    crate::io::out::atomic_file::write_file(
        out,
        html.as_bytes(),
        protect,
        written_by_ecograph,
        "review.html",
    )
    .map(|_| ())
}

/// The report page of an output folder read back.
pub fn render(results: &Results) -> Result<String> {
    render_since(results, None)
}

/// The review of `results`, with a "since last period" section comparing it with the
/// earlier run `since` (`report NEW --since OLD`).
pub(crate) fn render_since(results: &Results, since: Option<&Results>) -> Result<String> {
    let mut m = model::build(results)?;
    if let Some(old) = since {
        let c = crate::compare::compare(old, results)?;
        m.since = Some(program::since_last(old, results, &c)?);
    }
    let mut env = environment(m.currency.clone());
    let fail = |e: minijinja::Error| Error::Export {
        path: results.dir.join(REPORT_FILE),
        message: format!("rendering the report: {e:#}"),
    };
    env.add_template("report.html", TEMPLATE).map_err(fail)?;
    let charts = context! {
        diversification => Value::from_safe_string(charts::diversification(&m.diversification)),
        growth => Value::from_safe_string(charts::growth(&m.growth, m.currency.as_deref())),
        resilience => Value::from_safe_string(charts::resilience(&m.resilience)),
        network => Value::from_safe_string(charts::network(&m.network)),
        account_mapping => Value::from_safe_string(charts::account_mapping(&m.account_mapping)),
    };
    env.get_template("report.html")
        .and_then(|t| {
            t.render(context! {
                m => Value::from(minijinja::value::Serde(&m)),
                charts => charts,
                data => Value::from_safe_string(data_island(&m)),
                map_script => Value::from_safe_string(maps::map_script()),
            })
        })
        .map_err(fail)
}

/// Reads the output folder `results_dir` and writes its report to `out` (atomically:
/// a temporary file beside it, renamed into place).
pub fn write_report(results_dir: &std::path::Path, out: &std::path::Path) -> Result<()> {
    write_report_since(results_dir, None, out)
}

/// [`write_report`] with a "since last period" section against the earlier output
/// folder `since`.
pub fn write_report_since(
    results_dir: &std::path::Path,
    since: Option<&std::path::Path>,
    out: &std::path::Path,
) -> Result<()> {
    let results = Results::read(results_dir)?;
    let old = since.map(Results::read).transpose()?;
    let mut protect = vec![crate::io::out::atomic_dir::Protected::input_folder(
        results_dir,
    )];
    protect.extend(since.map(crate::io::out::atomic_dir::Protected::input_folder));
    write_atomically(out, &render_since(&results, old.as_ref())?, &protect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_people_read_them() {
        assert_eq!(show(Some(37_578_266.36), "money"), "37,578,266");
        assert_eq!(show(Some(37_578_266.36), "money_tile"), "37.6M");
        assert_eq!(show(Some(479_729_304_857.0), "money_tile"), "479.7B");
        assert_eq!(show(Some(9_999_999.0), "money_tile"), "9,999,999");
        assert_eq!(show(Some(0.87667), "share"), "87.7 %");
        assert_eq!(show(Some(1.448), "ratio"), "1.45x");
        assert_eq!(show(Some(0.004278), "small"), "0.004278");
        assert_eq!(show(Some(-1234.0), "count"), "-1,234");
        assert_eq!(show(Some(0.0123), "pts"), "+1.2 pts");
        assert_eq!(show(None, "share"), "–");
    }

    #[test]
    fn a_value_that_is_not_zero_never_prints_as_zero() {
        // The counter-examples: each rounded to its unit's fixed decimals reads 0.
        assert_eq!(show(Some(0.000174), "share"), "0.017 %");
        assert_eq!(show(Some(-0.000174), "share"), "-0.017 %");
        assert_eq!(show(Some(0.0000004), "pts"), "+0.000040 pts");
        assert_eq!(show(Some(0.004), "ratio"), "0.0040x");
        assert_eq!(show(Some(0.04), "days"), "0.040");
        assert_eq!(show(Some(0.3), "money"), "0.30");
        assert_eq!(show(Some(1.7e-7), "small"), "1.700e-7");
        assert_eq!(show(Some(1e-300), "small"), "1.000e-300");
        // ... nor short of a whole as the whole.
        assert_eq!(show(Some(0.9996), "share"), "99.96 %");
        assert_eq!(show(Some(0.999_999_4), "share"), "99.99994 %");
        assert_eq!(show(Some(99.6), "pct"), "99.6");
        // Where the rule must not fire: values the fixed decimals show faithfully,
        // zero itself, and a whole 100 %.
        assert_eq!(show(Some(0.001), "share"), "0.1 %");
        assert_eq!(show(Some(0.0), "share"), "0.0 %");
        assert_eq!(show(Some(1.0), "share"), "100.0 %");
        assert_eq!(show(Some(0.0), "money"), "0");
        assert_eq!(show(Some(0.5), "money"), "1");
        assert_eq!(show(Some(0.0), "small"), "0");
        assert_eq!(show(Some(0.0), "ratio"), "0.00x");
        for v in [1e-12, 3e-9, 0.000174, 0.0049, 0.4] {
            for unit in ["count", "money", "share", "pts", "ratio", "days", "small"] {
                let s = show(Some(v), unit);
                assert!(
                    s.chars().any(|c| ('1'..='9').contains(&c)),
                    "{v} {unit}: {s}"
                );
            }
        }
        assert_eq!(show(Some(f64::NAN), "share"), "–");
        assert_eq!(show(Some(f64::INFINITY), "money"), "∞");
    }

    #[test]
    fn one_abbreviation_k_m_b_t() {
        assert_eq!(abbreviated(950.0), "950");
        assert_eq!(abbreviated(999.6), "1.0K");
        assert_eq!(abbreviated(12_345.0), "12.3K");
        assert_eq!(abbreviated(999_960.0), "1.0M");
        assert_eq!(abbreviated(37_578_266.0), "37.6M");
        assert_eq!(abbreviated(-2_500_000_000.0), "-2.5B");
        assert_eq!(abbreviated(4.2e12), "4.2T");
        assert_eq!(abbreviated(0.0), "0");
    }

    #[test]
    fn a_currency_symbol_leads_a_code_follows() {
        assert_eq!(with_currency("37.6M", Some("€")), "€37.6M");
        assert_eq!(with_currency("-1,234", Some("$")), "-$1,234");
        assert_eq!(with_currency("37.6M", Some("EUR")), "37.6M EUR");
        assert_eq!(with_currency("37.6M", Some("US$")), "37.6M US$");
        assert_eq!(with_currency("37.6M", None), "37.6M");
        assert_eq!(money_heading("Revenue", Some("EUR")), "Revenue (EUR)");
        assert_eq!(money_heading("Revenue", None), "Revenue");
    }
}
