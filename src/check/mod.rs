//! The validator behind `mycnf-secure check`: reader errors and traps in each file, file
//! permissions, the TLS posture every client family really gets from the whole read chain, and
//! portability to the strict INI readers. Findings have stable codes (docs/check-rules.md).
//!
//! One read of the chain feeds the posture rules as it goes; then each file is parsed once for
//! its own rules. Linear in the size of the files; findings are capped per rule and file.
//! It never prints.

mod posture;
pub mod rules;
pub mod sarif;
mod syntax;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cert::TrustStore;
use crate::chain::{self, ChainFile, GroupSet, Notice, OptionRecord, Reader, Visitor};
use crate::clients::{self, Target};
pub use crate::diagnostic::{Finding, Related, Severity};
use crate::diagnostic::{Findings, Masked};

pub use crate::diagnostic::PER_RULE_AND_FILE;

/// The result of a check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub files: Vec<PathBuf>,
    pub findings: Vec<Finding>,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }

    /// `2 errors, 3 warnings in 4 files`.
    pub fn summary(&self) -> String {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        format!(
            "{}, {} in {}",
            plural(self.errors(), "error"),
            plural(self.warnings(), "warning"),
            plural(self.files.len(), "file")
        )
    }
}

/// What to check.
pub struct CheckInput<'a> {
    pub files: Vec<ChainFile>,
    pub target: Target,
    pub now: i64,
    pub store: Option<&'a TrustStore>,
    /// What `~/` in include paths stands for.
    pub home: Option<&'a Path>,
    /// Quote secrets as they are (`--show-secrets`) instead of `*****`.
    pub show_secrets: bool,
}

/// What names a secret in what the check quotes: nothing under `--show-secrets`.
fn secret_names(show_secrets: bool) -> impl Fn(&[u8]) -> bool + Copy {
    move |name: &[u8]| !show_secrets && clients::is_secret(name)
}

/// What one read of the chain gives the check: the files and the reader's messages, each once,
/// and the options, to the posture rules (only until a fatal error stops the clients).
struct Collect<'p> {
    posture: &'p mut posture::Posture,
    live: bool,
    files: Vec<PathBuf>,
    seen_files: HashSet<PathBuf>,
    notices: Vec<Notice>,
    seen_notices: HashSet<String>,
    /// Each new file goes to the per-file rules, which run beside the reading.
    per_file: std::sync::mpsc::Sender<PathBuf>,
}

impl Visitor for Collect<'_> {
    fn wants_value(&mut self, name: &[u8]) -> bool {
        self.live && self.posture.looks_at(name)
    }

    fn option(&mut self, r: &OptionRecord<'_>) {
        if self.live {
            self.posture.option(r);
        }
    }

    fn notice(&mut self, notice: Notice) {
        if self.seen_notices.insert(format!("{notice:?}")) {
            self.notices.push(notice);
        }
    }

    fn file(&mut self, path: &Path, _depth: u32) {
        if self.seen_files.insert(path.to_path_buf()) {
            self.files.push(path.to_path_buf());
            let _ = self.per_file.send(path.to_path_buf());
        }
    }
}

/// The per-file rules of each file that arrives, on a thread of their own.
fn per_file_rules(files: std::sync::mpsc::Receiver<PathBuf>, show_secrets: bool) -> Findings {
    let mut sink = Findings::new(PER_RULE_AND_FILE);
    let secret = secret_names(show_secrets);
    for path in files {
        if let Ok(bytes) = crate::chain::fsio::read_regular(&path) {
            syntax::check_file(&path, &bytes, &mut sink, &secret);
        }
    }
    sink
}

/// Runs every rule: the chain is read once (the posture rules follow it) while, beside it, each
/// file the reading opens gets its per-file rules.
pub fn check(input: &CheckInput<'_>) -> CheckReport {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        let show = input.show_secrets;
        let per_file = scope.spawn(move || per_file_rules(receive, show));
        let mut posture = posture::Posture::new(input.target, PER_RULE_AND_FILE, show);
        let (files, notices) = read(input, &mut posture, send);
        let mut sink = per_file.join().expect("the per-file rules do not panic");
        finish(input, posture, &mut sink, files, &notices)
    })
}

/// Reads the chain for the posture rules: the files read and the reader's messages. Every
/// file is checked even when an earlier one is fatal for the clients (which then stop
/// reading): each top-level file is read in turn, its options counted only while the clients
/// would still be reading.
fn read(
    input: &CheckInput<'_>,
    posture: &mut posture::Posture,
    per_file: std::sync::mpsc::Sender<PathBuf>,
) -> (Vec<PathBuf>, Vec<Notice>) {
    let set = GroupSet::new(clients::all_client_groups(), None);
    let home = input.home.map(Path::to_path_buf);
    let mut collect = Collect {
        posture,
        live: true,
        files: Vec::new(),
        seen_files: HashSet::new(),
        notices: Vec::new(),
        seen_notices: HashSet::new(),
        per_file,
    };
    for top in &input.files {
        let mut reader = Reader::new(&set, collect).with_home(home.clone());
        let fatal = chain::read_chain(&mut reader, std::slice::from_ref(top)).is_err();
        collect = reader.into_visitor();
        if fatal {
            collect.live = false;
        }
    }
    (collect.files, collect.notices)
}

