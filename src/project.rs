//! The project root of a file: the directory that a workspace's paths are
//! relative to, whatever directory scope-lint runs from. Baselines key
//! their findings on paths relative to it, so a run from a member's
//! directory, from the root or with absolute paths matches the same
//! baseline.
//!
//! The root is the nearest ancestor holding `.git`; without one, the
//! outermost ancestor holding a `Cargo.toml`, `scope-lint.toml` or
//! `.scope-lint.toml` (the workspace around its members).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

const MARKERS: [&str; 3] = ["Cargo.toml", "scope-lint.toml", ".scope-lint.toml"];

/// Project roots, looked up once per directory.
#[derive(Debug, Default)]
pub struct Roots {
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
}

/// `path` made absolute, with symlinks and `..` resolved when it exists
/// (so `/tmp/x` and its canonical spelling agree).
pub fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    // A file that does not exist (yet): resolve its directory.
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => canonical(dir).join(name),
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

impl Roots {
    /// The project root of the directory `dir` (absolute), if it has one.
    pub fn of_dir(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(found) = self.by_dir.get(dir) {
            return found.clone();
        }
        let mut outermost = None;
        let mut found = None;
        for d in dir.ancestors() {
            if d.join(".git").exists() {
                found = Some(d.to_path_buf());
                break;
            }
            if MARKERS.iter().any(|m| d.join(m).is_file()) {
                outermost = Some(d.to_path_buf());
            }
        }
        let found = found.or(outermost);
        self.by_dir.insert(dir.to_path_buf(), found.clone());
        found
    }

    /// `path` relative to its project root, with `/` separators; relative
    /// to `fallback` (absolute) when it has no root, and absolute when it
    /// is not under that either.
    pub fn relative(&mut self, path: &Path, fallback: &Path) -> String {
        let abs = canonical(path);
        let root = abs.parent().and_then(|d| self.of_dir(d));
        let rel = root
            .as_deref()
            .and_then(|r| abs.strip_prefix(r).ok())
            .or_else(|| abs.strip_prefix(fallback).ok())
            .unwrap_or(&abs);
        rel.display().to_string().replace('\\', "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_is_the_root_else_the_outermost_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let d = canonical(dir.path());
        std::fs::create_dir_all(d.join("ws/member/src")).unwrap();
        std::fs::write(d.join("ws/Cargo.toml"), "[workspace]\n").unwrap();
        std::fs::write(d.join("ws/member/Cargo.toml"), "[package]\n").unwrap();
        std::fs::write(d.join("ws/member/src/lib.rs"), "").unwrap();
        let mut roots = Roots::default();
        let file = d.join("ws/member/src/lib.rs");
        assert_eq!(roots.relative(&file, &d), "member/src/lib.rs");
        std::fs::create_dir(d.join("ws/member/.git")).unwrap();
        let mut roots = Roots::default();
        assert_eq!(roots.relative(&file, &d), "src/lib.rs");
        // No root at all: relative to the fallback.
        std::fs::create_dir(d.join("loose")).unwrap();
        std::fs::write(d.join("loose/a.rs"), "").unwrap();
        let mut roots = Roots::default();
        let outer = roots.of_dir(&d.join("loose"));
        if outer.is_none() {
            assert_eq!(roots.relative(&d.join("loose/a.rs"), &d), "loose/a.rs");
        }
    }
}
