//! The CA a command is given, judged once for `add-ca` and `init`: usable or not, the mode it
//! calls for, where an installed copy goes and how its path is written.

use std::path::{Path, PathBuf};

use sha2::Digest;

use crate::apply;
use crate::cert::{self, CaReport};
use crate::chain::fsio;
use crate::clients::Mode;
use crate::context::Context;

use super::Error;

/// A CA as the user gave it.
#[derive(Debug, Clone)]
pub struct CaInput {
    /// Where it came from (a path, `-` for standard input, or the system bundle's path).
    pub source: PathBuf,
    pub bytes: Vec<u8>,
    /// The system bundle was asked for (`--system-roots`).
    pub system_roots: bool,
    /// Read from a pipe (standard input, `<(command)`, a FIFO): gone once read.
    pub pipe: bool,
}

impl CaInput {
    pub fn label(&self) -> String {
        self.source.display().to_string()
    }

    /// Read from standard input (a paste): always installed, since there is no file to point at.
    pub fn from_stdin(&self) -> bool {
        self.source == Path::new("-")
    }

    /// Read from a pipe (standard input, `<(command)`): always installed, since a path such as
    /// `/dev/fd/63` means nothing once this run ends.
    pub fn needs_install(&self) -> bool {
        self.from_stdin() || self.pipe
    }
}

/// The verdict on a usable CA and the mode it gets.
#[derive(Debug, Clone)]
pub struct CaChoice {
    pub report: CaReport,
    pub mode: Mode,
}

/// Validates the CA and picks the mode: the user's, else VERIFY_IDENTITY for public roots
/// and VERIFY_CA for a private CA. VERIFY_CA with public roots is refused.
pub fn resolve(input: &CaInput, mode: Option<Mode>, ctx: &Context) -> Result<CaChoice, Error> {
    let report = cert::inspect(&input.bytes, ctx.now, ctx.trust_store.as_ref());
    if !report.usable {
        return Err(Error::UnusableCa {
            label: input.label(),
            report: Box::new(report),
        });
    }
    let public = report.has_public_roots() || input.system_roots;
    let mode = match (mode, public) {
        (Some(Mode::VerifyCa), true) => {
            return Err(Error::PublicRootsNeedIdentity {
                label: input.label(),
            });
        }
        (Some(m), _) => m,
        (None, true) => Mode::VerifyIdentity,
        (None, false) => Mode::VerifyCa,
    };
    Ok(CaChoice { report, mode })
}

/// Whether a file is a system-wide one (under `/etc`): read by every user's clients.
pub fn is_system_wide(file: &Path) -> bool {
    fsio::absolute(file).starts_with("/etc")
}

/// What an installed copy holds: the validated certificates as clean PEM, nothing else (no
/// text pasted around them, no key material).
pub fn installed_bytes(input: &CaInput) -> Vec<u8> {
    cert::clean_pem(&input.bytes)
}

/// Where an installed CA goes: beside a system-wide option file (`certs/`), else in the
/// per-user data folder; named by the SHA-256 of the whole installed bundle (`pem`, see
/// [`installed_bytes`]), so two different bundles never share a name.
pub fn install_path(file: &Path, pem: &[u8], ctx: &Context) -> Result<PathBuf, Error> {
    let digest = sha2::Sha256::digest(pem);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("ca-{hex}.pem");
    if is_system_wide(file) {
        let dir = fsio::absolute(file)
            .parent()
            .map_or_else(|| PathBuf::from("/etc/mysql"), Path::to_path_buf);
        return Ok(dir.join("certs").join(name));
    }
    match &ctx.data_dir {
        Some(d) => Ok(d.join("ca").join(name)),
        None => Err(Error::NoHome {
            what: "no home folder to install the CA in; give a CA path instead of --install",
        }),
    }
}

/// The CA path as written in an option file: absolute, forward slashes on Windows.
pub fn path_for_file(p: &Path) -> Vec<u8> {
    let abs = fsio::absolute(p);
    let mut bytes = fsio::path_bytes(&abs);
    if cfg!(windows) {
        for b in &mut bytes {
            if *b == b'\\' {
                *b = b'/';
            }
        }
    }
    bytes
}

/// What [`install`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Installed {
    /// The file was created by this run (and may be removed again by [`uninstall`]).
    Created,
    /// The same bytes were already there.
    AlreadyThere,
}

/// Copies the installed bytes (see [`installed_bytes`]) to `path` (mode 0644). A file already
/// there is never replaced: with the same bytes it is used as it is; with other bytes (a
/// hash collision, or a file someone else put there) the install is refused.
pub fn install(path: &Path, bytes: &[u8]) -> Result<Installed, Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::Io {
            what: format!("cannot create {}: {}", dir.display(), fsio::os_reason(&e)),
        })?;
    }
    let failed = |e: apply::WriteError| Error::Io {
        what: format!("cannot install the CA: {e}"),
    };
    match apply::write_atomic(path, bytes, None, 0o644, false) {
        Ok(_) => Ok(Installed::Created),
        Err(apply::WriteError::Changed { .. }) => {
            match apply::write::read_existing(path).map_err(failed)? {
                Some(old) if old == bytes => Ok(Installed::AlreadyThere),
                _ => Err(Error::Io {
                    what: format!(
                        "refused to install the CA: {} exists with other content and is never replaced (another option file may trust it); look at it, and remove it if it is not needed",
                        path.display()
                    ),
                }),
            }
        }
        Err(e) => Err(failed(e)),
    }
}

/// Removes a CA this run installed ([`Installed::Created`]) when the option-file write that
/// was to name it failed.
pub fn uninstall(path: &Path, installed: Installed) {
    if installed == Installed::Created {
        let _ = std::fs::remove_file(path);
    }
}

/// Why other users cannot read `path`, if they cannot.
pub fn unreadable_by_others(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => return Some(fsio::os_reason(&e)),
        };
        if meta.permissions().mode() & 0o004 == 0 {
            return Some(format!(
                "mode {:04o}: other users cannot read it",
                meta.permissions().mode() & 0o7777
            ));
        }
        let mut dir = path.parent();
        while let Some(d) = dir {
            if let Ok(m) = std::fs::metadata(d)
                && m.permissions().mode() & 0o001 == 0
            {
                return Some(format!(
                    "{} is mode {:04o}: other users cannot reach files in it",
                    d.display(),
                    m.permissions().mode() & 0o7777
                ));
            }
            dir = d.parent();
        }
    }
    let _ = path;
    None
}
