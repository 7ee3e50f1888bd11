//! Names a function binds itself. A bare mention of a followed function
//! (`path`, with `use warp::*;`) keeps a body only when it can be that
//! function: a parameter, a `let`, a closure parameter or a `for` binding
//! of the same name hides it ([`bound_locally`], asked by
//! [`super::mask`]'s mention scan).

use crate::incremental::FnExtent;
use ra_ap_rustc_lexer::TokenKind as K;

/// Whether the identifier at token `i` names a parameter of the function
/// it is in, a `let` binding before it in an enclosing block of that
/// function, a `for` loop's binding inside its loop, or a closure's
/// parameter inside the closure. `match`, `if let` and `while let`
/// bindings are not followed (the name then still counts: a body is kept,
/// never wrongly blanked), nor is anything in a function nested in the
/// body.
pub(super) fn bound_locally(
    text: &str,
    tokens: &[(K, usize, usize)],
    fns: &[FnExtent],
    i: usize,
) -> bool {
    let at = tokens[i].1;
    let Some(f) = fns
        .get(fns.partition_point(|f| f.item.start <= at).wrapping_sub(1))
        .filter(|f| f.item.contains(&at))
    else {
        return false;
    };
    let name = &text[tokens[i].1..tokens[i].2];
    let word = |j: usize| &text[tokens[j].1..tokens[j].2];
    let fn_kw = tokens.partition_point(|t| t.1 < f.item.start);
    let open = tokens.partition_point(|t| t.1 < f.body.start);
    // The parameters: from the first `(` after the name (and generics).
    let Some(params) = (fn_kw..open).find(|&j| matches!(tokens[j].0, K::OpenParen)) else {
        return false;
    };
    let Some(param) = parameters(text, tokens, params + 1, name, i) else {
        return false;
    };
    if param.binding == Some(i) {
        return true;
    }
    let param = param.binding.is_some();
    if i <= open {
        return false;
    }
    // `let` statements before the mention, in the blocks still open there.
    let mut blocks: Vec<bool> = Vec::new();
    // The block depth a `let` binding the name ends at.
    let mut pending: Option<usize> = None;
    let mut j = open;
    while j < i {
        match tokens[j].0 {
            K::OpenBrace => blocks.push(false),
            K::CloseBrace => {
                blocks.pop();
                if pending.is_some_and(|d| d > blocks.len()) {
                    pending = None;
                }
            }
            K::Semi if pending == Some(blocks.len()) => {
                if let Some(b) = blocks.last_mut() {
                    *b = true;
                }
                pending = None;
            }
            K::Ident
                if word(j) == "fn"
                    && tokens.get(j + 1).is_some_and(|t| matches!(t.0, K::Ident)) =>
            {
                // A nested function sees none of this one's bindings.
                let Some(body) = (j..i).find(|&k| matches!(tokens[k].0, K::OpenBrace)) else {
                    return false;
                };
                let close = crate::index::summary::matching(tokens, body);
                if close >= i {
                    return false;
                }
                j = close + 1;
                continue;
            }
            // `|a, (b, c): (u8, u8)| ..`: the parameters hide the name
            // up to the end of the closure's body, the first `,` or `;`
            // of the group it is in (or that group's end).
            K::Or if starts_expression(text, tokens, j) => {
                let Some(closure) = parameters(text, tokens, j + 1, name, i)
                    .filter(|c| tokens.get(c.end).is_some_and(|t| matches!(t.0, K::Or)))
                else {
                    j += 1;
                    continue;
                };
                let end = closure.end;
                // The parameter itself, or a mention in the closure's body.
                let hides = |b: usize| b == i || (end < i && i < expression_end(tokens, end + 1));
                if closure.binding.is_some_and(hides) {
                    return true;
                }
                j = end.max(j) + 1;
                continue;
            }
            // `for name in ..{ .. }`: the name inside the loop's block.
            K::Ident
                if word(j) == "for" && tokens.get(j + 1).is_some_and(|t| !matches!(t.0, K::Lt)) =>
            {
                let mut k = j + 1;
                let mut bound = false;
                while k <= i && !(matches!(tokens[k].0, K::Ident) && word(k) == "in") {
                    if matches!(tokens[k].0, K::Ident) && word(k) == name && binds(tokens, k, false)
                    {
                        if k == i {
                            // The binding itself.
                            return true;
                        }
                        bound = true;
                    }
                    k += 1;
                }
                if bound {
                    let mut depth = 0usize;
                    let block = (k..i).find(|&b| match tokens[b].0 {
                        K::OpenParen | K::OpenBracket => {
                            depth += 1;
                            false
                        }
                        K::CloseParen | K::CloseBracket => {
                            depth = depth.saturating_sub(1);
                            false
                        }
                        K::OpenBrace => depth == 0,
                        _ => false,
                    });
                    if let Some(open) = block {
                        if i < crate::index::summary::matching(tokens, open) {
                            return true;
                        }
                    }
                }
            }
            K::Ident
                if word(j) == "let"
                    && pending.is_none()
                    && matches!(tokens[j - 1].0, K::Semi | K::OpenBrace | K::CloseBrace) =>
            {
                let mut k = j + 1;
                let mut depth = 0usize;
                while k <= i {
                    match tokens[k].0 {
                        K::OpenParen | K::OpenBracket | K::OpenBrace => depth += 1,
                        K::CloseParen | K::CloseBracket | K::CloseBrace => {
                            if depth == 0 {
                                break;
                            }
                            depth -= 1;
                        }
                        K::Eq | K::Semi if depth == 0 => break,
                        K::Colon if depth == 0 && !is_path_colon(tokens, k) => break,
                        K::Ident if word(k) == name && binds(tokens, k, depth == 0) => {
                            if k == i {
                                // The binding itself.
                                return true;
                            }
                            pending = Some(blocks.len());
                        }
                        _ => {}
                    }
                    k += 1;
                }
            }
            _ => {}
        }
        j += 1;
    }
    param || blocks.iter().any(|&b| b)
}

