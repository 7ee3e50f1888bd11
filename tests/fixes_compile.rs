//! Fixes that compile. `fixtures/compile/` is a cargo workspace of small
//! crates with real dependencies (axum, http, url, form_urlencoded,
//! actix-web, log); every kind of fix scope-lint makes has a finding there.
//! `fixed_fixture_crates_compile` copies the workspace, applies
//! `scope-lint --fix --unsafe-fixes` and runs `cargo check --workspace`:
//! the fixed code must compile. It needs the crates (`cargo fetch` once, or
//! the registry cache) and a few minutes of `cargo check` the first time,
//! so it is `#[ignore]`d in `cargo test` and run by `.ci/run`.

mod common;

use assert_cmd::Command;
use std::path::Path;

fn workspace() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/compile"))
}

fn scope_lint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("scope-lint").unwrap();
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .args([".", "--select", "ALL", "--no-cache"]);
    cmd
}

/// The workspace without the `.fixed` files (the fixture harness's).
fn copy_sources(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_sources(&path, &dest);
        } else if path.extension().is_none_or(|e| e != "fixed") {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

fn edits(json: &str) -> Vec<(String, String, String)> {
    common::json_items(json)
        .iter()
        .filter(|i| !i["fix"].is_null())
        .map(|i| {
            let file = i["file"].as_str().unwrap().to_string();
            let code = i["code"].as_str().unwrap().to_string();
            let text = i["fix"]["edits"][0]["replacement"]
                .as_str()
                .unwrap()
                .to_string();
            (file, code, text)
        })
        .collect()
}

/// Edits name only crates the crate depends on, spelt as it names them;
/// with no fitting dependency there is no edit and the help says what to
/// add. (Runs in `cargo test`: no compiler needed.)
#[test]
fn fixes_name_only_crates_the_crate_depends_on() {
    let (_, out, _) = common::output(scope_lint(workspace()).args(["--format", "json"]));
    let edits = edits(&out);
    let of = |krate: &str| -> Vec<&str> {
        edits
            .iter()
            .filter(|(f, _, _)| f.starts_with(&format!("./{krate}/")))
            .map(|(_, _, t)| t.as_str())
            .collect()
    };
    for t in of("form_urlencoded_dep") {
        assert!(t.starts_with("form_urlencoded::parse("), "{t}");
    }
    assert!(of("actix")
        .iter()
        .any(|t| t.starts_with("url2::form_urlencoded::parse(")));
    assert!(of("url_dep")
        .iter()
        .any(|t| t.starts_with("url::form_urlencoded::parse(")));
    assert!(
        of("no_decoder")
            .iter()
            .all(|t| !t.contains("form_urlencoded")),
        "{:?}",
        of("no_decoder")
    );
    let no_decoder_help: Vec<String> = common::json_items(&out)
        .iter()
        .filter(|i| {
            i["file"].as_str().unwrap().starts_with("./no_decoder/") && i["code"] == "SL002"
        })
        .map(|i| i["help"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(no_decoder_help.len(), 1);
    assert!(
        no_decoder_help[0].contains("needs the `url` or `form_urlencoded` crate")
            && no_decoder_help[0].contains("add it to `[dependencies]`"),
        "{}",
        no_decoder_help[0]
    );
    // A loop over the pieces keeps its help but gets no edit: its items
    // would change type.
    let loop_line = common::json_items(&out)
        .into_iter()
        .find(|i| i["file"] == "./url_dep/src/lib.rs" && i["code"] == "SL002" && i["line"] == 35)
        .expect("the loop's finding");
    assert!(loop_line["fix"].is_null(), "{loop_line}");
    assert!(loop_line["help"]
        .as_str()
        .unwrap()
        .contains("no automatic edit"));
}

#[test]
#[ignore = "runs cargo check on fixture crates (needs their dependencies); .ci/run runs it"]
fn fixed_fixture_crates_compile() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("compile");
    copy_sources(workspace(), &copy);
    let (_, before, _) = common::output(scope_lint(&copy).args(["--format", "json"]));
    let offered = edits(&before);
    assert!(offered.len() >= 15, "only {} fixes offered", offered.len());
    let (_, out, err) = common::output(scope_lint(&copy).args(["--fix", "--unsafe-fixes"]));
    assert!(
        out.contains(&format!("Fixed {} problems", offered.len())),
        "{out}{err}"
    );
    let (_, after, _) = common::output(scope_lint(&copy).args(["--format", "json"]));
    assert!(edits(&after).is_empty(), "fixes left: {after}");

    // One target directory across runs keeps the dependencies built.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixes-compile");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let fetch = std::process::Command::new(&cargo)
        .args(["fetch", "--locked"])
        .current_dir(&copy)
        .output()
        .unwrap();
    assert!(
        fetch.status.success(),
        "cargo fetch: {}",
        String::from_utf8_lossy(&fetch.stderr)
    );
    let check = std::process::Command::new(&cargo)
        .args(["check", "--workspace", "--offline", "--locked", "--quiet"])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&copy)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "the fixed crates do not compile:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
