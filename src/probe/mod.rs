//! `probe`: ask the live server before the option file is trusted. Connects over TCP, reads the
//! server's greeting ([`protocol`]), asks for TLS when it is offered and runs a TLS handshake
//! that keeps the presented chain ([`tls`]), then judges that chain against the CA the caller
//! names and, through the client table, what each client family will do ([`verdict`]).
//!
//! Nothing secret goes over the wire: the only packet sent before TLS is the fixed SSL request
//! ([`protocol::ssl_request`]); no user name, password or database is ever sent
//! (docs/probe.md). Every step is bounded in time and in bytes. It never prints.

pub mod protocol;
pub mod tls;
pub mod verdict;

use std::io::Write;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::cert;
use protocol::{Greeting, GreetingError, ReadError};

/// The default MySQL/MariaDB TCP port.
pub const DEFAULT_PORT: u16 = 3306;

/// Why a probe could not get an answer from a MySQL server.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("cannot resolve {host}: {why}")]
    Dns { host: String, why: String },
    #[error("connection refused (nothing listens at {address})")]
    Refused { address: String },
    #[error("timed out after {seconds}s {phase}")]
    Timeout { phase: &'static str, seconds: f64 },
    #[error("cannot connect to {address}: {why}")]
    Unreachable { address: String, why: String },
    #[error("not a MySQL or MariaDB server: it speaks another protocol ({banner})")]
    NotMysql { banner: String },
    #[error("the server refused the connection before any exchange: error {code}: {message}")]
    ServerError { code: u16, message: String },
    #[error("protocol error: {0}")]
    Protocol(String),
    #[error("the connection closed {0}")]
    Closed(&'static str),
    #[error("TLS failed: {0}")]
    Tls(String),
}

impl Error {
    /// A short stable name for scripts (`--format json`).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Dns { .. } => "dns",
            Error::Refused { .. } => "connection_refused",
            Error::Timeout { .. } => "timeout",
            Error::Unreachable { .. } => "unreachable",
            Error::NotMysql { .. } => "not_mysql",
            Error::ServerError { .. } => "server_error",
            Error::Protocol(_) => "protocol",
            Error::Closed(_) => "closed",
            Error::Tls(_) => "tls",
        }
    }

    /// An I/O error of a step, in the probe's terms.
    fn from_io(e: std::io::Error, phase: &'static str, timeout: Duration) -> Error {
        use std::io::ErrorKind as K;
        match e.kind() {
            K::WouldBlock | K::TimedOut => Error::Timeout {
                phase,
                seconds: timeout.as_secs_f64(),
            },
            K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
                Error::Closed(phase)
            }
            _ => Error::Protocol(format!("{phase}: {e}")),
        }
    }

    /// An error of the TLS handshake's I/O (rustls reports TLS alerts as `InvalidData`).
    fn from_tls_io(e: std::io::Error, phase: &'static str) -> Error {
        use std::io::ErrorKind as K;
        match e.kind() {
            K::WouldBlock | K::TimedOut => Error::Timeout {
                phase: "during the TLS handshake",
                seconds: 0.0,
            },
            K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
                Error::Closed("during the TLS handshake")
            }
            _ => Error::Tls(format!("{phase}: {e}")),
        }
    }
}

/// What to probe and how long to wait.
#[derive(Debug, Clone)]
pub struct Request {
    pub host: String,
    pub port: u16,
    /// For the whole probe: name resolution, connection, greeting and TLS handshake together.
    pub timeout: Duration,
}

/// One certificate the server presented.
#[derive(Debug, Clone, Serialize)]
pub struct Presented {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    /// `valid`, `expired` or `not_yet_valid` at the time of the probe.
    pub validity: cert::TimeStatus,
    pub san: Vec<String>,
    /// SHA-256 of the DER, `AB:CD:…`, as the providers' consoles show it.
    pub sha256: String,
    pub sha1: String,
    /// A CA certificate (a root or an intermediate).
    pub ca: bool,
    #[serde(skip)]
    pub der: Vec<u8>,
}

/// The TLS session the probe got.
#[derive(Debug, Clone, Serialize)]
pub struct TlsFacts {
    pub version: String,
    pub cipher: String,
}

/// What the server said and showed.
#[derive(Debug, Clone, Serialize)]
pub struct Probe {
    pub host: String,
    pub port: u16,
    /// The address connected to.
    pub address: String,
    pub server: Greeting,
    /// The TLS session, when the server offered TLS and the handshake completed.
    pub tls: Option<TlsFacts>,
    /// Why the handshake failed, when the server offered TLS and it did.
    pub tls_error: Option<String>,
    /// The certificates presented (the server's first), also when the handshake failed after
    /// the server showed them.
    pub chain: Vec<Presented>,
}

impl Probe {
    /// The presented chain as DER.
    pub fn chain_der(&self) -> Vec<Vec<u8>> {
        self.chain.iter().map(|c| c.der.clone()).collect()
    }

