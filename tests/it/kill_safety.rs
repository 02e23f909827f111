//! `kill -9` at a random instant of `analyze` must never leave a partial output folder
//! nor lose the previous one (contract §3): black-box, on the binary.
//!
//! - `ECOGRAPH_KILL_PARTNERS`: partners of the generated input (default 2000);
//! - `ECOGRAPH_KILL_DEALS`: deals (default 15 x partners);
//! - `ECOGRAPH_KILL_RUNS`: kills during runs that replace an output (default 8);
//! - `ECOGRAPH_KILL_SEED`: seed of the kill instants (default 7).
//!
//! After every kill: `out` is the complete baseline (same input, so the same bytes; the
//! summary compared without its timings), the input is untouched, and anything else
//! beside `out` is a hidden `.out.ecograph-*` leftover. The next `--overwrite` run then
//! succeeds, rewrites the baseline and removes the leftovers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{ecograph, names, ok, stderr};
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

const SUMMARY: &str = "ecosystem_summary.json";

/// `v` without any `timings_s` member (the only part of a run that varies).
fn drop_timings(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("timings_s");
            m.values_mut().for_each(drop_timings);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(drop_timings),
        _ => {}
    }
}

/// Every file under `dir` (relative path) -> SHA-256 of its bytes; the summary is hashed
/// as JSON without its timings. A summary that is not JSON is recorded as such.
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                out.insert(format!("{rel}/"), "folder".into());
                walk(root, &p, out);
                continue;
            }
            let mut h = Sha256::new();
            let len = if rel == SUMMARY {
                let bytes = std::fs::read(&p).unwrap();
                match serde_json::from_slice::<serde_json::Value>(&bytes) {
                    Ok(mut v) => {
                        drop_timings(&mut v);
                        let norm = serde_json::to_vec(&v).unwrap();
                        h.update(&norm);
                        norm.len() as u64
                    }
                    Err(e) => {
                        out.insert(rel, format!("not JSON ({e}), {} bytes", bytes.len()));
                        continue;
                    }
                }
            } else {
                let mut f = std::fs::File::open(&p).unwrap();
                std::io::copy(&mut f, &mut h).unwrap()
            };
            let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
            out.insert(rel, format!("{hex} ({len} bytes)"));
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Describes how `got` differs from `want` (empty when equal).
fn differences(want: &BTreeMap<String, String>, got: &BTreeMap<String, String>) -> Vec<String> {
    let mut d = Vec::new();
    for (k, v) in want {
        match got.get(k) {
            None => d.push(format!("missing {k}")),
            Some(g) if g != v => d.push(format!("changed {k}: {g}, expected {v}")),
            Some(_) => {}
        }
    }
    for k in got.keys().filter(|k| !want.contains_key(*k)) {
        d.push(format!("unexpected {k}"));
    }
    d
}

fn names_in(dir: &Path) -> BTreeSet<String> {
    names(dir).into_iter().collect()
}

struct Setup {
    parent: PathBuf,
    input: PathBuf,
    out: PathBuf,
    input_files: BTreeMap<String, String>,
    baseline: BTreeMap<String, String>,
}

impl Setup {
    fn analyze_args(&self, overwrite: bool) -> Vec<String> {
        let mut a = vec![
            "analyze".to_string(),
            self.input.display().to_string(),
            "--out".into(),
            self.out.display().to_string(),
        ];
        if overwrite {
            a.push("--overwrite".into());
        }
        a
    }

    /// Runs analyze to completion; must succeed.
    fn complete_run(&self, overwrite: bool, what: &str) -> f64 {
        let args = self.analyze_args(overwrite);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let t = Instant::now();
        let o = ecograph(&args);
        let secs = t.elapsed().as_secs_f64();
        assert!(
            o.status.success(),
            "{what}: analyze failed ({:?}):\n{}",
            o.status.code(),
            stderr(&o)
        );
        secs
    }

