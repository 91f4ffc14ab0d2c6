//! The lossless option-file model: the reader's byte rules ([`lex`]), value decoding and
//! encoding ([`value`]), the line-preserving [`Document`] and its [`edit`]s, option names as
//! the option parser splits them ([`name`]) and the record of one option as read ([`record`]).
//! Imports nothing else of the crate.

pub mod document;
pub mod edit;
pub mod lex;
pub mod name;
pub mod record;
pub mod value;

pub use document::{Document, Invalid, Line, LineEnding, LineKind};
pub use lex::{Entry, classify, is_space};
pub use name::OptionName;
pub use record::{Opt, in_groups};
pub use value::{EncodeError, decode_value, decode_value_into, encode_value};
