//! Paths as hash-map keys, hashed and compared by their bytes.
//!
//! std's `Path` hashes itself component by component, so that it agrees
//! with its `==` (which takes `a//b` and `a/./b` for `a/b`): several
//! hundred instructions for a typical path, again each time its map grows.
//! A run's maps hold tens of thousands of paths (the index store, the
//! walk's packages, the remembered framework names); on the bench corpus
//! with 1% of its files touched, hashing paths was a tenth of the run.
//!
//! A [`PathKey`] hashes and compares the path's bytes, so two spellings of
//! one path are two keys. Use it where every key and every lookup is
//! spelt by the same hand: the walk's paths, or paths made absolute by one
//! function. Look a key up by a borrowed path with [`PathRef::new`].

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// An owned path key (see the module docs).
#[derive(Clone, Default)]
pub struct PathKey(PathBuf);

/// A borrowed path key: what a [`PathKey`] map is looked up by.
#[repr(transparent)]
pub struct PathRef(Path);

impl PathRef {
    pub fn new(path: &Path) -> &PathRef {
        // SAFETY: `PathRef` is `repr(transparent)` over `Path`, so the two
        // references have the same layout and metadata.
        unsafe { &*(path as *const Path as *const PathRef) }
    }

    pub fn as_path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_os_str().as_encoded_bytes()
    }
}

impl Hash for PathRef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.bytes().hash(state)
    }
}

impl PartialEq for PathRef {
    fn eq(&self, other: &PathRef) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for PathRef {}

impl PathKey {
    pub fn as_path(&self) -> &Path {
        &self.0
    }

    pub fn into_path_buf(self) -> PathBuf {
        self.0
    }
}

impl Hash for PathKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        PathRef::new(&self.0).hash(state)
    }
}

impl PartialEq for PathKey {
    fn eq(&self, other: &PathKey) -> bool {
        PathRef::new(&self.0) == PathRef::new(&other.0)
    }
}

impl Eq for PathKey {}

impl Borrow<PathRef> for PathKey {
    fn borrow(&self) -> &PathRef {
        PathRef::new(&self.0)
    }
}

impl std::ops::Deref for PathKey {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl From<PathBuf> for PathKey {
    fn from(path: PathBuf) -> PathKey {
        PathKey(path)
    }
}

impl From<&Path> for PathKey {
    fn from(path: &Path) -> PathKey {
        PathKey(path.to_path_buf())
    }
}

impl std::fmt::Debug for PathKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use foldhash::HashMap;

    #[test]
    fn a_key_is_found_by_the_same_bytes_only() {
        let mut map: HashMap<PathKey, u32> = HashMap::default();
        map.insert(PathBuf::from("/a/b/c.rs").into(), 1);
        map.insert(Path::new("/a/b/d.rs").into(), 2);
        assert_eq!(map.get(PathRef::new(Path::new("/a/b/c.rs"))), Some(&1));
        assert_eq!(map.get(PathRef::new(Path::new("/a/b/d.rs"))), Some(&2));
        // Another spelling of the same file is another key (std's `Path`
        // takes these for equal).
        assert_eq!(Path::new("/a//b/c.rs"), Path::new("/a/b/c.rs"));
        assert_eq!(map.get(PathRef::new(Path::new("/a//b/c.rs"))), None);
        assert_eq!(map.get(PathRef::new(Path::new("/a/b/./c.rs"))), None);
        assert_eq!(map.get(PathRef::new(Path::new("/a/b"))), None);
        // Owned and borrowed keys hash alike.
        let h = |k: &dyn Fn(&mut std::collections::hash_map::DefaultHasher)| {
            let mut s = std::collections::hash_map::DefaultHasher::new();
            k(&mut s);
            s.finish()
        };
        let owned = PathKey::from(PathBuf::from("/x/y.rs"));
        assert_eq!(
            h(&|s| owned.hash(s)),
            h(&|s| PathRef::new(Path::new("/x/y.rs")).hash(s))
        );
    }
}
