//! The ground floor: the words every layer shares, depending on nothing but
//! [`crate::schema`].
//!
//! The config resolves the user's `[attribution]` and `[[tiers]]` into these types, the
//! validator codes missing keys with [`NULL`], and the metrics compute with all of them.
//! Kept here, below all three, the module graph reads from the bottom up
//! (`schema`, `vocab` -> `config` -> `validate` -> `build` -> `metrics` -> `export`)
//! with no cycle; before, the config reached up into the metrics for these names while
//! the metrics reached down into the validator, which reads the config. Each item is
//! also re-exported where users have always found it (`validate::NULL`,
//! `metrics::attribution::Model`, `metrics::tiers::Tier`, ...).

pub mod alerts;
pub mod attribution;
pub mod measures;
pub mod tiers;

/// Code of a null cell (a missing customer, product or region key, in the string pools
/// of [`crate::validate::Dict`] and every column coded from them).
pub const NULL: u32 = u32::MAX;
