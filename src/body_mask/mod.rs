//! Parse a function body only when it can matter.
//!
//! In application code the prefilter lets most files through (they name
//! the framework), yet most function bodies in them never touch a request,
//! a URL or a header: parsing and walking them is most of a cold run. The
//! way rust-analyzer's item tree keeps signatures apart from bodies, a file
//! that passes the prefilter is parsed with the bodies that cannot matter
//! blanked out (spaces, newlines kept: every offset and line stays valid,
//! as in the language server's incremental path, [`crate::incremental`]).
//!
//! A body can matter when a value a rule follows can appear in it. Such a
//! value comes from a parameter (the signature names its type), from
//! `self` (the `impl` header names the type), or from a name written in the
//! body: a modelled crate (`axum::`), a modelled type or free function
//! (`Url`, `service_fn`), an item of the crate that holds one
//! ([`crate::index::Index::names_framework_item`]), an alias of one of
//! these (`use url::Url as U;`), or a rule's own trigger that needs no
//! framework value (SL007's `?key={`). A body naming none of them is
//! blanked; so is nothing else. A body that declares a trait, an `impl` or
//! a module is never blanked (they add to what the file knows).
//! `--no-prefilter` parses every body; the benchmark checks that both give
//! the same findings on its corpora.
//!
//! What no rule reads goes too: doc comments become plain comments and
//! attributes the analysis never looks at (`#[derive(..)]`,
//! `#[serde(..)]`) are blanked, since syn would build a syntax tree for
//! each.
//!
//! A file where no framework value can appear at all (it names no
//! modelled crate nor an item of its crate that holds one, yet holds a
//! trigger of a rule that needs no models) goes further: every top-level
//! item without such a trigger is blanked ([`mask_to_triggers`]).

mod attributes;
mod bindings;

use crate::incremental::{file_tokens, file_tokens_and_docs, fn_extents_of, FnExtent};
use foldhash::HashMap;
use ra_ap_rustc_lexer::TokenKind as K;
use std::ops::Range;

/// How a name must be written to bring a followed value into code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anywhere, as a whole identifier: a type (`Url`, the crate's
    /// `AppState`), an alias.
    Word,
    /// As the head of a path: a crate (`axum::`).
    Path,
    /// As a function, not a method: called (`service_fn(..)`,
    /// `raw_query::<T>(..)`), named by a path (`util::raw_query`) or
    /// passed as an argument (`.map(raw_query)`).
    Function,
    /// Only as the last segment of a path (`web::Path`): a file whose
    /// `use std::path::Path;` makes a bare `Path` std's.
    Qualified,
}

/// The names whose mention makes a function matter, with how each must be
/// written.
#[derive(Debug, Default)]
pub struct Followed {
    names: HashMap<String, Need>,
}

impl Followed {
    /// Add a name; one written two ways counts written either way.
    pub fn add(&mut self, name: impl Into<String>, need: Need) {
        let entry = self.names.entry(name.into()).or_insert(need);
        if *entry != need {
            *entry = Need::Word;
        }
    }

    pub fn get(&self, name: &str) -> Option<Need> {
        self.names.get(name).copied()
    }
}

/// What [`mask`] did to a text.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Masked {
    /// The text with the bodies and unread attributes blanked and doc
    /// comments made plain ones; `None` when there was none of these.
    pub text: Option<String>,
    /// Function bodies, and those blanked.
    pub bodies: usize,
    pub blanked: usize,
    /// The tokens of the text returned (of the input when nothing was
    /// blanked), as [`file_tokens`] gives them: for
    /// [`crate::complexity::prepare_tokens`].
    pub tokens: Vec<(K, usize, usize)>,
}

