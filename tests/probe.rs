//! `mycnf-secure probe` against real listeners on 127.0.0.1: MariaDB servers started here (a
//! certificate for `localhost` only, an expired one, no TLS at all), and plain TCP listeners
//! that speak another protocol, never answer, or are not there. What probe sends is recorded
//! and must hold no user name or password.
//!
//! The server tests are ignored by default (they need mariadbd and the mariadb client);
//! scripts/test installs those and runs them. Asked to run without them, they fail.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::certs;
use common::server::{Server, Tls};

const NEEDS_SERVER: &str = "needs mariadbd (mariadb-server) and the mariadb client (mariadb-client); scripts/test installs them and runs it";

/// The user name and password in the option files probe reads: distinctive, so that a test
/// can look for them in what went over the wire.
const USER: &str = "probe_user_Zq7";
const PASSWORD: &str = "s3cret-Pw-9Xk";

fn probe(home: &Path, args: &[&str]) -> Output {
    let mut all = vec!["probe"];
    all.extend_from_slice(args);
    common::run_ours(home, &all, b"")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            common::show(&out.stdout),
            common::show(&out.stderr)
        )
    })
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The certificates: a CA, a server certificate for `localhost` only (no IP address among its
/// names), an expired one from the same CA, and a CA that signed nothing.
struct Pki {
    ca: PathBuf,
    other_ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
    expired: PathBuf,
    expired_key: PathBuf,
}

fn pki(dir: &Path) -> Pki {
    let ca = certs::root("Probe Test CA");
    let leaf = certs::server(&ca, &["localhost"]);
    let mut old = certs::leaf_params("localhost", &["localhost"]);
    certs::validity(&mut old, -60, -2);
    let expired = certs::signed(old, certs::ec_key(), &ca);
    let p = Pki {
        ca: dir.join("ca.pem"),
        other_ca: dir.join("other-ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server-key.pem"),
        expired: dir.join("expired.pem"),
        expired_key: dir.join("expired-key.pem"),
    };
    std::fs::write(&p.ca, ca.pem()).unwrap();
    std::fs::write(&p.other_ca, certs::root("Unrelated CA").pem()).unwrap();
    std::fs::write(&p.cert, leaf.pem()).unwrap();
    std::fs::write(&p.key, leaf.key_pem()).unwrap();
    std::fs::write(&p.expired, expired.pem()).unwrap();
    std::fs::write(&p.expired_key, expired.key_pem()).unwrap();
    p
}

struct Setup {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    pki: Pki,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let pki = pki(&dir);
    Setup {
        _tmp: tmp,
        dir,
        pki,
    }
}

/// The server with the certificate for `localhost`, and the account the option files name.
fn good_server_with_user(s: &Setup) -> Server {
    let server = tls_server(s, "good", false);
    let made = server.root_sql(&format!(
        "CREATE USER '{USER}'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}'; GRANT USAGE ON *.* TO '{USER}'@'127.0.0.1';"
    ));
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    server
}

fn tls_server(s: &Setup, name: &str, expired: bool) -> Server {
    let d = s.dir.join(name);
    std::fs::create_dir_all(&d).unwrap();
    let (cert, key) = if expired {
        (&s.pki.expired, &s.pki.expired_key)
    } else {
        (&s.pki.cert, &s.pki.key)
    };
    Server::start(
        &d,
        Some(Tls {
            ca: &s.pki.ca,
            cert,
            key,
        }),
    )
}

fn plain_server(s: &Setup) -> Server {
    let d = s.dir.join("plain");
    std::fs::create_dir_all(&d).unwrap();
    Server::start(&d, None)
}

/// A home folder with `~/.my.cnf` holding `body` (and the distinctive user and password).
fn home_with(dir: &Path, name: &str, body: &str) -> PathBuf {
    let home = dir.join(name);
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(
        home.join(".my.cnf"),
        format!("[client]\nuser={USER}\npassword={PASSWORD}\n{body}"),
    )
    .unwrap();
    home
}

fn row<'a>(doc: &'a serde_json::Value, family: &str) -> &'a serde_json::Value {
    doc["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["family"] == family)
        .unwrap_or_else(|| panic!("no row for {family}: {doc:#}"))
}

// ---- real servers ----

