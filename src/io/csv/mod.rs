//! CSV inputs: the structural pass that runs before polars parses a file, so that a
//! malformed file is refused naming its line and a later error can say "row 17 (line
//! 19)". [`scan`] is the entry; [`fast`] settles the common file in one streaming pass;
//! [`shape`] is the answer both give.

pub(crate) mod fast;
pub(crate) mod scan;
pub(crate) mod shape;
