//! The whole product in one screen: load -> validate -> build -> compute -> export.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::build::{self, GraphSet};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::estimate::Estimate;
use crate::export::{self, summary};
use crate::io::atomic_dir::{Protected, StagedDir};
use crate::io::write::{self, CsvCells, OutputFormat};
use crate::metrics::centrality::Measure;
use crate::metrics::{self, MetricParams, MetricTables};
use crate::progress::{Progress, Stages};
use crate::schema::out;
use crate::validate::{self, ValidatedTables};

/// A validated, ready-to-run `analyze` job.
#[derive(Debug, Clone)]
pub struct AnalyzeJob {
    /// The input folder holding the contract tables (`partners.csv`, ...).
    pub input: PathBuf,
    /// The output folder to create (or replace, with `overwrite`).
    pub out: PathBuf,
    /// Format of the output tables (`--format`).
    pub format: OutputFormat,
    /// How a CSV output writes text that a spreadsheet would run as a formula
    /// (`--csv-raw`: [`CsvCells::Raw`]; default [`CsvCells::Safe`]).
    pub csv_cells: CsvCells,
    /// The config file and flags, resolved.
    pub settings: Settings,
    /// The config file the settings came from, recorded in the summary (None: no
    /// `--config`).
    pub config_path: Option<PathBuf>,
    /// `--skip-invalid`: leave out rows that break a row rule and list them in
    /// `rejected_rows`, instead of failing.
    pub skip_invalid: bool,
    /// `--overwrite`: replace an output folder ecograph wrote before.
    pub overwrite: bool,
    /// Threads of the caller's rayon pool, recorded in the summary (`analyze` runs on
    /// the current pool and starts none).
    pub threads: usize,
    /// Parameters of every metric family (PageRank damping, betweenness sampling,
    /// overlap bounds, seeds).
    pub metrics: MetricParams,
    /// `--max-pair-rows`: the run stops before writing anything when `overlap_pairs`
    /// would have more rows ([`crate::estimate::DEFAULT_MAX_PAIR_ROWS`]).
    pub max_pair_rows: u64,
    /// `--max-cosell-edges`: the run stops before building the co-sell network when it
    /// would have more ties ([`crate::estimate::DEFAULT_MAX_COSELL_EDGES`]).
    pub max_cosell_edges: u64,
    /// `--max-stage-minutes`: the run stops before any network measure when one stage
    /// is expected to take longer ([`crate::estimate::check_stage_limit`]).
    pub max_stage_minutes: f64,
    /// `--report`: also write `report.html` into the output folder.
    pub report: bool,
    /// `--graph graphml`: also write the co-sell network as a network file
    /// ([`crate::export::graphml`]); None: tables only.
    pub graph: Option<crate::export::graphml::GraphFormat>,
}

impl AnalyzeJob {
    /// What the run must never write over: the input folder and the config file.
    pub fn protected(&self) -> Vec<Protected> {
        let mut p = vec![Protected::input_folder(&self.input)];
        p.extend(self.config_path.as_deref().map(Protected::config_file));
        p
    }
}

/// What a finished run reports back.
#[derive(Debug, Clone)]
pub struct AnalyzeReport {
    /// The output folder written.
    pub out: PathBuf,
    /// The summary document, as written to `ecosystem_summary.json`.
    pub summary: serde_json::Value,
    /// Rows left out by `skip_invalid` (0 in strict mode).
    pub rejected_rows: usize,
    /// What the input implies for the results, said out loud (also in the summary).
    pub warnings: Vec<crate::error::Warning>,
    /// (stage, seconds), in run order.
    pub timings: Vec<(String, f64)>,
}

