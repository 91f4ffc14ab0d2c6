//! Helpers shared by the integration tests: finding the real programs, copying fixture trees.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

// ---- external tools ----
//
// A test that needs a program or file from outside the project (MariaDB's programs, PyMySQL,
// the system CA bundle, util-linux `script`, openssl) is marked
// `#[ignore = "needs TOOL (PACKAGE); scripts/test installs it and runs it"]`: a plain
// `cargo test` lists it as ignored, with that reason, instead of passing it without having
// checked anything. `scripts/test` installs the tools and runs `cargo test -- --include-ignored`.
// Once such a test runs it was asked for, so a missing tool fails it (the helpers below panic);
// no test returns early. Under CI=true the `tools` test also fails when any tool is missing.

/// Whether the environment says this is CI (CI=true or CI=1): every tool must be installed.
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Finds a program on PATH (or in /usr/sbin, where Debian puts the server).
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Fails the running test: it needs `what`, which is missing.
#[track_caller]
pub fn missing(what: &str, install: &str) -> ! {
    panic!(
        "{what} is missing: {install}. This test needs it and was asked to run \
         (--include-ignored, or under CI); scripts/test installs it and runs every test"
    )
}

/// The program `name` from the Debian package `package`; fails the test when it is missing.
#[track_caller]
pub fn program(name: &str, package: &str) -> PathBuf {
    match find_program(name) {
        Some(p) => p,
        None => missing(name, &format!("install {package}")),
    }
}

/// The oracle, MariaDB's `my_print_defaults` (mariadb-client).
#[track_caller]
pub fn oracle() -> PathBuf {
    program("my_print_defaults", "mariadb-client")
}

/// util-linux `script`, to run a command on a pseudo-terminal (bsdutils).
#[track_caller]
pub fn script() -> PathBuf {
    program("script", "bsdutils")
}

/// openssl, for certificates rcgen cannot make.
#[track_caller]
pub fn openssl() -> PathBuf {
    program("openssl", "openssl")
}

/// The system CA bundle (ca-certificates).
#[track_caller]
pub fn system_bundle() -> PathBuf {
    match mycnf_secure::cert::store::system_bundle_path() {
        Some(p) => p,
        None => missing("the system CA bundle", "install ca-certificates"),
    }
}

/// A Python that can `import pymysql`: $MYCNF_TEST_PYTHON, else the project's .venv (which
/// scripts/test creates).
fn find_pymysql() -> Option<PathBuf> {
    find_venv_python_with("pymysql")
}

/// The Python with PyMySQL; fails the test when there is none.
#[track_caller]
pub fn pymysql_python() -> PathBuf {
    match find_pymysql() {
        Some(p) => p,
        None => missing(
            "PyMySQL",
            "set MYCNF_TEST_PYTHON to a Python that can `import pymysql` (scripts/test creates .venv)",
        ),
    }
}

/// A Python that can `import mysql.connector` (mysql-connector-python): $MYCNF_TEST_PYTHON,
/// else the project's .venv (which scripts/test creates).
fn find_connector_python() -> Option<PathBuf> {
    find_venv_python_with("mysql.connector")
}

/// The Python with mysql-connector-python; fails the test when there is none.
#[track_caller]
pub fn connector_python() -> PathBuf {
    match find_connector_python() {
        Some(p) => p,
        None => missing(
            "mysql-connector-python",
            "set MYCNF_TEST_PYTHON to a Python that can `import mysql.connector` (scripts/test creates .venv)",
        ),
    }
}

