//! End to end with real parts: a throw-away MariaDB server (Debian's mariadbd, on 127.0.0.1,
//! with certificates made here), the real `mariadb`, `mariadb-dump` and `mariadb-admin`
//! clients and PyMySQL, all reading the option file that `add-ca` wrote.
//!
//! The tests are ignored by default (they need MariaDB's server and clients, and PyMySQL);
//! scripts/test installs those and runs them. Asked to run without them, they fail.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use std::sync::Arc;

use common::certs;
use common::server::{Server, Tls};
use mycnf_secure::clients::{self, Family, Outcome};
use mycnf_secure::optfile::{Document, Opt};

fn client_program(name: &str) -> PathBuf {
    common::program(name, "mariadb-client")
}

/// The certificates: a CA, the server's (localhost, 127.0.0.1) and a CA that signed nothing.
struct Pki {
    ca: PathBuf,
    other_ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

fn pki(dir: &Path) -> Pki {
    let ca = certs::root("E2E Test CA");
    let server = certs::server(&ca, &["localhost", "127.0.0.1"]);
    let p = Pki {
        ca: dir.join("ca.pem"),
        other_ca: dir.join("other-ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server-key.pem"),
    };
    std::fs::write(&p.ca, ca.pem()).unwrap();
    std::fs::write(&p.other_ca, certs::root("Unrelated CA").pem()).unwrap();
    std::fs::write(&p.cert, server.pem()).unwrap();
    std::fs::write(&p.key, server.key_pem()).unwrap();
    p
}

/// The connection lines for user `u` on `port`.
fn connection(port: u16) -> String {
    format!("[client]\nuser = u\npassword = \"p#ss w0rd\"\nhost = 127.0.0.1\nport = {port}\n")
}

/// An option file for user `u` on `port`, then `add-ca` applied to it.
fn option_file(dir: &Path, name: &str, port: u16, ca: &Path, target: &str) -> PathBuf {
    option_file_with(dir, name, port, ca, target, "VERIFY_IDENTITY", "")
}

/// An option file for user `u` on `port` followed by `extra` lines, then `add-ca` applied to it
/// for `target` and `mode`.
fn option_file_with(
    dir: &Path,
    name: &str,
    port: u16,
    ca: &Path,
    target: &str,
    mode: &str,
    extra: &str,
) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, format!("{}{extra}", connection(port))).unwrap();
    let out = common::clean_command(&common::ours(), dir)
        .args([
            "add-ca",
            ca.to_str().unwrap(),
            "--file",
            file.to_str().unwrap(),
        ])
        .args(["--target", target, "--mode", mode, "--yes"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "add-ca: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    file
}

fn client(program: &str, file: &Path, args: &[&str]) -> Output {
    Command::new(client_program(program))
        .arg(format!("--defaults-file={}", file.display()))
        .args(args)
        .env("HOME", file.parent().unwrap())
        .output()
        .unwrap()
}

fn mariadb_ssl_version(file: &Path) -> Output {
    client(
        "mariadb",
        file,
        &["-N", "-e", "SHOW STATUS LIKE 'Ssl_version'"],
    )
}

/// No "unknown variable/option" error; the documented `loose-` warning is allowed.
fn assert_no_unknown_option(out: &Output, what: &str) {
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        if line.contains("unknown variable") || line.contains("unknown option") {
            assert!(
                line.starts_with("Warning:") && line.contains("loose-ssl-mode"),
                "{what}: {line}"
            );
        }
    }
}

fn pymysql_ssl_version(py: &Path, file: &Path) -> Output {
    let script = "import sys, pymysql\n\
        c = pymysql.connect(read_default_file=sys.argv[1], connect_timeout=10)\n\
        cur = c.cursor(); cur.execute(\"SHOW STATUS LIKE 'Ssl_version'\")\n\
        print(cur.fetchone()[1])\n";
    Command::new(py)
        .args(["-c", script])
        .arg(file)
        .output()
        .unwrap()
}

