//! GitLab code quality output: a JSON array of Code Climate issues, the
//! file GitLab's `artifacts:reports:codequality` reads to show findings in
//! the merge-request widget and the diff:
//!
//! ```json
//! [{"type": "issue", "check_name": "SL001 (nonexistent-member)",
//!   "description": "`http::Uri` has no method `query_params`",
//!   "categories": ["Bug Risk"], "severity": "major",
//!   "fingerprint": "5e1d0c6f2a9b3e47",
//!   "location": {"path": "src/main.rs", "lines": {"begin": 17, "end": 17}}}]
//! ```
//!
//! GitLab compares fingerprints between the source and target branches to
//! say which findings a merge request adds or fixes, so a fingerprint must
//! not change when unrelated lines move: it hashes the rule, the path, the
//! message and the text of the finding's first line (trimmed), not its
//! line number; identical findings are told apart by their order. Paths
//! are as given, without a leading `./`. Levels map to severities: error
//! `major`, warning `minor`, note `info`.

use super::Report;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::FileResult;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: String,
    description: &'a str,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: String,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut issues = Vec::new();
    for result in report.results {
        for d in &result.diagnostics {
            let key = identity(result, d);
            let nth = seen.entry(key).or_default();
            issues.push(issue(result, d, key, *nth));
            *nth += 1;
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// What identifies a finding across commits: rule, path, message and the
/// trimmed text of its first line.
fn identity(result: &FileResult, d: &Diagnostic) -> u64 {
    let line_text = result.source.as_ref().map_or("", |src| {
        let start = src.text[..d.range.start.min(src.text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let end = src.text[start..]
            .find('\n')
            .map_or(src.text.len(), |i| start + i);
        src.text[start..end].trim()
    });
    let key = format!(
        "{}\0{}\0{}\0{}",
        d.code.code,
        super::display_path(&result.path),
        d.message,
        line_text
    );
    xxhash_rust::xxh3::xxh3_64(key.as_bytes())
}

fn issue<'a>(result: &FileResult, d: &'a Diagnostic, key: u64, nth: usize) -> Issue<'a> {
    let (start, end) = match &result.source {
        Some(src) => (src.line_col(d.range.start), src.line_col(d.range.end)),
        None => Default::default(),
    };
    let begin = start.line.max(1);
    Issue {
        kind: "issue",
        check_name: if d.code.code == d.code.name {
            d.code.code.to_string()
        } else {
            format!("{} ({})", d.code.code, d.code.name)
        },
        description: &d.message,
        categories: ["Bug Risk"],
        severity: match d.level {
            Level::Error => "major",
            Level::Warning => "minor",
            Level::Note => "info",
        },
        fingerprint: format!(
            "{:016x}",
            xxhash_rust::xxh3::xxh3_64(format!("{key:016x}/{nth}").as_bytes())
        ),
        location: Location {
            path: super::display_path(&result.path),
            lines: Lines {
                begin,
                end: end.line.max(begin),
            },
        },
    }
}
