//! Framework models: which types exist in url, http, axum, actix-web, warp,
//! tungstenite and reqwest, their real members, what those return and which
//! roles the results carry.
//!
//! The models are data, not code: `rules/*.toml` is embedded at build time
//! and user directories (`--models DIR`, config `models`) are loaded by the
//! same [`Models::load`], so a new framework needs no Rust. Everything is
//! compiled once into hash maps before the walk and shared read-only.

pub mod describe;
mod limits;
pub mod remembered;
pub mod roles;
pub mod spec;
pub mod ty;
pub mod versions;

use foldhash::{HashMap, HashSet};
use roles::{Role, Roles};
use semver::VersionReq;
use spec::{MemberSpec, ModelFile};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use ty::Ty;
use versions::{Origin, VersionSet};

/// The model files that ship inside the binary, in load order.
pub const BUILTIN: &[(&str, &str)] = &[
    ("std.toml", include_str!("../../rules/std.toml")),
    ("http.toml", include_str!("../../rules/http.toml")),
    ("url.toml", include_str!("../../rules/url.toml")),
    ("axum.toml", include_str!("../../rules/axum.toml")),
    (
        "axum-routing.toml",
        include_str!("../../rules/axum-routing.toml"),
    ),
    ("actix-web.toml", include_str!("../../rules/actix-web.toml")),
    (
        "actix-multipart.toml",
        include_str!("../../rules/actix-multipart.toml"),
    ),
    ("warp.toml", include_str!("../../rules/warp.toml")),
    ("poem.toml", include_str!("../../rules/poem.toml")),
    ("rocket.toml", include_str!("../../rules/rocket.toml")),
    ("hyper.toml", include_str!("../../rules/hyper.toml")),
    (
        "lambda-http.toml",
        include_str!("../../rules/lambda-http.toml"),
    ),
    ("worker.toml", include_str!("../../rules/worker.toml")),
    ("salvo.toml", include_str!("../../rules/salvo.toml")),
    (
        "tungstenite.toml",
        include_str!("../../rules/tungstenite.toml"),
    ),
    ("reqwest.toml", include_str!("../../rules/reqwest.toml")),
    ("log.toml", include_str!("../../rules/log.toml")),
    ("tower.toml", include_str!("../../rules/tower.toml")),
    (
        "tower-http.toml",
        include_str!("../../rules/tower-http.toml"),
    ),
    (
        "tracing-actix-web.toml",
        include_str!("../../rules/tracing-actix-web.toml"),
    ),
    ("tokio.toml", include_str!("../../rules/tokio.toml")),
    (
        "parking_lot.toml",
        include_str!("../../rules/parking_lot.toml"),
    ),
];

/// How a type takes part in request handlers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerKind {
    /// Only ever an incoming request: its presence makes a handler.
    Request,
    /// May be a handler argument.
    Extractor,
}

#[derive(Debug, Clone, Default)]
pub struct Member {
    pub returns: Ty,
    pub roles: Roles,
    pub request_roles: Roles,
    pub keep_roles: bool,
    /// Fails only on the code's own mistake ([`spec::MemberTable::present`]).
    pub present: bool,
    /// An argument that is a request handler ([`spec::MemberTable::handler_arg`]).
    pub handler_arg: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct WrongMember {
    pub member: String,
    pub replacement: Option<String>,
    pub why: String,
}

#[derive(Debug, Clone)]
pub struct TypeModel {
    pub path: Arc<str>,
    pub roles: Roles,
    pub handler: Option<HandlerKind>,
    pub handler_roles: Roles,
    /// What its `Debug` output shows, as roles (`debug-shows`).
    pub debug_shows: Roles,
    pub complete: bool,
    pub fields: HashMap<String, Member>,
    pub methods: HashMap<String, Member>,
    pub functions: HashMap<String, Member>,
    pub wrong: Vec<WrongMember>,
    pub deref: Option<Ty>,
}

impl TypeModel {
    pub fn wrong_member(&self, name: &str) -> Option<&WrongMember> {
        self.wrong.iter().find(|w| w.member == name)
    }

    /// Every real member name, fields and methods, for suggestions.
    pub fn member_names(&self) -> impl Iterator<Item = &str> {
        self.fields
            .keys()
            .chain(self.methods.keys())
            .map(String::as_str)
    }
}

/// A closure argument the framework calls: with these parameter types, or,
/// for a request handler (`handler-arg`), none given: its parameters are
/// the extractors it annotates. Either way the closure handles a request.
#[derive(Debug, Clone)]
pub struct Callback {
    pub arg: usize,
    pub params: Vec<Ty>,
}

#[derive(Debug, Clone)]
pub struct FunctionModel {
    pub returns: Ty,
    pub roles: Roles,
    pub callback: Option<Callback>,
    /// The argument whose value the result is ([`spec::FunctionSpec::wraps_arg`]).
    pub wraps_arg: Option<usize>,
}

/// Which crate words [`Models`] gives (see [`Models::crate_words`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Words {
    All,
    Values,
    Admission,
}

/// What a known macro does with its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacroKind {
    Log,
    Print,
    Panic,
    Format,
    Error,
}

/// How a router writes path captures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureSyntax {
    /// `/{id}` and `/{*rest}` (axum 0.8, matchit 0.8).
    Braces,
    /// `/:id` and `/*rest` (axum 0.7 and older, matchit 0.7).
    Colon,
    /// `/<id>` and `/<rest..>` (rocket).
    Angle,
    /// `{id}`, `{id:num}`, `{**rest}` (salvo 0.76 and later).
    SalvoBraces,
    /// `<id>`, `<id:num>`, `<**rest>` (salvo 0.75 and older).
    SalvoAngle,
}

impl CaptureSyntax {
    pub fn name(self) -> &'static str {
        match self {
            CaptureSyntax::Braces => "`/{id}` and `/{*rest}`",
            CaptureSyntax::Colon => "`/:id` and `/*rest`",
            CaptureSyntax::Angle => "`/<id>` and `/<rest..>`",
            CaptureSyntax::SalvoBraces => "`{id}` and `{**rest}`",
            CaptureSyntax::SalvoAngle => "`<id>` and `<**rest>`",
        }
    }
}

/// A router whose methods take route paths, for the versions in effect.
#[derive(Debug, Clone)]
pub struct RouterModel {
    /// The crate it belongs to (`axum`), for messages.
    pub krate: String,
    pub types: Vec<String>,
    pub methods: Vec<String>,
    pub arguments: Vec<String>,
    pub functions: Vec<String>,
    pub captures: CaptureSyntax,
    /// How a segment in the wrong syntax starts.
    pub wrong: Vec<String>,
    pub mismatch: String,
    pub why: String,
    pub safe_fix: bool,
    pub opt_out: Vec<String>,
    pub registers: Vec<String>,
    pub services: Vec<String>,
    pub merges: Vec<String>,
    pub http_methods: BTreeMap<String, String>,
    pub capture_names_conflict: bool,
    /// Whether a rewritten path is offered as an edit (`fix = "help"`:
    /// only as help text).
    pub edit_fix: bool,
    /// Methods whose first argument is a mount base and whose second lists
    /// handlers by name (rocket's `mount("/", routes![a, b])`).
    pub mounts: Vec<String>,
    /// Functions whose route path is not their first argument: the index.
    pub path_args: BTreeMap<String, usize>,
    /// Handlers mounted together that collide make the launch fail
    /// (rocket's collision check, SL013).
    pub launch_collisions: bool,
    /// Starts of wrong-syntax segments that panic instead, and why.
    pub panics_on: Vec<String>,
    pub panic_why: Option<String>,
}

