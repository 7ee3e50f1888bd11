//! One linted file: its path, its text and a line index.
//!
//! Rules and reporters speak in byte offsets; users read lines and columns.
//! `SourceFile` converts between the two once per file, counting columns in
//! characters (what editors and the JSON format promise), not bytes.
//!
//! Both directions take constant time on ASCII lines and a short scan on
//! others (a checkpoint every [`CHECKPOINT`] characters), so a generated
//! file that is one 100,000-character line costs no more than a normal
//! one. A UTF-8 byte order mark is not part of line 1: syn strips it
//! before parsing, so its columns start after it.

use std::path::PathBuf;
use std::sync::Arc;

/// Characters between two checkpoints of a non-ASCII line.
const CHECKPOINT: usize = 64;

/// A file's text with the byte offset of each line start.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
    /// Where each line's first character is (line 1: after a BOM).
    line_starts: Vec<usize>,
    /// For lines with non-ASCII characters (by line index): the byte
    /// offset of every [`CHECKPOINT`]-th character from the line start.
    checkpoints: std::collections::HashMap<usize, Vec<usize>>,
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
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut line_starts = vec![bom];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let mut checkpoints = std::collections::HashMap::new();
        // Most files are ASCII: no line needs checkpoints.
        let ascii = text.is_ascii();
        for (i, &start) in line_starts.iter().enumerate().filter(|_| !ascii) {
            let end = line_starts.get(i + 1).copied().unwrap_or(text.len());
            let line = &text[start..end];
            if !line.is_ascii() {
                let marks = line
                    .char_indices()
                    .step_by(CHECKPOINT)
                    .map(|(b, _)| b)
                    .collect();
                checkpoints.insert(i, marks);
            }
        }
        SourceFile {
            path: path.into(),
            text,
            line_starts,
            checkpoints,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte range of 0-based line `index`, its newline included.
    fn line_range(&self, index: usize) -> std::ops::Range<usize> {
        let start = self.line_starts[index];
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        start..end
    }

    /// Byte offset of a 1-based line and a 0-based character column, the
    /// convention of `proc_macro2::LineColumn`. Out-of-range positions clamp.
    pub fn offset_of(&self, line: usize, char_column: usize) -> usize {
        let index = line.saturating_sub(1);
        if index >= self.line_starts.len() {
            return self.text.len();
        }
        let range = self.line_range(index);
        let Some(marks) = self.checkpoints.get(&index) else {
            return (range.start + char_column).min(range.end);
        };
        let Some(&from) = marks.get(char_column / CHECKPOINT) else {
            return range.end;
        };
        let line_text = &self.text[range.start + from..range.end];
        match line_text.char_indices().nth(char_column % CHECKPOINT) {
            Some((i, _)) => range.start + from + i,
            None => range.end,
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
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts[line];
        // Inside a BOM: the start of line 1.
        let offset = offset.max(start);
        let column = match self.checkpoints.get(&line) {
            None => offset - start,
            Some(marks) => {
                let i = match marks.binary_search(&(offset - start)) {
                    Ok(i) => i,
                    Err(i) => i - 1,
                };
                i * CHECKPOINT + self.text[start + marks[i]..offset].chars().count()
            }
        };
        LineCol {
            line: line + 1,
            column: column + 1,
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

    #[test]
    fn a_bom_is_not_part_of_line_one() {
        let f = SourceFile::new("a.rs", "\u{feff}ab\ncd");
        assert_eq!(f.offset_of(1, 0), 3);
        assert_eq!(f.offset_of(1, 1), 4);
        assert_eq!(f.line_col(4), LineCol { line: 1, column: 2 });
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.offset_of(2, 1), 7);
    }

    #[test]
    fn long_non_ascii_lines_round_trip() {
        let line: String = (0..1000)
            .map(|i| ['a', 'é', '\u{200b}', '€', '\t', '😀'][i % 6])
            .collect();
        let text = format!("x\r\n{line}\r\ny");
        let f = SourceFile::new("a.rs", text.as_str());
        for (col, (byte, _)) in line.char_indices().enumerate() {
            let at = 3 + byte;
            assert_eq!(f.offset_of(2, col), at, "column {col}");
            assert_eq!(
                f.line_col(at),
                LineCol {
                    line: 2,
                    column: col + 1
                }
            );
        }
        assert_eq!(f.offset_of(2, 5000), 3 + line.len() + 2);
        assert_eq!(f.offset_of(3, 0), text.len() - 1);
    }
}
