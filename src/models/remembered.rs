//! Crate versions remembered between runs. Resolving a package's versions
//! parses its `Cargo.toml` and the whole `Cargo.lock` of its workspace:
//! on a tree of hundreds of packages that was half of a warm run. So the
//! answer for each manifest is kept in the cache directory together with
//! every file it read or looked for: the manifest, the lock it used, each
//! `Cargo.lock` looked for and not found on the way up (a new lock nearer
//! the package changes the answer), and the workspace manifests read for
//! `workspace = true` requirements. Each is kept with its stamp, or as
//! absent; a later run uses the answer only when all of them are as they
//! were (stamps follow the result cache's rules, racy ones included, see
//! [`crate::cache::Stamp`]), and otherwise resolves again. The whole lock
//! is covered, not only the package's own entry: a crate the package does
//! not name directly is taken at the newest version the lock holds.

use super::versions::{Origin, Resolution, VersionSet};
use crate::cache::Stamp;
use crate::path_key::{PathKey, PathRef};
use foldhash::HashMap;
use semver::Version;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const FILE: &str = "versions-v1.bin";
const FORMAT: &str = "scope-lint-versions-v1";

/// A file an answer read (its stamp then) or looked for and did not find.
pub type Input = (PathBuf, Option<Stamp>);

/// What a file is now: its stamp, or `None` when it is not a file.
pub fn stamp_of(path: &Path) -> Option<Stamp> {
    std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| crate::cache::stamp(&m))
}

#[derive(Serialize, Deserialize)]
struct StoreFile {
    format: String,
    /// The build that wrote it: another one may resolve differently.
    build: String,
    entries: Vec<Entry>,
}

/// One manifest's answer, as stored.
#[derive(Serialize, Deserialize, Clone)]
struct Entry {
    manifest: Vec<u8>,
    /// The crates whose versions were asked for.
    crates: Vec<String>,
    inputs: Vec<(Vec<u8>, Option<Stamp>)>,
    /// Crate, version, where it was read.
    versions: Vec<(String, String, Origin)>,
    lock: Option<Vec<u8>>,
    /// Why the lock could not be read, when it could not.
    problem: Option<String>,
}

/// An answer recalled or to remember: the resolution, and why its lock
/// was not used.
#[derive(Debug, Clone)]
pub struct Answer {
    pub resolution: Resolution,
    pub problem: Option<String>,
}

fn bytes(path: &Path) -> Vec<u8> {
    path.as_os_str().as_encoded_bytes().to_vec()
}

fn path(bytes: &[u8]) -> PathBuf {
    // SAFETY: made by `bytes` on this platform; the file is checksummed.
    PathBuf::from(unsafe { std::ffi::OsStr::from_encoded_bytes_unchecked(bytes) })
}

/// The remembered answers of one run: read at start, added to, saved once.
#[derive(Default)]
pub struct Remembered {
    /// `None`: remembers nothing (no cache directory).
    file: Option<PathBuf>,
    old: HashMap<PathKey, Entry>,
    new: HashMap<PathKey, Entry>,
    /// When the file was written (ns): stamps not older are racy.
    written: u64,
    /// What each input is now, each looked at once per run (many
    /// manifests share the directories above them).
    now: HashMap<PathKey, Option<Stamp>>,
    /// Answers recalled, and manifests resolved again, this run.
    pub recalled: usize,
    pub resolved: usize,
    /// Why the file on disk was discarded, for a note on stderr.
    pub note: Option<String>,
}

impl Remembered {
    /// Remembers nothing (no cache directory, `scope-lint models`).
    pub fn none() -> Remembered {
        Remembered::default()
    }

    pub fn open(dir: &Path) -> Remembered {
        let file = dir.join(FILE);
        let mut note = None;
        let (old, written) = match crate::sealed::read_decoded::<StoreFile>(&file) {
            Ok(Some((s, written))) if s.format == FORMAT && s.build == crate::build::id() => (
                s.entries
                    .into_iter()
                    .map(|e| (path(&e.manifest).into(), e))
                    .collect(),
                written,
            ),
            // Missing, or another build's: start empty, say nothing.
            Ok(_) => Default::default(),
            Err(why) => {
                note = Some(why);
                Default::default()
            }
        };
        Remembered {
            file: Some(file),
            old,
            written,
            note,
            ..Remembered::default()
        }
    }

    fn now(&mut self, input: &Path) -> Option<Stamp> {
        if let Some(s) = self.now.get(PathRef::new(input)) {
            return *s;
        }
        let s = stamp_of(input);
        self.now.insert(input.into(), s);
        s
    }

    /// The answer for `manifest` and `crates` if every file it came from
    /// is as it was.
    pub fn recall(&mut self, manifest: &Path, crates: &[String]) -> Option<Answer> {
        let entry = self
            .old
            .get(PathRef::new(manifest))
            .filter(|e| e.crates == crates)?
            .clone();
        let written = self.written;
        for (p, then) in &entry.inputs {
            let now = self.now(&path(p));
            if now != *then || then.is_some_and(|s| !s.trusted(written)) {
                return None;
            }
        }
        let mut versions = VersionSet::new();
        for (c, v, origin) in &entry.versions {
            versions.insert(c.clone(), (Version::parse(v).ok()?, *origin));
        }
        self.recalled += 1;
        Some(Answer {
            resolution: Resolution {
                versions,
                manifest: Some(manifest.to_path_buf()),
                lock: entry.lock.as_deref().map(path),
            },
            problem: entry.problem.clone(),
        })
    }

