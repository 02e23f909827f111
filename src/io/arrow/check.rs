//! Structural checks of an Arrow IPC input file or stream before polars decodes it.
//!
//! polars' decoders trust the sizes a file declares. A corrupt file can declare a page
//! of 2^58 values or a record batch body of 300 GB, and the decoder then asks for that
//! much memory, which aborts the process: no error message, no cleanup (found by
//! `tests/fuzz_inputs.rs`; a caught panic is handled by [`crate::io::guard`], an abort
//! cannot be). So every size the decoders will allocate by is checked first against
//! what the file can hold.
//!
//! - Arrow IPC file: the footer and every block it lists lie inside the file; stream:
//!   every message and its body lie inside the file; in both, no compressed buffer
//!   declares more than 4 GiB uncompressed (a decompressor allocates what it is told).
//!   Then the `arrow` crate reads the whole file with full validation of every buffer
//!   against its declared length.
//!
//! Cost: one extra pass over the file (a validated read), about what polars' own read
//! costs.

use std::io::Cursor;
use std::path::Path;

use crate::error::thousands;
use crate::io::refusal::{err, too_many_fields, Refusal};
use crate::io::{guard, MAX_COLUMNS};

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

    /// An IPC stream of `n` null columns and no batch.
    fn stream_of(n: usize) -> Vec<u8> {
        use arrow::datatypes::{DataType, Field, Schema};
        let schema = Schema::new(
            (0..n)
                .map(|i| Field::new(format!("c{i}"), DataType::Null, true))
                .collect::<Vec<_>>(),
        );
        let mut stream = Vec::new();
        arrow::ipc::writer::StreamWriter::try_new(&mut stream, &schema)
            .unwrap()
            .finish()
            .unwrap();
        stream
    }

    #[test]
    fn an_arrow_schema_past_the_verifiers_table_bound_is_too_large_not_corrupt() {
        match arrow_inner(&stream_of(600_000)) {
            Err(Refusal::TooLarge(d)) => assert!(d.contains("16,384 columns"), "{d}"),
            other => panic!("{:?}", other.map(|n| n.len())),
        }
        // Below the verifier's bound, the count names the fields.
        match arrow_inner(&stream_of(MAX_COLUMNS + 1)) {
            Err(Refusal::TooLarge(d)) => assert!(d.contains("16,385 fields"), "{d}"),
            other => panic!("{:?}", other.map(|n| n.len())),
        }
    }
}
