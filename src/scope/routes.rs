//! The routes a router value is known to hold.
//!
//! A route conflict (SL013) panics when the second registration is added,
//! whether both are on one method chain or the router went through `let`
//! bindings, reassignments and `merge`s in between:
//!
//! ```rust,ignore
//! let api = Router::new().route("/x", get(a));
//! let app = Router::new().route("/x", get(b)).merge(api); // panics
//! ```
//!
//! So the routes are part of a router's [`Value`](super::Value): each
//! registration with a literal path (`route`, `route_service`, the
//! model's `registers`/`services`) adds one, a `merge` adds the merged
//! router's, and every other method returning the router keeps them. They
//! are the registrations *known* to be on the router, a subset of the
//! real ones: a router from a parameter or another function starts with
//! none, a router from an `if`/`match` has none, and a reassignment in a
//! nested block (a branch, a loop) forgets them. A conflict among known
//! registrations is therefore certain.

use super::{Scope, Value};
use crate::models::RouterModel;
use std::collections::BTreeSet;
use std::rc::Rc;

/// One registration on a router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub path: String,
    /// The HTTP methods of its method router; `None` for a whole service.
    pub methods: Option<BTreeSet<String>>,
}

/// The known registrations of a router, oldest first through `earlier`.
/// Shared between the values of one chain, so a chain of n routes costs
/// n nodes.
#[derive(Debug, PartialEq, Eq)]
pub struct Routes {
    added: Vec<Registration>,
    earlier: Option<Rc<Routes>>,
}

impl Routes {
    /// Every known registration, newest first.
    pub fn iter(&self) -> impl Iterator<Item = &Registration> {
        let mut node = Some(self);
        let mut i = self.added.len();
        std::iter::from_fn(move || loop {
            let n = node?;
            if i > 0 {
                i -= 1;
                return Some(&n.added[i]);
            }
            node = n.earlier.as_deref();
            i = node.map_or(0, |n| n.added.len());
        })
    }
}

/// The registrations of `routes`, newest first (none for `None`).
pub fn known(routes: &Option<Rc<Routes>>) -> impl Iterator<Item = &Registration> {
    routes.as_deref().into_iter().flat_map(Routes::iter)
}

