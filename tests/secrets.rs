//! One masking path: option files with a secret in every position a file can hold one, and
//! secret arguments, run through every command and format. No byte of a secret (no 6-byte
//! piece of it, as written or as the reader decodes it) reaches standard output or standard
//! error, unless `--show-secrets` asks for it, and then it does (which proves the test sees
//! what it looks for).

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Output;

/// How long a piece of a secret may be seen: none of 6 bytes.
const PIECE: usize = 6;

/// A distinctive secret for position `n`.
fn secret(n: u32) -> String {
    format!("Vq{n:02}Kx7Wz{n:02}Jm")
}

/// A secret of `len` letters and digits that never repeats a piece of itself (a line longer
/// than the reader's 4094-byte limit).
fn long_secret(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALPHABET[(x % ALPHABET.len() as u64) as usize] as char
        })
        .collect()
}

/// The secrets and their pieces: every 6-byte window of each as written and as decoded, in
/// any case.
#[derive(Default)]
struct Secrets {
    whole: Vec<String>,
    pieces: HashSet<Vec<u8>>,
}

impl Secrets {
    /// A secret as written in the file (`raw`) and as the reader decodes it.
    fn add(&mut self, raw: &str, decoded: &str) {
        // As written, decoded, and in either case (a name is quoted lower-cased).
        let forms = [raw, decoded].map(|s| [s.to_string(), s.to_lowercase(), s.to_uppercase()]);
        for s in forms.iter().flatten() {
            for w in s.as_bytes().windows(PIECE) {
                self.pieces.insert(w.to_vec());
            }
        }
        self.whole.push(decoded.to_string());
    }

    /// The first piece of a secret in `out`, if any.
    fn leaked<'o>(&self, out: &'o [u8]) -> Option<&'o [u8]> {
        out.windows(PIECE).find(|w| self.pieces.contains(*w))
    }
}

#[track_caller]
fn assert_nothing_leaks(what: &str, out: &Output, secrets: &Secrets) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        if let Some(piece) = secrets.leaked(bytes) {
            panic!(
                "{what}: a piece of a secret ({}) in {stream}:\n{}",
                String::from_utf8_lossy(piece),
                String::from_utf8_lossy(bytes)
            );
        }
    }
}

/// Runs our program with HOME at `home` and `stdin` on standard input.
fn run(home: &Path, args: &[&str], stdin: &[u8]) -> Output {
    common::run_ours(home, args, stdin)
}

fn ca() -> String {
    common::fixtures()
        .join("certs/demo-ca.pem")
        .display()
        .to_string()
}

