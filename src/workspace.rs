//! The cargo subcommand's view of a project: its workspace root, members
//! and targets, read from `cargo metadata --format-version 1 --no-deps`,
//! and which directories to lint for a package selection (`-p`,
//! `--workspace`, `--all-targets`), as cargo itself would choose them.
//! `cargo scope-lint` runs from the workspace root so that reports,
//! baselines and the cache use paths relative to it wherever it is started.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// What the user chose on the command line, cargo's way.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// `-p/--package`: these packages (by name).
    pub packages: Vec<String>,
    /// `--workspace`: every member.
    pub workspace: bool,
    /// `--exclude`: with `--workspace`, leave these out.
    pub exclude: Vec<String>,
    /// `--all-targets`: tests, benches and examples too.
    pub all_targets: bool,
}

/// The parts of `cargo metadata` the subcommand needs.
#[derive(Debug, Deserialize)]
pub struct Metadata {
    pub packages: Vec<Package>,
    pub workspace_members: Vec<String>,
    /// Missing before cargo 1.71: then every member is a default member.
    #[serde(default)]
    pub workspace_default_members: Option<Vec<String>>,
    pub workspace_root: PathBuf,
}

#[derive(Debug, Deserialize)]
pub struct Package {
    pub name: String,
    pub id: String,
    pub manifest_path: PathBuf,
    pub targets: Vec<Target>,
}

#[derive(Debug, Deserialize)]
pub struct Target {
    pub name: String,
    pub kind: Vec<String>,
    pub src_path: PathBuf,
}

/// Run `cargo metadata` from the current directory.
pub fn metadata(manifest_path: Option<&Path>) -> Result<Metadata, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = std::process::Command::new(&cargo);
    cmd.args(["metadata", "--format-version", "1", "--no-deps"]);
    if let Some(m) = manifest_path {
        cmd.arg("--manifest-path").arg(m);
    }
    let out = cmd.output().map_err(|e| {
        format!(
            "cannot run `{} metadata`: {e}; is cargo installed and on PATH?",
            cargo.to_string_lossy()
        )
    })?;
    if !out.status.success() {
        return Err(format!(
            "`cargo metadata` failed: {}\nrun `cargo scope-lint` inside a Cargo project, or pass --manifest-path",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("cannot read the output of `cargo metadata`: {e}"))
}

impl Metadata {
    fn members(&self) -> impl Iterator<Item = &Package> {
        self.packages
            .iter()
            .filter(|p| self.workspace_members.contains(&p.id))
    }

    /// The packages `selection` names; `start` is the manifest cargo would
    /// start from (`--manifest-path`, or the nearest `Cargo.toml`).
    pub fn select(
        &self,
        selection: &Selection,
        start: Option<&Path>,
    ) -> Result<Vec<&Package>, String> {
        let names = || {
            self.members()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        for name in selection.packages.iter().chain(&selection.exclude) {
            if !self.members().any(|p| &p.name == name) {
                return Err(format!(
                    "package `{name}` is not a member of the workspace at {}; members: {}",
                    self.workspace_root.display(),
                    names()
                ));
            }
        }
        let chosen: Vec<&Package> = if selection.workspace {
            self.members()
                .filter(|p| !selection.exclude.contains(&p.name))
                .collect()
        } else if !selection.packages.is_empty() {
            self.members()
                .filter(|p| selection.packages.contains(&p.name))
                .collect()
        } else if let Some(own) =
            start.and_then(|m| self.members().find(|p| same_file(&p.manifest_path, m)))
        {
            vec![own]
        } else {
            // A virtual manifest: its default members, as cargo does.
            match &self.workspace_default_members {
                Some(ids) if !ids.is_empty() => {
                    self.members().filter(|p| ids.contains(&p.id)).collect()
                }
                _ => self.members().collect(),
            }
        };
        if chosen.is_empty() {
            return Err(format!(
                "no package selected in the workspace at {}; members: {}",
                self.workspace_root.display(),
                names()
            ));
        }
        Ok(chosen)
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Target kinds cargo builds by default (`cargo check`, `cargo clippy`).
const DEFAULT_KINDS: [&str; 8] = [
    "lib",
    "rlib",
    "dylib",
    "cdylib",
    "staticlib",
    "proc-macro",
    "bin",
    "custom-build",
];

/// What to lint for `packages`: the directory of each target's root file
/// (`src/`, `tests/`, ...), or the file itself for a build script, with
/// directories inside another one dropped. Sorted.
pub fn paths_to_lint(packages: &[&Package], all_targets: bool) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for p in packages {
        for t in &p.targets {
            let wanted = all_targets || t.kind.iter().any(|k| DEFAULT_KINDS.contains(&k.as_str()));
            if !wanted {
                continue;
            }
            let path = if t.kind.iter().any(|k| k == "custom-build") {
                t.src_path.clone()
            } else {
                match t.src_path.parent() {
                    Some(dir) => dir.to_path_buf(),
                    None => t.src_path.clone(),
                }
            };
            paths.push(path);
        }
    }
    paths.sort();
    paths.dedup();
    let covered =
        |p: &PathBuf, all: &[PathBuf]| all.iter().any(|other| other != p && p.starts_with(other));
    let all = paths.clone();
    paths.retain(|p| !covered(p, &all));
    paths
}

/// The nearest `Cargo.toml` at or above `dir`.
pub fn nearest_manifest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|m| m.is_file())
}

/// `path` (relative to `cwd` unless absolute) as seen from `root`: relative
/// when it is inside, absolute otherwise. The root itself is `.`.
pub fn rebase(path: &Path, cwd: &Path, root: &Path) -> PathBuf {
    let abs = lexical_clean(&cwd.join(path));
    match abs.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => abs,
    }
}

/// Drop `.` and resolve `..` components without touching the file system.
fn lexical_clean(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebase_makes_paths_relative_to_the_root() {
        let root = Path::new("/ws");
        assert_eq!(
            rebase(Path::new("lib.rs"), Path::new("/ws/a/src"), root),
            Path::new("a/src/lib.rs")
        );
        assert_eq!(
            rebase(Path::new("."), Path::new("/ws"), root),
            Path::new(".")
        );
        assert_eq!(
            rebase(Path::new("../b"), Path::new("/ws/a"), root),
            Path::new("b")
        );
        assert_eq!(
            rebase(Path::new("x.rs"), Path::new("/elsewhere"), root),
            Path::new("/elsewhere/x.rs")
        );
    }

    fn target(kind: &str, src: &str) -> Target {
        Target {
            name: "t".into(),
            kind: vec![kind.into()],
            src_path: src.into(),
        }
    }

    #[test]
    fn default_targets_leave_out_tests_and_build_scripts_are_files() {
        let p = Package {
            name: "a".into(),
            id: "a".into(),
            manifest_path: "/ws/a/Cargo.toml".into(),
            targets: vec![
                target("lib", "/ws/a/src/lib.rs"),
                target("bin", "/ws/a/src/bin/x.rs"),
                target("test", "/ws/a/tests/t.rs"),
                target("custom-build", "/ws/a/build.rs"),
            ],
        };
        assert_eq!(
            paths_to_lint(&[&p], false),
            [PathBuf::from("/ws/a/build.rs"), PathBuf::from("/ws/a/src")]
        );
        assert_eq!(
            paths_to_lint(&[&p], true),
            [
                PathBuf::from("/ws/a/build.rs"),
                PathBuf::from("/ws/a/src"),
                PathBuf::from("/ws/a/tests")
            ]
        );
    }
}
