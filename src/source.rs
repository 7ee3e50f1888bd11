//! One linted file: its path, its text and a line index.
//!
//! Rules and reporters speak in byte offsets; users read lines and columns.
//! `SourceFile` converts between the two once per file, counting columns in
//! characters (what editors and the JSON format promise), not bytes.

use std::path::PathBuf;
use std::sync::Arc;

/// A file's text with the byte offset of each line start.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
    line_starts: Vec<usize>,
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset of a 1-based line and a 0-based character column, the
    /// convention of `proc_macro2::LineColumn`. Out-of-range positions clamp.
    pub fn offset_of(&self, line: usize, char_column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let line_text = &self.text[start..end];
        match line_text.char_indices().nth(char_column) {
            Some((i, _)) => start + i,
            None => end,
        }
    }

    /// 1-based line and 1-based character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte range of a syntax node's span.
    pub fn range_of(&self, span: proc_macro2::Span) -> std::ops::Range<usize> {
        let start = span.start();
        let end = span.end();
        let a = self.offset_of(start.line, start.column);
        let b = self.offset_of(end.line, end.column);
        a..b.max(a)
    }

    /// The source text under a span.
    pub fn snippet(&self, span: proc_macro2::Span) -> &str {
        let r = self.range_of(span);
        &self.text[r]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_columns_count_characters() {
        let f = SourceFile::new("a.rs", "ab\né€x\n");
        assert_eq!(f.offset_of(2, 0), 3);
        assert_eq!(f.offset_of(2, 2), 3 + 2 + 3);
        assert_eq!(f.line_col(3 + 5), LineCol { line: 2, column: 3 });
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_count(), 3);
    }
}
