//! The rule catalog. One file per rule, named after its code and name
//! (`sl002_manual_query_parsing.rs`); the file's `//!` doc comment is the
//! rule's documentation, printed by `scope-lint explain SL002`.
//!
//! To add a rule: write the file with a [`RuleMeta`] (code, name, level,
//! the node kinds it wants, its prefilter triggers) and a type that
//! implements [`Rule`], add it to [`ALL`], and give it a fixture folder in
//! `fixtures/SL0NN/`. A rule never reads files, parses or prints: the engine
//! hands it the nodes it asked for, with a [`Context`] that answers what
//! framework type and roles an expression has.

mod sl001_nonexistent_member;
mod sl002_manual_query_parsing;
mod sl003_query_substring_match;
mod sl004_url_parse_request_uri;
mod sl005_request_uri_authority;
mod sl006_secret_in_log;
mod sl007_unencoded_query_build;
mod sl008_request_input_panic;
mod sl009_lossy_query_map;
mod sl010_url_join_drops_segment;
mod sl011_path_segments_unwrap;
mod sl012_route_path_syntax;
mod sl013_route_conflict;
mod sl014_access_log_default;
mod sl015_secret_in_debug_log;
mod sl016_uri_in_log;
mod sl017_unencoded_query_value;
mod sl018_url_join_absolute_path;
mod sl100_unused_suppression;

mod query_loop;
pub mod reach;
mod rocket_routes;

pub use sl100_unused_suppression::META as UNUSED_SUPPRESSION;

/// An argument of a call that reaches an unwrap, a log or a split in the
/// crate function called ([`Context::reaching_args`]).
pub struct ReachingArg<'a, 'e> {
    /// The callee's name, as declared.
    pub name: String,
    pub sig: &'a crate::index::summary::FnSig,
    pub reach: &'a crate::index::summary::Reach,
    pub arg: &'e syn::Expr,
}

use crate::diagnostic::{Code, Diagnostic, Level};
use crate::macros::MacroCall;
use crate::models::{MacroKind, Models};
use crate::scope::{Scope, Value};
use crate::source::SourceFile;
use proc_macro2::Span;
use std::ops::Range;

/// Every rule, in code order.
pub static ALL: &[&dyn Rule] = &[
    &sl001_nonexistent_member::NonexistentMember,
    &sl002_manual_query_parsing::ManualQueryParsing,
    &sl003_query_substring_match::QuerySubstringMatch,
    &sl004_url_parse_request_uri::UrlParseRequestUri,
    &sl005_request_uri_authority::RequestUriAuthority,
    &sl006_secret_in_log::SecretInLog,
    &sl007_unencoded_query_build::UnencodedQueryBuild,
    &sl008_request_input_panic::RequestInputPanic,
    &sl009_lossy_query_map::LossyQueryMap,
    &sl010_url_join_drops_segment::UrlJoinDropsSegment,
    &sl011_path_segments_unwrap::PathSegmentsUnwrap,
    &sl012_route_path_syntax::RoutePathSyntax,
    &sl013_route_conflict::RouteConflict,
    &sl014_access_log_default::AccessLogDefault,
    &sl015_secret_in_debug_log::SecretInDebugLog,
    &sl016_uri_in_log::UriInLog,
    &sl017_unencoded_query_value::UnencodedQueryValue,
    &sl018_url_join_absolute_path::UrlJoinAbsolutePath,
    &sl100_unused_suppression::UnusedSuppression,
];

/// A rule's identity and defaults.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub level: Level,
    /// One line for `scope-lint rules`.
    pub summary: &'static str,
    /// Whether the rule attaches fixes.
    pub fixable: bool,
    /// The rule's source file, whose `//!` comment is its documentation.
    pub source: &'static str,
    /// Literals of which a file must contain one for the rule to fire
    /// (empty: no such literal). The prefilter skips files that cannot
    /// match any enabled rule without parsing them.
    pub triggers: &'static [&'static str],
    /// The rule fires only on framework values, so a file must also name a
    /// modelled crate (the models supply those words).
    pub needs_models: bool,
    /// The node kinds `check` wants; it is never called with others.
    pub interests: &'static [NodeKind],
    /// The rule's group: whether it is on by default.
    pub group: Group,
    /// Test code (`#[test]`, `#[cfg(test)]`, files under `tests/`) is not
    /// checked: its logs, URLs and unwraps never meet a client.
    pub skip_in_tests: bool,
}