/// Access-log middleware and what it records.
#[derive(Debug, Clone)]
pub struct AccessLogModel {
    pub path: String,
    pub records: String,
    pub unless: Vec<String>,
    pub format_arg: Option<usize>,
    pub format_has: Vec<String>,
}

/// A model file that could not be loaded: which file and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "framework model {}: {}", self.file, self.message)
    }
}

impl std::error::Error for ModelError {}

/// All loaded framework models: the crate versions they were chosen for,
/// and what those versions select ([`ModelData`], shared: a run builds
/// models for every package it meets, and packages whose versions select
/// the same entries share one copy, cloned by a pointer).
#[derive(Debug, Default, Clone)]
pub struct Models {
    data: Arc<ModelData>,
    /// The version of each versioned crate these models were chosen for.
    pub versions: VersionSet,
}

impl Models {
    /// Models with the same id share their entries (they were chosen for
    /// versions that select the same ones). Changing shared models copies
    /// them first, so an id names one content while a copy of it lives;
    /// after the last copy is dropped the address may be reused.
    pub fn id(&self) -> usize {
        Arc::as_ptr(&self.data) as usize
    }
}

impl std::ops::Deref for Models {
    type Target = ModelData;
    fn deref(&self) -> &ModelData {
        &self.data
    }
}

impl std::ops::DerefMut for Models {
    /// Only while models are built: a shared copy is copied first.
    fn deref_mut(&mut self) -> &mut ModelData {
        Arc::make_mut(&mut self.data)
    }
}

/// The model entries that apply, by type, function and macro (see
/// [`Models`]).
#[derive(Debug, Default, Clone)]
pub struct ModelData {
    types: HashMap<Arc<str>, TypeModel>,
    aliases: HashMap<String, Arc<str>>,
    /// Module prefix rewrites, longest `from` first.
    reexports: Vec<(String, String)>,
    functions: HashMap<String, FunctionModel>,
    macros: HashMap<String, MacroKind>,
    handler_traits: HashSet<String>,
    universal_methods: HashSet<String>,
    /// Every module path a model mentions (`http`, `axum::extract`): what a
    /// glob import may bring names from.
    modules: HashSet<String>,
    /// A hash of every model file loaded, in order: part of the cache key.
    pub fingerprint: u64,
    /// The model files that apply, in load order.
    pub files: Vec<String>,
    routers: Vec<RouterModel>,
    access_logs: Vec<AccessLogModel>,
    /// [`Models::followed_type_names`], once (emptied by every change).
    followed: std::sync::OnceLock<Vec<String>>,
    /// [`Models::free_function_names`] as a set, once.
    free_functions: std::sync::OnceLock<HashSet<String>>,
    /// [`Models::is_callback_function_name`]'s names, once.
    callback_functions: std::sync::OnceLock<HashSet<String>>,
    /// [`Models::is_router_function_name`]'s names, once.
    router_functions: std::sync::OnceLock<HashSet<String>>,
}

impl Models {
    /// The models shipped in `rules/`.
    pub fn builtin() -> Result<Models, ModelError> {
        // Built once: a run asks from several threads at its start.
        static BUILT: std::sync::OnceLock<Result<Models, ModelError>> = std::sync::OnceLock::new();
        BUILT.get_or_init(|| Models::load(&[])).clone()
    }

    /// The builtin models plus every `*.toml` in `dirs`, in name order, for
    /// the newest version of every crate.
    pub fn load(dirs: &[PathBuf]) -> Result<Models, ModelError> {
        Models::load_for(dirs, &VersionSet::new())
    }

    /// The model files, builtin first, parsed. Every linter of a run asks
    /// (a tree of 600 packages makes 65): the builtin files are parsed once
    /// a process, and not copied.
    fn sources(dirs: &[PathBuf]) -> Result<Vec<Source>, ModelError> {
        let mut out: Vec<Source> = Vec::with_capacity(BUILTIN.len());
        for (i, (name, text)) in BUILTIN.iter().enumerate() {
            out.push(Source {
                name: std::borrow::Cow::Borrowed(name),
                text: std::borrow::Cow::Borrowed(text),
                parsed: parse_builtin(i)?,
            });
        }
        for dir in dirs {
            for (name, text) in read_model_dir(dir)? {
                let parsed = parse_file(&name, &text)?;
                out.push(Source {
                    name: name.into(),
                    text: text.into(),
                    parsed,
                });
            }
        }
        Ok(out)
    }

