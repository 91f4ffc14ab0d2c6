//! Certificate validation for `ssl-ca`: PEM framing ([`pemscan`]), X.509 checks (x509-parser,
//! with signature verification) and the operating system's trust store ([`store`]).
//!
//! [`inspect`] is pure: it takes the file's bytes, the time and the trust store, and returns a
//! [`CaReport`] whose findings say, with lines, whether the file can serve as a CA file.

pub mod pemscan;
pub mod store;

use serde::Serialize;
use sha2::{Digest, Sha256};
use x509_parser::asn1_rs::{Any, Class, FromDer as _, Tag};
use x509_parser::prelude::*;
use x509_parser::public_key::PublicKey;

pub use store::TrustStore;

/// Expiry closer than this is a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One problem, with a stable code, the line and certificate it concerns and a hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
    pub line: Option<usize>,
    /// 1-based index of the certificate in the file.
    pub certificate: Option<usize>,
}

impl Finding {
    pub fn error(code: &'static str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Error,
            code,
            message: message.into(),
            hint: Some(hint.into()).filter(|h: &String| !h.is_empty()),
            line: None,
            certificate: None,
        }
    }

    pub fn warning(
        code: &'static str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(code, message, hint)
        }
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    fn for_cert(mut self, c: &CertInfo) -> Self {
        self.line = Some(c.line);
        self.certificate = Some(c.index);
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Self-signed CA.
    Root,
    /// CA signed by another CA.
    Intermediate,
    /// Not a CA: a server or client certificate.
    Leaf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeStatus {
    Valid,
    Expired,
    NotYetValid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    /// `RSA`, `EC`, `Ed25519`, `DSA` or `unknown`.
    #[serde(rename = "type")]
    pub kind: String,
    pub bits: usize,
    pub curve: Option<String>,
}

/// What one certificate is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertInfo {
    pub index: usize,
    /// Line of its BEGIN marker.
    pub line: usize,
    pub role: Role,
    pub subject: String,
    pub issuer: String,
    pub self_signed: bool,
    pub version: u32,
    pub serial: String,
    pub sha256: String,
    pub not_before: String,
    pub not_after: String,
    pub validity: TimeStatus,
    /// Whole days until `not_after` (negative once expired).
    pub days_left: i64,
    pub key: KeyInfo,
    pub signature_algorithm: String,
    /// basicConstraints CA flag; `None` when the extension is absent.
    pub ca: Option<bool>,
    pub path_len: Option<u32>,
    /// keyUsage bits that are set; `None` when the extension is absent.
    pub key_usage: Option<Vec<&'static str>>,
    pub san: Vec<String>,
    /// Also in the operating system's trust store (a public root).
    pub in_system_store: bool,
    /// Usable as a trust anchor now: a CA, in date, no error of its own.
    pub usable: bool,
}

/// The verdict on a CA file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaReport {
    pub usable: bool,
    pub certificates: Vec<CertInfo>,
    /// How many usable CA certificates the file holds.
    pub usable_cas: usize,
    /// How many certificates are also in the system trust store.
    pub public_roots: usize,
    pub findings: Vec<Finding>,
}

impl CaReport {
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
    }

    /// The file holds public roots (a system bundle): only VERIFY_IDENTITY makes sense.
    pub fn has_public_roots(&self) -> bool {
        self.public_roots > 0
    }

    /// SHA-256 fingerprint (hex, no separators) of the first usable CA: names installed copies.
    pub fn anchor_fingerprint(&self) -> Option<String> {
        self.certificates
            .iter()
            .find(|c| c.usable)
            .map(|c| c.sha256.replace(':', "").to_lowercase())
    }
}

