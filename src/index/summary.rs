//! Per-file item summaries: what a file declares (types and their fields,
//! functions and their signatures, consts, aliases, traits, impls, `use`s,
//! `mod`s, macros), without function bodies.
//!
//! Like rust-analyzer's item tree, a summary is the "invalidation barrier"
//! of whole-crate analysis: editing inside a function body leaves it
//! unchanged, so the files that use the file's items need no new analysis.
//! It is also cheap to build: the text is lexed once, every function body
//! is replaced by `{}` at the token level, and what is left (mostly
//! signatures) is read without syn ([`super::signatures`]), or by syn when
//! that reader declines. A summary holds no spans, so it is `Send` and can
//! be hashed, compared and shared between threads.

use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};
use std::ops::Range;

/// A type as written in a signature, without spans.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// `[T]` and `[T; N]`.
    Slice(Box<TypeExpr>),
    /// `impl Trait`, `dyn Trait + Send`: the first trait bound's path. A
    /// value of it has the trait's methods when the trait is the crate's.
    Bound(Box<TypeExpr>),
    /// Function pointers, macros ...: nothing the analysis follows.
    Other,
}

impl TypeExpr {
    pub fn of(t: &syn::Type) -> TypeExpr {
        match t {
            syn::Type::Reference(r) => TypeExpr::Ref(Box::new(TypeExpr::of(&r.elem))),
            syn::Type::Paren(p) => TypeExpr::of(&p.elem),
            syn::Type::Group(g) => TypeExpr::of(&g.elem),
            syn::Type::Tuple(tt) => TypeExpr::Tuple(tt.elems.iter().map(TypeExpr::of).collect()),
            syn::Type::Slice(s) => TypeExpr::Slice(Box::new(TypeExpr::of(&s.elem))),
            syn::Type::Array(a) => TypeExpr::Slice(Box::new(TypeExpr::of(&a.elem))),
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
            syn::Type::ImplTrait(i) => TypeExpr::bound(&i.bounds),
            syn::Type::TraitObject(o) => TypeExpr::bound(&o.bounds),
            _ => TypeExpr::Other,
        }
    }

    fn bound<'b>(bounds: impl IntoIterator<Item = &'b syn::TypeParamBound>) -> TypeExpr {
        bounds
            .into_iter()
            .find_map(|b| match b {
                syn::TypeParamBound::Trait(tb) => {
                    Some(TypeExpr::of(&syn::Type::Path(syn::TypePath {
                        qself: None,
                        path: tb.path.clone(),
                    })))
                }
                _ => None,
            })
            .map_or(TypeExpr::Other, |t| TypeExpr::Bound(Box::new(t)))
    }

    fn of_return(r: &syn::ReturnType) -> TypeExpr {
        match r {
            syn::ReturnType::Default => TypeExpr::Tuple(Vec::new()),
            syn::ReturnType::Type(_, t) => TypeExpr::of(t),
        }
    }

    /// Whether a path segment named anywhere in the type passes `f`.
    pub fn any_name(&self, f: &dyn Fn(&str) -> bool) -> bool {
        match self {
            TypeExpr::Path { segs, args, .. } => {
                segs.iter().any(|s| f(s)) || args.iter().any(|a| a.any_name(f))
            }
            TypeExpr::Ref(t) | TypeExpr::Slice(t) | TypeExpr::Bound(t) => t.any_name(f),
            TypeExpr::Tuple(items) => items.iter().any(|t| t.any_name(f)),
            TypeExpr::Other => false,
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
            TypeExpr::Ref(t) | TypeExpr::Slice(t) | TypeExpr::Bound(t) => t.names(out),
            TypeExpr::Tuple(items) => items.iter().for_each(|t| t.names(out)),
            TypeExpr::Other => {}
        }
    }
}

/// A function's or method's signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FnSig {
    pub generics: Vec<String>,
    /// Takes `self` in some form.
    pub has_self: bool,
    pub params: Vec<TypeExpr>,
    pub ret: TypeExpr,
    /// The body returns a parameter (or `self`) through field reads,
    /// method calls and `?`: `fn raw_query(uri: &Uri) -> &str {
    /// uri.query().unwrap_or("") }`, also through `let`s and agreeing
    /// early returns (`let q = uri.query(); q.unwrap_or("")`). A caller then knows the result from
    /// its own argument, roles included (a request's raw query stays one).
    pub returns: Option<Projection>,
    /// Parameters the body unwraps or logs ([`Reach`]): a caller passing
    /// client input or a request URI there has the bug at its call.
    pub reach: Vec<Reach>,
}

/// A parameter that reaches an `unwrap`/`expect` (through a chain:
/// `field.content_disposition().get_filename().unwrap()`) or an info-level
/// (or louder) log, print or panic macro, as a whole value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reach {
    /// Among the typed parameters (not counting `self`).
    pub param: usize,
    pub name: String,
    pub kind: ReachKind,
    /// For an unwrap: the steps from the parameter to the unwrapped value
    /// (`field.content_disposition().get_filename()`), so a caller can tell
    /// whether that value is client input.
    pub steps: Vec<Step>,
    /// For an unwrap whose last step is `get(key)`: the key when it is one
    /// header-name literal (`"x-request-id"`, quotes kept) or a constant
    /// (`REQUEST_ID`, the last segment of its path). A caller's crate may
    /// add that header to every request ([`super::added_headers`]).
    pub key: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReachKind {
    Unwrap,
    Log,
    /// Split on `&` by hand, whole (`for pair in query.split('&')`): a
    /// caller passing a raw query string has `SL002` at its call.
    Split,
    /// Parsed whole by `Url::parse` (`Url::parse(&target)`): a caller
    /// passing a request's URI has `SL004` at its call.
    UrlParse,
}

/// The marker macro `without_bodies` leaves in a stripped body to carry
/// its [`Reach`]es to [`FnSig::of`].
pub(super) const REACH_MARKER: &str = "__scope_lint_reach";

/// `param.a.b()?` as data: which parameter (`None`: `self`), then each step.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Projection {
    pub param: Option<usize>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Step {
    Field(String),
    Method(String),
    Try,
}

impl Step {
    /// An `Option` or `Result` taken apart by hand (`Some(v) =>`, `if let
    /// Some(v)`), read as `unwrap_or` reads: the value inside, its roles
    /// kept.
    pub(super) fn unwrapped() -> Step {
        Step::Method("unwrap_or".to_string())
    }
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
        let is_marker =
            |st: &syn::Stmt| matches!(st, syn::Stmt::Macro(m) if m.mac.path.is_ident(REACH_MARKER));
        let reach = body
            .and_then(|b| b.stmts.first())
            .and_then(|st| match st {
                syn::Stmt::Macro(m) if m.mac.path.is_ident(REACH_MARKER) => {
                    Some(parse_reach(&m.mac.tokens, &names))
                }
                _ => None,
            })
            .unwrap_or_default();
        let returns = body
            .and_then(|b| {
                let mut stmts = b.stmts.iter().filter(|st| !is_marker(st));
                match (stmts.next(), stmts.next()) {
                    (Some(syn::Stmt::Expr(e, None)), None) => Some(e),
                    _ => None,
                }
            })
            .and_then(|e| projection(e, &names, sig.receiver().is_some()));
        FnSig {
            returns,
            reach,
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

/// `u 0 m get f x t ; l 1 ;`: per reach, kind, parameter and the steps
/// of an unwrapped chain, ended by `;`.
fn parse_reach(tokens: &proc_macro2::TokenStream, names: &[Option<String>]) -> Vec<Reach> {
    let words: Vec<String> = tokens.clone().into_iter().map(|t| t.to_string()).collect();
    parse_reach_words(&words, names)
}

/// [`parse_reach`] over the marker's tokens as words.
pub(super) fn parse_reach_words(words: &[String], names: &[Option<String>]) -> Vec<Reach> {
    words
        .split(|w| w == ";")
        .filter_map(|group| {
            let [kind, param, rest @ ..] = group else {
                return None;
            };
            let kind = match kind.as_str() {
                "u" => ReachKind::Unwrap,
                "l" => ReachKind::Log,
                "s" => ReachKind::Split,
                "p" => ReachKind::UrlParse,
                _ => return None,
            };
            let param: usize = param.parse().ok()?;
            let mut steps = Vec::new();
            let mut key = None;
            let mut i = 0;
            while i < rest.len() {
                match (rest[i].as_str(), rest.get(i + 1)) {
                    ("k", Some(k)) => key = Some(k.clone()),
                    ("m", Some(m)) => steps.push(Step::Method(m.clone())),
                    ("f", Some(f)) => steps.push(Step::Field(f.clone())),
                    ("t", _) => {
                        steps.push(Step::Try);
                        i += 1;
                        continue;
                    }
                    _ => return None,
                }
                i += 2;
            }
            Some(Reach {
                param,
                name: names.get(param)?.clone()?,
                kind,
                steps,
                key,
            })
        })
        .collect()
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
                return projection_of_chain(&id, steps, params, has_self);
            }
            _ => return None,
        }
    }
}

