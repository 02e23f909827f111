//! Raw tables -> [`ValidatedTables`]: every rule of the data contract (§1, §4) checked,
//! every id resolved. A `ValidatedTables` can only be made here, so later stages never
//! see an unchecked value.
//!
//! Strict mode (the default) collects every problem (file order) and fails; with
//! `skip_invalid`, row-level problems move the row to `rejected` and the run goes on.
//! File-level problems (missing table or column, wrong column type, broken CSV, empty
//! table) stop the run in both modes, since no row of such a file can be trusted.

mod columns;
pub mod dict;
mod links;
pub mod parse;

use rustc_hash::FxHashMap as HashMap;
use std::path::Path;

use polars::prelude::Column;
use rayon::prelude::*;

use crate::config::{Settings, TextMap};
use crate::error::{Error, InputError, InputErrors, Rule, Warning};
use crate::io::read::{self, RawTable, SourceFile};
use crate::schema::{Role, Stage, TableSpec};
use columns::{amount_cells, date_cells, text_column, texts, Cell};
pub use dict::{Dict, NULL};

/// Partners, in file order (after rejected rows are removed).
#[derive(Debug, Default, Clone)]
pub struct PartnerRows {
    pub id: Vec<String>,
    pub name: Vec<Option<String>>,
    pub partner_type: Vec<Option<String>>,
    pub tier: Vec<Option<String>>,
    pub region: Vec<Option<String>>,
    pub joined_ms: Vec<Option<i64>>,
}

/// Deals, in file order. Keys are codes into the dictionaries of [`ValidatedTables`]
/// ([`NULL`] for null).
#[derive(Debug, Default, Clone)]
pub struct DealRows {
    pub id: Vec<String>,
    pub customer: Vec<u32>,
    pub product: Vec<u32>,
    /// Null amounts are 0 (contract §1).
    pub amount: Vec<f64>,
    pub stage: Vec<Stage>,
    pub created_ms: Vec<Option<i64>>,
    pub closed_ms: Vec<Option<i64>>,
    pub region: Vec<u32>,
}

/// One deal_partners row with both ends resolved to row indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub deal: u32,
    pub partner: u32,
    pub role: Role,
}

/// Rows read and kept per table, for reports.
#[derive(Debug, Clone)]
pub struct TableStats {
    pub table: &'static str,
    pub file: String,
    pub rows: usize,
    pub kept: usize,
}

/// The input after validation: typed, resolved, trustworthy.
#[derive(Debug, Clone)]
pub struct ValidatedTables {
    pub partners: PartnerRows,
    pub deals: DealRows,
    pub links: Vec<Link>,
    /// (partner row, product code), from partner_products.
    pub partner_products: Vec<(u32, u32)>,
    pub customers: Dict,
    pub products: Dict,
    pub regions: Dict,
    /// Rows of the optional tables (None when the table is absent).
    pub customers_table_rows: Option<usize>,
    pub products_table_rows: Option<usize>,
    /// Input files, in table order (for checksums).
    pub sources: Vec<SourceFile>,
    pub stats: Vec<TableStats>,
    /// Rows moved aside by `skip_invalid`, with their reasons.
    pub rejected: Vec<InputError>,
    /// Allowed but result-changing facts about the input (absent columns, no partner
    /// link, skipped empty rows), in table order.
    pub warnings: Vec<Warning>,
}

/// Problems found so far: fatal errors and (in skip mode) rejected rows.
struct Problems {
    skip_invalid: bool,
    errors: Vec<InputError>,
    rejected: Vec<InputError>,
}

impl Problems {
    fn new(skip_invalid: bool) -> Self {
        Problems {
            skip_invalid,
            errors: Vec::new(),
            rejected: Vec::new(),
        }
    }

    fn push(&mut self, e: InputError) {
        if self.skip_invalid && e.rule.is_row_level() {
            self.rejected.push(e);
        } else {
            self.errors.push(e);
        }
    }
}

/// Per-table row checker: records problems with file, row, line, column and value.
struct Check<'a> {
    raw: &'a RawTable,
    bad: Vec<bool>,
}

impl<'a> Check<'a> {
    fn new(raw: &'a RawTable) -> Self {
        Check {
            raw,
            bad: vec![false; raw.n_rows()],
        }
    }

