//! Finding the files to lint. Directories are walked with the `ignore`
//! crate's parallel walker (respecting `.gitignore` and `.ignore`, skipping
//! hidden entries and `target/`, never following symlinks, so no loops);
//! files named on the command line are always linted, as pre-commit expects.

mod remembered;

use crate::rewrite::Litter;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A path from the command line that cannot be linted: the run stops.
#[derive(Debug)]
pub struct PathError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// What the walk found: files to lint, sorted, and entries it could not read.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    /// Files named on the command line (configured excludes do not apply
    /// to them unless `--force-exclude`).
    pub explicit: std::collections::HashSet<PathBuf>,
    pub unreadable: Vec<(PathBuf, String)>,
    /// The directories walked, and the configuration files seen in them:
    /// configuration discovery then needs no `stat` inside the tree.
    pub roots: Vec<PathBuf>,
    pub config_files: Vec<PathBuf>,
    /// The directories' files were the last run's, not listed again
    /// (see [`remembered`]).
    pub remembered: bool,
}

/// What a walk saw of the files that configure a tree. Inside the
/// directories it walked, a configuration file or manifest exists exactly
/// when the walk met one: configuration discovery and the search for each
/// directory's `Cargo.toml` then need no `stat` there (a tree of 4,800
/// directories asked for 6,500 of them on every run, warm or cold).
#[derive(Debug, Default)]
pub struct Seen {
    roots: Vec<PathBuf>,
    files: foldhash::HashSet<PathBuf>,
    /// The directories that hold one of `files`.
    dirs: foldhash::HashSet<PathBuf>,
    /// What relative paths are taken against.
    cwd: PathBuf,
    /// Manifest texts read during the run (a walk's view only): the search
    /// for each file's package and configuration discovery both read
    /// every package's `Cargo.toml`.
    texts: Option<std::sync::Mutex<foldhash::HashMap<PathBuf, Option<std::sync::Arc<str>>>>>,
}

impl Seen {
    /// Made absolute against the working directory, as the files asked
    /// about will be.
    pub fn new(roots: &[PathBuf], config_files: &[PathBuf]) -> Seen {
        let cwd = std::env::current_dir().unwrap_or_default();
        let abs = |p: &PathBuf| {
            if p.is_absolute() {
                p.clone()
            } else {
                cwd.join(p)
            }
        };
        let files: foldhash::HashSet<PathBuf> = config_files.iter().map(abs).collect();
        Seen {
            roots: roots.iter().map(abs).collect(),
            dirs: files
                .iter()
                .filter_map(|f| f.parent().map(Path::to_path_buf))
                .collect(),
            files,
            cwd,
            texts: Some(Default::default()),
        }
    }

    /// The directory that decides the configuration and the package of
    /// the files in `dir`: the nearest of `dir` and its ancestors that
    /// holds a configuration file or manifest, or the first one outside
    /// the walked directories (the walk cannot tell what those hold).
    /// Configuration discovery and the search for a package's manifest
    /// look at each directory on the way up and find nothing until that
    /// one: directories with the same anchor get the same answers, and a
    /// run asks once per anchor, not once per directory (the bench
    /// corpus: 4,800 directories in the walk's order, 611 anchors; a warm
    /// run's CPU 0.194 -> 0.174 s).
    pub fn anchor(&self, dir: &Path) -> PathBuf {
        let joined;
        let abs = if dir.is_absolute() {
            dir
        } else {
            joined = self.cwd.join(dir);
            &joined
        };
        abs.ancestors()
            .find(|d| self.dirs.contains(*d) || !self.roots.iter().any(|r| d.starts_with(r)))
            .unwrap_or(abs)
            .to_path_buf()
    }

    /// The text of the manifest at `path` (absolute), read once a run when
    /// this is a walk's view; `None` when it cannot be read as UTF-8.
    pub fn text(&self, path: &Path) -> Option<std::sync::Arc<str>> {
        let read = || {
            std::fs::read_to_string(path)
                .ok()
                .map(std::sync::Arc::<str>::from)
        };
        let Some(texts) = &self.texts else {
            return read();
        };
        if let Some(known) = texts.lock().expect("seen lock").get(path) {
            return known.clone();
        }
        let text = read();
        texts
            .lock()
            .expect("seen lock")
            .insert(path.to_path_buf(), text.clone());
        text
    }

