//! Batches of the diversification, network-effect and resilience tables (contract §3
//! `diversification`, `network_growth`, `resilience`), each array named by its column
//! and put in the order, with the types and nullability, `schema::outputs` declares
//! ([`crate::export::batch::named`]).

use std::sync::Arc;

use arrow::array::{ArrayRef, Date32Array, Float64Array, Int64Array, StringArray};
use arrow::record_batch::RecordBatch;

use crate::export::batch::named;
use crate::metrics::diversification::DimensionRow;
use crate::metrics::network_effect::growth::GrowthTable;
use crate::metrics::network_effect::resilience::ResiliencePoint;
use crate::schema::out;

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
    let c = |f: fn(&DimensionRow) -> Option<f64>| opt_floats(rows.iter().map(f));
    named(
        &out::DIVERSIFICATION,
        vec![
            (
                "dimension",
                Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|r| r.dimension),
                )),
            ),
            (
                "entities",
                ints(rows.iter().map(|r| r.concentration.entities)),
            ),
            ("hhi", c(|r| r.concentration.hhi)),
            ("effective_number", c(|r| r.concentration.effective_number)),
            ("entropy", c(|r| r.concentration.entropy)),
            (
                "normalized_entropy",
                c(|r| r.concentration.normalized_entropy),
            ),
            ("gini", c(|r| r.concentration.gini)),
            ("top1_share", c(|r| r.concentration.top1_share)),
            ("top5_share", c(|r| r.concentration.top5_share)),
        ],
    )
}

/// `network_growth`: one row per calendar quarter holding a dated deal.
pub fn network_growth(t: &GrowthTable) -> RecordBatch {
    named(
        &out::NETWORK_GROWTH,
        vec![
            (
                "quarter_start",
                Arc::new(Date32Array::from(t.quarter_start.clone())),
            ),
            ("deals", ints(t.deals.iter().copied())),
            ("won_revenue", floats(t.won_revenue.iter().copied())),
            ("active_partners", ints(t.active_partners.iter().copied())),
            (
                "cumulative_partners",
                ints(t.cumulative_partners.iter().copied()),
            ),
            (
                "cumulative_cosell_edges",
                ints(t.cumulative_cosell_edges.iter().copied()),
            ),
            (
                "cumulative_won_revenue",
                floats(t.cumulative_won_revenue.iter().copied()),
            ),
        ],
    )
}

/// `resilience`: the targeted curve, then the random one.
pub fn resilience(rows: &[ResiliencePoint]) -> RecordBatch {
    named(
        &out::RESILIENCE,
        vec![
            (
                "strategy",
                Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|r| r.strategy),
                )),
            ),
            (
                "removed_fraction",
                floats(rows.iter().map(|r| r.removed_fraction)),
            ),
            ("lcc_fraction", floats(rows.iter().map(|r| r.lcc_fraction))),
        ],
    )
}
