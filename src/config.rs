//! Configuration: `scope-lint.toml`, `.scope-lint.toml`, or
//! `[package.metadata.scope-lint]` / `[workspace.metadata.scope-lint]` in
//! `Cargo.toml`, found from each linted file's directory upward (the nearest
//! wins; in one directory that order, and a package's metadata before its
//! workspace's). `--config PATH` names one file for every linted file,
//! `--isolated` ignores them all.
//!
//! A bad configuration is an error that names the file, the key and what
//! was expected: it stops the run (exit 2) rather than lint with settings
//! the user did not mean.
//!
//! Configurations inherit, as ruff's do: `extend = "../scope-lint.toml"`
//! makes another file the base (a cycle is an error naming the files), and
//! a `[package.metadata.scope-lint]` table inherits its workspace's
//! (`scope-lint.toml`, `.scope-lint.toml` or
//! `[workspace.metadata.scope-lint]` at the workspace root) unless it says
//! `inherit = false`. The chain is kept as [`Layer`]s, base first: a
//! layer's `select` replaces the selection so far, its `extend-select` adds
//! to it and its `ignore` removes from it; `level` and `per-file-ignores`
//! keys of a later layer win; `exclude` globs and `models` of every layer
//! apply, each relative to the file that wrote it. `scope-lint config
//! [PATH]` prints the result and where each setting came from.

use crate::diagnostic::Level;
use crate::globs::Globs;
use crate::rules::{self, Rule};
use globset::Glob;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The keys of a configuration, as written.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    /// Only these rules (codes or names).
    pub select: Option<Vec<String>>,
    /// Add these rules to the selection.
    #[serde(default)]
    pub extend_select: Vec<String>,
    /// Skip these rules.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Glob (relative to the configuration's directory) → rules to skip in
    /// matching files.
    #[serde(default)]
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
    /// Globs of files and directories not to lint.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Rule → `error`, `warning`, `note` or `off`.
    #[serde(default)]
    pub level: BTreeMap<String, String>,
    /// Extra framework model directories (relative to the configuration).
    #[serde(default)]
    pub models: Vec<PathBuf>,
    /// Another configuration file this one builds on (relative to it).
    pub extend: Option<PathBuf>,
    /// In `[package.metadata.scope-lint]`: `false` stops inheriting the
    /// workspace's configuration.
    pub inherit: Option<bool>,
    /// Seconds one file's analysis may take before it stops with a
    /// `too-complex` finding (default 10).
    pub time_budget: Option<f64>,
}

/// Which table of a file holds settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// A whole `scope-lint.toml` / `.scope-lint.toml`.
    File,
    Package,
    Workspace,
}

/// Where settings were written: a file and its table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    pub table: Table,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        match self.table {
            Table::File => Ok(()),
            Table::Package => write!(f, " [package.metadata.scope-lint]"),
            Table::Workspace => write!(f, " [workspace.metadata.scope-lint]"),
        }
    }
}

/// One configuration of an inheritance chain.
#[derive(Debug)]
pub struct Layer {
    pub origin: Origin,
    /// Globs and model directories of this layer are relative to this.
    pub root: PathBuf,
    pub settings: Settings,
}