#[test]
#[ignore = "needs mariadbd (mariadb-server) and the mariadb client (mariadb-client); scripts/test installs them and runs it"]
fn a_certificate_for_localhost_passes_verify_identity_at_localhost_and_only_verify_ca_at_127_0_0_1()
{
    let _ = NEEDS_SERVER;
    let s = setup();
    let server = tls_server(&s, "good", false);
    let ca = s.pki.ca.to_str().unwrap();
    let home = home_with(&s.dir, "empty-home", "");

    let at_name = format!("localhost:{}", server.port);
    let out = probe(
        &home,
        &[
            &at_name,
            "--ca",
            ca,
            "--mode",
            "VERIFY_IDENTITY",
            "--format",
            "json",
        ],
    );
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    assert_eq!(doc["strongest_mode"], "VERIFY_IDENTITY");
    assert_eq!(doc["works"], true);
    assert_eq!(doc["probe"]["server"]["tls_offered"], true);
    assert!(
        doc["probe"]["server"]["server_version"]
            .as_str()
            .unwrap()
            .contains("MariaDB")
    );
    assert!(
        doc["probe"]["tls"]["version"]
            .as_str()
            .unwrap()
            .starts_with("TLSv1.")
    );
    assert_eq!(
        doc["probe"]["chain"][0]["san"][0], "DNS:localhost",
        "{doc:#}"
    );

    let at_ip = format!("127.0.0.1:{}", server.port);
    let out = probe(&home, &[&at_ip, "--ca", ca, "--format", "json"]);
    let doc = json(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "VERIFY_CA is the default: {doc:#}"
    );
    assert_eq!(doc["strongest_mode"], "VERIFY_CA");
    assert_eq!(doc["mode"], "VERIFY_CA");
    assert_eq!(doc["ca"]["verify_ca"]["ok"], true);
    assert_eq!(doc["ca"]["verify_identity"]["ok"], false);
    assert!(
        doc["ca"]["verify_identity"]["why"]
            .as_str()
            .unwrap()
            .contains("127.0.0.1")
    );

    let out = probe(&home, &[&at_ip, "--ca", ca, "--mode", "VERIFY_IDENTITY"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("will not work"), "{t}");
    assert!(t.contains("strongest mode that works: VERIFY_CA"), "{t}");

    // --server-name checks the name the certificate must carry instead of the address.
    let out = probe(
        &home,
        &[
            &at_ip,
            "--ca",
            ca,
            "--server-name",
            "localhost",
            "--mode",
            "VERIFY_IDENTITY",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
#[ignore = "needs mariadbd (mariadb-server) and the mariadb client (mariadb-client); scripts/test installs them and runs it"]
fn a_certificate_from_another_ca_fails_verify_ca_and_leaves_only_required() {
    let s = setup();
    let server = tls_server(&s, "good", false);
    let home = home_with(&s.dir, "home", "");
    let target = format!("localhost:{}", server.port);
    let out = probe(
        &home,
        &[
            &target,
            "--ca",
            s.pki.other_ca.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(1), "{doc:#}");
    assert_eq!(doc["strongest_mode"], "REQUIRED");
    assert_eq!(doc["ca"]["verify_ca"]["ok"], false);
    assert!(
        doc["why_not"].as_str().unwrap().contains("another CA"),
        "{doc:#}"
    );
    // The chain is still shown: what the server presented (MariaDB sends its ssl-ca after its
    // own certificate), judged by nobody.
    let chain = doc["probe"]["chain"].as_array().unwrap();
    assert_eq!(chain[0]["subject"], "CN=localhost", "{doc:#}");
    assert_eq!(chain[1]["subject"], chain[1]["issuer"], "{doc:#}");

    // The public roots did not sign it either; with them the mode judged is VERIFY_IDENTITY.
    let out = probe(&home, &[&target, "--system-roots", "--format", "json"]);
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(1), "{doc:#}");
    assert_eq!(doc["mode"], "VERIFY_IDENTITY");
    assert_eq!(doc["ca"]["source"], "--system-roots");
    assert_eq!(doc["strongest_mode"], "REQUIRED");
}

#[test]
#[ignore = "needs mariadbd (mariadb-server) and the mariadb client (mariadb-client); scripts/test installs them and runs it"]
fn an_expired_server_certificate_is_shown_expired_and_fails_verification() {
    let s = setup();
    let server = tls_server(&s, "expired", true);
    let home = home_with(&s.dir, "home", "");
    let target = format!("localhost:{}", server.port);
    let out = probe(
        &home,
        &[
            &target,
            "--ca",
            s.pki.ca.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(1), "{doc:#}");
    assert_eq!(doc["probe"]["chain"][0]["validity"], "expired");
    assert!(
        doc["why_not"].as_str().unwrap().contains("expired"),
        "{doc:#}"
    );
    assert_eq!(doc["strongest_mode"], "REQUIRED");
    let out = probe(&home, &[&target, "--ca", s.pki.ca.to_str().unwrap()]);
    assert!(text(&out).contains("EXPIRED"), "{}", text(&out));
}

#[test]
#[ignore = "needs mariadbd (mariadb-server) and the mariadb client (mariadb-client); scripts/test installs them and runs it"]
fn a_server_without_tls_fails_every_tls_mode_and_the_table_names_who_falls_back_to_plaintext() {
    let s = setup();
    let server = plain_server(&s);
    let ca = s.pki.ca.display().to_string();
    // What add-ca writes for MariaDB clients with VERIFY_CA (ssl-ca, no host check), and a host
    // and port to probe.
    let home = home_with(
        &s.dir,
        "home",
        &format!("host=127.0.0.1\nport={}\nssl-ca={ca}\n", server.port),
    );
    let out = probe(&home, &["--format", "json"]);
    let doc = json(&out);
    assert_eq!(doc["probe"]["server"]["tls_offered"], false, "{doc:#}");
    assert_eq!(doc["strongest_mode"], "none");
    // MariaDB 10.11 with ssl-ca alone: TLS if offered, so plaintext here; it connects.
    assert_eq!(row(&doc, "mariadb_cli113")["live"], "plaintext", "{doc:#}");
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    // MySQL's programs read ssl-ca alone as VERIFY_CA: they insist on TLS and fail.
    assert_eq!(row(&doc, "mysql_cli")["live"], "fails");
    assert_eq!(row(&doc, "mysql_cli")["tls"], "required");

    let target = format!("127.0.0.1:{}", server.port);
    let out = probe(&home, &[&target, "--ca", &ca]);
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out);
    assert!(t.contains("not offered: the server has no TLS"), "{t}");
    assert!(t.contains("the server offers no TLS"), "{t}");
}

#[test]
#[ignore = "needs mariadbd (mariadb-server) and the mariadb client (mariadb-client); scripts/test installs them and runs it"]
fn without_host_the_option_file_gives_host_port_ca_and_mode_and_the_real_client_agrees() {
    let s = setup();
    let server = good_server_with_user(&s);
    let ca = s.pki.ca.display().to_string();
    let other = s.pki.other_ca.display().to_string();
    // MariaDB's host-name mode (what add-ca writes for VERIFY_IDENTITY), at two host names, and
    // with a CA that did not sign the server's certificate.
    for (n, (host, ca, works)) in [
        ("localhost", &ca, true),
        ("127.0.0.1", &ca, false),
        ("localhost", &other, false),
    ]
    .into_iter()
    .enumerate()
    {
        let home = home_with(
            &s.dir,
            &format!("home-{n}"),
            &format!(
                "host={host}\nport={}\nprotocol=TCP\n[client-mariadb]\nssl-ca={ca}\nssl-verify-server-cert=1\n",
                server.port
            ),
        );
        let out = probe(&home, &["--format", "json"]);
        let doc = json(&out);
        assert_eq!(doc["host"], host);
        assert_eq!(doc["host_from"], "option files");
        assert_eq!(doc["mode"], "VERIFY_IDENTITY", "{doc:#}");
        assert_eq!(doc["works"], works, "{doc:#}");
        assert_eq!(
            out.status.code(),
            Some(if works { 0 } else { 1 }),
            "{doc:#}"
        );
        let mariadb = row(&doc, "mariadb_cli113");
        assert_eq!(
            mariadb["live"],
            if works { "connects" } else { "fails" },
            "{doc:#}"
        );
        assert_eq!(mariadb["host_checked"], true);
        // The real client, reading the same file, does what the probe said.
        let real = common::clean_command(&common::program("mariadb", "mariadb-client"), &home)
            .args(["-e", "SELECT 1"])
            .output()
            .unwrap();
        assert_eq!(
            real.status.success(),
            works,
            "mariadb at {host}: {}",
            String::from_utf8_lossy(&real.stderr)
        );
    }
}

#[test]
#[ignore = "needs mariadbd (mariadb-server), the mariadb client (mariadb-client) and PyMySQL (scripts/test's .venv); scripts/test installs them and runs it"]
fn pymysql_does_what_the_probe_says_it_will_with_the_file_as_written() {
    let py = common::pymysql_python();
    let s = setup();
    let server = good_server_with_user(&s);
    let ca = s.pki.ca.display().to_string();
    let other = s.pki.other_ca.display().to_string();
    // PyMySQL reads [client] of the file it is given: ssl-ca there verifies chain and name.
    for (n, (host, ca, works)) in [
        ("localhost", &ca, true),
        ("127.0.0.1", &ca, false),
        ("localhost", &other, false),
    ]
    .into_iter()
    .enumerate()
    {
        let home = home_with(
            &s.dir,
            &format!("py-{n}"),
            &format!("host={host}\nport={}\nssl-ca={ca}\n", server.port),
        );
        let file = home.join(".my.cnf");
        let out = probe(
            &home,
            &[
                "--client",
                "pymysql",
                "--defaults-file",
                ".my.cnf",
                "--format",
                "json",
            ],
        );
        let doc = json(&out);
        let row = row(&doc, "pymysql");
        assert_eq!(
            row["live"],
            if works { "connects" } else { "fails" },
            "{doc:#}"
        );
        assert_eq!(
            out.status.code(),
            Some(if works { 0 } else { 1 }),
            "{doc:#}"
        );
        let script = "import sys, pymysql\n\
            c = pymysql.connect(read_default_file=sys.argv[1], connect_timeout=10)\n\
            cur = c.cursor(); cur.execute(\"SHOW STATUS LIKE 'Ssl_version'\")\n\
            print(cur.fetchone()[1])\n";
        let real = std::process::Command::new(&py)
            .args(["-c", script])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(
            real.status.success(),
            works,
            "PyMySQL at {host}: {}{}",
            String::from_utf8_lossy(&real.stdout),
            String::from_utf8_lossy(&real.stderr)
        );
    }
}

#[test]
#[ignore = "needs mariadbd (mariadb-server) and the mariadb client (mariadb-client); scripts/test installs them and runs it"]
fn print_chain_prints_exactly_the_certificate_the_server_presented() {
    let s = setup();
    let server = tls_server(&s, "good", false);
    let home = home_with(&s.dir, "home", "");
    let target = format!("localhost:{}", server.port);
    let out = probe(&home, &[&target, "--print-chain", "--quiet"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let printed = String::from_utf8(out.stdout).unwrap();
    let der = |pem: &str| mycnf_secure::cert::certificates_der(pem.as_bytes());
    let file = |p: &Path| der(&std::fs::read_to_string(p).unwrap());
    // The server's certificate, then the CA MariaDB sends after it; nothing else.
    let want = [file(&s.pki.cert), file(&s.pki.ca)].concat();
    assert_eq!(der(&printed), want, "{printed}");
    assert!(
        printed.starts_with("-----BEGIN CERTIFICATE-----\n"),
        "{printed}"
    );
}

/// Relays one connection to `to`, recording every byte the client sends.
fn recording_proxy(to: u16) -> (u16, Arc<Mutex<Vec<u8>>>, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let handle = std::thread::spawn(move || {
        let (mut client, _) = listener.accept().unwrap();
        let mut server = TcpStream::connect(("127.0.0.1", to)).unwrap();
        let mut back_client = client.try_clone().unwrap();
        let mut back_server = server.try_clone().unwrap();
        let down = std::thread::spawn(move || {
            let _ = std::io::copy(&mut back_server, &mut back_client);
            let _ = back_client.shutdown(Shutdown::Write);
        });
        let mut buf = [0u8; 4096];
        loop {
            match client.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    record.lock().unwrap().extend_from_slice(&buf[..n]);
                    if server.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = server.shutdown(Shutdown::Write);
        let _ = down.join();
    });
    (port, seen, handle)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
#[ignore = "needs mariadbd (mariadb-server) and the mariadb client (mariadb-client); scripts/test installs them and runs it"]
fn probe_sends_the_fixed_ssl_request_then_tls_and_never_the_user_or_password_of_the_option_file() {
    let s = setup();
    let tls = tls_server(&s, "good", false);
    let plain = plain_server(&s);
    for (server, offered) in [(&tls, true), (&plain, false)] {
        let (port, seen, handle) = recording_proxy(server.port);
        let ca = s.pki.ca.display().to_string();
        let home = home_with(
            &s.dir,
            &format!("home-{port}"),
            &format!("host=127.0.0.1\nport={port}\nssl-ca={ca}\ndatabase=probe_db_Kq2\n"),
        );
        let out = probe(&home, &["--format", "json"]);
        let doc = json(&out);
        handle.join().unwrap();
        assert_eq!(doc["probe"]["server"]["tls_offered"], offered, "{doc:#}");
        let sent = seen.lock().unwrap().clone();
        for secret in [USER, PASSWORD, "probe_db_Kq2"] {
            assert!(
                !contains(&sent, secret.as_bytes()),
                "{secret} was sent: {}",
                common::show(&sent)
            );
        }
        if !offered {
            assert!(
                sent.is_empty(),
                "to a server without TLS nothing is sent: {}",
                common::show(&sent)
            );
            continue;
        }
        // The SSL request, byte for byte, then TLS records only.
        let request = mycnf_secure::probe::protocol::ssl_request();
        assert_eq!(&sent[..36], &request[..]);
        let mut rest = &sent[36..];
        assert_eq!(rest.first(), Some(&0x16), "a TLS handshake record follows");
        while !rest.is_empty() {
            assert!(
                matches!(rest[0], 0x14..=0x17),
                "not a TLS record: {}",
                common::show(rest)
            );
            let len = u16::from_be_bytes([rest[3], rest[4]]) as usize;
            rest = &rest[5 + len..];
        }
        // The ClientHello names no one: its server name is the host probed, an address here
        // (so no SNI at all).
        assert!(!contains(&sent, b"localhost"));
    }
}

#[test]
#[ignore = "needs mariadbd (mariadb-server) and the mariadb client (mariadb-client); scripts/test installs them and runs it"]
fn add_ca_probe_writes_the_strongest_mode_the_server_passes_and_refuses_one_it_fails() {
    let s = setup();
    let server = tls_server(&s, "good", false);
    let ca = s.pki.ca.to_str().unwrap();
    let home = s.dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let file = home.join(".my.cnf");
    let start = format!("[client]\nhost=localhost\nport={}\n", server.port);
    std::fs::write(&file, &start).unwrap();
    let add_ca = |args: &[&str]| {
        let mut all = vec!["add-ca", ca, "--file", ".my.cnf"];
        all.extend_from_slice(args);
        common::run_ours(&home, &all, b"")
    };

    // The host the file names passes VERIFY_IDENTITY: that is what is written.
    let out = add_ca(&["--probe", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("strongest mode that works with this CA: VERIFY_IDENTITY"));
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("ssl-mode=VERIFY_IDENTITY"), "{written}");

    // At 127.0.0.1 the certificate's name does not match: VERIFY_IDENTITY is refused.
    std::fs::write(&file, &start).unwrap();
    let at_ip = format!("--probe=127.0.0.1:{}", server.port);
    let out = add_ca(&[&at_ip, "--mode", "VERIFY_IDENTITY", "--yes"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("the certificate is not for 127.0.0.1"),
        "{}",
        text(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        start,
        "nothing written"
    );
    // … and without --mode the mode it passes is chosen.
    let out = add_ca(&[&at_ip, "--dry-run", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc = json(&out);
    assert_eq!(doc["mode"], "VERIFY_CA");
    assert_eq!(doc["probe"]["strongest_mode"], "VERIFY_CA");
    // --force writes the refused mode, with a warning.
    let out = add_ca(&[&at_ip, "--mode", "VERIFY_IDENTITY", "--yes", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("--force: written anyway"),
        "{}",
        text(&out)
    );

    // A CA that did not sign the server's certificate: no verifying mode works.
    std::fs::write(&file, &start).unwrap();
    let mut all = vec![
        "add-ca",
        s.pki.other_ca.to_str().unwrap(),
        "--file",
        ".my.cnf",
        "--probe",
        "--yes",
    ];
    let out = common::run_ours(&home, &all, b"");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("another CA"), "{}", text(&out));
    // The public roots: only VERIFY_IDENTITY would do, and they did not sign it.
    let out = common::run_ours(
        &home,
        &[
            "add-ca",
            "--system-roots",
            "--file",
            ".my.cnf",
            "--probe",
            "--yes",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("VERIFY_IDENTITY will not work"),
        "{}",
        text(&out)
    );
    // A port nothing listens on: exit 4, nothing written.
    let closed = format!("--probe=127.0.0.1:{}", common::server::free_port());
    all[4] = &closed;
    let out = common::run_ours(&home, &all, b"");
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), start);
}

#[test]
#[ignore = "needs mariadbd (mariadb-server) and the mariadb client (mariadb-client); scripts/test installs them and runs it"]
fn check_probe_reports_the_families_that_will_not_connect_as_mc501() {
    let s = setup();
    let server = tls_server(&s, "good", false);
    let ca = s.pki.ca.display().to_string();
    for (host, fails) in [("localhost", false), ("127.0.0.1", true)] {
        let home = home_with(
            &s.dir,
            &format!("home-{host}"),
            &format!(
                "host={host}\nport={}\n[client-mariadb]\nssl-ca={ca}\nssl-verify-server-cert=1\n",
                server.port
            ),
        );
        let out = common::run_ours(
            &home,
            &[
                "check", ".my.cnf", "--target", "mariadb", "--probe", "--format", "json",
            ],
            b"",
        );
        let doc = json(&out);
        let live: Vec<&serde_json::Value> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "MC501")
            .collect();
        if fails {
            assert_eq!(out.status.code(), Some(1), "{doc:#}");
            assert_eq!(live.len(), 1, "{doc:#}");
            let msg = live[0]["message"].as_str().unwrap();
            assert!(msg.contains("MariaDB ≤ 11.3"), "{msg}");
            assert!(msg.contains("not for 127.0.0.1"), "{msg}");
        } else {
            assert!(live.is_empty(), "{doc:#}");
        }
    }
    // A server that does not answer is a finding too.
    let home = home_with(&s.dir, "home-closed", "");
    let closed = format!("--probe=127.0.0.1:{}", common::server::free_port());
    let out = common::run_ours(&home, &["check", ".my.cnf", &closed], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("MC501"), "{}", text(&out));
    assert!(text(&out).contains("connection refused"), "{}", text(&out));
}

// ---- listeners that are not MySQL servers ----

/// A listener on 127.0.0.1 that, for one connection, runs `serve`.
fn listener(serve: impl FnOnce(TcpStream) + Send + 'static) -> (u16, JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        if let Ok((s, _)) = l.accept() {
            serve(s);
        }
    });
    (port, h)
}

#[test]
fn an_ssh_server_is_named_as_another_protocol_exit_4() {
    let (port, h) = listener(|mut s| {
        s.write_all(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
            .unwrap();
        std::thread::sleep(Duration::from_millis(500));
    });
    let home = tempfile::tempdir().unwrap();
    let out = probe(home.path(), &[&format!("127.0.0.1:{port}")]);
    h.join().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let t = text(&out);
    assert!(t.contains("not a MySQL or MariaDB server"), "{t}");
    assert!(t.contains("SSH-2.0-OpenSSH_9.2p1"), "{t}");
}

#[test]
fn an_http_answer_is_named_as_another_protocol_in_json_too() {
    let (port, h) = listener(|mut s| {
        s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            .unwrap();
    });
    let home = tempfile::tempdir().unwrap();
    let out = probe(
        home.path(),
        &[&format!("127.0.0.1:{port}"), "--format", "json"],
    );
    h.join().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "not_mysql");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("HTTP/1.1 400 Bad Request")
    );
}

#[test]
fn a_listener_that_never_answers_times_out_at_the_timeout_given() {
    let (port, h) = listener(|s| {
        std::thread::sleep(Duration::from_secs(4));
        drop(s);
    });
    let home = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let out = probe(
        home.path(),
        &[&format!("127.0.0.1:{port}"), "--timeout", "0.5"],
    );
    let took = start.elapsed();
    assert_eq!(out.status.code(), Some(4));
    let t = text(&out);
    assert!(
        t.contains("timed out after 0.5s waiting for the server's greeting"),
        "{t}"
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(took >= Duration::from_millis(500), "took {took:?}");
    h.join().unwrap();
}

#[test]
fn a_server_that_trickles_its_greeting_cannot_stretch_the_timeout() {
    // One byte every 150 ms: each read is quick, the whole is not.
    let (port, h) = listener(|mut s| {
        for b in greeting(b"10.11.6-MariaDB") {
            if s.write_all(&[b]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(150));
        }
    });
    let home = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let out = probe(
        home.path(),
        &[&format!("127.0.0.1:{port}"), "--timeout", "1"],
    );
    let took = start.elapsed();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(text(&out).contains("timed out after 1s"), "{}", text(&out));
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    h.join().unwrap();
}

#[test]
fn a_server_that_stalls_in_the_tls_handshake_times_out() {
    let (port, h) = listener(|mut s| {
        s.write_all(&greeting(b"10.11.6-MariaDB")).unwrap();
        // Reads the SSL request and the ClientHello, answers nothing.
        let mut buf = [0u8; 4096];
        s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        let _ = s.read(&mut buf);
        std::thread::sleep(Duration::from_secs(2));
    });
    let home = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let out = probe(
        home.path(),
        &[
            &format!("127.0.0.1:{port}"),
            "--timeout",
            "0.8",
            "--format",
            "json",
        ],
    );
    let took = start.elapsed();
    assert_eq!(out.status.code(), Some(4));
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "timeout", "{doc:#}");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("TLS handshake"),
        "{doc:#}"
    );
    assert!(took < Duration::from_millis(1800), "took {took:?}");
    h.join().unwrap();
}

#[test]
fn a_listener_that_closes_at_once_is_reported_as_closed_exit_4() {
    let (port, h) = listener(drop);
    let home = tempfile::tempdir().unwrap();
    let out = probe(
        home.path(),
        &[&format!("127.0.0.1:{port}"), "--format", "json"],
    );
    h.join().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "closed", "{doc:#}");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("greeting"),
        "{doc:#}"
    );
}

#[test]
fn a_closed_port_is_connection_refused_exit_4() {
    let port = common::server::free_port();
    let home = tempfile::tempdir().unwrap();
    let out = probe(
        home.path(),
        &[&format!("127.0.0.1:{port}"), "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(json(&out)["error"]["code"], "connection_refused");
}

#[test]
fn a_name_that_does_not_resolve_is_a_dns_failure_exit_4() {
    let home = tempfile::tempdir().unwrap();
    let out = probe(
        home.path(),
        &["db.example.invalid", "--format", "json", "--timeout", "5"],
    );
    assert_eq!(out.status.code(), Some(4));
    let kind = json(&out)["error"]["code"].clone();
    assert!(kind == "dns" || kind == "timeout", "{kind}");
}

/// A greeting as a MariaDB server sends it, with `version` as the server version and TLS
/// offered.
fn greeting(version: &[u8]) -> Vec<u8> {
    let mut p = vec![10];
    p.extend_from_slice(version);
    p.push(0);
    p.extend_from_slice(&42u32.to_le_bytes());
    p.extend_from_slice(b"abcdefgh\0");
    p.extend_from_slice(&0xfffeu16.to_le_bytes());
    p.push(45);
    p.extend_from_slice(&2u16.to_le_bytes());
    p.extend_from_slice(&0x81bfu16.to_le_bytes());
    p.push(21);
    p.extend_from_slice(&[0; 10]);
    p.extend_from_slice(b"ijklmnopqrst\0mysql_native_password\0");
    let mut packet = (p.len() as u32).to_le_bytes()[..3].to_vec();
    packet.push(0);
    packet.extend_from_slice(&p);
    packet
}

#[test]
fn what_probe_sends_after_a_greeting_is_the_fixed_request_and_a_client_hello_without_credentials() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let (port, h) = listener(move |mut s| {
        s.write_all(&greeting(b"10.11.6-MariaDB")).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut buf = [0u8; 4096];
        // The SSL request and the whole ClientHello record; then close (no TLS server here).
        let wanted = |seen: &[u8]| {
            seen.len() >= 41 && seen.len() >= 41 + u16::from_be_bytes([seen[39], seen[40]]) as usize
        };
        while !wanted(&record.lock().unwrap()) {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => record.lock().unwrap().extend_from_slice(&buf[..n]),
            }
        }
    });
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join(".my.cnf"),
        format!("[client]\nuser={USER}\npassword={PASSWORD}\nhost=127.0.0.1\nport={port}\n"),
    )
    .unwrap();
    let out = probe(home.path(), &["--format", "json", "--timeout", "3"]);
    h.join().unwrap();
    let sent = seen.lock().unwrap().clone();
    assert_eq!(
        &sent[..36],
        &mycnf_secure::probe::protocol::ssl_request()[..]
    );
    assert_eq!(
        sent[36],
        0x16,
        "a TLS handshake record: {}",
        common::show(&sent)
    );
    assert_eq!(sent[41], 0x01, "a ClientHello");
    for secret in [USER, PASSWORD] {
        assert!(!contains(&sent, secret.as_bytes()), "{secret} was sent");
    }
    // The handshake broke off: a TLS failure the probe reports, not a hang.
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(1), "{doc:#}");
    assert!(doc["probe"]["tls_error"].is_string(), "{doc:#}");
}

#[test]
fn a_hostile_server_version_reaches_the_terminal_escaped() {
    let (port, h) = listener(|mut s| {
        s.write_all(&greeting(b"8.0\x1b]0;owned\x07\x1b[2J"))
            .unwrap();
        std::thread::sleep(Duration::from_millis(300));
    });
    let home = tempfile::tempdir().unwrap();
    let out = probe(
        home.path(),
        &[
            &format!("127.0.0.1:{port}"),
            "--color",
            "always",
            "--timeout",
            "2",
        ],
    );
    h.join().unwrap();
    let t = text(&out);
    assert!(t.contains("8.0?]0;owned??[2J"), "{t}");
    assert!(!t.contains("\x1b]"), "{t}");
    assert!(!t.contains("\x07"), "{t}");
}

#[test]
fn a_bad_target_or_client_is_bad_input_not_a_connection_error() {
    let home = tempfile::tempdir().unwrap();
    let out = probe(home.path(), &["db.example.test:0"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let out = probe(home.path(), &["--client", "nosuch", "127.0.0.1"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("mariadb_cli113"));
}

#[test]
fn a_connection_string_given_as_target_is_refused_before_any_lookup_and_its_password_not_shown() {
    // A user who pastes the provider's connection string where probe wants HOST[:PORT]: no
    // name lookup (the password would go to the resolver), no connection, no password shown.
    let secret = "Pw-in-Url-7Hq";
    let (port, h) = listener(|_| {});
    let home = tempfile::tempdir().unwrap();
    for target in [
        format!("mysql://app:{secret}@127.0.0.1:{port}/db"),
        format!("app:{secret}@tcp(127.0.0.1:{port})/db"),
        format!("app:{secret}@127.0.0.1:{port}"),
        format!("app:{secret}@localhost"),
    ] {
        for format in ["text", "json"] {
            let out = probe(
                home.path(),
                &[&target, "--format", format, "--timeout", "2"],
            );
            let t = text(&out);
            assert_eq!(out.status.code(), Some(3), "{target} {format}: {t}");
            assert!(!t.contains(secret), "{target} {format}: {t}");
            assert!(t.contains("connection string"), "{target} {format}: {t}");
        }
    }
    // Nothing connected to the listener: it is still waiting; connect once to end it.
    let _ = TcpStream::connect(("127.0.0.1", port));
    h.join().unwrap();
}

#[test]
fn an_option_file_the_clients_refuse_is_named_at_its_line_and_a_secret_in_the_reason_is_masked() {
    // The reader's reason quotes the !includedir path, which here holds a secret word: masked,
    // as show and check mask it. The JSON error names the file and the line.
    let secret = "Dir-Pw-4Rz8";
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("refused.cnf");
    std::fs::write(
        &file,
        format!("[client]\nhost=127.0.0.1\nport=1\n!includedir /nonexistent/password={secret}\n"),
    )
    .unwrap();
    let f = file.to_str().unwrap();
    for args in [
        vec!["probe", "--defaults-file", f],
        vec!["check", "--probe", "--defaults-file", f],
    ] {
        let out = common::run_ours(home.path(), &args, b"");
        let t = text(&out);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {t}");
        assert!(!t.contains(secret), "{args:?}: {t}");
        assert!(t.contains("password=*****"), "{args:?}: {t}");
        let mut json_args = args.clone();
        json_args.extend(["--format", "json"]);
        let out = common::run_ours(home.path(), &json_args, b"");
        let doc = json(&out);
        assert!(!text(&out).contains(secret), "{doc:#}");
        assert_eq!(doc["error"]["file"], f, "{doc:#}");
        assert_eq!(doc["error"]["line"], 4, "{doc:#}");
        let message = doc["error"]["message"].as_str().unwrap();
        assert!(message.contains("Can't read dir"), "{doc:#}");
    }
}

#[test]
fn an_ssl_ca_path_of_the_option_file_holding_a_secret_word_is_shown_masked() {
    // `ssl-ca=/…/password=…`: every command masks what follows `password=` in a value; probe's
    // messages that name the option file's CA too.
    let secret = "Ca-Path-Pw-3Vt";
    let home = tempfile::tempdir().unwrap();
    let write = |port: u16| {
        let file = home.path().join(format!("ca-{port}.cnf"));
        std::fs::write(
            &file,
            format!(
                "[client]\nhost=127.0.0.1\nport={port}\nssl-ca=/nonexistent/password={secret}\n"
            ),
        )
        .unwrap();
        file
    };
    // probe reads the CA before it connects: nothing needs to listen.
    let file = write(1);
    for format in ["text", "json"] {
        let out = probe(
            home.path(),
            &[
                "--defaults-file",
                file.to_str().unwrap(),
                "--format",
                format,
            ],
        );
        let t = text(&out);
        assert_eq!(out.status.code(), Some(3), "{t}");
        assert!(!t.contains(secret), "{t}");
        assert!(t.contains("password=*****"), "{t}");
    }
}

#[test]
#[ignore = "needs mariadbd (mariadb-server) and the mariadb client (mariadb-client); scripts/test installs them and runs it"]
fn check_probe_shows_an_ssl_ca_path_holding_a_secret_word_masked() {
    // check --probe judges each family's CA against the chain a server presented: a CA file
    // that cannot be read is named in MC501, masked.
    let secret = "Ca-Path-Pw-8Jd";
    let s = setup();
    let server = tls_server(&s, "good", false);
    let home = home_with(
        &s.dir,
        "home-ca-secret",
        &format!(
            "host=127.0.0.1\nport={}\nssl-ca=/nonexistent/password={secret}\n",
            server.port
        ),
    );
    let out = common::run_ours(&home, &["check", ".my.cnf", "--probe"], b"");
    let t = text(&out);
    assert!(t.contains("MC501"), "{t}");
    assert!(t.contains("the CA file /nonexistent/password=*****"), "{t}");
    assert!(!t.contains(secret), "{t}");
}
