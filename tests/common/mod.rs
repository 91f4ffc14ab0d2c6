//! Helpers shared by the integration tests: finding the real programs, copying fixture trees.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether a missing external program must fail the test (under CI) rather than skip it.
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

/// The oracle, `my_print_defaults`. Under CI a missing oracle fails the test; elsewhere the test
/// is skipped with a loud message.
pub fn oracle() -> Option<PathBuf> {
    match find_program("my_print_defaults") {
        Some(p) => Some(p),
        None if required() => panic!(
            "my_print_defaults is not installed and CI=true: install mariadb-client (scripts/test does)"
        ),
        None => {
            eprintln!(
                "\n*** SKIPPED: my_print_defaults not found; install mariadb-client to run the oracle tests ***\n"
            );
            None
        }
    }
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

/// The path of our binary.
pub fn ours() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mycnf-secure"))
}

/// Bytes shown with escapes, for failure messages.
pub fn show(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string().replace("\\n", "\\n\n")
}

pub mod certs;
