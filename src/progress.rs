//! A progress bar on stderr for long runs, so a 13,000-file tree is not
//! 40 seconds of silence. It appears only when a person is watching: stderr
//! is a terminal, not in CI (`CI` set), not on a dumb terminal; and only
//! when the run is long: over [`MANY_FILES`] files, or still going after
//! [`SLOW`]. Short runs never flash a bar; the bar is cleared at the end.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Runs over this many files show the bar from the start.
pub const MANY_FILES: usize = 2_000;
/// Shorter runs show it once they have taken this long.
pub const SLOW: Duration = Duration::from_secs(1);

/// Whether this process may show a bar at all.
pub fn wanted() -> bool {
    allowed(
        std::io::stderr().is_terminal(),
        std::env::var_os("CI").as_deref(),
        std::env::var_os("TERM").as_deref(),
    )
}

/// [`wanted`] from its inputs: stderr is a terminal, the `CI` and `TERM`
/// environment variables.
pub fn allowed(
    stderr_is_terminal: bool,
    ci: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
) -> bool {
    let in_ci = ci.is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    stderr_is_terminal && !in_ci && term.is_none_or(|t| t != "dumb")
}

/// The bar of one run, shared by the worker threads.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    started: Instant,
    shown: AtomicBool,
}

impl Progress {
    /// A bar over `total` files; hidden until the run proves long.
    pub fn new(enabled: bool, total: usize) -> Progress {
        let bar = enabled.then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} checking {pos}/{len} files [{bar:30}] {elapsed}",
                )
                .expect("a valid template")
                .progress_chars("=> "),
            );
            bar
        });
        Progress {
            bar,
            total,
            started: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    /// Whether a run of `total` files, `elapsed` in, deserves a bar.
    pub fn long(total: usize, elapsed: Duration) -> bool {
        total > MANY_FILES || elapsed > SLOW
    }

    /// One more file done.
    pub fn tick(&self) {
        let Some(bar) = &self.bar else { return };
        if !self.shown.load(Ordering::Relaxed)
            && Self::long(self.total, self.started.elapsed())
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
        }
        bar.inc(1);
    }

    /// Clear the bar before the report is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// Whether the bar has been drawn.
    pub fn shown(&self) -> bool {
        self.shown.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn only_on_a_terminal_outside_ci() {
        assert!(allowed(true, None, Some(OsStr::new("xterm"))));
        assert!(!allowed(false, None, None), "a pipe");
        assert!(!allowed(true, Some(OsStr::new("true")), None), "CI");
        assert!(!allowed(true, Some(OsStr::new("1")), None), "CI");
        assert!(allowed(true, Some(OsStr::new("")), None), "CI empty");
        assert!(!allowed(true, None, Some(OsStr::new("dumb"))));
    }

    #[test]
    fn only_for_long_runs() {
        assert!(!Progress::long(100, Duration::from_millis(200)));
        assert!(Progress::long(100, Duration::from_millis(1500)));
        assert!(Progress::long(13_000, Duration::ZERO));
    }

    #[test]
    fn a_disabled_bar_is_never_shown() {
        let p = Progress::new(false, 10_000);
        p.tick();
        assert!(!p.shown());
        let p = Progress::new(true, 10_000);
        p.tick();
        assert!(p.shown());
        p.finish();
    }
}
