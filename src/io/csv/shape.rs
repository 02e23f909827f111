//! What a structural CSV pass learns about a well-formed file: the answer both passes
//! give, the streaming one of [`super::fast`] and the full one of
//! [`super::scan`].
//!
//! It sits below both so that the full scan can call the streaming pass first without
//! the two files depending on each other.

/// What the scan learned about a well-formed file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CsvScan {
    /// Header names, BOM removed.
    pub header: Vec<String>,
    /// Physical 1-based line where each data row starts.
    pub lines: Vec<u32>,
    /// Per data row: every field is empty (`,,,`): a row of nulls, not a blank line.
    pub all_empty: Vec<bool>,
}
