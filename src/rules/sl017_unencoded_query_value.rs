//! ## What it does
//! The `SL007` check for every other value: `format!` (and `write!`) or
//! string concatenation that interpolates into a URL's query a value that
//! is not known to be query-safe, when `SL007` does not already report it
//! (the value is not the client's, not a credential, and its key does not
//! hold URLs or free text): `format!("{base}/items?cursor={cursor}")`.
//! Numbers, literals, constants, the crate's enums and encoded values are
//! fine; test code is not flagged.
//!
//! This rule is in the `pedantic` group, off by default: on real
//! applications such lines held server-issued ids, validated names and
//! sort orders, and none was a bug a reviewer accepted. Turn it on
//! (`extend-select = ["SL017"]`) to build every query with an encoder as a
//! policy.
//!
//! ## Why is this bad?
//! Whatever the value is today, nothing encodes it: the day an id holds a
//! `&`, a `#` or a space, the query is cut short or gains a parameter.
//!
//! ## Example
//! ```rust,ignore
//! let url = format!("{base}/items?cursor={}", page.cursor);
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! let url = url::Url::parse_with_params(
//!     &format!("{base}/items"),
//!     &[("cursor", &page.cursor)],
//! )?;
//! ```
//!
//! ## Fix safety
//! There is no automatic fix: the replacement returns a `Url` (and a
//! `Result`), not a `String`.

use super::sl007_unencoded_query_build::{check_query_build, QueryValue, TRIGGERS};
use super::{Context, Group, Node, NodeKind, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};

pub struct UnencodedQueryValue;

static META: RuleMeta = RuleMeta {
    code: "SL017",
    name: "unencoded-query-value",
    level: Level::Warning,
    summary: "any other value interpolated into a URL's query without percent-encoding",
    fixable: false,
    source: include_str!("sl017_unencoded_query_value.rs"),
    triggers: TRIGGERS,
    needs_models: false,
    interests: &[NodeKind::Macro, NodeKind::Binary],
    group: Group::Pedantic,
    skip_in_tests: true,
};

impl Rule for UnencodedQueryValue {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, node: Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_query_build(&META, QueryValue::Unproven, node, cx, out);
    }
}
