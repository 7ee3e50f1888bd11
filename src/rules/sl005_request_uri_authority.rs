//! ## What it does
//! Flags `.host()`, `.authority()`, `.scheme()`, `.scheme_str()`, `.port()`
//! and `.port_u16()` on the URI of an incoming server request.
//!
//! ## Why is this bad?
//! HTTP/1.1 clients send the request target in origin-form
//! (`GET /path?q HTTP/1.1`) and the host in the `Host` header, so these are
//! `None` on the server for almost every request. Code that reads the host
//! from the URI works in an HTTP/2 test (which sends `:authority`) and fails
//! in production behind an HTTP/1.1 proxy.
//!
//! ## Example
//! ```rust,ignore
//! async fn h(uri: axum::http::Uri) -> String {
//!     uri.host().unwrap_or("localhost").to_string()
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn h(axum_extra::extract::Host(host): axum_extra::extract::Host) -> String {
//!     host
//! }
//! ```
//! `Host` reads the URI authority with a fallback to the `Host` header;
//! actix-web has `req.connection_info().host()`. Reading only the `Host`
//! header breaks HTTP/2.
//!
//! ## Fix safety
//! There is no automatic fix: the replacement is a different extractor or
//! a different source of data.

use super::{type_name, Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::models::roles::Role;
use syn::spanned::Spanned;

pub struct RequestUriAuthority;

static META: RuleMeta = RuleMeta {
    code: "SL005",
    name: "request-uri-authority",
    level: Level::Warning,
    summary: "host, scheme or port read off a server request's URI",
    fixable: false,
    source: include_str!("sl005_request_uri_authority.rs"),
    triggers: &["host", "authority", "scheme", "port"],
    needs_models: true,
    interests: &[NodeKind::MethodCall],
    group: Group::Correctness,
    skip_in_tests: false,
};

const AUTHORITY_PARTS: &[&str] = &[
    "host",
    "authority",
    "scheme",
    "scheme_str",
    "port",
    "port_u16",
];

/// Is this read the recommended pattern? The host, authority or port
/// after a read of the `Host` header or a forwarded host earlier in the
/// function (the HTTP/2 fallback), or in a `CONNECT` branch, where the
/// target is in authority-form; a scheme only as the fallback of a
/// `Forwarded`/`X-Forwarded-Proto` read (earlier, or in the same
/// statement). A `Host` extractor among the parameters does not make a
/// scheme read right.
fn is_fallback(cx: &Context<'_>, method: &str, call: proc_macro2::Span) -> bool {
    let Some(body) = cx.scope.fn_body() else {
        return false;
    };
    let at = cx.range(call);
    if at.start < body.start || at.end > body.end {
        return false;
    }
    let text = &cx.source.text;
    let code_before: String = text[body.start..at.start]
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let before = code_before.to_ascii_lowercase();
    // The `Host` header, or a forwarded host (`Forwarded: host=`,
    // `X-Forwarded-Host`): both carry the port too.
    let reads_host = |t: &str| {
        t.contains("\"host\"")
            || t.contains("::host")
            || t.contains("forwarded-host")
            || t.contains("forwarded_host")
            || t.contains("\"forwarded\"")
            || t.contains("::forwarded")
            || t.contains("parse_forwarded")
    };
    if matches!(method, "host" | "authority" | "port" | "port_u16") {
        return reads_host(&before) || code_before.contains("CONNECT");
    }
    // A scheme after a `Forwarded`/`X-Forwarded-Proto` read.
    if before.contains("forwarded") {
        return true;
    }
    // The statement holding the call: from the previous `;` to the next.
    let start = text[body.start..at.start]
        .rfind(';')
        .map_or(body.start, |i| body.start + i + 1);
    let end = text[at.end..body.end]
        .find(';')
        .map_or(body.end, |i| at.end + i);
    // Comments are not code (a `//` in a string only hides more).
    text[start..end]
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .any(|l| l.to_ascii_lowercase().contains("forwarded"))
}

impl Rule for RequestUriAuthority {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Node::MethodCall(call) = node else { return };
        let method = call.method.to_string();
        if !AUTHORITY_PARTS.contains(&method.as_str()) {
            return;
        }
        let recv = cx.value_of(&call.receiver);
        if !(recv.has(Role::RequestUri) && recv.ty.is("http::Uri")) {
            return;
        }
        if is_fallback(cx, &method, call.span()) {
            return;
        }
        // An absence test (`uri.scheme().is_none()`, then the header, or
        // a `match` on `Some(_)`/`None`, the `None` arm the fallback) uses
        // no value. `is_some()` alone is read as "is absolute" or "is
        // secure": always false on HTTP/1.1.
        if cx
            .applied()
            .next()
            .is_some_and(|m| matches!(m, "is_none" | "match"))
        {
            return;
        }
        out.push(
            cx.diagnostic(
                &META,
                cx.member_range(call.method.span(), call.span()),
                format!("`{method}()` of a server request's URI is `None` for HTTP/1.1 requests"),
            )
            .with_label("origin-form request targets carry no scheme or authority")
            .with_secondary(
                cx.range(call.receiver.span()),
                format!("the incoming request's `{}`", type_name(&recv)),
            )
            .with_help(
                "read the authority with a fallback to the `Host` header: `axum_extra::extract::Host` (axum), `req.connection_info().host()` (actix-web)",
            ),
        );
    }
}
