//! Per-file rules: what the reader rejects or misreads, permissions, and duplicates that the
//! strict INI readers (PyMySQL and its forks) and the UTF-8 readers refuse.

use std::path::Path;
use std::rc::Rc;

use rustc_hash::FxHashMap as HashMap;

use super::{Finding, Severity};
use crate::chain::Notice;
use crate::clients::{self, group, names};
use crate::diagnostic::{Findings, Masked, Secret};
use crate::optfile::document::{Parsed, parse_lines};
use crate::optfile::lex::{Directive, DirectiveKind, Entry, OptionLine, ValueSpan};
use crate::optfile::{Invalid, LineEnding, LineKind, OptionName};

/// One file's rules, line by line, with what they remember of earlier lines.
struct FileCheck<'a> {
    sink: &'a mut Findings,
    path: &'a Path,
    /// The line being checked: its number and bytes.
    n: usize,
    raw: &'a [u8],
    has_bom: bool,
    /// The first line that is not UTF-8 (the file is decoded once; one finding a file).
    not_utf8: Option<usize>,
    headers: HashMap<Vec<u8>, usize>,
    /// The keys of the current block (lower case).
    keys: HashMap<Vec<u8>, usize>,
    key: Vec<u8>,
    names: Names,
    group: Option<Vec<u8>>,
    /// The file's mode when others may read it, and its first password line.
    readable_by_others: Option<u32>,
    secret_line: Option<(usize, &'a [u8])>,
    /// What names a secret: every quoted line and name passes through [`Masked`].
    secret: Secret<'a>,
}

