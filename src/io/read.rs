//! Readers: find each contract table in the input folder and load it into a polars
//! `DataFrame` whose columns carry the contract's names. Typing and rule checks happen
//! in `validate`; this module only reports what stops a file from being read at all.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::csv_scan;
use super::InputFormat;
use crate::config::Config;
use crate::error::{InputError, Rule};
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
    /// Contract column -> the column's name in the user's file (for messages).
    pub user_names: Vec<(&'static str, String)>,
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
}

/// The files of an input folder, one entry per contract table (None = optional and absent).
pub fn discover(
    dir: &Path,
    config: &Config,
) -> Result<Vec<(TableSpec, Option<SourceFile>)>, Vec<InputError>> {
    let mut errors = Vec::new();
    let mut found = Vec::new();
    for spec in TABLES {
        let mut candidates: Vec<SourceFile> = Vec::new();
        if let Some(name) = config.file_name(spec.name) {
            let path = dir.join(name);
            if path.is_file() {
                let format = InputFormat::from_path(&path).unwrap_or(InputFormat::Csv);
                candidates.push(SourceFile {
                    path,
                    display: name.to_string(),
                    format,
                });
            }
        } else {
            for (ext, format) in InputFormat::EXTENSIONS {
                let name = format!("{}.{ext}", spec.name);
                let path = dir.join(&name);
                if path.is_file() {
                    candidates.push(SourceFile {
                        path,
                        display: name,
                        format,
                    });
                }
            }
        }
        match candidates.len() {
            0 if spec.required => errors.push(InputError {
                file: config
                    .file_name(spec.name)
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{}.csv|.parquet|.arrow", spec.name)),
                table: spec.name,
                row: None,
                line: None,
                column: None,
                value: None,
                rule: Rule::MissingTable,
            }),
            0 => found.push((spec, None)),
            1 => found.push((spec, candidates.pop())),
            _ => errors.push(InputError {
                file: candidates[0].display.clone(),
                table: spec.name,
                row: None,
                line: None,
                column: None,
                value: None,
                rule: Rule::AmbiguousTable {
                    files: candidates.iter().map(|c| c.display.clone()).collect(),
                },
            }),
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(errors)
    }
}

fn file_error(spec: &TableSpec, source: &SourceFile, rule: Rule) -> Vec<InputError> {
    vec![InputError {
        file: source.display.clone(),
        table: spec.name,
        row: None,
        line: None,
        column: None,
        value: None,
        rule,
    }]
}

/// Reads one table; errors name the file and, where known, the row and line.
pub fn read_table(
    spec: TableSpec,
    source: SourceFile,
    config: &Config,
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
    let (df, lines) = match source.format {
        InputFormat::Csv => {
            let scan = csv_scan::scan(&source.path, &source.display, spec.name)?;
            if scan.header.is_empty() {
                (DataFrame::empty(), Some(Vec::new()))
            } else {
                let df = CsvReadOptions::default()
                    .with_has_header(true)
                    .with_infer_schema_length(Some(0))
                    .with_parse_options(CsvParseOptions::default().with_missing_is_null(true))
                    .try_into_reader_with_file_path(Some(source.path.clone()))
                    .and_then(|r| r.finish())
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
                    let idx =
                        IdxCa::from_vec("idx".into(), keep.iter().map(|&i| i as IdxSize).collect());
                    df.take(&idx).map_err(|e| unreadable(&e))?
                };
                (df, Some(scan.lines))
            }
        }
        InputFormat::Parquet => {
            let f = std::fs::File::open(&source.path).map_err(|e| unreadable(&e))?;
            (
                ParquetReader::new(f).finish().map_err(|e| unreadable(&e))?,
                None,
            )
        }
        InputFormat::Arrow => {
            let bytes_magic = read_magic(&source.path).map_err(|e| unreadable(&e))?;
            let f = std::fs::File::open(&source.path).map_err(|e| unreadable(&e))?;
            let df = if bytes_magic == *b"ARROW1" {
                IpcReader::new(f).finish()
            } else {
                IpcStreamReader::new(f).finish()
            };
            (df.map_err(|e| unreadable(&e))?, None)
        }
    };
    select_contract_columns(spec, source, df, lines, config)
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

/// Keeps the contract's columns (under their configured names), renamed to contract names.
fn select_contract_columns(
    spec: TableSpec,
    source: SourceFile,
    df: DataFrame,
    lines: Option<Vec<u32>>,
    config: &Config,
) -> Result<RawTable, Vec<InputError>> {
    let found: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut columns = Vec::new();
    let mut user_names = Vec::new();
    let mut errors = Vec::new();
    for col in spec.columns {
        let user = config.column_name(spec.name, col.name);
        match df.column(user) {
            Ok(c) => {
                let mut c = c.clone();
                c.rename(col.name.into());
                columns.push(c);
                user_names.push((col.name, user.to_string()));
            }
            Err(_) if col.required => errors.push(InputError {
                file: source.display.clone(),
                table: spec.name,
                row: None,
                line: None,
                column: Some(user.to_string()),
                value: None,
                rule: Rule::MissingColumn {
                    found: found.clone(),
                },
            }),
            Err(_) => {}
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
        user_names,
    })
}
