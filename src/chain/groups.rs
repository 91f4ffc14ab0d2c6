//! Which option groups each client reads, and group-name matching.

/// A set of group names, matched as the reader matches them: whole names, Latin-1
/// case-insensitive, `-` and `_` distinct.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupSet {
    names: Vec<Vec<u8>>,
}

impl GroupSet {
    /// The groups, plus each group with `suffix` appended (`--defaults-group-suffix`).
    pub fn new<I, S>(groups: I, suffix: Option<&[u8]>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        let mut names: Vec<Vec<u8>> = groups.into_iter().map(|g| g.as_ref().to_vec()).collect();
        if let Some(suffix) = suffix {
            let extra: Vec<Vec<u8>> = names
                .iter()
                .map(|g| [g.as_slice(), suffix].concat())
                .collect();
            names.extend(extra);
        }
        GroupSet { names }
    }

    pub fn names(&self) -> &[Vec<u8>] {
        &self.names
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Whether a header's group name (trailing blanks already removed) is one of the set.
    pub fn matches(&self, header: &[u8]) -> bool {
        !header.is_empty() && self.names.iter().any(|g| same_group(header, g))
    }
}

/// Latin-1 upper case, as the reader's `find_type` compares.
fn latin1_upper(b: u8) -> u8 {
    match b {
        b'a'..=b'z' => b - 32,
        0xE0..=0xFE if b != 0xF7 => b - 32,
        _ => b,
    }
}

fn same_group(header: &[u8], wanted: &[u8]) -> bool {
    if header.len() < wanted.len() {
        return false;
    }
    let (head, tail) = header.split_at(wanted.len());
    head.iter()
        .zip(wanted)
        .all(|(&a, &b)| latin1_upper(a) == latin1_upper(b))
        && tail.iter().all(|&b| b == b' ')
}

/// The product whose clients read the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    MariaDb,
    MySql,
}

/// The groups a program reads, in the order it lists them (`--help`). `None` for a program we
/// do not know.
pub fn client_groups(family: Family, program: &str) -> Option<Vec<&'static str>> {
    let tool: &[&str] = match (family, program) {
        (Family::MariaDb, "mariadb" | "mysql") => &["mysql", "mariadb-client"],
        (Family::MariaDb, "mariadb-dump" | "mysqldump") => &["mysqldump", "mariadb-dump"],
        (Family::MariaDb, "mariadb-admin" | "mysqladmin") => &["mysqladmin", "mariadb-admin"],
        (Family::MariaDb, "mariadb-check" | "mysqlcheck") => &["mysqlcheck", "mariadb-check"],
        (Family::MariaDb, "mariadb-import" | "mysqlimport") => &["mysqlimport", "mariadb-import"],
        (Family::MariaDb, "mariadb-show" | "mysqlshow") => &["mysqlshow", "mariadb-show"],
        (Family::MariaDb, "mariadb-binlog" | "mysqlbinlog") => &["mysqlbinlog", "mariadb-binlog"],
        (Family::MariaDb, "mariadb-slap" | "mysqlslap") => &["mysqlslap", "mariadb-slap"],
        (Family::MariaDb, "mariadb-upgrade" | "mysql_upgrade") => {
            return Some(vec![
                "client",
                "mysql_upgrade",
                "mariadb-upgrade",
                "client-server",
                "client-mariadb",
            ]);
        }
        (Family::MariaDb, "connector-c" | "libmariadb") => {
            return Some(vec!["client", "client-server", "client-mariadb"]);
        }
        (Family::MySql, p) if p.starts_with("mysql") => {
            return Some(vec![mysql_tool_group(p)?, "client"]);
        }
        (Family::MySql, "libmysqlclient") => return Some(vec!["client"]),
        _ => return None,
    };
    let mut groups = tool.to_vec();
    groups.extend(["client", "client-server", "client-mariadb"]);
    Some(groups)
}

fn mysql_tool_group(program: &str) -> Option<&'static str> {
    Some(match program {
        "mysql" => "mysql",
        "mysqldump" => "mysqldump",
        "mysqladmin" => "mysqladmin",
        "mysqlcheck" => "mysqlcheck",
        "mysqlimport" => "mysqlimport",
        "mysqlshow" => "mysqlshow",
        "mysqlbinlog" => "mysqlbinlog",
        "mysqlslap" => "mysqlslap",
        _ => return None,
    })
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
        "client-server".into(),
        "galera".into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_match_case_insensitively_and_exactly() {
        let set = GroupSet::new(["client"], None);
        assert!(set.matches(b"CLIENT"));
        assert!(set.matches(b"Client"));
        assert!(!set.matches(b"clien"));
        assert!(!set.matches(b" client"));
        assert!(!set.matches(b"client x"));
        assert!(!set.matches(b""));
    }

    #[test]
    fn dash_and_underscore_differ_in_group_names() {
        let set = GroupSet::new(["client-server"], None);
        assert!(!set.matches(b"client_server"));
    }

    #[test]
    fn suffix_adds_a_second_group_per_group() {
        let set = GroupSet::new(["client"], Some(b"_x"));
        assert!(set.matches(b"client_x"));
        assert!(set.matches(b"client"));
    }

    #[test]
    fn mariadb_cli_reads_mysql_and_mariadb_groups() {
        assert_eq!(
            client_groups(Family::MariaDb, "mariadb").unwrap(),
            [
                "mysql",
                "mariadb-client",
                "client",
                "client-server",
                "client-mariadb"
            ]
        );
        assert_eq!(
            client_groups(Family::MySql, "mysqldump").unwrap(),
            ["mysqldump", "client"]
        );
    }
}
