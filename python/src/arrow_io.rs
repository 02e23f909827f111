//! Tables across the Python boundary through the Arrow PyCapsule interface
//! (<https://arrow.apache.org/docs/format/CDataInterface/PyCapsuleInterface.html>):
//! an object's `__arrow_c_stream__()` gives a capsule named `arrow_array_stream`
//! holding an `ArrowArrayStream`, which arrow-rs's `ffi_stream` imports without copying
//! a buffer; [`Table`] exports the other way. pyarrow, polars, pandas (2.2 and later),
//! DuckDB and nanoarrow all speak it, so pyarrow is not needed to hand tables in.
//!
//! pyo3-arrow does the same, but its current release (0.20) is built on arrow 59 and
//! the engine on arrow 60: using it would compile a second arrow and cross between the
//! two through this same C interface. The two steps below are what it would do for us.

use std::ffi::CStr;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow::record_batch::{RecordBatch, RecordBatchIterator};
use ecograph::config::Settings;
use ecograph::io::raw::{RawTable, RawTables, SourceFile};
use ecograph::io::InputFormat;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};

use crate::errors::to_py;

/// The capsule name the interface prescribes for a stream.
const STREAM: &CStr = c"arrow_array_stream";

/// The record batches of `obj` (anything with `__arrow_c_stream__`), imported without
/// copying their buffers.
fn batches_of(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<Vec<RecordBatch>> {
    if !obj.hasattr("__arrow_c_stream__")? {
        let kind = obj.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "table '{name}' is a {kind}, which does not export Arrow data \
             (__arrow_c_stream__); give a pyarrow Table, a polars DataFrame, a pandas \
             DataFrame (pandas 2.2 or later) or a DuckDB relation"
        )));
    }
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>()?;
    let ptr = capsule
        .pointer_checked(Some(STREAM))?
        .cast::<FFI_ArrowArrayStream>();
    // SAFETY: a capsule named `arrow_array_stream` holds a valid, initialized
    // ArrowArrayStream (the interface's contract, checked by name above); `from_raw`
    // moves it out and leaves a released stream behind, which the capsule's destructor
    // then leaves alone, as the interface prescribes for a consumer.
    let reader = unsafe { RecordBatchStreamReader::from_raw(ptr.as_ptr()) }
        .map_err(|e| PyValueError::new_err(format!("table '{name}': {e}")))?;
    reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PyValueError::new_err(format!("table '{name}': {e}")))
}

/// The contract tables of `tables` (name -> Arrow-exporting object) as read, mapped
/// and checked by the same code as files ([`RawTable::from_arrow`]); a problem is an
/// `InputError` naming the table.
///
/// `files`: the tables read from files by someone else (the Spark job), table name ->
/// (the file messages name, whether it is CSV text). A CSV table's text amounts and
/// dates are parsed as the command line parses a CSV file's, by the same rules.
pub(crate) fn raw_tables(
    py: Python<'_>,
    tables: &Bound<'_, PyDict>,
    settings: &Settings,
    files: &std::collections::HashMap<String, (String, bool)>,
) -> PyResult<RawTables> {
    let mut raw = Vec::new();
    for (key, value) in tables.iter() {
        let name: String = key.extract().map_err(|_| {
            PyTypeError::new_err("the tables dict's keys must be table names (str)")
        })?;
        let batches = batches_of(&name, &value)?;
        let source = match files.get(&name) {
            Some((file, true)) => SourceFile::in_memory(file.clone(), InputFormat::Csv),
            Some((file, false)) => SourceFile::in_memory(file.clone(), InputFormat::Arrow),
            None => SourceFile::in_memory(name.clone(), InputFormat::Arrow),
        };
        let table = RawTable::from_arrow(&name, source, &batches, settings)
            .map_err(|e| to_py(py, &ecograph::Error::Input(e)))?;
        raw.push(table);
    }
    RawTables::new(raw, settings).map_err(|e| to_py(py, &ecograph::Error::Input(e)))
}

/// One output table, exported through the Arrow PyCapsule stream interface: pass it to
/// `pyarrow.table(t)`, `polars.DataFrame(t)`, `duckdb.from_arrow(t)`.
#[pyclass(module = "ecograph._ecograph", frozen)]
pub(crate) struct Table {
    name: String,
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

impl Table {
    pub(crate) fn new(name: String, schema: SchemaRef, batches: Vec<RecordBatch>) -> Table {
        Table {
            name,
            schema,
            batches,
        }
    }
}

#[pymethods]
impl Table {
    /// The table's name (`partner_metrics`, ...).
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// Number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// The Arrow PyCapsule stream interface. `requested_schema` is ignored: the
    /// table is given in its declared schema (docs/OUTPUTS.md), as the interface allows.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let reader = RecordBatchIterator::new(
            self.batches.clone().into_iter().map(Ok),
            Arc::clone(&self.schema),
        );
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, STREAM)
    }

    fn __len__(&self) -> usize {
        self.num_rows()
    }

    fn __repr__(&self) -> String {
        format!(
            "<ecograph table {}: {} rows, {} columns>",
            self.name,
            self.num_rows(),
            self.schema.fields().len()
        )
    }
}
