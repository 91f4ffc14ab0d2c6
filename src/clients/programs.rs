//! The programs and libraries that read option files, and the groups each reads, in the order
//! it lists them (`--help`). The group lists every other module uses are derived from here.

use super::names::group::{CLIENT, CLIENT_MARIADB, CLIENT_SERVER, MARIADB_CLIENT, MYSQL};

pub use crate::chain::Vendor;

/// A program (or library) and the groups it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Program {
    pub vendor: Vendor,
    /// Its names; the first is the one it has today.
    pub names: &'static [&'static str],
    pub groups: &'static [&'static str],
}

const fn mariadb(names: &'static [&'static str], groups: &'static [&'static str]) -> Program {
    Program {
        vendor: Vendor::Mariadb,
        names,
        groups,
    }
}

const fn mysql(names: &'static [&'static str], groups: &'static [&'static str]) -> Program {
    Program {
        vendor: Vendor::Mysql,
        names,
        groups,
    }
}

/// Every program whose groups matter for TLS. Oracle's come first: a name such as `mysqldump`
/// means Oracle's program; MariaDB's still answer to it (as an alias) where Oracle has none.
pub const PROGRAMS: &[Program] = &[
    mysql(&["mysql"], &[MYSQL, CLIENT]),
    mysql(&["mysqldump"], &["mysqldump", CLIENT]),
    mysql(&["mysqladmin"], &["mysqladmin", CLIENT]),
    mysql(&["mysqlcheck"], &["mysqlcheck", CLIENT]),
    mysql(&["mysqlimport"], &["mysqlimport", CLIENT]),
    mysql(&["mysqlshow"], &["mysqlshow", CLIENT]),
    mysql(&["mysqlbinlog"], &["mysqlbinlog", CLIENT]),
    mysql(&["mysqlslap"], &["mysqlslap", CLIENT]),
    mysql(&["libmysqlclient"], &[CLIENT]),
    mariadb(
        &["mariadb", "mysql"],
        &[MYSQL, MARIADB_CLIENT, CLIENT, CLIENT_SERVER, CLIENT_MARIADB],
    ),
    mariadb(
        &["mariadb-dump", "mysqldump"],
        &[
            "mysqldump",
            "mariadb-dump",
            CLIENT,
            CLIENT_SERVER,
            CLIENT_MARIADB,
        ],
    ),
    mariadb(
        &["mariadb-admin", "mysqladmin"],
        &[
            "mysqladmin",
            "mariadb-admin",
            CLIENT,
            CLIENT_SERVER,
            CLIENT_MARIADB,
        ],
    ),
    mariadb(
        &["mariadb-check", "mysqlcheck"],
        &[
            "mysqlcheck",
            "mariadb-check",
            CLIENT,
            CLIENT_SERVER,
            CLIENT_MARIADB,
        ],
    ),
    mariadb(
        &["mariadb-import", "mysqlimport"],
        &[
            "mysqlimport",
            "mariadb-import",
            CLIENT,
            CLIENT_SERVER,
            CLIENT_MARIADB,
        ],
    ),
    mariadb(
        &["mariadb-show", "mysqlshow"],
        &[
            "mysqlshow",
            "mariadb-show",
            CLIENT,
            CLIENT_SERVER,
            CLIENT_MARIADB,
        ],
    ),
    mariadb(
        &["mariadb-binlog", "mysqlbinlog"],
        &[
            "mysqlbinlog",
            "mariadb-binlog",
            CLIENT,
            CLIENT_SERVER,
            CLIENT_MARIADB,
        ],
    ),
    mariadb(
        &["mariadb-slap", "mysqlslap"],
        &[
            "mysqlslap",
            "mariadb-slap",
            CLIENT,
            CLIENT_SERVER,
            CLIENT_MARIADB,
        ],
    ),
    mariadb(
        &["mariadb-upgrade", "mysql_upgrade"],
        &[
            CLIENT,
            "mysql_upgrade",
            "mariadb-upgrade",
            CLIENT_SERVER,
            CLIENT_MARIADB,
        ],
    ),
    mariadb(
        &["connector-c", "libmariadb"],
        &[CLIENT, CLIENT_SERVER, CLIENT_MARIADB],
    ),
];

/// The program called `name` (Oracle's first for the `mysql…` names they share).
pub fn program(name: &str) -> Option<&'static Program> {
    PROGRAMS.iter().find(|p| p.names.contains(&name))
}

/// Every group some program of these vendors reads, each once, in table order.
pub fn groups_of(vendors: &[Vendor]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for p in PROGRAMS.iter().filter(|p| vendors.contains(&p.vendor)) {
        for g in p.groups {
            if !out.contains(g) {
                out.push(g);
            }
        }
    }
    out
}

/// The groups the MariaDB server reads (`my_print_defaults --mysqld`), for a server version
/// such as `10.11`.
pub fn server_groups(version: &str) -> Vec<String> {
    vec![
        "mysqld".into(),
        "server".into(),
        format!("mysqld-{version}"),
        "mariadb".into(),
        format!("mariadb-{version}"),
        "mariadbd".into(),
        format!("mariadbd-{version}"),
        CLIENT_SERVER.into(),
        "galera".into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mariadb_cli_reads_mysql_and_mariadb_groups() {
        assert_eq!(
            program("mariadb").unwrap().groups,
            [
                "mysql",
                "mariadb-client",
                "client",
                "client-server",
                "client-mariadb"
            ]
        );
        assert_eq!(
            program("mysqldump").unwrap().groups,
            ["mysqldump", "client"]
        );
        assert_eq!(program("mysqldump").unwrap().vendor, Vendor::Mysql);
    }

    #[test]
    fn oracle_programs_never_read_mariadb_groups() {
        let mysql = groups_of(&[Vendor::Mysql]);
        assert!(!mysql.contains(&CLIENT_MARIADB));
        assert!(!mysql.contains(&CLIENT_SERVER));
        let all = groups_of(&[Vendor::Mysql, Vendor::Mariadb]);
        assert_eq!(all.len(), 21);
    }
}
