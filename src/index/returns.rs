//! What a helper with a body of several statements returns, when that is a
//! projection of one of its parameters.
//!
//! A helper that hands its parameter's projection back (`fn raw_query(uri:
//! &Uri) -> &str { let q = uri.query().unwrap_or(""); q }`) passes that
//! projection's role to its callers, like a one-chain body does
//! ([`super::summary::Projection`]). This module reads the body's tokens
//! (no parse: the summary never parses bodies), follows `let` bindings
//! (`let q = uri.query(); let q = q.unwrap_or_default(); return q;`) and
//! accepts early `if cond { return x; }` statements when every return gives
//! the same projection. An `Option` or `Result` taken apart by hand is the
//! projection unwrapped, as `unwrap_or` would give it: `match uri.query() {
//! Some(q) => q, None => "" }`, `if let Some(q) = uri.query() { q } else {
//! "" }` and `let Some(q) = uri.query() else { return "" };` when the other
//! arm names nothing the body follows (a literal, a default, a `return` of
//! one). It stays conservative: a return it cannot read, a
//! binding to something else, an assignment to a binding on the way, or a
//! `let mut` binding used again, and the body returns nothing known.
//!
//! The answer is written into the body-less text as one chain
//! (`uri.query().unwrap_or()`), so two bodies with the same answer give the
//! same summary: a body edit that keeps it re-lints no other file.

use super::summary::{matching, Step};
use ra_ap_rustc_lexer::TokenKind as K;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

type Tok = (K, usize, usize);

/// Bodies longer than this (in tokens) are not followed.
const MAX_TOKENS: usize = 4096;

/// A chain from a parameter (or `self`): its root name and its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Chain {
    root: String,
    steps: Vec<Step>,
}

impl Chain {
    /// `root.f.m()?`: the text [`super::summary::FnSig`] reads back.
    fn text(&self) -> String {
        let mut out = self.root.clone();
        for step in &self.steps {
            match step {
                Step::Field(f) => {
                    out.push('.');
                    out.push_str(f);
                }
                Step::Method(m) => {
                    out.push('.');
                    out.push_str(m);
                    out.push_str("()");
                }
                Step::Try => out.push('?'),
            }
        }
        out
    }
}

