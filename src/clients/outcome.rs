//! What each client family does with the effective options: the table `add-ca` prints after
//! the diff. One evaluation per [`TlsModel`]; the family's [`Profile`] says which options it
//! sees and how it reads them.

use serde::Serialize;

use super::names::opt;
use super::{Booleans, Family, PROFILES, Profile, Reads, TlsModel};
use crate::optfile::Opt;

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
    /// The family's name in the table.
    pub client: &'static str,
    pub family: Family,
    pub level: Level,
    pub summary: String,
}

/// What a family's TLS comes to, component by component: a line weakens TLS when it lowers one
/// of them. The client table and add-ca's plan both judge from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strength {
    /// 0: no TLS; 1: TLS if the server offers it; 2: TLS required.
    pub tls: u8,
    /// The CA file the server's certificate is verified against (`None`: not verified, or only
    /// against the system CAs).
    pub ca: Option<Vec<u8>>,
    /// Whether the server's host name is checked.
    pub host: bool,
    /// A folder of further trusted CAs (`ssl-capath`) besides the CA file.
    pub capath: bool,
}

impl Strength {
    const fn new(tls: u8, host: bool) -> Strength {
        Strength {
            tls,
            ca: None,
            host,
            capath: false,
        }
    }

    fn with_ca(mut self, ca: Option<&Opt>) -> Strength {
        self.ca = ca.map(|o| o.value.clone().unwrap_or_default());
        self
    }

    /// Whether `self` is weaker than `than` in any component.
    pub fn is_weaker_than(&self, than: &Strength) -> bool {
        self.tls < than.tls
            || (than.ca.is_some() && self.ca != than.ca)
            || (than.host && !self.host)
            || (self.capath && !than.capath)
    }
}

const VERIFIED_HOST: &str = "TLS required, CA verified, host name checked";
const VERIFIED_NO_HOST: &str = "TLS required, CA verified, host name not checked";
const SYSTEM_CAS: &str = "TLS required, verified against the system CAs only";

/// The last visible line that sets `canonical`.
fn last<'a>(opts: &[&'a Opt], canonical: &str) -> Option<&'a Opt> {
    opts.iter().rev().find(|o| o.name.is(canonical)).copied()
}

/// The last visible line that sets `canonical` without `skip-`/`disable-`/`enable-`.
fn last_plain<'a>(opts: &[&'a Opt], canonical: &str) -> Option<&'a Opt> {
    opts.iter()
        .rev()
        .find(|o| o.name.is(canonical) && o.name.negation.is_none())
        .copied()
}

fn on(b: Booleans, o: Option<&Opt>) -> Option<bool> {
    o.and_then(|o| b.read(&o.name, o.value.as_deref()))
}

/// Why a reader that parses the edited file alone would refuse it, if it would.
#[derive(Debug, Clone, Copy, Default)]
pub struct Refusals<'a> {
    /// A strict INI parser's error (PyMySQL's configparser).
    pub strict_ini: Option<&'a str>,
    /// Where the file stops being UTF-8 (Connector/Python decodes it as UTF-8).
    pub not_utf8: Option<&'a str>,
}

/// The table: `chain` is what the command-line clients read (all files, in order); `file` is
/// the edited file alone (what PyMySQL and Connector/Python read when given it); `refusals`
/// why a reader of the file alone would refuse it.
pub fn outcomes(chain: &[Opt], file: &[Opt], refusals: Refusals<'_>) -> Vec<Outcome> {
    PROFILES
        .iter()
        .map(|p| {
            let opts = match p.reads {
                Reads::Chain => chain,
                Reads::OneFile => file,
            };
            outcome(p, opts, refusals)
        })
        .collect()
}

