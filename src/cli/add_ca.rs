//! `mycnf-secure add-ca`: raw flags to a checked request, the core's proposal, then print,
//! ask and apply.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use serde::Serialize;

use mycnf_secure::addca::{self, Action as Edit, ApplyError, Proposal, Request};
use mycnf_secure::apply::WriteError;
use mycnf_secure::cert;
use mycnf_secure::clients::{Level, Mode, Outcome};
use mycnf_secure::context::Context;
use mycnf_secure::diagnostic::{Finding, Severity, sanitize};

use crate::cli::failure::Refusal;
use crate::cli::{AddCaArgs, Exit, Format, inspect_ca, output, render, ui};

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
    diff: &'a str,
    changes: Vec<JsonChange>,
    lines_written: &'a [usize],
    clients: &'a [Outcome],
    overrides: &'a [addca::Override],
    warnings: &'a [String],
    backup: Option<String>,
    /// What `--probe` found (absent without it).
    #[serde(skip_serializing_if = "Option::is_none")]
    probe: Option<&'a crate::cli::probe::Asked>,
    exit: u8,
    /// Why it failed, when it did (docs/json-schemas.md, "Errors").
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<serde_json::Value>,
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

pub(crate) use crate::cli::failure::Failure;

/// What the flags ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Show what would change; write nothing.
    DryRun,
    /// Exit 1 when a change is needed; write nothing.
    Check,
    /// Write without asking (`--yes`).
    Apply,
    /// Ask on the terminal; `tty` reads the answer from /dev/tty (standard input held the CA).
    Ask { tty: bool },
    /// Nobody can confirm: refuse.
    Refuse,
}

/// The flags, checked.
struct Checked {
    request: Request,
    action: Action,
    format: Format,
    backup: bool,
    force: bool,
    /// What `--probe` found, and the warnings it leaves with `--force`.
    probe: Option<crate::cli::probe::Asked>,
    probe_warnings: Vec<String>,
}

pub fn run(args: AddCaArgs) -> Exit {
    let ctx = crate::cli::context::context(true);
    let json = args.format == Format::Json;
    match checked(args, &ctx).and_then(|c| run_checked(&c, &ctx)) {
        Ok(exit) => exit,
        Err(f) => f.report(json),
    }
}

fn checked(args: AddCaArgs, ctx: &Context) -> Result<Checked, Failure> {
    if let Some(g) = &args.group {
        mycnf_secure::clients::settings::check_group(g, args.server_group).map_err(|why| {
            Failure::new(
                Exit::Usage,
                format!("error: --group: {}", sanitize(why.as_bytes())),
            )
        })?;
    }
    let ca = crate::cli::input::ca(args.ca.as_deref(), args.system_roots, ctx)?;
    let file: PathBuf = match args.file.clone().or_else(crate::cli::context::default_file) {
        Some(f) => f,
        None => {
            return Err(Failure::new(
                Exit::Io,
                "error: no home folder: name the option file with --file",
            ));
        }
    };
    let from_stdin = ca.from_stdin();
    let interactive = std::io::stdout().is_terminal()
        && (std::io::stdin().is_terminal() || (from_stdin && tty_available()));
    let action = if args.check {
        Action::Check
    } else if args.dry_run {
        Action::DryRun
    } else if args.yes {
        Action::Apply
    } else if interactive {
        Action::Ask { tty: from_stdin }
    } else {
        Action::Refuse
    };
    let mut mode = args.mode;
    let mut probe_warnings = Vec::new();
    let asked = match &args.probe {
        None => None,
        Some(t) => {
            let files = addca::review::chain_for(&file, &ctx.env, ctx.platform);
            let (host, port) = crate::cli::probe::target(t, &files, ctx.env.home.as_deref())?;
            match crate::cli::probe::ask(&host, port, Some(&ca.bytes), args.probe_timeout, ctx.now)
            {
                Ok(a) => Some(a),
                Err(f) if args.force => {
                    probe_warnings.push(format!(
                        "{} (--force: written without the server's word)",
                        f.message
                    ));
                    None
                }
                Err(e) => return Err(e),
            }
        }
    };
    if let Some(a) = &asked {
        mode = probe_mode(
            a,
            args.mode,
            ca.system_roots,
            args.force,
            &mut probe_warnings,
        )?;
    }
    let request = Request {
        ca,
        file,
        mode,
        target: args.target.into(),
        group: args.group.clone(),
        install: args.install,
        show_secrets: args.show_secrets,
    };
    Ok(Checked {
        request,
        action,
        format: args.format,
        backup: args.backup,
        force: args.force,
        probe: asked,
        probe_warnings,
    })
}

