//! A walk remembered, git's "untracked cache" for scope-lint. A warm run
//! finds nothing to lint again, so listing the tree is most of what it
//! does: on the bench corpus (18,800 files in 5,500 directories) the
//! `ignore` walk opened, listed and closed every directory and looked for
//! a `.git` in each, 27,000 system calls of a warm run's 46,000.
//!
//! A directory's modification time changes when an entry is added to it,
//! removed or renamed, not when a file in it is edited (the result cache
//! and the index store `stat` every file for that). So when no directory
//! the last walk listed has a new stamp, and no ignore rule it read
//! changed, the walk would find the same files: its result is kept in the
//! cache directory and a run `stat`s the directories instead of listing
//! them. What a walk's result depends on, and how each is checked:
//! - each directory listed: its stamp (entries added, removed, renamed; a
//!   `.gitignore` or `.ignore` created or deleted; a `target/` tagged);
//! - each `.gitignore`, `.ignore` and `.git/info/exclude` read in those
//!   directories and in the roots' parents, and git's global excludes
//!   file and the configuration files naming it: their stamps, or that
//!   they are absent;
//! - each build directory skipped (`target/` tagged by cargo): its stamp;
//! - the roots as given, the working directory, the environment that
//!   locates git's configuration, and the build: the key of the file.
//!
//! The stamps follow the caches' rules (git's racy-entry rule: a stamp not
//! older than the file that recorded it proves nothing, see
//! [`crate::cache::Stamp`]), and a directory is `stat`ed before the walker
//! lists it, so a change made while it is listed shows in its next stamp.
//! A walk is not remembered when it met anything a stamp cannot vouch for:
//! an unreadable entry, a file left by an interrupted `--fix`, a
//! configuration file that is a symbolic link, a `.git` that is a file (a
//! worktree or submodule keeps its excludes elsewhere), or a stamp taken
//! while the walk ran.

use super::Found;
use crate::cache::Stamp;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

const FORMAT: &str = "scope-lint-walk-v1";

/// A stamp this close to the walk's start is not trusted to vouch for it.
const RACY_MARGIN_NS: u64 = 1_000_000_000;

/// Files of the tree that decide where its ignore rules live, besides the
/// directories' own.
const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

/// What a path held when the walk was remembered.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Debug)]
enum Held {
    Absent,
    /// A file or directory with this stamp.
    Stamped(Stamp),
    /// A directory, whatever its stamp (a parent's `.git`, which every
    /// git command touches).
    Directory,
}

/// The file of a remembered walk.
#[derive(Serialize, Deserialize)]
struct Memo {
    format: String,
    key: u64,
    files: Vec<ByteBuf>,
    config_files: Vec<ByteBuf>,
    /// Each directory listed, and what else the result depends on.
    checks: Vec<(ByteBuf, Held)>,
}

/// What a walk learns as it goes, for remembering it.
#[derive(Default)]
pub(crate) struct Recorder {
    listed: Mutex<Vec<(PathBuf, Option<Stamp>)>>,
    skipped: Mutex<Vec<PathBuf>>,
    spoiled: AtomicBool,
}

impl Recorder {
    /// A directory the walker is about to list.
    pub fn visited(&self, dir: &Path) {
        let stamp = stamp_of(dir);
        self.listed
            .lock()
            .expect("recorder lock")
            .push((dir.to_path_buf(), stamp));
    }

    /// A build directory not walked.
    pub fn skipped(&self, dir: &Path) {
        self.skipped
            .lock()
            .expect("recorder lock")
            .push(dir.to_path_buf());
    }

    /// Something was met that stamps cannot vouch for.
    pub fn spoil(&self) {
        self.spoiled.store(true, Ordering::Relaxed);
    }
}

fn bytes(path: &Path) -> ByteBuf {
    ByteBuf::from(path.as_os_str().as_encoded_bytes())
}

fn path(bytes: &[u8]) -> PathBuf {
    // SAFETY: made by `bytes` on this platform; the file is checksummed.
    PathBuf::from(unsafe { std::ffi::OsStr::from_encoded_bytes_unchecked(bytes) })
}

