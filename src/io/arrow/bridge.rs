//! polars columns -> arrow-rs arrays without copying the data, through the Arrow C data
//! interface: polars-arrow exports, arrow-rs imports. The two crates define the same
//! `#[repr(C)]` structs (`ArrowArray`, `ArrowSchema`) under different Rust names; this
//! is the one module that moves a value from one name to the other, which is why it is
//! the one module allowed `unsafe`.
//!
//! Cost: none per value; each chunk polars read is shared as it is (joining the chunks
//! would copy every column once more, and the freed pieces stay in the process).

#![allow(unsafe_code)]

use std::borrow::Cow;

use arrow::array::{make_array, new_null_array, ArrayRef};
use arrow::ffi::{from_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use polars::prelude::{Column, CompatLevel, DataType};

/// The polars column `c` as arrow-rs arrays, one per chunk, of the same Arrow type (text
/// as `Utf8View`, dates as `Date32`, datetimes as `Timestamp`, decimals as
/// `Decimal128`).
pub(crate) fn to_arrow(c: &Column) -> Result<Vec<ArrayRef>, String> {
    let s = c.as_materialized_series();
    if c.dtype() == &DataType::Null {
        // polars exports a validity buffer that the C data interface does not allow for
        // the null type; there is nothing to share anyway.
        let null = |a: &polars_arrow::array::ArrayRef| {
            new_null_array(&arrow::datatypes::DataType::Null, a.len())
        };
        return Ok(s.chunks().iter().map(null).collect());
    }
    let field = s
        .dtype()
        .to_arrow_field(s.name().clone(), CompatLevel::newest());
    (0..s.n_chunks())
        .map(|i| chunk_to_arrow(s, i, &field))
        .collect()
}

/// Chunk `i` of `s`, handed over.
fn chunk_to_arrow(
    s: &polars::prelude::Series,
    i: usize,
    field: &polars_arrow::datatypes::Field,
) -> Result<ArrayRef, String> {
    let array = s
        .to_arrow_with_field(i, Cow::Borrowed(field), true)
        .map_err(|e| e.to_string())?;
    let array = polars_arrow::ffi::export_array_to_c(array);
    let schema = polars_arrow::ffi::export_field_to_c(field);
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
        let a = to_arrow(&text).unwrap().remove(0);
        assert_eq!(a.data_type(), &arrow::datatypes::DataType::Utf8View);
        let v: Vec<Option<&str>> = a.as_string_view().iter().collect();
        assert_eq!(
            v,
            [Some("a"), None, Some("a long string, past twelve bytes")]
        );

        let ints = Column::new("i".into(), [Some(3i64), None, Some(-7)]);
        let a = to_arrow(&ints).unwrap().remove(0);
        let v: Vec<Option<i64>> = a.as_primitive::<Int64Type>().iter().collect();
        assert_eq!(v, [Some(3), None, Some(-7)]);
        assert_eq!(a.null_count(), 1);
    }

    #[test]
    fn an_all_null_column_is_the_null_type() {
        let c = Column::full_null("n".into(), 4, &DataType::Null);
        let a = to_arrow(&c).unwrap().remove(0);
        assert_eq!(a.data_type(), &arrow::datatypes::DataType::Null);
        assert_eq!(a.len(), 4);
    }

    #[test]
    fn a_chunked_column_stays_in_its_chunks_without_a_copy() {
        let mut s = Series::new("x".into(), [1i32, 2]);
        s.append(&Series::new("x".into(), [3i32])).unwrap();
        assert_eq!(s.n_chunks(), 2);
        let first = s.chunks()[0].clone();
        let a = to_arrow(&s.into_column()).unwrap();
        assert_eq!(a.iter().map(|c| c.len()).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(a[0].data_type(), &arrow::datatypes::DataType::Int32);
        let shared = a[0]
            .as_primitive::<arrow::datatypes::Int32Type>()
            .values()
            .as_ptr();
        let polars = first
            .as_any()
            .downcast_ref::<polars_arrow::array::PrimitiveArray<i32>>()
            .unwrap()
            .values()
            .as_ptr();
        assert_eq!(shared, polars, "the values are shared, not copied");
    }
}
