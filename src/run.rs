//! One run of `scope-lint check`, from paths to results: walk, find each
//! file's configuration, lint in parallel with the linter built for that
//! configuration, apply per-file ignores, fix (`--fix`, `--diff`), and
//! compare with a baseline. The command line only parses arguments and
//! prints what this returns.

use crate::baseline::Baseline;
use crate::config::{Config, Discovery};
use crate::diagnostic::IO_ERROR;
use crate::fix;
use crate::index::known_names::KnownNames;
use crate::index::{Index, SharedIndex, Store};
use crate::lint::{in_pool, FileResult, Linter};
use crate::models::remembered::Remembered;
use crate::models::versions::{Resolver, VersionSet};
use crate::models::Models;
use crate::prefilter::Prefilter;
use crate::rules::{self, Rule, RuleSet};
use crate::walk;
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What to do, as the command line or an editor asks for it.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub threads: usize,
    pub config: Option<PathBuf>,
    pub isolated: bool,
    pub force_exclude: bool,
    pub fix: bool,
    pub unsafe_fixes: bool,
    pub diff: bool,
    /// Lint this text (from stdin) as if it were the file `stdin_filename`.
    pub stdin: Option<(PathBuf, String)>,
    pub changed_since: Option<String>,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    /// Do not read or write the result cache.
    pub no_cache: bool,
    /// Parse every file, even those no rule could match (benchmarks).
    pub no_prefilter: bool,
    /// Where the cache lives (default: `.scope-lint-cache/` at the project root).
    pub cache_dir: Option<PathBuf>,
    /// Show a progress bar on stderr if the run turns out long.
    pub progress: bool,
    /// Per-file time budget, over the configuration's `time-budget`.
    pub time_budget: Option<std::time::Duration>,
}

/// Totals of a run, for `--timings`.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    pub files_seen: usize,
    pub skipped_by_prefilter: usize,
    pub parsed: usize,
    /// Function bodies of the parsed files, and those left unparsed.
    pub bodies: usize,
    pub blanked: usize,
    pub cache_hits: usize,
    pub walk: std::time::Duration,
    /// The walk was the last run's (see `walk::remembered`).
    pub walk_remembered: bool,
    /// Building the crate index, and the files it summarized.
    pub index: std::time::Duration,
    pub indexed: usize,
    /// Choosing each file's configuration and linter (crate versions,
    /// models), and the packages whose versions were read, or recalled
    /// from an earlier run.
    pub linters: std::time::Duration,
    pub versions_read: usize,
    pub versions_recalled: usize,
    pub read: std::time::Duration,
    pub parse: std::time::Duration,
    pub rules: std::time::Duration,
    pub lint_wall: std::time::Duration,
}

/// What a run produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub results: Vec<FileResult>,
    /// Fixes applied (or, with `--diff`, that would be).
    pub fixed: usize,
    /// `--diff`: the unified diffs.
    pub diff: String,
    /// `--stdin-filename` with `--fix`: the fixed text.
    pub fixed_stdin: Option<String>,
    /// Problems that make the exit code 2 (a fix that broke parsing, a
    /// write that failed).
    pub errors: Vec<String>,
    pub timings: Timings,
    /// Problems that do not fail the run (a cache that could not be saved).
    pub warnings: Vec<String>,
    /// Rust files the walk found (before `--changed-since` and excludes).
    pub files_found: usize,
    /// Each fix applied (or, with `--diff`, that would be), by file.
    pub applied_fixes: Vec<(PathBuf, fix::Applied)>,
}

/// A configuration file (`None`: the defaults) and the crate versions
/// its models were chosen for.
type LinterKey = (Option<PathBuf>, VersionSet);

/// A linter per configuration, built once.
struct Linters {
    cli_select: Vec<&'static dyn Rule>,
    cli_ignore: Vec<&'static dyn Rule>,
    /// Per configuration file and crate versions (see [`Linters::get`]).
    by_config: HashMap<LinterKey, (Arc<Config>, Arc<Linter>)>,
    /// Which configuration and crate versions each file has.
    slots: Slots,
    /// Where caches live, when caching.
    cache_dir: Option<PathBuf>,
    no_prefilter: bool,
    /// The crate index of the run, shared by every linter.
    index: Option<Arc<SharedIndex>>,
    /// `--time-budget`, over each configuration's.
    time_budget: Option<std::time::Duration>,
    /// Notes for stderr (a damaged cache discarded).
    notes: Vec<String>,
}

