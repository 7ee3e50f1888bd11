//! Crates and their targets, read from `Cargo.toml`: which package a file
//! belongs to, the package's library name, its targets (lib, bins,
//! examples, tests, benches, `build.rs`, declared or found the way cargo
//! finds them) and the path dependencies that make other workspace members
//! reachable by crate name, and what fixes need to know of a package: the
//! crates each target may name (its dependencies, renames included) and
//! the edition its code is written in.

use foldhash::HashMap;
use std::collections::BTreeMap;
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
    /// `[dependencies]` (also under `[target.'cfg(..)']`).
    pub dependencies: Dependencies,
    /// `[dev-dependencies]`: tests, examples and benches also see these.
    pub dev_dependencies: Dependencies,
    /// `[build-dependencies]`: what `build.rs` sees.
    pub build_dependencies: Dependencies,
    /// `package.edition` (cargo's default is 2015).
    pub edition: u16,
}

/// The crates a target may name: the name code uses (the dependency's
/// key, `-` written as `_`) for each package name (a rename,
/// `web = { package = "actix-web" }`, is reached as `web`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Dependencies {
    by_package: BTreeMap<String, String>,
}

impl Dependencies {
    /// How code names the package `name` (`-` and `_` alike), if it is a
    /// dependency.
    pub fn code_name(&self, package: &str) -> Option<&str> {
        self.by_package
            .get(&package.replace('_', "-"))
            .map(String::as_str)
    }

    /// Every dependency of both sets.
    pub fn union(&self, other: &Dependencies) -> Dependencies {
        let mut by_package = self.by_package.clone();
        by_package.extend(other.by_package.clone());
        Dependencies { by_package }
    }

    fn add_table(&mut self, deps: &toml::Table) {
        for (key, spec) in deps {
            let package = spec
                .as_table()
                .and_then(|t| t.get("package"))
                .and_then(|p| p.as_str())
                .unwrap_or(key);
            self.by_package
                .insert(package.replace('_', "-"), crate_name(key));
        }
    }

    /// The `kind` dependencies of a manifest, platform-specific ones
    /// included.
    fn read(manifest: &toml::Table, kind: &str) -> Dependencies {
        let mut deps = Dependencies::default();
        let tables = manifest.get(kind).into_iter().chain(
            manifest
                .get("target")
                .and_then(|t| t.as_table())
                .into_iter()
                .flat_map(|t| t.values())
                .filter_map(move |cfg| cfg.get(kind)),
        );
        for t in tables.filter_map(|t| t.as_table()) {
            deps.add_table(t);
        }
        deps
    }
}

impl Package {
    /// The crates `target` may name.
    pub fn dependencies_of(&self, target: &Target) -> Dependencies {
        match target.kind {
            TargetKind::Lib | TargetKind::Bin => self.dependencies.clone(),
            TargetKind::Other if target.name == "build_script_build" => {
                self.build_dependencies.clone()
            }
            TargetKind::Other => self.dependencies.union(&self.dev_dependencies),
        }
    }
}

/// What fixes and the parser need to know of the package around a file:
/// the crates it may name and its edition.
#[derive(Debug, Clone, Default)]
pub struct PackageFacts {
    pub dependencies: Dependencies,
    pub edition: u16,
}

/// Packages read for files the crate index does not hold (their package
/// names no builtin framework, only a user model's), each manifest once.
#[derive(Debug, Default)]
pub struct PackageCache {
    dirs: HashMap<crate::path_key::PathKey, Option<PathBuf>>,
    manifests: HashMap<PathBuf, Option<Package>>,
}

impl PackageCache {
    /// The facts of the package around `path` (absolute), for the target
    /// whose root directory holds the file most closely (`tests/` sees
    /// dev-dependencies); `None` outside any package.
    pub fn facts_for_file(&mut self, path: &Path) -> Option<PackageFacts> {
        let manifest = manifest_above(path.parent()?, &mut self.dirs)?;
        let package = self
            .manifests
            .entry(manifest.clone())
            .or_insert_with(|| load(&manifest))
            .as_ref()?;
        let target = package
            .targets
            .iter()
            .filter_map(|t| {
                let dir = t.root.parent()?;
                path.starts_with(dir)
                    .then_some((dir.components().count(), t))
            })
            .max_by_key(|(depth, t)| (*depth, t.kind == TargetKind::Lib))
            .map(|(_, t)| t);
        Some(PackageFacts {
            dependencies: match target {
                Some(t) => package.dependencies_of(t),
                None => package.dependencies.clone(),
            },
            edition: package.edition,
        })
    }
}

/// The edition of a package: `package.edition`, or the workspace's
/// `[workspace.package] edition` when it says `edition.workspace = true`.
fn edition_of(package: &toml::Table, dir: &Path) -> u16 {
    let parse = |v: &toml::Value| v.as_str().and_then(|e| e.parse().ok());
    match package.get("edition") {
        None => 2015,
        Some(toml::Value::Table(t))
            if t.get("workspace").and_then(|w| w.as_bool()) == Some(true) =>
        {
            dir.ancestors()
                .skip(1)
                .filter_map(|d| std::fs::read_to_string(d.join("Cargo.toml")).ok())
                .filter_map(|text| toml::from_str::<toml::Table>(&text).ok())
                .find_map(|m| {
                    m.get("workspace")?
                        .get("package")?
                        .get("edition")
                        .and_then(parse)
                })
                .unwrap_or(2015)
        }
        Some(v) => parse(v).unwrap_or(2015),
    }
}

