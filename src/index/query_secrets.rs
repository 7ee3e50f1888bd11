//! Evidence that a crate takes secrets in query strings.
//!
//! Logging a request URI is harmless in a server that never reads a secret
//! from a query, and a leak in one that does (`?token=` on a WebSocket
//! upgrade, an OAuth callback's `?code=`, an S3 presigned URL's
//! `X-Amz-Signature`). On real applications most URI logs were the first
//! kind, so `SL006` reports query-bearing values only where the crate shows
//! the second: this module finds that evidence in a file's text, cheaply
//! (rust-analyzer's lexer, no parse), and the index keeps one piece per
//! crate so every file of the crate is judged by it.
//!
//! Evidence, in a file's code (never its comments):
//! - a string literal holding `key=` after `?`, `&` or at its start, for a
//!   secret-bearing key (`"?token="`, `"&api_key="`, `"code="`);
//! - a string literal that is exactly such a key (`"token"`,
//!   `"access_token"`, `"x-amz-signature"`), a few dozen tokens from a word
//!   naming a query (`query_params.get("token")`): bare words like these
//!   are common elsewhere (JSON bodies, a `signature` header), so they need
//!   the query nearby;
//! - a `#[derive(Deserialize)]` struct named for a query (`..Query`,
//!   `..Params`, `..Callback`) with a token-like field (`token`, `api_key`,
//!   `signature`...) or the OAuth callback pair `code` and `state`: the
//!   shape of `Query<AuthParams>`. A configuration struct with an
//!   `auth_token` is not a query.

use ra_ap_rustc_lexer::{LiteralKind, TokenKind as K};
use serde::{Deserialize, Serialize};

/// One piece of evidence: the key and the 1-based line it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuerySecret {
    pub key: String,
    pub line: u32,
}

