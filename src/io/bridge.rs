//! polars columns -> arrow-rs arrays without copying the data, through the Arrow C data
//! interface: polars-arrow exports, arrow-rs imports. The two crates define the same
//! `#[repr(C)]` structs (`ArrowArray`, `ArrowSchema`) under different Rust names; this
//! is the one module that moves a value from one name to the other, which is why it is
//! the one module allowed `unsafe`.
//!
//! Cost: a column read in several chunks is first made contiguous (one copy); a
//! contiguous column is shared, not copied.

#![allow(unsafe_code)]

use std::borrow::Cow;

use arrow::array::{make_array, new_null_array, ArrayRef};
use arrow::ffi::{from_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use polars::prelude::{Column, CompatLevel, DataType};

/// The polars column `c` as one arrow-rs array of the same Arrow type (text as
/// `Utf8View`, dates as `Date32`, datetimes as `Timestamp`, decimals as `Decimal128`).
pub(crate) fn to_arrow(c: &Column) -> Result<ArrayRef, String> {
    if c.dtype() == &DataType::Null {
        // polars exports a validity buffer that the C data interface does not allow for
        // the null type; there is nothing to share anyway.
        return Ok(new_null_array(&arrow::datatypes::DataType::Null, c.len()));
    }
    let s = c.as_materialized_series().rechunk();
    let field = s
        .dtype()
        .to_arrow_field(s.name().clone(), CompatLevel::newest());
    let array = s
        .to_arrow_with_field(0, Cow::Borrowed(&field), true)
        .map_err(|e| e.to_string())?;
    let array = polars_arrow::ffi::export_array_to_c(array);
    let schema = polars_arrow::ffi::export_field_to_c(&field);
    // SAFETY: polars_arrow::ffi::ArrowArray and arrow::ffi::FFI_ArrowArray are both the
    // C data interface's `struct ArrowArray`, #[repr(C)] with the same fields in the same
    // order (transmute also checks the sizes agree). The value moves: arrow-rs now owns
    // it and calls its release callback (polars') when the array is dropped.
    let array: FFI_ArrowArray = unsafe { std::mem::transmute(array) };
    // SAFETY: as above, for `struct ArrowSchema`.
    let schema: FFI_ArrowSchema = unsafe { std::mem::transmute(schema) };
    // SAFETY: both were exported by polars just now from a valid array and its field, as
    // the C data interface requires.
    let data = unsafe { from_ffi(array, &schema) }.map_err(|e| e.to_string())?;
    Ok(make_array(data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::Int64Type;
    use polars::prelude::*;

    #[test]
    fn text_ints_and_nulls_arrive_unchanged() {
        let text = Column::new(
            "t".into(),
            [Some("a"), None, Some("a long string, past twelve bytes")],
        );
        let a = to_arrow(&text).unwrap();
        assert_eq!(a.data_type(), &arrow::datatypes::DataType::Utf8View);
        let v: Vec<Option<&str>> = a.as_string_view().iter().collect();
        assert_eq!(
            v,
            [Some("a"), None, Some("a long string, past twelve bytes")]
        );

        let ints = Column::new("i".into(), [Some(3i64), None, Some(-7)]);
        let a = to_arrow(&ints).unwrap();
        let v: Vec<Option<i64>> = a.as_primitive::<Int64Type>().iter().collect();
        assert_eq!(v, [Some(3), None, Some(-7)]);
        assert_eq!(a.null_count(), 1);
    }

    #[test]
    fn an_all_null_column_is_the_null_type() {
        let c = Column::full_null("n".into(), 4, &DataType::Null);
        let a = to_arrow(&c).unwrap();
        assert_eq!(a.data_type(), &arrow::datatypes::DataType::Null);
        assert_eq!(a.len(), 4);
    }

    #[test]
    fn a_chunked_column_becomes_one_array() {
        let mut s = Series::new("x".into(), [1i32, 2]);
        s.append(&Series::new("x".into(), [3i32])).unwrap();
        assert_eq!(s.n_chunks(), 2);
        let a = to_arrow(&s.into_column()).unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(a.data_type(), &arrow::datatypes::DataType::Int32);
    }
}