/// The mode to write after a probe: the one asked for if the server passes it, else the
/// strongest the server passes with this CA; a refusal (exit 1) when it fails, unless `--force`.
fn probe_mode(
    a: &crate::cli::probe::Asked,
    asked_for: Option<Mode>,
    public_roots: bool,
    force: bool,
    warnings: &mut Vec<String>,
) -> Result<Option<Mode>, Failure> {
    use mycnf_secure::probe::verdict::LiveMode;
    let at = format!("{}:{}", sanitize(a.host.as_bytes()), a.port);
    let why = |m: Mode| match m {
        Mode::VerifyCa => a.verify_ca.clone(),
        Mode::VerifyIdentity => a.verify_identity.clone(),
    };
    let wanted = match asked_for {
        Some(m) => m,
        // Public roots make sense only with the host name checked.
        None if public_roots => Mode::VerifyIdentity,
        None => match a.strongest_mode {
            LiveMode::VerifyIdentity => return Ok(Some(Mode::VerifyIdentity)),
            LiveMode::VerifyCa => return Ok(Some(Mode::VerifyCa)),
            _ => Mode::VerifyCa,
        },
    };
    let Some(why) = why(wanted) else {
        return Ok(asked_for);
    };
    let msg = format!(
        "{at}: {} will not work: {} (strongest mode that works with this CA: {})",
        wanted.as_str(),
        sanitize(why.as_bytes()),
        a.strongest_mode.as_str()
    );
    if force {
        warnings.push(format!("{msg}; --force: written anyway"));
        Ok(asked_for)
    } else {
        Err(Failure::new(
            Exit::Findings,
            format!("error: {msg}\nnothing was changed (--force writes it anyway)"),
        ))
    }
}

/// Why the core stopped, for a person, with the exit status.
pub(crate) fn stop_for(e: addca::Error) -> Failure {
    match e {
        addca::Error::UnusableCa { label, report } => {
            let mut msg = format!(
                "error: {label} cannot be used as ssl-ca: {}\n",
                inspect_ca::verdict(&report)
            );
            let source = PathBuf::from(&label);
            let list: Vec<Finding> = report
                .findings
                .iter()
                .map(|f| Finding::from_cert(&source, f))
                .collect();
            msg.push_str(&render::findings(&list));
            msg.push_str("nothing was changed\n");
            let first = list.iter().find(|f| f.severity == Severity::Error);
            let mut failure = Failure::new(Exit::InvalidInput, msg);
            if let Some(f) = first {
                failure = failure
                    .code(f.code)
                    .message(format!("{label} cannot be used as ssl-ca: {}", f.message))
                    .at(Some(source.clone()), Some(f.line));
            }
            failure
        }
        e @ addca::Error::PublicRootsNeedIdentity { .. } => {
            Failure::new(Exit::Usage, format!("error: {e}"))
        }
        addca::Error::BadFile { findings, .. } => {
            let mut msg = render::findings(&findings);
            msg.push_str("nothing was changed\n");
            let first = findings
                .iter()
                .find(|f| f.severity == Severity::Error)
                .or(findings.first());
            let mut failure = Failure::new(Exit::InvalidInput, msg);
            if let Some(f) = first {
                failure = failure
                    .code(f.code)
                    .message(f.message.clone())
                    .at(f.file.clone(), Some(f.line));
            }
            failure
        }
        e @ addca::Error::Encode(_) => Failure::new(Exit::InvalidInput, format!("error: {e}")),
        e @ addca::Error::WouldChange { .. } => Failure::new(
            Exit::InvalidInput,
            format!("error: {e}\nnothing was changed"),
        ),
        e @ (addca::Error::NoHome { .. } | addca::Error::Io { .. }) => {
            Failure::new(Exit::Io, format!("error: {e}"))
        }
    }
}

/// Lines of other files that would still stop a client of the target or weaken its TLS: a
/// refusal (exit 3), or with `--force` warnings.
fn blocked(p: &mut Proposal, force: bool) -> Result<(), Failure> {
    if p.review.blocked.is_empty() {
        return Ok(());
    }
    if force {
        let lines: Vec<String> = p
            .review
            .blocked
            .iter()
            .map(|b| {
                format!(
                    "{b} (--force: left in place, add-ca edits only {})",
                    p.file.display()
                )
            })
            .collect();
        p.warnings.extend(lines);
        return Ok(());
    }
    let mut msg = format!(
        "error: add-ca edits only {}; these lines of other files would still stop a client of target {} or weaken its TLS:\n",
        p.file.display(),
        p.target.as_str()
    );
    for b in &p.review.blocked {
        msg.push_str(&format!("  {}\n", sanitize(b.to_string().as_bytes())));
    }
    msg.push_str("comment them out yourself and run add-ca again, or give --force to write anyway\nnothing was changed");
    let first = &p.review.blocked[0];
    Err(Failure::new(Exit::InvalidInput, msg)
        .code("blocked_by_other_file")
        .message(format!(
            "add-ca edits only {}; a line of another file would still stop a client of target {} or weaken its TLS: {}",
            p.file.display(),
            p.target.as_str(),
            sanitize(first.to_string().as_bytes())
        ))
        .at(Some(first.file.clone()), Some(first.line)))
}

