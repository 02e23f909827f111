//! Metric families, one module each. Kernels see [`GraphSet`] slices and CSR graphs,
//! never dataframes or string ids; every parallel kernel reduces in a fixed order so
//! results are bit-identical for any thread count. Tier fits ([`tiers`]) are a metric
//! too: computed from these results ([`MetricTables::fit_tiers`]), only written by the
//! export.
//!
//! The front door, as petgraph's `algo`: each measure's main function and its parameters
//! are re-exported here, so `ecograph::metrics::pagerank` or
//! `ecograph::metrics::betweenness` is all a caller needs to name; the modules below
//! hold the variants (exact or sampled only, the sequential references) and the details.
//! Functions that can report progress take an `Option<&Meter>`
//! ([`crate::progress::Meter`]); `None` reports nothing.
//!
//! ```
//! use ecograph::graph::Csr;
//! use ecograph::metrics::{betweenness, pagerank, BetweennessParams, PageRankParams};
//! // A path a - b - c: b carries the only route between a and c.
//! let g = Csr::symmetric_from_sorted_edges(3, &[(0, 1, 1), (1, 2, 1)]);
//! let (b, _mode) = betweenness(&g, &BetweennessParams::default(), None);
//! assert_eq!(b, vec![0.0, 1.0, 0.0]);
//! let (pr, _iterations) = pagerank(&g, &PageRankParams::default());
//! assert!(pr[1] > pr[0] && (pr.iter().sum::<f64>() - 1.0).abs() < 1e-9);
//! ```

pub mod activity;
pub mod attribution;
pub mod centrality;
pub mod community;
pub mod components;
pub mod cosell_edges;
pub mod diversification;
pub mod ecosystem;
mod intervals;
pub mod network_effect;
pub mod overlap;
pub mod revenue_at_risk;
pub mod tiers;

pub use attribution::AttributionParams;
pub use centrality::betweenness::{betweenness, BetweennessMode, BetweennessParams};
pub use centrality::closeness::closeness_harmonic;
pub use centrality::closeness_sampled::{closeness_harmonic_auto, ClosenessMode, ClosenessParams};
pub use centrality::core_number::core_number;
pub use centrality::degree::strength;
pub use centrality::neighborhood::{clustering, neighborhood};
pub use centrality::pagerank::{pagerank, PageRankParams};
pub use community::{communities, community_rows, modularity, LouvainParams};
pub use components::connected_components;
pub use diversification::{customer_hhi, diversification};
pub use network_effect::growth::network_growth;
pub use network_effect::reach_loss::reach_loss;
pub use network_effect::resilience::{resilience, ResilienceParams};
pub use overlap::OverlapParams;
pub use revenue_at_risk::revenue_at_risk;

use crate::graph::GraphSet;
use crate::plan::Stage;
use crate::progress::Stages;
use centrality::{Measure, Selection};
use community::CommunityRow;

/// Per-partner columns of `partner_metrics`, indexed by partner index (id order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartnerMetrics {
    /// `deals`, `won_deals`, `win_rate` and the three revenue columns.
    pub activity: activity::Activity,
    /// `customers`: distinct customers reached through the partner's deals, any stage.
    pub customers: Vec<u32>,
    /// `products`: products the partner carries according to partner_products.
    pub products: Vec<u32>,
    /// `cosell_degree`: other partners it has shared at least one deal with.
    pub cosell_degree: Vec<u32>,
    /// `cosell_strength`: deals shared, summed over its co-sell partners.
    pub cosell_strength: Vec<u64>,
    /// `pagerank`: weighted PageRank on the co-sell network; sums to 1 over partners.
    pub pagerank: Vec<f64>,
    /// The switchable centrality columns, `betweenness` .. `community`.
    pub centrality: Centrality,
    /// `component` (the partner's component id) and `component_size`.
    pub components: components::Components,
    /// Exact, by articulation points ([`network_effect::reach_loss`]); null without edges.
    pub reach_loss: Vec<Option<f64>>,
    /// HHI of the partner's won revenue by customer ([`diversification`](mod@diversification)).
    pub customer_hhi: Vec<Option<f64>>,
    /// Won revenue that hangs on the partner alone ([`revenue_at_risk`](mod@revenue_at_risk)).
    pub revenue_at_risk: Vec<f64>,
}

