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

use crate::incremental::fn_extents;

/// What [`mask`] did to a text.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Masked {
    /// The text with the bodies blanked; `None` when every body matters.
    pub text: Option<String>,
    /// Function bodies, and those blanked.
    pub bodies: usize,
    pub blanked: usize,
}

/// The text with every function body that cannot matter blanked.
/// `matters` says whether a piece of text (a signature, a body, an `impl`
/// header) names something a rule follows.
pub fn mask(text: &str, matters: &dyn Fn(&str) -> bool) -> Masked {
    let mut bytes: Option<Vec<u8>> = None;
    let fns = fn_extents(text);
    let bodies = fns.len();
    let mut blanked = 0;
    for f in fns {
        if !f.maskable {
            continue;
        }
        let signature = &text[f.item.start..f.body.start];
        let body = &text[f.body.clone()];
        let takes_self = has_word(signature, "self");
        let self_matters = takes_self
            && f.container.as_ref().is_none_or(|head| {
                has_word(&text[head.clone()], "trait") || matters(&text[head.clone()])
            });
        if self_matters || matters(signature) || matters(body) {
            continue;
        }
        blanked += 1;
        let out = bytes.get_or_insert_with(|| text.as_bytes().to_vec());
        for b in &mut out[f.body.start + 1..f.body.end - 1] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    Masked {
        // Whole bodies between ASCII braces were blanked: still UTF-8.
        text: bytes.map(|b| String::from_utf8(b).expect("blanking whole bodies keeps UTF-8")),
        bodies,
        blanked,
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

/// The names a file gives modelled things with `as` (`use url::Url as U;`,
/// `extern crate url as u;`): `known` tells a modelled name.
pub fn aliases(text: &str, known: &dyn Fn(&str) -> bool) -> Vec<String> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(3)
        .filter(|w| w[1] == "as" && known(w[0]))
        .map(|w| w[2].to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matters(t: &str) -> bool {
        has_word(t, "Url") || has_word(t, "axum")
    }

    #[test]
    fn bodies_without_followed_names_are_blanked_with_offsets_kept() {
        let text = "use url::Url;\n\nfn plain(a: u32) -> u32 {\n    let b = a + 1;\n    b * 2\n}\n\nfn parses(s: &str) {\n    let u = Url::parse(s);\n}\n\nfn takes(u: &Url) -> bool {\n    u.query().is_some()\n}\n";
        let m = mask(text, &matters);
        assert_eq!((m.bodies, m.blanked), (3, 1));
        let masked = m.text.expect("one body blanked");
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked.lines().count(), text.lines().count());
        assert!(!masked.contains("a + 1"), "{masked}");
        assert!(masked.contains("Url::parse(s)"));
        assert!(masked.contains("u.query()"));
        assert!(syn::parse_file(&masked).is_ok());
    }

    #[test]
    fn self_methods_follow_their_impl_header() {
        let text = "struct A { u: Url }\nimpl A {\n    fn q(&self) -> usize { self.u.query_params() }\n}\nstruct B;\nimpl B {\n    fn n(&self) -> u8 { self.count() }\n}\ntrait T {\n    fn d(&self) -> u8 { self.x() }\n}\n";
        // `A` holds a Url: the index would say so; here `matters` knows it.
        let matters = |t: &str| has_word(t, "Url") || has_word(t, "A");
        let masked = mask(text, &matters).text.expect("B's body blanked");
        assert!(masked.contains("self.u.query_params()"));
        assert!(!masked.contains("self.count()"));
        // A trait's default method may run on a framework type.
        assert!(masked.contains("self.x()"));
    }

    #[test]
    fn bodies_declaring_items_are_kept() {
        let text = "fn f() { impl X for Y {} }\nfn g() { let a = 1; }\n";
        let masked = mask(text, &matters).text.expect("g blanked");
        assert!(masked.contains("impl X for Y"));
        assert!(!masked.contains("let a = 1"));
        assert_eq!(mask("fn f(u: Url) { u.x() }", &matters).text, None);
    }

    #[test]
    fn aliases_of_modelled_names() {
        let known = |w: &str| w == "Url" || w == "url";
        let text = "use url::Url as Address;\nextern crate url as u;\nlet n = x as u32;";
        assert_eq!(aliases(text, &known), vec!["Address", "u"]);
    }
}
