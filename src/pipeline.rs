//! The whole product in one screen: load -> validate -> build -> compute -> export.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Settings;
use crate::error::{Error, Result};
use crate::estimate::Estimate;
use crate::export::{self, summary};
use crate::graph::{self, GraphSet};
use crate::io::out::atomic_dir::{Protected, StagedDir};
use crate::io::out::write::{self, CsvCells, OutputFormat};
use crate::metrics::{self, MetricParams, MetricTables};
use crate::plan::Stage;
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
    /// Which stages the job runs and which tables it writes ([`crate::plan`]).
    pub fn shape(&self) -> crate::plan::Shape {
        crate::plan::Shape {
            centrality: self.metrics.centrality,
            skip_invalid: self.skip_invalid,
            report: self.report,
        }
    }

    /// Checks every parameter before any work: the metric families'
    /// ([`MetricParams::check`]) and the run limits. [`analyze`] and [`estimate`] call it,
    /// so a library caller is refused with the CLI's messages (which name its flags);
    /// the order is the CLI's.
    pub fn check(&self) -> Result<()> {
        self.metrics.pagerank.check()?;
        check_max_stage_minutes(self.max_stage_minutes)?;
        self.metrics.check()
    }

    /// What the run must never write over: the input folder and the config file.
    pub fn protected(&self) -> Vec<Protected> {
        let mut p = vec![Protected::input_folder(&self.input)];
        p.extend(self.config_path.as_deref().map(Protected::config_file));
        p
    }
}

