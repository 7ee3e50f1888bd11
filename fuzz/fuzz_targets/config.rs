//! Parse and check a configuration file: an error or a configuration,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scope_lint::config::{Config, Settings};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(settings) = toml::from_str::<Settings>(text) {
        if let Ok(config) = Config::new(Path::new("/fuzz/scope-lint.toml"), settings) {
            let _ = config.is_excluded(Path::new("/fuzz/src/main.rs"));
            let _ = config.ignored_for(Path::new("/fuzz/src/lib.rs"));
        }
    }
});
