//! Per-file rules: what the reader rejects or misreads, permissions, and duplicates that the
//! strict INI readers (PyMySQL, Connector/Python) refuse.

use rustc_hash::FxHashMap as HashMap;
use std::path::Path;

use super::{Finding, Severity};
use crate::chain::Notice;
use crate::clients::{self, group, names};
use crate::diagnostic::Findings;
use crate::optfile::document::parse_lines;
use crate::optfile::lex::{DirectiveKind, Entry};
use crate::optfile::{Invalid, LineEnding, LineKind, OptionName};

/// Where one file's findings go; `raw` is the line being checked.
struct Out<'a> {
    sink: &'a mut Findings,
    path: &'a Path,
    raw: &'a [u8],
}

impl Out<'_> {
    fn push(
        &mut self,
        line: usize,
        related: Option<(usize, &'static str)>,
        code: &'static str,
        severity: Severity,
        message: impl FnOnce() -> String,
        hint: &str,
    ) {
        if !self.sink.admit(code, Some(self.path)) {
            return;
        }
        let message = message();
        let raw = self.raw;
        let mut f = Finding::on_line(
            code,
            severity,
            message,
            self.path,
            line,
            raw,
            Some(hint.to_string()).filter(|h| !h.is_empty()),
        );
        if let Some((line, note)) = related {
            f = f.with_related(self.path, line, note);
        }
        self.sink.push_admitted(f);
    }
}

/// Each distinct option spelling parsed once: its canonical name and the TLS option it was
/// probably meant to be, if it looks like a misspelt one.
#[derive(Default)]
struct Names {
    /// The parsed name, and the hint for a misspelt one.
    seen: HashMap<Vec<u8>, (OptionName, Option<String>)>,
}

impl Names {
    fn get(&mut self, raw: &[u8]) -> &(OptionName, Option<String>) {
        if !self.seen.contains_key(raw) {
            let name = OptionName::parse(raw);
            let hint = meant(&name.canonical).map(|k| format!("did you mean `{k}`?"));
            self.seen.insert(raw.to_vec(), (name, hint));
        }
        &self.seen[raw]
    }
}

/// The TLS option a misspelt name was probably meant to be.
fn meant(canonical: &str) -> Option<&'static str> {
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

