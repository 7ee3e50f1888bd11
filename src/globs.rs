//! A set of globs of any size. `globset` compiles a set into one regular
//! expression, whose automaton has a size limit: some thousands of
//! patterns (a generated `exclude` list) end in "error building NFA". The
//! patterns are compiled in chunks instead, each well under the limit; a
//! path matches the set when it matches any chunk.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::Path;

/// Patterns per compiled chunk: small enough for the automaton's limit
/// whatever the patterns, large enough that matching stays a few lookups.
const CHUNK: usize = 256;

#[derive(Debug, Default)]
pub struct Globs {
    chunks: Vec<GlobSet>,
}

impl Globs {
    pub fn empty() -> Globs {
        Globs::default()
    }

    /// Compile `globs`; the error of the chunk that failed.
    pub fn new(globs: Vec<Glob>) -> Result<Globs, globset::Error> {
        let mut chunks = Vec::new();
        for chunk in globs.chunks(CHUNK) {
            let mut b = GlobSetBuilder::new();
            for g in chunk {
                b.add(g.clone());
            }
            chunks.push(b.build()?);
        }
        Ok(Globs { chunks })
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    pub fn is_match(&self, path: impl AsRef<Path>) -> bool {
        let candidate = globset::Candidate::new(path.as_ref());
        self.chunks.iter().any(|c| c.is_match_candidate(&candidate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chunk_is_searched() {
        let n = 2 * CHUNK + 1;
        let globs = (0..n)
            .map(|i| Glob::new(&format!("dir{i}/**/*.rs")).unwrap())
            .collect();
        let set = Globs::new(globs).unwrap();
        assert_eq!(set.chunks.len(), 3);
        assert!(set.is_match(format!("dir{}/a/b.rs", n - 1)));
        assert!(set.is_match("dir0/b.rs"));
        assert!(!set.is_match(format!("dir{n}/b.rs")));
        assert!(!Globs::empty().is_match("x.rs"));
    }
}