fn run_checked(c: &Checked, ctx: &Context) -> Result<Exit, Failure> {
    let mut p = addca::prepare(&c.request, ctx).map_err(stop_for)?;
    blocked(&mut p, c.force)?;
    p.warnings.extend(c.probe_warnings.iter().cloned());
    if let Some(a) = &c.probe
        && c.format == Format::Text
        && !ui::quiet()
    {
        output::show(&format!(
            "probe {}:{}: {}; strongest mode that works with this CA: {}\n",
            sanitize(a.host.as_bytes()),
            a.port,
            a.tls
                .as_deref()
                .map_or("no TLS".into(), |t| format!("TLS ({t})")),
            a.strongest_mode.as_str()
        ))
        .map_err(|e| Failure::new(e, String::new()))?;
    }
    let label = p.file.display().to_string();
    let changed = p.changed();
    let text = c.format == Format::Text;
    let (exit, line, applied, refusal) = if !changed {
        // The file already names the installed CA: make sure it is there (not for --check or
        // --dry-run, which write nothing).
        let wants_install = p.install && matches!(c.action, Action::Apply | Action::Ask { .. });
        match wants_install.then(|| addca::apply(&p, false)) {
            Some(Err(e)) => (Exit::Io, format!("error: {e}"), None, None),
            _ => (
                Exit::Success,
                format!("{label} already says this: nothing to do"),
                None,
                None,
            ),
        }
    } else {
        match c.action {
            Action::Check => (
                Exit::Findings,
                format!("{label} needs this change (--check: nothing written)"),
                None,
                None,
            ),
            Action::DryRun => (
                Exit::Success,
                format!("dry run: {label} not written"),
                None,
                None,
            ),
            Action::Refuse => (
                Exit::Refused,
                format!(
                    "not applied: standard input is not a terminal, so nobody could confirm; run again with --yes to write {label} (or --dry-run / --check)"
                ),
                None,
                Some(Refusal::NotConfirmed),
            ),
            Action::Apply => write(&p, c.backup),
            Action::Ask { tty } => {
                if text {
                    print_text(&p)?;
                }
                if ask("apply? [y/N] ", tty) {
                    write(&p, c.backup)
                } else {
                    (
                        Exit::Refused,
                        "not applied".to_string(),
                        None,
                        Some(Refusal::NotConfirmed),
                    )
                }
            }
        }
    };
    // A failure after the review: the report says why, as a failure before it would.
    let failure = matches!(exit, Exit::Refused | Exit::Io).then(|| {
        let mut f = Failure::new(exit, line.clone()).at(Some(p.file.clone()), None);
        if let Some(r) = refusal {
            f = f.refusal(r);
        }
        f
    });
    let asked = changed && matches!(c.action, Action::Ask { .. });
    match c.format {
        Format::Json => print_json(
            &p,
            exit,
            applied.as_ref(),
            failure.as_ref(),
            c.probe.as_ref(),
        )?,
        Format::Text => {
            if !asked {
                print_text(&p)?;
            }
            if matches!(exit, Exit::Refused | Exit::Io | Exit::Findings) {
                output::error(&line);
            } else if !ui::quiet() {
                output::show(&format!("{line}\n")).map_err(|e| Failure::new(e, String::new()))?;
            }
        }
    }
    Ok(exit)
}

/// Applies the proposal: the exit status, the line that says what happened, what was done,
/// and why it was refused if it was.
fn write(p: &Proposal, backup: bool) -> (Exit, String, Option<addca::Applied>, Option<Refusal>) {
    match addca::apply(p, backup) {
        Ok(w) => {
            let kept = w
                .backup
                .as_ref()
                .map(|b| format!(" (previous version kept in {})", b.display()))
                .unwrap_or_default();
            (
                Exit::Success,
                format!("wrote {}{kept}", w.written.display()),
                Some(w),
                None,
            )
        }
        Err(e @ ApplyError::Write(WriteError::Changed { .. })) => (
            Exit::Refused,
            format!("error: {e}"),
            None,
            Some(Refusal::ChangedWhileReviewing),
        ),
        Err(e @ ApplyError::Verify(_)) => (
            Exit::Refused,
            format!("error: {e}"),
            None,
            Some(Refusal::ReadBackDiffers),
        ),
        Err(e) => (
            Exit::Io,
            format!("error: {e}; the original is untouched"),
            None,
            None,
        ),
    }
}