/// Rule groups, like clippy's lint groups. Only groups whose findings were
/// bugs a reviewer accepts on real applications are on by default; the
/// others are opt-in (`select = ["pedantic"]`, `--select pedantic`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// The code does not do what it means: it fails, panics or misparses.
    Correctness,
    /// Probably wrong: the shape of a bug, with harm that depends on input.
    Suspicious,
    /// Secrets leak or requests can be forged.
    Security,
    /// Policy and style: right for some teams, noise for others.
    Pedantic,
}

impl Group {
    pub const ALL: [Group; 4] = [
        Group::Correctness,
        Group::Suspicious,
        Group::Security,
        Group::Pedantic,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Group::Correctness => "correctness",
            Group::Suspicious => "suspicious",
            Group::Security => "security",
            Group::Pedantic => "pedantic",
        }
    }

    pub fn on_by_default(self) -> bool {
        self != Group::Pedantic
    }

    /// Why the group is (or is not) on by default, for `explain`.
    pub fn why(self) -> &'static str {
        match self {
            Group::Correctness => "on by default: its findings are bugs wherever they appear",
            Group::Suspicious => "on by default: its findings are usually bugs; suppress the rare deliberate one",
            Group::Security => "on by default: its findings leak secrets or build requests that can be forged",
            Group::Pedantic => "off by default (opt in with `--select pedantic` or `extend-select`): a policy check; on real applications most of its findings were defaults a team may accept",
        }
    }

    pub fn parse(key: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.name() == key)
    }
}

impl RuleMeta {
    pub fn code(&'static self) -> Code {
        Code {
            code: self.code,
            name: self.name,
        }
    }

    /// The rule's documentation: its module doc comment, as Markdown.
    pub fn docs(&self) -> String {
        let mut out = String::new();
        for line in self.source.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                if out.is_empty() && line.trim().is_empty() {
                    continue;
                }
                break;
            };
            let text = rest.strip_prefix(' ').unwrap_or(rest);
            // Examples are marked `ignore` for rustdoc; readers see Rust.
            out.push_str(text.strip_suffix(",ignore").unwrap_or(text));
            out.push('\n');
        }
        out
    }
}

/// The syntax a rule can ask to see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    MethodCall,
    Field,
    Call,
    /// A call of a macro the models know, with its arguments parsed.
    Macro,
    /// `a + b` and other binary operators.
    Binary,
    /// `a[b]`.
    Index,
    /// The declared type of a function or closure parameter.
    ParamType,
    /// `for pat in expr { .. }`, before its iterable is visited.
    ForLoop,
}

impl NodeKind {
    pub const COUNT: usize = 8;
}

