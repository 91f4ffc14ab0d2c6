//! The last check before a write: the new bytes are read back by our reader (the rules of
//! `my_print_defaults`), and what they give must be exactly what was read before plus the
//! planned changes, or nothing is written.
//!
//! Compared, in reading order: every option of the file itself in every group it has (so every
//! group each client family of [`crate::clients::PROFILES`] reads, and the groups an
//! application is pointed at), as group, name and decoded value; the files its `!include`
//! directives open and their options; the reader's messages (a new error is a difference).
//! The planned values come from the settings (decoded), not from the encoded text of the edit,
//! so a fault in encoding or in applying the edit shows up as a difference.
//!
//! Both readings stream side by side (two threads, bounded queues of batches): memory does not
//! grow with the size of the file.
//!
//! What goes over for an option of the file itself is small, of fixed size and needs no heap
//! allocation: its line numbers, where its reader line lies in the bytes read (both the old and
//! the new bytes stay in memory for the write anyway) and the number of its group (a group's
//! name goes over once; nothing is shared between the threads). The comparison
//! then looks at the bytes in place: an option passed on unchanged is the same when its group
//! is the same and its reader line is the same bytes (the reader takes the name and the value
//! from that line alone), and otherwise (a line ending added, say) when the name and the value
//! decoded from both lines are equal; a planned option is the same when the new line decodes to
//! the planned name and value. The decoding is the reader's own lexer and decoder
//! ([`option_of`], tested against what the reader hands over). Nothing is compared by hash, so
//! no collision can let a difference through, and no value is copied: copying each name and
//! value out on the readers' threads (1.5 million options in a 55 MB file, on both sides) and
//! freeing them cost three times more than reading the file. Options of included files and the
//! reader's messages are rare and go over owned, compared as they are.
//!
//! No value is kept or shown: a difference is named by line, group and option name.

use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::chain::reader::Source;
use crate::chain::{GroupSet, Notice, OptionRecord, Reader, Visitor};
use crate::clients::PROFILES;
use crate::optfile::edit::Op;
use crate::optfile::value::decode_value_into;
use crate::optfile::{Document, LineKind, lex};

/// An option as the reader hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub group: Vec<u8>,
    pub name: Vec<u8>,
    pub value: Option<Vec<u8>>,
}

impl Record {
    pub fn new(group: &[u8], name: &[u8], value: Option<&[u8]>) -> Record {
        Record {
            group: group.to_vec(),
            name: name.to_vec(),
            value: value.map(<[u8]>::to_vec),
        }
    }
}

/// The name and decoded value of an option line as the reader takes them from a reader line
/// (`None` if the line is no option): the same steps as the reader's.
fn option_of(raw: &[u8]) -> Option<(&[u8], Option<Vec<u8>>)> {
    let s = lex::content_of(raw);
    let p = s.iter().position(|&b| !lex::is_space(b))?;
    let lex::Entry::Option(o) = lex::classify_content(s, p) else {
        return None;
    };
    let value = o.value.map(|v| {
        let mut out = Vec::new();
        decode_value_into(&s[v.inner], &mut out);
        out
    });
    Some((&s[o.name], value))
}

/// An option of the file itself, as compared.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Own {
    /// The file's own line number (0 for a planned option).
    physical: usize,
    /// Where its reader line lies in the bytes read.
    span: std::ops::Range<usize>,
    /// Its group: the number of an [`Item::Group`] of its reading (a planned option's group is
    /// in its record).
    group: u32,
    /// A planned option (its decoded value included): compared with what the new line gives.
    planned: Option<Arc<Record>>,
}

impl Own {
    fn planned(record: Record) -> Own {
        Own {
            physical: 0,
            span: 0..0,
            group: u32::MAX,
            planned: Some(Arc::new(record)),
        }
    }
}

/// What one reading yields, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// A group (as written in its header) the options of the file itself then refer to by
    /// number: the first is 0, the next 1, and so on; sent before the first option in it.
    Group(Vec<u8>),
    /// An option of the file itself.
    Own(Own),
    /// An option of an included file.
    Included(Box<(PathBuf, Record)>),
    /// A file opened by an include directive.
    Opened(PathBuf),
    /// A reader message (its kind only: line numbers move with the edit).
    Notice(String),
    /// The reader stopped on a fatal error.
    Fatal,
}

