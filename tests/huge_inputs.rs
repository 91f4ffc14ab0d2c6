//! Huge and pathological inputs finish with a clear result: a 100 MB option file, a line of
//! 1 MB, a bundle of 10,000 certificates, an `!include` chain 500 files deep, and files that
//! include themselves. Each command ends with its documented exit status and says what it
//! found; the reader still agrees with `my_print_defaults` byte for byte.
//!
//! These run the debug build, so they take tens of seconds; the release build's figures are in
//! docs/performance.md and docs/security.md.

mod common;

use std::path::Path;
use std::process::Output;

use common::certs;

fn run(home: &Path, args: &[&str]) -> Output {
    common::clean_command(&common::ours(), home)
        .current_dir(home)
        .args(args)
        .output()
        .unwrap()
}

fn status(o: &Output) -> i32 {
    o.status.code().expect("exited, not killed")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not one JSON document ({e}); stderr: {}",
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// `print-defaults` and `my_print_defaults` give the same bytes and status for `file`; whether
/// the oracle found the file fatal.
#[track_caller]
fn agrees_with_the_oracle(home: &Path, file: &str, group: &str) -> bool {
    let ours = run(
        home,
        &["print-defaults", &format!("--defaults-file={file}"), group],
    );
    let theirs = common::clean_command(&common::oracle(), home)
        .current_dir(home)
        .args([&format!("--defaults-file={file}"), group])
        .output()
        .unwrap();
    assert_eq!(ours.status.code(), theirs.status.code(), "exit status");
    assert!(
        ours.stdout == theirs.stdout,
        "print-defaults and my_print_defaults differ on {file} ({} vs {} bytes)",
        ours.stdout.len(),
        theirs.stdout.len()
    );
    status(&theirs) != 0
}

/// `check`, `show` and `add-ca --check` on `file` end with the status their documentation
/// gives (a file the clients refuse is an error for each), and the JSON ones print one
/// document.
#[track_caller]
fn every_command_finishes(home: &Path, file: &str, ca: &str, fatal: bool) {
    let check = run(home, &["check", "--format", "json", file]);
    let findings = json(&check)["findings"].clone();
    let errors = findings
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .count();
    assert_eq!(
        (status(&check), errors > 0),
        if fatal {
            (1, true)
        } else {
            (status(&check), errors > 0)
        },
        "check on {file}, which the clients refuse: {findings}"
    );
    let show = run(home, &["show", "--defaults-file", file, "--format", "json"]);
    assert_eq!(
        status(&show),
        if fatal { 3 } else { 0 },
        "show on {file}: {}",
        String::from_utf8_lossy(&show.stderr)
    );
    let add = run(
        home,
        &["add-ca", ca, "--file", file, "--check", "--format", "json"],
    );
    let want: &[i32] = if fatal { &[3] } else { &[0, 1] };
    assert!(
        want.contains(&status(&add)),
        "add-ca --check on {file} exits {}: {}",
        status(&add),
        String::from_utf8_lossy(&add.stderr)
    );
}

fn demo_ca() -> String {
    common::fixtures()
        .join("certs/demo-ca.pem")
        .display()
        .to_string()
}

#[test]
#[ignore = "needs my_print_defaults (mariadb-client); scripts/test installs it and runs it"]
fn a_100_mb_option_file_is_read_like_the_oracle_and_every_command_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = Vec::with_capacity(101 << 20);
    let mut i = 0u64;
    while bytes.len() < 100 << 20 {
        bytes.extend_from_slice(
            format!(
                "[client{}]\nuser=u{i}\n# note {i}\nport={}\nssl-ca=/x/{i}.pem\n",
                i % 7,
                i % 65_536
            )
            .as_bytes(),
        );
        i += 1;
    }
    bytes.extend_from_slice(b"[client]\nhost=db.example.com\n");
    std::fs::write(dir.path().join("big.cnf"), &bytes).unwrap();
    let fatal = agrees_with_the_oracle(dir.path(), "big.cnf", "client");
    assert!(!fatal);
    every_command_finishes(dir.path(), "big.cnf", &demo_ca(), fatal);
}

