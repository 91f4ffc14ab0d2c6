//! The one finding type of `check`, `inspect-ca` and `add-ca`: a problem with a code, a
//! severity, a message, and where it has one, a file, line and column with the source line.
//! The command line renders findings; the core only makes them. Also the one sanitiser for
//! text from files on its way to a person.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use crate::cert::Severity;

/// One problem, pointing at a file, line and column where it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: Option<PathBuf>,
    /// 1-based; 0 when the finding is about a whole file.
    pub line: usize,
    /// 1-based column of the first character the finding is about; 0 without a line.
    pub col: usize,
    /// How many bytes of the line it is about.
    #[serde(skip)]
    pub width: usize,
    /// The source line (sanitised, without its line ending, cut to [`MAX_SOURCE`] bytes).
    pub source: Option<String>,
    pub hint: Option<String>,
    /// Another place the finding is about (the line an override cancels, the first duplicate).
    pub related: Option<Related>,
    /// The source line's bytes (without line ending, cut), for rendering.
    #[serde(skip)]
    pub source_bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub file: PathBuf,
    pub line: usize,
    pub note: String,
}

/// At most this many findings of one rule in one file; then one that says how many more.
pub const PER_RULE_AND_FILE: usize = 100;

/// Source lines in findings are cut to this many bytes.
pub const MAX_SOURCE: usize = 160;

impl Finding {
    /// A finding about a whole file (or about no file at all).
    pub fn on_file(
        code: &'static str,
        severity: Severity,
        message: impl Into<String>,
        file: Option<&Path>,
        hint: Option<String>,
    ) -> Finding {
        Finding {
            code,
            severity,
            message: message.into(),
            file: file.map(Path::to_path_buf),
            line: 0,
            col: 0,
            width: 0,
            source: None,
            hint,
            related: None,
            source_bytes: Vec::new(),
        }
    }

    /// A finding on line `line` of `file`, whose raw bytes are `raw`: the column and width
    /// cover the line's content (white space around it excluded).
    pub fn on_line(
        code: &'static str,
        severity: Severity,
        message: impl Into<String>,
        file: &Path,
        line: usize,
        raw: &[u8],
        hint: Option<String>,
    ) -> Finding {
        let body = raw.strip_suffix(b"\n").unwrap_or(raw);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        let body = &body[..body.len().min(MAX_SOURCE)];
        let start = body
            .iter()
            .position(|&b| !crate::optfile::is_space(b))
            .unwrap_or(0);
        let end = body
            .iter()
            .rposition(|&b| !crate::optfile::is_space(b))
            .map_or(start, |e| e + 1);
        Finding {
            code,
            severity,
            message: message.into(),
            file: Some(file.to_path_buf()),
            line,
            col: start + 1,
            width: (end - start).max(1),
            source: Some(sanitize(body).into_owned()),
            hint,
            related: None,
            source_bytes: body.to_vec(),
        }
    }

    pub fn with_related(mut self, file: &Path, line: usize, note: &str) -> Finding {
        self.related = Some(Related {
            file: file.to_path_buf(),
            line,
            note: note.to_string(),
        });
        self
    }

    /// A certificate finding, located in the CA file `source` (its line, where it has one).
    pub fn from_cert(source: &Path, f: &crate::cert::Finding) -> Finding {
        let mut out = Finding::on_file(
            f.code,
            f.severity,
            f.message.clone(),
            Some(source),
            f.hint.clone(),
        );
        out.line = f.line.unwrap_or(0);
        out
    }
}

/// Collects findings, keeping at most `per_rule` of each code in each file: a rule that fires
/// on every line of a large file costs neither memory nor screen. [`Findings::finish`] adds,
/// after the last kept finding of a cut rule, one that says how many more there were.
pub struct Findings {
    per_rule: usize,
    kept: Vec<Finding>,
    /// How many findings of each code in each file were counted (few codes, few files).
    counts: Vec<(&'static str, Option<PathBuf>, usize)>,
}

impl Findings {
    pub fn new(per_rule: usize) -> Findings {
        Findings {
            per_rule,
            kept: Vec::new(),
            counts: Vec::new(),
        }
    }

    /// Counts one finding of `code` in `file`; whether it is to be kept.
    pub fn admit(&mut self, code: &'static str, file: Option<&Path>) -> bool {
        let found = self
            .counts
            .iter()
            .position(|(c, f, _)| *c == code && f.as_deref() == file);
        let i = found.unwrap_or_else(|| {
            self.counts.push((code, file.map(Path::to_path_buf), 0));
            self.counts.len() - 1
        });
        let n = &mut self.counts[i].2;
        *n += 1;
        *n <= self.per_rule
    }