/// Two throw-away servers (one with TLS, one without) with user `u` (who must use TLS on the
/// first), and the certificates.
struct Setup {
    // Fields drop in order: the servers stop before their folder is removed.
    tls: Server,
    plain: Server,
    pki: Pki,
    dir: PathBuf,
    _tmp: tempfile::TempDir,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let pki = pki(&dir);
    std::fs::create_dir(dir.join("tls")).unwrap();
    std::fs::create_dir(dir.join("plain")).unwrap();
    let tls = Server::start(
        &dir.join("tls"),
        Some(Tls {
            ca: &pki.ca,
            cert: &pki.cert,
            key: &pki.key,
        }),
    );
    let plain = Server::start(&dir.join("plain"), None);
    for (server, require) in [(&tls, " REQUIRE SSL"), (&plain, "")] {
        let out = server.root_sql(&format!(
            "CREATE USER 'u'@'127.0.0.1' IDENTIFIED BY 'p#ss w0rd'{require}; GRANT ALL ON *.* TO 'u'@'127.0.0.1';"
        ));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Setup {
        tls,
        plain,
        pki,
        dir,
        _tmp: tmp,
    }
}

#[test]
#[ignore = "needs mariadbd (mariadb-server) and the mariadb clients (mariadb-client); scripts/test installs them and runs it"]
fn clients_reading_the_file_add_ca_wrote_verify_the_server_and_refuse_the_rest() {
    let Setup {
        dir,
        pki,
        tls,
        plain,
        ..
    } = &setup();
    let dir = dir.as_path();
    for target in ["mixed", "mariadb"] {
        // The right CA: connected, and over TLS.
        let good = option_file(
            dir,
            &format!("good-{target}.cnf"),
            tls.port,
            &pki.ca,
            target,
        );
        let out = mariadb_ssl_version(&good);
        assert!(
            out.status.success(),
            "{target}: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&good).unwrap()
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("TLSv1."),
            "{target}: not TLS"
        );
        assert_no_unknown_option(&out, "mariadb");
        for (program, args) in [
            ("mariadb-admin", &["ping"][..]),
            ("mariadb-dump", &["--no-data", "mysql", "db"][..]),
        ] {
            let out = client(program, &good, args);
            assert!(
                out.status.success(),
                "{program} {target}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_no_unknown_option(&out, program);
        }

        // A different CA: refused.
        let wrong = option_file(
            dir,
            &format!("wrong-{target}.cnf"),
            tls.port,
            &pki.other_ca,
            target,
        );
        let out = mariadb_ssl_version(&wrong);
        assert!(
            !out.status.success(),
            "{target}: connected with the wrong CA"
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("certificate"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );

        // A server without TLS: refused, although the user would be let in without it.
        let downgrade = option_file(
            dir,
            &format!("plain-{target}.cnf"),
            plain.port,
            &pki.ca,
            target,
        );
        let out = mariadb_ssl_version(&downgrade);
        assert!(!out.status.success(), "{target}: connected without TLS");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("SSL is required"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
#[ignore = "needs mariadbd (mariadb-server), mariadb (mariadb-client) and PyMySQL ($MYCNF_TEST_PYTHON); scripts/test installs them and runs it"]
fn pymysql_reading_the_file_add_ca_wrote_verifies_the_server_and_refuses_the_rest() {
    let py = common::pymysql_python();
    let Setup {
        dir,
        pki,
        tls,
        plain,
        ..
    } = &setup();
    // PyMySQL reads [client]: the mixed target's files.
    let good = option_file(dir, "good.cnf", tls.port, &pki.ca, "mixed");
    let out = pymysql_ssl_version(&py, &good);
    assert!(
        out.status.success(),
        "PyMySQL: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("TLSv1."));
    let wrong = option_file(dir, "wrong.cnf", tls.port, &pki.other_ca, "mixed");
    let out = pymysql_ssl_version(&py, &wrong);
    assert!(!out.status.success(), "PyMySQL connected with the wrong CA");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("CERTIFICATE_VERIFY_FAILED"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let downgrade = option_file(dir, "plain.cnf", plain.port, &pki.ca, "mixed");
    let out = pymysql_ssl_version(&py, &downgrade);
    assert!(!out.status.success(), "PyMySQL connected without TLS");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("SSL is required"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Connects with MySQLdb (MariaDB Connector/C underneath) using only the option file; prints
/// the TLS version, or fails.
fn mysqldb_ssl_version(py: &Path, file: &Path) -> Output {
    let script = "import sys, MySQLdb\n\
        c = MySQLdb.connect(read_default_file=sys.argv[1], connect_timeout=10)\n\
        cur = c.cursor(); cur.execute(\"SHOW STATUS LIKE 'Ssl_version'\")\n\
        v = cur.fetchone()[1]\n\
        print((v.decode() if isinstance(v, bytes) else v) or 'none')\n";
    Command::new(py)
        .args(["-c", script])
        .arg(file)
        .env("HOME", file.parent().unwrap())
        .output()
        .unwrap()
}

/// The boolean rules in `clients`, checked on the real readers of the line: Connector/C
/// (`atoi`: `2` is on, `ON` and `true` are off) and the `mariadb` client (`my_getopt`: `ON` and
/// `true` are on, `2` is off). With verification on a client insists on TLS, so it refuses the
/// server without TLS; with it off it falls back to plaintext.
#[test]
#[ignore = "needs mariadbd (mariadb-server) and MySQLdb on Connector/C (python3-mysqldb); scripts/test installs them and runs it"]
fn connector_c_reads_ssl_verify_server_cert_as_the_client_knowledge_says() {
    use mycnf_secure::clients::Family;
    use mycnf_secure::optfile::OptionName;
    let py = common::mysqldb_python();
    let Setup {
        dir, pki, plain, ..
    } = &setup();
    let rule = Family::ConnectorC.profile().booleans;
    for value in ["1", "2", "ON", "true", "0"] {
        let file = dir.join(format!("verify-{value}.cnf"));
        std::fs::write(
            &file,
            format!(
                "[client]\nuser = u\npassword = \"p#ss w0rd\"\nhost = 127.0.0.1\nport = {}\nssl-ca = {}\n\n[client-mariadb]\nssl-verify-server-cert = {value}\n",
                plain.port,
                pki.ca.display()
            ),
        )
        .unwrap();
        let out = mysqldb_ssl_version(&py, &file);
        let enforced = !out.status.success();
        let said = rule.is_on(
            &OptionName::parse(b"ssl-verify-server-cert"),
            Some(value.as_bytes()),
        );
        assert_eq!(
            enforced,
            said,
            "ssl-verify-server-cert={value}: Connector/C {} TLS, the client knowledge says {}: {}{}",
            if enforced {
                "insisted on"
            } else {
                "did not insist on"
            },
            if said { "on" } else { "off" },
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if enforced {
            assert!(
                String::from_utf8_lossy(&out.stderr).contains("SSL"),
                "{value}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // The MariaDB command-line client reads the same line by my_getopt's rule.
        let cli = mariadb_ssl_version(&file);
        let cli_enforced = !cli.status.success();
        let cli_said = Family::MariadbCli113.profile().booleans.is_on(
            &OptionName::parse(b"ssl-verify-server-cert"),
            Some(value.as_bytes()),
        );
        assert_eq!(
            cli_enforced,
            cli_said,
            "ssl-verify-server-cert={value}: the mariadb client {} TLS, the client knowledge says {}: {}",
            if cli_enforced {
                "insisted on"
            } else {
                "did not insist on"
            },
            if cli_said { "on" } else { "off" },
            String::from_utf8_lossy(&cli.stderr)
        );
    }
}

/// The client table's row for a family, for the options of `file` as read in order.
fn claimed(file: &Path, family: Family) -> Outcome {
    let doc = Document::parse(std::fs::read(file).unwrap());
    let path: Arc<Path> = Arc::from(file);
    let lines = doc.lines();
    let opts: Vec<Opt> = lines
        .iter()
        .filter_map(|l| {
            let name = doc.option_name(l)?;
            let group = doc.group_name(&lines[l.group()?])?;
            let value = doc.option_value(l);
            Some(Opt::new(
                group,
                name,
                value.as_deref(),
                path.clone(),
                l.number(),
            ))
        })
        .collect();
    clients::outcomes(&opts, &opts, clients::Refusals::default())
        .into_iter()
        .find(|o| o.family == family)
        .unwrap()
}

/// MariaDB's programs switch `--ssl` on for every `ssl-*` option they read: `ssl-ca` read after
/// `skip-ssl` turns TLS back on (the user who must use TLS gets in), `skip-ssl` read after
/// `ssl-ca` turns it off (the user is refused). The client table says the same for each file.
#[test]
#[ignore = "needs mariadbd (mariadb-server) and the mariadb clients (mariadb-client); scripts/test installs them and runs it"]
fn mariadb_reads_an_ssl_option_after_skip_ssl_as_tls_back_on_as_the_client_table_says() {
    let Setup { dir, pki, tls, .. } = &setup();
    let ca = pki.ca.display();
    for (name, lines, tls_on) in [
        ("back-on.cnf", format!("skip-ssl\nssl-ca = {ca}\n"), true),
        (
            "cert-back-on.cnf",
            format!(
                "ssl = 0\nssl-ca = {ca}\nssl-cipher = ECDHE-RSA-AES256-GCM-SHA384:TLS_AES_256_GCM_SHA384\n"
            ),
            true,
        ),
        ("off.cnf", format!("ssl-ca = {ca}\nskip-ssl\n"), false),
        (
            "off-disable.cnf",
            format!("ssl-ca = {ca}\ndisable-ssl\n"),
            false,
        ),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, format!("{}{lines}", connection(tls.port))).unwrap();
        let out = mariadb_ssl_version(&file);
        let connected_over_tls =
            out.status.success() && String::from_utf8_lossy(&out.stdout).contains("TLSv1.");
        assert_eq!(
            connected_over_tls,
            tls_on,
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if !tls_on {
            assert!(
                String::from_utf8_lossy(&out.stderr).contains("Access denied"),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let row = claimed(&file, Family::MariadbCli113);
        assert_eq!(
            row.tls != Some(clients::TlsUse::Off),
            tls_on,
            "{name}: the table says {:?} ({:?})",
            row.tls,
            row.summary
        );
    }
}

/// A file with `skip-ssl` (which stops MySQL clients and switches TLS off for MariaDB's) or
/// `ssl-verify-server-cert` (gone in MySQL 8.0) in `[client]`: after add-ca for the mixed target,
/// `mariadb` connects over TLS and verifies the server (the wrong CA is refused); the moved
/// `ssl-verify-server-cert` still makes it insist on TLS (a server without TLS is refused).
#[test]
#[ignore = "needs mariadbd (mariadb-server) and the mariadb clients (mariadb-client); scripts/test installs them and runs it"]
fn after_add_ca_lines_that_switched_tls_off_in_client_no_longer_do() {
    let Setup {
        dir,
        pki,
        tls,
        plain,
        ..
    } = &setup();
    let dir = dir.as_path();
    for mode in ["VERIFY_CA", "VERIFY_IDENTITY"] {
        for (shape, extra) in [
            ("skip-ssl", "skip-ssl\n"),
            ("verify", "ssl-verify-server-cert\n"),
        ] {
            let cell = format!("{shape} {mode}");
            let good = option_file_with(
                dir,
                &format!("good-{shape}-{mode}.cnf"),
                tls.port,
                &pki.ca,
                "mixed",
                mode,
                extra,
            );
            let text = std::fs::read_to_string(&good).unwrap();
            assert!(
                !text.lines().any(|l| l == extra.trim_end()),
                "{cell}: the line is still there: {text}"
            );
            let out = mariadb_ssl_version(&good);
            assert!(
                out.status.success() && String::from_utf8_lossy(&out.stdout).contains("TLSv1."),
                "{cell}: not over TLS: {}\n{text}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_no_unknown_option(&out, &cell);
            let wrong = option_file_with(
                dir,
                &format!("wrong-{shape}-{mode}.cnf"),
                tls.port,
                &pki.other_ca,
                "mixed",
                mode,
                extra,
            );
            let out = mariadb_ssl_version(&wrong);
            assert!(!out.status.success(), "{cell}: connected with the wrong CA");
            if shape == "verify" || mode == "VERIFY_IDENTITY" {
                let downgrade = option_file_with(
                    dir,
                    &format!("plain-{shape}-{mode}.cnf"),
                    plain.port,
                    &pki.ca,
                    "mixed",
                    mode,
                    extra,
                );
                let out = mariadb_ssl_version(&downgrade);
                assert!(!out.status.success(), "{cell}: connected without TLS");
            }
        }
    }
}

/// The four servers of the client table's proof, on 127.0.0.1: `good` (a certificate from the
/// CA, for `localhost` and `127.0.0.1`), `other` (a certificate from another CA), `wrongname`
/// (from the CA, for `db.example.invalid` only) and `notls` (TLS off). User `cp` (password
/// `cpw0rd`) must use TLS on the three TLS servers and may connect without it on `notls`.
struct FourServers {
    // Fields drop in order: the servers stop before their folder is removed.
    servers: Vec<(&'static str, Server)>,
    ca: PathBuf,
    dir: PathBuf,
    _tmp: tempfile::TempDir,
}

fn four_servers() -> FourServers {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let ca = certs::root("E2E Test CA");
    let other_ca = certs::root("Another CA");
    let write = |name: &str, text: String| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let ca_file = write("ca.pem", ca.pem());
    let other_ca_file = write("other-ca.pem", other_ca.pem());
    let mut servers = Vec::new();
    for (name, issuer, sans) in [
        (
            "good",
            Some((&ca, &ca_file)),
            &["localhost", "127.0.0.1"][..],
        ),
        (
            "other",
            Some((&other_ca, &other_ca_file)),
            &["localhost", "127.0.0.1"],
        ),
        ("wrongname", Some((&ca, &ca_file)), &["db.example.invalid"]),
        ("notls", None, &[]),
    ] {
        let folder = dir.join(name);
        std::fs::create_dir(&folder).unwrap();
        let server = match issuer {
            Some((issuer, issuer_file)) => {
                let cert = certs::server(issuer, sans);
                let cert_file = write(&format!("{name}-cert.pem"), cert.pem());
                let key_file = write(&format!("{name}-key.pem"), cert.key_pem());
                Server::start(
                    &folder,
                    Some(Tls {
                        ca: issuer_file,
                        cert: &cert_file,
                        key: &key_file,
                    }),
                )
            }
            None => Server::start(&folder, None),
        };
        let require = if issuer.is_some() { " REQUIRE SSL" } else { "" };
        let out = server.root_sql(&format!(
            "CREATE USER 'cp'@'127.0.0.1' IDENTIFIED BY 'cpw0rd'{require}; GRANT ALL ON *.* TO 'cp'@'127.0.0.1';"
        ));
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        servers.push((name, server));
    }
    FourServers {
        servers,
        ca: ca_file,
        dir,
        _tmp: tmp,
    }
}

/// How one client of the proof is run on an option file.
enum Runner {
    /// A client program (MariaDB's, mycli), given the file with `--defaults-file` (as the other
    /// tests here), and the arguments that make it print its own session's `Ssl_version`.
    Program(PathBuf, &'static [&'static str]),
    /// A driver script in tests/clients/: the interpreter, the script and its first arguments,
    /// and the environment it needs.
    Script {
        interpreter: PathBuf,
        args: Vec<String>,
        env: Vec<(&'static str, String)>,
    },
}

/// One client of the proof: its name, the `family` of its row in add-ca's table, how to run it.
struct Driver {
    name: &'static str,
    family: &'static str,
    runner: Runner,
}

/// What a client did with an option file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Did {
    /// Connected over TLS (the version).
    Tls(String),
    /// Connected without TLS.
    Plain,
    /// Did not connect (the first line of the error).
    Refused(String),
}

impl Did {
    fn letter(&self) -> char {
        match self {
            Did::Tls(_) => 'T',
            Did::Plain => 'P',
            Did::Refused(_) => 'R',
        }
    }

    fn describe(&self) -> String {
        match self {
            Did::Tls(v) => format!("connected over {v}"),
            Did::Plain => "connected in plaintext".into(),
            Did::Refused(e) => format!("refused ({e})"),
        }
    }
}

fn script(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clients")
        .join(name)
        .display()
        .to_string()
}

/// Every client family installable here, with its driver; fails the test when one is missing.
fn drivers() -> Vec<Driver> {
    let venv = |module: &str| {
        common::find_venv_python_with(module).unwrap_or_else(|| {
            common::missing(
                &format!("Python module {module}"),
                "scripts/test installs it in .venv (or set MYCNF_TEST_PYTHON)",
            )
        })
    };
    let debian = |module: &str, package: &str| {
        common::find_debian_python_with(module)
            .unwrap_or_else(|| common::missing(module, &format!("install {package}")))
    };
    let python =
        |interpreter: PathBuf, driver: &str, env: Vec<(&'static str, String)>| Runner::Script {
            interpreter,
            args: vec![script("connect.py"), driver.into()],
            env,
        };
    let perl = |module: &str, package: &str, dbd: &str| Runner::Script {
        interpreter: common::find_perl_with(module)
            .unwrap_or_else(|| common::missing(module, &format!("install {package}"))),
        args: vec![script("connect.pl"), dbd.into()],
        env: vec![],
    };
    let ruby = common::find_ruby_with_mysql2()
        .unwrap_or_else(|| common::missing("ruby-mysql2", "install ruby ruby-mysql2"));
    let connector = common::connector_python();
    let preload = common::connector_python_cext_preload(&connector).unwrap_or_else(|| {
        common::missing(
            "mysql-connector-python's vendored OpenSSL",
            "reinstall mysql-connector-python from its wheel",
        )
    });
    let plugins = Path::new(preload.split(':').next().unwrap())
        .with_file_name("plugin")
        .display()
        .to_string();
    let status: &[&str] = &[
        "--connect-timeout=10",
        "-N",
        "-e",
        "SHOW STATUS LIKE 'Ssl_version'",
    ];
    // mariadb-dump and mariadb-admin cannot run a query. mariadb-dump (which has no connection
    // timeout option) dumps its own session's row of information_schema.SESSION_STATUS;
    // mariadb-admin shows the status, whose Ssl_version the server takes from the asking
    // session (and the TLS servers let `cp` in over TLS only).
    let dump: &[&str] = &[
        "--skip-lock-tables",
        "--no-create-info",
        "--compact",
        "--where=VARIABLE_NAME='SSL_VERSION'",
        "information_schema",
        "SESSION_STATUS",
    ];
    let admin: &[&str] = &["--connect-timeout=10", "extended-status"];
    let d = |name, family, runner| Driver {
        name,
        family,
        runner,
    };
    vec![
        d(
            "mariadb",
            "mariadb_cli113",
            Runner::Program(client_program("mariadb"), status),
        ),
        d(
            "mariadb-dump",
            "mariadb_cli113",
            Runner::Program(client_program("mariadb-dump"), dump),
        ),
        d(
            "mariadb-admin",
            "mariadb_cli113",
            Runner::Program(client_program("mariadb-admin"), admin),
        ),
        d(
            "python3-mysqldb",
            "connector_c",
            python(
                debian("MySQLdb", "python3-mysqldb"),
                "mysqldb_debian",
                vec![],
            ),
        ),
        d(
            "mysqlclient",
            "connector_c",
            python(venv("MySQLdb"), "mysqlclient", vec![]),
        ),
        d(
            "mariadb-python",
            "connector_c",
            python(venv("mariadb"), "mariadb", vec![]),
        ),
        d(
            "DBD::MariaDB",
            "connector_c",
            perl("DBD::MariaDB", "libdbd-mariadb-perl", "MariaDB"),
        ),
        d(
            "DBD::mysql",
            "connector_c",
            perl("DBD::mysql", "libdbd-mysql-perl", "mysql"),
        ),
        d(
            "ruby-mysql2",
            "connector_c",
            Runner::Script {
                interpreter: ruby,
                args: vec![script("connect.rb")],
                env: vec![],
            },
        ),
        d(
            "pymysql",
            "pymysql",
            python(venv("pymysql"), "pymysql", vec![]),
        ),
        d(
            "python3-pymysql",
            "pymysql_old",
            python(debian("pymysql", "python3-pymysql"), "pymysql_old", vec![]),
        ),
        d(
            "asyncmy",
            "asyncmy",
            python(venv("asyncmy"), "asyncmy", vec![]),
        ),
        d(
            "aiomysql",
            "aiomysql",
            python(venv("aiomysql"), "aiomysql", vec![]),
        ),
        d(
            "connector-python",
            "connector_python",
            python(connector.clone(), "connector_python", vec![]),
        ),
        d(
            "connector-python-cext",
            "connector_python_cext",
            python(
                connector.clone(),
                "connector_python_cext",
                vec![("LD_PRELOAD", preload.clone())],
            ),
        ),
        d(
            "mycli",
            "mycli",
            Runner::Program(
                common::find_mycli().unwrap_or_else(|| {
                    common::missing("mycli 1.x", "scripts/test installs it in .venv-mycli")
                }),
                // No ~/.myclirc of the test's (mycli writes a default one in HOME).
                &["-e", "SHOW STATUS LIKE 'Ssl_version'"],
            ),
        ),
        d(
            "php-mysqli",
            "php_mysqlnd",
            Runner::Script {
                interpreter: common::find_php_with_mysqli()
                    .unwrap_or_else(|| common::missing("PHP mysqli", "install php-cli php-mysql")),
                // Were the file ignored, no local server is reached by accident.
                args: vec![
                    "-d".into(),
                    "mysqli.default_socket=/nonexistent/mycnf-secure-test.sock".into(),
                    script("connect.php"),
                ],
                env: vec![],
            },
        ),
        d(
            "libmysqlclient",
            "libmysqlclient",
            python(
                connector,
                "libmysqlclient",
                vec![("LD_PRELOAD", preload), ("LIBMYSQL_PLUGIN_DIR", plugins)],
            ),
        ),
    ]
}

/// Runs `driver` on `file` (HOME is the file's folder); Err when the driver itself broke.
fn run_driver(driver: &Driver, file: &Path) -> Result<Did, String> {
    let home = file.parent().unwrap();
    match &driver.runner {
        Runner::Program(program, args) => {
            let out = common::clean_command(program, home)
                .arg(format!("--defaults-file={}", file.display()))
                .args(*args)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            if !out.status.success() {
                // The documented `loose-ssl-mode` warning comes first; the error follows.
                let stderr = String::from_utf8_lossy(&out.stderr);
                let error = stderr
                    .lines()
                    .chain(stdout.lines())
                    .find(|l| !l.starts_with("Warning:") && !l.trim().is_empty())
                    .unwrap_or("no error message");
                return Ok(Did::Refused(error.to_string()));
            }
            // `Ssl_version\tTLSv1.3`, `('SSL_VERSION','TLSv1.3')`, `| Ssl_version | TLSv1.3 |`.
            let line = stdout
                .lines()
                .find(|l| l.to_ascii_lowercase().contains("ssl_version"))
                .ok_or_else(|| format!("no Ssl_version row in {stdout}"))?;
            Ok(match line.split_once("TLSv1.") {
                Some((_, rest)) => Did::Tls(format!(
                    "TLSv1.{}",
                    rest.chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                )),
                None => Did::Plain,
            })
        }
        Runner::Script {
            interpreter,
            args,
            env,
        } => {
            let out = common::clean_command(interpreter, home)
                .args(args)
                .arg(file)
                .envs(env.iter().map(|(k, v)| (k, v)))
                .stdin(Stdio::null())
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout).trim().to_string();
            let broke = || {
                format!(
                    "exit {:?}: {stdout}\n{}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr)
                )
            };
            if !out.status.success() || stdout.lines().count() != 1 {
                return Err(broke());
            }
            if stdout == "plain" {
                Ok(Did::Plain)
            } else if let Some(v) = stdout.strip_prefix("tls ") {
                Ok(Did::Tls(v.to_string()))
            } else if let Some(e) = stdout.strip_prefix("refused ") {
                Ok(Did::Refused(e.to_string()))
            } else {
                Err(broke())
            }
        }
    }
}

/// What a row of the client table promises: `tls` ("off", "if_offered", "required"),
/// `ca_verified`, `host_checked`; all three null when `level` is "broken" (the client refuses
/// the file) or "unaffected" (the client reads no option file: host, port, user and password
/// never reach it, so from the file alone it reaches none of the servers).
enum Claim {
    /// Broken or unaffected: no server is reached (the level).
    Nowhere(String),
    Reads {
        tls: String,
        ca_verified: bool,
        host_checked: bool,
    },
}

impl Claim {
    fn of(row: &serde_json::Value) -> Result<Claim, String> {
        let level = row["level"].as_str().unwrap_or_default();
        if level == "broken" || level == "unaffected" {
            return Ok(Claim::Nowhere(level.to_string()));
        }
        if level != "verified" && level != "weak" {
            return Err(format!("unknown level {level:?}: {row}"));
        }
        let field = |name: &str| {
            row.get(name)
                .filter(|v| !v.is_null())
                .ok_or_else(|| format!("the row has no `{name}`: {row}"))
        };
        let tls = field("tls")?.as_str().unwrap_or_default().to_string();
        if !["off", "if_offered", "required"].contains(&tls.as_str()) {
            return Err(format!("unknown tls {tls:?}: {row}"));
        }
        let boolean = |name: &str| {
            field(name)?
                .as_bool()
                .ok_or_else(|| format!("`{name}` is not a boolean: {row}"))
        };
        Ok(Claim::Reads {
            tls,
            ca_verified: boolean("ca_verified")?,
            host_checked: boolean("host_checked")?,
        })
    }

    /// Whether `did` on `server` (one of [`four_servers`]'s) is what the row promises; the
    /// promise in words otherwise.
    fn check(&self, server: &str, did: &Did) -> Result<(), String> {
        let refused = matches!(did, Did::Refused(_));
        let (ok, says) = match self {
            Claim::Nowhere(level) => (refused, format!("refused (level {level})")),
            // The three TLS servers let `cp` in only over TLS.
            Claim::Reads { tls, .. } if tls == "off" => match server {
                "notls" => (*did == Did::Plain, "plaintext (TLS off)".to_string()),
                _ => (refused, "refused (TLS off, the account needs TLS)".into()),
            },
            Claim::Reads {
                tls,
                ca_verified,
                host_checked,
            } => {
                let (refuse, why) = match server {
                    "good" => (false, ""),
                    "other" => (*ca_verified, "CA verified"),
                    "wrongname" => (*host_checked, "host name checked"),
                    "notls" => (tls == "required", "TLS required"),
                    _ => unreachable!("{server}"),
                };
                if refuse {
                    (refused, format!("refused ({why})"))
                } else if server == "notls" {
                    (*did == Did::Plain, format!("plaintext (tls {tls})"))
                } else {
                    (
                        matches!(did, Did::Tls(v) if v.starts_with("TLSv1.")),
                        format!(
                            "connected over TLS (tls {tls}, ca_verified {ca_verified}, host_checked {host_checked})"
                        ),
                    )
                }
            }
        };
        if ok { Ok(()) } else { Err(says) }
    }
}

/// For every file add-ca writes (each target × mode), every client family installable here
/// connects to each of the four servers using that file alone, and what it did must be what
/// the row of its family in add-ca's table (`add-ca --format json`, `clients[]`) promises:
/// a broken row (the file stops the client) and an unaffected one (the client reads no option
/// file) reach no server; with `tls` off the TLS servers refuse the account and
/// the server without TLS is reached in plaintext; otherwise the good server is reached over
/// TLS, the server with another CA's certificate is refused iff `ca_verified`, the one whose
/// certificate names another host iff `host_checked`, and the one without TLS iff `tls` is
/// `required` (else it is reached in plaintext). For the mixed target (which writes
/// `[connector_python]`) the Connector/Python rows also promise CA verification, and host name
/// checks for VERIFY_IDENTITY. The measured matrix is printed (`--nocapture`).
#[test]
#[ignore = "needs mariadbd (mariadb-server), the mariadb clients and every client driver (scripts/test installs them and runs it)"]
fn every_client_family_does_what_the_client_table_says_on_four_servers() {
    let started = Instant::now();
    let drivers = drivers();
    // The families driven here are exactly those the client data says are proven end to end
    // (docs/clients.md says so per family).
    let driven: std::collections::BTreeSet<String> =
        drivers.iter().map(|d| d.family.to_string()).collect();
    let proven: std::collections::BTreeSet<String> = mycnf_secure::clients::PROFILES
        .iter()
        .filter(|p| matches!(p.proof, mycnf_secure::clients::Proof::EndToEnd(_)))
        .map(|p| {
            serde_json::to_value(p.family)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        driven, proven,
        "the drivers' families and the families the client data marks as proven end to end"
    );
    let four = four_servers();
    let dir = four.dir.as_path();
    let mut mismatches = Vec::new();
    // Every file variant: add-ca writes it, its table is kept.
    let mut files = Vec::new();
    for target in ["mixed", "mysql", "mariadb"] {
        for mode in ["VERIFY_CA", "VERIFY_IDENTITY"] {
            for (server, s) in &four.servers {
                let file = dir.join(format!("{target}-{mode}-{server}.cnf"));
                std::fs::write(
                    &file,
                    format!(
                        "[client]\nuser = cp\npassword = cpw0rd\nhost = 127.0.0.1\nport = {}\n",
                        s.port
                    ),
                )
                .unwrap();
                let out = common::clean_command(&common::ours(), dir)
                    .args(["add-ca", four.ca.to_str().unwrap(), "--file"])
                    .arg(&file)
                    .args(["--target", target, "--mode", mode, "--yes"])
                    .args(["--format", "json"])
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "add-ca {target} {mode}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(report["applied"], true);
                files.push((target, mode, *server, file, report));
            }
        }
    }
    // Every row a driver needs exists, and the mixed target's Connector/Python rows verify.
    for (target, mode, _, _, report) in &files {
        for driver in &drivers {
            let row = report["clients"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["family"] == driver.family);
            if row.is_none() {
                let line = format!(
                    "{target} {mode}: no row for family {} ({})",
                    driver.family, driver.name
                );
                if !mismatches.contains(&line) {
                    mismatches.push(line);
                }
            }
        }
        if *target == "mixed" {
            for family in ["connector_python", "connector_python_cext"] {
                let row = report["clients"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["family"] == family)
                    .unwrap();
                let claim = Claim::of(row);
                let verifies = matches!(
                    claim,
                    Ok(Claim::Reads { ca_verified: true, host_checked, .. })
                        if host_checked == (*mode == "VERIFY_IDENTITY")
                );
                if !verifies {
                    let line = format!("{target} {mode} {family}: the row does not verify: {row}");
                    if !mismatches.contains(&line) {
                        mismatches.push(line);
                    }
                }
            }
        }
    }
    // Every cell, on a few threads (most of a cell is an interpreter starting).
    let jobs: Vec<(usize, usize)> = (0..files.len())
        .flat_map(|f| (0..drivers.len()).map(move |d| (f, d)))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(&(f, d)) = jobs.get(i) else { break };
                    let did = run_driver(&drivers[d], &files[f].3);
                    results.lock().unwrap().push((f, d, did));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|&(f, d, _)| (d, f));
    let mut broke = Vec::new();
    let mut matrix = std::collections::BTreeMap::new();
    let mut cells = 0;
    for (f, d, did) in &results {
        let (target, mode, server, _, report) = &files[*f];
        let driver = &drivers[*d];
        let did = match did {
            Ok(did) => did,
            Err(e) => {
                broke.push(format!("{target} {mode} {} → {server}: {e}", driver.name));
                continue;
            }
        };
        cells += 1;
        matrix
            .entry((*d, *target, *mode))
            .or_insert_with(String::new)
            .push(did.letter());
        let Some(row) = report["clients"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["family"] == driver.family)
        else {
            continue; // said above
        };
        let claim = match Claim::of(row) {
            Ok(claim) => claim,
            Err(e) => {
                // Once per row, not once per server.
                let line = format!("{target} {mode} {}: {e}", driver.family);
                if !mismatches.contains(&line) {
                    mismatches.push(line);
                }
                continue;
            }
        };
        if let Err(says) = claim.check(server, did) {
            mismatches.push(format!(
                "{target} {mode} {}({}) → {server}: table says {says}, client did {}",
                driver.name,
                driver.family,
                did.describe()
            ));
        }
    }
    assert!(
        broke.is_empty(),
        "drivers that broke:\n{}",
        broke.join("\n")
    );
    println!("measured (good other wrongname notls; T = TLS, P = plaintext, R = refused):");
    for ((d, target, mode), letters) in &matrix {
        println!(
            "{:<22} {:<21} {target:<7} {mode:<15} {letters}",
            drivers[*d].name, drivers[*d].family
        );
    }
    println!(
        "{cells} cells, {} mismatches, {:.0?}",
        mismatches.len(),
        started.elapsed()
    );
    assert_eq!(cells, 3 * 2 * 4 * drivers.len());
    assert!(
        mismatches.is_empty(),
        "{} mismatches in {cells} cells:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// mysql-connector-python decodes an option file as UTF-8: a Latin-1 file (the fixture
/// `13-non-utf8`) stops `connect()` before any connection is tried, in both modes. add-ca's
/// table says so for both rows, with the line.
#[test]
#[ignore = "needs mysql-connector-python ($MYCNF_TEST_PYTHON); scripts/test installs it and runs it"]
fn connector_python_refuses_a_file_that_is_not_utf8_as_the_client_table_says() {
    let py = common::connector_python();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = dir.join("latin1.cnf");
    std::fs::copy(common::fixtures().join("add-ca/13-non-utf8.cnf"), &file).unwrap();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, certs::root("E2E Test CA").pem()).unwrap();
    let out = common::clean_command(&common::ours(), dir)
        .args(["add-ca", ca.to_str().unwrap(), "--file"])
        .arg(&file)
        .args(["--yes", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (family, pure) in [("connector_python", true), ("connector_python_cext", false)] {
        let row = report["clients"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["family"] == family)
            .unwrap();
        assert_eq!(row["level"], "broken", "{row}");
        assert!(
            row["summary"]
                .as_str()
                .unwrap()
                .contains("UnicodeDecodeError"),
            "{row}"
        );
        let out = Command::new(&py)
            .args([
                "-c",
                "import sys, mysql.connector as m\n\
                 try:\n    m.connect(option_files=sys.argv[1], use_pure=sys.argv[2] == 'pure', connection_timeout=2)\n\
                 except Exception as e:\n    print(type(e).__name__)\n",
            ])
            .arg(&file)
            .arg(if pure { "pure" } else { "cext" })
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "UnicodeDecodeError",
            "{family}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// What mysql-connector-python's own option-file reader (`read_option_files`, the code
/// `connect(option_files=…)` runs) gets from every fixture shape after add-ca for the mixed
/// target: `ssl_ca` exactly the CA path (quoted paths with a space and a `#` included),
/// `ssl_verify_cert` the boolean `True`, and `ssl_verify_identity` `True` for VERIFY_IDENTITY.
/// Where the client table says Connector/Python refuses the file, the reader must fail.
#[test]
#[ignore = "needs mysql-connector-python ($MYCNF_TEST_PYTHON); scripts/test installs it and runs it"]
fn connector_python_reads_back_the_lines_add_ca_wrote_in_every_shape() {
    let py = common::connector_python();
    let script = "import sys, json\n\
        from mysql.connector.optionfiles import read_option_files\n\
        try:\n    c = read_option_files(option_files=sys.argv[1])\n\
        except Exception as e:\n    print(json.dumps({'error': type(e).__name__})); sys.exit(0)\n\
        print(json.dumps({k: c.get(k) for k in ('ssl_ca', 'ssl_verify_cert', 'ssl_verify_identity')}))\n";
    let mut checked = 0;
    for shape in common::add_ca_shapes() {
        for mode in ["VERIFY_CA", "VERIFY_IDENTITY"] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path();
            common::copy_tree(&common::fixtures().join("add-ca"), dir);
            let file = if dir.join(&shape).is_dir() {
                dir.join(&shape).join("my.cnf")
            } else if shape == "00-no-file" {
                dir.join("new.cnf")
            } else {
                dir.join(format!("{shape}.cnf"))
            };
            let ca_dir = dir.join(if shape.contains("spaces-and-hash") {
                "my certs #1"
            } else {
                "ca"
            });
            std::fs::create_dir_all(&ca_dir).unwrap();
            let ca = ca_dir.join("ca.pem");
            std::fs::write(&ca, certs::root("Test Root CA").pem()).unwrap();
            let out = common::clean_command(&common::ours(), dir)
                .args(["add-ca", ca.to_str().unwrap(), "--file"])
                .arg(&file)
                .args(["--mode", mode, "--yes", "--format", "json"])
                .current_dir(dir)
                .output()
                .unwrap();
            let cell = format!("{shape} {mode}");
            if out.status.code() == Some(3) {
                // add-ca refused (a line of another file): nothing written, nothing to read.
                continue;
            }
            assert!(
                out.status.success(),
                "{cell}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let refused = report["clients"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["family"] == "connector_python")
                .any(|c| c["level"] == "broken");
            let read = Command::new(&py)
                .args(["-c", script])
                .arg(&file)
                .current_dir(file.parent().unwrap())
                .output()
                .unwrap();
            assert!(
                read.status.success(),
                "{cell}: {}",
                String::from_utf8_lossy(&read.stderr)
            );
            let got: serde_json::Value = serde_json::from_slice(&read.stdout).unwrap();
            checked += 1;
            if refused {
                assert!(
                    got.get("error").is_some(),
                    "{cell}: the table says refused, read {got}"
                );
                continue;
            }
            assert_eq!(got["ssl_ca"], ca.to_str().unwrap(), "{cell}: {got}");
            assert_eq!(got["ssl_verify_cert"], true, "{cell}: {got}");
            let identity = if mode == "VERIFY_IDENTITY" {
                serde_json::Value::Bool(true)
            } else {
                serde_json::Value::Null
            };
            assert_eq!(got["ssl_verify_identity"], identity, "{cell}: {got}");
        }
    }
    assert!(checked >= 30, "only {checked} cells checked");
}
