//! `add-ca` as a pipeline: [`prepare`] turns a [`Request`] into a [`Proposal`] (the CA's
//! verdict, the plan, the new bytes, the diff, what each client family will do, warnings)
//! without writing anything; [`apply`] writes a proposal. The command line asks and prints.

pub mod ca;
pub mod plan;
pub mod review;
pub mod verify;

use std::path::{Path, PathBuf};

use crate::apply::{self, WriteError};
use crate::cert::CaReport;
use crate::chain::{GroupSet, fsio};
use crate::clients::{self, Mode, Target, TlsUse};
use crate::context::Context;
use crate::diagnostic::{Finding, Severity};
use crate::optfile::{Document, Invalid, LineKind};

pub use ca::{CaChoice, CaInput};
pub use plan::{Action, Change, Plan};
pub use review::{Override, Review};

/// Why `add-ca` (or `init`) stops. Each kind has its exit status in the command line.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The CA is not usable: the report says why.
    #[error("{label} cannot be used as ssl-ca")]
    UnusableCa {
        label: String,
        report: Box<CaReport>,
    },
    #[error(
        "VERIFY_CA is refused for {label}: it holds public roots from the system trust store, so any server with a certificate from any public CA would pass. Use VERIFY_IDENTITY (the default for public roots), which also checks the server's name."
    )]
    PublicRootsNeedIdentity { label: String },
    /// The option file has lines every client refuses.
    #[error("{} has lines every client refuses", path.display())]
    BadFile {
        path: PathBuf,
        findings: Vec<Finding>,
    },
    #[error("the CA path cannot be written: {0}")]
    Encode(#[from] crate::optfile::EncodeError),
    /// The edit would change what the reader makes of a line it does not touch.
    #[error("{}:{line}: {what}", path.display())]
    WouldChange {
        path: PathBuf,
        line: usize,
        what: String,
    },
    #[error("{what}")]
    NoHome { what: &'static str },
    #[error("{what}")]
    Io { what: String },
}

/// What the user asked for, checked.
#[derive(Debug, Clone)]
pub struct Request {
    pub ca: CaInput,
    /// The option file to edit.
    pub file: PathBuf,
    pub mode: Option<Mode>,
    pub target: Target,
    /// Replaces the main group (`[client]`, or `[client-mariadb]` for the mariadb target).
    pub group: Option<String>,
    /// Copy the CA to a stable place and write that path (always for a CA from standard input).
    pub install: bool,
    /// Show secrets in the diff instead of `*****`.
    pub show_secrets: bool,
}

/// Everything `add-ca` would do, computed without writing anything.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub file: PathBuf,
    /// Whether the file exists (else it is created).
    pub exists: bool,
    /// The file as read (empty when it does not exist).
    pub doc: Document,
    pub ca: CaInput,
    pub verdict: CaChoice,
    pub target: Target,
    /// Where the CA is referenced from (the installed copy when installing).
    pub ca_path: PathBuf,
    /// `ca_path` as written in the file.
    pub ca_written: Vec<u8>,
    pub install: bool,
    pub plan: Plan,
    /// The lines the plan writes (decoded): what [`apply`] checks the new bytes against.
    pub settings: Vec<clients::Setting>,
    /// What `~/` stands for in the file's include paths.
    pub home: Option<PathBuf>,
    pub review: Review,
    pub warnings: Vec<String>,
    /// The unified diff, secrets masked unless asked for.
    pub diff: String,
    /// Mode bits of a file created anew.
    pub new_file_mode: u32,
}

impl Proposal {
    pub fn mode(&self) -> Mode {
        self.verdict.mode
    }

    /// Whether applying it changes anything (a file that does not exist yet is created).
    pub fn changed(&self) -> bool {
        self.plan.changed() || !self.exists
    }

    /// The original bytes; `None` when the file does not exist yet.
    pub fn original(&self) -> Option<&[u8]> {
        self.exists.then(|| self.doc.bytes())
    }

    /// The new file's bytes.
    pub fn new_bytes(&self) -> Vec<u8> {
        self.plan.edited.to_bytes(&self.doc)
    }
}

/// What [`apply`] did.
#[derive(Debug, Clone)]
pub struct Applied {
    pub written: PathBuf,
    pub backup: Option<PathBuf>,
}

