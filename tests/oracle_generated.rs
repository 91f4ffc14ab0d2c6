//! Generated differential test: a seeded generator combines tricky fragments into random option
//! files; `mycnf-secure print-defaults` must print exactly what `my_print_defaults` prints for
//! each, and exit with the same status. Set MYCNF_GEN_SEED to explore other files, MYCNF_GEN_FILES for more.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const GROUPS: &[&[u8]] = &[
    b"[client]",
    b"[mysql]",
    b"[mysqld]",
    b"[CLIENT]",
    b"[ client]",
    b"[client ]",
    b"[client] junk",
    b"[cli]ent]",
    b"[]",
    b"[client-mariadb]",
    b"  [Mysql]\t",
    b"[client#x]",
    b"[client]]",
];

const NAMES: &[&[u8]] = &[
    b"user",
    b"ssl-ca",
    b"ssl_ca",
    b"SSL-CA",
    b"loose-ssl-mode",
    b"skip-ssl",
    b"na#me",
    b"spaced name",
    b"--x",
    b"p'q",
    b"\"quoted\"",
    b"\xe9t\xe9",
];

const SEPARATORS: &[&[u8]] = &[b"=", b" = ", b"\t=\t", b"=  ", b" =", b"=="];

const VALUES: &[&[u8]] = &[
    b"plain",
    b"/etc/mysql/ca.pem",
    b"\"double\"",
    b"'single'",
    b"\"unbalanced",
    b"'mixed\"",
    b"it's",
    b"a#b",
    b"a # c",
    b"\"p#ss\" # c",
    b"x\\sy",
    b"back\\\\",
    b"lone\\",
    b"\\q\\\"\\'",
    b"C:\\new\\table",
    b"\"esc\\\"q#x\"",
    b"esc\\#hash",
    b"h;x",
    b"  padded  ",
    b"\" in quotes \"",
    b"\xa0nb\xa0",
    b"caf\xc3\xa9",
    b"\"a\"b\"",
    b"\"\"",
    b"\"",
    b"'",
    b"\\b\\t\\n\\r",
    b"semi ; colon",
    b"x\x00hidden",
    b"\x0bvt\x0c",
    b"'a'#c",
    b"\"a\\\\\"#c",
];

const OTHER_LINES: &[&[u8]] = &[
    b"",
    b"   ",
    b"# comment",
    b"; comment",
    b"\t# indented",
    b"!foo bar",
    b"!INCLUDE /nowhere.cnf",
    b"!include no-such-relative.cnf",
    b"!include @DIR@/inc-a.cnf",
    b"!include @DIR@/inc-b.cnf",
    b"!include ~/inc-a.cnf",
    b"!include @DIR@/inc-missing.cnf",
    b"!includedir @DIR@/dir",
    b"!include @DIR@/inc-a.cnf # comment",
    b"?includedir @DIR@/dir",
    b"novalue",
    b"\x00nul first",
];

const RARE_FATAL: &[&[u8]] = &[b"[broken", b"!include   ", b"!includedir @DIR@/no-dir"];

fn pick<'a>(rng: &mut ChaCha8Rng, list: &[&'a [u8]]) -> &'a [u8] {
    list[rng.random_range(0..list.len())]
}

