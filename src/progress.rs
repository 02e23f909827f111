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