    fn error(
        &self,
        row: Option<usize>,
        column: Option<&str>,
        value: Option<&str>,
        rule: Rule,
    ) -> InputError {
        InputError {
            file: self.raw.source.display.clone(),
            table: self.raw.spec.name,
            row: row.map(|r| self.raw.row_number(r)),
            line: row.and_then(|r| self.raw.line_of(r)),
            column: column.map(|c| self.raw.user_name(c)),
            value: value.map(str::to_string),
            rule,
        }
    }

    fn row(&mut self, p: &mut Problems, row: usize, column: &str, value: Option<&str>, rule: Rule) {
        self.bad[row] = true;
        let e = self.error(Some(row), Some(column), value, rule);
        p.push(e);
    }

    fn file(&self, p: &mut Problems, column: Option<&str>, rule: Rule) {
        let e = self.error(None, column, None, rule);
        p.push(e);
    }

    /// A text column (ids or free text) converted to String, or a wrong-type problem.
    fn text(&self, p: &mut Problems, column: &str, what: &'static str) -> Option<Column> {
        match text_column(self.raw, column, what) {
            Ok(c) => c,
            Err(rule) => {
                self.file(p, Some(column), rule);
                None
            }
        }
    }

    /// Reads a unique, non-empty id column; duplicates are reported on the later row.
    fn ids(&mut self, p: &mut Problems, column: &str) -> Vec<Option<String>> {
        let Some(c) = self.text(p, column, "text or integer ids") else {
            // The wrong-type problem is recorded and fails the run; one empty id per row
            // keeps the row indexing of the other columns in step until then.
            return vec![None; self.raw.n_rows()];
        };
        let mut first: HashMap<&str, usize> = HashMap::default();
        first.reserve(self.raw.n_rows());
        let mut out = Vec::with_capacity(self.raw.n_rows());
        for (row, v) in texts(&c).enumerate() {
            match v {
                None => {
                    self.row(p, row, column, Some(""), Rule::EmptyId);
                    out.push(None);
                }
                Some(s) => {
                    if let Some(&r0) = first.get(s) {
                        self.row(
                            p,
                            row,
                            column,
                            Some(s),
                            Rule::DuplicateId {
                                first_row: r0 as u64 + 1,
                            },
                        );
                    } else {
                        first.insert(s, row);
                    }
                    out.push(Some(s.to_string()));
                }
            }
        }
        out
    }

    /// A free-text column, with the config's value mapping applied.
    fn optional_texts(&self, p: &mut Problems, column: &str, map: &TextMap) -> Vec<Option<String>> {
        match self.text(p, column, "text") {
            Some(c) => texts(&c)
                .map(|v| v.map(|s| map.apply(s).to_string()))
                .collect(),
            None => vec![None; self.raw.n_rows()],
        }
    }

    /// Codes of a key column in `dict`, with the config's value mapping applied.
    fn keys(&mut self, p: &mut Problems, column: &str, dict: &mut Dict, map: &TextMap) -> Vec<u32> {
        match self.text(p, column, "text or integer ids") {
            Some(c) => texts(&c)
                .map(|v| v.map_or(NULL, |s| dict.code(map.apply(s))))
                .collect(),
            None => vec![NULL; self.raw.n_rows()],
        }
    }

    fn cells<T: Copy>(
        &mut self,
        p: &mut Problems,
        column: &str,
        cells: Result<Option<Vec<Cell<T>>>, Rule>,
    ) -> Vec<Option<T>> {
        match cells {
            Ok(Some(cells)) => cells
                .into_iter()
                .enumerate()
                .map(|(row, c)| match c {
                    Ok(v) => v,
                    Err((rule, value)) => {
                        self.row(p, row, column, Some(&value), rule);
                        None
                    }
                })
                .collect(),
            Ok(None) => vec![None; self.raw.n_rows()],
            Err(rule) => {
                self.file(p, Some(column), rule);
                vec![None; self.raw.n_rows()]
            }
        }
    }

    fn dates(&mut self, p: &mut Problems, column: &str, format: Option<&str>) -> Vec<Option<i64>> {
        let cells = date_cells(self.raw, column, format);
        self.cells(p, column, cells)
    }

    fn empty_table(&self, p: &mut Problems) {
        if self.raw.n_rows() == 0 {
            self.file(p, None, Rule::EmptyTable);
        }
    }

