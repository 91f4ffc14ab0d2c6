//! The lossless option-file model: the reader's byte rules ([`lex`]), value decoding and
//! encoding ([`value`]) and the line-preserving [`Document`].

pub mod document;
pub mod edit;
pub mod lex;
pub mod value;

pub use document::{Document, Invalid, Line, LineEnding, LineKind};
pub use lex::{Entry, classify, is_space};
pub use value::{EncodeError, decode_value, decode_value_into, encode_value};