#[test]
#[ignore = "needs my_print_defaults (mariadb-client); scripts/test installs it and runs it"]
fn a_line_of_one_megabyte_is_cut_as_the_reader_cuts_it_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in [
        ("value.cnf", b"[client]\nuser=".to_vec()),
        ("comment.cnf", b"[client]\n#".to_vec()),
        ("first-comment.cnf", b"#".to_vec()),
        ("header.cnf", b"[client".to_vec()),
    ] {
        let mut bytes = body;
        bytes.extend(std::iter::repeat_n(b'x', 1 << 20));
        bytes.extend_from_slice(b"\n[client]\nhost=h\n");
        std::fs::write(dir.path().join(name), &bytes).unwrap();
        let fatal = agrees_with_the_oracle(dir.path(), name, "client");
        every_command_finishes(dir.path(), name, &demo_ca(), fatal);
        let check = run(dir.path(), &["check", name]);
        let text = String::from_utf8_lossy(&check.stdout);
        assert!(
            text.contains("MC105"),
            "{name}: the long line is not reported:\n{text}"
        );
        assert!(
            text.lines().all(|l| l.len() < 4096),
            "{name}: check prints the whole line"
        );
    }
}

#[test]
#[ignore = "needs my_print_defaults (mariadb-client); scripts/test installs it and runs it"]
fn deep_and_self_including_include_chains_end_like_the_oracle() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    // 500 files, each including the next.
    std::fs::create_dir(home.join("deep")).unwrap();
    for i in 0..500 {
        std::fs::write(
            home.join(format!("deep/{i}.cnf")),
            format!(
                "[client]\nuser=u{i}\n!include {}/deep/{}.cnf\n",
                home.display(),
                i + 1
            ),
        )
        .unwrap();
    }
    std::fs::write(home.join("deep/500.cnf"), "[client]\nhost=bottom\n").unwrap();
    // A file that includes itself, and a folder whose file includes the folder.
    std::fs::write(
        home.join("self.cnf"),
        format!("[client]\nuser=me\n!include {}/self.cnf\n", home.display()),
    )
    .unwrap();
    std::fs::create_dir(home.join("loop")).unwrap();
    std::fs::write(
        home.join("loop/a.cnf"),
        format!("[client]\nport=1\n!includedir {}/loop\n", home.display()),
    )
    .unwrap();
    for file in ["deep/0.cnf", "self.cnf", "loop/a.cnf"] {
        let fatal = agrees_with_the_oracle(home, file, "client");
        every_command_finishes(home, file, &demo_ca(), fatal);
    }
}

#[test]
fn a_bundle_of_10000_certificates_gets_a_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let key = certs::ec_key();
    let mut pem = String::new();
    for i in 0..10_000 {
        let cert = certs::ca_params(&format!("bulk root {i}"))
            .self_signed(&key)
            .unwrap();
        pem.push_str(&cert.pem());
    }
    std::fs::write(dir.path().join("bulk.pem"), &pem).unwrap();
    std::fs::write(dir.path().join("my.cnf"), "[client]\nuser=u\n").unwrap();

    let inspect = run(dir.path(), &["inspect-ca", "bulk.pem", "--format", "json"]);
    assert_eq!(
        status(&inspect),
        0,
        "{}",
        String::from_utf8_lossy(&inspect.stderr)
    );
    let report = json(&inspect);
    assert_eq!(
        report["certificates"].as_array().map(Vec::len),
        Some(10_000)
    );
    assert_eq!(report["usable"], true);

    let add = run(
        dir.path(),
        &[
            "add-ca", "bulk.pem", "--file", "my.cnf", "--check", "--format", "json",
        ],
    );
    assert_eq!(status(&add), 1, "{}", String::from_utf8_lossy(&add.stderr));
}
