//! ## What it does
//! Flags a `// scope-lint: allow(..)` or `allow-file(..)` comment that
//! silences nothing: no finding of the named rule is on the line it covers
//! (or in the file), or the name is not a rule at all.
//!
//! ## Why is this bad?
//! Suppressions outlive the code they were written for. A stale
//! `allow(SL006)` above a line that no longer logs a URI will silently hide
//! the URI that a later edit logs there.
//!
//! ## Example
//! ```rust,ignore
//! let path = uri.path(); // scope-lint: allow(SL005)
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! let path = uri.path();
//! ```
//!
//! ## Fix safety
//! The fix removes the comment (or just the unused codes from its list);
//! it cannot change behaviour, so it is safe.

use super::{Context, Group, Node, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};

/// Applied by [`crate::suppress::apply`] after the other rules, not on
/// syntax: it needs to know what they reported.
pub struct UnusedSuppression;

pub static META: RuleMeta = RuleMeta {
    code: "SL100",
    name: "unused-suppression",
    level: Level::Note,
    summary: "a suppression comment that silences nothing",
    fixable: true,
    source: include_str!("sl100_unused_suppression.rs"),
    triggers: &["scope-lint:"],
    needs_models: false,
    interests: &[],
    group: Group::Suspicious,
    skip_in_tests: false,
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _: Node<'_>, _: &Context<'_>, _: &mut Vec<Diagnostic>) {}
}
