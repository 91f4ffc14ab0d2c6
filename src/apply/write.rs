//! Writing an option file safely.
//!
//! - **Only regular files.** The target is found by following a symlink chain link by link
//!   ([`resolve_target`]); a folder, device, FIFO or socket at the end is refused, and the file
//!   is opened without blocking and judged by the open descriptor.
//! - **Links stay links.** A link to a regular file: the target is replaced, the link kept. A
//!   dangling link: its target is created if the target's folder exists, else refused.
//! - **Old or new, never torn.** An advisory lock while reading, comparing and replacing; a
//!   temporary file in the same folder, written, synced, given the original's mode (never
//!   world-writable) and owner, then renamed over the target (a new file: renamed without
//!   replacing, so a file that appeared meanwhile is not overwritten); the folder synced. Any
//!   error removes the temporary file.
//! - **No temporary file outlives us.** A temporary file is named `.mycnf-secure-PID-XXXXXX`;
//!   before each write, those of processes that no longer exist are removed from the folder (a
//!   run killed between creating and renaming leaves one; the next run cleans it).
//! - **Backups.** A copy of the original (same mode, owner and group) under a name no other
//!   file has (`FILE.bak-SECONDS`, then `-1`, `-2`, …), itself written through a temporary
//!   file and moved to its name without replacing; removed again if the write then fails.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::chain::fsio::{self, FileKind};

/// How many links a chain may have before it is called a loop (as the kernel's `ELOOP`).
const MAX_LINKS: usize = 40;

/// The start of every temporary file name (then the process id and `-`).
pub const TEMP_PREFIX: &str = ".mycnf-secure-";

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
    /// The path (or the end of its link chain, `target`) is not a regular file.
    #[error("{}", not_regular_text(path, target.as_deref(), *kind))]
    NotRegular {
        path: PathBuf,
        target: Option<PathBuf>,
        kind: FileKind,
    },
    #[error(
        "cannot write {}: it is a link to {}, whose folder does not exist (create the folder, or remove the link)",
        path.display(),
        target.display()
    )]
    DanglingLink { path: PathBuf, target: PathBuf },
    #[error("cannot write {}: too many levels of symbolic links (a loop?)", path.display())]
    LinkLoop { path: PathBuf },
}

fn not_regular_text(path: &Path, target: Option<&Path>, kind: FileKind) -> String {
    match target {
        Some(t) => format!(
            "refused: {} is a link to {}, which is {}; only regular files are read and written",
            path.display(),
            t.display(),
            kind.describe()
        ),
        None => format!(
            "refused: {} is {}; only regular files are read and written",
            path.display(),
            kind.describe()
        ),
    }
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

/// The file a write to `path` replaces: the end of its symlink chain (each relative link read
/// against the folder of the link), or `path`. Refused: a folder, device, FIFO or socket at the
/// end; a dangling link whose target's folder does not exist; a loop.
pub fn resolve_target(path: &Path) -> Result<PathBuf, WriteError> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let via_link = (current != path).then(|| current.clone());
        match fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&current).map_err(io(&current))?;
                current = match current.parent() {
                    Some(dir) => dir.join(to),
                    None => to,
                };
            }
            Ok(m) => {
                let kind = FileKind::of(m.file_type());
                if kind != FileKind::Regular {
                    return Err(WriteError::NotRegular {
                        path: path.to_path_buf(),
                        target: via_link,
                        kind,
                    });
                }
                return Ok(current);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(target) = via_link
                    && !folder_of(&target).is_dir()
                {
                    return Err(WriteError::DanglingLink {
                        path: path.to_path_buf(),
                        target,
                    });
                }
                return Ok(current);
            }
            Err(e) => return Err(io(&current)(e)),
        }
    }
    Err(WriteError::LinkLoop {
        path: path.to_path_buf(),
    })
}

/// The bytes a write to `path` would replace: `None` when the file (or a dangling link's
/// target) does not exist yet. Refused as [`resolve_target`] refuses; never blocks.
pub fn read_existing(path: &Path) -> Result<Option<Vec<u8>>, WriteError> {
    let target = resolve_target(path)?;
    match fsio::read_regular(&target) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(refusal(path, &target, e)),
    }
}

/// An open or read error of `target` (reached from `path`) as a [`WriteError`].
fn refusal(path: &Path, target: &Path, e: std::io::Error) -> WriteError {
    match fsio::not_regular(&e) {
        Some(kind) => WriteError::NotRegular {
            path: path.to_path_buf(),
            target: (target != path).then(|| target.to_path_buf()),
            kind,
        },
        None => io(target)(e),
    }
}

