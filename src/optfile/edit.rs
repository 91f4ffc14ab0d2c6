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
        let stats = doc.stats();
        let (spaced, tight) = (stats.spaced, stats.tight);
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

/// New bytes in place of one line of the original, or after it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Patch {
    /// Index of the original line.
    line: usize,
    /// What replaces the line (it may be several lines); `None` keeps it.
    replace: Option<Vec<u8>>,
    /// Lines inserted after it.
    after: Vec<u8>,
}

/// The result of applying edits: the original lines that change and what they become. The new
/// file is never held as a whole: [`Edited::chunks`] streams it from the document and the
/// patches, so an edit of a large file costs memory in proportion to the edit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Edited {
    /// Sorted by line.
    patches: Vec<Patch>,
    /// The blocks appended at the end.
    tail: Vec<u8>,
    /// 1-based line numbers (in the new file) of every line written or changed.
    pub written: Vec<usize>,
}

/// One step from the original's lines to the new file's (indexes are 0-based line indexes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hunk {
    /// The original lines `old..old + old_len` become the new lines `new..new + new_len`.
    pub old: usize,
    pub old_len: usize,
    pub new: usize,
    pub new_len: usize,
}

fn count_lines(bytes: &[u8]) -> usize {
    bytes.split_inclusive(|&b| b == b'\n').count()
}

impl Edited {
    /// Whether anything changes.
    pub fn is_empty(&self) -> bool {
        self.patches.is_empty() && self.tail.is_empty()
    }

    /// The new file in order, as slices of the original and of the new lines.
    pub fn chunks<'a>(&'a self, doc: &'a Document) -> impl Iterator<Item = &'a [u8]> + 'a {
        let bytes = doc.bytes();
        let lines = doc.lines();
        let mut pos = 0;
        self.patches
            .iter()
            .flat_map(move |p| {
                let span = lines[p.line].span();
                let before = &bytes[pos..span.start];
                pos = span.end;
                let line: &[u8] = match &p.replace {
                    Some(r) => r,
                    None => &bytes[span],
                };
                [before, line, &p.after[..]]
            })
            .chain(std::iter::once_with(move || {
                let rest = self.patches.last().map_or(0, |p| lines[p.line].span().end);
                &bytes[rest..]
            }))
            .chain(std::iter::once(&self.tail[..]))
            .filter(|c| !c.is_empty())
    }

    /// The last three bytes of the new file.
    fn last_bytes(&self, doc: &Document) -> Vec<u8> {
        let mut end: Vec<u8> = Vec::new();
        for c in self.chunks(doc) {
            end.extend_from_slice(&c[c.len().saturating_sub(3)..]);
            let cut = end.len().saturating_sub(3);
            end.drain(..cut);
        }
        end
    }

    /// The new file's bytes.
    pub fn to_bytes(&self, doc: &Document) -> Vec<u8> {
        let mut out = Vec::with_capacity(doc.bytes().len() + self.tail.len() + 256);
        for c in self.chunks(doc) {
            out.extend_from_slice(c);
        }
        out
    }

    /// The new file as a reader.
    pub fn reader<'a>(&'a self, doc: &'a Document) -> impl std::io::Read + 'a {
        ChunkReader {
            chunks: Box::new(self.chunks(doc)),
            current: &[],
        }
    }

    /// The new lines of the patches: (original line index or the line count for the tail,
    /// the bytes replacing it if any, the bytes after it).
    fn steps<'a>(&'a self, doc: &Document) -> Vec<Step<'a>> {
        let mut steps: Vec<Step<'_>> = self
            .patches
            .iter()
            .map(|p| (p.line, p.replace.as_deref(), &p.after[..]))
            .collect();
        if !self.tail.is_empty() {
            steps.push((doc.lines().len(), None, &self.tail[..]));
        }
        steps
    }

    /// The changes as steps from old lines to new lines, in order.
    pub fn hunks(&self, doc: &Document) -> Vec<Hunk> {
        let mut delta: isize = 0;
        let mut out = Vec::new();
        for (line, replace, after) in self.steps(doc) {
            let new_at = (line as isize + delta) as usize;
            if let Some(r) = replace {
                let n = count_lines(r);
                out.push(Hunk {
                    old: line,
                    old_len: 1,
                    new: new_at,
                    new_len: n,
                });
                delta += n as isize - 1;
            }
            if !after.is_empty() {
                let n = count_lines(after);
                let old = if replace.is_some() || line < doc.lines().len() {
                    line + 1
                } else {
                    line
                };
                let at = (old as isize + delta) as usize;
                out.push(Hunk {
                    old: old.min(doc.lines().len()),
                    old_len: 0,
                    new: at,
                    new_len: n,
                });
                delta += n as isize;
            }
        }
        out
    }

    /// Every line of the new file in order: an original line kept as it is, or new bytes (one
    /// or more lines).
    pub fn for_each_line<'a>(&'a self, doc: &'a Document, mut f: impl FnMut(NewLine<'a>)) {
        let lines = doc.lines();
        let mut next = 0;
        for p in &self.patches {
            lines[next..p.line].iter().for_each(|l| f(NewLine::Kept(l)));
            match &p.replace {
                Some(r) => r
                    .split_inclusive(|&b| b == b'\n')
                    .for_each(|l| f(NewLine::New(l))),
                None => f(NewLine::Kept(&lines[p.line])),
            }
            p.after
                .split_inclusive(|&b| b == b'\n')
                .for_each(|l| f(NewLine::New(l)));
            next = p.line + 1;
        }
        lines[next..].iter().for_each(|l| f(NewLine::Kept(l)));
        self.tail
            .split_inclusive(|&b| b == b'\n')
            .for_each(|l| f(NewLine::New(l)));
    }

    /// The new file's lines that [`Edited::hunks`] says are new, in order.
    pub fn new_lines<'a>(&'a self, doc: &Document) -> Vec<&'a [u8]> {
        let mut out = Vec::new();
        for (_, replace, after) in self.steps(doc) {
            if let Some(r) = replace {
                out.extend(r.split_inclusive(|&b| b == b'\n'));
            }
            out.extend(after.split_inclusive(|&b| b == b'\n'));
        }
        out
    }
}