/// The configuration and crate versions of a file: they need the walk
/// alone, so a run finds them while the index is built.
#[derive(Default)]
struct Slots {
    /// Each configuration, and the crates whose versions select its models.
    configs: HashMap<Option<PathBuf>, (Arc<Config>, Vec<String>)>,
    /// Finds crate versions, per list of versioned crates.
    resolvers: HashMap<Vec<String>, Resolver>,
    /// The crate versions of earlier runs, per package.
    remembered: Remembered,
    /// What the walk saw of manifests and configuration files.
    seen: Arc<crate::walk::Seen>,
}

/// A file's configuration and what its linter is keyed by.
type Slot = Arc<(Arc<Config>, LinterKey)>;

impl Slots {
    /// The configuration in `file` (the defaults for `None`) and the crate
    /// versions `path`'s crate is built against.
    fn slot(&mut self, file: Option<PathBuf>, path: &Path) -> Result<Slot, String> {
        let (config, crates) = match self.configs.get(&file) {
            Some(found) => found.clone(),
            None => {
                let config = match &file {
                    Some(f) => Config::load(f).map_err(|e| e.to_string())?,
                    None => Config::defaults(Path::new(".")),
                };
                let crates = Models::versioned_crates(&config.model_dirs())
                    .map_err(|e| model_error(&config, e))?;
                let found = (Arc::new(config), crates);
                self.configs.insert(file.clone(), found.clone());
                found
            }
        };
        let versions = self
            .resolvers
            .entry(crates.clone())
            .or_insert_with(|| Resolver::new(crates).trusting(self.seen.clone()))
            .resolve_remembered(path, &mut self.remembered)
            .versions;
        Ok(Arc::new((config, (file, versions))))
    }
}

impl Linters {
    /// The configuration in `file` (the defaults for `None`) and the linter
    /// for `path`: one per configuration and set of crate versions, whose
    /// models are those of the versions `path`'s crate is built against.
    fn get(
        &mut self,
        file: Option<PathBuf>,
        path: &Path,
    ) -> Result<(Arc<Config>, Arc<Linter>), String> {
        let slot = self.slots.slot(file, path)?;
        self.linter(&slot)
    }

    /// The linter of a [`Slot`], made the first time.
    fn linter(&mut self, slot: &Slot) -> Result<(Arc<Config>, Arc<Linter>), String> {
        if let Some(found) = self.by_config.get(&slot.1) {
            return Ok(found.clone());
        }
        let (entry, note) = self.make(slot)?;
        self.notes.extend(note);
        self.by_config.insert(slot.1.clone(), entry.clone());
        Ok(entry)
    }

    /// Make the linters of `slots` not made yet, on `threads` threads:
    /// each builds its models and reads its result cache (the bench
    /// corpus' 65 took 19 ms of a 140 ms warm run on one thread).
    fn make_all(&mut self, slots: &[Option<Slot>], threads: usize) -> Result<(), String> {
        use rayon::prelude::*;
        let mut wanted: Vec<&Slot> = Vec::new();
        let mut asked = foldhash::HashSet::default();
        for slot in slots.iter().flatten() {
            if !self.by_config.contains_key(&slot.1) && asked.insert(&slot.1) {
                wanted.push(slot);
            }
        }
        let this = &*self;
        let made: Vec<_> = in_pool(threads, || {
            wanted.par_iter().map(|s| this.make(s)).collect()
        });
        for (slot, made) in wanted.into_iter().zip(made) {
            let (entry, note) = made?;
            self.notes.extend(note);
            self.by_config.insert(slot.1.clone(), entry);
        }
        Ok(())
    }

