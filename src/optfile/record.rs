//! One option as a client receives it, with where it came from: the record that the chain
//! reader produces and the client knowledge judges.

use std::path::Path;
use std::sync::Arc;

use super::name::OptionName;

/// An option read from a file, in a group, at a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    /// The group, lower case (group names match case-insensitively).
    pub group: String,
    /// The name as written.
    pub raw_name: String,
    pub name: OptionName,
    /// The decoded value; `None` for an option without `=`.
    pub value: Option<Vec<u8>>,
    /// The file it is in (shared by every option of that file).
    pub file: Arc<Path>,
    /// The file's own (physical) line number.
    pub line: usize,
}

impl Opt {
    pub fn new(
        group: &[u8],
        name: &[u8],
        value: Option<&[u8]>,
        file: Arc<Path>,
        line: usize,
    ) -> Opt {
        Opt {
            group: String::from_utf8_lossy(group).to_ascii_lowercase(),
            raw_name: String::from_utf8_lossy(name).into_owned(),
            name: OptionName::parse(name),
            value: value.map(<[u8]>::to_vec),
            file,
            line,
        }
    }

    /// The value as text (lossy), empty for an option without `=`.
    pub fn value_str(&self) -> String {
        self.value
            .as_deref()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .unwrap_or_default()
    }

    /// `name=value` or `name`, as written.
    pub fn display(&self) -> String {
        match &self.value {
            Some(v) => format!("{}={}", self.raw_name, String::from_utf8_lossy(v)),
            None => self.raw_name.clone(),
        }
    }
}

/// The options of `opts` that sit in one of `groups`.
pub fn in_groups<'a>(opts: &'a [Opt], groups: &[&str]) -> Vec<&'a Opt> {
    opts.iter()
        .filter(|o| groups.contains(&o.group.as_str()))
        .collect()
}
