//! The SL002 loop rewrite, so that a fix which changes a loop's item type
//! also rewrites the loop body:
//!
//! ```text
//! for pair in q.split('&') {                     for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
//!     if let Some((k, v)) = pair.split_once('=') {    out.insert(k.to_string(), v.to_string());
//!         out.insert(k.to_string(), v.to_string()); }
//!     }
//! }
//! ```
//!
//! (or with `let (k, v) = pair.split_once('=').unwrap_or((pair, ""));` as
//! the first statement). The decoder yields `(Cow<str>, Cow<str>)` where
//! the loop had `&str`, so the rewrite is offered only when the code means
//! the same with either: `k` and `v` are only compared with string literals
//! (`==`, `!=`), receive a method that returns an owned value
//! (`to_string()`, `len()`, `parse()`, `starts_with(..)` ...) or appear in a
//! formatting macro; `pair` is not used otherwise and nothing rebinds the
//! names. Anything else keeps the help text and no edit.

use crate::diagnostic::Edit;
use crate::source::SourceFile;
use std::collections::HashSet;
use syn::spanned::Spanned;
use syn::visit::Visit;

/// Methods of `str` whose result owns its data (or is a plain value), so
/// `Cow<str>` answers them alike through `Deref`.
const OWNING_METHODS: &[&str] = &[
    "to_string",
    "len",
    "is_empty",
    "parse",
    "starts_with",
    "ends_with",
    "contains",
    "eq_ignore_ascii_case",
    "to_lowercase",
    "to_uppercase",
    "to_ascii_lowercase",
    "to_ascii_uppercase",
];

/// Macros that only format their arguments.
const FORMAT_MACROS: &[&str] = &[
    "format",
    "format_args",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "panic",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
];

/// The edits that turn `f` (whose iterable splits a raw query on `&`)
/// into a loop over `decoder` (the decoder call, spelt for the crate), if
/// its body has one of the shapes above.
pub fn rewrite(f: &syn::ExprForLoop, decoder: &str, source: &SourceFile) -> Option<Vec<Edit>> {
    let pair = plain_ident(&f.pat)?;
    let stmts = &f.body.stmts;
    let first = stmts.first()?;
    let range = |s: proc_macro2::Span| source.range_of(s);
    let mut edits = vec![Edit {
        range: range(f.expr.span()),
        replacement: decoder.to_string(),
    }];
    let names: Vec<String>;
    match first {
        // `if let Some((k, v)) = pair.split_once('=') { .. }`, alone.
        syn::Stmt::Expr(syn::Expr::If(i), _) if stmts.len() == 1 && i.else_branch.is_none() => {
            let syn::Expr::Let(l) = &*i.cond else {
                return None;
            };
            let syn::Pat::TupleStruct(ts) = &*l.pat else {
                return None;
            };
            if !ts.path.is_ident("Some") || ts.elems.len() != 1 || !splits_on_eq(&l.expr, &pair) {
                return None;
            }
            let (kv, found) = key_value(ts.elems.first()?, source)?;
            names = found;
            if !uses_are_alike(&i.then_branch.stmts, &names, &pair) {
                return None;
            }
            edits.push(Edit {
                range: range(f.pat.span()),
                replacement: kv,
            });
            edits.push(Edit {
                range: range(i.span()),
                replacement: dedented_block(&i.then_branch, range(i.span()).start, source)?,
            });
        }
        // `let (k, v) = pair.split_once('=').unwrap_or((pair, ""));` first.
        syn::Stmt::Local(local) => {
            let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
            let syn::Expr::MethodCall(m) = &*init.expr else {
                return None;
            };
            let default_is_pair = matches!(m.args.first(), Some(syn::Expr::Tuple(t))
                if t.elems.len() == 2
                    && is_name(&t.elems[0], &pair)
                    && crate::rules::literal_text(&t.elems[1]).is_some_and(|s| s.is_empty()));
            if m.method != "unwrap_or" || !default_is_pair || !splits_on_eq(&m.receiver, &pair) {
                return None;
            }
            let (kv, found) = key_value(&local.pat, source)?;
            names = found;
            if !uses_are_alike(&stmts[1..], &names, &pair) {
                return None;
            }
            edits.push(Edit {
                range: range(f.pat.span()),
                replacement: kv,
            });
            edits.push(Edit {
                range: whole_lines(range(local.span()), &source.text),
                replacement: String::new(),
            });
        }
        _ => return None,
    }
    Some(edits)
}

/// `name` of a pattern that is just a name (no `ref`, `mut` or `@`).
fn plain_ident(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(p)
            if p.by_ref.is_none() && p.mutability.is_none() && p.subpat.is_none() =>
        {
            Some(p.ident.to_string())
        }
        _ => None,
    }
}

