//! Record batches built by column name, checked against a table's declaration
//! ([`OutTable`], `schema/outputs.rs`).
//!
//! A builder that hands [`OutTable::batch`] its arrays by position passes when two
//! columns of the same type are swapped: the schema matches, the file is wrong. Here each
//! array comes with the name of the column it fills; [`named_batch`] puts them in the
//! declared order and refuses a missing, extra, repeated or mistyped column, so a swap
//! is a name that does not fit, found by the first test that builds the table.
//!
//! For reuse (the `export` builders use it; `compare` can too): build
//! `vec![("partner_id", ids), ("deals", deals), ...]` in any order and call
//! [`named_batch`], or [`named`] where a mismatch is a bug of the builder (it panics
//! naming the table and the column, as [`OutTable::batch`] does).

use arrow::array::{Array, ArrayRef};
use arrow::record_batch::RecordBatch;

use crate::error::{Error, Result};
use crate::schema::outputs::OutTable;

/// A batch of `table` from `(column name, array)` pairs in any order: the arrays are put
/// in the order the declaration lists the columns.
///
/// # Errors
/// [`Error::Export`] naming the table and the column when a declared column has no
/// array, a name is not declared or comes twice, an array's type is not the declared
/// one, or (from arrow) the lengths differ or a non-nullable column holds a null.
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use arrow::array::{ArrayRef, Float64Array, StringArray};
/// use ecograph::export::batch::named_batch;
/// use ecograph::schema::out;
///
/// let strategy: ArrayRef = Arc::new(StringArray::from(vec!["targeted"]));
/// let removed: ArrayRef = Arc::new(Float64Array::from(vec![0.0]));
/// let lcc: ArrayRef = Arc::new(Float64Array::from(vec![1.0]));
/// // Any order: the declaration decides the file's.
/// let b = named_batch(
///     &out::RESILIENCE,
///     vec![("lcc_fraction", lcc.clone()), ("strategy", strategy), ("removed_fraction", removed)],
/// )
/// .unwrap();
/// assert_eq!(b.schema().field(0).name(), "strategy");
/// // A column left out is refused by name.
/// let e = named_batch(&out::RESILIENCE, vec![("lcc_fraction", lcc)]).unwrap_err();
/// assert!(e.to_string().contains("no array for column 'strategy'"));
/// ```
pub fn named_batch(table: &OutTable, cols: Vec<(&str, ArrayRef)>) -> Result<RecordBatch> {
    let fail = |message: String| Error::Export {
        path: table.name.into(),
        message,
    };
    let mut slots: Vec<Option<ArrayRef>> = vec![None; table.columns.len()];
    for (name, array) in cols {
        let Some(i) = table.columns.iter().position(|c| c.name == name) else {
            return Err(fail(format!(
                "column '{name}' is not declared in {}",
                table.name
            )));
        };
        let declared = table.columns[i].ty.arrow();
        if array.data_type() != &declared {
            return Err(fail(format!(
                "column '{name}' is declared {declared}, got {}",
                array.data_type()
            )));
        }
        if slots[i].replace(array).is_some() {
            return Err(fail(format!("column '{name}' is given twice")));
        }
    }
    let arrays = slots
        .into_iter()
        .zip(table.columns)
        .map(|(a, c)| a.ok_or_else(|| fail(format!("no array for column '{}'", c.name))))
        .collect::<Result<Vec<_>>>()?;
    RecordBatch::try_new(table.schema(), arrays).map_err(|e| fail(e.to_string()))
}

/// [`named_batch`] for a builder whose columns are fixed by the code, not the data: a
/// mismatch is a bug of the builder.
///
/// # Panics
/// When [`named_batch`] refuses the columns, with its message.
pub fn named(table: &OutTable, cols: Vec<(&str, ArrayRef)>) -> RecordBatch {
    named_batch(table, cols).unwrap_or_else(|e| {
        panic!(
            "exporter bug: columns do not match the declaration of {}: {e}",
            table.name
        )
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};

    use super::*;
    use crate::schema::out;

    fn resilience_cols() -> Vec<(&'static str, ArrayRef)> {
        vec![
            (
                "strategy",
                Arc::new(StringArray::from(vec!["random"])) as ArrayRef,
            ),
            ("removed_fraction", Arc::new(Float64Array::from(vec![0.1]))),
            ("lcc_fraction", Arc::new(Float64Array::from(vec![0.9]))),
        ]
    }

    #[test]
    fn columns_are_put_in_declared_order_whatever_the_order_given() {
        let mut cols = resilience_cols();
        cols.reverse();
        let b = named_batch(&out::RESILIENCE, cols).unwrap();
        assert_eq!(b.schema(), out::RESILIENCE.schema());
        let lcc = b.column(2).as_any().downcast_ref::<Float64Array>().unwrap();
        assert_eq!(lcc.value(0), 0.9);
    }

    #[test]
    fn missing_extra_repeated_and_mistyped_columns_are_refused_by_name() {
        let msg = |cols| named_batch(&out::RESILIENCE, cols).unwrap_err().to_string();
        let mut missing = resilience_cols();
        missing.pop();
        assert!(msg(missing).contains("no array for column 'lcc_fraction'"));
        let mut extra = resilience_cols();
        extra.push(("bogus", Arc::new(Float64Array::from(vec![0.0]))));
        assert!(msg(extra).contains("column 'bogus' is not declared in resilience"));
        let mut twice = resilience_cols();
        twice.push(("lcc_fraction", Arc::new(Float64Array::from(vec![0.0]))));
        assert!(msg(twice).contains("column 'lcc_fraction' is given twice"));
        let mut mistyped = resilience_cols();
        mistyped[1].1 = Arc::new(Int64Array::from(vec![1]));
        assert!(msg(mistyped).contains("column 'removed_fraction' is declared Float64, got Int64"));
    }
}
