//! Scope analysis: what framework type, and which roles, an expression has at
//! a given point of a file, proven from the code itself.
//!
//! The engine drives a [`Scope`] while it walks the syntax tree once: it
//! enters modules, functions, blocks and closures, declares `let` bindings
//! as it meets them (so shadowing is exact), and rules ask
//! [`Scope::value_of`] about the expression in front of them. Anything not
//! proven stays [`Ty::Unknown`], and rules never fire on unknown values:
//! a user's own `struct Url` shadows the framework name and is never
//! mistaken for `url::Url`.

mod bind;
mod bounds;
mod infer;
mod items;
pub mod route_attrs;
pub mod routes;

pub use infer::closure_params;

use crate::index::{FileContext, Index, Resolved};
use crate::models::roles::{Role, Roles};
use crate::models::ty::Ty;
use crate::models::{HandlerKind, MacroKind, Models};
use foldhash::{HashMap, HashMapExt, HashSet};

/// Does this expression's text encode for a query? `encoded_path..`,
/// `urlencoding::encode(..)`, `utf8_percent_encode(..)`, but not
/// `decode(..)` and not base64's `STANDARD` alphabet, whose `+` and `/` a
/// query decoder turns into a space and a path separator.
/// Whether `text` names an encoder at all: a cheap test before
/// [`text_encodes_for_query`].
pub fn may_encode(text: &str) -> bool {
    // In any case, as `text_encodes_for_query` lowercases: each word is
    // looked for where one of its rarer letters is (a vectorized search).
    let bytes = text.as_bytes();
    let has = |word: &str, at: usize| {
        let letter = word.as_bytes()[at];
        memchr::memchr2_iter(letter, letter.to_ascii_uppercase(), bytes).any(|i| {
            i >= at
                && bytes
                    .get(i - at..i - at + word.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(word.as_bytes()))
        })
    };
    has("encode", 3) || has("serialize", 7) || has("escape", 4)
}

pub fn text_encodes_for_query(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    if !(t.contains("encode") || t.contains("serialize") || t.contains("escape"))
        || t.contains("decode")
    {
        return false;
    }
    let base64_standard = t.contains("standard") && !t.contains("url_safe");
    // `utf8_percent_encode(x, CONTROLS)` leaves `&`, `=`, `+` and `#` as
    // they are.
    let controls_only = t.contains("percent_encode") && t.contains("controls");
    !(base64_standard || controls_only)
}

/// What the analysis knows about one expression.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Value {
    pub ty: Ty,
    pub roles: Roles,
    /// The string literal it was parsed from (`Url::parse("https://..")`).
    pub lit: Option<Literal>,
    /// An earlier `if x.is_none() { return .. }` proved it present.
    pub checked: bool,
    /// For a warp filter: the values it hands to the next closure.
    pub extract: Option<std::rc::Rc<Vec<Value>>>,
    /// For a router: the routes it is known to hold (see [`routes`]).
    pub routes: Option<std::rc::Rc<routes::Routes>>,
}

/// A string literal a value came from, and where it is written.
#[derive(Debug, Clone)]
pub struct Literal {
    pub text: std::sync::Arc<str>,
    pub span: proc_macro2::Span,
}

impl PartialEq for Literal {
    fn eq(&self, other: &Literal) -> bool {
        self.text == other.text
    }
}

impl Eq for Literal {}

impl Value {
    pub const UNKNOWN: Value = Value {
        ty: Ty::Unknown,
        roles: Roles::NONE,
        lit: None,
        checked: false,
        extract: None,
        routes: None,
    };

    pub fn new(ty: Ty, roles: Roles) -> Value {
        Value {
            ty,
            roles,
            lit: None,
            checked: false,
            extract: None,
            routes: None,
        }
    }

    /// The same content (roles, literal origin) under another type.
    pub fn with_ty(self, ty: Ty) -> Value {
        Value { ty, ..self }
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.has(role)
    }

    /// True when the value came out of an incoming request.
    pub fn from_request(&self) -> bool {
        self.roles.has_any(&[
            Role::Request,
            Role::RequestUri,
            Role::RequestHeaders,
            Role::RequestInput,
        ])
    }
}

/// What a name in the item namespace refers to.
#[derive(Debug, Clone)]
enum Item {
    /// Brought in by `use`: the full path it names.
    Import(String),
    /// Declared in the linted code (struct, enum, trait, mod ...).
    Local,
    /// A fn, const or static of the linted code: in the value namespace,
    /// so never the first segment of a longer path (`#[launch] fn
    /// rocket()` leaves `rocket::build()` naming the crate).
    LocalValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Module,
    Function,
    Closure,
    Block,
}

#[derive(Debug)]
struct Frame {
    kind: FrameKind,
    items: HashMap<String, Item>,
    globs: Vec<String>,
    bindings: HashMap<String, Value>,
    /// Declared field types of the structs of this module or block.
    structs: HashMap<String, HashMap<String, Ty>>,
    /// For function and closure frames: is this a request handler?
    handler: bool,
    /// For function frames: the byte range of the body.
    body: Option<std::ops::Range<usize>>,
    /// For module frames of a file in the crate index: the module's path.
    module: Option<Vec<String>>,
    /// Expressions proved present here ([`repeatable_key`] of each):
    /// `if req.match_info().get("id").is_none() { return .. }`.
    checked_exprs: Vec<String>,
}

impl Frame {
    fn new(kind: FrameKind) -> Frame {
        Frame {
            kind,
            items: HashMap::new(),
            globs: Vec::new(),
            bindings: HashMap::new(),
            structs: HashMap::new(),
            handler: false,
            body: None,
            module: None,
            checked_exprs: Vec::new(),
        }
    }
}

