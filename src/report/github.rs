//! GitHub Actions output: one workflow command per finding, which the runner
//! turns into an annotation on the pull request's diff, with no upload step
//! and no permissions (unlike SARIF code scanning):
//!
//! ```text
//! ::error file=src/main.rs,line=17,col=22,endLine=17,endColumn=36,title=SL001 (nonexistent-member)::`http::Uri` has no method `query_params`%0A<help>
//! ```
//!
//! The command is `error`, `warning` or `notice` after the finding's level.
//! Positions are those of the JSON output (1-based, columns in characters,
//! `endColumn` just past the range), with the Actions toolkit's rules:
//! `col` and `endColumn` only when the range is on one line, the path
//! without a leading `./`, and no `file` (nor position) at all when a
//! finding has no path, rather than an empty `file=`. The help follows the message on a new
//! line. Values are escaped as GitHub's toolkit does: `%`, CR and LF in the
//! message; those and `:` and `,` in properties, which would otherwise end
//! the value.

use super::Report;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::FileResult;
use std::io::{self, Write};

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for result in report.results {
        for d in &result.diagnostics {
            writeln!(out, "{}", command(result, d))?;
        }
    }
    Ok(())
}

/// The workflow command for one finding, without the line break.
pub fn command(result: &FileResult, d: &Diagnostic) -> String {
    let (start, end) = match &result.source {
        Some(src) => (src.line_col(d.range.start), src.line_col(d.range.end)),
        None => Default::default(),
    };
    let kind = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "notice",
    };
    let title = if d.code.code == d.code.name {
        d.code.code.to_string()
    } else {
        format!("{} ({})", d.code.code, d.code.name)
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push('\n');
        message.push_str(help);
    }
    let path = super::display_path(&result.path);
    let mut properties = Vec::new();
    if !path.is_empty() {
        let (line, end_line) = (start.line.max(1), end.line.max(start.line).max(1));
        properties.push(format!("file={}", escape_property(&path)));
        properties.push(format!("line={line}"));
        if line == end_line {
            properties.push(format!("col={}", start.column.max(1)));
        }
        properties.push(format!("endLine={end_line}"));
        if line == end_line {
            properties.push(format!("endColumn={}", end.column.max(1)));
        }
    }
    properties.push(format!("title={}", escape_property(&title)));
    format!(
        "::{kind} {}::{}",
        properties.join(","),
        escape_data(&message)
    )
}

/// Escape a command's message: `%`, `\r` and `\n`.
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escape a property value: as [`escape_data`], plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
