//! What a run will cost before it pays: the rows and bytes of every output table and the
//! memory and time of every stage (`ecograph analyze --dry-run`, like Neo4j GDS's
//! `.estimate` procedures), and the limits that refuse a pair output or a co-sell
//! network nobody can open ([`DEFAULT_MAX_PAIR_ROWS`], [`DEFAULT_MAX_COSELL_EDGES`]) and
//! threads nobody needs ([`MAX_THREADS`]).
//!
//! Rows are exact but for `communities` (one per community, known only after Louvain;
//! bounded by the partner count): they come from the overlap plan ([`crate::metrics::overlap::plan`],
//! which counts the pairs the bounds keep without writing them), from the partner count,
//! and from the small tables computed in memory. Bytes are rows times a per-table,
//! per-format width measured on the generated 100k-partner ecosystem (seed 42, see
//! BENCHMARKS.md), plus a fixed file overhead: a guide within about 2x, since Parquet's
//! compression depends on the data. Memory is a model of each stage's working set
//! beyond the loaded graphs (the formulas below, per thread where the kernel keeps
//! per-thread state), added to the resident size measured after the graphs are built;
//! loading's own peak is measured, since the dry run has just loaded the input.
//!
//! Time is measured for the stages the dry run goes through (loading, building, the
//! overlap plan and the cheap metrics) and modelled for the others: an operation count
//! per stage (exact betweenness: sources × (n + 2m); sampled: samples × (n + 2m)^0.75;
//! closeness: sources × (n + 2m); clustering and structural holes: Σ degree²; Louvain:
//! trials × 2m; writing: rows) times a per-operation constant of the release build
//! fitted on the 2-core benchmark machine (`ns`), divided by the threads where the
//! kernel is parallel. A rough estimate, within a few times either way: it tells
//! seconds from hours.
//!
//! For a partner manager: how big the answer will be and whether this machine can
//! compute it, in a few seconds instead of a long run.

use crate::graph::GraphSet;
use crate::io::out::write::OutputFormat;
use crate::metrics::overlap::OverlapCounts;
use crate::metrics::MetricParams;
use crate::plan::{self, Shape, Stage};
use crate::schema::out;

/// The default `--max-pair-rows`: `overlap_pairs` larger than this is refused before
/// anything is written. 100 M rows is about 0.5 GB of Parquet and more than any BI tool
/// or spreadsheet opens; the default top-10 bound stays below it up to 5 M partners.
pub const DEFAULT_MAX_PAIR_ROWS: u64 = 100_000_000;

/// The default `--max-cosell-edges`: a co-sell network with more ties than this is
/// refused before it is built. 100 M ties is the row bound of `overlap_pairs`
/// ([`DEFAULT_MAX_PAIR_ROWS`]) for the other pair-sized table: about 4 GB to build, and
/// 5x the generated million-partner ecosystem (18.7 M ties, BENCHMARKS.md); ecosystems
/// reach it only through deals that list hundreds or thousands of partners.
pub const DEFAULT_MAX_COSELL_EDGES: u64 = 100_000_000;

/// The most worker threads `--threads` may ask for. Every parallel kernel keeps state
/// per partner per thread (a Brandes BFS: 28 bytes a partner), so 1,024 threads at a
/// million partners already hold 28 GB; a fixed bound rather than a multiple of the
/// cores, so that the same command is accepted on every machine.
pub const MAX_THREADS: usize = 1024;

/// Rows and expected bytes of one output table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TableSize {
    /// The table's name (`overlap_pairs`).
    pub table: &'static str,
    /// Rows it will have: exact, or an upper bound when `exact` is false.
    pub rows: u64,
    /// False for `communities`, whose rows (one per community) only Louvain knows: then
    /// `rows` is the partner count, its upper bound.
    pub exact: bool,
    /// Expected size of its file in the run's format (a guide, see the module doc).
    pub bytes: u64,
}

