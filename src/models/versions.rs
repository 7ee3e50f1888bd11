//! Which version of each versioned framework crate a file is built
//! against. Framework APIs change between versions in ways that break only
//! at run time (axum 0.8's `/{id}` captures), so a model entry may declare
//! `versions = ">=0.8"` and [`crate::models::Models`] keeps only the entries
//! whose range holds the version found here.
//!
//! The version of a crate comes from, in order: the `Cargo.lock` of the
//! file's workspace (the entry the file's package depends on), the minimum
//! of the requirement in the package's `Cargo.toml`, and otherwise nothing
//! (the models then assume the newest version they describe).

use super::remembered::{stamp_of, Answer, Input, Remembered};
use crate::cache::Stamp;
use crate::index::crates::manifest_above_seen;
use crate::path_key::{PathKey, PathRef};
use foldhash::{HashMap, HashMapExt, HashSet};
use semver::{Comparator, Op, Version, VersionReq};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a crate's version was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Origin {
    /// The workspace's `Cargo.lock`.
    Lock,
    /// The lowest version the `Cargo.toml` requirement allows.
    Manifest,
    /// Neither: the newest version the models describe.
    Newest,
}

impl Origin {
    pub fn describe(self) -> &'static str {
        match self {
            Origin::Lock => "Cargo.lock",
            Origin::Manifest => "Cargo.toml requirement",
            Origin::Newest => "no version found: newest models",
        }
    }
}

/// The resolved versions of the crates that matter, by crate name: what
/// selects the models. Files with equal sets share one `Models`.
pub type VersionSet = BTreeMap<String, (Version, Origin)>;

/// The versions found for one file, and the files they came from.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    pub versions: VersionSet,
    pub manifest: Option<PathBuf>,
    pub lock: Option<PathBuf>,
}

/// One package of a `Cargo.lock`.
#[derive(Debug)]
struct Locked {
    name: String,
    version: Version,
    /// `name` or `name version` of each dependency, as the lock writes them.
    dependencies: Vec<String>,
    /// Registry and git packages have a source; workspace members do not.
    local: bool,
}

/// Finds and remembers manifests and locks for many files.
#[derive(Debug, Default)]
pub struct Resolver {
    /// The crates whose versions are wanted (those the models version).
    crates: Vec<String>,
    /// The manifests a walk saw ([`Resolver::trusting`]).
    seen: std::sync::Arc<crate::walk::Seen>,
    manifests: HashMap<PathKey, Option<PathBuf>>,
    by_manifest: HashMap<PathKey, Resolution>,
    locks: HashMap<PathBuf, Option<PathBuf>>,
    /// Each lock read: its stamp when read, its packages, or why it could
    /// not be read.
    parsed_locks: HashMap<PathBuf, ParsedLock>,
    /// Lock files that could not be read, with why: their packages fall
    /// back to the `Cargo.toml` requirements.
    pub problems: Vec<String>,
    /// The locks `problems` speaks of (each is reported once).
    reported: HashSet<PathBuf>,
}

#[derive(Debug)]
struct ParsedLock {
    stamp: Option<Stamp>,
    packages: Vec<Locked>,
    problem: Option<String>,
}

impl Resolver {
    /// A resolver for the versions of `crates` (names as in Cargo.toml,
    /// `-` or `_` alike).
    pub fn new(crates: impl IntoIterator<Item = String>) -> Resolver {
        Resolver {
            crates: crates.into_iter().map(|c| c.replace('-', "_")).collect(),
            ..Resolver::default()
        }
    }

    /// Trust that inside the trees a walk covered, the manifests are those
    /// it `seen`: no `stat` per directory.
    pub fn trusting(mut self, seen: std::sync::Arc<crate::walk::Seen>) -> Resolver {
        self.seen = seen;
        self
    }

