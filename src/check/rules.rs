//! Every rule `check` has: its code, its severity and what it finds, in one place. The table
//! in docs/check-rules.md and the rules of `check --format sarif` are made from it; a test
//! keeps every code the rules emit in it.

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub code: &'static str,
    /// Its severity; `Both` for a rule whose findings are errors or warnings by case.
    pub severity: Levels,
    /// What it finds, in one sentence (Markdown: `code` spans).
    pub what: &'static str,
}

/// The severity a rule's findings have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Levels {
    Error,
    Warning,
    /// Errors or warnings, by case (the text says which).
    Both,
}

const fn rule(code: &'static str, severity: Levels, what: &'static str) -> Rule {
    Rule {
        code,
        severity,
        what,
    }
}

use Levels::{Both, Error, Warning};

/// The rules, in the order of the documentation.
pub const RULES: &[Rule] = &[
    rule(
        "MC101",
        Error,
        "option before the first group header (every client refuses the file)",
    ),
    rule("MC102", Error, "group header without `]`"),
    rule(
        "MC103",
        Error,
        "UTF-8 byte-order mark at the start (read as an option before any group)",
    ),
    rule(
        "MC104",
        Warning,
        "CR-only line endings: the reader sees one line and reads nothing",
    ),
    rule(
        "MC105",
        Warning,
        "line longer than 4094 bytes: the reader cuts it and reads the rest as a new line",
    ),
    rule(
        "MC106",
        Error,
        "`!includedir` of a folder that cannot be read (fatal in a top-level file)",
    ),
    rule("MC107", Error, "`!include`/`!includedir` without a path"),
    rule(
        "MC108",
        Warning,
        "a comment or quotes in an include path (taken as part of the file name)",
    ),
    rule(
        "MC109",
        Warning,
        "relative include path (resolved against the client's working directory)",
    ),
    rule(
        "MC110",
        Warning,
        "the file ends in a directive without a newline (the reader drops the path's last byte)",
    ),
    rule(
        "MC111",
        Warning,
        "an unbalanced quote makes a `#` comment part of the value",
    ),
    rule(
        "MC112",
        Warning,
        "`;` after a value: not a comment there, part of the value",
    ),
    rule(
        "MC113",
        Warning,
        "group header with a leading space (no program reads it)",
    ),
    rule(
        "MC114",
        Warning,
        "an unknown option that looks like a misspelt TLS option (did you mean …?), where it stops no program `check` knows (a `loose-` line, a group only Oracle's programs read); where it does, MC122 reports it instead",
    ),
    rule(
        "MC115",
        Warning,
        "unknown directive (`!INCLUDE`, `!includedirx`): ignored without a word",
    ),
    rule("MC116", Error, "option with an empty name"),
    rule(
        "MC117",
        Warning,
        "include depth limit reached (an include loop?)",
    ),
    rule(
        "MC118",
        Error,
        "a required file (`--defaults-file`) is missing",
    ),
    rule(
        "MC119",
        Warning,
        "`?includedir`, a directive only from MariaDB 11.4.10",
    ),
    rule(
        "MC120",
        Error,
        "a binary file (NUL bytes in its first 64 KiB): reported once, its lines are not checked",
    ),
    rule(
        "MC121",
        Both,
        "not a regular file (a FIFO or block device: error; a folder or character device such as `/dev/null`: warning): opened without blocking and skipped unread",
    ),
    rule(
        "MC122",
        Error,
        "a line in a group a MariaDB program reads that the program does not take (an unknown option, or a prefix of two options): it stops. The finding names the programs (`database` in `[client]` stops mariadb-admin, mariadb-import, mariadb-show, mariadb-slap, mariadb-upgrade; `ssl-verify-server-certificate` stops every one). See below",
    ),
    rule(
        "MC201",
        Error,
        "world-writable file: every client ignores it",
    ),
    rule(
        "MC202",
        Warning,
        "a password in a file that other users can read",
    ),
    rule(
        "MC301",
        Warning,
        "no TLS options for a remote host: TLS only if offered, nothing verified (no host, localhost and loopback addresses need none)",
    ),
    rule(
        "MC302",
        Error,
        "TLS switched off: `ssl-mode=DISABLED`, `skip-ssl`, `ssl=0`",
    ),
    rule(
        "MC303",
        Error,
        "`ssl-mode=REQUIRED`/`PREFERRED` with `ssl-ca`: MySQL ignores the CA",
    ),
    rule(
        "MC304",
        Error,
        "`ssl-mode=VERIFY_*` without `ssl-ca` or `ssl-capath`",
    ),
    rule(
        "MC305",
        Both,
        "`ssl-ca` relative, missing, unreadable, not a usable CA (error); expiring within 30 days (warning)",
    ),
    rule(
        "MC306",
        Error,
        "a bare `ssl-mode` (or another MySQL-only option) where MariaDB clients read it: they stop",
    ),
    rule(
        "MC307",
        Error,
        "`ssl-verify-server-cert` or `ssl` where MySQL clients read it: MySQL 8 stops",
    ),
    rule(
        "MC308",
        Error,
        "`ssl-verify-server-cert` that MariaDB programs and Connector/C applications do not both read as on: `my_getopt` takes the bare name, `1`, `ON`, `TRUE` as on and anything else as off; Connector/C takes the value by `atoi` (a number whose low byte is not 0 is on; `ON`, `true` and the bare name are off). Only `=1` is on for both",
    ),
    rule(
        "MC309",
        Warning,
        "`tls-version`, `ssl-crl`, `ssl-crlpath` in `[client]` (Oracle's library lowers the app's TLS mode)",
    ),
    rule(
        "MC310",
        Error,
        "a later line weakens an earlier TLS line (both places are shown)",
    ),
    rule(
        "MC401",
        Warning,
        "a group repeated in one file (PyMySQL, asyncmy and aiomysql refuse the file; Connector/Python, measured with 26.10, reads it)",
    ),
    rule(
        "MC402",
        Warning,
        "a key repeated in one group block (PyMySQL, asyncmy and aiomysql refuse the file)",
    ),
    rule(
        "MC403",
        Error,
        "a key Connector/Python does not accept in `[connector_python]` (AttributeError)",
    ),
    rule(
        "MC404",
        Warning,
        "a line that is not UTF-8 (PyMySQL, asyncmy, aiomysql and Connector/Python refuse the file)",
    ),
    rule(
        "MC501",
        Both,
        "only with `check --probe`: what the live server says through the client table. Error: families of the target that will not connect to the host and port the files name (or `--probe=HOST[:PORT]`) with the files as written (no TLS offered where they insist, the chain does not lead to their `ssl-ca`, the certificate is not for the host), or a server that cannot be probed; warning: families that connect only in plaintext. One finding per reason, naming the families. No fixtures: tests/probe.rs proves it against real servers",
    ),
];

/// The rule with this code.
pub fn rule_of(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// The Markdown table of the rules (docs/check-rules.md).
pub fn markdown_table() -> String {
    let mut s = String::from("| code | severity | what |\n|---|---|---|\n");
    for r in RULES {
        let severity = match r.severity {
            Error => "error",
            Warning => "warning",
            Both => "error / warning",
        };
        s.push_str(&format!("| {} | {severity} | {} |\n", r.code, r.what));
    }
    s
}
