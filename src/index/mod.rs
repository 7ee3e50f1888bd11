//! The crate index: the user's own items across every file of a crate and
//! its workspace path dependencies, so that the analysis of one file knows
//! what `st.billing_base`, `config::API_BASE`, `type Shared =
//! Arc<AppState>` or `util::raw_query(..)` are although they are declared
//! in other files.
//!
//! It is built from [`summary::FileSummary`]s (signatures, never bodies),
//! once per run, before any file is linted, and shared read-only by the
//! workers. Items get canonical paths `crate_name::module::Name`; types in
//! signatures stay as written ([`TypeExpr`]) with the module they were
//! written in, and are resolved to [`Ty`] when a file's analysis asks,
//! against that file's framework models. The index does no I/O after
//! [`Index::build`]; the text of a file comes through one `read` function,
//! so an editor can hand in unsaved buffers.

pub mod added_headers;
pub mod crates;
pub mod known_names;
pub mod live;
pub mod query_secrets;
mod returns;
pub mod shared;
pub mod signatures;
pub mod store;
pub mod summary;

use crate::models::ty::Ty;
use crate::models::Models;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
pub use shared::SharedIndex;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
pub use store::Store;
use summary::{FileSummary, FnSig, ItemSig, TypeExpr, UseEntry};

/// Where a type expression was written: its crate and module, and the
/// generic parameters in scope there.
#[derive(Debug, Clone)]
pub struct Origin {
    krate: usize,
    /// Shared by every item of the module.
    module: Arc<[String]>,
    generics: Vec<String>,
}

/// An item of the user's code, by canonical path.
#[derive(Debug, Clone)]
pub enum Def {
    Struct {
        origin: Origin,
        fields: Vec<(String, TypeExpr)>,
    },
    Alias {
        origin: Origin,
        ty: TypeExpr,
    },
    Fn {
        origin: Origin,
        sig: FnSig,
    },
    Const {
        origin: Origin,
        ty: TypeExpr,
        lit: Option<String>,
    },
    Mod,
    /// An enum: its values are one of its variants.
    Enum,
    /// A trait: its methods are in [`Index::methods`] under its path, so a
    /// value typed by it (`c: &C` with `C: Config`, `&dyn Config`) has
    /// them, and so has a type implementing it without defining them.
    Trait,
    /// Traits, macros and other items: known to be the user's, with
    /// nothing more the analysis follows.
    Opaque,
}

/// What one module declares and imports.
#[derive(Debug, Default)]
struct ModuleNs {
    /// Declared names → canonical path.
    items: HashMap<String, Arc<str>>,
    /// `use` names → the path as written.
    uses: HashMap<String, Vec<String>>,
    globs: Vec<Vec<String>>,
}

#[derive(Debug, Default)]
struct CrateData {
    name: String,
    /// Crates of the index this one names as dependencies.
    deps: HashMap<String, usize>,
    /// The canonical paths of the crate's items.
    defs: Vec<Arc<str>>,
    modules: HashMap<Vec<String>, ModuleNs>,
    /// `#[macro_use] extern crate x;` anywhere at a module level.
    macro_use: Vec<String>,
    /// `macro_rules!` names.
    macro_rules: HashSet<String>,
    /// Methods declared by the crate's traits and trait impls: a framework
    /// type may have them through an extension trait.
    trait_methods: HashSet<String>,
    /// The crates its manifest lets it name (fixes use only those).
    dependencies: crates::Dependencies,
    /// Its package's edition.
    edition: u16,
    /// The outermost package directory at or above its package's
    /// ([`crates::outermost_package_dir`]): what a file's path says of
    /// test code is read below it ([`crate::engine::is_test_file`]).
    test_base: PathBuf,
    /// The first file (by path) with evidence that the crate takes secrets
    /// in query strings, and that evidence.
    query_secret: Option<(PathBuf, query_secrets::QuerySecret)>,
    /// Request headers its middleware adds to every request, over all its
    /// files, sorted.
    added_headers: Vec<added_headers::AddedHeader>,
    /// Modules declared `#[cfg(test)] mod name`: they and every module
    /// below them hold test code.
    test_modules: Vec<Vec<String>>,
}

/// A method of a user type: where it is written (its origin's generics
/// are the impl's, then the method's), the impl's self type, and the
/// signature.
#[derive(Debug, Clone)]
struct Method {
    origin: Origin,
    self_ty: TypeExpr,
    sig: FnSig,
}

/// What [`Index::fn_at`] finds.
enum FnAt<'a> {
    Free(&'a Origin, &'a FnSig),
    Associated(&'a Method),
}

/// A user function a call reaches: its declared return type, and its
/// signature (with what its body returns, when that is a projection of a
/// parameter).
#[derive(Debug, Clone)]
pub struct Callee<'a> {
    /// The declared return type, with what the receiver tells of the
    /// generic parameters (`&T` of `Wrapper<T>::get` on a `Wrapper<Uri>`
    /// is `&Uri`); a parameter only the arguments bind is unknown here
    /// (see [`Callee::returns_for`]).
    pub ret: Ty,
    pub sig: &'a FnSig,
    generic: Option<Generic>,
}

/// The generic side of a [`Callee`]: its types with `Ty::Param` for each
/// generic parameter in scope, bound at a call by what is given.
#[derive(Debug, Clone)]
struct Generic {
    /// How many generic parameters (impl's and function's).
    count: usize,
    /// The impl's self type, for methods and associated functions.
    self_ty: Option<Ty>,
    /// The receiver the callee was looked up on.
    recv: Option<Ty>,
    params: Vec<Ty>,
    ret: Ty,
}

impl Generic {
    fn returns_for(&self, recv: Option<&Ty>, args: &[Ty]) -> Ty {
        let mut bound = vec![Ty::Unknown; self.count];
        let recv = recv.or(self.recv.as_ref());
        if let (Some(pattern), Some(r)) = (&self.self_ty, recv) {
            pattern.bind(r.strip_refs(), &mut bound);
        }
        for (p, a) in self.params.iter().zip(args) {
            p.bind(a, &mut bound);
        }
        let self_ty = match (&self.self_ty, recv) {
            (_, Some(r)) => r.strip_refs().clone(),
            (Some(pattern), None) => pattern.substitute(&bound, &Ty::Unknown),
            (None, None) => Ty::Unknown,
        };
        self.ret.substitute(&bound, &self_ty)
    }
}

impl Callee<'_> {
    /// Whether the return type names a generic parameter: only then do
    /// the arguments' types change what [`Callee::returns_for`] gives.
    pub fn is_generic(&self) -> bool {
        self.generic.is_some()
    }

    /// The return type of a call given `args` (the typed parameters, not
    /// `self`; unknown ones bind nothing) and, for `Type::method(x, ..)`,
    /// the receiver: generic parameters take the types the arguments give
    /// them (`fn pick<T>(a: T, _b: T) -> T` called with a `Url` is a
    /// `Url`; `fn first<T>(v: &[T]) -> T` with a `&Vec<Url>` too).
    pub fn returns_for(&self, recv: Option<&Ty>, args: &[Ty]) -> Ty {
        match &self.generic {
            Some(g) => g.returns_for(recv, args),
            None => self.ret.clone(),
        }
    }
}

/// Where a file sits in the index.
#[derive(Debug, Clone)]
pub struct FileContext {
    pub krate: usize,
    pub module: Vec<String>,
}

/// A path resolved by the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// An item of the user's code, by canonical path.
    Local(String),
    /// A path into another crate, as written (`axum::http::Uri`).
    External(Vec<String>),
}

/// The index of every crate reachable from the linted files.
#[derive(Debug, Default)]
pub struct Index {
    crates: Vec<CrateData>,
    /// Each crate's canonical prefix → crate.
    by_key: HashMap<String, usize>,
    /// The directory of each crate's root file, libraries first: a file
    /// under it that no `mod` reaches yet (a new file in an editor) gets
    /// the module path its location gives.
    root_dirs: Vec<(PathBuf, usize)>,
    /// Each root directory → its first place in `root_dirs`, made on first
    /// use: a run over hundreds of packages asks for every file outside
    /// them, and scanning the list took a million instructions a file.
    root_dir_at: std::sync::OnceLock<HashMap<PathBuf, usize>>,
    files: HashMap<PathBuf, FileContext>,
    defs: HashMap<Arc<str>, Def>,
    /// Inherent and trait methods of the user's types: type path → name →
    /// (where it is written, the impl's generics and the signature).
    methods: HashMap<String, HashMap<String, Method>>,
    /// A hash of every summary: a file's findings may depend on any of it.
    pub hash: u64,
    /// Files indexed.
    pub file_count: usize,
    /// Impl blocks met while building, linked when every module is known.
    pending_impls: Vec<(usize, Vec<String>, Vec<ItemSig>)>,
    /// Traits with supertraits met while building, linked when every
    /// module is known.
    pending_supertraits: Vec<PendingSupertraits>,
    /// Per crate and models: [`Index::framework_items`].
    matchers: Mutex<MatcherCache>,
    /// Paths already resolved (see [`Index::resolve_in`]): every file of a
    /// crate asks for the same few names, and a resolution walks `use`s
    /// and globs. Filled only once the index is built; never invalidated,
    /// because a built index does not change (an edit builds a new one).
    resolved: Mutex<HashMap<u64, ResolveEntry>>,
    /// Whether [`Index::resolved`] may be filled: not while building.
    built: bool,
    /// [`Index::may_reach`]'s names, once built.
    reaching: std::sync::OnceLock<foldhash::HashSet<String>>,
    /// [`Index::names_anywhere`]'s names, once built.
    names: std::sync::OnceLock<foldhash::HashSet<String>>,
    /// [`Index::is_rename`]'s names, once built.
    renames: std::sync::OnceLock<foldhash::HashSet<String>>,
}