    /// Spawns analyze and SIGKILLs it after `delay`; returns whether it was still running.
    fn killed_run(&self, overwrite: bool, delay: Duration) -> (bool, Option<i32>) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ecograph"))
            .args(self.analyze_args(overwrite))
            .arg("--quiet")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs");
        std::thread::sleep(delay);
        let running = child.try_wait().unwrap().is_none();
        if running {
            child.kill().expect("SIGKILL"); // SIGKILL on Unix
        }
        let status = child.wait().unwrap();
        (running, status.code())
    }

    /// Checks the state right after a kill. `out_required`: a previous output existed.
    fn check_after_kill(&self, round: &str, out_required: bool) {
        if self.out.exists() {
            let d = differences(&self.baseline, &snapshot(&self.out));
            assert!(
                d.is_empty(),
                "{round}: the output folder is not the complete baseline:\n  {}",
                d.join("\n  ")
            );
        } else {
            assert!(!out_required, "{round}: the previous output folder is gone");
        }
        let d = differences(&self.input_files, &snapshot(&self.input));
        assert!(
            d.is_empty(),
            "{round}: the input changed:\n  {}",
            d.join("\n  ")
        );
        let strays: Vec<String> = names_in(&self.parent)
            .into_iter()
            .filter(|n| n != "in" && n != "out" && !n.starts_with(".out.ecograph-"))
            .collect();
        assert!(
            strays.is_empty(),
            "{round}: unexpected entries beside the output: {strays:?}"
        );
    }

    /// Checks the state after a completed run: the baseline and nothing else.
    fn check_clean(&self, round: &str) {
        let d = differences(&self.baseline, &snapshot(&self.out));
        assert!(
            d.is_empty(),
            "{round}: the re-run's output differs from the baseline:\n  {}",
            d.join("\n  ")
        );
        let d = differences(&self.input_files, &snapshot(&self.input));
        assert!(
            d.is_empty(),
            "{round}: the input changed:\n  {}",
            d.join("\n  ")
        );
        let left = names_in(&self.parent);
        let want: BTreeSet<String> = ["in", "out"].iter().map(|s| s.to_string()).collect();
        assert_eq!(
            left, want,
            "{round}: leftovers of killed runs not cleaned up"
        );
    }
}

#[test]
fn sigkill_never_leaves_partial_output_nor_loses_the_previous_one() {
    let partners = env_usize("ECOGRAPH_KILL_PARTNERS", 2000);
    let deals = env_usize("ECOGRAPH_KILL_DEALS", 15 * partners);
    let runs = env_usize("ECOGRAPH_KILL_RUNS", 8);
    let seed = env_usize("ECOGRAPH_KILL_SEED", 7) as u64;
    let tmp = tempfile::tempdir().unwrap();
    let parent = tmp.path().to_path_buf();
    let input = parent.join("in");
    let t = Instant::now();
    ok(&ecograph(&[
        "generate",
        "--out",
        input.to_str().unwrap(),
        "--partners",
        &partners.to_string(),
        "--deals",
        &deals.to_string(),
        "--seed",
        "7",
    ]));
    eprintln!(
        "kill: generated {partners} partners, {deals} deals in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut s = Setup {
        out: parent.join("out"),
        input_files: snapshot(&input),
        input,
        parent,
        baseline: BTreeMap::new(),
    };
    let base_secs = s.complete_run(false, "baseline");
    s.baseline = snapshot(&s.out);
    assert!(
        s.baseline.contains_key(SUMMARY) && s.baseline.len() > 3,
        "baseline output looks incomplete: {:?}",
        s.baseline.keys().collect::<Vec<_>>()
    );
    s.check_clean("baseline");
    eprintln!(
        "kill: baseline analyze took T = {base_secs:.2} s, {} files",
        s.baseline.len()
    );
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut delay = || Duration::from_secs_f64(rng.random_range(0.0..=1.2 * base_secs));

    // A kill during a first-ever run (no previous output).
    std::fs::remove_dir_all(&s.out).unwrap();
    let d = delay();
    let (killed, code) = s.killed_run(false, d);
    let existed = s.out.exists();
    eprintln!(
        "kill: first run: after {:.3} s: {} ; out {}",
        d.as_secs_f64(),
        if killed {
            "killed".to_string()
        } else {
            format!("had finished ({code:?})")
        },
        if existed { "complete" } else { "absent" }
    );
    s.check_after_kill("first run", false);
    s.complete_run(existed, "run after the killed first run");
    s.check_clean("run after the killed first run");

    // Kills during runs that replace a previous output.
    let mut killed_count = 0;
    for k in 1..=runs {
        let d = delay();
        let (killed, code) = s.killed_run(true, d);
        killed_count += usize::from(killed);
        let left: Vec<String> = names_in(&s.parent)
            .into_iter()
            .filter(|n| n != "in" && n != "out")
            .collect();
        eprintln!(
            "kill: run {k}/{runs}: after {:.3} s: {} ; leftovers {left:?}",
            d.as_secs_f64(),
            if killed {
                "killed".to_string()
            } else {
                format!("had finished ({code:?})")
            },
        );
        let round = format!("kill {k} at {:.3} s", d.as_secs_f64());
        s.check_after_kill(&round, true);
        s.complete_run(true, &format!("{round}: next --overwrite run"));
        s.check_clean(&format!("{round}: next --overwrite run"));
    }
    eprintln!(
        "kill: {killed_count} of {runs} replacing runs killed mid-run (+ the first run), T = {base_secs:.2} s: output always whole, input untouched"
    );
}
