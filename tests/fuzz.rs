//! Fuzzing the three front ends that take hostile bytes: the option-file reader (and every
//! command's core behind it), the PEM/X.509 front end, and the connection-string parsers.
//! Each takes any input without a panic or a hang, and keeps its promise on it:
//!
//! - an option file is cut into lines and rebuilt byte for byte; the chain reader, `check` and
//!   `add-ca`'s planning finish on it; whatever add-ca plans reads back as the CA path it meant;
//! - a CA file, however damaged, gets a verdict, and a usable verdict has no error and at least
//!   one usable CA;
//! - a connection string either is refused or gives settings that `init` writes so that the
//!   reader gives every one of them back unchanged (nothing injected).
//!
//! Seeded: `MYCNF_FUZZ_SEED` (default fixed) and `MYCNF_FUZZ_CASES` (default 2,000 per target;
//! `scripts/fuzz-long` runs a million and more in release mode). A failure prints the shrunk
//! input.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use mycnf_secure::addca::{self, CaInput, Request};
use mycnf_secure::cert;
use mycnf_secure::chain::{self, ChainFile, GroupSet, SearchEnv};
use mycnf_secure::check::{self, CheckInput};
use mycnf_secure::clients::{self, Mode, Target};
use mycnf_secure::connect;
use mycnf_secure::context::Context;
use mycnf_secure::init::{self, TlsSpec};
use mycnf_secure::optfile::Document;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// 2026-11-30: the fixtures' certificates are in date.
const NOW: i64 = 1_796_000_000;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// `default` cases (the suite's fast subset) unless `MYCNF_FUZZ_CASES` says otherwise; the
/// expensive targets get a tenth of it.
fn config(default: u32, share: u32) -> Config {
    let cases = env_u64("MYCNF_FUZZ_CASES").map_or(default, |c| c as u32) / share;
    Config {
        cases: cases.max(1),
        rng_seed: RngSeed::Fixed(env_u64("MYCNF_FUZZ_SEED").unwrap_or(20_261_130)),
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/certs")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---- option files ----

/// Pieces that matter to the reader, glued at random, plus any byte at all.
fn cnf_piece() -> impl Strategy<Value = Vec<u8>> {
    const PIECES: &[&[u8]] = &[
        b"[client]",
        b"[client-mariadb]",
        b"[mysql]",
        b"[mysqld]",
        b"[",
        b"]",
        b"\n",
        b"\r\n",
        b"\r",
        b" ",
        b"\t",
        b"=",
        b" = ",
        b"'",
        b"\"",
        b"\\",
        b"\\n",
        b"\\\"",
        b"#",
        b";",
        b"password",
        b"loose-password",
        b"ssl-ca",
        b"ssl_ca",
        b"ssl-mode",
        b"skip-ssl",
        b"ssl-verify-server-cert",
        b"VERIFY_IDENTITY",
        b"user=u",
        b"!include ",
        b"!includedir ",
        b"!include self.cnf",
        b"!include inc/a.cnf",
        b"!includedir inc",
        b"!includedir .",
        b"\xef\xbb\xbf",
        b"\0",
        b"\xff\xfe",
    ];
    prop_oneof![
        8 => prop::sample::select(PIECES).prop_map(<[u8]>::to_vec),
        2 => prop::collection::vec(any::<u8>(), 1..8),
        1 => (any::<u8>(), 100usize..5000).prop_map(|(b, n)| vec![b; n]),
    ]
}

fn cnf_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(cnf_piece(), 0..60).prop_map(|v| v.concat())
}

/// A home folder with the file under test, `self.cnf`, and an include folder whose one file
/// includes `self.cnf` back.
struct Workspace {
    _dir: tempfile::TempDir,
    home: PathBuf,
    file: PathBuf,
    ctx: Context,
}

fn workspace() -> Workspace {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().to_path_buf();
    std::fs::create_dir(home.join("inc")).unwrap();
    std::fs::write(
        home.join("inc/a.cnf"),
        b"[client]\nuser=a\n!include ../self.cnf\n",
    )
    .unwrap();
    let ctx = Context {
        env: SearchEnv {
            home: Some(home.clone()),
            ..SearchEnv::default()
        },
        now: NOW,
        data_dir: Some(home.join("data")),
        ..Context::default()
    };
    Workspace {
        file: home.join("self.cnf"),
        home,
        _dir: dir,
        ctx,
    }
}

fn client_groups() -> &'static GroupSet {
    static G: OnceLock<GroupSet> = OnceLock::new();
    G.get_or_init(|| GroupSet::new(clients::all_client_groups(), None))
}