/// Runs `analyze` on the current rayon pool (the caller sets the thread count).
pub fn analyze(job: &AnalyzeJob, progress: &dyn Progress) -> Result<AnalyzeReport> {
    validate::check_input_folder(&job.input)?;
    // The output folder is checked and staged before any work: a refused or unwritable
    // output fails at once, and the input is never a target.
    let staged = StagedDir::create(&job.out, job.overwrite, &job.protected())?;
    let mut st = Stages::new(progress);
    // Checksums run beside loading: validation is mostly single-threaded per table.
    let (tables, inputs) = st.run_metered("load + validate", |meter| {
        rayon::join(|| load_metered(job, meter), || checksums(job))
    });
    let (mut tables, inputs) = (tables?, inputs?);
    let window = job.metrics.period.map(|w| tables.restrict_to(&w));
    let rejected = tables.rejected.clone();
    let warnings = tables.warnings.clone();
    let graphs = st.run("build graphs", || {
        check_cosell_limit(job, &tables)?;
        Ok::<_, Error>(build::build_with(tables, job.metrics.cosell_stages))
    })?;
    check_tiers(job, &graphs)?;
    crate::estimate::check_stage_limit(&graphs, &job.metrics, job.max_stage_minutes)?;
    // The overlap family is planned first: it knows every pair count before anything is
    // computed or written, so an output above the limit is refused at once.
    let plan = st.run("overlap + conflicts", || {
        metrics::overlap::plan(&graphs, &job.metrics.overlap)
    })?;
    check_pair_limit(job, plan.result().counts)?;
    let m = metrics::compute(&graphs, &job.metrics, &mut st);
    let meta = table_metadata(job, &m);
    let ov = st.run_metered("overlap pairs", |meter| {
        overlap_tables(job, &graphs, plan, staged.path(), &meta, meter)
    })?;
    let mut program = summary::ProgramSections {
        attribution: summary::attribution_json(&graphs, &m.attribution),
        period: summary::period_json(job.metrics.period, window),
        ..Default::default()
    };
    st.run("export", || {
        export_tables(
            job,
            &staged,
            &graphs,
            &m,
            &ov.partner,
            &rejected,
            &meta,
            &mut program.tiers,
        )
    })?;
    let timings: BTreeMap<String, f64> = st.timings.iter().cloned().collect();
    let summary = summary::summary_json(
        &m,
        &ov.counts,
        rejected.len(),
        &warnings,
        &run_info(job),
        &inputs,
        &timings,
        &program,
    );
    write::write_json(staged.path(), out::SUMMARY_FILE, &summary)?;
    // The alerts, evaluated on the tables as written (as the report does), recorded in
    // the summary for the notebooks and any reader.
    let summary = summary::with_alerts(summary, staged.path())?;
    write::write_json(staged.path(), out::SUMMARY_FILE, &summary)?;
    if job.report {
        // Read back like `ecograph report` does: the page shows what the files hold.
        #[cfg(feature = "report")]
        st.run("report", || {
            let dir = staged.path();
            crate::report::write_report(dir, &dir.join(crate::report::REPORT_FILE))
        })?;
        #[cfg(not(feature = "report"))]
        return Err(Error::Parameter(
            "this build has no report (the `report` feature)".into(),
        ));
    }
    let out = staged.commit()?;
    Ok(AnalyzeReport {
        out,
        summary,
        rejected_rows: rejected.len(),
        warnings,
        timings: st.timings,
    })
}

/// `--dry-run`: loads and checks the input, builds the graphs, plans the overlap family
/// and computes the small tables, then says what the run would write (rows and bytes
/// per table) and need (memory per stage), without writing anything or computing the
/// centrality suite. Fails like [`analyze`] on bad input; a pair output above the limit
/// is reported in the estimate ([`Estimate::within_limit`]), not as an error.
pub fn estimate(job: &AnalyzeJob, progress: &dyn Progress) -> Result<Estimate> {
    validate::check_input_folder(&job.input)?;
    let mut st = Stages::new(progress);
    let mut tables = st.run_metered("load + validate", |meter| load_metered(job, meter))?;
    if let Some(w) = job.metrics.period {
        tables.restrict_to(&w);
    }
    let load_peak = crate::estimate::resident_memory().map(|(_, peak)| peak);
    let rejected = tables.rejected().len() as u64;
    let warnings = tables.warnings().to_vec();
    // Above the limit the network is not built, not even to be measured: the dry run
    // stops with the refusal the run would give.
    let (graphs, cosell) = st.run("build graphs", || {
        let cosell = check_cosell_limit(job, &tables)?;
        Ok::<_, Error>((build::build_with(tables, job.metrics.cosell_stages), cosell))
    })?;
    check_tiers(job, &graphs)?;
    let built = crate::estimate::resident_memory().map(|(now, _)| now);
    let plan = st.run("overlap + conflicts", || {
        metrics::overlap::plan(&graphs, &job.metrics.overlap)
    })?;
    let cheap = MetricParams {
        centrality: crate::metrics::centrality::Selection::none(),
        ..job.metrics
    };
    let m = metrics::compute(&graphs, &cheap, &mut st);
    let rows = crate::estimate::Rows {
        partners: graphs.n_partners() as u64,
        attribution: (m.attribution.models.len() * graphs.n_partners()) as u64,
        tier_fit: (graphs.n_partners()
            * job
                .settings
                .tiers
                .iter()
                .map(|t| t.rules.len())
                .sum::<usize>()
                .max(1)) as u64,
        communities: job.metrics.centrality.has(Measure::Community),
        diversification: m.diversification.len() as u64,
        network_growth: m.network_effect.growth.quarter_start.len() as u64,
        resilience: m.network_effect.resilience.len() as u64,
        overlap_by_type: plan.result().by_type.len() as u64,
        rejected: job.skip_invalid.then_some(rejected),
    };
    let mut e = crate::estimate::estimate(
        &graphs,
        rows,
        plan.result().counts,
        &job.metrics,
        job.threads,
        load_peak,
        built,
        job.format,
        &st.timings,
    );
    e.max_pair_rows = job.max_pair_rows;
    e.cosell = crate::estimate::CosellSize {
        edges: graphs.cosell_edges() as u64,
        upper_bound: cosell.upper_bound,
        largest_deal: cosell.largest_deal,
        limit: job.max_cosell_edges,
    };
    e.warnings = warnings;
    e.max_stage_minutes = job.max_stage_minutes;
    e.slow_stage = crate::estimate::check_stage_limit(&graphs, &job.metrics, job.max_stage_minutes)
        .err()
        .map(|err| err.to_string());
    Ok(e)
}

