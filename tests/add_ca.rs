//! `add-ca` as a script sees it: for every target × mode × file shape in fixtures/add-ca, the
//! exit codes of --dry-run, --check and --yes, the lines kept and written, idempotence, and (with
//! `my_print_defaults`) what the clients then read; the refusals, JSON and the safe-write
//! guarantees. What a person sees for each shape is in the transcripts under tests/cmd/add-ca.

mod common;

use std::io::Write;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::certs;
use mycnf_secure::addca::review;
use mycnf_secure::clients::{self, Target};
use mycnf_secure::optfile::Document;
use mycnf_secure::optfile::edit::Edited;
use serde_json::Value;

const TARGETS: [&str; 3] = ["mixed", "mysql", "mariadb"];
const MODES: [&str; 2] = ["VERIFY_CA", "VERIFY_IDENTITY"];

fn add_ca(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = common::clean_command(&common::ours(), dir);
    cmd.arg("add-ca")
        .args(args)
        .current_dir(dir)
        .env_remove("XDG_DATA_HOME")
        .stdin(std::process::Stdio::null());
    cmd.output().unwrap()
}

fn text(o: &[u8], dir: &Path) -> String {
    String::from_utf8_lossy(o).replace(dir.to_str().unwrap(), "[TMP]")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// A shape's files copied into a fresh folder (with `@DIR@` replaced), plus a CA.
struct Case {
    tmp: tempfile::TempDir,
    file: PathBuf,
    ca: PathBuf,
}

fn case(shape: &str) -> Case {
    let tmp = tempfile::tempdir().unwrap();
    let src = common::fixtures().join("add-ca");
    common::copy_tree(&src, tmp.path());
    let dir = tmp.path();
    let file = if dir.join(shape).is_dir() {
        dir.join(shape).join("my.cnf")
    } else if shape == "00-no-file" {
        dir.join("new.cnf")
    } else {
        dir.join(format!("{shape}.cnf"))
    };
    let ca_dir = if shape.contains("spaces-and-hash") {
        dir.join("my certs #1")
    } else {
        dir.to_path_buf()
    };
    std::fs::create_dir_all(&ca_dir).unwrap();
    let ca = ca_dir.join("ca.pem");
    std::fs::write(&ca, certs::root("Test Root CA").pem()).unwrap();
    Case { tmp, file, ca }
}

/// The options `my_print_defaults` prints for `groups`, as (name, value).
fn print_defaults(file: &Path, groups: &[&str], cwd: &Path) -> Vec<(String, String)> {
    let out = common::clean_command(&common::oracle(), cwd)
        .arg(format!("--defaults-file={}", file.display()))
        .args(groups)
        .current_dir(cwd)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let l = l.trim_start_matches("--");
            match l.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => (l.to_string(), String::new()),
            }
        })
        .collect()
}

fn canonical(name: &str) -> String {
    name.to_ascii_lowercase()
        .replace('_', "-")
        .trim_start_matches("loose-")
        .to_string()
}

/// Every line of `old` is in `new`, in order, unless the tool says it replaced or commented it.
fn assert_untouched_lines_kept(old: &[u8], new: &[u8], touched: &[usize]) {
    let new_lines: Vec<&[u8]> = new.split_inclusive(|&b| b == b'\n').collect();
    let mut j = 0;
    for (i, line) in old.split_inclusive(|&b| b == b'\n').enumerate() {
        if touched.contains(&(i + 1)) {
            continue;
        }
        // The last line may have gained a line feed.
        let found = new_lines[j..].iter().position(|l| {
            *l == line || (!line.ends_with(b"\n") && l.strip_suffix(b"\n") == Some(line))
        });
        let Some(k) = found else {
            panic!(
                "original line {} {:?} is missing from the result:\n{}",
                i + 1,
                String::from_utf8_lossy(line),
                String::from_utf8_lossy(new)
            );
        };
        j += k + 1;
    }
}

/// Runs add-ca `--yes --format json --force` for one cell of the matrix; returns the JSON.
/// (`--force`: a shape with a line in another file is refused without it; the refusal has its
/// own test.)
fn apply(c: &Case, target: &str, mode: &str) -> Value {
    let dir = c.tmp.path();
    let args = [
        c.ca.to_str().unwrap(),
        "--file",
        c.file.to_str().unwrap(),
        "--target",
        target,
        "--mode",
        mode,
        "--yes",
        "--format",
        "json",
        "--force",
    ];
    let done = add_ca(dir, &args);
    assert_eq!(done.status.code(), Some(0), "{}", text(&done.stderr, dir));
    json(&done)
}