/// The projection of a chain from `root` (a parameter or `self`) through
/// `steps`, in the order written.
pub(super) fn projection_of_chain(
    root: &str,
    steps: Vec<Step>,
    params: &[Option<String>],
    has_self: bool,
) -> Option<Projection> {
    let param = if root == "self" && has_self {
        None
    } else {
        Some(params.iter().position(|n| n.as_deref() == Some(root))?)
    };
    Some(Projection { param, steps })
}

/// One name a `use` brings in: `name` → the path as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UseEntry {
    Name { name: String, path: Vec<String> },
    Glob(Vec<String>),
}

/// One item of a module, as far as whole-crate analysis needs it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// A trait: its supertraits' paths (`trait A: B + Send`) and its
    /// methods' signatures, default methods included (their bodies are
    /// dropped like any other, a one-chain body kept as a projection).
    Trait {
        name: String,
        generics: Vec<String>,
        supertraits: Vec<Vec<String>>,
        methods: Vec<(String, FnSig)>,
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ModSig {
    pub name: String,
    /// `#[path = ".."]`.
    pub path_attr: Option<String>,
    /// `#[macro_use]`: its `macro_rules!` are visible after it.
    pub macro_use: bool,
    /// The items of an inline module; `None` for `mod name;`.
    pub inline: Option<Vec<ItemSig>>,
    /// `#[cfg(test)]` (or `cfg(all(test, ..))`): compiled for tests only,
    /// so its file and every module below hold test code, whatever their
    /// names (`#[cfg(test)] mod online_checks;`).
    pub test: bool,
}

/// What one file declares at module level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileSummary {
    pub items: Vec<ItemSig>,
    /// The text did not parse: nothing is known of its items.
    pub unparsable: bool,
    /// What its code shows of its crate beyond its items.
    pub evidence: Evidence,
}

/// What a file's code (bodies included) shows of its crate, found in its
/// tokens without a parse: every file of the crate is judged by the
/// union of its files' evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Evidence {
    /// The file reads or writes secrets in query strings
    /// ([`super::query_secrets`]).
    pub query_secret: Option<super::query_secrets::QuerySecret>,
    /// Request headers its middleware adds to every request
    /// ([`super::added_headers`]).
    pub added_headers: Vec<super::added_headers::AddedHeader>,
}

impl Evidence {
    pub fn scan(lexed: &Lexed<'_>) -> Evidence {
        Evidence {
            query_secret: super::query_secrets::scan_lexed(lexed),
            added_headers: super::added_headers::scan_lexed(lexed),
        }
    }
}

impl FileSummary {
    /// Summarize source text. Never fails: text that does not lex or parse
    /// gives an empty summary marked `unparsable`.
    pub fn of_text(text: &str) -> FileSummary {
        let lexed = Lexed::of(text);
        let (reduced, tokens) = without_bodies_tokens(&lexed);
        let evidence = Evidence::scan(&lexed);
        drop(lexed);
        let read = super::signatures::items_of_tokens(&reduced, tokens);
        FileSummary::of_items_or_syn(read, &reduced, evidence)
    }

    /// Summarize a text from what [`FileSummary::of_text`] reads of it:
    /// its [`without_bodies`] form and its [`Evidence`]. Two texts
    /// with the same of both have the same summary (the live index skips
    /// the parse when an edit inside a body left them as they were).
    pub fn of_reduced(reduced: &str, evidence: Evidence) -> FileSummary {
        let read = super::signatures::items(reduced);
        FileSummary::of_items_or_syn(read, reduced, evidence)
    }

    /// The items [`super::signatures`] read of a body-less text (most
    /// texts), or, when it declined, syn's reading of it.
    fn of_items_or_syn(
        read: Option<Vec<ItemSig>>,
        reduced: &str,
        evidence: Evidence,
    ) -> FileSummary {
        match read {
            Some(items) => FileSummary {
                items,
                unparsable: false,
                evidence,
            },
            None => FileSummary::of_reduced_by_syn(reduced, evidence),
        }
    }

