//! Command-line interface (feature `cli`; the core knows nothing of clap or indicatif):
//! clap structs (raw flags) and their conversion into validated, ready-to-run jobs, and
//! [`run::main`], which parses, dispatches and maps errors to exit codes for the binary
//! and for `python -m ecograph`. The Python package builds its jobs through the same
//! flags ([`analyze_job`]), so an option has one name, one default and one check.

pub(crate) mod estimate_text;
pub(crate) mod progress_bar;
pub mod run;

pub use run::{main, run_command};

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, Overrides, Settings};
use crate::error::{Error, Result, EXIT_CODES};
use crate::generate::GenConfig;
use crate::io::out::write::{CsvCells, OutputFormat};

/// `--format`: the output table format (clap's view of [`OutputFormat`], which the
/// library keeps free of clap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FormatArg {
    Parquet,
    Arrow,
    Csv,
}

/// `--graph`: a network file written besides the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum GraphArg {
    /// cosell_network.graphml.
    Graphml,
}

/// `--cosell-stages`: which deals make co-sell ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum CosellStagesArg {
    /// Every deal, open, lost or won (the data contract).
    #[default]
    Any,
    /// Won deals only: the partners who have closed business together.
    Won,
}

impl From<FormatArg> for OutputFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Parquet => OutputFormat::Parquet,
            FormatArg::Arrow => OutputFormat::Arrow,
            FormatArg::Csv => OutputFormat::Csv,
        }
    }
}
use crate::metrics::centrality::betweenness::BetweennessParams;
use crate::metrics::centrality::closeness_sampled::ClosenessParams;
use crate::metrics::centrality::Selection;
use crate::metrics::MetricParams;
use crate::pipeline::AnalyzeJob;

/// The exit codes, as `--help` lists them.
pub(crate) fn exit_codes_help() -> String {
    let mut s = String::from("Exit codes:\n");
    for (code, what) in EXIT_CODES {
        s.push_str(&format!("  {code:<4} {what}\n"));
    }
    s
}

/// Graph analytics for business partner ecosystems.
#[derive(Debug, Parser)]
#[command(name = "ecograph", version, about, long_about = None, after_help = exit_codes_help())]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// No progress display (it is also off when stderr is not a terminal).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Print each stage's time (aligned) and resident memory to stderr.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Worker threads (default: all cores). Results are identical for any value.
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Analyze an ecosystem folder and write metric tables.
    #[command(after_help = exit_codes_help())]
    Analyze(Box<AnalyzeArgs>),
    /// Check an input folder against the data contract and report every problem;
    /// writes nothing.
    #[command(after_help = exit_codes_help())]
    Validate(ValidateArgs),
    /// Generate a realistic synthetic ecosystem (seeded, reproducible).
    #[command(after_help = exit_codes_help())]
    Generate(GenerateArgs),
    /// Write the ecosystem review of an analyze output folder as one offline HTML file.
    #[command(after_help = exit_codes_help())]
    Report(ReportArgs),
    /// Compare two analyze output folders (two periods): per-partner and ecosystem
    /// changes, for a quarterly business review.
    #[command(after_help = exit_codes_help())]
    Compare(CompareArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// The earlier output folder (e.g. `analyze --period 2025Q2`).
    pub old: PathBuf,
    /// The later output folder (e.g. `analyze --period 2025Q3`).
    pub new: PathBuf,
    /// The folder to write: partner_changes, attribution_changes, ecosystem_changes and
    /// compare_summary.json.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Format of the tables.
    #[arg(long, value_enum, default_value_t = FormatArg::Parquet)]
    pub format: FormatArg,
    /// Replace an output folder ecograph wrote before (and that holds only what it
    /// wrote).
    #[arg(long)]
    pub overwrite: bool,
    /// With --format csv: write text cells byte for byte. By default a cell starting
    /// with = + - @, a tab or a carriage return gets a leading ' so that a spreadsheet
    /// shows it as text instead of running it as a formula.
    #[arg(long)]
    pub csv_raw: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// The output folder of an `ecograph analyze` run (Parquet, Arrow or CSV tables).
    pub results: PathBuf,
    /// Where to write the page (default: report.html inside the results folder, or
    /// scorecards.html with --partner / --partners).
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Add a "since last period" section comparing these results with an earlier output
    /// folder (e.g. the previous quarter's `analyze --period` run).
    #[arg(long, value_name = "OLD", conflicts_with_all = ["partner", "partners"])]
    pub since: Option<PathBuf>,
    /// Write this partner's scorecard instead of the review (repeatable: one page each).
    #[arg(long, value_name = "ID", conflicts_with = "partners")]
    pub partner: Vec<String>,
    /// Write the scorecards of the top N partners by attributed revenue: `top:N`.
    #[arg(long, value_name = "top:N", value_parser = parse_top_partners)]
    pub partners: Option<usize>,
}