    /// Whether a TLS session was established.
    pub fn tls_works(&self) -> bool {
        self.tls.is_some()
    }
}

/// The time left before `deadline`, or a timeout error.
fn deadline_left(deadline: Instant) -> Result<Duration, Error> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left < Duration::from_millis(1) {
        Err(Error::Timeout {
            phase: "",
            seconds: 0.0,
        })
    } else {
        Ok(left)
    }
}

/// The socket with the probe's deadline on every read and write: each call gets what is left
/// of the time as its timeout, and none starts after the deadline. A server that trickles one
/// byte at a time cannot stretch the probe past its timeout.
pub struct Bounded<'a> {
    stream: &'a mut TcpStream,
    deadline: Instant,
}

impl<'a> Bounded<'a> {
    pub fn new(stream: &'a mut TcpStream, deadline: Instant) -> Self {
        Bounded { stream, deadline }
    }

    fn left(&self) -> std::io::Result<Duration> {
        deadline_left(self.deadline).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::TimedOut, "the probe's time is up")
        })
    }
}

impl std::io::Read for Bounded<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.left()?;
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

impl Write for Bounded<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let left = self.left()?;
        self.stream.set_write_timeout(Some(left))?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

/// Resolves `host` within `within`: the system resolver has no timeout of its own, so it runs
/// on a thread of its own that is left behind when it takes too long.
fn resolve(host: &str, port: u16, within: Duration) -> Result<Vec<SocketAddr>, Error> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let (send, receive) = std::sync::mpsc::channel();
    let name = host.to_string();
    std::thread::spawn(move || {
        let _ = send.send((name.as_str(), port).to_socket_addrs().map(Vec::from_iter));
    });
    match receive.recv_timeout(within) {
        Ok(Ok(addrs)) if !addrs.is_empty() => Ok(addrs),
        Ok(Ok(_)) => Err(Error::Dns {
            host: host.to_string(),
            why: "no address".into(),
        }),
        Ok(Err(e)) => Err(Error::Dns {
            host: host.to_string(),
            why: e.to_string(),
        }),
        Err(_) => Err(Error::Timeout {
            phase: "resolving the host name",
            seconds: within.as_secs_f64(),
        }),
    }
}

/// Connects to the first address that answers, each try within what is left of the time.
fn connect(addrs: &[SocketAddr], deadline: Instant, timeout: Duration) -> Result<TcpStream, Error> {
    let mut last = None;
    for addr in addrs {
        let left = deadline_left(deadline).map_err(|_| Error::Timeout {
            phase: "connecting",
            seconds: timeout.as_secs_f64(),
        })?;
        match TcpStream::connect_timeout(addr, left) {
            Ok(s) => return Ok(s),
            Err(e) => {
                use std::io::ErrorKind as K;
                last = Some(match e.kind() {
                    K::ConnectionRefused => Error::Refused {
                        address: addr.to_string(),
                    },
                    K::TimedOut | K::WouldBlock => Error::Timeout {
                        phase: "connecting",
                        seconds: timeout.as_secs_f64(),
                    },
                    _ => Error::Unreachable {
                        address: addr.to_string(),
                        why: e.to_string(),
                    },
                });
            }
        }
    }
    Err(last.unwrap_or(Error::Dns {
        host: String::new(),
        why: "no address".into(),
    }))
}

