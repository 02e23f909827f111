//! Command-line interface: clap structs (raw flags) and their conversion into validated,
//! ready-to-run jobs. `main.rs` only parses, dispatches and maps errors to exit codes.

pub mod progress_bar;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::io::write::OutputFormat;
use crate::metrics::centrality::betweenness::BetweennessParams;
use crate::metrics::centrality::Selection;
use crate::metrics::MetricParams;
use crate::pipeline::AnalyzeJob;

/// Graph analytics for business partner ecosystems.
#[derive(Debug, Parser)]
#[command(name = "ecograph", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// No progress display (it is also off when stderr is not a terminal).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Print stage timings and details to stderr.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Worker threads (default: all cores). Results are identical for any value.
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze an ecosystem folder and write metric tables.
    Analyze(AnalyzeArgs),
    /// Check an input folder against the data contract and report every problem.
    Validate(ValidateArgs),
    /// Generate a realistic synthetic ecosystem (seeded, reproducible).
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct InputArgs {
    /// Folder with partners, deals, deal_partners (+ optional partner_products, products,
    /// customers) as .csv, .parquet or .arrow files.
    pub input: PathBuf,
    /// TOML file mapping your file names, column names and stage / role words to the contract's.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Move invalid rows to a rejected_rows table instead of stopping.
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output folder (created whole, atomically).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Output table format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Parquet)]
    pub format: OutputFormat,
    /// Replace an existing output folder.
    #[arg(long)]
    pub overwrite: bool,
    /// PageRank damping factor.
    #[arg(long, default_value_t = 0.85, value_name = "ALPHA")]
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
    #[arg(long, default_value_t = 20_000, value_name = "N")]
    pub betweenness_exact_limit: usize,
    /// Sampled betweenness: every estimate is within EPS of the exact value...
    #[arg(long, default_value_t = 0.005, value_name = "EPS")]
    pub betweenness_epsilon: f64,
    /// ...with probability at least 1 - DELTA.
    #[arg(long, default_value_t = 0.1, value_name = "DELTA")]
    pub betweenness_delta: f64,
    /// Seed of every randomized step (betweenness sampling, community detection).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Community detection: independently seeded Louvain runs; the highest modularity wins.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub community_trials: usize,
    /// Seed of the random removal orders behind the `resilience` table's `random` curve
    /// (recorded in every output's metadata).
    #[arg(long, default_value_t = 42, value_name = "SEED")]
    pub resilience_seed: u64,
    /// overlapping_partners counts partners whose customer Jaccard is at least this.
    #[arg(
        long,
        default_value_t = 0.5,
        value_name = "J",
        allow_negative_numbers = true
    )]
    pub overlap_threshold: f64,
    /// overlap_pairs keeps only pairs with jaccard >= J (default: all pairs).
    #[arg(long, value_name = "J", allow_negative_numbers = true)]
    pub overlap_min_jaccard: Option<f64>,
    /// overlap_pairs keeps a pair when it is among either partner's K pairs of highest
    /// jaccard (ties by partner id; default: all pairs).
    #[arg(long, value_name = "K")]
    pub overlap_top_k: Option<u32>,
    /// channel_conflicts pairs deals created at most this many days apart.
    #[arg(
        long,
        default_value_t = 90.0,
        value_name = "DAYS",
        allow_negative_numbers = true
    )]
    pub conflict_window_days: f64,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Output folder for the generated CSV tables (created whole, atomically).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 300)]
    pub partners: usize,
    #[arg(long, default_value_t = 4000)]
    pub deals: usize,
    /// Customers (default: derived from the deal count).
    #[arg(long)]
    pub customers: Option<usize>,
    /// Products (default: derived from the partner count).
    #[arg(long)]
    pub products: Option<usize>,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// First calendar year of the generated history.
    #[arg(long, default_value_t = 2021)]
    pub start_year: i32,
    /// Number of calendar quarters of history.
    #[arg(long, default_value_t = 16)]
    pub quarters: u32,
    /// Replace an existing output folder.
    #[arg(long)]
    pub overwrite: bool,
}

impl InputArgs {
    /// Reads the config file, if any.
    pub fn config(&self) -> Result<Config> {
        match &self.config {
            Some(p) => Config::from_file(p),
            None => Ok(Config::default()),
        }
    }
}

/// The thread count to use: `--threads` or all cores; 0 is refused.
pub fn threads(requested: Option<usize>) -> Result<usize> {
    match requested {
        Some(0) => Err(Error::Parameter("--threads must be at least 1".into())),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)),
    }
}

impl AnalyzeArgs {
    /// Checks the flags and builds the job.
    pub fn job(&self, threads: usize) -> Result<AnalyzeJob> {
        let d = self.pagerank_damping;
        if !(d > 0.0 && d < 1.0) {
            return Err(Error::Parameter(format!(
                "--pagerank-damping must be in (0, 1), got {d}"
            )));
        }
        let mut metrics = MetricParams::default();
        metrics.pagerank.damping = d;
        metrics.centrality = Selection::parse(&self.metrics).map_err(Error::Parameter)?;
        let (eps, delta) = (self.betweenness_epsilon, self.betweenness_delta);
        if !(eps > 0.0 && eps < 1.0) {
            return Err(Error::Parameter(format!(
                "--betweenness-epsilon must be in (0, 1), got {eps}"
            )));
        }
        if !(delta > 0.0 && delta < 1.0) {
            return Err(Error::Parameter(format!(
                "--betweenness-delta must be in (0, 1), got {delta}"
            )));
        }
        if self.community_trials == 0 {
            return Err(Error::Parameter(
                "--community-trials must be at least 1".into(),
            ));
        }
        metrics.betweenness = BetweennessParams {
            exact_limit: self.betweenness_exact_limit,
            epsilon: eps,
            delta,
            seed: self.seed,
        };
        metrics.community.seed = self.seed;
        metrics.community.trials = self.community_trials;
        metrics.resilience.seed = self.resilience_seed;
        metrics.overlap = crate::metrics::overlap::OverlapParams {
            threshold: self.overlap_threshold,
            min_jaccard: self.overlap_min_jaccard,
            top_k: self.overlap_top_k,
            conflict_window_days: self.conflict_window_days,
        };
        metrics.overlap.validate().map_err(Error::Parameter)?;
        Ok(AnalyzeJob {
            input: self.input.input.clone(),
            out: self.out.clone(),
            format: self.format,
            config: self.input.config()?,
            config_path: self.input.config.clone(),
            skip_invalid: self.input.skip_invalid,
            overwrite: self.overwrite,
            threads,
            metrics,
        })
    }
}
