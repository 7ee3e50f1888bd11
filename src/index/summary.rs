//! Per-file item summaries: what a file declares (types and their fields,
//! functions and their signatures, consts, aliases, traits, impls, `use`s,
//! `mod`s, macros), without function bodies.
//!
//! Like rust-analyzer's item tree, a summary is the "invalidation barrier"
//! of whole-crate analysis: editing inside a function body leaves it
//! unchanged, so the files that use the file's items need no new analysis.
//! It is also cheap to build: the text is lexed once, every function body
//! is replaced by `{}` at the token level, and syn parses what is left
//! (mostly signatures). A summary holds no spans, so it is `Send` and can be
//! hashed, compared and shared between threads.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use std::hash::{Hash, Hasher};

/// A type as written in a signature, without spans.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeExpr {
    /// `a::b::C<Args>`: segments, and the generic type arguments of the
    /// last segment.
    Path {
        leading_colon: bool,
        segs: Vec<String>,
        args: Vec<TypeExpr>,
    },
    /// `&T`, `&mut T`.
    Ref(Box<TypeExpr>),
    Tuple(Vec<TypeExpr>),
    /// `impl Trait`, `dyn Trait`, arrays, function pointers ...: nothing the
    /// analysis follows.
    Other,
}

impl TypeExpr {
    pub fn of(t: &syn::Type) -> TypeExpr {
        match t {
            syn::Type::Reference(r) => TypeExpr::Ref(Box::new(TypeExpr::of(&r.elem))),
            syn::Type::Paren(p) => TypeExpr::of(&p.elem),
            syn::Type::Group(g) => TypeExpr::of(&g.elem),
            syn::Type::Tuple(tt) => TypeExpr::Tuple(tt.elems.iter().map(TypeExpr::of).collect()),
            syn::Type::Path(p) if p.qself.is_none() => TypeExpr::Path {
                leading_colon: p.path.leading_colon.is_some(),
                segs: p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect(),
                args: crate::models::generic_args(&p.path)
                    .map(TypeExpr::of)
                    .collect(),
            },
            _ => TypeExpr::Other,
        }
    }

    fn of_return(r: &syn::ReturnType) -> TypeExpr {
        match r {
            syn::ReturnType::Default => TypeExpr::Tuple(Vec::new()),
            syn::ReturnType::Type(_, t) => TypeExpr::of(t),
        }
    }

    /// Every path segment named anywhere in the type.
    pub fn names(&self, out: &mut Vec<String>) {
        match self {
            TypeExpr::Path { segs, args, .. } => {
                out.extend(segs.iter().cloned());
                for a in args {
                    a.names(out);
                }
            }
            TypeExpr::Ref(t) => t.names(out),
            TypeExpr::Tuple(items) => items.iter().for_each(|t| t.names(out)),
            TypeExpr::Other => {}
        }
    }
}

/// A function's or method's signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FnSig {
    pub generics: Vec<String>,
    /// Takes `self` in some form.
    pub has_self: bool,
    pub params: Vec<TypeExpr>,
    pub ret: TypeExpr,
    /// The body returns a parameter (or `self`) through field reads,
    /// method calls and `?`: `fn raw_query(uri: &Uri) -> &str {
    /// uri.query().unwrap_or("") }`. A caller then knows the result from
    /// its own argument, roles included (a request's raw query stays one).
    pub returns: Option<Projection>,
}

/// `param.a.b()?` as data: which parameter (`None`: `self`), then each step.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Projection {
    pub param: Option<usize>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    Field(String),
    Method(String),
    Try,
}

impl FnSig {
    fn of(sig: &syn::Signature, body: Option<&syn::Block>) -> FnSig {
        let names: Vec<Option<String>> = sig
            .inputs
            .iter()
            .filter_map(|a| match a {
                syn::FnArg::Typed(pt) => Some(match &*pt.pat {
                    syn::Pat::Ident(pi) => Some(pi.ident.to_string()),
                    _ => None,
                }),
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let returns = body
            .and_then(|b| match b.stmts.last() {
                Some(syn::Stmt::Expr(e, None)) if b.stmts.len() == 1 => Some(e),
                _ => None,
            })
            .and_then(|e| projection(e, &names, sig.receiver().is_some()));
        FnSig {
            returns,
            generics: type_params(&sig.generics),
            has_self: sig.receiver().is_some(),
            params: sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    syn::FnArg::Typed(pt) => Some(TypeExpr::of(&pt.ty)),
                    syn::FnArg::Receiver(_) => None,
                })
                .collect(),
            ret: TypeExpr::of_return(&sig.output),
        }
    }
}