/// Probes `req.host:req.port`: the greeting, and TLS when it is offered. `now` (Unix seconds)
/// judges the validity of the presented certificates.
pub fn probe(req: &Request, now: i64) -> Result<Probe, Error> {
    let start = Instant::now();
    let deadline = start + req.timeout;
    let timeout = req.timeout;
    let addrs = resolve(&req.host, req.port, req.timeout)?;
    let mut stream = connect(&addrs, deadline, timeout)?;
    let address = stream
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let _ = stream.set_nodelay(true);

    let waiting = "waiting for the server's greeting (a MySQL server speaks first)";
    deadline_left(deadline).map_err(|_| Error::Timeout {
        phase: waiting,
        seconds: timeout.as_secs_f64(),
    })?;
    let payload =
        protocol::read_greeting(&mut Bounded::new(&mut stream, deadline)).map_err(|e| match e {
            ReadError::Io(e) => Error::from_io(e, waiting, timeout),
            ReadError::Greeting(g) => greeting_error(g),
        })?;
    let server = protocol::parse_greeting(&payload).map_err(greeting_error)?;

    let mut out = Probe {
        host: req.host.clone(),
        port: req.port,
        address,
        server,
        tls: None,
        tls_error: None,
        chain: Vec::new(),
    };
    if !out.server.tls_offered {
        let _ = stream.shutdown(std::net::Shutdown::Both);
        return Ok(out);
    }
    deadline_left(deadline).map_err(|_| Error::Timeout {
        phase: "sending the SSL request",
        seconds: timeout.as_secs_f64(),
    })?;
    Bounded::new(&mut stream, deadline)
        .write_all(&protocol::ssl_request())
        .map_err(|e| Error::from_io(e, "sending the SSL request", timeout))?;
    match tls::handshake(&mut stream, &req.host, deadline) {
        Ok(s) => {
            out.tls = Some(TlsFacts {
                version: s.version,
                cipher: s.cipher,
            });
            out.chain = describe(&s.chain, now);
        }
        Err((Error::Timeout { .. }, _)) => {
            return Err(Error::Timeout {
                phase: "during the TLS handshake",
                seconds: timeout.as_secs_f64(),
            });
        }
        Err((e, chain)) => {
            out.tls_error = Some(match e {
                Error::Tls(why) => why,
                e => e.to_string(),
            });
            out.chain = describe(&chain, now);
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
    Ok(out)
}

fn greeting_error(g: GreetingError) -> Error {
    match g {
        GreetingError::OtherProtocol { banner } => Error::NotMysql { banner },
        GreetingError::ServerError { code, message } => Error::ServerError { code, message },
        GreetingError::Malformed(why) => Error::Protocol(format!(
            "not a MySQL greeting: {why} (is this a MySQL or MariaDB port?)"
        )),
    }
}

/// The presented certificates, described as `inspect-ca` describes certificates.
pub fn describe(chain: &[rustls::pki_types::CertificateDer<'_>], now: i64) -> Vec<Presented> {
    chain
        .iter()
        .map(|der| {
            let pem = ::pem::encode(&::pem::Pem::new("CERTIFICATE", der.to_vec()));
            let report = cert::inspect(pem.as_bytes(), now, None);
            let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der);
            let sha1 = colon_hex(sha1.as_ref());
            match report.certificates.first() {
                Some(c) => Presented {
                    subject: c.subject.clone(),
                    issuer: c.issuer.clone(),
                    not_before: c.not_before.clone(),
                    not_after: c.not_after.clone(),
                    validity: c.validity,
                    san: c.san.clone(),
                    sha256: c.sha256.clone(),
                    sha1,
                    ca: c.ca == Some(true),
                    der: der.to_vec(),
                },
                None => Presented {
                    subject: "(a certificate that cannot be read)".into(),
                    issuer: String::new(),
                    not_before: String::new(),
                    not_after: String::new(),
                    validity: cert::TimeStatus::Valid,
                    san: Vec::new(),
                    sha256: colon_hex(ring::digest::digest(&ring::digest::SHA256, der).as_ref()),
                    sha1,
                    ca: false,
                    der: der.to_vec(),
                },
            }
        })
        .collect()
}

fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Splits `HOST[:PORT]` (`[v6]:PORT` for an IPv6 address with a port).
pub fn parse_target(s: &str) -> Result<(String, Option<u16>), String> {
    let bad_port = |p: &str| format!("{p:?} is not a port (1 to 65535)");
    let port = |p: &str| match p.parse::<u16>() {
        Ok(0) | Err(_) => Err(bad_port(p)),
        Ok(n) => Ok(n),
    };
    // A connection string (`mysql://user:pass@host/db`, `user:pass@tcp(host)/db`) pasted
    // here: refused without quoting it (it may hold a password) and before any name lookup
    // (which would send it to the resolver).
    if s.contains('@') || s.contains("://") {
        return Err("this looks like a connection string (it holds `@` or `://`): give HOST[:PORT] alone; probe never needs a user or a password".into());
    }
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("{s:?}: an IPv6 address opened with [ has no ]"))?;
        return match after.strip_prefix(':') {
            Some(p) => Ok((host.to_string(), Some(port(p)?))),
            None if after.is_empty() => Ok((host.to_string(), None)),
            None => Err(format!("{s:?}: text after ]")),
        };
    }
    if s.matches(':').count() > 1 {
        // A bare IPv6 address (with a zone, `fe80::1%eth0`, at most).
        let (addr, _zone) = s.split_once('%').unwrap_or((s, ""));
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("{s:?} is not a host name or an IPv6 address"));
        }
        return Ok((s.to_string(), None));
    }
    let (host, p) = match s.split_once(':') {
        Some((h, p)) => (h, Some(port(p)?)),
        None => (s, None),
    };
    if host.is_empty()
        || host
            .bytes()
            .any(|b| b.is_ascii_control() || b == b' ' || b == b'/')
    {
        return Err(format!("{s:?} is not a host name"));
    }
    Ok((host.to_string(), p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_split_into_host_and_port() {
        assert_eq!(
            parse_target("db.example.test"),
            Ok(("db.example.test".into(), None))
        );
        assert_eq!(
            parse_target("127.0.0.1:3307"),
            Ok(("127.0.0.1".into(), Some(3307)))
        );
        assert_eq!(parse_target("[::1]:3307"), Ok(("::1".into(), Some(3307))));
        assert_eq!(parse_target("::1"), Ok(("::1".into(), None)));
        assert!(parse_target("db:0").is_err());
        assert!(parse_target("db:99999").is_err());
        assert!(parse_target(":3306").is_err());
        assert!(parse_target("a b").is_err());
    }
}