/// A configuration error: which file, and what is wrong where.
#[derive(Debug)]
pub struct ConfigError {
    pub file: PathBuf,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

/// A loaded configuration, checked and compiled.
#[derive(Debug)]
pub struct Config {
    /// The file it came from; `None` for the defaults.
    pub file: Option<PathBuf>,
    /// The directory of the nearest configuration (of the run for the
    /// defaults).
    pub root: PathBuf,
    /// The inheritance chain, base first (empty for the defaults).
    pub layers: Vec<Layer>,
    /// Each layer's `exclude`, with the directory it is relative to.
    exclude: Vec<(PathBuf, Globs)>,
    /// `per-file-ignores` of every layer (a later layer's glob replaces an
    /// earlier one's), with the directory each is relative to.
    per_file: Vec<(PathBuf, Globs, Vec<&'static str>)>,
}

/// A glob as users mean it: a pattern without `/` matches a name at any
/// depth, like `.gitignore`.
fn glob_set(patterns: &[String], file: &Path, key: &str) -> Result<Globs, ConfigError> {
    let mut b = Vec::new();
    for p in patterns {
        let p = p.trim_start_matches("./");
        let full = if p.contains('/') {
            p.to_string()
        } else {
            format!("**/{p}")
        };
        for pat in [full.clone(), format!("{}/**", full.trim_end_matches('/'))] {
            let g = Glob::new(&pat).map_err(|e| ConfigError {
                file: file.to_path_buf(),
                message: format!("`{key}`: `{p}` is not a valid glob: {e}"),
            })?;
            b.push(g);
        }
    }
    Globs::new(b).map_err(|e| ConfigError {
        file: file.to_path_buf(),
        message: format!(
            "`{key}`: {e}; simplify the patterns (one directory name excludes all below it)"
        ),
    })
}

/// The rules a configured selector names (a rule, a group or `ALL`).
fn rules_of(key: &str, file: &Path, what: &str) -> Result<Vec<&'static dyn Rule>, ConfigError> {
    rules::select(key).ok_or_else(|| {
        let close = rules::close_matches(key);
        let hint = match close.first() {
            Some(c) => format!("; did you mean `{c}`?"),
            None => "; `scope-lint rules` lists them".to_string(),
        };
        ConfigError {
            file: file.to_path_buf(),
            message: format!("`{what}`: unknown rule `{key}`{hint}"),
        }
    })
}

/// Check the settings of one layer: every rule, level and glob is valid.
fn validate(file: &Path, settings: &Settings) -> Result<(), ConfigError> {
    for key in settings
        .select
        .iter()
        .flatten()
        .map(|k| (k, "select"))
        .chain(settings.extend_select.iter().map(|k| (k, "extend-select")))
        .chain(settings.ignore.iter().map(|k| (k, "ignore")))
    {
        rules_of(key.0, file, key.1)?;
    }
    for (rule, level) in &settings.level {
        rules_of(rule, file, &format!("level.{rule}"))?;
        if parse_level(level).is_none() {
            return Err(ConfigError {
                file: file.to_path_buf(),
                message: format!(
                    "`level.{rule}`: expected `error`, `warning`, `note` or `off`, found `{level}`"
                ),
            });
        }
    }
    if let Some(t) = settings.time_budget {
        if parse_time_budget(t).is_none() {
            return Err(ConfigError {
                file: file.to_path_buf(),
                message: format!(
                    "`time-budget`: expected a number of seconds above 0 (such as 10 or 0.5), found `{t}`"
                ),
            });
        }
    }
    Ok(())
}

/// A time budget in seconds, when it is one (positive, finite, at most a
/// day).
pub fn parse_time_budget(seconds: f64) -> Option<std::time::Duration> {
    (seconds.is_finite() && seconds > 0.0 && seconds <= 86_400.0)
        .then(|| std::time::Duration::from_secs_f64(seconds))
}

/// The chain of `origin`'s settings: its base (by `extend`, or a package
/// table's workspace) first. `seen` holds the files on the way, for cycles.
fn chain(
    origin: Origin,
    settings: Settings,
    seen: &mut Vec<Origin>,
) -> Result<Vec<Layer>, ConfigError> {
    let canonical = |o: &Origin| Origin {
        file: std::fs::canonicalize(&o.file).unwrap_or_else(|_| o.file.clone()),
        table: o.table,
    };
    let me = canonical(&origin);
    if seen.contains(&me) {
        let mut names: Vec<String> = seen.iter().map(|o| o.to_string()).collect();
        names.push(me.to_string());
        return Err(ConfigError {
            file: origin.file.clone(),
            message: format!("`extend` makes a cycle: {}", names.join(" -> ")),
        });
    }
    seen.push(me);
    validate(&origin.file, &settings)?;
    if settings.inherit.is_some() && origin.table != Table::Package {
        return Err(ConfigError {
            file: origin.file.clone(),
            message: "`inherit` belongs in `[package.metadata.scope-lint]`; elsewhere use `extend = \"<file>\"`".into(),
        });
    }
    let dir = origin.file.parent().unwrap_or(Path::new(".")).to_path_buf();
    let mut layers = if let Some(base) = &settings.extend {
        let file = dir.join(base);
        if !file.is_file() {
            return Err(ConfigError {
                file: origin.file.clone(),
                message: format!("`extend`: {} does not exist", file.display()),
            });
        }
        let (s, table) = read_config(&file)?.ok_or_else(|| ConfigError {
            file: origin.file.clone(),
            message: format!(
                "`extend`: {} holds no scope-lint configuration",
                file.display()
            ),
        })?;
        chain(Origin { file, table }, s, seen)?
    } else if origin.table == Table::Package && settings.inherit != Some(false) {
        match workspace_config(&origin.file)? {
            Some((o, s)) => chain(o, s, seen)?,
            None => Vec::new(),
        }
    } else {
        Vec::new()
    };
    layers.push(Layer {
        origin,
        root: dir,
        settings,
    });
    Ok(layers)
}

/// The configuration of the workspace around the package `manifest`:
/// `scope-lint.toml`, `.scope-lint.toml` or `[workspace.metadata.scope-lint]`
/// at the nearest directory (the package's own included) whose
/// `Cargo.toml` has a `[workspace]` table.
fn workspace_config(manifest: &Path) -> Result<Option<(Origin, Settings)>, ConfigError> {
    let abs = std::path::absolute(manifest).unwrap_or_else(|_| manifest.to_path_buf());
    let Some(package_dir) = abs.parent() else {
        return Ok(None);
    };
    for dir in package_dir.ancestors() {
        let cargo = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&cargo) else {
            continue;
        };
        let Ok(doc) = toml::from_str::<toml::Table>(&text) else {
            continue;
        };
        if !doc.contains_key("workspace") {
            continue;
        }
        for name in [".scope-lint.toml", "scope-lint.toml"].iter().rev() {
            let file = dir.join(name);
            if file.is_file() {
                if let Some((s, table)) = read_config(&file)? {
                    return Ok(Some((Origin { file, table }, s)));
                }
            }
        }
        return Ok(read_table(&cargo, &doc, Table::Workspace)?.map(|s| {
            (
                Origin {
                    file: cargo,
                    table: Table::Workspace,
                },
                s,
            )
        }));
    }
    Ok(None)
}

