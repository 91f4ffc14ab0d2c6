//! The one finding type of `check`, `inspect-ca` and `add-ca`: a problem with a code, a
//! severity, a message, and where it has one, a file, line and column with the source line.
//! The command line renders findings; the core only makes them. Also the one sanitiser for
//! text from files on its way to a person.

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
            source: Some(sanitize(body)),
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

/// Keeps at most `per_rule` findings of each code in each file; each cut is followed by one
/// finding that says how many more there were.
pub fn cap(findings: Vec<Finding>, per_rule: usize) -> Vec<Finding> {
    use std::collections::HashMap;
    let mut seen: HashMap<(&'static str, Option<PathBuf>), usize> = HashMap::new();
    let mut out = Vec::with_capacity(findings.len().min(4096));
    for f in findings {
        let n = seen.entry((f.code, f.file.clone())).or_insert(0);
        *n += 1;
        if *n <= per_rule {
            out.push(f);
        }
    }
    let mut more: Vec<((&'static str, Option<PathBuf>), usize)> = seen
        .into_iter()
        .filter(|(_, n)| *n > per_rule)
        .map(|(k, n)| (k, n - per_rule))
        .collect();
    more.sort();
    for ((code, file), n) in more {
        let last = out
            .iter()
            .rposition(|f| f.code == code && f.file == file)
            .expect("a kept finding of the rule");
        let severity = out[last].severity;
        out.insert(
            last + 1,
            Finding::on_file(
                code,
                severity,
                format!("… and {n} more like this in this file"),
                file.as_deref(),
                None,
            ),
        );
    }
    out
}

/// Text from a file made safe for a terminal: lossy UTF-8, control characters escaped.
pub fn sanitize(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if !text.chars().any(char::is_control) {
        return text.into_owned();
    }
    text.chars()
        .map(|c| match c {
            '\t' => "\\t".to_string(),
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect()
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
    }

    #[test]
    fn findings_are_capped_per_rule_and_file_with_a_count() {
        let f = |code, file: &str| {
            Finding::on_file(code, Severity::Warning, "x", Some(Path::new(file)), None)
        };
        let mut all: Vec<Finding> = (0..5).map(|_| f("MC1", "a")).collect();
        all.push(f("MC2", "a"));
        all.extend((0..3).map(|_| f("MC1", "b")));
        let capped = cap(all, 2);
        let codes: Vec<(&str, &str)> = capped
            .iter()
            .map(|f| (f.code, f.message.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("MC1", "x"),
                ("MC1", "x"),
                ("MC1", "… and 3 more like this in this file"),
                ("MC2", "x"),
                ("MC1", "x"),
                ("MC1", "x"),
                ("MC1", "… and 1 more like this in this file"),
            ]
        );
    }
}