/// The DER of each certificate of a CA file, as [`inspect`] reads them: each block that decodes
/// as a strictly encoded X.509 certificate, in file order, without bytes after its DER.
pub fn certificates_der(bytes: &[u8]) -> Vec<Vec<u8>> {
    let (blocks, _) = pemscan::scan(bytes);
    blocks
        .iter()
        .filter_map(|b| {
            let (_, cert) = X509Certificate::from_der(&b.der).ok()?;
            strict_envelope(cert.as_raw()).then(|| cert.as_raw().to_vec())
        })
        .collect()
}

/// The certificates of a CA file re-encoded as clean PEM: [`certificates_der`] as
/// `CERTIFICATE` blocks with LF line endings, and nothing else (no text around or between the
/// blocks, no other blocks, no bytes after a certificate's DER). What an installed copy of a
/// file [`inspect`] found usable holds.
pub fn clean_pem(bytes: &[u8]) -> Vec<u8> {
    let pems: Vec<::pem::Pem> = certificates_der(bytes)
        .into_iter()
        .map(|der| ::pem::Pem::new("CERTIFICATE", der))
        .collect();
    let config = ::pem::EncodeConfig::new().set_line_ending(::pem::LineEnding::LF);
    ::pem::encode_many_config(&pems, config).into_bytes()
}

/// Validates a CA file's bytes at time `now` (Unix seconds).
pub fn inspect(bytes: &[u8], now: i64, store: Option<&TrustStore>) -> CaReport {
    let (blocks, mut findings) = pemscan::scan(bytes);
    let parsed = parse_blocks(&blocks, &mut findings);
    let framing_ok = findings.is_empty();

    let mut infos: Vec<CertInfo> = parsed
        .iter()
        .enumerate()
        .map(|(i, (block, cert))| describe(i + 1, block.line, cert, now, store))
        .collect();
    let checked = check_all(&infos, &parsed, &mut findings);
    let usable_cas = mark_usable(&mut infos, &checked, &mut findings);
    findings.extend(
        infos
            .iter()
            .filter_map(|info| time_finding(info, usable_cas)),
    );

    let public_roots = infos.iter().filter(|c| c.in_system_store).count();
    findings.sort_by_key(|f| (f.line.unwrap_or(0), std::cmp::Reverse(f.severity)));
    let usable =
        framing_ok && usable_cas > 0 && !findings.iter().any(|f| f.severity == Severity::Error);
    CaReport {
        usable,
        certificates: infos,
        usable_cas,
        public_roots,
        findings,
    }
}

/// A certificate block with its parsed certificate.
type Parsed<'a> = (&'a pemscan::CertBlock, X509Certificate<'a>);

/// Parses each block's DER as X.509; a block that does not parse is an error (CA201) and is
/// left out of the rest of the checks.
fn parse_blocks<'a>(
    blocks: &'a [pemscan::CertBlock],
    findings: &mut Vec<Finding>,
) -> Vec<Parsed<'a>> {
    let mut parsed = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        match X509Certificate::from_der(&block.der) {
            Ok((_, cert)) if strict_envelope(cert.as_raw()) => parsed.push((block, cert)),
            Ok(_) => findings.push(
                Finding::error(
                    "CA201",
                    format!(
                        "certificate {} (line {}) is damaged: its encoding outside the signed part is not the strict DER TLS libraries read",
                        i + 1,
                        block.line
                    ),
                    "one broken certificate makes the whole file unusable: copy the file again",
                )
                .at_line(block.line),
            ),
            Err(e) => findings.push(
                Finding::error(
                    "CA201",
                    format!(
                        "certificate {} (line {}) is not a valid X.509 certificate: {e}",
                        i + 1,
                        block.line
                    ),
                    "one broken certificate makes the whole file unusable: copy the file again",
                )
                .at_line(block.line),
            ),
        }
    }
    parsed
}

/// What the checks of one certificate found: an error of its own, and the certificate of the
/// file whose key verifies its signature (its issuer), for one that is not self-signed.
#[derive(Debug, Clone, Copy, Default)]
struct Checked {
    error: bool,
    parent: Option<usize>,
}