    /// The versions that apply to `file` (a source file or a directory).
    pub fn resolve(&mut self, file: &Path) -> Resolution {
        let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let dir = if abs.is_dir() {
            abs
        } else {
            abs.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        self.resolve_dir(&dir, &mut Remembered::none())
    }

    /// The versions that apply to the source file `file`, with the answers
    /// of earlier runs in `memory`: a package whose manifest, lock and the
    /// other files its answer came from are unchanged is not read again.
    pub fn resolve_remembered(&mut self, file: &Path, memory: &mut Remembered) -> Resolution {
        let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        self.resolve_dir(&dir, memory)
    }

    /// The versions for the files of the directory `dir` (absolute).
    fn resolve_dir(&mut self, dir: &Path, memory: &mut Remembered) -> Resolution {
        if self.crates.is_empty() {
            return Resolution::default();
        }
        let Some(manifest) = manifest_above_seen(dir, &mut self.manifests, &self.seen) else {
            return Resolution::default();
        };
        if let Some(r) = self.by_manifest.get(PathRef::new(&manifest)) {
            return r.clone();
        }
        let answer = match memory.recall(&manifest, &self.crates) {
            Some(answer) => answer,
            None => {
                let mut inputs = Vec::new();
                let answer = self.resolve_manifest(&manifest, &mut inputs);
                memory.remember(&self.crates, &answer, inputs);
                answer
            }
        };
        if let (Some(problem), Some(lock)) = (answer.problem, &answer.resolution.lock) {
            if self.reported.insert(lock.clone()) {
                self.problems.push(problem);
            }
        }
        let r = answer.resolution;
        self.by_manifest.insert(manifest.into(), r.clone());
        r
    }

    /// The versions for `manifest`, with every file read or looked for
    /// on the way added to `inputs` (see [`Remembered`]).
    fn resolve_manifest(&mut self, manifest: &Path, inputs: &mut Vec<Input>) -> Answer {
        inputs.push((manifest.to_path_buf(), stamp_of(manifest)));
        let table: toml::Table = std::fs::read_to_string(manifest)
            .ok()
            .and_then(|t| toml::from_str(&t).ok())
            .unwrap_or_default();
        let package = table
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or("")
            .to_string();
        let dir = manifest.parent().unwrap_or(Path::new(""));
        let lock = self.lock_above(dir);
        // Each `Cargo.lock` looked for up to the one found: one appearing
        // nearer the package would be the one.
        for d in dir.ancestors() {
            let probe = d.join("Cargo.lock");
            if lock.as_ref() == Some(&probe) {
                break;
            }
            inputs.push((probe, None));
        }
        let mut versions = VersionSet::new();
        let mut problem = None;
        if let Some(lock) = &lock {
            let parsed = self.parsed_locks.entry(lock.clone()).or_insert_with(|| {
                // The stamp before the read: an edit after it is seen next time.
                let stamp = stamp_of(lock);
                match read_lock(lock, &self.crates) {
                    Ok(packages) => ParsedLock {
                        stamp,
                        packages,
                        problem: None,
                    },
                    Err(e) => ParsedLock {
                        stamp,
                        packages: Vec::new(),
                        problem: Some(format!(
                            "{}: {e}; crate versions come from Cargo.toml instead",
                            lock.display()
                        )),
                    },
                }
            });
            inputs.push((lock.clone(), parsed.stamp));
            problem = parsed.problem.clone();
            // Any entry of the lock may answer (see `locked_version`):
            // the whole lock is an input.
            for c in &self.crates {
                if let Some(v) = locked_version(&parsed.packages, &package, c) {
                    versions.insert(c.clone(), (v, Origin::Lock));
                }
            }
        }
        let requirements = manifest_requirements(&table, dir, inputs);
        for c in &self.crates {
            if versions.contains_key(c) {
                continue;
            }
            if let Some(v) = requirements.get(c).and_then(|r| minimum_of(r)) {
                versions.insert(c.clone(), (v, Origin::Manifest));
            }
        }
        Answer {
            resolution: Resolution {
                versions,
                manifest: Some(manifest.to_path_buf()),
                lock,
            },
            problem,
        }
    }

    fn lock_above(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(found) = self.locks.get(dir) {
            return found.clone();
        }
        let here = dir.join("Cargo.lock");
        let found = if here.is_file() {
            Some(here)
        } else {
            dir.parent().and_then(|p| self.lock_above(p))
        };
        self.locks.insert(dir.to_path_buf(), found.clone());
        found
    }
}

fn read_lock(path: &Path, crates: &[String]) -> Result<Vec<Locked>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let text = lock_parts(&text, crates);
    let table = toml::from_str::<toml::Table>(&text).map_err(|e| {
        format!(
            "not a Cargo.lock: {}",
            e.message().trim().replace('\n', " ")
        )
    })?;
    let packages = table.get("package").and_then(|p| p.as_array());
    Ok(packages
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let p = p.as_table()?;
            Some(Locked {
                name: p.get("name")?.as_str()?.replace('-', "_"),
                version: Version::parse(p.get("version")?.as_str()?).ok()?,
                dependencies: p
                    .get("dependencies")
                    .and_then(|d| d.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|d| d.as_str().map(String::from))
                    .collect(),
                local: !p.contains_key("source"),
            })
        })
        .collect())
}

