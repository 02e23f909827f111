//! Parquet: the structural checks of an input file before polars decodes it
//! ([`check`], feature `read`) and the writer that encodes an output table's columns in
//! parallel ([`writer`]).

#[cfg(feature = "read")]
pub(crate) mod check;
pub(crate) mod writer;
