//! What each client family does with the effective options: the table `add-ca` prints after the
//! diff.

use serde::Serialize;

use super::names::{OptionName, boolean_value};
use super::{
    CONNECTOR_C_GROUPS, MARIADB_CLI_GROUPS, MYSQL_CLI_GROUPS, MYSQL_ONLY_OPTIONS,
    REMOVED_IN_MYSQL8, in_groups,
};

/// One option as read, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    pub group: String,
    pub raw_name: String,
    pub name: OptionName,
    pub value: Option<Vec<u8>>,
    pub file: std::path::PathBuf,
    pub line: usize,
}

impl Opt {
    pub fn new(
        group: &[u8],
        name: &[u8],
        value: Option<&[u8]>,
        file: &std::path::Path,
        line: usize,
    ) -> Opt {
        Opt {
            group: String::from_utf8_lossy(group).to_ascii_lowercase(),
            raw_name: String::from_utf8_lossy(name).into_owned(),
            name: OptionName::parse(name),
            value: value.map(<[u8]>::to_vec),
            file: file.to_path_buf(),
            line,
        }
    }

    fn value_str(&self) -> String {
        self.value
            .as_deref()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// TLS required, the CA verified (and the host name, where the mode asks for it).
    Verified,
    /// Works, but something the file asks for is not enforced.
    Weak,
    /// The client refuses to start or to read the file.
    Broken,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub client: &'static str,
    pub level: Level,
    pub summary: String,
}

/// The last line that sets `canonical` (any spelling); `accept` filters the forms a client
/// understands.
fn last<'a>(
    opts: &[&'a Opt],
    canonical: &str,
    accept: impl Fn(&OptionName) -> bool,
) -> Option<&'a Opt> {
    opts.iter()
        .rev()
        .find(|o| o.name.is(canonical) && accept(&o.name))
        .copied()
}

fn mysql_cli(chain: &[Opt]) -> Outcome {
    let opts: Vec<&Opt> = in_groups(chain, MYSQL_CLI_GROUPS);
    if let Some(bad) = opts
        .iter()
        .find(|o| !o.name.loose && REMOVED_IN_MYSQL8.iter().any(|n| o.name.is(n)))
    {
        return Outcome {
            client: "MySQL CLI",
            level: Level::Broken,
            summary: format!(
                "MySQL 8.0+ stops: unknown option '{}' ({}:{})",
                bad.raw_name,
                bad.file.display(),
                bad.line
            ),
        };
    }
    let ca = last(&opts, "ssl-ca", |n| n.negation.is_none());
    let mode = last(&opts, "ssl-mode", |_| true)
        .map(|o| o.value_str().to_ascii_uppercase())
        .unwrap_or_else(|| {
            if ca.is_some() {
                "VERIFY_CA".into()
            } else {
                "PREFERRED".into()
            }
        });
    let (level, text) = match (mode.as_str(), ca.is_some()) {
        ("VERIFY_IDENTITY", true) => (
            Level::Verified,
            "TLS required, CA verified, host name checked",
        ),
        ("VERIFY_CA", true) => (
            Level::Verified,
            "TLS required, CA verified, host name not checked",
        ),
        ("VERIFY_IDENTITY" | "VERIFY_CA", false) => {
            (Level::Broken, "cannot connect: the mode needs ssl-ca")
        }
        ("REQUIRED", _) => (
            Level::Weak,
            "TLS required, no verification (the CA is dropped)",
        ),
        ("DISABLED", _) => (Level::Weak, "no TLS"),
        _ => (
            Level::Weak,
            "TLS only if the server offers it, not verified",
        ),
    };
    Outcome {
        client: "MySQL CLI",
        level,
        summary: format!("{mode}: {text}"),
    }
}

