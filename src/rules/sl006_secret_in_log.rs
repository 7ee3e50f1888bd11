//! ## What it does
//! Flags a log, trace, print or panic macro (`log::*`, `tracing::*`,
//! `println!`, `eprintln!`, `panic!`, the `assert!` family, and a
//! `format!` passed to them) at info level and above that records a value
//! which carries secrets:
//! - a full request URI, a URL, a raw query string, in a crate that takes
//!   secrets in query strings: it reads `token`, `api_key`, `signature`...
//!   from a query, builds URLs with `?token=`, or deserializes an OAuth
//!   callback (`code` and `state`). The finding names that evidence.
//! - a whole `HeaderMap` (`Authorization`, cookies), in any crate.
//!
//! Test code is not flagged. The same at debug and trace level is the
//! opt-in rule `SL015` (`secret-in-debug-log`); a URI logged in a crate
//! with no sign of query secrets is the opt-in `SL016` (`uri-in-log`);
//! access-log middleware left at its default is the opt-in `SL014`
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
    interests: &[NodeKind::Macro, NodeKind::Call, NodeKind::MethodCall],
    group: Group::Security,
    skip_in_tests: true,
};

/// What a logged value is, when it can carry secrets, and whether it
/// carries headers (secrets wherever the crate keeps its tokens).
fn secret(cx: &Context<'_>, value: &Value) -> Option<(&'static str, bool)> {
    let r = value.roles;
    if r.has(Role::Request) {
        // A server request can only be logged by `Debug`: what that shows
        // is in the models (`debug-shows`).
        let shows = value
            .ty
            .path()
            .and_then(|p| cx.models().type_model(p))
            .map(|t| t.debug_shows)
            .unwrap_or_default();
        return if shows.has(Role::RequestHeaders) {
            Some(("the whole request: its URI and every header", true))
        } else if shows.has(Role::RawQuery) {
            Some(("the whole request with its query (headers redacted)", false))
        } else {
            None
        };
    }
    // A URL made from a literal or a path-only `format!`, and not given a
    // query since, has none to leak.
    let literal_without_query = r.has(Role::Url)
        && !r.has_any(&[Role::RequestUri, Role::RawQuery, Role::RequestHeaders])
        && value.lit.as_ref().is_some_and(|l| !l.text.contains('?'));
    if literal_without_query {
        return None;
    }
    let found = if r.has(Role::RawQuery) {
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
    };
    found.map(|what| (what, r.has(Role::RequestHeaders)))
}

impl Rule for SecretInLog {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_log(&META, LogCheck::Secret, node, cx, out);
        check_helper_call(&META, LogCheck::Secret, node, cx, out);
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

/// Which of the log checks a rule runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum LogCheck {
    /// SL006: info and above, prints and panics; query-bearing values only
    /// where the crate takes secrets in queries, header maps always.
    Secret,
    /// SL015: debug and trace logs, every secret-bearing value.
    Debug,
    /// SL016: info and above; query-bearing values in a crate with no sign
    /// of secrets in queries.
    Unproven,
}

/// `audit(&uri)` where the crate's `audit` logs its parameter whole at
/// info level or louder: the log is written there, the secret comes from
/// here. Helpers whose parameter is itself a URI, URL or header type are
/// reported inside the helper instead.
pub(super) fn check_helper_call(
    meta: &'static RuleMeta,
    check: LogCheck,
    node: Node<'_>,
    cx: &Context<'_>,
    out: &mut Vec<Diagnostic>,
) {
    use crate::index::summary::ReachKind;
    if check == LogCheck::Debug {
        return;
    }
    for r in cx.reaching_args(node, ReachKind::Log) {
        let (name, sig, reach, arg) = (&r.name, r.sig, r.reach, r.arg);
        let mut type_names = Vec::new();
        if let Some(t) = sig.params.get(reach.param) {
            t.names(&mut type_names);
        }
        let framework_param = type_names.iter().any(|n| {
            ["Uri", "Url", "HeaderMap", "Request", "Parts", "HttpRequest"]
                .iter()
                .any(|f| n.ends_with(f))
        });
        if framework_param {
            continue;
        }
        let value = cx.value_of(arg);
        let Some((what, headers)) = secret(cx, &value) else {
            continue;
        };
        let evidence = cx.query_secret().filter(|_| !headers);
        match (check, evidence) {
            (LogCheck::Unproven, Some(_)) => continue,
            (LogCheck::Unproven, None) if headers => continue,
            (LogCheck::Secret, None) if !headers => continue,
            _ => {}
        }
        out.push(
            cx.diagnostic(
                meta,
                cx.range(arg.span()),
                format!("`{name}` logs {what} passed here"),
            )
            .with_label(format!(
                "`{name}` logs its parameter `{}` whole",
                reach.name
            ))
            .with_help("pass `.path()` or a copy with the query's secrets redacted"),
        );
    }
}

/// The log checks of SL006, SL015 and SL016, reported as `meta`.
pub(super) fn check_log(
    meta: &'static RuleMeta,
    check: LogCheck,
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
    let debug_level = kind == MacroKind::Log && is_debug_level(mac);
    if debug_level != (check == LogCheck::Debug) {
        return;
    }
    let what_macro = match kind {
        MacroKind::Log => "log line",
        MacroKind::Print => "printed line",
        _ => "panic message",
    };
    for item in call.interpolated(kind == MacroKind::Log) {
        let (value, range, expr) = match item {
            Resolved::Expr(e) => {
                let e = cx.scope.unwrapped(e);
                (cx.value_of(e), cx.range(e.span()), Some(e))
            }
            Resolved::Capture(name) => {
                let Some(f) = &call.format else { continue };
                (cx.scope.value_of_name(&name), cx.range(f.lit.span()), None)
            }
            Resolved::Missing => continue,
        };
        let Some((what, headers)) = secret(cx, &value) else {
            continue;
        };
        let evidence = cx.query_secret().filter(|_| !headers);
        let label = match (check, evidence) {
            (LogCheck::Unproven, Some(_)) => continue,
            (LogCheck::Unproven, None) if headers => continue,
            (LogCheck::Secret, None) if !headers => continue,
            (_, Some((path, e))) => {
                // Another file's line is left out: a line added above it
                // would leave this file's cached finding behind.
                let at = if *path == cx.source.path || path.ends_with(&cx.source.path) {
                    format!("line {}", e.line)
                } else {
                    format!("in {}", path.display())
                };
                format!("this crate takes `{}` in query strings ({at})", e.key)
            }
            (_, None) if headers => "headers carry `Authorization` and cookies".to_string(),
            (_, None) => "may carry tokens such as `?token=`".to_string(),
        };
        let mut d = cx
            .diagnostic(meta, range.clone(), format!("{what_macro} includes {what}"))
            .with_label(label)
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