fn folder_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
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
    let target = resolve_target(path)?;
    let dir = folder_of(&target);

    // Lock the existing file for the whole read-compare-replace, and read it through the
    // descriptor that was judged a regular file.
    let existing = match fsio::open_regular(&target) {
        Ok((f, meta)) => Some((f, meta)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(refusal(path, &target, e)),
    };
    // Compared as it is read: the file is not held in memory a second time.
    let unchanged = match (&existing, expected) {
        (Some((f, _)), Some(want)) => {
            f.lock().map_err(io(&target))?;
            holds_exactly(f, want).map_err(io(&target))?
        }
        (None, None) => true,
        _ => false,
    };
    if !unchanged {
        return Err(WriteError::Changed { path: target });
    }
    // The file holds `expected`: that is what a backup keeps.
    let current = existing.as_ref().and(expected);
    let meta = existing.as_ref().map(|(_, m)| m);
    let mode = match meta {
        Some(m) if !force_mode => permission_bits(m),
        _ => new_mode,
    } & !0o002;

    remove_stale_temps(&dir);
    let backup_path = match (backup, current, meta) {
        (true, Some(old), Some(m)) => Some(write_backup(&target, &dir, old, m)?),
        _ => None,
    };
    let undo_backup = |e: WriteError| {
        if let Some(b) = &backup_path {
            let _ = fs::remove_file(b);
        }
        e
    };

    let mut tmp = temp_file(&dir).map_err(undo_backup)?;
    let prepared = (|| {
        tmp.write_all(bytes)?;
        set_mode(tmp.as_file(), mode)?;
        if let Some(m) = meta {
            keep_owner(tmp.as_file(), m)?;
        }
        tmp.as_file().sync_all()
    })();
    prepared.map_err(|e| undo_backup(io(&target)(e)))?;
    let persisted = if expected.is_none() {
        tmp.persist_noclobber(&target)
    } else {
        tmp.persist(&target)
    };
    if let Err(e) = persisted {
        let err = if expected.is_none() && e.error.kind() == std::io::ErrorKind::AlreadyExists {
            WriteError::Changed {
                path: target.clone(),
            }
        } else {
            io(&target)(e.error)
        };
        return Err(undo_backup(err));
    }
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(Written {
        target,
        backup: backup_path,
        mode,
    })
}

/// A new temporary file in `dir`, named after this process (see [`remove_stale_temps`]).
fn temp_file(dir: &Path) -> Result<tempfile::NamedTempFile, WriteError> {
    tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .tempfile_in(dir)
        .map_err(io(dir))
}

/// Removes the temporary files of ours in `dir` whose process is gone (killed between creating
/// and renaming them). Only names of our exact shape (`.mycnf-secure-PID-` and six characters),
/// only regular files (never through a link), only when no process has that id: a live one,
/// ours or another user's, is left alone.
pub fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(stale_pid) else {
            continue;
        };
        if pid == std::process::id() || process_exists(pid) {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The process id in a temporary file name of ours.
fn stale_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TEMP_PREFIX)?;
    let (pid, random) = rest.split_once('-')?;
    if random.len() != 6 || !random.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

#[cfg(unix)]
fn process_exists(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return true;
    };
    // EPERM: it exists, as another user's.
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

#[cfg(not(unix))]
fn process_exists(_: u32) -> bool {
    true
}

/// Keeps `old` beside `target` under a name no file has: `TARGET.bak-SECONDS`, else with `-1`,
/// `-2`, … appended; same mode, owner and group as the original. Written through a temporary
/// file that is moved to its name without replacing anything, so a failure (a full disk)
/// leaves no backup behind, not even an empty one.
/// Whether the file, read from its start, holds exactly `want`.
fn holds_exactly(mut f: &File, want: &[u8]) -> std::io::Result<bool> {
    let mut buf = vec![0u8; 1 << 16];
    let mut at = 0;
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => return Ok(at == want.len()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if want.get(at..at + n) != Some(&buf[..n]) {
            return Ok(false);
        }
        at += n;
    }
}

fn write_backup(
    target: &Path,
    dir: &Path,
    old: &[u8],
    original: &fs::Metadata,
) -> Result<PathBuf, WriteError> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut tmp = temp_file(dir)?;
    let prepared = (|| {
        tmp.write_all(old)?;
        set_mode(tmp.as_file(), permission_bits(original) & 0o777 & !0o002)?;
        keep_owner(tmp.as_file(), original)?;
        tmp.as_file().sync_all()
    })();
    let mut base = target.as_os_str().to_owned();
    base.push(format!(".bak-{stamp}"));
    prepared.map_err(io(Path::new(&base)))?;
    for n in 0u32.. {
        let mut name = base.clone();
        if n > 0 {
            name.push(format!("-{n}"));
        }
        let path = PathBuf::from(name);
        match tmp.persist_noclobber(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists && n < 10_000 => {
                tmp = e.file;
            }
            Err(e) => return Err(io(&path)(e.error)),
        }
    }
    unreachable!("the loop returns")
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
