//! `mycnf-secure add-ca`: validate the CA, plan the lines, show the diff and the client table,
//! apply only when told.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::apply::{self, WriteError};
use crate::cert::{self, CaReport, TrustStore};
use crate::chain::{GroupSet, SearchEnv, fsio};
use crate::cli::inspect_ca::{now, read_ca_input, render_finding};
use crate::cli::{AddCaArgs, Exit, Format};
use crate::diagnostic::Snippet;
use crate::optfile::{Document, LineKind};
use crate::tls::outcome::Level;
use crate::tls::plan::{self, Action, Change};
use crate::tls::review::{self, Override, Review};
use crate::tls::{self, Mode, Target};

/// The document `--format json` prints (docs/json-schemas.md).
#[derive(Serialize)]
struct JsonOut<'a> {
    schema: &'static str,
    file: String,
    created: bool,
    changed: bool,
    applied: bool,
    target: &'static str,
    mode: &'static str,
    ca: JsonCa,
    diff: String,
    changes: Vec<JsonChange>,
    lines_written: &'a [usize],
    clients: &'a [tls::outcome::Outcome],
    overrides: &'a [Override],
    warnings: &'a [String],
    backup: Option<String>,
    exit: u8,
}

#[derive(Serialize)]
struct JsonCa {
    source: String,
    path_written: String,
    installed: bool,
    usable_cas: usize,
    public_roots: usize,
    sha256: Option<String>,
    findings: Vec<cert::Finding>,
}

#[derive(Serialize)]
struct JsonChange {
    line: usize,
    action: &'static str,
    text: String,
}

/// Fails with a message and an exit code.
pub(crate) struct Stop(pub(crate) Exit, pub(crate) String);

fn stop<T>(exit: Exit, msg: impl Into<String>) -> Result<T, Stop> {
    Err(Stop(exit, msg.into()))
}

pub fn run(args: AddCaArgs) -> Exit {
    match run_inner(args) {
        Ok(exit) => exit,
        Err(Stop(exit, msg)) => {
            if !msg.is_empty() {
                eprint!("{msg}");
                if !msg.ends_with('\n') {
                    eprintln!();
                }
            }
            exit
        }
    }
}

/// Where the per-user option file is: `~/.my.cnf`.
pub(crate) fn default_file() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.home_dir().join(".my.cnf"))
}

fn is_system_wide(file: &Path) -> bool {
    fsio::absolute(file).starts_with("/etc")
}

/// Where `--install` puts the CA: beside a system-wide file (`certs/`), else in the per-user
/// data folder; named by fingerprint.
pub(crate) fn install_path(file: &Path, fingerprint: &str) -> Result<PathBuf, Stop> {
    let name = format!("ca-{}.pem", &fingerprint[..16.min(fingerprint.len())]);
    if is_system_wide(file) {
        let dir = fsio::absolute(file)
            .parent()
            .map_or_else(|| PathBuf::from("/etc/mysql"), Path::to_path_buf);
        return Ok(dir.join("certs").join(name));
    }
    match directories::ProjectDirs::from("", "", "mycnf-secure") {
        Some(p) => Ok(p.data_dir().join("ca").join(name)),
        None => stop(
            Exit::Io,
            "error: no home folder to install the CA in; give a CA path instead of --install",
        ),
    }
}

/// The CA path as written: absolute, forward slashes on Windows.
pub(crate) fn path_for_file(p: &Path) -> Vec<u8> {
    let abs = fsio::absolute(p);
    let mut bytes = fsio::path_bytes(&abs);
    if cfg!(windows) {
        for b in &mut bytes {
            if *b == b'\\' {
                *b = b'/';
            }
        }
    }
    bytes
}

fn readable_by_others(path: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(|e| fsio::os_reason(&e))?;
        if meta.permissions().mode() & 0o004 == 0 {
            return Err(format!(
                "mode {:04o}: other users cannot read it",
                meta.permissions().mode() & 0o7777
            ));
        }
        let mut dir = path.parent();
        while let Some(d) = dir {
            if let Ok(m) = std::fs::metadata(d)
                && m.permissions().mode() & 0o001 == 0
            {
                return Err(format!(
                    "{} is mode {:04o}: other users cannot reach files in it",
                    d.display(),
                    m.permissions().mode() & 0o7777
                ));
            }
            dir = d.parent();
        }
    }
    let _ = path;
    Ok(())
}

