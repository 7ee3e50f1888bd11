//! Rust 2015 source for a 2018+ parser. syn parses the 2018 grammar, where
//! `async`, `await`, `dyn` and `try` are keywords; in a 2015-edition crate
//! (edition read from `Cargo.toml`; cargo's default) they are ordinary
//! identifiers (`fn async(..)`, `try!(..)`), and such a file would be a
//! parse error.
//!
//! [`as_2018`] lexes the text with rust-analyzer's lexer and replaces each
//! of those identifiers with one of the same length that is not a keyword
//! (`async` → `_asyn`): every byte offset, line and column stays where it
//! was, so spans of the parsed tree point into the original text and
//! snippets, fixes and suppressions need no mapping. `r#async` (2018+) is
//! left alone, and `dyn` stays a keyword where it starts a trait object
//! (`dyn Trait`, allowed in 2015 as a contextual keyword).

use ra_ap_rustc_lexer::{tokenize, FrontmatterAllowed, TokenKind as K};

/// The 2018+ keywords that 2015 code may use as identifiers, and their
/// same-length stand-ins.
const STAND_INS: [(&str, &str); 4] = [
    ("async", "_asyn"),
    ("await", "_awai"),
    ("try", "_tr"),
    ("dyn", "_dy"),
];

/// `text` with 2015 identifiers that are 2018 keywords replaced by
/// same-length identifiers; `None` when there is none.
pub fn as_2018(text: &str) -> Option<String> {
    let mut tokens: Vec<(K, usize, usize)> = Vec::new();
    let mut pos = 0;
    for t in tokenize(text, FrontmatterAllowed::No) {
        let end = pos + t.len as usize;
        if !matches!(
            t.kind,
            K::Whitespace | K::LineComment { .. } | K::BlockComment { .. }
        ) {
            tokens.push((t.kind, pos, end));
        }
        pos = end;
    }
    let mut out: Option<Vec<u8>> = None;
    for (i, &(kind, a, b)) in tokens.iter().enumerate() {
        if kind != K::Ident {
            continue;
        }
        let word = &text[a..b];
        let Some((_, stand_in)) = STAND_INS.iter().find(|(k, _)| *k == word) else {
            continue;
        };
        if word == "dyn" && starts_trait_object(tokens.get(i + 1), text) {
            continue;
        }
        out.get_or_insert_with(|| text.as_bytes().to_vec())[a..b]
            .copy_from_slice(stand_in.as_bytes());
    }
    out.map(|bytes| String::from_utf8(bytes).expect("ASCII replaced by ASCII"))
}

/// Whether the token after `dyn` begins a trait (`dyn Trait`, `dyn ::p::T`,
/// `dyn for<'a> ..`, `dyn 'static`, `dyn ?Sized`).
fn starts_trait_object(next: Option<&(K, usize, usize)>, text: &str) -> bool {
    match next {
        Some((K::Ident, a, b)) => !matches!(&text[*a..*b], "as" | "in"),
        Some((K::Colon | K::Lifetime { .. } | K::Question | K::OpenParen, _, _)) => {
            // `dyn: u8` is a binding; `dyn ::std::fmt::Debug` a path.
            let (_, a, _) = next.expect("matched");
            text[*a..].starts_with("::") || !text[*a..].starts_with(':')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_of_2018_become_same_length_identifiers() {
        let src = "fn async(r#await: u8) -> u8 { let dyn = try!(Ok(1)); dyn + r#await }\n// async in a comment\nfn f(x: &dyn Fn()) -> Box<dyn ::std::fmt::Debug> { let s = \"async\"; loop {} }\n";
        let out = as_2018(src).unwrap();
        assert_eq!(out.len(), src.len());
        assert!(out.starts_with("fn _asyn(r#await: u8)"), "{out}");
        assert!(
            out.contains("let _dy = _tr!(Ok(1)); _dy + r#await"),
            "{out}"
        );
        assert!(out.contains("// async in a comment"));
        assert!(out.contains("&dyn Fn()") && out.contains("Box<dyn ::std::fmt::Debug>"));
        assert!(out.contains("\"async\""));
        assert!(syn::parse_file(&out).is_ok());
        assert_eq!(as_2018("fn f() {}"), None);
    }
}