/// One family's row.
pub fn outcome(p: &Profile, opts: &[Opt], refusals: Refusals<'_>) -> Outcome {
    let row = |level, summary: String| Outcome {
        client: p.label,
        family: p.family,
        level,
        summary,
    };
    if p.strict_ini
        && let Some(e) = refusals.strict_ini
    {
        return row(Level::Broken, format!("refuses the file: {e}"));
    }
    if p.utf8_only
        && let Some(e) = refusals.not_utf8
    {
        return row(Level::Broken, format!("refuses the file: {e}"));
    }
    let visible = p.visible(opts);
    if let Some(bad) = visible.iter().find(|o| p.stops_on(&o.name)) {
        let prefix = match p.tls {
            TlsModel::SslMode => "MySQL 8.0+ stops",
            _ => "stops",
        };
        return row(
            Level::Broken,
            format!(
                "{prefix}: {} ({}:{})",
                p.stop_message(bad),
                bad.file.display(),
                bad.line
            ),
        );
    }
    let (mut level, mut summary, strength) = judge(p, &visible);
    if strength.capath && level == Level::Verified {
        level = Level::Weak;
        summary.push_str("; also trusts every CA in the ssl-capath folder");
    }
    if p.warns_on_loose
        && visible
            .iter()
            .any(|o| o.name.loose && p.stops_on.iter().any(|n| o.name.is(n)))
    {
        summary.push_str("; prints a warning about loose-ssl-mode (harmless)");
    }
    row(level, summary)
}

/// The family's model on the lines it sees, in reading order.
fn judge(p: &Profile, visible: &[&Opt]) -> (Level, String, Strength) {
    let (level, summary, mut strength) = match p.tls {
        TlsModel::SslMode => ssl_mode(visible),
        TlsModel::VerifyServerCert { verify_default } => {
            verify_server_cert(p.booleans, visible, verify_default)
        }
        TlsModel::ConnectorC => connector_c(p.booleans, visible),
        TlsModel::AnyTlsOption => any_tls_option(visible),
        TlsModel::VerifyFlags { cert_requires_tls } => {
            verify_flags(p.booleans, visible, cert_requires_tls)
        }
    };
    // Every model but Connector/Python's loads the folder beside the CA file.
    strength.capath = !matches!(p.tls, TlsModel::VerifyFlags { .. })
        && strength.ca.is_some()
        && last_plain(visible, opt::SSL_CAPATH).is_some();
    (level, summary, strength)
}

/// What `opts` (lines of groups the family reads, in reading order) make the family do; `None`
/// when one of them stops it.
pub fn strength(p: &Profile, opts: &[&Opt]) -> Option<Strength> {
    let visible: Vec<&Opt> = opts.iter().copied().filter(|o| p.sees(&o.name)).collect();
    if visible.iter().any(|o| p.stops_on(&o.name)) {
        return None;
    }
    Some(judge(p, &visible).2)
}

/// Whether `line`, read after the first `at` of `ours` (our lines, in reading order) and before
/// the rest, leaves the family with weaker TLS than `ours` alone. A line that stops the family
/// is not judged here ([`Profile::stops_on`]).
pub fn weakens(p: &Profile, ours: &[&Opt], line: &Opt, at: usize) -> bool {
    if !p.sees(&line.name) {
        return false;
    }
    let mut with: Vec<&Opt> = ours.to_vec();
    with.insert(at.min(with.len()), line);
    match (strength(p, ours), strength(p, &with)) {
        (Some(base), Some(now)) => now.is_weaker_than(&base),
        _ => false,
    }
}

