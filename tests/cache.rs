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
    new_package(root, "[package]\nname = \"app\"\nversion = \"0.1.0\"\n");
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

/// A package `app` whose `main.rs` declares `mod util;` and `mod routes;`.
fn app_with_util_and_routes() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    new_package(
        dir.path(),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n",
    );
    fs::write(
        dir.path().join("src/main.rs"),
        "mod util;\nmod routes;\nfn main() {}\n",
    )
    .unwrap();
    dir
}

/// A helper's body counts for its callers only through what it returns:
/// an edit of a multi-statement body that keeps the returned projection
/// (a renamed binding, a log line) re-lints the helper's file alone; one
/// that changes it (an early return of the path) re-lints the caller,
/// whose finding goes.
#[test]
fn a_helper_body_edit_relints_callers_only_when_its_return_changes() {
    let dir = app_with_util_and_routes();
    let root = dir.path();
    let util = |body: &str| {
        format!("use axum::http::Uri;\npub fn raw_query(uri: &Uri) -> &str {{\n    {body}\n}}\n")
    };
    fs::write(
        root.join("src/util.rs"),
        util("let q = uri.query().unwrap_or(\"\");\n    q"),
    )
    .unwrap();
    fs::write(
        root.join("src/routes.rs"),
        "use axum::http::Uri;\npub async fn h(uri: Uri) -> usize {\n    crate::util::raw_query(&uri).split('&').count()\n}\n",
    )
    .unwrap();
    let args = ["src", "--timings", "--format", "json"];
    let (code, cold, err) = run(root, &args);
    assert_eq!(code, 1, "{cold}{err}");
    assert!(
        cold.contains("routes.rs") && cold.contains("SL002"),
        "{cold}"
    );

    // The same answer, written otherwise: only util.rs is linted again.
    fs::write(
        root.join("src/util.rs"),
        util("let query = uri.query();\n    log::debug!(\"asked\");\n    let query = query.unwrap_or(\"-\");\n    return query;"),
    )
    .unwrap();
    let (code, out, err) = run(root, &args);
    assert_eq!(code, 1);
    assert_eq!(out, cold);
    assert_eq!(
        counts(&err).1,
        2,
        "main.rs and routes.rs from the cache: {err}"
    );

    // Two returns that differ: routes.rs is linted again, without SL002.
    fs::write(
        root.join("src/util.rs"),
        util("if uri.query().is_none() {\n        return uri.path();\n    }\n    uri.query().unwrap_or(\"\")"),
    )
    .unwrap();
    let (code, out, err) = run(root, &args);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(counts(&err).1, 0, "every file is re-linted: {err}");
}

/// Line numbers are not part of what a file shows others: a line added
/// in one body moves the helpers below it (one whose parameter reaches a
/// log line, a `?token=` the crate reads), yet only that file is linted
/// again. (They were part of it: one such edit re-linted the whole tree.)
#[test]
fn a_line_added_above_a_helper_relints_only_its_file() {
    let dir = app_with_util_and_routes();
    let root = dir.path();
    let util = |body: &str| {
        format!("pub fn first() -> u32 {{\n    {body}\n}}\npub fn note(x: &str) {{\n    tracing::info!(\"seen {{}}\", x);\n}}\npub fn url(t: &str) -> String {{\n    format!(\"/a?token={{t}}\")\n}}\n")
    };
    fs::write(root.join("src/util.rs"), util("1")).unwrap();
    fs::write(
        root.join("src/routes.rs"),
        "use axum::http::Uri;\npub async fn h(uri: Uri) -> usize {\n    crate::util::note(&uri.to_string());\n    tracing::info!(\"{}\", uri);\n    uri.query().unwrap_or(\"\").split('&').count()\n}\n",
    )
    .unwrap();
    let args = ["src", "--timings", "--format", "json"];
    let (code, cold, err) = run(root, &args);
    assert_eq!(code, 1, "{cold}{err}");
    assert!(
        cold.contains("SL006"),
        "the helper's reach is known: {cold}"
    );
    fs::write(root.join("src/util.rs"), util("let a = 1;\n    a")).unwrap();
    let (_, out, err) = run(root, &args);
    // util.rs's own finding moves down a line; routes.rs's stay.
    let moved = cold
        .replace("\"line\": 8,", "\"line\": 9,")
        .replace("\"end_line\": 8,", "\"end_line\": 9,");
    assert_eq!(out, moved);
    assert_eq!(
        counts(&err).1,
        2,
        "main.rs and routes.rs from the cache: {err}"
    );
    // What routes.rs says of util.rs names no line of it, so it stays true.
    let (_, human, _) = run(root, &["src/routes.rs"]);
    assert!(
        human.contains("`note` logs its parameter `x` whole"),
        "{human}"
    );
    assert!(
        human.contains("this crate takes `token` in query strings (in ")
            && human.contains("util.rs)"),
        "{human}"
    );
}

