//! Attributes no part of the analysis reads (`#[derive(..)]`,
//! `#[serde(..)]`, `#[allow(..)]`): syn builds a syntax tree for each, so
//! [`super::mask`] blanks them before the parse. Which attributes are read
//! is known here, in one list, next to the code that finds the others.

use ra_ap_rustc_lexer::TokenKind as K;
use std::ops::Range;

/// The words that make an attribute one the analysis reads: test markers
/// (`#[test]`, `#[tokio::test]`: `engine::is_test_fn`), `#[cfg(..)]`,
/// `#[macro_use]`, `#[path]`, and rocket's route attributes
/// (`#[get("/<id>")]`: [`crate::scope::route_attrs::METHODS`], also
/// counted). An attribute naming one anywhere (`#[cfg_attr(test, ..)]`)
/// is kept. Add a word here when the analysis starts reading another
/// attribute.
const READ_ATTRIBUTES: &[&str] = &[
    "test",
    "bench",
    "cfg",
    "macro_use",
    "macro_export",
    "path",
    "route",
    "catch",
];

/// Whether an attribute naming `word` is one the analysis reads.
fn is_read(word: &str) -> bool {
    READ_ATTRIBUTES.contains(&word)
        || crate::scope::route_attrs::METHODS
            .iter()
            .any(|(method, _)| *method == word)
}

/// The byte ranges of the attributes (`#[..]`, `#![..]`) that name none
/// of [`READ_ATTRIBUTES`], in text order. Those in a macro's arguments
/// or in a `macro_rules!` body are the macro's tokens, not attributes:
/// they are left alone.
pub(super) fn unread_attributes(text: &str, tokens: &[(K, usize, usize)]) -> Vec<Range<usize>> {
    let word = |j: usize| &text[tokens[j].1..tokens[j].2];
    let kind = |j: usize| tokens.get(j).map(|t| t.0);
    let mut out = Vec::new();
    // Per open delimiter: whether it belongs to a macro.
    let mut groups: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].0 {
            K::OpenParen | K::OpenBracket | K::OpenBrace => {
                let call = i >= 2
                    && matches!(kind(i - 1), Some(K::Bang))
                    && matches!(kind(i - 2), Some(K::Ident));
                let rules = i >= 3
                    && matches!(kind(i - 1), Some(K::Ident))
                    && matches!(kind(i - 2), Some(K::Bang))
                    && word(i - 3) == "macro_rules";
                groups.push(call || rules || groups.last() == Some(&true));
            }
            K::CloseParen | K::CloseBracket | K::CloseBrace => {
                groups.pop();
            }
            K::Pound if groups.last() != Some(&true) => {
                let open = i + 1 + usize::from(matches!(kind(i + 1), Some(K::Bang)));
                if matches!(kind(open), Some(K::OpenBracket)) {
                    let close = crate::index::summary::matching(tokens, open);
                    if close < tokens.len() {
                        let read = (open + 1..close)
                            .any(|j| matches!(tokens[j].0, K::Ident) && is_read(word(j)));
                        if !read {
                            out.push(tokens[i].1..tokens[close].2);
                        }
                        i = close + 1;
                        continue;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}