/// One node handed to a rule, with the scope as it stands there.
#[derive(Clone, Copy)]
pub enum Node<'a> {
    MethodCall(&'a syn::ExprMethodCall),
    Field(&'a syn::ExprField),
    Call(&'a syn::ExprCall),
    Macro(&'a syn::Macro, &'a MacroCall, MacroKind),
    Binary(&'a syn::ExprBinary),
    Index(&'a syn::ExprIndex),
    ParamType(&'a syn::Type),
    ForLoop(&'a syn::ExprForLoop),
}

impl Node<'_> {
    pub fn kind(&self) -> NodeKind {
        match self {
            Node::MethodCall(_) => NodeKind::MethodCall,
            Node::Field(_) => NodeKind::Field,
            Node::Call(_) => NodeKind::Call,
            Node::Macro(..) => NodeKind::Macro,
            Node::Binary(_) => NodeKind::Binary,
            Node::Index(_) => NodeKind::Index,
            Node::ParamType(_) => NodeKind::ParamType,
            Node::ForLoop(_) => NodeKind::ForLoop,
        }
    }
}

pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// A file with evidence that its crate takes secrets in query strings,
/// and that evidence.
pub type QuerySecretAt = (std::path::PathBuf, crate::index::query_secrets::QuerySecret);

/// What a rule may ask while it checks a node.
pub struct Context<'a> {
    pub scope: &'a Scope<'a>,
    /// Where the file's crate shows that it takes secrets in query strings
    /// (see [`crate::index::query_secrets`]), once asked
    /// ([`Context::query_secret`]).
    pub query_secret: &'a std::cell::OnceCell<Option<QuerySecretAt>>,
    /// Request headers the file's crate's middleware adds to every
    /// request, once asked ([`Context::added_headers`]).
    pub added_headers: &'a std::cell::OnceCell<Vec<crate::index::added_headers::AddedHeader>>,
    pub source: &'a SourceFile,
    /// The walk's method chain (see [`Context::applied`]).
    pub chain: &'a [Option<String>],
    /// The crates the file's package may name (its `Cargo.toml`); `None`
    /// for a file outside any package.
    pub dependencies: Option<&'a crate::index::crates::Dependencies>,
    /// [`Context::reaching_call`]'s callee, found once per node: more
    /// than one rule asks (SL006, SL008), and the lookup through the index
    /// is most of what they cost.
    pub reaching_callee: std::cell::OnceCell<Option<(String, &'a crate::index::summary::FnSig)>>,
}

impl<'a> Context<'a> {
    /// Methods called on the current expression's result, innermost first
    /// (`TraceLayer::new_for_http().make_span_with(..)` gives
    /// `make_span_with` at the `new_for_http()` call). The iterable of a
    /// `for` loop has `for` (no method can be called that), the scrutinee
    /// of a `match` whose arms only test presence (`Some(_) => .., None =>
    /// ..`) has `match`.
    pub fn applied(&self) -> impl Iterator<Item = &'a str> {
        self.chain.iter().rev().map_while(|m| m.as_deref())
    }

    pub fn models(&self) -> &'a Models {
        self.scope.models
    }

    /// The user function a call goes to, through the crate index, when it
    /// unwraps or logs a parameter ([`crate::index::summary::FnSig::reach`]):
    /// its name, signature, and the arguments matched to its typed
    /// parameters (`self` left out). Calls of other functions, most of
    /// them, are `None` before their callee is resolved.
    pub fn reaching_call<'e>(
        &self,
        node: Node<'e>,
    ) -> Option<(String, &'a crate::index::summary::FnSig, Vec<&'e syn::Expr>)> {
        let (name, sig) = self
            .reaching_callee
            .get_or_init(|| self.find_reaching_callee(node))
            .clone()?;
        let args = match node {
            Node::Call(call) => call.args.iter().skip(usize::from(sig.has_self)).collect(),
            // `s.parse()` reaching `T::from_str(s)`.
            Node::MethodCall(m) if m.method == "parse" && name == "from_str" => vec![&*m.receiver],
            Node::MethodCall(m) => m.args.iter().collect(),
            _ => return None,
        };
        Some((name, sig, args))
    }

    /// The arguments a call hands to a crate function whose body does
    /// `kind` with that parameter (unwraps, logs or splits it whole; see
    /// [`crate::index::summary::Reach`]), each with the callee's name and
    /// signature. Empty for other nodes and for most calls.
    pub fn reaching_args<'e>(
        &self,
        node: Node<'e>,
        kind: crate::index::summary::ReachKind,
    ) -> Vec<ReachingArg<'a, 'e>> {
        if !matches!(node, Node::Call(_) | Node::MethodCall(_)) {
            return Vec::new();
        }
        let Some((name, sig, args)) = self.reaching_call(node) else {
            return Vec::new();
        };
        sig.reach
            .iter()
            .filter(|r| r.kind == kind)
            .filter_map(|reach| {
                Some(ReachingArg {
                    name: name.clone(),
                    sig,
                    reach,
                    arg: args.get(reach.param)?,
                })
            })
            .collect()
    }

    /// Where the file's crate shows that it takes secrets in query
    /// strings: a crate's evidence covers all its files; a file alone is
    /// its own. Looked for when first asked: a file outside the index is
    /// lexed whole for it, and most files never log a secret.
    pub fn query_secret(&self) -> Option<&'a QuerySecretAt> {
        self.query_secret
            .get_or_init(|| match self.scope.index_crate() {
                Some((ix, krate)) => ix
                    .query_secret(krate)
                    .map(|(p, e)| (p.to_path_buf(), e.clone())),
                None => crate::index::query_secrets::scan(&self.source.text)
                    .map(|e| (self.source.path.clone(), e)),
            })
            .as_ref()
    }

    /// Request headers the file's crate's middleware adds to every request
    /// (see [`crate::index::added_headers`]): a crate's layers cover all
    /// its files; a file alone is its own.
    pub fn added_headers(&self) -> &'a [crate::index::added_headers::AddedHeader] {
        self.added_headers
            .get_or_init(|| match self.scope.index_crate() {
                Some((ix, krate)) => ix.added_headers(krate).to_vec(),
                None => crate::index::added_headers::scan_lexed(&crate::index::summary::Lexed::of(
                    &self.source.text,
                )),
            })
    }

    fn find_reaching_callee(
        &self,
        node: Node<'_>,
    ) -> Option<(String, &'a crate::index::summary::FnSig)> {
        let ix = self.scope.index()?;
        match node {
            Node::Call(call) => {
                if !self.scope.call_may_name(call, |n| ix.may_reach(n)) {
                    return None;
                }
                // An import may rename a function: its declared name is
                // known once the path is resolved.
                let path = self.scope.callee_path(call)?;
                let name = path.rsplit("::").next().unwrap_or(&path);
                if !ix.may_reach(name) {
                    return None;
                }
                let sig = ix.call_sig(&path)?;
                Some((name.to_string(), sig))
            }
            Node::MethodCall(m) => {
                let name = m.method.to_string();
                // `s.parse::<T>()` (or `let t: T = s.parse()?`) is
                // `T::from_str(s)`.
                if m.method == "parse" && m.args.is_empty() {
                    if !ix.may_reach("from_str") {
                        return None;
                    }
                    let target = self.scope.parse_target(m)?;
                    let sig = ix.method_sig(&target, "from_str")?;
                    return Some(("from_str".to_string(), sig));
                }
                if !ix.may_reach(&name) {
                    return None;
                }
                let recv = self.value_of(&m.receiver);
                let sig = ix.method_sig(recv.ty.strip_refs(), &name)?;
                Some((name, sig))
            }
            _ => None,
        }
    }

    pub fn value_of(&self, expr: &syn::Expr) -> Value {
        self.scope.value_of(expr)
    }

    pub fn range(&self, span: Span) -> Range<usize> {
        self.source.range_of(span)
    }

    /// From a member's name to the end of the expression: `query_params()`
    /// of `uri.query_params()`. Findings about a call point here, so a
    /// multi-line chain is reported on the line of the offending call.
    pub fn member_range(&self, member: Span, whole: Span) -> Range<usize> {
        self.range(member).start..self.range(whole).end
    }

    /// `code` spelt with the crates this file's crate can reach (see
    /// [`reach`]): `Err` says what dependency is missing.
    pub fn reachable(&self, code: &str) -> Result<String, reach::Unreachable> {
        reach::respell(code, self.dependencies)
    }

    /// `code` for help text: spelt for the crate when it can reach it, as
    /// written otherwise.
    pub fn spelt(&self, code: &str) -> String {
        self.reachable(code).unwrap_or_else(|_| code.to_string())
    }

    pub fn snippet(&self, span: Span) -> &'a str {
        self.source.snippet(span)
    }

    /// A finding of `meta`'s rule at `span`, at the rule's default level
    /// (configuration re-levels it later).
    pub fn diagnostic(
        &self,
        meta: &'static RuleMeta,
        range: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(meta.code(), meta.level, range, message)
    }
}

