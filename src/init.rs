//! `init`: a new client option file from connection settings, with the TLS lines `add-ca`
//! writes (the same [`crate::clients::settings`]), a short comment above each line, and each option
//! in the group of the clients that know it (`database` only in `[mysql]`).

use std::path::Path;

use crate::addca::verify::{self, Mismatch, Record};
use crate::clients::settings::{LOOSE_SSL_MODE, settings};
use crate::clients::{Mode, Target, group, opt};
use crate::connect::Connection;
use crate::optfile::{EncodeError, encode_value};

/// Why `init` writes nothing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value the option-file syntax cannot carry (a line break, a control character…).
    #[error("the {name} cannot be written: {source}")]
    Encode {
        name: &'static str,
        source: EncodeError,
    },
    /// A value that would read back as something else, or not at all.
    #[error("the {name} is empty: give one or leave it out")]
    Empty { name: &'static str },
    /// The new bytes do not read back as exactly the settings (our own check).
    #[error(transparent)]
    Verify(#[from] Mismatch),
}

/// TLS for the new file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSpec {
    pub target: Target,
    pub mode: Mode,
    /// The CA path as it will be written (absolute).
    pub ca_path: Vec<u8>,
}

fn comment_for(name: &str, mode: Mode) -> &'static str {
    match name {
        opt::HOST => "# the server (for VERIFY_IDENTITY, the name its certificate carries)",
        opt::PORT => "# its TCP port",
        opt::SOCKET => "# the Unix socket, for connections on this machine",
        opt::USER => "# the account",
        opt::PASSWORD => "# its password: keep this file private (mode 0600)",
        opt::SSL_CA => "# the CA that signed the server's certificate",
        LOOSE_SSL_MODE if mode == Mode::VerifyIdentity => {
            "# MySQL clients: require TLS, verify the CA and the host name (MariaDB clients warn about this line and go on)"
        }
        LOOSE_SSL_MODE => {
            "# MySQL clients: require TLS and verify the CA (MariaDB clients warn about this line and go on)"
        }
        opt::SSL_MODE if mode == Mode::VerifyIdentity => {
            "# require TLS, verify the CA and the host name"
        }
        opt::SSL_MODE => "# require TLS and verify the CA",
        opt::SSL_VERIFY_SERVER_CERT => {
            "# MariaDB clients and Connector/C: require TLS and check the server's host name"
        }
        opt::SSL_VERIFY_CERT => {
            "# Connector/Python (given this file as option_files): verify the CA (it ignores ssl-mode)"
        }
        opt::SSL_VERIFY_IDENTITY => {
            "# Connector/Python: require TLS and check the server's host name"
        }
        opt::DATABASE => "# the default database of the mysql/mariadb command-line client only",
        _ => "",
    }
}

/// A group and its (name, decoded value) lines, in writing order.
type Block<'a> = (String, Vec<(&'a str, Vec<u8>)>);

/// The new file's bytes, read back through the reader before they are handed out: they must
/// give exactly the settings meant, group by group, in order.
pub fn render(conn: &Connection, tls: Option<&TlsSpec>) -> Result<Vec<u8>, Error> {
    let (bytes, records) = render_unchecked(conn, tls)?;
    verify::new_file(Path::new("new-option-file.cnf"), &records, &bytes)?;
    Ok(bytes)
}

/// The bytes and the options they are meant to give.
fn render_unchecked(
    conn: &Connection,
    tls: Option<&TlsSpec>,
) -> Result<(Vec<u8>, Vec<Record>), Error> {
    let mode = tls.map_or(Mode::VerifyCa, |t| t.mode);
    // (group, [(name, decoded value)]) in the order they are written.
    let mut groups: Vec<Block<'_>> = Vec::new();
    let mut add = |group: &str, name: &'static str, value: Vec<u8>| match groups
        .iter_mut()
        .find(|(g, _)| g == group)
    {
        Some((_, v)) => v.push((name, value)),
        None => groups.push((group.to_string(), vec![(name, value)])),
    };
    let text = |s: &Option<String>| s.as_ref().map(|v| v.as_bytes().to_vec());
    for (name, value) in [
        (opt::HOST, text(&conn.host)),
        (opt::PORT, conn.port.map(|p| p.to_string().into_bytes())),
        (opt::SOCKET, text(&conn.socket)),
        (opt::USER, text(&conn.user)),
        (opt::PASSWORD, conn.password.clone()),
    ] {
        if let Some(v) = value {
            add(group::CLIENT, name, v);
        }
    }
    match tls {
        Some(t) => {
            for s in settings(t.target, t.mode, &t.ca_path, None) {
                add(&s.group, s.name, s.value);
            }
        }
        None => add(group::CLIENT, "", Vec::new()),
    }
    // Only the command-line client knows `database`: mysqldump and friends stop on it.
    if let Some(db) = &conn.database {
        add(group::MYSQL, opt::DATABASE, db.as_bytes().to_vec());
    }

    let mut records = Vec::new();
    let mut out = String::from(
        "# Client options written by mycnf-secure init.\n# Check them with: mycnf-secure check FILE\n",
    )
    .into_bytes();
    for (group, lines) in &groups {
        out.extend_from_slice(format!("\n[{group}]\n").as_bytes());
        for (name, value) in lines {
            if name.is_empty() {
                out.extend_from_slice(
                    b"# no TLS settings yet: add them with mycnf-secure add-ca CA.pem --file FILE\n",
                );
                continue;
            }
            let comment = comment_for(name, mode);
            if !comment.is_empty() {
                out.extend_from_slice(comment.as_bytes());
                out.push(b'\n');
            }
            if value.is_empty() {
                return Err(Error::Empty { name: label(name) });
            }
            let encoded = encode_value(value).map_err(|source| Error::Encode {
                name: label(name),
                source,
            })?;
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b" = ");
            out.extend_from_slice(&encoded);
            out.push(b'\n');
            records.push(Record::new(group.as_bytes(), name.as_bytes(), Some(value)));
        }
    }
    Ok((out, records))
}

