//! ## What it does
//! Flags a query extractor deserialized into a map of strings:
//! `Query<HashMap<String, String>>` in axum, axum-extra and actix-web, and
//! `warp::query::<HashMap<String, String>>()`.
//!
//! ## Why is this bad?
//! A map keeps one value per key. `?tag=a&tag=b` silently becomes
//! `tag=b` (or `a`, depending on the deserializer), so filters, allow lists
//! and signatures computed over the query see something other than what the
//! client sent. Two clients sending the same key twice get different
//! results than a proxy or a signature check that saw every value.
//!
//! ## Example
//! ```rust,ignore
//! async fn search(Query(params): Query<HashMap<String, String>>) {}
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn search(Query(params): Query<Vec<(String, String)>>) {}
//! ```
//! or a typed struct, or `axum_extra::extract::Query` with a `Vec<T>` field
//! for repeated keys. (`HashMap<String, Vec<String>>` does not work: the
//! urlencoded deserializer rejects it.)
//!
//! ## Fix safety
//! The fix replaces the map type with `Vec<(String, String)>`. Lookups such
//! as `params.get("k")` must change with it, so the fix is unsafe.

use super::{Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Level};
use crate::models::generic_args;
use syn::spanned::Spanned;

pub struct LossyQueryMap;

static META: RuleMeta = RuleMeta {
    code: "SL009",
    name: "lossy-query-map",
    level: Level::Note,
    summary: "`Query<HashMap<String, String>>` keeps one value of a repeated key",
    fixable: true,
    source: include_str!("sl009_lossy_query_map.rs"),
    triggers: &["query", "Query"],
    needs_models: true,
    interests: &[NodeKind::ParamType, NodeKind::Call],
    group: Group::Pedantic,
    skip_in_tests: false,
};

const QUERY_EXTRACTORS: &[&str] = &[
    "axum::extract::Query",
    "axum_extra::extract::Query",
    "axum_extra::extract::OptionalQuery",
    "actix_web::web::Query",
];
const WARP_QUERY: &[&str] = &["warp::query", "warp::filters::query::query"];
const MAPS: &[&str] = &["std::collections::HashMap", "std::collections::BTreeMap"];

/// The syntax of a `HashMap<String, String>`-like type, if `t` is one.
fn lossy_map<'t>(cx: &Context<'_>, t: &'t syn::Type) -> Option<&'t syn::Type> {
    let ty = cx.scope.resolve_type(t);
    let is_map = ty.path().is_some_and(|p| MAPS.contains(&p));
    let value_is_string = ty
        .args()
        .get(1)
        .is_some_and(|v| v.is_string() || v.is("std::borrow::Cow"));
    (is_map && value_is_string).then_some(t)
}

impl Rule for LossyQueryMap {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let (map, what) = match node {
            Node::ParamType(t) => {
                let syn::Type::Path(p) = t else { return };
                let ty = cx.scope.resolve_type(t);
                if !ty.path().is_some_and(|p| QUERY_EXTRACTORS.contains(&p)) {
                    return;
                }
                let Some(map) = generic_args(&p.path).next().and_then(|a| lossy_map(cx, a)) else {
                    return;
                };
                (map, "query extractor")
            }
            Node::Call(call) => {
                if !cx.scope.call_may_name(call, |n| n == "query") {
                    return;
                }
                let Some(path) = cx.scope.callee_path(call) else {
                    return;
                };
                if !WARP_QUERY.contains(&path.as_str()) {
                    return;
                }
                let syn::Expr::Path(p) = &*call.func else {
                    return;
                };
                let Some(map) = generic_args(&p.path).next().and_then(|a| lossy_map(cx, a)) else {
                    return;
                };
                (map, "`warp::query`")
            }
            _ => return,
        };
        out.push(
            cx.diagnostic(&META, cx.range(map.span()), format!("{what} into a map keeps one value of a repeated key"))
                .with_label("`?tag=a&tag=b` arrives as a single `tag`")
                .with_help("deserialize into `Vec<(String, String)>` or a typed struct (`HashMap<String, Vec<String>>` is rejected by the deserializer)")
                .with_fix(Fix::replace(
                    Applicability::Unsafe,
                    cx.range(map.span()),
                    "Vec<(String, String)>".to_string(),
                )),
        );
    }
}
