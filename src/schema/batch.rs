//! Output tables addressed by their declarations ([`super::outputs`]) instead of by
//! position or by loose strings: [`OutTable::col`] checks a column name against the
//! declaration (at compile time in a `const` context), and [`OutTable::batch_named`]
//! builds a batch from (column name, array) pairs in declared order, so two columns of
//! the same type cannot be swapped unnoticed.

use arrow::array::ArrayRef;
use arrow::record_batch::RecordBatch;

use super::outputs::OutTable;

/// Whether two strings are equal, in a `const` context.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl OutTable {
    /// The declared column `name`, returned as is: `const { PARTNER_METRICS.col("name") }`
    /// fails the build when the table declares no such column, so a reader cannot ask
    /// for a column the writer does not write.
    ///
    /// # Panics
    /// When the table declares no column `name` (at compile time in a `const` block).
    pub const fn col(&self, name: &'static str) -> &'static str {
        let mut i = 0;
        while i < self.columns.len() {
            if same(self.columns[i].name, name) {
                return self.columns[i].name;
            }
            i += 1;
        }
        panic!("the table declares no such column")
    }

    /// A batch of this table from `(column name, array)` pairs, in any order: each
    /// declared column exactly once, put in declared order and checked for its declared
    /// type and nullability.
    ///
    /// # Panics
    /// When a declared column is missing or given twice, a name is not declared, or an
    /// array has another type, nulls in a non-nullable column or another length: that is
    /// a bug of the code building the batch, never a property of the input.
    pub fn batch_named(&self, columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        let bug = |what: String| -> ! { panic!("exporter bug: table {}: {what}", self.name) };
        if let Some((n, _)) = columns
            .iter()
            .find(|(n, _)| self.columns.iter().all(|c| c.name != *n))
        {
            bug(format!("column `{n}` is not declared"));
        }
        let mut ordered = Vec::with_capacity(self.columns.len());
        for c in self.columns {
            let mut given = columns.iter().filter(|(n, _)| *n == c.name);
            let Some((_, a)) = given.next() else {
                bug(format!("column `{}` is missing", c.name));
            };
            if given.next().is_some() {
                bug(format!("column `{}` is given twice", c.name));
            }
            if *a.data_type() != c.ty.arrow() {
                bug(format!(
                    "column `{}` is {}, declared {}",
                    c.name,
                    a.data_type(),
                    c.ty.arrow()
                ));
            }
            ordered.push(a.clone());
        }
        self.batch(ordered)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Float64Array, Int64Array, StringArray};

    use super::*;
    use crate::schema::outputs::ECOSYSTEM_CHANGES;

    fn cols(swap: bool) -> Vec<(&'static str, ArrayRef)> {
        let f = |x: f64| Arc::new(Float64Array::from(vec![Some(x)])) as ArrayRef;
        let mut v: Vec<(&str, ArrayRef)> = ECOSYSTEM_CHANGES
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| match c.ty.arrow() {
                arrow::datatypes::DataType::Utf8 => {
                    (c.name, Arc::new(StringArray::from(vec!["m"])) as ArrayRef)
                }
                _ => (c.name, f(i as f64)),
            })
            .collect();
        if swap {
            v.reverse();
        }
        v
    }

    #[test]
    fn named_columns_land_in_declared_order() {
        let a = ECOSYSTEM_CHANGES.batch_named(cols(false));
        let b = ECOSYSTEM_CHANGES.batch_named(cols(true));
        assert_eq!(a, b);
        assert_eq!(const { ECOSYSTEM_CHANGES.col("measure") }, "measure");
    }

    #[test]
    #[should_panic(expected = "is not declared")]
    fn an_unknown_column_fails() {
        let mut c = cols(false);
        c[1].0 = "olde";
        ECOSYSTEM_CHANGES.batch_named(c);
    }

    #[test]
    #[should_panic(expected = "declared Float64")]
    fn a_mistyped_column_fails() {
        let mut c = cols(false);
        c[1].1 = Arc::new(Int64Array::from(vec![1]));
        ECOSYSTEM_CHANGES.batch_named(c);
    }

    #[test]
    #[should_panic(expected = "is missing")]
    fn a_missing_column_fails() {
        let mut c = cols(false);
        c.pop();
        ECOSYSTEM_CHANGES.batch_named(c);
    }
}