/// The lines of `file` that set `name` (any spelling), with their decoded values, read with the
/// library's lossless model.
fn values_of(file: &Path, name: &str) -> Vec<Vec<u8>> {
    let doc = Document::parse(std::fs::read(file).unwrap());
    doc.lines()
        .iter()
        .filter(|l| {
            doc.option_name(l)
                .is_some_and(|n| canonical(&String::from_utf8_lossy(n)) == name)
        })
        .filter_map(|l| doc.option_value(l))
        .collect()
}

/// Every cell of shape × target × mode: --dry-run writes nothing, --check says a change is
/// needed, --yes writes it keeping every untouched line, the written `ssl-ca` holds the CA path,
/// the second run changes nothing and --check then passes. (What is printed is in the
/// transcripts under tests/cmd/add-ca; what the real reader sees is the ignored test below.)
#[test]
fn add_ca_for_every_target_mode_and_file_shape() {
    for shape in common::add_ca_shapes() {
        for target in TARGETS {
            for mode in MODES {
                let c = case(&shape);
                let dir = c.tmp.path();
                let original = std::fs::read(&c.file).ok();
                let file = c.file.to_str().unwrap();
                let ca = c.ca.to_str().unwrap();
                let base = [
                    "--file", file, "--target", target, "--mode", mode, "--force",
                ];
                let cell = format!("{shape} --target {target} --mode {mode}");

                // What a person sees first.
                let dry = add_ca(dir, &[&[ca][..], &base, &["--dry-run"]].concat());
                assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr, dir));
                assert_eq!(
                    std::fs::read(&c.file).ok(),
                    original,
                    "{cell}: --dry-run wrote"
                );

                // --check says a change is needed, then the script applies it.
                let check = add_ca(dir, &[&[ca][..], &base, &["--check"]].concat());
                assert_eq!(check.status.code(), Some(1), "{cell}: --check before");
                assert_eq!(
                    std::fs::read(&c.file).ok(),
                    original,
                    "{cell}: --check wrote"
                );
                let j = apply(&c, target, mode);
                assert_eq!(j["applied"], true, "{cell}");
                let new = std::fs::read(&c.file).unwrap();

                let touched: Vec<usize> = j["changes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|ch| ch["action"] != "added")
                    .map(|ch| ch["line"].as_u64().unwrap() as usize)
                    .collect();
                assert_untouched_lines_kept(
                    original.as_deref().unwrap_or_default(),
                    &new,
                    &touched,
                );
                // The lines we wrote say what was asked, once decoded.
                assert!(
                    values_of(&c.file, "ssl-ca").contains(&ca.as_bytes().to_vec()),
                    "{cell}: no ssl-ca line holds the CA path:\n{}",
                    String::from_utf8_lossy(&new)
                );

                // In the fixture the included file comes after [client] (so it wins there), but
                // before a [client-mariadb] block appended at the end (so the mariadb target wins).
                if shape.contains("includedir-override") && target != "mariadb" {
                    let o = j["overrides"].as_array().unwrap();
                    assert!(
                        o.iter().any(|o| o["file"]
                            .as_str()
                            .unwrap()
                            .ends_with("conf.d/50-tls.cnf")
                            && o["line"] == 2),
                        "{cell}: the override in the included file is not reported: {o:?}"
                    );
                }

                // Idempotent: the second run changes nothing and says so.
                assert_eq!(
                    apply(&c, target, mode)["changed"],
                    false,
                    "{cell}: second run"
                );
                assert_eq!(std::fs::read(&c.file).unwrap(), new);
                let check = add_ca(dir, &[&[ca][..], &base, &["--check"]].concat());
                assert_eq!(check.status.code(), Some(0), "{cell}: --check after");
            }
        }
    }
}

/// The families a target is written for, as the JSON names them.
fn covered(target: &str) -> Vec<Value> {
    let t = match target {
        "mysql" => Target::Mysql,
        "mariadb" => Target::Mariadb,
        _ => Target::Mixed,
    };
    clients::covered(t)
        .iter()
        .map(|p| serde_json::to_value(p.family).unwrap())
        .collect()
}