    /// The crates some model entry declares `versions` for: the ones whose
    /// version in Cargo.lock selects models.
    pub fn versioned_crates(dirs: &[PathBuf]) -> Result<Vec<String>, ModelError> {
        let mut out = Vec::new();
        for source in Models::sources(dirs)? {
            out.extend(source.parsed.ranges.iter().map(|(c, _)| c.clone()));
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// The models for the crate versions in `resolved`: an entry with a
    /// `versions` range is kept only when the range holds its crate's
    /// version. A versioned crate missing from `resolved` is taken at the
    /// newest version any model describes.
    pub fn load_for(dirs: &[PathBuf], resolved: &VersionSet) -> Result<Models, ModelError> {
        let mut parsed = Vec::new();
        let mut ranges: BTreeMap<String, Vec<VersionReq>> = BTreeMap::new();
        let mut every_range = Vec::new();
        let mut sources_key = Vec::new();
        for Source {
            name,
            text,
            parsed: file,
        } in Models::sources(dirs)?
        {
            for (c, r) in &file.ranges {
                ranges.entry(c.clone()).or_default().push(r.clone());
                every_range.push((c.clone(), r.clone()));
            }
            sources_key.push((name.to_string(), file.hash));
            parsed.push((name, text, file));
        }
        let mut models = Models {
            versions: resolved.clone(),
            ..Models::default()
        };
        models.assume_newest(&ranges);
        // Models depend on the versions only through the ranges that hold:
        // crates of a tree of many packages share a few such selections.
        let selection: Vec<bool> = every_range
            .iter()
            .map(|(c, r)| {
                models
                    .versions
                    .get(&c.replace('-', "_"))
                    .is_none_or(|(v, _)| r.matches(v))
            })
            .collect();
        let key = (sources_key, selection);
        // Linters are made on several threads: one that asks for a
        // selection being built waits for it rather than build it too.
        let cell = selections()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_default()
            .clone();
        let built = cell.get_or_init(|| {
            let mut built = Models {
                versions: models.versions.clone(),
                ..Models::default()
            };
            for (name, text, file) in parsed {
                built.add_spec(&name, &text, ModelFile::clone(&file.spec))?;
            }
            Ok(built.data)
        });
        Ok(Models {
            versions: models.versions,
            data: built.clone()?,
        })
    }

    /// Take every versioned crate without a resolved version at the newest
    /// version its ranges describe.
    fn assume_newest(&mut self, ranges: &BTreeMap<String, Vec<VersionReq>>) {
        for (c, rs) in ranges {
            if self.versions.contains_key(c) {
                continue;
            }
            if let Some(v) = rs.iter().filter_map(versions::lowest).max() {
                self.versions.insert(c.clone(), (v, Origin::Newest));
            }
        }
    }

    /// Whether an entry with `range` for `krate` applies to these models.
    fn holds(&self, krate: &str, range: Option<&str>) -> Result<bool, String> {
        let Some(range) = range else { return Ok(true) };
        let req = parse_range(range)?;
        Ok(self
            .versions
            .get(&krate.replace('-', "_"))
            .is_none_or(|(v, _)| req.matches(v)))
    }

    /// Parse and add one model file. Later files extend earlier ones.
    pub fn add_source(&mut self, file: &str, text: &str) -> Result<(), ModelError> {
        let parsed = parse_file(file, text)?;
        let mut ranges: BTreeMap<String, Vec<VersionReq>> = BTreeMap::new();
        for (c, r) in &parsed.ranges {
            ranges.entry(c.clone()).or_default().push(r.clone());
        }
        self.assume_newest(&ranges);
        self.add_spec(file, text, ModelFile::clone(&parsed.spec))
    }

    fn add_spec(&mut self, file: &str, text: &str, spec: ModelFile) -> Result<(), ModelError> {
        self.followed = std::sync::OnceLock::new();
        self.free_functions = std::sync::OnceLock::new();
        self.callback_functions = std::sync::OnceLock::new();
        self.router_functions = std::sync::OnceLock::new();
        let err = |message: String| ModelError {
            file: file.to_string(),
            message,
        };
        let file_crate = spec.krate.clone();
        if let Some(c) = &file_crate {
            if !self.holds(c, spec.versions.as_deref()).map_err(err)? {
                return Ok(());
            }
        }
        self.files.push(file.to_string());
        let mut h = self.fingerprint.to_le_bytes().to_vec();
        h.extend_from_slice(text.as_bytes());
        self.fingerprint = xxhash_rust::xxh3::xxh3_64(&h);
        self.handler_traits.extend(spec.handler_traits);
        self.universal_methods.extend(spec.universal_methods);
        for r in spec.reexport {
            self.note_module(&r.from);
            self.note_module(&r.to);
            self.reexports.push((r.from, r.to));
        }
        self.reexports
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        for t in spec.types {
            let krate = file_crate
                .clone()
                .unwrap_or_else(|| t.path.split("::").next().unwrap_or("").to_string());
            if !self.holds(&krate, t.versions.as_deref()).map_err(err)? {
                continue;
            }
            self.add_type(t, &krate).map_err(err)?;
        }
        for f in spec.function {
            let krate = file_crate
                .clone()
                .unwrap_or_else(|| f.path.split("::").next().unwrap_or("").to_string());
            if !self.holds(&krate, f.versions.as_deref()).map_err(err)? {
                continue;
            }
            let returns = self
                .parse_ty(f.returns.as_deref(), &[])
                .map_err(|m| err(format!("function `{}`: {m}", f.path)))?;
            let roles =
                parse_roles(&f.roles).map_err(|m| err(format!("function `{}`: {m}", f.path)))?;
            // A handler argument is a callback whose parameters are what
            // the closure annotates (none given).
            let callback = match (f.callback, f.handler_arg) {
                (Some(_), Some(_)) => {
                    return Err(err(format!(
                        "function `{}`: `callback` and `handler-arg` both name a closure argument; keep one",
                        f.path
                    )))
                }
                (None, None) => None,
                (None, Some(arg)) => Some(Callback {
                    arg,
                    params: Vec::new(),
                }),
                (Some(cb), None) => {
                    let params = cb
                        .params
                        .iter()
                        .map(|p| self.parse_ty(Some(p), &[]))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|m| err(format!("function `{}` callback: {m}", f.path)))?;
                    Some(Callback {
                        arg: cb.arg,
                        params,
                    })
                }
            };
            self.note_module(parent_of(&f.path));
            self.functions.insert(
                f.path.clone(),
                FunctionModel {
                    returns,
                    roles,
                    callback,
                    wraps_arg: f.wraps_arg,
                },
            );
        }
        for m in spec.macros {
            let kind = match m.kind.as_str() {
                "log" => MacroKind::Log,
                "print" => MacroKind::Print,
                "panic" => MacroKind::Panic,
                "format" => MacroKind::Format,
                "error" => MacroKind::Error,
                other => {
                    return Err(err(format!(
                        "macro `{}`: unknown kind `{other}` (expected log, print, panic, format or error)",
                        m.path
                    )))
                }
            };
            for p in std::iter::once(&m.path).chain(&m.aliases) {
                self.note_module(parent_of(p));
                self.macros.insert(p.clone(), kind);
            }
        }
        for r in spec.router {
            let krate = file_crate.clone().unwrap_or_default();
            if !self.holds(&krate, r.versions.as_deref()).map_err(err)? {
                continue;
            }
            let captures = match r.captures.as_str() {
                "braces" => CaptureSyntax::Braces,
                "colon" => CaptureSyntax::Colon,
                "angle" => CaptureSyntax::Angle,
                "salvo-braces" => CaptureSyntax::SalvoBraces,
                "salvo-angle" => CaptureSyntax::SalvoAngle,
                other => {
                    return Err(err(format!(
                        "router: unknown captures `{other}` (expected braces, colon, angle, salvo-braces or salvo-angle)"
                    )))
                }
            };
            let (safe_fix, edit_fix) = match r.fix.as_str() {
                "safe" => (true, true),
                "unsafe" => (false, true),
                "help" => (false, false),
                other => {
                    return Err(err(format!(
                        "router: unknown fix `{other}` (expected safe, unsafe or help)"
                    )))
                }
            };
            let canon = |ts: &[String], m: &Models| -> Result<Vec<String>, ModelError> {
                ts.iter()
                    .map(|t| {
                        m.parse_ty(Some(t), &[])
                            .map_err(|e| err(format!("router: {e}")))
                            .map(|ty| ty.path().unwrap_or_default().to_string())
                    })
                    .collect()
            };
            let types = canon(&r.types, self)?;
            let arguments = canon(&r.arguments, self)?;
            let functions = r.functions.iter().map(|f| self.canonical(f)).collect();
            let path_args = r
                .path_args
                .into_iter()
                .map(|(f, i)| (self.canonical(&f), i))
                .collect();
            self.routers.push(RouterModel {
                krate,
                types,
                methods: r.methods,
                arguments,
                functions,
                captures,
                wrong: r.wrong,
                mismatch: r.mismatch,
                why: r.why,
                safe_fix,
                opt_out: r.opt_out,
                registers: r.registers,
                services: r.services,
                merges: r.merges,
                http_methods: r.http_methods,
                capture_names_conflict: r.capture_names_conflict,
                edit_fix,
                mounts: r.mounts,
                path_args,
                launch_collisions: r.launch_collisions,
                panics_on: r.panics_on,
                panic_why: r.panic_why,
            });
        }
        for a in spec.access_log {
            let krate = file_crate.clone().unwrap_or_default();
            if !self.holds(&krate, a.versions.as_deref()).map_err(err)? {
                continue;
            }
            self.note_module(parent_of(&a.path));
            let path = self.canonical(&a.path);
            self.access_logs.push(AccessLogModel {
                path,
                records: a.records,
                unless: a.unless,
                format_arg: a.format_arg,
                format_has: a.format_has,
            });
        }
        Ok(())
    }

    fn note_module(&mut self, path: &str) {
        let mut p = path;
        while !p.is_empty() {
            self.modules.insert(p.to_string());
            p = parent_of(p);
        }
    }

    fn add_type(&mut self, t: spec::TypeSpec, krate: &str) -> Result<(), String> {
        check_type_text(&t.path)?;
        let parsed: syn::Type = syn::parse_str(&t.path)
            .map_err(|e| format!("type path `{}` does not parse: {e}", t.path))?;
        let syn::Type::Path(tp) = parsed else {
            return Err(format!("type path `{}` is not a path", t.path));
        };
        let path = path_string(&tp.path);
        let generics: Vec<String> = match &tp.path.segments.last().map(|s| &s.arguments) {
            Some(syn::PathArguments::AngleBracketed(a)) => a
                .args
                .iter()
                .map(|g| quote::ToTokens::to_token_stream(g).to_string())
                .collect(),
            _ => Vec::new(),
        };
        let ctx = |what: &str, name: &str| format!("type `{path}` {what} `{name}`");
        let members = |specs: &std::collections::BTreeMap<String, MemberSpec>,
                       what: &str|
         -> Result<HashMap<String, Member>, String> {
            specs
                .iter()
                .filter(|(_, spec)| match spec {
                    MemberSpec::Full(m) => self.holds(krate, m.versions.as_deref()) == Ok(true),
                    MemberSpec::Type(_) => true,
                })
                .map(|(name, spec)| {
                    self.member(spec, &generics)
                        .map(|m| (name.clone(), m))
                        .map_err(|e| format!("{}: {e}", ctx(what, name)))
                })
                .collect()
        };
        let deref = match &t.deref {
            Some(d) => Some(
                self.parse_ty(Some(d), &generics)
                    .map_err(|e| format!("type `{path}` deref: {e}"))?,
            ),
            None => None,
        };
        let fields = members(&t.fields, "field")?;
        let methods = members(&t.methods, "method")?;
        let functions = members(&t.functions, "function")?;
        let handler = match t.handler.as_deref() {
            None => None,
            Some("request") => Some(HandlerKind::Request),
            Some("extractor") => Some(HandlerKind::Extractor),
            Some(other) => {
                return Err(format!(
                    "type `{path}`: unknown handler kind `{other}` (expected request or extractor)"
                ))
            }
        };
        let roles = parse_roles(&t.roles).map_err(|e| format!("type `{path}`: {e}"))?;
        let handler_roles =
            parse_roles(&t.handler_roles).map_err(|e| format!("type `{path}`: {e}"))?;
        let debug_shows =
            parse_roles(&t.debug_shows).map_err(|e| format!("type `{path}` debug-shows: {e}"))?;
        let wrong = t
            .wrong
            .into_iter()
            .map(|w| WrongMember {
                member: w.member,
                replacement: w.replacement,
                why: w.why,
            })
            .collect::<Vec<_>>();
        let key: Arc<str> = path.clone().into();
        for alias in &t.aliases {
            self.note_module(parent_of(alias));
            self.aliases.insert(alias.clone(), key.clone());
        }
        self.note_module(parent_of(&path));
        match self.types.get_mut(&key) {
            Some(existing) => {
                existing.roles = existing.roles.union(roles);
                existing.handler = existing.handler.or(handler);
                existing.handler_roles = existing.handler_roles.union(handler_roles);
                existing.debug_shows = existing.debug_shows.union(debug_shows);
                existing.complete |= t.complete;
                existing.fields.extend(fields);
                existing.methods.extend(methods);
                existing.functions.extend(functions);
                existing.wrong.extend(wrong);
                existing.deref = existing.deref.take().or(deref);
            }
            None => {
                self.types.insert(
                    key.clone(),
                    TypeModel {
                        path: key,
                        roles,
                        handler,
                        handler_roles,
                        debug_shows,
                        complete: t.complete,
                        fields,
                        methods,
                        functions,
                        wrong,
                        deref,
                    },
                );
            }
        }
        Ok(())
    }

    fn member(&self, spec: &MemberSpec, generics: &[String]) -> Result<Member, String> {
        match spec {
            MemberSpec::Type(t) => Ok(Member {
                returns: self.parse_ty(Some(t), generics)?,
                ..Member::default()
            }),
            MemberSpec::Full(m) => Ok(Member {
                returns: self.parse_ty(m.returns.as_deref(), generics)?,
                roles: parse_roles(&m.roles)?,
                request_roles: parse_roles(&m.request_roles)?,
                keep_roles: m.keep_roles,
                present: m.present,
                handler_arg: m.handler_arg,
            }),
        }
    }

    /// Parse a type written in a model (`Option<&http::HeaderValue>`).
    fn parse_ty(&self, text: Option<&str>, generics: &[String]) -> Result<Ty, String> {
        let Some(text) = text else {
            return Ok(Ty::Unknown);
        };
        if text == "_" {
            return Ok(Ty::Unknown);
        }
        check_type_text(text)?;
        // Each selection of models for a set of crate versions parses the
        // same type texts again (an application corpus made four): each
        // text is parsed once per thread (syn's trees cannot be shared).
        thread_local! {
            static PARSED: std::cell::RefCell<HashMap<String, syn::Type>> = Default::default();
        }
        let parsed = PARSED.with(|memo| {
            if let Some(t) = memo.borrow().get(text) {
                return Ok(t.clone());
            }
            let t: syn::Type =
                syn::parse_str(text).map_err(|e| format!("type `{text}` does not parse: {e}"))?;
            memo.borrow_mut().insert(text.to_string(), t.clone());
            Ok::<_, String>(t)
        })?;
        Ok(self.model_ty(&parsed, generics))
    }

    fn model_ty(&self, t: &syn::Type, generics: &[String]) -> Ty {
        // `check_type_text` bounded the depth of `t`.
        match t {
            syn::Type::Reference(r) => Ty::reference(self.model_ty(&r.elem, generics)),
            syn::Type::Paren(p) => self.model_ty(&p.elem, generics),
            syn::Type::Tuple(tt) => Ty::Tuple(
                tt.elems
                    .iter()
                    .map(|e| self.model_ty(e, generics))
                    .collect(),
            ),
            syn::Type::Path(p) => {
                let path = path_string(&p.path);
                // A generic written `T = Default` in the type's path.
                for (i, g) in generics.iter().enumerate() {
                    let (name, default) = match g.split_once('=') {
                        Some((name, default)) => (name.trim(), Some(default)),
                        None => (g.as_str(), None),
                    };
                    if name != path {
                        continue;
                    }
                    return match default.and_then(|d| syn::parse_str::<syn::Type>(d).ok()) {
                        Some(d) => Ty::ParamOr(i, Box::new(self.model_ty(&d, &[]))),
                        None => Ty::Param(i),
                    };
                }
                if path == "Self" {
                    return Ty::SelfTy;
                }
                let args = generic_args(&p.path)
                    .map(|a| self.model_ty(a, generics))
                    .collect();
                Ty::Path {
                    path: self.canonical(&path).into(),
                    args,
                }
            }
            _ => Ty::Unknown,
        }
    }

    /// The canonical name of a fully qualified path: re-exported modules
    /// and type aliases are followed (`axum::http::Uri` → `http::Uri`).
    pub fn canonical(&self, path: &str) -> String {
        let mut p = path.to_string();
        for _ in 0..8 {
            if let Some(target) = self.aliases.get(&p) {
                return target.to_string();
            }
            let Some((from, to)) = self.reexports.iter().find(|(from, _)| {
                p.strip_prefix(from.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
            }) else {
                break;
            };
            p = format!("{to}{}", &p[from.len()..]);
        }
        p
    }

    pub fn type_model(&self, canonical: &str) -> Option<&TypeModel> {
        self.types.get(canonical)
    }

    /// The model of the type a value has, behind references.
    pub fn model_of(&self, ty: &Ty) -> Option<&TypeModel> {
        ty.path().and_then(|p| self.types.get(p))
    }

    /// The request-handler argument of `method` on a value of type `ty`
    /// ([`Member::handler_arg`]: `get(a).post(handler)`).
    pub fn method_handler_arg(&self, ty: &Ty, method: &str) -> Option<usize> {
        self.model_of(ty)?.methods.get(method)?.handler_arg
    }

    pub fn function(&self, canonical: &str) -> Option<&FunctionModel> {
        self.functions.get(canonical)
    }

    pub fn macro_kind(&self, canonical: &str) -> Option<MacroKind> {
        self.macros.get(canonical).copied()
    }

    pub fn is_handler_trait(&self, canonical: &str) -> bool {
        self.handler_traits.contains(canonical)
    }

    pub fn is_universal_method(&self, name: &str) -> bool {
        self.universal_methods.contains(name)
    }

    /// True when `path` names a module some model describes.
    pub fn knows_module(&self, path: &str) -> bool {
        self.modules.contains(path)
    }

    /// True when a canonical path names a modelled type, function or macro.
    pub fn knows_item(&self, canonical: &str) -> bool {
        self.types.contains_key(canonical)
            || self.functions.contains_key(canonical)
            || self.macros.contains_key(canonical)
    }

    /// The crate names the models describe (`axum`, `url`, a user model's
    /// own crate): a file that names none of them holds no framework value.
    /// The std prelude's names are not among them.
    pub fn crate_words(&self) -> Vec<String> {
        self.words(Words::All)
    }

    /// The crates whose *values* the models describe (types and functions,
    /// not only macros: `log` and `tracing` are left out). Only a package
    /// naming one of them can declare items that hold framework values.
    pub fn value_crate_words(&self) -> Vec<String> {
        self.words(Words::Values)
    }

    /// The crates whose mention lets a file hold something a rule follows:
    /// the prefilter's words. Those of [`Models::crate_words`] but the
    /// crates that give nothing but macros (`log`, `tracing`, `anyhow`): a
    /// log line matters only when it shows a framework value, and that
    /// comes from another modelled crate or from an item of the file's
    /// crate (which the prefilter asks the index about). On the log-heavy
    /// corpus most files naming `tracing::` name nothing else.
    pub fn admission_words(&self) -> Vec<String> {
        self.words(Words::Admission)
    }

    fn words(&self, which: Words) -> Vec<String> {
        let macros = self
            .macros
            .keys()
            .filter(|_| which == Words::All)
            .cloned()
            .chain(
                self.access_logs
                    .iter()
                    .map(|a| a.path.clone())
                    .filter(|_| which != Words::Values),
            );
        // With macros (the prefilter's words), every type counts but locks
        // and guards (`tokio::sync::Mutex`): they only pass on what they
        // hold, so a file naming one but nothing else modelled has no value
        // a rule follows. Without macros (the crates whose values are
        // followed), only types that matter to a rule count: not the
        // collections (`hashbrown::HashMap`) modelled for their `get`.
        let matters = |t: &TypeModel| {
            let gives_roles = !t.roles.is_empty()
                || t.handler.is_some()
                || !t.wrong.is_empty()
                || t.methods
                    .values()
                    .chain(t.fields.values())
                    .any(|m| !m.roles.is_empty() || !m.request_roles.is_empty());
            if which == Words::Values {
                return gives_roles;
            }
            let plumbing = !gives_roles
                && t.debug_shows.is_empty()
                && !t.complete
                && t.fields.is_empty()
                && t.functions.is_empty()
                && t.methods.values().all(|m| m.keep_roles);
            !plumbing
        };
        let mut words: Vec<String> = self
            .types
            .iter()
            .filter(|(_, t)| matters(t))
            .map(|(k, _)| k.to_string())
            .chain(
                self.aliases
                    .iter()
                    .filter(|(_, to)| self.types.get(*to).is_some_and(matters))
                    .map(|(a, _)| a.clone()),
            )
            // A wrapper passes on what it wraps, like a lock
            // ([`Models::is_wrapper`]).
            .chain(
                self.functions
                    .iter()
                    .filter(|(_, f)| f.wraps_arg.is_none())
                    .map(|(k, _)| k.clone()),
            )
            .chain(macros)
            .chain(
                self.reexports
                    .iter()
                    .flat_map(|(a, b)| [a.clone(), b.clone()]),
            )
            .filter(|p| p.contains("::"))
            .map(|p| p.split("::").next().unwrap_or("").to_string())
            .filter(|w| !matches!(w.as_str(), "std" | "core" | "alloc" | ""))
            .collect();
        words.sort();
        words.dedup();
        words
    }

    /// The last segment of every modelled type path and alias (`Url`,
    /// `HeaderMap`), std's own types left out.
    pub fn type_names(&self) -> Vec<String> {
        last_segments(
            self.types
                .keys()
                .map(|k| &**k)
                .chain(self.aliases.keys().map(String::as_str)),
        )
    }

    /// The last segment of every modelled type a rule can follow a value
    /// of, std's own left out: a type with roles, a handler extractor, a
    /// type whose `Debug` shows something, a complete or
    /// wrong-member-listing type (SL001), a type with a member carrying
    /// roles, a router, or a type with a member or deref that leads to one
    /// of these (`Request` through `uri()`). Not the collections modelled
    /// only for their `get`, nor response builders: naming one brings no
    /// value a rule follows ([`crate::body_mask`]).
    pub fn followed_type_names(&self) -> &[String] {
        self.followed
            .get_or_init(|| self.find_followed_type_names())
    }

    fn find_followed_type_names(&self) -> Vec<String> {
        let base = |t: &TypeModel| {
            !t.roles.is_empty()
                || t.handler.is_some()
                || !t.handler_roles.is_empty()
                || !t.debug_shows.is_empty()
                || t.complete
                || !t.wrong.is_empty()
                || t.fields
                    .values()
                    .chain(t.methods.values())
                    .chain(t.functions.values())
                    .any(|m| !m.roles.is_empty() || !m.request_roles.is_empty())
        };
        let mut followed: HashSet<&str> = self
            .types
            .iter()
            .filter(|(_, t)| base(t))
            .map(|(k, _)| &**k)
            .chain(
                self.routers
                    .iter()
                    .flat_map(|r| r.types.iter().map(String::as_str)),
            )
            .collect();
        fn mentions(ty: &Ty, followed: &HashSet<&str>) -> bool {
            match ty {
                Ty::Path { path, args } => {
                    followed.contains(&**path) || args.iter().any(|a| mentions(a, followed))
                }
                Ty::Ref(t) => mentions(t, followed),
                Ty::Tuple(items) => items.iter().any(|t| mentions(t, followed)),
                _ => false,
            }
        }
        // A few rounds reach types that lead to types that lead to values.
        for _ in 0..4 {
            let more: Vec<&str> = self
                .types
                .iter()
                .filter(|(k, _)| !followed.contains(&***k))
                .filter(|(_, t)| {
                    t.deref.as_ref().is_some_and(|d| mentions(d, &followed))
                        || t.fields
                            .values()
                            .chain(t.methods.values())
                            .chain(t.functions.values())
                            .any(|m| mentions(&m.returns, &followed))
                })
                .map(|(k, _)| &**k)
                .collect();
            if more.is_empty() {
                break;
            }
            followed.extend(more);
        }
        last_segments(
            followed.iter().copied().chain(
                self.aliases
                    .iter()
                    .filter(|(_, to)| followed.contains(&***to))
                    .map(|(a, _)| a.as_str()),
            ),
        )
    }

    /// The last segment of every modelled free function outside std
    /// (`service_fn`, `accept_hdr_async`), not of associated functions: a
    /// call of one may bring a framework value into a body that names no
    /// framework type.
    /// Is `name` the last segment of a modelled free function
    /// ([`Models::free_function_names`])?
    pub fn is_free_function_name(&self, name: &str) -> bool {
        self.free_functions
            .get_or_init(|| self.free_function_names().into_iter().collect())
            .contains(name)
    }

    /// Is `name` the last segment of a modelled function that takes a
    /// callback ([`FunctionModel::callback`])? Asked of every call before
    /// its path is resolved.
    pub fn is_callback_function_name(&self, name: &str) -> bool {
        self.callback_functions
            .get_or_init(|| {
                self.functions
                    .iter()
                    .filter(|(_, f)| f.callback.is_some())
                    .map(|(p, _)| last_segment(p).to_string())
                    .collect()
            })
            .contains(name)
    }

    /// Is `name` the last segment of a router's function
    /// ([`RouterModel::functions`])? Asked of every call before its path
    /// is resolved.
    pub fn is_router_function_name(&self, name: &str) -> bool {
        self.router_functions
            .get_or_init(|| {
                self.routers
                    .iter()
                    .flat_map(|r| &r.functions)
                    .map(|p| last_segment(p).to_string())
                    .collect()
            })
            .contains(name)
    }

    pub fn free_function_names(&self) -> Vec<String> {
        // `Router::new` is named by its type already.
        let free = |p: &&str| {
            p.rsplit("::")
                .nth(1)
                .is_none_or(|parent| !parent.starts_with(|c: char| c.is_ascii_uppercase()))
        };
        // A wrapper's call matters only when its argument does, and the
        // argument's own names say so.
        last_segments(
            self.functions
                .iter()
                .filter(|(_, f)| f.wraps_arg.is_none())
                .map(|(p, _)| p.as_str())
                .filter(free),
        )
    }

    /// Is `canonical` a modelled wrapper (`wraps-arg`: tracing's
    /// `field::display`)? It passes on what it wraps and gives no value
    /// of its own: naming it makes nothing matter.
    pub fn is_wrapper(&self, canonical: &str) -> bool {
        self.functions
            .get(canonical)
            .is_some_and(|f| f.wraps_arg.is_some())
    }

    /// The types named in access-log constructors (`Logger` of
    /// `actix_web::middleware::Logger::default`, `TraceLayer`).
    pub fn access_log_type_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .access_logs
            .iter()
            .flat_map(|a| a.path.split("::"))
            .filter(|seg| seg.starts_with(|c: char| c.is_ascii_uppercase()))
            .map(String::from)
            .collect();
        names.sort();
        names.dedup();
        names
    }

    pub fn types(&self) -> impl Iterator<Item = &TypeModel> {
        self.types.values()
    }

    /// The access-log middleware constructor at `canonical`, if modelled.
    pub fn access_log(&self, canonical: &str) -> Option<&AccessLogModel> {
        self.access_logs.iter().find(|a| a.path == canonical)
    }

    /// The routers of the versions in effect.
    pub fn routers(&self) -> &[RouterModel] {
        &self.routers
    }
}

/// The last segment of a path (`http::Uri` gives `Uri`).
fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// The last segments of `paths` outside std (`http::Uri` gives `Uri`),
/// sorted, once each.
fn last_segments<'a>(paths: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut names: Vec<String> = paths
        .filter(|p| {
            let krate = p.split("::").next().unwrap_or("");
            p.contains("::") && !matches!(krate, "std" | "core" | "alloc")
        })
        .map(|p| p.rsplit("::").next().unwrap_or("").to_string())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Models already built in this process (or being built), by model
/// sources and the outcome of each version range (see
/// [`Models::load_for`]).
type Selections = HashMap<
    (Vec<(String, u64)>, Vec<bool>),
    Arc<std::sync::OnceLock<Result<Arc<ModelData>, ModelError>>>,
>;

fn selections() -> &'static std::sync::Mutex<Selections> {
    static BUILT: std::sync::OnceLock<std::sync::Mutex<Selections>> = std::sync::OnceLock::new();
    BUILT.get_or_init(Default::default)
}