/// `--partners top:N` -> N (at least 1).
fn parse_top_partners(s: &str) -> std::result::Result<usize, String> {
    s.strip_prefix("top:")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("expected top:N with N at least 1 (e.g. top:10), got '{s}'"))
}

#[derive(Debug, Args)]
pub(crate) struct InputArgs {
    /// Folder with partners, deals, deal_partners (+ optional partner_products, products,
    /// customers) as .csv, .parquet or .arrow files.
    pub input: PathBuf,
    /// TOML file mapping your file names, column names, words and number / date formats
    /// to the contract's (see datasets/salesforce.toml and datasets/hubspot.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// CSV field separator, e.g. ';' or '\t' (default ','; overrides the config's
    /// csv.delimiter).
    #[arg(long, value_name = "CHAR", help_heading = "Input format")]
    pub delimiter: Option<String>,
    /// Decimal mark of text amounts: '.' (default) or ',' (overrides the config's numbers.decimal).
    #[arg(long, value_name = "CHAR", help_heading = "Input format")]
    pub decimal: Option<String>,
    /// Thousands separator allowed in text amounts, in groups of three: ',', '.', a space
    /// or an apostrophe (default: none; overrides the config's numbers.thousands).
    #[arg(long, value_name = "CHAR", help_heading = "Input format")]
    pub thousands: Option<String>,
    /// Currency symbol or code allowed before or after an amount ('$', 'EUR'); repeat
    /// the flag for several (overrides the config's numbers.currency).
    #[arg(long, value_name = "SYMBOL", help_heading = "Input format")]
    pub currency: Vec<String>,
    /// Date format accepted besides ISO 8601, in strftime notation, e.g. '%m/%d/%Y'
    /// (overrides the config's dates.format).
    #[arg(long, value_name = "FMT", help_heading = "Input format")]
    pub date_format: Option<String>,
    /// Match stage, role and mapped words byte for byte (default: case and spaces are
    /// ignored, so 'Won' and 'won ' are 'won').
    #[arg(long, help_heading = "Input format")]
    pub exact_vocabulary: bool,
}

