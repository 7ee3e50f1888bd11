//! Bounds on what one file may ask of the parser and the analysis.
//!
//! syn, the walk over its tree and the scope analysis all recurse once per
//! level of nesting, and a thread's stack is finite: a generated or hostile
//! file with 100,000 nested parentheses, a 100,000-call method chain or an
//! `else if` ladder as long would overflow it, and a stack overflow aborts
//! the whole process, every other file's findings with it. So before a file
//! is parsed, one linear pass of rust-analyzer's lexer (which does not
//! recurse) estimates how deep its syntax tree can get; a file over
//! [`MAX_DEPTH`] is not parsed at all and becomes a `too-complex` finding
//! with the depth and where it was crossed, and the run goes on.
//!
//! The estimate is an upper bound on the tree's depth, not a guess at it:
//! every open delimiter counts [`GROUP_WEIGHT`] levels, and within one
//! delimiter every token that can add a level to the tree (`.` of a method
//! chain, a binary or unary operator, `?`, `else`, `as`, `<` of a generic)
//! counts one, until a separator (`;`, `,`, `=>`, or the start of a new item
//! or statement after a `}`) ends the run. Flat shapes (huge blocks, huge
//! `match`es, long arrays) stay shallow however long they are.
//!
//! The same pass neutralises numeric literals longer than
//! [`MAX_NUMBER_LEN`]: syn turns an integer literal into a big integer
//! digit by digit, quadratic in its length (40,000 digits take seconds). The
//! literal is replaced by `0___…` of the same length, so every span still
//! maps to the same bytes of the original text.

use crate::diagnostic::Code;
use ra_ap_rustc_lexer::{tokenize, FrontmatterAllowed, LiteralKind, TokenKind as K};
use std::borrow::Cow;

/// The engine's finding for a file it will not analyse: nested too deep,
/// or over the time budget.
pub const TOO_COMPLEX: Code = Code {
    code: "too-complex",
    name: "too-complex",
};

/// What `scope-lint explain too-complex` prints (Markdown).
pub const EXPLANATION: &str = "\
## What it means

scope-lint did not analyse the file, or stopped part way, because going on
would risk the whole run:

- its syntax nests deeper than the parser and the analysis can follow
  (thousands of nested parentheses, braces or generics, or a method chain,
  operator chain or `else if` ladder thousands of links long). The finding
  says how deep the estimate got and where it crossed the limit. A stack
  overflow would abort the process and lose every file's findings, so the
  file is reported instead and the other files are linted;
- or its analysis took longer than the per-file time budget
  (`--time-budget`, `time-budget` in the configuration, 10 seconds by
  default); the findings before that point are kept.

## What to do

Such files are almost always generated: exclude them in the configuration
(`exclude = [\"generated/**\"]`), or split the offending expression. Raise
the time budget if the machine is just slow. The run exits 2 while a file
goes unchecked; `--fix` leaves the file alone.
";

/// The deepest a file may nest, in units of about a kilobyte of stack in
/// an unoptimised build: half the 64 MiB stack of a linting thread. Measured
/// before this bound existed (debug build, 64 MiB stack), the process died
/// at about 16,000 nested braces, 25,000 parentheses, 10,600 nested
/// generics, 58,000 unary operators, 70,000 `else if`s, 81,000 `+`s and
/// 27,000 links of a method chain: the weights below keep every shape at
/// least twice as far from that.
pub const MAX_DEPTH: usize = 32_000;

/// Units an open `{`.
pub const BRACE_WEIGHT: usize = 5;

/// Units an open `(` or `[`.
pub const GROUP_WEIGHT: usize = 3;

/// Units a `<` (a generic's nesting costs the most per level).
pub const ANGLE_WEIGHT: usize = 7;

/// Units a `.` (a method chain's link costs the walk and the analysis
/// about 2.4 KB: the process died at 27,000 links).
pub const DOT_WEIGHT: usize = 3;

/// Units any other token that can add a level (`.`, `?`, an operator,
/// `else`, `as`).
pub const LINK_WEIGHT: usize = 2;

/// Longer numeric literals are neutralised before parsing.
pub const MAX_NUMBER_LEN: usize = 128;