/// A model file parsed, with the version ranges it declares (checked) and
/// the hash of its text.
struct ParsedFile {
    spec: ModelFile,
    ranges: Vec<(String, VersionReq)>,
    hash: u64,
}

/// Parse a model file, once per process for each name and text: a run
/// builds models for every set of crate versions it meets (one per
/// application in a tree of many), from the same few files.
fn parse_file(file: &str, text: &str) -> Result<std::sync::Arc<ParsedFile>, ModelError> {
    use std::sync::{Arc, Mutex, OnceLock};
    type Parsed = HashMap<(String, u64), Result<Arc<ParsedFile>, ModelError>>;
    static PARSED: OnceLock<Mutex<Parsed>> = OnceLock::new();
    let hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
    let key = (file.to_string(), hash);
    let memo = PARSED.get_or_init(Default::default);
    if let Some(found) = memo.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return found.clone();
    }
    let parsed = parse_file_uncached(file, text).and_then(|spec| {
        let ranges = ranges_of(&spec, file)?;
        Ok(Arc::new(ParsedFile { spec, ranges, hash }))
    });
    memo.lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, parsed.clone());
    parsed
}

/// A model file with its name and text.
struct Source {
    name: std::borrow::Cow<'static, str>,
    text: std::borrow::Cow<'static, str>,
    parsed: std::sync::Arc<ParsedFile>,
}