impl Config {
    /// The defaults, for `--isolated` and trees without configuration.
    pub fn defaults(root: &Path) -> Config {
        Config {
            file: None,
            root: root.to_path_buf(),
            layers: Vec::new(),
            exclude: Vec::new(),
            per_file: Vec::new(),
        }
    }

    /// Compile a checked chain of layers.
    fn from_layers(file: &Path, layers: Vec<Layer>) -> Result<Config, ConfigError> {
        let mut per_file: Vec<(PathBuf, Globs, Vec<&'static str>)> = Vec::new();
        let mut exclude = Vec::new();
        let mut globs_seen: Vec<String> = Vec::new();
        // Latest layer first, so a later layer's glob replaces an earlier one's.
        for layer in layers.iter().rev() {
            let f = &layer.origin.file;
            for (glob, codes) in &layer.settings.per_file_ignores {
                if globs_seen.contains(glob) {
                    continue;
                }
                globs_seen.push(glob.clone());
                let key = format!("per-file-ignores.\"{glob}\"");
                let codes = codes
                    .iter()
                    .map(|c| rules_of(c, f, &key))
                    .collect::<Result<Vec<_>, _>>()?
                    .into_iter()
                    .flatten()
                    .map(|r| r.meta().code)
                    .collect();
                per_file.push((
                    layer.root.clone(),
                    glob_set(std::slice::from_ref(glob), f, &key)?,
                    codes,
                ));
            }
            if !layer.settings.exclude.is_empty() {
                exclude.push((
                    layer.root.clone(),
                    glob_set(&layer.settings.exclude, f, "exclude")?,
                ));
            }
        }
        Ok(Config {
            file: Some(file.to_path_buf()),
            root: file.parent().unwrap_or(Path::new(".")).to_path_buf(),
            layers,
            exclude,
            per_file,
        })
    }

    /// Read a configuration file and the files it inherits from.
    pub fn load(file: &Path) -> Result<Config, ConfigError> {
        match read_config(file)? {
            Some((settings, table)) => {
                let origin = Origin {
                    file: file.to_path_buf(),
                    table,
                };
                let layers = chain(origin, settings, &mut Vec::new())?;
                Config::from_layers(file, layers)
            }
            None => Err(ConfigError {
                file: file.to_path_buf(),
                message:
                    "no `[package.metadata.scope-lint]` or `[workspace.metadata.scope-lint]` table"
                        .into(),
            }),
        }
    }

    /// The rules enabled for files under this configuration, at their
    /// levels, after the command line's `--select`/`--ignore`.
    pub fn rule_levels(
        &self,
        cli_select: &[&'static dyn Rule],
        cli_ignore: &[&'static dyn Rule],
    ) -> Vec<(&'static dyn Rule, Level)> {
        let find = |k: &String| rules::select(k).expect("checked in Config::load");
        let codes = |keys: &[String]| -> Vec<&'static str> {
            keys.iter().flat_map(find).map(|r| r.meta().code).collect()
        };
        let mut chosen: Vec<&'static dyn Rule> = if cli_select.is_empty() {
            rules::defaults()
        } else {
            cli_select.to_vec()
        };
        for layer in &self.layers {
            let s = &layer.settings;
            if let (Some(sel), true) = (&s.select, cli_select.is_empty()) {
                chosen = sel.iter().flat_map(find).collect();
            }
            chosen.extend(s.extend_select.iter().flat_map(find));
            let ignored = codes(&s.ignore);
            chosen.retain(|r| !ignored.contains(&r.meta().code));
        }
        let cli_ignored: Vec<&str> = cli_ignore.iter().map(|r| r.meta().code).collect();
        chosen.retain(|r| !cli_ignored.contains(&r.meta().code));
        chosen.sort_by_key(|r| r.meta().code);
        chosen.dedup_by_key(|r| r.meta().code);
        chosen
            .into_iter()
            .filter_map(|r| match self.level_of(r.meta().code) {
                Some((level, _)) => level.map(|l| (r, l)),
                None => Some((r, r.meta().level)),
            })
            .collect()
    }

    /// The configured level of a rule (`None` inside: `off`) and the layer
    /// that set it; the latest layer wins.
    fn level_of(&self, code: &str) -> Option<(Option<Level>, &Layer)> {
        self.layers.iter().rev().find_map(|layer| {
            layer
                .settings
                .level
                .iter()
                .find(|(k, _)| {
                    rules::select(k)
                        .unwrap_or_default()
                        .iter()
                        .any(|x| x.meta().code == code)
                })
                .map(|(_, v)| (parse_level(v).expect("checked"), layer))
        })
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        self.exclude
            .iter()
            .any(|(root, globs)| globs.is_match(relative(root, path)))
    }

    /// Codes `per-file-ignores` switches off for `path`.
    pub fn ignored_for(&self, path: &Path) -> Vec<&'static str> {
        self.per_file
            .iter()
            .filter(|(root, g, _)| g.is_match(relative(root, path)))
            .flat_map(|(_, _, codes)| codes.iter().copied())
            .collect()
    }