/// The text with every function body that cannot matter blanked. A
/// function matters when its signature or body mentions a name of
/// `followed` as that name needs to be written, or an alias the file
/// gives one (`use url::Url as U;`), or holds one of the `triggers`
/// (offsets of rule triggers that need no framework value); a method that
/// takes `self` also matters when its `impl` header does. The text is
/// lexed once (comments and the inside of literals name nothing); each
/// function then asks whether a mention falls in its range.
pub fn mask(text: &str, followed: &[&Followed], triggers: &[usize]) -> Masked {
    let (tokens, docs) = file_tokens_and_docs(text);
    let fns = fn_extents_of(text, &tokens);
    let bodies = fns.len();
    let mentions = mentions(text, &tokens, &fns, followed, triggers);
    let mentioned = |r: &Range<usize>| {
        let first = mentions.partition_point(|&at| at < r.start);
        mentions.get(first).is_some_and(|&at| at < r.end)
    };
    let mut blanked = 0;
    let mut gone: Vec<Range<usize>> = Vec::new();
    for f in fns {
        if !f.maskable {
            continue;
        }
        let signature = &text[f.item.start..f.body.start];
        let takes_self = has_word(signature, "self");
        // `self` holds what the impl's type names (its generics and
        // where clause included), not what its trait's arguments do:
        // `impl Service<Request<B>> for Logger` makes `self` a `Logger`.
        let self_matters = takes_self
            && f.container.as_ref().is_none_or(|head| {
                has_word(&text[head.clone()], "trait")
                    || match impl_trait_path(text, &tokens, head) {
                        Some(of_trait) => {
                            mentioned(&(head.start..of_trait.start))
                                || mentioned(&(of_trait.end..head.end))
                        }
                        None => mentioned(head),
                    }
            });
        if self_matters || mentioned(&f.item) {
            continue;
        }
        blanked += 1;
        gone.push(f.body.start + 1..f.body.end - 1);
    }
    // The attributes no part of the analysis reads (`#[derive(..)]`,
    // `#[serde(..)]`, `#[allow(..)]`) go too, outside the bodies gone.
    let attributes: Vec<Range<usize>> = attributes::unread_attributes(text, &tokens)
        .into_iter()
        .filter(|a| !inside(&gone, a.start))
        .collect();
    gone.extend(attributes);
    gone.sort_unstable_by_key(|g| g.start);
    // Doc comments become plain ones: syn makes each an attribute (a
    // string literal parsed and kept) that no rule reads, and on
    // documented code they are a good part of what it parses.
    let bytes = (!gone.is_empty() || !docs.is_empty()).then(|| {
        let mut out = text.as_bytes().to_vec();
        for g in &gone {
            blank(&mut out[g.clone()]);
        }
        for at in docs {
            out[at] = b' ';
        }
        out
    });
    let tokens = tokens_outside(tokens, &gone);
    Masked {
        // Every byte of a blanked body or attribute became a space, and
        // ASCII marks of doc comments did: still UTF-8.
        text: bytes.map(|b| String::from_utf8(b).expect("blanking whole bodies keeps UTF-8")),
        bodies,
        blanked,
        tokens,
    }
}

/// Every byte of `bytes` but newlines made a space: lines and offsets
/// stay, and the text stays UTF-8 whatever it held.
fn blank(bytes: &mut [u8]) {
    for b in bytes {
        if *b != b'\n' {
            *b = b' ';
        }
    }
}

/// Whether `at` falls in one of the sorted, disjoint `ranges`.
fn inside(ranges: &[Range<usize>], at: usize) -> bool {
    let i = ranges.partition_point(|g| g.end <= at);
    ranges.get(i).is_some_and(|g| g.start <= at)
}

/// The tokens that start outside the sorted, disjoint `gone` ranges.
fn tokens_outside(tokens: Vec<(K, usize, usize)>, gone: &[Range<usize>]) -> Vec<(K, usize, usize)> {
    let mut tokens = tokens;
    // Both are in order: one pass, the next range to pass kept at hand.
    let mut next = 0;
    tokens.retain(|t| {
        while gone.get(next).is_some_and(|g| g.end <= t.1) {
            next += 1;
        }
        gone.get(next).is_none_or(|g| t.1 < g.start)
    });
    tokens
}

