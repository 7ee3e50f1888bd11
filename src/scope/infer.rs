//! Inference: the value of an expression from bindings, models and the few
//! std methods that only unwrap or copy what they are given.

use super::{Literal, Scope, Value};
use crate::macros::{MacroCall, Resolved};
use crate::models::roles::Roles;
use crate::models::ty::Ty;
use crate::models::{MacroKind, Member};

/// The type warp filters are modelled as (`rules/warp.toml`).
pub const FILTER: &str = "warp::Filter";

/// Std methods whose result holds the receiver's content: roles carry over.
/// `to_string` of a request URI is still the request URI.
const SAME_CONTENT: &[&str] = &[
    "clone", "to_owned", "borrow", "as_ref", "as_deref", "into", "cloned", "copied",
];
const AS_STR: &[&str] = &[
    "as_str",
    "trim",
    "trim_start",
    "trim_end",
    "as_bytes",
    "to_str",
];
const UNWRAP: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_default",
    "unwrap_or_else",
    "unwrap_unchecked",
];
const KEEP_OPTION: &[&str] = &[
    "ok",
    "ok_or",
    "ok_or_else",
    "map_err",
    "context",
    "with_context",
    "filter",
    "or",
    "or_else",
];
/// Combinators whose result holds what their closure returns: derived from
/// the request (so unwrapping it can still panic on client input), but no
/// longer the URI or query itself.
const DERIVED_OPTION: &[&str] = &["map", "and_then", "flatten"];

