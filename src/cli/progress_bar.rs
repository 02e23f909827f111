//! Terminal progress: one spinner per stage on stderr when it is a terminal (indicatif
//! hides itself otherwise), nothing with `--quiet`; `-v` prints stage timings.

use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::progress::Progress;

pub struct TerminalProgress {
    current: Mutex<Option<ProgressBar>>,
    show: bool,
    verbose: bool,
}

impl TerminalProgress {
    pub fn new(quiet: bool, verbose: bool) -> Self {
        TerminalProgress {
            current: Mutex::new(None),
            show: !quiet,
            verbose,
        }
    }

    /// Removes the current spinner line, if any (on errors and Ctrl-C, so the terminal
    /// is left clean).
    pub fn clear(&self) {
        let bar = match self.current.lock() {
            Ok(mut g) => g.take(),
            Err(e) => e.into_inner().take(),
        };
        if let Some(pb) = bar {
            pb.finish_and_clear();
        }
    }

    fn bar(&self) -> ProgressBar {
        if !self.show {
            return ProgressBar::hidden();
        }
        // stderr target: indicatif draws nothing when stderr is not a terminal.
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    }
}

impl Progress for TerminalProgress {
    fn stage(&self, name: &str) {
        let pb = self.bar();
        pb.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"),
        );
        pb.set_message(name.to_string());
        pb.enable_steady_tick(Duration::from_millis(120));
        *self
            .current
            .lock()
            .expect("no panics while holding the lock") = Some(pb);
    }

    fn advance(&self, done: u64, total: u64) {
        if let Some(pb) = self
            .current
            .lock()
            .expect("no panics while holding the lock")
            .as_ref()
        {
            if pb.length() != Some(total) {
                pb.set_length(total);
                pb.set_style(
                    ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
                        .expect("valid template")
                        .progress_chars("=> "),
                );
            }
            pb.set_position(done);
        }
    }

    fn finish(&self, name: &str, seconds: f64) {
        if let Some(pb) = self
            .current
            .lock()
            .expect("no panics while holding the lock")
            .take()
        {
            pb.finish_and_clear();
        }
        if self.verbose {
            eprintln!("{name:<18} {seconds:>8.3} s");
        }
    }
}