/// Validates the CA, plans the lines, reviews the result against the clients' whole read
/// chain and computes the diff. Writes nothing.
pub fn prepare(req: &Request, ctx: &Context) -> Result<Proposal, Error> {
    let verdict = ca::resolve(&req.ca, req.mode, ctx)?;
    let original = read_original(&req.file)?;
    let exists = original.is_some();
    let doc = Document::parse(original.unwrap_or_default());
    let refused = refused_lines(&req.file, &doc, ctx.env.home.as_deref());
    if !refused.is_empty() {
        return Err(Error::BadFile {
            path: req.file.clone(),
            findings: refused,
        });
    }
    let install = req.install || req.ca.needs_install();
    let ca_path = if install {
        ca::install_path(&req.file, &ca::installed_bytes(&req.ca), ctx)?
    } else {
        fsio::absolute(&req.ca.source)
    };
    let ca_written = ca::path_for_file(&ca_path);
    let mut settings =
        clients::settings::settings(req.target, verdict.mode, &ca_written, req.group.as_deref());
    let groups = GroupSet::new(
        clients::target_groups(req.target, req.group.as_deref()),
        None,
    );
    let plan = plan::plan(&doc, &settings, &groups, req.target)?;
    settings.extend(plan.added.iter().cloned());
    if let Some(last) = doc.lines().last()
        && last.kind == LineKind::Directive
        && last.ending == crate::optfile::LineEnding::None
        && plan.ops.iter().any(|op| match op {
            crate::optfile::edit::Op::AppendGroup { .. } => true,
            crate::optfile::edit::Op::InsertAfter { line, .. } => *line + 1 == doc.lines().len(),
            _ => false,
        })
    {
        return Err(Error::WouldChange {
            path: req.file.clone(),
            line: last.number(),
            what: "the file ends with a directive without a line ending, which the reader skips; adding lines after it would end it, and the clients would then read what it names. End that line yourself (and check what it includes), then run add-ca again".into(),
        });
    }
    let review = review::review(
        &req.file,
        &doc,
        &plan.edited,
        &settings,
        req.target,
        &ctx.env,
        ctx.platform,
    );
    let show = req.show_secrets;
    let diff = apply::diff::unified_edit(
        &req.file.display().to_string(),
        &doc,
        &plan.edited,
        &|name: &[u8]| !show && clients::is_secret(name),
    );
    let mut p = Proposal {
        file: req.file.clone(),
        exists,
        doc,
        ca: req.ca.clone(),
        verdict,
        target: req.target,
        ca_path,
        ca_written,
        install,
        plan,
        settings,
        home: ctx.env.home.clone(),
        review,
        warnings: Vec::new(),
        diff,
        new_file_mode: if ca::is_system_wide(&req.file) {
            0o644
        } else {
            0o600
        },
    };
    p.warnings = warnings(&p);
    Ok(p)
}

/// The file's bytes, or `None` when it does not exist: read as it will be written (through its
/// links), refused when it is not a regular file or is a link that cannot be followed.
fn read_original(file: &Path) -> Result<Option<Vec<u8>>, Error> {
    apply::write::read_existing(file).map_err(|e| match e {
        WriteError::Io { path, source } => Error::Io {
            what: format!(
                "cannot read {}: {}",
                path.display(),
                fsio::os_reason(&source)
            ),
        },
        other => Error::Io {
            what: other.to_string(),
        },
    })
}

/// The lines every client refuses, with a hint each (add-ca edits no such file).
fn refused_lines(path: &Path, doc: &Document, home: Option<&Path>) -> Vec<Finding> {
    if crate::optfile::lex::looks_binary(doc.bytes()) {
        return vec![Finding::on_file(
            "MC120",
            Severity::Error,
            format!(
                "{} is a binary file (it holds NUL bytes), not an option file",
                path.display()
            ),
            Some(path),
            Some("name the option file with --file".into()),
        )];
    }
    let mut sink = crate::diagnostic::Findings::new(crate::diagnostic::PER_RULE_AND_FILE);
    for line in doc.lines() {
        let LineKind::Invalid(why) = line.kind else {
            continue;
        };
        if !why.is_fatal() {
            continue;
        }
        let (code, hint) = match why {
            Invalid::MissingBracket => ("MC102", "close the group header with `]`"),
            Invalid::OptionBeforeGroup if doc.has_bom() && line.number() == 1 => (
                "MC103",
                "the file starts with a UTF-8 byte-order mark, which every client reads as an option; save it without BOM",
            ),
            Invalid::OptionBeforeGroup => ("MC101", "put a group header such as [client] above it"),
            _ => ("MC107", "give the directive a path"),
        };
        sink.push(Finding::on_line(
            code,
            Severity::Error,
            format!("{}: every client refuses this file", why.describe()),
            path,
            line.number(),
            crate::diagnostic::Masked::line(doc.raw(line), &clients::is_secret),
            Some(hint.to_string()),
        ));
    }
    let mut found = sink.finish();
    // The lines show every fatal error but one: a directive whose target cannot be read.
    if found.is_empty() && doc.lines().iter().any(|l| l.kind == LineKind::Directive) {
        found.extend(fatal_reading(path, doc, home));
    }
    found
}

