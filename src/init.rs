//! `init`: a new client option file from connection settings, with the TLS lines `add-ca`
//! writes (the same [`crate::clients::settings`]), a short comment above each line, and each option
//! in the group of the clients that know it (`database` only in `[mysql]`).

use crate::clients::settings::{LOOSE_SSL_MODE, settings};
use crate::clients::{Mode, Target, group, opt};
use crate::connect::Connection;
use crate::optfile::{EncodeError, encode_value};

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
        opt::DATABASE => "# the default database of the mysql/mariadb command-line client only",
        _ => "",
    }
}

/// A group and its (name, decoded value) lines, in writing order.
type Block<'a> = (String, Vec<(&'a str, Vec<u8>)>);

/// The new file's bytes.
pub fn render(conn: &Connection, tls: Option<&TlsSpec>) -> Result<Vec<u8>, EncodeError> {
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
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b" = ");
            out.extend_from_slice(&encode_value(value)?);
            out.push(b'\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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
