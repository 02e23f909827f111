//! `ecograph._ecograph`: the engine as a Python extension module. The public API is the
//! pure-Python package around it (`python/ecograph/__init__.py`); this module gives it
//! the commands, each taking the CLI's flags so that an option has one name, one
//! default and one check ([`ecograph::cli::analyze_job`]):
//!
//! - [`analyze`], [`validate`]: a folder, or a dict of Arrow tables ([`arrow_io`]);
//! - [`generate`], [`compare`], [`report`]; [`run_cli`] for `python -m ecograph`;
//! - [`results::Results`] and [`arrow_io::Table`]: an output folder read back, each
//!   table exported through the Arrow PyCapsule stream interface.
//!
//! Every command runs on a worker thread with the GIL released; the calling thread
//! checks for Ctrl-C every [`run::POLL`] and, when Python raises KeyboardInterrupt,
//! stops the run at its next progress hook, which removes what it had staged
//! ([`run::blocking`]). Errors become the classes of `ecograph.errors` ([`errors`]).

use std::path::Path;

use pyo3::prelude::*;
use pyo3::types::PyDict;

mod arrow_io;
mod errors;
mod results;
mod run;
mod shards;

use ecograph::metrics::overlap::shard::ShardRunner;

use errors::to_py;

/// The config given as a dict (serialized to JSON by the Python side), as the TOML
/// config file it stands for: parsed and checked by the same code, its errors naming
/// `(config dict)`.
fn config_of(config_json: Option<&str>) -> ecograph::Result<Option<ecograph::config::Config>> {
    let Some(text) = config_json else {
        return Ok(None);
    };
    let name = Path::new(CONFIG_NAME);
    let bad = |message: String| ecograph::Error::Config {
        path: name.to_path_buf(),
        message,
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    let toml = toml::to_string(&value).map_err(|e| bad(format!("cannot be a config: {e}")))?;
    ecograph::config::Config::from_toml(&toml, name).map(Some)
}

/// How errors name a config given as a dict.
const CONFIG_NAME: &str = "(config dict)";

/// [`config_of`] as the library's jobs take it: the config with the name its errors
/// show.
fn named(config: &Option<ecograph::config::Config>) -> Option<(&ecograph::config::Config, &Path)> {
    config.as_ref().map(|c| (c, Path::new(CONFIG_NAME)))
}

/// Runs `ecograph analyze ARGS` (the flags after `analyze`, the input first). With
/// `tables`, the input positional only names the data in the summary and the tables
/// (name -> object with `__arrow_c_stream__`) are analyzed. Returns the summary JSON.
///
/// `overlap_runner`: a Python callable that computes the overlap family's partner
/// blocks elsewhere (the Spark job's executors, [`shards::PyRunner`]); the results are
/// the same to the bit. `table_files`: the tables of `tables` that were read from
/// files, name -> (the file messages name, whether it is CSV text)
/// ([`arrow_io::raw_tables`]).
#[pyfunction]
#[pyo3(signature = (args, tables=None, config_json=None, overlap_runner=None, table_files=None))]
fn analyze(
    py: Python<'_>,
    args: Vec<String>,
    tables: Option<&Bound<'_, PyDict>>,
    config_json: Option<&str>,
    overlap_runner: Option<Py<PyAny>>,
    table_files: Option<std::collections::HashMap<String, (String, bool)>>,
) -> PyResult<String> {
    let config = config_of(config_json).map_err(|e| to_py(py, &e))?;
    let (job, threads) =
        ecograph::cli::analyze_job(&args, named(&config)).map_err(|e| to_py(py, &e))?;
    let source = match tables {
        Some(t) => ecograph::pipeline::Source::Tables(Box::new(arrow_io::raw_tables(
            py,
            t,
            &job.settings,
            &table_files.unwrap_or_default(),
        )?)),
        None => ecograph::pipeline::Source::Folder,
    };
    let runner = overlap_runner.map(shards::PyRunner);
    let report = run::blocking(py, threads, move |progress| {
        let runner = runner.as_ref().map(|r| r as &dyn ShardRunner);
        ecograph::pipeline::analyze_with(&job, source, progress, runner)
    })?;
    Ok(report.summary.to_string())
}

/// The seconds the crossing of `tables` takes: the Arrow C stream import of each table
/// and the contract's column mapping ([`arrow_io::raw_tables`]), nothing typed or
/// checked yet. For the benchmarks (BENCHMARKS.md, "Python: tables in memory").
#[pyfunction]
#[pyo3(signature = (tables, config_json=None))]
fn import_seconds(
    py: Python<'_>,
    tables: &Bound<'_, PyDict>,
    config_json: Option<&str>,
) -> PyResult<f64> {
    let config = config_of(config_json).map_err(|e| to_py(py, &e))?;
    let settings = config
        .unwrap_or_default()
        .resolve(&ecograph::config::Overrides::default())
        .map_err(|message| {
            let e = ecograph::Error::Config {
                path: CONFIG_NAME.into(),
                message,
            };
            to_py(py, &e)
        })?;
    let t = std::time::Instant::now();
    let raw = arrow_io::raw_tables(py, tables, &settings, &Default::default())?;
    let s = t.elapsed().as_secs_f64();
    drop(raw);
    Ok(s)
}

/// Runs `ecograph validate ARGS` on the folder, or on `tables`; returns JSON
/// `{"tables": {name: rows}, "files": {name: file}, "warnings": [...], "rejected_rows": n}`.
#[pyfunction]
#[pyo3(signature = (args, tables=None, config_json=None))]
fn validate(
    py: Python<'_>,
    args: Vec<String>,
    tables: Option<&Bound<'_, PyDict>>,
    config_json: Option<&str>,
) -> PyResult<String> {
    let config = config_of(config_json).map_err(|e| to_py(py, &e))?;
    let (input, settings, skip_invalid) =
        ecograph::cli::validate_args(&args, named(&config)).map_err(|e| to_py(py, &e))?;
    let raw = match tables {
        Some(t) => Some(arrow_io::raw_tables(py, t, &settings, &Default::default())?),
        None => None,
    };
    let threads = ecograph::cli::threads(None).map_err(|e| to_py(py, &e))?;
    // As a stage with a meter, so that Ctrl-C stops the read at its next file chunk.
    let t = run::blocking(py, threads, move |progress| {
        let mut stages = ecograph::progress::Stages::new(progress);
        stages.run_metered(ecograph::plan::Stage::Load.name(), |meter| {
            match raw {
                Some(raw) => ecograph::validate::validate(raw, &settings, skip_invalid),
                None => {
                    ecograph::validate::check_input_folder(&input)?;
                    // Each file read, typed and freed in turn.
                    ecograph::validate::validate_folder(&input, &settings, skip_invalid, meter)
                }
            }
            .map_err(ecograph::Error::Input)
        })
    })?;
    let value = serde_json::json!({
        "tables": t.stats().iter().map(|s| (s.table.to_string(), serde_json::json!(s.rows))).collect::<serde_json::Map<_, _>>(),
        "files": t.stats().iter().map(|s| (s.table.to_string(), serde_json::Value::from(s.file.clone()))).collect::<serde_json::Map<_, _>>(),
        "warnings": t.warnings().iter().map(|w| serde_json::json!({
            "code": w.code, "table": w.table, "file": w.file, "column": w.column, "message": w.message,
        })).collect::<Vec<_>>(),
        "rejected_rows": t.rejected().len(),
        "rejected": t.rejected().iter().map(errors::problem_json).collect::<Vec<_>>(),
    });
    Ok(value.to_string())
}

/// Runs `ecograph SUBCOMMAND ARGS` for generate, compare and report.
fn command(py: Python<'_>, subcommand: &'static str, args: Vec<String>) -> PyResult<()> {
    let threads = ecograph::cli::threads(None).map_err(|e| to_py(py, &e))?;
    run::blocking(py, threads, move |progress| {
        ecograph::cli::run_command(subcommand, &args, progress)
    })
}

/// Runs `ecograph generate ARGS` (`--out DIR --partners N ...`).
#[pyfunction]
fn generate(py: Python<'_>, args: Vec<String>) -> PyResult<()> {
    command(py, "generate", args)
}

/// Runs `ecograph compare ARGS` (`OLD NEW --out DIR ...`).
#[pyfunction]
fn compare(py: Python<'_>, args: Vec<String>) -> PyResult<()> {
    command(py, "compare", args)
}

/// Runs `ecograph report ARGS` (`RESULTS [--out FILE] ...`).
#[pyfunction]
fn report(py: Python<'_>, args: Vec<String>) -> PyResult<()> {
    command(py, "report", args)
}

/// Writes the results folder `src_dir` again as `dst_dir` in `format` ("parquet",
/// "arrow" or "csv"), whole or not at all.
#[pyfunction]
#[pyo3(signature = (src_dir, dst_dir, format, overwrite=false, csv_raw=false))]
fn convert(
    py: Python<'_>,
    src_dir: String,
    dst_dir: String,
    format: &str,
    overwrite: bool,
    csv_raw: bool,
) -> PyResult<()> {
    use ecograph::io::out::write::{CsvCells, OutputFormat};
    let format = match format {
        "parquet" => OutputFormat::Parquet,
        "arrow" => OutputFormat::Arrow,
        "csv" => OutputFormat::Csv,
        other => {
            let e = ecograph::Error::Parameter(format!(
                "format must be parquet, arrow or csv, got '{other}'"
            ));
            return Err(to_py(py, &e));
        }
    };
    let cells = if csv_raw {
        CsvCells::Raw
    } else {
        CsvCells::Safe
    };
    let threads = ecograph::cli::threads(None).map_err(|e| to_py(py, &e))?;
    run::blocking(py, threads, move |_| {
        let r = ecograph::results::Results::read(Path::new(&src_dir))?;
        r.write_as(Path::new(&dst_dir), format, cells, overwrite)
    })?;
    Ok(())
}

/// The `ecograph` command line (argv[0] the program name); returns its exit code. For
/// `python -m ecograph`: it installs the CLI's own Ctrl-C handler, which exits the
/// process.
#[pyfunction]
fn run_cli(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| ecograph::cli::main(argv.into_iter().map(Into::into)))
}

/// The extension module.
#[pymodule]
fn _ecograph(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(generate, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(report, m)?)?;
    m.add_function(wrap_pyfunction!(convert, m)?)?;
    m.add_function(wrap_pyfunction!(run_cli, m)?)?;
    m.add_function(wrap_pyfunction!(import_seconds, m)?)?;
    m.add_class::<results::Results>()?;
    m.add_class::<arrow_io::Table>()?;
    m.add_class::<shards::ShardIndex>()?;
    m.add_function(wrap_pyfunction!(shards::shard_columns, m)?)?;
    m.add_function(wrap_pyfunction!(shards::contract_tables, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
