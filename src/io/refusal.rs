//! Why a binary input file (Parquet, Arrow IPC) is refused before polars reads it:
//! shared by the format checks of [`super::parquet`] and [`super::arrow`].

use super::MAX_COLUMNS;
use crate::error::thousands;

/// Why a Parquet or Arrow file is refused before polars reads it.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The file is not what it declares (a size beyond the file, a corrupt page).
    Corrupt(String),
    /// The file is well formed but beyond a reader limit ([`MAX_COLUMNS`]).
    TooLarge(String),
}

impl From<String> for Refusal {
    fn from(e: String) -> Refusal {
        Refusal::Corrupt(e)
    }
}

impl From<&str> for Refusal {
    fn from(e: &str) -> Refusal {
        Refusal::Corrupt(e.to_string())
    }
}

pub(crate) fn too_many_fields(n: u64) -> Refusal {
    Refusal::TooLarge(format!(
        "the schema has {} fields (nested fields counted), more than the limit of {} columns for a table",
        thousands(n),
        thousands(MAX_COLUMNS as u64)
    ))
}

/// An I/O or decoder error as the text of a [`Refusal::Corrupt`].
pub(crate) fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}
