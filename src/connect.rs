//! Connection strings as providers hand them out, turned into option-file settings: the URL
//! form (`mysql://user:pass@host:3306/db?ssl-mode=VERIFY_IDENTITY&ssl-ca=/ca.pem`) and the Go
//! driver's DSN form (`user:pass@tcp(host:3306)/db?tls=true`).
//!
//! Every shape this module does not understand is an error, never a guess: an unknown scheme,
//! a fragment, a second `?`, a parameter given twice, a host that is not a host name or an IP
//! address (a socket path, `%20`, brackets), a port that is 0, over 65535 or not digits, a
//! port or credentials without a host, an unknown Go network, unbalanced parentheses.

use std::net::{Ipv4Addr, Ipv6Addr};
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

fn decode(s: &str, what: &str) -> Result<String, String> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| format!("the {what} is not valid UTF-8 once percent-decoded"))
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

/// The schemes of the URL form; `mysqlx` (the X protocol, another port) is refused by name.
const SCHEMES: [&str; 2] = ["mysql", "mariadb"];

/// Parses either form.
pub fn parse(s: &str) -> Result<Connection, String> {
    let s = s.trim();
    if let Some((scheme, _)) = s.split_once("://") {
        let known = SCHEMES.iter().any(|k| scheme.eq_ignore_ascii_case(k));
        if !known {
            return Err(format!(
                "unknown scheme {scheme:?}: use mysql://user:pass@host:3306/db (mysqlx:// is the X protocol, which these clients do not speak)"
            ));
        }
        parse_url(s)
    } else if s.contains('@') || s.contains("tcp(") || s.contains("unix(") {
        parse_go_dsn(s)
    } else {
        Err("not a connection string: expected mysql://user:pass@host:3306/db or user:pass@tcp(host:3306)/db".into())
    }
}

/// A host as the clients take it: a DNS name (letters, digits, `-`, `_`, `.`), an IPv4
/// address or an IPv6 address (given without brackets here).
pub fn check_host(h: &str) -> Result<(), String> {
    if h.is_empty() {
        return Err("the host is empty".into());
    }
    if h.parse::<Ipv4Addr>().is_ok() || h.parse::<Ipv6Addr>().is_ok() {
        return Ok(());
    }
    let bad = h
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')));
    match bad {
        Some('%') => Err(format!(
            "the host {h:?} is percent-encoded: a host is a name or an IP address (for a Unix socket use ?socket=/path or unix(/path))"
        )),
        Some('/') => Err(format!(
            "the host {h:?} looks like a path: for a Unix socket use ?socket=/path or unix(/path)"
        )),
        Some(c) => Err(format!(
            "the host {h:?} holds {c:?}, which no host name or IP address holds"
        )),
        None if h.starts_with(['.', '-']) || h.contains("..") => {
            Err(format!("the host {h:?} is not a valid host name"))
        }
        None => Ok(()),
    }
}

/// A port: 1 to 65535, digits only.
pub fn port(p: &str) -> Result<u16, String> {
    if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "bad port {p:?}: a port is a number from 1 to 65535"
        ));
    }
    match p.parse::<u16>() {
        Ok(0) | Err(_) => Err(format!("bad port {p}: a port is a number from 1 to 65535")),
        Ok(n) => Ok(n),
    }
}

/// A query string as `(name, value)` pairs, each name once.
fn pairs(query: &str, form: &str) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = decode(&k.replace('+', " "), &format!("{form} parameter name"))?;
        let v = decode(&v.replace('+', " "), &format!("value of {k}"))?;
        if out.iter().any(|(seen, _)| *seen == k) {
            return Err(format!("the {form} parameter `{k}` is given twice"));
        }
        out.push((k, v));
    }
    Ok(out)
}

