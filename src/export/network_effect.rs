//! Batches of the diversification, network-effect and resilience tables (contract §3
//! `diversification`, `network_growth`, `resilience`). Column names and order come from
//! `schema::out`; nullability is fixed per column, so every run has the same schema.

use std::sync::Arc;

use arrow::array::{ArrayRef, Date32Array, Float64Array, Int64Array, StringArray};
use arrow::datatypes::{Field, Schema};
use arrow::record_batch::RecordBatch;

use crate::metrics::diversification::DimensionRow;
use crate::metrics::network_effect::growth::GrowthTable;
use crate::metrics::network_effect::resilience::ResiliencePoint;
use crate::schema::out;

/// Builds a batch whose columns are `names` in order, each (array, nullable).
fn batch(names: &[&str], columns: Vec<(ArrayRef, bool)>) -> RecordBatch {
    debug_assert_eq!(names.len(), columns.len());
    let fields: Vec<Field> = names
        .iter()
        .zip(&columns)
        .map(|(name, (a, nullable))| Field::new(*name, a.data_type().clone(), *nullable))
        .collect();
    RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns.into_iter().map(|(a, _)| a).collect(),
    )
    .expect("columns built with equal lengths and matching types")
}

fn ints(v: impl IntoIterator<Item = u64>) -> ArrayRef {
    // Counts of partners, deals and edges are far below i64::MAX.
    Arc::new(Int64Array::from_iter_values(
        v.into_iter().map(|x| x as i64),
    ))
}

fn floats(v: impl IntoIterator<Item = f64>) -> ArrayRef {
    Arc::new(Float64Array::from_iter_values(v))
}

fn opt_floats(v: impl IntoIterator<Item = Option<f64>>) -> ArrayRef {
    Arc::new(Float64Array::from_iter(v))
}

/// `diversification`: one row per dimension.
pub fn diversification(rows: &[DimensionRow]) -> RecordBatch {
    let c = |f: fn(&DimensionRow) -> Option<f64>| (opt_floats(rows.iter().map(f)), true);
    batch(
        &out::DIVERSIFICATION_COLUMNS,
        vec![
            (
                Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|r| r.dimension),
                )),
                false,
            ),
            (ints(rows.iter().map(|r| r.concentration.entities)), false),
            c(|r| r.concentration.hhi),
            c(|r| r.concentration.effective_number),
            c(|r| r.concentration.entropy),
            c(|r| r.concentration.normalized_entropy),
            c(|r| r.concentration.gini),
            c(|r| r.concentration.top1_share),
            c(|r| r.concentration.top5_share),
        ],
    )
}

/// `network_growth`: one row per calendar quarter holding a dated deal.
pub fn network_growth(t: &GrowthTable) -> RecordBatch {
    batch(
        &out::NETWORK_GROWTH_COLUMNS,
        vec![
            (Arc::new(Date32Array::from(t.quarter_start.clone())), false),
            (ints(t.deals.iter().copied()), false),
            (floats(t.won_revenue.iter().copied()), false),
            (ints(t.active_partners.iter().copied()), false),
            (ints(t.cumulative_partners.iter().copied()), false),
            (ints(t.cumulative_cosell_edges.iter().copied()), false),
            (floats(t.cumulative_won_revenue.iter().copied()), false),
        ],
    )
}

/// `resilience`: the targeted curve, then the random one.
pub fn resilience(rows: &[ResiliencePoint]) -> RecordBatch {
    batch(
        &out::RESILIENCE_COLUMNS,
        vec![
            (
                Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|r| r.strategy),
                )),
                false,
            ),
            (floats(rows.iter().map(|r| r.removed_fraction)), false),
            (floats(rows.iter().map(|r| r.lcc_fraction)), false),
        ],
    )
}