/// A file nested deeper than [`MAX_DEPTH`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    /// The estimated depth where the limit was crossed.
    pub depth: usize,
    /// Byte offset, in the text given to [`prepare`], of the token that
    /// crossed it.
    pub offset: usize,
}

impl TooDeep {
    pub fn message(&self) -> String {
        format!(
            "nested too deeply to analyse safely: syntax depth over {} here (estimated {}); the file was not checked",
            MAX_DEPTH, self.depth
        )
    }
}

/// One open delimiter and the chain of deepening tokens inside it so far.
struct Level {
    run: usize,
    /// What opening it counted.
    weight: usize,
    /// The run just after the last `} else` of an `if` ladder: each link
    /// adds one level, its condition's tokens only while it is read.
    ladder: usize,
}

/// The estimated nesting depth of `text` must stay within `limit`: the
/// text to hand to the parser (numeric literals over [`MAX_NUMBER_LEN`]
/// neutralised, same length), or where the limit was crossed.
pub fn prepare_with(text: &str, limit: usize) -> Result<Cow<'_, str>, TooDeep> {
    let body_start = text.strip_prefix('\u{feff}').map_or(0, |_| 3);
    let start = body_start + ra_ap_rustc_lexer::strip_shebang(&text[body_start..]).unwrap_or(0);
    let mut pos = start;
    let tokens = tokenize(&text[start..], FrontmatterAllowed::No).filter_map(|t| {
        let at = pos;
        pos += t.len as usize;
        let trivia = matches!(
            t.kind,
            K::Whitespace | K::LineComment { .. } | K::BlockComment { .. }
        );
        (!trivia).then_some((t.kind, at, pos))
    });
    prepare_tokens(text, tokens, limit)
}

/// [`prepare_with`] over `text`'s tokens already lexed: kind, start and
/// end, without whitespace and comments (as [`crate::incremental::file_tokens`]
/// gives them).
pub fn prepare_tokens(
    text: &str,
    tokens: impl IntoIterator<Item = (K, usize, usize)>,
    limit: usize,
) -> Result<Cow<'_, str>, TooDeep> {
    let mut levels: Vec<Level> = vec![Level {
        run: 0,
        weight: 0,
        ladder: 0,
    }];
    let mut depth = 0usize;
    let mut long_numbers: Vec<(usize, usize)> = Vec::new();
    // After a `}`: the next token decides whether a new item or statement
    // starts (which ends the run) or the expression goes on.
    let mut after_brace = false;
    let mut prev = K::Whitespace;
    for (kind, at, end) in tokens {
        let len = end - at;
        let word = || &text[at..at + len];
        if after_brace {
            after_brace = false;
            if matches!(kind, K::Ident) && word() == "else" {
                let top = levels.last_mut().expect("a level is always open");
                let run = top.ladder + LINK_WEIGHT;
                depth = depth - top.run + run;
                top.run = run;
                top.ladder = run;
                if depth > limit {
                    return Err(TooDeep { depth, offset: at });
                }
                prev = kind;
                continue;
            }
            let continues = match kind {
                K::Ident => matches!(word(), "as"),
                K::Pound | K::Lifetime { .. } | K::Literal { .. } | K::RawIdent => false,
                _ => true,
            };
            if !continues {
                end_run(&mut levels, &mut depth);
            }
        }
        let weight = match kind {
            K::OpenParen | K::OpenBracket | K::OpenBrace => {
                let weight = if matches!(kind, K::OpenBrace) {
                    BRACE_WEIGHT
                } else {
                    GROUP_WEIGHT
                };
                levels.push(Level {
                    run: 0,
                    weight,
                    ladder: 0,
                });
                weight
            }
            K::CloseParen | K::CloseBracket | K::CloseBrace => {
                if levels.len() > 1 {
                    let l = levels.pop().expect("more than one level");
                    depth -= l.run + l.weight;
                }
                after_brace = matches!(kind, K::CloseBrace);
                0
            }
            K::Semi | K::Comma => {
                end_run(&mut levels, &mut depth);
                0
            }
            K::Gt if matches!(prev, K::Eq) => {
                // `=>`: the `=` counted one.
                end_run(&mut levels, &mut depth);
                0
            }
            K::Dot => DOT_WEIGHT,
            K::Question
            | K::Bang
            | K::Minus
            | K::Star
            | K::And
            | K::Or
            | K::Plus
            | K::Slash
            | K::Percent
            | K::Caret
            | K::Eq => LINK_WEIGHT,
            K::Lt => ANGLE_WEIGHT,
            K::Ident => match word() {
                "else" | "as" | "return" | "break" | "move" => LINK_WEIGHT,
                _ => 0,
            },
            K::Literal {
                kind: LiteralKind::Int { .. } | LiteralKind::Float { .. },
                ..
            } if len > MAX_NUMBER_LEN => {
                long_numbers.push((at, len));
                0
            }
            _ => 0,
        };
        if weight > 0 {
            depth += weight;
            if !matches!(kind, K::OpenParen | K::OpenBracket | K::OpenBrace) {
                levels.last_mut().expect("a level is always open").run += weight;
            }
            if depth > limit {
                return Err(TooDeep { depth, offset: at });
            }
        }
        prev = kind;
    }
    if long_numbers.is_empty() {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (at, len) in long_numbers {
        out.push_str(&text[copied..at]);
        out.push('0');
        out.extend(std::iter::repeat_n('_', len - 1));
        copied = at + len;
    }
    out.push_str(&text[copied..]);
    Ok(Cow::Owned(out))
}