fn parse_url(s: &str) -> Result<Connection, String> {
    if s.contains('#') {
        return Err("the URL has a fragment (`#…`), which a connection string never has; percent-encode a `#` in the password as %23".into());
    }
    if s.matches('?').count() > 1 {
        return Err("the URL has more than one `?`; percent-encode a `?` in a value as %3F".into());
    }
    let rest = &s[s.find("://").map_or(0, |i| i + 3)..];
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
        None => (None, authority),
    };
    // The host and port as written: `[v6]:port`, `host:port`, `host`.
    let (host_raw, port_raw) = if let Some(inner) = hostport.strip_prefix('[') {
        let (v6, after) = inner
            .split_once(']')
            .ok_or_else(|| format!("unclosed `[` in the host {hostport:?}"))?;
        let port = match after {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .ok_or_else(|| format!("unexpected {p:?} after the IPv6 address [{v6}]"))?,
            ),
        };
        if v6.parse::<Ipv6Addr>().is_err() {
            return Err(format!("[{v6}] is not an IPv6 address"));
        }
        (v6.to_string(), port)
    } else if hostport.matches(':').count() > 1 {
        return Err(format!(
            "{hostport:?}: an IPv6 address goes in brackets (mysql://user@[::1]:3306/db)"
        ));
    } else {
        match hostport.split_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (hostport.to_string(), None),
        }
    };
    if host_raw.is_empty() {
        if port_raw.is_some() {
            return Err("the URL gives a port but no host".into());
        }
        if userinfo.is_some() {
            return Err("the URL gives credentials but no host (mysql://user@host/db)".into());
        }
        return Err("the URL names no host (mysql://user@host/db)".into());
    }
    if !hostport.starts_with('[') {
        check_host(&host_raw)?;
    }
    let mut c = Connection {
        host: Some(host_raw),
        ..Connection::default()
    };
    if let Some(p) = port_raw {
        c.port = Some(port(p)?);
    }
    // The url crate checks the rest of the syntax (and agrees with the above on the host).
    let url = url::Url::parse(s).map_err(|e| format!("cannot parse the URL: {e}"))?;
    if let Some(info) = userinfo {
        let (u, p) = match info.split_once(':') {
            Some((u, p)) => (u, Some(p)),
            None => (info, None),
        };
        if u.is_empty() {
            return Err("the URL gives a password but no user name".into());
        }
        c.user = Some(decode(u, "user name")?);
        if let Some(p) = p {
            if p.is_empty() {
                return Err("the URL has `:` after the user name but no password; drop the `:` to write no password".into());
            }
            c.password = Some(percent_decode_str(p).collect());
        }
    }
    let path = url.path();
    let db = path.strip_prefix('/').unwrap_or(path);
    if db.contains('/') {
        return Err(format!(
            "the URL path {path:?} has more than one part: it names one database (/db)"
        ));
    }
    if !db.is_empty() {
        c.database = Some(decode(db, "database name")?);
    }
    let mut unknown_names = Vec::new();
    for (k, v) in pairs(url.query().unwrap_or(""), "URL")? {
        match k.to_ascii_lowercase().replace('_', "-").as_str() {
            "ssl-mode" | "sslmode" => match v.to_ascii_uppercase().replace('-', "_").as_str() {
                "DISABLED" | "PREFERRED" | "REQUIRED" => c.tls_off = Some(format!("ssl-mode={v}")),
                _ => c.mode = Some(Mode::parse(&v)?),
            },
            "ssl-ca" | "sslca" | "sslrootcert" if v.is_empty() => {
                return Err(format!("`{k}` is empty: give the CA file's path"));
            }
            "ssl-ca" | "sslca" | "sslrootcert" => c.ca = Some(PathBuf::from(v)),
            "socket" if v.is_empty() => {
                return Err("`socket` is empty: give the socket's path".into());
            }
            "socket" => c.socket = Some(v),
            _ => unknown_names.push(k),
        }
    }
    unknown(&unknown_names, "URL", "ssl-mode, ssl-ca and socket")?;
    Ok(c)
}

