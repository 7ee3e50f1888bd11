//! The crate index of an editor session, kept in memory and updated as
//! files change, so that an unsaved edit of `state.rs` changes the findings
//! of the open `handlers.rs` that reads its fields.
//!
//! Modelled on rust-analyzer's `AnalysisHost`: the index does no I/O of its
//! own for the files it was given; every new text (an edited buffer, a file
//! the editor's watcher saw change on disk, a closed buffer falling back to
//! its disk text) comes in through one entry point, [`LiveIndex::apply_change`].
//! Each text's summary is memoized by a hash of the text, so a change costs
//! one summary; and by a hash of what the summary is made from (the text
//! with its function bodies cut out, [`without_bodies`], and its
//! query-secret evidence), so an edit inside a function body, the usual
//! keystroke, costs two passes of the lexer and no parse. When the changed
//! file's interface (its item signatures) is the same as before, the index
//! is kept as it is (rust-analyzer's "invalidation barrier": the other
//! files are not relinked nor re-linted). Otherwise it is relinked from the
//! memoized summaries, which costs no lexing or parsing of other files.
//!
//! A file that stops parsing mid-edit keeps its last parsed interface: the
//! findings of the files that use it do not flicker while someone types.

use super::summary::{without_bodies_lexed, FileSummary, Lexed};
use super::{Index, SharedIndex, Sources, Store};
use foldhash::{HashMap, HashSet};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A batch of changes, applied at once.
#[derive(Debug, Default, Clone)]
pub struct Change {
    /// New texts of files (`None`: the file is gone); the last change of
    /// a file in a batch wins, so queued edits are summarized once.
    pub files: BTreeMap<PathBuf, Option<Arc<str>>>,
    /// A `Cargo.toml` changed: targets and dependencies may have moved.
    pub manifests_changed: bool,
}

impl Change {
    pub fn set_text(&mut self, path: PathBuf, text: Arc<str>) {
        self.files.insert(path, Some(text));
    }

    pub fn remove(&mut self, path: PathBuf) {
        self.files.insert(path, None);
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && !self.manifests_changed
    }
}

/// What a text was found to be, by the hash of the text.
#[derive(Debug, Clone)]
struct Memoized {
    hash: u64,
    relevant: Option<bool>,
    /// The summary the index uses for this text.
    summary: Option<Arc<FileSummary>>,
    /// The last summary of a text of this file that parsed.
    last_parsed: Option<Arc<FileSummary>>,
    /// The last summary computed for this file (parsed or not), by the
    /// hash of what it was computed from ([`reduced_key`]).
    reduced: Option<(u64, Arc<FileSummary>)>,
}

/// Summaries and relevance of the texts the index has seen, by path. Used
/// by [`Index::build_from`] through [`Sources::memo`].
#[derive(Debug, Default)]
pub struct Memo {
    entries: Mutex<HashMap<PathBuf, Memoized>>,
}

fn text_hash(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// A hash of everything [`FileSummary::of_reduced`] reads.
fn reduced_key(reduced: &str, evidence: &super::summary::Evidence) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    reduced.hash(&mut h);
    evidence.hash(&mut h);
    h.finish()
}

impl Memo {
    fn entry(&self, path: &Path, hash: u64) -> Option<Memoized> {
        self.entries
            .lock()
            .expect("memo lock")
            .get(path)
            .filter(|m| m.hash == hash)
            .cloned()
    }

    fn update(&self, path: &Path, hash: u64, f: impl FnOnce(&mut Memoized)) {
        let mut entries = self.entries.lock().expect("memo lock");
        let e = entries.entry(path.to_path_buf()).or_insert(Memoized {
            hash,
            relevant: None,
            summary: None,
            last_parsed: None,
            reduced: None,
        });
        if e.hash != hash {
            e.hash = hash;
            e.relevant = None;
            e.summary = None;
        }
        f(e);
    }

    /// Does the text of `path` name a framework crate?
    pub fn relevant(&self, path: &Path, text: &str, relevant: &dyn Fn(&str) -> bool) -> bool {
        let hash = text_hash(text);
        if let Some(r) = self.entry(path, hash).and_then(|m| m.relevant) {
            return r;
        }
        let r = relevant(text);
        self.update(path, hash, |m| m.relevant = Some(r));
        r
    }

    /// The summary of the text of `path`; for a text that does not parse,
    /// the last one of this file that did.
    pub fn summary(&self, path: &Path, text: &str) -> FileSummary {
        (*self.shared_summary(path, text)).clone()
    }

