//! ## What it does
//! Flags a raw query string (`Uri::query()`, `Url::query()`, actix-web's
//! `HttpRequest::query_string()`, axum's `RawQuery`, `warp::query::raw()`)
//! split on `&` or `=` by hand with `split`, `split_once`, `splitn` and
//! friends; also a raw query passed to one of the crate's functions that
//! splits that parameter on `&` (`util::pairs(uri.query()?)`, reported at
//! the call, where the value is known to be the raw query).
//!
//! ## Why is this bad?
//! A query string is `application/x-www-form-urlencoded`: keys and values
//! are percent-encoded and `+` means a space. Hand splitting skips the
//! decoding (`token=a%2Bb` arrives as `a%2Bb`), mishandles repeated keys
//! (`tag=a&tag=b`) and valueless keys (`debug`), and `split_once('=')`
//! silently drops pairs without `=`. Authentication code built on it
//! compares the wrong bytes.
//!
//! ## Example
//! ```rust,ignore
//! async fn ws(uri: axum::http::Uri) {
//!     let q = uri.query().unwrap_or("");
//!     for pair in q.split('&') {
//!         let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
//!     }
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn ws(uri: axum::http::Uri) {
//!     let q = uri.query().unwrap_or("");
//!     for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
//!         // k and v are decoded
//!     }
//! }
//! ```
//! or a typed extractor: `axum::extract::Query<Params>`, actix-web's
//! `web::Query<Params>`, `warp::query::<Params>()`.
//!
//! ## Fix safety
//! Decoded pairs are `(Cow<str>, Cow<str>)` tuples, not `"k=v"` slices, so
//! the fix rewrites the code that uses them or is not offered.
//! `q.split('&').count()` becomes
//! `url::form_urlencoded::parse(q.as_bytes()).count()`; a loop
//! `for pair in q.split('&') { if let Some((k, v)) = pair.split_once('=') { .. } }`
//! (or with `let (k, v) = pair.split_once('=').unwrap_or((pair, ""));`)
//! becomes `for (k, v) in url::form_urlencoded::parse(q.as_bytes()) { .. }`
//! when its body uses `k` and `v` only in ways `&str` and `Cow<str>` share
//! (compared with string literals, `to_string()`, `len()`, `parse()`,
//! formatting macros). Any other use gets the decoder in the help text and
//! no edit. The fix is unsafe: decoding changes the values and a key
//! without `=` is no longer skipped. The decoder is spelt as the crate can
//! reach it: `url::form_urlencoded` with a `url` dependency,
//! `form_urlencoded::parse` with `form_urlencoded` alone; with neither (or
//! in a file outside any Cargo package) the help says which dependency to
//! add and no edit is offered.

use super::{literal_text, query_loop, Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Level};
use crate::models::roles::Role;
use syn::spanned::Spanned;

pub struct ManualQueryParsing;

static META: RuleMeta = RuleMeta {
    code: "SL002",
    name: "manual-query-parsing",
    level: Level::Warning,
    summary: "a raw query string split on `&` or `=` by hand",
    fixable: true,
    source: include_str!("sl002_manual_query_parsing.rs"),
    // None: the split may be in a helper of another file, the raw query
    // handed to it here (`util::pairs(uri.query()?)`).
    triggers: &[],
    needs_models: true,
    interests: &[NodeKind::MethodCall, NodeKind::ForLoop, NodeKind::Call],
    group: Group::Correctness,
    skip_in_tests: false,
};

const SPLITTERS: &[&str] = &[
    "split",
    "split_once",
    "rsplit_once",
    "splitn",
    "rsplit",
    "rsplitn",
    "split_terminator",
    "split_inclusive",
];

impl Rule for ManualQueryParsing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        helper_splits(node, cx, out);
        match node {
            // The iterable of a loop is judged with its loop, which a fix
            // may rewrite.
            Node::MethodCall(_) if cx.applied().next() == Some("for") => {}
            Node::MethodCall(call) => out.extend(finding(call, None, cx)),
            Node::ForLoop(f) => {
                // `for x in (q.split('&'))` and `&mut q.split('&')` too (no
                // rewrite behind a reference).
                let (mut iterable, mut direct) = (&*f.expr, true);
                loop {
                    iterable = match iterable {
                        syn::Expr::Paren(p) => &p.expr,
                        syn::Expr::Group(g) => &g.expr,
                        syn::Expr::Reference(r) => {
                            direct = false;
                            &r.expr
                        }
                        _ => break,
                    };
                }
                if let syn::Expr::MethodCall(call) = iterable {
                    out.extend(finding(call, direct.then_some(f), cx));
                }
            }
            _ => {}
        }
    }
}