/// The reader's messages as findings, the files only they name, and the posture rules'
/// verdict on the whole chain.
fn finish(
    input: &CheckInput<'_>,
    posture: posture::Posture,
    sink: &mut Findings,
    mut files: Vec<PathBuf>,
    notices: &[Notice],
) -> CheckReport {
    let mut located: Vec<(&Notice, PathBuf, usize)> = Vec::new();
    let mut unread: Vec<PathBuf> = Vec::new();
    for notice in notices {
        match notice_finding(notice) {
            Some(Ok(mut f)) => {
                // A file named to be checked that is a folder or device is a mistake, whatever
                // the clients make of it.
                if f.code == "MC121"
                    && input
                        .files
                        .iter()
                        .any(|c| c.required && f.file.as_deref() == Some(c.path.as_path()))
                {
                    f.severity = Severity::Error;
                }
                if let Some(p) = &f.file
                    && !files.contains(p)
                {
                    files.push(p.clone());
                    unread.push(p.clone());
                }
                sink.push(f);
            }
            Some(Err((path, line))) => located.push((notice, path, line)),
            None => {}
        }
    }
    let secret = secret_names(input.show_secrets);
    // Files the reading skipped (world-writable ones) still get their per-file rules.
    for path in &unread {
        if let Ok(bytes) = crate::chain::fsio::read_regular(path) {
            syntax::check_file(path, &bytes, sink, &secret);
        }
    }
    let mut with_notices: Vec<&PathBuf> = located.iter().map(|(_, p, _)| p).collect();
    with_notices.dedup();
    for path in with_notices {
        let at: Vec<(usize, &Notice)> = located
            .iter()
            .filter(|(_, p, _)| p == path)
            .map(|(notice, _, line)| (*line, *notice))
            .collect();
        if let Ok(bytes) = crate::chain::fsio::read_regular(path) {
            syntax::place_notices(path, &bytes, sink, &at, &secret);
        }
    }
    let mut posture_findings = posture.finish(input, &files);
    posture_findings.merge(std::mem::replace(sink, Findings::new(PER_RULE_AND_FILE)));
    let mut findings = posture_findings.finish();
    // A line that stops a program (MC122, with its own "did you mean") is no mere warning.
    let stops: HashSet<(Option<PathBuf>, usize)> = findings
        .iter()
        .filter(|f| f.code == "MC122")
        .map(|f| (f.file.clone(), f.line))
        .collect();
    if !stops.is_empty() {
        findings.retain(|f| f.code != "MC114" || !stops.contains(&(f.file.clone(), f.line)));
    }
    CheckReport { files, findings }
}

/// A finding for a reader message: whole, or (`Err`) to be placed at a reader line of a file.
fn notice_finding(notice: &Notice) -> Option<Result<Finding, (PathBuf, usize)>> {
    Some(match notice {
        Notice::WorldWritable { path } => Ok(Finding::on_file(
            "MC201",
            Severity::Error,
            format!(
                "{} is world-writable: every client ignores it",
                path.display()
            ),
            Some(path),
            Some(format!("chmod o-w {}", path.display())),
        )),
        Notice::RequiredFileMissing { path } => Ok(Finding::on_file(
            "MC118",
            Severity::Error,
            format!("{} does not exist or cannot be read", path.display()),
            Some(path),
            None,
        )),
        Notice::CantReadDir { path, line, .. }
        | Notice::DepthLimit { path, line, .. }
        | Notice::NotRegular {
            from: Some((path, line)),
            ..
        } => Err((path.clone(), *line)),
        Notice::NotRegular {
            path,
            kind,
            from: None,
        } => Ok(Finding::on_file(
            "MC121",
            not_regular_severity(*kind),
            format!(
                "{} is {}, not a regular file: no option is read from it",
                path.display(),
                kind.describe()
            ),
            Some(path),
            Some(NOT_REGULAR_HINT.into()),
        )),
        // The per-file rules report these with more detail.
        Notice::WrongGroup { .. }
        | Notice::OptionWithoutGroup { .. }
        | Notice::WrongDirective { .. } => return None,
    })
}

const NOT_REGULAR_HINT: &str = "a FIFO makes every client wait for a writer, a device is read byte by byte; name a regular file";

/// A FIFO (clients hang on it) or a block device is an error; a folder or a character device
/// (`/dev/null`) reads as empty.
fn not_regular_severity(kind: crate::chain::fsio::FileKind) -> Severity {
    use crate::chain::fsio::FileKind;
    match kind {
        FileKind::Folder | FileKind::CharDevice => Severity::Warning,
        _ => Severity::Error,
    }
}

/// The finding for a reader message about line `n` of `path`, whose bytes are `raw`.
pub(crate) fn at_line(
    notice: &Notice,
    path: &Path,
    n: usize,
    raw: Masked<'_>,
    secret: crate::diagnostic::Secret<'_>,
) -> Finding {
    match notice {
        Notice::CantReadDir { dir, reason, .. } => Finding::on_line(
            "MC106",
            Severity::Error,
            format!(
                "!includedir names {}, which cannot be read: {reason}",
                Masked::line(dir.as_os_str().as_encoded_bytes(), secret).lossy()
            ),
            path,
            n,
            raw,
            Some(
                "in a top-level file this stops every client; create the folder or remove the line"
                    .into(),
            ),
        ),
        Notice::NotRegular {
            path: target, kind, ..
        } => Finding::on_line(
            "MC121",
            not_regular_severity(*kind),
            format!(
                "this line includes {}, which is {}, not a regular file: no option is read from it",
                target.display(),
                kind.describe()
            ),
            path,
            n,
            raw,
            Some(NOT_REGULAR_HINT.into()),
        ),
        _ => Finding::on_line(
            "MC117",
            Severity::Warning,
            "include depth limit (10) reached: this directive is skipped",
            path,
            n,
            raw,
            Some("an include loop? the reader has no cycle detection".into()),
        ),
    }
}