/// Every cell of shape × target × mode, applied without --force: add-ca either refuses (exit
/// 3, the file untouched, a line of another file named) or exits 0, and then no family of the
/// target is stopped ("fail") or has TLS switched off in the table it printed, but for a
/// refusal that the original file already earned (a repeated group for a strict INI parser,
/// bytes that are not UTF-8 for Connector/Python).
#[test]
fn add_ca_never_exits_0_leaving_a_client_of_its_target_stopped_or_with_tls_switched_off() {
    let mut refused = Vec::new();
    for shape in common::add_ca_shapes() {
        for target in TARGETS {
            for mode in MODES {
                let c = case(&shape);
                let dir = c.tmp.path();
                let cell = format!("{shape} --target {target} --mode {mode}");
                let original = std::fs::read(&c.file).ok();
                let pre_strict = original.as_ref().and_then(|o| {
                    let doc = Document::parse(o.clone());
                    review::strict_ini_error(&doc, &Edited::default())
                        .or_else(|| review::not_utf8_error(&doc, &Edited::default()))
                });
                let out = add_ca(
                    dir,
                    &[
                        c.ca.to_str().unwrap(),
                        "--file",
                        c.file.to_str().unwrap(),
                        "--target",
                        target,
                        "--mode",
                        mode,
                        "--yes",
                        "--format",
                        "json",
                    ],
                );
                if out.status.code() == Some(3) {
                    refused.push(format!("{shape} {target}"));
                    // With --format json the refusal is JSON too, naming the line.
                    let err = &json(&out)["error"];
                    assert_eq!(err["code"], "blocked_by_other_file", "{cell}: {err}");
                    assert!(
                        err["message"]
                            .as_str()
                            .unwrap()
                            .contains("add-ca edits only"),
                        "{cell}: {err}"
                    );
                    assert!(
                        err["file"].as_str().unwrap().ends_with(".cnf")
                            && err["line"].as_u64() > Some(0),
                        "{cell}: {err}"
                    );
                    assert_eq!(std::fs::read(&c.file).ok(), original, "{cell}: wrote");
                    continue;
                }
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{cell}: {}",
                    text(&out.stderr, dir)
                );
                let j = json(&out);
                let families = covered(target);
                for row in j["clients"].as_array().unwrap() {
                    if !families.contains(&row["family"]) {
                        continue;
                    }
                    let summary = row["summary"].as_str().unwrap();
                    if pre_strict.is_some() && summary.starts_with("refuses the file") {
                        continue;
                    }
                    assert!(
                        row["level"] != "broken" && !summary.contains("TLS switched off"),
                        "{cell}: exit 0 leaves {row}"
                    );
                }
            }
        }
    }
    // The lines of included files: `ssl-mode=DISABLED` stops MariaDB clients and undoes ours
    // for MySQL; `skip-ssl` stops MySQL clients (and comes before MariaDB's lines of ours).
    refused.dedup();
    assert_eq!(
        refused,
        [
            "14-includedir-override mixed",
            "14-includedir-override mysql",
            "14-includedir-override mariadb",
            "20-include-skip-ssl mixed",
            "20-include-skip-ssl mysql",
        ]
    );
}

/// A line of an included file (which add-ca does not edit) that stops a client of the target is
/// refused with its file and line (exit 3) and nothing is written; with --force add-ca writes
/// and warns with the same file and line.
#[test]
fn a_line_in_an_included_file_that_stops_a_client_is_refused_with_its_file_and_line_unless_forced()
{
    let c = case("20-include-skip-ssl");
    let dir = c.tmp.path();
    let original = std::fs::read(&c.file).unwrap();
    let args = [
        c.ca.to_str().unwrap(),
        "--file",
        c.file.to_str().unwrap(),
        "--yes",
    ];
    let out = add_ca(dir, &args);
    let err = text(&out.stderr, dir);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains(
            "[TMP]/20-include-skip-ssl/conf.d/tls.cnf:2: [client] skip-ssl: stops MySQL CLI (unknown option 'skip-ssl')"
        ),
        "{err}"
    );
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(std::fs::read(&c.file).unwrap(), original);

    let forced = add_ca(dir, &[&args[..], &["--force"]].concat());
    let out_text = text(&forced.stdout, dir) + &text(&forced.stderr, dir);
    assert_eq!(forced.status.code(), Some(0), "{out_text}");
    assert!(
        out_text.contains("warning: [TMP]/20-include-skip-ssl/conf.d/tls.cnf:2: [client] skip-ssl"),
        "{out_text}"
    );
    assert_ne!(std::fs::read(&c.file).unwrap(), original);
}

