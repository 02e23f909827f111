//! The structural CSV scan for the common file, in one streaming pass: when every record
//! is one physical line, the line map and the all-empty flags of [`CsvScan`] follow from
//! the newlines alone, and the full record-by-record scan of [`super::scan`] (the
//! `csv` crate over the whole file read into memory) is not needed.
//!
//! The pass proves that the file is such a file, or gives up: it returns `None` at the
//! first thing it does not settle itself (invalid UTF-8, a BOM before a quote, a blank line before the
//! header, a carriage return not ending a line, a quoted field that runs over a line
//! end, a row whose field count differs from the header's), and the caller runs the full
//! scan, which reports the problem with its row and line. So when this pass answers, its
//! answer is the full scan's (the tests check the two agree), and every error still
//! comes from the full scan.
//!
//! A line holding no quote is split by counting delimiters; a line holding a quote is
//! read on its own by `csv-core`, the record reader inside the `csv` crate, which reads
//! it exactly as inside the whole file, since the record before it ended at the line's
//! start.

use std::io::Read;

use super::shape::CsvScan;
use crate::io::{MAX_COLUMNS, MAX_FIELD_BYTES, MAX_HEADER_BYTES};

/// Bytes read per step; lines are handled whole, so a longer line grows the buffer.
const CHUNK: usize = 1 << 20;

/// One line's verdict.
enum Line {
    /// Not a record (empty, or only the `\r` of a `\r\n` ending): skipped.
    Blank,
    /// A record: its number of fields, and whether every field is empty.
    Record { fields: usize, all_empty: bool },
}

/// Scans what `reader` yields. `Ok(None)`: the file needs the full scan (see the module
/// documentation); `Err`: reading failed (the caller runs the full scan, which reports
/// it).
pub(crate) fn scan(reader: impl Read, delimiter: u8) -> std::io::Result<Option<CsvScan>> {
    scan_with(reader, delimiter, CHUNK)
}

/// [`scan`] reading `chunk` bytes at a time (small in tests, to cross chunk ends often).
fn scan_with(
    mut reader: impl Read,
    delimiter: u8,
    chunk: usize,
) -> std::io::Result<Option<CsvScan>> {
    if matches!(delimiter, b'"' | b'\n' | b'\r') {
        return Ok(None);
    }
    let mut state = State::new(delimiter);
    let mut buf: Vec<u8> = Vec::with_capacity(chunk);
    let mut start_of_file = true;
    loop {
        // Keep reading until the buffer ends a line or the file ends.
        let filled = buf.len();
        buf.resize(filled + chunk, 0);
        let n = read_some(&mut reader, &mut buf[filled..])?;
        buf.truncate(filled + n);
        let at_end = n == 0;
        if start_of_file {
            const BOM: &[u8] = b"\xEF\xBB\xBF";
            if buf.starts_with(BOM) {
                // Excel's "CSV UTF-8": the full scan strips the BOM from the first name,
                // as this pass does by dropping it (a quote after it is another
                // matter: see `State::line`).
                buf.drain(..BOM.len());
                state.bom = true;
                start_of_file = false;
                continue;
            }
            if BOM.starts_with(&buf) && !at_end {
                continue; // not yet known
            }
            start_of_file = false;
        }
        let upto = if at_end {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => i + 1,
                // A line longer than any the limits allow: the full scan's limit pass
                // reports it, without holding it.
                None if buf.len() > state.line_limit() => return Ok(None),
                None => continue, // a line longer than the buffer: read on
            }
        };
        // Whole lines end at an ASCII byte, so a valid piece is valid where it is cut.
        let Ok(text) = std::str::from_utf8(&buf[..upto]) else {
            return Ok(None);
        };
        if !state.lines_of(text.as_bytes(), at_end) {
            return Ok(None);
        }
        if at_end {
            break;
        }
        buf.drain(..upto);
    }
    Ok(state.header.map(|names| CsvScan {
        header: names,
        lines: state.lines,
        all_empty: state.all_empty,
    }))
}