/// The outermost directory at or above `dir` (absolute) that holds a
/// `Cargo.toml`: the top of the tree of packages `dir` is in. What a path
/// says of test code is read below it ([`crate::engine::is_test_file`]): a
/// fixture crate under another package's `tests/` is test code, a checkout
/// under `/builds/tests/` is not. `holds` remembers, per directory,
/// whether it holds a manifest.
pub fn outermost_package_dir(dir: &Path, holds: &mut HashMap<PathBuf, bool>) -> PathBuf {
    let mut top = dir;
    for above in dir.ancestors().skip(1) {
        let found = *holds
            .entry(above.to_path_buf())
            .or_insert_with(|| above.join("Cargo.toml").is_file());
        if found {
            top = above;
        }
    }
    top.to_path_buf()
}

/// The `Cargo.toml` of the package around `dir`, if any: the nearest one
/// upward that has a `[package]` table. `known` remembers the answer for
/// every directory looked at, so a tree costs one look per directory.
pub fn manifest_above<S: std::hash::BuildHasher>(
    dir: &Path,
    known: &mut std::collections::HashMap<crate::path_key::PathKey, Option<PathBuf>, S>,
) -> Option<PathBuf> {
    manifest_above_seen(dir, known, &crate::walk::Seen::default())
}

/// [`manifest_above`], trusting what a walk `seen` of the manifests in
/// the trees it walked (`dir` absolute).
pub fn manifest_above_seen<S: std::hash::BuildHasher>(
    dir: &Path,
    known: &mut std::collections::HashMap<crate::path_key::PathKey, Option<PathBuf>, S>,
    seen: &crate::walk::Seen,
) -> Option<PathBuf> {
    if let Some(found) = known.get(crate::path_key::PathRef::new(dir)) {
        return found.clone();
    }
    let m = dir.join("Cargo.toml");
    let here = seen.is_file(&m) && seen.text(&m).is_some_and(|t| is_package(&t));
    let found = if here {
        Some(m)
    } else {
        dir.parent()
            .and_then(|p| manifest_above_seen(p, known, seen))
    };
    known.insert(dir.into(), found.clone());
    found
}

/// Whether a manifest's text declares a package. Every tree walk asks it
/// of each manifest: a `[package]` header line answers without parsing
/// (cargo writes it so, and so does everyone); otherwise the TOML decides
/// (`package = { .. }`, a workspace root without a package).
fn is_package(text: &str) -> bool {
    text.lines().any(|l| l.trim_end() == "[package]")
        || toml::from_str::<toml::Table>(text).is_ok_and(|t| t.contains_key("package"))
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
        edition: edition_of(package, &dir),
        dependencies: Dependencies::read(&table, "dependencies"),
        dev_dependencies: Dependencies::read(&table, "dev-dependencies"),
        build_dependencies: Dependencies::read(&table, "build-dependencies"),
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
        assert_eq!(p.edition, 2015, "cargo's default edition");
        assert_eq!(
            manifest_above(&d.join("src/bin"), &mut HashMap::default()).unwrap(),
            d.join("Cargo.toml")
        );
    }

    #[test]
    fn dependencies_are_read_per_target_with_renames_and_the_edition() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("app/src")).unwrap();
        std::fs::write(
            d.join("Cargo.toml"),
            "[workspace]\nmembers = [\"app\"]\n[workspace.package]\nedition = \"2018\"\n",
        )
        .unwrap();
        std::fs::write(
            d.join("app/Cargo.toml"),
            r#"[package]
name = "app"
edition.workspace = true
[dependencies]
web = { package = "actix-web", version = "4" }
form_urlencoded = "1"
[target.'cfg(unix)'.dependencies]
http = "1"
[dev-dependencies]
url = "2"
[build-dependencies]
cc = "1"
"#,
        )
        .unwrap();
        std::fs::write(d.join("app/src/lib.rs"), "").unwrap();
        std::fs::write(d.join("app/build.rs"), "").unwrap();
        std::fs::create_dir_all(d.join("app/tests")).unwrap();
        std::fs::write(d.join("app/tests/it.rs"), "").unwrap();
        let p = load(&d.join("app/Cargo.toml")).unwrap();
        assert_eq!(p.edition, 2018);
        let of = |name: &str| {
            let t = p.targets.iter().find(|t| t.name == name).unwrap();
            p.dependencies_of(t)
        };
        let lib = of("app");
        assert_eq!(lib.code_name("actix-web"), Some("web"));
        assert_eq!(lib.code_name("actix_web"), Some("web"));
        assert_eq!(lib.code_name("form_urlencoded"), Some("form_urlencoded"));
        assert_eq!(lib.code_name("http"), Some("http"));
        assert_eq!(lib.code_name("url"), None, "a dev-dependency");
        assert_eq!(of("it").code_name("url"), Some("url"));
        let build = of("build_script_build");
        assert_eq!(build.code_name("cc"), Some("cc"));
        assert_eq!(build.code_name("http"), None);
    }
}
