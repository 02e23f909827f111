//! `ecosystem_summary.json` (contract §3 and the §4 layout) and the run metadata stored
//! in every output table.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
    pub format: crate::io::out::write::OutputFormat,
    /// For CSV tables only: `"safe"` (formula-like text written with a leading `'`) or
    /// `"raw"` (`--csv-raw`); absent for Parquet and Arrow, which hold text as it is.
    /// [`crate::results::Results`] reads a `"safe"` folder's text back unescaped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csv_cells: Option<crate::io::out::write::CsvCells>,
    /// Worker threads of the run; recorded here only, since results do not depend on it.
    pub threads: usize,
    /// The config file, as given; null without `--config`.
    pub config: Option<String>,
    /// How the input was read: the config's and flags' format settings, resolved.
    pub input_format: crate::config::InputFormatInfo,
    /// `[report]`: how the review page presents amounts (its currency), so that
    /// `ecograph report` re-renders the page of a results folder as `analyze --report`
    /// did.
    pub report: crate::config::ReportConfig,
    /// The parameters that change results, as every output table also records them.
    pub result: ResultParameters,
    /// The alerts' settings (`[alerts]`): they change what the review raises, not a
    /// table, so they are recorded here only.
    pub alerts: crate::vocab::alerts::AlertSettings,
}

#[derive(Serialize)]
struct SummaryOut<'a> {
    schema_version: u32,
    ecograph_version: &'static str,
    #[serde(flatten)]
    ecosystem: &'a EcosystemSummary,
    growth: &'a GrowthFits,
    pagerank: PagerankSection,
    /// How betweenness was computed (exact or sampled with its guarantee); null when off.
    betweenness: Option<&'a BetweennessMode>,
    /// How closeness and harmonic were computed (exact, or sampled with its bounds);
    /// null when both are off.
    closeness: Option<&'a ClosenessMode>,
    validation: ValidationSection<&'a [crate::error::Warning]>,
    parameters: &'a RunInfo,
    inputs: &'a BTreeMap<String, String>,
    timings_s: &'a BTreeMap<String, f64>,
    /// Pair counts before and after the output bounds, conflicts, unique customers.
    overlap: &'a crate::metrics::overlap::OverlapCounts,
    /// The attribution models: which ran, their totals, and how much they disagree.
    attribution: &'a AttributionSection,
    /// The tier review's counts.
    tiers: &'a TiersSection,
    /// The review window, null for all time.
    period: &'a Option<PeriodSection>,
    /// What the numbers rest on: rows read, rejected and merged; what the deals lack.
    basis: &'a BasisSection,
}

/// The summary's `basis`: what every number rests on, for the review's "what these
/// numbers rest on" section. Rows read and rejected, and the deals' gaps, are the
/// input's (before a `--period` window); rows merged are those of the deals analyzed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasisSection {
    /// Per input table, in table order.
    pub tables: Vec<TableBasis>,
    /// What the deals lack.
    pub deals: DealBasis,
}

/// One input table's rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableBasis {
    /// The contract table.
    pub table: String,
    /// The file it was read from, as messages show it.
    pub file: String,
    /// Data rows read.
    pub rows: u64,
    /// Rows left out by `--skip-invalid` (0 in strict mode, where any is an error).
    pub rejected: u64,
    /// Rows folded into another because they repeat it: a partner listed twice on a
    /// deal (deal_partners), a product listed twice for a partner (partner_products).
    pub merged: u64,
}

/// What the input's deals lack (all of them, before a `--period` window). A deal without an amount counts as 0 in every revenue
/// figure; without created_at it is in no quarter of network_growth and no channel
/// conflict; a closed deal without closed_at has no time to close.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealBasis {
    /// Deals.
    pub deals: u64,
    /// Of them, without an amount.
    pub amount_missing: u64,
    /// Won deals.
    pub won: u64,
    /// Of them, without an amount.
    pub won_amount_missing: u64,
    /// Deals without created_at.
    pub created_at_missing: u64,
    /// Closed deals (won or lost).
    pub closed: u64,
    /// Of them, without closed_at.
    pub closed_at_missing: u64,
}

