//! Hostile or unlucky filesystems and arguments: special files, links,
//! interrupted fixes, option-shaped git revisions, unreadable directories.
//! Every case must end with a clear message naming the path, the other
//! files linted, and no file touched that should not be.

mod common;

use assert_cmd::Command;
use std::fs;
use std::path::Path;

/// A file with one SL010 finding that has an unsafe fix naming no crate
/// (outside a package, fixes that name a crate are help, not edits).
const DIRTY: &str = "use url::Url;\nfn h() -> Result<Url, url::ParseError> {\n    Url::parse(\"https://api.example.com/v1\")?.join(\"users\")\n}\n";

fn scope_lint(root: &Path) -> Command {
    let mut cmd = Command::cargo_bin("scope-lint").unwrap();
    cmd.current_dir(root).arg("--no-cache");
    cmd
}

use common::git;

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
        let (code, out, err) = common::output(scope_lint(root).args([
            ".",
            "--format",
            "short",
            &format!("--changed-since={rev}"),
        ]));
        assert_eq!(code, 2, "{rev}: {out}{err}");
        assert!(err.contains("not a commit"), "{rev}: {err}");
        assert!(err.contains(rev), "{rev}: {err}");
        assert!(
            !root.join("pwned.txt").exists(),
            "{rev} made git write a file"
        );
    }
    // A real revision still works.
    fs::write(root.join("b.rs"), DIRTY).unwrap();
    let (code, out, err) =
        common::output(scope_lint(root).args([".", "--format", "short", "--changed-since=HEAD"]));
    assert_eq!(code, 1, "{err}");
    assert!(out.starts_with("./b.rs:"), "{out}");
    assert!(!out.contains("a.rs"), "{out}");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