/// The reader's own verdict on the file as a top-level file: a fatal error no line shows by
/// itself (an `!includedir` whose folder cannot be read stops every client). The reader is the
/// judge, so nothing it refuses gets past add-ca.
fn fatal_reading(path: &Path, doc: &Document, home: Option<&Path>) -> Option<Finding> {
    use crate::chain::{ArgvCollector, ChainFile, Notice, Reader};
    let groups = GroupSet::new(clients::all_client_groups(), None);
    let open = || -> Box<dyn std::io::Read + '_> { Box::new(doc.bytes()) };
    let mut reader = Reader::new(&groups, ArgvCollector::default())
        .with_overlay(path, &open)
        .with_home(home.map(Path::to_path_buf));
    let file = ChainFile {
        path: path.to_path_buf(),
        required: false,
    };
    crate::chain::read_chain(&mut reader, std::slice::from_ref(&file)).err()?;
    let notices = reader.into_visitor().notices;
    let notice = notices.iter().rev().find(|n| n.is_error())?;
    let secret: crate::diagnostic::Secret<'_> = &clients::is_secret;
    let message = crate::diagnostic::Masked::line(notice.to_string().as_bytes(), secret)
        .lossy()
        .trim_start_matches("error: ")
        .to_string();
    // The lines already show the other fatal errors (refused_lines): only an unreadable
    // folder, or a message no line explains, comes here.
    let (code, hint) = match notice {
        Notice::CantReadDir { .. } => ("MC106", "create the folder, or remove or correct the line"),
        _ => ("MC107", "fix the line the reader names"),
    };
    Some(match notice.location() {
        Some((p, reader_line)) if fsio::absolute(p) == fsio::absolute(path) => {
            let number = doc.physical_line(reader_line);
            let line = doc.lines().get(number.saturating_sub(1))?;
            Finding::on_line(
                code,
                Severity::Error,
                format!("{message}: every client refuses this file"),
                path,
                number,
                crate::diagnostic::Masked::line(doc.raw(line), secret),
                Some(hint.to_string()),
            )
        }
        _ => Finding::on_file(
            code,
            Severity::Error,
            format!("{message}: every client refuses this file"),
            Some(path),
            Some(hint.to_string()),
        ),
    })
}

