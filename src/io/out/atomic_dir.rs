//! Output folders that appear whole or not at all (contract §3), and that never replace
//! what ecograph did not write.
//!
//! - The target is taken by the one path rule of [`crate::io::out::out_path`]: made absolute
//!   and normalized lexically before any check, never an input folder, the config file
//!   or a folder holding one, checked before any work and again at commit with the same
//!   list.
//! - Everything is written into a hidden sibling folder (`.NAME.ecograph-tmp-PID`) that
//!   is swapped onto the target at the end: on Linux with one atomic
//!   `renameat2(RENAME_EXCHANGE)`, so at every instant the target is either the old
//!   folder or the new one, even under `kill -9`.
//! - Every folder ecograph writes carries a marker file, [`MARKER`], that lists the
//!   files ecograph put there (`report` adds its page when it writes into the folder).
//!   `--overwrite` replaces only a folder with the marker that holds nothing else (or
//!   an empty one): a file a user added, a regular file, any other folder, the input
//!   folder and any folder that contains the input are refused before any work starts.
//! - The staging folder is made first, before loading, so an output parent that cannot
//!   be written fails in the first millisecond, not after the computing.
//! - On an error the staging folder is removed when the guard drops; on Ctrl-C, SIGTERM
//!   or SIGHUP the binary calls [`remove_active`]; after a `kill -9` the next run
//!   removes the leftovers of dead processes ([`clean_leftovers`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::io::out::out_path::{self, refused};
pub use crate::io::out::out_path::{remove_active, Protected};

/// The file that marks a folder as written by ecograph. Hidden, so Spark, DuckDB globs
/// and BI tools reading the folder skip it.
pub const MARKER: &str = ".ecograph-output";

/// What the marker holds: who wrote the folder and which files it put there.
#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    written_by: String,
    version: String,
    /// The entries ecograph wrote, sorted; absent in folders written before the list
    /// was kept (then only files of the kinds ecograph writes count as its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    files: Option<BTreeSet<String>>,
}

impl Marker {
    fn new(files: Option<BTreeSet<String>>) -> Marker {
        Marker {
            written_by: "ecograph".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            files,
        }
    }

    fn read(dir: &Path) -> Option<Marker> {
        let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
        serde_json::from_str(&text).ok()
    }

