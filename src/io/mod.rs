//! The only place that touches files, one folder per format plus the output folder:
//!
//! - `csv/`: the structural scan of a CSV input before polars parses it (`scan`, with
//!   the streaming `fast` pass and the `shape` both passes agree on);
//! - `parquet/`: the footer and page checks of a Parquet input (`check`) and the
//!   parallel Parquet writer of the outputs (`writer`);
//! - `arrow/`: the message checks of an Arrow IPC input (`check`) and the zero-copy
//!   hand-over from polars' Arrow to arrow-rs (`bridge`);
//! - [`out`]: every output path (`out_path`: one rule for every target), the atomic,
//!   marked output folder (`atomic_dir`), the atomic page (`atomic_file`) and the
//!   table writers (`write`: Parquet, Arrow IPC, CSV);
//! - here: the readers of the input folder (feature `read`: polars, with `guard`
//!   turning a decoder panic into an error and `refusal` saying why a binary file is
//!   refused), the reader-independent tables as read ([`raw`]) and the input files'
//!   checksums ([`checksum`]).

#[cfg(feature = "read")]
pub(crate) mod arrow;
#[cfg(feature = "read")]
pub mod checksum;
#[cfg(feature = "read")]
pub(crate) mod csv;
#[cfg(feature = "read")]
pub(crate) mod guard;
pub mod out;
pub(crate) mod parquet;
pub mod raw;
#[cfg(feature = "read")]
pub mod read;
#[cfg(feature = "read")]
pub(crate) mod refusal;

/// The most columns an input table may have (CSV header, Parquet schema fields, Arrow
/// schema fields): Excel's sheet width, far beyond any CRM export. Checked before a
/// parser allocates per column (a 50 MB header of 25 M empty names once cost 14 GB).
pub const MAX_COLUMNS: usize = 16_384;

/// The most bytes one CSV field (one cell) may hold: 16 MiB, a hundred times a
/// Salesforce long text area. Checked in the streaming scan, before any parser holds
/// the field.
pub const MAX_FIELD_BYTES: usize = 16 << 20;

/// The most bytes the CSV header line may hold: 4 MiB (16,384 names of 256 bytes).
pub const MAX_HEADER_BYTES: usize = 4 << 20;

/// Input file formats the contract accepts, recognised by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Comma-separated text (delimiter, number and date formats from the config).
    Csv,
    /// Apache Parquet.
    Parquet,
    /// Arrow IPC, file or stream (told apart by the file's magic bytes).
    Arrow,
}

impl InputFormat {
    /// File extensions (lower case) and the format each names.
    pub const EXTENSIONS: [(&'static str, InputFormat); 4] = [
        ("csv", InputFormat::Csv),
        ("parquet", InputFormat::Parquet),
        ("arrow", InputFormat::Arrow),
        ("ipc", InputFormat::Arrow),
    ];

    /// The format a file's extension names, if any.
    pub fn from_path(path: &std::path::Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Self::EXTENSIONS
            .iter()
            .find(|(e, _)| *e == ext)
            .map(|(_, f)| *f)
    }
}
