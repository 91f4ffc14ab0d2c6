//! The group and option names the clients know, each written once. Option names are canonical
//! (lower case, `-`), as [`crate::optfile::OptionName`] gives them.

/// Groups.
pub mod group {
    /// Read by every MySQL and MariaDB client program and library.
    pub const CLIENT: &str = "client";
    /// The `mysql`/`mariadb` command-line client (MySQL's and MariaDB's).
    pub const MYSQL: &str = "mysql";
    /// MariaDB's command-line client only.
    pub const MARIADB_CLIENT: &str = "mariadb-client";
    /// MariaDB clients and servers.
    pub const CLIENT_SERVER: &str = "client-server";
    /// MariaDB client programs and Connector/C only: Oracle's programs never read it.
    pub const CLIENT_MARIADB: &str = "client-mariadb";
    /// mysql-connector-python, when given option files.
    pub const CONNECTOR_PYTHON: &str = "connector_python";
}

/// Options.
pub mod opt {
    pub const SSL: &str = "ssl";
    pub const SSL_CA: &str = "ssl-ca";
    pub const SSL_CAPATH: &str = "ssl-capath";
    pub const SSL_CERT: &str = "ssl-cert";
    pub const SSL_KEY: &str = "ssl-key";
    pub const SSL_CIPHER: &str = "ssl-cipher";
    pub const SSL_CRL: &str = "ssl-crl";
    pub const SSL_CRLPATH: &str = "ssl-crlpath";
    pub const SSL_MODE: &str = "ssl-mode";
    pub const SSL_VERIFY_SERVER_CERT: &str = "ssl-verify-server-cert";
    pub const SSL_FP: &str = "ssl-fp";
    pub const SSL_FPLIST: &str = "ssl-fplist";
    pub const SSL_PASSPHRASE: &str = "ssl-passphrase";
    pub const SSL_PASSWORD: &str = "ssl-password";
    pub const TLS_VERSION: &str = "tls-version";
    pub const TLS_CIPHERSUITES: &str = "tls-ciphersuites";
    pub const SSL_FIPS_MODE: &str = "ssl-fips-mode";
    pub const TLS_SNI_SERVERNAME: &str = "tls-sni-servername";
    pub const SSL_SESSION_DATA: &str = "ssl-session-data";
    /// Connector/Python's switches.
    pub const SSL_VERIFY_CERT: &str = "ssl-verify-cert";
    pub const SSL_VERIFY_IDENTITY: &str = "ssl-verify-identity";
    pub const HOST: &str = "host";
    pub const PORT: &str = "port";
    pub const SOCKET: &str = "socket";
    pub const USER: &str = "user";
    pub const PASSWORD: &str = "password";
    pub const DATABASE: &str = "database";
    /// `protocol=TCP` makes the programs use TCP for `localhost` too (else the Unix socket).
    pub const PROTOCOL: &str = "protocol";
    /// `loose-` written in front of a name: the option parser ignores an unknown option with a
    /// warning instead of stopping.
    pub const LOOSE_PREFIX: &str = "loose-";
}

/// Options only MySQL clients know: every MariaDB client stops on them (unknown variable).
pub const MYSQL_ONLY: &[&str] = &[
    opt::SSL_MODE,
    opt::TLS_CIPHERSUITES,
    opt::SSL_FIPS_MODE,
    opt::TLS_SNI_SERVERNAME,
    opt::SSL_SESSION_DATA,
];

/// Options MySQL 8.0 removed: its clients stop on them (unknown option).
pub const REMOVED_IN_MYSQL8: &[&str] = &[opt::SSL_VERIFY_SERVER_CERT, opt::SSL];

/// Options that switch `--ssl` on in MariaDB's programs when they are read (`sslopt-case.h`):
/// one read after `skip-ssl` turns TLS back on.
pub const IMPLY_SSL_IN_MARIADB: &[&str] = &[
    opt::SSL_KEY,
    opt::SSL_CERT,
    opt::SSL_CA,
    opt::SSL_CAPATH,
    opt::SSL_CIPHER,
    opt::SSL_CRL,
    opt::SSL_CRLPATH,
    opt::TLS_VERSION,
    opt::SSL_FP,
    opt::SSL_FPLIST,
];

/// Options that, in `[client]`, make Oracle's client library lower an application's TLS mode
/// to PREFERRED.
pub const LOWERS_ORACLE_LIBRARY_MODE: &[&str] = &[opt::TLS_VERSION, opt::SSL_CRL, opt::SSL_CRLPATH];