    /// Is `path` (absolute; one of [`CONFIG_NAMES`]) a file? Asked of the
    /// file system only outside the walked directories.
    pub fn is_file(&self, path: &Path) -> bool {
        if self.roots.iter().any(|r| path.starts_with(r)) {
            self.files.contains(path)
        } else {
            path.is_file()
        }
    }
}

/// File names that may hold configuration.
pub const CONFIG_NAMES: [&str; 3] = ["scope-lint.toml", ".scope-lint.toml", "Cargo.toml"];

/// Hidden entries are skipped, except a `.scope-lint.toml` and what an
/// interrupted `--fix` left (see [`crate::rewrite`]).
fn is_hidden(e: &ignore::DirEntry, name: &std::ffi::OsStr) -> bool {
    e.depth() > 0
        && name
            .to_str()
            .is_some_and(|n| n.starts_with('.') && n != ".scope-lint.toml")
        && (Litter::of(name).is_none() || e.file_type().is_some_and(|t| t.is_dir()))
}

/// Cargo's build directory: named `target` and tagged by cargo (a source
/// module that happens to be called `target` is linted).
fn is_build_dir(e: &ignore::DirEntry, name: &std::ffi::OsStr) -> bool {
    e.file_type().is_some_and(|t| t.is_dir())
        && name == "target"
        && (e.path().join("CACHEDIR.TAG").exists() || e.path().join(".rustc_info.json").exists())
}

/// Is a file of this name Rust (`*.rs`, as `Path::extension` says)? Asked
/// of the name alone: `Path::extension` of a whole path walks its
/// components, a tenth of a warm run's walk.
fn has_rust_extension(name: &std::ffi::OsStr) -> bool {
    let b = name.as_encoded_bytes();
    b.len() > 3 && b.ends_with(b".rs")
}

/// The kind of a `*.rs` entry that is neither a file, a directory nor a
/// symbolic link (links are not followed in a walk).
fn special_rust_file(e: &ignore::DirEntry) -> Option<&'static str> {
    let ty = e.file_type()?;
    if ty.is_dir() || ty.is_symlink() || !has_rust_extension(e.file_name()) {
        return None;
    }
    crate::read::special_kind(ty)
}

/// The path a walk error is about (the walker wraps it in a depth, a line
/// number or a list) and the message without it.
fn error_path(err: &ignore::Error) -> (Option<PathBuf>, String) {
    match err {
        ignore::Error::WithPath { path, err } => {
            let (inner, message) = error_path(err);
            (inner.or_else(|| Some(path.clone())), message)
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs
            .iter()
            .map(error_path)
            .find(|(p, _)| p.is_some())
            .unwrap_or_else(|| (None, err.to_string())),
        ignore::Error::Loop { child, .. } => (Some(child.clone()), err.to_string()),
        ignore::Error::Io(e) => (None, format!("cannot read the directory: {e}")),
        other => (None, other.to_string()),
    }
}

/// Collect the Rust files under `paths`.
pub fn collect(paths: &[PathBuf], threads: usize) -> Result<Walk, PathError> {
    collect_in(paths, threads, None)
}

/// Collect the Rust files under `paths`; with a cache directory, a walk
/// of the same directories whose directories did not change since is
/// remembered, not walked again (see [`remembered`]).
pub fn collect_in(
    paths: &[PathBuf],
    threads: usize,
    cache_dir: Option<&Path>,
) -> Result<Walk, PathError> {
    let mut walk = Walk::default();
    let mut dirs = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| PathError {
            path: path.clone(),
            message: match e.kind() {
                std::io::ErrorKind::NotFound => "no such file or directory".into(),
                _ => format!("cannot read: {e}"),
            },
        })?;
        if meta.is_dir() {
            std::fs::read_dir(path).map_err(|e| PathError {
                path: path.clone(),
                message: format!("cannot read the directory: {e}"),
            })?;
            dirs.push(path.clone());
        } else {
            walk.files.push(path.clone());
            walk.explicit.insert(path.clone());
        }
    }
    if !dirs.is_empty() {
        let (found, remembered) = remembered::walk(&dirs, threads, cache_dir);
        walk.remembered = remembered;
        walk.files.extend(found.files);
        walk.unreadable = found.unreadable;
        walk.config_files = found.config_files;
        walk.roots = dirs;
    }
    // Byte order of the path: deterministic, and much cheaper than
    // comparing component by component.
    walk.files
        .sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    walk.files.dedup();
    walk.unreadable.sort();
    Ok(walk)
}

/// What a walk of directories found.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Found {
    pub files: Vec<PathBuf>,
    pub unreadable: Vec<(PathBuf, String)>,
    pub config_files: Vec<PathBuf>,
}