/// What a value is called in a message.
fn label(name: &'static str) -> &'static str {
    match name {
        opt::HOST => "host",
        opt::PORT => "port",
        opt::SOCKET => "socket path",
        opt::USER => "user name",
        opt::PASSWORD => "password",
        opt::SSL_CA => "CA path",
        opt::DATABASE => "database name",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_break_or_control_character_in_any_value_is_refused_by_name() {
        let base = Connection {
            host: Some("h".into()),
            ..Connection::default()
        };
        let cases: Vec<(Connection, &str)> = vec![
            (
                Connection {
                    password: Some(b"p\nevil".to_vec()),
                    ..base.clone()
                },
                "the password cannot be written",
            ),
            (
                Connection {
                    user: Some("u\r\n[mysqld]".into()),
                    ..base.clone()
                },
                "the user name cannot be written",
            ),
            (
                Connection {
                    host: Some("h\n".into()),
                    ..base.clone()
                },
                "the host cannot be written",
            ),
            (
                Connection {
                    socket: Some("/tmp/s\0".into()),
                    ..base.clone()
                },
                "the socket path cannot be written",
            ),
            (
                Connection {
                    database: Some("d\x1b[2J".into()),
                    ..base.clone()
                },
                "the database name cannot be written",
            ),
            (
                Connection {
                    password: Some(Vec::new()),
                    ..base.clone()
                },
                "the password is empty",
            ),
        ];
        for (conn, want) in cases {
            let e = render(&conn, None).unwrap_err().to_string();
            assert!(e.starts_with(want), "{e}");
        }
        let tls = TlsSpec {
            target: Target::Mixed,
            mode: Mode::VerifyCa,
            ca_path: b"/etc/ca\n.pem".to_vec(),
        };
        let e = render(&base, Some(&tls)).unwrap_err().to_string();
        assert!(e.starts_with("the CA path cannot be written"), "{e}");
    }

    #[test]
    fn what_is_written_reads_back_as_exactly_the_settings() {
        let conn = Connection {
            host: Some("::1".into()),
            port: Some(3307),
            user: Some("#u".into()),
            password: Some(b" p\t\"'\\#; ".to_vec()),
            socket: Some("/run/my sock".into()),
            database: Some("d".into()),
            ..Connection::default()
        };
        let (bytes, records) = render_unchecked(&conn, None).unwrap();
        verify::new_file(Path::new("x.cnf"), &records, &bytes).unwrap();
        assert_eq!(records.len(), 6);
        // A planted fault: one byte of the written password changed is refused.
        let text = String::from_utf8(bytes).unwrap();
        let bad = text.replace("\\t", "\\s");
        assert_ne!(bad, text);
        let e = verify::new_file(Path::new("x.cnf"), &records, bad.as_bytes()).unwrap_err();
        assert!(
            e.what
                .contains("[client] password=… reads back with another value"),
            "{e}"
        );
    }

    #[test]
    fn database_goes_to_mysql_and_tls_lines_follow_the_target() {
        let conn = Connection {
            host: Some("db.example.test".into()),
            user: Some("app".into()),
            password: Some(b"p#ss \"w\"".to_vec()),
            database: Some("shop".into()),
            ..Connection::default()
        };
        let tls = TlsSpec {
            target: Target::Mixed,
            mode: Mode::VerifyIdentity,
            ca_path: b"/etc/ca.pem".to_vec(),
        };
        let text = String::from_utf8(render(&conn, Some(&tls)).unwrap()).unwrap();
        assert!(text.contains("[client]\n# the server"), "{text}");
        assert!(text.contains("password = \"p#ss \\\"w\\\"\"\n"), "{text}");
        assert!(text.contains("loose-ssl-mode = VERIFY_IDENTITY\n"));
        assert!(text.contains("[client-mariadb]\n# MariaDB clients and Connector/C: require TLS and check the server's host name\nssl-verify-server-cert = 1\n"));
        assert!(text.ends_with("[mysql]\n# the default database of the mysql/mariadb command-line client only\ndatabase = shop\n"));
        assert!(!text.contains("[client]\ndatabase"));
    }
}
