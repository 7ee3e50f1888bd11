//! ## What it does
//! Flags route paths whose captures are written in a syntax the router of
//! the locked framework version does not use: `/:id` or `/*rest` under
//! axum 0.8 and later, `/{id}` under axum 0.7 and older, `/:id` in
//! actix-web, `/{id}` in poem, `<id>` under salvo 0.76 and later and
//! `{id}` under salvo 0.75 and older. The version comes from the
//! workspace's `Cargo.lock` (or the `Cargo.toml` requirement;
//! `scope-lint models PATH` shows which). Which methods take paths
//! (`Router::route`, `route_service`, `nest`, `nest_service`,
//! `web::resource`, `Router::with_path`, ...) and which syntax each
//! version uses are model data (`rules/axum-routing.toml`,
//! `rules/salvo.toml`, ...). Paths built with `format!` or `concat!` are
//! checked on their literal parts, and constants on their literal. A
//! router that calls `without_v07_checks()` is not flagged.
//!
//! In rocket 0.5 (`rules/rocket.toml`, checks in `rocket_routes.rs`):
//! - a `mount` base that is not a valid static origin path: `Rocket::mount`
//!   parses it with `Origin::parse` and panics ("aborting due to route base
//!   error"; rocket 0.5.2 `src/rkt.rs`, `Rocket::load`), so `/users/<id>`,
//!   `/{v}` or `api` (no leading `/`) never start;
//! - a `Route::new`/`Route::ranked` URI not starting with `/`: it panics
//!   ("Expected valid URIs"; `src/route/uri.rs`, `RouteUri::new`);
//! - `:id`, `{id}` or `*rest` in a `Route::new` URI or in the
//!   `#[get("..")]`-style attribute of a handler the file mounts with
//!   `routes![..]`: the attribute's URI is parsed with `Origin::parse_route`
//!   (rocket_codegen 0.5.2 `src/attribute/route/parse.rs`), which takes any
//!   text, and only `<id>`/`<rest..>` segments are dynamic
//!   (`src/attribute/param/parse.rs`): the route matches the literal text.
//!   When the handler has a parameter of that name the code does not
//!   compile (the parameter is not bound from the path), so it is left to
//!   rustc.
//!
//! ## Why is this bad?
//! axum 0.8 changed captures from `/:id` to `/{id}`. A router still written
//! the old way compiles and then panics when it is built, at startup:
//! "Path segments must not start with `:`. For capture groups, use
//! `{capture}`" (axum's CHANGELOG for 0.8.0, axum issue #3203). The other
//! way round, `/{id}` under axum 0.7 is not a capture at all: the route
//! matches only the literal text `{id}` and every real request gets a 404
//! (except `{*rest}`, which matchit 0.7.3 reads as a misplaced catch-all:
//! axum 0.7 panics, "catch-all parameters are only allowed at the end of
//! a route"; `Node::insert_child`, checked by inserting it). salvo 0.76 made the same change from `<id>` to `{id}` (salvo pull
//! request #1018; salvo_core 0.75.0 and 0.76.0 `PathParser::scan_wisps`
//! open a capture at `<` and at `{` respectively and scan the other form
//! as constant text; pull request #1636: "`<id>` / `<**>` become literal
//! path segments"). Only a test that builds the router catches either.
//!
//! Test code is not flagged: a test that builds such a router fails by
//! itself, or expects the panic (rocket's own `#[should_panic]` test of a
//! dynamic mount base).
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
//! built with `format!` or `concat!`, and constants, get no fix. rocket
//! gets help only: a `<id>` segment needs a handler parameter named `id`.

use super::{rocket_routes, Context, Group, Node, NodeKind, Rule, RuleMeta};
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
    triggers: &["route", "nest", "resource", "scope", ".at(", "path(", "mount("],
    needs_models: true,
    interests: &[NodeKind::MethodCall, NodeKind::Call],
    group: Group::Correctness,
    skip_in_tests: true,
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

/// A capture written in another framework's syntax (`:id`, `*rest`,
/// `{id}`, `{*rest}`): its name and whether it takes the rest of the path.
fn foreign_capture(segment: &str) -> Option<(&str, bool)> {
    if let Some(inner) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        return match inner.strip_prefix('*') {
            Some(name) if is_name(name) => Some((name, true)),
            _ if is_name(inner) => Some((inner, false)),
            _ => None,
        };
    }
    if let Some(name) = segment.strip_prefix(':').filter(|n| is_name(n)) {
        return Some((name, false));
    }
    let name = segment.strip_prefix('*').filter(|n| is_name(n))?;
    Some((name, true))
}