/// The `i`th builtin model file, parsed once a process. The builtin files
/// are not checked against [`limits`] (they are the crate's own; the test
/// `every_builtin_model_loads` checks them).
fn parse_builtin(i: usize) -> Result<std::sync::Arc<ParsedFile>, ModelError> {
    type Parsed = Vec<Result<std::sync::Arc<ParsedFile>, ModelError>>;
    static PARSED: std::sync::OnceLock<Parsed> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        BUILTIN
            .iter()
            .map(|(file, text)| {
                let spec: ModelFile = toml::from_str(text).map_err(|e| ModelError {
                    file: file.to_string(),
                    message: e.to_string(),
                })?;
                let ranges = ranges_of(&spec, file)?;
                let hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
                Ok(std::sync::Arc::new(ParsedFile { spec, ranges, hash }))
            })
            .collect()
    })[i]
        .clone()
}

fn parse_file_uncached(file: &str, text: &str) -> Result<ModelFile, ModelError> {
    let err = |message: String| ModelError {
        file: file.to_string(),
        message,
    };
    let table: toml::Table = toml::from_str(text).map_err(|e| err(e.to_string()))?;
    limits::check(&table).map_err(err)?;
    toml::from_str(text).map_err(|e| err(e.to_string()))
}

fn parse_range(range: &str) -> Result<VersionReq, String> {
    VersionReq::parse(range).map_err(|e| {
        format!("`versions = \"{range}\"` is not a version range ({e}); write e.g. \">=0.8, <0.9\"")
    })
}

