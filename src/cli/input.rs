//! What the user hands in on the command line or standard input: a CA file, a paste.

use std::io::Read;
use std::path::Path;

use mycnf_secure::addca::CaInput;
use mycnf_secure::chain::fsio;
use mycnf_secure::context::Context;

use crate::cli::Exit;
use crate::cli::add_ca::Stop;

/// A certificate from standard input. Pasted on a terminal, it ends with its END line (no
/// Ctrl-D needed); from a pipe, with the end of input (a bundle may hold several).
fn read_pasted() -> std::io::Result<Vec<u8>> {
    use std::io::{BufRead, IsTerminal};
    let stdin = std::io::stdin();
    let mut buf = Vec::new();
    if !stdin.is_terminal() {
        stdin.lock().read_to_end(&mut buf)?;
        return Ok(buf);
    }
    crate::cli::output::error(
        "Paste the CA certificate (PEM); it ends at its -----END CERTIFICATE----- line:",
    );
    let mut lock = stdin.lock();
    loop {
        let mut line = Vec::new();
        if lock.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        buf.extend_from_slice(&line);
        if String::from_utf8_lossy(&line).trim() == "-----END CERTIFICATE-----" {
            break;
        }
    }
    Ok(buf)
}

/// Reads a CA file (`-` is standard input). The error is a sentence for the user.
pub fn read_ca(path: &Path) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        return read_pasted()
            .map_err(|e| format!("cannot read the certificate from standard input: {e}"));
    }
    if path.is_dir() {
        return Err(format!(
            "{} is a directory; name the CA file inside it",
            path.display()
        ));
    }
    std::fs::read(path)
        .map_err(|e| format!("cannot read {}: {}", path.display(), fsio::os_reason(&e)))
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
    let bytes = read_ca(&source).map_err(|m| Stop(Exit::Io, format!("error: {m}")))?;
    Ok(CaInput {
        source,
        bytes,
        system_roots,
    })
}
