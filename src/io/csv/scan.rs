//! A structural pass over a CSV file before polars parses it: checks UTF-8, column counts
//! and quoting record by record, and remembers the physical line of every data row so
//! that later errors can say "row 17 (line 19)".
//!
//! polars' reader is fast but reports structural problems without a location; the `csv`
//! crate reports the exact line of every record, so this pass gives the user the file,
//! row, line, column and value the contract promises. It runs only where it is needed:
//! [`super::fast`] first proves, in one streaming pass, that the file is well formed
//! with one record per line (most files), and only a file it cannot settle is read here
//! record by record.

use std::path::Path;

use crate::error::{InputError, Rule};
use crate::io::{MAX_COLUMNS, MAX_FIELD_BYTES, MAX_HEADER_BYTES};

pub(crate) use super::shape::CsvScan;

/// Scans `path`; returns the header and line map, or every structural problem found
/// (capped, since one broken quote can make every later row look broken).
///
/// Before anything is parsed: a file in UTF-16 or UTF-32 is one error naming its
/// encoding; then the streaming pass of [`super::fast`] settles most files, and a
/// file it cannot settle is first checked against the size limits ([`MAX_COLUMNS`],
/// [`MAX_FIELD_BYTES`], [`MAX_HEADER_BYTES`]) in another streaming pass, so that no
/// parser ever holds more than the limits allow. A header naming a column twice is an
/// error naming both positions.
pub(crate) fn scan(
    path: &Path,
    file: &str,
    table: &'static str,
    delimiter: u8,
) -> Result<CsvScan, Vec<InputError>> {
    let mk = |line: Option<u64>, column: Option<String>, rule: Rule| InputError {
        file: file.to_string(),
        table,
        row: None,
        line,
        column,
        value: None,
        rule,
    };
    let unreadable = |e: std::io::Error| {
        vec![mk(
            None,
            None,
            Rule::Unreadable {
                detail: e.to_string(),
            },
        )]
    };
    let head = read_head(path, 64 << 10).map_err(unreadable)?;
    if let Some(found) = foreign_encoding(&head) {
        return Err(vec![mk(None, None, Rule::Encoding { found })]);
    }
    // A read error in the streaming pass is left to the full scan, which reports it.
    let fast = std::fs::File::open(path).and_then(|f| super::fast::scan(f, delimiter));
    let scan = if let Ok(Some(scan)) = fast {
        scan
    } else {
        let f = std::fs::File::open(path).map_err(unreadable)?;
        if let Some((line, detail)) = beyond_limits(f, delimiter).map_err(unreadable)? {
            return Err(vec![mk(Some(line), None, Rule::TooLarge { detail })]);
        }
        // The whole file is read once: the csv crate's own line counter skips blank
        // lines, so physical lines are counted here from each record's byte offset.
        let bytes = std::fs::read(path).map_err(unreadable)?;
        scan_bytes(&bytes, file, table, delimiter)?
    };
    let duplicates: Vec<InputError> = crate::io::raw::select::duplicate_names(&scan.header)
        .into_iter()
        .map(|(name, first, second)| {
            mk(
                None,
                Some(name.clone()),
                Rule::DuplicateColumn {
                    name,
                    first,
                    second,
                    mapping: None,
                },
            )
        })
        .collect();
    if duplicates.is_empty() {
        Ok(scan)
    } else {
        Err(duplicates)
    }
}

/// The first `n` bytes of a file (fewer if it is shorter).
fn read_head(path: &Path, n: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(n);
    std::fs::File::open(path)?
        .take(n as u64)
        .read_to_end(&mut head)?;
    Ok(head)
}

