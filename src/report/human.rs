//! Human output: miette's graphical reports, one per finding, with the
//! source snippet, the primary label on the exact expression, secondary
//! labels, and help that carries the suggested fix.

use super::Report;
use crate::diagnostic::{Applicability, Diagnostic, Level};
use crate::lint::FileResult;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

/// Render every finding, then the summary line (unless `quiet`).
pub fn write(report: &Report<'_>, color: bool, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100);
    for result in report.results {
        for d in &result.diagnostics {
            out.write_all(render(&handler, result, d).as_bytes())?;
        }
    }
    if !quiet {
        writeln!(out, "{}", report.summary())?;
    }
    Ok(())
}

fn render(handler: &GraphicalReportHandler, result: &FileResult, d: &Diagnostic) -> String {
    let view = View::new(result, d);
    let mut s = String::new();
    if handler.render_report(&mut s, &view).is_err() {
        s = format!("{}: {}\n", result.path.display(), d.message);
    }
    s.push('\n');
    s
}

/// A finding seen through miette's `Diagnostic` trait.
struct View<'a> {
    d: &'a Diagnostic,
    code: String,
    message: String,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
}

impl<'a> View<'a> {
    fn new(result: &'a FileResult, d: &'a Diagnostic) -> View<'a> {
        let code = if d.code.code == d.code.name {
            d.code.code.to_string()
        } else {
            format!("{}({})", d.code.code, d.code.name)
        };
        let name = result.path.display().to_string();
        let (message, source) = match &result.source {
            Some(src) => (
                d.message.clone(),
                Some(NamedSource::new(name, src.text.clone()).with_language("Rust")),
            ),
            // Without source text there is no snippet: name the file here.
            None => (format!("{name}: {}", d.message), None),
        };
        View {
            d,
            code,
            message,
            help: help_text(d),
            source,
        }
    }
}

/// The rule's help, then the fix spelled out.
pub fn help_text(d: &Diagnostic) -> Option<String> {
    let fix = d.fix.as_ref().map(|fix| {
        let edits: Vec<String> = fix
            .edits
            .iter()
            .map(|e| match (e.range.is_empty(), e.replacement.is_empty()) {
                (true, _) => format!("insert `{}`", e.replacement),
                (false, true) => "remove it".to_string(),
                (false, false) => format!("replace with `{}`", e.replacement),
            })
            .collect();
        match fix.applicability {
            Applicability::Safe => format!("fix: {}", edits.join("; ")),
            Applicability::Unsafe => format!("suggested fix (unsafe): {}", edits.join("; ")),
        }
    });
    match (&d.help, fix) {
        (Some(h), Some(f)) => Some(format!("{h}\n{f}")),
        (Some(h), None) => Some(h.clone()),
        (None, f) => f,
    }
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<Severity> {
        Some(match self.d.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Note => Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let text = |t: &str| (!t.is_empty()).then(|| t.to_string());
        let primary = LabeledSpan::new_primary_with_span(
            text(&self.d.label),
            self.d.range.start..self.d.range.end,
        );
        let secondary = self
            .d
            .labels
            .iter()
            // A label inside the primary one only clutters the drawing.
            .filter(|l| l.range.end <= self.d.range.start || l.range.start >= self.d.range.end)
            .map(move |l| LabeledSpan::new_with_span(text(&l.text), l.range.clone()));
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}
