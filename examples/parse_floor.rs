//! The syn parse floor: walk a tree like scope-lint does, read every Rust
//! file, parse it with `syn::parse_file` and run one no-op visitor pass, on
//! N threads. A linter that parses every file can at best tie this; the
//! benchmark (`bench/run.py`) compares scope-lint against it.
//!
//!     cargo run --release --example parse_floor -- DIR [--threads N]

use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use syn::visit::Visit;

struct Count(usize);

impl<'ast> Visit<'ast> for Count {
    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        self.0 += 1;
        syn::visit::visit_expr(self, e);
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut threads = 0;
    while let Some(a) = args.next() {
        if a == "--threads" {
            threads = args
                .next()
                .and_then(|n| n.parse().ok())
                .expect("--threads N");
        } else {
            dir = Some(PathBuf::from(a));
        }
    }
    let dir = dir.expect("usage: parse_floor DIR [--threads N]");
    let started = Instant::now();
    let walked = scope_lint::walk::collect(&[dir], threads).expect("a readable directory");
    let failures = AtomicUsize::new(0);
    let (lines, exprs): (usize, usize) = scope_lint::lint::in_pool(threads, || {
        walked
            .files
            .par_iter()
            .map(|p| {
                let Ok(text) = std::fs::read_to_string(p) else {
                    return (0, 0);
                };
                let lines = text.lines().count();
                let n = match syn::parse_file(&text) {
                    Ok(file) => {
                        let mut c = Count(0);
                        c.visit_file(&file);
                        c.0
                    }
                    Err(_) => {
                        failures.fetch_add(1, Ordering::Relaxed);
                        0
                    }
                };
                proc_macro2::extra::invalidate_current_thread_spans();
                (lines, n)
            })
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    });
    println!(
        "files {} lines {} expressions {} parse_failures {} seconds {:.3}",
        walked.files.len(),
        lines,
        exprs,
        failures.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
}
