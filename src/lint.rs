//! Linting one file end to end: read it (with limits), parse it, run the
//! engine, and turn anything that goes wrong into a finding with the file's
//! path instead of stopping the run. Also the parallel driver over many
//! files, with deterministic output order.

use crate::cache::{self, Cache};
use crate::complexity::TOO_COMPLEX;
use crate::diagnostic::{Diagnostic, Level, INTERNAL_ERROR, IO_ERROR, PARSE_ERROR};
use crate::engine;
use crate::incremental::Analysis;
use crate::index::crates::{PackageCache, PackageFacts};
use crate::models::Models;
use crate::prefilter::{Admit, Prefilter};
use crate::read;
use crate::rules::RuleSet;
use crate::source::SourceFile;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

pub use crate::read::MAX_FILE_BYTES;

/// Deeply nested code recurses deeply in the parser and the walker.
const STACK_BYTES: usize = 64 * 1024 * 1024;

/// Files bigger than this are parsed one at a time (see `lint_text`).
const BIG_FILE_BYTES: usize = 256 * 1024;

/// The default per-file time budget (`--time-budget`, `time-budget`).
pub const DEFAULT_TIME_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

/// More threads than this many per core only cost memory (each has a
/// 64 MiB stack reservation) and start-up time.
pub const THREADS_PER_CORE: usize = 4;

const TOO_COMPLEX_HELP: &str =
    "`scope-lint explain too-complex` says why; exclude generated files in the configuration";

/// `--threads`: 0 is one per core; more than [`THREADS_PER_CORE`] per
/// core is capped.
pub fn cap_threads(requested: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    requested.min(cores * THREADS_PER_CORE)
}

/// What the engine made of a file's text.
struct Checked {
    diagnostics: Vec<Diagnostic>,
    /// The text parsed (otherwise nothing ran on it).
    parsed: bool,
}

/// Counters of one run, shared by the threads (`--timings`).
#[derive(Debug, Default)]
pub struct Stats {
    pub files: AtomicUsize,
    pub skipped: AtomicUsize,
    pub parsed: AtomicUsize,
    /// Function bodies of the parsed files, and those blanked unparsed.
    pub bodies: AtomicUsize,
    pub blanked: AtomicUsize,
    pub cache_hits: AtomicUsize,
    /// Texts linted by analysing again only the function whose body an
    /// edit changed ([`crate::incremental`], the language server).
    pub incremental: AtomicUsize,
    pub read_ns: AtomicU64,
    pub parse_ns: AtomicU64,
    pub check_ns: AtomicU64,
}

fn add_time(counter: &AtomicU64, since: Instant) {
    counter.fetch_add(since.elapsed().as_nanos() as u64, Ordering::Relaxed);
}

/// The loaded models and the enabled rules, the prefilter derived from
/// them, and an optional result cache: built once, shared by threads.
pub struct Linter {
    pub models: Models,
    pub rules: RuleSet,
    pub prefilter: Option<Prefilter>,
    pub cache: Option<Cache>,
    pub stats: Stats,
    /// The user's items across the crates of the run (see [`crate::index`]).
    pub index: Option<Arc<crate::index::SharedIndex>>,
    /// Reading, parsing and analysing one file may take this long; past
    /// it the analysis stops and the file gets a `too-complex` finding.
    pub time_budget: std::time::Duration,
    /// Packages of files outside the index, read once.
    packages: std::sync::Mutex<PackageCache>,
    /// The modelled types' and free functions' names, for
    /// [`crate::body_mask`].
    model_names: std::sync::OnceLock<ModelNames>,
    /// The modelled value crates' names (`axum`, `url`).
    value_crates: std::sync::OnceLock<std::collections::HashSet<String>>,
}

/// The modelled value crates (`axum::`), the types a rule follows and the
/// free functions that give one, as [`crate::body_mask`] looks for them.
type ModelNames = crate::body_mask::Followed;