/// The parts of a lock's text the versions are read from: what comes
/// before the first package, every package of the workspace (no
/// `source`: their dependency lists name the versions they use) and the
/// packages of `crates`. An application's lock holds hundreds of packages;
/// TOML-parsing all of them was most of a cold run's set-up. Cargo writes
/// each package as a `[[package]]` line after an empty line; a lock written
/// otherwise (CRLF, by hand) is kept whole.
fn lock_parts(text: &str, crates: &[String]) -> String {
    const HEADER: &str = "\n[[package]]\n";
    let mut blocks = text.split(HEADER);
    let mut out = String::from(blocks.next().unwrap_or(""));
    for block in blocks {
        let field = |key: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix(" = "))
        };
        let local = field("source").is_none();
        let wanted = || {
            field("name")
                .and_then(|n| n.trim().strip_prefix('"')?.strip_suffix('"'))
                .is_some_and(|n| crates.iter().any(|c| *c == n.replace('-', "_")))
        };
        if local || wanted() {
            out.push_str(HEADER);
            out.push_str(block);
        }
    }
    out
}

/// The version of `krate` that `package` uses: its own dependency entry in
/// the lock, or, when it does not name the crate directly, the newest
/// version the lock holds.
fn locked_version(locked: &[Locked], package: &str, krate: &str) -> Option<Version> {
    let package = package.replace('-', "_");
    fn of_name<'a>(locked: &'a [Locked], n: &'a str) -> impl Iterator<Item = &'a Locked> {
        locked.iter().filter(move |p| p.name == n)
    }
    let me = of_name(locked, &package)
        .find(|p| p.local)
        .or_else(|| of_name(locked, &package).next());
    if let Some(me) = me {
        for dep in &me.dependencies {
            let mut words = dep.split_whitespace();
            if words.next().map(|n| n.replace('-', "_")).as_deref() != Some(krate) {
                continue;
            }
            if let Some(v) = words.next().and_then(|v| Version::parse(v).ok()) {
                return Some(v);
            }
            return of_name(locked, krate).map(|p| p.version.clone()).max();
        }
    }
    of_name(locked, krate).map(|p| p.version.clone()).max()
}