/// Why the new bytes were refused: what differed, for whom. Never holds a value (it may be a
/// password).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "internal check failed, nothing was written: read back, the new file is not the old one plus the planned changes: {what}"
)]
pub struct Mismatch {
    pub what: String,
}

/// Items go over in batches: one hand-over per item would cost more than the reading.
const BATCH: usize = 4096;

struct Sender {
    tx: SyncSender<Vec<Item>>,
    batch: Vec<Item>,
    /// The group of the last option of the file itself, and its number.
    group: Vec<u8>,
    group_no: Option<u32>,
    /// The number of each group seen (a group's name goes over once: memory grows with the
    /// number of groups, not of headers).
    numbers: HashMap<Vec<u8>, u32>,
}

impl Sender {
    fn new(tx: SyncSender<Vec<Item>>) -> Sender {
        Sender {
            tx,
            batch: Vec::with_capacity(BATCH),
            group: Vec::new(),
            group_no: None,
            numbers: HashMap::new(),
        }
    }

    fn push(&mut self, item: Item) {
        self.batch.push(item);
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.batch.is_empty() {
            let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
            let _ = self.tx.send(full);
        }
    }
}

impl Visitor for Sender {
    fn option(&mut self, r: &OptionRecord<'_>) {
        let item = if r.depth == 0 {
            if self.group_no.is_none() || self.group != r.group {
                self.group.clear();
                self.group.extend_from_slice(r.group);
                let next = self.numbers.len() as u32;
                let no = *self.numbers.entry(self.group.clone()).or_insert(next);
                if no == next {
                    self.push(Item::Group(self.group.clone()));
                }
                self.group_no = Some(no);
            }
            Item::Own(Own {
                physical: r.physical,
                span: r.offset..r.offset + r.raw.len(),
                group: self.group_no.unwrap_or_default(),
                planned: None,
            })
        } else {
            Item::Included(Box::new((
                r.file.to_path_buf(),
                Record::new(r.group, r.name, r.value),
            )))
        };
        self.push(item);
    }

    fn notice(&mut self, notice: Notice) {
        let kind = format!("{notice:?}");
        let kind = kind
            .split([' ', '{'])
            .next()
            .unwrap_or_default()
            .to_string();
        self.push(Item::Notice(kind));
    }

    fn file(&mut self, path: &Path, depth: u32) {
        if depth > 0 {
            self.push(Item::Opened(path.to_path_buf()));
        }
    }
}

/// One reading: `bytes` read as the content of `path`, with the groups compared.
#[derive(Clone, Copy)]
struct Reading<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    groups: &'a GroupSet,
    home: Option<&'a Path>,
}

impl Reading<'_> {
    fn read<V: Visitor>(&self, visitor: V) -> (V, bool) {
        let bytes = self.bytes;
        let open = || -> Box<dyn Read + '_> { Box::new(bytes) };
        let source: Source<'_> = &open;
        let mut reader = Reader::new(self.groups, visitor)
            .with_overlay(self.path, source)
            .with_home(self.home.map(Path::to_path_buf));
        let fatal = reader.read_top(self.path).is_err();
        (reader.into_visitor(), fatal)
    }

    /// Streams what the reader gives.
    fn send(&self, tx: SyncSender<Vec<Item>>) {
        let (mut sender, fatal) = self.read(Sender::new(tx));
        if fatal {
            sender.batch.push(Item::Fatal);
        }
        sender.flush();
    }
}

/// Every group header of `bytes`, as the reader sees them: each reader line (a long physical
/// line is several) whose first non-blank byte is `[` is classified as the reader does.
fn headers(bytes: &[u8], out: &mut Vec<Vec<u8>>) {
    let mut rest = bytes;
    while !rest.is_empty() {
        let n = lex::reader_line_len(rest);
        let line = &rest[..n];
        rest = &rest[n..];
        if line.iter().find(|&&b| !lex::is_space(b)) != Some(&b'[') {
            continue;
        }
        let s = lex::content_of(line);
        let Some(p) = s.iter().position(|&b| !lex::is_space(b)) else {
            continue;
        };
        if let lex::Entry::Group { name } = lex::classify_content(s, p) {
            let name = &s[name];
            if !out.iter().any(|g| g == name) {
                out.push(name.to_vec());
            }
        }
    }
}