/// Every `(crate, range)` a model file declares, ranges checked.
fn ranges_of(spec: &ModelFile, file: &str) -> Result<Vec<(String, VersionReq)>, ModelError> {
    let err = |message: String| ModelError {
        file: file.to_string(),
        message,
    };
    let mut out = Vec::new();
    let mut add = |krate: Option<&str>, range: Option<&str>, what: &str| {
        let Some(range) = range else { return Ok(()) };
        let Some(krate) = krate.filter(|k| !k.is_empty()) else {
            return Err(err(format!(
                "{what} has `versions` but the file names no `crate = \"..\"` they are versions of"
            )));
        };
        out.push((krate.replace('-', "_"), parse_range(range).map_err(err)?));
        Ok(())
    };
    let file_crate = spec.krate.as_deref();
    add(file_crate, spec.versions.as_deref(), "the file")?;
    for r in &spec.router {
        add(file_crate, r.versions.as_deref(), "a router")?;
    }
    for a in &spec.access_log {
        add(file_crate, a.versions.as_deref(), "an access log")?;
    }
    for f in &spec.function {
        let krate = file_crate.or_else(|| f.path.split("::").next());
        add(
            krate,
            f.versions.as_deref(),
            &format!("function `{}`", f.path),
        )?;
    }
    for t in &spec.types {
        let krate = file_crate.or_else(|| t.path.split("::").next());
        add(krate, t.versions.as_deref(), &format!("type `{}`", t.path))?;
        for (name, m) in t.fields.iter().chain(&t.methods).chain(&t.functions) {
            if let MemberSpec::Full(m) = m {
                add(krate, m.versions.as_deref(), &format!("member `{name}`"))?;
            }
        }
    }
    Ok(out)
}

