//! Just enough of the MySQL/MariaDB client/server protocol to reach TLS: the server's initial
//! handshake packet (protocol version 10) read and checked, and the SSL request packet a client
//! sends before it starts TLS. Nothing here ever holds a user name or a password: the SSL
//! request is a fixed 36-byte packet (docs/probe.md shows it byte by byte).

use std::io::Read;

use serde::Serialize;

/// The largest greeting accepted. A real one is under 200 bytes; a length above this is not a
/// MySQL server (or a hostile one), and is never read.
pub const MAX_GREETING: usize = 64 * 1024;

/// `CLIENT_LONG_PASSWORD`; to MariaDB servers, also "this client speaks the MySQL protocol".
pub const CLIENT_LONG_PASSWORD: u32 = 0x0000_0001;
/// The 4.1 protocol (every server since 2004 needs it).
pub const CLIENT_PROTOCOL_41: u32 = 0x0000_0200;
/// The server can switch to TLS; from the client: "TLS follows".
pub const CLIENT_SSL: u32 = 0x0000_0800;
/// The 4.1 authentication (part of every modern client's flags).
pub const CLIENT_SECURE_CONNECTION: u32 = 0x0000_8000;

/// The capability flags the SSL request announces: nothing that asks the server for anything
/// beyond "TLS follows".
pub const SSL_REQUEST_FLAGS: u32 =
    CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_SECURE_CONNECTION;

/// The maximum packet size announced (16 MiB, what the command-line clients send).
pub const MAX_PACKET: u32 = 16 * 1024 * 1024;

/// The character set announced: `utf8mb3_general_ci` (33), known to every server version.
pub const CHARSET: u8 = 33;

/// The server's initial handshake, as far as the probe needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Greeting {
    pub protocol_version: u8,
    /// The version string, made safe: printable ASCII only, at most 100 characters (it is
    /// whatever the server chose to send); MariaDB's `5.5.5-` prefix dropped.
    pub server_version: String,
    pub connection_id: u32,
    /// The capability flags (lower and, where sent, upper 16 bits).
    pub capabilities: u32,
    /// `CLIENT_SSL`: the server offers TLS.
    pub tls_offered: bool,
}

/// Why the first bytes are not a greeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GreetingError {
    /// Another protocol's banner (`SSH-2.0-…`, `HTTP/1.1 …`, an SMTP `220 …`): its first line,
    /// made safe.
    OtherProtocol { banner: String },
    /// The server answered with an error packet instead (too many connections, host blocked):
    /// its code and message, made safe.
    ServerError { code: u16, message: String },
    /// Not a greeting the probe can read: why.
    Malformed(String),
}

/// Printable ASCII only, at most `max` characters: every byte from the server is hostile input.
pub fn safe_text(bytes: &[u8], max: usize) -> String {
    let mut s: String = bytes
        .iter()
        .take(max)
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '?'
            }
        })
        .collect();
    if bytes.len() > max {
        s.push('…');
    }
    s
}

/// Whether the 4-byte packet header is really the start of a text banner (`SSH-2.0-…`,
/// `HTTP/1.1 …`, SMTP's `220 …`): a MySQL header of a greeting within the bound has a zero
/// third or fourth byte, never four printable characters.
pub fn looks_like_banner(header: &[u8; 4]) -> bool {
    header.iter().all(|&b| (0x20..0x7f).contains(&b))
}

/// Reads one packet of the server's first message from `r`: the 4-byte header, then the
/// payload, at most [`MAX_GREETING`] bytes. Returns the payload.
pub fn read_greeting(r: &mut impl Read) -> Result<Vec<u8>, ReadError> {
    let mut header = [0u8; 4];
    r.read_exact(&mut header).map_err(ReadError::Io)?;
    let len = u32::from_le_bytes([header[0], header[1], header[2], 0]) as usize;
    if looks_like_banner(&header) {
        // Read the rest of the banner's first line, within the same bound.
        let mut line = header.to_vec();
        let mut byte = [0u8; 1];
        while line.len() < 200 && !line.ends_with(b"\n") {
            match r.read(&mut byte) {
                Ok(1) => line.push(byte[0]),
                _ => break,
            }
        }
        let first = line
            .split(|&b| b == b'\r' || b == b'\n')
            .next()
            .unwrap_or(&[]);
        return Err(ReadError::Greeting(GreetingError::OtherProtocol {
            banner: safe_text(first, 120),
        }));
    }
    if header[3] != 0 {
        return Err(ReadError::Greeting(GreetingError::Malformed(format!(
            "the first packet has sequence number {}, not 0",
            header[3]
        ))));
    }
    if len == 0 || len > MAX_GREETING {
        return Err(ReadError::Greeting(GreetingError::Malformed(format!(
            "the first packet announces {len} bytes (a greeting has 1 to {MAX_GREETING})"
        ))));
    }
    let mut payload = vec![0u8; len];
    r.read_exact(&mut payload).map_err(ReadError::Io)?;
    Ok(payload)
}

