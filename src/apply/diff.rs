//! The unified diff shown before anything is written, with secrets masked.

use similar::TextDiff;

use crate::optfile::lex::{self, Entry};
use crate::tls::is_secret;

/// The text of a line as shown to a person: lossy UTF-8, control characters escaped (the
/// line ending kept), a password-like value replaced by `*****` unless `show_secrets`.
pub fn display_line(line: &[u8], show_secrets: bool) -> String {
    let (body, eol) = match line.strip_suffix(b"\n") {
        Some(b) => (b.strip_suffix(b"\r").unwrap_or(b), "\n"),
        None => (line, ""),
    };
    let mut text = masked(body, show_secrets)
        .chars()
        .map(|c| match c {
            '\t' => "\t".to_string(),
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect::<String>();
    text.push_str(eol);
    text
}

fn masked(line: &[u8], show_secrets: bool) -> String {
    if !show_secrets
        && let Entry::Option(o) = lex::classify(line)
        && let Some(v) = &o.value
        && is_secret(&line[o.name.clone()])
        && !v.raw.is_empty()
    {
        let mut masked = line[..v.raw.start].to_vec();
        masked.extend_from_slice(b"*****");
        masked.extend_from_slice(&line[v.raw.end..]);
        return String::from_utf8_lossy(&masked).into_owned();
    }
    String::from_utf8_lossy(line).into_owned()
}

fn display(bytes: &[u8], show_secrets: bool) -> String {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(|l| display_line(l, show_secrets))
        .collect()
}

/// A unified diff (3 lines of context) between two versions of `label`; empty when equal.
pub fn unified(label: &str, old: &[u8], new: &[u8], show_secrets: bool) -> String {
    if old == new {
        return String::new();
    }
    let old = display(old, show_secrets);
    let new = display(new, show_secrets);
    let diff = TextDiff::from_lines(&old, &new);
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("{label} (before)"), &format!("{label} (after)"))
        .missing_newline_hint(true)
        .to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_context_lines_are_masked() {
        let d = unified(
            "my.cnf",
            b"[client]\npassword = \"s#cret\"\nuser=a\n",
            b"[client]\npassword = \"s#cret\"\nuser=a\nssl-ca=/ca.pem\n",
            false,
        );
        assert!(d.contains(" password = *****\n"), "{d}");
        assert!(!d.contains("s#cret"));
        assert!(d.contains("+ssl-ca=/ca.pem\n"));
        let shown = unified("my.cnf", b"password=x\n", b"password=x\nk=1\n", true);
        assert!(shown.contains("password=x"));
    }
}
