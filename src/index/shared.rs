//! The index as the linters share it: built at once, or built the first
//! time a file's analysis needs it. A warm run whose every file comes from
//! the result cache never builds it: what the cache key needs (the index's
//! hash) is known from the summary store when no input changed.

use super::Index;
use std::sync::{Arc, Mutex, OnceLock};

type Build = Box<dyn FnOnce() -> Index + Send>;

pub struct SharedIndex {
    /// The hash of the index's signatures (part of the result cache key).
    pub hash: u64,
    cell: OnceLock<Arc<Index>>,
    build: Mutex<Option<Build>>,
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
        }
    }

    /// An index whose hash is known and which `build` makes when asked.
    pub fn lazy(hash: u64, build: impl FnOnce() -> Index + Send + 'static) -> SharedIndex {
        SharedIndex {
            hash,
            cell: OnceLock::new(),
            build: Mutex::new(Some(Box::new(build))),
        }
    }

    pub fn get(&self) -> &Index {
        self.cell.get_or_init(|| {
            let build = self.build.lock().expect("index build lock").take();
            Arc::new(build.map_or_else(Index::default, |b| b()))
        })
    }

    /// The index if it was built (for `--timings`).
    pub fn built(&self) -> Option<&Index> {
        self.cell.get().map(|a| &**a)
    }
}
