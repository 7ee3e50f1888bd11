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

use crate::diagnostic::Level;
use crate::rules::{self, Rule};
use globset::{Glob, GlobSet, GlobSetBuilder};
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
    /// Seconds one file's analysis may take before it stops with a
    /// `too-complex` finding (default 10).
    pub time_budget: Option<f64>,
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
    /// Globs and model directories are relative to this directory.
    pub root: PathBuf,
    pub settings: Settings,
    exclude: GlobSet,
    per_file: Vec<(GlobSet, Vec<&'static str>)>,
}

/// A time budget in seconds, when it is one (positive, finite, at most a
/// day).
pub fn parse_time_budget(seconds: f64) -> Option<std::time::Duration> {
    (seconds.is_finite() && seconds > 0.0 && seconds <= 86_400.0)
        .then(|| std::time::Duration::from_secs_f64(seconds))
}

/// A glob as users mean it: a pattern without `/` matches a name at any
/// depth, like `.gitignore`.
fn glob_set(patterns: &[String], file: &Path, key: &str) -> Result<GlobSet, ConfigError> {
    let mut b = GlobSetBuilder::new();
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
            b.add(g);
        }
    }
    b.build().map_err(|e| ConfigError {
        file: file.to_path_buf(),
        message: format!("`{key}`: {e}"),
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

impl Config {
    /// The defaults, for `--isolated` and trees without configuration.
    pub fn defaults(root: &Path) -> Config {
        Config {
            file: None,
            root: root.to_path_buf(),
            settings: Settings::default(),
            exclude: GlobSet::empty(),
            per_file: Vec::new(),
        }
    }

    /// Check and compile settings read from `file`.
    pub fn new(file: &Path, settings: Settings) -> Result<Config, ConfigError> {
        let root = file.parent().unwrap_or(Path::new(".")).to_path_buf();
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
        let mut per_file = Vec::new();
        for (glob, codes) in &settings.per_file_ignores {
            let key = format!("per-file-ignores.\"{glob}\"");
            let codes = codes
                .iter()
                .map(|c| rules_of(c, file, &key))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .flatten()
                .map(|r| r.meta().code)
                .collect();
            per_file.push((glob_set(std::slice::from_ref(glob), file, &key)?, codes));
        }
        let exclude = glob_set(&settings.exclude, file, "exclude")?;
        Ok(Config {
            file: Some(file.to_path_buf()),
            root,
            settings,
            exclude,
            per_file,
        })
    }

    /// Read a configuration file named on the command line (`--config`).
    pub fn load(file: &Path) -> Result<Config, ConfigError> {
        match read_config(file)? {
            Some(settings) => Config::new(file, settings),
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
        let s = &self.settings;
        let find = |k: &String| rules::select(k).expect("checked in Config::new");
        let mut chosen: Vec<&'static dyn Rule> = if !cli_select.is_empty() {
            cli_select.to_vec()
        } else if let Some(sel) = &s.select {
            sel.iter().flat_map(find).collect()
        } else {
            rules::defaults()
        };
        chosen.extend(s.extend_select.iter().flat_map(find));
        let ignored: Vec<&str> = s
            .ignore
            .iter()
            .flat_map(find)
            .map(|r| r.meta().code)
            .chain(cli_ignore.iter().map(|r| r.meta().code))
            .collect();
        chosen.retain(|r| !ignored.contains(&r.meta().code));
        chosen.sort_by_key(|r| r.meta().code);
        chosen.dedup_by_key(|r| r.meta().code);
        chosen
            .into_iter()
            .filter_map(|r| {
                let level = s
                    .level
                    .iter()
                    .find(|(k, _)| find(k).iter().any(|x| x.meta().code == r.meta().code))
                    .map_or(Some(r.meta().level), |(_, v)| {
                        parse_level(v).expect("checked")
                    });
                level.map(|l| (r, l))
            })
            .collect()
    }

    fn relative<'p>(&self, path: &'p Path) -> &'p Path {
        path.strip_prefix(&self.root)
            .or_else(|_| path.strip_prefix("./"))
            .unwrap_or(path)
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        !self.exclude.is_empty() && self.exclude.is_match(self.relative(path))
    }

    /// Codes `per-file-ignores` switches off for `path`.
    pub fn ignored_for(&self, path: &Path) -> Vec<&'static str> {
        let rel = self.relative(path);
        self.per_file
            .iter()
            .filter(|(g, _)| g.is_match(rel))
            .flat_map(|(_, codes)| codes.iter().copied())
            .collect()
    }

    /// Model directories, resolved against the configuration's directory.
    pub fn model_dirs(&self) -> Vec<PathBuf> {
        self.settings
            .models
            .iter()
            .map(|m| self.root.join(m))
            .collect()
    }
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