/// What `path` holds now (following links, as the walker reads ignore
/// files), in the terms `then` was recorded in.
fn held_now(path: &Path, then: &Held) -> Held {
    match std::fs::metadata(path) {
        Err(_) => Held::Absent,
        Ok(m) if matches!(then, Held::Directory) && m.is_dir() => Held::Directory,
        Ok(m) => Held::Stamped(crate::cache::stamp(&m)),
    }
}

/// A path's stamp as [`held_now`] reads it (following links: a root
/// named through a link is stamped as the directory it lists).
fn stamp_of(path: &Path) -> Option<Stamp> {
    std::fs::metadata(path)
        .ok()
        .map(|m| crate::cache::stamp(&m))
}

/// What decides the `.git/info/exclude` rules read in `dir`: the file,
/// present or absent, when `dir/.git` is a directory; with `presence`,
/// also whether `dir/.git` exists (a parent of a root, whose own stamp is
/// not checked). `None`: a `.git` file (a worktree or submodule keeps its
/// excludes elsewhere), which nothing here can vouch for.
fn git_checks(dir: &Path, presence: bool) -> Option<Vec<(PathBuf, Held)>> {
    let git = dir.join(".git");
    let mut checks = Vec::new();
    match std::fs::symlink_metadata(&git) {
        Ok(m) if m.is_dir() => {
            let exclude = git.join("info/exclude");
            let held = held_now(&exclude, &Held::Absent);
            if presence {
                checks.push((git, Held::Directory));
            }
            checks.push((exclude, held));
        }
        Ok(_) => return None,
        Err(_) if presence => checks.push((git, Held::Absent)),
        Err(_) => {}
    }
    Some(checks)
}

/// The environment variables git's global configuration is found by.
const GIT_ENV: [&str; 4] = [
    "HOME",
    "XDG_CONFIG_HOME",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
];

/// The key of a walk of `dirs` from here: the file it is remembered in.
fn key(dirs: &[PathBuf]) -> u64 {
    let mut text = Vec::new();
    let mut push = |b: &[u8]| {
        text.extend_from_slice(b);
        text.push(0);
    };
    push(FORMAT.as_bytes());
    push(crate::build::id().as_bytes());
    push(
        std::env::current_dir()
            .unwrap_or_default()
            .as_os_str()
            .as_encoded_bytes(),
    );
    for var in GIT_ENV {
        push(std::env::var_os(var).unwrap_or_default().as_encoded_bytes());
    }
    for d in dirs {
        push(d.as_os_str().as_encoded_bytes());
    }
    xxhash_rust::xxh3::xxh3_64(&text)
}

fn memo_file(cache_dir: &Path, key: u64) -> PathBuf {
    cache_dir.join(format!("walk-v1-{key:016x}.bin"))
}

/// Git's configuration files that may name a global excludes file, and
/// that file (as the `ignore` crate finds them).
fn global_files() -> Vec<PathBuf> {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|x| !x.is_empty())
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    let mut files = Vec::new();
    if let Some(g) = std::env::var_os("GIT_CONFIG_GLOBAL").filter(|g| !g.is_empty()) {
        files.push(PathBuf::from(g));
    }
    files.extend(home.map(|h| h.join(".gitconfig")));
    files.extend(xdg.map(|x| x.join("git/config")));
    files.push(
        std::env::var_os("GIT_CONFIG_SYSTEM")
            .filter(|s| !s.is_empty())
            .map_or_else(|| PathBuf::from("/etc/gitconfig"), PathBuf::from),
    );
    files.extend(ignore::gitignore::gitconfig_excludes_path());
    files
}

/// The files under `dirs` as the last walk found them, when nothing it
/// depends on changed since (and `true`); else a walk, remembered for the
/// next run when `cache_dir` is given.
pub(super) fn walk(dirs: &[PathBuf], threads: usize, cache_dir: Option<&Path>) -> (Found, bool) {
    walk_with_margin(dirs, threads, cache_dir, RACY_MARGIN_NS)
}