/// `--max-stage-minutes` is a positive, finite number of minutes.
pub fn check_max_stage_minutes(m: f64) -> Result<()> {
    if !(m > 0.0 && m.is_finite()) {
        return Err(Error::Parameter(format!(
            "--max-stage-minutes must be a positive number of minutes, got {m}"
        )));
    }
    Ok(())
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

/// Where [`analyze_from`] takes its tables.
pub enum Source {
    /// The job's input folder (`job.input`), read as the CLI reads it.
    Folder,
    /// Tables already read, as Arrow data ([`crate::io::raw::RawTable::from_arrow`]: a
    /// Python caller's DataFrames, say); `job.input` only names them in the summary.
    /// They are validated by the same rules; the summary's `inputs` (file checksums)
    /// is empty.
    Tables(Box<crate::io::raw::RawTables>),
}

/// Runs `analyze` on the job's input folder, on the current rayon pool (the caller
/// sets the thread count).
pub fn analyze(job: &AnalyzeJob, progress: &dyn Progress) -> Result<AnalyzeReport> {
    analyze_from(job, Source::Folder, progress)
}

/// Runs `analyze` on `source`, on the current rayon pool.
pub fn analyze_from(
    job: &AnalyzeJob,
    source: Source,
    progress: &dyn Progress,
) -> Result<AnalyzeReport> {
    analyze_with(job, source, progress, None)
}

/// Runs `analyze` on `source`, with the overlap family's pair products computed in
/// blocks by `shards` when given (the Spark job's executors: [`metrics::overlap::shard`];
/// the same results to the bit), on the current rayon pool.
pub fn analyze_with(
    job: &AnalyzeJob,
    source: Source,
    progress: &dyn Progress,
    shards: Option<&dyn metrics::overlap::shard::ShardRunner>,
) -> Result<AnalyzeReport> {
    job.check()?;
    let protected = match source {
        Source::Folder => {
            validate::check_input_folder(&job.input)?;
            job.protected()
        }
        Source::Tables(_) => job
            .config_path
            .iter()
            .map(|p| Protected::config_file(p))
            .collect(),
    };
    // The output folder is checked and staged before any work: a refused or unwritable
    // output fails at once, and the input is never a target.
    let staged = StagedDir::create(&job.out, job.overwrite, &protected)?;
    let mut st = Stages::new(progress);
    let (tables, inputs) = st.run_metered(Stage::Load.name(), |meter| match source {
        // Checksums run beside loading: validation is mostly single-threaded per table.
        Source::Folder => rayon::join(
            || load_metered(job, meter),
            || crate::io::checksum::input_checksums(&job.input, &job.settings),
        ),
        Source::Tables(raw) => (
            validate::validate(*raw, &job.settings, job.skip_invalid).map_err(Error::Input),
            Ok(BTreeMap::new()),
        ),
    });
    let (mut tables, inputs) = (tables?, inputs?);
    let window = job.metrics.period.map(|w| tables.restrict_to(&w));
    let rejected = tables.rejected.clone();
    let warnings = tables.warnings.clone();
    let (stats, gaps) = (tables.stats.clone(), tables.gaps);
    let (links, pp_pairs) = (tables.links.len(), tables.partner_products.len());
    let graphs = st.run(Stage::Build.name(), || {
        check_cosell_limit(job, &tables)?;
        Ok::<_, Error>(graph::build_with(tables, job.metrics.cosell_stages))
    })?;
    let basis = summary::basis(&stats, gaps, links, graphs.deal_partners.nnz(), pp_pairs);
    check_tiers(job, &graphs)?;
    crate::estimate::check_stage_limit(&graphs, &job.metrics, job.max_stage_minutes)?;
    // The overlap family is planned first: it knows every pair count before anything is
    // computed or written, so an output above the limit is refused at once.
    let plan = st.run(Stage::OverlapPlan.name(), || match shards {
        Some(runner) => metrics::overlap::plan_with(&graphs, &job.metrics.overlap, runner, None),
        None => metrics::overlap::plan(&graphs, &job.metrics.overlap, None),
    })?;
    check_pair_limit(job, plan.result().counts)?;
    let mut m = metrics::compute(&graphs, &job.metrics, &mut st);
    let meta = table_metadata(job, &m);
    let to = export::tables::Target {
        dir: staged.path(),
        format: job.format,
        csv_cells: job.csv_cells,
        meta: &meta,
    };
    let ov = st.run_metered(Stage::OverlapPairs.name(), |meter| {
        export::tables::overlap_tables(&to, &graphs, plan, &job.metrics.overlap, meter)
    })?;
    m.fit_tiers(&graphs, &job.settings.tiers, &ov.partner);
    st.run(Stage::Export.name(), || {
        export::tables::metric_tables(
            &to,
            &export::tables::MetricOutputs {
                graphs: &graphs,
                metrics: &m,
                overlap: &ov.partner,
                tiers: &job.settings.tiers,
                shape: job.shape(),
                rejected: &rejected,
                graph: job.graph,
            },
        )
    })?;
    let program = summary::ProgramSections {
        attribution: summary::attribution_json(&graphs, &m.attribution),
        tiers: summary::tiers_json(&job.settings.tiers, &m.tier_fit),
        period: summary::period_json(job.metrics.period, window),
    };
    let timings: BTreeMap<String, f64> = st.timings.iter().cloned().collect();
    let summary = summary::summary_json(
        &m,
        &summary::RunFacts {
            overlap: &ov.counts,
            rejected_rows: rejected.len(),
            warnings: &warnings,
            run: &run_info(job),
            inputs: &inputs,
            timings: &timings,
            program: &program,
            basis: &basis,
        },
    );
    // The alerts, evaluated on the tables as written (as the report reads them) and
    // recorded in the summary for the notebooks and any reader; the summary is written
    // once, with them.
    let summary = crate::alerts::with_alerts(summary, staged.path())?;
    write::write_json(staged.path(), out::SUMMARY_FILE, &summary)?;
    if job.report {
        // Read back like `ecograph report` does: the page shows what the files hold.
        #[cfg(feature = "report")]
        st.run(Stage::Report.name(), || {
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
    job.check()?;
    validate::check_input_folder(&job.input)?;
    let mut st = Stages::new(progress);
    let mut tables = st.run_metered(Stage::Load.name(), |meter| load_metered(job, meter))?;
    if let Some(w) = job.metrics.period {
        tables.restrict_to(&w);
    }
    let load_peak = crate::estimate::resident_memory().map(|(_, peak)| peak);
    let rejected = tables.rejected().len() as u64;
    let warnings = tables.warnings().to_vec();
    // Above the limit the network is not built, not even to be measured: the dry run
    // stops with the refusal the run would give.
    let (graphs, cosell) = st.run(Stage::Build.name(), || {
        let cosell = check_cosell_limit(job, &tables)?;
        Ok::<_, Error>((graph::build_with(tables, job.metrics.cosell_stages), cosell))
    })?;
    check_tiers(job, &graphs)?;
    let built = crate::estimate::resident_memory().map(|(now, _)| now);
    let plan = st.run(Stage::OverlapPlan.name(), || {
        metrics::overlap::plan(&graphs, &job.metrics.overlap, None)
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
        diversification: m.diversification.len() as u64,
        network_growth: m.network_effect.growth.quarter_start.len() as u64,
        resilience: m.network_effect.resilience.len() as u64,
        overlap_by_type: plan.result().by_type.len() as u64,
        rejected,
    };
    let mut e = crate::estimate::estimate(&crate::estimate::Inputs {
        graphs: &graphs,
        rows,
        overlap: plan.result().counts,
        params: &job.metrics,
        shape: job.shape(),
        threads: job.threads,
        load_peak,
        built,
        format: job.format,
        measured: &st.timings,
    });
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
/// from [`graph::count_cosell`]: the cheap upper bound, and the exact count only when
/// the bound is above the limit.
fn check_cosell_limit(job: &AnalyzeJob, t: &ValidatedTables) -> Result<graph::CosellCount> {
    let c = graph::count_cosell(t, job.metrics.cosell_stages, job.max_cosell_edges);
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
    validate::validate_folder(&job.input, &job.settings, job.skip_invalid, meter)
        .map_err(Error::Input)
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
        report: job.settings.report().clone(),
        result: summary::ResultParameters {
            metrics: job.metrics,
            skip_invalid: job.skip_invalid,
        },
        alerts: job.settings.alerts,
    }
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
