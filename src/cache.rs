//! The result cache: per-file findings keyed on the file's content hash,
//! stored per *run key* (tool version, enabled rules and levels, loaded
//! models, configuration), so any change to what would be reported starts a
//! fresh cache. It lives in `.scope-lint-cache/` at the project root (with
//! `CACHEDIR.TAG` and a `.gitignore`) in a compact binary form (postcard),
//! is written atomically, and drops
//! entries of files that no longer exist. A corrupt or foreign cache file is
//! ignored and rebuilt, never a crash.
//!
//! Like git's index, an entry also records the file's stamp (modification
//! and change times, size, inode): when it is unchanged the file is not read
//! at all, so a warm run costs a walk and a `stat` per file. A changed stamp
//! falls back to the content hash (a `touch` alone re-lints nothing). Two
//! guards keep a stamp from hiding an edit: the change time, which
//! `touch -r` and `cp -p` cannot set back, and git's racy-entry rule: a file
//! whose stamp is not older than the cache file is re-hashed, since an edit
//! in the same timestamp tick keeps its stamp. The cache file carries a
//! checksum ([`crate::sealed`]): a damaged one is discarded with a note.
//! Keys are the path's bytes, so non-UTF-8 names never share an entry.

use crate::diagnostic::{Applicability, Code, Diagnostic, Edit, Fix, Label, Level};
use crate::diagnostic::{INTERNAL_ERROR, IO_ERROR, PARSE_ERROR};
use foldhash::{HashMap, HashMapExt};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub const DIR_NAME: &str = ".scope-lint-cache";
const FORMAT: &str = "scope-lint-cache-v3";

#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: String,
    /// Path bytes (decoded by copying, not byte by byte) and entries; a
    /// map of the two is written the same way.
    entries: Vec<(serde_bytes::ByteBuf, Entry)>,
}

#[derive(Serialize, Deserialize, Clone)]
struct Entry {
    hash: u64,
    /// The file's stamp when it was hashed: when it is unchanged (and not
    /// racy) the file is not even read again.
    stamp: Stamp,
    lines: usize,
    diagnostics: Vec<Stored>,
}

/// A stored edit: start, end, replacement.
type StoredEdit = (usize, usize, String);

#[derive(Serialize, Deserialize, Clone)]
struct Stored {
    code: String,
    level: Level,
    message: String,
    range: (usize, usize),
    label: String,
    labels: Vec<(usize, usize, String)>,
    help: Option<String>,
    /// Safe?, edits.
    fix: Option<(bool, Vec<StoredEdit>)>,
}

fn code_of(text: &str) -> Option<Code> {
    match text {
        "parse-error" => Some(PARSE_ERROR),
        "io-error" => Some(IO_ERROR),
        "internal-error" => Some(INTERNAL_ERROR),
        _ => crate::rules::find(text).map(|r| r.meta().code()),
    }
}

impl Stored {
    fn from(d: &Diagnostic) -> Stored {
        Stored {
            code: d.code.code.to_string(),
            level: d.level,
            message: d.message.clone(),
            range: (d.range.start, d.range.end),
            label: d.label.clone(),
            labels: d
                .labels
                .iter()
                .map(|l| (l.range.start, l.range.end, l.text.clone()))
                .collect(),
            help: d.help.clone(),
            fix: d.fix.as_ref().map(|f| {
                (
                    f.applicability == Applicability::Safe,
                    f.edits
                        .iter()
                        .map(|e| (e.range.start, e.range.end, e.replacement.clone()))
                        .collect(),
                )
            }),
        }
    }

    fn to_diagnostic(&self) -> Option<Diagnostic> {
        Some(Diagnostic {
            code: code_of(&self.code)?,
            level: self.level,
            message: self.message.clone(),
            range: self.range.0..self.range.1,
            label: self.label.clone(),
            labels: self
                .labels
                .iter()
                .map(|(a, b, t)| Label {
                    range: *a..*b,
                    text: t.clone(),
                })
                .collect(),
            help: self.help.clone(),
            fix: self.fix.as_ref().map(|(safe, edits)| Fix {
                applicability: if *safe {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                },
                edits: edits
                    .iter()
                    .map(|(a, b, r)| Edit {
                        range: *a..*b,
                        replacement: r.clone(),
                    })
                    .collect(),
            }),
        })
    }
}

