//! Per-file rules: what the reader rejects or misreads, permissions, and duplicates that the
//! strict INI readers (PyMySQL, Connector/Python) refuse.

use std::collections::HashMap;
use std::path::Path;

use super::{Finding, Severity};
use crate::clients::{self, group, names};
use crate::optfile::lex::{DirectiveKind, Entry};
use crate::optfile::{Document, Invalid, LineEnding, LineKind, OptionName};

struct Pending {
    code: &'static str,
    severity: Severity,
    message: String,
    hint: String,
    line: usize,
    related: Option<(usize, &'static str)>,
}

fn push(
    pending: &mut Vec<Pending>,
    line: usize,
    related: Option<(usize, &'static str)>,
    code: &'static str,
    severity: Severity,
    message: String,
    hint: &str,
) {
    pending.push(Pending {
        code,
        severity,
        message,
        hint: hint.to_string(),
        line,
        related,
    });
}

/// The TLS option a misspelt name was probably meant to be, each distinct name judged once.
#[derive(Default)]
struct Typos {
    seen: HashMap<String, Option<&'static str>>,
}

impl Typos {
    fn meant(&mut self, canonical: &str) -> Option<&'static str> {
        if let Some(m) = self.seen.get(canonical) {
            return *m;
        }
        let m = if canonical.len() < 5 || names::TLS_OPTIONS.contains(&canonical) {
            None
        } else {
            names::TLS_OPTIONS
                .iter()
                .filter(|k| k.len() >= 5 && k.len().abs_diff(canonical.len()) <= 2)
                .map(|k| (strsim::damerau_levenshtein(k, canonical), *k))
                .filter(|(d, _)| *d <= 2)
                .min_by_key(|(d, _)| *d)
                .map(|(_, k)| k)
        };
        self.seen.insert(canonical.to_string(), m);
        m
    }
}

pub(crate) fn check_file(path: &Path, doc: &Document, out: &mut Vec<Finding>) {
    permissions(path, doc, out);
    let bytes = doc.bytes();
    if !bytes.is_empty() && !bytes.contains(&b'\n') && bytes.contains(&b'\r') {
        out.push(Finding::on_file(
            "MC104",
            Severity::Warning,
            format!("{} uses CR-only (old Mac) line endings: the reader sees one line and reads nothing", path.display()),
            Some(path),
            Some("convert the line endings to LF".into()),
        ));
    }

    let mut headers: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut typos = Typos::default();
    let mut group: Option<Vec<u8>> = None;
    let last = doc.lines().len();
    let mut pending: Vec<Pending> = Vec::new();
    for (i, line) in doc.lines().iter().enumerate() {
        let n = line.number();
        let raw = doc.raw(line);
        if line.too_long {
            push(
                &mut pending,
                n,
                None,
                "MC105",
                Severity::Warning,
                format!(
                    "line of {} bytes: the reader cuts lines after 4094 bytes and reads the rest as a new line",
                    raw.len() - line.ending.as_bytes().len()
                ),
                "split the value or shorten it",
            );
        }
        match line.kind {
            LineKind::Invalid(Invalid::OptionBeforeGroup) if n == 1 && doc.has_bom() => push(&mut pending, n, None, "MC103",
                Severity::Error,
                "the file starts with a UTF-8 byte-order mark, which the reader takes for an option before any group: every client refuses the file".into(),
                "save the file as UTF-8 without BOM",
            ),
            LineKind::Invalid(Invalid::OptionBeforeGroup) => push(&mut pending, n, None, "MC101",
                Severity::Error,
                "option before the first group header: every client refuses the file".into(),
                "put a group header such as [client] above it",
            ),
            LineKind::Invalid(Invalid::MissingBracket) => push(&mut pending, n, None, "MC102",
                Severity::Error,
                "group header without a closing `]`: every client refuses the file".into(),
                "close the header with `]`",
            ),
            LineKind::Invalid(Invalid::DirectiveWithoutArgument) => push(&mut pending, n, None, "MC107",
                Severity::Error,
                "directive without a path: every client refuses the file".into(),
                "give the file or folder to include",
            ),
            LineKind::Invalid(Invalid::EmptyName) => push(&mut pending, n, None, "MC116",
                Severity::Error,
                "option with an empty name: the reader's behaviour is undefined".into(),
                "write name=value",
            ),
            _ => {}
        }
        match &doc.entry(line) {
            Entry::Group { name } => {
                let name = raw[name.clone()].to_vec();
                if name.first().is_some_and(|&b| crate::optfile::is_space(b)) {
                    push(
                        &mut pending,
                        n,
                        None,
                        "MC113",
                        Severity::Warning,
                        format!(
                            "group [{}] starts with a space: no program reads it",
                            String::from_utf8_lossy(&name)
                        ),
                        "remove the space after `[`",
                    );
                }
                if let Some(&first) = headers.get(&name) {
                    push(
                        &mut pending,
                        n,
                        Some((first, "first block")),
                        "MC401",
                        Severity::Warning,
                        format!(
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
                        push(&mut pending, n, None, "MC108", Severity::Warning, "the path of this directive holds a comment or quotes: the reader takes them as part of the file name".into(), "write the bare path; comments go on their own line");
                    } else if !arg.starts_with(b"/") && !arg.starts_with(b"~/") {
                        push(&mut pending, n, None, "MC109", Severity::Warning, "relative include path: the reader resolves it against the client's working directory, not this file's folder".into(), "use an absolute path");
                    }
                    if i + 1 == last && line.ending == LineEnding::None {
                        push(&mut pending, n, None, "MC110", Severity::Warning, "the file ends in this directive without a newline: the reader drops the last byte of the path".into(), "end the file with a newline");
                    }
                } else if d.kind == DirectiveKind::Unknown {
                    push(
                        &mut pending,
                        n,
                        None,
                        "MC115",
                        Severity::Warning,
                        "unknown directive: the reader ignores it without a word".into(),
                        "the directives are `!include FILE` and `!includedir DIR` (lower case, a space before the path)",
                    );
                }
            }
            Entry::Option(o) if line.kind == LineKind::Option => {
                let name_raw = &raw[o.name.clone()];
                let name = OptionName::parse(name_raw);
                if name_raw.starts_with(b"?include") {
                    push(&mut pending, n, None, "MC119", Severity::Warning, "`?includedir` is a directive only from MariaDB 11.4.10; older readers take it for an option".into(), "use !includedir for older clients");
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
                        push(
                            &mut pending,
                            n,
                            None,
                            "MC111",
                            Severity::Warning,
                            "an unbalanced quote makes the `#` comment part of the value".into(),
                            "quote the whole value, or escape the quote as \\' / \\\"",
                        );
                    }
                    if v.quote(raw).is_none()
                        && value
                            .windows(2)
                            .any(|w| crate::optfile::is_space(w[0]) && w[1] == b';')
                    {
                        push(&mut pending, n, None, "MC112", Severity::Warning, "`;` starts a comment only at the beginning of a line: here it is part of the value".into(), "use `#` for a comment after a value");
                    }
                }
                if let Some(best) = typos.meant(&name.canonical) {
                    push(
                        &mut pending,
                        n,
                        None,
                        "MC114",
                        Severity::Warning,
                        format!("unknown option `{}`", String::from_utf8_lossy(name_raw)),
                        &format!("did you mean `{best}`?"),
                    );
                }
                let key = String::from_utf8_lossy(name_raw).to_lowercase();
                if let Some(&first) = keys.get(&key) {
                    push(
                        &mut pending,
                        n,
                        Some((first, "first occurrence")),
                        "MC402",
                        Severity::Warning,
                        format!("`{key}` is set twice in this block: PyMySQL refuses the file"),
                        "keep one line",
                    );
                } else {
                    keys.insert(key, n);
                }
                if group
                    .as_deref()
                    .is_some_and(|g| g.eq_ignore_ascii_case(group::CONNECTOR_PYTHON.as_bytes()))
                    && !names::CONNECTOR_PYTHON_KEYS.contains(&name.canonical.as_str())
                {
                    push(
                        &mut pending,
                        n,
                        None,
                        "MC403",
                        Severity::Error,
                        format!(
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
    for p in pending {
        let raw = doc.lines().get(p.line - 1).map_or(&[][..], |l| doc.raw(l));
        let mut f = Finding::on_line(
            p.code,
            p.severity,
            p.message,
            path,
            p.line,
            raw,
            Some(p.hint).filter(|h| !h.is_empty()),
        );
        if let Some((line, note)) = p.related {
            f = f.with_related(path, line, note);
        }
        out.push(f);
    }
}

fn permissions(path: &Path, doc: &Document, out: &mut Vec<Finding>) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = std::fs::metadata(path) else {
            return;
        };
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o077 == 0 || path.starts_with("/etc") {
            return;
        }
        let secret = doc
            .lines()
            .iter()
            .find(|l| doc.option_name(l).is_some_and(clients::is_secret));
        if let Some(line) = secret {
            out.push(Finding::on_line(
                "MC202",
                Severity::Warning,
                format!("a password in a file other users can read (mode {mode:04o})"),
                path,
                line.number(),
                doc.raw(line),
                Some(format!("chmod 600 {}", path.display())),
            ));
        }
    }
    let _ = (path, doc, out);
}
