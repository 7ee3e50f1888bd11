//! The command line as a user meets it: exit codes, output formats, rule
//! selection, walking, and bad input.

mod common;

use assert_cmd::Command;
use std::path::Path;

fn scope_lint() -> Command {
    let mut cmd = Command::cargo_bin("scope-lint").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.env_remove("NO_COLOR");
    cmd
}

const CLEAN: &str =
    "use axum::http::Uri;\nasync fn h(uri: Uri) -> String {\n    uri.path().to_string()\n}\n";
const DIRTY: &str = "use axum::http::Uri;\nasync fn h(uri: Uri) -> usize {\n    uri.query().unwrap_or(\"\").split('&').count()\n}\n";

#[test]
fn exit_0_when_nothing_is_found() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clean.rs"), CLEAN).unwrap();
    let (code, out, _) = common::output(scope_lint().arg(dir.path()));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("No problems found; checked 1 file in "),
        "{out}"
    );
}

#[test]
fn exit_1_with_findings_and_a_summary_line() {
    let (code, out, _) = common::output(scope_lint().args(["fixtures/demo", "--color", "never"]));
    assert_eq!(code, 1);
    let summary = out.lines().last().unwrap();
    assert!(
        summary
            .starts_with("Found 9 problems in 1 file (2 errors, 7 warnings); checked 1 file in "),
        "{summary}"
    );
    assert!(out.contains("SL001(nonexistent-member)"), "{out}");
    assert!(!out.contains('\u{1b}'), "colour with --color never");
}

#[test]
fn check_subcommand_is_the_default_command() {
    let (a, out_a, _) =
        common::output(scope_lint().args(["check", "fixtures/demo", "--format", "json"]));
    let (b, out_b, _) = common::output(scope_lint().args(["fixtures/demo", "--format", "json"]));
    assert_eq!((a, b), (1, 1));
    assert_eq!(out_a, out_b);
}

#[test]
fn exit_2_for_a_missing_path() {
    let (code, out, err) = common::output(scope_lint().arg("no/such/dir"));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("no/such/dir: no such file or directory"),
        "{err}"
    );
}

#[test]
fn exit_2_for_bad_arguments() {
    let (code, _, err) = common::output(scope_lint().args(["--format", "xml", "."]));
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = common::output(scope_lint().args(["--select", "SL999", "."]));
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule `SL999`"), "{err}");
}

#[test]
fn json_items_have_the_documented_fields_in_order() {
    let (code, out, _) = common::output(scope_lint().args(["fixtures/demo", "--format", "json"]));
    assert_eq!(code, 1);
    let items = common::json_items(&out);
    assert_eq!(items.len(), 9);
    let first = &items[0];
    assert_eq!(first["code"], "SL001");
    assert_eq!(first["name"], "nonexistent-member");
    assert_eq!(first["level"], "error");
    assert_eq!(first["file"], "fixtures/demo/src/main.rs");
    assert_eq!(first["line"], 17);
    assert_eq!(first["column"], 22);
    assert_eq!(first["end_line"], 17);
    assert_eq!(first["end_column"], 36);
    assert_eq!(first["fix"]["applicability"], "unsafe");
    let edit = &first["fix"]["edits"][0];
    let text = std::fs::read_to_string("fixtures/demo/src/main.rs").unwrap();
    let (start, end) = (
        edit["start"].as_u64().unwrap() as usize,
        edit["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[start..end], "uri.query_params()");
    // Field order is part of the format.
    let keys = [
        "\"code\"",
        "\"name\"",
        "\"level\"",
        "\"message\"",
        "\"file\"",
        "\"line\"",
        "\"column\"",
        "\"end_line\"",
        "\"end_column\"",
        "\"help\"",
        "\"fix\"",
    ];
    let obj_end = out.find("\n  }").unwrap();
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| out[..obj_end].find(k).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert!(items.iter().any(|i| i["fix"].is_null()));
}

#[test]
fn rules_lists_every_rule() {
    let (code, out, _) = common::output(scope_lint().arg("rules"));
    assert_eq!(code, 0);
    for rule in scope_lint::rules::ALL {
        let m = rule.meta();
        let line = out.lines().find(|l| l.starts_with(m.code)).unwrap();
        assert!(
            line.contains(m.name) && line.contains(m.level.as_str()),
            "{line}"
        );
        assert!(line.contains(m.summary), "{line}");
    }
}

#[test]
fn explain_prints_the_rule_documentation() {
    for key in ["SL002", "sl002", "manual-query-parsing"] {
        let (code, out, _) = common::output(scope_lint().args(["explain", key]));
        assert_eq!(code, 0);
        assert!(out.starts_with("# SL002 (manual-query-parsing)"), "{out}");
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
            "## Fix safety",
        ] {
            assert!(out.contains(section), "{key}: {section}");
        }
    }
}

#[test]
fn every_rule_documents_all_sections() {
    for rule in scope_lint::rules::ALL {
        let docs = rule.meta().docs();
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
            "## Fix safety",
        ] {
            assert!(
                docs.contains(section),
                "{} lacks {section}",
                rule.meta().code
            );
        }
    }
}

