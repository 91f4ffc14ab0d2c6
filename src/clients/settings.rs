//! The lines `add-ca` (and `init`) write for each target and mode, and how an existing line
//! compares with one of them: already what we want, or undoing it.

use super::Booleans;
use super::names::{group, opt};
use crate::optfile::OptionName;

/// How the mixed target writes `ssl-mode`: MySQL reads it, MariaDB warns and goes on.
pub const LOOSE_SSL_MODE: &str = "loose-ssl-mode";

/// How the lines for Connector/Python write "on": it reads a value as a Python literal, and
/// wants a `bool` for its `ssl-verify-*` switches (`1` would be an `int`).
pub const PYTHON_TRUE: &str = "True";

/// The verification mode `add-ca` sets up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    VerifyCa,
    VerifyIdentity,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::VerifyCa => "VERIFY_CA",
            Mode::VerifyIdentity => "VERIFY_IDENTITY",
        }
    }

    /// Parses a mode given by the user; the weaker modes are refused with the reason.
    pub fn parse(s: &str) -> Result<Mode, String> {
        match s.to_ascii_uppercase().replace('-', "_").as_str() {
            "VERIFY_CA" => Ok(Mode::VerifyCa),
            "VERIFY_IDENTITY" => Ok(Mode::VerifyIdentity),
            m @ ("REQUIRED" | "PREFERRED" | "DISABLED") => Err(format!(
                "{m} is not accepted: with a CA it {}; use VERIFY_CA (the server's certificate must chain to the CA) or VERIFY_IDENTITY (and its name must match the host)",
                if m == "REQUIRED" {
                    "skips verification (MySQL even drops the CA)"
                } else {
                    "weakens or cancels verification"
                }
            )),
            _ => Err(format!(
                "unknown mode {s:?}: use VERIFY_CA or VERIFY_IDENTITY"
            )),
        }
    }
}

/// Which clients the file is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Both MySQL and MariaDB clients may read the file (the default).
    Mixed,
    Mysql,
    Mariadb,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Mixed => "mixed",
            Target::Mysql => "mysql",
            Target::Mariadb => "mariadb",
        }
    }
}

/// One line `add-ca` wants in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The group it goes in.
    pub group: String,
    /// The name as written (`ssl-ca`, `loose-ssl-mode`, `ssl-verify-server-cert`).
    pub name: &'static str,
    /// The canonical option it sets.
    pub canonical: &'static str,
    /// The decoded value.
    pub value: Vec<u8>,
}

/// Why `name` cannot be the group add-ca writes its lines in, if it cannot: it must be a group
/// name the reader reads back as itself (not empty, no `]`, no control characters, no blank at
/// either end) and a client's group (a server group only when `server` allows it: the server
/// would then read the client's TLS lines as its own).
pub fn check_group(name: &str, server: bool) -> Result<(), String> {
    if name.is_empty() {
        return Err("the group name is empty".into());
    }
    if name.contains(']') || name.contains('[') {
        return Err(format!(
            "{name:?} holds a bracket, which would end or start a group header"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(format!(
            "{name:?} holds a control character (a line break would start a new line)"
        ));
    }
    if name.trim() != name {
        return Err(format!(
            "{name:?} starts or ends with a blank, which the reader drops or keeps differently"
        ));
    }
    // The server's groups, and its version groups (`[mysqld-10.11]`, `[mariadb-11.4]`).
    let lower = name.to_ascii_lowercase();
    let is_server = super::programs::server_groups("")
        .iter()
        .any(|g| match g.strip_suffix('-') {
            Some(base) => lower
                .strip_prefix(base)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit())),
            None => lower == *g,
        });
    if is_server && !server {
        return Err(format!(
            "[{name}] is read by the server: its TLS options there would configure the server, not a client (give --server-group if that is really meant)"
        ));
    }
    Ok(())
}