/// The `basis` section from validation's counts: `stats` per table, the deals' `gaps`,
/// the deal_partners rows kept (`links`) against the distinct (deal, partner) pairs of
/// the graph (`distinct_links`), and partner_products' distinct pairs (`pp_pairs`).
pub fn basis(
    stats: &[crate::validate::TableStats],
    gaps: crate::validate::DealGaps,
    links: usize,
    distinct_links: usize,
    pp_pairs: usize,
) -> BasisSection {
    let u = |n: usize| n as u64;
    BasisSection {
        tables: stats
            .iter()
            .map(|s| TableBasis {
                table: s.table.to_string(),
                file: s.file.clone(),
                rows: u(s.rows),
                rejected: u(s.rows.saturating_sub(s.kept)),
                merged: match s.table {
                    "deal_partners" => u(links.saturating_sub(distinct_links)),
                    "partner_products" => u(s.kept.saturating_sub(pp_pairs)),
                    _ => 0,
                },
            })
            .collect(),
        deals: DealBasis {
            deals: u(gaps.deals),
            amount_missing: u(gaps.missing),
            won: u(gaps.won),
            won_amount_missing: u(gaps.missing_won),
            created_at_missing: u(gaps.missing_created),
            closed: u(gaps.closed),
            closed_at_missing: u(gaps.missing_closed),
        },
    }
}

/// The summary's `pagerank` section.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PagerankSection {
    /// Power iterations until convergence.
    pub iterations: usize,
}

/// The summary's `validation` section; `W` is the warnings' type (the writer's
/// [`crate::error::Warning`]s, read back as JSON values).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValidationSection<W> {
    /// Rows left out by `--skip-invalid` (see rejected_rows).
    pub rejected_rows: usize,
    /// What the input implies for the results.
    pub warnings: W,
}

/// The summary's partner-program sections, each built where its inputs are
/// ([`attribution_json`], [`tiers_json`], [`period_json`]).
#[derive(Debug, Clone, Default)]
pub struct ProgramSections {
    /// `attribution`.
    pub attribution: AttributionSection,
    /// `tiers`.
    pub tiers: TiersSection,
    /// `period`.
    pub period: Option<PeriodSection>,
}

/// The summary's `period` section: the review window (ISO dates, null for an open
/// side) and the deals it kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodSection {
    /// First day kept.
    pub from: Option<String>,
    /// Last day kept.
    pub to: Option<String>,
    /// Deals created in the window.
    pub deals_in_window: u64,
    /// Deals left out (created outside it, or without created_at).
    pub deals_left_out: u64,
}

/// The summary's `period` section: the window and the deals it kept; None (null) for
/// all time.
pub fn period_json(
    window: Option<crate::validate::window::Window>,
    counts: Option<crate::validate::window::WindowCounts>,
) -> Option<PeriodSection> {
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    match (window, counts) {
        (Some(w), Some(c)) => Some(PeriodSection {
            from: day(w.from),
            to: day(w.to),
            deals_in_window: c.deals_in_window,
            deals_left_out: c.deals_left_out,
        }),
        _ => None,
    }
}

/// Partners in the summary's "which story is fair" table.
pub const FAIR_STORY_PARTNERS: usize = 10;

/// The summary's `attribution` section (see [`attribution_json`]); maps are keyed by
/// model name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AttributionSection {
    /// The models computed, in table order (even first).
    pub models: Vec<String>,
    /// Models left out, with why.
    pub absent: BTreeMap<String, String>,
    /// Won revenue of deals with a partner: every model's total.
    pub partner_won_revenue: f64,
    /// Each model's total.
    pub totals: BTreeMap<String, f64>,
    /// Won partner deals without touch dates (null when the time models are absent).
    pub untimed_deals: Option<u64>,
    /// Their revenue.
    pub untimed_revenue: Option<f64>,
    /// Even's top partners, with revenue and rank under every model.
    pub fair_story: Vec<FairStoryPartner>,
    /// Per model after even: how far it agrees with even.
    pub agreement: BTreeMap<String, Agreement>,
}

