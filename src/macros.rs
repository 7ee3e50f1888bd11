//! Expressions inside macro calls. syn leaves a macro's body as tokens, yet
//! most request-scope misuse lives there (`info!("conn {}", req.uri())`,
//! `format!("{base}?token={t}")`). For macros the models know (format,
//! print, log, panic, assert and error families) the arguments are parsed as
//! expressions, including tracing's `field = %expr`, `?expr`, `target:` and
//! `parent:` forms, and the format string's placeholders are resolved to
//! their arguments, inline captures (`"{uri}"`) included. Unknown macros are
//! never guessed at.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// One argument of a macro call.
pub struct MacroArg {
    /// `name` of `name = expr` (format named arguments, tracing fields).
    pub name: Option<String>,
    pub expr: syn::Expr,
}

/// A placeholder of a format string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub arg: ArgRef,
    /// The literal text between the previous placeholder and this one.
    pub before: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgRef {
    Positional(usize),
    Named(String),
}

/// The format string of a call and where its arguments start.
pub struct FormatString {
    pub lit: syn::LitStr,
    pub value: String,
    pub placeholders: Vec<Placeholder>,
    /// Index in `args` of the first argument after the format string.
    pub first_arg: usize,
}

/// A parsed call of a known macro.
pub struct MacroCall {
    pub args: Vec<MacroArg>,
    pub format: Option<FormatString>,
}

impl MacroCall {
    /// Parse the body of a known macro. Segments that are not expressions
    /// (patterns of `matches!`, `=> ...`) are skipped.
    pub fn parse(tokens: &TokenStream) -> MacroCall {
        // Arguments nested too deeply for syn are not parsed at all (the
        // file's own bound, `complexity`, normally stops them earlier).
        if !crate::complexity::shallow_tokens(tokens, crate::complexity::MAX_DEPTH) {
            return MacroCall {
                args: Vec::new(),
                format: None,
            };
        }
        let args: Vec<MacroArg> = split_commas(tokens.clone())
            .into_iter()
            .filter_map(parse_segment)
            .collect();
        let format = args.iter().enumerate().find_map(|(i, a)| match &a.expr {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) if a.name.is_none() => {
                let value = s.value();
                Some(FormatString {
                    lit: s.clone(),
                    placeholders: placeholders(&value),
                    value,
                    first_arg: i + 1,
                })
            }
            _ => None,
        });
        MacroCall { args, format }
    }

    /// The argument expression a placeholder refers to, or the captured
    /// variable's name for an inline capture (`"{uri}"`).
    pub fn resolve(&self, p: &Placeholder) -> Resolved<'_> {
        let Some(f) = &self.format else {
            return Resolved::Missing;
        };
        match &p.arg {
            ArgRef::Positional(i) => self
                .args
                .iter()
                .skip(f.first_arg)
                .filter(|a| a.name.is_none())
                .nth(*i)
                .map_or(Resolved::Missing, |a| Resolved::Expr(&a.expr)),
            ArgRef::Named(n) => match self
                .args
                .iter()
                .skip(f.first_arg)
                .find(|a| a.name.as_deref() == Some(n))
            {
                Some(a) => Resolved::Expr(&a.expr),
                None => Resolved::Capture(n.clone()),
            },
        }
    }

    /// Every expression the macro interpolates or records: the arguments
    /// after the format string and inline captures (as names). With
    /// `fields_too` (log macros), also every argument before the message,
    /// such as tracing's `uri = %req.uri()` fields.
    pub fn interpolated(&self, fields_too: bool) -> Vec<Resolved<'_>> {
        let first = self.format.as_ref().map_or(0, |f| f.first_arg);
        let mut out: Vec<Resolved<'_>> = self
            .args
            .iter()
            .enumerate()
            .filter(|(i, _)| *i >= first || fields_too && *i + 1 < first)
            .map(|(_, a)| Resolved::Expr(&a.expr))
            .collect();
        if let Some(f) = &self.format {
            for p in &f.placeholders {
                if let Resolved::Capture(n) = self.resolve(p) {
                    out.push(Resolved::Capture(n));
                }
            }
        }
        out
    }
}

pub enum Resolved<'a> {
    Expr(&'a syn::Expr),
    Capture(String),
    Missing,
}

