//! ## What it does
//! Flags `url.path_segments().unwrap()` and `.expect(..)`, and the same on
//! `path_segments_mut()`, unless the URL is a literal with a special scheme
//! (`https:`, `file:` ...) or the URL of a response an HTTP client fetched
//! (`resp.url()`: `http` or `https`), which always have segments, or the
//! function checks `cannot_be_a_base()` or the scheme first. Test code is
//! not flagged.
//!
//! This rule is in the `pedantic` group, off by default: on the
//! application corpus and ten held-out batches of real code bases its
//! findings were URLs the developer or a library's user configures (an API
//! base, an object store's endpoint), none a bug a reviewer accepted. A
//! URL the client chose is `SL008`'s, on by default. Turn this on
//! (`extend-select = ["SL011"]`) to treat every configured URL as
//! untrusted.
//!
//! ## Why is this bad?
//! `path_segments()` is `None` for URLs that cannot be a base (`mailto:`,
//! `data:`, `javascript:`) and for some non-special schemes. When the URL
//! comes from configuration, a redirect or a user, the unwrap is a panic
//! waiting for the first unusual scheme.
//!
//! ## Example
//! ```rust,ignore
//! let last = url.path_segments().unwrap().last();
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! let last = url.path_segments().ok_or(Error::NotABase)?.last();
//! ```
//!
//! ## Fix safety
//! There is no automatic fix: the function's error type decides how a
//! URL that is not a base is reported.

use super::{Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::models::roles::Role;
use syn::spanned::Spanned;

pub struct PathSegmentsUnwrap;

static META: RuleMeta = RuleMeta {
    code: "SL011",
    name: "path-segments-unwrap",
    level: Level::Warning,
    summary: "`url.path_segments().unwrap()` panics on URLs that cannot be a base",
    fixable: false,
    source: include_str!("sl011_path_segments_unwrap.rs"),
    triggers: &["path_segments"],
    needs_models: true,
    interests: &[NodeKind::MethodCall],
    group: Group::Pedantic,
    skip_in_tests: true,
};

/// Earlier in the function, code that rules out a URL without segments:
/// `if url.cannot_be_a_base() { return .. }`, or a scheme check
/// (`url.scheme() != "https"`, `matches!(url.scheme(), "http" | "https")`).
fn guarded_before(cx: &Context<'_>, call: proc_macro2::Span) -> bool {
    let Some(body) = cx.scope.fn_body() else {
        return false;
    };
    let at = cx.range(call).start;
    if at < body.start || at > body.end {
        return false;
    }
    cx.source.text[body.start..at]
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .any(|l| l.contains("cannot_be_a_base") || l.contains(".scheme()"))
}

impl Rule for PathSegmentsUnwrap {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Node::MethodCall(call) = node else { return };
        if call.method != "unwrap" && call.method != "expect" {
            return;
        }
        let syn::Expr::MethodCall(inner) = &*call.receiver else {
            return;
        };
        if inner.method != "path_segments" && inner.method != "path_segments_mut" {
            return;
        }
        let url = cx.value_of(&inner.receiver);
        if !url.ty.is("url::Url") {
            return;
        }
        // A URL the client chose is SL008's (on by default).
        if url.from_request() {
            return;
        }
        // A literal with a special scheme always has path segments.
        if url
            .lit
            .as_ref()
            .is_some_and(|l| crate::scope::has_special_scheme(&l.text))
        {
            return;
        }
        // The URL of a fetched response (`http` or `https`), or a literal's
        // after a call that changed its path or query.
        if url.has(Role::FetchedUrl) || url.has(Role::SpecialScheme) {
            return;
        }
        if guarded_before(cx, call.span()) || cx.scope.expr_checked(&call.receiver) {
            return;
        }
        out.push(
            cx.diagnostic(
                &META,
                cx.member_range(call.method.span(), call.span()),
                format!(
                    "`{}().{}` panics on URLs that cannot be a base",
                    inner.method, call.method
                ),
            )
            .with_label("`None` for `mailto:`, `data:` and other cannot-be-a-base URLs")
            .with_help(format!("handle it: `{}().ok_or(..)?`", inner.method)),
        );
    }
}