/// What linting one file produced.
#[derive(Debug)]
pub struct FileResult {
    pub path: PathBuf,
    /// The text, kept only when there is something to show from it.
    pub source: Option<Arc<SourceFile>>,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The run could not check this file (unreadable, too large, a panic):
    /// the tool did not do its whole job, which is exit code 2.
    pub incomplete: bool,
    pub lines: usize,
}

impl FileResult {
    pub fn problem(path: &Path, code: crate::diagnostic::Code, message: String) -> FileResult {
        FileResult {
            path: path.to_path_buf(),
            source: None,
            diagnostics: vec![Diagnostic::new(code, Level::Error, 0..0, message)],
            incomplete: true,
            lines: 0,
        }
    }

    pub fn lines(&self) -> usize {
        self.lines
    }

    fn new(path: &Path, source: Arc<SourceFile>, diagnostics: Vec<Diagnostic>) -> FileResult {
        FileResult {
            path: path.to_path_buf(),
            lines: source.line_count(),
            source: (!diagnostics.is_empty()).then_some(source),
            diagnostics,
            incomplete: false,
        }
    }
}

impl Linter {
    /// A linter with its prefilter and no cache.
    pub fn new(models: Models, rules: RuleSet) -> Linter {
        let prefilter = Some(Prefilter::new(&rules, &models));
        Linter {
            models,
            rules,
            prefilter,
            cache: None,
            stats: Stats::default(),
            index: None,
            time_budget: DEFAULT_TIME_BUDGET,
            packages: Default::default(),
            model_names: Default::default(),
            value_crates: Default::default(),
        }
    }

    /// Read and lint one file; never panics, never fails.
    pub fn lint_path(&self, path: &Path) -> FileResult {
        self.lint_path_with(path, None)
    }