/// The `LD_PRELOAD` value that lets mysql-connector-python's C extension load under `py`: the
/// wheel's own OpenSSL (`mysql/vendor/libcrypto.so.3`, `libssl.so.3`), which the extension is
/// linked against and which may be newer than the OpenSSL this Python was built with (then
/// `import _mysql_connector` fails and `connect()` quietly runs in pure mode).
pub fn connector_python_cext_preload(py: &Path) -> Option<String> {
    let out = Command::new(py)
        .args([
            "-c",
            "import mysql, os; print(os.path.join(os.path.dirname(mysql.__file__), 'vendor'))",
        ])
        .output()
        .ok()?;
    let vendor = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    let libs = ["libcrypto.so.3", "libssl.so.3"].map(|l| vendor.join(l));
    libs.iter().all(|l| l.is_file()).then(|| {
        libs.iter()
            .map(|l| l.display().to_string())
            .collect::<Vec<_>>()
            .join(":")
    })
}

fn has_connector_python_cext() -> bool {
    find_connector_python().is_some_and(|py| {
        let mut cmd = Command::new(&py);
        if let Some(preload) = connector_python_cext_preload(&py) {
            cmd.env("LD_PRELOAD", preload);
        }
        cmd.args(["-c", "import mysql.connector as m; assert m.HAVE_CEXT"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// A Python that can `import module`: $MYCNF_TEST_PYTHON, else the project's .venv (which
/// scripts/test creates and fills).
pub fn find_venv_python_with(module: &str) -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("MYCNF_TEST_PYTHON").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| succeeds(Command::new(p).args(["-c", &format!("import {module}")])))
}

/// Debian's Python (/usr/bin/python3) when it can `import module` (a Debian package).
pub fn find_debian_python_with(module: &str) -> Option<PathBuf> {
    let py = PathBuf::from(DEBIAN_PYTHON);
    succeeds(Command::new(&py).args(["-c", &format!("import {module}")])).then_some(py)
}

/// Perl when it can load `module` (`DBD::MariaDB`, `DBD::mysql`).
pub fn find_perl_with(module: &str) -> Option<PathBuf> {
    let perl = find_program("perl")?;
    succeeds(
        Command::new(&perl)
            .arg(format!("-M{module}"))
            .args(["-e", "1"]),
    )
    .then_some(perl)
}

/// Ruby when it can `require "mysql2"` (ruby-mysql2).
pub fn find_ruby_with_mysql2() -> Option<PathBuf> {
    let ruby = find_program("ruby")?;
    succeeds(Command::new(&ruby).args(["-e", "require 'mysql2'"])).then_some(ruby)
}

/// PHP with mysqli (php-cli php-mysql).
pub fn find_php_with_mysqli() -> Option<PathBuf> {
    let php = find_program("php")?;
    succeeds(Command::new(&php).args(["-r", "exit(function_exists('mysqli_init') ? 0 : 1);"]))
        .then_some(php)
}

/// mycli 1.x (the last that reads MySQL option files): $MYCNF_TEST_MYCLI, else the
/// project's .venv-mycli (which scripts/test creates; mycli pins an older PyMySQL, so it has a
/// venv of its own).
pub fn find_mycli() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("MYCNF_TEST_MYCLI").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-mycli/bin/mycli")),
    ];
    candidates.into_iter().flatten().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"mycli, version 1."))
    })
}

fn succeeds(cmd: &mut Command) -> bool {
    cmd.output().is_ok_and(|o| o.status.success())
}

