//! What rocket 0.5 does with route and mount strings, for SL012 and SL013.
//!
//! Rocket checks routes in two places, both at startup:
//! - `Rocket::mount(base, routes)` parses `base` with `Origin::parse`
//!   (rocket 0.5.2 `src/rkt.rs`, `Rocket::load`) and panics ("aborting
//!   due to route base error") when it is not a valid origin: it must start
//!   with `/`, its path may hold only RFC 3986 path characters (so no
//!   `<id>` dynamic segment, no `{id}`), its query only query characters
//!   (a query is ignored with a warning). `Route::new`/`Route::ranked`
//!   parse the route URI with `Origin::parse_route`, which takes any text
//!   starting with `/` and panics ("Expected valid URIs") otherwise
//!   (`src/route/uri.rs`, `RouteUri::new`).
//! - `launch()` fails ("Rocket failed to launch due to the following route
//!   collisions") when two routes collide (`src/router/collider.rs`,
//!   `Collide for Route`): the same method, the same rank, colliding paths
//!   and, for methods with a payload, colliding formats. A route without
//!   an explicit rank gets `RouteUri::default_rank` from how static its
//!   path and query are, so `/user/me` (static) and `/user/<id>` (partly
//!   dynamic) do not collide.

/// `PATH_CHARS` of rocket_http 0.5.2 `src/parse/uri/tables.rs`:
/// unreserved, percent-encoded, sub-delims, `:`, `@`, `/`, `[`, `]`.
fn is_pchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=:@/[]".contains(&c)
}

/// `QUERY_CHARS`: path characters and `/?{}[]\^`|`.
fn is_qchar(c: u8) -> bool {
    is_pchar(c) || b"?{}\\^`|".contains(&c)
}

/// Why `Rocket::mount` panics on `base`, if it does.
pub fn invalid_mount_base(base: &str) -> Option<String> {
    if !base.starts_with('/') {
        return Some("a mount base must start with `/`".to_string());
    }
    let (path, query) = base.split_once('?').unwrap_or((base, ""));
    if let Some(seg) = path
        .split('/')
        .find(|s| s.starts_with('<') && s.ends_with('>'))
    {
        return Some(format!(
            "a mount base is a static path: `{seg}` is not allowed there (declare it in each route instead)"
        ));
    }
    if let Some(c) = path.bytes().find(|c| !is_pchar(*c)) {
        return Some(format!(
            "`{}` is not a URI path character",
            char::from(c).escape_default()
        ));
    }
    if let Some(c) = query.bytes().find(|c| !is_qchar(*c)) {
        return Some(format!(
            "`{}` is not a URI query character",
            char::from(c).escape_default()
        ));
    }
    None
}

/// One path or query segment of a route.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment<'s> {
    value: &'s str,
    dynamic: bool,
    trailing: bool,
}

fn segment(s: &str) -> Segment<'_> {
    match s.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
        Some(inner) => Segment {
            value: inner.trim_end_matches(".."),
            dynamic: true,
            trailing: inner.ends_with(".."),
        },
        None => Segment {
            value: s,
            dynamic: false,
            trailing: false,
        },
    }
}

/// `Color` of `src/route/uri.rs` as its number: static 3, partly dynamic
/// 2, all dynamic 1.
fn color(segs: &[Segment]) -> u8 {
    if segs.iter().all(|s| !s.dynamic) {
        3
    } else if segs.iter().all(|s| s.dynamic) {
        1
    } else {
        2
    }
}

/// A route as mounted: its full path (base and route URI) and query.
#[derive(Debug)]
pub struct MountedRoute<'s> {
    pub method: &'s str,
    path: Vec<Segment<'s>>,
    rank: i64,
    format: Option<&'s str>,
}

impl<'s> MountedRoute<'s> {
    /// `uri` mounted at the static `base`, with its explicit rank or the
    /// default one (`RouteUri::default_rank`).
    pub fn new(
        method: &'s str,
        base: &'s str,
        uri: &'s str,
        rank: Option<i64>,
        format: Option<&'s str>,
    ) -> MountedRoute<'s> {
        let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
        let base = base.split('?').next().unwrap_or(base);
        let path: Vec<Segment> = base
            .split('/')
            .chain(path.split('/'))
            .filter(|s| !s.is_empty())
            .map(segment)
            .collect();
        let query: Vec<Segment> = query
            .split('&')
            .filter(|s| !s.is_empty())
            .map(segment)
            .collect();
        let rank = rank.unwrap_or_else(|| {
            let query_color = if query.is_empty() { 0 } else { color(&query) };
            // An empty path (`/`) is static.
            let raw = (color(&path) << 2) | query_color;
            -(i64::from(raw) - 3)
        });
        MountedRoute {
            method,
            path,
            rank,
            format,
        }
    }

    pub fn rank(&self) -> i64 {
        self.rank
    }

    /// `Collide for Route`: the same method and rank, colliding paths and
    /// formats. `None` when a format is not one rocket's collision check
    /// can be followed on here.
    pub fn collides_with(&self, other: &MountedRoute) -> Option<bool> {
        if self.method != other.method || self.rank != other.rank {
            return Some(false);
        }
        if !paths_collide(&self.path, &other.path) {
            return Some(false);
        }
        formats_collide(self.method, self.format, other.format)
    }
}