/// Refuses a co-sell network above `--max-cosell-edges` before it is built (the build
/// lists every pair of every deal: one deal with 10,000 partners is 50 M ties, 2 GB),
/// from [`build::count_cosell`]: the cheap upper bound, and the exact count only when
/// the bound is above the limit.
fn check_cosell_limit(job: &AnalyzeJob, t: &ValidatedTables) -> Result<build::CosellCount> {
    let c = build::count_cosell(t, job.metrics.cosell_stages, job.max_cosell_edges);
    let edges = c.edges_at_most();
    if edges <= job.max_cosell_edges {
        return Ok(c);
    }
    let bytes = crate::estimate::human_bytes(crate::estimate::estimate_table_bytes(
        out::COSELL_EDGES.name,
        edges,
        job.format,
    ));
    Err(Error::OutputTooLarge {
        table: out::COSELL_EDGES.name,
        rows: edges,
        limit: job.max_cosell_edges,
        flag: "--max-cosell-edges",
        remedy: format!(
            "Each deal ties every two of its partners (the largest has {} partners, {} \
             ties); leave out deals that are not co-selling (--cosell-stages won, --from / \
             --to) or fix the deal_partners rows that list whole programs",
            crate::error::thousands(c.largest_deal),
            crate::error::thousands(c.largest_deal * c.largest_deal.saturating_sub(1) / 2),
        ),
        detail: format!(
            "co-sell ties, {} as the deals list them before shared pairs are merged; \
             about {bytes} of {}, and the network measures' time grows with them",
            crate::error::thousands(c.upper_bound),
            job.format.extension(),
        ),
    })
}

/// A problem of the config found once the input is known (exit 2, like any config
/// problem).
fn config_error(job: &AnalyzeJob, message: String) -> Error {
    Error::Config {
        path: job
            .config_path
            .clone()
            .unwrap_or_else(|| PathBuf::from("(flags)")),
        message,
    }
}

/// Refuses `[[tiers]]` that do not name every tier the partners have, or test a model
/// these graphs cannot compute (before any work).
fn check_tiers(job: &AnalyzeJob, g: &GraphSet) -> Result<()> {
    let tiers = &job.settings.tiers;
    metrics::tiers::check_names(tiers, &g.partners.tier)
        .and_then(|()| metrics::tiers::check_models(tiers, &metrics::attribution::absent_models(g)))
        .map_err(|e| config_error(job, e))
}

/// Refuses a pair output above `--max-pair-rows` (before anything is written).
fn check_pair_limit(job: &AnalyzeJob, c: metrics::overlap::OverlapCounts) -> Result<()> {
    let rows = c.rows_written();
    if rows <= job.max_pair_rows {
        return Ok(());
    }
    let bound = match c.top_k {
        Some(k) => format!("top {k} per partner"),
        None => "every pair".to_string(),
    };
    let bytes = crate::estimate::human_bytes(crate::estimate::estimate_table_bytes(
        out::OVERLAP_PAIRS.name,
        rows,
        job.format,
    ));
    Err(Error::OutputTooLarge {
        table: out::OVERLAP_PAIRS.name,
        rows,
        limit: job.max_pair_rows,
        flag: "--max-pair-rows",
        remedy: "Bound it with --overlap-top-k K (default 10 per partner) or \
                 --overlap-min-jaccard J"
            .into(),
        detail: format!(
            "{} customer + {} product pairs under {bound}, about {bytes} of {}",
            crate::error::thousands(c.customer_pairs_written),
            crate::error::thousands(c.product_pairs_written),
            job.format.extension(),
        ),
    })
}

