//! Writing to standard output and standard error through the colour policy's streams: a closed
//! pipe (`| head`) ends the program quietly.

use std::io::Write;

use crate::cli::{Exit, terminal};

/// Writes data (JSON, option-file bytes, what `print-defaults` prints) to standard output,
/// byte for byte. A broken pipe is not an error; other failures are I/O errors (exit 4).
pub fn emit(bytes: &[u8]) -> Result<(), Exit> {
    write_out(&mut std::io::stdout().lock(), bytes)
}

/// Standard output, buffered.
pub type Stream<'a> = std::io::BufWriter<std::io::StdoutLock<'a>>;

/// Writes a large output to standard output as it is produced, through a buffer. A broken
/// pipe ends it quietly.
pub fn stream(write: impl FnOnce(&mut Stream<'_>) -> std::io::Result<()>) -> Result<(), Exit> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            anstream::eprintln!("mycnf-secure: cannot write the output: {e}");
            Err(Exit::Io)
        }
    }
}

/// Writes text for a person to standard output, through the terminal gate: its styles are kept
/// only where colour is on.
pub fn show(text: &str) -> Result<(), Exit> {
    let text = terminal::safe(text);
    write_out(&mut anstream::stdout().lock(), text.as_bytes())
}

fn write_out(stdout: &mut impl Write, bytes: &[u8]) -> Result<(), Exit> {
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            anstream::eprintln!("mycnf-secure: cannot write the output: {e}");
            Err(Exit::Io)
        }
    }
}

/// Writes a message to standard error, through the terminal gate (a line ending is added when
/// it has none).
pub fn error(text: &str) {
    if text.is_empty() {
        return;
    }
    let text = terminal::safe(text);
    let mut stderr = anstream::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    if !text.ends_with('\n') {
        let _ = stderr.write_all(b"\n");
    }
}
