//! The one traversal of a syntax tree: it keeps the [`Scope`] in step with
//! the code (modules, functions, blocks, closures, `let`, `if let`, `match`)
//! and hands every node to the rules interested in its kind. Rules never walk
//! the tree themselves, so adding a rule never adds a traversal.

use crate::diagnostic::Diagnostic;
use crate::index::query_secrets::QuerySecret;
use crate::macros::MacroCall;
use crate::models::Models;
use crate::rules::{Context, Node, RuleSet};
use crate::scope::{closure_params, ClosureParams, Scope};
use crate::source::SourceFile;
use std::path::PathBuf;
use syn::visit::Visit;

/// Run every rule of `rules` over one parsed file.
pub fn check_file(
    file: &syn::File,
    source: &SourceFile,
    models: &Models,
    rules: &RuleSet,
    index: Option<&crate::index::Index>,
    dependencies: Option<&crate::index::crates::Dependencies>,
) -> Vec<Diagnostic> {
    check_file_within(file, source, models, rules, index, dependencies, None)
}

/// Expressions nested deeper than this are not walked (the file's
/// pre-parse scan, [`crate::complexity`], normally stops them earlier).
/// A level costs the walk and the analysis up to about 2.4 KB of stack in
/// an unoptimised build (less for most kinds); 17,000 levels stay within
/// the 64 MiB stack of a linting thread, and above the 16,000 links the
/// pre-parse bound lets through.
pub const MAX_WALK_DEPTH: usize = 17_000;

/// How many expressions are walked between two looks at the clock.
const DEADLINE_EVERY: u32 = 1024;

/// [`check_file`] that gives up at `deadline`: the walk stops, and the
/// findings so far come with a `too-complex` finding saying so.
pub fn check_file_within(
    file: &syn::File,
    source: &SourceFile,
    models: &Models,
    rules: &RuleSet,
    index: Option<&crate::index::Index>,
    dependencies: Option<&crate::index::crates::Dependencies>,
    deadline: Option<std::time::Instant>,
) -> Vec<Diagnostic> {
    check_file_focused(
        file,
        source,
        models,
        rules,
        index,
        dependencies,
        deadline,
        None,
    )
}

/// [`check_file_within`] that walks only the function bodies inside
/// `focus` (`None`: all): the language server re-analysing the one
/// function an edit changed ([`crate::incremental`]; the others' findings
/// are known, and their bodies were blanked anyway).
#[allow(clippy::too_many_arguments)]
pub fn check_file_focused(
    file: &syn::File,
    source: &SourceFile,
    models: &Models,
    rules: &RuleSet,
    index: Option<&crate::index::Index>,
    dependencies: Option<&crate::index::crates::Dependencies>,
    deadline: Option<std::time::Instant>,
    focus: Option<std::ops::Range<usize>>,
) -> Vec<Diagnostic> {
    let context = index.and_then(|ix| ix.file(&source.path).map(|c| (ix, c)));
    let test_file = is_test_file(&source.path, context.as_ref());
    let mut walker = Walker {
        query_secret: Default::default(),
        added_headers: Default::default(),
        scope: Scope::new(models, file, test_file, context),
        source,
        rules,
        dependencies,
        out: Vec::new(),
        chain: Vec::new(),
        guard: Guard {
            deadline,
            ..Guard::default()
        },
        focus,
    };
    walker.visit_file(file);
    walker.out.extend(walker.guard.finding());
    walker.out
}

/// The walk's bounds: expression depth and the deadline.
#[derive(Default)]
struct Guard {
    depth: usize,
    deadline: Option<std::time::Instant>,
    until_clock: u32,
    /// Where the walk went too deep (its byte offset), or ran out of time.
    too_deep: Option<usize>,
    timed_out: Option<usize>,
}

