//! Documentation of the codes the engine reports itself, not a rule:
//! `parse-error`, `io-error`, `internal-error` and `too-complex`. They appear in every
//! output format (and in SARIF's rule list), so `scope-lint explain`
//! documents them as it does a rule. [`ALL`] lists every such code;
//! a test checks that it covers those in [`crate::diagnostic`].

use crate::diagnostic::{Code, INTERNAL_ERROR, IO_ERROR, PARSE_ERROR};

/// A code with its documentation (Markdown).
pub struct Documented {
    pub code: Code,
    pub summary: &'static str,
    pub docs: &'static str,
}

pub const ALL: [Documented; 4] = [
    Documented {
        code: PARSE_ERROR,
        summary: "the file is not valid Rust (or not UTF-8); it was not checked",
        docs: "\
## What it means

scope-lint could not parse the file, so no rule checked it. The finding
points at the cause: an unclosed, unexpected or mismatched delimiter (with
the delimiter that was left open, and, as rustc does, a block whose closing
brace is indented differently from its start), an unterminated string or
block comment, a byte that is not UTF-8, or the first token syn could not
parse.

## What to do

Fix the syntax error; `cargo check` shows the same problem. If the file is
valid Rust that rustc accepts and scope-lint does not (a new syntax),
exclude it in the
configuration (`exclude = [\"path/to/file.rs\"]`) and report it.

It is a finding like a rule's: the run goes on with the other files and
exits 1. A file that no enabled rule could match is not parsed at all, so
its syntax errors are left to rustc.
",
    },
    Documented {
        code: IO_ERROR,
        summary: "a file or directory could not be read; it was not checked",
        docs: "\
## What it means

scope-lint could not read a file or a directory while walking the paths:
permission denied, a file removed during the run, a broken symlink named
on the command line, or a file over the size limit (16 MiB; no
hand-written Rust source is that large). The message holds the operating
system's error and the path.

## What to do

Check the path's permissions (`ls -l`), or exclude generated files and
directories in the configuration (`exclude = [\"generated/**\"]`) or in
`.gitignore`. The run goes on with the other files and exits 2.
",
    },
    Documented {
        code: INTERNAL_ERROR,
        summary: "scope-lint panicked on a file; a bug in scope-lint",
        docs: "\
## What it means

scope-lint itself failed (panicked) while checking the file. The file was
not checked; the other files were, and the run exits 2.

## What to do

Please report it with the file (or the smallest part of it that still
fails) and the version (`scope-lint --version`). Until it is fixed, exclude
the file in the configuration (`exclude = [\"path/to/file.rs\"]`).
",
    },
    Documented {
        code: crate::complexity::TOO_COMPLEX,
        summary:
            "the file nests too deeply or ran over the time budget; it was not (fully) checked",
        docs: crate::complexity::EXPLANATION,
    },
];

/// The documentation of an engine code, by its name (`parse-error`).
pub fn lookup(key: &str) -> Option<&'static Documented> {
    ALL.iter()
        .find(|d| d.code.code.eq_ignore_ascii_case(key.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_code_is_documented() {
        for code in [
            PARSE_ERROR,
            IO_ERROR,
            INTERNAL_ERROR,
            crate::complexity::TOO_COMPLEX,
        ] {
            let d = lookup(code.code).unwrap_or_else(|| panic!("{}", code.code));
            assert!(d.docs.contains("## What to do"), "{}", code.code);
        }
    }
}
