//! ## What it does
//! Flags route paths whose captures are written in a syntax the router of
//! the locked framework version does not use: `/:id` or `/*rest` under
//! axum 0.8 and later, `/{id}` under axum 0.7 and older, `/:id` in
//! actix-web and `/{id}` in poem. The version comes from the workspace's
//! `Cargo.lock` (or the `Cargo.toml` requirement; `scope-lint models PATH`
//! shows which). Which methods take paths (`Router::route`,
//! `route_service`, `nest`, `nest_service`, `web::resource`, ...) and which
//! syntax each version uses are model data (`rules/axum-routing.toml`).
//! Paths built with `format!` or `concat!` are checked on their literal
//! parts, and constants on their literal. A router that calls `without_v07_checks()` is not flagged.
//!
//! ## Why is this bad?
//! axum 0.8 changed captures from `/:id` to `/{id}`. A router still written
//! the old way compiles and then panics when it is built, at startup:
//! "Path segments must not start with `:`. For capture groups, use
//! `{capture}`" (axum's CHANGELOG for 0.8.0, axum issue #3203). The other
//! way round, `/{id}` under axum 0.7 is not a capture at all: the route
//! matches only the literal text `{id}` and every real request gets a 404.
//! Only a test that builds the router catches either.
//!
//! ## Example
//! ```rust,ignore
//! // Cargo.lock: axum 0.8.4
//! let app = Router::new().route("/users/:id", get(user));
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! let app = Router::new().route("/users/{id}", get(user));
//! ```
//!
//! ## Fix safety
//! Rewriting `:id`/`*rest` to `{id}`/`{*rest}` where the locked version
//! panics on the old syntax is safe: the router could not start before.
//! Rewriting `{id}` to `:id` (axum 0.7) or to the framework's syntax
//! elsewhere is unsafe: it changes which requests the route matches. Paths
//! built with `format!` or `concat!`, and constants, get no fix.

use super::{Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Level};
use crate::models::versions::Origin;
use crate::models::{CaptureSyntax, RouterModel};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

pub struct RoutePathSyntax;

pub static META: RuleMeta = RuleMeta {
    code: "SL012",
    name: "route-path-syntax",
    level: Level::Error,
    summary: "route path captures in a syntax the locked framework version does not use (axum 0.8 panics on `/:id`)",
    fixable: true,
    source: include_str!("sl012_route_path_syntax.rs"),
    triggers: &["route", "nest", "resource", "scope", ".at("],
    needs_models: true,
    interests: &[NodeKind::MethodCall, NodeKind::Call],
    group: Group::Correctness,
    skip_in_tests: false,
};

/// Stands for a `{}` placeholder or a non-literal part of a built path.
const DYNAMIC: char = '\u{1}';

/// A route path argument: its text (dynamic parts as [`DYNAMIC`]) and
/// whether it is a plain literal whose source may be rewritten.
struct RouteText {
    text: String,
    plain: bool,
}

fn route_text(expr: &syn::Expr) -> Option<RouteText> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(RouteText {
            text: s.value(),
            plain: true,
        }),
        syn::Expr::Reference(r) => route_text(&r.expr),
        syn::Expr::Paren(p) => route_text(&p.expr),
        syn::Expr::Group(g) => route_text(&g.expr),
        syn::Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(
                    m.method.to_string().as_str(),
                    "as_str" | "to_string" | "to_owned" | "into"
                ) =>
        {
            route_text(&m.receiver)
        }
        syn::Expr::Macro(m) => macro_text(&m.mac),
        _ => None,
    }
}

/// The literal parts of `format!("..")` and `concat!(..)`.
fn macro_text(mac: &syn::Macro) -> Option<RouteText> {
    let name = mac.path.segments.last()?.ident.to_string();
    let args = mac
        .parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .ok()?;
    let lit = |e: &syn::Expr| match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    };
    let text = match name.as_str() {
        "format" => format_literal(&lit(args.first()?)?),
        "concat" => args
            .iter()
            .map(|a| lit(a).unwrap_or_else(|| DYNAMIC.to_string()))
            .collect(),
        _ => return None,
    };
    Some(RouteText { text, plain: false })
}

/// A format string with placeholders as [`DYNAMIC`] and `{{`/`}}` undone.
fn format_literal(fmt: &str) -> String {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
                out.push(DYNAMIC);
            }
            c => out.push(c),
        }
    }
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The segment in the router's own syntax, when there is a clear one.
fn rewrite(segment: &str, to: CaptureSyntax) -> Option<String> {
    match to {
        CaptureSyntax::Braces => {
            if let Some(name) = segment.strip_prefix(':').filter(|n| is_name(n)) {
                Some(format!("{{{name}}}"))
            } else {
                let name = segment.strip_prefix('*').filter(|n| is_name(n))?;
                Some(format!("{{*{name}}}"))
            }
        }
        CaptureSyntax::Colon => {
            let inner = segment.strip_prefix('{')?.strip_suffix('}')?;
            match inner.strip_prefix('*') {
                Some(name) if is_name(name) => Some(format!("*{name}")),
                _ if is_name(inner) => Some(format!(":{inner}")),
                _ => None,
            }
        }
    }
}

/// The first segment written in a syntax `router` does not take.
fn wrong_segment<'t>(path: &'t str, router: &RouterModel) -> Option<&'t str> {
    path.split('/').find(|seg| {
        router.wrong.iter().any(|w| seg.starts_with(w.as_str()))
            // `{` as a wrong start means a whole `{name}` capture.
            && (router.captures != CaptureSyntax::Colon || rewrite(seg, CaptureSyntax::Colon).is_some())
    })
}