/// What the user should know before applying: CA warnings, unreadable files, passwords in a
/// file others can read, overrides elsewhere in the chain, the chain's own problems, and the
/// weakness of VERIFY_CA for older MariaDB clients.
fn warnings(p: &Proposal) -> Vec<String> {
    let mut out: Vec<String> = p
        .verdict
        .report
        .warnings()
        .map(|f| format!("CA: {}", f.message))
        .collect();
    out.extend(permission_warnings(p));
    // The override's option and value were masked where the review made them.
    for o in &p.review.overrides {
        out.push(format!(
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
    // A reader's message quotes a directive's path: through the masking too.
    out.extend(p.review.notices.iter().map(|n| {
        crate::diagnostic::Masked::line(n.to_string().as_bytes(), &clients::is_secret)
            .lossy()
            .into_owned()
    }));
    if p.mode() == Mode::VerifyCa {
        // The families that verify the CA but fall back to plaintext, and that the host-name
        // mode makes insist on TLS.
        let who: Vec<&str> = p
            .review
            .clients
            .iter()
            .filter(|o| {
                o.tls == Some(TlsUse::IfOffered)
                    && o.ca_verified == Some(true)
                    && clients::insists_with_identity(o.family)
            })
            .map(|o| o.client)
            .collect();
        if !who.is_empty() {
            out.push(format!(
                "with VERIFY_CA, {} verify the CA but fall back to plaintext when the server offers no TLS; --mode VERIFY_IDENTITY makes them insist on TLS (the server's certificate must then name the host you connect to)",
                clients::and_list(&who)
            ));
        }
    }
    out
}

fn permission_warnings(p: &Proposal) -> Vec<String> {
    let doc = &p.doc;
    let mut out = Vec::new();
    let file = &p.file;
    let target_path = apply::write::resolve_target(file).unwrap_or_else(|_| file.clone());
    if ca::is_system_wide(file) {
        if !p.install
            && let Some(why) = ca::unreadable_by_others(&p.ca_path)
        {
            out.push(format!(
                "the CA {} may not be readable by the users whose clients read {} ({why}); use --install to copy it beside the option file",
                p.ca_path.display(),
                file.display()
            ));
        }
        if p.exists
            && let Some(why) = ca::unreadable_by_others(&target_path)
        {
            out.push(format!(
                "{} is not readable by other users ({why}): their clients skip it without a word",
                file.display()
            ));
        }
        return out;
    }
    #[cfg(unix)]
    if p.exists && !doc.bytes().is_empty() {
        use std::os::unix::fs::PermissionsExt;
        let mode_bits = std::fs::metadata(&target_path).map_or(0, |m| m.permissions().mode());
        let has_secret = doc
            .lines()
            .iter()
            .any(|l| doc.option_name(l).is_some_and(clients::is_secret));
        if has_secret && mode_bits & 0o077 != 0 {
            out.push(format!(
                "{} holds a password and is readable by other users (mode {:04o}); consider chmod 600",
                file.display(),
                mode_bits & 0o7777
            ));
        }
    }
    out
}

/// Writes the proposal: installs the CA if asked (the validated certificates only, never over
/// another file), then replaces the file atomically (if it still holds what was read), keeping
/// a backup if asked. When the write fails, a CA this run installed is removed again. A
/// proposal that changes nothing only makes sure the CA it names is installed.
pub fn apply(p: &Proposal, backup: bool) -> Result<Applied, ApplyError> {
    let new = p.changed().then(|| p.new_bytes());
    if let Some(new) = &new {
        verify_new_bytes(p, new)?;
    }
    let installed = if p.install {
        Some(ca::install(&p.ca_path, &ca::installed_bytes(&p.ca)).map_err(ApplyError::Install)?)
    } else {
        None
    };
    if !p.changed() {
        return Ok(Applied {
            written: p.file.clone(),
            backup: None,
        });
    }
    let new = new.unwrap_or_default();
    let written = apply::write_atomic(&p.file, &new, p.original(), p.new_file_mode, backup);
    let w = written.inspect_err(|_| {
        if let Some(how) = installed {
            ca::uninstall(&p.ca_path, how);
        }
    })?;
    Ok(Applied {
        written: w.target,
        backup: w.backup,
    })
}

/// The last check before the write: the new bytes, read back through the reader, are the old
/// options plus exactly the planned ones ([`verify::edit`]), or nothing is written. It runs
/// here, not in [`prepare`], since only a write needs it: `--check` and `--dry-run` stay as
/// fast as reading the file.
fn verify_new_bytes(p: &Proposal, new: &[u8]) -> Result<(), verify::Mismatch> {
    let values: Vec<(&str, &[u8])> = p
        .settings
        .iter()
        .map(|s| (s.name, s.value.as_slice()))
        .collect();
    verify::edit(
        &p.file,
        &p.doc,
        &p.plan.ops,
        &values,
        new,
        p.home.as_deref(),
    )
}

/// Why [`apply`] did not write.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Verify(#[from] verify::Mismatch),
    #[error(transparent)]
    Install(Error),
    #[error(transparent)]
    Write(#[from] WriteError),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(dir: &Path) -> Proposal {
        let file = dir.join("my.cnf");
        std::fs::write(&file, "[client]\nuser=u\n").unwrap();
        let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/certs/demo-ca.pem");
        let req = Request {
            ca: CaInput {
                bytes: std::fs::read(&ca).unwrap(),
                source: ca,
                system_roots: false,
                pipe: false,
            },
            file,
            mode: Some(Mode::VerifyCa),
            target: Target::Mixed,
            group: None,
            install: false,
            show_secrets: false,
        };
        let ctx = Context {
            now: 1_796_000_000,
            env: crate::chain::SearchEnv {
                home: Some(dir.to_path_buf()),
                ..Default::default()
            },
            ..Context::default()
        };
        prepare(&req, &ctx).unwrap()
    }

    #[test]
    fn a_proposal_that_reads_back_as_planned_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let p = proposal(dir.path());
        apply(&p, false).unwrap();
        assert_eq!(std::fs::read(&p.file).unwrap(), p.new_bytes());
    }

    #[test]
    fn new_bytes_that_do_not_read_back_as_planned_are_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = proposal(dir.path());
        // The plan says one CA path, the edit writes another: what the reader would get is
        // not what was planned.
        p.settings[0].value = b"/somewhere/else.pem".to_vec();
        let e = apply(&p, false).unwrap_err();
        assert!(matches!(e, ApplyError::Verify(_)), "{e}");
        assert_eq!(std::fs::read(&p.file).unwrap(), b"[client]\nuser=u\n");
    }
}