/// A trait's supertraits waiting to be linked: the crate and module the
/// trait is written in, its path, and its supertraits' paths as written.
#[derive(Debug)]
struct PendingSupertraits {
    krate: usize,
    module: Vec<String>,
    path: Arc<str>,
    supertraits: Vec<Vec<String>>,
}

/// Paths [`Index::resolved`] remembers before it starts again: about 2 MiB
/// (a run over 600 packages asked 55,000 and held 11 MiB to the end).
const RESOLVED_MEMO_CAP: usize = 10_000;

/// Crates whose [`FrameworkItems`] are kept at once: the files of a run
/// come package by package, and each thread asks for the crate it is in.
const MATCHERS_CAP: usize = 64;

/// A path resolved: the crate, the module it is written in, its segments,
/// and what it names.
type ResolveEntry = (usize, Vec<String>, Vec<String>, Option<Resolved>);

type MatcherCache = HashMap<(usize, u64), Arc<FrameworkItems>>;

/// The names of [`Index::names_framework_item`] for one crate and models,
/// with their matcher (see also [`known_names`]).
#[derive(Clone, Debug, Default)]
pub struct FrameworkNames {
    /// Sorted: looked up by binary search until the matcher is built.
    pub words: Arc<[String]>,
    /// Built when first asked (shared by the clones).
    matcher: Arc<std::sync::OnceLock<Option<aho_corasick::AhoCorasick>>>,
    /// Texts asked about so far (shared by the clones).
    asked: Arc<std::sync::atomic::AtomicUsize>,
}

/// Texts a crate's names are looked up in word by word before their
/// matcher is built. Each test, example and bench is a crate of its own
/// whose names include its library's: octocrab's 72 such one-file crates
/// each built an automaton of the library's names, a fifth of the run
/// (`bench/RESULTS.md`, twentieth pass). Looking a file's identifiers up
/// costs more per text than the automaton's scan, so a crate asked about
/// more often builds it.
const LOOKUPS_BEFORE_MATCHER: usize = 8;

impl FrameworkNames {
    pub fn new(words: Arc<[String]>) -> FrameworkNames {
        let words = if words.windows(2).all(|w| w[0] <= w[1]) {
            words
        } else {
            let mut sorted = words.to_vec();
            sorted.sort();
            sorted.into()
        };
        FrameworkNames {
            words,
            matcher: Default::default(),
            asked: Default::default(),
        }
    }