/// One partner of [`AttributionSection::fair_story`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FairStoryPartner {
    /// Its id.
    pub partner_id: String,
    /// Its name, null when absent.
    pub name: Option<String>,
    /// Revenue per model.
    pub revenue: BTreeMap<String, f64>,
    /// Rank per model (1 = most).
    pub rank: BTreeMap<String, u64>,
}

impl FairStoryPartner {
    /// Its name, or its id when it has none.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.partner_id)
    }
}

/// One model's agreement with `even` in [`AttributionSection::agreement`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// Of its top ten, how many are in even's.
    pub top10_shared_with_even: u64,
    /// The largest rank change among even's top ten.
    pub largest_rank_change_in_even_top10: u64,
}

/// The summary's `attribution` section: the models computed and those absent (with
/// why), each model's total (all equal to `partner_won_revenue`, up to rounding), the
/// untimed deals, and "which story is fair": the [`FAIR_STORY_PARTNERS`] partners with
/// the most `even` revenue, with their revenue and rank under every model, and per model
/// how many of its top ten are even's and the largest rank change among even's top ten.
pub fn attribution_json(
    g: &crate::graph::GraphSet,
    a: &crate::metrics::attribution::Attribution,
) -> AttributionSection {
    let even_rank = &a.models[0].rank;
    // even's top ten, in rank order (ranks are 1..n, one partner each)
    let mut top: Vec<usize> = (0..g.n_partners())
        .filter(|&p| even_rank[p] as usize <= FAIR_STORY_PARTNERS)
        .collect();
    top.sort_by_key(|&p| even_rank[p]);
    let fair_story = top
        .iter()
        .map(|&p| FairStoryPartner {
            partner_id: g.partners.id[p].to_string(),
            name: g.partners.name[p].clone(),
            revenue: a
                .models
                .iter()
                .map(|m| (m.model.name().to_string(), m.revenue[p]))
                .collect(),
            rank: a
                .models
                .iter()
                .map(|m| (m.model.name().to_string(), u64::from(m.rank[p])))
                .collect(),
        })
        .collect();
    let agreement = a
        .models
        .iter()
        .skip(1)
        .map(|m| {
            let shared = top
                .iter()
                .filter(|&&p| (m.rank[p] as usize) <= FAIR_STORY_PARTNERS)
                .count();
            let change = top
                .iter()
                .map(|&p| (i64::from(m.rank[p]) - i64::from(even_rank[p])).unsigned_abs())
                .max()
                .unwrap_or(0);
            (
                m.model.name().to_string(),
                Agreement {
                    top10_shared_with_even: shared as u64,
                    largest_rank_change_in_even_top10: change,
                },
            )
        })
        .collect();
    AttributionSection {
        models: a
            .models
            .iter()
            .map(|m| m.model.name().to_string())
            .collect(),
        absent: a
            .absent
            .iter()
            .map(|(m, why)| (m.name().to_string(), why.to_string()))
            .collect(),
        partner_won_revenue: a.partner_won_revenue,
        totals: a
            .models
            .iter()
            .map(|m| (m.model.name().to_string(), m.revenue.iter().sum::<f64>()))
            .collect(),
        untimed_deals: a.untimed_deals,
        untimed_revenue: a.untimed_revenue,
        fair_story,
        agreement,
    }
}

/// The run's facts [`summary_json`] records beside the metric results: its settings
/// ([`RunInfo`]), inputs, timings, validation, overlap counts and program sections.
#[derive(Debug, Clone, Copy)]
pub struct RunFacts<'a> {
    /// Pair counts before and after the output bounds, conflicts (`overlap`).
    pub overlap: &'a crate::metrics::overlap::OverlapCounts,
    /// Rows left out by `--skip-invalid` (`validation.rejected_rows`).
    pub rejected_rows: usize,
    /// What the input implies for the results (`validation.warnings`).
    pub warnings: &'a [crate::error::Warning],
    /// The run's settings (`parameters`).
    pub run: &'a RunInfo,
    /// The input files' checksums (`inputs`).
    pub inputs: &'a BTreeMap<String, String>,
    /// Seconds per stage (`timings_s`).
    pub timings: &'a BTreeMap<String, f64>,
    /// The partner-program sections (`attribution`, `tiers`, `period`).
    pub program: &'a ProgramSections,
    /// What the numbers rest on (`basis`).
    pub basis: &'a BasisSection,
}

