//! What the user hands in on the command line or standard input: a CA file, a paste.

use std::path::Path;

use mycnf_secure::addca::CaInput;
use mycnf_secure::chain::fsio;
use mycnf_secure::context::Context;

use crate::cli::Exit;
use crate::cli::add_ca::Stop;

/// The most a CA file or paste may hold (a system bundle is about 200 KiB).
const MAX_CA_BYTES: u64 = 16 * 1024 * 1024;

/// A certificate from standard input. Pasted on a terminal, it ends with its END line (no
/// Ctrl-D needed); from a pipe, with the end of input (a bundle may hold several).
fn read_pasted() -> std::io::Result<Vec<u8>> {
    use std::io::{BufRead, IsTerminal};
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return fsio::read_bounded(stdin.lock(), MAX_CA_BYTES);
    }
    crate::cli::output::error(
        "Paste the CA certificate (PEM); it ends at its -----END CERTIFICATE----- line:",
    );
    let mut buf = Vec::new();
    let mut lock = stdin.lock();
    loop {
        let mut line = Vec::new();
        if lock.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        buf.extend_from_slice(&line);
        if buf.len() as u64 > MAX_CA_BYTES {
            return fsio::read_bounded(&buf[..], MAX_CA_BYTES);
        }
        if String::from_utf8_lossy(&line).trim() == "-----END CERTIFICATE-----" {
            break;
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
pub fn ca(path: Option<&Path>, system_roots: bool, ctx: &Context) -> Result<CaInput, Stop> {
    let source = if system_roots {
        ctx.system_bundle.clone().ok_or_else(|| {
            Stop(
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
    let (bytes, pipe) = read_source(&source).map_err(|m| Stop(Exit::Io, format!("error: {m}")))?;
    Ok(CaInput {
        source,
        bytes,
        system_roots,
        pipe,
    })
}