fn parse_roles(names: &[String]) -> Result<Roles, String> {
    names.iter().try_fold(Roles::NONE, |acc, n| {
        Role::parse(n).map(|r| acc.with(r)).ok_or_else(|| {
            let known: Vec<_> = Role::ALL.iter().map(|r| r.name()).collect();
            format!("unknown role `{n}` (known roles: {})", known.join(", "))
        })
    })
}

/// `a::b::C` of a syn path, without generic arguments or a leading `::`.
pub fn path_string(path: &syn::Path) -> String {
    let mut s = String::new();
    for (i, seg) in path.segments.iter().enumerate() {
        if i > 0 {
            s.push_str("::");
        }
        s.push_str(&seg.ident.to_string());
    }
    s
}

/// The type arguments of a path's last segment.
pub fn generic_args(path: &syn::Path) -> impl Iterator<Item = &syn::Type> {
    let args = match path.segments.last().map(|s| &s.arguments) {
        Some(syn::PathArguments::AngleBracketed(a)) => Some(&a.args),
        _ => None,
    };
    args.into_iter().flatten().filter_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// `a::b` of `a::b::c`; empty for a single segment.
pub fn parent_of(path: &str) -> &str {
    path.rfind("::").map_or("", |i| &path[..i])
}

fn read_model_dir(dir: &Path) -> Result<Vec<(String, String)>, ModelError> {
    let err = |message: String| ModelError {
        file: dir.display().to_string(),
        message,
    };
    let entries =
        std::fs::read_dir(dir).map_err(|e| err(format!("cannot read the model directory: {e}")))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| err(e.to_string()))?.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let file_err = |message: String| ModelError {
                file: path.display().to_string(),
                message,
            };
            let bytes = crate::read::read_limited(&path, limits::MAX_FILE)
                .map_err(|e| file_err(e.to_string()))?;
            let text =
                String::from_utf8(bytes).map_err(|e| file_err(format!("not valid UTF-8: {e}")))?;
            files.push((path.display().to_string(), text));
        }
    }
    files.sort();
    Ok(files)
}

/// Model types are short: a long or deeply nested one is a broken or
/// hostile model file, refused before syn recurses into it.
const MAX_TYPE_TEXT: usize = 1_000;

/// Nesting a model type may have (in [`crate::complexity`] units: about
/// 140 levels of generics).
const MAX_TYPE_DEPTH: usize = 1_000;

