//! The Debian package a sysadmin installs: scripts/build-deb builds it with cargo-deb, `dpkg -i`
//! installs it on this machine, and the installed files work — the binary, its man page, its
//! bash completion, the documentation. `cargo install --path .` keeps working too.
//!
//! Ignored by default: it needs cargo-deb and root (it installs a package, then removes it).
//! scripts/test installs cargo-deb and runs it; CI runs as root.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Removes the package when the test ends, passed or not.
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = Command::new("dpkg")
            .args(["--purge", "mycnf-secure"])
            .output();
    }
}

#[test]
#[ignore = "needs cargo-deb (crates.io) and root, installs the package with dpkg; scripts/test installs cargo-deb and runs it"]
fn the_debian_package_installs_a_working_binary_man_pages_completions_and_docs() {
    if common::find_program("cargo-deb").is_none() {
        common::missing("cargo-deb", "cargo install cargo-deb (scripts/test does)");
    }
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if !is_root {
        common::missing(
            "root",
            "run the test as root (CI does); it installs a package",
        );
    }
    run(&mut Command::new(root_dir().join("scripts/build-deb")));
    let debs: Vec<PathBuf> = std::fs::read_dir(root_dir().join("target/debian"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "deb"))
        .collect();
    assert_eq!(debs.len(), 1, "{debs:?}");
    let deb = &debs[0];

    // What the package holds, before installing it.
    let listing = text(&run(Command::new("dpkg-deb").arg("--contents").arg(deb)));
    for want in [
        "./usr/bin/mycnf-secure",
        "./usr/share/man/man1/mycnf-secure.1.gz",
        "./usr/share/man/man1/mycnf-secure-add-ca.1.gz",
        "./usr/share/bash-completion/completions/mycnf-secure",
        "./usr/share/zsh/vendor-completions/_mycnf-secure",
        "./usr/share/fish/vendor_completions.d/mycnf-secure.fish",
        "./usr/share/doc/mycnf-secure/README.md",
        "./usr/share/doc/mycnf-secure/docs/clients.md",
    ] {
        assert!(
            listing.contains(want),
            "the package lacks {want}:\n{listing}"
        );
    }
    let control = text(&run(Command::new("dpkg-deb").arg("--field").arg(deb)));
    assert!(control.contains("Package: mycnf-secure"), "{control}");
    assert!(control.contains("Section: database"), "{control}");

    let _installed = Installed;
    run(Command::new("dpkg").arg("-i").arg(deb));

    let version = text(&run(Command::new("/usr/bin/mycnf-secure").arg("--version")));
    assert_eq!(
        version.trim(),
        format!("mycnf-secure {}", env!("CARGO_PKG_VERSION"))
    );
    let man = text(&run(Command::new("man").args(["-w", "mycnf-secure"])));
    assert_eq!(man.trim(), "/usr/share/man/man1/mycnf-secure.1.gz");
    let page = text(&run(Command::new("man").args(["-w", "mycnf-secure-add-ca"])));
    assert_eq!(page.trim(), "/usr/share/man/man1/mycnf-secure-add-ca.1.gz");

    // The bash completion, as bash-completion loads it: completing `mycnf-secure ad` offers
    // add-ca, and `mycnf-secure add-ca --mo` offers --mode.
    let complete = |words: &str, cword: usize| {
        // The function is the one the file registers for the command (`complete -F`).
        let script = format!(
            "source /usr/share/bash-completion/completions/mycnf-secure\n\
             f=$(complete -p mycnf-secure | sed -E 's/.*-F ([^ ]+).*/\\1/')\n\
             COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{words}'; COMP_POINT=${{#COMP_LINE}}\n\
             \"$f\" mycnf-secure \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
        );
        text(&run(Command::new("bash").args(["--norc", "-c", &script])))
    };
    let commands = complete("mycnf-secure ad", 1);
    assert!(
        commands.lines().any(|l| l == "add-ca"),
        "bash completion: {commands}"
    );
    let flags = complete("mycnf-secure add-ca --mo", 2);
    assert!(
        flags.lines().any(|l| l == "--mode"),
        "bash completion: {flags}"
    );
    assert!(Path::new("/usr/share/doc/mycnf-secure/README.md").is_file());
}

#[test]
#[ignore = "builds a release with cargo install; scripts/test runs it"]
fn cargo_install_path_dot_installs_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    run(Command::new(env!("CARGO"))
        .args(["install", "--quiet", "--offline", "--path"])
        .arg(root_dir())
        .arg("--root")
        .arg(dir.path())
        // The project's own release build is reused instead of building in a temporary folder.
        .env("CARGO_TARGET_DIR", root_dir().join("target")));
    let version = text(&run(
        Command::new(dir.path().join("bin/mycnf-secure")).arg("--version")
    ));
    assert_eq!(
        version.trim(),
        format!("mycnf-secure {}", env!("CARGO_PKG_VERSION"))
    );
}