    /// The per-file time budget the nearest layer sets, if any.
    pub fn time_budget(&self) -> Option<std::time::Duration> {
        self.layers
            .iter()
            .rev()
            .find_map(|l| l.settings.time_budget)
            .and_then(parse_time_budget)
    }

    /// Model directories, each resolved against its configuration's
    /// directory.
    pub fn model_dirs(&self) -> Vec<PathBuf> {
        self.layers
            .iter()
            .flat_map(|l| l.settings.models.iter().map(|m| l.root.join(m)))
            .collect()
    }

    /// The resolved settings and where each came from, for `scope-lint
    /// config`.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        if self.layers.is_empty() {
            out.push_str("no configuration file: the defaults\n");
        } else {
            out.push_str("configuration files, base first:\n");
            for l in &self.layers {
                out.push_str(&format!("  {}\n", l.origin));
            }
        }
        let list = |v: &[String]| {
            let quoted: Vec<String> = v.iter().map(|x| format!("\"{x}\"")).collect();
            format!("[{}]", quoted.join(", "))
        };
        let mut line = |setting: String, from: Option<(&Layer, &str)>| match from {
            Some((l, key)) => out.push_str(&format!("{setting:<40} # {} `{key}`\n", l.origin)),
            None => out.push_str(&format!("{setting:<40} # default\n")),
        };
        match self
            .layers
            .iter()
            .rev()
            .find_map(|l| l.settings.select.as_ref().map(|s| (l, s)))
        {
            Some((l, s)) => line(format!("select = {}", list(s)), Some((l, "select"))),
            None => line(
                "select = [\"correctness\", \"suspicious\", \"security\"]".into(),
                None,
            ),
        }
        for l in &self.layers {
            let s = &l.settings;
            if !s.extend_select.is_empty() {
                line(
                    format!("extend-select += {}", list(&s.extend_select)),
                    Some((l, "extend-select")),
                );
            }
            if !s.ignore.is_empty() {
                line(
                    format!("ignore += {}", list(&s.ignore)),
                    Some((l, "ignore")),
                );
            }
            if !s.exclude.is_empty() {
                line(
                    format!("exclude += {}", list(&s.exclude)),
                    Some((l, "exclude")),
                );
            }
            for m in &s.models {
                line(
                    format!("models += \"{}\"", l.root.join(m).display()),
                    Some((l, "models")),
                );
            }
        }
        let mut keys: Vec<&String> = self
            .layers
            .iter()
            .flat_map(|l| {
                l.settings
                    .level
                    .keys()
                    .chain(l.settings.per_file_ignores.keys())
            })
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            if let Some(l) = self
                .layers
                .iter()
                .rev()
                .find(|l| l.settings.level.contains_key(k))
            {
                line(
                    format!("level.{k} = \"{}\"", l.settings.level[k]),
                    Some((l, &format!("level.{k}"))),
                );
            }
            if let Some(l) = self
                .layers
                .iter()
                .rev()
                .find(|l| l.settings.per_file_ignores.contains_key(k))
            {
                line(
                    format!(
                        "per-file-ignores.\"{k}\" = {}",
                        list(&l.settings.per_file_ignores[k])
                    ),
                    Some((l, "per-file-ignores")),
                );
            }
        }
        let rules: Vec<String> = self
            .rule_levels(&[], &[])
            .iter()
            .map(|(r, l)| format!("{} ({l})", r.meta().code))
            .collect();
        out.push_str(&format!("enabled rules: {}\n", rules.join(", ")));
        out
    }
}

