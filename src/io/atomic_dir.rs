//! Output folders that appear whole or not at all (contract §3): everything is written
//! into a hidden sibling folder, which is renamed onto the target at the end. On any
//! error (or panic) the staging folder is removed when the guard drops.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A staging folder that becomes `target` on [`StagedDir::commit`].
#[derive(Debug)]
pub struct StagedDir {
    target: PathBuf,
    staging: PathBuf,
    overwrite: bool,
    committed: bool,
}

fn sibling(target: &Path, tag: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.ecograph-{tag}-{}", std::process::id()))
}

/// Refuses an existing target unless `overwrite` (checked early, before long work).
pub fn check_target(target: &Path, overwrite: bool) -> Result<()> {
    if target.exists() && !overwrite {
        return Err(Error::OutputExists(target.to_path_buf()));
    }
    Ok(())
}

impl StagedDir {
    pub fn create(target: &Path, overwrite: bool) -> Result<StagedDir> {
        check_target(target, overwrite)?;
        let staging = sibling(target, "tmp");
        if staging.exists() {
            std::fs::remove_dir_all(&staging)
                .map_err(|e| Error::io("removing stale staging folder", &staging, e))?;
        }
        std::fs::create_dir_all(&staging)
            .map_err(|e| Error::io("creating output folder", &staging, e))?;
        Ok(StagedDir {
            target: target.to_path_buf(),
            staging,
            overwrite,
            committed: false,
        })
    }

    /// Where files are written until commit.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Moves the staging folder onto the target; an old target is replaced only now.
    pub fn commit(mut self) -> Result<PathBuf> {
        check_target(&self.target, self.overwrite)?;
        let old = sibling(&self.target, "old");
        let replaced = self.target.exists();
        if replaced {
            std::fs::rename(&self.target, &old)
                .map_err(|e| Error::io("moving aside the old output folder", &self.target, e))?;
        }
        if let Err(e) = std::fs::rename(&self.staging, &self.target) {
            if replaced {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(Error::io(
                "renaming the finished output folder",
                &self.target,
                e,
            ));
        }
        self.committed = true;
        if replaced {
            std::fs::remove_dir_all(&old)
                .map_err(|e| Error::io("removing the old output folder", &old, e))?;
        }
        Ok(self.target.clone())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appears_whole_and_cleans_up() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        {
            let s = StagedDir::create(&target, false).unwrap();
            std::fs::write(s.path().join("a"), "x").unwrap();
            assert!(!target.exists());
        } // dropped without commit
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
        let s = StagedDir::create(&target, false).unwrap();
        std::fs::write(s.path().join("a"), "x").unwrap();
        s.commit().unwrap();
        assert!(target.join("a").exists());
        assert!(matches!(
            StagedDir::create(&target, false),
            Err(Error::OutputExists(_))
        ));
        let s = StagedDir::create(&target, true).unwrap();
        std::fs::write(s.path().join("b"), "y").unwrap();
        s.commit().unwrap();
        assert!(target.join("b").exists() && !target.join("a").exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