/// `<inner>` as `{inner}` or the other way round (salvo's two syntaxes
/// differ only in delimiters).
fn swap_delimiters(segment: &str, open: char, close: char) -> Option<String> {
    let inner = segment.strip_prefix(open)?.strip_suffix(close)?;
    let plain = !inner.is_empty() && !inner.contains(['<', '>', '{', '}', '/']);
    plain.then(|| match open {
        '<' => format!("{{{inner}}}"),
        _ => format!("<{inner}>"),
    })
}

/// The segment in the router's own syntax, when there is a clear one.
fn rewrite(segment: &str, to: CaptureSyntax) -> Option<String> {
    match to {
        CaptureSyntax::SalvoBraces => return swap_delimiters(segment, '<', '>'),
        CaptureSyntax::SalvoAngle => return swap_delimiters(segment, '{', '}'),
        _ => {}
    }
    let (name, rest) = foreign_capture(segment)?;
    let native = match (to, rest) {
        (CaptureSyntax::Braces, false) => format!("{{{name}}}"),
        (CaptureSyntax::Braces, true) => format!("{{*{name}}}"),
        (CaptureSyntax::Colon, false) => format!(":{name}"),
        (CaptureSyntax::Colon, true) => format!("*{name}"),
        (CaptureSyntax::Angle, false) => format!("<{name}>"),
        (CaptureSyntax::Angle, true) => format!("<{name}..>"),
        (CaptureSyntax::SalvoBraces | CaptureSyntax::SalvoAngle, _) => return None,
    };
    (native != segment).then_some(native)
}

