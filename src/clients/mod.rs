//! Every fact about the clients, as data: the client families, the groups each reads, the
//! option spellings it accepts, the lines that stop it, how it reads booleans and what each TLS
//! setting makes it do ([`outcome`]); the lines `add-ca` writes for them ([`settings`]).
//!
//! This is the only module that names a group or a TLS option. Adding a client family is one
//! entry in [`PROFILES`] (and, if it behaves like none of the others, one [`TlsModel`]) plus
//! its tests.

pub mod booleans;
pub mod doc;
pub mod names;
pub mod outcome;
pub mod programs;
pub mod settings;

use serde::Serialize;

pub use booleans::Booleans;
pub use names::{group, is_secret, opt};
pub use outcome::{Level, Outcome, Refusals, TlsUse, outcomes};
pub use programs::{Program, Vendor};
pub use settings::{Mode, Setting, Target};

use crate::optfile::{Opt, OptionName};

/// A client family: programs or applications that behave alike with an option file. One row of
/// the client table each; a family whose behaviour changed between versions has a row per side
/// of the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Oracle's `mysql`, `mysqldump`, … 8.0 and later.
    MysqlCli,
    /// MariaDB's `mariadb`, `mariadb-dump`, … up to 11.3.
    MariadbCli113,
    /// MariaDB's programs from 11.4, which verify the server's certificate by default.
    MariadbCli114,
    /// Applications on MariaDB Connector/C 3.3 (python3-mysqldb, mysqlclient, the `mariadb`
    /// Python module, DBD::MariaDB, DBD::mysql, ruby-mysql2), and the applications that switch
    /// 3.4's verification default off again (mysqlclient ≥ 2.2, the `mariadb` Python module).
    ConnectorC,
    /// Applications on MariaDB Connector/C 3.4 that keep its default (verification on).
    ConnectorC34,
    /// PyMySQL 1.2 and later given the file with `read_default_file`.
    Pymysql,
    /// PyMySQL before 1.2 (Debian 12's 1.0.2, 1.1.x): TLS options never make it insist on TLS.
    PymysqlOld,
    /// asyncmy given the file with `read_default_file`.
    Asyncmy,
    /// aiomysql given the file with `read_default_file`: never takes TLS from it.
    Aiomysql,
    /// mycli 1.x, the last versions that read `~/.my.cnf`: TLS from the file is ignored.
    Mycli,
    /// mysql-connector-python given the file with `option_files`, in pure Python mode.
    ConnectorPython,
    /// mysql-connector-python given the file with `option_files`, with its C extension (Oracle's
    /// libmysqlclient underneath): verifying the CA does not make it insist on TLS.
    ConnectorPythonCext,
    /// Applications on Oracle's libmysqlclient: `ssl-ca` verifies the CA, but no option file
    /// line makes them insist on TLS or check the host name.
    Libmysqlclient,
    /// PHP's mysqli and PDO_MySQL (mysqlnd): no option files at all.
    PhpMysqlnd,
    /// Node.js drivers (mysql, mysql2, mariadb): no option files at all.
    Node,
}

/// Which files a family reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// The whole read chain (`/etc/my.cnf`, …, `~/.my.cnf` and their includes).
    Chain,
    /// Only the file the application is given.
    OneFile,
}

/// How an unknown option that stops a family is worded by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// `unknown option '--name'` (MySQL 8.0+ for a removed option).
    UnknownOption,
    /// `unknown variable 'name=value'` (MariaDB).
    UnknownVariable,
}

/// What the family's TLS settings make it do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsModel {
    /// `ssl-mode` decides; `ssl-ca` alone implies VERIFY_CA (MySQL programs).
    SslMode,
    /// `ssl-verify-server-cert` enforces TLS and checks the host name; `ssl-ca` verifies the
    /// chain; `skip-ssl`/`ssl=0` switch TLS off (MariaDB programs). `verify_default`: on
    /// without the option (11.4 and later).
    VerifyServerCert { verify_default: bool },
    /// As [`TlsModel::VerifyServerCert`], for the library (no `--ssl` switch); `verify_default`:
    /// verification on without the option (3.4 and later).
    ConnectorC { verify_default: bool },
    /// A TLS option in `[client]` (`ssl-ca`, `ssl-cert`, …) turns TLS on, and a CA verifies
    /// chain and host name (PyMySQL and its forks). `enforces`: TLS options make it refuse a
    /// server without TLS; `prefers`: without any it still uses TLS when offered (unverified).
    AnyTlsOption { enforces: bool, prefers: bool },
    /// `ssl-verify-cert` and `ssl-verify-identity` decide (Connector/Python); `ssl-ca` alone
    /// verifies nothing. `cert_requires_tls`: `ssl-verify-cert` alone makes it refuse a server
    /// without TLS (pure mode; the C extension then falls back to plaintext, and only
    /// `ssl-verify-identity` makes it insist).
    VerifyFlags { cert_requires_tls: bool },
    /// `ssl-ca` verifies the CA; no option-file line enforces TLS or the host name (Oracle's
    /// libmysqlclient: its `ssl-mode` is not read from option files).
    CaOnly,
    /// The TLS lines of the file change nothing: `tls` is what it does whatever they say
    /// (0: no TLS, 1: TLS if offered, unverified).
    IgnoresTls { tls: u8 },
    /// Does not read option files at all.
    NoOptionFiles,
}

