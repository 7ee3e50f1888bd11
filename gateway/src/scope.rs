//! Query-string decoding for the request scope.
//!
//! This is the module the incident got wrong. `http::Uri` keeps the query as
//! one undecoded string (`uri.query()`); there is no `query_params()`. The
//! correct way to read it is `form_urlencoded::parse`, which handles
//! percent-encoding, `+` as space, repeated keys and valueless keys.
//!
//! `form_urlencoded` is lenient: `%zz` decodes to the literal `%zz` and
//! invalid UTF-8 becomes U+FFFD. A gateway that authenticates from the query
//! must not guess, so [`QueryParams::parse`] rejects such queries (HTTP 400)
//! after a byte scan of the raw query, and rejects a credential key that
//! appears more than once.

use serde_json::{Map, Value};
use std::fmt;

/// Query keys whose value is a credential by default: never logged, never
/// echoed. Compared without case, `-` the same as `_`, and a key that ends
/// in `_<one of these>` (`X-Amz-Signature`, `client_secret`) counts too.
/// Extend the list with [`Redactor::with_keys`] (`--redact-key`).
pub const SECRET_KEYS: &[&str] = &[
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "api_key",
    "apikey",
    "key",
    "password",
    "passwd",
    "pwd",
    "secret",
    "code",
    "signature",
    "sig",
    "auth",
    "authorization",
    "session",
    "sessionid",
    "jwt",
    "credential",
    "credentials",
    "otp",
];

/// Which query keys carry secrets: what logs and echoes redact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redactor {
    /// Normalized keys (see [`normalize_key`]).
    keys: Vec<String>,
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor::with_keys(std::iter::empty::<&str>())
    }
}

/// A key as compared for redaction: lower case, `-` as `_`, trimmed.
fn normalize_key(key: &str) -> String {
    key.trim().to_lowercase().replace('-', "_")
}

impl Redactor {
    /// The default [`SECRET_KEYS`] plus `extra`.
    pub fn with_keys<S: AsRef<str>>(extra: impl IntoIterator<Item = S>) -> Self {
        let mut keys: Vec<String> = SECRET_KEYS
            .iter()
            .map(|k| normalize_key(k))
            .chain(extra.into_iter().map(|k| normalize_key(k.as_ref())))
            .filter(|k| !k.is_empty())
            .collect();
        keys.sort();
        keys.dedup();
        Redactor { keys }
    }

    /// Whether the value of `key` is a secret.
    pub fn is_secret(&self, key: &str) -> bool {
        let key = normalize_key(key);
        self.keys.iter().any(|k| {
            key == *k
                || key
                    .strip_suffix(k.as_str())
                    .is_some_and(|head| head.ends_with('_'))
        })
    }
}

/// Query keys that must appear at most once (ambiguity here is an auth bug).
pub const SINGLE_KEYS: &[&str] = &["token", "access_token", "user_id"];

/// What replaces a secret value in logs and echoes.
pub const REDACTED: &str = "***";

/// Why a query string was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// A `%` not followed by two hex digits, at this byte offset of the query.
    BadPercentEncoding { offset: usize },
    /// Percent-decoding produced bytes that are not UTF-8.
    InvalidUtf8,
    /// A key that must be unique was repeated.
    DuplicateKey { key: &'static str },
}

impl QueryError {
    /// A stable machine-readable code for JSON error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            QueryError::BadPercentEncoding { .. } => "bad_percent_encoding",
            QueryError::InvalidUtf8 => "invalid_utf8",
            QueryError::DuplicateKey { .. } => "duplicate_key",
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::BadPercentEncoding { offset } => {
                write!(
                    f,
                    "malformed percent-encoding at byte {offset} of the query"
                )
            }
            QueryError::InvalidUtf8 => f.write_str("query does not decode to UTF-8"),
            QueryError::DuplicateKey { key } => {
                write!(f, "query parameter `{key}` must appear at most once")
            }
        }
    }
}

impl std::error::Error for QueryError {}

/// The decoded query of one request, in order, repeated keys kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryParams {
    pairs: Vec<(String, String)>,
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Byte scan of a raw query: every `%` must be followed by two hex digits,
/// and the percent-decoded bytes must be UTF-8. (This checks escapes; it
/// does not split the query. Checking the whole query is equivalent to
/// checking each key and value: the separators are ASCII, so they can neither
/// split nor complete a multi-byte character.)
fn check_escapes(raw: &[u8]) -> Result<(), QueryError> {
    let mut decoded = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            let hi = raw.get(i + 1).copied().and_then(hex_val);
            let lo = raw.get(i + 2).copied().and_then(hex_val);
            match (hi, lo) {
                (Some(hi), Some(lo)) => decoded.push((hi << 4) | lo),
                _ => return Err(QueryError::BadPercentEncoding { offset: i }),
            }
            i += 3;
        } else {
            decoded.push(raw[i]);
            i += 1;
        }
    }
    std::str::from_utf8(&decoded)
        .map(|_| ())
        .map_err(|_| QueryError::InvalidUtf8)
}

impl QueryParams {
    /// Strictly decode `uri.query()`.
    pub fn parse(raw: Option<&str>) -> Result<Self, QueryError> {
        let raw = raw.unwrap_or("");
        check_escapes(raw.as_bytes())?;
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
            .into_owned()
            .collect();
        for key in SINGLE_KEYS {
            if pairs.iter().filter(|(k, _)| k == key).count() > 1 {
                return Err(QueryError::DuplicateKey { key });
            }
        }
        Ok(QueryParams { pairs })
    }

