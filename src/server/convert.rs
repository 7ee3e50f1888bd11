//! Findings as the editor sees them: LSP diagnostics (with the rule's
//! documentation link and the secondary labels as related information),
//! code actions (each fix, the two suppression comments of
//! `src/suppress.rs`, and "fix all" as one edit), and hover text (the
//! rule's `explain` page).

use super::position::{Encoding, LineIndex};
use crate::diagnostic::{Applicability, Diagnostic, Level};
use crate::rules;
use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity,
    DiagnosticTag, Location, NumberOrString, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::HashMap;
use std::str::FromStr;

/// A document's text with its line index and the agreed encoding.
pub struct Text<'a> {
    pub uri: &'a Uri,
    pub text: &'a str,
    pub lines: &'a LineIndex,
    pub encoding: Encoding,
}

impl Text<'_> {
    pub fn range(&self, r: std::ops::Range<usize>) -> lsp_types::Range {
        self.lines.range(self.text, r, self.encoding)
    }

    fn edit(&self, r: std::ops::Range<usize>, new_text: String) -> TextEdit {
        TextEdit {
            range: self.range(r),
            new_text,
        }
    }

    fn workspace_edit(&self, edits: Vec<TextEdit>) -> WorkspaceEdit {
        WorkspaceEdit {
            changes: Some(HashMap::from([(self.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    }
}

/// The link to a rule's documentation (`None` for engine findings such
/// as `parse-error`).
pub fn docs_link(code: &str) -> Option<Uri> {
    let rule = rules::find(code)?;
    Uri::from_str(&crate::report::sarif::help_uri(rule.meta())).ok()
}

pub fn diagnostic(t: &Text<'_>, d: &Diagnostic) -> lsp_types::Diagnostic {
    let severity = match d.level {
        Level::Error => DiagnosticSeverity::ERROR,
        Level::Warning => DiagnosticSeverity::WARNING,
        Level::Note if d.code == rules::UNUSED_SUPPRESSION.code() => DiagnosticSeverity::HINT,
        Level::Note => DiagnosticSeverity::INFORMATION,
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location {
                uri: t.uri.clone(),
                range: t.range(l.range.clone()),
            },
            message: l.text.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range: t.range(d.range.clone()),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.code.code.to_string())),
        code_description: docs_link(d.code.code).map(|href| CodeDescription { href }),
        source: Some(format!("scope-lint({})", d.code.name)),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: (d.code == rules::UNUSED_SUPPRESSION.code())
            .then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// The kind of the "fix all" source action: `source.fixAll` and the
/// tool's name, as ruff's `source.fixAll.ruff`, so that an editor's
/// "fix all on save" (`source.fixAll`) runs it with the other tools'.
pub const FIX_ALL_KIND: &str = "source.fixAll.scope-lint";

/// Does a client's `only` filter (`None`: every kind) let `kind` through?
/// A filter entry is a prefix of the kinds it selects (`source` selects
/// `source.fixAll.scope-lint`), by whole dot-separated parts.
pub fn kind_requested(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|k| {
            let k = k.as_str();
            kind == k
                || kind
                    .strip_prefix(k)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

/// The "fix all" action: the document's text after every safe fix (what
/// `scope-lint --fix` writes), as one edit of the part that changed.
pub fn fix_all(t: &Text<'_>, fixed: &str, applied: usize) -> CodeAction {
    let old = t.text;
    let mut prefix = old
        .bytes()
        .zip(fixed.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !fixed.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(fixed.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(fixed.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !fixed.is_char_boundary(fixed.len() - suffix)
    {
        suffix -= 1;
    }
    let edit = t.edit(
        prefix..old.len() - suffix,
        fixed[prefix..fixed.len() - suffix].to_string(),
    );
    CodeAction {
        title: format!(
            "Fix all scope-lint findings with a safe fix ({applied} fix{})",
            if applied == 1 { "" } else { "es" }
        ),
        kind: Some(CodeActionKind::from(FIX_ALL_KIND)),
        edit: Some(t.workspace_edit(vec![edit])),
        ..CodeAction::default()
    }
}

/// Do two byte ranges touch (an empty request range at a diagnostic's
/// edge counts)?
pub fn touches(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The code actions for the findings of a document that touch `range`.
pub fn code_actions(
    t: &Text<'_>,
    diagnostics: &[Diagnostic],
    range: std::ops::Range<usize>,
) -> Vec<CodeAction> {
    let mut fixes = Vec::new();
    let mut suppressions = Vec::new();
    for d in diagnostics.iter().filter(|d| touches(&d.range, &range)) {
        let lsp_diag = diagnostic(t, d);
        if let Some(fix) = d.fix.as_ref().filter(|f| !f.edits.is_empty()) {
            let safe = fix.applicability == Applicability::Safe;
            let what = d.help.as_deref().unwrap_or(&d.message);
            let title = format!(
                "Fix {}: {}{}",
                d.code.code,
                what,
                if safe { "" } else { " (unsafe)" }
            );
            let edits = fix
                .edits
                .iter()
                .map(|e| t.edit(e.range.clone(), e.replacement.clone()))
                .collect();
            fixes.push(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp_diag.clone()]),
                edit: Some(t.workspace_edit(edits)),
                is_preferred: Some(safe),
                ..CodeAction::default()
            });
        }
        // Rules can be suppressed; engine findings and SL100 itself not.
        if rules::find(d.code.code).is_none() || d.code == rules::UNUSED_SUPPRESSION.code() {
            continue;
        }
        let code = d.code.code;
        let (r, text) = suppress_on_line(t.text, d.range.start, code);
        suppressions.push(CodeAction {
            title: format!("Suppress {code} on this line"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![lsp_diag.clone()]),
            edit: Some(t.workspace_edit(vec![t.edit(r, text)])),
            ..CodeAction::default()
        });
        let (r, text) = suppress_in_file(t.text, code);
        suppressions.push(CodeAction {
            title: format!("Suppress {code} in this file"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![lsp_diag]),
            edit: Some(t.workspace_edit(vec![t.edit(r, text)])),
            ..CodeAction::default()
        });
    }
    // Same finding at the same place: one suppression each.
    let mut seen = std::collections::HashSet::new();
    suppressions.retain(|a| seen.insert(a.title.clone()));
    fixes.extend(suppressions);
    fixes
}

const ALLOW: &str = "// scope-lint: allow(";
const ALLOW_FILE: &str = "// scope-lint: allow-file(";

/// Add `code` to the directive that starts at `at` (`// scope-lint: allow(`
/// or `allow-file(`): the insertion before its `)`.
fn extend_directive(text: &str, at: usize, code: &str) -> Option<(std::ops::Range<usize>, String)> {
    let open = at + text[at..].find('(')?;
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let close = open + text[open..line_end].find(')')?;
    let inner = text[open + 1..close].trim();
    let insert = if inner.is_empty() {
        code.to_string()
    } else {
        format!(", {code}")
    };
    Some((close..close, insert))
}

/// The edit that silences `code` on the line holding `offset`: added to an
/// `allow(..)` already on that line or alone on the line above, else a
/// comment at the end of the line, or on its own line above when the line
/// already has a comment (a directive must start its comment).
pub fn suppress_on_line(text: &str, offset: usize, code: &str) -> (std::ops::Range<usize>, String) {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[start..end].trim_end_matches('\r');
    if let Some(at) = line.find(ALLOW) {
        if let Some(edit) = extend_directive(text, start + at, code) {
            return edit;
        }
    }
    if start > 0 {
        let prev_start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        let prev = &text[prev_start..start - 1];
        let trimmed = prev.trim_start();
        if trimmed.starts_with(ALLOW) {
            let at = prev_start + (prev.len() - trimmed.len());
            if let Some(edit) = extend_directive(text, at, code) {
                return edit;
            }
        }
    }
    if line.contains("//") || line.contains("/*") {
        let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
        return (
            start..start,
            format!("{indent}// scope-lint: allow({code})\n"),
        );
    }
    let eol = start + line.len();
    (eol..eol, format!(" // scope-lint: allow({code})"))
}

/// The edit that silences `code` in the whole file: added to an
/// `allow-file(..)` line if there is one, else a new one at the top.
pub fn suppress_in_file(text: &str, code: &str) -> (std::ops::Range<usize>, String) {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with(ALLOW_FILE) {
            let start = at + (line.len() - trimmed.len());
            if let Some(edit) = extend_directive(text, start, code) {
                return edit;
            }
        }
        at += line.len();
    }
    (0..0, format!("// scope-lint: allow-file({code})\n"))
}

/// Hover text for the findings at `offset`: each one's message and its
/// rule's documentation (what `scope-lint explain` prints), as Markdown.
pub fn hover(diagnostics: &[Diagnostic], offset: usize) -> Option<String> {
    let mut out = String::new();
    let mut shown = std::collections::HashSet::new();
    for d in diagnostics
        .iter()
        .filter(|d| touches(&d.range, &(offset..offset)))
    {
        if !out.is_empty() {
            out.push_str("\n\n---\n\n");
        }
        out.push_str(&format!(
            "**{} ({})**: {}\n",
            d.code.code, d.code.name, d.message
        ));
        if let Some(help) = &d.help {
            out.push_str(&format!("\nhelp: {help}\n"));
        }
        if let Some(rule) = rules::find(d.code.code).filter(|_| shown.insert(d.code.code)) {
            out.push('\n');
            out.push_str(&rule.meta().docs());
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, (r, s): (std::ops::Range<usize>, String)) -> String {
        let mut t = text.to_string();
        t.replace_range(r, &s);
        t
    }

    #[test]
    fn line_suppressions_go_where_the_directive_is_valid() {
        let text = "fn f() {\n    let n = q.split('&');\n}\n";
        let at = text.find("q.split").unwrap();
        assert_eq!(
            apply(text, suppress_on_line(text, at, "SL002")),
            "fn f() {\n    let n = q.split('&'); // scope-lint: allow(SL002)\n}\n"
        );
        // The line has a comment (or a URL): a line of its own above.
        let text = "fn f() {\n    let u = p(\"http://x\");\n}\n";
        let at = text.find("p(").unwrap();
        assert_eq!(
            apply(text, suppress_on_line(text, at, "SL004")),
            "fn f() {\n    // scope-lint: allow(SL004)\n    let u = p(\"http://x\");\n}\n"
        );
        // An existing directive, above or at the end of the line, grows.
        let text = "    // scope-lint: allow(SL003)\n    let u = p(\"http://x\");\n";
        let at = text.find("p(").unwrap();
        assert_eq!(
            apply(text, suppress_on_line(text, at, "SL004")),
            "    // scope-lint: allow(SL003, SL004)\n    let u = p(\"http://x\");\n"
        );
        let text = "let n = q.split('&'); // scope-lint: allow(SL003) -- why\n";
        assert_eq!(
            apply(text, suppress_on_line(text, 8, "SL002")),
            "let n = q.split('&'); // scope-lint: allow(SL003, SL002) -- why\n"
        );
    }

    #[test]
    fn kinds_are_selected_by_whole_parts() {
        let only = |k: &[&str]| -> Vec<CodeActionKind> {
            k.iter()
                .map(|k| CodeActionKind::from(k.to_string()))
                .collect()
        };
        for yes in [
            &["source"][..],
            &["source.fixAll"],
            &[FIX_ALL_KIND],
            &["quickfix", "source"],
        ] {
            assert!(kind_requested(Some(&only(yes)), FIX_ALL_KIND), "{yes:?}");
        }
        for no in [
            &["quickfix"][..],
            &["source.fix"],
            &["source.organizeImports"],
            &[],
        ] {
            assert!(!kind_requested(Some(&only(no)), FIX_ALL_KIND), "{no:?}");
        }
        assert!(kind_requested(None, FIX_ALL_KIND));
        assert!(kind_requested(Some(&only(&["quickfix"])), "quickfix"));
    }

    #[test]
    fn fix_all_is_one_edit_of_the_changed_part() {
        let text = "é a.split('&') b ü\n";
        let fixed = "é a.query_pairs() b ü\n";
        let uri = Uri::from_str("file:///x.rs").unwrap();
        let lines = LineIndex::new(text);
        let t = Text {
            uri: &uri,
            text,
            lines: &lines,
            encoding: Encoding::Utf8,
        };
        let action = fix_all(&t, fixed, 1);
        let edits = &action.edit.unwrap().changes.unwrap()[&uri];
        assert_eq!(edits.len(), 1);
        let e = &edits[0];
        let (start, end) = (
            lines.offset(text, e.range.start, Encoding::Utf8),
            lines.offset(text, e.range.end, Encoding::Utf8),
        );
        assert_eq!(apply(text, (start..end, e.new_text.clone())), fixed);
        assert_eq!(e.new_text, "query_pairs(", "only what changed");
        // A change inside a multi-byte character: the whole character.
        let t2 = Text {
            text: "aé",
            lines: &LineIndex::new("aé"),
            ..t
        };
        let action = fix_all(&t2, "aè", 1);
        assert_eq!(action.edit.unwrap().changes.unwrap()[&uri][0].new_text, "è");
    }

    #[test]
    fn file_suppressions_extend_or_start_the_file() {
        let text = "//! doc\nfn f() {}\n";
        assert_eq!(
            apply(text, suppress_in_file(text, "SL006")),
            "// scope-lint: allow-file(SL006)\n//! doc\nfn f() {}\n"
        );
        let text = "use x;\n// scope-lint: allow-file(SL002)\nfn f() {}\n";
        assert_eq!(
            apply(text, suppress_in_file(text, "SL006")),
            "use x;\n// scope-lint: allow-file(SL002, SL006)\nfn f() {}\n"
        );
    }
}
