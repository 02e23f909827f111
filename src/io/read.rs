//! Readers (feature `read`): find each contract table in the input folder, read it with
//! polars and hand its columns over as Arrow arrays (`io::arrow::bridge`) to
//! [`super::raw`], which maps them to the contract's names. Typing and rule checks
//! happen in `validate`; this module reports what stops a file from being read at all.

use std::path::Path;

use polars::prelude::*;

use super::csv::scan as csv_scan;
use super::raw::select::{header_errors, select_contract_columns, wanted_columns};
use super::raw::{table_error, RawTable, SourceFile, TableSource};
use super::InputFormat;
use crate::config::Settings;
use crate::error::{InputError, InputErrors, Rule, MISSING_TABLE_SHOWN};
use crate::progress::Meter;
use crate::schema::{TableSpec, TABLES};

/// What is at a path where a table file may be.
enum Probe {
    Missing,
    File,
    Problem(Rule),
}

/// What is at `path`, from its metadata alone: nothing here opens it (opening a named
/// pipe blocks until a writer comes; a device reads forever).
fn probe(path: &Path) -> Probe {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Probe::File,
        Ok(m) => {
            let link = std::fs::symlink_metadata(path).is_ok_and(|l| l.file_type().is_symlink());
            let kind = file_kind(&m.file_type());
            Probe::Problem(Rule::NotAFile {
                kind: if link {
                    format!("a symbolic link to {kind}")
                } else {
                    kind.to_string()
                },
            })
        }
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

/// What a file type that is not a regular file is, in words.
fn file_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "a character device (like /dev/zero)";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// The names of the entries of `dir`, sorted, the first [`MISSING_TABLE_SHOWN`] of
/// them and how many more there are (for a missing table's message); hidden files
/// are left out.
fn folder_listing(dir: &Path) -> (Vec<String>, usize) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let more = names.len().saturating_sub(MISSING_TABLE_SHOWN);
    names.truncate(MISSING_TABLE_SHOWN);
    (names, more)
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
                    let (found, more) = folder_listing(dir);
                    errors.push(table_error(
                        &spec,
                        config
                            .file_name(spec.name)
                            .map(str::to_string)
                            .unwrap_or_else(|| format!("{}.csv|.parquet|.arrow", spec.name)),
                        Rule::MissingTable {
                            table: spec.name,
                            configured: config.file_name(spec.name).map(str::to_string),
                            found,
                            more,
                        },
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

/// The tables of an input folder, read one file at a time as validation asks for them
/// ([`TableSource`]), so that each raw table can be typed and freed before the next is
/// read. Polars parses each file on every thread; the structural CSV scan is
/// single-threaded per file.
///
/// The megabytes of input read are reported to the meter (a table counts when it has
/// been parsed); [`Meter::silent`] reports nothing.
pub struct FolderTables<'a> {
    /// Each contract table's file, by [`TABLES`] index, until it is taken (`None` when
    /// optional and absent, or deal_partners taken from a deals column).
    files: Vec<Option<(TableSpec, Option<SourceFile>)>>,
    settings: &'a Settings,
    meter: &'a Meter<'a>,
    /// The file-level problems of the tables read so far.
    errors: Vec<InputError>,
}

impl<'a> FolderTables<'a> {
    /// Finds every table of `dir`; what is missing, ambiguous or not a file is
    /// reported here, before anything is read.
    pub fn open(
        dir: &Path,
        settings: &'a Settings,
        meter: &'a Meter<'a>,
    ) -> Result<FolderTables<'a>, InputErrors> {
        let files = discover(dir, settings).map_err(|errors| InputErrors { errors })?;
        let total: u64 = files.iter().filter_map(|(_, s)| s.as_ref()).map(mb).sum();
        meter.start(total, "MB read");
        Ok(FolderTables {
            files: files.into_iter().map(Some).collect(),
            settings,
            meter,
            errors: Vec::new(),
        })
    }
}

/// Whole megabytes of a file, for the meter.
fn mb(s: &SourceFile) -> u64 {
    std::fs::metadata(&s.path).map_or(0, |m| m.len()) / 1_000_000
}

impl TableSource for FolderTables<'_> {
    fn take(&mut self, spec: &TableSpec) -> Option<RawTable> {
        let i = TABLES.iter().position(|s| s.name == spec.name)?;
        let (spec, source) = self.files.get_mut(i)?.take()?;
        let source = source?;
        let size = mb(&source);
        let read = read_table(spec, source, self.settings);
        self.meter.add(size);
        match read {
            Ok(raw) => Some(raw),
            Err(mut e) => {
                self.errors.append(&mut e);
                None
            }
        }
    }

    fn failed(&self) -> bool {
        !self.errors.is_empty()
    }

    fn errors(&mut self) -> Vec<InputError> {
        // Tables are read in the order validation types them; problems are listed in
        // table order (a stable sort keeps each file's own order).
        let mut errors = std::mem::take(&mut self.errors);
        errors.sort_by_key(|e| TABLES.iter().position(|s| s.name == e.table));
        errors
    }
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
    let file = TableFile {
        spec: &spec,
        source: &source,
        settings,
    };
    let size = std::fs::metadata(&source.path)
        .map_err(|e| file.unreadable(&e))?
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
    // A binary file's header is checked before polars reads a column of it, and only
    // the columns the contract takes are read.
    let frame = match source.format {
        InputFormat::Csv => read_csv(&file)?,
        InputFormat::Parquet => read_parquet(&file)?,
        InputFormat::Arrow => read_arrow(&file)?,
    };
    let mut raw = select_from_frame(spec, source, frame.header, frame.df, frame.lines, settings)?;
    raw.skipped_empty = frame.skipped_empty;
    Ok(raw)
}

