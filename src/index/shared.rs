//! The index as the linters share it: built at once, or built when a
//! file's analysis needs it. A warm run whose every file comes from the
//! result cache never builds it: what the cache key needs (the index's
//! hash) is known from the summary store when no input changed, or when
//! only function bodies changed (see [`super::Store::unchanged_interfaces`]).
//! Then the few files that miss the cache need only their own package's
//! part of the index: [`SharedIndex::by_package`] builds each package's
//! part the first time one of its files asks, never the whole tree's.

use super::known_names::KnownNames;
use super::Index;
use crate::models::Models;
use crate::path_key::{PathKey, PathRef};
use foldhash::{HashMap, HashMapExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

type Build = Box<dyn FnOnce() -> Index + Send>;

/// Builds the index of the files of one package (by its manifest).
type BuildPart = Box<dyn Fn(&[PathBuf]) -> Index + Send + Sync>;

/// The walk's files with the manifest of their package, listed when a
/// file first needs its package's part.
type ListFiles = Box<dyn FnOnce() -> Vec<(PathBuf, Option<PathBuf>)> + Send>;

pub struct SharedIndex {
    /// The hash of the index's signatures (part of the result cache key).
    pub hash: u64,
    cell: OnceLock<Arc<Index>>,
    build: Mutex<Option<Build>>,
    parts: Option<Parts>,
    /// The names each file's crate gives framework values, remembered.
    names: KnownNames,
    /// Writing the summary store, on another thread ([`SharedIndex::saving`]).
    saving: Mutex<Option<std::thread::JoinHandle<()>>>,
}

/// The index built per package, on demand.
struct Parts {
    /// Which files each package has: a warm run whose every file is
    /// cached never asks.
    packages: OnceLock<Packages>,
    list: Mutex<Option<Listing>>,
    build: BuildPart,
    built: Mutex<HashMap<PathKey, Arc<OnceLock<Arc<Index>>>>>,
    /// The index of files outside every package: nothing.
    empty: Arc<Index>,
}

/// The walk's files by package: listed when first asked, or already
/// being listed on another thread ([`SharedIndex::list_packages_now`]).
enum Listing {
    Later(ListFiles),
    Started(std::thread::JoinHandle<Packages>),
}

#[derive(Default)]
struct Packages {
    /// The manifest of each file of the walk, and the files of each.
    manifest_of: HashMap<PathKey, PathKey>,
    files_of: HashMap<PathKey, Vec<PathBuf>>,
}

impl Packages {
    fn of(list: Vec<(PathBuf, Option<PathBuf>)>) -> Packages {
        let mut packages = Packages {
            manifest_of: HashMap::with_capacity(list.len()),
            files_of: HashMap::new(),
        };
        for (file, manifest) in list {
            if let Some(m) = manifest.map(PathKey::from) {
                packages
                    .files_of
                    .entry(m.clone())
                    .or_default()
                    .push(file.clone());
                // As the walk wrote it: the linted paths are the walk's.
                packages.manifest_of.insert(file.into(), m);
            }
        }
        packages
    }
}

impl Parts {
    fn packages(&self) -> &Packages {
        self.packages.get_or_init(
            || match self.list.lock().expect("index parts lock").take() {
                Some(Listing::Later(list)) => Packages::of(list()),
                Some(Listing::Started(listing)) => listing.join().unwrap_or_default(),
                None => Packages::default(),
            },
        )
    }
}

impl SharedIndex {
    pub fn ready(index: Index) -> SharedIndex {
        let hash = index.hash;
        let cell = OnceLock::new();
        let _ = cell.set(Arc::new(index));
        SharedIndex {
            hash,
            cell,
            build: Mutex::new(None),
            parts: None,
            names: KnownNames::none(),
            saving: Mutex::new(None),
        }
    }

    /// An index whose hash is known and which `build` makes when asked.
    pub fn lazy(hash: u64, build: impl FnOnce() -> Index + Send + 'static) -> SharedIndex {
        SharedIndex {
            hash,
            cell: OnceLock::new(),
            build: Mutex::new(Some(Box::new(build))),
            parts: None,
            names: KnownNames::none(),
            saving: Mutex::new(None),
        }
    }

    /// An index whose hash is known, built one package at a time: `files`
    /// lists the walk's files with the manifest of their package (`None`
    /// outside every package), when a file first asks; `build` indexes
    /// one package's files (it reaches their path dependencies itself).
    pub fn by_package(
        hash: u64,
        files: impl FnOnce() -> Vec<(PathBuf, Option<PathBuf>)> + Send + 'static,
        build: impl Fn(&[PathBuf]) -> Index + Send + Sync + 'static,
    ) -> SharedIndex {
        SharedIndex {
            hash,
            cell: OnceLock::new(),
            build: Mutex::new(None),
            parts: Some(Parts {
                packages: OnceLock::new(),
                list: Mutex::new(Some(Listing::Later(Box::new(files)))),
                build: Box::new(build),
                built: Mutex::new(HashMap::new()),
                empty: Arc::new(Index {
                    hash,
                    ..Index::default()
                }),
            }),
            names: KnownNames::none(),
            saving: Mutex::new(None),
        }
    }

    /// Start listing the files of each package on another thread: a run
    /// that will lint changed files needs the list, and listing them while
    /// the linters are set up takes it off the path of the first file.
    pub fn list_packages_now(&self) {
        let Some(parts) = &self.parts else { return };
        let mut list = parts.list.lock().expect("index parts lock");
        if let Some(Listing::Later(files)) = list.take() {
            *list = Some(Listing::Started(std::thread::spawn(move || {
                Packages::of(files())
            })));
        }
    }

    /// The whole index (built now if it is lazy; per package, the index
    /// of every package).
    pub fn get(&self) -> &Index {
        self.cell.get_or_init(|| {
            if let Some(parts) = &self.parts {
                let all: Vec<PathBuf> = parts
                    .packages()
                    .files_of
                    .values()
                    .flatten()
                    .cloned()
                    .collect();
                let mut index = (parts.build)(&all);
                index.hash = self.hash;
                return Arc::new(index);
            }
            let build = self.build.lock().expect("index build lock").take();
            Arc::new(build.map_or_else(Index::default, |b| b()))
        })
    }

    /// What the analysis of `path` (a path of the walk, as it wrote it)
    /// needs of the index: the whole index, or, built per package, the
    /// part of `path`'s package.
    pub fn get_for(&self, path: &Path) -> Arc<Index> {
        let Some(parts) = &self.parts else {
            self.get();
            return self.cell.get().expect("built just now").clone();
        };
        if let Some(whole) = self.cell.get() {
            return whole.clone();
        }
        let packages = parts.packages();
        let Some(manifest) = packages.manifest_of.get(PathRef::new(path)) else {
            return parts.empty.clone();
        };
        let cell = parts
            .built
            .lock()
            .expect("index parts lock")
            .entry(manifest.clone())
            .or_default()
            .clone();
        cell.get_or_init(|| {
            let mut index = (parts.build)(&packages.files_of[manifest]);
            index.hash = self.hash;
            Arc::new(index)
        })
        .clone()
    }

    /// With the names of earlier runs (see [`KnownNames`]).
    pub fn with_names(mut self, names: KnownNames) -> SharedIndex {
        self.names = names;
        self
    }

    /// [`Index::names_framework_item`] for the file at `path`: remembered
    /// from an earlier run with the same index, or asked of its package's
    /// part of the index (built now if need be).
    pub fn names_framework_item(&self, path: &Path, models: &Models, text: &[u8]) -> bool {
        self.names
            .get_or(&super::absolute(path), models.fingerprint, || {
                let ix = self.get_for(path);
                ix.file(path)
                    .map(|ctx| ix.framework_matcher(ctx.krate, models))
                    .unwrap_or_default()
            })
            .named_in(text)
    }

    /// Keep the names learnt this run, and wait for the store being
    /// written ([`SharedIndex::saving`]).
    pub fn save_names(&self) {
        self.names.save();
        if let Some(saving) = self.saving.lock().expect("index saving lock").take() {
            let _ = saving.join();
        }
    }

    /// The summary store is being written by `saving`: the run waits for
    /// it before it ends ([`SharedIndex::save_names`]).
    pub fn saving(self, saving: std::thread::JoinHandle<()>) -> SharedIndex {
        *self.saving.lock().expect("index saving lock") = Some(saving);
        self
    }

    /// The index if it was built (for `--timings`).
    pub fn built(&self) -> Option<&Index> {
        self.cell.get().map(|a| &**a)
    }

    /// Files indexed in this run (for `--timings`): of the whole index,
    /// or of the packages built.
    pub fn files_indexed(&self) -> usize {
        if let Some(whole) = self.cell.get() {
            return whole.file_count;
        }
        self.parts.as_ref().map_or(0, |parts| {
            parts
                .built
                .lock()
                .expect("index parts lock")
                .values()
                .filter_map(|c| c.get())
                .map(|ix| ix.file_count)
                .sum()
        })
    }
}
