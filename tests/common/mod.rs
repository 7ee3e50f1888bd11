//! Helpers shared by the command-line test files.
#![allow(dead_code)] // each test file uses its own subset

use assert_cmd::Command;

/// Run a command: exit code, stdout, stderr.
pub fn output(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The items of `--format json` output.
pub fn json_items(text: &str) -> Vec<serde_json::Value> {
    let items: serde_json::Value = serde_json::from_str(text).unwrap();
    items.as_array().expect("a JSON array").clone()
}

/// One string per JSON item: the fields named, joined by `sep`.
pub fn json_fields(text: &str, fields: &[&str], sep: &str) -> Vec<String> {
    json_items(text)
        .iter()
        .map(|i| {
            fields
                .iter()
                .map(|f| i[*f].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
                .join(sep)
        })
        .collect()
}

/// Run a command: exit code, stdout, stderr, invalid UTF-8 replaced.
pub fn output_lossy(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run git in `dir` with a throw-away identity; the command must succeed.
#[allow(dead_code)]
pub fn git(dir: &std::path::Path, args: &[&str]) {
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
