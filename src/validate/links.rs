//! deal_partners from a multi-valued column of the deals table: CRMs such as HubSpot
//! export a deal's associated companies as one cell (`9001;9003`), Salesforce
//! multi-select fields the same way. Each id in the cell becomes one link, located in
//! messages by the deal's own row and line.

use std::sync::Arc;

use arrow::array::{ArrayRef, StringArray};

use super::columns::as_text;
use crate::config::ResolvedLinks;
use crate::error::Rule;
use crate::io::raw::RawTable;
use crate::schema::DEAL_PARTNERS;

/// The deal_partners table the `[deal_partners]` config section describes: one row per
/// (deal, listed partner id); empty cells and empty items (`9001;;9003`) give none.
/// Deals without an id are reported by the deals checks and give no link.
pub(crate) fn from_deals_column(deals: &RawTable, l: &ResolvedLinks) -> Result<RawTable, Rule> {
    let ids = match deals.column("deal_id") {
        Some(c) => as_text(c, "text listing partner ids")?,
        None => {
            return Err(Rule::Unreadable {
                detail: "the deals table has no deal_id column".into(),
            })
        }
    };
    let cells = match &deals.links {
        Some(c) => as_text(c, "text listing partner ids")?,
        None => {
            return Err(Rule::ConfigColumnMissing {
                key: "[deal_partners] from_deals_column".into(),
                found: Vec::new(),
            })
        }
    };
    let (mut deal_col, mut partner_col) = (Vec::new(), Vec::new());
    let (mut rows, mut lines) = (Vec::new(), Vec::new());
    for (r, (id, cell)) in ids.iter().zip(cells.iter()).enumerate() {
        let (Some(id), Some(cell)) = (id.filter(|s| !s.is_empty()), cell) else {
            continue;
        };
        for item in cell.split(l.separator.as_str()) {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            deal_col.push(id.to_string());
            partner_col.push(item.to_string());
            rows.push(u32::try_from(deals.row_number(r)).unwrap_or(u32::MAX));
            if let Some(line) = deals.line_of(r) {
                lines.push(u32::try_from(line).unwrap_or(u32::MAX));
            }
        }
    }
    let n = deal_col.len();
    let deal_col: ArrayRef = Arc::new(StringArray::from(deal_col));
    let partner_col: ArrayRef = Arc::new(StringArray::from(partner_col));
    Ok(RawTable {
        spec: DEAL_PARTNERS,
        source: deals.source.clone(),
        columns: vec![
            ("deal_id", vec![deal_col]),
            ("partner_id", vec![partner_col]),
        ],
        n_rows: n,
        lines: deals.lines.as_ref().map(|_| lines),
        rows: Some(rows),
        user_names: vec![
            ("deal_id", deals.user_name("deal_id")),
            ("partner_id", l.column.clone()),
        ],
        links: None,
        skipped_empty: Vec::new(),
    })
}
