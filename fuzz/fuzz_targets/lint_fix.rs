//! Lint, fix (unsafe fixes included) and lint again: the fixed text parses
//! whenever a fix was applied, and fixing it again changes nothing.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use scope_lint::fix;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.to_string();
    common::on_big_stack(move || {
        let lint = |t: &str| {
            common::linter()
                .lint_text(Path::new("fuzz.rs"), t.to_string())
                .diagnostics
        };
        let fixed = fix::fix_text(&text, true, lint);
        if fixed.applied > 0 {
            assert!(
                scope_lint::complexity::parse_file(&fixed.text).is_ok(),
                "a fix made the text unparsable"
            );
        }
        if fixed.broke.is_none() && fixed.applied > 0 {
            let again = fix::fix_text(&fixed.text, true, lint);
            if again.applied > 0 {
                // Passes ran out (MAX_PASSES) is the only excuse.
                let third = fix::fix_text(&again.text, true, lint);
                assert_eq!(third.text, again.text, "fixes never settle");
            }
        }
    });
});
