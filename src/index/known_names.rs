//! The names of a file's crate that hold framework values, remembered
//! between runs. The prefilter asks them of a file that names no framework
//! crate but holds a rule's trigger ([`super::Index::names_framework_item`]):
//! answering needs the file's package in the index, and a warm run builds
//! that part of the index only for files that miss the result cache. After
//! an edit of 1% of a tree's files, most of those files are skipped by the
//! prefilter all the same, yet each built its package's part only to be
//! asked this. So the names asked for each file (with the models they were
//! asked under) are kept in the cache directory with the hash of the index
//! they came from, and used while the index hash is the same: the index is
//! then the same (the result cache trusts that hash the same way).

use super::FrameworkNames;
use crate::path_key::PathKey;
use foldhash::{HashMap, HashMapExt};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const FILE: &str = "framework-names-v1.bin";
const FORMAT: &str = "scope-lint-framework-names-v1";

#[derive(Serialize, Deserialize)]
struct NamesFile {
    format: String,
    /// The build that wrote it, and the hash of the index.
    build: String,
    index: u64,
    /// Each distinct list of names.
    lists: Vec<Vec<String>>,
    /// Absolute path bytes, models fingerprint, index into `lists`.
    files: Vec<(ByteBuf, u64, u32)>,
}

type Key = (PathKey, u64);

/// The names of one run: read when first asked (a warm run whose files
/// are all cached never asks), learnt while linting, saved once.
#[derive(Default)]
pub struct KnownNames {
    /// `None`: remembers nothing.
    file: Option<PathBuf>,
    index: u64,
    /// `None` until read.
    known: Mutex<Option<HashMap<Key, FrameworkNames>>>,
    /// Something was learnt: save.
    learnt: std::sync::atomic::AtomicBool,
}

impl KnownNames {
    pub fn none() -> KnownNames {
        KnownNames::default()
    }

    /// The names kept under `dir` for the index of hash `index`.
    pub fn open(dir: &Path, index: u64) -> KnownNames {
        KnownNames {
            file: Some(dir.join(FILE)),
            index,
            known: Mutex::new(None),
            learnt: Default::default(),
        }
    }

    fn read(&self) -> HashMap<Key, FrameworkNames> {
        let mut known = HashMap::new();
        let Some(file) = &self.file else {
            return known;
        };
        // Damaged or foreign: start empty; the names are only a shortcut.
        if let Ok(Some((f, _))) = crate::sealed::read_decoded::<NamesFile>(file) {
            if f.format == FORMAT && f.build == crate::build::id() && f.index == self.index {
                known.reserve(f.files.len());
                let lists: Vec<FrameworkNames> = f
                    .lists
                    .into_iter()
                    .map(|l| FrameworkNames::new(l.into()))
                    .collect();
                for (path, models, list) in f.files {
                    if let Some(names) = lists.get(list as usize) {
                        // SAFETY: made from an `OsStr` of this platform by
                        // `save`; the file is checksummed.
                        let path = PathBuf::from(unsafe {
                            std::ffi::OsStr::from_encoded_bytes_unchecked(&path)
                        });
                        known.insert((path.into(), models), names.clone());
                    }
                }
            }
        }
        known
    }

    /// The names for `path` (absolute) under the models `fingerprint`:
    /// remembered, or found by `find` (and then remembered).
    pub fn get_or(
        &self,
        path: &Path,
        fingerprint: u64,
        find: impl FnOnce() -> FrameworkNames,
    ) -> FrameworkNames {
        let key = (PathKey::from(path), fingerprint);
        if let Some(found) = self
            .known
            .lock()
            .expect("names lock")
            .get_or_insert_with(|| self.read())
            .get(&key)
        {
            return found.clone();
        }
        let found = find();
        if self.file.is_some() {
            self.learnt
                .store(true, std::sync::atomic::Ordering::Relaxed);
            self.known
                .lock()
                .expect("names lock")
                .get_or_insert_with(HashMap::new)
                .insert(key, found.clone());
        }
        found
    }

    /// Write the names when some were learnt. Errors are ignored: the
    /// names only save time.
    pub fn save(&self) {
        let Some(file) = &self.file else { return };
        if !self.learnt.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        let known = self.known.lock().expect("names lock");
        let Some(known) = known.as_ref() else { return };
        let mut lists: Vec<Vec<String>> = Vec::new();
        let mut list_of: HashMap<Arc<[String]>, u32> = HashMap::new();
        let mut files = Vec::with_capacity(known.len());
        for ((path, models), names) in known.iter() {
            let list = *list_of.entry(names.words.clone()).or_insert_with(|| {
                lists.push(names.words.to_vec());
                lists.len() as u32 - 1
            });
            files.push((
                ByteBuf::from(path.as_os_str().as_encoded_bytes()),
                *models,
                list,
            ));
        }
        let Ok(payload) = postcard::to_stdvec(&NamesFile {
            format: FORMAT.to_string(),
            build: crate::build::id().to_string(),
            index: self.index,
            lists,
            files,
        }) else {
            return;
        };
        if file
            .parent()
            .is_some_and(|d| std::fs::create_dir_all(d).is_ok())
        {
            let _ = crate::sealed::write(file, &payload);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kept_for_the_same_index_only() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let file = d.join("src/a.rs");
        let names = || FrameworkNames::new(vec!["AppState".to_string()].into());
        let first = KnownNames::open(d, 7);
        assert!(first.get_or(&file, 1, names).named_in(b"st: AppState"));
        first.save();
        let again = KnownNames::open(d, 7);
        let recalled = again.get_or(&file, 1, || panic!("remembered"));
        assert!(recalled.named_in(b"x: &AppState,"));
        assert!(!recalled.named_in(b"MyAppState"));
        // Other models, or another index: found again.
        let mut found = false;
        again.get_or(&file, 2, || {
            found = true;
            FrameworkNames::default()
        });
        assert!(found);
        let other = KnownNames::open(d, 8);
        let mut found = false;
        other.get_or(&file, 1, || {
            found = true;
            FrameworkNames::default()
        });
        assert!(found, "another index");
    }
}