/// The encoding of a text that is UTF-16 or UTF-32 rather than UTF-8, told by its byte
/// order mark or, without one, by its zero bytes (text in Latin letters in UTF-16 has a
/// zero in every other byte, in UTF-32 three in four; UTF-8 text has none).
pub(crate) fn foreign_encoding(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\xFF\xFE\x00\x00") {
        return Some("UTF-32 little-endian");
    }
    if head.starts_with(b"\x00\x00\xFE\xFF") {
        return Some("UTF-32 big-endian");
    }
    if head.starts_with(b"\xFF\xFE") {
        return Some("UTF-16 little-endian");
    }
    if head.starts_with(b"\xFE\xFF") {
        return Some("UTF-16 big-endian");
    }
    if head.len() < 4 {
        return None;
    }
    let zeros_at = |parity: usize| {
        head.iter()
            .enumerate()
            .filter(|&(i, &b)| b == 0 && i % 2 == parity)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    let len = head.len();
    if (even + odd) * 10 >= len * 6 {
        Some(if head[0] != 0 {
            "UTF-32 little-endian (without a byte order mark)"
        } else {
            "UTF-32 big-endian (without a byte order mark)"
        })
    } else if (even + odd) * 10 >= len * 3 {
        Some(if odd >= even {
            "UTF-16 little-endian (without a byte order mark)"
        } else {
            "UTF-16 big-endian (without a byte order mark)"
        })
    } else {
        None
    }
}

/// The first place where the CSV text `reader` yields goes beyond a size limit: the
/// line where the record starts and what is too large. One streaming pass with
/// `csv-core`'s record reader (the `csv` crate's own), holding one buffer of input and
/// one of output whatever the file: fields are counted, not kept.
pub(crate) fn beyond_limits(
    mut reader: impl std::io::Read,
    delimiter: u8,
) -> std::io::Result<Option<(u64, String)>> {
    use crate::error::thousands;
    use csv_core::ReadFieldResult as R;
    let mut rdr = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut input = vec![0u8; 1 << 16];
    let mut output = vec![0u8; 1 << 16];
    let (mut start, mut end) = (0usize, 0usize);
    let mut at_eof = false;
    let (mut fields, mut field_bytes, mut record_bytes) = (0usize, 0usize, 0usize);
    let mut header = true;
    let mut record_line = 1u64;
    let (mut fresh, mut blank_lines) = (true, 0u64);
    loop {
        if start == end && !at_eof {
            let n = loop {
                match reader.read(&mut input) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    r => break r?,
                }
            };
            (start, end) = (0, n);
            at_eof = n == 0;
        }
        if fresh {
            // Blank lines before a record (which the reader skips too) are counted
            // here, so that the record's line is where its first byte is.
            while start < end && matches!(input[start], b'\n' | b'\r') {
                blank_lines += u64::from(input[start] == b'\n');
                start += 1;
            }
            if start == end && !at_eof {
                continue;
            }
            record_line = rdr.line() + blank_lines;
        }
        let (r, nin, nout) = rdr.read_field(&input[start..end], &mut output);
        start += nin;
        if nin > 0 {
            fresh = false;
        }
        field_bytes += nout;
        record_bytes += nout;
        if field_bytes > MAX_FIELD_BYTES {
            return Ok(Some((
                record_line,
                format!(
                    "field {} of {} holds more than {} bytes, the limit for one field (a quote left open runs a field to the end of the file)",
                    fields + 1,
                    if header { "the header" } else { "the record starting at this line" },
                    thousands(MAX_FIELD_BYTES as u64)
                ),
            )));
        }
        if header && record_bytes + fields > MAX_HEADER_BYTES {
            return Ok(Some((
                record_line,
                format!(
                    "the header line holds more than {} bytes, the limit for a header",
                    thousands(MAX_HEADER_BYTES as u64)
                ),
            )));
        }
        match r {
            R::InputEmpty | R::OutputFull => {}
            R::Field { record_end } => {
                fields += 1;
                field_bytes = 0;
                if fields > MAX_COLUMNS {
                    return Ok(Some((
                        record_line,
                        format!(
                            "{} has more than {} columns, the limit for a table",
                            if header { "the header" } else { "a row" },
                            thousands(MAX_COLUMNS as u64)
                        ),
                    )));
                }
                if record_end {
                    (fields, record_bytes) = (0, 0);
                    header = false;
                    fresh = true;
                }
            }
            R::End => return Ok(None),
        }
    }
}

