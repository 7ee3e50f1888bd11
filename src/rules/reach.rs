//! Fixes that compile: a replacement may name a crate (`url::form_urlencoded::parse(..)`)
//! only when the linted crate can reach it through its `Cargo.toml`.
//!
//! [`respell`] rewrites a replacement for the crate's dependencies: in a
//! crate that depends on `form_urlencoded` but not `url`,
//! `url::form_urlencoded::parse` becomes `form_urlencoded::parse`; a
//! renamed dependency (`web = { package = "actix-web" }`) is written by
//! the name code uses. When no dependency fits, the fix is not offered and
//! the help says which dependency to add. A file outside any Cargo package
//! (a loose file, stdin without a package around it) has unknown
//! dependencies, so a replacement that names a crate is help text there,
//! never an edit.

use crate::index::crates::Dependencies;

/// Crates every crate can name.
const ALWAYS: &[&str] = &["std", "core", "alloc", "crate", "self", "super", "Self"];

/// `url::form_urlencoded` is also the `form_urlencoded` crate: the paths a
/// crate may spell it with, first choice first.
const FORM_URLENCODED: &str = "url::form_urlencoded::";

/// Why a replacement cannot be written into the crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreachable {
    /// The crate does not depend on this (`"`url` or `form_urlencoded`"`).
    Missing(String),
    /// The file is in no Cargo package: its dependencies are unknown.
    Unknown(String),
}

impl Unreachable {
    /// A help sentence for a fix not offered: what to add and where.
    pub fn help(&self, code: &str) -> String {
        match self {
            Unreachable::Missing(needs) => format!(
                "`{code}` needs the {needs} crate, which this crate does not depend on: add it to `[dependencies]` in Cargo.toml"
            ),
            Unreachable::Unknown(needs) => format!(
                "use `{code}` (it needs the {needs} crate in `[dependencies]`; this file is in no Cargo package, so no edit is offered)"
            ),
        }
    }
}

/// `code` with every crate path spelt as `deps` lets the crate name it, or
/// why it cannot be.
pub fn respell(code: &str, deps: Option<&Dependencies>) -> Result<String, Unreachable> {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(c) = rest.chars().next() {
        // String and char literals are copied as they are.
        if c == '"' || c == '\'' {
            let end = rest[1..]
                .find(c)
                .map_or(rest.len(), |i| i + 2)
                .min(rest.len());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let is_ident = |c: char| c.is_alphanumeric() || c == '_';
        if !is_ident(c) {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let len = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
        let (word, after) = rest.split_at(len);
        let before = out.trim_end();
        let is_root = after.starts_with("::")
            && !before.ends_with("::")
            && !before.ends_with('.')
            && !ALWAYS.contains(&word)
            && !word.starts_with(|c: char| c.is_uppercase());
        if !is_root {
            out.push_str(word);
            rest = after;
            continue;
        }
        if rest.starts_with(FORM_URLENCODED) {
            let needs = "`url` or `form_urlencoded`";
            let deps = deps.ok_or_else(|| Unreachable::Unknown(needs.into()))?;
            if let Some(url) = deps.code_name("url") {
                out.push_str(url);
                out.push_str("::form_urlencoded::");
            } else if let Some(fu) = deps.code_name("form_urlencoded") {
                out.push_str(fu);
                out.push_str("::");
            } else {
                return Err(Unreachable::Missing(needs.into()));
            }
            rest = &rest[FORM_URLENCODED.len()..];
            continue;
        }
        let needs = format!("`{word}`");
        let deps = deps.ok_or_else(|| Unreachable::Unknown(needs.clone()))?;
        match deps.code_name(word) {
            Some(name) => out.push_str(name),
            None => return Err(Unreachable::Missing(needs)),
        }
        rest = after;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deps(manifest: &str) -> Dependencies {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "").unwrap();
        let m = dir.path().join("Cargo.toml");
        std::fs::write(&m, format!("[package]\nname = \"x\"\n{manifest}")).unwrap();
        let p = crate::index::crates::load(&m).unwrap();
        p.dependencies_of(&p.targets[0])
    }

    const PARSE: &str = r#"url::form_urlencoded::parse(uri.query().unwrap_or("a::b").as_bytes())"#;

    #[test]
    fn the_decoder_is_spelt_as_the_crate_can_reach_it() {
        let url = deps("[dependencies]\nurl = \"2\"\n");
        assert_eq!(respell(PARSE, Some(&url)).unwrap(), PARSE);
        let fu = deps("[dependencies]\nform_urlencoded = \"1\"\n");
        assert_eq!(
            respell(PARSE, Some(&fu)).unwrap(),
            r#"form_urlencoded::parse(uri.query().unwrap_or("a::b").as_bytes())"#
        );
        let renamed = deps("[dependencies]\nurl2 = { package = \"url\", version = \"2\" }\n");
        assert!(respell(PARSE, Some(&renamed))
            .unwrap()
            .starts_with("url2::form_urlencoded::parse("));
        let none = deps("[dependencies]\nhttp = \"1\"\n");
        let err = respell(PARSE, Some(&none)).unwrap_err();
        assert_eq!(
            err,
            Unreachable::Missing("`url` or `form_urlencoded`".into())
        );
        assert!(err
            .help("form_urlencoded::parse(..)")
            .contains("add it to `[dependencies]`"));
        assert!(matches!(respell(PARSE, None), Err(Unreachable::Unknown(_))));
    }

    #[test]
    fn code_naming_no_crate_needs_no_dependency() {
        for code in [
            "{recv}.query()",
            "req.uri().query()",
            "std::mem::take(&mut x)",
            "Vec::<u8>::new()",
            "x.0.as_str()",
        ] {
            assert_eq!(respell(code, None).unwrap(), code);
        }
        let http = deps("[dependencies]\nhttp = \"1\"\n");
        assert_eq!(
            respell("http::Uri::from_static(\"/\")", Some(&http)).unwrap(),
            "http::Uri::from_static(\"/\")"
        );
        assert_eq!(
            respell("axum::extract::Query(x)", Some(&http)),
            Err(Unreachable::Missing("`axum`".into()))
        );
    }
}