/// Split a token stream at its top-level commas.
fn split_commas(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut out = vec![Vec::new()];
    for tt in tokens {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => out.push(Vec::new()),
            _ => out.last_mut().expect("non-empty").push(tt),
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

fn is_punct(tt: Option<&TokenTree>, c: char) -> bool {
    matches!(tt, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

/// One comma-separated segment: strip `name:` (tracing's `target:` and
/// `parent:`), `field.path =` and the `%`/`?` sigils, then parse an
/// expression.
fn parse_segment(mut seg: Vec<TokenTree>) -> Option<MacroArg> {
    let mut name = None;
    // `target: expr` (a single colon after an identifier).
    if matches!(seg.first(), Some(TokenTree::Ident(_)))
        && matches!(seg.get(1), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Alone)
    {
        name = Some(seg[0].to_string());
        seg.drain(..2);
    }
    // `a.b.c = expr` or `"a b" = expr`, but not `==`.
    let mut i = 0;
    while i < seg.len() {
        match &seg[i] {
            TokenTree::Ident(_) | TokenTree::Literal(_) if i % 2 == 0 => i += 1,
            TokenTree::Punct(p) if p.as_char() == '.' && i % 2 == 1 => i += 1,
            TokenTree::Punct(p)
                if p.as_char() == '=' && i % 2 == 1 && p.spacing() == Spacing::Alone =>
            {
                name = Some(seg[..i].iter().map(|t| t.to_string()).collect::<String>());
                seg.drain(..=i);
                break;
            }
            _ => break,
        }
    }
    if is_punct(seg.first(), '%') || is_punct(seg.first(), '?') {
        seg.remove(0);
    }
    if seg.is_empty() {
        return None;
    }
    // A lone group `(a, b)` stays a tuple; a `{ .. }` block is an expression.
    if let [TokenTree::Group(g)] = seg.as_slice() {
        if g.delimiter() == Delimiter::None {
            return syn::parse2(g.stream())
                .ok()
                .map(|expr| MacroArg { name, expr });
        }
    }
    let expr: syn::Expr = syn::parse2(seg.into_iter().collect()).ok()?;
    Some(MacroArg { name, expr })
}

/// The placeholders of a format string, with the literal text before each.
pub fn placeholders(fmt: &str) -> Vec<Placeholder> {
    let mut out = Vec::new();
    let mut before = String::new();
    let mut next_positional = 0;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                before.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                before.push('}');
            }
            '{' => {
                let mut spec = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    spec.push(c);
                }
                let name = spec.split(':').next().unwrap_or("").trim();
                let arg = if name.is_empty() {
                    next_positional += 1;
                    ArgRef::Positional(next_positional - 1)
                } else if let Ok(i) = name.parse::<usize>() {
                    ArgRef::Positional(i)
                } else {
                    ArgRef::Named(name.to_string())
                };
                out.push(Placeholder {
                    arg,
                    before: std::mem::take(&mut before),
                });
            }
            c => before.push(c),
        }
    }
    out
}

/// Can the arguments of a log, print or panic macro hold anything a rule
/// follows? In log-heavy code parsing every such macro's arguments costs
/// more than the rest of the analysis, and most name only locals of
/// unknown type, on which no rule fires. `Names` tells what a name is
/// bound to ([`crate::scope::Scope::binds_followed_value`]) and which
/// free functions return followed values. Anything else that could bring
/// one in answers yes: a name starting upper-case (a type, a constant; not
/// `Some`, `None`, `Ok`, `Err`), a path (`a::b`), a known name captured by
/// a format string (`"{uri}"`). A method's result follows its receiver, a
/// nested macro's its arguments.
pub fn args_may_matter(tokens: &TokenStream, names: &dyn ArgNames) -> bool {
    let list: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let punct =
        |i: usize, c: char| matches!(list.get(i), Some(TokenTree::Punct(p)) if p.as_char() == c);
    let ident = |i: usize| match list.get(i) {
        Some(TokenTree::Ident(id)) => Some(id.to_string()),
        _ => None,
    };
    let mut i = 0;
    while i < list.len() {
        match &list[i] {
            TokenTree::Group(g) => {
                if args_may_matter(&g.stream(), names) {
                    return true;
                }
            }
            TokenTree::Ident(first) => {
                let first = first.to_string();
                if i > 0 && punct(i - 1, '.') {
                    // A method or a field: it follows its receiver.
                    i += 1;
                    continue;
                }
                // The whole path: `a::b::c`.
                let mut segs = vec![first];
                while punct(i + 1, ':') && punct(i + 2, ':') {
                    match ident(i + 3) {
                        Some(next) => {
                            segs.push(next);
                            i += 3;
                        }
                        None => break,
                    }
                }
                let call = matches!(list.get(i + 1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
                let name = segs[0].as_str();
                let matters = if segs.len() > 1 {
                    names.path_matters(&segs)
                } else if matches!(name, "Some" | "None" | "Ok" | "Err") {
                    false
                } else if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                    names.path_matters(&segs)
                } else if call {
                    names.returns_followed(name)
                } else {
                    names.holds_followed(name)
                };
                if matters {
                    return true;
                }
            }
            TokenTree::Literal(lit) => {
                let text = lit.to_string();
                if text.contains('{') && captures(&text).any(|n| names.holds_followed(n)) {
                    return true;
                }
            }
            TokenTree::Punct(_) => {}
        }
        i += 1;
    }
    false
}

/// Whether a literal among a macro's top-level arguments may put a value
/// into a query (`"?token={t}"`, `"&page={}"`): it holds a `=` and a `?`
/// or a `&`.
pub fn may_hold_query_value(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        TokenTree::Literal(lit) => {
            let text = lit.to_string();
            text.contains('=') && text.contains(['?', '&'])
        }
        _ => false,
    })
}