/// One family's facts.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    pub family: Family,
    /// The name shown in the client table.
    pub label: &'static str,
    /// The groups it reads.
    pub groups: &'static [&'static str],
    pub reads: Reads,
    /// Whether it knows the option parser's `loose-`/`skip-`/`disable-` prefixes; a library
    /// that does not takes a prefixed line for an unknown key and ignores it.
    pub prefixes: bool,
    pub booleans: Booleans,
    /// Options it stops on (written without `loose-`), and how it says so.
    pub stops_on: &'static [&'static str],
    pub stop: Stop,
    /// Why add-ca disables a line the family stops on (the comment it leaves).
    pub stop_reason: &'static str,
    /// The vendor whose programs make up the family (their groups are the family's too:
    /// `[mysqldump]` for `mysqldump`); `None` for a library or a connector.
    pub vendor: Option<Vendor>,
    /// Whether it warns (and goes on) about the `loose-` form of those options.
    pub warns_on_loose: bool,
    /// Refuses a file with repeated groups or keys, or an option before any group.
    pub strict_ini: bool,
    /// Decodes the file as UTF-8 and refuses it when that fails.
    pub utf8_only: bool,
    pub tls: TlsModel,
    /// What to do in the application where no option file line can make the family verify
    /// (empty where the file can).
    pub fix: &'static str,
    /// The programs, libraries and versions the row stands for.
    pub members: &'static str,
    /// How the row's claims are proven.
    pub proof: Proof,
}

/// How a family's row is proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// By the end-to-end suite: these clients, installed by `scripts/test`, connect with every
    /// file add-ca writes to servers the tests start, and must do what the row says.
    EndToEnd(&'static str),
    /// Not installable here: the row states documented or reported behaviour, unverified.
    Unverified(&'static str),
}

const MYSQL_CLI_GROUPS: &[&str] = &[group::MYSQL, group::CLIENT];
const MARIADB_CLI_GROUPS: &[&str] = &[
    group::MYSQL,
    group::MARIADB_CLIENT,
    group::CLIENT,
    group::CLIENT_SERVER,
    group::CLIENT_MARIADB,
];
const CONNECTOR_C_GROUPS: &[&str] = &[group::CLIENT, group::CLIENT_SERVER, group::CLIENT_MARIADB];

/// MariaDB's programs: one version differs from another only in verifying by default.
const fn mariadb_cli(
    family: Family,
    label: &'static str,
    verify_default: bool,
    members: &'static str,
    proof: Proof,
) -> Profile {
    Profile {
        family,
        label,
        groups: MARIADB_CLI_GROUPS,
        reads: Reads::Chain,
        prefixes: true,
        booleans: Booleans::GetOpt,
        stops_on: names::MYSQL_ONLY,
        stop: Stop::UnknownVariable,
        stop_reason: "MySQL-only option that stops MariaDB clients, disabled by mycnf-secure",
        vendor: Some(Vendor::Mariadb),
        warns_on_loose: true,
        strict_ini: false,
        utf8_only: false,
        tls: TlsModel::VerifyServerCert { verify_default },
        fix: "",
        members,
        proof,
    }
}

/// A library or driver that reads only what it is told to, ignoring the option parser's
/// prefixes and stopping on nothing.
const fn library(
    family: Family,
    label: &'static str,
    groups: &'static [&'static str],
    reads: Reads,
    booleans: Booleans,
    tls: TlsModel,
) -> Profile {
    Profile {
        family,
        label,
        groups,
        reads,
        prefixes: false,
        booleans,
        stops_on: &[],
        stop: Stop::UnknownVariable,
        stop_reason: "",
        vendor: None,
        warns_on_loose: false,
        strict_ini: false,
        utf8_only: false,
        tls,
        fix: "",
        members: "",
        proof: Proof::Unverified(""),
    }
}