/// `(file, code, message)` of every JSON finding.
fn findings(out: &str) -> Vec<(String, String, String)> {
    common::json_items(out)
        .iter()
        .map(|i| {
            (
                i["file"].as_str().unwrap().to_string(),
                i["code"].as_str().unwrap().to_string(),
                i["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn special_files_are_reported_and_skipped_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("src")).unwrap();
    fs::write(root.join("src/dirty.rs"), DIRTY).unwrap();
    mkfifo(&root.join("src/pipe.rs"));
    std::os::unix::fs::symlink("/dev/zero", root.join("src/zero.rs")).unwrap();
    mkfifo(&root.join("named.rs"));
    std::os::unix::fs::symlink("/dev/zero", root.join("zero.rs")).unwrap();
    let timeout = std::time::Duration::from_secs(60);
    // Met in a walk: the FIFO is reported, the link is not followed.
    let (code, out, err) = common::output(
        scope_lint(root)
            .args(["src", "--format", "json"])
            .timeout(timeout),
    );
    assert_eq!(code, 2, "{err}");
    let found = findings(&out);
    assert!(
        found
            .iter()
            .any(|(f, c, _)| f.ends_with("src/dirty.rs") && c == "SL010"),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(f, c, m)| f.ends_with("src/pipe.rs")
            && c == "io-error"
            && m == "not a regular file (a FIFO); skipped"),
        "{found:?}"
    );
    // Named on the command line: both refused without blocking or reading.
    let (code, out, err) = common::output(
        scope_lint(root)
            .args(["named.rs", "zero.rs", "src/dirty.rs", "--format", "json"])
            .timeout(timeout),
    );
    assert_eq!(code, 2, "{err}");
    let found = findings(&out);
    assert!(found.contains(&(
        "named.rs".into(),
        "io-error".into(),
        "not a regular file (a FIFO); skipped".into()
    )));
    assert!(found.contains(&(
        "zero.rs".into(),
        "io-error".into(),
        "not a regular file (a character device); skipped".into()
    )));
    assert!(found
        .iter()
        .any(|(f, c, _)| f == "src/dirty.rs" && c == "SL010"));
    // `--fix` goes on too, and leaves the FIFO a FIFO.
    let (code, _, err) = common::output(
        scope_lint(root)
            .args(["named.rs", "src", "--fix", "--unsafe-fixes"])
            .timeout(timeout),
    );
    assert_eq!(code, 2, "{err}");
    assert_ne!(
        fs::read_to_string(root.join("src/dirty.rs")).unwrap(),
        DIRTY
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::symlink_metadata(root.join("named.rs"))
        .unwrap()
        .file_type()
        .is_fifo());
}

/// The linter as a user that permissions apply to: under root (which reads
/// every directory) through `setpriv` as `nobody`; `None` when `setpriv` is
/// missing.
#[cfg(unix)]
fn as_unprivileged(root: &Path) -> Option<std::process::Command> {
    let bin = assert_cmd::cargo::cargo_bin("scope-lint");
    let mut cmd = if unsafe { libc::geteuid() } == 0 {
        std::process::Command::new("setpriv")
            .arg("--version")
            .output()
            .ok()?;
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
        c.arg(bin);
        c
    } else {
        std::process::Command::new(bin)
    };
    cmd.current_dir(root);
    Some(cmd)
}

#[cfg(unix)]
#[test]
fn an_unreadable_directory_is_reported_with_its_path_in_every_format() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("src/secret")).unwrap();
    fs::write(root.join("src/dirty.rs"), DIRTY).unwrap();
    fs::write(root.join("src/secret/x.rs"), DIRTY).unwrap();
    for d in [root, &root.join("src")] {
        fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::set_permissions(root.join("src/secret"), fs::Permissions::from_mode(0o000)).unwrap();
    // The tempdir's parents must be reachable by the other user.
    let reachable = root
        .ancestors()
        .skip(1)
        .all(|a| fs::metadata(a).is_ok_and(|m| m.permissions().mode() & 0o001 != 0));
    let Some(_) = as_unprivileged(root).filter(|_| reachable) else {
        eprintln!("skipped: cannot run as an unprivileged user here");
        return;
    };
    for (format, expect) in [
        ("json", "\"file\": \"src/secret\""),
        ("short", "src/secret:"),
        ("github", "file=src/secret"),
        ("sarif", "\"uri\": \"src/secret\""),
    ] {
        let out = as_unprivileged(root)
            .unwrap()
            .args(["--no-cache", "src", "--format", format])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{format}: {stdout}");
        assert!(stdout.contains(expect), "{format}: {stdout}");
        assert!(
            stdout.contains("cannot read the directory"),
            "{format}: {stdout}"
        );
        assert!(stdout.contains("dirty.rs"), "{format}: {stdout}");
    }
    fs::set_permissions(root.join("src/secret"), fs::Permissions::from_mode(0o755)).unwrap();
}

/// Fix `args` with unsafe fixes; the fixed text of DIRTY.
fn fix(root: &Path, args: &[&str]) -> String {
    let (code, _, err) = common::output(
        scope_lint(root)
            .args(args)
            .args(["--fix", "--unsafe-fixes"]),
    );
    assert!(code == 0 || code == 1, "{err}");
    let fixed = fs::read_to_string(root.join(args[0])).unwrap();
    assert_ne!(fixed, DIRTY, "nothing was fixed");
    fixed
}

#[cfg(unix)]
#[test]
fn a_fixed_symlink_stays_a_link_and_its_target_is_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("real")).unwrap();
    fs::write(root.join("real/target.rs"), DIRTY).unwrap();
    std::os::unix::fs::symlink("real/target.rs", root.join("link.rs")).unwrap();
    let fixed = fix(root, &["link.rs"]);
    assert!(fs::symlink_metadata(root.join("link.rs"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        fs::read_to_string(root.join("real/target.rs")).unwrap(),
        fixed
    );
    // The temporary file went next to the target, and is gone.
    let names: Vec<_> = fs::read_dir(root.join("real"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["target.rs"]);
}

#[cfg(unix)]
#[test]
fn fixed_hard_links_stay_linked_and_leave_no_backup() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("a.rs"), DIRTY).unwrap();
    fs::hard_link(root.join("a.rs"), root.join("other.txt")).unwrap();
    let before = fs::metadata(root.join("a.rs")).unwrap().ino();
    let fixed = fix(root, &["a.rs"]);
    let a = fs::metadata(root.join("a.rs")).unwrap();
    assert_eq!(a.ino(), before);
    assert_eq!(a.nlink(), 2);
    assert_eq!(fs::read_to_string(root.join("other.txt")).unwrap(), fixed);
    let mut names: Vec<_> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["a.rs", "other.txt"]);
}

#[cfg(unix)]
#[test]
fn a_fix_keeps_the_owner_and_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let file = root.join("a.rs");
    fs::write(&file, DIRTY).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    let root_user = unsafe { libc::geteuid() } == 0;
    if root_user {
        std::os::unix::fs::chown(&file, Some(65534), Some(65534)).unwrap();
    }
    let before = fs::metadata(&file).unwrap();
    fix(root, &["a.rs"]);
    let after = fs::metadata(&file).unwrap();
    assert_eq!(after.mode(), before.mode());
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    if root_user {
        assert_eq!(after.uid(), 65534);
    }
}