fn ssl_mode(opts: &[&Opt]) -> (Level, String, Strength) {
    let ca = last_plain(opts, opt::SSL_CA);
    let mode = last(opts, opt::SSL_MODE)
        .map(|o| o.value_str().to_ascii_uppercase())
        .unwrap_or_else(|| {
            if ca.is_some() {
                "VERIFY_CA".into()
            } else {
                "PREFERRED".into()
            }
        });
    let (level, text, strength) = match (mode.as_str(), ca.is_some()) {
        ("VERIFY_IDENTITY", true) => (
            Level::Verified,
            VERIFIED_HOST,
            Strength::new(2, true).with_ca(ca),
        ),
        ("VERIFY_CA", true) => (
            Level::Verified,
            VERIFIED_NO_HOST,
            Strength::new(2, false).with_ca(ca),
        ),
        ("VERIFY_IDENTITY" | "VERIFY_CA", false) => (
            Level::Broken,
            "cannot connect: the mode needs ssl-ca",
            Strength::new(2, false),
        ),
        ("REQUIRED", _) => (
            Level::Weak,
            "TLS required, no verification (the CA is dropped)",
            Strength::new(2, false),
        ),
        ("DISABLED", _) => (Level::Weak, "no TLS", Strength::new(0, false)),
        _ => (
            Level::Weak,
            "TLS only if the server offers it, not verified",
            Strength::new(1, false),
        ),
    };
    (level, format!("{mode}: {text}"), strength)
}

/// Whether MariaDB's programs end up with `--ssl` off: the last line that sets it decides, and
/// every `ssl-*` option (the CA, the key, …) sets it on (`sslopt-case.h`).
fn mariadb_ssl_off(b: Booleans, opts: &[&Opt]) -> bool {
    opts.iter()
        .rev()
        .find(|o| {
            o.name.is(opt::SSL)
                || (o.name.negation.is_none()
                    && super::names::IMPLY_SSL_IN_MARIADB
                        .iter()
                        .any(|n| o.name.is(n)))
        })
        .is_some_and(|o| o.name.is(opt::SSL) && on(b, Some(o)) == Some(false))
}

fn verify_server_cert(
    b: Booleans,
    opts: &[&Opt],
    verify_default: bool,
) -> (Level, String, Strength) {
    let ca = last_plain(opts, opt::SSL_CA);
    let verify = on(b, last(opts, opt::SSL_VERIFY_SERVER_CERT)).unwrap_or(verify_default);
    if mariadb_ssl_off(b, opts) {
        return (
            Level::Weak,
            "TLS switched off (skip-ssl / ssl=0)".into(),
            Strength::new(0, false),
        );
    }
    let (level, text, strength) = match (ca.is_some(), verify) {
        (true, true) => (
            Level::Verified,
            VERIFIED_HOST,
            Strength::new(2, true).with_ca(ca),
        ),
        (true, false) => (
            Level::Weak,
            "CA verified, TLS not enforced (plaintext fallback), host name not checked",
            Strength::new(1, false).with_ca(ca),
        ),
        (false, true) => (Level::Weak, SYSTEM_CAS, Strength::new(2, true)),
        (false, false) => (
            Level::Weak,
            "TLS if the server offers it, not verified",
            Strength::new(1, false),
        ),
    };
    (level, text.into(), strength)
}

fn connector_c(b: Booleans, opts: &[&Opt]) -> (Level, String, Strength) {
    let ca = last(opts, opt::SSL_CA);
    let verify = on(b, last(opts, opt::SSL_VERIFY_SERVER_CERT)) == Some(true);
    let (level, text, strength) = match (ca.is_some(), verify) {
        (true, true) => (
            Level::Verified,
            VERIFIED_HOST,
            Strength::new(2, true).with_ca(ca),
        ),
        (true, false) => (
            Level::Weak,
            "3.3: CA verified, TLS not enforced, host name not checked (3.4: verified by default)",
            Strength::new(1, false).with_ca(ca),
        ),
        (false, true) => (Level::Weak, SYSTEM_CAS, Strength::new(2, true)),
        (false, false) => (
            Level::Weak,
            "3.3: TLS if offered, not verified (3.4: verified by default)",
            Strength::new(1, false),
        ),
    };
    (level, text.into(), strength)
}