    /// Lenient decode for contexts that must not fail (logging).
    pub fn parse_lenient(raw: Option<&str>) -> Self {
        let pairs = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .into_owned()
            .collect();
        QueryParams { pairs }
    }

    /// All decoded pairs, in request order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The first value of `key`.
    pub fn first(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, in order.
    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The query re-encoded with secrets replaced by `***`, for logs.
    pub fn redacted(&self, secrets: &Redactor) -> String {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.pairs {
            if secrets.is_secret(k) {
                ser.append_pair(k, REDACTED);
            } else {
                ser.append_pair(k, v);
            }
        }
        ser.finish()
    }

    /// JSON object: a key seen once maps to its string, a repeated key to an
    /// array of strings (in order). A valueless key (`?flag`) maps to `""`, as
    /// in WHATWG `URLSearchParams`. Secret values are redacted.
    pub fn to_json_map(&self, secrets: &Redactor) -> Value {
        let mut map = Map::new();
        for (k, v) in &self.pairs {
            let v = Value::String(if secrets.is_secret(k) {
                REDACTED.to_owned()
            } else {
                v.clone()
            });
            match map.get_mut(k) {
                None => {
                    map.insert(k.clone(), v);
                }
                Some(Value::Array(items)) => items.push(v),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, v]);
                }
            }
        }
        Value::Object(map)
    }

    /// JSON array of `[key, value]` pairs in order, secrets redacted.
    pub fn to_json_pairs(&self, secrets: &Redactor) -> Value {
        Value::Array(
            self.pairs
                .iter()
                .map(|(k, v)| {
                    let v = if secrets.is_secret(k) {
                        REDACTED
                    } else {
                        v.as_str()
                    };
                    Value::Array(vec![Value::String(k.clone()), Value::String(v.to_owned())])
                })
                .collect(),
        )
    }
}

/// Redacted query for access logs; never fails, never leaks a secret.
/// Returns `""` when there is no query.
pub fn redact_query(raw: Option<&str>, secrets: &Redactor) -> String {
    QueryParams::parse_lenient(raw).redacted(secrets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_percent_plus_repeated_valueless() {
        let q = QueryParams::parse(Some("name=J%C3%BCrgen+M&tag=a&tag=b&flag&empty=")).unwrap();
        assert_eq!(q.first("name"), Some("Jürgen M"));
        assert_eq!(q.all("tag").collect::<Vec<_>>(), vec!["a", "b"]);
        assert_eq!(q.first("flag"), Some(""));
        assert_eq!(
            q.to_json_map(&Redactor::default()),
            json!({"name": "Jürgen M", "tag": ["a", "b"], "flag": "", "empty": ""})
        );
    }

    #[test]
    fn encoded_separators_stay_in_values() {
        let q = QueryParams::parse(Some("q=a%26b%3Dc&x=%2B")).unwrap();
        assert_eq!(q.first("q"), Some("a&b=c"));
        assert_eq!(q.first("x"), Some("+"));
    }

    #[test]
    fn rejects_bad_escapes() {
        for bad in ["a=%zz", "a=%", "a=%4", "a=b%g1", "%"] {
            assert!(
                matches!(
                    QueryParams::parse(Some(bad)),
                    Err(QueryError::BadPercentEncoding { .. })
                ),
                "{bad}"
            );
        }
        assert!(QueryParams::parse(Some("a=%41%42")).is_ok());
    }

    #[test]
    fn rejects_invalid_utf8_but_allows_spelled_replacement() {
        assert_eq!(
            QueryParams::parse(Some("a=%FF")),
            Err(QueryError::InvalidUtf8)
        );
        assert_eq!(
            QueryParams::parse(Some("a=%C3&b=%A9")),
            Err(QueryError::InvalidUtf8)
        );
        assert!(QueryParams::parse(Some("a=%EF%BF%BD")).is_ok());
        assert_eq!(
            QueryParams::parse(Some("a=%C3%A9")).unwrap().first("a"),
            Some("é")
        );
    }

    #[test]
    fn rejects_duplicate_token() {
        assert_eq!(
            QueryParams::parse(Some("token=a&x=1&token=b")),
            Err(QueryError::DuplicateKey { key: "token" })
        );
        // an encoded key is the same key
        assert_eq!(
            QueryParams::parse(Some("token=a&tok%65n=b")),
            Err(QueryError::DuplicateKey { key: "token" })
        );
    }

    #[test]
    fn redaction() {
        let r = Redactor::default();
        assert_eq!(
            redact_query(Some("a=1&token=s3cr%2Bet"), &r),
            "a=1&token=***"
        );
        assert_eq!(redact_query(Some("tok%65n=abc"), &r), "token=***");
        assert_eq!(redact_query(None, &r), "");
        let q = QueryParams::parse(Some("token=abc&a=1")).unwrap();
        assert_eq!(q.to_json_map(&r), json!({"token": "***", "a": "1"}));
    }

    #[test]
    fn redaction_ignores_case_and_knows_secret_bearing_keys() {
        let r = Redactor::default();
        let raw = "TOKEN=a&Api-Key=b&password=c&code=d&X-Amz-Signature=e&client_secret=f&Auth=g&monkey=h&page=2";
        assert_eq!(
            redact_query(Some(raw), &r),
            "TOKEN=***&Api-Key=***&password=***&code=***&X-Amz-Signature=***&client_secret=***&Auth=***&monkey=h&page=2"
        );
        let custom = Redactor::with_keys(["Tenant"]);
        assert_eq!(
            redact_query(Some("tenant=x&TENANT=y&t=z"), &custom),
            "tenant=***&TENANT=***&t=z"
        );
        assert_eq!(redact_query(Some("tenant=x"), &r), "tenant=x");
    }
}
