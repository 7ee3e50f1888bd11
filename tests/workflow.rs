//! The workflow around findings: fixes, configuration, suppressions in a
//! real run, stdin, changed-since, baselines and the cargo subcommand.

mod common;

use assert_cmd::Command;
use std::fs;
use std::path::Path;

fn scope_lint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("scope-lint").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn codes(json: &str) -> Vec<String> {
    common::json_fields(json, &["code", "level"], ":")
}

/// A package whose library is `h.rs`, depending on `axum` and `url`: fixes
/// that name `url` are edits there (outside any package they are help).
fn package_around_handler(dir: &Path) {
    fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"h\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[lib]\npath = \"h.rs\"\n[dependencies]\naxum = \"0.8\"\nurl = \"2\"\n",
    )
    .unwrap();
}

/// A handler with one unsafe-fixable SL002 and one safe-fixable SL100.
const HANDLER: &str = "use axum::http::Uri;\n\nasync fn h(uri: Uri) -> usize {\n    let q = uri.query().unwrap_or(\"\"); // scope-lint: allow(SL005)\n    q.split('&').count()\n}\n";

#[test]
fn fix_applies_safe_fixes_and_unsafe_ones_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    package_around_handler(dir.path());
    let file = dir.path().join("h.rs");
    fs::write(&file, HANDLER).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    }
    let (code, out, _) = common::output(scope_lint(dir.path()).args(["h.rs", "--fix"]));
    assert_eq!(code, 1, "SL002 remains: {out}");
    assert!(out.contains("Fixed 1 problem:\n  h.rs:"), "{out}");
    let after = fs::read_to_string(&file).unwrap();
    assert!(!after.contains("scope-lint: allow"), "{after}");
    assert!(
        after.contains("q.split('&')"),
        "unsafe fix applied without the flag"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
    let (code, _, _) =
        common::output(scope_lint(dir.path()).args(["h.rs", "--fix", "--unsafe-fixes"]));
    assert_eq!(code, 0);
    let fixed = fs::read_to_string(&file).unwrap();
    assert!(
        fixed.contains("url::form_urlencoded::parse(q.as_bytes()).count()"),
        "{fixed}"
    );
    // Idempotent: nothing left to change.
    let (code, _, _) =
        common::output(scope_lint(dir.path()).args(["h.rs", "--fix", "--unsafe-fixes"]));
    assert_eq!(code, 0);
    assert_eq!(fs::read_to_string(&file).unwrap(), fixed);
    // No temporary files are left behind (h.rs and Cargo.toml).
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn outside_any_package_a_fix_naming_a_crate_is_help_not_an_edit() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("h.rs");
    fs::write(&file, HANDLER).unwrap();
    let (code, out, _) = common::output(scope_lint(dir.path()).args([
        "h.rs",
        "--fix",
        "--unsafe-fixes",
        "--format",
        "json",
    ]));
    assert_eq!(code, 1);
    assert!(fs::read_to_string(&file).unwrap().contains("q.split('&')"));
    let sl002 = common::json_items(&out)
        .into_iter()
        .find(|i| i["code"] == "SL002")
        .unwrap();
    assert!(sl002["fix"].is_null(), "{sl002}");
    assert!(
        sl002["help"]
            .as_str()
            .unwrap()
            .contains("this file is in no Cargo package"),
        "{sl002}"
    );
}

#[test]
fn diff_prints_the_change_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("h.rs"), HANDLER).unwrap();
    let (code, out, _) = common::output(scope_lint(dir.path()).args(["h.rs", "--diff"]));
    assert_eq!(code, 1);
    assert!(
        out.contains("--- a/h.rs") && out.contains("+++ b/h.rs"),
        "{out}"
    );
    assert!(
        out.contains("-    let q = uri.query().unwrap_or(\"\"); // scope-lint: allow(SL005)"),
        "{out}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("h.rs")).unwrap(),
        HANDLER
    );
    fs::write(dir.path().join("h.rs"), "fn main() {}\n").unwrap();
    let (code, out, _) = common::output(scope_lint(dir.path()).args(["h.rs", "--diff"]));
    assert_eq!((code, out.as_str()), (0, ""));
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_not_rewritten() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("h.rs");
    fs::write(&file, HANDLER).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).unwrap();
    let (code, _, err) = common::output(scope_lint(dir.path()).args(["h.rs", "--fix"]));
    assert_eq!(code, 2);
    assert!(err.contains("read-only"), "{err}");
    assert_eq!(fs::read_to_string(&file).unwrap(), HANDLER);
}

