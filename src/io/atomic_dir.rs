//! Output folders that appear whole or not at all (contract §3), and that never replace
//! what ecograph did not write.
//!
//! - Everything is written into a hidden sibling folder (`.NAME.ecograph-tmp-PID`) that
//!   is swapped onto the target at the end: on Linux with one atomic
//!   `renameat2(RENAME_EXCHANGE)`, so at every instant the target is either the old
//!   folder or the new one, even under `kill -9`.
//! - Every folder ecograph writes carries a marker file, [`MARKER`]. `--overwrite`
//!   replaces only a folder with the marker (or an empty one); a regular file, any other
//!   folder, the input folder and any folder that contains the input are refused before
//!   any work starts.
//! - The staging folder is made first, before loading, so an output parent that cannot
//!   be written fails in the first millisecond, not after the computing.
//! - On an error the staging folder is removed when the guard drops; on Ctrl-C the
//!   binary calls [`remove_active`]; after a `kill -9` the next run removes the leftovers
//!   of dead processes ([`clean_leftovers`]).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// The file that marks a folder as written by ecograph. Hidden, so Spark, DuckDB globs
/// and BI tools reading the folder skip it.
pub const MARKER: &str = ".ecograph-output";

/// Staging folders of this process not yet committed (for the Ctrl-C handler).
static ACTIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A staging folder that becomes `target` on [`StagedDir::commit`].
#[derive(Debug)]
pub struct StagedDir {
    target: PathBuf,
    staging: PathBuf,
    overwrite: bool,
    committed: bool,
}

fn file_name(target: &Path) -> String {
    target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into())
}

fn parent_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn sibling(target: &Path, tag: &str) -> PathBuf {
    parent_of(target).join(format!(
        ".{}.ecograph-{tag}-{}",
        file_name(target),
        std::process::id()
    ))
}

/// `path` made absolute with symlinks resolved as far as it exists (the rest appended),
/// so that `in/..`, `./in` and a symlink to `in` all compare equal to `in`.
fn resolved(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("."))
            .join(path)
    };
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(p), Some(n)) => {
                rest.push(n.to_os_string());
                existing = p;
            }
            _ => return abs,
        }
    }
}

fn refused(target: &Path, reason: impl Into<String>) -> Error {
    Error::OutputRefused {
        path: target.to_path_buf(),
        reason: reason.into(),
    }
}

