//! Typed access to raw polars columns: each accessor checks the column's type against
//! the contract (§4 "Parquet / Arrow types") and yields per-row values or errors.

use polars::prelude::*;

use super::parse::{check_amount, parse_amount_with, parse_date_with, AmountError};
use crate::config::NumberFormat;
use crate::error::Rule;
use crate::io::read::RawTable;
use crate::io::InputFormat;

/// A column converted to text (ids and free text), or the type error.
pub fn text_column(raw: &RawTable, name: &str, what: &'static str) -> Result<Option<Column>, Rule> {
    let Ok(c) = raw.df.column(name) else {
        return Ok(None);
    };
    let dt = c.dtype();
    let ok = matches!(dt, DataType::String | DataType::Null) || dt.is_integer();
    if !ok {
        return Err(Rule::WrongType {
            expected: what,
            found: dt.to_string(),
        });
    }
    c.cast(&DataType::String)
        .map(Some)
        .map_err(|e| Rule::Unreadable {
            detail: e.to_string(),
        })
}

/// Iterates a text column, treating the empty string as null (contract §4).
pub fn texts(c: &Column) -> impl Iterator<Item = Option<&str>> + '_ {
    c.str()
        .expect("text_column returns String columns")
        .iter()
        .map(|v| v.filter(|s| !s.is_empty()))
}

/// Amounts per row: `Ok(None)` for null, `Err((rule, text))` for a bad value.
pub type Cell<T> = Result<Option<T>, (Rule, String)>;

pub fn amount_cells(
    raw: &RawTable,
    name: &str,
    fmt: &NumberFormat,
) -> Result<Option<Vec<Cell<f64>>>, Rule> {
    let Ok(c) = raw.df.column(name) else {
        return Ok(None);
    };
    let dt = c.dtype().clone();
    let rule_of = |e: AmountError| match e {
        AmountError::NotANumber => Rule::NotANumber,
        AmountError::Nan => Rule::NanAmount,
        AmountError::Infinite => Rule::InfiniteAmount,
        AmountError::Negative => Rule::NegativeAmount,
    };
    if dt == DataType::String && raw.source.format == InputFormat::Csv {
        let cells = texts(c)
            .map(|v| match v {
                None => Ok(None),
                Some(s) => parse_amount_with(s, fmt)
                    .map(Some)
                    .map_err(|e| (rule_of(e), s.to_string())),
            })
            .collect();
        return Ok(Some(cells));
    }
    let numeric = dt.is_primitive_numeric() || dt.is_decimal() || dt == DataType::Null;
    if !numeric {
        return Err(Rule::WrongType {
            expected: "a number (integer, float or decimal)",
            found: dt.to_string(),
        });
    }
    let f = c.cast(&DataType::Float64).map_err(|e| Rule::Unreadable {
        detail: e.to_string(),
    })?;
    let cells = f
        .f64()
        .expect("cast to Float64")
        .iter()
        .map(|v| match v {
            None => Ok(None),
            Some(x) => check_amount(x)
                .map(Some)
                .map_err(|e| (rule_of(e), x.to_string())),
        })
        .collect();
    Ok(Some(cells))
}

/// Dates per row as milliseconds since the epoch, UTC.
pub fn date_cells(
    raw: &RawTable,
    name: &str,
    format: Option<&str>,
) -> Result<Option<Vec<Cell<i64>>>, Rule> {
    let Ok(c) = raw.df.column(name) else {
        return Ok(None);
    };
    let dt = c.dtype().clone();
    let ints = |c: &Column, scale: fn(i64) -> i64| -> Result<Vec<Cell<i64>>, Rule> {
        let i = c.cast(&DataType::Int64).map_err(|e| Rule::Unreadable {
            detail: e.to_string(),
        })?;
        Ok(i.i64()
            .expect("cast to Int64")
            .iter()
            .map(|v| Ok(v.map(scale)))
            .collect())
    };
    match dt {
        DataType::String | DataType::Null => Ok(Some(
            c.cast(&DataType::String)
                .map_err(|e| Rule::Unreadable {
                    detail: e.to_string(),
                })?
                .str()
                .expect("cast to String")
                .iter()
                .map(|v| match v.filter(|s| !s.is_empty()) {
                    None => Ok(None),
                    Some(s) => parse_date_with(s, format)
                        .map(Some)
                        .ok_or((Rule::NotADate, s.to_string())),
                })
                .collect(),
        )),
        DataType::Date => ints(c, |d| d * 86_400_000).map(Some),
        DataType::Datetime(unit, _) => {
            // Polars stores tz-aware datetimes as UTC instants; naive ones are taken as UTC.
            let scale: fn(i64) -> i64 = match unit {
                TimeUnit::Milliseconds => |v| v,
                TimeUnit::Microseconds => |v| v.div_euclid(1_000),
                TimeUnit::Nanoseconds => |v| v.div_euclid(1_000_000),
            };
            ints(c, scale).map(Some)
        }
        other => Err(Rule::WrongType {
            expected: "a date, timestamp or ISO 8601 text",
            found: other.to_string(),
        }),
    }
}