    /// [`Linter::lint_path`] with what a `stat` of the file said when the
    /// caller has it already (`None`: asked here).
    pub fn lint_path_with(&self, path: &Path, stat: Option<read::Stat>) -> FileResult {
        let stat = match stat.map_or_else(|| read::Stat::of_path(path), Ok) {
            Ok(stat) => stat,
            Err(e) => return FileResult::problem(path, IO_ERROR, format!("cannot read: {e}")),
        };
        if let Some(kind) = stat.special {
            let e = read::ReadError::NotRegular(kind);
            return FileResult::problem(path, IO_ERROR, e.to_string());
        }
        let stamp = stat.stamp;
        // Unchanged since the cache saw it: not even read, unless there are
        // findings to show from it.
        if let Some((lines, diagnostics)) =
            self.cache.as_ref().and_then(|c| c.get(path, None, stamp))
        {
            let source = if diagnostics.is_empty() {
                None
            } else {
                match read::read_limited(path, MAX_FILE_BYTES) {
                    Ok(bytes) => Some(Arc::new(SourceFile::new(
                        path,
                        String::from_utf8_lossy(&bytes).into_owned(),
                    ))),
                    Err(e) => return FileResult::problem(path, IO_ERROR, e.to_string()),
                }
            };
            self.stats.files.fetch_add(1, Ordering::Relaxed);
            self.stats.cache_hits.fetch_add(1, Ordering::Relaxed);
            return FileResult {
                path: path.to_path_buf(),
                source,
                diagnostics,
                incomplete: false,
                lines,
            };
        }
        let started = Instant::now();
        let bytes = match read::read_limited(path, MAX_FILE_BYTES) {
            Ok(b) => b,
            Err(e) => return FileResult::problem(path, IO_ERROR, e.to_string()),
        };
        add_time(&self.stats.read_ns, started);
        self.stats.files.fetch_add(1, Ordering::Relaxed);
        let hash = self.cache.as_ref().map(|_| cache::content_hash(&bytes));
        if let (Some(cache), Some(hash)) = (&self.cache, hash) {
            if let Some((lines, diagnostics)) = cache.get(path, Some(hash), stamp) {
                self.stats.cache_hits.fetch_add(1, Ordering::Relaxed);
                let source = (!diagnostics.is_empty()).then(|| {
                    Arc::new(SourceFile::new(
                        path,
                        String::from_utf8_lossy(&bytes).into_owned(),
                    ))
                });
                return FileResult {
                    path: path.to_path_buf(),
                    source,
                    diagnostics,
                    incomplete: false,
                    lines,
                };
            }
        }
        let result = match String::from_utf8(bytes) {
            Ok(text) => self.lint_text(path, text),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let source = Arc::new(SourceFile::new(path, text));
                let end = source.text[at..]
                    .chars()
                    .next()
                    .map_or(at, |c| at + c.len_utf8());
                let d = Diagnostic::new(
                    PARSE_ERROR,
                    Level::Error,
                    at..end,
                    format!("not valid UTF-8 (byte {at}): Rust source must be UTF-8"),
                );
                FileResult::new(path, source, vec![d])
            }
        };
        if let (Some(cache), Some(hash)) = (&self.cache, hash) {
            if !result.incomplete {
                cache.put(path, hash, stamp, result.lines, &result.diagnostics);
            }
        }
        result
    }

    /// Lint source text that claims to come from `path`.
    pub fn lint_text(&self, path: &Path, text: String) -> FileResult {
        self.lint_text_with(path, text, None, false).0
    }

    /// Lint a new text of a file linted before, re-analysing only the
    /// function whose body changed when `previous` (what the last call
    /// returned for this file) allows it ([`crate::incremental`]): the
    /// language server's path. Also returns what the next call needs.
    pub fn lint_text_incremental(
        &self,
        path: &Path,
        text: String,
        previous: Option<&Analysis>,
    ) -> (FileResult, Option<Analysis>) {
        self.lint_text_with(path, text, previous, true)
    }

    fn lint_text_with(
        &self,
        path: &Path,
        text: String,
        previous: Option<&Analysis>,
        keep: bool,
    ) -> (FileResult, Option<Analysis>) {
        let mut admit = Admit::Whole;
        // The prefilter that let the file in: in test code, the one for
        // the rules that run in tests. What it lets in, it also keeps of
        // the file's bodies and items.
        let mut admitted_by = self.prefilter.as_ref();
        if let Some(p) = &self.prefilter {
            // A file that names no framework crate may still name one of
            // its crate's items that hold framework values. The index is
            // asked last: its package's part may have to be built for it.
            let names_framework = || {
                self.index
                    .as_ref()
                    .is_some_and(|s| s.names_framework_item(path, &self.models, text.as_bytes()))
            };
            admit = p.admit(text.as_bytes(), names_framework);
            // In test code the rules that skip tests cannot fire: they do
            // not let the file in. Asked only of a file let in (whether it
            // is test code may take its package's part of the index, which
            // its analysis needs anyway).
            if admit != Admit::Skip && self.holds_only_tests(path) {
                let in_tests = p.for_tests(true);
                admit = in_tests.admit(text.as_bytes(), names_framework);
                admitted_by = Some(in_tests);
            }
            if admit == Admit::Skip {
                self.stats.skipped.fetch_add(1, Ordering::Relaxed);
                let skipped = FileResult {
                    path: path.to_path_buf(),
                    source: None,
                    diagnostics: Vec::new(),
                    incomplete: false,
                    lines: text.lines().count().max(1),
                };
                return (skipped, None);
            }
        }
        // A syntax tree takes some 50 times its text: two big files parsed
        // at once would double the run's peak memory, so they take turns.
        let _turn = (text.len() > BIG_FILE_BYTES).then(|| {
            static BIG_FILE: std::sync::Mutex<()> = std::sync::Mutex::new(());
            BIG_FILE.lock().unwrap_or_else(|e| e.into_inner())
        });
        let started = Instant::now();
        let source = Arc::new(SourceFile::new(path, text));
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if keep {
                self.check_reusing(&source, started, previous)
            } else {
                let admitted = (admit, admitted_by);
                (self.lint_source(&source, started, None, admitted), None)
            }
        }));
        // Spans of this file are no longer needed; free proc-macro2's
        // thread-local source map so memory stays flat across files.
        proc_macro2::extra::invalidate_current_thread_spans();
        match outcome {
            Ok((
                Checked {
                    mut diagnostics,
                    parsed,
                },
                analysis,
            )) => {
                diagnostics.sort_by(|a, b| {
                    (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
                });
                diagnostics.dedup();
                // Nothing ran on a file that does not parse: its allow
                // comments are not unused, just not reached.
                let unused_level = self
                    .rules
                    .level_of(crate::rules::UNUSED_SUPPRESSION.code)
                    .filter(|_| parsed);
                crate::suppress::apply(&source, &mut diagnostics, unused_level, &|code| {
                    self.rules.level_of(code).is_some()
                });
                let mut result = FileResult::new(path, source, diagnostics);
                // A file the engine gave up on was not checked.
                result.incomplete = result.diagnostics.iter().any(|d| d.code == TOO_COMPLEX);
                (result, analysis)
            }
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                let mut r = FileResult::problem(
                    path,
                    INTERNAL_ERROR,
                    format!(
                        "scope-lint panicked on this file ({what}); please report it with the file"
                    ),
                );
                r.lines = source.line_count();
                (r, None)
            }
        }
    }

    /// The engine's findings for a text, from the previous analysis of
    /// the file when an edit allows it; and the analysis of this text (for
    /// files of the crate index: the incremental path relies on it).
    fn check_reusing(
        &self,
        source: &SourceFile,
        started: Instant,
        previous: Option<&Analysis>,
    ) -> (Checked, Option<Analysis>) {
        let index = self.index.as_ref();
        if index.is_none_or(|s| s.get().file(&source.path).is_none()) {
            return (self.lint_source(source, started, None, self.whole()), None);
        }
        let complete =
            |c: &Checked| c.parsed && !c.diagnostics.iter().any(|d| d.code == TOO_COMPLEX);
        if let Some(previous) = previous {
            if let Some(plan) = crate::incremental::plan(previous, &source.text, index) {
                let masked = SourceFile::new(&source.path, plan.masked(&source.text));
                let fresh = self.lint_source(&masked, started, Some(plan.focus()), self.whole());
                if complete(&fresh) {
                    if let Some(raw) = plan.merge(previous, fresh.diagnostics) {
                        let analysis = Analysis {
                            text: source.text.clone(),
                            fns: plan.fns,
                            raw: raw.clone(),
                            index: index.cloned(),
                        };
                        let checked = Checked {
                            diagnostics: raw,
                            parsed: true,
                        };
                        self.stats.incremental.fetch_add(1, Ordering::Relaxed);
                        return (checked, Some(analysis));
                    }
                }
            }
        }
        let checked = self.lint_source(source, started, None, self.whole());
        let analysis = complete(&checked).then(|| Analysis {
            text: source.text.clone(),
            fns: crate::incremental::fn_extents(&source.text),
            raw: checked.diagnostics.clone(),
            index: index.cloned(),
        });
        (checked, analysis)
    }

    /// The text with the function bodies no rule can fire in blanked (see
    /// [`crate::body_mask`]); `None` to parse it all: without the
    /// prefilter (`--no-prefilter`), or for a file outside the index.
    fn mask_bodies(
        &self,
        source: &SourceFile,
        index: Option<&crate::index::Index>,
        prefilter: Option<&Prefilter>,
    ) -> Option<crate::body_mask::Masked> {
        let prefilter = prefilter?;
        let ix = index?;
        let ctx = ix.file(&source.path)?;
        let krate = ctx.krate;
        let models = self.model_names.get_or_init(|| {
            use crate::body_mask::Need;
            let mut f = crate::body_mask::Followed::default();
            // Log macros (`tracing::info!`) bring no value of their own:
            // only the crates whose values the models describe count.
            for w in self.models.value_crate_words() {
                f.add(w, Need::Path);
            }
            for t in self
                .models
                .followed_type_names()
                .iter()
                .cloned()
                .chain(self.models.access_log_type_names())
            {
                f.add(t, Need::Word);
            }
            for name in self.models.free_function_names() {
                f.add(name, Need::Function);
            }
            f
        });
        let items = ix.framework_items(krate, &self.models);
        // A modelled type's name imported from elsewhere (`use
        // std::path::Path;`) means that other type when written bare.
        let mut shadowed = crate::body_mask::Followed::default();
        let value_crates = self.value_crates.get_or_init(|| {
            self.models
                .value_crate_words()
                .into_iter()
                .collect::<std::collections::HashSet<_>>()
        });
        for (name, target) in ix.imports_of(&ctx) {
            let from_models = target
                .first()
                .is_some_and(|head| value_crates.contains(head));
            if !from_models
                && !items.contains(name)
                && models.get(name) == Some(crate::body_mask::Need::Word)
            {
                shadowed.add(name, crate::body_mask::Need::Qualified);
            }
        }
        let triggers: Vec<usize> = prefilter
            .model_free_triggers(source.text.as_bytes())
            .collect();
        let masked = crate::body_mask::mask(
            &source.text,
            &[&items.followed, &shadowed, models],
            &triggers,
        );
        self.stats
            .bodies
            .fetch_add(masked.bodies, Ordering::Relaxed);
        self.stats
            .blanked
            .fetch_add(masked.blanked, Ordering::Relaxed);
        Some(masked)
    }

    /// A file let in whole by the linter's own prefilter (if any).
    fn whole(&self) -> (Admit, Option<&Prefilter>) {
        (Admit::Whole, self.prefilter.as_ref())
    }

    /// Parse and analyse `source` (only the function bodies inside
    /// `focus`, when given), let in as `admitted` says: what of it, and by
    /// which prefilter (`None`: `--no-prefilter`).
    fn lint_source(
        &self,
        source: &SourceFile,
        started: Instant,
        focus: Option<std::ops::Range<usize>>,
        admitted: (Admit, Option<&Prefilter>),
    ) -> Checked {
        let package = self.package_of(&source.path);
        let index = self.index.as_ref().map(|s| s.get_for(&source.path));
        // A file no crate of the index holds is analysed alone, with its
        // own items known (its body mask is still the whole-file one).
        let own_index = match &index {
            Some(ix) if ix.file(&source.path).is_some() => None,
            _ => Some(crate::index::Index::of_lone_file(
                &source.path,
                &source.text,
            )),
        };
        // Bodies that cannot matter are not parsed (the incremental path
        // masks its own); where no framework value can appear, neither
        // are the items without a trigger.
        let masked = match (&focus, admitted) {
            (Some(_), _) => None,
            (None, (Admit::AtTriggers, Some(p))) => {
                let mut at: Vec<usize> = p.model_free_triggers(source.text.as_bytes()).collect();
                at.sort_unstable();
                crate::body_mask::mask_to_triggers(&source.text, &at)
            }
            (None, (_, p)) => self.mask_bodies(source, index.as_deref(), p),
        };
        let prepared = match &masked {
            Some(m) => crate::complexity::prepare_tokens(
                m.text.as_deref().unwrap_or(&source.text),
                m.tokens.iter().copied(),
                crate::complexity::MAX_DEPTH,
            ),
            None => crate::complexity::prepare(&source.text),
        };
        let prepared = match prepared {
            Ok(text) => text,
            Err(deep) => {
                let end = source.text[deep.offset..]
                    .chars()
                    .next()
                    .map_or(deep.offset, |c| deep.offset + c.len_utf8());
                return Checked {
                    diagnostics: vec![Diagnostic::new(
                        TOO_COMPLEX,
                        Level::Error,
                        deep.offset..end,
                        deep.message(),
                    )
                    .with_help(TOO_COMPLEX_HELP)],
                    parsed: false,
                };
            }
        };
        let parse_started = Instant::now();
        let mut parsed = syn::parse_file(&prepared);
        // A 2015 crate may use 2018 keywords as identifiers (see
        // `crate::edition`); a loose file is read as 2018+.
        if parsed.is_err() && package.as_ref().is_some_and(|p| p.edition == 2015) {
            if let Some(text) = crate::edition::as_2018(&prepared) {
                if let Ok(file) = syn::parse_file(&text) {
                    parsed = Ok(file);
                }
            }
        }
        add_time(&self.stats.parse_ns, parse_started);
        self.stats.parsed.fetch_add(1, Ordering::Relaxed);
        match parsed {
            Ok(file) => {
                let check_started = Instant::now();
                let found = engine::check_file_focused(
                    &file,
                    source,
                    &self.models,
                    &self.rules,
                    own_index.as_ref().or(index.as_deref()),
                    package.as_ref().map(|p| &p.dependencies),
                    started.checked_add(self.time_budget),
                    focus,
                );
                add_time(&self.stats.check_ns, check_started);
                Checked {
                    diagnostics: found,
                    parsed: true,
                }
            }
            Err(e) => {
                // syn's lexer does not say which delimiter is unbalanced.
                if let Some(d) = crate::delimiters::diagnose(&source.text) {
                    return Checked {
                        diagnostics: vec![d],
                        parsed: false,
                    };
                }
                let start = e.span().start();
                let at = source.offset_of(start.line, start.column);
                let end = source.offset_of(e.span().end().line, e.span().end().column);
                Checked {
                    diagnostics: vec![Diagnostic::new(
                        PARSE_ERROR,
                        Level::Error,
                        at..end.max(at),
                        format!("cannot parse: {e}"),
                    )],
                    parsed: false,
                }
            }
        }
    }

    /// Whether the file at `path` holds only test code, as the analysis
    /// will judge it ([`engine::is_test_file`]); the index is asked only
    /// when the path names a test folder or file.
    fn holds_only_tests(&self, path: &Path) -> bool {
        if !engine::is_test_path(path) {
            return false;
        }
        let index = self.index.as_ref().map(|s| s.get_for(path));
        let context = index
            .as_deref()
            .and_then(|ix| ix.file(path).map(|c| (ix, c)));
        engine::is_test_file(path, context.as_ref())
    }

    /// The dependencies and edition of the package around `path`: from
    /// the crate index, or its `Cargo.toml`; `None` for a file outside any
    /// package.
    fn package_of(&self, path: &Path) -> Option<Arc<PackageFacts>> {
        if let Some(ix) = self.index.as_ref().map(|s| s.get_for(path)) {
            if let Some(ctx) = ix.file(path) {
                return Some(Arc::new(PackageFacts {
                    dependencies: ix.dependencies(ctx.krate).clone(),
                    edition: ix.edition(ctx.krate),
                }));
            }
        }
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let mut known = self.packages.lock().unwrap_or_else(|e| e.into_inner());
        known.facts_for_file(&abs).map(Arc::new)
    }

    /// Lint files on `threads` threads (0: one per core). Results come back
    /// in the order of `paths`, whatever the thread count.
    pub fn lint_paths(&self, paths: &[PathBuf], threads: usize) -> Vec<FileResult> {
        use rayon::prelude::*;
        in_pool(threads, || {
            paths.par_iter().map(|p| self.lint_path(p)).collect()
        })
    }
}

