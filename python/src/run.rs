//! A command on a worker thread, with the GIL released and Ctrl-C honoured.
//!
//! The calling thread waits for the worker's answer [`POLL`] at a time without the GIL
//! and, between waits, lets Python run its signal handlers (`check_signals`, the way
//! datafusion-python waits on its runtime). When that raises (KeyboardInterrupt on
//! Ctrl-C), it sets the run's cancel flag and waits for the worker to stop. Every thread
//! of the run's own pool watches that flag, so the run stops at its next
//! [`ecograph::progress::checkpoint`] (inside the kernels, and at each progress event
//! through [`Watch`]) and unwinds with [`ecograph::progress::cancel`], whose destructors
//! remove the staged output folder. Then the Python exception is raised: nothing half
//! written is left.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use ecograph::progress::{Cancelled, Progress};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::errors::to_py;

/// How often the waiting thread checks for Ctrl-C.
pub(crate) const POLL: Duration = Duration::from_millis(50);

/// The progress hook of a run from Python: reports nothing; each event is a
/// [`ecograph::progress::checkpoint`], which stops the run once the flag its pool's
/// threads watch is set (what `generate`'s progress counts come through).
pub(crate) struct Watch;

impl Progress for Watch {
    fn stage(&self, _: &str) {
        ecograph::progress::checkpoint();
    }
    fn advance(&self, _: u64, _: u64, _: &str) {
        ecograph::progress::checkpoint();
    }
    fn finish(&self, _: &str, _: f64) {
        ecograph::progress::checkpoint();
    }
}

/// Runs `f` on a worker thread in a pool of `threads` threads, the GIL released; an
/// error becomes its `ecograph.errors` class, Ctrl-C a KeyboardInterrupt once the run
/// has stopped and cleaned up.
pub(crate) fn blocking<T, F>(py: Python<'_>, threads: usize, f: F) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce(&dyn Progress) -> ecograph::Result<T> + Send + 'static,
{
    let cancel = Arc::new(AtomicBool::new(false));
    let cancel_of_pool = Arc::clone(&cancel);
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("ecograph".into())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                // Every thread of the run's own pool watches its flag, so that the
                // library's checkpoints inside kernels stop this run and no other.
                let flag = Arc::clone(&cancel_of_pool);
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .start_handler(move |_| {
                        ecograph::progress::watch_this_thread(Some(Arc::clone(&flag)))
                    })
                    .build()
                    .map_err(|e| {
                        ecograph::Error::Parameter(format!("cannot start {threads} threads: {e}"))
                    })?;
                pool.install(|| f(&Watch))
            }));
            let _ = tx.send(outcome);
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start a worker thread: {e}")))?;
    // Behind a mutex so that the waits without the GIL may borrow it.
    let rx = Mutex::new(rx);
    let recv = |timeout: Option<Duration>| {
        let rx = rx.lock().unwrap_or_else(|e| e.into_inner());
        match timeout {
            Some(t) => rx.recv_timeout(t),
            None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        }
    };
    let outcome = loop {
        match py.detach(|| recv(Some(POLL))) {
            Ok(outcome) => break outcome,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Err(interrupt) = py.check_signals() {
                    cancel.store(true, Ordering::Relaxed);
                    // The run stops at its next hook; its destructors clean up.
                    py.detach(|| {
                        let _ = recv(None);
                        let _ = worker.join();
                    });
                    return Err(interrupt);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "the ecograph worker thread stopped",
                ));
            }
        }
    };
    let _ = py.detach(|| worker.join());
    match outcome {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(to_py(py, &e)),
        Err(payload) if payload.is::<Cancelled>() => Err(PyRuntimeError::new_err(
            "the run was cancelled without an interrupt",
        )),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(PyRuntimeError::new_err(format!(
                "ecograph failed unexpectedly (a bug; please report it): {what}"
            )))
        }
    }
}
