//! `--format rustc-json` (alias `cargo`): cargo's JSON message stream, one
//! object per line, so that anything that reads `cargo check
//! --message-format=json` shows scope-lint's findings: rust-analyzer's
//! `rust-analyzer.check.overrideCommand` (inline, next to clippy's, with
//! the fixes as quick fixes), `cargo-watch`, bacon, CI annotators.
//!
//! Each finding is a `{"reason":"compiler-message", "package_id",
//! "manifest_path", "target", "message"}` object whose `message` is a
//! rustc diagnostic: `message`, `code.code` (`scope-lint::SL001`, see
//! below), `level`, `spans`
//! (primary first, then the secondary labels; `byte_start`/`byte_end`,
//! 1-based `line_*` and `column_*` counted in characters with an exclusive
//! end, `is_primary`, `text` with highlights, `label`), `children` (the
//! fix as a `help` whose spans carry `suggested_replacement` and
//! `suggestion_applicability`: `MachineApplicable` for safe fixes,
//! `MaybeIncorrect` for unsafe ones; help text without a fix as a spanless
//! `help`) and `rendered` (rustc's text form). The stream ends with
//! `{"reason":"build-finished","success":..}`, false when there is an
//! error-level finding.
//!
//! The package and target of each file come from the nearest `Cargo.toml`
//! above it (name, version, targets); a file outside any package gets a
//! package named after its directory. File names are as given on the
//! command line, without a leading `./`: run it from the workspace root,
//! as rust-analyzer does, and they resolve like cargo's.
//!
//! The code is scoped, `scope-lint::SL001`, the way clippy's lints are
//! (`clippy::needless_return`, RFC 2103). rust-analyzer's flycheck
//! (`crates/rust-analyzer/src/diagnostics/flycheck_to_proto.rs`) splits a
//! code with exactly one `::` into the LSP `source` and `code`, so the
//! editor shows `scope-lint(SL001)` beside `clippy(needless_return)`; a
//! bare `SL001` would be shown as `rustc(SL001)`, as if the compiler had
//! said it. The tool part is the command's name rather than an identifier
//! (`scope_lint`): it is what the user typed in `overrideCommand` and what
//! the language server puts in `source`, and no Rust attribute ever
//! parses it (suppressions are comments). rust-analyzer links only
//! `rustc` and `clippy` codes to their documentation, so the link to the
//! rule's page is not shown there; `code.explanation` carries the rule's
//! documentation instead, and `rendered` keeps the `warning[SL001]` header
//! of scope-lint's own output.

use super::Report;
use crate::diagnostic::{Applicability, Diagnostic, Level};
use crate::index::crates::{self, TargetKind};
use crate::lint::FileResult;
use crate::source::SourceFile;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut packages = Packages::default();
    let mut success = true;
    for result in report.results {
        if result.diagnostics.is_empty() {
            continue;
        }
        let (package_id, manifest_path, target) = packages.of(&result.path);
        for d in &result.diagnostics {
            success &= d.level != Level::Error;
            let message = CompilerMessage {
                reason: "compiler-message",
                package_id: &package_id,
                manifest_path: &manifest_path,
                target: &target,
                message: diagnostic(result, d),
            };
            serde_json::to_writer(&mut *out, &message)?;
            writeln!(out)?;
        }
    }
    writeln!(
        out,
        "{}",
        json!({ "reason": "build-finished", "success": success })
    )
}

/// cargo's `compiler-message`, fields in cargo's order.
#[derive(Serialize)]
struct CompilerMessage<'a> {
    reason: &'static str,
    package_id: &'a str,
    manifest_path: &'a str,
    target: &'a Value,
    message: RustcDiagnostic,
}

/// rustc's `Diagnostic`.
#[derive(Serialize)]
struct RustcDiagnostic {
    message: String,
    code: Option<Value>,
    level: &'static str,
    spans: Vec<Span>,
    children: Vec<RustcDiagnostic>,
    rendered: Option<String>,
}

/// rustc's `DiagnosticSpan`.
#[derive(Serialize)]
struct Span {
    file_name: String,
    byte_start: usize,
    byte_end: usize,
    line_start: usize,
    line_end: usize,
    column_start: usize,
    column_end: usize,
    is_primary: bool,
    text: Vec<SpanLine>,
    label: Option<String>,
    suggested_replacement: Option<String>,
    suggestion_applicability: Option<&'static str>,
    expansion: Option<Value>,
}

#[derive(Serialize)]
struct SpanLine {
    text: String,
    highlight_start: usize,
    highlight_end: usize,
}

fn file_name(path: &Path) -> String {
    let s = path.display().to_string();
    let mut rest = s.as_str();
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    rest.to_string()
}

