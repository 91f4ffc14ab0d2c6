//! `check`'s MC122 (a line a MariaDB program does not take stops it) against the real
//! programs: every program MC122 names stops on the line, every other one starts; and the
//! committed option lists are what scripts/gen-program-options reads from the installed
//! programs, so they cannot drift silently.

mod common;

use std::path::{Path, PathBuf};

use mycnf_secure::clients::programs::PROGRAMS;
use serde_json::Value;

/// The MariaDB programs whose options `check` knows.
fn programs() -> Vec<&'static str> {
    PROGRAMS
        .iter()
        .filter(|p| p.options().is_some())
        .map(|p| p.names[0])
        .collect()
}

/// How `program` ends when started with only `file`: its complaint if it stops on an option
/// (`unknown option`, `unknown variable`, `ambiguous option`, with a non-zero exit), or `None`
/// when it gets past its options (it then fails on the socket that does not exist).
fn stops(program: &str, file: &Path, home: &Path) -> Option<String> {
    let package = if program == "mariadb-upgrade" {
        "mariadb-server"
    } else {
        "mariadb-client"
    };
    let exe = common::program(program, package);
    let out = common::clean_command(&exe, home)
        .arg(format!("--defaults-file={}", file.display()))
        .args(["--protocol=socket", "--socket"])
        .arg(home.join("no.sock"))
        .current_dir(home)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    let complaint = text
        .lines()
        .find(|l| {
            !l.starts_with("Warning")
                && ["unknown option", "unknown variable", "ambiguous option"]
                    .iter()
                    .any(|w| l.contains(w))
        })
        .map(str::to_string);
    if complaint.is_some() {
        assert!(
            !out.status.success(),
            "{program} complained but exited 0: {text}"
        );
    }
    complaint
}

/// The programs MC122 says `file` stops (every MC122 finding of `check --target mariadb`).
fn named_by_check(file: &Path, home: &Path) -> Vec<String> {
    let out = common::clean_command(&common::ours(), home)
        .args(["check", "--target", "mariadb", "--format", "json"])
        .arg(file)
        .env("MYCNF_SECURE_NOW", "1893456000")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut named = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        if f["code"] == "MC122" {
            let message = f["message"].as_str().unwrap();
            for word in message.split([' ', ',', ':', '(', ')']) {
                if programs().contains(&word) && !named.iter().any(|n| n == word) {
                    named.push(word.to_string());
                }
            }
        }
    }
    named
}

/// Compares, for one file, the programs MC122 names with the programs that really stop.
fn compare(file: &Path, home: &Path, failures: &mut Vec<String>) {
    let named = named_by_check(file, home);
    for program in programs() {
        let said = named.iter().any(|n| n == program);
        let real = stops(program, file, home);
        if said != real.is_some() {
            failures.push(format!(
                "{}: check says {program} {}, the program: {}\n{}",
                file.display(),
                if said { "stops" } else { "starts" },
                real.as_deref().unwrap_or("starts"),
                String::from_utf8_lossy(&std::fs::read(file).unwrap())
            ));
        }
    }
}

/// fixtures/check/MC122-* with `@CERTS@` filled in.
fn mc122_fixtures(dir: &Path) -> Vec<PathBuf> {
    let certs = common::fixtures().join("certs");
    let mut out = Vec::new();
    for e in std::fs::read_dir(common::fixtures().join("check")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("MC122-") {
            let data = std::fs::read(&p).unwrap();
            let data = common::replace_bytes(&data, b"@CERTS@", certs.to_str().unwrap().as_bytes());
            let to = dir.join(&name);
            std::fs::write(&to, data).unwrap();
            out.push(to);
        }
    }
    out.sort();
    out
}

#[test]
#[ignore = "needs the mariadb client programs (mariadb-client, mariadb-server for mariadb-upgrade); scripts/test installs them and runs it"]
fn every_program_mc122_names_stops_on_the_line_and_every_other_one_starts() {
    let tmp = tempfile::tempdir().unwrap();
    let files = mc122_fixtures(tmp.path());
    assert!(files.len() >= 4, "{files:?}");
    // The fixture that triggers the rule stops some programs, the fixed one none.
    let ok = files.iter().find(|f| f.ends_with("MC122-ok.cnf")).unwrap();
    for program in programs() {
        assert_eq!(
            stops(program, ok, tmp.path()),
            None,
            "{program} on {}",
            ok.display()
        );
    }
    // my_getopt's rules, line by line: prefixes, abbreviations, `_`, case, groups.
    let lines = [
        "[client]\nloose-ssl-c=x\n",
        "[client]\nloose-no-such-option=1\n",
        "[client]\nskip-loose-no-such-option\n",
        "[client]\nskip-no-such-option\n",
        "[client]\nmaximum-no-such-option=1\n",
        "[client]\nho=localhost\n",
        "[client]\nSSL_CA=/x.pem\n",
        "[client]\nssl-verify\n",
        "[client]\nver\n",
        "[client]\nskip-ssl-verify-server-cert\n",
        "[client]\ndisable-ssl\n",
        "[client]\nenable_ssl\n",
        "[client]\nmaximum-port=5\n",
        "[client]\ndefaults-file=/dev/null\n",
        "[client]\nno-defaults\n",
        "[client]\ntables\n",
        "[client-server]\nall-databases\n",
        "[client-mariadb]\ndatabases\n",
        "[mysqldump]\ndatabase=x\n",
        "[mysqldump]\nssl-mode=REQUIRED\n",
        "[mariadb-admin]\nno-such-option=1\n",
        "[mysql]\nno-such-option=1\n",
        "[mysql_upgrade]\nno-such-option=1\n",
        "[mariadb-client]\nno-such-option=1\n",
    ];
    // The rest of a line cut after 4094 bytes is read as an option of its own.
    let long = format!("[client]\nuser={}\n", "x".repeat(5000));
    let lines: Vec<&str> = lines.into_iter().chain([long.as_str()]).collect();
    let mut failures = Vec::new();
    for (i, text) in lines.iter().enumerate() {
        let file = tmp.path().join(format!("line{i}.cnf"));
        std::fs::write(&file, text).unwrap();
        compare(&file, tmp.path(), &mut failures);
    }
    for file in &files {
        compare(file, tmp.path(), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[ignore = "needs the mariadb client programs (mariadb-client, mariadb-server for mariadb-upgrade) and python3; scripts/test installs them and runs it"]
fn the_committed_option_lists_are_what_the_script_reads_from_the_installed_programs() {
    let python = common::program("python3", "python3");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new(python)
        .arg(root.join("scripts/gen-program-options"))
        .arg("--stdout")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed = std::fs::read_to_string(root.join("src/clients/program_options.rs")).unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout) == committed,
        "src/clients/program_options.rs differs from what the installed programs say: run scripts/gen-program-options and review the diff"
    );
}
