//! The per-row machinery of validation: a [`Check`] per table records each problem with
//! file, row, line, column and value; [`Problems`] sorts them into fatal errors and (with
//! `skip_invalid`) rejected rows; column checks run as parallel [`Part`]s absorbed in a
//! fixed order, so messages and results never depend on the thread count.

use super::id_table::{IdIndex, RowsById};
use arrow::array::{LargeStringArray, LargeStringBuilder};

use super::columns::{date_cells, text_column, texts, Cells, Text};
use super::dict::{Dict, NULL};
use crate::config::TextMap;
use crate::error::{InputError, Rule};
use crate::io::raw::RawTable;

/// Problems found so far: fatal errors and (in skip mode) rejected rows.
pub(super) struct Problems {
    pub(super) skip_invalid: bool,
    pub(super) errors: Vec<InputError>,
    pub(super) rejected: Vec<InputError>,
}

impl Problems {
    pub(super) fn new(skip_invalid: bool) -> Self {
        Problems {
            skip_invalid,
            errors: Vec::new(),
            rejected: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, e: InputError) {
        if self.skip_invalid && e.rule.is_row_level() {
            self.rejected.push(e);
        } else {
            self.errors.push(e);
        }
    }
}

/// Per-table row checker: records problems with file, row, line, column and value.
pub(super) struct Check<'a> {
    pub(super) raw: &'a RawTable,
    pub(super) bad: Vec<bool>,
}

impl<'a> Check<'a> {
    pub(super) fn new(raw: &'a RawTable) -> Self {
        Check {
            raw,
            bad: vec![false; raw.n_rows()],
        }
    }

    pub(super) fn error(
        &self,
        row: Option<usize>,
        column: Option<&str>,
        value: Option<&str>,
        rule: Rule,
    ) -> InputError {
        InputError {
            file: self.raw.source.display.clone(),
            table: self.raw.spec.name,
            row: row.map(|r| self.raw.row_number(r)),
            line: row.and_then(|r| self.raw.line_of(r)),
            column: column.map(|c| self.raw.user_name(c)),
            value: value.map(str::to_string),
            rule,
        }
    }

    pub(super) fn row(
        &mut self,
        p: &mut Problems,
        row: usize,
        column: &str,
        value: Option<&str>,
        rule: Rule,
    ) {
        self.bad[row] = true;
        let e = self.error(Some(row), Some(column), value, rule);
        p.push(e);
    }

    pub(super) fn file(&self, p: &mut Problems, column: Option<&str>, rule: Rule) {
        let e = self.error(None, column, None, rule);
        p.push(e);
    }

    /// A text column (ids or free text) converted to String, or a wrong-type problem.
    pub(super) fn text(&self, p: &mut Problems, column: &str, what: &'static str) -> Option<Text> {
        match text_column(self.raw, column, what) {
            Ok(c) => c,
            Err(rule) => {
                self.file(p, Some(column), rule);
                None
            }
        }
    }

    /// Reads a unique, non-empty id column; duplicates are reported on the later row.
    pub(super) fn ids(&mut self, p: &mut Problems, column: &str) -> LargeStringArray {
        let Some(c) = self.text(p, column, "text or integer ids") else {
            // The wrong-type problem is recorded and fails the run; one empty id per row
            // keeps the row indexing of the other columns in step until then.
            return LargeStringArray::new_null(self.raw.n_rows());
        };
        // Each id's first row, looked up through the ids appended so far.
        let mut first = RowsById::with_capacity(self.raw.n_rows());
        let mut out = LargeStringBuilder::with_capacity(self.raw.n_rows(), 0);
        for (row, v) in texts(&c).enumerate() {
            match v {
                None => {
                    self.row(p, row, column, Some(""), Rule::EmptyId);
                    out.append_null();
                }
                Some(s) => {
                    if let Some(c) = forbidden_in_id(s) {
                        self.row(
                            p,
                            row,
                            column,
                            Some(s),
                            Rule::ControlCharacterInId {
                                character: format!("U+{:04X}", u32::from(c)),
                            },
                        );
                        out.append_null();
                    } else {
                        let appended = |r: u32| {
                            let (o, r) = (out.offsets_slice(), r as usize);
                            &out.values_slice()[o[r] as usize..o[r + 1] as usize]
                        };
                        if let Some(r0) = first.first_or_insert(s.as_bytes(), row as u32, appended)
                        {
                            self.row(
                                p,
                                row,
                                column,
                                Some(s),
                                Rule::DuplicateId {
                                    first_row: u64::from(r0) + 1,
                                },
                            );
                        }
                        out.append_value(s);
                    }
                }
            }
        }
        out.finish()
    }

    /// A free-text column, with the config's value mapping applied.
    pub(super) fn optional_texts(
        &self,
        p: &mut Problems,
        column: &str,
        map: &TextMap,
    ) -> Vec<Option<String>> {
        match self.text(p, column, "text") {
            Some(c) => texts(&c)
                .map(|v| v.map(|s| map.apply(s).to_string()))
                .collect(),
            None => vec![None; self.raw.n_rows()],
        }
    }

    /// Codes of a key column in `dict`, with the config's value mapping applied.
    pub(super) fn keys(
        &mut self,
        p: &mut Problems,
        column: &str,
        dict: &mut Dict,
        map: &TextMap,
    ) -> Vec<u32> {
        match self.text(p, column, "text or integer ids") {
            Some(c) => texts(&c)
                .map(|v| v.map_or(NULL, |s| dict.code(map.apply(s))))
                .collect(),
            None => vec![NULL; self.raw.n_rows()],
        }
    }

