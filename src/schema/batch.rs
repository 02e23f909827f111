//! Output columns addressed by their declarations ([`super::outputs`]) instead of by
//! loose strings: [`OutTable::col`] checks a column name against the declaration (at
//! compile time in a `const` context). Batches are built by column name with
//! `export::batch::named`, so two columns of the same type cannot be swapped unnoticed.

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
}

#[cfg(test)]
mod tests {
    use crate::schema::outputs::{ECOSYSTEM_CHANGES, PARTNER_METRICS};

    #[test]
    fn a_declared_column_is_returned_as_declared() {
        const NAME: &str = PARTNER_METRICS.col("name");
        assert_eq!(NAME, "name");
        assert_eq!(ECOSYSTEM_CHANGES.col("measure"), "measure");
    }

    #[test]
    #[should_panic(expected = "declares no such column")]
    fn an_undeclared_column_panics() {
        let _ = PARTNER_METRICS.col("nmae");
    }
}
