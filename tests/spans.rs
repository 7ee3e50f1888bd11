//! Byte-exact spans on awkward text (property test): random files with a
//! byte order mark or not, CRLF or LF, tabs, non-ASCII and zero-width
//! characters around three planted findings. Every finding must cover
//! exactly the planted text, every fix edit must replace exactly the text it
//! flags, and the fixed file must be the original with those bytes
//! replaced, still parsing.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use scope_lint::lint::Linter;
use scope_lint::models::Models;
use scope_lint::rules::RuleSet;
use std::path::Path;

/// Characters that move byte offsets and columns apart.
const AWKWARD: &[&str] = &[
    "a", "é", "€", "😀", "\u{200b}", "\u{feff}", "\t", " ", "ß", "\u{301}",
];

fn awkward_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(AWKWARD), 0..12).prop_map(|v| v.concat())
}

fn indent() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(&[" ", "\t"][..]), 0..6).prop_map(|v| v.concat())
}

/// Something harmless to put before a statement on its line.
fn noise() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        awkward_text().prop_map(|t| format!("/* {t} */ ")),
        awkward_text().prop_map(|t| format!("let _s = \"{t}\"; ")),
        awkward_text().prop_map(|t| format!("let _c = '{}'; ", t.chars().next().unwrap_or('x'))),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    bom: bool,
    crlf: bool,
    /// Everything on line 1 (where a byte order mark shifts columns).
    one_line: bool,
    doc: String,
    indents: [String; 3],
    noises: [String; 3],
    trailing: String,
}

fn case() -> impl Strategy<Value = Case> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        awkward_text(),
        [indent(), indent(), indent()],
        [noise(), noise(), noise()],
        awkward_text(),
    )
        .prop_map(
            |(bom, crlf, one_line, doc, indents, noises, trailing)| Case {
                bom,
                crlf,
                one_line,
                doc,
                indents,
                noises,
                trailing,
            },
        )
}

/// A planted finding: its code, the text it must cover, and for a fix
/// the text its edit replaces.
struct Planted {
    code: &'static str,
    flagged: (usize, &'static str),
    edit: Option<(usize, &'static str)>,
}

/// The file of a case, and where its findings are.
fn build(c: &Case) -> (String, Vec<Planted>) {
    let nl = match (c.one_line, c.crlf) {
        (true, _) => " ",
        (false, true) => "\r\n",
        (false, false) => "\n",
    };
    let mut t = String::new();
    if c.bom {
        t.push('\u{feff}');
    }
    t.push_str(&format!("use axum::http::Uri;{nl}/** {} */{nl}", c.doc));
    t.push_str(&format!("async fn h(uri: Uri) -> usize {{{nl}"));
    let mut planted = Vec::new();

    t.push_str(&c.indents[0]);
    t.push_str(&c.noises[0]);
    let stmt = "tracing::info!(\"connect {}\", uri);";
    let at = t.len() + stmt.find("uri)").unwrap();
    t.push_str(stmt);
    planted.push(Planted {
        code: "SL016",
        flagged: (at, "uri"),
        edit: Some((at, "uri")),
    });
    t.push_str(&format!(" /* {} */{nl}", c.trailing));

    t.push_str(&c.indents[1]);
    t.push_str(&c.noises[1]);
    let stmt = "let a = uri.query().unwrap();";
    let at = t.len() + stmt.find("unwrap").unwrap();
    t.push_str(stmt);
    planted.push(Planted {
        code: "SL008",
        flagged: (at, "unwrap()"),
        edit: None,
    });
    t.push_str(nl);

    t.push_str(&c.indents[2]);
    t.push_str(&c.noises[2]);
    let stmt = "uri.query().unwrap_or(\"\").split('&').count()";
    let start = t.len();
    t.push_str(stmt);
    planted.push(Planted {
        code: "SL002",
        flagged: (start + stmt.find("split").unwrap(), "split('&')"),
        edit: Some((start, "uri.query().unwrap_or(\"\").split('&')")),
    });
    t.push_str(&format!("{nl}}}{nl}"));
    (t, planted)
}

fn check(linter: &Linter, path: &Path, c: &Case) -> Result<(), TestCaseError> {
    let (text, planted) = build(c);
    let result = linter.lint_text(path, text.clone());
    let ds = &result.diagnostics;
    prop_assert_eq!(ds.len(), planted.len(), "{:?}\n{:#?}", text, ds);
    for p in &planted {
        let d = ds.iter().find(|d| d.code.code == p.code);
        prop_assert!(d.is_some(), "{} missing in {:?}", p.code, text);
        let d = d.unwrap();
        let (at, flagged) = p.flagged;
        prop_assert_eq!(
            d.range.clone(),
            at..at + flagged.len(),
            "{}: flags {:?}, not {:?}",
            p.code,
            text.get(d.range.clone()),
            flagged
        );
        if let Some((at, replaced)) = p.edit {
            let fix = d.fix.as_ref().expect("a fix");
            prop_assert_eq!(fix.edits.len(), 1);
            prop_assert_eq!(fix.edits[0].range.clone(), at..at + replaced.len());
        }
    }
    // Every fix applied: the original with exactly those bytes replaced.
    let (fixed, applied) = scope_lint::fix::apply_once(&text, ds, true);
    prop_assert_eq!(applied.len(), 2);
    let mut expected = text.clone();
    let mut edits: Vec<_> = ds
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| f.edits.iter())
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    for e in edits {
        expected.replace_range(e.range.clone(), &e.replacement);
    }
    prop_assert_eq!(&fixed, &expected);
    prop_assert_eq!(fixed.starts_with('\u{feff}'), c.bom);
    prop_assert!(syn::parse_file(&fixed).is_ok(), "{:?}", fixed);
    Ok(())
}

#[test]
fn spans_and_fix_edits_map_to_the_right_bytes() {
    let linter = Linter::new(Models::builtin().unwrap(), RuleSet::all());
    // Fixes that name `url` are edits only in a package that depends on it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"case\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[lib]\npath = \"case.rs\"\n[dependencies]\naxum = \"0.8\"\nurl = \"2\"\ntracing = \"0.1\"\n",
    )
    .unwrap();
    let path = dir.path().join("case.rs");
    let config = Config {
        cases: 96,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x5c09e),
        ..Config::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    runner
        .run(&case(), |c| check(&linter, &path, &c))
        .unwrap_or_else(|e| panic!("seed 0x5c09e: {e}"));
}
