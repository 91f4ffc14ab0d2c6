//! The Ansible module (contrib/ansible/library/mycnf_secure.py) run by real `ansible-playbook`
//! (ansible-core from PyPI in the test venv) against localhost with `connection: local`: check
//! mode writes nothing and reports a change, `--diff` shows our lines and never the password,
//! a run applies, a second run changes nothing, a leaf certificate fails the task with the
//! tool's reason and exit status, and `ansible-doc` renders the module's documentation.
//!
//! Ignored by default (ansible-core comes from PyPI); scripts/test installs it and runs it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PASSWORD: &str = "Ansible-Pw-7c1e";

/// A program of the test venv (`ansible-playbook`, `ansible-doc`).
fn venv_program(name: &str) -> PathBuf {
    common::venv_program_or_fail(name, "ansible-core")
}

fn library() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/ansible/library")
}

/// An Ansible command with everything it writes kept in `dir` (HOME too).
fn ansible(program: &str, dir: &Path) -> Command {
    let mut cmd = common::clean_command(&venv_program(program), dir);
    let python = venv_program("python");
    cmd.current_dir(dir)
        .env("ANSIBLE_LIBRARY", library())
        .env("ANSIBLE_LOCAL_TEMP", dir.join(".ansible-tmp"))
        .env("ANSIBLE_REMOTE_TEMP", dir.join(".ansible-tmp"))
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_RETRY_FILES_ENABLED", "false")
        .env("ANSIBLE_PYTHON_INTERPRETER", python)
        .env("ANSIBLE_CONFIG", dir.join("no-ansible.cfg"))
        .env_remove("ANSIBLE_STDOUT_CALLBACK");
    cmd
}

