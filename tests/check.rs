//! `check` rule by rule: every rule has a fixture that triggers it at a known line
//! (`fixtures/check/MCxxx-lineN.cnf`, line 0 = the whole file) and one that does not
//! (`MCxxx-ok.cnf`). Plus the command: text, JSON, exit status, the Debian layout, `show`.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// fixtures/check copied with `@DIR@` (the copy) and `@CERTS@` (fixtures/certs) filled in.
fn corpus() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_tree(&common::fixtures().join("check"), tmp.path());
    let certs = common::fixtures().join("certs");
    for e in std::fs::read_dir(tmp.path()).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            let data = std::fs::read(&p).unwrap();
            let data = common::replace_bytes(&data, b"@CERTS@", certs.to_str().unwrap().as_bytes());
            std::fs::write(&p, data).unwrap();
        }
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = |name: &str, m: u32| {
        std::fs::set_permissions(tmp.path().join(name), std::fs::Permissions::from_mode(m))
            .unwrap();
    };
    mode("MC202-line3.cnf", 0o644);
    mode("MC202-ok.cnf", 0o600);
    mode("MC201-line0-ww.cnf", 0o666);
    tmp
}

/// `check FILES --format json` at 2030-01-01 (the demo certificates are valid then).
fn run(files: &[PathBuf]) -> Value {
    run_at(files, 1_893_456_000)
}