fn projection(e: &syn::Expr, params: &[Option<String>], has_self: bool) -> Option<Projection> {
    let mut steps = Vec::new();
    let mut cur = e;
    loop {
        match cur {
            syn::Expr::MethodCall(m) => {
                steps.push(Step::Method(m.method.to_string()));
                cur = &m.receiver;
            }
            syn::Expr::Field(f) => {
                let name = match &f.member {
                    syn::Member::Named(id) => id.to_string(),
                    syn::Member::Unnamed(i) => i.index.to_string(),
                };
                steps.push(Step::Field(name));
                cur = &f.base;
            }
            syn::Expr::Try(t) => {
                steps.push(Step::Try);
                cur = &t.expr;
            }
            syn::Expr::Reference(r) => cur = &r.expr,
            syn::Expr::Paren(p) => cur = &p.expr,
            syn::Expr::Path(p) => {
                let id = p.path.get_ident()?.to_string();
                steps.reverse();
                let param = if id == "self" && has_self {
                    None
                } else {
                    Some(params.iter().position(|n| n.as_deref() == Some(&id))?)
                };
                return Some(Projection { param, steps });
            }
            _ => return None,
        }
    }
}

/// One name a `use` brings in: `name` → the path as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UseEntry {
    Name { name: String, path: Vec<String> },
    Glob(Vec<String>),
}

/// One item of a module, as far as whole-crate analysis needs it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ItemSig {
    Struct {
        name: String,
        generics: Vec<String>,
        /// Named fields by name, tuple fields by index (`"0"`).
        fields: Vec<(String, TypeExpr)>,
    },
    Enum {
        name: String,
        generics: Vec<String>,
    },
    Alias {
        name: String,
        generics: Vec<String>,
        ty: TypeExpr,
    },
    Fn {
        name: String,
        sig: FnSig,
    },
    /// `const` and `static`; `lit` is the value when it is a string literal.
    Const {
        name: String,
        ty: TypeExpr,
        lit: Option<String>,
    },
    Trait {
        name: String,
        methods: Vec<String>,
    },
    Impl {
        generics: Vec<String>,
        self_ty: TypeExpr,
        /// The trait's path, for `impl Trait for T`.
        trait_path: Option<Vec<String>>,
        methods: Vec<(String, FnSig)>,
    },
    Use(Vec<UseEntry>),
    Mod(ModSig),
    /// `macro_rules! name`: the user's macro, never guessed at.
    MacroRules(String),
    /// `extern crate name as alias;`
    ExternCrate {
        name: String,
        alias: Option<String>,
        macro_use: bool,
    },
    /// Any other named item (union, trait alias): it shadows framework names.
    Other(String),
}

impl ItemSig {
    /// The name the item declares in its module's namespace.
    pub fn name(&self) -> Option<&str> {
        match self {
            ItemSig::Struct { name, .. }
            | ItemSig::Enum { name, .. }
            | ItemSig::Alias { name, .. }
            | ItemSig::Fn { name, .. }
            | ItemSig::Const { name, .. }
            | ItemSig::Trait { name, .. }
            | ItemSig::MacroRules(name)
            | ItemSig::Other(name) => Some(name),
            ItemSig::Mod(m) => Some(&m.name),
            _ => None,
        }
    }
}

/// `mod name;` (its items live in another file) or `mod name { .. }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModSig {
    pub name: String,
    /// `#[path = ".."]`.
    pub path_attr: Option<String>,
    /// `#[macro_use]`: its `macro_rules!` are visible after it.
    pub macro_use: bool,
    /// The items of an inline module; `None` for `mod name;`.
    pub inline: Option<Vec<ItemSig>>,
}

/// What one file declares at module level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FileSummary {
    pub items: Vec<ItemSig>,
    /// The text did not parse: nothing is known of its items.
    pub unparsable: bool,
}

impl FileSummary {
    /// Summarize source text. Never fails: text that does not lex or parse
    /// gives an empty summary marked `unparsable`.
    pub fn of_text(text: &str) -> FileSummary {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // A shebang line is not Rust tokens (`#![attr]` is).
        let text = match text.strip_prefix("#!") {
            Some(rest) if !rest.trim_start().starts_with('[') => {
                &text[text.find('\n').unwrap_or(text.len())..]
            }
            _ => text,
        };
        let summary = match text.parse::<TokenStream>() {
            Ok(tokens) => match syn::parse2::<syn::File>(strip_bodies(tokens)) {
                Ok(file) => FileSummary {
                    items: items_of(&file.items),
                    unparsable: false,
                },
                Err(_) => FileSummary {
                    items: Vec::new(),
                    unparsable: true,
                },
            },
            Err(_) => FileSummary {
                items: Vec::new(),
                unparsable: true,
            },
        };
        proc_macro2::extra::invalidate_current_thread_spans();
        summary
    }