    pub(super) fn cells<T: Copy>(
        &mut self,
        p: &mut Problems,
        column: &str,
        cells: Result<Option<Cells<T>>, Rule>,
    ) -> Vec<Option<T>> {
        match cells {
            Ok(Some(cells)) => {
                for (row, rule, value) in cells.bad {
                    self.row(p, row, column, Some(&value), rule);
                }
                cells.values
            }
            Ok(None) => vec![None; self.raw.n_rows()],
            Err(rule) => {
                self.file(p, Some(column), rule);
                vec![None; self.raw.n_rows()]
            }
        }
    }

    pub(super) fn dates(
        &mut self,
        p: &mut Problems,
        column: &str,
        format: Option<&str>,
    ) -> Vec<Option<i64>> {
        let cells = date_cells(self.raw, column, format);
        self.cells(p, column, cells)
    }

    pub(super) fn empty_table(&self, p: &mut Problems) {
        if self.raw.n_rows() == 0 {
            self.file(p, None, Rule::EmptyTable);
        }
    }

    /// Row indices kept (not flagged bad), ascending.
    pub(super) fn kept(&self) -> Vec<usize> {
        (0..self.bad.len()).filter(|&row| !self.bad[row]).collect()
    }
}

/// Column checks run as independent parts in parallel, each with its own row flags and
/// problem list, which are then absorbed in a fixed (column) order.
pub(super) struct Part<'a, T> {
    value: T,
    check: Check<'a>,
    problems: Problems,
}

pub(super) fn part<'a, T>(
    raw: &'a RawTable,
    skip_invalid: bool,
    f: impl FnOnce(&mut Check<'a>, &mut Problems) -> T,
) -> Part<'a, T> {
    let mut check = Check::new(raw);
    let mut problems = Problems::new(skip_invalid);
    let value = f(&mut check, &mut problems);
    Part {
        value,
        check,
        problems,
    }
}

impl<'a> Check<'a> {
    pub(super) fn absorb<T>(&mut self, p: &mut Problems, part: Part<'a, T>) -> T {
        for (b, pb) in self.bad.iter_mut().zip(&part.check.bad) {
            *b |= *pb;
        }
        p.errors.extend(part.problems.errors);
        p.rejected.extend(part.problems.rejected);
        part.value
    }
}

/// The values of the rows not flagged `bad` (a [`Check`]'s flags), in place: nothing
/// is copied when no row is bad, and no second column is allocated when some are (a
/// copy of every typed deals column was a tenth of the load peak at 50M deals).
pub(super) fn keep_rows<T>(mut v: Vec<T>, bad: &[bool]) -> Vec<T> {
    if bad.contains(&true) {
        let mut row = 0;
        v.retain(|_| {
            let keep = !bad[row];
            row += 1;
            keep
        });
    }
    v
}

/// The ids of the rows not in `keep` (ascending rows), skipping null ones: what
/// [`IdIndex`] maps to `u32::MAX`.
pub(super) fn rejected_ids(ids: &LargeStringArray, keep: &[usize]) -> Vec<String> {
    let mut kept = keep.iter().peekable();
    let mut out = Vec::new();
    for (row, v) in ids.iter().enumerate() {
        if kept.peek() == Some(&&row) {
            kept.next();
        } else if let Some(id) = v {
            out.push(id.to_string());
        }
    }
    out
}

/// The first character of an id that XML 1.0 cannot hold (Char production: not
/// U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+FFFE, U+FFFF), if any. Tab, line
/// feed and carriage return are allowed: GraphML writes them as character references.
pub(crate) fn forbidden_in_id(id: &str) -> Option<char> {
    id.chars().find(|&c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
    })
}

/// Resolves an id column against `index` (id -> kept row) into `out`.
pub(super) fn resolve(
    c: &mut Check,
    p: &mut Problems,
    column: &str,
    target: &'static str,
    index: &IdIndex<'_>,
    out: &mut [u32],
) {
    let Some(col) = c.text(p, column, "text or integer ids") else {
        return;
    };
    for (row, v) in texts(&col).enumerate() {
        match v {
            None => c.row(p, row, column, Some(""), Rule::EmptyId),
            Some(s) => match index.get(s) {
                Some(k) if k != u32::MAX => out[row] = k,
                // The referenced row is itself invalid: in skip mode this row goes with it;
                // in strict mode the root cause is already reported, so no second message.
                Some(_) if p.skip_invalid => c.row(
                    p,
                    row,
                    column,
                    Some(s),
                    Rule::RejectedReference {
                        target_table: target,
                    },
                ),
                Some(_) => c.bad[row] = true,
                None => c.row(
                    p,
                    row,
                    column,
                    Some(s),
                    Rule::DanglingReference {
                        target_table: target,
                    },
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::keep_rows;
    use proptest::prelude::*;

    proptest! {
        /// In place, the rows not flagged, in order: what gathering them one by one
        /// gives.
        #[test]
        fn keep_rows_gathers_the_kept_rows(
            rows in proptest::collection::vec(any::<(bool, Option<u16>)>(), 0..200),
        ) {
            let values: Vec<Option<String>> =
                rows.iter().map(|(_, v)| v.map(|v| v.to_string())).collect();
            let bad: Vec<bool> = rows.iter().map(|(b, _)| *b).collect();
            let gathered: Vec<Option<String>> =
                (0..rows.len()).filter(|&r| !bad[r]).map(|r| values[r].clone()).collect();
            prop_assert_eq!(keep_rows(values, &bad), gathered);
        }
    }

    #[test]
    fn keep_rows_keeps_everything_or_nothing() {
        assert_eq!(keep_rows(vec![3, 1, 2], &[false; 3]), [3, 1, 2]);
        assert_eq!(keep_rows(vec![3, 1, 2], &[true; 3]), Vec::<i32>::new());
        assert_eq!(keep_rows(vec![3, 1, 2], &[true, true, false]), [2]);
    }
}