/// Whether `dir` is a folder ecograph wrote (it holds the marker).
pub fn is_ecograph_output(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

/// Whether ecograph may delete `dir`: it wrote it (the marker), or it is empty (nothing
/// to lose). The one rule every replace and clean-up goes by.
fn may_delete(dir: &Path) -> bool {
    is_ecograph_output(dir) || std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// Checks that `target` may be written, before any long work: it must not be any of
/// `protect` (the input folders) nor contain one; an existing target must be a folder
/// ecograph wrote (or an empty one), and is replaced only with `overwrite`.
pub fn check_target(target: &Path, overwrite: bool, protect: &[&Path]) -> Result<()> {
    let t = resolved(target);
    for p in protect {
        let p = resolved(p);
        if p == t {
            return Err(refused(
                target,
                "it is the input folder; choose another --out (ecograph never writes into its input)",
            ));
        }
        if p.starts_with(&t) {
            return Err(refused(
                target,
                format!(
                    "it contains the input folder {}; choose another --out",
                    p.display()
                ),
            ));
        }
    }
    let meta = match std::fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io("checking the output path", target, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(refused(
            target,
            "it is a symbolic link; give the real folder as --out",
        ));
    }
    if !meta.is_dir() {
        return Err(refused(
            target,
            "it is a file, not a folder; ecograph replaces only folders it wrote",
        ));
    }
    if !overwrite {
        return Err(Error::OutputExists(target.to_path_buf()));
    }
    std::fs::read_dir(target).map_err(|e| Error::io("reading the output folder", target, e))?;
    if !may_delete(target) {
        return Err(refused(
            target,
            format!(
                "it is not a folder ecograph wrote (it has no {MARKER} file), so --overwrite will not delete it; remove it yourself or choose another --out"
            ),
        ));
    }
    Ok(())
}

/// Whether a process with this id is running (Linux: `/proc/PID`; elsewhere assumed).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Removes what a killed run left beside `target`: its staging folders
/// (`.NAME.ecograph-tmp-PID`) and, should the target be missing, puts back a previous
/// output moved aside by the non-atomic fallback (`.NAME.ecograph-old-PID`). Only
/// folders of dead processes that carry the marker (or are empty) are touched.
pub fn clean_leftovers(target: &Path) -> Result<()> {
    let parent = parent_of(target);
    let prefix = format!(".{}.ecograph-", file_name(target));
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let mut leftovers: Vec<(String, PathBuf)> = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let Some((tag, pid)) = rest.split_once('-') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if (tag == "tmp" || tag == "old") && !alive(pid) {
            leftovers.push((tag.to_string(), e.path()));
        }
    }
    leftovers.sort();
    for (tag, path) in leftovers {
        if !path.is_dir() || !may_delete(&path) {
            continue;
        }
        if tag == "old" && !target.exists() {
            std::fs::rename(&path, target)
                .map_err(|e| Error::io("restoring the previous output folder", &path, e))?;
            continue;
        }
        std::fs::remove_dir_all(&path)
            .map_err(|e| Error::io("removing a leftover staging folder", &path, e))?;
    }
    Ok(())
}

/// Removes every staging folder of this process (the Ctrl-C handler calls this before
/// exiting, since destructors do not run then).
pub fn remove_active() {
    let active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
    for p in active.iter() {
        let _ = std::fs::remove_dir_all(p);
    }
}

impl StagedDir {
    /// Checks the target ([`check_target`]), cleans up after killed runs, and creates the
    /// staging folder with its marker, which proves the output parent is writable.
    pub fn create(target: &Path, overwrite: bool, protect: &[&Path]) -> Result<StagedDir> {
        clean_leftovers(target)?;
        check_target(target, overwrite, protect)?;
        let staging = sibling(target, "tmp");
        if staging.exists() {
            // Left by an earlier process that had our process id; removed only if it is
            // ecograph's (marked or empty), like every other leftover.
            if !may_delete(&staging) {
                return Err(refused(
                    target,
                    format!(
                        "{} is in the way and is not a folder ecograph wrote; remove it yourself",
                        staging.display()
                    ),
                ));
            }
            std::fs::remove_dir_all(&staging)
                .map_err(|e| Error::io("removing stale staging folder", &staging, e))?;
        }
        let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
        std::fs::create_dir_all(&staging)
            .map_err(|e| Error::io("creating the output folder", &staging, e))?;
        active.push(staging.clone());
        drop(active);
        let guard = StagedDir {
            target: target.to_path_buf(),
            staging,
            overwrite,
            committed: false,
        };
        let marker = format!(
            "{{\"written_by\": \"ecograph\", \"version\": \"{}\"}}\n",
            env!("CARGO_PKG_VERSION")
        );
        std::fs::write(guard.staging.join(MARKER), marker)
            .map_err(|e| Error::io("writing to the output folder", &guard.staging, e))?;
        Ok(guard)
    }

    /// Where files are written until commit.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Puts the staging folder in place of the target. An old target is replaced only
    /// now, atomically where the OS allows it.
    pub fn commit(mut self) -> Result<PathBuf> {
        // Held so that Ctrl-C cannot remove the staging folder halfway through.
        let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
        check_target(&self.target, self.overwrite, &[])?;
        let replaced = self.target.exists();
        if !replaced {
            std::fs::rename(&self.staging, &self.target)
                .map_err(|e| Error::io("renaming the finished output folder", &self.target, e))?;
        } else if exchange(&self.staging, &self.target).is_ok() {
            // The staging name now holds the old output: removed below.
        } else {
            // Not atomic: between the two renames the target is missing; a run killed
            // there leaves `.NAME.ecograph-old-PID`, which the next run puts back.
            let old = sibling(&self.target, "old");
            std::fs::rename(&self.target, &old)
                .map_err(|e| Error::io("moving aside the old output folder", &self.target, e))?;
            if let Err(e) = std::fs::rename(&self.staging, &self.target) {
                let _ = std::fs::rename(&old, &self.target);
                return Err(Error::io(
                    "renaming the finished output folder",
                    &self.target,
                    e,
                ));
            }
            std::fs::rename(&old, &self.staging)
                .map_err(|e| Error::io("removing the old output folder", &old, e))?;
        }
        self.committed = true;
        active.retain(|p| *p != self.staging);
        drop(active);
        if replaced {
            std::fs::remove_dir_all(&self.staging)
                .map_err(|e| Error::io("removing the old output folder", &self.staging, e))?;
        }
        Ok(self.target.clone())
    }
}

/// Swaps two folders in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
            let _ = std::fs::remove_dir_all(&self.staging);
            active.retain(|p| *p != self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn appears_whole_and_cleans_up() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        {
            let s = StagedDir::create(&target, false, &[]).unwrap();
            std::fs::write(s.path().join("a"), "x").unwrap();
            assert!(!target.exists());
        } // dropped without commit
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
        let s = StagedDir::create(&target, false, &[]).unwrap();
        std::fs::write(s.path().join("a"), "x").unwrap();
        s.commit().unwrap();
        assert!(target.join("a").exists() && is_ecograph_output(&target));
        assert!(matches!(
            StagedDir::create(&target, false, &[]),
            Err(Error::OutputExists(_))
        ));
        let s = StagedDir::create(&target, true, &[]).unwrap();
        std::fs::write(s.path().join("b"), "y").unwrap();
        s.commit().unwrap();
        assert!(target.join("b").exists() && !target.join("a").exists());
        assert_eq!(names(tmp.path()), vec!["out"]);
    }

    #[test]
    fn refuses_what_it_did_not_write() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("in");
        std::fs::create_dir_all(input.join("sub")).unwrap();
        std::fs::write(input.join("deals.csv"), "x").unwrap();
        let refused = |t: &Path| {
            matches!(
                StagedDir::create(t, true, &[&input]),
                Err(Error::OutputRefused { .. })
            )
        };
        assert!(refused(&input));
        assert!(refused(&input.join("sub/..")));
        assert!(refused(tmp.path()));
        assert!(refused(&input.join("deals.csv")));
        let other = tmp.path().join("other");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("keep.txt"), "mine").unwrap();
        assert!(refused(&other));
        // An empty folder holds nothing to lose; a folder inside the input is fine.
        let empty = tmp.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        StagedDir::create(&empty, true, &[&input])
            .unwrap()
            .commit()
            .unwrap();
        StagedDir::create(&input.join("results"), false, &[&input])
            .unwrap()
            .commit()
            .unwrap();
        assert_eq!(std::fs::read(other.join("keep.txt")).unwrap(), b"mine");
        assert_eq!(std::fs::read(input.join("deals.csv")).unwrap(), b"x");
        assert_eq!(names(tmp.path()), vec!["empty", "in", "other"]);
    }

    #[test]
    fn leftovers_of_dead_runs_are_cleaned_and_an_old_output_put_back() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        // pid 0 is never a user process: a dead run's staging folder and moved-aside output.
        let dead_tmp = tmp.path().join(".out.ecograph-tmp-0");
        let dead_old = tmp.path().join(".out.ecograph-old-0");
        let foreign = tmp.path().join(".out.ecograph-tmp-1x");
        for d in [&dead_tmp, &dead_old, &foreign] {
            std::fs::create_dir(d).unwrap();
            std::fs::write(d.join(MARKER), "").unwrap();
        }
        std::fs::write(dead_old.join("partner_metrics.parquet"), "old").unwrap();
        clean_leftovers(&target).unwrap();
        assert_eq!(names(tmp.path()), vec![".out.ecograph-tmp-1x", "out"]);
        assert_eq!(
            std::fs::read(target.join("partner_metrics.parquet")).unwrap(),
            b"old"
        );
        // A folder named like our own staging folder but without the marker is not ours.
        let ours = tmp
            .path()
            .join(format!(".out.ecograph-tmp-{}", std::process::id()));
        std::fs::create_dir(&ours).unwrap();
        std::fs::write(ours.join("notes.txt"), "mine").unwrap();
        assert!(matches!(
            StagedDir::create(&target, true, &[]),
            Err(Error::OutputRefused { .. })
        ));
        assert!(ours.join("notes.txt").exists());
        std::fs::remove_dir_all(&ours).unwrap();
        // A folder without the marker is not ours, whatever its name.
        let unmarked = tmp.path().join(".out.ecograph-tmp-0");
        std::fs::create_dir(&unmarked).unwrap();
        std::fs::write(unmarked.join("notes.txt"), "mine").unwrap();
        clean_leftovers(&target).unwrap();
        assert!(unmarked.join("notes.txt").exists());
    }
}
