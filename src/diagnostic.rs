//! Diagnostics that point into a file, rendered like rustc's: `path:line:col`, the line, a
//! caret under the culprit, a hint.

use std::fmt::Write;

/// One diagnostic about a line of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub level: &'static str,
    pub code: Option<&'static str>,
    pub message: String,
    pub path: String,
    /// 1-based line and column.
    pub line: usize,
    pub col: usize,
    /// The source line (without its line ending), shown lossy, control characters escaped.
    pub source: Vec<u8>,
    /// How many characters the caret underlines.
    pub width: usize,
    pub hint: Option<String>,
}

impl Snippet {
    /// A diagnostic on the whole trimmed content of `line_bytes`.
    pub fn on_line(
        level: &'static str,
        code: Option<&'static str>,
        message: impl Into<String>,
        path: impl Into<String>,
        line: usize,
        line_bytes: &[u8],
        hint: Option<String>,
    ) -> Snippet {
        let body = line_bytes.strip_suffix(b"\n").unwrap_or(line_bytes);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        let start = body
            .iter()
            .position(|&b| !crate::optfile::is_space(b))
            .unwrap_or(0);
        let end = body
            .iter()
            .rposition(|&b| !crate::optfile::is_space(b))
            .map_or(start, |e| e + 1);
        Snippet {
            level,
            code,
            message: message.into(),
            path: path.into(),
            line,
            col: start + 1,
            source: body.to_vec(),
            width: (end - start).max(1),
            hint,
        }
    }

    pub fn render(&self) -> String {
        let shown = sanitize(&self.source);
        let prefix_width = sanitize(&self.source[..(self.col - 1).min(self.source.len())])
            .chars()
            .count();
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        let mut s = String::new();
        match self.code {
            Some(c) => writeln!(s, "{}[{c}]: {}", self.level, self.message),
            None => writeln!(s, "{}: {}", self.level, self.message),
        }
        .ok();
        writeln!(s, "{pad}--> {}:{}:{}", self.path, self.line, self.col).ok();
        writeln!(s, "{pad} |").ok();
        writeln!(s, "{num} | {shown}").ok();
        writeln!(
            s,
            "{pad} | {}{}",
            " ".repeat(prefix_width),
            "^".repeat(self.width.min(shown.chars().count().max(1)))
        )
        .ok();
        if let Some(h) = &self.hint {
            writeln!(s, "{pad} = hint: {h}").ok();
        }
        s
    }
}

/// Text from a file made safe for a terminal: lossy UTF-8, control characters escaped.
pub fn sanitize(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
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
    fn renders_location_line_and_caret() {
        let s = Snippet::on_line(
            "error",
            None,
            "group header without a closing `]`",
            "my.cnf",
            3,
            b"  [mysql\r\n",
            Some("close it: `[mysql]`".into()),
        );
        assert_eq!(
            s.render(),
            "error: group header without a closing `]`\n --> my.cnf:3:3\n  |\n3 |   [mysql\n  |   ^^^^^^\n  = hint: close it: `[mysql]`\n"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitize(b"a\x1b[31mb\x00"), "a\\u{1b}[31mb\\u{0}");
    }
}