/// [`prepare_with`] at [`MAX_DEPTH`].
pub fn prepare(text: &str) -> Result<Cow<'_, str>, TooDeep> {
    prepare_with(text, MAX_DEPTH)
}

/// syn's `parse_file` behind [`prepare`]: a file too deep to parse safely
/// is an error instead of a stack overflow.
pub fn parse_file(text: &str) -> Result<syn::File, ParseFailure> {
    let prepared = prepare(text).map_err(ParseFailure::TooDeep)?;
    syn::parse_file(&prepared).map_err(ParseFailure::Syntax)
}

/// Why [`parse_file`] gave no tree.
#[derive(Debug)]
pub enum ParseFailure {
    TooDeep(TooDeep),
    Syntax(syn::Error),
}

impl std::fmt::Display for ParseFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseFailure::TooDeep(d) => f.write_str(&d.message()),
            ParseFailure::Syntax(e) => write!(f, "{e}"),
        }
    }
}

fn end_run(levels: &mut [Level], depth: &mut usize) {
    let top = levels.last_mut().expect("a level is always open");
    *depth -= top.run;
    top.run = 0;
    top.ladder = 0;
}

/// Whether a token stream (a macro's arguments) nests within `limit` by
/// the same estimate, so syn may parse it. Iterative: the stream may be as
/// deep as a hostile file.
pub fn shallow_tokens(tokens: &proc_macro2::TokenStream, limit: usize) -> bool {
    use proc_macro2::{Delimiter, TokenTree};
    // Per open group: its tokens, the depth outside it, its run so far.
    let mut stack = vec![(tokens.clone().into_iter(), 0usize, 0usize)];
    while let Some((iter, outside, run)) = stack.last_mut() {
        let Some(t) = iter.next() else {
            stack.pop();
            continue;
        };
        match t {
            TokenTree::Group(g) => {
                let weight = if g.delimiter() == Delimiter::Brace {
                    BRACE_WEIGHT
                } else {
                    GROUP_WEIGHT
                };
                let inner = *outside + *run + weight;
                if inner > limit {
                    return false;
                }
                stack.push((g.stream().into_iter(), inner, 0));
                continue;
            }
            TokenTree::Punct(p) => match p.as_char() {
                ',' | ';' => *run = 0,
                '<' => *run += ANGLE_WEIGHT,
                '.' => *run += DOT_WEIGHT,
                ':' | '#' | '\'' | '>' | '@' | '$' | '~' => {}
                _ => *run += LINK_WEIGHT,
            },
            TokenTree::Ident(i) => {
                if i == "else" || i == "as" || i == "return" || i == "break" || i == "move" {
                    *run += LINK_WEIGHT;
                }
            }
            TokenTree::Literal(_) => {}
        }
        if *outside + *run > limit {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_of(text: &str) -> usize {
        // The smallest limit that accepts the text.
        let (mut lo, mut hi) = (0, 1_000_000);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if prepare_with(text, mid).is_ok() {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    }

    #[test]
    fn nesting_counts_delimiters_and_chains() {
        assert_eq!(depth_of("fn f() {}"), BRACE_WEIGHT);
        let parens = format!("fn f() {{ {}1{} }}", "(".repeat(100), ")".repeat(100));
        assert_eq!(depth_of(&parens), BRACE_WEIGHT + GROUP_WEIGHT * 100);
        let chain = format!("fn f() {{ x{}; }}", ".a()".repeat(100));
        assert_eq!(
            depth_of(&chain),
            BRACE_WEIGHT + DOT_WEIGHT * 100 + GROUP_WEIGHT
        );
        let ladder = format!("fn f() {{ if a {{}}{} }}", " else if a {}".repeat(50));
        assert_eq!(
            depth_of(&ladder),
            BRACE_WEIGHT + LINK_WEIGHT * 50 + BRACE_WEIGHT
        );
        // A link's condition counts while it is read, not for the rest.
        let conditions = format!(
            "fn f() {{ if a == 0 {{}}{} }}",
            " else if a == 1 && !b {}".repeat(50)
        );
        assert_eq!(
            depth_of(&conditions),
            BRACE_WEIGHT + LINK_WEIGHT * 50 + LINK_WEIGHT * 5 + BRACE_WEIGHT
        );
        let generics = format!("type T = {}u8{};", "Option<".repeat(100), ">".repeat(100));
        assert_eq!(depth_of(&generics), LINK_WEIGHT + ANGLE_WEIGHT * 100);
    }

    #[test]
    fn flat_shapes_stay_shallow() {
        let block = format!("fn f() {{ {} }}", "let a = b.c(d);".repeat(10_000));
        assert!(depth_of(&block) < 30, "{}", depth_of(&block));
        let items = "fn a() { x.y() } #[test] fn b() {} struct S;".repeat(10_000);
        assert!(depth_of(&items) < 30, "{}", depth_of(&items));
        let arms = format!(
            "fn f() {{ match x {{ {} }} }}",
            "1 => {} 2 => a.b(),".repeat(5_000)
        );
        assert!(depth_of(&arms) < 30, "{}", depth_of(&arms));
        let array = format!("const A: &[u8] = &[{}];", "1, ".repeat(10_000));
        assert!(depth_of(&array) < 30, "{}", depth_of(&array));
    }

    #[test]
    fn the_limit_reports_where_it_was_crossed() {
        let text = format!("fn f() {{ {} }}", "(".repeat(1_000_000));
        let e = prepare(&text).unwrap_err();
        assert!(e.depth > MAX_DEPTH);
        assert_eq!(
            e.offset,
            "fn f() { ".len() + (MAX_DEPTH - BRACE_WEIGHT) / GROUP_WEIGHT
        );
    }

    #[test]
    fn long_numbers_are_neutralised_in_place() {
        let digits = "7".repeat(1_000);
        let text = format!("\u{feff}fn f() {{ let a = {digits}u64; let b = 12; }}");
        let out = prepare(&text).unwrap();
        assert_eq!(out.len(), text.len());
        assert!(out.contains("let a = 0___"));
        assert!(out.contains("let b = 12;"));
        assert!(syn::parse_file(&out).is_ok());
        assert!(matches!(
            prepare("fn f() { 1234 }").unwrap(),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn token_streams_are_bounded_too() {
        let deep: proc_macro2::TokenStream =
            format!("{}1{}", "(".repeat(20_000), ")".repeat(20_000))
                .parse()
                .unwrap();
        assert!(!shallow_tokens(&deep, MAX_DEPTH));
        let fine: proc_macro2::TokenStream = "a, (b.c()), d".parse().unwrap();
        assert!(shallow_tokens(&fine, MAX_DEPTH));
    }
}
