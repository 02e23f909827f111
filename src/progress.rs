//! Progress reporting, decoupled from the terminal: the library announces stages, the
//! binary decides how to show them (spinners on a terminal, nothing otherwise).

/// Receives stage events from a long run.
pub trait Progress: Sync {
    /// A stage begins (`"load + validate"`, `"build graphs"`, ...).
    fn stage(&self, name: &str);
    /// Work inside the current stage advanced to `done` of `total` `unit`s (`"samples"`,
    /// `"source batches"`, `"MB read"`, ...).
    fn advance(&self, _done: u64, _total: u64, _unit: &str) {}
    /// The current stage ended after `seconds`.
    fn finish(&self, name: &str, seconds: f64);
}

/// The unwind payload of a run stopped by [`cancel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

/// Stops the run from inside a [`Progress`] hook (a caller asked to stop: Ctrl-C in the
/// Python package): unwinds to the caller's `catch_unwind` without running the panic
/// hook, so nothing is printed. Every destructor on the way runs; the staged output
/// folder's ([`crate::io::out::atomic_dir::StagedDir`]) removes it, so nothing half
/// written is left. rayon carries the payload across its threads unchanged, and the
/// decoder guard (`io::guard`) lets it through. The run stops at its next
/// hook: a stage's start or end, or a metered kernel's next step.
pub fn cancel() -> ! {
    std::panic::resume_unwind(Box::new(Cancelled))
}

thread_local! {
    /// The cancel flag of the run this thread works for, if someone watches it.
    static RUN_CANCEL: std::cell::RefCell<Option<std::sync::Arc<std::sync::atomic::AtomicBool>>> =
        const { std::cell::RefCell::new(None) };
}

/// Marks the current thread as working for a run that `flag` may stop (None: no one
/// watches). The Python package calls it on every thread of a run's own thread pool
/// (rayon's `start_handler`), so that [`checkpoint`] finds the flag of its run, and
/// only of its run, without a parameter threaded through every kernel.
pub fn watch_this_thread(flag: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>) {
    RUN_CANCEL.with(|c| *c.borrow_mut() = flag);
}

/// A point where a long kernel may stop: [`cancel`] when this thread's run was asked to
/// stop ([`watch_this_thread`]); otherwise a thread-local read and an atomic load, and
/// nothing at all on a thread no one watches (the CLI, whose Ctrl-C exits the
/// process). Called once per chunk of work, never per element: between the tables of
/// validation, the passes of the graph build, each chunk of the neighbourhood measures,
/// each Louvain pass and each batch written.
pub fn checkpoint() {
    let stop = RUN_CANCEL.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed))
    });
    if stop {
        cancel();
    }
}

/// Reports nothing (library use, tests, `--quiet`).
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &str) {}
    fn finish(&self, _: &str, _: f64) {}
}

/// Runs named stages in order, telling a [`Progress`] and recording each stage's time
/// (the summary's `timings_s` and `-v` come from here).
pub struct Stages<'a> {
    progress: &'a dyn Progress,
    /// (stage, seconds), in run order.
    pub timings: Vec<(String, f64)>,
}

impl<'a> Stages<'a> {
    /// Stages that report to `progress` (use [`Silent`] to report nothing).
    pub fn new(progress: &'a dyn Progress) -> Self {
        Stages {
            progress,
            timings: Vec::new(),
        }
    }

    /// Runs `f` as the stage `name`, with a [`Meter`] the work inside reports to.
    pub fn run_metered<T>(&mut self, name: &str, f: impl FnOnce(&Meter) -> T) -> T {
        let meter = Meter::new(self.progress);
        self.run(name, || f(&meter))
    }

    /// Runs `f` as the stage `name`.
    pub fn run<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        checkpoint();
        self.progress.stage(name);
        let t = std::time::Instant::now();
        let v = f();
        let s = t.elapsed().as_secs_f64();
        self.progress.finish(name, s);
        self.timings.push((name.to_string(), s));
        v
    }
}

/// Counts the work done inside one stage and reports it to a [`Progress`] (the bar's
/// count and ETA). Kernels set the total once they know it and add as they go, from any
/// thread; a meter never changes a result. [`Meter::silent`] reports nothing.
pub struct Meter<'a> {
    progress: &'a dyn Progress,
    done: std::sync::atomic::AtomicU64,
    total: std::sync::atomic::AtomicU64,
    /// The unit of the current count; a stage may count several things in turn (the
    /// customer pair blocks, then the product ones).
    unit: std::sync::Mutex<&'static str>,
}

impl<'a> Meter<'a> {
    /// A meter reporting to `progress`.
    pub fn new(progress: &'a dyn Progress) -> Meter<'a> {
        Meter {
            progress,
            done: 0.into(),
            total: 0.into(),
            unit: std::sync::Mutex::new(""),
        }
    }

    /// Sets the stage's total work, in `unit`s, and restarts the count.
    pub fn start(&self, total: u64, unit: &'static str) {
        use std::sync::atomic::Ordering::Relaxed;
        *self.unit.lock().unwrap_or_else(|e| e.into_inner()) = unit;
        self.total.store(total, Relaxed);
        self.done.store(0, Relaxed);
        self.progress.advance(0, total, unit);
    }

    /// Adds `n` units of finished work.
    pub fn add(&self, n: u64) {
        use std::sync::atomic::Ordering::Relaxed;
        checkpoint();
        let done = self.done.fetch_add(n, Relaxed) + n;
        let total = self.total.load(Relaxed);
        self.progress.advance(
            done.min(total),
            total,
            *self.unit.lock().unwrap_or_else(|e| e.into_inner()),
        );
    }
}

impl Meter<'static> {
    /// A meter that reports nothing (library calls without a progress display).
    pub fn silent() -> Meter<'static> {
        Meter::new(&Silent)
    }
}
