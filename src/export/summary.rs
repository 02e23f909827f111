//! `ecosystem_summary.json` (contract §3 and the §4 layout) and the run metadata stored
//! in every output table.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::metrics::centrality::betweenness::BetweennessMode;
use crate::metrics::centrality::closeness_sampled::ClosenessMode;
use crate::metrics::ecosystem::EcosystemSummary;
use crate::metrics::network_effect::growth::GrowthFits;
use crate::metrics::{CentralitySummary, MetricParams, MetricTables};
use crate::schema::OUTPUT_SCHEMA_VERSION;

/// ecograph's version (`Cargo.toml`), written as `ecograph_version` beside the schema
/// version so a file says which build wrote it.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Parameters that change results. They go into every output file, so they must not
/// include anything that differs between equivalent runs (thread count, paths, times).
#[derive(Debug, Clone, Serialize)]
pub struct ResultParameters {
    /// Every metric family's parameters (`parameters.metrics`).
    pub metrics: MetricParams,
    /// Whether rows breaking a row rule were left out instead of failing the run.
    pub skip_invalid: bool,
}

/// The metadata JSON stored in each output table: schema version, parameters, and how
/// betweenness and closeness were obtained (exact, or sampled with their bounds and
/// seed), so a table read on its own says what its numbers mean.
pub fn table_metadata(params: &ResultParameters, centrality: &CentralitySummary) -> String {
    serde_json::json!({
        "schema_version": OUTPUT_SCHEMA_VERSION,
        "ecograph_version": VERSION,
        "parameters": params,
        "betweenness": centrality.betweenness,
        "closeness": centrality.closeness,
        "overlap": { "top_k": params.metrics.overlap.top_k },
    })
    .to_string()
}

/// Everything about the run that the summary records besides the metrics.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// The input folder, as given (`parameters.input`).
    pub input: String,
    /// Format of the output tables (`"parquet"`, `"arrow"`, `"csv"`).
    pub format: crate::io::write::OutputFormat,
    /// For CSV tables only: `"safe"` (formula-like text written with a leading `'`) or
    /// `"raw"` (`--csv-raw`); absent for Parquet and Arrow, which hold text as it is.
    /// [`crate::results::Results`] reads a `"safe"` folder's text back unescaped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csv_cells: Option<crate::io::write::CsvCells>,
    /// Worker threads of the run; recorded here only, since results do not depend on it.
    pub threads: usize,
    /// The config file, as given; null without `--config`.
    pub config: Option<String>,
    /// How the input was read: the config's and flags' format settings, resolved.
    pub input_format: crate::config::InputFormatInfo,
    /// The parameters that change results, as every output table also records them.
    pub result: ResultParameters,
}

#[derive(Serialize)]
struct Summary<'a> {
    schema_version: u32,
    ecograph_version: &'static str,
    #[serde(flatten)]
    ecosystem: &'a EcosystemSummary,
    growth: &'a GrowthFits,
    pagerank: serde_json::Value,
    /// How betweenness was computed (exact or sampled with its guarantee); null when off.
    betweenness: Option<&'a BetweennessMode>,
    /// How closeness and harmonic were computed (exact, or sampled with its bounds);
    /// null when both are off.
    closeness: Option<&'a ClosenessMode>,
    validation: serde_json::Value,
    parameters: &'a RunInfo,
    inputs: &'a BTreeMap<String, String>,
    timings_s: &'a BTreeMap<String, f64>,
    /// Pair counts before and after the output bounds, conflicts, unique customers.
    overlap: &'a crate::metrics::overlap::OverlapCounts,
    /// The attribution models: which ran, their totals, and how much they disagree.
    attribution: &'a serde_json::Value,
    /// The tier review's counts.
    tiers: &'a serde_json::Value,
    /// The review window, null for all time.
    period: &'a serde_json::Value,
}

/// The summary's partner-program sections, each built where its inputs are
/// ([`attribution_json`], [`tiers_json`], [`period_json`]).
#[derive(Debug, Clone, Default)]
pub struct ProgramSections {
    /// `attribution`.
    pub attribution: serde_json::Value,
    /// `tiers`.
    pub tiers: serde_json::Value,
    /// `period`.
    pub period: serde_json::Value,
}

/// The summary's `period` section: the window and the deals it kept; null for all time.
pub fn period_json(
    window: Option<crate::validate::window::Window>,
    counts: Option<crate::validate::window::WindowCounts>,
) -> serde_json::Value {
    match (window, counts) {
        (Some(w), Some(c)) => {
            let mut v = serde_json::to_value(w).expect("plain data");
            v["deals_in_window"] = c.deals_in_window.into();
            v["deals_left_out"] = c.deals_left_out.into();
            v
        }
        _ => serde_json::Value::Null,
    }
}

/// Partners in the summary's "which story is fair" table.
pub const FAIR_STORY_PARTNERS: usize = 10;

