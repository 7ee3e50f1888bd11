//! The fixture harness, in the style of clippy's UI tests: every file under
//! `fixtures/` is ordinary Rust with the expected findings written inline as
//! `//~ SL002` (several per line allowed). A marked line must be flagged
//! with exactly those codes and an unmarked line must not be flagged at all.
//! Trap lines, code that looks alike but is correct, carry `// ok:` so the
//! harness can also check that every rule keeps enough of them.

use scope_lint::lint::Linter;
use scope_lint::models::versions::{Resolver, VersionSet};
use scope_lint::models::Models;
use scope_lint::rules::RuleSet;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `(line, code)` pairs written as `//~ CODE ...` in the text.
fn expected(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(pos) = line.find("//~") {
            for code in line[pos + 3..]
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|s| !s.is_empty())
            {
                out.push((i + 1, code.to_string()));
            }
        }
    }
    out.sort();
    out
}

/// The linters of the fixtures, as a run over `fixtures/` builds them:
/// every linter shares the crate index of every fixture crate
/// (`fixtures/crates/<name>/`), so a file of a crate sees the items of the
/// crate's other files; and each file gets the models of the crate
/// versions its package is built against (a fixture crate's own
/// `Cargo.lock`), one linter per version set.
struct Linters {
    resolver: Resolver,
    by_set: HashMap<VersionSet, Linter>,
    index: std::sync::Arc<scope_lint::index::SharedIndex>,
    no_prefilter: bool,
}

impl Linters {
    fn get(&mut self, path: &Path) -> &Linter {
        let set = self.resolver.resolve(path).versions;
        let (index, no_prefilter) = (&self.index, self.no_prefilter);
        self.by_set.entry(set).or_insert_with_key(|set| {
            let models = Models::load_for(&[], set).expect("builtin models load");
            let mut linter = Linter::new(models, RuleSet::all());
            linter.index = Some(index.clone());
            if no_prefilter {
                linter.prefilter = None;
            }
            linter
        })
    }
}

fn linter() -> Linters {
    let mut files = Vec::new();
    rust_files(&fixtures_dir(), &mut files);
    let index = scope_lint::index::Index::build(
        &files,
        &|p: &Path| std::fs::read_to_string(p).ok(),
        &|_| true,
    );
    Linters {
        resolver: Resolver::new(Models::versioned_crates(&[]).unwrap()),
        by_set: HashMap::new(),
        index: std::sync::Arc::new(scope_lint::index::SharedIndex::ready(index)),
        no_prefilter: false,
    }
}

/// Lint one fixture; `Err` describes every missing and extra finding.
fn check_fixture(linters: &mut Linters, path: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(path).unwrap();
    let result = linters.get(path).lint_text(path, text.clone());
    let src = &scope_lint::source::SourceFile::new(path, text.clone());
    let mut actual: Vec<(usize, String)> = result
        .diagnostics
        .iter()
        .map(|d| (src.line_col(d.range.start).line, d.code.code.to_string()))
        .collect();
    actual.sort();
    let want = expected(&text);
    let mut missing = Vec::new();
    let mut extra = Vec::new();
    let (mut a, mut w) = (actual.iter().peekable(), want.iter().peekable());
    loop {
        match (a.peek(), w.peek()) {
            (Some(x), Some(y)) if x == y => {
                a.next();
                w.next();
            }
            (Some(x), Some(y)) if x < y => extra.push(a.next().unwrap()),
            (Some(_), Some(_)) | (None, Some(_)) => missing.push(w.next().unwrap()),
            (Some(_), None) => extra.push(a.next().unwrap()),
            (None, None) => break,
        }
    }
    if missing.is_empty() && extra.is_empty() {
        return Ok(want.len());
    }
    let lines: Vec<&str> = text.lines().collect();
    let show = |(line, code): &(usize, String)| {
        let message = result
            .diagnostics
            .iter()
            .find(|d| d.code.code == code && src.line_col(d.range.start).line == *line)
            .map(|d| format!("  [{}]", d.message))
            .unwrap_or_default();
        format!(
            "    {}:{line}: {code}{message}\n        {}",
            path.display(),
            lines.get(line - 1).unwrap_or(&"").trim()
        )
    };
    let mut msg = String::new();
    if !missing.is_empty() {
        msg.push_str("  missing (marked but not flagged):\n");
        for m in &missing {
            msg.push_str(&show(m));
            msg.push('\n');
        }
    }
    if !extra.is_empty() {
        msg.push_str("  extra (flagged but not marked):\n");
        for e in &extra {
            msg.push_str(&show(e));
            msg.push('\n');
        }
    }
    Err(msg)
}