/// The chain every return of the body gives, as text, when the body is
/// more than one chain and each of its returns is the same projection of
/// a parameter or of `self`.
pub(super) fn returned_chain(
    text: &str,
    body: &[Tok],
    params: &[Option<String>],
) -> Option<String> {
    if body.len() > MAX_TOKENS || body.is_empty() {
        return None;
    }
    // A body ending in a block (`if`, `match`, a struct literal) ends in
    // no chain, unless it takes an `Option` or `Result` apart.
    let takes_apart = || {
        body.iter()
            .any(|t| matches!(t.0, K::Ident) && matches!(&text[t.1..t.2], "Some" | "Ok"))
    };
    let ends_in_block = body.last().is_some_and(|t| matches!(t.0, K::CloseBrace));
    if ends_in_block && !takes_apart() {
        return None;
    }
    let word = |t: &Tok| word(text, t);
    let stmts = statements(text, body)?;
    // Most bodies end in something else than a chain: done at once.
    let (tail, _) = stmts.last()?;
    let tail = match tail.split_first() {
        Some((r, rest)) if word(r) == "return" => rest,
        _ => tail,
    };
    // A tail taken apart is read below (`taken_apart`).
    if !is_taken_apart(text, tail) {
        chain_of(text, tail, &|n| Some(chain_root(n)))?;
    }
    // What each name holds now: a chain, or `None` once it is something
    // else (a `let` of another value, an assignment, a mutation).
    let mut names: HashMap<&str, Option<Chain>> = HashMap::new();
    for p in params.iter().flatten() {
        names.insert(p, Some(chain_root(p)));
    }
    names.insert("self", Some(chain_root("self")));
    let mut muts: HashSet<&str> = HashSet::new();
    let mut answers: Vec<Option<Chain>> = Vec::new();
    let last = stmts.len() - 1;
    for (n, &(toks, semi)) in stmts.iter().enumerate() {
        let first = word(&toks[0]);
        if n == last && !semi {
            let tail = if first == "return" { &toks[1..] } else { toks };
            answers.push(resolve(text, tail, &names));
            continue;
        }
        match first {
            "let" => {
                let eq = top_level_eq(toks)?;
                let (mut pat, mut init) = (&toks[1..eq], &toks[eq + 1..]);
                // `let Some(q) = uri.query() else { return "" };`: `q` is
                // the value unwrapped, the `else` must name nothing
                // followed.
                let mut unwrapped = false;
                if let Some((value, otherwise)) = let_else(text, init) {
                    if !names_nothing(text, otherwise, &names) {
                        return None;
                    }
                    some_binding(text, pat)?;
                    (init, pat, unwrapped) = (value, &pat[2..3], true);
                } else if has_return(text, toks) && taken_apart(text, init, &names).is_none() {
                    return None;
                }
                kill_assigned(text, init, &mut names, &muts);
                let value = resolve(text, init, &names).map(|c| match unwrapped {
                    true => unwrap(c),
                    false => c,
                });
                match pat.iter().map(word).collect::<Vec<_>>().as_slice() {
                    [name] | [name, ":", ..] => {
                        muts.remove(name);
                        names.insert(name, value);
                    }
                    ["mut", name] | ["mut", name, ":", ..] => {
                        muts.insert(name);
                        names.insert(name, value);
                    }
                    // A pattern: whatever it binds is not followed.
                    _ => {
                        for t in pat.iter().filter(|t| matches!(t.0, K::Ident)) {
                            names.insert(word(t), None);
                        }
                    }
                }
            }
            "return" if n == last => {
                answers.push(resolve(text, &toks[1..], &names));
            }
            "if" if has_return(text, toks) => {
                answers.push(early_return(text, toks, &names)?);
            }
            _ => {
                if has_return(text, toks) {
                    return None;
                }
                kill_assigned(text, toks, &mut names, &muts);
            }
        }
    }
    let (first, rest) = answers.split_first()?;
    let chain = first.as_ref()?;
    rest.iter()
        .all(|a| a.as_ref() == Some(chain))
        .then(|| chain.text())
}

fn word<'t>(text: &'t str, t: &Tok) -> &'t str {
    &text[t.1..t.2]
}

fn chain_root(name: &str) -> Chain {
    Chain {
        root: name.to_string(),
        steps: Vec::new(),
    }
}

/// `if cond { return chain; }` without `else`: the chain (`None` when it is
/// not one of a parameter). Any other `if` holding a `return` fails.
fn early_return(
    text: &str,
    toks: &[Tok],
    names: &HashMap<&str, Option<Chain>>,
) -> Option<Option<Chain>> {
    let open = block_start(toks, 1)?;
    let close = matching(toks, open);
    let cond = &toks[1..open];
    if close + 1 != toks.len()
        || cond
            .iter()
            .any(|t| matches!(&text[t.1..t.2], "let" | "return"))
    {
        return None;
    }
    let inner = &toks[open + 1..close];
    let inner = match inner.last() {
        Some(t) if matches!(t.0, K::Semi) => &inner[..inner.len() - 1],
        _ => inner,
    };
    match inner.split_first() {
        Some((r, chain)) if &text[r.1..r.2] == "return" && !has_return(text, chain) => {
            Some(resolve(text, chain, names))
        }
        _ => None,
    }
}

/// The first `{` at the statement's own level from `from`.
fn block_start(toks: &[Tok], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, t) in toks.iter().enumerate().skip(from) {
        match t.0 {
            K::OpenParen | K::OpenBracket => depth += 1,
            K::CloseParen | K::CloseBracket => depth = depth.saturating_sub(1),
            K::OpenBrace if depth == 0 => return Some(j),
            _ => {}
        }
    }
    None
}

