//! Metric families, one module each. Kernels see [`GraphSet`] slices and CSR graphs,
//! never dataframes or string ids; every parallel kernel reduces in a fixed order so
//! results are bit-identical for any thread count.

pub mod activity;
pub mod centrality;
pub mod components;
pub mod diversification;
pub mod ecosystem;
pub mod network_effect;

use crate::build::GraphSet;

/// Per-partner columns of `partner_metrics`, indexed by partner index (id order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartnerMetrics {
    pub activity: activity::Activity,
    pub customers: Vec<u32>,
    pub products: Vec<u32>,
    pub cosell_degree: Vec<u32>,
    pub cosell_strength: Vec<u64>,
    pub pagerank: Vec<f64>,
    pub components: components::Components,
    /// Exact, by articulation points ([`network_effect::reach_loss`]); null without edges.
    pub reach_loss: Vec<Option<f64>>,
    /// HHI of the partner's won revenue by customer ([`diversification`]).
    pub customer_hhi: Vec<Option<f64>>,
}

/// Parameters of the metric stage that change results.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct MetricParams {
    pub pagerank: centrality::pagerank::PageRankParams,
    pub resilience: network_effect::resilience::ResilienceParams,
}

/// All metric results of one run.
#[derive(Debug, Clone)]
pub struct MetricTables {
    pub partner: PartnerMetrics,
    pub ecosystem: ecosystem::EcosystemSummary,
    pub pagerank_iterations: usize,
    /// The `diversification` table, one row per dimension.
    pub diversification: Vec<diversification::DimensionRow>,
    /// `network_growth`, the summary's `growth` fits and `resilience`.
    pub network_effect: network_effect::NetworkEffect,
}

/// Computes every metric of the foundation slice.
pub fn compute(g: &GraphSet, params: &MetricParams) -> MetricTables {
    let activity = activity::compute(g);
    let (pagerank, iterations) = centrality::pagerank::pagerank(&g.cosell, &params.pagerank);
    let components = components::connected_components(&g.cosell);
    let ecosystem = ecosystem::summarize(g, &components);
    let family = network_effect::family(g, &activity.attributed_revenue, &params.resilience);
    let n = g.n_partners();
    let row_len = |c: &crate::build::Csr| (0..n).map(|p| c.degree(p) as u32).collect::<Vec<_>>();
    MetricTables {
        partner: PartnerMetrics {
            activity,
            customers: row_len(&g.partner_customers),
            products: row_len(&g.partner_products),
            cosell_degree: row_len(&g.cosell),
            cosell_strength: centrality::degree::strength(&g.cosell),
            pagerank,
            components,
            reach_loss: family.reach_loss,
            customer_hhi: family.customer_hhi,
        },
        ecosystem,
        pagerank_iterations: iterations,
        diversification: family.diversification,
        network_effect: family.network_effect,
    }
}