/// Reading the greeting failed: on the socket, or in what came.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    Greeting(GreetingError),
}

/// Parses the payload of the server's first packet.
pub fn parse_greeting(p: &[u8]) -> Result<Greeting, GreetingError> {
    let malformed = |why: &str| GreetingError::Malformed(why.to_string());
    match p.first() {
        None => return Err(malformed("the greeting is empty")),
        Some(0xff) => {
            let code = match p.get(1..3) {
                Some(c) => u16::from_le_bytes([c[0], c[1]]),
                None => 0,
            };
            let mut msg = p.get(3..).unwrap_or(&[]);
            // `#` and a five-character SQLSTATE, where sent.
            if msg.first() == Some(&b'#') && msg.len() >= 6 {
                msg = &msg[6..];
            }
            return Err(GreetingError::ServerError {
                code,
                message: safe_text(msg, 200),
            });
        }
        Some(10) => {}
        Some(v) => {
            return Err(GreetingError::Malformed(format!(
                "protocol version {v} (the probe speaks version 10, every server since MySQL 3.22)"
            )));
        }
    }
    let rest = &p[1..];
    let nul = rest
        .iter()
        .position(|&b| b == 0)
        .ok_or_else(|| malformed("the server version has no end"))?;
    // MariaDB puts `5.5.5-` in front of its version for old replication clients; its own
    // clients drop it, and so does the probe.
    let version = &rest[..nul];
    let version = match version.strip_prefix(b"5.5.5-") {
        Some(v) if v.windows(7).any(|w| w == b"MariaDB") => v,
        _ => version,
    };
    let server_version = safe_text(version, 100);
    let rest = &rest[nul + 1..];
    // connection id (4), auth data part 1 (8), filler (1), capabilities low (2).
    if rest.len() < 15 {
        return Err(malformed("the greeting ends before its capability flags"));
    }
    let connection_id = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
    let low = u16::from_le_bytes([rest[13], rest[14]]) as u32;
    // charset (1), status (2), capabilities high (2): present in every 4.1+ greeting.
    let high = match rest.get(18..20) {
        Some(h) => u16::from_le_bytes([h[0], h[1]]) as u32,
        None => 0,
    };
    let capabilities = low | (high << 16);
    Ok(Greeting {
        protocol_version: 10,
        server_version,
        connection_id,
        capabilities,
        tls_offered: capabilities & CLIENT_SSL != 0,
    })
}

