//! scope-lint: a linter for request-scope misuse in Rust web code.
//!
//! Data flows one way: `walk` finds files, `lint` reads and parses each one
//! (in parallel), `engine` walks the tree once while `scope` tracks what
//! every name is, the `rules` report [`diagnostic::Diagnostic`]s, and a
//! `report` module prints them. `models` (the framework knowledge from
//! `rules/*.toml`) and the rule set are built once and shared read-only.

pub mod baseline;
pub mod body_mask;
pub mod build;
pub mod cache;
pub mod cargo_subcommand;
pub mod cli;
pub mod complexity;
pub mod config;
pub mod delimiters;
pub mod diagnostic;
pub mod edition;
pub mod engine;
pub mod engine_codes;
pub mod fix;
pub mod globs;
pub mod incremental;
pub mod index;
pub mod lint;
pub mod macros;
pub mod memory;
pub mod models;
pub mod path_key;
pub mod prefilter;
pub mod progress;
pub mod project;
pub mod read;
pub mod report;
pub mod rewrite;
pub mod rules;
pub mod run;
pub mod scope;
pub mod sealed;
pub mod server;
pub mod source;
pub mod suppress;
pub mod walk;
pub mod workspace;