    /// [`Memo::summary`], shared.
    fn shared_summary(&self, path: &Path, text: &str) -> Arc<FileSummary> {
        let hash = text_hash(text);
        if let Some(s) = self.entry(path, hash).and_then(|m| m.summary) {
            return s;
        }
        let lexed = Lexed::of(text);
        let reduced = without_bodies_lexed(&lexed);
        let evidence = super::summary::Evidence::scan(&lexed);
        drop(lexed);
        let key = reduced_key(&reduced, &evidence);
        let known = self
            .entries
            .lock()
            .expect("memo lock")
            .get(path)
            .and_then(|m| m.reduced.clone())
            .filter(|(k, _)| *k == key)
            .map(|(_, s)| s);
        let fresh = known.unwrap_or_else(|| Arc::new(FileSummary::of_reduced(&reduced, evidence)));
        let mut out = fresh.clone();
        self.update(path, hash, |m| {
            match &m.last_parsed {
                Some(old) if fresh.unparsable => out = old.clone(),
                _ => m.last_parsed = (!fresh.unparsable).then(|| fresh.clone()),
            }
            m.summary = Some(out.clone());
            m.reduced = Some((key, fresh.clone()));
        });
        out
    }

    /// What the index saw of the file's last text: its relevance and the
    /// hash of its summary (`None`: not summarized, no module tree
    /// reaches it).
    fn interface(&self, path: &Path) -> Option<(Option<bool>, Option<u64>)> {
        let entries = self.entries.lock().expect("memo lock");
        let m = entries.get(path)?;
        Some((m.relevant, m.summary.as_ref().map(|s| s.interface_hash())))
    }

    fn forget(&self, path: &Path) {
        self.entries.lock().expect("memo lock").remove(path);
    }
}

/// The index of a session and the texts it was built from.
pub struct LiveIndex {
    /// Every Rust file of the session (the workspace's, and open buffers
    /// outside it) with its current text.
    texts: BTreeMap<PathBuf, Arc<str>>,
    memo: Memo,
    /// Crates the models describe (see [`Sources::framework`]).
    framework: HashSet<String>,
    relevant: Box<dyn Fn(&str) -> bool + Send + Sync>,
    current: Arc<SharedIndex>,
    /// Relinks since the start, for logs and tests.
    pub rebuilds: usize,
}

impl LiveIndex {
    /// An empty index; `relevant` says whether a text names a framework
    /// crate (only packages with such a file are indexed).
    pub fn new(
        framework: HashSet<String>,
        relevant: impl Fn(&str) -> bool + Send + Sync + 'static,
    ) -> LiveIndex {
        LiveIndex {
            texts: BTreeMap::new(),
            memo: Memo::default(),
            framework,
            relevant: Box::new(relevant),
            current: Arc::new(SharedIndex::ready(Index::default())),
            rebuilds: 0,
        }
    }

    /// The index as it stands.
    pub fn current(&self) -> Arc<SharedIndex> {
        self.current.clone()
    }

    /// Is this file one of the session's?
    pub fn has_file(&self, path: &Path) -> bool {
        self.texts.contains_key(path)
    }

    /// Apply a batch of changes; true when the index changed (findings of
    /// every file may have changed), false when only texts did.
    pub fn apply_change(&mut self, change: Change) -> bool {
        let mut relink = change.manifests_changed;
        for (path, text) in change.files {
            match text {
                None => {
                    relink |= self.texts.remove(&path).is_some();
                    self.memo.forget(&path);
                }
                Some(text) => {
                    let before = self.memo.interface(&path);
                    let is_new = self.texts.insert(path.clone(), text.clone()).is_none();
                    // A new file: the relink summarizes it (in parallel
                    // with the others, on a first load).
                    let Some((relevant_before, summary_before)) = before.filter(|_| !is_new) else {
                        relink = true;
                        continue;
                    };
                    // Else summarize now: an edit inside a body leaves
                    // the interface, and the index, as they were.
                    // (Relevance never asked for, as the package was
                    // indexed through another file, still does not matter.)
                    relink |= relevant_before
                        .is_some_and(|r| r != self.memo.relevant(&path, &text, &*self.relevant))
                        || summary_before.is_some_and(|h| {
                            self.memo.shared_summary(&path, &text).interface_hash() != h
                        });
                }
            }
        }
        if relink {
            self.relink();
        }
        relink
    }