/// The expected working memory of one stage.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StageMemory {
    /// The stage, named as `-v` and the summary's `timings_s` name it.
    pub stage: &'static str,
    /// Expected resident bytes while it runs (the graphs plus its working set; for
    /// loading, the measured peak).
    pub bytes: u64,
    /// True when `bytes` was measured rather than modelled.
    pub measured: bool,
    /// Expected seconds of the stage: measured by the dry run for the stages it runs
    /// (loading, building, the overlap plan, the cheap metrics), otherwise the cost model
    /// of the module doc (operations times a per-operation constant, release build).
    pub seconds: f64,
    /// True when `seconds` was measured by the dry run rather than modelled.
    pub seconds_measured: bool,
}

/// The co-sell network's size and its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct CosellSize {
    /// Its edges (the `cosell_edges` rows), counted exactly.
    pub edges: u64,
    /// Σ k(k-1)/2 over the deals (k: a deal's deal_partners rows), before shared pairs
    /// merge ([`crate::graph::CosellCount::upper_bound`]).
    pub upper_bound: u64,
    /// The deal_partners rows of the largest deal that makes ties.
    pub largest_deal: u64,
    /// `--max-cosell-edges` in force.
    pub limit: u64,
}

/// What `analyze` would write and need, in table and stage order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// Every table the run writes, with its rows and expected bytes.
    pub tables: Vec<TableSize>,
    /// Every stage the run goes through, with its expected memory.
    pub stages: Vec<StageMemory>,
    /// The largest of `stages`: the run's expected peak.
    pub peak_bytes: u64,
    /// The overlap counts the plan found (pairs before and rows after the bounds).
    pub overlap: OverlapCounts,
    /// `--max-pair-rows` in force.
    pub max_pair_rows: u64,
    /// The co-sell network's size and `--max-cosell-edges`.
    pub cosell: CosellSize,
    /// The sum of the stages' expected seconds.
    pub total_seconds: f64,
    /// What the input implies for the results (the warnings `analyze` prints).
    pub warnings: Vec<crate::error::Warning>,
    /// `--max-stage-minutes` in force.
    pub max_stage_minutes: f64,
    /// The refusal the run would give for a stage above `max_stage_minutes`, if any.
    pub slow_stage: Option<String>,
}

impl Estimate {
    /// Rows of `table`, if the run writes it.
    pub fn rows(&self, table: &str) -> Option<u64> {
        self.tables
            .iter()
            .find(|t| t.table == table)
            .map(|t| t.rows)
    }

    /// Whether `overlap_pairs` stays within `--max-pair-rows` and every stage within
    /// `--max-stage-minutes` (the co-sell network was checked against
    /// `--max-cosell-edges` before the estimate could be made).
    pub fn within_limit(&self) -> bool {
        self.overlap.rows_written() <= self.max_pair_rows && self.slow_stage.is_none()
    }

    /// Total expected bytes of the output folder.
    pub fn total_bytes(&self) -> u64 {
        self.tables.iter().map(|t| t.bytes).sum()
    }
}

/// Row counts of the tables a run writes (the caller knows them from the plan and the
/// small tables); which tables are written is the run plan's ([`crate::plan::TABLES`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Rows {
    /// partner_metrics rows: one per partner (also the bound of communities' rows).
    pub partners: u64,
    /// attribution rows: one per model computed and partner.
    pub attribution: u64,
    /// tier_fit rows: one per partner and tier rule (one per partner without rules).
    pub tier_fit: u64,
    /// diversification rows.
    pub diversification: u64,
    /// network_growth rows.
    pub network_growth: u64,
    /// resilience rows.
    pub resilience: u64,
    /// overlap_by_type rows.
    pub overlap_by_type: u64,
    /// rejected_rows rows (written with `--skip-invalid`).
    pub rejected: u64,
}