impl Guard {
    /// Whether the walk may enter an expression at `offset`.
    fn enter(&mut self, offset: impl FnOnce() -> usize) -> bool {
        if self.timed_out.is_some() {
            return false;
        }
        if self.depth >= MAX_WALK_DEPTH {
            self.too_deep.get_or_insert_with(offset);
            return false;
        }
        if let Some(deadline) = self.deadline {
            if self.until_clock == 0 {
                self.until_clock = DEADLINE_EVERY;
                if std::time::Instant::now() >= deadline {
                    self.timed_out = Some(offset());
                    return false;
                }
            }
            self.until_clock -= 1;
        }
        self.depth += 1;
        true
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn finding(&self) -> Option<Diagnostic> {
        use crate::complexity::TOO_COMPLEX;
        let (at, message) = match (self.timed_out, self.too_deep) {
            (Some(at), _) => (
                at,
                "the analysis ran over the per-file time budget and stopped here; findings after this point are missing".to_string(),
            ),
            (None, Some(at)) => (
                at,
                format!("expressions nest more than {MAX_WALK_DEPTH} deep here; the analysis skipped what is inside"),
            ),
            (None, None) => return None,
        };
        Some(
            Diagnostic::new(
                TOO_COMPLEX,
                crate::diagnostic::Level::Error,
                at..at,
                message,
            )
            .with_help(
                "`scope-lint explain too-complex` says why; `--time-budget` sets the budget",
            ),
        )
    }
}

struct Walker<'a> {
    /// Where the file's crate shows it takes secrets in query strings:
    /// found when a rule first asks ([`Context::query_secret`]).
    query_secret: std::cell::OnceCell<Option<(PathBuf, QuerySecret)>>,
    /// Request headers the file's crate's middleware adds: found when a
    /// rule first asks ([`Context::added_headers`]).
    added_headers: std::cell::OnceCell<Vec<crate::index::added_headers::AddedHeader>>,
    scope: Scope<'a>,
    source: &'a SourceFile,
    rules: &'a RuleSet,
    /// The crates the file's package may name; `None` outside a package.
    dependencies: Option<&'a crate::index::crates::Dependencies>,
    out: Vec<Diagnostic>,
    /// Method names applied to the receivers being visited; `None` marks
    /// an argument position, where the chain of the outer call ends.
    chain: Vec<Option<String>>,
    guard: Guard,
    /// Only function bodies inside this range are walked.
    focus: Option<std::ops::Range<usize>>,
}

impl Walker<'_> {
    fn dispatch(&mut self, node: Node<'_>) {
        let cx = Context {
            query_secret: &self.query_secret,
            added_headers: &self.added_headers,
            scope: &self.scope,
            source: self.source,
            chain: &self.chain,
            dependencies: self.dependencies,
            reaching_callee: Default::default(),
        };
        self.rules.check(node, &cx, &mut self.out);
    }

    /// Visit an argument: outside the receiver chain of the outer call.
    fn visit_arg(&mut self, e: &syn::Expr) {
        self.chain.push(None);
        self.visit_expr(e);
        self.chain.pop();
    }

    fn param_types<'p>(&mut self, types: impl Iterator<Item = &'p syn::Type>) {
        for t in types {
            self.dispatch(Node::ParamType(t));
        }
    }

    fn fn_body(&mut self, sig: &syn::Signature, attrs: &[syn::Attribute], block: &syn::Block) {
        // The braces' span: `Spanned::span` would print the whole body
        // back into tokens to find it.
        let body = self.source.range_of(block.brace_token.span.join());
        if let Some(focus) = &self.focus {
            if body.start < focus.start || body.end > focus.end {
                return;
            }
        }
        let is_test = is_test_fn(attrs);
        let params = sig.inputs.iter().filter_map(|a| match a {
            syn::FnArg::Typed(pt) => Some(&*pt.ty),
            syn::FnArg::Receiver(_) => None,
        });
        // An empty body (half of them: the bodies that name nothing a rule
        // follows are blanked before parsing) binds nothing worth binding.
        if block.stmts.is_empty() && !is_test {
            self.param_types(params);
            return;
        }
        self.scope.enter_fn(sig, is_test);
        self.scope.set_body(body);
        self.param_types(params);
        self.visit_block(block);
        self.scope.exit_fn(is_test);
    }

    fn closure(&mut self, c: &syn::ExprClosure, given: ClosureParams<'_>) {
        self.scope.enter_closure(c, given);
        self.param_types(c.inputs.iter().filter_map(|p| match p {
            syn::Pat::Type(pt) => Some(&*pt.ty),
            _ => None,
        }));
        self.visit_expr(&c.body);
        self.scope.exit();
    }

    /// Closures bound by `let name = |..| ..` in `stmts` and later passed by
    /// name to a framework function as its callback, or as a request handler
    /// to a function or method (`get(h)`, `get(a).post(h)`): name → the
    /// callback's parameter types (none for a handler: the closure
    /// annotates its extractors).
    fn bound_callbacks(
        &self,
        stmts: &[syn::Stmt],
    ) -> std::collections::HashMap<String, Vec<crate::models::ty::Ty>> {
        let mut found = std::collections::HashMap::new();
        let names: Vec<String> = stmts
            .iter()
            .filter_map(|s| match s {
                syn::Stmt::Local(syn::Local {
                    pat: syn::Pat::Ident(pi),
                    init: Some(init),
                    ..
                }) if matches!(&*init.expr, syn::Expr::Closure(_)) => Some(pi.ident.to_string()),
                _ => None,
            })
            .collect();
        if names.is_empty() {
            return found;
        }
        struct Calls<'a, 'b> {
            scope: &'a Scope<'b>,
            names: &'a [String],
            found: &'a mut std::collections::HashMap<String, Vec<crate::models::ty::Ty>>,
        }
        impl<'ast> Visit<'ast> for Calls<'_, '_> {
            fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
                let callback = self
                    .scope
                    .call_may_name(c, |n| self.scope.models.is_callback_function_name(n))
                    .then(|| self.scope.callee_path(c))
                    .flatten()
                    .and_then(|p| self.scope.models.function(&p))
                    .and_then(|f| f.callback.clone());
                if let Some(cb) = callback {
                    if let Some(syn::Expr::Path(p)) = c.args.iter().nth(cb.arg) {
                        if let Some(id) = p.path.get_ident() {
                            let id = id.to_string();
                            if self.names.contains(&id) {
                                self.found.insert(id, cb.params.clone());
                            }
                        }
                    }
                }
                syn::visit::visit_expr_call(self, c);
            }

            /// `get(a).post(by_name)`: a method's handler argument.
            fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
                let named = m.args.iter().enumerate().find_map(|(i, a)| match a {
                    syn::Expr::Path(p) => p
                        .path
                        .get_ident()
                        .map(|id| id.to_string())
                        .filter(|id| self.names.contains(id))
                        .map(|id| (i, id)),
                    _ => None,
                });
                if let Some((i, id)) = named {
                    let recv = self.scope.value_of(&m.receiver);
                    let method = m.method.to_string();
                    if self.scope.models.method_handler_arg(&recv.ty, &method) == Some(i) {
                        self.found.insert(id, Vec::new());
                    }
                }
                syn::visit::visit_expr_method_call(self, m);
            }
        }
        let mut calls = Calls {
            scope: &self.scope,
            names: &names,
            found: &mut found,
        };
        for s in stmts {
            calls.visit_stmt(s);
        }
        found
    }

    /// Visit an `if`/`while` condition, then open the scope its `let`
    /// patterns bind into (the caller closes it).
    fn condition(&mut self, cond: &syn::Expr) {
        self.visit_expr(cond);
        self.scope.enter_scope();
        self.bind_lets(cond);
    }

    fn bind_lets(&mut self, cond: &syn::Expr) {
        match cond {
            syn::Expr::Let(l) => {
                let v = self.scope.value_of(&l.expr);
                self.scope.bind_pat(&l.pat, v);
            }
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                self.bind_lets(&b.left);
                self.bind_lets(&b.right);
            }
            syn::Expr::Paren(p) => self.bind_lets(&p.expr),
            _ => {}
        }
    }
}

