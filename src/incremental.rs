//! Re-linting an edited text by analysing again only the function whose
//! body changed: the language server's keystroke path.
//!
//! An editor sends a new text per keystroke, and nearly every keystroke
//! lands inside one function body. Parsing and analysing a 2,000-line file
//! again costs tens of milliseconds; the other functions' findings cannot
//! have changed when (a) the edit lies inside one body, braces excluded,
//! (b) every function of the new text is where the old one was (shifted by
//! the edit's length after it), so the text outside that body is the same,
//! and (c) the crate index and the linter are the ones the old findings
//! were computed with (an edit that changes signatures relinks the index,
//! and the server then lints every open file in full). The analysis of a
//! body reads its own text, the file's items and signatures, and the crate
//! index (for this file too: its summary is made from signatures), never
//! another function's body, with one exception: a trait or `impl` declared
//! inside a body adds to the file's known methods, so such bodies are
//! never masked.
//!
//! Then the file is parsed with every other function's body blanked out
//! (same length, newlines kept: every offset stays valid) and only the
//! edited function is walked; its findings are taken from that, and
//! everything else from the previous findings, shifted past the edit. Suppressions run on
//! the real text afterwards, as for a full lint. Any doubt (a text that no
//! longer lexes into the same functions, a finding that straddles the
//! edit, a parse error, a file the index does not know) means a full lint.

use crate::diagnostic::Diagnostic;
use crate::index::SharedIndex;
use ra_ap_rustc_lexer::TokenKind as K;
use std::ops::Range;
use std::sync::Arc;

/// A function item whose body the incremental path can swap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FnExtent {
    /// From the `fn` keyword to the end of the body.
    pub item: Range<usize>,
    /// The body, braces included.
    pub body: Range<usize>,
    /// The body declares no trait, `impl` or module (blanking it changes
    /// nothing another function's analysis reads).
    pub maskable: bool,
    /// The head of the `impl`, `trait` or `mod` block the function is in
    /// (`impl<B> Ext for Request<B>`), up to its brace.
    pub container: Option<Range<usize>>,
}

/// What a full lint of a text left for the next edit of it.
#[derive(Clone)]
pub struct Analysis {
    pub text: Arc<str>,
    pub fns: Vec<FnExtent>,
    /// The engine's findings before suppressions were applied.
    pub raw: Vec<Diagnostic>,
    /// The index they were computed with.
    pub index: Option<Arc<SharedIndex>>,
}

/// How to lint a new text from the last analysis.
#[derive(Debug)]
pub struct Plan {
    /// The edited function, by position in [`Analysis::fns`].
    edited: usize,
    /// The functions of the new text.
    pub fns: Vec<FnExtent>,
    /// The edit, in old offsets, and the change in length.
    old_edit: Range<usize>,
    delta: isize,
}

/// The function items of a text: at the top level and in `impl`, `trait`
/// and inline `mod` blocks (a function nested in a body is part of it).
pub fn fn_extents(text: &str) -> Vec<FnExtent> {
    fn_extents_of(text, &file_tokens(text))
}

/// The tokens of `text` without whitespace and comments, as kind, start
/// and end offsets in `text` (after a BOM and a shebang line).
pub fn file_tokens(text: &str) -> Vec<(K, usize, usize)> {
    file_tokens_and_docs(text).0
}

/// [`file_tokens`], and where its doc comments are
/// ([`crate::index::summary::Lexed::docs`], offsets in `text`).
pub fn file_tokens_and_docs(text: &str) -> (Vec<(K, usize, usize)>, Vec<usize>) {
    // Offsets in `text`: the lexed text starts after a BOM and a shebang.
    let lexed = crate::index::summary::Lexed::of(text);
    let skip = text.len() - lexed.text.len();
    let (mut tokens, mut docs) = (lexed.tokens, lexed.docs);
    if skip > 0 {
        for t in &mut tokens {
            t.1 += skip;
            t.2 += skip;
        }
        for d in &mut docs {
            *d += skip;
        }
    }
    (tokens, docs)
}

