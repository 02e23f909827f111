//! What the input implies for the numbers, said out loud: absent or all-empty columns
//! that change results, deals without an amount, skipped empty rows, an input without
//! a single partner link.
//! Each becomes a [`Warning`] on stderr and under `validation.warnings` in the summary.

use super::columns::{as_text, is_text_type};
use super::tables::DealGaps;
use crate::error::Warning;
use crate::io::raw::RawTable;

/// Every warning about the tables as read, in table order.
pub(super) fn collect(tables: &[&RawTable]) -> Vec<Warning> {
    let mut out = Vec::new();
    for raw in tables {
        out.extend(column_warnings(raw));
        out.extend(skipped_rows_warning(raw));
    }
    out
}

/// The warning for an input without a single valid partner link (`links` kept of
/// `rows` read from `file`), if so.
pub(super) fn links_warning(file: &str, rows: usize, links: usize) -> Option<Warning> {
    (links == 0).then(|| Warning {
        code: "no_partner_links",
        table: "deal_partners",
        file: file.to_string(),
        column: None,
        message: format!(
            "no deal has a partner ({} of deal_partners): every deal counts as direct, partner revenue share is 0 and every partner metric is 0",
            if rows == 0 { "no rows" } else { "no valid row" }
        ),
    })
}

/// The warning for deals without an amount when some have one (`gaps` counts the kept
/// deals): each counts as 0, so every revenue figure is short by their real value.
/// A column absent or empty in every row is [`column_warnings`]' `missing_amount`.
pub(super) fn some_amounts_missing(raw: &RawTable, gaps: &DealGaps) -> Option<Warning> {
    if gaps.missing == 0 || gaps.deals == 0 {
        return None;
    }
    let count = |n: usize| crate::error::thousands(n as u64);
    let share = 100.0 * gaps.missing as f64 / gaps.deals as f64;
    Some(Warning {
        code: "some_amounts_missing",
        table: raw.spec.name,
        file: raw.source.display.clone(),
        column: Some(raw.user_name("amount")),
        message: format!(
            "{} of {} deals ({share:.1}%) have no '{}', {} of them won (of {} won deals): each counts as 0, so every revenue figure leaves them out",
            count(gaps.missing),
            count(gaps.deals),
            raw.user_name("amount"),
            count(gaps.missing_won),
            count(gaps.won),
        ),
    })
}

/// Each result-changing optional column that is absent ("no 'stage' column: every deal
/// counts as won") or present but empty in every row ("column 'stage' is empty in every
/// row: ..."): an export setting that drops or blanks a column must not pass unnoticed.
fn column_warnings(raw: &RawTable) -> Vec<Warning> {
    let mut out = Vec::new();
    for col in raw.spec.columns {
        let Some((code, implies)) = implication(raw.spec.name, col.name) else {
            continue;
        };
        let (column, message) = match raw.column(col.name) {
            None => (
                col.name.to_string(),
                format!("no '{}' column: {implies}", col.name),
            ),
            Some(c) => {
                // Only a text column can be empty without being null (an integer or
                // date never reads as "").
                let nulls: usize = c.iter().map(|a| a.null_count()).sum();
                let text = c.first().is_some_and(|a| is_text_type(a.data_type()));
                let empty = nulls == raw.n_rows()
                    || text
                        && as_text(c, "text")
                            .is_ok_and(|s| s.iter().all(|v| v.is_none_or(str::is_empty)));
                if raw.n_rows() == 0 || !empty {
                    continue;
                }
                let name = raw.user_name(col.name);
                let message = format!("column '{name}' is empty in every row: {implies}");
                (name, message)
            }
        };
        out.push(Warning {
            code,
            table: raw.spec.name,
            file: raw.source.display.clone(),
            column: Some(column),
            message,
        });
    }
    out
}

/// What an optional column that is absent, or empty in every row, does to the results,
/// for the columns where it does (contract §1 null rules applied to a whole column).
fn implication(table: &str, column: &str) -> Option<(&'static str, &'static str)> {
    Some(match (table, column) {
        ("deals", "stage") => ("missing_stage", "every deal counts as won"),
        ("deals", "amount") => (
            "missing_amount",
            "every deal is worth 0, so every revenue figure is 0",
        ),
        ("deals", "created_at") => (
            "missing_created_at",
            "network_growth is empty, no channel conflict can be found and days to close are unknown",
        ),
        ("deals", "closed_at") => (
            "missing_closed_at",
            "days to close are unknown (partner_lift compares no closing times)",
        ),
        ("deals", "customer_id") => (
            "missing_customer_id",
            "no deal has a customer, so customer overlap, unique customers, channel conflicts and customer concentration are empty",
        ),
        ("deals", "product_id") => (
            "missing_product_id",
            "no deal has a product, so product concentration and channel conflicts are empty",
        ),
        ("deal_partners", "role") => (
            "missing_role",
            "every partner counts as influenced, so no partner sourced a deal and sourced_revenue is 0",
        ),
        _ => return None,
    })
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
