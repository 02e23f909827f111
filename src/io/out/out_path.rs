//! The one path rule of every command that writes (`analyze`, `generate`, `report`,
//! `compare`), and the registry of what a run has half written.
//!
//! A target path from the command line is hostile until checked. It is taken in three
//! steps, and every later step works on the result of the one before:
//!
//! 1. [`absolute`]: made absolute against the current folder and normalized
//!    *lexically*: `.` dropped, `..` removing the component before it, as a shell's
//!    `cd` does. `nosuch/../gen` is `gen`, whether or not `nosuch` exists, and
//!    `in/x/..` is `in`. This normalized path is the one that is both checked and
//!    written, so what is checked is what is written.
//! 2. [`resolved`]: the normalized path with symbolic links resolved as far as it
//!    exists (the missing rest appended), which is where the operating system will put
//!    it. It is what is compared with the protected paths, resolved the same way, so
//!    `link-to-in` and `./in` are `in`.
//! 3. [`check_protected`]: the target may be neither a protected path (an input
//!    folder, the config file) nor a folder that contains one. Commands check it before
//!    any work starts and again, with the same list, just before the result is put in
//!    place.
//!
//! Half-written output (staging folders, partial files) is named
//! `.NAME.ecograph-TAG-PID` beside its target (`leftover_name`); the staging guards
//! register it here so that a signal handler can remove it ([`remove_active`]), and
//! the next run of the same command removes what dead processes left
//! (`leftovers_of_dead_processes`).

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// A path a command must never replace, delete or write over: an input folder or file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    /// As given on the command line (for messages).
    path: PathBuf,
    /// What it is, in a message's words (`input folder`, `config file`).
    what: &'static str,
}

impl Protected {
    /// An input folder of the command (`analyze IN`, `compare OLD NEW`, `report RESULTS`).
    pub fn input_folder(path: &Path) -> Protected {
        Protected {
            path: path.to_path_buf(),
            what: "input folder",
        }
    }

    /// The `--config` file of the run.
    pub fn config_file(path: &Path) -> Protected {
        Protected {
            path: path.to_path_buf(),
            what: "config file",
        }
    }
}

/// `path` made absolute against the current folder, with `.` and `..` resolved
/// lexically (no symbolic link is followed, nothing needs to exist). `..` at the root
/// stays at the root, as it does in the file system.
pub fn absolute(path: &Path) -> Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        let cwd = std::env::current_dir()
            .map_err(|e| Error::io("finding the current folder for", path, e))?;
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => out.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => out.push(n),
        }
    }
    Ok(out)
}

/// Where the operating system puts `path`: [`absolute`], then symbolic links resolved
/// in the longest prefix that exists, the rest appended. Comparing two resolved paths
/// tells whether they name the same place.
pub fn resolved(path: &Path) -> PathBuf {
    let abs = absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest: Vec<OsString> = Vec::new();
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

/// Refuses `target` (a normalized path from [`absolute`]; `shown` is the path as the
/// user gave it, for the message) when it is a protected path or contains one.
pub fn check_protected(target: &Path, shown: &Path, protect: &[Protected]) -> Result<()> {
    let t = resolved(target);
    for p in protect {
        let r = resolved(&p.path);
        if r == t {
            return Err(refused(
                shown,
                format!(
                    "it is the {}{}; choose another --out (ecograph never writes into its input)",
                    p.what,
                    if p.what == "input folder" {
                        String::new()
                    } else {
                        format!(" {}", p.path.display())
                    }
                ),
            ));
        }
        if r.starts_with(&t) {
            return Err(refused(
                shown,
                format!(
                    "it contains the {} {}; choose another --out",
                    p.what,
                    r.display()
                ),
            ));
        }
    }
    Ok(())
}

/// What is at `target` now, after checking it is no protected path ([`check_protected`]):
/// None when nothing is there, the link's own metadata when it is a symbolic link.
pub(crate) fn existing(
    target: &Path,
    shown: &Path,
    protect: &[Protected],
) -> Result<Option<std::fs::Metadata>> {
    check_protected(target, shown, protect)?;
    match std::fs::symlink_metadata(target) {
        Ok(m) => Ok(Some(m)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("checking the output path", shown, e)),
    }
}

/// The error for a target that may not be written.
pub(crate) fn refused(shown: &Path, reason: impl Into<String>) -> Error {
    Error::OutputRefused {
        path: shown.to_path_buf(),
        reason: reason.into(),
    }
}

/// The last component of `target`, or `out` for a path without one.
pub(crate) fn file_name(target: &Path) -> String {
    target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into())
}