    /// [`FileSummary::of_reduced`] through syn's syntax tree, for any text.
    pub fn of_reduced_by_syn(reduced: &str, evidence: Evidence) -> FileSummary {
        // A 2015 crate's `async`/`try` identifiers (see `crate::edition`):
        // only signatures are read here, so the stand-ins are harmless.
        // Nested too deeply to parse safely: as good as unparsable.
        let parsed = match crate::complexity::prepare(reduced) {
            Ok(prepared) => syn::parse_file(&prepared)
                .or_else(|e| {
                    crate::edition::as_2018(&prepared)
                        .ok_or(e)
                        .and_then(|t| syn::parse_file(&t))
                })
                .map_err(|_| ()),
            Err(_) => Err(()),
        };
        let summary = match parsed {
            Ok(file) => FileSummary {
                items: items_of(&file.items),
                unparsable: false,
                evidence,
            },
            Err(_) => FileSummary {
                items: Vec::new(),
                unparsable: true,
                evidence,
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

/// The text with every function body replaced by `{}`, comments dropped:
/// what syn then parses is mostly signatures. rust-analyzer's lexer
/// (`ra-ap-rustc_lexer`: no allocation per token) finds the bodies: a body
/// is the first `{` after an `fn` at the same nesting level (a function
/// pointer type such as `fn(u8) -> u8` is followed by `,`, `;` or the end
/// of its group, never by a brace). A body that is one chain of field
/// reads and method calls (`uri.query().unwrap_or("")`) is kept, without
/// the call arguments: it becomes a [`Projection`]. So is the one chain a
/// longer body returns through `let`s and agreeing `return`s
/// ([`super::returns`]).
pub fn without_bodies(text: &str) -> String {
    without_bodies_lexed(&Lexed::of(text))
}

/// A file's tokens without whitespace and comments, lexed once for both
/// the summary and the query-secret scan.
///
/// Code that runs over every token compares kinds with `matches!`, not
/// `==`: `TokenKind`'s derived `PartialEq` is not inlined across the
/// crate boundary, and a call per comparison was 2% of a cold run.
pub struct Lexed<'a> {
    /// The text after a byte-order mark and a shebang line (the shebang's
    /// newline stays: line numbers do not move).
    pub text: &'a str,
    /// Kind, start and end of each token in [`Lexed::text`].
    pub tokens: Vec<(ra_ap_rustc_lexer::TokenKind, usize, usize)>,
    /// Where each doc comment has the byte that makes it one (the third
    /// of `///`, `//!`, `/**`, `/*!`), in [`Lexed::text`]: a space there
    /// leaves a plain comment ([`crate::body_mask::mask`]).
    pub docs: Vec<usize>,
}

impl<'a> Lexed<'a> {
    pub fn of(text: &'a str) -> Lexed<'a> {
        use ra_ap_rustc_lexer::{Cursor, FrontmatterAllowed, TokenKind as K};
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let start = ra_ap_rustc_lexer::strip_shebang(text).unwrap_or(0);
        let text = &text[start..];
        let mut tokens = Vec::with_capacity(text.len() / 4);
        let mut docs = Vec::new();
        let mut pos = 0;
        // The cursor itself, not `tokenize`: its end test is a
        // `TokenKind` comparison not inlined here, a call per token.
        let mut cursor = Cursor::new(text, FrontmatterAllowed::No);
        loop {
            let t = cursor.advance_token();
            let end = pos + t.len as usize;
            match t.kind {
                K::Eof => break,
                // Doc comments are attributes nothing here needs.
                K::LineComment { doc_style: Some(_) }
                | K::BlockComment {
                    doc_style: Some(_),
                    terminated: true,
                } => docs.push(pos + 2),
                K::Whitespace | K::LineComment { .. } | K::BlockComment { .. } => {}
                kind => tokens.push((kind, pos, end)),
            }
            pos = end;
        }
        Lexed { text, tokens, docs }
    }
}

/// [`without_bodies`] over tokens already lexed.
pub fn without_bodies_lexed(lexed: &Lexed<'_>) -> String {
    without_bodies_into(lexed, None)
}

/// [`without_bodies_lexed`], and the tokens of the text it returns
/// (offsets in that text), for [`super::signatures::items_of_tokens`].
pub fn without_bodies_tokens(lexed: &Lexed<'_>) -> (String, Vec<Tok>) {
    let mut tokens = Vec::with_capacity(lexed.tokens.len() / 2);
    let text = without_bodies_into(lexed, Some(&mut tokens));
    (text, tokens)
}

fn without_bodies_into(lexed: &Lexed<'_>, mut written: Option<&mut Vec<Tok>>) -> String {
    use ra_ap_rustc_lexer::TokenKind as K;
    let (text, tokens) = (lexed.text, &lexed.tokens);
    let mut out = String::with_capacity(text.len() / 3);
    let mut after_fn = false;
    let mut fn_at = 0;
    // Nesting depth, and the depth of the `fn` item being followed: a
    // `fn` followed by its name starts an item (`fn(u8) -> u8` is a
    // pointer type); only a `;` at its depth ends it without a body
    // (commas of parameter lists and `where` clauses do not).
    let mut depth = 0usize;
    let mut fn_depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let (kind, a, b) = tokens[i];
        let word = &text[a..b];
        // Attributes are dropped but for the two a summary reads
        // (`#[path = ..]`, `#[macro_use]`): derives, docs and serde
        // options are most of the signatures of application code.
        if matches!(kind, K::Pound) {
            let open =
                i + 1 + usize::from(tokens.get(i + 1).is_some_and(|t| matches!(t.0, K::Bang)));
            if tokens
                .get(open)
                .is_some_and(|t| matches!(t.0, K::OpenBracket))
            {
                let read = tokens.get(open + 1).is_some_and(|t| {
                    matches!(t.0, K::Ident) && matches!(&text[t.1..t.2], "path" | "macro_use")
                }) || cfg_test_on_mod(text, tokens, open);
                if !read {
                    i = matching(tokens, open) + 1;
                    continue;
                }
            }
        }
        match kind {
            K::OpenParen | K::OpenBracket => depth += 1,
            K::CloseParen | K::CloseBracket => depth = depth.saturating_sub(1),
            K::OpenBrace if !(after_fn && depth == fn_depth) => depth += 1,
            K::CloseBrace => depth = depth.saturating_sub(1),
            _ => {}
        }
        match kind {
            K::Ident
                if word == "fn"
                    && !(after_fn && depth > fn_depth)
                    && tokens.get(i + 1).is_some_and(|t| matches!(t.0, K::Ident)) =>
            {
                after_fn = true;
                fn_at = i;
                fn_depth = depth;
            }
            K::Semi if depth <= fn_depth => after_fn = false,
            K::OpenBrace if after_fn && depth == fn_depth => {
                after_fn = false;
                let close = matching(tokens, i);
                let from = out.len();
                out.push_str(" {");
                let params = param_names(text, &tokens[fn_at..i]);
                let reach = body_reach(text, &tokens[i + 1..close.min(tokens.len())], &params);
                if !reach.is_empty() {
                    out.push_str(REACH_MARKER);
                    out.push_str("!(");
                    // No line: a line added above would change what other
                    // files see of this one, and re-lint the whole tree.
                    for (kind, param, steps, key) in reach {
                        out.push_str(&format!("{kind} {param} "));
                        if let Some(key) = key {
                            out.push_str(&format!("k {key} "));
                        }
                        for step in steps {
                            match step {
                                Step::Method(m) => out.push_str(&format!("m {m} ")),
                                Step::Field(f) => out.push_str(&format!("f {f} ")),
                                Step::Try => out.push_str("t "),
                            }
                        }
                        out.push_str("; ");
                    }
                    out.push_str(");");
                }
                let body = &tokens[i + 1..close.min(tokens.len())];
                if let Some(chain) = chain_text(text, body)
                    .or_else(|| super::returns::returned_chain(text, body, &params))
                {
                    out.push_str(&chain);
                }
                out.push_str("} ");
                if let Some(written) = written.as_deref_mut() {
                    // What was written for the body, lexed (a few tokens).
                    let mut pos = from;
                    for t in ra_ap_rustc_lexer::tokenize(
                        &out[from..],
                        ra_ap_rustc_lexer::FrontmatterAllowed::No,
                    ) {
                        let end = pos + t.len as usize;
                        if t.kind != K::Whitespace {
                            written.push((t.kind, pos, end));
                        }
                        pos = end;
                    }
                }
                i = close + 1;
                continue;
            }
            _ => {}
        }
        // Tokens that touched in the text still touch (`::`, `->`, `=>`).
        if i > 0 && tokens[i - 1].2 != a {
            out.push(' ');
        }
        if let Some(written) = written.as_deref_mut() {
            written.push((kind, out.len(), out.len() + word.len()));
        }
        out.push_str(word);
        i += 1;
    }
    out
}

type Tok = (ra_ap_rustc_lexer::TokenKind, usize, usize);

/// The names of a signature's typed parameters, in order (`None` for a
/// pattern), from the tokens between `fn` and the body.
fn param_names(text: &str, sig: &[Tok]) -> Vec<Option<String>> {
    use ra_ap_rustc_lexer::TokenKind as K;
    let Some(open) = sig.iter().position(|t| matches!(t.0, K::OpenParen)) else {
        return Vec::new();
    };
    let close = matching(sig, open).min(sig.len());
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut segment: Vec<&str> = Vec::new();
    let flush = |segment: &mut Vec<&str>, names: &mut Vec<Option<String>>| {
        let is_self = segment
            .iter()
            .take_while(|w| **w != ":")
            .any(|w| *w == "self");
        if !segment.is_empty() && !is_self {
            let name = match segment.as_slice() {
                [n, ":", ..] | ["mut", n, ":", ..] => Some(n.to_string()),
                _ => None,
            };
            names.push(name);
        }
        segment.clear();
    };
    for &(kind, a, b) in &sig[open + 1..close] {
        match kind {
            K::OpenParen | K::OpenBracket | K::OpenBrace | K::Lt => depth += 1,
            K::CloseParen | K::CloseBracket | K::CloseBrace | K::Gt => {
                depth = depth.saturating_sub(1)
            }
            K::Comma if depth == 0 => {
                flush(&mut segment, &mut names);
                continue;
            }
            // `#[cfg(..)]` on a parameter: not part of its pattern.
            _ => {}
        }
        segment.push(&text[a..b]);
    }
    flush(&mut segment, &mut names);
    names
}

/// Macros whose arguments a production log shows (info level and up,
/// prints, panics).
const LOUD_MACROS: &[&str] = &[
    "info", "warn", "error", "println", "eprintln", "print", "eprint", "panic",
];

/// One parameter reaching an unwrap or a log: (`"u"`/`"l"`, parameter
/// index, steps from the parameter to the unwrapped value).
/// Kind, parameter, steps, and the key of an unwrapped lookup
/// ([`Reach::key`]).
type Found = (&'static str, usize, Vec<Step>, Option<String>);

/// Which parameters the body unwraps (through a chain) or logs whole, the
/// first of each kind per parameter (per chain for unwraps). A `let` that
/// binds a parameter's projection (`let h = headers.get("x");`, `let u =
/// &uri;`) is followed: `h.unwrap()` unwraps `headers.get()`, a log of `u`
/// logs `uri` whole. Only plain bindings (`let name = chain;`, not `mut`)
/// and `Some(v)`/`Ok(v)` of `if let`, `while let`, `let .. else` (see
/// [`unwrapped_binding`]) and `match` arms ([`match_bindings`]) count, and
/// a later `let` of the same name ends one.
fn body_reach(text: &str, body: &[Tok], params: &[Option<String>]) -> Vec<Found> {
    use ra_ap_rustc_lexer::TokenKind as K;
    let mut found: Vec<Found> = Vec::new();
    if params.iter().all(Option::is_none) || body.len() > 20_000 {
        return found;
    }
    // `let` bindings: a parameter's projection, or `None` for anything
    // else (a binding that shadows a parameter hides it).
    // Each holds from the end of its statement (`from`, a token index): its
    // own initializer still sees what it shadows.
    // An `if let`/`while let` binding holds until its block ends.
    let mut bound: Vec<(Range<usize>, Binding<'_>)> = Vec::new();
    let index_of = |w: &str, bound: &[(Range<usize>, Binding<'_>)], at: usize| {
        if let Some((_, (_, b, counts))) = bound
            .iter()
            .rev()
            .find(|b| b.0.start <= at && at < b.0.end && b.1 .0 == w)
        {
            return b.clone().map(|(p, steps)| (p, steps, *counts));
        }
        params
            .iter()
            .position(|p| p.as_deref() == Some(w))
            .map(|p| (p, Vec::new(), true))
    };
    let mut note = |kind: &'static str, param: usize, steps: Vec<Step>, key: Option<String>| {
        let seen = found
            .iter()
            .any(|f| f.0 == kind && f.1 == param && f.2 == steps);
        if !seen && found.len() < 32 {
            found.push((kind, param, steps, key));
        }
    };
    let mut j = 0;
    while j < body.len() {
        let (kind, a, b) = body[j];
        let word = &text[a..b];
        let after_dot = j > 0 && matches!(body[j - 1].0, K::Dot | K::Colon);
        if matches!(kind, K::Ident) && word == "match" && !after_dot {
            let resolve = |w: &str| index_of(w, &bound, j);
            let arms = match_bindings(text, body, j, &resolve);
            bound.extend(arms);
        }
        if matches!(kind, K::Ident) && word == "let" {
            let resolve = |w: &str| index_of(w, &bound, j);
            if let Some((holds, b)) = unwrapped_binding(text, body, j, &resolve) {
                bound.push((holds, b));
            } else if let Some(b) = let_binding(text, &body[j + 1..], &resolve) {
                // The statement ends at its `;` outside every group.
                let mut end = j + 1;
                while end < body.len() && !matches!(body[end].0, K::Semi) {
                    end = match body[end].0 {
                        K::OpenParen | K::OpenBracket | K::OpenBrace => matching(body, end) + 1,
                        _ => end + 1,
                    };
                }
                bound.push((end..usize::MAX, b));
            }
        }
        if matches!(kind, K::Ident) {
            // `name!(..)`, `tracing::name!(..)`: a loud macro logging a
            // parameter whole.
            if LOUD_MACROS.contains(&word)
                && body.get(j + 1).is_some_and(|t| matches!(t.0, K::Bang))
                && body
                    .get(j + 2)
                    .is_some_and(|t| matches!(t.0, K::OpenParen | K::OpenBracket | K::OpenBrace))
            {
                let end = matching(body, j + 2).min(body.len());
                for k in j + 3..end {
                    let (kk, ka, kb) = body[k];
                    let w = &text[ka..kb];
                    match kk {
                        K::Ident => {
                            let whole = !matches!(body[k - 1].0, K::Dot)
                                && !body
                                    .get(k + 1)
                                    .is_some_and(|t| matches!(t.0, K::Dot | K::OpenParen | K::Eq));
                            if let (true, Some((p, steps, _))) = (whole, index_of(w, &bound, k)) {
                                if steps.is_empty() {
                                    note("l", p, Vec::new(), None);
                                }
                            }
                        }
                        K::Literal { .. } => {
                            // `{name}` captured by the format string.
                            let names = params
                                .iter()
                                .flatten()
                                .map(String::as_str)
                                .chain(bound.iter().map(|b| b.1 .0));
                            let mut logged: Vec<usize> = Vec::new();
                            for name in names {
                                if !(w.contains(&format!("{{{name}}}"))
                                    || w.contains(&format!("{{{name}:")))
                                {
                                    continue;
                                }
                                if let Some((p, steps, _)) = index_of(name, &bound, k) {
                                    if steps.is_empty() && !logged.contains(&p) {
                                        logged.push(p);
                                    }
                                }
                            }
                            for p in logged {
                                note("l", p, Vec::new(), None);
                            }
                        }
                        _ => {}
                    }
                }
                j = end;
                continue;
            }
            // `Url::parse(&param)`, `url::Url::parse(param.as_str())`.
            if word == "Url" {
                if let Some(name) = url_parse_argument(text, body, j + 1) {
                    if let Some((p, steps, _)) = index_of(name, &bound, j) {
                        if steps.is_empty() {
                            note("p", p, Vec::new(), None);
                        }
                    }
                }
            }
            // `param.split('&')`, or through a binding of it whole.
            if !after_dot && splits_on_ampersand(text, body, j + 1) {
                if let Some((p, steps, _)) = index_of(word, &bound, j) {
                    if steps.is_empty() {
                        note("s", p, Vec::new(), None);
                    }
                }
            }
            // `param.a().b.unwrap()`, or through a binding of one.
            if let Some((p, mut steps, _)) = index_of(word, &bound, j).filter(|b| !after_dot && b.2)
            {
                if let (more, _, true) = chain_steps(text, body, j + 1) {
                    let key = matches!(more.last(), Some(Step::Method(m)) if m == "get")
                        .then(|| last_call_key(text, body, j + 1))
                        .flatten();
                    steps.extend(more);
                    note("u", p, steps, key);
                }
            }
        }
        j += 1;
    }
    found
}

/// The name `body[at..]` parses whole when it is `::parse(name)`,
/// `::parse(&name)`, `::parse(name.as_str())` or `::parse(&name.to_string())`
/// (after a `Url`).
fn url_parse_argument<'t>(text: &'t str, body: &[Tok], at: usize) -> Option<&'t str> {
    use ra_ap_rustc_lexer::TokenKind as K;
    let kind = |i: usize| body.get(i).map(|t| t.0);
    let word = |i: usize| body.get(i).map_or("", |t| &text[t.1..t.2]);
    if !(matches!(kind(at), Some(K::Colon))
        && matches!(kind(at + 1), Some(K::Colon))
        && word(at + 2) == "parse"
        && matches!(kind(at + 3), Some(K::OpenParen)))
    {
        return None;
    }
    let close = matching(body, at + 3);
    let mut i = at + 4;
    if matches!(kind(i), Some(K::And)) {
        i += 1;
    }
    if !matches!(kind(i), Some(K::Ident)) {
        return None;
    }
    let name = word(i);
    let rest: Vec<&str> = (i + 1..close).map(word).collect();
    matches!(
        rest.as_slice(),
        [] | [".", "as_str", "(", ")"] | [".", "to_string", "(", ")"] | [".", "as_ref", "(", ")"]
    )
    .then_some(name)
}

/// Whether `body[at..]` is `.split('&')` (or `splitn(2, "&")`,
/// `split_terminator('&')`, ..): a query string split into pairs by hand.
fn splits_on_ampersand(text: &str, body: &[Tok], at: usize) -> bool {
    use ra_ap_rustc_lexer::TokenKind as K;
    let word = |i: usize| body.get(i).map_or("", |t| &text[t.1..t.2]);
    if !matches!(body.get(at).map(|t| t.0), Some(K::Dot))
        || !matches!(
            word(at + 1),
            "split" | "splitn" | "split_terminator" | "split_inclusive"
        )
        || !matches!(body.get(at + 2).map(|t| t.0), Some(K::OpenParen))
    {
        return false;
    }
    let close = matching(body, at + 2).min(body.len());
    body[at + 3..close]
        .iter()
        .any(|t| matches!(&text[t.1..t.2], "'&'" | "\"&\""))
}

/// The binding of `if let Some(v) = root.a() {`, `while let Ok(v) = ..
/// {` (held in the block) or `let Some(v) = root.a() else { .. };` (held
/// after the statement), `let` at `body[at]`: the value unwrapped, as
/// `unwrap_or` gives it (`headers.get("x")` then `v.to_str().unwrap()`
/// unwraps `headers.get().unwrap_or().to_str()`). The name with `None`
/// when the value is anything else (it hides a parameter of that name);
/// `None` for any other `let`. As for [`let_binding`], an unwrap through
/// the name counts only when it is used once where the binding holds.
fn unwrapped_binding<'t>(
    text: &'t str,
    body: &[Tok],
    at: usize,
    resolve: &dyn Fn(&str) -> Resolved,
) -> Option<(Range<usize>, Binding<'t>)> {
    use ra_ap_rustc_lexer::TokenKind as K;
    let word = |i: usize| body.get(i).map_or("", |t| &text[t.1..t.2]);
    let kind = |i: usize| body.get(i).map(|t| t.0);
    let in_block = at > 0 && matches!(word(at - 1), "if" | "while");
    let name = super::returns::some_binding(text, body.get(at + 1..at + 5)?)?;
    if !matches!(kind(at + 5), Some(K::Eq)) {
        return None;
    }
    let (root, end) = value_extent(text, body, at + 6, !in_block)?;
    // Where the binding holds: the block, or after the `let .. else`.
    let holds = if in_block {
        end + 1..matching(body, end)
    } else {
        if !matches!(kind(end + 1), Some(K::OpenBrace)) {
            return None;
        }
        matching(body, end + 1) + 1..usize::MAX
    };
    let projection = unwrapped_chain(text, body, root, end, resolve);
    let uses = uses_in(text, body, &holds, name);
    let counts = projection.as_ref().is_some_and(|p| p.2) && uses == 1;
    Some((
        holds,
        (name, projection.map(|(p, steps, _)| (p, steps)), counts),
    ))
}

/// The bindings of the `Some(v)`/`Ok(v)` arms of `match root.a() { .. }`
/// (`match` at `body[at]`), each held in its arm: the value unwrapped, as
/// for [`unwrapped_binding`]. An arm of a value that is no chain of a
/// parameter hides the parameter its name shadows. A guarded arm (`Some(v)
/// if ..`) binds nothing followed.
fn match_bindings<'t>(
    text: &'t str,
    body: &[Tok],
    at: usize,
    resolve: &dyn Fn(&str) -> Resolved,
) -> Vec<(Range<usize>, Binding<'t>)> {
    let Some((root, open)) = value_extent(text, body, at + 1, false) else {
        return Vec::new();
    };
    let close = matching(body, open).min(body.len());
    let projection = unwrapped_chain(text, body, root, open, resolve);
    let inside = &body[open + 1..close];
    let Some(arms) = super::returns::match_arms(inside) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (pat, arm) in arms {
        let Some(name) = super::returns::some_binding(text, &inside[pat]) else {
            continue;
        };
        let holds = open + 1 + arm.start..open + 1 + arm.end;
        let uses = uses_in(text, body, &holds, name);
        let counts = projection.as_ref().is_some_and(|p| p.2) && uses == 1;
        let value = projection.as_ref().map(|(p, steps, _)| (*p, steps.clone()));
        out.push((holds, (name, value, counts)));
    }
    out
}

/// Where the value written from `body[from]` starts (past `&`s) and ends:
/// at the first `{` outside its groups, or with `until_else` at the
/// `else` of a `let .. else`. `None` at a `;` first.
fn value_extent(text: &str, body: &[Tok], from: usize, until_else: bool) -> Option<(usize, usize)> {
    use ra_ap_rustc_lexer::TokenKind as K;
    let mut root = from;
    while body.get(root).is_some_and(|t| matches!(t.0, K::And)) {
        root += 1;
    }
    let mut end = root;
    while end < body.len() {
        match body[end].0 {
            K::OpenParen | K::OpenBracket => end = matching(body, end) + 1,
            K::OpenBrace if !until_else => return Some((root, end)),
            K::Ident if until_else && &text[body[end].1..body[end].2] == "else" => {
                return Some((root, end))
            }
            K::OpenBrace | K::Semi => return None,
            _ => end += 1,
        }
    }
    None
}

/// The value `body[root..end]` unwrapped, as `unwrap_or` gives it, when it
/// is a chain (no unwrap on the way) from a name `resolve` knows.
fn unwrapped_chain(
    text: &str,
    body: &[Tok],
    root: usize,
    end: usize,
    resolve: &dyn Fn(&str) -> Resolved,
) -> Resolved {
    let first = body
        .get(root)
        .filter(|t| t.0 == ra_ap_rustc_lexer::TokenKind::Ident)?;
    let (p, mut steps, counts) = resolve(&text[first.1..first.2])?;
    let (more, chain_end, unwrapped) = chain_steps(text, body, root + 1);
    if unwrapped || chain_end != end {
        return None;
    }
    steps.extend(more);
    steps.push(Step::unwrapped());
    Some((p, steps, counts))
}

/// How often `name` is used (not as a field) in `body[range]`.
fn uses_in(text: &str, body: &[Tok], range: &Range<usize>, name: &str) -> usize {
    use ra_ap_rustc_lexer::TokenKind as K;
    let range = range.start.min(body.len())..range.end.min(body.len());
    (range.clone())
        .filter(|&k| {
            let t = body[k];
            matches!(t.0, K::Ident)
                && &text[t.1..t.2] == name
                && (k == 0 || !matches!(body[k - 1].0, K::Dot))
        })
        .count()
}

/// A `let` binding seen by [`body_reach`]: the name, the parameter and
/// steps it projects if it does, and whether an unwrap through it counts.
type Binding<'t> = (&'t str, Option<(usize, Vec<Step>)>, bool);

