//! The summary store: what the index learnt of each file on an earlier
//! run (does it name a framework crate, its item summary), kept beside the
//! result cache and keyed by path, modification time and size like git's
//! index. A warm run then neither reads nor lexes an unchanged file to
//! build the crate index. The stamps follow the result cache's rules
//! (change time, racy entries, see [`crate::cache`]); paths are stored as
//! bytes, so names that are not UTF-8 are kept apart (and do not stop the
//! store from being saved). A damaged store is discarded with a note, a
//! foreign one ignored. The file holds the last index's inputs before the
//! files' entries, each part with its checksum: the entries are read and
//! decoded only when a run needs them, so a warm run whose inputs are all
//! unchanged reads the first part alone (see [`crate::sealed::OpenedParts`]).

use super::summary::FileSummary;
use crate::path_key::{PathKey, PathRef};
use foldhash::{HashMap, HashMapExt};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const FORMAT: &str = "scope-lint-index-v6";

use crate::cache::Stamp;
use serde_bytes::ByteBuf;

#[derive(Serialize, Clone, Default)]
pub struct Known {
    pub stamp: Stamp,
    /// Names a framework crate in code (see `Index::build`); `None`: not
    /// looked at yet.
    pub relevant: Option<bool>,
    /// The item summary, serialized (postcard): a run holds every file's
    /// entry until it saves, so entries stay small. Written as bytes, not
    /// a sequence of numbers: read without decoding (see [`SummaryBytes`])
    /// and written by copying.
    summary: Option<SummaryBytes>,
}

/// A [`Known`] as the store file holds it, borrowed from the file.
#[derive(Deserialize)]
struct KnownInFile<'a> {
    stamp: Stamp,
    relevant: Option<bool>,
    #[serde(borrow)]
    summary: Option<&'a serde_bytes::Bytes>,
}

/// A summary's bytes: made this run, or a part of the store's entries as
/// read (shared, not copied: the store holds megabytes of summaries, and
/// an edit's run decodes every entry but looks at few summaries).
#[derive(Clone)]
enum SummaryBytes {
    Made(Vec<u8>),
    Stored(std::sync::Arc<Vec<u8>>, std::ops::Range<usize>),
}

impl SummaryBytes {
    fn bytes(&self) -> &[u8] {
        match self {
            SummaryBytes::Made(b) => b,
            SummaryBytes::Stored(all, at) => &all[at.clone()],
        }
    }
}

/// Written as a byte string, as `serde_bytes` writes a `Vec<u8>`.
impl Serialize for SummaryBytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.bytes())
    }
}

impl Known {
    pub fn summary(&self) -> Option<FileSummary> {
        postcard::from_bytes(self.summary.as_ref()?.bytes()).ok()
    }

    pub fn set_summary(&mut self, summary: &FileSummary) {
        self.summary = postcard::to_stdvec(summary).ok().map(SummaryBytes::Made);
    }
}

/// The file's head; its rest is the entries (path bytes and what is
/// known of the file, `Vec<(bytes, Known)>`, the summaries as byte
/// strings, see [`Known::summary`]).
#[derive(Serialize, Deserialize)]
struct StoreHead {
    format: String,
    /// The build that wrote it: summaries change with the code that makes
    /// them.
    build: String,
    last: Option<LastIndex>,
}

/// What the barrier learnt of a changed file whose interface is the same.
enum Learnt {
    /// Its new summary (and whether it names a framework crate, as before).
    Summary(FileSummary, Option<bool>),
    /// Never summarized; it names a framework crate as before (or not).
    Relevant(bool),
}

/// The index the last run built: its hash, and every input it came from
/// (the files of the walk, the files indexed, the manifests) with their
/// stamps. When none changed, the next run knows the hash without
/// building anything.
#[derive(Serialize, Deserialize, Clone, Default)]
pub struct LastIndex {
    /// A hash of the walk's file list (a new or removed file changes it).
    pub walk: u64,
    /// The inputs' path bytes, each ended by a 0 byte (no path holds
    /// one): first the walk's files, in the walk's order (the same walk
    /// lists them so again), then the other inputs. One buffer, not one
    /// per path: a warm run decodes this for every file of the tree.
    paths: ByteBuf,
    /// The inputs' stamps, in the same order.
    stamps: Vec<Stamp>,
    /// How many of the inputs are the walk's files.
    pub walked: usize,
    pub hash: u64,
}