/// Whether the file at `path` holds only test code ([`is_test_path`]),
/// judged by the part of its path below the top of its tree of packages
/// when `context` (the crate index's view of the file) gives it
/// ([`crate::index::Index::test_base`]): a project checked out under
/// `~/src/test/` or `/builds/tests/` is not all tests, a fixture crate
/// under a package's `tests/` is. The part below says "test" only where
/// the whole path does. A file the index places in a `#[cfg(test)]`
/// module (`#[cfg(test)] mod online_checks;`) holds test code whatever
/// its path says; a caller that only narrows work (the prefilter's
/// [`is_test_path`] first) then does a little more work, never less.
pub fn is_test_file(
    path: &std::path::Path,
    context: Option<&(&crate::index::Index, crate::index::FileContext)>,
) -> bool {
    if context.is_some_and(|(ix, ctx)| ix.in_test_module(ctx.krate, &ctx.module)) {
        return true;
    }
    if !is_test_path(path) {
        return false;
    }
    let Some((ix, ctx)) = context else {
        return true;
    };
    let dir = ix.test_base(ctx.krate);
    match path.strip_prefix(dir) {
        Ok(below) => is_test_path(below),
        Err(_) => match std::path::absolute(path) {
            Ok(abs) => abs.strip_prefix(dir).map_or(true, is_test_path),
            Err(_) => true,
        },
    }
}

/// Files that hold only test code: under `tests/` or `benches/`, or named
/// `tests.rs`/`test.rs` (the `#[cfg(test)] mod tests;` convention).
pub fn is_test_path(path: &std::path::Path) -> bool {
    /// Test-support folders and files inside a crate's `src/`.
    const SUPPORT: &[&str] = &[
        "test",
        "tests",
        "mock",
        "mocks",
        "testing",
        "test_utils",
        "test_util",
        "test_helpers",
        "testutils",
    ];
    let mut in_src = false;
    let components: Vec<_> = path.components().map(|c| c.as_os_str()).collect();
    for (i, c) in components.iter().enumerate() {
        let last = i + 1 == components.len();
        if *c == "tests" || *c == "benches" {
            return true;
        }
        let stem = if last {
            std::path::Path::new(c).file_stem().unwrap_or(c)
        } else {
            c
        };
        if in_src && SUPPORT.iter().any(|s| stem == *s) {
            return true;
        }
        in_src |= *c == "src";
    }
    false
}

