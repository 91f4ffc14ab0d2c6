//! What a client reads: the file list ([`files`]), the groups ([`groups`]) and the streaming
//! reader with includes ([`reader`]). [`read_chain`] puts them together.

pub mod files;
pub mod fsio;
pub mod groups;
pub mod reader;

pub use files::{ChainFile, FileOptions, Platform, SearchEnv, chain_files};
pub use groups::{Family, GroupSet};
pub use reader::{Fatal, FileStatus, Notice, OptionRecord, Reader, Visitor};

/// Reads every file of a chain in order. Stops at the first fatal error.
pub fn read_chain<V: Visitor>(reader: &mut Reader<'_, V>, files: &[ChainFile]) -> Result<(), Fatal> {
    for f in files {
        if f.required {
            reader.read_required(&f.path)?;
        } else {
            reader.read_top(&f.path)?;
        }
    }
    Ok(())
}
