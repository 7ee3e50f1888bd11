//! HMAC-SHA256 signed bearer tokens and credential extraction.
//!
//! Token format: `base64url(user_id ":" expiry_unix) "." base64url(HMAC-SHA256(secret, payload))`,
//! both parts without padding. The signature is checked with
//! [`Mac::verify_slice`], which compares in constant time.
//!
//! A WebSocket client can present the token in three places, because browsers
//! cannot set headers on a WebSocket:
//! 1. `?token=<t>` in the query,
//! 2. `Authorization: Bearer <t>`,
//! 3. `Sec-WebSocket-Protocol: bearer, <t>` (the server then selects `bearer`).

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::scope::QueryParams;

type HmacSha256 = Hmac<Sha256>;

/// The subprotocol name a browser client offers before its token.
pub const BEARER_PROTOCOL: &str = "bearer";

/// Longest token accepted before any decoding (bounds work per request).
pub const MAX_TOKEN_LEN: usize = 1024;

/// Longest user id a token may carry.
pub const MAX_USER_ID_LEN: usize = 128;

/// What a valid token proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub user_id: String,
    /// Unix seconds after which the token is no longer accepted.
    pub expires_at: u64,
}

/// Why authentication failed. Every variant maps to HTTP 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthError {
    Missing,
    Malformed,
    BadSignature,
    Expired,
    UserMismatch,
}

impl AuthError {
    pub fn code(self) -> &'static str {
        match self {
            AuthError::Missing => "missing_token",
            AuthError::Malformed => "malformed_token",
            AuthError::BadSignature => "bad_signature",
            AuthError::Expired => "token_expired",
            AuthError::UserMismatch => "user_mismatch",
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthError::Missing => {
                "no bearer token in ?token=, Authorization or Sec-WebSocket-Protocol"
            }
            AuthError::Malformed => "token is not in the expected format",
            AuthError::BadSignature => "token signature does not verify",
            AuthError::Expired => "token has expired",
            AuthError::UserMismatch => "user_id does not match the token",
        })
    }
}

impl std::error::Error for AuthError {}

/// Why a token could not be minted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MintError {
    InvalidUserId,
}

impl fmt::Display for MintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MintError::InvalidUserId => write!(
                f,
                "user id must be 1..={MAX_USER_ID_LEN} characters of [A-Za-z0-9._@-]"
            ),
        }
    }
}

impl std::error::Error for MintError {}

/// Whether `user` is an acceptable user id.
pub fn valid_user_id(user: &str) -> bool {
    !user.is_empty()
        && user.len() <= MAX_USER_ID_LEN
        && user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'@' | b'-'))
}

/// Current Unix time in seconds.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Mints and verifies tokens with one secret.
#[derive(Clone)]
pub struct TokenSigner {
    key: Vec<u8>,
}

impl fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSigner { key: *** }")
    }
}

impl TokenSigner {
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        TokenSigner {
            key: secret.as_ref().to_vec(),
        }
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC accepts keys of any length; this cannot fail.
        match HmacSha256::new_from_slice(&self.key) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC-SHA256 accepts any key length"),
        }
    }

    /// A token for `user_id` that expires at `expires_at` (Unix seconds).
    pub fn mint_until(&self, user_id: &str, expires_at: u64) -> Result<String, MintError> {
        if !valid_user_id(user_id) {
            return Err(MintError::InvalidUserId);
        }
        let payload = format!("{user_id}:{expires_at}");
        let mut mac = self.mac();
        mac.update(payload.as_bytes());
        let sig = mac.finalize().into_bytes();
        let mut out = URL_SAFE_NO_PAD.encode(payload.as_bytes());
        out.push('.');
        out.push_str(&URL_SAFE_NO_PAD.encode(sig));
        Ok(out)
    }

    /// A token for `user_id` valid for `ttl_secs` from now.
    pub fn mint(&self, user_id: &str, ttl_secs: u64) -> Result<String, MintError> {
        self.mint_until(user_id, unix_now().saturating_add(ttl_secs))
    }

    /// Verify signature and expiry at time `now` (Unix seconds).
    pub fn verify_at(&self, token: &str, now: u64) -> Result<Claims, AuthError> {
        if token.is_empty() || token.len() > MAX_TOKEN_LEN {
            return Err(AuthError::Malformed);
        }
        let (payload_b64, sig_b64) = token.split_once('.').ok_or(AuthError::Malformed)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload_b64)
            .map_err(|_| AuthError::Malformed)?;
        let sig = URL_SAFE_NO_PAD
            .decode(sig_b64)
            .map_err(|_| AuthError::Malformed)?;
        let mut mac = self.mac();
        mac.update(&payload);
        // Constant-time comparison.
        mac.verify_slice(&sig)
            .map_err(|_| AuthError::BadSignature)?;
        // Only a signed payload is parsed further.
        let payload = std::str::from_utf8(&payload).map_err(|_| AuthError::Malformed)?;
        let (user_id, exp) = payload.rsplit_once(':').ok_or(AuthError::Malformed)?;
        let expires_at: u64 = exp.parse().map_err(|_| AuthError::Malformed)?;
        if !valid_user_id(user_id) {
            return Err(AuthError::Malformed);
        }
        if now >= expires_at {
            return Err(AuthError::Expired);
        }
        Ok(Claims {
            user_id: user_id.to_owned(),
            expires_at,
        })
    }

    /// Verify against the current time.
    pub fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        self.verify_at(token, unix_now())
    }
}

/// Where a token was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Query,
    AuthorizationHeader,
    WebSocketProtocol,
}