/// A line of the new file.
#[derive(Debug, Clone, Copy)]
pub enum NewLine<'a> {
    /// An original line, unchanged.
    Kept(&'a super::document::Line),
    /// A line written by the edit.
    New(&'a [u8]),
}

/// An original line index (the line count for the tail), the bytes replacing that line if any,
/// and the bytes after it.
type Step<'a> = (usize, Option<&'a [u8]>, &'a [u8]);

struct ChunkReader<'a> {
    chunks: Box<dyn Iterator<Item = &'a [u8]> + 'a>,
    current: &'a [u8],
}

impl std::io::Read for ChunkReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.next() {
                Some(c) => self.current = c,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = &self.current[n..];
        Ok(n)
    }
}

/// Applies `ops` to `doc`. Each line index may be the target of at most one replace or
/// comment-out; inserts after the same line keep their order.
pub fn apply(doc: &Document, ops: &[Op]) -> Edited {
    let style = Style::of(doc);
    let lines = doc.lines();
    let mut by_line: std::collections::BTreeMap<usize, Vec<&Op>> = Default::default();
    let mut appends: Vec<(&String, &NewOptions)> = Vec::new();
    for op in ops {
        match op {
            Op::ReplaceOption { line, .. }
            | Op::CommentOut { line, .. }
            | Op::InsertAfter { line, .. } => by_line.entry(*line).or_default().push(op),
            Op::AppendGroup { group, options } => appends.push((group, options)),
        }
    }
    let last = lines.len().checked_sub(1);
    if !appends.is_empty()
        && let Some(l) = last
        && lines[l].ending == LineEnding::None
    {
        by_line.entry(l).or_default();
    }
    let mut edited = Edited::default();
    let mut delta: usize = 0; // new lines so far minus original lines so far
    for (i, ops) in by_line {
        let line = &lines[i];
        let is_last = Some(i) == last;
        let inserts: Vec<&(String, Vec<u8>)> = ops
            .iter()
            .filter_map(|op| match op {
                Op::InsertAfter { options, .. } => Some(options.iter()),
                _ => None,
            })
            .flatten()
            .collect();
        let needs_eol = line.ending == LineEnding::None
            && (!inserts.is_empty() || (is_last && !appends.is_empty()));
        let mut replace = replacement(doc, line, &ops, &style);
        let new_line = i + 1 + delta;
        if let Some(r) = &replace {
            let n = count_lines(r);
            edited.written.extend(new_line..new_line + n);
            delta += n - 1;
        } else if needs_eol {
            // The line itself is kept; it only gets the line ending it lacked.
            let mut fixed = doc.raw(line).to_vec();
            fixed.extend_from_slice(style.ending.as_bytes());
            replace = Some(fixed);
        }
        let mut after = Vec::new();
        for (name, value) in inserts {
            after.extend_from_slice(&style.option(name, value));
            delta += 1;
            edited.written.push(i + 1 + delta);
        }
        edited.patches.push(Patch {
            line: i,
            replace,
            after,
        });
    }
    let total = lines.len() + delta;
    edited.append(doc, &style, &appends, total);
    edited
}

