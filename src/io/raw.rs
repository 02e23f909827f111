//! Tables as read, whatever read them: contract column name -> Arrow array, with where
//! each row came from. [`crate::io::read`] fills them from files with polars; a caller
//! holding Arrow data (a Python extension handed a pyarrow table, say) builds them with
//! [`RawTable::from_arrow`]. Either way the same column mapping and near-miss checks run
//! (`select`), and [`crate::validate::validate`] types and checks the rows.

pub(crate) mod select;

use arrow::array::ArrayRef;
use arrow::record_batch::RecordBatch;

use super::InputFormat;
use crate::config::Settings;
use crate::error::{InputError, InputErrors, Rule};
use crate::schema::{TableSpec, TABLES};

/// One column as the chunks it was read in, in row order (readers produce columns in
/// pieces; joining them would copy every column once more).
pub type Chunks = Vec<ArrayRef>;

/// Where a table came from, for messages.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file read (empty for in-memory data).
    pub path: std::path::PathBuf,
    /// File name shown in messages.
    pub display: String,
    /// How it was encoded; CSV text amounts are parsed with the configured number
    /// format, while a typed format must carry numbers as numbers.
    pub format: InputFormat,
}

impl SourceFile {
    /// A table handed over in memory: messages name it `display`; `format` says whether
    /// its text amounts and dates are to be parsed as CSV text ([`InputFormat::Csv`]) or
    /// its columns must already be typed ([`InputFormat::Arrow`]).
    pub fn in_memory(display: impl Into<String>, format: InputFormat) -> SourceFile {
        SourceFile {
            path: std::path::PathBuf::new(),
            display: display.into(),
            format,
        }
    }
}

