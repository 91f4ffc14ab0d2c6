//! What a client reads: the file list ([`files`]), the groups ([`groups`]) and the streaming
//! reader with includes ([`reader`]). [`read_chain`] puts them together.

pub mod files;
pub mod fsio;
pub mod groups;
pub mod reader;

pub use files::{ChainFile, FileOptions, Platform, SearchEnv, chain_files};
pub use groups::{GroupSet, Vendor};
pub use reader::{Fatal, FileStatus, Notice, OptionRecord, Reader, Visitor};

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

/// Collects every option of the wanted groups with its provenance. `keep` decides which
/// options are worth keeping (all of them by default).
#[derive(Default)]
pub struct OptionCollector {
    pub options: Vec<Opt>,
    pub notices: Vec<Notice>,
    pub files: Vec<PathBuf>,
    keep: Option<fn(&[u8]) -> bool>,
    current: Option<Arc<Path>>,
}

impl OptionCollector {
    /// Keeps only the options whose name (as written) passes `keep`.
    pub fn keeping(keep: fn(&[u8]) -> bool) -> Self {
        OptionCollector {
            keep: Some(keep),
            ..OptionCollector::default()
        }
    }

    /// One shared path per file.
    fn file_of(&mut self, path: &Path) -> Arc<Path> {
        match &self.current {
            Some(p) if **p == *path => p.clone(),
            _ => {
                let p: Arc<Path> = Arc::from(path);
                self.current = Some(p.clone());
                p
            }
        }
    }
}

impl Visitor for OptionCollector {
    fn option(&mut self, r: &OptionRecord<'_>) {
        if self.keep.is_some_and(|keep| !keep(r.name)) {
            return;
        }
        let file = self.file_of(r.file);
        self.options
            .push(Opt::new(r.group, r.name, r.value, file, r.line));
    }

    fn notice(&mut self, notice: Notice) {
        self.notices.push(notice);
    }

    fn file(&mut self, path: &Path, _depth: u32) {
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
