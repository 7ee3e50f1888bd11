//! ## What it does
//! Flags `format!` (and `write!`) or string concatenation that interpolates
//! a value into the query part of a URL without percent-encoding it, when
//! the value does harm there: a value the client sent, a credential (by
//! its key, `?token=`, `&sig=`, or its name, `auth_token`, `tok`), or a
//! value under a key that holds URLs or free text (`next`, `redirect_uri`,
//! `q`, `search`, `email`..):
//! `format!("{base}/ws?token={t}&user={u}")`,
//! `base + "?next=" + &next`. Numbers, literals, constants, the crate's
//! enums and values passed through an encoder are fine; test code is not
//! flagged.
//!
//! Other values (ids, names, cursors, sort orders) are the opt-in `SL017`
//! (`unencoded-query-value`): on real applications they were server-issued
//! ids and validated names, never a bug a reviewer accepted.
//!
//! ## Why is this bad?
//! Values are not percent-encoded: a token with `+`, `&`, `=`, `#` or a
//! space is cut short, smuggles a second parameter, or is decoded into
//! something else on the server (`+` becomes a space). A value the client
//! sent, such as a user name `a&admin=true` forwarded to another service,
//! adds a parameter of the client's choosing; a `?next=` URL loses its own
//! query to the outer one.
//!
//! ## Example
//! ```rust,ignore
//! let url = format!("{base}/ws/chat?token={token}&user={user}");
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! let url = url::Url::parse_with_params(
//!     &format!("{base}/ws/chat"),
//!     &[("token", token), ("user", user)],
//! )?;
//! ```
//! or `url.query_pairs_mut().append_pair(..)`, or
//! `reqwest::RequestBuilder::query(&[..])`.
//!
//! ## Fix safety
//! There is no automatic fix: the replacement returns a `Url` (and a
//! `Result`), not a `String`.

use super::{literal_text, string_literal, Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::macros::Resolved;
use crate::models::roles::Role;
use crate::models::MacroKind;
use syn::spanned::Spanned;

pub struct UnencodedQueryBuild;

/// After a key character only (see `query_key_at_end`): `?page={n}`
/// builds a query, `w!("=")` in a generated binding does not.
pub(super) const TRIGGERS: &[&str] = &["\\w={", "\\w=\""];

static META: RuleMeta = RuleMeta {
    code: "SL007",
    name: "unencoded-query-build",
    level: Level::Warning,
    summary: "a client's value, a credential or free text interpolated into a URL's query without percent-encoding",
    fixable: false,
    source: include_str!("sl007_unencoded_query_build.rs"),
    triggers: TRIGGERS,
    needs_models: false,
    interests: &[NodeKind::Macro, NodeKind::Binary],
    group: Group::Security,
    skip_in_tests: true,
};

/// The query key when `text` ends with `?key=` or `&key=`.
pub fn query_key_at_end(text: &str) -> Option<&str> {
    let body = text.strip_suffix('=')?;
    let start = body.rfind(['?', '&'])?;
    let key = &body[start + 1..];
    let ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.[]%".contains(c));
    ok.then_some(key)
}

/// Values that need no encoding, or are already encoded.
fn is_safe_value(cx: &Context<'_>, expr: Option<&syn::Expr>, value: &crate::scope::Value) -> bool {
    // Besides numbers and `bool`: hex digits and `-`; digits, `.` and
    // `:`: nothing a query decoder reads as a separator.
    const PLAIN: &[&str] = &[
        "bool",
        "uuid::Uuid",
        "std::net::IpAddr",
        "std::net::Ipv4Addr",
        "std::net::Ipv6Addr",
        "std::num::NonZeroU32",
        "std::num::NonZeroU64",
        "std::num::NonZeroUsize",
    ];
    let plain = |ty: &crate::models::ty::Ty| {
        ty.is_number() || ty.path().is_some_and(|p| PLAIN.contains(&p))
    };
    if plain(&value.ty) || value.roles.has(Role::Encoded) {
        return true;
    }
    // A value of one of the crate's enums prints one of a few fixed words.
    if cx.scope.index().is_some_and(|ix| ix.is_enum(&value.ty)) {
        return true;
    }
    // A `const`/`static` string of the crate: its text is fixed.
    if value.lit.is_some() && value.ty.is_string() {
        return true;
    }
    let Some(expr) = expr else { return false };
    if matches!(expr, syn::Expr::Lit(_)) {
        return true;
    }
    // `&page.number.to_string()`: the text of a number.
    let mut inner = expr;
    loop {
        match inner {
            syn::Expr::Reference(r) => inner = &r.expr,
            syn::Expr::Paren(p) => inner = &p.expr,
            syn::Expr::MethodCall(m)
                if m.args.is_empty()
                    && matches!(m.method.to_string().as_str(), "to_string" | "clone") =>
            {
                inner = &m.receiver
            }
            _ => break,
        }
    }
    if !std::ptr::eq(inner, expr) {
        let v = cx.value_of(inner);
        if plain(&v.ty) {
            return true;
        }
    }
    // A `const` or `static` of the linted code.
    if let syn::Expr::Path(p) = expr {
        if p.path
            .get_ident()
            .is_some_and(|id| cx.scope.is_local_item(&id.to_string()))
        {
            return true;
        }
    }
    crate::scope::text_encodes_for_query(cx.snippet(expr.span()))
}

/// Which values of a query being built a rule reports.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum QueryValue {
    /// `SL007`: a value the client sent, a credential, or a value under a
    /// key that holds URLs or free text.
    Harmful,
    /// `SL017`: any other value not known to be query-safe.
    Unproven,
}

/// Keys whose values are URLs or free text: `&`, `=`, `+`, `#` or a space
/// in them is the norm, not the exception.
const TEXT_KEYS: &[&str] = &[
    "next",
    "redirect",
    "redirect_uri",
    "redirect_url",
    "return_to",
    "returnto",
    "return_url",
    "continue",
    "callback",
    "url",
    "uri",
    "q",
    "query",
    "search",
    "text",
    "message",
    "msg",
    "comment",
    "title",
    "filter",
    "email",
];

/// Words of a name (split at `_` and `-`) that make its value a
/// credential: `token`, `auth_token`, `tok`, `client_secret`, `sig`.
const CREDENTIAL_WORDS: &[&str] = &[
    "token",
    "tok",
    "secret",
    "password",
    "passwd",
    "pwd",
    "signature",
    "sig",
    "jwt",
    "apikey",
    "credential",
    "credentials",
];

fn names_credential(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(lower.as_str(), "api_key" | "access_key" | "secret_key")
        || lower
            .split(['_', '-'])
            .any(|word| CREDENTIAL_WORDS.contains(&word))
}

/// The name a value goes by: `token` of `token`, `&self.token`,
/// `cfg.token.as_str()`, `tok.0`, `resp.await?.sid`.
fn value_name(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Expr::Field(f) => match &f.member {
            syn::Member::Named(id) => Some(id.to_string()),
            syn::Member::Unnamed(_) => value_name(&f.base),
        },
        syn::Expr::Reference(r) => value_name(&r.expr),
        syn::Expr::Paren(p) => value_name(&p.expr),
        syn::Expr::Try(t) => value_name(&t.expr),
        syn::Expr::Await(a) => value_name(&a.base),
        syn::Expr::MethodCall(m) => value_name(&m.receiver),
        _ => None,
    }
}

