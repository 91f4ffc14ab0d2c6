//! What mycnf-secure reads and writes on disk (docs/security.md, "Files: what is read and
//! written"): only regular files; symlinks followed and kept; the installed CA is the clean
//! bundle and never replaces another file; backups; and faults (read-only folder, permission
//! denied, full disk, killed mid-write) that leave the old file or the new one, never a torn
//! one, and no temporary file.
//!
//! Everything happens in temporary folders: FIFOs and device nodes are made there (a device
//! node only as root; otherwise a link to /dev/null, which a user cannot damage). As root the
//! read-only folder is a read-only bind mount and "permission denied" an immutable folder
//! (`chattr +i`), since root ignores modes; as a user, `chmod 0555`. A full disk is
//! RLIMIT_FSIZE (every user) and, as root, a tiny tmpfs.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::certs;
use mycnf_secure::apply::write::{self, WriteError};

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// A folder with a HOME, a data folder and a CA.
struct Env {
    tmp: tempfile::TempDir,
    ca: PathBuf,
}

impl Env {
    fn new() -> Env {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("home")).unwrap();
        let ca = tmp.path().join("ca.pem");
        std::fs::write(&ca, certs::root("Fs Safety Root").pem()).unwrap();
        Env { tmp, ca }
    }

    fn dir(&self) -> &Path {
        self.tmp.path()
    }

    fn home(&self) -> PathBuf {
        self.dir().join("home")
    }

    fn data(&self) -> PathBuf {
        self.dir().join("data")
    }

    /// Our binary, HOME and XDG_DATA_HOME in the temporary folder.
    fn cmd(&self) -> Command {
        let mut cmd = common::clean_command(&common::ours(), &self.home());
        cmd.env("XDG_DATA_HOME", self.data())
            .current_dir(self.dir())
            .stdin(Stdio::null());
        cmd
    }

    fn add_ca(&self, args: &[&str]) -> Output {
        let mut cmd = self.cmd();
        cmd.arg("add-ca").args(args);
        finish(cmd)
    }

    /// The installed CA files.
    fn installed(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for dir in [
            self.data().join("mycnf-secure/ca"),
            self.data().join("ca"),
            self.dir().join("certs"),
        ] {
            if let Ok(rd) = std::fs::read_dir(dir) {
                out.extend(rd.map(|e| e.unwrap().path()));
            }
        }
        out
    }
}

/// Runs a command to its end, failing the test if it takes more than 20 s (it blocked).
fn finish(mut cmd: Command) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(child.wait_with_output());
    });
    match receive.recv_timeout(Duration::from_secs(20)) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("{cmd:?} blocked for 20 s");
        }
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn mkfifo(path: &Path) {
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        path,
        rustix::fs::Mode::from_raw_mode(0o644),
    )
    .unwrap();
}

/// A character device: a null device node made in the temporary folder as root, else a link to
/// /dev/null (which a user cannot replace).
fn char_device(path: &Path) {
    if is_root() {
        rustix::fs::mknodat(
            rustix::fs::CWD,
            path,
            rustix::fs::FileType::CharacterDevice,
            rustix::fs::Mode::from_raw_mode(0o666),
            rustix::fs::makedev(1, 3),
        )
        .unwrap();
    } else {
        symlink("/dev/null", path).unwrap();
    }
}

/// The temporary files of ours in a folder.
fn temps(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(write::TEMP_PREFIX))
        .collect()
}

fn backups(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".bak-"))
        .collect();
    v.sort();
    v
}

fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_fifo()
}

fn is_char_device(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(path)
        .unwrap()
        .file_type()
        .is_char_device()
}

// ---- 1. only regular files ----

