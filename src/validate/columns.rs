//! Typed access to raw Arrow columns: each accessor checks the column's type against
//! the contract (§4 "Parquet / Arrow types") and yields per-row values or errors. The
//! columns may come from polars (via `io::arrow::bridge`) or from any other Arrow producer.

use arrow::array::{Array, ArrayRef, AsArray, StringViewArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Date32Type, Date64Type, Float64Type, Int64Type, TimeUnit};

use super::parse::{check_amount, parse_amount_with, parse_date_with, AmountError};
use crate::config::NumberFormat;
use crate::error::Rule;
use crate::io::raw::RawTable;
use crate::io::InputFormat;

/// A type's name in messages, as users of polars and pyarrow know them (`str`, `i64`,
/// `f64`, `bool`, `date`, `datetime[ms, UTC]`, `list[i64]`, ...).
pub(crate) fn type_name(dt: &DataType) -> String {
    use DataType::*;
    let unit = |u: &TimeUnit| match u {
        TimeUnit::Second => "s",
        TimeUnit::Millisecond => "ms",
        TimeUnit::Microsecond => "μs",
        TimeUnit::Nanosecond => "ns",
    };
    match dt {
        Null => "null".into(),
        Boolean => "bool".into(),
        Int8 => "i8".into(),
        Int16 => "i16".into(),
        Int32 => "i32".into(),
        Int64 => "i64".into(),
        UInt8 => "u8".into(),
        UInt16 => "u16".into(),
        UInt32 => "u32".into(),
        UInt64 => "u64".into(),
        Float16 => "f16".into(),
        Float32 => "f32".into(),
        Float64 => "f64".into(),
        Utf8 | LargeUtf8 | Utf8View => "str".into(),
        Binary | LargeBinary | BinaryView | FixedSizeBinary(_) => "binary".into(),
        Date32 | Date64 => "date".into(),
        Timestamp(u, None) => format!("datetime[{}]", unit(u)),
        Timestamp(u, Some(tz)) => format!("datetime[{}, {tz}]", unit(u)),
        Duration(u) => format!("duration[{}]", unit(u)),
        Time32(_) | Time64(_) => "time".into(),
        Decimal32(p, s) | Decimal64(p, s) => format!("decimal[{p},{s}]"),
        Decimal128(p, s) | Decimal256(p, s) => format!("decimal[{p},{s}]"),
        List(f) | LargeList(f) | ListView(f) | LargeListView(f) => {
            format!("list[{}]", type_name(f.data_type()))
        }
        FixedSizeList(f, n) => format!("array[{}, {n}]", type_name(f.data_type())),
        Struct(fields) => format!("struct[{}]", fields.len()),
        Dictionary(_, _) => "cat".into(),
        other => other.to_string(),
    }
}

fn unreadable(e: impl std::fmt::Display) -> Rule {
    Rule::Unreadable {
        detail: e.to_string(),
    }
}

/// A text column: its chunks, each as `Utf8View`, read in order.
pub(crate) struct Text(Vec<StringViewArray>);

impl Text {
    /// Every row's value in order, across chunks (null as `None`).
    pub(crate) fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.0.iter().flat_map(|a| a.iter())
    }
}

/// A column converted to text (ids and free text), or the type error. Text and integer
/// columns are accepted (integers as their decimal text); all-null columns are empty.
pub(crate) fn text_column(
    raw: &RawTable,
    name: &str,
    what: &'static str,
) -> Result<Option<Text>, Rule> {
    let Some(c) = raw.column(name) else {
        return Ok(None);
    };
    as_text(c, what).map(Some)
}

/// Whether a column of this type holds text.
pub(crate) fn is_text_type(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    )
}

/// The type every chunk of a column has (chunks of one column share it; an empty
/// column counts as all null).
fn data_type(c: &[ArrayRef]) -> DataType {
    c.first().map_or(DataType::Null, |a| a.data_type().clone())
}

