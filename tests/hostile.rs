//! Hostile and unlucky input through the command line: nesting that would
//! overflow the stack, shapes that used to take super-linear time, byte
//! order marks, and files that do not parse. The run never aborts, never
//! hangs, and never loses another file's findings.

mod common;

use assert_cmd::Command;
use scope_lint::complexity;
use std::path::Path;
use std::time::Duration;

fn scope_lint() -> Command {
    let mut cmd = Command::cargo_bin("scope-lint").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.args(["--isolated", "--no-cache"]);
    // A hang is a failure, not a stuck test run.
    cmd.timeout(Duration::from_secs(120));
    cmd
}

const HANDLER: &str = "use axum::http::Uri;\nasync fn h(uri: Uri) -> usize {\n    uri.query().unwrap_or(\"\").split('&').count()\n}\n";

/// `(file, code)` of every finding of a short-format run.
fn findings(out: &str) -> Vec<(String, String)> {
    out.lines()
        .filter_map(|l| {
            let (file, rest) = l.split_once(':')?;
            let code = rest.split(": ").nth(1)?.split(' ').next()?;
            Some((
                Path::new(file).file_name()?.to_string_lossy().into_owned(),
                code.to_string(),
            ))
        })
        .collect()
}

#[test]
fn a_million_deep_file_is_reported_and_every_other_file_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.rs", "b.rs", "c.rs"] {
        std::fs::write(dir.path().join(name), HANDLER).unwrap();
    }
    let (code, alone, _) = common::output(scope_lint().args(["--format", "short"]).arg(dir.path()));
    assert_eq!(code, 1, "{alone}");
    let expected = findings(&alone);
    assert_eq!(expected.len(), 3, "{alone}");

    let deep = format!(
        "use axum::http::Uri;\nfn f() {{ let x = {}1; }}\n",
        "(".repeat(1_000_000)
    );
    std::fs::write(dir.path().join("b_deep.rs"), deep).unwrap();
    let (code, out, err) = common::output(scope_lint().args(["--format", "short"]).arg(dir.path()));
    // The deep file was not checked: exit 2, and a finding that says where.
    assert_eq!(code, 2, "{out}\n{err}");
    let mut got = findings(&out);
    let deep_line = out
        .lines()
        .find(|l| l.contains("b_deep.rs"))
        .expect("the deep file is reported");
    assert!(
        deep_line.contains(":2:") && deep_line.contains("too-complex"),
        "{deep_line}"
    );
    assert!(deep_line.contains("depth"), "{deep_line}");
    got.retain(|(f, _)| f != "b_deep.rs");
    assert_eq!(got, expected);
}

/// A shape grown to `n` repetitions, in an axum handler with one finding.
fn shape(name: &str, n: usize) -> String {
    let body = match name {
        "parens" => format!("let x = {}1{};", "(".repeat(n), ")".repeat(n)),
        "braces" => format!("{}1{}", "{".repeat(n), "}".repeat(n)),
        "brackets" => format!("let x = {}1{};", "[".repeat(n), "]".repeat(n)),
        "generics" => format!("let x: {}u8{} = None;", "Option<".repeat(n), ">".repeat(n)),
        "unary" => format!("let b = {}true;", "!".repeat(n)),
        "refs" => format!("let r = {}1;", "&".repeat(n)),
        "else-if" => format!("if a {{ }}{}", " else if a { }".repeat(n)),
        "binary" => format!("let s = 1{};", " + 1".repeat(n)),
        "chain" => format!("let c = uri{};", ".clone()".repeat(n)),
        "closures" => format!("let c = {}1;", "|a| ".repeat(n)),
        "casts" => format!("let c = 1{};", " as u8".repeat(n)),
        "tries" => format!("let c = x{};", "?".repeat(n)),
        other => panic!("no shape {other}"),
    };
    format!(
        "use axum::http::Uri;\nasync fn h(uri: Uri, a: bool) -> usize {{\n    {body}\n    uri.query().unwrap_or(\"\").split('&').count()\n}}\n"
    )
}

const SHAPES: &[&str] = &[
    "parens", "braces", "brackets", "generics", "unary", "refs", "else-if", "binary", "chain",
    "closures", "casts", "tries",
];

