//! Why a file does not lex: an unclosed, unexpected or mismatched
//! delimiter, or an unterminated literal or block comment. syn's lexer only
//! says "cannot parse string into token stream", at a place that is often
//! not the mistake; this scan (rust-analyzer's lexer, so strings, chars,
//! lifetimes and comments are skipped correctly) finds the delimiter that
//! is really unbalanced, as rustc does, and, like rustc, uses indentation
//! to point at the block that is probably missing its closing brace.

use crate::diagnostic::{Diagnostic, Level, PARSE_ERROR};
use ra_ap_rustc_lexer::{strip_shebang, tokenize, FrontmatterAllowed, LiteralKind, TokenKind as K};

/// The cause of a lexing failure in `text`, if it is one this scan knows.
pub fn diagnose(text: &str) -> Option<Diagnostic> {
    let start = strip_shebang(text).unwrap_or(0);
    let mut at = start;
    // Open delimiters: (char, offset).
    let mut stack: Vec<(char, usize)> = Vec::new();
    // Pairs whose closing line is indented differently from the opening
    // line: (open offset, close offset).
    let mut suspicious: Vec<(usize, usize)> = Vec::new();
    for token in tokenize(&text[start..], FrontmatterAllowed::No) {
        let offset = at;
        at += token.len as usize;
        if let Some(what) = unterminated(&token.kind) {
            return Some(
                Diagnostic::new(
                    PARSE_ERROR,
                    Level::Error,
                    offset..offset + first_char_len(text, offset),
                    format!("unterminated {what}"),
                )
                .with_label(format!("unterminated {what} starts here"))
                .with_help(format!(
                    "close the {what}; everything after it was read as part of it"
                )),
            );
        }
        let open = match token.kind {
            K::OpenBrace => Some('{'),
            K::OpenParen => Some('('),
            K::OpenBracket => Some('['),
            _ => None,
        };
        if let Some(c) = open {
            stack.push((c, offset));
            continue;
        }
        let close = match token.kind {
            K::CloseBrace => '}',
            K::CloseParen => ')',
            K::CloseBracket => ']',
            _ => continue,
        };
        let wanted = opener(close);
        match stack.last() {
            Some(&(o, open_at)) if o == wanted => {
                stack.pop();
                if o == '{' && indent(text, open_at) != indent(text, offset) {
                    suspicious.push((open_at, offset));
                }
            }
            Some(&(o, open_at)) => {
                // `(1, 2; }`: the `(` is what was left open when a deeper
                // delimiter matches; otherwise the close is the mistake.
                let d = if stack.iter().any(|&(c, _)| c == wanted) {
                    unclosed(o, open_at, text).with_secondary(
                        offset..offset + 1,
                        format!("`{close}` closes an outer delimiter first"),
                    )
                } else {
                    Diagnostic::new(
                        PARSE_ERROR,
                        Level::Error,
                        offset..offset + 1,
                        format!("mismatched closing delimiter `{close}`"),
                    )
                    .with_label(format!("`{close}` does not close the `{o}`"))
                    .with_secondary(
                        open_at..open_at + 1,
                        format!("the `{o}` opened here is still open"),
                    )
                    .with_help(format!(
                        "close the `{o}` with `{}` first, or remove the `{close}`",
                        closer(o)
                    ))
                };
                return Some(d);
            }
            None => {
                return Some(
                    Diagnostic::new(
                        PARSE_ERROR,
                        Level::Error,
                        offset..offset + 1,
                        format!("unexpected closing delimiter `{close}`"),
                    )
                    .with_label("no open delimiter to close")
                    .with_help(format!(
                        "remove the `{close}`, or add the `{wanted}` it closes"
                    )),
                );
            }
        }
    }
    let &(o, open_at) = stack.last()?;
    let mut d = unclosed(o, open_at, text);
    // rustc's hint: a block inside the unclosed one whose `}` is indented
    // differently from its start probably took the missing brace.
    if let Some(&(inner_open, inner_close)) = suspicious.iter().find(|&&(s, _)| s > open_at) {
        d = d
            .with_secondary(
                inner_open..inner_open + 1,
                "this delimiter might not be properly closed...",
            )
            .with_secondary(
                inner_close..inner_close + 1,
                "...as it matches this but it has different indentation",
            );
    }
    Some(d)
}

