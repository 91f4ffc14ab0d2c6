//! The reader's file-system edge: path conversion from option-file bytes, `~/` expansion,
//! the world-writable rule and sorted directory listings.

use std::fs::Metadata;
use std::io;
use std::path::{Path, PathBuf};

/// A path written in an option file (bytes) as a platform path.
pub fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// A path as bytes (for sorting and for printing).
pub fn path_bytes(path: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned().into_bytes()
    }
}

/// `~/x` becomes `$HOME/x`, as the reader's file-name unpacking does.
pub fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    let bytes = path_bytes(path);
    match (home, bytes.as_slice()) {
        (Some(h), [b'~']) => h.to_path_buf(),
        (Some(h), [b'~', b'/', rest @ ..]) => h.join(path_from_bytes(rest)),
        _ => path.to_path_buf(),
    }
}

/// A regular file that others may write to: every client skips it.
pub fn is_world_writable(meta: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o002 != 0
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

/// MariaDB still reads a world-writable file that cannot be written after all (a read-only
/// mount or an immutable file). Opening it for writing (without truncating) tells.
pub fn write_is_refused(path: &Path) -> bool {
    match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(_) => false,
        Err(e) => matches!(e.raw_os_error(), Some(1) | Some(30)),
    }
}

/// The names in a folder, sorted byte-wise (`strcmp`), dot-files included.
pub fn sorted_dir_names(dir: &Path) -> io::Result<Vec<Vec<u8>>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        names.push(path_bytes(Path::new(&entry?.file_name())));
    }
    names.sort_unstable();
    Ok(names)
}

/// `dir` + `/` + `name`, with no doubled separator.
pub fn join_dir(dir: &Path, name: &[u8]) -> PathBuf {
    let mut bytes = path_bytes(dir);
    if !bytes.ends_with(b"/") {
        bytes.push(b'/');
    }
    bytes.extend_from_slice(name);
    path_from_bytes(&bytes)
}

/// The operating system's text for an error, without Rust's "(os error N)" suffix.
pub fn os_reason(e: &io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// A path made absolute against the working directory, symlinks resolved where it exists.
pub fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}
