//! The prefilter: most files of a real tree never mention a URL, a request
//! or a log of one. Before parsing, one Aho-Corasick scan of a file's bytes
//! decides whether any enabled rule could fire in it; files that cannot
//! match are not parsed at all.
//!
//! The words come from the rules and the models, never from a list kept
//! here: each rule declares its literal `triggers` and whether it needs a
//! framework value (`needs_models`), and the models supply the crate names
//! a file must mention to hold one. A new rule or a user's model is
//! therefore never skipped silently. A rule may fire in a file when one of
//! its triggers is present (or it has none) and, if it needs models, a
//! crate word is present too. The crate words are
//! [`Models::admission_words`]: a crate that gives only macros (`tracing`)
//! brings no framework value of its own.

use crate::models::Models;
use crate::rules::RuleSet;
use aho_corasick::AhoCorasick;

/// Cheap to clone: the automaton is shared.
#[derive(Clone)]
pub struct Prefilter {
    ac: AhoCorasick,
    /// The crate words alone, for [`Prefilter::names_a_crate`].
    crates: CrateWords,
    /// The same for the rules that still apply in test code, for files
    /// whose path says they hold only tests (`tests/`, `benches/`, see
    /// [`crate::engine::is_test_file`]): a rule that skips tests cannot
    /// fire there. `None` when every rule applies in tests.
    in_tests: Option<std::sync::Arc<Prefilter>>,
    /// Pattern ids of the crate words: `0..models_end`.
    models_end: usize,
    /// Per rule: its trigger pattern ids, and whether it needs models.
    rules: Vec<(Vec<usize>, bool)>,
    /// Per pattern: whether a key character must come right before it (a
    /// trigger written `\w=`: `?key=` builds a query, `w!("=")` does not).
    after_key: Vec<bool>,
    /// The triggers of rules that need no framework value, each with its
    /// `after_key`, for [`Prefilter::model_free_triggers`], which runs on
    /// every file that names no modelled crate: a vectorized search per
    /// trigger (there are two or three, each of two bytes or more) is
    /// several times faster than an automaton asked for overlapping
    /// matches of all of them (3.5% of a cold run on the bench corpus).
    free: Vec<(memchr::memmem::Finder<'static>, bool)>,
}

/// The crate words, asked of the word before every `::` of every file a
/// cold run meets: most such words (`std`, `Self`, `String`) are turned
/// away by their length or first byte before a lookup.
#[derive(Clone, Default)]
struct CrateWords {
    words: foldhash::HashSet<Box<[u8]>>,
    /// Bit `n`: some word is `n` bytes long (63: longer).
    lengths: u64,
    /// Bit `b`: some word starts with byte `b`.
    firsts: [u64; 4],
}

impl CrateWords {
    fn new<'w>(words: impl Iterator<Item = &'w [u8]>) -> CrateWords {
        let mut out = CrateWords::default();
        for w in words {
            let Some(&first) = w.first() else { continue };
            out.lengths |= 1 << w.len().min(63);
            out.firsts[usize::from(first >> 6)] |= 1 << (first & 63);
            out.words.insert(w.into());
        }
        out
    }

    fn contains(&self, word: &[u8]) -> bool {
        let Some(&first) = word.first() else {
            return false;
        };
        self.lengths & (1 << word.len().min(63)) != 0
            && self.firsts[usize::from(first >> 6)] & (1 << (first & 63)) != 0
            && self.words.contains(word)
    }
}

/// What [`Prefilter::admit`] lets through of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    Skip,
    /// Only rules that need no models may fire, and only in an item that
    /// holds one of their triggers ([`crate::body_mask::mask_to_triggers`]).
    AtTriggers,
    Whole,
}

/// The trigger prefix that asks for a key character before the match.
const AFTER_KEY: &str = "\\w";

/// A byte of a query key (see `sl007::query_key_at_end`).
fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b']' | b'%')
}