/// The text with every top-level item that holds none of the `triggers`
/// (offsets) blanked, for a file where no framework value can appear
/// ([`crate::prefilter::Admit::AtTriggers`]): only rules that need no
/// models may fire there, and only in an item holding one of their
/// triggers. The items those name are kept with them (see below). A
/// 1.3 MB generated `windows` file passing on one string
/// constant (`",locale="`) is then parsed as that constant, not as a
/// 65 MB syntax tree. `None` when the file's delimiters do not balance
/// (it is parsed whole and its error reported).
pub fn mask_to_triggers(text: &str, triggers: &[usize]) -> Option<Masked> {
    let tokens = file_tokens(text);
    let items = top_level_items(text, &tokens)?;
    // Every word of an item's text, literals included: a format string
    // captures names (`"?limit={LIMIT}"`).
    let words = |bytes: &Range<usize>| {
        text[bytes.clone()]
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect::<Vec<&str>>()
    };
    let mut kept: Vec<bool> = items
        .iter()
        .map(|(bytes, _)| {
            let first = triggers.partition_point(|&at| at < bytes.start);
            triggers.get(first).is_some_and(|&at| at < bytes.end)
        })
        .collect();
    // What a kept item names of the file's other items is kept too (a
    // constant, an enum, a struct and its impls): a value's type or
    // constness still shows. Names are matched as words, to a fixpoint.
    let mut used: foldhash::HashSet<&str> = items
        .iter()
        .zip(&kept)
        .filter(|(_, k)| **k)
        .flat_map(|((bytes, _), _)| words(bytes))
        .collect();
    loop {
        let mut grew = false;
        for (i, (bytes, toks)) in items.iter().enumerate() {
            if kept[i]
                || !item_names(text, &tokens, toks)
                    .iter()
                    .any(|n| used.contains(n))
            {
                continue;
            }
            kept[i] = true;
            grew = true;
            used.extend(words(bytes));
        }
        if !grew {
            break;
        }
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut gone: Vec<Range<usize>> = Vec::new();
    for ((item, _), keep) in items.into_iter().zip(kept) {
        if keep {
            continue;
        }
        blank(&mut bytes[item.clone()]);
        gone.push(item);
    }
    let blanked = gone.len();
    let tokens = tokens_outside(tokens, &gone);
    let text = String::from_utf8(bytes).ok()?;
    Some(Masked {
        text: Some(text),
        bodies: 0,
        blanked,
        tokens,
    })
}

/// The names an item declares or is about: `const NAME`, `struct NAME`,
/// `fn NAME` ...; for an `impl`, its type's name (`impl<T> Trait for
/// Name<T>`), so it goes with its type.
fn item_names<'t>(
    text: &'t str,
    tokens: &[(K, usize, usize)],
    toks: &Range<usize>,
) -> Vec<&'t str> {
    const DECLARES: &[&str] = &[
        "const", "static", "enum", "struct", "union", "type", "fn", "trait", "mod",
    ];
    const NOT_A_NAME: &[&str] = &["fn", "mut", "unsafe", "async", "extern"];
    let word = |i: usize| &text[tokens[i].1..tokens[i].2];
    let mut i = toks.start;
    while i < toks.end {
        if matches!(tokens[i].0, K::Ident) {
            let w = word(i);
            if w == "impl" {
                // The type's last path segment: after `for` in a trait
                // impl, else after the impl's own generics.
                let header: Vec<usize> = (i + 1..toks.end)
                    .take_while(|&j| !matches!(tokens[j].0, K::OpenBrace))
                    .collect();
                let mut at = match header.iter().rposition(|&j| word(j) == "for") {
                    Some(p) => p + 1,
                    None => skip_generics(&header, tokens),
                };
                let mut name = None;
                while let Some(&j) = header.get(at) {
                    match tokens[j].0 {
                        K::Ident if word(j) == "where" => break,
                        K::Ident => name = Some(word(j)),
                        K::Lt => break,
                        _ => {}
                    }
                    at += 1;
                }
                return name.into_iter().collect();
            }
            if DECLARES.contains(&w) {
                let name = (i + 1..toks.end)
                    .find(|&j| matches!(tokens[j].0, K::Ident) && !NOT_A_NAME.contains(&word(j)));
                return name.map(word).into_iter().collect();
            }
        }
        i += 1;
    }
    Vec::new()
}

/// Where an impl header goes on after its generics (`impl<T: A<B>>`).
fn skip_generics(header: &[usize], tokens: &[(K, usize, usize)]) -> usize {
    if header
        .first()
        .is_none_or(|&j| !matches!(tokens[j].0, K::Lt))
    {
        return 0;
    }
    let mut depth = 0usize;
    for (at, &j) in header.iter().enumerate() {
        match tokens[j].0 {
            K::Lt => depth += 1,
            K::Gt => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return at + 1;
                }
            }
            _ => {}
        }
    }
    header.len()
}

/// The file's top-level items (attributes and the comments before them
/// included), as byte ranges and token index ranges: an item ends at a
/// `;` outside every delimiter, or at a `}` closing to the top level when
/// what follows starts another item. `None` when the delimiters do not
/// balance.
fn top_level_items(
    text: &str,
    tokens: &[(K, usize, usize)],
) -> Option<Vec<(Range<usize>, Range<usize>)>> {
    const ITEM_WORDS: &[&str] = &[
        "pub",
        "fn",
        "struct",
        "enum",
        "union",
        "impl",
        "trait",
        "mod",
        "use",
        "const",
        "static",
        "type",
        "extern",
        "unsafe",
        "async",
        "macro_rules",
        "crate",
        "self",
    ];
    let starts_item = |i: usize| match tokens.get(i) {
        None => true,
        Some(&(K::Pound, ..)) => true,
        Some(&(K::Ident, s, e)) => {
            ITEM_WORDS.contains(&&text[s..e])
                || tokens.get(i + 1).is_some_and(|t| matches!(t.0, K::Bang))
        }
        _ => false,
    };
    let mut items = Vec::new();
    let mut depth = 0usize;
    // An item starts where the last one ended: with the comments before
    // it (a doc comment left without its item would not parse).
    let (mut begin, mut first) = (0, 0);
    for (i, &(k, _, e)) in tokens.iter().enumerate() {
        let ends = match k {
            K::OpenBrace | K::OpenParen | K::OpenBracket => {
                depth += 1;
                false
            }
            K::CloseBrace | K::CloseParen | K::CloseBracket => {
                depth = depth.checked_sub(1)?;
                depth == 0 && matches!(k, K::CloseBrace) && starts_item(i + 1)
            }
            K::Semi => depth == 0,
            _ => false,
        };
        if ends {
            items.push((begin..e, first..i + 1));
            begin = e;
            first = i + 1;
        }
    }
    (depth == 0).then_some(items)
}