    /// Keep the answer for `manifest`, resolved from `inputs`.
    pub fn remember(&mut self, crates: &[String], answer: &Answer, inputs: Vec<Input>) {
        self.resolved += 1;
        let Some(manifest) = &answer.resolution.manifest else {
            return;
        };
        if self.file.is_none() {
            return;
        }
        let entry = Entry {
            manifest: bytes(manifest),
            crates: crates.to_vec(),
            inputs: inputs.iter().map(|(p, s)| (bytes(p), *s)).collect(),
            versions: answer
                .resolution
                .versions
                .iter()
                .map(|(c, (v, o))| (c.clone(), v.to_string(), *o))
                .collect(),
            lock: answer.resolution.lock.as_deref().map(bytes),
            problem: answer.problem.clone(),
        };
        self.new.insert(manifest.clone().into(), entry);
    }

    /// Write the answers when some were resolved again: this run's and
    /// the earlier ones whose manifests still exist. Errors are ignored:
    /// remembering only saves time.
    pub fn save(self) {
        let Some(file) = &self.file else { return };
        if self.new.is_empty() {
            return;
        }
        let mut entries: Vec<Entry> = self.new.into_values().collect();
        let fresh: std::collections::HashSet<Vec<u8>> =
            entries.iter().map(|e| e.manifest.clone()).collect();
        entries.extend(
            self.old
                .into_iter()
                .filter(|(m, e)| !fresh.contains(&e.manifest) && m.is_file())
                .map(|(_, e)| e),
        );
        let Ok(payload) = postcard::to_stdvec(&StoreFile {
            format: FORMAT.to_string(),
            build: crate::build::id().to_string(),
            entries,
        }) else {
            return;
        };
        let Some(dir) = file.parent() else { return };
        if std::fs::create_dir_all(dir).is_ok() {
            let _ = crate::sealed::write(file, &payload);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(manifest: &Path, v: &str) -> Answer {
        let mut versions = VersionSet::new();
        versions.insert("axum".into(), (Version::parse(v).unwrap(), Origin::Lock));
        Answer {
            resolution: Resolution {
                versions,
                manifest: Some(manifest.to_path_buf()),
                lock: None,
            },
            problem: None,
        }
    }

    /// Past the racy window of the file just written.
    fn settle() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }

    #[test]
    fn an_answer_is_recalled_only_while_its_inputs_are_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let manifest = d.join("Cargo.toml");
        let lock = d.join("Cargo.lock");
        let absent = d.join("sub/Cargo.lock");
        std::fs::write(&manifest, "[package]").unwrap();
        std::fs::write(&lock, "a").unwrap();
        settle();
        let crates = vec!["axum".to_string()];
        let mut m = Remembered::open(&d.join("cache"));
        assert!(m.recall(&manifest, &crates).is_none());
        m.remember(
            &crates,
            &answer(&manifest, "0.7.9"),
            vec![
                (manifest.clone(), stamp_of(&manifest)),
                (absent.clone(), None),
                (lock.clone(), stamp_of(&lock)),
            ],
        );
        m.save();
        settle();
        let recalled = |d: &Path| {
            Remembered::open(&d.join("cache"))
                .recall(&manifest, &crates)
                .map(|a| a.resolution.versions["axum"].0.to_string())
        };
        assert_eq!(recalled(d).as_deref(), Some("0.7.9"));
        let mut other = Remembered::open(&d.join("cache"));
        assert!(
            other.recall(&manifest, &["url".to_string()]).is_none(),
            "asked for other crates"
        );
        // A lock appears where there was none.
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(&absent, "b").unwrap();
        assert_eq!(recalled(d), None);
        std::fs::remove_file(&absent).unwrap();
        assert_eq!(recalled(d).as_deref(), Some("0.7.9"));
        // The lock is edited, or removed.
        std::fs::write(&lock, "b").unwrap();
        assert_eq!(recalled(d), None);
        std::fs::remove_file(&lock).unwrap();
        assert_eq!(recalled(d), None);
    }

    #[test]
    fn an_input_not_older_than_the_store_is_not_trusted() {
        // Git's racy-entry rule: dated in the future, the manifest's stamp
        // is not older than the store, so it proves nothing.
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let manifest = d.join("Cargo.toml");
        std::fs::write(&manifest, "[package]").unwrap();
        let future = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&manifest)
            .unwrap()
            .set_modified(future)
            .unwrap();
        let crates = vec!["axum".to_string()];
        let mut m = Remembered::open(&d.join("cache"));
        m.remember(
            &crates,
            &answer(&manifest, "0.8.0"),
            vec![(manifest.clone(), stamp_of(&manifest))],
        );
        m.save();
        let mut again = Remembered::open(&d.join("cache"));
        assert!(again.recall(&manifest, &crates).is_none());
    }
}
