//! The exit statuses: one stable table (docs/exit-codes.md).

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done, or nothing to do.
    Success,
    /// 1: `--check` found a change is needed, or `check` found an error.
    Findings,
    /// 2: usage error; also a fatal option-file error in `print-defaults`, as `my_print_defaults`.
    Usage,
    /// 3: invalid input (a bad CA, an option file the reader rejects).
    InvalidInput,
    /// 4: an I/O failure.
    Io,
    /// 5: refused (not interactive and no `--yes`; the file changed while being reviewed).
    Refused,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Findings => 1,
            Exit::Usage => 2,
            Exit::InvalidInput => 3,
            Exit::Io => 4,
            Exit::Refused => 5,
        }
    }
}