/// The `=` of a `let` (not `==`, `=>`, `<=`, `>=`, `!=`).
fn top_level_eq(toks: &[Tok]) -> Option<usize> {
    let mut depth = 0usize;
    for (j, t) in toks.iter().enumerate() {
        match t.0 {
            K::OpenParen | K::OpenBracket | K::OpenBrace | K::Lt => depth += 1,
            K::CloseParen | K::CloseBracket | K::CloseBrace | K::Gt => {
                depth = depth.saturating_sub(1)
            }
            K::Eq if depth == 0 => return Some(j),
            _ => {}
        }
    }
    None
}

fn has_return(text: &str, toks: &[Tok]) -> bool {
    toks.iter()
        .any(|t| matches!(t.0, K::Ident) && &text[t.1..t.2] == "return")
}

/// The chain `toks` is, from what the names hold: `&q.a.b()?`, where `q`
/// holds a chain of a parameter.
fn resolve(text: &str, toks: &[Tok], names: &HashMap<&str, Option<Chain>>) -> Option<Chain> {
    if is_taken_apart(text, toks) {
        return taken_apart(text, toks, names);
    }
    chain_of(text, toks, &|n| names.get(n).cloned().flatten())
}

/// The chain unwrapped, as `unwrap_or` gives it.
fn unwrap(mut chain: Chain) -> Chain {
    chain.steps.push(Step::unwrapped());
    chain
}

/// Does the expression start as a `match` or an `if let`?
fn is_taken_apart(text: &str, toks: &[Tok]) -> bool {
    match toks {
        [m, ..] if word(text, m) == "match" => true,
        [i, l, ..] => word(text, i) == "if" && word(text, l) == "let",
        _ => false,
    }
}

/// An `Option` or `Result` of a followed chain taken apart by hand, the
/// value kept and the other case given something the body does not
/// follow: `match q { Some(v) => v.f(), None => "" }` (`Ok(v)`, `_`,
/// `Err(_)`), `if let Some(v) = q { v } else { "" }`. The chain, unwrapped,
/// then the kept arm's steps.
fn taken_apart(text: &str, toks: &[Tok], names: &HashMap<&str, Option<Chain>>) -> Option<Chain> {
    let w = |i: usize| toks.get(i).map(|t| word(text, t));
    let (scrutinee, kept, other): (&[Tok], (&str, &[Tok]), &[Tok]) = if w(0) == Some("match") {
        let open = block_start(toks, 1)?;
        if matching(toks, open) + 1 != toks.len() {
            return None;
        }
        let inside = &toks[open + 1..toks.len() - 1];
        let arms = match_arms(inside)?;
        let [(p1, b1), (p2, b2)] = arms.as_slice() else {
            return None;
        };
        let (p1, b1, p2, b2) = (
            &inside[p1.clone()],
            &inside[b1.clone()],
            &inside[p2.clone()],
            &inside[b2.clone()],
        );
        let (kept, other) = match (some_binding(text, p1), some_binding(text, p2)) {
            (Some(v), None) if other_case(text, p2) => ((v, b1), b2),
            (None, Some(v)) if other_case(text, p1) => ((v, b2), b1),
            _ => return None,
        };
        (&toks[1..open], kept, other)
    } else {
        // `if let PAT = scrutinee { kept } else { other }`
        let eq = top_level_eq(&toks[2..])? + 2;
        let v = some_binding(text, &toks[2..eq])?;
        let open = block_start(toks, eq + 1)?;
        let close = matching(toks, open);
        if w(close + 1) != Some("else")
            || toks
                .get(close + 2)
                .is_none_or(|t| !matches!(t.0, K::OpenBrace))
        {
            return None;
        }
        let else_close = matching(toks, close + 2);
        if else_close + 1 != toks.len() {
            return None;
        }
        (
            &toks[eq + 1..open],
            (v, &toks[open..=close]),
            &toks[close + 2..=else_close],
        )
    };
    if !names_nothing(text, other, names) {
        return None;
    }
    let value = unwrap(resolve(text, scrutinee, names)?);
    let (v, body) = kept;
    let body = block_value(body)?;
    if has_return(text, body) {
        return None;
    }
    chain_of(text, body, &|n| (n == v).then(|| value.clone()))
}