fn span(
    result: &FileResult,
    range: &std::ops::Range<usize>,
    is_primary: bool,
    label: Option<String>,
) -> Option<Span> {
    let src: &SourceFile = result.source.as_deref()?;
    let start = src.line_col(range.start);
    let end = src.line_col(range.end);
    let lines: Vec<&str> = src.text.split('\n').collect();
    let text = (start.line..=end.line)
        .filter_map(|l| {
            let line = lines.get(l - 1)?.trim_end_matches('\r');
            Some(SpanLine {
                text: line.to_string(),
                highlight_start: if l == start.line { start.column } else { 1 },
                highlight_end: if l == end.line {
                    end.column
                } else {
                    line.chars().count() + 1
                },
            })
        })
        .collect();
    Some(Span {
        file_name: file_name(&result.path),
        byte_start: range.start,
        byte_end: range.end,
        line_start: start.line,
        line_end: end.line,
        column_start: start.column,
        column_end: end.column,
        is_primary,
        text,
        label,
        suggested_replacement: None,
        suggestion_applicability: None,
        expansion: None,
    })
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    }
}

fn diagnostic(result: &FileResult, d: &Diagnostic) -> RustcDiagnostic {
    let label = (!d.label.is_empty()).then(|| d.label.clone());
    let mut spans: Vec<Span> = span(result, &d.range, true, label).into_iter().collect();
    spans.extend(
        d.labels
            .iter()
            .filter_map(|l| span(result, &l.range, false, Some(l.text.clone()))),
    );
    let mut children = Vec::new();
    match &d.fix {
        Some(fix) if !fix.edits.is_empty() && result.source.is_some() => {
            let applicability = match fix.applicability {
                Applicability::Safe => "MachineApplicable",
                Applicability::Unsafe => "MaybeIncorrect",
            };
            let spans = fix
                .edits
                .iter()
                .filter_map(|e| {
                    let mut s = span(result, &e.range, true, None)?;
                    s.suggested_replacement = Some(e.replacement.clone());
                    s.suggestion_applicability = Some(applicability);
                    Some(s)
                })
                .collect();
            let what = d.help.clone().unwrap_or_else(|| "apply the fix".into());
            children.push(RustcDiagnostic {
                message: match fix.applicability {
                    Applicability::Safe => what,
                    Applicability::Unsafe => format!("{what} (unsafe fix)"),
                },
                code: None,
                level: "help",
                spans,
                children: Vec::new(),
                rendered: None,
            });
        }
        _ => {
            if let Some(help) = &d.help {
                children.push(RustcDiagnostic {
                    message: help.clone(),
                    code: None,
                    level: "help",
                    spans: Vec::new(),
                    children: Vec::new(),
                    rendered: None,
                });
            }
        }
    }
    // rustc's `explanation` is the `--explain` text of the code.
    let docs = crate::rules::find(d.code.code).map(|r| r.meta().docs());
    RustcDiagnostic {
        message: d.message.clone(),
        code: Some(json!({ "code": scoped_code(d.code.code), "explanation": docs })),
        level: level(d.level),
        spans,
        children,
        rendered: Some(rendered(result, d)),
    }
}

/// The code as rust-analyzer splits it into source and code.
pub fn scoped_code(code: &str) -> String {
    format!("scope-lint::{code}")
}

/// rustc's plain text form: header, location, the primary line with its
/// underline and label, and the help.
fn rendered(result: &FileResult, d: &Diagnostic) -> String {
    let mut out = format!("{}[{}]: {}\n", level(d.level), d.code.code, d.message);
    let name = file_name(&result.path);
    match result.source.as_deref() {
        Some(src) => {
            let start = src.line_col(d.range.start);
            let end = src.line_col(d.range.end);
            let line = src
                .text
                .split('\n')
                .nth(start.line - 1)
                .unwrap_or("")
                .trim_end_matches('\r');
            let width = start.line.to_string().len();
            let pad = " ".repeat(width);
            let marks = if end.line == start.line {
                end.column.saturating_sub(start.column).max(1)
            } else {
                line.chars().count().saturating_sub(start.column - 1).max(1)
            };
            out.push_str(&format!(
                "{pad}--> {name}:{}:{}\n",
                start.line, start.column
            ));
            out.push_str(&format!("{pad} |\n{} | {line}\n", start.line));
            out.push_str(&format!(
                "{pad} | {}{} {}\n",
                " ".repeat(start.column - 1),
                "^".repeat(marks),
                d.label
            ));
            if let Some(help) = &d.help {
                out.push_str(&format!("{pad} |\n{pad} = help: {help}\n"));
            }
        }
        None => {
            out.push_str(&format!(" --> {name}\n"));
        }
    }
    out.push('\n');
    out
}

