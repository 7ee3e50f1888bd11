//! Check that the crate index reads the same items from every file without
//! syn (`scope_lint::index::signatures`) as through syn's syntax tree, and
//! count the files it leaves to syn.
//!
//!     cargo run --release --example summary_parity -- DIR [DIR ..]
//!
//! Prints the files, those read without syn, those left to syn, and every
//! file where the two summaries differ (exit code 1 then).

use rayon::prelude::*;
use scope_lint::index::summary::{without_bodies, without_bodies_tokens, FileSummary, Lexed};
use std::path::PathBuf;
use std::sync::Mutex;

fn main() {
    let dirs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    assert!(!dirs.is_empty(), "usage: summary_parity DIR [DIR ..]");
    let walked = scope_lint::walk::collect(&dirs, 0).expect("readable directories");
    let differ = Mutex::new(Vec::new());
    let declined: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let read: usize = walked
        .files
        .par_iter()
        .map(|p| {
            let Ok(text) = std::fs::read_to_string(p) else {
                return 0;
            };
            let reduced = without_bodies(&text);
            let by_syn = FileSummary::of_reduced_by_syn(&reduced, Default::default());
            // The index's own path (tokens written with the text) reads the
            // same as a fresh lexer pass over it.
            let (_, tokens) = without_bodies_tokens(&Lexed::of(&text));
            let fast = scope_lint::index::signatures::items(&reduced);
            if scope_lint::index::signatures::items_of_tokens(&reduced, tokens) != fast {
                differ.lock().unwrap().push(format!(
                    "{}\n  the written tokens read otherwise",
                    p.display()
                ));
            }
            match fast {
                None => {
                    let at = scope_lint::index::signatures::declined_at(&reduced).unwrap_or(0);
                    let boundary = |mut i: usize| {
                        i = i.min(reduced.len());
                        while !reduced.is_char_boundary(i) {
                            i -= 1;
                        }
                        i
                    };
                    let from = boundary(at.saturating_sub(60));
                    let to = boundary(at + 40);
                    declined.lock().unwrap().push(format!(
                        "{}: {} <HERE> {}",
                        p.display(),
                        &reduced[from..at.max(from)],
                        &reduced[at.max(from)..to]
                    ));
                    0
                }
                Some(items) => {
                    if by_syn.unparsable || items != by_syn.items {
                        let first = items
                            .iter()
                            .zip(&by_syn.items)
                            .find(|(a, b)| a != b)
                            .map(|(a, b)| format!("without syn: {a:?}\n  syn: {b:?}"))
                            .unwrap_or_else(|| {
                                format!(
                                    "{} items without syn, {} by syn (unparsable: {})",
                                    items.len(),
                                    by_syn.items.len(),
                                    by_syn.unparsable
                                )
                            });
                        differ
                            .lock()
                            .unwrap()
                            .push(format!("{}\n  {first}", p.display()));
                    }
                    1
                }
            }
        })
        .sum();
    let differ = differ.into_inner().unwrap();
    let declined = declined.into_inner().unwrap();
    if std::env::var_os("SUMMARY_PARITY_DECLINED").is_some() {
        for p in &declined {
            println!("declined {p}");
        }
    }
    for d in &differ {
        println!("DIFFERS {d}");
    }
    println!(
        "files {} read without syn {} left to syn {} differ {}",
        walked.files.len(),
        read,
        declined.len(),
        differ.len()
    );
    if !differ.is_empty() {
        std::process::exit(1);
    }
}
