//! The CI formats against their consumers' rules: GitHub workflow commands
//! as the Actions toolkit builds them, GitLab code quality (Code Climate
//! JSON) and JUnit XML (well-formed, escaped, one test case per finding
//! and per clean file).

use scope_lint::diagnostic::{Code, Diagnostic, Level, IO_ERROR};
use scope_lint::lint::FileResult;
use scope_lint::report::{github, gitlab, junit};
use scope_lint::source::SourceFile;
mod report_render;
use report_render::render;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

const SL002: Code = Code {
    code: "SL002",
    name: "manual-query-parsing",
};

/// `path` holding `text`, with one finding per `(needle, message)`, its
/// range from the needle's start to its end.
fn result(path: &str, text: &str, findings: &[(&str, &str)]) -> FileResult {
    let diagnostics = findings
        .iter()
        .map(|(needle, message)| {
            let at = text.find(needle).unwrap();
            Diagnostic::new(SL002, Level::Warning, at..at + needle.len(), *message)
        })
        .collect();
    FileResult {
        path: PathBuf::from(path),
        source: Some(Arc::new(SourceFile::new(path, text))),
        diagnostics,
        incomplete: false,
        lines: text.lines().count(),
    }
}

fn clean(path: &str) -> FileResult {
    FileResult {
        path: PathBuf::from(path),
        source: None,
        diagnostics: Vec::new(),
        incomplete: false,
        lines: 1,
    }
}

const TEXT: &str = "fn f() {\n    let n = q\n        .split('&')\n        .count();\n}\n";

// ---------------------------------------------------------------- github

fn properties(line: &str) -> Vec<String> {
    let head = line
        .strip_prefix("::warning ")
        .unwrap()
        .split("::")
        .next()
        .unwrap();
    head.split(',')
        .map(|p| p.split('=').next().unwrap().to_string())
        .collect()
}

#[test]
fn github_omits_columns_when_the_range_spans_lines() {
    let results = [result(
        "src/a.rs",
        TEXT,
        &[("q\n        .split('&')", "multi"), (".count()", "single")],
    )];
    let out = render(&results, github::write);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        properties(lines[0]),
        ["file", "line", "endLine", "title"],
        "{out}"
    );
    assert!(
        lines[0].starts_with("::warning file=src/a.rs,line=2,endLine=3,title="),
        "{out}"
    );
    assert_eq!(
        properties(lines[1]),
        ["file", "line", "col", "endLine", "endColumn", "title"],
        "{out}"
    );
}

#[test]
fn github_paths_have_no_dot_slash_and_a_missing_path_no_file() {
    let results = [
        result("./src/a.rs", TEXT, &[(".count()", "x")]),
        FileResult::problem(&PathBuf::new(), IO_ERROR, "cannot read".into()),
    ];
    let out = render(&results, github::write);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("::warning file=src/a.rs,line=4,"),
        "{out}"
    );
    assert!(!out.contains("file=,") && !out.contains("file=::"), "{out}");
    assert!(
        lines[1].starts_with("::error title=io-error::cannot read"),
        "{out}"
    );
}

// ---------------------------------------------------------------- gitlab

fn issues(results: &[FileResult]) -> Vec<Value> {
    let v: Value = serde_json::from_str(&render(results, gitlab::write)).unwrap();
    v.as_array().unwrap().clone()
}

#[test]
fn gitlab_issues_have_what_the_merge_request_widget_reads() {
    let results = [result(
        "./src/a.rs",
        TEXT,
        &[(".count()", "counted by hand")],
    )];
    let items = issues(&results);
    assert_eq!(items.len(), 1);
    let i = &items[0];
    assert_eq!(i["description"], "counted by hand");
    assert_eq!(i["check_name"], "SL002 (manual-query-parsing)");
    assert_eq!(i["severity"], "minor");
    assert_eq!(i["location"]["path"], "src/a.rs");
    assert_eq!(i["location"]["lines"]["begin"], 4);
    assert_eq!(i["type"], "issue");
    assert!(i["fingerprint"].as_str().unwrap().len() >= 16);
}

#[test]
fn gitlab_fingerprints_are_unique_and_survive_moved_lines() {
    // Two findings on identical lines: still two fingerprints.
    let twice = "fn f() {\n    a.count();\n    a.count();\n}\n";
    let second = twice.rfind("a.count()").unwrap();
    let mut r = result("src/a.rs", twice, &[("a.count()", "x")]);
    r.diagnostics.push(Diagnostic::new(
        SL002,
        Level::Warning,
        second..second + 9,
        "x",
    ));
    let both = issues(&[r]);
    assert_ne!(both[0]["fingerprint"], both[1]["fingerprint"]);
    // Lines inserted above: the same finding keeps its fingerprint.
    let moved = format!("// a comment\n\n{TEXT}");
    let before = issues(&[result("src/a.rs", TEXT, &[(".count()", "x")])]);
    let after = issues(&[result("src/a.rs", &moved, &[(".count()", "x")])]);
    assert_ne!(
        before[0]["location"]["lines"]["begin"],
        after[0]["location"]["lines"]["begin"]
    );
    assert_eq!(before[0]["fingerprint"], after[0]["fingerprint"]);
    // Another file: another fingerprint.
    let elsewhere = issues(&[result("src/b.rs", TEXT, &[(".count()", "x")])]);
    assert_ne!(before[0]["fingerprint"], elsewhere[0]["fingerprint"]);
}

// ---------------------------------------------------------------- junit

#[test]
fn junit_is_well_formed_with_a_failure_per_finding_and_a_case_per_clean_file() {
    let nasty = "a <b> & \"c\" 'd'\u{1}";
    let results = [
        result("src/a&b.rs", TEXT, &[(".count()", nasty), ("q", "second")]),
        clean("src/clean.rs"),
    ];
    let out = render(&results, junit::write);
    let doc = roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("3"));
    assert_eq!(root.attribute("failures"), Some("2"));
    let cases: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 3);
    let failures: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), 2);
    assert_eq!(cases[0].attribute("classname"), Some("src/a&b.rs"));
    assert_eq!(
        cases[0].attribute("name"),
        Some("SL002 (manual-query-parsing)")
    );
    // The messages come back as written, less what XML cannot hold.
    let messages: Vec<&str> = failures
        .iter()
        .map(|f| f.attribute("message").unwrap())
        .collect();
    assert!(
        messages.contains(&"a <b> & \"c\" 'd'\u{FFFD}"),
        "{messages:?}"
    );
    assert_eq!(cases[2].attribute("classname"), Some("src/clean.rs"));
    assert!(cases[2].children().all(|c| !c.has_tag_name("failure")));
}
