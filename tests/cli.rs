//! The command line as a whole: help, man pages, completions, colour, quiet, sanitised output.

mod common;

use std::process::Output;

fn run(args: &[&str]) -> Output {
    let tmp = std::env::temp_dir();
    common::clean_command(&common::ours(), &tmp)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// The `.1` files in `dir`, by name, sorted.
fn man_pages_in(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut pages: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "1"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    pages.sort();
    pages
}

#[test]
fn the_committed_man_pages_are_up_to_date() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&["man", tmp.path().join("man").to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = man_pages_in(&tmp.path().join("man"));
    let committed = man_pages_in(&common::fixtures().parent().unwrap().join("docs/man"));
    assert!(generated.len() >= 8, "{} pages", generated.len());
    let names = |pages: &[(String, Vec<u8>)]| pages.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&generated),
        "docs/man has other pages than `mycnf-secure man` writes: run `cargo run -- man docs/man`, remove stale pages and commit"
    );
    for ((name, bytes), (_, committed)) in generated.iter().zip(&committed) {
        assert!(
            committed == bytes,
            "docs/man/{name} is stale: run `cargo run -- man docs/man` and commit"
        );
    }
}

#[test]
fn every_command_has_help_with_examples() {
    for cmd in [
        "add-ca",
        "check",
        "show",
        "print-defaults",
        "inspect-ca",
        "init",
        "completions",
    ] {
        let out = run(&[cmd, "--help"]);
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Examples:"),
            "{cmd} --help has no examples:\n{text}"
        );
    }
}

#[test]
fn completions_are_generated_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = run(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("add-ca"),
            "{shell}"
        );
    }
}

/// The bash script completes commands, and each command's own options (a hyphen in the
/// program's name once broke the latter).
#[test]
fn bash_completion_completes_commands_and_each_commands_options() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("mycnf-secure.bash");
    std::fs::write(&script, run(&["completions", "bash"]).stdout).unwrap();
    let complete = |words: &str, cword: usize| {
        let text = format!(
            "source '{}'\n\
             f=$(complete -p mycnf-secure | sed -E 's/.*-F ([^ ]+).*/\\1/')\n\
             COMP_WORDS=({words}); COMP_CWORD={cword}\n\
             \"$f\" mycnf-secure \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
            script.display()
        );
        let out = std::process::Command::new("bash")
            .args(["--norc", "-c", &text])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let commands = complete("mycnf-secure ad", 1);
    assert_eq!(commands.trim(), "add-ca");
    let add_ca = complete("mycnf-secure add-ca --mo", 2);
    assert_eq!(add_ca.trim(), "--mode");
    let check = complete("mycnf-secure check --str", 2);
    assert_eq!(check.trim(), "--strict");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let args = ["inspect-ca", "fixtures/certs/demo-server.pem"];
    let always = run(&["--color", "always", args[0], args[1]]);
    assert!(always.stdout.contains(&0x1b), "--color always colours");
    let auto = run(&args);
    assert!(!auto.stdout.contains(&0x1b), "not a terminal: no colour");
    let never = run(&["--color", "never", args[0], args[1]]);
    assert!(!never.stdout.contains(&0x1b));
}

