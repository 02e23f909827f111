//! A reader that panics on a corrupt file is a bad-input error, not a crash.
//!
//! polars' Parquet and IPC decoders assume well-formed files and can panic on corrupt
//! ones (the fuzzer in `tests/fuzz_inputs.rs` found an assertion in polars-parquet's
//! nested decoder). [`catch`] runs a read, turns such a panic into an error message
//! naming what the decoder said, and keeps the panic hook quiet while a guarded read is
//! running (the panic may happen on one of polars' own threads), so the user sees one
//! clear message. Panics at other times still print as usual; one on another thread
//! while a guarded read is running still unwinds, but the hook does not print it (the
//! hook cannot tell polars' worker threads from the others).

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

/// Guarded reads in progress, over all threads.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
/// The message of the last panic silenced by the hook.
static LAST: Mutex<Option<String>> = Mutex::new(None);
static HOOK: Once = Once::new();

fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if ACTIVE.load(Ordering::SeqCst) > 0 {
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                *LAST.lock().unwrap_or_else(|e| e.into_inner()) = Some(msg);
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`; a panic inside it becomes `Err` with the decoder's message.
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    ACTIVE.fetch_add(1, Ordering::SeqCst);
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    ACTIVE.fetch_sub(1, Ordering::SeqCst);
    r.map_err(|payload| {
        // A cancelled run is not a corrupt file: keep unwinding.
        if payload.is::<crate::progress::Cancelled>() {
            panic::resume_unwind(payload);
        }
        let last = LAST.lock().unwrap_or_else(|e| e.into_inner()).take();
        last.or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the decoder failed".into())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_an_error_and_values_pass_through() {
        assert_eq!(super::catch(|| 7), Ok(7));
        let e = super::catch(|| -> i32 { panic!("corrupt page") }).unwrap_err();
        assert!(e.contains("corrupt page"), "{e}");
    }
}
