//! Read a body-less text's items without syn.
//!
//! The crate index summarizes every file of a crate, and
//! [`super::summary::without_bodies`] leaves little to summarize: `use`
//! lists, signatures, field lists, `impl` headers. syn still lexed that
//! text into a token stream and built a full syntax tree of it, the
//! biggest part of a cold index (about 0.6 G of 4.1 G instructions on the
//! application corpus). This module reads the same text with
//! rust-analyzer's lexer (no allocation per token) and a small
//! recursive-descent parser straight into [`ItemSig`]s, as
//! rust-analyzer's item tree reads items without bodies.
//!
//! It knows the grammar of the items a summary reads and declines
//! anything else (`None`): a 2015 keyword used as a name, a raw
//! identifier, an inner attribute, a bare trait object, nesting deeper
//! than [`MAX_DEPTH`], a token the lexer flags as invalid. The caller
//! then parses the text with syn as before
//! ([`super::summary::FileSummary::of_reduced`]), so a declined file
//! costs one more lexer pass, never a different summary. Regions whose
//! content a summary does not read (enum variants, a `const`'s
//! initializer, macro invocations, `where` clauses, generic bounds) are
//! skipped by their delimiters, not checked: on text rustc rejects the
//! two readers may differ (syn: "unparsable"; here: the items read).
//! `tests` and `examples/summary_parity.rs` check that both give the same
//! summary, file by file, on the fixtures and the corpora.

use super::summary::{
    parse_reach_words, projection_of_chain, use_name, FnSig, ItemSig, ModSig, Step, TypeExpr,
    UseEntry,
};
use ra_ap_rustc_lexer::{LiteralKind as L, TokenKind as K};

/// Deeper nesting of types or modules is left to syn (and to
/// [`crate::complexity`], which turns away what would overflow its stack).
pub const MAX_DEPTH: usize = 32;

/// The items of a body-less text, or `None` when it holds something this
/// parser does not read (syn then does).
pub fn items(reduced: &str) -> Option<Vec<ItemSig>> {
    read(reduced).ok()
}

/// Where [`items`] gave up on a text (a byte offset, for the parity
/// check's report), or `None` when it did not.
pub fn declined_at(reduced: &str) -> Option<usize> {
    read(reduced).err()
}

/// [`items`] over the tokens [`super::summary::without_bodies_tokens`]
/// gave with the text: no second lexer pass.
pub fn items_of_tokens(reduced: &str, tokens: Vec<Tok>) -> Option<Vec<ItemSig>> {
    parse(reduced, tokens).ok()
}

fn read(reduced: &str) -> Result<Vec<ItemSig>, usize> {
    let mut tokens = Vec::with_capacity(reduced.len() / 3);
    let mut pos = 0;
    for t in ra_ap_rustc_lexer::tokenize(reduced, ra_ap_rustc_lexer::FrontmatterAllowed::No) {
        let end = pos + t.len as usize;
        if !matches!(t.kind, K::Whitespace | K::LineComment { doc_style: None }) {
            tokens.push((t.kind, pos, end));
        }
        pos = end;
    }
    parse(reduced, tokens)
}

/// The tokens as the parser takes them (`r#type` an identifier), or the
/// offset of one it does not take.
fn parse(reduced: &str, mut tokens: Vec<Tok>) -> Result<Vec<ItemSig>, usize> {
    for t in &mut tokens {
        let (kind, pos, end) = *t;
        match kind {
            K::Ident
            | K::Lifetime {
                starts_with_number: false,
            } => {}
            // `r#type`: a name like any other, written so (syn's
            // `Ident::to_string` keeps the `r#` too).
            K::RawIdent
                if !matches!(
                    &reduced[pos..end],
                    "r#self" | "r#super" | "r#crate" | "r#Self" | "r#_"
                ) =>
            {
                t.0 = K::Ident
            }
            K::Literal { kind, .. } if valid_literal(kind) => {}
            K::Semi
            | K::Comma
            | K::Dot
            | K::OpenParen
            | K::CloseParen
            | K::OpenBrace
            | K::CloseBrace
            | K::OpenBracket
            | K::CloseBracket
            | K::At
            | K::Pound
            | K::Tilde
            | K::Question
            | K::Colon
            | K::Dollar
            | K::Eq
            | K::Bang
            | K::Lt
            | K::Gt
            | K::Minus
            | K::And
            | K::Or
            | K::Plus
            | K::Star
            | K::Slash
            | K::Caret
            | K::Percent => {}
            _ => return Err(pos),
        }
    }
    let mut p = Parser {
        text: reduced,
        tokens,
        at: 0,
        depth: 0,
        spliced: Vec::new(),
    };
    match p.items() {
        Some(items) if p.at == p.tokens.len() => Ok(items),
        _ => Err(p.tokens.get(p.at).map_or(reduced.len(), |t| t.1)),
    }
}

/// Whether `name! { .. }` at module level is read as the items inside it,
/// when they are items: the `cfg_*!` macros crates write to put a
/// `#[cfg(feature = ..)]` on each item of a block (`cfg_config! { pub mod
/// config; }` in kube, `cfg_rt! { .. }` in tokio, `cfg_client! { .. }` in
/// hyper). Other item macros (`enum_builder! { .. }`, `bitflags! { .. }`,
/// `thread_local! { .. }`) make something else of what they are given.
pub(crate) fn transparent_macro(name: &str) -> bool {
    name.starts_with("cfg_")
}

fn valid_literal(kind: L) -> bool {
    match kind {
        L::Int { empty_int, .. } => !empty_int,
        L::Float { empty_exponent, .. } => !empty_exponent,
        L::Char { terminated }
        | L::Byte { terminated }
        | L::Str { terminated }
        | L::ByteStr { terminated }
        | L::CStr { terminated } => terminated,
        L::RawStr { n_hashes } | L::RawByteStr { n_hashes } | L::RawCStr { n_hashes } => {
            n_hashes.is_some()
        }
    }
}

/// Words syn never takes as an identifier (`_` included: it is a token of
/// its own there), the 2018 keywords a 2015 crate may use as names among
/// them: syn's `accept_as_ident` list.
const RESERVED: &[&str] = &[
    "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "Self", "self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Path segments that are keywords.
const PATH_KEYWORDS: &[&str] = &["crate", "self", "super", "Self"];

type Tok = (K, usize, usize);

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Tok>,
    at: usize,
    depth: usize,
    /// The items of a [`transparent_macro`] block just read, for
    /// [`Parser::items`] to splice in.
    spliced: Vec<ItemSig>,
}

/// What the attributes a summary reads say of the item after them.
#[derive(Default)]
struct Attrs {
    path: Option<String>,
    macro_use: bool,
    /// `#[cfg(test)]`-like ([`crate::engine::is_cfg_test`]).
    test: bool,
}