/// The rules a selector names: a rule's code or name, a group
/// (`security`), or `ALL`.
pub fn select(key: &str) -> Option<Vec<&'static dyn Rule>> {
    if key == "ALL" {
        return Some(ALL.to_vec());
    }
    if let Some(g) = Group::parse(key) {
        return Some(
            ALL.iter()
                .copied()
                .filter(|r| r.meta().group == g)
                .collect(),
        );
    }
    find(key).map(|r| vec![r])
}

/// The rules on by default: those of the groups on by default.
pub fn defaults() -> Vec<&'static dyn Rule> {
    ALL.iter()
        .copied()
        .filter(|r| r.meta().group.on_by_default())
        .collect()
}

/// Look a rule up by code (`SL002`, any case) or name (`manual-query-parsing`).
pub fn find(key: &str) -> Option<&'static dyn Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.meta().code.eq_ignore_ascii_case(key) || r.meta().name == key)
}

/// Codes and names close to an unknown key, for "did you mean" errors.
pub fn close_matches(key: &str) -> Vec<String> {
    let key_lower = key.to_ascii_lowercase();
    let mut scored: Vec<(f64, String)> = ALL
        .iter()
        .flat_map(|r| [r.meta().code, r.meta().name])
        .chain(Group::ALL.iter().map(|g| g.name()))
        .map(|cand| {
            let score = strsim::jaro_winkler(&key_lower, &cand.to_ascii_lowercase());
            (score, cand.to_string())
        })
        .filter(|(s, _)| *s > 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, c)| c).take(3).collect()
}