    /// Does `text` name one of them, as a whole word?
    pub fn named_in(&self, text: &[u8]) -> bool {
        if self.words.is_empty() {
            return false;
        }
        let built = self.matcher.get().is_some();
        if !built
            && self
                .asked
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                < LOOKUPS_BEFORE_MATCHER
        {
            return self.named_word_by_word(text);
        }
        // Built once per crate and models: an NFA (a DFA took a million
        // instructions to build, more than its searches saved). The words
        // are identifiers, so a match inside a longer word never hides a
        // whole-word one: leftmost-longest matches need no overlapping
        // search.
        let matcher = self.matcher.get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(self.words.iter())
                .ok()
        });
        let Some(ac) = matcher else {
            return self.named_word_by_word(text);
        };
        ac.find_iter(text).any(|m| {
            let before = m.start() > 0 && is_word_byte(text[m.start() - 1]);
            let after = text.get(m.end()).is_some_and(|b| is_word_byte(*b));
            !before && !after
        })
    }

    /// [`FrameworkNames::named_in`] without the matcher: each identifier
    /// of `text` looked up in the sorted words.
    fn named_word_by_word(&self, text: &[u8]) -> bool {
        let mut i = 0;
        while i < text.len() {
            if !is_word_byte(text[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < text.len() && is_word_byte(text[i]) {
                i += 1;
            }
            let word = &text[start..i];
            if self
                .words
                .binary_search_by(|w| w.as_bytes().cmp(word))
                .is_ok()
            {
                return true;
            }
        }
        false
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Where [`Index::build_from`] gets what it needs.
pub struct Sources<'a> {
    /// The text of a file (`None`: unreadable). Editors hand in unsaved
    /// buffers here.
    pub read: &'a (dyn Fn(&Path) -> Option<String> + Sync),
    /// Does a file's text name a crate whose values the models describe?
    /// Only packages with such a file are indexed.
    pub relevant: &'a (dyn Fn(&str) -> bool + Sync),
    /// Crates never reached as crates of the index: in a framework's own
    /// package (its examples and tests name it, `use actix_web::..`), the
    /// models know those types better than its private source does.
    pub framework: HashSet<String>,
    /// What earlier runs learnt of unchanged files.
    pub store: &'a Store,
    /// Summaries of texts already seen in this process (an editor session,
    /// see [`live`]): a text is summarized once.
    pub memo: Option<&'a live::Memo>,
    /// What the walk saw of the manifests in its trees: finding a file's
    /// package then takes no `stat` there (`None`: ask the file system).
    pub seen: Option<&'a crate::walk::Seen>,
    /// The index's hash, when the caller knows it (a package's part of an
    /// index whose hash the store kept): not worked out again.
    pub hash: Option<u64>,
}

/// A file of a crate waiting to be summarized: its module path, and the
/// directory its `mod foo;` children live in.
struct Pending {
    path: PathBuf,
    krate: usize,
    module: Vec<String>,
    child_dir: PathBuf,
}

const MAX_DEPTH: usize = 24;

/// Files larger than this are not indexed: they are generated bindings and
/// tables (`windows`, `encoding_rs`), whose signatures hold no request
/// values and would cost more than the rest of a crate.
pub(crate) const MAX_SUMMARY_BYTES: usize = 512 * 1024;

impl Index {
    /// Index the packages that hold `files` (and their path dependencies),
    /// reading sources with `read` (`None`: unreadable, left out). A
    /// package is indexed only when `relevant` holds for the text of one of
    /// its `files` (the prefilter's framework words): the items of a
    /// package that names no framework cannot hold a framework value.
    pub fn build(
        files: &[PathBuf],
        read: &(dyn Fn(&Path) -> Option<String> + Sync),
        relevant: &(dyn Fn(&str) -> bool + Sync),
    ) -> Index {
        Index::build_from(
            files,
            &Sources {
                read,
                relevant,
                framework: HashSet::new(),
                store: &Store::none(),
                memo: None,
                seen: None,
                hash: None,
            },
        )
    }

    /// [`Index::build`] with every input spelt out (see [`Sources`]).
    pub fn build_from(files: &[PathBuf], src: &Sources<'_>) -> Index {
        use rayon::prelude::*;
        let (read, relevant, framework) = (src.read, src.relevant, &src.framework);
        // What the store knows of a file, when it is unchanged.
        let known = |p: &Path| {
            let stamp = src.store.stamp(p);
            (stamp, src.store.known(p, stamp))
        };
        let is_relevant = |f: &Path| {
            let (stamp, k) = known(f);
            if let Some(r) = k.and_then(|k| k.relevant) {
                return r;
            }
            let r = read(f).is_some_and(|t| match src.memo {
                Some(memo) => memo.relevant(f, &t, relevant),
                None => relevant(&t),
            });
            src.store.learn(f, stamp, |k| k.relevant = Some(r));
            r
        };
        let mut by_dir: HashMap<crate::path_key::PathKey, Option<PathBuf>> = HashMap::new();
        let mut by_manifest: HashMap<PathBuf, Vec<&PathBuf>> = HashMap::new();
        for f in files {
            let abs = absolute(f);
            let Some(dir) = abs.parent() else { continue };
            let manifest = match src.seen {
                Some(seen) => crates::manifest_above_seen(dir, &mut by_dir, seen),
                None => crates::manifest_above(dir, &mut by_dir),
            };
            if let Some(m) = manifest {
                by_manifest.entry(m).or_default().push(f);
            }
        }
        // Fixes depend on every package's manifest (its dependencies), also
        // of packages not indexed: their text is part of the index hash.
        let manifests_hash = src.hash.is_none().then(|| {
            let mut all: Vec<&PathBuf> = by_manifest.keys().collect();
            all.sort();
            let mut bytes = Vec::new();
            for m in all {
                bytes.extend_from_slice(m.as_os_str().as_encoded_bytes());
                bytes.extend_from_slice(&std::fs::read(m).unwrap_or_default());
            }
            xxhash_rust::xxh3::xxh3_64(&bytes)
        });
        let mut manifests: Vec<PathBuf> = by_manifest
            .into_par_iter()
            .filter(|(_, fs)| fs.iter().any(|f| is_relevant(f)))
            .map(|(m, _)| m)
            .collect();
        manifests.sort();
        let mut packages = Vec::new();
        let mut i = 0;
        while i < manifests.len() {
            if let Some(p) = crates::load(&manifests[i]) {
                for dep in &p.path_deps {
                    let m = absolute(&dep.join("Cargo.toml"));
                    if m.is_file() && !manifests.contains(&m) {
                        manifests.push(m);
                    }
                }
                packages.push(p);
            }
            i += 1;
        }

        let mut index = Index::default();
        let mut queue: Vec<Pending> = Vec::new();
        // Libraries first, so a file shared with a binary is the library's.
        let mut order: Vec<(usize, &crates::Target)> = packages
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.targets.iter().map(move |t| (i, t)))
            .collect();
        order.sort_by_key(|(_, t)| t.kind != crates::TargetKind::Lib);
        let mut lib_of: HashMap<PathBuf, (String, usize)> = HashMap::new();
        let mut package_of: Vec<usize> = Vec::new();
        let mut holds_manifest = HashMap::default();
        let test_bases: Vec<PathBuf> = packages
            .iter()
            .map(|p| crates::outermost_package_dir(&absolute(&p.dir), &mut holds_manifest))
            .collect();
        for (pkg, t) in order {
            let krate = index.crates.len();
            // Each target is a crate. Canonical paths carry a `#` so the
            // user's items never collide with a framework's (a run over
            // the `url` crate's own source must not take its `Url` for the
            // modelled one).
            let key = match t.kind {
                crates::TargetKind::Lib => format!("{}#lib", t.name),
                _ => format!("{}#{krate}", t.name),
            };
            index.by_key.insert(key.clone(), krate);
            index.crates.push(CrateData {
                name: key,
                dependencies: packages[pkg].dependencies_of(t),
                edition: packages[pkg].edition,
                test_base: test_bases[pkg].clone(),
                ..CrateData::default()
            });
            package_of.push(pkg);
            if t.kind == crates::TargetKind::Lib {
                lib_of.insert(packages[pkg].dir.clone(), (t.name.clone(), krate));
            }
            let dir = t.root.parent().map(absolute).unwrap_or_default();
            index.root_dirs.push((dir.clone(), krate));
            queue.push(Pending {
                path: absolute(&t.root),
                krate,
                module: Vec::new(),
                child_dir: dir,
            });
        }
        // The crates each crate reaches by name: its package's library
        // (from a binary, test or example) and its path dependencies.
        for (krate, &pkg) in package_of.iter().enumerate() {
            let p = &packages[pkg];
            let own = lib_of.get(&p.dir).filter(|(_, k)| *k != krate);
            let deps = p
                .path_deps
                .iter()
                .filter_map(|d| lib_of.get(&absolute(d)))
                .chain(own);
            for (name, k) in deps.filter(|(name, _)| !framework.contains(name)) {
                index.crates[krate].deps.insert(name.clone(), *k);
            }
        }

        // The summaries of one level of the module trees at a time: memory
        // stays at the index plus one level (a file two crates share, a
        // library's and a binary's, is summarized again when the second
        // reaches it).
        let mut summaries: HashMap<PathBuf, FileSummary> = HashMap::new();
        let mut hashes: HashMap<PathBuf, u64> = HashMap::new();
        while !queue.is_empty() {
            let todo: Vec<&PathBuf> = {
                let mut v: Vec<&PathBuf> = queue
                    .iter()
                    .map(|p| &p.path)
                    .filter(|p| !summaries.contains_key(*p))
                    .collect();
                v.sort();
                v.dedup();
                v
            };
            // Each summary with its interface hash (only for the index's
            // hash, when it is not known), both made on every thread.
            let made: Vec<(PathBuf, Option<(FileSummary, u64)>)> = todo
                .par_iter()
                .map(|p| {
                    let (stamp, k) = known(p);
                    let summary = k.and_then(|k| k.summary()).or_else(|| {
                        let summary = read(p).filter(|t| t.len() <= MAX_SUMMARY_BYTES).map(|t| {
                            match src.memo {
                                Some(memo) => memo.summary(p, &t),
                                None => FileSummary::of_text(&t),
                            }
                        });
                        if let Some(s) = &summary {
                            src.store.learn(p, stamp, |k| k.set_summary(s));
                        }
                        summary
                    });
                    let hashed = summary.map(|s| {
                        let hash = match src.hash {
                            Some(_) => 0,
                            None => s.interface_hash(),
                        };
                        (s, hash)
                    });
                    (p.to_path_buf(), hashed)
                })
                .collect();
            for (p, hashed) in made {
                if let Some((s, hash)) = hashed {
                    hashes.insert(p.clone(), hash);
                    summaries.insert(p, s);
                }
            }
            // A file's summary goes into the index with its last job of the
            // level (a file two crates share is copied for the first).
            let jobs = std::mem::take(&mut queue);
            let mut later = std::collections::HashSet::new();
            let mut last: Vec<bool> = jobs.iter().rev().map(|j| later.insert(&j.path)).collect();
            last.reverse();
            drop(later);
            let mut next = Vec::new();
            for (job, last) in jobs.into_iter().zip(last) {
                let summary = if last {
                    summaries.remove(&job.path)
                } else {
                    summaries.get(&job.path).cloned()
                };
                let Some(summary) = summary else {
                    continue;
                };
                if index.crates[job.krate].modules.contains_key(&job.module)
                    || job.module.len() > MAX_DEPTH
                {
                    continue;
                }
                let krate = &mut index.crates[job.krate];
                if let Some(e) = &summary.evidence.query_secret {
                    let known = &mut krate.query_secret;
                    if known.as_ref().is_none_or(|(p, _)| job.path < *p) {
                        *known = Some((job.path.clone(), e.clone()));
                    }
                }
                for h in &summary.evidence.added_headers {
                    if let Err(at) = krate.added_headers.binary_search(h) {
                        krate.added_headers.insert(at, h.clone());
                    }
                }
                index
                    .files
                    .entry(job.path.clone())
                    .or_insert_with(|| FileContext {
                        krate: job.krate,
                        module: job.module.clone(),
                    });
                index.add_module(
                    job.krate,
                    &job.module,
                    summary.items,
                    &job.child_dir,
                    &mut next,
                );
            }
            queue = next;
            summaries.clear();
        }
        index.file_count = hashes.len();
        index.link_impls();
        index.link_added_headers();
        index.built = true;
        let Some(manifests_hash) = manifests_hash else {
            index.hash = src.hash.unwrap_or_default();
            return index;
        };
        let mut hashes: Vec<(PathBuf, u64)> = hashes.into_iter().collect();
        hashes.sort();
        let mut bytes = Vec::new();
        for (p, h) in &hashes {
            bytes.extend_from_slice(p.as_os_str().as_encoded_bytes());
            bytes.extend_from_slice(&h.to_le_bytes());
        }
        // Fixes depend on each crate's dependencies and edition.
        bytes.extend_from_slice(&manifests_hash.to_le_bytes());
        for c in &index.crates {
            bytes.extend_from_slice(
                format!("{}{:?}{}", c.name, c.dependencies, c.edition).as_bytes(),
            );
        }
        index.hash = xxhash_rust::xxh3::xxh3_64(&bytes);
        index
    }

    /// The index of one file analysed alone (outside every package, or
    /// not reached by any module tree of its package; stdin): a crate of
    /// its own with the file as its root, so that its own structs' fields,
    /// enums, aliases, consts and helpers are known as they are in a
    /// package. Its `mod foo;`s are not followed (the file is alone), and
    /// nothing is read: its findings depend on its text only, as a cache
    /// key without the index's hash needs.
    pub fn of_lone_file(path: &Path, text: &str) -> Index {
        let mut index = Index::default();
        let summary = FileSummary::of_text(text);
        // `#lone`: never a crate another index can name.
        let key = "self#lone".to_string();
        index.by_key.insert(key.clone(), 0);
        index.crates.push(CrateData {
            name: key,
            // As a file without an index: a loose file is read as 2018+,
            // and its path alone says whether it holds tests.
            edition: 2021,
            test_base: PathBuf::new(),
            query_secret: summary
                .evidence
                .query_secret
                .map(|e| (path.to_path_buf(), e)),
            added_headers: summary.evidence.added_headers,
            ..CrateData::default()
        });
        index.files.insert(
            path.to_path_buf(),
            FileContext {
                krate: 0,
                module: Vec::new(),
            },
        );
        let mut not_followed = Vec::new();
        index.add_module(0, &[], summary.items, Path::new(""), &mut not_followed);
        index.file_count = 1;
        index.link_impls();
        index.link_added_headers();
        index.built = true;
        index
    }

    /// Declare one module's items; queue the files of its `mod foo;`s.
    fn add_module(
        &mut self,
        krate: usize,
        module: &[String],
        items: Vec<ItemSig>,
        child_dir: &Path,
        queue: &mut Vec<Pending>,
    ) {
        let prefix = canonical(&self.crates[krate].name, module, "");
        let mut ns = ModuleNs::default();
        let shared: Arc<[String]> = module.into();
        let origin = |generics: &[String]| Origin {
            krate,
            module: shared.clone(),
            generics: generics.to_vec(),
        };
        // Impls are linked once every module is known (`link_impls`).
        let mut impls: Vec<ItemSig> = Vec::new();
        // The items are moved into the index, not copied: a summary is
        // built for this module alone (see `Index::build_from`).
        for item in items {
            // One allocation per canonical path, shared by the module's
            // namespace, the definitions and the crate's list.
            let path: Option<Arc<str>> = item.name().map(|n| format!("{prefix}{n}").into());
            if let (Some(name), Some(path)) = (item.name(), &path) {
                ns.items.insert(name.to_string(), path.clone());
            }
            match item {
                ItemSig::Struct {
                    generics, fields, ..
                } => {
                    let def = Def::Struct {
                        origin: origin(&generics),
                        fields,
                    };
                    self.defs.insert(path.clone().unwrap_or_default(), def);
                }
                ItemSig::Alias { generics, ty, .. } => {
                    let def = Def::Alias {
                        origin: origin(&generics),
                        ty,
                    };
                    self.defs.insert(path.clone().unwrap_or_default(), def);
                }
                ItemSig::Fn { sig, .. } => {
                    let def = Def::Fn {
                        origin: origin(&[]),
                        sig,
                    };
                    self.defs.insert(path.clone().unwrap_or_default(), def);
                }
                ItemSig::Const { ty, lit, .. } => {
                    let def = Def::Const {
                        origin: origin(&[]),
                        ty,
                        lit,
                    };
                    self.defs.insert(path.clone().unwrap_or_default(), def);
                }
                ItemSig::Trait {
                    name,
                    generics,
                    supertraits,
                    methods,
                } => {
                    // The trait's own generics are bound by the value's
                    // type (`P: Provider<Url>` is `Provider<Url>`).
                    let self_ty = TypeExpr::Path {
                        leading_colon: false,
                        segs: vec![name],
                        args: generics.iter().map(|g| type_named(g)).collect(),
                    };
                    let path = path.clone().unwrap_or_default();
                    self.crates[krate]
                        .trait_methods
                        .extend(methods.iter().map(|(n, _)| n.clone()));
                    let entry = self.methods.entry(path.to_string()).or_default();
                    for (name, sig) in methods {
                        let mut sig_origin = origin(&generics);
                        sig_origin.generics.extend(sig.generics.iter().cloned());
                        entry.entry(name).or_insert(Method {
                            origin: sig_origin,
                            self_ty: self_ty.clone(),
                            sig,
                        });
                    }
                    if !supertraits.is_empty() {
                        self.pending_supertraits.push(PendingSupertraits {
                            krate,
                            module: module.to_vec(),
                            path: path.clone(),
                            supertraits,
                        });
                    }
                    self.defs.insert(path, Def::Trait);
                }
                ItemSig::Impl {
                    ref trait_path,
                    ref methods,
                    ..
                } => {
                    if trait_path.is_some() {
                        let names = methods.iter().map(|(n, _)| n.clone());
                        self.crates[krate].trait_methods.extend(names);
                    }
                    impls.push(item);
                }
                ItemSig::Use(entries) => {
                    for e in entries {
                        match e {
                            UseEntry::Name { name, path } => {
                                ns.uses.insert(name, path);
                            }
                            UseEntry::Glob(path) => ns.globs.push(path),
                        }
                    }
                }
                ItemSig::Mod(m) => {
                    self.defs.insert(path.clone().unwrap_or_default(), Def::Mod);
                    let mut child = module.to_vec();
                    child.push(m.name.clone());
                    if m.test {
                        self.crates[krate].test_modules.push(child.clone());
                    }
                    match m.inline {
                        Some(inner) => {
                            let dir = child_dir.join(&m.name);
                            self.add_module(krate, &child, inner, &dir, queue);
                        }
                        // A lone file's modules are not followed (no I/O).
                        None if child_dir.as_os_str().is_empty() => {}
                        None => {
                            let file = match &m.path_attr {
                                Some(p) => Some(child_dir.join(p)),
                                None => [
                                    child_dir.join(format!("{}.rs", m.name)),
                                    child_dir.join(&m.name).join("mod.rs"),
                                ]
                                .into_iter()
                                .find(|p| p.is_file()),
                            };
                            if let Some(file) = file {
                                let file = absolute(&file);
                                let mod_rs = file.file_name().is_some_and(|n| n == "mod.rs");
                                let dir = if mod_rs {
                                    file.parent().map(Path::to_path_buf).unwrap_or_default()
                                } else {
                                    file.with_extension("")
                                };
                                queue.push(Pending {
                                    path: file,
                                    krate,
                                    module: child,
                                    child_dir: dir,
                                });
                            }
                        }
                    }
                }
                ItemSig::MacroRules(name) => {
                    self.crates[krate].macro_rules.insert(name);
                }
                ItemSig::ExternCrate {
                    name,
                    alias,
                    macro_use,
                } => {
                    if macro_use {
                        self.crates[krate].macro_use.push(name.clone());
                    }
                    let local = alias.unwrap_or_else(|| name.clone());
                    if local != "_" && local != name {
                        ns.uses.insert(local, vec![name]);
                    }
                }
                ItemSig::Enum { .. } => {
                    self.defs
                        .insert(path.clone().unwrap_or_default(), Def::Enum);
                }
                ItemSig::Other(_) => {
                    self.defs
                        .insert(path.clone().unwrap_or_default(), Def::Opaque);
                }
            }
        }
        if !impls.is_empty() {
            self.pending_impls.push((krate, module.to_vec(), impls));
        }
        let paths = ns.items.values().cloned();
        self.crates[krate].defs.extend(paths);
        self.crates[krate].modules.insert(module.to_vec(), ns);
    }

    /// The methods of the crate trait `trait_path` names where it is
    /// written, when it is one.
    fn trait_methods_of(
        &self,
        krate: usize,
        module: &[String],
        trait_path: &[String],
    ) -> Option<HashMap<String, Method>> {
        match self.resolve_in(krate, module, trait_path, 0)? {
            Resolved::Local(p) if matches!(self.defs.get(p.as_str()), Some(Def::Trait)) => {
                self.methods.get(&p).cloned()
            }
            _ => None,
        }
    }

    /// A trait has its supertraits' methods (`trait A: B`: a `C: A` value
    /// has `B`'s methods too), through chains of a few supertraits.
    fn link_supertraits(&mut self) {
        let pending = std::mem::take(&mut self.pending_supertraits);
        for _ in 0..4 {
            let mut changed = false;
            for p in &pending {
                for sup in &p.supertraits {
                    let Some(inherited) = self.trait_methods_of(p.krate, &p.module, sup) else {
                        continue;
                    };
                    let entry = self.methods.entry(p.path.to_string()).or_default();
                    for (name, m) in inherited {
                        if let std::collections::hash_map::Entry::Vacant(v) = entry.entry(name) {
                            v.insert(m);
                            changed = true;
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// A crate's constant whose literal is a header its middleware adds
    /// names that header, and the other way round: `SetRequestIdLayer::
    /// new(HeaderName::from_static("x-id"), ..)` in `main.rs` makes
    /// `headers.get(X_ID)` in a helper present, where `const X_ID: &str =
    /// "x-id"` (a helper's lookup is known by the constant's name only:
    /// [`summary::Reach::key`]).
    fn link_added_headers(&mut self) {
        use added_headers::AddedHeader;
        if self.crates.iter().all(|c| c.added_headers.is_empty()) {
            return;
        }
        let mut more: Vec<(usize, AddedHeader)> = Vec::new();
        for (path, def) in &self.defs {
            let Def::Const {
                origin,
                lit: Some(lit),
                ..
            } = def
            else {
                continue;
            };
            let added = &self.crates[origin.krate].added_headers;
            if added.is_empty() {
                continue;
            }
            let name = path.rsplit("::").next().unwrap_or(path);
            let (by_name, by_const) = (
                AddedHeader::Name(lit.to_ascii_lowercase()),
                AddedHeader::Const(name.to_string()),
            );
            if added.contains(&by_name) {
                more.push((origin.krate, by_const));
            } else if added.contains(&by_const) {
                more.push((origin.krate, by_name));
            }
        }
        for (krate, h) in more {
            let added = &mut self.crates[krate].added_headers;
            if let Err(at) = added.binary_search(&h) {
                added.insert(at, h);
            }
        }
    }

    /// Attach impl methods to the user's types they are written for; an
    /// impl of a crate trait also gives the type the trait's methods it
    /// does not define (default methods), with the trait's signatures.
    fn link_impls(&mut self) {
        self.link_supertraits();
        for (krate, module, impls) in std::mem::take(&mut self.pending_impls) {
            for imp in impls {
                let ItemSig::Impl {
                    generics,
                    self_ty,
                    methods,
                    trait_path,
                } = imp
                else {
                    continue;
                };
                let TypeExpr::Path { segs, .. } = &self_ty else {
                    continue;
                };
                let Some(Resolved::Local(path)) = self.resolve_in(krate, &module, segs, 0) else {
                    continue;
                };
                let origin = Origin {
                    krate,
                    module: module.as_slice().into(),
                    generics,
                };
                let defaults = trait_path
                    .as_deref()
                    .and_then(|t| self.trait_methods_of(krate, &module, t));
                let entry = self.methods.entry(path).or_default();
                for (name, sig) in methods {
                    let mut sig_origin = origin.clone();
                    sig_origin.generics.extend(sig.generics.iter().cloned());
                    entry.entry(name).or_insert(Method {
                        origin: sig_origin,
                        self_ty: self_ty.clone(),
                        sig,
                    });
                }
                for (name, m) in defaults.into_iter().flatten() {
                    entry.entry(name).or_insert(m);
                }
            }
        }
    }

    // ----- questions the analysis asks ------------------------------------

    /// The names a module imports with `use`, and the paths as written
    /// (`Path` → `std::path::Path`).
    pub fn imports_of<'a>(
        &'a self,
        ctx: &FileContext,
    ) -> impl Iterator<Item = (&'a str, &'a [String])> + 'a {
        self.crates[ctx.krate]
            .modules
            .get(&ctx.module)
            .into_iter()
            .flat_map(|ns| ns.uses.iter().map(|(n, t)| (n.as_str(), t.as_slice())))
    }

    pub fn file(&self, path: &Path) -> Option<FileContext> {
        if let Some(found) = self.files.get(path) {
            return Some(found.clone());
        }
        let abs = absolute(path);
        if let Some(found) = self.files.get(&abs) {
            return Some(found.clone());
        }
        // Not reached by any `mod` (yet): placed by its location, under the
        // first root directory (libraries come first) holding it.
        let at = self.root_dir_at.get_or_init(|| {
            let mut at = HashMap::new();
            for (i, (dir, _)) in self.root_dirs.iter().enumerate() {
                at.entry(dir.clone()).or_insert(i);
            }
            at
        });
        let first = abs.ancestors().filter_map(|d| at.get(d)).min()?;
        let (dir, krate) = &self.root_dirs[*first];
        let rel = abs.strip_prefix(dir).ok()?.with_extension("");
        let mut module: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if module.last().is_some_and(|m| m == "mod") {
            module.pop();
        }
        Some(FileContext {
            krate: *krate,
            module,
        })
    }

    /// Is the type (behind references) one of the user's enums?
    pub fn is_enum(&self, ty: &Ty) -> bool {
        ty.path()
            .is_some_and(|p| matches!(self.defs.get(p), Some(Def::Enum)))
    }

    /// Is `path` (canonical) one of the user's traits? A value typed by it
    /// (a generic parameter bounded by it, `dyn` or `impl` it) has its
    /// methods ([`Index::method`]).
    pub fn is_trait(&self, path: &str) -> bool {
        matches!(self.defs.get(path), Some(Def::Trait))
    }

    /// The files the index places in a crate's module tree.
    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.files.keys()
    }

    /// True when `krate` reaches a crate of the index by `name` (its own
    /// package's library, a path dependency).
    /// Where the crate shows that it takes secrets in query strings.
    pub fn query_secret(&self, krate: usize) -> Option<(&Path, &query_secrets::QuerySecret)> {
        self.crates[krate]
            .query_secret
            .as_ref()
            .map(|(p, e)| (p.as_path(), e))
    }

    /// Whether `module` of `krate` is a `#[cfg(test)]` module or inside
    /// one: its code is compiled for tests only.
    pub fn in_test_module(&self, krate: usize, module: &[String]) -> bool {
        self.crates[krate]
            .test_modules
            .iter()
            .any(|t| module.starts_with(t))
    }

    /// Request headers the crate's middleware adds to every request
    /// ([`added_headers`]).
    pub fn added_headers(&self, krate: usize) -> &[added_headers::AddedHeader] {
        &self.crates[krate].added_headers
    }

    /// Rust 2015: a `use` path starts at the crate root, so `use
    /// state::AppState;` in any module names the root's `state` when the
    /// root declares it.
    pub fn use_from_root(&self, krate: usize, name: &str) -> bool {
        let c = &self.crates[krate];
        c.edition == 2015
            && c.modules
                .get(&[] as &[String])
                .is_some_and(|ns| ns.items.contains_key(name) || ns.uses.contains_key(name))
    }

    pub fn is_dep(&self, krate: usize, name: &str) -> bool {
        self.crates[krate].deps.contains_key(name)
    }

    /// The crates `krate`'s manifest lets it name.
    pub fn dependencies(&self, krate: usize) -> &crates::Dependencies {
        &self.crates[krate].dependencies
    }

    /// The edition of `krate`'s package.
    pub fn edition(&self, krate: usize) -> u16 {
        self.crates[krate].edition
    }

    /// The directory below which a path of `krate` says whether it is test
    /// code: its package's, or the outermost package's above it
    /// ([`crates::outermost_package_dir`]).
    pub fn test_base(&self, krate: usize) -> &Path {
        &self.crates[krate].test_base
    }

    pub fn macro_use(&self, krate: usize) -> &[String] {
        &self.crates[krate].macro_use
    }

    pub fn is_user_macro(&self, krate: usize, name: &str) -> bool {
        self.crates[krate].macro_rules.contains(name)
    }

    pub fn has_trait_method(&self, krate: usize, name: &str) -> bool {
        self.crates[krate].trait_methods.contains(name)
    }

    /// Resolve a path written in `module` of `krate`: `None` when its first
    /// segment is not declared or imported there and names no crate of the
    /// index (a prelude type, an external crate, a glob's name: the
    /// caller knows those).
    pub fn resolve_in(
        &self,
        krate: usize,
        module: &[String],
        segs: &[String],
        depth: usize,
    ) -> Option<Resolved> {
        if !self.built || depth > 0 {
            return self.resolve_rel(krate, module, segs, depth, true);
        }
        // Most paths a body names are the prelude's and the frameworks'
        // (`Some`, `String`, `Json`): no module of the index declares or
        // imports them, so no `use` or glob can lead to them.
        if let Some(first) = segs.first() {
            if !matches!(first.as_str(), "crate" | "self" | "super")
                && !self.crates[krate].deps.contains_key(first)
                && !self.names_anywhere(first)
            {
                return None;
            }
        }
        // Looked up by a hash of the path, so that a hit (most asks)
        // allocates nothing; the entry says which path it was.
        let hash = {
            use std::hash::BuildHasher;
            foldhash::fast::FixedState::default().hash_one((krate, module, segs))
        };
        let memo = || self.resolved.lock().unwrap_or_else(|e| e.into_inner());
        let mut taken = false;
        if let Some((k, m, s, found)) = memo().get(&hash) {
            if *k == krate && m.as_slice() == module && s.as_slice() == segs {
                return found.clone();
            }
            // Another path with the same hash keeps its place.
            taken = true;
        }
        let found = self.resolve_rel(krate, module, segs, depth, true);
        if taken {
            return found;
        }
        let mut memo = memo();
        // Files come package by package: a bounded memo keeps what the
        // current crates ask for, not every path of a long run.
        if memo.len() >= RESOLVED_MEMO_CAP {
            memo.clear();
        }
        memo.insert(hash, (krate, module.to_vec(), segs.to_vec(), found.clone()));
        found
    }

    /// Every module of every crate of the index.
    fn all_modules(&self) -> impl Iterator<Item = &ModuleNs> {
        self.crates.iter().flat_map(|c| c.modules.values())
    }

    /// Whether any module of any crate of the index declares or imports
    /// `name` (a path's first segment can resolve through the index only
    /// then). Always true while the index is built.
    fn names_anywhere(&self, name: &str) -> bool {
        if !self.built {
            return true;
        }
        self.names
            .get_or_init(|| {
                self.all_modules()
                    .flat_map(|ns| ns.items.keys().chain(ns.uses.keys()))
                    .cloned()
                    .collect()
            })
            .contains(name)
    }

    /// Whether some module of the index imports an item under `name`,
    /// not its own name (`use util::raw_query as rq;`, `pub use` of that).
    /// Always true while the index is built.
    pub fn is_rename(&self, name: &str) -> bool {
        if !self.built {
            return true;
        }
        self.renames
            .get_or_init(|| {
                self.all_modules()
                    .flat_map(|ns| ns.uses.iter())
                    .filter(|(name, target)| target.last() != Some(*name))
                    .map(|(name, _)| name.clone())
                    .collect()
            })
            .contains(name)
    }

    /// [`Index::resolve_in`], looking through glob imports or not.
    fn resolve_rel(
        &self,
        krate: usize,
        module: &[String],
        segs: &[String],
        depth: usize,
        globs: bool,
    ) -> Option<Resolved> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (first, rest) = segs.split_first()?;
        match first.as_str() {
            "crate" => return self.resolve_abs(krate, &[], rest, depth + 1, globs),
            "self" => return self.resolve_abs(krate, module, rest, depth + 1, globs),
            "super" => {
                let parent = &module[..module.len().saturating_sub(1)];
                return match rest.first().map(String::as_str) {
                    Some("super") => self.resolve_rel(krate, parent, rest, depth + 1, globs),
                    _ => self.resolve_abs(krate, parent, rest, depth + 1, globs),
                };
            }
            _ => {}
        }
        let ns = self.crates[krate].modules.get(module)?;
        if ns.items.contains_key(first) || ns.uses.contains_key(first) {
            return self.resolve_abs(krate, module, segs, depth + 1, globs);
        }
        if globs {
            if let Some(found) = self.through_globs(krate, module, segs, depth) {
                return Some(found);
            }
        }
        self.crates[krate]
            .deps
            .get(first)
            .and_then(|&k| self.resolve_abs(k, &[], rest, depth + 1, globs))
    }

    /// Look `segs` up inside `module` of `krate` (no prelude, no externs).
    fn resolve_abs(
        &self,
        krate: usize,
        module: &[String],
        segs: &[String],
        depth: usize,
        globs: bool,
    ) -> Option<Resolved> {
        if depth > MAX_DEPTH {
            return None;
        }
        let Some((first, rest)) = segs.split_first() else {
            return Some(Resolved::Local(
                canonical(&self.crates[krate].name, module, "")
                    .trim_end_matches("::")
                    .to_string(),
            ));
        };
        let ns = self.crates[krate].modules.get(module)?;
        if let Some(path) = ns.items.get(first) {
            if matches!(self.defs.get(path), Some(Def::Mod)) {
                let mut child = module.to_vec();
                child.push(first.clone());
                return self.resolve_abs(krate, &child, rest, depth + 1, globs);
            }
            let mut full = path.to_string();
            for r in rest {
                full.push_str("::");
                full.push_str(r);
            }
            return Some(Resolved::Local(full));
        }
        if let Some(target) = ns.uses.get(first) {
            let mut path = target.clone();
            path.extend(rest.iter().cloned());
            // `use url;` names the crate itself, not this `use`.
            if target.len() == 1 && target[0] == *first {
                return self.crates[krate]
                    .deps
                    .get(first)
                    .and_then(|&k| self.resolve_abs(k, &[], rest, depth + 1, globs))
                    .or(Some(Resolved::External(path)));
            }
            // Rust 2015: a `use` path starts at the crate root (`use
            // state::AppState;` in `routes/mod.rs` names `crate::state`).
            let from_root = self.crates[krate].edition == 2015
                && !module.is_empty()
                && !matches!(path[0].as_str(), "crate" | "self" | "super" | "");
            let found = if from_root {
                self.resolve_rel(krate, &[], &path, depth + 1, globs)
            } else {
                self.resolve_rel(krate, module, &path, depth + 1, globs)
            };
            return found.or(Some(Resolved::External(path)));
        }
        if globs {
            return self.through_globs(krate, module, segs, depth);
        }
        None
    }

    /// A name brought in by `use a::b::*` (or a chain of such globs): each
    /// module is searched once, so glob cycles (`use super::*` both ways)
    /// cost nothing.
    fn through_globs(
        &self,
        krate: usize,
        module: &[String],
        segs: &[String],
        depth: usize,
    ) -> Option<Resolved> {
        let mut visited: HashSet<(usize, Vec<String>)> = HashSet::new();
        let mut stack = vec![(krate, module.to_vec())];
        while let Some((k, m)) = stack.pop() {
            if visited.len() > 64 || !visited.insert((k, m.clone())) {
                continue;
            }
            let Some(ns) = self.crates[k].modules.get(&m) else {
                continue;
            };
            for g in &ns.globs {
                let target = match self.resolve_rel(k, &m, g, depth + 1, false) {
                    Some(Resolved::Local(t)) => t,
                    _ => continue,
                };
                let Some((tk, tm)) = self.module_of(&target) else {
                    continue;
                };
                match self.resolve_abs(tk, &tm, segs, depth + 1, false) {
                    Some(Resolved::Local(p)) if self.defines(&p) => {
                        return Some(Resolved::Local(p));
                    }
                    // A `pub use axum::..` re-exported through the glob.
                    Some(Resolved::External(p)) => return Some(Resolved::External(p)),
                    _ => {}
                }
                stack.push((tk, tm));
            }
        }
        None
    }

    /// Whether a canonical path names an item of the index, or an
    /// associated item of one of its types (`..::Satscard::from_query`,
    /// whose function is in [`Index::methods`], not a definition).
    fn defines(&self, path: &str) -> bool {
        if self.defs.contains_key(path) {
            return true;
        }
        path.rsplit_once("::").is_some_and(|(owner, _)| {
            matches!(
                self.defs.get(owner),
                Some(Def::Struct { .. } | Def::Enum | Def::Alias { .. } | Def::Trait | Def::Opaque)
            )
        })
    }

    /// The crate and module path a canonical module path names.
    fn module_of(&self, path: &str) -> Option<(usize, Vec<String>)> {
        let mut parts = path.split("::");
        let krate = *self.by_key.get(parts.next()?)?;
        let module: Vec<String> = parts.map(String::from).collect();
        self.crates[krate]
            .modules
            .contains_key(&module)
            .then_some((krate, module))
    }

    /// The type a signature's type expression denotes, where it was written.
    fn ty(&self, origin: &Origin, t: &TypeExpr, models: &Models, depth: usize) -> Ty {
        if depth > MAX_DEPTH {
            return Ty::Unknown;
        }
        match t {
            TypeExpr::Ref(inner) => Ty::reference(self.ty(origin, inner, models, depth + 1)),
            TypeExpr::Tuple(items) => Ty::Tuple(
                items
                    .iter()
                    .map(|i| self.ty(origin, i, models, depth + 1))
                    .collect(),
            ),
            TypeExpr::Slice(inner) => Ty::generic(
                crate::models::ty::SLICE,
                vec![self.ty(origin, inner, models, depth + 1)],
            ),
            TypeExpr::Other => Ty::Unknown,
            // `dyn Config`, `impl Config`: the crate's trait, or nothing.
            TypeExpr::Bound(inner) => match self.ty(origin, inner, models, depth + 1) {
                t if t.path().is_some_and(|p| self.is_trait(p)) => t,
                _ => Ty::Unknown,
            },
            TypeExpr::Path {
                leading_colon,
                segs,
                args,
            } => {
                if segs.len() == 1 {
                    if let Some(i) = origin.generics.iter().position(|g| *g == segs[0]) {
                        return Ty::Param(i);
                    }
                    if segs[0] == "Self" {
                        return Ty::SelfTy;
                    }
                }
                let args: Vec<Ty> = args
                    .iter()
                    .map(|a| self.ty(origin, a, models, depth + 1))
                    .collect();
                let resolved = if *leading_colon {
                    None
                } else {
                    self.resolve_in(origin.krate, &origin.module, segs, 0)
                };
                match resolved {
                    Some(Resolved::Local(path)) => {
                        self.expand_alias(Ty::generic(&path, args), models, depth + 1)
                    }
                    Some(Resolved::External(p)) => {
                        Ty::generic(&models.canonical(&p.join("::")), args)
                    }
                    None => Ty::generic(&models.canonical(&segs.join("::")), args),
                }
            }
        }
    }

    /// `Shared` of `type Shared = Arc<AppState>` is `Arc<AppState>`.
    pub fn expand_alias(&self, ty: Ty, models: &Models, depth: usize) -> Ty {
        let Some(Def::Alias { origin, ty: target }) = ty.path().and_then(|p| self.defs.get(p))
        else {
            return ty;
        };
        if depth > MAX_DEPTH {
            return Ty::Unknown;
        }
        let target = self.ty(origin, target, models, depth + 1);
        target.instantiate(&ty)
    }

    /// The declared type of field `name` of a user type.
    pub fn field(&self, recv: &Ty, name: &str, models: &Models) -> Option<Ty> {
        let Some(Def::Struct { origin, fields }) = self.defs.get(recv.path()?) else {
            return None;
        };
        let (_, t) = fields.iter().find(|(n, _)| n == name)?;
        Some(self.ty(origin, t, models, 0).instantiate(recv))
    }

    /// A method of a user type: its return type (`Self` and the impl's
    /// generics filled in from the receiver) and what its body returns.
    pub fn method(&self, recv: &Ty, name: &str, models: &Models) -> Option<Callee<'_>> {
        let m = self.method_at(recv, name)?;
        Some(self.callee(&m.origin, Some(&m.self_ty), &m.sig, Some(recv), models))
    }

    fn method_at(&self, recv: &Ty, name: &str) -> Option<&Method> {
        self.methods.get(recv.path()?)?.get(name)
    }

    /// A free function (with where it is written) or an associated
    /// function `Type::name`, by canonical path.
    fn fn_at(&self, path: &str) -> Option<FnAt<'_>> {
        if let Some(Def::Fn { origin, sig }) = self.defs.get(path) {
            return Some(FnAt::Free(origin, sig));
        }
        let (owner, name) = path.rsplit_once("::")?;
        Some(FnAt::Associated(self.methods.get(owner)?.get(name)?))
    }

    /// Whether a function or method named `name` (its own name, as
    /// declared) unwraps or logs a parameter ([`FnSig::reach`]). Most
    /// calls go elsewhere: the rules that follow reaches ask this before
    /// resolving a callee. Always true while the index is built.
    pub fn may_reach(&self, name: &str) -> bool {
        if !self.built {
            return true;
        }
        self.reaching
            .get_or_init(|| {
                let fns = self.defs.iter().filter_map(|(path, d)| match d {
                    Def::Fn { sig, .. } if !sig.reach.is_empty() => {
                        Some(path.rsplit("::").next().unwrap_or(path).to_string())
                    }
                    _ => None,
                });
                let methods = self.methods.values().flat_map(|by_name| {
                    by_name
                        .iter()
                        .filter(|(_, m)| !m.sig.reach.is_empty())
                        .map(|(n, _)| n.clone())
                });
                fns.chain(methods).collect()
            })
            .contains(name)
    }

    /// [`Index::method`]'s signature alone, its types not resolved: for
    /// rules that read what a helper does with its parameters.
    pub fn method_sig(&self, recv: &Ty, name: &str) -> Option<&FnSig> {
        Some(&self.method_at(recv, name)?.sig)
    }

    /// [`Index::call`]'s signature alone, its types not resolved.
    pub fn call_sig(&self, path: &str) -> Option<&FnSig> {
        Some(match self.fn_at(path)? {
            FnAt::Free(_, sig) => sig,
            FnAt::Associated(m) => &m.sig,
        })
    }

    /// A free function, or an associated function `Type::name`, by
    /// canonical path.
    pub fn call(&self, path: &str, models: &Models) -> Option<Callee<'_>> {
        Some(match self.fn_at(path)? {
            FnAt::Free(origin, sig) => {
                let mut origin = origin.clone();
                origin.generics = sig.generics.clone();
                self.callee(&origin, None, sig, None, models)
            }
            FnAt::Associated(m) => self.callee(&m.origin, Some(&m.self_ty), &m.sig, None, models),
        })
    }

    /// Resolve a callee's signature where it is written: generic
    /// parameters stay `Ty::Param` (in the order of `origin.generics`)
    /// until a call binds them.
    fn callee<'a>(
        &self,
        origin: &Origin,
        self_ty: Option<&TypeExpr>,
        sig: &'a FnSig,
        recv: Option<&Ty>,
        models: &Models,
    ) -> Callee<'a> {
        let ret = self.ty(origin, &sig.ret, models, 0);
        let has_generics = !origin.generics.is_empty();
        // The impl's self type binds its generics, or is `Self` of an
        // associated function (no receiver).
        let self_pattern = self_ty
            .filter(|_| has_generics || recv.is_none())
            .map(|t| self.ty(origin, t, models, 0));
        // Only a return type that names a generic parameter (or `Self` of a
        // generic impl) depends on the call's arguments.
        let self_generic = self_pattern
            .as_ref()
            .is_some_and(|t| mentions_param(t, false));
        let depends = has_generics && mentions_param(&ret, self_generic);
        let generic = Generic {
            count: origin.generics.len(),
            self_ty: self_pattern,
            recv: recv.cloned(),
            params: if depends {
                sig.params
                    .iter()
                    .map(|p| self.ty(origin, p, models, 0))
                    .collect()
            } else {
                Vec::new()
            },
            ret,
        };
        let declared = generic.returns_for(None, &[]);
        let generic = depends.then_some(generic);
        Callee {
            ret: declared,
            sig,
            generic,
        }
    }

    /// A `const` or `static`: its type and its string literal value.
    pub fn constant(&self, path: &str, models: &Models) -> Option<(Ty, Option<String>)> {
        match self.defs.get(path)? {
            Def::Const { origin, ty, lit } => Some((self.ty(origin, ty, models, 0), lit.clone())),
            _ => None,
        }
    }

    /// Does `text` name one of the items of `krate` (or of the crates it
    /// depends on) whose signatures involve a framework type, directly or
    /// through another such item? A file that names none of them, and no
    /// framework crate, cannot hold a framework value: the prefilter may
    /// skip it. The matcher is built once per crate and models.
    pub fn names_framework_item(&self, krate: usize, models: &Models, text: &[u8]) -> bool {
        self.framework_items(krate, models).matcher.named_in(text)
    }

    /// The names of [`Index::names_framework_item`] and their matcher.
    pub fn framework_matcher(&self, krate: usize, models: &Models) -> FrameworkNames {
        self.framework_items(krate, models).matcher.clone()
    }

    /// The items of `krate` (and the crates it depends on) that hold or
    /// give framework values, by name ([`FrameworkItems`]), built once per
    /// crate and models.
    pub fn framework_items(&self, krate: usize, models: &Models) -> Arc<FrameworkItems> {
        let mut cache = self.matchers.lock().expect("index matcher lock");
        if cache.len() >= MATCHERS_CAP && !cache.contains_key(&(krate, models.fingerprint)) {
            cache.clear();
        }
        cache
            .entry((krate, models.fingerprint))
            .or_insert_with(|| {
                let names = self.framework_names(krate, models);
                let mut followed = crate::body_mask::Followed::default();
                for (name, kind) in &names {
                    let need = match kind {
                        ItemKind::Value => crate::body_mask::Need::Word,
                        ItemKind::Function => crate::body_mask::Need::Function,
                    };
                    followed.add(name.clone(), need);
                }
                let mut words: Vec<String> = names.into_keys().collect();
                words.sort();
                Arc::new(FrameworkItems {
                    matcher: FrameworkNames::new(words.into()),
                    followed,
                })
            })
            .clone()
    }

    /// The names behind [`Index::names_framework_item`]: types and aliases
    /// (a value of one holds a framework value) and free functions that
    /// return one ([`ItemKind::Function`]); never method names (too
    /// common). A type counts when its fields name a type a rule follows
    /// ([`Models::followed_type_names`]) or another such item: a struct
    /// holding a `reqwest::StatusCode` or an error enum wrapping
    /// `actix_web::Error` does not.
    pub fn framework_names(&self, krate: usize, models: &Models) -> HashMap<String, ItemKind> {
        let words: HashSet<String> = models
            .followed_type_names()
            .iter()
            .cloned()
            .chain(models.access_log_type_names())
            .collect();
        let crates: Vec<usize> = std::iter::once(krate)
            .chain(self.crates[krate].deps.values().copied())
            .collect();
        // Each item with its own name, worked out once for every round.
        let defs: Vec<(&Arc<str>, &str, &Def)> = crates
            .iter()
            .flat_map(|&k| &self.crates[k].defs)
            .filter_map(|p| {
                let name = p.rfind(':').map_or(&**p, |i| &p[i + 1..]);
                self.defs.get(p).map(|d| (p, name, d))
            })
            .collect();
        let mut interesting: HashMap<String, ItemKind> = HashMap::new();
        let mentions = |t: &TypeExpr, interesting: &HashMap<String, ItemKind>| {
            t.any_name(&|n| {
                words.contains(n) || interesting.get(n).is_some_and(|k| *k == ItemKind::Value)
            })
        };
        // Rounds until nothing is added reach items that hold items that
        // hold framework types, however deep, whatever order the items
        // come in (the set only grows: the rounds end).
        loop {
            let before = interesting.len();
            for &(path, name, def) in &defs {
                if interesting.contains_key(name) {
                    continue;
                }
                let hit = match def {
                    Def::Struct { fields, .. } => fields
                        .iter()
                        .any(|(_, t)| mentions(t, &interesting))
                        .then_some(ItemKind::Value),
                    Def::Alias { ty, .. } => mentions(ty, &interesting).then_some(ItemKind::Value),
                    Def::Fn { sig, .. } => (mentions(&sig.ret, &interesting)
                        || sig.returns.is_some()
                            && sig.params.iter().any(|p| mentions(p, &interesting)))
                    .then_some(ItemKind::Function),
                    Def::Const { ty, .. } => mentions(ty, &interesting).then_some(ItemKind::Value),
                    // A trait whose methods return one: a value typed by
                    // it (`c: &C` with `C: Config`) gives one.
                    Def::Trait => self
                        .methods
                        .get(&**path)
                        .is_some_and(|ms| ms.values().any(|m| mentions(&m.sig.ret, &interesting)))
                        .then_some(ItemKind::Value),
                    _ => None,
                };
                if let Some(kind) = hit {
                    interesting.insert(name.to_string(), kind);
                }
            }
            // Names the crate gives framework items or its own interesting
            // ones with `use .. as ..` (`use url::Url as Address;`, `pub use
            // actix_web::..::Logger as AccessLog;`): a struct with an `Address` field holds a URL.
            for &k in &crates {
                for ns in self.crates[k].modules.values() {
                    for (name, target) in &ns.uses {
                        let last = target.last().map(String::as_str).unwrap_or("");
                        if name != last && !interesting.contains_key(name) {
                            let kind = if words.contains(last) {
                                Some(ItemKind::Value)
                            } else {
                                interesting.get(last).copied()
                            };
                            if let Some(kind) = kind {
                                interesting.insert(name.clone(), kind);
                            }
                        }
                    }
                }
            }
            if interesting.len() == before {
                break;
            }
        }
        interesting
    }
}