/// What the analysis knows of the arguments a closure will be called with.
#[derive(Debug, Clone, Copy)]
pub enum ClosureParams<'a> {
    Unknown,
    /// A framework callback (`accept_hdr_async(stream, |req, resp| ..)`):
    /// the parameter types, and the closure handles a request.
    Callback(&'a [Ty]),
    /// A std combinator on a known value (`query.map(|q| ..)`).
    Values(&'a [Value]),
    /// A warp filter's closure: the values the filters extracted, and the
    /// closure handles a request.
    Filter(&'a [Value]),
}

/// The `impl` block being walked.
#[derive(Debug, Clone)]
struct ImplContext {
    /// The self type's name when it is declared in this file.
    local_name: Option<String>,
    ty: Ty,
    handler_trait: bool,
    connector: bool,
    /// The impl's type parameters bounded by a crate trait
    /// (`impl<C: Config> Client<C>`), for its methods' parameters.
    bounded: Vec<(String, Ty)>,
}

/// Facts about the whole file, gathered before the walk.
#[derive(Debug, Default)]
pub struct FileFacts {
    /// `extern crate x as y`: y → x.
    extern_aliases: HashMap<String, String>,
    /// Methods declared by traits or trait impls in this file: a framework
    /// type may have them through an extension trait.
    pub local_methods: HashSet<String>,
    /// Crates imported with `#[macro_use] extern crate x;`.
    macro_use: Vec<String>,
    /// Types of this file that implement `Service<Uri>`: connectors, whose
    /// `Uri` is a connection destination (scheme and authority), not a
    /// request target.
    connectors: HashSet<String>,
    /// Top-level `const`/`static` string literals of this file, for a file
    /// analysed without its crate (the index knows them otherwise).
    const_lits: HashMap<String, String>,
    /// Route attributes of the file's functions, by name (`None`: the name
    /// is declared twice).
    pub route_attrs: HashMap<String, Option<route_attrs::RouteAttr>>,
}

/// The scope at the current point of the walk over one file.
pub struct Scope<'m> {
    pub models: &'m Models,
    /// The crate index and where this file sits in it; `None` for a file
    /// outside any crate (stdin, a lone file), analysed alone.
    index: Option<(&'m Index, FileContext)>,
    facts: FileFacts,
    frames: Vec<Frame>,
    impls: Vec<ImplContext>,
    /// Depth of `#[test]` functions and `#[cfg(test)]` modules.
    test_depth: usize,
    /// User functions being followed into (a recursive helper stops here).
    call_depth: std::cell::Cell<u8>,
    /// Nesting of [`Scope::value_of`].
    value_depth: std::cell::Cell<usize>,
    /// Values of postfix expressions (by address), each valid while the
    /// frames open when it was computed stay open.
    memo: std::cell::RefCell<HashMap<usize, Value>>,
    /// The memo's keys with the frame depth they were computed at.
    memo_log: std::cell::RefCell<Vec<(usize, usize)>>,
    /// Inside expressions parsed from a macro's tokens: they are parsed
    /// anew each time, so their addresses say nothing.
    macro_depth: std::cell::Cell<usize>,
    /// What paths resolved to ([`Scope::resolve_segments`]) while the
    /// names in scope stay the same: a handler file names `Uri` or
    /// `HeaderMap` hundreds of times, and each resolution walks the frames,
    /// the `use`s and the index. Emptied whenever a frame declaring names
    /// opens or closes ([`Scope::names_changed`]).
    /// Keyed by the path as written, segments joined by `::`.
    resolved: std::cell::RefCell<HashMap<String, Option<String>>>,
    /// [`Scope::resolve_path`]'s buffer for a path's text.
    path_text: std::cell::Cell<String>,
    /// `let u: Url = text.parse()?;`: `parse` calls whose target type a
    /// `let` annotates, by address, with that type ([`Scope::parse_target`]).
    parse_targets: std::cell::RefCell<Vec<(usize, syn::Type)>>,
    /// [`Scope::call_may_name`]'s last call name and whether an import
    /// gives it (the askers of one call come one after another). Emptied
    /// with [`Scope::resolved`].
    call_name: std::cell::RefCell<Option<(String, bool)>>,
    /// The crate's items that hold framework values, once per file.
    framework_items: std::cell::OnceCell<Option<std::sync::Arc<crate::index::FrameworkItems>>>,
}

/// While alive, [`Scope::value_of`] remembers nothing (see
/// [`Scope::in_macro`]).
pub struct InMacro<'s> {
    depth: &'s std::cell::Cell<usize>,
}

impl Drop for InMacro<'_> {
    fn drop(&mut self) {
        self.depth.set(self.depth.get() - 1);
    }
}

impl<'m> Scope<'m> {
    /// A scope for one file. `test_file` says the path is test code
    /// (`tests/`, `benches/`, `tests.rs`): everything in it is as if in a
    /// `#[cfg(test)]` module.
    pub fn new(
        models: &'m Models,
        file: &syn::File,
        test_file: bool,
        index: Option<(&'m Index, FileContext)>,
    ) -> Scope<'m> {
        Scope {
            models,
            index,
            facts: items::file_facts(file),
            frames: Vec::new(),
            impls: Vec::new(),
            test_depth: usize::from(test_file),
            call_depth: std::cell::Cell::new(0),
            value_depth: std::cell::Cell::new(0),
            memo: Default::default(),
            memo_log: Default::default(),
            resolved: Default::default(),
            path_text: Default::default(),
            parse_targets: Default::default(),
            call_name: Default::default(),
            framework_items: Default::default(),
            macro_depth: std::cell::Cell::new(0),
        }
    }

