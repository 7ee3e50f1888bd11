//! The on-disk format of a framework model file (`rules/*.toml`), exactly as
//! users write it. `Models` compiles these into lookup tables; nothing else
//! reads them. Unknown keys are errors so typos never pass silently.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ModelFile {
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
}

/// A module that re-exports another one wholesale: `axum::http` is `http`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReexportSpec {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TypeSpec {
    /// Canonical path with generic parameter names: `http::Request<B>`.
    pub path: String,
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
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum MemberSpec {
    Type(String),
    Full(MemberTable),
}

#[derive(Debug, Deserialize, Default)]
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
}

#[derive(Debug, Deserialize)]
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FunctionSpec {
    pub path: String,
    #[serde(default)]
    pub returns: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    /// A closure argument the framework calls with request values.
    #[serde(default)]
    pub callback: Option<CallbackSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CallbackSpec {
    /// 0-based index of the closure among the call's arguments.
    pub arg: usize,
    /// The types of the closure's parameters.
    pub params: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MacroSpec {
    pub path: String,
    /// `log`, `print`, `panic`, `format` or `error`.
    pub kind: String,
    /// Also known under these paths (`log::info` for `tracing::info`).
    #[serde(default)]
    pub aliases: Vec<String>,
}
