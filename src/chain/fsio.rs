//! The reader's file-system edge: path conversion from option-file bytes, `~/` expansion,
//! the world-writable rule, sorted directory listings, and the one way option files and CA
//! files are opened ([`open_nonblocking`], [`read_regular`]): without ever blocking, and
//! judged by what was opened rather than by what the path named a moment before.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// What a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Regular,
    Folder,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Symlink,
    Other,
}

impl FileKind {
    pub fn of(ft: std::fs::FileType) -> FileKind {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if ft.is_fifo() {
                return FileKind::Fifo;
            }
            if ft.is_char_device() {
                return FileKind::CharDevice;
            }
            if ft.is_block_device() {
                return FileKind::BlockDevice;
            }
            if ft.is_socket() {
                return FileKind::Socket;
            }
        }
        if ft.is_file() {
            FileKind::Regular
        } else if ft.is_dir() {
            FileKind::Folder
        } else if ft.is_symlink() {
            FileKind::Symlink
        } else {
            FileKind::Other
        }
    }

    /// "a folder", "a FIFO (named pipe)", …
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::Regular => "a regular file",
            FileKind::Folder => "a folder",
            FileKind::Fifo => "a FIFO (named pipe)",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Symlink => "a symbolic link",
            FileKind::Other => "not a regular file",
        }
    }
}

/// A file that is not a regular file where one is needed. Carried inside an [`io::Error`]
/// (kind `InvalidInput`) by [`open_regular`] and [`read_regular`]; [`not_regular`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("it is {}, not a regular file", .0.describe())]
pub struct NotRegular(pub FileKind);

/// The [`NotRegular`] inside an error, if that is what it is.
pub fn not_regular(e: &io::Error) -> Option<FileKind> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<NotRegular>())
        .map(|n| n.0)
}

/// Opens `path` for reading without blocking (`O_NONBLOCK`: a FIFO without a writer, a
/// terminal or a device open at once) and says what was opened: the kind comes from the open
/// descriptor (`fstat`), so nothing can be swapped in between the look and the open. A socket
/// cannot be opened at all; its error is reported as [`NotRegular`] too.
pub fn open_nonblocking(path: &Path) -> io::Result<(File, FileKind, Metadata)> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY;
        opts.custom_flags(flags.bits() as i32);
    }
    let file = match opts.open(path) {
        Ok(f) => f,
        Err(e) => {
            // ENXIO: a socket (or a device without its driver).
            if e.raw_os_error() == Some(6)
                && let Ok(m) = std::fs::metadata(path)
            {
                let kind = FileKind::of(m.file_type());
                if kind != FileKind::Regular {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        NotRegular(kind),
                    ));
                }
            }
            return Err(e);
        }
    };
    let meta = file.metadata()?;
    Ok((file, FileKind::of(meta.file_type()), meta))
}

/// Opens a regular file for reading; anything else is refused with [`NotRegular`] without
/// blocking.
pub fn open_regular(path: &Path) -> io::Result<(File, Metadata)> {
    let (file, kind, meta) = open_nonblocking(path)?;
    if kind != FileKind::Regular {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            NotRegular(kind),
        ));
    }
    Ok((file, meta))
}

/// A regular file's bytes: [`std::fs::read`] that refuses folders, devices, FIFOs and sockets.
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let (mut file, meta) = open_regular(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads at most `limit` bytes of a regular file or a pipe (a FIFO, `<(command)`): the pipe is
/// opened without blocking, then read blocking until its writer closes it. Folders, devices
/// and sockets are refused with [`NotRegular`]; more than `limit` bytes is an error
/// (`FileTooLarge`). Returns the bytes and what was read (a regular file or a FIFO).
pub fn read_file_or_pipe(path: &Path, limit: u64) -> io::Result<(Vec<u8>, FileKind)> {
    let (file, kind, _) = open_nonblocking(path)?;
    match kind {
        FileKind::Regular => {}
        #[cfg(unix)]
        FileKind::Fifo => {
            let flags = rustix::fs::fcntl_getfl(&file)?;
            rustix::fs::fcntl_setfl(&file, flags - rustix::fs::OFlags::NONBLOCK)?;
        }
        other => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                NotRegular(other),
            ));
        }
    }
    Ok((read_bounded(file, limit)?, kind))
}

/// Reads a stream to its end, refusing more than `limit` bytes.
pub fn read_bounded<R: Read>(source: R, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    source.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("more than {} MiB", limit / (1024 * 1024)),
        ));
    }
    Ok(bytes)
}

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
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    // Never blocks, even if a FIFO was put in the file's place since it was looked at.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY;
        opts.custom_flags(flags.bits() as i32);
    }
    match opts.open(path) {
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
