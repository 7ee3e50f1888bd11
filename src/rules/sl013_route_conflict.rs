//! ## What it does
//! Flags route registrations that make the app fail when it starts:
//! - the same HTTP method twice on one path
//!   (`.route("/x", get(a)).route("/x", get(b))`);
//! - the same method twice in one method router (`get(a).get(b)`);
//! - a path registered with `route_service` or `nest_service` and
//!   registered again, and in poem any path given twice to
//!   `Route::at`/`nest`;
//! - two paths whose captures conflict in the path matcher of the locked
//!   version: under axum 0.8 (matchit 0.8.4) `/users/{id}` and
//!   `/users/{name}`, under axum 0.6 and 0.7 (matchit 0.7.3) `/users/:id`
//!   and `/users/:name`, and in both a catch-all beside a capture at the
//!   same place (`/files/{*rest}` and `/files/{id}/raw`);
//! - in rocket 0.5, handlers of this file mounted together in one
//!   `routes![..]` that collide: the same method and rank, paths that can
//!   match the same request and, for methods with a payload, formats that
//!   overlap (rocket 0.5.2 `src/router/collider.rs`; default ranks from
//!   `RouteUri::default_rank`, so `/user/me` and `/user/<id>` do not
//!   collide, nor do `rank = 2` routes with default-ranked ones).
//!
//! Registrations are followed along one method chain and through `let`
//! bindings, reassignments (`r = r.route(..)`) and `merge`s of routers
//! built in the same function (see `scope::routes`). A router from a
//! parameter or another function, or from an `if`/`match`, holds no known
//! routes; a reassignment inside a branch or loop forgets them. Which
//! methods register what, and whether captures conflict in the locked
//! version, is model data (`rules/axum-routing.toml`).
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
//! its routing table. Rocket's `launch()` fails instead: "Rocket failed to
//! launch due to the following route collisions".
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

use super::sl012_route_path_syntax::mounted_handlers;
use super::{rocket_routes, Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::models::{CaptureSyntax, RouterModel};
use crate::scope::routes::{known, Registration};
use syn::spanned::Spanned;

pub struct RouteConflict;

pub static META: RuleMeta = RuleMeta {
    code: "SL013",
    name: "route-conflict",
    level: Level::Error,
    summary: "routes that make the app fail at startup: the same method twice on a path, conflicting captures, colliding rocket handlers",
    fixable: false,
    source: include_str!("sl013_route_conflict.rs"),
    triggers: &["route"],
    needs_models: true,
    interests: &[NodeKind::MethodCall],
    group: Group::Correctness,
    skip_in_tests: true,
};

/// The shape of one path segment in the matcher: a capture, a catch-all,
/// static text, or a segment mixing text and a capture (no verdict).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape<'s> {
    Capture,
    CatchAll,
    Static(&'s str),
    Mixed,
}

fn shape(segment: &str, syntax: CaptureSyntax) -> Shape<'_> {
    match syntax {
        CaptureSyntax::Braces => {
            match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(inner) if inner.contains(['{', '}']) => Shape::Mixed,
                Some(inner) if inner.starts_with('*') => Shape::CatchAll,
                Some(_) => Shape::Capture,
                None if segment.contains(['{', '}']) => Shape::Mixed,
                None => Shape::Static(segment),
            }
        }
        // rocket's collisions are not matchit's (see `check_mount`).
        CaptureSyntax::Angle | CaptureSyntax::SalvoBraces | CaptureSyntax::SalvoAngle => {
            Shape::Mixed
        }
        // matchit 0.7: a capture runs from `:` or `*` to the next `/`.
        CaptureSyntax::Colon => match segment.as_bytes().first() {
            Some(b':') => Shape::Capture,
            Some(b'*') => Shape::CatchAll,
            _ if segment.contains([':', '*']) => Shape::Mixed,
            _ => Shape::Static(segment),
        },
    }
}