/// A table as read: its contract columns as Arrow arrays, plus row locations.
pub struct RawTable {
    pub(crate) spec: TableSpec,
    pub(crate) source: SourceFile,
    /// Only the contract's columns that the file has, under contract names, each as
    /// the chunks it was read in (together `n_rows` long).
    pub(crate) columns: Vec<(&'static str, Chunks)>,
    pub(crate) n_rows: usize,
    /// For CSV: the physical line of each data row (1-based).
    pub(crate) lines: Option<Vec<u32>>,
    /// For a table made from another one's rows (deal_partners from a deals column):
    /// the 1-based row of the source file each row comes from.
    pub(crate) rows: Option<Vec<u32>>,
    /// Contract column -> the column's name in the user's file (for messages).
    pub(crate) user_names: Vec<(&'static str, String)>,
    /// The column the config's `[deal_partners] from_deals_column` names (deals only).
    pub(crate) links: Option<Chunks>,
    /// Lines of the rows skipped because every field was empty.
    pub(crate) skipped_empty: Vec<u32>,
}

impl RawTable {
    /// The contract table named `table` (`"partners"`, `"deals"`, ...) from Arrow
    /// record batches (a pyarrow `Table.to_batches()`, say; one or more, all with the
    /// schema of the first) whose columns are named as in the user's data.
    ///
    /// The config's column names map onto the contract's (`[columns.deals] stage =
    /// "Dealstage"`); a column the config names but the batch lacks, a header that misses
    /// a contract name only by case, spaces or a BOM, and an absent required column are
    /// errors naming `source`. Columns the contract does not know are dropped.
    ///
    /// # Example
    /// Three tables held in memory, validated and turned into graphs, no file read:
    /// ```
    /// use std::sync::Arc;
    /// use arrow::array::{ArrayRef, Float64Array, StringArray};
    /// use arrow::record_batch::RecordBatch;
    /// use ecograph::config::Settings;
    /// use ecograph::io::raw::{RawTable, RawTables, SourceFile};
    /// use ecograph::io::InputFormat;
    /// use ecograph::Error;
    ///
    /// let text = |v: &[&str]| -> ArrayRef { Arc::new(StringArray::from(v.to_vec())) };
    /// let partners = RecordBatch::try_from_iter([("partner_id", text(&["P1", "P2"]))])?;
    /// let deals = RecordBatch::try_from_iter([
    ///     ("deal_id", text(&["D1", "D2"])),
    ///     ("amount", Arc::new(Float64Array::from(vec![100.0, 40.0])) as ArrayRef),
    /// ])?;
    /// let links = RecordBatch::try_from_iter([
    ///     ("deal_id", text(&["D1", "D1", "D2"])),
    ///     ("partner_id", text(&["P1", "P2", "P2"])),
    /// ])?;
    /// let settings = Settings::contract();
    /// let table = |name: &str, batch: RecordBatch| {
    ///     let source = SourceFile::in_memory(name, InputFormat::Arrow);
    ///     RawTable::from_arrow(name, source, &[batch], &settings).map_err(Error::Input)
    /// };
    /// let raw = RawTables::new(
    ///     vec![table("partners", partners)?, table("deals", deals)?, table("deal_partners", links)?],
    ///     &settings,
    /// )
    /// .map_err(Error::Input)?;
    /// let validated = ecograph::validate::validate(raw, &settings, false).map_err(Error::Input)?;
    /// let graphs = ecograph::graph::build(validated);
    /// assert_eq!(graphs.partners.id, ["P1", "P2"]);
    /// assert_eq!(graphs.cosell_edges(), 1); // P1 and P2 share D1
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_arrow(
        table: &str,
        source: SourceFile,
        batches: &[RecordBatch],
        settings: &Settings,
    ) -> Result<RawTable, InputErrors> {
        let Some(spec) = TABLES.iter().find(|s| s.name == table).copied() else {
            let names: Vec<&str> = TABLES.iter().map(|s| s.name).collect();
            return Err(InputErrors {
                errors: vec![InputError {
                    file: source.display,
                    table: "input",
                    row: None,
                    line: None,
                    column: None,
                    value: None,
                    rule: Rule::Unreadable {
                        detail: format!(
                            "'{table}' is not a table of the contract ({})",
                            names.join(", ")
                        ),
                    },
                }],
            });
        };
        let fail = |rule: Rule| InputErrors {
            errors: vec![table_error(&spec, source.display.clone(), rule)],
        };
        let Some(first) = batches.first() else {
            return Err(fail(Rule::Unreadable {
                detail: "no record batch given (not even an empty one with the schema)".into(),
            }));
        };
        let schema = first.schema();
        // Names and types must agree; nullability may differ from batch to batch.
        let shape = |b: &RecordBatch| -> Vec<(String, String)> {
            b.schema()
                .fields()
                .iter()
                .map(|f| (f.name().clone(), f.data_type().to_string()))
                .collect()
        };
        let want = shape(first);
        if let Some(got) = batches.iter().map(shape).find(|got| *got != want) {
            return Err(fail(Rule::Unreadable {
                detail: format!(
                    "the record batches disagree on the columns: {got:?} against {want:?}"
                ),
            }));
        }
        let columns = schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let chunks = batches.iter().map(|b| b.column(i).clone()).collect();
                (f.name().clone(), chunks)
            })
            .collect();
        let n_rows = batches.iter().map(RecordBatch::num_rows).sum();
        let header = schema.fields().iter().map(|f| f.name().clone()).collect();
        select::select_contract_columns(spec, source, header, columns, n_rows, None, settings)
            .map_err(|errors| InputErrors { errors })
    }

    /// Number of data rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// The contract column `name`, if the table has it.
    pub(crate) fn column(&self, name: &str) -> Option<&[ArrayRef]> {
        self.columns
            .iter()
            .find(|(c, _)| *c == name)
            .map(|(_, a)| a.as_slice())
    }

    /// The user's name of a contract column.
    pub(crate) fn user_name(&self, column: &str) -> String {
        self.user_names
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, u)| u.clone())
            .unwrap_or_else(|| column.to_string())
    }

    /// 1-based physical line of a 0-based row index, for CSV.
    pub(crate) fn line_of(&self, row: usize) -> Option<u64> {
        self.lines
            .as_ref()
            .and_then(|l| l.get(row))
            .map(|&l| u64::from(l))
    }

    /// 1-based row number shown for a 0-based row index.
    pub(crate) fn row_number(&self, row: usize) -> u64 {
        self.rows
            .as_ref()
            .and_then(|r| r.get(row))
            .map_or(row as u64 + 1, |&r| u64::from(r))
    }
}

