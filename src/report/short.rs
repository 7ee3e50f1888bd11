//! Short output: one line per finding, `file:line:col: CODE message`, the
//! form compilers print and editors, `grep` and CI log matchers already parse
//! (`fixtures/demo/src/main.rs:17:22: SL001 ...`). No snippet, no help, no
//! summary line.
//!
//! Lines and columns are 1-based, columns count characters, as in the JSON
//! output; a finding without source text (an unreadable file) is at `1:1`.
//! Line breaks inside a message become spaces, so one line is always one
//! finding.

use super::Report;
use crate::diagnostic::Diagnostic;
use crate::lint::FileResult;
use std::io::{self, Write};

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for result in report.results {
        for d in &result.diagnostics {
            writeln!(out, "{}", line(result, d))?;
        }
    }
    Ok(())
}

/// `file:line:col: CODE message`, without the line break.
pub fn line(result: &FileResult, d: &Diagnostic) -> String {
    let at = result
        .source
        .as_ref()
        .map(|src| src.line_col(d.range.start))
        .unwrap_or_default();
    format!(
        "{}:{}:{}: {} {}",
        result.path.display(),
        at.line.max(1),
        at.column.max(1),
        d.code.code,
        one_line(&d.message)
    )
}

fn one_line(text: &str) -> String {
    text.replace("\r\n", " ").replace(['\n', '\r'], " ")
}