/// `[user[:password]@]net(addr)/dbname[?param=value&…]`, as the Go driver reads it: the last
/// `/` starts the database, the last `@` before it ends the credentials, the first `:` of the
/// credentials ends the user. An address is required: the driver's default (TCP to
/// 127.0.0.1:3306) is not what a client given no host does (the local socket).
fn parse_go_dsn(s: &str) -> Result<Connection, String> {
    let slash = s
        .rfind('/')
        .ok_or("a Go DSN needs `/` before the database name (`user:pass@tcp(host:3306)/db`)")?;
    let (left, after) = (&s[..slash], &s[slash + 1..]);
    let (db, query) = after.split_once('?').unwrap_or((after, ""));
    if query.contains('?') {
        return Err("the DSN has more than one `?`; percent-encode a `?` in a value as %3F".into());
    }
    let mut c = Connection::default();
    if !db.is_empty() {
        c.database = Some(decode(db, "database name")?);
    }
    let (cred, addr) = match left.rfind('@') {
        Some(at) => (Some(&left[..at]), &left[at + 1..]),
        None => (None, left),
    };
    if let Some(cred) = cred {
        let (u, p) = match cred.split_once(':') {
            Some((u, p)) => (u, Some(p)),
            None => (cred, None),
        };
        if u.is_empty() {
            return Err("the DSN gives credentials without a user name".into());
        }
        c.user = Some(u.to_string());
        c.password = p.map(|p| p.as_bytes().to_vec());
    }
    if addr.is_empty() {
        return Err("the DSN names no address: give tcp(host:port) or unix(/path)".into());
    }
    let Some((net, rest)) = addr.split_once('(') else {
        return Err(format!(
            "{addr:?} is not an address: give tcp(host:port) or unix(/path)"
        ));
    };
    let inner = rest
        .strip_suffix(')')
        .ok_or_else(|| format!("unbalanced parentheses in {addr:?}"))?;
    if inner.contains(['(', ')']) {
        return Err(format!("unbalanced parentheses in {addr:?}"));
    }
    match net {
        "tcp" | "tcp4" | "tcp6" => {
            let (h, p) = if let Some(v6) = inner.strip_prefix('[') {
                let (h, after) = v6
                    .split_once(']')
                    .ok_or_else(|| format!("unclosed `[` in {addr:?}"))?;
                if h.parse::<Ipv6Addr>().is_err() {
                    return Err(format!("[{h}] is not an IPv6 address"));
                }
                let p =
                    match after {
                        "" => None,
                        p => Some(p.strip_prefix(':').ok_or_else(|| {
                            format!("unexpected {p:?} after the IPv6 address [{h}]")
                        })?),
                    };
                (h, p)
            } else if inner.parse::<Ipv6Addr>().is_ok() {
                (inner, None)
            } else {
                match inner.split_once(':') {
                    Some((h, p)) => (h, Some(p)),
                    None => (inner, None),
                }
            };
            if h.is_empty() {
                return Err(if p.is_some() {
                    format!("{addr:?} gives a port but no host")
                } else {
                    format!("{addr:?} names no host")
                });
            }
            check_host(h)?;
            c.host = Some(h.to_string());
            c.port = p.map(port).transpose()?;
        }
        "unix" if inner.is_empty() => {
            return Err("unix() names no socket: give unix(/path/to/mysqld.sock)".into());
        }
        "unix" => c.socket = Some(inner.to_string()),
        other => {
            return Err(format!(
                "unknown network {other:?}: use tcp(host:port) or unix(/path)"
            ));
        }
    }
    let mut unknown_names = Vec::new();
    for (k, v) in pairs(query, "DSN")? {
        match k.as_str() {
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
            _ => unknown_names.push(k),
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

    /// What a parsed string says, in short: `host port user password socket database`, `-`
    /// for an absent field.
    fn summary(c: &Connection) -> String {
        let f = |v: Option<String>| v.unwrap_or_else(|| "-".into());
        format!(
            "{} {} {} {} {} {}",
            f(c.host.clone()),
            f(c.port.map(|p| p.to_string())),
            f(c.user.clone()),
            f(c.password
                .as_ref()
                .map(|p| String::from_utf8_lossy(p).into_owned())),
            f(c.socket.clone()),
            f(c.database.clone()),
        )
    }

    #[test]
    fn every_shape_is_understood_exactly_or_refused_with_a_reason() {
        // (input, Ok(summary) or Err(part of the message))
        let table: &[(&str, Result<&str, &str>)] = &[
            // URLs that are understood
            ("mysql://u:p@h/db", Ok("h - u p - db")),
            ("mysql://u:p@h:3306/db", Ok("h 3306 u p - db")),
            ("MYSQL://u@h", Ok("h - u - - -")),
            (
                "mariadb://u@db.example.test:1/",
                Ok("db.example.test 1 u - - -"),
            ),
            ("mysql://u@h:65535/d", Ok("h 65535 u - - d")),
            ("mysql://u@[::1]:3306/d", Ok("::1 3306 u - - d")),
            ("mysql://u@[2001:db8::7]/d", Ok("2001:db8::7 - u - - d")),
            ("mysql://u@127.0.0.1/d", Ok("127.0.0.1 - u - - d")),
            (
                "mysql://u@my_host-1.example/d",
                Ok("my_host-1.example - u - - d"),
            ),
            ("mysql://u:p%0Aevil@h/db", Ok("h - u p\nevil - db")),
            ("mysql://u:a%3Fb%23c%2Fd@h/db", Ok("h - u a?b#c/d - db")),
            (
                "mysql://u@h/d?socket=/tmp/m.sock",
                Ok("h - u - /tmp/m.sock d"),
            ),
            ("mysql://u@h/my%20db", Ok("h - u - - my db")),
            // URLs that are refused
            ("postgres://u@h/db", Err("unknown scheme")),
            ("mysqlx://u@h:33060/db", Err("unknown scheme")),
            ("http://u@h/db", Err("unknown scheme")),
            ("mysql://u@%2Ftmp%2Fmysql.sock/db", Err("percent-encoded")),
            ("mysql://u@unix(/tmp/x)/", Err("holds '('")),
            ("mysql://u@my%20host/db", Err("percent-encoded")),
            ("mysql://u@:3306/db", Err("a port but no host")),
            ("mysql://:3306/db", Err("a port but no host")),
            ("mysql://u:p@/db", Err("credentials but no host")),
            ("mysql:///db", Err("names no host")),
            ("mysql://u@h/db#frag", Err("fragment")),
            (
                "mysql://u@h/db?ssl-mode=VERIFY_CA?x=1",
                Err("more than one `?`"),
            ),
            ("mysql://u@h:0/db", Err("bad port 0")),
            ("mysql://u@h:65536/db", Err("bad port 65536")),
            ("mysql://u@h:99999999999/db", Err("bad port")),
            ("mysql://u@h:33o6/db", Err("bad port \"33o6\"")),
            ("mysql://u@h:-1/db", Err("bad port")),
            ("mysql://u@h:/db", Err("bad port \"\"")),
            ("mysql://u@[::1/db", Err("unclosed `[`")),
            ("mysql://u@[::g]/db", Err("not an IPv6 address")),
            ("mysql://u@[::1]x/db", Err("after the IPv6 address")),
            ("mysql://u@::1/db", Err("goes in brackets")),
            ("mysql://u@h..x/db", Err("not a valid host name")),
            ("mysql://u@-h/db", Err("not a valid host name")),
            ("mysql://u@h/db/x", Err("more than one part")),
            ("mysql://:p@h/db", Err("password but no user")),
            ("mysql://u:@h/db", Err("no password")),
            ("mysql://u@h/db?ssl-ca=/a&ssl-ca=/b", Err("given twice")),
            ("mysql://u@h/db?ssl-ca=", Err("is empty")),
            ("mysql://u@h/db?socket=", Err("is empty")),
            ("mysql://u@h/db?ssl-mode=bogus", Err("unknown mode")),
            ("mysql://u@h/db?charset=utf8", Err("`charset`")),
            ("mysql://u@h/%FF", Err("not valid UTF-8")),
            // Go DSNs that are understood
            ("u:p@tcp(h:3306)/db", Ok("h 3306 u p - db")),
            ("u:p@tcp(h)/db", Ok("h - u p - db")),
            ("u:p:q@x@tcp(h:1)/db", Ok("h 1 u p:q@x - db")),
            ("u:p?x@tcp(h:1)/db", Ok("h 1 u p?x - db")),
            ("u@tcp([::1]:3306)/d", Ok("::1 3306 u - - d")),
            ("u@tcp6([2001:db8::1])/d", Ok("2001:db8::1 - u - - d")),
            ("u@tcp(::1)/d", Ok("::1 - u - - d")),
            ("u@tcp4(10.0.0.1:33)/d", Ok("10.0.0.1 33 u - - d")),
            (
                "u@unix(/run/mysqld/mysqld.sock)/d",
                Ok("- - u - /run/mysqld/mysqld.sock d"),
            ),
            ("tcp(h:1)/", Ok("h 1 - - - -")),
            // Go DSNs that are refused
            ("u@udp(h:1)/db", Err("unknown network \"udp\"")),
            ("u@h:3306/db", Err("is not an address")),
            ("u@/db", Err("names no address")),
            ("u@tcp/db", Err("is not an address")),
            ("u@tcp(h:1/db", Err("unbalanced parentheses")),
            ("u@tcp(h:1))/db", Err("unbalanced parentheses")),
            ("u@tcp((h:1))/db", Err("unbalanced parentheses")),
            ("u@tcp(h:1)x/db", Err("unbalanced parentheses")),
            ("u@tcp(:3306)/db", Err("a port but no host")),
            ("u@tcp()/db", Err("names no host")),
            ("u@tcp(h:0)/db", Err("bad port 0")),
            ("u@tcp(h:70000)/db", Err("bad port 70000")),
            ("u@tcp(h:x)/db", Err("bad port \"x\"")),
            ("u@tcp(h:1:2)/db", Err("bad port \"1:2\"")),
            ("u@tcp(my%20host)/db", Err("percent-encoded")),
            ("u@tcp(/tmp/x.sock)/db", Err("looks like a path")),
            ("u@tcp([::1)/db", Err("unclosed `[`")),
            ("u@unix()/db", Err("names no socket")),
            (":p@tcp(h)/db", Err("without a user name")),
            ("u@tcp(h)/db?tls=true?x", Err("more than one `?`")),
            ("u@tcp(h)/db?tls=true&tls=false", Err("given twice")),
            ("u@tcp(h)", Err("needs `/`")),
            // neither
            ("just-a-host", Err("not a connection string")),
            ("", Err("not a connection string")),
        ];
        let mut wrong = Vec::new();
        for (input, want) in table {
            let got = parse(input);
            let ok = match (&got, want) {
                (Ok(c), Ok(s)) => summary(c) == *s,
                (Err(e), Err(part)) => e.contains(part),
                _ => false,
            };
            if !ok {
                wrong.push(format!(
                    "{input:?}: want {want:?}, got {:?}",
                    got.map(|c| summary(&c))
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
