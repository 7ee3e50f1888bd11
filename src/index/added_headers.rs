//! Request headers a crate's middleware adds to every request.
//!
//! tower-http's `SetRequestIdLayer::new(name, ..)` (and `x_request_id`,
//! `ServiceBuilderExt::set_request_id`) puts a request id into `name` on
//! every request that lacks one; `SetRequestHeaderLayer::overriding`,
//! `appending` and `if_not_present` do the same for any header. A handler
//! behind such a layer that does `headers.get(name).expect(..)` cannot
//! panic on a client leaving the header out, so `SL008` leaves that lookup
//! alone (the header's *bytes* still come from the client when it sent
//! one: `to_str().unwrap()` stays a finding).
//!
//! The layer is applied in one file (`main.rs`, `lib.rs`) and the header
//! read in others, so the evidence is per crate, like
//! [`super::query_secrets`]: each file's tokens are scanned (no parse),
//! and the index keeps the union over the crate's files. The layer names
//! are written here rather than in a model: a file summary is built
//! before and without the models (and cached by its text alone).

use super::summary::Lexed;
use ra_ap_rustc_lexer::{LiteralKind, TokenKind as K};
use serde::{Deserialize, Serialize};

/// A header a layer adds, as the code names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AddedHeader {
    /// Its name, lower case: from a literal (`"x-request-id"`,
    /// `HeaderName::from_static("x-request-id")`, through a `let`), or an
    /// `http::header` constant (`header::X_REQUEST_ID`).
    Name(String),
    /// A constant of the crate's own (`REQUEST_ID_HEADER`): a lookup
    /// naming the same constant reads the same header.
    Const(String),
}

/// Calls whose argument `arg` is the header they add: `Type::function`
/// (a path's last two segments) or `.method` (on a `ServiceBuilder`).
const ADDS_ARG: &[(&str, &str)] = &[
    ("SetRequestIdLayer", "new"),
    ("SetRequestHeaderLayer", "overriding"),
    ("SetRequestHeaderLayer", "appending"),
    ("SetRequestHeaderLayer", "if_not_present"),
    ("", "set_request_id"),
    ("", "override_request_header"),
    ("", "append_request_header"),
    ("", "insert_request_header_if_not_present"),
];

/// Calls that add `x-request-id`.
const ADDS_X_REQUEST_ID: &[(&str, &str)] = &[
    ("SetRequestIdLayer", "x_request_id"),
    ("", "set_x_request_id"),
];

/// Texts one of which every file with such a call holds.
const NEEDLES: &[&str] = &["SetRequest", "request_id", "request_header"];

