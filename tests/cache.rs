//! The result cache as a user meets it: warm runs re-lint nothing, an edit
//! re-lints only that file, a configuration change invalidates everything,
//! a damaged cache is survived, and findings never depend on the cache.

mod common;

use assert_cmd::Command;
use std::fs;
use std::path::Path;

const DIRTY: &str = "use axum::http::Uri;\nasync fn h(uri: Uri) -> usize {\n    uri.query().unwrap_or(\"\").split('&').count()\n}\n";

fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    common::output(
        Command::cargo_bin("scope-lint")
            .unwrap()
            .current_dir(root)
            .args(args),
    )
}

/// `(parsed, cache hits)` from `--timings`.
fn counts(stderr: &str) -> (usize, usize) {
    let get = |key: &str| {
        stderr
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap_or_else(|| panic!("no `{key}` in {stderr}"))
            .trim()
            .parse()
            .unwrap()
    };
    (get("parsed:"), get("cache hits:"))
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"t\"\n").unwrap();
    fs::create_dir(dir.path().join("src")).unwrap();
    for name in ["a", "b", "c"] {
        fs::write(dir.path().join(format!("src/{name}.rs")), DIRTY).unwrap();
    }
    dir
}

#[test]
fn warm_runs_and_edits_relint_only_what_changed() {
    let dir = tree();
    let root = dir.path();
    let (code, cold, err) = run(root, &["src", "--timings", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(counts(&err), (3, 0));
    let cache = root.join(".scope-lint-cache");
    assert!(cache.join("CACHEDIR.TAG").is_file());
    assert_eq!(fs::read_to_string(cache.join(".gitignore")).unwrap(), "*\n");

    let (_, warm, err) = run(root, &["src", "--timings", "--format", "json"]);
    assert_eq!(counts(&err), (0, 3));
    assert_eq!(warm, cold, "cached findings are the same findings");

    // Rewritten with the same content: a new stamp, the same hash.
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(root.join("src/a.rs"), DIRTY).unwrap();
    let (_, _, err) = run(root, &["src", "--timings"]);
    assert_eq!(counts(&err), (0, 3));

    fs::write(root.join("src/b.rs"), format!("// edited\n{DIRTY}")).unwrap();
    let (_, _, err) = run(root, &["src", "--timings"]);
    assert_eq!(counts(&err), (1, 2));

    // A configuration change changes what is reported: nothing is reused.
    fs::write(root.join("scope-lint.toml"), "[level]\nSL002 = \"error\"\n").unwrap();
    let (_, out, err) = run(root, &["src", "--timings", "--format", "json"]);
    assert_eq!(counts(&err), (3, 0));
    assert!(out.contains("\"level\": \"error\""));

    // --no-cache reads nothing.
    let (_, _, err) = run(root, &["src", "--timings", "--no-cache"]);
    assert_eq!(counts(&err), (3, 0));
}

#[test]
fn a_damaged_cache_is_rebuilt_not_fatal() {
    let dir = tree();
    let root = dir.path();
    let (_, cold, _) = run(root, &["src", "--format", "json"]);
    let cache = root.join(".scope-lint-cache");
    for entry in fs::read_dir(&cache).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "bin") {
            let text = fs::read(&p).unwrap();
            fs::write(&p, &text[..text.len() / 2]).unwrap();
        }
    }
    let (code, out, err) = run(root, &["src", "--format", "json", "--timings"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, cold);
    assert_eq!(counts(&err), (3, 0));
    let (_, _, err) = run(root, &["src", "--timings"]);
    assert_eq!(counts(&err), (0, 3), "rebuilt");
}

#[test]
fn entries_of_deleted_files_are_pruned_and_clean_removes_the_cache() {
    let dir = tree();
    let root = dir.path();
    run(root, &["src"]);
    fs::remove_file(root.join("src/c.rs")).unwrap();
    run(root, &["src"]);
    let cache = root.join(".scope-lint-cache");
    let text: String = fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .map(|p| String::from_utf8_lossy(&fs::read(p).unwrap()).into_owned())
        .collect();
    assert!(text.contains("a.rs") && !text.contains("c.rs"), "{text}");
    let (code, out, _) = run(root, &["clean"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("Removed"), "{out}");
    assert!(!cache.exists());
}

#[test]
fn clean_refuses_a_directory_that_is_not_a_cache() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("mine")).unwrap();
    let (code, _, err) = run(dir.path(), &["clean", "--cache-dir", "mine"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a scope-lint cache"), "{err}");
    assert!(dir.path().join("mine").exists());
}

#[test]
fn findings_on_the_fixtures_do_not_depend_on_the_cache() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_str().unwrap();
    let (_, plain, _) = run(root, &["fixtures", "--format", "json", "--no-cache"]);
    let (_, cold, _) = run(root, &["fixtures", "--format", "json", "--cache-dir", dir]);
    let (_, warm, err) = run(
        root,
        &[
            "fixtures",
            "--format",
            "json",
            "--cache-dir",
            dir,
            "--timings",
        ],
    );
    assert!(plain.len() > 1000);
    assert_eq!(plain, cold);
    assert_eq!(plain, warm);
    assert_eq!(counts(&err).0, 0, "warm run parsed nothing");
}

/// A file's findings depend on the signatures of other files of its crate,
/// never on their bodies: editing a function body re-lints that file
/// alone, while changing a field's type in `state.rs` re-lints the file
/// that uses it, with the new finding.
#[test]
fn a_signature_edit_relints_users_and_a_body_edit_only_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    fs::create_dir(root.join("src")).unwrap();
    fs::write(
        root.join("src/main.rs"),
        "mod state;\nmod routes;\nfn main() {}\n",
    )
    .unwrap();
    let state = |ty: &str, body: &str| {
        format!("pub struct AppState {{\n    pub base: {ty},\n}}\npub fn helper() -> u32 {{\n    {body}\n}}\n")
    };
    fs::write(root.join("src/state.rs"), state("String", "1")).unwrap();
    fs::write(
        root.join("src/routes.rs"),
        "use crate::state::AppState;\nuse axum::extract::State;\npub async fn h(State(st): State<AppState>) {\n    let p = st.base.query_params();\n}\n",
    )
    .unwrap();

    let (code, _, err) = run(root, &["src", "--timings", "--format", "json"]);
    assert_eq!(code, 0, "a String field has no framework members: {err}");
    assert_eq!(counts(&err).1, 0);

    // Nothing changed: every file comes from the cache and the index is
    // not even built (its hash is known from the summary store).
    let (_, _, err) = run(root, &["src", "--timings", "--format", "json"]);
    assert_eq!(counts(&err).1, 3, "{err}");
    assert!(err.contains("(0 files summarized)"), "{err}");

    // A body edit: the index is unchanged, only state.rs is looked at again.
    fs::write(root.join("src/state.rs"), state("String", "2 + 2")).unwrap();
    let (code, _, err) = run(root, &["src", "--timings", "--format", "json"]);
    assert_eq!(code, 0);
    let (_, hits_after_body_edit) = counts(&err);
    assert_eq!(
        hits_after_body_edit, 2,
        "main.rs and routes.rs come from the cache: {err}"
    );

    // A signature edit: the field becomes a `url::Url`; routes.rs is
    // re-linted and now has the finding.
    fs::write(root.join("src/state.rs"), state("url::Url", "2 + 2")).unwrap();
    let (code, out, err) = run(root, &["src", "--timings", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(counts(&err).1, 0, "every file is re-linted: {err}");
    assert!(out.contains("routes.rs") && out.contains("SL001"), "{out}");
}

/// The locked crate versions are part of the cache key: after a
/// `Cargo.lock` moves axum from 0.8 to 0.7, the same unchanged file is
/// linted again and gets the findings of the new version.
#[test]
fn a_new_locked_version_is_not_served_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"t\"\nversion = \"0.1.0\"\n[dependencies]\naxum = \"0.8\"\n",
    )
    .unwrap();
    fs::create_dir(root.join("src")).unwrap();
    fs::write(
        root.join("src/lib.rs"),
        "use axum::{routing::get, Router};\nasync fn h() {}\npub fn app() -> Router {\n    Router::new().route(\"/a/:id\", get(h)).route(\"/b/{id}\", get(h))\n}\n",
    )
    .unwrap();
    let lock = |v: &str| {
        fs::write(
            root.join("Cargo.lock"),
            format!("version = 3\n[[package]]\nname = \"axum\"\nversion = \"{v}\"\nsource = \"registry+x\"\n[[package]]\nname = \"t\"\nversion = \"0.1.0\"\ndependencies = [\"axum\"]\n"),
        )
        .unwrap()
    };
    let args = ["src", "--format", "short", "--timings"];
    lock("0.8.4");
    let (_, under_08, _) = run(root, &args);
    assert!(under_08.contains("`:id` panics at startup"), "{under_08}");
    let (_, again, err) = run(root, &args);
    assert_eq!(counts(&err), (0, 1));
    assert_eq!(again, under_08);
    lock("0.7.9");
    let (_, under_07, err) = run(root, &args);
    assert_eq!(counts(&err).1, 0, "{err}");
    assert!(under_07.contains("`{id}` is not a capture"), "{under_07}");
    assert!(!under_07.contains("`:id`"), "{under_07}");
}