/// The settings in one file, if it holds any (a `Cargo.toml` without a
/// scope-lint table holds none).
fn read_config(file: &Path) -> Result<Option<Settings>, ConfigError> {
    let err = |message: String| ConfigError {
        file: file.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(file).map_err(|e| err(format!("cannot read: {e}")))?;
    let is_cargo = file.file_name().is_some_and(|n| n == "Cargo.toml");
    if !is_cargo {
        return toml::from_str::<Settings>(&text)
            .map(Some)
            .map_err(|e| err(e.to_string().trim_end().to_string()));
    }
    // Most manifests say nothing about us: skip parsing them.
    if !text.contains("scope-lint") {
        return Ok(None);
    }
    let doc: toml::Table =
        toml::from_str(&text).map_err(|e| err(e.to_string().trim_end().to_string()))?;
    for section in ["package", "workspace"] {
        let table = doc
            .get(section)
            .and_then(|s| s.get("metadata"))
            .and_then(|m| m.get("scope-lint"));
        if let Some(t) = table {
            let settings = Settings::deserialize(t.clone()).map_err(|e| {
                err(format!(
                    "[{section}.metadata.scope-lint]: {}",
                    e.to_string().trim_end()
                ))
            })?;
            return Ok(Some(settings));
        }
    }
    Ok(None)
}

/// Finds the configuration for each linted file, once per directory.
#[derive(Default)]
pub struct Discovery {
    /// Directories whose configuration files are all in `present` (the
    /// walked trees), and those files: no `stat` needed inside them.
    walked: Vec<PathBuf>,
    present: std::collections::HashSet<PathBuf>,
    cwd: PathBuf,
    cache: std::collections::HashMap<PathBuf, Option<PathBuf>>,
    /// The same answers keyed by the directory as the walk spelled it, so
    /// most files cost one hash lookup.
    by_given_dir: std::collections::HashMap<PathBuf, Option<PathBuf>>,
}

impl Discovery {
    /// Discovery that trusts a walk's list of configuration files for the
    /// directories it covered.
    pub fn with_walk(roots: &[PathBuf], config_files: &[PathBuf]) -> Discovery {
        let cwd = std::env::current_dir().unwrap_or_default();
        let abs = |p: &Path| {
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                cwd.join(p)
            }
        };
        Discovery {
            walked: roots.iter().map(|r| abs(r)).collect(),
            present: config_files.iter().map(|f| abs(f)).collect(),
            cwd: cwd.clone(),
            ..Discovery::default()
        }
    }

    /// The nearest configuration file for the file at `path`, if any.
    pub fn config_file_for(&mut self, path: &Path) -> Result<Option<PathBuf>, ConfigError> {
        let given_dir = path.parent().unwrap_or(Path::new(""));
        if let Some(found) = self.by_given_dir.get(given_dir) {
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
        self.by_given_dir
            .insert(given_dir.to_path_buf(), found.clone());
        Ok(found)
    }

    fn lookup(&mut self, dir: &Path) -> Result<Option<PathBuf>, ConfigError> {
        if let Some(found) = self.cache.get(dir) {
            return Ok(found.clone());
        }
        let mut found = None;
        let inside_walk = self.walked.iter().any(|r| dir.starts_with(r));
        for name in crate::walk::CONFIG_NAMES {
            let candidate = dir.join(name);
            let exists = if inside_walk {
                self.present.contains(&candidate)
            } else {
                candidate.is_file()
            };
            if exists && (name != "Cargo.toml" || read_config(&candidate)?.is_some()) {
                found = Some(candidate);
                break;
            }
        }
        if found.is_none() {
            if let Some(parent) = dir.parent() {
                found = self.lookup(parent)?;
            }
        }
        self.cache.insert(dir.to_path_buf(), found.clone());
        Ok(found)
    }
}