/// The invalidation barrier across packages: a body edit in one package
/// of a workspace keeps the index's hash, so the edited file is linted
/// against an index of its own package alone (the other package is never
/// summarized nor linked), with the same findings as a cold run; a
/// signature edit builds the whole index again.
#[test]
fn a_body_edit_indexes_only_the_edited_package() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"a\", \"b\"]\n",
    )
    .unwrap();
    for name in ["a", "b"] {
        fs::create_dir_all(root.join(name).join("src")).unwrap();
        fs::write(
            root.join(name).join("Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n"),
        )
        .unwrap();
        fs::write(
            root.join(name).join("src/lib.rs"),
            "mod state;\npub fn h(st: &state::AppState) -> usize {\n    st.base.query_params().count()\n}\n",
        )
        .unwrap();
        fs::write(
            root.join(name).join("src/state.rs"),
            "pub struct AppState {\n    pub base: url::Url,\n}\npub fn helper() -> u32 {\n    1\n}\n",
        )
        .unwrap();
    }
    let args = ["a", "b", "--timings", "--format", "short"];
    let (code, cold, err) = run(root, &args);
    assert_eq!(code, 1, "{err}");
    assert_eq!(cold.matches("SL001").count(), 2, "{cold}");
    assert!(err.contains("(4 files summarized)"), "{err}");

    // A body edit in `a`: the same findings, from an index of `a` alone.
    let state = root.join("a/src/state.rs");
    let text = fs::read_to_string(&state).unwrap();
    fs::write(&state, text.replace("    1\n", "    1 + 1\n")).unwrap();
    let (_, after_body, err) = run(root, &args);
    assert_eq!(after_body, cold);
    assert_eq!(
        counts(&err),
        (1, 3),
        "only the edited file is linted: {err}"
    );
    assert!(err.contains("(2 files summarized)"), "{err}");

    // A signature edit in `a` (a new field): the whole index again.
    let text = fs::read_to_string(&state).unwrap();
    fs::write(
        &state,
        text.replace("url::Url,", "url::Url,\n    pub extra: u8,"),
    )
    .unwrap();
    let (_, after_sig, err) = run(root, &args);
    assert_eq!(after_sig, cold);
    assert!(err.contains("(4 files summarized)"), "{err}");
}

/// The locked crate versions are part of the cache key: after a
/// `Cargo.lock` moves axum from 0.8 to 0.7, the same unchanged file is
/// linted again and gets the findings of the new version.
#[test]
fn a_new_locked_version_is_not_served_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    new_package(
        root,
        "[package]\nname = \"t\"\nversion = \"0.1.0\"\n[dependencies]\naxum = \"0.8\"\n",
    );
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

/// DIRTY with its finding gone, the same size.
fn clean_same_size() -> String {
    let clean = DIRTY.replace("split('&')", "split('x')");
    assert_eq!(clean.len(), DIRTY.len());
    clean
}