/// One run key's cache: read at start, added to while linting, saved once.
pub struct Cache {
    file: PathBuf,
    old: HashMap<Vec<u8>, Entry>,
    new: Mutex<HashMap<Vec<u8>, Entry>>,
    /// Something changed since it was read: it must be written.
    dirty: std::sync::atomic::AtomicBool,
    /// Entries read back unchanged this run.
    reused: std::sync::atomic::AtomicUsize,
    cwd: PathBuf,
    /// When the cache file was written (its modification time, ns): entries
    /// whose stamp is not older are racy.
    written: u64,
    /// Why the cache file on disk was discarded, for a note on stderr.
    pub note: Option<String>,
}

/// The hash of a file's content.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// What `stat` says of a file, as git's index keeps it: modification and
/// change times (ns since the epoch), size and inode. `touch -r` and
/// `cp -p` can restore a modification time, not a change time.
#[derive(
    Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
pub struct Stamp {
    pub mtime: u64,
    pub ctime: u64,
    pub size: u64,
    pub ino: u64,
}

impl Stamp {
    /// The later of the two times.
    pub fn newest(&self) -> u64 {
        self.mtime.max(self.ctime)
    }

    /// Whether this stamp, recorded in a cache written at `written`, proves
    /// the file unchanged when it is seen again: known, and older than the
    /// cache write (git's racy-entry rule).
    pub fn trusted(&self, written: u64) -> bool {
        self.mtime != 0 && self.newest() < written
    }
}

/// A file's stamp.
pub fn stamp(meta: &std::fs::Metadata) -> Stamp {
    let ns = |t: std::io::Result<std::time::SystemTime>| {
        t.ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64)
    };
    #[cfg(unix)]
    let (ctime, ino) = {
        use std::os::unix::fs::MetadataExt;
        let ctime = (meta.ctime().max(0) as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(meta.ctime_nsec().max(0) as u64);
        (ctime, meta.ino())
    };
    #[cfg(not(unix))]
    let (ctime, ino) = (ns(meta.created()), 0);
    Stamp {
        mtime: ns(meta.modified()),
        ctime,
        size: meta.len(),
        ino,
    }
}

/// The key of a file: the bytes of its absolute path (so runs from other
/// directories share entries, and names that are not UTF-8 stay apart).
fn path_key(cwd: &Path, path: &Path) -> Vec<u8> {
    with_path_key(cwd, path, <[u8]>::to_vec)
}

/// `f` of the key of `path`, made without a copy when `path` is absolute
/// (a warm run asks the cache of every file of the tree).
fn with_path_key<T>(cwd: &Path, path: &Path, f: impl FnOnce(&[u8]) -> T) -> T {
    if path.is_absolute() {
        f(path.as_os_str().as_encoded_bytes())
    } else {
        f(cwd.join(path).as_os_str().as_encoded_bytes())
    }
}

/// The path a key was made from.
fn key_path(key: &[u8]) -> PathBuf {
    // SAFETY: keys are only made by `path_key`, from an `OsStr` of this
    // platform, and cache files are checksummed.
    PathBuf::from(unsafe { std::ffi::OsStr::from_encoded_bytes_unchecked(key) })
}

impl Cache {
    /// Open the cache for `key` under `dir`. Anything unreadable or foreign
    /// starts empty; a damaged file also leaves a [`Cache::note`].
    pub fn open(dir: &Path, key: u64) -> Cache {
        let file = dir.join(format!("v3-{key:016x}.bin"));
        let mut note = None;
        let (old, written): (HashMap<Vec<u8>, Entry>, u64) =
            match crate::sealed::read_decoded::<CacheFile>(&file) {
                Ok(Some((c, written))) if c.format == FORMAT => (
                    c.entries
                        .into_iter()
                        .map(|(k, e)| (k.into_vec(), e))
                        .collect(),
                    written,
                ),
                Ok(Some(_)) => {
                    note = Some(crate::sealed::damaged_note(&file, "it does not decode"));
                    Default::default()
                }
                Ok(None) => Default::default(),
                Err(why) => {
                    note = Some(why);
                    Default::default()
                }
            };
        let dirty = std::sync::atomic::AtomicBool::new(old.is_empty());
        Cache {
            file,
            old,
            new: Mutex::new(HashMap::new()),
            dirty,
            reused: std::sync::atomic::AtomicUsize::new(0),
            cwd: std::env::current_dir().unwrap_or_default(),
            written,
            note,
        }
    }

