//! What the report's builders (model, program, scorecards) share to read tables: the
//! column reads of [`crate::results`] (an error naming table and column, never a
//! panic), the partners view, the table lookup, and ranking by a key. A module of its
//! own so that those builders depend on it, not on each other.

use arrow::record_batch::RecordBatch;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::results::Results;
pub(super) use crate::results::{dates, floats, ints, strs, Partners};

/// Table `table` of `r`, or an error naming it.
pub(super) fn need<'a>(r: &'a Results, table: &str) -> Result<&'a RecordBatch> {
    r.table(table).ok_or_else(|| missing(r, table))
}

/// The error of a table the report needs and `r` lacks.
pub(super) fn missing(r: &Results, table: &str) -> Error {
    Error::Results {
        path: r.dir.clone(),
        reason: format!("it has no {table} table; the report needs one"),
    }
}

/// The top `k` indices of `key` (descending, ties by index).
pub(super) fn top_by(len: usize, k: usize, key: impl Fn(usize) -> f64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..len).collect();
    idx.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    idx.truncate(k);
    idx
}

/// A bounded list and how many were left out of it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bounded<T> {
    /// The rows shown.
    pub rows: Vec<T>,
    /// Rows of the source table in all.
    pub total: usize,
}