/// The version requirement of every dependency of a manifest, by crate
/// name (`package = ".."` renames followed, `workspace = true` read from
/// the workspace root's `[workspace.dependencies]`).
/// The workspace manifests read are added to `inputs`.
fn manifest_requirements(
    table: &toml::Table,
    dir: &Path,
    inputs: &mut Vec<Input>,
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut tables: Vec<&toml::Table> = Vec::new();
    for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
        tables.extend(table.get(key).and_then(|v| v.as_table()));
    }
    for target in table
        .get("target")
        .and_then(|t| t.as_table())
        .into_iter()
        .flat_map(|t| t.values())
        .filter_map(|t| t.as_table())
    {
        for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
            tables.extend(target.get(key).and_then(|v| v.as_table()));
        }
    }
    let mut workspace: Option<toml::Table> = None;
    for deps in tables {
        for (key, spec) in deps {
            let (name, req) = match spec {
                toml::Value::String(v) => (key.clone(), Some(v.clone())),
                toml::Value::Table(t) => {
                    let name = t
                        .get("package")
                        .and_then(|p| p.as_str())
                        .unwrap_or(key)
                        .to_string();
                    let req = match t.get("version").and_then(|v| v.as_str()) {
                        Some(v) => Some(v.to_string()),
                        None if t.get("workspace").and_then(|w| w.as_bool()) == Some(true) => {
                            let ws = workspace.get_or_insert_with(|| workspace_deps(dir, inputs));
                            match ws.get(key) {
                                Some(toml::Value::String(v)) => Some(v.clone()),
                                Some(toml::Value::Table(w)) => {
                                    w.get("version").and_then(|v| v.as_str()).map(String::from)
                                }
                                _ => None,
                            }
                        }
                        None => None,
                    };
                    (name, req)
                }
                _ => continue,
            };
            if let Some(req) = req {
                out.entry(name.replace('-', "_")).or_insert(req);
            }
        }
    }
    out
}

/// `[workspace.dependencies]` of the nearest manifest above `dir` that has
/// a `[workspace]` table; each manifest looked at is added to `inputs`.
fn workspace_deps(dir: &Path, inputs: &mut Vec<Input>) -> toml::Table {
    let mut at = Some(dir);
    while let Some(d) = at {
        let m = d.join("Cargo.toml");
        inputs.push((m.clone(), stamp_of(&m)));
        if let Some(t) = std::fs::read_to_string(&m)
            .ok()
            .and_then(|t| toml::from_str::<toml::Table>(&t).ok())
        {
            if let Some(ws) = t.get("workspace").and_then(|w| w.as_table()) {
                return ws
                    .get("dependencies")
                    .and_then(|d| d.as_table())
                    .cloned()
                    .unwrap_or_default();
            }
        }
        at = d.parent();
    }
    toml::Table::new()
}

/// The lowest version a requirement such as `"0.7"` or `">=0.8, <0.9"`
/// allows.
pub fn minimum_of(req: &str) -> Option<Version> {
    let req = VersionReq::parse(req).ok()?;
    lowest(&req)
}