/// The cache and index store files.
fn cache_files(root: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = fs::read_dir(root.join(".scope-lint-cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    files.sort();
    files
}

#[test]
fn flipped_bytes_in_a_cache_file_are_detected_and_rebuilt_with_a_note() {
    let dir = tree();
    let root = dir.path();
    let (_, uncached, _) = run(root, &["src", "--format", "json", "--no-cache"]);
    run(root, &["src"]);
    // The index store, the crate versions, the findings.
    let files = cache_files(root);
    assert_eq!(files.len(), 3, "{files:?}");
    for file in &files {
        let good = fs::read(file).unwrap();
        // Spread over the file: checksum, header, paths, findings, help.
        for at in (0..good.len()).step_by(good.len() / 7 + 1) {
            let mut bad = good.clone();
            bad[at] ^= 0x04;
            fs::write(file, &bad).unwrap();
            let (code, out, err) = run(root, &["src", "--format", "json"]);
            assert_eq!(code, 1, "{err}");
            assert_eq!(out, uncached, "byte {at} of {}", file.display());
            assert!(
                err.contains("the cache file is damaged (its checksum does not match); it was discarded and is rebuilt"),
                "byte {at}: {err}"
            );
            assert!(
                err.contains(&*file.file_name().unwrap().to_string_lossy()),
                "{err}"
            );
            // Rebuilt: the next run has nothing to say.
            let (_, out, err) = run(root, &["src", "--format", "json"]);
            assert_eq!(out, uncached);
            assert!(!err.contains("damaged"), "{err}");
            fs::write(file, &good).unwrap();
        }
    }
}

#[test]
fn a_same_size_edit_that_keeps_the_mtime_is_seen() {
    let dir = tree();
    let root = dir.path();
    let file = root.join("src/a.rs");
    let mtime = fs::metadata(&file).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (_, _, err) = run(root, &["src", "--timings"]);
    assert_eq!(counts(&err), (3, 0));
    // `cp -p` / `touch -r`: new content, same size, the old mtime.
    fs::write(&file, clean_same_size()).unwrap();
    fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let (_, uncached, _) = run(root, &["src", "--format", "json", "--no-cache"]);
    let (_, cached, _) = run(root, &["src", "--format", "json"]);
    assert_eq!(cached, uncached);
    assert!(!cached.contains("src/a.rs"), "{cached}");
}

#[test]
fn an_edit_in_the_same_tick_as_the_cache_write_is_seen() {
    // Git's racy-entry rule: the file's stamp is not older than the cache,
    // so a same-size edit with the same stamp must not be trusted. Make
    // every stamp "now or later" by dating the files in the future.
    let dir = tree();
    let root = dir.path();
    let file = root.join("src/a.rs");
    let future = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    let set = |p: &Path| {
        fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(future)
            .unwrap()
    };
    for n in ["a", "b", "c"] {
        set(&root.join(format!("src/{n}.rs")));
    }
    run(root, &["src"]);
    fs::write(&file, clean_same_size()).unwrap();
    set(&file);
    let (_, uncached, _) = run(root, &["src", "--format", "json", "--no-cache"]);
    let (_, cached, err) = run(root, &["src", "--format", "json", "--timings"]);
    assert_eq!(cached, uncached);
    // Racy entries are re-hashed, not re-parsed, unless they changed.
    assert_eq!(counts(&err), (1, 2));
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_keep_their_own_entries() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tree();
    let root = dir.path();
    for n in ["a", "b", "c"] {
        fs::remove_file(root.join(format!("src/{n}.rs"))).unwrap();
    }
    // Both names read as `src/x\u{FFFD}.rs` when decoded lossily.
    let dirty = root.join(std::ffi::OsStr::from_bytes(b"src/x\xff.rs"));
    let clean = root.join(std::ffi::OsStr::from_bytes(b"src/x\xfe.rs"));
    fs::write(&dirty, DIRTY).unwrap();
    fs::write(&clean, clean_same_size()).unwrap();
    let now = std::time::SystemTime::now() - std::time::Duration::from_secs(10);
    for p in [&dirty, &clean] {
        fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(now)
            .unwrap();
    }
    let (_, uncached, _) = run(root, &["src", "--format", "json", "--no-cache"]);
    assert_eq!(common::json_items(&uncached).len(), 1, "{uncached}");
    for _ in 0..3 {
        let (_, cached, _) = run(root, &["src", "--format", "json"]);
        assert_eq!(cached, uncached);
    }
    let (_, _, err) = run(root, &["src", "--timings"]);
    assert_eq!(counts(&err), (0, 2), "both entries are kept");
}

/// A cached run with an option toggled (arguments added, files changed)
/// gives the uncached result, and so does the cached run after toggling
/// back. The option must change the result, or the test proves nothing.
fn toggling_gives_the_uncached_result(
    files: &[(&str, &str)],
    base: &[&str],
    toggled: &[&str],
    change: &[(&str, Option<&str>)],
) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("Cargo.toml"), "[package]\nname = \"t\"\n").unwrap();
    let write = |files: &[(&str, Option<&str>)]| {
        for (name, text) in files {
            let path = root.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            match text {
                Some(t) => fs::write(&path, t).unwrap(),
                None => fs::remove_file(&path).unwrap(),
            }
        }
    };
    write(
        &files
            .iter()
            .map(|(n, t)| (*n, Some(*t)))
            .collect::<Vec<_>>(),
    );
    let with = |args: &[&str], extra: &[&str]| {
        let mut all = args.to_vec();
        all.extend(extra);
        all.extend(["--format", "json"]);
        let (_, out, err) = run(root, &all);
        assert!(!err.contains("error:"), "{all:?}: {err}");
        out
    };
    let base_uncached = with(base, &["--no-cache"]);
    assert_eq!(with(base, &[]), base_uncached);
    assert_eq!(with(base, &[]), base_uncached, "warm");
    let undo: Vec<(&str, Option<&str>)> = change
        .iter()
        .map(|(n, _)| {
            let before = files.iter().find(|(f, _)| f == n).map(|(_, t)| *t);
            (*n, before)
        })
        .collect();
    write(change);
    let toggled_uncached = with(toggled, &["--no-cache"]);
    assert_ne!(
        toggled_uncached, base_uncached,
        "{toggled:?} {change:?} changes nothing"
    );
    assert_eq!(
        with(toggled, &[]),
        toggled_uncached,
        "{toggled:?} {change:?}"
    );
    write(&undo);
    assert_eq!(
        with(base, &[]),
        base_uncached,
        "back from {toggled:?} {change:?}"
    );
}

