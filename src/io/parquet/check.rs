//! Structural checks of a Parquet input file before polars decodes it.
//!
//! polars' decoders trust the sizes a file declares. A corrupt file can declare a page
//! of 2^58 values or a record batch body of 300 GB, and the decoder then asks for that
//! much memory, which aborts the process: no error message, no cleanup (found by
//! `tests/fuzz_inputs.rs`; a caught panic is handled by [`crate::io::guard`], an abort
//! cannot be). So every size the decoders will allocate by is checked first against
//! what the file can hold.
//!
//! - Parquet (with the `parquet` crate): every column chunk lies inside the file; in
//!   every flat column the data pages hold at most, and together exactly, the row
//!   group's rows; a dictionary page holds no more entries than its bytes; the row
//!   groups add up to the file's row count, which fits ecograph's u32 row ids; then
//!   every value is decoded with the `parquet` crate's arrow reader, a batch at a time.
//!
//! Cost: one extra pass over the file (a decoding read), about what polars' own read
//! costs.

use std::path::Path;

use parquet::column::page::Page;
use parquet::file::reader::{FileReader, SerializedFileReader};

use crate::io::refusal::{err, too_many_fields, Refusal};
use crate::io::{guard, MAX_COLUMNS};

/// The number of elements of a Parquet footer's schema, read from the header of its
/// thrift list before anything decodes the list: `FileMetaData` starts with field 1
/// (`version`, an i32) and field 2 (`schema`, a list of `SchemaElement`). None when the
/// footer is laid out otherwise (the full reader then judges it).
fn parquet_schema_elements(meta: &[u8]) -> Option<u64> {
    fn varint(b: &[u8], at: &mut usize) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *b.get(*at)?;
            *at += 1;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    let mut at = 0;
    let mut field = 0u8;
    loop {
        let header = *meta.get(at)?;
        at += 1;
        let (delta, kind) = (header >> 4, header & 0x0f);
        if delta == 0 {
            return None; // a long-form field id: not what writers write
        }
        field = field.checked_add(delta)?;
        match (field, kind) {
            (1, 5) => {
                varint(meta, &mut at)?;
            }
            (2, 9) => {
                let list = *meta.get(at)?;
                at += 1;
                return match list >> 4 {
                    15 => varint(meta, &mut at),
                    n => Some(u64::from(n)),
                };
            }
            _ => return None,
        }
    }
}

/// The top-level column names of a Parquet file, after its schema's width is checked
/// against [`MAX_COLUMNS`] before the footer is decoded (decoding it allocates per
/// column: a footer of millions of columns costs gigabytes).
pub(crate) fn parquet_columns(path: &Path) -> Result<Vec<String>, Refusal> {
    guard::catch(|| parquet_columns_inner(path)).map_err(Refusal::Corrupt)?
}

fn parquet_columns_inner(path: &Path) -> Result<Vec<String>, Refusal> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).map_err(err)?;
    let len = file.metadata().map_err(err)?.len();
    if len >= 12 {
        let mut tail = [0u8; 8];
        file.seek(SeekFrom::End(-8)).map_err(err)?;
        file.read_exact(&mut tail).map_err(err)?;
        let meta_len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
        if &tail[4..] == b"PAR1" && meta_len + 8 <= len {
            // The list header sits in the footer's first bytes.
            let head = meta_len.min(64);
            let mut meta = vec![0u8; head as usize];
            file.seek(SeekFrom::End(-8 - meta_len as i64))
                .map_err(err)?;
            file.read_exact(&mut meta).map_err(err)?;
            if let Some(n) = parquet_schema_elements(&meta)
                && n.saturating_sub(1) > MAX_COLUMNS as u64
            {
                return Err(too_many_fields(n.saturating_sub(1)));
            }
        }
    }
    let reader = SerializedFileReader::new(file).map_err(err)?;
    let schema = reader.metadata().file_metadata().schema_descr();
    let leaves = schema.num_columns() as u64;
    if leaves > MAX_COLUMNS as u64 {
        return Err(too_many_fields(leaves));
    }
    Ok(schema
        .root_schema()
        .get_fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect())
}

/// The largest table ecograph takes: rows are indexed by `u32`.
const MAX_ROWS: u64 = u32::MAX as u64 - 1;

/// Checks a Parquet file's declared sizes (see the module docs), decoding the top-level
/// columns `columns` (by position; the ones that will be read).
pub(crate) fn parquet(path: &Path, columns: &[usize]) -> Result<(), String> {
    guard::catch(|| parquet_inner(path, columns)).and_then(|r| r)
}

