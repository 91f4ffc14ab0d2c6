//! The unified diff shown before anything is written, with secrets masked.

use similar::TextDiff;

use crate::optfile::lex::{self, Entry};

/// Decides, from an option's name as written, whether its value is hidden.
pub type Secret<'a> = &'a dyn Fn(&[u8]) -> bool;

/// The text of a line as shown to a person: lossy UTF-8, control characters escaped (the
/// line ending kept), the value of an option `secret` names replaced by `*****`.
pub fn display_line(line: &[u8], secret: Secret<'_>) -> String {
    let (body, eol) = match line.strip_suffix(b"\n") {
        Some(b) => (b.strip_suffix(b"\r").unwrap_or(b), "\n"),
        None => (line, ""),
    };
    let mut text = masked(body, secret)
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

fn masked(line: &[u8], secret: Secret<'_>) -> String {
    if let Entry::Option(o) = lex::classify(line)
        && let Some(v) = &o.value
        && secret(&line[o.name.clone()])
        && !v.raw.is_empty()
    {
        let mut masked = line[..v.raw.start].to_vec();
        masked.extend_from_slice(b"*****");
        masked.extend_from_slice(&line[v.raw.end..]);
        return String::from_utf8_lossy(&masked).into_owned();
    }
    String::from_utf8_lossy(line).into_owned()
}

fn display(bytes: &[u8], secret: Secret<'_>) -> String {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(|l| display_line(l, secret))
        .collect()
}

/// A unified diff (3 lines of context) between two versions of `label`; empty when equal.
pub fn unified(label: &str, old: &[u8], new: &[u8], secret: Secret<'_>) -> String {
    if old == new {
        return String::new();
    }
    let old = display(old, secret);
    let new = display(new, secret);
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

    fn password(name: &[u8]) -> bool {
        name == b"password"
    }

    #[test]
    fn passwords_in_context_lines_are_masked() {
        let d = unified(
            "my.cnf",
            b"[client]\npassword = \"s#cret\"\nuser=a\n",
            b"[client]\npassword = \"s#cret\"\nuser=a\nssl-ca=/ca.pem\n",
            &password,
        );
        assert!(d.contains(" password = *****\n"), "{d}");
        assert!(!d.contains("s#cret"));
        assert!(d.contains("+ssl-ca=/ca.pem\n"));
        let shown = unified("my.cnf", b"password=x\n", b"password=x\nk=1\n", &|_| false);
        assert!(shown.contains("password=x"));
    }
}