impl Edited {
    /// The blocks appended at the end of a file of `total` lines (so far), each after a blank
    /// line unless the file ends with one.
    fn append(
        &mut self,
        doc: &Document,
        style: &Style,
        appends: &[(&String, &NewOptions)],
        mut total: usize,
    ) {
        let mut end = self.last_bytes(doc);
        for (group, options) in appends {
            let ends_blank = end.is_empty() || end.ends_with(b"\n\n") || end.ends_with(b"\n\r\n");
            end = b"x".to_vec();
            if !ends_blank {
                self.tail.extend_from_slice(style.ending.as_bytes());
                total += 1;
            }
            self.tail.extend_from_slice(format!("[{group}]").as_bytes());
            self.tail.extend_from_slice(style.ending.as_bytes());
            total += 1;
            self.written.push(total);
            for (name, value) in options.iter() {
                self.tail.extend_from_slice(&style.option(name, value));
                total += 1;
                self.written.push(total);
            }
        }
    }
}

/// The bytes that replace a line an op replaces or comments out.
fn replacement(
    doc: &Document,
    line: &super::document::Line,
    ops: &[&Op],
    style: &Style,
) -> Option<Vec<u8>> {
    let raw = doc.raw(line);
    let body = &raw[..raw.len() - line.ending.as_bytes().len()];
    let eol = match line.ending {
        LineEnding::None => style.ending.as_bytes(),
        e => e.as_bytes(),
    };
    for op in ops {
        match op {
            Op::ReplaceOption { name, value, .. } => {
                let Entry::Option(o) = doc.entry(line) else {
                    unreachable!("only option lines are replaced")
                };
                let mut new = Vec::new();
                if let Some(c) = o.comment {
                    // An inline comment moves to a line of its own above.
                    new.extend_from_slice(&body[..o.name.start]);
                    new.extend_from_slice(body[c..].trim_ascii_end());
                    new.extend_from_slice(style.ending.as_bytes());
                }
                new.extend_from_slice(&body[..o.name.start]);
                new.extend_from_slice(name.as_bytes());
                match &o.value {
                    // An empty value's span may start past the body (`name=` + line ending).
                    Some(v) => {
                        new.extend_from_slice(&body[o.name.end..v.raw.start.min(body.len())])
                    }
                    None => new.extend_from_slice(style.separator.as_bytes()),
                }
                new.extend_from_slice(value);
                new.extend_from_slice(eol);
                return Some(new);
            }
            Op::CommentOut { reason, .. } => {
                let mut new = format!("# {reason}: ").into_bytes();
                new.extend_from_slice(body.trim_ascii_start());
                new.extend_from_slice(eol);
                return Some(new);
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str, ops: &[Op]) -> String {
        let doc = Document::parse(input.as_bytes().to_vec());
        String::from_utf8(apply(&doc, ops).to_bytes(&doc)).unwrap()
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