fn check_type_text(text: &str) -> Result<(), String> {
    if text.len() > MAX_TYPE_TEXT {
        let head: String = text.chars().take(40).collect();
        return Err(format!(
            "type `{head}…` is {} bytes long, over the {MAX_TYPE_TEXT}-byte limit for a model type",
            text.len()
        ));
    }
    crate::complexity::prepare_with(text, MAX_TYPE_DEPTH)
        .map(|_| ())
        .map_err(|_| {
            format!("type `{text}` nests too deeply for a model type; write the type it stands for")
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_deep_or_huge_model_type_is_an_error_naming_the_file() {
        let run = |ty: String| {
            std::thread::spawn(move || {
                let mut m = Models::builtin().unwrap();
                let text = format!("[[type]]\npath = \"x::Y\"\nmethods.m = \"{ty}\"\n");
                m.add_source("deep.toml", &text)
                    .map(|_| ())
                    .unwrap_err()
                    .to_string()
            })
            .join()
            .expect("no stack overflow")
        };
        let deep = run(format!(
            "{}u8{}",
            "Option<".repeat(3_000),
            ">".repeat(3_000)
        ));
        assert!(
            deep.contains("deep.toml") && deep.contains("limit"),
            "{deep}"
        );
        let nested = run(format!("{}u8{}", "Vec<".repeat(150), ">".repeat(150)));
        assert!(
            nested.contains("deep.toml") && nested.contains("nests too deeply"),
            "{nested}"
        );
        let path = std::thread::spawn(|| {
            let mut m = Models::builtin().unwrap();
            let text = format!("[[type]]\npath = \"{}\"\n", "a::".repeat(100_000) + "B");
            m.add_source("long.toml", &text)
                .map(|_| ())
                .unwrap_err()
                .to_string()
        })
        .join()
        .unwrap();
        assert!(
            path.contains("long.toml") && path.contains("limit"),
            "{path}"
        );
    }

    use super::*;

    #[test]
    fn every_builtin_model_loads() {
        let mut models = Models::default();
        for (name, text) in BUILTIN {
            if let Err(e) = models.add_source(name, text) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn reexports_and_aliases_resolve_to_one_type() {
        let m = Models::builtin().unwrap();
        assert_eq!(m.canonical("axum::http::Uri"), "http::Uri");
        assert_eq!(m.canonical("hyper::Uri"), "http::Uri");
        assert_eq!(
            m.canonical("tokio_tungstenite::tungstenite::http::Uri"),
            "http::Uri"
        );
        assert_eq!(m.canonical("reqwest::Url"), "url::Url");
        assert_eq!(m.canonical("my_crate::Url"), "my_crate::Url");
    }

    #[test]
    fn a_malformed_model_names_file_and_problem() {
        let mut m = Models::default();
        let e = m
            .add_source(
                "bad.toml",
                "[[type]]\npath = \"x::Y\"\nroles = [\"nope\"]\n",
            )
            .unwrap_err();
        assert_eq!(e.file, "bad.toml");
        assert!(e.message.contains("unknown role `nope`"), "{}", e.message);
        for (file, text, says) in [
            ("typo.toml", "[[type]]\npath = \"x::Y\"\nrols = []\n", "rols"),
            (
                "ty.toml",
                "[[type]]\npath = \"x::Y\"\nmethods.a = \"Option<\"\n",
                "method `a`",
            ),
            (
                "both.toml",
                "[[function]]\npath = \"x::get\"\nhandler-arg = 0\ncallback = { arg = 0, params = [] }\n",
                "keep one",
            ),
        ] {
            let e = m.add_source(file, text).unwrap_err();
            assert_eq!(e.file, file);
            assert!(e.message.contains(says), "{}", e.message);
        }
    }

    #[test]
    fn a_handler_argument_is_a_callback_whose_closure_annotates_its_parameters() {
        let m = Models::builtin().unwrap();
        let get = m.function("axum::routing::get").expect("modelled");
        let cb = get.callback.as_ref().expect("a handler argument");
        assert_eq!((cb.arg, cb.params.len()), (0, 0));
        assert_eq!(
            m.function("axum::routing::on")
                .and_then(|f| f.callback.as_ref())
                .map(|c| c.arg),
            Some(1)
        );
        let router = m
            .model_of(&Ty::named("axum::routing::MethodRouter"))
            .expect("modelled");
        assert_eq!(router.methods["post"].handler_arg, Some(0));
        assert_eq!(router.methods["layer"].handler_arg, None);
    }

    #[test]
    fn user_models_extend_builtin_types() {
        let mut m = Models::builtin().unwrap();
        m.add_source(
            "mine.toml",
            "[[type]]\npath = \"http::Uri\"\nmethods.my_ext = \"&str\"\n",
        )
        .unwrap();
        let uri = m.type_model("http::Uri").unwrap();
        assert!(uri.methods.contains_key("my_ext"));
        assert!(uri.methods.contains_key("query"));
    }

    fn at(krate: &str, v: &str) -> VersionSet {
        let mut set = VersionSet::new();
        set.insert(
            krate.to_string(),
            (semver::Version::parse(v).unwrap(), Origin::Lock),
        );
        set
    }

    #[test]
    fn versions_pick_files_members_functions_and_routers() {
        let old = Models::load_for(&[], &at("axum", "0.7.9")).unwrap();
        let new = Models::load_for(&[], &at("axum", "0.8.4")).unwrap();
        let newest = Models::builtin().unwrap();
        let router = |m: &Models| m.type_model("axum::Router").unwrap().methods.clone();
        assert!(!router(&old).contains_key("without_v07_checks"));
        assert!(router(&new).contains_key("without_v07_checks"));
        assert!(router(&newest).contains_key("without_v07_checks"));
        let syntax = |m: &Models| {
            m.routers()
                .iter()
                .find(|r| r.krate == "axum")
                .map(|r| r.captures)
        };
        assert_eq!(syntax(&old), Some(CaptureSyntax::Colon));
        assert_eq!(syntax(&new), Some(CaptureSyntax::Braces));
        assert_eq!(syntax(&newest), Some(CaptureSyntax::Braces));
        // A whole file outside its range is left out.
        let ancient = Models::load_for(&[], &at("axum", "0.5.0")).unwrap();
        assert!(!ancient.files.iter().any(|f| f == "axum-routing.toml"));
        assert!(ancient.type_model("axum::Router").is_none());
        // Function entries: hyper 1 and 0.14 call `service_fn` with
        // different request bodies.
        let body = |v: &str| {
            let m = Models::load_for(&[], &at("hyper", v)).unwrap();
            let cb = m
                .function("hyper::service::service_fn")
                .unwrap()
                .callback
                .clone();
            cb.unwrap().params[0].to_string()
        };
        assert!(body("1.5.0").contains("Incoming"), "{}", body("1.5.0"));
        assert!(
            body("0.14.32").contains("hyper::Body"),
            "{}",
            body("0.14.32")
        );
    }

    #[test]
    fn threads_asking_for_a_selection_at_once_share_one_copy() {
        // A selection no other test asks for (models are kept per
        // process): the threads all find it missing at the same moment.
        let mut versions = at("axum", "0.7.1");
        versions.insert(
            "hyper".to_string(),
            (semver::Version::parse("0.14.3").unwrap(), Origin::Lock),
        );
        let start = std::sync::Barrier::new(4);
        let ids: Vec<usize> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        Models::load_for(&[], &versions).unwrap().id()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(ids.iter().all(|&id| id == ids[0]), "{ids:?}");
    }

    #[test]
    fn versions_that_select_the_same_entries_share_one_copy() {
        // 0.8.3 and 0.8.4 fall in the same ranges; 0.7.9 does not.
        let a = Models::load_for(&[], &at("axum", "0.8.3")).unwrap();
        let b = Models::load_for(&[], &at("axum", "0.8.4")).unwrap();
        let old = Models::load_for(&[], &at("axum", "0.7.9")).unwrap();
        assert_eq!(a.id(), b.id());
        assert_ne!(a.id(), old.id());
        // Each keeps its own versions.
        assert_eq!(a.versions["axum"].0.to_string(), "0.8.3");
        assert_eq!(b.versions["axum"].0.to_string(), "0.8.4");
        // Changing a shared copy copies it first: the other is untouched.
        let mut changed = b.clone();
        changed
            .add_source(
                "ext.toml",
                "[[type]]\npath = \"axum::Router\"\nmethods.only_here = \"()\"\n",
            )
            .unwrap();
        assert_ne!(changed.id(), a.id());
        let router = |m: &Models| m.type_model("axum::Router").unwrap().methods.clone();
        assert!(router(&changed).contains_key("only_here"));
        assert!(!router(&a).contains_key("only_here"));
        assert!(!router(&b).contains_key("only_here"));
    }

    #[test]
    fn a_bad_version_range_names_the_file() {
        let mut m = Models::default();
        let e = m
            .add_source("v.toml", "crate = \"x\"\nversions = \">=banana\"\n")
            .unwrap_err();
        assert_eq!(e.file, "v.toml");
        assert!(e.message.contains("not a version range"), "{}", e.message);
        let e = m
            .add_source(
                "w.toml",
                "[[router]]\nversions = \">=1\"\ntypes = []\nmethods = []\ncaptures = \"braces\"\nwrong = []\nmismatch = \"\"\nwhy = \"\"\nfix = \"safe\"\n",
            )
            .unwrap_err();
        assert!(e.message.contains("names no `crate"), "{}", e.message);
    }
}
