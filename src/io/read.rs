//! Readers: find each contract table in the input folder and load it into a polars
//! `DataFrame` whose columns carry the contract's names. Typing and rule checks happen
//! in `validate`; this module reports what stops a file from being read at all, and
//! which columns are missing, misspelt or named by the config but absent.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::csv_scan;
use super::InputFormat;
use crate::config::Settings;
use crate::error::{InputError, InputErrors, Rule};
use crate::schema::{TableSpec, TABLES};

/// One input file found for a table.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// File name shown in messages.
    pub display: String,
    pub format: InputFormat,
}

/// A table as read: contract column name -> polars column, plus CSV line numbers.
pub struct RawTable {
    pub spec: TableSpec,
    pub source: SourceFile,
    /// Only the contract's columns that the file has, renamed to contract names.
    pub df: DataFrame,
    /// For CSV: the physical line of each data row (1-based).
    pub lines: Option<Vec<u32>>,
    /// For a table made from another one's rows (deal_partners from a deals column):
    /// the 1-based row of the source file each row comes from.
    pub rows: Option<Vec<u32>>,
    /// Contract column -> the column's name in the user's file (for messages).
    pub user_names: Vec<(&'static str, String)>,
    /// The column the config's `[deal_partners] from_deals_column` names (deals only).
    pub links: Option<Column>,
    /// Lines of the rows skipped because every field was empty.
    pub skipped_empty: Vec<u32>,
}

impl RawTable {
    pub fn n_rows(&self) -> usize {
        self.df.height()
    }

    /// The user's name of a contract column.
    pub fn user_name(&self, column: &str) -> String {
        self.user_names
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, u)| u.clone())
            .unwrap_or_else(|| column.to_string())
    }

    /// 1-based physical line of a 0-based row index, for CSV.
    pub fn line_of(&self, row: usize) -> Option<u64> {
        self.lines
            .as_ref()
            .and_then(|l| l.get(row))
            .map(|&l| u64::from(l))
    }

    /// 1-based row number shown for a 0-based row index.
    pub fn row_number(&self, row: usize) -> u64 {
        self.rows
            .as_ref()
            .and_then(|r| r.get(row))
            .map_or(row as u64 + 1, |&r| u64::from(r))
    }
}

fn table_error(spec: &TableSpec, file: String, rule: Rule) -> InputError {
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

/// What is at a path where a table file may be.
enum Probe {
    Missing,
    File,
    Problem(Rule),
}

fn probe(path: &Path) -> Probe {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Probe::File,
        Ok(_) => Probe::Problem(Rule::NotAFile),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                Probe::Problem(Rule::Unreadable {
                    detail: "it is a symbolic link to a file that does not exist".into(),
                })
            } else {
                Probe::Missing
            }
        }
        Err(e) => Probe::Problem(Rule::Unreadable {
            detail: e.to_string(),
        }),
    }
}