/// The summary document: network-wide metric results from `m`, plus the run's facts.
pub fn summary_json(m: &MetricTables, facts: &RunFacts) -> serde_json::Value {
    let RunFacts {
        overlap,
        rejected_rows,
        warnings,
        run,
        inputs,
        timings,
        program,
        basis,
    } = *facts;
    serde_json::to_value(SummaryOut {
        schema_version: OUTPUT_SCHEMA_VERSION,
        ecograph_version: VERSION,
        ecosystem: &m.ecosystem,
        growth: &m.network_effect.fits,
        pagerank: PagerankSection {
            iterations: m.pagerank_iterations,
        },
        betweenness: m.centrality.betweenness.as_ref(),
        closeness: m.centrality.closeness.as_ref(),
        validation: ValidationSection {
            rejected_rows,
            warnings,
        },
        parameters: run,
        inputs,
        timings_s: timings,
        overlap,
        attribution: &program.attribution,
        tiers: &program.tiers,
        period: &program.period,
        basis,
    })
    .expect("summary is plain data")
}

/// The summary's `tiers` section (see [`tiers_json`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TiersSection {
    /// The configured tiers, highest first (empty without `[[tiers]]`).
    pub configured: Vec<String>,
    /// Partners per status (`above`, `meets`, `below`, `unknown`).
    pub status: BTreeMap<String, u64>,
    /// Per tier, the partners qualifying for it as their highest.
    pub qualified: BTreeMap<String, u64>,
}

/// The summary's `tiers` section: the configured tiers (highest first), how many
/// partners have each status, and per tier how many partners qualify for it as their
/// highest.
pub fn tiers_json(
    tiers: &[crate::metrics::tiers::Tier],
    fits: &[crate::metrics::tiers::PartnerFit],
) -> TiersSection {
    use crate::metrics::tiers::Status;
    TiersSection {
        configured: tiers.iter().map(|t| t.name.clone()).collect(),
        status: Status::ALL
            .iter()
            .map(|s| {
                let n = fits.iter().filter(|f| f.status == *s).count();
                (s.word().to_string(), n as u64)
            })
            .collect(),
        qualified: tiers
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let n = fits.iter().filter(|f| f.qualified == Some(i)).count();
                (t.name.clone(), n as u64)
            })
            .collect(),
    }
}

/// The summary's `growth` section as read back (the writer's [`GrowthFits`] holds the
/// law as a `&'static str`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GrowthSection {
    /// See [`GrowthFits::densification_exponent`].
    pub densification_exponent: Option<f64>,
    /// See [`GrowthFits::densification_r2`].
    pub densification_r2: Option<f64>,
    /// See [`GrowthFits::revenue_exponent`].
    pub revenue_exponent: Option<f64>,
    /// See [`GrowthFits::revenue_r2`].
    pub revenue_r2: Option<f64>,
    /// See [`GrowthFits::best_growth_law`].
    pub best_growth_law: Option<String>,
}

/// The summary's `parameters` as read back: what the readers use of [`RunInfo`] (the
/// other keys are the run's settings, kept in the file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParametersSection {
    /// The input folder, as given.
    pub input: String,
    /// Format of the output tables (`"parquet"`, `"arrow"`, `"csv"`).
    pub format: String,
    /// For CSV tables: `"safe"` or `"raw"`; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv_cells: Option<String>,
    /// The config file, as given; null without `--config`.
    pub config: Option<String>,
    /// `[report]` as the run recorded it; the default (no currency) for folders written
    /// before it was recorded (so the key may be missing, unlike the others).
    #[serde(default, skip_serializing_if = "crate::config::ReportConfig::is_unset")]
    pub report: crate::config::ReportConfig,
    /// The alerts' settings; None in a folder written before they existed, which is
    /// judged with the defaults ([`ParametersSection::alert_settings`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerts: Option<crate::vocab::alerts::AlertSettings>,
    /// What the readers use of the parameters that change results: the seeds.
    pub result: ResultSection,
}