fn run_at(files: &[PathBuf], now: i64) -> Value {
    let tmp = tempfile::tempdir().unwrap();
    let out = common::clean_command(&common::ours(), tmp.path())
        .arg("check")
        .args(files)
        .args(["--format", "json"])
        .env("MYCNF_SECURE_NOW", now.to_string())
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The findings of a report as (code, line, file).
fn found(report: &Value) -> Vec<(String, u64, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["file"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The first finding with `code`.
fn finding<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no {code}: {report:#}"))
}

/// Every finding with `code`.
fn with_code<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

fn fixtures(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            let (code, rest) = name.split_once('-')?;
            code.starts_with("MC")
                .then(|| (code.to_string(), rest.to_string()))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_rule_triggers_at_its_line_and_stays_quiet_on_the_fixed_file() {
    let tmp = corpus();
    let dir = tmp.path();
    let mut failures = Vec::new();
    let mut rules = Vec::new();
    for (code, rest) in fixtures(dir) {
        let path = dir.join(format!("{code}-{rest}"));
        let found = found(&run(std::slice::from_ref(&path)));
        if rest.starts_with("ok") {
            if found.iter().any(|(c, _, _)| *c == code) {
                failures.push(format!("{code}: reported on the fixed file: {found:?}"));
            }
        } else {
            let line: u64 = rest
                .trim_start_matches("line")
                .split(['.', '-'])
                .next()
                .unwrap()
                .parse()
                .unwrap();
            rules.push(code.clone());
            if !found
                .iter()
                .any(|(c, l, f)| *c == code && *l == line && (line == 0 || Path::new(f) == path))
            {
                failures.push(format!(
                    "{code}: expected at line {line} of {}, got {found:?}",
                    path.display()
                ));
            }
        }
    }
    assert!(rules.len() >= 33, "{} rules have fixtures", rules.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn findings_point_at_the_physical_line_after_a_very_long_line() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("long.cnf");
    let mut data = b"[client]\ninit-command=".to_vec();
    data.extend(std::iter::repeat_n(b'x', 9000));
    data.extend_from_slice(b"\nssl-mode=VERIFY_CA\n");
    std::fs::write(&file, data).unwrap();
    let report = run(std::slice::from_ref(&file));
    let f = finding(&report, "MC306");
    assert_eq!(f["line"], 3, "reader line 5, physical line 3");
    assert_eq!(f["source"], "ssl-mode=VERIFY_CA");
}

#[test]
fn an_override_cites_the_line_it_cancels_in_another_file() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.cnf");
    let b = tmp.path().join("b.cnf");
    std::fs::write(&a, "[client-mariadb]\nssl-verify-server-cert=1\n").unwrap();
    std::fs::write(&b, "[client]\n\nskip-ssl-verify-server-cert\n").unwrap();
    let report = run(&[a.clone(), b.clone()]);
    let f = finding(&report, "MC310");
    assert_eq!((f["file"].as_str(), &f["line"]), (b.to_str(), &3.into()));
    let r = &f["related"];
    assert_eq!((r["file"].as_str(), &r["line"]), (a.to_str(), &2.into()));
}

// ---- the command ----

fn cmd(dir: &Path) -> std::process::Command {
    let mut c = common::clean_command(&common::ours(), dir);
    c.current_dir(dir).env("MYCNF_SECURE_NOW", "1893456000");
    c
}

#[test]
fn check_text_is_rustc_style_with_a_summary_and_exit_1_on_errors() {
    let tmp = corpus();
    let dir = tmp.path();
    let out = cmd(dir)
        .args(["check", "MC102-line3.cnf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // The whole text is in the transcript tests/cmd/check/mc102-text.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("error[MC102]") && text.contains("--> MC102-line3.cnf:3:1\n"),
        "{text}"
    );
    assert!(text.ends_with("1 error, 0 warnings in 1 file\n"), "{text}");

    let clean = cmd(dir).args(["check", "MC301-ok.cnf"]).output().unwrap();
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    assert!(String::from_utf8_lossy(&clean.stdout).ends_with("0 errors, 0 warnings in 1 file\n"));

    let warn = cmd(dir)
        .args(["check", "MC112-line2.cnf"])
        .output()
        .unwrap();
    assert_eq!(warn.status.code(), Some(0), "warnings alone pass");
    let strict = cmd(dir)
        .args(["check", "MC112-line2.cnf", "--strict"])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1), "--strict fails on warnings");
}

#[test]
fn check_json_has_the_documented_schema() {
    let tmp = corpus();
    let dir = tmp.path();
    let out = cmd(dir)
        .args(["check", "MC310-line5.cnf", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    // docs/json-schemas.md, `check --format json`.
    assert_eq!(
        keys(&j),
        [
            "errors", "files", "findings", "schema", "summary", "warnings"
        ]
    );
    assert_eq!(j["schema"], "mycnf-secure/check/v1");
    assert_eq!(j["files"], serde_json::json!(["MC310-line5.cnf"]));
    assert_eq!((&j["errors"], &j["warnings"]), (&1.into(), &0.into()));
    assert_eq!(j["summary"], "1 error, 0 warnings in 1 file");
    let f = &j["findings"][0];
    assert_eq!(
        keys(f),
        [
            "code", "col", "file", "hint", "line", "message", "related", "severity", "source"
        ]
    );
    assert_eq!(f["code"], "MC310");
    assert_eq!(f["severity"], "error");
    assert_eq!(
        (&f["file"], &f["line"], &f["col"]),
        (&"MC310-line5.cnf".into(), &5.into(), &1.into())
    );
    assert_eq!(f["source"], "loose-ssl-mode=VERIFY_CA");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("overrides an earlier, stronger")
    );
    assert!(f["hint"].is_string());
    assert_eq!(
        f["related"],
        serde_json::json!({"file": "MC310-line5.cnf", "line": 3, "note": "the line it cancels"})
    );
}

#[test]
fn a_missing_defaults_file_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = cmd(tmp.path())
        .args(["check", "--defaults-file", "nope.cnf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("error[MC118]"));
}

#[test]
fn the_debian_mariadb_layout_gives_the_expected_findings() {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_tree(&common::fixtures().join("check-debian"), tmp.path());
    let report = run(&[tmp.path().join("etc/mysql/my.cnf")]);
    let prefix = format!("{}/", tmp.path().display());
    let got: Vec<(String, u64, String)> = found(&report)
        .into_iter()
        .map(|(code, line, file)| (code, line, file.replace(&prefix, "")))
        .collect();
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 7, "{files:?}");
    assert_eq!(
        got,
        [(
            "MC401".to_string(),
            22,
            "etc/mysql/mariadb.conf.d/50-server.cnf".to_string()
        )],
        "the socket connection of the Debian layout needs no TLS: only the repeated group is reported\n{report:#}"
    );
}

#[test]
fn show_lists_effective_options_with_provenance_and_overrides() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("my.cnf");
    std::fs::write(
        &file,
        "[client]\nuser=app\npassword=s3cret\nssl-mode=PREFERRED\n[mysql]\nloose_ssl_mode=VERIFY_CA\n",
    )
    .unwrap();
    let out = cmd(tmp.path())
        .args(["show", "--defaults-file", "my.cnf"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("[client] password=*****"), "{text}");
    assert!(
        text.contains("my.cnf:4  [client] ssl-mode=PREFERRED   (overridden by my.cnf:6)"),
        "{text}"
    );
    let json = cmd(tmp.path())
        .args([
            "show",
            "client",
            "--defaults-file",
            "my.cnf",
            "--format",
            "json",
            "--show-secrets",
        ])
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(j["options"][1]["value"], "s3cret");
    assert_eq!(j["options"].as_array().unwrap().len(), 3, "only [client]");
}

#[test]
fn an_expired_or_expiring_ca_named_by_ssl_ca_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    for (name, from, to, severity) in [
        ("expired", -400, -2, "error"),
        ("expiring", -400, 10, "warning"),
    ] {
        let mut p = common::certs::ca_params(name);
        common::certs::validity(&mut p, from, to);
        let ca = dir.join(format!("{name}.pem"));
        std::fs::write(
            &ca,
            common::certs::self_signed(p, common::certs::ec_key()).pem(),
        )
        .unwrap();
        let file = dir.join(format!("{name}.cnf"));
        std::fs::write(&file, format!("[client]\nssl-ca={}\n", ca.display())).unwrap();
        let report = run_at(&[file], now);
        let f = finding(&report, "MC305");
        assert_eq!(
            (f["severity"].as_str(), &f["line"]),
            (Some(severity), &2.into()),
            "{name}: {}",
            f["message"]
        );
    }
}

#[test]
fn a_rule_that_fires_on_every_line_is_reported_100_times_then_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("many.cnf");
    let mut data = String::from("[client]\nuser=a\n");
    for _ in 0..500 {
        data.push_str("user=b\n");
    }
    std::fs::write(&file, data).unwrap();
    let report = run(std::slice::from_ref(&file));
    let dup = with_code(&report, "MC402");
    assert_eq!(dup.len(), 101, "100 findings and one count");
    assert_eq!(dup[100]["message"], "… and 400 more like this in this file");
}

#[test]
fn a_binary_file_is_reported_once() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("blob.cnf");
    let mut data = b"[client]\n".to_vec();
    for i in 0..200_000u32 {
        data.extend_from_slice(&i.to_le_bytes());
        data.push(b'\n');
    }
    std::fs::write(&file, &data).unwrap();
    let report = run(std::slice::from_ref(&file));
    let codes: Vec<String> = found(&report).into_iter().map(|(c, _, _)| c).collect();
    assert_eq!(codes, ["MC120"], "{report:#}");
}

#[test]
fn a_weakening_line_read_by_two_families_counts_once_against_the_cap() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("pairs.cnf");
    let mut data = String::from("[client]\n");
    for _ in 0..150 {
        data.push_str("enable-ssl\nskip-ssl\n");
    }
    std::fs::write(&file, data).unwrap();
    let report = run(std::slice::from_ref(&file));
    let mc310 = with_code(&report, "MC310");
    assert_eq!(mc310.len(), 101, "100 findings and one count");
    assert_eq!(
        mc310[100]["message"],
        "… and 50 more like this in this file"
    );
}