/// The last value of `name` that the reader gives for the `[client]` groups of a file.
fn last_value(file: &Path, home: &Path, name: &[u8]) -> Option<Vec<u8>> {
    let files = [ChainFile {
        path: file.to_path_buf(),
        required: true,
    }];
    let groups = GroupSet::new([clients::group::CLIENT], None);
    let (out, _, _) = chain::print_defaults_output(&groups, &files, Some(home));
    let mut prefix = b"--".to_vec();
    prefix.extend_from_slice(name);
    prefix.push(b'=');
    out.split(|&b| b == b'\n')
        .rev()
        .find_map(|l| l.strip_prefix(prefix.as_slice()))
        .map(<[u8]>::to_vec)
}

fn option_file_case(ws: &Workspace, bytes: &[u8]) -> Result<(), TestCaseError> {
    let doc = Document::parse(bytes.to_vec());
    prop_assert_eq!(doc.to_bytes(), bytes, "the document is not lossless");
    std::fs::write(&ws.file, bytes).unwrap();

    let files = vec![ChainFile {
        path: ws.file.clone(),
        required: true,
    }];
    let _ = chain::print_defaults_output(client_groups(), &files, Some(&ws.home));
    let lines = bytes.split(|&b| b == b'\n').count();
    let report = check::check(&CheckInput {
        files,
        target: Target::Mixed,
        now: NOW,
        store: None,
        home: Some(&ws.home),
        show_secrets: false,
    });
    for f in &report.findings {
        if let Some(file) = &f.file
            && file == &ws.file
        {
            let line = f.line;
            prop_assert!(
                line <= lines,
                "{} points at line {line} of a {lines}-line file",
                f.code
            );
        }
    }
    Ok(())
}

fn add_ca_case(ws: &Workspace, bytes: &[u8], target: Target) -> Result<(), TestCaseError> {
    std::fs::write(&ws.file, bytes).unwrap();
    let ca = CaInput {
        source: Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/certs/demo-ca.pem"),
        bytes: fixture("demo-ca.pem"),
        system_roots: false,
        pipe: false,
    };
    let req = Request {
        ca,
        file: ws.file.clone(),
        mode: Some(Mode::VerifyCa),
        target,
        group: None,
        install: false,
        show_secrets: false,
    };
    let Ok(p) = addca::prepare(&req, &ws.ctx) else {
        return Ok(()); // refused (a file every client refuses): a clear result
    };
    // Applying it either refuses (its read-back check: nothing written) or writes a file
    // that reads back, in [client], with the CA path it meant.
    match addca::apply(&p, false) {
        Err(addca::ApplyError::Verify(_)) => {
            prop_assert_eq!(
                std::fs::read(&ws.file).unwrap(),
                bytes,
                "refused, yet written"
            );
            return Ok(());
        }
        Err(e) => return Err(TestCaseError::fail(format!("apply failed: {e}"))),
        Ok(_) => {}
    }
    if target == Target::Mariadb {
        return Ok(());
    }
    let new = std::fs::read(&ws.file).unwrap();
    let got = last_value(&ws.file, &ws.home, b"ssl-ca");
    prop_assert_eq!(
        got.as_deref(),
        Some(p.ca_written.as_slice()),
        "the written file does not read back as the CA path:\n{}\nfrom:\n{}",
        String::from_utf8_lossy(&new),
        bytes.escape_ascii()
    );
    Ok(())
}

proptest! {
    #![proptest_config(config(2_000, 1))]

    #[test]
    fn any_option_file_is_read_and_checked_without_a_panic(bytes in cnf_bytes()) {
        thread_local!(static WS: Workspace = workspace());
        WS.with(|ws| option_file_case(ws, &bytes))?;
    }
}

proptest! {
    #![proptest_config(config(2_000, 10))]

    #[test]
    fn add_ca_on_any_option_file_refuses_or_writes_what_reads_back_as_the_ca_path(
        bytes in cnf_bytes(),
        target in prop::sample::select(&[Target::Mixed, Target::Mysql, Target::Mariadb][..]),
    ) {
        thread_local!(static WS: Workspace = workspace());
        WS.with(|ws| add_ca_case(ws, &bytes, target))?;
    }
}

// ---- CA files ----