/// `pairs(uri.query().unwrap_or(""))` where the crate's `pairs` splits
/// its parameter on `&` by hand: the raw query is split undecoded there.
/// Reported at the call, where the raw query is known (the helper's own
/// parameter is any `&str`); no edit, the helper is what changes.
fn helper_splits(node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    use crate::index::summary::ReachKind;
    for r in cx.reaching_args(node, ReachKind::Split) {
        if !cx.value_of(r.arg).has(Role::RawQuery) {
            continue;
        }
        let (name, param) = (&r.name, &r.reach.name);
        out.push(
            cx.diagnostic(
                &META,
                cx.range(r.arg.span()),
                format!("raw query string split on `&` by hand in `{name}`"),
            )
            .with_label(format!(
                "`{name}` splits its parameter `{param}` on `&`: this skips percent-decoding and `+`, and mishandles repeated or valueless keys"
            ))
            .with_help(format!(
                "decode the pairs in `{name}` with `{}`, or take a typed `Query<T>` extractor",
                cx.spelt(&format!("url::form_urlencoded::parse({param}.as_bytes())"))
            )),
        );
    }
}

/// The finding for a split `call`, the iterable of `for_loop` if given.
fn finding(
    call: &syn::ExprMethodCall,
    for_loop: Option<&syn::ExprForLoop>,
    cx: &Context<'_>,
) -> Option<Diagnostic> {
    {
        let method = call.method.to_string();
        if !SPLITTERS.contains(&method.as_str()) {
            return None;
        }
        // `splitn(2, '=')` takes the pattern second.
        let sep = call.args.iter().rev().find_map(literal_text)?;
        if !matches!(sep.as_str(), "&" | "=" | ";") {
            return None;
        }
        let recv = cx.value_of(&call.receiver);
        if !recv.has(Role::RawQuery) {
            return None;
        }
        let recv_text = cx.snippet(call.receiver.span());
        let mut d = cx
            .diagnostic(
                &META,
                cx.member_range(call.method.span(), call.span()),
                format!("raw query string split on `{sep}` by hand"),
            )
            .with_label(
                "this skips percent-decoding and `+`, and mishandles repeated or valueless keys",
            )
            .with_secondary(cx.range(call.receiver.span()), "an undecoded query string");
        let parse = format!("url::form_urlencoded::parse({recv_text}.as_bytes())");
        let typed = "or take a typed `Query<T>` extractor";
        let reachable = cx.reachable(&parse);
        let whole_split = sep == "&" && matches!(method.as_str(), "split" | "split_terminator");
        // Decoded pairs are `(Cow<str>, Cow<str>)`, not `"k=v"` slices: only
        // a use that does not look at the items keeps compiling.
        let items_unused = matches!(cx.applied().next(), Some("count"));
        let loop_edits = match (&reachable, for_loop) {
            (Ok(code), Some(f)) if whole_split => query_loop::rewrite(f, code, cx.source),
            _ => None,
        };
        d = match reachable {
            Ok(code) if whole_split && items_unused => d
                .with_help(format!("iterate decoded pairs with `{code}`, {typed}"))
                .with_fix(Fix::replace(Applicability::Unsafe, cx.range(call.span()), code)),
            Ok(code) if whole_split && loop_edits.is_some() => d
                .with_help(format!(
                    "iterate decoded `(key, value)` pairs with `{code}`, {typed}"
                ))
                .with_fix(Fix {
                    applicability: Applicability::Unsafe,
                    edits: loop_edits.unwrap_or_default(),
                }),
            Ok(code) if whole_split => d.with_help(format!(
                "iterate decoded pairs with `{code}`, {typed}; its items are `(key, value)` pairs, not `\"k=v\"` slices, so the code that uses them changes too (no automatic edit)"
            )),
            Ok(code) => d.with_help(format!(
                "decode the pairs with `{code}` and compare keys, {typed}"
            )),
            Err(missing) => d.with_help(format!("{}, {typed}", missing.help(&parse))),
        };
        Some(d)
    }
}
