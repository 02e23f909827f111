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

/// Formats a model value for the page: `count` 12,345; `money` 1,234,567 (`money_tile`
/// 37.6 m, 479.7 bn from ten million up); `share`
/// 12.3 %; `ratio` 1.45x; `days` 12.5 days; `small` 0.0123 (four significant digits);
/// an empty cell for null.
pub fn show(value: Option<f64>, unit: &str) -> String {
    let Some(v) = value else {
        return "–".into();
    };
    match unit {
        "count" | "money" => thousands(v.round()),
        // A tile has room for about ten characters: millions and billions shortened.
        "money_tile" if v.abs() >= 1e9 => format!("{:.1} bn", v / 1e9),
        "money_tile" if v.abs() >= 1e7 => format!("{:.1} m", v / 1e6),
        "money_tile" => thousands(v.round()),
        "share" => format!("{:.1} %", v * 100.0),
        // A change of a share, in percentage points; a change of a count or amount.
        "pts" => format!("{:+.1} pts", v * 100.0),
        "signed" => {
            let s = thousands(v.round());
            if v.round() > 0.0 {
                format!("+{s}")
            } else {
                s
            }
        }
        "ratio" => format!("{v:.2}x"),
        "days" => format!("{v:.1}"),
        "pct" => format!("{v:.0}"),
        _ => {
            if v == 0.0 {
                "0".into()
            } else {
                let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
                format!("{v:.digits$}")
            }
        }
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

/// The template environment with the `show` filter and the shared stylesheet.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.add_template("base.css", BASE_CSS)
        .expect("the shared stylesheet is a valid template");
    env.add_filter("show", |v: Value, unit: String| {
        let x = if v.is_none() || v.is_undefined() {
            None
        } else {
            f64::try_from(v).ok()
        };
        show(x, &unit)
    });
    env
}

/// The scorecards page (one page per partner of `sel`, each printing on its own sheet).
pub(crate) fn render_scorecards(results: &Results, sel: &scorecard::Selection) -> Result<String> {
    let cards = scorecard::build(results, sel)?;
    let mut env = environment();
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
    let mut env = environment();
    let fail = |e: minijinja::Error| Error::Export {
        path: results.dir.join(REPORT_FILE),
        message: format!("rendering the report: {e:#}"),
    };
    env.add_template("report.html", TEMPLATE).map_err(fail)?;
    let charts = context! {
        diversification => Value::from_safe_string(charts::diversification(&m.diversification)),
        growth => Value::from_safe_string(charts::growth(&m.growth)),
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
        assert_eq!(show(Some(37_578_266.36), "money_tile"), "37.6 m");
        assert_eq!(show(Some(479_729_304_857.0), "money_tile"), "479.7 bn");
        assert_eq!(show(Some(9_999_999.0), "money_tile"), "9,999,999");
        assert_eq!(show(Some(0.87667), "share"), "87.7 %");
        assert_eq!(show(Some(1.448), "ratio"), "1.45x");
        assert_eq!(show(Some(0.004278), "small"), "0.004278");
        assert_eq!(show(Some(-1234.0), "count"), "-1,234");
        assert_eq!(show(None, "share"), "–");
    }
}