fn print_json(
    p: &Proposal,
    exit: Exit,
    applied: Option<&addca::Applied>,
    failure: Option<&Failure>,
    probe: Option<&crate::cli::probe::Asked>,
) -> Result<(), Failure> {
    let report = &p.verdict.report;
    let out = JsonOut {
        schema: "mycnf-secure/add-ca/v1",
        file: p.file.display().to_string(),
        created: !p.exists,
        changed: p.changed(),
        applied: applied.is_some(),
        target: p.target.as_str(),
        mode: p.mode().as_str(),
        ca: JsonCa {
            source: p.ca.label(),
            path_written: String::from_utf8_lossy(&p.ca_written).into_owned(),
            installed: p.install && applied.is_some(),
            usable_cas: report.usable_cas,
            public_roots: report.public_roots,
            sha256: report
                .certificates
                .iter()
                .find(|c| c.usable)
                .map(|c| c.sha256.clone()),
            findings: report.findings.clone(),
        },
        diff: &p.diff,
        changes: p
            .plan
            .changes
            .iter()
            .map(|c| JsonChange {
                line: c.line,
                action: match c.action {
                    Edit::Replaced => "replaced",
                    Edit::CommentedOut => "commented_out",
                    Edit::Added => "added",
                },
                text: c.text.clone(),
            })
            .collect(),
        lines_written: &p.plan.edited.written,
        clients: &p.review.clients,
        overrides: &p.review.overrides,
        warnings: &p.warnings,
        backup: applied.and_then(|a| a.backup.as_ref().map(|b| b.display().to_string())),
        probe,
        exit: exit.code(),
        error: failure.map(Failure::body),
    };
    let mut text = serde_json::to_string_pretty(&out).expect("serialisable");
    text.push('\n');
    output::emit(text.as_bytes()).map_err(|e| Failure::new(e, String::new()))
}

/// The diff, what was commented out, the client table and the warnings.
fn print_text(p: &Proposal) -> Result<(), Failure> {
    if ui::quiet() {
        return Ok(());
    }
    let label = p.file.display().to_string();
    let mut s = format!(
        "CA: {}: {}\nmode {}, target {}\n",
        p.ca.label(),
        inspect_ca::verdict(&p.verdict.report),
        p.mode().as_str(),
        p.target.as_str()
    );
    if p.diff.is_empty() {
        s.push_str(&format!("\n{label}: no change needed\n"));
    } else {
        s.push('\n');
        s.push_str(&ui::diff(&p.diff));
    }
    let mut commented: Vec<_> = p
        .plan
        .changes
        .iter()
        .filter(|c| c.action == Edit::CommentedOut)
        .collect();
    commented.sort_by_key(|c| c.line);
    if !commented.is_empty() {
        s.push_str(
            "\nCommented out (they would override our lines, weaken TLS, or stop a client):\n",
        );
        for c in commented {
            s.push_str(&format!(
                "  {label}:{}: {}\n",
                c.line,
                sanitize(c.text.as_bytes())
            ));
        }
    }
    s.push_str("\nWhat each client will do with the result:\n");
    let width = p
        .review
        .clients
        .iter()
        .map(|o| o.client.chars().count())
        .max()
        .unwrap_or(0);
    for o in &p.review.clients {
        let mark = match o.level {
            Level::Verified => ui::good("ok  "),
            Level::Weak => ui::warning("weak"),
            Level::Broken => ui::error("FAIL"),
            Level::Unaffected => ui::dim("n/a "),
        };
        let summary = sanitize(o.summary.as_bytes());
        s.push_str(&format!("  {mark}  {:<width$}  {summary}\n", o.client));
    }
    if !p.warnings.is_empty() {
        s.push('\n');
        for w in &p.warnings {
            s.push_str(&format!(
                "{}: {}\n",
                ui::warning("warning"),
                sanitize(w.as_bytes())
            ));
        }
    }
    s.push('\n');
    output::show(&s).map_err(|e| Failure::new(e, String::new()))
}

fn tty_available() -> bool {
    std::fs::File::open("/dev/tty").is_ok()
}

/// Asks on the terminal; reads the answer from standard input, or from the terminal itself when
/// standard input held the certificate.
fn ask(question: &str, from_tty: bool) -> bool {
    let mut out = anstream::stdout();
    let _ = out.write_all(question.as_bytes());
    let _ = out.flush();
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