#[test]
fn stale_temporary_files_are_removed_and_never_linted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("src")).unwrap();
    fs::write(root.join("src/a.rs"), DIRTY).unwrap();
    let stale = root.join("src/.scope-lint-fixAb12Cd.rs");
    let fresh = root.join("src/.scope-lint-fixEf34Gh");
    fs::write(&stale, DIRTY).unwrap();
    fs::write(&fresh, DIRTY).unwrap();
    let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(long_ago)
        .unwrap();
    let (code, out, err) = common::output(scope_lint(root).args(["src", "--format", "json"]));
    assert_eq!(code, 1, "{err}");
    let found = findings(&out);
    assert!(found.iter().all(|(f, _, _)| f == "src/a.rs"), "{found:?}");
    assert!(!stale.exists(), "a stale temporary file is removed");
    assert!(fresh.exists(), "a run in progress may still rename it");
}

#[test]
fn a_backup_of_an_interrupted_rewrite_is_reported_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("a.rs"), "fn main() {}\n").unwrap();
    let backup = root.join(".scope-lint-backup-a.rs.X1y2Z3");
    fs::write(&backup, DIRTY).unwrap();
    let (code, out, _) = common::output(scope_lint(root).args([".", "--format", "json"]));
    assert_eq!(code, 2, "{out}");
    let found = findings(&out);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "./.scope-lint-backup-a.rs.X1y2Z3");
    assert!(found[0].2.contains("was interrupted"), "{found:?}");
    assert!(backup.exists());
}

#[test]
fn twenty_thousand_exclude_globs_work() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let globs: Vec<String> = (0..20_000).map(|i| format!("\"gen{i}/*.rs\"")).collect();
    fs::write(
        root.join("scope-lint.toml"),
        format!("exclude = [{}]\n", globs.join(", ")),
    )
    .unwrap();
    for d in ["gen0", "gen19999", "kept"] {
        fs::create_dir(root.join(d)).unwrap();
        fs::write(root.join(d).join("a.rs"), DIRTY).unwrap();
    }
    let (code, out, err) = common::output(scope_lint(root).args([".", "--format", "short"]));
    assert_eq!(code, 1, "{err}");
    let files: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(files, ["./kept/a.rs"]);
}

#[test]
fn a_300_kb_model_path_is_refused_quickly_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("models")).unwrap();
    let long = "a::".repeat(100_000) + "Y";
    fs::write(
        root.join("models/big.toml"),
        format!("[[type]]\npath = \"{long}\"\n"),
    )
    .unwrap();
    fs::write(root.join("scope-lint.toml"), "models = [\"models\"]\n").unwrap();
    fs::write(root.join("a.rs"), DIRTY).unwrap();
    let started = std::time::Instant::now();
    let (code, _, err) = common::output(
        scope_lint(root)
            .arg("a.rs")
            .timeout(std::time::Duration::from_secs(30)),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("models/big.toml"), "{err}");
    assert!(
        err.contains("`type.path` is 300001 bytes long, over the 4096-byte limit"),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_model_directory_is_refused_not_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("models")).unwrap();
    mkfifo(&root.join("models/pipe.toml"));
    fs::write(root.join("scope-lint.toml"), "models = [\"models\"]\n").unwrap();
    fs::write(root.join("a.rs"), DIRTY).unwrap();
    let (code, _, err) = common::output(
        scope_lint(root)
            .arg("a.rs")
            .timeout(std::time::Duration::from_secs(30)),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("models/pipe.toml: not a regular file (a FIFO)"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_fix_by_another_user_keeps_the_files_owner() {
    // A group- or world-writable file of another user: a rename would hand
    // it to the fixing user, so it is rewritten in place.
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let file = root.join("a.rs");
    fs::write(&file, DIRTY).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o666)).unwrap();
    fs::set_permissions(root, fs::Permissions::from_mode(0o777)).unwrap();
    let reachable = root
        .ancestors()
        .skip(1)
        .all(|a| fs::metadata(a).is_ok_and(|m| m.permissions().mode() & 0o001 != 0));
    let owner = fs::metadata(&file).unwrap().uid();
    let Some(mut cmd) = as_unprivileged(root).filter(|_| reachable) else {
        eprintln!("skipped: cannot run as an unprivileged user here");
        return;
    };
    if owner != 0 {
        eprintln!("skipped: needs root to own the file for another user");
        return;
    }
    let out = cmd
        .args(["--no-cache", "a.rs", "--fix", "--unsafe-fixes"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{err}");
    let after = fs::metadata(&file).unwrap();
    assert_ne!(fs::read_to_string(&file).unwrap(), DIRTY, "not fixed");
    assert_eq!(after.uid(), owner, "the owner changed");
    assert_eq!(after.mode() & 0o777, 0o666);
    let names: Vec<_> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["a.rs"], "no backup or temporary file left");
}
