//! Writers of output tables: Parquet (zstd), Arrow IPC file, CSV. One schema per table;
//! run metadata (schema version, tool version, parameters) goes into Parquet key-value
//! metadata and into the Arrow schema metadata under a single key, so that the bytes are
//! reproducible (a multi-key map would be serialised in hash order).

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::sync::Arc;

use arrow::datatypes::Schema;
use arrow::record_batch::RecordBatch;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use super::parquet::ParallelParquetWriter;
use crate::error::{Error, Result};

/// Output table format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// `parquet` (default): zstd-compressed Parquet, the run metadata as key-value
    /// metadata.
    Parquet,
    /// `arrow`: Arrow IPC file (Feather v2), the run metadata in the schema metadata.
    Arrow,
    /// `csv`: CSV with a header row; no room for the run metadata.
    Csv,
}

impl OutputFormat {
    /// File extension of a table in this format (`parquet`, `arrow`, `csv`).
    pub(crate) fn extension(self) -> &'static str {
        match self {
            OutputFormat::Parquet => "parquet",
            OutputFormat::Arrow => "arrow",
            OutputFormat::Csv => "csv",
        }
    }
}

/// Metadata key under which the run metadata JSON is stored.
pub const METADATA_KEY: &str = "ecograph";

/// Writes `batch` to `dir/NAME.EXT`; `metadata` is a JSON document describing the run.
/// A one-batch [`TableWriter`].
pub fn write_table(
    dir: &Path,
    name: &str,
    batch: &RecordBatch,
    format: OutputFormat,
    metadata: &str,
) -> Result<()> {
    let mut w = TableWriter::create(dir, name, batch.schema(), format, metadata)?;
    w.write(batch)?;
    w.finish()
}

/// Writes a JSON document (pretty, trailing newline).
pub fn write_json(dir: &Path, file_name: &str, value: &serde_json::Value) -> Result<()> {
    let path = dir.join(file_name);
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Error::Export {
        path: path.clone(),
        message: e.to_string(),
    })?;
    text.push('\n');
    std::fs::write(&path, text).map_err(|e| Error::io("writing", &path, e))
}

/// A table written batch by batch (for outputs too large to hold whole, such as
/// `overlap_pairs`; [`write_table`] is the one-batch case). Parquet with zstd level 3
/// and the run metadata as key-value metadata; Arrow IPC file with it in the schema
/// metadata; CSV with a header.
/// The schema is fixed up front and every batch must match it.
pub struct TableWriter {
    path: std::path::PathBuf,
    schema: arrow::datatypes::SchemaRef,
    inner: Inner,
}

enum Inner {
    /// Columns encoded in parallel; the same bytes as parquet's `ArrowWriter`.
    Parquet(ParallelParquetWriter<BufWriter<File>>),
    Arrow(arrow::ipc::writer::FileWriter<BufWriter<File>>),
    /// The CSV writer writes its header with the first batch.
    Csv(arrow::csv::Writer<BufWriter<File>>, bool),
}

impl TableWriter {
    /// Creates `dir/NAME.EXT`.
    pub fn create(
        dir: &Path,
        name: &str,
        schema: arrow::datatypes::SchemaRef,
        format: OutputFormat,
        metadata: &str,
    ) -> Result<TableWriter> {
        let path = dir.join(format!("{name}.{}", format.extension()));
        let export_err = |e: &dyn std::fmt::Display| Error::Export {
            path: path.clone(),
            message: e.to_string(),
        };
        let file = File::create(&path).map_err(|e| Error::io("creating", &path, e))?;
        let out = BufWriter::new(file);
        let (schema, inner) = match format {
            OutputFormat::Parquet => {
                let props = WriterProperties::builder()
                    .set_compression(Compression::ZSTD(
                        ZstdLevel::try_new(3).map_err(|e| export_err(&e))?,
                    ))
                    .set_key_value_metadata(Some(vec![KeyValue::new(
                        METADATA_KEY.to_string(),
                        metadata.to_string(),
                    )]))
                    .build();
                let w = ParallelParquetWriter::try_new(out, schema.clone(), props)
                    .map_err(|e| export_err(&e))?;
                (schema, Inner::Parquet(w))
            }
            OutputFormat::Arrow => {
                let schema = Arc::new(Schema::new_with_metadata(
                    schema.fields().clone(),
                    HashMap::from([(METADATA_KEY.to_string(), metadata.to_string())]),
                ));
                let w = arrow::ipc::writer::FileWriter::try_new(out, &schema)
                    .map_err(|e| export_err(&e))?;
                (schema, Inner::Arrow(w))
            }
            OutputFormat::Csv => {
                let w = arrow::csv::WriterBuilder::new()
                    .with_header(true)
                    .build(out);
                (schema, Inner::Csv(w, false))
            }
        };
        Ok(TableWriter {
            path,
            schema,
            inner,
        })
    }

    fn err(&self, e: &dyn std::fmt::Display) -> Error {
        Error::Export {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    /// Appends one batch (its schema must have the writer's fields).
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let batch = batch
            .clone()
            .with_schema(self.schema.clone())
            .map_err(|e| self.err(&e))?;
        let r = match &mut self.inner {
            Inner::Parquet(w) => w.write(&batch).map_err(|e| e.to_string()),
            Inner::Arrow(w) => w.write(&batch).map_err(|e| e.to_string()),
            Inner::Csv(w, started) => {
                *started = true;
                w.write(&batch).map_err(|e| e.to_string())
            }
        };
        r.map_err(|e| self.err(&e))?;
        Ok(())
    }

    /// Finishes the file (footer; a CSV header even when no row was written).
    pub fn finish(self) -> Result<()> {
        let path = self.path.clone();
        let export_err = |e: &dyn std::fmt::Display| Error::Export {
            path: path.clone(),
            message: e.to_string(),
        };
        match self.inner {
            Inner::Parquet(w) => {
                w.close().map_err(|e| export_err(&e))?;
            }
            Inner::Arrow(mut w) => w.finish().map_err(|e| export_err(&e))?,
            Inner::Csv(mut w, started) => {
                if !started {
                    w.write(&RecordBatch::new_empty(self.schema.clone()))
                        .map_err(|e| export_err(&e))?;
                }
                let mut out = w.into_inner();
                std::io::Write::flush(&mut out).map_err(|e| Error::io("writing", &path, e))?;
            }
        }
        Ok(())
    }
}