/// Does the type name a generic parameter anywhere (`Self` counting as
/// one when the impl's self type is generic)?
fn mentions_param(t: &Ty, self_generic: bool) -> bool {
    match t {
        Ty::Param(_) | Ty::ParamOr(..) => true,
        Ty::SelfTy => self_generic,
        Ty::Path { args, .. } | Ty::Tuple(args) => {
            args.iter().any(|a| mentions_param(a, self_generic))
        }
        Ty::Ref(inner) => mentions_param(inner, self_generic),
        Ty::Unknown => false,
    }
}

/// The user's items that hold or give framework values
/// ([`Index::framework_items`]).
#[derive(Debug)]
pub struct FrameworkItems {
    /// The names as one matcher, built when first needed.
    matcher: FrameworkNames,
    /// The names, each with how it must be written to count, as
    /// [`crate::body_mask`] looks for them.
    pub followed: crate::body_mask::Followed,
}

impl FrameworkItems {
    /// Is `name` one of the items?
    pub fn contains(&self, name: &str) -> bool {
        self.followed.get(name).is_some()
    }
}

/// How an item of [`FrameworkItems`] brings a framework value into code
/// that names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A type or alias: a value of it holds one.
    Value,
    /// A free function: calling it returns one.
    Function,
}

/// A type written as one name (`T`).
fn type_named(name: &str) -> TypeExpr {
    TypeExpr::Path {
        leading_colon: false,
        segs: vec![name.to_string()],
        args: Vec::new(),
    }
}