fn any_tls_option(opts: &[&Opt]) -> (Level, String, Strength) {
    let has_tls = opts.iter().any(|o| {
        super::names::PYMYSQL_TLS_OPTIONS
            .iter()
            .any(|n| o.name.is(n))
    });
    let ca = last(opts, opt::SSL_CA);
    let (level, text, strength) = match (has_tls, ca.is_some()) {
        (_, true) => (
            Level::Verified,
            VERIFIED_HOST,
            Strength::new(2, true).with_ca(ca),
        ),
        (true, false) => (
            Level::Weak,
            "TLS required, verified against the system CAs",
            Strength::new(2, true),
        ),
        (false, false) => (
            Level::Weak,
            "no TLS unless the application asks for it",
            Strength::new(0, false),
        ),
    };
    (level, text.into(), strength)
}

fn verify_flags(b: Booleans, opts: &[&Opt], cert_requires_tls: bool) -> (Level, String, Strength) {
    let truthy = |n: &str| on(b, last(opts, n)) == Some(true);
    let ca = last(opts, opt::SSL_CA);
    let (level, text, strength) = match (
        ca.is_some(),
        truthy(opt::SSL_VERIFY_CERT),
        truthy(opt::SSL_VERIFY_IDENTITY),
    ) {
        (true, true, true) => (
            Level::Verified,
            VERIFIED_HOST,
            Strength::new(2, true).with_ca(ca),
        ),
        (true, true, false) if cert_requires_tls => (
            Level::Verified,
            VERIFIED_NO_HOST,
            Strength::new(2, false).with_ca(ca),
        ),
        (true, true, false) => (
            Level::Weak,
            "CA verified, TLS not enforced (plaintext fallback), host name not checked",
            Strength::new(1, false).with_ca(ca),
        ),
        (true, false, _) => (
            Level::Weak,
            "TLS if the server offers it, not verified: ssl-ca is ignored without ssl-verify-cert=True in [connector_python]",
            Strength::new(1, false),
        ),
        (false, _, _) => (
            Level::Weak,
            "TLS if the server offers it, not verified (no ssl-ca)",
            Strength::new(1, false),
        ),
    };
    (level, text.into(), strength)
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;

    fn opts(lines: &[(&str, &str, Option<&str>)]) -> Vec<Opt> {
        let file: Arc<Path> = Arc::from(Path::new("/f.cnf"));
        lines
            .iter()
            .enumerate()
            .map(|(i, (g, n, v))| {
                Opt::new(
                    g.as_bytes(),
                    n.as_bytes(),
                    v.map(str::as_bytes),
                    file.clone(),
                    i + 1,
                )
            })
            .collect()
    }

    fn table(o: &[Opt]) -> Vec<(Family, Level)> {
        outcomes(o, o, Refusals::default())
            .into_iter()
            .map(|x| (x.family, x.level))
            .collect()
    }

    fn row(o: &[Opt], f: Family) -> Outcome {
        outcomes(o, o, Refusals::default())
            .into_iter()
            .find(|x| x.family == f)
            .unwrap()
    }

    #[test]
    fn the_mixed_block_verifies_everywhere() {
        let o = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("client", "loose-ssl-mode", Some("VERIFY_IDENTITY")),
            ("client-mariadb", "ssl-verify-server-cert", Some("1")),
            ("connector_python", "ssl-ca", Some("/ca.pem")),
            ("connector_python", "ssl-verify-cert", Some("True")),
            ("connector_python", "ssl-verify-identity", Some("True")),
        ]);
        assert_eq!(
            table(&o),
            [
                (Family::MysqlCli, Level::Verified),
                (Family::MariadbCli113, Level::Verified),
                (Family::MariadbCli114, Level::Verified),
                (Family::ConnectorC, Level::Verified),
                (Family::Pymysql, Level::Verified),
                (Family::ConnectorPython, Level::Verified),
                (Family::ConnectorPythonCext, Level::Verified),
            ]
        );
    }

    #[test]
    fn connector_python_ignores_ssl_ca_without_ssl_verify_cert() {
        let o = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("client", "loose-ssl-mode", Some("VERIFY_IDENTITY")),
        ]);
        for f in [Family::ConnectorPython, Family::ConnectorPythonCext] {
            let r = row(&o, f);
            assert_eq!(r.level, Level::Weak, "{f:?}");
            assert!(r.summary.contains("not verified"), "{f:?}: {}", r.summary);
        }
    }

    #[test]
    fn with_ssl_verify_cert_alone_only_pure_connector_python_insists_on_tls() {
        let o = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("connector_python", "ssl-verify-cert", Some("True")),
        ]);
        let pure = row(&o, Family::ConnectorPython);
        assert_eq!(pure.level, Level::Verified);
        assert_eq!(pure.summary, VERIFIED_NO_HOST);
        let cext = row(&o, Family::ConnectorPythonCext);
        assert_eq!(cext.level, Level::Weak);
        assert!(
            cext.summary.contains("plaintext fallback"),
            "{}",
            cext.summary
        );
        // `False` is off for a Python literal.
        let off = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("connector_python", "ssl-verify-cert", Some("False")),
        ]);
        assert_eq!(row(&off, Family::ConnectorPython).level, Level::Weak);
    }

    #[test]
    fn connector_python_refuses_a_file_that_is_not_utf8_and_the_others_do_not_care() {
        let o = opts(&[("client", "ssl-ca", Some("/ca.pem"))]);
        let refusals = Refusals {
            strict_ini: None,
            not_utf8: Some("UnicodeDecodeError: line 1 is not UTF-8"),
        };
        for r in outcomes(&o, &o, refusals) {
            let refused = matches!(
                r.family,
                Family::ConnectorPython | Family::ConnectorPythonCext
            );
            assert_eq!(r.level == Level::Broken, refused, "{:?}", r.family);
            if refused {
                assert_eq!(
                    r.summary,
                    "refuses the file: UnicodeDecodeError: line 1 is not UTF-8"
                );
            }
        }
    }

    #[test]
    fn a_bare_ssl_mode_breaks_mariadb_clients() {
        let o = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("client", "ssl-mode", Some("VERIFY_CA")),
        ]);
        let r = row(&o, Family::MariadbCli113);
        assert_eq!(r.level, Level::Broken);
        assert!(r.summary.contains("unknown variable 'ssl-mode=VERIFY_CA'"));
    }

    #[test]
    fn ssl_ca_alone_is_not_enforced_on_old_mariadb() {
        let o = opts(&[("client", "ssl-ca", Some("/ca.pem"))]);
        assert_eq!(
            row(&o, Family::MysqlCli).summary,
            "VERIFY_CA: TLS required, CA verified, host name not checked"
        );
        assert!(
            row(&o, Family::MariadbCli113)
                .summary
                .contains("TLS not enforced")
        );
        assert_eq!(row(&o, Family::MariadbCli114).level, Level::Verified);
    }

    #[test]
    fn connector_c_reads_only_numbers_as_on() {
        let o = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("client-mariadb", "ssl-verify-server-cert", Some("ON")),
        ]);
        assert_eq!(
            row(&o, Family::MariadbCli113).level,
            Level::Verified,
            "the CLI reads ON as on"
        );
        assert_eq!(
            row(&o, Family::ConnectorC).level,
            Level::Weak,
            "Connector/C reads ON as 0"
        );
        let two = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("client-mariadb", "ssl-verify-server-cert", Some("2")),
        ]);
        assert_eq!(
            row(&two, Family::ConnectorC).level,
            Level::Verified,
            "atoi(2) is on"
        );
        assert_eq!(
            row(&two, Family::MariadbCli113).level,
            Level::Weak,
            "my_getopt: 2 is off"
        );
    }

    #[test]
    fn a_later_required_mode_drops_the_ca_for_mysql() {
        let o = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("mysql", "ssl-mode", Some("REQUIRED")),
        ]);
        assert_eq!(row(&o, Family::MysqlCli).level, Level::Weak);
    }

    #[test]
    fn a_removed_option_stops_mysql_8() {
        let o = opts(&[("client", "ssl-verify-server-cert", Some("1"))]);
        let r = row(&o, Family::MysqlCli);
        assert_eq!(r.level, Level::Broken);
        assert!(
            r.summary
                .starts_with("MySQL 8.0+ stops: unknown option 'ssl-verify-server-cert'")
        );
    }

    #[test]
    fn an_ssl_option_read_after_skip_ssl_switches_tls_back_on_in_mariadb_clients() {
        let back_on = opts(&[
            ("client", "skip-ssl", None),
            ("client", "ssl-ca", Some("/ca.pem")),
            ("client-mariadb", "ssl-verify-server-cert", Some("1")),
        ]);
        assert_eq!(row(&back_on, Family::MariadbCli113).level, Level::Verified);
        assert_eq!(row(&back_on, Family::MariadbCli114).level, Level::Verified);
        let off = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("client", "skip-ssl", None),
        ]);
        for f in [Family::MariadbCli113, Family::MariadbCli114] {
            assert_eq!(
                row(&off, f).summary,
                "TLS switched off (skip-ssl / ssl=0)",
                "{f:?}"
            );
        }
        // A negated ssl-* option is no option that switches --ssl on.
        let still_off = opts(&[
            ("client", "ssl", Some("0")),
            ("client", "skip-ssl-verify-server-cert", None),
        ]);
        assert!(
            row(&still_off, Family::MariadbCli114)
                .summary
                .starts_with("TLS switched off")
        );
    }

    fn ours() -> Vec<Opt> {
        opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("client", "loose-ssl-mode", Some("VERIFY_CA")),
        ])
    }

    fn weakens_after(f: Family, line: (&str, &str, Option<&str>)) -> bool {
        let ours = ours();
        let refs: Vec<&Opt> = ours.iter().collect();
        weakens(f.profile(), &refs, &opts(&[line])[0], refs.len())
    }

    #[test]
    fn lines_that_weaken_tls_after_ours_are_judged_by_each_familys_model() {
        use Family::*;
        for (f, line) in [
            (MariadbCli113, ("client", "skip-ssl", None)),
            (MariadbCli113, ("client", "ssl", Some("0"))),
            (MariadbCli114, ("client", "disable-ssl", None)),
            (MariadbCli114, ("client", "ssl", Some("OFF"))),
            (
                MariadbCli114,
                ("client", "skip-ssl-verify-server-cert", None),
            ),
            (
                MariadbCli114,
                ("client", "ssl-verify-server-cert", Some("0")),
            ),
            (MysqlCli, ("client", "ssl-mode", Some("PREFERRED"))),
            (MysqlCli, ("client", "ssl-mode", Some("DISABLED"))),
            (MysqlCli, ("client", "ssl-ca", Some("/elsewhere.pem"))),
            (MysqlCli, ("client", "ssl-capath", Some("/etc/ssl/certs"))),
            (Pymysql, ("client", "ssl-ca", Some("/elsewhere.pem"))),
        ] {
            assert!(weakens_after(f, line), "{f:?} {line:?}");
        }
        for (f, line) in [
            (MysqlCli, ("client", "ssl-mode", Some("VERIFY_IDENTITY"))),
            (
                MariadbCli113,
                ("client", "ssl-verify-server-cert", Some("1")),
            ),
            (MariadbCli113, ("client", "ssl-ca", Some("/ca.pem"))),
            // Connector/C never sees a prefixed line.
            (ConnectorC, ("client", "skip-ssl-verify-server-cert", None)),
        ] {
            assert!(!weakens_after(f, line), "{f:?} {line:?}");
        }
        // Read before our ssl-ca, skip-ssl is undone by it.
        let ours = ours();
        let refs: Vec<&Opt> = ours.iter().collect();
        let skip = &opts(&[("client", "skip-ssl", None)])[0];
        assert!(!weakens(MariadbCli113.profile(), &refs, skip, 0));
    }
}