    fn text(&self) -> String {
        let mut s = serde_json::to_string(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Extensions of the files ecograph writes into an output folder: what counts as its
/// own in a folder whose marker predates the list of files.
const OWN_EXTENSIONS: [&str; 6] = ["parquet", "arrow", "csv", "json", "html", "graphml"];

/// A staging folder that becomes `target` on [`StagedDir::commit`].
#[derive(Debug)]
pub struct StagedDir {
    /// Absolute and normalized ([`out_path::absolute`]): what is checked and written.
    target: PathBuf,
    /// As the user gave it, for messages and the return of [`StagedDir::commit`].
    shown: PathBuf,
    staging: PathBuf,
    overwrite: bool,
    protect: Vec<Protected>,
    committed: bool,
}

/// Whether `dir` is a folder ecograph wrote (it holds the marker).
pub fn is_ecograph_output(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

/// Whether ecograph may delete the leftover folder `dir` of a dead run: it wrote it
/// (the marker), or it is empty (nothing to lose).
fn may_delete(dir: &Path) -> bool {
    is_ecograph_output(dir) || is_empty(dir)
}

fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// The entries of the ecograph output `dir` (the marker and leftovers of ecograph runs
/// left out), each with whether ecograph wrote it (in its marker's list, or, for a
/// marker without one, a regular file of a kind ecograph writes) and whether it is a
/// regular file (a link is not).
fn entries(dir: &Path) -> std::io::Result<Vec<(String, bool, bool)>> {
    let listed = Marker::read(dir).and_then(|m| m.files);
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name == MARKER || out_path::parse_leftover(&name).is_some() {
            continue;
        }
        let is_file = e.file_type()?.is_file();
        let own = match &listed {
            Some(files) => files.contains(&name),
            None => {
                is_file
                    && Path::new(&name)
                        .extension()
                        .and_then(|x| x.to_str())
                        .is_some_and(|x| OWN_EXTENSIONS.contains(&x))
            }
        };
        out.push((name, own, is_file));
    }
    out.sort();
    Ok(out)
}

/// The entries of the ecograph output `dir` that ecograph did not write (sorted), and
/// not a leftover of an ecograph run.
fn foreign_entries(dir: &Path) -> std::io::Result<Vec<String>> {
    Ok(entries(dir)?
        .into_iter()
        .filter(|(_, own, _)| !own)
        .map(|(name, _, _)| name)
        .collect())
}

/// The regular files of the ecograph output `dir` that ecograph wrote (sorted; not the
/// marker): what may be carried into another output folder
/// ([`crate::results::Results::write_as`]), never a file a user added nor a link.
pub fn written_files(dir: &Path) -> std::io::Result<Vec<String>> {
    Ok(entries(dir)?
        .into_iter()
        .filter(|(_, own, is_file)| *own && *is_file)
        .map(|(name, _, _)| name)
        .collect())
}

/// Checks that `target` (normalized by [`out_path::absolute`]; `shown` as the user gave
/// it) may be written, before any long work: it must not be any of `protect` nor
/// contain one; an existing target must be a folder ecograph wrote holding only what it
/// wrote (or an empty folder), and is replaced only with `overwrite`.
fn check_target(target: &Path, shown: &Path, overwrite: bool, protect: &[Protected]) -> Result<()> {
    let Some(meta) = out_path::existing(target, shown, protect)? else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        return Err(refused(
            shown,
            "it is a symbolic link; give the real folder as --out",
        ));
    }
    if !meta.is_dir() {
        return Err(refused(
            shown,
            "it is a file, not a folder; ecograph replaces only folders it wrote",
        ));
    }
    if !overwrite {
        return Err(Error::OutputExists(shown.to_path_buf()));
    }
    std::fs::read_dir(target).map_err(|e| Error::io("reading the output folder", shown, e))?;
    if is_empty(target) {
        return Ok(());
    }
    if !is_ecograph_output(target) {
        return Err(refused(
            shown,
            format!(
                "it is not a folder ecograph wrote (it has no {MARKER} file), so --overwrite will not delete it; remove it yourself or choose another --out"
            ),
        ));
    }
    let foreign =
        foreign_entries(target).map_err(|e| Error::io("reading the output folder", shown, e))?;
    if !foreign.is_empty() {
        const SHOWN: usize = 5;
        let mut list = foreign
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if foreign.len() > SHOWN {
            list.push_str(&format!(" and {} more", foreign.len() - SHOWN));
        }
        return Err(refused(
            shown,
            format!(
                "it holds files ecograph did not write ({list}); --overwrite replaces only what ecograph wrote, so move them out or choose another --out"
            ),
        ));
    }
    Ok(())
}

/// Removes what a killed run left beside `target`: its staging folders
/// (`.NAME.ecograph-tmp-PID`) and, should the target be missing, puts back a previous
/// output moved aside by the non-atomic fallback (`.NAME.ecograph-old-PID`). Only
/// folders of dead processes that carry the marker (or are empty) are touched.
pub fn clean_leftovers(target: &Path) -> Result<()> {
    for (tag, path) in out_path::leftovers_of_dead_processes(target) {
        if (tag != "tmp" && tag != "old") || !path.is_dir() || !may_delete(&path) {
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

/// Adds `name` to the list of files in the marker of the ecograph output `dir`, when
/// it has one (`report` calls this after writing its page into a results folder, so a
/// later `--overwrite` knows the page is ecograph's). Other folders are left alone.
pub fn record_written(dir: &Path, name: &str) -> Result<()> {
    let Some(mut marker) = Marker::read(dir) else {
        return Ok(());
    };
    let Some(files) = marker.files.as_mut() else {
        return Ok(());
    };
    if !files.insert(name.to_string()) {
        return Ok(());
    }
    let tmp = dir.join(format!("{MARKER}.ecograph-partial-{}", std::process::id()));
    let written =
        std::fs::write(&tmp, marker.text()).and_then(|()| std::fs::rename(&tmp, dir.join(MARKER)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(|e| Error::io("updating the output folder's marker", dir, e))
}

impl StagedDir {
    /// Takes `target` by the path rule, checks it (see the module docs), cleans up
    /// after killed runs, and creates the staging folder with its marker, which proves
    /// the output parent is writable.
    pub fn create(target: &Path, overwrite: bool, protect: &[Protected]) -> Result<StagedDir> {
        let shown = target.to_path_buf();
        let target = out_path::absolute(target)?;
        out_path::check_protected(&target, &shown, protect)?;
        clean_leftovers(&target)?;
        check_target(&target, &shown, overwrite, protect)?;
        let staging = out_path::leftover_name(&target, "tmp");
        if staging.exists() {
            // Left by an earlier process that had our process id; removed only if it is
            // ecograph's (marked or empty), like every other leftover.
            if !may_delete(&staging) {
                return Err(refused(
                    &shown,
                    format!(
                        "{} is in the way and is not a folder ecograph wrote; remove it yourself",
                        staging.display()
                    ),
                ));
            }
            std::fs::remove_dir_all(&staging)
                .map_err(|e| Error::io("removing stale staging folder", &staging, e))?;
        }
        out_path::with_active(|active| {
            std::fs::create_dir_all(&staging)
                .map_err(|e| Error::io("creating the output folder", &staging, e))?;
            active.push(staging.clone());
            Ok::<(), Error>(())
        })?;
        let guard = StagedDir {
            target,
            shown,
            staging,
            overwrite,
            protect: protect.to_vec(),
            committed: false,
        };
        std::fs::write(guard.staging.join(MARKER), Marker::new(None).text())
            .map_err(|e| Error::io("writing to the output folder", &guard.staging, e))?;
        Ok(guard)
    }

    /// Where files are written until commit.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Puts the staging folder in place of the target (checked again, against the same
    /// protected paths) with the list of its files in the marker. An old target is
    /// replaced only now, atomically where the OS allows it. Returns the target as the
    /// user gave it.
    pub fn commit(mut self) -> Result<PathBuf> {
        // Held so that a signal cannot remove the staging folder halfway through.
        out_path::with_active(|active| {
            check_target(&self.target, &self.shown, self.overwrite, &self.protect)?;
            self.write_file_list()?;
            let replaced = self.target.exists();
            if !replaced {
                std::fs::rename(&self.staging, &self.target).map_err(|e| {
                    Error::io("renaming the finished output folder", &self.shown, e)
                })?;
            } else if exchange(&self.staging, &self.target).is_ok() {
                // The staging name now holds the old output: removed below.
            } else {
                // Not atomic: between the two renames the target is missing; a run
                // killed there leaves `.NAME.ecograph-old-PID`, which the next run
                // puts back.
                let old = out_path::leftover_name(&self.target, "old");
                std::fs::rename(&self.target, &old)
                    .map_err(|e| Error::io("moving aside the old output folder", &self.shown, e))?;
                if let Err(e) = std::fs::rename(&self.staging, &self.target) {
                    let _ = std::fs::rename(&old, &self.target);
                    return Err(Error::io(
                        "renaming the finished output folder",
                        &self.shown,
                        e,
                    ));
                }
                std::fs::rename(&old, &self.staging)
                    .map_err(|e| Error::io("removing the old output folder", &old, e))?;
            }
            self.committed = true;
            active.retain(|p| *p != self.staging);
            Ok::<bool, Error>(replaced)
        })
        .and_then(|replaced| {
            if replaced {
                std::fs::remove_dir_all(&self.staging)
                    .map_err(|e| Error::io("removing the old output folder", &self.staging, e))?;
            }
            Ok(self.shown.clone())
        })
    }

    /// Rewrites the staging folder's marker with the names of what it holds.
    fn write_file_list(&self) -> Result<()> {
        let fail = |e| Error::io("listing the output folder", &self.staging, e);
        let mut files = BTreeSet::new();
        for e in std::fs::read_dir(&self.staging).map_err(fail)? {
            let name = e.map_err(fail)?.file_name().to_string_lossy().into_owned();
            if name != MARKER {
                files.insert(name);
            }
        }
        std::fs::write(self.staging.join(MARKER), Marker::new(Some(files)).text())
            .map_err(|e| Error::io("writing to the output folder", &self.staging, e))
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
            out_path::with_active(|active| {
                let _ = std::fs::remove_dir_all(&self.staging);
                active.retain(|p| *p != self.staging);
            });
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
                StagedDir::create(t, true, &[Protected::input_folder(&input)]),
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
        StagedDir::create(&empty, true, &[Protected::input_folder(&input)])
            .unwrap()
            .commit()
            .unwrap();
        StagedDir::create(
            &input.join("results"),
            false,
            &[Protected::input_folder(&input)],
        )
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