/// What a name stands for in [`body_reach`]: parameter, steps, and
/// whether an unwrap through it counts.
type Resolved = Option<(usize, Vec<Step>, bool)>;

/// The binding of `let name = root.a().b?;` (the tokens after `let`):
/// `root` a parameter or a binding `resolve` knows. `None` when the `let`
/// binds a pattern or `mut` (nothing followed, nothing hidden); the name
/// with `None` when its value is anything else. An unwrap through the
/// binding counts only when the name is used once after it, and so was
/// each binding it comes from (`resolve`'s flag): `let k = h.get(..); if
/// k.is_none() { return ..; } k.unwrap()` is checked first.
fn let_binding<'t>(
    text: &'t str,
    rest: &[Tok],
    resolve: &dyn Fn(&str) -> Resolved,
) -> Option<Binding<'t>> {
    use ra_ap_rustc_lexer::TokenKind as K;
    let word = |t: &Tok| &text[t.1..t.2];
    let (first, after) = (rest.first()?, rest.get(1)?);
    if first.0 != K::Ident || matches!(word(first), "mut" | "ref" | "_") {
        return None;
    }
    let name = word(first);
    // `let name: Type = ..`: the type up to `=` (no generics with `=`).
    let mut i = 1;
    if after.0 == K::Colon {
        while rest
            .get(i)
            .is_some_and(|t| !matches!(t.0, K::Eq) && !matches!(t.0, K::Semi))
        {
            i += 1;
        }
    }
    if rest.get(i).is_none_or(|t| !matches!(t.0, K::Eq)) {
        return Some((name, None, false));
    }
    i += 1;
    while rest.get(i).is_some_and(|t| matches!(t.0, K::And)) {
        i += 1;
    }
    let mut unwrap_counts = false;
    let projection = (|| {
        let root = rest.get(i)?;
        if root.0 != K::Ident {
            return None;
        }
        let (p, mut steps, root_counts) = resolve(word(root))?;
        let (more, end, unwrapped) = chain_steps(text, rest, i + 1);
        // The chain must end the statement (not at an unwrap).
        if unwrapped || rest.get(end).is_none_or(|t| !matches!(t.0, K::Semi)) {
            return None;
        }
        steps.extend(more);
        // Uses of the name after the statement, not as a field.
        let uses = rest[end..]
            .iter()
            .enumerate()
            .filter(|(k, t)| {
                matches!(t.0, K::Ident)
                    && word(t) == name
                    && (*k == 0 || rest[end + k - 1].0 != K::Dot)
            })
            .count();
        unwrap_counts = root_counts && uses == 1;
        Some((p, steps))
    })();
    Some((name, projection, unwrap_counts))
}

