//! What the report's builders (model, program, scorecards) share to read tables: the
//! column reads of [`crate::results`] (an error naming table and column, never a
//! panic), the partners view, the table lookup, and ranking by a key. A module of its
//! own so that those builders depend on it, not on each other.

use arrow::record_batch::RecordBatch;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::results::Results;
pub(super) use crate::results::{dates, floats, ints, strs, top_by, Partners};
use crate::schema::out;
use crate::schema::outputs::OutTable;

/// Table `table` of `r`, or an error naming it.
pub(super) fn need<'a>(r: &'a Results, table: &OutTable) -> Result<&'a RecordBatch> {
    r.table(table.name).ok_or_else(|| missing(r, table))
}

/// The error of a table the report needs and `r` lacks.
pub(super) fn missing(r: &Results, table: &OutTable) -> Error {
    Error::Results {
        path: r.dir.clone(),
        reason: format!("it has no {} table; the report needs one", table.name),
    }
}

/// A bounded list and how many were left out of it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bounded<T> {
    /// The rows shown.
    pub rows: Vec<T>,
    /// Rows of the source table in all.
    pub total: usize,
}

/// One customer row of overlap_pairs, as the report reads it.
pub(super) struct CustomerPair<'a> {
    /// partner_a.
    pub a: &'a Option<String>,
    /// partner_b.
    pub b: &'a Option<String>,
    /// Shared customers (0 when null).
    pub shared: i64,
    /// Jaccard (0 when null).
    pub jaccard: f64,
}

/// Streams the customer-dimension rows of overlap_pairs, in file order, to `f`; false
/// when the folder has no overlap_pairs table ([`Results::stream`]).
pub(super) fn customer_pairs(r: &Results, f: &mut dyn FnMut(CustomerPair<'_>)) -> Result<bool> {
    r.stream(out::OVERLAP_PAIRS.name, &mut |p| {
        let (a, b, dim, shared, jaccard) = (
            strs(p, const { out::OVERLAP_PAIRS.col("partner_a") })?,
            strs(p, const { out::OVERLAP_PAIRS.col("partner_b") })?,
            strs(p, const { out::OVERLAP_PAIRS.col("dimension") })?,
            ints(p, const { out::OVERLAP_PAIRS.col("shared") })?,
            floats(p, const { out::OVERLAP_PAIRS.col("jaccard") })?,
        );
        for i in 0..p.num_rows() {
            if dim[i].as_deref() == Some("customer") {
                f(CustomerPair {
                    a: &a[i],
                    b: &b[i],
                    shared: shared[i].unwrap_or(0),
                    jaccard: jaccard[i].unwrap_or(0.0),
                });
            }
        }
        Ok(())
    })
}
