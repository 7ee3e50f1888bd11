//! The server's log, on stderr (editors show it in their LSP log panel):
//! one line per event, `scope-lint server: LEVEL: message`. `SCOPE_LINT_LOG`
//! sets the level: `error`, `info` (the default: start, configuration,
//! index and per-lint timings) or `debug` (every message received).

use std::io::Write;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Error,
    Info,
    Debug,
}

fn level() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(|| match std::env::var("SCOPE_LINT_LOG").as_deref() {
        Ok("error") | Ok("off") => Level::Error,
        Ok("debug") | Ok("trace") => Level::Debug,
        _ => Level::Info,
    })
}

fn write(l: Level, what: &str, message: &str) {
    if l <= level() {
        let _ = writeln!(
            std::io::stderr().lock(),
            "scope-lint server: {what}: {message}"
        );
    }
}

pub fn error(message: &str) {
    write(Level::Error, "error", message);
}

pub fn info(message: &str) {
    write(Level::Info, "info", message);
}

pub fn debug(message: &str) {
    write(Level::Debug, "debug", message);
}

pub fn enabled_debug() -> bool {
    level() >= Level::Debug
}