fn canonical(krate: &str, module: &[String], name: &str) -> String {
    let mut s = String::from(krate);
    s.push_str("::");
    for m in module {
        s.push_str(m);
        s.push_str("::");
    }
    s.push_str(name);
    s
}

pub(crate) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The index of a package written into `root` from `(path, text)` pairs
/// (a `Cargo.toml` among them), every `.rs` file walked: for tests.
#[cfg(test)]
fn index_of_files(root: &Path, files: &[(&str, &str)]) -> Index {
    let mut paths = Vec::new();
    for (name, text) in files {
        let p = root.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        if name.ends_with(".rs") {
            paths.push(p);
        }
    }
    Index::build(&paths, &|p: &Path| std::fs::read_to_string(p).ok(), &|_| {
        true
    })
}

#[cfg(test)]
mod framework_names_tests {
    use super::*;

    /// The first texts are looked up word by word, the later ones with the
    /// matcher: both give the same answers, whole words only.
    #[test]
    fn word_by_word_and_the_matcher_agree() {
        let names = FrameworkNames::new(vec!["State".to_string(), "AppState".to_string()].into());
        assert_eq!(&*names.words, ["AppState", "State"], "sorted on the way in");
        let texts: [(&[u8], bool); 7] = [
            (b"fn f(s: AppState) {}", true),
            (b"x: &State,", true),
            (b"MyAppState", false),
            (b"AppStates and app_state", false),
            (b"State", true),
            (b"", false),
            (b"2State _State State_", false),
        ];
        for round in 0..3 {
            for (text, named) in texts {
                assert_eq!(
                    names.named_in(text),
                    named,
                    "round {round}: {:?}",
                    String::from_utf8_lossy(text)
                );
            }
        }
        assert!(
            names.matcher.get().is_some(),
            "built after the first lookups"
        );
        assert!(!FrameworkNames::new(Vec::new().into()).named_in(b"State"));
    }
}