/// The SSL request packet: header (length 32, sequence 1), then capability flags, maximum
/// packet size, character set and 23 zero bytes. Always the same 36 bytes: no user name, no
/// password, no database, nothing from any option file.
pub fn ssl_request() -> [u8; 36] {
    let mut p = [0u8; 36];
    p[0] = 32; // payload length, 3 bytes little-endian
    p[3] = 1; // sequence id: the answer to the server's packet 0
    p[4..8].copy_from_slice(&SSL_REQUEST_FLAGS.to_le_bytes());
    p[8..12].copy_from_slice(&MAX_PACKET.to_le_bytes());
    p[12] = CHARSET;
    // p[13..36]: 23 reserved zero bytes.
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A greeting as MariaDB 10.11 sends it (connection id 7, CLIENT_SSL on or off).
    fn greeting(tls: bool) -> Vec<u8> {
        let mut p = vec![10];
        p.extend_from_slice(b"5.5.5-10.11.6-MariaDB-0+deb12u1\0");
        p.extend_from_slice(&7u32.to_le_bytes());
        p.extend_from_slice(b"abcdefgh\0");
        let caps: u32 = 0xf7fe & !(if tls { 0 } else { CLIENT_SSL });
        let caps = if tls { caps | CLIENT_SSL } else { caps };
        p.extend_from_slice(&(caps as u16).to_le_bytes());
        p.push(45);
        p.extend_from_slice(&2u16.to_le_bytes());
        p.extend_from_slice(&0x81bfu16.to_le_bytes());
        p.push(21);
        p.extend_from_slice(&[0; 10]);
        p.extend_from_slice(b"ijklmnopqrst\0mysql_native_password\0");
        p
    }

    #[test]
    fn a_mariadb_greeting_gives_version_connection_id_and_whether_tls_is_offered() {
        let g = parse_greeting(&greeting(true)).unwrap();
        assert_eq!(
            g.server_version, "10.11.6-MariaDB-0+deb12u1",
            "without 5.5.5-"
        );
        assert_eq!(g.connection_id, 7);
        assert!(g.tls_offered);
        assert_eq!(g.capabilities >> 16, 0x81bf);
        assert!(!parse_greeting(&greeting(false)).unwrap().tls_offered);
    }

    #[test]
    fn a_hostile_server_version_is_cut_and_stripped_of_control_characters() {
        let mut p = vec![10];
        p.extend_from_slice(b"8.0\x1b]0;owned\x07");
        p.extend(std::iter::repeat_n(b'x', 500));
        p.push(0);
        p.extend_from_slice(&[0; 20]);
        let g = parse_greeting(&p).unwrap();
        assert!(g.server_version.starts_with("8.0?]0;owned?xx"));
        assert!(g.server_version.chars().count() <= 101);
        assert!(!g.server_version.chars().any(char::is_control));
    }

    #[test]
    fn an_error_packet_instead_of_a_greeting_is_the_servers_refusal() {
        let mut p = vec![0xff];
        p.extend_from_slice(&1040u16.to_le_bytes());
        p.extend_from_slice(b"#08004Too many connections");
        assert_eq!(
            parse_greeting(&p),
            Err(GreetingError::ServerError {
                code: 1040,
                message: "Too many connections".into()
            })
        );
    }

    #[test]
    fn truncated_greetings_are_protocol_errors_not_panics() {
        let full = greeting(true);
        for n in 0..30 {
            let r = parse_greeting(&full[..n]);
            assert!(matches!(r, Err(GreetingError::Malformed(_))), "{n}: {r:?}");
        }
        assert!(matches!(
            parse_greeting(&[9, b'3', 0]),
            Err(GreetingError::Malformed(_))
        ));
    }

    #[test]
    fn an_ssh_or_http_banner_is_named_as_another_protocol() {
        for (bytes, first) in [
            (
                &b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"[..],
                "SSH-2.0-OpenSSH_9.2p1 Debian-2",
            ),
            (
                b"HTTP/1.1 400 Bad Request\r\nServer: x\r\n\r\n",
                "HTTP/1.1 400 Bad Request",
            ),
        ] {
            let mut r = bytes;
            match read_greeting(&mut r) {
                Err(ReadError::Greeting(GreetingError::OtherProtocol { banner })) => {
                    assert_eq!(banner, first)
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn a_packet_longer_than_the_bound_is_refused_before_it_is_read() {
        let mut r: &[u8] = &[0xff, 0xff, 0xff, 0x00, 10];
        match read_greeting(&mut r) {
            Err(ReadError::Greeting(GreetingError::Malformed(why))) => {
                assert!(why.contains("16777215"), "{why}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_ssl_request_is_36_fixed_bytes_with_tls_asked_and_nothing_else() {
        let p = ssl_request();
        assert_eq!(&p[..4], &[32, 0, 0, 1]);
        let flags = u32::from_le_bytes(p[4..8].try_into().unwrap());
        assert_eq!(flags, 0x8a01);
        assert_ne!(flags & CLIENT_SSL, 0);
        assert_eq!(&p[8..12], &[0, 0, 0, 1]);
        assert_eq!(p[12], 33);
        assert!(p[13..].iter().all(|&b| b == 0));
        assert_eq!(p.len() - 13, 23);
    }
}