/// The switchable centrality suite; `None` for a measure switched off (`--metrics`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Centrality {
    /// `betweenness`: share of shortest co-selling routes between other partners through
    /// the partner, 0..=1 (exact or sampled, see [`CentralitySummary::betweenness`]).
    pub betweenness: Option<Vec<f64>>,
    /// `closeness`: Wasserman-Faust closeness by hops, 0..=1.
    pub closeness: Option<Vec<f64>>,
    /// `harmonic`: mean of 1 / hops to every other partner (0 when unreachable), 0..=1.
    pub harmonic: Option<Vec<f64>>,
    /// `clustering`: share of the partner's co-seller pairs that co-sell too, 0..=1 (0
    /// with fewer than two co-sellers).
    pub clustering: Option<Vec<f64>>,
    /// `core_number`: the deepest k-core the partner belongs to.
    pub core_number: Option<Vec<u32>>,
    /// `constraint`: Burt's constraint, weighted by deals shared (can exceed 1); the inner
    /// `None` (null) for isolated partners, where it is undefined.
    pub constraint: Option<Vec<Option<f64>>>,
    /// `effective_size`: Burt's effective size, weighted, between 1 and cosell_degree; the
    /// inner `None` (null) for isolated partners.
    pub effective_size: Option<Vec<Option<f64>>>,
    /// `community`: the partner's Louvain community, numbered by smallest partner_id (the
    /// `communities` table's `community`).
    pub community: Option<Vec<u32>>,
}

/// Parameters of the metric stage that change results.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct MetricParams {
    /// PageRank damping (`--pagerank-damping`) and convergence.
    pub pagerank: centrality::pagerank::PageRankParams,
    /// Centrality measures computed (`--metrics`).
    pub centrality: Selection,
    /// Exact / sampled betweenness: limit, error bound, failure probability, seed.
    pub betweenness: BetweennessParams,
    /// Exact / sampled closeness and harmonic: limit, ε, failure probability, seed.
    pub closeness: ClosenessParams,
    /// Louvain seed, trials (`--community-trials`) and resolution.
    pub community: LouvainParams,
    /// Seed of the partner-lift intervals' bootstrap (`--seed`).
    pub partner_lift: ecosystem::LiftParams,
    /// Seed (`--resilience-seed`) and number of the random removal orders.
    pub resilience: network_effect::resilience::ResilienceParams,
    /// Overlap threshold, `overlap_pairs` bounds and conflict window (`--overlap-*`,
    /// `--conflict-window-days`).
    pub overlap: overlap::OverlapParams,
    /// Role weights and time-decay half-life of the attribution models (`[attribution]`).
    pub attribution: attribution::AttributionParams,
    /// Which deals make co-sell ties (`--cosell-stages`; applied when the graphs are
    /// built, recorded here with the other parameters).
    pub cosell_stages: crate::graph::CosellStages,
    /// The review period (`--from` / `--to` / `--period`; applied to the validated
    /// tables before the graphs are built); `None`: all time.
    pub period: Option<crate::validate::window::Window>,
}

impl MetricParams {
    /// Checks every family's parameters, in the order the CLI names its flags: PageRank
    /// damping, betweenness ε and δ, closeness ε and δ, community trials, resilience
    /// orders, the overlap bounds. The messages name the CLI flags, so a library caller
    /// is refused exactly as a CLI user is; [`crate::pipeline::AnalyzeJob::check`] runs
    /// it before any work.
    ///
    /// # Example
    /// ```
    /// use ecograph::metrics::MetricParams;
    /// let mut p = MetricParams::default();
    /// assert!(p.check().is_ok());
    /// p.community.trials = 0;
    /// assert_eq!(
    ///     p.check().unwrap_err().to_string(),
    ///     "invalid parameter: --community-trials must be at least 1"
    /// );
    /// ```
    pub fn check(&self) -> crate::error::Result<()> {
        self.pagerank.check()?;
        self.betweenness.check()?;
        self.closeness.check()?;
        self.community.check()?;
        self.resilience.check()?;
        self.overlap.check()
    }
}

/// Results of the centrality suite beyond the per-partner columns (average clustering
/// and modularity go straight into `EcosystemSummary::network`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CentralitySummary {
    /// The summary's `betweenness` section: exact, or sampled with its guarantee; `None`
    /// (null) when betweenness is switched off.
    pub betweenness: Option<BetweennessMode>,
    /// The summary's `closeness` section: exact, or sampled with its bounds; `None`
    /// (null) when both closeness and harmonic are switched off.
    pub closeness: Option<ClosenessMode>,
    /// The `communities` table, one row per community; empty when community is switched
    /// off.
    pub communities: Vec<CommunityRow>,
}

