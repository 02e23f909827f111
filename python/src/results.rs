//! An analyze output folder read back ([`ecograph::results::Results`]), for Python.

use std::path::Path;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::arrow_io::Table;
use crate::errors::to_py;

/// An output folder of `ecograph analyze`, read back: the summary and each table.
#[pyclass(module = "ecograph._ecograph", frozen)]
pub(crate) struct Results {
    inner: ecograph::results::Results,
}

#[pymethods]
impl Results {
    /// Reads the folder `dir` (any output format); an error names what is missing.
    #[new]
    fn new(py: Python<'_>, dir: String) -> PyResult<Results> {
        let inner = py
            .detach(|| ecograph::results::Results::read(Path::new(&dir)))
            .map_err(|e| to_py(py, &e))?;
        Ok(Results { inner })
    }

    /// The folder, as given.
    #[getter]
    fn dir(&self) -> String {
        self.inner.dir.display().to_string()
    }

    /// The tables' format: "parquet", "arrow" or "csv".
    #[getter]
    fn format(&self) -> &'static str {
        self.inner.format.extension()
    }

    /// `ecosystem_summary.json`, as its text.
    #[getter]
    fn summary_json(&self) -> PyResult<String> {
        let path = self.inner.dir.join(ecograph::schema::out::SUMMARY_FILE);
        std::fs::read_to_string(&path)
            .map_err(|e| PyValueError::new_err(format!("{}: {e}", path.display())))
    }

    /// Table `name`'s rows when known without reading it (None: a pair-sized Arrow or
    /// CSV table, which would have to be read to be counted).
    fn known_rows(&self, name: &str) -> Option<u64> {
        self.inner.known_rows(name)
    }

    /// The tables present, in declaration order.
    fn table_names(&self) -> Vec<&'static str> {
        self.inner.table_names()
    }

    /// Table `name`, read whole (pair-sized tables batch by batch, then kept).
    fn table(&self, py: Python<'_>, name: &str) -> PyResult<Table> {
        let Some(declared) = ecograph::schema::outputs::OUTPUT_TABLES
            .iter()
            .find(|t| t.name == name)
        else {
            return Err(PyValueError::new_err(format!(
                "'{name}' is not an output table; the tables are {}",
                self.inner.table_names().join(", ")
            )));
        };
        let mut batches = Vec::new();
        let present = py
            .detach(|| {
                self.inner.stream(name, &mut |b| {
                    batches.push(b.clone());
                    Ok(())
                })
            })
            .map_err(|e| to_py(py, &e))?;
        if !present {
            return Err(PyValueError::new_err(format!(
                "this run wrote no '{name}' table; it wrote {}",
                self.inner.table_names().join(", ")
            )));
        }
        // The declared schema, with the run metadata the file stores (under "ecograph",
        // as in an Arrow IPC output), so that a reader sees the parameters behind it.
        let metadata: std::collections::HashMap<String, String> = self
            .inner
            .table_metadata(name)
            .map(|m| (ecograph::io::out::write::METADATA_KEY.to_string(), m))
            .into_iter()
            .collect();
        let schema =
            std::sync::Arc::new(declared.schema().as_ref().clone().with_metadata(metadata));
        let batches = batches
            .into_iter()
            .map(|b| b.with_schema(std::sync::Arc::clone(&schema)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| PyValueError::new_err(format!("table '{name}': {e}")))?;
        Ok(Table::new(name.to_string(), schema, batches))
    }
}