#[test]
fn every_nesting_shape_past_the_limit_is_a_finding_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    for name in SHAPES {
        std::fs::write(dir.path().join(format!("{name}.rs")), shape(name, 200_000)).unwrap();
    }
    let (code, out, err) = common::output(scope_lint().args(["--format", "short"]).arg(dir.path()));
    assert_eq!(code, 2, "{out}\n{err}");
    for name in SHAPES {
        assert!(
            out.lines()
                .any(|l| l.contains(&format!("{name}.rs:")) && l.contains("too-complex")),
            "{name}: {out}"
        );
    }
}

/// The largest size of a shape the pre-parse bound accepts.
fn largest_accepted(name: &str) -> usize {
    let (mut lo, mut hi) = (1usize, 400_000usize);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if complexity::prepare(&shape(name, mid)).is_ok() {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

#[test]
fn every_nesting_shape_just_under_the_limit_is_analysed_without_a_crash() {
    // The weights of `complexity` are calibrated on this build's stack
    // use: each shape at the largest size accepted must lint, and still
    // find the handler's problem.
    let dir = tempfile::tempdir().unwrap();
    for name in SHAPES {
        let n = largest_accepted(name);
        assert!(n >= 1_000, "{name}: only {n} accepted");
        std::fs::write(dir.path().join(format!("{name}.rs")), shape(name, n)).unwrap();
    }
    let (code, out, err) = common::output(
        scope_lint()
            .args(["--format", "short", "--time-budget", "100"])
            .arg(dir.path()),
    );
    assert!(code == 1 || code == 2, "{code}: {out}\n{err}");
    assert!(!out.contains("too-complex"), "{out}");
    assert!(!out.contains("internal-error"), "{out}");
}

#[test]
fn deep_nesting_through_stdin_is_reported_not_an_abort() {
    for depth in [4_000, 1_000_000] {
        let text = format!("use axum::http::Uri;\nfn f() {{ {} }}\n", "(".repeat(depth));
        let out = scope_lint()
            .args(["--stdin-filename", "deep.rs", "--format", "short"])
            .write_stdin(text)
            .output()
            .unwrap();
        let code = out.status.code();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            code == Some(1) || code == Some(2),
            "{depth}: {code:?} {stdout}"
        );
        assert!(
            stdout.contains("too-complex") || stdout.contains("parse-error"),
            "{stdout}"
        );
    }
}

#[test]
fn explain_too_complex_says_what_to_do() {
    let mut cmd = Command::cargo_bin("scope-lint").unwrap();
    let (code, out, _) = common::output(cmd.args(["explain", "too-complex"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("time budget") && out.contains("exclude"),
        "{out}"
    );
}

#[test]
fn a_long_method_chain_takes_linear_time() {
    // 5,000 links took over 20 s when each link re-walked the chain: the
    // budget turns a regression into a `too-complex` finding.
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "use axum::http::Uri;\nasync fn h(uri: Uri) {{\n    let q = uri{}.query().unwrap();\n}}\n",
        ".clone()".repeat(5_000)
    );
    std::fs::write(dir.path().join("chain.rs"), text).unwrap();
    let (code, out, _) = common::output(
        scope_lint()
            .args(["--format", "short", "--time-budget", "15"])
            .arg(dir.path()),
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("SL008"), "{out}");
}

#[test]
fn a_huge_integer_literal_does_not_hide_findings_or_shift_spans() {
    let dir = tempfile::tempdir().unwrap();
    let lint = |digits: usize| {
        let text = format!(
            "use axum::http::Uri;\nasync fn h(uri: Uri) {{\n    let big = {}u128; let q = uri.query().unwrap();\n}}\n",
            "9".repeat(digits)
        );
        let path = dir.path().join("lit.rs");
        std::fs::write(&path, &text).unwrap();
        let (code, out, _) = common::output(scope_lint().args(["--format", "json"]).arg(&path));
        assert_eq!(code, 1, "{out}");
        let items = common::json_items(&out);
        assert_eq!(items.len(), 1, "{out}");
        assert_eq!(items[0]["code"], "SL008");
        assert_eq!(items[0]["line"], 3);
        items[0]["column"].as_u64().unwrap()
    };
    assert_eq!(lint(40_000), lint(1) + 39_999);
}

#[test]
fn the_time_budget_turns_a_slow_file_into_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    // Enough expressions that the walk looks at the clock.
    let body = "    let n = uri.path().len() + 1;\n".repeat(3_000);
    let text = format!("use axum::http::Uri;\nasync fn h(uri: Uri) {{\n{body}}}\n");
    std::fs::write(dir.path().join("slow.rs"), text).unwrap();
    std::fs::write(dir.path().join("fine.rs"), HANDLER).unwrap();
    let (code, out, _) = common::output(
        scope_lint()
            .args(["--format", "short", "--time-budget", "0.000001"])
            .arg(dir.path()),
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.lines().any(|l| l.contains("slow.rs:")
            && l.contains("too-complex")
            && l.contains("time budget")),
        "{out}"
    );

    // From the configuration, checked.
    std::fs::write(
        dir.path().join("scope-lint.toml"),
        "time-budget = 0.000001\n",
    )
    .unwrap();
    let mut cmd = Command::cargo_bin("scope-lint").unwrap();
    let (code, out, _) = common::output(
        cmd.args(["--no-cache", "--format", "short"])
            .arg(dir.path().join("slow.rs")),
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("time budget"), "{out}");
    std::fs::write(dir.path().join("scope-lint.toml"), "time-budget = -1\n").unwrap();
    let mut cmd = Command::cargo_bin("scope-lint").unwrap();
    let (code, _, err) = common::output(cmd.arg("--no-cache").arg(dir.path().join("slow.rs")));
    assert_eq!(code, 2);
    assert!(
        err.contains("scope-lint.toml") && err.contains("time-budget"),
        "{err}"
    );
    let (code, _, err) = common::output(scope_lint().args(["--time-budget", "soon", "x.rs"]));
    assert_eq!(code, 2);
    assert!(err.contains("seconds"), "{err}");
}

#[test]
fn ten_thousand_threads_are_capped_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rs"), HANDLER).unwrap();
    let (code, out, _) = common::output(
        scope_lint()
            .args(["--format", "short", "--threads", "10000"])
            .arg(dir.path()),
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("SL002"), "{out}");
}

