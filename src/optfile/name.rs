//! Option names as the clients' option parser (`my_getopt`) sees them: `-` and `_` are the same,
//! case does not matter (MariaDB), and `loose-`/`skip-`/`disable-`/`enable-`/`maximum-` are
//! modifiers in front of the real name.

/// An option name split into its modifiers and its canonical form (lower case, `-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionName {
    pub loose: bool,
    /// `skip`/`disable` (false) or `enable` (true) in front of a boolean.
    pub negation: Option<bool>,
    pub maximum: bool,
    pub canonical: String,
}

impl OptionName {
    pub fn parse(raw: &[u8]) -> OptionName {
        let mut rest = raw;
        let mut loose = false;
        let mut negation = None;
        let mut maximum = false;
        // Prefixes compare case-insensitively, `_` as `-`.
        let strip = |rest: &[u8], prefix: &[u8]| -> Option<usize> {
            (rest.len() >= prefix.len()
                && rest.iter().zip(prefix).all(|(&a, &b)| {
                    let a = if a == b'_' {
                        b'-'
                    } else {
                        a.to_ascii_lowercase()
                    };
                    a == b
                }))
            .then_some(prefix.len())
        };
        loop {
            if let Some(n) = strip(rest, b"loose-") {
                loose = true;
                rest = &rest[n..];
            } else if let Some(n) = strip(rest, b"skip-").or_else(|| strip(rest, b"disable-")) {
                negation = Some(false);
                rest = &rest[n..];
            } else if let Some(n) = strip(rest, b"enable-") {
                negation = Some(true);
                rest = &rest[n..];
            } else if let Some(n) = strip(rest, b"maximum-") {
                maximum = true;
                rest = &rest[n..];
            } else {
                break;
            }
        }
        let canonical = match std::str::from_utf8(rest) {
            Ok(s) if s.bytes().all(|b| !b.is_ascii_uppercase() && b != b'_') => s.to_string(),
            _ => String::from_utf8_lossy(rest)
                .chars()
                .map(|c| {
                    if c == '_' {
                        '-'
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect(),
        };
        OptionName {
            loose,
            negation,
            maximum,
            canonical,
        }
    }

    pub fn is(&self, canonical: &str) -> bool {
        !self.maximum && self.canonical == canonical
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_option_share_a_canonical_name() {
        for raw in [
            "ssl-ca",
            "ssl_ca",
            "SSL-CA",
            "Ssl_Ca",
            "loose-ssl-ca",
            "loose_ssl_ca",
        ] {
            assert!(OptionName::parse(raw.as_bytes()).is("ssl-ca"), "{raw}");
        }
        assert!(OptionName::parse(b"loose-ssl-mode").loose);
    }

    #[test]
    fn skip_disable_and_enable_are_modifiers() {
        let n = OptionName::parse(b"skip-ssl-verify-server-cert");
        assert!(n.is("ssl-verify-server-cert"));
        assert_eq!(n.negation, Some(false));
        assert_eq!(OptionName::parse(b"enable-ssl").negation, Some(true));
        assert!(!OptionName::parse(b"maximum-ssl").is("ssl"));
    }
}