    /// Row indices kept, and old row -> new row (u32::MAX for rejected rows).
    fn kept(&self) -> (Vec<usize>, Vec<u32>) {
        let mut keep = Vec::with_capacity(self.bad.len());
        let mut remap = vec![u32::MAX; self.bad.len()];
        for (row, &b) in self.bad.iter().enumerate() {
            if !b {
                remap[row] = keep.len() as u32;
                keep.push(row);
            }
        }
        (keep, remap)
    }
}

/// Column checks run as independent parts in parallel, each with its own row flags and
/// problem list, which are then absorbed in a fixed (column) order.
struct Part<'a, T> {
    value: T,
    check: Check<'a>,
    problems: Problems,
}

fn part<'a, T>(
    raw: &'a RawTable,
    skip_invalid: bool,
    f: impl FnOnce(&mut Check<'a>, &mut Problems) -> T,
) -> Part<'a, T> {
    let mut check = Check::new(raw);
    let mut problems = Problems::new(skip_invalid);
    let value = f(&mut check, &mut problems);
    Part {
        value,
        check,
        problems,
    }
}

impl<'a> Check<'a> {
    fn absorb<T>(&mut self, p: &mut Problems, part: Part<'a, T>) -> T {
        for (b, pb) in self.bad.iter_mut().zip(&part.check.bad) {
            *b |= *pb;
        }
        p.errors.extend(part.problems.errors);
        p.rejected.extend(part.problems.rejected);
        part.value
    }
}

fn pick<T: Clone>(v: &[T], keep: &[usize]) -> Vec<T> {
    keep.iter().map(|&r| v[r].clone()).collect()
}

/// A table as read, absent (optional table), or the reasons it cannot be read.
type ReadResult = Result<Option<RawTable>, Vec<InputError>>;

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

/// Loads and validates the input folder.
///
/// Returns every contract violation found (file order, first [`crate::error::MAX_REPORTED_ERRORS`]
/// shown by the CLI) unless `skip_invalid` lets row-level ones through, as
/// [`Error::Input`]; a missing input folder is [`Error::InputFolder`].
pub fn load_and_validate(
    dir: &Path,
    settings: &Settings,
    skip_invalid: bool,
) -> crate::Result<ValidatedTables> {
    check_input_folder(dir)?;
    validate_folder(dir, settings, skip_invalid).map_err(Error::Input)
}