#[test]
fn a_password_before_any_group_in_a_readable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("early.cnf");
    std::fs::write(&file, "password=x\n[client]\nuser=a\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let codes: Vec<(String, u64)> = found(&run(std::slice::from_ref(&file)))
        .into_iter()
        .map(|(c, l, _)| (c, l))
        .collect();
    assert!(codes.contains(&("MC101".to_string(), 1)), "{codes:?}");
    assert!(codes.contains(&("MC202".to_string(), 1)), "{codes:?}");
}

#[test]
fn the_rest_of_a_cut_line_stops_the_mariadb_programs_and_is_not_quoted() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("cut.cnf");
    let secret = format!("{}TAILOFTHESECRET", "s".repeat(4090));
    std::fs::write(&file, format!("[client]\npassword={secret}\n")).unwrap();
    let report = run(std::slice::from_ref(&file));
    let f = finding(&report, "MC122");
    assert_eq!(f["line"], 2);
    let message = f["message"].as_str().unwrap();
    assert!(message.starts_with("the rest of this line"), "{message}");
    assert!(message.contains("mariadb-dump"), "{message}");
    assert!(!report.to_string().contains("TAILOF"), "{report:#}");
}

/// `check --format sarif` on every fixture that triggers a rule (as relative paths, the way a
/// pipeline runs it in a checkout), beside `--format json` on the same files.
fn sarif_and_json(dir: &Path) -> (Value, Value) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("MC") && n.contains("-line") && n.ends_with(".cnf"))
        .collect();
    names.sort();
    let report = |format: &str| -> Value {
        let out = common::clean_command(&common::ours(), dir)
            .current_dir(dir)
            .arg("check")
            .args(&names)
            .args(["--format", format])
            .env("MYCNF_SECURE_NOW", "1893456000")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    (report("sarif"), report("json"))
}

