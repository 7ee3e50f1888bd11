//! What a rule reports: a finding with its location, message, labels, help
//! and an optional fix. Nothing here knows how a finding is rendered.

use serde::Serialize;
use std::fmt;
use std::ops::Range;

/// How serious a finding is. `Off` only appears in configuration.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a fix may be applied without a human reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Cannot change behaviour beyond the bug it removes; the result parses.
    Safe,
    /// Changes types or behaviour; shown as a suggestion.
    Unsafe,
}

/// One replacement of a byte range of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

/// A suggested change, made of non-overlapping edits of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn replace(applicability: Applicability, range: Range<usize>, text: String) -> Self {
        Fix {
            applicability,
            edits: vec![Edit {
                range,
                replacement: text,
            }],
        }
    }
}

/// A secondary label pointing at related code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub range: Range<usize>,
    pub text: String,
}

/// The identity of what reported a finding: a rule or the engine itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code {
    pub code: &'static str,
    pub name: &'static str,
}

/// Findings that come from the engine rather than a rule.
pub const PARSE_ERROR: Code = Code {
    code: "parse-error",
    name: "parse-error",
};
pub const IO_ERROR: Code = Code {
    code: "io-error",
    name: "io-error",
};
pub const INTERNAL_ERROR: Code = Code {
    code: "internal-error",
    name: "internal-error",
};

/// One finding in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub level: Level,
    pub message: String,
    /// The primary range, the exact offending expression.
    pub range: Range<usize>,
    /// The text of the primary label.
    pub label: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(code: Code, level: Level, range: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            level,
            message: message.into(),
            range,
            label: String::new(),
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn with_label(mut self, text: impl Into<String>) -> Self {
        self.label = text.into();
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_secondary(mut self, range: Range<usize>, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            range,
            text: text.into(),
        });
        self
    }
}