/// Past this many distinct group names, only the client groups and the edit's own are compared
/// (matching a header is linear in the number of names): an injected header still shows, as
/// the option it cut short.
const MAX_GROUPS: usize = 1000;

fn bounded(names: Vec<Vec<u8>>, extra: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    if names.len() <= MAX_GROUPS {
        return names;
    }
    let mut out: Vec<Vec<u8>> = crate::clients::all_client_groups()
        .into_iter()
        .map(String::into_bytes)
        .collect();
    out.extend(extra);
    out
}

/// The groups the edit writes in by name.
fn values_groups(ops: &[Op]) -> Vec<Vec<u8>> {
    ops.iter()
        .filter_map(|op| match op {
            Op::AppendGroup { group, .. } => Some(group.clone().into_bytes()),
            _ => None,
        })
        .collect()
}

/// The client families that read `group`, for the message.
fn readers_of(group: &[u8]) -> String {
    let g = String::from_utf8_lossy(group).to_ascii_lowercase();
    let who: Vec<&str> = PROFILES
        .iter()
        .filter(|p| p.reads_group(&g))
        .map(|p| p.label)
        .collect();
    if who.is_empty() {
        "no client family by default".into()
    } else {
        who.join(", ")
    }
}

fn show(r: &Record) -> String {
    format!(
        "[{}] {}{}",
        crate::diagnostic::sanitize(&r.group),
        crate::diagnostic::sanitize(&r.name),
        if r.value.is_some() { "=…" } else { "" }
    )
}

/// The two readings, whose bytes the options of the file itself are compared in, and the
/// groups each has given so far (by number).
struct Sides<'a> {
    old: Reading<'a>,
    new: Reading<'a>,
    old_groups: Vec<Vec<u8>>,
    new_groups: Vec<Vec<u8>>,
}

impl Sides<'_> {
    /// An expected option's group and name (only whether it has a value): planned, or passed
    /// on from the old reading.
    fn expected(&self, o: &Own) -> Record {
        match &o.planned {
            Some(r) => Record {
                group: r.group.clone(),
                name: r.name.clone(),
                value: r.value.as_ref().map(|_| Vec::new()),
            },
            None => named(o, self.old.bytes, &self.old_groups),
        }
    }

    fn got(&self, o: &Own) -> Record {
        named(o, self.new.bytes, &self.new_groups)
    }

    /// Whether the new reading gives what was expected.
    fn same(&self, expected: &Own, got: &Own) -> bool {
        let want = match &expected.planned {
            Some(r) => Some(&r.group),
            None => self.old_groups.get(expected.group as usize),
        };
        if want.is_none() || want != self.new_groups.get(got.group as usize) {
            return false;
        }
        let line = &self.new.bytes[got.span.clone()];
        match &expected.planned {
            Some(r) => option_of(line).is_some_and(|(n, v)| n == r.name && v == r.value),
            None => {
                let old = &self.old.bytes[expected.span.clone()];
                old == line || option_of(old).is_some_and(|o| option_of(line) == Some(o))
            }
        }
    }
}

/// The group and name of an option read from `bytes` (only whether it has a value).
fn named(o: &Own, bytes: &[u8], groups: &[Vec<u8>]) -> Record {
    let (name, value) = option_of(&bytes[o.span.clone()]).unwrap_or((b"?", None));
    Record {
        group: groups.get(o.group as usize).cloned().unwrap_or_default(),
        name: name.to_vec(),
        value: value.map(|_| Vec::new()),
    }
}

