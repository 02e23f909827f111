//! A structural pass over a CSV file before polars parses it: checks UTF-8, column counts
//! and quoting record by record, and remembers the physical line of every data row so
//! that later errors can say "row 17 (line 19)".
//!
//! polars' reader is fast but reports structural problems without a location; the `csv`
//! crate reports the exact line of every record, so this pass gives the user the file,
//! row, line, column and value the contract promises.

use std::path::Path;

use crate::error::{InputError, Rule};

/// What the scan learned about a well-formed file.
#[derive(Debug, Clone)]
pub struct CsvScan {
    /// Header names, BOM removed.
    pub header: Vec<String>,
    /// Physical 1-based line where each data row starts.
    pub lines: Vec<u32>,
}

/// Scans `path`; returns the header and line map, or every structural problem found
/// (capped, since one broken quote can make every later row look broken).
pub fn scan(path: &Path, file: &str, table: &'static str) -> Result<CsvScan, Vec<InputError>> {
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
    let f = std::fs::File::open(path).map_err(|e| {
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
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(std::io::BufReader::with_capacity(1 << 20, f));
    let mut errors = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut header: Option<Vec<String>> = None;
    let mut lines = Vec::new();
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
        let line = record.position().map(|p| p.line()).unwrap_or(0);
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
        }),
        Some(header) => Ok(CsvScan { header, lines }),
    }
}