impl TokenSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenSource::Query => "query",
            TokenSource::AuthorizationHeader => "authorization",
            TokenSource::WebSocketProtocol => "sec-websocket-protocol",
        }
    }
}

/// A request whose credentials cannot be interpreted: HTTP 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialError {
    /// More than one `Authorization` header, or one that is not valid text.
    BadAuthorizationHeader,
    /// Tokens in two places that differ.
    Conflicting,
}

impl CredentialError {
    pub fn code(self) -> &'static str {
        match self {
            CredentialError::BadAuthorizationHeader => "bad_authorization_header",
            CredentialError::Conflicting => "conflicting_credentials",
        }
    }
}

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialError::BadAuthorizationHeader => {
                "Authorization header must appear once and be visible ASCII"
            }
            CredentialError::Conflicting => "different tokens were presented in different places",
        })
    }
}

fn bearer_from_authorization(headers: &HeaderMap) -> Result<Option<String>, CredentialError> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(CredentialError::BadAuthorizationHeader);
    }
    let text = value
        .to_str()
        .map_err(|_| CredentialError::BadAuthorizationHeader)?;
    let text = text.trim();
    match text.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => {
            let token = rest.trim();
            if token.is_empty() {
                Ok(None)
            } else {
                Ok(Some(token.to_owned()))
            }
        }
        // Another scheme (Basic, ...) carries no bearer token.
        _ => Ok(None),
    }
}

/// The token after `bearer` in the offered subprotocols
/// (`Sec-WebSocket-Protocol: bearer, <token>`). Order matters here, so the
/// header is read directly (axum's `requested_protocols()` is a set).
fn bearer_from_protocols(headers: &HeaderMap) -> Option<String> {
    let mut offered = headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim);
    while let Some(p) = offered.next() {
        if p.eq_ignore_ascii_case(BEARER_PROTOCOL) {
            return offered.next().filter(|t| !t.is_empty()).map(str::to_owned);
        }
    }
    None
}

/// Find the request's bearer token in the query, `Authorization` or
/// `Sec-WebSocket-Protocol`.
pub fn extract_token(
    query: &QueryParams,
    headers: &HeaderMap,
) -> Result<Option<(String, TokenSource)>, CredentialError> {
    let mut found: Option<(String, TokenSource)> = None;
    let candidates = [
        (query.first("token").map(str::to_owned), TokenSource::Query),
        (
            bearer_from_authorization(headers)?,
            TokenSource::AuthorizationHeader,
        ),
        (
            bearer_from_protocols(headers),
            TokenSource::WebSocketProtocol,
        ),
    ];
    for (token, source) in candidates {
        let Some(token) = token else { continue };
        match &found {
            None => found = Some((token, source)),
            Some((existing, _)) if *existing == token => {}
            Some(_) => return Err(CredentialError::Conflicting),
        }
    }
    Ok(found)
}

/// Verify the token and, when the query names a `user_id`, that it matches.
pub fn authenticate(
    signer: &TokenSigner,
    token: Option<&str>,
    query: &QueryParams,
) -> Result<Claims, AuthError> {
    let token = token.ok_or(AuthError::Missing)?;
    let claims = signer.verify(token)?;
    if let Some(wanted) = query.first("user_id") {
        if wanted != claims.user_id {
            return Err(AuthError::UserMismatch);
        }
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn roundtrip() {
        let s = TokenSigner::new("k");
        let t = s.mint_until("alice", 2_000).unwrap();
        let c = s.verify_at(&t, 1_000).unwrap();
        assert_eq!(c.user_id, "alice");
        assert_eq!(c.expires_at, 2_000);
        assert_eq!(s.verify_at(&t, 2_000), Err(AuthError::Expired));
    }

    #[test]
    fn rejects_tampering_and_other_secret() {
        let s = TokenSigner::new("k");
        let t = s.mint_until("alice", 2_000).unwrap();
        assert_eq!(
            TokenSigner::new("other").verify_at(&t, 1),
            Err(AuthError::BadSignature)
        );
        let forged_payload = URL_SAFE_NO_PAD.encode("mallory:2000");
        let (_, sig) = t.split_once('.').unwrap();
        let forged = format!("{forged_payload}.{sig}");
        assert_eq!(s.verify_at(&forged, 1), Err(AuthError::BadSignature));
        assert_eq!(s.verify_at("nodot", 1), Err(AuthError::Malformed));
        assert_eq!(s.verify_at("a.b!", 1), Err(AuthError::Malformed));
        assert_eq!(s.verify_at("", 1), Err(AuthError::Malformed));
    }

    #[test]
    fn user_ids() {
        let s = TokenSigner::new("k");
        assert!(s.mint("", 1).is_err());
        assert!(s.mint("a:b", 1).is_err());
        assert!(s.mint("bob@example.com", 1).is_ok());
    }

    #[test]
    fn extraction() {
        let q = QueryParams::parse(Some("token=abc")).unwrap();
        let mut h = HeaderMap::new();
        assert_eq!(
            extract_token(&q, &h).unwrap(),
            Some(("abc".into(), TokenSource::Query))
        );
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert!(extract_token(&q, &h).unwrap().is_some());
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer xyz"),
        );
        assert_eq!(extract_token(&q, &h), Err(CredentialError::Conflicting));
        let empty = QueryParams::default();
        assert_eq!(
            extract_token(&empty, &h).unwrap(),
            Some(("xyz".into(), TokenSource::AuthorizationHeader))
        );
        let mut h = HeaderMap::new();
        h.insert(
            header::SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_static("chat.v1, bearer, p.q"),
        );
        assert_eq!(
            extract_token(&empty, &h).unwrap(),
            Some(("p.q".into(), TokenSource::WebSocketProtocol))
        );
    }
}