fn describe(expected: Option<&Item>, got: Option<&Item>, sides: &Sides<'_>) -> String {
    let who = |r: &Record| format!(" (read by {})", readers_of(&r.group));
    match (expected, got) {
        (Some(Item::Own(e)), Some(Item::Own(g))) => {
            let line = g.physical;
            let (e, g) = (sides.expected(e), sides.got(g));
            if e.group == g.group && e.name == g.name {
                format!(
                    "line {line}: {} reads back with another value than planned{}",
                    show(&g),
                    who(&g)
                )
            } else {
                format!(
                    "line {line}: {} was planned, {} is read{}",
                    show(&e),
                    show(&g),
                    who(&e)
                )
            }
        }
        (Some(Item::Own(e)), _) => {
            let e = sides.expected(e);
            format!("{} was planned but is not read{}", show(&e), who(&e))
        }
        (_, Some(Item::Own(g))) => {
            let line = g.physical;
            let g = sides.got(g);
            format!(
                "line {line}: {} is read but was not planned{}",
                show(&g),
                who(&g)
            )
        }
        (Some(Item::Fatal), _) | (_, Some(Item::Fatal)) => {
            "the reader stops on the new file (a fatal error) where it did not before".into()
        }
        (Some(Item::Notice(n)), _) | (_, Some(Item::Notice(n))) => {
            format!("the reader's messages differ ({n})")
        }
        (w, g) => {
            let side = |i: Option<&Item>| match i {
                Some(Item::Opened(f)) => format!("{} opened", f.display()),
                Some(Item::Included(i)) => format!("{} from {}", show(&i.1), i.0.display()),
                Some(_) => "a message".into(),
                None => "nothing".into(),
            };
            format!(
                "the included files differ: planned {}, read {}",
                side(w),
                side(g)
            )
        }
    }
}

/// An insertion not yet emitted: after which line, which options.
type Insertion<'a> = (usize, &'a [(String, Vec<u8>)]);

/// The old reading with the planned edits applied, in the new file's order.
struct Planned<'a> {
    doc: &'a Document,
    ops: &'a [Op],
    /// InsertAfter ops by line, in order, not yet emitted.
    inserts: VecDeque<Insertion<'a>>,
    values: &'a [(&'a str, &'a [u8])],
    /// Physical lines already replaced (their later reader pieces are dropped).
    replaced: Vec<usize>,
    /// The lines a ReplaceOption or CommentOut op names, sorted (most lines have none).
    touched: Vec<usize>,
}

impl<'a> Planned<'a> {
    fn new(doc: &'a Document, ops: &'a [Op], values: &'a [(&'a str, &'a [u8])]) -> Self {
        let mut inserts: Vec<Insertion<'a>> = ops
            .iter()
            .filter_map(|op| match op {
                Op::InsertAfter { line, options } => Some((*line, options.as_slice())),
                _ => None,
            })
            .collect();
        inserts.sort_by_key(|i| i.0);
        let mut touched: Vec<usize> = ops
            .iter()
            .filter_map(|op| match op {
                Op::ReplaceOption { line, .. } | Op::CommentOut { line, .. } => Some(*line),
                _ => None,
            })
            .collect();
        touched.sort_unstable();
        Planned {
            touched,
            doc,
            ops,
            inserts: inserts.into(),
            values,
            replaced: Vec::new(),
        }
    }

