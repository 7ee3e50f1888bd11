//! Render linted results with one output format's writer, as a string:
//! the format tests' common step.

use scope_lint::lint::FileResult;
use scope_lint::report::Report;
use std::time::Duration;

pub type Writer = fn(&Report<'_>, &mut dyn std::io::Write) -> std::io::Result<()>;

pub fn render(results: &[FileResult], write: Writer) -> String {
    let report = Report {
        results,
        elapsed: Duration::ZERO,
    };
    let mut out = Vec::new();
    write(&report, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}