fn unclosed(open: char, at: usize, text: &str) -> Diagnostic {
    let line = text[..at].matches('\n').count() + 1;
    Diagnostic::new(
        PARSE_ERROR,
        Level::Error,
        at..at + 1,
        format!("unclosed delimiter `{open}`"),
    )
    .with_label(format!("unclosed delimiter `{open}` opened here"))
    .with_help(format!(
        "add the `{}` that closes the `{open}` of line {line}",
        closer(open)
    ))
}

fn opener(close: char) -> char {
    match close {
        '}' => '{',
        ')' => '(',
        _ => '[',
    }
}

fn closer(open: char) -> char {
    match open {
        '{' => '}',
        '(' => ')',
        _ => ']',
    }
}

/// The leading whitespace of the line holding `offset`.
fn indent(text: &str, offset: usize) -> &str {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

fn first_char_len(text: &str, offset: usize) -> usize {
    text[offset..].chars().next().map_or(0, char::len_utf8)
}

/// What a token leaves unterminated, if anything.
fn unterminated(kind: &K) -> Option<&'static str> {
    match kind {
        K::BlockComment {
            terminated: false, ..
        } => Some("block comment"),
        K::Literal { kind, .. } => match kind {
            LiteralKind::Str { terminated: false }
            | LiteralKind::ByteStr { terminated: false }
            | LiteralKind::CStr { terminated: false } => Some("string literal"),
            LiteralKind::RawStr { n_hashes: None }
            | LiteralKind::RawByteStr { n_hashes: None }
            | LiteralKind::RawCStr { n_hashes: None } => Some("raw string literal"),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> (String, String, String) {
        let d = diagnose(text).expect("a diagnosis");
        let line = text[..d.range.start].matches('\n').count() + 1;
        let col = d.range.start - text[..d.range.start].rfind('\n').map_or(0, |i| i + 1) + 1;
        (format!("{line}:{col}"), d.message, d.label)
    }

    #[test]
    fn an_unclosed_paren_before_a_brace_is_the_cause() {
        let text = "fn main() {\n    let x = (1, 2;\n    if true {\n        x;\n    }\n}\n";
        let (pos, msg, label) = at(text);
        assert_eq!(pos, "2:13");
        assert_eq!(msg, "unclosed delimiter `(`");
        assert_eq!(label, "unclosed delimiter `(` opened here");
    }

    #[test]
    fn a_missing_brace_at_the_end_points_at_its_block_and_the_indentation() {
        let text = "fn a() {\n    if x {\n        y();\n}\nfn b() {}\n";
        let d = diagnose(text).unwrap();
        assert_eq!(d.message, "unclosed delimiter `{`");
        assert_eq!(d.range.start, text.find('{').unwrap());
        let hints: Vec<usize> = d.labels.iter().map(|l| l.range.start).collect();
        assert_eq!(
            hints,
            [text.find("x {").unwrap() + 2, text.find("\n}").unwrap() + 1]
        );
    }

    #[test]
    fn strings_chars_lifetimes_and_comments_are_not_delimiters() {
        let text = "fn f<'a>(s: &'a str) -> char { let _ = \"{(\"; /* ) */ // ]\n '{' }\n";
        assert!(diagnose(text).is_none());
    }

    #[test]
    fn stray_and_mismatched_closers() {
        let (pos, msg, _) = at("fn f() {}\n}\n");
        assert_eq!(
            (pos.as_str(), msg.as_str()),
            ("2:1", "unexpected closing delimiter `}`")
        );
        let (pos, msg, _) = at("fn f() { g(] }\n");
        assert_eq!(
            (pos.as_str(), msg.as_str()),
            ("1:12", "mismatched closing delimiter `]`")
        );
    }

    #[test]
    fn unterminated_strings_and_comments() {
        let (pos, msg, _) = at("fn f() {\n    let s = \"abc;\n}\n");
        assert_eq!(
            (pos.as_str(), msg.as_str()),
            ("2:13", "unterminated string literal")
        );
        let (_, msg, _) = at("/* never closed\nfn f() {}\n");
        assert_eq!(msg, "unterminated block comment");
    }
}