/// The package and target of each file, by the nearest `Cargo.toml`.
#[derive(Default)]
struct Packages {
    manifests: HashMap<crate::path_key::PathKey, Option<PathBuf>>,
    loaded: HashMap<PathBuf, Option<(String, Value, crates::Package)>>,
}

impl Packages {
    /// `(package_id, manifest_path, target)` for a file.
    fn of(&mut self, path: &Path) -> (String, String, Value) {
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = abs.parent().unwrap_or(Path::new("/")).to_path_buf();
        let manifest = crates::manifest_above(&dir, &mut self.manifests);
        let loaded = manifest.as_ref().and_then(|m| {
            self.loaded
                .entry(m.clone())
                .or_insert_with(|| load(m))
                .as_ref()
        });
        let Some((id, edition, package)) = loaded else {
            let name = dir.file_name().map_or("scope-lint-input".into(), |n| {
                n.to_string_lossy().into_owned()
            });
            let id = format!("path+{}#{name}@0.0.0", crate::report::sarif::path_uri(&dir));
            let target = target_json(&name, "bin", &abs, &json!("2021"));
            return (id, String::new(), target);
        };
        // The target whose root directory holds the file: the library
        // first, then the nearest.
        let best = package
            .targets
            .iter()
            .filter(|t| t.root.parent().is_some_and(|d| abs.starts_with(d)))
            .max_by_key(|t| {
                (
                    t.kind == TargetKind::Lib,
                    t.root.parent().map_or(0, |d| d.components().count()),
                )
            });
        let target = match best {
            Some(t) => target_json(&t.name, kind_name(t, &package.dir), &t.root, edition),
            None => target_json("unknown", "lib", &abs, edition),
        };
        let manifest = manifest
            .map(|m| m.display().to_string())
            .unwrap_or_default();
        (id.clone(), manifest, target)
    }
}

/// Cargo's name for the kind of target `t` of the package in `dir`; the
/// root's folders are read below `dir` (a package checked out under
/// `~/examples/` is not all examples).
fn kind_name(t: &crates::Target, dir: &Path) -> &'static str {
    match t.kind {
        TargetKind::Lib => "lib",
        TargetKind::Bin => "bin",
        TargetKind::Other => {
            let below = t.root.strip_prefix(dir).unwrap_or(&t.root);
            let has = |c: &str| below.components().any(|x| x.as_os_str() == c);
            if t.root.file_name().is_some_and(|n| n == "build.rs") {
                "custom-build"
            } else if has("examples") {
                "example"
            } else if has("benches") {
                "bench"
            } else {
                "test"
            }
        }
    }
}

fn target_json(name: &str, kind: &str, src_path: &Path, edition: &Value) -> Value {
    let crate_type = if kind == "lib" { "lib" } else { "bin" };
    json!({
        "kind": [kind],
        "crate_types": [crate_type],
        "name": name,
        "src_path": src_path.display().to_string(),
        "edition": edition,
        "doc": kind == "lib" || kind == "bin",
        "doctest": kind == "lib",
        "test": true,
    })
}

/// The package id (`path+file:///dir#name@version`, cargo's form), its
/// edition, and its targets.
fn load(manifest: &Path) -> Option<(String, Value, crates::Package)> {
    let package = crates::load(manifest)?;
    let text = std::fs::read_to_string(manifest).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    let p = table.get("package")?;
    let name = p.get("name")?.as_str()?.to_string();
    // `version.workspace = true` and friends: cargo would resolve them;
    // the id only needs to be stable.
    let version = p
        .get("version")
        .and_then(|v| v.as_str())
        .unwrap_or("0.0.0")
        .to_string();
    let edition = p
        .get("edition")
        .and_then(|v| v.as_str())
        .unwrap_or("2015")
        .to_string();
    let id = format!(
        "path+{}#{name}@{version}",
        crate::report::sarif::path_uri(&package.dir)
    );
    Some((id, json!(edition), package))
}

#[cfg(test)]
mod tests {
    use super::kind_name;
    use crate::index::crates::{Target, TargetKind};
    use std::path::Path;

    #[test]
    fn a_target_kind_is_read_below_the_package() {
        let kind = |root: &str| {
            let t = Target {
                kind: TargetKind::Other,
                name: "t".into(),
                root: root.into(),
            };
            kind_name(&t, Path::new("/work/examples/app"))
        };
        assert_eq!(kind("/work/examples/app/tests/api.rs"), "test");
        assert_eq!(kind("/work/examples/app/benches/b.rs"), "bench");
        assert_eq!(kind("/work/examples/app/examples/demo.rs"), "example");
        assert_eq!(kind("/work/examples/app/build.rs"), "custom-build");
    }
}
