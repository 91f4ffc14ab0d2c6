//! The TLS part of a probe: a rustls client handshake that keeps whatever chain the server
//! presents (trusting nothing while it does), and the verdicts on that chain afterwards,
//! against a CA the caller names, by rustls-webpki: the chain alone (VERIFY_CA) and the chain
//! with the host name (VERIFY_IDENTITY).

use std::io::Write;
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, ring};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use super::{Bounded, Error, deadline_left};

/// Keeps the chain the server presents and accepts it: the probe judges it afterwards, against
/// the CA it is asked about. The handshake signatures are still checked (the server holds the
/// key of the certificate it showed).
#[derive(Debug)]
struct Recorder {
    chain: Mutex<Vec<CertificateDer<'static>>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = self.chain.lock().unwrap_or_else(|e| e.into_inner());
        chain.clear();
        chain.push(end_entity.clone().into_owned());
        chain.extend(intermediates.iter().map(|c| c.clone().into_owned()));
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// What the handshake gave.
#[derive(Debug, Clone)]
pub struct Session {
    /// `TLSv1.3`, `TLSv1.2`.
    pub version: String,
    /// The IANA name of the cipher suite (`TLS13_AES_256_GCM_SHA384`).
    pub cipher: String,
    /// The certificates the server presented, its own first.
    pub chain: Vec<CertificateDer<'static>>,
}

/// The name the ClientHello carries: an IP address sends none (no SNI); a host name is sent
/// as SNI, as every TLS client does.
pub fn server_name(host: &str) -> Option<ServerName<'static>> {
    ServerName::try_from(host.to_string()).ok()
}

/// Runs a TLS client handshake on `stream` (the SSL request already sent), within `deadline`,
/// then sends close_notify. The chain is kept even when the handshake then fails.
pub fn handshake(
    stream: &mut TcpStream,
    host: &str,
    deadline: Instant,
) -> Result<Session, (Error, Vec<CertificateDer<'static>>)> {
    let provider = Arc::new(ring::default_provider());
    let recorder = Arc::new(Recorder {
        chain: Mutex::new(Vec::new()),
        provider: provider.clone(),
    });
    let chain_of = |r: &Recorder| r.chain.lock().map(|c| c.clone()).unwrap_or_default();
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| (Error::Tls(e.to_string()), Vec::new()))?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_no_client_auth();
    // A name that is not a valid SNI (an underscore, say) still gets a handshake: as an
    // address-less placeholder, which sends no SNI.
    let name = server_name(host)
        .unwrap_or_else(|| ServerName::IpAddress(std::net::Ipv4Addr::UNSPECIFIED.into()));
    let mut conn = rustls::ClientConnection::new(Arc::new(config), name)
        .map_err(|e| (Error::Tls(e.to_string()), Vec::new()))?;
    let mut io = Bounded::new(stream, deadline);
    while conn.is_handshaking() {
        deadline_left(deadline).map_err(|e| (e, chain_of(&recorder)))?;
        if let Err(e) = conn.complete_io(&mut io) {
            let chain = chain_of(&recorder);
            return Err((Error::from_tls_io(e, "the TLS handshake"), chain));
        }
    }
    let session = Session {
        version: match conn.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".into(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".into(),
            Some(v) => format!("{v:?}"),
            None => "unknown".into(),
        },
        cipher: conn
            .negotiated_cipher_suite()
            .and_then(|s| s.suite().as_str())
            .unwrap_or("unknown")
            .to_string(),
        chain: chain_of(&recorder),
    };
    // Close cleanly: close_notify, flushed within what is left of the time.
    conn.send_close_notify();
    while conn.wants_write() {
        if conn.write_tls(&mut io).is_err() {
            break;
        }
    }
    let _ = io.flush();
    Ok(session)
}

/// Whether a chain verifies against a CA, and whether it names the host.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainVerdict {
    /// The chain verifies up to a certificate of the CA (what VERIFY_CA checks); else why not.
    pub chain: Result<(), String>,
    /// The server's certificate is for the host name (what VERIFY_IDENTITY adds); `None` when
    /// the chain already fails, or no name was given.
    pub identity: Option<Result<(), String>>,
}

impl ChainVerdict {
    pub fn ca_ok(&self) -> bool {
        self.chain.is_ok()
    }

    pub fn identity_ok(&self) -> bool {
        matches!(self.identity, Some(Ok(())))
    }
}

/// Judges `chain` (the server's certificate first) against the CA certificates `roots` (DER)
/// at `now` (Unix seconds): the chain alone, then the host name `host` (an IP address is
/// matched against the IP addresses the certificate names, a host name against its DNS names).
pub fn verify(
    chain: &[CertificateDer<'_>],
    roots: &[Vec<u8>],
    host: Option<&str>,
    now: i64,
) -> ChainVerdict {
    let Some(leaf) = chain.first() else {
        return ChainVerdict {
            chain: Err("the server presented no certificate".into()),
            identity: None,
        };
    };
    let root_ders: Vec<CertificateDer<'_>> = roots
        .iter()
        .map(|r| CertificateDer::from(r.as_slice()))
        .collect();
    let anchors: Vec<_> = root_ders
        .iter()
        .filter_map(|r| webpki::anchor_from_trusted_cert(r).ok())
        .collect();
    if anchors.is_empty() {
        return ChainVerdict {
            chain: Err("the CA file holds no certificate usable as a trust anchor".into()),
            identity: None,
        };
    }
    let ee = match webpki::EndEntityCert::try_from(leaf) {
        Ok(ee) => ee,
        Err(e) => {
            return ChainVerdict {
                chain: Err(format!(
                    "the server's certificate cannot be read: {}",
                    words(&e)
                )),
                identity: None,
            };
        }
    };
    let algs = ring::default_provider().signature_verification_algorithms;
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(now.max(0) as u64));
    let checked = ee.verify_for_usage(
        algs.all,
        &anchors,
        &chain[1..],
        time,
        webpki::KeyUsage::server_auth(),
        None,
        None,
    );
    if let Err(e) = checked {
        return ChainVerdict {
            chain: Err(words(&e)),
            identity: None,
        };
    }
    let identity = host.map(|h| match ServerName::try_from(h) {
        Ok(name) => ee
            .verify_is_valid_for_subject_name(&name)
            .map_err(|e| match e {
                webpki::Error::CertNotValidForName(_) => {
                    format!("the certificate is not for {h}")
                }
                e => words(&e),
            }),
        Err(_) => Err(format!("{h} is neither a host name nor an IP address")),
    });
    ChainVerdict {
        chain: Ok(()),
        identity,
    }
}

/// webpki's errors in a person's words.
fn words(e: &webpki::Error) -> String {
    use webpki::Error as E;
    match e {
        E::UnknownIssuer => "the chain does not lead to the CA (signed by another CA)".into(),
        E::CertExpired { .. } => "a certificate of the chain has expired".into(),
        E::CertNotValidYet { .. } => "a certificate of the chain is not valid yet".into(),
        E::InvalidSignatureForPublicKey => "a signature in the chain does not verify".into(),
        E::CaUsedAsEndEntity => "the server presents a CA certificate as its own".into(),
        E::EndEntityUsedAsCa => "a server certificate is used as a CA in the chain".into(),
        E::UnsupportedCertVersion => {
            "the server's certificate is X.509 version 1 (rustls-webpki reads version 3 only)"
                .into()
        }
        E::RequiredEkuNotFoundContext(_) => {
            "the server's certificate is not for TLS servers (extended key usage)".into()
        }
        other => format!("the chain does not verify ({other:?})"),
    }
}
