//! Structural checks of Parquet and Arrow IPC input files before polars decodes them.
//!
//! polars' decoders trust the sizes a file declares. A corrupt file can declare a page
//! of 2^58 values or a record batch body of 300 GB, and the decoder then asks for that
//! much memory, which aborts the process: no error message, no cleanup (found by
//! `tests/fuzz_inputs.rs`; a caught panic is handled by [`super::guard`], an abort
//! cannot be). So every size the decoders will allocate by is checked first against
//! what the file can hold:
//!
//! - Parquet (with the `parquet` crate): every column chunk lies inside the file; in
//!   every flat column the data pages hold at most, and together exactly, the row
//!   group's rows; a dictionary page holds no more entries than its bytes; the row
//!   groups add up to the file's row count, which fits ecograph's u32 row ids; then
//!   every value is decoded with the `parquet` crate's arrow reader, a batch at a time.
//! - Arrow IPC file: the footer and every block it lists lie inside the file; stream:
//!   every message and its body lie inside the file; in both, no compressed buffer
//!   declares more than 4 GiB uncompressed (a decompressor allocates what it is told).
//!   Then the `arrow` crate reads the whole file with full validation of every buffer
//!   against its declared length.
//!
//! Cost: one extra pass over the file (a decoding read for Parquet, a validated read
//! for Arrow), about what polars' own read costs.

use std::io::Cursor;
use std::path::Path;

use parquet::column::page::Page;
use parquet::file::reader::{FileReader, SerializedFileReader};

use super::{guard, MAX_COLUMNS};
use crate::error::thousands;

/// Why a Parquet or Arrow file is refused before polars reads it.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The file is not what it declares (a size beyond the file, a corrupt page).
    Corrupt(String),
    /// The file is well formed but beyond a reader limit ([`MAX_COLUMNS`]).
    TooLarge(String),
}

impl From<String> for Refusal {
    fn from(e: String) -> Refusal {
        Refusal::Corrupt(e)
    }
}

impl From<&str> for Refusal {
    fn from(e: &str) -> Refusal {
        Refusal::Corrupt(e.to_string())
    }
}

