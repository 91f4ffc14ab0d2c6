//! Group-name matching, as the reader matches the names of the groups a program asks for.

/// A set of group names, matched as the reader matches them: whole names, Latin-1
/// case-insensitive, `-` and `_` distinct.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupSet {
    names: Vec<Vec<u8>>,
}

impl GroupSet {
    /// The groups, plus each group with `suffix` appended (`--defaults-group-suffix`).
    pub fn new<I, S>(groups: I, suffix: Option<&[u8]>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        let mut names: Vec<Vec<u8>> = groups.into_iter().map(|g| g.as_ref().to_vec()).collect();
        if let Some(suffix) = suffix {
            let extra: Vec<Vec<u8>> = names
                .iter()
                .map(|g| [g.as_slice(), suffix].concat())
                .collect();
            names.extend(extra);
        }
        GroupSet { names }
    }

    pub fn names(&self) -> &[Vec<u8>] {
        &self.names
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Whether a header's group name (trailing blanks already removed) is one of the set.
    pub fn matches(&self, header: &[u8]) -> bool {
        !header.is_empty() && self.names.iter().any(|g| same_group(header, g))
    }
}

/// Latin-1 upper case, as the reader's `find_type` compares.
fn latin1_upper(b: u8) -> u8 {
    match b {
        b'a'..=b'z' => b - 32,
        0xE0..=0xFE if b != 0xF7 => b - 32,
        _ => b,
    }
}

fn same_group(header: &[u8], wanted: &[u8]) -> bool {
    if header.len() < wanted.len() {
        return false;
    }
    let (head, tail) = header.split_at(wanted.len());
    head.iter()
        .zip(wanted)
        .all(|(&a, &b)| latin1_upper(a) == latin1_upper(b))
        && tail.iter().all(|&b| b == b' ')
}

/// The product whose reader rules apply: it decides the file search list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    Mariadb,
    Mysql,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_match_case_insensitively_and_exactly() {
        let set = GroupSet::new(["client"], None);
        assert!(set.matches(b"CLIENT"));
        assert!(set.matches(b"Client"));
        assert!(!set.matches(b"clien"));
        assert!(!set.matches(b" client"));
        assert!(!set.matches(b"client x"));
        assert!(!set.matches(b""));
    }

    #[test]
    fn dash_and_underscore_differ_in_group_names() {
        let set = GroupSet::new(["client-server"], None);
        assert!(!set.matches(b"client_server"));
    }

    #[test]
    fn suffix_adds_a_second_group_per_group() {
        let set = GroupSet::new(["client"], Some(b"_x"));
        assert!(set.matches(b"client_x"));
        assert!(set.matches(b"client"));
    }
}
