//! ## What it does
//! Flags a `debug!` or `trace!` log (`log`, `tracing`, their `*_span!`
//! macros, and `event!`/`span!` at `Level::DEBUG` or `Level::TRACE`) that
//! records a full request URI, a URL, a raw query string, or a whole
//! `HeaderMap`. The same check as `SL006`, for the levels production
//! configurations usually filter out. Test code is not flagged.
//!
//! This rule is in the `pedantic` group, off by default: on real
//! applications such lines were diagnostics that only run when someone
//! turns debug logging on. Turn it on (`extend-select = ["SL015"]`) where
//! debug logs are shipped (a service that runs with `RUST_LOG=debug`, or
//! collects traces at every level).
//!
//! ## Why is this bad?
//! Query strings carry secrets (`?token=`, OAuth codes, signed URLs) and
//! headers carry `Authorization` and cookies. A debug log turned on to chase
//! a bug copies them to wherever logs go.
//!
//! ## Example
//! ```rust,ignore
//! async fn ws(uri: axum::http::Uri) {
//!     tracing::debug!("ws connect {}", uri);
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn ws(uri: axum::http::Uri) {
//!     tracing::debug!(path = %uri.path(), "ws connect");
//! }
//! ```
//!
//! ## Fix safety
//! For a URI or URL passed as an argument the fix logs `.path()` instead.
//! It changes what the log line says, so it is unsafe.

use super::{Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};

pub struct SecretInDebugLog;

static META: RuleMeta = RuleMeta {
    code: "SL015",
    name: "secret-in-debug-log",
    level: Level::Warning,
    summary: "a debug or trace log with a full URI, URL, raw query or all headers",
    fixable: true,
    source: include_str!("sl015_secret_in_debug_log.rs"),
    triggers: &["debug", "trace", "DEBUG", "TRACE"],
    needs_models: true,
    interests: &[NodeKind::Macro],
    group: Group::Pedantic,
    skip_in_tests: true,
};

impl Rule for SecretInDebugLog {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        super::sl006_secret_in_log::check_log(
            &META,
            super::sl006_secret_in_log::LogCheck::Debug,
            node,
            cx,
            out,
        );
    }
}