/// The sorted offsets of every mention of a followed name (or of an alias
/// the text gives one) and of every trigger.
fn mentions(
    text: &str,
    tokens: &[(K, usize, usize)],
    fns: &[FnExtent],
    followed: &[&Followed],
    triggers: &[usize],
) -> Vec<usize> {
    let word = |i: usize| &text[tokens[i].1..tokens[i].2];
    let kind = |i: usize| tokens.get(i).map(|t| t.0);
    let lookup = |w: &str| followed.iter().find_map(|f| f.get(w));
    // `use url::Url as Address;`, `extern crate url as u;`
    let mut aliases = Followed::default();
    for i in 1..tokens.len().saturating_sub(1) {
        if matches!(kind(i), Some(K::Ident))
            && word(i) == "as"
            && matches!(kind(i - 1), Some(K::Ident))
            && matches!(kind(i + 1), Some(K::Ident))
            && lookup(word(i - 1)).is_some()
        {
            aliases.add(word(i + 1), Need::Word);
        }
    }
    let in_scope = BareNames::of(text, tokens);
    let mut at: Vec<usize> = triggers.to_vec();
    for (i, &(k, start, _)) in tokens.iter().enumerate() {
        if !matches!(k, K::Ident) {
            continue;
        }
        let w = word(i);
        let Some(need) = lookup(w).or_else(|| aliases.get(w)) else {
            continue;
        };
        let prev = i.checked_sub(1).and_then(kind);
        let path_after =
            matches!(kind(i + 1), Some(K::Colon)) && matches!(kind(i + 2), Some(K::Colon));
        let qualified =
            matches!(prev, Some(K::Colon)) && i >= 2 && matches!(kind(i - 2), Some(K::Colon));
        let written = match need {
            Need::Word => true,
            Need::Path => path_after,
            Need::Qualified => qualified,
            Need::Function => {
                // Under a module, not a type: `Url::parse` is not `parse`.
                let under_type = qualified
                    && i >= 3
                    && matches!(kind(i - 3), Some(K::Ident))
                    && word(i - 3).starts_with(|c: char| c.is_ascii_uppercase());
                let turbofish = path_after && matches!(kind(i + 3), Some(K::Lt));
                // Its own declaration (`fn raw_query(`) calls nothing.
                let declared = matches!(prev, Some(K::Ident)) && word(i - 1) == "fn";
                let next = kind(i + 1);
                // Passed (`.map(raw_query)`), not a parameter (`(path: &str`).
                let passed = matches!(prev, Some(K::OpenParen | K::Comma))
                    && matches!(next, Some(K::CloseParen | K::Comma));
                // Written bare, a function must be in scope: imported or
                // declared in the file (a `path` parameter is not `warp::path`).
                let reachable = qualified || in_scope.has(w);
                // `log::trace!(..)` is a macro, not `axum::routing::trace`.
                let macro_call = matches!(next, Some(K::Bang));
                !matches!(prev, Some(K::Dot))
                    && !declared
                    && !under_type
                    && !macro_call
                    && reachable
                    && (!path_after || turbofish)
                    && (matches!(next, Some(K::OpenParen)) || turbofish || qualified || passed)
                    // A parameter or `let` of that name hides the function.
                    && (qualified || path_after || !bindings::bound_locally(text, tokens, fns, i))
            }
        };
        if written {
            at.push(start);
        }
    }
    at.sort_unstable();
    at
}