/// `c` as text if it is text, integers or all null; otherwise the type error.
pub(crate) fn as_text(c: &[ArrayRef], what: &'static str) -> Result<Text, Rule> {
    let dt = data_type(c);
    let ok = is_text_type(&dt) || dt == DataType::Null || dt.is_integer();
    if !ok {
        return Err(Rule::WrongType {
            expected: what,
            found: type_name(&dt),
        });
    }
    c.iter()
        .map(|a| {
            let t = cast(a, &DataType::Utf8View).map_err(unreadable)?;
            Ok(t.as_string_view().clone())
        })
        .collect::<Result<_, Rule>>()
        .map(Text)
}

/// Iterates a text column, treating the empty string as null (contract §4).
pub(crate) fn texts(c: &Text) -> impl Iterator<Item = Option<&str>> + '_ {
    c.iter().map(|v| v.filter(|s| !s.is_empty()))
}

/// One parsed cell: `Ok(None)` for null, `Err((rule, text))` for a bad value.
pub(crate) type Cell<T> = Result<Option<T>, (Rule, String)>;

/// A parsed column: the value per row (`None` for null and for a bad value), and the
/// bad values apart, with their rows. Kept apart because a column of [`Cell`]s costs
/// the size of a [`Rule`] per row (about 80 bytes; 16 here), and three such columns of
/// a large deals table were the peak of loading.
#[derive(Debug, Default)]
pub(crate) struct Cells<T> {
    /// Per row, the value; `None` for null or bad.
    pub(crate) values: Vec<Option<T>>,
    /// (row, rule broken, the value as text), in row order.
    pub(crate) bad: Vec<(usize, Rule, String)>,
}

impl<T> Cells<T> {
    fn with_capacity(n: usize) -> Cells<T> {
        Cells {
            values: Vec::with_capacity(n),
            bad: Vec::new(),
        }
    }

    /// Appends the next row's cell.
    fn push(&mut self, cell: Cell<T>) {
        match cell {
            Ok(v) => self.values.push(v),
            Err((rule, text)) => {
                self.bad.push((self.values.len(), rule, text));
                self.values.push(None);
            }
        }
    }
}

impl<T> Extend<Cell<T>> for Cells<T> {
    fn extend<I: IntoIterator<Item = Cell<T>>>(&mut self, iter: I) {
        for c in iter {
            self.push(c);
        }
    }
}

impl<T> FromIterator<Cell<T>> for Cells<T> {
    fn from_iter<I: IntoIterator<Item = Cell<T>>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut out = Cells::with_capacity(iter.size_hint().0);
        out.extend(iter);
        out
    }
}

/// The amount column per row: CSV text parsed with the configured number format, typed
/// numbers (integer, float, decimal) checked as they are.
pub(crate) fn amount_cells(
    raw: &RawTable,
    name: &str,
    fmt: &NumberFormat,
) -> Result<Option<Cells<f64>>, Rule> {
    let Some(c) = raw.column(name) else {
        return Ok(None);
    };
    let dt = data_type(c);
    let rule_of = |e: AmountError| match e {
        AmountError::NotANumber => Rule::NotANumber,
        AmountError::Nan => Rule::NanAmount,
        AmountError::Infinite => Rule::InfiniteAmount,
        AmountError::Negative => Rule::NegativeAmount,
        AmountError::TooLarge => Rule::AmountTooLarge,
    };
    let is_text = is_text_type(&dt);
    if is_text && raw.source.format == InputFormat::Csv {
        let text = as_text(c, "a number")?;
        let mut cells = Cells::with_capacity(raw.n_rows());
        cells.extend(texts(&text).map(|v| {
            match v {
                None => Ok(None),
                Some(s) => parse_amount_with(s, fmt)
                    .map(Some)
                    .map_err(|e| (rule_of(e), s.to_string())),
            }
        }));
        return Ok(Some(cells));
    }
    let numeric = dt.is_numeric() || dt == DataType::Null;
    if !numeric {
        return Err(Rule::WrongType {
            expected: "a number (integer, float or decimal)",
            found: type_name(&dt),
        });
    }
    let mut cells = Cells::with_capacity(raw.n_rows());
    for a in c {
        let f = cast(a, &DataType::Float64).map_err(unreadable)?;
        cells.extend(f.as_primitive::<Float64Type>().iter().map(|v| {
            match v {
                None => Ok(None),
                Some(x) => check_amount(x)
                    .map(Some)
                    .map_err(|e| (rule_of(e), typed_amount_text(x))),
            }
        }));
    }
    Ok(Some(cells))
}

