//! `--format rustc-json` (alias `cargo`) read the way rust-analyzer reads
//! `check.overrideCommand` output: every line through `cargo_metadata`'s
//! `Message` (the type rust-analyzer's flycheck deserializes), then the
//! fields its diagnostic conversion (`diagnostics/to_proto.rs`) uses:
//! primary spans (1-based lines, character columns), `code.code`, `level`,
//! labelled secondary spans, children whose primary spans carry
//! `suggested_replacement` (a quick fix, preferred when
//! `MachineApplicable`) and spanless help children (message lines).
//! `--format json` is the reference for positions and fixes.

use cargo_metadata::diagnostic::{Applicability as RustcApplicability, DiagnosticLevel};
use cargo_metadata::Message;
use scope_lint::diagnostic::{Applicability, Code, Diagnostic, Edit, Fix, Level};
use scope_lint::lint::{FileResult, Linter};
use scope_lint::models::Models;
use scope_lint::report::{json, rustc_json};
use scope_lint::rules::RuleSet;
use scope_lint::source::SourceFile;
mod report_render;
use report_render::render;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Every line as rust-analyzer parses it.
fn messages(text: &str) -> Vec<Message> {
    assert!(text.ends_with('\n'));
    text.lines()
        .map(|l| serde_json::from_str::<Message>(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn lint_demo() -> FileResult {
    let linter = Linter::new(Models::builtin().unwrap(), RuleSet::all());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let relative = "fixtures/demo/src/main.rs";
    let text = std::fs::read_to_string(root.join(relative)).unwrap();
    linter.lint_text(Path::new(relative), text)
}

#[test]
fn every_finding_is_a_compiler_message_with_rustc_positions() {
    let results = vec![lint_demo()];
    let out = render(&results, rustc_json::write);
    let msgs = messages(&out);
    let reference: Vec<Value> = serde_json::from_str::<Value>(&render(&results, json::write))
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    assert!(reference.len() > 3);
    assert_eq!(msgs.len(), reference.len() + 1, "{out}");
    let Some(Message::BuildFinished(done)) = msgs.last() else {
        panic!("the stream ends with build-finished: {out}")
    };
    assert!(!done.success, "the demo has error-level findings");
    for (msg, item) in msgs.iter().zip(&reference) {
        let Message::CompilerMessage(cm) = msg else {
            panic!("{msg:?}")
        };
        let d = &cm.message;
        // rust-analyzer splits a code with one `::` into the LSP source
        // and code (`flycheck_to_proto.rs`): `scope-lint(SL001)`, not
        // `rustc(SL001)`.
        let scoped = &d.code.as_ref().unwrap().code;
        let parts: Vec<&str> = scoped.split("::").collect();
        assert_eq!(parts, ["scope-lint", item["code"].as_str().unwrap()]);
        assert_eq!(d.message, item["message"].as_str().unwrap());
        let level = match item["level"].as_str().unwrap() {
            "error" => DiagnosticLevel::Error,
            "warning" => DiagnosticLevel::Warning,
            _ => DiagnosticLevel::Note,
        };
        assert_eq!(d.level, level);
        let primary: Vec<_> = d.spans.iter().filter(|s| s.is_primary).collect();
        assert_eq!(
            primary.len(),
            1,
            "rust-analyzer drops a diagnostic without one"
        );
        let p = primary[0];
        assert_eq!(p.file_name, "fixtures/demo/src/main.rs");
        assert_eq!(
            (p.line_start, p.column_start, p.line_end, p.column_end),
            (
                item["line"].as_u64().unwrap() as usize,
                item["column"].as_u64().unwrap() as usize,
                item["end_line"].as_u64().unwrap() as usize,
                item["end_column"].as_u64().unwrap() as usize,
            )
        );
        assert_eq!(p.text[0].highlight_start, p.column_start);
        assert!(d.rendered.as_ref().unwrap().starts_with(&format!(
            "{}[{}]: ",
            item["level"].as_str().unwrap(),
            item["code"].as_str().unwrap()
        )));
        // The package is the nearest manifest's (the demo's own), the
        // target its binary.
        assert!(
            cm.package_id.repr.starts_with("path+file:///")
                && cm
                    .package_id
                    .repr
                    .ends_with("/fixtures/demo#chat-gateway-incident@0.1.0"),
            "{}",
            cm.package_id
        );
        assert!(cm
            .target
            .src_path
            .as_str()
            .ends_with("fixtures/demo/src/main.rs"));
        assert_eq!(cm.target.kind.len(), 1);
        assert_eq!(cm.target.kind[0].to_string(), "bin");
        // The fix: a child whose primary spans carry the replacement.
        match item["fix"].as_object() {
            Some(fix) => {
                let child = d
                    .children
                    .iter()
                    .find(|c| c.spans.iter().any(|s| s.suggested_replacement.is_some()))
                    .expect("a suggestion child");
                assert_eq!(child.level, DiagnosticLevel::Help);
                let edits = fix["edits"].as_array().unwrap();
                assert_eq!(child.spans.len(), edits.len());
                for (s, e) in child.spans.iter().zip(edits) {
                    assert!(s.is_primary);
                    assert_eq!(s.byte_start as u64, e["start"].as_u64().unwrap());
                    assert_eq!(s.byte_end as u64, e["end"].as_u64().unwrap());
                    assert_eq!(
                        s.suggested_replacement.as_deref(),
                        e["replacement"].as_str()
                    );
                    let expected = match fix["applicability"].as_str().unwrap() {
                        "safe" => RustcApplicability::MachineApplicable,
                        _ => RustcApplicability::MaybeIncorrect,
                    };
                    assert_eq!(s.suggestion_applicability, Some(expected));
                }
            }
            None => assert!(d
                .children
                .iter()
                .all(|c| c.spans.is_empty() && c.level == DiagnosticLevel::Help)),
        }
    }
}

/// A finding with a safe two-edit fix, a secondary label and non-ASCII
/// text before it: columns count characters, bytes count bytes.
#[test]
fn columns_are_characters_and_safe_fixes_are_machine_applicable() {
    let text = "fn f() { let é = uri.query_params(); }\n";
    let at = text.find("query_params").unwrap();
    let end = text.find("; }").unwrap();
    let uri = text.find("uri").unwrap();
    let code = Code {
        code: "SL001",
        name: "nonexistent-member",
    };
    let result = FileResult {
        path: PathBuf::from("./src/é.rs"),
        source: Some(Arc::new(SourceFile::new("./src/é.rs", text))),
        diagnostics: vec![
            Diagnostic::new(code, Level::Warning, at..end, "no such method")
                .with_label("here")
                .with_secondary(uri..uri + 3, "this is `http::Uri`")
                .with_help("use `query()`")
                .with_fix(Fix {
                    applicability: Applicability::Safe,
                    edits: vec![
                        Edit {
                            range: at..at,
                            replacement: "x".into(),
                        },
                        Edit {
                            range: at..end,
                            replacement: String::new(),
                        },
                    ],
                }),
        ],
        incomplete: false,
        lines: 1,
    };
    let out = render(&[result], rustc_json::write);
    let msgs = messages(&out);
    let Message::CompilerMessage(cm) = &msgs[0] else {
        panic!()
    };
    let d = &cm.message;
    let p = &d.spans[0];
    assert_eq!(p.file_name, "src/é.rs", "no leading ./");
    assert_eq!((p.byte_start as usize, p.byte_end as usize), (at, end));
    // `é` is two bytes and one character.
    assert_eq!(p.column_start, at);
    assert_eq!(p.column_end, end);
    assert_eq!(p.label.as_deref(), Some("here"));
    let s = &d.spans[1];
    assert!(!s.is_primary);
    assert_eq!(s.label.as_deref(), Some("this is `http::Uri`"));
    assert_eq!(s.column_start, uri);
    let child = &d.children[0];
    assert_eq!(child.message, "use `query()`");
    assert!(child
        .spans
        .iter()
        .all(|s| { s.suggestion_applicability == Some(RustcApplicability::MachineApplicable) }));
    let Some(Message::BuildFinished(done)) = msgs.last() else {
        panic!()
    };
    assert!(done.success, "a warning does not fail the build");
}

#[test]
fn the_cargo_alias_names_the_package_and_target_of_each_file() {
    let krate = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/crates/state_across_files");
    let run = |format: &str| {
        let out = assert_cmd::Command::cargo_bin("scope-lint")
            .unwrap()
            .current_dir(&krate)
            .args(["--no-cache", "--select", "SL001", "--format", format, "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let out = run("cargo");
    assert_eq!(out, run("rustc-json"));
    let msgs = messages(&out);
    assert!(msgs.len() > 1);
    for m in &msgs[..msgs.len() - 1] {
        let Message::CompilerMessage(cm) = m else {
            panic!("{m:?}")
        };
        assert!(
            cm.package_id.repr.ends_with("#state-across-files@0.1.0"),
            "{}",
            cm.package_id
        );
        assert_eq!(cm.target.name, "state_across_files");
        assert!(cm.target.src_path.as_str().ends_with("src/main.rs"));
        let p = &cm.message.spans[0];
        assert_eq!(
            p.file_name, "src/routes/billing.rs",
            "relative to the root, as cargo"
        );
    }
    let raw: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(raw["reason"], "compiler-message");
    assert!(raw["manifest_path"]
        .as_str()
        .unwrap()
        .ends_with("state_across_files/Cargo.toml"));
}
