//! ## What it does
//! Flags route registrations on one router chain that make axum panic when
//! the router is built:
//! - the same HTTP method twice on one path
//!   (`.route("/x", get(a)).route("/x", get(b))`);
//! - the same method twice in one method router (`get(a).get(b)`);
//! - a path registered with `route_service` or `nest_service` and
//!   registered again, and in
//!   poem any path given twice to `Route::at`/`nest`;
//! - the same, between a router and a router chain it `merge`s;
//! - under axum 0.8 (matchit 0.8), two paths that differ only in capture
//!   names (`/users/{id}` and `/users/{name}`), or a catch-all and a
//!   capture in the same last segment (`/files/{*rest}`, `/files/{id}`).
//!
//! Which methods register what, and whether capture names conflict in the
//! locked version, is model data (`rules/axum-routing.toml`). Only literal
//! paths on one method chain are compared.
//!
//! Test code is not flagged: a test that builds such a router panics
//! itself (axum's own tests do it on purpose).
//!
//! ## Why is this bad?
//! axum checks routes when the router is built, at startup, and panics:
//! "Overlapping method route. Handler for `GET /x` already exists"
//! (`MethodRouter::merge_for_path`, axum pull request #1306), "Overlapping
//! method route. Cannot add two method routes that both handle `GET`"
//! (`MethodRouter::on_endpoint`), or "Invalid route \"/users/{name}\":
//! Insertion failed due to conflict with previously registered route:
//! /users/{id}" (matchit's `InsertError::Conflict`; axum issues #1097,
//! #2218). The service never starts; only a test that builds the router
//! catches it. poem's `Route::at` panics the same way on a path already in
//! its routing table.
//!
//! ## Example
//! ```rust,ignore
//! let app = Router::new()
//!     .route("/users/{id}", get(show))
//!     .route("/users/{user_id}", delete(remove));
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! let app = Router::new().route("/users/{id}", get(show).delete(remove));
//! ```
//!
//! ## Fix safety
//! There is no automatic fix: which handler was meant is the author's call.

use super::{literal_text, Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::models::RouterModel;
use std::collections::BTreeSet;
use syn::spanned::Spanned;

pub struct RouteConflict;

pub static META: RuleMeta = RuleMeta {
    code: "SL013",
    name: "route-conflict",
    level: Level::Error,
    summary: "routes on one router that make axum panic at startup: the same method twice on a path, or conflicting captures",
    fixable: false,
    source: include_str!("sl013_route_conflict.rs"),
    triggers: &["route"],
    needs_models: true,
    interests: &[NodeKind::MethodCall],
    group: Group::Correctness,
    skip_in_tests: true,
};

/// One registration on a router chain.
struct Registration {
    path: String,
    /// The HTTP methods of its method router; `None` for a whole service.
    methods: Option<BTreeSet<String>>,
}

/// The HTTP methods a method-router expression adds (`get(a).post(b)`),
/// when every link of it is known. A method added twice is reported by
/// the method-router check, not here.
fn methods_of(
    expr: &syn::Expr,
    router: &RouterModel,
    cx: &Context<'_>,
) -> Option<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut at = expr;
    loop {
        match at {
            syn::Expr::MethodCall(m) => {
                out.insert(router.http_methods.get(&m.method.to_string())?.clone());
                at = &m.receiver;
            }
            syn::Expr::Call(c) => {
                let name = called_name(c, cx)?;
                out.insert(router.http_methods.get(&name)?.clone());
                return Some(out);
            }
            syn::Expr::Paren(p) => at = &p.expr,
            _ => return None,
        }
    }
}

/// The last segment of a called function that resolves to a modelled
/// router function (`get` of `axum::routing::get`).
fn called_name(call: &syn::ExprCall, cx: &Context<'_>) -> Option<String> {
    let path = cx.scope.callee_path(call)?;
    cx.models().function(&path)?;
    path.rsplit("::").next().map(str::to_string)
}

/// The registrations made on `receiver`'s chain before this call.
fn earlier(receiver: &syn::Expr, router: &RouterModel, cx: &Context<'_>) -> Vec<Registration> {
    let mut out = Vec::new();
    let mut at = receiver;
    while let syn::Expr::MethodCall(m) = at {
        if let Some(r) = registration(m, router, cx) {
            out.push(r);
        }
        at = &m.receiver;
    }
    out
}

fn registration(
    call: &syn::ExprMethodCall,
    router: &RouterModel,
    cx: &Context<'_>,
) -> Option<Registration> {
    let method = call.method.to_string();
    let path = literal_text(call.args.first()?)?;
    if router.services.contains(&method) {
        return Some(Registration {
            path,
            methods: None,
        });
    }
    if !router.registers.contains(&method) {
        return None;
    }
    let methods = methods_of(call.args.iter().nth(1)?, router, cx)?;
    Some(Registration {
        path,
        methods: Some(methods),
    })
}

/// A segment with its capture name taken out: `{}`, `{*}`, or itself.
fn shape(segment: &str) -> &str {
    match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        Some(inner) if inner.starts_with('*') => "{*}",
        Some(inner) if !inner.contains(['{', '}']) => "{}",
        _ => segment,
    }
}

