//! `init`: the files it writes pass `check`, read back exactly through `my_print_defaults`,
//! and start the real MariaDB clients without an unknown-option error.

mod common;

use std::path::Path;
use std::process::Output;

use mycnf_secure::optfile::Document;

fn init(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut all = vec!["init"];
    all.extend(args);
    common::run_ours(dir, &all, stdin.as_bytes())
}

fn ca() -> String {
    common::fixtures()
        .join("certs/demo-ca.pem")
        .display()
        .to_string()
}

fn print_defaults(dir: &Path, file: &Path, groups: &[&str]) -> String {
    let out = common::clean_command(&common::oracle(), dir)
        .arg(format!("--defaults-file={}", file.display()))
        .args(groups)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const PASSWORDS: [&str; 7] = [
    "plain",
    "p#ss",
    "with space",
    "quote\"s and 'apostrophes'",
    "back\\slash\\",
    " leading and trailing ",
    "semi;colon=equals",
];

/// One file per password in [`PASSWORDS`], written by `init --password-stdin`.
fn files_with_passwords(dir: &Path) -> Vec<std::path::PathBuf> {
    PASSWORDS
        .iter()
        .enumerate()
        .map(|(i, password)| {
            let file = dir.join(format!("p{i}.cnf"));
            let out = init(
                dir,
                &[
                    "--host",
                    "db.example.test",
                    "--user",
                    "app",
                    "--password-stdin",
                    "--ca",
                    &ca(),
                    "--output",
                    file.to_str().unwrap(),
                ],
                &format!("{password}\n"),
            );
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            file
        })
        .collect()
}

#[test]
fn passwords_with_special_characters_read_back_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    for (file, password) in files_with_passwords(tmp.path()).iter().zip(PASSWORDS) {
        let doc = Document::parse(std::fs::read(file).unwrap());
        let values: Vec<Vec<u8>> = doc
            .lines()
            .iter()
            .filter(|l| doc.option_name(l) == Some(b"password"))
            .filter_map(|l| doc.option_value(l))
            .collect();
        assert_eq!(
            values,
            [password.as_bytes()],
            "{password:?} in:\n{}",
            String::from_utf8_lossy(doc.bytes())
        );
    }
}

#[test]
#[ignore = "needs my_print_defaults (mariadb-client); scripts/test installs it and runs it"]
fn passwords_with_special_characters_read_back_exactly_through_my_print_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (file, password) in files_with_passwords(dir).iter().zip(PASSWORDS) {
        let printed = print_defaults(dir, file, &["client"]);
        assert!(
            printed
                .lines()
                .any(|l| l == format!("--password={password}")),
            "{password:?} read back as:\n{printed}"
        );
    }
}

#[test]
fn the_files_it_writes_pass_check_with_no_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (n, extra) in [
        &["--target", "mixed", "--mode", "VERIFY_IDENTITY"][..],
        &["--target", "mixed", "--mode", "VERIFY_CA"],
        &["--target", "mariadb", "--mode", "VERIFY_IDENTITY"],
        &["--target", "mariadb", "--mode", "VERIFY_CA"],
    ]
    .iter()
    .enumerate()
    {
        let file = dir.join(format!("f{n}.cnf"));
        let mut args = vec![
            "--host",
            "db.example.test",
            "--port",
            "3307",
            "--user",
            "app",
            "--database",
            "shop",
            "--password-stdin",
            "--ca",
        ];
        let ca = ca();
        args.push(&ca);
        args.extend_from_slice(extra);
        args.extend(["--output", file.to_str().unwrap()]);
        let out = init(dir, &args, "s3cret\n");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let check = common::clean_command(&common::ours(), dir)
            .args(["check", file.to_str().unwrap()])
            .args(&extra[..2])
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&check.stdout);
        assert!(
            report.ends_with("0 errors, 0 warnings in 1 file\n"),
            "{extra:?}:\n{report}"
        );
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.contains("[mysql]\n# the default database"),
            "database only in [mysql]"
        );
    }
}

#[test]
fn connection_strings_in_both_forms_and_from_standard_input() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = init(
        dir,
        &["--url", "-", "--ca", &ca(), "--output", "-"],
        "mysql://app:p%40ss%20w@db.example.test:3307/shop?ssl-mode=VERIFY_IDENTITY\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("password = p@ss w\n"),
        "inner spaces need no quotes: {text}"
    );
    assert!(text.contains("port = 3307\n") && text.contains("database = shop\n"));
    assert!(text.contains("loose-ssl-mode = VERIFY_IDENTITY\n"));
    assert!(
        out.stderr.is_empty(),
        "no warning when the password came on stdin"
    );

    let bad = init(
        dir,
        &[
            "--url",
            "app@tcp(h:1)/db?parseTime=true&loc=UTC",
            "--output",
            "-",
        ],
        "",
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("unknown DSN parameters `parseTime`, `loc`")
    );

    let weak = init(
        dir,
        &["--url", "mysql://h/db?ssl-mode=REQUIRED", "--output", "-"],
        "",
    );
    assert_eq!(weak.status.code(), Some(2));
}