#[test]
fn explain_an_unknown_rule_suggests_close_matches() {
    let (code, _, err) = common::output(scope_lint().args(["explain", "manual-query-parsin"]));
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `manual-query-parsing`"), "{err}");
}

#[test]
fn select_and_ignore_take_codes_and_names() {
    let count = |args: &[&str]| {
        let (_, out, _) =
            common::output(
                scope_lint()
                    .args(args)
                    .args(["fixtures/demo", "--format", "json"]),
            );
        let mut codes = common::json_fields(&out, &["code"], "");
        codes.sort();
        codes
    };
    assert_eq!(
        count(&["--select", "SL002,nonexistent-member"]),
        ["SL001", "SL002"]
    );
    assert_eq!(
        count(&["--ignore", "SL001,SL002,SL003,secret-in-log,SL008"]),
        ["SL004", "SL005"]
    );
}

#[test]
fn parse_errors_are_findings_with_a_location_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a_broken.rs"),
        "use axum::http::Uri;\nfn main() {\n    let x = ;\n}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("b_dirty.rs"), DIRTY).unwrap();
    std::fs::write(
        dir.path().join("c_latin1.rs"),
        b"// caf\xe9\nfn main() {}\n",
    )
    .unwrap();
    let (code, out, _) = common::output(scope_lint().arg(dir.path()).args(["--format", "json"]));
    assert_eq!(code, 1);
    let items = common::json_items(&out);
    let codes: Vec<&str> = items.iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["parse-error", "SL002", "parse-error"]);
    assert_eq!(items[0]["line"], 3);
    assert!(items[0]["file"].as_str().unwrap().ends_with("a_broken.rs"));
    assert!(items[2]["message"].as_str().unwrap().contains("UTF-8"));
    // A file no rule could match is skipped by the prefilter, unparsed.
    std::fs::write(dir.path().join("d_plain.rs"), "fn main() { let x = ; }\n").unwrap();
    let (_, out, _) = common::output(scope_lint().arg(dir.path()).args(["--format", "json"]));
    assert!(!out.contains("d_plain.rs"), "{out}");
}