#[test]
fn quiet_prints_only_what_matters() {
    let ok = run(&["-q", "inspect-ca", "fixtures/certs/demo-ca.pem"]);
    assert!(ok.status.success());
    assert!(
        ok.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let bad = run(&["-q", "inspect-ca", "fixtures/certs/demo-server.pem"]);
    assert_eq!(bad.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("error[CA202]"));
}

/// An option file holding `bytes`, in a folder of its own.
fn evil_file(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("evil.cnf");
    std::fs::write(&file, bytes).unwrap();
    (tmp, file)
}

#[test]
fn control_characters_from_files_are_escaped() {
    let (_tmp, file) = evil_file(b"[client]\nprompt=\x1b[2J\x1b]0;owned\x07\nssl-mode=X\n");
    for args in [
        vec!["show", "--defaults-file", file.to_str().unwrap()],
        vec!["check", file.to_str().unwrap()],
    ] {
        let out = run(&args);
        assert!(
            !out.stdout.contains(&0x1b) && !out.stdout.contains(&0x07),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let out = run(&[
        "add-ca",
        "fixtures/certs/demo-ca.pem",
        "--file",
        file.to_str().unwrap(),
        "--dry-run",
    ]);
    assert!(
        !out.stdout.contains(&0x1b),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\\u{1b}[2J"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["add-ca"]).status.code(), Some(2));
    assert_eq!(run(&["no-such-command"]).status.code(), Some(2));
    assert_eq!(run(&["--version"]).status.code(), Some(0));
}

/// Hostile bytes in every place a file can put them: group names, option names, values, paths
/// in messages, an include path. With colour forced on (so the output streams strip nothing),
/// no command prints a control sequence of the file's: only our own colour codes appear.
#[test]
fn no_control_sequence_from_a_file_reaches_the_terminal() {
    let (_tmp, file) = evil_file(
        b"[client]\nhost=remote\x1b[2J.example\nssl-ca=/no/such\x1b]0;t\x07.pem\nssl-mod\x1b[2Je=VERIFY_CA\nssl_verify_server_cert=ON\x1b[2J\n[app\x1b[2J]\nuser=a\n!include /no/such\x1b[2J.cnf\n",
    );
    let f = file.to_str().unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["--color", "always", "show", "--defaults-file", f],
        vec![
            "--color",
            "always",
            "show",
            "--defaults-file",
            f,
            "client",
            "app\x1b[2J",
        ],
        vec!["--color", "always", "check", f],
        vec!["--color", "always", "check", f, "--format", "json"],
        vec![
            "--color",
            "always",
            "add-ca",
            "fixtures/certs/demo-ca.pem",
            "--file",
            f,
            "--dry-run",
        ],
        vec![
            "--color",
            "always",
            "add-ca",
            "fixtures/certs/demo-ca.pem",
            "--file",
            f,
            "--dry-run",
            "--group",
            "a\x1b[2J",
        ],
    ];
    for args in runs {
        let out = run(&args);
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains("\x1b[2J") && !text.contains("\x1b]") && !text.contains('\x07'),
                "{args:?} {stream}: {text}"
            );
        }
    }
}

/// Hostile bytes in arguments (a CA path, a mode, a URL parameter, a subcommand, a group, a
/// file) and in a certificate's names: every message that quotes them, ours and the argument
/// parser's, escapes them. Colour is forced on, so nothing is stripped on the way.
#[test]
fn no_control_sequence_from_an_argument_or_a_certificate_reaches_the_terminal() {
    let evil = "x\x1b]0;title\x07\x1b[2J\x1b[8m\ry";
    let dir = tempfile::tempdir().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, evil);
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let key = rcgen::KeyPair::generate().unwrap();
    let ca = dir.path().join("evil-name.pem");
    std::fs::write(&ca, params.self_signed(&key).unwrap().pem()).unwrap();
    let ca = ca.to_str().unwrap();
    let missing = format!("{evil}.pem");
    let url = format!("mysql://u@h/db?{evil}=1");
    let runs: Vec<Vec<&str>> = vec![
        vec!["add-ca", &missing, "--dry-run"],
        vec!["add-ca", "--mode", evil, "fixtures/certs/demo-ca.pem"],
        vec!["init", "--url", &url, "-o", "-"],
        vec![evil],
        vec!["show", evil, "--no-defaults"],
        vec!["check", evil],
        vec!["inspect-ca", ca],
        vec!["inspect-ca", ca, "--format", "json"],
        vec!["print-defaults", &missing],
    ];
    for args in runs {
        let mut all = vec!["--color", "always"];
        all.extend(&args);
        let out = run(&all);
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            for bad in ["\x1b]", "\x07", "\x1b[2J", "\x1b[8m", "\r"] {
                assert!(
                    !text.contains(bad),
                    "{args:?} {stream} holds {bad:?}: {text}"
                );
            }
        }
    }
}

/// Each command's examples are printed as written, however narrow the terminal: no example
/// command is broken over two lines (clap wraps the rest of the help to the width).
#[test]
fn help_examples_are_printed_verbatim_at_any_width() {
    let examples = |columns: &str, args: &[&str]| -> String {
        let out = std::process::Command::new(common::ours())
            .args(args)
            .env("COLUMNS", columns)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text[text.find("Examples:").expect("an Examples section")..].to_string()
    };
    for cmd in [
        "add-ca",
        "init",
        "check",
        "show",
        "print-defaults",
        "inspect-ca",
        "probe",
        "completions",
    ] {
        let wide = examples("200", &[cmd, "--help"]);
        for form in [vec![cmd, "--help"], vec![cmd, "-h"], vec!["help", cmd]] {
            assert_eq!(examples("40", &form), wide, "{form:?}");
        }
        for line in wide.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            assert!(
                line.starts_with("  ") && line.contains("mycnf-secure"),
                "{cmd}: an example line that is not a whole command: {line:?}"
            );
        }
    }
}

