//! Baselines: record today's findings (`--write-baseline FILE`) and
//! afterwards report only new ones (`--baseline FILE`), so a large codebase
//! can adopt a rule without fixing every old finding first.
//!
//! A finding's identity is its file, its rule and its offending code with
//! white space folded, not its line: an edit above it that moves it keeps it
//! in the baseline, while a second copy of the same code is new (identities
//! are counted). Its file is spelt relative to the project root (see
//! [`crate::project`]), so the baseline matches from any working directory
//! and with absolute or relative paths; files outside any project are
//! spelt relative to the baseline file's directory.

use crate::lint::FileResult;
use crate::project::Roots;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Serialize, Deserialize)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    file: String,
    code: String,
    fingerprint: String,
    count: usize,
}

/// The identity of each finding, counted.
#[derive(Debug, Default)]
pub struct Baseline {
    counts: HashMap<(String, String, String), usize>,
}

/// Spells each file relative to its project root.
struct FileKeys {
    roots: Roots,
    /// The baseline file's directory: the fallback root.
    fallback: PathBuf,
}

impl FileKeys {
    fn new(baseline: &Path) -> FileKeys {
        let abs = crate::project::canonical(baseline);
        FileKeys {
            roots: Roots::default(),
            fallback: abs.parent().map(Path::to_path_buf).unwrap_or_default(),
        }
    }

    fn key(&mut self, path: &Path) -> String {
        self.roots.relative(path, &self.fallback)
    }
}

fn fingerprint(result: &FileResult, d: &crate::diagnostic::Diagnostic) -> String {
    let snippet = match &result.source {
        Some(src) => src.text.get(d.range.clone()).unwrap_or("").to_string(),
        None => d.message.clone(),
    };
    let folded: Vec<&str> = snippet.split_whitespace().collect();
    let mut input = folded.join(" ");
    input.push('\0');
    input.push_str(d.code.code);
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(input.as_bytes()))
}

impl Baseline {
    /// The findings of `results`, for a baseline to be written at `file`.
    pub fn from_results(results: &[FileResult], file: &Path) -> Baseline {
        let mut b = Baseline::default();
        let mut keys = FileKeys::new(file);
        for r in results {
            for d in &r.diagnostics {
                let key = (
                    keys.key(&r.path),
                    d.code.code.to_string(),
                    fingerprint(r, d),
                );
                *b.counts.entry(key).or_default() += 1;
            }
        }
        b
    }

    pub fn write(&self, path: &Path) -> Result<(), String> {
        let mut findings: Vec<Entry> = self
            .counts
            .iter()
            .map(|((file, code, fp), n)| Entry {
                file: file.clone(),
                code: code.clone(),
                fingerprint: fp.clone(),
                count: *n,
            })
            .collect();
        findings.sort_by(|a, b| {
            (&a.file, &a.code, &a.fingerprint).cmp(&(&b.file, &b.code, &b.fingerprint))
        });
        let text = serde_json::to_string_pretty(&BaselineFile {
            version: 1,
            findings,
        })
        .map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n")
            .map_err(|e| format!("{}: cannot write the baseline: {e}", path.display()))
    }

    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the baseline: {e}", path.display()))?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: not a scope-lint baseline ({e}); write one with --write-baseline",
                path.display()
            )
        })?;
        if file.version != 1 {
            return Err(format!(
                "{}: unsupported baseline version {}",
                path.display(),
                file.version
            ));
        }
        let counts = file
            .findings
            .into_iter()
            .map(|e| ((e.file, e.code, e.fingerprint), e.count))
            .collect();
        Ok(Baseline { counts })
    }

    /// Drop the findings the baseline (read from `file`) knows; keep only
    /// new ones.
    pub fn filter(mut self, file: &Path, results: &mut [FileResult]) {
        let mut keys = FileKeys::new(file);
        for r in results.iter_mut() {
            let file = keys.key(&r.path);
            let keys: Vec<String> = r.diagnostics.iter().map(|d| fingerprint(r, d)).collect();
            let mut keep = keys.into_iter();
            r.diagnostics.retain(|d| {
                let fp = keep.next().expect("one key per finding");
                match self
                    .counts
                    .get_mut(&(file.clone(), d.code.code.to_string(), fp))
                {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        false
                    }
                    _ => true,
                }
            });
        }
    }
}