/// All metric results of one run.
#[derive(Debug, Clone)]
pub struct MetricTables {
    /// The metric columns of `partner_metrics`, except the overlap ones, which come from
    /// [`overlap::run`], run on its own while its pairs are written.
    pub partner: PartnerMetrics,
    /// The summary's `counts`, `network`, `revenue` and `partner_lift`.
    pub ecosystem: ecosystem::EcosystemSummary,
    /// The summary's `betweenness` section and the `communities` table.
    pub centrality: CentralitySummary,
    /// PageRank iterations until convergence (the summary's `pagerank.iterations`).
    pub pagerank_iterations: usize,
    /// The `diversification` table, one row per dimension.
    pub diversification: Vec<diversification::DimensionRow>,
    /// `network_growth`, the summary's `growth` fits and `resilience`.
    pub network_effect: network_effect::NetworkEffect,
    /// Every attribution model's revenue per partner (the `attribution` table).
    pub attribution: attribution::Attribution,
    /// Every partner's fit to the configured `[[tiers]]` (the `tier_fit` table and the
    /// summary's `tiers`), by partner index; empty until [`MetricTables::fit_tiers`]
    /// has run, once the overlap family's columns are known.
    pub tier_fit: Vec<tiers::PartnerFit>,
}

impl MetricTables {
    /// Fits every partner to `tiers` ([`tiers::fit`]): the rules test partner_metrics
    /// columns, the overlap family's included, so this runs once the overlap stage has
    /// given `overlap`.
    pub fn fit_tiers(
        &mut self,
        g: &GraphSet,
        t: &[tiers::Tier],
        overlap: &overlap::PartnerOverlap,
    ) {
        self.tier_fit = tiers::fit(
            t,
            &self.partner,
            overlap,
            &g.partners.tier,
            &self.attribution,
        );
    }
}