/// Loads the job's input folder (read, then validate).
pub fn load(job: &AnalyzeJob) -> Result<ValidatedTables> {
    load_metered(job, &crate::progress::Meter::silent())
}

fn load_metered(job: &AnalyzeJob, meter: &crate::progress::Meter) -> Result<ValidatedTables> {
    let raw = crate::io::read::read_folder_metered(&job.input, &job.settings, meter)
        .map_err(Error::Input)?;
    validate::validate(raw, &job.settings, job.skip_invalid).map_err(Error::Input)
}

/// The whole of `ecograph validate`: loads and checks `input`, writing nothing.
pub fn validate_only(
    input: &Path,
    settings: &Settings,
    skip_invalid: bool,
) -> Result<ValidatedTables> {
    validate::load_and_validate(input, settings, skip_invalid)
}

fn run_info(job: &AnalyzeJob) -> summary::RunInfo {
    summary::RunInfo {
        input: job.input.display().to_string(),
        format: job.format,
        csv_cells: (job.format == OutputFormat::Csv).then_some(job.csv_cells),
        threads: job.threads,
        config: job.config_path.as_ref().map(|p| p.display().to_string()),
        input_format: job.settings.format_info(),
        result: summary::ResultParameters {
            metrics: job.metrics,
            skip_invalid: job.skip_invalid,
        },
    }
}

/// SHA-256 of every input file found for a contract table, keyed by file name.
fn checksums(job: &AnalyzeJob) -> Result<BTreeMap<String, String>> {
    use rayon::prelude::*;
    use sha2::{Digest, Sha256};
    // Discovery problems are reported by validation; here they just mean nothing to hash.
    let files = crate::io::read::discover(&job.input, &job.settings).unwrap_or_default();
    files
        .into_par_iter()
        .filter_map(|(_, s)| s)
        .map(|s| {
            let mut f =
                std::fs::File::open(&s.path).map_err(|e| Error::io("reading", &s.path, e))?;
            let mut h = Sha256::new();
            std::io::copy(&mut f, &mut h).map_err(|e| Error::io("reading", &s.path, e))?;
            let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
            Ok((s.display, hex))
        })
        .collect()
}

/// Every output table's metadata: the run's parameters and how betweenness and closeness
/// were obtained.
fn table_metadata(job: &AnalyzeJob, m: &MetricTables) -> String {
    summary::table_metadata(
        &summary::ResultParameters {
            metrics: job.metrics,
            skip_invalid: job.skip_invalid,
        },
        &m.centrality,
    )
}

/// `cosell_edges`, streamed: a window of partner chunks (one per thread) is computed in
/// parallel, then written in chunk order, one batch per chunk.
fn write_cosell_edges(
    job: &AnalyzeJob,
    dir: &std::path::Path,
    g: &GraphSet,
    meta: &str,
) -> Result<()> {
    use rayon::prelude::*;
    let mut w = write::TableWriter::create(
        dir,
        out::COSELL_EDGES.name,
        out::COSELL_EDGES.schema(),
        job.format,
        job.csv_cells,
        meta,
    )?;
    let chunks = metrics::cosell_edges::chunks(g);
    for window in chunks.chunks(rayon::current_num_threads().max(1)) {
        let batches: Vec<_> = window
            .par_iter()
            .map(|r| export::cosell_edges(g, &metrics::cosell_edges::edge_chunk(g, r.clone())))
            .collect();
        for b in batches.iter().filter(|b| b.num_rows() > 0) {
            w.write(b)?;
        }
    }
    w.finish()
}

/// Rows per `channel_conflicts` batch (chunks of groups are gathered up to it, so the
/// batches depend on the input alone).
const CONFLICT_BATCH: usize = 1 << 16;

/// `channel_conflicts`, streamed: the plan only counted them (at a million partners
/// they are hundreds of millions of rows), so the deals are sorted again and a window
/// of chunks of (customer, product) groups (one per thread) is listed in parallel,
/// gathered into batches of at least [`CONFLICT_BATCH`] rows in chunk order, and
/// written.
fn write_channel_conflicts(
    job: &AnalyzeJob,
    dir: &std::path::Path,
    g: &GraphSet,
    meta: &str,
) -> Result<()> {
    use rayon::prelude::*;
    let t = &out::CHANNEL_CONFLICTS;
    let mut w =
        write::TableWriter::create(dir, t.name, t.schema(), job.format, job.csv_cells, meta)?;
    let scan =
        metrics::overlap::conflicts::ConflictScan::new(g, job.metrics.overlap.conflict_window_days);
    let chunks: Vec<usize> = (0..scan.chunks()).collect();
    let mut pending = Vec::new();
    for window in chunks.chunks(rayon::current_num_threads().max(1)) {
        let rows: Vec<_> = window.par_iter().map(|&c| scan.chunk_rows(g, c)).collect();
        for r in rows {
            pending.extend(r);
            if pending.len() >= CONFLICT_BATCH {
                w.write(&export::overlap::channel_conflicts(g, &pending))?;
                pending.clear();
            }
        }
    }
    if !pending.is_empty() {
        w.write(&export::overlap::channel_conflicts(g, &pending))?;
    }
    w.finish()
}

