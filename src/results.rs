//! An `analyze` output folder read back: the summary and every declared table present,
//! in whichever format it was written (Parquet, Arrow IPC or CSV), with the declared
//! schema ([`crate::schema::outputs`]). What `report`, a period comparison or a Python
//! caller start from. The per-partner and small tables are read whole
//! ([`Results::table`]); the pair-sized ones (cosell_edges, overlap_pairs,
//! channel_conflicts, rejected_rows: hundreds of millions of rows at a million partners)
//! are read batch by batch ([`Results::stream`]), so reading back needs no more memory
//! than the run did.
//!
//! Checks, each a [`Error::Results`] naming the folder or file: the folder exists and
//! holds `ecosystem_summary.json`; the tables are in one format; each table present has
//! exactly the declared columns and types (a folder written by another schema version,
//! or edited by hand, is refused instead of misread). A switchable table that is absent
//! (communities under `--metrics`, rejected_rows without `--skip-invalid`) is simply not
//! there. CSV is read with the declared schema, so its numbers come back as the same
//! f64s the run wrote (the writer prints shortest round-trip floats).
//! Time and memory O(size of the tables).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::record_batch::RecordBatch;

use crate::error::{Error, Result};
use crate::export::summary::Summary;
use crate::io::out::write::OutputFormat;
use crate::schema::out;
use crate::schema::outputs::{OutTable, OUTPUT_TABLES};

/// An output folder's summary and tables.
#[derive(Debug, Clone)]
pub struct Results {
    /// The folder, as given.
    pub dir: PathBuf,
    /// The format its tables were written in.
    pub format: OutputFormat,
    /// `ecosystem_summary.json`, typed.
    pub summary: Summary,
    tables: BTreeMap<&'static str, RecordBatch>,
    /// CSV tables written with [`crate::io::out::write::CsvCells::Safe`] (the summary's
    /// `parameters.csv_cells` is `"safe"`): their text is read back unescaped.
    csv_safe: bool,
    /// The pair-sized tables present, read on demand by [`Results::stream`].
    streamed: Vec<&'static str>,
}

/// Tables read batch by batch instead of whole.
pub const STREAMED: [&str; 4] = [
    out::COSELL_EDGES.name,
    out::OVERLAP_PAIRS.name,
    out::CHANNEL_CONFLICTS.name,
    out::REJECTED_ROWS.name,
];

/// Rows per batch when streaming a CSV table.
const CSV_BATCH: usize = 65_536;