/// Walk `dirs` (each readable) with the `ignore` crate; `record` learns
/// what a later run needs to trust the result without walking.
fn walk_dirs(
    dirs: &[PathBuf],
    threads: usize,
    record: Option<std::sync::Arc<remembered::Recorder>>,
) -> Found {
    let skipped = record.clone();
    let (first, rest) = dirs.split_first().expect("a directory to walk");
    let mut builder = ignore::WalkBuilder::new(first);
    for d in rest {
        builder.add(d);
    }
    builder
        .hidden(false)
        .git_ignore(true)
        .require_git(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(move |e| {
            // `DirEntry::file_name` works the name out of the path
            // each time: once an entry.
            let name = e.file_name();
            if is_hidden(e, name) {
                return false;
            }
            if is_build_dir(e, name) {
                if let Some(r) = &skipped {
                    r.skipped(e.path());
                }
                return false;
            }
            true
        });
    let found = Mutex::new((Vec::new(), Vec::new()));
    let configs = Mutex::new(Vec::new());
    let record = record.as_deref();
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            match entry {
                Ok(e) => {
                    let is_file = e.file_type().is_some_and(|t| t.is_file());
                    let name = e.file_name();
                    if let Some(r) = record.filter(|_| e.file_type().is_some_and(|t| t.is_dir())) {
                        // Before the walker lists it: a change made while
                        // it is listed shows in a later stamp.
                        r.visited(e.path());
                    }
                    if let Some(litter) = Litter::of(name).filter(|_| is_file) {
                        // Never linted: a stale temporary file is
                        // removed, a backup is reported.
                        if let Some(r) = record {
                            r.spoil();
                        }
                        match litter {
                            Litter::Temp => crate::rewrite::remove_if_stale(e.path()),
                            Litter::Backup => found
                                .lock()
                                .expect("walk lock")
                                .1
                                .push((e.into_path(), Litter::backup_message())),
                        }
                    } else if (is_file
                        || e.file_type().is_some_and(|t| t.is_symlink()) && e.path().is_file())
                        && name.to_str().is_some_and(|n| CONFIG_NAMES.contains(&n))
                    {
                        if !is_file {
                            // A link's target may come and go unseen.
                            if let Some(r) = record {
                                r.spoil();
                            }
                        }
                        configs.lock().expect("walk lock").push(e.into_path());
                    } else if is_file && has_rust_extension(name) {
                        found.lock().expect("walk lock").0.push(e.into_path());
                    } else if let Some(kind) = special_rust_file(&e) {
                        // A FIFO or device named `*.rs`: reported, never
                        // opened (a FIFO would block the run).
                        let message = crate::read::ReadError::NotRegular(kind).to_string();
                        found
                            .lock()
                            .expect("walk lock")
                            .1
                            .push((e.into_path(), message));
                    }
                }
                Err(err) => {
                    let (path, message) = error_path(&err);
                    let path = path.unwrap_or_else(|| first.clone());
                    found.lock().expect("walk lock").1.push((path, message));
                }
            }
            ignore::WalkState::Continue
        })
    });
    let (files, unreadable) = found.into_inner().expect("walk lock");
    Found {
        files,
        unreadable,
        config_files: configs.into_inner().expect("walk lock"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_rust_as_its_path_is() {
        for name in [
            "main.rs", "a.rs", "..rs", ".rs", "rs", "x.rsx", "x.rs.bak", "mod.RS", "é.rs",
        ] {
            let n = std::ffi::OsStr::new(name);
            let by_path = |p: &Path| p.extension().is_some_and(|e| e == "rs");
            assert_eq!(has_rust_extension(n), by_path(Path::new(name)), "{name}");
            assert_eq!(
                has_rust_extension(n),
                by_path(&Path::new("src/x").join(name)),
                "{name}"
            );
        }
    }

    #[test]
    fn inside_a_walk_manifests_are_those_it_saw() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("tree");
        for d in ["tree/app/src", "tree/ignored", "outside"] {
            std::fs::create_dir_all(tmp.path().join(d)).unwrap();
        }
        for f in [
            "tree/app/Cargo.toml",
            "tree/ignored/Cargo.toml",
            "outside/Cargo.toml",
        ] {
            std::fs::write(tmp.path().join(f), "[package]\n").unwrap();
        }
        std::fs::write(tmp.path().join("tree/.gitignore"), "ignored/\n").unwrap();
        std::fs::write(tmp.path().join("tree/app/src/main.rs"), "fn main() {}\n").unwrap();
        let walked = collect(std::slice::from_ref(&root), 1).unwrap();
        let seen = Seen::new(&walked.roots, &walked.config_files);
        assert!(seen.is_file(&root.join("app/Cargo.toml")));
        assert!(!seen.is_file(&root.join("app/src/Cargo.toml")));
        // Not walked (ignored), so not seen, though it exists: no linted
        // file sits under it.
        assert!(!seen.is_file(&root.join("ignored/Cargo.toml")));
        // Outside the walk the file system answers.
        assert!(seen.is_file(&tmp.path().join("outside/Cargo.toml")));
        assert!(!seen.is_file(&tmp.path().join("Cargo.toml")));
    }

    #[test]
    fn directories_share_the_anchor_that_decides_their_configuration() {
        let root = PathBuf::from("/w/tree");
        let seen = Seen::new(
            std::slice::from_ref(&root),
            &[
                root.join("app/Cargo.toml"),
                root.join("app/src/gen/.scope-lint.toml"),
            ],
        );
        let anchor = |d: &str| seen.anchor(Path::new(d));
        // Below a manifest: the manifest's directory, however deep.
        assert_eq!(anchor("/w/tree/app/src"), root.join("app"));
        assert_eq!(anchor("/w/tree/app/src/routes/v1"), root.join("app"));
        // A nearer configuration file is its own anchor.
        assert_eq!(anchor("/w/tree/app/src/gen"), root.join("app/src/gen"));
        assert_eq!(anchor("/w/tree/app/src/gen/x"), root.join("app/src/gen"));
        // Nothing on the way up inside the walk: the first directory
        // outside it, which the walk cannot speak for.
        assert_eq!(anchor("/w/tree/docs/examples"), PathBuf::from("/w"));
        assert_eq!(anchor("/elsewhere/src"), PathBuf::from("/elsewhere/src"));
        // Relative directories are taken against the working directory.
        let cwd = std::env::current_dir().unwrap();
        let no_walk = Seen::new(&[], &[]);
        assert_eq!(no_walk.anchor(Path::new("src")), cwd.join("src"));
    }

    #[test]
    fn a_walk_reads_each_manifest_once() {
        let tmp = tempfile::tempdir().unwrap();
        let manifest = tmp.path().join("Cargo.toml");
        std::fs::write(&manifest, "[package]\n").unwrap();
        let seen = Seen::new(&[tmp.path().to_path_buf()], std::slice::from_ref(&manifest));
        assert_eq!(seen.text(&manifest).as_deref(), Some("[package]\n"));
        // Read once a run: what the run read first is what it knows.
        std::fs::write(&manifest, "[workspace]\n").unwrap();
        assert_eq!(seen.text(&manifest).as_deref(), Some("[package]\n"));
        // A view that is no walk's reads the file system each time (the
        // language server's discovery lives across edits).
        assert_eq!(
            Seen::default().text(&manifest).as_deref(),
            Some("[workspace]\n")
        );
        assert_eq!(seen.text(&tmp.path().join("absent/Cargo.toml")), None);
    }

    #[test]
    fn walk_errors_keep_their_path_under_a_depth() {
        // What the parallel walker reports for a directory it cannot list.
        let err = ignore::Error::WithDepth {
            depth: 1,
            err: Box::new(ignore::Error::WithPath {
                path: PathBuf::from("src/secret"),
                err: Box::new(ignore::Error::Io(std::io::Error::from(
                    std::io::ErrorKind::PermissionDenied,
                ))),
            }),
        };
        let (path, message) = error_path(&err);
        assert_eq!(path, Some(PathBuf::from("src/secret")));
        assert!(
            message.starts_with("cannot read the directory: "),
            "{message}"
        );
        assert!(!message.contains("src/secret"), "{message}");
    }

    #[test]
    fn the_path_of_an_unreadable_directory_is_found_inside_the_wrappers() {
        // What the walker returns for a directory it cannot list.
        let io = ignore::Error::Io(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        let err = ignore::Error::WithDepth {
            depth: 1,
            err: Box::new(ignore::Error::WithPath {
                path: PathBuf::from("src/private"),
                err: Box::new(io),
            }),
        };
        assert_eq!(error_path(&err).0, Some(PathBuf::from("src/private")));
        let partial = ignore::Error::Partial(vec![ignore::Error::WithLineNumber {
            line: 3,
            err: Box::new(err),
        }]);
        assert_eq!(error_path(&partial).0, Some(PathBuf::from("src/private")));
    }
}