/// Whether the path matcher refuses `b` after `a` (or `a` after `b`: the
/// conflicts are symmetric). Both matchit 0.7.3 and 0.8.4 (each in its own
/// capture syntax) normalize capture names by position and then refuse
///
/// - two paths of the same shape that differ only in capture names
///   (`/users/:id` and `/users/:name`; `/a/{x}/b` and `/a/{y}/b`): the
///   normalized route is already taken (`Node::insert`, "exact match, this
///   node should be empty");
/// - a catch-all and a capture, or two catch-alls, at the first segment
///   where the paths differ (`/files/*rest` and `/files/:id/raw`): a node
///   holds one wildcard child and a catch-all has no children
///   (`Node::insert`, "inserting a wildcard, and this node already has a
///   wildcard child").
///
/// A static segment beside a capture is accepted by both (`/users/me` and
/// `/users/:id`), and so is anything once static segments differ. Found
/// in matchit 0.7.3 and 0.8.4 `src/tree.rs` (`Node::insert`,
/// `normalize_params`) and checked by inserting these pairs into both.
fn captures_conflict(a: &str, b: &str, syntax: CaptureSyntax) -> bool {
    if a == b {
        return false;
    }
    let (sa, sb): (Vec<Shape>, Vec<Shape>) = (
        a.split('/').map(|s| shape(s, syntax)).collect(),
        b.split('/').map(|s| shape(s, syntax)).collect(),
    );
    for (x, y) in sa.iter().zip(&sb) {
        if matches!(x, Shape::Mixed) || matches!(y, Shape::Mixed) {
            return false;
        }
        if x != y {
            return matches!(
                (x, y),
                (Shape::Capture | Shape::CatchAll, Shape::CatchAll)
                    | (Shape::CatchAll, Shape::Capture)
            );
        }
    }
    // The same shape all along, with other capture names (a catch-all
    // named differently is the same shape too).
    sa.len() == sb.len()
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
        let method = call.method.to_string();
        // Most calls are of no router's methods: no value is worked out
        // for them.
        let routing = |r: &RouterModel| {
            r.mounts.contains(&method)
                || r.http_methods.contains_key(&method)
                || r.merges.contains(&method)
                || r.services.contains(&method)
                || r.registers.contains(&method)
        };
        if !cx.models().routers().iter().any(routing) {
            return;
        }
        let Some(router) = self.router_of(call, cx) else {
            return;
        };
        if router.mounts.contains(&method) {
            if router.launch_collisions {
                check_mount(router, call, cx, out);
            }
            return;
        }
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
            if cx
                .scope
                .http_methods(&call.receiver, router)
                .is_some_and(|m| m.contains(http))
            {
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
        // `a.merge(b)`: b's routes are registered after a's, one by one.
        let before = cx.value_of(&call.receiver).routes;
        if router.merges.contains(&method) {
            let Some(arg) = call.args.first() else {
                return;
            };
            let merged = cx.value_of(arg).routes;
            for this in known(&merged) {
                if let Some(message) = conflict(known(&before), this, router) {
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
        let Some(this) = cx.scope.registration(call, router) else {
            return;
        };
        if let Some(message) = conflict(known(&before), &this, router) {
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

/// `rocket.mount(base, routes![a, b])`: two handlers of this file listed
/// together that collide (`rocket_routes::MountedRoute::collides_with`)
/// make `launch()` fail. With a base that is not a literal, only pairs
/// that collide under any static base are reported.
fn check_mount(
    router: &RouterModel,
    call: &syn::ExprMethodCall,
    cx: &Context<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let mut args = call.args.iter();
    let base = args.next().and_then(|b| cx.value_of(b).lit);
    let bases: Vec<String> = match &base {
        Some(lit) if rocket_routes::invalid_mount_base(&lit.text).is_none() => {
            vec![lit.text.to_string()]
        }
        // An invalid base panics first (SL012).
        Some(_) => return,
        None => vec!["/".to_string(), "/base".to_string()],
    };
    let handlers = mounted_handlers(args.next());
    let facts = cx.scope.facts();
    let attrs: Vec<(&syn::Ident, &crate::scope::route_attrs::RouteAttr)> = handlers
        .iter()
        .filter_map(|h| match facts.route_attrs.get(&h.to_string()) {
            Some(Some(a)) => Some((h, a)),
            _ => None,
        })
        .collect();
    for (i, (name, attr)) in attrs.iter().enumerate() {
        let earlier = attrs[..i].iter().find(|(_, other)| {
            bases
                .iter()
                .all(|base| mounted(attr, base).collides_with(&mounted(other, base)) == Some(true))
        });
        let Some((other_name, other)) = earlier else {
            continue;
        };
        let rank = mounted(attr, &bases[0]).rank();
        let rank_origin = if attr.rank.is_some() { "" } else { "default " };
        out.push(
            cx.diagnostic(
                &META,
                cx.range(name.span()),
                format!(
                    "`{} {}` ({name}) collides with `{} {}` ({other_name}) at the same {rank_origin}rank {rank}: {}{} refuses to launch (\"Rocket failed to launch due to the following route collisions\")",
                    attr.method, attr.uri, other.method, other.uri, router.krate, version(router, cx)
                ),
            )
            .with_label("mounted together here")
            .with_help("give one of them another `rank = N`, or paths or formats that tell them apart"),
        );
    }
}

fn mounted<'a>(
    attr: &'a crate::scope::route_attrs::RouteAttr,
    base: &'a str,
) -> rocket_routes::MountedRoute<'a> {
    rocket_routes::MountedRoute::new(
        &attr.method,
        base,
        &attr.uri,
        attr.rank,
        attr.format.as_deref(),
    )
}

fn version(router: &RouterModel, cx: &Context<'_>) -> String {
    cx.models()
        .versions
        .get(&router.krate.replace('-', "_"))
        .filter(|(_, o)| *o != crate::models::versions::Origin::Newest)
        .map(|(v, _)| format!(" {v}"))
        .unwrap_or_default()
}

/// Why `this` cannot be registered after `before`, if it cannot.
fn conflict<'r>(
    before: impl Iterator<Item = &'r Registration>,
    this: &Registration,
    router: &RouterModel,
) -> Option<String> {
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
            } else if router.capture_names_conflict
                && captures_conflict(&before.path, &this.path, router.captures)
            {
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
    use super::{captures_conflict, CaptureSyntax};

    /// Pairs inserted into matchit 0.8.4 (axum 0.8): `true` when the
    /// second insertion fails.
    #[test]
    fn capture_conflicts_follow_matchit_0_8() {
        let conflicts = |a, b| captures_conflict(a, b, CaptureSyntax::Braces);
        assert!(conflicts("/users/{id}", "/users/{name}"));
        assert!(conflicts("/a/{x}/b", "/a/{y}/b"));
        assert!(conflicts("/a/{x}/{y}", "/a/{x}/{z}"));
        assert!(conflicts("/files/{*rest}", "/files/{*path}"));
        assert!(conflicts("/files/{*rest}", "/files/{id}"));
        assert!(conflicts("/files/{id}", "/files/{*rest}"));
        assert!(conflicts("/files/{id}/x", "/files/{*rest}"));
        assert!(conflicts("/files/{*rest}", "/files/{id}/x"));
        assert!(!conflicts("/users/{id}", "/users/{name}/posts"));
        assert!(!conflicts("/users/{id}/posts", "/users/{name}/friends"));
        assert!(!conflicts("/users/{id}", "/users/me"));
        assert!(!conflicts("/users/{id}", "/users/{id}"));
        assert!(!conflicts("/a/{id}/x", "/a/{id}/y"));
        assert!(!conflicts("/files/{*rest}", "/files/x"));
        assert!(!conflicts("/files", "/files/{*rest}"));
        assert!(!conflicts("/", "/{*rest}"));
        // `:` is plain text to matchit 0.8 (SL012 reports it).
        assert!(!conflicts("/users/:id", "/users/:name"));
    }

    /// Pairs inserted into matchit 0.7.3 (axum 0.6 and 0.7).
    #[test]
    fn capture_conflicts_follow_matchit_0_7() {
        let conflicts = |a, b| captures_conflict(a, b, CaptureSyntax::Colon);
        assert!(conflicts("/users/:id", "/users/:name"));
        assert!(conflicts("/:a", "/:b"));
        assert!(conflicts("/a/:x/b", "/a/:y/b"));
        assert!(conflicts("/a/:x/:y", "/a/:x/:z"));
        assert!(conflicts("/u/:id.json", "/u/:id"));
        assert!(conflicts("/files/*rest", "/files/*path"));
        assert!(conflicts("/files/*rest", "/files/:id"));
        assert!(conflicts("/files/:id", "/files/*rest"));
        assert!(conflicts("/files/:id/x", "/files/*rest"));
        assert!(conflicts("/a/:x/:y/z", "/a/:w/*r"));
        assert!(!conflicts("/users/:id", "/users/me"));
        assert!(!conflicts("/users/me", "/users/:id"));
        assert!(!conflicts("/users/:id", "/users/:name/posts"));
        assert!(!conflicts("/users/:id/posts", "/users/:name/friends"));
        assert!(!conflicts("/x/:a/:b", "/x/:c/y"));
        assert!(!conflicts("/files/*rest", "/files/x"));
        assert!(!conflicts("/files", "/files/*rest"));
        assert!(!conflicts("/", "/*rest"));
        // `{id}` is plain text to matchit 0.7 (SL012 reports it).
        assert!(!conflicts("/users/{id}", "/users/{name}"));
    }
}
