//! ## What it does
//! Flags `contains`, `starts_with`, `ends_with`, `find`, `rfind`,
//! `matches`, `strip_prefix` and `strip_suffix` on a raw query string or a
//! full URI/URL string with a `key=` literal, such as
//! `uri.to_string().contains("token=")`.
//!
//! Test code is not flagged: a test may look for `qp=` in a query it
//! built itself.
//!
//! ## Why is this bad?
//! A substring test is not a key test. `contains("token=")` is true for
//! `xtoken=1` and for `?next=/a?token=1`, and false for the equally valid
//! `tok%65n=1`. Access checks and feature switches built on it can be
//! bypassed or tripped by the client.
//!
//! ## Example
//! ```rust,ignore
//! async fn h(uri: axum::http::Uri) -> bool {
//!     uri.query().unwrap_or("").contains("debug=1")
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn h(uri: axum::http::Uri) -> bool {
//!     url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
//!         .any(|(k, v)| k == "debug" && v == "1")
//! }
//! ```
//!
//! ## Fix safety
//! There is no automatic fix: what the test should mean (key present, key
//! with a value, first or any occurrence) is the author's call.

use super::{literal_text, Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::models::roles::Role;
use syn::spanned::Spanned;

pub struct QuerySubstringMatch;

static META: RuleMeta = RuleMeta {
    code: "SL003",
    name: "query-substring-match",
    level: Level::Warning,
    summary: "a substring test for `key=` on a raw query or full URI string",
    fixable: false,
    source: include_str!("sl003_query_substring_match.rs"),
    triggers: &[
        "contains",
        "starts_with",
        "ends_with",
        "find",
        "matches",
        "strip_",
    ],
    needs_models: true,
    interests: &[NodeKind::MethodCall],
    group: Group::Suspicious,
    skip_in_tests: true,
};

const MATCHERS: &[&str] = &[
    "contains",
    "starts_with",
    "ends_with",
    "find",
    "rfind",
    "matches",
    "match_indices",
    "strip_prefix",
    "strip_suffix",
];

/// `token=`, `&token=`, `?user_id=`: a query key followed by `=`.
fn key_literal(text: &str) -> Option<&str> {
    let body = text.trim_start_matches(['?', '&']);
    let key = body.split('=').next()?;
    let is_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.[]%".contains(c));
    (is_key && body.len() > key.len()).then_some(key)
}

impl Rule for QuerySubstringMatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Node::MethodCall(call) = node else { return };
        if !MATCHERS.contains(&call.method.to_string().as_str()) {
            return;
        }
        let Some(text) = call.args.first().and_then(literal_text) else {
            return;
        };
        let Some(key) = key_literal(&text) else {
            return;
        };
        let recv = cx.value_of(&call.receiver);
        let whole_uri = recv
            .roles
            .has_any(&[Role::Uri, Role::Url, Role::RequestUri]);
        if !(recv.has(Role::RawQuery) || whole_uri && recv.ty.is_string()) {
            return;
        }
        let what = if recv.has(Role::RawQuery) {
            "raw query"
        } else {
            "full URI string"
        };
        out.push(
            cx.diagnostic(
                &META,
                cx.member_range(call.method.span(), call.span()),
                format!("substring test for `{text}` on a {what}"),
            )
            .with_label(format!("also matches `x{key}=`, misses an encoded `{key}`"))
            .with_help(format!(
                "decode the pairs and compare the key: `{}`",
                cx.spelt(&format!(
                    "url::form_urlencoded::parse(query.as_bytes()).any(|(k, _)| k == \"{key}\")"
                ))
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::key_literal;

    #[test]
    fn key_literals() {
        assert_eq!(key_literal("token="), Some("token"));
        assert_eq!(key_literal("&user_id=42"), Some("user_id"));
        assert_eq!(key_literal("?a[]="), Some("a[]"));
        assert_eq!(key_literal("token"), None);
        assert_eq!(key_literal("=x"), None);
        assert_eq!(key_literal("a b="), None);
    }
}