/// The full scan of a file's bytes, record by record with the `csv` crate.
pub(crate) fn scan_bytes(
    bytes: &[u8],
    file: &str,
    table: &'static str,
    delimiter: u8,
) -> Result<CsvScan, Vec<InputError>> {
    let site = ErrorSite { file, table };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(bytes);
    let mut counter = LineCounter {
        bytes,
        counted_to: 0,
        newlines: 0,
    };
    let mut errors = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut header: Option<Vec<String>> = None;
    let mut lines = Vec::new();
    let mut all_empty = Vec::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line());
                errors.push(site.at(
                    None,
                    line,
                    None,
                    None,
                    Rule::MalformedCsv {
                        detail: e.to_string(),
                    },
                ));
                break;
            }
        }
        let line = counter.line_at(record.position().map_or(0, |p| p.byte() as usize));
        let Some(h) = &header else {
            header = Some(header_names(&record, line, site, &mut errors));
            continue;
        };
        if record.len() == 1 && record.get(0).is_some_and(|f| f.is_empty()) {
            // A wholly blank line: skipped (contract §4). csv normally drops these itself.
            continue;
        }
        lines.push(u32::try_from(line).unwrap_or(u32::MAX));
        all_empty.push(record.iter().all(|f| f.is_empty()));
        let row = lines.len() as u64;
        if record.len() != h.len() {
            errors.push(field_count_error(&record, h.len(), row, line, site));
        }
        for (i, field) in record.iter().enumerate() {
            if std::str::from_utf8(field).is_err() {
                errors.push(site.at(
                    Some(row),
                    Some(line),
                    h.get(i).cloned(),
                    Some(String::from_utf8_lossy(field).into_owned()),
                    Rule::NonUtf8,
                ));
            }
        }
        if errors.len() >= crate::error::MAX_REPORTED_ERRORS {
            break;
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CsvScan {
        header: header.unwrap_or_default(),
        lines,
        all_empty,
    })
}

/// The file and table the full scan's problems are reported in.
#[derive(Clone, Copy)]
struct ErrorSite<'a> {
    file: &'a str,
    table: &'static str,
}

impl ErrorSite<'_> {
    /// A problem of the file, at the row, line, column and value where known.
    fn at(
        self,
        row: Option<u64>,
        line: Option<u64>,
        column: Option<String>,
        value: Option<String>,
        rule: Rule,
    ) -> InputError {
        InputError {
            file: self.file.to_string(),
            table: self.table,
            row,
            line,
            column,
            value,
            rule,
        }
    }
}

/// The physical line of each record, counted from its byte offset (the csv crate's own
/// line counter skips blank lines).
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// Bytes up to here have had their newlines counted.
    counted_to: usize,
    newlines: u64,
}

impl LineCounter<'_> {
    /// The 1-based line of the record the csv crate reports at `offset`; offsets come
    /// in increasing order.
    fn line_at(&mut self, mut offset: usize) -> u64 {
        let bytes = self.bytes;
        // A record's reported start includes the blank lines skipped before it.
        while offset < bytes.len() && (bytes[offset] == b'\n' || bytes[offset] == b'\r') {
            offset += 1;
        }
        let offset = offset.min(bytes.len());
        self.newlines += bytes[self.counted_to..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.counted_to = offset;
        self.newlines + 1
    }
}

/// The header's names (a UTF-8 byte order mark dropped from the first); a name that is
/// not UTF-8 is an error and kept with its bad bytes replaced.
fn header_names(
    record: &csv::ByteRecord,
    line: u64,
    site: ErrorSite,
    errors: &mut Vec<InputError>,
) -> Vec<String> {
    let mut names = Vec::with_capacity(record.len());
    for (i, field) in record.iter().enumerate() {
        let field = if i == 0 {
            field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field)
        } else {
            field
        };
        match std::str::from_utf8(field) {
            Ok(s) => names.push(s.to_string()),
            Err(_) => {
                errors.push(site.at(
                    None,
                    Some(line),
                    None,
                    Some(String::from_utf8_lossy(field).into_owned()),
                    Rule::NonUtf8,
                ));
                names.push(String::from_utf8_lossy(field).into_owned());
            }
        }
    }
    names
}

/// A row whose number of fields is not the header's, with a hint at the likely cause.
fn field_count_error(
    record: &csv::ByteRecord,
    header_len: usize,
    row: u64,
    line: u64,
    site: ErrorSite,
) -> InputError {
    let spans_lines = record.iter().any(|f| f.contains(&b'\n'));
    let hint = if spans_lines {
        "check for an unbalanced quote: a quoted field runs over several lines"
    } else if record.len() > header_len {
        "check for an unquoted ',' inside a value"
    } else {
        "a value is missing or the line is cut short"
    };
    site.at(
        Some(row),
        Some(line),
        None,
        Some(
            String::from_utf8_lossy(record.as_slice())
                .chars()
                .take(80)
                .collect(),
        ),
        Rule::MalformedCsv {
            detail: format!(
                "row has {} fields, the header has {header_len} ({hint})",
                record.len()
            ),
        },
    )
}

