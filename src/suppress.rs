//! Suppression comments:
//!
//! - `// scope-lint: allow(SL002)` at the end of a line silences that line;
//!   on a line of its own it silences the next line;
//! - `// scope-lint: allow-file(SL006)` anywhere silences the whole file;
//! - codes or names, comma separated, and an optional reason after `--`:
//!   `// scope-lint: allow(manual-query-parsing) -- legacy client`.
//!
//! A suppression that silences nothing is itself reported (SL100
//! unused-suppression), with a safe fix that removes it, so stale
//! suppressions do not pile up and hide the next real finding.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::rules;
use crate::source::SourceFile;

const MARKER: &str = "scope-lint:";

/// One `allow(...)` comment.
#[derive(Debug)]
struct Directive {
    /// 1-based line it silences; `None` for `allow-file`.
    target: Option<usize>,
    /// Codes it names (`SL002`), with whether each silenced something.
    codes: Vec<(&'static str, bool)>,
    /// Byte range of the comment (from `//` to the end of the line).
    comment: std::ops::Range<usize>,
    /// The comment is alone on its line.
    own_line: bool,
    /// Names it gives that are not rules.
    unknown: Vec<String>,
}

/// Byte offsets of the `//` of every line comment, skipping string, char
/// and raw string literals and block comments, so a directive quoted in a
/// string or mentioned mid-comment is not one.
fn line_comments(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                out.push(i);
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 1;
                i += 2;
                while i < b.len() && depth > 0 {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 1;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let mut hashes = 0;
                let mut j = i + 1;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                j += 1;
                let closing: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                while j < b.len() && !b[j..].starts_with(&closing) {
                    j += 1;
                }
                i = j + closing.len();
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'\'' => {
                // A char literal ('a', '\n', '\u{..}'), not a lifetime.
                if b.get(i + 1) == Some(&b'\\') {
                    i += 2;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                } else {
                    let len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    if b.get(i + 1 + len) == Some(&b'\'') {
                        i += len + 2;
                    } else {
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn parse(source: &SourceFile) -> Vec<Directive> {
    let text = &*source.text;
    let mut out = Vec::new();
    for slash_at in line_comments(text) {
        // Line 1 starts after a byte order mark.
        let first_line = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let line_start = text[..slash_at].rfind('\n').map_or(first_line, |i| i + 1);
        let line_end = text[slash_at..]
            .find('\n')
            .map_or(text.len(), |i| slash_at + i);
        let line = &text[line_start..line_end];
        let slash = slash_at - line_start;
        let Some(marker) = line[slash..].find(MARKER).map(|m| m + slash) else {
            continue;
        };
        if !line[slash + 2..marker]
            .trim()
            .trim_start_matches(['/', '!'])
            .trim()
            .is_empty()
        {
            continue;
        }
        let i = source.line_col(line_start).line - 1;
        let rest = line[marker + MARKER.len()..].trim_start();
        let (file_wide, rest) = if let Some(r) = rest.strip_prefix("allow-file(") {
            (true, r)
        } else if let Some(r) = rest.strip_prefix("allow(") {
            (false, r)
        } else {
            continue;
        };
        let Some(close) = rest.find(')') else {
            continue;
        };
        let mut codes = Vec::new();
        let mut unknown = Vec::new();
        for name in rest[..close]
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match rules::find(name) {
                Some(r) => codes.push((r.meta().code, false)),
                None => unknown.push(name.to_string()),
            }
        }
        let own_line = line[..slash].trim().is_empty();
        let line_no = i + 1;
        let end = line_start + line.trim_end_matches(['\n', '\r']).len();
        out.push(Directive {
            target: (!file_wide).then_some(if own_line { line_no + 1 } else { line_no }),
            codes,
            comment: line_start + slash..end,
            own_line,
            unknown,
        });
    }
    out
}

use crate::rules::UNUSED_SUPPRESSION as UNUSED;

/// Drop the findings that comments silence and report the comments that
/// silence nothing (when `report_unused`, SL100 being enabled, at `level`).
pub fn apply(
    source: &SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
    unused_level: Option<crate::diagnostic::Level>,
    enabled: &dyn Fn(&str) -> bool,
) {
    if !source.text.contains(MARKER) {
        return;
    }
    let mut directives = parse(source);
    if directives.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        if !d.code.code.starts_with("SL") {
            return true;
        }
        let line = source.line_col(d.range.start).line;
        let mut silenced = false;
        for dir in directives.iter_mut() {
            if dir.target.is_some_and(|t| t != line) {
                continue;
            }
            for (code, used) in dir.codes.iter_mut() {
                if *code == d.code.code {
                    *used = true;
                    silenced = true;
                }
            }
        }
        !silenced
    });
    let Some(level) = unused_level else { return };
    for dir in &directives {
        // A suppression of a rule this run does not check (an opt-in rule,
        // an ignored one) cannot be judged: it is not reported.
        let unused: Vec<&str> = dir
            .codes
            .iter()
            .filter(|c| !c.1 && enabled(c.0))
            .map(|c| c.0)
            .collect();
        if unused.is_empty() && dir.unknown.is_empty() {
            continue;
        }
        let all_unused = unused.len() == dir.codes.len();
        let mut names: Vec<String> = unused.iter().map(|c| format!("`{c}`")).collect();
        names.extend(dir.unknown.iter().map(|u| format!("`{u}` (not a rule)")));
        let message = format!("suppression of {} silences nothing", names.join(", "));
        let mut d = Diagnostic::new(UNUSED.code(), level, dir.comment.clone(), message)
            .with_label("nothing here is reported for it")
            .with_help("remove it: a stale suppression hides the next real finding");
        if all_unused {
            // Remove the comment, and its line when it stands alone.
            let range = if dir.own_line {
                let start = source.text[..dir.comment.start]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                let end = source.text[dir.comment.end..]
                    .find('\n')
                    .map_or(source.text.len(), |i| dir.comment.end + i + 1);
                start..end
            } else {
                let start = source.text[..dir.comment.start]
                    .trim_end_matches([' ', '\t'])
                    .len();
                start..dir.comment.end
            };
            d = d.with_fix(Fix::replace(Applicability::Safe, range, String::new()));
        } else {
            let keep: Vec<&str> = dir.codes.iter().filter(|c| c.1).map(|c| c.0).collect();
            let text = &source.text[dir.comment.clone()];
            let kind = if dir.target.is_some() {
                "allow"
            } else {
                "allow-file"
            };
            let reason = text
                .find("--")
                .map(|i| format!(" {}", &text[i..]))
                .unwrap_or_default();
            d = d.with_fix(Fix::replace(
                Applicability::Safe,
                dir.comment.clone(),
                format!("// scope-lint: {kind}({}){reason}", keep.join(", ")),
            ));
        }
        diagnostics.push(d);
    }
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
}