/// The byte range of the trait path of the `impl` whose header is `head`
/// (`Service<Request<B>>` in `impl<B> Service<Request<B>> for Logger`);
/// `None` for an inherent impl, a head that is not an impl, or a type
/// that is one of the impl's own parameters (`impl<T: Ext> Trait for T`:
/// then the bounds say what `self` may be).
fn impl_trait_path(
    text: &str,
    tokens: &[(K, usize, usize)],
    head: &Range<usize>,
) -> Option<Range<usize>> {
    let word = |j: usize| &text[tokens[j].1..tokens[j].2];
    let first = tokens.partition_point(|t| t.1 < head.start);
    let end = tokens.partition_point(|t| t.1 < head.end);
    let imp = (first..end).find(|&j| matches!(tokens[j].0, K::Ident) && word(j) == "impl")?;
    // The impl's generics and the names of its type parameters.
    let mut params: Vec<&str> = Vec::new();
    let mut at = imp + 1;
    if tokens.get(at).is_some_and(|t| matches!(t.0, K::Lt)) {
        let mut depth = 0usize;
        while at < end {
            match tokens[at].0 {
                K::Lt => depth += 1,
                // `impl<F: Fn() -> R>`: the arrow closes nothing.
                K::Gt if !matches!(tokens[at - 1].0, K::Minus) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                K::Ident if depth == 1 && matches!(tokens[at - 1].0, K::Lt | K::Comma) => {
                    params.push(word(at));
                }
                _ => {}
            }
            at += 1;
        }
        at += 1;
    }
    let trait_start = at;
    let mut depth = 0usize;
    let mut of = None;
    while at < end {
        match tokens[at].0 {
            K::Lt => depth += 1,
            K::Gt if !matches!(tokens[at - 1].0, K::Minus) => depth = depth.saturating_sub(1),
            K::Ident if depth == 0 && word(at) == "where" => break,
            K::Ident
                if depth == 0
                    && word(at) == "for"
                    && tokens.get(at + 1).is_some_and(|t| !matches!(t.0, K::Lt)) =>
            {
                of = Some(at);
                break;
            }
            _ => {}
        }
        at += 1;
    }
    let of = of?;
    let ty = (of + 1..end).find(|&j| {
        !(matches!(tokens[j].0, K::And | K::Lifetime { .. })
            || (matches!(tokens[j].0, K::Ident) && matches!(word(j), "mut" | "dyn")))
    })?;
    if matches!(tokens[ty].0, K::Ident) && params.contains(&word(ty)) {
        return None;
    }
    Some(tokens.get(trait_start)?.1..tokens[of].1)
}

/// The names a file can write bare as functions: those its `use` items
/// name and those it declares with `fn`; any glob import (`use x::*;`)
/// could bring in any name.
struct BareNames<'a> {
    names: foldhash::HashSet<&'a str>,
    glob: bool,
}

impl<'a> BareNames<'a> {
    fn of(text: &'a str, tokens: &[(K, usize, usize)]) -> Self {
        let mut names = foldhash::HashSet::default();
        let mut glob = false;
        let mut in_use = false;
        let mut after_fn = false;
        for &(k, start, end) in tokens {
            let w = &text[start..end];
            match k {
                K::Ident if w == "use" => in_use = true,
                K::Ident if w == "fn" => {
                    after_fn = true;
                    continue;
                }
                K::Ident if in_use || after_fn => {
                    names.insert(w);
                }
                K::Star if in_use => glob = true,
                K::Semi => in_use = false,
                _ => {}
            }
            after_fn = false;
        }
        BareNames { names, glob }
    }

    fn has(&self, name: &str) -> bool {
        self.glob || self.names.contains(name)
    }
}