#[cfg(test)]
mod placement_tests {
    use super::*;

    /// `Card::from_query(..)` where `Card` comes through `use super::*`
    /// from a parent's private `use`: the path names the type's
    /// associated function (ord's `Satscard::from_query_parameters`).
    #[test]
    fn an_associated_function_is_found_through_a_chain_of_globs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = [
            (
                "Cargo.toml",
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\n",
            ),
            (
                "src/lib.rs",
                "use self::card::Card;\nmod card;\npub mod sub;\n",
            ),
            (
                "src/card.rs",
                "pub struct Card;\nimpl Card { pub fn from_query(q: &str) -> Card { Card } }\n",
            ),
            ("src/sub.rs", "use super::*;\npub mod server;\n"),
            ("src/sub/server.rs", "use super::*;\n"),
        ];
        let ix = index_of_files(root, &files);
        let ctx = ix.file(&root.join("src/sub/server.rs")).expect("reached");
        let segs = ["Card".to_string(), "from_query".to_string()];
        let Some(Resolved::Local(path)) = ix.resolve_in(ctx.krate, &ctx.module, &segs, 0) else {
            panic!("not resolved");
        };
        assert_eq!(path, "app#lib::card::Card::from_query");
        assert!(ix.call_sig(&path).is_some());
        // A member the type does not have names no function.
        let missing = ["Card".to_string(), "nothing".to_string()];
        match ix.resolve_in(ctx.krate, &ctx.module, &missing, 0) {
            Some(Resolved::Local(p)) => assert!(ix.call_sig(&p).is_none(), "{p}"),
            other => panic!("{other:?}"),
        }
        let unknown = ["Nope".to_string(), "from_query".to_string()];
        assert!(ix.resolve_in(ctx.krate, &ctx.module, &unknown, 0).is_none());
    }

    #[test]
    fn a_file_no_mod_reaches_is_placed_under_the_first_root_holding_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = [
            (
                "Cargo.toml",
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\n[dependencies]\nurl = \"2\"\n",
            ),
            ("src/lib.rs", "pub mod state;\n"),
            (
                "src/state.rs",
                "pub struct AppState { pub base: url::Url }\n",
            ),
            ("src/bin/tool.rs", "fn main() {}\n"),
        ];
        let ix = index_of_files(root, &files);
        let lib = ix.file(&root.join("src/state.rs")).expect("reached by mod");
        assert_eq!(lib.module, ["state"]);
        let new = ix.file(&root.join("src/routes/new.rs")).expect("under src");
        assert_eq!(
            (new.krate, new.module.clone()),
            (lib.krate, vec!["routes".to_string(), "new".to_string()])
        );
        // Under the library's and the binary's directories: the library's.
        let both = ix.file(&root.join("src/bin/extra.rs")).expect("under both");
        assert_eq!(both.krate, lib.krate);
        assert_eq!(both.module, ["bin", "extra"]);
        assert!(ix.file(&root.join("elsewhere/x.rs")).is_none());
    }
}