/// TLS option names some client knows: a near miss of one of these is reported as a typo.
pub const TLS_OPTIONS: &[&str] = &[
    opt::SSL,
    opt::SSL_CA,
    opt::SSL_CAPATH,
    opt::SSL_CERT,
    opt::SSL_KEY,
    opt::SSL_CIPHER,
    opt::SSL_CRL,
    opt::SSL_CRLPATH,
    opt::SSL_MODE,
    opt::SSL_VERIFY_SERVER_CERT,
    opt::SSL_FP,
    opt::SSL_FPLIST,
    opt::SSL_PASSPHRASE,
    opt::TLS_VERSION,
    opt::TLS_CIPHERSUITES,
];

/// The options that make PyMySQL use TLS when they are in its group.
pub const PYMYSQL_TLS_OPTIONS: &[&str] = &[
    opt::SSL_CA,
    opt::SSL_CAPATH,
    opt::SSL_CERT,
    opt::SSL_KEY,
    opt::SSL_CIPHER,
    opt::SSL_PASSWORD,
];

/// Keys Connector/Python accepts in its own group; any other raises `AttributeError`.
pub const CONNECTOR_PYTHON_KEYS: &[&str] = &[
    opt::USER,
    opt::PASSWORD,
    "passwd",
    opt::HOST,
    opt::PORT,
    opt::DATABASE,
    "db",
    "unix-socket",
    opt::SOCKET,
    "charset",
    "collation",
    "autocommit",
    "time-zone",
    "sql-mode",
    "use-pure",
    "compress",
    "connection-timeout",
    "connect-timeout",
    "read-timeout",
    "write-timeout",
    opt::SSL_CA,
    opt::SSL_CERT,
    opt::SSL_KEY,
    opt::SSL_CIPHER,
    opt::SSL_VERIFY_CERT,
    opt::SSL_VERIFY_IDENTITY,
    "ssl-disabled",
    "tls-versions",
    opt::TLS_CIPHERSUITES,
    "auth-plugin",
    "allow-local-infile",
    "client-flags",
    "buffered",
    "raw",
    "consume-results",
    "get-warnings",
    "raise-on-warnings",
    "pool-name",
    "pool-size",
    "pool-reset-session",
    "converter-class",
    "force-ipv6",
    "option-files",
    "option-groups",
    "init-command",
    "local-infile",
];

/// Whether an option name (as written) may be a TLS option: every TLS option's name holds `ssl`
/// or `tls`. A cheap test before the name is parsed.
pub fn is_tls_related(raw_name: &[u8]) -> bool {
    // `| 0x20` lower-cases an ASCII letter, and turns no other byte into `s`, `l` or `t`. It
    // runs on every option line of a file: no branch per byte.
    raw_name.windows(3).any(|w| {
        matches!(
            [w[0] | 0x20, w[1] | 0x20, w[2] | 0x20],
            [b's', b's', b'l'] | [b't', b'l', b's']
        )
    })
}

/// Whether an option (by its name as written) holds a secret: its value is masked in every
/// output unless the user asks for it.
pub fn is_secret(raw_name: &[u8]) -> bool {
    // One pass: only a `p` or an `s` can start one of the words (this runs on every value
    // `print-defaults` prints).
    let at = |i: usize, word: &[u8]| {
        raw_name
            .get(i..i + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    };
    (0..raw_name.len()).any(|i| match raw_name[i] | 0x20 {
        b'p' => at(i, b"passw") || at(i, b"passphrase"),
        b's' => at(i, b"secret"),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_holding_ssl_or_tls_in_any_case_may_be_tls_options() {
        for name in ["ssl-ca", "SSL_CA", "loose-Tls-Version", "skip-ssl", "x_tLs"] {
            assert!(is_tls_related(name.as_bytes()), "{name}");
        }
        for name in ["user", "host", "sl", "s-sl", "t l s", "S\u{13}L"] {
            assert!(!is_tls_related(name.as_bytes()), "{name}");
        }
    }

    #[test]
    fn password_like_names_are_secret() {
        assert!(is_secret(b"password"));
        assert!(is_secret(b"ssl-passphrase"));
        assert!(is_secret(b"loose_PASSWORD"));
        assert!(!is_secret(b"user"));
        assert!(is_secret(b"x-PassPhrase"));
        assert!(is_secret(b"client_SECRET"));
        assert!(is_secret(b"a passw"));
        assert!(!is_secret(b"pass"));
        assert!(!is_secret(b"secre"));
    }
}
