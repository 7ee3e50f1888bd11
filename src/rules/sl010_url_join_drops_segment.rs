//! ## What it does
//! Flags `Url::join` on a base whose literal path does not end in `/`
//! (`Url::parse("https://api.x.io/v1")?.join("users")` gives `/users`), and
//! `join` with an argument literal that starts with `/` on a base whose
//! literal path it drops (`/v1`), or with `//` (it switches to another
//! host). A leading `/` on a base whose path is not known is the opt-in
//! `SL018` (`url-join-absolute-path`): there the root is usually meant.
//!
//! ## Why is this bad?
//! `join` resolves a relative reference the way a browser resolves a link
//! (RFC 3986): the last path segment of the base is a "file" and is
//! replaced, a leading `/` restarts from the root, and `//host/..` is a new
//! authority. API clients built on it call `/users` instead of
//! `/v1/users`, and a user-controlled `//evil.example` sends requests, with
//! their credentials, to another host.
//!
//! ## Example
//! ```rust,ignore
//! let base = Url::parse("https://api.example.com/v1")?;
//! let users = base.join("users")?; // https://api.example.com/users
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! let base = Url::parse("https://api.example.com/v1/")?;
//! let users = base.join("users")?; // https://api.example.com/v1/users
//! ```
//! or push segments: `url.path_segments_mut().map_err(..)?.push("users")`.
//!
//! ## Fix safety
//! For a base without the trailing slash the fix adds it to the base's
//! literal; for an argument with a leading `/` it removes it. Both change
//! which URL is requested, so both are unsafe.

use super::{literal_text, Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Level};
use crate::models::roles::Role;
use syn::spanned::Spanned;

pub struct UrlJoinDropsSegment;

static META: RuleMeta = RuleMeta {
    code: "SL010",
    name: "url-join-drops-segment",
    level: Level::Warning,
    summary: "`Url::join` that drops the base's last segment, its path, or its host",
    fixable: true,
    source: include_str!("sl010_url_join_drops_segment.rs"),
    triggers: &["join"],
    needs_models: true,
    interests: &[NodeKind::MethodCall],
    group: Group::Correctness,
    skip_in_tests: true,
};

/// The path of an absolute URL literal (`/v1` of `https://x.io/v1?q`).
pub(super) fn url_path(url: &str) -> Option<&str> {
    let rest = &url[url.find("://")? + 3..];
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    Some(rest.find('/').map_or("", |i| &rest[i..]))
}

/// The format string of `format!("/users/{id}")` (also behind `&`): a
/// joined `format!` starts with its literal text.
pub(super) fn format_literal(arg: &syn::Expr) -> Option<String> {
    let mut e = arg;
    while let syn::Expr::Reference(r) = e {
        e = &r.expr;
    }
    let syn::Expr::Macro(m) = e else { return None };
    if m.mac.path.segments.last()?.ident != "format" {
        return None;
    }
    let lit: syn::LitStr = m
        .mac
        .parse_body_with(|input: syn::parse::ParseStream<'_>| {
            let lit: syn::LitStr = input.parse()?;
            let _: proc_macro2::TokenStream = input.parse()?;
            Ok(lit)
        })
        .ok()?;
    Some(lit.value())
}

/// The finding for `join("/..")`, reported as `meta` (SL010 on a base
/// with a path, SL018 on a base whose path is unknown), with the unsafe fix
/// that drops the leading `/` of a plain string literal.
pub(super) fn leading_slash(
    meta: &'static RuleMeta,
    cx: &Context<'_>,
    call: &syn::ExprMethodCall,
    text: &str,
    from_format: bool,
) -> Diagnostic {
    let arg = &call.args[0];
    let range = cx.member_range(call.method.span(), call.span());
    let arg_range = cx.range(arg.span());
    let raw = cx.snippet(arg.span());
    let mut d = cx
        .diagnostic(meta, range, format!("`join(\"{text}\")` drops the base URL's path"))
        .with_label("a leading `/` resolves from the root")
        .with_help("drop the leading `/` and end the base with `/`, or push segments with `path_segments_mut()`");
    if raw.starts_with('"') && !from_format {
        d = d.with_fix(Fix::replace(
            Applicability::Unsafe,
            arg_range,
            format!("\"{}\"", &raw[2..raw.len() - 1]),
        ));
    }
    d
}

/// `base.join(arg)` on a `url::Url`, with the base's value; not when the
/// argument is a request URI (SL004's finding).
pub(super) fn url_join<'a>(
    node: Node<'a>,
    cx: &Context<'_>,
) -> Option<(&'a syn::ExprMethodCall, crate::scope::Value)> {
    let Node::MethodCall(call) = node else {
        return None;
    };
    if call.method != "join" || call.args.len() != 1 {
        return None;
    }
    let base = cx.value_of(&call.receiver);
    if !base.ty.is("url::Url") || cx.value_of(&call.args[0]).has(Role::RequestUri) {
        return None;
    }
    Some((call, base))
}

impl Rule for UrlJoinDropsSegment {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((call, base)) = url_join(node, cx) else {
            return;
        };
        let arg = &call.args[0];
        let base_lit = base.lit.as_ref();
        let base_path = base_lit.and_then(|l| url_path(&l.text));
        let range = cx.member_range(call.method.span(), call.span());
        let from_format = format_literal(arg);
        let arg_text = literal_text(arg).or_else(|| from_format.clone());
        if let Some(text) = &arg_text {
            if text.starts_with("//") {
                out.push(
                    cx.diagnostic(&META, range, format!("`join(\"{text}\")` switches to another host"))
                        .with_label("`//host/..` is a new authority, not a path")
                        .with_help("push path segments with `path_segments_mut()`; never join input that may start with `//`"),
                );
                return;
            }
            if text.contains("://") || text.starts_with(['?', '#']) {
                return;
            }
            if text.starts_with('/') {
                // A base whose path is unknown is SL018's (opt-in): the
                // root is often what is meant.
                if base_path.is_none_or(|p| p.is_empty() || p == "/") {
                    return;
                }
                out.push(leading_slash(&META, cx, call, text, from_format.is_some()));
                return;
            }
        }
        let (Some(lit), Some(path)) = (base_lit, base_path) else {
            return;
        };
        if path.is_empty() || path.ends_with('/') {
            return;
        }
        let last = path.rsplit('/').next().unwrap_or(path);
        let mut d = cx
            .diagnostic(
                &META,
                range,
                format!("`join` replaces the base's last segment `{last}`"),
            )
            .with_label(format!("the base `{}` does not end in `/`", lit.text))
            .with_secondary(cx.range(lit.span), "add a trailing `/` here")
            .with_help(
                "end the base URL's path with `/`, or push segments with `path_segments_mut()`",
            );
        let lit_range = cx.range(lit.span);
        let raw = cx.snippet(lit.span);
        if raw.starts_with('"') && raw.ends_with('"') && !lit.text.contains(['?', '#']) {
            let at = lit_range.end - 1;
            d = d.with_fix(Fix::replace(Applicability::Unsafe, at..at, "/".to_string()));
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::url_path;

    #[test]
    fn paths_of_literals() {
        assert_eq!(url_path("https://api.x.io/v1"), Some("/v1"));
        assert_eq!(url_path("https://api.x.io"), Some(""));
        assert_eq!(url_path("https://api.x.io/v1/?a=/b"), Some("/v1/"));
        assert_eq!(url_path("not a url"), None);
    }
}
