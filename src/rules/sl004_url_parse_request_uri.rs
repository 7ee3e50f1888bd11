//! ## What it does
//! Flags `Url::parse` of an incoming request's URI, such as
//! `Url::parse(&req.uri().to_string())` (also `Url::from_str(..)`,
//! `uri.to_string().parse::<Url>()` and `let u: Url =
//! uri.to_string().parse()?`), and `Url::join` with a request URI as the
//! argument; also a request URI passed to one of the crate's
//! functions that hands that parameter whole to `Url::parse` (reported at
//! the call).
//!
//! ## Why is this bad?
//! A server sees the request target in origin-form: `/ws/chat?token=abc`,
//! with no scheme and no host. `Url::parse` of it always fails with
//! `RelativeUrlWithoutBase`, so the handler errors on every request, or the
//! error is swallowed and the query is never read. The usual patch,
//! `Url::parse("http://placeholder")?.join(uri)`, is worse: a request target
//! such as `//evil.example/x` then becomes the host.
//!
//! ## Example
//! ```rust,ignore
//! async fn h(req: axum::extract::Request) {
//!     let url = url::Url::parse(&req.uri().to_string()).unwrap();
//!     let token = url.query_pairs().find(|(k, _)| k == "token");
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn h(req: axum::extract::Request) {
//!     let query = req.uri().query().unwrap_or("");
//!     let token = url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "token");
//! }
//! ```
//! or a typed `Query<T>` extractor.
//!
//! ## Fix safety
//! There is no automatic fix: the parsed `Url` is usually used for more
//! than its query, and each use needs its own replacement.

use super::{Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::models::roles::Role;
use syn::spanned::Spanned;

pub struct UrlParseRequestUri;

static META: RuleMeta = RuleMeta {
    code: "SL004",
    name: "url-parse-request-uri",
    level: Level::Error,
    summary: "`Url::parse` of an incoming request's origin-form URI",
    fixable: false,
    source: include_str!("sl004_url_parse_request_uri.rs"),
    // None: the parse may be in a helper of another file, the request
    // URI handed to it here (`util::to_url(&req.uri().to_string())`).
    triggers: &[],
    needs_models: true,
    interests: &[NodeKind::Call, NodeKind::MethodCall],
    group: Group::Correctness,
    skip_in_tests: false,
};

const DECODE: &str = "url::form_urlencoded::parse(uri.query().unwrap_or(\"\").as_bytes())";

impl Rule for UrlParseRequestUri {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        helper_parses(node, cx, out);
        let (arg, whole, what) = match node {
            Node::Call(call) => {
                // An associated function cannot be imported under another
                // name: only a path ending in `parse` (`from_str`) can be
                // `Url::parse` (`Url::from_str`).
                let last = match &*call.func {
                    syn::Expr::Path(p) => p.path.segments.last().map(|s| &s.ident),
                    _ => None,
                };
                let Some(last) = last.filter(|l| *l == "parse" || *l == "from_str") else {
                    return;
                };
                let path = cx.scope.callee_path(call);
                if !matches!(
                    path.as_deref(),
                    Some("url::Url::parse" | "url::Url::from_str")
                ) {
                    return;
                }
                let Some(arg) = call.args.first() else { return };
                (
                    arg,
                    cx.range(call.span()),
                    if last == "parse" {
                        "`Url::parse` of the request URI"
                    } else {
                        "`Url::from_str` of the request URI"
                    },
                )
            }
            // `uri.to_string().parse::<Url>()`, `let u: Url = ...parse()?`.
            Node::MethodCall(call) if call.method == "parse" => {
                if !cx
                    .scope
                    .parse_target(call)
                    .is_some_and(|t| t.is("url::Url"))
                {
                    return;
                }
                (
                    &*call.receiver,
                    cx.member_range(call.method.span(), call.span()),
                    "parsing the request URI into a `Url`",
                )
            }
            Node::MethodCall(call) => {
                if call.method != "join" || !cx.value_of(&call.receiver).ty.is("url::Url") {
                    return;
                }
                let Some(arg) = call.args.first() else { return };
                (
                    arg,
                    cx.member_range(call.method.span(), call.span()),
                    "`Url::join` of the request URI onto a base",
                )
            }
            _ => return,
        };
        if !cx.value_of(arg).has(Role::RequestUri) {
            return;
        }
        out.push(
            cx.diagnostic(
                &META,
                whole,
                format!("{what}: a server's request URI has no scheme or host"),
            )
            .with_label("fails with `RelativeUrlWithoutBase` on every request")
            .with_secondary(
                cx.range(arg.span()),
                "origin-form, such as `/ws/chat?token=..`",
            )
            .with_help(format!(
                "decode the query with `{}` or take a `Query<T>` extractor; never join the request target onto a placeholder base",
                cx.spelt(DECODE)
            )),
        );
    }
}

/// `to_url(&req.uri().to_string())` where the crate's `to_url` hands its
/// parameter whole to `Url::parse`: reported at the argument.
fn helper_parses(node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    use crate::index::summary::ReachKind;
    for r in cx.reaching_args(node, ReachKind::UrlParse) {
        if !cx.value_of(r.arg).has(Role::RequestUri) {
            continue;
        }
        let (name, param) = (&r.name, &r.reach.name);
        out.push(
            cx.diagnostic(
                &META,
                cx.range(r.arg.span()),
                format!("`{name}` parses the request URI with `Url::parse`: a server's request URI has no scheme or host"),
            )
            .with_label(format!(
                "`{name}` passes its parameter `{param}` to `Url::parse`, which fails with `RelativeUrlWithoutBase` on every request"
            ))
            .with_help(format!(
                "decode the query with `{}` or take a `Query<T>` extractor; never join the request target onto a placeholder base",
                cx.spelt(DECODE)
            )),
        );
    }
}