/// A playbook with one `mycnf_secure` task (`args`, YAML lines indented for the task), whose
/// registered result a second task writes to `result.json` (also in check mode, and when the
/// first task failed).
fn playbook(dir: &Path, args: &str) -> PathBuf {
    let path = dir.join("play.yml");
    let text = format!(
        "- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n    - name: configure TLS\n      register: result\n      ignore_errors: true\n      mycnf_secure:\n        executable: {}\n{args}    - name: keep the result\n      check_mode: false\n      ansible.builtin.copy:\n        content: \"{{{{ result | to_json }}}}\"\n        dest: {}\n",
        common::ours().display(),
        dir.join("result.json").display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs the playbook; the task's registered result and the process output.
fn run_json(dir: &Path, extra: &[&str]) -> (serde_json::Value, Output) {
    let result = dir.join("result.json");
    let _ = std::fs::remove_file(&result);
    let out = ansible("ansible-playbook", dir)
        .args(["-i", "localhost,"])
        .args(extra)
        .arg("play.yml")
        .output()
        .unwrap();
    let text = std::fs::read(&result).unwrap_or_else(|e| {
        panic!(
            "the playbook kept no result ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (serde_json::from_slice(&text).unwrap(), out)
}

struct Setup {
    dir: tempfile::TempDir,
    file: PathBuf,
    ca: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("my.cnf");
    std::fs::write(
        &file,
        format!("[client]\nuser = app\npassword = {PASSWORD}\nhost = db.example.test\n"),
    )
    .unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::copy(common::fixtures().join("certs/demo-ca.pem"), &ca).unwrap();
    Setup { dir, file, ca }
}

#[test]
#[ignore = "needs ansible-core (PyPI, in the test venv); scripts/test installs it and runs it"]
fn check_mode_reports_a_change_and_writes_nothing_then_a_run_applies_and_a_second_changes_nothing()
{
    let s = setup();
    let dir = s.dir.path();
    playbook(
        dir,
        &format!(
            "        path: {}\n        ca: {}\n        ssl_mode: VERIFY_IDENTITY\n        backup: true\n",
            s.file.display(),
            s.ca.display()
        ),
    );
    let before = std::fs::read(&s.file).unwrap();

    let (check, out) = run_json(dir, &["--check"]);
    assert_eq!(check["changed"], true, "{check}");
    assert!(check.get("failed").is_none_or(|f| f == false), "{check}");
    assert_eq!(std::fs::read(&s.file).unwrap(), before, "check mode wrote");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(PASSWORD));

    let (apply, out) = run_json(dir, &[]);
    assert_eq!(apply["changed"], true, "{apply}");
    assert_eq!(apply["ssl_mode"], "VERIFY_IDENTITY");
    let written = std::fs::read_to_string(&s.file).unwrap();
    assert!(
        written.contains(&format!("ssl-ca = {}", s.ca.display())),
        "{written}"
    );
    let backup = apply["backup_file"].as_str().expect("a backup file");
    assert_eq!(std::fs::read(backup).unwrap(), before);
    let families: Vec<&str> = apply["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["family"].as_str().unwrap())
        .collect();
    assert!(families.contains(&"mariadb_cli113"), "{families:?}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(PASSWORD));

    let after = std::fs::read(&s.file).unwrap();
    let (again, _) = run_json(dir, &[]);
    assert_eq!(again["changed"], false, "{again}");
    assert_eq!(std::fs::read(&s.file).unwrap(), after);
    let (check_again, _) = run_json(dir, &["--check"]);
    assert_eq!(check_again["changed"], false, "{check_again}");
}

#[test]
#[ignore = "needs ansible-core (PyPI, in the test venv); scripts/test installs it and runs it"]
fn diff_mode_shows_the_lines_and_never_the_password() {
    let s = setup();
    let dir = s.dir.path();
    playbook(
        dir,
        &format!(
            "        path: {}\n        ca: {}\n",
            s.file.display(),
            s.ca.display()
        ),
    );
    let out = ansible("ansible-playbook", dir)
        .args(["-i", "localhost,", "--check", "--diff", "play.yml"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!("+ssl-ca = {}", s.ca.display())),
        "{text}"
    );
    assert!(text.contains("+loose-ssl-mode = VERIFY_CA"), "{text}");
    assert!(text.contains("password = *****"), "{text}");
    assert!(
        !text.contains(PASSWORD),
        "the password reached the diff: {text}"
    );
    assert!(text.contains("changed: [localhost]"), "{text}");
}

#[test]
#[ignore = "needs ansible-core (PyPI, in the test venv); scripts/test installs it and runs it"]
fn a_leaf_certificate_fails_the_task_with_the_tools_reason_and_status() {
    let s = setup();
    let dir = s.dir.path();
    let leaf = dir.join("server.pem");
    std::fs::copy(common::fixtures().join("certs/demo-server.pem"), &leaf).unwrap();
    playbook(
        dir,
        &format!(
            "        path: {}\n        ca: {}\n",
            s.file.display(),
            leaf.display()
        ),
    );
    let before = std::fs::read(&s.file).unwrap();
    let (task, out) = run_json(dir, &[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("fatal: [localhost]"));
    assert_eq!(task["failed"], true, "{task}");
    assert_eq!(task["rc"], 3, "{task}");
    let msg = task["msg"].as_str().unwrap();
    assert!(msg.contains("is not a CA"), "{msg}");
    assert_eq!(std::fs::read(&s.file).unwrap(), before);
}

#[test]
#[ignore = "needs ansible-core (PyPI, in the test venv); scripts/test installs it and runs it"]
fn ca_content_is_validated_and_installed_like_add_ca_dash() {
    let s = setup();
    let dir = s.dir.path();
    let pem = std::fs::read_to_string(&s.ca).unwrap();
    let indented: String = pem.lines().map(|l| format!("          {l}\n")).collect();
    playbook(
        dir,
        &format!(
            "        path: {}\n        ca_content: |\n{indented}",
            s.file.display()
        ),
    );
    let (task, _) = run_json(dir, &[]);
    assert_eq!(task["changed"], true, "{task}");
    let installed = task["ca_path"].as_str().unwrap();
    assert_ne!(Path::new(installed), s.ca.as_path());
    assert_eq!(std::fs::read_to_string(installed).unwrap(), pem);
}

#[test]
#[ignore = "needs ansible-core (PyPI, in the test venv); scripts/test installs it and runs it"]
fn ansible_doc_renders_the_module_documentation() {
    let dir = tempfile::tempdir().unwrap();
    let out = ansible("ansible-doc", dir.path())
        .args(["-M"])
        .arg(library())
        .arg("mycnf_secure")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for want in [
        "Validates a CA certificate and writes",
        "ssl_mode",
        "ca_content",
        "system_roots",
        "EXAMPLES",
        "RETURN VALUES",
        "backup_file",
    ] {
        assert!(text.contains(want), "ansible-doc lacks {want:?}:\n{text}");
    }
}

#[test]
#[ignore = "needs ansible-core (PyPI, in the test venv); scripts/test installs it and runs it"]
fn a_warning_about_a_hostile_certificate_reaches_the_terminal_escaped() {
    // A CA whose subject holds a terminal title, a hyperlink, hidden text and a carriage
    // return, expiring soon (a warning that quotes the subject): Ansible prints module
    // warnings as they are, so the module must escape them.
    let s = setup();
    let dir = s.dir.path();
    let mut params = common::certs::ca_params("evil\x1b]8;;http://x.test\x07link\x1b[8mhid\r");
    common::certs::validity(&mut params, -1, 10);
    let ca = common::certs::self_signed(params, common::certs::ec_key());
    std::fs::write(&s.ca, ca.pem()).unwrap();
    playbook(
        dir,
        &format!(
            "        path: {}\n        ca: {}\n",
            s.file.display(),
            s.ca.display()
        ),
    );
    let (result, out) = run_json(dir, &["--check"]);
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(shown.contains("[WARNING]: CA: certificate 1"), "{shown}");
    for raw in ['\x1b', '\x07', '\r'] {
        assert!(
            !shown.contains(raw),
            "{raw:?} reached the terminal: {shown:?}"
        );
    }
    assert!(
        shown.contains(r"evil\u{1b}]8;;http://x.test\u{7}link"),
        "{shown}"
    );
    assert!(result.to_string().contains("expires in"), "{result}");
}