/// PyMySQL and its forks: Python's configparser on the one file given (strict about repeated
/// groups and keys, UTF-8 only), `[client]` only.
const fn pymysql_like(
    family: Family,
    label: &'static str,
    tls: TlsModel,
    members: &'static str,
    proof: Proof,
) -> Profile {
    Profile {
        strict_ini: true,
        utf8_only: true,
        members,
        proof,
        ..library(
            family,
            label,
            &[group::CLIENT],
            Reads::OneFile,
            Booleans::PythonLiteral,
            tls,
        )
    }
}

/// The families, in the order of the client table.
pub const PROFILES: &[Profile] = &[
    Profile {
        family: Family::MysqlCli,
        label: "MySQL CLI",
        groups: MYSQL_CLI_GROUPS,
        reads: Reads::Chain,
        prefixes: true,
        booleans: Booleans::GetOpt,
        stops_on: names::REMOVED_IN_MYSQL8,
        stop: Stop::UnknownOption,
        stop_reason: "option MySQL 8.0 removed (it stops MySQL clients), disabled by mycnf-secure",
        vendor: Some(Vendor::Mysql),
        warns_on_loose: false,
        strict_ini: false,
        utf8_only: false,
        tls: TlsModel::SslMode,
        fix: "",
        members: "Oracle's mysql, mysqldump, mysqladmin, … 8.0 and later",
        proof: Proof::Unverified(
            "Oracle's programs are not packaged for Debian 12 or on PyPI; the row follows MySQL's reference manual",
        ),
    },
    mariadb_cli(
        Family::MariadbCli113,
        "MariaDB ≤ 11.3",
        false,
        "mariadb, mariadb-dump, mariadb-admin, … up to 11.3",
        Proof::EndToEnd("mariadb, mariadb-dump, mariadb-admin 10.11 (Debian 12)"),
    ),
    mariadb_cli(
        Family::MariadbCli114,
        "MariaDB ≥ 11.4",
        true,
        "mariadb, mariadb-dump, mariadb-admin, … 11.4 and later",
        Proof::Unverified(
            "MariaDB 11.4 is not packaged for Debian 12; the row follows its release notes (verification on by default)",
        ),
    ),
    Profile {
        members: "apps on MariaDB Connector/C 3.3 (python3-mysqldb, mysqlclient, the mariadb Python module, DBD::MariaDB, DBD::mysql, ruby-mysql2); on 3.4, mysqlclient ≥ 2.2 and the mariadb Python module, which switch 3.4's verification default off",
        proof: Proof::EndToEnd(
            "python3-mysqldb 1.4.6, pip mysqlclient, pip mariadb, DBD::MariaDB, DBD::mysql, ruby-mysql2, on Debian 12's libmariadb 3.3 (the same apps on 3.4 are not run here: that part of the row follows their release notes, unverified)",
        ),
        ..library(
            Family::ConnectorC,
            "Connector/C 3.3 apps",
            CONNECTOR_C_GROUPS,
            Reads::Chain,
            Booleans::Atoi,
            TlsModel::ConnectorC {
                verify_default: false,
            },
        )
    },
    Profile {
        members: "apps on MariaDB Connector/C 3.4 and later that keep its defaults (DBD::MariaDB, ruby-mysql2, python3-mysqldb 1.4)",
        proof: Proof::Unverified(
            "Connector/C 3.4 is not packaged for Debian 12; the row follows its release notes (verification on by default)",
        ),
        ..library(
            Family::ConnectorC34,
            "Connector/C 3.4 apps",
            CONNECTOR_C_GROUPS,
            Reads::Chain,
            Booleans::Atoi,
            TlsModel::ConnectorC {
                verify_default: true,
            },
        )
    },
    pymysql_like(
        Family::Pymysql,
        "PyMySQL ≥ 1.2",
        TlsModel::AnyTlsOption {
            enforces: true,
            prefers: true,
        },
        "PyMySQL 1.2 and later, connect(read_default_file=…)",
        Proof::EndToEnd("PyMySQL from PyPI (current release)"),
    ),
    pymysql_like(
        Family::PymysqlOld,
        "PyMySQL < 1.2",
        TlsModel::AnyTlsOption {
            enforces: false,
            prefers: false,
        },
        "PyMySQL 1.0 and 1.1 (Debian 12's python3-pymysql is 1.0.2), connect(read_default_file=…)",
        Proof::EndToEnd("Debian 12's python3-pymysql 1.0.2"),
    ),
    pymysql_like(
        Family::Asyncmy,
        "asyncmy",
        TlsModel::AnyTlsOption {
            enforces: true,
            prefers: false,
        },
        "asyncmy, connect(read_default_file=…)",
        Proof::EndToEnd("asyncmy from PyPI"),
    ),
    Profile {
        fix: "pass ssl=ssl.create_default_context(cafile=…) to connect()",
        ..pymysql_like(
            Family::Aiomysql,
            "aiomysql",
            TlsModel::IgnoresTls { tls: 0 },
            "aiomysql, connect(read_default_file=…)",
            Proof::EndToEnd("aiomysql from PyPI"),
        )
    },
    Profile {
        fix: "pass --ssl-ca and --ssl-verify-server-cert on mycli's command line",
        members: "mycli 1.x, the last versions that read ~/.my.cnf",
        proof: Proof::EndToEnd("mycli 1.76 from PyPI, given the file with --defaults-file"),
        ..library(
            Family::Mycli,
            "mycli 1.x",
            &[group::CLIENT],
            Reads::Chain,
            Booleans::PythonLiteral,
            TlsModel::IgnoresTls { tls: 1 },
        )
    },
    connector_python(Family::ConnectorPython, "Connector/Python pure", true),
    connector_python(Family::ConnectorPythonCext, "Connector/Python C ext", false),
    Profile {
        fix: "set MYSQL_OPT_SSL_MODE to SSL_MODE_VERIFY_IDENTITY with mysql_options(); ssl-mode is not read from option files",
        members: "applications on Oracle's libmysqlclient 8.0 and later (the library inside mysql-connector-python's C extension, PHP's and Perl's builds against it)",
        proof: Proof::EndToEnd(
            "the libmysqlclient inside mysql-connector-python's wheel, driven through ctypes",
        ),
        ..library(
            Family::Libmysqlclient,
            "libmysqlclient apps",
            &[group::CLIENT],
            Reads::Chain,
            Booleans::GetOpt,
            TlsModel::CaOnly,
        )
    },
    Profile {
        fix: "set TLS in the application (mysqli::ssl_set and MYSQLI_CLIENT_SSL, or PDO::MYSQL_ATTR_SSL_CA)",
        members: "PHP's mysqli and PDO_MySQL on mysqlnd",
        proof: Proof::EndToEnd(
            "PHP 8.2's mysqli given the file with MYSQLI_READ_DEFAULT_FILE (Debian's php-mysql): it takes nothing from it, not even the port",
        ),
        ..library(
            Family::PhpMysqlnd,
            "PHP (mysqlnd)",
            &[],
            Reads::OneFile,
            Booleans::PythonLiteral,
            TlsModel::NoOptionFiles,
        )
    },
    Profile {
        fix: "pass ssl: { ca } to the driver's connection options",
        members: "the Node.js drivers mysql, mysql2 and mariadb",
        proof: Proof::Unverified("none of them has an option-file reader"),
        ..library(
            Family::Node,
            "Node.js drivers",
            &[],
            Reads::OneFile,
            Booleans::PythonLiteral,
            TlsModel::NoOptionFiles,
        )
    },
];

