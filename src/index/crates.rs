//! Crates and their targets, read from `Cargo.toml`: which package a file
//! belongs to, the package's library name, its targets (lib, bins,
//! examples, tests, benches, `build.rs`, declared or found the way cargo
//! finds them) and the path dependencies that make other workspace members
//! reachable by crate name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Lib,
    Bin,
    Other,
}

#[derive(Debug, Clone)]
pub struct Target {
    pub kind: TargetKind,
    /// The crate name code uses for it (`-` written as `_`).
    pub name: String,
    pub root: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Package {
    pub dir: PathBuf,
    pub targets: Vec<Target>,
    /// Directories of `path = ".."` dependencies (normal, dev and build).
    pub path_deps: Vec<PathBuf>,
}

/// The `Cargo.toml` of the package around `dir`, if any: the nearest one
/// upward that has a `[package]` table. `known` remembers the answer for
/// every directory looked at, so a tree costs one look per directory.
pub fn manifest_above(
    dir: &Path,
    known: &mut HashMap<PathBuf, Option<PathBuf>>,
) -> Option<PathBuf> {
    if let Some(found) = known.get(dir) {
        return found.clone();
    }
    let m = dir.join("Cargo.toml");
    let here = m.is_file()
        && std::fs::read_to_string(&m)
            .ok()
            .and_then(|t| toml::from_str::<toml::Table>(&t).ok())
            .is_some_and(|t| t.contains_key("package"));
    let found = if here {
        Some(m)
    } else {
        dir.parent().and_then(|p| manifest_above(p, known))
    };
    known.insert(dir.to_path_buf(), found.clone());
    found
}

fn crate_name(s: &str) -> String {
    s.replace('-', "_")
}

/// Read a package manifest. `None` when it is not a package or does not
/// parse (the files are then analysed alone, as before).
pub fn load(manifest: &Path) -> Option<Package> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    let package = table.get("package")?.as_table()?;
    let pkg_name = package.get("name")?.as_str()?.to_string();
    let dir = manifest.parent()?.to_path_buf();
    let str_of = |t: &toml::Table, k: &str| t.get(k).and_then(|v| v.as_str()).map(String::from);
    let mut targets = Vec::new();

    let lib = table.get("lib").and_then(|v| v.as_table());
    let lib_path = lib
        .and_then(|l| str_of(l, "path"))
        .map(|p| dir.join(p))
        .unwrap_or_else(|| dir.join("src/lib.rs"));
    if lib_path.is_file() {
        let name = lib
            .and_then(|l| str_of(l, "name"))
            .unwrap_or_else(|| pkg_name.clone());
        targets.push(Target {
            kind: TargetKind::Lib,
            name: crate_name(&name),
            root: lib_path,
        });
    }
    let mut declared_bins = Vec::new();
    for bin in table
        .get("bin")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|b| b.as_table())
    {
        let name = str_of(bin, "name").unwrap_or_else(|| pkg_name.clone());
        let root = str_of(bin, "path")
            .map(|p| dir.join(p))
            .unwrap_or_else(|| dir.join(format!("src/bin/{name}.rs")));
        declared_bins.push(root.clone());
        targets.push(Target {
            kind: TargetKind::Bin,
            name: crate_name(&name),
            root,
        });
    }
    let main = dir.join("src/main.rs");
    if main.is_file() && !declared_bins.contains(&main) {
        targets.push(Target {
            kind: TargetKind::Bin,
            name: crate_name(&pkg_name),
            root: main,
        });
    }
    for (sub, kind) in [
        ("src/bin", TargetKind::Bin),
        ("examples", TargetKind::Other),
        ("tests", TargetKind::Other),
        ("benches", TargetKind::Other),
    ] {
        for root in auto_targets(&dir.join(sub)) {
            if !declared_bins.contains(&root) {
                let stem = root
                    .file_stem()
                    .filter(|s| *s != "main")
                    .or_else(|| root.parent().and_then(|p| p.file_name()))
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                targets.push(Target {
                    kind,
                    name: crate_name(&stem),
                    root,
                });
            }
        }
    }
    let build = dir.join("build.rs");
    if build.is_file() {
        targets.push(Target {
            kind: TargetKind::Other,
            name: "build_script_build".into(),
            root: build,
        });
    }

    let mut path_deps = Vec::new();
    for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(deps) = table.get(key).and_then(|v| v.as_table()) {
            for dep in deps.values().filter_map(|d| d.as_table()) {
                if let Some(p) = str_of(dep, "path") {
                    path_deps.push(dir.join(p));
                }
            }
        }
    }
    Some(Package {
        dir,
        targets,
        path_deps,
    })
}

/// `dir/*.rs` and `dir/*/main.rs`, sorted.
fn auto_targets(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| {
            if p.is_dir() {
                Some(p.join("main.rs")).filter(|m| m.is_file())
            } else {
                p.extension().is_some_and(|e| e == "rs").then_some(p)
            }
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_declared_or_found_like_cargo_does() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("src/bin/tool")).unwrap();
        std::fs::create_dir_all(d.join("tests")).unwrap();
        std::fs::write(
            d.join("Cargo.toml"),
            "[package]\nname = \"my-app\"\n[dependencies]\ncore-x = { path = \"../core-x\" }\n",
        )
        .unwrap();
        for f in [
            "src/lib.rs",
            "src/main.rs",
            "src/bin/a.rs",
            "src/bin/tool/main.rs",
            "tests/it.rs",
        ] {
            std::fs::write(d.join(f), "").unwrap();
        }
        let p = load(&d.join("Cargo.toml")).unwrap();
        let names: Vec<(TargetKind, &str)> = p
            .targets
            .iter()
            .map(|t| (t.kind, t.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                (TargetKind::Lib, "my_app"),
                (TargetKind::Bin, "my_app"),
                (TargetKind::Bin, "a"),
                (TargetKind::Bin, "tool"),
                (TargetKind::Other, "it"),
            ]
        );
        assert_eq!(p.path_deps, [d.join("../core-x")]);
        assert_eq!(
            manifest_above(&d.join("src/bin"), &mut HashMap::new()).unwrap(),
            d.join("Cargo.toml")
        );
    }
}