    fn relink(&mut self) {
        let files: Vec<PathBuf> = self.texts.keys().cloned().collect();
        let texts = &self.texts;
        // Files the session was not given (a path dependency outside the
        // workspace folders) are read from disk.
        let read = |p: &Path| -> Option<String> {
            match texts.get(p) {
                Some(t) => Some(t.to_string()),
                None => std::fs::read_to_string(p).ok(),
            }
        };
        let relevant = |t: &str| (self.relevant)(t);
        let sources = Sources {
            read: &read,
            relevant: &relevant,
            framework: self.framework.clone(),
            store: &Store::none(),
            memo: Some(&self.memo),
            seen: None,
            hash: None,
        };
        let index = Index::build_from(&files, &sources);
        self.current = Arc::new(SharedIndex::ready(index));
        self.rebuilds += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live() -> LiveIndex {
        LiveIndex::new(HashSet::default(), |t: &str| t.contains("url"))
    }

    fn crate_with(dir: &Path, state: &str) -> (PathBuf, PathBuf) {
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .unwrap();
        let main = dir.join("src/main.rs");
        let state_rs = dir.join("src/state.rs");
        std::fs::write(&main, "mod state;\nuse url::Url;\nfn main() {}\n").unwrap();
        std::fs::write(&state_rs, state).unwrap();
        (main, state_rs)
    }

    fn field_names(ix: &LiveIndex, models: &crate::models::Models) -> Option<String> {
        let index = ix.current();
        let ty = crate::models::ty::Ty::named("app#0::state::AppState");
        index
            .get()
            .field(&ty, "base", models)
            .map(|t| format!("{t:?}"))
    }

    #[test]
    fn a_body_edit_reuses_the_summary_without_parsing() {
        let memo = Memo::default();
        let path = Path::new("/x/state.rs");
        let before =
            memo.shared_summary(path, "pub struct S { pub a: u8 }\nfn f() { let a = 1; }\n");
        // Same signatures, other body: the same summary, not a new parse.
        let body = memo.shared_summary(
            path,
            "pub struct S { pub a: u8 }\nfn f() { let a = 22; a; }\n",
        );
        assert!(Arc::ptr_eq(&before, &body));
        // A signature changed: a new summary.
        let field = memo.shared_summary(path, "pub struct S { pub b: u8 }\nfn f() {}\n");
        assert!(!Arc::ptr_eq(&before, &field));
        assert_ne!(before.interface_hash(), field.interface_hash());
        // Query-secret evidence in a body is part of the summary.
        let secret = memo.shared_summary(
            path,
            "pub struct S { pub b: u8 }\nfn f() { let u = \"?token=\"; }\n",
        );
        assert!(secret.evidence.query_secret.is_some());
        assert!(!Arc::ptr_eq(&field, &secret));
    }

    #[test]
    fn body_edits_keep_the_index_and_field_edits_relink_it() {
        let dir = tempfile::tempdir().unwrap();
        let (main, state) = crate_with(
            dir.path(),
            "pub struct AppState { pub base: url::Url }\nfn f() { let a = 1; }\n",
        );
        let models = crate::models::Models::builtin().unwrap();
        let mut ix = live();
        let mut change = Change::default();
        for p in [&main, &state] {
            let text: Arc<str> = std::fs::read_to_string(p).unwrap().into();
            change.set_text(std::path::absolute(p).unwrap(), text);
        }
        assert!(ix.apply_change(change));
        assert!(field_names(&ix, &models).is_some_and(|t| t.contains("Url")));

        // An edit inside a body: the same index.
        let before = ix.current();
        let mut change = Change::default();
        change.set_text(
            std::path::absolute(&state).unwrap(),
            "pub struct AppState { pub base: url::Url }\nfn f() { let a = 2; a; }\n".into(),
        );
        assert!(!ix.apply_change(change));
        assert!(Arc::ptr_eq(&before, &ix.current()));

        // The field is renamed in the buffer (not on disk): relinked.
        let mut change = Change::default();
        change.set_text(
            std::path::absolute(&state).unwrap(),
            "pub struct AppState { pub other: url::Url }\nfn f() {}\n".into(),
        );
        assert!(ix.apply_change(change));
        assert_eq!(field_names(&ix, &models), None);

        // Mid-edit garbage keeps the last parsed interface.
        let mut change = Change::default();
        change.set_text(
            std::path::absolute(&state).unwrap(),
            "pub struct AppState { pub other: url::Url }\nfn f( {}\n".into(),
        );
        assert!(!ix.apply_change(change));
    }
}