#[test]
fn add_ca_refuses_a_fifo_a_device_and_a_folder_as_the_option_file_without_blocking() {
    let env = Env::new();
    let fifo = env.dir().join("fifo.cnf");
    mkfifo(&fifo);
    let dev = env.dir().join("null.cnf");
    char_device(&dev);
    let folder = env.dir().join("folder.cnf");
    std::fs::create_dir(&folder).unwrap();
    let ca = env.ca.to_str().unwrap();
    for (path, kind) in [
        (&fifo, "a FIFO"),
        (&dev, "a character device"),
        (&folder, "a folder"),
    ] {
        let out = env.add_ca(&[ca, "--file", path.to_str().unwrap(), "--yes"]);
        let err = stderr(&out);
        assert!(!out.status.success(), "{err}");
        assert!(
            err.contains(&path.display().to_string()) && err.contains(kind),
            "names the file and what it is: {err}"
        );
    }
    assert!(is_fifo(&fifo));
    assert!(is_char_device(&dev));
    assert!(folder.is_dir());
    assert!(env.installed().is_empty(), "no CA installed for a refusal");
}

#[test]
fn init_refuses_a_fifo_and_a_device_as_its_output() {
    let env = Env::new();
    let fifo = env.dir().join("fifo.cnf");
    mkfifo(&fifo);
    let dev = env.dir().join("null.cnf");
    char_device(&dev);
    for path in [&fifo, &dev] {
        let mut cmd = env.cmd();
        cmd.args(["init", "--host", "db.example.test", "--force", "--output"])
            .arg(path);
        let out = finish(cmd);
        assert!(!out.status.success(), "{}", stderr(&out));
        assert!(stderr(&out).contains("not a regular file") || stderr(&out).contains(" is a "));
    }
    assert!(is_fifo(&fifo));
    assert!(is_char_device(&dev));
}

#[test]
fn check_reports_a_fifo_in_the_chain_and_an_included_fifo_with_its_line() {
    let env = Env::new();
    let fifo = env.dir().join("fifo.cnf");
    mkfifo(&fifo);
    let top = env.dir().join("top.cnf");
    std::fs::write(
        &top,
        format!("[client]\nuser = app\n!include {}\n", fifo.display()),
    )
    .unwrap();
    let mut cmd = env.cmd();
    cmd.args(["check", "--format", "json"]).arg(&top).arg(&fifo);
    let out = finish(cmd);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mc121: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "MC121")
        .collect();
    assert_eq!(mc121.len(), 2, "{report:#}");
    assert!(
        mc121
            .iter()
            .any(|f| f["file"].as_str().unwrap().ends_with("top.cnf") && f["line"] == 3),
        "the include line: {report:#}"
    );
    assert!(
        mc121
            .iter()
            .any(|f| f["file"].as_str().unwrap().ends_with("fifo.cnf")),
        "{report:#}"
    );
}

#[test]
#[ignore = "needs my_print_defaults (mariadb-client); scripts/test installs it and runs it"]
fn print_defaults_matches_my_print_defaults_for_a_folder_and_dev_null_and_never_waits_on_a_fifo() {
    let env = Env::new();
    let folder = env.dir().join("folder");
    std::fs::create_dir(&folder).unwrap();
    let sock = env.dir().join("s.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let top = env.dir().join("top.cnf");
    std::fs::write(
        &top,
        format!(
            "[client]\nuser=a\n!include {}\n!include /dev/null\n!include {}\nhost=b\n",
            folder.display(),
            sock.display()
        ),
    )
    .unwrap();
    let oracle = common::oracle();
    for defaults in [&top, &folder, &PathBuf::from("/dev/null"), &sock] {
        let arg = format!("--defaults-file={}", defaults.display());
        let mut theirs = common::clean_command(&oracle, &env.home());
        theirs.args([&arg, "client"]).stdin(Stdio::null());
        let theirs = finish(theirs);
        let mut ours = env.cmd();
        ours.args(["print-defaults", &arg, "client"]);
        let ours = finish(ours);
        assert_eq!(stdout(&ours), stdout(&theirs), "{arg}");
        assert_eq!(stderr(&ours), stderr(&theirs), "{arg}");
        assert_eq!(ours.status.code(), theirs.status.code(), "{arg}");
    }
    // my_print_defaults waits for a writer here; we skip the FIFO and say so.
    let fifo = env.dir().join("fifo.cnf");
    mkfifo(&fifo);
    let mut ours = env.cmd();
    ours.args([
        "print-defaults",
        &format!("--defaults-file={}", fifo.display()),
        "client",
    ]);
    let out = finish(ours);
    assert!(out.status.success());
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("is a FIFO"), "{}", stderr(&out));
}

