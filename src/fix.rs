//! Applying fixes. Edits of one pass never overlap: when two fixes touch
//! the same bytes the first (by position) is applied and the other waits for
//! the next pass, which re-lints the new text, until nothing changes (at
//! most [`MAX_PASSES`]). A result that no longer parses is never written:
//! the file keeps its text and the fix that broke it is named. Writing the
//! result back is [`crate::rewrite`]'s job.

use crate::diagnostic::{Applicability, Code, Diagnostic};
use std::path::Path;

pub const MAX_PASSES: usize = 10;

/// Whether a fix may be applied under the chosen options.
pub fn allowed(d: &Diagnostic, unsafe_fixes: bool) -> bool {
    d.fix.as_ref().is_some_and(|f| {
        !f.edits.is_empty() && (f.applicability == Applicability::Safe || unsafe_fixes)
    })
}

/// Apply every allowed fix that does not overlap an earlier one. Returns
/// the new text and the codes of the fixes applied.
pub fn apply_once(
    text: &str,
    diagnostics: &[Diagnostic],
    unsafe_fixes: bool,
) -> (String, Vec<Code>) {
    let (out, applied) = apply_chosen(text, diagnostics, unsafe_fixes);
    (out, applied.iter().map(|d| d.code).collect())
}

/// [`apply_once`], returning the findings whose fixes were applied.
fn apply_chosen<'d>(
    text: &str,
    diagnostics: &'d [Diagnostic],
    unsafe_fixes: bool,
) -> (String, Vec<&'d Diagnostic>) {
    let mut fixes: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| allowed(d, unsafe_fixes))
        .collect();
    fixes.sort_by_key(|d| {
        d.fix
            .as_ref()
            .map(|f| f.edits.iter().map(|e| e.range.start).min())
    });
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    let mut edits = Vec::new();
    let mut applied = Vec::new();
    for d in fixes {
        let fix = d.fix.as_ref().expect("filtered");
        let overlaps = fix.edits.iter().any(|e| {
            taken.iter().any(|t| {
                e.range.start < t.end && t.start < e.range.end
                    || e.range.start == t.start && (e.range.is_empty() || t.is_empty())
            })
        });
        let in_bounds = fix.edits.iter().all(|e| {
            e.range.end <= text.len()
                && text.is_char_boundary(e.range.start)
                && text.is_char_boundary(e.range.end)
        });
        if overlaps || !in_bounds {
            continue;
        }
        taken.extend(fix.edits.iter().map(|e| e.range.clone()));
        edits.extend(fix.edits.iter());
        applied.push(d);
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.replacement);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// What fixing one file's text came to.
#[derive(Debug)]
pub struct Fixed {
    pub text: String,
    /// Number of fixes applied over all passes.
    pub applied: usize,
    /// A fix whose result does not parse: its code and the parse error.
    /// The text is then the last text that parsed.
    pub broke: Option<(Code, String)>,
    /// Each fix applied, in order (`--show-fixes`).
    pub fixes: Vec<Applied>,
}

/// One fix applied: where (the line in the text it was applied to), which
/// rule, and the text it replaced and wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub code: Code,
    pub line: usize,
    pub before: String,
    pub after: String,
}

impl Applied {
    fn new(text: &str, d: &Diagnostic) -> Applied {
        let mut edits: Vec<_> = d
            .fix
            .as_ref()
            .expect("an applied fix")
            .edits
            .iter()
            .collect();
        edits.sort_by_key(|e| e.range.start);
        let start = edits.iter().map(|e| e.range.start).min().unwrap_or(0);
        let end = edits.iter().map(|e| e.range.end).max().unwrap_or(start);
        let mut after = String::new();
        let mut at = start;
        for e in edits {
            after.push_str(&text[at.min(e.range.start)..e.range.start]);
            after.push_str(&e.replacement);
            at = e.range.end;
        }
        Applied {
            code: d.code,
            line: text[..start].matches('\n').count() + 1,
            before: text[start..end].to_string(),
            after,
        }
    }
}

