//! What a client reads: the file list ([`files`]), the groups ([`groups`]) and the streaming
//! reader with includes ([`reader`]). [`read_chain`] puts them together.

pub mod files;
pub mod fsio;
pub mod groups;
pub mod reader;

pub use files::{ChainFile, FileOptions, Platform, SearchEnv, chain_files};
pub use groups::{Family, GroupSet};
pub use reader::{Fatal, FileStatus, Notice, OptionRecord, Reader, Visitor};

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
) -> (Vec<u8>, Vec<Notice>, bool) {
    let mut reader = Reader::new(groups, ArgvCollector::default());
    let fatal = read_chain(&mut reader, files).is_err();
    let ArgvCollector { out, notices } = reader.into_visitor();
    (if fatal { Vec::new() } else { out }, notices, fatal)
}

/// Collects every option of the wanted groups with its provenance.
#[derive(Debug, Default)]
pub struct OptionCollector {
    pub options: Vec<crate::tls::outcome::Opt>,
    pub notices: Vec<Notice>,
    pub files: Vec<std::path::PathBuf>,
}

impl Visitor for OptionCollector {
    fn option(&mut self, r: &OptionRecord<'_>) {
        self.options.push(crate::tls::outcome::Opt::new(
            r.group, r.name, r.value, r.file, r.line,
        ));
    }

    fn notice(&mut self, notice: Notice) {
        self.notices.push(notice);
    }

    fn file(&mut self, path: &std::path::Path, _depth: u32) {
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
