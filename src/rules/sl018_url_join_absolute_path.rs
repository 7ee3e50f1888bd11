//! ## What it does
//! The `SL010` check for a `join` argument that starts with `/` when the
//! base URL's path is not known (a parameter, a configured URL):
//! `scheduler_url.join("/api/v1/status")`. The leading `/` resolves from
//! the root, so a base configured as `https://host/prefix/` loses
//! `/prefix`. Where the base is a literal with a path, the same call is
//! `SL010`; where its path is empty or `/`, nothing is lost.
//!
//! This rule is in the `pedantic` group, off by default: on real
//! applications such calls named API routes that live at the server's
//! root, on purpose. Turn it on (`extend-select = ["SL018"]`) where base
//! URLs may carry a path prefix (a service behind a path-routing proxy).
//!
//! ## Why is this bad?
//! Behind a reverse proxy that routes by path prefix, every request goes
//! to the proxy's root instead of the service.
//!
//! ## Example
//! ```rust,ignore
//! fn status(base: &Url) -> Result<Url, url::ParseError> {
//!     base.join("/api/v1/status")
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! fn status(base: &Url) -> Result<Url, url::ParseError> {
//!     base.join("api/v1/status") // and a base that ends in `/`
//! }
//! ```
//!
//! ## Fix safety
//! The fix removes the leading `/`. It changes which URL is requested
//! (relative to the base's last segment), so it is unsafe.

use super::sl010_url_join_drops_segment::{format_literal, leading_slash, url_join, url_path};
use super::{literal_text, Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};

pub struct UrlJoinAbsolutePath;

static META: RuleMeta = RuleMeta {
    code: "SL018",
    name: "url-join-absolute-path",
    level: Level::Warning,
    summary: "`Url::join(\"/..\")` on a base whose path is not known",
    fixable: true,
    source: include_str!("sl018_url_join_absolute_path.rs"),
    triggers: &["join"],
    needs_models: true,
    interests: &[NodeKind::MethodCall],
    group: Group::Pedantic,
    skip_in_tests: true,
};

impl Rule for UrlJoinAbsolutePath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((call, base)) = url_join(node, cx) else {
            return;
        };
        // A base whose literal path is known is SL010's.
        if base.lit.as_ref().and_then(|l| url_path(&l.text)).is_some() {
            return;
        }
        let arg = &call.args[0];
        let from_format = format_literal(arg);
        let Some(text) = literal_text(arg).or_else(|| from_format.clone()) else {
            return;
        };
        if !text.starts_with('/') || text.starts_with("//") {
            return;
        }
        out.push(leading_slash(&META, cx, call, &text, from_format.is_some()));
    }
}