/// After add-ca, `my_print_defaults` (what the clients read) gives our values last, for the
/// groups of the target's clients, in every cell of shape × target × mode.
#[test]
#[ignore = "needs my_print_defaults (mariadb-client); scripts/test installs it and runs it"]
fn my_print_defaults_reads_our_values_last_for_every_target_mode_and_file_shape() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for shape in common::add_ca_shapes() {
        for target in TARGETS {
            // In the fixture the included file comes after [client], so it wins there (add-ca
            // reports it as an override: the test above checks that).
            let overridden = shape.contains("includedir-override") && target != "mariadb";
            for mode in MODES {
                let c = case(&shape);
                apply(&c, target, mode);
                let groups: &[&str] = match target {
                    "mysql" => &["client", "mysql"],
                    _ => &[
                        "mysql",
                        "mariadb-client",
                        "client",
                        "client-server",
                        "client-mariadb",
                    ],
                };
                let opts = print_defaults(&c.file, groups, c.tmp.path());
                let last = |n: &str| {
                    opts.iter()
                        .rev()
                        .find(|(k, _)| canonical(k) == n)
                        .map(|(_, v)| v.clone())
                };
                checked += 1;
                if overridden {
                    if (last("ssl-ca").as_deref(), last("ssl-mode").as_deref())
                        != (Some("/elsewhere/ca.pem"), Some("DISABLED"))
                    {
                        failures.push(format!(
                            "{shape} {target} {mode}: the reported override does not win: {opts:?}"
                        ));
                    }
                    continue;
                }
                let want_ca = c.ca.to_str().unwrap().to_string();
                if last("ssl-ca").as_deref() != Some(want_ca.as_str()) {
                    failures.push(format!(
                        "{shape} {target} {mode}: ssl-ca is {:?}",
                        last("ssl-ca")
                    ));
                }
                if target != "mariadb" && last("ssl-mode").as_deref() != Some(mode) {
                    failures.push(format!(
                        "{shape} {target} {mode}: ssl-mode is {:?}",
                        last("ssl-mode")
                    ));
                }
                if target != "mysql"
                    && mode == "VERIFY_IDENTITY"
                    && last("ssl-verify-server-cert").as_deref() != Some("1")
                {
                    failures.push(format!(
                        "{shape} {target} {mode}: no ssl-verify-server-cert=1 last"
                    ));
                }
            }
        }
    }
    assert_eq!(
        checked,
        common::add_ca_shapes().len() * TARGETS.len() * MODES.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn path_with_spaces_and_hash() -> Case {
    let c = case("15-path-with-spaces-and-hash");
    let dir = c.tmp.path();
    let out = add_ca(
        dir,
        &[
            c.ca.to_str().unwrap(),
            "--file",
            c.file.to_str().unwrap(),
            "--yes",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr, dir));
    c
}

#[test]
fn a_path_with_spaces_and_hash_is_quoted_and_decodes_exactly() {
    let c = path_with_spaces_and_hash();
    let written = std::fs::read_to_string(&c.file).unwrap();
    assert!(written.contains("ssl-ca=\""), "quoted: {written}");
    // In [client] and in [connector_python].
    assert_eq!(
        values_of(&c.file, "ssl-ca"),
        [c.ca.to_str().unwrap().as_bytes(); 2]
    );
}

#[test]
#[ignore = "needs my_print_defaults (mariadb-client); scripts/test installs it and runs it"]
fn a_path_with_spaces_and_hash_reads_back_exactly_through_my_print_defaults() {
    let c = path_with_spaces_and_hash();
    let opts = print_defaults(&c.file, &["client"], c.tmp.path());
    assert!(
        opts.contains(&("ssl-ca".to_string(), c.ca.to_str().unwrap().to_string())),
        "{opts:?}"
    );
}

// ---- refusals: nothing is touched ----

fn mtime(p: &Path) -> std::time::SystemTime {
    std::fs::metadata(p).unwrap().modified().unwrap()
}

#[test]
fn an_invalid_ca_exits_3_and_leaves_the_file_untouched() {
    let c = case("03-client-once");
    let dir = c.tmp.path();
    let root = certs::root("Root");
    std::fs::write(
        dir.join("leaf.pem"),
        certs::server(&root, &["db.example.test"]).pem(),
    )
    .unwrap();
    let before = (std::fs::read(&c.file).unwrap(), mtime(&c.file));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = add_ca(
        dir,
        &["leaf.pem", "--file", c.file.to_str().unwrap(), "--yes"],
    );
    assert_eq!(out.status.code(), Some(3));
    let err = text(&out.stderr, dir);
    assert!(
        err.contains("error[CA202]") && err.contains("nothing was changed"),
        "{err}"
    );
    assert_eq!((std::fs::read(&c.file).unwrap(), mtime(&c.file)), before);
}

#[test]
fn an_option_file_the_reader_rejects_is_refused_with_its_line() {
    let c = case("01-empty");
    let dir = c.tmp.path();
    std::fs::write(&c.file, "[client]\nuser=a\n  [mysql\n").unwrap();
    let out = add_ca(
        dir,
        &["ca.pem", "--file", c.file.to_str().unwrap(), "--yes"],
    );
    assert_eq!(out.status.code(), Some(3));
    let err = text(&out.stderr, dir);
    assert!(err.contains("01-empty.cnf:3:3"), "{err}");
    assert!(err.contains("3 |   [mysql\n  |   ^^^^^^"), "{err}");
    assert_eq!(
        std::fs::read(&c.file).unwrap(),
        b"[client]\nuser=a\n  [mysql\n"
    );
}

#[test]
fn without_a_terminal_or_yes_it_refuses_and_never_waits() {
    let c = case("03-client-once");
    let dir = c.tmp.path();
    let before = std::fs::read(&c.file).unwrap();
    let out = add_ca(dir, &["ca.pem", "--file", c.file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(5));
    assert!(
        text(&out.stdout, dir).contains("+ssl-ca = [TMP]/ca.pem"),
        "the diff is still shown"
    );
    assert!(text(&out.stderr, dir).contains("run again with --yes"));
    assert_eq!(std::fs::read(&c.file).unwrap(), before);
}

#[test]
fn weak_modes_are_refused_with_the_reason() {
    let c = case("01-empty");
    let out = add_ca(c.tmp.path(), &["ca.pem", "--mode", "REQUIRED", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("REQUIRED is not accepted"));
}

#[test]
#[ignore = "needs the system CA bundle (ca-certificates); scripts/test installs it and runs it"]
fn system_roots_mean_verify_identity_and_refuse_verify_ca() {
    let bundle = common::system_bundle();
    let c = case("01-empty");
    let dir = c.tmp.path();
    let file = c.file.to_str().unwrap();
    let refused = add_ca(
        dir,
        &[
            "--system-roots",
            "--file",
            file,
            "--mode",
            "VERIFY_CA",
            "--yes",
        ],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("any server with a certificate from any public CA would pass")
    );
    let ok = add_ca(
        dir,
        &[
            "--system-roots",
            "--file",
            file,
            "--yes",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let j = json(&ok);
    assert_eq!(j["mode"], "VERIFY_IDENTITY");
    assert_eq!(j["ca"]["path_written"], bundle.to_str().unwrap());
    assert!(j["ca"]["public_roots"].as_u64().unwrap() > 100);
    let written = std::fs::read_to_string(&c.file).unwrap();
    assert!(written.contains("loose-ssl-mode=VERIFY_IDENTITY"));
    assert!(written.contains("[client-mariadb]\nssl-verify-server-cert=1"));
}

#[test]
fn a_pasted_ca_is_installed_by_fingerprint_and_that_path_is_written() {
    let c = case("00-no-file");
    let dir = c.tmp.path();
    let mut cmd = common::clean_command(&common::ours(), dir);
    let out = cmd
        .args(["add-ca", "-", "--yes", "--format", "json"])
        .current_dir(dir)
        .env_remove("XDG_DATA_HOME")
        .stdin(std::fs::File::open(&c.ca).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j = json(&out);
    let path = PathBuf::from(j["ca"]["path_written"].as_str().unwrap());
    assert!(
        path.starts_with(dir.join(".local/share/mycnf-secure/ca")),
        "{}",
        path.display()
    );
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&c.ca).unwrap());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o644
    );
    // The per-user file did not exist: it is created 0600 in HOME.
    let my_cnf = dir.join(".my.cnf");
    assert_eq!(
        std::fs::metadata(&my_cnf).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        std::fs::read_to_string(&my_cnf)
            .unwrap()
            .contains(path.to_str().unwrap())
    );
}

// ---- the write keeps what it must keep ----

#[test]
fn the_file_keeps_its_mode_loses_world_write_and_a_symlink_stays_a_link() {
    use std::os::unix::fs::PermissionsExt;
    let c = case("03-client-once");
    let dir = c.tmp.path();
    std::fs::set_permissions(&c.file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.join("link.cnf");
    std::os::unix::fs::symlink(&c.file, &link).unwrap();
    let out = add_ca(dir, &["ca.pem", "--file", "link.cnf", "--yes", "--backup"]);
    assert!(out.status.success(), "{}", text(&out.stderr, dir));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::metadata(&c.file).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert!(std::fs::read_to_string(&c.file).unwrap().contains("ssl-ca"));
    let backups: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("03-client-once.cnf.bak-")
        })
        .collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(
        std::fs::read(backups[0].path()).unwrap(),
        std::fs::read(common::fixtures().join("add-ca/03-client-once.cnf")).unwrap()
    );

    let ww = case("03-client-once");
    std::fs::set_permissions(&ww.file, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = add_ca(
        ww.tmp.path(),
        &["ca.pem", "--file", ww.file.to_str().unwrap(), "--yes"],
    );
    assert!(out.status.success());
    assert_eq!(
        std::fs::metadata(&ww.file).unwrap().permissions().mode() & 0o777,
        0o664
    );
}

#[test]
fn a_failed_write_leaves_no_file_behind() {
    let c = case("01-empty");
    let dir = c.tmp.path();
    std::fs::write(dir.join("not-a-dir"), "x").unwrap();
    let before: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let out = add_ca(dir, &["ca.pem", "--file", "not-a-dir/my.cnf", "--yes"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr, dir));
    assert_eq!(std::fs::read(dir.join("not-a-dir")).unwrap(), b"x");
    let after: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(after, before, "no file left behind");
}

// ---- what is shown ----

#[test]
fn passwords_are_masked_in_the_diff_unless_asked() {
    let c = case("03-client-once");
    let dir = c.tmp.path();
    let file = c.file.to_str().unwrap();
    let masked = text(
        &add_ca(dir, &["ca.pem", "--file", file, "--dry-run"]).stdout,
        dir,
    );
    assert!(
        masked.contains("password = *****") && !masked.contains("s3cret"),
        "{masked}"
    );
    let shown = text(
        &add_ca(
            dir,
            &["ca.pem", "--file", file, "--dry-run", "--show-secrets"],
        )
        .stdout,
        dir,
    );
    assert!(shown.contains("s3cret#1"));
}

#[test]
fn json_output_has_the_documented_fields() {
    let c = case("07-later-ssl-mode-disabled");
    let dir = c.tmp.path();
    let out = add_ca(
        dir,
        &[
            "ca.pem",
            "--file",
            c.file.to_str().unwrap(),
            "--dry-run",
            "--format",
            "json",
        ],
    );
    let j = json(&out);
    for key in [
        "schema",
        "file",
        "created",
        "changed",
        "applied",
        "target",
        "mode",
        "ca",
        "diff",
        "changes",
        "lines_written",
        "clients",
        "overrides",
        "warnings",
        "backup",
        "exit",
    ] {
        assert!(j.get(key).is_some(), "missing {key}");
    }
    assert_eq!(j["schema"], "mycnf-secure/add-ca/v1");
    assert_eq!(j["applied"], false);
    let rows = j["clients"].as_array().unwrap();
    assert_eq!(rows.len(), mycnf_secure::clients::PROFILES.len());
    for row in rows {
        for key in [
            "client",
            "family",
            "level",
            "summary",
            "tls",
            "ca_verified",
            "host_checked",
        ] {
            assert!(row.get(key).is_some(), "row {row} misses {key}");
        }
    }
    let pymysql = rows.iter().find(|r| r["family"] == "pymysql").unwrap();
    assert_eq!(pymysql["tls"], "required");
    assert_eq!(pymysql["ca_verified"], true);
    let php = rows.iter().find(|r| r["family"] == "php_mysqlnd").unwrap();
    assert_eq!(php["level"], "unaffected");
    assert_eq!(php["tls"], Value::Null);
    let commented: Vec<&Value> = j["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] == "commented_out")
        .collect();
    assert_eq!(
        commented.len(),
        1,
        "only [mysql] is read by clients: {commented:?}"
    );
    assert_eq!(commented[0]["line"], 5);
}

// ---- on a terminal ----

/// Runs add-ca on a pseudo-terminal (util-linux `script`), typing `answer` at the prompt.
fn on_terminal(dir: &Path, args: &str, answer: &str) -> (Output, String) {
    on_terminal_then(dir, args, || {}, answer)
}

/// As [`on_terminal`], running `meanwhile` while the prompt is up, before the answer.
fn on_terminal_then(
    dir: &Path,
    args: &str,
    meanwhile: impl FnOnce(),
    answer: &str,
) -> (Output, String) {
    on_terminal_session(dir, args, |stdin| {
        // Type the answer once the prompt is up.
        std::thread::sleep(std::time::Duration::from_millis(800));
        meanwhile();
        stdin.write_all(answer.as_bytes()).unwrap();
    })
}

/// Runs add-ca with `args` on a pseudo-terminal (util-linux `script`), `typing` on it; what
/// it did and what the terminal showed.
fn on_terminal_session(
    dir: &Path,
    args: &str,
    typing: impl FnOnce(&mut std::process::ChildStdin),
) -> (Output, String) {
    let mut child = common::clean_command(&common::script(), dir)
        .args(["-qec"])
        .arg(format!("{} add-ca {args}", common::ours().display()))
        .arg("/dev/null")
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    typing(&mut stdin);
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    (out, shown)
}

#[test]
#[ignore = "needs script (bsdutils) for a terminal; scripts/test installs it and runs it"]
fn on_a_terminal_it_asks_and_writes_only_after_yes() {
    let c = case("03-client-once");
    let dir = c.tmp.path();
    let before = std::fs::read(&c.file).unwrap();
    let args = format!("ca.pem --file {}", c.file.display());
    let (out, shown) = on_terminal(dir, &args, "n\n");
    assert!(shown.contains("apply? [y/N]"), "{shown}");
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(std::fs::read(&c.file).unwrap(), before, "answered no");

    let (out, shown) = on_terminal(dir, &args, "y\n");
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("What each client will do with the result:"));
    assert!(shown.contains("wrote "), "{shown}");
    assert!(
        std::fs::read_to_string(&c.file)
            .unwrap()
            .contains("ssl-ca = ")
    );
}

#[test]
#[ignore = "needs script (bsdutils) for a terminal; scripts/test installs it and runs it"]
fn a_file_changed_while_the_prompt_is_up_is_not_overwritten() {
    let c = case("03-client-once");
    let dir = c.tmp.path();
    let names = || {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        v.sort();
        v
    };
    let before = names();
    let theirs = b"[client]\nuser=someone-else\n";
    let args = format!("ca.pem --file {}", c.file.display());
    let (out, shown) = on_terminal_then(
        dir,
        &args,
        || std::fs::write(&c.file, theirs).unwrap(),
        "y\n",
    );
    assert!(shown.contains("apply? [y/N]"), "{shown}");
    assert_eq!(out.status.code(), Some(5), "{shown}");
    assert!(
        shown.contains("changed while it was being reviewed; nothing was written"),
        "{shown}"
    );
    assert_eq!(std::fs::read(&c.file).unwrap(), theirs);
    assert_eq!(names(), before, "no temporary file left");
}

/// add-ca --group myapp on a file with [client].
fn with_group_myapp() -> Case {
    let c = case("03-client-once");
    let dir = c.tmp.path();
    let out = add_ca(
        dir,
        &[
            "ca.pem",
            "--file",
            c.file.to_str().unwrap(),
            "--group",
            "myapp",
            "--yes",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr, dir));
    let written = std::fs::read_to_string(&c.file).unwrap();
    assert!(written.contains("[myapp]\nssl-ca = "), "{written}");
    c
}

#[test]
fn group_puts_the_lines_in_the_group_an_application_reads() {
    let c = with_group_myapp();
    let doc = Document::parse(std::fs::read(&c.file).unwrap());
    let in_myapp: Vec<Vec<u8>> = doc
        .lines()
        .iter()
        .filter(|l| doc.option_name(l) == Some(b"ssl-ca"))
        .filter(|l| {
            l.group()
                .and_then(|g| doc.group_name(&doc.lines()[g]))
                .is_some_and(|g| g == b"myapp")
        })
        .filter_map(|l| doc.option_value(l))
        .collect();
    assert_eq!(in_myapp, [c.ca.to_str().unwrap().as_bytes()]);
}

#[test]
#[ignore = "needs my_print_defaults (mariadb-client); scripts/test installs it and runs it"]
fn group_puts_the_lines_in_the_group_my_print_defaults_reads() {
    let c = with_group_myapp();
    let opts = print_defaults(&c.file, &["myapp"], c.tmp.path());
    assert!(
        opts.contains(&("ssl-ca".to_string(), c.ca.to_str().unwrap().to_string())),
        "{opts:?}"
    );
}

#[test]
fn a_password_file_readable_by_others_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let c = case("03-client-once");
    std::fs::set_permissions(&c.file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = add_ca(
        c.tmp.path(),
        &["ca.pem", "--file", c.file.to_str().unwrap(), "--dry-run"],
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("holds a password and is readable by other users (mode 0644)")
    );
}

/// Runs add-ca on a terminal, typing each piece of input after its pause (milliseconds).
fn on_terminal_typed(dir: &Path, args: &str, typed: &[(u64, &str)]) -> (Output, String) {
    on_terminal_session(dir, args, |stdin| {
        for (pause, text) in typed {
            std::thread::sleep(std::time::Duration::from_millis(*pause));
            stdin.write_all(text.as_bytes()).unwrap();
            stdin.flush().unwrap();
        }
    })
}

/// A paste is read whole, then the question is asked: it ends with an empty line once nothing
/// more of it follows, and the answer typed after the diff is never taken for part of it.
#[test]
#[ignore = "needs script (bsdutils) for a terminal; scripts/test installs it and runs it"]
fn a_certificate_pasted_on_a_terminal_ends_at_an_empty_line_then_the_answer_is_read() {
    let c = case("00-no-file");
    let dir = c.tmp.path();
    let pem = std::fs::read_to_string(&c.ca).unwrap();
    let args = format!("- --file {}", c.file.display());
    let (out, shown) = on_terminal_typed(dir, &args, &[(800, &format!("{pem}\n")), (1500, "y\n")]);
    assert!(shown.contains("Paste the CA certificate"), "{shown}");
    assert!(shown.contains("apply?"), "{shown}");
    assert_eq!(out.status.code(), Some(0), "{shown}");
    let written = std::fs::read_to_string(&c.file).unwrap();
    let installed = dir.join(".local/share/mycnf-secure/ca");
    assert!(written.contains(installed.to_str().unwrap()), "{written}");
}

/// A bundle pasted with empty lines between its certificates arrives in one burst and is read
/// whole: both CAs are installed, none is taken for the answer.
#[test]
#[ignore = "needs script (bsdutils) for a terminal; scripts/test installs it and runs it"]
fn a_bundle_pasted_with_empty_lines_between_certificates_is_read_whole() {
    let c = case("00-no-file");
    let dir = c.tmp.path();
    let one = certs::root("Pasted Root One").pem();
    let two = certs::root("Pasted Root Two").pem();
    let paste = format!("{one}\n\n{two}\n");
    let args = format!("- --file {}", c.file.display());
    let (out, shown) = on_terminal_typed(dir, &args, &[(800, &paste), (1500, "y\n")]);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("2 usable CAs in 2 certificates"), "{shown}");
    let written = std::fs::read_to_string(&c.file).unwrap();
    assert!(written.contains("ssl-ca"), "{written}");
}

/// Ctrl-D ends the paste too (the guide says "paste, then Ctrl-D").
#[test]
#[ignore = "needs script (bsdutils) for a terminal; scripts/test installs it and runs it"]
fn a_paste_ended_with_ctrl_d_is_read_then_the_answer() {
    let c = case("00-no-file");
    let dir = c.tmp.path();
    let pem = std::fs::read_to_string(&c.ca).unwrap();
    let args = format!("- --file {}", c.file.display());
    let (out, shown) = on_terminal_typed(dir, &args, &[(800, &pem), (300, "\u{4}"), (1500, "y\n")]);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("apply?"), "{shown}");
    assert!(std::fs::read_to_string(&c.file).unwrap().contains("ssl-ca"));
}

/// A paste copied without its last line feed, then Ctrl-D once: the terminal hands the END line
/// over without a line feed; the paste ends there, and the answer typed next is the answer,
/// not part of the certificate.
#[test]
#[ignore = "needs script (bsdutils) for a terminal; scripts/test installs it and runs it"]
fn a_paste_without_its_last_line_feed_ended_with_one_ctrl_d_is_read_then_the_answer() {
    let c = case("00-no-file");
    let dir = c.tmp.path();
    let pem = std::fs::read_to_string(&c.ca).unwrap();
    let pem = pem.trim_end();
    let args = format!("- --file {}", c.file.display());
    let (out, shown) = on_terminal_typed(dir, &args, &[(800, pem), (300, "\u{4}"), (1500, "y\n")]);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("apply?"), "{shown}");
    assert!(std::fs::read_to_string(&c.file).unwrap().contains("ssl-ca"));
}

#[test]
fn a_binary_option_file_is_refused_with_one_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("blob.cnf");
    std::fs::write(&file, b"\0\x01\x02[client\nuser=a\n\0\0\n").unwrap();
    let ca = tmp.path().join("ca.pem");
    std::fs::write(&ca, certs::root("Test Root CA").pem()).unwrap();
    let out = add_ca(
        tmp.path(),
        &[
            ca.to_str().unwrap(),
            "--file",
            file.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("error[").count(), 1, "{err}");
    assert!(err.contains("error[MC120]"), "{err}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        b"\0\x01\x02[client\nuser=a\n\0\0\n"
    );
}