/// `parameters.result` as read back: the seeded measures' settings the review's "what
/// these numbers rest on" names (the other keys stay in the file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultSection {
    /// `parameters.result.metrics`.
    pub metrics: SeededMetrics,
}

/// The seeded metric families' settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeededMetrics {
    /// Louvain communities: seed and trials.
    pub community: SeedTrials,
    /// Random-removal resilience: seed and orders.
    pub resilience: SeedOrders,
}

/// A seed and the number of seeded trials.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedTrials {
    /// The seed.
    pub seed: u64,
    /// Trials (the best modularity is kept).
    pub trials: u64,
}

/// A seed and the number of random removal orders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedOrders {
    /// The seed.
    pub seed: u64,
    /// Random orders averaged.
    pub orders: u64,
}

/// How a measure that may be sampled was computed, as read back: `exact` or `sampled`
/// with its error bound (`epsilon`, holding with probability 1 - `delta`) and seed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModeSection {
    /// `exact` or `sampled`.
    pub mode: String,
    /// The additive error bound, when sampled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epsilon: Option<f64>,
    /// The probability that the bound fails, when sampled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta: Option<f64>,
    /// The seed of the draws, when sampled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

impl ParametersSection {
    /// The alerts' settings the folder was written with (the defaults before they were
    /// recorded).
    pub fn alert_settings(&self) -> crate::vocab::alerts::AlertSettings {
        self.alerts.unwrap_or_default()
    }
}

/// `ecosystem_summary.json` as every reader sees it ([`crate::results::Results`], the
/// report, scorecards, `compare`, the CLI's closing line): the same section types the
/// writer serializes, so a key renamed on one side fails to read on the other instead
/// of reading as zero. Read with [`Summary::from_json`], which names the key it misses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The output schema version that wrote the file.
    pub schema_version: u32,
    /// ecograph's version that wrote the file.
    pub ecograph_version: String,
    /// `counts`.
    pub counts: crate::metrics::ecosystem::Counts,
    /// `network`.
    pub network: crate::metrics::ecosystem::Network,
    /// `revenue`.
    pub revenue: crate::metrics::ecosystem::Revenue,
    /// `partner_lift`.
    pub partner_lift: crate::metrics::ecosystem::PartnerLift,
    /// `growth`.
    pub growth: GrowthSection,
    /// `pagerank`.
    pub pagerank: PagerankSection,
    /// `betweenness`: how it was computed; null when switched off.
    pub betweenness: Option<ModeSection>,
    /// `closeness`: how closeness and harmonic were computed; null when both are off.
    pub closeness: Option<ModeSection>,
    /// `validation` (the warnings as written).
    pub validation: ValidationSection<Vec<serde_json::Value>>,
    /// `parameters`.
    pub parameters: ParametersSection,
    /// `overlap`.
    pub overlap: crate::metrics::overlap::OverlapCounts,
    /// `attribution`.
    pub attribution: AttributionSection,
    /// `tiers`.
    pub tiers: TiersSection,
    /// `period`: null for all time.
    pub period: Option<PeriodSection>,
    /// `alerts`: the alert rules and the alerts raised; None for results written
    /// before the summary recorded them.
    pub alerts: Option<crate::export::alerts::AlertsSection>,
    /// `basis`: what the numbers rest on; None for results written before the summary
    /// recorded it.
    pub basis: Option<BasisSection>,
}

/// Why a summary could not be read as a [`Summary`]: the key, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryKeyError {
    /// The key (`counts`, or `counts.partners` for a key inside a section).
    pub key: String,
    /// What is wrong with it.
    pub reason: String,
    /// `ecograph_version` of the file (`"unknown"` when it has none).
    pub ecograph_version: String,
}

