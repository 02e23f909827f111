//! Metric columns -> Arrow `RecordBatch`es and the summary JSON; the writers in
//! `io::write` put them on disk inside an atomic output folder.

pub mod network_effect;
pub mod overlap;
pub mod summary;

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
use arrow::datatypes::{Field, Schema};
use arrow::record_batch::RecordBatch;

use crate::build::GraphSet;
use crate::error::InputError;
use crate::metrics::community::CommunityRow;
use crate::metrics::PartnerMetrics;
use crate::schema::out;

/// Builds a batch from named columns, in order.
fn batch(columns: Vec<(&'static str, ArrayRef)>) -> RecordBatch {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, a)| {
            Field::new(
                *name,
                a.data_type().clone(),
                a.null_count() > 0 || nullable_by_contract(name),
            )
        })
        .collect();
    RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .expect("columns built with equal lengths and matching types")
}

/// Columns that may hold nulls by definition; declared nullable even when a given run has none,
/// so the schema is the same for every input.
fn nullable_by_contract(name: &str) -> bool {
    matches!(
        name,
        "partner_type"
            | "tier"
            | "region"
            | "win_rate"
            | "column"
            | "value"
            | "constraint"
            | "effective_size"
            | "dominant_partner_type"
            | "dominant_type_share"
            | "reach_loss"
            | "customer_hhi"
    ) || crate::metrics::centrality::Measure::ALL
        .iter()
        .any(|m| m.name() == name)
}

fn ints<T: Copy + Into<i64>>(v: &[T]) -> ArrayRef {
    Arc::new(Int64Array::from_iter_values(v.iter().map(|&x| x.into())))
}

fn floats(v: &[f64]) -> ArrayRef {
    Arc::new(Float64Array::from(v.to_vec()))
}

/// A switchable float column: null everywhere when switched off.
fn opt_floats(v: &Option<Vec<f64>>, n: usize) -> ArrayRef {
    match v {
        Some(v) => floats(v),
        None => Arc::new(Float64Array::new_null(n)),
    }
}

/// A switchable column of values that may be undefined (null) per partner.
fn opt_nullable_floats(v: &Option<Vec<Option<f64>>>, n: usize) -> ArrayRef {
    match v {
        Some(v) => Arc::new(Float64Array::from(v.clone())),
        None => Arc::new(Float64Array::new_null(n)),
    }
}

/// A switchable integer column: null everywhere when switched off.
fn opt_ints(v: &Option<Vec<u32>>, n: usize) -> ArrayRef {
    match v {
        Some(v) => ints(v),
        None => Arc::new(Int64Array::new_null(n)),
    }
}

fn texts(v: &[Option<String>]) -> ArrayRef {
    Arc::new(StringArray::from_iter(v.iter().map(|s| s.as_deref())))
}

/// `partner_metrics`: one row per partner in partner_id order (contract §3).
pub fn partner_metrics(
    g: &GraphSet,
    m: &PartnerMetrics,
    overlap: &crate::metrics::overlap::PartnerOverlap,
) -> RecordBatch {
    let a = &m.activity;
    let c = &m.centrality;
    let n = g.n_partners();
    let component_size: Vec<u32> = (0..n).map(|p| m.components.size_of(p)).collect();
    let strength: Vec<i64> = m.cosell_strength.iter().map(|&s| s as i64).collect();
    let b = batch(vec![
        (
            "partner_id",
            Arc::new(StringArray::from_iter_values(g.partners.id.iter())),
        ),
        ("partner_type", texts(&g.partners.partner_type)),
        ("tier", texts(&g.partners.tier)),
        ("region", texts(&g.partners.region)),
        ("deals", ints(&a.deals)),
        ("won_deals", ints(&a.won_deals)),
        ("win_rate", Arc::new(Float64Array::from(a.win_rate.clone()))),
        ("sourced_revenue", floats(&a.sourced_revenue)),
        ("influenced_revenue", floats(&a.influenced_revenue)),
        ("attributed_revenue", floats(&a.attributed_revenue)),
        ("customers", ints(&m.customers)),
        ("products", ints(&m.products)),
        ("cosell_degree", ints(&m.cosell_degree)),
        ("cosell_strength", ints(&strength)),
        ("pagerank", floats(&m.pagerank)),
        ("betweenness", opt_floats(&c.betweenness, n)),
        ("closeness", opt_floats(&c.closeness, n)),
        ("harmonic", opt_floats(&c.harmonic, n)),
        ("clustering", opt_floats(&c.clustering, n)),
        ("core_number", opt_ints(&c.core_number, n)),
        ("constraint", opt_nullable_floats(&c.constraint, n)),
        ("effective_size", opt_nullable_floats(&c.effective_size, n)),
        ("community", opt_ints(&c.community, n)),
        ("component", ints(&m.components.id)),
        ("component_size", ints(&component_size)),
        // Overlap family (from the streamed overlap stage; see metrics::overlap).
        (
            "max_customer_overlap",
            floats(&overlap.max_customer_overlap),
        ),
        ("overlapping_partners", ints(&overlap.overlapping_partners)),
        ("unique_customers", ints(&overlap.unique_customers)),
        ("conflicts", ints(&overlap.conflicts)),
        ("potential_influence", floats(&overlap.potential_influence)),
        (
            "reach_loss",
            Arc::new(Float64Array::from(m.reach_loss.clone())),
        ),
        (
            "customer_hhi",
            Arc::new(Float64Array::from(m.customer_hhi.clone())),
        ),
    ]);
    debug_assert!(b
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .eq(out::PARTNER_METRICS_COLUMNS));
    b
}

/// `communities`: one row per community of the co-sell network (switched off with
/// `--metrics`: no table), partner ids of the leaders joined by `, `.
pub fn communities(g: &GraphSet, rows: &[CommunityRow]) -> RecordBatch {
    let b = batch(vec![
        (
            "community",
            Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|r| i64::from(r.community)),
            )),
        ),
        (
            "size",
            Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|r| i64::from(r.size)),
            )),
        ),
        (
            "top_partners",
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| {
                r.top_partners
                    .iter()
                    .map(|&p| g.partners.id[p as usize].as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }))),
        ),
        (
            "dominant_partner_type",
            Arc::new(StringArray::from_iter(
                rows.iter().map(|r| r.dominant_partner_type.as_deref()),
            )),
        ),
        (
            "dominant_type_share",
            Arc::new(Float64Array::from_iter(
                rows.iter().map(|r| r.dominant_type_share),
            )),
        ),
    ]);
    debug_assert!(b
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .eq(out::COMMUNITIES_COLUMNS));
    b
}

/// `rejected_rows` (with `--skip-invalid`): table, row, column, value, reason.
pub fn rejected_rows(rejected: &[InputError]) -> RecordBatch {
    batch(vec![
        (
            "table",
            Arc::new(StringArray::from_iter_values(
                rejected.iter().map(|e| e.table),
            )),
        ),
        (
            "row",
            Arc::new(Int64Array::from_iter_values(
                rejected.iter().map(|e| e.row.unwrap_or(0) as i64),
            )),
        ),
        (
            "column",
            Arc::new(StringArray::from_iter(
                rejected.iter().map(|e| e.column.as_deref()),
            )),
        ),
        (
            "value",
            Arc::new(StringArray::from_iter(
                rejected.iter().map(|e| e.value.as_deref()),
            )),
        ),
        (
            "reason",
            Arc::new(StringArray::from_iter_values(
                rejected
                    .iter()
                    .map(|e| format!("{}: {}", e.rule.code(), e.rule)),
            )),
        ),
    ])
}
