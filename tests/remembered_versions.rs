//! Crate versions remembered between runs (src/models/remembered.rs): a
//! warm run does not read manifests and locks again, and every file an
//! answer came from, or a lock that appears where none was, is seen on the
//! next run. Each step compares with a run without the cache, and with the
//! axum version the step should select (0.8: `/:id` panics; 0.7: `/{id}`
//! is no capture).

mod common;

use assert_cmd::Command;
use std::fs;
use std::path::Path;

const ROUTES: &str = "use axum::{routing::get, Router};\nasync fn h() {}\npub fn app() -> Router {\n    Router::new().route(\"/a/:id\", get(h)).route(\"/b/{id}\", get(h))\n}\n";

fn run(root: &Path, args: &[&str]) -> (String, String) {
    let (_, out, err) = common::output(
        Command::cargo_bin("scope-lint")
            .unwrap()
            .current_dir(root)
            .args(args),
    );
    (out, err)
}

/// `(read, remembered)` packages from `--timings`.
fn resolutions(stderr: &str) -> (usize, usize) {
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("linters: "))
        .unwrap_or_else(|| panic!("no linters line in {stderr}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    let n = numbers.len();
    (numbers[n - 2], numbers[n - 1])
}

/// Lint the tree with the cache: the axum version its findings show,
/// after checking they are those of a run without the cache.
fn axum_seen(root: &Path) -> (&'static str, (usize, usize)) {
    let (uncached, _) = run(root, &[".", "--format", "short", "--no-cache"]);
    let (cached, err) = run(root, &[".", "--format", "short", "--timings"]);
    assert_eq!(cached, uncached, "the cache changed the findings");
    let v08 = cached.contains("`:id` panics at startup");
    let v07 = cached.contains("`{id}` is not a capture");
    let version = match (v08, v07) {
        (true, false) => "0.8",
        (false, true) => "0.7",
        _ => panic!("neither or both versions: {cached}"),
    };
    (version, resolutions(&err))
}

fn lock(deps_of_app: &str, axum: &str) -> String {
    format!(
        "version = 3\n[[package]]\nname = \"axum\"\nversion = \"{axum}\"\nsource = \"registry+x\"\n\
         [[package]]\nname = \"other\"\nversion = \"0.1.0\"\ndependencies = [\"axum\"]\n\
         [[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [{deps_of_app}]\n"
    )
}

#[test]
fn every_file_a_version_came_from_is_seen_on_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let workspace = |req: &str| {
        fs::write(
            root.join("Cargo.toml"),
            format!(
                "[workspace]\nmembers = [\"app\"]\n[workspace.dependencies]\naxum = \"{req}\"\n"
            ),
        )
        .unwrap()
    };
    workspace("0.8");
    fs::create_dir_all(root.join("app/src")).unwrap();
    fs::write(
        root.join("app/Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n[dependencies]\naxum.workspace = true\n",
    )
    .unwrap();
    fs::write(root.join("app/src/lib.rs"), ROUTES).unwrap();
    // Older than the first cache write (see the racy-entry rule).
    std::thread::sleep(std::time::Duration::from_millis(20));

    // The workspace's requirement, read once, then remembered.
    assert_eq!(axum_seen(root), ("0.8", (1, 0)));
    assert_eq!(axum_seen(root), ("0.8", (0, 1)));

    // The workspace manifest the requirement came from is edited.
    workspace("0.7");
    assert_eq!(axum_seen(root).0, "0.7");

    // A lock appears above the package, then a nearer one.
    fs::write(root.join("Cargo.lock"), lock("\"axum\"", "0.8.4")).unwrap();
    assert_eq!(axum_seen(root).0, "0.8");
    fs::write(root.join("app/Cargo.lock"), lock("\"axum\"", "0.7.9")).unwrap();
    assert_eq!(axum_seen(root).0, "0.7");

    // The package's lock entry no longer names axum: the newest axum
    // of the lock counts, which an entry of another package decides.
    fs::write(root.join("app/Cargo.lock"), lock("", "0.8.4")).unwrap();
    assert_eq!(axum_seen(root), ("0.8", (1, 0)));
    assert_eq!(axum_seen(root), ("0.8", (0, 1)));

    // The nearer lock goes: the one above counts again.
    fs::write(root.join("Cargo.lock"), lock("\"axum\"", "0.7.9")).unwrap();
    assert_eq!(axum_seen(root).0, "0.8", "the nearer lock still wins");
    fs::remove_file(root.join("app/Cargo.lock")).unwrap();
    assert_eq!(axum_seen(root).0, "0.7");

    // No lock: the package's own requirement.
    fs::remove_file(root.join("Cargo.lock")).unwrap();
    fs::write(
        root.join("app/Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n[dependencies]\naxum = \"0.8.1\"\n",
    )
    .unwrap();
    assert_eq!(axum_seen(root).0, "0.8");
}

/// A lock that cannot be read is reported on every run, remembered or
/// not, and the manifest's requirement counts.
#[test]
fn a_broken_lock_is_reported_on_warm_runs_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("src")).unwrap();
    fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n[dependencies]\naxum = \"0.7\"\n",
    )
    .unwrap();
    fs::write(root.join("Cargo.lock"), "[[package]\nname = ").unwrap();
    fs::write(root.join("src/lib.rs"), ROUTES).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    for expected in [(1, 0), (0, 1)] {
        let (version, counts) = axum_seen(root);
        assert_eq!((version, counts), ("0.7", expected));
        let (_, err) = run(root, &["."]);
        assert_eq!(err.matches("not a Cargo.lock").count(), 1, "{err}");
    }
}
