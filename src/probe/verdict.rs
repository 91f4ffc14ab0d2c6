//! What the live facts mean: the strongest mode that works against the server, and, through
//! the client table, which client families will connect with the option file as written (and
//! which only in plaintext).

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::Probe;
use super::tls::{self, ChainVerdict};
use crate::clients::outcome::strength;
use crate::clients::{self, Family, Level, Outcome, PROFILES, Refusals, TlsUse, names::opt};
use crate::optfile::Opt;

/// A TLS mode, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LiveMode {
    /// No TLS: the server offers none, or the handshake fails.
    #[serde(rename = "none")]
    None,
    /// TLS, nothing verified.
    Required,
    /// TLS, the chain verified against the CA.
    VerifyCa,
    /// TLS, the chain verified and the certificate names the host.
    VerifyIdentity,
}

impl LiveMode {
    pub fn as_str(self) -> &'static str {
        match self {
            LiveMode::None => "none",
            LiveMode::Required => "REQUIRED",
            LiveMode::VerifyCa => "VERIFY_CA",
            LiveMode::VerifyIdentity => "VERIFY_IDENTITY",
        }
    }

    /// Parses `VERIFY_IDENTITY`, `VERIFY_CA`, `REQUIRED` (any case, `-` for `_`).
    pub fn parse(s: &str) -> Result<LiveMode, String> {
        match s.to_ascii_uppercase().replace('-', "_").as_str() {
            "VERIFY_IDENTITY" => Ok(LiveMode::VerifyIdentity),
            "VERIFY_CA" => Ok(LiveMode::VerifyCa),
            "REQUIRED" => Ok(LiveMode::Required),
            _ => Err(format!(
                "unknown mode {s:?}: use VERIFY_IDENTITY, VERIFY_CA or REQUIRED"
            )),
        }
    }
}

impl From<clients::Mode> for LiveMode {
    fn from(m: clients::Mode) -> Self {
        match m {
            clients::Mode::VerifyCa => LiveMode::VerifyCa,
            clients::Mode::VerifyIdentity => LiveMode::VerifyIdentity,
        }
    }
}

/// The strongest mode that works, given the chain's verdict against the CA (`None`: no CA was
/// given, so nothing above REQUIRED can be known).
pub fn strongest(probe: &Probe, ca: Option<&ChainVerdict>) -> LiveMode {
    if !probe.tls_works() {
        return LiveMode::None;
    }
    match ca {
        Some(v) if v.ca_ok() && v.identity_ok() => LiveMode::VerifyIdentity,
        Some(v) if v.ca_ok() => LiveMode::VerifyCa,
        _ => LiveMode::Required,
    }
}

/// Why `mode` fails against the server, or `None` when it works.
pub fn why_not(mode: LiveMode, probe: &Probe, ca: Option<&ChainVerdict>) -> Option<String> {
    if mode == LiveMode::None {
        return None;
    }
    if !probe.server.tls_offered {
        return Some("the server offers no TLS".into());
    }
    if let Some(e) = &probe.tls_error {
        return Some(format!("the TLS handshake fails: {e}"));
    }
    if mode == LiveMode::Required {
        return None;
    }
    let Some(v) = ca else {
        return Some("no CA to verify against (give --ca or --system-roots)".into());
    };
    if let Err(e) = &v.chain {
        return Some(e.clone());
    }
    if mode == LiveMode::VerifyIdentity {
        match &v.identity {
            Some(Ok(())) => {}
            Some(Err(e)) => return Some(e.clone()),
            None => return Some("no host name to check".into()),
        }
    }
    None
}

/// What one family will do against this server with the file as written.
#[derive(Debug, Clone, Serialize)]
pub struct FamilyLive {
    /// The family's row for the file as written (`tls`, `ca_verified`, `host_checked`).
    #[serde(flatten)]
    pub row: Outcome,
    /// `connects`, `plaintext` (connects, without TLS), `fails`, `not_applicable`.
    pub live: Live,
    /// Why it fails, or what it gets.
    pub why: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Live {
    /// Connects over TLS.
    Connects,
    /// Connects, in plaintext.
    Plaintext,
    /// Will not connect.
    Fails,
    /// Reads no option files: the file decides nothing.
    NotApplicable,
}

/// One family's live verdict: its row combined with the live facts; `ca` is the chain's
/// verdict against the CA this family verifies with (`Err`: that CA cannot be used).
pub fn live(
    row: &Outcome,
    probe: &Probe,
    ca: Option<&Result<ChainVerdict, String>>,
) -> (Live, String) {
    match row.level {
        Level::Broken => return (Live::Fails, row.summary.clone()),
        Level::Unaffected => return (Live::NotApplicable, row.summary.clone()),
        _ => {}
    }
    let tls = row.tls.unwrap_or(TlsUse::Off);
    if tls == TlsUse::Off {
        return (Live::Plaintext, "does not use TLS".into());
    }
    if !probe.server.tls_offered {
        return match tls {
            TlsUse::Required => (Live::Fails, "insists on TLS; the server offers none".into()),
            _ => (
                Live::Plaintext,
                "the server offers no TLS: plaintext".into(),
            ),
        };
    }
    if let Some(e) = &probe.tls_error {
        return (Live::Fails, format!("the TLS handshake fails: {e}"));
    }
    if row.ca_verified != Some(true) {
        return (Live::Connects, "TLS, certificate not verified".into());
    }
    let v = match ca {
        Some(Ok(v)) => v,
        Some(Err(e)) => return (Live::Fails, e.clone()),
        None => return (Live::Fails, "no CA to verify against".into()),
    };
    if let Err(e) = &v.chain {
        return (Live::Fails, e.clone());
    }
    if row.host_checked == Some(true) {
        return match &v.identity {
            Some(Ok(())) => (Live::Connects, "TLS, CA verified, host name checked".into()),
            Some(Err(e)) => (Live::Fails, e.clone()),
            None => (Live::Fails, "no host name to check".into()),
        };
    }
    (Live::Connects, "TLS, CA verified".into())
}

/// Where a family's certificates are verified against, as its options say: the `ssl-ca` file
/// (the path as written), or the system CAs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Anchor {
    File(Vec<u8>),
    System,
}

