//! LSP positions and byte offsets. The linter speaks in byte offsets; LSP
//! speaks in a 0-based line and a column counted in UTF-16 code units,
//! unless the client and server agreed on UTF-8 (`positionEncoding`,
//! LSP 3.17), where the column is a byte count. A `é` is one UTF-16 unit
//! and two bytes; a `🦀` is two UTF-16 units and four bytes.

use lsp_types::{Position, TextDocumentContentChangeEvent};

/// The column unit agreed with the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// The start offset of every line of a text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { line_starts }
    }

    /// The position of a byte offset (clamped to the text, and back to a
    /// character boundary).
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let before = &text[self.line_starts[line]..offset];
        let character = match enc {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, r: std::ops::Range<usize>, enc: Encoding) -> lsp_types::Range {
        lsp_types::Range::new(
            self.position(text, r.start, enc),
            self.position(text, r.end, enc),
        )
    }

    /// The byte offset of a position. A line past the end is the end of
    /// the text; a column past the end of its line is the end of the line
    /// (as the protocol asks); a column inside a character is its start.
    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let Some(&start) = self.line_starts.get(pos.line as usize) else {
            return text.len();
        };
        let end = self
            .line_starts
            .get(pos.line as usize + 1)
            .map_or(text.len(), |&e| e - 1);
        let line = &text[start..end];
        let want = pos.character as usize;
        let mut units = 0;
        for (i, c) in line.char_indices() {
            let width = match enc {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if units + width > want {
                return start + i;
            }
            units += width;
        }
        end
    }
}

/// Apply `didChange` content changes in order: a change without a range
/// replaces the whole text. `lines` is the index of `text` and is left as
/// the index of the new text: built once per change after the first
/// (usually once per version), never per position.
pub fn apply_changes(
    text: &mut String,
    lines: &mut LineIndex,
    changes: Vec<TextDocumentContentChangeEvent>,
    enc: Encoding,
) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(range) => {
                let start = lines.offset(text, range.start, enc);
                let end = lines.offset(text, range.end, enc).max(start);
                text.replace_range(start..end, &change.text);
            }
        }
        *lines = LineIndex::new(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "ab\né🦀x\r\nlast";

    #[test]
    fn columns_count_utf16_units_or_bytes() {
        let ix = LineIndex::new(TEXT);
        let x = TEXT.find('x').unwrap();
        assert_eq!(ix.position(TEXT, x, Encoding::Utf16), Position::new(1, 3));
        assert_eq!(ix.position(TEXT, x, Encoding::Utf8), Position::new(1, 6));
        assert_eq!(ix.offset(TEXT, Position::new(1, 3), Encoding::Utf16), x);
        assert_eq!(ix.offset(TEXT, Position::new(1, 6), Encoding::Utf8), x);
        // Inside the crab (a surrogate pair): its start.
        let crab = TEXT.find('🦀').unwrap();
        assert_eq!(ix.offset(TEXT, Position::new(1, 2), Encoding::Utf16), crab);
        // Past the end of a line: the end of the line, before its newline.
        let eol = TEXT.find('\n').unwrap();
        assert_eq!(ix.offset(TEXT, Position::new(0, 99), Encoding::Utf16), eol);
        assert_eq!(
            ix.offset(TEXT, Position::new(9, 0), Encoding::Utf16),
            TEXT.len()
        );
        assert_eq!(
            ix.position(TEXT, TEXT.len(), Encoding::Utf16),
            Position::new(2, 4)
        );
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut text = String::from(TEXT);
        let change = |l1, c1, l2, c2, t: &str| TextDocumentContentChangeEvent {
            range: Some(lsp_types::Range::new(
                Position::new(l1, c1),
                Position::new(l2, c2),
            )),
            range_length: None,
            text: t.into(),
        };
        let mut lines = LineIndex::new(&text);
        apply_changes(
            &mut text,
            &mut lines,
            vec![change(1, 1, 1, 3, "ü"), change(0, 0, 0, 1, "A")],
            Encoding::Utf16,
        );
        assert_eq!(text, "Ab\néüx\r\nlast");
        assert_eq!(lines.line_starts, LineIndex::new(&text).line_starts);
    }
}