/// [`walk`], trusting stamps older than `margin` (ns) before the
/// walk began.
fn walk_with_margin(
    dirs: &[PathBuf],
    threads: usize,
    cache_dir: Option<&Path>,
    margin: u64,
) -> (Found, bool) {
    let Some(cache_dir) = cache_dir else {
        return (super::walk_dirs(dirs, threads, None), false);
    };
    let key = key(dirs);
    let file = memo_file(cache_dir, key);
    if let Some(found) = recall(&file, key) {
        return (found, true);
    }
    let started = now_ns();
    let recorder = std::sync::Arc::new(Recorder::default());
    let found = super::walk_dirs(dirs, threads, Some(recorder.clone()));
    // The walker is gone, and with it the other holder.
    let memo = std::sync::Arc::into_inner(recorder)
        .and_then(|recorder| memo_of(&found, recorder, dirs, key, started.saturating_sub(margin)));
    match memo {
        Some(memo) => {
            if let Ok(payload) = postcard::to_stdvec(&memo) {
                // The cache only saves time: a failed write is a walk next
                // run.
                let _ = std::fs::create_dir_all(cache_dir)
                    .and_then(|()| crate::sealed::write(&file, &payload));
            }
        }
        // A stale memo would be read and checked in vain on every run.
        None => {
            let _ = std::fs::remove_file(&file);
        }
    }
    (found, false)
}

fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(u64::MAX, |d| d.as_nanos() as u64)
}

/// The remembered walk in `file`, if it still holds.
fn recall(file: &Path, key: u64) -> Option<Found> {
    let (memo, written) = crate::sealed::read_decoded::<Memo>(file).ok()??;
    if memo.format != FORMAT || memo.key != key {
        return None;
    }
    let holds = memo.checks.par_iter().all(|(p, then)| {
        let now = held_now(&path(p), then);
        now == *then
            && match then {
                Held::Stamped(s) => s.trusted(written),
                Held::Absent | Held::Directory => true,
            }
    });
    holds.then(|| Found {
        files: memo.files.iter().map(|b| path(b)).collect(),
        unreadable: Vec::new(),
        config_files: memo.config_files.iter().map(|b| path(b)).collect(),
    })
}