/// polars turns a wholly blank line into a row of nulls, while the contract (§4) skips
/// such lines. Given which polars rows are entirely null or empty, returns the rows that
/// are real records, matching null rows to the scan's all-empty records in order.
/// `None` when the two readings cannot be aligned (a quoting problem).
pub(crate) fn align_rows(null_row: &[bool], scan: &CsvScan) -> Option<Vec<usize>> {
    let mut keep = Vec::with_capacity(scan.lines.len());
    let mut j = 0;
    for (i, &is_null) in null_row.iter().enumerate() {
        if is_null && !scan.all_empty.get(j).copied().unwrap_or(false) {
            continue; // a blank line
        }
        if j >= scan.lines.len() || (!is_null && scan.all_empty[j]) {
            return None;
        }
        keep.push(i);
        j += 1;
    }
    (j == scan.lines.len()).then_some(keep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_utf32_are_told_by_their_bom_or_their_zero_bytes() {
        let le: Vec<u8> = "id,name\nP1,A\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "id,name\nP1,A\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let bom = |b: &[u8], v: &[u8]| [b, v].concat();
        assert_eq!(
            foreign_encoding(&bom(b"\xFF\xFE", &le)),
            Some("UTF-16 little-endian")
        );
        assert_eq!(
            foreign_encoding(&bom(b"\xFE\xFF", &be)),
            Some("UTF-16 big-endian")
        );
        assert!(foreign_encoding(&le).unwrap().starts_with("UTF-16 little"));
        assert!(foreign_encoding(&be).unwrap().starts_with("UTF-16 big"));
        assert_eq!(
            foreign_encoding(b"\xFF\xFE\x00\x00i\x00\x00\x00"),
            Some("UTF-32 little-endian")
        );
        let le32: Vec<u8> = "id,name\n"
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        assert!(foreign_encoding(&le32)
            .unwrap()
            .starts_with("UTF-32 little"));
        // UTF-8, with or without a BOM, a stray NUL, a tiny file: none of them.
        for utf8 in [
            &b"id,name\nP1,A\n"[..],
            b"\xEF\xBB\xBFid,name\nP1,A\n",
            b"id,name\nP1,A\x00B\n",
            b"a",
            b"",
        ] {
            assert_eq!(foreign_encoding(utf8), None, "{utf8:?}");
        }
    }

    fn limits(text: &[u8]) -> Option<(u64, String)> {
        beyond_limits(text, b',').unwrap()
    }

    #[test]
    fn the_limits_pass_counts_columns_and_field_bytes_without_keeping_them() {
        assert_eq!(limits(b"a,b\n1,2\n"), None);
        assert_eq!(limits(b""), None);
        let wide = format!("a{}\n1\n", ",".repeat(MAX_COLUMNS));
        let (line, detail) = limits(wide.as_bytes()).unwrap();
        assert_eq!(line, 1);
        assert!(
            detail.contains("the header has more than 16,384 columns"),
            "{detail}"
        );
        let at_limit = format!("a{}\n", ",".repeat(MAX_COLUMNS - 1));
        assert_eq!(limits(at_limit.as_bytes()), None);
        let wide_row = format!("a,b\n1,2\n\n3{}\n", ",".repeat(MAX_COLUMNS));
        let (line, detail) = limits(wide_row.as_bytes()).unwrap();
        assert_eq!(line, 4);
        assert!(detail.starts_with("a row has more"), "{detail}");
        let huge = format!("a,b\n1,\"{}\"\n", "x".repeat(MAX_FIELD_BYTES + 1));
        let (line, detail) = limits(huge.as_bytes()).unwrap();
        assert_eq!(line, 2);
        assert!(detail.contains("field 2 of the record"), "{detail}");
        let fits = format!("a,b\n1,\"{}\"\n", "x".repeat(MAX_FIELD_BYTES));
        assert_eq!(limits(fits.as_bytes()), None);
        let name = format!("{},", "x".repeat(999));
        let long_header = format!("a,{}\n", name.repeat(MAX_HEADER_BYTES / 1000 + 1));
        assert!(limits(long_header.as_bytes())
            .unwrap()
            .1
            .contains("header line"));
    }
}
