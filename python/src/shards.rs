//! The overlap family's partner blocks across a process boundary, for the Spark job
//! (`ecograph/spark.py`): the engine's [`ecograph::metrics::overlap::shard`] kernel on
//! the worker side ([`ShardIndex`]), and on the driver side a runner that hands the
//! blocks to a Python callable ([`PyRunner`]). Batches cross as Arrow IPC stream bytes:
//! what Spark broadcasts and what `mapInArrow` returns are plain bytes and Arrow
//! tables, and the engine reads them back with the same checks as any input.

use std::ops::Range;

use arrow::array::RecordBatch;
use arrow::ipc::reader::StreamReader;
use arrow::ipc::writer::StreamWriter;
use ecograph::metrics::overlap::shard::{self, ShardRunner};
use ecograph::metrics::overlap::OverlapParams;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::errors::to_py;

fn shard_error(message: String) -> ecograph::Error {
    ecograph::Error::Parameter(format!("overlap shards: {message}"))
}

/// `batches` as the bytes of one Arrow IPC stream.
pub(crate) fn to_ipc(batches: &[RecordBatch]) -> ecograph::Result<Vec<u8>> {
    let schema = batches
        .first()
        .map(|b| b.schema())
        .unwrap_or_else(shard::shard_schema);
    let mut out = Vec::new();
    let mut w = StreamWriter::try_new(&mut out, &schema).map_err(|e| shard_error(e.to_string()))?;
    for b in batches {
        w.write(b).map_err(|e| shard_error(e.to_string()))?;
    }
    w.finish().map_err(|e| shard_error(e.to_string()))?;
    drop(w);
    Ok(out)
}

/// The batches of one Arrow IPC stream.
pub(crate) fn from_ipc(bytes: &[u8]) -> ecograph::Result<Vec<RecordBatch>> {
    let reader = StreamReader::try_new(bytes, None)
        .map_err(|e| shard_error(format!("not an Arrow IPC stream: {e}")))?;
    reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| shard_error(e.to_string()))
}

/// The parameters a block needs, from the dict the driver's runner receives.
fn params_of(
    threshold: f64,
    top_k: Option<u32>,
    min_jaccard: Option<f64>,
) -> ecograph::Result<OverlapParams> {
    let p = OverlapParams {
        threshold,
        top_k,
        min_jaccard,
        ..OverlapParams::default()
    };
    p.check()?;
    Ok(p)
}

/// A worker's copy of one dimension's index, built once from the broadcast bytes and
/// then asked for any number of blocks.
#[pyclass(frozen, module = "ecograph._ecograph")]
pub(crate) struct ShardIndex(shard::ShardIndex);

#[pymethods]
impl ShardIndex {
    /// Reads the index (an Arrow IPC stream of one batch, as the driver's runner
    /// receives it) and builds its transpose, without the GIL.
    #[new]
    fn new(py: Python<'_>, index_ipc: &[u8]) -> PyResult<Self> {
        py.detach(|| {
            let batches = from_ipc(index_ipc)?;
            match batches.as_slice() {
                [b] => shard::ShardIndex::from_batch(b),
                _ => Err(shard_error(format!(
                    "the index is one batch, got {}",
                    batches.len()
                ))),
            }
        })
        .map(ShardIndex)
        .map_err(|e| to_py(py, &e))
    }

    /// Number of partners.
    #[getter]
    fn partners(&self) -> usize {
        self.0.partners()
    }

    /// The block `start..end` of partners: one Arrow IPC stream, a row per partner
    /// (`shard_columns()`), computed without the GIL on `threads` threads (the block
    /// then comes in several batches; the rows are the same).
    #[pyo3(signature = (start, end, threshold, top_k=None, min_jaccard=None, threads=1))]
    #[allow(clippy::too_many_arguments)]
    fn shard<'py>(
        &self,
        py: Python<'py>,
        start: usize,
        end: usize,
        threshold: f64,
        top_k: Option<u32>,
        min_jaccard: Option<f64>,
        threads: usize,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = py
            .detach(|| {
                let params = params_of(threshold, top_k, min_jaccard)?;
                if start > end || end > self.0.partners() {
                    // shard's own message, before any thread starts.
                    return to_ipc(&[shard::shard(&self.0, &params, start..end)?]);
                }
                to_ipc(&shard::shard_threads(
                    &self.0,
                    &params,
                    start..end,
                    threads,
                )?)
            })
            .map_err(|e| to_py(py, &e))?;
        Ok(PyBytes::new(py, &bytes))
    }
}

/// The contract's tables in the order the command line looks for them, each with
/// whether it is required (the engine's `schema::TABLES`).
#[pyfunction]
pub(crate) fn contract_tables() -> Vec<(&'static str, bool)> {
    ecograph::schema::TABLES
        .iter()
        .map(|t| (t.name, t.required))
        .collect()
}

/// The names of a block's columns, in order.
#[pyfunction]
pub(crate) fn shard_columns() -> Vec<&'static str> {
    shard::SHARD_COLUMNS.to_vec()
}

/// The driver's runner: hands every dimension's blocks to a Python callable,
/// `runner(dimension, index_ipc, params, blocks)` with `params` a dict (`threshold`,
/// `top_k`, `min_jaccard`) and `blocks` a list of `(start, end)`, which returns an
/// iterable of Arrow IPC streams (bytes) holding the blocks' batches, in any order.
pub(crate) struct PyRunner(pub(crate) Py<PyAny>);

impl ShardRunner for PyRunner {
    fn run(
        &self,
        dimension: &str,
        index: &RecordBatch,
        params: &OverlapParams,
        blocks: &[Range<usize>],
    ) -> ecograph::Result<Vec<RecordBatch>> {
        let index = to_ipc(std::slice::from_ref(index))?;
        let streams: Vec<Vec<u8>> = Python::attach(|py| -> PyResult<Vec<Vec<u8>>> {
            let p = PyDict::new(py);
            p.set_item("threshold", params.threshold)?;
            p.set_item("top_k", params.top_k)?;
            p.set_item("min_jaccard", params.min_jaccard)?;
            let blocks: Vec<(usize, usize)> = blocks.iter().map(|b| (b.start, b.end)).collect();
            let out = self
                .0
                .call1(py, (dimension, PyBytes::new(py, &index), p, blocks))?;
            out.bind(py)
                .try_iter()?
                .map(|s| s.and_then(|s| s.extract::<Vec<u8>>()))
                .collect()
        })
        .map_err(|e| shard_error(format!("the runner of the {dimension} blocks failed: {e}")))?;
        let mut batches = Vec::new();
        for s in &streams {
            batches.extend(from_ipc(s)?);
        }
        Ok(batches)
    }
}