/// The first segment written in a syntax `router` does not take.
fn wrong_segment<'t>(path: &'t str, router: &RouterModel) -> Option<&'t str> {
    path.split('/').find(|seg| {
        router.wrong.iter().any(|w| seg.starts_with(w.as_str()))
            // `{` as a wrong start means a whole `{name}` capture.
            && (router.captures == CaptureSyntax::Braces || rewrite(seg, router.captures).is_some())
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

/// The router crate's version and where it comes from, for messages.
fn version_of(router: &RouterModel, cx: &Context<'_>) -> String {
    cx.models()
        .versions
        .get(&router.krate.replace('-', "_"))
        .filter(|(_, o)| *o != Origin::Newest)
        .map(|(v, o)| format!(" {v} ({})", o.describe()))
        .unwrap_or_default()
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
        let raw = cx.snippet(arg.span());
        let plain = route.plain && raw.len() == route.text.len() + 2 && raw.starts_with('"');
        self.check_text(router, &route.text, plain, arg.span(), &[], cx, out);
    }

    /// Checks one route path; `plain` says the span is a plain literal
    /// that may be rewritten. Captures named like one of `params` are left
    /// alone (rocket: the handler's parameter then cannot compile).
    #[allow(clippy::too_many_arguments)]
    fn check_text(
        &self,
        router: &RouterModel,
        text: &str,
        plain: bool,
        span: proc_macro2::Span,
        params: &[String],
        cx: &Context<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        // Route paths start with `/` or hold one (or are a bare capture of
        // a scope: salvo's nested `Router::with_path("<id>")`).
        if !text.starts_with(['/', DYNAMIC])
            && !text.contains('/')
            && rewrite(text, router.captures).is_none()
        {
            return;
        }
        let path = text.split('?').next().unwrap_or(text);
        let Some(segment) = wrong_segment(path, router) else {
            return;
        };
        if foreign_capture(segment).is_some_and(|(name, _)| params.iter().any(|p| p == name)) {
            return;
        }
        let range = cx.range(span);
        let panics = router
            .panics_on
            .iter()
            .any(|p| path.split('/').any(|seg| seg.starts_with(p.as_str())));
        let (mismatch, why) = match &router.panic_why {
            Some(why) if panics => ("panics at startup", why),
            _ => (router.mismatch.as_str(), &router.why),
        };
        let mut d = cx
            .diagnostic(
                &META,
                range.clone(),
                format!(
                    "route segment `{segment}` {mismatch} under {}{}",
                    router.krate,
                    version_of(router, cx)
                ),
            )
            .with_label(why.clone());
        let fixed: Option<Vec<String>> = path
            .split('/')
            .map(|seg| {
                if wrong_segment(seg, router).is_some() {
                    rewrite(seg, router.captures)
                } else {
                    Some(seg.to_string())
                }
            })
            .collect();
        let fixed = fixed.map(|parts| {
            let mut whole = parts.join("/");
            if let Some((_, query)) = text.split_once('?') {
                whole = format!("{whole}?{query}");
            }
            whole
        });
        match fixed {
            Some(whole) if plain && router.edit_fix => {
                let applicability = if router.safe_fix {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                };
                d = d.with_fix(Fix::replace(applicability, range, format!("\"{whole}\"")));
            }
            Some(whole) => {
                let shown = whole.replace(DYNAMIC, "..");
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

    /// `rocket.mount(base, routes![a, b])`: the base must be a valid static
    /// origin, and the route attributes of the handlers listed from this
    /// file are route paths too.
    fn check_mount(
        &self,
        router: &RouterModel,
        call: &syn::ExprMethodCall,
        cx: &Context<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let mut args = call.args.iter();
        let Some(base) = args.next() else { return };
        if let Some(text) = cx.value_of(base).lit.map(|l| l.text.to_string()) {
            if let Some(why) = rocket_routes::invalid_mount_base(&text) {
                out.push(
                    cx.diagnostic(
                        &META,
                        cx.range(base.span()),
                        format!(
                            "mount base `{text}` panics at startup under {}{} (\"aborting due to route base error\")",
                            router.krate,
                            version_of(router, cx)
                        ),
                    )
                    .with_label(why)
                    .with_help("mount at a static path (`/users`) and put dynamic segments in the routes' own paths"),
                );
            }
        }
        for name in mounted_handlers(args.next()) {
            let Some(Some(attr)) = cx.scope.facts().route_attrs.get(&name.to_string()) else {
                continue;
            };
            self.check_text(router, &attr.uri, false, attr.span, &attr.params, cx, out);
        }
    }
}

/// The handlers a `routes![a, b]` argument lists by plain name (handlers
/// of other modules are not this file's).
pub fn mounted_handlers(arg: Option<&syn::Expr>) -> Vec<syn::Ident> {
    let Some(syn::Expr::Macro(m)) = arg else {
        return Vec::new();
    };
    if m.mac
        .path
        .segments
        .last()
        .is_none_or(|s| s.ident != "routes")
    {
        return Vec::new();
    }
    m.mac
        .parse_body_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        .map(|paths| {
            paths
                .iter()
                .filter_map(|p| p.get_ident().cloned())
                .collect()
        })
        .unwrap_or_default()
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
                // Most calls are of no router's methods: no value is
                // worked out for them.
                if !routers
                    .iter()
                    .any(|r| r.mounts.contains(&method) || r.methods.contains(&method))
                {
                    return;
                }
                let recv = cx.value_of(&call.receiver);
                let recv_ty = recv.ty.path().map(str::to_string);
                if let Some(router) = routers.iter().find(|r| {
                    r.mounts.contains(&method)
                        && recv_ty.as_ref().is_some_and(|t| r.types.contains(t))
                }) {
                    self.check_mount(router, call, cx, out);
                    return;
                }
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
                if !cx
                    .scope
                    .call_may_name(call, |n| cx.models().is_router_function_name(n))
                {
                    return;
                }
                let Some(func) = cx.scope.resolve_path(&p.path) else {
                    return;
                };
                let Some(router) = routers.iter().find(|r| r.functions.contains(&func)) else {
                    return;
                };
                let at = router.path_args.get(&func).copied().unwrap_or(0);
                let Some(path) = call.args.iter().nth(at) else {
                    return;
                };
                if opted_out(router, cx, None) {
                    return;
                }
                // rocket's `Route::new`/`Route::ranked` parse the URI with
                // `Origin::parse_route`: anything not starting with `/`
                // panics ("Expected valid URIs").
                if router.mounts.is_empty() {
                    self.check_path(router, path, cx, out);
                    return;
                }
                match cx.value_of(path).lit {
                    Some(lit) if !lit.text.starts_with('/') => out.push(
                        cx.diagnostic(
                            &META,
                            cx.range(path.span()),
                            format!(
                                "route URI `{}` panics under {}{}: it must start with `/` (\"Expected valid URIs\")",
                                lit.text,
                                router.krate,
                                version_of(router, cx)
                            ),
                        )
                        .with_label("`RouteUri::new` parses it with `Origin::parse_route`")
                        .with_help(format!("write `/{}`", lit.text)),
                    ),
                    _ => self.check_path(router, path, cx, out),
                }
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