/// `path` relative to `root`, as globs see it.
fn relative<'p>(root: &Path, path: &'p Path) -> &'p Path {
    path.strip_prefix(root)
        .or_else(|_| path.strip_prefix("./"))
        .unwrap_or(path)
}

/// `Some(level)`, `Some(None)` for `off`, `None` for anything else.
fn parse_level(text: &str) -> Option<Option<Level>> {
    match text {
        "error" => Some(Some(Level::Error)),
        "warning" => Some(Some(Level::Warning)),
        "note" => Some(Some(Level::Note)),
        "off" => Some(None),
        _ => None,
    }
}

/// The settings in one file and the table that holds them, if it holds
/// any (a `Cargo.toml` without a scope-lint table holds none; a package's
/// table comes before its workspace's).
fn read_config(file: &Path) -> Result<Option<(Settings, Table)>, ConfigError> {
    let err = |message: String| ConfigError {
        file: file.to_path_buf(),
        message,
    };
    let bytes = crate::read::read_limited(file, crate::read::MAX_FILE_BYTES)
        .map_err(|e| err(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| err(format!("not valid UTF-8: {e}")))?;
    let is_cargo = file.file_name().is_some_and(|n| n == "Cargo.toml");
    if !is_cargo {
        return toml::from_str::<Settings>(&text)
            .map(|s| Some((s, Table::File)))
            .map_err(|e| err(e.to_string().trim_end().to_string()));
    }
    // Most manifests say nothing about us: skip parsing them.
    if !text.contains("scope-lint") {
        return Ok(None);
    }
    let doc: toml::Table =
        toml::from_str(&text).map_err(|e| err(e.to_string().trim_end().to_string()))?;
    for table in [Table::Package, Table::Workspace] {
        if let Some(s) = read_table(file, &doc, table)? {
            return Ok(Some((s, table)));
        }
    }
    Ok(None)
}

/// The settings of one table of a parsed `Cargo.toml`.
fn read_table(
    file: &Path,
    doc: &toml::Table,
    table: Table,
) -> Result<Option<Settings>, ConfigError> {
    let section = match table {
        Table::Package => "package",
        Table::Workspace => "workspace",
        Table::File => return Ok(None),
    };
    let Some(t) = doc
        .get(section)
        .and_then(|s| s.get("metadata"))
        .and_then(|m| m.get("scope-lint"))
    else {
        return Ok(None);
    };
    Settings::deserialize(t.clone())
        .map(Some)
        .map_err(|e| ConfigError {
            file: file.to_path_buf(),
            message: format!(
                "[{section}.metadata.scope-lint]: {}",
                e.to_string().trim_end()
            ),
        })
}

/// Finds the configuration for each linted file, once per directory.
#[derive(Default)]
pub struct Discovery {
    /// What the walk saw: no `stat` needed inside the walked trees.
    seen: std::sync::Arc<crate::walk::Seen>,
    cwd: PathBuf,
    cache: foldhash::HashMap<crate::path_key::PathKey, Option<PathBuf>>,
    /// The same answers keyed by the directory as the walk spelled it, so
    /// most files cost one hash lookup.
    by_given_dir: foldhash::HashMap<crate::path_key::PathKey, Option<PathBuf>>,
}

impl Discovery {
    /// Discovery that trusts a walk's list of configuration files for the
    /// directories it covered.
    pub fn with_walk(seen: std::sync::Arc<crate::walk::Seen>) -> Discovery {
        Discovery {
            seen,
            cwd: std::env::current_dir().unwrap_or_default(),
            ..Discovery::default()
        }
    }

    /// The nearest configuration file for the file at `path`, if any.
    pub fn config_file_for(&mut self, path: &Path) -> Result<Option<PathBuf>, ConfigError> {
        let given_dir = path.parent().unwrap_or(Path::new(""));
        if let Some(found) = self
            .by_given_dir
            .get(crate::path_key::PathRef::new(given_dir))
        {
            return Ok(found.clone());
        }
        let abs = if given_dir.is_absolute() {
            given_dir.to_path_buf()
        } else if self.cwd.as_os_str().is_empty() {
            std::path::absolute(given_dir).unwrap_or_else(|_| given_dir.to_path_buf())
        } else {
            self.cwd.join(given_dir)
        };
        let found = self.lookup(&abs)?;
        self.by_given_dir.insert(given_dir.into(), found.clone());
        Ok(found)
    }

    fn lookup(&mut self, dir: &Path) -> Result<Option<PathBuf>, ConfigError> {
        if let Some(found) = self.cache.get(crate::path_key::PathRef::new(dir)) {
            return Ok(found.clone());
        }
        let mut found = None;
        for name in crate::walk::CONFIG_NAMES {
            let candidate = dir.join(name);
            // Most manifests say nothing about us: their text, read once a
            // run (the search for each file's package reads it too), says
            // so without parsing; one that cannot be read is reported.
            let holds_config = |candidate: &Path| match self.seen.text(candidate) {
                Some(text) if !text.contains("scope-lint") => Ok(false),
                _ => read_config(candidate).map(|c| c.is_some()),
            };
            if self.seen.is_file(&candidate) && (name != "Cargo.toml" || holds_config(&candidate)?)
            {
                found = Some(candidate);
                break;
            }
        }
        if found.is_none() {
            if let Some(parent) = dir.parent() {
                found = self.lookup(parent)?;
            }
        }
        self.cache.insert(dir.into(), found.clone());
        Ok(found)
    }
}