#[test]
fn every_fixture_has_exactly_its_marked_findings() {
    let mut linter = linter();
    let mut files = Vec::new();
    rust_files(&fixtures_dir(), &mut files);
    assert!(files.len() >= 5, "fixtures are missing");
    let mut failures = String::new();
    let mut total = 0;
    for f in &files {
        match check_fixture(&mut linter, f) {
            Ok(n) => total += n,
            Err(e) => failures.push_str(&format!("{}:\n{e}", f.display())),
        }
    }
    assert!(failures.is_empty(), "fixture mismatches:\n{failures}");
    assert!(total > 0);
}

/// Every rule folder keeps at least six findings and six traps (`// ok:`),
/// in files that use at least three frameworks.
#[test]
fn every_rule_has_enough_positives_and_traps() {
    let mut per_rule: BTreeMap<String, (usize, usize, Vec<String>)> = BTreeMap::new();
    for rule in scope_lint::rules::ALL {
        let code = rule.meta().code;
        let dir = fixtures_dir().join(code);
        let mut files = Vec::new();
        rust_files(&dir, &mut files);
        let entry = per_rule.entry(code.to_string()).or_default();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            entry.0 += expected(&text).iter().filter(|(_, c)| c == code).count();
            entry.1 += text.lines().filter(|l| l.contains("// ok:")).count();
            // Frameworks named as paths in the code (not in comments) of
            // files that hold findings of this rule.
            let has_positive = expected(&text).iter().any(|(_, c)| c == code);
            let code_text: String = text
                .lines()
                .map(|l| l.split("//").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            for fw in [
                "axum",
                "actix_web",
                "warp",
                "hyper",
                "tungstenite",
                "reqwest",
                "poem",
                "rocket",
                "salvo",
                "tower_http",
                "tracing_actix_web",
                "actix_http",
                "actix_multipart",
                "lambda_http",
                "worker",
            ] {
                let named = code_text.contains(&format!("{fw}::"));
                if has_positive && named && !entry.2.iter().any(|x| x == fw) {
                    entry.2.push(fw.to_string());
                }
            }
        }
    }
    for (code, (pos, traps, frameworks)) in per_rule {
        assert!(pos >= 6, "{code}: only {pos} positive lines");
        assert!(traps >= 6, "{code}: only {traps} trap lines");
        assert!(frameworks.len() >= 3, "{code}: frameworks {frameworks:?}");
    }
}

#[test]
fn the_harness_catches_missing_and_extra_findings() {
    let mut linter = linter();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("probe.rs");
    // A real finding left unmarked, and a marked line that is fine.
    std::fs::write(
        &path,
        "async fn h(uri: axum::http::Uri) {\n    let p = uri.query_params();\n    let q = 1; //~ SL002\n}\n",
    )
    .unwrap();
    let err = check_fixture(&mut linter, &path).unwrap_err();
    assert!(
        err.contains("missing") && err.contains(":3: SL002"),
        "{err}"
    );
    assert!(err.contains("extra") && err.contains(":2: SL001"), "{err}");
}

