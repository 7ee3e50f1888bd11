//! ## What it does
//! Flags `.unwrap()`, `.expect(..)` and indexing on a value taken from the
//! request inside a handler: header lookups (`headers.get(..)`,
//! `HeaderValue::to_str`), `HeaderValue::from_str(<request input>)`, query
//! and path lookups (`params.get(..)`, `params["k"]`), `uri.query()` and
//! `path_and_query()`. Test code is not a handler and is never flagged.
//! A header the crate's middleware adds to every request (tower-http's
//! `SetRequestIdLayer`, `SetRequestHeaderLayer::overriding`) is present:
//! its lookup's `unwrap` is not flagged, its `to_str().unwrap()` is (a
//! client may send its own value).
//!
//! ## Why is this bad?
//! The client decides whether a header is present and what bytes it holds.
//! A missing `x-user` header or a non-ASCII cookie then panics the task: a
//! 500 for one request in a plain HTTP server, a dropped connection for
//! every message on a WebSocket, and a remote way to fill the logs with
//! panics.
//!
//! ## Example
//! ```rust,ignore
//! async fn h(headers: axum::http::HeaderMap) -> String {
//!     headers.get("x-user").unwrap().to_str().unwrap().to_string()
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn h(headers: axum::http::HeaderMap) -> Result<String, StatusCode> {
//!     let user = headers.get("x-user").ok_or(StatusCode::UNAUTHORIZED)?;
//!     Ok(user.to_str().map_err(|_| StatusCode::BAD_REQUEST)?.to_string())
//! }
//! ```
//! On a WebSocket, close the socket with code 1008 (policy violation).
//!
//! ## Fix safety
//! There is no automatic fix: the handler's error type decides what the
//! client receives.

use super::{Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use syn::spanned::Spanned;

pub struct RequestInputPanic;

static META: RuleMeta = RuleMeta {
    code: "SL008",
    name: "request-input-panic",
    level: Level::Warning,
    summary: "unwrap, expect or indexing on a value the client controls",
    fixable: false,
    source: include_str!("sl008_request_input_panic.rs"),
    triggers: &[],
    needs_models: true,
    interests: &[NodeKind::MethodCall, NodeKind::Index, NodeKind::Call],
    group: Group::Correctness,
    skip_in_tests: true,
};

const HELP: &str = "return a 400/401 response instead (`.ok_or(StatusCode::BAD_REQUEST)?`), or close a WebSocket with code 1008: a client must never be able to panic the server";

/// `HeaderValue::from_str(x)` and friends, or `Url::parse(x)`, with a
/// request value as `x` (the request's own URI aside: parsing it into a
/// `Url` fails on every request, `SL004`).
fn parses_request_input(cx: &Context<'_>, expr: &syn::Expr) -> bool {
    let syn::Expr::Call(call) = expr else {
        return false;
    };
    if !cx
        .scope
        .call_may_name(call, |n| n.starts_with("from_") || n == "parse")
    {
        return false;
    }
    let Some(path) = cx.scope.callee_path(call) else {
        return false;
    };
    if !(path.starts_with("http::HeaderValue::from_") || path == "url::Url::parse") {
        return false;
    }
    call.args.first().is_some_and(|a| {
        let v = cx.value_of(a);
        v.from_request() && !v.has(crate::models::roles::Role::RequestUri)
    })
}

/// `uri.to_string().parse()`: the text of a request's whole URI, parsed
/// again. Into a `Uri` or a `HeaderValue` (a redirect's `Location`) it
/// cannot fail, whatever the client sent; into a `Url` it fails on every
/// request, which is `SL004`'s finding, not a client's doing.
fn parses_whole_uri(cx: &Context<'_>, expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::MethodCall(m) if m.method == "parse" && m.args.is_empty() => {
            // A target the code names must be one of these (`parse::<u32>()`
            // of a URI fails on every request too, but is no URI's job).
            let target_fits = cx.scope.parse_target(m).is_none_or(|t| {
                [
                    "url::Url",
                    "http::Uri",
                    "http::HeaderValue",
                    "http::uri::PathAndQuery",
                ]
                .iter()
                .any(|p| t.is(p))
            });
            target_fits
                && cx
                    .value_of(&m.receiver)
                    .has(crate::models::roles::Role::RequestUri)
        }
        syn::Expr::Paren(p) => parses_whole_uri(cx, &p.expr),
        _ => false,
    }
}

/// Whether `key`, the key of a header lookup (`headers.get(key)`,
/// `headers[key]`), names a header the crate's middleware adds to
/// every request: a literal, `HeaderName::from_static(..)`, a
/// constant of the crate (by name, or by its literal value) or of
/// `http::header`.
fn names_added_header(cx: &Context<'_>, key: &syn::Expr) -> bool {
    let added = cx.added_headers();
    if added.is_empty() {
        return false;
    }
    let mut key = key;
    while let syn::Expr::Reference(r) = key {
        key = &r.expr;
    }
    let konst = match key {
        syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    let header_const = match key {
        syn::Expr::Path(p) if p.path.segments.len() >= 2 => {
            let segs = &p.path.segments;
            (segs[segs.len() - 2].ident == "header")
                .then(|| {
                    konst
                        .as_ref()
                        .map(|k| crate::index::added_headers::header_const_name(k))
                })
                .flatten()
        }
        _ => None,
    };
    let name = match key {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        // `HeaderName::from_static("x-request-id")`.
        syn::Expr::Call(c)
            if matches!(&*c.func, syn::Expr::Path(p)
                if p.path.segments.last().is_some_and(|s| s.ident == "from_static")) =>
        {
            match c.args.first() {
                Some(syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                })) if c.args.len() == 1 => Some(s.value()),
                _ => None,
            }
        }
        _ => header_const.or_else(|| cx.value_of(key).lit.map(|l| l.text.to_string())),
    };
    crate::index::added_headers::is_added(added, name.as_deref(), konst.as_deref())
}

