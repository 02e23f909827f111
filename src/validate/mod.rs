//! Raw tables -> [`ValidatedTables`]: every rule of the data contract (§1, §4) checked,
//! every id resolved, so later stages never see an unchecked value.
//!
//! [`validate`] takes the tables as read ([`RawTables`], from Arrow data a caller
//! holds); [`validate_folder`] reads a folder's files one at a time as it types them
//! (`io::read::FolderTables`), so that only one raw table is held at once; the per-table
//! checks are in `tables`, the per-row machinery in `check`, the id lookups (duplicate
//! ids, references) in `id_table`, what the input implies for the numbers in
//! `warnings`.
//!
//! Strict mode (the default) collects every problem (file order) and fails; with
//! `skip_invalid`, row-level problems move the row to `rejected` and the run goes on.
//! File-level problems (missing table or column, wrong column type, broken CSV, empty
//! table) stop the run in both modes, since no row of such a file can be trusted.

mod check;
pub(crate) use check::forbidden_in_id;
mod columns;
pub(crate) mod dict;
mod id_table;
mod links;
pub(crate) mod parse;
mod rows;
mod tables;
mod warnings;
pub mod window;

use std::path::Path;

use crate::config::Settings;
use crate::error::{Error, InputError, InputErrors, Warning};
use crate::io::raw::{RawTable, RawTables, TableSource};
#[cfg(feature = "read")]
use crate::io::read;
use crate::schema::TABLES;
use check::Problems;
pub use dict::{Dict, NULL};
use id_table::IdIndex;
pub use parse::MAX_AMOUNT;

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

/// Loads and validates the input folder (feature `read`): [`validate_folder`] after
/// [`check_input_folder`], silently.
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
    validate_folder(
        dir,
        settings,
        skip_invalid,
        &crate::progress::Meter::silent(),
    )
    .map_err(Error::Input)
}

/// Reads and validates the tables of `dir` one at a time (feature `read`): each file is
/// read, typed and its raw columns freed before the next file is read, so the peak
/// holds one raw table beside the typed ones, not every raw table at once (at 1M
/// partners / 50M deals all of them together were the run's peak).
///
/// The result and the errors are those of reading every file then [`validate`]: when a
/// file cannot be read, the file-level problems of every table are reported (table
/// order) and no row-level problem. The megabytes read are reported to `meter`.
#[cfg(feature = "read")]
pub fn validate_folder(
    dir: &Path,
    settings: &Settings,
    skip_invalid: bool,
    meter: &crate::progress::Meter,
) -> Result<ValidatedTables, InputErrors> {
    let mut folder = read::FolderTables::open(dir, settings, meter)?;
    validate_from(&mut folder, settings, skip_invalid)
}

/// Checks the tables as read against every rule of the contract and resolves every id.
///
/// Strict mode (the default) collects every problem (file order) and fails; with
/// `skip_invalid`, row-level problems move the row to `rejected` and the run goes on.
pub fn validate(
    mut raw: RawTables,
    settings: &Settings,
    skip_invalid: bool,
) -> Result<ValidatedTables, InputErrors> {
    validate_from(&mut raw, settings, skip_invalid)
}

/// [`validate`] over any [`TableSource`]: tables are taken in the order they are
/// typed (partners, deals, deal_partners, products, customers, partner_products), each
/// typed and dropped before the next is taken. Once a table cannot be read (or the
/// links column of deals is unusable), nothing more is typed, but every remaining
/// table is still taken so that the file-level problems of all of them are reported.
fn validate_from(
    src: &mut impl TableSource,
    settings: &Settings,
    skip_invalid: bool,
) -> Result<ValidatedTables, InputErrors> {
    let mut run = Run {
        src,
        settings,
        taken: [false; TABLES.len()],
        warnings: std::array::from_fn(|_| Vec::new()),
        stop: None,
    };
    let typed = typed(&mut run, skip_invalid);
    // Every table not taken yet is read for its file-level problems only.
    for (i, spec) in TABLES.iter().enumerate() {
        if !run.taken[i] {
            drop(run.src.take(spec));
        }
    }
    let errors = run.src.errors();
    if !errors.is_empty() {
        return Err(InputErrors { errors });
    }
    if let Some(e) = run.stop {
        return Err(e);
    }
    let Some(mut t) = typed else {
        return Err(InputErrors::default()); // a required table absent: reported above
    };
    // Warnings in table order; "some amounts missing" after those of partners and deals.
    let [w_partners, w_deals, rest @ ..] = run.warnings;
    let mut warnings: Vec<Warning> = w_partners.into_iter().chain(w_deals).collect();
    if !warnings.iter().any(|w| w.code == "missing_amount") {
        warnings.extend(t.some_amounts_missing.take());
    }
    warnings.extend(rest.into_iter().flatten());
    warnings.extend(t.links_warning.take());
    t.tables.warnings = warnings;
    if !t.problems.errors.is_empty() {
        return Err(InputErrors {
            errors: t.problems.errors,
        });
    }
    t.tables.rejected = t.problems.rejected;
    Ok(t.tables)
}

