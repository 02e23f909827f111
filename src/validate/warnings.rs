//! What the input implies for the numbers, said out loud: absent or all-empty columns
//! that change results, skipped empty rows, an input without a single partner link.
//! Each becomes a [`Warning`] on stderr and under `validation.warnings` in the summary.

use crate::error::Warning;
use crate::io::read::{self, RawTable};

/// Every warning about the tables as read, in table order, then the link warning.
pub(super) fn collect(tables: &[&RawTable], links_raw: &RawTable, links: usize) -> Vec<Warning> {
    let mut out = Vec::new();
    for raw in tables {
        out.extend(raw.warnings.iter().cloned());
        if let Some(w) = skipped_rows_warning(raw) {
            out.push(w);
        }
    }
    for raw in tables {
        out.extend(empty_column_warnings(raw));
    }
    if links == 0 {
        out.push(Warning {
            code: "no_partner_links",
            table: "deal_partners",
            file: links_raw.source.display.clone(),
            column: None,
            message: format!(
                "no deal has a partner ({} of deal_partners): every deal counts as direct, partner revenue share is 0 and every partner metric is 0",
                if links_raw.n_rows() == 0 { "no rows" } else { "no valid row" }
            ),
        });
    }
    out
}

/// A result-changing optional column that is present but empty in every row says the
/// same as an absent one ("column 'stage' is empty in every row: every deal counts as
/// won"): an export setting that blanks a column must not pass unnoticed.
fn empty_column_warnings(raw: &RawTable) -> Vec<Warning> {
    if raw.n_rows() == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for col in raw.spec.columns {
        let Some((code, implies)) = read::absent_column_implication(raw.spec.name, col.name) else {
            continue;
        };
        let Ok(c) = raw.df.column(col.name) else {
            continue;
        };
        let empty = c.null_count() == c.len()
            || c.str()
                .is_ok_and(|s| s.iter().all(|v| v.is_none_or(str::is_empty)));
        if empty {
            out.push(Warning {
                code,
                table: raw.spec.name,
                file: raw.source.display.clone(),
                column: Some(raw.user_name(col.name)),
                message: format!(
                    "column '{}' is empty in every row: {implies}",
                    raw.user_name(col.name)
                ),
            });
        }
    }
    out
}

/// The warning for rows skipped because every field was empty, naming their lines.
fn skipped_rows_warning(raw: &RawTable) -> Option<Warning> {
    let n = raw.skipped_empty.len();
    if n == 0 {
        return None;
    }
    let shown: Vec<String> = raw
        .skipped_empty
        .iter()
        .take(10)
        .map(u32::to_string)
        .collect();
    Some(Warning {
        code: "skipped_empty_rows",
        table: raw.spec.name,
        file: raw.source.display.clone(),
        column: None,
        message: format!(
            "skipped {n} row{} whose every field is empty (line{} {}{}); set [csv] skip_empty_rows = false to treat them as errors",
            if n == 1 { "" } else { "s" },
            if n == 1 { "" } else { "s" },
            shown.join(", "),
            if n > 10 { ", ..." } else { "" }
        ),
    })
}
