//! What a client reads: the file list ([`files`]), the groups ([`groups`]) and the streaming
//! reader with includes ([`reader`]). [`read_chain`] puts them together.

pub mod effective;
pub mod files;
pub mod fsio;
pub mod groups;
pub mod reader;

pub use files::{ChainFile, FileOptions, Platform, SearchEnv, chain_files};
pub use groups::{GroupSet, Vendor};
pub use reader::{Fatal, FileStatus, Notice, OptionRecord, Reader, Visitor};

use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::optfile::Opt;

/// Collects what `my_print_defaults` prints: `--name[=value]` lines, in reading order, and the
/// reader's messages.
#[derive(Debug, Default)]
pub struct ArgvCollector {
    pub out: Vec<u8>,
    pub notices: Vec<Notice>,
}

impl Visitor for ArgvCollector {
    fn option(&mut self, r: &OptionRecord<'_>) {
        self.out.extend_from_slice(b"--");
        self.out.extend_from_slice(r.name);
        if let Some(v) = r.value {
            self.out.push(b'=');
            self.out.extend_from_slice(v);
        }
        self.out.push(b'\n');
    }

    fn notice(&mut self, notice: Notice) {
        self.notices.push(notice);
    }
}

/// What `my_print_defaults` would print for these files and groups: standard output (empty
/// after a fatal error), the messages, and whether it failed.
pub fn print_defaults_output(
    groups: &GroupSet,
    files: &[ChainFile],
    home: Option<&Path>,
) -> (Vec<u8>, Vec<Notice>, bool) {
    let mut reader =
        Reader::new(groups, ArgvCollector::default()).with_home(home.map(Path::to_path_buf));
    let fatal = read_chain(&mut reader, files).is_err();
    let ArgvCollector { out, notices } = reader.into_visitor();
    (if fatal { Vec::new() } else { out }, notices, fatal)
}

/// One shared path per file for the options read from it (options come file by file, so the
/// last one made is nearly always the one asked for).
#[derive(Debug, Default)]
pub struct SharedPaths {
    current: Option<Arc<Path>>,
}

impl SharedPaths {
    pub fn get(&mut self, path: &Path) -> Arc<Path> {
        match &self.current {
            Some(p) if p.as_os_str() == path.as_os_str() => p.clone(),
            _ => {
                let p: Arc<Path> = Arc::from(path);
                self.current = Some(p.clone());
                p
            }
        }
    }
}

/// Collects every option of the wanted groups with its provenance.
#[derive(Default)]
pub struct OptionCollector {
    pub options: Vec<Opt>,
    pub notices: Vec<Notice>,
    pub files: Vec<PathBuf>,
    paths: SharedPaths,
}

impl Visitor for OptionCollector {
    fn option(&mut self, r: &OptionRecord<'_>) {
        let file = self.paths.get(r.file);
        self.options
            .push(Opt::new(r.group, r.name, r.value, file, r.physical));
    }

    fn notice(&mut self, notice: Notice) {
        self.notices.push(notice);
    }

    fn file(&mut self, path: &Path, _depth: u32) {
        self.files.push(path.to_path_buf());
    }
}

/// Collects, of each option spelling in each group of each top-level file's reading, only the
/// first and the last occurrence, with the top-level file it came from: enough to answer "the
/// first line that …" and "the last line that …" for any test on group and name, in memory
/// that does not grow with the file. `keep` decides which options count at all.
pub struct EdgeCollector {
    keep: fn(&[u8]) -> bool,
    seen: HashMap<Vec<u8>, (usize, usize)>,
    records: Vec<(u64, usize, Opt)>,
    seq: u64,
    key: Vec<u8>,
    paths: SharedPaths,
    /// The top-level files read, in order; an option's `usize` indexes this list.
    pub tops: Vec<PathBuf>,
    pub notices: Vec<Notice>,
    pub files: Vec<PathBuf>,
}

impl EdgeCollector {
    pub fn new(keep: fn(&[u8]) -> bool) -> Self {
        EdgeCollector {
            keep,
            seen: HashMap::default(),
            records: Vec::new(),
            seq: 0,
            key: Vec::new(),
            paths: SharedPaths::default(),
            tops: Vec::new(),
            notices: Vec::new(),
            files: Vec::new(),
        }
    }

    /// The kept options in reading order, each with the index of its top-level file.
    pub fn finish(mut self) -> EdgeRead {
        self.records.sort_by_key(|r| r.0);
        EdgeRead {
            options: self.records.into_iter().map(|(_, t, o)| (t, o)).collect(),
            tops: self.tops,
            notices: self.notices,
            files: self.files,
        }
    }
}

/// What an [`EdgeCollector`] kept.
pub struct EdgeRead {
    /// In reading order, each with the index of its top-level file in `tops`.
    pub options: Vec<(usize, Opt)>,
    pub tops: Vec<PathBuf>,
    pub notices: Vec<Notice>,
    pub files: Vec<PathBuf>,
}

impl Visitor for EdgeCollector {
    fn wants_value(&mut self, name: &[u8]) -> bool {
        (self.keep)(name)
    }

    fn option(&mut self, r: &OptionRecord<'_>) {
        if !(self.keep)(r.name) {
            return;
        }
        self.seq += 1;
        let top = self.tops.len().saturating_sub(1);
        self.key.clear();
        self.key.extend_from_slice(&top.to_le_bytes());
        self.key.extend_from_slice(r.group);
        self.key.push(0);
        self.key.extend_from_slice(r.name);
        let file = self.paths.get(r.file);
        let new = |seq| {
            (
                seq,
                top,
                Opt::new(r.group, r.name, r.value, file.clone(), r.physical),
            )
        };
        match self.seen.get_mut(self.key.as_slice()) {
            None => {
                self.seen
                    .insert(self.key.clone(), (self.records.len(), self.records.len()));
                self.records.push(new(self.seq));
            }
            Some((first, last)) if first == last => {
                *last = self.records.len();
                self.records.push(new(self.seq));
            }
            Some((_, last)) => {
                // The same spelling in the same group: only where it is and its value change.
                let (seq, _, o) = &mut self.records[*last];
                *seq = self.seq;
                if !Arc::ptr_eq(&o.file, &file) {
                    o.file = file;
                }
                o.line = r.physical;
                match (&mut o.value, r.value) {
                    (Some(v), Some(value)) => {
                        v.clear();
                        v.extend_from_slice(value);
                    }
                    (v, value) => *v = value.map(<[u8]>::to_vec),
                }
            }
        }
    }

    fn notice(&mut self, notice: Notice) {
        self.notices.push(notice);
    }

    fn file(&mut self, path: &Path, depth: u32) {
        if depth == 0 {
            self.tops.push(path.to_path_buf());
        }
        self.files.push(path.to_path_buf());
    }
}

/// Reads every file of a chain in order. Stops at the first fatal error.
pub fn read_chain<V: Visitor>(
    reader: &mut Reader<'_, V>,
    files: &[ChainFile],
) -> Result<(), Fatal> {
    for f in files {
        if f.required {
            reader.read_required(&f.path)?;
        } else {
            reader.read_top(&f.path)?;
        }
    }
    Ok(())
}