#[cfg(test)]
mod trait_tests {
    use super::*;

    /// A crate whose trait is declared in one file and implemented in
    /// another; `local.rs` has its own `Url` and a trait giving it.
    fn index_of(dir: &Path) -> Index {
        let files = [
            (
                "Cargo.toml",
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            (
                "src/main.rs",
                "mod config;\nmod local;\nmod state;\nfn main() {}\n",
            ),
            (
                "src/config.rs",
                "use url::Url;\n\
                 pub trait Endpoints { fn api(&self) -> &Url; }\n\
                 pub trait Config: Endpoints {\n\
                     fn base(&self) -> &Url;\n\
                     fn query(&self) -> String { String::new() }\n\
                     fn billing(&self) -> Url { secret_body(self) }\n\
                     fn me(&self) -> &Self { self }\n\
                 }\n\
                 pub trait Named { fn name(&self) -> String; }\n\
                 pub trait Provider<T> { fn get(&self) -> &T; }\n",
            ),
            (
                "src/state.rs",
                "use crate::config::{Config, Endpoints};\nuse url::Url;\n\
                 pub struct AppState { pub base: Url }\n\
                 impl Endpoints for AppState { fn api(&self) -> &Url { &self.base } }\n\
                 impl Config for AppState { fn base(&self) -> &Url { &self.base } }\n\
                 pub struct Services { pub config: std::sync::Arc<dyn Config + Send>, \
                 pub other: Box<dyn std::fmt::Display> }\n",
            ),
            (
                "src/local.rs",
                "pub struct Url { pub raw: String }\n\
                 pub trait Source { fn url(&self) -> &Url; }\n",
            ),
        ];
        index_of_files(dir, &files)
    }

    fn ret(ix: &Index, recv: &str, method: &str, models: &Models) -> Option<Ty> {
        ix.method(&Ty::named(recv), method, models).map(|c| c.ret)
    }

    #[test]
    fn a_trait_gives_its_method_signatures_to_values_typed_by_it() {
        let dir = tempfile::tempdir().unwrap();
        let ix = index_of(dir.path());
        let models = Models::builtin().unwrap();
        let url = Ty::named("url::Url");
        let config = "app#0::config::Config";
        assert!(ix.is_trait(config));
        assert!(!ix.is_trait("app#0::state::AppState"));
        assert_eq!(
            ret(&ix, config, "base", &models),
            Some(Ty::reference(url.clone()))
        );
        assert_eq!(ret(&ix, config, "billing", &models), Some(url.clone()));
        assert_eq!(
            ret(&ix, config, "query", &models),
            Some(Ty::named("String"))
        );
        // Through the supertrait.
        assert_eq!(
            ret(&ix, config, "api", &models),
            Some(Ty::reference(url.clone()))
        );
        // `Self` is the receiver's type.
        let state = Ty::named("app#0::state::AppState");
        let me = ix.method(&state, "me", &models).map(|c| c.ret);
        assert_eq!(me, Some(Ty::reference(state.clone())));
        // A local trait gives the crate's own `Url`, not the framework's.
        assert_eq!(
            ret(&ix, "app#0::local::Source", "url", &models),
            Some(Ty::reference(Ty::named("app#0::local::Url")))
        );
        assert_eq!(ret(&ix, config, "missing", &models), None);
        // A generic trait's parameter is the value's type argument.
        let provider = |arg: Ty| Ty::generic("app#0::config::Provider", vec![arg]);
        let get = |arg: Ty| ix.method(&provider(arg), "get", &models).map(|c| c.ret);
        assert_eq!(get(url.clone()), Some(Ty::reference(url.clone())));
        assert_eq!(
            get(Ty::named("String")),
            Some(Ty::reference(Ty::named("String")))
        );
    }

    #[test]
    fn a_trait_object_of_a_crate_trait_is_the_trait() {
        let dir = tempfile::tempdir().unwrap();
        let ix = index_of(dir.path());
        let models = Models::builtin().unwrap();
        let services = Ty::named("app#0::state::Services");
        let config = ix.field(&services, "config", &models);
        assert_eq!(
            config,
            Some(Ty::generic(
                "std::sync::Arc",
                vec![Ty::named("app#0::config::Config")]
            ))
        );
        // A std trait object is nothing the analysis follows.
        let other = ix.field(&services, "other", &models);
        assert_eq!(other, Some(Ty::generic("Box", vec![Ty::Unknown])));
    }

    #[test]
    fn an_implementor_has_the_default_methods_it_does_not_define() {
        let dir = tempfile::tempdir().unwrap();
        let ix = index_of(dir.path());
        let models = Models::builtin().unwrap();
        let state = "app#0::state::AppState";
        let url = Ty::named("url::Url");
        assert_eq!(ret(&ix, state, "billing", &models), Some(url.clone()));
        assert_eq!(ret(&ix, state, "query", &models), Some(Ty::named("String")));
        assert_eq!(
            ret(&ix, state, "base", &models),
            Some(Ty::reference(url.clone()))
        );
        // Not a method of a trait it does not implement.
        assert_eq!(ret(&ix, state, "name", &models), None);
    }

    #[test]
    fn a_trait_returning_framework_values_is_a_followed_name() {
        let dir = tempfile::tempdir().unwrap();
        let ix = index_of(dir.path());
        let models = Models::builtin().unwrap();
        let names = ix.framework_names(0, &models);
        assert_eq!(names.get("Config"), Some(&ItemKind::Value));
        assert_eq!(names.get("Endpoints"), Some(&ItemKind::Value));
        // Its methods give only a `String`. (Names are matched as words:
        // `Source`, giving the crate's own `Url`, counts too, which only
        // keeps a body parsed; its values stay the local type.)
        assert!(!names.contains_key("Named"), "{names:?}");
    }

    #[test]
    fn items_that_hold_framework_values_are_found_however_deep() {
        // Each struct holds the next; the last holds a `Url`. Declared
        // outermost first, one round of the search reaches one level.
        let dir = tempfile::tempdir().unwrap();
        let mut state = String::from("use url::Url;\n");
        for i in 0..8 {
            state.push_str(&format!("pub struct S{i} {{ pub inner: S{} }}\n", i + 1));
        }
        state.push_str("pub struct S8 { pub base: Url }\npub struct Plain { pub n: u32 }\n");
        let ix = index_of_files(
            dir.path(),
            &[
                (
                    "Cargo.toml",
                    "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
                ),
                ("src/main.rs", "mod state;\nfn main() {}\n"),
                ("src/state.rs", &state),
            ],
        );
        let names = ix.framework_names(0, &Models::builtin().unwrap());
        for i in 0..=8 {
            assert_eq!(
                names.get(&format!("S{i}")),
                Some(&ItemKind::Value),
                "S{i}: {names:?}"
            );
        }
        assert!(!names.contains_key("Plain"));
    }
}
