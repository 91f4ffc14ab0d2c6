//! Value decoding (escape sequences, as the reader applies them) and the inverse: an encoder that
//! produces option-file text which the reader decodes back to exactly the given bytes.

use super::lex::{self, Entry};

/// Applies the reader's escape rules to the text between the quotes (or the whole trimmed value)
/// and appends the result to `out`. A backslash that is not the last byte escapes the next byte:
/// `\n \t \r \b \s \\ \" \'` are translated; any other `\x` keeps both bytes.
pub fn decode_value_into(inner: &[u8], out: &mut Vec<u8>) {
    let mut rest = inner;
    while let Some(i) = memchr::memchr(b'\\', rest) {
        out.extend_from_slice(&rest[..i]);
        if i + 1 == rest.len() {
            out.push(b'\\');
            return;
        }
        let c = rest[i + 1];
        match c {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'b' => out.push(0x08),
            b's' => out.push(b' '),
            b'"' | b'\'' | b'\\' => out.push(c),
            _ => {
                out.push(b'\\');
                out.push(c);
            }
        }
        rest = &rest[i + 2..];
    }
    out.extend_from_slice(rest);
}

/// Decodes a value span to owned bytes.
pub fn decode_value(inner: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(inner.len());
    decode_value_into(inner, &mut out);
    out
}

/// Why a value cannot be written to an option file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("it contains a NUL byte, which no option-file reader can read back")]
    Nul,
    /// A line break or another control character (tab excepted): the reader would decode its
    /// escape back, but `my_print_defaults` and every program that reads options as lines of
    /// `--name=value` would split or mangle it.
    #[error(
        "it contains a control character ({}): option files and my_print_defaults carry one option a line, so it would not read back as one value",
        describe_control(*.0)
    )]
    Control(u8),
    /// The encoded text does not read back as the value (a bug, caught before writing).
    #[error("once encoded, it does not read back as itself")]
    RoundTrip,
}

fn describe_control(b: u8) -> String {
    match b {
        b'\n' => "a line break".into(),
        b'\r' => "a carriage return".into(),
        _ => format!("byte 0x{b:02X}"),
    }
}

/// Whether a value may be written at all: no NUL, no control character but tab.
pub fn check_writable(value: &[u8]) -> Result<(), EncodeError> {
    match value
        .iter()
        .find(|&&b| b == 0 || (b < 0x20 && b != b'\t') || b == 0x7f)
    {
        Some(0) => Err(EncodeError::Nul),
        Some(&b) => Err(EncodeError::Control(b)),
        None => Ok(()),
    }
}

/// Encodes `value` as option-file text (the part after `name=`) that the reader decodes back to
/// exactly `value`, and checks that it does (read back through the reader's rules). Plain
/// values are written as they are (the form every reader, Connector/C included, agrees on);
/// anything else is double-quoted with `\\`, `\"` and `\t` escaped. Control characters other
/// than tab are refused ([`check_writable`]).
pub fn encode_value(value: &[u8]) -> Result<Vec<u8>, EncodeError> {
    check_writable(value)?;
    let out = encode_unchecked(value);
    let mut line = Vec::with_capacity(out.len() + 3);
    line.extend_from_slice(b"x=");
    line.extend_from_slice(&out);
    line.push(b'\n');
    if read_back(&line).as_deref() != Some(value) {
        return Err(EncodeError::RoundTrip);
    }
    Ok(out)
}

fn encode_unchecked(value: &[u8]) -> Vec<u8> {
    if is_plain(value) {
        return value.to_vec();
    }
    let mut out = Vec::with_capacity(value.len() + 8);
    out.push(b'"');
    for &b in value {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            _ => out.push(b),
        }
    }
    out.push(b'"');
    out
}

/// A value that reads back as itself with no quoting: no byte the reader treats specially.
fn is_plain(value: &[u8]) -> bool {
    let edges_ok = match (value.first(), value.last()) {
        (Some(&f), Some(&l)) => !lex::is_space(f) && !lex::is_space(l),
        _ => true,
    };
    edges_ok
        && !value
            .iter()
            .any(|&b| matches!(b, b'#' | b'"' | b'\'' | b'\\' | b'\t') || b < 0x20)
}

/// Reads `name=<encoded>` back through the reader's rules; used to check the encoder.
pub fn read_back(line: &[u8]) -> Option<Vec<u8>> {
    match lex::classify(line) {
        Entry::Option(o) => o.value.map(|v| decode_value(&line[v.inner])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Vec<u8> {
        decode_value(s.as_bytes())
    }

    #[test]
    fn escapes_follow_the_reader() {
        assert_eq!(dec(r"x\sy"), b"x y");
        assert_eq!(dec(r"back\\"), b"back\\");
        assert_eq!(dec(r"lone\"), b"lone\\");
        assert_eq!(dec(r#"\q\P\"\'"#), br#"\q\P"'"#);
        assert_eq!(dec(r"C:\new\table.pem"), b"C:\new\table.pem");
    }

    #[test]
    fn plain_values_are_written_unquoted() {
        assert_eq!(
            encode_value(b"/etc/mysql/ca.pem").unwrap(),
            b"/etc/mysql/ca.pem"
        );
    }

    #[test]
    fn paths_with_spaces_and_hash_are_quoted_and_read_back() {
        for v in [
            &b"/srv/my certs/ca#1.pem"[..],
            b" lead",
            b"trail ",
            b"C:\\keys\\client.pem",
            b"it's \"x\"",
            b"",
            b"\xa0nbsp\xa0",
        ] {
            let enc = encode_value(v).unwrap();
            let mut line = b"ssl-ca=".to_vec();
            line.extend_from_slice(&enc);
            line.push(b'\n');
            assert_eq!(
                read_back(&line).unwrap(),
                v,
                "{}",
                String::from_utf8_lossy(&enc)
            );
        }
    }

    #[test]
    fn nul_cannot_be_encoded() {
        assert_eq!(encode_value(b"a\0b"), Err(EncodeError::Nul));
    }

    #[test]
    fn line_breaks_and_control_characters_are_refused_tab_is_escaped() {
        for (v, b) in [
            (&b"p\nevil"[..], b'\n'),
            (b"p\r", b'\r'),
            (b"\x1b[31m", 0x1b),
            (b"back\x08space", 0x08),
            (b"del\x7f", 0x7f),
            (b"a\n[mysqld]\nbind-address=0.0.0.0", b'\n'),
        ] {
            assert_eq!(encode_value(v), Err(EncodeError::Control(b)), "{v:?}");
        }
        assert_eq!(encode_value(b"a\tb").unwrap(), b"\"a\\tb\"");
        assert_eq!(read_back(b"x=\"a\\tb\"\n").unwrap(), b"a\tb");
    }
}
