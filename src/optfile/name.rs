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
        let mut s: String = String::from_utf8_lossy(raw)
            .to_ascii_lowercase()
            .replace('_', "-");
        let mut loose = false;
        let mut negation = None;
        let mut maximum = false;
        loop {
            if let Some(rest) = s.strip_prefix("loose-") {
                loose = true;
                s = rest.to_string();
            } else if let Some(rest) = s
                .strip_prefix("skip-")
                .or_else(|| s.strip_prefix("disable-"))
            {
                negation = Some(false);
                s = rest.to_string();
            } else if let Some(rest) = s.strip_prefix("enable-") {
                negation = Some(true);
                s = rest.to_string();
            } else if let Some(rest) = s.strip_prefix("maximum-") {
                maximum = true;
                s = rest.to_string();
            } else {
                break;
            }
        }
        OptionName {
            loose,
            negation,
            maximum,
            canonical: s,
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