/// A home with `~/.my.cnf` (readable by others), an included file and an included folder,
/// holding a secret in every position; the secrets.
fn home_with_secrets(home: &Path) -> Secrets {
    let mut s = Secrets::default();
    let mut n = 0;
    let mut next = |s: &mut Secrets| {
        n += 1;
        let v = secret(n);
        s.add(&v, &v);
        v
    };
    let mut main = String::from("[client]\nuser=app\nhost=db.example.com\n");
    // Every spelling of a secret option the clients know, and the loose-/maximum- forms.
    for name in [
        "password",
        "Password",
        "PASSWORD",
        "loose-password",
        "loose_password",
        "Loose-Password",
        "maximum-password",
        "password1",
        "password2",
        "ssl-passphrase",
        "ssl_passphrase",
        "loose-ssl-passphrase",
        "client_secret",
    ] {
        let v = next(&mut s);
        main.push_str(&format!("{name}={v}\n"));
    }
    let v = next(&mut s);
    main.push_str(&format!("  password  =  {v}  \n"));
    // Quoted, with comment characters, escaped.
    let v = next(&mut s);
    main.push_str(&format!("password='{v}'\n"));
    let v = next(&mut s);
    main.push_str(&format!("password=\"{v}\" # a comment\n"));
    let (a, b) = (next(&mut s), next(&mut s));
    main.push_str(&format!("password={a};{b}\n"));
    let (a, b) = (next(&mut s), next(&mut s));
    main.push_str(&format!("password={a}#{b}\n"));
    let (a, b) = (next(&mut s), next(&mut s));
    main.push_str(&format!("password={a} #{b}\n"));
    let (a, b) = (secret(90), secret(91));
    let raw = format!("\"{a}\\\"\\\\\\s\\t{b}\"");
    s.add(&raw, &format!("{a}\"\\ \t{b}"));
    s.add(&a, &a);
    s.add(&b, &b);
    main.push_str(&format!("password={raw}\n"));
    // Commented out, in both comment styles, with and without blanks.
    for prefix in ["#", "# ", ";", "; ", "  #  ", "##"] {
        let v = next(&mut s);
        main.push_str(&format!("{prefix}password={v}\n"));
        let v = next(&mut s);
        main.push_str(&format!("{prefix}ssl-passphrase = {v}\n"));
    }
    // No `=`: the reader takes the whole line for a name.
    let v = next(&mut s);
    main.push_str(&format!("password {v}\n"));
    // Longer than the reader's 4094 bytes: it reads the rest as an option of its own.
    let long = long_secret(5000);
    s.add(&long, &long);
    main.push_str(&format!("password={long}\n"));
    // In the comment or the value of an option the rules quote (MC302).
    let v = next(&mut s);
    main.push_str(&format!("ssl-mode=DISABLED # password={v}\n"));
    // A name the rules quote: unknown to Connector/Python (MC403), set twice (MC402).
    let v = next(&mut s);
    main.push_str(&format!("[connector_python]\npassword {v}\npassword {v}\n"));
    // Other groups, and included files.
    let v = next(&mut s);
    main.push_str(&format!("[mysql]\npassword={v}\n"));
    let v = next(&mut s);
    main.push_str(&format!("[client-mariadb]\npassword = \"{v}\"\n"));
    main.push_str(&format!(
        "!include {}\n!includedir {}\n",
        home.join("inc.cnf").display(),
        home.join("inc.d").display()
    ));
    let (a, b, c) = (next(&mut s), next(&mut s), next(&mut s));
    std::fs::write(
        home.join("inc.cnf"),
        format!(
            "[client]\npassword={a}\n# password={b}\n!includedir {}/password={c}\n",
            home.display()
        ),
    )
    .unwrap();
    std::fs::create_dir(home.join("inc.d")).unwrap();
    let (v, w) = (next(&mut s), next(&mut s));
    std::fs::write(
        home.join("inc.d/x.cnf"),
        format!("[client]\nloose-password = '{v}'\nssl-ca=\"/nowhere password={w}\"\n"),
    )
    .unwrap();
    let file = home.join(".my.cnf");
    std::fs::write(&file, main).unwrap();
    set_mode(&file, 0o644);
    s
}

/// A file every client refuses: a password before any group, a header without `]` with a
/// password on it, a password after it.
/// A remote host without TLS options (MC301 quotes the host).
fn host_with_secret(file: &Path) -> Secrets {
    let mut s = Secrets::default();
    let v = secret(74);
    s.add(&v, &v);
    std::fs::write(
        file,
        format!("[client]\nhost=db.example.com password={v}\n"),
    )
    .unwrap();
    s
}

fn malformed_with_secrets(file: &Path) -> Secrets {
    let mut s = Secrets::default();
    let (a, b, c, d) = (secret(70), secret(71), secret(72), secret(73));
    for v in [&a, &b, &c, &d] {
        s.add(v, v);
    }
    std::fs::write(
        file,
        format!("password={a}\n[client password={b}\npassword={c}\n[client\nssl-passphrase={d}\n"),
    )
    .unwrap();
    set_mode(file, 0o644);
    s
}