    fn value(&self, name: &str) -> Result<Vec<u8>, Mismatch> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_vec())
            .ok_or_else(|| Mismatch {
                what: format!("the edit writes {name}, which no planned setting explains"),
            })
    }

    fn group_of(&self, index: usize) -> Vec<u8> {
        let lines = self.doc.lines();
        lines[index]
            .group()
            .and_then(|h| self.doc.group_name(&lines[h]))
            .unwrap_or_default()
            .to_vec()
    }

    /// Emits the insertions after lines before `index` (all of them for `None`).
    fn flush(&mut self, before: Option<usize>, out: &mut VecDeque<Item>) -> Result<(), Mismatch> {
        while let Some(&(after, options)) = self.inserts.front() {
            if before.is_some_and(|b| after >= b) {
                break;
            }
            self.inserts.pop_front();
            let group = self.group_of(after);
            for (name, _) in options {
                out.push_back(Item::Own(Own::planned(Record {
                    group: group.clone(),
                    name: name.clone().into_bytes(),
                    value: Some(self.value(name)?),
                })));
            }
        }
        Ok(())
    }

    /// Takes one item of the old reading; pushes what the new reading should give for it.
    fn take(
        &mut self,
        item: Item,
        groups: &[Vec<u8>],
        out: &mut VecDeque<Item>,
    ) -> Result<(), Mismatch> {
        let Item::Own(own) = item else {
            out.push_back(item);
            return Ok(());
        };
        let line = own.physical;
        // One line per physical line, in order: the index is the number less one.
        let lines = self.doc.lines();
        let index = match lines.get(line.wrapping_sub(1)) {
            Some(l) if l.number() == line => line - 1,
            _ => lines
                .binary_search_by_key(&line, |l| l.number())
                .unwrap_or(line.saturating_sub(1)),
        };
        self.flush(Some(index), out)?;
        if self.touched.binary_search(&index).is_err() {
            out.push_back(Item::Own(own));
            return Ok(());
        }
        let op = self.ops.iter().find(|op| match op {
            Op::ReplaceOption { line, .. } | Op::CommentOut { line, .. } => *line == index,
            _ => false,
        });
        match op {
            Some(Op::CommentOut { .. }) => {}
            Some(Op::ReplaceOption { name, .. }) => {
                if !self.replaced.contains(&index) {
                    self.replaced.push(index);
                    out.push_back(Item::Own(Own::planned(Record {
                        group: groups.get(own.group as usize).cloned().unwrap_or_default(),
                        name: name.clone().into_bytes(),
                        value: Some(self.value(name)?),
                    })));
                }
            }
            _ => out.push_back(Item::Own(own)),
        }
        Ok(())
    }

    /// The end of the old reading: the remaining insertions, then the appended blocks.
    fn finish(&mut self, out: &mut VecDeque<Item>) -> Result<(), Mismatch> {
        let fatal = matches!(out.back(), Some(Item::Fatal));
        let fatal = if fatal { out.pop_back() } else { None };
        self.flush(None, out)?;
        for op in self.ops {
            if let Op::AppendGroup { group, options } = op {
                for (name, _) in options {
                    out.push_back(Item::Own(Own::planned(Record {
                        group: group.clone().into_bytes(),
                        name: name.clone().into_bytes(),
                        value: Some(self.value(name)?),
                    })));
                }
            }
        }
        out.extend(fatal);
        Ok(())
    }
}

fn same(expected: &Item, got: &Item, sides: &Sides<'_>) -> bool {
    match (expected, got) {
        (Item::Own(e), Item::Own(g)) => sides.same(e, g),
        _ => expected == got,
    }
}

/// Compares the two streams, options of the file itself apart from everything else (an
/// insertion may move relative to included files' options without changing what wins).
fn compare(
    old: Receiver<Vec<Item>>,
    new: Receiver<Vec<Item>>,
    sides: &mut Sides<'_>,
    mut plan: impl FnMut(Option<Item>, &[Vec<u8>], &mut VecDeque<Item>) -> Result<(), Mismatch>,
) -> Result<(), Mismatch> {
    let own = |i: &Item| matches!(i, Item::Own(_));
    // Each side keeps its options of the file and its other items (included files, messages)
    // in queues of their own: the first of each kind is at the front, whatever the other kind
    // has piled up (a scan for it would make a long run of one kind quadratic).
    let mut staged = VecDeque::new();
    let (mut want, mut got) = (
        [VecDeque::new(), VecDeque::new()],
        [VecDeque::new(), VecDeque::new()],
    );
    let (mut old_done, mut new_done) = (false, false);
    let mut old = old.into_iter().flatten();
    let mut new = new.into_iter().flatten();
    loop {
        if !old_done {
            match old.next() {
                Some(Item::Group(g)) => sides.old_groups.push(g),
                Some(item) => plan(Some(item), &sides.old_groups, &mut staged)?,
                None => {
                    plan(None, &sides.old_groups, &mut staged)?;
                    old_done = true;
                }
            }
            for item in staged.drain(..) {
                want[usize::from(own(&item))].push_back(item);
            }
        }
        if !new_done {
            match new.next() {
                Some(Item::Group(g)) => sides.new_groups.push(g),
                Some(item) => got[usize::from(own(&item))].push_back(item),
                None => new_done = true,
            }
        }
        let sides = &*sides;
        // Compare the first item of each kind on both sides while both have one.
        for kind in [1, 0] {
            while !want[kind].is_empty() && !got[kind].is_empty() {
                let (wi, gi) = (
                    want[kind].pop_front().unwrap(),
                    got[kind].pop_front().unwrap(),
                );
                if !same(&wi, &gi, sides) {
                    return Err(Mismatch {
                        what: describe(Some(&wi), Some(&gi), sides),
                    });
                }
            }
        }
        if old_done && new_done {
            let w = want[1].front().or(want[0].front());
            let g = got[1].front().or(got[0].front());
            return match (w, g) {
                (None, None) => Ok(()),
                (w, g) => Err(Mismatch {
                    what: describe(w, g, sides),
                }),
            };
        }
    }
}

