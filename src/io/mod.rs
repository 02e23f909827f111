//! The only place that touches files: readers of input tables (feature `read`: polars,
//! after `binary_check` has vetted Parquet / Arrow files and with `guard` turning a
//! decoder panic into an error), the input files' checksums (`checksum`), the
//! reader-independent tables as read (`raw`), writers of output tables (arrow /
//! parquet), and the output paths: one rule for every target (`out_path`), the atomic,
//! marked output folder (`atomic_dir`) and the atomic page (`atomic_file`).

pub mod atomic_dir;
pub mod atomic_file;
#[cfg(feature = "read")]
pub(crate) mod binary_check;
#[cfg(feature = "read")]
mod bridge;
#[cfg(feature = "read")]
pub mod checksum;
#[cfg(feature = "read")]
mod csv_fast;
#[cfg(feature = "read")]
pub(crate) mod csv_scan;
#[cfg(feature = "read")]
mod csv_shape;
#[cfg(feature = "read")]
pub(crate) mod guard;
pub mod out_path;
pub(crate) mod parquet;
pub mod raw;
#[cfg(feature = "read")]
pub mod read;
pub mod write;

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