/// One DER element at the start of `input`: the element, its whole encoding, and what follows.
fn element(input: &[u8]) -> Option<(Any<'_>, &[u8], &[u8])> {
    let (rest, any) = Any::from_der(input).ok()?;
    Some((any, &input[..input.len() - rest.len()], rest))
}

/// Whether `any` (encoded as `whole`) has the DER header of a universal `tag`: that class, tag
/// and form, and the shortest length encoding.
fn strict_header(any: &Any<'_>, whole: &[u8], tag: Tag, constructed: bool) -> bool {
    let n = any.data.len();
    let length_bytes = if n < 0x80 {
        1
    } else {
        1 + (usize::BITS - n.leading_zeros()).div_ceil(8) as usize
    };
    any.class() == Class::Universal
        && any.tag() == tag
        && any.header.is_constructed() == constructed
        && whole.len() == 1 + length_bytes + n
}

/// Whether the part of a certificate its signature does not cover is strict DER, as OpenSSL
/// reads it: a SEQUENCE of exactly the signed part (a SEQUENCE), the signature algorithm (a
/// SEQUENCE byte for byte equal to the one inside the signed part) and the signature (a BIT
/// STRING without unused bits). x509-parser alone takes, for instance, any class for these tags.
fn strict_envelope(raw: &[u8]) -> bool {
    let check = || -> Option<bool> {
        let (cert, whole, after) = element(raw)?;
        let (tbs, tbs_whole, rest) = element(cert.data)?;
        let (alg, alg_whole, rest) = element(rest)?;
        let (sig, sig_whole, rest) = element(rest)?;
        // Inside the signed part: an optional [0] version, the serial number, the algorithm.
        let (first, _, mut inner) = element(tbs.data)?;
        if first.class() == Class::ContextSpecific {
            inner = element(inner)?.2;
        }
        let (_, inner_alg, _) = element(inner)?;
        Some(
            after.is_empty()
                && rest.is_empty()
                && strict_header(&cert, whole, Tag::Sequence, true)
                && strict_header(&tbs, tbs_whole, Tag::Sequence, true)
                && strict_header(&alg, alg_whole, Tag::Sequence, true)
                && strict_header(&sig, sig_whole, Tag::BitString, false)
                && sig.data.first() == Some(&0)
                && inner_alg == alg_whole,
        )
    };
    check().unwrap_or(false)
}

