//! The validator behind `mycnf-secure check`: reader errors and traps in each file, file
//! permissions, the TLS posture every client family really gets from the whole read chain, and
//! portability to the strict INI readers. Findings have stable codes (docs/check-rules.md).
//!
//! Pure apart from reading the files of the chain; it never prints.

mod posture;
mod syntax;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cert::TrustStore;
use crate::chain::{self, ChainFile, GroupSet, Notice, OptionCollector, Reader};
use crate::clients::{self, Target};
pub use crate::diagnostic::{Finding, Related, Severity};
use crate::optfile::Document;

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
}

/// The documents read so far, by path: findings get their source lines from here.
#[derive(Default)]
pub(crate) struct Sources {
    docs: BTreeMap<PathBuf, Document>,
}

impl Sources {
    fn doc(&mut self, path: &Path) -> Option<&Document> {
        if !self.docs.contains_key(path) {
            let bytes = std::fs::read(path).ok()?;
            self.docs.insert(path.to_path_buf(), Document::parse(bytes));
        }
        self.docs.get(path)
    }

    /// A finding at the reader's line `reader_line` of `path` (what the chain reader reports).
    pub(crate) fn at_reader(
        &mut self,
        code: &'static str,
        severity: Severity,
        message: String,
        path: &Path,
        reader_line: usize,
        hint: Option<String>,
    ) -> Finding {
        let line = self
            .doc(path)
            .map_or(reader_line, |d| d.physical_line(reader_line));
        self.at(code, severity, message, path, line, hint)
    }

    /// A finding at `line` of `path`, its column and caret on the line's content.
    pub(crate) fn at(
        &mut self,
        code: &'static str,
        severity: Severity,
        message: String,
        path: &Path,
        line: usize,
        hint: Option<String>,
    ) -> Finding {
        let raw = self
            .doc(path)
            .and_then(|d| {
                d.lines()
                    .get(line.wrapping_sub(1))
                    .map(|l| d.raw(l).to_vec())
            })
            .unwrap_or_default();
        Finding::on_line(code, severity, message, path, line, &raw, hint)
    }
}

/// A finding about a whole file (no line).
pub(crate) fn on_file(
    code: &'static str,
    severity: Severity,
    message: String,
    path: Option<&Path>,
    hint: Option<String>,
) -> Finding {
    Finding::on_file(code, severity, message, path, hint)
}

/// Runs every rule.
pub fn check(input: &CheckInput<'_>) -> CheckReport {
    let set = GroupSet::new(clients::all_client_groups(), None);
    let home = input.home.map(Path::to_path_buf);
    let mut reader = Reader::new(&set, OptionCollector::default()).with_home(home.clone());
    let _ = chain::read_chain(&mut reader, &input.files);
    let collected = reader.into_visitor();

    // Every file is checked even when an earlier one is fatal for the clients (which then stop
    // reading): each top-level file is read on its own for its includes.
    let mut sources = Sources::default();
    let mut findings = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut notices = collected.notices.clone();
    for top in &input.files {
        let mut one = Reader::new(&set, OptionCollector::default()).with_home(home.clone());
        let _ = chain::read_chain(&mut one, std::slice::from_ref(top));
        let one = one.into_visitor();
        for f in one.files {
            if !files.contains(&f) {
                files.push(f);
            }
        }
        for n in one.notices {
            if !notices.contains(&n) {
                notices.push(n);
            }
        }
    }
    for notice in &notices {
        if let Some(f) = notice_finding(notice, &mut sources) {
            if let Some(p) = &f.file
                && !files.contains(p)
            {
                files.push(p.clone());
            }
            findings.push(f);
        }
    }
    for path in &files {
        syntax::check_file(path, &mut sources, &mut findings);
    }
    posture::check_posture(
        input,
        &collected.options,
        &files,
        &mut sources,
        &mut findings,
    );

    findings
        .sort_by(|a, b| (&a.file, a.line, a.col, a.code).cmp(&(&b.file, b.line, b.col, b.code)));
    findings.dedup_by(|a, b| a.code == b.code && a.file == b.file && a.line == b.line);
    CheckReport { files, findings }
}

fn notice_finding(notice: &Notice, sources: &mut Sources) -> Option<Finding> {
    Some(match notice {
        Notice::WorldWritable { path } => on_file(
            "MC201",
            Severity::Error,
            format!(
                "{} is world-writable: every client ignores it",
                path.display()
            ),
            Some(path),
            Some(format!("chmod o-w {}", path.display())),
        ),
        Notice::CantReadDir {
            dir,
            reason,
            path,
            line,
            ..
        } => sources.at_reader(
            "MC106",
            Severity::Error,
            format!(
                "!includedir names {}, which cannot be read: {reason}",
                dir.display()
            ),
            path,
            *line,
            Some(
                "in a top-level file this stops every client; create the folder or remove the line"
                    .into(),
            ),
        ),
        Notice::DepthLimit { path, line, .. } => sources.at_reader(
            "MC117",
            Severity::Warning,
            "include depth limit (10) reached: this directive is skipped".into(),
            path,
            *line,
            Some("an include loop? the reader has no cycle detection".into()),
        ),
        Notice::RequiredFileMissing { path } => on_file(
            "MC118",
            Severity::Error,
            format!("{} does not exist or cannot be read", path.display()),
            Some(path),
            None,
        ),
        // The per-file rules report these with more detail.
        Notice::WrongGroup { .. }
        | Notice::OptionWithoutGroup { .. }
        | Notice::WrongDirective { .. } => return None,
    })
}