/// `(k, v)` (names or `_`): its text and its names.
fn key_value(pat: &syn::Pat, source: &SourceFile) -> Option<(String, Vec<String>)> {
    let syn::Pat::Tuple(t) = pat else {
        return None;
    };
    if t.elems.len() != 2 {
        return None;
    }
    let mut names = Vec::new();
    for e in &t.elems {
        match e {
            syn::Pat::Wild(_) => {}
            other => names.push(plain_ident(other)?),
        }
    }
    Some((source.snippet(t.span()).to_string(), names))
}

fn is_name(e: &syn::Expr, name: &str) -> bool {
    matches!(e, syn::Expr::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

/// `pair.split_once('=')` (or `"="`).
fn splits_on_eq(e: &syn::Expr, pair: &str) -> bool {
    matches!(e, syn::Expr::MethodCall(m)
        if m.method == "split_once"
            && is_name(&m.receiver, pair)
            && m.args.len() == 1
            && crate::rules::literal_text(&m.args[0]).as_deref() == Some("="))
}

/// Whether every use of `names` in `stmts` means the same on `&str` and
/// `Cow<str>`, and `pair` is not used.
fn uses_are_alike(stmts: &[syn::Stmt], names: &[String], pair: &str) -> bool {
    let mut check = Uses {
        names,
        pair,
        alike: HashSet::new(),
        ok: true,
    };
    for s in stmts {
        check.visit_stmt(s);
    }
    check.ok
}

struct Uses<'n> {
    names: &'n [String],
    pair: &'n str,
    /// Name expressions already seen in an alike position.
    alike: HashSet<*const syn::ExprPath>,
    ok: bool,
}

impl Uses<'_> {
    fn name_of<'e>(&self, e: &'e syn::Expr) -> Option<&'e syn::ExprPath> {
        match e {
            syn::Expr::Path(p) if self.names.iter().any(|n| p.path.is_ident(n)) => Some(p),
            _ => None,
        }
    }
}