/// The database clients of the client table's proof (tests/e2e_server.rs), each as: what it
/// is, what installs it, and the interpreter that runs its driver script in tests/clients/
/// (None: missing).
pub fn client_interpreters() -> Vec<(&'static str, &'static str, Option<PathBuf>)> {
    vec![
        (
            "MySQLdb 1.4 on Debian's Python",
            "python3-mysqldb",
            find_debian_python_with("MySQLdb"),
        ),
        (
            "pip mysqlclient",
            "libmariadb-dev pkg-config, then pip mysqlclient in .venv (scripts/test)",
            find_venv_python_with("MySQLdb"),
        ),
        (
            "pip mariadb (MariaDB Connector/Python)",
            "libmariadb-dev, then pip mariadb in .venv (scripts/test)",
            find_venv_python_with("mariadb"),
        ),
        (
            "DBD::MariaDB",
            "libdbd-mariadb-perl",
            find_perl_with("DBD::MariaDB"),
        ),
        (
            "DBD::mysql",
            "libdbd-mysql-perl",
            find_perl_with("DBD::mysql"),
        ),
        ("ruby-mysql2", "ruby ruby-mysql2", find_ruby_with_mysql2()),
        (
            "PyMySQL 1.0 on Debian's Python",
            "python3-pymysql",
            find_debian_python_with("pymysql"),
        ),
        (
            "asyncmy",
            "pip asyncmy in .venv (scripts/test)",
            find_venv_python_with("asyncmy"),
        ),
        (
            "aiomysql",
            "pip aiomysql in .venv (scripts/test)",
            find_venv_python_with("aiomysql"),
        ),
        (
            "mycli 1.x",
            "pip mycli<2 in .venv-mycli (scripts/test)",
            find_mycli(),
        ),
        ("PHP mysqli", "php-cli php-mysql", find_php_with_mysqli()),
    ]
}

/// Every tool some ignored test needs, with what provides it, and whether it is here.
pub fn tools() -> Vec<(&'static str, &'static str, bool)> {
    let programs = [
        ("my_print_defaults", "mariadb-client"),
        ("mariadb", "mariadb-client"),
        ("mariadb-dump", "mariadb-client"),
        ("mariadb-admin", "mariadb-client"),
        // MC122 against every MariaDB program (tests/program_options.rs).
        ("mariadb-check", "mariadb-client"),
        ("mariadb-import", "mariadb-client"),
        ("mariadb-show", "mariadb-client"),
        ("mariadb-binlog", "mariadb-client"),
        ("mariadb-slap", "mariadb-client"),
        ("mariadb-upgrade", "mariadb-server"),
        ("python3", "python3"),
        ("mariadbd", "mariadb-server"),
        ("mariadb-install-db", "mariadb-server"),
        ("script", "bsdutils"),
        ("openssl", "openssl"),
        // The file-safety tests as root: an immutable folder, a read-only bind mount and a
        // tiny tmpfs in a mount namespace of their own.
        ("chattr", "e2fsprogs"),
        ("unshare", "util-linux"),
        ("mount", "mount"),
        // The Debian package (tests/deb.rs).
        ("cargo-deb", "cargo install cargo-deb"),
        ("dpkg-deb", "dpkg"),
        ("man", "man-db"),
        ("git", "git"),
    ];
    let mut v: Vec<_> = programs
        .iter()
        .map(|&(name, package)| (name, package, find_program(name).is_some()))
        .collect();
    v.push((
        "the system CA bundle",
        "ca-certificates",
        mycnf_secure::cert::store::system_bundle_path().is_some(),
    ));
    v.push((
        "PyMySQL",
        "$MYCNF_TEST_PYTHON or .venv (scripts/test)",
        find_pymysql().is_some(),
    ));
    v.push((
        "mysql-connector-python",
        "$MYCNF_TEST_PYTHON or .venv (scripts/test)",
        find_connector_python().is_some(),
    ));
    v.push((
        "mysql-connector-python's C extension",
        "the mysql-connector-python wheel (scripts/test)",
        has_connector_python_cext(),
    ));
    v.push((
        "MySQLdb on MariaDB Connector/C",
        "python3-mysqldb",
        has_mysqldb(),
    ));
    for (program, package) in [
        (
            "ansible-playbook",
            "pip ansible-core in .venv (scripts/test)",
        ),
        ("sarif", "pip sarif-tools in .venv (scripts/test)"),
        ("pre-commit", "pip pre-commit in .venv (scripts/test)"),
    ] {
        v.push((program, package, venv_has_program(program)));
    }
    v.extend(
        client_interpreters()
            .into_iter()
            .map(|(what, install, found)| (what, install, found.is_some())),
    );
    v
}