/// Whether a value built into a query unencoded does harm a reviewer
/// accepts as a bug: the client chose it (a parameter of its choosing
/// smuggled into another request), it is a credential (base64's `+`, `/`
/// and `=` corrupt it), or its key or its own name says it holds a URL or
/// free text (`?p={query}`).
fn is_harmful(key: &str, name: Option<&str>, value: &crate::scope::Value) -> bool {
    let key = key.to_ascii_lowercase();
    value.from_request()
        || crate::index::query_secrets::is_secret_query_key(&key)
        || TEXT_KEYS.contains(&key.as_str())
        || name.is_some_and(|n| {
            names_credential(n) || TEXT_KEYS.contains(&n.to_ascii_lowercase().as_str())
        })
        || value
            .ty
            .path()
            .is_some_and(|p| names_credential(p.rsplit("::").next().unwrap_or(p)))
}

/// The query-building check, reporting the values `which` selects as
/// `meta` (`SL007` or `SL017`).
pub(super) fn check_query_build(
    meta: &'static RuleMeta,
    which: QueryValue,
    node: Node<'_>,
    cx: &Context<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let wanted = |key: &str, name: Option<&str>, value: &crate::scope::Value| {
        is_harmful(key, name, value) == (which == QueryValue::Harmful)
    };
    match node {
        Node::Macro(_, call, MacroKind::Format) => {
            let Some(f) = &call.format else { return };
            let mut keys: Vec<String> = Vec::new();
            for p in &f.placeholders {
                let Some(key) = query_key_at_end(&p.before) else {
                    continue;
                };
                let (expr, name, value) = match call.resolve(p) {
                    Resolved::Expr(e) => (Some(e), value_name(e), cx.value_of(e)),
                    Resolved::Capture(n) if cx.scope.is_local_item(&n) => continue,
                    // `"{encoded_dir}"`: named for what it holds.
                    Resolved::Capture(n) if n.to_ascii_lowercase().contains("encode") => continue,
                    Resolved::Capture(n) => {
                        let value = cx.scope.value_of_name(&n);
                        (None, Some(n), value)
                    }
                    Resolved::Missing => continue,
                };
                if is_safe_value(cx, expr, &value) || !wanted(key, name.as_deref(), &value) {
                    continue;
                }
                let key = format!("`{key}`");
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            if keys.is_empty() {
                return;
            }
            out.push(
                cx.diagnostic(
                    meta,
                    cx.range(f.lit.span()),
                    format!("query value for {} is interpolated without percent-encoding", keys.join(", ")),
                )
                .with_label("`&`, `=`, `+`, `#` or a space in the value breaks or extends the query")
                .with_help("build the URL with `url::Url::parse_with_params(base, &[(key, value)])`, `url.query_pairs_mut().append_pair(key, value)` or `reqwest::RequestBuilder::query`"),
            );
        }
        Node::Binary(b) => {
            if !matches!(b.op, syn::BinOp::Add(_)) {
                return;
            }
            // `... + "?token=" + value`: the literal is the rightmost
            // operand of the left side.
            let mut left = &*b.left;
            while let syn::Expr::Binary(inner) = left {
                if !matches!(inner.op, syn::BinOp::Add(_)) {
                    break;
                }
                left = &inner.right;
            }
            let Some(text) = string_literal(left) else {
                return;
            };
            let Some(key) = query_key_at_end(&text) else {
                return;
            };
            let value = cx.value_of(&b.right);
            if literal_text(&b.right).is_some()
                || is_safe_value(cx, Some(&b.right), &value)
                || !wanted(key, value_name(&b.right).as_deref(), &value)
            {
                return;
            }
            out.push(
                cx.diagnostic(
                    meta,
                    cx.range(b.right.span()),
                    format!("query value for `{key}` is concatenated without percent-encoding"),
                )
                .with_label("`&`, `=`, `+`, `#` or a space in the value breaks or extends the query")
                .with_help("build the URL with `url::Url::parse_with_params` or `query_pairs_mut().append_pair(..)`"),
            );
        }
        _ => {}
    }
}

impl Rule for UnencodedQueryBuild {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_query_build(&META, QueryValue::Harmful, node, cx, out);
    }
}