/// Every fixture with a fixable finding has `<name>.fixed` beside it: the
/// code after `--fix --unsafe-fixes`. Fixing must produce it exactly, the
/// result must parse, and fixing again must change nothing. Run with
/// `SCOPE_LINT_BLESS=1` to rewrite the `.fixed` files after a deliberate
/// change, then review the diff.
#[test]
fn fixes_turn_each_fixture_into_its_fixed_file() {
    let mut linters = linter();
    let bless = std::env::var_os("SCOPE_LINT_BLESS").is_some();
    let mut files = Vec::new();
    rust_files(&fixtures_dir(), &mut files);
    let mut failures = String::new();
    let mut checked = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let fixed_path = f.with_extension("fixed");
        let linter = linters.get(f);
        let lint = |t: &str| linter.lint_text(f, t.to_string()).diagnostics;
        let fixable = lint(&text)
            .iter()
            .any(|d| scope_lint::fix::allowed(d, true));
        if !fixable {
            if fixed_path.exists() {
                failures.push_str(&format!(
                    "{}: stale (no fixable finding)\n",
                    fixed_path.display()
                ));
            }
            continue;
        }
        checked += 1;
        let fixed = scope_lint::fix::fix_text(&text, true, lint);
        if let Some((code, e)) = &fixed.broke {
            failures.push_str(&format!(
                "{}: the {} fix breaks parsing: {e}\n",
                f.display(),
                code.code
            ));
            continue;
        }
        assert!(fixed.applied > 0);
        if bless {
            std::fs::write(&fixed_path, &fixed.text).unwrap();
        }
        match std::fs::read_to_string(&fixed_path) {
            Ok(want) if want == fixed.text => {}
            Ok(want) => failures.push_str(&format!(
                "{}: --fix differs from the .fixed file:\n{}\n",
                f.display(),
                similar::TextDiff::from_lines(&want, &fixed.text)
                    .unified_diff()
                    .header("expected", "actual")
            )),
            Err(_) => failures.push_str(&format!(
                "{}: missing (run with SCOPE_LINT_BLESS=1)\n",
                fixed_path.display()
            )),
        }
        let again = scope_lint::fix::fix_text(&fixed.text, true, lint);
        if again.applied != 0 || again.text != fixed.text {
            failures.push_str(&format!(
                "{}: a second --fix still changes it\n",
                f.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{failures}");
    assert!(checked >= 5, "only {checked} fixtures have fixes");
}

/// The prefilter never costs a finding: every fixture is linted with and
/// without it, with identical results.
#[test]
fn the_prefilter_keeps_every_fixture_finding() {
    let mut with = linter();
    let mut without = linter();
    without.no_prefilter = true;
    let mut files = Vec::new();
    rust_files(&fixtures_dir(), &mut files);
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let a = with.get(f).lint_text(f, text.clone()).diagnostics;
        let b = without.get(f).lint_text(f, text).diagnostics;
        assert_eq!(a, b, "{}", f.display());
    }
}

/// The prefilter's words come from the rules: take a rule's triggers (and
/// its need for framework words) away and its own fixtures lose findings.
/// So a rule that forgot to declare a trigger cannot pass its fixtures.
#[test]
fn removing_a_rules_triggers_loses_its_findings() {
    use scope_lint::prefilter::Prefilter;
    let models = Models::builtin().unwrap();
    for rule in scope_lint::rules::ALL {
        let code = rule.meta().code;
        let only = RuleSet::new(vec![(*rule, rule.meta().level)]);
        let mut files = Vec::new();
        rust_files(&fixtures_dir().join(code), &mut files);
        let count = |prefilter: Prefilter| {
            // An unused suppression is judged only for rules that run.
            let rules = if code == scope_lint::rules::UNUSED_SUPPRESSION.code {
                RuleSet::all()
            } else {
                RuleSet::new(vec![(*rule, rule.meta().level)])
            };
            let mut l = Linter::new(Models::builtin().unwrap(), rules);
            l.prefilter = Some(prefilter);
            files
                .iter()
                .map(|f| {
                    let text = std::fs::read_to_string(f).unwrap();
                    l.lint_text(f, text)
                        .diagnostics
                        .iter()
                        .filter(|d| d.code.code == code)
                        .count()
                })
                .sum::<usize>()
        };
        let full = count(Prefilter::new(&only, &models));
        assert!(full >= 6, "{code}: {full} findings with its own triggers");
        // A word no fixture contains stands in for the removed triggers.
        let stripped = count(Prefilter::from_parts(
            Vec::new(),
            vec![(vec!["\u{0}never".into()], false)],
        ));
        assert_eq!(stripped, 0, "{code}: findings survived without any trigger");
        let m = rule.meta();
        if !m.triggers.is_empty() && m.needs_models {
            let no_models = count(Prefilter::from_parts(
                Vec::new(),
                vec![(m.triggers.iter().map(|t| t.to_string()).collect(), true)],
            ));
            assert_eq!(
                no_models, 0,
                "{code}: findings survived without the models' crate words"
            );
        }
    }
}

/// The crate fixtures (`fixtures/crates/<name>/`, at least eight) hold
/// positives of every rule whose value comes from another file of the
/// crate, and traps; and they depend on the index: linted file by file
/// without it, most of their marked findings are lost.
#[test]
fn crate_fixtures_cover_every_rule_and_need_the_index() {
    let dir = fixtures_dir().join("crates");
    let crates = std::fs::read_dir(&dir).unwrap().count();
    assert!(crates >= 8, "only {crates} fixture crates");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut codes = std::collections::BTreeSet::new();
    let mut traps = 0;
    let mut marked = 0;
    let mut found_alone = 0;
    let alone = Linter::new(Models::builtin().unwrap(), RuleSet::all());
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        traps += text.lines().filter(|l| l.contains("// ok:")).count();
        let want = expected(&text);
        marked += want.len();
        codes.extend(want.iter().map(|(_, c)| c.clone()));
        let src = scope_lint::source::SourceFile::new(f, text.clone());
        let got: Vec<(usize, String)> = alone
            .lint_text(f, text)
            .diagnostics
            .iter()
            .map(|d| (src.line_col(d.range.start).line, d.code.code.to_string()))
            .collect();
        found_alone += want.iter().filter(|w| got.contains(w)).count();
    }
    for rule in scope_lint::rules::ALL {
        let code = rule.meta().code;
        if code != "SL100" {
            assert!(codes.contains(code), "no crate-wide positive of {code}");
        }
    }
    assert!(traps >= 30, "only {traps} crate-wide traps");
    assert!(
        found_alone * 2 < marked,
        "{found_alone} of {marked} crate findings are found without the index"
    );
}

/// The same routes linted against an axum 0.7 lock and an axum 0.8 lock,
/// and against a salvo 0.75 and a salvo 0.76 lock: the two fixture crates
/// of a pair hold the same code (only comments differ), and each gets the
/// findings of its own locked version: route syntax (SL012, main.rs) and
/// capture conflicts of matchit 0.7 and 0.8 (SL013, captures.rs).
#[test]
fn fixtures_lint_the_same_routes_differently_by_lock() {
    let dir = fixtures_dir().join("crates");
    let code = |p: &Path| -> Vec<String> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(|l| l.split("//").next().unwrap_or("").trim_end().to_string())
            .collect()
    };
    let mut linters = linter();
    for (older, newer, file, rule) in [
        ("routes_axum07", "routes_axum08", "main.rs", "SL012"),
        ("routes_axum07", "routes_axum08", "captures.rs", "SL013"),
        ("routes_salvo075", "routes_salvo076", "main.rs", "SL012"),
    ] {
        let (old, new) = (
            dir.join(older).join("src").join(file),
            dir.join(newer).join("src").join(file),
        );
        assert_eq!(
            code(&old),
            code(&new),
            "the two {file} fixtures must hold the same code"
        );
        let mut lines_of = |p: &Path| -> Vec<usize> {
            let text = std::fs::read_to_string(p).unwrap();
            let src = scope_lint::source::SourceFile::new(p, text.clone());
            linters
                .get(p)
                .lint_text(p, text)
                .diagnostics
                .iter()
                .filter(|d| d.code.code == rule)
                .map(|d| src.line_col(d.range.start).line)
                .collect()
        };
        let (under_07, under_08) = (lines_of(&old), lines_of(&new));
        assert!(
            under_07.len() >= 3 && under_08.len() >= 3,
            "{file} {rule}: {under_07:?} {under_08:?}"
        );
        assert!(
            under_07.iter().all(|l| !under_08.contains(l)),
            "{file}: no {rule} finding under both versions: {under_07:?} {under_08:?}"
        );
    }
}
