//! `cargo scope-lint` in a two-member workspace: cargo's package selection,
//! paths relative to the workspace root from any directory, one cache at
//! the root, and help that names the subcommand as the user types it.

mod common;

use assert_cmd::Command;
use std::path::Path;

const DIRTY: &str = "use axum::http::Uri;\npub fn h(uri: Uri) -> usize {\n    uri.query().unwrap_or(\"\").split('&').count()\n}\n";

/// A virtual workspace with members `a` (a lib and an integration test)
/// and `b` (a lib), each with one SL002 finding per file.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
    )
    .unwrap();
    for member in ["a", "b"] {
        std::fs::create_dir_all(root.join(member).join("src")).unwrap();
        std::fs::write(
            root.join(member).join("Cargo.toml"),
            format!("[package]\nname = \"{member}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        )
        .unwrap();
        std::fs::write(root.join(member).join("src/lib.rs"), DIRTY).unwrap();
    }
    std::fs::create_dir_all(root.join("a/tests")).unwrap();
    std::fs::write(root.join("a/tests/t.rs"), DIRTY).unwrap();
    dir
}

fn cargo_scope_lint(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("cargo-scope-lint").unwrap();
    cmd.current_dir(cwd);
    cmd.env_remove("NO_COLOR");
    cmd.arg("scope-lint");
    cmd
}

/// The files reported by a `--format short` run, in order.
fn reported(cmd: &mut Command) -> (i32, Vec<String>, String) {
    let (code, out, err) = common::output(cmd.args(["--format", "short"]));
    let files = out
        .lines()
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect();
    (code, files, err)
}

#[test]
fn from_a_members_src_only_that_member_with_paths_from_the_root() {
    let ws = workspace();
    let (code, files, err) = reported(&mut cargo_scope_lint(&ws.path().join("a/src")));
    assert_eq!(code, 1, "{err}");
    assert_eq!(files, ["a/src/lib.rs"], "{err}");
}

#[test]
fn workspace_lints_every_member() {
    let ws = workspace();
    let (code, files, err) =
        reported(cargo_scope_lint(&ws.path().join("a/src")).arg("--workspace"));
    assert_eq!(code, 1, "{err}");
    assert_eq!(files, ["a/src/lib.rs", "b/src/lib.rs"], "{err}");
    let (_, files, err) =
        reported(cargo_scope_lint(ws.path()).args(["--workspace", "--exclude", "a"]));
    assert_eq!(files, ["b/src/lib.rs"], "{err}");
}

#[test]
fn package_picks_one_member_from_anywhere_in_the_workspace() {
    let ws = workspace();
    let (_, files, err) = reported(cargo_scope_lint(&ws.path().join("a/src")).args(["-p", "b"]));
    assert_eq!(files, ["b/src/lib.rs"], "{err}");
}

#[test]
fn all_targets_adds_tests() {
    let ws = workspace();
    let (_, files, err) = reported(cargo_scope_lint(ws.path()).args(["-p", "a", "--all-targets"]));
    assert_eq!(files, ["a/src/lib.rs", "a/tests/t.rs"], "{err}");
}

#[test]
fn a_virtual_manifest_means_its_default_members() {
    let ws = workspace();
    let elsewhere = tempfile::tempdir().unwrap();
    let manifest = ws.path().join("Cargo.toml");
    let (_, files, err) = reported(
        cargo_scope_lint(elsewhere.path())
            .arg("--manifest-path")
            .arg(&manifest),
    );
    assert_eq!(files, ["a/src/lib.rs", "b/src/lib.rs"], "{err}");
}

#[test]
fn explicit_paths_are_reported_from_the_root() {
    let ws = workspace();
    let (_, files, err) = reported(cargo_scope_lint(&ws.path().join("a/src")).arg("lib.rs"));
    assert_eq!(files, ["a/src/lib.rs"], "{err}");
    let (code, _, err) = common::output(cargo_scope_lint(ws.path()).args(["-p", "a", "a/src"]));
    assert_eq!(code, 2);
    assert!(err.contains("not both"), "{err}");
}

#[test]
fn one_cache_at_the_workspace_root() {
    let ws = workspace();
    let (code, _, err) = common::output(&mut cargo_scope_lint(&ws.path().join("a/src")));
    assert_eq!(code, 1, "{err}");
    assert!(ws.path().join(".scope-lint-cache/CACHEDIR.TAG").is_file());
    assert!(!ws.path().join("a/.scope-lint-cache").exists());
    assert!(!ws.path().join("a/src/.scope-lint-cache").exists());
}

#[test]
fn options_with_paths_are_relative_to_where_cargo_ran() {
    let ws = workspace();
    let (code, _, err) = common::output(cargo_scope_lint(&ws.path().join("a/src")).args([
        "--format",
        "json",
        "--output-file",
        "report.json",
    ]));
    assert_eq!(code, 1, "{err}");
    let text = std::fs::read_to_string(ws.path().join("a/src/report.json")).unwrap();
    assert_eq!(common::json_fields(&text, &["file"], ""), ["a/src/lib.rs"]);
}

#[test]
fn an_unknown_package_names_the_members() {
    let ws = workspace();
    let (code, _, err) = common::output(cargo_scope_lint(ws.path()).args(["-p", "zz"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("package `zz` is not a member of the workspace")
            && err.contains("members: a, b"),
        "{err}"
    );
}

#[test]
fn help_names_the_cargo_subcommand() {
    let (code, out, _) =
        common::output(cargo_scope_lint(Path::new(env!("CARGO_MANIFEST_DIR"))).arg("--help"));
    assert_eq!(code, 0);
    assert!(out.contains("Usage: cargo scope-lint [OPTIONS]"), "{out}");
    assert!(!out.contains("cargo-scope-lint"), "{out}");
    for flag in [
        "--package",
        "--workspace",
        "--manifest-path",
        "--all-targets",
    ] {
        assert!(out.contains(flag), "{flag} in {out}");
    }
}