    /// Cached findings (and line count) of `path` when it is unchanged:
    /// `hash: None` trusts an unchanged stamp (the file was not read),
    /// `Some(hash)` compares the content hash.
    pub fn get(
        &self,
        path: &Path,
        hash: Option<u64>,
        stamp: Stamp,
    ) -> Option<(usize, Vec<Diagnostic>)> {
        let entry =
            with_path_key(&self.cwd, path, |key| self.old.get(key)).filter(|e| match hash {
                Some(h) => e.hash == h,
                None => e.stamp == stamp && stamp.trusted(self.written),
            })?;
        let diagnostics = entry
            .diagnostics
            .iter()
            .map(Stored::to_diagnostic)
            .collect::<Option<Vec<_>>>()?;
        // An entry read back unchanged stays in `old`, which `save` keeps;
        // a racy one is written again, so that it is no longer racy.
        if entry.stamp == stamp && stamp.trusted(self.written) {
            self.reused
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        } else {
            let mut kept = entry.clone();
            kept.stamp = stamp;
            self.dirty.store(true, std::sync::atomic::Ordering::Relaxed);
            self.new
                .lock()
                .expect("cache lock")
                .insert(path_key(&self.cwd, path), kept);
        }
        Some((entry.lines, diagnostics))
    }

    pub fn put(
        &self,
        path: &Path,
        hash: u64,
        stamp: Stamp,
        lines: usize,
        diagnostics: &[Diagnostic],
    ) {
        let entry = Entry {
            hash,
            stamp,
            lines,
            diagnostics: diagnostics.iter().map(Stored::from).collect(),
        };
        self.dirty.store(true, std::sync::atomic::Ordering::Relaxed);
        self.new
            .lock()
            .expect("cache lock")
            .insert(path_key(&self.cwd, path), entry);
    }

    /// Write the cache: this run's entries plus earlier ones whose files
    /// still exist. Errors are returned for the caller to report; a cache
    /// that cannot be written never fails a lint.
    pub fn save(self) -> std::io::Result<()> {
        // A warm run that found every file unchanged writes nothing.
        let dirty = self.dirty.load(std::sync::atomic::Ordering::Relaxed);
        let reused = self.reused.load(std::sync::atomic::Ordering::Relaxed);
        if !dirty && reused == self.old.len() {
            return Ok(());
        }
        let dir = self.file.parent().expect("a cache file has a directory");
        std::fs::create_dir_all(dir)?;
        let tag = dir.join("CACHEDIR.TAG");
        if !tag.exists() {
            std::fs::write(
                &tag,
                "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by scope-lint.\n",
            )?;
            std::fs::write(dir.join(".gitignore"), "*\n")?;
        }
        let mut entries = self.new.into_inner().expect("cache lock");
        // When this run saw every old entry's file (reused or re-linted),
        // they all exist: no need to `stat` them again to prune.
        let replaced = entries.keys().filter(|k| self.old.contains_key(*k)).count();
        let all_seen = reused + replaced >= self.old.len();
        let mut pruned = false;
        for (path, entry) in self.old {
            if entries.contains_key(&path) {
                continue;
            }
            if all_seen || key_path(&path).exists() {
                entries.insert(path, entry);
            } else {
                pruned = true;
            }
        }
        if !dirty && !pruned {
            return Ok(());
        }
        let payload = postcard::to_stdvec(&CacheFile {
            format: FORMAT.to_string(),
            entries: entries
                .into_iter()
                .map(|(k, e)| (serde_bytes::ByteBuf::from(k), e))
                .collect(),
        })
        .map_err(std::io::Error::other)?;
        crate::sealed::write(&self.file, &payload)
    }
}

/// The project root for the cache: the nearest ancestor of the current
/// directory with a `Cargo.toml` or `.git`, else the current directory.
pub fn default_dir() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let root = cwd
        .ancestors()
        .find(|d| d.join(".git").exists() || d.join("Cargo.toml").is_file())
        .unwrap_or(&cwd);
    root.join(DIR_NAME)
}
