//! The language server's keystroke path (`src/incremental.rs`): after each
//! edit of a file of an indexed crate, the findings from re-analysing only
//! the edited function equal those of linting the whole text again, and
//! the incremental path is the one taken for edits inside a body.

use scope_lint::index::live::{Change, LiveIndex};
use scope_lint::lint::Linter;
use scope_lint::models::Models;
use scope_lint::prefilter::Prefilter;
use scope_lint::rules::RuleSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

const STATE: &str =
    "use url::Url;\n\n#[derive(Clone)]\npub struct AppState {\n    pub base: Url,\n}\n";

const HANDLERS: &str = r#"use crate::state::AppState;
use axum::extract::State;
use axum::http::Uri;

pub async fn h0(State(st): State<AppState>, uri: Uri) -> String {
    let raw = uri.query().unwrap_or("");
    let pairs: Vec<&str> = raw.split('&').collect();
    format!("{pairs:?} {}", st.base)
}

pub async fn h1(State(st): State<AppState>) -> String {
    let q = st.base.query_params();
    format!("{q:?}")
}

pub struct Svc;

impl Svc {
    pub fn helper(&self, base: &url::Url) -> usize {
        base.query_params().len()
    }
}

pub async fn h2(uri: Uri) -> String {
    let path = uri.path().to_string();
    path
}
"#;

fn write_crate(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.8\"\nurl = \"2\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        "mod handlers;\nmod state;\nfn main() {}\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/state.rs"), STATE).unwrap();
    std::fs::write(dir.join("src/handlers.rs"), HANDLERS).unwrap();
    std::path::absolute(dir.join("src/handlers.rs")).unwrap()
}

/// A linter with the crate index of the crate at `dir`, as the server
/// builds them.
fn linter_for(dir: &Path) -> Linter {
    let files: Vec<PathBuf> = ["main.rs", "state.rs", "handlers.rs"]
        .iter()
        .map(|f| std::path::absolute(dir.join("src").join(f)).unwrap())
        .collect();
    linter_for_files(&files)
}

/// A linter with the crate index of these files (absolute paths).
fn linter_for_files(files: &[PathBuf]) -> Linter {
    let models = Models::builtin().unwrap();
    let words = models.value_crate_words();
    let prefilter = Prefilter::from_parts(words.clone(), Vec::new());
    let mut index = LiveIndex::new(words.into_iter().collect(), move |t: &str| {
        prefilter.names_a_crate(t.as_bytes())
    });
    let mut change = Change::default();
    for path in files {
        let text = std::fs::read_to_string(path).unwrap();
        change.set_text(path.clone(), text.into());
    }
    index.apply_change(change);
    let mut linter = Linter::new(models, RuleSet::all());
    linter.index = Some(index.current());
    linter
}

