//! ecograph's errors as the exception classes of the pure-Python module
//! `ecograph.errors`, chosen by the CLI's exit code (the same split: bad parameters,
//! bad input, refused output, a limit, a failed write). The message is the CLI's
//! (`str(e)` is what `ecograph` prints after `error: `); an input error also carries
//! every problem as a dict (table, row, line, column, value, rule, file, message).

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// The exception class for an error, by the CLI's exit code.
fn class_name(e: &ecograph::Error) -> &'static str {
    match e {
        ecograph::Error::Input(_) => "InputError",
        ecograph::Error::Results { .. } => "ResultsError",
        _ => match e.exit_code() {
            2 => "ParameterError",
            4 => "OutputError",
            5 => "LimitError",
            _ => "WriteError",
        },
    }
}

/// One input problem as JSON (for `validate`'s rejected rows).
pub(crate) fn problem_json(p: &ecograph::error::InputError) -> serde_json::Value {
    serde_json::json!({
        "table": p.table,
        "row": p.row,
        "line": p.line,
        "column": p.column,
        "value": p.value,
        "rule": p.rule.code(),
        "file": p.file,
        "message": p.rule.to_string(),
    })
}

fn problem_dict<'py>(
    py: Python<'py>,
    p: &ecograph::error::InputError,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("table", p.table)?;
    d.set_item("row", p.row)?;
    d.set_item("line", p.line)?;
    d.set_item("column", p.column.as_deref())?;
    d.set_item("value", p.value.as_deref())?;
    d.set_item("rule", p.rule.code())?;
    d.set_item("file", &p.file)?;
    d.set_item("message", p.rule.to_string())?;
    Ok(d)
}

fn build(py: Python<'_>, e: &ecograph::Error) -> PyResult<PyErr> {
    let errors = py.import("ecograph.errors")?;
    let class = errors.getattr(class_name(e))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("exit_code", e.exit_code())?;
    if let ecograph::Error::Input(list) = e {
        let problems = PyList::empty(py);
        for p in &list.errors {
            problems.append(problem_dict(py, p)?)?;
        }
        kwargs.set_item("problems", problems)?;
    }
    let exc = class.call((e.to_string(),), Some(&kwargs))?;
    Ok(PyErr::from_value(exc))
}

/// `e` as its Python exception (a RuntimeError with the message if `ecograph.errors`
/// cannot be imported, as when the extension is used without its package).
pub(crate) fn to_py(py: Python<'_>, e: &ecograph::Error) -> PyErr {
    build(py, e).unwrap_or_else(|_| PyRuntimeError::new_err(e.to_string()))
}