    /// A slot's linter, and what its cache had to say when opened.
    #[allow(clippy::type_complexity)]
    fn make(&self, slot: &Slot) -> Result<((Arc<Config>, Arc<Linter>), Option<String>), String> {
        let (config, slot) = (&slot.0, &slot.1);
        let config = config.clone();
        let models =
            Models::load_for(&config.model_dirs(), &slot.1).map_err(|e| model_error(&config, e))?;
        let levels = config.rule_levels(&self.cli_select, &self.cli_ignore);
        // Everything that changes what is reported changes the cache key:
        // the build, the models, the index, the rules and their levels (from
        // `--select`, `--ignore` and the configuration), every setting, and
        // `--no-prefilter`. The other options only choose files or shape
        // the output, or (`--fix`, `--diff`, stdin) run without the cache.
        let key = {
            // A file's findings may depend on any signature in the index.
            let index_hash = self.index.as_ref().map_or(0, |ix| ix.hash);
            let mut k = format!(
                "{}\n{}\n{index_hash}\nprefilter={}\n{:?}\n",
                crate::build::id(),
                models.fingerprint,
                !self.no_prefilter,
                models.versions
            );
            for (r, l) in &levels {
                k.push_str(&format!("{}={l} ", r.meta().code));
            }
            k.push_str(&format!("{:?}", config.layers));
            xxhash_rust::xxh3::xxh3_64(k.as_bytes())
        };
        let rules = RuleSet::new(levels);
        let mut linter = Linter::new(models, rules);
        if self.no_prefilter {
            linter.prefilter = None;
        }
        linter.index = self.index.clone();
        if let Some(budget) = self.time_budget.or_else(|| config.time_budget()) {
            linter.time_budget = budget;
        }
        let mut note = None;
        linter.cache = self.cache_dir.as_ref().map(|dir| {
            let mut cache = crate::cache::Cache::open(dir, key);
            note = cache.note.take();
            cache
        });
        Ok(((config, Arc::new(linter)), note))
    }
}

fn model_error(config: &Config, e: crate::models::ModelError) -> String {
    format!(
        "{}: {e}",
        config
            .file
            .as_deref()
            .map_or("models".into(), |f| f.display().to_string())
    )
}

/// Look up `--select`/`--ignore` keys.
pub fn rules_named(keys: &[String]) -> Result<Vec<&'static dyn Rule>, String> {
    let mut out = Vec::new();
    for k in keys {
        let found = rules::select(k.trim()).ok_or_else(|| {
            let close = rules::close_matches(k.trim());
            match close.first() {
                Some(c) => format!("unknown rule `{k}`; did you mean `{c}`?"),
                None => format!("unknown rule `{k}`; `scope-lint rules` lists them"),
            }
        })?;
        out.extend(found);
    }
    Ok(out)
}

/// Files that differ from `rev` in the git repository around `cwd`,
/// untracked ones included.
fn changed_files(rev: &str) -> Result<Vec<PathBuf>, String> {
    let git = |args: &[&str]| -> Result<String, String> {
        let out = std::process::Command::new("git")
            .args(args)
            .output()
            .map_err(|e| format!("--changed-since needs git: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "--changed-since {rev}: git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let top = PathBuf::from(git(&["rev-parse", "--show-toplevel"])?.trim());
    // The revision is resolved to a commit id first, after
    // `--end-of-options`: an option-shaped revision (`--output=x`) is never
    // read by git as an option, and only a hex id reaches `git diff`.
    let commit = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        &format!("{rev}^{{commit}}"),
    ])
    .ok()
    .map(|out| out.trim().to_string())
    .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()))
    .ok_or_else(|| {
        format!(
            "--changed-since {rev}: not a commit of this repository; give a branch, tag or commit id (`git log --oneline` lists them)"
        )
    })?;
    let diff = git(&["diff", "--name-only", "--end-of-options", &commit, "--"])?;
    let untracked = git(&["ls-files", "--others", "--exclude-standard", "--full-name"])?;
    let mut files: Vec<PathBuf> = diff
        .lines()
        .chain(untracked.lines())
        .map(|l| absolute(&top.join(l)))
        .collect();
    files.sort();
    files.dedup();
    Ok(files)
}