/// Whether `name` is called on the router's chain or anywhere in the
/// enclosing function (`let app = Router::new().without_v07_checks();`).
fn opted_out(router: &RouterModel, cx: &Context<'_>, receiver: Option<&syn::Expr>) -> bool {
    if router.opt_out.is_empty() {
        return false;
    }
    if cx.applied().any(|m| router.opt_out.iter().any(|o| o == m)) {
        return true;
    }
    let mut at = receiver;
    while let Some(syn::Expr::MethodCall(m)) = at {
        if router.opt_out.iter().any(|o| m.method == o) {
            return true;
        }
        at = Some(&m.receiver);
    }
    let body = cx
        .scope
        .fn_body()
        .and_then(|r| cx.source.text.get(r))
        .unwrap_or(&cx.source.text);
    router
        .opt_out
        .iter()
        .any(|o| body.contains(&format!("{o}(")))
}

impl RoutePathSyntax {
    fn check_path(
        &self,
        router: &RouterModel,
        arg: &syn::Expr,
        cx: &Context<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        // A literal, `format!`/`concat!` parts, or a constant's literal.
        let Some(route) = route_text(arg).or_else(|| {
            cx.value_of(arg).lit.map(|l| RouteText {
                text: l.text.to_string(),
                plain: false,
            })
        }) else {
            return;
        };
        // Route paths start with `/` (or are a bare capture of a scope).
        if !route.text.starts_with(['/', DYNAMIC]) && !route.text.contains('/') {
            return;
        }
        let Some(segment) = wrong_segment(&route.text, router) else {
            return;
        };
        let version = cx
            .models()
            .versions
            .get(&router.krate.replace('-', "_"))
            .filter(|(_, o)| *o != Origin::Newest)
            .map(|(v, o)| format!(" {v} ({})", o.describe()))
            .unwrap_or_default();
        let range = cx.range(arg.span());
        let mut d = cx
            .diagnostic(
                &META,
                range.clone(),
                format!(
                    "route segment `{segment}` {} under {}{version}",
                    router.mismatch, router.krate
                ),
            )
            .with_label(router.why.clone());
        let fixed: Option<Vec<String>> = route
            .text
            .split('/')
            .map(|seg| {
                if wrong_segment(seg, router).is_some() {
                    rewrite(seg, router.captures)
                } else {
                    Some(seg.to_string())
                }
            })
            .collect();
        let raw = cx.snippet(arg.span());
        let plain_literal = raw.len() == route.text.len() + 2 && raw.starts_with('"');
        match fixed {
            Some(parts) if route.plain && plain_literal => {
                let applicability = if router.safe_fix {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                };
                d = d.with_fix(Fix::replace(
                    applicability,
                    range,
                    format!("\"{}\"", parts.join("/")),
                ));
            }
            Some(parts) => {
                let shown = parts.join("/").replace(DYNAMIC, "..");
                d = d.with_help(format!("write the path as `{shown}`"));
            }
            None => {
                d = d.with_help(format!(
                    "write captures as {}, or escape a literal segment",
                    router.captures.name()
                ));
            }
        }
        out.push(d);
    }
}

impl Rule for RoutePathSyntax {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let routers = cx.models().routers();
        if routers.is_empty() {
            return;
        }
        match node {
            Node::MethodCall(call) => {
                let method = call.method.to_string();
                let Some(first) = call.args.first() else {
                    return;
                };
                let recv = cx.value_of(&call.receiver);
                let recv_ty = recv.ty.path().map(str::to_string);
                let arg_ty = call
                    .args
                    .iter()
                    .nth(1)
                    .and_then(|a| cx.value_of(a).ty.path().map(str::to_string));
                let Some(router) = routers.iter().find(|r| {
                    r.methods.contains(&method)
                        && (recv_ty.as_ref().is_some_and(|t| r.types.contains(t))
                            || arg_ty.as_ref().is_some_and(|t| r.arguments.contains(t)))
                }) else {
                    return;
                };
                if opted_out(router, cx, Some(&call.receiver)) {
                    return;
                }
                self.check_path(router, first, cx, out);
            }
            Node::Call(call) => {
                let syn::Expr::Path(p) = &*call.func else {
                    return;
                };
                let Some(func) = cx.scope.resolve_path(&p.path) else {
                    return;
                };
                let Some(first) = call.args.first() else {
                    return;
                };
                let Some(router) = routers.iter().find(|r| r.functions.contains(&func)) else {
                    return;
                };
                if opted_out(router, cx, None) {
                    return;
                }
                self.check_path(router, first, cx, out);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_rewrite_between_syntaxes() {
        assert_eq!(
            rewrite(":id", CaptureSyntax::Braces).as_deref(),
            Some("{id}")
        );
        assert_eq!(
            rewrite("*rest", CaptureSyntax::Braces).as_deref(),
            Some("{*rest}")
        );
        assert_eq!(
            rewrite("{id}", CaptureSyntax::Colon).as_deref(),
            Some(":id")
        );
        assert_eq!(
            rewrite("{*rest}", CaptureSyntax::Colon).as_deref(),
            Some("*rest")
        );
        assert_eq!(rewrite(":a:b", CaptureSyntax::Braces), None);
        assert_eq!(rewrite("{a}.json", CaptureSyntax::Colon), None);
    }

    #[test]
    fn format_strings_keep_only_literal_parts() {
        assert_eq!(
            format_literal("{}/users/:id/{{raw}}"),
            format!("{DYNAMIC}/users/:id/{{raw}}")
        );
        assert_eq!(
            format_literal("{base}/{id:>3}"),
            format!("{DYNAMIC}/{DYNAMIC}")
        );
    }
}