/// Run `f` on a rayon pool of `threads` threads (0: one per core) with
/// stacks big enough for deeply nested code.
pub fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    match pool(cap_threads(threads)) {
        Some(pool) => pool.install(f),
        // No threads to be had: run on one thread, in a big stack.
        None => std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(STACK_BYTES)
                .spawn_scoped(s, f)
                .expect("spawn a linting thread")
                .join()
                .expect("the linting thread catches panics")
        }),
    }
}

/// The pool of `threads` threads, made the first time a process asks. A
/// run asks five times or more (walk, stamps, index, linters, lint), and
/// a pool made for each call started and stopped its threads every time,
/// each stop handing its allocator heap back (about 5% of a warm run's
/// CPU on the bench corpus). `None` when no thread can be started.
fn pool(threads: usize) -> Option<Arc<rayon::ThreadPool>> {
    type Pools = std::collections::HashMap<usize, Arc<rayon::ThreadPool>>;
    static POOLS: std::sync::OnceLock<std::sync::Mutex<Pools>> = std::sync::OnceLock::new();
    let mut pools = POOLS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(found) = pools.get(&threads) {
        return Some(found.clone());
    }
    let made = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(STACK_BYTES)
        .thread_name(|i| format!("scope-lint-{i}"))
        .build()
        .ok()?;
    let made = Arc::new(made);
    pools.insert(threads, made.clone());
    Some(made)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Report;
    use crate::rules::{Context, Node, NodeKind, Rule, RuleMeta};

    /// A rule that panics on every method call, standing in for a bug.
    struct Panics;

    static PANICS: RuleMeta = RuleMeta {
        code: "SL999",
        name: "panics",
        level: Level::Error,
        summary: "test only",
        fixable: false,
        source: "",
        triggers: &[],
        needs_models: false,
        interests: &[NodeKind::MethodCall],
        group: crate::rules::Group::Correctness,
        skip_in_tests: false,
    };

    impl Rule for Panics {
        fn meta(&self) -> &'static RuleMeta {
            &PANICS
        }
        fn check(&self, _: Node<'_>, _: &Context<'_>, _: &mut Vec<Diagnostic>) {
            panic!("boom");
        }
    }

    #[test]
    fn a_panic_in_one_file_is_reported_and_the_others_are_linted() {
        let mut linter = Linter::new(
            Models::builtin().unwrap(),
            RuleSet::new(vec![(&Panics, Level::Error)]),
        );
        linter.prefilter = None;
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("a.rs");
        let good = dir.path().join("b.rs");
        std::fs::write(&bad, "fn f(x: u8) { x.count(); }").unwrap();
        std::fs::write(&good, "fn g() {}").unwrap();
        let results = linter.lint_paths(&[bad.clone(), good.clone()], 2);
        assert_eq!(results[0].path, bad);
        assert!(results[0].incomplete);
        assert_eq!(results[0].diagnostics[0].code, INTERNAL_ERROR);
        assert!(results[0].diagnostics[0].message.contains("boom"));
        assert_eq!(results[1].path, good);
        assert!(results[1].diagnostics.is_empty() && !results[1].incomplete);
        let report = Report {
            results: &results,
            elapsed: Default::default(),
        };
        assert_eq!(report.counts().incomplete, 1);
    }

    #[test]
    fn oversized_and_unreadable_files_are_reported_not_fatal() {
        let linter = Linter::new(Models::builtin().unwrap(), RuleSet::all());
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.rs");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        let r = linter.lint_path(&big);
        assert!(r.incomplete);
        assert_eq!(r.diagnostics[0].code, IO_ERROR);
        assert!(
            r.diagnostics[0].message.contains("limit"),
            "{}",
            r.diagnostics[0].message
        );
        let r = linter.lint_path(&dir.path().join("gone.rs"));
        assert!(r.incomplete && r.diagnostics[0].message.starts_with("cannot read"));
    }

    #[test]
    fn deeply_nested_code_does_not_overflow_the_stack() {
        let linter = Linter::new(Models::builtin().unwrap(), RuleSet::all());
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("deep.rs");
        let depth = 3000;
        let text = format!(
            "fn f() {{ let x = {}1{}; }}",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        std::fs::write(&deep, text).unwrap();
        let results = linter.lint_paths(&[deep], 1);
        assert!(!results[0].incomplete, "{:?}", results[0].diagnostics);
    }
}
