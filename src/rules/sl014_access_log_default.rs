//! ## What it does
//! Flags access-log middleware left at a default that writes the full
//! request target, query included: `TraceLayer::new_for_http()` without
//! `make_span_with`, and `DefaultMakeSpan` wherever it is built, also in
//! `make_span_with(DefaultMakeSpan::..)` (tower-http, used by axum and hyper
//! services: its span records `uri = %request.uri()`), tracing-actix-web's
//! `TracingLogger::default()` (records `http.target`, path and query),
//! actix-web's `Logger::default()`, and `Logger::new` formats with `%r` or
//! `%U`. Which middleware records what is model data (`[[access-log]]`
//! entries in `rules/*.toml`). Test code is not flagged.
//!
//! This rule is in the `pedantic` group, off by default: on real
//! applications most such middleware serves APIs that take no secret in a
//! query string, and the finding is a policy choice, not a bug. Turn it on
//! (`extend-select = ["SL014"]`) in services that accept tokens, signatures
//! or OAuth codes in queries (WebSocket endpoints, presigned URLs,
//! password-reset links). Logging such a value yourself is `SL006`, on by
//! default.
//!
//! ## Why is this bad?
//! Query strings carry secrets: WebSocket clients cannot set headers, so
//! tokens travel as `?token=`, and so do password-reset links, OAuth codes
//! and signed URLs. An access log copies every one of them to log shippers
//! and dashboards.
//!
//! ## Example
//! ```rust,ignore
//! let app = axum::Router::new()
//!     .route("/ws", get(ws))
//!     .layer(tower_http::trace::TraceLayer::new_for_http());
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! let app = axum::Router::new()
//!     .route("/ws", get(ws))
//!     .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
//!         tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
//!     }));
//! ```
//! For actix-web, a `Logger` format without `%r` and `%U`
//! (`"%a \"%m %{PATH}xi\" %s %b %T"` with a custom `PATH` replacement).
//!
//! ## Fix safety
//! There is no automatic fix: what to record instead is the team's choice.

use super::{Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use syn::spanned::Spanned;

pub struct AccessLogDefault;

pub static META: RuleMeta = RuleMeta {
    code: "SL014",
    name: "access-log-default",
    level: Level::Warning,
    summary: "access-log middleware at a default that logs the full request target, query included",
    fixable: false,
    source: include_str!("sl014_access_log_default.rs"),
    triggers: &["TraceLayer", "Logger", "DefaultMakeSpan"],
    needs_models: true,
    interests: &[NodeKind::Call],
    group: Group::Pedantic,
    skip_in_tests: true,
};

impl Rule for AccessLogDefault {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Node::Call(call) = node else { return };
        let Some(path) = cx.scope.callee_path(call) else {
            return;
        };
        // Which middleware records the query, and when, is model data
        // (`[[access-log]]` in rules/tower-http.toml, actix-web.toml, ...).
        let Some(log) = cx.models().access_log(&path) else {
            return;
        };
        let replaced = cx.applied().any(|m| log.unless.iter().any(|u| u == m));
        let format_records = match log.format_arg {
            None => true,
            Some(i) => call
                .args
                .iter()
                .nth(i)
                .and_then(super::literal_text)
                .is_some_and(|f| log.format_has.iter().any(|h| f.contains(h.as_str()))),
        };
        let finding = (!replaced && format_records).then_some(log.records.as_str());
        if let Some(message) = finding {
            out.push(
                cx.diagnostic(&META, cx.range(call.span()), message)
                    .with_label("access logs then carry tokens such as `?token=`")
                    .with_help(
                        "log the path only: `.make_span_with(|req: &Request<_>| tracing::info_span!(\"http\", method = %req.method(), path = %req.uri().path()))`; for actix-web use a format with `%{PATH}xi` or `%m %{...}` without `%r`/`%U`",
                    ),
            );
        }
    }
}