/// Runs both readings on threads and compares them.
fn run(
    path: &Path,
    old: &[u8],
    new: &[u8],
    groups: &GroupSet,
    home: Option<&Path>,
    plan: impl FnMut(Option<Item>, &[Vec<u8>], &mut VecDeque<Item>) -> Result<(), Mismatch>,
) -> Result<(), Mismatch> {
    let mut sides = Sides {
        old: Reading {
            path,
            bytes: old,
            groups,
            home,
        },
        new: Reading {
            path,
            bytes: new,
            groups,
            home,
        },
        old_groups: Vec::new(),
        new_groups: Vec::new(),
    };
    std::thread::scope(|s| {
        let (old_tx, old_rx) = sync_channel(4);
        let (new_tx, new_rx) = sync_channel(4);
        let (old, new) = (sides.old, sides.new);
        s.spawn(move || old.send(old_tx));
        s.spawn(move || new.send(new_tx));
        compare(old_rx, new_rx, &mut sides, plan)
        // Dropping the receivers ends the readers' sends; the scope waits for them.
    })
}

/// Checks an edit of `doc` (the content of `path`): `new` must read back as `doc` with `ops`
/// applied, each written option holding the decoded value `values` gives for its name.
pub fn edit(
    path: &Path,
    doc: &Document,
    ops: &[Op],
    values: &[(&str, &[u8])],
    new: &[u8],
    home: Option<&Path>,
) -> Result<(), Mismatch> {
    let mut names = Vec::new();
    for line in doc.lines().iter().filter(|l| l.kind == LineKind::Group) {
        if let Some(n) = doc.group_name(line)
            && !names.iter().any(|g: &Vec<u8>| g == n)
        {
            names.push(n.to_vec());
        }
    }
    headers(new, &mut names);
    let groups = GroupSet::new(bounded(names, values_groups(ops)), None);
    let mut planned = Planned::new(doc, ops, values);
    run(
        path,
        doc.bytes(),
        new,
        &groups,
        home,
        |item, groups, out| match item {
            Some(item) => planned.take(item, groups, out),
            None => planned.finish(out),
        },
    )
}

