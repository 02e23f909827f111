//! CSV output: one [`Table`] per file and allocation-free field formatting.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use super::GenerateError;
use crate::schema::TableSpec;

/// One output CSV file (RFC 4180 quoting where needed, `\n` records, header first).
pub(crate) struct Table {
    path: PathBuf,
    wtr: csv::Writer<BufWriter<File>>,
    /// Scratch buffer for formatting one field.
    pub(crate) buf: Vec<u8>,
}

impl Table {
    /// Creates `dir/NAME.csv` for the contract table `spec` and writes its header: the
    /// contract's columns, in contract order.
    pub(crate) fn create(dir: &Path, spec: &TableSpec) -> Result<Self, GenerateError> {
        let path = dir.join(format!("{}.csv", spec.name));
        let file = File::create(&path).map_err(|source| GenerateError::Io {
            path: path.clone(),
            source,
        })?;
        let wtr = csv::WriterBuilder::new()
            .buffer_capacity(1 << 16)
            .from_writer(BufWriter::with_capacity(1 << 16, file));
        let mut table = Table {
            path,
            wtr,
            buf: Vec::with_capacity(64),
        };
        for column in spec.columns {
            table.field(column.name.as_bytes())?;
        }
        table.end()?;
        Ok(table)
    }

    fn io_err(&self, e: csv::Error) -> GenerateError {
        let source = match e.into_kind() {
            csv::ErrorKind::Io(e) => e,
            other => io::Error::other(format!("{other:?}")),
        };
        GenerateError::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// Writes one field of the current record.
    pub(crate) fn field(&mut self, bytes: &[u8]) -> Result<(), GenerateError> {
        match self.wtr.write_field(bytes) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.io_err(e)),
        }
    }

    /// Writes the field held in [`buf`](Self::buf).
    pub(crate) fn field_buf(&mut self) -> Result<(), GenerateError> {
        let buf = std::mem::take(&mut self.buf);
        let r = self.field(&buf);
        self.buf = buf;
        r
    }

    /// Ends the current record.
    pub(crate) fn end(&mut self) -> Result<(), GenerateError> {
        match self.wtr.write_record(None::<&[u8]>) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.io_err(e)),
        }
    }

    /// Flushes everything to the file and returns its path.
    pub(crate) fn finish(self) -> Result<PathBuf, GenerateError> {
        let Table { path, wtr, .. } = self;
        let inner = wtr.into_inner().map_err(|e| GenerateError::Io {
            path: path.clone(),
            source: io::Error::new(e.error().kind(), e.error().to_string()),
        })?;
        // Flushes the BufWriter; the file is closed when dropped. No fsync: durability
        // is left to the caller (which renames the finished folder into place).
        inner.into_inner().map_err(|e| GenerateError::Io {
            path: path.clone(),
            source: io::Error::new(e.error().kind(), e.error().to_string()),
        })?;
        Ok(path)
    }
}

/// Zero-padded ids: `prefix` then `n` on at least `width` digits, so that byte order of
/// the ids equals numeric order within one file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdFormat {
    /// Letters before the digits (`P`, `PR`, `C`, `D`).
    pub(crate) prefix: &'static str,
    /// Least number of digits.
    pub(crate) width: usize,
}

impl IdFormat {
    /// An id format wide enough for `count` ids and at least `min_width` digits.
    pub(crate) fn new(prefix: &'static str, min_width: usize, count: usize) -> Self {
        IdFormat {
            prefix,
            width: min_width.max(count.max(1).to_string().len()),
        }
    }

    /// Replaces `buf` with the id of number `n` (1-based).
    pub(crate) fn write(&self, buf: &mut Vec<u8>, n: u64) {
        buf.clear();
        buf.extend_from_slice(self.prefix.as_bytes());
        push_uint(buf, n, self.width);
    }
}

/// The id formats of the four id kinds, each wide enough for its count.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ids {
    /// `P000001`, ...
    pub(crate) partner: IdFormat,
    /// `PR0001`, ...
    pub(crate) product: IdFormat,
    /// `C0000001`, ...
    pub(crate) customer: IdFormat,
    /// `D00000001`, ...
    pub(crate) deal: IdFormat,
}

impl Ids {
    /// The formats for the given numbers of partners, products, customers and deals.
    pub(crate) fn new(partners: usize, products: usize, customers: usize, deals: usize) -> Self {
        Ids {
            partner: IdFormat::new("P", 6, partners),
            product: IdFormat::new("PR", 4, products),
            customer: IdFormat::new("C", 7, customers),
            deal: IdFormat::new("D", 8, deals),
        }
    }
}

/// Replaces `buf` with `cents` as a decimal amount with two decimals (`1234.05`).
pub(crate) fn write_amount(buf: &mut Vec<u8>, cents: u64) {
    buf.clear();
    push_uint(buf, cents / 100, 1);
    buf.push(b'.');
    push_uint(buf, cents % 100, 2);
}

/// Appends the decimal digits of `n`, left-padded with zeros to `min_width` digits
/// (a hand-rolled `format!("{n:0min_width$}")`; formatting is the hot path).
fn push_uint(buf: &mut Vec<u8>, mut n: u64, min_width: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let len = digits.len() - i;
    buf.extend(std::iter::repeat_n(b'0', min_width.saturating_sub(len)));
    buf.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_like_std() {
        let mut buf = Vec::new();
        for (n, w) in [
            (0u64, 1usize),
            (7, 2),
            (42, 6),
            (123_456, 6),
            (1_234_567, 6),
            (u64::MAX, 4),
        ] {
            push_uint(&mut buf, n, w);
            assert_eq!(
                String::from_utf8(std::mem::take(&mut buf)).unwrap(),
                format!("{n:0w$}")
            );
        }
        let id = IdFormat::new("D", 8, 123_456_789);
        id.write(&mut buf, 42);
        assert_eq!(buf, b"D000000042");
        for (cents, text) in [
            (0u64, "0.00"),
            (5, "0.05"),
            (1234, "12.34"),
            (10_000_007, "100000.07"),
        ] {
            write_amount(&mut buf, cents);
            assert_eq!(buf, text.as_bytes());
        }
    }
}