    pub fn push(&mut self, f: Finding) {
        if self.admit(f.code, f.file.as_deref()) {
            self.kept.push(f);
        }
    }

    /// Keeps a finding already counted by [`Findings::admit`].
    pub fn push_admitted(&mut self, f: Finding) {
        self.kept.push(f);
    }

    /// Adds another collection's findings and counts (the cap applies to the sum).
    pub fn merge(&mut self, other: Findings) {
        for f in other.kept {
            self.push(f);
        }
        for (code, file, n) in other.counts {
            let kept = n.min(other.per_rule);
            if n > kept {
                // The ones it left out count here too.
                match self
                    .counts
                    .iter_mut()
                    .find(|(c, f, _)| *c == code && *f == file)
                {
                    Some((_, _, m)) => *m += n - kept,
                    None => self.counts.push((code, file, n - kept)),
                }
            }
        }
    }

    /// The findings ordered by file, line, column and code, one per rule and line.
    pub fn finish(self) -> Vec<Finding> {
        let mut out = self.kept;
        out.sort_by(|a, b| (&a.file, a.line, a.col, a.code).cmp(&(&b.file, b.line, b.col, b.code)));
        out.dedup_by(|a, b| a.code == b.code && a.file == b.file && a.line == b.line);
        let mut more: Vec<(&'static str, Option<PathBuf>, usize)> = self
            .counts
            .into_iter()
            .filter(|(_, _, n)| *n > self.per_rule)
            .collect();
        more.sort();
        for (code, file, n) in more {
            let Some(last) = out.iter().rposition(|f| f.code == code && f.file == file) else {
                continue;
            };
            let severity = out[last].severity;
            out.insert(
                last + 1,
                Finding::on_file(
                    code,
                    severity,
                    format!("… and {} more like this in this file", n - self.per_rule),
                    file.as_deref(),
                    None,
                ),
            );
        }
        out
    }
}

/// Text from a file made safe for a terminal: lossy UTF-8, control characters (tabs too)
/// escaped. Everything from a file, a certificate or a paste passes here before it is shown.
pub fn sanitize(bytes: &[u8]) -> Cow<'_, str> {
    escape(bytes, true)
}

/// [`sanitize`], with tabs kept as they are (lines shown whole, as in a diff).
pub fn sanitize_keeping_tabs(bytes: &[u8]) -> Cow<'_, str> {
    escape(bytes, false)
}

fn escape(bytes: &[u8], tabs: bool) -> Cow<'_, str> {
    let text = String::from_utf8_lossy(bytes);
    if !text.chars().any(char::is_control) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' if !tabs => out.push('\t'),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_on_a_line_covers_its_content() {
        let f = Finding::on_line(
            "MC102",
            Severity::Error,
            "group header without a closing `]`",
            Path::new("my.cnf"),
            3,
            b"  [mysql\r\n",
            None,
        );
        assert_eq!((f.col, f.width), (3, 6));
        assert_eq!(f.source.as_deref(), Some("  [mysql"));
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitize(b"a\x1b[31mb\x00"), "a\\u{1b}[31mb\\u{0}");
        assert_eq!(sanitize(b"a\tb"), "a\\tb");
        assert_eq!(sanitize_keeping_tabs(b"a\tb\x07"), "a\tb\\u{7}");
    }

    #[test]
    fn findings_are_capped_per_rule_and_file_with_a_count() {
        let f = |code, file: &str, line| {
            Finding::on_line(
                code,
                Severity::Warning,
                "x",
                Path::new(file),
                line,
                b"k=v",
                None,
            )
        };
        let mut sink = Findings::new(2);
        (1..=5).for_each(|n| sink.push(f("MC1", "a", n)));
        sink.push(f("MC2", "a", 9));
        (1..=3).for_each(|n| sink.push(f("MC1", "b", n)));
        let capped: Vec<(&str, usize, &str)> = sink
            .finish()
            .iter()
            .map(|f| (f.code, f.line, f.message.clone().leak() as &str))
            .collect();
        assert_eq!(
            capped,
            [
                ("MC1", 1, "x"),
                ("MC1", 2, "x"),
                ("MC1", 0, "… and 3 more like this in this file"),
                ("MC2", 9, "x"),
                ("MC1", 1, "x"),
                ("MC1", 2, "x"),
                ("MC1", 0, "… and 1 more like this in this file"),
            ]
        );
    }
}