/// The overlap family's tables: `overlap_pairs` streamed to its file as `plan` planned
/// it, then `overlap_by_type` (computed by the plan) and `channel_conflicts` (streamed).
fn overlap_tables(
    job: &AnalyzeJob,
    g: &GraphSet,
    plan: metrics::overlap::OverlapPlan,
    dir: &std::path::Path,
    meta: &str,
    meter: &crate::progress::Meter,
) -> Result<metrics::overlap::OverlapResult> {
    let writer = write::TableWriter::create(
        dir,
        out::OVERLAP_PAIRS.name,
        export::overlap::pair_schema(),
        job.format,
        job.csv_cells,
        meta,
    )?;
    let mut sink = export::overlap::PairWriter {
        writer,
        partner_ids: &g.partners.id,
    };
    let ov = plan.write_with(g, &mut sink, &Default::default(), meter)?;
    sink.writer.finish()?;
    write::write_table(
        dir,
        out::OVERLAP_BY_TYPE.name,
        &export::overlap::overlap_by_type(&ov.by_type),
        job.format,
        job.csv_cells,
        meta,
    )?;
    write_channel_conflicts(job, dir, g, meta)?;
    Ok(ov)
}

#[allow(clippy::too_many_arguments)]
fn export_tables(
    job: &AnalyzeJob,
    staged: &StagedDir,
    g: &GraphSet,
    m: &MetricTables,
    overlap: &metrics::overlap::PartnerOverlap,
    rejected: &[crate::error::InputError],
    meta: &str,
    tiers_summary: &mut summary::TiersSection,
) -> Result<()> {
    let partner_metrics = export::partner_metrics(g, &m.partner, overlap);
    write::write_table(
        staged.path(),
        out::PARTNER_METRICS.name,
        &partner_metrics,
        job.format,
        job.csv_cells,
        meta,
    )?;
    let tiers = &job.settings.tiers;
    let fits = metrics::tiers::fit(tiers, &partner_metrics, &g.partners.tier, &m.attribution);
    write::write_table(
        staged.path(),
        out::TIER_FIT.name,
        &export::tier_fit(g, tiers, &fits),
        job.format,
        job.csv_cells,
        meta,
    )?;
    *tiers_summary = summary::tiers_json(tiers, &fits);
    if let Some(export::graphml::GraphFormat::Graphml) = job.graph {
        let path = staged.path().join(export::graphml::GRAPHML_FILE);
        let file = std::fs::File::create(&path).map_err(|e| Error::io("creating", &path, e))?;
        export::graphml::write_graphml(g, &partner_metrics, std::io::BufWriter::new(file))
            .map_err(|e| Error::io("writing", &path, e))?;
    }
    write::write_table(
        staged.path(),
        out::ATTRIBUTION.name,
        &export::attribution(g, &m.attribution),
        job.format,
        job.csv_cells,
        meta,
    )?;
    write_cosell_edges(job, staged.path(), g, meta)?;
    if job.metrics.centrality.has(Measure::Community) {
        write::write_table(
            staged.path(),
            out::COMMUNITIES.name,
            &export::communities(g, &m.centrality.communities),
            job.format,
            job.csv_cells,
            meta,
        )?;
    }
    for (name, batch) in [
        (
            out::DIVERSIFICATION.name,
            export::network_effect::diversification(&m.diversification),
        ),
        (
            out::NETWORK_GROWTH.name,
            export::network_effect::network_growth(&m.network_effect.growth),
        ),
        (
            out::RESILIENCE.name,
            export::network_effect::resilience(&m.network_effect.resilience),
        ),
    ] {
        write::write_table(staged.path(), name, &batch, job.format, job.csv_cells, meta)?;
    }
    if job.skip_invalid {
        write::write_table(
            staged.path(),
            out::REJECTED_ROWS.name,
            &export::rejected_rows(rejected),
            job.format,
            job.csv_cells,
            meta,
        )?;
    }
    Ok(())
}