/// The headers the layers called in a file add, sorted, each once.
pub fn scan_lexed(lexed: &Lexed<'_>) -> Vec<AddedHeader> {
    let (text, tokens) = (lexed.text, &lexed.tokens);
    let mut out = Vec::new();
    if !NEEDLES
        .iter()
        .any(|n| memchr::memmem::find(text.as_bytes(), n.as_bytes()).is_some())
    {
        return out;
    }
    let word = |i: usize| tokens.get(i).map_or("", |t| &text[t.1..t.2]);
    let kind = |i: usize| tokens.get(i).map(|t| t.0);
    for (i, &(k, a, b)) in tokens.iter().enumerate() {
        if !matches!(k, K::Ident) || !matches!(kind(i + 1), Some(K::OpenParen)) {
            continue;
        }
        let function = &text[a..b];
        // `Type::function(` or `.method(`.
        let owner = if i >= 3 && matches!(kind(i - 1), Some(K::Colon)) {
            word(i - 3)
        } else if i >= 1 && matches!(kind(i - 1), Some(K::Dot)) {
            ""
        } else {
            continue;
        };
        let is = |table: &[(&str, &str)]| table.iter().any(|&(o, f)| o == owner && f == function);
        if is(ADDS_X_REQUEST_ID) {
            out.push(AddedHeader::Name("x-request-id".into()));
        } else if is(ADDS_ARG) {
            if let Some(h) = header_at(text, tokens, i + 2, i) {
                out.push(h);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The header named by the expression at `tokens[at..]` (an argument,
/// ended by `,` or `)`): a literal, `HeaderName::from_static(lit)`, a
/// constant, or a local bound to one of these by a `let` before `call`.
fn header_at(
    text: &str,
    tokens: &[(K, usize, usize)],
    at: usize,
    call: usize,
) -> Option<AddedHeader> {
    let word = |i: usize| tokens.get(i).map_or("", |t| &text[t.1..t.2]);
    let kind = |i: usize| tokens.get(i).map(|t| t.0);
    let mut i = at;
    while matches!(kind(i), Some(K::And)) {
        i += 1;
    }
    // The expression's extent: up to the `,`, `)` or `;` that ends it.
    let mut end = i;
    while let Some(k) = kind(end) {
        match k {
            K::Comma | K::CloseParen | K::Semi => break,
            K::OpenParen | K::OpenBracket | K::OpenBrace => {
                end = super::summary::matching(tokens, end) + 1
            }
            _ => end += 1,
        }
    }
    let expr: Vec<usize> = (i..end).collect();
    // `x.clone()`, `x.to_owned()`: the same header.
    let expr = match expr.as_slice() {
        [head @ .., d, m, o, c]
            if kind(*d) == Some(K::Dot)
                && matches!(word(*m), "clone" | "to_owned" | "into")
                && kind(*o) == Some(K::OpenParen)
                && kind(*c) == Some(K::CloseParen) =>
        {
            head
        }
        e => e,
    };
    match expr {
        [lit] => match kind(*lit)? {
            K::Literal {
                kind: LiteralKind::Str { .. },
                ..
            } => Some(name_of_literal(word(*lit))),
            K::Ident => {
                let w = word(*lit);
                if is_const_name(w) {
                    Some(AddedHeader::Const(w.to_string()))
                } else {
                    bound_before(text, tokens, w, call)
                }
            }
            _ => None,
        },
        // `HeaderName::from_static("x")` (any path to it).
        [.., f, open, lit, close]
            if word(*f) == "from_static"
                && kind(*open) == Some(K::OpenParen)
                && kind(*close) == Some(K::CloseParen) =>
        {
            matches!(
                kind(*lit),
                Some(K::Literal {
                    kind: LiteralKind::Str { .. },
                    ..
                })
            )
            .then(|| name_of_literal(word(*lit)))
        }
        // `header::X_REQUEST_ID`, `crate::consts::REQUEST_ID`.
        [.., before, last] if kind(*before) == Some(K::Colon) && is_const_name(word(*last)) => {
            let segments: Vec<&str> = expr
                .iter()
                .filter(|&&t| kind(t) == Some(K::Ident))
                .map(|&t| word(t))
                .collect();
            let name = word(*last);
            Some(match segments.iter().rev().nth(1) {
                Some(&"header") => AddedHeader::Name(header_const_name(name)),
                _ => AddedHeader::Const(name.to_string()),
            })
        }
        _ => None,
    }
}

/// The header a local is bound to by the nearest `let name = ..;` before
/// `call`.
fn bound_before(
    text: &str,
    tokens: &[(K, usize, usize)],
    name: &str,
    call: usize,
) -> Option<AddedHeader> {
    let word = |i: usize| tokens.get(i).map_or("", |t| &text[t.1..t.2]);
    let kind = |i: usize| tokens.get(i).map(|t| t.0);
    let at = (1..call)
        .rev()
        .find(|&j| word(j) == name && word(j - 1) == "let")?;
    // `let name = ` or `let name: HeaderName = `.
    let mut j = at + 1;
    if kind(j) == Some(K::Colon) {
        while kind(j).is_some_and(|k| !matches!(k, K::Eq | K::Semi)) {
            j += 1;
        }
    }
    if kind(j) != Some(K::Eq) {
        return None;
    }
    header_at(text, tokens, j + 1, at)
}

/// `X_REQUEST_ID`: a constant's name (upper case, digits, `_`).
pub(super) fn is_const_name(w: &str) -> bool {
    w.bytes().any(|b| b.is_ascii_uppercase())
        && w.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// The header an `http::header` constant names: `X_REQUEST_ID` is
/// `x-request-id`.
pub fn header_const_name(konst: &str) -> String {
    konst.to_ascii_lowercase().replace('_', "-")
}

fn name_of_literal(lit: &str) -> AddedHeader {
    let content = lit
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or(lit);
    AddedHeader::Name(content.to_ascii_lowercase())
}

/// Whether a lookup's key names a header in `added`: `name` is its text
/// (`x-request-id`, any case) when it is known, `konst` the constant it
/// is written as (`REQUEST_ID`, `header::X_REQUEST_ID`'s last segment).
pub fn is_added(added: &[AddedHeader], name: Option<&str>, konst: Option<&str>) -> bool {
    added.iter().any(|h| match h {
        AddedHeader::Name(n) => name.is_some_and(|m| m.eq_ignore_ascii_case(n)),
        AddedHeader::Const(c) => konst == Some(c.as_str()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Vec<AddedHeader> {
        scan_lexed(&Lexed::of(text))
    }

    fn name(n: &str) -> AddedHeader {
        AddedHeader::Name(n.into())
    }

    #[test]
    fn the_layers_header_is_read_however_it_is_written() {
        let text = r#"
            const TRACE: &str = "x-trace";
            fn app() -> Router {
                let x_request_id = HeaderName::from_static("Lambda-Request-Id");
                let plain = "x-plain";
                Router::new()
                    .layer(SetRequestIdLayer::new(x_request_id.clone(), MakeRequestUuid))
                    .layer(tower_http::request_id::SetRequestIdLayer::new(
                        http::HeaderName::from_static("x-inline"),
                        MakeRequestUuid,
                    ))
                    .layer(SetRequestHeaderLayer::if_not_present(TRACE, make))
                    .layer(SetRequestHeaderLayer::overriding(header::X_FORWARDED_FOR, v))
                    .layer(SetRequestHeaderLayer::appending(&plain, v))
                    .layer(ServiceBuilder::new().set_x_request_id(MakeRequestUuid))
            }
        "#;
        assert_eq!(
            scan(text),
            vec![
                name("lambda-request-id"),
                name("x-forwarded-for"),
                name("x-inline"),
                name("x-plain"),
                name("x-request-id"),
                AddedHeader::Const("TRACE".into()),
            ]
        );
    }

    #[test]
    fn other_calls_comments_and_unknown_values_add_nothing() {
        for text in [
            // A response header, a comment, a header from a function.
            r#"SetResponseHeaderLayer::overriding(header::SERVER, v)"#,
            r#"// SetRequestIdLayer::new(HeaderName::from_static("x-a"), M)"#,
            r#"SetRequestIdLayer::new(header_name(), M)"#,
            r#"SetRequestIdLayer::new(cfg.header.clone(), M)"#,
            // A local never bound in the file.
            r#"SetRequestIdLayer::new(name, M)"#,
            // Propagating copies it to the response: nothing added.
            r#"PropagateRequestIdLayer::new(HeaderName::from_static("x-a"))"#,
            r#"fn request_id(h: &HeaderMap) {}"#,
        ] {
            assert_eq!(scan(text), Vec::new(), "in {text}");
        }
    }

    #[test]
    fn a_lookup_matches_by_name_or_by_constant() {
        let added = [name("x-request-id"), AddedHeader::Const("TRACE".into())];
        assert!(is_added(&added, Some("X-Request-Id"), None));
        assert!(is_added(&added, None, Some("TRACE")));
        assert!(!is_added(&added, Some("x-user"), Some("USER")));
        assert!(!is_added(&added, None, None));
    }
}