impl Scope<'_> {
    /// A value of a known type: the type's own roles added.
    pub fn typed(&self, ty: Ty, roles: Roles) -> Value {
        let roles = match self.models.model_of(&ty) {
            Some(m) => roles.union(m.roles),
            None => roles,
        };
        Value::new(ty, roles)
    }

    /// What is known of `expr` at the current point.
    pub fn value_of(&self, expr: &syn::Expr) -> Value {
        match expr {
            syn::Expr::Path(p) if p.qself.is_none() => match p.path.get_ident() {
                Some(id) => self.binding(&id.to_string()).cloned().unwrap_or_default(),
                None => Value::UNKNOWN,
            },
            syn::Expr::Reference(r) => {
                let v = self.value_of(&r.expr);
                let ty = Ty::reference(v.ty.clone());
                v.with_ty(ty)
            }
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                let v = self.value_of(&u.expr);
                let ty = match &v.ty {
                    Ty::Ref(inner) => (**inner).clone(),
                    _ => Ty::Unknown,
                };
                v.with_ty(ty)
            }
            syn::Expr::Paren(p) => self.value_of(&p.expr),
            syn::Expr::Group(g) => self.value_of(&g.expr),
            syn::Expr::Try(t) => {
                let v = self.value_of(&t.expr);
                let ty = v.ty.unwrapped();
                let roles = self.typed(ty.clone(), v.roles).roles;
                Value { ty, roles, ..v }
            }
            syn::Expr::Await(a) => self.value_of(&a.base),
            syn::Expr::MethodCall(m) => {
                let recv = self.value_of(&m.receiver);
                if recv.ty.is(FILTER) {
                    return self.filter_method(&recv, m);
                }
                self.method_value(&recv, &m.method.to_string())
            }
            syn::Expr::Field(f) => {
                let name = match &f.member {
                    syn::Member::Named(id) => id.to_string(),
                    syn::Member::Unnamed(i) => i.index.to_string(),
                };
                if is_self(&f.base) {
                    if let Some(ty) = self.self_fields().and_then(|fs| fs.get(&name)) {
                        return self.typed(ty.clone(), Roles::NONE);
                    }
                }
                let recv = self.value_of(&f.base);
                self.field_value(&recv, &name)
            }
            syn::Expr::Call(c) => self.call_value(c),
            syn::Expr::Cast(c) => self.typed(self.resolve_type(&c.ty), Roles::NONE),
            syn::Expr::Macro(m) => self.macro_value(&m.mac),
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Value {
                ty: Ty::reference(Ty::named("str")),
                roles: Roles::NONE,
                lit: Some(Literal {
                    text: s.value().into(),
                    span: s.span(),
                }),
                checked: false,
                extract: None,
            },
            _ => Value::UNKNOWN,
        }
    }

    /// A warp filter: its type, and the values it extracts, each with the
    /// roles the filter function gives.
    fn filter_value(&self, ty: Ty, roles: Roles) -> Value {
        let items = match ty.args().first() {
            Some(Ty::Tuple(items)) => items.clone(),
            _ => Vec::new(),
        };
        let extract = items.into_iter().map(|t| self.typed(t, roles)).collect();
        Value {
            extract: Some(std::rc::Rc::new(extract)),
            ..Value::new(ty, Roles::NONE)
        }
    }

    /// `a.and(b)` joins what two filters extract; `map`/`and_then`/`then`
    /// produce what their closure returns (unknown); the rest keep it.
    fn filter_method(&self, recv: &Value, m: &syn::ExprMethodCall) -> Value {
        let name = m.method.to_string();
        match name.as_str() {
            "and" => {
                let other = m.args.first().map(|a| self.value_of(a)).unwrap_or_default();
                match (&recv.extract, &other.extract) {
                    (Some(a), Some(b)) => Value {
                        extract: Some(std::rc::Rc::new(
                            a.iter().chain(b.iter()).cloned().collect(),
                        )),
                        ..recv.clone()
                    },
                    _ => Value::new(recv.ty.clone(), Roles::NONE),
                }
            }
            "boxed" | "clone" | "with" | "recover" => recv.clone(),
            _ => Value::new(recv.ty.clone(), Roles::NONE),
        }
    }

    /// `format!(..)` is a `String` holding everything it interpolates, so it
    /// carries their roles. `warp::path!("a" / u32)` is a filter extracting
    /// one value per type segment.
    fn macro_value(&self, mac: &syn::Macro) -> Value {
        if self.resolve_path(&mac.path).as_deref() == Some("warp::path") {
            let segments = mac
                .tokens
                .clone()
                .into_iter()
                .filter(|t| !matches!(t, proc_macro2::TokenTree::Punct(p) if p.as_char() == '/'))
                .filter(|t| !matches!(t, proc_macro2::TokenTree::Literal(_)))
                .filter(|t| !matches!(t, proc_macro2::TokenTree::Punct(p) if p.as_char() == '.'))
                .count();
            let ty = Ty::generic(FILTER, vec![Ty::Tuple(vec![Ty::Unknown; segments])]);
            return self.filter_value(
                ty,
                Roles::NONE.with(crate::models::roles::Role::RequestInput),
            );
        }
        if self.macro_kind(&mac.path) != Some(MacroKind::Format) {
            return Value::UNKNOWN;
        }
        let call = MacroCall::parse(&mac.tokens);
        let roles = call
            .interpolated(false)
            .into_iter()
            .fold(Roles::NONE, |acc, r| match r {
                Resolved::Expr(e) => acc.union(self.value_of(e).roles),
                Resolved::Capture(n) => acc.union(self.value_of_name(&n).roles),
                Resolved::Missing => acc,
            });
        Value::new(Ty::named("String"), roles)
    }

    /// The result of `recv.name(..)`.
    pub fn method_value(&self, recv: &Value, name: &str) -> Value {
        if let Some(member) = self
            .models
            .model_of(&recv.ty)
            .and_then(|m| m.methods.get(name))
        {
            return self.member_value(recv, member);
        }
        // Smart pointers and extractors: look through to the inner value.
        if let Some(target) = self
            .models
            .model_of(&recv.ty)
            .and_then(|m| m.deref.as_ref())
        {
            let inner = self.typed(target.instantiate(&recv.ty), recv.roles);
            if !inner.ty.is_unknown() {
                return self.method_value(&inner, name);
            }
        }
        let keep = |ty: Ty| recv.clone().with_ty(ty);
        let wrapper = matches!(recv.ty.path(), Some("Option" | "Result"));
        if recv.ty.is_unknown() && recv.roles.is_empty() {
            return Value::UNKNOWN;
        }
        if UNWRAP.contains(&name) && wrapper {
            let ty = recv.ty.unwrapped();
            let roles = self.typed(ty.clone(), recv.roles).roles;
            return Value {
                ty,
                roles,
                lit: recv.lit.clone(),
                checked: false,
                extract: None,
            };
        }
        if KEEP_OPTION.contains(&name) && wrapper {
            return keep(Ty::generic("Option", vec![recv.ty.unwrapped()]));
        }
        if DERIVED_OPTION.contains(&name) && wrapper {
            return Value::new(
                Ty::generic("Option", vec![Ty::Unknown]),
                recv.roles.provenance(),
            );
        }
        if name == "parse" && (recv.ty.is_string() || recv.ty.is_unknown()) {
            return Value::new(
                Ty::generic("Result", vec![Ty::Unknown]),
                recv.roles.provenance(),
            );
        }
        if name == "to_string" {
            return keep(Ty::named("String"));
        }
        if SAME_CONTENT.contains(&name) {
            let ty = match (name, recv.ty.strip_refs()) {
                ("to_owned" | "clone", t) if t.is("str") => Ty::named("String"),
                ("clone" | "to_owned" | "cloned" | "copied", t) => t.clone(),
                (_, _) if wrapper => recv.ty.clone(),
                _ => Ty::Unknown,
            };
            return keep(ty);
        }
        if AS_STR.contains(&name) && (recv.ty.is_string() || recv.ty.is_unknown()) {
            return keep(Ty::reference(Ty::named("str")));
        }
        Value::UNKNOWN
    }

    /// The value of `recv.name` (a field or a tuple index).
    pub fn field_value(&self, recv: &Value, name: &str) -> Value {
        match self
            .models
            .model_of(&recv.ty)
            .and_then(|m| m.fields.get(name))
        {
            Some(member) => self.member_value(recv, member),
            None => Value::UNKNOWN,
        }
    }

    fn member_value(&self, recv: &Value, member: &Member) -> Value {
        let mut roles = member.roles;
        if member.keep_roles {
            roles = roles.union(recv.roles);
        }
        if recv.from_request() {
            roles = roles.union(member.request_roles);
        }
        self.typed(member.returns.instantiate(&recv.ty), roles)
    }

    /// The result of a call: a modelled free function or an associated
    /// function of a modelled type (`Url::parse(..)`).
    fn call_value(&self, call: &syn::ExprCall) -> Value {
        let syn::Expr::Path(p) = &*call.func else {
            return Value::UNKNOWN;
        };
        if p.qself.is_some() {
            return Value::UNKNOWN;
        }
        let Some(path) = self.resolve_path(&p.path) else {
            return Value::UNKNOWN;
        };
        // A constructor of a literal remembers it (`Url::parse("https://..")`).
        let lit = call.args.first().and_then(|a| self.value_of(a).lit);
        if let Some(f) = self.models.function(&path) {
            if f.returns.is(FILTER) {
                return self.filter_value(f.returns.clone(), f.roles);
            }
            return Value {
                lit,
                ..self.typed(f.returns.clone(), f.roles)
            };
        }
        let (owner, name) = match path.rsplit_once("::") {
            Some(split) => split,
            None => return Value::UNKNOWN,
        };
        let owner = self.models.canonical(owner);
        match self
            .models
            .type_model(&owner)
            .and_then(|m| m.functions.get(name))
        {
            Some(member) => {
                let self_ty = Ty::named(&owner);
                Value {
                    lit,
                    ..self.typed(member.returns.instantiate(&self_ty), member.roles)
                }
            }
            None => Value::UNKNOWN,
        }
    }

    /// The canonical path a call's callee names, if it is a plain path.
    pub fn callee_path(&self, call: &syn::ExprCall) -> Option<String> {
        match &*call.func {
            syn::Expr::Path(p) if p.qself.is_none() => self.resolve_path(&p.path),
            _ => None,
        }
    }
}

/// Combinators of `Option`/`Result` that call their closure with the
/// contained value, and the index of that closure among the arguments.
const COMBINATORS: &[(&str, usize)] = &[
    ("map", 0),
    ("and_then", 0),
    ("is_some_and", 0),
    ("is_ok_and", 0),
    ("is_none_or", 0),
    ("filter", 0),
    ("inspect", 0),
    ("map_or", 1),
    ("map_or_else", 1),
];

/// The value a closure passed to `recv.method(..)` at argument `arg`
/// receives, when the method is a known combinator of `Option`/`Result`.
pub fn closure_params(recv: &Value, method: &str, arg: usize) -> Option<Value> {
    if !matches!(recv.ty.path(), Some("Option" | "Result")) {
        return None;
    }
    COMBINATORS
        .iter()
        .any(|&(m, i)| m == method && i == arg)
        .then(|| Value::new(recv.ty.unwrapped(), recv.roles))
}

fn is_self(e: &syn::Expr) -> bool {
    matches!(e, syn::Expr::Path(p) if p.path.is_ident("self"))
}