#[derive(Debug, Args)]
pub(crate) struct AnalyzeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Leave out rows that break a row rule, list them in the rejected_rows table, and
    /// go on (default: stop and write nothing).
    #[arg(long)]
    pub skip_invalid: bool,
    /// Output folder (created whole, atomically; never the input folder or one that
    /// contains it).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Output table format.
    #[arg(long, value_enum, default_value_t = FormatArg::Parquet)]
    pub format: FormatArg,
    /// With --format csv: write text cells byte for byte. By default a cell starting
    /// with = + - @, a tab or a carriage return gets a leading ' so that a spreadsheet
    /// shows it as text instead of running it as a formula.
    #[arg(long)]
    pub csv_raw: bool,
    /// Replace an existing output folder, if ecograph wrote it (its .ecograph-output
    /// file lists every file in it) or it is empty; a folder holding files you added,
    /// any other folder or file, and the input are refused.
    #[arg(long)]
    pub overwrite: bool,
    /// PageRank damping factor.
    #[arg(long, default_value_t = MetricParams::default().pagerank.damping, value_name = "ALPHA")]
    pub pagerank_damping: f64,
    /// Centrality measures to compute: `all`, `none`, a list to keep
    /// (`betweenness,core_number`) or a list to drop (`-betweenness,-closeness`). Choices:
    /// betweenness, closeness, harmonic, clustering, core_number, constraint,
    /// effective_size, community. Dropped columns are written as nulls.
    #[arg(
        long,
        default_value = "all",
        value_name = "LIST",
        allow_hyphen_values = true
    )]
    pub metrics: String,
    /// Exact betweenness while the co-sell network has at most this many partners with
    /// an edge; above it, a sampled estimate (Riondato-Kornaropoulos) with the guarantee
    /// below.
    #[arg(long, default_value_t = MetricParams::default().betweenness.exact_limit, value_name = "N")]
    pub betweenness_exact_limit: usize,
    /// Sampled betweenness: every estimate is within EPS of the exact value...
    #[arg(long, default_value_t = MetricParams::default().betweenness.epsilon, value_name = "EPS")]
    pub betweenness_epsilon: f64,
    /// ...with probability at least 1 - DELTA.
    #[arg(long, default_value_t = MetricParams::default().betweenness.delta, value_name = "DELTA")]
    pub betweenness_delta: f64,
    /// Exact closeness and harmonic while the co-sell network has at most this many
    /// partners with an edge; above it, estimated from sampled sources (Eppstein-Wang),
    /// with the error bounds in the summary's `closeness` section.
    #[arg(long, default_value_t = MetricParams::default().closeness.exact_limit, value_name = "N")]
    pub closeness_exact_limit: usize,
    /// Sampled closeness: ε of the sample size (ln(4N/δ)/(2ε²) sources per large
    /// component); the mean hop distance is then within ε times the diameter bound and
    /// harmonic within ε...
    #[arg(long, default_value_t = MetricParams::default().closeness.epsilon, value_name = "EPS")]
    pub closeness_epsilon: f64,
    /// ...with probability at least 1 - DELTA.
    #[arg(long, default_value_t = MetricParams::default().closeness.delta, value_name = "DELTA")]
    pub closeness_delta: f64,
    /// Seed of every randomized step (betweenness and closeness sampling, community
    /// detection, the bootstrap of the partner-lift intervals).
    #[arg(long, default_value_t = MetricParams::default().betweenness.seed)]
    pub seed: u64,
    /// Community detection: independently seeded Louvain runs; the highest modularity wins.
    #[arg(long, default_value_t = MetricParams::default().community.trials, value_name = "N")]
    pub community_trials: usize,
    /// Seed of the random removal orders behind the `resilience` table's `random` curve
    /// (recorded in every output's metadata).
    #[arg(long, default_value_t = MetricParams::default().resilience.seed, value_name = "SEED")]
    pub resilience_seed: u64,
    /// overlapping_partners counts partners whose customer Jaccard is at least this.
    #[arg(
        long,
        default_value_t = MetricParams::default().overlap.threshold,
        value_name = "J",
        allow_negative_numbers = true
    )]
    pub overlap_threshold: f64,
    /// overlap_pairs keeps only pairs with jaccard >= J (default: all pairs).
    #[arg(long, value_name = "J", allow_negative_numbers = true)]
    pub overlap_min_jaccard: Option<f64>,
    /// overlap_pairs keeps a pair when it is among either partner's K pairs of highest
    /// jaccard, per dimension (ties by partner id); `all` writes every pair.
    #[arg(long, value_name = "K|all", default_value_t = TopK(MetricParams::default().overlap.top_k), value_parser = parse_top_k)]
    pub overlap_top_k: TopK,
    /// Refuse (exit 5, nothing written) a run whose overlap_pairs would have more rows
    /// than this; the check comes right after loading, before any metric.
    #[arg(long, value_name = "N", default_value_t = crate::estimate::DEFAULT_MAX_PAIR_ROWS)]
    pub max_pair_rows: u64,
    /// Refuse (exit 5, nothing written) a run whose co-sell network (cosell_edges) would
    /// have more ties than this; counted right after loading, before the network is
    /// built (a deal with k partners makes k(k-1)/2 ties).
    #[arg(long, value_name = "N", default_value_t = crate::estimate::DEFAULT_MAX_COSELL_EDGES)]
    pub max_cosell_edges: u64,
    /// Refuse (exit 5, nothing written) a run in which one network measure is expected
    /// to take longer than this many minutes on 2 cores (the --dry-run cost model, the
    /// same decision on every machine); checked right after the network is built.
    #[arg(long, value_name = "M", default_value_t = crate::estimate::DEFAULT_MAX_STAGE_MINUTES)]
    pub max_stage_minutes: f64,
    /// Also write the co-sell network as a network file: `graphml` writes
    /// cosell_network.graphml (every partner_metrics column as a node attribute, the
    /// cosell_edges weights on the edges) for Gephi, Cytoscape, NetworkX and igraph.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub graph: Option<GraphArg>,
    /// Also write report.html, the ecosystem review as one offline HTML file (the same
    /// page as `ecograph report OUT`).
    #[arg(long)]
    pub report: bool,
    /// Print what the run would write (rows and bytes per table) and need (memory and a
    /// rough time per stage), with the input's warnings, then stop: loads, checks and
    /// counts, computes no centrality, writes nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// channel_conflicts pairs deals created at most this many days apart.
    #[arg(
        long,
        default_value_t = MetricParams::default().overlap.conflict_window_days,
        value_name = "DAYS",
        allow_negative_numbers = true
    )]
    pub conflict_window_days: f64,
    /// Which deals make co-sell ties (cosell_edges, the network measures): `any` stage
    /// (the default), or `won` deals only. Recorded in the summary and every table's
    /// metadata.
    #[arg(long, value_enum, value_name = "STAGES", default_value_t = CosellStagesArg::Any)]
    pub cosell_stages: CosellStagesArg,
    /// Restrict the run to deals created on or after this day (YYYY-MM-DD, UTC); deals
    /// without created_at are left out. Recorded in the summary and every table.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Restrict the run to deals created on or before this day (YYYY-MM-DD, UTC,
    /// inclusive).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// The same for a quarter or a year: `2025Q3` is --from 2025-07-01 --to 2025-09-30.
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// List the rows that `analyze --skip-invalid` would leave out, and succeed when only
    /// such row problems are found (default: any problem fails). Writes nothing.
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// Output folder for the generated CSV tables (created whole, atomically).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of partners.
    #[arg(long, default_value_t = GenConfig::default().partners, value_name = "N")]
    pub partners: usize,
    /// Number of deals (about a quarter of them direct, without a partner).
    #[arg(long, default_value_t = GenConfig::default().deals, value_name = "N")]
    pub deals: usize,
    /// Customers (default: derived from the deal count).
    #[arg(long, value_name = "N")]
    pub customers: Option<usize>,
    /// Products (default: derived from the partner count).
    #[arg(long, value_name = "N")]
    pub products: Option<usize>,
    /// Seed of the generator: the same seed and sizes give the same bytes.
    #[arg(long, default_value_t = GenConfig::default().seed)]
    pub seed: u64,
    /// First calendar year of the generated history.
    #[arg(long, default_value_t = GenConfig::default().start_year, value_name = "YEAR")]
    pub start_year: i32,
    /// Number of calendar quarters of history.
    #[arg(long, default_value_t = GenConfig::default().quarters, value_name = "N")]
    pub quarters: u32,
    /// Replace an existing output folder, if ecograph wrote it (and it holds only what
    /// ecograph wrote) or it is empty.
    #[arg(long)]
    pub overwrite: bool,
}