impl Summary {
    /// Reads a summary document, naming the first key that is missing or of another type.
    pub fn from_json(v: &serde_json::Value) -> std::result::Result<Summary, SummaryKeyError> {
        let version = v
            .get("ecograph_version")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("unknown")
            .to_string();
        fn key<T: serde::de::DeserializeOwned + Serialize>(
            v: &serde_json::Value,
            k: &str,
            version: &str,
        ) -> std::result::Result<T, SummaryKeyError> {
            let fail = |key: String, reason: String| SummaryKeyError {
                key,
                reason,
                ecograph_version: version.to_string(),
            };
            let x = v
                .get(k)
                .ok_or_else(|| fail(k.to_string(), "the key is missing".into()))?;
            let t = T::deserialize(x).map_err(|e| {
                let msg = e.to_string();
                // serde says "missing field `partners`": name the key inside the section
                match msg
                    .strip_prefix("missing field `")
                    .and_then(|m| m.split('`').next())
                {
                    Some(inner) => fail(format!("{k}.{inner}"), "the key is missing".into()),
                    None => fail(k.to_string(), msg),
                }
            })?;
            // An absent Option field deserializes as None: every key the type writes
            // must be in the file, so a renamed key is an error, not a null.
            let written =
                serde_json::to_value(&t).map_err(|e| fail(k.to_string(), e.to_string()))?;
            match absent_key(&written, x, k) {
                Some(path) => Err(fail(path, "the key is missing".into())),
                None => Ok(t),
            }
        }
        let s = Summary {
            schema_version: key(v, "schema_version", &version)?,
            ecograph_version: key(v, "ecograph_version", &version)?,
            counts: key(v, "counts", &version)?,
            network: key(v, "network", &version)?,
            revenue: key(v, "revenue", &version)?,
            partner_lift: key(v, "partner_lift", &version)?,
            growth: key(v, "growth", &version)?,
            pagerank: key(v, "pagerank", &version)?,
            betweenness: key(v, "betweenness", &version)?,
            closeness: key(v, "closeness", &version)?,
            validation: key(v, "validation", &version)?,
            parameters: key(v, "parameters", &version)?,
            overlap: key(v, "overlap", &version)?,
            attribution: key(v, "attribution", &version)?,
            tiers: key(v, "tiers", &version)?,
            period: key(v, "period", &version)?,
            alerts: match v.get("alerts") {
                None => None,
                Some(_) => Some(key(v, "alerts", &version)?),
            },
            basis: match v.get("basis") {
                None => None,
                Some(_) => Some(key(v, "basis", &version)?),
            },
        };
        match s.inconsistent_key() {
            Some(k) => Err(SummaryKeyError {
                key: k,
                reason: "the key is missing".into(),
                ecograph_version: version,
            }),
            None => Ok(s),
        }
    }

    /// The first key the sections promise each other that is absent: each model of
    /// `attribution.models` in every `fair_story` partner's maps and (after even) in
    /// `agreement`; each status word in `tiers.status`. The readers index by them.
    fn inconsistent_key(&self) -> Option<String> {
        let a = &self.attribution;
        for (i, p) in a.fair_story.iter().enumerate() {
            for m in &a.models {
                if !p.revenue.contains_key(m) {
                    return Some(format!("attribution.fair_story[{i}].revenue.{m}"));
                }
                if !p.rank.contains_key(m) {
                    return Some(format!("attribution.fair_story[{i}].rank.{m}"));
                }
            }
        }
        if let Some(m) = a
            .models
            .iter()
            .skip(1)
            .find(|m| !a.agreement.contains_key(*m))
        {
            return Some(format!("attribution.agreement.{m}"));
        }
        crate::metrics::tiers::Status::ALL
            .iter()
            .find(|st| !self.tiers.status.contains_key(st.word()))
            .map(|st| format!("tiers.status.{}", st.word()))
    }
}

/// The first key of `written` (a section as the reader's type writes it) that `read`
/// lacks, as a dotted path from `prefix`.
fn absent_key(
    written: &serde_json::Value,
    read: &serde_json::Value,
    prefix: &str,
) -> Option<String> {
    let (serde_json::Value::Object(w), serde_json::Value::Object(r)) = (written, read) else {
        return None;
    };
    w.iter().find_map(|(k, wv)| match r.get(k) {
        None => Some(format!("{prefix}.{k}")),
        Some(rv) => absent_key(wv, rv, &format!("{prefix}.{k}")),
    })
}
