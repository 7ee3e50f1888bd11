//! Roles: what a value *is* for the request scope, independent of its Rust
//! type. Models attach roles to types, fields and method results; rules match
//! roles, so a user's own framework model gets every rule for free.

use std::fmt;

/// One role. The names are the ones written in `rules/*.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Role {
    /// A parsed absolute URL (`url::Url`).
    Url,
    /// An `http::Uri`, wherever it came from.
    Uri,
    /// An incoming server request.
    Request,
    /// The URI of an incoming request: origin-form, no scheme or authority.
    RequestUri,
    /// An undecoded query string.
    RawQuery,
    /// A value the client controls (headers, query and path values).
    RequestInput,
    /// Headers of an incoming request (carry `Authorization`, cookies).
    RequestHeaders,
    /// Text already percent-encoded for a query (`urlencoding::encode`,
    /// `form_urlencoded::byte_serialize`, a `let` bound from such a value).
    Encoded,
    /// The URL of a response an HTTP client fetched (`reqwest::Response::url`):
    /// its scheme is `http` or `https`, so it always has path segments.
    FetchedUrl,
    /// A URL known to have a special scheme (`http`, `https`, `ws`, `wss`,
    /// `ftp`, `file`), so it always has path segments: one parsed from such
    /// a literal keeps it after `path_segments_mut()` or `set_query(..)`
    /// make it forget the literal (no such call changes a scheme).
    SpecialScheme,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::Url,
        Role::Uri,
        Role::Request,
        Role::RequestUri,
        Role::RawQuery,
        Role::RequestInput,
        Role::RequestHeaders,
        Role::Encoded,
        Role::FetchedUrl,
        Role::SpecialScheme,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Role::Url => "url",
            Role::Uri => "uri",
            Role::Request => "request",
            Role::RequestUri => "request-uri",
            Role::RawQuery => "raw-query",
            Role::RequestInput => "request-input",
            Role::RequestHeaders => "request-headers",
            Role::Encoded => "encoded",
            Role::FetchedUrl => "fetched-url",
            Role::SpecialScheme => "special-scheme",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// A small set of roles.
#[derive(Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Roles(u16);

impl Roles {
    pub const NONE: Roles = Roles(0);

    pub fn of(roles: &[Role]) -> Roles {
        roles.iter().fold(Roles::NONE, |acc, &r| acc.with(r))
    }

    pub fn with(self, role: Role) -> Roles {
        Roles(self.0 | 1 << role as u8)
    }

    pub fn has(self, role: Role) -> bool {
        self.0 & (1 << role as u8) != 0
    }

    pub fn has_any(self, roles: &[Role]) -> bool {
        roles.iter().any(|&r| self.has(r))
    }

    pub fn union(self, other: Roles) -> Roles {
        Roles(self.0 | other.0)
    }

    /// Only where the value came from: a value computed from request data
    /// is still client input, but no longer the URI, query or headers.
    pub fn provenance(self) -> Roles {
        if self.has_any(&[
            Role::Request,
            Role::RequestUri,
            Role::RequestHeaders,
            Role::RequestInput,
        ]) {
            Roles::NONE.with(Role::RequestInput)
        } else {
            Roles::NONE
        }
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |&r| self.has(r))
    }
}

impl fmt::Debug for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(Role::name)).finish()
    }
}