/// [`fn_extents`] over the tokens of [`file_tokens`].
pub fn fn_extents_of(text: &str, tokens: &[(K, usize, usize)]) -> Vec<FnExtent> {
    let word = |i: usize| &text[tokens[i].1..tokens[i].2];
    let mut out = Vec::new();
    // Index of the first token of the current item or statement.
    let mut start = 0;
    let mut i = 0;
    // The containers open at `i`: their closing brace and head text.
    let mut containers: Vec<(usize, Range<usize>)> = Vec::new();
    while i < tokens.len() {
        while containers.last().is_some_and(|c| c.0 < i) {
            containers.pop();
        }
        match tokens[i].0 {
            K::Semi | K::CloseBrace => start = i + 1,
            K::OpenBrace => {
                let head = start..i;
                let has = |w: &str| {
                    head.clone()
                        .any(|j| matches!(tokens[j].0, K::Ident) && word(j) == w)
                };
                let close = matching(tokens, i);
                let fn_at = head.clone().find(|&j| {
                    matches!(tokens[j].0, K::Ident)
                        && word(j) == "fn"
                        && tokens.get(j + 1).is_some_and(|t| matches!(t.0, K::Ident))
                });
                // A struct pattern among the parameters (`fn f(S { a }: S)`)
                // is not the body.
                let in_params = fn_at.is_some_and(|f| {
                    (f..i).fold(0isize, |open, j| match tokens[j].0 {
                        K::OpenParen => open + 1,
                        K::CloseParen => open - 1,
                        _ => open,
                    }) > 0
                });
                if in_params {
                    i = close + 1;
                    continue;
                }
                if let Some(f) = fn_at.filter(|_| close < tokens.len()) {
                    let declares = (i + 1..close).any(|j| {
                        matches!(tokens[j].0, K::Ident)
                            && matches!(word(j), "impl" | "trait" | "mod")
                    });
                    out.push(FnExtent {
                        item: tokens[f].1..tokens[close].2,
                        body: tokens[i].1..tokens[close].2,
                        maskable: !declares,
                        container: containers.last().map(|c| c.1.clone()),
                    });
                    i = close + 1;
                    start = i;
                    continue;
                }
                if has("impl") || has("trait") || has("mod") {
                    // A container: its items are looked at one by one.
                    if start < i {
                        containers.push((close, tokens[start].1..tokens[i].1));
                    }
                    start = i + 1;
                } else {
                    // A struct, an enum, a macro, a const block: skipped.
                    i = close + 1;
                    start = i;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The index of the brace closing the one at `open` (`tokens.len()` when
/// unbalanced).
fn matching(tokens: &[(K, usize, usize)], open: usize) -> usize {
    let mut depth = 0usize;
    for (j, t) in tokens.iter().enumerate().skip(open) {
        match t.0 {
            K::OpenBrace => depth += 1,
            K::CloseBrace => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// A plan to re-analyse one body, when the edit allows it.
pub fn plan(previous: &Analysis, text: &str, index: Option<&Arc<SharedIndex>>) -> Option<Plan> {
    let same_index = match (&previous.index, index) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        _ => false,
    };
    if !same_index {
        return None;
    }
    let old: &str = &previous.text;
    let (old_edit, new_end) = changed(old, text)?;
    let delta = text.len() as isize - old.len() as isize;
    let edited = previous
        .fns
        .iter()
        .position(|f| f.body.start < old_edit.start && old_edit.end < f.body.end)?;
    let fns = fn_extents(text);
    if fns.len() != previous.fns.len() {
        return None;
    }
    let shift = |r: &Range<usize>| -> Range<usize> {
        (r.start as isize + delta) as usize..(r.end as isize + delta) as usize
    };
    let same_place = previous
        .fns
        .iter()
        .zip(&fns)
        .enumerate()
        .all(|(k, (a, b))| {
            a.maskable == b.maskable
                && match k.cmp(&edited) {
                    std::cmp::Ordering::Less => a == b,
                    std::cmp::Ordering::Equal => {
                        a.item.start == b.item.start
                            && a.body.start == b.body.start
                            && shift(&(a.body.end..a.item.end)) == (b.body.end..b.item.end)
                            && new_end < b.body.end
                    }
                    std::cmp::Ordering::Greater => {
                        shift(&a.item) == b.item && shift(&a.body) == b.body
                    }
                }
        });
    same_place.then_some(Plan {
        edited,
        fns,
        old_edit,
        delta,
    })
}

/// The part of `old` that `new` replaced (common prefix and suffix cut
/// off), and where the replacement ends in `new`; `None` when equal.
fn changed(old: &str, new: &str) -> Option<(Range<usize>, usize)> {
    if old == new {
        return None;
    }
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    Some((prefix..old.len() - suffix, new.len() - suffix))
}

impl Plan {
    /// The new text with every other maskable body blanked: spaces, with
    /// its newlines kept (so lines and offsets stay as they are).
    pub fn masked(&self, text: &str) -> String {
        let mut bytes = text.as_bytes().to_vec();
        for (k, f) in self.fns.iter().enumerate() {
            if k == self.edited || !f.maskable {
                continue;
            }
            for b in &mut bytes[f.body.start + 1..f.body.end - 1] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        }
        // Whole multi-byte characters were blanked (a body's braces are
        // ASCII): still UTF-8.
        String::from_utf8(bytes).expect("blanking whole bodies keeps UTF-8")
    }

    /// The edited function's body, in the new text: the only one the
    /// engine needs to walk.
    pub fn focus(&self) -> Range<usize> {
        self.fns[self.edited].body.clone()
    }

    /// The findings of the new text: the edited function's from `fresh`
    /// (the analysis of the masked text), every other one's from
    /// `previous`, moved past the edit. `None` when a previous finding
    /// touches the edit (a full lint decides).
    pub fn merge(&self, previous: &Analysis, fresh: Vec<Diagnostic>) -> Option<Vec<Diagnostic>> {
        let old_item = &previous.fns[self.edited].item;
        let new_item = &self.fns[self.edited].item;
        let mut out: Vec<Diagnostic> = fresh
            .into_iter()
            .filter(|d| new_item.contains(&d.range.start))
            .collect();
        for d in &previous.raw {
            if old_item.contains(&d.range.start) {
                continue;
            }
            out.push(self.moved(d)?);
        }
        Some(out)
    }

    fn moved(&self, d: &Diagnostic) -> Option<Diagnostic> {
        let mut d = d.clone();
        // Before the edit: as it was; after it: moved; across it: unknown.
        let moved = |r: &mut Range<usize>| -> Option<()> {
            if r.end <= self.old_edit.start {
                return Some(());
            }
            if r.start >= self.old_edit.end {
                r.start = r.start.checked_add_signed(self.delta)?;
                r.end = r.end.checked_add_signed(self.delta)?;
                return Some(());
            }
            None
        };
        moved(&mut d.range)?;
        for l in &mut d.labels {
            moved(&mut l.range)?;
        }
        if let Some(fix) = &mut d.fix {
            for e in &mut fix.edits {
                moved(&mut e.range)?;
            }
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "use x::Y;\n\nstruct S { f: u8 }\n\nfn a(q: &str) -> u8 {\n    let n = q.len();\n    0\n}\n\nimpl S {\n    pub fn b(&self) {\n        fn inner() {}\n    }\n    fn decl(&self);\n}\n\nmod m {\n    fn c() { trait T {} }\n}\n\nmacro_rules! mac { () => { fn hidden() {} } }\n";

    #[test]
    fn functions_at_item_level_in_impls_and_modules() {
        let fns = fn_extents(TEXT);
        let names: Vec<&str> = fns
            .iter()
            .map(|f| TEXT[f.item.clone()].split(['(', ' ']).nth(1).unwrap())
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert!(TEXT[fns[0].body.clone()].starts_with("{\n    let n"));
        assert!(TEXT[fns[1].body.clone()].contains("fn inner"));
        assert!(fns[0].maskable && fns[1].maskable);
        assert!(!fns[2].maskable, "declares a trait");
    }

    fn analysis(text: &str, raw: Vec<Diagnostic>) -> Analysis {
        Analysis {
            text: text.into(),
            fns: fn_extents(text),
            raw,
            index: Some(Arc::new(SharedIndex::ready(Default::default()))),
        }
    }

    fn finding(range: Range<usize>) -> Diagnostic {
        let code = crate::diagnostic::Code {
            code: "SL002",
            name: "x",
        };
        Diagnostic::new(code, crate::diagnostic::Level::Warning, range, "m")
    }

    #[test]
    fn a_struct_pattern_parameter_is_not_the_body() {
        let text = "fn f(S { a, b: c }: S, T(d): T) -> u8 { a + c }\nfn g() {}\n";
        let fns = fn_extents(text);
        let bodies: Vec<&str> = fns.iter().map(|f| &text[f.body.clone()]).collect();
        assert_eq!(bodies, ["{ a + c }", "{}"]);
        assert_eq!(
            &text[fns[0].item.clone()],
            &text[..text.find('\n').unwrap()]
        );
    }

    #[test]
    fn an_edit_inside_a_body_reanalyses_that_function_only() {
        let in_a = TEXT.find("q.len").unwrap();
        let in_b = TEXT.find("fn inner").unwrap();
        let before = analysis(TEXT, vec![finding(in_a..in_a + 5), finding(in_b..in_b + 2)]);
        let index = before.index.clone();
        let edited = TEXT.replace("q.len()", "q.trim().len()");
        let plan = plan(&before, &edited, index.as_ref()).expect("inside a's body");
        let masked = plan.masked(&edited);
        assert_eq!(masked.len(), edited.len());
        assert_eq!(masked.lines().count(), edited.lines().count());
        assert!(masked.contains("q.trim().len()"), "the edited body stays");
        assert!(!masked.contains("fn inner"), "other bodies are blank");
        assert!(masked.contains("trait T"), "a body declaring a trait stays");
        let fresh_at = edited.find("q.trim").unwrap();
        let merged = plan
            .merge(&before, vec![finding(fresh_at..fresh_at + 6)])
            .unwrap();
        let ranges: Vec<&str> = merged.iter().map(|d| &edited[d.range.clone()]).collect();
        assert_eq!(ranges, ["q.trim", "fn"], "b's finding moved with the text");

        // Another index, a new function, an edit of a signature, of two
        // bodies or across a brace: no plan.
        let other = Some(Arc::new(SharedIndex::ready(Default::default())));
        assert!(super::plan(&before, &edited, other.as_ref()).is_none());
        for text in [
            TEXT.replace("fn a(q: &str)", "fn a(q: &String)"),
            TEXT.replace("0\n}\n\nimpl", "0\n}\nfn z() {}\nimpl"),
            TEXT.replace("let n", "let m")
                .replace("fn inner", "fn inner2"),
            TEXT.replace("    0\n}", "    0\n"),
            TEXT.replace("let n = q", "let n = \"q"),
        ] {
            assert!(
                super::plan(&before, &text, index.as_ref()).is_none(),
                "{text}"
            );
        }
    }
}
