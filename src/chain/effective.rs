//! The options a client will use, in reading order, each with the line that wins over it: read
//! twice, so that memory stays small (four bytes an option) whatever the size of the files. The
//! first read finds the last line of each option; the second hands each option to the caller
//! with the line that overrides it, if a later one does.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap as HashMap;

use super::reader::{Notice, OptionRecord, Reader, Visitor};
use super::{ChainFile, GroupSet, read_chain};
use crate::optfile::OptionName;

/// Where the last line of an option is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Winner {
    /// The option's place in reading order (0-based).
    pub seq: u64,
    pub file: PathBuf,
    pub line: usize,
    /// `file:line`, as shown.
    pub location: String,
}

/// What the first read found.
#[derive(Debug, Default)]
pub struct Winners {
    /// By canonical name id.
    last: Vec<Winner>,
    /// Each option's canonical name id, in reading order (`NONE` for `maximum-…`).
    ids: Vec<u32>,
    pub files: Vec<PathBuf>,
    pub notices: Vec<Notice>,
    /// A fatal error stopped the reading (the clients stop there too).
    pub fatal: bool,
    /// The widest `file:line` of any option (for aligned text).
    pub widest: usize,
}

const NONE: u32 = u32::MAX;

/// Canonical name ids by spelling, each spelling parsed once; [`NONE`] for `maximum-…`, which
/// overrides nothing.
#[derive(Default)]
struct Canonical {
    spellings: HashMap<Vec<u8>, u32>,
    ids: HashMap<String, u32>,
}

impl Canonical {
    fn of(&mut self, raw: &[u8]) -> u32 {
        if let Some(&id) = self.spellings.get(raw) {
            return id;
        }
        let n = OptionName::parse(raw);
        let id = if n.maximum {
            NONE
        } else {
            let next = self.ids.len() as u32;
            *self.ids.entry(n.canonical).or_insert(next)
        };
        self.spellings.insert(raw.to_vec(), id);
        id
    }
}

struct First {
    winners: Winners,
    canonical: Canonical,
    seq: u64,
}

impl Visitor for First {
    fn option(&mut self, r: &OptionRecord<'_>) {
        let seq = self.seq;
        self.seq += 1;
        let digits = r.line.checked_ilog10().map_or(1, |d| d as usize + 1);
        let width = r.file.as_os_str().len() + digits + 1;
        self.winners.widest = self.winners.widest.max(width);
        let id = self.canonical.of(r.name);
        self.winners.ids.push(id);
        if id == NONE {
            return;
        }
        let id = id as usize;
        if id == self.winners.last.len() {
            self.winners.last.push(Winner {
                seq,
                file: r.file.to_path_buf(),
                line: r.line,
                location: String::new(),
            });
            return;
        }
        let w = &mut self.winners.last[id];
        w.seq = seq;
        if w.file.as_os_str() != r.file.as_os_str() {
            w.file = r.file.to_path_buf();
        }
        w.line = r.line;
    }

    fn notice(&mut self, notice: Notice) {
        self.winners.notices.push(notice);
    }

    fn file(&mut self, path: &Path, _depth: u32) {
        self.winners.files.push(path.to_path_buf());
    }

    fn wants_value(&mut self, _name: &[u8]) -> bool {
        false
    }
}

/// The first read: where each option's last line is, the files read, the messages.
pub fn winners(groups: &GroupSet, files: &[ChainFile], home: Option<&Path>) -> Winners {
    let mut reader = Reader::new(
        groups,
        First {
            winners: Winners::default(),
            canonical: Canonical::default(),
            seq: 0,
        },
    )
    .with_home(home.map(Path::to_path_buf));
    let fatal = read_chain(&mut reader, files).is_err();
    let mut w = reader.into_visitor().winners;
    w.fatal = fatal;
    for winner in &mut w.last {
        winner.location = format!("{}:{}", winner.file.display(), winner.line);
    }
    w
}

struct Second<'w, F> {
    winners: &'w Winners,
    seq: usize,
    each: F,
}

impl<F: FnMut(&OptionRecord<'_>, Option<&Winner>)> Visitor for Second<'_, F> {
    fn option(&mut self, r: &OptionRecord<'_>) {
        let seq = self.seq;
        self.seq += 1;
        let later = self
            .winners
            .ids
            .get(seq)
            .filter(|&&id| id != NONE)
            .map(|&id| &self.winners.last[id as usize])
            .filter(|w| w.seq > seq as u64);
        (self.each)(r, later);
    }

    fn notice(&mut self, _notice: Notice) {}
}

/// The second read: each option in reading order, with the later line that wins over it.
pub fn for_each(
    groups: &GroupSet,
    files: &[ChainFile],
    home: Option<&Path>,
    winners: &Winners,
    each: impl FnMut(&OptionRecord<'_>, Option<&Winner>),
) {
    let mut reader = Reader::new(
        groups,
        Second {
            winners,
            seq: 0,
            each,
        },
    )
    .with_home(home.map(Path::to_path_buf));
    let _ = read_chain(&mut reader, files);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_option_knows_the_later_line_of_the_same_option() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("my.cnf");
        std::fs::write(
            &f,
            "[client]\nssl-ca=/a\nuser=u\n[mysql]\nSSL_CA=/b\nmaximum-ssl-ca=1\n",
        )
        .unwrap();
        let groups = GroupSet::new(["client", "mysql"], None);
        let files = [ChainFile {
            path: f.clone(),
            required: true,
        }];
        let w = winners(&groups, &files, None);
        let mut seen = Vec::new();
        for_each(&groups, &files, None, &w, |r, later| {
            seen.push((
                String::from_utf8_lossy(r.name).into_owned(),
                later.map(|l| l.line),
            ))
        });
        assert_eq!(
            seen,
            [
                ("ssl-ca".to_string(), Some(5)),
                ("user".to_string(), None),
                ("SSL_CA".to_string(), None),
                ("maximum-ssl-ca".to_string(), None),
            ]
        );
    }
}