/// The contract's tables as read (names and columns mapped, not yet checked row by
/// row): the input of [`crate::validate::validate`].
pub struct RawTables {
    /// Always there until validation takes it (required; [`RawTables::new`] checks).
    partners: Option<RawTable>,
    /// Always there until validation takes it (required; [`RawTables::new`] checks).
    deals: Option<RawTable>,
    /// None when the config takes deal_partners from a deals column.
    deal_partners: Option<RawTable>,
    partner_products: Option<RawTable>,
    products: Option<RawTable>,
    customers: Option<RawTable>,
}

impl RawTables {
    /// Puts tables together by their contract names (`partners`, `deals`,
    /// `deal_partners`, `partner_products`, `products`, `customers`).
    ///
    /// partners and deals are required, and deal_partners unless the config takes the
    /// links from a deals column; a missing required table is an error, as is a table
    /// given twice.
    pub fn new(tables: Vec<RawTable>, settings: &Settings) -> Result<RawTables, InputErrors> {
        let mut errors = Vec::new();
        let mut slots: Vec<Option<RawTable>> = TABLES.iter().map(|_| None).collect();
        for t in tables {
            // A RawTable's spec is always one of TABLES (from_arrow and the readers
            // look it up there).
            let Some(i) = TABLES.iter().position(|s| s.name == t.spec.name) else {
                continue;
            };
            if let Some(first) = &slots[i] {
                errors.push(table_error(
                    &t.spec,
                    t.source.display.clone(),
                    Rule::AmbiguousTable {
                        files: vec![first.source.display.clone(), t.source.display.clone()],
                    },
                ));
            } else {
                slots[i] = Some(t);
            }
        }
        for (spec, slot) in TABLES.iter().zip(&slots) {
            let derived = spec.name == "deal_partners" && settings.links_from_deals.is_some();
            if spec.required && slot.is_none() && !derived {
                errors.push(table_error(
                    spec,
                    spec.name.to_string(),
                    Rule::MissingGiven { table: spec.name },
                ));
            }
        }
        if !errors.is_empty() {
            return Err(InputErrors { errors });
        }
        let mut take = |name: &str| {
            let i = TABLES.iter().position(|s| s.name == name).unwrap_or(0);
            slots[i].take()
        };
        let (partners @ Some(_), deals @ Some(_)) = (take("partners"), take("deals")) else {
            return Err(InputErrors::default()); // reported above
        };
        Ok(RawTables {
            partners,
            deals,
            deal_partners: take("deal_partners"),
            partner_products: take("partner_products"),
            products: take("products"),
            customers: take("customers"),
        })
    }
}

/// Where [`crate::validate::validate`] takes the tables from, one at a time, so that
/// each can be typed and its raw form freed before the next is read: a folder read file
/// by file (`io::read::FolderTables`), or [`RawTables`] already in memory.
pub trait TableSource {
    /// The table `spec` as read: `None` when it is absent (optional, or deal_partners
    /// taken from a deals column) or when it could not be read (the source keeps why).
    fn take(&mut self, spec: &TableSpec) -> Option<RawTable>;

    /// Whether a table could not be read: validation then types nothing more, since
    /// only the file-level problems are reported.
    fn failed(&self) -> bool;

    /// The file-level problems of every table taken, in table order (contract order).
    fn errors(&mut self) -> Vec<InputError>;
}

impl TableSource for RawTables {
    fn take(&mut self, spec: &TableSpec) -> Option<RawTable> {
        match spec.name {
            "partners" => self.partners.take(),
            "deals" => self.deals.take(),
            "deal_partners" => self.deal_partners.take(),
            "partner_products" => self.partner_products.take(),
            "products" => self.products.take(),
            "customers" => self.customers.take(),
            _ => None,
        }
    }

    fn failed(&self) -> bool {
        false
    }

    fn errors(&mut self) -> Vec<InputError> {
        Vec::new()
    }
}

/// A file-level problem of one table.
pub(crate) fn table_error(spec: &TableSpec, file: String, rule: Rule) -> InputError {
    InputError {
        file,
        table: spec.name,
        row: None,
        line: None,
        column: None,
        value: None,
        rule,
    }
}
