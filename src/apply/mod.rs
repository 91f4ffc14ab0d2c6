//! Showing and applying a change: the masked unified diff ([`diff`]) and the safe write
//! ([`write`]).

pub mod diff;
pub mod write;

pub use diff::unified;
pub use write::{WriteError, Written, write_atomic, write_atomic_with_mode};