fn fatal_syntax(path: &Path, doc: &Document) -> Option<String> {
    let mut out = String::new();
    for line in doc.lines() {
        if let LineKind::Invalid(why) = line.kind
            && why.is_fatal()
        {
            let hint = match why {
                crate::optfile::Invalid::MissingBracket => "close the group header with `]`",
                crate::optfile::Invalid::OptionBeforeGroup if doc.has_bom() && line.number == 1 => {
                    "the file starts with a UTF-8 byte-order mark, which every client reads as an option; save it without BOM"
                }
                crate::optfile::Invalid::OptionBeforeGroup => {
                    "put a group header such as [client] above it"
                }
                _ => "give the directive a path",
            };
            out.push_str(
                &Snippet::on_line(
                    "error",
                    None,
                    format!("{}: every client refuses this file", why.describe()),
                    path.display().to_string(),
                    line.number,
                    doc.raw(line),
                    Some(hint.to_string()),
                )
                .render(),
            );
        }
    }
    (!out.is_empty()).then_some(out)
}

fn run_inner(args: AddCaArgs) -> Result<Exit, Stop> {
    // 1. The CA: read and validate before anything else.
    let from_stdin = args.ca.as_deref() == Some(Path::new("-"));
    let (ca_source, ca_bytes) = if args.system_roots {
        let Some(p) = cert::store::system_bundle_path() else {
            return stop(
                Exit::InvalidInput,
                "error: no system CA bundle found on this machine (looked for /etc/ssl/certs/ca-certificates.crt, /etc/pki/tls/certs/ca-bundle.crt, /etc/ssl/ca-bundle.pem, /etc/ssl/cert.pem; Windows has none): give the CA file instead",
            );
        };
        let bytes = read_ca_input(&p).map_err(|m| Stop(Exit::Io, format!("error: {m}")))?;
        (p, bytes)
    } else {
        let p = args
            .ca
            .clone()
            .expect("clap requires CA.pem or --system-roots");
        let bytes = read_ca_input(&p).map_err(|m| Stop(Exit::Io, format!("error: {m}")))?;
        (p, bytes)
    };
    let store = TrustStore::system();
    let report: CaReport = cert::inspect(&ca_bytes, now(), store.as_ref());
    let ca_label = ca_source.display().to_string();
    if !report.usable {
        let mut msg = format!(
            "error: {ca_label} cannot be used as ssl-ca: {}\n",
            crate::cli::inspect_ca::verdict(&report)
        );
        for f in &report.findings {
            msg.push_str(&render_finding(&ca_label, f));
        }
        msg.push_str("nothing was changed\n");
        return stop(Exit::InvalidInput, msg);
    }
    let public = report.has_public_roots() || args.system_roots;
    let mode = match (args.mode, public) {
        (Some(Mode::VerifyCa), true) => {
            return stop(
                Exit::Usage,
                format!(
                    "error: VERIFY_CA is refused for {ca_label}: it holds public roots from the system trust store, so any server with a certificate from any public CA would pass. Use VERIFY_IDENTITY (the default for public roots), which also checks the server's name."
                ),
            );
        }
        (Some(m), _) => m,
        (None, true) => Mode::VerifyIdentity,
        (None, false) => Mode::VerifyCa,
    };
    let target = args.target.into();

    // 2. The option file.
    let file = match args.file.clone().or_else(default_file) {
        Some(f) => f,
        None => {
            return stop(
                Exit::Io,
                "error: no home folder: name the option file with --file",
            );
        }
    };
    let target_path = apply::write::resolve_target(&file);
    let original = match std::fs::read(&target_path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return stop(
                Exit::Io,
                format!(
                    "error: cannot read {}: {}",
                    file.display(),
                    fsio::os_reason(&e)
                ),
            );
        }
    };
    let doc = Document::parse(original.clone().unwrap_or_default());
    if let Some(msg) = fatal_syntax(&file, &doc) {
        return stop(Exit::InvalidInput, format!("{msg}nothing was changed\n"));
    }

    // 3. Where the CA will be referenced from.
    let install = args.install || from_stdin;
    let fingerprint = report.anchor_fingerprint().unwrap_or_default();
    let ca_path = if install {
        install_path(&file, &fingerprint)?
    } else {
        fsio::absolute(&ca_source)
    };
    let ca_written = path_for_file(&ca_path);

    // 4. Plan and review.
    let settings = tls::settings(target, mode, &ca_written, args.group.as_deref());
    let groups = GroupSet::new(tls::target_groups(target, args.group.as_deref()), None);
    let plan = plan::plan(&doc, &settings, &groups, target != Target::Mysql).map_err(|e| {
        Stop(
            Exit::InvalidInput,
            format!("error: the CA path cannot be written: {e}"),
        )
    })?;
    let new = plan.edited.bytes.clone();
    let review = review::review(&file, &new, &settings, target, &SearchEnv::from_process());

    // 5. Warnings.
    let mut warnings: Vec<String> = report
        .warnings()
        .map(|f| format!("CA: {}", f.message))
        .collect();
    if is_system_wide(&file) {
        if !install && let Err(why) = readable_by_others(&ca_path) {
            warnings.push(format!(
                "the CA {} may not be readable by the users whose clients read {} ({why}); use --install to copy it beside the option file",
                ca_path.display(),
                file.display()
            ));
        }
        if original.is_some()
            && let Err(why) = readable_by_others(&target_path)
        {
            warnings.push(format!(
                "{} is not readable by other users ({why}): their clients skip it without a word",
                file.display()
            ));
        }
    }
    #[cfg(unix)]
    if let Some(old) = &original
        && !is_system_wide(&file)
    {
        use std::os::unix::fs::PermissionsExt;
        let mode_bits = std::fs::metadata(&target_path).map_or(0, |m| m.permissions().mode());
        let has_secret = doc
            .lines()
            .iter()
            .any(|l| doc.option_name(l).is_some_and(tls::is_secret));
        if has_secret && mode_bits & 0o077 != 0 && !old.is_empty() {
            warnings.push(format!(
                "{} holds a password and is readable by other users (mode {:04o}); consider chmod 600",
                file.display(),
                mode_bits & 0o7777
            ));
        }
    }
    for o in &review.overrides {
        warnings.push(format!(
            "{}:{}: [{}] {}{} overrides our {} for {} (it is read later)",
            o.file.display(),
            o.line,
            o.group,
            o.option,
            o.value
                .as_deref()
                .map(|v| format!("={v}"))
                .unwrap_or_default(),
            o.overrides,
            o.clients
        ));
    }
    for n in &review.notices {
        warnings.push(n.to_string());
    }
    if mode == Mode::VerifyCa
        && target != Target::Mysql
        && review
            .clients
            .iter()
            .any(|o| o.client == "MariaDB ≤ 11.3" && o.level == Level::Weak)
    {
        warnings.push(
            "with VERIFY_CA, MariaDB ≤ 11.3 and Connector/C 3.3 clients verify the CA but fall back to plaintext when the server offers no TLS; --mode VERIFY_IDENTITY makes them insist on TLS (the server's certificate must then name the host you connect to)".to_string(),
        );
    }

    let label = file.display().to_string();
    let diff = apply::unified(
        &label,
        original.as_deref().unwrap_or_default(),
        &new,
        args.show_secrets,
    );
    let changed = plan.changed() || original.is_none();

    let show_text = || {
        print_text(
            &label,
            &diff,
            &plan.changes,
            &review,
            &warnings,
            &ca_label,
            &report,
            mode,
            target,
        )
    };

    // 6. Decide.
    let interactive = std::io::stdout().is_terminal()
        && (std::io::stdin().is_terminal() || (from_stdin && tty_available()));
    let mut applied = false;
    let mut backup = None;
    let mut exit = Exit::Success;
    let mut outcome_line = String::new();
    let new_mode = if is_system_wide(&file) { 0o644 } else { 0o600 };

    if !changed {
        outcome_line = format!("{label} already says this: nothing to do");
    } else if args.check {
        outcome_line = format!("{label} needs this change (--check: nothing written)");
        exit = Exit::Findings;
    } else if args.dry_run {
        outcome_line = format!("dry run: {label} not written");
    } else {
        let go = if args.yes {
            true
        } else if interactive {
            if args.format == Format::Text {
                show_text();
            }
            ask("apply? [y/N] ", from_stdin)
        } else {
            outcome_line = format!(
                "not applied: standard input is not a terminal, so nobody could confirm; run again with --yes to write {label} (or --dry-run / --check)"
            );
            exit = Exit::Refused;
            false
        };
        if go {
            if install {
                install_ca(&ca_path, &ca_bytes)?;
            }
            match apply::write_atomic(&file, &new, original.as_deref(), new_mode, args.backup) {
                Ok(w) => {
                    applied = true;
                    backup = w.backup.clone();
                    outcome_line = format!(
                        "wrote {}{}",
                        w.target.display(),
                        w.backup
                            .as_ref()
                            .map(|b| format!(" (previous version kept in {})", b.display()))
                            .unwrap_or_default()
                    );
                }
                Err(e @ WriteError::Changed { .. }) => {
                    outcome_line = format!("error: {e}");
                    exit = Exit::Refused;
                }
                Err(e) => {
                    outcome_line = format!("error: {e}; the original is untouched");
                    exit = Exit::Io;
                }
            }
        } else if exit == Exit::Success {
            outcome_line = "not applied".to_string();
            exit = Exit::Refused;
        }
    }

    match args.format {
        Format::Json => {
            let out = JsonOut {
                schema: "mycnf-secure/add-ca/v1",
                file: label.clone(),
                created: original.is_none(),
                changed,
                applied,
                target: target.as_str(),
                mode: mode.as_str(),
                ca: JsonCa {
                    source: ca_label.clone(),
                    path_written: String::from_utf8_lossy(&ca_written).into_owned(),
                    installed: install && applied,
                    usable_cas: report.usable_cas,
                    public_roots: report.public_roots,
                    sha256: report
                        .certificates
                        .iter()
                        .find(|c| c.usable)
                        .map(|c| c.sha256.clone()),
                    findings: report.findings.clone(),
                },
                diff: diff.clone(),
                changes: plan
                    .changes
                    .iter()
                    .map(|c| JsonChange {
                        line: c.line,
                        action: match c.action {
                            Action::Replaced => "replaced",
                            Action::CommentedOut => "commented_out",
                            Action::Added => "added",
                        },
                        text: c.text.clone(),
                    })
                    .collect(),
                lines_written: &plan.edited.written,
                clients: &review.clients,
                overrides: &review.overrides,
                warnings: &warnings,
                backup: backup.as_ref().map(|b| b.display().to_string()),
                exit: exit.code(),
            };
            let mut text = serde_json::to_string_pretty(&out).expect("serialisable");
            text.push('\n');
            super::output::emit(text.as_bytes()).map_err(|e| Stop(e, String::new()))?;
        }
        Format::Text => {
            if !(interactive && changed && !args.yes && !args.check && !args.dry_run) {
                show_text();
            }
            let to_stderr = matches!(exit, Exit::Refused | Exit::Io | Exit::Findings);
            if to_stderr {
                eprintln!("{outcome_line}");
            } else if !super::ui::get().quiet {
                super::output::emit(format!("{outcome_line}\n").as_bytes())
                    .map_err(|e| Stop(e, String::new()))?;
            }
        }
    }
    Ok(exit)
}

