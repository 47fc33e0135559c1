//! Backing up the embedded SQLite database while `dira serve` keeps writing:
//! `VACUUM INTO` (SQLite 3.27+) writes a consistent snapshot of the database as of
//! the start of its read transaction into a new file, compacted. It takes no lock that
//! stops writers (in WAL mode they go on). The copy is written beside the target
//! (`FILE.partial`), synced, and only then renamed into place, so a `FILE` that exists
//! is a complete backup. PostgreSQL is backed up with its own tools
//! (`docs/operations.md`).

use std::path::Path;

use anyhow::{bail, Context};

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct Backup {
    /// Size of the backup file, in bytes.
    pub bytes: u64,
}

/// Writes a consistent copy of the SQLite database at `database` to `out`. Refuses an
/// `out` that exists (a backup never overwrites anything).
pub fn sqlite(database: &str, out: &Path) -> anyhow::Result<Backup> {
    if out.exists() {
        bail!("{} exists; a backup never overwrites a file", out.display());
    }
    let partial = out.with_extension(match out.extension() {
        Some(e) => format!("{}.partial", e.to_string_lossy()),
        None => "partial".to_owned(),
    });
    let _ = std::fs::remove_file(&partial);
    let conn = super::direct::open_stream(database)
        .with_context(|| format!("cannot open the database {database}"))?;
    let target = partial
        .to_str()
        .with_context(|| format!("{} is not a UTF-8 path", partial.display()))?;
    let written = conn
        .execute("VACUUM INTO ?1", [target])
        .map(|_| ())
        .with_context(|| format!("writing the backup to {} failed", partial.display()));
    if let Err(e) = written.and_then(|()| sync(&partial)) {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, out)
        .with_context(|| format!("cannot move the backup into place at {}", out.display()))?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename itself survives a power loss once the directory is synced.
        std::fs::File::open(dir).and_then(|d| d.sync_all()).ok();
    }
    Ok(Backup {
        bytes: std::fs::metadata(out)?.len(),
    })
}

/// Flushes `file` to the disk.
fn sync(file: &Path) -> anyhow::Result<()> {
    std::fs::File::open(file)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot sync {}", file.display()))
}