/// mysql-connector-python: its two modes read the file alike and differ in what
/// `ssl-verify-cert` enforces.
const fn connector_python(family: Family, label: &'static str, cert_requires_tls: bool) -> Profile {
    Profile {
        utf8_only: true,
        members: if cert_requires_tls {
            "mysql-connector-python 8.0 and later in pure Python mode, connect(option_files=…)"
        } else {
            "mysql-connector-python 8.0 and later with its C extension, connect(option_files=…)"
        },
        proof: Proof::EndToEnd(if cert_requires_tls {
            "mysql-connector-python from PyPI, use_pure=True"
        } else {
            "mysql-connector-python from PyPI, use_pure=False (its vendored OpenSSL preloaded)"
        }),
        ..library(
            family,
            label,
            &[group::CLIENT, group::CONNECTOR_PYTHON],
            Reads::OneFile,
            Booleans::PythonLiteral,
            TlsModel::VerifyFlags { cert_requires_tls },
        )
    }
}

/// The names of the families `pred` picks, for a message: each product once ("PyMySQL,
/// asyncmy and aiomysql"), in table order.
pub fn names_of(pred: impl Fn(&Profile) -> bool) -> String {
    let mut names: Vec<&str> = Vec::new();
    for p in PROFILES.iter().filter(|p| pred(p)) {
        let product = p.label.split(' ').next().unwrap_or(p.label);
        if !names.contains(&product) {
            names.push(product);
        }
    }
    and_list(&names)
}