/// The steps of a chain from `tokens[from]` on (`?`, `.field`, `.method(..)`;
/// `.await` passes through), the index of the token it stops at, and
/// whether that is the `unwrap`/`expect` of `.unwrap()` (else it is the
/// first token that continues no chain).
fn chain_steps(text: &str, tokens: &[Tok], from: usize) -> (Vec<Step>, usize, bool) {
    use ra_ap_rustc_lexer::TokenKind as K;
    let mut steps = Vec::new();
    let mut k = from;
    loop {
        match tokens.get(k).map(|t| t.0) {
            Some(K::Question) => {
                steps.push(Step::Try);
                k += 1;
            }
            Some(K::Dot) if tokens.get(k + 1).is_some_and(|t| matches!(t.0, K::Ident)) => {
                let m = &text[tokens[k + 1].1..tokens[k + 1].2];
                if m == "unwrap" || m == "expect" {
                    return (steps, k + 1, true);
                }
                k += 2;
                if tokens.get(k).is_some_and(|t| matches!(t.0, K::OpenParen)) {
                    k = matching(tokens, k) + 1;
                    steps.push(Step::Method(m.to_string()));
                } else if m != "await" {
                    steps.push(Step::Field(m.to_string()));
                }
            }
            _ => return (steps, k, false),
        }
    }
}