/// What the estimate of a run is made from (see [`estimate`]).
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The built graphs.
    pub graphs: &'a GraphSet,
    /// The tables' row counts.
    pub rows: Rows,
    /// The overlap plan's counts.
    pub overlap: OverlapCounts,
    /// The run's metric parameters: the centrality measures it computes (`--metrics`)
    /// and how (betweenness and closeness sampling, Louvain trials).
    pub params: &'a MetricParams,
    /// Which stages run and which tables are written ([`crate::plan`]).
    pub shape: Shape,
    /// Worker threads (per-thread kernel state scales with it).
    pub threads: usize,
    /// Resident bytes measured at the end of loading (peak), when the platform reports
    /// them.
    pub load_peak: Option<u64>,
    /// Resident bytes measured after building the graphs (current), likewise.
    pub built: Option<u64>,
    /// The run's output format.
    pub format: OutputFormat,
    /// (stage, seconds) the dry run measured; the other stages' times are modelled.
    pub measured: &'a [(String, f64)],
}

/// Bytes per row of a table in a format, measured on the generated 100k-partner
/// ecosystem (seed 42, default flags, each format written once; BENCHMARKS.md "Knowing
/// the cost first"): (parquet, arrow, csv).
fn width(table: &str) -> (f64, f64, f64) {
    match table {
        "partner_metrics" => (79.0, 290.0, 262.0),
        "communities" => (2.2, 13.0, 8.0),
        "overlap_pairs" => (5.9, 84.0, 66.0),
        "cosell_edges" => (5.6, 46.0, 32.0),
        // Measured at 100k with datasets/program.toml: attribution 600k rows, tier_fit
        // 500k rows (five rules).
        "attribution" => (13.5, 48.0, 51.0),
        "tier_fit" => (7.5, 102.0, 83.0),
        // Parquet: 5.2 bytes a row at 100k partners (797k rows), 21 at 10k (10k rows,
        // where the deal ids compress less); 10 keeps both within 2x.
        "channel_conflicts" => (10.0, 94.0, 74.0),
        // The small tables (a few to a few hundred rows): the overhead dominates.
        _ => (60.0, 100.0, 100.0),
    }
}

/// Bytes every file has regardless of rows (schema, footer, run metadata).
const FILE_OVERHEAD: u64 = 4096;

/// Expected bytes of `table`'s file with `rows` rows in `format` (see the module doc).
pub fn estimate_table_bytes(table: &str, rows: u64, format: OutputFormat) -> u64 {
    let (pq, ar, csv) = width(table);
    let w = match format {
        OutputFormat::Parquet => pq,
        OutputFormat::Arrow => ar,
        OutputFormat::Csv => csv,
    };
    FILE_OVERHEAD + (rows as f64 * w) as u64
}

/// Builds the estimate of a run from `input` ([`Inputs`]): its tables and stages are
/// the run plan's ([`crate::plan::tables`], [`crate::plan::stages`]; the report page
/// is not estimated), each stage's working memory and modelled time below. The limits
/// (`max_pair_rows`, `cosell`) are left at zero for the caller.
///
/// # Complexity
/// * **O(n + m)**: degrees, and one BFS per component for the betweenness sample size.
pub fn estimate(input: &Inputs) -> Estimate {
    let overlap = input.overlap;
    let pair_rows = overlap.rows_written();
    let tables = table_sizes(input, pair_rows);
    let graphs = graphs_bytes(input);
    let times = StageTimes::new(input, pair_rows, &tables);
    // The plan holds the conflict rows and, under a top-K bound, the kept pair rows (12
    // bytes each) until they are written, beside every later stage.
    let top_k = overlap.top_k.is_some();
    let held = overlap.channel_conflicts * 40 + if top_k { pair_rows * 12 } else { 0 };
    let shape = Shape {
        report: false,
        ..input.shape
    };
    let stages: Vec<StageMemory> = plan::stages(&shape)
        .map(|stage| {
            let name = stage.name();
            let (seconds, seconds_measured) = times.of(name);
            let (bytes, measured) = match stage {
                // Loading's own peak is measured, since the dry run has just loaded.
                Stage::Load => (input.load_peak.unwrap_or(graphs), input.load_peak.is_some()),
                Stage::Build => (graphs, false),
                _ => (
                    graphs + held + working_bytes(input, pair_rows, stage),
                    false,
                ),
            };
            StageMemory {
                stage: name,
                bytes,
                measured,
                seconds,
                seconds_measured,
            }
        })
        .collect();
    let peak_bytes = stages.iter().map(|s| s.bytes).max().unwrap_or(0);
    let total_seconds = stages.iter().map(|s| s.seconds).sum();
    Estimate {
        tables,
        stages,
        peak_bytes,
        overlap,
        max_pair_rows: 0,
        cosell: CosellSize::default(),
        total_seconds,
        warnings: Vec::new(),
        max_stage_minutes: DEFAULT_MAX_STAGE_MINUTES,
        slow_stage: None,
    }
}