#[test]
fn a_ca_from_process_substitution_is_read_and_installed() {
    let env = Env::new();
    let file = env.home().join(".my.cnf");
    let out = finish({
        let mut cmd = Command::new("bash");
        cmd.arg("-c")
            .arg(format!(
                "exec '{}' add-ca <(cat '{}') --file '{}' --yes",
                common::ours().display(),
                env.ca.display(),
                file.display()
            ))
            .env("HOME", env.home())
            .env("XDG_DATA_HOME", env.data())
            .stdin(Stdio::null());
        cmd
    });
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains("/dev/fd"),
        "a pipe's path means nothing later: {text}"
    );
    let installed = env.installed();
    assert_eq!(installed.len(), 1);
    assert!(text.contains(installed[0].to_str().unwrap()), "{text}");
}

#[test]
fn a_ca_over_16_mib_or_that_is_a_device_or_folder_is_refused() {
    let env = Env::new();
    let file = env.home().join(".my.cnf");
    let mut cmd = env.cmd();
    cmd.args(["add-ca", "-", "--yes", "--file"])
        .arg(&file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        use std::io::Write;
        let block = vec![b'A'; 1 << 20];
        for _ in 0..17 {
            if stdin.write_all(&block).is_err() {
                break;
            }
        }
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("more than 16 MiB"),
        "{}",
        stderr(&out)
    );

    let dev = env.dir().join("zero");
    if is_root() {
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &dev,
            rustix::fs::FileType::CharacterDevice,
            rustix::fs::Mode::from_raw_mode(0o666),
            rustix::fs::makedev(1, 5),
        )
        .unwrap();
    } else {
        symlink("/dev/zero", &dev).unwrap();
    }
    for (ca, says) in [
        (dev.clone(), "a character device"),
        (env.dir().to_path_buf(), "a directory"),
    ] {
        let out = env.add_ca(&[
            ca.to_str().unwrap(),
            "--yes",
            "--file",
            file.to_str().unwrap(),
        ]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(says), "{}", stderr(&out));
    }
    assert!(!file.exists());
}

// ---- 2. symlinks ----