/// Whether the attribute whose `[` is `tokens[open]` is a `cfg` for tests
/// only (`test` without `not`, as [`crate::engine::is_cfg_test`] reads
/// it) on a module (`mod`, `pub mod`, `pub(crate) mod`, after any other
/// attributes): the one `cfg` a summary keeps.
fn cfg_test_on_mod(text: &str, tokens: &[Tok], open: usize) -> bool {
    use ra_ap_rustc_lexer::TokenKind as K;
    let word = |i: usize| tokens.get(i).map_or("", |t| &text[t.1..t.2]);
    if word(open + 1) != "cfg" {
        return false;
    }
    let close = matching(tokens, open);
    if !crate::engine::cfg_means_test((open + 2..close).map(word)) {
        return false;
    }
    let mut i = close + 1;
    loop {
        match tokens.get(i).map(|t| t.0) {
            Some(K::Pound) => {
                let bracket = i + 1 + usize::from(word(i + 1) == "!");
                i = matching(tokens, bracket) + 1;
            }
            Some(K::Ident) if word(i) == "pub" => {
                i += 1;
                if tokens.get(i).is_some_and(|t| matches!(t.0, K::OpenParen)) {
                    i = matching(tokens, i) + 1;
                }
            }
            Some(K::Ident) => return word(i) == "mod",
            _ => return false,
        }
    }
}

/// The key of the last call of the chain from `tokens[from]` on, when it
/// is one header-name literal (`"x-request-id"`, quotes kept) or a path
/// ending in a constant's name (`header::X_REQUEST_ID` gives
/// `X_REQUEST_ID`): `parts.headers.get(REQUEST_ID).expect(..)`.
fn last_call_key(text: &str, tokens: &[Tok], from: usize) -> Option<String> {
    use ra_ap_rustc_lexer::TokenKind as K;
    let mut args = None;
    let mut k = from;
    loop {
        match tokens.get(k).map(|t| t.0) {
            Some(K::Question) => k += 1,
            Some(K::Dot) if tokens.get(k + 1).is_some_and(|t| matches!(t.0, K::Ident)) => {
                if matches!(&text[tokens[k + 1].1..tokens[k + 1].2], "unwrap" | "expect") {
                    break;
                }
                k += 2;
                if tokens.get(k).is_some_and(|t| matches!(t.0, K::OpenParen)) {
                    let close = matching(tokens, k);
                    args = Some(k + 1..close.min(tokens.len()));
                    k = close + 1;
                }
            }
            _ => break,
        }
    }
    let args = tokens.get(args?)?;
    let word = |t: &Tok| &text[t.1..t.2];
    let key = match args {
        [t] if matches!(
            t.0,
            K::Literal {
                kind: ra_ap_rustc_lexer::LiteralKind::Str { .. },
                ..
            }
        ) =>
        {
            let w = word(t);
            let inner = w.strip_prefix('"')?.strip_suffix('"')?;
            inner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                .then_some(w)?
        }
        [.., last] if matches!(last.0, K::Ident) => {
            let w = word(last);
            let is_path = args
                .iter()
                .all(|t| matches!(t.0, K::Ident | K::Colon | K::And));
            (is_path && super::added_headers::is_const_name(w)).then_some(w)?
        }
        _ => return None,
    };
    Some(key.to_string())
}