/// Rows and expected bytes of every table the run writes, in the plan's order
/// (`pair_rows`: the overlap_pairs rows the plan counted).
fn table_sizes(input: &Inputs, pair_rows: u64) -> Vec<TableSize> {
    let (g, rows, overlap) = (input.graphs, input.rows, input.overlap);
    let table_rows = |table: &str| match table {
        t if t == out::PARTNER_METRICS.name || t == out::COMMUNITIES.name => rows.partners,
        t if t == out::ATTRIBUTION.name => rows.attribution,
        t if t == out::TIER_FIT.name => rows.tier_fit,
        t if t == out::COSELL_EDGES.name => g.cosell_edges() as u64,
        t if t == out::DIVERSIFICATION.name => rows.diversification,
        t if t == out::NETWORK_GROWTH.name => rows.network_growth,
        t if t == out::RESILIENCE.name => rows.resilience,
        t if t == out::OVERLAP_PAIRS.name => pair_rows,
        t if t == out::OVERLAP_BY_TYPE.name => rows.overlap_by_type,
        t if t == out::CHANNEL_CONFLICTS.name => overlap.channel_conflicts,
        t if t == out::REJECTED_ROWS.name => rows.rejected,
        t => unreachable!("plan::TABLES lists {t}, which the estimate does not count"),
    };
    plan::tables(&input.shape)
        .map(|t| {
            let rows = table_rows(t.name);
            TableSize {
                table: t.name,
                rows,
                exact: t.name != out::COMMUNITIES.name,
                bytes: estimate_table_bytes(t.name, rows, input.format),
            }
        })
        .collect()
}

/// The partner-customer and partner-product links of the graphs.
fn partner_links(g: &GraphSet) -> u64 {
    (g.partner_customers.targets.len() + g.partner_products.targets.len()) as u64
}

/// The resident bytes of the built graphs: as measured, or when the platform cannot
/// say, what the CSR arrays and the deal columns take.
fn graphs_bytes(input: &Inputs) -> u64 {
    let g = input.graphs;
    let edges = g.cosell.targets.len() as u64;
    input.built.unwrap_or(
        edges * 12
            + partner_links(g) * 8
            + g.n_deals() as u64 * 48
            + g.n_partners() as u64 * 64
            + g.deal_partners.targets.len() as u64
                * if g.deal_partner_touched.is_some() {
                    17
                } else {
                    9
                },
    )
}

