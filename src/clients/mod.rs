//! Every fact about the clients, as data: the client families, the groups each reads, the
//! option spellings it accepts, the lines that stop it, how it reads booleans and what each TLS
//! setting makes it do ([`outcome`]); the lines `add-ca` writes for them ([`settings`]).
//!
//! This is the only module that names a group or a TLS option. Adding a client family is one
//! entry in [`PROFILES`] (and, if it behaves like none of the others, one [`TlsModel`]) plus
//! its tests.

pub mod booleans;
pub mod names;
pub mod outcome;
pub mod programs;
pub mod settings;

use serde::Serialize;

pub use booleans::Booleans;
pub use names::{group, is_secret, opt};
pub use outcome::{Level, Outcome, Refusals, outcomes};
pub use programs::{Program, Vendor};
pub use settings::{Mode, Setting, Target};

use crate::optfile::{Opt, OptionName};

/// A client family: programs or applications that behave alike with an option file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Oracle's `mysql`, `mysqldump`, … 8.0 and later.
    MysqlCli,
    /// MariaDB's `mariadb`, `mariadb-dump`, … up to 11.3.
    MariadbCli113,
    /// MariaDB's programs from 11.4, which verify the server's certificate by default.
    MariadbCli114,
    /// Applications on MariaDB Connector/C (mysqlclient on Debian, DBD::MariaDB, …).
    ConnectorC,
    /// PyMySQL given the file with `read_default_file`.
    Pymysql,
    /// mysql-connector-python given the file with `option_files`, in pure Python mode.
    ConnectorPython,
    /// mysql-connector-python given the file with `option_files`, with its C extension (Oracle's
    /// libmysqlclient underneath): verifying the CA does not make it insist on TLS.
    ConnectorPythonCext,
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
    /// As [`TlsModel::VerifyServerCert`], for the library, whose default changed in 3.4.
    ConnectorC,
    /// Any TLS option turns TLS on and `ssl-ca` verifies chain and host (PyMySQL).
    AnyTlsOption,
    /// `ssl-verify-cert` and `ssl-verify-identity` decide (Connector/Python); `ssl-ca` alone
    /// verifies nothing. `cert_requires_tls`: `ssl-verify-cert` alone makes it refuse a server
    /// without TLS (pure mode; the C extension then falls back to plaintext, and only
    /// `ssl-verify-identity` makes it insist).
    VerifyFlags { cert_requires_tls: bool },
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
const fn mariadb_cli(family: Family, label: &'static str, verify_default: bool) -> Profile {
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
    },
    mariadb_cli(Family::MariadbCli113, "MariaDB ≤ 11.3", false),
    mariadb_cli(Family::MariadbCli114, "MariaDB ≥ 11.4", true),
    Profile {
        family: Family::ConnectorC,
        label: "Connector/C apps",
        groups: CONNECTOR_C_GROUPS,
        reads: Reads::Chain,
        prefixes: false,
        booleans: Booleans::Atoi,
        stops_on: &[],
        stop: Stop::UnknownVariable,
        stop_reason: "",
        vendor: None,
        warns_on_loose: false,
        strict_ini: false,
        utf8_only: false,
        tls: TlsModel::ConnectorC,
    },
    Profile {
        family: Family::Pymysql,
        label: "PyMySQL",
        groups: &[group::CLIENT],
        reads: Reads::OneFile,
        prefixes: false,
        booleans: Booleans::PythonLiteral,
        stops_on: &[],
        stop: Stop::UnknownVariable,
        stop_reason: "",
        vendor: None,
        warns_on_loose: false,
        strict_ini: true,
        utf8_only: false,
        tls: TlsModel::AnyTlsOption,
    },
    connector_python(Family::ConnectorPython, "Connector/Python pure", true),
    connector_python(Family::ConnectorPythonCext, "Connector/Python C ext", false),
];

/// mysql-connector-python: its two modes read the file alike and differ in what
/// `ssl-verify-cert` enforces.
const fn connector_python(family: Family, label: &'static str, cert_requires_tls: bool) -> Profile {
    Profile {
        family,
        label,
        groups: &[group::CLIENT, group::CONNECTOR_PYTHON],
        reads: Reads::OneFile,
        prefixes: false,
        booleans: Booleans::PythonLiteral,
        stops_on: &[],
        stop: Stop::UnknownVariable,
        stop_reason: "",
        vendor: None,
        warns_on_loose: false,
        strict_ini: false,
        utf8_only: true,
        tls: TlsModel::VerifyFlags { cert_requires_tls },
    }
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
            Stop::UnknownVariable => format!("unknown variable '{}={}'", o.raw_name, o.value_str()),
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
                Family::MariadbCli113 | Family::MariadbCli114 | Family::ConnectorC
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