/// A typed amount as the message shows it: in full (`1250.5`), or with an exponent
/// when it is too large to read in full (`1.7e308` rather than 309 digits).
fn typed_amount_text(x: f64) -> String {
    if x.abs() >= 1e16 {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

/// Dates per row as milliseconds since the epoch, UTC: ISO 8601 text (or the configured
/// format), dates, and timestamps (time-zone aware ones are UTC instants already; naive
/// ones are taken as UTC).
pub(crate) fn date_cells(
    raw: &RawTable,
    name: &str,
    format: Option<&str>,
) -> Result<Option<Cells<i64>>, Rule> {
    let Some(c) = raw.column(name) else {
        return Ok(None);
    };
    let dt = data_type(c);
    let ints = |scale: fn(i64) -> i64| -> Result<Cells<i64>, Rule> {
        let mut out = Cells::with_capacity(raw.n_rows());
        for a in c {
            let i = cast(a, &DataType::Int64).map_err(unreadable)?;
            out.extend(
                i.as_primitive::<Int64Type>()
                    .iter()
                    .map(|v| Ok(v.map(scale))),
            );
        }
        Ok(out)
    };
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => {
            let text = as_text(c, "text")?;
            let mut cells = Cells::with_capacity(raw.n_rows());
            cells.extend(texts(&text).map(|v| {
                match v {
                    None => Ok(None),
                    Some(s) => parse_date_with(s, format)
                        .map(Some)
                        .ok_or((Rule::NotADate, s.to_string())),
                }
            }));
            Ok(Some(cells))
        }
        DataType::Date32 => Ok(Some(
            c.iter()
                .flat_map(|a| a.as_primitive::<Date32Type>().iter())
                .map(|v| Ok(v.map(|d| i64::from(d) * 86_400_000)))
                .collect(),
        )),
        DataType::Date64 => Ok(Some(
            c.iter()
                .flat_map(|a| a.as_primitive::<Date64Type>().iter())
                .map(Ok)
                .collect(),
        )),
        DataType::Timestamp(unit, _) => {
            let scale: fn(i64) -> i64 = match unit {
                TimeUnit::Second => |v| v.saturating_mul(1_000),
                TimeUnit::Millisecond => |v| v,
                TimeUnit::Microsecond => |v| v.div_euclid(1_000),
                TimeUnit::Nanosecond => |v| v.div_euclid(1_000_000),
            };
            ints(scale).map(Some)
        }
        other => Err(Rule::WrongType {
            expected: "a date, timestamp or ISO 8601 text",
            found: type_name(&other),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::{Field, TimeUnit};
    use std::sync::Arc;

    #[test]
    fn type_names_read_as_polars_and_pyarrow_users_know_them() {
        assert_eq!(type_name(&DataType::Float64), "f64");
        assert_eq!(type_name(&DataType::Utf8View), "str");
        assert_eq!(type_name(&DataType::Boolean), "bool");
        assert_eq!(
            type_name(&DataType::Timestamp(
                TimeUnit::Microsecond,
                Some("UTC".into())
            )),
            "datetime[μs, UTC]"
        );
        assert_eq!(
            type_name(&DataType::LargeList(Arc::new(Field::new(
                "item",
                DataType::Int64,
                true
            )))),
            "list[i64]"
        );
        assert_eq!(type_name(&DataType::Decimal128(10, 2)), "decimal[10,2]");
    }
}
