//! What identifies this build of scope-lint, for cache keys: two builds of
//! the same version (another commit, a local change, other builtin models
//! or rules) must not share cached findings or index summaries. The
//! version alone does not tell them apart; the executable's own stamp
//! (modification time and size) does, with no build script and no git:
//! any rebuild or reinstall starts fresh caches.

use std::sync::OnceLock;

/// The version and the executable's stamp, computed once.
pub fn id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let exe = std::env::current_exe()
            .and_then(std::fs::metadata)
            .map(|m| crate::cache::stamp(&m))
            .map(|s| format!("{}-{}", s.mtime, s.size))
            // Not knowable: a key of its own, never shared.
            .unwrap_or_else(|_| format!("unknown-{}", std::process::id()));
        format!("{}+{exe}", env!("CARGO_PKG_VERSION"))
    })
}