/// MariaDB programs (`mariadb`, `mariadb-dump`, …) before and from 11.4.
fn mariadb_cli(chain: &[Opt], v11_4: bool) -> Outcome {
    let client = if v11_4 {
        "MariaDB ≥ 11.4"
    } else {
        "MariaDB ≤ 11.3"
    };
    let opts: Vec<&Opt> = in_groups(chain, MARIADB_CLI_GROUPS);
    if let Some(bad) = opts
        .iter()
        .find(|o| !o.name.loose && MYSQL_ONLY_OPTIONS.iter().any(|n| o.name.is(n)))
    {
        return Outcome {
            client,
            level: Level::Broken,
            summary: format!(
                "stops: unknown variable '{}={}' ({}:{})",
                bad.raw_name,
                bad.value_str(),
                bad.file.display(),
                bad.line
            ),
        };
    }
    let warns = opts
        .iter()
        .any(|o| o.name.loose && MYSQL_ONLY_OPTIONS.iter().any(|n| o.name.is(n)));
    let ssl_off =
        last(&opts, "ssl", |_| true).is_some_and(|o| !boolean_value(&o.name, o.value.as_deref()));
    let ca = last(&opts, "ssl-ca", |n| n.negation.is_none()).is_some();
    let verify = last(&opts, "ssl-verify-server-cert", |_| true)
        .map(|o| boolean_value(&o.name, o.value.as_deref()))
        .unwrap_or(v11_4);
    let (level, mut summary) = if ssl_off {
        (
            Level::Weak,
            "TLS switched off (skip-ssl / ssl=0)".to_string(),
        )
    } else {
        match (ca, verify) {
            (true, true) => (
                Level::Verified,
                "TLS required, CA verified, host name checked".into(),
            ),
            (true, false) => (
                Level::Weak,
                "CA verified, TLS not enforced (plaintext fallback), host name not checked".into(),
            ),
            (false, true) => (
                Level::Weak,
                "TLS required, verified against the system CAs only".into(),
            ),
            (false, false) => (
                Level::Weak,
                "TLS if the server offers it, not verified".into(),
            ),
        }
    };
    if warns {
        summary.push_str("; prints a warning about loose-ssl-mode (harmless)");
    }
    Outcome {
        client,
        level,
        summary,
    }
}

/// Applications on MariaDB Connector/C 3.3 (mysqlclient on Debian, DBD::MariaDB): no prefixes,
/// booleans by `atoi`.
fn connector_c(chain: &[Opt]) -> Outcome {
    let opts: Vec<&Opt> = in_groups(chain, CONNECTOR_C_GROUPS)
        .into_iter()
        .filter(|o| !o.name.loose && o.name.negation.is_none())
        .collect();
    let ca = last(&opts, "ssl-ca", |_| true).is_some();
    let verify = last(&opts, "ssl-verify-server-cert", |_| true)
        .is_some_and(|o| o.value.as_deref().is_some_and(|v| atoi(v) != 0));
    let (level, summary) = match (ca, verify) {
        (true, true) => (
            Level::Verified,
            "TLS required, CA verified, host name checked",
        ),
        (true, false) => (
            Level::Weak,
            "3.3: CA verified, TLS not enforced, host name not checked (3.4: verified by default)",
        ),
        (false, true) => (
            Level::Weak,
            "TLS required, verified against the system CAs only",
        ),
        (false, false) => (
            Level::Weak,
            "3.3: TLS if offered, not verified (3.4: verified by default)",
        ),
    };
    Outcome {
        client: "Connector/C apps",
        level,
        summary: summary.into(),
    }
}

fn atoi(v: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(v);
    let s = s.trim_start();
    let digits: String = s
        .chars()
        .enumerate()
        .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+')))
        .map(|(_, c)| c)
        .collect();
    digits.parse().unwrap_or(0)
}

/// PyMySQL reading the file with `read_default_file` (one file, `[client]` only, strict INI).
fn pymysql(file: &[Opt], strict_ini_error: Option<&str>) -> Outcome {
    if let Some(e) = strict_ini_error {
        return Outcome {
            client: "PyMySQL",
            level: Level::Broken,
            summary: format!("refuses the file: {e}"),
        };
    }
    let opts: Vec<&Opt> = in_groups(file, &["client"]);
    let has_ssl = opts.iter().any(|o| {
        [
            "ssl-ca",
            "ssl-capath",
            "ssl-cert",
            "ssl-key",
            "ssl-cipher",
            "ssl-password",
        ]
        .iter()
        .any(|n| o.name.is(n) && !o.name.loose && o.name.negation.is_none())
    });
    let ca = opts.iter().any(|o| o.name.is("ssl-ca") && !o.name.loose);
    let (level, summary) = match (has_ssl, ca) {
        (_, true) => (
            Level::Verified,
            "TLS required, CA verified, host name checked",
        ),
        (true, false) => (Level::Weak, "TLS required, verified against the system CAs"),
        (false, false) => (Level::Weak, "no TLS unless the application asks for it"),
    };
    Outcome {
        client: "PyMySQL",
        level,
        summary: summary.into(),
    }
}