impl InputArgs {
    /// Reads the config file, if any, and resolves it with the flags' overrides.
    pub(crate) fn settings(&self) -> Result<Settings> {
        let config = match &self.config {
            Some(p) => Config::from_file(p)?,
            None => Config::default(),
        };
        self.settings_of(&config)
    }

    /// `config` (read from `--config`, or given by a library caller) resolved with the
    /// flags' overrides; an error names `--config`'s file, or `(flags)`.
    pub(crate) fn settings_of(&self, config: &Config) -> Result<Settings> {
        let unescape = |s: &String| match s.as_str() {
            "\\t" | "tab" => "\t".to_string(),
            _ => s.clone(),
        };
        let o = Overrides {
            delimiter: self.delimiter.as_ref().map(unescape),
            decimal: self.decimal.clone(),
            thousands: self.thousands.clone(),
            currency: self.currency.clone(),
            date_format: self.date_format.clone(),
            exact_vocabulary: self.exact_vocabulary,
        };
        config.resolve(&o).map_err(|message| Error::Config {
            path: self
                .config
                .clone()
                .unwrap_or_else(|| PathBuf::from("(flags)")),
            message,
        })
    }
}

/// The parsed command line `ecograph SUBCOMMAND ARGS`; a flag clap refuses is an
/// [`Error::Parameter`] carrying clap's message (without its usage lines).
pub(crate) fn parse_command(subcommand: &str, args: &[String]) -> Result<Cli> {
    let argv = ["ecograph", subcommand]
        .into_iter()
        .map(String::from)
        .chain(args.iter().cloned());
    Cli::try_parse_from(argv).map_err(|e| {
        let text = e.render().to_string();
        let first = text.lines().next().unwrap_or_default();
        Error::Parameter(first.trim_start_matches("error: ").to_string())
    })
}

