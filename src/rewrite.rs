//! Writing a fixed file back: the new text goes *into* the file the path
//! resolves to, so a symbolic link stays a link (its target is fixed), hard
//! links stay linked, and the owner and mode are kept, while a crash never
//! leaves a half-written file.
//!
//! The usual case writes a temporary file next to the resolved target,
//! fsyncs it, gives it the target's mode and owner, and renames it over the
//! target (then fsyncs the directory). A rename would split a hard link,
//! and cannot keep an owner the process may not give away (a group-writable
//! file of another user): those files are rewritten in place instead, after
//! a backup copy of the old text is fsynced next to them; the backup is
//! removed once the new text is on disk. A backup that outlives its run
//! means the rewrite was interrupted: later runs report it (see
//! [`Litter`]) and leave it for the user to compare.
//!
//! Temporary files of interrupted runs (`.scope-lint-fix*`) are removed by
//! later runs once they are a minute old (younger ones may belong to a run
//! in progress) and are never linted.

use std::io::{Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Name prefix of the temporary files renamed over fixed files.
pub const TEMP_PREFIX: &str = ".scope-lint-fix";
/// Name prefix of the backups of files rewritten in place.
pub const BACKUP_PREFIX: &str = ".scope-lint-backup-";
/// A temporary file this old belongs to no running fix.
const STALE_AFTER: Duration = Duration::from_secs(60);

/// What a file left by an earlier run is.
#[derive(Debug, PartialEq, Eq)]
pub enum Litter {
    /// A temporary file: removed when stale.
    Temp,
    /// A backup of an interrupted in-place rewrite: reported, kept.
    Backup,
}

impl Litter {
    pub fn of(name: &std::ffi::OsStr) -> Option<Litter> {
        let name = name.to_str()?;
        if name.starts_with(TEMP_PREFIX) {
            Some(Litter::Temp)
        } else if name.starts_with(BACKUP_PREFIX) {
            Some(Litter::Backup)
        } else {
            None
        }
    }

    /// What to tell the user about a backup left at `path`.
    pub fn backup_message() -> String {
        "a --fix that rewrote a hard-linked file in place was interrupted; this is its text before the fix: compare it with the file, then delete it".to_string()
    }
}

/// Remove `path` if it is a regular temporary file of an earlier run.
/// Errors are ignored: the file only takes space.
pub fn remove_if_stale(path: &Path) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    let old = meta
        .modified()
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age >= STALE_AFTER);
    if meta.is_file() && old {
        let _ = std::fs::remove_file(path);
    }
}

/// Remove stale temporary files in `dir`.
fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if Litter::of(&e.file_name()) == Some(Litter::Temp) {
            remove_if_stale(&e.path());
        }
    }
}

/// Replace the content of the file `path` resolves to with `text`. A
/// read-only file is refused rather than replaced behind the user's back.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let meta = std::fs::metadata(&target)?;
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "not a regular file; fixes were not written",
        ));
    }
    if meta.permissions().readonly() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the file is read-only; fixes were not written",
        ));
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    sweep(dir);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return rewrite_in_place(&target, dir, text);
        }
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let owner = (meta.uid(), meta.gid());
        let tmp_meta = tmp.as_file().metadata()?;
        if (tmp_meta.uid(), tmp_meta.gid()) != owner
            && std::os::unix::fs::fchown(tmp.as_file(), Some(owner.0), Some(owner.1)).is_err()
        {
            // The owner cannot be kept by a rename: write into the file.
            drop(tmp);
            return rewrite_in_place(&target, dir, text);
        }
    }
    // After `fchown`, which clears set-user-id bits.
    tmp.as_file().set_permissions(meta.permissions())?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Overwrite `target` in place, its old text backed up (and fsynced)
/// beside it until the new text is on disk.
fn rewrite_in_place(target: &Path, dir: &Path, text: &str) -> std::io::Result<()> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut backup = tempfile::Builder::new()
        .prefix(&format!("{BACKUP_PREFIX}{name}."))
        .tempfile_in(dir)?;
    let old = std::fs::read(target)?;
    backup.write_all(&old)?;
    backup.as_file().sync_all()?;
    let backup: PathBuf = backup.into_temp_path().keep().map_err(|e| e.error)?;
    sync_dir(dir);
    let mut file = std::fs::OpenOptions::new().write(true).open(target)?;
    file.rewind()?;
    file.write_all(text.as_bytes())?;
    file.set_len(text.len() as u64)?;
    file.sync_all()?;
    std::fs::remove_file(&backup)?;
    sync_dir(dir);
    Ok(())
}

/// Make a rename or removal in `dir` durable (best effort: not every
/// system can open a directory).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