/// The lines for a target and mode (DESIGN.md, "What add-ca writes"). `group` replaces the
/// main group (`[client]`, or `[client-mariadb]` for the mariadb target).
pub fn settings(target: Target, mode: Mode, ca_path: &[u8], group: Option<&str>) -> Vec<Setting> {
    let main = |default: &str| group.unwrap_or(default).to_string();
    let ca = |g: String| Setting {
        group: g,
        name: opt::SSL_CA,
        canonical: opt::SSL_CA,
        value: ca_path.to_vec(),
    };
    let verify = verify_server_cert;
    let mode_line = |g: String, name: &'static str| Setting {
        group: g,
        name,
        canonical: opt::SSL_MODE,
        value: mode.as_str().as_bytes().to_vec(),
    };
    let mut out = Vec::new();
    match target {
        Target::Mysql => {
            out.push(ca(main(group::CLIENT)));
            out.push(mode_line(main(group::CLIENT), opt::SSL_MODE));
        }
        Target::Mariadb => {
            out.push(ca(main(group::CLIENT_MARIADB)));
            if mode == Mode::VerifyIdentity {
                out.push(verify(&main(group::CLIENT_MARIADB)));
            }
        }
        Target::Mixed => {
            out.push(ca(main(group::CLIENT)));
            out.push(mode_line(main(group::CLIENT), LOOSE_SSL_MODE));
            if mode == Mode::VerifyIdentity {
                out.push(verify(group::CLIENT_MARIADB));
            }
            // mysql-connector-python ignores `ssl-mode` and verifies nothing unless told so in
            // its own group (which only it reads).
            let python = |name: &'static str| Setting {
                group: group::CONNECTOR_PYTHON.to_string(),
                name,
                canonical: name,
                value: PYTHON_TRUE.as_bytes().to_vec(),
            };
            out.push(ca(group::CONNECTOR_PYTHON.to_string()));
            out.push(python(opt::SSL_VERIFY_CERT));
            if mode == Mode::VerifyIdentity {
                out.push(python(opt::SSL_VERIFY_IDENTITY));
            }
        }
    }
    out
}

/// `ssl-verify-server-cert=1` in `group`: MariaDB clients insist on TLS and check the host.
pub fn verify_server_cert(group: &str) -> Setting {
    Setting {
        group: group.to_string(),
        name: opt::SSL_VERIFY_SERVER_CERT,
        canonical: opt::SSL_VERIFY_SERVER_CERT,
        value: b"1".to_vec(),
    }
}

/// Where a line that stops MySQL clients but that MariaDB clients still read goes instead, as
/// the line add-ca writes there: `ssl-verify-server-cert` switched on (any spelling), which
/// Oracle removed in 8.0, goes to `[client-mariadb]`, which only MariaDB clients read. `None`
/// for any other line (it is only disabled).
pub fn moved_for_mariadb(name: &OptionName, value: Option<&[u8]>) -> Option<Setting> {
    (may_move_for_mariadb(name) && Booleans::GetOpt.is_on(name, value))
        .then(|| verify_server_cert(group::CLIENT_MARIADB))
}

/// Whether a line with this name may move ([`moved_for_mariadb`]), whatever its value (a cheap
/// test before the value is decoded).
pub fn may_move_for_mariadb(name: &OptionName) -> bool {
    name.is(opt::SSL_VERIFY_SERVER_CERT)
}

impl Setting {
    /// Whether an existing line sets this option (in any spelling, with any modifier).
    pub fn is_same_option(&self, name: &OptionName) -> bool {
        name.is(self.canonical)
    }

    /// Whether an existing line already says exactly what we want, in a form every target
    /// client reads: no `loose-` where a library would ignore it, a bare `ssl-mode` only for
    /// the mysql target, booleans only as `=1`.
    pub fn is_satisfied_by(&self, name: &OptionName, value: Option<&[u8]>) -> bool {
        if !self.is_same_option(name) || name.negation.is_some() {
            return false;
        }
        let Some(value) = value else { return false };
        match self.canonical {
            opt::SSL_MODE => {
                // The mixed target needs the `loose-` form (a bare ssl-mode stops MariaDB
                // clients); the mysql target takes either.
                (self.name == opt::SSL_MODE || name.loose)
                    && String::from_utf8_lossy(value)
                        .eq_ignore_ascii_case(&String::from_utf8_lossy(&self.value))
            }
            _ => !name.loose && value == self.value.as_slice(),
        }
    }

