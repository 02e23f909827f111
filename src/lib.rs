//! # ecograph
//!
//! Graph analytics for business partner ecosystems. The pipeline:
//!
//! ```text
//! io::read (polars) -> io::raw (Arrow columns) -> validate -> build (u32 ids, CSR graphs)
//!     -> metrics -> export (Arrow batches, declared in schema::outputs) -> io::out::write
//! ```
//!
//! [`pipeline::analyze`] runs it end to end, stage by stage as [`plan`] declares them
//! (the same list `--dry-run` estimates); the data contract (inputs, outputs, every
//! metric's definition) is `docs/CONTRACT.md`, the output columns `docs/OUTPUTS.md`.
//!
//! ## Features
//! - `read` (default): reading input folders (CSV, Parquet, Arrow IPC) with polars, and
//!   [`pipeline`], which runs a whole analysis from a folder.
//! - `cli` (default, implies `read`): the `ecograph` binary (clap, indicatif, ctrlc).
//!
//! Without them (`default-features = false`) the core remains: config, validation of
//! Arrow columns ([`io::raw::RawTable::from_arrow`] -> [`validate::validate`]), graphs,
//! metrics, export batches and writers, with neither polars nor a terminal library.
//!
//! One measure on a graph of your own, through the flat front door of [`metrics`]:
//!
//! ```
//! use ecograph::graph::Csr;
//! use ecograph::metrics::{pagerank, PageRankParams};
//! // A star: the hub is where the co-selling flow runs.
//! let g = Csr::symmetric_from_sorted_edges(4, &[(0, 1, 1), (0, 2, 1), (0, 3, 1)]);
//! let (score, _iterations) = pagerank(&g, &PageRankParams::default());
//! assert!(score[0] > score[1] && score[1] == score[2]);
//! ```
//!
//! Modules, in data-flow order:
//! - [`vocab`]: the ground floor, words every layer shares (the null key code, the
//!   attribution models' names and parameters, the tier rules);
//! - [`config`]: the user's TOML mapping of file, column and vocabulary names and of
//!   number / date formats, resolved once into [`config::Settings`];
//! - [`io`]: readers (polars) and the reader-independent tables as read
//!   ([`io::raw`]), writers, and the atomic output folder that never replaces what
//!   ecograph did not write;
//! - [`validate`]: raw tables -> typed, checked [`validate::ValidatedTables`];
//! - [`graph`]: interned ids and CSR graphs ([`graph::GraphSet`]);
//! - [`metrics`]: one module per metric family (tier fits included), each measure's
//!   function and parameters re-exported at the top ([`metrics::pagerank`],
//!   [`metrics::betweenness`], [`metrics::closeness_harmonic`], [`metrics::communities`],
//!   ...), as petgraph's `algo`;
//! - [`export`]: metric columns -> Arrow record batches and the summary JSON, and the
//!   streamed, parallel table writing ([`export::tables`]);
//! - [`results`]: an output folder read back (for the report and comparisons);
//! - [`generate`]: seeded synthetic ecosystems for demos, tests and benchmarks.

pub mod alerts;
#[cfg(feature = "cli")]
pub mod cli;
pub mod compare;
pub mod config;
pub mod error;
pub mod estimate;
pub mod export;
pub mod generate;
pub mod graph;
pub mod io;
pub mod metrics;
#[cfg(feature = "read")]
pub mod pipeline;
pub mod plan;
pub mod progress;
#[cfg(feature = "report")]
pub mod report;
pub mod results;
pub mod schema;
pub mod validate;
pub mod vocab;

pub use error::{Error, Result};