/// Whether `text` has `word` as a whole identifier.
pub fn has_word(text: &str, word: &str) -> bool {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = text.as_bytes();
    text.match_indices(word).any(|(at, _)| {
        let end = at + word.len();
        let joined_before = at > 0 && is_ident(bytes[at - 1]);
        let joined_after = bytes.get(end).is_some_and(|&b| is_ident(b));
        !joined_before && !joined_after
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn followed() -> Followed {
        let mut f = Followed::default();
        f.add("Url", Need::Word);
        f.add("axum", Need::Path);
        f.add("service_fn", Need::Function);
        f
    }

    fn mask_with(text: &str, f: &Followed) -> Masked {
        mask(text, &[f], &[])
    }

    /// Whether masking leaves `text` as it is (every body kept).
    fn untouched(text: &str, f: &Followed) -> bool {
        mask_with(text, f).text.is_none()
    }

    #[test]
    fn bodies_without_followed_names_are_blanked_with_offsets_kept() {
        let text = "use url::Url;\n\nfn plain(a: u32) -> u32 {\n    let b = a + 1;\n    b * 2\n}\n\nfn parses(s: &str) {\n    let u = Url::parse(s);\n}\n\nfn takes(u: &Url) -> bool {\n    u.query().is_some()\n}\n";
        let m = mask_with(text, &followed());
        assert_eq!((m.bodies, m.blanked), (3, 1));
        let masked = m.text.expect("one body blanked");
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked.lines().count(), text.lines().count());
        assert!(!masked.contains("a + 1"), "{masked}");
        assert!(masked.contains("Url::parse(s)"));
        assert!(masked.contains("u.query()"));
        assert!(syn::parse_file(&masked).is_ok());
        assert_eq!(
            m.tokens,
            file_tokens(&masked),
            "the tokens of the masked text"
        );
    }

    #[test]
    fn doc_comments_become_plain_comments_and_nothing_else_moves() {
        let text = "//! Crate.\n/// Outer, with `Url`.\n/** Block. */\n/*! Inner. */\n\
            //// Not a doc.\n/**/ /*** Not a doc. */\n\
            fn f(u: &Url) -> bool { /// inside\n u.query().is_some() }\n\
            const S: &str = \"/// in a string\";\n";
        let m = mask_with(text, &followed());
        let masked = m.text.expect("doc comments were made plain");
        assert_eq!(masked.len(), text.len());
        let want = text
            .replace("//! C", "//  C")
            .replace("/// Outer", "//  Outer")
            .replace("/** B", "/*  B")
            .replace("/*! I", "/*  I")
            .replace("/// inside", "//  inside");
        assert_eq!(masked, want);
        // What is left parses with no doc attribute at all.
        let file = syn::parse_file(&masked).unwrap();
        let docs = file
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .count();
        assert_eq!(docs, 0);
        assert_eq!(m.blanked, 0, "the body mentions `Url`");
        assert!(untouched(
            "fn f(u: Url) { u.query(); }\n// plain\n",
            &followed()
        ));
    }

    #[test]
    fn attributes_no_analysis_reads_are_blanked() {
        let text = "#![allow(dead_code)]\n\
            #[derive(Debug, serde::Deserialize)]\n#[serde(rename_all = \"camelCase\", rename = \"é\")]\n\
            struct Q { #[serde(default)] token: String }\n\
            #[cfg(test)]\nmod tests {\n    #[tokio::test]\n    async fn t() {}\n}\n\
            #[get(\"/<id>\")]\nfn show(id: u8, u: Url) -> u8 { #[allow(unused)] let x = 1; id }\n\
            #[cfg_attr(test, derive(Clone))]\nstruct S;\n\
            macro_rules! m { ($(#[$m:meta])*) => { #[derive(Debug)] struct M; } }\n\
            lazy_static! { #[doc(hidden)] static ref X: u8 = 1; }\n";
        let m = mask_with(text, &followed());
        let out = m.text.expect("attributes blanked");
        assert_eq!(out.len(), text.len());
        assert_eq!(out.lines().count(), text.lines().count());
        for gone in [
            "allow(dead_code)",
            "derive(Debug, serde",
            "rename_all",
            "é",
            "serde(default)",
            "allow(unused)",
        ] {
            assert!(!out.contains(gone), "{gone}: {out}");
        }
        for kept in [
            "#[cfg(test)]",
            "#[tokio::test]",
            "#[get(\"/<id>\")]",
            "#[cfg_attr(test, derive(Clone))]",
            "#[$m:meta]",
            "{ #[derive(Debug)] struct M; }",
            "#[doc(hidden)]",
            "let x = 1;",
        ] {
            assert!(out.contains(kept), "{kept}: {out}");
        }
        let file = syn::parse_file(&out).expect("still parses");
        assert!(matches!(&file.items[0], syn::Item::Struct(s) if s.attrs.is_empty()));
        assert_eq!(m.tokens, file_tokens(&out), "the tokens of the masked text");
    }

    #[test]
    fn names_count_only_written_as_they_need() {
        let f = followed();
        let kept = |body: &str| untouched(&format!("fn f() {{ {body} }}"), &f);
        assert!(kept("let r = axum::Router::new();"));
        assert!(
            !kept("let axum = 1; axum + 1"),
            "a variable named like a crate"
        );
        let imported = |body: &str| {
            untouched(
                &format!("use hyper::service::service_fn;\nfn f() {{ {body} }}"),
                &f,
            )
        };
        assert!(imported("let s = service_fn(handle);"));
        assert!(kept("let s = hyper::service::service_fn::<B>(handle);"));
        assert!(imported("let s = make(service_fn);"));
        assert!(imported("let s = make(a, service_fn, b);"));
        assert!(
            !kept("let s = service_fn(handle);"),
            "bare, a function must be imported or declared"
        );
        assert!(
            untouched("use hyper::service::*;\nfn f() { service_fn(h) }", &f),
            "a glob import may bring it"
        );
        assert!(
            !imported("let s = Some(service_fn!(x));"),
            "a macro of that name"
        );
        assert!(
            mask_with(
                "use hyper::service::service_fn;\nfn f(service_fn: u8) -> u8 { service_fn + 1 }",
                &f
            )
            .text
            .is_some(),
            "a parameter of that name"
        );
        assert!(!kept("let s = conn.service_fn();"), "a method of that name");
        assert!(
            !kept("let s = Conn::service_fn();"),
            "a type's function of that name"
        );
        assert!(
            !kept("let s = service_fn::Conn::new();"),
            "a module of that name"
        );
        let declared = "fn service_fn(a: u8) -> u8 { a }\n";
        assert!(
            mask_with(declared, &f).text.is_some(),
            "its own declaration"
        );
        assert!(
            !kept("let s = \"Url\"; /* Url */"),
            "a literal or a comment names nothing"
        );
    }

    #[test]
    fn triggers_keep_the_function_they_fall_in() {
        let text = "fn a() { let x = 1; }\nfn b() { let y = 2; }\n";
        let at = text.find("y = 2").unwrap();
        let masked = mask(text, &[&followed()], &[at]).text.expect("a blanked");
        assert!(
            !masked.contains("x = 1") && masked.contains("y = 2"),
            "{masked}"
        );
    }

    #[test]
    fn self_methods_follow_their_impl_header() {
        let text = "struct A { u: Url }\nimpl A {\n    fn q(&self) -> usize { self.u.query_params() }\n}\nstruct B;\nimpl B {\n    fn n(&self) -> u8 { self.count() }\n}\ntrait T {\n    fn d(&self) -> u8 { self.x() }\n}\n";
        // `A` holds a Url: the index would say so.
        let mut f = followed();
        f.add("A", Need::Word);
        let masked = mask_with(text, &f).text.expect("B's body blanked");
        assert!(masked.contains("self.u.query_params()"));
        assert!(!masked.contains("self.count()"));
        // A trait's default method may run on a framework type.
        assert!(masked.contains("self.x()"));
    }

    #[test]
    fn a_macro_named_like_a_function_is_not_it() {
        let mut f = followed();
        f.add("trace", Need::Function);
        let text = "fn logs() { log::trace!(\"x\"); }\nfn routes() { axum::routing::trace(h); }\n";
        let masked = mask_with(text, &f).text.expect("logs blanked");
        assert!(!masked.contains("trace!"), "{masked}");
        assert!(masked.contains("routing::trace(h)"), "{masked}");
    }

    #[test]
    fn parameters_and_lets_hide_a_function_of_their_name() {
        let f = followed();
        let kept = |item: &str| untouched(&format!("use hyper::service::*;\n{item}\n"), &f);
        assert!(
            kept("fn f(p: u8) { g(service_fn) }"),
            "the function, passed"
        );
        assert!(!kept("fn f(service_fn: u8) { g(service_fn) }"));
        assert!(!kept("fn f(mut service_fn: u8) { g(service_fn, 1) }"));
        assert!(!kept(
            "fn f(Path((a, service_fn)): Path<(u8, u8)>) { g(service_fn) }"
        ));
        assert!(!kept("fn f(S { x: service_fn }: S) { g(service_fn) }"));
        assert!(
            kept("fn f(S { service_fn: x }: S) { g(service_fn) }"),
            "a field name binds nothing"
        );
        assert!(!kept("fn f() { let service_fn = 1; g(service_fn) }"));
        assert!(!kept(
            "fn f() { let Some(service_fn) = h() else { return; }; g(service_fn) }"
        ));
        assert!(kept("fn f() { let s = service_fn(h); }"));
        assert!(
            kept("fn f() { let service_fn = service_fn(h); }"),
            "the let's own value"
        );
        assert!(
            kept("fn f() { { let service_fn = 1; } g(service_fn) }"),
            "out of its block"
        );
        assert!(
            kept("fn f(service_fn: u8) { fn n() { g(service_fn) } }"),
            "a nested function"
        );
        assert!(
            kept("fn f(service_fn: u8) { g(hyper::service::service_fn) }"),
            "a path is not the parameter"
        );
        assert!(!kept("fn f(v: V) { v.map(|service_fn| g(service_fn)); }"));
        assert!(
            !kept("fn f(v: V) { v.map(|(a, service_fn)| 1); }"),
            "the parameter itself"
        );
        assert!(!kept(
            "fn f(v: V) { v.map(move |a, (b, service_fn): (u8, u8)| { g(service_fn) }); }"
        ));
        assert!(
            kept("fn f(v: V) { h(|service_fn| 1, g(service_fn)); }"),
            "after the closure"
        );
        assert!(
            kept("fn f(v: V) { let c = |service_fn| 1; g(service_fn) }"),
            "after the closure"
        );
        assert!(kept("fn f(a: u8) { a || g(service_fn) }"), "a logical or");
        assert!(
            kept("fn f(a: u8) { match a { | A => g(service_fn), B | C => 1 } }"),
            "or-patterns"
        );
        assert!(!kept(
            "fn f(v: V) { for service_fn in v { g(service_fn); } }"
        ));
        assert!(!kept(
            "fn f(v: V) { for (a, service_fn) in v.iter().map(|x| { x }) { g(service_fn); } }"
        ));
        assert!(
            kept("fn f(v: V) { for service_fn in v {} g(service_fn); }"),
            "after the loop"
        );
        assert!(
            kept("fn f(v: V) { for a in h(service_fn) {} }"),
            "the loop's iterator"
        );
    }

    #[test]
    fn self_follows_the_impls_type_not_its_traits_arguments() {
        let mut f = followed();
        f.add("Request", Need::Word);
        let kept = |item: &str| untouched(item, &f);
        assert!(!kept(
            "impl<B> Service<Request<B>> for Logger { fn poll(&self) { self.x() } }"
        ));
        assert!(!kept(
            "impl<F: Fn() -> u8> Service<Request> for Logger<F> { fn poll(&self) { self.x() } }"
        ));
        assert!(kept(
            "impl<B> Ext<B> for Request<B> { fn q(&self) { self.uri() } }"
        ));
        assert!(kept(
            "impl<B> Ext for Wrap<B> where B: Into<Request> { fn q(&self) { self.x() } }"
        ));
        assert!(kept(
            "impl Ext for &mut Request { fn q(&self) { self.uri() } }"
        ));
        assert!(
            kept("impl<T> Service<Request> for T { fn poll(&self) { self.x() } }"),
            "a type parameter may be anything its bounds allow"
        );
        assert!(kept("impl Wrap<Request> { fn q(&self) { self.x() } }"));
    }

    #[test]
    fn bodies_declaring_items_are_kept() {
        let f = followed();
        let text = "fn f() { impl X for Y {} }\nfn g() { let a = 1; }\n";
        let masked = mask_with(text, &f).text.expect("g blanked");
        assert!(masked.contains("impl X for Y"));
        assert!(!masked.contains("let a = 1"));
        assert_eq!(mask_with("fn f(u: Url) { u.x() }", &f).text, None);
    }

    #[test]
    fn a_qualified_name_counts_only_after_a_path() {
        let mut shadowed = Followed::default();
        shadowed.add("Url", Need::Qualified);
        let text = "fn f(p: &Url) { p.x() }\nfn g(u: url::Url) { u.y() }\n";
        let masked = mask(text, &[&shadowed, &followed()], &[])
            .text
            .expect("f blanked");
        assert!(
            !masked.contains("p.x()") && masked.contains("u.y()"),
            "{masked}"
        );
    }

    #[test]
    fn aliases_of_followed_names_count() {
        let f = followed();
        let text =
            "use url::Url as Address;\nfn f(a: Address) { a.x() }\nfn g(n: u8) { n as u32; }\n";
        let masked = mask_with(text, &f).text.expect("g blanked");
        assert!(masked.contains("a.x()"), "{masked}");
        assert!(!masked.contains("n as u32"), "{masked}");
    }

    /// `mask_to_triggers` with a trigger at each `?k=` of the text.
    fn to_triggers(text: &str) -> Option<Masked> {
        let at: Vec<usize> = text.match_indices("?k=").map(|(i, _)| i).collect();
        mask_to_triggers(text, &at)
    }

    #[test]
    fn only_the_items_holding_a_trigger_are_left() {
        let text = "//! Crate docs.\n#![allow(dead_code)]\n\
            /// Docs of A.\n#[derive(Debug)]\npub struct A { n: u32 }\n\
            const C: u32 = if true { 1 } else { 2 };\n\
            impl A {\n    fn url(&self) -> String { format!(\"/x?k={}\", self.n) }\n    fn other(&self) {}\n}\n\
            thread_local! { static T: u8 = 0; }\n\
            pub const WIDE: &str = \"?k=\";\n\
            const PREFIX: &str = \"/v1\";\nconst LIMIT: &str = PREFIX;\nconst UNUSED: u8 = 1;\n\
            pub fn limited() -> String { /* core clone */ format!(\"?k={LIMIT}\") }\n\
            struct B;\nimpl ::core::clone::Clone for B { fn clone(&self) -> B { B } }\n\
            fn f() { let broken = ; }\n";
        let m = to_triggers(text).expect("balanced");
        let out = m.text.expect("a text");
        assert_eq!(out.len(), text.len());
        assert_eq!(out.lines().count(), text.lines().count());
        // The items holding a trigger stay whole: the impl, the constant,
        // the function.
        assert!(out.contains("fn url(&self)"), "{out}");
        assert!(out.contains("fn other(&self) {}"), "{out}");
        assert!(out.contains("pub const WIDE: &str = \"?k=\";"), "{out}");
        // And what they name: the impl's type (with its docs), the
        // constant a format string captures and the one that names.
        for kept in ["Docs of A", "pub struct A", "const LIMIT", "const PREFIX"] {
            assert!(out.contains(kept), "{kept}: {out}");
        }
        // The others go; an `if .. else` in a constant is one item.
        // An impl goes with its type, not with the words of its trait.
        for gone in [
            "const C",
            "else",
            "thread_local",
            "UNUSED",
            "struct B",
            "for B",
            "broken",
        ] {
            assert!(!out.contains(gone), "{gone}: {out}");
        }
        assert!(syn::parse_file(&out).is_ok(), "{out}");
        assert_eq!(m.blanked, 6);
        // Tokens are those of what is left.
        assert!(m.tokens.iter().all(|t| !out[t.1..t.2].trim().is_empty()));
    }

    #[test]
    fn unbalanced_delimiters_leave_the_file_whole() {
        assert!(to_triggers("fn f() { \"?k=\"\n").is_none());
        assert!(to_triggers("fn f() } \"?k=\" {\n").is_none());
        // Nothing holds a trigger: everything goes.
        let m = to_triggers("fn f() {}\nstruct S;\n").unwrap();
        assert!(m.text.unwrap().trim().is_empty());
    }
}