/// `headers.get(key)` where the crate's middleware adds `key` to every
/// request (`SetRequestIdLayer`): present whatever the client sends.
fn looks_up_added_header(cx: &Context<'_>, expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::MethodCall(get) if get.method == "get" && get.args.len() == 1 => {
            names_added_header(cx, &get.args[0])
        }
        syn::Expr::Paren(p) => looks_up_added_header(cx, &p.expr),
        _ => false,
    }
}

/// A helper's `headers.get(key).expect(..)` ([`Reach::key`]: a quoted
/// literal or a constant's name) where the crate's middleware adds `key`.
///
/// [`Reach::key`]: crate::index::summary::Reach::key
fn helper_key_added(cx: &Context<'_>, key: &str) -> bool {
    let added = cx.added_headers();
    match key.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
        Some(name) => crate::index::added_headers::is_added(added, Some(name), None),
        // `header::X_REQUEST_ID` is `x-request-id`.
        None => crate::index::added_headers::is_added(
            added,
            Some(&crate::index::added_headers::header_const_name(key)),
            Some(key),
        ),
    }
}

/// `Some(x)` or `Ok(x)`, as written: never `None` nor an `Err`.
fn is_wrapped_present(arg: &syn::Expr) -> bool {
    match arg {
        syn::Expr::Call(call) => matches!(&*call.func, syn::Expr::Path(p)
            if p.path.get_ident().is_some_and(|i| i == "Some" || i == "Ok")),
        syn::Expr::Paren(p) => is_wrapped_present(&p.expr),
        syn::Expr::Reference(r) => is_wrapped_present(&r.expr),
        _ => false,
    }
}

/// `save(&mut field)` where the crate's `save` unwraps its parameter:
/// client input passed to a helper that panics on it.
fn helper_unwraps(node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    use crate::index::summary::ReachKind;
    for r in cx.reaching_args(node, ReachKind::Unwrap) {
        let (name, reach, arg) = (&r.name, r.reach, r.arg);
        // `new(Some(path.z))`: the helper unwraps an `Option` the caller
        // built present; the client's value is already parsed.
        if reach.steps.is_empty() && is_wrapped_present(arg) {
            continue;
        }
        let arg_value = cx.value_of(arg);
        if !arg_value.from_request() || arg_value.checked {
            continue;
        }
        // A type that is client input wherever it is (an upload's
        // `Field`): the helper's own unwrap is reported where it is.
        let intrinsic = cx
            .scope
            .typed(arg_value.ty.strip_refs().clone(), Default::default());
        if intrinsic.from_request() {
            continue;
        }
        // What the helper unwraps: its parameter taken through the chain.
        let value = cx.scope.project(arg_value, &reach.steps);
        let fallible =
            matches!(value.ty.path(), Some("Option" | "Result")) || value.ty.is_unknown();
        if !(fallible && value.from_request()) {
            continue;
        }
        if reach
            .key
            .as_deref()
            .is_some_and(|k| helper_key_added(cx, k))
        {
            continue;
        }
        out.push(
            cx.diagnostic(
                &META,
                cx.range(arg.span()),
                format!("`{name}` unwraps a value the client controls"),
            )
            .with_label(format!(
                "`{name}` unwraps its parameter `{}`: it panics when the client leaves it out or sends bad bytes",
                reach.name
            ))
            .with_help(HELP),
        );
    }
}

impl Rule for RequestInputPanic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        helper_unwraps(node, cx, out);
        match node {
            Node::MethodCall(call) => {
                let method = call.method.to_string();
                if method != "unwrap" && method != "expect" {
                    return;
                }
                // `path_segments().unwrap()` is SL011's (opt-in) unless the
                // client chose the URL (`Url::parse(&query.next)`).
                if let syn::Expr::MethodCall(inner) = &*call.receiver {
                    if inner.method == "path_segments" || inner.method == "path_segments_mut" {
                        let url = cx.value_of(&inner.receiver);
                        if !url.from_request() || url.has(crate::models::roles::Role::SpecialScheme)
                        {
                            return;
                        }
                    }
                }
                let recv = cx.value_of(&call.receiver);
                if recv.checked || cx.scope.expr_checked(&call.receiver) {
                    return;
                }
                let fallible =
                    matches!(recv.ty.path(), Some("Option" | "Result")) || recv.ty.is_unknown();
                if !(fallible && recv.from_request() || parses_request_input(cx, &call.receiver)) {
                    return;
                }
                // Present or infallible whatever the client sends.
                if looks_up_added_header(cx, &call.receiver) || parses_whole_uri(cx, &call.receiver)
                {
                    return;
                }
                out.push(
                    cx.diagnostic(
                        &META,
                        cx.member_range(call.method.span(), call.span()),
                        format!("`{method}` on a value the client controls"),
                    )
                    .with_label("panics when the client leaves it out or sends bad bytes")
                    .with_secondary(cx.range(call.receiver.span()), "taken from the request")
                    .with_help(HELP),
                );
            }
            Node::Index(index) => {
                let base = cx.value_of(&index.expr);
                if !base.from_request() || matches!(base.ty.path(), Some("str" | "String")) {
                    return;
                }
                if names_added_header(cx, &index.index) {
                    return;
                }
                out.push(
                    cx.diagnostic(
                        &META,
                        cx.range(index.span()),
                        "indexing a request value panics when the key is missing",
                    )
                    .with_label("the client decides whether this key exists")
                    .with_help(HELP),
                );
            }
            _ => {}
        }
    }
}
