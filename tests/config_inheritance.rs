//! Configuration inheritance: a package table inherits its workspace's
//! unless `inherit = false`, `extend = ".."` builds on another file (cycles
//! are errors naming the files), and `scope-lint config` says where each
//! setting came from.

mod common;

use assert_cmd::Command;
use std::fs;
use std::path::Path;

fn scope_lint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("scope-lint").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// One SL002 (warning) and one SL005 (warning) finding.
const HANDLER: &str = "use axum::http::Uri;\n\npub async fn h(uri: Uri) -> usize {\n    let _ = uri.host();\n    uri.query().unwrap_or(\"\").split('&').count()\n}\n";

fn codes(dir: &Path, args: &[&str]) -> (i32, Vec<String>, String) {
    let (code, out, err) =
        common::output(
            scope_lint(dir)
                .args(args)
                .args(["--no-cache", "--format", "json"]),
        );
    let codes = if out.trim().is_empty() {
        Vec::new()
    } else {
        common::json_fields(&out, &["code", "level"], ":")
    };
    (code, codes, err)
}

/// A workspace ignoring SL005, with a member `api` whose own table is
/// `package_table`.
fn workspace(root: &Path, package_table: &str) {
    fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"api\"]\n\n[workspace.metadata.scope-lint]\nignore = [\"SL005\"]\n[workspace.metadata.scope-lint.level]\nSL002 = \"error\"\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("api/src")).unwrap();
    fs::write(
        root.join("api/Cargo.toml"),
        format!("[package]\nname = \"api\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.scope-lint]\n{package_table}\n"),
    )
    .unwrap();
    fs::write(root.join("api/src/lib.rs"), HANDLER).unwrap();
}

#[test]
fn a_package_table_inherits_its_workspace_table() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    workspace(root, "extend-select = [\"SL014\"]");
    // The workspace's `ignore` and `level` still hold in the member, from
    // the root and from the member's directory.
    let (code, found, err) = codes(root, &["."]);
    assert_eq!((code, found), (1, vec!["SL002:error".to_string()]), "{err}");
    let (_, found, _) = codes(&root.join("api"), &["."]);
    assert_eq!(found, ["SL002:error"]);
    // `inherit = false`: the package's table alone.
    workspace(root, "inherit = false\nextend-select = [\"SL014\"]");
    let (_, found, _) = codes(root, &["."]);
    assert_eq!(found, ["SL005:warning", "SL002:warning"]);
}

#[test]
fn a_package_table_inherits_the_workspace_scope_lint_toml() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    workspace(root, "ignore = [\"SL002\"]");
    // A scope-lint.toml at the workspace root wins over its Cargo.toml table.
    fs::write(root.join("scope-lint.toml"), "ignore = [\"SL005\"]\n").unwrap();
    let (code, found, err) = codes(root, &["."]);
    assert_eq!((code, found), (0, Vec::<String>::new()), "{err}");
}

#[test]
fn extend_builds_on_another_file_and_cycles_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("svc")).unwrap();
    fs::write(root.join("svc/h.rs"), HANDLER).unwrap();
    fs::write(
        root.join("base.toml"),
        "ignore = [\"SL005\"]\n[level]\nSL002 = \"error\"\n",
    )
    .unwrap();
    fs::write(
        root.join("svc/scope-lint.toml"),
        "extend = \"../base.toml\"\n[level]\nSL005 = \"note\"\n",
    )
    .unwrap();
    let (_, found, err) = codes(root, &["svc"]);
    assert_eq!(found, ["SL002:error"], "{err}");
    // A later `select` replaces the base's selection; `extend-select` adds.
    fs::write(
        root.join("svc/scope-lint.toml"),
        "extend = \"../base.toml\"\nselect = [\"SL005\"]\n",
    )
    .unwrap();
    let (_, found, _) = codes(root, &["svc"]);
    assert_eq!(found, ["SL005:warning"]);

    fs::write(root.join("base.toml"), "extend = \"svc/scope-lint.toml\"\n").unwrap();
    fs::write(
        root.join("svc/scope-lint.toml"),
        "extend = \"../base.toml\"\n",
    )
    .unwrap();
    let (code, _, err) = codes(root, &["svc"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`extend` makes a cycle")
            && err.contains("base.toml")
            && err.contains("svc/scope-lint.toml -> "),
        "{err}"
    );
    fs::write(root.join("svc/scope-lint.toml"), "inherit = false\n").unwrap();
    let (code, _, err) = codes(root, &["svc"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`inherit` belongs in `[package.metadata.scope-lint]`"),
        "{err}"
    );
    fs::write(root.join("svc/scope-lint.toml"), "extend = \"nope.toml\"\n").unwrap();
    let (code, _, err) = codes(root, &["svc"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`extend`") && err.contains("nope.toml"),
        "{err}"
    );
}

#[test]
fn config_prints_the_resolved_settings_and_their_origins() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    workspace(root, "extend-select = [\"SL014\"]");
    let (code, out, err) = common::output(scope_lint(root).args(["config", "api/src/lib.rs"]));
    assert_eq!(code, 0, "{err}");
    let line = |needle: &str| {
        out.lines()
            .find(|l| l.starts_with(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in\n{out}"))
            .to_string()
    };
    assert!(line("select = ").ends_with("# default"), "{out}");
    assert!(
        line("ignore += [\"SL005\"]")
            .ends_with("Cargo.toml [workspace.metadata.scope-lint] `ignore`"),
        "{out}"
    );
    assert!(
        line("extend-select += [\"SL014\"]")
            .ends_with("api/Cargo.toml [package.metadata.scope-lint] `extend-select`"),
        "{out}"
    );
    assert!(
        line("level.SL002 = \"error\"").contains("`level.SL002`"),
        "{out}"
    );
    let rules = line("enabled rules: ");
    assert!(
        rules.contains("SL002 (error)") && rules.contains("SL014 (warning)"),
        "{rules}"
    );
    assert!(!rules.contains("SL005"), "{rules}");
}
