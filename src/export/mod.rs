//! Metric columns -> Arrow `RecordBatch`es and the summary JSON; the writers in
//! `io::out::write` put them on disk inside an atomic output folder. Every builder names each
//! array's column ([`crate::export::batch::named`]): the declaration in
//! `schema/outputs.rs` orders them and refuses a missing, extra or mistyped one, so two
//! columns of one type cannot be swapped unseen.

pub mod alerts;
pub mod batch;
pub mod graphml;
pub mod network_effect;
pub mod overlap;
pub mod summary;
pub mod tables;

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
use arrow::record_batch::RecordBatch;

use crate::error::InputError;
use crate::export::batch::named;
use crate::graph::GraphSet;
use crate::metrics::community::CommunityRow;
use crate::metrics::PartnerMetrics;
use crate::schema::out;

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

/// `partner_metrics`: one row per partner in partner_id order (contract §3); each column
/// named, put in the order [`out::PARTNER_METRICS`] declares them
/// ([`crate::export::batch::named`]).
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
    named(
        &out::PARTNER_METRICS,
        vec![
            (
                "partner_id",
                Arc::new(StringArray::from_iter_values(g.partners.id.iter())),
            ),
            ("name", texts(&g.partners.name)),
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
            ("revenue_at_risk", floats(&m.revenue_at_risk)),
            (
                "customer_hhi",
                Arc::new(Float64Array::from(m.customer_hhi.clone())),
            ),
        ],
    )
}

/// `attribution`: per model computed (in [`crate::metrics::attribution::Model::ALL`]
/// order), one row per partner in partner_id order, with its share and rank.
pub fn attribution(g: &GraphSet, a: &crate::metrics::attribution::Attribution) -> RecordBatch {
    let n = g.n_partners();
    let rows = a.models.len() * n;
    let (mut id, mut model, mut revenue, mut share, mut rank) = (
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
    );
    for m in &a.models {
        let total: f64 = m.revenue.iter().sum();
        for ((pid, &r), &k) in g.partners.id.iter().zip(&m.revenue).zip(&m.rank) {
            id.push(pid.as_str());
            model.push(m.model.name());
            revenue.push(r);
            share.push((total > 0.0).then(|| r / total));
            rank.push(i64::from(k));
        }
    }
    named(
        &out::ATTRIBUTION,
        vec![
            ("partner_id", Arc::new(StringArray::from_iter_values(id))),
            ("model", Arc::new(StringArray::from_iter_values(model))),
            ("attributed_revenue", Arc::new(Float64Array::from(revenue))),
            ("share", Arc::new(Float64Array::from(share))),
            ("rank", Arc::new(Int64Array::from(rank))),
        ],
    )
}

/// One batch of `cosell_edges` rows, partner indices turned into ids.
pub fn cosell_edges(g: &GraphSet, c: &crate::metrics::cosell_edges::EdgeChunk) -> RecordBatch {
    let id = |v: &[u32]| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(
            v.iter().map(|&p| g.partners.id[p as usize].as_str()),
        ))
    };
    named(
        &out::COSELL_EDGES,
        vec![
            ("partner_a", id(&c.a)),
            ("partner_b", id(&c.b)),
            ("shared_deals", ints(&c.shared_deals)),
            ("shared_won_deals", ints(&c.shared_won_deals)),
            ("shared_won_revenue", floats(&c.shared_won_revenue)),
        ],
    )
}

/// `communities`: one row per community of the co-sell network (switched off with
/// `--metrics`: no table), partner ids of the leaders joined by `, `.
pub fn communities(g: &GraphSet, rows: &[CommunityRow]) -> RecordBatch {
    let top_partners = rows.iter().map(|r| {
        r.top_partners
            .iter()
            .map(|&p| g.partners.id[p as usize].as_str())
            .collect::<Vec<_>>()
            .join(", ")
    });
    named(
        &out::COMMUNITIES,
        vec![
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
                Arc::new(StringArray::from_iter_values(top_partners)),
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
        ],
    )
}

/// `rejected_rows` (with `--skip-invalid`): table, row, column, value, reason.
pub fn rejected_rows(rejected: &[InputError]) -> RecordBatch {
    named(
        &out::REJECTED_ROWS,
        vec![
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
        ],
    )
}

/// `tier_fit`: per partner (partner_id order), one row per rule of every tier (tier
/// order, then rule order), or one row without rule fields when there is no rule.
pub fn tier_fit(
    g: &GraphSet,
    tiers: &[crate::metrics::tiers::Tier],
    fits: &[crate::metrics::tiers::PartnerFit],
) -> RecordBatch {
    // (partner, (tier, rule) or none when no tier has a rule), in output order.
    let rules: Vec<(usize, usize)> = tiers
        .iter()
        .enumerate()
        .flat_map(|(t, tier)| (0..tier.rules.len()).map(move |r| (t, r)))
        .collect();
    let rows: Vec<(usize, Option<(usize, usize)>)> = (0..fits.len())
        .flat_map(|p| {
            let v: Vec<_> = if rules.is_empty() {
                vec![(p, None)]
            } else {
                rules.iter().map(|&tr| (p, Some(tr))).collect()
            };
            v
        })
        .collect();
    let rule = |tr: Option<(usize, usize)>| tr.map(|(t, r)| &tiers[t].rules[r]);
    let value = |p: usize, tr: Option<(usize, usize)>| tr.and_then(|(t, r)| fits[p].values[t][r]);
    type Row = (usize, Option<(usize, usize)>);
    fn text<'a>(
        rows: &[Row],
        f: impl Fn(usize, Option<(usize, usize)>) -> Option<&'a str>,
    ) -> ArrayRef {
        Arc::new(StringArray::from_iter(rows.iter().map(|&(p, tr)| f(p, tr))))
    }
    fn float(rows: &[Row], f: impl Fn(usize, Option<(usize, usize)>) -> Option<f64>) -> ArrayRef {
        Arc::new(Float64Array::from_iter(
            rows.iter().map(|&(p, tr)| f(p, tr)),
        ))
    }
    named(
        &out::TIER_FIT,
        vec![
            (
                "partner_id",
                Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|&(p, _)| g.partners.id[p].as_str()),
                )),
            ),
            ("tier", text(&rows, |p, _| g.partners.tier[p].as_deref())),
            (
                "qualified_tier",
                text(&rows, |p, _| {
                    fits[p].qualified.map(|q| tiers[q].name.as_str())
                }),
            ),
            (
                "status",
                Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|&(p, _)| fits[p].status.word()),
                )),
            ),
            (
                "rule_tier",
                text(&rows, |_, tr| tr.map(|(t, _)| tiers[t].name.as_str())),
            ),
            (
                "rule_column",
                text(&rows, |_, tr| rule(tr).map(|r| r.column.as_str())),
            ),
            (
                "bound",
                text(&rows, |_, tr| rule(tr).map(|r| r.bound.word())),
            ),
            (
                "threshold",
                float(&rows, |_, tr| rule(tr).map(|r| r.threshold)),
            ),
            ("value", float(&rows, value)),
            (
                "gap",
                float(&rows, |p, tr| rule(tr).and_then(|r| r.gap(value(p, tr)))),
            ),
        ],
    )
}