/// Every identifier of a `cfg(..)` predicate, in order.
fn cfg_words(tokens: proc_macro2::TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    for t in tokens {
        match t {
            proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
            proc_macro2::TokenTree::Group(g) => out.extend(cfg_words(g.stream())),
            _ => {}
        }
    }
    out
}

/// The span of an expression's first token, found without walking the
/// whole expression (`Spanned::span` prints it to tokens).
fn first_span(e: &syn::Expr) -> proc_macro2::Span {
    let mut e = e;
    // Postfix and binary forms start with their left operand.
    for _ in 0..MAX_WALK_DEPTH {
        e = match e {
            syn::Expr::MethodCall(m) => &m.receiver,
            syn::Expr::Field(f) => &f.base,
            syn::Expr::Binary(b) => &b.left,
            syn::Expr::Try(t) => &t.expr,
            syn::Expr::Await(a) => &a.base,
            syn::Expr::Index(i) => &i.expr,
            syn::Expr::Call(c) => &c.func,
            syn::Expr::Cast(c) => &c.expr,
            syn::Expr::Path(p) => {
                return p
                    .path
                    .segments
                    .first()
                    .map_or_else(proc_macro2::Span::call_site, |s| s.ident.span())
            }
            syn::Expr::Lit(l) => return l.lit.span(),
            _ => break,
        };
    }
    match e {
        syn::Expr::Paren(p) => p.paren_token.span.open(),
        syn::Expr::Block(b) => b.block.brace_token.span.open(),
        syn::Expr::If(i) => i.if_token.span,
        syn::Expr::Match(m) => m.match_token.span,
        syn::Expr::Unary(u) => match u.op {
            syn::UnOp::Deref(t) => t.span,
            syn::UnOp::Not(t) => t.span,
            syn::UnOp::Neg(t) => t.span,
            _ => proc_macro2::Span::call_site(),
        },
        syn::Expr::Reference(r) => r.and_token.span,
        syn::Expr::Array(a) => a.bracket_token.span.open(),
        syn::Expr::Tuple(t) => t.paren_token.span.open(),
        _ => proc_macro2::Span::call_site(),
    }
}

/// `#[test]`, `#[tokio::test]`, `#[actix_web::test]` ...
fn is_test_fn(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "test" || s.ident == "bench")
    })
}

/// What an `if` condition checks the presence of: a binding
/// (`x.is_none()`), or an expression that gives the same value each time
/// it is written (`req.match_info().get("id").is_none()`, then
/// `req.match_info().get("id").unwrap()`).
#[derive(Debug, PartialEq)]
enum Checked {
    Name(String),
    Expr(String),
}

impl Checked {
    fn of(recv: &syn::Expr) -> Option<Checked> {
        if let syn::Expr::Path(p) = recv {
            if let Some(id) = p.path.get_ident() {
                return Some(Checked::Name(id.to_string()));
            }
        }
        crate::scope::repeatable_key(recv).map(Checked::Expr)
    }
}

/// `x.is_none()` / `x.is_err()`: what the condition proves absent.
fn absent_check(cond: &syn::Expr) -> Option<Checked> {
    let syn::Expr::MethodCall(m) = cond else {
        return None;
    };
    if m.method != "is_none" && m.method != "is_err" {
        return None;
    }
    Checked::of(&m.receiver)
}

/// What an `if` condition proves present inside its branch:
/// `x.is_some()`, `x.is_ok()`, `x.is_some_and(..)`,
/// `x.as_ref().is_some_and(..)`, joined by `&&`.
fn present_checks(cond: &syn::Expr, out: &mut Vec<Checked>) {
    match cond {
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            present_checks(&b.left, out);
            present_checks(&b.right, out);
        }
        syn::Expr::Paren(p) => present_checks(&p.expr, out),
        syn::Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "is_some" | "is_ok" | "is_some_and" | "is_ok_and"
            ) =>
        {
            let mut recv = &*m.receiver;
            while let syn::Expr::MethodCall(inner) = recv {
                if inner.method != "as_ref" && inner.method != "as_deref" {
                    break;
                }
                recv = &inner.receiver;
            }
            out.extend(Checked::of(recv));
        }
        _ => {}
    }
}