/// The anchor a family verifies with, from the options it reads (`None`: it verifies
/// nothing, or a line stops it).
pub fn anchor(family: Family, opts: &[Opt]) -> Option<Anchor> {
    let p = family.profile();
    let visible = p.visible(opts);
    let s = strength(p, &visible)?;
    if !s.verify {
        return None;
    }
    Some(match s.ca {
        Some(path) => Anchor::File(path),
        None => Anchor::System,
    })
}

/// The last line a family reads for `name` (host, port, ssl-ca …), by its rules.
pub fn last_value(family: Family, opts: &[Opt], name: &str) -> Option<String> {
    let p = family.profile();
    p.visible(opts)
        .into_iter()
        .rev()
        .find(|o| o.name.is(name) && o.name.negation.is_none())
        .map(|o| String::from_utf8_lossy(o.value.as_deref().unwrap_or_default()).into_owned())
}

/// The host and port a family connects to, from the options it reads.
pub fn host_port(family: Family, opts: &[Opt]) -> (Option<String>, Option<u16>) {
    (
        last_value(family, opts, opt::HOST),
        last_value(family, opts, opt::PORT).and_then(|p| p.trim().parse().ok()),
    )
}

/// The chain's verdict against the CA certificates of a file (`Err` when the file cannot be
/// read or holds no certificate).
pub fn against_file(
    probe: &Probe,
    path: &Path,
    host: Option<&str>,
    now: i64,
) -> Result<ChainVerdict, String> {
    let shown = shown_path(path.as_os_str().as_encoded_bytes());
    let bytes =
        std::fs::read(path).map_err(|e| format!("the CA file {shown} cannot be read: {e}"))?;
    against_pem(probe, &bytes, host, now).map_err(|e| format!("the CA file {shown}: {e}"))
}

/// A CA path from an option file as it may be shown: what follows a secret word and `=` in
/// it masked, as in every value quoted, control characters escaped.
pub fn shown_path(path: &[u8]) -> String {
    crate::diagnostic::Masked::value(b"", path, &crate::clients::is_secret)
        .text()
        .into_owned()
}

/// The chain's verdict against the certificates of PEM bytes.
pub fn against_pem(
    probe: &Probe,
    pem: &[u8],
    host: Option<&str>,
    now: i64,
) -> Result<ChainVerdict, String> {
    let roots = crate::cert::certificates_der(pem);
    if roots.is_empty() {
        return Err("holds no certificate".into());
    }
    let chain: Vec<_> = probe
        .chain
        .iter()
        .map(|c| rustls::pki_types::CertificateDer::from(c.der.as_slice()))
        .collect();
    Ok(tls::verify(&chain, &roots, host, now))
}

/// Every family's live verdict with these options: `chain` what the command-line clients read,
/// `file` the one file the libraries are given; `system` the system CA bundle's bytes.
pub fn table(
    chain: &[Opt],
    file: &[Opt],
    probe: &Probe,
    host: Option<&str>,
    now: i64,
    system: Option<&[u8]>,
) -> Vec<FamilyLive> {
    let rows = clients::outcomes(chain, file, Refusals::default());
    let mut judged: HashMap<Anchor, Result<ChainVerdict, String>> = HashMap::new();
    rows.into_iter()
        .zip(PROFILES)
        .map(|(row, p)| {
            let opts = match p.reads {
                clients::Reads::Chain => chain,
                clients::Reads::OneFile => file,
            };
            let verdict = anchor(p.family, opts).map(|a| {
                judged
                    .entry(a.clone())
                    .or_insert_with(|| match &a {
                        Anchor::File(path) => against_file(
                            probe,
                            Path::new(&*String::from_utf8_lossy(path)),
                            host,
                            now,
                        ),
                        Anchor::System => match system {
                            Some(b) => against_pem(probe, b, host, now),
                            None => Err("no system CA bundle on this machine".into()),
                        },
                    })
                    .clone()
            });
            let (live, why) = live(&row, probe, verdict.as_ref());
            FamilyLive { row, live, why }
        })
        .collect()
}