/// The index of the token closing the group opened at `open` (the number
/// of tokens when the text ends first).
pub(crate) fn matching(
    tokens: &[(ra_ap_rustc_lexer::TokenKind, usize, usize)],
    open: usize,
) -> usize {
    use ra_ap_rustc_lexer::TokenKind as K;
    let mut depth = 0usize;
    for (j, (kind, _, _)) in tokens.iter().enumerate().skip(open) {
        match kind {
            K::OpenBrace | K::OpenParen | K::OpenBracket => depth += 1,
            K::CloseBrace | K::CloseParen | K::CloseBracket => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// The body's text when it is one chain `&a.b.c(..)?.0.d(..)`, with the
/// call arguments dropped.
fn chain_text(text: &str, body: &[(ra_ap_rustc_lexer::TokenKind, usize, usize)]) -> Option<String> {
    use ra_ap_rustc_lexer::TokenKind as K;
    if body.is_empty() || body.len() > 256 {
        return None;
    }
    let mut out = String::new();
    let mut i = 0;
    if matches!(body[0].0, K::And) {
        out.push('&');
        i = 1;
    }
    // The root: a parameter or `self`.
    match body.get(i) {
        Some((K::Ident, a, b)) => out.push_str(&text[*a..*b]),
        _ => return None,
    }
    i += 1;
    while i < body.len() {
        match body[i].0 {
            K::Question => out.push('?'),
            K::Dot => {
                let (kind, a, b) = *body.get(i + 1)?;
                let name = &text[a..b];
                let is_index =
                    matches!(kind, K::Literal { .. }) && name.bytes().all(|c| c.is_ascii_digit());
                if !matches!(kind, K::Ident) && !is_index {
                    return None;
                }
                out.push('.');
                out.push_str(name);
                i += 1;
                if body.get(i + 1).is_some_and(|t| matches!(t.0, K::OpenParen)) && !is_index {
                    i = matching(body, i + 1);
                    out.push_str("()");
                }
            }
            _ => return None,
        }
        i += 1;
    }
    Some(out)
}

/// A field's name: its identifier, or its index in a tuple struct.
pub fn field_name(index: usize, field: &syn::Field) -> String {
    field
        .ident
        .as_ref()
        .map_or_else(|| index.to_string(), |id| id.to_string())
}

fn type_params(g: &syn::Generics) -> Vec<String> {
    g.type_params().map(|p| p.ident.to_string()).collect()
}

fn has_attr(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(name))
}

fn items_of(items: &[syn::Item]) -> Vec<ItemSig> {
    let mut out = Vec::new();
    for item in items {
        // `cfg_config! { pub mod config; }`: the items inside, when they
        // are items (see [`super::signatures::transparent_macro`]).
        if let syn::Item::Macro(m) = item {
            let name = m.mac.path.get_ident().map(|i| i.to_string());
            if m.ident.is_none()
                && matches!(m.mac.delimiter, syn::MacroDelimiter::Brace(_))
                && name
                    .as_deref()
                    .is_some_and(super::signatures::transparent_macro)
            {
                if let Ok(file) = syn::parse2::<syn::File>(m.mac.tokens.clone()) {
                    if file.attrs.is_empty() {
                        out.extend(items_of(&file.items));
                    }
                }
                continue;
            }
        }
        out.extend(item_of(item));
    }
    out
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
                .map(|(i, f)| (field_name(i, f), TypeExpr::of(&f.ty)))
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
            generics: type_params(&t.generics),
            supertraits: t
                .supertraits
                .iter()
                .filter_map(|b| match b {
                    syn::TypeParamBound::Trait(tb) => Some(
                        tb.path
                            .segments
                            .iter()
                            .map(|s| s.ident.to_string())
                            .collect(),
                    ),
                    _ => None,
                })
                .collect(),
            methods: t
                .items
                .iter()
                .filter_map(|i| match i {
                    syn::TraitItem::Fn(f) => Some((
                        f.sig.ident.to_string(),
                        FnSig::of(&f.sig, f.default.as_ref()),
                    )),
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
            test: crate::engine::is_cfg_test(&m.attrs),
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

/// The entry of `prefix::ident [as rename]` in a `use` tree: `self` names
/// the prefix's last segment, `as _` brings no name.
pub(super) fn use_name(
    prefix: &[String],
    ident: String,
    rename: Option<String>,
    out: &mut Vec<UseEntry>,
) {
    let mut path = prefix.to_vec();
    let name = match rename {
        Some(r) if r == "_" => return,
        Some(r) => {
            if ident != "self" {
                path.push(ident);
            }
            r
        }
        None if ident == "self" => match prefix.last() {
            Some(last) => last.clone(),
            None => return,
        },
        None => {
            path.push(ident.clone());
            ident
        }
    };
    out.push(UseEntry::Name { name, path });
}

fn use_entries(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<UseEntry>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_entries(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => use_name(prefix, n.ident.to_string(), None, out),
        syn::UseTree::Rename(r) => {
            use_name(prefix, r.ident.to_string(), Some(r.rename.to_string()), out)
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

    fn reach_of(text: &str) -> Vec<(String, ReachKind)> {
        let summary = FileSummary::of_text(text);
        let Some(ItemSig::Fn { sig, .. }) = summary.items.first() else {
            panic!("no fn in {summary:?}");
        };
        sig.reach.iter().map(|r| (r.name.clone(), r.kind)).collect()
    }

    #[test]
    fn bodies_that_unwrap_or_log_a_parameter_are_summarized() {
        let text = "fn save(dir: &Path, mut field: Field, n: u8) {\n    \
                    let name = field.content_disposition().get_filename().unwrap();\n    \
                    tracing::info!(\"saving to {dir:?}\");\n    log::debug!(\"{}\", n);\n}";
        assert_eq!(
            reach_of(text),
            [
                ("field".to_string(), ReachKind::Unwrap),
                ("dir".to_string(), ReachKind::Log)
            ]
        );
        // A field of a parameter is not the parameter; `x.len()` in a log
        // is a number; a local shadow is still named like it (accepted).
        let partial = "fn f(req: Req) { info!(\"{}\", req.path()); let a = other.req.unwrap(); }";
        assert_eq!(reach_of(partial), []);
        // `self` is not a typed parameter; the index counts typed ones.
        let method = "fn m(&self, (a, b): (u8, u8), uri: &Uri) { println!(\"{}\", uri); }";
        let summary = FileSummary::of_text(&format!("impl S {{ {method} }}"));
        let Some(ItemSig::Impl { methods, .. }) = summary.items.first() else {
            panic!();
        };
        assert_eq!(methods[0].1.reach[0].param, 1);
        assert_eq!(methods[0].1.reach[0].kind, ReachKind::Log);
    }

    #[test]
    fn a_parameter_split_on_ampersand_whole_is_a_split_reach() {
        assert_eq!(
            reach_of("fn f(q: &str) { for p in q.split('&') {} }"),
            [("q".to_string(), ReachKind::Split)]
        );
        assert_eq!(
            reach_of("fn f(n: u8, q: &str) { let r = q; r.splitn(8, \"&\").count(); }"),
            [("q".to_string(), ReachKind::Split)]
        );
        // A list split on `,`, a projection split on `&`, a method named
        // like a parameter: none is a query split whole.
        assert_eq!(reach_of("fn f(q: &str) { q.split(',').count(); }"), []);
        assert_eq!(
            reach_of("fn f(q: &str) { q.trim().split('&').count(); }"),
            []
        );
        assert_eq!(reach_of("fn f(q: &str) { x.q.split('&').count(); }"), []);
    }

    #[test]
    fn a_parameter_parsed_whole_by_url_parse_is_a_reach() {
        for body in [
            "Url::parse(t)",
            "url::Url::parse(&t)",
            "Url::parse(t.as_str())",
            "Url::parse(&t.to_string())",
        ] {
            assert_eq!(
                reach_of(&format!("fn f(t: &str) {{ let _ = {body}; }}")),
                [("t".to_string(), ReachKind::UrlParse)],
                "{body}"
            );
        }
        // Another text built from it, or parsed onto a base: not whole.
        assert_eq!(
            reach_of("fn f(t: &str) { let _ = Url::parse(&format!(\"http://x{t}\")); }"),
            []
        );
        assert_eq!(
            reach_of("fn f(t: &str) { let _ = Url::parse(t.trim()); }"),
            []
        );
        assert_eq!(reach_of("fn f(t: &str) { let _ = base.join(t); }"), []);
    }

    #[test]
    fn a_module_compiled_for_tests_only_is_marked_by_both_readers() {
        let text = "#[cfg(all(test, unix))]\n#[path = \"x.rs\"]\npub(crate) mod a;\n\
                    #[cfg(not(test))] mod b;\n#[cfg(test)] fn f() {}\n\
                    #[cfg(feature = \"test\")] mod c;\n#[cfg(test)] #[allow(unused)] mod d {}\n";
        let summary = FileSummary::of_text(text);
        let by_syn = FileSummary::of_reduced_by_syn(&without_bodies(text), Default::default());
        assert_eq!(summary, by_syn);
        let tests: Vec<(&str, bool)> = summary
            .items
            .iter()
            .filter_map(|i| match i {
                ItemSig::Mod(m) => Some((m.name.as_str(), m.test)),
                _ => None,
            })
            .collect();
        assert_eq!(
            tests,
            [("a", true), ("b", false), ("c", false), ("d", true)]
        );
        assert!(
            matches!(&summary.items[0], ItemSig::Mod(m) if m.path_attr.as_deref() == Some("x.rs"))
        );
    }

    #[test]
    fn an_unwrapped_lookup_keeps_its_key_when_it_is_a_literal_or_a_constant() {
        let keys = |body: &str| -> Vec<Option<String>> {
            let text = format!("fn f(parts: Parts, q: Query) {{ {body} }}");
            // Both readers of a summary (the token reader, syn) agree.
            let reduced = without_bodies(&text);
            let by_syn = FileSummary::of_reduced_by_syn(&reduced, Default::default());
            let summary = FileSummary::of_text(&text);
            assert_eq!(summary, by_syn, "in {text}");
            let Some(ItemSig::Fn { sig, .. }) = summary.items.first() else {
                panic!("{summary:?}");
            };
            sig.reach.iter().map(|r| r.key.clone()).collect()
        };
        assert_eq!(
            keys("parts.headers.get(REQUEST_ID).expect(\"set by the layer\");"),
            [Some("REQUEST_ID".to_string())]
        );
        assert_eq!(
            keys("parts.headers.get(&http::header::X_REQUEST_ID).unwrap();"),
            [Some("X_REQUEST_ID".to_string())]
        );
        assert_eq!(
            keys("parts.headers.get(\"X-Id\").unwrap().to_str().unwrap();"),
            [Some("\"X-Id\"".to_string())]
        );
        // A key computed, a local, or a lookup not last: no key.
        assert_eq!(
            keys("parts.headers.get(name).unwrap(); q.get(\"a b\").unwrap();"),
            [None, None]
        );
        assert_eq!(keys("parts.headers.get(ID).map(f).unwrap();"), [None]);
    }

    #[test]
    fn reaches_are_followed_through_let_bindings() {
        let text = "fn f(headers: &HeaderMap, uri: &Uri, n: u8) {\n    \
                    let h = headers.get(\"x\");\n    \
                    let v = h.unwrap();\n    \
                    let u = &uri;\n    \
                    tracing::info!(\"{u}\");\n    \
                    let p = uri.path();\n    \
                    tracing::info!(\"{}\", p);\n}";
        let summary = FileSummary::of_text(text);
        let Some(ItemSig::Fn { sig, .. }) = summary.items.first() else {
            panic!("{summary:?}");
        };
        let got: Vec<_> = sig
            .reach
            .iter()
            .map(|r| (r.name.as_str(), r.kind, r.steps.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "headers",
                    ReachKind::Unwrap,
                    vec![Step::Method("get".into())]
                ),
                // `u` is `uri` whole; `p` is only its path.
                ("uri", ReachKind::Log, vec![]),
            ]
        );
        // A binding to something else hides the parameter; a binding's own
        // initializer still sees it.
        assert_eq!(
            reach_of("fn f(uri: &Uri) { let uri = Uri::default(); info!(\"{}\", uri); }"),
            []
        );
        assert_eq!(
            reach_of("fn f(h: &HeaderMap) {\n let h = h.get(\"a\").unwrap(); }"),
            [("h".to_string(), ReachKind::Unwrap)]
        );
        // A binding checked before its unwrap (used twice), or one coming
        // from such a binding, does not count.
        assert_eq!(
            reach_of(
                "fn f(h: &HeaderMap) { let k = h.get(\"a\"); let d = k.map(g); \
                 if k.is_none() { return; } d.unwrap(); }"
            ),
            []
        );
        // `mut` bindings and patterns are not followed.
        assert_eq!(
            reach_of("fn f(h: &HeaderMap) { let mut g = h.get(\"a\"); g = None; g.unwrap(); }"),
            []
        );
    }

    #[test]
    fn reaches_are_followed_into_if_let_and_let_else() {
        let steps = |text: &str| -> Vec<(String, Vec<Step>)> {
            let summary = FileSummary::of_text(text);
            let Some(ItemSig::Fn { sig, .. }) = summary.items.first() else {
                panic!("{summary:?}");
            };
            sig.reach
                .iter()
                .map(|r| (r.name.clone(), r.steps.clone()))
                .collect()
        };
        let unwrapped = vec![
            Step::Method("get".into()),
            Step::Method("unwrap_or".into()),
            Step::Method("to_str".into()),
        ];
        for text in [
            r#"fn f(h: &HeaderMap) -> u8 {
 if let Some(v) = h.get("x") {
 v.to_str().unwrap(); }
 0 }"#,
            r#"fn f(h: &HeaderMap) {
 while let Some(v) = h.get("x") {
 v.to_str().unwrap(); } }"#,
            r#"fn f(h: &HeaderMap) {
 let Some(v) = h.get("x") else { return; };
 v.to_str().unwrap(); }"#,
        ] {
            assert_eq!(
                steps(text),
                [("h".to_string(), unwrapped.clone())],
                "{text}"
            );
        }
        for text in [
            // Checked before the unwrap (used twice in the block).
            r#"fn f(h: &HeaderMap) { if let Some(v) = h.get("x") { if v.is_empty() { return; } v.to_str().unwrap(); } }"#,
            // Bound to something else: it hides the parameter in the block.
            r#"fn f(h: &HeaderMap) { if let Some(h) = other() { h.get("x").unwrap(); } }"#,
            // Another pattern.
            r#"fn f(h: &HeaderMap) { if let Some((a, b)) = h.get("x") { a.unwrap(); } }"#,
        ] {
            assert_eq!(steps(text), [], "{text}");
        }
        // A `match` arm's binding, in its arm.
        assert_eq!(
            steps(
                r#"fn f(h: &HeaderMap) -> &str {
 match h.get("x") {
 Some(v) => v.to_str().unwrap(),
 None => "" } }"#
            ),
            [("h".to_string(), unwrapped.clone())]
        );
        for text in [
            // A guard, a value that is no chain of a parameter, an arm
            // that checks first.
            r#"fn f(h: &HeaderMap) { match h.get("x") { Some(v) if ok(v) => v.to_str().unwrap(), _ => "" }; }"#,
            r#"fn f(h: &HeaderMap) { match other(h) { Some(h) => h.get("x").unwrap(), None => "" }; }"#,
            r#"fn f(h: &HeaderMap) { match h.get("x") { Some(v) => { if v.is_empty() { return; } v.to_str().unwrap(); } None => {} } }"#,
        ] {
            assert_eq!(steps(text), [], "{text}");
        }
        // The binding holds in its block only: after it, `v` is the
        // parameter again.
        assert_eq!(
            steps(
                r#"fn f(h: &HeaderMap, v: &str) { if let Some(v) = h.get("x") { g(v); } let n: u8 = v.parse().unwrap(); }"#
            ),
            [("v".to_string(), vec![Step::Method("parse".into())])]
        );
    }

    #[test]
    fn bodies_of_every_function_shape_are_dropped() {
        for text in [
            "fn a(x: u8, y: u8) -> u8 { secret_body() }",
            "fn b<T, U>(x: T) -> U where T: Into<U>, U: Clone { secret_body() }",
            "fn c(f: fn(u8, u8) -> u8, x: u8) -> u8 { secret_body() }",
            "impl S { pub async fn d(&self, a: &str, b: &str) { secret_body() } }",
        ] {
            let reduced = without_bodies(text);
            assert!(!reduced.contains("secret_body"), "{text} -> {reduced}");
        }
        let s = without_bodies("struct S { f: fn(u8, u8) -> u8, g: u8 }\nfn e() { secret_body() }");
        assert!(s.contains("g: u8") && !s.contains("secret_body"), "{s}");
        let t = without_bodies("trait T { fn a(&self, x: u8); fn b(&self) { secret_body() } }");
        assert!(t.contains("fn a") && !t.contains("secret_body"), "{t}");
    }

    #[test]
    fn only_the_attributes_a_summary_reads_are_kept() {
        let text = "#![allow(dead_code)]\n#[macro_use]\nextern crate log;\n#[path = \"other.rs\"]\nmod m;\n/// Docs.\n#[derive(Debug, serde::Deserialize)]\n#[serde(rename_all = \"camelCase\")]\npub struct S {\n    #[serde(default)]\n    pub base: url::Url,\n}\n";
        let reduced = without_bodies(text);
        assert!(
            reduced.contains("# [macro_use]") || reduced.contains("#[macro_use]"),
            "{reduced}"
        );
        assert!(reduced.contains("path = \"other.rs\""), "{reduced}");
        for gone in ["allow", "derive", "serde", "default", "Docs"] {
            assert!(!reduced.contains(gone), "{gone}: {reduced}");
        }
        let summary = FileSummary::of_text(text);
        assert!(!summary.unparsable);
        assert_eq!(summary.items.len(), 3, "{:?}", summary.items);
        assert!(
            matches!(
                &summary.items[0],
                ItemSig::ExternCrate {
                    macro_use: true,
                    ..
                }
            ),
            "{:?}",
            summary.items[0]
        );
        assert!(
            matches!(&summary.items[1], ItemSig::Mod(m) if m.path_attr.as_deref() == Some("other.rs")),
            "{:?}",
            summary.items[1]
        );
    }

    #[test]
    fn a_reach_marker_keeps_the_projection_of_a_one_chain_body() {
        let text = "fn q(uri: &Uri) -> &str { uri.query().unwrap() }";
        let summary = FileSummary::of_text(text);
        let Some(ItemSig::Fn { sig, .. }) = summary.items.first() else {
            panic!();
        };
        assert!(sig.returns.is_some(), "{sig:?}");
        assert_eq!(sig.reach.len(), 1);
    }

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
        // The edits of a working day: a call handing a parameter to
        // another function, a check added before it. A summary that
        // recorded such calls would re-lint the whole tree on each
        // (tried in the nineteenth pass: bench/RESULTS.md).
        let body = |b: &str| FileSummary::of_text(&format!("pub fn h(q: &str, n: u8) {{ {b} }}"));
        let plain = body("let a = 1;");
        for edited in [
            "let a = 1; util::pairs(q);",
            "let a = helper(&q, n); self::other(q.as_str());",
            "if n > 1 { return; } decode(q);",
        ] {
            assert_eq!(
                plain.interface_hash(),
                body(edited).interface_hash(),
                "{edited}"
            );
        }
        // A layer that adds a request header changes what the crate's other
        // files see (their lookups of it are present): a body edit that
        // must re-lint them.
        let layered = body("let a = 1; app.layer(SetRequestIdLayer::x_request_id(M));");
        assert_ne!(plain.interface_hash(), layered.interface_hash());
    }

    #[test]
    fn a_helper_body_edit_keeps_the_interface_hash_while_its_return_is_the_same() {
        let sig = |body: &str| {
            let text = format!("pub fn raw(uri: &Uri) -> &str {{ {body} }}");
            FileSummary::of_text(&text)
        };
        let one = sig(r#"let q = uri.query().unwrap_or(""); q"#);
        let renamed = sig(r#"let query = uri.query();
            tracing::debug!("asked"); let query = query.unwrap_or("-"); return query;"#);
        let chain = sig(r#"uri.query().unwrap_or("")"#);
        let other = sig(r#"let q = uri.path(); q"#);
        let Some(ItemSig::Fn { sig: s, .. }) = one.items.first() else {
            panic!("{one:?}");
        };
        assert!(s.returns.is_some(), "{s:?}");
        assert_eq!(one.interface_hash(), renamed.interface_hash());
        assert_eq!(one.interface_hash(), chain.interface_hash());
        assert_ne!(one.interface_hash(), other.interface_hash());
    }

    #[test]
    fn a_trait_keeps_its_method_signatures_and_supertraits_not_its_bodies() {
        let text = "pub trait Config: Endpoints + Send + 'static {\n\
                    fn base(&self) -> &Url;\n\
                    fn billing(&self) -> Url { let u = secret_body(); u }\n\
                    fn api(&self) -> &Url { self.inner.api() }\n}\n";
        let s = FileSummary::of_text(text);
        let Some(ItemSig::Trait {
            name,
            supertraits,
            methods,
            ..
        }) = s.items.first()
        else {
            panic!("{s:?}");
        };
        assert_eq!(name, "Config");
        assert_eq!(
            supertraits,
            &[vec!["Endpoints".to_string()], vec!["Send".to_string()]]
        );
        let names: Vec<&str> = methods.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["base", "billing", "api"]);
        assert!(matches!(&methods[0].1.ret, TypeExpr::Ref(_)), "{methods:?}");
        assert!(methods[1].1.returns.is_none(), "{methods:?}");
        // A one-chain default body keeps its projection, as a method's does.
        let api = methods[2].1.returns.as_ref().expect("a projection");
        assert_eq!(api.param, None);
        assert_eq!(
            api.steps,
            [Step::Field("inner".into()), Step::Method("api".into())]
        );
        assert!(!without_bodies(text).contains("secret_body"));
        // A default body's edit leaves the summary as it was; a method's
        // return type is part of it.
        let edited = text.replace("secret_body()", "other_body(1)");
        assert_eq!(
            s.interface_hash(),
            FileSummary::of_text(&edited).interface_hash()
        );
        let retyped = text.replace("fn base(&self) -> &Url", "fn base(&self) -> &str");
        assert_ne!(
            s.interface_hash(),
            FileSummary::of_text(&retyped).interface_hash()
        );
    }

    #[test]
    fn bad_text_is_unparsable_not_a_panic() {
        assert!(FileSummary::of_text("fn f( {").unparsable);
        assert!(FileSummary::of_text("\"unterminated").unparsable);
        assert!(!FileSummary::of_text("#!/usr/bin/env run\nfn main() {}").unparsable);
    }
}