/// A block that always leaves: it ends in `return`, `break` or `continue`.
fn diverges(block: &syn::Block) -> bool {
    block.stmts.last().is_some_and(|s| {
        let e = match s {
            syn::Stmt::Expr(e, _) => e,
            _ => return false,
        };
        matches!(
            e,
            syn::Expr::Return(_) | syn::Expr::Break(_) | syn::Expr::Continue(_)
        )
    })
}

/// `let u: Url = s.parse()?;` (also `.unwrap()`, `.expect(..)`) or `let r:
/// Result<Url, _> = s.parse();`: the `parse` call and the type it parses
/// into, `Url`.
fn annotated_parse<'e>(
    init: &'e syn::Expr,
    annotated: &'e syn::Type,
) -> Option<(&'e syn::ExprMethodCall, &'e syn::Type)> {
    let mut e = init;
    let mut unwrapped = false;
    loop {
        match e {
            syn::Expr::Try(t) => e = &t.expr,
            syn::Expr::Paren(p) => e = &p.expr,
            syn::Expr::MethodCall(m) if m.method == "unwrap" || m.method == "expect" => {
                e = &m.receiver
            }
            _ => break,
        }
        unwrapped = true;
    }
    let syn::Expr::MethodCall(call) = e else {
        return None;
    };
    if call.method != "parse" || !call.args.is_empty() || call.turbofish.is_some() {
        return None;
    }
    if unwrapped {
        return Some((call, annotated));
    }
    // `Result<T, E>`: the `Ok` type.
    let syn::Type::Path(p) = annotated else {
        return None;
    };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
            syn::GenericArgument::Type(t) => Some((call, t)),
            _ => None,
        },
        _ => None,
    }
}

/// A `match` arm's pattern that binds nothing of an `Option` or a
/// `Result`: `Some(_)`, `None`, `Ok(_)`, `Err(_)`, `_`, or several.
fn tests_presence_only(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::Wild(_) => true,
        syn::Pat::Ident(i) => i.ident == "None" && i.subpat.is_none(),
        syn::Pat::Path(p) => p.path.is_ident("None"),
        syn::Pat::TupleStruct(t) => {
            t.path
                .get_ident()
                .is_some_and(|i| i == "Some" || i == "Ok" || i == "Err")
                && t.elems.iter().all(|e| matches!(e, syn::Pat::Wild(_)))
        }
        syn::Pat::Or(o) => o.cases.iter().all(tests_presence_only),
        _ => false,
    }
}

/// `#[cfg(test)]` and test-support configurations.
pub(crate) fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        // `cfg(test)`, `cfg(any(test, feature = "testing"))`,
        // `cfg(all(test, unix))`: compiled for tests (and test-support
        // features) only; `cfg(not(test))` is production.
        a.path().is_ident("cfg")
            && a.parse_args::<proc_macro2::TokenStream>()
                .is_ok_and(|t| cfg_means_test(cfg_words(t).iter().map(String::as_str)))
    })
}

/// Whether a `cfg(..)` predicate's identifiers say "for tests only": it
/// names `test` and no `not` (`test`, `all(test, unix)`, `any(test,
/// feature = "testing")`). Also read from tokens by the crate index
/// (`#[cfg(test)] mod name;`).
pub(crate) fn cfg_means_test<'w>(words: impl IntoIterator<Item = &'w str>) -> bool {
    let (mut test, mut not) = (false, false);
    for w in words {
        test |= w == "test";
        not |= w == "not";
    }
    test && !not
}

