//! Arrow IPC and the Arrow C data interface: the structural checks of an IPC input
//! before polars decodes it ([`check`]) and the zero-copy hand-over of polars' columns
//! to arrow-rs arrays ([`bridge`]).

pub(crate) mod bridge;
pub(crate) mod check;
