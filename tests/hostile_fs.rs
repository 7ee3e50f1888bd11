//! Hostile or unlucky filesystems and arguments: special files, links,
//! interrupted fixes, option-shaped git revisions, unreadable directories.
//! Every case must end with a clear message naming the path, the other
//! files linted, and no file touched that should not be.

mod common;

use assert_cmd::Command;
use std::fs;
use std::path::Path;

/// A file with one SL002 finding that has an unsafe fix.
const DIRTY: &str = "use axum::http::Uri;\nasync fn h(uri: Uri) -> usize {\n    uri.query().unwrap_or(\"\").split('&').count()\n}\n";

fn scope_lint(root: &Path) -> Command {
    let mut cmd = Command::cargo_bin("scope-lint").unwrap();
    cmd.current_dir(root).arg("--no-cache");
    cmd
}

fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn option_shaped_revisions_never_reach_git_as_options() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("a.rs"), DIRTY).unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "base"]);
    for rev in [
        "--output=pwned.txt",
        "--output=pwned.txt^{commit}",
        "-opwned.txt",
        "--no-index",
        "-",
    ] {
        let (code, out, err) = common::output(
            scope_lint(root).args([".", "--format", "short", &format!("--changed-since={rev}")]),
        );
        assert_eq!(code, 2, "{rev}: {out}{err}");
        assert!(err.contains("not a commit"), "{rev}: {err}");
        assert!(err.contains(rev), "{rev}: {err}");
        assert!(!root.join("pwned.txt").exists(), "{rev} made git write a file");
    }
    // A real revision still works.
    fs::write(root.join("b.rs"), DIRTY).unwrap();
    let (code, out, err) = common::output(scope_lint(root).args([
        ".",
        "--format",
        "short",
        "--changed-since=HEAD",
    ]));
    assert_eq!(code, 1, "{err}");
    assert!(out.starts_with("./b.rs:"), "{out}");
    assert!(!out.contains("a.rs"), "{out}");
}
