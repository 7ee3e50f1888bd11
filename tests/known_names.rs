//! The names of a crate's items that hold framework values, remembered
//! between runs (src/index/known_names.rs): a file that names no framework
//! crate is linted when it names such an item. The names are kept while
//! the index is the same; a signature edit that makes an item hold a
//! framework value is seen on the next run, with the findings of a run
//! without the cache.

mod common;

use assert_cmd::Command;
use std::fs;
use std::path::Path;

fn run(root: &Path, args: &[&str]) -> String {
    let (_, out, _) = common::output(
        Command::cargo_bin("scope-lint")
            .unwrap()
            .current_dir(root)
            .args(args),
    );
    out
}

/// The findings with the cache, after checking they are those without.
fn findings(root: &Path) -> String {
    let uncached = run(root, &["src", "--format", "short", "--no-cache"]);
    let cached = run(root, &["src", "--format", "short"]);
    assert_eq!(cached, uncached, "the cache changed the findings");
    cached
}

#[test]
fn a_field_that_becomes_a_framework_value_is_seen_in_files_that_name_no_crate() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n[dependencies]\nurl = \"2\"\n",
    )
    .unwrap();
    fs::create_dir(root.join("src")).unwrap();
    fs::write(
        root.join("src/main.rs"),
        "mod state;\nmod routes;\nfn main() {}\n",
    )
    .unwrap();
    let state = |ty: &str| format!("pub struct AppState {{\n    pub base: {ty},\n}}\n");
    // routes.rs names no framework crate: only `AppState` can make it
    // worth parsing.
    let routes = "use crate::state::AppState;\npub fn h(st: &AppState) -> usize {\n    st.base.query().unwrap_or(\"\").split('&').count()\n}\n";
    fs::write(root.join("src/state.rs"), state("String")).unwrap();
    fs::write(root.join("src/routes.rs"), routes).unwrap();
    assert_eq!(findings(root), "", "a String has no query");

    // A comment in routes.rs: linted again, with the names of the last run.
    fs::write(root.join("src/routes.rs"), format!("{routes}// edited\n")).unwrap();
    assert_eq!(findings(root), "");

    // The field becomes a URL: routes.rs now names a framework value.
    fs::write(root.join("src/state.rs"), state("url::Url")).unwrap();
    let out = findings(root);
    assert!(
        out.contains("src/routes.rs:3:") && out.contains("SL002"),
        "{out}"
    );
    // And back.
    fs::write(root.join("src/state.rs"), state("String")).unwrap();
    assert_eq!(findings(root), "");
}