/// `Some(v)` or `Ok(v)`: the name it binds.
pub(super) fn some_binding<'t>(text: &'t str, pat: &[Tok]) -> Option<&'t str> {
    match pat {
        [wrap, open, v, close]
            if matches!(word(text, wrap), "Some" | "Ok")
                && open.0 == K::OpenParen
                && v.0 == K::Ident
                && close.0 == K::CloseParen
                && !matches!(word(text, v), "_" | "mut" | "ref") =>
        {
            Some(word(text, v))
        }
        _ => None,
    }
}

/// The case a kept `Some(v)`/`Ok(v)` leaves: `None`, `_`, `Err(..)`.
fn other_case(text: &str, pat: &[Tok]) -> bool {
    match pat {
        [one] => matches!(word(text, one), "None" | "_"),
        [err, open, .., close] => {
            word(text, err) == "Err" && open.0 == K::OpenParen && close.0 == K::CloseParen
        }
        _ => false,
    }
}

/// A match's arms (the tokens between its braces): each pattern's and
/// body's token ranges, split at `=>` and at the commas (or block ends)
/// between arms. A guard stays in its pattern (`Some(q) if ..`), which
/// then binds nothing [`some_binding`] knows. `None` when an arm has no
/// `=>`.
pub(super) fn match_arms(toks: &[Tok]) -> Option<Vec<(Range<usize>, Range<usize>)>> {
    let mut arms = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let arrow = (i..toks.len().saturating_sub(1)).find(|&j| {
            matches!(toks[j].0, K::Eq)
                && matches!(toks[j + 1].0, K::Gt)
                && toks[j].2 == toks[j + 1].1
        })?;
        let pat = i..arrow;
        let start = arrow + 2;
        let mut depth = 0usize;
        let mut j = start;
        while j < toks.len() {
            match toks[j].0 {
                K::OpenParen | K::OpenBracket | K::OpenBrace => depth += 1,
                K::CloseParen | K::CloseBracket => depth = depth.saturating_sub(1),
                K::CloseBrace => {
                    depth = depth.saturating_sub(1);
                    // A block body ends its arm.
                    if depth == 0 && matches!(toks[start].0, K::OpenBrace) {
                        j += 1;
                        break;
                    }
                }
                K::Comma if depth == 0 => break,
                _ => {}
            }
            j += 1;
        }
        arms.push((pat, start..j.min(toks.len())));
        i = j;
        if toks.get(i).is_some_and(|t| matches!(t.0, K::Comma)) {
            i += 1;
        }
    }
    Some(arms)
}

/// What a block or expression gives: `{ v.f() }` is `v.f()`.
fn block_value(toks: &[Tok]) -> Option<&[Tok]> {
    match toks {
        [open, inner @ .., close] if open.0 == K::OpenBrace && close.0 == K::CloseBrace => {
            // A block of one expression, no statement before it.
            (!inner.iter().any(|t| matches!(t.0, K::Semi)) && !inner.is_empty()).then_some(inner)
        }
        [] => None,
        _ => Some(toks),
    }
}

/// `PAT = value else { .. }` of a `let`: the value and the `else` block
/// (which must end the statement).
fn let_else<'b>(text: &str, init: &'b [Tok]) -> Option<(&'b [Tok], &'b [Tok])> {
    let at = init
        .iter()
        .position(|t| matches!(t.0, K::Ident) && word(text, t) == "else")?;
    let (value, rest) = (&init[..at], &init[at + 1..]);
    (rest.first()?.0 == K::OpenBrace
        && matching(rest, 0) + 1 == rest.len()
        && !value.iter().any(|t| matches!(t.0, K::OpenBrace)))
    .then_some((value, rest))
}

