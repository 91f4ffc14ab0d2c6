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

/// How `my_getopt` reads a boolean option: `name`, `name=1|ON|TRUE` → on; `=0|OFF|FALSE` → off;
/// `skip-`/`disable-` invert; anything else is read as off (with a warning).
pub fn boolean_value(name: &OptionName, value: Option<&[u8]>) -> bool {
    let v = match value {
        None => true,
        Some(v) => {
            let v = String::from_utf8_lossy(v).trim().to_ascii_lowercase();
            matches!(v.as_str(), "1" | "on" | "true")
        }
    };
    match name.negation {
        Some(false) => !v,
        _ => v,
    }
}

/// Names that hold secrets: their values are masked in diffs and reports.
pub fn is_secret(raw_name: &[u8]) -> bool {
    let n = OptionName::parse(raw_name).canonical;
    n.contains("password")
        || n.contains("passwd")
        || n.contains("passphrase")
        || n.contains("secret")
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
    fn skip_and_disable_negate_a_boolean() {
        let n = OptionName::parse(b"skip-ssl-verify-server-cert");
        assert!(n.is("ssl-verify-server-cert"));
        assert!(!boolean_value(&n, None));
        assert!(!boolean_value(&n, Some(b"1")) && boolean_value(&n, Some(b"0")));
        let on = OptionName::parse(b"ssl-verify-server-cert");
        assert!(boolean_value(&on, None) && boolean_value(&on, Some(b"ON")));
        assert!(!boolean_value(&on, Some(b"0")));
    }

    #[test]
    fn password_like_names_are_secret() {
        assert!(is_secret(b"password"));
        assert!(is_secret(b"ssl-passphrase"));
        assert!(is_secret(b"loose_PASSWORD"));
        assert!(!is_secret(b"user"));
    }
}