#[test]
fn a_fix_that_breaks_parsing_is_refused_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("models")).unwrap();
    // A user model whose curated replacement is not valid Rust.
    fs::write(
        root.join("models/broken.toml"),
        "[[type]]\npath = \"http::Uri\"\n\n[[type.wrong]]\nmember = \"token\"\nreplacement = \"{recv}.(\"\nwhy = \"test\"\n",
    )
    .unwrap();
    fs::write(root.join("scope-lint.toml"), "models = [\"models\"]\n").unwrap();
    let text = "async fn h(uri: axum::http::Uri) {\n    let _ = uri.token();\n}\n";
    fs::write(root.join("h.rs"), text).unwrap();
    let (code, out, err) =
        common::output(scope_lint(root).args(["h.rs", "--fix", "--unsafe-fixes"]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("SL001") && err.contains("unparsable"), "{err}");
    assert_eq!(fs::read_to_string(root.join("h.rs")).unwrap(), text);
}

#[test]
fn nearest_configuration_wins_and_flags_override() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("sub/deeper")).unwrap();
    fs::create_dir_all(root.join("crate_a/src")).unwrap();
    fs::write(root.join("scope-lint.toml"), "ignore = [\"SL002\"]\n").unwrap();
    fs::write(
        root.join("sub/.scope-lint.toml"),
        "[level]\nmanual-query-parsing = \"error\"\n",
    )
    .unwrap();
    fs::write(
        root.join("crate_a/Cargo.toml"),
        "[package]\nname = \"a\"\n\n[package.metadata.scope-lint]\nlevel = { SL002 = \"note\" }\n",
    )
    .unwrap();
    for f in ["top.rs", "sub/deeper/s.rs", "crate_a/src/a.rs"] {
        fs::write(
            root.join(f),
            HANDLER.replace(" // scope-lint: allow(SL005)", ""),
        )
        .unwrap();
    }
    let json = |args: &[&str]| {
        let (_, out, err) = common::output(scope_lint(root).args(args).args(["--format", "json"]));
        assert!(err.is_empty(), "{err}");
        common::json_fields(&out, &["file", "level"], " ")
    };
    assert_eq!(
        json(&["."]),
        ["./crate_a/src/a.rs note", "./sub/deeper/s.rs error"],
        "top.rs ignores SL002; sub/ raises it; the crate's Cargo.toml lowers it"
    );
    assert_eq!(json(&[".", "--isolated"]).len(), 3);
    fs::write(root.join("other.toml"), "select = [\"SL001\"]\n").unwrap();
    assert!(json(&[".", "--config", "other.toml"]).is_empty());
}

#[test]
fn a_manifest_given_a_configuration_table_between_runs_is_read_again() {
    // Warm runs remember much of each manifest (crate versions, the walk):
    // a manifest that gains a table between runs must still be read again.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("src")).unwrap();
    let manifest = "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\naxum = \"0.8\"\n";
    fs::write(root.join("Cargo.toml"), manifest).unwrap();
    fs::write(
        root.join("src/lib.rs"),
        HANDLER.replace(" // scope-lint: allow(SL005)", ""),
    )
    .unwrap();
    let levels = || {
        let (_, out, err) = common::output(scope_lint(root).args([".", "--format", "json"]));
        assert!(err.is_empty(), "{err}");
        common::json_fields(&out, &["code", "level"], " ")
    };
    std::thread::sleep(std::time::Duration::from_millis(20));
    let first = levels();
    assert_eq!(first, ["SL002 warning"]);
    assert_eq!(levels(), first, "warm");
    fs::write(
        root.join("Cargo.toml"),
        format!("{manifest}\n[package.metadata.scope-lint]\nlevel = {{ SL002 = \"note\" }}\n"),
    )
    .unwrap();
    assert_eq!(levels(), ["SL002 note"]);
    assert_eq!(levels(), ["SL002 note"], "warm again");
}

