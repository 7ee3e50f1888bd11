//! ## What it does
//! Flags access-log middleware left at a default that writes the full
//! request target, query included: `TraceLayer::new_for_http()` without
//! `make_span_with` (tower-http, used by axum and hyper services) or with
//! `make_span_with(DefaultMakeSpan::..)` (which records `uri` too),
//! actix-web's `Logger::default()`, and `Logger::new` formats with `%r` or
//! `%U`. Test code is not flagged.
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
    interests: &[NodeKind::Call, NodeKind::MethodCall],
    group: Group::Pedantic,
    skip_in_tests: true,
};

const TRACE_LAYER: &str = "tower_http::trace::TraceLayer::new_for_http";
const ACTIX_LOGGER: &str = "actix_web::middleware::Logger";

impl Rule for AccessLogDefault {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // `.make_span_with(DefaultMakeSpan::new())` is the default again:
        // tower-http's `DefaultMakeSpan` records `uri = %request.uri()`.
        if let Node::MethodCall(m) = node {
            let default_span = m.method == "make_span_with"
                && m.args
                    .first()
                    .is_some_and(|a| cx.snippet(a.span()).contains("DefaultMakeSpan"));
            if default_span {
                out.push(
                    cx.diagnostic(
                        &META,
                        cx.member_range(m.method.span(), m.span()),
                        "`DefaultMakeSpan` records the full request URI, query included, in every span",
                    )
                    .with_label("access logs then carry tokens such as `?token=`")
                    .with_help("pass a closure that records the path: `.make_span_with(|req: &Request<_>| tracing::info_span!(\"http\", method = %req.method(), path = %req.uri().path()))`"),
                );
            }
            return;
        }
        let Node::Call(call) = node else { return };
        let Some(path) = cx.scope.callee_path(call) else {
            return;
        };
        let finding = if path == TRACE_LAYER {
            (!cx.applied().any(|m| m == "make_span_with")).then_some(
                "`TraceLayer::new_for_http()` records the full request URI, query included, in every span",
            )
        } else if path == format!("{ACTIX_LOGGER}::default") {
            Some("actix-web's default `Logger` format logs the request line (`%r`), query included")
        } else if path == format!("{ACTIX_LOGGER}::new") {
            call.args
                .first()
                .and_then(super::literal_text)
                .filter(|f| f.contains("%r") || f.contains("%U"))
                .map(|_| "`%r` and `%U` log the request target with its query")
        } else {
            None
        };
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
