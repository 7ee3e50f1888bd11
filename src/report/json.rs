//! JSON output: one array, one object per finding, fields in a stable order:
//! `{code, name, level, message, file, line, column, end_line, end_column,
//! help, fix}`. Lines and columns are 1-based, columns count characters.
//! `fix` is null or `{applicability, edits: [{file, start, end,
//! replacement}]}` with `start`/`end` as byte offsets into the file.

use super::Report;
use crate::diagnostic::{Applicability, Diagnostic, Level};
use crate::lint::FileResult;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub level: Level,
    pub message: &'a str,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: Option<&'a str>,
    pub fix: Option<JsonFix>,
}

#[derive(Serialize)]
pub struct JsonFix {
    pub applicability: Applicability,
    pub edits: Vec<JsonEdit>,
}

#[derive(Serialize)]
pub struct JsonEdit {
    pub file: String,
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

pub fn item<'a>(result: &FileResult, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let file = result.path.display().to_string();
    let (start, end) = match &result.source {
        Some(src) => (src.line_col(d.range.start), src.line_col(d.range.end)),
        None => Default::default(),
    };
    JsonDiagnostic {
        code: d.code.code,
        name: d.code.name,
        level: d.level,
        message: &d.message,
        file: file.clone(),
        line: start.line.max(1),
        column: start.column.max(1),
        end_line: end.line.max(1),
        end_column: end.column.max(1),
        help: d.help.as_deref(),
        fix: d.fix.as_ref().map(|f| JsonFix {
            applicability: f.applicability,
            edits: f
                .edits
                .iter()
                .map(|e| JsonEdit {
                    file: file.clone(),
                    start: e.range.start,
                    end: e.range.end,
                    replacement: e.replacement.clone(),
                })
                .collect(),
        }),
    }
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let items: Vec<JsonDiagnostic<'_>> = report
        .results
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(move |d| item(r, d)))
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}
