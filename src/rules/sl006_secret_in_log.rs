//! ## What it does
//! Flags a log, trace, print or panic macro (`log::*`, `tracing::*`,
//! `println!`, `eprintln!`, `panic!`, the `assert!` family, and a
//! `format!` passed to them) that interpolates or records a full request
//! URI, a URL, a raw query string, or a whole `HeaderMap`, at info level
//! and above. Test code is not flagged. The same at debug and trace level
//! is the opt-in rule `SL015` (`secret-in-debug-log`); access-log
//! middleware left at its default is the opt-in rule `SL014`
//! (`access-log-default`).
//!
//! ## Why is this bad?
//! Query strings carry secrets: WebSocket clients cannot set headers, so
//! tokens travel as `?token=`, and so do password-reset links, OAuth codes
//! and signed URLs. Whatever is logged is copied to log shippers, dashboards
//! and support tickets. Headers carry `Authorization` and cookies.
//!
//! ## Example
//! ```rust,ignore
//! async fn ws(uri: axum::http::Uri) {
//!     tracing::info!("ws connect {}", uri);
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn ws(uri: axum::http::Uri) {
//!     tracing::info!(path = %uri.path(), "ws connect");
//! }
//! ```
//! or log a copy of the query with its secrets redacted.
//!
//! ## Fix safety
//! For a URI or URL passed as an argument the fix logs `.path()` instead.
//! It changes what the log line says, so it is unsafe. Inline captures
//! (`"{uri}"`) and middleware need a human.

use super::{Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Level};
use crate::macros::Resolved;
use crate::models::roles::Role;
use crate::models::MacroKind;
use crate::scope::Value;
use syn::spanned::Spanned;

pub struct SecretInLog;

static META: RuleMeta = RuleMeta {
    code: "SL006",
    name: "secret-in-log",
    level: Level::Warning,
    summary: "a log, print or panic message with a full URI, URL, raw query or all headers",
    fixable: true,
    source: include_str!("sl006_secret_in_log.rs"),
    triggers: &[],
    needs_models: true,
    interests: &[NodeKind::Macro],
    group: Group::Security,
    skip_in_tests: true,
};

/// What a logged value is, when it can carry secrets.
fn secret(value: &Value) -> Option<&'static str> {
    let r = value.roles;
    if r.has(Role::RawQuery) {
        Some("the raw query string")
    } else if r.has(Role::RequestHeaders) {
        Some("every request header (`Authorization`, cookies)")
    } else if r.has(Role::RequestUri) {
        Some("the full request URI")
    } else if r.has(Role::Url) {
        Some("a full URL")
    } else if r.has(Role::Uri) {
        Some("a full URI")
    } else {
        None
    }
}

impl Rule for SecretInLog {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_log(&META, false, node, cx, out);
    }
}

/// `debug!`, `trace!`, their spans, and `event!`/`span!` at
/// `Level::DEBUG`/`Level::TRACE`: off in production configurations.
fn is_debug_level(mac: &syn::Macro) -> bool {
    let Some(last) = mac.path.segments.last() else {
        return false;
    };
    let name = last.ident.to_string();
    if name.starts_with("debug") || name.starts_with("trace") {
        return true;
    }
    if name == "event" || name == "span" {
        let first: String = mac
            .tokens
            .clone()
            .into_iter()
            .take_while(|t| !matches!(t, proc_macro2::TokenTree::Punct(p) if p.as_char() == ','))
            .map(|t| t.to_string())
            .collect();
        return first.contains("DEBUG") || first.contains("TRACE");
    }
    false
}

/// The check of SL006 (`debug_level: false`: info and above, prints and
/// panics) and SL015 (`true`: debug and trace logs), reported as `meta`.
pub(super) fn check_log(
    meta: &'static RuleMeta,
    debug_level: bool,
    node: Node<'_>,
    cx: &Context<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let Node::Macro(mac, call, kind) = node else {
        return;
    };
    if !matches!(kind, MacroKind::Log | MacroKind::Print | MacroKind::Panic) {
        return;
    }
    if (kind == MacroKind::Log && is_debug_level(mac)) != debug_level {
        return;
    }
    let what_macro = match kind {
        MacroKind::Log => "log line",
        MacroKind::Print => "printed line",
        _ => "panic message",
    };
    for item in call.interpolated(kind == MacroKind::Log) {
        let (value, range, expr) = match item {
            Resolved::Expr(e) => (cx.value_of(e), cx.range(e.span()), Some(e)),
            Resolved::Capture(name) => {
                let Some(f) = &call.format else { continue };
                (cx.scope.value_of_name(&name), cx.range(f.lit.span()), None)
            }
            Resolved::Missing => continue,
        };
        let Some(what) = secret(&value) else { continue };
        let mut d = cx
            .diagnostic(meta, range.clone(), format!("{what_macro} includes {what}"))
            .with_label("may carry tokens such as `?token=`")
            .with_secondary(cx.range(mac.path.span()), "written here")
            .with_help("log `.path()` or a copy with the query's secrets redacted");
        let pathable = value
            .ty
            .path()
            .is_some_and(|p| p == "http::Uri" || p == "url::Url");
        if let (Some(e), true) = (expr, pathable) {
            let text = cx.snippet(e.span());
            let text = match e {
                syn::Expr::Path(_) | syn::Expr::MethodCall(_) | syn::Expr::Field(_) => {
                    text.to_string()
                }
                _ => format!("({text})"),
            };
            d = d.with_fix(Fix::replace(
                Applicability::Unsafe,
                range,
                format!("{text}.path()"),
            ));
        }
        out.push(d);
    }
}