/// `a`, `a and b`, `a, b and c`.
pub fn and_list(names: &[&str]) -> String {
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Whether the host-name mode makes the family insist on TLS where the CA mode lets it fall
/// back to plaintext (MariaDB's programs, Connector/C, Connector/Python's C extension).
pub fn insists_with_identity(family: Family) -> bool {
    matches!(
        family.profile().tls,
        TlsModel::VerifyServerCert { .. }
            | TlsModel::ConnectorC { .. }
            | TlsModel::VerifyFlags { .. }
    )
}

impl Family {
    pub fn profile(self) -> &'static Profile {
        PROFILES
            .iter()
            .find(|p| p.family == self)
            .expect("every family has a profile")
    }
}

impl Profile {
    /// Whether the family reads options in `group` (lower case).
    pub fn reads_group(&self, group: &str) -> bool {
        self.groups.contains(&group)
    }

    /// Whether the family sees this spelling at all (a library without the option parser's
    /// prefixes ignores `loose-…` and `skip-…` lines).
    pub fn sees(&self, name: &OptionName) -> bool {
        self.prefixes || (!name.loose && name.negation.is_none())
    }

    /// Whether the line stops the family from starting.
    pub fn stops_on(&self, name: &OptionName) -> bool {
        !name.loose && self.stops_on.iter().any(|n| name.is(n))
    }

    /// Whether the family knows the option at all (it is not one it stops on).
    pub fn knows(&self, canonical: &str) -> bool {
        !self.stops_on.contains(&canonical)
    }

    /// Every group some member of the family reads: its programs' groups (`[mysqldump]`, …)
    /// besides its own.
    pub fn program_groups(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self.groups.to_vec();
        if let Some(v) = self.vendor {
            for g in programs::groups_of(&[v]) {
                if !out.contains(&g) {
                    out.push(g);
                }
            }
        }
        out
    }

    /// The options of `opts` this family reads and sees, in reading order.
    pub fn visible<'a>(&self, opts: &'a [Opt]) -> Vec<&'a Opt> {
        opts.iter()
            .filter(|o| self.reads_group(&o.group) && self.sees(&o.name))
            .collect()
    }

    /// The family's own words for stopping on `o`.
    pub fn stop_message(&self, o: &Opt) -> String {
        match self.stop {
            Stop::UnknownOption => format!("unknown option '{}'", o.raw_name),
            Stop::UnknownVariable => {
                // The value is quoted as the client quotes it, masked as every value shown is.
                let value = o.value.as_deref().unwrap_or_default();
                let value =
                    crate::diagnostic::Masked::value(o.raw_name.as_bytes(), value, &is_secret);
                format!("unknown variable '{}={}'", o.raw_name, value.lossy())
            }
        }
    }
}

/// The families a target is written for: add-ca leaves none of them stopped or with TLS
/// weakened by a line it could disable.
pub fn covered(target: Target) -> Vec<&'static Profile> {
    PROFILES
        .iter()
        .filter(|p| match target {
            Target::Mixed => true,
            Target::Mysql => p.family == Family::MysqlCli,
            Target::Mariadb => matches!(
                p.family,
                Family::MariadbCli113
                    | Family::MariadbCli114
                    | Family::ConnectorC
                    | Family::ConnectorC34
            ),
        })
        .collect()
}

/// Every group some client program of the target reads: lines there can override ours.
pub fn target_groups(target: Target, extra: Option<&str>) -> Vec<String> {
    let vendors: &[Vendor] = match target {
        Target::Mysql => &[Vendor::Mysql],
        Target::Mariadb | Target::Mixed => &[Vendor::Mysql, Vendor::Mariadb],
    };
    let mut groups: Vec<String> = programs::groups_of(vendors)
        .into_iter()
        .map(str::to_string)
        .collect();
    if let Some(g) = extra {
        groups.push(g.to_string());
    }
    groups
}

/// Every group any client family reads (the groups `check` and `add-ca` collect).
pub fn all_client_groups() -> Vec<String> {
    let mut groups = target_groups(Target::Mixed, None);
    for p in PROFILES {
        for g in p.groups {
            if !groups.iter().any(|x| x == g) {
                groups.push(g.to_string());
            }
        }
    }
    groups
}
