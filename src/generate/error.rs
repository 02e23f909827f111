//! Why generating failed: a bad configuration or an output file that cannot be written.

use std::path::PathBuf;

/// Why [`generate`](super::generate) failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// A file could not be created or written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file that could not be created or written.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The parameters are out of range.
    #[error("invalid generator configuration: {0}")]
    InvalidConfig(String),
}
