//! Edits on a [`Document`]: replace, comment out and insert lines, append a block. Untouched
//! lines keep every byte; new lines follow the file's style (line ending, spacing around `=`).

use super::document::{Document, LineEnding};
use super::lex::Entry;

/// Option lines to write: (name, encoded value).
pub type NewOptions = Vec<(String, Vec<u8>)>;

/// One change to a document. Line indexes refer to `Document::lines()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Replace an option line with `name` + `=` + `value` (value already encoded), keeping the
    /// line's indentation, spacing and ending. An inline comment moves to a line of its own
    /// above (clients on Connector/C would read it as part of the value).
    ReplaceOption {
        line: usize,
        name: String,
        value: Vec<u8>,
    },
    /// Turn a line into a comment that says why.
    CommentOut { line: usize, reason: String },
    /// Insert option lines after a line.
    InsertAfter { line: usize, options: NewOptions },
    /// Append `[group]` and its option lines at the end of the file.
    AppendGroup { group: String, options: NewOptions },
}

/// How the file writes its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    pub ending: LineEnding,
    /// Between name and value: `=` or ` = ` (whatever most option lines use).
    pub separator: String,
}

impl Style {
    pub fn of(doc: &Document) -> Style {
        let (mut spaced, mut tight) = (0, 0);
        for line in doc.lines() {
            if let Entry::Option(o) = &line.entry
                && let Some(v) = &o.value
            {
                let raw = doc.raw(line);
                let between = &raw[o.name.end..v.raw.start];
                if between.first().is_some_and(|&b| b == b' ' || b == b'\t') {
                    spaced += 1;
                } else {
                    tight += 1;
                }
            }
        }
        Style {
            ending: match doc.dominant_ending() {
                LineEnding::CrLf => LineEnding::CrLf,
                _ => LineEnding::Lf,
            },
            separator: if spaced > tight { " = " } else { "=" }.to_string(),
        }
    }

    fn option(&self, name: &str, value: &[u8]) -> Vec<u8> {
        let mut out = name.as_bytes().to_vec();
        out.extend_from_slice(self.separator.as_bytes());
        out.extend_from_slice(value);
        out.extend_from_slice(self.ending.as_bytes());
        out
    }
}

/// The result of applying edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub bytes: Vec<u8>,
    /// 1-based line numbers (in the new file) of every line written or changed.
    pub written: Vec<usize>,
}