/// The key alone: the line is not part of what other files see of this
/// one (a line added above would otherwise change the index's hash and
/// re-lint every file). Findings elsewhere name the file, not the line.
impl std::hash::Hash for QuerySecret {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

/// Keys whose value is a secret when a query carries them (`key=` form).
const QUERY_KEYS: &[&str] = &[
    "token",
    "access_token",
    "id_token",
    "refresh_token",
    "auth_token",
    "api_key",
    "apikey",
    "api-key",
    "key",
    "code",
    "signature",
    "sig",
    "password",
    "secret",
    "client_secret",
    "jwt",
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
];

/// Whether a query key's value is a secret (`token`, `sig`,
/// `X-Amz-Signature`): `SL007` reports such values built into a query
/// unencoded.
pub fn is_secret_query_key(key: &str) -> bool {
    QUERY_KEYS.contains(&key.to_ascii_lowercase().as_str())
}

/// Keys specific enough to count as a bare literal near a query.
const BARE_KEYS: &[&str] = &[
    "token",
    "access_token",
    "id_token",
    "refresh_token",
    "auth_token",
    "api_key",
    "apikey",
    "api-key",
    "signature",
    "sig",
    "client_secret",
    "jwt",
];

/// Field names of a deserialized struct that make it a credentials query.
const FIELD_KEYS: &[&str] = &[
    "token",
    "access_token",
    "id_token",
    "auth_token",
    "api_key",
    "apikey",
    "signature",
    "sig",
    "jwt",
];

/// The first evidence in `text` that it reads or writes secrets in query
/// strings, if any.
pub fn scan(text: &str) -> Option<QuerySecret> {
    let lexed = super::summary::Lexed::of(text);
    scan_lexed(&lexed)
}

/// [`scan`] over tokens the summary already lexed.
pub fn scan_lexed(lexed: &super::summary::Lexed<'_>) -> Option<QuerySecret> {
    let (text, tokens) = (lexed.text, &lexed.tokens);
    let line = |at: usize| 1 + text[..at].bytes().filter(|&b| b == b'\n').count() as u32;
    // Token positions of words naming a query, and of bare keys: a bare
    // key is evidence only within [`BARE_WINDOW`] tokens of such a word.
    let mut query_at: Vec<usize> = Vec::new();
    let mut bares: Vec<(usize, QuerySecret)> = Vec::new();
    let mut deserialize = false;
    let mut i = 0;
    while i < tokens.len() {
        let (kind, a, b) = tokens[i];
        let word = &text[a..b];
        // Test code (`#[test]`, `#[tokio::test]`, `#[cfg(test)]`) is not
        // what the server accepts: skip the attribute's item.
        if matches!(kind, K::Pound) {
            if let Some(end) = test_item_end(text, tokens, i) {
                i = end + 1;
                continue;
            }
        }
        match kind {
            K::Ident if contains_ignore_case(word, "query") => query_at.push(i),
            K::Ident if word == "Deserialize" => deserialize = true,
            K::Ident if word == "enum" || word == "fn" || word == "impl" => deserialize = false,
            K::Ident if word == "struct" && deserialize => {
                deserialize = false;
                if let Some(found) = credential_struct(text, &tokens[i..]) {
                    return Some(QuerySecret {
                        key: found.0,
                        line: line(found.1),
                    });
                }
            }
            K::Literal {
                kind: LiteralKind::Str { .. } | LiteralKind::RawStr { .. },
                ..
            } => {
                let content = literal_content(word);
                if contains_ignore_case(content, "query") {
                    query_at.push(i);
                }
                if let Some(key) = key_assignment(content) {
                    return Some(QuerySecret {
                        key: key.to_string(),
                        line: line(a),
                    });
                }
                let lower;
                let exact = if starts_with_ignore_case(content, "x-amz-") {
                    lower = content.to_ascii_lowercase();
                    lower.as_str()
                } else {
                    content
                };
                let is_bare = BARE_KEYS.contains(&exact)
                    || (exact.starts_with("x-amz-") && QUERY_KEYS.contains(&exact));
                if is_bare {
                    bares.push((
                        i,
                        QuerySecret {
                            key: exact.to_string(),
                            line: line(a),
                        },
                    ));
                }
            }
            _ => {}
        }
        i += 1;
    }
    bares
        .into_iter()
        .find(|(at, _)| query_at.iter().any(|q| q.abs_diff(*at) <= BARE_WINDOW))
        .map(|(_, found)| found)
}

/// How many tokens apart a bare key and a word naming a query may be:
/// `query_params.get("token")` is 4, a `match` over a query's pairs a few
/// dozen; a header name fifty lines from a `url.query()` is not evidence.
const BARE_WINDOW: usize = 48;

/// When the attribute at `pound` marks test code, the index of the last
/// token of the item it is on.
fn test_item_end(text: &str, tokens: &[(K, usize, usize)], pound: usize) -> Option<usize> {
    let open = pound + 1 + usize::from(tokens.get(pound + 1)?.0 == K::Bang);
    if tokens.get(open)?.0 != K::OpenBracket {
        return None;
    }
    let close = super::summary::matching(tokens, open);
    let attr = tokens.get(open + 1..close)?;
    let is_test = attr
        .iter()
        .any(|&(k, a, b)| matches!(k, K::Ident) && &text[a..b] == "test");
    let is_cfg_not = attr
        .iter()
        .any(|&(k, a, b)| matches!(k, K::Ident) && &text[a..b] == "not");
    if !is_test || is_cfg_not {
        return None;
    }
    // The item: up to its `;` or through its first brace group.
    let mut j = close + 1;
    while let Some(&(k, _, _)) = tokens.get(j) {
        match k {
            K::Semi => return Some(j),
            K::OpenBrace => return Some(super::summary::matching(tokens, j)),
            K::Pound => j = super::summary::matching(tokens, j + 1) + 1,
            _ => j += 1,
        }
    }
    Some(tokens.len())
}

/// The text between a string literal's quotes (`"a"`, `r#"a"#`, `b"a"`).
fn literal_content(lit: &str) -> &str {
    let start = lit.find('"').map_or(0, |i| i + 1);
    let end = lit.rfind('"').unwrap_or(lit.len());
    if start <= end {
        &lit[start..end]
    } else {
        ""
    }
}

/// `token` of `"?token="`, `"&a=1&api_key="`, `"code="` (any case after
/// `?` or `&`). At the literal's start a name in capitals is an
/// environment variable or a placeholder (`"API_KEY=.."` in a shell line,
/// clap's `value_name("KEY=VALUE")`), not a query's key. Runs on every
/// string literal of every file the index reads and of every keystroke's
/// text in the language server: no allocation.
fn key_assignment(content: &str) -> Option<&'static str> {
    let bytes = content.as_bytes();
    memchr::memchr_iter(b'=', bytes).find_map(|at| {
        QUERY_KEYS.iter().copied().find(|key| {
            let n = key.len();
            if at < n || !bytes[at - n..at].eq_ignore_ascii_case(key.as_bytes()) {
                return false;
            }
            if at == n {
                bytes[..n].iter().any(u8::is_ascii_lowercase)
            } else {
                matches!(bytes[at - n - 1], b'?' | b'&')
            }
        })
    })
}