impl LastIndex {
    fn new(walk: u64, inputs: &[(ByteBuf, Stamp)], walked: usize, hash: u64) -> LastIndex {
        let mut paths = Vec::with_capacity(inputs.iter().map(|(p, _)| p.len() + 1).sum());
        for (p, _) in inputs {
            paths.extend_from_slice(p);
            paths.push(0);
        }
        LastIndex {
            walk,
            paths: ByteBuf::from(paths),
            stamps: inputs.iter().map(|(_, s)| *s).collect(),
            walked,
            hash,
        }
    }

    /// Each input's path bytes and stamp.
    fn inputs(&self) -> impl Iterator<Item = (&[u8], Stamp)> + '_ {
        self.paths
            .split(|b| *b == 0)
            .zip(self.stamps.iter().copied())
    }

    /// Each input with its stamp now: the walk's files from `walked`
    /// (stamped once for the whole run, `None` when that failed), the
    /// others `stat`ed now.
    fn now<'a>(
        &'a self,
        walked: &'a [Option<Stamp>],
    ) -> Option<impl Iterator<Item = (&'a [u8], Stamp, Option<Stamp>)> + 'a> {
        (walked.len() == self.walked && self.walked <= self.stamps.len()).then(|| {
            self.inputs().enumerate().map(move |(i, (p, then))| {
                let now = match walked.get(i) {
                    Some(s) => *s,
                    None => std::fs::metadata(bytes_path(p))
                        .ok()
                        .map(|m| crate::cache::stamp(&m)),
                };
                (p, then, now)
            })
        })
    }
}

fn path_bytes(path: &Path) -> ByteBuf {
    ByteBuf::from(path.as_os_str().as_encoded_bytes())
}

fn bytes_path(bytes: &[u8]) -> PathBuf {
    // SAFETY: made by `path_bytes` on this platform; the file is checksummed.
    PathBuf::from(unsafe { std::ffi::OsStr::from_encoded_bytes_unchecked(bytes) })
}

/// The store of one run: read at start, added to, saved once.
pub struct Store {
    file: Option<PathBuf>,
    /// The entries read, decoded from `undecoded` when first needed.
    old: std::sync::OnceLock<HashMap<PathKey, Known>>,
    /// The file opened, its entries not read yet.
    undecoded: Mutex<Option<crate::sealed::OpenedParts>>,
    new: Mutex<HashMap<PathKey, Known>>,
    last: Option<LastIndex>,
    new_last: Option<LastIndex>,
    /// When the store file was written (ns): stamps not older are racy.
    written: u64,
    /// The walk's files (sorted by their bytes) and their stamps this run.
    walk: Option<(Vec<PathBuf>, Vec<Option<Stamp>>)>,
    /// Why the store on disk was discarded, for a note on stderr.
    pub note: Option<String>,
}

fn build_id() -> String {
    format!("{}-{}", crate::build::id(), FORMAT)
}

impl Store {
    /// A store that remembers nothing (stdin, editors, `--no-cache`).
    pub fn none() -> Store {
        Store {
            file: None,
            old: std::sync::OnceLock::from(HashMap::new()),
            undecoded: Mutex::new(None),
            new: Mutex::new(HashMap::new()),
            last: None,
            new_last: None,
            written: 0,
            note: None,
            walk: None,
        }
    }