#[test]
fn a_link_chain_with_relative_targets_edits_the_final_file_and_every_link_stays() {
    let env = Env::new();
    let real_dir = env.dir().join("real");
    std::fs::create_dir(&real_dir).unwrap();
    std::fs::write(real_dir.join("my.cnf"), "[client]\nuser = app\n").unwrap();
    // home/.my.cnf -> ../links/hop.cnf -> ../real/my.cnf
    let links = env.dir().join("links");
    std::fs::create_dir(&links).unwrap();
    symlink("../real/my.cnf", links.join("hop.cnf")).unwrap();
    let link = env.home().join(".my.cnf");
    symlink("../links/hop.cnf", &link).unwrap();
    let out = env.add_ca(&[
        env.ca.to_str().unwrap(),
        "--file",
        link.to_str().unwrap(),
        "--yes",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(
        std::fs::symlink_metadata(links.join("hop.cnf"))
            .unwrap()
            .is_symlink()
    );
    let text = std::fs::read_to_string(real_dir.join("my.cnf")).unwrap();
    assert!(text.starts_with("[client]\nuser = app\n") && text.contains("ssl-ca"));
}

#[test]
fn a_dangling_link_creates_its_target_and_stays_a_link() {
    let env = Env::new();
    std::fs::create_dir(env.dir().join("real")).unwrap();
    let link = env.home().join(".my.cnf");
    symlink("../real/new.cnf", &link).unwrap();
    let out = env.add_ca(&[
        env.ca.to_str().unwrap(),
        "--file",
        link.to_str().unwrap(),
        "--yes",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    let text = std::fs::read_to_string(env.dir().join("real/new.cnf")).unwrap();
    assert!(text.contains("ssl-ca"), "{text}");
}

#[test]
fn a_dangling_link_into_a_missing_folder_is_refused() {
    let env = Env::new();
    let link = env.home().join(".my.cnf");
    symlink("../nowhere/new.cnf", &link).unwrap();
    let out = env.add_ca(&[
        env.ca.to_str().unwrap(),
        "--file",
        link.to_str().unwrap(),
        "--yes",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("whose folder does not exist"),
        "{}",
        stderr(&out)
    );
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(!env.dir().join("nowhere").exists());
}

#[test]
fn a_link_to_a_fifo_a_device_or_a_folder_is_refused_and_both_are_left_alone() {
    let env = Env::new();
    let fifo = env.dir().join("fifo");
    mkfifo(&fifo);
    let dev = env.dir().join("null");
    char_device(&dev);
    let folder = env.dir().join("folder");
    std::fs::create_dir(&folder).unwrap();
    for target in [&fifo, &dev, &folder] {
        let link = env.home().join(".my.cnf");
        let _ = std::fs::remove_file(&link);
        symlink(target, &link).unwrap();
        for args in [
            vec!["add-ca", env.ca.to_str().unwrap(), "--yes", "--file"],
            vec!["init", "--host", "h.example.test", "--force", "--output"],
        ] {
            let mut cmd = env.cmd();
            cmd.args(&args).arg(&link);
            let out = finish(cmd);
            assert!(!out.status.success(), "{args:?} {}", stderr(&out));
            assert!(
                stderr(&out).contains("is a link to"),
                "names the link and its target: {}",
                stderr(&out)
            );
            assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        }
    }
    assert!(is_fifo(&fifo));
    assert!(is_char_device(&dev));
    assert!(folder.is_dir());
}

#[test]
fn a_link_loop_is_refused() {
    let env = Env::new();
    let a = env.dir().join("a.cnf");
    let b = env.dir().join("b.cnf");
    symlink(&b, &a).unwrap();
    symlink(&a, &b).unwrap();
    assert!(matches!(
        write::write_atomic(&a, b"[client]\n", None, 0o600, false),
        Err(WriteError::LinkLoop { .. })
    ));
}

// ---- 3. the installed CA ----

#[test]
fn the_installed_ca_holds_only_the_certificates_as_clean_pem() {
    let env = Env::new();
    let root = certs::root("Paste Root");
    let pem = root.pem();
    let paste = format!(
        "password=hunter2\r\nsome text above\r\n{}\r\ntrailing words\r\n{}\r\n",
        pem.replace('\n', "\r\n"),
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"
    );
    let file = env.home().join(".my.cnf");
    let mut cmd = env.cmd();
    cmd.args(["add-ca", "-", "--yes", "--file"])
        .arg(&file)
        .stdin(Stdio::piped());
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(paste.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let installed = env.installed();
    assert_eq!(installed.len(), 1);
    let bytes = std::fs::read(&installed[0]).unwrap();
    let clean = ::pem::encode_config(
        &::pem::Pem::new("CERTIFICATE", root.der()),
        ::pem::EncodeConfig::new().set_line_ending(::pem::LineEnding::LF),
    );
    assert_eq!(String::from_utf8(bytes).unwrap(), clean);
}

#[test]
fn two_bundles_with_the_same_first_certificate_get_different_names() {
    let env = Env::new();
    let first = certs::root("First Root").pem();
    let one = env.dir().join("one.pem");
    let two = env.dir().join("two.pem");
    std::fs::write(&one, &first).unwrap();
    std::fs::write(&two, format!("{first}{}", certs::root("Second Root").pem())).unwrap();
    for (ca, file) in [(&one, "a.cnf"), (&two, "b.cnf")] {
        let out = env.add_ca(&[
            ca.to_str().unwrap(),
            "--install",
            "--yes",
            "--file",
            env.home().join(file).to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let installed = env.installed();
    assert_eq!(installed.len(), 2, "{installed:?}");
    let a = std::fs::read_to_string(env.home().join("a.cnf")).unwrap();
    let b = std::fs::read_to_string(env.home().join("b.cnf")).unwrap();
    let named = |text: &str| {
        installed
            .iter()
            .find(|p| text.contains(p.to_str().unwrap()))
            .cloned()
            .unwrap()
    };
    assert_ne!(named(&a), named(&b));
    assert_eq!(std::fs::read_to_string(named(&a)).unwrap(), first);
}

#[test]
fn an_installed_name_taken_by_other_content_is_refused_and_kept() {
    let env = Env::new();
    let file = env.home().join(".my.cnf");
    let dry = env.add_ca(&[
        env.ca.to_str().unwrap(),
        "--install",
        "--dry-run",
        "--file",
        file.to_str().unwrap(),
    ]);
    assert!(dry.status.success());
    assert!(env.installed().is_empty(), "a dry run installs nothing");
    let check = env.add_ca(&[
        env.ca.to_str().unwrap(),
        "--install",
        "--check",
        "--file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(check.status.code(), Some(1));
    assert!(env.installed().is_empty(), "--check installs nothing");
    let diff = stdout(&dry);
    let path = diff
        .lines()
        .find_map(|l| l.strip_prefix("+ssl-ca="))
        .unwrap()
        .to_string();
    std::fs::create_dir_all(Path::new(&path).parent().unwrap()).unwrap();
    std::fs::write(&path, "someone else's file\n").unwrap();
    let out = env.add_ca(&[
        env.ca.to_str().unwrap(),
        "--install",
        "--yes",
        "--file",
        file.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("never replaced"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "someone else's file\n"
    );
    assert!(
        !file.exists(),
        "no option file naming a CA that is not ours"
    );
}

#[test]
fn a_failed_option_file_write_removes_the_ca_it_installed_and_an_unchanged_file_gets_it_back() {
    let env = Env::new();
    // The option file's folder does not exist: the write fails after the install.
    let lost = env.dir().join("missing/my.cnf");
    let out = env.add_ca(&[
        env.ca.to_str().unwrap(),
        "--install",
        "--yes",
        "--file",
        lost.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(env.installed().is_empty(), "{:?}", env.installed());
    let mut init = env.cmd();
    init.args(["init", "--host", "db.example.test", "--install", "--ca"])
        .arg(&env.ca)
        .arg("--output")
        .arg(&lost);
    let out = finish(init);
    assert!(!out.status.success());
    assert!(env.installed().is_empty(), "init: {:?}", env.installed());

    let file = env.home().join(".my.cnf");
    let args = [
        env.ca.to_str().unwrap(),
        "--install",
        "--yes",
        "--file",
        file.to_str().unwrap(),
    ];
    assert!(env.add_ca(&args).status.success());
    let installed = env.installed();
    assert_eq!(installed.len(), 1);
    std::fs::remove_file(&installed[0]).unwrap();
    let again = env.add_ca(&args);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        installed[0].is_file(),
        "the file names it: it is installed again"
    );
}

// ---- 4. backups ----

#[test]
fn two_backups_in_the_same_second_get_different_names_and_hold_each_original() {
    let env = Env::new();
    let file = env.dir().join("my.cnf");
    std::fs::write(&file, "one\n").unwrap();
    let start = Instant::now();
    write::write_atomic(&file, b"two\n", Some(b"one\n"), 0o600, true).unwrap();
    write::write_atomic(&file, b"three\n", Some(b"two\n"), 0o600, true).unwrap();
    assert!(start.elapsed() < Duration::from_secs(1));
    let b = backups(env.dir());
    assert_eq!(b.len(), 2, "{b:?}");
    let mut held: Vec<String> = b
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    held.sort();
    assert_eq!(held, ["one\n", "two\n"]);
    assert!(temps(env.dir()).is_empty());
}

#[test]
fn a_backup_has_the_owner_group_and_mode_of_the_original() {
    let env = Env::new();
    let file = env.dir().join("my.cnf");
    std::fs::write(&file, "old\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    if is_root() {
        std::os::unix::fs::chown(&file, Some(4321), Some(8765)).unwrap();
    }
    let before = std::fs::metadata(&file).unwrap();
    let w = write::write_atomic(&file, b"new\n", Some(b"old\n"), 0o600, true).unwrap();
    let backup = std::fs::metadata(w.backup.unwrap()).unwrap();
    assert_eq!(
        (backup.uid(), backup.gid(), backup.mode() & 0o7777),
        (before.uid(), before.gid(), 0o640)
    );
    let after = std::fs::metadata(&file).unwrap();
    assert_eq!(
        (after.uid(), after.gid(), after.mode() & 0o7777),
        (before.uid(), before.gid(), 0o640)
    );
}

// ---- 5. faults ----

/// `bash -c SCRIPT` with our binary as `$1`, HOME and data folder from `env`; in a mount
/// namespace of its own (`unshare -m`) when `private_mounts`, so that a mount made by the
/// script never outlives it.
fn shell(env: &Env, private_mounts: bool, script: &str, args: &[&str]) -> Output {
    let mut cmd = if private_mounts {
        let mut c = Command::new("unshare");
        c.args(["-m", "--propagation", "private", "bash"]);
        c
    } else {
        Command::new("bash")
    };
    cmd.arg("-c")
        .arg(script)
        .arg("sh")
        .arg(common::ours())
        .args(args)
        .env("HOME", env.home())
        .env("XDG_DATA_HOME", env.data())
        .current_dir(env.dir())
        .stdin(Stdio::null());
    finish(cmd)
}

/// An option file of about `size` bytes.
fn option_file(size: usize) -> Vec<u8> {
    let mut text = b"[client]\nuser = app\n".to_vec();
    let mut i = 0;
    while text.len() < size {
        text.extend_from_slice(format!("# line {i} of padding\n").as_bytes());
        i += 1;
    }
    text
}

/// The write to `file` failed, the file holds `old`, and neither a temporary file nor a backup
/// was left in its folder.
fn assert_untouched(out: &Output, file: &Path, old: &[u8]) {
    assert!(!out.status.success(), "it wrote: {}", stderr(out));
    assert!(
        std::fs::read(file).unwrap() == old,
        "the original changed: {}",
        stderr(out)
    );
    let dir = file.parent().unwrap();
    assert!(
        temps(dir).is_empty(),
        "temporary files left: {:?}",
        temps(dir)
    );
    assert!(backups(dir).is_empty(), "backups left: {:?}", backups(dir));
}

/// A root-only case did not run: fine for a user, a failure under CI (which runs as root).
fn not_root(what: &str) {
    assert!(
        !common::required(),
        "CI runs as root, so {what} must run: is this root?"
    );
    eprintln!("not root: {what} not run");
}

#[test]
fn a_full_disk_leaves_the_original_and_no_backup_or_temporary_file() {
    let env = Env::new();
    let ca = env.ca.to_str().unwrap().to_string();
    // RLIMIT_FSIZE (bash counts `ulimit -f` in KiB), with SIGXFSZ ignored so that a write past
    // it fails with EFBIG: a 4 KiB file cannot be backed up under a 2 KiB limit; a 2000-byte
    // one can, but its new version (with the TLS lines) does not fit, so the backup is removed
    // again.
    for size in [4096, 2000] {
        let old = option_file(size);
        let file = env.dir().join(format!("full-{size}.cnf"));
        std::fs::write(&file, &old).unwrap();
        let out = shell(
            &env,
            false,
            r#"trap '' XFSZ; ulimit -f 2; exec "$1" add-ca "$2" --yes --backup --file "$3""#,
            &[&ca, file.to_str().unwrap()],
        );
        assert_untouched(&out, &file, &old);
        assert!(stderr(&out).contains("too large"), "{}", stderr(&out));
    }
    if !is_root() {
        return not_root("the tmpfs case");
    }
    // A 64 KiB tmpfs holding a 39 KiB file: neither a backup nor a new copy fits (ENOSPC).
    let mnt = env.dir().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let out = shell(
        &env,
        true,
        r##"set -e
mount -t tmpfs -o size=64k tmpfs "$3"
awk 'BEGIN { print "[client]"; for (i = 0; i < 2000; i++) print "# padding line " i }' > "$3/my.cnf"
cp "$3/my.cnf" "$3/../expected.cnf"
for flags in --backup ""; do
  if "$1" add-ca "$2" --yes $flags --file "$3/my.cnf"; then echo "wrote on a full disk"; exit 9; fi
  cmp "$3/my.cnf" "$3/../expected.cnf"
  if ls -A "$3" | grep -v '^my.cnf$'; then echo "left over"; exit 8; fi
done
echo tmpfs-ok"##,
        &[&ca, mnt.to_str().unwrap()],
    );
    assert!(
        stdout(&out).contains("tmpfs-ok") && stderr(&out).contains("No space left"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// Runs add-ca (with --backup) on a file in a folder that `lock` makes unwritable, as root by
/// `root_lock` (in a mount namespace of its own); then checks the original is untouched.
fn unwritable_folder(user_lock: u32, root_lock: &str, says: &str) {
    let env = Env::new();
    let dir = env.dir().join("locked");
    std::fs::create_dir(&dir).unwrap();
    let file = dir.join("my.cnf");
    let old = option_file(500);
    std::fs::write(&file, &old).unwrap();
    let ca = env.ca.to_str().unwrap();
    let out = if is_root() {
        let script = format!(
            r#"{root_lock}
"$1" add-ca "$2" --yes --backup --file "$3"; rc=$?
chattr -i "$4" 2>/dev/null; exit $rc"#
        );
        shell(
            &env,
            true,
            &script,
            &[ca, file.to_str().unwrap(), dir.to_str().unwrap()],
        )
    } else {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(user_lock)).unwrap();
        let out = env.add_ca(&[ca, "--yes", "--backup", "--file", file.to_str().unwrap()]);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        out
    };
    assert_untouched(&out, &file, &old);
    let says = if is_root() { says } else { "Permission denied" };
    assert!(stderr(&out).contains(says), "{}", stderr(&out));
}

#[test]
fn a_read_only_folder_leaves_the_original_and_no_temporary_file() {
    // As root: a read-only bind mount of the folder (EROFS).
    unwritable_folder(
        0o555,
        r#"set -e; mount --bind "$4" "$4"; mount -o remount,ro,bind "$4"; set +e"#,
        "Read-only file system",
    );
}

#[test]
fn permission_denied_leaves_the_original_and_no_temporary_file() {
    // As root: an immutable folder (chattr +i, EPERM).
    unwritable_folder(
        0o500,
        r#"chattr +i "$4" || exit 97"#,
        "Operation not permitted",
    );
}

/// A tiny random number generator (the seed is printed on failure).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

#[test]
fn killed_at_random_moments_the_file_is_old_or_new_and_no_temporary_file_remains() {
    let env = Env::new();
    let work = env.dir().join("work");
    let reference = env.dir().join("reference");
    std::fs::create_dir(&work).unwrap();
    std::fs::create_dir(&reference).unwrap();
    let cas = [env.ca.clone(), env.dir().join("other.pem")];
    std::fs::write(&cas[1], certs::root("Other Root").pem()).unwrap();
    let file = work.join("my.cnf");
    std::fs::write(&file, option_file(3 << 20)).unwrap();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Lcg(seed);
    let run = |ca: &Path, f: &Path| {
        let mut cmd = env.cmd();
        cmd.arg("add-ca")
            .arg(ca)
            .args(["--yes", "--backup", "--file"])
            .arg(f)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    };
    // How long one complete run takes: the kills land anywhere in it.
    let start = Instant::now();
    assert!(run(&cas[1], &file).status().unwrap().success());
    let full = start.elapsed().as_micros() as u64;
    let (mut old_kept, mut new_written, mut temps_left) = (0, 0, 0);
    for i in 0..30 {
        let old = std::fs::read(&file).unwrap();
        // The CA the file does not name yet, so that every run changes it.
        let names = |ca: &PathBuf| {
            let needle = ca.to_str().unwrap().as_bytes();
            old.windows(needle.len()).any(|w| w == needle)
        };
        let ca = if names(&cas[0]) { &cas[1] } else { &cas[0] };
        // What a complete run writes: the same run on a copy.
        let expected_file = reference.join("my.cnf");
        std::fs::write(&expected_file, &old).unwrap();
        assert!(run(ca, &expected_file).status().unwrap().success());
        let new = std::fs::read(&expected_file).unwrap();
        assert!(old != new, "the run changes the file (round {i})");

        let mut child = run(ca, &file).spawn().unwrap();
        std::thread::sleep(Duration::from_micros(rng.below(full + full / 4)));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read(&file).unwrap();
        assert!(
            now == old || now == new,
            "torn file after a kill (seed {seed}, round {i}): {} bytes",
            now.len()
        );
        if now == old {
            old_kept += 1;
        } else {
            new_written += 1;
        }
        if !temps(&work).is_empty() {
            temps_left += 1;
        }
        for b in backups(&work) {
            assert!(
                std::fs::read(&b).unwrap() != [] as [u8; 0],
                "an empty backup (seed {seed}, round {i})"
            );
        }
    }
    eprintln!(
        "killed runs: {old_kept} left the old file, {new_written} the new one; {temps_left} left a temporary file behind until the next run"
    );
    // The next run that writes removes what killed runs left.
    let old = std::fs::read(&file).unwrap();
    let needle = cas[0].to_str().unwrap().as_bytes();
    let ca = if old.windows(needle.len()).any(|w| w == needle) {
        &cas[1]
    } else {
        &cas[0]
    };
    assert!(run(ca, &file).status().unwrap().success());
    assert!(std::fs::read(&file).unwrap() != old);
    assert!(temps(&work).is_empty(), "{:?}", temps(&work));
}

#[test]
fn a_stale_temporary_file_of_a_dead_process_is_removed_and_a_live_ones_is_kept() {
    let env = Env::new();
    let mut dead = Command::new("true").spawn().unwrap();
    let dead_pid = dead.id();
    dead.wait().unwrap();
    let stale = env
        .dir()
        .join(format!("{}{dead_pid}-abcDEF", write::TEMP_PREFIX));
    let live = env.dir().join(format!("{}1-abcDEF", write::TEMP_PREFIX));
    let other = env
        .dir()
        .join(format!("{}{dead_pid}-not-ours", write::TEMP_PREFIX));
    for p in [&stale, &live, &other] {
        std::fs::write(p, "x").unwrap();
    }
    let file = env.dir().join("my.cnf");
    write::write_atomic(&file, b"[client]\n", None, 0o600, false).unwrap();
    assert!(!stale.exists());
    assert!(live.exists(), "pid 1 is alive");
    assert!(other.exists(), "not a name of ours");
}