/// A CA file damaged the ways pastes and downloads damage them.
#[derive(Debug, Clone)]
enum Damage {
    FlipByte(usize, u8),
    Base64Char(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    SwapBlocks,
    DuplicateBlock,
    Crlf,
    DropLine(usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Damage::FlipByte(i, b)),
        (any::<usize>(), prop::sample::select(B64)).prop_map(|(i, b)| Damage::Base64Char(i, b)),
        any::<usize>().prop_map(Damage::Truncate),
        (
            any::<usize>(),
            prop_oneof![
                Just(b"-----END CERTIFICATE-----\n".to_vec()),
                Just(b"-----BEGIN CERTIFICATE-----\n".to_vec()),
                Just(b"password=hunter2\n".to_vec()),
                Just(b"\0".to_vec()),
                prop::collection::vec(any::<u8>(), 1..40),
            ]
        )
            .prop_map(|(i, v)| Damage::Insert(i, v)),
        Just(Damage::SwapBlocks),
        Just(Damage::DuplicateBlock),
        Just(Damage::Crlf),
        any::<usize>().prop_map(Damage::DropLine),
    ]
}

fn pem_blocks(bytes: &[u8]) -> Vec<Vec<u8>> {
    let text = String::from_utf8_lossy(bytes);
    text.split_inclusive("-----END CERTIFICATE-----\n")
        .filter(|b| b.contains("BEGIN"))
        .map(|b| b.as_bytes().to_vec())
        .collect()
}

fn apply_damage(mut b: Vec<u8>, d: &Damage) -> Vec<u8> {
    let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
    match d {
        Damage::FlipByte(i, x) if !b.is_empty() => {
            let i = at(*i, b.len());
            b[i] ^= x | 1;
        }
        Damage::Base64Char(i, x) => {
            let body: Vec<usize> = (0..b.len())
                .filter(|&j| b[j].is_ascii_alphanumeric() && !b[..j].ends_with(b"-----"))
                .collect();
            if !body.is_empty() {
                let j = body[at(*i, body.len())];
                b[j] = *x;
            }
        }
        Damage::Truncate(i) => b.truncate(at(*i, b.len() + 1)),
        Damage::Insert(i, v) => {
            let i = at(*i, b.len() + 1);
            b.splice(i..i, v.iter().copied());
        }
        Damage::SwapBlocks => {
            let mut blocks = pem_blocks(&b);
            blocks.reverse();
            b = blocks.concat();
        }
        Damage::DuplicateBlock => {
            let blocks = pem_blocks(&b);
            if let Some(first) = blocks.first() {
                b.extend_from_slice(first);
            }
        }
        Damage::Crlf => {
            b = String::from_utf8_lossy(&b)
                .replace('\n', "\r\n")
                .into_bytes();
        }
        Damage::DropLine(i) => {
            let lines: Vec<&[u8]> = b.split_inclusive(|&c| c == b'\n').collect();
            if !lines.is_empty() {
                let k = at(*i, lines.len());
                b = lines
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != k)
                    .flat_map(|(_, l)| l.iter().copied())
                    .collect();
            }
        }
        _ => {}
    }
    b
}

fn ca_input() -> impl Strategy<Value = Vec<u8>> {
    let sources = vec![
        fixture("demo-ca.pem"),
        fixture("demo-ec-ca.pem"),
        fixture("demo-bundle.pem"),
        fixture("demo-server.pem"),
    ];
    prop_oneof![
        6 => (prop::sample::select(sources), prop::collection::vec(damage(), 1..4))
            .prop_map(|(src, ds)| ds.iter().fold(src, apply_damage)),
        1 => prop::collection::vec(any::<u8>(), 0..600),
    ]
}

proptest! {
    #![proptest_config(config(2_000, 1))]

    #[test]
    fn any_ca_file_gets_a_verdict_and_usable_means_no_error(bytes in ca_input()) {
        let report = cert::inspect(&bytes, NOW, None);
        if report.usable {
            prop_assert_eq!(report.errors().count(), 0, "usable with errors: {:?}", report.findings);
            prop_assert!(report.usable_cas >= 1);
            prop_assert!(report.anchor_fingerprint().is_some());
        } else {
            prop_assert!(
                report.errors().count() > 0,
                "refused without an error that says why"
            );
        }
    }
}

// ---- connection strings ----