impl Walker<'_> {
    fn mark_checked(&mut self, checked: Checked) {
        match checked {
            Checked::Name(name) => self.scope.mark_checked(&name),
            Checked::Expr(key) => self.scope.mark_expr_checked(key),
        }
    }
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_file(&mut self, f: &'ast syn::File) {
        self.scope.enter_module(&f.items, false, None);
        for item in &f.items {
            self.visit_item(item);
        }
        self.scope.exit_module(false);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if let Some((_, items)) = &m.content {
            let is_test = is_cfg_test(&m.attrs);
            self.scope
                .enter_module(items, is_test, Some(&m.ident.to_string()));
            for item in items {
                self.visit_item(item);
            }
            self.scope.exit_module(is_test);
        }
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        self.scope.enter_impl(i);
        for item in &i.items {
            self.visit_impl_item(item);
        }
        self.scope.exit_impl();
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.fn_body(&f.sig, &f.attrs, &f.block);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.fn_body(&f.sig, &f.attrs, &f.block);
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        self.scope.enter_trait(t);
        syn::visit::visit_item_trait(self, t);
        self.scope.exit_impl();
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.fn_body(&f.sig, &f.attrs, block);
        }
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.scope.enter_block(&b.stmts);
        let callbacks = self.bound_callbacks(&b.stmts);
        for stmt in &b.stmts {
            // `let cb = |req, resp| ..; accept_hdr_async(stream, cb)`: the
            // closure is the framework's callback, with its parameter types.
            if let syn::Stmt::Local(syn::Local {
                pat: syn::Pat::Ident(pi),
                init: Some(init),
                ..
            }) = stmt
            {
                if let (syn::Expr::Closure(c), Some(params)) =
                    (&*init.expr, callbacks.get(&pi.ident.to_string()))
                {
                    self.closure(c, ClosureParams::Callback(params));
                    self.scope.bind(pi.ident.to_string(), Default::default());
                    continue;
                }
            }
            self.visit_stmt(stmt);
        }
        self.scope.exit();
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        let value = match &l.init {
            Some(init) => {
                if let syn::Pat::Type(pt) = &l.pat {
                    if let Some((call, target)) = annotated_parse(&init.expr, &pt.ty) {
                        self.scope.note_parse_target(call, target);
                    }
                }
                self.visit_expr(&init.expr);
                if let Some((_, diverge)) = &init.diverge {
                    self.visit_expr(diverge);
                }
                let mut value = self.scope.value_of(&init.expr);
                // A value encoded once stays encoded through `let`. The
                // statement's text is found from its two ends; only one
                // naming an encoder has its initializer's span worked out
                // (`Spanned::span` prints the whole expression back).
                let statement = self.source.range_of(l.let_token.span).start
                    ..self.source.range_of(l.semi_token.span).end;
                let text = self.source.text.get(statement).unwrap_or_default();
                if crate::scope::may_encode(text)
                    && crate::scope::text_encodes_for_query(
                        self.source
                            .snippet(syn::spanned::Spanned::span(&*init.expr)),
                    )
                {
                    value.roles = value.roles.with(crate::models::roles::Role::Encoded);
                }
                value
            }
            None => Default::default(),
        };
        self.scope.bind_pat(&l.pat, value);
    }

    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        let source = self.source;
        if !self.guard.enter(|| source.range_of(first_span(e)).start) {
            return;
        }
        match e {
            syn::Expr::MethodCall(m) => {
                self.dispatch(Node::MethodCall(m));
                // A URL changed in place no longer is its literal.
                const MUTATORS: &[&str] = &[
                    "query_pairs_mut",
                    "set_query",
                    "set_path",
                    "path_segments_mut",
                    "set_host",
                    "set_fragment",
                ];
                // `copy.remove(AUTHORIZATION)`: a redacted header map.
                if m.method == "remove"
                    && m.args.first().is_some_and(|a| {
                        let text = self.source.snippet(syn::spanned::Spanned::span(a));
                        text.to_ascii_lowercase().contains("authorization")
                    })
                {
                    if let syn::Expr::Path(p) = &*m.receiver {
                        if let Some(id) = p.path.get_ident() {
                            self.scope.redact_headers(&id.to_string());
                        }
                    }
                }
                if MUTATORS.contains(&m.method.to_string().as_str()) {
                    let mut recv = &*m.receiver;
                    while let syn::Expr::Reference(syn::ExprReference { expr: r, .. })
                    | syn::Expr::Paren(syn::ExprParen { expr: r, .. }) = recv
                    {
                        recv = r;
                    }
                    if let syn::Expr::Path(p) = recv {
                        if let Some(id) = p.path.get_ident() {
                            self.scope.forget_literal(&id.to_string());
                        }
                    }
                }
            }
            syn::Expr::Field(f) => self.dispatch(Node::Field(f)),
            syn::Expr::Call(c) => self.dispatch(Node::Call(c)),
            syn::Expr::Binary(b) => self.dispatch(Node::Binary(b)),
            syn::Expr::Index(i) => self.dispatch(Node::Index(i)),
            _ => {}
        }
        syn::visit::visit_expr(self, e);
        // `router = router.route(..)`: the binding holds the new routes.
        if let syn::Expr::Assign(a) = e {
            if let syn::Expr::Path(p) = &*a.left {
                if let Some(id) = p.path.get_ident() {
                    let routes = self.scope.value_of(&a.right).routes;
                    self.scope.assign_routes(&id.to_string(), routes);
                }
            }
        }
        self.guard.leave();
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.closure(c, ClosureParams::Unknown);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        self.visit_expr(&c.func);
        let callback = self
            .scope
            .call_may_name(c, |n| self.scope.models.is_callback_function_name(n))
            .then(|| self.scope.callee_path(c))
            .flatten()
            .and_then(|p| self.scope.models.function(&p))
            .and_then(|f| f.callback.clone());
        self.chain.push(None);
        for (i, arg) in c.args.iter().enumerate() {
            match (&callback, arg) {
                (Some(cb), syn::Expr::Closure(closure)) if cb.arg == i => {
                    self.closure(closure, ClosureParams::Callback(&cb.params));
                }
                _ => self.visit_expr(arg),
            }
        }
        self.chain.pop();
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let method = m.method.to_string();
        self.chain.push(Some(method.clone()));
        self.visit_expr(&m.receiver);
        self.chain.pop();
        let recv = self.scope.value_of(&m.receiver);
        // warp: `filter.map(|q: String| ..)` gets what the filters extract.
        let extracted = match (&recv.extract, method.as_str()) {
            (Some(e), "map" | "and_then" | "then" | "filter_map") => Some(e.clone()),
            _ => None,
        };
        // `get(a).post(|uri: Uri| async move { .. })`, actix
        // `web::get().to(|req: HttpRequest| ..)`: a request handler.
        let handler_arg = if m.args.iter().any(|a| matches!(a, syn::Expr::Closure(_))) {
            self.scope.models.method_handler_arg(&recv.ty, &method)
        } else {
            None
        };
        self.chain.push(None);
        for (i, arg) in m.args.iter().enumerate() {
            match (arg, closure_params(&recv, &method, i), &extracted) {
                (syn::Expr::Closure(c), _, _) if handler_arg == Some(i) => {
                    self.closure(c, ClosureParams::Callback(&[]))
                }
                (syn::Expr::Closure(c), _, Some(values)) => {
                    self.closure(c, ClosureParams::Filter(values))
                }
                (syn::Expr::Closure(c), Some(v), None) => {
                    self.closure(c, ClosureParams::Values(std::slice::from_ref(&v)))
                }
                _ => self.visit_expr(arg),
            }
        }
        self.chain.pop();
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let Some(kind) = self.scope.macro_kind(&m.path) else {
            return;
        };
        // A log line (or an error, or a string built) of locals of unknown
        // type: nothing to parse. A format string with a query value in it
        // (`"?token={t}"`) is parsed all the same: SL007 reads it whatever
        // the value's type.
        use crate::models::MacroKind;
        let may_skip = match kind {
            MacroKind::Log | MacroKind::Print | MacroKind::Panic | MacroKind::Error => true,
            MacroKind::Format => !crate::macros::may_hold_query_value(&m.tokens),
        };
        if may_skip && !crate::macros::args_may_matter(&m.tokens, &self.scope) {
            return;
        }
        let call = MacroCall::parse(&m.tokens);
        self.scope.macro_args(true);
        self.dispatch(Node::Macro(m, &call, kind));
        for arg in &call.args {
            self.visit_arg(&arg.expr);
        }
        self.scope.macro_args(false);
    }

    /// `macro_rules!` definitions and item macros are never guessed at.
    fn visit_item_macro(&mut self, _: &'ast syn::ItemMacro) {}

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.condition(&i.cond);
        // `if x.is_some() { x.unwrap() }`: present inside the branch.
        let mut present = Vec::new();
        present_checks(&i.cond, &mut present);
        for checked in present {
            self.mark_checked(checked);
        }
        self.visit_block(&i.then_branch);
        self.scope.exit();
        let absent = absent_check(&i.cond);
        if let Some((_, els)) = &i.else_branch {
            // `if x.is_err() { .. } else { x.unwrap() }`: present in `else`.
            match absent {
                Some(checked) => {
                    self.scope.enter_scope();
                    self.mark_checked(checked);
                    self.visit_expr(els);
                    self.scope.exit();
                }
                None => self.visit_expr(els),
            }
        } else if let Some(checked) = absent {
            // `if x.is_none() { return ..; }`: past it, `x` is present.
            if diverges(&i.then_branch) {
                self.mark_checked(checked);
            }
        }
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.condition(&w.cond);
        self.visit_block(&w.body);
        self.scope.exit();
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        // `match uri.authority() { Some(_) => .., None => .. }` tests
        // presence and uses no value: its scrutinee has `match` applied.
        let presence = m.arms.iter().all(|a| tests_presence_only(&a.pat));
        if presence {
            self.chain.push(Some("match".into()));
        }
        self.visit_expr(&m.expr);
        if presence {
            self.chain.pop();
        }
        let value = self.scope.value_of(&m.expr);
        for arm in &m.arms {
            self.scope.enter_scope();
            self.scope.bind_pat(&arm.pat, value.clone());
            if let Some((_, guard)) = &arm.guard {
                self.visit_expr(guard);
            }
            self.visit_expr(&arm.body);
            self.scope.exit();
        }
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.dispatch(Node::ForLoop(f));
        self.chain.push(Some("for".into()));
        self.visit_expr(&f.expr);
        self.chain.pop();
        self.scope.enter_scope();
        // `for i in 0..n` counts with integers.
        let int_range = matches!(&*f.expr, syn::Expr::Range(r)
            if r.start.as_deref().is_some_and(|s| matches!(s, syn::Expr::Lit(l) if matches!(l.lit, syn::Lit::Int(_)))));
        // `for (name, value) in req.headers()`: logging each value in the
        // loop logs every header.
        let headers = {
            let mut iter = &*f.expr;
            while let syn::Expr::MethodCall(m) = iter {
                if !m.args.is_empty()
                    || !matches!(
                        m.method.to_string().as_str(),
                        "iter" | "into_iter" | "values" | "drain"
                    )
                {
                    break;
                }
                iter = &m.receiver;
            }
            let roles = self.scope.value_of(iter).roles;
            roles.has(crate::models::roles::Role::RequestHeaders)
        };
        let each_header = || {
            crate::scope::Value::new(
                crate::models::ty::Ty::default(),
                crate::models::roles::Roles::NONE.with(crate::models::roles::Role::RequestHeaders),
            )
        };
        match &*f.pat {
            syn::Pat::Ident(p) if int_range => self.scope.bind(
                p.ident.to_string(),
                crate::scope::Value::new(crate::models::ty::Ty::named("i32"), Default::default()),
            ),
            syn::Pat::Ident(p) if headers => self.scope.bind(p.ident.to_string(), each_header()),
            syn::Pat::Tuple(t) if headers && t.elems.len() == 2 => {
                self.scope.bind_unknown(&t.elems[0]);
                match &t.elems[1] {
                    syn::Pat::Ident(p) => self.scope.bind(p.ident.to_string(), each_header()),
                    other => self.scope.bind_unknown(other),
                }
            }
            pat => self.scope.bind_unknown(pat),
        }
        self.visit_block(&f.body);
        self.scope.exit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_walk_stops_at_its_depth_bound_with_a_finding() {
        // syn parses a `+` chain without recursing, so the tree can be
        // deeper than the walk allows when the pre-parse bound is bypassed.
        let text = format!(
            "fn f(uri: axum::http::Uri) {{ let s = 1{}; uri.query().unwrap(); }}",
            " + 1".repeat(MAX_WALK_DEPTH + 100)
        );
        let found = std::thread::Builder::new()
            .stack_size(256 * 1024 * 1024)
            .spawn(move || {
                let file = syn::parse_file(&text).unwrap();
                let source = SourceFile::new("a.rs", text.as_str());
                let models = Models::builtin().unwrap();
                let found = check_file(&file, &source, &models, &RuleSet::all(), None, None);
                found
                    .iter()
                    .map(|d| (d.code.code, d.message.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(
            found
                .iter()
                .any(|(c, m)| *c == "too-complex" && m.contains("nest more than")),
            "{found:?}"
        );
    }

    #[test]
    fn a_passed_deadline_stops_the_walk_with_a_finding() {
        let text = format!(
            "fn f() {{ {} }}",
            "let a = b.c();".repeat(DEADLINE_EVERY as usize * 2)
        );
        let file = syn::parse_file(&text).unwrap();
        let source = SourceFile::new("a.rs", text.as_str());
        let models = Models::builtin().unwrap();
        let past = std::time::Instant::now();
        let found = check_file_within(
            &file,
            &source,
            &models,
            &RuleSet::all(),
            None,
            None,
            Some(past),
        );
        assert!(
            found
                .iter()
                .any(|d| d.code.code == "too-complex" && d.message.contains("time budget")),
            "{found:?}"
        );
        let found = check_file(&file, &source, &models, &RuleSet::all(), None, None);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn test_support_paths() {
        for p in [
            "tests/api.rs",
            "app/benches/b.rs",
            "app/src/tests.rs",
            "app/src/mocks/server.rs",
            "app/src/test_utils.rs",
            "app/src/api/testing/mod.rs",
            "app/src/mock.rs",
        ] {
            assert!(is_test_path(Path::new(p)), "{p}");
        }
        for p in [
            "app/src/main.rs",
            "test/app/src/main.rs",
            "mocks/app/src/routes.rs",
            "app/src/testimonials.rs",
        ] {
            assert!(!is_test_path(Path::new(p)), "{p}");
        }
    }
}
