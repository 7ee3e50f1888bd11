//! The on-disk format of a framework model file (`rules/*.toml`), exactly as
//! users write it. `Models` compiles these into lookup tables; nothing else
//! reads them. Unknown keys are errors so typos never pass silently.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ModelFile {
    /// The crate this file models; `versions` ranges are of this crate.
    #[serde(default, rename = "crate")]
    pub krate: Option<String>,
    /// The versions of `crate` this file describes (`">=0.8, <0.9"`): the
    /// file is left out for a file built against another version.
    #[serde(default)]
    pub versions: Option<String>,
    /// Traits whose impls handle requests (`axum::extract::FromRequestParts`).
    #[serde(default)]
    pub handler_traits: Vec<String>,
    /// Methods every type may have through std traits (`clone`, `to_string`).
    #[serde(default)]
    pub universal_methods: Vec<String>,
    #[serde(default)]
    pub reexport: Vec<ReexportSpec>,
    #[serde(default, rename = "type")]
    pub types: Vec<TypeSpec>,
    #[serde(default)]
    pub function: Vec<FunctionSpec>,
    #[serde(default, rename = "macro")]
    pub macros: Vec<MacroSpec>,
    /// Router methods that take route paths, and their capture syntax.
    #[serde(default)]
    pub router: Vec<RouterSpec>,
    /// Access-log middleware constructors and what they record.
    #[serde(default)]
    pub access_log: Vec<AccessLogSpec>,
}

/// Access-log middleware and what it records (SL014).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AccessLogSpec {
    /// The constructor (`tower_http::trace::TraceLayer::new_for_http`).
    pub path: String,
    /// The versions of the file's crate this entry holds for.
    #[serde(default)]
    pub versions: Option<String>,
    /// The finding: what the middleware records, query included.
    pub records: String,
    /// Methods applied to the result that replace what is recorded.
    #[serde(default)]
    pub unless: Vec<String>,
    /// The format string argument (0-based), when only some formats record
    /// the query...
    #[serde(default)]
    pub format_arg: Option<usize>,
    /// ...namely those containing one of these.
    #[serde(default)]
    pub format_has: Vec<String>,
}

/// How a router takes route paths (`Router::route("/users/{id}", ..)`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RouterSpec {
    /// The versions of the file's crate this entry holds for.
    #[serde(default)]
    pub versions: Option<String>,
    /// Router types whose methods take paths (`axum::Router<S>`).
    pub types: Vec<String>,
    /// Methods whose first argument is a route path.
    pub methods: Vec<String>,
    /// Types of a second argument that make a call a route registration
    /// even when the receiver's type is unknown (`MethodRouter<S, E>`).
    #[serde(default)]
    pub arguments: Vec<String>,
    /// Functions whose first argument is a route path (`web::resource`).
    #[serde(default)]
    pub functions: Vec<String>,
    /// `braces` (`/{id}`, `/{*rest}`) or `colon` (`/:id`, `/*rest`).
    pub captures: String,
    /// How a segment in the wrong syntax starts (`:` and `*`, or `{`).
    pub wrong: Vec<String>,
    /// What a path in the other syntax does under these versions, short.
    pub mismatch: String,
    /// Why, and how captures are written instead.
    pub why: String,
    /// Whether rewriting the other syntax is a safe fix (`safe`/`unsafe`).
    pub fix: String,
    /// Router methods that turn the check off for their router.
    #[serde(default)]
    pub opt_out: Vec<String>,
    /// Methods that register a method router on a path (`route`): two of
    /// them with a common HTTP method on one path conflict (SL013).
    #[serde(default)]
    pub registers: Vec<String>,
    /// Methods that register a whole service on a path (`route_service`):
    /// any other registration of the same path conflicts.
    #[serde(default)]
    pub services: Vec<String>,
    /// Methods that add another router's routes (`merge`): its
    /// registrations conflict with this router's like two of one chain.
    #[serde(default)]
    pub merges: Vec<String>,
    /// Functions and method-router methods that add one HTTP method
    /// (`get = "GET"`, `get_service = "GET"`); adding one twice conflicts.
    #[serde(default)]
    pub http_methods: BTreeMap<String, String>,
    /// Two paths that differ only in capture names (`/{id}`, `/{name}`)
    /// conflict in the path matcher of these versions.
    #[serde(default)]
    pub capture_names_conflict: bool,
    /// Methods whose first argument is a mount base and whose second lists
    /// handlers by name (`mount("/", routes![a, b])`).
    #[serde(default)]
    pub mounts: Vec<String>,
    /// Functions whose route path is not the first argument: its index
    /// (`"rocket::Route::new" = 1`).
    #[serde(default)]
    pub path_args: BTreeMap<String, usize>,
    /// Colliding handlers mounted together make the launch fail (rocket).
    #[serde(default)]
    pub launch_collisions: bool,
    /// Starts of wrong-syntax segments that panic in these versions instead
    /// of doing what `mismatch` says (`{*` under matchit 0.7).
    #[serde(default)]
    pub panics_on: Vec<String>,
    /// Why those panic.
    #[serde(default)]
    pub panic_why: Option<String>,
}