/// The summary's `attribution` section: the models computed and those absent (with
/// why), each model's total (all equal to `partner_won_revenue`, up to rounding), the
/// untimed deals, and "which story is fair": the [`FAIR_STORY_PARTNERS`] partners with
/// the most `even` revenue, with their revenue and rank under every model, and per model
/// how many of its top ten are even's and the largest rank change among even's top ten.
pub fn attribution_json(
    g: &crate::build::GraphSet,
    a: &crate::metrics::attribution::Attribution,
) -> serde_json::Value {
    use crate::metrics::attribution::ModelRevenue;
    use serde_json::{json, Map, Value};
    let even_rank = &a.models[0].rank;
    // even's top ten, in rank order (ranks are 1..n, one partner each)
    let mut top: Vec<usize> = (0..g.n_partners())
        .filter(|&p| even_rank[p] as usize <= FAIR_STORY_PARTNERS)
        .collect();
    top.sort_by_key(|&p| even_rank[p]);
    let fair: Vec<Value> = top
        .iter()
        .map(|&p| {
            let per = |f: &dyn Fn(&ModelRevenue) -> Value| -> Map<String, Value> {
                a.models
                    .iter()
                    .map(|m| (m.model.name().to_string(), f(m)))
                    .collect()
            };
            json!({
                "partner_id": g.partners.id[p],
                "name": g.partners.name[p],
                "revenue": per(&|m| json!(m.revenue[p])),
                "rank": per(&|m| json!(m.rank[p])),
            })
        })
        .collect();
    let agreement: Map<String, Value> = a
        .models
        .iter()
        .skip(1)
        .map(|m| {
            let shared = top.iter().filter(|&&p| (m.rank[p] as usize) <= FAIR_STORY_PARTNERS).count();
            let change = top
                .iter()
                .map(|&p| (i64::from(m.rank[p]) - i64::from(even_rank[p])).abs())
                .max()
                .unwrap_or(0);
            (
                m.model.name().to_string(),
                json!({ "top10_shared_with_even": shared, "largest_rank_change_in_even_top10": change }),
            )
        })
        .collect();
    json!({
        "models": a.models.iter().map(|m| m.model.name()).collect::<Vec<_>>(),
        "absent": a.absent.iter().map(|(m, why)| (m.name().to_string(), json!(why))).collect::<Map<_, _>>(),
        "partner_won_revenue": a.partner_won_revenue,
        "totals": a.models.iter().map(|m| (m.model.name().to_string(), json!(m.revenue.iter().sum::<f64>()))).collect::<Map<_, _>>(),
        "untimed_deals": a.untimed_deals,
        "untimed_revenue": a.untimed_revenue,
        "fair_story": fair,
        "agreement": agreement,
    })
}

/// The summary document: network-wide metric results from `m`, plus the run's facts.
#[allow(clippy::too_many_arguments)]
pub fn summary_json(
    m: &MetricTables,
    overlap: &crate::metrics::overlap::OverlapCounts,
    rejected_rows: usize,
    warnings: &[crate::error::Warning],
    run: &RunInfo,
    inputs: &BTreeMap<String, String>,
    timings: &BTreeMap<String, f64>,
    program: &ProgramSections,
) -> serde_json::Value {
    serde_json::to_value(Summary {
        schema_version: OUTPUT_SCHEMA_VERSION,
        ecograph_version: VERSION,
        ecosystem: &m.ecosystem,
        growth: &m.network_effect.fits,
        pagerank: serde_json::json!({ "iterations": m.pagerank_iterations }),
        betweenness: m.centrality.betweenness.as_ref(),
        closeness: m.centrality.closeness.as_ref(),
        validation: serde_json::json!({ "rejected_rows": rejected_rows, "warnings": warnings }),
        parameters: run,
        inputs,
        timings_s: timings,
        overlap,
        attribution: &program.attribution,
        tiers: &program.tiers,
        period: &program.period,
    })
    .expect("summary is plain data")
}

/// The summary's `tiers` section: the configured tiers (highest first), how many
/// partners have each status, and per tier how many partners qualify for it as their
/// highest.
pub fn tiers_json(
    tiers: &[crate::metrics::tiers::Tier],
    fits: &[crate::metrics::tiers::PartnerFit],
) -> serde_json::Value {
    use crate::metrics::tiers::Status;
    let status: serde_json::Map<String, serde_json::Value> = Status::ALL
        .iter()
        .map(|s| {
            let n = fits.iter().filter(|f| f.status == *s).count();
            (s.word().to_string(), serde_json::json!(n))
        })
        .collect();
    let qualified: serde_json::Map<String, serde_json::Value> = tiers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let n = fits.iter().filter(|f| f.qualified == Some(i)).count();
            (t.name.clone(), serde_json::json!(n))
        })
        .collect();
    serde_json::json!({
        "configured": tiers.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        "status": status,
        "qualified": qualified,
    })
}
