//! Reporters: one module per output format. They read finished results and
//! write them; they never decide what is a finding.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod short;

use crate::diagnostic::Level;
use crate::lint::FileResult;
use std::time::Duration;

/// Everything a reporter needs about a finished run.
pub struct Report<'a> {
    pub results: &'a [FileResult],
    pub elapsed: Duration,
}

/// Totals for the summary line and the exit code.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub files: usize,
    pub problems: usize,
    pub files_with_problems: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Files the run could not check (unreadable, too large, a panic).
    pub incomplete: usize,
}

/// A file's path as CI tools want it: as given, without a leading `./`
/// (GitHub and GitLab match paths against the repository's files).
pub fn display_path(path: &std::path::Path) -> String {
    let mut shown = path;
    while let Ok(rest) = shown.strip_prefix(".") {
        if rest.as_os_str().is_empty() {
            break;
        }
        shown = rest;
    }
    shown.display().to_string()
}

/// One row of `--statistics`.
#[derive(serde::Serialize)]
pub struct RuleCount {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
    pub fixable: bool,
}

/// `--statistics`: findings per rule, most frequent first.
pub fn statistics(report: &Report<'_>) -> Vec<RuleCount> {
    let mut per_rule: std::collections::BTreeMap<(&'static str, &'static str), (usize, bool)> =
        Default::default();
    for r in report.results {
        for d in &r.diagnostics {
            let e = per_rule.entry((d.code.code, d.code.name)).or_default();
            e.0 += 1;
            e.1 |= d.fix.is_some();
        }
    }
    let mut rows: Vec<_> = per_rule.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    rows.into_iter()
        .map(|((code, name), (count, fixable))| RuleCount {
            code,
            name,
            count,
            fixable,
        })
        .collect()
}

/// `--statistics` as a table.
pub fn write_statistics(report: &Report<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for row in statistics(report) {
        writeln!(
            out,
            "{:>6}  {:<14}  {}{}",
            row.count,
            row.code,
            row.name,
            if row.fixable { "  [fixable]" } else { "" }
        )?;
    }
    Ok(())
}

/// `--statistics --format json`: `[{code, name, count, fixable}]`.
pub fn write_statistics_json(
    report: &Report<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &statistics(report))?;
    writeln!(out)
}

/// `Fixed 2 problems:` and one line per fix: `file:line: CODE (name)`
/// and what changed (`` `a` -> `b` ``, `` removed `a` ``), long texts
/// shortened.
pub fn write_fixes(
    count: usize,
    fixes: &[(std::path::PathBuf, crate::fix::Applied)],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let noun = if count == 1 { "problem" } else { "problems" };
    if fixes.is_empty() {
        return writeln!(out, "Fixed {count} {noun}");
    }
    writeln!(out, "Fixed {count} {noun}:")?;
    for (path, f) in fixes {
        let (before, after) = (shorten(&f.before), shorten(&f.after));
        let change = match (before.is_empty(), after.is_empty()) {
            (false, true) => format!("removed `{before}`"),
            (true, false) => format!("inserted `{after}`"),
            _ => format!("`{before}` -> `{after}`"),
        };
        writeln!(
            out,
            "  {}:{}: {} ({}) {change}",
            display_path(path),
            f.line,
            f.code.code,
            f.code.name,
        )?;
    }
    Ok(())
}

/// One line of at most 60 characters.
fn shorten(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 60 {
        return flat;
    }
    let mut cut: String = flat.chars().take(57).collect();
    cut.push_str("...");
    cut
}

impl Report<'_> {
    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            files: self.results.len(),
            ..Counts::default()
        };
        for r in self.results {
            if !r.diagnostics.is_empty() {
                c.files_with_problems += 1;
            }
            c.incomplete += usize::from(r.incomplete);
            for d in &r.diagnostics {
                c.problems += 1;
                match d.level {
                    Level::Error => c.errors += 1,
                    Level::Warning => c.warnings += 1,
                    Level::Note => c.notes += 1,
                }
            }
        }
        c
    }

    /// `Found 3 problems in 2 files (1 error, 2 warnings); checked 41 files in 0.12s`
    pub fn summary(&self) -> String {
        let c = self.counts();
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let checked = format!(
            "checked {} in {:.2}s",
            plural(c.files, "file"),
            self.elapsed.as_secs_f64()
        );
        if c.problems == 0 {
            return format!("No problems found; {checked}");
        }
        let mut levels = Vec::new();
        for (n, word) in [
            (c.errors, "error"),
            (c.warnings, "warning"),
            (c.notes, "note"),
        ] {
            if n > 0 {
                levels.push(plural(n, word));
            }
        }
        format!(
            "Found {} in {} ({}); {checked}",
            plural(c.problems, "problem"),
            plural(c.files_with_problems, "file"),
            levels.join(", ")
        )
    }
}