/// The folder `target` is in (`.` for a bare name).
pub(crate) fn parent_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The hidden name of half-written output beside `target`: `.NAME.ecograph-TAG-PID`,
/// for this process. Tags: `tmp` (a staging folder), `old` (a previous output moved
/// aside), `partial` (a page being written).
pub(crate) fn leftover_name(target: &Path, tag: &str) -> PathBuf {
    parent_of(target).join(format!(
        ".{}.ecograph-{tag}-{}",
        file_name(target),
        std::process::id()
    ))
}

/// The tag and process id of a name made by [`leftover_name`] for any target, if it is
/// one (`.report.html.ecograph-partial-4711` -> `("partial", 4711)`).
pub(crate) fn parse_leftover(name: &str) -> Option<(&str, u32)> {
    let rest = name.strip_prefix('.')?;
    let at = rest.rfind(".ecograph-")?;
    let (tag, pid) = rest[at + ".ecograph-".len()..].split_once('-')?;
    let pid = pid.parse::<u32>().ok()?;
    matches!(tag, "tmp" | "old" | "partial").then_some((tag, pid))
}

/// The leftovers of dead processes beside `target` (`.NAME.ecograph-TAG-PID` with
/// this target's NAME), sorted by name, with their tags.
pub(crate) fn leftovers_of_dead_processes(target: &Path) -> Vec<(String, PathBuf)> {
    let prefix = format!(".{}.ecograph-", file_name(target));
    let Ok(entries) = std::fs::read_dir(parent_of(target)) else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(&prefix) {
                return None;
            }
            let (tag, pid) = parse_leftover(&name)?;
            (!alive(pid)).then(|| (tag.to_string(), e.path()))
        })
        .collect();
    found.sort_by(|a, b| a.1.cmp(&b.1));
    found
}

/// Whether a process with this id is running (Linux: `/proc/PID`; elsewhere assumed).
pub(crate) fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Half-written output of this process not yet in place (for the signal handler).
static ACTIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Runs `f` with the registry of half-written paths locked: a signal handler's
/// [`remove_active`] waits until `f` is done, so a commit is never cut in half.
pub(crate) fn with_active<T>(f: impl FnOnce(&mut Vec<PathBuf>) -> T) -> T {
    let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut active)
}

/// Removes a file, or a folder and what it holds; a missing path is no error.
pub(crate) fn remove_path(p: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(p),
        Ok(_) => std::fs::remove_file(p),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Removes every staging folder and partial file of this process. The binary's
/// handler of Ctrl-C, SIGTERM and SIGHUP calls this before exiting, since destructors
/// do not run then.
pub fn remove_active() {
    with_active(|active| {
        for p in active.iter() {
            let _ = remove_path(p);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_dot_is_lexical_and_nothing_needs_to_exist() {
        let a = absolute(Path::new("/a/nosuch/../gen")).unwrap();
        assert_eq!(a, PathBuf::from("/a/gen"));
        assert_eq!(
            absolute(Path::new("/in/x/..")).unwrap(),
            PathBuf::from("/in")
        );
        assert_eq!(
            absolute(Path::new("/../../x")).unwrap(),
            PathBuf::from("/x")
        );
        assert_eq!(
            absolute(Path::new("/a/./b/.")).unwrap(),
            PathBuf::from("/a/b")
        );
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(absolute(Path::new("x/../y")).unwrap(), cwd.join("y"));
    }

    #[test]
    fn a_target_is_refused_when_it_is_or_holds_a_protected_path() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("in");
        std::fs::create_dir_all(input.join("x")).unwrap();
        let cfg = tmp.path().join("cfg").join("c.toml");
        std::fs::create_dir_all(cfg.parent().unwrap()).unwrap();
        std::fs::write(&cfg, "").unwrap();
        let protect = [
            Protected::input_folder(&input),
            Protected::config_file(&cfg),
        ];
        let check = |p: PathBuf| check_protected(&absolute(&p).unwrap(), &p, &protect);
        for bad in [
            input.join("x/.."),
            tmp.path().join("nosuch/../in"),
            tmp.path().to_path_buf(),
            tmp.path().join("cfg"),
            cfg.clone(),
        ] {
            assert!(
                matches!(check(bad.clone()), Err(Error::OutputRefused { .. })),
                "{}",
                bad.display()
            );
        }
        for good in [
            input.join("results"),
            tmp.path().join("out"),
            input.join("x"),
        ] {
            check(good).unwrap();
        }
    }

    #[test]
    fn leftover_names_parse_back() {
        assert_eq!(
            parse_leftover(".report.html.ecograph-partial-4711"),
            Some(("partial", 4711))
        );
        assert_eq!(parse_leftover(".out.ecograph-tmp-0"), Some(("tmp", 0)));
        assert_eq!(parse_leftover(".out.ecograph-tmp-1x"), None);
        assert_eq!(parse_leftover("out.ecograph-tmp-1"), None);
        assert_eq!(parse_leftover(".out.ecograph-new-1"), None);
    }
}
