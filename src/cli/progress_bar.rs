//! Terminal progress: one line per stage on stderr when it is a terminal (indicatif
//! hides itself otherwise), nothing with `--quiet`: a spinner, which becomes a bar with
//! counts and an ETA once the stage reports its total (rows read, betweenness samples,
//! closeness source batches, pair blocks written); `-v` prints aligned stage timings.

use std::sync::Mutex;
use std::time::Duration;

use console::Term;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

use crate::progress::Progress;

pub(crate) struct TerminalProgress {
    current: Mutex<Option<ProgressBar>>,
    show: bool,
    verbose: bool,
}

impl TerminalProgress {
    pub(crate) fn new(quiet: bool, verbose: bool) -> Self {
        TerminalProgress {
            current: Mutex::new(None),
            show: !quiet,
            verbose,
        }
    }

    /// Removes the current spinner line, if any (on errors and Ctrl-C, so the terminal
    /// is left clean).
    pub(crate) fn clear(&self) {
        let bar = match self.current.lock() {
            Ok(mut g) => g.take(),
            Err(e) => e.into_inner().take(),
        };
        if let Some(pb) = bar {
            pb.finish_and_clear();
            // The terminal's `^C` echo lands after the spinner (on the same line, as the
            // line stops three columns short of the edge): erase that line too.
            if self.show && Term::stderr().is_term() {
                let _ = Term::stderr().clear_line();
            }
        }
    }

    fn bar(&self) -> ProgressBar {
        if !self.show || !Term::stderr().is_term() {
            return ProgressBar::hidden();
        }
        ProgressBar::with_draw_target(
            None,
            ProgressDrawTarget::term_like(Box::new(Narrow(Term::stderr()))),
        )
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

    fn advance(&self, done: u64, total: u64, unit: &str) {
        if let Some(pb) = self
            .current
            .lock()
            .expect("no panics while holding the lock")
            .as_ref()
        {
            if pb.length().is_none() {
                pb.set_style(
                    ProgressStyle::with_template(
                        "{msg} [{bar:30}] {human_pos}/{human_len} {prefix} ({elapsed}, ETA {eta})",
                    )
                    .expect("valid template")
                    .progress_chars("=> "),
                );
            }
            // A stage may count several things in turn (customer, then product pair
            // blocks): the total and the unit follow the latest.
            if pb.length() != Some(total) {
                pb.set_length(total);
            }
            if pb.prefix() != unit {
                pb.set_prefix(unit.to_string());
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
            // The resident memory after the stage and the peak so far, where the
            // platform says (Linux).
            let memory = crate::estimate::resident_memory()
                .map(|(now, peak)| {
                    format!(
                        "  {:>9} now, {:>9} peak",
                        crate::estimate::human_bytes(now),
                        crate::estimate::human_bytes(peak)
                    )
                })
                .unwrap_or_default();
            eprintln!("{name:<34} {seconds:>8.3} s{memory}");
        }
    }
}

/// stderr as indicatif sees it, three columns narrower than it is. indicatif pads its line
/// to the full width, which leaves the cursor at the right edge; the `^C` a terminal
/// echoes on Ctrl-C would then wrap onto a new line and strand the spinner above it.
#[derive(Debug)]
struct Narrow(Term);

impl TermLike for Narrow {
    fn width(&self) -> u16 {
        self.0.size().1.saturating_sub(3).max(1)
    }
    fn height(&self) -> u16 {
        self.0.size().0
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_up(n)
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_down(n)
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_right(n)
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_left(n)
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.0.write_line(s)
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.0.write_str(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.0.clear_line()
    }
    fn flush(&self) -> std::io::Result<()> {
        self.0.flush()
    }
}