/// Whether matchit 0.8 refuses `b` after `a`: the same shape with other
/// capture names, or a catch-all and a capture as the same last segment.
fn captures_conflict(a: &str, b: &str) -> bool {
    if a == b {
        return false;
    }
    let (sa, sb): (Vec<&str>, Vec<&str>) = (a.split('/').collect(), b.split('/').collect());
    if sa.len() != sb.len() {
        return false;
    }
    let last = sa.len() - 1;
    sa.iter().zip(&sb).enumerate().all(|(i, (x, y))| {
        let (x, y) = (shape(x), shape(y));
        x == y || (i == last && matches!((x, y), ("{}", "{*}") | ("{*}", "{}")))
    }) && sa.iter().zip(&sb).any(|(x, y)| shape(x) != *x && x != y)
}

impl RouteConflict {
    fn router_of<'m>(
        &self,
        call: &syn::ExprMethodCall,
        cx: &Context<'m>,
    ) -> Option<&'m RouterModel> {
        let recv = cx.value_of(&call.receiver);
        let ty = recv.ty.path()?.to_string();
        cx.models()
            .routers()
            .iter()
            .find(|r| r.types.contains(&ty) || r.arguments.contains(&ty))
    }
}

impl Rule for RouteConflict {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Node::MethodCall(call) = node else { return };
        let Some(router) = self.router_of(call, cx) else {
            return;
        };
        let method = call.method.to_string();
        let range = cx.member_range(call.method.span(), call.span());
        let recv_ty = cx.value_of(&call.receiver).ty.path().map(str::to_string);
        // `get(a).get(b)`: one method router handling a method twice.
        if let Some(http) = router.http_methods.get(&method) {
            if !recv_ty
                .as_ref()
                .is_some_and(|t| router.arguments.contains(t))
            {
                return;
            }
            if methods_of(&call.receiver, router, cx).is_some_and(|m| m.contains(http)) {
                out.push(
                    cx.diagnostic(
                        &META,
                        range,
                        format!("this method router already handles `{http}`: {} panics when it is built", router.krate),
                    )
                    .with_label(format!("\"Overlapping method route. Cannot add two method routes that both handle `{http}`\""))
                    .with_help("keep one handler per method"),
                );
            }
            return;
        }
        if !recv_ty.as_ref().is_some_and(|t| router.types.contains(t)) {
            return;
        }
        // `a.merge(Router::new().route(..))`: the merged chain's routes
        // are registered after this router's.
        if router.merges.contains(&method) {
            let (Some(arg), before) = (call.args.first(), earlier(&call.receiver, router, cx))
            else {
                return;
            };
            for this in earlier(arg, router, cx) {
                if let Some(message) = conflict(&before, &this, router) {
                    out.push(
                        cx.diagnostic(&META, range, message)
                            .with_label("merged here")
                            .with_help("register each path once across the merged routers"),
                    );
                    return;
                }
            }
            return;
        }
        let Some(this) = registration(call, router, cx) else {
            return;
        };
        if let Some(message) = conflict(&earlier(&call.receiver, router, cx), &this, router) {
            out.push(
                cx.diagnostic(&META, range, message)
                    .with_label("registered again here")
                    .with_help(
                        "register each path once, with all its methods in one method router (`get(a).post(b)`), and one name per capture position",
                    ),
            );
        }
    }
}

/// Why `this` cannot be registered after `before`, if it cannot.
fn conflict(before: &[Registration], this: &Registration, router: &RouterModel) -> Option<String> {
    {
        for before in before {
            let message = if before.path == this.path {
                match (&before.methods, &this.methods) {
                    (Some(a), Some(b)) => match a.intersection(b).next() {
                        Some(m) => format!(
                            "`{m} {}` is already routed on this router: {} panics at startup (\"Overlapping method route\")",
                            this.path, router.krate
                        ),
                        None => continue,
                    },
                    _ => format!(
                        "`{}` is already registered on this router: {} panics at startup on the duplicate",
                        this.path, router.krate
                    ),
                }
            } else if router.capture_names_conflict && captures_conflict(&before.path, &this.path) {
                format!(
                    "`{}` conflicts with `{}` on this router (captures at the same place): {} panics at startup (\"Insertion failed due to conflict\")",
                    this.path, before.path, router.krate
                )
            } else {
                continue;
            };
            return Some(message);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::captures_conflict;

    #[test]
    fn capture_conflicts_follow_matchit_0_8() {
        assert!(captures_conflict("/users/{id}", "/users/{name}"));
        assert!(captures_conflict("/files/{*rest}", "/files/{*path}"));
        assert!(captures_conflict("/files/{*rest}", "/files/{id}"));
        assert!(!captures_conflict("/users/{id}", "/users/{name}/posts"));
        assert!(!captures_conflict("/users/{id}", "/users/me"));
        assert!(!captures_conflict("/users/{id}", "/users/{id}"));
        assert!(!captures_conflict("/a/{id}/x", "/a/{id}/y"));
    }
}