/// The rules of one file, in one pass over its lines. `notices` are the reader's messages
/// about reader lines of this file, to report at their lines.
pub(crate) fn check_file(
    path: &Path,
    bytes: &[u8],
    sink: &mut Findings,
    notices: &[(usize, &Notice)],
) {
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
    let readable_by_others = readable_by_others(path);
    let mut secret_line: Option<(usize, &[u8])> = None;
    if !bytes.is_empty() && !bytes.contains(&b'\n') && bytes.contains(&b'\r') {
        sink.push(Finding::on_file(
            "MC104",
            Severity::Warning,
            format!("{} uses CR-only (old Mac) line endings: the reader sees one line and reads nothing", path.display()),
            Some(path),
            Some("convert the line endings to LF".into()),
        ));
    }

    let mut headers: HashMap<Vec<u8>, usize> = HashMap::default();
    let mut keys: HashMap<Vec<u8>, usize> = HashMap::default();
    let mut key: Vec<u8> = Vec::new();
    let mut names = Names::default();
    let mut group: Option<Vec<u8>> = None;
    let has_bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let mut pending = Out {
        sink,
        path,
        raw: &[],
    };
    for line in parse_lines(bytes) {
        let n = line.number;
        let raw = line.raw;
        pending.raw = raw;
        for (_, notice) in notices
            .iter()
            .filter(|(r, _)| (line.reader_number..line.reader_number + line.pieces).contains(r))
        {
            pending.sink.push(super::at_line(notice, path, n, raw));
        }
        if line.too_long {
            pending.push(
                n,
                None,
                "MC105",
                Severity::Warning,
                || format!(
                    "line of {} bytes: the reader cuts lines after 4094 bytes and reads the rest as a new line",
                    raw.len() - line.ending.as_bytes().len()
                ),
                "split the value or shorten it",
            );
        }
        match line.kind {
            LineKind::Invalid(Invalid::OptionBeforeGroup) if n == 1 && has_bom => pending.push(n, None, "MC103",
                Severity::Error,
                || "the file starts with a UTF-8 byte-order mark, which the reader takes for an option before any group: every client refuses the file".into(),
                "save the file as UTF-8 without BOM",
            ),
            LineKind::Invalid(Invalid::OptionBeforeGroup) => pending.push(n, None, "MC101",
                Severity::Error,
                || "option before the first group header: every client refuses the file".into(),
                "put a group header such as [client] above it",
            ),
            LineKind::Invalid(Invalid::MissingBracket) => pending.push(n, None, "MC102",
                Severity::Error,
                || "group header without a closing `]`: every client refuses the file".into(),
                "close the header with `]`",
            ),
            LineKind::Invalid(Invalid::DirectiveWithoutArgument) => pending.push(n, None, "MC107",
                Severity::Error,
                || "directive without a path: every client refuses the file".into(),
                "give the file or folder to include",
            ),
            LineKind::Invalid(Invalid::EmptyName) => pending.push(n, None, "MC116",
                Severity::Error,
                || "option with an empty name: the reader's behaviour is undefined".into(),
                "write name=value",
            ),
            _ => {}
        }
        match &line.entry {
            Entry::Group { name } => {
                let name = raw[name.clone()].to_vec();
                if name.first().is_some_and(|&b| crate::optfile::is_space(b)) {
                    pending.push(
                        n,
                        None,
                        "MC113",
                        Severity::Warning,
                        || {
                            format!(
                                "group [{}] starts with a space: no program reads it",
                                String::from_utf8_lossy(&name)
                            )
                        },
                        "remove the space after `[`",
                    );
                }
                if let Some(&first) = headers.get(&name) {
                    pending.push(
                        n,
                        Some((first, "first block")),
                        "MC401",
                        Severity::Warning,
                        || format!(
                            "group [{}] appears again: PyMySQL and Connector/Python refuse a file with a repeated group",
                            String::from_utf8_lossy(&name)
                        ),
                        "merge the blocks into one",
                    );
                } else {
                    headers.insert(name.clone(), n);
                }
                group = Some(name);
                keys.clear();
            }
            Entry::Directive(d) => {
                let arg = match &d.kind {
                    DirectiveKind::Include(Ok(a)) | DirectiveKind::IncludeDir(Ok(a)) => {
                        Some(&raw[a.clone()])
                    }
                    _ => None,
                };
                if let Some(arg) = arg {
                    if arg.contains(&b'#') || arg.first().is_some_and(|&b| b == b'"' || b == b'\'')
                    {
                        pending.push(n, None, "MC108", Severity::Warning, || "the path of this directive holds a comment or quotes: the reader takes them as part of the file name".into(), "write the bare path; comments go on their own line");
                    } else if !arg.starts_with(b"/") && !arg.starts_with(b"~/") {
                        pending.push(n, None, "MC109", Severity::Warning, || "relative include path: the reader resolves it against the client's working directory, not this file's folder".into(), "use an absolute path");
                    }
                    if line.ending == LineEnding::None {
                        pending.push(n, None, "MC110", Severity::Warning, || "the file ends in this directive without a newline: the reader drops the last byte of the path".into(), "end the file with a newline");
                    }
                } else if d.kind == DirectiveKind::Unknown {
                    pending.push(
                        n,
                        None,
                        "MC115",
                        Severity::Warning,
                        || "unknown directive: the reader ignores it without a word".into(),
                        "the directives are `!include FILE` and `!includedir DIR` (lower case, a space before the path)",
                    );
                }
            }
            Entry::Option(o) if line.kind == LineKind::Option => {
                let name_raw = &raw[o.name.clone()];
                let (name, typo) = names.get(name_raw);
                if secret_line.is_none()
                    && readable_by_others.is_some()
                    && clients::is_secret(name_raw)
                {
                    secret_line = Some((n, raw));
                }
                if name_raw.starts_with(b"?include") {
                    pending.push(n, None, "MC119", Severity::Warning, || "`?includedir` is a directive only from MariaDB 11.4.10; older readers take it for an option".into(), "use !includedir for older clients");
                }
                if let Some(v) = &o.value {
                    let value = &raw[v.raw.clone()];
                    let quotes = value.iter().filter(|&&b| b == b'"' || b == b'\'').count();
                    if o.comment.is_none()
                        && quotes % 2 == 1
                        && raw[v.raw.clone()]
                            .windows(2)
                            .any(|w| crate::optfile::is_space(w[0]) && w[1] == b'#')
                    {
                        pending.push(
                            n,
                            None,
                            "MC111",
                            Severity::Warning,
                            || "an unbalanced quote makes the `#` comment part of the value".into(),
                            "quote the whole value, or escape the quote as \\' / \\\"",
                        );
                    }
                    if v.quote(raw).is_none()
                        && value
                            .windows(2)
                            .any(|w| crate::optfile::is_space(w[0]) && w[1] == b';')
                    {
                        pending.push(n, None, "MC112", Severity::Warning, || "`;` starts a comment only at the beginning of a line: here it is part of the value".into(), "use `#` for a comment after a value");
                    }
                }
                if let Some(hint) = typo {
                    pending.push(
                        n,
                        None,
                        "MC114",
                        Severity::Warning,
                        || format!("unknown option `{}`", String::from_utf8_lossy(name_raw)),
                        hint,
                    );
                }
                key.clear();
                key.extend(name_raw.iter().map(u8::to_ascii_lowercase));
                if let Some(&first) = keys.get(key.as_slice()) {
                    pending.push(
                        n,
                        Some((first, "first occurrence")),
                        "MC402",
                        Severity::Warning,
                        || {
                            format!(
                                "`{}` is set twice in this block: PyMySQL refuses the file",
                                String::from_utf8_lossy(&key)
                            )
                        },
                        "keep one line",
                    );
                } else {
                    keys.insert(key.clone(), n);
                }
                if group
                    .as_deref()
                    .is_some_and(|g| g.eq_ignore_ascii_case(group::CONNECTOR_PYTHON.as_bytes()))
                    && !names::CONNECTOR_PYTHON_KEYS.contains(&name.canonical.as_str())
                {
                    pending.push(
                        n,
                        None,
                        "MC403",
                        Severity::Error,
                        || format!(
                            "Connector/Python stops on `{}` in [connector_python] (AttributeError: Unsupported argument)",
                            String::from_utf8_lossy(name_raw)
                        ),
                        "move it to [client] or to the group of the program that knows it",
                    );
                }
            }
            _ => {}
        }
    }
    if let (Some(mode), Some((line, raw))) = (readable_by_others, secret_line) {
        pending.sink.push(Finding::on_line(
            "MC202",
            Severity::Warning,
            format!("a password in a file other users can read (mode {mode:04o})"),
            path,
            line,
            raw,
            Some(format!("chmod 600 {}", path.display())),
        ));
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