/// A module that re-exports another one wholesale: `axum::http` is `http`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReexportSpec {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TypeSpec {
    /// Canonical path with generic parameter names: `http::Request<B>`.
    pub path: String,
    /// The versions of the file's crate (or the path's first segment) this
    /// entry holds for.
    #[serde(default)]
    pub versions: Option<String>,
    /// Other paths naming the same type: `hyper::Uri`, `reqwest::Url`.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Roles every value of this type has.
    #[serde(default)]
    pub roles: Vec<String>,
    /// `request`: a parameter of this type makes a function a request
    /// handler. `extractor`: it may be a handler argument (an async fn whose
    /// arguments are all extractors is a handler).
    #[serde(default)]
    pub handler: Option<String>,
    /// Roles a parameter of this type has inside a request handler.
    #[serde(default)]
    pub handler_roles: Vec<String>,
    /// What its `Debug` output shows of a request, as roles: `raw-query`
    /// (the URI with its query), `request-headers` (every header value,
    /// none redacted). `{req:?}` of a server request logs these.
    #[serde(default)]
    pub debug_shows: Vec<String>,
    /// True when `fields` and `methods` list every real member, so that a
    /// member not listed does not exist (SL001 relies on it).
    #[serde(default)]
    pub complete: bool,
    #[serde(default)]
    pub fields: BTreeMap<String, MemberSpec>,
    #[serde(default)]
    pub methods: BTreeMap<String, MemberSpec>,
    /// Associated functions called as `Type::name(..)`.
    #[serde(default)]
    pub functions: BTreeMap<String, MemberSpec>,
    /// The type this one dereferences to (`T` of `Query<T>`): members it
    /// lacks are looked up there, keeping the value's roles.
    #[serde(default)]
    pub deref: Option<String>,
    /// Members people reach for that do not exist, with the real API.
    #[serde(default)]
    pub wrong: Vec<WrongSpec>,
}

/// A field, method or function: either just its type (`"Option<&str>"`) or
/// a table with roles.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum MemberSpec {
    Type(String),
    Full(MemberTable),
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MemberTable {
    /// The result type (`type` reads better for fields).
    #[serde(default, alias = "type")]
    pub returns: Option<String>,
    /// Roles the result always has.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Roles the result has when the receiver is an incoming request.
    #[serde(default)]
    pub request_roles: Vec<String>,
    /// The result keeps the receiver's roles (`HeaderMap::get`).
    #[serde(default)]
    pub keep_roles: bool,
    /// The `Option` or `Result` it returns fails only on the code's own
    /// mistake, never on what a client sends: a route's path parameter
    /// (`match_info().get("id")` is `Some` whenever the route declares
    /// `{id}`). SL008 leaves its `unwrap` alone.
    #[serde(default)]
    pub present: bool,
    /// The versions of the type's crate that have this member.
    #[serde(default)]
    pub versions: Option<String>,
    /// 0-based index of an argument that is a request handler
    /// (`MethodRouter::post(handler)`, actix `Route::to(handler)`): a
    /// closure there handles a request.
    #[serde(default)]
    pub handler_arg: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WrongSpec {
    pub member: String,
    /// Replacement for the whole member expression; `{recv}` is the
    /// receiver's source text.
    #[serde(default)]
    pub replacement: Option<String>,
    /// Why the member does not exist and what to use.
    pub why: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FunctionSpec {
    pub path: String,
    /// The versions of the file's crate (or the path's first segment) this
    /// entry holds for.
    #[serde(default)]
    pub versions: Option<String>,
    #[serde(default)]
    pub returns: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    /// A closure argument the framework calls with request values.
    #[serde(default)]
    pub callback: Option<CallbackSpec>,
    /// 0-based index of an argument that is a request handler: a closure
    /// there (`get(|uri: Uri| async move { .. })`) handles a request, and
    /// its parameters are the extractors it annotates.
    #[serde(default)]
    pub handler_arg: Option<usize>,
    /// 0-based index of the argument whose value the result is: a wrapper
    /// that keeps what it wraps (tracing's `field::display(req.uri())`
    /// records the URI as `%req.uri()` does).
    #[serde(default)]
    pub wraps_arg: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CallbackSpec {
    /// 0-based index of the closure among the call's arguments.
    pub arg: usize,
    /// The types of the closure's parameters.
    pub params: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MacroSpec {
    pub path: String,
    /// `log`, `print`, `panic`, `format` or `error`.
    pub kind: String,
    /// Also known under these paths (`log::info` for `tracing::info`).
    #[serde(default)]
    pub aliases: Vec<String>,
}
