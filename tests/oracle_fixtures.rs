//! Differential tests: `mycnf-secure print-defaults` against MariaDB's `my_print_defaults` on
//! every case in fixtures/reader, run from the fixture folder and from another folder.
//!
//! A case is `fixtures/reader/NAME.cnf`; `NAME.args` (optional) holds the arguments, with
//! `@FILE@` for the case file and `@DIR@` for the corpus folder (default:
//! `--defaults-file=@FILE@ client mysql`).

mod common;

use std::path::Path;
use std::process::Output;

use common::{clean_command, copy_tree, fixtures, oracle, ours, show};

fn case_args(dir: &Path, name: &str) -> Vec<String> {
    let file = dir.join(format!("{name}.cnf"));
    let spec = std::fs::read_to_string(dir.join(format!("{name}.args")))
        .unwrap_or_else(|_| "--defaults-file=@FILE@ client mysql".to_string());
    spec.split_whitespace()
        .map(|a| {
            a.replace("@FILE@", file.to_str().unwrap())
                .replace("@DIR@", dir.to_str().unwrap())
        })
        .collect()
}

/// Every path and line number the oracle names in its messages must appear in ours.
fn locations(stderr: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(stderr);
    let mut found = Vec::new();
    for word in text.split([' ', '\'', '"', '\n']) {
        if word.starts_with('/') && word.len() > 1 {
            found.push(word.trim_end_matches(':').to_string());
        }
    }
    for (i, _) in text.match_indices("line") {
        let digits: String = text[i + 4..]
            .trim_start_matches([':', ' '])
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if !digits.is_empty() {
            found.push(format!("line {digits}"));
        }
    }
    found
}

fn compare(name: &str, cwd: &Path, theirs: &Output, mine: &Output) -> Option<String> {
    let mut problems = Vec::new();
    if theirs.stdout != mine.stdout {
        problems.push(format!(
            "stdout differs\n--- my_print_defaults\n{}\n--- mycnf-secure\n{}",
            show(&theirs.stdout),
            show(&mine.stdout)
        ));
    }
    if theirs.status.code() != mine.status.code() {
        problems.push(format!(
            "exit status: my_print_defaults {:?}, mycnf-secure {:?}",
            theirs.status.code(),
            mine.status.code()
        ));
    }
    let mine_err = String::from_utf8_lossy(&mine.stderr).replace("line: ", "line ");
    for loc in locations(&theirs.stderr) {
        if !mine_err.contains(&loc) {
            problems.push(format!(
                "stderr lacks {loc:?}\n--- my_print_defaults\n{}--- mycnf-secure\n{}",
                String::from_utf8_lossy(&theirs.stderr),
                mine_err
            ));
        }
    }
    (!problems.is_empty())
        .then(|| format!("{name} (cwd {}):\n{}", cwd.display(), problems.join("\n")))
}

#[test]
#[ignore = "needs my_print_defaults (mariadb-client); scripts/test installs it and runs it"]
fn print_defaults_matches_my_print_defaults_on_every_fixture() {
    let oracle = oracle();
    let corpus = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let dir = corpus.path();
    copy_tree(&fixtures().join("reader"), dir);

    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let n = e.unwrap().file_name().to_string_lossy().into_owned();
            n.strip_suffix(".cnf").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 80, "the corpus has {} cases", names.len());

    let mut failures = Vec::new();
    let mut compared = 0;
    for name in &names {
        let args = case_args(dir, name);
        for cwd in [dir, elsewhere.path()] {
            let theirs = clean_command(&oracle, dir)
                .args(&args)
                .current_dir(cwd)
                .output()
                .unwrap();
            let mine = clean_command(&ours(), dir)
                .arg("print-defaults")
                .arg("--show-secrets")
                .args(&args)
                .current_dir(cwd)
                .output()
                .unwrap();
            compared += 1;
            failures.extend(compare(name, cwd, &theirs, &mine));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} runs disagree:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
#[ignore = "needs my_print_defaults (mariadb-client); scripts/test installs it and runs it"]
fn encoded_values_read_back_exactly_through_my_print_defaults() {
    let oracle = oracle();
    let values: &[&[u8]] = &[
        b"/etc/mysql/ca.pem",
        b"/srv/my certs/ca #1.pem",
        b"C:\\Program Files\\MariaDB\\ca.pem",
        b"p@ss w0rd#\"'\\",
        b"it's",
        b" leading and trailing ",
        b"tab\there",
        b"\xa0nbsp\xa0",
        b"semi;colon",
        b"\"fully quoted\"",
        b"'single'",
        b"back\\",
        b"",
    ];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("encoded.cnf");
    let mut text = b"[client]\n".to_vec();
    let mut expected = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let enc = mycnf_secure::optfile::encode_value(v).unwrap();
        text.extend_from_slice(format!("v{i} = ").as_bytes());
        text.extend_from_slice(&enc);
        text.push(b'\n');
        expected.extend_from_slice(format!("--v{i}=").as_bytes());
        expected.extend_from_slice(v);
        expected.push(b'\n');
    }
    std::fs::write(&file, &text).unwrap();
    let out = clean_command(&oracle, dir.path())
        .arg(format!("--defaults-file={}", file.display()))
        .arg("client")
        .output()
        .unwrap();
    assert_eq!(show(&out.stdout), show(&expected), "file:\n{}", show(&text));
}