fn too_many_fields(n: u64) -> Refusal {
    Refusal::TooLarge(format!(
        "the schema has {} fields (nested fields counted), more than the limit of {} columns for a table",
        thousands(n),
        thousands(MAX_COLUMNS as u64)
    ))
}

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

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Checks a Parquet file's declared sizes (see the module docs), decoding the top-level
/// columns `columns` (by position; the ones that will be read).
pub fn parquet(path: &Path, columns: &[usize]) -> Result<(), String> {
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

fn i32_at(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Checks an Arrow IPC file or stream (see the module docs) and returns its top-level
/// column names; a schema of more than [`MAX_COLUMNS`] fields (nested ones counted) is
/// refused before any of it is converted.
pub(crate) fn arrow_ipc(path: &Path) -> Result<Vec<String>, Refusal> {
    let bytes = std::fs::read(path).map_err(err)?;
    guard::catch(|| arrow_inner(&bytes)).map_err(Refusal::Corrupt)?
}

/// The top-level names of an IPC schema, once its width is checked.
fn schema_names(schema: arrow::ipc::Schema) -> Result<Vec<String>, Refusal> {
    fn count(f: arrow::ipc::Field) -> u64 {
        1 + f.children().map_or(0, |c| c.iter().map(count).sum::<u64>())
    }
    let n: u64 = schema.fields().map_or(0, |fs| fs.iter().map(count).sum());
    if n > MAX_COLUMNS as u64 {
        return Err(too_many_fields(n));
    }
    Ok(schema
        .fields()
        .map(|fs| {
            fs.iter()
                .map(|f| f.name().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default())
}

/// The largest buffer a compressed Arrow IPC file may declare (uncompressed): a
/// decompressor allocates what the buffer says before it decompresses.
const MAX_BUFFER: u64 = 4 << 30;

/// Checks the encapsulated message at `pos` (continuation marker, metadata length,
/// flatbuffer, body) lies inside `bytes`, and that no compressed buffer of a record
/// batch declares more than [`MAX_BUFFER`] bytes. Returns where the next message
/// starts, or None at the end-of-stream marker.
fn check_message(bytes: &[u8], mut pos: usize) -> Result<Option<usize>, String> {
    let len = bytes.len();
    let mut meta_len = i32_at(bytes, pos).ok_or("the file is cut short")?;
    pos += 4;
    if meta_len == -1 {
        meta_len = i32_at(bytes, pos).ok_or("the file is cut short")?;
        pos += 4;
    }
    let meta_len = usize::try_from(meta_len).map_err(|_| "a message has a negative length")?;
    if meta_len == 0 {
        return Ok(None); // end of stream
    }
    let meta = bytes
        .get(pos..pos.saturating_add(meta_len))
        .ok_or("a message runs past the end of the file")?;
    let message =
        arrow::ipc::root_as_message(meta).map_err(|e| format!("a message is corrupt: {e}"))?;
    let body_len = usize::try_from(message.bodyLength())
        .map_err(|_| "a message has a negative body length")?;
    let body_start = pos + meta_len;
    let end = body_start
        .checked_add(body_len)
        .filter(|&e| e <= len)
        .ok_or("a message body runs past the end of the file")?;
    if let Some(batch) = message.header_as_record_batch()
        && batch.compression().is_some()
    {
        for buf in batch.buffers().into_iter().flatten() {
            let (Ok(off), Ok(blen)) =
                (usize::try_from(buf.offset()), usize::try_from(buf.length()))
            else {
                return Err("a buffer has a negative offset or length".into());
            };
            if off.checked_add(blen).is_none_or(|e| e > body_len) {
                return Err("a buffer lies outside its message body".into());
            }
            if blen >= 8 {
                let at = body_start + off;
                let declared =
                    i64::from_le_bytes(bytes[at..at + 8].try_into().map_err(|_| "cut short")?);
                if declared != -1 && u64::try_from(declared).is_ok_and(|d| d > MAX_BUFFER) {
                    return Err(format!(
                        "a compressed buffer declares {declared} bytes uncompressed"
                    ));
                }
            }
        }
    }
    Ok(Some(end))
}

fn arrow_inner(bytes: &[u8]) -> Result<Vec<String>, Refusal> {
    let len = bytes.len();
    let is_file = len >= 12 && bytes.starts_with(b"ARROW1") && bytes.ends_with(b"ARROW1");
    if is_file {
        let footer_len = i32_at(bytes, len - 10).ok_or("the file is cut short")?;
        let footer_len = usize::try_from(footer_len).map_err(|_| "negative footer length")?;
        if footer_len > len - 18 {
            return Err("the footer is longer than the file".into());
        }
        let footer = arrow::ipc::root_as_footer(&bytes[len - 10 - footer_len..len - 10])
            .map_err(|e| flatbuffer_refusal("the footer", e))?;
        let names = schema_names(footer.schema().ok_or("the footer has no schema")?)?;
        let blocks = footer
            .recordBatches()
            .into_iter()
            .flatten()
            .chain(footer.dictionaries().into_iter().flatten());
        for b in blocks {
            let end = u64::try_from(b.offset())
                .ok()
                .zip(u64::try_from(b.metaDataLength()).ok())
                .zip(u64::try_from(b.bodyLength()).ok())
                .and_then(|((o, m), l)| o.checked_add(m)?.checked_add(l));
            if end.is_none_or(|e| e > len as u64) {
                return Err("a record batch lies beyond the end of the file".into());
            }
            check_message(bytes, b.offset() as usize)?;
        }
        let reader =
            arrow::ipc::reader::FileReader::try_new(Cursor::new(bytes), None).map_err(err)?;
        for batch in reader {
            batch.map_err(err)?;
        }
        Ok(names)
    } else {
        let mut names = None;
        let mut pos = 0usize;
        while pos + 4 <= len {
            if names.is_none() {
                names = Some(schema_names(stream_schema(bytes, pos)?)?);
            }
            match check_message(bytes, pos)? {
                Some(next) => pos = next,
                None => break,
            }
        }
        let reader =
            arrow::ipc::reader::StreamReader::try_new(Cursor::new(bytes), None).map_err(err)?;
        for batch in reader {
            batch.map_err(err)?;
        }
        Ok(names.unwrap_or_default())
    }
}

/// The schema message a stream starts with, at `pos`.
fn stream_schema(bytes: &[u8], mut pos: usize) -> Result<arrow::ipc::Schema<'_>, Refusal> {
    let mut meta_len = i32_at(bytes, pos).ok_or("the file is cut short")?;
    pos += 4;
    if meta_len == -1 {
        meta_len = i32_at(bytes, pos).ok_or("the file is cut short")?;
        pos += 4;
    }
    let meta_len = usize::try_from(meta_len).map_err(|_| "a message has a negative length")?;
    let meta = bytes
        .get(pos..pos.saturating_add(meta_len))
        .ok_or("a message runs past the end of the file")?;
    let message =
        arrow::ipc::root_as_message(meta).map_err(|e| flatbuffer_refusal("the schema", e))?;
    message
        .header_as_schema()
        .ok_or_else(|| "the stream does not start with a schema".into())
}

/// A flatbuffer that fails verification: corrupt, unless the verifier stopped at its
/// bound of a million tables, which only a schema of hundreds of thousands of fields
/// (each a table, its type another) reaches: then the column limit is what it broke.
/// (The verifier's error type is `flatbuffers::InvalidFlatbuffer`, known here by its
/// Debug name: the crate is arrow's, not a dependency of ours.)
fn flatbuffer_refusal(what: &str, e: impl std::fmt::Debug + std::fmt::Display) -> Refusal {
    if format!("{e:?}") == "TooManyTables" {
        Refusal::TooLarge(format!(
            "{what} holds more than a million entries (fields, their types and metadata), far more than the limit of {} columns for a table",
            thousands(MAX_COLUMNS as u64)
        ))
    } else {
        Refusal::Corrupt(format!("{what} is corrupt: {e}"))
    }
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

    #[test]
    fn an_arrow_schema_past_the_verifiers_table_bound_is_too_large_not_corrupt() {
        use arrow::datatypes::{DataType, Field, Schema};
        let fields: Vec<Field> = (0..600_000)
            .map(|i| Field::new(format!("c{i}"), DataType::Null, true))
            .collect();
        let schema = Schema::new(fields);
        let mut stream = Vec::new();
        arrow::ipc::writer::StreamWriter::try_new(&mut stream, &schema)
            .unwrap()
            .finish()
            .unwrap();
        match arrow_inner(&stream) {
            Err(Refusal::TooLarge(d)) => assert!(d.contains("16,384 columns"), "{d}"),
            other => panic!("{:?}", other.map(|n| n.len())),
        }
        // Below the verifier's bound, the count names the fields.
        let small = Schema::new(
            (0..MAX_COLUMNS + 1)
                .map(|i| Field::new(format!("c{i}"), DataType::Null, true))
                .collect::<Vec<_>>(),
        );
        let mut stream = Vec::new();
        arrow::ipc::writer::StreamWriter::try_new(&mut stream, &small)
            .unwrap()
            .finish()
            .unwrap();
        match arrow_inner(&stream) {
            Err(Refusal::TooLarge(d)) => assert!(d.contains("16,385 fields"), "{d}"),
            other => panic!("{:?}", other.map(|n| n.len())),
        }
    }
}