fn absolute_lexically(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

pub fn run(opts: &Options) -> Result<Outcome, String> {
    let caching = !(opts.no_cache || opts.fix || opts.diff || opts.stdin.is_some());
    let mut linters = Linters {
        cli_select: rules_named(&opts.select)?,
        cli_ignore: rules_named(&opts.ignore)?,
        by_config: HashMap::new(),
        slots: Slots::default(),
        cache_dir: caching.then(|| {
            opts.cache_dir
                .clone()
                .unwrap_or_else(crate::cache::default_dir)
        }),
        no_prefilter: opts.no_prefilter,
        index: None,
        time_budget: opts.time_budget,
        notes: Vec::new(),
    };
    let threads = crate::lint::cap_threads(opts.threads);
    let config_for = |discovery: &mut Discovery, path: &Path| -> Result<Option<PathBuf>, String> {
        if opts.isolated {
            return Ok(None);
        }
        if let Some(c) = &opts.config {
            return Ok(Some(c.clone()));
        }
        discovery.config_file_for(path).map_err(|e| e.to_string())
    };

    // stdin: one virtual file, which may use the items of its crate.
    if let Some((name, text)) = &opts.stdin {
        let abs = absolute_lexically(name);
        let overlay = |p: &Path| {
            if p == abs {
                Some(text.clone())
            } else {
                read_file(p)
            }
        };
        let relevance = Relevance::new()?;
        // The index parses the text too: on a big stack, like the lint.
        let index = in_pool(1, || {
            relevance.index(
                std::slice::from_ref(&abs),
                &overlay,
                &Store::none(),
                None,
                None,
            )
        });
        linters.index = Some(Arc::new(SharedIndex::ready(index)));
        let (config, linter) = linters.get(config_for(&mut Discovery::default(), name)?, &abs)?;
        // Deeply nested text recurses deeply: lint it on a thread with
        // the big stack the file workers have.
        let outcome = in_pool(1, || {
            let mut outcome = Outcome::default();
            let lint = |t: &str| finish(&config, linter.lint_text(name, t.to_string()));
            if !opts.fix {
                outcome.results.push(lint(text));
                return outcome;
            }
            let first = lint(text);
            if let Some(note) = unfixable_note(&first) {
                outcome.warnings.push(note);
                outcome.results.push(first);
                outcome.fixed_stdin = Some(text.clone());
                return outcome;
            }
            let fixed = fix::fix_text(text, opts.unsafe_fixes, |t| {
                if t == text {
                    first.diagnostics.clone()
                } else {
                    lint(t).diagnostics
                }
            });
            if let Some((code, e)) = &fixed.broke {
                outcome.errors.push(format!(
                    "{}: the {} fix breaks parsing ({e}); not applied",
                    name.display(),
                    code.code
                ));
            }
            outcome.fixed = fixed.applied;
            outcome
                .applied_fixes
                .extend(fixed.fixes.iter().map(|f| (name.clone(), f.clone())));
            outcome.results.push(lint(&fixed.text));
            outcome.fixed_stdin = Some(fixed.text);
            outcome
        });
        return Ok(outcome);
    }

    // The builtin models are parsed and built (for the newest versions)
    // on another thread while the tree is walked and indexed: the linters
    // then find them made (see `Models::load_for`).
    let models_ready = std::thread::spawn(|| {
        let _ = Models::builtin();
    });
    let walk_started = std::time::Instant::now();
    // In the pool: a remembered walk `stat`s its directories in parallel.
    let walked = crate::lint::in_pool(threads, || {
        walk::collect_in(&opts.paths, threads, linters.cache_dir.as_deref())
    })
    .map_err(|e| e.to_string())?;
    let walk_time = walk_started.elapsed();
    let files_found = walked.files.len();
    let walk_remembered = walked.remembered;
    let index_started = std::time::Instant::now();
    let changed = match &opts.changed_since {
        Some(rev) => Some(changed_files(rev)?),
        None => None,
    };
    let seen = Arc::new(crate::walk::Seen::new(&walked.roots, &walked.config_files));
    linters.slots.seen = seen.clone();
    let mut discovery = Discovery::with_walk(seen.clone());
    // Each file's configuration and crate versions need the walk alone:
    // they are found on another thread while the index is built. `None`:
    // a file `--changed-since` leaves out.
    let (stats, index, slots) = std::thread::scope(|scope| {
        let (slots, files, cache_dir) = (&mut linters.slots, &walked.files, &linters.cache_dir);
        let changed = &changed;
        let config_for = &config_for;
        let finding = scope.spawn(move || -> Result<Vec<Option<Slot>>, String> {
            if let Some(dir) = cache_dir {
                slots.remembered = Remembered::open(dir);
            }
            let mut out = Vec::with_capacity(files.len());
            let mut last: Option<(Option<&Path>, Slot)> = None;
            // Directories with the same anchor have the same slot.
            let mut by_anchor: HashMap<PathBuf, Slot> = HashMap::new();
            let seen = slots.seen.clone();
            for path in files {
                if let Some(changed) = changed {
                    if changed.binary_search(&absolute(path)).is_err() {
                        out.push(None);
                        continue;
                    }
                }
                // Files come sorted: neighbours share a directory.
                let dir = path.parent();
                let slot = match &last {
                    Some((d, slot)) if *d == dir => slot.clone(),
                    _ => {
                        let anchor = seen.anchor(dir.unwrap_or(Path::new("")));
                        let slot = match by_anchor.get(&anchor) {
                            Some(slot) => slot.clone(),
                            None => {
                                let slot = slots.slot(config_for(&mut discovery, path)?, path)?;
                                by_anchor.insert(anchor, slot.clone());
                                slot
                            }
                        };
                        last = Some((dir, slot.clone()));
                        slot
                    }
                };
                out.push(Some(slot));
            }
            Ok(out)
        });
        // Each file is `stat`ed once, on every thread: its stamp tells the
        // index store and the result cache whether it changed.
        let stats: Vec<Option<crate::read::Stat>> = in_pool(threads, || {
            walked
                .files
                .par_iter()
                .map(|f| crate::read::Stat::of_path(f).ok())
                .collect()
        });
        let stamps: Vec<Option<crate::cache::Stamp>> =
            stats.iter().map(|s| s.map(|s| s.stamp)).collect();
        let index = shared_index(
            &walked,
            &seen,
            &stamps,
            linters.cache_dir.as_deref(),
            threads,
            &mut linters.notes,
        );
        let slots = finding
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (stats, index, slots)
    });
    linters.index = Some(Arc::new(index?));
    let slots = slots?;
    linters.notes.extend(linters.slots.remembered.note.take());
    let index_time = index_started.elapsed();
    let linters_started = std::time::Instant::now();
    let _ = models_ready.join();
    linters.make_all(&slots, threads)?;
    type Job = (PathBuf, Option<crate::read::Stat>, Arc<Config>, Arc<Linter>);
    // Sized once: growing by doubling copied megabytes on a big tree's
    // warm run.
    let mut jobs: Vec<Job> = Vec::with_capacity(walked.files.len());
    let mut last: Option<(Slot, Arc<Config>, Arc<Linter>)> = None;
    for ((path, stat), slot) in walked.files.into_iter().zip(stats).zip(slots) {
        let Some(slot) = slot else { continue };
        let (config, linter) = match &last {
            Some((s, c, l)) if Arc::ptr_eq(s, &slot) => (c.clone(), l.clone()),
            _ => {
                let found = linters.linter(&slot)?;
                last = Some((slot, found.0.clone(), found.1.clone()));
                found
            }
        };
        let named = !walked.explicit.is_empty() && walked.explicit.contains(&path);
        if config.is_excluded(&path) && (!named || opts.force_exclude) {
            continue;
        }
        jobs.push((path, stat, config, linter));
    }
    let linters_time = linters_started.elapsed();

    let fixing = opts.fix || opts.diff;
    let lint_started = std::time::Instant::now();
    let progress = crate::progress::Progress::new(opts.progress, jobs.len());
    let lint_one = |(path, stat, config, linter): &Job| {
        let result = finish(config, linter.lint_path_with(path, *stat));
        progress.tick();
        if fixing {
            if let Some(note) = unfixable_note(&result) {
                return FileOutcome {
                    note: Some(note),
                    ..FileOutcome::unfixed(result)
                };
            }
        }
        if !fixing
            || !result
                .diagnostics
                .iter()
                .any(|d| fix::allowed(d, opts.unsafe_fixes))
        {
            return FileOutcome::unfixed(result);
        }
        fix_file(path, config, linter, result, opts)
    };
    let sizes: Vec<u64> = jobs
        .iter()
        .map(|j| j.1.map_or(0, |s| s.stamp.size))
        .collect();
    let order = lint_order(&sizes, threads);
    let mut per_file: Vec<(usize, FileOutcome)> = in_pool(threads, || {
        // One file per task: a few heavy files (generated code, macro
        // tests) side by side would otherwise leave one thread with the
        // tail of the run (log-heavy corpus, 2 threads: 1.25 -> 0.97 s).
        order
            .par_iter()
            .with_max_len(1)
            .map(|&i| (i, lint_one(&jobs[i])))
            .collect()
    });
    per_file.sort_unstable_by_key(|(i, _)| *i);
    let per_file: Vec<FileOutcome> = per_file.into_iter().map(|(_, o)| o).collect();
    progress.finish();

    let mut outcome = Outcome {
        files_found,
        ..Outcome::default()
    };
    outcome.timings.lint_wall = lint_started.elapsed();
    outcome.timings.walk = walk_time;
    outcome.timings.walk_remembered = walk_remembered;
    outcome.timings.index = index_time;
    outcome.timings.linters = linters_time;
    outcome.timings.versions_read = linters.slots.remembered.resolved;
    outcome.timings.versions_recalled = linters.slots.remembered.recalled;
    outcome.timings.indexed = linters.index.as_ref().map_or(0, |ix| ix.files_indexed());
    for (_, linter) in linters.by_config.values() {
        let s = &linter.stats;
        let t = &mut outcome.timings;
        let ns = |a: &std::sync::atomic::AtomicU64| {
            std::time::Duration::from_nanos(a.load(std::sync::atomic::Ordering::Relaxed))
        };
        let n = |a: &std::sync::atomic::AtomicUsize| a.load(std::sync::atomic::Ordering::Relaxed);
        t.files_seen += n(&s.files);
        t.skipped_by_prefilter += n(&s.skipped);
        t.parsed += n(&s.parsed);
        t.bodies += n(&s.bodies);
        t.blanked += n(&s.blanked);
        t.cache_hits += n(&s.cache_hits);
        t.read += ns(&s.read_ns);
        t.parse += ns(&s.parse_ns);
        t.rules += ns(&s.check_ns);
    }
    drop(jobs);
    drop(last);
    outcome.warnings.append(&mut linters.notes);
    for resolver in linters.slots.resolvers.values() {
        outcome.warnings.extend(resolver.problems.iter().cloned());
    }
    std::mem::take(&mut linters.slots.remembered).save();
    if let Some(index) = &linters.index {
        index.save_names();
    }
    // Each linter's result cache is its own file: saved in parallel.
    let caches: Vec<_> = linters
        .by_config
        .drain()
        .filter_map(|(_, (_, linter))| Arc::into_inner(linter).and_then(|l| l.cache))
        .collect();
    let failed: Vec<String> = in_pool(threads, || {
        caches
            .into_par_iter()
            .filter_map(|cache| cache.save().err())
            .map(|e| format!("could not save the cache: {e}"))
            .collect()
    });
    outcome.warnings.extend(failed);
    for file in per_file {
        outcome.warnings.extend(file.note);
        outcome.fixed += file.fixed;
        outcome.diff.push_str(&file.diff);
        outcome.errors.extend(file.error);
        let path = &file.result.path;
        outcome
            .applied_fixes
            .extend(file.fixes.into_iter().map(|f| (path.clone(), f)));
        outcome.results.push(file.result);
    }
    for (path, message) in walked.unreadable {
        outcome
            .results
            .push(FileResult::problem(&path, IO_ERROR, message));
    }
    if let Some(path) = &opts.write_baseline {
        Baseline::from_results(&outcome.results, path).write(path)?;
    }
    if let Some(path) = &opts.baseline {
        Baseline::load(path)?.filter(path, &mut outcome.results);
    }
    // Freeing the index, the models and the caches takes tens of
    // milliseconds on a big tree: another thread does it, which a process
    // that exits once the report is out does not wait for.
    std::thread::spawn(move || drop(linters));
    Ok(outcome)
}

/// Whether a text names a crate whose values the builtin models describe
/// (`http::`, `url::`, `axum::` ...): the packages worth indexing have a
/// file that does.
struct Relevance {
    prefilter: Prefilter,
    crates: foldhash::HashSet<String>,
}

impl Relevance {
    fn new() -> Result<Relevance, String> {
        let models = Models::builtin().map_err(|e| e.to_string())?;
        let words = models.value_crate_words();
        Ok(Relevance {
            prefilter: Prefilter::from_parts(words.clone(), Vec::new()),
            crates: words.into_iter().collect(),
        })
    }

    /// The index of the packages of `files`, with what `store` knows of
    /// unchanged files (what this build learns is added to it).
    fn index(
        &self,
        files: &[PathBuf],
        read: &(dyn Fn(&Path) -> Option<String> + Sync),
        store: &Store,
        seen: Option<&crate::walk::Seen>,
        hash: Option<u64>,
    ) -> Index {
        let relevant = |text: &str| self.prefilter.names_a_crate(text.as_bytes());
        let sources = crate::index::Sources {
            read,
            relevant: &relevant,
            framework: self.crates.clone(),
            store,
            memo: None,
            seen,
            hash,
        };
        Index::build_from(files, &sources)
    }
}

/// The order files are linted in, as indices into `sizes` (each file's
/// size, in path order): the heaviest first (1% of the files, at least
/// four per thread), since a heavy file met last leaves one thread with
/// the run's tail while the others wait; then the rest in path order,
/// where neighbours share a package (sorting every file by size made the
/// bench corpus 9% slower at 2 threads).
fn lint_order(sizes: &[u64], threads: usize) -> Vec<usize> {
    let heaviest = |i: &usize| std::cmp::Reverse(sizes[*i]);
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    let heavy = (sizes.len() / 100).max(4 * threads.max(1)).min(sizes.len());
    if heavy > 0 && heavy < sizes.len() {
        order.select_nth_unstable_by_key(heavy - 1, heaviest);
    }
    order[..heavy].sort_unstable_by_key(heaviest);
    order[heavy..].sort_unstable();
    order
}

fn read_file(p: &Path) -> Option<String> {
    crate::read::read_source_text(p)
}

/// The crate index of a walk. With a cache directory, unchanged files are
/// not summarized again; and when no input of the last run's index changed,
/// its hash is known at once and the index is built only if a file misses
/// the result cache.
fn shared_index(
    walked: &walk::Walk,
    seen: &Arc<crate::walk::Seen>,
    stamps: &[Option<crate::cache::Stamp>],
    cache_dir: Option<&Path>,
    threads: usize,
    notes: &mut Vec<String>,
) -> Result<SharedIndex, String> {
    let Some(dir) = cache_dir else {
        let relevance = Relevance::new()?;
        let index = in_pool(threads, || {
            relevance.index(&walked.files, &read_file, &Store::none(), Some(seen), None)
        });
        return Ok(SharedIndex::ready(index));
    };
    let walk_hash = {
        let mut bytes = Vec::new();
        for f in &walked.files {
            bytes.extend_from_slice(f.as_os_str().as_encoded_bytes());
            bytes.push(0);
        }
        xxhash_rust::xxh3::xxh3_64(&bytes)
    };
    let mut store = Store::open(dir);
    notes.extend(store.note.take());
    // What decides whether a package is indexed; made only when needed.
    let mut relevance = None;
    let hash = match store.unchanged_index(walk_hash, stamps) {
        Some(hash) => Some(hash),
        None => {
            let r = relevance.insert(Relevance::new()?);
            let relevant = |t: &str| r.prefilter.names_a_crate(t.as_bytes());
            in_pool(threads, || {
                store.unchanged_interfaces(walk_hash, stamps, &relevant)
            })
        }
    };
    if let Some(hash) = hash {
        if relevance.is_some() {
            // Files were edited: some will be linted, and their packages'
            // parts built; those parts take the walk's stamps, not a
            // `stat` again.
            store.know_walk(walked.files.clone(), stamps.to_vec());
        }
        // What the barrier learnt (new stamps of edited files) is kept
        // now, written on another thread while the run goes on; the store
        // stays open for the packages built later.
        let store = Arc::new(store);
        let saving = {
            let store = store.clone();
            std::thread::spawn(move || store.save())
        };
        // Files changed since the index was stored (the barrier was asked):
        // some will be linted, and need their package's part.
        let changed = relevance.is_some();
        let cell = std::sync::OnceLock::new();
        if let Some(r) = relevance {
            let _ = cell.set(r);
        }
        let relevance = cell;
        let files = walked.files.clone();
        let (seen_by_list, seen_by_build) = (seen.clone(), seen.clone());
        let list = move || {
            let mut by_dir = HashMap::new();
            // Sorted: neighbours share a directory and its manifest.
            let mut last: Option<(PathBuf, Option<PathBuf>)> = None;
            files
                .into_iter()
                .map(|f| {
                    let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
                    let manifest = match &last {
                        Some((d, m)) if *d == dir => m.clone(),
                        _ => {
                            let abs = std::path::absolute(&f).unwrap_or_else(|_| f.clone());
                            let m = abs.parent().and_then(|d| {
                                crate::index::crates::manifest_above_seen(
                                    d,
                                    &mut by_dir,
                                    &seen_by_list,
                                )
                            });
                            last = Some((dir, m.clone()));
                            m
                        }
                    };
                    (f, manifest)
                })
                .collect()
        };
        let index = SharedIndex::by_package(hash, list, move |files| {
            // Every linter loaded the builtin models before a file asks.
            let relevance =
                relevance.get_or_init(|| Relevance::new().expect("the builtin models load"));
            relevance.index(files, &read_file, &store, Some(&seen_by_build), Some(hash))
        })
        .with_names(KnownNames::open(dir, hash))
        .saving(saving);
        if changed {
            index.list_packages_now();
        }
        return Ok(index);
    }
    let relevance = match relevance {
        Some(r) => r,
        None => Relevance::new()?,
    };
    let index = in_pool(threads, || {
        relevance.index(&walked.files, &read_file, &store, Some(seen), None)
    });
    let abs = |p: &PathBuf| std::path::absolute(p).unwrap_or_else(|_| p.clone());
    let walked_inputs = walked.files.iter().map(abs).zip(stamps.iter().copied());
    let others = walked.config_files.iter().chain(index.files()).map(abs);
    store.record_index(walk_hash, walked_inputs.collect(), others, index.hash);
    let saving = std::thread::spawn(move || store.save());
    let names = KnownNames::open(dir, index.hash);
    Ok(SharedIndex::ready(index).with_names(names).saving(saving))
}

/// Apply the configuration's per-file ignores to one file's findings.
fn finish(config: &Config, mut result: FileResult) -> FileResult {
    let ignored = config.ignored_for(&result.path);
    if !ignored.is_empty() {
        result
            .diagnostics
            .retain(|d| !ignored.contains(&d.code.code));
    }
    result
}

/// What linting and fixing one file came to.
struct FileOutcome {
    /// The final result (after fixes, if written).
    result: FileResult,
    /// Fixes applied, their diff (`--diff`) and what each one did.
    fixed: usize,
    diff: String,
    fixes: Vec<fix::Applied>,
    /// A problem that makes the run exit 2.
    error: Option<String>,
    /// Why `--fix` left the file alone, for stderr.
    note: Option<String>,
}

impl FileOutcome {
    fn unfixed(result: FileResult) -> FileOutcome {
        FileOutcome {
            result,
            fixed: 0,
            diff: String::new(),
            fixes: Vec::new(),
            error: None,
            note: None,
        }
    }
}

/// Why `--fix` leaves a file alone: it does not parse, or the engine gave
/// up on it; fixes need the whole file understood.
fn unfixable_note(result: &FileResult) -> Option<String> {
    let why = result.diagnostics.iter().find_map(|d| {
        if d.code == crate::diagnostic::PARSE_ERROR {
            Some("it does not parse")
        } else if d.code == crate::complexity::TOO_COMPLEX {
            Some("it is too complex to analyse")
        } else {
            None
        }
    })?;
    Some(format!(
        "{}: not fixed: {why}; fix the reported problem and run again",
        result.path.display()
    ))
}

/// Fix one file.
fn fix_file(
    path: &Path,
    config: &Config,
    linter: &Linter,
    result: FileResult,
    opts: &Options,
) -> FileOutcome {
    let Some(source) = result.source.clone() else {
        return FileOutcome::unfixed(result);
    };
    let original = source.text.to_string();
    let fixed = fix::fix_text(&original, opts.unsafe_fixes, |t| {
        if t == original {
            result.diagnostics.clone()
        } else {
            finish(config, linter.lint_text(path, t.to_string())).diagnostics
        }
    });
    let mut error = fixed.broke.as_ref().map(|(code, e)| {
        format!(
            "{}: the {} ({}) fix makes the file unparsable ({e}); the file was left unchanged",
            path.display(),
            code.code,
            code.name
        )
    });
    if fixed.text == original {
        return FileOutcome {
            error,
            ..FileOutcome::unfixed(result)
        };
    }
    if opts.diff {
        return FileOutcome {
            diff: fix::unified_diff(path, &original, &fixed.text),
            fixed: fixed.applied,
            fixes: fixed.fixes,
            error,
            result,
            note: None,
        };
    }
    if let Err(e) = fix::write_atomic(path, &fixed.text) {
        error = Some(format!("{}: {e}", path.display()));
        return FileOutcome {
            error,
            ..FileOutcome::unfixed(result)
        };
    }
    let after = finish(config, linter.lint_text(path, fixed.text));
    FileOutcome {
        result: after,
        fixed: fixed.applied,
        diff: String::new(),
        fixes: fixed.fixes,
        error,
        note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::lint_order;

    #[test]
    fn the_heaviest_files_go_first_and_the_rest_in_path_order() {
        // 500 files of 10 bytes, and three heavy ones late in path order.
        let mut sizes = vec![10u64; 500];
        sizes[499] = 9_000;
        sizes[300] = 5_000;
        sizes[420] = 7_000;
        let order = lint_order(&sizes, 1);
        // 1% of 500 is 5: at least four per thread, so 5 go first.
        assert_eq!(&order[..3], &[499, 420, 300]);
        let rest: Vec<usize> = order[5..].to_vec();
        let mut sorted = rest.clone();
        sorted.sort_unstable();
        assert_eq!(rest, sorted, "the rest stays in path order");
        let mut all = order.clone();
        all.sort_unstable();
        assert_eq!(all, (0..500).collect::<Vec<_>>(), "every file once");
    }

    #[test]
    fn a_few_files_are_all_ordered_by_size() {
        assert_eq!(lint_order(&[1, 3, 2], 2), vec![1, 2, 0]);
        assert!(lint_order(&[], 2).is_empty());
    }
}