/// The rules enabled for a run, each at its effective level, indexed by the
/// node kinds they want so the engine calls only the interested ones.
pub struct RuleSet {
    rules: Vec<(&'static dyn Rule, Level)>,
    by_kind: [Vec<usize>; NodeKind::COUNT],
}

impl RuleSet {
    pub fn new(rules: Vec<(&'static dyn Rule, Level)>) -> RuleSet {
        let mut by_kind: [Vec<usize>; NodeKind::COUNT] = Default::default();
        for (i, (rule, _)) in rules.iter().enumerate() {
            for kind in rule.meta().interests {
                by_kind[*kind as usize].push(i);
            }
        }
        RuleSet { rules, by_kind }
    }

    /// Every rule at its default level.
    pub fn all() -> RuleSet {
        RuleSet::new(ALL.iter().map(|r| (*r, r.meta().level)).collect())
    }

    /// The level of a rule when it is enabled.
    pub fn level_of(&self, code: &str) -> Option<Level> {
        self.rules
            .iter()
            .find(|(r, _)| r.meta().code == code)
            .map(|(_, l)| *l)
    }

    pub fn rules(&self) -> impl Iterator<Item = (&'static dyn Rule, Level)> + '_ {
        self.rules.iter().copied()
    }

    /// Run the interested rules on one node; findings get the configured level.
    pub fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let in_test = cx.scope.in_test();
        for &i in &self.by_kind[node.kind() as usize] {
            let (rule, level) = self.rules[i];
            if in_test && rule.meta().skip_in_tests {
                continue;
            }
            let start = out.len();
            rule.check(node, cx, out);
            for d in &mut out[start..] {
                d.level = level;
            }
        }
    }
}

// ----- helpers shared by rules ---------------------------------------------

/// The text of a string or char literal argument.
pub fn literal_text(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(l) => match &l.lit {
            syn::Lit::Str(s) => Some(s.value()),
            syn::Lit::Char(c) => Some(c.value().to_string()),
            _ => None,
        },
        syn::Expr::Reference(r) => literal_text(&r.expr),
        syn::Expr::Paren(p) => literal_text(&p.expr),
        syn::Expr::Group(g) => literal_text(&g.expr),
        _ => None,
    }
}

/// The text of a string literal, also behind `.to_string()`, `.to_owned()`,
/// `.into()` and `String::from(..)`.
pub fn string_literal(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(
                    m.method.to_string().as_str(),
                    "to_string" | "to_owned" | "into"
                ) =>
        {
            literal_text(&m.receiver)
        }
        syn::Expr::Call(c) if c.args.len() == 1 => match &*c.func {
            syn::Expr::Path(p)
                if p.path.segments.len() == 2 && p.path.segments[0].ident == "String" =>
            {
                literal_text(&c.args[0])
            }
            _ => None,
        },
        _ => literal_text(expr),
    }
}

/// How a type is named in messages: its canonical path, behind references.
pub fn type_name(value: &Value) -> String {
    value.ty.strip_refs().to_string()
}