/// Checks a new file: `new` must read back as exactly `records`, in order, with no message.
pub fn new_file(path: &Path, records: &[Record], new: &[u8]) -> Result<(), Mismatch> {
    let mut names = Vec::new();
    headers(new, &mut names);
    for r in records {
        if !names.contains(&r.group) {
            names.push(r.group.clone());
        }
    }
    let groups = GroupSet::new(&names, None);
    let mut queued = false;
    run(path, b"", new, &groups, None, |item, _, out| {
        if item.is_none() && !queued {
            queued = true;
            out.extend(records.iter().map(|r| Item::Own(Own::planned(r.clone()))));
        }
        out.extend(item);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optfile::edit::apply;

    const PATH: &str = "/nonexistent/mycnf-secure-verify-test.cnf";

    fn check(old: &str, ops: &[Op], values: &[(&str, &[u8])]) -> Result<(), Mismatch> {
        let doc = Document::parse(old.as_bytes().to_vec());
        let new = apply(&doc, ops).to_bytes(&doc);
        edit(Path::new(PATH), &doc, ops, values, &new, None)
    }

    fn insert(line: usize, name: &str, encoded: &[u8]) -> Op {
        Op::InsertAfter {
            line,
            options: vec![(name.into(), encoded.to_vec())],
        }
    }

    const OLD: &str = "[client]\nuser=a\nssl-mode=DISABLED\n[mysql]\nskip-ssl\n";

    #[test]
    fn a_faithful_edit_passes() {
        let ops = [
            Op::ReplaceOption {
                line: 2,
                name: "ssl-mode".into(),
                value: b"VERIFY_CA".to_vec(),
            },
            insert(1, "ssl-ca", b"\"/my certs/ca#1.pem\""),
            Op::CommentOut {
                line: 4,
                reason: "r".into(),
            },
            Op::AppendGroup {
                group: "client-mariadb".into(),
                options: vec![("ssl-verify-server-cert".into(), b"1".to_vec())],
            },
        ];
        let values: &[(&str, &[u8])] = &[
            ("ssl-mode", b"VERIFY_CA"),
            ("ssl-ca", b"/my certs/ca#1.pem"),
            ("ssl-verify-server-cert", b"1"),
        ];
        check(OLD, &ops, values).unwrap();
    }

    #[test]
    fn a_value_encoded_wrongly_is_refused() {
        // A planted encoder bug: the `#` starts a comment, the value reads back cut short.
        let e = check(
            OLD,
            &[insert(1, "ssl-ca", b"/my certs/ca#1.pem")],
            &[("ssl-ca", b"/my certs/ca#1.pem")],
        )
        .unwrap_err();
        assert!(
            e.what
                .contains("[client] ssl-ca=… reads back with another value than planned"),
            "{e}"
        );
        assert!(e.what.contains("MySQL CLI"), "names the families: {e}");
    }

    #[test]
    fn an_injected_line_break_and_group_header_are_refused() {
        // A planted bug: the value goes out raw, with a line break and a server group.
        let raw = b"x\n[mysqld]\nbind-address=0.0.0.0";
        let e = check(OLD, &[insert(1, "password", raw)], &[("password", raw)]).unwrap_err();
        assert!(e.what.contains("another value than planned"), "{e}");
        assert!(
            !e.to_string().contains("0.0.0.0"),
            "no value in the message: {e}"
        );
    }

    #[test]
    fn a_line_the_plan_does_not_touch_but_the_edit_drops_is_refused() {
        // A planted edit bug: the ops comment out a line, the values say nothing changed there.
        let doc = Document::parse(OLD.as_bytes().to_vec());
        let wrong = apply(
            &doc,
            &[Op::CommentOut {
                line: 1,
                reason: "r".into(),
            }],
        )
        .to_bytes(&doc);
        let e = edit(Path::new(PATH), &doc, &[], &[], &wrong, None).unwrap_err();
        assert!(
            e.what.contains("[client] user=… was planned")
                || e.what.contains("was planned but is not read"),
            "{e}"
        );
    }

    #[test]
    fn a_file_with_very_many_groups_is_still_checked() {
        let mut old = String::new();
        for i in 0..1500 {
            old.push_str(&format!("[app{i}]\nx=1\n"));
        }
        old.push_str("[client]\nuser=a\n");
        let last = old.lines().count() - 1;
        let values: &[(&str, &[u8])] = &[("ssl-ca", b"/a b#.pem")];
        check(&old, &[insert(last, "ssl-ca", b"\"/a b#.pem\"")], values).unwrap();
        let e = check(&old, &[insert(last, "ssl-ca", b"/a b#.pem")], values).unwrap_err();
        assert!(e.what.contains("another value than planned"), "{e}");
    }

    #[test]
    fn an_edit_no_setting_explains_is_refused() {
        let e = check(OLD, &[insert(1, "host", b"evil")], &[]).unwrap_err();
        assert!(e.what.contains("no planned setting explains"), "{e}");
    }

    #[test]
    fn a_new_file_reads_back_as_exactly_its_records() {
        let records = [
            Record::new(b"client", b"user", Some(b"a")),
            Record::new(b"mysql", b"database", Some(b"d b")),
        ];
        let good = b"# c\n[client]\nuser = a\n\n[mysql]\ndatabase = \"d b\"\n";
        new_file(Path::new(PATH), &records, good).unwrap();
        let extra = b"[client]\nuser = a\nhost = h\n[mysql]\ndatabase = \"d b\"\n";
        let e = new_file(Path::new(PATH), &records, extra).unwrap_err();
        assert!(e.what.contains("[client] host=…"), "{e}");
        let broken = b"[client]\nuser = a\n[mysql\ndatabase = \"d b\"\n";
        assert!(new_file(Path::new(PATH), &records, broken).is_err());
    }

    #[test]
    fn a_difference_is_named_by_line_group_and_option_never_by_value() {
        let doc = Document::parse(b"[client]\nuser=a\npassword=old-s3cret\n".to_vec());
        let new = b"[client]\nuser=a\npassword=new-s3cret\n";
        let e = edit(Path::new(PATH), &doc, &[], &[], new, None).unwrap_err();
        assert!(
            e.what
                .contains("line 3: [client] password=… reads back with another value than planned"),
            "{e}"
        );
        let shown = e.to_string();
        assert!(!shown.contains("s3cret"), "no value in the message: {e}");
    }

    #[test]
    fn a_line_written_differently_that_reads_the_same_passes() {
        // Compared by what the reader takes from the line, not by its bytes: blanks around
        // `=`, quotes, a comment, a line ending added to a last line without one.
        let doc = Document::parse(b"[client]\nuser=a\nhost = h # c\n[mysql]\ndatabase=d".to_vec());
        let new = b"[client]\nuser = a\nhost=\"h\"\n[mysql]\ndatabase=d\n";
        edit(Path::new(PATH), &doc, &[], &[], new, None).unwrap();
        let changed = b"[client]\nuser = a\nhost=\"h \"\n[mysql]\ndatabase=d\n";
        let e = edit(Path::new(PATH), &doc, &[], &[], changed, None).unwrap_err();
        assert!(e.what.contains("line 3: [client] host=…"), "{e}");
    }

    #[test]
    fn an_option_moved_to_another_group_is_refused() {
        let doc = Document::parse(b"[client]\nuser=a\n[mysql]\nhost=h\n".to_vec());
        let new = b"[client]\nuser=a\nhost=h\n[mysql]\n";
        let e = edit(Path::new(PATH), &doc, &[], &[], new, None).unwrap_err();
        assert!(e.what.contains("[client] host"), "{e}");
        // Groups met again (numbered once): the order of the groups still counts.
        let doc = Document::parse(b"[a]\nx=1\n[b]\nx=1\n[a]\ny=2\n[b]\ny=2\n".to_vec());
        edit(Path::new(PATH), &doc, &[], &[], doc.bytes(), None).unwrap();
        let new = b"[a]\nx=1\n[b]\nx=1\n[b]\ny=2\n[a]\ny=2\n";
        let e = edit(Path::new(PATH), &doc, &[], &[], new, None).unwrap_err();
        assert!(
            e.what
                .contains("line 6: [a] y=… was planned, [b] y=… is read"),
            "{e}"
        );
    }

    #[test]
    fn a_line_is_decoded_as_the_reader_decodes_it() {
        /// Name, value and reader line of each option.
        type Seen = (Vec<u8>, Option<Vec<u8>>, Vec<u8>);
        struct Collect(Vec<Seen>);
        impl Visitor for Collect {
            fn option(&mut self, r: &OptionRecord<'_>) {
                self.0
                    .push((r.name.to_vec(), r.value.map(<[u8]>::to_vec), r.raw.to_vec()));
            }
            fn notice(&mut self, _: Notice) {}
        }
        let mut text = b"[client]\n".to_vec();
        for line in [
            &b"plain=v"[..],
            b"  spaced  =  v w  ",
            b"quoted = \"a # b\" # comment",
            b"single='it''s'",
            b"escapes=a\\tb\\\\c\\sd\\\"e\\",
            b"inline=x#y",
            b"noval",
            b"empty=",
            b"crlf=v\r",
            b"nul=ab\0cd",
            b"nul-name\0=x",
            b"\"q\" = \"unclosed",
        ] {
            text.extend_from_slice(line);
            text.push(b'\n');
        }
        let groups = GroupSet::new(["client"], None);
        let (seen, _) = Reading {
            path: Path::new(PATH),
            bytes: &text,
            groups: &groups,
            home: None,
        }
        .read(Collect(Vec::new()));
        assert_eq!(seen.0.len(), 12);
        for (name, value, raw) in &seen.0 {
            assert_eq!(
                option_of(raw),
                Some((&name[..], value.clone())),
                "{}",
                String::from_utf8_lossy(raw)
            );
        }
    }
}