/// The files of an input folder, one entry per contract table (None = optional and
/// absent, or deal_partners taken from a deals column).
pub fn discover(
    dir: &Path,
    settings: &Settings,
) -> Result<Vec<(TableSpec, Option<SourceFile>)>, Vec<InputError>> {
    let config = &settings.config;
    let mut errors = Vec::new();
    let mut found = Vec::new();
    for spec in TABLES {
        let mut candidates: Vec<SourceFile> = Vec::new();
        let names: Vec<(String, InputFormat)> = match config.file_name(spec.name) {
            Some(name) => vec![(
                name.to_string(),
                InputFormat::from_path(Path::new(name)).unwrap_or(InputFormat::Csv),
            )],
            None => InputFormat::EXTENSIONS
                .iter()
                .map(|(ext, f)| (format!("{}.{ext}", spec.name), *f))
                .collect(),
        };
        for (name, format) in names {
            let path = dir.join(&name);
            match probe(&path) {
                Probe::Missing => {}
                Probe::File => candidates.push(SourceFile {
                    path,
                    display: name,
                    format,
                }),
                Probe::Problem(rule) => errors.push(table_error(&spec, name, rule)),
            }
        }
        let derived = spec.name == "deal_partners" && settings.links_from_deals.is_some();
        match candidates.len() {
            _ if derived => match (candidates.first(), &settings.links_from_deals) {
                (Some(c), Some(l)) => errors.push(table_error(
                    &spec,
                    c.display.clone(),
                    Rule::LinksTwice {
                        column: l.column.clone(),
                    },
                )),
                _ => found.push((spec, None)),
            },
            0 if spec.required => {
                if !errors.iter().any(|e| e.table == spec.name) {
                    errors.push(table_error(
                        &spec,
                        config
                            .file_name(spec.name)
                            .map(str::to_string)
                            .unwrap_or_else(|| format!("{}.csv|.parquet|.arrow", spec.name)),
                        Rule::MissingTable,
                    ))
                }
            }
            0 => found.push((spec, None)),
            1 => found.push((spec, candidates.pop())),
            _ => errors.push(table_error(
                &spec,
                candidates[0].display.clone(),
                Rule::AmbiguousTable {
                    files: candidates.iter().map(|c| c.display.clone()).collect(),
                },
            )),
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(errors)
    }
}

/// The contract's tables as read from one input folder (names and columns mapped, not
/// yet checked row by row): the input of [`crate::validate::validate`].
pub struct RawTables {
    pub partners: RawTable,
    pub deals: RawTable,
    /// None when the config takes deal_partners from a deals column.
    pub deal_partners: Option<RawTable>,
    pub partner_products: Option<RawTable>,
    pub products: Option<RawTable>,
    pub customers: Option<RawTable>,
}

impl RawTables {
    /// The tables present, in contract order.
    pub fn tables(&self) -> Vec<&RawTable> {
        [
            Some(&self.partners),
            Some(&self.deals),
            self.deal_partners.as_ref(),
            self.partner_products.as_ref(),
            self.products.as_ref(),
            self.customers.as_ref(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// Finds and reads every table of `dir`. Tables are read in parallel (the structural
/// CSV scan is single-threaded per file) and every file-level problem of every table is
/// reported together, in table order.
pub fn read_folder(dir: &Path, settings: &Settings) -> Result<RawTables, InputErrors> {
    use rayon::prelude::*;
    let fail = |errors: Vec<InputError>| InputErrors { errors };
    let files = discover(dir, settings).map_err(fail)?;
    type Read = Result<Option<RawTable>, Vec<InputError>>;
    let read: Vec<(TableSpec, Read)> = files
        .into_par_iter()
        .map(|(spec, source)| {
            let r = source
                .map(|src| read_table(spec, src, settings))
                .transpose();
            (spec, r)
        })
        .collect();
    let mut errors = Vec::new();
    let mut by_name: Vec<(&'static str, RawTable)> = Vec::new();
    for (spec, r) in read {
        match r {
            Ok(Some(raw)) => by_name.push((spec.name, raw)),
            Ok(None) => {}
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(fail(errors));
    }
    let mut take = |name: &str| {
        by_name
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| by_name.remove(i).1)
    };
    let (Some(partners), Some(deals)) = (take("partners"), take("deals")) else {
        return Err(fail(Vec::new())); // discover reports a missing required table
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

fn file_error(spec: &TableSpec, source: &SourceFile, rule: Rule) -> Vec<InputError> {
    vec![table_error(spec, source.display.clone(), rule)]
}

/// Reads one table; errors name the file and, where known, the row and line.
pub fn read_table(
    spec: TableSpec,
    source: SourceFile,
    settings: &Settings,
) -> Result<RawTable, Vec<InputError>> {
    let unreadable = |e: &dyn std::fmt::Display| {
        file_error(
            &spec,
            &source,
            Rule::Unreadable {
                detail: e.to_string(),
            },
        )
    };
    // A decoder panic on a corrupt file is reported like any unreadable file.
    let corrupt = |what: &str, e: String| {
        file_error(
            &spec,
            &source,
            Rule::Unreadable {
                detail: format!("the file is not valid {what}, it looks corrupt ({e})"),
            },
        )
    };
    let size = std::fs::metadata(&source.path)
        .map_err(|e| unreadable(&e))?
        .len();
    if size == 0 {
        let expected = spec
            .columns
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect();
        return Err(file_error(&spec, &source, Rule::EmptyFile { expected }));
    }
    let mut skipped_empty = Vec::new();
    let (df, lines) = match source.format {
        InputFormat::Csv => {
            let scan =
                csv_scan::scan(&source.path, &source.display, spec.name, settings.delimiter)?;
            if scan.header.is_empty() {
                (DataFrame::empty(), Some(Vec::new()))
            } else {
                let df = super::guard::catch(|| {
                    CsvReadOptions::default()
                        .with_has_header(true)
                        .with_infer_schema_length(Some(0))
                        .with_parse_options(
                            CsvParseOptions::default()
                                .with_missing_is_null(true)
                                .with_separator(settings.delimiter),
                        )
                        .try_into_reader_with_file_path(Some(source.path.clone()))
                        .and_then(|r| r.finish())
                })
                .map_err(|e| corrupt("CSV", e))?
                .map_err(|e| unreadable(&e))?;
                let df = if df.height() == scan.lines.len() {
                    df
                } else {
                    let malformed = || {
                        file_error(
                            &spec,
                            &source,
                            Rule::MalformedCsv {
                                detail: format!(
                                    "the file parses to {} rows but has {} records; check quoting",
                                    df.height(),
                                    scan.lines.len()
                                ),
                            },
                        )
                    };
                    let keep =
                        csv_scan::align_rows(&null_rows(&df), &scan).ok_or_else(malformed)?;
                    take_rows(&df, &keep).map_err(|e| unreadable(&e))?
                };
                let mut lines = scan.lines;
                let df = if settings.skip_empty_rows && scan.all_empty.iter().any(|&e| e) {
                    let keep: Vec<usize> =
                        (0..lines.len()).filter(|&r| !scan.all_empty[r]).collect();
                    skipped_empty = (0..lines.len())
                        .filter(|&r| scan.all_empty[r])
                        .map(|r| lines[r])
                        .collect();
                    lines = keep.iter().map(|&r| lines[r]).collect();
                    take_rows(&df, &keep).map_err(|e| unreadable(&e))?
                } else {
                    df
                };
                (df, Some(lines))
            }
        }
        InputFormat::Parquet => {
            super::binary_check::parquet(&source.path).map_err(|e| corrupt("Parquet", e))?;
            let f = std::fs::File::open(&source.path).map_err(|e| unreadable(&e))?;
            (
                super::guard::catch(|| ParquetReader::new(f).finish())
                    .map_err(|e| corrupt("Parquet", e))?
                    .map_err(|e| unreadable(&e))?,
                None,
            )
        }
        InputFormat::Arrow => {
            super::binary_check::arrow_ipc(&source.path).map_err(|e| corrupt("Arrow IPC", e))?;
            let bytes_magic = read_magic(&source.path).map_err(|e| unreadable(&e))?;
            let f = std::fs::File::open(&source.path).map_err(|e| unreadable(&e))?;
            let df = super::guard::catch(|| {
                if bytes_magic == *b"ARROW1" {
                    IpcReader::new(f).finish()
                } else {
                    IpcStreamReader::new(f).finish()
                }
            })
            .map_err(|e| corrupt("Arrow IPC", e))?;
            (df.map_err(|e| unreadable(&e))?, None)
        }
    };
    let mut raw = select_contract_columns(spec, source, df, lines, settings)?;
    raw.skipped_empty = skipped_empty;
    Ok(raw)
}

fn take_rows(df: &DataFrame, keep: &[usize]) -> PolarsResult<DataFrame> {
    let idx = IdxCa::from_vec("idx".into(), keep.iter().map(|&i| i as IdxSize).collect());
    df.take(&idx)
}

/// Rows whose every cell is null or empty (how polars reads a blank line).
fn null_rows(df: &DataFrame) -> Vec<bool> {
    let mut null = vec![true; df.height()];
    for c in df.columns() {
        if let Ok(s) = c.str() {
            for (slot, v) in null.iter_mut().zip(s.iter()) {
                *slot &= v.is_none_or(str::is_empty);
            }
        }
    }
    null
}

fn read_magic(path: &Path) -> std::io::Result<[u8; 6]> {
    use std::io::Read;
    let mut buf = [0u8; 6];
    let mut f = std::fs::File::open(path)?;
    let n = f.read(&mut buf)?;
    if n < 6 {
        buf = [0; 6];
    }
    Ok(buf)
}

/// A header as compared with the contract's names when looking for near misses: BOMs
/// and surrounding spaces dropped, lower case, inner spaces and hyphens as `_`.
pub fn header_key(h: &str) -> String {
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

/// Keeps the contract's columns (under their configured names), renamed to contract
/// names. A configured name the file lacks and a header that misses a contract name only
/// by case, spaces or a BOM are errors; an absent optional column that changes results
/// is left to `validate::warnings`.
fn select_contract_columns(
    spec: TableSpec,
    source: SourceFile,
    df: DataFrame,
    lines: Option<Vec<u32>>,
    settings: &Settings,
) -> Result<RawTable, Vec<InputError>> {
    let config = &settings.config;
    let found: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
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
        if let Ok(c) = df.column(user) {
            let mut c = c.clone();
            c.rename(col.name.into());
            columns.push(c);
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
    if spec.name == "deals" {
        if let Some(l) = &settings.links_from_deals {
            match df.column(&l.column) {
                Ok(c) => links = Some(c.clone()),
                Err(_) => errors.push(error(
                    &l.column,
                    Rule::ConfigColumnMissing {
                        key: "[deal_partners] from_deals_column".into(),
                        found: found.clone(),
                    },
                )),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let df = DataFrame::new(df.height(), columns).map_err(|e| {
        file_error(
            &spec,
            &source,
            Rule::Unreadable {
                detail: e.to_string(),
            },
        )
    })?;
    Ok(RawTable {
        spec,
        source,
        df,
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

    #[test]
    fn header_keys_ignore_case_spaces_and_boms() {
        assert_eq!(header_key("Stage"), "stage");
        assert_eq!(header_key(" \u{feff}Deal ID "), "deal_id");
        assert_eq!(header_key("Created-At"), "created_at");
        assert_eq!(header_key("DealStage"), "dealstage");
    }

    #[test]
    fn a_single_column_header_with_semicolons_gets_a_hint() {
        let h = header_hint(&["partner_id;name".to_string()]).unwrap();
        assert!(h.contains("delimiter = \";\""), "{h}");
        assert!(header_hint(&["a".into(), "b;c".into()]).is_none());
    }
}
