//! Snapshots of the human output, colour off, one fixture per rule: the
//! look of a finding (snippet, labels, help, fix) is part of the product.

use scope_lint::lint::Linter;
use scope_lint::models::Models;
use scope_lint::report::{human, Report};
use scope_lint::rules::RuleSet;
use std::path::Path;
use std::time::Duration;

fn render(relative: &str) -> String {
    let linter = Linter::new(Models::builtin().unwrap(), RuleSet::all());
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)).unwrap();
    let results = vec![linter.lint_text(Path::new(relative), text)];
    let report = Report {
        results: &results,
        elapsed: Duration::ZERO,
    };
    let mut out = Vec::new();
    human::write(&report, false, false, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn sl001_human() {
    insta::assert_snapshot!(render("fixtures/SL001/axum.rs"));
}

#[test]
fn sl002_human() {
    insta::assert_snapshot!(render("fixtures/SL002/axum.rs"));
}

#[test]
fn sl003_human() {
    insta::assert_snapshot!(render("fixtures/SL003/actix_and_url.rs"));
}

#[test]
fn sl004_human() {
    insta::assert_snapshot!(render("fixtures/SL004/axum.rs"));
}

#[test]
fn sl005_human() {
    insta::assert_snapshot!(render("fixtures/SL005/axum.rs"));
}

#[test]
fn sl006_human() {
    insta::assert_snapshot!(render("fixtures/SL006/actix_reqwest.rs"));
}

#[test]
fn sl007_human() {
    insta::assert_snapshot!(render("fixtures/SL007/builders.rs"));
}

#[test]
fn sl008_human() {
    insta::assert_snapshot!(render("fixtures/SL008/actix_tungstenite.rs"));
}

#[test]
fn sl009_human() {
    insta::assert_snapshot!(render("fixtures/SL009/extractors.rs"));
}

#[test]
fn sl010_human() {
    insta::assert_snapshot!(render("fixtures/SL010/clients.rs"));
}

#[test]
fn sl011_human() {
    insta::assert_snapshot!(render("fixtures/SL011/segments.rs"));
}

#[test]
fn demo_human() {
    insta::assert_snapshot!(render("fixtures/demo/src/main.rs"));
}
