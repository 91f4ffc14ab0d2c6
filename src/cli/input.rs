//! What the user hands in on the command line or standard input: a CA file, a paste.

use std::path::Path;

use mycnf_secure::addca::CaInput;
use mycnf_secure::chain::fsio;
use mycnf_secure::context::Context;

use crate::cli::Exit;
use crate::cli::failure::Failure;

/// The most a CA file or paste may hold (a system bundle is about 200 KiB).
const MAX_CA_BYTES: u64 = 16 * 1024 * 1024;

/// A certificate from standard input. From a pipe it ends with the end of input (a bundle may
/// hold several). Pasted on a terminal, it ends with Ctrl-D, or with an empty line after an END
/// line when nothing more of the paste follows at once: a bundle pasted with empty lines between
/// its certificates arrives in one burst and is read whole, and the answer to the question that
/// follows is never taken for part of it.
fn read_pasted() -> std::io::Result<Vec<u8>> {
    use std::io::IsTerminal;
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return fsio::read_bounded(stdin.lock(), MAX_CA_BYTES);
    }
    crate::cli::output::error(
        "Paste the CA certificate(s) (PEM), then press Ctrl-D (or Enter on an empty line):",
    );
    read_terminal_paste(rustix::stdio::stdin())
}

/// How long a paste may pause and still be one paste.
const PASTE_PAUSE_MS: i32 = 300;

fn read_terminal_paste(fd: rustix::fd::BorrowedFd<'_>) -> std::io::Result<Vec<u8>> {
    use rustix::event::{PollFd, PollFlags, poll};
    let mut buf: Vec<u8> = Vec::new();
    // Where the line being read starts, and whether the last line with text was an END line
    // followed by an empty line (the paste may end here).
    let mut line_start = 0;
    let mut after_end = false;
    let mut may_end = false;
    let mut chunk = [0u8; 4096];
    loop {
        if may_end {
            let mut fds = [PollFd::new(&fd, PollFlags::IN)];
            let timeout = rustix::event::Timespec {
                tv_sec: 0,
                tv_nsec: i64::from(PASTE_PAUSE_MS) * 1_000_000,
            };
            let ready = poll(&mut fds, Some(&timeout)).map_err(std::io::Error::from)?;
            if ready == 0 {
                break;
            }
        }
        let n = match rustix::io::read(fd, &mut chunk) {
            Ok(n) => n,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        };
        if n == 0 {
            // Ctrl-D (at the start of a line; after text it only hands the text over).
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() as u64 > MAX_CA_BYTES {
            return fsio::read_bounded(&buf[..], MAX_CA_BYTES);
        }
        while let Some(nl) = buf[line_start..].iter().position(|&b| b == b'\n') {
            let line = String::from_utf8_lossy(&buf[line_start..line_start + nl]).into_owned();
            let text = line.trim();
            if text.is_empty() {
                may_end = after_end;
            } else {
                after_end = text.starts_with("-----END ");
                may_end = false;
            }
            line_start += nl + 1;
        }
        // Ctrl-D after text hands that text over without a line feed: a paste copied without
        // its last line feed ends at its END line there, as at an empty line after one.
        if line_start < buf.len() {
            let tail = String::from_utf8_lossy(&buf[line_start..]);
            if tail.trim().starts_with("-----END ") && tail.trim_end().ends_with("-----") {
                may_end = true;
            }
        }
    }
    Ok(buf)
}

/// Reads a CA file (`-` is standard input): a regular file or a pipe (`<(curl …)`), at most
/// 16 MiB; a folder, device or socket is refused without blocking. The error is a sentence for
/// the user.
pub fn read_ca(path: &Path) -> Result<Vec<u8>, String> {
    read_source(path).map(|(bytes, _)| bytes)
}

/// [`read_ca`], and whether it was read from a pipe (then there is no file to point at).
fn read_source(path: &Path) -> Result<(Vec<u8>, bool), String> {
    if path == Path::new("-") {
        return read_pasted().map(|b| (b, true)).map_err(|e| {
            format!(
                "cannot read the certificate from standard input: {}",
                fsio::os_reason(&e)
            )
        });
    }
    let read = fsio::read_file_or_pipe(path, MAX_CA_BYTES);
    read.map(|(b, kind)| (b, kind == fsio::FileKind::Fifo))
        .map_err(|e| match fsio::not_regular(&e) {
            Some(fsio::FileKind::Folder) => format!(
                "{} is a directory; name the CA file inside it",
                path.display()
            ),
            Some(kind) => format!(
                "{} is {}; give a CA file, a pipe such as <(command), or - for standard input",
                path.display(),
                kind.describe()
            ),
            None => format!("cannot read {}: {}", path.display(), fsio::os_reason(&e)),
        })
}

/// The CA a command was given: a file, standard input, or the system bundle.
pub fn ca(path: Option<&Path>, system_roots: bool, ctx: &Context) -> Result<CaInput, Failure> {
    let source = if system_roots {
        ctx.system_bundle.clone().ok_or_else(|| {
            Failure::new(
                Exit::InvalidInput,
                format!(
                    "error: no system CA bundle found on this machine (looked for {}; Windows has none): give the CA file instead",
                    mycnf_secure::cert::store::BUNDLE_PATHS.join(", ")
                ),
            )
        })?
    } else {
        path.expect("clap requires a CA or --system-roots")
            .to_path_buf()
    };
    let (bytes, pipe) =
        read_source(&source).map_err(|m| Failure::new(Exit::Io, format!("error: {m}")))?;
    Ok(CaInput {
        source,
        bytes,
        system_roots,
        pipe,
    })
}