#[test]
fn per_file_ignores_exclude_and_force_exclude() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("legacy")).unwrap();
    fs::create_dir_all(root.join("gen")).unwrap();
    fs::write(
        root.join("scope-lint.toml"),
        "exclude = [\"gen\"]\n\n[per-file-ignores]\n\"legacy/*.rs\" = [\"manual-query-parsing\"]\n",
    )
    .unwrap();
    let body = HANDLER.replace(" // scope-lint: allow(SL005)", "");
    for f in ["legacy/old.rs", "gen/g.rs", "new.rs"] {
        fs::write(root.join(f), &body).unwrap();
    }
    let (_, out, _) = common::output(scope_lint(root).args([".", "--format", "short"]));
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("./new.rs:5:"), "{out}");
    // Named on the command line, an excluded file is linted...
    let (code, out, _) = common::output(scope_lint(root).args(["gen/g.rs", "--format", "short"]));
    assert_eq!((code, out.lines().count()), (1, 1));
    // ...unless --force-exclude, as pre-commit passes it.
    let (code, out, _) =
        common::output(scope_lint(root).args(["gen/g.rs", "--force-exclude", "--format", "short"]));
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn bad_configuration_names_the_file_and_the_key() {
    let cases = [
        ("selekt = [\"SL001\"]\n", "unknown field `selekt`"),
        (
            "[level]\nSL002 = \"loud\"\n",
            "`level.SL002`: expected `error`, `warning`, `note` or `off`, found `loud`",
        ),
        ("ignore = [\"SL02\"]\n", "`ignore`: unknown rule `SL02`"),
        ("exclude = \"gen\"\n", "invalid type"),
    ];
    for (text, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("scope-lint.toml"), text).unwrap();
        fs::write(dir.path().join("a.rs"), "fn main() {}\n").unwrap();
        let (code, _, err) = common::output(scope_lint(dir.path()).arg("."));
        assert_eq!(code, 2, "{text}");
        assert!(err.contains("scope-lint.toml"), "{err}");
        assert!(err.contains(expected), "{text}: {err}");
    }
}

#[test]
fn levels_can_be_raised_or_switched_off() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("scope-lint.toml"),
        "[level]\nSL002 = \"error\"\nSL100 = \"off\"\n",
    )
    .unwrap();
    fs::write(dir.path().join("h.rs"), HANDLER).unwrap();
    let (_, out, _) = common::output(scope_lint(dir.path()).args(["h.rs", "--format", "json"]));
    assert_eq!(codes(&out), ["SL002:error"]);
}

#[test]
fn statistics_and_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    package_around_handler(dir.path());
    fs::write(dir.path().join("h.rs"), HANDLER).unwrap();
    let (code, out, _) = common::output(scope_lint(dir.path()).args(["h.rs", "--statistics"]));
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].trim_start().starts_with("1  SL002") && lines[0].contains("[fixable]"),
        "{out}"
    );
    assert!(lines[1].trim_start().starts_with("1  SL100"), "{out}");
    let (code, _, _) = common::output(scope_lint(dir.path()).args(["h.rs", "--exit-zero"]));
    assert_eq!(code, 0);
}

