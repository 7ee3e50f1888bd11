//! ## What it does
//! Flags a log, print or panic macro at info level and above that records
//! a full request URI, a URL or a raw query string, in a crate that shows
//! no sign of taking secrets in query strings (no `"token"`,
//! `"?api_key="`, OAuth callback struct... see `SL006`). Where the crate
//! does show one, the same line is `SL006` (`secret-in-log`), on by
//! default. Test code is not flagged.
//!
//! This rule is in the `pedantic` group, off by default: on real
//! applications such lines were access logs and error logs of servers
//! whose queries hold nothing secret. Turn it on (`extend-select =
//! ["SL016"]`) to keep every URI out of logs as a policy, for example when
//! clients may send tokens the server itself never reads (a proxy).
//!
//! ## Why is this bad?
//! A query string is whatever the client sent: a pasted presigned URL or
//! a `?token=` meant for another service ends up in the log store, its
//! dashboards and support tickets.
//!
//! ## Example
//! ```rust,ignore
//! async fn not_found(uri: axum::http::Uri) {
//!     tracing::warn!("no route for {}", uri);
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn not_found(uri: axum::http::Uri) {
//!     tracing::warn!(path = %uri.path(), "no route");
//! }
//! ```
//!
//! ## Fix safety
//! For a URI or URL passed as an argument the fix logs `.path()` instead.
//! It changes what the log line says, so it is unsafe.

use super::{Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};

pub struct UriInLog;

static META: RuleMeta = RuleMeta {
    code: "SL016",
    name: "uri-in-log",
    level: Level::Warning,
    summary: "an info-or-above log with a full URI, URL or raw query, in a crate with no sign of query secrets",
    fixable: true,
    source: include_str!("sl016_uri_in_log.rs"),
    triggers: &[],
    needs_models: true,
    interests: &[NodeKind::Macro, NodeKind::Call, NodeKind::MethodCall],
    group: Group::Pedantic,
    skip_in_tests: true,
};

impl Rule for UriInLog {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        super::sl006_secret_in_log::check_log(
            &META,
            super::sl006_secret_in_log::LogCheck::Unproven,
            node,
            cx,
            out,
        );
        super::sl006_secret_in_log::check_helper_call(
            &META,
            super::sl006_secret_in_log::LogCheck::Unproven,
            node,
            cx,
            out,
        );
    }
}
