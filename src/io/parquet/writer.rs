//! A Parquet writer that encodes the columns of each row group in parallel.
//!
//! Why: parquet's `ArrowWriter` encodes the columns of a batch one after the other on
//! the calling thread (dictionary interning, page building, zstd), which made writing
//! `overlap_pairs` the slowest part of a 100k-partner run. Each column of a row group
//! is independent, so parquet exposes the low-level [`ArrowColumnWriter`] per column
//! precisely to encode them on several threads (see its documentation).
//!
//! How: the writer is set up by an `ArrowWriter` (so the Parquet schema, the embedded
//! Arrow schema and the key-value metadata are exactly the ones it writes), then taken
//! apart with `into_serialized_writer`. Batches are cut into row groups of
//! `max_row_group_row_count` rows at the same places `ArrowWriter` cuts them (the
//! default byte limit is off), each column is encoded by its own writer in a rayon
//! task, and the finished column chunks are appended in column order. The same
//! encoders see the same values in the same order, so the file is byte for byte the
//! one `ArrowWriter` writes (checked by a test below), whatever the thread count.
//!
//! Only flat schemas (one Parquet leaf per Arrow field) are supported, which every
//! ecograph table is.

use std::io::Write;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_writer::{compute_leaves, ArrowColumnWriter, ArrowRowGroupWriterFactory};
use parquet::arrow::ArrowWriter;
use parquet::errors::{ParquetError, Result};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use rayon::prelude::*;

/// See the module documentation.
pub(crate) struct ParallelParquetWriter<W: Write + Send> {
    file: SerializedFileWriter<W>,
    factory: ArrowRowGroupWriterFactory,
    schema: SchemaRef,
    max_rows: usize,
    /// Column writers of the row group in progress (empty when none is).
    group: Vec<ArrowColumnWriter>,
    buffered: usize,
}

impl<W: Write + Send> ParallelParquetWriter<W> {
    /// Writes the header of a Parquet file for `schema` to `out`.
    pub(crate) fn try_new(out: W, schema: SchemaRef, props: WriterProperties) -> Result<Self> {
        let max_rows = props.max_row_group_row_count().unwrap_or(usize::MAX);
        if props.max_row_group_bytes().is_some() {
            return Err(ParquetError::General(
                "the parallel writer cuts row groups by rows only".into(),
            ));
        }
        let (file, factory) =
            ArrowWriter::try_new(out, schema.clone(), Some(props))?.into_serialized_writer()?;
        let leaves = file.schema_descr().num_columns();
        if leaves != schema.fields().len() {
            return Err(ParquetError::General(format!(
                "the parallel writer needs a flat schema: {} fields but {leaves} leaves",
                schema.fields().len()
            )));
        }
        Ok(ParallelParquetWriter {
            file,
            factory,
            schema,
            max_rows: max_rows.max(1),
            group: Vec::new(),
            buffered: 0,
        })
    }

    /// Encodes `batch` (the writer's schema), flushing each row group once it is full.
    pub(crate) fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let mut rest = batch.clone();
        while rest.num_rows() > 0 {
            if self.group.is_empty() {
                let index = self.file.flushed_row_groups().len();
                self.group = self.factory.create_column_writers(index)?;
            }
            let take = (self.max_rows - self.buffered).min(rest.num_rows());
            let part = rest.slice(0, take);
            rest = rest.slice(take, rest.num_rows() - take);
            let fields = self.schema.fields();
            self.group
                .par_iter_mut()
                .zip(fields.par_iter().zip(part.columns().par_iter()))
                .try_for_each(|(writer, (field, column))| {
                    for leaf in compute_leaves(field, column)? {
                        writer.write(&leaf)?;
                    }
                    Ok::<_, ParquetError>(())
                })?;
            self.buffered += take;
            if self.buffered >= self.max_rows {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// Closes the row group in progress: its columns' last pages are encoded in
    /// parallel, then appended in column order.
    fn flush(&mut self) -> Result<()> {
        if self.group.is_empty() {
            return Ok(());
        }
        let chunks = std::mem::take(&mut self.group)
            .into_par_iter()
            .map(ArrowColumnWriter::close)
            .collect::<Result<Vec<_>>>()?;
        let mut row_group = self.file.next_row_group()?;
        for chunk in chunks {
            chunk.append_to_row_group(&mut row_group)?;
        }
        row_group.close()?;
        self.buffered = 0;
        Ok(())
    }

    /// Writes the last row group and the footer.
    pub(crate) fn close(mut self) -> Result<()> {
        self.flush()?;
        self.file.close()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::file::metadata::KeyValue;

    use super::*;

    fn batch(schema: &SchemaRef, lo: i64, n: i64) -> RecordBatch {
        let ids: Vec<String> = (lo..lo + n).map(|i| format!("P{:05}", i % 997)).collect();
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from_iter_values(ids)),
            Arc::new(Int64Array::from_iter_values((lo..lo + n).map(|i| i % 13))),
            Arc::new(Float64Array::from_iter(
                (lo..lo + n).map(|i| (i % 7 != 0).then(|| i as f64 / 7.0)),
            )),
        ];
        RecordBatch::try_new(schema.clone(), columns).unwrap()
    }

    fn props(max_rows: usize) -> WriterProperties {
        WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(3).unwrap()))
            .set_max_row_group_row_count(Some(max_rows))
            .set_data_page_row_count_limit(500)
            .set_key_value_metadata(Some(vec![KeyValue::new("k".to_string(), "v".to_string())]))
            .build()
    }

    /// Batches of uneven sizes, so row groups are cut inside batches and across them.
    fn sizes() -> Vec<i64> {
        vec![0, 1, 700, 2500, 3, 1800, 0, 4100]
    }

    #[test]
    fn same_bytes_as_arrow_writer_for_any_thread_count() {
        let schema: SchemaRef = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Utf8, false),
            Field::new("n", DataType::Int64, false),
            Field::new("x", DataType::Float64, true),
        ]));
        for max_rows in [1000, 1 << 20] {
            let mut want = Vec::new();
            let mut w =
                ArrowWriter::try_new(&mut want, schema.clone(), Some(props(max_rows))).unwrap();
            let mut lo = 0;
            for n in sizes() {
                w.write(&batch(&schema, lo, n)).unwrap();
                lo += n;
            }
            w.close().unwrap();
            for threads in [1, 2, 4] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let got = pool.install(|| {
                    let mut got = Vec::new();
                    let mut w =
                        ParallelParquetWriter::try_new(&mut got, schema.clone(), props(max_rows))
                            .unwrap();
                    let mut lo = 0;
                    for n in sizes() {
                        w.write(&batch(&schema, lo, n)).unwrap();
                        lo += n;
                    }
                    w.close().unwrap();
                    got
                });
                assert!(
                    got == want,
                    "max_rows {max_rows}, {threads} threads: {} bytes against {}",
                    got.len(),
                    want.len()
                );
            }
        }
    }

    #[test]
    fn nested_schemas_are_refused() {
        let item = Arc::new(Field::new("item", DataType::Int64, true));
        let schema: SchemaRef = Arc::new(Schema::new(vec![
            Field::new(
                "s",
                DataType::Struct(
                    vec![
                        Field::new("a", DataType::Int64, true),
                        Field::new("b", DataType::Int64, true),
                    ]
                    .into(),
                ),
                true,
            ),
            Field::new("l", DataType::List(item), true),
        ]));
        let r = ParallelParquetWriter::try_new(Vec::new(), schema, props(10));
        assert!(r.is_err());
    }
}
