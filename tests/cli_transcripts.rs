//! The command line as transcripts: each `tests/cmd/**/NAME.toml` is one run of `mycnf-secure`
//! (its arguments, environment, working folder, and `NAME.stdin` if present) and the expected
//! `NAME.stdout`, `NAME.stderr` and exit status. See tests/cmd/README.md.
//!
//! After an intended change of output, regenerate the transcripts and review the diff:
//!
//!     TRYCMD=overwrite cargo test --test cli_transcripts
//!
//! That also rewrites tests/cmd/add-ca/tree from fixtures/add-ca.

mod common;

use std::path::{Path, PathBuf};

const TARGETS: [&str; 3] = ["mixed", "mysql", "mariadb"];

fn cmd_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd")
}

/// The files under `dir` (relative paths, sorted) with their contents.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_path_buf();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// What tests/cmd/add-ca/tree must hold: fixtures/add-ca with `@DIR@` made `.` (the transcripts
/// run in a copy of the tree, so relative includes resolve there), the demo CA as `ca.pem` and
/// `my certs #1/ca.pem`, and the demo server certificate as `server.pem`.
fn add_ca_tree() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = files_under(&common::fixtures().join("add-ca"))
        .into_iter()
        .map(|(p, data)| (p, common::replace_bytes(&data, b"@DIR@", b".")))
        .collect();
    let cert = |name: &str| std::fs::read(common::fixtures().join("certs").join(name)).unwrap();
    files.push(("ca.pem".into(), cert("demo-ca.pem")));
    files.push(("my certs #1/ca.pem".into(), cert("demo-ca.pem")));
    files.push(("server.pem".into(), cert("demo-server.pem")));
    files.sort();
    files
}

/// Checks (or, with TRYCMD=overwrite, rewrites) tests/cmd/add-ca/tree; gives the files the
/// modes the transcripts show (0644), whatever the checkout's umask made them.
fn sync_add_ca_tree() {
    use std::os::unix::fs::PermissionsExt;
    let tree = cmd_dir().join("add-ca/tree");
    let want = add_ca_tree();
    if std::env::var("TRYCMD").is_ok_and(|v| v == "overwrite") && files_under(&tree) != want {
        let _ = std::fs::remove_dir_all(&tree);
        for (rel, data) in &want {
            std::fs::create_dir_all(tree.join(rel).parent().unwrap()).unwrap();
            std::fs::write(tree.join(rel), data).unwrap();
        }
    }
    let have = files_under(&tree);
    let names = |v: &[(PathBuf, Vec<u8>)]| v.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&have),
        names(&want),
        "tests/cmd/add-ca/tree is not fixtures/add-ca: run TRYCMD=overwrite cargo test --test cli_transcripts"
    );
    for ((rel, data), (_, wanted)) in have.iter().zip(&want) {
        assert!(
            data == wanted,
            "tests/cmd/add-ca/tree/{} differs from fixtures/add-ca: run TRYCMD=overwrite cargo test --test cli_transcripts",
            rel.display()
        );
        std::fs::set_permissions(tree.join(rel), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
}

#[test]
fn every_shape_and_target_has_its_add_ca_transcripts() {
    let mut missing = Vec::new();
    for shape in common::add_ca_shapes() {
        for target in TARGETS {
            for run in ["dry-run", "check"] {
                let toml = cmd_dir().join(format!("add-ca/{shape}/{target}-{run}.toml"));
                if !toml.is_file() {
                    missing.push(toml.display().to_string());
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "no transcript for:\n{}\n(copy a sibling case, then run TRYCMD=overwrite cargo test --test cli_transcripts)",
        missing.join("\n")
    );
}

#[test]
fn every_transcript_checks_both_outputs() {
    // trycmd does not check an output whose file is missing, and TRYCMD=overwrite does not
    // create it: an empty file is the expectation "prints nothing".
    let mut missing = Vec::new();
    for (rel, _) in files_under(&cmd_dir()) {
        if rel.starts_with("add-ca/tree") || rel.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        for ext in ["stdout", "stderr"] {
            let expected = cmd_dir().join(rel.with_extension(ext));
            if !expected.is_file() {
                missing.push(expected.display().to_string());
            }
        }
    }
    assert!(missing.is_empty(), "missing:\n{}", missing.join("\n"));
}

#[test]
fn cli_transcripts() {
    sync_add_ca_tree();
    trycmd::TestCases::new()
        .register_bin("mycnf-secure", common::ours())
        .timeout(std::time::Duration::from_secs(60))
        .case("tests/cmd/**/*.toml")
        .run();
}
