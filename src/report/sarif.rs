//! SARIF 2.1.0 output: the OASIS interchange format that GitHub code
//! scanning, GitLab, Azure DevOps and IDE viewers ingest. One log, one run.
//!
//! - `tool.driver.rules` lists every rule, always, in code order, then the
//!   engine's `parse-error`, `io-error` and `internal-error`: a code's
//!   `ruleIndex` is the same in every run whatever was found. A descriptor
//!   carries the rule's name, summary (`shortDescription`), its "What it
//!   does" paragraph (`fullDescription`), its full documentation, the text
//!   `scope-lint explain` prints, as `help.markdown` and `help.text`, and its
//!   default level. `helpUri` is the rule's source file on GitHub
//!   (`src/rules/sl002_manual_query_parsing.rs`), whose `//!` comment is
//!   that documentation: it exists as long as the rule does, where a
//!   separate docs page would have to be kept in step.
//! - A result has `ruleId`, `ruleIndex`, its level, the message with the
//!   help on the next line, and one location. `artifactLocation.uri` is the
//!   path as given, with `/` separators and percent-encoded where a URI
//!   needs it; absolute paths become `file://` URIs.
//! - Regions are 1-based with `endColumn` just past the range, the JSON
//!   output's numbers. Columns count characters, which SARIF calls
//!   `unicodeCodePoints` (its default counts UTF-16 units), so the run says
//!   so in `columnKind`. A finding without source text is at 1:1: GitHub
//!   rejects a result without `region.startLine`.
//! - A finding's fix is a `fixes` entry, "safe fix" or "unsafe fix", with
//!   one replacement per edit (`deletedRegion` + `insertedContent`).
//! - `invocations[0].executionSuccessful` is false when a file could not
//!   be checked (exit code 2).

use super::Report;
use crate::diagnostic::{Applicability, Diagnostic, Level, INTERNAL_ERROR, IO_ERROR, PARSE_ERROR};
use crate::lint::FileResult;
use crate::rules::{RuleMeta, ALL};
use crate::source::SourceFile;
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix, Invocation, Location, Message,
    MultiformatMessageString, PhysicalLocation, Region, Replacement, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const INFORMATION_URI: &str = "https://github.com/scope-lint/scope-lint";

/// Where a rule's documentation lives: its source file, named after its
/// code and name (`SL002`, `manual-query-parsing` →
/// `src/rules/sl002_manual_query_parsing.rs`).
pub fn help_uri(meta: &RuleMeta) -> String {
    format!(
        "{INFORMATION_URI}/blob/main/{}",
        rule_source_path(meta.code, meta.name)
    )
}

/// `src/rules/sl002_manual_query_parsing.rs` for `SL002`.
pub fn rule_source_path(code: &str, name: &str) -> String {
    format!(
        "src/rules/{}_{}.rs",
        code.to_ascii_lowercase(),
        name.replace('-', "_")
    )
}

/// The engine's own findings: code, summary, documentation.
const ENGINE: &[(&str, &str, &str)] = &[
    (
        PARSE_ERROR.code,
        "a file that is not valid UTF-8 or does not parse as Rust",
        "The file could not be parsed, so none of its code was checked. The \
         location is where parsing stopped. Rust source must be UTF-8.",
    ),
    (
        IO_ERROR.code,
        "a file that could not be read, or is over the 16 MiB limit",
        "The file was not checked: it could not be read, or it is larger than \
         16 MiB. The run exits with code 2.",
    ),
    (
        INTERNAL_ERROR.code,
        "scope-lint failed while checking a file",
        "scope-lint panicked while linting this file, which is a bug; the \
         other files were still checked. The run exits with code 2. Please \
         report it with the file, or a reduced version of it.",
    ),
];

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report))?;
    writeln!(out)
}

/// The whole SARIF log for a run.
pub fn log(report: &Report<'_>) -> Sarif {
    let mut rules: Vec<ReportingDescriptor> = ALL.iter().map(|r| rule(r.meta())).collect();
    for (code, summary, docs) in ENGINE {
        rules.push(engine_rule(code, summary, docs));
    }
    // A code no descriptor names (none today) still gets one, so every
    // result's ruleIndex points at its rule.
    for d in report.results.iter().flat_map(|r| &r.diagnostics) {
        if !rules.iter().any(|r| r.id == d.code.code) {
            rules.push(
                ReportingDescriptor::builder()
                    .id(d.code.code)
                    .name(d.code.name)
                    .build(),
            );
        }
    }

    let results: Vec<SarifResult> = report
        .results
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(move |d| (r, d)))
        .map(|(r, d)| {
            let index = rules.iter().position(|rule| rule.id == d.code.code);
            result(r, d, index.unwrap_or_default())
        })
        .collect();

    let driver = ToolComponent::builder()
        .name("scope-lint")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .column_kind(json!("unicodeCodePoints"))
        .invocations(vec![Invocation::builder()
            .execution_successful(report.counts().incomplete == 0)
            .build()])
        .results(results)
        .build();
    Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

fn rule(meta: &RuleMeta) -> ReportingDescriptor {
    let docs = meta.docs();
    let what = what_it_does(&docs).unwrap_or_else(|| meta.summary.to_string());
    ReportingDescriptor::builder()
        .id(meta.code)
        .name(meta.name)
        .short_description(text(meta.summary))
        .full_description(text(&what))
        .help(
            MultiformatMessageString::builder()
                .text(docs.clone())
                .markdown(docs)
                .build(),
        )
        .help_uri(help_uri(meta))
        .default_configuration(configuration(meta.level))
        .build()
}

