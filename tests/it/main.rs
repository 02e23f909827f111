//! The integration tests, as one test binary: each suite is a module, so the library
//! and its dependencies (polars, arrow, parquet) are linked once instead of once per
//! suite. Run one suite with `cargo test --test it SUITE::`, e.g.
//! `cargo test --test it overlap_fixtures::`.
//!
//! Proptest keeps the failing cases it found in `tests/proptest-regressions/SUITE.txt`
//! (its default place for a source file below a `main.rs`) and re-runs them first.

mod alerts;
mod common;
mod compare;

mod analyze_demo;
mod arrow_input;
mod attribution;
mod bad_input;
mod centrality_properties;
mod config_mapping;
mod cosell_edges_fixtures;
mod csv_rules;
mod estimate;
mod foreign_files;
mod fuzz_inputs;
mod graphml;
mod kill_safety;
mod library_api;
mod lift_intervals;
mod module_graph;
mod network_effect_fixtures;
mod network_effect_properties;
mod output_schemas;
mod overlap_fixtures;
mod overlap_properties;
mod program;
mod properties;
mod public_api;
mod read_back;
mod real_exports;
mod reference_fixtures;
mod report;
mod report_readable;
mod results;
mod trust;
mod trust_inputs;
mod trust_numbers;
mod trust_outputs;
mod trust_paths;
