//! # ecograph
//!
//! Graph analytics for business partner ecosystems. The pipeline:
//!
//! ```text
//! io::read (polars) -> validate -> build (u32 ids, CSR graphs) -> metrics -> export (arrow/parquet)
//! ```
//!
//! [`pipeline::analyze`] runs it end to end; the data contract (inputs, outputs, every
//! metric's definition) is `DATA_CONTRACT.md` in the design folder, refined in README.md.
//!
//! Modules, in data-flow order:
//! - [`config`]: the user's TOML mapping of file, column and vocabulary names and of
//!   number / date formats, resolved once into [`config::Settings`];
//! - [`io`]: readers and writers, and the atomic output folder that never replaces
//!   what ecograph did not write;
//! - [`validate`]: raw tables -> typed, checked [`validate::ValidatedTables`];
//! - [`build`]: interned ids and CSR graphs ([`build::GraphSet`]);
//! - [`metrics`]: one module per metric family;
//! - [`export`]: metric columns -> Arrow record batches and the summary JSON;
//! - [`generate`]: seeded synthetic ecosystems for demos, tests and benchmarks.

pub mod build;
pub mod config;
pub mod error;
pub mod export;
pub mod generate;
pub mod io;
pub mod metrics;
#[cfg(feature = "read")]
pub mod pipeline;
pub mod progress;
pub mod schema;
pub mod validate;

pub use error::{Error, Result};