fn parquet_inner(path: &Path, columns: &[usize]) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(err)?;
    let len = file.metadata().map_err(err)?.len();
    let reader = SerializedFileReader::new(file).map_err(err)?;
    let meta = reader.metadata();
    let schema = meta.file_metadata().schema_descr();
    let mut total: u64 = 0;
    for (i, rg) in meta.row_groups().iter().enumerate() {
        let rows = u64::try_from(rg.num_rows())
            .map_err(|_| format!("row group {i} declares a negative row count"))?;
        total = total.saturating_add(rows);
        let rg_reader = reader.get_row_group(i).map_err(err)?;
        for (j, col) in rg.columns().iter().enumerate() {
            let name = schema.column(j).path().string();
            let (start, size) = col.byte_range();
            if start.checked_add(size).is_none_or(|end| end > len) {
                return Err(format!(
                    "column '{name}' of row group {i} lies beyond the end of the file"
                ));
            }
            let flat = schema.column(j).max_rep_level() == 0;
            let mut pages = rg_reader.get_column_page_reader(j).map_err(err)?;
            let mut values: u64 = 0;
            while let Some(page) = pages.get_next_page().map_err(err)? {
                let n = u64::from(page.num_values());
                match page {
                    Page::DictionaryPage { ref buf, .. } => {
                        if n > buf.len() as u64 {
                            return Err(format!(
                                "column '{name}' of row group {i}: a dictionary page declares {n} entries in {} bytes",
                                buf.len()
                            ));
                        }
                    }
                    _ if flat && n > rows => {
                        return Err(format!(
                            "column '{name}' of row group {i}: a page declares {n} values in a row group of {rows} rows"
                        ));
                    }
                    _ => values = values.saturating_add(n),
                }
            }
            if flat && values != rows {
                return Err(format!(
                    "column '{name}' of row group {i} holds {values} values for {rows} rows"
                ));
            }
        }
    }
    let declared = meta.file_metadata().num_rows();
    if u64::try_from(declared).ok() != Some(total) {
        return Err(format!(
            "the file declares {declared} rows but its row groups hold {total}"
        ));
    }
    if total > MAX_ROWS {
        return Err(format!(
            "the table has {total} rows, more than ecograph takes ({MAX_ROWS})"
        ));
    }
    // Then every value is decoded once with the `parquet` crate, a batch at a time: a
    // corrupt encoded page (a varint that overflows in a DELTA_BYTE_ARRAY page, say)
    // is an error there, where polars' release build reads a length of 2^60 from it and
    // aborts on the allocation.
    let file = std::fs::File::open(path).map_err(err)?;
    let builder = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(err)?;
    let mask = parquet::arrow::ProjectionMask::roots(builder.parquet_schema(), columns.to_vec());
    let batches = builder
        .with_projection(mask)
        .with_batch_size(64 * 1024)
        .build()
        .map_err(err)?;
    for batch in batches {
        batch.map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn parquet_of(columns: usize) -> tempfile::NamedTempFile {
        use arrow::array::{ArrayRef, Int32Array};
        let one: ArrayRef = Arc::new(Int32Array::from(vec![1]));
        let batch = arrow::record_batch::RecordBatch::try_from_iter(
            (0..columns).map(|i| (format!("c{i}"), one.clone())),
        )
        .unwrap();
        let f = tempfile::NamedTempFile::new().unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(f.reopen().unwrap(), batch.schema(), None)
            .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        f
    }

    #[test]
    fn the_parquet_schema_width_is_read_from_the_footer_before_decoding_it() {
        let f = parquet_of(3);
        let bytes = std::fs::read(f.path()).unwrap();
        let meta_len =
            u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap());
        let meta = &bytes[bytes.len() - 8 - meta_len as usize..bytes.len() - 8];
        assert_eq!(parquet_schema_elements(meta), Some(4)); // the root and 3 columns
        assert_eq!(parquet_columns(f.path()).unwrap(), ["c0", "c1", "c2"]);
        let wide = parquet_of(MAX_COLUMNS + 1);
        match parquet_columns(wide.path()) {
            Err(Refusal::TooLarge(d)) => assert!(d.contains("16,385 fields"), "{d}"),
            other => panic!("{other:?}"),
        }
        assert!(parquet_columns(parquet_of(MAX_COLUMNS).path()).is_ok());
        // A footer laid out otherwise is left to the full reader.
        assert_eq!(parquet_schema_elements(&[0x00]), None);
        assert_eq!(parquet_schema_elements(&[0x16, 0x02]), None);
    }
}