    /// A hash of everything other files can see of this one.
    pub fn interface_hash(&self) -> u64 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        self.hash(&mut h);
        h.finish()
    }
}

/// Replace every function body by `{}`, keeping everything else. A body
/// is the first brace group after an `fn` token at the same nesting level
/// (a function pointer type such as `fn(u8) -> u8` is followed by `,`,
/// `;`, `=` or the end of its group, never by a brace). A body that is
/// one chain of field reads and method calls (`uri.query().unwrap_or("")`)
/// is kept, without its arguments: it becomes a [`Projection`].
fn strip_bodies(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut after_fn = false;
    for tt in tokens {
        match tt {
            TokenTree::Ident(ref i) if i == "fn" => {
                after_fn = true;
                out.push(tt);
            }
            TokenTree::Punct(ref p) if after_fn && matches!(p.as_char(), ';' | ',' | '=') => {
                // `=` may be part of `Item = T` in a where clause: only `;`
                // and `,` end a signature for sure.
                if p.as_char() != '=' {
                    after_fn = false;
                }
                out.push(tt);
            }
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                let stream = if after_fn {
                    after_fn = false;
                    tail_chain(g.stream())
                } else {
                    strip_bodies(g.stream())
                };
                let mut new = Group::new(Delimiter::Brace, stream);
                new.set_span(g.span());
                out.push(TokenTree::Group(new));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// The body's tokens when the body is one chain `a.b.c(..)?.d(..)`,
/// with the call arguments dropped; otherwise nothing.
fn tail_chain(body: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut expect_name = true;
    for tt in body {
        match tt {
            TokenTree::Ident(_) if expect_name => {
                out.push(tt);
                expect_name = false;
            }
            // `.0` of a tuple field.
            TokenTree::Literal(_) if expect_name && !out.is_empty() => {
                out.push(tt);
                expect_name = false;
            }
            TokenTree::Punct(ref p) if !expect_name && p.as_char() == '.' => {
                out.push(tt);
                expect_name = true;
            }
            TokenTree::Punct(ref p) if !expect_name && p.as_char() == '?' => out.push(tt),
            TokenTree::Punct(ref p) if expect_name && out.is_empty() && p.as_char() == '&' => {
                out.push(tt)
            }
            TokenTree::Group(ref g) if !expect_name && g.delimiter() == Delimiter::Parenthesis => {
                let mut empty = Group::new(Delimiter::Parenthesis, TokenStream::new());
                empty.set_span(g.span());
                out.push(TokenTree::Group(empty));
            }
            _ => return TokenStream::new(),
        }
        if out.len() > 64 {
            return TokenStream::new();
        }
    }
    if expect_name {
        return TokenStream::new();
    }
    out.into_iter().collect()
}

fn type_params(g: &syn::Generics) -> Vec<String> {
    g.type_params().map(|p| p.ident.to_string()).collect()
}

fn has_attr(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(name))
}

fn items_of(items: &[syn::Item]) -> Vec<ItemSig> {
    items.iter().filter_map(item_of).collect()
}

fn item_of(item: &syn::Item) -> Option<ItemSig> {
    Some(match item {
        syn::Item::Struct(s) => ItemSig::Struct {
            name: s.ident.to_string(),
            generics: type_params(&s.generics),
            fields: s
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let name = f
                        .ident
                        .as_ref()
                        .map_or_else(|| i.to_string(), |id| id.to_string());
                    (name, TypeExpr::of(&f.ty))
                })
                .collect(),
        },
        syn::Item::Enum(e) => ItemSig::Enum {
            name: e.ident.to_string(),
            generics: type_params(&e.generics),
        },
        syn::Item::Type(t) => ItemSig::Alias {
            name: t.ident.to_string(),
            generics: type_params(&t.generics),
            ty: TypeExpr::of(&t.ty),
        },
        syn::Item::Fn(f) => ItemSig::Fn {
            name: f.sig.ident.to_string(),
            sig: FnSig::of(&f.sig, Some(&f.block)),
        },
        syn::Item::Const(c) => ItemSig::Const {
            name: c.ident.to_string(),
            ty: TypeExpr::of(&c.ty),
            lit: str_lit(&c.expr),
        },
        syn::Item::Static(s) => ItemSig::Const {
            name: s.ident.to_string(),
            ty: TypeExpr::of(&s.ty),
            lit: str_lit(&s.expr),
        },
        syn::Item::Trait(t) => ItemSig::Trait {
            name: t.ident.to_string(),
            methods: t
                .items
                .iter()
                .filter_map(|i| match i {
                    syn::TraitItem::Fn(f) => Some(f.sig.ident.to_string()),
                    _ => None,
                })
                .collect(),
        },
        syn::Item::Impl(i) => ItemSig::Impl {
            generics: type_params(&i.generics),
            self_ty: TypeExpr::of(&i.self_ty),
            trait_path: i
                .trait_
                .as_ref()
                .map(|(_, p, _)| p.segments.iter().map(|s| s.ident.to_string()).collect()),
            methods: i
                .items
                .iter()
                .filter_map(|ii| match ii {
                    syn::ImplItem::Fn(f) => {
                        Some((f.sig.ident.to_string(), FnSig::of(&f.sig, Some(&f.block))))
                    }
                    _ => None,
                })
                .collect(),
        },
        syn::Item::Use(u) => {
            let mut entries = Vec::new();
            use_entries(&u.tree, &mut Vec::new(), &mut entries);
            ItemSig::Use(entries)
        }
        syn::Item::Mod(m) => ItemSig::Mod(ModSig {
            name: m.ident.to_string(),
            path_attr: m.attrs.iter().find_map(|a| match &a.meta {
                syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Some(s.value()),
                    _ => None,
                },
                _ => None,
            }),
            macro_use: has_attr(&m.attrs, "macro_use"),
            inline: m.content.as_ref().map(|(_, items)| items_of(items)),
        }),
        syn::Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
            ItemSig::MacroRules(m.ident.as_ref()?.to_string())
        }
        syn::Item::ExternCrate(e) => ItemSig::ExternCrate {
            name: e.ident.to_string(),
            alias: e.rename.as_ref().map(|(_, r)| r.to_string()),
            macro_use: has_attr(&e.attrs, "macro_use"),
        },
        syn::Item::Union(u) => ItemSig::Other(u.ident.to_string()),
        syn::Item::TraitAlias(t) => ItemSig::Other(t.ident.to_string()),
        _ => return None,
    })
}

