//! An `analyze` output folder read back: the summary and every declared table present,
//! in whichever format it was written (Parquet, Arrow IPC or CSV), as one Arrow record
//! batch each with the declared schema ([`crate::schema::outputs`]). What `report`, a
//! period comparison or a Python caller start from.
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
use crate::io::write::OutputFormat;
use crate::schema::out;
use crate::schema::outputs::{OutTable, OUTPUT_TABLES};

/// An output folder's summary and tables.
#[derive(Debug, Clone)]
pub struct Results {
    /// The folder, as given.
    pub dir: PathBuf,
    /// The format its tables were written in.
    pub format: OutputFormat,
    /// `ecosystem_summary.json`.
    pub summary: serde_json::Value,
    tables: BTreeMap<&'static str, RecordBatch>,
}

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
        let summary: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| refuse(&summary_path, format!("not valid JSON ({e})")))?;
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
        let mut tables = BTreeMap::new();
        for t in OUTPUT_TABLES {
            let path = dir.join(format!("{}.{}", t.name, format.extension()));
            if path.is_file() {
                tables.insert(t.name, read_table(&path, &t, format)?);
            }
        }
        Ok(Results {
            dir: dir.to_path_buf(),
            format,
            summary,
            tables,
        })
    }

    /// The table `name` (`out::PARTNER_METRICS.name`, ...), None when the run did not
    /// write it.
    pub fn table(&self, name: &str) -> Option<&RecordBatch> {
        self.tables.get(name)
    }

    /// The names of the tables present, in declaration order.
    pub fn table_names(&self) -> Vec<&'static str> {
        OUTPUT_TABLES
            .iter()
            .map(|t| t.name)
            .filter(|n| self.tables.contains_key(n))
            .collect()
    }
}

/// One table file as a single batch with `t`'s declared schema.
fn read_table(path: &Path, t: &OutTable, format: OutputFormat) -> Result<RecordBatch> {
    let bad = |reason: String| Error::Results {
        path: path.to_path_buf(),
        reason,
    };
    let file = File::open(path).map_err(|e| Error::io("reading", path, e))?;
    let declared = t.schema();
    let batches: Vec<RecordBatch> = match format {
        OutputFormat::Parquet => {
            let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                .map_err(|e| bad(format!("not a readable Parquet file ({e})")))?;
            b.build()
                .map_err(|e| bad(e.to_string()))?
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| bad(e.to_string()))?
        }
        OutputFormat::Arrow => arrow::ipc::reader::FileReader::try_new(file, None)
            .map_err(|e| bad(format!("not a readable Arrow IPC file ({e})")))?
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| bad(e.to_string()))?,
        OutputFormat::Csv => {
            check_csv_header(path, t)?;
            let file = File::open(path).map_err(|e| Error::io("reading", path, e))?;
            arrow::csv::ReaderBuilder::new(declared.clone())
                .with_header(true)
                .build(file)
                .map_err(|e| bad(e.to_string()))?
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| bad(format!("does not fit the declared columns ({e})")))?
        }
    };
    let got: Vec<(String, arrow::datatypes::DataType)> = match batches.first() {
        Some(b) => b
            .schema()
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect(),
        None => declared
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect(),
    };
    let want: Vec<(String, arrow::datatypes::DataType)> = declared
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    if format != OutputFormat::Csv && got != want {
        return Err(bad(format!(
            "its columns are not the declared ones of {} (got {}, expected {}); was it written by \
             another ecograph version?",
            t.name,
            names(&got),
            names(&want)
        )));
    }
    let batches: Vec<RecordBatch> = batches
        .into_iter()
        .map(|b| RecordBatch::try_new(declared.clone(), b.columns().to_vec()))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| bad(e.to_string()))?;
    arrow::compute::concat_batches(&declared, &batches).map_err(|e| bad(e.to_string()))
}

fn names(cols: &[(String, arrow::datatypes::DataType)]) -> String {
    cols.iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A CSV table's header must be the declared column names, in order.
fn check_csv_header(path: &Path, t: &OutTable) -> Result<()> {
    let mut r = csv::Reader::from_path(path).map_err(|e| Error::Results {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let header: Vec<String> = r
        .headers()
        .map_err(|e| Error::Results {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?
        .iter()
        .map(str::to_string)
        .collect();
    let want = t.column_names();
    if header != want {
        return Err(Error::Results {
            path: path.to_path_buf(),
            reason: format!(
                "its header is not the declared columns of {} (got {}, expected {})",
                t.name,
                header.join(", "),
                want.join(", ")
            ),
        });
    }
    Ok(())
}