    /// Whether a line with this name can undo ours, whatever its value (a cheap test before
    /// the value is decoded).
    pub fn may_be_contradicted_by(&self, name: &OptionName) -> bool {
        !name.maximum
            && (name.is(self.canonical) || (self.canonical == opt::SSL_CA && name.is(opt::SSL)))
    }

    /// Whether a line placed after ours would undo it for some target client.
    pub fn is_contradicted_by(&self, name: &OptionName, value: Option<&[u8]>) -> bool {
        if !self.may_be_contradicted_by(name) {
            return false;
        }
        match self.canonical {
            opt::SSL_CA => {
                (name.is(opt::SSL_CA) && value != Some(self.value.as_slice()))
                    // TLS switched off altogether: skip-ssl, disable-ssl, ssl=0.
                    || (name.is(opt::SSL) && !Booleans::GetOpt.is_on(name, value))
            }
            opt::SSL_MODE => {
                name.is(opt::SSL_MODE)
                    && !value.is_some_and(|v| {
                        String::from_utf8_lossy(v)
                            .eq_ignore_ascii_case(std::str::from_utf8(&self.value).unwrap_or(""))
                    })
            }
            // Off for one of the families that see it: `my_getopt` reads `2` as off,
            // Connector/C reads `ON` and the bare name as off (and never sees `loose-…`).
            opt::SSL_VERIFY_SERVER_CERT => {
                name.is(opt::SSL_VERIFY_SERVER_CERT)
                    && !(name.negation.is_none()
                        && Booleans::GetOpt.is_on(name, value)
                        && Booleans::Atoi.read(name, value) != Some(false))
            }
            // Connector/Python reads a Python literal: `False`, `0`, empty are off.
            opt::SSL_VERIFY_CERT | opt::SSL_VERIFY_IDENTITY => {
                name.is(self.canonical) && !Booleans::PythonLiteral.is_on(name, value)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optfile::OptionName;

    fn n(s: &str) -> OptionName {
        OptionName::parse(s.as_bytes())
    }

    #[test]
    fn mixed_target_writes_loose_ssl_mode_and_mariadb_verify_for_identity() {
        let s = settings(Target::Mixed, Mode::VerifyIdentity, b"/ca.pem", None);
        let lines: Vec<_> = s.iter().map(|s| (s.group.as_str(), s.name)).collect();
        assert_eq!(
            lines,
            [
                ("client", "ssl-ca"),
                ("client", "loose-ssl-mode"),
                ("client-mariadb", "ssl-verify-server-cert"),
                ("connector_python", "ssl-ca"),
                ("connector_python", "ssl-verify-cert"),
                ("connector_python", "ssl-verify-identity"),
            ]
        );
        let ca_only = settings(Target::Mixed, Mode::VerifyCa, b"/ca.pem", None);
        let lines: Vec<_> = ca_only
            .iter()
            .map(|s| (s.group.as_str(), s.name, s.value.as_slice()))
            .collect();
        assert_eq!(
            lines,
            [
                ("client", "ssl-ca", &b"/ca.pem"[..]),
                ("client", "loose-ssl-mode", b"VERIFY_CA"),
                ("connector_python", "ssl-ca", b"/ca.pem"),
                ("connector_python", "ssl-verify-cert", b"True"),
            ]
        );
    }

    #[test]
    fn only_mixed_writes_the_connector_python_group() {
        for target in [Target::Mysql, Target::Mariadb] {
            for mode in [Mode::VerifyCa, Mode::VerifyIdentity] {
                assert!(
                    settings(target, mode, b"/ca.pem", None)
                        .iter()
                        .all(|s| s.group != "connector_python"),
                    "{target:?} {mode:?}"
                );
            }
        }
    }

    #[test]
    fn a_false_python_literal_contradicts_the_connector_python_switches() {
        let s = &settings(Target::Mixed, Mode::VerifyIdentity, b"/ca.pem", None)[5];
        assert_eq!(s.name, "ssl-verify-identity");
        assert!(s.is_satisfied_by(&n("ssl_verify_identity"), Some(b"True")));
        assert!(!s.is_satisfied_by(&n("ssl-verify-identity"), Some(b"1")));
        for v in ["False", "0", ""] {
            assert!(
                s.is_contradicted_by(&n("ssl-verify-identity"), Some(v.as_bytes())),
                "{v}"
            );
        }
        assert!(!s.is_contradicted_by(&n("ssl-verify-identity"), Some(b"True")));
        assert!(!s.is_contradicted_by(&n("ssl-verify-cert"), Some(b"False")));
    }

    #[test]
    fn mariadb_target_uses_client_mariadb_and_mysql_target_bare_ssl_mode() {
        let m = settings(Target::Mariadb, Mode::VerifyIdentity, b"/ca.pem", None);
        assert!(m.iter().all(|s| s.group == "client-mariadb"));
        let my = settings(Target::Mysql, Mode::VerifyCa, b"/ca.pem", None);
        assert_eq!(my[1].name, "ssl-mode");
    }

    #[test]
    fn a_bare_ssl_mode_does_not_satisfy_the_mixed_target() {
        let s = &settings(Target::Mixed, Mode::VerifyCa, b"/ca.pem", None)[1];
        assert!(!s.is_satisfied_by(&n("ssl-mode"), Some(b"VERIFY_CA")));
        assert!(s.is_satisfied_by(&n("loose-ssl-mode"), Some(b"verify_ca")));
    }

    #[test]
    fn only_equals_one_satisfies_verify_server_cert() {
        let s = &settings(Target::Mariadb, Mode::VerifyIdentity, b"/ca.pem", None)[1];
        assert!(s.is_satisfied_by(&n("ssl-verify-server-cert"), Some(b"1")));
        for (name, v) in [
            ("ssl-verify-server-cert", Some(&b"ON"[..])),
            ("ssl-verify-server-cert", None),
            ("loose-ssl-verify-server-cert", Some(b"1")),
        ] {
            assert!(!s.is_satisfied_by(&n(name), v), "{name} {v:?}");
            assert!(
                s.is_contradicted_by(&n(name), v) || name.starts_with("loose"),
                "{name}"
            );
        }
        assert!(s.is_contradicted_by(&n("disable-ssl-verify-server-cert"), None));
    }

    #[test]
    fn skip_ssl_and_other_cas_contradict_ssl_ca() {
        let s = &settings(Target::Mixed, Mode::VerifyCa, b"/ca.pem", None)[0];
        assert!(s.is_contradicted_by(&n("skip-ssl"), None));
        assert!(s.is_contradicted_by(&n("ssl"), Some(b"0")));
        assert!(s.is_contradicted_by(&n("ssl_ca"), Some(b"/other.pem")));
        assert!(!s.is_contradicted_by(&n("ssl-ca"), Some(b"/ca.pem")));
        assert!(!s.is_contradicted_by(&n("ssl"), None));
    }

    #[test]
    fn group_names_that_would_inject_or_reach_the_server_are_refused() {
        for bad in ["", "x]", "a\n[mysqld", " client", "client\t", "[x"] {
            assert!(check_group(bad, false).is_err(), "{bad:?}");
        }
        for server in [
            "mysqld",
            "MYSQLD",
            "server",
            "mariadb",
            "mariadbd",
            "galera",
            "client-server",
            "mysqld-10.11",
            "mariadb-11.4",
        ] {
            assert!(check_group(server, false).is_err(), "{server}");
            assert!(check_group(server, true).is_ok(), "{server}");
        }
        for ok in [
            "client",
            "myapp",
            "client-mariadb",
            "mysql",
            "python",
            "mariadb-client",
            "mariadb-dump",
        ] {
            assert!(check_group(ok, false).is_ok(), "{ok}");
        }
    }

    #[test]
    fn weak_modes_are_refused_with_a_reason() {
        assert!(
            Mode::parse("REQUIRED")
                .unwrap_err()
                .contains("not accepted")
        );
        assert_eq!(Mode::parse("verify-identity"), Ok(Mode::VerifyIdentity));
    }
}
