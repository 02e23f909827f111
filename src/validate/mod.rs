//! Raw tables -> [`ValidatedTables`]: every rule of the data contract (§1, §4) checked,
//! every id resolved, so later stages never see an unchecked value.
//!
//! [`validate`] takes the tables as read ([`RawTables`], from `io::read::read_folder`
//! or from Arrow data a caller holds); the per-table
//! checks are in `tables`, the per-row machinery in `check`, what the input implies for
//! the numbers in `warnings`.
//!
//! Strict mode (the default) collects every problem (file order) and fails; with
//! `skip_invalid`, row-level problems move the row to `rejected` and the run goes on.
//! File-level problems (missing table or column, wrong column type, broken CSV, empty
//! table) stop the run in both modes, since no row of such a file can be trusted.

mod check;
pub(crate) use check::forbidden_in_id;
mod columns;
pub(crate) mod dict;
mod links;
pub(crate) mod parse;
mod rows;
mod tables;
mod warnings;
pub mod window;

use std::path::Path;

use crate::config::Settings;
use crate::error::{Error, InputError, InputErrors, Warning};
use crate::io::raw::{RawTable, RawTables};
#[cfg(feature = "read")]
use crate::io::read;
use check::Problems;
pub use dict::{Dict, NULL};
pub use parse::MAX_AMOUNT;
use rustc_hash::FxHashMap as HashMap;

pub use rows::{DealRows, FileOrder, IdOrder, Ids, Link, PartnerRows};
pub use tables::DealGaps;

/// Rows read and kept per table, for reports.
#[derive(Debug, Clone)]
pub struct TableStats {
    /// Contract table name.
    pub table: &'static str,
    /// File it was read from, as shown in messages.
    pub file: String,
    /// Data rows read.
    pub rows: usize,
    /// Rows kept (all of them unless `skip_invalid` left some out).
    pub kept: usize,
}

/// The input after validation: typed, resolved, trustworthy. Only [`validate`] makes
/// one; [`crate::graph::build`] turns it into graphs.
#[derive(Debug, Clone)]
pub struct ValidatedTables {
    pub(crate) partners: PartnerRows<FileOrder>,
    pub(crate) deals: DealRows<FileOrder>,
    pub(crate) links: Vec<Link>,
    /// deal_partners touched_at, parallel to `links` (ms since the epoch, UTC); `None`
    /// when the table has no touched_at column.
    pub(crate) link_touched: Option<Vec<Option<i64>>>,
    /// (partner row, product code), from partner_products.
    pub(crate) partner_products: Vec<(u32, u32)>,
    pub(crate) customers: Dict,
    pub(crate) products: Dict,
    pub(crate) regions: Dict,
    pub(crate) stats: Vec<TableStats>,
    pub(crate) gaps: DealGaps,
    pub(crate) rejected: Vec<InputError>,
    pub(crate) warnings: Vec<Warning>,
}

impl ValidatedTables {
    /// The partners, in file order.
    pub fn partners(&self) -> &PartnerRows<FileOrder> {
        &self.partners
    }

    /// The deals, in file order.
    pub fn deals(&self) -> &DealRows<FileOrder> {
        &self.deals
    }

    /// The deal_partners rows kept, resolved to partner and deal rows.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// Rows read and kept per table, in table order.
    pub fn stats(&self) -> &[TableStats] {
        &self.stats
    }

    /// What the kept deals lack: amounts and dates.
    pub fn gaps(&self) -> DealGaps {
        self.gaps
    }

    /// Rows moved aside by `skip_invalid`, with their reasons (empty in strict mode).
    pub fn rejected(&self) -> &[InputError] {
        &self.rejected
    }