/// Does the code name nothing the body follows (no parameter, `self`, or
/// binding holding a chain; no format string that could capture one)?
fn names_nothing(text: &str, toks: &[Tok], names: &HashMap<&str, Option<Chain>>) -> bool {
    toks.iter().all(|t| match t.0 {
        K::Ident => names.get(word(text, t)).is_none_or(Option::is_none),
        K::Literal { .. } => !word(text, t).contains('{'),
        _ => true,
    })
}

/// The chain `toks` is, its root's own chain given by `root`.
fn chain_of(text: &str, toks: &[Tok], root: &dyn Fn(&str) -> Option<Chain>) -> Option<Chain> {
    let mut i = 0;
    while toks.get(i).is_some_and(|t| matches!(t.0, K::And)) {
        i += 1;
    }
    if toks.get(i).is_some_and(|t| &text[t.1..t.2] == "mut") {
        i += 1;
    }
    let first = toks.get(i).filter(|t| matches!(t.0, K::Ident))?;
    let mut chain = root(&text[first.1..first.2])?;
    i += 1;
    while i < toks.len() {
        match toks[i].0 {
            K::Question => chain.steps.push(Step::Try),
            K::Dot => {
                let (kind, a, b) = *toks.get(i + 1)?;
                let name = &text[a..b];
                let is_index =
                    matches!(kind, K::Literal { .. }) && name.bytes().all(|c| c.is_ascii_digit());
                if !(matches!(kind, K::Ident) && name != "await" || is_index) {
                    return None;
                }
                i += 1;
                if toks.get(i + 1).is_some_and(|t| matches!(t.0, K::OpenParen)) && !is_index {
                    i = matching(toks, i + 1);
                    chain.steps.push(Step::Method(name.to_string()));
                } else {
                    chain.steps.push(Step::Field(name.to_string()));
                }
            }
            _ => return None,
        }
        i += 1;
    }
    Some(chain)
}

/// Forget what a name holds where the statement assigns to it (`q = ..`,
/// `q.a += ..`), borrows it mutably (`&mut q`), or uses a `let mut`
/// binding at all.
fn kill_assigned<'t>(
    text: &'t str,
    toks: &[Tok],
    names: &mut HashMap<&'t str, Option<Chain>>,
    muts: &HashSet<&str>,
) {
    for (j, t) in toks.iter().enumerate() {
        if !matches!(t.0, K::Ident) {
            continue;
        }
        let name = &text[t.1..t.2];
        if !names.contains_key(name) || j > 0 && matches!(toks[j - 1].0, K::Dot | K::Colon) {
            continue;
        }
        let borrowed = j >= 2
            && matches!(toks[j - 2].0, K::And)
            && &text[toks[j - 1].1..toks[j - 1].2] == "mut";
        let mut k = j + 1;
        while toks.get(k).is_some_and(|t| matches!(t.0, K::Dot))
            && toks
                .get(k + 1)
                .is_some_and(|t| matches!(t.0, K::Ident | K::Literal { .. }))
        {
            k += 2;
        }
        if borrowed || muts.contains(name) || assigns(&toks[k.min(toks.len())..]) {
            names.insert(name, None);
        }
    }
}

/// Do the tokens start with an assignment operator (`=`, `+=`, `<<=`,
/// ...), not a comparison (`==`, `<=`)?
fn assigns(toks: &[Tok]) -> bool {
    let kind = |i: usize| toks.get(i).map(|t| t.0);
    let op = |k: Option<K>| {
        matches!(
            k,
            Some(K::Plus | K::Minus | K::Star | K::Slash | K::Percent | K::Caret | K::And | K::Or)
        )
    };
    match kind(0) {
        Some(K::Eq) => !matches!(kind(1), Some(K::Eq)) && !matches!(kind(1), Some(K::Gt)),
        k if op(k) => matches!(kind(1), Some(K::Eq)),
        Some(K::Lt) => matches!(kind(1), Some(K::Lt)) && matches!(kind(2), Some(K::Eq)),
        Some(K::Gt) => matches!(kind(1), Some(K::Gt)) && matches!(kind(2), Some(K::Eq)),
        _ => false,
    }
}