/// `paths_collide` of `src/router/collider.rs`.
fn paths_collide(a: &[Segment], b: &[Segment]) -> bool {
    for (x, y) in a.iter().zip(b) {
        if x.trailing || y.trailing {
            return true;
        }
        if x.dynamic || y.dynamic {
            continue;
        }
        if x.value != y.value {
            return false;
        }
    }
    a.get(b.len()).is_some_and(|s| s.trailing)
        || b.get(a.len()).is_some_and(|s| s.trailing)
        || a.len() == b.len()
}

/// `formats_collide`: methods without a payload ignore formats; otherwise
/// two formats collide when their media types do (`*` matches anything).
fn formats_collide(method: &str, a: Option<&str>, b: Option<&str>) -> Option<bool> {
    if !matches!(method, "PUT" | "POST" | "DELETE" | "PATCH") {
        return Some(true);
    }
    let (Some(a), Some(b)) = (a, b) else {
        return Some(true);
    };
    let (a, b) = (media_type(a)?, media_type(b)?);
    let collide = |x: &str, y: &str| x == "*" || y == "*" || x.eq_ignore_ascii_case(y);
    Some(collide(a.0, b.0) && collide(a.1, b.1))
}

/// `MediaType::parse_flexible`: a shorthand (`known_shorthands!` of
/// rocket_http 0.5.2 `src/header/known_media_types.rs`) or `top/sub`.
fn media_type(name: &str) -> Option<(&str, &str)> {
    const SHORT: &[(&str, &str, &str)] = &[
        ("any", "*", "*"),
        ("binary", "application", "octet-stream"),
        ("bytes", "application", "octet-stream"),
        ("html", "text", "html"),
        ("plain", "text", "plain"),
        ("text", "text", "plain"),
        ("json", "application", "json"),
        ("msgpack", "application", "msgpack"),
        ("form", "application", "x-www-form-urlencoded"),
        ("js", "text", "javascript"),
        ("css", "text", "css"),
        ("multipart", "multipart", "form-data"),
        ("xml", "text", "xml"),
        ("pdf", "application", "pdf"),
        ("markdown", "text", "markdown"),
        ("md", "text", "markdown"),
    ];
    if let Some((_, top, sub)) = SHORT.iter().find(|(s, ..)| s.eq_ignore_ascii_case(name)) {
        return Some((top, sub));
    }
    let (top, sub) = name.split(';').next()?.trim().split_once('/')?;
    (!top.is_empty() && !sub.is_empty()).then_some((top, sub))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collide(a: &str, b: &str) -> bool {
        MountedRoute::new("GET", "/", a, None, None)
            .collides_with(&MountedRoute::new("GET", "/", b, None, None))
            .unwrap()
    }

    /// Pairs from rocket 0.5.2 `src/router/collider.rs` tests
    /// (`non_collisions`, `collisions`), with default ranks.
    #[test]
    fn collisions_follow_rocket_0_5() {
        assert!(collide("/<a>", "/<b>"));
        assert!(collide("/hello/<name>", "/hello/<person>"));
        assert!(collide("/a/<b>/c", "/a/<d>/c"));
        assert!(collide("/<a..>", "/<b..>"));
        assert!(collide("/a", "/a"));
        assert!(collide("/a/<b..>", "/a/<c..>"));
        // Static beats dynamic by rank: no collision.
        assert!(!collide("/hello", "/<name>"));
        assert!(!collide("/user/me", "/user/<id>"));
        assert!(!collide("/a/<b>", "/a/<b>/c"));
        assert!(!collide("/a/b", "/a/c"));
        // Different colors, different default ranks.
        assert!(!collide("/<a>/<b>", "/a/<b>"));
        // A query lowers the default rank; queries themselves do not
        // tell routes apart (`m_collide` tests).
        assert!(!collide("/user/<id>?<q>", "/user/<name>"));
        assert!(!collide("/", "/?a"));
        assert!(!collide("/", "/?<a>"));
        assert!(!collide("/a/<b>", "/a/<b>?d"));
        assert!(collide("/search?<q>", "/search?<q>&<page>"));
    }

    #[test]
    fn a_static_base_changes_default_ranks() {
        let at = |base, uri| MountedRoute::new("GET", base, uri, None, None);
        assert!(!at("/", "/<a>/x")
            .collides_with(&at("/", "/<a>/<b>"))
            .unwrap());
        assert!(at("/api", "/<a>/x")
            .collides_with(&at("/api", "/<a>/<b>"))
            .unwrap());
        assert_eq!(at("/", "/user/<id>").rank(), -5);
        assert_eq!(at("/", "/about").rank(), -9);
        assert_eq!(at("/", "/<a>").rank(), -1);
    }

    #[test]
    fn formats_matter_only_with_a_payload() {
        let r = |m, f| MountedRoute::new(m, "/", "/x", None, Some(f));
        assert!(r("GET", "json").collides_with(&r("GET", "html")).unwrap());
        assert!(!r("POST", "json").collides_with(&r("POST", "html")).unwrap());
        assert!(r("POST", "json")
            .collides_with(&r("POST", "application/*"))
            .unwrap());
        assert!(!r("POST", "json").collides_with(&r("PUT", "json")).unwrap());
    }

    #[test]
    fn mount_bases_follow_origin_parse() {
        assert!(invalid_mount_base("/").is_none());
        assert!(invalid_mount_base("/api/v1").is_none());
        assert!(invalid_mount_base("/api:v1").is_none());
        assert!(invalid_mount_base("/api?x=1").is_none());
        assert!(invalid_mount_base("/users/<id>").is_some());
        assert!(invalid_mount_base("/users/{id}").is_some());
        assert!(invalid_mount_base("api").is_some());
        assert!(invalid_mount_base("/a b").is_some());
    }
}