/// The job `ecograph analyze ARGS` runs (`args`: the flags after `analyze`, the input
/// first) and its thread count, with the CLI's names, defaults, checks and messages:
/// how the Python package turns `analyze(source, overlap_top_k=5)` into a job.
/// `config`: a config given as data, with the name its errors show, in place of
/// `--config`.
pub fn analyze_job(
    args: &[String],
    config: Option<(&Config, &std::path::Path)>,
) -> Result<(AnalyzeJob, usize)> {
    let cli = parse_command("analyze", args)?;
    let threads = threads(cli.threads)?;
    match &cli.command {
        Command::Analyze(a) => Ok((a.job_with(threads, config)?, threads)),
        _ => unreachable!("parsed as analyze"),
    }
}

/// The input folder, settings and `--skip-invalid` of `ecograph validate ARGS`, with
/// `config` (data, and its name) in place of `--config` when given.
pub fn validate_args(
    args: &[String],
    config: Option<(&Config, &std::path::Path)>,
) -> Result<(PathBuf, Settings, bool)> {
    let cli = parse_command("validate", args)?;
    match &cli.command {
        Command::Validate(v) => {
            let settings = match config {
                Some((c, _)) => v.input.settings_of(c)?,
                None => v.input.settings()?,
            };
            Ok((v.input.input.clone(), settings, v.skip_invalid))
        }
        _ => unreachable!("parsed as validate"),
    }
}

/// `--csv-raw` as the library's [`CsvCells`]; refused with a format other than CSV,
/// where it would silently do nothing.
pub(crate) fn csv_cells(raw: bool, format: FormatArg) -> Result<CsvCells> {
    match (raw, format) {
        (false, _) => Ok(CsvCells::Safe),
        (true, FormatArg::Csv) => Ok(CsvCells::Raw),
        (true, _) => Err(Error::Parameter(
            "--csv-raw applies to CSV tables only; add --format csv or leave it out".into(),
        )),
    }
}

/// `--overlap-top-k`: a positive K, or `all` (every pair; the library's `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TopK(pub Option<u32>);

/// As the flag is written (`--help` shows the default this way): K, or `all`.
impl std::fmt::Display for TopK {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(k) => write!(f, "{k}"),
            None => f.write_str("all"),
        }
    }
}

fn parse_top_k(s: &str) -> std::result::Result<TopK, String> {
    if s.eq_ignore_ascii_case("all") {
        return Ok(TopK(None));
    }
    match s.parse::<u32>() {
        Ok(0) => Err("must be at least 1 (or `all` for every pair)".into()),
        Ok(k) => Ok(TopK(Some(k))),
        Err(_) => Err(format!(
            "expected a whole number of pairs per partner, or `all`; got '{s}'"
        )),
    }
}

/// The thread count to use: `--threads` or all cores; 0 and more than
/// [`crate::estimate::MAX_THREADS`] are refused (each worker keeps per-partner state,
/// and threads beyond the cores only add that memory and the cost of starting them).
pub fn threads(requested: Option<usize>) -> Result<usize> {
    let max = crate::estimate::MAX_THREADS;
    match requested {
        Some(0) => Err(Error::Parameter("--threads must be at least 1".into())),
        Some(n) if n > max => Err(Error::Parameter(format!(
            "--threads {n} is above the limit of {max}; this machine has {} cores, and \
             threads beyond the cores add memory (state per partner per thread), not speed",
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        ))),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)),
    }
}