fn generate(rng: &mut ChaCha8Rng, dir: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if rng.random_bool(0.01) {
        out.extend_from_slice(b"\xef\xbb\xbf");
    }
    let crlf = rng.random_bool(0.15);
    let lines = rng.random_range(1..40);
    let mut started = rng.random_bool(0.97);
    for i in 0..lines {
        let roll = rng.random_range(0..100);
        let mut line: Vec<u8> = Vec::new();
        if i == 0 && started {
            line.extend_from_slice(pick(rng, GROUPS));
        } else if roll < 12 {
            line.extend_from_slice(pick(rng, GROUPS));
            started = true;
        } else if roll < 30 {
            line.extend_from_slice(pick(rng, OTHER_LINES));
        } else if roll < 31 {
            line.extend_from_slice(pick(rng, RARE_FATAL));
        } else if roll < 32 {
            let n = rng.random_range(4085..4105);
            line.extend_from_slice(b"long=");
            line.extend(std::iter::repeat_n(b'L', n));
        } else {
            if rng.random_bool(0.2) {
                line.extend_from_slice(pick(rng, &[b" ", b"\t", b"  \xa0"]));
            }
            line.extend_from_slice(pick(rng, NAMES));
            if rng.random_bool(0.85) {
                line.extend_from_slice(pick(rng, SEPARATORS));
                line.extend_from_slice(pick(rng, VALUES));
                if rng.random_bool(0.3) {
                    line.extend_from_slice(pick(rng, VALUES));
                }
            }
            if rng.random_bool(0.15) {
                line.extend_from_slice(pick(rng, &[b" # trailing", b"#x", b" ; semi", b"  "]));
            }
        }
        let line = common::replace_bytes(&line, b"@DIR@", dir);
        out.extend_from_slice(&line);
        let last = i + 1 == lines;
        if !(last && rng.random_bool(0.1)) {
            out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
        }
    }
    out
}

fn setup(dir: &Path) {
    std::fs::write(
        dir.join("inc-a.cnf"),
        b"[client]\nfrom-a=1\n[mysqld]\nserver=1\n",
    )
    .unwrap();
    std::fs::write(dir.join("inc-b.cnf"), b"stray=1\n[client]\nnever=1\n").unwrap();
    std::fs::create_dir(dir.join("dir")).unwrap();
    std::fs::write(dir.join("dir/1.cnf"), b"[mysql]\nfrom-dir=1\n").unwrap();
    std::fs::write(dir.join("dir/2.cnf"), b"[client]\r\nbad=\"x\r\n[oops\n").unwrap();
    std::fs::write(dir.join("dir/skip.txt"), b"[client]\nno=1\n").unwrap();
}

/// `print-defaults` on `path` for [client] and [mysql], with HOME (for `~/` includes) and the
/// working directory (for relative ones) both `dir`: what the oracle is given.
fn run(program: &Path, path: &Path, dir: &Path) -> Output {
    let mut cmd = common::clean_command(program, dir);
    if program == common::ours() {
        cmd.args(["print-defaults", "--show-secrets"]);
    }
    cmd.arg(format!("--defaults-file={}", path.display()))
        .args(["client", "mysql"])
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs my_print_defaults (mariadb-client); scripts/test installs it and runs it"]
fn reader_agrees_with_my_print_defaults_on_generated_files() {
    let oracle = common::oracle();
    let seed: u64 = std::env::var("MYCNF_GEN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x006d_7963_6e66);
    let count: usize = std::env::var("MYCNF_GEN_FILES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2400);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    let dir_bytes = dir.to_str().unwrap().as_bytes().to_vec();

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let files: Vec<PathBuf> = (0..count)
        .map(|i| {
            let p = dir.join(format!("gen-{i:05}.cnf"));
            std::fs::write(&p, generate(&mut rng, &dir_bytes)).unwrap();
            p
        })
        .collect();

    let failures: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = files
            .chunks(files.len().div_ceil(4))
            .map(|chunk| {
                let (oracle, ours) = (&oracle, common::ours());
                s.spawn(move || {
                    let mut bad = Vec::new();
                    for path in chunk {
                        let theirs = run(oracle, path, dir);
                        let mine = run(&ours, path, dir);
                        if mine.stdout != theirs.stdout || mine.status.code() != theirs.status.code() {
                            bad.push(format!(
                                "{} (my_print_defaults exit {:?}, ours {:?})\n--- input\n{}\n--- my_print_defaults\n{}\n--- ours\n{}",
                                path.display(),
                                theirs.status.code(),
                                mine.status.code(),
                                common::show(&std::fs::read(path).unwrap()),
                                common::show(&theirs.stdout),
                                common::show(&mine.stdout)
                            ));
                        }
                    }
                    bad
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {count} generated files disagree (seed {seed}); first:\n{}",
        failures.len(),
        failures
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