const BROKEN: &str = "fn broken( {\n";
const CONFIG: &str = "scope-lint.toml";

#[test]
fn no_prefilter_is_part_of_the_cache_key() {
    // The prefilter skips a file that names no framework crate; parsing
    // it anyway finds the syntax error.
    toggling_gives_the_uncached_result(
        &[("src/broken.rs", BROKEN), ("src/a.rs", DIRTY)],
        &["src"],
        &["src", "--no-prefilter"],
        &[],
    );
}

#[test]
fn every_result_changing_option_is_part_of_the_cache_key() {
    let files = [("src/a.rs", DIRTY)];
    for toggled in [
        &["src", "--select", "SL005"][..],
        &["src", "--ignore", "SL002"],
        &["src", "--config", "other.toml"],
    ] {
        let mut files = files.to_vec();
        files.push(("other.toml", "[level]\nSL002 = \"error\"\n"));
        toggling_gives_the_uncached_result(&files, &["src"], toggled, &[]);
    }
    let mut with_config = files.to_vec();
    with_config.push((CONFIG, "ignore = [\"SL002\"]\n"));
    toggling_gives_the_uncached_result(&with_config, &["src"], &["src", "--isolated"], &[]);
}

#[test]
fn every_result_changing_config_key_is_part_of_the_cache_key() {
    let files = [("src/a.rs", DIRTY), ("src/b.rs", DIRTY)];
    for config in [
        "select = [\"SL005\"]\n",
        "ignore = [\"manual-query-parsing\"]\n",
        "[level]\nSL002 = \"error\"\n",
        "[level]\nSL002 = \"off\"\n",
        "exclude = [\"b.rs\"]\n",
        "[per-file-ignores]\n\"a.rs\" = [\"SL002\"]\n",
    ] {
        toggling_gives_the_uncached_result(&files, &["src"], &["src"], &[(CONFIG, Some(config))]);
    }
    // extend-select: a pedantic rule (SL015) on a secret in a debug log.
    let secret =
        "use axum::http::Uri;\nasync fn h(uri: Uri) {\n    tracing::debug!(\"{}\", uri);\n}\n";
    toggling_gives_the_uncached_result(
        &[("src/a.rs", secret)],
        &["src"],
        &["src"],
        &[(CONFIG, Some("extend-select = [\"pedantic\"]\n"))],
    );
    // models: a model file edited behind an unchanged configuration.
    let model = "[[type]]\npath = \"http::Uri\"\n\n[[type.wrong]]\nmember = \"token\"\nreplacement = \"{recv}.query()\"\nwhy = \"%\"\n";
    let user = "async fn h(uri: axum::http::Uri) {\n    let _ = uri.token();\n}\n";
    toggling_gives_the_uncached_result(
        &[
            ("src/a.rs", user),
            (CONFIG, "models = [\"models\"]\n"),
            ("models/m.toml", &model.replace('%', "one")),
        ],
        &["src"],
        &["src"],
        &[("models/m.toml", Some(&model.replace('%', "two")))],
    );
}

