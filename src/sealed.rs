//! Cache files with a checksum. The result cache and the index's summary
//! store are trusted for findings, so a flipped bit must not turn into a
//! wrong finding: each file is the xxh3-64 checksum of its payload followed
//! by the payload, written atomically. A file whose checksum does not match
//! is reported once and rebuilt.
//!
//! The file's own modification time is also the "cache write time" of
//! git's racy-entry rule: a source file whose stamp is not older than the
//! cache that recorded it may have changed within the same timestamp tick,
//! so its stamp alone proves nothing (see [`crate::cache::Stamp`]).

use std::io::Write;
use std::path::Path;

/// A cache file read back.
pub struct Opened {
    /// The whole file: the payload is not copied out of it (the index
    /// store is megabytes).
    bytes: Vec<u8>,
    /// The file's modification time (ns since the epoch).
    pub written: u64,
}

impl Opened {
    pub fn payload(&self) -> &[u8] {
        &self.bytes[8..]
    }
}

/// Why a cache file was not used.
#[derive(Debug)]
pub enum Unusable {
    /// There is none (a cold run): nothing to say.
    Missing,
    /// It exists but its checksum does not match: worth a note.
    Damaged(String),
}

fn checksum(payload: &[u8]) -> [u8; 8] {
    xxhash_rust::xxh3::xxh3_64(payload).to_le_bytes()
}

/// Read `file` and check its checksum.
pub fn read(file: &Path) -> Result<Opened, Unusable> {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unusable::Missing),
        Err(e) => return Err(Unusable::Damaged(format!("cannot read it ({e})"))),
    };
    let written = std::fs::metadata(file)
        .map(|m| crate::cache::stamp(&m).newest())
        .unwrap_or(u64::MAX);
    if bytes.len() < 8 || bytes[..8] != checksum(&bytes[8..]) {
        return Err(Unusable::Damaged("its checksum does not match".into()));
    }
    Ok(Opened { bytes, written })
}

/// A cache file in two parts, each with its own checksum: a head read at
/// once, and the rest kept only when asked. The index store is megabytes
/// of file summaries, and a warm run whose inputs are unchanged needs only
/// its head (the last index's inputs): reading the whole file into memory
/// was about 5% of such a run on the bench corpus (fresh pages, copies).
/// The rest's checksum is still checked when the file is opened, through
/// a small buffer, so damage is reported (and the file rebuilt) at once.
/// The rest is read from the file opened for the head, so a store written
/// since by another run (renamed over this one) cannot mix with it.
///
/// On disk: the head's checksum, its length (8 bytes each, little-endian),
/// the head, the rest's checksum, the rest.
pub struct OpenedParts {
    file: std::sync::Mutex<std::fs::File>,
    head: Vec<u8>,
    /// Where the rest's checksum starts.
    rest_at: u64,
    /// The file's modification time (ns since the epoch).
    pub written: u64,
}

impl OpenedParts {
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// The rest, read and checked now.
    pub fn rest(&self) -> Result<Vec<u8>, Unusable> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let (mut sum, mut bytes) = ([0u8; 8], Vec::new());
        file.seek(SeekFrom::Start(self.rest_at))
            .and_then(|_| file.read_exact(&mut sum))
            .and_then(|_| file.read_to_end(&mut bytes))
            .map_err(|e| Unusable::Damaged(format!("cannot read it ({e})")))?;
        if sum != checksum(&bytes) {
            return Err(Unusable::Damaged("its checksum does not match".into()));
        }
        Ok(bytes)
    }
}

/// Open a two-part file (see [`OpenedParts`]) and read and check its head.
pub fn read_head(file: &Path) -> Result<OpenedParts, Unusable> {
    use std::io::Read;
    let damaged = |e: std::io::Error| Unusable::Damaged(format!("cannot read it ({e})"));
    let mut opened = match std::fs::File::open(file) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unusable::Missing),
        Err(e) => return Err(damaged(e)),
    };
    let meta = opened.metadata().map_err(damaged)?;
    let written = crate::cache::stamp(&meta).newest();
    let mut start = [0u8; 16];
    opened.read_exact(&mut start).map_err(|_| short())?;
    let len = u64::from_le_bytes(start[8..].try_into().expect("8 bytes"));
    if len > meta.len().saturating_sub(16) {
        return Err(short());
    }
    let mut head = vec![0u8; len as usize];
    opened.read_exact(&mut head).map_err(|_| short())?;
    if start[..8] != checksum(&head) {
        return Err(Unusable::Damaged("its checksum does not match".into()));
    }
    let mut sum = [0u8; 8];
    opened.read_exact(&mut sum).map_err(|_| short())?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match opened.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(damaged(e)),
        }
    }
    if sum != hasher.digest().to_le_bytes() {
        return Err(Unusable::Damaged("its checksum does not match".into()));
    }
    Ok(OpenedParts {
        file: std::sync::Mutex::new(opened),
        head,
        rest_at: 16 + len,
        written,
    })
}