/// mysql-connector-python with `option_files=` (`[client]` and `[connector_python]`).
fn connector_python(file: &[Opt]) -> Outcome {
    let opts: Vec<&Opt> = in_groups(file, &["client", "connector_python"])
        .into_iter()
        .filter(|o| !o.name.loose && o.name.negation.is_none())
        .collect();
    let truthy = |n: &str| {
        last(&opts, n, |_| true).is_some_and(|o| {
            let v = o.value_str();
            !matches!(v.trim(), "" | "0" | "False" | "None")
        })
    };
    let ca = last(&opts, "ssl-ca", |_| true).is_some();
    let (level, summary) = match (ca, truthy("ssl-verify-cert"), truthy("ssl-verify-identity")) {
        (true, true, true) => (
            Level::Verified,
            "TLS required, CA verified, host name checked",
        ),
        (true, true, false) => (
            Level::Verified,
            "TLS required, CA verified, host name not checked",
        ),
        (true, false, _) => (
            Level::Weak,
            "CA given but not verified: needs ssl-verify-cert=True in [connector_python]",
        ),
        (false, _, _) => (
            Level::Weak,
            "no verification unless the application asks for it",
        ),
    };
    Outcome {
        client: "Connector/Python",
        level,
        summary: summary.into(),
    }
}

/// The table: `chain` is what the command-line clients read (all files, in order); `file` is
/// the edited file alone (what PyMySQL and Connector/Python read when given it);
/// `strict_ini_error` is why PyMySQL's strict INI parser would refuse the file, if it would.
pub fn outcomes(chain: &[Opt], file: &[Opt], strict_ini_error: Option<&str>) -> Vec<Outcome> {
    vec![
        mysql_cli(chain),
        mariadb_cli(chain, false),
        mariadb_cli(chain, true),
        connector_c(chain),
        pymysql(file, strict_ini_error),
        connector_python(file),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(lines: &[(&str, &str, Option<&str>)]) -> Vec<Opt> {
        lines
            .iter()
            .enumerate()
            .map(|(i, (g, n, v))| {
                Opt::new(
                    g.as_bytes(),
                    n.as_bytes(),
                    v.map(str::as_bytes),
                    std::path::Path::new("/f.cnf"),
                    i + 1,
                )
            })
            .collect()
    }

    fn table(o: &[Opt]) -> Vec<(&'static str, Level)> {
        outcomes(o, o, None)
            .into_iter()
            .map(|x| (x.client, x.level))
            .collect()
    }

    #[test]
    fn the_mixed_block_verifies_everywhere_but_connector_python() {
        let o = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("client", "loose-ssl-mode", Some("VERIFY_IDENTITY")),
            ("client-mariadb", "ssl-verify-server-cert", Some("1")),
        ]);
        assert_eq!(
            table(&o),
            [
                ("MySQL CLI", Level::Verified),
                ("MariaDB ≤ 11.3", Level::Verified),
                ("MariaDB ≥ 11.4", Level::Verified),
                ("Connector/C apps", Level::Verified),
                ("PyMySQL", Level::Verified),
                ("Connector/Python", Level::Weak),
            ]
        );
    }

    #[test]
    fn a_bare_ssl_mode_breaks_mariadb_clients() {
        let o = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("client", "ssl-mode", Some("VERIFY_CA")),
        ]);
        let t = outcomes(&o, &o, None);
        assert_eq!(t[1].level, Level::Broken);
        assert!(
            t[1].summary
                .contains("unknown variable 'ssl-mode=VERIFY_CA'")
        );
    }

    #[test]
    fn ssl_ca_alone_is_not_enforced_on_old_mariadb() {
        let o = opts(&[("client", "ssl-ca", Some("/ca.pem"))]);
        let t = outcomes(&o, &o, None);
        assert_eq!(
            t[0].summary,
            "VERIFY_CA: TLS required, CA verified, host name not checked"
        );
        assert!(t[1].summary.contains("TLS not enforced"));
        assert_eq!(t[2].level, Level::Verified);
    }

    #[test]
    fn connector_c_reads_only_equals_one_as_on() {
        let o = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("client-mariadb", "ssl-verify-server-cert", Some("ON")),
        ]);
        let t = outcomes(&o, &o, None);
        assert_eq!(t[1].level, Level::Verified, "the CLI reads ON as on");
        assert_eq!(t[3].level, Level::Weak, "Connector/C reads ON as 0");
    }

    #[test]
    fn a_later_required_mode_drops_the_ca_for_mysql() {
        let o = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("mysql", "ssl-mode", Some("REQUIRED")),
        ]);
        assert_eq!(outcomes(&o, &o, None)[0].level, Level::Weak);
    }
}