/// Fix `text` by linting it with `lint` and applying fixes until stable.
pub fn fix_text(
    text: &str,
    unsafe_fixes: bool,
    mut lint: impl FnMut(&str) -> Vec<Diagnostic>,
) -> Fixed {
    let mut current = text.to_string();
    let mut applied = 0;
    let mut fixes = Vec::new();
    for _ in 0..MAX_PASSES {
        let diagnostics = lint(&current);
        let (next, chosen) = apply_chosen(&current, &diagnostics, unsafe_fixes);
        let codes: Vec<Code> = chosen.iter().map(|d| d.code).collect();
        if codes.is_empty() || next == current {
            break;
        }
        if let Err(e) = crate::complexity::parse_file(&next) {
            let culprit = culprit(&current, &diagnostics, unsafe_fixes).unwrap_or(codes[0]);
            proc_macro2::extra::invalidate_current_thread_spans();
            return Fixed {
                text: current,
                applied,
                broke: Some((culprit, e.to_string())),
                fixes,
            };
        }
        proc_macro2::extra::invalidate_current_thread_spans();
        applied += codes.len();
        fixes.extend(chosen.iter().map(|d| Applied::new(&current, d)));
        current = next;
    }
    Fixed {
        text: current,
        applied,
        broke: None,
        fixes,
    }
}

/// The first fix that breaks parsing on its own.
fn culprit(text: &str, diagnostics: &[Diagnostic], unsafe_fixes: bool) -> Option<Code> {
    diagnostics
        .iter()
        .filter(|d| allowed(d, unsafe_fixes))
        .find(|d| {
            let (alone, _) = apply_once(text, std::slice::from_ref(*d), unsafe_fixes);
            crate::complexity::parse_file(&alone).is_err()
        })
        .map(|d| d.code)
}

pub use crate::rewrite::write_atomic;

/// A unified diff of a file's fix, for `--diff`.
pub fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Fix, Level};

    fn diag(range: std::ops::Range<usize>, text: &str, safe: bool) -> Diagnostic {
        let app = if safe {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        Diagnostic::new(
            crate::rules::UNUSED_SUPPRESSION.code(),
            Level::Note,
            range.clone(),
            "x",
        )
        .with_fix(Fix::replace(app, range, text.to_string()))
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_pass() {
        let text = "abcdef";
        let ds = [
            diag(1..3, "X", true),
            diag(2..4, "Y", true),
            diag(4..5, "Z", true),
        ];
        let (out, applied) = apply_once(text, &ds, false);
        assert_eq!(out, "aXdZf");
        assert_eq!(applied.len(), 2);
    }

    #[test]
    fn unsafe_fixes_need_the_flag() {
        let ds = [diag(0..1, "X", false)];
        assert_eq!(apply_once("abc", &ds, false).0, "abc");
        assert_eq!(apply_once("abc", &ds, true).0, "Xbc");
    }

    #[test]
    fn a_fix_that_breaks_parsing_is_named_and_not_applied() {
        let text = "fn main() {}\n";
        let fixed = fix_text(text, true, |t| {
            if t == text {
                vec![diag(0..2, "fn fn", true)]
            } else {
                Vec::new()
            }
        });
        assert_eq!(fixed.text, text);
        assert_eq!(fixed.broke.as_ref().map(|b| b.0.code), Some("SL100"));
    }

    #[test]
    fn each_applied_fix_is_recorded_with_its_line_and_text() {
        let text = "fn a() {}\nfn b() { let x = 1; }\n";
        let at = text.find("1;").unwrap();
        let fixed = fix_text(text, false, |t| {
            if t == text {
                vec![diag(at..at + 1, "2", true)]
            } else {
                Vec::new()
            }
        });
        assert_eq!(fixed.applied, 1);
        assert_eq!(
            fixed.fixes,
            [Applied {
                code: crate::rules::UNUSED_SUPPRESSION.code(),
                line: 2,
                before: "1".into(),
                after: "2".into(),
            }]
        );
    }
}