/// `read` that retries on interruption.
fn read_some(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

/// What the pass has learned so far.
struct State {
    delimiter: u8,
    /// The file started with a UTF-8 BOM (dropped).
    bom: bool,
    /// The header's names, once read.
    header: Option<Vec<String>>,
    lines: Vec<u32>,
    all_empty: Vec<bool>,
    /// Physical lines handled so far.
    line: u64,
    /// The reader of lines holding a quote (the `csv` crate's core, which its `Reader`
    /// runs with the same defaults), reset before each one.
    quoted: csv_core::Reader,
    /// Its field bytes and field ends.
    fields: Vec<u8>,
    ends: Vec<usize>,
}

impl State {
    fn new(delimiter: u8) -> State {
        State {
            delimiter,
            bom: false,
            header: None,
            lines: Vec::new(),
            all_empty: Vec::new(),
            line: 0,
            quoted: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            fields: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// Handles the lines of `piece` (each ending in `\n`, except the file's last line
    /// when `at_end`); false when the file needs the full scan.
    fn lines_of(&mut self, piece: &[u8], at_end: bool) -> bool {
        if self.header.is_some()
            && memchr::memchr2(b'"', b'\r', piece).is_none()
            && self.simple_lines(piece)
        {
            return true;
        }
        let mut rest = piece;
        while !rest.is_empty() {
            let (line, next) = match memchr::memchr(b'\n', rest) {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None if at_end => (rest, &rest[rest.len()..]),
                None => return false, // cannot happen: pieces end at a newline
            };
            rest = next;
            self.line += 1;
            if !self.line(line) {
                return false;
            }
        }
        true
    }

    /// The lines of a piece without quotes or carriage returns, after the header: a
    /// record per line, its fields counted by its delimiters. False (nothing recorded)
    /// when a line is blank or has another field count, for [`State::line`] to judge.
    fn simple_lines(&mut self, piece: &[u8]) -> bool {
        let want = self.header.as_ref().map_or(0, Vec::len);
        let (start_lines, start_line) = (self.lines.len(), self.line);
        let mut line = self.line;
        let mut ok = true;
        for body in piece.split_inclusive(|&b| b == b'\n') {
            let body = body.strip_suffix(b"\n").unwrap_or(body);
            let delimiters = body.iter().filter(|&&b| b == self.delimiter).count();
            line += 1;
            if body.is_empty() || delimiters + 1 != want || body.len() > MAX_FIELD_BYTES {
                ok = false;
                break;
            }
            self.lines.push(u32::try_from(line).unwrap_or(u32::MAX));
            self.all_empty.push(delimiters == body.len());
        }
        if ok {
            self.line = line;
        } else {
            self.lines.truncate(start_lines);
            self.all_empty.truncate(start_lines);
            self.line = start_line;
        }
        ok
    }

    /// The longest line this pass handles: a header line of [`MAX_HEADER_BYTES`], a
    /// data line of [`MAX_FIELD_BYTES`] (a longer line may hold a field beyond the
    /// limit; the full scan's limit pass settles it).
    fn line_limit(&self) -> usize {
        if self.header.is_some() {
            MAX_FIELD_BYTES
        } else {
            MAX_HEADER_BYTES
        }
    }

    /// Handles one physical line (without its `\n`).
    fn line(&mut self, line: &[u8]) -> bool {
        if line.len() > self.line_limit() {
            return false;
        }
        let body = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(verdict) = self.read_line(body) else {
            return false;
        };
        if self.header.is_none() && self.bom && body.starts_with(b"\"") {
            // After a BOM a quote is not at the start of its field for the `csv`
            // crate, so the full scan reads it as text: left to it.
            return false;
        }
        let Some(h) = &self.header else {
            // The full scan skips blank lines before the header too, but they move its
            // line count in ways not worth copying for a file no exporter writes.
            return match verdict {
                Line::Blank => false,
                Line::Record { .. } => self.read_header(body),
            };
        };
        let Line::Record { fields, all_empty } = verdict else {
            return true;
        };
        if fields != h.len() {
            return false;
        }
        self.lines
            .push(u32::try_from(self.line).unwrap_or(u32::MAX));
        self.all_empty.push(all_empty);
        true
    }

    /// The verdict on a line's text (its `\r\n` or `\n` removed); None when a carriage
    /// return or a quoted field makes it other than one record.
    fn read_line(&mut self, body: &[u8]) -> Option<Line> {
        if memchr::memchr(b'\r', body).is_some() {
            return None; // a record may end there: the full scan counts such lines
        }
        if memchr::memchr(b'"', body).is_none() {
            if body.is_empty() {
                return Some(Line::Blank);
            }
            let delimiters = body.iter().filter(|&&b| b == self.delimiter).count();
            return Some(Line::Record {
                fields: delimiters + 1,
                all_empty: delimiters == body.len(),
            });
        }
        let n = self.quoted_record(body)?;
        let ends = &self.ends[..n];
        if n == 1 && ends[0] == 0 {
            // `""` alone: the full scan skips it as a blank line.
            return Some(Line::Blank);
        }
        Some(Line::Record {
            fields: n,
            all_empty: ends[n - 1] == 0,
        })
    }

    /// Reads a line holding a quote, then its newline, as the full scan reads it; the
    /// number of fields (their bytes and ends in `fields` and `ends`), or None unless
    /// it is exactly one record that ends with the line.
    fn quoted_record(&mut self, body: &[u8]) -> Option<usize> {
        use csv_core::ReadRecordResult as R;
        self.quoted.reset();
        // Fields hold at most the line's bytes; there is at most one more field than
        // bytes, and no more than the limit of columns (a record of more is left to the
        // full scan's limit pass).
        self.fields.resize(body.len() + 1, 0);
        self.ends.resize((body.len() + 2).min(MAX_COLUMNS + 2), 0);
        let (r, nin, nout, nends) = self
            .quoted
            .read_record(body, &mut self.fields, &mut self.ends);
        if !matches!(r, R::InputEmpty) || nin != body.len() {
            return None;
        }
        // A quote left open would take the newline into its field (and, in the file,
        // the lines after it) and ask for more input instead of ending the record.
        let (r, nin, _, more) =
            self.quoted
                .read_record(b"\n", &mut self.fields[nout..], &mut self.ends[nends..]);
        if !matches!(r, R::Record) || nin != 1 {
            return None;
        }
        Some(nends + more)
    }

    /// Reads the header line (already known to be one record).
    fn read_header(&mut self, body: &[u8]) -> bool {
        let names: Vec<&[u8]> = if memchr::memchr(b'"', body).is_some() {
            let Some(n) = self.quoted_record(body) else {
                return false;
            };
            let mut start = 0;
            self.ends[..n]
                .iter()
                .map(|&end| {
                    let f = &self.fields[start..end];
                    start = end;
                    f
                })
                .collect()
        } else {
            if memchr::memchr_iter(self.delimiter, body).count() >= MAX_COLUMNS {
                return false;
            }
            body.split(|&b| b == self.delimiter).collect()
        };
        if names.len() > MAX_COLUMNS {
            return false;
        }
        let mut header = Vec::with_capacity(names.len());
        for n in names {
            match std::str::from_utf8(n) {
                Ok(s) => header.push(s.to_string()),
                Err(_) => return false,
            }
        }
        self.header = Some(header);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::csv::scan::scan_bytes;
    use proptest::prelude::*;

    /// The pass over `bytes`, read `chunk` bytes at a time.
    fn fast(bytes: &[u8], chunk: usize) -> Option<CsvScan> {
        scan_with(bytes, b',', chunk).unwrap()
    }

    /// Where the pass answers, at any chunk size, its answer is the full scan's.
    fn agrees(bytes: &[u8]) -> Option<CsvScan> {
        let answers: Vec<Option<CsvScan>> = [1, 2, 5, 16, CHUNK]
            .into_iter()
            .map(|chunk| fast(bytes, chunk))
            .collect();
        assert!(
            answers.windows(2).all(|w| w[0] == w[1]),
            "chunk sizes disagree on {bytes:?}"
        );
        let answer = answers[0].clone();
        if let Some(a) = &answer {
            let full = scan_bytes(bytes, "t.csv", "deals", b',').ok();
            assert_eq!(
                full.as_ref(),
                Some(a),
                "on {:?}",
                String::from_utf8_lossy(bytes)
            );
        }
        answer
    }

    #[test]
    fn plain_files_are_settled_with_the_full_scans_line_map() {
        let s = agrees(b"a,b\n1,2\n3,4\n").unwrap();
        assert_eq!(s.header, ["a", "b"]);
        assert_eq!(s.lines, [2, 3]);
        assert_eq!(s.all_empty, [false, false]);
        // No newline at the end, CRLF endings, a header alone.
        assert_eq!(agrees(b"a,b\n1,2\n3,4").unwrap().lines, [2, 3]);
        assert_eq!(agrees(b"a,b\r\n1,2\r\n3,4\r\n").unwrap().lines, [2, 3]);
        assert!(agrees(b"a,b\n").unwrap().lines.is_empty());
    }

    #[test]
    fn blank_lines_and_empty_rows_keep_their_lines() {
        let s = agrees(b"a,b\n1,2\n\n,\n\r\n3,4\n").unwrap();
        assert_eq!(s.lines, [2, 4, 6]);
        assert_eq!(s.all_empty, [false, true, false]);
        // One column: `""` is a blank line too, as the full scan reads it.
        let s = agrees(b"id\nx\n\"\"\ny\n").unwrap();
        assert_eq!(s.lines, [2, 4]);
    }

    #[test]
    fn quoted_fields_on_one_line_are_settled() {
        let s = agrees(b"id,name\n1,\"Acme, Inc.\"\n2,\"say \"\"hi\"\"\"\n3,a\"b\n").unwrap();
        assert_eq!(s.lines, [2, 3, 4]);
        let s = agrees(b"\"id\",\"na,me\"\n1,\"\"\n").unwrap();
        assert_eq!(s.header, ["id", "na,me"]);
        assert_eq!(s.all_empty, [false]);
        assert_eq!(agrees(b"a,b\n\"\",\"\"\n").unwrap().all_empty, [true]);
    }

    #[test]
    fn what_the_pass_cannot_settle_goes_to_the_full_scan() {
        for bytes in [
            &b"a,b\n1,\"two\nlines\"\n3,4\n"[..], // a quoted newline
            b"a,b\n1,\"open\n",                   // a quote left open
            b"a,b\n1,x\"y,\"z\n",                 // a quote opened mid-line
            b"a,b\n1,2,3\n",                      // too many fields
            b"a,b\n1\n",                          // too few
            b"a,b\n1,\xff\n",                     // not UTF-8
            b"\xEF\xBB\xBF\"a\",b\n1,2\n",        // a BOM before a quote
            b"\na,b\n1,2\n",                      // a blank line before the header
            b"a,b\n1,2\r3,4\n",                   // a lone carriage return
            b"",
            b"\n\n",
        ] {
            assert_eq!(agrees(bytes), None, "{:?}", String::from_utf8_lossy(bytes));
        }
        // The full scan still finds the line of each record.
        let full = scan_bytes(b"a,b\n1,\"two\nlines\"\n3,4\n", "t.csv", "deals", b',').unwrap();
        assert_eq!(full.lines, [2, 4]);
    }

    #[test]
    fn a_utf8_bom_is_dropped_as_the_full_scan_drops_it() {
        let s = agrees(b"\xEF\xBB\xBFa,b\n1,2\n3,\"x\"\n").unwrap();
        assert_eq!(s.header, ["a", "b"]);
        assert_eq!(s.lines, [2, 3]);
        assert_eq!(agrees(b"\xEF\xBB\xBFa\r\nx\r\n").unwrap().header, ["a"]);
        // A BOM alone, or before a blank line: the full scan's.
        assert_eq!(agrees(b"\xEF\xBB\xBF"), None);
        assert_eq!(agrees(b"\xEF\xBB\xBF\na\n"), None);
    }

    #[test]
    fn what_is_beyond_the_limits_goes_to_the_full_scans_limit_pass() {
        let at = |b: &[u8]| scan_with(b, b',', CHUNK).unwrap();
        let wide = format!("a{}\n1\n", ",".repeat(MAX_COLUMNS));
        assert_eq!(at(wide.as_bytes()), None);
        let quoted = format!("\"a\"{}\n1\n", ",".repeat(MAX_COLUMNS));
        assert_eq!(at(quoted.as_bytes()), None);
        let at_limit = format!("a{}\n", ",".repeat(MAX_COLUMNS - 1));
        assert_eq!(at(at_limit.as_bytes()).unwrap().header.len(), MAX_COLUMNS);
        let long_line = format!("a,b\n1,{}\n", "x".repeat(MAX_FIELD_BYTES));
        assert_eq!(at(long_line.as_bytes()), None);
        let long_header = format!("a,{}\n1,2\n", "x".repeat(MAX_HEADER_BYTES));
        assert_eq!(at(long_header.as_bytes()), None);
        assert!(at(b"a,b\n1,2\n").is_some());
    }

    #[test]
    fn another_delimiter_is_counted_and_a_quote_delimiter_is_refused() {
        let s = scan_with(&b"a;b\n1;2,5\n"[..], b';', CHUNK)
            .unwrap()
            .unwrap();
        assert_eq!(s.header, ["a", "b"]);
        assert_eq!(s.lines, [2]);
        assert_eq!(scan_with(&b"a\"b\n"[..], b'"', CHUNK).unwrap(), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// On any mix of the bytes that matter to CSV structure, the pass either gives
        /// the full scan's answer or leaves the file to it.
        #[test]
        fn the_pass_agrees_with_the_full_scan(
            body in proptest::collection::vec(
                prop_oneof![
                    Just(b'a'), Just(b','), Just(b'"'), Just(b'\n'), Just(b'\r'),
                    Just(b' '), Just(0xC3), Just(0xA9), Just(0xEF),
                ],
                0..40,
            ),
        ) {
            let mut bytes = b"h1,h2\n".to_vec();
            bytes.extend(&body);
            agrees(&bytes);
            agrees(&body);
            agrees(&[&b"\xEF\xBB\xBF"[..], &body].concat());
        }
    }
}