impl<'a> FileCheck<'a> {
    /// A finding on the current line (built only if the rule is still under its cap).
    fn push(
        &mut self,
        related: Option<(usize, &'static str)>,
        code: &'static str,
        severity: Severity,
        message: impl FnOnce() -> String,
        hint: &str,
    ) {
        if !self.sink.admit(code, Some(self.path)) {
            return;
        }
        let mut f = Finding::on_line(
            code,
            severity,
            message(),
            self.path,
            self.n,
            Masked::line(self.raw, self.secret),
            Some(hint.to_string()).filter(|h| !h.is_empty()),
        );
        if let Some((line, note)) = related {
            f = f.with_related(self.path, line, note);
        }
        self.sink.push_admitted(f);
    }

    fn line(&mut self, line: &Parsed<'a>) {
        self.n = line.number;
        self.raw = line.raw;
        if line.too_long {
            let len = line.raw.len() - line.ending.as_bytes().len();
            self.push(None, "MC105", Severity::Warning, || format!("line of {len} bytes: the reader cuts lines after 4094 bytes and reads the rest as a new line"), "split the value or shorten it");
        }
        if let LineKind::Invalid(why) = line.kind {
            self.invalid(why);
        }
        if self.not_utf8 == Some(line.number) {
            self.not_utf8 = None;
            self.push(
                None,
                "MC404",
                Severity::Warning,
                || {
                    format!(
                        "this line is not UTF-8: {} decode the file as UTF-8 and refuse it when given it",
                        clients::names_of(|p| p.utf8_only)
                    )
                },
                "save the file as UTF-8",
            );
        }
        if let Entry::Option(o) = &line.entry {
            self.password(&line.raw[o.name.clone()]);
        }
        match &line.entry {
            Entry::Group { name } => self.group(&line.raw[name.clone()]),
            Entry::Directive(d) => self.directive(d, line.ending),
            Entry::Option(o) if line.kind == LineKind::Option => self.option(o),
            _ => {}
        }
    }

    /// Lines every client refuses, or reads in an undefined way.
    fn invalid(&mut self, why: Invalid) {
        let (code, message, hint) = match why {
            Invalid::OptionBeforeGroup if self.n == 1 && self.has_bom => (
                "MC103",
                "the file starts with a UTF-8 byte-order mark, which the reader takes for an option before any group: every client refuses the file",
                "save the file as UTF-8 without BOM",
            ),
            Invalid::OptionBeforeGroup => (
                "MC101",
                "option before the first group header: every client refuses the file",
                "put a group header such as [client] above it",
            ),
            Invalid::MissingBracket => (
                "MC102",
                "group header without a closing `]`: every client refuses the file",
                "close the header with `]`",
            ),
            Invalid::DirectiveWithoutArgument => (
                "MC107",
                "directive without a path: every client refuses the file",
                "give the file or folder to include",
            ),
            Invalid::EmptyName => (
                "MC116",
                "option with an empty name: the reader's behaviour is undefined",
                "write name=value",
            ),
        };
        self.push(None, code, Severity::Error, || message.into(), hint);
    }

    fn group(&mut self, name: &[u8]) {
        let secret = self.secret;
        let shown = || Masked::name(name, secret).lossy().into_owned();
        if name.first().is_some_and(|&b| crate::optfile::is_space(b)) {
            self.push(
                None,
                "MC113",
                Severity::Warning,
                || {
                    format!(
                        "group [{}] starts with a space: no program reads it",
                        shown()
                    )
                },
                "remove the space after `[`",
            );
        }
        match self.headers.get(name) {
            Some(&first) => self.push(
                Some((first, "first block")),
                "MC401",
                Severity::Warning,
                || {
                    format!(
                        "group [{}] appears again: {} refuse a file with a repeated group",
                        shown(),
                        clients::names_of(|p| p.strict_ini)
                    )
                },
                "merge the blocks into one",
            ),
            None => {
                self.headers.insert(name.to_vec(), self.n);
            }
        }
        self.group = Some(name.to_vec());
        self.keys.clear();
    }

    fn directive(&mut self, d: &Directive, ending: LineEnding) {
        let arg = match &d.kind {
            DirectiveKind::Include(Ok(a)) | DirectiveKind::IncludeDir(Ok(a)) => {
                Some(&self.raw[a.clone()])
            }
            _ => None,
        };
        let Some(arg) = arg else {
            if d.kind == DirectiveKind::Unknown {
                self.push(None, "MC115", Severity::Warning, || "unknown directive: the reader ignores it without a word".into(), "the directives are `!include FILE` and `!includedir DIR` (lower case, a space before the path)");
            }
            return;
        };
        if arg.contains(&b'#') || arg.first().is_some_and(|&b| b == b'"' || b == b'\'') {
            self.push(None, "MC108", Severity::Warning, || "the path of this directive holds a comment or quotes: the reader takes them as part of the file name".into(), "write the bare path; comments go on their own line");
        } else if !arg.starts_with(b"/") && !arg.starts_with(b"~/") {
            self.push(None, "MC109", Severity::Warning, || "relative include path: the reader resolves it against the client's working directory, not this file's folder".into(), "use an absolute path");
        }
        if ending == LineEnding::None {
            self.push(None, "MC110", Severity::Warning, || "the file ends in this directive without a newline: the reader drops the last byte of the path".into(), "end the file with a newline");
        }
    }

    fn option(&mut self, o: &OptionLine) {
        let raw = self.raw;
        let name_raw = &raw[o.name.clone()];
        if name_raw.starts_with(b"?include") {
            self.push(None, "MC119", Severity::Warning, || "`?includedir` is a directive only from MariaDB 11.4.10; older readers take it for an option".into(), "use !includedir for older clients");
        }
        if let Some(v) = &o.value {
            self.value(o, v);
        }
        let in_connector_python = self
            .group
            .as_deref()
            .is_some_and(|g| g.eq_ignore_ascii_case(group::CONNECTOR_PYTHON.as_bytes()));
        let secret = self.secret;
        let shown = || Masked::name(name_raw, secret).lossy().into_owned();
        let name = self.names.get(name_raw);
        let unknown_to_connector_python = in_connector_python
            && !names::CONNECTOR_PYTHON_KEYS.contains(&name.0.canonical.as_str());
        if let Some(hint) = &name.1 {
            self.push(
                None,
                "MC114",
                Severity::Warning,
                || format!("unknown option `{}`", shown()),
                hint,
            );
        }
        self.repeated_key(name_raw);
        if unknown_to_connector_python {
            self.push(None, "MC403", Severity::Error, || format!("Connector/Python stops on `{}` in [connector_python] (AttributeError: Unsupported argument)", shown()), "move it to [client] or to the group of the program that knows it");
        }
    }

    /// The first password line (of any kind: also one before any group), for MC202.
    fn password(&mut self, name_raw: &[u8]) {
        if self.secret_line.is_none()
            && self.readable_by_others.is_some()
            && clients::is_secret(name_raw)
        {
            self.secret_line = Some((self.n, self.raw));
        }
    }

    /// Comment characters that are part of the value.
    fn value(&mut self, o: &OptionLine, v: &ValueSpan) {
        let raw = self.raw;
        let value = &raw[v.raw.clone()];
        let quotes = value.iter().filter(|&&b| b == b'"' || b == b'\'').count();
        let before = |c: u8| {
            value
                .windows(2)
                .any(|w| crate::optfile::is_space(w[0]) && w[1] == c)
        };
        if o.comment.is_none() && quotes % 2 == 1 && before(b'#') {
            self.push(
                None,
                "MC111",
                Severity::Warning,
                || "an unbalanced quote makes the `#` comment part of the value".into(),
                "quote the whole value, or escape the quote as \\' / \\\"",
            );
        }
        if v.quote(raw).is_none() && before(b';') {
            self.push(None, "MC112", Severity::Warning, || "`;` starts a comment only at the beginning of a line: here it is part of the value".into(), "use `#` for a comment after a value");
        }
    }

    /// A key set twice in one block (PyMySQL's strict parser refuses the file).
    fn repeated_key(&mut self, name_raw: &[u8]) {
        self.key.clear();
        self.key.extend(name_raw.iter().map(u8::to_ascii_lowercase));
        match self.keys.get(self.key.as_slice()) {
            Some(&first) => {
                let key = Masked::name(&self.key, self.secret).lossy().into_owned();
                self.push(
                    Some((first, "first occurrence")),
                    "MC402",
                    Severity::Warning,
                    || {
                        format!(
                            "`{key}` is set twice in this block: {} refuse the file",
                            clients::names_of(|p| p.strict_ini)
                        )
                    },
                    "keep one line",
                );
            }
            None => {
                self.keys.insert(self.key.clone(), self.n);
            }
        }
    }

    /// What needs the whole file: a password in a file others can read.
    fn finish(self) {
        if let (Some(mode), Some((line, raw))) = (self.readable_by_others, self.secret_line) {
            self.sink.push(Finding::on_line(
                "MC202",
                Severity::Warning,
                format!("a password in a file other users can read (mode {mode:04o})"),
                self.path,
                line,
                Masked::line(raw, self.secret),
                Some(format!("chmod 600 {}", self.path.display())),
            ));
        }
    }
}

/// Each distinct option spelling parsed once: its canonical name and the TLS option it was
/// probably meant to be, if it looks like a misspelt one.
#[derive(Default)]
struct Names {
    /// The parsed name, and the hint for a misspelt one.
    seen: HashMap<Vec<u8>, Rc<(OptionName, Option<String>)>>,
}

impl Names {
    fn get(&mut self, raw: &[u8]) -> Rc<(OptionName, Option<String>)> {
        if let Some(n) = self.seen.get(raw) {
            return n.clone();
        }
        let name = OptionName::parse(raw);
        let hint = meant(&name.canonical).map(|k| format!("did you mean `{k}`?"));
        let n = Rc::new((name, hint));
        self.seen.insert(raw.to_vec(), n.clone());
        n
    }
}

/// The TLS option a misspelt name was probably meant to be.
pub(crate) fn meant(canonical: &str) -> Option<&'static str> {
    if canonical.len() < 5 || names::TLS_OPTIONS.contains(&canonical) {
        return None;
    }
    names::TLS_OPTIONS
        .iter()
        .filter(|k| k.len() >= 5 && k.len().abs_diff(canonical.len()) <= 2)
        .map(|k| (strsim::damerau_levenshtein(k, canonical), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The rules of one file, in one pass over its lines.
pub(crate) fn check_file(path: &Path, bytes: &[u8], sink: &mut Findings, secret: Secret<'_>) {
    if crate::optfile::lex::looks_binary(bytes) {
        sink.push(Finding::on_file(
            "MC120",
            Severity::Error,
            format!(
                "{} is a binary file (it holds NUL bytes), not an option file: clients that read it stop",
                path.display()
            ),
            Some(path),
            Some("remove it from the files the clients read".into()),
        ));
        return;
    }
    if !bytes.is_empty() && !bytes.contains(&b'\n') && bytes.contains(&b'\r') {
        sink.push(Finding::on_file(
            "MC104",
            Severity::Warning,
            format!("{} uses CR-only (old Mac) line endings: the reader sees one line and reads nothing", path.display()),
            Some(path),
            Some("convert the line endings to LF".into()),
        ));
    }
    let mut check = FileCheck {
        sink,
        path,
        n: 0,
        raw: &[],
        has_bom: bytes.starts_with(b"\xEF\xBB\xBF"),
        // A line feed is never inside a UTF-8 sequence: the first bad byte's line is the first
        // line that is not UTF-8.
        not_utf8: std::str::from_utf8(bytes)
            .err()
            .map(|e| memchr::memchr_iter(b'\n', &bytes[..e.valid_up_to()]).count() + 1),
        headers: HashMap::default(),
        keys: HashMap::default(),
        key: Vec::new(),
        names: Names::default(),
        group: None,
        readable_by_others: readable_by_others(path),
        secret_line: None,
        secret,
    };
    for line in parse_lines(bytes) {
        check.line(&line);
    }
    check.finish();
}

/// The reader's messages about reader lines of a file (`notices`: reader line, message), at the
/// file's own lines.
pub(crate) fn place_notices(
    path: &Path,
    bytes: &[u8],
    sink: &mut Findings,
    notices: &[(usize, &Notice)],
    secret: Secret<'_>,
) {
    for line in parse_lines(bytes) {
        let pieces = line.reader_number..line.reader_number + line.pieces;
        for (_, notice) in notices.iter().filter(|(r, _)| pieces.contains(r)) {
            sink.push(super::at_line(
                notice,
                path,
                line.number,
                Masked::line(line.raw, secret),
                secret,
            ));
        }
    }
}

/// The file's mode, when other users may read it (a per-user file: under /etc that is normal).
fn readable_by_others(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o7777;
        (mode & 0o077 != 0 && !path.starts_with("/etc")).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}