#[test]
fn another_build_does_not_share_the_cache() {
    let dir = tree();
    let root = dir.path();
    let exe = root.join("bin/scope-lint");
    fs::create_dir(root.join("bin")).unwrap();
    fs::copy(assert_cmd::cargo::cargo_bin("scope-lint"), &exe).unwrap();
    let timings = || {
        let out = std::process::Command::new(&exe)
            .current_dir(root)
            .args(["src", "--timings"])
            .output()
            .unwrap();
        counts(&String::from_utf8_lossy(&out.stderr))
    };
    assert_eq!(timings(), (3, 0));
    assert_eq!(timings(), (0, 3));
    // A rebuild: same version, another executable.
    let rebuilt = std::time::SystemTime::now() - std::time::Duration::from_secs(86_400);
    fs::File::options()
        .write(true)
        .open(&exe)
        .unwrap()
        .set_modified(rebuilt)
        .unwrap();
    assert_eq!(timings(), (3, 0));
}

/// A package at `root` with this `Cargo.toml` and an empty `src/`.
fn new_package(root: &Path, manifest: &str) {
    fs::write(root.join("Cargo.toml"), manifest).unwrap();
    fs::create_dir(root.join("src")).unwrap();
}

/// Whether `--timings` says the walk was the last run's.
fn walk_remembered(stderr: &str) -> bool {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("walk:"))
        .unwrap_or_else(|| panic!("no `walk:` in {stderr}"));
    line.ends_with("(remembered)")
}

#[test]
fn a_remembered_walk_still_sees_files_added_removed_and_ignored() {
    let dir = tree();
    let root = dir.path();
    // The first run makes the cache directory (the root's stamp moves);
    // stamps less than a second older than a walk are not trusted to
    // vouch for it: let the tree settle.
    let (_, _, err) = run(root, &[".", "--timings"]);
    assert!(!walk_remembered(&err));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (_, cold, err) = run(root, &[".", "--timings", "--format", "json"]);
    assert!(!walk_remembered(&err));
    let (_, warm, err) = run(root, &[".", "--timings", "--format", "json"]);
    assert!(walk_remembered(&err), "{err}");
    assert_eq!(warm, cold);

    // A new file in a new directory, a file removed: both seen.
    fs::create_dir_all(root.join("src/routes")).unwrap();
    fs::write(root.join("src/routes/d.rs"), DIRTY).unwrap();
    fs::remove_file(root.join("src/c.rs")).unwrap();
    let (_, out, err) = run(root, &[".", "--timings", "--format", "json"]);
    assert!(!walk_remembered(&err));
    assert!(out.contains("routes/d.rs"), "{out}");
    assert!(!out.contains("c.rs"), "{out}");

    // An ignore rule edited in place (the directory's stamp stays).
    fs::write(root.join(".gitignore"), "nothing\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    run(root, &["."]);
    let (_, _, err) = run(root, &[".", "--timings"]);
    assert!(walk_remembered(&err), "{err}");
    fs::write(root.join(".gitignore"), "routes/\n").unwrap();
    let (_, out, err) = run(root, &[".", "--timings", "--format", "json"]);
    assert!(!walk_remembered(&err));
    assert!(!out.contains("routes/d.rs"), "{out}");
    assert!(out.contains("a.rs"), "{out}");

    // Without the cache nothing is remembered.
    let (_, _, err) = run(root, &[".", "--timings", "--no-cache"]);
    assert!(!walk_remembered(&err));
}
