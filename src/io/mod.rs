//! The only place that touches files: readers of input tables (polars, after
//! `binary_check` has vetted Parquet / Arrow files and with `guard` turning a decoder
//! panic into an error), writers of output tables (arrow / parquet), and the atomic,
//! marked output folder (`atomic_dir`).

pub mod atomic_dir;
pub mod binary_check;
pub mod csv_scan;
pub mod guard;
pub mod parquet;
pub mod read;
pub mod write;

/// Input file formats the contract accepts, recognised by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    Parquet,
    /// Arrow IPC, file or stream (told apart by the file's magic bytes).
    Arrow,
}

impl InputFormat {
    pub const EXTENSIONS: [(&'static str, InputFormat); 4] = [
        ("csv", InputFormat::Csv),
        ("parquet", InputFormat::Parquet),
        ("arrow", InputFormat::Arrow),
        ("ipc", InputFormat::Arrow),
    ];

    pub fn from_path(path: &std::path::Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Self::EXTENSIONS
            .iter()
            .find(|(e, _)| *e == ext)
            .map(|(_, f)| *f)
    }
}