/// What [`args_may_matter`] asks about a name.
pub trait ArgNames {
    /// Bound to a value a rule can follow (`self` included).
    fn holds_followed(&self, name: &str) -> bool;
    /// A free function whose call can return one.
    fn returns_followed(&self, name: &str) -> bool;
    /// A path (`Url::parse`, `util::raw_query`, `API_BASE`, `Level::INFO`)
    /// that names something modelled or an item of the crate that can
    /// hold a followed value.
    fn path_matters(&self, segs: &[String]) -> bool;
}

impl ArgNames for crate::scope::Scope<'_> {
    fn holds_followed(&self, name: &str) -> bool {
        self.binds_followed_value(name)
    }

    fn returns_followed(&self, name: &str) -> bool {
        self.names_followed_function(name)
    }

    fn path_matters(&self, segs: &[String]) -> bool {
        self.path_may_matter(segs)
    }
}

/// The names a format string's text captures (`{uri}`, `{uri:?}`), read
/// loosely from the literal as written.
fn captures(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|rest| {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        (!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit())).then_some(name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(src: &str) -> MacroCall {
        let m: syn::Macro = syn::parse_str(src).unwrap();
        MacroCall::parse(&m.tokens)
    }

    #[test]
    fn format_placeholders() {
        let p = placeholders("{base}/ws?token={t}&n={0:?} {{x}} {}");
        let args: Vec<_> = p.iter().map(|p| p.arg.clone()).collect();
        assert_eq!(
            args,
            [
                ArgRef::Named("base".into()),
                ArgRef::Named("t".into()),
                ArgRef::Positional(0),
                ArgRef::Positional(0)
            ]
        );
        assert_eq!(p[1].before, "/ws?token=");
        assert_eq!(p[3].before, " {x} ");
    }

    #[test]
    fn tracing_forms_parse() {
        let c = call(
            r#"info!(target: "access", parent: &span, uri = %req.uri(), ?headers, peer.addr = addr, "conn {} {user}", id)"#,
        );
        let names: Vec<_> = c.args.iter().map(|a| a.name.clone()).collect();
        assert_eq!(
            names,
            [
                Some("target".into()),
                Some("parent".into()),
                Some("uri".into()),
                None,
                Some("peer.addr".into()),
                None,
                None
            ]
        );
        let f = c.format.as_ref().unwrap();
        assert_eq!(f.value, "conn {} {user}");
        assert!(matches!(c.resolve(&f.placeholders[0]), Resolved::Expr(_)));
        assert!(matches!(c.resolve(&f.placeholders[1]), Resolved::Capture(ref n) if n == "user"));
        // Everything but the message is interpolated.
        assert_eq!(c.interpolated(true).len(), 7);
        assert_eq!(c.interpolated(false).len(), 2);
    }

    #[test]
    fn comparisons_are_not_fields() {
        let c = call("assert!(a == b, \"{}\", x)");
        assert!(c.args[0].name.is_none());
        assert!(matches!(c.args[0].expr, syn::Expr::Binary(_)));
    }

    #[test]
    fn log_arguments_matter_only_when_they_can_hold_a_followed_value() {
        struct Known;
        impl ArgNames for Known {
            fn holds_followed(&self, n: &str) -> bool {
                matches!(n, "uri" | "req" | "self")
            }
            fn returns_followed(&self, n: &str) -> bool {
                n == "current_url"
            }
            fn path_matters(&self, segs: &[String]) -> bool {
                segs[0] != "Level"
            }
        }
        let matters = |args: &str| args_may_matter(&args.parse().unwrap(), &Known);
        assert!(!matters(r#""done in {} ms ({})", elapsed, count"#));
        assert!(!matters(r#"target: "x", n = %count, "{:?}", items.len()"#));
        assert!(
            !matters(r#""{}", state.uri"#),
            "a field of an unknown value"
        );
        assert!(!matters(r#""{:?}", Some(count), compute(x)"#));
        assert!(
            !matters(r#"Level::INFO, "{}", count"#),
            "a path to nothing followed"
        );
        assert!(
            !matters(r#""{}", format!("{}", x)"#),
            "a nested macro of unknowns"
        );
        assert!(matters(r#""{}", uri"#));
        assert!(matters(r#""{}", req.headers().len()"#));
        assert!(matters(r#""{uri:?}""#), "an inline capture");
        assert!(matters(r#""{}", self.base"#));
        assert!(matters(r#""{}", API_BASE"#));
        assert!(matters(r#""{}", util::raw_query(&x)"#));
        assert!(
            matters(r#""{}", current_url()"#),
            "a free function's result"
        );
        assert!(
            matters(r#""{}", format!("{}", uri)"#),
            "a nested macro of a known"
        );
        assert!(matters(r#""{}", (uri)"#), "inside a group");
    }
}