fn set_mode(file: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Every command and format that reads the option files, as argument lists; `{F}` is the
/// file, `{CA}` the CA.
const READING: &[&[&str]] = &[
    &["check", "{F}"],
    &["check", "--format", "json", "{F}"],
    &["check", "--defaults-file", "{F}"],
    &[
        "check",
        "--strict",
        "--format",
        "json",
        "--defaults-file",
        "{F}",
    ],
    &["show", "--defaults-file", "{F}"],
    &["show", "--defaults-file", "{F}", "--format", "json"],
    &["show", "--client", "mysql", "--defaults-file", "{F}"],
    &[
        "show",
        "--client",
        "mysqldump",
        "--defaults-file",
        "{F}",
        "--format",
        "json",
    ],
    &[
        "show",
        "client",
        "mysql",
        "client-mariadb",
        "--defaults-file",
        "{F}",
    ],
    &[
        "print-defaults",
        "--defaults-file",
        "{F}",
        "client",
        "mysql",
        "client-mariadb",
    ],
    &[
        "print-defaults",
        "--defaults-file",
        "{F}",
        "--mysqld",
        "client",
    ],
    &["add-ca", "{CA}", "--file", "{F}", "--dry-run"],
    &[
        "add-ca",
        "{CA}",
        "--file",
        "{F}",
        "--dry-run",
        "--format",
        "json",
    ],
    &["add-ca", "{CA}", "--file", "{F}", "--check"],
    &[
        "add-ca", "{CA}", "--file", "{F}", "--check", "--format", "json",
    ],
    &[
        "add-ca",
        "{CA}",
        "--file",
        "{F}",
        "--target",
        "mysql",
        "--dry-run",
    ],
    &[
        "add-ca",
        "{CA}",
        "--file",
        "{F}",
        "--target",
        "mariadb",
        "--dry-run",
        "--group",
        "mysql",
    ],
];

fn args<'a>(template: &[&'a str], file: &'a str, ca: &'a str) -> Vec<&'a str> {
    template
        .iter()
        .map(|a| match *a {
            "{F}" => file,
            "{CA}" => ca,
            a => a,
        })
        .collect()
}

#[test]
fn no_command_shows_a_secret_of_an_option_file_in_any_format() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let secrets = home_with_secrets(home);
    let file = home.join(".my.cnf").display().to_string();
    let ca = ca();
    for template in READING {
        let a = args(template, &file, &ca);
        assert_nothing_leaks(&a.join(" "), &run(home, &a, b""), &secrets);
    }
    // Applied, in text and JSON: the diff is shown. On copies, so the next run sees secrets.
    for format in ["text", "json"] {
        let copy = home.join(format!("applied-{format}.cnf"));
        std::fs::copy(home.join(".my.cnf"), &copy).unwrap();
        let copy = copy.display().to_string();
        let a = ["add-ca", &ca, "--file", &copy, "--yes", "--format", format];
        assert_nothing_leaks(&a.join(" "), &run(home, &a, b""), &secrets);
    }
}

#[test]
fn no_command_shows_a_secret_of_a_file_the_clients_refuse() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let file = home.join(".my.cnf");
    let secrets = malformed_with_secrets(&file);
    let file = file.display().to_string();
    let ca = ca();
    for template in READING {
        let a = args(template, &file, &ca);
        let out = run(home, &a, b"");
        assert_nothing_leaks(&a.join(" "), &out, &secrets);
    }
    // The refusal names the line, masked.
    let out = run(home, &["add-ca", &ca, "--file", &file, "--dry-run"], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("password=*****"), "{err}");
}

#[test]
fn no_command_shows_a_secret_in_the_value_of_another_option() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let file = home.join(".my.cnf");
    let secrets = host_with_secret(&file);
    let file = file.display().to_string();
    let ca = ca();
    for template in READING {
        let a = args(template, &file, &ca);
        assert_nothing_leaks(&a.join(" "), &run(home, &a, b""), &secrets);
    }
}

