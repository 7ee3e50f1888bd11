//! A bounded mutation test: mutants of the fixture files (bit flips,
//! truncation, deleted and duplicated spans, deep nesting, long lines, NUL
//! bytes, invalid UTF-8, CRLF, a byte order mark, huge literals), linted
//! and fixed twice by the real binary. Nothing may panic or abort, the exit
//! code is 0, 1 or 2, a fixed file parses, and fixing again changes
//! nothing.
//!
//! The seed is fixed and printed on failure; a longer run:
//! `SCOPE_LINT_MUTANTS=2000 SCOPE_LINT_MUTATION_SEED=7 cargo test --test mutation`.

mod common;

use assert_cmd::Command;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone)]
enum Mutation {
    FlipBit(usize, u8),
    Truncate(usize),
    DeleteSpan(usize, usize),
    DuplicateSpan(usize, usize),
    Nest(usize, u8, usize),
    LongLine(usize, usize),
    Nul(usize),
    InvalidUtf8(usize),
    Crlf,
    Bom,
    HugeLiteral(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Positions are fractions of the file (per mille), sizes absolute.
    let at = 0usize..1000;
    prop_oneof![
        4 => (at.clone(), 0u8..8).prop_map(|(a, b)| Mutation::FlipBit(a, b)),
        1 => at.clone().prop_map(Mutation::Truncate),
        3 => (at.clone(), 1usize..80).prop_map(|(a, n)| Mutation::DeleteSpan(a, n)),
        3 => (at.clone(), 1usize..80).prop_map(|(a, n)| Mutation::DuplicateSpan(a, n)),
        2 => (at.clone(), 0u8..6, prop::sample::select(vec![3usize, 200, 5_000, 200_000]))
            .prop_map(|(a, k, d)| Mutation::Nest(a, k, d)),
        1 => (at.clone(), prop::sample::select(vec![1_000usize, 100_000]))
            .prop_map(|(a, n)| Mutation::LongLine(a, n)),
        1 => at.clone().prop_map(Mutation::Nul),
        1 => at.clone().prop_map(Mutation::InvalidUtf8),
        1 => Just(Mutation::Crlf),
        1 => Just(Mutation::Bom),
        1 => (at, prop::sample::select(vec![200usize, 50_000]))
            .prop_map(|(a, n)| Mutation::HugeLiteral(a, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let pos = |permille: usize, len: usize| len * permille / 1000;
    let len = bytes.len();
    match *m {
        Mutation::FlipBit(a, bit) if len > 0 => bytes[pos(a, len)] ^= 1 << bit,
        Mutation::Truncate(a) => bytes.truncate(pos(a, len)),
        Mutation::DeleteSpan(a, n) => {
            let s = pos(a, len);
            bytes.drain(s..(s + n).min(len));
        }
        Mutation::DuplicateSpan(a, n) => {
            let s = pos(a, len);
            let span: Vec<u8> = bytes[s..(s + n).min(len)].to_vec();
            bytes.splice(s..s, span);
        }
        Mutation::Nest(a, kind, depth) => {
            let (open, close) = [
                ("(", ")"),
                ("{", "}"),
                ("[", "]"),
                ("Option<", ">"),
                ("!", ""),
                (".a()", ""),
            ][kind as usize];
            let s = pos(a, len);
            let mut nest = open.repeat(depth).into_bytes();
            nest.extend(close.repeat(depth).into_bytes());
            bytes.splice(s..s, nest);
        }
        Mutation::LongLine(a, n) => {
            let s = pos(a, len);
            bytes.splice(s..s, " x".repeat(n / 2).into_bytes());
        }
        Mutation::Nul(a) => {
            let s = pos(a, len);
            bytes.insert(s, 0);
        }
        Mutation::InvalidUtf8(a) => {
            let s = pos(a, len);
            bytes.splice(s..s, [0xff, 0xc3]);
        }
        Mutation::Crlf => {
            let text = String::from_utf8_lossy(bytes).replace('\n', "\r\n");
            *bytes = text.into_bytes();
        }
        Mutation::Bom => {
            bytes.splice(0..0, [0xef, 0xbb, 0xbf]);
        }
        Mutation::HugeLiteral(a, n) => {
            let s = pos(a, len);
            bytes.splice(s..s, format!(" {} ", "7".repeat(n)).into_bytes());
        }
        _ => {}
    }
}

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            fixture_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn scope_lint(dir: &Path, fix: bool) -> (i32, String, String) {
    let mut cmd = Command::cargo_bin("scope-lint").unwrap();
    cmd.args(["--isolated", "--no-cache", "--format", "short"]);
    if fix {
        cmd.args(["--fix", "--unsafe-fixes"]);
    }
    cmd.arg(dir).timeout(Duration::from_secs(300));
    common::output_lossy(&mut cmd)
}

#[test]
fn mutants_never_crash_and_fixes_stay_parsable_and_idempotent() {
    let seed = env_or("SCOPE_LINT_MUTATION_SEED", 14);
    let count = env_or("SCOPE_LINT_MUTANTS", 60) as usize;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut seeds = Vec::new();
    fixture_files(&root, &mut seeds);
    let originals: Vec<Vec<u8>> = seeds.iter().map(|p| std::fs::read(p).unwrap()).collect();

    let mut runner = TestRunner::new(Config {
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..originals.len(), prop::collection::vec(mutation(), 1..4));
    let dir = tempfile::tempdir().unwrap();
    // A package with the crates fixes may name, so they are edits.
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"mutants\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[lib]\npath = \"m0000.rs\"\n[dependencies]\naxum = \"0.8\"\nurl = \"2\"\nform_urlencoded = \"1\"\nhttp = \"1\"\nactix-web = \"4\"\nreqwest = \"0.12\"\nwarp = \"0.3\"\ntracing = \"0.1\"\nlog = \"0.4\"\n",
    )
    .unwrap();
    let mut mutants = Vec::new();
    for i in 0..count {
        let (which, mutations) = strategy.new_tree(&mut runner).unwrap().current();
        let mut bytes = originals[which].clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let name = format!("m{i:04}.rs");
        std::fs::write(dir.path().join(&name), &bytes).unwrap();
        mutants.push((name, seeds[which].clone(), mutations));
    }
    let describe = |name: &str| {
        let (_, from, ms) = mutants.iter().find(|m| m.0 == name).unwrap();
        format!("{name} = {} with {ms:?}", from.display())
    };
    let context =
        format!("seed {seed} ({count} mutants; rerun with SCOPE_LINT_MUTATION_SEED={seed})");

    // Lint alone: no crash, no panic.
    let (code, out, err) = scope_lint(dir.path(), false);
    assert!((0..=2).contains(&code), "{context}: exit {code}\n{err}");
    assert!(!err.contains("panicked"), "{context}: {err}");
    assert!(
        out.lines().filter(|l| l.contains(": SL")).count() >= count / 4,
        "{context}: the mutants were not linted:\n{out}\n{err}"
    );
    if let Some(line) = out.lines().find(|l| l.contains("internal-error")) {
        let name = Path::new(line.split(':').next().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        panic!("{context}: {line}\n{}", describe(&name));
    }

    // Fix: every file it changes parses.
    let before: Vec<Vec<u8>> = mutants
        .iter()
        .map(|m| std::fs::read(dir.path().join(&m.0)).unwrap())
        .collect();
    let (code, _, err) = scope_lint(dir.path(), true);
    assert!((0..=2).contains(&code), "{context}: exit {code}\n{err}");
    assert!(!err.contains("panicked"), "{context}: {err}");
    let mut after = Vec::new();
    for (m, old) in mutants.iter().zip(&before) {
        let new = std::fs::read(dir.path().join(&m.0)).unwrap();
        if &new != old {
            let text = String::from_utf8(new.clone()).unwrap_or_else(|_| {
                panic!("{context}: fixed into invalid UTF-8: {}", describe(&m.0))
            });
            // As deep as the linter allows: parse on a stack as big as its.
            let parses = std::thread::Builder::new()
                .stack_size(64 * 1024 * 1024)
                .spawn(move || scope_lint::complexity::parse_file(&text).is_ok())
                .unwrap()
                .join()
                .unwrap();
            assert!(
                parses,
                "{context}: the fixed file does not parse: {}",
                describe(&m.0)
            );
        }
        after.push(new);
    }

    assert!(
        after.iter().zip(&before).any(|(a, b)| a != b),
        "{context}: --fix changed no mutant"
    );

    // Fix again: nothing left to change.
    let (code, _, err) = scope_lint(dir.path(), true);
    assert!((0..=2).contains(&code), "{context}: exit {code}\n{err}");
    for (m, fixed) in mutants.iter().zip(&after) {
        let again = std::fs::read(dir.path().join(&m.0)).unwrap();
        assert!(
            &again == fixed,
            "{context}: a second --fix changed {}",
            describe(&m.0)
        );
    }
}