impl AnalyzeArgs {
    /// Parses the flags and builds the job. The checks are the library's
    /// ([`AnalyzeJob::check`], which `pipeline::analyze` runs too), called here in the
    /// order the flags have always been named: damping, `--metrics`, the run limits, the
    /// other metric parameters, then the period and the config.
    pub(crate) fn job(&self, threads: usize) -> Result<AnalyzeJob> {
        self.job_with(threads, None)
    }

    /// [`Self::job`] with the config given (`(config, name shown)`) instead of read from
    /// `--config`.
    pub(crate) fn job_with(
        &self,
        threads: usize,
        config: Option<(&Config, &std::path::Path)>,
    ) -> Result<AnalyzeJob> {
        let mut metrics = MetricParams::default();
        metrics.pagerank.damping = self.pagerank_damping;
        metrics.pagerank.check()?;
        metrics.centrality = Selection::parse(&self.metrics).map_err(Error::Parameter)?;
        crate::pipeline::check_max_stage_minutes(self.max_stage_minutes)?;
        metrics.betweenness = BetweennessParams {
            exact_limit: self.betweenness_exact_limit,
            epsilon: self.betweenness_epsilon,
            delta: self.betweenness_delta,
            seed: self.seed,
        };
        metrics.closeness = ClosenessParams {
            exact_limit: self.closeness_exact_limit,
            epsilon: self.closeness_epsilon,
            delta: self.closeness_delta,
            seed: self.seed,
        };
        metrics.community.seed = self.seed;
        metrics.partner_lift.seed = self.seed;
        metrics.community.trials = self.community_trials;
        metrics.resilience.seed = self.resilience_seed;
        metrics.overlap = crate::metrics::overlap::OverlapParams {
            threshold: self.overlap_threshold,
            min_jaccard: self.overlap_min_jaccard,
            top_k: self.overlap_top_k.0,
            conflict_window_days: self.conflict_window_days,
        };
        metrics.check()?;
        metrics.cosell_stages = match self.cosell_stages {
            CosellStagesArg::Any => crate::graph::CosellStages::Any,
            CosellStagesArg::Won => crate::graph::CosellStages::Won,
        };
        metrics.period = crate::validate::window::Window::parse(
            self.from.as_deref(),
            self.to.as_deref(),
            self.period.as_deref(),
        )
        .map_err(Error::Parameter)?;
        let (settings, config_path) = match config {
            Some((c, name)) => (self.input.settings_of(c)?, Some(name.to_path_buf())),
            None => (self.input.settings()?, self.input.config.clone()),
        };
        metrics.attribution = settings.attribution;
        let job = AnalyzeJob {
            input: self.input.input.clone(),
            out: self.out.clone(),
            format: self.format.into(),
            csv_cells: csv_cells(self.csv_raw, self.format)?,
            settings,
            config_path,
            skip_invalid: self.skip_invalid,
            overwrite: self.overwrite,
            threads,
            metrics,
            max_pair_rows: self.max_pair_rows,
            max_cosell_edges: self.max_cosell_edges,
            max_stage_minutes: self.max_stage_minutes,
            report: self.report,
            graph: self.graph.map(|g| match g {
                GraphArg::Graphml => crate::export::graphml::GraphFormat::Graphml,
            }),
        };
        job.check()?;
        Ok(job)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every flag of every command says what it does.
    #[test]
    fn every_flag_has_help_text() {
        let cli = Cli::command();
        let mut missing = Vec::new();
        let mut check = |cmd: &clap::Command| {
            for a in cmd.get_arguments() {
                if a.get_help().is_none() && a.get_id() != "help" && a.get_id() != "version" {
                    missing.push(format!("{} --{}", cmd.get_name(), a.get_id()));
                }
            }
        };
        check(&cli);
        for sub in cli.get_subcommands() {
            check(sub);
        }
        assert!(missing.is_empty(), "flags without help: {missing:?}");
    }

    #[test]
    fn help_lists_every_exit_code() {
        let help = exit_codes_help();
        for (code, _) in EXIT_CODES {
            assert!(help.contains(&format!("  {code} ")), "{help}");
        }
    }
}