/// The secret arguments of `init`: a password in the URL, on standard input, and the one of
/// the file it replaces.
#[test]
fn init_shows_no_secret_argument_and_no_secret_of_the_file_it_replaces() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let mut secrets = Secrets::default();
    let (old, url, stdin) = (secret(80), secret(81), secret(82));
    for v in [&old, &url, &stdin] {
        secrets.add(v, v);
    }
    let ca = ca();
    let existing = |name: &str| {
        let f = home.join(name);
        std::fs::write(
            &f,
            format!("[client]\nuser=app\npassword={old}\n# password={old}\n"),
        )
        .unwrap();
        f.display().to_string()
    };
    let f = existing("url.cnf");
    let url_arg = format!("mysql://app:{url}@db.example.com:3306/app");
    let a = [
        "init", "--url", &url_arg, "--ca", &ca, "--output", &f, "--force",
    ];
    let out = run(home, &a, b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_nothing_leaks("init --url", &out, &secrets);
    let f = existing("stdin.cnf");
    let a = [
        "init",
        "--user",
        "app",
        "--host",
        "db.example.com",
        "--password-stdin",
        "--ca",
        &ca,
        "--output",
        &f,
        "--force",
    ];
    let out = run(home, &a, format!("{stdin}\n").as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_nothing_leaks("init --password-stdin", &out, &secrets);
    // A URL that does not parse: its error names no secret either.
    for bad in [
        format!("mysql://app:{url}@db.example.com:notaport/app"),
        format!("mysql://app:{url}@/app"),
        format!("app:{url}@tcp(db.example.com:x)/app"),
    ] {
        let f = home.join("bad.cnf").display().to_string();
        let out = run(
            home,
            &["init", "--url", &bad, "--ca", &ca, "--output", &f],
            b"",
        );
        assert_nothing_leaks(&format!("init --url {bad}"), &out, &secrets);
    }
}

/// A changed secret is a change in the diff: a removed and an added line, told apart by a
/// marker, neither showing the secret.
#[test]
fn a_changed_password_shows_as_a_change_without_showing_either_value() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let (old, new) = (secret(60), secret(61));
    let mut secrets = Secrets::default();
    secrets.add(&old, &old);
    secrets.add(&new, &new);
    let f = home.join("my.cnf");
    let write = |password: &str| {
        run(
            home,
            &[
                "init",
                "--user",
                "app",
                "--password-stdin",
                "--ca",
                &ca(),
                "--output",
                f.to_str().unwrap(),
                "--force",
            ],
            format!("{password}\n").as_bytes(),
        )
    };
    assert!(write(&old).status.success());
    let out = write(&new);
    assert!(out.status.success());
    assert_nothing_leaks("init --force", &out, &secrets);
    let diff = String::from_utf8_lossy(&out.stdout);
    let removed: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with("-password"))
        .collect();
    let added: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with("+password"))
        .collect();
    assert_eq!(removed.len(), 1, "{diff}");
    assert_eq!(added.len(), 1, "{diff}");
    assert_ne!(removed[0][1..], added[0][1..], "{diff}");
    assert!(
        removed[0].contains("*****") && added[0].contains("*****"),
        "{diff}"
    );
    // The marker says nothing of the value: the same for any two passwords.
    let out = write("x");
    let other = String::from_utf8_lossy(&out.stdout);
    assert!(other.lines().any(|l| l == added[0]), "{other}");
}

#[test]
fn a_pasted_ca_with_a_password_line_shows_no_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let mut secrets = Secrets::default();
    let (a, b, c) = (secret(50), secret(51), secret(52));
    for v in [&a, &b, &c] {
        secrets.add(v, v);
    }
    let pem = std::fs::read_to_string(ca()).unwrap();
    let paste = format!("password={a}\n{pem}# password = {b}\nmysql -p{c}\n");
    for args in [
        &["inspect-ca", "-"][..],
        &["inspect-ca", "-", "--format", "json"],
        &["add-ca", "-", "--file", "p.cnf", "--dry-run"],
        &[
            "add-ca",
            "-",
            "--file",
            "p.cnf",
            "--dry-run",
            "--format",
            "json",
        ],
    ] {
        let out = run(home, args, paste.as_bytes());
        assert_nothing_leaks(&args.join(" "), &out, &secrets);
    }
    std::fs::write(home.join("paste.pem"), &paste).unwrap();
    for args in [
        &["inspect-ca", "paste.pem"][..],
        &["inspect-ca", "paste.pem", "--format", "json"],
    ] {
        let out = run(home, args, b"");
        assert_nothing_leaks(&args.join(" "), &out, &secrets);
    }
}