    pub fn open(dir: &Path) -> Store {
        let file = dir.join("index-v6.bin");
        let mut note = None;
        let (undecoded, last, written) = match crate::sealed::read_head(&file) {
            Ok(opened) => match postcard::from_bytes::<StoreHead>(opened.head()) {
                Ok(head) if head.format == FORMAT && head.build == build_id() => {
                    let written = opened.written;
                    (Some(opened), head.last, written)
                }
                // Another build's store (summaries may differ): start
                // empty, say nothing.
                Ok(_) => Default::default(),
                Err(_) => {
                    note = Some(crate::sealed::damaged_note(&file, "it does not decode"));
                    Default::default()
                }
            },
            Err(crate::sealed::Unusable::Missing) => Default::default(),
            Err(crate::sealed::Unusable::Damaged(why)) => {
                note = Some(crate::sealed::damaged_note(&file, &why));
                Default::default()
            }
        };
        Store {
            file: Some(file),
            old: std::sync::OnceLock::new(),
            undecoded: Mutex::new(undecoded),
            new: Mutex::new(HashMap::new()),
            last,
            new_last: None,
            written,
            note,
            walk: None,
        }
    }

    /// The entries of the store file, decoded now if not yet. Entries
    /// that do not decode (the checksum held: a foreign writer) are
    /// dropped, as a foreign store is.
    fn old(&self) -> &HashMap<PathKey, Known> {
        self.old.get_or_init(|| {
            let Some(opened) = self.undecoded.lock().expect("store lock").take() else {
                return HashMap::new();
            };
            // Entries that were damaged since the head was written are
            // dropped like ones that do not decode: the files are read
            // and summarized again.
            let Ok(bytes) = opened.rest() else {
                return HashMap::new();
            };
            let bytes = std::sync::Arc::new(bytes);
            // The paths are borrowed from the file, copied once into keys;
            // the summaries stay in it.
            let start = bytes.as_ptr() as usize;
            let Ok(entries) =
                postcard::from_bytes::<Vec<(&serde_bytes::Bytes, KnownInFile)>>(&bytes)
            else {
                return HashMap::new();
            };
            entries
                .into_iter()
                .map(|(p, k)| {
                    let summary = k.summary.map(|b| {
                        let at = b.as_ptr() as usize - start;
                        SummaryBytes::Stored(bytes.clone(), at..at + b.len())
                    });
                    let known = Known {
                        stamp: k.stamp,
                        relevant: k.relevant,
                        summary,
                    };
                    (PathKey::from(bytes_path(p)), known)
                })
                .collect()
        })
    }

    /// The hash of the last run's index, when the walk gave the same files
    /// and no input of the index changed since. `walked`: the stamps of
    /// the walk's files now.
    pub fn unchanged_index(&self, walk: u64, walked: &[Option<Stamp>]) -> Option<u64> {
        let last = self.last.as_ref().filter(|l| l.walk == walk)?;
        let same = last
            .now(walked)?
            .all(|(_, then, now)| now == Some(then) && then.trusted(self.written));
        same.then_some(last.hash)
    }

    /// Remember the index this run built, and what it came from: the
    /// walk's files (absolute) with their stamps when the run began, and
    /// the other inputs (absolute; those also in the walk are left out).
    pub fn record_index(
        &mut self,
        walk: u64,
        walked: Vec<(PathBuf, Option<Stamp>)>,
        others: impl Iterator<Item = PathBuf>,
        hash: u64,
    ) {
        if self.file.is_none() {
            return;
        }
        let in_walk: foldhash::HashSet<&PathRef> =
            walked.iter().map(|(p, _)| PathRef::new(p)).collect();
        let mut rest: Vec<(ByteBuf, Stamp)> = others
            .filter(|p| !in_walk.contains(PathRef::new(p)))
            .filter_map(|p| {
                let m = std::fs::metadata(&p).ok()?;
                Some((path_bytes(&p), crate::cache::stamp(&m)))
            })
            .collect();
        rest.sort();
        rest.dedup();
        // A file that could not be stamped gets a stamp never trusted.
        let mut inputs: Vec<(ByteBuf, Stamp)> = walked
            .iter()
            .map(|(p, s)| (path_bytes(p), s.unwrap_or_default()))
            .collect();
        let walked = inputs.len();
        inputs.extend(rest);
        self.new_last = Some(LastIndex::new(walk, &inputs, walked, hash));
    }

    /// The walk's files, sorted by their bytes as a walk sorts them, and
    /// their stamps this run: [`Store::stamp`] of one of them is not
    /// asked of the file system again.
    pub fn know_walk(&mut self, files: Vec<PathBuf>, stamps: Vec<Option<Stamp>>) {
        debug_assert!(files.is_sorted_by(|a, b| a.as_os_str() <= b.as_os_str()));
        if files.len() == stamps.len() {
            self.walk = Some((files, stamps));
        }
    }

