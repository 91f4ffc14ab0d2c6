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
    /// The client does not read option files: the file changes nothing for it.
    Unaffected,
}

/// Whether a client uses TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsUse {
    Off,
    /// TLS when the server offers it, plaintext otherwise.
    IfOffered,
    Required,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The family's name in the table.
    pub client: &'static str,
    pub family: Family,
    pub level: Level,
    pub summary: String,
    /// What it does, component by component (`None` where it refuses the file or reads none).
    pub tls: Option<TlsUse>,
    pub ca_verified: Option<bool>,
    pub host_checked: Option<bool>,
}

/// What a family's TLS comes to, component by component: a line weakens TLS when it lowers one
/// of them. The client table and add-ca's plan both judge from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strength {
    /// 0: no TLS; 1: TLS if the server offers it; 2: TLS required.
    pub tls: u8,
    /// Whether the server's certificate chain is verified (against `ca`, a folder or the
    /// system CAs).
    pub verify: bool,
    /// The CA file the server's certificate is verified against (`None`: not verified, or only
    /// against the system CAs or a folder).
    pub ca: Option<Vec<u8>>,
    /// Whether the server's host name is checked.
    pub host: bool,
    /// A folder of further trusted CAs (`ssl-capath`) besides the CA file.
    pub capath: bool,
}

impl Strength {
    /// TLS at `tls`, not verified.
    const fn unverified(tls: u8) -> Strength {
        Strength {
            tls,
            verify: false,
            ca: None,
            host: false,
            capath: false,
        }
    }

    /// TLS at `tls`, verified against `ca` (the system CAs when `None`), the host name checked
    /// or not.
    fn verified(tls: u8, ca: Option<&Opt>, host: bool) -> Strength {
        Strength {
            tls,
            verify: true,
            ca: ca.map(|o| o.value.clone().unwrap_or_default()),
            host,
            capath: false,
        }
    }

    /// Whether `self` is weaker than `than` in any component.
    pub fn is_weaker_than(&self, than: &Strength) -> bool {
        self.tls < than.tls
            || (than.verify && !self.verify)
            || (than.ca.is_some() && self.ca != than.ca)
            || (than.host && !self.host)
            || (self.capath && !than.capath)
    }

    /// The table's words for it: TLS required or not, the certificate verified (against
    /// what) or not, the host name checked or not.
    fn words(&self) -> String {
        let tls = match self.tls {
            0 => return "no TLS".into(),
            1 => "TLS if offered (else plaintext)",
            _ => "TLS required",
        };
        if !self.verify {
            return format!("{tls}, certificate not verified");
        }
        let against = if self.ca.is_some() {
            "CA verified"
        } else if self.capath {
            "CA verified against the ssl-capath folder"
        } else {
            "verified against the system CAs only"
        };
        let host = if self.host {
            "host name checked"
        } else {
            "host name not checked"
        };
        format!("{tls}, {against}, {host}")
    }
}

/// A model's verdict on the lines a family sees.
struct Verdict {
    level: Level,
    strength: Strength,
    /// Words before the description (`VERIFY_CA: `).
    prefix: String,
    /// Words after it (why, or what to do).
    note: String,
}

impl Verdict {
    fn new(level: Level, strength: Strength) -> Verdict {
        Verdict {
            level,
            strength,
            prefix: String::new(),
            note: String::new(),
        }
    }

    fn note(mut self, note: impl Into<String>) -> Verdict {
        self.note = note.into();
        self
    }

    /// Verified when TLS is required and the chain verified (with the host name where
    /// `host_asked`), weak otherwise.
    fn judged(strength: Strength, host_asked: bool) -> Verdict {
        let level = if strength.tls == 2 && strength.verify && (strength.host || !host_asked) {
            Level::Verified
        } else {
            Level::Weak
        };
        Verdict::new(level, strength)
    }