#[test]
fn reanalysing_the_edited_function_gives_the_findings_of_a_full_lint() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_crate(dir.path());
    let linter = linter_for(dir.path());
    let (first, mut analysis) = linter.lint_text_incremental(&path, HANDLERS.into(), None);
    let codes: Vec<&str> = first.diagnostics.iter().map(|d| d.code.code).collect();
    assert!(
        codes.contains(&"SL001") && codes.contains(&"SL002"),
        "{codes:?}"
    );
    assert!(analysis.is_some());

    // Each edit applies to the text before it; `true`: inside one body.
    let edits: Vec<(&str, &str, bool)> = vec![
        // A new finding in the last function.
        (
            "    let path = uri.path().to_string();\n",
            "    let path = uri.path().to_string();\n    let v: Vec<&str> = uri.query().unwrap_or(\"\").split('&').collect();\n",
            true,
        ),
        // Lines added above findings: every later finding moves.
        ("    let raw = uri", "\n\n    // note\n    let raw = uri", true),
        // A finding fixed in h1.
        ("st.base.query_params()", "st.base.query_pairs()", true),
        // A suppression comment inside a body.
        (
            ".split('&').collect();\n    format!",
            ".split('&').collect(); // scope-lint: allow(SL002)\n    format!",
            true,
        ),
        // A method of an impl block.
        ("base.query_params().len()", "base.query_params().len() + 1", true),
        // Non-ASCII text before later findings.
        ("// note", "// note é🦀", true),
        // A signature: a full lint.
        ("pub async fn h2(uri: Uri)", "pub async fn h2(uri: Uri, _n: u8)", false),
        // The finding in h1 back.
        ("st.base.query_pairs()", "st.base.query_params()", true),
        // An unbalanced brace mid-typing, then balanced again.
        ("    path\n}", "    if true {\n    path\n}", false),
        ("    if true {\n    path\n}", "    path\n}", false),
    ];
    let mut text = HANDLERS.to_string();
    for (from, to, in_body) in edits {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text = text.replace(from, to);
        let before = linter.stats.incremental.load(Ordering::Relaxed);
        let (result, next) = linter.lint_text_incremental(&path, text.clone(), analysis.as_ref());
        let reused = linter.stats.incremental.load(Ordering::Relaxed) > before;
        assert_eq!(reused, in_body, "incremental for {to:?}");
        let full = linter.lint_text(&path, text.clone());
        assert_eq!(result.diagnostics, full.diagnostics, "after {to:?}");
        analysis = next;
    }
    let codes: Vec<&str> = linter
        .lint_text(&path, text.clone())
        .diagnostics
        .iter()
        .map(|d| d.code.code)
        .collect();
    assert!(codes.len() >= 3, "{codes:?}");
}

/// Every fixture file, as the `main.rs` of a crate of its own: an edit at
/// the start of each function body, re-analysed alone, gives what a full
/// lint of the edited text gives.
#[test]
fn every_body_edit_of_every_fixture_equals_a_full_lint() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|d| {
            d.is_dir()
                && d.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("SL"))
        })
        .flat_map(|d| {
            std::fs::read_dir(d)
                .unwrap()
                .filter_map(|e| e.ok().map(|e| e.path()))
        })
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.push(root.join("demo/src/main.rs"));
    files.sort();
    assert!(files.len() > 30, "{files:?}");
    let (mut edits, mut reused) = (0, 0);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.8\"\nactix-web = \"4\"\nurl = \"2\"\nhttp = \"1\"\nhyper = \"1\"\nreqwest = \"0.12\"\nwarp = \"0.3\"\ntungstenite = \"0.24\"\nserde = \"1\"\n",
        )
        .unwrap();
        let main = std::path::absolute(dir.path().join("src/main.rs")).unwrap();
        std::fs::write(&main, &text).unwrap();
        let linter = linter_for_files(std::slice::from_ref(&main));
        let (_, analysis) = linter.lint_text_incremental(&main, text.clone(), None);
        let Some(analysis) = analysis else {
            continue; // does not parse, or too complex: always linted whole
        };
        for f in scope_lint::incremental::fn_extents(&text) {
            let at = f.body.start + 1;
            for insert in ["let _z = 1; ", "\n    // scope-lint: allow(SL002)\n"] {
                let mut edited = text.clone();
                edited.insert_str(at, insert);
                let before = linter.stats.incremental.load(Ordering::Relaxed);
                let (result, _) =
                    linter.lint_text_incremental(&main, edited.clone(), Some(&analysis));
                reused += linter.stats.incremental.load(Ordering::Relaxed) - before;
                edits += 1;
                let full = linter.lint_text(&main, edited.clone());
                assert_eq!(
                    result.diagnostics,
                    full.diagnostics,
                    "{}: {insert:?} at {at}",
                    file.display()
                );
            }
        }
    }
    assert!(edits > 200, "{edits} edits");
    assert!(
        reused * 10 > edits * 9,
        "{reused} of {edits} edits re-analysed alone"
    );
}
