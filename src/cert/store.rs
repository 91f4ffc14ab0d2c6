//! The operating system's trust store: where it is, and which certificates it holds (by SHA-256
//! fingerprint of their DER).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Where the system CA bundle lives, per platform (the first that exists wins).
pub const BUNDLE_PATHS: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Gentoo, Arch
    "/etc/pki/tls/certs/ca-bundle.crt",   // Red Hat, Fedora, CentOS, Amazon Linux
    "/etc/ssl/ca-bundle.pem",             // openSUSE
    "/etc/ssl/cert.pem",                  // Alpine, macOS, FreeBSD, OpenBSD
];

/// The first system bundle that exists on this machine; `None` where there is none (Windows).
pub fn system_bundle_path() -> Option<PathBuf> {
    if cfg!(windows) {
        return None;
    }
    BUNDLE_PATHS
        .iter()
        .map(Path::new)
        .find(|p| p.is_file())
        .map(Path::to_path_buf)
}

/// Fingerprints of the certificates in a trust store.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    fingerprints: HashSet<[u8; 32]>,
}

impl TrustStore {
    /// Reads the certificates of a PEM bundle (blocks that do not decode are skipped).
    pub fn from_pem(bytes: &[u8]) -> TrustStore {
        let fingerprints = x509_parser::pem::Pem::iter_from_buffer(bytes)
            .filter_map(Result::ok)
            .filter(|p| p.label == "CERTIFICATE")
            .map(|p| Sha256::digest(&p.contents).into())
            .collect();
        TrustStore { fingerprints }
    }

    /// The system store, if there is one and it can be read.
    pub fn system() -> Option<TrustStore> {
        let bytes = std::fs::read(system_bundle_path()?).ok()?;
        Some(TrustStore::from_pem(&bytes))
    }

    pub fn contains(&self, fingerprint: &[u8; 32]) -> bool {
        self.fingerprints.contains(fingerprint)
    }

    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }
}