fn url_piece() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "mysql://",
        "mariadb://",
        "mysqlx://",
        "http://",
        "u",
        "user",
        ":",
        "p",
        "@",
        "@tcp(",
        "@unix(",
        "tcp(",
        ")",
        "(",
        "db.example.com",
        "127.0.0.1",
        "[::1]",
        "[",
        "]",
        ":3306",
        ":0",
        ":99999",
        "/",
        "/db",
        "?",
        "&",
        "#frag",
        "ssl-mode=VERIFY_IDENTITY",
        "ssl-mode=VERIFY_CA",
        "ssl-mode=DISABLED",
        "sslmode=",
        "ssl-ca=/tmp/ca.pem",
        "tls=true",
        "tls=skip-verify",
        "socket=/tmp/s",
        "%0A",
        "%0D",
        "%00",
        "%5B",
        "%5D",
        "%20",
        "%2F",
        "%23",
        "%27",
        "%22",
        "%5C",
        "%",
        "\n",
        " ",
        "\\",
        "'",
        "\"",
        "=",
        "é",
    ];
    prop_oneof![
        8 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => "[ -~]{1,6}",
        1 => any::<char>().prop_map(String::from),
    ]
}

fn pieces(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(url_piece(), 0..max).prop_map(|v| v.concat())
}

/// URL and DSN shapes with hostile pieces in each slot, and pieces glued at random.
fn connection_string() -> impl Strategy<Value = String> {
    let url = (
        prop::sample::select(&["mysql://", "mariadb://", "mysqlx://"][..]),
        pieces(3),
        pieces(3),
        prop_oneof![Just("db.example.com".to_string()), pieces(3)],
        prop_oneof![Just(String::new()), Just(":3306".to_string()), pieces(2)],
        pieces(3),
        pieces(4),
    )
        .prop_map(|(scheme, user, pass, host, port, db, query)| {
            format!("{scheme}{user}:{pass}@{host}{port}/{db}?{query}")
        });
    let dsn = (
        pieces(3),
        pieces(3),
        prop::sample::select(&["tcp", "unix", "udp", ""][..]),
        pieces(3),
        pieces(3),
        pieces(4),
    )
        .prop_map(|(user, pass, net, addr, db, query)| {
            format!("{user}:{pass}@{net}({addr})/{db}?{query}")
        });
    prop_oneof![2 => url, 2 => dsn, 1 => pieces(16)]
}

/// What `init` writes for a parsed connection must give each setting back through the reader.
fn connection_case(s: &str, ws: &Workspace) -> Result<(), TestCaseError> {
    let Ok(conn) = connect::parse(s) else {
        return Ok(());
    };
    let tls = TlsSpec {
        target: Target::Mixed,
        mode: Mode::VerifyCa,
        ca_path: b"/tmp/ca.pem".to_vec(),
    };
    let Ok(bytes) = init::render(&conn, Some(&tls)) else {
        return Ok(()); // refused: a value the file cannot hold
    };
    std::fs::write(&ws.file, &bytes).unwrap();
    let text = |v: &Option<String>| v.as_ref().map(|s| s.as_bytes().to_vec());
    for (name, want) in [
        (clients::opt::HOST, text(&conn.host)),
        (clients::opt::USER, text(&conn.user)),
        (clients::opt::SOCKET, text(&conn.socket)),
        (clients::opt::PASSWORD, conn.password.clone()),
        (
            clients::opt::PORT,
            conn.port.map(|p| p.to_string().into_bytes()),
        ),
    ] {
        let got = last_value(&ws.file, &ws.home, name.as_bytes());
        prop_assert_eq!(
            got.as_deref(),
            want.as_deref(),
            "{} does not read back from the file init writes for {:?}:\n{}",
            name,
            s,
            String::from_utf8_lossy(&bytes)
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(2_000, 1))]

    #[test]
    fn any_connection_string_is_refused_or_written_so_it_reads_back(s in connection_string()) {
        thread_local!(static WS: Workspace = workspace());
        WS.with(|ws| connection_case(&s, ws))?;
    }
}

/// Found by the long run (seed 1): a header line longer than 4094 bytes whose cut-off rest is
/// another header. The document sees one `[client]` line; the reader reads `[client-mariadb]`
/// from the rest, so lines added after it land in another group. The read-back check refuses
/// the write.
#[test]
fn a_group_header_hidden_in_the_rest_of_a_long_line_is_caught_before_the_write() {
    let mut bytes = b"[client]".to_vec();
    bytes.extend(std::iter::repeat_n(1u8, 4094 - 8));
    bytes.extend(std::iter::repeat_n(0x0bu8, 100));
    bytes.extend_from_slice(b"[client-mariadb][client]");
    let ws = workspace();
    add_ca_case(&ws, &bytes, Target::Mixed).unwrap();
    assert_eq!(
        std::fs::read(&ws.file).unwrap(),
        bytes,
        "refused: nothing written"
    );
}
