//! What the Criterion benches share: the seeded generated ecosystem each one runs on,
//! written into a temporary folder and loaded before anything is timed.

// Each bench uses only some of these.
#![allow(dead_code)]

use std::path::Path;

use ecograph::config::Settings;
use ecograph::generate::{generate, GenConfig};
use ecograph::graph::{self, GraphSet};
use ecograph::validate::load_and_validate;

/// Generates the seed-7 ecosystem of `partners` partners and `deals` deals (the other
/// settings the defaults, the mix of the 100k / 3M benchmark data) into `dir`; returns
/// its configuration.
pub(crate) fn generate_into(dir: &Path, partners: usize, deals: usize) -> GenConfig {
    let cfg = GenConfig {
        seed: 7,
        partners,
        deals,
        ..GenConfig::default()
    };
    generate(&cfg, dir, &|_, _| {}).expect("generate");
    cfg
}

/// The graphs of the input folder `dir`, read and validated in contract form.
pub(crate) fn graphs(dir: &Path) -> GraphSet {
    graph::build(load_and_validate(dir, &Settings::contract(), false).expect("valid input"))
}
