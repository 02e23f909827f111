//! The `ecograph` command: parse the flags, run the command on a thread pool of the
//! requested size, print what it wrote, and map an error to its message and exit code
//! ([`crate::error::EXIT_CODES`], listed by `--help`). The binary (`src/main.rs`) and
//! the Python package's `python -m ecograph` both call [`main`].

use std::ffi::OsString;
use std::sync::Arc;

use clap::Parser;

use super::progress_bar::TerminalProgress;
use super::{Cli, Command, GenerateArgs, ValidateArgs};
use crate::error::Warning;
use crate::generate::{self, GenConfig};
use crate::io::out::atomic_dir::{self, StagedDir};
use crate::pipeline;
use crate::progress::Progress;
use crate::Error;

/// Runs the command line `args` (the program name first) and returns the exit code.
/// Installs the Ctrl-C / SIGTERM / SIGHUP handler, which removes what the run has half
/// written and exits the process with 130.
pub fn main(args: impl IntoIterator<Item = OsString>) -> u8 {
    let cli = Cli::parse_from(args);
    let progress = Arc::new(TerminalProgress::new(cli.quiet, cli.verbose));
    let on_interrupt = Arc::clone(&progress);
    // Ctrl-C, SIGTERM (a scheduler stopping the job) and SIGHUP (the terminal closed):
    // clear the spinner line, remove the staging folder or partial page (destructors do
    // not run when the process exits from here), and exit 130 like a shell does.
    let _ = ctrlc::set_handler(move || {
        on_interrupt.clear();
        atomic_dir::remove_active();
        eprintln!("interrupted");
        std::process::exit(130);
    });
    match run(&cli, &progress) {
        Ok(()) => 0,
        Err(e) => {
            progress.clear();
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

/// Runs the parsed command line on a pool of `--threads` threads.
pub(crate) fn run(cli: &Cli, progress: &TerminalProgress) -> crate::Result<()> {
    let threads = super::threads(cli.threads)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Parameter(format!("cannot start {threads} threads: {e}")))?;
    pool.install(|| match &cli.command {
        Command::Analyze(a) if a.dry_run => {
            let job = a.job(threads)?;
            let e = pipeline::estimate(&job, progress)?;
            progress.clear();
            print_warnings(&e.warnings);
            print!("{}", super::estimate_text::render(&job, &e));
            Ok(())
        }
        Command::Analyze(a) => {
            let job = a.job(threads)?;
            let report = pipeline::analyze(&job, progress)?;
            print_warnings(&report.warnings);
            if !cli.quiet {
                print_analyze(&report);
            }
            Ok(())
        }
        Command::Validate(v) => validate(v),
        Command::Generate(g) => generate_cmd(g, progress, cli.quiet),
        Command::Compare(c) => compare_cmd(c, cli.quiet),
        Command::Report(r) => report_cmd(r, cli.quiet),
    })
}

/// Warnings go to stderr even with `--quiet`: they change what the numbers mean.
fn print_warnings(warnings: &[Warning]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

fn print_analyze(r: &pipeline::AnalyzeReport) {
    // The summary as every reader reads it: a key renamed in the writer fails here (and
    // in the tests) instead of printing a zero.
    let rejected = if r.rejected_rows > 0 {
        format!("; {} rows rejected (see rejected_rows)", r.rejected_rows)
    } else {
        String::new()
    };
    match crate::export::summary::Summary::from_json(&r.summary) {
        Ok(s) => eprintln!(
            "wrote {}: {} partners, {} deals, {} co-sell edges; partner revenue share {}, co-sell rate {}{rejected}",
            r.out.display(),
            s.counts.partners,
            s.counts.deals,
            s.counts.cosell_edges,
            pct(s.revenue.partner_revenue_share),
            pct(s.revenue.cosell_rate),
        ),
        Err(e) => eprintln!(
            "wrote {}{rejected} (its summary has no readable `{}`: {})",
            r.out.display(),
            e.key,
            e.reason
        ),
    }
    let report = r.out.join(crate::report::REPORT_FILE);
    if report.is_file() {
        eprintln!("the review: {}", report.display());
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1}%", 100.0 * x))
        .unwrap_or_else(|| "n/a".into())
}

fn validate(v: &ValidateArgs) -> crate::Result<()> {
    let settings = v.input.settings()?;
    let t = pipeline::validate_only(&v.input.input, &settings, v.skip_invalid)?;
    print_warnings(t.warnings());
    if t.rejected().is_empty() {
        println!("{} conforms to the data contract.", v.input.input.display());
    } else {
        println!(
            "{}: only row problems, which analyze --skip-invalid leaves out.",
            v.input.input.display()
        );
    }
    for s in t.stats() {
        println!("  {:<17} {:<28} {:>10} rows", s.table, s.file, s.rows);
    }
    if !t.rejected().is_empty() {
        let n = t.rejected().len();
        println!(
            "{n} row{} would be rejected with --skip-invalid:",
            if n == 1 { "" } else { "s" }
        );
        for e in t.rejected().iter().take(crate::error::MAX_REPORTED_ERRORS) {
            println!("  - {e}");
        }
    }
    Ok(())
}

fn generate_cmd(g: &GenerateArgs, progress: &dyn Progress, quiet: bool) -> crate::Result<()> {
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
    let staged = StagedDir::create(&g.out, g.overwrite, &[])?;
    progress.stage("generate");
    let t = std::time::Instant::now();
    let report = generate::generate(&cfg, staged.path(), &|done, total| {
        progress.advance(done, total, "deals")
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

fn compare_cmd(c: &super::CompareArgs, quiet: bool) -> crate::Result<()> {
    let out = crate::compare::write_comparison(
        &c.old,
        &c.new,
        &c.out,
        c.format.into(),
        super::csv_cells(c.csv_raw, c.format)?,
        c.overwrite,
    )?;
    if !quiet {
        println!("wrote {}", out.display());
    }
    Ok(())
}

fn report_cmd(r: &super::ReportArgs, quiet: bool) -> crate::Result<()> {
    use crate::report::{self, scorecard::Selection};
    let cards = match (&r.partners, r.partner.is_empty()) {
        (Some(n), _) => Some(Selection::Top(*n)),
        (None, false) => Some(Selection::Ids(r.partner.clone())),
        (None, true) => None,
    };
    let default = if cards.is_some() {
        report::SCORECARDS_FILE
    } else {
        report::REPORT_FILE
    };
    let out = r.out.clone().unwrap_or_else(|| r.results.join(default));
    match &cards {
        Some(sel) => report::write_scorecards(&r.results, sel, &out)?,
        None => report::write_report_since(&r.results, r.since.as_deref(), &out)?,
    }
    if !quiet {
        println!("wrote {}", out.display());
    }
    Ok(())
}

/// Runs `ecograph SUBCOMMAND ARGS` for a library caller (the Python package): `generate`,
/// `compare` or `report`, quietly, reporting stages to `progress` (which may stop the
/// run with [`crate::progress::cancel`]), on the current thread pool. Flags as the CLI
/// takes them, refused with its messages ([`Error::Parameter`]).
pub fn run_command(
    subcommand: &str,
    args: &[String],
    progress: &dyn Progress,
) -> crate::Result<()> {
    let cli = super::parse_command(subcommand, args)?;
    match &cli.command {
        Command::Generate(g) => generate_cmd(g, progress, true),
        Command::Compare(c) => compare_cmd(c, true),
        Command::Report(r) => report_cmd(r, true),
        _ => Err(Error::Parameter(format!(
            "`{subcommand}` is not run this way; use its own function"
        ))),
    }
}