/// With `--format json` every run prints exactly one JSON object on standard output, also when
/// it fails: `{"error": {code, message, file, line, exit}}` (or the command's report with an
/// `error` member), whose `exit` is the process's exit status (docs/json-schemas.md, "Errors").
#[test]
fn every_json_run_prints_one_json_object_also_on_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let demo = |name: &str| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/certs")
            .join(name)
            .display()
            .to_string()
    };
    std::fs::write(dir.join("before-group.cnf"), "user = app\n[client]\n").unwrap();
    std::fs::write(dir.join("ok.cnf"), "[client]\nuser = app\n").unwrap();
    std::fs::create_dir(dir.join("folder.cnf")).unwrap();
    let f = |name: &str| dir.join(name).display().to_string();
    let cases: Vec<(Vec<String>, u8, &str)> = vec![
        // (arguments, exit status, error code)
        (
            vec![
                "add-ca".into(),
                demo("demo-server.pem"),
                "--file".into(),
                f("ok.cnf"),
                "--yes".into(),
            ],
            3,
            "CA202",
        ),
        (
            vec![
                "add-ca".into(),
                demo("demo-ca.pem"),
                "--file".into(),
                f("before-group.cnf"),
                "--yes".into(),
            ],
            3,
            "MC101",
        ),
        (
            vec![
                "add-ca".into(),
                demo("demo-ca.pem"),
                "--file".into(),
                f("folder.cnf"),
                "--yes".into(),
            ],
            4,
            "io",
        ),
        (
            vec!["add-ca".into(), demo("demo-ca.pem"), "--bogus".into()],
            2,
            "usage",
        ),
        (
            vec![
                "add-ca".into(),
                demo("demo-ca.pem"),
                "--file".into(),
                f("ok.cnf"),
            ],
            5,
            "refused",
        ),
        (vec!["inspect-ca".into(), f("missing.pem")], 4, "io"),
        (
            vec!["show".into(), "--client".into(), "nope".into()],
            2,
            "usage",
        ),
        (vec!["check".into(), f("missing.cnf")], 4, "MC118"),
        (
            vec!["check".into(), "--format=json".into(), "--nope".into()],
            2,
            "usage",
        ),
        (
            vec!["probe".into(), "127.0.0.1:1".into()],
            4,
            "connection_refused",
        ),
        (
            vec![
                "add-ca".into(),
                demo("demo-ca.pem"),
                "--file".into(),
                f("ok.cnf"),
                "--probe=127.0.0.1:1".into(),
                "--yes".into(),
            ],
            4,
            "connection_refused",
        ),
    ];
    for (mut args, status, code) in cases {
        if !args.iter().any(|a| a == "--format=json") {
            args.extend(["--format".to_string(), "json".to_string()]);
        }
        let out = common::clean_command(&common::ours(), dir)
            .args(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(i32::from(status)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut values =
            serde_json::Deserializer::from_slice(&out.stdout).into_iter::<serde_json::Value>();
        let doc = values
            .next()
            .unwrap_or_else(|| {
                panic!(
                    "{args:?}: no JSON: {}",
                    String::from_utf8_lossy(&out.stderr)
                )
            })
            .unwrap();
        assert!(
            values.next().is_none(),
            "{args:?}: more than one JSON value"
        );
        let error = &doc["error"];
        assert_eq!(error["exit"], status, "{args:?}: {doc}");
        assert_eq!(error["code"], code, "{args:?}: {doc}");
        assert!(!error["message"].as_str().unwrap().is_empty(), "{args:?}");
        if code == "refused" {
            assert_eq!(error["refusal"], "not_confirmed", "{doc}");
            assert_eq!(doc["applied"], false);
        }
        if code == "CA202" || code == "MC101" {
            assert!(error["file"].is_string(), "{args:?}: {doc}");
            assert!(error["line"].as_u64().unwrap() > 0, "{args:?}: {doc}");
        }
    }
}

#[test]
fn show_json_on_a_file_the_clients_refuse_says_why_and_where_in_an_error_member() {
    // show/v1 keeps what was read before the fatal error (`fatal: true`); its `error` member
    // (the shape of docs/json-schemas.md "Errors") says why, at which file and line.
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("before-group.cnf");
    std::fs::write(&bad, "[client]\nuser = app\n[client\n").unwrap();
    let missing = tmp.path().join("missing.cnf");
    for (file, line, why) in [
        (&bad, serde_json::json!(3), "group"),
        (&missing, serde_json::Value::Null, "missing.cnf"),
    ] {
        let f = file.to_str().unwrap();
        let out = run(&["show", "--defaults-file", f, "--format", "json"]);
        assert_eq!(out.status.code(), Some(3), "{f}");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["schema"], "mycnf-secure/show/v1");
        assert_eq!(doc["fatal"], true, "{doc}");
        let error = &doc["error"];
        assert_eq!(error["code"], "invalid_input", "{doc}");
        assert_eq!(error["exit"], 3, "{doc}");
        assert_eq!(error["line"], line, "{doc}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{doc}");
        if !line.is_null() {
            assert_eq!(error["file"], f, "{doc}");
        }
    }
    let ok = tmp.path().join("ok.cnf");
    std::fs::write(&ok, "[client]\nuser = app\n").unwrap();
    let out = run(&[
        "show",
        "--defaults-file",
        ok.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc.get("error").is_none(), "{doc}");
}