fn short() -> Unusable {
    Unusable::Damaged("it is shorter than it says".into())
}

/// Write a two-part file (see [`OpenedParts`]) atomically.
pub fn write_parts(file: &Path, head: &[u8], rest: &[u8]) -> std::io::Result<()> {
    let len = (head.len() as u64).to_le_bytes();
    write_atomically(file, &[&checksum(head), &len, head, &checksum(rest), rest])
}

/// A sealed file decoded as postcard `T`, with its write time: `Ok(None)`
/// when it does not exist; `Err(note)` (for stderr) when it is damaged or
/// does not decode. The caches and the index store start empty then.
pub fn read_decoded<T: serde::de::DeserializeOwned>(
    file: &Path,
) -> Result<Option<(T, u64)>, String> {
    match read(file) {
        Ok(opened) => postcard::from_bytes::<T>(opened.payload())
            .map(|t| Some((t, opened.written)))
            .map_err(|_| damaged_note(file, "it does not decode")),
        Err(Unusable::Missing) => Ok(None),
        Err(Unusable::Damaged(why)) => Err(damaged_note(file, &why)),
    }
}

/// The note for a damaged cache file.
pub fn damaged_note(file: &Path, why: &str) -> String {
    format!(
        "{}: the cache file is damaged ({why}); it was discarded and is rebuilt",
        file.display()
    )
}

/// Write `payload` and its checksum to `file` atomically (a temporary file
/// in the same directory, renamed over it).
pub fn write(file: &Path, payload: &[u8]) -> std::io::Result<()> {
    write_atomically(file, &[&checksum(payload), payload])
}

/// Write `pieces` one after another to a temporary file in `file`'s
/// directory, then rename it over `file`.
fn write_atomically(file: &Path, pieces: &[&[u8]]) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    for piece in pieces {
        tmp.write_all(piece)?;
    }
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_two_part_file_checks_each_part_and_reads_the_rest_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.bin");
        write_parts(&file, b"the head", b"the rest, megabytes of it").unwrap();
        let opened = read_head(&file).unwrap();
        assert_eq!(opened.head(), b"the head");
        assert_eq!(opened.rest().unwrap(), b"the rest, megabytes of it");
        let good = std::fs::read(&file).unwrap();
        let rest_starts = 16 + b"the head".len();
        for byte in 0..good.len() {
            for bit in 0..8 {
                let mut bad = good.clone();
                bad[byte] ^= 1 << bit;
                std::fs::write(&file, &bad).unwrap();
                assert!(
                    matches!(read_head(&file), Err(Unusable::Damaged(_))),
                    "byte {byte} (the rest starts at {rest_starts})"
                );
            }
        }
        for cut in [0, 7, 15, 20, good.len() - 1] {
            std::fs::write(&file, &good[..cut]).unwrap();
            assert!(
                matches!(read_head(&file), Err(Unusable::Damaged(_))),
                "cut at {cut}"
            );
        }
        // Damaged after it was opened (not by scope-lint, which renames a
        // new file over it): the rest is checked again when read.
        std::fs::write(&file, &good).unwrap();
        let opened = read_head(&file).unwrap();
        let mut bad = good.clone();
        *bad.last_mut().unwrap() ^= 1;
        std::fs::write(&file, &bad).unwrap();
        assert!(matches!(opened.rest(), Err(Unusable::Damaged(_))));
    }

    #[test]
    fn the_rest_comes_from_the_file_the_head_came_from() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.bin");
        write_parts(&file, b"first head", b"first rest").unwrap();
        let opened = read_head(&file).unwrap();
        // Another run writes the store in the meantime.
        write_parts(&file, b"second head", b"second rest").unwrap();
        assert_eq!(opened.rest().unwrap(), b"first rest");
        assert_eq!(read_head(&file).unwrap().head(), b"second head");
    }

    #[test]
    fn any_flipped_bit_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.bin");
        let payload = b"some findings".to_vec();
        write(&file, &payload).unwrap();
        assert_eq!(read(&file).unwrap().payload(), payload);
        let good = std::fs::read(&file).unwrap();
        for byte in 0..good.len() {
            for bit in 0..8 {
                let mut bad = good.clone();
                bad[byte] ^= 1 << bit;
                std::fs::write(&file, &bad).unwrap();
                assert!(matches!(read(&file), Err(Unusable::Damaged(_))));
            }
        }
        std::fs::write(&file, b"short").unwrap();
        assert!(matches!(read(&file), Err(Unusable::Damaged(_))));
        assert!(matches!(
            read(&dir.path().join("none")),
            Err(Unusable::Missing)
        ));
    }
}