impl Results {
    /// Reads the output folder `dir` (see the module doc for what is checked).
    pub fn read(dir: &Path) -> Result<Results> {
        let refuse = |path: &Path, reason: String| Error::Results {
            path: path.to_path_buf(),
            reason,
        };
        if !dir.is_dir() {
            return Err(refuse(
                dir,
                "it is not a folder; give the --out folder of an `ecograph analyze` run".into(),
            ));
        }
        let summary_path = dir.join(out::SUMMARY_FILE);
        let text = std::fs::read_to_string(&summary_path).map_err(|e| {
            refuse(
                dir,
                format!(
                    "it has no readable {} ({e}); is it the --out folder of `ecograph analyze`?",
                    out::SUMMARY_FILE
                ),
            )
        })?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| refuse(&summary_path, format!("not valid JSON ({e})")))?;
        Results::with_summary(dir, &json)
    }

    /// The tables of folder `dir` with the summary `json` given rather than read from
    /// the folder: how `analyze` evaluates the alerts on the tables it has just written,
    /// before it writes the summary that records them (once).
    pub fn with_summary(dir: &Path, json: &serde_json::Value) -> Result<Results> {
        let refuse = |path: &Path, reason: String| Error::Results {
            path: path.to_path_buf(),
            reason,
        };
        let summary = Summary::from_json(json).map_err(|e| {
            refuse(
                dir,
                format!(
                    "its {} has no readable key `{}` ({}); it was written by ecograph {}, \
                     this is ecograph {}: analyze the input again with this version",
                    out::SUMMARY_FILE,
                    e.key,
                    e.reason,
                    e.ecograph_version,
                    env!("CARGO_PKG_VERSION")
                ),
            )
        })?;
        let formats: Vec<OutputFormat> = [
            OutputFormat::Parquet,
            OutputFormat::Arrow,
            OutputFormat::Csv,
        ]
        .into_iter()
        .filter(|f| {
            OUTPUT_TABLES
                .iter()
                .any(|t| dir.join(format!("{}.{}", t.name, f.extension())).is_file())
        })
        .collect();
        let format = match formats.as_slice() {
            [f] => *f,
            [] => return Err(refuse(dir, "it holds no output table".into())),
            _ => {
                return Err(refuse(
                    dir,
                    "it holds tables in more than one format; keep one run's files only".into(),
                ));
            }
        };
        let csv_safe =
            format == OutputFormat::Csv && summary.parameters.csv_cells.as_deref() == Some("safe");
        let version = summary.ecograph_version.as_str();
        let (mut tables, mut streamed) = (BTreeMap::new(), Vec::new());
        for t in OUTPUT_TABLES {
            let path = dir.join(format!("{}.{}", t.name, format.extension()));
            if !path.is_file() {
                continue;
            }
            if STREAMED.contains(&t.name) {
                // Checked now (schema, header), read when asked.
                for_each_batch(&path, &t, format, csv_safe, version, &mut |_| Ok(false))?;
                streamed.push(t.name);
            } else {
                tables.insert(t.name, read_table(&path, &t, format, csv_safe, version)?);
            }
        }
        Ok(Results {
            dir: dir.to_path_buf(),
            format,
            summary,
            tables,
            csv_safe,
            streamed,
        })
    }

    /// A per-partner or small table (`out::PARTNER_METRICS.name`, ...), whole; None when
    /// the run did not write it, or for the pair-sized tables ([`Self::stream`]).
    pub fn table(&self, name: &str) -> Option<&RecordBatch> {
        self.tables.get(name)
    }

    /// Calls `f` with each batch of table `name` in file order (any table: the small ones
    /// as their one batch). Returns whether the table is present.
    pub fn stream(
        &self,
        name: &str,
        f: &mut dyn FnMut(&RecordBatch) -> Result<()>,
    ) -> Result<bool> {
        if let Some(b) = self.tables.get(name) {
            f(b)?;
            return Ok(true);
        }
        let Some(t) = OUTPUT_TABLES
            .iter()
            .find(|t| t.name == name && self.streamed.contains(&t.name))
        else {
            return Ok(false);
        };
        let path = self
            .dir
            .join(format!("{}.{}", t.name, self.format.extension()));
        let version = self.summary.ecograph_version.as_str();
        for_each_batch(&path, t, self.format, self.csv_safe, version, &mut |b| {
            f(b).map(|()| true)
        })?;
        Ok(true)
    }

    /// Table `name` whole, None when absent (for tests and small folders: a pair-sized
    /// table at scale does not fit).
    pub fn load(&self, name: &str) -> Result<Option<RecordBatch>> {
        let Some(t) = OUTPUT_TABLES.iter().find(|t| t.name == name) else {
            return Ok(None);
        };
        let mut batches = Vec::new();
        if !self.stream(name, &mut |b| {
            batches.push(b.clone());
            Ok(())
        })? {
            return Ok(None);
        }
        let declared = t.schema();
        arrow::compute::concat_batches(&declared, &batches)
            .map(Some)
            .map_err(|e| Error::Results {
                path: self.dir.clone(),
                reason: e.to_string(),
            })
    }

    /// Writes these results again as the output folder `out` in `format`, whole or not
    /// at all (the rules of [`StagedDir`](crate::io::out::atomic_dir::StagedDir); `out` may not be this folder): every table
    /// with its run metadata, the summary with its `parameters.format` (and
    /// `csv_cells`) saying what was written, and the other files (the review page, the
    /// network file) as they are. How the Python package's `Results.write` gives the
    /// files `ecograph analyze --format F` gives. Results written as CSV carry no run
    /// metadata and are refused.
    pub fn write_as(
        &self,
        out: &Path,
        format: OutputFormat,
        csv_cells: crate::io::out::write::CsvCells,
        overwrite: bool,
    ) -> Result<PathBuf> {
        use crate::io::out::atomic_dir::{Protected, StagedDir};
        use crate::io::out::write::{TableWriter, METADATA_KEY};
        let refuse = |reason: String| Error::Results {
            path: self.dir.clone(),
            reason,
        };
        if self.format == OutputFormat::Csv {
            return Err(refuse(
                "its tables are CSV, which keeps no run metadata; analyze again with the \
                 format wanted"
                    .into(),
            ));
        }
        let staged = StagedDir::create(out, overwrite, &[Protected::input_folder(&self.dir)])?;
        for name in self.table_names() {
            let meta = self.table_metadata(name).ok_or_else(|| {
                refuse(format!(
                    "its {name} table has no run metadata ({METADATA_KEY})"
                ))
            })?;
            let t = OUTPUT_TABLES
                .iter()
                .find(|t| t.name == name)
                .expect("declared");
            let mut w =
                TableWriter::create(staged.path(), name, t.schema(), format, csv_cells, &meta)?;
            self.stream(name, &mut |b| w.write(b))?;
            w.finish()?;
        }
        let mut summary: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(self.dir.join(out::SUMMARY_FILE))
                .map_err(|e| Error::io("reading", self.dir.join(out::SUMMARY_FILE), e))?,
        )
        .map_err(|e| refuse(e.to_string()))?;
        summary["parameters"]["format"] = serde_json::to_value(format).expect("plain data");
        if let Some(p) = summary["parameters"].as_object_mut() {
            match format {
                OutputFormat::Csv => {
                    p.insert(
                        "csv_cells".into(),
                        serde_json::to_value(csv_cells).expect("plain data"),
                    );
                }
                _ => {
                    p.remove("csv_cells");
                }
            }
        }
        crate::io::out::write::write_json(staged.path(), out::SUMMARY_FILE, &summary)?;
        // The other files ecograph wrote (the review page, the network file), as they
        // are; never a file a user added to the folder, nor a link.
        let tables: Vec<String> = OUTPUT_TABLES
            .iter()
            .map(|t| format!("{}.{}", t.name, self.format.extension()))
            .collect();
        let written = crate::io::out::atomic_dir::written_files(&self.dir)
            .map_err(|e| Error::io("reading", &self.dir, e))?;
        for name in written {
            if name != out::SUMMARY_FILE && !tables.contains(&name) {
                let from = self.dir.join(&name);
                std::fs::copy(&from, staged.path().join(&name))
                    .map_err(|e| Error::io("copying", from, e))?;
            }
        }
        staged.commit()
    }

    /// The run metadata table `name`'s file stores (the parameters and how betweenness
    /// and closeness were obtained, as JSON under
    /// [`crate::io::out::write::METADATA_KEY`]); None for CSV, which has no place for
    /// it, or an absent table.
    pub fn table_metadata(&self, name: &str) -> Option<String> {
        let file = self.dir.join(format!("{name}.{}", self.format.extension()));
        table_metadata(&file, self.format, crate::io::out::write::METADATA_KEY)
    }

    /// Table `name`'s rows when they are known without reading it: a small table's (held
    /// since [`Results::read`]), a pair-sized Parquet table's from its footer; None for a
    /// pair-sized Arrow or CSV table (counting would read it) or an absent table.
    pub fn known_rows(&self, name: &str) -> Option<u64> {
        if let Some(b) = self.tables.get(name) {
            return Some(b.num_rows() as u64);
        }
        if !self.streamed.contains(&name) || self.format != OutputFormat::Parquet {
            return None;
        }
        use parquet::file::reader::FileReader;
        let file = std::fs::File::open(self.dir.join(format!("{name}.parquet"))).ok()?;
        let r = parquet::file::reader::SerializedFileReader::new(file).ok()?;
        u64::try_from(r.metadata().file_metadata().num_rows()).ok()
    }

    /// The names of the tables present, in declaration order.
    pub fn table_names(&self) -> Vec<&'static str> {
        OUTPUT_TABLES
            .iter()
            .map(|t| t.name)
            .filter(|n| self.tables.contains_key(n) || self.streamed.contains(n))
            .collect()
    }
}

