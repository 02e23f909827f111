//! One output file (the review page, the scorecards) written whole or not at all, by the
//! same path rule and never-replace rule as an output folder ([`crate::io::out::atomic_dir`]).
//!
//! The target is made absolute and normalized lexically ([`out_path::absolute`]),
//! refused when it is or holds a protected path, a folder, or a symbolic link (even a
//! broken one: replacing a link would write where the user did not point), and
//! replaced only when the caller recognizes it as its own. Missing parent folders are
//! created, as `analyze` creates them for its output folder. The bytes go to a hidden
//! `.NAME.ecograph-partial-PID` beside the target, registered for the signal handler,
//! and are renamed into place; partial files of dead processes beside the target are
//! removed first. When the file lands in an ecograph output folder it is added to that
//! folder's list of files, so a later `--overwrite` knows it as ecograph's.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::io::out::atomic_dir::{self, Protected};
use crate::io::out::out_path::{self, refused};

/// Writes `bytes` to `out` (see the module docs). `ours` tells whether an existing file
/// at the target is one ecograph wrote and may replace; `hint` is the file name the
/// refusal of a folder suggests (`review.html`). Returns `out` as given.
pub fn write_file(
    out: &Path,
    bytes: &[u8],
    protect: &[Protected],
    ours: impl Fn(&Path) -> bool,
    hint: &str,
) -> Result<PathBuf> {
    let target = out_path::absolute(out)?;
    check(&target, out, protect, &ours, hint)?;
    let parent = out_path::parent_of(&target).to_path_buf();
    std::fs::create_dir_all(&parent).map_err(|e| Error::io("creating the folder of", out, e))?;
    for (tag, leftover) in out_path::leftovers_of_dead_processes(&target) {
        if tag == "partial" && leftover.is_file() {
            std::fs::remove_file(&leftover)
                .map_err(|e| Error::io("removing a leftover partial file", &leftover, e))?;
        }
    }
    let tmp = out_path::leftover_name(&target, "partial");
    out_path::with_active(|active| active.push(tmp.clone()));
    let written = std::fs::write(&tmp, bytes)
        .map_err(|e| Error::io("writing", out, e))
        .and_then(|()| {
            out_path::with_active(|active| {
                check(&target, out, protect, &ours, hint)?;
                std::fs::rename(&tmp, &target).map_err(|e| Error::io("writing", out, e))?;
                active.retain(|p| *p != tmp);
                Ok(())
            })
        });
    if written.is_err() {
        out_path::with_active(|active| {
            let _ = std::fs::remove_file(&tmp);
            active.retain(|p| *p != tmp);
        });
    }
    written?;
    atomic_dir::record_written(&parent, &out_path::file_name(&target))?;
    Ok(out.to_path_buf())
}

fn check(
    target: &Path,
    shown: &Path,
    protect: &[Protected],
    ours: &impl Fn(&Path) -> bool,
    hint: &str,
) -> Result<()> {
    let Some(meta) = out_path::existing(target, shown, protect)? else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        return Err(refused(
            shown,
            "it is a symbolic link, which ecograph does not replace; give the real file as --out",
        ));
    }
    if meta.is_dir() {
        return Err(refused(
            shown,
            format!("it is a folder; give a file name such as {hint}"),
        ));
    }
    if !meta.is_file() || !ours(target) {
        return Err(refused(
            shown,
            "it is a file ecograph did not write, so it is not replaced; remove it yourself or \
             choose another --out",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(p: &Path) -> bool {
        std::fs::read(p).is_ok_and(|b| b.starts_with(b"ecograph"))
    }

    #[test]
    fn writes_whole_creates_folders_and_refuses_what_is_not_ours() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("new/sub/r.html");
        write_file(&out, b"ecograph 1", &[], ours, "r.html").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"ecograph 1");
        write_file(&out, b"ecograph 2", &[], ours, "r.html").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"ecograph 2");
        let theirs = tmp.path().join("theirs.html");
        std::fs::write(&theirs, "mine").unwrap();
        assert!(write_file(&theirs, b"ecograph", &[], ours, "r.html").is_err());
        assert_eq!(std::fs::read(&theirs).unwrap(), b"mine");
        let broken = tmp.path().join("broken.html");
        std::os::unix::fs::symlink(tmp.path().join("nowhere"), &broken).unwrap();
        assert!(write_file(&broken, b"ecograph", &[], ours, "r.html").is_err());
        assert!(std::fs::symlink_metadata(&broken)
            .unwrap()
            .file_type()
            .is_symlink());
        // A dead run's partial file beside the target is removed by the next write.
        let dead = tmp.path().join("new/sub/.r.html.ecograph-partial-0");
        std::fs::write(&dead, "half").unwrap();
        write_file(&out, b"ecograph 3", &[], ours, "r.html").unwrap();
        assert!(!dead.exists());
        let mut names: Vec<_> = std::fs::read_dir(tmp.path().join("new/sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, vec!["r.html"]);
    }
}
