//! Lint arbitrary bytes as a Rust file: never a panic (an `internal-error`
//! finding counts as one), never a stack overflow, every finding's range
//! inside the text and on character boundaries.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.to_string();
    common::on_big_stack(move || {
        let result = common::linter().lint_text(Path::new("fuzz.rs"), text.clone());
        for d in &result.diagnostics {
            assert_ne!(d.code.code, "internal-error", "{}", d.message);
            assert!(d.range.start <= d.range.end && d.range.end <= text.len());
            assert!(text.is_char_boundary(d.range.start) && text.is_char_boundary(d.range.end));
        }
    });
});