impl Prefilter {
    /// The prefilter for `rules` under `models`.
    pub fn new(rules: &RuleSet, models: &Models) -> Prefilter {
        // Once per process for each set of model entries and rules: a run
        // makes a linter for every set of crate versions it meets, most
        // sharing both (and working out the words is not free). The entry
        // keeps its models, so their id stays theirs and unchanged.
        type Built = std::collections::HashMap<(usize, Vec<&'static str>), (Models, Prefilter)>;
        static BUILT: std::sync::OnceLock<std::sync::Mutex<Built>> = std::sync::OnceLock::new();
        let built = BUILT.get_or_init(Default::default);
        let key = (
            models.id(),
            rules.rules().map(|(r, _)| r.meta().code).collect(),
        );
        if let Some((_, found)) = built.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return found.clone();
        }
        let per_rule = |in_tests: bool| -> Vec<(Vec<String>, bool)> {
            rules
                .rules()
                .map(|(r, _)| r.meta())
                .filter(|m| !(in_tests && m.skip_in_tests))
                .map(|m| {
                    (
                        m.triggers.iter().map(|t| t.to_string()).collect(),
                        m.needs_models,
                    )
                })
                .collect()
        };
        let mut prefilter = Prefilter::from_parts(models.admission_words(), per_rule(false));
        if rules.rules().any(|(r, _)| r.meta().skip_in_tests) {
            let in_tests = Prefilter::from_parts(models.admission_words(), per_rule(true));
            prefilter.in_tests = Some(std::sync::Arc::new(in_tests));
        }
        built
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, (models.clone(), prefilter.clone()));
        prefilter
    }

    /// Built from explicit words: tests use it to take triggers away.
    /// Built once per process for each set of words: a run makes a linter
    /// for every set of crate versions it meets, most with the same words.
    pub fn from_parts(crate_words: Vec<String>, per_rule: Vec<(Vec<String>, bool)>) -> Prefilter {
        type Built = std::collections::HashMap<(Vec<String>, Vec<(Vec<String>, bool)>), Prefilter>;
        static BUILT: std::sync::OnceLock<std::sync::Mutex<Built>> = std::sync::OnceLock::new();
        let built = BUILT.get_or_init(Default::default);
        let key = (crate_words, per_rule);
        if let Some(found) = built.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return found.clone();
        }
        let prefilter = Prefilter::build(key.0.clone(), key.1.clone());
        built
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, prefilter.clone());
        prefilter
    }

    fn build(crate_words: Vec<String>, per_rule: Vec<(Vec<String>, bool)>) -> Prefilter {
        // A crate is named in code as a path (`http::Uri`, `use axum::..`);
        // a bare word would match every `https://` in a comment.
        let mut patterns: Vec<String> = crate_words.into_iter().map(|w| format!("{w}::")).collect();
        let models_end = patterns.len();
        let mut rules = Vec::new();
        let mut after_key = vec![false; patterns.len()];
        for (triggers, needs_models) in per_rule {
            let mut ids = Vec::new();
            for t in triggers {
                let (t, key) = match t.strip_prefix(AFTER_KEY) {
                    Some(rest) => (rest.to_string(), true),
                    None => (t, false),
                };
                let same = |(p, k): (&String, &bool)| *p == t && *k == key;
                let id = match patterns[models_end..]
                    .iter()
                    .zip(&after_key[models_end..])
                    .position(same)
                {
                    Some(i) => models_end + i,
                    None => {
                        patterns.push(t);
                        after_key.push(key);
                        patterns.len() - 1
                    }
                };
                ids.push(id);
            }
            rules.push((ids, needs_models));
        }
        let ac = AhoCorasick::new(&patterns).expect("literal patterns always build");
        let crates = CrateWords::new(
            patterns[..models_end]
                .iter()
                .map(|p| p.trim_end_matches("::").as_bytes()),
        );
        let mut free_ids: Vec<usize> = rules
            .iter()
            .filter(|(_, needs_models)| !needs_models)
            .flat_map(|(ids, _)| ids.iter().copied())
            .collect();
        free_ids.sort_unstable();
        free_ids.dedup();
        let free = free_ids
            .iter()
            .map(|&id| {
                let finder = memchr::memmem::Finder::new(patterns[id].as_bytes()).into_owned();
                (finder, after_key[id])
            })
            .collect();
        Prefilter {
            in_tests: None,
            ac,
            crates,
            models_end,
            rules,
            after_key,
            free,
        }
    }

    /// The prefilter for a file that holds only tests (`in_tests`, see
    /// [`crate::engine::is_test_file`]) or not: in tests, the rules that
    /// skip tests are left out.
    pub fn for_tests(&self, in_tests: bool) -> &Prefilter {
        match &self.in_tests {
            Some(only) if in_tests => only,
            _ => self,
        }
    }

    /// Does the text hold a trigger of a rule that needs no framework
    /// value (SL007's `?key={`)? Such a rule may fire in any code.
    pub fn model_free_trigger(&self, text: &[u8]) -> bool {
        self.model_free_triggers(text).next().is_some()
    }

    /// Where the text holds triggers of rules that need no framework value
    /// (start offsets: ascending for each trigger, one trigger after the
    /// other).
    pub fn model_free_triggers<'a>(&'a self, text: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
        self.free.iter().flat_map(move |(finder, after_key)| {
            finder.find_iter(text).filter(move |&at| {
                let key_before = at > 0 && is_key_byte(text[at - 1]);
                !after_key || key_before
            })
        })
    }

    /// Could any rule fire in a file with these bytes?
    pub fn may_match(&self, text: &[u8]) -> bool {
        self.may_match_with(text, false)
    }

    /// Does the code of the text (not a `//` comment: docs name crates in
    /// links) name a modelled crate as a path (`axum::`)? Each `::` is
    /// found with a vectorized search and the whole word before it looked
    /// up: several times faster than an automaton over the words, and it
    /// runs on every file of a cold run. (A word right after another word
    /// character, `myurl::`, is not the crate.)
    pub fn names_a_crate(&self, text: &[u8]) -> bool {
        self.crate_words_at(text).any(|(start, colons)| {
            let line_start = text[..start]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            !text[line_start..start].windows(2).any(|w| w == b"//")
                // A path goes on with a name (`url::Url`), not a turbofish
                // (`url::<T>`, a function of the same name).
                && text
                    .get(colons + 2)
                    .is_some_and(|&b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'{' | b'*'))
        })
    }

    /// Each crate word right before a `::` (its start, and where the `::`
    /// is), the whole word before it: a word right after another word
    /// character (`myurl::`) is not the crate.
    fn crate_words_at<'t>(&'t self, text: &'t [u8]) -> impl Iterator<Item = (usize, usize)> + 't {
        let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        memchr::memmem::find_iter(text, b"::").filter_map(move |colons| {
            let start = text[..colons]
                .iter()
                .rposition(|&b| !is_word(b))
                .map_or(0, |i| i + 1);
            self.crates
                .contains(&text[start..colons])
                .then_some((start, colons))
        })
    }

    /// What of a file may matter: nothing, the items holding a trigger of
    /// a rule that needs no models (no framework value can appear in the
    /// file: it names no modelled crate, nor, by `names_framework`, an
    /// item of its crate that holds a framework value), or all of it.
    /// `names_framework` is asked last (the index may have to be built
    /// for it).
    pub fn admit(&self, text: &[u8], names_framework: impl FnOnce() -> bool) -> Admit {
        if self.mentions_a_crate_word(text) {
            return match self.may_match_with(text, true) {
                true => Admit::Whole,
                false => Admit::Skip,
            };
        }
        if self.may_match_with(text, true) && names_framework() {
            return Admit::Whole;
        }
        if self.rules.iter().any(|(t, m)| t.is_empty() && !m) {
            return Admit::Whole;
        }
        match self.model_free_trigger(text) {
            true => Admit::AtTriggers,
            false => Admit::Skip,
        }
    }

    /// [`Prefilter::may_match`], when the file is already known to name a
    /// framework value another way (`names_framework`: one of its crate's
    /// items that hold one, see [`crate::index::Index`]).
    pub fn may_match_with(&self, text: &[u8], names_framework: bool) -> bool {
        // Rules with neither triggers nor a need for models always may.
        if self.rules.iter().any(|(t, m)| t.is_empty() && !m) {
            return true;
        }
        // A rule may fire when one of its triggers is there (or it has
        // none) and, if it needs models, a crate word is there. Looking
        // for the crate words first (by each `::`, see
        // [`Prefilter::names_a_crate`]) spares most files the automaton:
        // with a crate word, the builtin rules without triggers (SL001)
        // may fire; without one, only the rules that need no models can.
        if names_framework || self.mentions_a_crate_word(text) {
            return self.rules.iter().any(|(t, m)| t.is_empty() && *m) || self.any_trigger(text);
        }
        self.model_free_trigger(text)
    }

    /// Does a crate word stand before a `::` anywhere (comments included:
    /// the automaton's `word::` with no word character before it)?
    fn mentions_a_crate_word(&self, text: &[u8]) -> bool {
        self.crate_words_at(text).next().is_some()
    }

    /// Is any rule's trigger in the text (a `\w` one after a key byte)?
    fn any_trigger(&self, text: &[u8]) -> bool {
        self.ac.find_overlapping_iter(text).any(|m| {
            let id = m.pattern().as_usize();
            id >= self.models_end
                && (!self.after_key[id] || (m.start() > 0 && is_key_byte(text[m.start() - 1])))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_framework_values_is_admitted_at_its_triggers() {
        let p = Prefilter::from_parts(
            vec!["axum".into()],
            vec![(vec![], true), (vec!["\\w={".into()], false)],
        );
        let never = || -> bool { panic!("the index is not asked") };
        assert_eq!(p.admit(b"use axum::Uri;", never), Admit::Whole);
        assert_eq!(p.admit(b"format!(\"?a={a}\")", || false), Admit::AtTriggers);
        // Naming an item of its crate that holds a framework value.
        assert_eq!(p.admit(b"format!(\"?a={a}\")", || true), Admit::Whole);
        assert_eq!(p.admit(b"st.base.len()", || true), Admit::Whole);
        assert_eq!(p.admit(b"st.base.len()", || false), Admit::Skip);
        // A rule that needs neither: every file, whole.
        let p = Prefilter::from_parts(vec![], vec![(vec![], false)]);
        assert_eq!(p.admit(b"fn f() {}", || false), Admit::Whole);
    }

    #[test]
    fn a_rule_needs_its_trigger_and_a_crate_word() {
        let p = Prefilter::from_parts(vec!["axum".into()], vec![(vec!["split".into()], true)]);
        assert!(p.may_match(b"use axum::http::Uri; q.split('&')"));
        assert!(!p.may_match(b"q.split('&')"));
        assert!(!p.may_match(b"use axum::Router;"));
        assert!(!p.may_match(b"// see https://axum.rs: q.split('&')"));
        assert!(!p.may_match(b"use my_axum::Uri; q.split('&')"));
        assert!(p.may_match(b"use ::axum::Uri; q.split('&')"));
        assert!(p.may_match(b"let u = axum::Uri::default();\nq.split('&')"));
        // At the start of the text, and the trigger before the word.
        assert!(p.may_match(b"axum::x(); q.split('&')"));
        assert!(p.may_match(b"q.split('&'); axum::x()"));
        // A rule without triggers may fire wherever a crate word is.
        let p = Prefilter::from_parts(vec!["axum".into()], vec![(vec![], true)]);
        assert!(p.may_match(b"use axum::Router;"));
        assert!(!p.may_match(b"use tower::Layer;"));
        let p = Prefilter::from_parts(vec!["axum".into()], vec![(vec!["={".into()], false)]);
        assert!(p.may_match(b"format!(\"?a={a}\")"));
        // `\w=`: only after a query key's last character.
        let p = Prefilter::from_parts(Vec::new(), vec![(vec!["\\w=\"".into()], false)]);
        assert!(p.may_match(b"let q = \"?page=\".to_string() + n;"));
        assert!(p.may_match(b"\"&a[]=\""));
        assert!(!p.may_match(b"pub const EQ: PCWSTR = w!(\"=\");"));
        assert!(!p.may_match(b"=\""));
        assert!(p.model_free_trigger(b"\"?page=\" + n"));
        assert!(!p.model_free_trigger(b"w!(\"=\")"));
        // Named through one of the crate's own items: the crate word is
        // known to be there.
        let p = Prefilter::from_parts(vec!["axum".into()], vec![(vec!["split".into()], true)]);
        assert!(!p.may_match(b"st.base.split('&')"));
        assert!(p.may_match_with(b"st.base.split('&')", true));
        assert!(!p.may_match_with(b"st.base.len()", true));
    }

    #[test]
    fn crates_are_named_in_code_not_in_comments_or_turbofish() {
        let p = Prefilter::from_parts(vec!["url".into()], Vec::new());
        assert!(p.names_a_crate(b"use url::Url;"));
        assert!(p.names_a_crate(b"use url::{Url, ParseError};"));
        assert!(!p.names_a_crate(b"/// see [`url::Url`]"));
        assert!(!p.names_a_crate(b"let x = 1; // url::Url"));
        assert!(!p.names_a_crate(b"url: url::<Identity, Impl>,"));
        assert!(!p.names_a_crate(b"use myurl::Url;"));
    }

    /// The search by `::` finds a crate named as an overlapping search of
    /// every word would, on texts where words hide in other words.
    #[test]
    fn crate_words_are_found_as_an_overlapping_search_finds_them() {
        let words: Vec<String> = [
            "url",
            "form_urlencoded",
            "web",
            "actix_web",
            "http",
            "hyper",
        ]
        .map(String::from)
        .to_vec();
        let p = Prefilter::from_parts(words.clone(), vec![(vec!["split".into()], true)]);
        let every = AhoCorasick::new(words.iter().map(|w| format!("{w}::"))).unwrap();
        let reference = |text: &[u8]| {
            every.find_overlapping_iter(text).any(|m| {
                let start = m.start();
                let line = text[..start]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
                !(start > 0 && (text[start - 1].is_ascii_alphanumeric() || text[start - 1] == b'_'))
                    && !text[line..start].windows(2).any(|w| w == b"//")
                    && text.get(m.end()).is_some_and(|&b| {
                        b.is_ascii_alphabetic() || matches!(b, b'_' | b'{' | b'*')
                    })
            })
        };
        let parts = [
            "actix_web::App",
            "web::Data",
            "form_urlencoded::parse",
            "myurl::x",
            "url::<T>",
            "// http::Uri",
            "\n",
            "hyper::Body",
            " ",
            "split",
            "actix_web::<",
            "xweb::y",
            "::",
            ":::url",
            "r#url::",
            "url:",
            ":",
        ];
        // Every sequence of three parts.
        for a in parts {
            for b in parts {
                for c in parts {
                    let text = format!("{a}{b}{c}");
                    assert_eq!(
                        p.names_a_crate(text.as_bytes()),
                        reference(text.as_bytes()),
                        "{text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn changed_models_get_their_own_prefilter() {
        let rules = RuleSet::all();
        let models = Models::builtin().unwrap();
        let text = b"use mycrate::Thing; fn f(t: Thing) -> u8 { t.x() }";
        assert!(!Prefilter::new(&rules, &models).may_match(text));
        let mut mine = models.clone();
        mine.add_source(
            "mine.toml",
            "[[type]]\npath = \"mycrate::Thing\"\nroles = [\"request-uri\"]\n",
        )
        .unwrap();
        assert!(Prefilter::new(&rules, &mine).may_match(text));
        // The shared models keep theirs.
        assert!(!Prefilter::new(&rules, &models).may_match(text));
    }

    #[test]
    fn every_model_free_trigger_is_found_where_it_starts() {
        let p = Prefilter::from_parts(
            vec!["axum".into()],
            vec![
                (vec!["\\w={".into(), "\\w=\"".into()], false),
                (vec!["scope-lint:".into()], false),
                (vec!["split".into()], true),
            ],
        );
        let text = b"a={x} b=\"y\" w!(\"=\") c={z} // scope-lint: allow(SL007)\n q.split('&')";
        let mut at: Vec<usize> = p.model_free_triggers(text).collect();
        at.sort_unstable();
        let find = |w: &str, from: usize| {
            from + text[from..]
                .windows(w.len())
                .position(|x| x == w.as_bytes())
                .unwrap()
        };
        // Not `w!("=")`: no key character before its `="`; not `split`,
        // which needs a framework value.
        let c = find("c={", 0) + 1;
        assert_eq!(at, vec![1, find("=\"y", 0), c, find("scope-lint:", 0)]);
    }

    #[test]
    fn in_tests_the_rules_that_skip_tests_let_nothing_in() {
        let models = Models::builtin().unwrap();
        let p = Prefilter::new(&RuleSet::all(), &models);
        // SL007 needs no framework value but skips tests.
        let query = b"fn f(k: &str) -> String { format!(\"/a?key={k}\") }";
        assert_eq!(p.for_tests(false).admit(query, || false), Admit::AtTriggers);
        assert_eq!(p.for_tests(true).admit(query, || false), Admit::Skip);
        // SL001 and SL002 still apply in tests; SL100 does too.
        let uri = b"use axum::http::Uri; fn f(u: Uri) { u.query_params(); }";
        assert_eq!(p.for_tests(true).admit(uri, || false), Admit::Whole);
        let suppressed = b"// scope-lint: allow(SL007)\nfn f() {}";
        assert_eq!(
            p.for_tests(true).admit(suppressed, || false),
            Admit::AtTriggers
        );
        // Rules that all apply in tests need no second prefilter.
        let sl001 = RuleSet::new(
            RuleSet::all()
                .rules()
                .filter(|(r, _)| r.meta().code == "SL001")
                .collect(),
        );
        let only = Prefilter::new(&sl001, &models);
        assert!(std::ptr::eq(only.for_tests(true), &only));
    }

    #[test]
    fn crates_that_give_only_macros_admit_nothing_alone() {
        let models = Models::builtin().unwrap();
        let p = Prefilter::new(&RuleSet::all(), &models);
        let text = b"pub fn backoff(a: u32, base: &str) -> usize {
            log::debug!(\"retry {a} of {base}\");
            tracing::info!(\"{a}\");
            base.split('&').count()
        }";
        assert_eq!(p.admit(text, || false), Admit::Skip);
        // An item of the file's crate that holds a framework value (the
        // index answers) lets it through.
        assert_eq!(p.admit(text, || true), Admit::Whole);
        let with_url = b"use url::Url; fn f(u: &Url) { tracing::info!(\"{u}\"); }";
        assert_eq!(p.admit(with_url, || false), Admit::Whole);
        let words = models.admission_words();
        for w in ["log", "tracing", "anyhow", "eyre"] {
            assert!(!words.iter().any(|x| x == w), "{w} in {words:?}");
        }
        // A wrapper (`tracing::field::display`) passes on what it wraps: a
        // body calling `display(x)` does not matter for that call alone.
        assert!(models.is_wrapper("tracing::field::display"));
        let free = models.free_function_names();
        for w in ["display", "debug"] {
            assert!(!free.iter().any(|x| x == w), "{w} in {free:?}");
        }
        // SL014's access-log layers come from crates that may give no value.
        for w in ["axum", "url", "http", "tower_http", "tracing_actix_web"] {
            assert!(words.iter().any(|x| x == w), "{w} missing from {words:?}");
        }
    }

    #[test]
    fn builtin_rules_and_models_skip_plain_code() {
        let models = Models::builtin().unwrap();
        let p = Prefilter::new(&RuleSet::all(), &models);
        assert!(!p.may_match(b"fn add(a: u32, b: u32) -> u32 { a + b }"));
        assert!(p.may_match(b"use url::Url; fn f(u: &Url) { u.join(\"x\"); }"));
        let words = models.crate_words();
        for w in [
            "axum",
            "url",
            "http",
            "actix_web",
            "warp",
            "reqwest",
            "tungstenite",
        ] {
            assert!(words.iter().any(|x| x == w), "{w} missing from {words:?}");
        }
        assert!(!words.iter().any(|x| x == "std"));
        // Locks only pass on what they hold: a file naming `tokio::` alone
        // brings no followed value.
        for w in ["tokio", "parking_lot"] {
            assert!(!words.iter().any(|x| x == w), "{w} in {words:?}");
        }
        assert!(!p.may_match(
            b"async fn f(m: &tokio::sync::Mutex<u8>) { let a = m.lock().await; a.join(\"x\"); }"
        ));
    }
}