    /// Allowed but result-changing facts about the input (absent columns, no partner
    /// link, skipped empty rows), in table order.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

/// Checks that the input folder exists and is a folder ([`Error::InputFolder`]).
pub fn check_input_folder(dir: &Path) -> crate::Result<()> {
    let reason = match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => "it is a file, not a folder; give the folder that holds the tables".to_string(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "it does not exist".to_string(),
        Err(e) => format!("it cannot be read: {e}"),
    };
    Err(Error::InputFolder {
        path: dir.to_path_buf(),
        reason,
    })
}

/// Loads and validates the input folder (feature `read`): [`read::read_folder`], then
/// [`validate`].
///
/// Returns every contract violation found (file order, first [`crate::error::MAX_REPORTED_ERRORS`]
/// shown by the CLI) unless `skip_invalid` lets row-level ones through, as
/// [`Error::Input`]; a missing input folder is [`Error::InputFolder`].
#[cfg(feature = "read")]
pub fn load_and_validate(
    dir: &Path,
    settings: &Settings,
    skip_invalid: bool,
) -> crate::Result<ValidatedTables> {
    check_input_folder(dir)?;
    let raw = read::read_folder(dir, settings, &crate::progress::Meter::silent())
        .map_err(Error::Input)?;
    validate(raw, settings, skip_invalid).map_err(Error::Input)
}

/// Checks the tables as read against every rule of the contract and resolves every id.
///
/// Strict mode (the default) collects every problem (file order) and fails; with
/// `skip_invalid`, row-level problems move the row to `rejected` and the run goes on.
pub fn validate(
    raw: RawTables,
    settings: &Settings,
    skip_invalid: bool,
) -> Result<ValidatedTables, InputErrors> {
    // The tables are consumed: each one's text columns are freed as soon as they are
    // typed, so the raw input and its typed form are never all in memory at once.
    let RawTables {
        partners: raw_partners,
        deals: raw_deals,
        deal_partners: raw_links,
        partner_products: raw_partner_products,
        products: raw_products,
        customers: raw_customers,
    } = raw;
    let links_raw = links_table(settings, raw_links, &raw_deals)?;
    // What the tables as read imply (absent or empty columns, skipped rows), before
    // their columns are freed.
    let read: Vec<&RawTable> = [
        Some(&raw_partners),
        Some(&raw_deals),
        settings.links_from_deals.is_none().then_some(&links_raw),
        raw_partner_products.as_ref(),
        raw_products.as_ref(),
        raw_customers.as_ref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut warnings = warnings::collect(&read);
    drop(read);

    let mut p = Problems::new(skip_invalid);
    let mut dicts = tables::Dicts {
        customers: Dict::default(),
        products: Dict::default(),
        regions: Dict::default(),
    };
    let (partners, pid, s_partners) = tables::partners(&raw_partners, settings, &mut p);
    drop(raw_partners);
    crate::progress::checkpoint();
    let (deals, did, s_deals, gaps) = tables::deals(&raw_deals, settings, &mut p, &mut dicts);
    warn_of_some_amounts_missing(&mut warnings, &raw_deals, &gaps);
    drop(raw_deals);
    crate::progress::checkpoint();
    // Id -> kept row (u32::MAX when the row itself was invalid), for reference checks.
    let partner_index = check::id_index(partners.id.iter().map(String::as_str), &pid);
    let deal_index = check::id_index(deals.id.iter(), &did);
    crate::progress::checkpoint();
    let links_file = links_raw.source.display.clone();
    let links_rows = links_raw.n_rows();
    let (tables::LinkRows { links, touched }, s_links) =
        tables::deal_partners(&links_raw, settings, &mut p, &partner_index, &deal_index);
    drop(links_raw);
    drop(deal_index);
    crate::progress::checkpoint();
    let mut stats = vec![s_partners, s_deals, s_links];
    let partner_products = optional_tables(
        OptionalTables {
            products: raw_products,
            customers: raw_customers,
            partner_products: raw_partner_products,
        },
        &partner_index,
        &mut p,
        &mut dicts,
        &mut stats,
    );

    sort_in_table_order(&mut p);
    if !p.errors.is_empty() {
        return Err(InputErrors { errors: p.errors });
    }
    warnings.extend(warnings::links_warning(
        &links_file,
        links_rows,
        links.len(),
    ));
    Ok(ValidatedTables {
        partners,
        deals,
        links,
        link_touched: touched,
        partner_products,
        customers: dicts.customers,
        products: dicts.products,
        regions: dicts.regions,
        stats,
        gaps,
        rejected: p.rejected,
        warnings,
    })
}

/// The deal_partners table to check: the one read, or the one made from the deals
/// column the config names (`[deal_partners] from_deals_column`).
fn links_table(
    settings: &Settings,
    read: Option<RawTable>,
    deals: &RawTable,
) -> Result<RawTable, InputErrors> {
    match (&settings.links_from_deals, read) {
        (Some(l), _) => links::from_deals_column(deals, l).map_err(|rule| InputErrors {
            errors: vec![InputError {
                file: deals.source.display.to_string(),
                table: "deals",
                row: None,
                line: None,
                column: Some(l.column.to_string()),
                value: None,
                rule,
            }],
        }),
        (None, Some(t)) => Ok(t),
        // read_folder reports a missing required table; nothing to check here.
        (None, None) => Err(InputErrors::default()),
    }
}

/// Some amounts missing (the column absent or empty in every row is announced
/// already, as `missing_amount`): after the deals' own warnings, in table order.
fn warn_of_some_amounts_missing(
    warnings: &mut Vec<Warning>,
    raw_deals: &RawTable,
    gaps: &tables::DealGaps,
) {
    if !warnings.iter().any(|w| w.code == "missing_amount")
        && let Some(w) = warnings::some_amounts_missing(raw_deals, gaps)
    {
        let at = warnings
            .iter()
            .rposition(|w| matches!(w.table, "partners" | "deals"))
            .map_or(0, |i| i + 1);
        warnings.insert(at, w);
    }
}

/// The optional tables of the input as read (`None` when absent).
struct OptionalTables {
    products: Option<RawTable>,
    customers: Option<RawTable>,
    partner_products: Option<RawTable>,
}

/// Checks the optional tables: products and customers (unique ids; their ids join the
/// dictionaries), then partner_products, whose (partner row, product code) pairs it
/// returns. Each table's stats are pushed to `stats`.
fn optional_tables(
    raw: OptionalTables,
    partner_index: &HashMap<&str, u32>,
    p: &mut Problems,
    dicts: &mut tables::Dicts,
    stats: &mut Vec<TableStats>,
) -> Vec<(u32, u32)> {
    let mut product_ids = None;
    if let Some(t) = raw.products {
        let (ids, s) = tables::catalog(&t, "product_id", "products", p, &mut dicts.products, true);
        product_ids = ids;
        stats.push(s);
    }
    if let Some(t) = raw.customers {
        let (_, s) = tables::catalog(
            &t,
            "customer_id",
            "customers",
            p,
            &mut dicts.customers,
            false,
        );
        stats.push(s);
    }
    let mut partner_products = Vec::new();
    if let Some(t) = raw.partner_products {
        let (pp, s) = tables::partner_products(
            &t,
            p,
            partner_index,
            product_ids.as_ref(),
            &mut dicts.products,
        );
        partner_products = pp;
        stats.push(s);
    }
    partner_products
}

/// Sorts the problems found into table order (contract order), then row order within a
/// table.
fn sort_in_table_order(p: &mut Problems) {
    let order = |e: &InputError| {
        let t = crate::schema::TABLES
            .iter()
            .position(|s| s.name == e.table)
            .unwrap_or(usize::MAX);
        (t, e.row.unwrap_or(0))
    };
    p.errors.sort_by_key(order);
    p.rejected.sort_by_key(order);
}
