//! Robustness on code nobody here wrote: lint the Rust sources of every
//! crate this workspace's build uses (as listed in Cargo.lock and unpacked
//! under the cargo registry) and assert that nothing panics. Prints files,
//! lines, parse failures and findings per rule (`--nocapture` shows them).

use scope_lint::diagnostic::{INTERNAL_ERROR, PARSE_ERROR};
use scope_lint::lint::Linter;
use scope_lint::models::Models;
use scope_lint::rules::RuleSet;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// `(name, version)` of every registry package in Cargo.lock.
fn locked_packages() -> Vec<(String, String)> {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock"))
        .expect("Cargo.lock exists");
    let lock: toml::Value = toml::from_str(&lock).expect("Cargo.lock parses");
    lock["package"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p.get("source").is_some())
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["version"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn registry_src_dirs() -> Vec<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let src = home.join("registry").join("src");
    std::fs::read_dir(&src)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[test]
fn linting_every_dependency_source_never_panics() {
    let registries = registry_src_dirs();
    let mut dirs = Vec::new();
    for (name, version) in locked_packages() {
        if let Some(d) = registries
            .iter()
            .map(|r| r.join(format!("{name}-{version}")))
            .find(|d| d.is_dir())
        {
            dirs.push(d);
        }
    }
    assert!(
        dirs.len() >= 20,
        "only {} dependency sources found; run `cargo fetch` first",
        dirs.len()
    );
    let started = Instant::now();
    let walked = scope_lint::walk::collect(&dirs, 0).expect("registry dirs are readable");
    let linter = Linter::new(Models::builtin().unwrap(), RuleSet::all());
    let results = linter.lint_paths(&walked.files, 0);
    let elapsed = started.elapsed();

    let mut lines = 0;
    let mut parse_failures = Vec::new();
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    let mut panics = Vec::new();
    for r in &results {
        lines += r.lines();
        for d in &r.diagnostics {
            if d.code == INTERNAL_ERROR {
                panics.push(format!("{}: {}", r.path.display(), d.message));
            } else if d.code == PARSE_ERROR {
                parse_failures.push(format!("{}: {}", r.path.display(), d.message));
            } else {
                *per_rule.entry(d.code.code).or_default() += 1;
            }
        }
    }
    println!(
        "dependency sources: {} crates, {} files, {} lines, linted in {:.2}s",
        dirs.len(),
        results.len(),
        lines,
        elapsed.as_secs_f64()
    );
    println!("parse failures: {}", parse_failures.len());
    for p in &parse_failures {
        println!("  {p}");
    }
    println!("findings per rule: {per_rule:?}");
    for r in &results {
        for d in &r.diagnostics {
            if d.code.code.starts_with("SL") {
                let at = r.source.as_ref().unwrap().line_col(d.range.start);
                println!(
                    "  {} {}:{}:{} {}",
                    d.code.code,
                    r.path.display(),
                    at.line,
                    at.column,
                    d.message
                );
            }
        }
    }
    assert!(
        panics.is_empty(),
        "scope-lint panicked on:\n{}",
        panics.join("\n")
    );
    assert!(results.len() > 500, "too few files: {}", results.len());
}