impl Scope<'_> {
    /// The router model of a value's type, if it is a router.
    pub fn router_model(&self, value: &Value) -> Option<&RouterModel> {
        let ty = value.ty.path()?;
        self.models
            .routers()
            .iter()
            .find(|r| r.types.iter().any(|t| t == ty))
    }

    /// `value`, the result of `recv.method(..)`, with the routes it holds
    /// when it is a router.
    pub(super) fn with_routes(&self, value: Value, recv: &Value, m: &syn::ExprMethodCall) -> Value {
        let Some(router) = self.router_model(&value) else {
            return value;
        };
        let same_router = self
            .router_model(recv)
            .is_some_and(|r| std::ptr::eq(r, router));
        let earlier = if same_router {
            recv.routes.clone()
        } else {
            None
        };
        let method = m.method.to_string();
        let added: Vec<Registration> = if router.merges.contains(&method) {
            match m.args.first() {
                Some(arg) => {
                    let mut merged: Vec<Registration> =
                        known(&self.value_of(arg).routes).cloned().collect();
                    merged.reverse();
                    merged
                }
                None => Vec::new(),
            }
        } else {
            self.registration(m, router).into_iter().collect()
        };
        let routes = if added.is_empty() {
            earlier
        } else {
            Some(Rc::new(Routes { added, earlier }))
        };
        Value { routes, ..value }
    }

    /// What `call` registers on a router, when its path is a literal (or a
    /// constant's) and, for a method router, every method of it is known.
    pub fn registration(
        &self,
        call: &syn::ExprMethodCall,
        router: &RouterModel,
    ) -> Option<Registration> {
        let method = call.method.to_string();
        let is_service = router.services.contains(&method);
        if !is_service && !router.registers.contains(&method) {
            return None;
        }
        let path = self.value_of(call.args.first()?).lit?.text.to_string();
        if is_service {
            return Some(Registration {
                path,
                methods: None,
            });
        }
        let methods = self.http_methods(call.args.iter().nth(1)?, router)?;
        Some(Registration {
            path,
            methods: Some(methods),
        })
    }

    /// The HTTP methods a method-router expression adds (`get(a).post(b)`),
    /// when every link of it is known.
    pub fn http_methods(&self, expr: &syn::Expr, router: &RouterModel) -> Option<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        let mut at = expr;
        loop {
            match at {
                syn::Expr::MethodCall(m) => {
                    out.insert(router.http_methods.get(&m.method.to_string())?.clone());
                    at = &m.receiver;
                }
                syn::Expr::Call(c) => {
                    let path = self.callee_path(c)?;
                    self.models.function(&path)?;
                    let name = path.rsplit("::").next()?;
                    out.insert(router.http_methods.get(name)?.clone());
                    return Some(out);
                }
                syn::Expr::Paren(p) => at = &p.expr,
                _ => return None,
            }
        }
    }

    /// `name = expr;`: a router binding now holds `expr`'s routes when the
    /// assignment is in the binding's own block; assigned in a nested block
    /// (a branch or a loop), which routes it holds afterwards is not known.
    pub fn assign_routes(&mut self, name: &str, routes: Option<Rc<Routes>>) {
        let top = self.frames.len() - 1;
        for (i, frame) in self.frames.iter_mut().enumerate().rev() {
            if let Some(v) = frame.bindings.get_mut(name) {
                v.routes = if i == top { routes } else { None };
                return;
            }
            if matches!(
                frame.kind,
                super::FrameKind::Function | super::FrameKind::Module
            ) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Models;
    use crate::rules::RuleSet;
    use crate::source::SourceFile;

    /// The lines (1-based) of the findings of `code` in `text`.
    fn lines_of(code: &str, text: &str) -> Vec<usize> {
        let file = syn::parse_file(text).unwrap();
        let source = SourceFile::new("a.rs", text);
        let models = Models::builtin().unwrap();
        crate::engine::check_file(&file, &source, &models, &RuleSet::all(), None, None)
            .iter()
            .filter(|d| d.code.code == code)
            .map(|d| source.line_col(d.range.start).line)
            .collect()
    }

    #[test]
    fn routes_follow_bindings_and_reassignments_in_the_binding_block_only() {
        let text = "use axum::{Router, routing::get};
async fn a() {}
fn f(c: bool) -> Router {
    let mut r = Router::new().route(\"/x\", get(a));
    r = r.route(\"/y\", get(a));
    if c {
        r = r.route(\"/z\", get(a));
    }
    r.route(\"/y\", get(a)).route(\"/z\", get(a))
}
";
        // `/y` was added in the binding's block; `/z` only in a branch,
        // after which the binding's routes are unknown.
        assert_eq!(lines_of("SL013", text), Vec::<usize>::new());
        let straight = text.replace(
            "    if c {\n        r = r.route(\"/z\", get(a));\n    }\n",
            "",
        );
        assert_eq!(lines_of("SL013", &straight), vec![6]);
    }

    #[test]
    fn a_function_named_like_a_crate_leaves_the_crate_paths_alone() {
        // `#[launch] fn rocket()` is how rocket apps start.
        let text = "fn rocket() -> rocket::Rocket<rocket::Build> {
    rocket::build().mount(\"/users/<id>\", vec![])
}
";
        assert_eq!(lines_of("SL012", text), vec![2]);
    }

    #[test]
    fn a_glob_import_brings_a_type_whose_function_a_path_names() {
        let text = "use salvo::prelude::*;
fn r() -> Router { Router::with_path(\"users/<id>\") }
";
        assert_eq!(lines_of("SL012", text), vec![2]);
    }

    fn reg(path: &str) -> Registration {
        Registration {
            path: path.to_string(),
            methods: None,
        }
    }

    #[test]
    fn routes_iterate_newest_first_through_earlier_nodes() {
        let first = Rc::new(Routes {
            added: vec![reg("/a"), reg("/b")],
            earlier: None,
        });
        let second = Routes {
            added: vec![reg("/c")],
            earlier: Some(first),
        };
        let paths: Vec<&str> = second.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["/c", "/b", "/a"]);
    }
}
