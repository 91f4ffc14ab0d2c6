//! How a command that fails says so: for a person, its message on standard error; with
//! `--format json`, one JSON object on standard output instead (docs/json-schemas.md,
//! "Errors"), so a script that asked for JSON always gets JSON, with the exit status of the
//! table.

use std::ffi::OsString;
use std::path::PathBuf;

use serde::Serialize;

use crate::cli::{Exit, output};

/// Why a refused run was refused (exit 5).
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Not confirmed: no terminal and no `--yes`, or the answer was not yes.
    NotConfirmed,
    /// The file changed while it was being reviewed.
    ChangedWhileReviewing,
    /// The new bytes, read back, were not the old options plus exactly the planned ones.
    ReadBackDiffers,
}

/// A failure: what a person reads, and the same as fields.
#[derive(Debug, Clone)]
pub struct Failure {
    pub exit: Exit,
    /// A rule's code (`CA202`, `MC101`) where one rule says it, else the kind of failure.
    pub code: String,
    /// One sentence, without the `error:` prefix.
    pub message: String,
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub refusal: Option<Refusal>,
    /// The text for a person (standard error); the message when empty.
    pub text: String,
}

impl Failure {
    /// A failure of kind `exit`, its message taken from the text a person reads (its first
    /// line, without `error: `).
    pub fn new(exit: Exit, text: impl Into<String>) -> Failure {
        let text = text.into();
        let first = text.lines().next().unwrap_or_default();
        let message = first.strip_prefix("error: ").unwrap_or(first).to_string();
        Failure {
            exit,
            code: kind(exit).to_string(),
            message,
            file: None,
            line: None,
            refusal: None,
            text,
        }
    }

    pub fn code(mut self, code: impl Into<String>) -> Failure {
        self.code = code.into();
        self
    }

    pub fn at(mut self, file: Option<PathBuf>, line: Option<usize>) -> Failure {
        self.file = file;
        self.line = line.filter(|&l| l > 0);
        self
    }

    pub fn refusal(mut self, why: Refusal) -> Failure {
        self.refusal = Some(why);
        self
    }

    pub fn message(mut self, message: impl Into<String>) -> Failure {
        self.message = message.into();
        self
    }

    /// The `error` object of the JSON output.
    pub fn body(&self) -> serde_json::Value {
        let mut body = serde_json::json!({
            "code": self.code,
            "message": self.message,
            "file": self.file.as_ref().map(|p| p.display().to_string()),
            "line": self.line,
            "exit": self.exit.code(),
        });
        if let Some(r) = self.refusal {
            body["refusal"] = serde_json::to_value(r).expect("serialisable");
        }
        body
    }

    /// Says it (JSON on standard output when `json`), and gives its exit status.
    pub fn report(&self, json: bool) -> Exit {
        if json {
            let doc = serde_json::json!({
                "schema": "mycnf-secure/error/v1",
                "error": self.body(),
            });
            let mut s = serde_json::to_string(&doc).expect("serialisable");
            s.push('\n');
            if let Err(e) = output::emit(s.as_bytes()) {
                return e;
            }
        } else if !self.text.is_empty() {
            output::error(self.text.trim_end());
        } else if !self.message.is_empty() {
            output::error(&format!("error: {}", self.message));
        }
        self.exit
    }

    /// As [`Failure::report`], with `text` (styled) for a person instead of the plain one.
    pub fn report_or_text(self, json: bool, text: &str) -> Exit {
        if json {
            self.report(true)
        } else {
            output::error(text);
            self.exit
        }
    }
}

/// The kind of failure an exit status stands for, as the JSON `code` of a failure no rule
/// names.
pub fn kind(exit: Exit) -> &'static str {
    match exit {
        Exit::Success => "none",
        Exit::Findings => "findings",
        Exit::Usage => "usage",
        Exit::InvalidInput => "invalid_input",
        Exit::Io => "io",
        Exit::Refused => "refused",
    }
}

/// Whether the command line asks for JSON (`--format json` or `--format=json`), read before
/// the arguments are parsed, so that a usage error is JSON too.
pub fn wants_json(args: &[OsString]) -> bool {
    args.windows(2)
        .any(|w| w[0] == "--format" && w[1] == "json")
        || args.iter().any(|a| a == "--format=json")
}
