//! ## What it does
//! Flags a field or method that a framework type does not have, such as
//! `uri.query_params()` on an `http::Uri`, `url.query_params` on a
//! `url::Url`, or `req.query_params()` on actix-web's `HttpRequest`.
//! Methods are reported when the models know them as a common mistake or
//! when they are a typo of a real member; any other unknown method may come
//! from an extension trait (`HeaderMapExt::typed_get`) and is left alone.
//! Unknown fields are always reported: no trait adds a field.
//!
//! ## Why is this bad?
//! It does not compile, or, in code behind a feature flag, a macro or a
//! generated handler, it fails at the worst time: the incident behind this
//! tool was a WebSocket chat gateway whose health and auth path read
//! `url.query_params`, an attribute its URL type does not have. The real
//! APIs differ per type: `http::Uri` keeps the query as one undecoded
//! string, `url::Url` decodes it with `query_pairs()`, frameworks offer a
//! typed `Query<T>` extractor.
//!
//! ## Example
//! ```rust,ignore
//! async fn health(uri: axum::http::Uri) -> String {
//!     let params = uri.query_params();
//!     format!("{params:?}")
//! }
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! async fn health(uri: axum::http::Uri) -> String {
//!     let params: Vec<(String, String)> =
//!         url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
//!             .into_owned()
//!             .collect();
//!     format!("{params:?}")
//! }
//! ```
//! or take `axum::extract::Query<T>` as a handler argument.
//!
//! ## Fix safety
//! The fix replaces the expression with the curated real API (or the nearest
//! real member, "did you mean `query`?"). The replacement has a different
//! type than the code expected, so the fix is unsafe: apply it with
//! `--unsafe-fixes` and adjust the code around it. A replacement that names
//! a crate is spelt as the crate's `Cargo.toml` lets it (`form_urlencoded::parse`
//! with a `form_urlencoded` dependency and no `url`); when the crate depends
//! on neither, or the file is in no Cargo package, no edit is offered and
//! the help says which dependency to add.

use super::{type_name, Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Level};
use syn::spanned::Spanned;

pub struct NonexistentMember;

static META: RuleMeta = RuleMeta {
    code: "SL001",
    name: "nonexistent-member",
    level: Level::Error,
    summary: "a field or method that the framework type does not have",
    fixable: true,
    source: include_str!("sl001_nonexistent_member.rs"),
    triggers: &[],
    needs_models: true,
    interests: &[NodeKind::MethodCall, NodeKind::Field],
    group: Group::Correctness,
    skip_in_tests: false,
};

impl Rule for NonexistentMember {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // The whole expression's span prints it to tokens: taken only for
        // a finding, or a method chain would cost its length at each link.
        let (receiver, member, member_span, is_method) = match node {
            Node::MethodCall(m) => (&*m.receiver, m.method.to_string(), m.method.span(), true),
            Node::Field(f) => match &f.member {
                syn::Member::Named(id) => (&*f.base, id.to_string(), id.span(), false),
                syn::Member::Unnamed(_) => return,
            },
            _ => return,
        };
        let mut recv = cx.value_of(receiver);
        let model = loop {
            let Some(model) = cx.models().model_of(&recv.ty) else {
                return;
            };
            let exists = if is_method {
                model.methods.contains_key(&member)
            } else {
                model.fields.contains_key(&member)
            };
            if exists {
                return;
            }
            // A smart pointer or a guard (`Arc<Url>`) derefs to what it
            // holds: the member is looked for there too, as rustc does.
            match &model.deref {
                Some(target) if !model.complete && model.wrong_member(&member).is_none() => {
                    let ty = target.instantiate(&recv.ty);
                    if ty.is_unknown() {
                        return;
                    }
                    recv = crate::scope::Value::new(ty, recv.roles);
                }
                _ => break model,
            }
        };
        // An extension trait of this file or crate may add the method.
        if is_method && cx.scope.has_local_method(&member) {
            return;
        }
        let wrong = model.wrong_member(&member);
        if wrong.is_none()
            && (!model.complete || is_method && cx.models().is_universal_method(&member))
        {
            return;
        }
        let whole = match node {
            Node::MethodCall(m) => m.span(),
            Node::Field(f) => f.span(),
            _ => return,
        };
        let ty = type_name(&recv);
        let kind = if is_method { "method" } else { "field" };
        let recv_text = cx.snippet(receiver.span());
        let message = format!("`{ty}` has no {kind} `{member}`");
        let base = cx
            .diagnostic(&META, cx.member_range(member_span, whole), message)
            .with_label(format!("no {kind} `{member}` on `{ty}`"))
            .with_secondary(cx.range(receiver.span()), format!("this is `{ty}`"));

        if let Some(wrong) = wrong {
            let mut d = base;
            match &wrong.replacement {
                Some(template) => {
                    let replacement = template.replace("{recv}", recv_text);
                    d = match cx.reachable(&replacement) {
                        Ok(code) => d.with_help(wrong.why.clone()).with_fix(Fix::replace(
                            Applicability::Unsafe,
                            cx.range(whole),
                            code,
                        )),
                        Err(missing) => {
                            d.with_help(format!("{}; {}", wrong.why, missing.help(&replacement)))
                        }
                    };
                }
                None => d = d.with_help(wrong.why.clone()),
            }
            out.push(d);
            return;
        }
        if !model.complete {
            return;
        }
        if is_method && cx.models().is_universal_method(&member) {
            return;
        }
        if !is_method && model.methods.contains_key(&member) {
            out.push(
                base.with_help(format!(
                    "`{member}` is a method: call it, `{recv_text}.{member}()`"
                ))
                .with_fix(Fix::replace(
                    Applicability::Unsafe,
                    cx.range(whole),
                    format!("{recv_text}.{member}()"),
                )),
            );
            return;
        }
        if is_method && model.fields.contains_key(&member) {
            out.push(base.with_help(format!(
                "`{member}` is a field, not a method: `{recv_text}.{member}`"
            )));
            return;
        }
        match nearest(&member, model.member_names()) {
            Some(near) => out.push(base.with_help(format!("did you mean `{near}`?")).with_fix(
                Fix::replace(
                    Applicability::Unsafe,
                    cx.range(member_span),
                    near.to_string(),
                ),
            )),
            // A method that is neither curated nor a typo of a real one may
            // come from an extension trait imported from another file
            // (`headers::HeaderMapExt::typed_get`): stay quiet. No trait
            // adds fields, so an unknown field is always reported.
            None if is_method => {}
            None => {
                let mut names: Vec<&str> = model.fields.keys().map(String::as_str).collect();
                names.sort_unstable();
                out.push(base.with_help(format!("`{ty}` has the fields: {}", names.join(", "))));
            }
        }
    }
}

/// The closest real member by edit distance, if it is close enough to be a
/// typo rather than a different idea.
fn nearest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let length = name.chars().count();
    let limit = (length / 3).clamp(1, 3);
    candidates
        // The distance is at least the difference in length: most
        // members are too long or too short to be near at all.
        .filter(|c| {
            c.len().abs_diff(name.len()) <= limit * 4 && c.chars().count().abs_diff(length) <= limit
        })
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::nearest;

    #[test]
    fn nearest_member_is_a_close_typo_only() {
        let names = ["query", "path", "host", "port_u16"];
        assert_eq!(nearest("querry", names.iter().copied()), Some("query"));
        assert_eq!(nearest("hots", names.iter().copied()), Some("host"));
        assert_eq!(nearest("query_params", names.iter().copied()), None);
    }
}
