//! `scope-lint models [PATH]`: which crate versions a path is built
//! against and which model files and routers follow from them, so a user
//! can see why a version-dependent finding appears (or does not).

use super::versions::{Origin, Resolution, Resolver};
use super::{ModelError, Models};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The report for `path`, with the user model directories `dirs`.
pub fn describe(path: &Path, dirs: &[PathBuf]) -> Result<String, ModelError> {
    let crates = Models::versioned_crates(dirs)?;
    let mut resolver = Resolver::new(crates);
    let Resolution {
        versions,
        manifest,
        lock,
    } = resolver.resolve(path);
    let models = Models::load_for(dirs, &versions)?;
    let mut out = String::new();
    let shown = |p: &Option<PathBuf>| {
        p.as_ref()
            .map_or("none found".to_string(), |p| p.display().to_string())
    };
    let _ = writeln!(out, "path: {}", path.display());
    let _ = writeln!(out, "package manifest: {}", shown(&manifest));
    let _ = writeln!(out, "lock file: {}", shown(&lock));
    for p in &resolver.problems {
        let _ = writeln!(out, "  warning: {p}");
    }
    let _ = writeln!(out, "versioned crates:");
    for (name, (version, origin)) in &models.versions {
        let _ = match origin {
            Origin::Newest => writeln!(out, "  {name}: no version found, newest models"),
            _ => writeln!(out, "  {name} {version} ({})", origin.describe()),
        };
    }
    let _ = writeln!(out, "model files:");
    for f in &models.files {
        let _ = writeln!(out, "  {f}");
    }
    let _ = writeln!(out, "modelled crates: {}", models.crate_words().join(", "));
    let _ = writeln!(out, "routers:");
    for r in models.routers() {
        // Methods, functions and mount points that take route paths.
        let takers: Vec<&str> = r
            .methods
            .iter()
            .chain(&r.mounts)
            .chain(&r.functions)
            .map(String::as_str)
            .collect();
        let _ = writeln!(
            out,
            "  {} ({}): {} take {} captures",
            r.types.join(", "),
            r.krate,
            takers.join(", "),
            r.captures.name()
        );
    }
    Ok(out)
}