/// The SARIF URI of a JSON finding's file (paths here need no percent-encoding).
fn uri_of(f: &Value) -> String {
    let file = f["file"].as_str().unwrap();
    if file.starts_with('/') {
        format!("file://{file}")
    } else {
        file.to_string()
    }
}

#[test]
fn sarif_describes_every_rule_and_puts_each_finding_at_its_file_line_and_column() {
    let dir = corpus();
    let (sarif, json) = sarif_and_json(dir.path());
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "mycnf-secure");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), mycnf_secure::check::rules::RULES.len());
    for r in rules {
        let help = r["help"]["text"].as_str().unwrap();
        assert!(help.contains("docs/check-rules.md"), "{r}");
        assert!(!r["shortDescription"]["text"].as_str().unwrap().is_empty());
    }
    let results = run["results"].as_array().unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    for (r, f) in results.iter().zip(findings) {
        assert_eq!(r["ruleId"], f["code"]);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], f["code"], "ruleIndex of {r}");
        assert_eq!(r["level"], f["severity"]);
        assert!(
            r["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with(f["message"].as_str().unwrap())
        );
        let place = &r["locations"][0]["physicalLocation"];
        // The JSON report names the file as given: relative, as the pipeline's checkout is,
        // stays relative; an absolute one (an included file) is a file:// URL.
        assert_eq!(place["artifactLocation"]["uri"], uri_of(f), "{r}");
        if f["line"].as_u64().unwrap() > 0 {
            assert_eq!(place["region"]["startLine"], f["line"], "{r}");
            assert_eq!(place["region"]["startColumn"], f["col"], "{r}");
        } else {
            assert!(place.get("region").is_none(), "{r}");
        }
        if let Some(related) = f.get("related").filter(|v| !v.is_null()) {
            let rel = &r["relatedLocations"][0];
            assert_eq!(
                rel["physicalLocation"]["region"]["startLine"],
                related["line"]
            );
            assert_eq!(rel["message"]["text"], related["note"]);
        }
    }
    // The syntax rules of every fixture show up (the posture rules need a whole chain).
    let codes: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(codes.len() >= 25, "{codes:?}");
}

/// A real SARIF consumer (Microsoft's sarif-tools, from PyPI) reads the log and finds what the
/// JSON report says: each finding's severity, code, file and line.
#[test]
#[ignore = "needs sarif-tools (PyPI, in the test venv); scripts/test installs it and runs it"]
fn sarif_tools_reads_the_same_findings_as_the_json_report() {
    let sarif_program = common::venv_program_or_fail("sarif", "sarif-tools");
    let dir = corpus();
    let (sarif, json) = sarif_and_json(dir.path());
    let log = dir.path().join("check.sarif");
    std::fs::write(&log, serde_json::to_vec(&sarif).unwrap()).unwrap();
    let csv = dir.path().join("check.csv");
    let out = std::process::Command::new(&sarif_program)
        .arg("csv")
        .arg(&log)
        .arg("--output")
        .arg(&csv)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    // Rows: Tool,Severity,Code,Description,Location,Line (the description may be quoted and
    // hold commas: the code is the third field, the location and line the last two).
    let mut theirs: Vec<(String, String, String, String)> = text
        .lines()
        .skip(1)
        .map(|row| {
            let fields: Vec<&str> = row.split(',').collect();
            let n = fields.len();
            (
                fields[1].to_string(),
                fields[2].to_string(),
                fields[n - 2].to_string(),
                fields[n - 1].to_string(),
            )
        })
        .collect();
    let mut ours: Vec<(String, String, String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
                uri_of(f),
                // A finding about a whole file has no region; sarif-tools calls that line 1.
                f["line"].as_u64().unwrap().max(1).to_string(),
            )
        })
        .collect();
    theirs.sort();
    ours.sort();
    assert_eq!(theirs, ours);
}