/// The file of one table being read, and what its errors name.
struct TableFile<'a> {
    spec: &'a TableSpec,
    source: &'a SourceFile,
    settings: &'a Settings,
}

impl TableFile<'_> {
    /// The file cannot be read, for the reason `e` gives.
    fn unreadable(&self, e: &dyn std::fmt::Display) -> Vec<InputError> {
        file_error(
            self.spec,
            self.source,
            Rule::Unreadable {
                detail: e.to_string(),
            },
        )
    }

    /// A decoder panic on a corrupt file is reported like any unreadable file.
    fn corrupt(&self, what: &str, e: String) -> Vec<InputError> {
        file_error(
            self.spec,
            self.source,
            Rule::Unreadable {
                detail: format!("the file is not valid {what}, it looks corrupt ({e})"),
            },
        )
    }

    /// Why a binary file was refused before any decoder ran.
    fn refused(&self, what: &str, e: super::refusal::Refusal) -> Vec<InputError> {
        match e {
            super::refusal::Refusal::Corrupt(e) => self.corrupt(what, e),
            super::refusal::Refusal::TooLarge(detail) => {
                file_error(self.spec, self.source, Rule::TooLarge { detail })
            }
        }
    }

    /// The problems of a binary file's header, or else the positions of the columns
    /// to read (only those the contract takes).
    fn check_header(&self, header: &[String]) -> Result<Vec<usize>, Vec<InputError>> {
        let errors = header_errors(self.spec, self.source, header, self.settings);
        if errors.is_empty() {
            Ok(wanted_columns(self.spec, self.settings, header))
        } else {
            Err(errors)
        }
    }
}

/// A file read into a frame, before its columns are mapped to the contract's.
struct Frame {
    /// The columns read (for a binary file, only those the contract takes).
    df: DataFrame,
    /// For CSV: the physical line of each row of `df`.
    lines: Option<Vec<u32>>,
    /// Every column name of the file, in order.
    header: Vec<String>,
    /// Lines of the rows skipped because every field was empty.
    skipped_empty: Vec<u32>,
}

