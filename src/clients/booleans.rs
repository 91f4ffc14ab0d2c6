//! How each client reads a boolean option. One rule per option parser; every module that needs
//! to know whether a line switches something on asks here.

use serde::Serialize;

use crate::optfile::OptionName;

/// An option parser's boolean rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Booleans {
    /// `my_getopt` (MySQL and MariaDB programs): the bare name, `=1`, `=ON`, `=TRUE` are on;
    /// anything else is off (unrecognised values with a warning); `skip-`/`disable-` invert.
    GetOpt,
    /// MariaDB Connector/C reading an option file: `my_bool v = atoi(value)`, so a number whose
    /// low byte is not zero is on; `ON`, `true` and the bare name are off. Prefixed names
    /// (`skip-`, `loose-`) are unknown keys and ignored.
    Atoi,
    /// mysql-connector-python: `ast.literal_eval`; empty, `0`, `False`, `None` are false, and
    /// any other text (even `false`) is true.
    PythonLiteral,
}

impl Booleans {
    /// Whether the line `name[=value]` switches the option on. `None` when this parser does
    /// not see the line at all (a prefixed name for a library that knows no prefixes).
    pub fn read(self, name: &OptionName, value: Option<&[u8]>) -> Option<bool> {
        match self {
            Booleans::GetOpt => {
                let on = value.is_none_or(|v| {
                    let v = String::from_utf8_lossy(v).trim().to_ascii_lowercase();
                    matches!(v.as_str(), "1" | "on" | "true")
                });
                Some(if name.negation == Some(false) {
                    !on
                } else {
                    on
                })
            }
            Booleans::Atoi => {
                if name.loose || name.negation.is_some() {
                    return None;
                }
                Some(value.is_some_and(|v| atoi(v) as u8 != 0))
            }
            Booleans::PythonLiteral => {
                if name.loose || name.negation.is_some() {
                    return None;
                }
                let v = value.map(String::from_utf8_lossy).unwrap_or_default();
                Some(!matches!(v.trim(), "" | "0" | "False" | "None"))
            }
        }
    }

    /// [`Booleans::read`], with a line the parser does not see counted as off.
    pub fn is_on(self, name: &OptionName, value: Option<&[u8]>) -> bool {
        self.read(name, value).unwrap_or(false)
    }
}

/// C's `atoi`: leading white space, an optional sign, digits; `strtol` saturation, then the
/// conversion to `int`.
fn atoi(v: &[u8]) -> i32 {
    let s = v.trim_ascii_start();
    let (negative, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i64 = 0;
    for &b in digits.iter().take_while(|b| b.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    (if negative { n.saturating_neg() } else { n }) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> OptionName {
        OptionName::parse(s.as_bytes())
    }

    #[test]
    fn getopt_reads_the_bare_name_on_and_skip_as_off() {
        let on = n("ssl-verify-server-cert");
        assert!(Booleans::GetOpt.is_on(&on, None));
        assert!(Booleans::GetOpt.is_on(&on, Some(b"ON")));
        assert!(!Booleans::GetOpt.is_on(&on, Some(b"0")));
        assert!(
            !Booleans::GetOpt.is_on(&on, Some(b"2")),
            "not a boolean word: off"
        );
        let skip = n("skip-ssl-verify-server-cert");
        assert!(!Booleans::GetOpt.is_on(&skip, None));
        assert!(Booleans::GetOpt.is_on(&skip, Some(b"0")));
    }

    #[test]
    fn connector_c_reads_numbers_by_atoi_and_words_as_off() {
        let name = n("ssl-verify-server-cert");
        for (v, on) in [
            (Some(&b"1"[..]), true),
            (Some(b"2"), true),
            (Some(b" 1x"), true),
            (Some(b"256"), false),
            (Some(b"ON"), false),
            (Some(b"true"), false),
            (None, false),
        ] {
            assert_eq!(Booleans::Atoi.is_on(&name, v), on, "{v:?}");
        }
        assert_eq!(
            Booleans::Atoi.read(&n("loose-ssl-verify-server-cert"), Some(b"1")),
            None
        );
    }

    #[test]
    fn python_literals_are_true_unless_empty_zero_false_or_none() {
        let name = n("ssl-verify-cert");
        assert!(Booleans::PythonLiteral.is_on(&name, Some(b"True")));
        assert!(Booleans::PythonLiteral.is_on(&name, Some(b"false")));
        assert!(!Booleans::PythonLiteral.is_on(&name, Some(b"False")));
        assert!(!Booleans::PythonLiteral.is_on(&name, Some(b"0")));
    }
}