/// Does `text` contain `word` (lowercase ASCII), in any case?
fn contains_ignore_case(text: &str, word: &str) -> bool {
    let (bytes, word) = (text.as_bytes(), word.as_bytes());
    let Some(&first) = word.first() else {
        return true;
    };
    // Only where the first letter is, in either case (most identifiers
    // and literals hold none).
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        bytes,
    )
    .any(|at| {
        bytes
            .get(at..at + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    })
}

fn starts_with_ignore_case(text: &str, word: &str) -> bool {
    text.as_bytes()
        .get(..word.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(word.as_bytes()))
}

/// A credential field of the struct whose `struct` keyword starts
/// `tokens`: its name and byte offset.
fn credential_struct(text: &str, tokens: &[(K, usize, usize)]) -> Option<(String, usize)> {
    let (_, a, b) = *tokens.get(1).filter(|t| matches!(t.0, K::Ident))?;
    let name = text[a..b].to_ascii_lowercase();
    if !["query", "param", "callback"]
        .iter()
        .any(|w| name.contains(w))
    {
        return None;
    }
    let open = tokens
        .iter()
        .position(|t| matches!(t.0, K::OpenBrace | K::Semi | K::OpenParen))?;
    if !matches!(tokens[open].0, K::OpenBrace) {
        return None;
    }
    let mut depth = 0usize;
    let mut fields: Vec<(&str, usize)> = Vec::new();
    for (j, &(kind, a, b)) in tokens.iter().enumerate().skip(open) {
        match kind {
            K::OpenBrace | K::OpenParen | K::OpenBracket | K::Lt => depth += 1,
            K::CloseBrace | K::CloseParen | K::CloseBracket | K::Gt => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            K::Ident if depth == 1 => {
                let next_is_colon = tokens.get(j + 1).is_some_and(|t| matches!(t.0, K::Colon))
                    && tokens.get(j + 2).is_none_or(|t| !matches!(t.0, K::Colon));
                let prev_is_colon = j > 0 && matches!(tokens[j - 1].0, K::Colon);
                if next_is_colon && !prev_is_colon {
                    fields.push((&text[a..b], a));
                }
            }
            _ => {}
        }
    }
    let name = |n: &str| n.trim_start_matches("r#").to_string();
    if let Some((f, at)) = fields.iter().find(|(f, _)| FIELD_KEYS.contains(f)) {
        return Some((name(f), *at));
    }
    let code = fields.iter().find(|(f, _)| *f == "code")?;
    fields
        .iter()
        .any(|(f, _)| *f == "state")
        .then(|| (name(code.0), code.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> Option<String> {
        scan(text).map(|e| e.key)
    }

    #[test]
    fn query_assignments_in_literals_are_evidence() {
        assert_eq!(
            key(r#"fn f() { let u = format!("{base}?token={t}"); }"#).as_deref(),
            Some("token")
        );
        assert_eq!(
            key(r#"const Q: &str = "a=1&api_key=";"#).as_deref(),
            Some("api_key")
        );
        // `monkey=` is not `key=`.
        assert_eq!(key(r#"const Q: &str = "?monkey=1";"#), None);
    }

    #[test]
    fn key_assignments_at_the_start_or_after_a_separator_in_any_case() {
        assert_eq!(key_assignment("?Token="), Some("token"));
        assert_eq!(key_assignment("a=1&API_KEY=x"), Some("api_key"));
        assert_eq!(key_assignment("code=1"), Some("code"));
        assert_eq!(key_assignment("zipcode=1"), None, "`code` inside a word");
        assert_eq!(key_assignment("x=1&y=2"), None);
        assert_eq!(key_assignment("no equals sign: token"), None);
        assert_eq!(key_assignment("é=1&sig=é"), Some("sig"));
        // A placeholder or an environment variable, not a query.
        assert_eq!(key_assignment("KEY=VALUE"), None);
        assert_eq!(key_assignment("API_KEY=${KEY}"), None);
        assert_eq!(key_assignment("Api_Key=1"), Some("api_key"));
        assert_eq!(key_assignment("?KEY=1"), Some("key"));
        assert!(contains_ignore_case("ParseQUERYString", "query"));
        assert!(!contains_ignore_case("qu", "query"));
        assert!(starts_with_ignore_case("X-Amz-Date", "x-amz-"));
        assert!(!starts_with_ignore_case("é", "x-amz-"));
    }

    #[test]
    fn bare_keys_need_a_query_in_the_file() {
        let with = r#"fn f(query_params: &M) { query_params.get("token"); }"#;
        let without = r#"fn f(h: &M) { if typ != "token" {} }"#;
        assert_eq!(key(with).as_deref(), Some("token"));
        assert_eq!(key(without), None);
        // Case matters for bare words: "Token" is an auth scheme.
        assert_eq!(key(r#"fn f(query: &M) { if typ != "Token" {} }"#), None);
        assert_eq!(
            key("// query \"token\"\nfn f() {}"),
            None,
            "comments are not code"
        );
        assert_eq!(
            key(r#"fn f(query: Q) { q.remove("X-Amz-Signature"); }"#).as_deref(),
            Some("x-amz-signature")
        ); // A header named `signature` far from the file's one query.
        let far = format!(
            "fn f(h: &H) {{ h.get(\"signature\"); {} }}\nfn g(u: &Url) {{ u.query(); }}",
            "let _ = 1;".repeat(20)
        );
        assert_eq!(key(&far), None);
    }

    #[test]
    fn test_code_is_not_evidence() {
        let t = "#[cfg(test)]\nmod tests {\n    const F: &str = \"a=1&password=x\";\n}\n\
                 #[tokio::test]\nasync fn t() { let _ = \"?token=1\"; }\n";
        assert_eq!(scan(t), None);
        let after = format!("{t}const REAL: &str = \"?token=\";\n");
        assert_eq!(scan(&after).map(|e| e.line), Some(7));
        let not_test = "#[cfg(not(test))]\nconst Q: &str = \"?token=\";";
        assert_eq!(key(not_test).as_deref(), Some("token"));
    }

    #[test]
    fn deserialized_credential_structs_are_evidence() {
        let t = "#[derive(Debug, Deserialize)]\nstruct AuthQuery {\n    pub token: String,\n}\n";
        assert_eq!(
            scan(t),
            Some(QuerySecret {
                key: "token".into(),
                line: 3
            })
        );
        let oauth =
            "#[derive(Deserialize)] struct OidcCallbackParams { code: String, state: CsrfToken }";
        assert_eq!(key(oauth).as_deref(), Some("code"));
        // `code` alone is an error body's field, not a callback.
        let error = "#[derive(Deserialize)] struct ErrParams { code: u16, message: String }";
        assert_eq!(key(error), None);
        // Not deserialized: a struct the server fills itself.
        assert_eq!(key("struct SessionParams { token: String }"), None);
        // A deserialized configuration is not a query.
        assert_eq!(
            key("#[derive(Deserialize)] struct Config { auth_token: String }"),
            None
        );
        // A field type's path (`std::string::String`) is not a field.
        assert_eq!(
            key("#[derive(Deserialize)] struct Params { name: std::string::String, sig: Vec<u8> }")
                .as_deref(),
            Some("sig")
        );
    }
}