/// A stage's working set beyond the graphs, for `input`'s run whose overlap_pairs has
/// `pair_rows` rows (every stage after the overlap plan also holds what the plan keeps,
/// `held` in [`estimate`]).
fn working_bytes(input: &Inputs, pair_rows: u64, stage: Stage) -> u64 {
    let g = input.graphs;
    let n = g.n_partners() as u64;
    let t = input.threads.max(1) as u64;
    let edges = g.cosell.targets.len() as u64;
    // Overlap plan and pairs: the transposes (at most the links), per thread a u32
    // counter and a bitmap per partner, and two windows of one block per thread (at most
    // 2^20 pairs of 8 bytes each) with their record batches (75 bytes a row).
    let passes = partner_links(g) * 4 + t * n * 5;
    let windows = 2 * t * (1 << 20).min(pair_rows.max(1)) * (8 + 75);
    // One model at a time: a share per deal-partner link, and each model's column.
    let models = input.rows.attribution / n.max(1);
    match stage {
        Stage::Load | Stage::Build => 0,
        Stage::OverlapPlan => passes,
        Stage::Activity => n * 64,
        Stage::Attribution => g.deal_partners.targets.len() as u64 * 8 + models * n * 8,
        Stage::PageRank => n * 24,
        // Brandes per thread: distance, path count, dependency, stack, per partner.
        Stage::Betweenness => t * n * 28,
        // 512 sources at a time: two 64-byte masks per partner per thread, and the
        // relabelled copy of the network.
        Stage::ClosenessHarmonic => t * n * 128 + edges * 4 + n * 16,
        Stage::ClusteringHoles => t * n * 16 + n * 24,
        // Triangle counting alone: a marker per partner per thread and the oriented
        // copy of the network.
        Stage::Clustering => t * n * 4 + edges * 4,
        // Batagelj-Zaversnik: degree, bin and position arrays.
        Stage::CoreNumber => n * 16,
        // Louvain: the aggregated graph (at most the network) and per-node state.
        Stage::Communities => edges * 12 + n * 40,
        Stage::NetworkEffect => edges * 8 + n * 64,
        // Under top-K the kept rows are written from the plan (a window of 2^16-pair
        // blocks, no transpose); otherwise one streaming pass per dimension.
        Stage::OverlapPairs if input.overlap.top_k.is_some() => {
            t * (1 << 16).min(pair_rows.max(1)) * (8 + 75)
        }
        Stage::OverlapPairs => passes + windows,
        Stage::Export => n * 400,
        // Not estimated (the shape of an estimate leaves it out).
        Stage::Report => 0,
    }
}

/// Nanoseconds per operation of the modelled stages, on one thread of the release build
/// on the 2-core benchmark machine (BENCHMARKS.md), fitted to the stage times `-v`
/// reports for the generated 100k-partner ecosystem (n = 100,000, m = 1.11 M ties,
/// 72,917 partners with a tie, 2 threads: betweenness sampled 0.89 s, closeness exact
/// 1.42 s, clustering + structural holes 1.60 s, communities 0.82 s, core number 0.015
/// s, overlap pairs 0.52 s, export 0.30 s) and to exact betweenness on one deal of
/// 10,000 partners (50 M ties: about 25 minutes). W = n + 2m is one breadth-first
/// search.
mod ns {
    /// Exact betweenness: per source and unit of W (Brandes: one BFS and one
    /// dependency sweep per source); the constant the run's own exact-or-sampled
    /// decision uses.
    pub(super) const BRANDES: f64 = crate::metrics::centrality::betweenness::NS_PER_SOURCE_UNIT;
    /// Sampled betweenness: per sample and unit of W^0.75 (a balanced bidirectional
    /// search visits far less than W).
    pub(super) const SAMPLE: f64 = crate::metrics::centrality::betweenness::NS_PER_SAMPLE_UNIT;
    /// Closeness + harmonic: per source and unit of W (512 sources share a sweep).
    pub(super) const CLOSENESS: f64 = 0.0167;
    /// Clustering (and constraint, effective size): per unit of Σ deg².
    pub(super) const CLUSTERING: f64 = 12.0;
    /// Louvain: per trial and directed edge (several sweeps and levels).
    pub(super) const LOUVAIN: f64 = 180.0;
    /// Core number: per directed edge (sequential).
    pub(super) const CORE: f64 = 7.0;
    /// Writing a row of a pair-sized table (overlap_pairs, channel_conflicts), wall.
    pub(super) const PAIR_ROW: f64 = 250.0;
    /// Writing a row of the other tables (export), wall.
    pub(super) const EXPORT_ROW: f64 = 170.0;
}