fn engine_rule(code: &str, summary: &str, docs: &str) -> ReportingDescriptor {
    ReportingDescriptor::builder()
        .id(code)
        .name(code)
        .short_description(text(summary))
        .full_description(text(docs))
        .help(text(docs))
        .help_uri(format!("{INFORMATION_URI}#exit-codes"))
        .default_configuration(configuration(Level::Error))
        .build()
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

fn configuration(level: Level) -> ReportingConfiguration {
    ReportingConfiguration::builder()
        .level(json!(level.as_str()))
        .build()
}

/// The body of the docs' `## What it does` section, as one paragraph.
fn what_it_does(docs: &str) -> Option<String> {
    let mut lines = docs.lines().skip_while(|l| l.trim() != "## What it does");
    lines.next()?;
    let body: Vec<&str> = lines
        .take_while(|l| !l.starts_with('#'))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    (!body.is_empty()).then(|| body.join(" "))
}

fn result(file: &FileResult, d: &Diagnostic, rule_index: usize) -> SarifResult {
    let src = file.source.as_deref();
    let artifact = artifact_location(&file.path);
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push('\n');
        message.push_str(help);
    }
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(artifact.clone())
                .region(region(src, &d.range))
                .build(),
        )
        .build();
    let level = match d.level {
        Level::Error => ResultLevel::Error,
        Level::Warning => ResultLevel::Warning,
        Level::Note => ResultLevel::Note,
    };
    let fixes: Vec<Fix> = match (&d.fix, src) {
        (Some(fix), Some(src)) if !fix.edits.is_empty() => {
            let replacements: Vec<Replacement> = fix
                .edits
                .iter()
                .map(|e| {
                    Replacement::builder()
                        .deleted_region(region(Some(src), &e.range))
                        .inserted_content(
                            ArtifactContent::builder()
                                .text(e.replacement.clone())
                                .build(),
                        )
                        .build()
                })
                .collect();
            let description = match fix.applicability {
                Applicability::Safe => "safe fix",
                Applicability::Unsafe => "unsafe fix",
            };
            vec![Fix::builder()
                .description(Message::builder().text(description).build())
                .artifact_changes(vec![ArtifactChange::builder()
                    .artifact_location(artifact)
                    .replacements(replacements)
                    .build()])
                .build()]
        }
        _ => Vec::new(),
    };
    let result = SarifResult::builder()
        .rule_id(d.code.code)
        .rule_index(rule_index as i64)
        .level(level)
        .message(Message::builder().text(message).build())
        .locations(vec![location]);
    if fixes.is_empty() {
        result.build()
    } else {
        result.fixes(fixes).build()
    }
}

/// Lines and character columns of a byte range; 1:1 without source.
fn region(src: Option<&SourceFile>, range: &Range<usize>) -> Region {
    let (start, end) = match src {
        Some(src) => (src.line_col(range.start), src.line_col(range.end)),
        None => Default::default(),
    };
    Region::builder()
        .start_line(start.line.max(1) as i64)
        .start_column(start.column.max(1) as i64)
        .end_line(end.line.max(1) as i64)
        .end_column(end.column.max(1) as i64)
        .build()
}

fn artifact_location(path: &Path) -> ArtifactLocation {
    ArtifactLocation::builder().uri(path_uri(path)).build()
}

/// A path as a URI reference: relative paths stay relative (a leading `./`
/// dropped), absolute ones become `file://` URIs; separators are `/` and
/// every byte a URI cannot hold literally is percent-encoded.
pub fn path_uri(path: &Path) -> String {
    let raw = path_bytes(path);
    let absolute = path.is_absolute() || raw.starts_with(b"/");
    let mut rest: &[u8] = &raw;
    if !absolute {
        while let Some(r) = rest.strip_prefix(b"./") {
            rest = r;
        }
    }
    let mut out = String::with_capacity(rest.len() + 8);
    if absolute {
        out.push_str("file://");
        if !rest.starts_with(b"/") {
            // `C:/dir` → `file:///C:/dir`
            out.push('/');
        }
    }
    for &b in rest {
        let keep = b.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=@/".contains(&b)
            // In a relative reference a `:` in the first segment would read
            // as a scheme, so only absolute paths keep it (`C:`).
            || (b == b':' && absolute);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().replace('\\', "/").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            path_uri(Path::new("fixtures/demo/src/main.rs")),
            "fixtures/demo/src/main.rs"
        );
        assert_eq!(path_uri(Path::new("./src/a b.rs")), "src/a%20b.rs");
        assert_eq!(
            path_uri(Path::new("a:b/100%#?.rs")),
            "a%3Ab/100%25%23%3F.rs"
        );
        assert_eq!(path_uri(Path::new("src/é.rs")), "src/%C3%A9.rs");
        #[cfg(unix)]
        assert_eq!(path_uri(Path::new("/tmp/x.rs")), "file:///tmp/x.rs");
    }

    #[test]
    fn what_it_does_is_the_first_section() {
        let docs =
            "## What it does\nFlags a thing\nsplit over lines.\n\n## Why is this bad?\nBecause.\n";
        assert_eq!(
            what_it_does(docs).as_deref(),
            Some("Flags a thing split over lines.")
        );
        assert_eq!(what_it_does("no sections"), None);
    }
}