#[test]
fn a_byte_order_mark_keeps_spans_and_fixes_exact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom.rs");
    let text = "\u{feff}use axum::http::Uri; async fn h(uri: Uri) { tracing::info!(\"connect {}\", uri); }\n";
    std::fs::write(&path, text).unwrap();
    // Logging the whole URI: SL016 (uri-in-log, opt-in) offers `uri.path()`.
    let (code, out, _) = common::output(
        scope_lint()
            .args(["--format", "json", "--select", "ALL"])
            .arg(&path),
    );
    assert_eq!(code, 1, "{out}");
    let items = common::json_items(&out);
    let edit = &items[0]["fix"]["edits"][0];
    let (start, end) = (
        edit["start"].as_u64().unwrap() as usize,
        edit["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[start..end], "uri", "{out}");
    // Columns count characters after the mark, as editors show them.
    let column = items[0]["column"].as_u64().unwrap() as usize;
    assert_eq!(column, text[3..start].chars().count() + 1);

    let (code, out, err) = common::output(
        scope_lint()
            .args([
                "--fix",
                "--unsafe-fixes",
                "--format",
                "short",
                "--select",
                "ALL",
            ])
            .arg(&path),
    );
    assert!(code == 0 || code == 1, "{out}\n{err}");
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(fixed.starts_with('\u{feff}'), "the mark is kept: {fixed:?}");
    let replacement = edit["replacement"].as_str().unwrap();
    assert_eq!(
        fixed,
        format!("{}{replacement}{}", &text[..start], &text[end..])
    );
    assert!(syn::parse_file(&fixed).is_ok());
}

#[test]
fn a_file_that_does_not_parse_has_no_unused_suppressions_and_is_left_alone_by_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.rs");
    let text = "use axum::http::Uri;\n// scope-lint: allow(SL002)\nasync fn h(uri: Uri) -> usize {\n    uri.query().unwrap_or(\"\").split('&').count() // scope-lint: allow(SL005)\n}\nfn broken( {\n";
    std::fs::write(&path, text).unwrap();
    let fine = dir.path().join("fine.rs");
    std::fs::write(&fine, HANDLER.replace("split('&')", "split_whitespace()")).unwrap();
    let (code, out, _) = common::output(scope_lint().args(["--format", "short"]).arg(dir.path()));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("parse-error"), "{out}");
    assert!(!out.contains("SL100"), "{out}");

    let (code, out, err) = common::output(
        scope_lint()
            .args(["--fix", "--unsafe-fixes", "--format", "short"])
            .arg(dir.path()),
    );
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        err.contains("broken.rs: not fixed: it does not parse"),
        "{err}"
    );
    assert!(!err.contains("error:"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}