    /// Expressions parsed from macro tokens are being looked at until the
    /// guard drops.
    pub fn in_macro(&self) -> InMacro<'_> {
        self.macro_depth.set(self.macro_depth.get() + 1);
        InMacro {
            depth: &self.macro_depth,
        }
    }

    fn remember(&self, key: usize, value: Value) {
        self.memo_log.borrow_mut().push((self.frames.len(), key));
        self.memo.borrow_mut().insert(key, value);
    }

    /// A frame closed: what was computed inside it no longer holds.
    fn forget_closed_frames(&mut self) {
        let open = self.frames.len();
        let log = self.memo_log.get_mut();
        let memo = self.memo.get_mut();
        while log.last().is_some_and(|&(depth, _)| depth > open) {
            let (_, key) = log.pop().expect("checked");
            memo.remove(&key);
        }
    }

    /// The walk enters (`true`) or leaves expressions parsed from a
    /// macro's tokens.
    pub fn macro_args(&self, entering: bool) {
        let d = self.macro_depth.get();
        self.macro_depth
            .set(if entering { d + 1 } else { d.saturating_sub(1) });
    }

    /// True when a plain name is an item of the linted code (a `const` or
    /// `static` when it appears as a value) rather than a local variable.
    pub fn is_local_item(&self, name: &str) -> bool {
        self.binding(name).is_none()
            && self
                .item_frames()
                .any(|f| matches!(f.items.get(name), Some(Item::Local | Item::LocalValue)))
    }

    pub fn facts(&self) -> &FileFacts {
        &self.facts
    }

    /// Does a trait of this file or of its crate declare a method `name`
    /// (an extension trait may add it to a framework type)?
    pub fn has_local_method(&self, name: &str) -> bool {
        self.facts.local_methods.contains(name)
            || self
                .index
                .as_ref()
                .is_some_and(|(ix, ctx)| ix.has_trait_method(ctx.krate, name))
    }

    /// The crate index, when this file is part of an indexed crate.
    pub fn index(&self) -> Option<&'m Index> {
        self.index.as_ref().map(|(ix, _)| *ix)
    }

    /// The index and the crate of the file, when the index knows it.
    pub fn index_crate(&self) -> Option<(&'m Index, usize)> {
        self.index.as_ref().map(|(ix, ctx)| (*ix, ctx.krate))
    }

    /// The module path of the innermost module frame, in the index.
    fn current_module(&self) -> Option<&[String]> {
        self.frames
            .iter()
            .rev()
            .find(|f| f.kind == FrameKind::Module)
            .and_then(|f| f.module.as_deref())
    }

    /// A path resolved through the crate index from `module`, as a
    /// canonical path (the user's items keep their own).
    fn resolve_local(&self, module: &[String], segs: &[String]) -> Option<String> {
        let (ix, ctx) = self.index.as_ref()?;
        match ix.resolve_in(ctx.krate, module, segs, 0)? {
            Resolved::Local(p) => Some(p),
            Resolved::External(p) => {
                let (first, rest) = p.split_first()?;
                let krate = self.facts.extern_aliases.get(first).unwrap_or(first);
                let mut s = krate.clone();
                for r in rest {
                    s.push_str("::");
                    s.push_str(r);
                }
                Some(self.models.canonical(&s))
            }
        }
    }

    // ----- entering and leaving ------------------------------------------

    /// Enter a module (the file root when `name` is `None`) with its items.
    pub fn enter_module(&mut self, items: &[syn::Item], is_test: bool, name: Option<&str>) {
        let module = match (name, &self.index) {
            (None, Some((_, ctx))) => Some(ctx.module.clone()),
            (Some(name), Some(_)) => self.current_module().map(|m| {
                let mut m = m.to_vec();
                m.push(name.to_string());
                m
            }),
            (_, None) => None,
        };
        let mut frame = Frame::new(FrameKind::Module);
        frame.module = module;
        self.frames.push(frame);
        self.declare_items(items.iter());
        self.test_depth += usize::from(is_test);
    }

    pub fn exit_module(&mut self, is_test: bool) {
        self.pop_frame();
        self.forget_closed_frames();
        self.test_depth -= usize::from(is_test);
    }

    /// Enter a block with its statements: its items and `use`s are visible
    /// everywhere inside it.
    pub fn enter_block(&mut self, stmts: &[syn::Stmt]) {
        self.frames.push(Frame::new(FrameKind::Block));
        self.declare_items(stmts.iter().filter_map(|s| match s {
            syn::Stmt::Item(i) => Some(i),
            _ => None,
        }));
    }

    /// Enter a bare scope (a match arm, an `if let` branch, a loop body).
    pub fn enter_scope(&mut self) {
        self.frames.push(Frame::new(FrameKind::Block));
    }

    pub fn exit(&mut self) {
        self.pop_frame();
        self.forget_closed_frames();
    }

    fn pop_frame(&mut self) {
        let names = self.frames.pop().is_some_and(|f| {
            f.kind == FrameKind::Module || !f.items.is_empty() || !f.globs.is_empty()
        });
        if names {
            self.names_changed();
        }
    }

    /// The names in scope changed: paths may resolve differently.
    fn names_changed(&mut self) {
        self.resolved.get_mut().clear();
        self.call_name.get_mut().take();
    }

    /// The last segment of a call's path, and whether it is an import's
    /// new name here ([`Scope::is_rename`]): worked out once for the
    /// several askers of one call.
    pub(crate) fn call_name(&self, last: &syn::Ident) -> std::cell::Ref<'_, (String, bool)> {
        let known = matches!(&*self.call_name.borrow(), Some((name, _)) if last == name);
        if !known {
            let name = last.to_string();
            let renamed = self.is_rename(&name);
            *self.call_name.borrow_mut() = Some((name, renamed));
        }
        std::cell::Ref::map(self.call_name.borrow(), |slot| {
            slot.as_ref().expect("set just now")
        })
    }

    fn declare_items<'a>(&mut self, list: impl Iterator<Item = &'a syn::Item>) {
        let list: Vec<&syn::Item> = list.collect();
        if !list.is_empty()
            || self
                .frames
                .last()
                .is_some_and(|f| f.kind == FrameKind::Module)
        {
            self.names_changed();
        }
        let frame = self.frames.last_mut().expect("a frame is always open");
        for item in &list {
            items::declare(frame, item, &self.facts.extern_aliases);
        }
        // Struct fields are resolved after every name of the module is known.
        for item in &list {
            if let syn::Item::Struct(s) = item {
                let fields: HashMap<String, Ty> = s
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        (
                            crate::index::summary::field_name(i, f),
                            self.resolve_type(&f.ty),
                        )
                    })
                    .collect();
                self.top().structs.insert(s.ident.to_string(), fields);
            }
        }
    }

    pub fn enter_impl(&mut self, imp: &syn::ItemImpl) {
        let local_name = match &*imp.self_ty {
            syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                Some(p.path.segments[0].ident.to_string())
            }
            _ => None,
        };
        let bounded = self.bounded_generics(&imp.generics);
        let ty = bounds::with_bounds(self.resolve_type(&imp.self_ty), &bounded);
        let handler_trait = imp.trait_.as_ref().is_some_and(|(_, path, _)| {
            self.resolve_path(path)
                .is_some_and(|p| self.models.is_handler_trait(&p))
        });
        let connector = local_name
            .as_ref()
            .is_some_and(|n| self.facts.connectors.contains(n));
        self.impls.push(ImplContext {
            local_name,
            ty,
            handler_trait,
            connector,
            bounded,
        });
    }

    pub fn exit_impl(&mut self) {
        self.impls.pop();
    }

    /// Enter a function: decide whether it handles requests, bind its
    /// parameters.
    pub fn enter_fn(&mut self, sig: &syn::Signature, is_test: bool) {
        self.test_depth += usize::from(is_test);
        let mut bounded = self.bounded_generics(&sig.generics);
        if let Some(imp) = self.impls.last() {
            bounded.extend(imp.bounded.iter().cloned());
        }
        let params: Vec<(&syn::Pat, Ty)> = sig
            .inputs
            .iter()
            .filter_map(|arg| match arg {
                syn::FnArg::Typed(pt) => Some((
                    &*pt.pat,
                    bounds::with_bounds(self.resolve_type(&pt.ty), &bounded),
                )),
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let in_handler_impl = self.impls.last().is_some_and(|i| i.handler_trait);
        let receiver = sig.receiver();
        let handler = self.test_depth == 0
            && (in_handler_impl
                || self
                    .is_handler_signature(sig.asyncness.is_some() && receiver.is_none(), &params));
        let mut frame = Frame::new(FrameKind::Function);
        frame.handler = handler;
        self.frames.push(frame);
        if let Some(r) = receiver {
            // `self`, `&self`, `&mut self` and `self: Box<Self>` alike: the
            // declared type, so `self: Pin<&mut Self>` is not `Self`.
            let ty = self.resolve_type(&r.ty);
            let value = self.typed(ty, Roles::NONE);
            self.bind("self".to_string(), value);
        }
        let connector = self.impls.last().is_some_and(|i| i.connector);
        for (pat, ty) in params {
            let value = if connector && ty.is("http::Uri") {
                Value::new(ty, Roles::NONE)
            } else {
                self.param_value(ty)
            };
            self.bind_pat(pat, value);
        }
    }

    pub fn exit_fn(&mut self, is_test: bool) {
        self.pop_frame();
        self.forget_closed_frames();
        self.test_depth -= usize::from(is_test);
    }

    /// Enter a closure, binding its parameters from their annotations or
    /// from what the caller is known to pass.
    pub fn enter_closure(&mut self, closure: &syn::ExprClosure, given: ClosureParams<'_>) {
        let callback = matches!(given, ClosureParams::Callback(_) | ClosureParams::Filter(_));
        let mut frame = Frame::new(FrameKind::Closure);
        frame.handler = callback && self.test_depth == 0 || self.in_handler();
        self.frames.push(frame);
        for (i, input) in closure.inputs.iter().enumerate() {
            let value = match (input, &given) {
                (syn::Pat::Type(pt), given) => {
                    let roles = match given {
                        ClosureParams::Values(v) | ClosureParams::Filter(v) => {
                            v.get(i).map(|v| v.roles).unwrap_or_default()
                        }
                        _ => Roles::NONE,
                    };
                    let mut v = self.param_value(self.resolve_type(&pt.ty));
                    v.roles = v.roles.union(roles);
                    v
                }
                (_, ClosureParams::Callback(types)) => {
                    self.param_value(types.get(i).cloned().unwrap_or_default())
                }
                (_, ClosureParams::Values(values) | ClosureParams::Filter(values)) => {
                    values.get(i).cloned().unwrap_or_default()
                }
                (_, ClosureParams::Unknown) => Value::UNKNOWN,
            };
            let pat = match input {
                syn::Pat::Type(pt) => &*pt.pat,
                other => other,
            };
            self.bind_pat(pat, value);
        }
    }

    /// A function is a request handler when a parameter is only ever an
    /// incoming request (actix `HttpRequest`, axum `Query`), or when it is
    /// an async free function whose arguments are extractors (the last one
    /// may be any owned body type, as axum allows). Methods taking `self`
    /// are not axum handlers: `async fn call(&mut self, dst: Uri)` is a
    /// client. An extractor is taken by value: `async fn connect(url:
    /// &Uri)` is a helper handed some URI, not a handler (a borrowed
    /// `&HttpRequest` still is: it is only ever an incoming request).
    fn is_handler_signature(&self, extractor_shaped: bool, params: &[(&syn::Pat, Ty)]) -> bool {
        let kinds: Vec<Option<HandlerKind>> = params
            .iter()
            .map(|(_, ty)| {
                let kind = self.models.model_of(ty).and_then(|m| m.handler);
                match (kind, ty) {
                    (Some(HandlerKind::Extractor), Ty::Ref(_)) => None,
                    _ => kind,
                }
            })
            .collect();
        if kinds.contains(&Some(HandlerKind::Request)) {
            return true;
        }
        if !extractor_shaped || !kinds.iter().any(Option::is_some) {
            return false;
        }
        let (last, rest) = kinds.split_last().expect("non-empty: one is Some");
        let last_ok = last.is_some() || !matches!(params.last().map(|p| &p.1), Some(Ty::Ref(_)));
        rest.iter().all(Option::is_some) && last_ok
    }

    fn param_value(&self, ty: Ty) -> Value {
        let mut roles = Roles::NONE;
        if let Some(m) = self.models.model_of(&ty) {
            roles = m.roles;
            if self.in_handler() {
                roles = roles.union(m.handler_roles);
            }
        }
        Value::new(ty, roles)
    }

    // ----- questions rules ask -------------------------------------------

    /// Is the innermost function or closure a request handler?
    pub fn in_handler(&self) -> bool {
        self.frames
            .iter()
            .rev()
            .find(|f| matches!(f.kind, FrameKind::Function | FrameKind::Closure))
            .is_some_and(|f| f.handler)
    }

    /// Record where the current function's body is in the file.
    pub fn set_body(&mut self, range: std::ops::Range<usize>) {
        self.top().body = Some(range);
    }

    /// The byte range of the enclosing function's body.
    pub fn fn_body(&self) -> Option<std::ops::Range<usize>> {
        self.frames
            .iter()
            .rev()
            .find(|f| f.kind == FrameKind::Function)
            .and_then(|f| f.body.clone())
    }

    /// After `if e.is_none() { return .. }` for an expression `e` that
    /// gives the same value each time it is written ([`repeatable_key`]).
    pub fn mark_expr_checked(&mut self, key: String) {
        if let Some(frame) = self.frames.last_mut() {
            frame.checked_exprs.push(key);
        }
    }

    /// Whether `expr` repeats an expression an earlier check proved
    /// present in this function ([`Scope::mark_expr_checked`]).
    pub fn expr_checked(&self, expr: &syn::Expr) -> bool {
        // The key is made only when some frame holds checks (rarely).
        let mut key: Option<Option<String>> = None;
        for frame in self.frames.iter().rev() {
            if !frame.checked_exprs.is_empty() {
                match key.get_or_insert_with(|| repeatable_key(expr)) {
                    Some(k) if frame.checked_exprs.contains(k) => return true,
                    None => return false,
                    Some(_) => {}
                }
            }
            if matches!(frame.kind, FrameKind::Function | FrameKind::Module) {
                break;
            }
        }
        false
    }

    /// After `if x.is_none() { return .. }`: `x` is known to be present.
    pub fn mark_checked(&mut self, name: &str) {
        if let Some(v) = self.binding(name).cloned() {
            self.bind(name.to_string(), Value { checked: true, ..v });
        }
    }

    /// `url.query_pairs_mut()`, `url.set_query(..)`: the binding no longer
    /// holds the literal it was made from; what it says of the scheme
    /// stays (none of these calls changes a scheme).
    pub fn forget_literal(&mut self, name: &str) {
        if let Some(v) = self.binding(name).cloned() {
            if let Some(lit) = &v.lit {
                let roles = if has_special_scheme(&lit.text) {
                    v.roles.with(Role::SpecialScheme)
                } else {
                    v.roles
                };
                self.bind(
                    name.to_string(),
                    Value {
                        lit: None,
                        roles,
                        ..v
                    },
                );
            }
        }
    }

    /// `headers.remove(AUTHORIZATION)` on a copy: the binding is a
    /// redacted header map, no longer every header.
    pub fn redact_headers(&mut self, name: &str) {
        if let Some(v) = self.binding(name).cloned() {
            if v.roles.has(Role::RequestHeaders) {
                let roles = v.roles.provenance();
                self.bind(name.to_string(), Value { roles, ..v });
            }
        }
    }

    /// Inside a `#[test]` function or `#[cfg(test)]` module?
    pub fn in_test(&self) -> bool {
        self.test_depth > 0
    }

    /// Declare a binding in the innermost frame (`let`, parameters).
    pub fn bind(&mut self, name: String, value: Value) {
        self.top().bindings.insert(name, value);
    }

    fn top(&mut self) -> &mut Frame {
        self.frames.last_mut().expect("a frame is always open")
    }

    /// The value of a local variable, looking outward through blocks and
    /// closures up to the enclosing function.
    fn binding(&self, name: &str) -> Option<&Value> {
        for frame in self.frames.iter().rev() {
            if let Some(v) = frame.bindings.get(name) {
                return Some(v);
            }
            if matches!(frame.kind, FrameKind::Function | FrameKind::Module) {
                break;
            }
        }
        None
    }

    /// Whether `name` is an import's new name for an item (`use a::b as
    /// name;`) here or anywhere in the crate.
    pub(crate) fn is_rename(&self, name: &str) -> bool {
        self.frames.iter().any(|f| {
            matches!(f.items.get(name), Some(Item::Import(full))
                if full.rsplit("::").next() != Some(name))
        }) || self
            .index
            .as_ref()
            .is_some_and(|(ix, _)| ix.is_rename(name))
    }

    /// The frames whose item names are visible here: up to and including
    /// the innermost module (Rust modules do not inherit their parent's
    /// imports).
    fn item_frames(&self) -> impl Iterator<Item = &Frame> {
        let mut done = false;
        self.frames.iter().rev().take_while(move |f| {
            let keep = !done;
            done |= f.kind == FrameKind::Module;
            keep
        })
    }

    /// The field types of `self`'s struct, when it is declared in this file.
    fn self_fields(&self) -> Option<&HashMap<String, Ty>> {
        let name = self.impls.last()?.local_name.as_ref()?;
        self.frames.iter().rev().find_map(|f| f.structs.get(name))
    }

    /// The canonical path a source path names, or `None` when it names
    /// something declared in the linted code (or `crate::`/`self::` paths).
    pub fn resolve_path(&self, path: &syn::Path) -> Option<String> {
        let segs = || {
            path.segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect::<Vec<_>>()
        };
        if path.leading_colon.is_some() {
            return self.resolve_segments_anew(&segs(), true);
        }
        // Most paths were met before in the file: look them up by their
        // text, written into one reused buffer, before making a segment
        // list.
        let mut key = self.path_text.take();
        key.clear();
        for (i, s) in path.segments.iter().enumerate() {
            if i > 0 {
                key.push_str("::");
            }
            use std::fmt::Write;
            let _ = write!(key, "{}", s.ident);
        }
        let known = self.resolved.borrow().get(key.as_str()).cloned();
        let found = match known {
            Some(found) => found,
            None => {
                let found = self.resolve_segments_anew(&segs(), false);
                self.resolved
                    .borrow_mut()
                    .insert(key.clone(), found.clone());
                found
            }
        };
        self.path_text.set(key);
        found
    }

    pub fn resolve_segments(&self, segs: &[String], leading_colon: bool) -> Option<String> {
        if leading_colon {
            return self.resolve_segments_anew(segs, true);
        }
        let key = segs.join("::");
        if let Some(found) = self.resolved.borrow().get(&key) {
            return found.clone();
        }
        let found = self.resolve_segments_anew(segs, false);
        self.resolved.borrow_mut().insert(key, found.clone());
        found
    }

    fn resolve_segments_anew(&self, segs: &[String], leading_colon: bool) -> Option<String> {
        let (first, rest) = segs.split_first()?;
        let join = |head: &str| {
            let mut s = head.to_string();
            for r in rest {
                s.push_str("::");
                s.push_str(r);
            }
            self.models.canonical(&s)
        };
        if leading_colon {
            let krate = self.facts.extern_aliases.get(first).unwrap_or(first);
            return Some(join(krate));
        }
        if matches!(first.as_str(), "crate" | "self" | "super") {
            return self.resolve_local(self.current_module()?, segs);
        }
        if first == "Self" {
            return None;
        }
        for frame in self.item_frames() {
            match frame.items.get(first) {
                Some(Item::Import(full)) => {
                    let head = full.split("::").next().unwrap_or("");
                    let from_root = self
                        .index
                        .as_ref()
                        .is_some_and(|(ix, ctx)| ix.use_from_root(ctx.krate, head));
                    let local = matches!(head, "crate" | "self" | "super")
                        || from_root
                        || self
                            .index
                            .as_ref()
                            .is_some_and(|(ix, ctx)| ix.is_dep(ctx.krate, head));
                    if !local {
                        return Some(join(full));
                    }
                    let module = self.current_module()?;
                    let mut path: Vec<String> =
                        from_root.then(|| "crate".to_string()).into_iter().collect();
                    path.extend(full.split("::").map(String::from));
                    path.extend(rest.iter().cloned());
                    return self.resolve_local(module, &path);
                }
                Some(Item::LocalValue) if !rest.is_empty() => {}
                Some(Item::Local | Item::LocalValue) => {
                    // An item of a module the index knows has a canonical
                    // path; one declared inside a function body does not.
                    return match &frame.module {
                        Some(module) if frame.kind == FrameKind::Module => {
                            self.resolve_local(module, segs)
                        }
                        _ => None,
                    };
                }
                None => {}
            }
        }
        if let Some((ix, ctx)) = &self.index {
            if ix.is_dep(ctx.krate, first) {
                return self.resolve_local(&[], segs);
            }
            // A name a `use crate::prelude::*` glob brings in.
            if let Some(module) = self.current_module() {
                if let Some(found) = self.resolve_local(module, segs) {
                    return Some(found);
                }
            }
        }
        for frame in self.item_frames() {
            for glob in &frame.globs {
                let candidate = join(&format!("{glob}::{first}"));
                // `Router::with_path` through `use salvo::prelude::*`: the
                // glob brings the type, the path names its function.
                let head = self.models.canonical(&format!("{glob}::{first}"));
                if [&candidate, &head]
                    .iter()
                    .any(|c| self.models.knows_item(c) || self.models.knows_module(c))
                {
                    return Some(candidate);
                }
            }
        }
        if let Some(krate) = self.facts.extern_aliases.get(first) {
            return Some(join(krate));
        }
        Some(join(first))
    }

    /// What a macro call does, when the models know the macro. Macros
    /// declared in the linted code (`macro_rules!`) and unknown ones: `None`.
    pub fn macro_kind(&self, path: &syn::Path) -> Option<MacroKind> {
        let resolved = self.resolve_path(path)?;
        if let Some(kind) = self.models.macro_kind(&resolved) {
            return Some(kind);
        }
        if path.segments.len() == 1 && path.leading_colon.is_none() {
            let crate_wide = match &self.index {
                Some((ix, ctx)) => {
                    if ix.is_user_macro(ctx.krate, &resolved) {
                        return None;
                    }
                    ix.macro_use(ctx.krate)
                }
                None => &[],
            };
            for krate in self.facts.macro_use.iter().chain(crate_wide) {
                if let Some(kind) = self.models.macro_kind(&format!("{krate}::{resolved}")) {
                    return Some(kind);
                }
            }
        }
        None
    }

    /// The value bound to a plain name here (inline format captures).
    /// Is `name` bound to a value a rule can follow, or reach something
    /// followed from ([`Scope::value_may_matter`])? Rules never fire on
    /// values of unknown type.
    pub fn binds_followed_value(&self, name: &str) -> bool {
        self.binding(name).is_some_and(|v| self.value_may_matter(v))
    }

    /// Roles, a literal, or a type that is modelled or an item of the
    /// crate holding a framework value (or, outside any crate, any type
    /// that is not std's).
    pub fn value_may_matter(&self, v: &Value) -> bool {
        !v.roles.is_empty() || v.lit.is_some() || self.type_may_matter(&v.ty)
    }

    fn type_may_matter(&self, t: &Ty) -> bool {
        match t {
            Ty::Path { path, args } => {
                let last = path.rsplit("::").next().unwrap_or(path);
                self.models.type_model(path).is_some()
                    || match self.framework_items() {
                        Some(items) => items.contains(last),
                        None => !matches!(path.split("::").next(), Some("std" | "core" | "alloc")),
                    }
                    || args.iter().any(|a| self.type_may_matter(a))
            }
            Ty::Ref(t) => self.type_may_matter(t),
            Ty::Tuple(items) => items.iter().any(|t| self.type_may_matter(t)),
            _ => false,
        }
    }

    /// Does a path written in an expression (`Url::parse`, `API_BASE`,
    /// `util::raw_query`) name something modelled, an item of the crate
    /// that can hold a followed value, or a constant of the crate? A path
    /// that does not resolve here may be anything: yes.
    pub fn path_may_matter(&self, segs: &[String]) -> bool {
        if segs.len() == 1 && self.is_local_item(&segs[0]) {
            return true;
        }
        let Some(canonical) = self.resolve_segments(segs, false) else {
            return true;
        };
        let items = self.framework_items();
        let mut prefix = String::new();
        for seg in canonical.split("::") {
            if !prefix.is_empty() {
                prefix.push_str("::");
            }
            prefix.push_str(seg);
            let modelled = self.models.knows_item(&prefix) && !self.models.is_wrapper(&prefix);
            if modelled || items.as_ref().is_some_and(|i| i.contains(seg)) {
                return true;
            }
        }
        // A crate item not of the index (a loose file): unknown.
        self.index.is_none()
            && !self
                .models
                .knows_module(canonical.split("::").next().unwrap_or(""))
    }

    /// [`Index::framework_items`] of this file's crate; `None` outside any.
    fn framework_items(&self) -> Option<&crate::index::FrameworkItems> {
        self.framework_items
            .get_or_init(|| {
                self.index
                    .as_ref()
                    .map(|(ix, ctx)| ix.framework_items(ctx.krate, self.models))
            })
            .as_deref()
    }

    /// Can a call of the free function `name` return a followed value: a
    /// modelled free function, or one of the crate's that returns one?
    pub fn names_followed_function(&self, name: &str) -> bool {
        self.models.is_free_function_name(name)
            || self
                .framework_items()
                .is_none_or(|items| items.contains(name))
    }

    pub fn value_of_name(&self, name: &str) -> Value {
        self.binding(name).cloned().unwrap_or_default()
    }

    /// The type a type expression denotes.
    /// Record that `call` (a `parse()` with no turbofish) parses into `ty`:
    /// a `let` annotates its result ([`Scope::parse_target`]). Nothing is
    /// recorded inside a macro's tokens, whose addresses say nothing.
    pub fn note_parse_target(&self, call: &syn::ExprMethodCall, ty: &syn::Type) {
        if self.macro_depth.get() == 0 {
            let at = call as *const syn::ExprMethodCall as usize;
            self.parse_targets.borrow_mut().push((at, ty.clone()));
        }
    }

    /// The type `s.parse()` parses into, when the code says it: its
    /// turbofish (`s.parse::<Url>()`), or the `let` its result goes to
    /// (`let u: Url = s.parse()?;`, `let r: Result<Url, _> = s.parse();`).
    /// `str::parse` calls that type's `FromStr::from_str`.
    pub fn parse_target(&self, m: &syn::ExprMethodCall) -> Option<Ty> {
        if m.method != "parse" || !m.args.is_empty() {
            return None;
        }
        if let Some(turbofish) = &m.turbofish {
            let mut args = turbofish.args.iter();
            return match (args.next(), args.next()) {
                (Some(syn::GenericArgument::Type(t)), None) => Some(self.resolve_type(t)),
                _ => None,
            };
        }
        if self.macro_depth.get() > 0 {
            return None;
        }
        let at = m as *const syn::ExprMethodCall as usize;
        let targets = self.parse_targets.borrow();
        let (_, t) = targets.iter().find(|(a, _)| *a == at)?;
        Some(self.resolve_type(t))
    }

    pub fn resolve_type(&self, t: &syn::Type) -> Ty {
        match t {
            syn::Type::TraitObject(o) => self.crate_trait(&o.bounds).unwrap_or_default(),
            syn::Type::ImplTrait(i) => self.crate_trait(&i.bounds).unwrap_or_default(),
            syn::Type::Reference(r) => Ty::reference(self.resolve_type(&r.elem)),
            syn::Type::Paren(p) => self.resolve_type(&p.elem),
            syn::Type::Group(g) => self.resolve_type(&g.elem),
            syn::Type::Tuple(tt) => {
                Ty::Tuple(tt.elems.iter().map(|e| self.resolve_type(e)).collect())
            }
            syn::Type::Path(p) if p.qself.is_none() => {
                if p.path.is_ident("Self") {
                    return self.impls.last().map(|i| i.ty.clone()).unwrap_or_default();
                }
                match self.resolve_path(&p.path) {
                    Some(path) => {
                        let ty = Ty::Path {
                            path: path.into(),
                            args: crate::models::generic_args(&p.path)
                                .map(|a| self.resolve_type(a))
                                .collect(),
                        };
                        match &self.index {
                            Some((ix, _)) => ix.expand_alias(ty, self.models, 0),
                            None => ty,
                        }
                    }
                    None => Ty::Unknown,
                }
            }
            _ => Ty::Unknown,
        }
    }
}

/// Methods whose result differs from one call to the next.
const STATEFUL_METHODS: &[&str] = &[
    "next",
    "next_back",
    "pop",
    "pop_front",
    "pop_back",
    "take",
    "remove",
    "recv",
    "try_recv",
    "read",
    "read_line",
    "poll",
    "poll_next",
    "drain",
    "split_off",
    "swap_remove",
    "replace",
    "insert",
    "push",
    "elapsed",
    "now",
    "gen",
    "random",
];

/// A key for an expression that gives the same value each time it is
/// written: a chain of fields and of method calls that read (no `next`,
/// `pop`, `take`..) on a path, with literal or path arguments. `None` for
/// anything else (a closure, a block, a macro, a call of a free function).
pub fn repeatable_key(expr: &syn::Expr) -> Option<String> {
    fn plain(e: &syn::Expr) -> bool {
        match e {
            syn::Expr::Path(_) | syn::Expr::Lit(_) => true,
            syn::Expr::Reference(r) => plain(&r.expr),
            syn::Expr::Paren(p) => plain(&p.expr),
            syn::Expr::Field(f) => plain(&f.base),
            _ => false,
        }
    }
    fn chain(e: &syn::Expr) -> bool {
        match e {
            syn::Expr::MethodCall(m) => {
                !STATEFUL_METHODS.contains(&m.method.to_string().as_str())
                    && m.args.iter().all(plain)
                    && chain(&m.receiver)
            }
            syn::Expr::Field(f) => chain(&f.base),
            syn::Expr::Reference(r) => chain(&r.expr),
            syn::Expr::Paren(p) => chain(&p.expr),
            syn::Expr::Path(_) => true,
            _ => false,
        }
    }
    (!matches!(expr, syn::Expr::Path(_)) && chain(expr))
        .then(|| quote::ToTokens::to_token_stream(expr).to_string())
}

/// Whether a URL literal starts with a special scheme (`http:`, `https:`,
/// `ws:`, `wss:`, `ftp:`, `file:`): such a URL always has path segments.
pub fn has_special_scheme(text: &str) -> bool {
    ["http:", "https:", "ws:", "wss:", "ftp:", "file:"]
        .iter()
        .any(|s| text.starts_with(s))
}

#[cfg(test)]
mod encoder_tests {
    use super::{may_encode, text_encodes_for_query};

    #[test]
    fn may_encode_holds_wherever_an_encoder_is_named_in_any_case() {
        for text in [
            "let q = urlencoding::encode(&v);",
            "let q = URLEncode(v);",
            "let q = serde_urlencoded::to_string(&p).serialize();",
            "let h = html_escape(v);",
            "let c = ENCODE_SET;",
        ] {
            assert!(may_encode(text), "{text}");
        }
        for text in ["let q = decode(v);", "let n = v.len();", "let c = code;"] {
            assert!(!may_encode(text), "{text}");
        }
        // The cheap test never hides what the full one finds.
        for text in ["percent_encode(x, NON_ALPHANUMERIC)", "x.EnCoDe()"] {
            assert!(may_encode(text) || !text_encodes_for_query(text), "{text}");
        }
    }
}

#[cfg(test)]
mod repeatable_tests {
    use super::repeatable_key;

    fn key(src: &str) -> Option<String> {
        repeatable_key(&syn::parse_str(src).unwrap())
    }

    #[test]
    fn reads_repeat_and_stateful_calls_do_not() {
        assert!(key(r#"req.headers().get("x-user")"#).is_some());
        assert_eq!(key("a . b . c()"), key("a.b.c()"));
        assert!(key("req.match_info().get(NAME)").is_some());
        assert_eq!(key("it.next()"), None);
        assert_eq!(key(r#"headers.remove("x")"#), None);
        assert_eq!(key("make().get(1)"), None);
        assert_eq!(key("m.get(&f(x))"), None);
        assert_eq!(key("x"), None, "a bare name is a binding, checked by name");
    }
}