#[test]
fn stdin_is_linted_under_its_name_and_fixed_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = common::output(
        scope_lint(dir.path())
            .args(["--stdin-filename", "src/handler.rs", "--format", "short"])
            .write_stdin(HANDLER),
    );
    assert_eq!(code, 1);
    assert!(
        out.lines().all(|l| l.starts_with("src/handler.rs:")),
        "{out}"
    );
    let (code, out, err) = common::output(
        scope_lint(dir.path())
            .args(["--stdin-filename", "src/handler.rs", "--fix"])
            .write_stdin(HANDLER),
    );
    assert_eq!(code, 1);
    assert_eq!(out, HANDLER.replace(" // scope-lint: allow(SL005)", ""));
    assert!(err.contains("src/handler.rs:5:7: SL002"), "{err}");
}

use common::git;

#[test]
fn changed_since_lints_only_changed_and_new_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let body = HANDLER.replace(" // scope-lint: allow(SL005)", "");
    fs::write(root.join("old.rs"), &body).unwrap();
    fs::write(root.join("edited.rs"), &body).unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "base"]);
    fs::write(root.join("edited.rs"), format!("// edited\n{body}")).unwrap();
    fs::write(root.join("new.rs"), &body).unwrap();
    let (code, out, err) = common::output(scope_lint(root).args([
        ".",
        "--changed-since",
        "HEAD",
        "--format",
        "short",
    ]));
    assert_eq!(code, 1, "{err}");
    let files: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(files, ["./edited.rs", "./new.rs"]);
    let (code, _, err) =
        common::output(scope_lint(root).args([".", "--changed-since", "no-such-rev"]));
    assert_eq!(code, 2);
    assert!(err.contains("no-such-rev"), "{err}");
}

#[test]
fn a_baseline_survives_moved_findings_and_reports_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let body = HANDLER.replace(" // scope-lint: allow(SL005)", "");
    fs::write(root.join("h.rs"), &body).unwrap();
    let (code, _, _) =
        common::output(scope_lint(root).args(["h.rs", "--write-baseline", "baseline.json"]));
    assert_eq!(code, 0, "recording a baseline is a success");
    let (code, out, _) =
        common::output(scope_lint(root).args(["h.rs", "--baseline", "baseline.json"]));
    assert_eq!(code, 0, "{out}");
    // An unrelated edit moves the finding down three lines.
    fs::write(root.join("h.rs"), format!("// a\n// b\n\n{body}")).unwrap();
    let (code, out, _) =
        common::output(scope_lint(root).args(["h.rs", "--baseline", "baseline.json"]));
    assert_eq!(code, 0, "{out}");
    // A new finding is reported.
    let more = format!("{body}\nasync fn g(uri: Uri) -> bool {{\n    uri.host().is_some()\n}}\n");
    fs::write(root.join("h.rs"), more).unwrap();
    let (code, out, _) = common::output(scope_lint(root).args([
        "h.rs",
        "--baseline",
        "baseline.json",
        "--format",
        "json",
    ]));
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["SL005:warning"]);
    fs::write(root.join("bad.json"), "{}").unwrap();
    let (code, _, err) = common::output(scope_lint(root).args(["h.rs", "--baseline", "bad.json"]));
    assert_eq!(code, 2);
    assert!(err.contains("not a scope-lint baseline"), "{err}");
}

