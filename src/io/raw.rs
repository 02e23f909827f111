//! Tables as read, whatever read them: contract column name -> Arrow array, with where
//! each row came from. [`crate::io::read`] fills them from files with polars; a caller
//! holding Arrow data (a Python extension handed a pyarrow table, say) builds them with
//! [`RawTable::from_arrow`]. Either way the same column mapping and near-miss checks run
//! here, and [`crate::validate::validate`] types and checks the rows.

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
        select_contract_columns(spec, source, header, columns, n_rows, None, settings)
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
    pub(crate) partners: RawTable,
    pub(crate) deals: RawTable,
    /// None when the config takes deal_partners from a deals column.
    pub(crate) deal_partners: Option<RawTable>,
    pub(crate) partner_products: Option<RawTable>,
    pub(crate) products: Option<RawTable>,
    pub(crate) customers: Option<RawTable>,
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
        let (Some(partners), Some(deals)) = (take("partners"), take("deals")) else {
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

/// A header as compared with the contract's names when looking for near misses: BOMs
/// and surrounding spaces dropped, lower case, inner spaces and hyphens as `_`.
pub(crate) fn header_key(h: &str) -> String {
    let h = h.replace('\u{feff}', "");
    let mut out = String::with_capacity(h.len());
    for (i, part) in h
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        if i > 0 {
            out.push('_');
        }
        out.extend(part.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Why a header row may not have been split into the expected columns.
fn header_hint(found: &[String]) -> Option<String> {
    let [only] = found else { return None };
    [';', '\t', '|']
        .into_iter()
        .find(|d| only.contains(*d))
        .map(|d| {
            let shown = if d == '\t' { "\\t".to_string() } else { d.to_string() };
            format!(
                "the header is a single column: the file looks '{shown}'-separated; set [csv] delimiter = \"{shown}\" in the config or pass --delimiter '{shown}'"
            )
        })
}

/// Every non-empty name given twice in `names`: the name and the 1-based positions of
/// its first and of each later occurrence.
pub(crate) fn duplicate_names(names: &[String]) -> Vec<(String, usize, usize)> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut out = Vec::new();
    // Empty names are Excel's trailing empty columns (`a,b,,`): never a contract column,
    // so nothing is lost by reading neither.
    for (i, n) in names.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
        match seen.get(n.as_str()) {
            Some(&first) => out.push((n.clone(), first + 1, i + 1)),
            None => {
                seen.insert(n, i);
            }
        }
    }
    out
}

/// The positions of the file's columns that [`select_contract_columns`] keeps: each
/// contract column under its configured name (or its own), and the config's links
/// column. A reader reads only these: a column the contract does not know is ignored
/// whatever its type (a struct or map column included).
#[cfg(feature = "read")]
pub(crate) fn wanted_columns(
    spec: &TableSpec,
    settings: &Settings,
    header: &[String],
) -> Vec<usize> {
    let config = &settings.config;
    let mut names: Vec<&str> = spec
        .columns
        .iter()
        .map(|c| config.mapped_column(spec.name, c.name).unwrap_or(c.name))
        .collect();
    if spec.name == "deals"
        && let Some(l) = &settings.links_from_deals
    {
        names.push(&l.column);
    }
    (0..header.len())
        .filter(|&i| names.contains(&header[i].as_str()))
        .collect()
}

/// The problems of a file's header alone, before any column is read: a name given
/// twice, and two columns that would both be read as one contract column (a column
/// named as the contract column while the config maps another one onto it).
pub(crate) fn header_errors(
    spec: &TableSpec,
    source: &SourceFile,
    header: &[String],
    settings: &Settings,
) -> Vec<InputError> {
    let config = &settings.config;
    let error = |column: &str, rule: Rule| InputError {
        column: Some(column.to_string()),
        ..table_error(spec, source.display.clone(), rule)
    };
    let mut errors: Vec<InputError> = duplicate_names(header)
        .into_iter()
        .map(|(name, first, second)| {
            error(
                &name.clone(),
                Rule::DuplicateColumn {
                    name,
                    first,
                    second,
                    mapping: None,
                },
            )
        })
        .collect();
    let sources: Vec<&str> = spec
        .columns
        .iter()
        .filter_map(|c| config.mapped_column(spec.name, c.name))
        .chain(
            settings
                .links_from_deals
                .as_ref()
                .filter(|_| spec.name == "deals")
                .map(|l| l.column.as_str()),
        )
        .collect();
    let position = |name: &str| header.iter().position(|h| h == name);
    for col in spec.columns {
        let Some(mapped) = config.mapped_column(spec.name, col.name) else {
            continue;
        };
        if mapped == col.name || sources.contains(&col.name) {
            continue;
        }
        if let (Some(by_name), Some(by_config)) = (position(col.name), position(mapped)) {
            errors.push(error(
                col.name,
                Rule::DuplicateColumn {
                    name: col.name.to_string(),
                    first: by_name.min(by_config) + 1,
                    second: by_name.max(by_config) + 1,
                    mapping: Some(format!(
                        "'{}' by its name and '{mapped}' by the config's [columns.{}] {}",
                        col.name, spec.name, col.name
                    )),
                },
            ));
        }
    }
    errors
}

/// A column's chunks with dictionary-encoded chunks (pandas / polars categoricals,
/// pyarrow `dictionary` columns) decoded to their values: an id column stored as a
/// dictionary of strings is text like any other.
fn decode_dictionaries(chunks: Chunks) -> Result<Chunks, String> {
    chunks
        .into_iter()
        .map(|a| match a.data_type() {
            arrow::datatypes::DataType::Dictionary(_, values) => {
                arrow::compute::cast(&a, values).map_err(|e| e.to_string())
            }
            _ => Ok(a),
        })
        .collect()
}

/// Keeps the contract's columns (under their configured names), renamed to contract
/// names. A configured name the file lacks, a header that misses a contract name only
/// by case, spaces or a BOM, and a header naming a column twice (or a column the config
/// maps onto a contract column the file also has by name) are errors; an absent
/// optional column that changes results is left to `validate::warnings`.
///
/// `header` is every column name of the file in order; `all` the columns read, all of
/// them or those of [`wanted_columns`].
pub(crate) fn select_contract_columns(
    spec: TableSpec,
    source: SourceFile,
    header: Vec<String>,
    all: Vec<(String, Chunks)>,
    n_rows: usize,
    lines: Option<Vec<u32>>,
    settings: &Settings,
) -> Result<RawTable, Vec<InputError>> {
    let duplicates = header_errors(&spec, &source, &header, settings);
    if !duplicates.is_empty() {
        return Err(duplicates);
    }
    let config = &settings.config;
    let found: Vec<String> = header;
    let by_name = |name: &str| all.iter().find(|(n, _)| n == name).map(|(_, a)| a.clone());
    let mapped_elsewhere: Vec<&str> = config
        .columns
        .get(spec.name)
        .map(|m| m.values().map(String::as_str).collect())
        .unwrap_or_default();
    let mut columns = Vec::new();
    let mut user_names = Vec::new();
    let mut errors = Vec::new();
    let error = |column: &str, rule: Rule| InputError {
        column: Some(column.to_string()),
        ..table_error(&spec, source.display.clone(), rule)
    };
    for col in spec.columns {
        let mapped = config.mapped_column(spec.name, col.name);
        let user = mapped.unwrap_or(col.name);
        if let Some(a) = by_name(user) {
            let a = decode_dictionaries(a)
                .map_err(|detail| vec![error(user, Rule::Unreadable { detail })])?;
            columns.push((col.name, a));
            user_names.push((col.name, user.to_string()));
            continue;
        }
        let near = found
            .iter()
            .find(|h| header_key(h) == col.name && !mapped_elsewhere.contains(&h.as_str()));
        if mapped.is_some() {
            errors.push(error(
                user,
                Rule::ConfigColumnMissing {
                    key: format!("[columns.{}] {}", spec.name, col.name),
                    found: found.clone(),
                },
            ));
        } else if let Some(h) = near {
            errors.push(error(
                h,
                Rule::ResemblesColumn {
                    table: spec.name,
                    contract: col.name,
                    header: h.clone(),
                },
            ));
        } else if col.required {
            errors.push(error(
                user,
                Rule::MissingColumn {
                    found: found.clone(),
                    hint: header_hint(&found),
                },
            ));
        }
        // An absent optional column is no error; validate::warnings says what it implies.
    }
    let mut links = None;
    if spec.name == "deals"
        && let Some(l) = &settings.links_from_deals
    {
        match by_name(&l.column) {
            Some(a) => {
                links = Some(
                    decode_dictionaries(a)
                        .map_err(|detail| vec![error(&l.column, Rule::Unreadable { detail })])?,
                )
            }
            None => errors.push(error(
                &l.column,
                Rule::ConfigColumnMissing {
                    key: "[deal_partners] from_deals_column".into(),
                    found: found.clone(),
                },
            )),
        }
    }
    // Every column must hold one value per row: a damaged file can decode a column
    // shorter (or longer) than the table, and validation indexes every column by row.
    let links_column = settings
        .links_from_deals
        .as_ref()
        .map(|l| l.column.as_str());
    let held = columns
        .iter()
        .map(|(name, chunks)| (*name, chunks))
        .chain(links.iter().map(|l| (links_column.unwrap_or("links"), l)));
    for (name, chunks) in held {
        let len: usize = chunks.iter().map(|a| a.len()).sum();
        if len != n_rows {
            let user = user_names
                .iter()
                .find(|(c, _)| *c == name)
                .map_or(name, |(_, u)| u.as_str());
            errors.push(error(
                user,
                Rule::Unreadable {
                    detail: format!(
                        "column '{user}' holds {len} values for the table's {n_rows} rows; the file is damaged"
                    ),
                },
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(RawTable {
        spec,
        source,
        columns,
        n_rows,
        lines,
        rows: None,
        user_names,
        links,
        skipped_empty: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The long fuzz run found a damaged Parquet file whose `partner_id` decoded to no
    /// values for a table of two rows; validation then indexed row 0 of an empty array.
    #[test]
    fn a_column_shorter_than_its_table_is_an_unreadable_file_not_a_panic() {
        let spec = *TABLES.iter().find(|s| s.name == "partners").unwrap();
        let source = SourceFile::in_memory("partners.parquet", InputFormat::Parquet);
        let column = |values: &[&str]| -> Chunks {
            vec![std::sync::Arc::new(arrow::array::StringArray::from(
                values.to_vec(),
            ))]
        };
        let settings = crate::config::Settings::contract();
        let take = |ids: &[&str], names: &[&str]| {
            select_contract_columns(
                spec,
                source.clone(),
                vec!["partner_id".into(), "name".into()],
                vec![
                    ("partner_id".into(), column(ids)),
                    ("name".into(), column(names)),
                ],
                2,
                None,
                &settings,
            )
        };
        let Err(e) = take(&[], &["a", "b"]) else {
            panic!("a short column was accepted");
        };
        assert_eq!(e.len(), 1);
        let text = e[0].to_string();
        assert!(
            text.contains("'partner_id' holds 0 values for the table's 2 rows"),
            "{text}"
        );
        assert!(take(&["P1", "P2"], &["a", "b"]).is_ok());
    }

    #[test]
    fn header_keys_ignore_case_spaces_and_boms() {
        assert_eq!(header_key("Stage"), "stage");
        assert_eq!(header_key(" \u{feff}Deal ID "), "deal_id");
        assert_eq!(header_key("Created-At"), "created_at");
        assert_eq!(header_key("DealStage"), "dealstage");
    }

    #[test]
    fn duplicate_names_give_both_positions_and_skip_empty_names() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            duplicate_names(&names(&["a", "amount", "b", "amount", "amount"])),
            [("amount".to_string(), 2, 4), ("amount".to_string(), 2, 5)]
        );
        assert!(duplicate_names(&names(&["a", "b", "", ""])).is_empty());
        assert!(duplicate_names(&names(&["a", "A", "a "])).is_empty());
    }

    #[test]
    fn a_column_mapped_onto_a_contract_column_the_file_has_is_a_duplicate() {
        let spec = *TABLES.iter().find(|s| s.name == "deals").unwrap();
        let source = SourceFile::in_memory("deals.csv", InputFormat::Csv);
        let header = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mapped = |toml: &str| {
            crate::config::Config::from_toml(toml, std::path::Path::new("c.toml"))
                .unwrap()
                .resolve(&Default::default())
                .unwrap()
        };
        let settings = mapped("[columns.deals]\namount = \"Amount_c\"\n");
        let e = header_errors(
            &spec,
            &source,
            &header(&["deal_id", "amount", "Amount_c"]),
            &settings,
        );
        assert_eq!(e.len(), 1);
        assert!(matches!(
            &e[0].rule,
            Rule::DuplicateColumn { name, first: 2, second: 3, mapping: Some(_) } if name == "amount"
        ));
        // Not when the file's 'amount' is itself mapped onto another contract column.
        let settings = mapped("[columns.deals]\namount = \"Amount_c\"\nregion = \"amount\"\n");
        assert!(header_errors(
            &spec,
            &source,
            &header(&["deal_id", "amount", "Amount_c"]),
            &settings
        )
        .is_empty());
        // wanted_columns: the mapped name, not the unused one.
        #[cfg(feature = "read")]
        let settings = mapped("[columns.deals]\namount = \"Amount_c\"\n");
        assert_eq!(
            wanted_columns(
                &spec,
                &settings,
                &header(&["x", "deal_id", "Amount_c", "y"])
            ),
            [1, 2]
        );
    }

    #[test]
    fn a_single_column_header_with_semicolons_gets_a_hint() {
        let h = header_hint(&["partner_id;name".to_string()]).unwrap();
        assert!(h.contains("delimiter = \";\""), "{h}");
        assert!(header_hint(&["a".into(), "b;c".into()]).is_none());
    }
}