/// The body's statements at its own level, each with whether a `;` ended
/// it. A block-like expression (`if`, `match`, loops, `unsafe`, blocks)
/// ends at its closing brace; `None` for a body it cannot split.
fn statements<'b>(text: &str, body: &'b [Tok]) -> Option<Vec<(&'b [Tok], bool)>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < body.len() {
        // Attributes on a statement.
        if matches!(body[i].0, K::Pound)
            && body
                .get(i + 1)
                .is_some_and(|t| matches!(t.0, K::OpenBracket))
        {
            i = matching(body, i + 1) + 1;
            continue;
        }
        let start = i;
        let first = &text[body[i].1..body[i].2];
        let block_like = matches!(body[i].0, K::OpenBrace)
            || matches!(body[i].0, K::Lifetime { .. })
            || matches!(first, "if" | "match" | "for" | "while" | "loop" | "unsafe");
        if block_like {
            let mut open = block_start(body, i)?;
            let mut close = matching(body, open);
            // `else if ..`, `else { .. }`.
            while body
                .get(close + 1)
                .is_some_and(|t| &text[t.1..t.2] == "else")
            {
                open = block_start(body, close + 2)?;
                close = matching(body, open);
            }
            let next = body.get(close + 1).map(|t| t.0);
            if !matches!(next, Some(K::Dot | K::Question)) {
                let semi = matches!(next, Some(K::Semi));
                out.push((&body[start..=close.min(body.len() - 1)], semi));
                i = close + 1 + usize::from(semi);
                continue;
            }
        }
        // Up to the `;` at this level (a nested item's body is a group).
        let mut depth = 0usize;
        let mut j = i;
        while j < body.len() {
            match body[j].0 {
                K::OpenParen | K::OpenBracket | K::OpenBrace => depth += 1,
                K::CloseParen | K::CloseBracket | K::CloseBrace => depth = depth.saturating_sub(1),
                K::Semi if depth == 0 => break,
                _ => {}
            }
            j += 1;
        }
        let semi = j < body.len();
        if j > start {
            out.push((&body[start..j], semi));
        }
        i = j + 1;
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn returned(body: &str, params: &[&str]) -> Option<String> {
        let lexed = super::super::summary::Lexed::of(body);
        let params: Vec<Option<String>> = params.iter().map(|p| Some(p.to_string())).collect();
        returned_chain(lexed.text, &lexed.tokens, &params)
    }

    #[test]
    fn lets_and_returns_that_agree_give_one_chain() {
        let q = Some("uri.query().unwrap_or()".to_string());
        assert_eq!(
            returned(r#"let q = uri.query().unwrap_or(""); q"#, &["uri"]),
            q
        );
        assert_eq!(
            returned(
                r#"let q = uri.query(); let q = q.unwrap_or(""); return q;"#,
                &["uri"]
            ),
            q
        );
        assert_eq!(
            returned(
                r#"if uri.path() == "/" { return uri.query().unwrap_or("-"); }
                   tracing::debug!("x"); let q: &str = uri.query().unwrap_or(""); &q"#,
                &["uri"]
            ),
            q
        );
        assert_eq!(
            returned("let h = &self.head; h.uri.query()", &[]),
            Some("self.head.uri.query()".to_string())
        );
    }

    #[test]
    fn a_differing_return_a_rebinding_or_a_mutation_gives_nothing() {
        for body in [
            // Two returns that differ.
            r#"if uri.path().is_empty() { return uri.path(); } uri.query().unwrap_or("")"#,
            // A return it cannot read.
            r#"let q = match uri.query() { Some(q) => q, None => return uri.path() }; q"#,
            r#"for s in xs { if s { return ""; } } uri.query().unwrap_or("")"#,
            r#"if a { return uri.query().unwrap_or(""); } else { return ""; }"#,
            // Rebound to something else.
            r#"let q = uri.query(); let q = "fixed"; q"#,
            r#"let uri = Uri::from_static("/"); uri.query().unwrap_or("")"#,
            // Assigned or mutated on the way.
            r#"let mut q = uri.query().unwrap_or(""); q = "x"; q"#,
            r#"let mut q = uri.query().unwrap_or("").to_string(); q.push('&'); q"#,
            r#"let mut q = uri.query().unwrap_or("").to_string(); grow(&mut q); q"#,
            r#"uri = other(); uri.query().unwrap_or("")"#,
            // Not a projection of a parameter.
            r#"let q = other.query(); q"#,
            r#"let q = uri.query(); Ok(q)"#,
            r#"let q = uri.query(); if q.is_some() { q } else { None }"#,
        ] {
            assert_eq!(returned(body, &["uri"]), None, "{body}");
        }
    }

    #[test]
    fn an_option_taken_apart_by_hand_is_the_projection_unwrapped() {
        let q = Some("uri.query().unwrap_or()".to_string());
        for body in [
            r#"match uri.query() { Some(q) => q, None => "" }"#,
            r#"match uri.query() { None => "", Some(q) => { q } }"#,
            r#"match uri.query() { Some(q) => q, _ => Default::default() }"#,
            r#"if let Some(q) = uri.query() { q } else { "" }"#,
            r#"let q = match uri.query() { Some(q) => q, None => return "" }; q"#,
            r#"let Some(q) = uri.query() else { return ""; }; q"#,
            r#"let Some(q) = uri.query() else { tracing::debug!("none"); return "" }; return q;"#,
            r#"let u = uri; match u.query() { Some(v) => v, None => { warn(); "" } }"#,
        ] {
            assert_eq!(returned(body, &["uri"]), q, "{body}");
        }
        assert_eq!(
            returned(
                r#"match uri.query() { Some(q) => q.to_string(), None => String::new() }"#,
                &["uri"]
            ),
            Some("uri.query().unwrap_or().to_string()".to_string())
        );
        assert_eq!(
            returned(
                r#"match self.query.parse() { Ok(v) => v, Err(_) => 0 }"#,
                &[]
            ),
            Some("self.query.parse().unwrap_or()".to_string())
        );
    }

    #[test]
    fn an_option_taken_apart_with_a_followed_other_arm_gives_nothing() {
        for body in [
            // The other arm gives another projection.
            r#"match uri.query() { Some(q) => q, None => uri.path() }"#,
            r#"if let Some(q) = uri.query() { q } else { uri.path() }"#,
            r#"let Some(q) = uri.query() else { return uri.path(); }; q"#,
            // A format string may capture a parameter.
            r#"match uri.query() { Some(q) => q.to_string(), None => format!("{uri}") }"#,
            // The kept arm is not the bound value.
            r#"match uri.query() { Some(_) => "x", None => "" }"#,
            r#"match uri.query() { Some(q) => other(q), None => "" }"#,
            r#"match uri.query() { Some(q) => { log(q); q } None => "" }"#,
            // A guard, three arms, a scrutinee that is no projection.
            r#"match uri.query() { Some(q) if q.len() > 1 => q, _ => "" }"#,
            r#"match uri.query() { Some(q) => q, None => "", _ => "" }"#,
            r#"match other.query() { Some(q) => q, None => "" }"#,
            // `if let` without `else`, or with `else if`.
            r#"if let Some(q) = uri.query() { q }"#,
            r#"if let Some(q) = uri.query() { q } else if a { "" } else { "" }"#,
            // The kept arm returns from the function.
            r#"match uri.query() { Some(q) => return q, None => "" }"#,
        ] {
            assert_eq!(returned(body, &["uri"]), None, "{body}");
        }
    }

    #[test]
    fn comparisons_are_not_assignments() {
        assert_eq!(
            returned(
                r#"let q = uri.query(); let same = q == other && q <= b && q != c; q"#,
                &["uri"]
            ),
            Some("uri.query()".to_string())
        );
    }
}