/// Applies `ops` to `doc`. Each line index may be the target of at most one replace or
/// comment-out; inserts after the same line keep their order.
pub fn apply(doc: &Document, ops: &[Op]) -> Edited {
    let style = Style::of(doc);
    let lines = doc.lines();
    let mut out = Vec::with_capacity(doc.bytes().len() + 256);
    let mut written = Vec::new();
    let mut line_no = 0usize;
    let mut push = |out: &mut Vec<u8>, bytes: &[u8], mark: bool, written: &mut Vec<usize>| {
        line_no += 1;
        if mark {
            written.push(line_no);
        }
        out.extend_from_slice(bytes);
    };
    for (i, line) in lines.iter().enumerate() {
        let raw = doc.raw(line);
        let needs_eol = line.ending == LineEnding::None;
        let replaced = ops.iter().find_map(|op| match op {
            Op::ReplaceOption { line, name, value } if *line == i => Some((name, value)),
            _ => None,
        });
        let commented = ops.iter().find_map(|op| match op {
            Op::CommentOut { line, reason } if *line == i => Some(reason),
            _ => None,
        });
        let inserts: Vec<&(String, Vec<u8>)> = ops
            .iter()
            .filter_map(|op| match op {
                Op::InsertAfter { line, options } if *line == i => Some(options.iter()),
                _ => None,
            })
            .flatten()
            .collect();
        let is_last = i + 1 == lines.len();
        let appends = is_last && ops.iter().any(|op| matches!(op, Op::AppendGroup { .. }));
        // A line we add something after must end with a line feed.
        let eol: &[u8] = if needs_eol && (!inserts.is_empty() || appends) {
            style.ending.as_bytes()
        } else {
            line.ending.as_bytes()
        };
        let body = &raw[..raw.len() - line.ending.as_bytes().len()];
        if let Some((name, value)) = replaced {
            let Entry::Option(o) = &line.entry else {
                unreachable!("only option lines are replaced")
            };
            if let Some(c) = o.comment {
                let indent = &body[..o.name.start];
                let mut comment = indent.to_vec();
                comment.extend_from_slice(body[c..].trim_ascii_end());
                comment.extend_from_slice(style.ending.as_bytes());
                push(&mut out, &comment, true, &mut written);
            }
            let mut new = body[..o.name.start].to_vec();
            new.extend_from_slice(name.as_bytes());
            match &o.value {
                Some(v) => new.extend_from_slice(&body[o.name.end..v.raw.start]),
                None => new.extend_from_slice(style.separator.as_bytes()),
            }
            new.extend_from_slice(value);
            new.extend_from_slice(if eol.is_empty() {
                style.ending.as_bytes()
            } else {
                eol
            });
            push(&mut out, &new, true, &mut written);
        } else if let Some(reason) = commented {
            let mut new = format!("# {reason}: ").into_bytes();
            new.extend_from_slice(body.trim_ascii_start());
            new.extend_from_slice(if eol.is_empty() {
                style.ending.as_bytes()
            } else {
                eol
            });
            push(&mut out, &new, true, &mut written);
        } else {
            let mut bytes = body.to_vec();
            bytes.extend_from_slice(eol);
            push(&mut out, &bytes, false, &mut written);
        }
        for (name, value) in inserts {
            push(&mut out, &style.option(name, value), true, &mut written);
        }
    }
    for op in ops {
        if let Op::AppendGroup { group, options } = op {
            // A blank line before a new block, unless there is one already.
            let ends_blank = out.is_empty() || out.ends_with(b"\n\n") || out.ends_with(b"\n\r\n");
            if !ends_blank {
                push(&mut out, style.ending.as_bytes(), false, &mut written);
            }
            let mut header = format!("[{group}]").into_bytes();
            header.extend_from_slice(style.ending.as_bytes());
            push(&mut out, &header, true, &mut written);
            for (name, value) in options {
                push(&mut out, &style.option(name, value), true, &mut written);
            }
        }
    }
    Edited {
        bytes: out,
        written,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str, ops: &[Op]) -> String {
        let doc = Document::parse(input.as_bytes().to_vec());
        String::from_utf8(apply(&doc, ops).bytes).unwrap()
    }

    #[test]
    fn no_ops_is_the_identity() {
        let input = "[client]\r\nuser = a # c\n\n[mysql]";
        assert_eq!(run(input, &[]), input);
    }

    #[test]
    fn replace_keeps_indentation_spacing_and_ending() {
        let out = run(
            "[client]\r\n  ssl_ca = /old.pem\r\n",
            &[Op::ReplaceOption {
                line: 1,
                name: "ssl-ca".into(),
                value: b"/new.pem".to_vec(),
            }],
        );
        assert_eq!(out, "[client]\r\n  ssl-ca = /new.pem\r\n");
    }

    #[test]
    fn an_inline_comment_moves_above_the_replaced_line() {
        let out = run(
            "[client]\nssl-ca=/old.pem # the old CA\n",
            &[Op::ReplaceOption {
                line: 1,
                name: "ssl-ca".into(),
                value: b"/new.pem".to_vec(),
            }],
        );
        assert_eq!(out, "[client]\n# the old CA\nssl-ca=/new.pem\n");
    }

    #[test]
    fn inserting_after_a_last_line_without_newline_adds_one() {
        let out = run(
            "[client]\nuser=a",
            &[Op::InsertAfter {
                line: 1,
                options: vec![("ssl-ca".into(), b"/ca.pem".to_vec())],
            }],
        );
        assert_eq!(out, "[client]\nuser=a\nssl-ca=/ca.pem\n");
    }

    #[test]
    fn appended_groups_follow_the_file_style() {
        let out = run(
            "[mysql]\r\nprompt = x\r\n",
            &[Op::AppendGroup {
                group: "client".into(),
                options: vec![("ssl-ca".into(), b"/ca.pem".to_vec())],
            }],
        );
        assert_eq!(
            out,
            "[mysql]\r\nprompt = x\r\n\r\n[client]\r\nssl-ca = /ca.pem\r\n"
        );
    }

    #[test]
    fn comment_out_says_why() {
        let out = run(
            "[client]\nssl-mode=PREFERRED\n",
            &[Op::CommentOut {
                line: 1,
                reason: "disabled by mycnf-secure".into(),
            }],
        );
        assert_eq!(
            out,
            "[client]\n# disabled by mycnf-secure: ssl-mode=PREFERRED\n"
        );
    }
}