/// The program `name` of the test venv (beside $MYCNF_TEST_PYTHON, or in .venv), if it is
/// there.
pub fn venv_program(name: &str) -> Option<PathBuf> {
    [
        std::env::var_os("MYCNF_TEST_PYTHON")
            .map(PathBuf::from)
            .and_then(|py| py.parent().map(|d| d.join(name))),
        Some(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(".venv/bin")
                .join(name),
        ),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.is_file())
}

/// Whether the test venv has the program `name`.
pub fn venv_has_program(name: &str) -> bool {
    venv_program(name).is_some()
}

/// The program `name` of the test venv, from the PyPI package `package`; fails the test when
/// it is missing.
#[track_caller]
pub fn venv_program_or_fail(name: &str, package: &str) -> PathBuf {
    venv_program(name).unwrap_or_else(|| {
        missing(
            name,
            &format!("pip install {package} in the test venv (scripts/test does)"),
        )
    })
}

/// Debian's Python with MySQLdb, which runs on the system's MariaDB Connector/C (libmariadb3).
const DEBIAN_PYTHON: &str = "/usr/bin/python3";

fn has_mysqldb() -> bool {
    std::process::Command::new(DEBIAN_PYTHON)
        .args(["-c", "import MySQLdb"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A Python that runs MySQLdb on MariaDB Connector/C.
#[track_caller]
pub fn mysqldb_python() -> PathBuf {
    if !has_mysqldb() {
        missing("MySQLdb", "install python3-mysqldb");
    }
    PathBuf::from(DEBIAN_PYTHON)
}

/// The add-ca file shapes: every fixture in fixtures/add-ca whose name starts with a digit
/// (without `.cnf`), and `00-no-file` (no file yet).
pub fn add_ca_shapes() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures().join("add-ca"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.as_bytes()[0].is_ascii_digit())
        .map(|n| n.trim_end_matches(".cnf").to_string())
        .collect();
    v.push("00-no-file".into());
    v.sort();
    v
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Copies a fixture tree into `dest`, replacing `@DIR@` in every file with `dest`, and makes
/// every file whose name contains `ww` world-writable (git cannot store that mode).
pub fn copy_tree(src: &Path, dest: &Path) {
    copy_tree_under(src, dest, dest);
}

fn copy_tree_under(src: &Path, dest: &Path, root: &Path) {
    let marker = b"@DIR@";
    let dest_bytes = root.to_str().expect("temp dirs are UTF-8").as_bytes();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let from = entry.path();
        let to = dest.join(entry.file_name());
        if from.is_dir() {
            std::fs::create_dir_all(&to).unwrap();
            copy_tree_under(&from, &to, root);
            continue;
        }
        let data = std::fs::read(&from).unwrap();
        std::fs::write(&to, replace_bytes(&data, marker, dest_bytes)).unwrap();
        if entry.file_name().to_string_lossy().contains("ww") {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o666)).unwrap();
        }
    }
}

/// `hay` with every `from` replaced by `to`.
pub fn replace_bytes(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

/// A command with a clean option-file environment: HOME pointed at `home`, no MYSQL_HOME,
/// MARIADB_HOME or MYSQL_GROUP_SUFFIX from the caller.
pub fn clean_command(program: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("HOME", home)
        .env_remove("MYSQL_HOME")
        .env_remove("MARIADB_HOME")
        .env_remove("MYSQL_GROUP_SUFFIX")
        .env_remove("MYSQL_TEST_LOGIN_FILE");
    cmd
}

/// Runs our program in `dir` with HOME there too (and no XDG data folder from the caller),
/// `stdin` on its standard input.
pub fn run_ours(dir: &Path, args: &[&str], stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = clean_command(&ours(), dir)
        .args(args)
        .current_dir(dir)
        .env_remove("XDG_DATA_HOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // The command may stop reading early: a broken pipe here is not the test's business.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().unwrap()
}

/// The path of our binary.
pub fn ours() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mycnf-secure"))
}

/// Bytes shown with escapes, for failure messages.
pub fn show(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string().replace("\\n", "\\n\n")
}

pub mod certs;
pub mod server;
