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

use crate::error::{Error, Result};
use crate::io::parquet::writer::ParallelParquetWriter;

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
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Parquet => "parquet",
            OutputFormat::Arrow => "arrow",
            OutputFormat::Csv => "csv",
        }
    }
}

/// What the CSV writer does with a text cell a spreadsheet would run as a formula
/// (`--csv-raw`). Parquet and Arrow cells are always written as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CsvCells {
    /// The default: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
    /// return (OWASP's CSV-injection list) gets a leading `'`, which Excel, LibreOffice
    /// and Google Sheets show as text instead of evaluating; so does a cell of `'`s
    /// followed by one of those, which keeps the escape reversible
    /// ([`unescape_csv_cell`]). Numbers are not text and are never changed (`-1.5`).
    #[default]
    Safe,
    /// Text cells byte for byte, for pipelines that read the CSV with a CSV parser.
    Raw,
}

/// The characters a spreadsheet reads as the start of a formula (OWASP).
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a text cell needs the `'` of [`CsvCells::Safe`]: it starts, after any run
/// of `'`, with a formula trigger.
fn needs_quote_prefix(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_TRIGGERS)
}

/// A text cell as [`CsvCells::Safe`] writes it: `'` in front when it starts (after any
/// `'`s) with `=`, `+`, `-`, `@`, a tab or a carriage return; otherwise unchanged.
pub fn escape_csv_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if needs_quote_prefix(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The inverse of [`escape_csv_cell`] (what a CSV folder written with
/// [`CsvCells::Safe`] is read back with): one leading `'` removed from a cell that
/// needs it.
pub fn unescape_csv_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote_prefix(rest) => rest,
        _ => cell,
    }
}

/// `batch` with every text cell mapped by `f`, sharing the other columns (None when no
/// cell changes).
pub(crate) fn map_text_cells(
    batch: &RecordBatch,
    f: impl for<'a> Fn(&'a str) -> std::borrow::Cow<'a, str>,
) -> Option<RecordBatch> {
    use arrow::array::{Array, AsArray, StringArray};
    use arrow::datatypes::DataType;
    let mut changed = false;
    let columns: Vec<arrow::array::ArrayRef> = batch
        .columns()
        .iter()
        .map(|c| {
            if c.data_type() != &DataType::Utf8 {
                return c.clone();
            }
            let a = c.as_string::<i32>();
            if !a
                .iter()
                .flatten()
                .any(|v| matches!(f(v), std::borrow::Cow::Owned(_)))
            {
                return c.clone();
            }
            changed = true;
            let mapped: StringArray = a.iter().map(|v| v.map(|v| f(v).into_owned())).collect();
            Arc::new(mapped) as arrow::array::ArrayRef
        })
        .collect();
    changed.then(|| RecordBatch::try_new(batch.schema(), columns).expect("same types and lengths"))
}

/// Metadata key under which the run metadata JSON is stored.
pub const METADATA_KEY: &str = "ecograph";

/// Writes `batch` to `dir/NAME.EXT`; `metadata` is a JSON document describing the run;
/// `csv_cells` says how a CSV writes formula-like text ([`CsvCells`]).
/// A one-batch [`TableWriter`].
pub fn write_table(
    dir: &Path,
    name: &str,
    batch: &RecordBatch,
    format: OutputFormat,
    csv_cells: CsvCells,
    metadata: &str,
) -> Result<()> {
    let mut w = TableWriter::create(dir, name, batch.schema(), format, csv_cells, metadata)?;
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
    /// The CSV writer writes its header with the first batch (the flag: whether it
    /// has); text cells go through [`escape_csv_cell`] unless [`CsvCells::Raw`].
    Csv(arrow::csv::Writer<BufWriter<File>>, bool, CsvCells),
}

impl TableWriter {
    /// Creates `dir/NAME.EXT`; `csv_cells` matters for [`OutputFormat::Csv`] only.
    pub fn create(
        dir: &Path,
        name: &str,
        schema: arrow::datatypes::SchemaRef,
        format: OutputFormat,
        csv_cells: CsvCells,
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
                (schema, Inner::Csv(w, false, csv_cells))
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
        crate::progress::checkpoint();
        let batch = batch
            .clone()
            .with_schema(self.schema.clone())
            .map_err(|e| self.err(&e))?;
        let r = match &mut self.inner {
            Inner::Parquet(w) => w.write(&batch).map_err(|e| e.to_string()),
            Inner::Arrow(w) => w.write(&batch).map_err(|e| e.to_string()),
            Inner::Csv(w, started, cells) => {
                *started = true;
                let safe = match cells {
                    CsvCells::Safe => map_text_cells(&batch, escape_csv_cell),
                    CsvCells::Raw => None,
                };
                w.write(safe.as_ref().unwrap_or(&batch))
                    .map_err(|e| e.to_string())
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
            Inner::Csv(mut w, started, _) => {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_a_quote_and_come_back() {
        for (raw, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-x", "'-x"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tP", "'\tP"),
            ("\rP", "'\rP"),
            ("'=x", "''=x"),
            ("Acme-Data", "Acme-Data"),
            ("Smith & Co", "Smith & Co"),
            ("'s-Hertogenbosch", "'s-Hertogenbosch"),
            ("", ""),
        ] {
            assert_eq!(escape_csv_cell(raw), written, "{raw:?}");
            assert_eq!(unescape_csv_cell(written), raw, "{written:?}");
        }
    }
}
