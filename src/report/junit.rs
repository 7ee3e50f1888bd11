//! JUnit XML output, for CI systems that show test reports (GitLab's
//! `artifacts:reports:junit`, Jenkins, Azure Pipelines): one test suite,
//! `scope-lint`; each finding is a failed test case named after its rule
//! (`classname` is the file, with `file` and `line` attributes), and each
//! file without findings is one passing test case, so the report counts
//! the files checked. Text is escaped for XML 1.0: `& < > " '`, and the
//! control characters XML cannot hold become U+FFFD.
//!
//! ```xml
//! <testsuites name="scope-lint" tests="2" failures="1" errors="0">
//!   <testsuite name="scope-lint" tests="2" failures="1" errors="0">
//!     <testcase classname="src/main.rs" name="SL001 (nonexistent-member)" file="src/main.rs" line="17">
//!       <failure message="`http::Uri` has no method `query_params`" type="error">src/main.rs:17:22: ...</failure>
//!     </testcase>
//!     <testcase classname="src/lib.rs" name="scope-lint" file="src/lib.rs"/>
//!   </testsuite>
//! </testsuites>
//! ```

use super::Report;
use std::io::{self, Write};

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let tests: usize = report
        .results
        .iter()
        .map(|r| r.diagnostics.len().max(1))
        .sum();
    let failures: usize = report.results.iter().map(|r| r.diagnostics.len()).sum();
    let time = report.elapsed.as_secs_f64();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="scope-lint" tests="{tests}" failures="{failures}" errors="0" time="{time:.3}">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="scope-lint" tests="{tests}" failures="{failures}" errors="0" time="{time:.3}">"#
    )?;
    for result in report.results {
        let path = escape(&super::display_path(&result.path));
        if result.diagnostics.is_empty() {
            writeln!(
                out,
                r#"    <testcase classname="{path}" name="scope-lint" file="{path}"/>"#
            )?;
            continue;
        }
        for d in &result.diagnostics {
            let at = result
                .source
                .as_ref()
                .map(|src| src.line_col(d.range.start))
                .unwrap_or_default();
            let (line, column) = (at.line.max(1), at.column.max(1));
            let name = if d.code.code == d.code.name {
                d.code.code.to_string()
            } else {
                format!("{} ({})", d.code.code, d.code.name)
            };
            let mut body = format!("{path}:{line}:{column}: {}", d.message);
            if let Some(help) = &d.help {
                body.push('\n');
                body.push_str(help);
            }
            writeln!(
                out,
                r#"    <testcase classname="{path}" name="{}" file="{path}" line="{line}">"#,
                escape(&name)
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                escape(&d.message),
                d.level,
                escape(&body)
            )?;
            writeln!(out, "    </testcase>")?;
        }
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// Escape text for an XML attribute or element. Characters XML 1.0
/// forbids (C0 controls other than tab, LF and CR) become U+FFFD; line
/// breaks in attributes are kept as character references.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