/// Reads a CSV file: the structural scan, then polars, each row of the frame matched
/// with its line, rows of empty fields left out when the settings skip them.
fn read_csv(file: &TableFile) -> Result<Frame, Vec<InputError>> {
    let (spec, source, settings) = (file.spec, file.source, file.settings);
    let scan = csv_scan::scan(&source.path, &source.display, spec.name, settings.delimiter)?;
    if scan.header.is_empty() {
        return Ok(Frame {
            df: DataFrame::empty(),
            lines: Some(Vec::new()),
            header: Vec::new(),
            skipped_empty: Vec::new(),
        });
    }
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
    .map_err(|e| file.corrupt("CSV", e))?
    .map_err(|e| file.unreadable(&e))?;
    let df = if df.height() == scan.lines.len() {
        df
    } else {
        let malformed = || {
            file_error(
                spec,
                source,
                Rule::MalformedCsv {
                    detail: format!(
                        "the file parses to {} rows but has {} records; check quoting",
                        df.height(),
                        scan.lines.len()
                    ),
                },
            )
        };
        let keep = csv_scan::align_rows(&null_rows(&df), &scan).ok_or_else(malformed)?;
        take_rows(&df, &keep).map_err(|e| file.unreadable(&e))?
    };
    let mut lines = scan.lines;
    let mut skipped_empty = Vec::new();
    let df = if settings.skip_empty_rows && scan.all_empty.iter().any(|&e| e) {
        let keep: Vec<usize> = (0..lines.len()).filter(|&r| !scan.all_empty[r]).collect();
        skipped_empty = (0..lines.len())
            .filter(|&r| scan.all_empty[r])
            .map(|r| lines[r])
            .collect();
        lines = keep.iter().map(|&r| lines[r]).collect();
        take_rows(&df, &keep).map_err(|e| file.unreadable(&e))?
    } else {
        df
    };
    let header = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    Ok(Frame {
        df,
        lines: Some(lines),
        header,
        skipped_empty,
    })
}

/// Reads a Parquet file: its footer and pages checked, then the contract's columns.
fn read_parquet(file: &TableFile) -> Result<Frame, Vec<InputError>> {
    let path = &file.source.path;
    let header =
        super::parquet::check::parquet_columns(path).map_err(|e| file.refused("Parquet", e))?;
    let wanted = file.check_header(&header)?;
    super::parquet::check::parquet(path, &wanted).map_err(|e| file.corrupt("Parquet", e))?;
    let f = std::fs::File::open(path).map_err(|e| file.unreadable(&e))?;
    let df = if wanted.is_empty() {
        DataFrame::empty()
    } else {
        super::guard::catch(|| ParquetReader::new(f).with_projection(Some(wanted)).finish())
            .map_err(|e| file.corrupt("Parquet", e))?
            .map_err(|e| file.unreadable(&e))?
    };
    Ok(Frame {
        df,
        lines: None,
        header,
        skipped_empty: Vec::new(),
    })
}

/// Reads an Arrow IPC file or stream (told apart by its magic bytes): its messages
/// checked, then the contract's columns.
fn read_arrow(file: &TableFile) -> Result<Frame, Vec<InputError>> {
    let path = &file.source.path;
    let header = super::arrow::check::arrow_ipc(path).map_err(|e| file.refused("Arrow IPC", e))?;
    let wanted = file.check_header(&header)?;
    let bytes_magic = read_magic(path).map_err(|e| file.unreadable(&e))?;
    let f = std::fs::File::open(path).map_err(|e| file.unreadable(&e))?;
    let df = if wanted.is_empty() {
        DataFrame::empty()
    } else {
        super::guard::catch(|| {
            if bytes_magic == *b"ARROW1" {
                IpcReader::new(f).with_projection(Some(wanted)).finish()
            } else {
                IpcStreamReader::new(f)
                    .with_projection(Some(wanted))
                    .finish()
            }
        })
        .map_err(|e| file.corrupt("Arrow IPC", e))?
        .map_err(|e| file.unreadable(&e))?
    };
    Ok(Frame {
        df,
        lines: None,
        header,
        skipped_empty: Vec::new(),
    })
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

/// Hands the frame's columns to [`select_contract_columns`] as Arrow arrays.
fn select_from_frame(
    spec: TableSpec,
    source: SourceFile,
    header: Vec<String>,
    df: DataFrame,
    lines: Option<Vec<u32>>,
    settings: &Settings,
) -> Result<RawTable, Vec<InputError>> {
    let n_rows = df.height();
    let mut all = Vec::with_capacity(df.width());
    // Each column handed over chunk by chunk, shared with polars, not copied.
    for c in df.into_columns() {
        let a = super::guard::catch(|| super::arrow::bridge::to_arrow(&c))
            .and_then(|r| r)
            .map_err(|detail| {
                vec![table_error(
                    &spec,
                    source.display.clone(),
                    Rule::Unreadable { detail },
                )]
            })?;
        all.push((c.name().to_string(), a));
    }
    select_contract_columns(spec, source, header, all, n_rows, lines, settings)
}