    /// What is known of `path` if it is unchanged (`None` for a store that
    /// remembers nothing, or a file that cannot be `stat`ed).
    pub fn stamp(&self, path: &Path) -> Option<Stamp> {
        self.file.as_ref()?;
        if let Some((files, stamps)) = &self.walk {
            if let Ok(i) = files.binary_search_by(|f| f.as_os_str().cmp(path.as_os_str())) {
                return stamps[i];
            }
        }
        std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| crate::cache::stamp(&m))
    }

    pub fn known(&self, path: &Path, stamp: Option<Stamp>) -> Option<Known> {
        let stamp = stamp?;
        // Keyed by absolute path, as the last index's inputs are: a run
        // over `src` and the barrier must find the same entries.
        let path = &super::absolute(path);
        let path = PathRef::new(path);
        if let Some(k) = self.new.lock().expect("store lock").get(path) {
            return (k.stamp == stamp).then(|| k.clone());
        }
        self.old()
            .get(path)
            .filter(|k| k.stamp == stamp && stamp.trusted(self.written))
            .cloned()
    }

    /// Record what was learnt of `path` (merged with what is known).
    pub fn learn(&self, path: &Path, stamp: Option<Stamp>, f: impl FnOnce(&mut Known)) {
        let Some(stamp) = stamp else { return };
        if self.file.is_none() {
            return;
        }
        let path = &super::absolute(path);
        let mut new = self.new.lock().expect("store lock");
        let entry = new.entry(PathKey::from(path.as_path())).or_insert_with(|| {
            self.old()
                .get(PathRef::new(path))
                .filter(|k| k.stamp == stamp && stamp.trusted(self.written))
                .cloned()
                .unwrap_or(Known {
                    stamp,
                    ..Known::default()
                })
        });
        entry.stamp = stamp;
        f(entry);
    }

    /// Write the store when something was learnt. Errors are ignored: the
    /// store only saves time. The store stays usable (the lazily built
    /// parts of an index read it after the run has saved it).
    pub fn save(&self) {
        let Some(file) = &self.file else { return };
        let new = self.new.lock().expect("store lock");
        if new.is_empty() && self.new_last.is_none() {
            return;
        }
        // Files of this run's walk exist (they were stamped): only the
        // others are looked for.
        let walked: foldhash::HashSet<&[u8]> = self
            .new_last
            .iter()
            .flat_map(|l| l.inputs().take(l.walked))
            .filter(|(_, s)| s.mtime != 0)
            .map(|(p, _)| p)
            .collect();
        let mut size = 0;
        let entries: Vec<(&serde_bytes::Bytes, &Known)> = self
            .old()
            .iter()
            .filter(|(p, _)| !new.contains_key(*p))
            .chain(new.iter())
            .map(|(p, k)| (p.as_os_str().as_encoded_bytes(), k))
            .filter(|(p, _)| walked.contains(p) || bytes_path(p).exists())
            .map(|(p, k)| {
                size += p.len() + k.summary.as_ref().map_or(0, |s| s.bytes().len()) + 48;
                (serde_bytes::Bytes::new(p), k)
            })
            .collect();
        // A `StoreHead` (same fields, borrowed), then the entries (paths as
        // bytes), each part sealed on its own (see `sealed::OpenedParts`).
        #[derive(Serialize)]
        struct StoreHeadRef<'a> {
            format: &'a str,
            build: String,
            last: Option<&'a LastIndex>,
        }
        let last = self.new_last.as_ref().or(self.last.as_ref());
        let head = StoreHeadRef {
            format: FORMAT,
            build: build_id(),
            last,
        };
        let head_size = last.map_or(0, |l| l.paths.len() + l.stamps.len() * 40);
        // Sized once: the store is megabytes, doubling would copy it often.
        let (Ok(head), Ok(entries)) = (
            postcard::to_extend(&head, Vec::with_capacity(head_size + 64)),
            postcard::to_extend(&entries, Vec::with_capacity(size + 8)),
        ) else {
            return;
        };
        let Some(dir) = file.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let _ = crate::sealed::write_parts(file, &head, &entries);
        // The store of builds before the two-part file, megabytes.
        let _ = std::fs::remove_file(dir.join("index-v4.bin"));
    }

    /// Whether the edited source file at `path` (stamped `then` when the
    /// index was built) still shows other files what it showed: `None`
    /// when it may not (then anything may follow); else what to learn.
    fn still_same(
        &self,
        path: &Path,
        then: Stamp,
        relevant: &(dyn Fn(&str) -> bool + Sync),
    ) -> Option<Option<Learnt>> {
        // Manifests and configuration files: anything may follow.
        if path.extension().is_none_or(|e| e != "rs") {
            return None;
        }
        // Unreadable reads as empty, as when the index was built.
        let text = crate::read::read_source_text(path).unwrap_or_default();
        let known = self.old().get(PathRef::new(path));
        let was_relevant = known.and_then(|k| k.relevant);
        // A file that made its package worth indexing must still, and
        // one of a package not indexed must still not.
        if was_relevant.is_some_and(|r| r != relevant(&text)) {
            return None;
        }
        if let Some(old) = known.and_then(Known::summary) {
            if text.len() > super::MAX_SUMMARY_BYTES {
                return None;
            }
            let new = FileSummary::of_text(&text);
            if new.interface_hash() != old.interface_hash() {
                return None;
            }
            return Some(Some(Learnt::Summary(new, was_relevant)));
        }
        if then.size as usize > super::MAX_SUMMARY_BYTES && text.len() <= super::MAX_SUMMARY_BYTES {
            // Too big to summarize then; it may not be now.
            return None;
        }
        // Else never summarized nor asked: outside every module tree of a
        // package indexed for another file, it adds nothing. (A file in a
        // module tree that could not be read as UTF-8 is not told apart:
        // it has to change its interface as well to be missed.)
        Some(was_relevant.map(Learnt::Relevant))
    }

    /// The invalidation barrier: when the last run's index had the same
    /// walk and every input that changed since is a source file whose
    /// item summary (what other files can see of it) is the same, the
    /// index is the same and its hash is the last one. An edit inside a
    /// function body, or a comment, then re-lints only the edited files.
    /// What this learns of the changed files is kept (their new stamps
    /// and summaries), and the inputs are recorded with their new stamps.
    /// `relevant` is the index's test of whether a text names a framework
    /// crate; `None`: something changed that the index may see.
    pub fn unchanged_interfaces(
        &mut self,
        walk: u64,
        walked: &[Option<Stamp>],
        relevant: &(dyn Fn(&str) -> bool + Sync),
    ) -> Option<u64> {
        use rayon::prelude::*;
        let last = self.last.as_ref().filter(|l| l.walk == walk)?;
        let mut stamps = Vec::with_capacity(last.stamps.len());
        let mut changed = Vec::new();
        for (bytes, then, now) in last.now(walked)? {
            let stamp = now?;
            if !(stamp == then && stamp.trusted(self.written)) {
                changed.push((bytes_path(bytes), then, stamp));
            }
            stamps.push(stamp);
        }
        // The same inputs, with their stamps now.
        let new_last = LastIndex {
            stamps,
            ..last.clone()
        };
        // Each changed file is read and summarized again on its own (in
        // the caller's pool); what is learnt is kept after.
        let this = &*self;
        let learnt: Vec<Option<Learnt>> = changed
            .par_iter()
            .map(|(path, then, _)| this.still_same(path, *then, relevant))
            .collect::<Option<_>>()?;
        for ((path, _, stamp), learnt) in changed.iter().zip(learnt) {
            match learnt {
                Some(Learnt::Summary(new, was_relevant)) => self.learn(path, Some(*stamp), |k| {
                    k.set_summary(&new);
                    k.relevant = was_relevant;
                }),
                Some(Learnt::Relevant(r)) => {
                    self.learn(path, Some(*stamp), |k| k.relevant = Some(r))
                }
                None => {}
            }
        }
        let hash = new_last.hash;
        self.new_last = Some(new_last);
        Some(hash)
    }
}
