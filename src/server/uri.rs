//! `file://` URIs and paths. Only `file` URIs name documents the linter
//! can place in a crate; others (`untitled:`) are linted without a crate.

use lsp_types::Uri;
use std::path::PathBuf;
use std::str::FromStr;

/// The path a `file://` URI names (percent-decoded), or `None`.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file://host/path`: only the local host is ours.
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if &rest[..i] == "localhost" => &rest[i..],
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = percent_decode(path)?;
    let text = String::from_utf8(bytes).ok()?;
    // `/C:/dir/a.rs` on Windows.
    #[cfg(windows)]
    let text = match text.as_bytes() {
        [b'/', d, b':', ..] if d.is_ascii_alphabetic() => text[1..].to_string(),
        _ => text,
    };
    Some(PathBuf::from(text))
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The `file://` URI of an absolute path.
pub fn from_path(path: &std::path::Path) -> Uri {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let text = crate::report::sarif::path_uri(&abs);
    Uri::from_str(&text).unwrap_or_else(|_| Uri::from_str("file:///").expect("a valid URI"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_round_trip_with_percent_encoding() {
        let uri = Uri::from_str("file:///tmp/my%20app/src/main.rs").unwrap();
        assert_eq!(
            to_path(&uri),
            Some(PathBuf::from("/tmp/my app/src/main.rs"))
        );
        #[cfg(unix)]
        assert_eq!(from_path(&PathBuf::from("/tmp/my app/src/main.rs")), uri);
        let untitled = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(to_path(&untitled), None);
        let remote = Uri::from_str("file://server/share/a.rs").unwrap();
        assert_eq!(to_path(&remote), None);
    }
}