/// The cost model's seconds for each network-measure stage the run's parameters select
/// (betweenness, closeness + harmonic, clustering and structural holes, core number,
/// communities), on `threads` threads: operation counts of `g` times the per-operation
/// costs of `ns` (module doc). It depends on the graph, the parameters and `threads` only, never on
/// the machine, so a limit on it ([`check_stage_limit`]) decides alike everywhere.
pub(crate) fn metric_stage_seconds(
    g: &GraphSet,
    params: &MetricParams,
    threads: usize,
) -> Vec<(&'static str, f64)> {
    use crate::metrics::centrality::betweenness::BetweennessPlan;
    let t = threads.max(1) as f64;
    let n = g.n_partners() as f64;
    let directed = g.cosell.targets.len() as f64;
    let w = n + directed;
    let active = (0..g.n_partners())
        .filter(|&v| g.cosell.degree(v) > 0)
        .count();
    let sum_deg2: f64 = (0..g.n_partners())
        .map(|v| (g.cosell.degree(v) as f64).powi(2))
        .sum();
    let shape = Shape {
        centrality: params.centrality,
        ..Default::default()
    };
    let runs = |s: Stage| s.runs(&shape);
    let secs = |ns: f64, ops: f64, parallel: bool| ns * ops * 1e-9 / if parallel { t } else { 1.0 };
    let mut modelled = Vec::new();
    if runs(Stage::Betweenness) {
        let s = match BetweennessPlan::of(&g.cosell, &params.betweenness) {
            BetweennessPlan::Exact { sources, .. } => secs(ns::BRANDES, sources as f64 * w, true),
            BetweennessPlan::Sampled { samples } => {
                secs(ns::SAMPLE, samples as f64 * w.powf(0.75), true)
            }
        };
        modelled.push((Stage::Betweenness.name(), s));
    }
    if runs(Stage::ClosenessHarmonic) {
        let c = &params.closeness;
        let sources = if active <= c.exact_limit {
            active
        } else {
            crate::metrics::centrality::closeness_sampled::sample_size(active, c.epsilon, c.delta)
                .min(active)
        };
        modelled.push((
            Stage::ClosenessHarmonic.name(),
            secs(ns::CLOSENESS, sources as f64 * w, true),
        ));
    }
    for stage in [Stage::ClusteringHoles, Stage::Clustering] {
        if runs(stage) {
            modelled.push((stage.name(), secs(ns::CLUSTERING, sum_deg2, true)));
        }
    }
    if runs(Stage::CoreNumber) {
        modelled.push((Stage::CoreNumber.name(), secs(ns::CORE, directed, false)));
    }
    if runs(Stage::Communities) {
        let trials = params.community.trials as f64;
        modelled.push((
            Stage::Communities.name(),
            secs(ns::LOUVAIN, trials * directed, true),
        ));
    }
    modelled
}

/// The thread count the stage limit is judged on: the documented 2-core machine, so
/// that `--threads` never changes whether a run is refused.
pub const REFERENCE_THREADS: usize = 2;

/// The default of `--max-stage-minutes`: the longest expected time of one stage, on
/// [`REFERENCE_THREADS`], that a run starts. The longest stage of a default run of a
/// million partners and 50 M deals takes about a minute and a half, exact betweenness of
/// 20,000 partners about 25 s: 20 minutes leaves ten times the model's error on top of
/// the largest ecosystem measured, and stops a network one deal made complete (10,000
/// partners on one deal: 25 minutes of betweenness, 100 of clustering) before it starts.
pub const DEFAULT_MAX_STAGE_MINUTES: f64 = 20.0;