impl<'a> Parser<'a> {
    fn kind(&self, i: usize) -> Option<K> {
        self.tokens.get(i).map(|t| t.0)
    }

    fn peek(&self) -> Option<K> {
        self.kind(self.at)
    }

    fn word_at(&self, i: usize) -> &'a str {
        self.tokens.get(i).map_or("", |t| &self.text[t.1..t.2])
    }

    fn word(&self) -> &'a str {
        self.word_at(self.at)
    }

    /// The next token is the identifier `w`.
    fn is(&self, w: &str) -> bool {
        matches!(self.peek(), Some(K::Ident)) && self.word() == w
    }

    fn is_at(&self, i: usize, w: &str) -> bool {
        matches!(self.kind(i), Some(K::Ident)) && self.word_at(i) == w
    }

    fn eat_word(&mut self, w: &str) -> bool {
        let yes = self.is(w);
        self.at += usize::from(yes);
        yes
    }

    fn eat(&mut self, k: K) -> bool {
        let yes = self.peek() == Some(k);
        self.at += usize::from(yes);
        yes
    }

    fn expect(&mut self, k: K) -> Option<()> {
        self.eat(k).then_some(())
    }

    /// Two tokens written together (`::`, `->`).
    fn joint(&self, i: usize, a: K, b: K) -> bool {
        match (self.tokens.get(i), self.tokens.get(i + 1)) {
            (Some(x), Some(y)) => x.0 == a && y.0 == b && x.2 == y.1,
            _ => false,
        }
    }

    fn is_path_sep(&self) -> bool {
        self.joint(self.at, K::Colon, K::Colon)
    }

    fn is_arrow(&self) -> bool {
        self.joint(self.at, K::Minus, K::Gt)
    }

    /// An identifier that is a name, not a keyword.
    fn name(&mut self) -> Option<String> {
        if !matches!(self.peek(), Some(K::Ident)) || RESERVED.contains(&self.word()) {
            return None;
        }
        let w = self.word().to_string();
        self.at += 1;
        Some(w)
    }

    /// Past `for<'a>`, if there.
    fn higher_ranked(&mut self) -> Option<()> {
        if self.eat_word("for") {
            if !matches!(self.peek(), Some(K::Lt)) {
                return None;
            }
            self.at += 1;
            self.skip_until(&[K::Gt], true)?;
            self.at += 1;
        }
        Some(())
    }

    /// `as name` or `as _`, if there; `None` for `as` and anything else.
    fn rename(&mut self) -> Option<Option<String>> {
        if !self.eat_word("as") {
            return Some(None);
        }
        if self.eat_word("_") {
            return Some(Some("_".to_string()));
        }
        Some(Some(self.name()?))
    }

    fn deeper(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// Past the group opened at the current token; `None` if it is not
    /// one or never closes.
    fn skip_group(&mut self) -> Option<()> {
        let open = self.at;
        let mut depth = 0usize;
        for i in open..self.tokens.len() {
            match self.tokens[i].0 {
                K::OpenBrace | K::OpenParen | K::OpenBracket => depth += 1,
                K::CloseBrace | K::CloseParen | K::CloseBracket => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        let closes = matches!(
                            (self.tokens[open].0, self.tokens[i].0),
                            (K::OpenBrace, K::CloseBrace)
                                | (K::OpenParen, K::CloseParen)
                                | (K::OpenBracket, K::CloseBracket)
                        );
                        if !closes {
                            return None;
                        }
                        self.at = i + 1;
                        return Some(());
                    }
                }
                _ if depth == 0 => return None,
                _ => {}
            }
        }
        None
    }

    /// Skip tokens up to (not past) one of `stops` outside every group;
    /// groups must balance. `angles_nest`: also outside every `<..>`
    /// (types, bounds: not expressions, where `<` compares or shifts).
    fn skip_until(&mut self, stops: &[K], angles_nest: bool) -> Option<()> {
        let mut angles = 0usize;
        loop {
            let k = self.peek()?;
            let arrow =
                matches!(k, K::Gt) && self.at > 0 && self.joint(self.at - 1, K::Minus, K::Gt);
            if angles == 0 && stops.contains(&k) && !arrow {
                return Some(());
            }
            match k {
                K::OpenBrace | K::OpenParen | K::OpenBracket => self.skip_group()?,
                K::CloseBrace | K::CloseParen | K::CloseBracket => return None,
                K::Lt if angles_nest => {
                    angles += 1;
                    self.at += 1;
                }
                K::Gt if arrow => self.at += 1,
                K::Gt if angles_nest => {
                    angles = angles.checked_sub(1)?;
                    self.at += 1;
                }
                _ => self.at += 1,
            }
        }
    }

    // ---- items ----

    /// Items up to the end of the text or a `}` (not eaten).
    fn items(&mut self) -> Option<Vec<ItemSig>> {
        let mut out = Vec::new();
        while let Some(k) = self.peek() {
            if matches!(k, K::CloseBrace) {
                break;
            }
            if let Some(item) = self.item()? {
                out.push(item);
            }
            if !self.spliced.is_empty() {
                out.append(&mut self.spliced);
            }
        }
        Some(out)
    }

    fn attrs(&mut self) -> Option<Attrs> {
        let mut attrs = Attrs::default();
        while matches!(self.peek(), Some(K::Pound)) {
            self.at += 1;
            // Inner attributes: left to syn.
            if !matches!(self.peek(), Some(K::OpenBracket)) {
                return None;
            }
            let open = self.at;
            self.skip_group()?;
            let inside = open + 1..self.at - 1;
            let head = self.word_at(inside.start);
            if !matches!(self.kind(inside.start), Some(K::Ident)) {
                return None;
            }
            match head {
                "macro_use" => attrs.macro_use = true,
                "cfg" => {
                    attrs.test |=
                        crate::engine::cfg_means_test(inside.clone().map(|i| self.word_at(i)));
                }
                "path" => {
                    let lit = inside.start + 2;
                    if inside.len() == 3
                        && matches!(self.kind(inside.start + 1), Some(K::Eq))
                        && attrs.path.is_none()
                    {
                        attrs.path = self.str_value(lit);
                    }
                }
                _ => {}
            }
        }
        Some(attrs)
    }

    /// `pub`, `pub(crate)`, `pub(self)`, `pub(super)`, `pub(in path)`.
    fn visibility(&mut self) -> Option<()> {
        if !self.eat_word("pub") {
            return Some(());
        }
        if matches!(self.peek(), Some(K::OpenParen)) {
            let inner = self.at + 1;
            let short = ["crate", "self", "super"]
                .iter()
                .any(|w| self.is_at(inner, w))
                && matches!(self.kind(inner + 1), Some(K::CloseParen));
            if short {
                self.at += 3;
            } else if self.is_at(inner, "in") {
                self.skip_group()?;
            } else {
                // `pub (u8, u8)` in a tuple struct, or something else:
                // syn knows.
                return None;
            }
        }
        Some(())
    }

    /// One item: `Some(None)` for one a summary does not record, `None` to
    /// decline the text.
    fn item(&mut self) -> Option<Option<ItemSig>> {
        let attrs = self.attrs()?;
        let vis_at = self.at;
        self.visibility()?;
        let has_vis = self.at != vis_at;
        if self.is_path_sep() && !has_vis {
            // `::core::include!(..);`
            self.at += 2;
            return self.macro_item(true);
        }
        if !matches!(self.peek(), Some(K::Ident)) {
            return None;
        }
        let w = self.word();
        let next = self.word_at(self.at + 1);
        let next_kind = self.kind(self.at + 1);
        Some(match w {
            "use" => {
                self.at += 1;
                let mut entries = Vec::new();
                if self.is_path_sep() {
                    self.at += 2;
                }
                self.use_tree(&mut Vec::new(), &mut entries)?;
                self.expect(K::Semi)?;
                Some(ItemSig::Use(entries))
            }
            "mod" => {
                self.at += 1;
                let name = self.name()?;
                let inline = if self.eat(K::Semi) {
                    None
                } else {
                    self.expect(K::OpenBrace)?;
                    self.deeper()?;
                    let items = self.items()?;
                    self.depth -= 1;
                    self.expect(K::CloseBrace)?;
                    Some(items)
                };
                Some(ItemSig::Mod(ModSig {
                    name,
                    path_attr: attrs.path,
                    macro_use: attrs.macro_use,
                    inline,
                    test: attrs.test,
                }))
            }
            "struct" => {
                self.at += 1;
                Some(self.struct_item()?)
            }
            "union" if next_kind == Some(K::Ident) => {
                self.at += 1;
                let name = self.name()?;
                self.generics()?;
                self.where_clause()?;
                if !matches!(self.peek(), Some(K::OpenBrace)) {
                    return None;
                }
                self.skip_group()?;
                Some(ItemSig::Other(name))
            }
            "enum" => {
                self.at += 1;
                let name = self.name()?;
                let generics = self.generics()?;
                self.where_clause()?;
                if !matches!(self.peek(), Some(K::OpenBrace)) {
                    return None;
                }
                self.skip_group()?;
                Some(ItemSig::Enum { name, generics })
            }
            "type" => {
                self.at += 1;
                let name = self.name()?;
                let generics = self.generics()?;
                if matches!(self.peek(), Some(K::Colon)) {
                    // Bounds on a free alias: syn reads it as verbatim.
                    return None;
                }
                self.where_clause()?;
                self.expect(K::Eq)?;
                let ty = self.ty(true)?;
                self.where_clause()?;
                self.expect(K::Semi)?;
                Some(ItemSig::Alias { name, generics, ty })
            }
            "const" if !matches!(next, "fn" | "unsafe" | "async" | "extern") => {
                self.at += 1;
                Some(self.const_item()?)
            }
            "static" => {
                self.at += 1;
                self.eat_word("mut");
                Some(self.const_item()?)
            }
            // `[unsafe] trait`, `[unsafe] impl`.
            "trait" | "impl" | "unsafe" if w != "unsafe" || matches!(next, "trait" | "impl") => {
                self.eat_word("unsafe");
                if self.eat_word("trait") {
                    Some(self.trait_item()?)
                } else {
                    self.at += 1;
                    Some(self.impl_item()?)
                }
            }
            "extern" if next == "crate" => {
                self.at += 2;
                let name = if self.eat_word("self") {
                    "self".to_string()
                } else {
                    self.name()?
                };
                let alias = self.rename()?;
                self.expect(K::Semi)?;
                Some(ItemSig::ExternCrate {
                    name,
                    alias,
                    macro_use: attrs.macro_use,
                })
            }
            // `extern "C" { .. }`, `unsafe extern { .. }`: nothing recorded.
            "extern" | "unsafe" if self.foreign_block_ahead() => {
                while !matches!(self.peek(), Some(K::OpenBrace)) {
                    self.at += 1;
                }
                self.skip_group()?;
                None
            }
            "fn" | "const" | "async" | "unsafe" | "extern" => {
                // Without a body (`fn f();`), syn keeps it as verbatim
                // tokens: not recorded.
                let (name, sig, body) = self.function()?;
                body.then_some(ItemSig::Fn { name, sig })
            }
            _ if !has_vis && (next_kind == Some(K::Bang) || self.is_path_sep_at(self.at + 1)) => {
                self.macro_item(true)?
            }
            _ => return None,
        })
    }

    fn is_path_sep_at(&self, i: usize) -> bool {
        self.joint(i, K::Colon, K::Colon)
    }

    /// `extern "C" {`, `extern {`, `unsafe extern "C" {`.
    fn foreign_block_ahead(&self) -> bool {
        let mut i = self.at;
        if self.is_at(i, "unsafe") {
            i += 1;
        }
        if !self.is_at(i, "extern") {
            return false;
        }
        i += 1;
        if matches!(self.kind(i), Some(K::Literal { .. })) {
            i += 1;
        }
        matches!(self.kind(i), Some(K::OpenBrace))
    }

    /// `name! { .. }`, `a::b!(..);`, `macro_rules! name { .. }`. A
    /// [`transparent_macro`]'s block of items is read as if written
    /// without it ([`Parser::spliced`]).
    /// `module_level`: only there is a block of items spliced in (in a
    /// trait or an impl, syn reads none of a macro's).
    fn macro_item(&mut self, module_level: bool) -> Option<Option<ItemSig>> {
        let mut path = Vec::new();
        loop {
            if !matches!(self.peek(), Some(K::Ident)) {
                return None;
            }
            path.push(self.word());
            self.at += 1;
            if self.is_path_sep() {
                self.at += 2;
            } else {
                break;
            }
        }
        self.expect(K::Bang)?;
        let named = if matches!(self.peek(), Some(K::Ident)) {
            Some(self.name()?)
        } else {
            None
        };
        let brace = matches!(self.peek(), Some(K::OpenBrace));
        if !matches!(
            self.peek(),
            Some(K::OpenBrace | K::OpenParen | K::OpenBracket)
        ) {
            return None;
        }
        let open = self.at;
        self.skip_group()?;
        // `cfg_config! { pub mod config; .. }`: items passed through.
        if module_level && brace && named.is_none() && path.len() == 1 && transparent_macro(path[0])
        {
            let mut inner = Parser {
                text: self.text,
                tokens: self.tokens[open + 1..self.at - 1].to_vec(),
                at: 0,
                depth: self.depth,
                spliced: Vec::new(),
            };
            inner.deeper()?;
            let read = inner.items().filter(|_| inner.at == inner.tokens.len());
            // Items only when syn says so (this reader is lenient inside
            // groups). A block it cannot read that syn can: syn reads
            // the whole text, as it would those items written outside.
            let (a, b) = (self.tokens[open].2, self.tokens[self.at - 1].1);
            let items = syn::parse_file(&self.text[a..b]).is_ok_and(|f| f.attrs.is_empty());
            // As `FileSummary::of_reduced_by_syn` does after its parse.
            proc_macro2::extra::invalidate_current_thread_spans();
            match read {
                Some(read) if items => self.spliced = read,
                None if items => return None,
                _ => {}
            }
        }
        if !brace {
            self.expect(K::Semi)?;
        }
        Some(match (path.as_slice(), named) {
            (["macro_rules"], Some(name)) => Some(ItemSig::MacroRules(name)),
            (_, Some(_)) => return None,
            _ => None,
        })
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, out: &mut Vec<UseEntry>) -> Option<()> {
        match self.peek()? {
            K::Star => {
                self.at += 1;
                out.push(UseEntry::Glob(prefix.clone()));
            }
            K::OpenBrace => {
                self.at += 1;
                self.deeper()?;
                while !self.eat(K::CloseBrace) {
                    if self.is_path_sep() {
                        // `{::a}`: rare, syn's
                        return None;
                    }
                    self.use_tree(prefix, out)?;
                    if !self.eat(K::Comma) {
                        self.expect(K::CloseBrace)?;
                        break;
                    }
                }
                self.depth -= 1;
            }
            K::Ident => {
                let ident = self.word().to_string();
                if RESERVED.contains(&ident.as_str()) && !PATH_KEYWORDS.contains(&ident.as_str()) {
                    return None;
                }
                self.at += 1;
                if self.is_path_sep() {
                    self.at += 2;
                    prefix.push(ident);
                    self.deeper()?;
                    let r = self.use_tree(prefix, out);
                    self.depth -= 1;
                    prefix.pop();
                    return r;
                }
                let rename = self.rename()?;
                use_name(prefix, ident, rename, out);
            }
            _ => return None,
        }
        Some(())
    }

    fn struct_item(&mut self) -> Option<ItemSig> {
        let name = self.name()?;
        let generics = self.generics()?;
        let mut fields = Vec::new();
        if self.eat(K::OpenParen) {
            let mut i = 0;
            while !self.eat(K::CloseParen) {
                self.field_start()?;
                fields.push((i.to_string(), self.ty(true)?));
                i += 1;
                if !self.eat(K::Comma) {
                    self.expect(K::CloseParen)?;
                    break;
                }
            }
            self.where_clause()?;
            self.expect(K::Semi)?;
        } else {
            self.where_clause()?;
            if !self.eat(K::Semi) {
                self.expect(K::OpenBrace)?;
                while !self.eat(K::CloseBrace) {
                    self.field_start()?;
                    let field = self.name()?;
                    self.expect(K::Colon)?;
                    fields.push((field, self.ty(true)?));
                    if !self.eat(K::Comma) {
                        self.expect(K::CloseBrace)?;
                        break;
                    }
                }
            }
        }
        Some(ItemSig::Struct {
            name,
            generics,
            fields,
        })
    }

    /// A field's attributes (none survive `without_bodies`) and visibility.
    fn field_start(&mut self) -> Option<()> {
        if matches!(self.peek(), Some(K::Pound)) {
            return None;
        }
        self.visibility()
    }

    /// `NAME: Type = expr;` after `const` or `static [mut]`.
    fn const_item(&mut self) -> Option<ItemSig> {
        let name = if self.eat_word("_") {
            "_".to_string()
        } else {
            self.name()?
        };
        self.expect(K::Colon)?;
        let ty = self.ty(true)?;
        self.expect(K::Eq)?;
        let start = self.at;
        self.skip_until(&[K::Semi], false)?;
        let end = self.at;
        if start == end {
            return None;
        }
        self.at += 1;
        // `"lit"`, `&"lit"`, `&&mut "lit"`.
        let mut i = start;
        while i < end && matches!(self.kind(i), Some(K::And)) {
            i += 1;
            if self.is_at(i, "mut") {
                i += 1;
            }
        }
        let lit = if i + 1 == end {
            self.str_value(i)
        } else {
            None
        };
        Some(ItemSig::Const { name, ty, lit })
    }

    /// The value of a plain string literal token (`"a\n"`, `r#"a"#`), as
    /// syn's `LitStr::value` gives it; `None` for any other token.
    fn str_value(&self, i: usize) -> Option<String> {
        let (kind, a, b) = *self.tokens.get(i)?;
        let K::Literal { kind, suffix_start } = kind else {
            return None;
        };
        let lit = &self.text[a..b];
        if suffix_start as usize != lit.len() {
            return None;
        }
        match kind {
            L::Str { .. } => unescape(&lit[1..lit.len() - 1]),
            L::RawStr {
                n_hashes: Some(n), ..
            } => {
                let n = usize::from(n);
                Some(lit[2 + n..lit.len() - 1 - n].to_string())
            }
            _ => None,
        }
    }

    fn trait_item(&mut self) -> Option<ItemSig> {
        let name = self.name()?;
        let generics = self.generics()?;
        let mut supertraits = Vec::new();
        if self.eat(K::Colon) {
            for bound in self.bounds(true)?.into_iter().flatten() {
                if let TypeExpr::Path { segs, .. } = bound {
                    supertraits.push(segs);
                }
            }
        }
        if matches!(self.peek(), Some(K::Eq)) {
            // A trait alias.
            self.skip_until(&[K::Semi], false)?;
            self.at += 1;
            return Some(ItemSig::Other(name));
        }
        let methods = self.assoc_items(false)?;
        Some(ItemSig::Trait {
            name,
            generics,
            supertraits,
            methods,
        })
    }

    fn impl_item(&mut self) -> Option<ItemSig> {
        let generics = self.generics()?;
        if self.is("const") {
            return None;
        }
        let negative = self.eat(K::Bang);
        let first = self.ty(true)?;
        let (trait_path, self_ty) = if self.eat_word("for") {
            let TypeExpr::Path { segs, .. } = first else {
                return None;
            };
            (Some(segs), self.ty(true)?)
        } else if negative {
            return None;
        } else {
            (None, first)
        };
        let methods = self.assoc_items(true)?;
        Some(ItemSig::Impl {
            generics,
            self_ty,
            trait_path,
            methods,
        })
    }

    /// A trait's or an impl's `where` clause and `{ items }`: its methods.
    fn assoc_items(&mut self, in_impl: bool) -> Option<Vec<(String, FnSig)>> {
        self.where_clause()?;
        self.expect(K::OpenBrace)?;
        let mut methods = Vec::new();
        while !self.eat(K::CloseBrace) {
            if let Some(m) = self.assoc_item(in_impl)? {
                methods.push(m);
            }
        }
        Some(methods)
    }

    /// One item of a trait or an impl: a method is returned (in an impl,
    /// only with a body, as syn reads it).
    fn assoc_item(&mut self, in_impl: bool) -> Option<Option<(String, FnSig)>> {
        if matches!(self.peek(), Some(K::Pound)) {
            self.attrs()?;
        }
        self.visibility()?;
        if !matches!(self.peek(), Some(K::Ident)) {
            return None;
        }
        let next = self.word_at(self.at + 1);
        match self.word() {
            "fn" | "async" | "unsafe" | "extern" => self.method(in_impl),
            "const" if matches!(next, "fn" | "unsafe" | "async" | "extern") => self.method(in_impl),
            "const" => {
                self.at += 1;
                if !self.eat_word("_") {
                    self.name()?;
                }
                self.expect(K::Colon)?;
                self.ty(true)?;
                if self.eat(K::Eq) {
                    self.skip_until(&[K::Semi], false)?;
                }
                self.expect(K::Semi)?;
                Some(None)
            }
            "type" => {
                self.at += 1;
                self.skip_until(&[K::Semi], false)?;
                self.at += 1;
                Some(None)
            }
            "default" => None,
            _ => {
                self.macro_item(false)?;
                Some(None)
            }
        }
    }

    fn method(&mut self, in_impl: bool) -> Option<Option<(String, FnSig)>> {
        let (name, sig, body) = self.function()?;
        Some((body || !in_impl).then_some((name, sig)))
    }

    /// `[const] [async] [unsafe] [extern "abi"] fn name<..>(..) -> T where
    /// .. (;|{..})`, and whether it has a body.
    fn function(&mut self) -> Option<(String, FnSig, bool)> {
        self.eat_word("const");
        self.eat_word("async");
        self.eat_word("unsafe");
        if self.eat_word("extern") && matches!(self.peek(), Some(K::Literal { .. })) {
            self.at += 1;
        }
        if !self.eat_word("fn") {
            return None;
        }
        let name = self.name()?;
        let generics = self.generics()?;
        self.expect(K::OpenParen)?;
        let mut has_self = false;
        let mut params = Vec::new();
        let mut names: Vec<Option<String>> = Vec::new();
        let mut first = true;
        while !self.eat(K::CloseParen) {
            if matches!(self.peek(), Some(K::Pound)) {
                return None;
            }
            if first && self.receiver()? {
                has_self = true;
            } else {
                names.push(self.pattern_name()?);
                self.expect(K::Colon)?;
                params.push(self.ty(true)?);
            }
            first = false;
            if !self.eat(K::Comma) {
                self.expect(K::CloseParen)?;
                break;
            }
        }
        let ret = if self.is_arrow() {
            self.at += 2;
            self.ty(true)?
        } else {
            TypeExpr::Tuple(Vec::new())
        };
        self.where_clause()?;
        let body = !self.eat(K::Semi);
        let (reach, returns) = if body {
            self.expect(K::OpenBrace)?;
            self.body(&names, has_self)?
        } else {
            (Vec::new(), None)
        };
        Some((
            name,
            FnSig {
                generics,
                has_self,
                params,
                ret,
                returns,
                reach,
            },
            body,
        ))
    }

    /// A receiver (`self`, `mut self`, `&'a mut self`, `self: Box<Self>`),
    /// eaten; `Some(false)` when the parameter is not one.
    fn receiver(&mut self) -> Option<bool> {
        let start = self.at;
        if self.eat(K::And) {
            if self.peek().is_some_and(|k| matches!(k, K::Lifetime { .. })) {
                self.at += 1;
            }
            self.eat_word("mut");
            if self.eat_word("self") {
                return Some(true);
            }
            self.at = start;
            return Some(false);
        }
        self.eat_word("mut");
        if self.eat_word("self") {
            if self.eat(K::Colon) {
                self.ty(true)?;
            }
            return Some(true);
        }
        self.at = start;
        Some(false)
    }

    /// A parameter's pattern, up to its `:`: the name when it is one
    /// (`x`, `mut x`, `ref mut x`), `None` for any other pattern.
    fn pattern_name(&mut self) -> Option<Option<String>> {
        let start = self.at;
        loop {
            match self.peek()? {
                K::Colon if self.is_path_sep() => self.at += 2,
                K::Colon => break,
                K::OpenBrace | K::OpenParen | K::OpenBracket => self.skip_group()?,
                K::Comma | K::CloseParen | K::CloseBrace | K::CloseBracket | K::At => return None,
                K::Literal { .. } | K::Pound | K::Dot => return None,
                _ => self.at += 1,
            }
        }
        let words: Vec<&str> = (start..self.at).map(|i| self.word_at(i)).collect();
        let ident = match words.as_slice() {
            [n] | ["mut", n] | ["ref", n] | ["ref", "mut", n] => Some(*n),
            _ => None,
        };
        // `_` is a wildcard; `mut` or `self` alone is not a pattern syn
        // takes here; another pattern (`State(st)`, `(a, b)`) has no name.
        Some(match ident {
            Some("_") => None,
            Some(n) if RESERVED.contains(&n) => return None,
            Some(n) if self.kind(start + words.len() - 1) == Some(K::Ident) => Some(n.to_string()),
            _ => None,
        })
    }

    /// A body left by `without_bodies` (after its `{`): an optional reach
    /// marker, then nothing or one chain.
    fn body(
        &mut self,
        names: &[Option<String>],
        has_self: bool,
    ) -> Option<(
        Vec<super::summary::Reach>,
        Option<super::summary::Projection>,
    )> {
        let mut reach = Vec::new();
        if self.is(super::summary::REACH_MARKER) {
            self.at += 1;
            self.expect(K::Bang)?;
            if !matches!(self.peek(), Some(K::OpenParen)) {
                return None;
            }
            let open = self.at;
            self.skip_group()?;
            let words: Vec<String> = (open + 1..self.at - 1)
                .map(|i| self.word_at(i).to_string())
                .collect();
            reach = parse_reach_words(&words, names);
            self.expect(K::Semi)?;
        }
        if self.eat(K::CloseBrace) {
            return Some((reach, None));
        }
        // One chain: `&root.f.m()?.0`.
        while self.eat(K::And) {
            self.eat_word("mut");
        }
        if !matches!(self.peek(), Some(K::Ident)) {
            return None;
        }
        let root = self.word();
        // `{ true }`, `{ Self }`: no parameter's projection.
        let literal = matches!(root, "true" | "false" | "Self");
        if RESERVED.contains(&root) && root != "self" && !literal {
            return None;
        }
        self.at += 1;
        let mut steps = Vec::new();
        let mut awaits = false;
        loop {
            match self.peek()? {
                K::CloseBrace => {
                    self.at += 1;
                    break;
                }
                K::Question => {
                    self.at += 1;
                    steps.push(Step::Try);
                }
                K::Dot => {
                    self.at += 1;
                    match self.peek()? {
                        K::Ident => {
                            let m = self.word();
                            self.at += 1;
                            if matches!(self.peek(), Some(K::OpenParen)) {
                                if !matches!(self.kind(self.at + 1), Some(K::CloseParen)) {
                                    return None;
                                }
                                self.at += 2;
                                steps.push(Step::Method(m.to_string()));
                            } else if m == "await" {
                                awaits = true;
                            } else if RESERVED.contains(&m) {
                                return None;
                            } else {
                                steps.push(Step::Field(m.to_string()));
                            }
                        }
                        K::Literal {
                            kind: L::Int { .. },
                            suffix_start,
                        } => {
                            let w = self.word();
                            if suffix_start as usize != w.len()
                                || !w.bytes().all(|c| c.is_ascii_digit())
                            {
                                return None;
                            }
                            self.at += 1;
                            steps.push(Step::Field(w.to_string()));
                        }
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
        let returns = if awaits || literal {
            None
        } else {
            projection_of_chain(root, steps, names, has_self)
        };
        Some((reach, returns))
    }

    /// `<T: Bound, 'a, const N: usize>`: the type parameters' names.
    fn generics(&mut self) -> Option<Vec<String>> {
        let mut out = Vec::new();
        if !self.eat(K::Lt) {
            return Some(out);
        }
        loop {
            if self.eat(K::Gt) {
                break;
            }
            if matches!(self.peek(), Some(K::Pound)) {
                return None;
            }
            match self.peek()? {
                K::Lifetime { .. } => self.at += 1,
                K::Ident if self.is("const") => {
                    self.at += 1;
                    self.name()?;
                }
                K::Ident => out.push(self.name()?),
                _ => return None,
            }
            if self.eat(K::Colon) || self.eat(K::Eq) {
                self.skip_until(&[K::Comma, K::Gt], true)?;
                if self.eat(K::Eq) {
                    self.skip_until(&[K::Comma, K::Gt], true)?;
                }
            }
            if !self.eat(K::Comma) {
                self.expect(K::Gt)?;
                break;
            }
        }
        Some(out)
    }

    /// `where ..` up to a `{`, `;` or `=` (not eaten).
    fn where_clause(&mut self) -> Option<()> {
        if self.eat_word("where") {
            self.skip_until(&[K::OpenBrace, K::Semi, K::Eq], true)?;
        }
        Some(())
    }

    // ---- types ----

    /// A type, as [`TypeExpr::of`] reads syn's; `plus`: a `+` may join
    /// bounds (not after `&`).
    fn ty(&mut self, plus: bool) -> Option<TypeExpr> {
        self.deeper()?;
        let t = self.ty_inner(plus);
        self.depth -= 1;
        t
    }

    fn ty_inner(&mut self, plus: bool) -> Option<TypeExpr> {
        let t = match self.peek()? {
            K::And => {
                self.at += 1;
                if matches!(self.peek()?, K::Lifetime { .. }) {
                    self.at += 1;
                }
                self.eat_word("mut");
                TypeExpr::Ref(Box::new(self.ty(false)?))
            }
            K::Star => {
                self.at += 1;
                if !(self.eat_word("const") || self.eat_word("mut")) {
                    return None;
                }
                self.ty(false)?;
                TypeExpr::Other
            }
            K::OpenParen => {
                self.at += 1;
                let mut elems = Vec::new();
                let mut comma = false;
                while !self.eat(K::CloseParen) {
                    elems.push(self.ty(true)?);
                    if self.eat(K::Comma) {
                        comma = true;
                    } else {
                        self.expect(K::CloseParen)?;
                        break;
                    }
                }
                if elems.len() == 1 && !comma {
                    elems.pop()?
                } else {
                    TypeExpr::Tuple(elems)
                }
            }
            K::OpenBracket => {
                self.at += 1;
                let elem = self.ty(true)?;
                if self.eat(K::Semi) {
                    self.skip_until(&[K::CloseBracket], false)?;
                }
                self.expect(K::CloseBracket)?;
                TypeExpr::Slice(Box::new(elem))
            }
            K::Bang => {
                self.at += 1;
                TypeExpr::Other
            }
            K::Lt => {
                // `<T as Trait>::Assoc`.
                self.at += 1;
                self.skip_until(&[K::Gt], true)?;
                self.at += 1;
                if !self.is_path_sep() {
                    return None;
                }
                self.at += 2;
                self.path(true)?;
                TypeExpr::Other
            }
            K::Ident => match self.word() {
                "_" => {
                    self.at += 1;
                    TypeExpr::Other
                }
                "impl" | "dyn" => {
                    self.at += 1;
                    let bounds = self.bounds(plus)?;
                    match bounds.into_iter().flatten().next() {
                        Some(path) => TypeExpr::Bound(Box::new(path)),
                        None => TypeExpr::Other,
                    }
                }
                "fn" | "unsafe" | "extern" | "for" => {
                    self.higher_ranked()?;
                    self.eat_word("unsafe");
                    if self.eat_word("extern") && matches!(self.peek(), Some(K::Literal { .. })) {
                        self.at += 1;
                    }
                    if !self.eat_word("fn") || !matches!(self.peek(), Some(K::OpenParen)) {
                        return None;
                    }
                    self.skip_group()?;
                    if self.is_arrow() {
                        self.at += 2;
                        self.ty(false)?;
                    }
                    TypeExpr::Other
                }
                _ => {
                    let leading_colon = false;
                    let (segs, args, mac) = self.path(true)?;
                    if mac {
                        TypeExpr::Other
                    } else {
                        TypeExpr::Path {
                            leading_colon,
                            segs,
                            args,
                        }
                    }
                }
            },
            K::Colon if self.is_path_sep() => {
                self.at += 2;
                let (segs, args, mac) = self.path(true)?;
                if mac {
                    TypeExpr::Other
                } else {
                    TypeExpr::Path {
                        leading_colon: true,
                        segs,
                        args,
                    }
                }
            }
            _ => return None,
        };
        // A bare trait object (`Box<Error + Send>`): syn's.
        if plus && matches!(self.peek(), Some(K::Plus)) {
            return None;
        }
        Some(t)
    }

    /// A path's segments (at an identifier), the type arguments of its last
    /// segment, and whether it is a macro call (`m!(..)`).
    fn path(&mut self, in_type: bool) -> Option<(Vec<String>, Vec<TypeExpr>, bool)> {
        // Most paths are one segment with at most one argument: sized for
        // that, not for four (a `Vec`'s first growth). The summaries go
        // into the index as they are (see `Index::add_module`).
        let mut segs = Vec::with_capacity(1);
        let mut args = Vec::new();
        loop {
            if !matches!(self.peek(), Some(K::Ident)) {
                return None;
            }
            let w = self.word();
            if RESERVED.contains(&w) && !PATH_KEYWORDS.contains(&w) {
                return None;
            }
            segs.push(w.to_string());
            self.at += 1;
            args.clear();
            if self.is_path_sep() && matches!(self.kind(self.at + 2), Some(K::Lt)) {
                self.at += 2;
            }
            if matches!(self.peek(), Some(K::Lt)) {
                args = self.generic_args()?;
            } else if matches!(self.peek(), Some(K::OpenParen)) {
                // `Fn(A) -> B`: no type arguments.
                self.skip_group()?;
                if self.is_arrow() {
                    self.at += 2;
                    self.ty(false)?;
                }
                if self.is_path_sep() {
                    return None;
                }
                return Some((segs, args, false));
            } else if in_type && matches!(self.peek(), Some(K::Bang)) {
                self.at += 1;
                if !matches!(
                    self.peek(),
                    Some(K::OpenParen | K::OpenBracket | K::OpenBrace)
                ) {
                    return None;
                }
                self.skip_group()?;
                return Some((segs, Vec::new(), true));
            }
            if self.is_path_sep() {
                self.at += 2;
            } else {
                return Some((segs, args, false));
            }
        }
    }

    /// `<A, 'a, Item = B, 3>` (at `<`): the type arguments.
    fn generic_args(&mut self) -> Option<Vec<TypeExpr>> {
        self.expect(K::Lt)?;
        let mut out = Vec::with_capacity(1);
        loop {
            if self.eat(K::Gt) {
                break;
            }
            match self.peek()? {
                K::Lifetime { .. } => self.at += 1,
                K::Literal { .. } | K::OpenBrace | K::Minus => {
                    self.skip_until(&[K::Comma, K::Gt], true)?;
                }
                K::Ident
                    if matches!(self.kind(self.at + 1), Some(K::Eq))
                        || (matches!(self.kind(self.at + 1), Some(K::Colon))
                            && !self.is_path_sep_at(self.at + 1)) =>
                {
                    // `Item = T`, `Item: Bound`.
                    self.at += 2;
                    self.skip_until(&[K::Comma, K::Gt], true)?;
                }
                K::Ident if self.word() == "true" || self.word() == "false" => {
                    self.at += 1;
                }
                _ => {
                    let t = self.ty(true)?;
                    if matches!(self.peek(), Some(K::Eq | K::Colon)) {
                        return None;
                    }
                    out.push(t);
                }
            }
            if !self.eat(K::Comma) {
                self.expect(K::Gt)?;
                break;
            }
        }
        Some(out)
    }

    /// `A + B<T> + 'a + ?Sized`: each trait bound's path as a type (`None`
    /// for a lifetime); one bound only without `plus`.
    fn bounds(&mut self, plus: bool) -> Option<Vec<Option<TypeExpr>>> {
        let mut out = Vec::new();
        loop {
            match self.peek()? {
                K::Lifetime { .. } => {
                    self.at += 1;
                    out.push(None);
                }
                // `use<'a, T>`: what an `impl Trait` captures.
                K::Ident if self.is("use") && matches!(self.kind(self.at + 1), Some(K::Lt)) => {
                    self.at += 2;
                    self.skip_until(&[K::Gt], true)?;
                    self.at += 1;
                    out.push(None);
                }
                // `(::std::error::Error)`: one trait bound in parentheses.
                K::OpenParen => {
                    self.at += 1;
                    let inner = self.bounds(false)?;
                    self.expect(K::CloseParen)?;
                    out.extend(inner);
                }
                _ => {
                    self.eat(K::Question);
                    self.higher_ranked()?;
                    let leading_colon = self.is_path_sep();
                    if leading_colon {
                        self.at += 2;
                    }
                    if !matches!(self.peek(), Some(K::Ident)) {
                        return None;
                    }
                    let (segs, args, mac) = self.path(false)?;
                    if mac {
                        return None;
                    }
                    out.push(Some(TypeExpr::Path {
                        leading_colon,
                        segs,
                        args,
                    }));
                }
            }
            if !(plus && self.eat(K::Plus)) {
                break;
            }
        }
        Some(out)
    }
}

/// The value of a string literal's inside, escapes read as rustc does;
/// `None` for an escape syn would refuse.
fn unescape(s: &str) -> Option<String> {
    if !s.contains('\\') {
        return Some(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '\\' => out.push('\\'),
            '0' => out.push('\0'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => {
                let hex: String = [chars.next()?, chars.next()?].iter().collect();
                let v = u8::from_str_radix(&hex, 16).ok()?;
                if v > 0x7f {
                    return None;
                }
                out.push(char::from(v));
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let mut hex = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        '_' => {}
                        h => hex.push(h),
                    }
                }
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            '\n' => {
                while chars.peek().is_some_and(|c| matches!(c, ' ' | '\t' | '\n')) {
                    chars.next();
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::summary::{without_bodies, FileSummary};

    /// The items read without syn, and those syn reads, of a text's
    /// body-less form.
    fn both(text: &str) -> (Option<Vec<ItemSig>>, FileSummary) {
        let reduced = without_bodies(text);
        let fast = items(&reduced);
        // The tokens written with the text are those the text lexes to.
        let (written, tokens) =
            crate::index::summary::without_bodies_tokens(&crate::index::summary::Lexed::of(text));
        assert_eq!(written, reduced);
        assert_eq!(items_of_tokens(&written, tokens), fast, "in {text}");
        (
            fast,
            FileSummary::of_reduced_by_syn(&reduced, Default::default()),
        )
    }

    fn assert_read_alike(text: &str) {
        let (fast, syn) = both(text);
        assert!(!syn.unparsable, "syn cannot read {text}");
        assert_eq!(fast.as_ref(), Some(&syn.items), "in {text}");
    }

    #[test]
    fn items_read_without_syn_are_those_syn_reads() {
        let texts = [
            // `use` trees
            "use a::b; use ::c::d as e; use f::{self, g::{h, i as j}, k::*}; use l as _; \
             pub(crate) use m::{}; use crate::n::{self as o}; use super::*; use r#type::x;",
            // modules and the attributes a summary reads
            "#[path = \"other/place.rs\"] mod a; #[macro_use] mod b { pub fn f() {} } \
             #[macro_use(info)] extern crate log; extern crate self as me; \
             extern crate alloc as _; pub(in crate::x) mod c;",
            // structs, enums, unions, aliases
            "pub struct A<T: Clone + 'static, 'a, const N: usize = 3> where T: Default { \
             pub base: url::Url, pub(crate) n: u32, r#type: &'a [T; N * 2], f: fn(u8) -> u8 } \
             struct B(pub String, pub(crate) Option<Box<dyn std::error::Error + Send>>); \
             struct C; struct D<T>(T) where T: Copy; \
             enum E<T> { A(T), B { x: u8 }, C = 1 << 3 } union U { a: u8 } \
             type Shared = std::sync::Arc<AppState>; type G<T> where T: X = Vec<T>;",
            // consts and statics, literal values
            "const A: &str = \"https://x/api?k=1\"; const B: &'static str = &\"a\\n\\u{41}\\x42\\\"\"; \
             static C: &str = r#\"raw \"q\"\"#; static mut D: u8 = 1 << 3; \
             const E: usize = if 1 < 2 { 3 } else { 4 }; const _: () = (); \
             pub const F: &str = concat!(\"a\", \"b\"); const G: &&str = &&mut \"x\";",
            // traits
            "pub trait T<X>: Clone + ?Sized + for<'a> Fn(&'a u8) -> bool + 'static where X: Y { \
             const N: usize; const M: u8 = 1 << 2; type Item: Clone where Self: Sized; \
             fn a(&self, x: u8) -> Self::Item; fn b(&mut self) -> &str { self.s.as_str() } \
             async fn c(self: Box<Self>); m!(); } trait Alias = Clone + Send; \
             unsafe trait Z {}",
            // impls
            "impl<T: Clone> From<T> for W<T> where T: Send { fn from(t: T) -> Self { Self } \
             type Err = (); const K: u8 = 2; } impl !Send for Q {} unsafe impl Sync for Q {} \
             impl dyn Tr + Send { fn f(&self) {} } impl<'a> X<'a> { pub fn g(&'a mut self) {} \
             fn decl(&self); } impl ext::Ext for http::request::Parts { fn q(&self) -> &str { self.uri.query().unwrap_or() } }",
            // functions: receivers, patterns, types
            "pub async fn h(State(st): State<AppState>, mut a: u8, ref b: u8, _: u8, (c, d): (u8, u8), \
             e: impl Fn(&str) -> bool + Send, f: &dyn A, g: *const u8, h: [u8; 4], i: (), j: (u8,), \
             k: !, l: _, m: <T as Tr>::Out, n: m!(x), o: for<'a> fn(&'a u8), p: ::std::Vec<u8>, \
             q: Foo<3, {N}, -1, true, 'a, Item = u8, X: Y>) -> impl Iterator<Item = &str> + use<'_> {} \
             const unsafe extern \"C\" fn k() {} fn raw(r#async: bool) {} fn gen() {} \
             fn helper(uri: &Uri) -> &str { uri.query().unwrap_or(\"\") } fn decl();",
            // bodies the summary reads: reaches and returned chains
            "fn save(dir: &Path, mut field: Field) { let n = field.content_disposition().get_filename().unwrap(); \
             tracing::info!(\"saving {dir:?}\"); } fn t(p: &(u8, u8)) -> u8 { p.0 } \
             fn w(f: F) -> X { f.await } fn truth() -> bool { true } fn s(&self) -> &Self { self }",
            // item macros, extern blocks
            "macro_rules! mac { ($x:ident) => { fn $x() {} }; } m! { anything at all } n!(x); ::core::include!(\"f.rs\"); \
             extern \"C\" { fn puts(s: *const u8); } unsafe extern \"C\" { pub safe fn abs(i: i32) -> i32; }",
            // item macros whose block holds items, read as those items
            "cfg_config! { pub mod config; pub use config::Config; pub struct S { pub u: url::Url } } \
             cfg_enums! { pub enum A { B => 1 } } bitflags! { pub struct F: u32 { const A = 1; } } \
             thread_local! { static T: u8 = 1; } a::cfg_b! { struct Q; } cfg_c!(struct R;);",
            "",
        ];
        for text in texts {
            assert_read_alike(text);
        }
    }

    #[test]
    fn a_cfg_macros_items_are_the_modules_items() {
        let text = "cfg_config! { pub mod config; #[doc(inline)] pub use config::Config; } \
                    thread_local! { static T: u8 = 1; } enum_builder! { struct F; }";
        let summary = FileSummary::of_text(text);
        let names: Vec<Option<&str>> = summary.items.iter().map(ItemSig::name).collect();
        assert_eq!(names, [Some("config"), None]);
        assert!(matches!(&summary.items[1], ItemSig::Use(_)));
    }

    #[test]
    fn what_it_does_not_read_is_left_to_syn() {
        let deep = format!("fn f(x: {}u8{}) {{}}", "Vec<".repeat(40), ">".repeat(40));
        for text in [
            // a 2015 crate's `async` as a name: syn reads it as 2018 text
            "fn async(x: u8) {}",
            "#![macro_use]\nfn f() {}",
            "fn f(x: Box<Error + Send>) {}",
            "impl X { default fn f() {} }",
            "pub struct S(pub (u8, u8));",
            deep.as_str(),
        ] {
            let (fast, syn) = both(text);
            assert_eq!(fast, None, "read {text}");
            assert_eq!(FileSummary::of_text(text), syn, "in {text}");
        }
        // Unbalanced or invalid: neither reads it.
        for text in [
            "fn f( {",
            "struct S { a: }",
            "const X: u8 = ;",
            "use a::{b;",
        ] {
            let (fast, syn) = both(text);
            assert_eq!(fast, None, "read {text}");
            assert!(syn.unparsable || text.contains('{'), "{text}");
        }
    }

    /// Every fixture of the repository is read alike, and most without syn.
    #[test]
    fn fixtures_are_read_alike() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![root.join("fixtures"), root.join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        let mut read = 0;
        for path in &files {
            let text = std::fs::read_to_string(path).unwrap();
            let (fast, syn) = both(&text);
            if let Some(items) = fast {
                assert!(!syn.unparsable, "{} unparsable by syn", path.display());
                assert_eq!(items, syn.items, "{}", path.display());
                read += 1;
            }
        }
        assert!(files.len() > 100, "{} files", files.len());
        assert!(
            read * 100 >= files.len() * 95,
            "{read} of {} read without syn",
            files.len()
        );
    }
}
