//! Reading a source file without trusting what the path points at.
//!
//! A path met in a walk or named on the command line may be a FIFO (opening
//! it blocks until a writer comes), a device (`/dev/zero` never ends), a
//! socket, or a regular file that grows while it is read. Only regular
//! files are read, opened without blocking and checked again on the open
//! handle (the path may be swapped between the two), and never more than
//! [`MAX_FILE_BYTES`] are read, whatever the metadata said.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Files larger than this are reported and skipped: no hand-written Rust
/// source is this big, and generated ones are not worth the memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// A FIFO, a device, a socket or a directory: its kind.
    NotRegular(&'static str),
    /// Over the limit; the size when the metadata told it.
    TooLarge {
        size: Option<u64>,
        limit: u64,
    },
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mib = |n: u64| n / (1024 * 1024);
        match self {
            ReadError::NotRegular(kind) => {
                write!(f, "not a regular file ({kind}); skipped")
            }
            ReadError::TooLarge {
                size: Some(size),
                limit,
            } => write!(
                f,
                "file is {} MiB, over the {} MiB limit; skipped",
                mib(*size),
                mib(*limit)
            ),
            ReadError::TooLarge { size: None, limit } => write!(
                f,
                "file is larger than the {} MiB limit; skipped",
                mib(*limit)
            ),
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

/// What a run keeps of a file's metadata: its stamp and what it is when
/// not a regular file. A tree's files are each `stat`ed once and this is
/// kept until they are linted: 48 bytes, where a `std::fs::Metadata` is
/// about 180 (the bench corpus' 18,800 files: 2.5 MiB less held).
#[derive(Clone, Copy, Debug)]
pub struct Stat {
    pub stamp: crate::cache::Stamp,
    /// `Some`: not a regular file (see [`special_kind`]).
    pub special: Option<&'static str>,
}

impl Stat {
    fn of(meta: &std::fs::Metadata) -> Stat {
        Stat {
            stamp: crate::cache::stamp(meta),
            special: special_kind(meta.file_type()),
        }
    }

    /// The file at `path`, followed if a symbolic link.
    pub fn of_path(path: &std::path::Path) -> std::io::Result<Stat> {
        std::fs::metadata(path).map(|m| Stat::of(&m))
    }
}

/// What a file type is, in words, when it is not a regular file.
pub fn special_kind(ty: std::fs::FileType) -> Option<&'static str> {
    if ty.is_file() {
        return None;
    }
    if ty.is_dir() {
        return Some("a directory");
    }
    if ty.is_symlink() {
        return Some("a symbolic link");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ty.is_fifo() {
            return Some("a FIFO");
        }
        if ty.is_socket() {
            return Some("a socket");
        }
        if ty.is_char_device() {
            return Some("a character device");
        }
        if ty.is_block_device() {
            return Some("a block device");
        }
    }
    Some("a special file")
}

/// Open `path` for reading without blocking on a FIFO.
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// The bytes of the regular file at `path` (symbolic links followed), at
/// most `limit` of them.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    // `stat` first: opening a socket fails with an obscure error, and a
    // FIFO is better refused before it is opened at all.
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if let Some(kind) = special_kind(meta.file_type()) {
        return Err(ReadError::NotRegular(kind));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: Some(meta.len()),
            limit,
        });
    }
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    // The path may have been replaced since the `stat`: check what was opened.
    let opened = file.metadata().map_err(ReadError::Io)?;
    if let Some(kind) = special_kind(opened.file_type()) {
        return Err(ReadError::NotRegular(kind));
    }
    let mut bytes = Vec::with_capacity(opened.len().min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: None, limit });
    }
    Ok(bytes)
}

/// [`read_limited`] with the default limit, as text (`None` on any error
/// or invalid UTF-8): for the crate index, which skips what it cannot read.
pub fn read_source_text(path: &Path) -> Option<String> {
    String::from_utf8(read_limited(path, MAX_FILE_BYTES).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_and_stops_at_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.rs");
        std::fs::write(&f, "fn main() {}").unwrap();
        assert_eq!(read_limited(&f, 100).unwrap(), b"fn main() {}");
        assert_eq!(read_limited(&f, 12).unwrap().len(), 12);
        assert!(matches!(
            read_limited(&f, 11),
            Err(ReadError::TooLarge { size: Some(12), .. })
        ));
        assert!(matches!(
            read_limited(dir.path(), 100),
            Err(ReadError::NotRegular("a directory"))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero.rs");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let e = read_limited(&link, 1024).unwrap_err();
        assert_eq!(
            e.to_string(),
            "not a regular file (a character device); skipped"
        );
        let fifo = dir.path().join("pipe.rs");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let e = read_limited(&fifo, 1024).unwrap_err();
        assert_eq!(e.to_string(), "not a regular file (a FIFO); skipped");
        let socket = dir.path().join("sock.rs");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let e = read_limited(&socket, 1024).unwrap_err();
        assert_eq!(e.to_string(), "not a regular file (a socket); skipped");
    }
}