/// Refuses (exit 5, before any measure runs) a run whose longest network-measure stage
/// is expected to take more than `max_minutes` on [`REFERENCE_THREADS`] threads.
pub fn check_stage_limit(
    g: &GraphSet,
    params: &MetricParams,
    max_minutes: f64,
) -> crate::error::Result<()> {
    let mut slow: Vec<(&'static str, f64)> = metric_stage_seconds(g, params, REFERENCE_THREADS)
        .into_iter()
        .filter(|(_, s)| *s > max_minutes * 60.0)
        .collect();
    if slow.is_empty() {
        return Ok(());
    }
    slow.sort_by(|a, b| b.1.total_cmp(&a.1));
    let remedy_of = |stage: &str| match stage {
        s if s == Stage::Betweenness.name() => {
            "sample betweenness (--betweenness-exact-limit 0 draws the sample \
                          --betweenness-epsilon asks for) or leave it out (--metrics -betweenness)"
        }
        s if s == Stage::ClosenessHarmonic.name() => {
            "sample closeness (--closeness-exact-limit 0) or leave it \
                                   out (--metrics -closeness,-harmonic)"
        }
        s if s == Stage::ClusteringHoles.name() || s == Stage::Clustering.name() => {
            "leave clustering and structural \
             holes out (--metrics -clustering,-constraint,-effective_size)"
        }
        s if s == Stage::Communities.name() => {
            "run fewer community trials (--community-trials 1) or leave them \
                          out (--metrics -community)"
        }
        _ => "leave the measure out with --metrics",
    };
    let stages = slow
        .iter()
        .map(|(stage, s)| format!("{stage} (about {})", human_seconds(*s)))
        .collect::<Vec<_>>();
    let stages = if stages.len() == 1 {
        format!("the {} stage is", stages[0])
    } else {
        format!("the stages {} are", stages.join(", "))
    };
    let remedy = slow
        .iter()
        .map(|(stage, _)| remedy_of(stage))
        .collect::<Vec<_>>()
        .join("; ");
    Err(crate::error::Error::StageTooLong {
        stages,
        limit_minutes: max_minutes,
        detail: format!(
            "the co-sell network has {} partners and {} ties",
            crate::error::thousands(g.n_partners() as u64),
            crate::error::thousands(g.cosell_edges() as u64),
        ),
        remedy,
    })
}

/// Expected seconds per stage: the dry run's own measurement for the stages it ran, the
/// cost model ([`ns`]) for the others.
struct StageTimes<'a> {
    measured: &'a [(String, f64)],
    modelled: Vec<(&'static str, f64)>,
}

impl<'a> StageTimes<'a> {
    fn new(input: &Inputs<'a>, pair_rows: u64, tables: &[TableSize]) -> StageTimes<'a> {
        let t = input.threads.max(1) as f64;
        let secs =
            |ns: f64, ops: f64, parallel: bool| ns * ops * 1e-9 / if parallel { t } else { 1.0 };
        let mut modelled = metric_stage_seconds(input.graphs, input.params, input.threads);
        modelled.push((
            Stage::OverlapPairs.name(),
            secs(
                ns::PAIR_ROW,
                (pair_rows + input.overlap.channel_conflicts) as f64,
                false,
            ),
        ));
        let export_rows: u64 = tables
            .iter()
            .filter(|x| {
                x.table != out::OVERLAP_PAIRS.name && x.table != out::CHANNEL_CONFLICTS.name
            })
            .map(|x| x.rows)
            .sum();
        modelled.push((
            Stage::Export.name(),
            secs(ns::EXPORT_ROW, export_rows as f64, false),
        ));
        StageTimes {
            measured: input.measured,
            modelled,
        }
    }

    /// (seconds, measured) of a stage; 0 for a stage neither measured nor modelled.
    fn of(&self, stage: &str) -> (f64, bool) {
        if let Some((_, s)) = self.measured.iter().find(|(name, _)| name == stage) {
            return (*s, true);
        }
        self.modelled
            .iter()
            .find(|(name, _)| *name == stage)
            .map_or((0.0, false), |(_, s)| (*s, false))
    }
}

/// `seconds` in the units a person reads (`0.4 s`, `12 s`, `3.2 min`, `1.5 h`).
pub fn human_seconds(seconds: f64) -> String {
    if seconds < 10.0 {
        format!("{seconds:.1} s")
    } else if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("{:.1} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

/// The process's resident memory now and at its peak, in bytes (`VmRSS`, `VmHWM` of
/// `/proc/self/status`); `None` where the platform does not say.
pub fn resident_memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kb * 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// `bytes` in the units a person reads (`1.9 GB`, `14.7 MB`, `812 KB`), decimal.
pub fn human_bytes(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.0} KB", b / 1e3)
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(812_300), "812 KB");
        assert_eq!(human_bytes(14_700_000), "14.7 MB");
        assert_eq!(human_bytes(1_987_028_000), "2.0 GB");
    }

    #[test]
    fn reads_its_own_memory_on_linux() {
        if cfg!(target_os = "linux") {
            let (rss, peak) = resident_memory().expect("/proc/self/status");
            assert!(rss > 0 && peak >= rss, "{rss} {peak}");
        }
    }
}