impl<'ast> Visit<'ast> for Uses<'_> {
    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        match e {
            syn::Expr::MethodCall(m) if OWNING_METHODS.contains(&m.method.to_string().as_str()) => {
                if let Some(p) = self.name_of(&m.receiver) {
                    self.alike.insert(p);
                }
            }
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) => {
                let is_str = |e: &syn::Expr| matches!(e, syn::Expr::Lit(l) if matches!(l.lit, syn::Lit::Str(_)));
                if let (Some(p), true) = (self.name_of(&b.left), is_str(&b.right)) {
                    self.alike.insert(p);
                }
                if let (Some(p), true) = (self.name_of(&b.right), is_str(&b.left)) {
                    self.alike.insert(p);
                }
            }
            _ => {}
        }
        syn::visit::visit_expr(self, e);
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if p.path.is_ident(self.pair)
            || (self.names.iter().any(|n| p.path.is_ident(n))
                && !self.alike.contains(&(p as *const _)))
        {
            self.ok = false;
        }
    }

    fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
        if p.ident == self.pair || self.names.iter().any(|n| p.ident == n) {
            self.ok = false;
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let formats = m
            .path
            .segments
            .last()
            .is_some_and(|s| FORMAT_MACROS.contains(&s.ident.to_string().as_str()));
        let mut stack: Vec<proc_macro2::TokenStream> = vec![m.tokens.clone()];
        while let Some(ts) = stack.pop() {
            for t in ts {
                match t {
                    proc_macro2::TokenTree::Group(g) => stack.push(g.stream()),
                    proc_macro2::TokenTree::Ident(i)
                        if i == self.pair || (!formats && self.names.iter().any(|n| i == n)) =>
                    {
                        self.ok = false;
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The statements of `block`, without its braces, indented as the
/// expression starting at `at` was (a comment after the opening brace
/// comes first); `None` when a string literal spans lines (dedenting would
/// change it) or code precedes `at` on its line.
fn dedented_block(block: &syn::Block, at: usize, source: &SourceFile) -> Option<String> {
    let text = &source.text;
    let r = source.range_of(block.span());
    let inner = &text[r.start + 1..r.end - 1];
    let Some((head, rest)) = inner.split_once('\n') else {
        return Some(inner.trim().to_string());
    };
    let mut pos = 0;
    for t in ra_ap_rustc_lexer::tokenize(inner, ra_ap_rustc_lexer::FrontmatterAllowed::No) {
        let end = pos + t.len as usize;
        if matches!(t.kind, ra_ap_rustc_lexer::TokenKind::Literal { .. })
            && inner[pos..end].contains('\n')
        {
            return None;
        }
        pos = end;
    }
    let at_indent = &text[text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
    if !at_indent.trim().is_empty() {
        return None;
    }
    let indent_of = |line: &str| line.len() - line.trim_start().len();
    let lines: Vec<&str> = rest.lines().collect();
    let least = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent_of(l))
        .min()
        .unwrap_or(0);
    let shift = least.checked_sub(at_indent.len())?;
    let mut out: Vec<&str> = Vec::new();
    if !head.trim().is_empty() {
        out.push(head.trim());
    }
    for l in lines {
        out.push(if l.trim().is_empty() { "" } else { &l[shift..] });
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    // The first line takes the place of `at`, after its indentation.
    let first = out.first()?.trim_start().to_string();
    let mut joined = first;
    for l in &out[1..] {
        joined.push('\n');
        if !l.is_empty() {
            joined.push_str(l);
        }
    }
    Some(joined)
}

/// `range` grown to whole lines (with the line break) when nothing else
/// is on them; when a comment follows on its line, up to the comment.
fn whole_lines(range: std::ops::Range<usize>, text: &str) -> std::ops::Range<usize> {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[range.end..]
        .find('\n')
        .map_or(text.len(), |i| range.end + i + 1);
    let before_blank = text[line_start..range.start].trim().is_empty();
    let after = &text[range.end..line_end];
    if before_blank && after.trim().is_empty() {
        line_start..line_end
    } else if before_blank && after.trim_start().starts_with("//") {
        range.start..range.end + (after.len() - after.trim_start().len())
    } else {
        range
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loop (the first statement of `body`) rewritten, or `None`.
    fn rewritten(body: &str) -> Option<String> {
        let text = format!("fn f(q: &str) {{\n    {body}\n}}\n");
        let source = SourceFile::new(std::path::Path::new("t.rs"), text.clone());
        let file = syn::parse_file(&text).unwrap();
        let syn::Item::Fn(f) = &file.items[0] else {
            unreachable!()
        };
        let syn::Stmt::Expr(syn::Expr::ForLoop(l), _) = &f.block.stmts[0] else {
            panic!("not a loop: {body}")
        };
        let mut edits = rewrite(l, "parse(q)", &source)?;
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        let mut out = text;
        for e in edits {
            out.replace_range(e.range, &e.replacement);
        }
        Some(out)
    }

    #[test]
    fn alike_uses_are_rewritten_with_the_body_dedented() {
        let out = rewritten("for pair in q.split('&') {\n        if let Some((k, v)) = pair.split_once('=') {\n            if k == \"a\" {\n                println!(\"{}\", v.to_string());\n            }\n        }\n    }").unwrap();
        assert_eq!(out, "fn f(q: &str) {\n    for (k, v) in parse(q) {\n        if k == \"a\" {\n            println!(\"{}\", v.to_string());\n        }\n    }\n}\n");
        let out = rewritten("for p in q.split('&') {\n        let (k, _) = p.split_once(\"=\").unwrap_or((p, \"\"));\n        let n: usize = k.parse().unwrap();\n    }").unwrap();
        assert_eq!(out, "fn f(q: &str) {\n    for (k, _) in parse(q) {\n        let n: usize = k.parse().unwrap();\n    }\n}\n");
    }

    #[test]
    fn uses_that_differ_between_str_and_cow_are_not_rewritten() {
        for body in [
            // a borrowed piece escapes, or is passed on as `&str`
            "for p in q.split('&') { if let Some((k, v)) = p.split_once('=') { keep(k); } }",
            "for p in q.split('&') { if let Some((k, v)) = p.split_once('=') { let x = k.trim(); } }",
            "for p in q.split('&') { if let Some((k, v)) = p.split_once('=') { let x = vec![k]; } }",
            "for p in q.split('&') { if let Some((k, v)) = p.split_once('=') { let w = k.to_owned(); } }",
            "for p in q.split('&') { if let Some((k, v)) = p.split_once('=') { match k { \"a\" => {} _ => {} } } }",
            // the piece itself is used
            "for p in q.split('&') { if let Some((k, v)) = p.split_once('=') { log(p.len()); } }",
            // the names are rebound
            "for p in q.split('&') { if let Some((k, v)) = p.split_once('=') { let k = 1; } }",
            // other shapes
            "for p in q.split('&') { if let Some((k, v)) = p.split_once('=') { } else { } }",
            "for p in q.split('&') { let (k, v) = p.split_once('=').unwrap(); }",
            "for p in q.split('&') { count += 1; }",
            "for mut p in q.split('&') { if let Some((k, v)) = p.split_once('=') { } }",
            // a string spanning lines would change if dedented
            "for p in q.split('&') {\n        if let Some((k, v)) = p.split_once('=') {\n            println!(\"{}\n{}\", k.len(), v.len());\n        }\n    }",
        ] {
            assert_eq!(rewritten(body), None, "{body}");
        }
    }
}