/// Runs [`check_one`] on every certificate, in file order, adding its findings.
fn check_all(
    infos: &[CertInfo],
    parsed: &[Parsed<'_>],
    findings: &mut Vec<Finding>,
) -> Vec<Checked> {
    let mut checked = vec![Checked::default(); infos.len()];
    for (i, (_, cert)) in parsed.iter().enumerate() {
        let (mut found, parent) = check_one(&infos[i], cert, parsed);
        checked[i].parent = parent;
        found.extend(same_name(&infos[i], cert, parsed));
        for f in found {
            if f.severity == Severity::Error {
                checked[i].error = true;
            }
            findings.push(f.for_cert(&infos[i]));
        }
    }
    checked
}

/// Decides which certificates can anchor trust now and returns how many can. A certificate can
/// when it is a CA, in date, without an error of its own, and its chain climbs, through issuers
/// that can too, to a self-signed root of the file: what OpenSSL needs to verify a server
/// certificate it signed (OpenSSL takes no partial chain). A chain that loops (CA209) or passes
/// an issuer's path length limit (CA210) is an error.
fn mark_usable(infos: &mut [CertInfo], checked: &[Checked], findings: &mut Vec<Finding>) -> usize {
    let own_ok: Vec<bool> = infos
        .iter()
        .zip(checked)
        .map(|(info, c)| info.role != Role::Leaf && info.validity == TimeStatus::Valid && !c.error)
        .collect();
    let mut usable = own_ok.clone();
    for i in 0..infos.len() {
        if infos[i].role == Role::Leaf {
            continue;
        }
        // The chain from certificate i up: i, its issuer, the issuer's issuer, ...
        let mut chain = vec![i];
        let mut cur = i;
        while !infos[cur].self_signed {
            // No issuer here: CA206 or CA207 already says why.
            let Some(p) = checked[cur].parent else {
                usable[i] = false;
                break;
            };
            if chain.contains(&p) {
                findings.push(chain_loop(&infos[i]).for_cert(&infos[i]));
                usable[i] = false;
                break;
            }
            if infos[p].path_len.is_some_and(|n| chain.len() > n as usize) {
                findings.push(path_too_long(&infos[i], &infos[p], chain.len()).for_cert(&infos[i]));
                usable[i] = false;
                break;
            }
            usable[i] &= own_ok[p];
            chain.push(p);
            cur = p;
        }
    }
    for (info, ok) in infos.iter_mut().zip(usable) {
        info.usable = ok;
    }
    infos.iter().filter(|c| c.usable).count()
}

/// A certificate with the name of an earlier, different one (CA211). OpenSSL looks issuers up by
/// name and, where key identifiers do not tell them apart, takes the first: chains through the
/// other fail (`self-signed certificate`, `certificate signature failure`).
fn same_name(info: &CertInfo, cert: &X509Certificate<'_>, all: &[Parsed<'_>]) -> Option<Finding> {
    let (j, _) = all[..info.index - 1]
        .iter()
        .enumerate()
        .find(|(_, (_, c))| {
            c.subject().as_raw() == cert.subject().as_raw() && c.as_raw() != cert.as_raw()
        })?;
    Some(Finding::error(
        "CA211",
        format!(
            "certificate {} ({}) has the same name as certificate {}, but is another certificate",
            info.index,
            info.subject,
            j + 1
        ),
        "TLS libraries pick a CA by its name, so only one of the two would be used; keep only the one that signed your server's certificate (usually the newer)",
    ))
}

/// Issuers that lead back to the certificate itself: the chain never reaches a root (CA209).
fn chain_loop(info: &CertInfo) -> Finding {
    Finding::error(
        "CA209",
        format!(
            "the chain of certificate {} ({}) never reaches a self-signed root: its issuers lead back to it",
            info.index, info.subject
        ),
        "add the root certificate of this chain to the file",
    )
}

/// A CA deeper below `issuer` than its basicConstraints path length allows (CA210).
fn path_too_long(info: &CertInfo, issuer: &CertInfo, depth: usize) -> Finding {
    Finding::error(
        "CA210",
        format!(
            "certificate {} ({}) is {depth} CA{} below certificate {} ({}), whose path length limit is {}: TLS libraries refuse every certificate it signs",
            info.index,
            info.subject,
            if depth == 1 { "" } else { "s" },
            issuer.index,
            issuer.subject,
            issuer.path_len.unwrap_or(0)
        ),
        "use the chain your provider issued; this certificate cannot sign server certificates",
    )
}

/// The validity period: a warning when expiry is near (CA302); expired (CA301) or not yet valid
/// (CA303) is an error when it leaves the file without a usable CA, a warning in a bundle that
/// still has one.
fn time_finding(info: &CertInfo, usable_cas: usize) -> Option<Finding> {
    let (code, what) = match info.validity {
        TimeStatus::Valid => {
            return (info.days_left < EXPIRY_WARNING_DAYS).then(|| {
                Finding::warning(
                    "CA302",
                    format!(
                        "certificate {} ({}) expires in {} days, on {}",
                        info.index, info.subject, info.days_left, info.not_after
                    ),
                    "get the renewed CA from your provider before then",
                )
                .for_cert(info)
            });
        }
        TimeStatus::Expired => ("CA301", format!("expired on {}", info.not_after)),
        TimeStatus::NotYetValid => ("CA303", format!("is not valid before {}", info.not_before)),
    };
    let message = format!("certificate {} ({}) {what}", info.index, info.subject);
    let f = if usable_cas == 0 {
        Finding::error(
            code,
            message,
            "clients will refuse every server with this CA; get the current CA certificate",
        )
    } else {
        Finding::warning(code, message, "other CAs in the file are still usable")
    };
    Some(f.for_cert(info))
}