/// The pre-commit hook (`.pre-commit-hooks.yaml`, the hook that runs the installed binary), run
/// by real pre-commit (PyPI) on a repository holding option files: a file with an error fails
/// the hook and names the rule; a clean file passes; a file that is not an option file is not
/// given to it.
#[test]
#[ignore = "needs pre-commit (PyPI, in the test venv) and git; scripts/test installs it and runs it"]
fn the_pre_commit_hook_fails_on_a_broken_option_file_and_passes_a_clean_one() {
    let pre_commit = common::venv_program_or_fail("pre-commit", "pre-commit");
    let git = common::program("git", "git");
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("deploy")).unwrap();
    std::fs::write(repo.join("deploy/broken.cnf"), "user = app\n[client]\n").unwrap();
    std::fs::write(
        repo.join("deploy/my.cnf"),
        "[client]\nhost = db.example.test\n",
    )
    .unwrap();
    std::fs::write(repo.join("notes.txt"), "user = app\n").unwrap();
    let bin = common::ours();
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |program: &Path, args: &[&str]| {
        common::clean_command(program, dir.path())
            .current_dir(&repo)
            .args(args)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", dir.path().join("cache"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .output()
            .unwrap()
    };
    assert!(run(&git, &["init", "-q"]).status.success());
    assert!(run(&git, &["add", "."]).status.success());
    let hooks = env!("CARGO_MANIFEST_DIR");
    let hook = |files: &[&str]| {
        let mut args = vec!["try-repo", hooks, "mycnf-secure-check-system", "--files"];
        args.extend_from_slice(files);
        run(&pre_commit, &args)
    };
    let broken = hook(&["deploy/broken.cnf", "notes.txt"]);
    let text = String::from_utf8_lossy(&broken.stdout);
    assert!(!broken.status.success(), "{text}");
    assert!(text.contains("error[MC101]"), "{text}");
    assert!(text.contains("deploy/broken.cnf:1"), "{text}");
    assert!(!text.contains("notes.txt"), "{text}");
    let clean = hook(&["deploy/my.cnf"]);
    let text = String::from_utf8_lossy(&clean.stdout);
    assert!(clean.status.success(), "{text}");
    assert!(text.contains("Passed"), "{text}");
}

/// A file named on the command line that cannot be read is an I/O failure (exit 4, with the
/// finding); a folder named there is an error (exit 1), though a client reading the chain
/// only skips one.
#[test]
fn a_named_file_that_cannot_be_read_exits_4_and_a_named_folder_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("conf.d")).unwrap();
    let run = |args: &[&str]| {
        common::clean_command(&common::ours(), dir)
            .current_dir(dir)
            .arg("check")
            .args(args)
            .output()
            .unwrap()
    };
    for missing in ["missing.cnf", dir.join("missing.cnf").to_str().unwrap()] {
        let out = run(&[missing]);
        assert_eq!(out.status.code(), Some(4), "{missing}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("error[MC118]"));
    }
    let out = run(&["conf.d", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = finding(&report, "MC121");
    assert_eq!(f["severity"], "error");
}

#[test]
fn sarif_uris_percent_encode_the_bytes_of_a_name_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    // Two names that differ only in a byte that is not UTF-8: each URI names its own file
    // (the bytes percent-encoded, as RFC 3986 has it), relative and absolute alike.
    let tmp = tempfile::tempdir().unwrap();
    let names = [&b"a\xffb.cnf"[..], &b"a\xfeb.cnf"[..]];
    for n in names {
        let path = tmp.path().join(std::ffi::OsStr::from_bytes(n));
        std::fs::write(&path, "[client]\nssl-mode=DISABLED\n").unwrap();
    }
    let args: Vec<&std::ffi::OsStr> = names
        .iter()
        .map(|n| std::ffi::OsStr::from_bytes(n))
        .collect();
    let out = common::clean_command(&common::ours(), tmp.path())
        .current_dir(tmp.path())
        .arg("check")
        .args(&args)
        .args(["--format", "sarif"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["location"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, ["a%FFb.cnf", "a%FEb.cnf"], "{sarif:#}");
}