    fn summary(&self) -> String {
        let mut s = format!("{}{}", self.prefix, self.strength.words());
        if !self.note.is_empty() {
            s.push_str(" (");
            s.push_str(&self.note);
            s.push(')');
        }
        s
    }
}

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
    let row = |level, summary: String, strength: Option<&Strength>| Outcome {
        client: p.label,
        family: p.family,
        level,
        summary,
        tls: strength.map(|s| match s.tls {
            0 => TlsUse::Off,
            1 => TlsUse::IfOffered,
            _ => TlsUse::Required,
        }),
        ca_verified: strength.map(|s| s.tls > 0 && s.verify),
        host_checked: strength.map(|s| s.tls > 0 && s.verify && s.host),
    };
    if p.tls == TlsModel::NoOptionFiles {
        return row(
            Level::Unaffected,
            format!("does not read option files: {}", p.fix),
            None,
        );
    }
    if p.strict_ini
        && let Some(e) = refusals.strict_ini
    {
        return row(Level::Broken, format!("refuses the file: {e}"), None);
    }
    if p.utf8_only
        && let Some(e) = refusals.not_utf8
    {
        return row(Level::Broken, format!("refuses the file: {e}"), None);
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
            None,
        );
    }
    let mut v = judge(p, &visible);
    if v.level == Level::Broken {
        return row(Level::Broken, v.note, None);
    }
    if v.strength.capath && v.level == Level::Verified {
        v.level = Level::Weak;
        v.note = join(&v.note, "also trusts every CA in the ssl-capath folder");
    }
    if p.warns_on_loose
        && visible
            .iter()
            .any(|o| o.name.loose && p.stops_on.iter().any(|n| o.name.is(n)))
    {
        v.note = join(&v.note, "prints a warning about loose-ssl-mode, harmless");
    }
    if !p.fix.is_empty() && v.level != Level::Verified {
        v.note = join(&v.note, &format!("fix in the application: {}", p.fix));
    }
    row(v.level, v.summary(), Some(&v.strength))
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}; {b}")
    }
}

/// The family's model on the lines it sees, in reading order.
fn judge(p: &Profile, visible: &[&Opt]) -> Verdict {
    let mut v = match p.tls {
        TlsModel::SslMode => ssl_mode(visible),
        TlsModel::VerifyServerCert { verify_default } => {
            verify_server_cert(p.booleans, visible, verify_default)
        }
        TlsModel::ConnectorC { verify_default } => connector_c(p.booleans, visible, verify_default),
        TlsModel::AnyTlsOption { enforces, prefers } => any_tls_option(visible, enforces, prefers),
        TlsModel::VerifyFlags { cert_requires_tls } => {
            verify_flags(p.booleans, visible, cert_requires_tls)
        }
        TlsModel::CaOnly => ca_only(visible),
        TlsModel::IgnoresTls { tls } => Verdict::new(Level::Weak, Strength::unverified(tls))
            .note("ignores the file's TLS lines"),
        TlsModel::NoOptionFiles => Verdict::new(Level::Unaffected, Strength::unverified(0)),
    };
    // The models that load the CA file also load the folder beside it (Connector/Python's and
    // PyMySQL's ssl contexts take it as the trust store only without a CA file).
    let loads_folder = matches!(
        p.tls,
        TlsModel::SslMode
            | TlsModel::VerifyServerCert { .. }
            | TlsModel::ConnectorC { .. }
            | TlsModel::CaOnly
    );
    v.strength.capath = (loads_folder && v.strength.ca.is_some() || v.strength.capath)
        && last_plain(visible, opt::SSL_CAPATH).is_some();
    v
}

/// What `opts` (lines of groups the family reads, in reading order) make the family do; `None`
/// when one of them stops it.
pub fn strength(p: &Profile, opts: &[&Opt]) -> Option<Strength> {
    let visible: Vec<&Opt> = opts.iter().copied().filter(|o| p.sees(&o.name)).collect();
    if visible.iter().any(|o| p.stops_on(&o.name)) {
        return None;
    }
    Some(judge(p, &visible).strength)
}

/// Whether `line`, read after the first `at` of `ours` (our lines, in reading order) and before
/// the rest, leaves the family with weaker TLS than `ours` alone. A line that stops the family
/// is not judged here ([`Profile::stops_on`]). To judge many lines against the same `ours`,
/// [`Baseline`] computes what `ours` alone make the family do once.
pub fn weakens(p: &Profile, ours: &[&Opt], line: &Opt, at: usize) -> bool {
    Baseline::new(p, ours).weakened_by(line, at)
}

