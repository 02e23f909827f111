//! A structural pass over a CSV file before polars parses it: checks UTF-8, column counts
//! and quoting record by record, and remembers the physical line of every data row so
//! that later errors can say "row 17 (line 19)".
//!
//! polars' reader is fast but reports structural problems without a location; the `csv`
//! crate reports the exact line of every record, so this pass gives the user the file,
//! row, line, column and value the contract promises. It runs only where it is needed:
//! [`super::csv_fast`] first proves, in one streaming pass, that the file is well formed
//! with one record per line (most files), and only a file it cannot settle is read here
//! record by record.

use std::path::Path;

use crate::error::{InputError, Rule};

/// What the scan learned about a well-formed file.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvScan {
    /// Header names, BOM removed.
    pub header: Vec<String>,
    /// Physical 1-based line where each data row starts.
    pub lines: Vec<u32>,
    /// Per data row: every field is empty (`,,,`): a row of nulls, not a blank line.
    pub all_empty: Vec<bool>,
}

/// Scans `path`; returns the header and line map, or every structural problem found
/// (capped, since one broken quote can make every later row look broken).
pub fn scan(
    path: &Path,
    file: &str,
    table: &'static str,
    delimiter: u8,
) -> Result<CsvScan, Vec<InputError>> {
    // A read error in the streaming pass is left to the full scan, which reports it.
    let fast = std::fs::File::open(path).and_then(|f| super::csv_fast::scan(f, delimiter));
    if let Ok(Some(scan)) = fast {
        return Ok(scan);
    }
    let mk = |row: Option<u64>,
              line: Option<u64>,
              column: Option<String>,
              value: Option<String>,
              rule: Rule| InputError {
        file: file.to_string(),
        table,
        row,
        line,
        column,
        value,
        rule,
    };
    // The whole file is read once: the csv crate's own line counter skips blank lines,
    // so physical lines are counted here from each record's byte offset.
    let bytes = std::fs::read(path).map_err(|e| {
        vec![mk(
            None,
            None,
            None,
            None,
            Rule::Unreadable {
                detail: e.to_string(),
            },
        )]
    })?;
    scan_bytes(&bytes, file, table, delimiter)
}

/// The full scan of a file's bytes, record by record with the `csv` crate.
pub(crate) fn scan_bytes(
    bytes: &[u8],
    file: &str,
    table: &'static str,
    delimiter: u8,
) -> Result<CsvScan, Vec<InputError>> {
    let mk = |row: Option<u64>,
              line: Option<u64>,
              column: Option<String>,
              value: Option<String>,
              rule: Rule| InputError {
        file: file.to_string(),
        table,
        row,
        line,
        column,
        value,
        rule,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(bytes);
    let (mut counted_to, mut newlines) = (0usize, 0u64);
    let mut line_at = |mut offset: usize| {
        // A record's reported start includes the blank lines skipped before it.
        while offset < bytes.len() && (bytes[offset] == b'\n' || bytes[offset] == b'\r') {
            offset += 1;
        }
        let offset = offset.min(bytes.len());
        newlines += bytes[counted_to..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        counted_to = offset;
        newlines + 1
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
                errors.push(mk(
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
        let line = line_at(record.position().map_or(0, |p| p.byte() as usize));
        let Some(h) = &header else {
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
                        errors.push(mk(
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
            header = Some(names);
            continue;
        };
        if record.len() == 1 && record.get(0).is_some_and(|f| f.is_empty()) {
            // A wholly blank line: skipped (contract §4). csv normally drops these itself.
            continue;
        }
        lines.push(u32::try_from(line).unwrap_or(u32::MAX));
        all_empty.push(record.iter().all(|f| f.is_empty()));
        if record.len() != h.len() {
            let spans_lines = record.iter().any(|f| f.contains(&b'\n'));
            let hint = if spans_lines {
                "check for an unbalanced quote: a quoted field runs over several lines"
            } else if record.len() > h.len() {
                "check for an unquoted ',' inside a value"
            } else {
                "a value is missing or the line is cut short"
            };
            errors.push(mk(
                Some(lines.len() as u64),
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
                        "row has {} fields, the header has {} ({hint})",
                        record.len(),
                        h.len()
                    ),
                },
            ));
        }
        for (i, field) in record.iter().enumerate() {
            if std::str::from_utf8(field).is_err() {
                errors.push(mk(
                    Some(lines.len() as u64),
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
    match header {
        _ if !errors.is_empty() => Err(errors),
        None => Ok(CsvScan {
            header: Vec::new(),
            lines,
            all_empty,
        }),
        Some(header) => Ok(CsvScan {
            header,
            lines,
            all_empty,
        }),
    }
}

/// polars turns a wholly blank line into a row of nulls, while the contract (§4) skips
/// such lines. Given which polars rows are entirely null or empty, returns the rows that
/// are real records, matching null rows to the scan's all-empty records in order.
/// `None` when the two readings cannot be aligned (a quoting problem).
pub fn align_rows(null_row: &[bool], scan: &CsvScan) -> Option<Vec<usize>> {
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
