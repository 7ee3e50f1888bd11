//! Inference: the value of an expression from bindings, models and the few
//! std methods that only unwrap or copy what they are given.

use super::{Literal, Scope, Value};
use crate::index::summary::Step;
use crate::macros::{MacroCall, Resolved};
use crate::models::roles::{Role, Roles};
use crate::models::ty::Ty;
use crate::models::{MacroKind, Member};

/// Deeper expressions have an unknown value (the walk stops earlier).
pub const MAX_VALUE_DEPTH: usize = crate::engine::MAX_WALK_DEPTH;

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

    /// What is known of `expr` at the current point. A method chain is
    /// asked about at every link (by the walk and by rules): the values of
    /// postfix expressions are remembered for as long as the scope they
    /// were computed in is open, so a chain of n calls costs n steps, not
    /// n². Deeper than [`MAX_VALUE_DEPTH`], nothing is known.
    pub fn value_of(&self, expr: &syn::Expr) -> Value {
        let memoized = self.macro_depth.get() == 0
            && matches!(
                expr,
                syn::Expr::MethodCall(_)
                    | syn::Expr::Field(_)
                    | syn::Expr::Call(_)
                    | syn::Expr::Try(_)
                    | syn::Expr::Await(_)
            );
        let key = expr as *const syn::Expr as usize;
        if memoized {
            if let Some(v) = self.memo.borrow().get(&key) {
                return v.clone();
            }
        }
        let depth = self.value_depth.get();
        if depth >= MAX_VALUE_DEPTH {
            return Value::UNKNOWN;
        }
        self.value_depth.set(depth + 1);
        let v = self.value_of_uncached(expr);
        self.value_depth.set(depth);
        if memoized {
            self.remember(key, v.clone());
        }
        v
    }

    fn value_of_uncached(&self, expr: &syn::Expr) -> Value {
        match expr {
            syn::Expr::Path(p) if p.qself.is_none() => {
                if let Some(id) = p.path.get_ident() {
                    if let Some(v) = self.binding(&id.to_string()) {
                        return v.clone();
                    }
                }
                self.constant_value(&p.path)
            }
            syn::Expr::Block(b) if b.label.is_none() => self.tail_value(&b.block),
            // Either branch: which routes a router holds is not known.
            syn::Expr::If(i) => {
                let then = self.tail_value(&i.then_branch);
                let v = match &i.else_branch {
                    Some((_, els)) if then.ty.is_unknown() => self.value_of(els),
                    _ => then,
                };
                Value { routes: None, ..v }
            }
            syn::Expr::Match(m) => Value {
                routes: None,
                ..m.arms
                    .iter()
                    .map(|a| self.value_of(&a.body))
                    .find(|v| !v.ty.is_unknown())
                    .unwrap_or_default()
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
                let args: Vec<&syn::Expr> = m.args.iter().collect();
                let value = self.method_call_value(&recv, &m.method.to_string(), &args);
                self.with_routes(value, &recv, m)
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
            syn::Expr::Binary(b) => self.binary_value(b),
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(i),
                ..
            }) => Value::new(
                Ty::named(match i.suffix() {
                    "" => "i32",
                    suffix => suffix,
                }),
                Roles::NONE,
            ),
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
                routes: None,
            },
            _ => Value::UNKNOWN,
        }
    }

    /// Arithmetic on numbers is a number (`page * 30 + 1`); a comparison
    /// or `&&`/`||` is a `bool`. Anything else (`String + &str`) is not
    /// followed.
    fn binary_value(&self, b: &syn::ExprBinary) -> Value {
        use syn::BinOp as B;
        match b.op {
            B::Eq(_)
            | B::Ne(_)
            | B::Lt(_)
            | B::Le(_)
            | B::Gt(_)
            | B::Ge(_)
            | B::And(_)
            | B::Or(_) => Value::new(Ty::named("bool"), Roles::NONE),
            B::Add(_)
            | B::Sub(_)
            | B::Mul(_)
            | B::Div(_)
            | B::Rem(_)
            | B::Shl(_)
            | B::Shr(_)
            | B::BitAnd(_)
            | B::BitOr(_)
            | B::BitXor(_) => {
                let number = |e: &syn::Expr| {
                    let v = self.value_of(e);
                    v.ty.is_number().then(|| v.ty.strip_refs().clone())
                };
                // `i32` stands for an unsuffixed literal: the other side's
                // type wins.
                match (number(&b.left), number(&b.right)) {
                    (Some(l), Some(r)) if l.path() == Some("i32") => Value::new(r, Roles::NONE),
                    (Some(l), Some(_)) => Value::new(l, Roles::NONE),
                    _ => Value::UNKNOWN,
                }
            }
            _ => Value::UNKNOWN,
        }
    }

    /// The value of a block: its tail expression, when it has one.
    fn tail_value(&self, block: &syn::Block) -> Value {
        match block.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => self.value_of(e),
            _ => Value::UNKNOWN,
        }
    }

    /// A `const` or `static` of the user's code (from any file of the
    /// crate): its type, and the literal it holds.
    fn constant_value(&self, path: &syn::Path) -> Value {
        let Some(ix) = self.index() else {
            // A file alone: its own top-level consts.
            let Some(text) = path
                .get_ident()
                .and_then(|id| self.facts.const_lits.get(&id.to_string()))
            else {
                return Value::UNKNOWN;
            };
            return Value {
                lit: Some(Literal {
                    text: text.as_str().into(),
                    span: syn::spanned::Spanned::span(path),
                }),
                ..self.typed(Ty::reference(Ty::named("str")), Roles::NONE)
            };
        };
        let Some((ty, lit)) = self
            .resolve_path(path)
            .and_then(|p| ix.constant(&p, self.models))
        else {
            return Value::UNKNOWN;
        };
        Value {
            lit: lit.map(|text| Literal {
                text: text.into(),
                span: syn::spanned::Spanned::span(path),
            }),
            ..self.typed(ty, Roles::NONE)
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
    /// The text of `format!("{BASE}/users/{id}")` given to a URL
    /// constructor, when it can hold no query: no `?` in the literal, and
    /// each placeholder either a known literal without `?` (substituted) or
    /// after a `/` (a path segment, shown as `{}`).
    fn path_only_format(&self, arg: &syn::Expr) -> Option<Literal> {
        let mut e = arg;
        // `&format!(..)`, `format!(..).as_str()`: the same text.
        loop {
            match e {
                syn::Expr::Reference(r) => e = &r.expr,
                syn::Expr::MethodCall(m)
                    if m.args.is_empty()
                        && matches!(m.method.to_string().as_str(), "as_str" | "as_ref") =>
                {
                    e = &m.receiver
                }
                _ => break,
            }
        }
        let syn::Expr::Macro(m) = e else { return None };
        if self.macro_kind(&m.mac.path) != Some(MacroKind::Format) {
            return None;
        }
        let call = MacroCall::parse(&m.mac.tokens);
        // The arguments are parsed anew at every call: never remembered.
        let _in_macro = self.in_macro();
        let f = call.format.as_ref()?;
        if f.value.contains(['?', '#']) {
            return None;
        }
        let mut text = String::new();
        for p in &f.placeholders {
            text.push_str(&p.before);
            let value = match call.resolve(p) {
                Resolved::Expr(e) => self.value_of(e),
                // `{API_BASE}`: a binding, or a const of the crate.
                Resolved::Capture(n) => match self.binding(&n) {
                    Some(v) => v.clone(),
                    None => syn::parse_str::<syn::Expr>(&n)
                        .map(|e| self.value_of(&e))
                        .unwrap_or_default(),
                },
                Resolved::Missing => return None,
            };
            match value.lit {
                Some(l) if !l.text.contains(['?', '#']) => text.push_str(&l.text),
                _ if text.contains('/') && !text.ends_with("://") => text.push_str("{}"),
                _ => return None,
            }
        }
        let rest = f.value.rsplit('}').next().unwrap_or("");
        if !f.placeholders.is_empty() {
            text.push_str(rest);
        } else {
            text = f.value.clone();
        }
        Some(Literal {
            text: text.into(),
            span: f.lit.span(),
        })
    }

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
        // The arguments are parsed anew at every call: never remembered.
        let _in_macro = self.in_macro();
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
        self.method_call_value(recv, name, &[])
    }

    /// The result of `recv.name(args)`: the arguments bind the generic
    /// parameters of a user method (`fn get<T>(&self, t: T) -> T`).
    fn method_call_value(&self, recv: &Value, name: &str, args: &[&syn::Expr]) -> Value {
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
                return self.method_call_value(&inner, name, args);
            }
        }
        // A method of the user's own type, from any file of the crate.
        if let Some(callee) = self
            .index()
            .and_then(|ix| ix.method(recv.ty.strip_refs(), name, self.models))
        {
            return self.callee_value(&callee, Some(recv), args);
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
                routes: None,
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

    /// The value of `recv.name` (a field or a tuple index): a modelled
    /// field, a field of a user's struct (from any file of the crate), or
    /// one reached through a smart pointer or extractor (`State<AppState>`).
    pub fn field_value(&self, recv: &Value, name: &str) -> Value {
        let model = self.models.model_of(&recv.ty);
        if let Some(member) = model.and_then(|m| m.fields.get(name)) {
            return self.member_value(recv, member);
        }
        if let Some(ty) = self
            .index()
            .and_then(|ix| ix.field(recv.ty.strip_refs(), name, self.models))
        {
            return self.typed(ty, recv.roles.provenance());
        }
        if let Some(target) = model.and_then(|m| m.deref.as_ref()) {
            let inner = self.typed(target.instantiate(&recv.ty), recv.roles);
            if !inner.ty.is_unknown() {
                return self.field_value(&inner, name);
            }
        }
        Value::UNKNOWN
    }

    fn member_value(&self, recv: &Value, member: &Member) -> Value {
        let mut roles = member.roles;
        if member.keep_roles {
            roles = roles.union(recv.roles);
        }
        if recv.from_request() {
            roles = roles.union(member.request_roles);
        }
        let value = self.typed(member.returns.instantiate(&recv.ty), roles);
        Value {
            checked: member.present,
            ..value
        }
    }

    /// The expression a wrapper call wraps (tracing's `field::display(uri)`
    /// is `uri`: model key `wraps-arg`), through any number of them; `e`
    /// itself otherwise. A finding on the wrapped value points at it, and
    /// its fix edits it, not the wrapper.
    pub fn unwrapped<'e>(&self, mut e: &'e syn::Expr) -> &'e syn::Expr {
        while let syn::Expr::Call(call) = e {
            let syn::Expr::Path(p) = &*call.func else {
                break;
            };
            let inner = p
                .qself
                .is_none()
                .then(|| self.resolve_path(&p.path))
                .flatten()
                .and_then(|path| self.models.function(&path))
                .and_then(|f| f.wraps_arg)
                .and_then(|i| call.args.iter().nth(i));
            match inner {
                Some(inner) => e = inner,
                None => break,
            }
        }
        e
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
        // A constructor of a literal remembers it (`Url::parse("https://..")`),
        // and of a `format!` whose every placeholder is a known literal or
        // sits in the path (`format!("{API_BASE}/users/{id}")`).
        let first = call.args.first().map(|a| self.value_of(a));
        let lit = first
            .as_ref()
            .and_then(|v| v.lit.clone())
            .or_else(|| call.args.first().and_then(|a| self.path_only_format(a)));
        // Wrapping a value keeps what it is: `Some(url)`, `Arc::new(state)`.
        match path.as_str() {
            "Some" | "Ok" | "std::option::Option::Some" | "std::result::Result::Ok" => {
                let v = first.unwrap_or_default();
                let wrapper = if path.ends_with("Some") {
                    "Option"
                } else {
                    "Result"
                };
                let ty = match v.ty.clone() {
                    Ty::Unknown => Ty::Unknown,
                    t => Ty::generic(wrapper, vec![t]),
                };
                return v.with_ty(ty);
            }
            "Box::new"
            | "std::sync::Arc::new"
            | "std::rc::Rc::new"
            | "std::borrow::Cow::Owned"
            | "std::borrow::Cow::Borrowed" => return first.unwrap_or_default(),
            _ => {}
        }
        if let Some(ix) = self.index() {
            if let Some(callee) = ix.call(&path, self.models) {
                let args: Vec<&syn::Expr> = call.args.iter().collect();
                // `Type::method(x, ..)` passes `self` first.
                return match (callee.sig.has_self, args.split_first()) {
                    (true, Some((recv, rest))) => {
                        let recv = self.value_of(recv);
                        self.callee_value(&callee, Some(&recv), rest)
                    }
                    _ => self.callee_value(&callee, None, &args),
                };
            }
        }
        if let Some(f) = self.models.function(&path) {
            if let Some(arg) = f.wraps_arg {
                return call
                    .args
                    .iter()
                    .nth(arg)
                    .map_or(Value::UNKNOWN, |a| self.value_of(a));
            }
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
                let mut roles = member.roles;
                // `keep-roles` on an associated function: what it makes of
                // the client's text is the client's (`Url::parse(&q.next)`).
                // The request's own URI stays apart (`SL004`).
                if member.keep_roles {
                    let arg = call.args.first().map(|a| self.value_of(a));
                    if arg.is_some_and(|a| a.from_request() && !a.has(Role::RequestUri)) {
                        roles = roles.with(Role::RequestInput);
                    }
                }
                Value {
                    lit,
                    ..self.typed(member.returns.instantiate(&self_ty), roles)
                }
            }
            None => Value::UNKNOWN,
        }
    }

    /// The result of calling a user function: its declared type, and, when
    /// its body returns a projection of a parameter, what that projection
    /// gives for this call's argument (`util::raw_query(&uri)` is the
    /// request's raw query when `uri` is the request's URI).
    fn callee_value(
        &self,
        callee: &crate::index::Callee<'_>,
        recv: Option<&Value>,
        args: &[&syn::Expr],
    ) -> Value {
        let depth = self.call_depth.get();
        // A generic return type takes what the arguments are.
        let ret = if callee.is_generic() && depth < 4 {
            self.call_depth.set(depth + 1);
            let tys: Vec<Ty> = args.iter().map(|a| self.value_of(a).ty).collect();
            self.call_depth.set(depth);
            callee.returns_for(recv.map(|r| &r.ty), &tys)
        } else {
            callee.ret.clone()
        };
        let declared = self.typed(ret, Roles::NONE);
        let Some(p) = callee.sig.returns.as_ref().filter(|_| depth < 4) else {
            return declared;
        };
        self.call_depth.set(depth + 1);
        let mut v = match p.param {
            None => recv.cloned().unwrap_or_default(),
            Some(i) => args.get(i).map(|a| self.value_of(a)).unwrap_or_default(),
        };
        v = self.project(v, &p.steps);
        self.call_depth.set(depth);
        if declared.ty.is_unknown() {
            return v;
        }
        Value {
            roles: declared.roles.union(v.roles),
            lit: v.lit,
            ..declared
        }
    }

    /// A value taken through field reads, method calls and `?` steps.
    pub fn project(&self, mut v: Value, steps: &[Step]) -> Value {
        for step in steps {
            v = match step {
                Step::Field(f) => self.field_value(&v, f),
                Step::Method(m) => self.method_value(&v, m),
                Step::Try => {
                    let ty = v.ty.unwrapped();
                    let roles = self.typed(ty.clone(), v.roles).roles;
                    Value { ty, roles, ..v }
                }
            };
        }
        v
    }

    /// Whether a call, as written, may go to a function whose own name
    /// `named` accepts: the last segment of its path, or a name an import
    /// gives some item (in this file or anywhere in the crate). Most calls
    /// name nothing a rule looks for, and this is much cheaper than
    /// resolving the path ([`Scope::callee_path`]); models never rename a
    /// function, so the last segment is its own name.
    pub fn call_may_name(&self, call: &syn::ExprCall, named: impl Fn(&str) -> bool) -> bool {
        let syn::Expr::Path(p) = &*call.func else {
            return false;
        };
        let Some(last) = p.path.segments.last() else {
            return false;
        };
        let known = self.call_name(&last.ident);
        let (name, renamed) = &*known;
        *renamed || named(name)
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