/// A family's TLS with our lines alone (in reading order): what [`weakens`] compares each line
/// against, computed once.
pub struct Baseline<'a> {
    profile: &'a Profile,
    ours: Vec<&'a Opt>,
    /// `None` when our lines stop the family: then no line weakens anything.
    strength: Option<Strength>,
}

impl<'a> Baseline<'a> {
    pub fn new(profile: &'a Profile, ours: &[&'a Opt]) -> Baseline<'a> {
        Baseline {
            profile,
            ours: ours.to_vec(),
            strength: strength(profile, ours),
        }
    }

    /// [`weakens`]: whether `line`, read after the first `at` of our lines, leaves the family
    /// with weaker TLS than they alone.
    pub fn weakened_by(&self, line: &Opt, at: usize) -> bool {
        let Some(base) = &self.strength else {
            return false;
        };
        if !self.profile.sees(&line.name) {
            return false;
        }
        let mut with: Vec<&Opt> = Vec::with_capacity(self.ours.len() + 1);
        with.extend_from_slice(&self.ours);
        with.insert(at.min(with.len()), line);
        strength(self.profile, &with).is_some_and(|now| now.is_weaker_than(base))
    }
}

fn ssl_mode(opts: &[&Opt]) -> Verdict {
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
    let mut v = match (mode.as_str(), ca.is_some()) {
        ("VERIFY_IDENTITY", true) => Verdict::judged(Strength::verified(2, ca, true), true),
        ("VERIFY_CA", true) => Verdict::judged(Strength::verified(2, ca, false), false),
        ("VERIFY_IDENTITY" | "VERIFY_CA", false) => {
            Verdict::new(Level::Broken, Strength::unverified(2))
                .note(format!("{mode}: cannot connect: the mode needs ssl-ca"))
        }
        ("REQUIRED", _) => {
            Verdict::new(Level::Weak, Strength::unverified(2)).note(if ca.is_some() {
                "the CA is dropped"
            } else {
                ""
            })
        }
        ("DISABLED", _) => Verdict::new(Level::Weak, Strength::unverified(0)),
        _ => Verdict::new(Level::Weak, Strength::unverified(1)),
    };
    v.prefix = format!("{mode}: ");
    v
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

fn verify_server_cert(b: Booleans, opts: &[&Opt], verify_default: bool) -> Verdict {
    if mariadb_ssl_off(b, opts) {
        return Verdict::new(Level::Weak, Strength::unverified(0))
            .note("switched off by skip-ssl / ssl=0");
    }
    tls_library(b, opts, verify_default, last_plain(opts, opt::SSL_CA), "")
}

/// MariaDB's programs and Connector/C: `ssl-verify-server-cert` (on by default where
/// `verify_default`) makes them insist on TLS and check the host name; a CA verifies the chain.
fn tls_library(
    b: Booleans,
    opts: &[&Opt],
    verify_default: bool,
    ca: Option<&Opt>,
    default_note: &str,
) -> Verdict {
    let explicit = on(b, last(opts, opt::SSL_VERIFY_SERVER_CERT));
    let verify = explicit.unwrap_or(verify_default);
    let v = match (ca.is_some(), verify) {
        (true, true) => Verdict::judged(Strength::verified(2, ca, true), true),
        (true, false) => Verdict::judged(Strength::verified(1, ca, false), false),
        (false, true) => Verdict::new(Level::Weak, Strength::verified(2, None, true)),
        (false, false) => Verdict::new(Level::Weak, Strength::unverified(1)),
    };
    if explicit.is_none() && verify_default && !default_note.is_empty() {
        v.note(default_note)
    } else {
        v
    }
}

fn connector_c(b: Booleans, opts: &[&Opt], verify_default: bool) -> Verdict {
    tls_library(
        b,
        opts,
        verify_default,
        last(opts, opt::SSL_CA),
        "library default; mysqlclient ≥ 2.2 and the mariadb Python module turn it off, as on 3.3",
    )
}

fn any_tls_option(opts: &[&Opt], enforces: bool, prefers: bool) -> Verdict {
    let has_tls = opts.iter().any(|o| {
        super::names::PYMYSQL_TLS_OPTIONS
            .iter()
            .any(|n| o.name.is(n) && o.value.as_deref().is_some_and(|v| !v.is_empty()))
    });
    // PyMySQL takes a key only when its value is not empty.
    fn given(o: Option<&Opt>) -> Option<&Opt> {
        o.filter(|o| o.value.as_deref().is_some_and(|v| !v.is_empty()))
    }
    let ca = given(last(opts, opt::SSL_CA));
    let capath = given(last(opts, opt::SSL_CAPATH));
    let tls = if enforces { 2 } else { 1 };
    match (has_tls, ca.is_some() || capath.is_some()) {
        (true, true) => {
            let mut s = Strength::verified(tls, ca, true);
            s.capath = capath.is_some();
            Verdict::judged(s, true)
        }
        (true, false) => Verdict::new(Level::Weak, Strength::unverified(tls)),
        (false, _) => Verdict::new(
            Level::Weak,
            Strength::unverified(if prefers { 1 } else { 0 }),
        ),
    }
}

fn verify_flags(b: Booleans, opts: &[&Opt], cert_requires_tls: bool) -> Verdict {
    let truthy = |n: &str| on(b, last(opts, n)) == Some(true);
    let ca = last(opts, opt::SSL_CA);
    match (
        ca.is_some(),
        truthy(opt::SSL_VERIFY_CERT),
        truthy(opt::SSL_VERIFY_IDENTITY),
    ) {
        (true, true, true) => Verdict::judged(Strength::verified(2, ca, true), true),
        (true, true, false) => Verdict::judged(
            Strength::verified(if cert_requires_tls { 2 } else { 1 }, ca, false),
            false,
        ),
        (true, false, _) => Verdict::new(Level::Weak, Strength::unverified(1))
            .note("ssl-ca is ignored without ssl-verify-cert=True in [connector_python]"),
        (false, _, _) => Verdict::new(Level::Weak, Strength::unverified(1)).note("no ssl-ca"),
    }
}

fn ca_only(opts: &[&Opt]) -> Verdict {
    match last(opts, opt::SSL_CA) {
        Some(ca) => Verdict::new(Level::Weak, Strength::verified(1, Some(ca), false)),
        None => Verdict::new(Level::Weak, Strength::unverified(1)),
    }
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
    fn the_mixed_block_verifies_every_family_an_option_file_can_make_verify() {
        use Family::*;
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
                (MysqlCli, Level::Verified),
                (MariadbCli113, Level::Verified),
                (MariadbCli114, Level::Verified),
                (ConnectorC, Level::Verified),
                (ConnectorC34, Level::Verified),
                (Pymysql, Level::Verified),
                // TLS is used and verified when offered, never insisted on.
                (PymysqlOld, Level::Weak),
                (Asyncmy, Level::Verified),
                // No line of an option file reaches their TLS.
                (Aiomysql, Level::Weak),
                (Mycli, Level::Weak),
                (ConnectorPython, Level::Verified),
                (ConnectorPythonCext, Level::Verified),
                (Libmysqlclient, Level::Weak),
                (PhpMysqlnd, Level::Unaffected),
                (Node, Level::Unaffected),
            ]
        );
        let old = row(&o, PymysqlOld);
        assert_eq!(
            (old.tls, old.ca_verified, old.host_checked),
            (Some(TlsUse::IfOffered), Some(true), Some(true))
        );
        let oracle = row(&o, Libmysqlclient);
        assert_eq!(
            (oracle.tls, oracle.ca_verified, oracle.host_checked),
            (Some(TlsUse::IfOffered), Some(true), Some(false))
        );
        assert!(
            oracle
                .summary
                .contains("fix in the application: set MYSQL_OPT_SSL_MODE")
        );
        let aio = row(&o, Aiomysql);
        assert_eq!(aio.tls, Some(TlsUse::Off));
        assert!(
            aio.summary.contains("fix in the application"),
            "{}",
            aio.summary
        );
        let php = row(&o, PhpMysqlnd);
        assert_eq!((php.tls, php.ca_verified), (None, None));
        assert!(php.summary.starts_with("does not read option files"));
    }

    #[test]
    fn pymysql_uses_unverified_tls_from_1_2_without_a_ca_and_none_before() {
        use Family::*;
        let nothing = opts(&[("client", "user", Some("app"))]);
        assert_eq!(row(&nothing, Pymysql).tls, Some(TlsUse::IfOffered));
        assert_eq!(row(&nothing, Pymysql).ca_verified, Some(false));
        assert_eq!(row(&nothing, PymysqlOld).tls, Some(TlsUse::Off));
        assert_eq!(row(&nothing, Asyncmy).tls, Some(TlsUse::Off));
        // A client certificate without a CA: TLS, nothing verified.
        let cert = opts(&[("client", "ssl-cert", Some("/me.pem"))]);
        let r = row(&cert, Pymysql);
        assert_eq!(
            (r.tls, r.ca_verified, r.level),
            (Some(TlsUse::Required), Some(false), Level::Weak)
        );
        assert_eq!(r.summary, "TLS required, certificate not verified");
        // An empty value is no value for PyMySQL.
        let empty = opts(&[("client", "ssl-ca", Some(""))]);
        assert_eq!(row(&empty, Asyncmy).tls, Some(TlsUse::Off));
    }

    #[test]
    fn pymysql_and_its_forks_take_a_prefixed_tls_line_for_an_unknown_key() {
        use Family::*;
        for line in [
            ("client", "skip-ssl-ca", None),
            ("client", "loose-ssl-ca", Some("/ca.pem")),
            ("client", "disable-ssl-cert", None),
        ] {
            let o = opts(&[line]);
            for f in [Pymysql, PymysqlOld, Asyncmy] {
                let r = row(&o, f);
                assert_eq!(r.ca_verified, Some(false), "{f:?} {line:?}: {}", r.summary);
                assert_ne!(r.tls, Some(TlsUse::Required), "{f:?} {line:?}");
            }
        }
    }

    #[test]
    fn connector_c_3_4_verifies_by_default_and_3_3_does_not() {
        let o = opts(&[("client", "ssl-ca", Some("/ca.pem"))]);
        let old = row(&o, Family::ConnectorC);
        assert_eq!(old.tls, Some(TlsUse::IfOffered));
        let new = row(&o, Family::ConnectorC34);
        assert_eq!(new.level, Level::Verified);
        assert!(new.summary.contains("mysqlclient ≥ 2.2"), "{}", new.summary);
        // Switched off explicitly, 3.4 is 3.3 again, and says nothing of its default.
        let off = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("client", "ssl-verify-server-cert", Some("0")),
        ]);
        let r = row(&off, Family::ConnectorC34);
        assert_eq!(r.tls, Some(TlsUse::IfOffered));
        assert!(!r.summary.contains("mysqlclient"), "{}", r.summary);
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
        assert_eq!(
            pure.summary,
            "TLS required, CA verified, host name not checked"
        );
        let cext = row(&o, Family::ConnectorPythonCext);
        assert_eq!(cext.level, Level::Weak);
        assert_eq!(cext.tls, Some(TlsUse::IfOffered), "{}", cext.summary);
        // `False` is off for a Python literal.
        let off = opts(&[
            ("client", "ssl-ca", Some("/ca.pem")),
            ("connector_python", "ssl-verify-cert", Some("False")),
        ]);
        assert_eq!(row(&off, Family::ConnectorPython).level, Level::Weak);
    }

    #[test]
    fn the_readers_that_decode_utf8_refuse_a_file_that_is_not_and_the_others_do_not_care() {
        let o = opts(&[("client", "ssl-ca", Some("/ca.pem"))]);
        let refusals = Refusals {
            strict_ini: None,
            not_utf8: Some("UnicodeDecodeError: line 1 is not UTF-8"),
        };
        for r in outcomes(&o, &o, refusals) {
            let refused = r.family.profile().utf8_only;
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
                .starts_with("TLS if offered (else plaintext), CA verified")
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
                "no TLS (switched off by skip-ssl / ssl=0)",
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
                .starts_with("no TLS (switched off")
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