/// The state of one validation: where the tables come from and what was learnt
/// before each was typed.
struct Run<'a, S: TableSource> {
    src: &'a mut S,
    settings: &'a Settings,
    /// Which of [`TABLES`] have been taken from `src`.
    taken: [bool; TABLES.len()],
    /// Each table's warnings about its columns and skipped rows, by [`TABLES`] index.
    warnings: [Vec<Warning>; TABLES.len()],
    /// A problem that stops the run once every file is read (the deals column the
    /// links are to come from is unusable).
    stop: Option<InputErrors>,
}

impl<S: TableSource> Run<'_, S> {
    /// The table `name` from the source, its warnings noted: `None` when typing must
    /// stop (a table could not be read, or the run is stopped), `Some(None)` when the
    /// table is absent.
    fn take(&mut self, name: &str) -> Option<Option<RawTable>> {
        let i = TABLES.iter().position(|s| s.name == name)?;
        self.taken[i] = true;
        let raw = self.src.take(&TABLES[i]);
        crate::progress::checkpoint();
        if self.src.failed() || self.stop.is_some() {
            return None;
        }
        if let Some(raw) = &raw {
            self.warnings[i] = warnings::collect(&[raw]);
        }
        Some(raw)
    }
}

/// What typing every table gives, before the warnings are put in order.
struct Typed {
    tables: ValidatedTables,
    problems: Problems,
    some_amounts_missing: Option<Warning>,
    links_warning: Option<Warning>,
}

/// Takes and types every table in turn (see [`validate_from`]); `None` when it had to
/// stop.
fn typed<S: TableSource>(run: &mut Run<'_, S>, skip_invalid: bool) -> Option<Typed> {
    let settings = run.settings;
    let mut p = Problems::new(skip_invalid);
    let mut dicts = tables::Dicts {
        customers: Dict::default(),
        products: Dict::default(),
        regions: Dict::default(),
    };
    let raw_partners = run.take("partners")??;
    let (partners, pid, s_partners) = tables::partners(&raw_partners, settings, &mut p);
    drop(raw_partners);
    crate::progress::checkpoint();

    let raw_deals = run.take("deals")??;
    // deal_partners made from a deals column is made before the deals' text is freed.
    let derived = match &settings.links_from_deals {
        Some(l) => match links::from_deals_column(&raw_deals, l) {
            Ok(t) => Some(t),
            Err(rule) => {
                run.stop = Some(InputErrors {
                    errors: vec![InputError {
                        file: raw_deals.source.display.to_string(),
                        table: "deals",
                        row: None,
                        line: None,
                        column: Some(l.column.to_string()),
                        value: None,
                        rule,
                    }],
                });
                return None;
            }
        },
        None => None,
    };
    let tables::Deals {
        rows: deals,
        rejected: did,
        stats: s_deals,
        gaps,
        some_amounts_missing,
    } = tables::deals(raw_deals, settings, &mut p, &mut dicts);
    crate::progress::checkpoint();
    // Id -> kept row (u32::MAX when the row itself was invalid), for reference checks.
    let partner_index = IdIndex::new(partners.id.len(), |r| &partners.id[r as usize], &pid);
    let deal_index = IdIndex::new(deals.id.len(), |r| deals.id.get(r as usize), &did);
    crate::progress::checkpoint();

    let links_raw = match derived {
        Some(t) => {
            // A deal_partners table given beside the column is not used (a folder's is
            // refused when it is found): neither checked nor warned about.
            run.take("deal_partners")?;
            run.warnings[2].clear();
            t
        }
        // A required table: the source has reported it missing.
        None => run.take("deal_partners")??,
    };
    let links_file = links_raw.source.display.clone();
    let links_rows = links_raw.n_rows();
    let (tables::LinkRows { links, touched }, s_links) =
        tables::deal_partners(links_raw, settings, &mut p, &partner_index, &deal_index);
    drop(deal_index);
    crate::progress::checkpoint();
    let mut stats = vec![s_partners, s_deals, s_links];

    // products first: partner_products is checked against its ids.
    let mut product_ids = None;
    if let Some(t) = run.take("products")? {
        let (ids, s) = tables::catalog(
            &t,
            "product_id",
            "products",
            &mut p,
            &mut dicts.products,
            true,
        );
        product_ids = ids;
        stats.push(s);
    }
    if let Some(t) = run.take("customers")? {
        let (_, s) = tables::catalog(
            &t,
            "customer_id",
            "customers",
            &mut p,
            &mut dicts.customers,
            false,
        );
        stats.push(s);
    }
    let mut partner_products = Vec::new();
    if let Some(t) = run.take("partner_products")? {
        let (pp, s) = tables::partner_products(
            &t,
            &mut p,
            &partner_index,
            product_ids.as_ref(),
            &mut dicts.products,
        );
        partner_products = pp;
        stats.push(s);
    }
    drop(partner_index);

    sort_in_table_order(&mut p);
    let links_warning = warnings::links_warning(&links_file, links_rows, links.len());
    Some(Typed {
        tables: ValidatedTables {
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
            rejected: Vec::new(),
            warnings: Vec::new(),
        },
        problems: p,
        some_amounts_missing,
        links_warning,
    })
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
