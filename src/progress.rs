//! Progress reporting, decoupled from the terminal: the library announces stages, the
//! binary decides how to show them (spinners on a terminal, nothing otherwise).

/// Receives stage events from a long run.
pub trait Progress: Sync {
    /// A stage begins (`"load + validate"`, `"build graphs"`, ...).
    fn stage(&self, name: &str);
    /// Work inside the current stage advanced to `done` of `total` units.
    fn advance(&self, _done: u64, _total: u64) {}
    /// The current stage ended after `seconds`.
    fn finish(&self, name: &str, seconds: f64);
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

    /// Runs `f` as the stage `name`.
    pub fn run<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        self.progress.stage(name);
        let t = std::time::Instant::now();
        let v = f();
        let s = t.elapsed().as_secs_f64();
        self.progress.finish(name, s);
        self.timings.push((name.to_string(), s));
        v
    }
}
