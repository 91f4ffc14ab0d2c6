//! Connection strings as providers hand them out, turned into option-file settings: the URL
//! form (`mysql://user:pass@host:3306/db?ssl-mode=VERIFY_IDENTITY&ssl-ca=/ca.pem`) and the Go
//! driver's DSN form (`user:pass@tcp(host:3306)/db?tls=true`).

use std::path::PathBuf;

use percent_encoding::percent_decode_str;

use crate::clients::Mode;

/// What a connection string says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Connection {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub user: Option<String>,
    pub password: Option<Vec<u8>>,
    pub socket: Option<String>,
    pub database: Option<String>,
    pub mode: Option<Mode>,
    pub ca: Option<PathBuf>,
    /// The string asks for the system's public CAs (Go's `tls=true`).
    pub system_roots: bool,
    /// The string turns TLS off (`tls=false`, `ssl-mode=DISABLED`…): refused by `init`.
    pub tls_off: Option<String>,
}

fn decode(s: &str) -> Result<String, String> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| format!("{s:?} is not valid UTF-8 once percent-decoded"))
}

fn unknown(names: &[String], form: &str, known: &str) -> Result<(), String> {
    if names.is_empty() {
        return Ok(());
    }
    Err(format!(
        "unknown {form} parameter{} {}: this tool understands {known}",
        if names.len() == 1 { "" } else { "s" },
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Parses either form.
pub fn parse(s: &str) -> Result<Connection, String> {
    let s = s.trim();
    if s.starts_with("mysql://") || s.starts_with("mariadb://") || s.starts_with("mysqlx://") {
        parse_url(s)
    } else if s.contains('@') || s.contains("tcp(") || s.contains("unix(") {
        parse_go_dsn(s)
    } else {
        Err("not a connection string: expected mysql://user:pass@host:3306/db or user:pass@tcp(host:3306)/db".into())
    }
}

fn parse_url(s: &str) -> Result<Connection, String> {
    let url = url::Url::parse(s).map_err(|e| format!("cannot parse the URL: {e}"))?;
    let mut c = Connection::default();
    if !url.username().is_empty() {
        c.user = Some(decode(url.username())?);
    }
    if let Some(p) = url.password() {
        c.password = Some(decode(p)?.into_bytes());
    }
    c.host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_string());
    c.port = url.port();
    let db = url.path().trim_start_matches('/');
    if !db.is_empty() {
        c.database = Some(decode(db)?);
    }
    let mut unknown_names = Vec::new();
    for (k, v) in url.query_pairs() {
        match k.to_ascii_lowercase().replace('_', "-").as_str() {
            "ssl-mode" | "sslmode" => match v.to_ascii_uppercase().replace('-', "_").as_str() {
                "DISABLED" | "PREFERRED" | "REQUIRED" => c.tls_off = Some(format!("ssl-mode={v}")),
                _ => c.mode = Some(Mode::parse(&v)?),
            },
            "ssl-ca" | "sslca" | "sslrootcert" => c.ca = Some(PathBuf::from(v.into_owned())),
            "socket" => c.socket = Some(v.into_owned()),
            _ => unknown_names.push(k.into_owned()),
        }
    }
    unknown(&unknown_names, "URL", "ssl-mode, ssl-ca and socket")?;
    Ok(c)
}

/// `[user[:password]@][net[(addr)]]/dbname[?param=value&…]`, as the Go driver reads it: the
/// last `/` starts the database, the last `@` before it ends the credentials.
fn parse_go_dsn(s: &str) -> Result<Connection, String> {
    let (main, query) = s.split_once('?').unwrap_or((s, ""));
    let slash = main
        .rfind('/')
        .ok_or("a Go DSN needs `/` before the database name (`user:pass@tcp(host:3306)/db`)")?;
    let (left, db) = (&main[..slash], &main[slash + 1..]);
    let mut c = Connection::default();
    if !db.is_empty() {
        c.database = Some(decode(db)?);
    }
    let (cred, addr) = match left.rfind('@') {
        Some(at) => (Some(&left[..at]), &left[at + 1..]),
        None => (None, left),
    };
    if let Some(cred) = cred {
        match cred.split_once(':') {
            Some((u, p)) => {
                c.user = Some(u.to_string());
                c.password = Some(p.as_bytes().to_vec());
            }
            None => c.user = Some(cred.to_string()),
        }
        c.user = c.user.filter(|u| !u.is_empty());
    }
    if !addr.is_empty() {
        let (net, inner) = match addr.split_once('(') {
            Some((n, rest)) => (
                n,
                rest.strip_suffix(')')
                    .ok_or_else(|| format!("unclosed `(` in {addr:?}"))?,
            ),
            None => (addr, ""),
        };
        match net {
            "tcp" | "tcp6" | "" => {
                if !inner.is_empty() {
                    let (h, p) = match inner.rsplit_once(':') {
                        Some((h, p)) if !h.ends_with(':') || h.starts_with('[') => (h, Some(p)),
                        _ => (inner, None),
                    };
                    c.host = Some(h.trim_start_matches('[').trim_end_matches(']').to_string());
                    if let Some(p) = p {
                        c.port = Some(p.parse().map_err(|_| format!("bad port {p:?}"))?);
                    }
                }
            }
            "unix" => c.socket = Some(inner.to_string()),
            other => {
                return Err(format!(
                    "unknown network {other:?}: use tcp(host:port) or unix(/path)"
                ));
            }
        }
    }
    let mut unknown_names = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = decode(v)?;
        match k {
            "tls" => match v.as_str() {
                "true" => {
                    c.system_roots = true;
                    c.mode = Some(Mode::VerifyIdentity);
                }
                "false" | "skip-verify" | "preferred" => c.tls_off = Some(format!("tls={v}")),
                other => {
                    return Err(format!(
                        "tls={other} names a TLS configuration registered in the program; give its CA with --ca"
                    ));
                }
            },
            _ => unknown_names.push(k.to_string()),
        }
    }
    unknown(&unknown_names, "DSN", "tls")?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_with_percent_encoding_and_tls_parameters() {
        let c = parse("mysql://app:p%40ss%23w%20rd@db.example.test:3307/shop?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/certs/ca-certificates.crt").unwrap();
        assert_eq!(c.user.as_deref(), Some("app"));
        assert_eq!(c.password.as_deref(), Some(&b"p@ss#w rd"[..]));
        assert_eq!(c.host.as_deref(), Some("db.example.test"));
        assert_eq!(c.port, Some(3307));
        assert_eq!(c.database.as_deref(), Some("shop"));
        assert_eq!(c.mode, Some(Mode::VerifyIdentity));
        assert_eq!(
            c.ca,
            Some(PathBuf::from("/etc/ssl/certs/ca-certificates.crt"))
        );
    }

    #[test]
    fn a_go_dsn_with_tls_true_means_system_roots() {
        let c = parse("app:p@ss@tcp(aws.connect.psdb.cloud:3306)/shop?tls=true").unwrap();
        assert_eq!(c.user.as_deref(), Some("app"));
        assert_eq!(
            c.password.as_deref(),
            Some(&b"p@ss"[..]),
            "the last @ ends the credentials"
        );
        assert_eq!(c.host.as_deref(), Some("aws.connect.psdb.cloud"));
        assert_eq!(c.port, Some(3306));
        assert!(c.system_roots);
    }

    #[test]
    fn unknown_parameters_are_named() {
        let e = parse("app@tcp(h:1)/db?parseTime=true&loc=Local").unwrap_err();
        assert!(e.contains("`parseTime`, `loc`"), "{e}");
        let e = parse("mysql://h/db?charset=utf8").unwrap_err();
        assert!(e.contains("`charset`"), "{e}");
    }

    #[test]
    fn weak_tls_settings_are_flagged() {
        assert!(
            parse("u@tcp(h:1)/d?tls=skip-verify")
                .unwrap()
                .tls_off
                .is_some()
        );
        assert!(
            parse("mysql://h/d?ssl-mode=REQUIRED")
                .unwrap()
                .tls_off
                .is_some()
        );
    }

    #[test]
    fn unix_sockets_and_ipv6() {
        assert_eq!(
            parse("u@unix(/run/mysqld/mysqld.sock)/d")
                .unwrap()
                .socket
                .as_deref(),
            Some("/run/mysqld/mysqld.sock")
        );
        let c = parse("mysql://u@[::1]:3306/d").unwrap();
        assert_eq!(c.host.as_deref(), Some("::1"));
        let g = parse("u@tcp([::1]:3306)/d").unwrap();
        assert_eq!((g.host.as_deref(), g.port), (Some("::1"), Some(3306)));
    }
}