#[cfg(test)]
mod tests {
    use super::{names_credential, query_key_at_end, value_name};

    #[test]
    fn query_keys() {
        assert_eq!(query_key_at_end("/ws?token="), Some("token"));
        assert_eq!(query_key_at_end("&user_id="), Some("user_id"));
        assert_eq!(query_key_at_end("token="), None);
        assert_eq!(query_key_at_end("WHERE b="), None);
        assert_eq!(query_key_at_end("?a b="), None);
        assert_eq!(query_key_at_end("?token"), None);
    }

    #[test]
    fn credential_names_are_whole_words() {
        for name in [
            "token",
            "auth_token",
            "tok",
            "client-secret",
            "API_KEY",
            "sig",
            "jwt",
        ] {
            assert!(names_credential(name), "{name}");
        }
        for name in ["stock", "tokens_left", "signal", "keyboard", "user", "sid"] {
            assert!(!names_credential(name), "{name}");
        }
    }

    #[test]
    fn a_value_goes_by_its_last_name() {
        let name = |src: &str| value_name(&syn::parse_str(src).unwrap());
        assert_eq!(name("&self.token").as_deref(), Some("token"));
        assert_eq!(name("cfg.token.as_str()").as_deref(), Some("token"));
        assert_eq!(name("tok.0").as_deref(), Some("tok"));
        assert_eq!(name("resp.await?.sid").as_deref(), Some("sid"));
        assert_eq!(name("make()"), None);
    }
}