#[test]
#[ignore = "needs the system CA bundle (ca-certificates); scripts/test installs it and runs it"]
fn a_go_dsn_with_tls_true_means_the_system_bundle() {
    let bundle = common::system_bundle();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let go = init(
        dir,
        &[
            "--url",
            "app:pw@tcp(db.example.test:3306)/shop?tls=true",
            "--output",
            "-",
        ],
        "",
    );
    assert!(
        go.status.success(),
        "{}",
        String::from_utf8_lossy(&go.stderr)
    );
    let text = String::from_utf8_lossy(&go.stdout);
    assert!(
        text.contains(&format!("ssl-ca = {}\n", bundle.display())),
        "{text}"
    );
    assert!(
        String::from_utf8_lossy(&go.stderr).contains("the password was given on the command line")
    );
}

#[test]
fn an_existing_file_is_replaced_only_with_force_and_the_diff_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = dir.join("my.cnf");
    std::fs::write(&file, "[client]\npassword=old-secret\nuser=old\n").unwrap();
    let out = init(dir, &["--user", "new", "--output", "my.cnf"], "");
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("without --force"));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "[client]\npassword=old-secret\nuser=old\n"
    );
    let forced = init(dir, &["--user", "new", "--output", "my.cnf", "--force"], "");
    assert!(forced.status.success());
    let shown = String::from_utf8_lossy(&forced.stdout);
    assert!(
        shown.contains("-password=*****") && !shown.contains("old-secret"),
        "{shown}"
    );
    assert!(shown.contains("+user = new"));
}

/// No "unknown variable/option" error; the documented `loose-` warning is allowed.
fn unknown_option_errors(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| {
            (l.contains("unknown variable") || l.contains("unknown option"))
                && !(l.starts_with("Warning:") && l.contains("loose-ssl-mode"))
        })
        .map(str::to_string)
        .collect()
}

#[test]
#[ignore = "needs the mariadb clients (mariadb-client); scripts/test installs them and runs it"]
fn the_real_mariadb_clients_start_with_every_file_it_writes() {
    for p in ["mariadb", "mariadb-dump", "mariadb-admin"] {
        common::program(p, "mariadb-client");
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let variants: [&[&str]; 5] = [
        &[
            "--target",
            "mixed",
            "--mode",
            "VERIFY_IDENTITY",
            "--database",
            "shop",
        ],
        &["--target", "mixed", "--mode", "VERIFY_CA"],
        &[
            "--target",
            "mariadb",
            "--mode",
            "VERIFY_IDENTITY",
            "--database",
            "shop",
        ],
        &[
            "--target",
            "mariadb",
            "--mode",
            "VERIFY_CA",
            "--socket",
            "/nonexistent.sock",
        ],
        &["--database", "shop"],
    ];
    for (i, variant) in variants.iter().enumerate() {
        let file = dir.join(format!("v{i}.cnf"));
        let ca = ca();
        // Port 1 on the loopback: nothing listens, so the clients parse their options, then
        // fail to connect (not on an unknown option).
        let mut args = vec![
            "--host",
            "127.0.0.1",
            "--port",
            "1",
            "--user",
            "app",
            "--password-stdin",
            "--output",
            file.to_str().unwrap(),
        ];
        if i < 4 {
            args.extend(["--ca", ca.as_str()]);
        }
        args.extend_from_slice(variant);
        let out = init(dir, &args, "pw\n");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for (program, extra) in [
            ("mariadb", &["-e", "select 1"][..]),
            ("mariadb-dump", &["shop"][..]),
            ("mariadb-admin", &["ping"][..]),
        ] {
            let out = std::process::Command::new(common::program(program, "mariadb-client"))
                .arg(format!("--defaults-file={}", file.display()))
                .args(extra)
                .output()
                .unwrap();
            assert_ne!(
                out.status.code(),
                Some(7),
                "{program} {variant:?}: unknown variable"
            );
            let bad = unknown_option_errors(&out);
            assert!(
                bad.is_empty(),
                "{program} with {variant:?}: {bad:?}\n{}",
                std::fs::read_to_string(&file).unwrap()
            );
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains("Can't connect") || err.contains("connect to server"),
                "{program}: {err}"
            );
        }
    }
}

#[test]
fn a_local_socket_file_without_tls_also_passes_check() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = init(
        dir,
        &[
            "--socket",
            "/run/mysqld/mysqld.sock",
            "--user",
            "app",
            "--output",
            "local.cnf",
        ],
        "",
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no CA given"));
    let check = common::clean_command(&common::ours(), dir)
        .args(["check", "local.cnf"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&check.stdout).ends_with("0 errors, 0 warnings in 1 file\n"));
}

/// `-q` prints errors only: no "wrote", no warning, no diff; the file is written all the same.
/// `init -o -` still prints the file, which is what it is run for.
#[test]
fn quiet_prints_nothing_but_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = dir.join("new.cnf");
    let file_arg = file.to_str().unwrap();
    let args = ["-q", "--host", "db.example.test", "--user", "app", "-o"];
    let mut first: Vec<&str> = args.to_vec();
    first.push(file_arg);
    let out = init(dir, &first, "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_to_string(&file).unwrap().contains("host"));
    // Replacing it with --force: still silent.
    let mut again = first.clone();
    again.push("--force");
    let out = init(dir, &again, "");
    assert!(out.status.success());
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    // An error is still printed.
    let out = init(dir, &first, "");
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists"));
    // -o - prints the file.
    let out = init(dir, &["-q", "--host", "h", "--user", "u", "-o", "-"], "");
    assert!(String::from_utf8_lossy(&out.stdout).contains("host"));
}