/// A parameter list's patterns, read by [`parameters`].
struct Parameters {
    /// The token ending the list: its `)` or closing `|`.
    end: usize,
    /// A token of a pattern binding the name asked for (the first one,
    /// or the one being asked about).
    binding: Option<usize>,
}

/// The parameter list starting at token `from` (after a function's `(`
/// or a closure's `|`), up to the `)` or `|` closing it: where a pattern
/// binds `name` (`name: T`, `Path(name): Path<T>`, `S { f: name }: S`).
/// `None` when what follows is no parameter list (a `=` or `;` at its top
/// level: `match x { | A => .. }`). A binding at token `at` is the one
/// returned, if there is one there.
fn parameters(
    text: &str,
    tokens: &[(K, usize, usize)],
    from: usize,
    name: &str,
    at: usize,
) -> Option<Parameters> {
    let word = |j: usize| &text[tokens[j].1..tokens[j].2];
    let mut depth = 0usize;
    let mut in_pattern = true;
    let mut binding = None;
    let mut j = from;
    while j < tokens.len() {
        match tokens[j].0 {
            K::Or if depth == 0 => break,
            K::Eq | K::Semi if depth == 0 => return None,
            K::OpenParen | K::OpenBracket | K::OpenBrace | K::Lt => depth += 1,
            K::CloseParen | K::CloseBracket | K::CloseBrace if depth == 0 => break,
            K::CloseParen | K::CloseBracket | K::CloseBrace => depth -= 1,
            K::Gt if !matches!(tokens[j - 1].0, K::Minus) => depth = depth.saturating_sub(1),
            K::Comma if depth == 0 => in_pattern = true,
            K::Colon if depth == 0 && !is_path_colon(tokens, j) => in_pattern = false,
            K::Ident if in_pattern && word(j) == name && binds(tokens, j, depth == 0) => {
                if j == at {
                    binding = Some(j);
                } else {
                    binding.get_or_insert(j);
                }
            }
            _ => {}
        }
        j += 1;
    }
    Some(Parameters { end: j, binding })
}

/// Whether the `|` at `j` opens a closure's parameters: it starts an
/// expression (`(`, `,`, `=`, `{`, `;`, `=>`, `move`, `return` ...
/// before it), where a binary `|` follows an operand.
fn starts_expression(text: &str, tokens: &[(K, usize, usize)], j: usize) -> bool {
    let Some(p) = j.checked_sub(1) else {
        return false;
    };
    match tokens[p].0 {
        K::OpenParen | K::OpenBracket | K::OpenBrace | K::Comma | K::Semi | K::Eq => true,
        // `=>`, and `-> T` is not an expression.
        K::Gt => p > 0 && matches!(tokens[p - 1].0, K::Eq),
        K::Ident => matches!(
            &text[tokens[p].1..tokens[p].2],
            "move" | "async" | "return" | "in" | "break"
        ),
        _ => false,
    }
}

/// Where the expression starting at token `from` ends: the first `,` or
/// `;` outside the delimiters it opens, or the close of the group it is
/// in.
fn expression_end(tokens: &[(K, usize, usize)], from: usize) -> usize {
    let mut depth = 0usize;
    for (k, t) in tokens.iter().enumerate().skip(from) {
        match t.0 {
            K::OpenParen | K::OpenBracket | K::OpenBrace => depth += 1,
            K::CloseParen | K::CloseBracket | K::CloseBrace if depth == 0 => return k,
            K::CloseParen | K::CloseBracket | K::CloseBrace => depth -= 1,
            K::Comma | K::Semi if depth == 0 => return k,
            _ => {}
        }
    }
    tokens.len()
}

/// Whether the `:` at `j` is half of a `::`.
fn is_path_colon(tokens: &[(K, usize, usize)], j: usize) -> bool {
    tokens.get(j + 1).is_some_and(|t| matches!(t.0, K::Colon))
        || j.checked_sub(1)
            .is_some_and(|p| matches!(tokens[p].0, K::Colon))
}

/// Whether the identifier at `j` of a pattern binds a name: not a path
/// segment, a tuple struct or struct name, nor a field name (`Foo { a: b
/// }` binds `b`); at the pattern's top level `name: Type` binds `name`.
fn binds(tokens: &[(K, usize, usize)], j: usize, top: bool) -> bool {
    let next = tokens.get(j + 1).map(|t| t.0);
    let prev = tokens[j - 1].0;
    let colon_next = matches!(next, Some(K::Colon));
    let path_next = colon_next && is_path_colon(tokens, j + 1);
    let a_name = matches!(next, Some(K::OpenParen | K::OpenBrace | K::Bang));
    let a_segment = path_next || (matches!(prev, K::Colon) && is_path_colon(tokens, j - 1));
    let a_field = colon_next && !top;
    !(a_name || a_segment || a_field)
}
