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
    let dir = file.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(&checksum(payload))?;
    tmp.write_all(payload)?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
