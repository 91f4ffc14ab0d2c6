//! Writing an option file safely: an advisory lock while reading, modifying and writing; a
//! temporary file in the same folder, synced, given the original's mode (never world-writable)
//! and owner, renamed over the target (a symlink's target, so the link stays a link); the folder
//! synced; and a refusal when the file changed since it was read. On any failure the original
//! is untouched.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "{path} changed while it was being reviewed; nothing was written (run the command again)"
    )]
    Changed { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The file actually replaced (a symlink's final target).
    pub target: PathBuf,
    pub backup: Option<PathBuf>,
    pub mode: u32,
}

/// The file a write to `path` replaces: the final target of a symlink chain, or `path`.
pub fn resolve_target(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Replaces `path` with `bytes` if it still holds `expected` (`None`: it must not exist).
/// A new file gets `new_mode`; an existing one keeps its mode (minus o+w) and owner.
pub fn write_atomic(
    path: &Path,
    bytes: &[u8],
    expected: Option<&[u8]>,
    new_mode: u32,
    backup: bool,
) -> Result<Written, WriteError> {
    write_inner(path, bytes, expected, new_mode, false, backup)
}

/// [`write_atomic`], but the file gets `mode` even if it existed with another one (a file that
/// holds a password, written by `init --force`).
pub fn write_atomic_with_mode(
    path: &Path,
    bytes: &[u8],
    expected: Option<&[u8]>,
    mode: u32,
    backup: bool,
) -> Result<Written, WriteError> {
    write_inner(path, bytes, expected, mode, true, backup)
}

fn write_inner(
    path: &Path,
    bytes: &[u8],
    expected: Option<&[u8]>,
    new_mode: u32,
    force_mode: bool,
    backup: bool,
) -> Result<Written, WriteError> {
    let target = resolve_target(path);
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();

    // Lock the existing file for the whole read-compare-replace.
    let existing = match File::open(&target) {
        Ok(f) => Some(f),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(&target)(e)),
    };
    if let Some(f) = &existing {
        f.lock().map_err(io(&target))?;
    }
    let current = match &existing {
        Some(_) => Some(fs::read(&target).map_err(io(&target))?),
        None => None,
    };
    if current.as_deref() != expected {
        return Err(WriteError::Changed { path: target });
    }
    let meta = existing
        .as_ref()
        .map(|f| f.metadata())
        .transpose()
        .map_err(io(&target))?;

    let mode = match &meta {
        Some(m) if !force_mode => permission_bits(m),
        _ => new_mode,
    } & !0o002;
    let backup_path = match (backup, &current) {
        (true, Some(old)) => Some(write_backup(&target, old, mode)?),
        _ => None,
    };

    let mut tmp = tempfile::Builder::new()
        .prefix(".mycnf-secure-")
        .tempfile_in(&dir)
        .map_err(io(&dir))?;
    tmp.write_all(bytes).map_err(io(tmp.path()))?;
    set_mode(tmp.as_file(), mode).map_err(io(tmp.path()))?;
    if let Some(m) = &meta {
        keep_owner(tmp.as_file(), m).map_err(io(tmp.path()))?;
    }
    tmp.as_file().sync_all().map_err(io(tmp.path()))?;
    if expected.is_none() && target.exists() {
        return Err(WriteError::Changed { path: target });
    }
    tmp.persist(&target).map_err(|e| io(&target)(e.error))?;
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(Written {
        target,
        backup: backup_path,
        mode,
    })
}

fn write_backup(target: &Path, old: &[u8], mode: u32) -> Result<PathBuf, WriteError> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut name = target.as_os_str().to_owned();
    name.push(format!(".bak-{stamp}"));
    let path = PathBuf::from(name);
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(io(&path))?;
    set_mode(&f, mode & 0o600 | mode & 0o044).map_err(io(&path))?;
    f.write_all(old).map_err(io(&path))?;
    f.sync_all().map_err(io(&path))?;
    Ok(path)
}

#[cfg(unix)]
fn permission_bits(m: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    m.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn permission_bits(_: &fs::Metadata) -> u32 {
    0o644
}

#[cfg(unix)]
fn set_mode(f: &File, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &File, _: u32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn keep_owner(f: &File, original: &fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let now = f.metadata()?;
    if now.uid() != original.uid() || now.gid() != original.gid() {
        std::os::unix::fs::fchown(f, Some(original.uid()), Some(original.gid()))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn keep_owner(_: &File, _: &fs::Metadata) -> std::io::Result<()> {
    Ok(())
}