#[allow(clippy::too_many_arguments)]
fn print_text(
    label: &str,
    diff: &str,
    changes: &[Change],
    review: &Review,
    warnings: &[String],
    ca_label: &str,
    report: &CaReport,
    mode: Mode,
    target: Target,
) {
    if super::ui::get().quiet {
        return;
    }
    let mut s = String::new();
    s.push_str(&format!(
        "CA: {ca_label}: {}\nmode {}, target {}\n",
        crate::cli::inspect_ca::verdict(report),
        mode.as_str(),
        target.as_str()
    ));
    if diff.is_empty() {
        s.push_str(&format!("\n{label}: no change needed\n"));
    } else {
        s.push('\n');
        s.push_str(&super::ui::diff(diff));
    }
    let commented: Vec<&Change> = changes
        .iter()
        .filter(|c| c.action == Action::CommentedOut)
        .collect();
    if !commented.is_empty() {
        s.push_str("\nCommented out (they would override our lines, or stop MariaDB clients):\n");
        for c in commented {
            let text = crate::diagnostic::sanitize(c.text.as_bytes());
            s.push_str(&format!("  {label}:{}: {text}\n", c.line));
        }
    }
    s.push_str("\nWhat each client will do with the result:\n");
    for o in &review.clients {
        let mark = match o.level {
            Level::Verified => super::ui::good("ok  "),
            Level::Weak => super::ui::warning("weak"),
            Level::Broken => super::ui::error("FAIL"),
        };
        let summary = crate::diagnostic::sanitize(o.summary.as_bytes());
        s.push_str(&format!("  {mark}  {:<17} {summary}\n", o.client));
    }
    if !warnings.is_empty() {
        s.push('\n');
        for w in warnings {
            let w = crate::diagnostic::sanitize(w.as_bytes());
            s.push_str(&format!("{}: {w}\n", super::ui::warning("warning")));
        }
    }
    s.push('\n');
    let _ = super::output::emit(s.as_bytes());
}

fn tty_available() -> bool {
    std::fs::File::open("/dev/tty").is_ok()
}

/// Asks on the terminal; reads the answer from standard input, or from the terminal itself when
/// standard input held the certificate.
fn ask(question: &str, from_tty: bool) -> bool {
    print!("{question}");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    let read = if from_tty {
        std::fs::File::open("/dev/tty")
            .map(std::io::BufReader::new)
            .and_then(|mut r| r.read_line(&mut answer))
    } else {
        std::io::stdin().lock().read_line(&mut answer)
    };
    read.is_ok() && matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes")
}

pub(crate) fn install_ca(path: &Path, bytes: &[u8]) -> Result<(), Stop> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            Stop(
                Exit::Io,
                format!(
                    "error: cannot create {}: {}",
                    dir.display(),
                    fsio::os_reason(&e)
                ),
            )
        })?;
    }
    let existing = std::fs::read(path).ok();
    apply::write_atomic(path, bytes, existing.as_deref(), 0o644, false)
        .map(|_| ())
        .map_err(|e| Stop(Exit::Io, format!("error: cannot install the CA: {e}")))
}