fn str_lit(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        syn::Expr::Reference(r) => str_lit(&r.expr),
        _ => None,
    }
}

fn use_entries(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<UseEntry>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_entries(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let ident = n.ident.to_string();
            if ident == "self" {
                if let Some(last) = prefix.last() {
                    out.push(UseEntry::Name {
                        name: last.clone(),
                        path: prefix.clone(),
                    });
                }
            } else {
                let mut path = prefix.clone();
                path.push(ident.clone());
                out.push(UseEntry::Name { name: ident, path });
            }
        }
        syn::UseTree::Rename(r) => {
            let name = r.rename.to_string();
            if name == "_" {
                return;
            }
            let mut path = prefix.clone();
            if r.ident != "self" {
                path.push(r.ident.to_string());
            }
            out.push(UseEntry::Name { name, path });
        }
        syn::UseTree::Glob(_) => out.push(UseEntry::Glob(prefix.clone())),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_entries(t, prefix, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_dropped_and_signatures_kept() {
        let s = FileSummary::of_text(
            "use url::Url;\npub struct AppState { pub base: Url, n: u32 }\n\
             fn helper(u: &Url) -> Option<&str> { let x = { 1 }; u.query() }\n\
             struct F { f: fn(u8) -> u8, g: u32 }\n\
             impl AppState { pub fn base(&self) -> &Url { &self.base } }\n",
        );
        assert!(!s.unparsable);
        assert_eq!(s.items.len(), 5);
        match &s.items[2] {
            ItemSig::Fn { name, sig } => {
                assert_eq!(name, "helper");
                assert_eq!(sig.params.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        match &s.items[3] {
            ItemSig::Struct { fields, .. } => assert_eq!(fields.len(), 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_body_edit_keeps_the_interface_hash_and_a_field_edit_changes_it() {
        let a = FileSummary::of_text("pub struct S { pub u: String }\nfn f() { let a = 1; }");
        let b = FileSummary::of_text("pub struct S { pub u: String }\nfn f() { let a = 2; a; }");
        let c = FileSummary::of_text("pub struct S { pub u: url::Url }\nfn f() { let a = 1; }");
        assert_eq!(a.interface_hash(), b.interface_hash());
        assert_ne!(a.interface_hash(), c.interface_hash());
    }

    #[test]
    fn bad_text_is_unparsable_not_a_panic() {
        assert!(FileSummary::of_text("fn f( {").unparsable);
        assert!(FileSummary::of_text("\"unterminated").unparsable);
        assert!(!FileSummary::of_text("#!/usr/bin/env run\nfn main() {}").unparsable);
    }
}