fn validate_folder(
    dir: &Path,
    settings: &Settings,
    skip_invalid: bool,
) -> Result<ValidatedTables, InputErrors> {
    let fail = |errors: Vec<InputError>| InputErrors { errors };
    let role_vocab = &settings.role;
    let date_format = settings.date_format.as_deref();
    let files = read::discover(dir, settings).map_err(fail)?;

    // Read every table first, so that file-level problems of all tables are reported together.
    // Tables are read in parallel (the structural CSV scan is single-threaded per file);
    // the order-preserving collect keeps messages in table order.
    let read: Vec<(TableSpec, ReadResult)> = files
        .into_par_iter()
        .map(|(spec, source)| {
            (
                spec,
                source
                    .map(|src| read::read_table(spec, src, settings))
                    .transpose(),
            )
        })
        .collect();
    let mut raws: Vec<(TableSpec, Option<RawTable>)> = Vec::new();
    let mut errors = Vec::new();
    for (spec, r) in read {
        match r {
            Ok(raw) => raws.push((spec, raw)),
            Err(mut e) => {
                errors.append(&mut e);
                raws.push((spec, None));
            }
        }
    }
    if !errors.is_empty() {
        return Err(fail(errors));
    }
    let table = |name: &str| {
        raws.iter()
            .find(|(s, _)| s.name == name)
            .and_then(|(_, r)| r.as_ref())
    };
    let (Some(partners_raw), Some(deals_raw)) = (table("partners"), table("deals")) else {
        return Err(fail(Vec::new())); // discover reports a missing required table
    };
    let derived_links;
    let links_raw = match (&settings.links_from_deals, table("deal_partners")) {
        (None, Some(raw)) => raw,
        (Some(l), _) => {
            derived_links = links::from_deals_column(deals_raw, l).map_err(|r| {
                fail(vec![InputError {
                    file: deals_raw.source.display.clone(),
                    table: "deals",
                    row: None,
                    line: None,
                    column: Some(l.column.clone()),
                    value: None,
                    rule: r,
                }])
            })?;
            &derived_links
        }
        (None, None) => return Err(fail(Vec::new())),
    };

    let mut p = Problems::new(skip_invalid);
    let mut stats = Vec::new();
    let mut customers = Dict::default();
    let mut products = Dict::default();
    let mut regions = Dict::default();

    // partners
    let mut c = Check::new(partners_raw);
    c.empty_table(&mut p);
    let mut pid = c.ids(&mut p, "partner_id");
    let name = c.optional_texts(&mut p, "name", &TextMap::default());
    let ptype = c.optional_texts(&mut p, "partner_type", &settings.partner_type);
    let tier = c.optional_texts(&mut p, "tier", &settings.tier);
    let pregion = c.optional_texts(&mut p, "region", &settings.region);
    let joined = c.dates(&mut p, "joined_at", date_format);
    let (keep, _) = c.kept();
    let partners = PartnerRows {
        id: keep
            .iter()
            .map(|&r| pid[r].take().unwrap_or_default())
            .collect(),
        name: pick(&name, &keep),
        partner_type: pick(&ptype, &keep),
        tier: pick(&tier, &keep),
        region: pick(&pregion, &keep),
        joined_ms: pick(&joined, &keep),
    };
    stats.push(TableStats {
        table: "partners",
        file: partners_raw.source.display.clone(),
        rows: c.bad.len(),
        kept: keep.len(),
    });

    // deals
    let mut c = Check::new(deals_raw);
    c.empty_table(&mut p);
    let sk = skip_invalid;
    let ((ids_part, cust_part), (prod_part, rest_part)) = rayon::join(
        || {
            rayon::join(
                || part(deals_raw, sk, |c, p| c.ids(p, "deal_id")),
                || {
                    part(deals_raw, sk, |c, p| {
                        c.keys(p, "customer_id", &mut customers, &TextMap::default())
                    })
                },
            )
        },
        || {
            rayon::join(
                || {
                    part(deals_raw, sk, |c, p| {
                        c.keys(p, "product_id", &mut products, &TextMap::default())
                    })
                },
                || {
                    part(deals_raw, sk, |c, p| {
                        deal_values(c, p, settings, &mut regions)
                    })
                },
            )
        },
    );
    let mut did = c.absorb(&mut p, ids_part);
    let cust = c.absorb(&mut p, cust_part);
    let prod = c.absorb(&mut p, prod_part);
    let (amount, stage, created, closed, dregion) = c.absorb(&mut p, rest_part);
    let (keep, _) = c.kept();
    let deals = DealRows {
        id: keep
            .iter()
            .map(|&r| did[r].take().unwrap_or_default())
            .collect(),
        customer: pick(&cust, &keep),
        product: pick(&prod, &keep),
        amount: keep.iter().map(|&r| amount[r].unwrap_or(0.0)).collect(),
        stage: pick(&stage, &keep),
        created_ms: pick(&created, &keep),
        closed_ms: pick(&closed, &keep),
        region: pick(&dregion, &keep),
    };
    stats.push(TableStats {
        table: "deals",
        file: deals_raw.source.display.clone(),
        rows: c.bad.len(),
        kept: keep.len(),
    });

    // Id -> kept row (u32::MAX when the row itself was invalid), for reference checks.
    let partner_index = id_index(&partners.id, &pid);
    let deal_index = id_index(&deals.id, &did);

    // deal_partners
    let mut c = Check::new(links_raw);
    let mut links = Vec::with_capacity(links_raw.n_rows());
    let mut link_deal = vec![u32::MAX; links_raw.n_rows()];
    let mut link_partner = vec![u32::MAX; links_raw.n_rows()];
    let default_role = settings
        .links_from_deals
        .as_ref()
        .map_or(Role::Influenced, |l| l.role);
    let mut link_role = vec![default_role; links_raw.n_rows()];
    let (deal_part, (partner_part, role_part)) = rayon::join(
        || {
            part(links_raw, sk, |c, p| {
                resolve(c, p, "deal_id", "deals", &deal_index, &mut link_deal)
            })
        },
        || {
            rayon::join(
                || {
                    part(links_raw, sk, |c, p| {
                        resolve(
                            c,
                            p,
                            "partner_id",
                            "partners",
                            &partner_index,
                            &mut link_partner,
                        )
                    })
                },
                || {
                    part(links_raw, sk, |c, p| {
                        roles(c, p, role_vocab, &mut link_role)
                    })
                },
            )
        },
    );
    c.absorb(&mut p, deal_part);
    c.absorb(&mut p, partner_part);
    c.absorb(&mut p, role_part);
    for row in 0..links_raw.n_rows() {
        if !c.bad[row] {
            links.push(Link {
                deal: link_deal[row],
                partner: link_partner[row],
                role: link_role[row],
            });
        }
    }
    stats.push(TableStats {
        table: "deal_partners",
        file: links_raw.source.display.clone(),
        rows: c.bad.len(),
        kept: links.len(),
    });

    // products and customers tables: unique ids; their ids join the dictionaries.
    let mut products_table_rows = None;
    let mut product_table_ids: Option<HashMap<String, ()>> = None;
    if let Some(raw) = table("products") {
        let mut c = Check::new(raw);
        let ids = c.ids(&mut p, "product_id");
        let (keep, _) = c.kept();
        let mut set = HashMap::default();
        for &r in &keep {
            if let Some(id) = &ids[r] {
                products.code(id);
                set.insert(id.clone(), ());
            }
        }
        products_table_rows = Some(keep.len());
        product_table_ids = Some(set);
        stats.push(TableStats {
            table: "products",
            file: raw.source.display.clone(),
            rows: c.bad.len(),
            kept: keep.len(),
        });
    }
    let mut customers_table_rows = None;
    if let Some(raw) = table("customers") {
        let mut c = Check::new(raw);
        let ids = c.ids(&mut p, "customer_id");
        let (keep, _) = c.kept();
        for &r in &keep {
            if let Some(id) = &ids[r] {
                customers.code(id);
            }
        }
        customers_table_rows = Some(keep.len());
        stats.push(TableStats {
            table: "customers",
            file: raw.source.display.clone(),
            rows: c.bad.len(),
            kept: keep.len(),
        });
    }

    // partner_products
    let mut partner_products = Vec::new();
    if let Some(raw) = table("partner_products") {
        let mut c = Check::new(raw);
        let mut pp_partner = vec![u32::MAX; raw.n_rows()];
        resolve(
            &mut c,
            &mut p,
            "partner_id",
            "partners",
            &partner_index,
            &mut pp_partner,
        );
        if let Some(col) = c.text(&mut p, "product_id", "text or integer ids") {
            for (row, v) in texts(&col).enumerate() {
                match v {
                    None => c.row(&mut p, row, "product_id", Some(""), Rule::EmptyId),
                    Some(s) => {
                        if product_table_ids
                            .as_ref()
                            .is_some_and(|set| !set.contains_key(s))
                        {
                            c.row(
                                &mut p,
                                row,
                                "product_id",
                                Some(s),
                                Rule::DanglingReference {
                                    target_table: "products",
                                },
                            );
                        } else if !c.bad[row] {
                            partner_products.push((pp_partner[row], products.code(s)));
                        }
                    }
                }
            }
        }
        partner_products.sort_unstable();
        partner_products.dedup();
        stats.push(TableStats {
            table: "partner_products",
            file: raw.source.display.clone(),
            rows: c.bad.len(),
            kept: c.bad.iter().filter(|b| !**b).count(),
        });
    }

    let mut order = |e: &InputError| {
        let t = crate::schema::TABLES
            .iter()
            .position(|s| s.name == e.table)
            .unwrap_or(usize::MAX);
        (t, e.row.unwrap_or(0))
    };
    p.errors.sort_by_key(&mut order);
    p.rejected.sort_by_key(&mut order);
    if !p.errors.is_empty() {
        return Err(fail(p.errors));
    }
    let sources = raws
        .iter()
        .filter_map(|(_, r)| r.as_ref().map(|r| r.source.clone()))
        .collect();
    let mut warnings = Vec::new();
    for (_, raw) in &raws {
        let Some(raw) = raw else { continue };
        warnings.extend(raw.warnings.iter().cloned());
        if let Some(w) = skipped_rows_warning(raw) {
            warnings.push(w);
        }
        if raw.spec.name == "deals" && settings.links_from_deals.is_some() {
            warnings.extend(links_raw.warnings.iter().cloned());
        }
    }
    for (_, raw) in &raws {
        let Some(raw) = raw else { continue };
        warnings.extend(empty_column_warnings(raw));
    }
    if links.is_empty() {
        warnings.push(Warning {
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
    Ok(ValidatedTables {
        partners,
        deals,
        links,
        partner_products,
        customers,
        products,
        regions,
        customers_table_rows,
        products_table_rows,
        sources,
        stats,
        rejected: p.rejected,
        warnings,
    })
}

/// Columns of deals: amount, stage, created_at, closed_at, region.
type DealValues = (
    Vec<Option<f64>>,
    Vec<Stage>,
    Vec<Option<i64>>,
    Vec<Option<i64>>,
    Vec<u32>,
);

fn deal_values(
    c: &mut Check,
    p: &mut Problems,
    settings: &Settings,
    regions: &mut Dict,
) -> DealValues {
    let deals_raw = c.raw;
    let stage_vocab = &settings.stage;
    let date_format = settings.date_format.as_deref();
    let (amount_raw, (created_raw, closed_raw)) = rayon::join(
        || amount_cells(deals_raw, "amount", &settings.numbers),
        || {
            rayon::join(
                || date_cells(deals_raw, "created_at", date_format),
                || date_cells(deals_raw, "closed_at", date_format),
            )
        },
    );
    let amount = c.cells(p, "amount", amount_raw);
    let mut stage = vec![Stage::Won; deals_raw.n_rows()];
    if let Some(col) = c.text(p, "stage", "text") {
        for (row, v) in texts(&col).enumerate() {
            if let Some(s) = v {
                match stage_vocab.get(s) {
                    Some(st) => stage[row] = st,
                    None => c.row(
                        p,
                        row,
                        "stage",
                        Some(s),
                        Rule::UnknownStage {
                            allowed: stage_vocab.allowed.clone(),
                        },
                    ),
                }
            }
        }
    }
    let created = c.cells(p, "created_at", created_raw);
    let closed = c.cells(p, "closed_at", closed_raw);
    let region = c.keys(p, "region", regions, &settings.region);
    (amount, stage, created, closed, region)
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

/// Roles of deal_partners (null = the default role).
fn roles(c: &mut Check, p: &mut Problems, vocab: &crate::config::Vocab<Role>, out: &mut [Role]) {
    if let Some(col) = c.text(p, "role", "text") {
        for (row, v) in texts(&col).enumerate() {
            if let Some(s) = v {
                match vocab.get(s) {
                    Some(r) => out[row] = r,
                    None => c.row(
                        p,
                        row,
                        "role",
                        Some(s),
                        Rule::UnknownRole {
                            allowed: vocab.allowed.clone(),
                        },
                    ),
                }
            }
        }
    }
}

/// Maps the ids of kept rows to their row, and the ids left in rejected rows (those not
/// taken by the kept ones) to `u32::MAX`. A duplicate keeps its first row's mapping.
fn id_index<'a>(kept: &'a [String], rejected: &'a [Option<String>]) -> HashMap<&'a str, u32> {
    let mut index: HashMap<&str, u32> = HashMap::default();
    index.reserve(kept.len());
    for (k, id) in kept.iter().enumerate() {
        index.insert(id.as_str(), k as u32);
    }
    for id in rejected.iter().flatten() {
        index.entry(id.as_str()).or_insert(u32::MAX);
    }
    index
}

/// Resolves an id column against `index` (id -> kept row) into `out`.
fn resolve(
    c: &mut Check,
    p: &mut Problems,
    column: &str,
    target: &'static str,
    index: &HashMap<&str, u32>,
    out: &mut [u32],
) {
    let Some(col) = c.text(p, column, "text or integer ids") else {
        return;
    };
    for (row, v) in texts(&col).enumerate() {
        match v {
            None => c.row(p, row, column, Some(""), Rule::EmptyId),
            Some(s) => match index.get(s) {
                Some(&k) if k != u32::MAX => out[row] = k,
                // The referenced row is itself invalid: in skip mode this row goes with it;
                // in strict mode the root cause is already reported, so no second message.
                Some(_) if p.skip_invalid => c.row(
                    p,
                    row,
                    column,
                    Some(s),
                    Rule::RejectedReference {
                        target_table: target,
                    },
                ),
                Some(_) => c.bad[row] = true,
                None => c.row(
                    p,
                    row,
                    column,
                    Some(s),
                    Rule::DanglingReference {
                        target_table: target,
                    },
                ),
            },
        }
    }
}
