//! Input that would inject: no value from a connection string, a flag, standard input or a CA
//! path reaches an option file unless it reads back as itself; shapes not understood are
//! refused; the password prompt does not echo. (The URL/DSN table is the unit test
//! `connect::tests::every_shape_is_understood_exactly_or_refused_with_a_reason`; the read-back
//! check with planted faults is in `addca::verify` and `init`.)

mod common;

use std::path::Path;
use std::process::{Output, Stdio};

use common::certs;

fn run(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    common::run_ours(dir, args, stdin)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What `my_print_defaults` prints for `groups` of `file`.
fn print_defaults(dir: &Path, file: &Path, groups: &[&str]) -> Vec<u8> {
    common::clean_command(&common::oracle(), dir)
        .arg(format!("--defaults-file={}", file.display()))
        .args(groups)
        .output()
        .unwrap()
        .stdout
}

#[test]
fn a_url_that_percent_decodes_a_line_break_into_the_password_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out_file = dir.join("app.cnf");
    for url in [
        "mysql://u:p%0Aevil@h/db",
        "mysql://u:p%0D%0A[mysqld]%0Abind-address=0.0.0.0@h/db",
        "mysql://u:p%00x@h/db",
        "mysql://u%0A[mysqld]@h/db",
        "mysql://u@h/d%0Ab",
        "mysql://u@h/db?socket=/tmp/s%0Aevil",
        "u:p@unix(/tmp/s\nevil)/db",
    ] {
        let o = run(
            dir,
            &["init", "--url", url, "--output", out_file.to_str().unwrap()],
            b"",
        );
        assert_eq!(o.status.code(), Some(3), "{url}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains("cannot be written"), "{url}: {e}");
        assert!(e.contains("nothing was written"), "{url}: {e}");
        assert!(!e.contains("evil"), "{url}: the value is not echoed: {e}");
        assert!(!out_file.exists(), "{url}: a file was written");
    }
}

#[test]
fn flags_and_standard_input_with_line_breaks_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out_file = dir.join("app.cnf");
    let out = out_file.to_str().unwrap();
    let cases: [(&[&str], &[u8]); 4] = [
        (&["--user", "u\rx"], b""),
        (&["--socket", "/tmp/s\x1b[2J"], b""),
        (&["--database", "d\nx"], b""),
        (&["--password-stdin"], b"p\x08w\n"),
    ];
    for (flags, stdin) in cases {
        let mut args = vec!["init", "--output", out];
        args.extend_from_slice(flags);
        let o = run(dir, &args, stdin);
        assert_eq!(o.status.code(), Some(3), "{flags:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("cannot be written"), "{}", stderr(&o));
        assert!(!out_file.exists(), "{flags:?}: a file was written");
    }
}

#[test]
fn a_url_shape_that_is_not_understood_is_a_usage_error_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out_file = dir.join("app.cnf");
    for url in [
        "mysql://u@%2Ftmp%2Fmysql.sock/db",
        "mysql://u@unix(/tmp/x)/",
        "mysql://u@my%20host/db",
        "mysql://u@:3306/db",
        "mysql://u:p@/db",
        "mysql://u@h/db#x",
        "mysql://u@h/db?a=1?b=2",
        "postgres://u@h/db",
        "u@udp(h:1)/db",
        "u@tcp(h:1/db",
        "mysql://u@h:0/db",
        "mysql://u@h:65536/db",
        "u@tcp(h:3o6)/db",
    ] {
        let o = run(
            dir,
            &["init", "--url", url, "--output", out_file.to_str().unwrap()],
            b"",
        );
        assert_eq!(o.status.code(), Some(2), "{url}: {}", stderr(&o));
        assert!(stderr(&o).starts_with("error: "), "{url}: {}", stderr(&o));
        assert!(!out_file.exists(), "{url}: a file was written");
    }
    let ok = run(
        dir,
        &[
            "init",
            "--url",
            "mysql://u@[2001:db8::1]:3307/db",
            "--output",
            "-",
        ],
        b"",
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(
        text.contains("host = 2001:db8::1\n") && text.contains("port = 3307\n"),
        "{text}"
    );
}

#[test]
fn add_ca_refuses_a_ca_path_with_a_line_break_and_leaves_the_file_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let odd = dir.join("certs\n[mysqld]");
    std::fs::create_dir(&odd).unwrap();
    let ca = odd.join("ca.pem");
    std::fs::write(&ca, certs::root("Test Root CA").pem()).unwrap();
    let file = dir.join("app.cnf");
    let before = b"[client]\nuser=app\n";
    std::fs::write(&file, before).unwrap();
    let o = run(
        dir,
        &[
            "add-ca",
            ca.to_str().unwrap(),
            "--file",
            file.to_str().unwrap(),
            "--yes",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("line break"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn add_ca_refuses_to_end_a_trailing_include_the_reader_skips() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, certs::root("Test Root CA").pem()).unwrap();
    std::fs::write(dir.join("extra.cnf"), "[client]\nssl-mode=DISABLED\n").unwrap();
    let file = dir.join("app.cnf");
    let before = format!(
        "[client]\nuser=app\n\n[mysqld]\n!include {}/extra.cnf",
        dir.display()
    );
    std::fs::write(&file, &before).unwrap();
    let args = |target| {
        run(
            dir,
            &[
                "add-ca",
                ca.to_str().unwrap(),
                "--file",
                file.to_str().unwrap(),
                "--target",
                target,
                "--yes",
            ],
            b"",
        )
    };
    // The mariadb target appends [client-mariadb] after the last line.
    let o = args("mariadb");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(":5: the file ends with a directive without a line ending"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    // The mysql target adds its lines inside [client], above it: allowed, the line stays.
    let o = args("mysql");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .ends_with("/extra.cnf")
    );
}

#[test]
#[ignore = "needs my_print_defaults (mariadb-client); scripts/test installs it and runs it"]
fn every_value_init_accepts_reads_back_exactly_through_my_print_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let odd = "\t#x;y 'q' \"d\" \\s\\n é \u{a0}";
    let file = dir.join("app.cnf");
    let o = run(
        dir,
        &[
            "init",
            "--host",
            "db.example.test",
            "--user",
            odd,
            "--socket",
            odd,
            "--database",
            odd,
            "--password-stdin",
            "--output",
            file.to_str().unwrap(),
        ],
        format!("{odd}\n").as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let printed = print_defaults(dir, &file, &["client", "mysql"]);
    let want = format!(
        "--host=db.example.test\n--socket={odd}\n--user={odd}\n--password={odd}\n--database={odd}\n"
    );
    assert_eq!(
        common::show(&printed),
        common::show(want.as_bytes()),
        "{}",
        std::fs::read_to_string(&file).unwrap()
    );
}

#[test]
#[ignore = "needs my_print_defaults (mariadb-client); scripts/test installs it and runs it"]
fn a_control_character_is_written_only_if_my_print_defaults_gives_it_back_on_one_line() {
    // What the reader does with each escape: \n, \r and \b decode to the control character,
    // which my_print_defaults then prints raw, splitting or garbling its one-option-a-line
    // output; tab stays on its line. So tab is the only control character written.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let probe = dir.join("probe.cnf");
    std::fs::write(&probe, "[client]\na=\"x\\ny\"\nb=\"x\\ty\"\n").unwrap();
    assert_eq!(
        print_defaults(dir, &probe, &["client"]),
        b"--a=x\ny\n--b=x\ty\n"
    );
    for b in (0u8..0x20).chain([0x7f]) {
        let file = dir.join(format!("c{b}.cnf"));
        let password = [b'p', b, b'w', b'\n'];
        let o = run(
            dir,
            &[
                "init",
                "--password-stdin",
                "--output",
                file.to_str().unwrap(),
            ],
            &password,
        );
        if b == b'\t' {
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            assert_eq!(
                print_defaults(dir, &file, &["client"]),
                b"--password=p\tw\n"
            );
        } else if b == b'\n' {
            // The line ends there: the password is `p`.
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            assert_eq!(print_defaults(dir, &file, &["client"]), b"--password=p\n");
        } else {
            assert_eq!(o.status.code(), Some(3), "byte {b:#04x}: {}", stderr(&o));
            assert!(!file.exists(), "byte {b:#04x}");
        }
    }
}

#[test]
fn an_empty_password_on_standard_input_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = dir.join("app.cnf");
    for stdin in [&b"\n"[..], b"", b"\r\n"] {
        let o = run(
            dir,
            &[
                "init",
                "--password-stdin",
                "--output",
                file.to_str().unwrap(),
            ],
            stdin,
        );
        assert_eq!(o.status.code(), Some(3), "{stdin:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("the password is empty; nothing was written"),
            "{}",
            stderr(&o)
        );
        assert!(!file.exists());
    }
}

/// Runs `init ARGS` on a pseudo-terminal (util-linux `script`), typing `typed` once the prompt
/// is up; returns the exit status and everything the terminal showed.
fn init_on_terminal(dir: &Path, args: &str, typed: &str) -> (Option<i32>, String) {
    let mut child = common::clean_command(&common::script(), dir)
        .args(["-qec"])
        .arg(format!("{} init {args}", common::ours().display()))
        .arg("/dev/null")
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(typed.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    (out.status.code(), shown)
}

#[test]
#[ignore = "needs script (bsdutils) for a terminal; scripts/test installs it and runs it"]
fn on_a_terminal_the_password_is_asked_for_without_echo() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = dir.join("app.cnf");
    let args = format!(
        "--host db.example.test --user app --password-stdin --output {}",
        file.display()
    );
    let (code, shown) = init_on_terminal(dir, &args, "Sw0rdf1sh-typed\n");
    assert_eq!(code, Some(0), "{shown}");
    assert!(
        shown.contains("password for app@db.example.test: "),
        "the prompt is shown: {shown}"
    );
    assert!(
        !shown.contains("Sw0rdf1sh"),
        "the password is echoed: {shown}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("password = Sw0rdf1sh-typed\n"), "{text}");

    // Nothing typed: refused, nothing written.
    let empty = dir.join("empty.cnf");
    let args = format!("--password-stdin --output {}", empty.display());
    let (code, shown) = init_on_terminal(dir, &args, "\n");
    assert_eq!(code, Some(3), "{shown}");
    assert!(shown.contains("password: "), "{shown}");
    assert!(shown.contains("the password is empty"), "{shown}");
    assert!(!empty.exists());
}