/// `--show-secrets` is the one way around the masking, and the test sees a secret shown.
#[test]
fn show_secrets_shows_them_where_documented() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let secrets = home_with_secrets(home);
    let file = home.join(".my.cnf").display().to_string();
    let ca = ca();
    let first = secrets.whole[0].as_str();
    let cases: &[&[&str]] = &[
        &["check", "--show-secrets", "{F}"],
        &["check", "--show-secrets", "--format", "json", "{F}"],
        &["show", "--show-secrets", "--defaults-file", "{F}"],
        &[
            "show",
            "--show-secrets",
            "--defaults-file",
            "{F}",
            "--format",
            "json",
        ],
        &[
            "print-defaults",
            "--show-secrets",
            "--defaults-file",
            "{F}",
            "client",
        ],
        &["print-defaults", "-s", "--defaults-file", "{F}", "client"],
    ];
    for template in cases {
        let a = args(template, &file, &ca);
        let out = run(home, &a, b"");
        assert!(
            secrets.leaked(&out.stdout).is_some()
                && String::from_utf8_lossy(&out.stdout).contains(first),
            "{}: {}",
            a.join(" "),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // The diffs: a secret in the context, and a changed one.
    let f = home.join("near.cnf");
    std::fs::write(&f, format!("[client]\npassword={first}\n")).unwrap();
    let f = f.display().to_string();
    let out = run(
        home,
        &["add-ca", &ca, "--file", &f, "--dry-run", "--show-secrets"],
        b"",
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(first));
    let out = run(home, &["add-ca", &ca, "--file", &f, "--dry-run"], b"");
    assert!(secrets.leaked(&out.stdout).is_none());
    let out = run(
        home,
        &[
            "init",
            "--user",
            "app",
            "--password-stdin",
            "--ca",
            &ca,
            "--output",
            &f,
            "--force",
            "--show-secrets",
        ],
        b"other\n",
    );
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(diff.contains(&format!("-password={first}")), "{diff}");
}

/// Nothing is hidden from what a command exists to write: the file itself.
#[test]
fn the_files_written_keep_their_secrets() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let secrets = home_with_secrets(home);
    let copy: PathBuf = home.join("kept.cnf");
    std::fs::copy(home.join(".my.cnf"), &copy).unwrap();
    let out = run(
        home,
        // --force: the included file's later ssl-ca (another CA) would make add-ca refuse.
        &[
            "add-ca",
            &ca(),
            "--file",
            copy.to_str().unwrap(),
            "--yes",
            "--force",
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read(&copy).unwrap();
    for s in &secrets.whole[..5] {
        assert!(
            written.windows(s.len()).any(|w| w == s.as_bytes()),
            "{s} lost"
        );
    }
}

#[test]
fn a_usage_error_does_not_quote_a_password_given_in_the_wrong_place() {
    // clap quotes the argument it did not expect: a connection string given without --url, a
    // password after --password-stdin (which takes none). Text and JSON.
    let home = tempfile::tempdir().unwrap();
    let s = secret(90);
    let mut secrets = Secrets::default();
    secrets.add(&s, &s);
    let url = format!("mysql://app:{s}@db.example.test/app");
    let dsn = format!("app:{s}@tcp(db.example.test:3306)/app");
    let with_value = format!("--password-stdin={s}");
    let query = format!("mysql://app@db.example.test/app?password={s}");
    let cases: &[&[&str]] = &[
        &["init", &url],
        &["init", &dsn],
        &["init", &query],
        &["init", "--host", "db.example.test", "--password-stdin", &s],
        &["init", "--host", "db.example.test", &with_value],
    ];
    for case in cases {
        for json in [false, true] {
            let mut args = case.to_vec();
            if json && !args.contains(&"json") {
                args.extend(["--format", "json"]);
            }
            let out = run(home.path(), &args, b"");
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert_nothing_leaks(&format!("{args:?}"), &out, &secrets);
            if json {
                let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
                    .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e})"));
                assert_eq!(doc["error"]["code"], "usage", "{args:?}");
            } else {
                assert!(
                    String::from_utf8_lossy(&out.stderr).contains("*****"),
                    "{args:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }
}

#[test]
fn a_clients_stop_message_does_not_quote_a_secret_in_the_value_it_stops_on() {
    // `ssl-mode=REQUIRED password=…` in a group MariaDB reads, in a file add-ca does not edit:
    // the refusal and the client table quote MariaDB's own words, "unknown variable
    // 'name=value'", with the value masked as everywhere else.
    let home = tempfile::tempdir().unwrap();
    let s = secret(91);
    let mut secrets = Secrets::default();
    secrets.add(&s, &s);
    let other = home.path().join("other.cnf");
    std::fs::write(
        &other,
        format!("[client-mariadb]\nssl-mode=REQUIRED password={s}\n"),
    )
    .unwrap();
    let file = home.path().join("my.cnf");
    std::fs::write(
        &file,
        format!("[client]\nuser=app\n!include {}\n", other.display()),
    )
    .unwrap();
    let ca = ca();
    let f = file.to_str().unwrap();
    for extra in [&[][..], &["--force"][..]] {
        for format in ["text", "json"] {
            let mut args = vec!["add-ca", &ca, "--file", f, "--dry-run", "--format", format];
            args.extend_from_slice(extra);
            let out = run(home.path(), &args, b"");
            assert_nothing_leaks(&format!("{args:?}"), &out, &secrets);
            let shown = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                shown.contains("unknown variable 'ssl-mode=REQUIRED password=*****'"),
                "{args:?}: {shown}"
            );
        }
    }
}