/// A two-member workspace whose `api` member has one SL005 finding.
fn workspace_with_a_finding(root: &Path) {
    fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"api\", \"core\"]\n",
    )
    .unwrap();
    for member in ["api", "core"] {
        fs::create_dir_all(root.join(member).join("src")).unwrap();
        fs::write(
            root.join(member).join("Cargo.toml"),
            format!("[package]\nname = \"{member}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        )
        .unwrap();
    }
    let body = HANDLER.replace(" // scope-lint: allow(SL005)", "");
    fs::write(root.join("api/src/lib.rs"), body).unwrap();
    fs::write(root.join("core/src/lib.rs"), "pub fn f() {}\n").unwrap();
}

#[test]
fn a_baseline_matches_from_a_member_directory_and_with_absolute_paths() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    workspace_with_a_finding(root);
    let (code, _, err) = common::output(scope_lint(root).args([
        ".",
        "--no-cache",
        "--write-baseline",
        "baseline.json",
    ]));
    assert_eq!(code, 0, "{err}");
    let written = fs::read_to_string(root.join("baseline.json")).unwrap();
    assert!(
        written.contains("\"file\": \"api/src/lib.rs\""),
        "{written}"
    );
    // From the member, with the baseline one level up.
    let (code, out, _) = common::output(scope_lint(&root.join("api")).args([
        ".",
        "--no-cache",
        "--baseline",
        "../baseline.json",
    ]));
    assert_eq!(code, 0, "{out}");
    // From the member's src/, naming the file alone.
    let (code, out, _) = common::output(scope_lint(&root.join("api/src")).args([
        "lib.rs",
        "--no-cache",
        "--baseline",
        "../../baseline.json",
    ]));
    assert_eq!(code, 0, "{out}");
    // From elsewhere, with absolute paths.
    let elsewhere = tempfile::tempdir().unwrap();
    let (code, out, _) = common::output(scope_lint(elsewhere.path()).args([
        root.join("api").to_str().unwrap(),
        "--no-cache",
        "--baseline",
        root.join("baseline.json").to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{out}");
    // Without the baseline the finding is there.
    let (code, _, _) = common::output(scope_lint(&root.join("api")).args([".", "--no-cache"]));
    assert_eq!(code, 1);
}

#[test]
fn cargo_subcommand_runs_the_linter() {
    let mut cmd = Command::cargo_bin("cargo-scope-lint").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    let (code, out, _) =
        common::output(cmd.args(["scope-lint", "fixtures/demo", "--format", "short"]));
    assert_eq!(code, 1);
    assert!(
        out.starts_with("fixtures/demo/src/main.rs:17:22: SL001"),
        "{out}"
    );
    let mut cmd = Command::cargo_bin("cargo-scope-lint").unwrap();
    let (code, out, _) = common::output(cmd.args(["scope-lint", "explain", "SL001"]));
    assert_eq!(code, 0);
    assert!(out.starts_with("# SL001"));
}

#[test]
fn pre_commit_hook_is_declared() {
    let hooks = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .unwrap();
    assert!(hooks.contains("- id: scope-lint"));
    assert!(hooks.contains("entry: scope-lint --force-exclude"));
    assert!(hooks.contains("types: [rust]"));
}

#[test]
fn a_2015_edition_crate_may_use_async_as_an_identifier() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("src")).unwrap();
    // No `edition`: cargo's default, 2015.
    fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"old\"\nversion = \"0.1.0\"\n[dependencies]\nhttp = \"0.2\"\n",
    )
    .unwrap();
    let lib = "extern crate http;\nuse http::Uri;\n\npub fn async(uri: &Uri) -> usize {\n    let try = uri.query().unwrap_or(\"\");\n    try.split('&').count()\n}\n";
    fs::write(root.join("src/lib.rs"), lib).unwrap();
    let (code, out, err) =
        common::output(scope_lint(root).args([".", "--no-cache", "--format", "json"]));
    assert_eq!(code, 1, "{err}");
    let items = common::json_items(&out);
    assert_eq!(codes(&out), ["SL002:warning"], "{out}");
    // Spans point into the original text.
    assert_eq!(
        (items[0]["line"].as_u64(), items[0]["column"].as_u64()),
        (Some(6), Some(9))
    );
    // The same code in a 2018 crate is a parse error, as rustc says.
    fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"old\"\nversion = \"0.1.0\"\nedition = \"2018\"\n",
    )
    .unwrap();
    let (_, out, _) =
        common::output(scope_lint(root).args([".", "--no-cache", "--format", "json"]));
    assert_eq!(codes(&out), ["parse-error:error"], "{out}");
}

