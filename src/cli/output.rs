//! Writing to standard output: a closed pipe (`| head`) ends the program quietly.

use std::io::Write;

use crate::cli::Exit;

/// Writes `bytes` to standard output. A broken pipe is not an error; other failures are I/O
/// errors (exit 4).
pub fn emit(bytes: &[u8]) -> Result<(), Exit> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("mycnf-secure: cannot write the output: {e}");
            Err(Exit::Io)
        }
    }
}
