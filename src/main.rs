//! `ecograph`: thin binary over the library. Parses flags, runs the job on a thread
//! pool of the requested size, and maps errors to messages and exit codes:
//! 0 success, 1 runtime failure (I/O, export), 2 usage error, 3 input breaks the data
//! contract, 4 output folder exists without `--overwrite`.

use std::process::ExitCode;

use clap::Parser;

use ecograph::cli::progress_bar::TerminalProgress;
use ecograph::cli::{self, Cli, Command, GenerateArgs, ValidateArgs};
use ecograph::generate::{self, GenConfig};
use ecograph::io::atomic_dir::StagedDir;
use ecograph::pipeline::{self, AnalyzeJob};
use ecograph::progress::Progress;
use ecograph::Error;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(match e {
                Error::Input(_) => 3,
                Error::OutputExists(_) => 4,
                Error::Parameter(_) | Error::Config { .. } => 2,
                _ => 1,
            })
        }
    }
}

fn run(cli: &Cli) -> ecograph::Result<()> {
    let threads = cli::threads(cli.threads)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Parameter(format!("cannot start {threads} threads: {e}")))?;
    let progress = TerminalProgress::new(cli.quiet, cli.verbose);
    pool.install(|| match &cli.command {
        Command::Analyze(a) => {
            let job = a.job(threads)?;
            let report = pipeline::analyze(&job, &progress)?;
            if !cli.quiet {
                print_analyze(&report);
            }
            Ok(())
        }
        Command::Validate(v) => validate(v, threads),
        Command::Generate(g) => generate_cmd(g, &progress, cli.quiet),
    })
}

fn print_analyze(r: &pipeline::AnalyzeReport) {
    let s = &r.summary;
    let c = &s["counts"];
    eprintln!(
        "wrote {}: {} partners, {} deals, {} co-sell edges; partner revenue share {}, co-sell rate {}{}",
        r.out.display(),
        c["partners"],
        c["deals"],
        c["cosell_edges"],
        pct(&s["revenue"]["partner_revenue_share"]),
        pct(&s["revenue"]["cosell_rate"]),
        if r.rejected_rows > 0 { format!("; {} rows rejected (see rejected_rows)", r.rejected_rows) } else { String::new() }
    );
}

fn pct(v: &serde_json::Value) -> String {
    v.as_f64()
        .map(|x| format!("{:.1}%", 100.0 * x))
        .unwrap_or_else(|| "n/a".into())
}

fn validate(v: &ValidateArgs, threads: usize) -> ecograph::Result<()> {
    let job = AnalyzeJob {
        input: v.input.input.clone(),
        out: Default::default(),
        format: ecograph::io::write::OutputFormat::Parquet,
        config: v.input.config()?,
        config_path: v.input.config.clone(),
        skip_invalid: v.input.skip_invalid,
        overwrite: false,
        threads,
        metrics: Default::default(),
    };
    let t = pipeline::load(&job)?;
    println!("{} conforms to the data contract.", v.input.input.display());
    for s in &t.stats {
        println!("  {:<17} {:<28} {:>10} rows", s.table, s.file, s.rows);
    }
    if !t.rejected.is_empty() {
        println!(
            "{} rows would be rejected with --skip-invalid:",
            t.rejected.len()
        );
        for e in t.rejected.iter().take(ecograph::error::MAX_REPORTED_ERRORS) {
            println!("  - {e}");
        }
    }
    Ok(())
}

fn generate_cmd(
    g: &GenerateArgs,
    progress: &TerminalProgress,
    quiet: bool,
) -> ecograph::Result<()> {
    let cfg = GenConfig {
        seed: g.seed,
        partners: g.partners,
        deals: g.deals,
        customers: g.customers,
        products: g.products,
        start_year: g.start_year,
        quarters: g.quarters,
    };
    cfg.validate()?;
    let staged = StagedDir::create(&g.out, g.overwrite)?;
    progress.stage("generate");
    let t = std::time::Instant::now();
    let report = generate::generate(&cfg, staged.path(), &|done, total| {
        progress.advance(done, total)
    })?;
    progress.finish("generate", t.elapsed().as_secs_f64());
    let out = staged.commit()?;
    if !quiet {
        eprintln!(
            "wrote {}: {} partners, {} deals, {} deal-partner links, {} customers, {} products (seed {})",
            out.display(),
            report.partners,
            report.deals,
            report.deal_partner_links,
            report.customers,
            report.products,
            g.seed
        );
    }
    Ok(())
}