/// Computes every metric, one timed stage per measure ([`crate::plan`] names them and
/// says which run).
pub fn compute(g: &GraphSet, params: &MetricParams, st: &mut Stages) -> MetricTables {
    let (activity, components, mut ecosystem) = st.run(Stage::Activity.name(), || {
        let activity = activity::compute(g);
        let components = components::connected_components(&g.cosell);
        let ecosystem = ecosystem::summarize(g, &components, &params.partner_lift);
        (activity, components, ecosystem)
    });
    let attribution = st.run(Stage::Attribution.name(), || {
        attribution::compute(g, &activity.attributed_revenue, &params.attribution)
    });
    let (pagerank, iterations) = st.run(Stage::PageRank.name(), || {
        centrality::pagerank::pagerank(&g.cosell, &params.pagerank)
    });
    let sel = params.centrality;
    let shape = crate::plan::Shape {
        centrality: sel,
        ..Default::default()
    };
    let runs = |s: Stage| s.runs(&shape);
    let mut c = Centrality::default();
    let mut summary = CentralitySummary::default();
    if runs(Stage::Betweenness) {
        let (b, mode) = st.run_metered(Stage::Betweenness.name(), |meter| {
            centrality::betweenness::betweenness(&g.cosell, &params.betweenness, Some(meter))
        });
        c.betweenness = Some(b);
        summary.betweenness = Some(mode);
    }
    if runs(Stage::ClosenessHarmonic) {
        let (cl, h, mode) = st.run_metered(Stage::ClosenessHarmonic.name(), |meter| {
            centrality::closeness_sampled::closeness_harmonic_auto(
                &g.cosell,
                &params.closeness,
                Some(meter),
            )
        });
        summary.closeness = Some(mode);
        c.closeness = sel.has(Measure::Closeness).then_some(cl);
        c.harmonic = sel.has(Measure::Harmonic).then_some(h);
    }
    if runs(Stage::ClusteringHoles) {
        // Constraint and effective size need the common neighbours of every tie, which
        // give clustering on the way: one pass for the three.
        let nb = st.run(Stage::ClusteringHoles.name(), || {
            centrality::neighborhood::neighborhood(&g.cosell)
        });
        if sel.has(Measure::Clustering) {
            c.clustering = Some(nb.clustering);
        }
        let defined = |v: Vec<f64>| v.into_iter().map(|x| (!x.is_nan()).then_some(x)).collect();
        c.constraint = sel.has(Measure::Constraint).then(|| defined(nb.constraint));
        c.effective_size = sel
            .has(Measure::EffectiveSize)
            .then(|| defined(nb.effective_size));
    } else if runs(Stage::Clustering) {
        // Clustering alone: triangle counting, the same values for a fraction of the work.
        c.clustering = Some(st.run(Stage::Clustering.name(), || {
            centrality::neighborhood::clustering(&g.cosell)
        }));
    }
    if let Some(cl) = &c.clustering {
        ecosystem.network.average_clustering =
            Some(centrality::neighborhood::average_clustering(cl));
    }
    if runs(Stage::CoreNumber) {
        c.core_number = Some(st.run(Stage::CoreNumber.name(), || {
            centrality::core_number::core_number(&g.cosell)
        }));
    }
    if runs(Stage::Communities) {
        let (label, q) = st.run(Stage::Communities.name(), || {
            community::communities(&g.cosell, &params.community)
        });
        ecosystem.network.modularity = q;
        summary.communities =
            community::community_rows(&label, &pagerank, &g.partners.partner_type);
        c.community = Some(label);
    }
    let (family, revenue_at_risk) = st.run(Stage::NetworkEffect.name(), || {
        (
            network_effect::family(g, &activity.attributed_revenue, &params.resilience),
            revenue_at_risk::revenue_at_risk(g),
        )
    });
    let n = g.n_partners();
    let row_len = |c: &crate::graph::Csr| (0..n).map(|p| c.degree(p) as u32).collect::<Vec<_>>();
    MetricTables {
        partner: PartnerMetrics {
            activity,
            customers: row_len(&g.partner_customers),
            products: row_len(&g.partner_products),
            cosell_degree: row_len(&g.cosell),
            cosell_strength: centrality::degree::strength(&g.cosell),
            pagerank,
            centrality: c,
            components,
            reach_loss: family.reach_loss,
            customer_hhi: family.customer_hhi,
            revenue_at_risk,
        },
        ecosystem,
        centrality: summary,
        pagerank_iterations: iterations,
        diversification: family.diversification,
        network_effect: family.network_effect,
        attribution,
        tier_fit: Vec::new(),
    }
}

#[cfg(test)]
mod params_tests {
    use super::MetricParams;

    /// The library refuses what the CLI refuses, with the CLI's words (which name its
    /// flags): a caller without the CLI meets the same checks.
    #[test]
    fn check_refuses_bad_parameters_with_the_cli_messages() {
        let refused = |edit: &dyn Fn(&mut MetricParams)| {
            let mut p = MetricParams::default();
            edit(&mut p);
            p.check().unwrap_err().to_string()
        };
        assert!(MetricParams::default().check().is_ok());
        type Edit<'a> = &'a dyn Fn(&mut MetricParams);
        let cases: [(Edit, &str); 9] = [
            (
                &|p| p.pagerank.damping = 2.0,
                "--pagerank-damping must be in (0, 1), got 2",
            ),
            (
                &|p| p.betweenness.epsilon = 0.0,
                "--betweenness-epsilon must be in (0, 1), got 0",
            ),
            (
                &|p| p.betweenness.delta = 1.0,
                "--betweenness-delta must be in (0, 1), got 1",
            ),
            (
                &|p| p.closeness.epsilon = 0.0,
                "--closeness-epsilon must be in (0, 1), got 0",
            ),
            (
                &|p| p.closeness.delta = f64::NAN,
                "--closeness-delta must be in (0, 1), got NaN",
            ),
            (
                &|p| p.community.trials = 0,
                "--community-trials must be at least 1",
            ),
            (
                &|p| p.overlap.threshold = 2.0,
                "--overlap-threshold must be between 0 and 1, got 2",
            ),
            (
                &|p| p.overlap.top_k = Some(0),
                "--overlap-top-k must be at least 1, got 0",
            ),
            (
                &|p| p.overlap.conflict_window_days = -1.0,
                "--conflict-window-days must be a finite number of days >= 0, got -1",
            ),
        ];
        for (edit, message) in cases {
            assert_eq!(refused(edit), format!("invalid parameter: {message}"));
        }
    }
}