#[test]
fn walking_respects_gitignore_hidden_and_target_but_named_files_are_linted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for sub in ["src/target", "target/debug", ".hidden", "generated"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    std::fs::write(root.join(".gitignore"), "generated/\n").unwrap();
    // Cargo tags its build directory; a source module named `target` is not one.
    std::fs::write(
        root.join("target/CACHEDIR.TAG"),
        "Signature: 8a477f597d28d172789f06886806bc55\n",
    )
    .unwrap();
    for f in [
        "src/a.rs",
        "src/target/t.rs",
        "target/debug/b.rs",
        ".hidden/c.rs",
        "generated/d.rs",
    ] {
        std::fs::write(root.join(f), DIRTY).unwrap();
    }
    let files = |args: &[&Path]| {
        let (_, out, _) = common::output(scope_lint().args(args).args(["--format", "json"]));
        common::json_fields(&out, &["file"], "")
            .iter()
            .map(|f| {
                Path::new(f)
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(files(&[root]), ["src/a.rs", "src/target/t.rs"]);
    let named = root.join("generated/d.rs");
    assert_eq!(
        files(&[root, &named]),
        ["generated/d.rs", "src/a.rs", "src/target/t.rs"]
    );
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let run = |threads: &str| {
        common::output(scope_lint().args(["fixtures", "--format", "json", "--threads", threads])).1
    };
    let one = run("1");
    assert!(one.len() > 1000);
    assert_eq!(one, run("2"));
    assert_eq!(one, run("4"));
}

#[test]
fn no_color_is_honoured_and_color_always_forces_it() {
    let (_, out, _) = common::output(scope_lint().args(["fixtures/demo", "--color", "always"]));
    assert!(out.contains('\u{1b}'));
    let (_, out, _) = common::output(scope_lint().args(["fixtures/demo"]).env("NO_COLOR", "1"));
    assert!(!out.contains('\u{1b}'));
}

#[test]
fn quiet_drops_the_summary() {
    let (_, out, _) =
        common::output(scope_lint().args(["fixtures/demo", "--quiet", "--color", "never"]));
    assert!(!out.contains("Found 9 problems"));
    assert!(out.contains("SL002(manual-query-parsing)"));
}

/// A crate linted as a whole: a handler in `routes/billing.rs` misuses a
/// field of a state struct declared in `state.rs`; named on the command
/// line alone (as pre-commit does), the file still sees its crate; and an
/// editor's unsaved buffer (stdin) sees the crate's other files too.
#[test]
fn a_file_sees_the_items_of_its_crate_from_the_tree_a_named_file_and_stdin() {
    let krate =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/crates/state_across_files");
    let billing = krate.join("src/routes/billing.rs");
    for target in [krate.clone(), billing.clone()] {
        let out = scope_lint()
            .arg(&target)
            .args(["--format", "short", "--no-cache", "--select", "SL001"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(
            text.contains("billing.rs:9:")
                && text.contains("`url::Url` has no method `query_params`"),
            "{text}"
        );
    }
    let buffer = "use crate::state::AppState;\nuse axum::extract::State;\npub async fn h(State(st): State<AppState>) {\n    let p = st.billing_base.query_params();\n}\n";
    let out = scope_lint()
        .args(["--stdin-filename"])
        .arg(krate.join("src/routes/new_handler.rs"))
        .args(["--format", "short", "--select", "SL001"])
        .write_stdin(buffer)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("new_handler.rs:4:"), "{text}");
}

/// A file outside every package (a snippet, a script; stdin without a
/// name) is analysed alone and still knows its own items: the issue's
/// first example, a field of a local state struct, is SL001; an integer
/// field and an enum of the same file put into a query are not SL017.
#[test]
fn a_loose_file_knows_its_own_structs_and_enums() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snippet.rs");
    let text = "use axum::extract::State;\nuse url::Url;\npub struct AppState { pub billing_base: Url, pub page: Page }\npub struct Page { pub number: u32 }\n#[derive(Debug)]\npub enum Sort { Asc, Desc }\nasync fn h(State(st): State<AppState>) {\n    let p = st.billing_base.query_params();\n}\nfn q(page: Page, sort: Sort) -> String {\n    format!(\"https://api.example.com/items?page={}&sort={sort:?}\", page.number)\n}\n";
    std::fs::write(&file, text).unwrap();
    let args = [
        "--format",
        "short",
        "--no-cache",
        "--isolated",
        "--select",
        "SL001,SL017",
    ];
    let from_file = scope_lint().arg(&file).args(args).output().unwrap();
    let from_stdin = scope_lint()
        .current_dir(dir.path())
        .args(["--stdin-filename", "buffer.rs"])
        .args(args)
        .write_stdin(text)
        .output()
        .unwrap();
    for out in [from_file, from_stdin] {
        let text = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = text.lines().filter(|l| l.contains(": SL")).collect();
        assert_eq!(lines.len(), 1, "{text}");
        assert!(
            lines[0].contains(":8:")
                && lines[0].contains("`url::Url` has no method `query_params`"),
            "{text}"
        );
    }
}

/// Short-format findings for one file, configuration files ignored.
fn short_isolated(file: &Path, args: &[&str]) -> String {
    let out = scope_lint()
        .arg(file)
        .args(["--format", "short", "--isolated"])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Rule groups: pedantic rules (access-log defaults, lossy query maps) are
/// off by default and selected by group name on the command line or in the
/// configuration; `rules` and `explain` say which group a rule is in and
/// why it is or is not on by default.
#[test]
fn pedantic_rules_are_opt_in_and_groups_select_rules() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.rs");
    std::fs::write(
        &file,
        "use axum::extract::Query;\nuse std::collections::HashMap;\nuse tower_http::trace::TraceLayer;\n#[derive(serde::Deserialize)]\nstruct AuthQuery { token: String }\nasync fn h(uri: axum::http::Uri, Query(q): Query<HashMap<String, String>>) {\n    tracing::info!(\"{}\", uri);\n}\nfn app() {\n    let _ = TraceLayer::new_for_http();\n}\n",
    )
    .unwrap();
    let codes = |args: &[&str]| {
        let text = short_isolated(&file, args);
        let mut codes: Vec<String> = text
            .lines()
            .filter_map(|l| l.split(": ").nth(1))
            .map(|c| c.split(' ').next().unwrap().to_string())
            .collect();
        codes.sort();
        codes
    };
    assert_eq!(codes(&[]), ["SL006"]);
    assert_eq!(codes(&["--select", "pedantic"]), ["SL009", "SL014"]);
    assert_eq!(
        codes(&["--select", "security,pedantic"]),
        ["SL006", "SL009", "SL014"]
    );
    assert_eq!(
        codes(&["--select", "ALL", "--ignore", "security"]),
        ["SL009", "SL014"]
    );

    std::fs::write(
        dir.path().join("scope-lint.toml"),
        "extend-select = [\"SL014\"]\n",
    )
    .unwrap();
    let out = scope_lint()
        .arg(&file)
        .args(["--format", "short"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("SL014") && !text.contains("SL009"), "{text}");

    let rules = scope_lint().arg("rules").output().unwrap();
    let rules = String::from_utf8_lossy(&rules.stdout);
    let line = rules.lines().find(|l| l.starts_with("SL014")).unwrap();
    assert!(line.contains("pedantic") && line.contains("off"), "{line}");
    let line = rules.lines().find(|l| l.starts_with("SL001")).unwrap();
    assert!(
        line.contains("correctness") && line.contains("on"),
        "{line}"
    );
    let explain = scope_lint().args(["explain", "SL009"]).output().unwrap();
    let explain = String::from_utf8_lossy(&explain.stdout);
    assert!(
        explain.contains("Group: pedantic, off by default"),
        "{explain}"
    );
}

/// A suppression of a rule the run does not check (an opt-in rule) is not
/// "unused": turning a rule off by default must not make users' existing
/// `allow` comments noisy. When the rule runs, the comment silences it.
#[test]
fn suppressions_of_rules_not_running_are_not_reported_unused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.rs");
    std::fs::write(
        &file,
        "use axum::extract::Query;\nuse std::collections::HashMap;\n// scope-lint: allow(SL009) -- keys are never repeated here\nasync fn h(Query(q): Query<HashMap<String, String>>) {}\n// scope-lint: allow(SL002)\nfn f() {}\n",
    )
    .unwrap();
    let run = |args: &[&str]| short_isolated(&file, args);
    let default = run(&[]);
    assert!(!default.contains("`SL009`"), "{default}");
    assert!(
        default.contains("suppression of `SL002` silences nothing"),
        "{default}"
    );
    let all = run(&["--select", "ALL"]);
    assert!(!all.contains("SL009"), "silenced: {all}");
}

/// Packages `name` under `d`, each depending on axum `req` (and with a
/// `Cargo.lock` holding axum `locked`), whose `src/lib.rs` is `code`.
fn axum_packages(d: &Path, code: &str, packages: &[(&str, &str, Option<&str>)]) {
    for &(name, req, locked) in packages {
        std::fs::create_dir_all(d.join(name).join("src")).unwrap();
        std::fs::write(
            d.join(name).join("Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n[dependencies]\naxum = \"{req}\"\n"),
        )
        .unwrap();
        std::fs::write(d.join(name).join("src/lib.rs"), code).unwrap();
        if let Some(v) = locked {
            std::fs::write(
                d.join(name).join("Cargo.lock"),
                format!("version = 3\n[[package]]\nname = \"axum\"\nversion = \"{v}\"\nsource = \"registry+x\"\n[[package]]\nname = \"{name}\"\nversion = \"0.1.0\"\ndependencies = [\"axum\"]\n"),
            )
            .unwrap();
        }
    }
}

/// `scope-lint models PATH` shows the crate versions a path is built
/// against and where they came from, and the routers that follow; a run
/// over a workspace applies each crate's own versions.
#[test]
fn models_shows_versions_from_the_lock_and_check_follows_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let code = "use axum::{routing::get, Router};\nasync fn h() {}\npub fn app() -> Router {\n    Router::new().route(\"/users/:id\", get(h))\n}\n";
    axum_packages(
        d,
        code,
        &[("old", "0.7", Some("0.7.9")), ("new", "0.8", None)],
    );
    let models = |p: &Path| {
        let out = scope_lint().arg("models").arg(p).output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let old = models(&d.join("old/src/lib.rs"));
    assert!(old.contains("axum 0.7.9 (Cargo.lock)"), "{old}");
    assert!(old.contains("axum-routing.toml"), "{old}");
    assert!(old.contains("take `/:id` and `/*rest` captures"), "{old}");
    let new = models(&d.join("new"));
    assert!(new.contains("axum 0.8.0 (Cargo.toml requirement)"), "{new}");
    assert!(
        new.contains("take `/{id}` and `/{*rest}` captures"),
        "{new}"
    );
    let nothing = models(Path::new("/"));
    assert!(
        nothing.contains("axum: no version found, newest models"),
        "{nothing}"
    );

    let out = short_isolated(d, &["--no-cache"]);
    assert!(out.contains("new/src/lib.rs:4:25: SL012"), "{out}");
    assert!(!out.contains("old/src/lib.rs"), "{out}");
}

/// SL012's rewrite is a safe fix where the old syntax panics (axum 0.8:
/// `--fix` applies it) and an unsafe one where it changes what matches
/// (axum 0.7: only `--unsafe-fixes` applies it).
#[test]
fn route_syntax_fixes_are_safe_only_where_the_old_syntax_panics() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let code = "use axum::{routing::get, Router};\nasync fn h() {}\npub fn app() -> Router {\n    Router::new().route(\"/a/:id\", get(h)).route(\"/b/{id}\", get(h))\n}\n";
    axum_packages(d, code, &[("old", "0.7", None), ("new", "0.8", None)]);
    let fix = |args: &[&str]| {
        scope_lint()
            .arg(d)
            .args(["--isolated", "--no-cache", "--fix"])
            .args(args)
            .output()
            .unwrap();
    };
    fix(&[]);
    let new = std::fs::read_to_string(d.join("new/src/lib.rs")).unwrap();
    assert!(
        new.contains("\"/a/{id}\"") && new.contains("\"/b/{id}\""),
        "{new}"
    );
    let old = std::fs::read_to_string(d.join("old/src/lib.rs")).unwrap();
    assert_eq!(
        old, code,
        "an unsafe fix was applied without --unsafe-fixes"
    );
    fix(&["--unsafe-fixes"]);
    let old = std::fs::read_to_string(d.join("old/src/lib.rs")).unwrap();
    assert!(
        old.contains("\"/a/:id\"") && old.contains("\"/b/:id\""),
        "{old}"
    );
}

/// Bodies that cannot matter are left unparsed (src/body_mask.rs), and only
/// those: in the masked_bodies fixture crate, `plain` names nothing a rule
/// follows and `local_only` a crate-local `Uri` (imported, so a bare `Uri`
/// there is not http's) and its own name where it is declared; the four
/// others each hold a finding.
#[test]
fn bodies_that_name_nothing_followed_are_not_parsed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/crates/masked_bodies");
    let out = scope_lint()
        .current_dir(&root)
        .args(["src", "--no-cache", "--timings", "-q"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("function bodies: 6 (2 not parsed"), "{err}");
    let out = scope_lint()
        .current_dir(&root)
        .args(["src", "--no-cache", "--timings", "-q", "--no-prefilter"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("(0 not parsed"), "{err}");
}

/// A crate's findings, copied under `parent`, as `code line` pairs.
fn findings_of_crate_under(parent: &Path, name: &str) -> Vec<String> {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/crates")
        .join(name);
    let to = parent.join(name);
    copy_tree(&from, &to);
    let (_, out, err) = common::output(scope_lint().args([
        to.to_str().unwrap(),
        "--no-cache",
        "--select",
        "ALL",
        "--format",
        "json",
    ]));
    assert!(err.is_empty(), "{err}");
    let mut found: Vec<String> = common::json_items(&out)
        .iter()
        .map(|i| {
            let file = Path::new(i["file"].as_str().unwrap());
            let below = file.strip_prefix(&to).unwrap().display();
            format!("{} {below}:{}", i["code"].as_str().unwrap(), i["line"])
        })
        .collect();
    found.sort();
    found
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn a_project_under_a_folder_named_tests_is_not_test_code() {
    // Test code is judged by the path below the package: a checkout in
    // `/builds/tests/` or `~/src/test/` keeps every rule.
    let dir = tempfile::tempdir().unwrap();
    let plain = findings_of_crate_under(&dir.path().join("plain"), "state_across_files");
    assert!(plain.iter().any(|f| f.starts_with("SL017 ")), "{plain:?}");
    assert!(plain.iter().any(|f| f.starts_with("SL008 ")), "{plain:?}");
    for parent in ["tests", "benches", "src/test", "src/mocks"] {
        let under = findings_of_crate_under(&dir.path().join(parent), "state_across_files");
        assert_eq!(under, plain, "under {parent}/");
    }
    // A crate under another package's `tests/` is that package's test
    // code: only the rules that run in tests (SL001, SL002 ...) report.
    let outer = dir.path().join("outer");
    std::fs::create_dir_all(outer.join("src")).unwrap();
    std::fs::write(
        outer.join("Cargo.toml"),
        "[package]\nname = \"outer\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::write(outer.join("src/lib.rs"), "").unwrap();
    let fixture = findings_of_crate_under(&outer.join("tests/fixtures"), "state_across_files");
    let in_tests: Vec<&String> = plain
        .iter()
        .filter(|f| ["SL001 ", "SL002 "].iter().any(|c| f.starts_with(c)))
        .collect();
    assert!(
        !in_tests.is_empty() && in_tests.len() < plain.len(),
        "{plain:?}"
    );
    assert_eq!(fixture.iter().collect::<Vec<_>>(), in_tests);
}

#[test]
fn a_test_file_is_not_parsed_for_rules_that_skip_tests() {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    let builds_a_query = "pub fn link(k: &str) -> String {\n    format!(\"/a?key={k}\")\n}\n";
    write("src/lib.rs", builds_a_query);
    write("tests/links.rs", builds_a_query);
    let (code, out, err) = common::output(scope_lint().args([
        dir.path().to_str().unwrap(),
        "--no-cache",
        "--timings",
        "--format",
        "json",
    ]));
    assert_eq!(code, 1, "{out}{err}");
    // SL007 skips tests: the library's query is found, the test's file is
    // not even parsed.
    let found = common::json_fields(&out, &["code", "file"], " ");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("SL007 ") && found[0].ends_with("lib.rs"),
        "{found:?}"
    );
    assert!(err.contains("skipped by prefilter: 1\n"), "{err}");
}
