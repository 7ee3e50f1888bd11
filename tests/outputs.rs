//! What a run prints and where: --output-file, --statistics in JSON, the
//! list of fixes (--fix, --show-fixes), the warning and exit code when no
//! Rust file is found, `explain` for the engine's own codes, and parse
//! errors that point at the unclosed delimiter.

mod common;

use assert_cmd::Command;
use std::path::Path;

fn scope_lint(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("scope-lint").unwrap();
    cmd.current_dir(cwd);
    cmd.env_remove("NO_COLOR");
    cmd
}

const DIRTY: &str = "use axum::http::Uri;\nasync fn h(uri: Uri) -> usize {\n    uri.query().unwrap_or(\"\").split('&').count()\n}\n";
const STALE: &str = "use axum::http::Uri;\n\nasync fn stale(uri: Uri) -> String {\n    uri.path().to_string() // scope-lint: allow(SL005)\n}\n";

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn output_file_holds_the_report_without_colour() {
    let dir = tree(&[("a.rs", DIRTY)]);
    let (code, out, err) = common::output(scope_lint(dir.path()).args([
        "a.rs",
        "--no-cache",
        "--color",
        "always",
        "--output-file",
        "report.txt",
    ]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, "", "nothing on stdout");
    let report = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(report.contains("SL002"), "{report}");
    assert!(report.contains("Found 1 problem in 1 file"), "{report}");
    assert!(!report.contains('\u{1b}'), "no colour in a file: {report}");
}

#[test]
fn output_file_in_a_missing_directory_is_a_clear_error() {
    let dir = tree(&[("a.rs", DIRTY)]);
    let (code, _, err) = common::output(scope_lint(dir.path()).args([
        "a.rs",
        "--output-file",
        "no/such/dir/r.json",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("no/such/dir/r.json: cannot create the report file"),
        "{err}"
    );
}

#[test]
fn statistics_in_json_is_an_array_of_counts() {
    // A package with `url`, so SL002's fix (which names it) is offered.
    let manifest = "[package]\nname = \"p\"\nversion = \"0.1.0\"\n[dependencies]\nurl = \"2\"\n";
    let dir = tree(&[
        ("Cargo.toml", manifest),
        ("a.rs", DIRTY),
        ("b.rs", DIRTY),
        ("c.rs", STALE),
    ]);
    let (code, out, err) = common::output(scope_lint(dir.path()).args([
        ".",
        "--no-cache",
        "--statistics",
        "--format",
        "json",
    ]));
    assert_eq!(code, 1, "{err}");
    let rows: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(
        rows,
        serde_json::json!([
            {"code": "SL002", "name": "manual-query-parsing", "count": 2, "fixable": true},
            {"code": "SL100", "name": "unused-suppression", "count": 1, "fixable": true},
        ])
    );
}

#[test]
fn fix_lists_each_fix_it_applied() {
    let dir = tree(&[("a.rs", STALE)]);
    let (code, out, err) =
        common::output(scope_lint(dir.path()).args(["a.rs", "--fix", "--color", "never"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(
            "Fixed 1 problem:\n  a.rs:4: SL100 (unused-suppression) removed `// scope-lint: allow(SL005)`\n"
        ),
        "{out}"
    );
}

#[test]
fn show_fixes_lists_them_on_stderr_beside_a_machine_format() {
    let dir = tree(&[("a.rs", STALE)]);
    let (code, out, err) = common::output(scope_lint(dir.path()).args([
        "a.rs",
        "--fix",
        "--show-fixes",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "[]", "stdout stays JSON");
    assert!(
        err.contains("a.rs:4: SL100 (unused-suppression) removed"),
        "{err}"
    );
    // Without --show-fixes, a machine format prints no list.
    std::fs::write(dir.path().join("a.rs"), STALE).unwrap();
    let (_, _, err) =
        common::output(scope_lint(dir.path()).args(["a.rs", "--fix", "--format", "json"]));
    assert!(!err.contains("SL100"), "{err}");
}

#[test]
fn no_rust_file_warns_and_exits_2_unless_allowed() {
    let dir = tree(&[("notes.txt", "not rust")]);
    let (code, _, err) = common::output(scope_lint(dir.path()).args(["."]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("warning: no Rust files found in ."), "{err}");
    assert!(err.contains("--allow-no-files"), "{err}");
    let (code, _, err) = common::output(scope_lint(dir.path()).args([".", "--allow-no-files"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning: no Rust files found"), "{err}");
}

#[test]
fn explain_documents_every_engine_code() {
    for code in ["parse-error", "io-error", "internal-error"] {
        let (status, out, err) = common::output(
            scope_lint(Path::new(env!("CARGO_MANIFEST_DIR"))).args(["explain", code]),
        );
        assert_eq!(status, 0, "{code}: {err}");
        assert!(out.starts_with(&format!("# {code}\n")), "{out}");
        assert!(out.contains("## What to do"), "{out}");
    }
}

#[test]
fn a_parse_error_points_at_the_unclosed_delimiter() {
    let text = "use axum::http::Uri;\nfn main() {\n    let x = (1, 2;\n    if true {\n        x;\n    }\n}\n";
    let dir = tree(&[("a.rs", text)]);
    let (code, out, _) =
        common::output(scope_lint(dir.path()).args(["a.rs", "--no-cache", "--format", "short"]));
    assert_eq!(code, 1);
    assert_eq!(out, "a.rs:3:13: parse-error unclosed delimiter `(`\n");
}

#[test]
fn no_progress_bar_when_stderr_is_a_pipe() {
    // Over the 2,000 files that show a bar on a terminal from the start.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..2_100 {
        std::fs::write(dir.path().join(format!("f{i}.rs")), "fn f() {}\n").unwrap();
    }
    let (code, _, err) =
        common::output(scope_lint(dir.path()).args([".", "--no-cache", "--color", "never"]));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("checking") && !err.contains('\r'), "{err}");
}