/// The run metadata stored under `key` in a Parquet or Arrow IPC table file (None for
/// CSV, which has no place for it, or a file without it).
fn table_metadata(path: &Path, format: OutputFormat, key: &str) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    match format {
        OutputFormat::Parquet => {
            use parquet::file::reader::FileReader;
            let r = parquet::file::reader::SerializedFileReader::new(file).ok()?;
            r.metadata()
                .file_metadata()
                .key_value_metadata()?
                .iter()
                .find(|kv| kv.key == key)?
                .value
                .clone()
        }
        OutputFormat::Arrow => {
            let r = arrow::ipc::reader::FileReader::try_new(file, None).ok()?;
            r.schema().metadata().get(key).cloned()
        }
        OutputFormat::Csv => None,
    }
}

/// One table file as a single batch with `t`'s declared schema.
fn read_table(
    path: &Path,
    t: &OutTable,
    format: OutputFormat,
    csv_safe: bool,
    version: &str,
) -> Result<RecordBatch> {
    let mut batches = Vec::new();
    for_each_batch(path, t, format, csv_safe, version, &mut |b| {
        batches.push(b.clone());
        Ok(true)
    })?;
    arrow::compute::concat_batches(&t.schema(), &batches).map_err(|e| Error::Results {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Calls `f` with each batch of one table file, checked against `t`'s declaration and
/// given its schema, until `f` returns false (an empty file: its schema is still
/// checked). `csv_safe`: a CSV's text cells are unescaped
/// ([`crate::io::out::write::unescape_csv_cell`]). `version`: the summary's
/// `ecograph_version`, named when the columns are not the declared ones.
fn for_each_batch(
    path: &Path,
    t: &OutTable,
    format: OutputFormat,
    csv_safe: bool,
    version: &str,
    f: &mut dyn FnMut(&RecordBatch) -> Result<bool>,
) -> Result<()> {
    let bad = |reason: String| Error::Results {
        path: path.to_path_buf(),
        reason,
    };
    let file = File::open(path).map_err(|e| Error::io("reading", path, e))?;
    let declared = t.schema();
    let want: Vec<(String, arrow::datatypes::DataType)> = declared
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    let check = |schema: &arrow::datatypes::Schema| -> Result<()> {
        let got: Vec<(String, arrow::datatypes::DataType)> = schema
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect();
        if got != want {
            return Err(bad(column_mismatch(t, &got, version)));
        }
        Ok(())
    };
    let batches: Box<
        dyn Iterator<Item = std::result::Result<RecordBatch, arrow::error::ArrowError>>,
    > = match format {
        OutputFormat::Parquet => {
            let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                .map_err(|e| bad(format!("not a readable Parquet file ({e})")))?;
            check(b.schema())?;
            Box::new(b.build().map_err(|e| bad(e.to_string()))?)
        }
        OutputFormat::Arrow => {
            let r = arrow::ipc::reader::FileReader::try_new(file, None)
                .map_err(|e| bad(format!("not a readable Arrow IPC file ({e})")))?;
            check(&r.schema())?;
            Box::new(r)
        }
        OutputFormat::Csv => {
            check_csv_header(path, t, version)?;
            Box::new(
                arrow::csv::ReaderBuilder::new(declared.clone())
                    .with_header(true)
                    .with_batch_size(CSV_BATCH)
                    .build(file)
                    .map_err(|e| bad(e.to_string()))?,
            )
        }
    };
    for b in batches {
        let b = b.map_err(|e| bad(format!("does not fit the declared columns ({e})")))?;
        let b = RecordBatch::try_new(declared.clone(), b.columns().to_vec())
            .map_err(|e| bad(e.to_string()))?;
        let b = match csv_safe && format == OutputFormat::Csv {
            true => crate::io::out::write::map_text_cells(&b, |v| {
                match crate::io::out::write::unescape_csv_cell(v) {
                    u if u.len() == v.len() => std::borrow::Cow::Borrowed(v),
                    u => std::borrow::Cow::Owned(u.to_string()),
                }
            })
            .unwrap_or(b),
            false => b,
        };
        if !f(&b)? {
            break;
        }
    }
    Ok(())
}

/// Why a table file's columns are refused: the table, each declared column missing or
/// of another type, each unknown one, and the version that wrote the folder.
fn column_mismatch(
    t: &OutTable,
    got: &[(String, arrow::datatypes::DataType)],
    version: &str,
) -> String {
    let mut what = Vec::new();
    for c in t.columns {
        match got.iter().find(|(n, _)| n == c.name) {
            None => what.push(format!("column `{}` is missing", c.name)),
            Some((_, ty)) if *ty != c.ty.arrow() => what.push(format!(
                "column `{}` is {ty}, declared {}",
                c.name,
                c.ty.arrow()
            )),
            Some(_) => {}
        }
    }
    for (n, _) in got {
        if t.columns.iter().all(|c| c.name != n) {
            what.push(format!("column `{n}` is not declared"));
        }
    }
    if what.is_empty() {
        what.push("its columns are in another order".into());
    }
    format!(
        "table {}: {} (got {}; expected {}); it was written by ecograph {version}, this is \
         ecograph {}: analyze the input again with this version",
        t.name,
        what.join(", "),
        got.iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        t.column_names().join(", "),
        env!("CARGO_PKG_VERSION")
    )
}

/// A CSV table's header must be the declared column names, in order.
fn check_csv_header(path: &Path, t: &OutTable, version: &str) -> Result<()> {
    let mut r = csv::Reader::from_path(path).map_err(|e| Error::Results {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let header: Vec<(String, arrow::datatypes::DataType)> = r
        .headers()
        .map_err(|e| Error::Results {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?
        .iter()
        .map(|n| {
            // CSV has no types: a declared name stands for its declared type
            let ty = t
                .columns
                .iter()
                .find(|c| c.name == n)
                .map_or(arrow::datatypes::DataType::Utf8, |c| c.ty.arrow());
            (n.to_string(), ty)
        })
        .collect();
    if header.iter().map(|(n, _)| n.as_str()).ne(t.column_names()) {
        return Err(Error::Results {
            path: path.to_path_buf(),
            reason: column_mismatch(t, &header, version),
        });
    }
    Ok(())
}

/// The declared table whose schema `b` has, for naming it in an error.
fn declared_name(b: &RecordBatch) -> &'static str {
    use crate::schema::outputs::COMPARE_TABLES;
    OUTPUT_TABLES
        .iter()
        .chain(COMPARE_TABLES.iter())
        .find(|t| *t.schema() == *b.schema())
        .map_or("(an undeclared table)", |t| t.name)
}

/// Column `c` of `b` as an array of type `A`, or an error naming the table and column
/// (never a panic: a reader asking for a column its table does not declare, or of
/// another type, is told which).
fn column<'a, A: 'static>(b: &'a RecordBatch, c: &str, ty: &str) -> Result<&'a A> {
    b.column_by_name(c)
        .and_then(|a| a.as_any().downcast_ref::<A>())
        .ok_or_else(|| Error::Results {
            path: PathBuf::from(declared_name(b)),
            reason: format!(
                "table {} has no {ty} column `{c}` (its columns: {})",
                declared_name(b),
                b.schema()
                    .fields()
                    .iter()
                    .map(|f| f.name().as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

/// The top `k` row indices of a column by `key` (descending, ties by index): the
/// report's lists and the alerts' named partners pick rows the same way.
pub(crate) fn top_by(len: usize, k: usize, key: impl Fn(usize) -> f64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..len).collect();
    idx.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    idx.truncate(k);
    idx
}

/// Column `c` of `b` as text, null as `None` (a declared Utf8 column).
pub fn strs(b: &RecordBatch, c: &str) -> Result<Vec<Option<String>>> {
    use arrow::array::{Array, StringArray};
    let a = column::<StringArray>(b, c, "text")?;
    Ok((0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i).to_string()))
        .collect())
}

/// Column `c` of `b` as floats, null as `None` (a declared Float64 column).
pub fn floats(b: &RecordBatch, c: &str) -> Result<Vec<Option<f64>>> {
    use arrow::array::{Array, Float64Array};
    let a = column::<Float64Array>(b, c, "float64")?;
    Ok((0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i)))
        .collect())
}

/// Column `c` of `b` as integers, null as `None` (a declared Int64 column).
pub fn ints(b: &RecordBatch, c: &str) -> Result<Vec<Option<i64>>> {
    use arrow::array::{Array, Int64Array};
    let a = column::<Int64Array>(b, c, "int64")?;
    Ok((0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i)))
        .collect())
}

/// Column `c` of `b` as days since 1970-01-01, null as `None` (a declared Date32 column).
pub fn dates(b: &RecordBatch, c: &str) -> Result<Vec<Option<i32>>> {
    use arrow::array::{Array, Date32Array};
    let a = column::<Date32Array>(b, c, "date32")?;
    Ok((0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i)))
        .collect())
}

/// The partners of `partner_metrics`, read once: ids in table order, the name shown for
/// each (its name, or its id when it has none), and the row of each id. The one place
/// that decides what a partner is called; compare's `partner_changes` is read the same
/// way ([`Partners::of_changes`]).
#[derive(Debug, Clone, Default)]
pub struct Partners {
    /// partner_id, in table order.
    pub ids: Vec<String>,
    /// The name shown: name, or partner_id when absent.
    pub names: Vec<String>,
    /// Whether each partner has a name of its own (else `names` holds its id).
    named: Vec<bool>,
    index: std::collections::HashMap<String, usize>,
}

impl Partners {
    /// The view of a `partner_metrics` batch.
    pub fn of(pm: &RecordBatch) -> Result<Partners> {
        Partners::read(
            pm,
            const { out::PARTNER_METRICS.col("partner_id") },
            const { out::PARTNER_METRICS.col("name") },
        )
    }

    /// The view of a compare `partner_changes` batch (its name: NEW's, else OLD's).
    pub fn of_changes(pc: &RecordBatch) -> Result<Partners> {
        use crate::schema::outputs::PARTNER_CHANGES;
        Partners::read(
            pc,
            const { PARTNER_CHANGES.col("partner_id") },
            const { PARTNER_CHANGES.col("name") },
        )
    }

    /// The view of the id and name columns `id` and `name` of `b`.
    fn read(b: &RecordBatch, id: &str, name: &str) -> Result<Partners> {
        let ids: Vec<String> = strs(b, id)?
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect();
        let given = strs(b, name)?;
        let named = given.iter().map(Option::is_some).collect();
        let names = given
            .into_iter()
            .zip(&ids)
            .map(|(n, id)| n.unwrap_or_else(|| id.clone()))
            .collect();
        let index = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        Ok(Partners {
            ids,
            names,
            named,
            index,
        })
    }

    /// The row of partner `id`.
    pub fn row(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The name shown for partner `id` (empty for an unknown id).
    pub fn label(&self, id: Option<&str>) -> String {
        id.and_then(|id| self.row(id))
            .map(|i| self.names[i].clone())
            .unwrap_or_default()
    }

    /// The name shown for partner `id`, or `id` itself for an unknown id.
    pub fn shown<'a>(&'a self, id: &'a str) -> &'a str {
        self.row(id).map_or(id, |i| self.names[i].as_str())
    }

    /// Partner `id`'s own name: None when it has none (null in the table), or for an
    /// unknown id.
    pub fn name_of(&self, id: &str) -> Option<&str> {
        self.row(id)
            .filter(|&i| self.named[i])
            .map(|i| self.names[i].as_str())
    }

    /// Partners in all.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}
