//! Add an arbitrary model file to the builtin models: an error naming the
//! file, or models, never a panic or a stack overflow.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use scope_lint::models::Models;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.to_string();
    common::on_big_stack(move || {
        let mut models = Models::builtin().expect("builtin models");
        if let Err(e) = models.add_source("fuzz.toml", &text) {
            assert!(e.to_string().contains("fuzz.toml"));
        }
    });
});