/// What to remember of a walk, if it can be trusted later.
fn memo_of(
    found: &Found,
    recorder: Recorder,
    dirs: &[PathBuf],
    key: u64,
    since: u64,
) -> Option<Memo> {
    if recorder.spoiled.into_inner() || !found.unreadable.is_empty() {
        return None;
    }
    let listed = recorder.listed.into_inner().expect("recorder lock");
    let skipped = recorder.skipped.into_inner().expect("recorder lock");
    let mut checks: Vec<(PathBuf, Held)> = Vec::with_capacity(listed.len() * 2);
    for (dir, stamp) in &listed {
        checks.push((dir.clone(), Held::Stamped((*stamp)?)));
    }
    // The ignore files a listed directory holds: edited in place, they
    // leave the directory's stamp as it was (created or deleted, they
    // do not). And its `.git`: a directory, whose `info/exclude` is read.
    let inside: Vec<Option<Vec<(PathBuf, Held)>>> = listed
        .par_iter()
        .map(|(dir, _)| {
            let mut held = Vec::new();
            for name in IGNORE_FILES {
                let p = dir.join(name);
                if let Ok(m) = std::fs::metadata(&p) {
                    held.push((p, Held::Stamped(crate::cache::stamp(&m))));
                }
            }
            // Its `.git` comes and goes with the directory's stamp.
            held.extend(git_checks(dir, false)?);
            Some(held)
        })
        .collect();
    for held in inside {
        checks.extend(held?);
    }
    for dir in skipped {
        let stamp = stamp_of(&dir)?;
        checks.push((dir, Held::Stamped(stamp)));
    }
    // The roots' parents: their ignore files, present or not, and
    // whether each has a `.git` directory.
    let mut parents: Vec<PathBuf> = dirs
        .iter()
        .filter_map(|d| d.canonicalize().ok())
        .flat_map(|d| {
            d.ancestors()
                .skip(1)
                .map(Path::to_path_buf)
                .collect::<Vec<_>>()
        })
        .collect();
    parents.sort();
    parents.dedup();
    for parent in parents {
        for name in IGNORE_FILES {
            let p = parent.join(name);
            let held = held_now(&p, &Held::Absent);
            checks.push((p, held));
        }
        checks.extend(git_checks(&parent, true)?);
    }
    for file in global_files() {
        let held = held_now(&file, &Held::Absent);
        checks.push((file, held));
    }
    // A stamp taken while the walk ran may hide a change it missed (an
    // ignore file edited after the walker read it); file times come from
    // a coarse clock that may lag the one the walk's start was read from.
    let racy = checks.iter().any(|(_, held)| match held {
        Held::Stamped(s) => s.newest() >= since,
        Held::Absent | Held::Directory => false,
    });
    if racy {
        return None;
    }
    Some(Memo {
        format: FORMAT.to_string(),
        key,
        files: found.files.iter().map(|p| bytes(p)).collect(),
        config_files: found.config_files.iter().map(|p| bytes(p)).collect(),
        checks: checks.iter().map(|(p, h)| (bytes(p), *h)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree whose stamps are old enough to be trusted by a walk now.
    fn settle() {
        std::thread::sleep(std::time::Duration::from_millis(30));
    }

    struct Tree {
        tmp: tempfile::TempDir,
    }

    impl Tree {
        fn new() -> Tree {
            let tmp = tempfile::tempdir().unwrap();
            for f in ["tree/src/main.rs", "tree/src/a/b.rs", "tree/Cargo.toml"] {
                let p = tmp.path().join(f);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, "fn f() {}\n").unwrap();
            }
            settle();
            Tree { tmp }
        }

        fn path(&self, rel: &str) -> PathBuf {
            self.tmp.path().join(rel)
        }

        fn write(&self, rel: &str, text: &str) {
            let p = self.path(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
            settle();
        }

        /// Walk `tree/` (the cache beside it): the files, relative, and
        /// whether the walk was remembered.
        fn walk(&self) -> (Vec<String>, bool) {
            let root = self.path("tree");
            let cache = self.path("cache");
            let (found, remembered) =
                walk_with_margin(std::slice::from_ref(&root), 2, Some(&cache), 0);
            // Whatever was remembered is what a walk finds.
            let fresh = crate::walk::walk_dirs(std::slice::from_ref(&root), 2, None);
            let sorted = |f: &Found| {
                let mut f = f.clone();
                f.files.sort();
                f.config_files.sort();
                f
            };
            assert_eq!(sorted(&found), sorted(&fresh));
            let mut files: Vec<String> = found
                .files
                .iter()
                .map(|f| f.strip_prefix(&root).unwrap().display().to_string())
                .collect();
            files.sort();
            (files, remembered)
        }
    }

    #[test]
    fn a_walk_is_remembered_until_a_directory_it_listed_changes() {
        let tree = Tree::new();
        let (files, remembered) = tree.walk();
        assert_eq!(files, ["src/a/b.rs", "src/main.rs"]);
        assert!(!remembered, "nothing to remember yet");
        assert_eq!(tree.walk(), (files.clone(), true));
        // An edit inside a file leaves every directory as it was.
        tree.write("tree/src/a/b.rs", "fn g() {}\n");
        assert_eq!(tree.walk(), (files.clone(), true));
        // A file added two levels down.
        tree.write("tree/src/a/c.rs", "");
        let (files, remembered) = tree.walk();
        assert_eq!(files, ["src/a/b.rs", "src/a/c.rs", "src/main.rs"]);
        assert!(!remembered);
        assert_eq!(tree.walk(), (files, true));
        // A file removed.
        std::fs::remove_file(tree.path("tree/src/main.rs")).unwrap();
        settle();
        assert_eq!(
            tree.walk(),
            (vec!["src/a/b.rs".into(), "src/a/c.rs".into()], false)
        );
        // The cache only saves time: a damaged one is a walk.
        let memo = std::fs::read_dir(tree.path("cache"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .starts_with("walk-")
            })
            .unwrap();
        let mut bytes = std::fs::read(&memo).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&memo, bytes).unwrap();
        assert!(!tree.walk().1);
    }

    #[test]
    fn an_ignore_rule_changed_anywhere_is_a_walk() {
        let tree = Tree::new();
        tree.write("tree/.gitignore", "nothing\n");
        tree.walk();
        assert!(tree.walk().1);
        // Edited in place: the directory's stamp does not move.
        tree.write("tree/.gitignore", "main.rs\n");
        assert_eq!(tree.walk(), (vec!["src/a/b.rs".into()], false));
        assert!(tree.walk().1);
        // A new `.ignore` in a directory listed.
        tree.write("tree/src/a/.ignore", "b.rs\n");
        assert_eq!(tree.walk(), (vec![], false));
        std::fs::remove_file(tree.path("tree/src/a/.ignore")).unwrap();
        std::fs::remove_file(tree.path("tree/.gitignore")).unwrap();
        settle();
        assert_eq!(tree.walk().0.len(), 2);
        assert!(tree.walk().1);
        // In a parent of the root, outside the walk: created, then edited.
        tree.write(".gitignore", "nothing\n");
        assert_eq!(
            tree.walk(),
            (vec!["src/a/b.rs".into(), "src/main.rs".into()], false)
        );
        assert!(tree.walk().1);
        tree.write(".gitignore", "b.rs\n");
        assert_eq!(tree.walk(), (vec!["src/main.rs".into()], false));
        // A repository's own excludes (the root is its top).
        tree.write("tree/.git/info/exclude", "nothing\n");
        tree.walk();
        assert!(tree.walk().1);
        tree.write("tree/.git/info/exclude", "main.rs\n");
        assert_eq!(tree.walk(), (vec![], false));
    }

    #[test]
    fn a_build_directory_untagged_is_walked_again() {
        let tree = Tree::new();
        tree.write("tree/target/debug/gen.rs", "");
        tree.write(
            "tree/target/CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55\n",
        );
        assert_eq!(tree.walk().0.len(), 2);
        assert!(tree.walk().1);
        std::fs::remove_file(tree.path("tree/target/CACHEDIR.TAG")).unwrap();
        settle();
        assert_eq!(
            tree.walk(),
            (
                vec![
                    "src/a/b.rs".into(),
                    "src/main.rs".into(),
                    "target/debug/gen.rs".into()
                ],
                false
            )
        );
    }

    #[test]
    fn what_stamps_cannot_vouch_for_is_never_remembered() {
        // A `.git` file (a worktree or submodule): its excludes live
        // elsewhere.
        let tree = Tree::new();
        tree.walk();
        assert!(tree.walk().1);
        tree.write("tree/src/.git", "gitdir: ../../elsewhere\n");
        tree.walk();
        assert!(!tree.walk().1);
        // And the memo it no longer holds to is gone, not checked again.
        let memos = std::fs::read_dir(tree.path("cache"))
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                name.to_str().unwrap().starts_with("walk-")
            })
            .count();
        assert_eq!(memos, 0);
        // A stamp taken while (or just before) the walk ran.
        let tree = Tree::new();
        let root = tree.path("tree");
        let cache = tree.path("cache");
        walk_with_margin(std::slice::from_ref(&root), 2, Some(&cache), 60_000_000_000);
        assert!(!walk_with_margin(std::slice::from_ref(&root), 2, Some(&cache), 0).1);
        // A root named through a link is remembered (its stamp is the
        // directory's, when walked and when checked).
        #[cfg(unix)]
        {
            let link = tree.path("link");
            std::os::unix::fs::symlink(&root, &link).unwrap();
            settle();
            let dirs = std::slice::from_ref(&link);
            walk_with_margin(dirs, 2, Some(&cache), 0);
            assert!(walk_with_margin(dirs, 2, Some(&cache), 0).1);
        }
        // Without a cache directory nothing is kept.
        walk_with_margin(std::slice::from_ref(&root), 2, None, 0);
        assert!(!walk_with_margin(&[root], 2, None, 0).1);
    }
}