/// The lowest version a parsed range allows (its lower bounds' maximum).
pub fn lowest(req: &VersionReq) -> Option<Version> {
    let low = |c: &Comparator| -> Option<Version> {
        let v = Version::new(c.major, c.minor.unwrap_or(0), c.patch.unwrap_or(0));
        match c.op {
            Op::Less | Op::LessEq => None,
            Op::Greater => Some(match (c.minor, c.patch) {
                (None, _) => Version::new(c.major + 1, 0, 0),
                (Some(m), None) => Version::new(c.major, m + 1, 0),
                (Some(_), Some(p)) => Version::new(c.major, c.minor.unwrap_or(0), p + 1),
            }),
            _ => Some(v),
        }
    };
    Some(
        req.comparators
            .iter()
            .filter_map(low)
            .max()
            .unwrap_or(Version::new(0, 0, 0)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_is_read_for_the_workspace_and_the_modelled_crates_only() {
        let lock = "# generated\nversion = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"axum 0.7.5\",\n \"serde\",\n]\n\n[[package]]\nname = \"axum\"\nversion = \"0.7.5\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"tower-http\"\nversion = \"0.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
        let crates = ["axum".to_string(), "tower_http".to_string()];
        let parts = lock_parts(lock, &crates);
        assert!(parts.contains("name = \"app\"") && parts.contains("name = \"axum\""));
        assert!(parts.contains("name = \"tower-http\""), "{parts}");
        assert!(!parts.contains("name = \"serde\""), "{parts}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Cargo.lock");
        std::fs::write(&path, lock).unwrap();
        let locked = read_lock(&path, &crates).unwrap();
        let names: Vec<&str> = locked.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["app", "axum", "tower_http"]);
        assert_eq!(
            locked_version(&locked, "app", "axum"),
            Some(Version::new(0, 7, 5))
        );
        // Not split the way cargo writes it: read whole.
        let crlf = lock.replace('\n', "\r\n");
        assert_eq!(lock_parts(&crlf, &crates), crlf);
    }

    fn write(dir: &Path, file: &str, text: &str) {
        let p = dir.join(file);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn the_lock_entry_of_the_package_wins_over_other_versions() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            d,
            "app/Cargo.toml",
            "[package]\nname = \"my-app\"\n[dependencies]\naxum = \"0.7\"\n",
        );
        write(d, "app/src/main.rs", "");
        write(
            d,
            "Cargo.lock",
            "version = 3\n[[package]]\nname = \"axum\"\nversion = \"0.7.9\"\nsource = \"registry+x\"\n\
             [[package]]\nname = \"axum\"\nversion = \"0.8.4\"\nsource = \"registry+x\"\n\
             [[package]]\nname = \"my-app\"\nversion = \"0.1.0\"\ndependencies = [\"axum 0.7.9\"]\n",
        );
        let mut r = Resolver::new(["axum".to_string()]);
        let res = r.resolve(&d.join("app/src/main.rs"));
        assert_eq!(res.versions["axum"], (Version::new(0, 7, 9), Origin::Lock));
        assert_eq!(res.lock.as_deref(), Some(d.join("Cargo.lock").as_path()));
    }

    #[test]
    fn without_a_lock_the_requirement_minimum_counts() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            d,
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\"]\n[workspace.dependencies]\naxum = { version = \"0.8.1\" }\n",
        );
        write(
            d,
            "a/Cargo.toml",
            "[package]\nname = \"a\"\n[dependencies]\naxum.workspace = true\n",
        );
        write(
            d,
            "b/Cargo.toml",
            "[package]\nname = \"b\"\n[dependencies]\nweb = { package = \"axum\", version = \">=0.6, <0.8\" }\n",
        );
        let mut r = Resolver::new(["axum".to_string()]);
        assert_eq!(
            r.resolve(&d.join("a/src/lib.rs")).versions["axum"],
            (Version::new(0, 8, 1), Origin::Manifest)
        );
        assert_eq!(
            r.resolve(&d.join("b/src/lib.rs")).versions["axum"],
            (Version::new(0, 6, 0), Origin::Manifest)
        );
        assert!(r.resolve(Path::new("/")).versions.is_empty());
    }

    #[test]
    fn a_broken_lock_is_reported_and_the_manifest_counts() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            d,
            "Cargo.toml",
            "[package]\nname = \"a\"\n[dependencies]\naxum = \"0.7.5\"\n",
        );
        write(d, "Cargo.lock", "[[package]\nname = ");
        let mut r = Resolver::new(["axum".to_string()]);
        assert_eq!(
            r.resolve(&d.join("src/lib.rs")).versions["axum"],
            (Version::new(0, 7, 5), Origin::Manifest)
        );
        assert_eq!(r.problems.len(), 1);
        assert!(
            r.problems[0].contains("Cargo.lock: not a Cargo.lock"),
            "{:?}",
            r.problems
        );
    }

    #[test]
    fn lowest_versions_of_ranges() {
        let low = |s: &str| lowest(&VersionReq::parse(s).unwrap()).unwrap().to_string();
        assert_eq!(low(">=0.8, <0.9"), "0.8.0");
        assert_eq!(low("<0.8"), "0.0.0");
        assert_eq!(low("0.7"), "0.7.0");
        assert_eq!(low(">0.7"), "0.8.0");
    }
}