/// The README's "adding a framework without Rust" steps, followed as
/// written: its two TOML blocks go into a project, and the new framework's
/// mistakes are found and fixed.
#[test]
fn the_readme_adds_a_framework_with_toml_only() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("## Framework models: adding one without Rust")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("the README section");
    // Each ```toml block whose first line names its file: `# path`.
    let blocks: Vec<(&str, &str)> = section
        .split("```toml\n")
        .skip(1)
        .filter_map(|b| {
            let block = b.split("```").next()?;
            let (first, rest) = block.split_once('\n')?;
            let name = first.strip_prefix("# ")?;
            (!name.contains(' ')).then_some((name, rest))
        })
        .collect();
    let names: Vec<&str> = blocks.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["scope-lint.toml", "scope-models/ntex.toml"]);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("scope-models")).unwrap();
    fs::create_dir_all(root.join("src")).unwrap();
    for (name, text) in &blocks {
        fs::write(root.join(name), text).unwrap();
    }
    fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nntex = \"2\"\nurl = \"2\"\n",
    )
    .unwrap();
    let lib = "use ntex::web::HttpRequest;\n\npub async fn health(req: HttpRequest) -> String {\n    let pairs = req.query_params().count();\n    let host = req.uri().host().unwrap_or(\"-\");\n    format!(\"{pairs} {host}\")\n}\n";
    fs::write(root.join("src/lib.rs"), lib).unwrap();
    let (code, out, err) =
        common::output(scope_lint(root).args([".", "--no-cache", "--format", "short"]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out.lines()
            .map(|l| l.split(' ').take(2).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>(),
        ["./src/lib.rs:4:21: SL001", "./src/lib.rs:5:26: SL005"],
        "{out}"
    );
    // Without the configuration, the framework is unknown.
    let (code, out, _) = common::output(scope_lint(root).args([".", "--no-cache", "--isolated"]));
    assert_eq!(code, 0, "{out}");
    let (_, _, _) =
        common::output(scope_lint(root).args([".", "--no-cache", "--fix", "--unsafe-fixes"]));
    let fixed = fs::read_to_string(root.join("src/lib.rs")).unwrap();
    assert!(
        fixed.contains("let pairs = url::form_urlencoded::parse(req.uri().query().unwrap_or(\"\").as_bytes()).count();"),
        "{fixed}"
    );
    let (_, out, _) = common::output(scope_lint(root).args(["config", "."]));
    assert!(out.contains("models += "), "{out}");
}

/// A package the crate index leaves out (it names only a user model's
/// crate): its manifest still decides fixes, also through the cache.
#[test]
fn adding_a_dependency_refreshes_cached_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("m")).unwrap();
    fs::create_dir_all(root.join("src")).unwrap();
    fs::write(
        root.join("m/poem.toml"),
        "[[type]]\npath = \"poem::Request\"\nroles = [\"request\"]\nmethods.uri = \"&http::Uri\"\n\n[[type.wrong]]\nmember = \"query_params\"\nreplacement = 'url::form_urlencoded::parse({recv}.uri().query().unwrap_or(\"\").as_bytes())'\nwhy = \"no query map\"\n",
    )
    .unwrap();
    fs::write(root.join("scope-lint.toml"), "models = [\"m\"]\n").unwrap();
    let manifest = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\npoem = \"3\"\n";
    fs::write(root.join("Cargo.toml"), manifest).unwrap();
    fs::write(
        root.join("src/lib.rs"),
        "pub fn n(req: &poem::Request) -> usize {\n    req.query_params().count()\n}\n",
    )
    .unwrap();
    let fix_of = |out: &str| {
        common::json_items(out)
            .into_iter()
            .find(|i| i["code"] == "SL001")
            .map(|i| i["fix"].clone())
            .unwrap_or_else(|| panic!("{out}"))
    };
    let (_, out, _) = common::output(scope_lint(root).args([".", "--format", "json"]));
    assert!(fix_of(&out).is_null(), "{out}");
    fs::write(root.join("Cargo.toml"), format!("{manifest}url = \"2\"\n")).unwrap();
    let (_, out, _) = common::output(scope_lint(root).args([".", "--format", "json"]));
    assert!(
        !fix_of(&out).is_null(),
        "a cached result kept the old help: {out}"
    );
}
