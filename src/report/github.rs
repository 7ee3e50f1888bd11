//! Being written.

use super::Report;
use std::io::{self, Write};

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let _ = report;
    writeln!(out, "[]")
}
