//! What the targets share: one linter, built once, and a stack as big as
//! the one scope-lint lints on (deeply nested input recurses deeply).
#![allow(dead_code)] // each target uses its own subset

use scope_lint::lint::Linter;
use scope_lint::models::Models;
use scope_lint::rules::RuleSet;
use std::sync::OnceLock;

/// Every rule on, no prefilter: every input reaches the parser.
pub fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| {
        let mut l = Linter::new(Models::builtin().expect("builtin models"), RuleSet::all());
        l.prefilter = None;
        l
    })
}

/// Run `f` on a 64 MiB stack, like scope-lint's own worker threads.
pub fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(64 * 1024 * 1024)
            .spawn_scoped(s, f)
            .expect("spawn")
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}