/// The checks of one certificate, in the order they are reported: CA-ness, key usage,
/// signature, key size, signature hash. A leaf stops at the first. Also returns the issuer whose
/// key verifies the signature, for a certificate that is not self-signed.
fn check_one(
    info: &CertInfo,
    cert: &X509Certificate<'_>,
    all: &[Parsed<'_>],
) -> (Vec<Finding>, Option<usize>) {
    if info.role == Role::Leaf {
        return (vec![not_a_ca(info)], None);
    }
    let (signature, parent) = signature_finding(info, cert, all);
    let found = [
        legacy_root(info),
        missing_key_cert_sign(info),
        signature,
        weak_key(info),
        weak_signature_hash(info),
    ]
    .into_iter()
    .flatten()
    .collect();
    (found, parent)
}

/// A leaf (server or client) certificate where a CA belongs (CA202).
fn not_a_ca(info: &CertInfo) -> Finding {
    let names = if info.san.is_empty() {
        String::new()
    } else {
        format!(", for {}", info.san.join(", "))
    };
    let what = if info.ca.is_none() && info.self_signed {
        format!(
            "a self-signed v{} certificate without basicConstraints or keyUsage, which OpenSSL does not take as a CA{names}",
            info.version
        )
    } else {
        format!("it is a server or client certificate{names}")
    };
    Finding::error(
        "CA202",
        format!(
            "certificate {} ({}) is not a CA: {what}",
            info.index, info.subject
        ),
        "ssl-ca needs the certificate of the CA that signed the server's certificate, not the server's own certificate; ask your provider for the CA (root) certificate",
    )
}

/// A CA without basicConstraints, which only a self-signed legacy root can be (CA203).
fn legacy_root(info: &CertInfo) -> Option<Finding> {
    info.ca.is_none().then(|| {
        Finding::warning(
            "CA203",
            format!(
                "certificate {} ({}) is a self-signed v{} root without basicConstraints",
                info.index, info.subject, info.version
            ),
            "clients accept such legacy roots, but a modern CA certificate says CA:TRUE",
        )
    })
}

/// A keyUsage extension that does not allow signing certificates (CA204).
fn missing_key_cert_sign(info: &CertInfo) -> Option<Finding> {
    let ku = info.key_usage.as_ref()?;
    (!ku.contains(&"keyCertSign")).then(|| {
        Finding::error(
            "CA204",
            format!(
                "certificate {} ({}) has keyUsage without keyCertSign: it may not sign certificates",
                info.index, info.subject
            ),
            "TLS libraries reject a chain through this certificate; use the provider's CA certificate",
        )
    })
}

/// Whether the certificate's signature holds: a root's self-signature, an intermediate's against
/// its issuer in the file (whose index is returned when found).
fn signature_finding(
    info: &CertInfo,
    cert: &X509Certificate<'_>,
    all: &[Parsed<'_>],
) -> (Option<Finding>, Option<usize>) {
    if info.self_signed && info.in_system_store {
        // Byte-identical to a root of the operating system's trust store: the store vouches for
        // it, so its self-signature adds nothing (and verifying 140 of them is most of the time).
        (None, None)
    } else if info.self_signed {
        (self_signature(info, cert), None)
    } else {
        issuer_signature(info, cert, all)
    }
}

/// What checking one signature found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signature {
    Verified,
    Broken,
    /// An algorithm (or key) the verifier here does not support.
    Unverifiable,
}

/// Checks `cert`'s signature with `key`. The algorithm outside the signed part must be the one
/// inside it (OpenSSL refuses a certificate where they differ). RSA keys under 2048 bits, which
/// x509-parser's verifier refuses outright, are checked with ring's legacy algorithms.
fn check_signature(cert: &X509Certificate<'_>, key: &SubjectPublicKeyInfo<'_>) -> Signature {
    if cert.signature_algorithm != cert.tbs_certificate.signature {
        return Signature::Broken;
    }
    match cert.verify_signature(Some(key)) {
        Ok(()) => Signature::Verified,
        Err(X509Error::SignatureUnsupportedAlgorithm) => Signature::Unverifiable,
        Err(_) if small_rsa(key) => legacy_rsa(cert, key),
        Err(_) => Signature::Broken,
    }
}

/// An RSA PKCS#1 signature by a key under 2048 bits.
fn legacy_rsa(cert: &X509Certificate<'_>, key: &SubjectPublicKeyInfo<'_>) -> Signature {
    use ring::signature;
    let alg: &dyn signature::VerificationAlgorithm =
        match cert.signature_algorithm.algorithm.to_id_string().as_str() {
            "1.2.840.113549.1.1.5" => &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
            "1.2.840.113549.1.1.11" => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
            "1.2.840.113549.1.1.13" => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
            _ => return Signature::Unverifiable,
        };
    let public = signature::UnparsedPublicKey::new(alg, &key.subject_public_key.data);
    match public.verify(cert.tbs_certificate.as_ref(), &cert.signature_value.data) {
        Ok(()) => Signature::Verified,
        Err(_) => Signature::Broken,
    }
}

/// The self-signature: broken is an error (CA205), and so is one that cannot be checked here
/// (CA208), since damage could not be ruled out.
fn self_signature(info: &CertInfo, cert: &X509Certificate<'_>) -> Option<Finding> {
    match check_signature(cert, cert.public_key()) {
        Signature::Verified => None,
        Signature::Unverifiable => Some(unverifiable(info)),
        Signature::Broken => Some(Finding::error(
            "CA205",
            format!(
                "the self-signature of certificate {} ({}) does not verify",
                info.index, info.subject
            ),
            "the certificate is damaged or was altered; copy it again",
        )),
    }
}

/// The signature by the issuer, and the issuer's index: an issuer missing from the file is an
/// error (CA206: OpenSSL takes no partial chain), and so is a signature no certificate of the
/// file with the issuer's name verifies (CA207) or one that cannot be checked here (CA208).
fn issuer_signature(
    info: &CertInfo,
    cert: &X509Certificate<'_>,
    all: &[Parsed<'_>],
) -> (Option<Finding>, Option<usize>) {
    let candidates: Vec<(usize, &X509Certificate<'_>)> = all
        .iter()
        .enumerate()
        .filter(|(i, (_, c))| {
            *i + 1 != info.index && c.subject().as_raw() == cert.issuer().as_raw()
        })
        .map(|(i, (_, c))| (i, c))
        .collect();
    if candidates.is_empty() {
        return (Some(missing_issuer(info)), None);
    }
    let mut unverifiable_seen = false;
    for (i, parent) in candidates {
        match check_signature(cert, parent.public_key()) {
            Signature::Verified => return (None, Some(i)),
            Signature::Unverifiable => unverifiable_seen = true,
            Signature::Broken => {}
        }
    }
    if unverifiable_seen {
        return (Some(unverifiable(info)), None);
    }
    (
        Some(Finding::error(
            "CA207",
            format!(
                "the signature on certificate {} ({}) does not verify with its issuer's key",
                info.index, info.subject
            ),
            "the certificate is damaged, or the issuer in the file is not the one that signed it (a renewed CA?); get the matching chain",
        )),
        None,
    )
}

/// The issuer is not in the file (CA206): OpenSSL-based clients refuse the chain.
fn missing_issuer(info: &CertInfo) -> Finding {
    Finding::error(
        "CA206",
        format!(
            "the issuer of certificate {} ({}), {}, is not in the file: the chain does not end at a root",
            info.index, info.subject, info.issuer
        ),
        "add the root certificate (and any intermediate between) to the file. Clients on OpenSSL (libmariadb, libmysqlclient, Python's ssl before 3.13) refuse a chain that does not end at a self-signed root of the ssl-ca file (\"unable to get issuer certificate\"), even when the server sends the rest; only a client that accepts partial chains, such as Python's ssl from 3.13, could use this file",
    )
}

/// An RSA key under 2048 bits (CA401).
fn weak_key(info: &CertInfo) -> Option<Finding> {
    (info.key.kind == "RSA" && info.key.bits < 2048).then(|| {
        Finding::warning(
            "CA401",
            format!(
                "certificate {} ({}) has a weak {}-bit RSA key",
                info.index, info.subject, info.key.bits
            ),
            "current TLS libraries may refuse keys under 2048 bits",
        )
    })
}

/// A SHA-1 or MD5 signature by an issuer (CA402); a root's own signature is not judged.
fn weak_signature_hash(info: &CertInfo) -> Option<Finding> {
    (!info.self_signed && weak_hash(&info.signature_algorithm)).then(|| {
        Finding::warning(
            "CA402",
            format!(
                "certificate {} ({}) is signed with {}",
                info.index, info.subject, info.signature_algorithm
            ),
            "SHA-1 and MD5 signatures are refused by current TLS libraries",
        )
    })
}

/// An RSA key under 2048 bits: x509-parser's verifier refuses such keys outright, so a failed
/// check says nothing about the signature.
fn small_rsa(spki: &SubjectPublicKeyInfo<'_>) -> bool {
    matches!(spki.parsed(), Ok(PublicKey::RSA(k)) if k.key_size() < 2048)
}

fn unverifiable(info: &CertInfo) -> Finding {
    Finding::error(
        "CA208",
        format!(
            "the signature on certificate {} ({}) uses {}, which cannot be verified here",
            info.index, info.subject, info.signature_algorithm
        ),
        "a signature that cannot be checked cannot be told from a damaged one; ask your provider for a CA signed with SHA-256 (RSA or ECDSA) or Ed25519",
    )
}

fn weak_hash(alg: &str) -> bool {
    alg.starts_with("sha1") || alg.starts_with("md5") || alg == "ecdsa-with-SHA1"
}

/// Reads what one certificate is (role, names, dates, key, extensions, presence in the system
/// store); `usable` is decided later, once the certificate has been checked.
fn describe(
    index: usize,
    line: usize,
    cert: &X509Certificate<'_>,
    now: i64,
    store: Option<&TrustStore>,
) -> CertInfo {
    let fingerprint: [u8; 32] = Sha256::digest(cert.as_raw()).into();
    let self_signed = cert.subject().as_raw() == cert.issuer().as_raw();
    let bc = cert.basic_constraints().ok().flatten();
    let ca = bc.as_ref().map(|b| b.value.ca);
    let nb = cert.validity().not_before.timestamp();
    let na = cert.validity().not_after.timestamp();
    CertInfo {
        index,
        line,
        role: role_of(
            ca,
            self_signed,
            cert.version().0 + 1,
            cert.key_usage().ok().flatten().is_some(),
        ),
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        self_signed,
        version: cert.version().0 + 1,
        serial: cert.raw_serial_as_string(),
        sha256: colon_hex(&fingerprint),
        not_before: rfc3339(nb),
        not_after: rfc3339(na),
        validity: time_status(now, nb, na),
        days_left: (na - now).div_euclid(86_400),
        key: key_info(cert),
        signature_algorithm: signature_name(&cert.signature_algorithm.algorithm.to_id_string()),
        ca,
        path_len: bc.and_then(|b| b.value.path_len_constraint),
        key_usage: cert
            .key_usage()
            .ok()
            .flatten()
            .map(|ku| key_usage_names(ku.value)),
        san: cert
            .subject_alternative_name()
            .ok()
            .flatten()
            .map(|s| s.value.general_names.iter().map(general_name).collect())
            .unwrap_or_default(),
        in_system_store: store.is_some_and(|s| s.contains(&fingerprint)),
        usable: false,
    }
}

/// What a certificate is from its basicConstraints CA flag (`None` when the extension is absent),
/// whether it signed itself, its version and whether it has a keyUsage extension. Without
/// basicConstraints, OpenSSL takes a certificate as a CA only when it is a self-signed v1
/// certificate or has keyUsage (which must then allow keyCertSign: CA204).
fn role_of(ca: Option<bool>, self_signed: bool, version: u32, has_key_usage: bool) -> Role {
    match ca {
        Some(true) if self_signed => Role::Root,
        Some(true) => Role::Intermediate,
        Some(false) => Role::Leaf,
        // Legacy roots count as CAs when self-signed.
        None if self_signed && (version == 1 || has_key_usage) => Role::Root,
        None => Role::Leaf,
    }
}

/// Where `now` falls in the validity period `not_before..=not_after` (Unix seconds).
fn time_status(now: i64, not_before: i64, not_after: i64) -> TimeStatus {
    if now < not_before {
        TimeStatus::NotYetValid
    } else if now > not_after {
        TimeStatus::Expired
    } else {
        TimeStatus::Valid
    }
}

/// `AB:CD:…`: upper-case hex bytes separated by colons, as fingerprints are shown.
fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn rfc3339(ts: i64) -> String {
    ::time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| {
            t.format(&::time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ts.to_string())
}

fn key_info(cert: &X509Certificate<'_>) -> KeyInfo {
    let spki = cert.public_key();
    let alg = spki.algorithm.algorithm.to_id_string();
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|oid| curve_name(&oid.to_id_string()));
    let (kind, bits) = match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => ("RSA", rsa.key_size()),
        Ok(PublicKey::EC(ec)) => ("EC", ec.key_size()),
        Ok(PublicKey::DSA(y)) => ("DSA", y.len() * 8),
        _ if alg == "1.3.101.112" => ("Ed25519", 256),
        _ if alg == "1.3.101.113" => ("Ed448", 456),
        _ => ("unknown", 0),
    };
    KeyInfo {
        kind: kind.to_string(),
        bits,
        curve: if kind == "EC" { curve } else { None },
    }
}

fn curve_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.3.1.7" => "P-256".into(),
        "1.3.132.0.34" => "P-384".into(),
        "1.3.132.0.35" => "P-521".into(),
        other => other.into(),
    }
}

fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        other => return other.to_string(),
    }
    .to_string()
}

fn key_usage_names(ku: &x509_parser::extensions::KeyUsage) -> Vec<&'static str> {
    let all = [
        (ku.digital_signature(), "digitalSignature"),
        (ku.non_repudiation(), "nonRepudiation"),
        (ku.key_encipherment(), "keyEncipherment"),
        (ku.data_encipherment(), "dataEncipherment"),
        (ku.key_agreement(), "keyAgreement"),
        (ku.key_cert_sign(), "keyCertSign"),
        (ku.crl_sign(), "cRLSign"),
        (ku.encipher_only(), "encipherOnly"),
        (ku.decipher_only(), "decipherOnly"),
    ];
    all.into_iter()
        .filter(|(set, _)| *set)
        .map(|(_, n)| n)
        .collect()
}

fn general_name(n: &GeneralName<'_>) -> String {
    match n {
        GeneralName::DNSName(d) => format!("DNS:{d}"),
        GeneralName::IPAddress(ip) => match ip.len() {
            4 => format!("IP:{}", std::net::Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3])),
            16 => {
                let mut a = [0u8; 16];
                a.copy_from_slice(ip);
                format!("IP:{}", std::net::Ipv6Addr::from(a))
            }
            _ => "IP:?".into(),
        },
        GeneralName::RFC822Name(e) => format!("email:{e}"),
        GeneralName::URI(u) => format!("URI:{u}"),
        other => format!("{other:?}"),
    }
}
