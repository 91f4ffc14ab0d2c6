//! The lossless document: an option file as a list of physical lines that keep their raw bytes.
//! `Document::parse(bytes).to_bytes() == bytes` for every input.

use std::ops::Range;

use super::lex::{self, Entry, MAX_READER_LINE};
use super::value::decode_value;

/// How a physical line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
    /// The last line of a file that does not end with a line feed.
    None,
}

impl LineEnding {
    pub fn as_bytes(self) -> &'static [u8] {
        match self {
            LineEnding::Lf => b"\n",
            LineEnding::CrLf => b"\r\n",
            LineEnding::None => b"",
        }
    }
}

/// Why the reader rejects (or misreads) a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// `[` without `]`: fatal.
    MissingBracket,
    /// An option (or a BOM) before the file's first group header: fatal.
    OptionBeforeGroup,
    /// `!include`/`!includedir` with nothing after it: fatal.
    DirectiveWithoutArgument,
    /// `=value` with no name: the reader's behaviour is undefined.
    EmptyName,
}

impl Invalid {
    pub fn is_fatal(self) -> bool {
        !matches!(self, Invalid::EmptyName)
    }

    pub fn describe(self) -> &'static str {
        match self {
            Invalid::MissingBracket => "group header without a closing `]`",
            Invalid::OptionBeforeGroup => "option before the first group header",
            Invalid::DirectiveWithoutArgument => "directive without an argument",
            Invalid::EmptyName => "option with an empty name",
        }
    }
}

/// The kind of a physical line, as the reader sees its first reader line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Blank,
    Comment,
    Group,
    Option,
    Directive,
    Invalid(Invalid),
}

/// One physical line: its bytes are `doc.bytes()[line.span()]`, line ending included. Kept
/// small (32 bytes), since a document holds one per line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    start: u64,
    len: u32,
    number: u32,
    reader_number: u32,
    /// Index of the group header line this line falls under; [`NO_GROUP`] for none.
    group: u32,
    /// The option's or group's name: bytes `name.0..name.1` of the line (in its first reader
    /// line, so under 4094).
    name: (u16, u16),
    pub kind: LineKind,
    pub ending: LineEnding,
    /// More than [`MAX_READER_LINE`] bytes: the reader cuts it into several lines.
    pub too_long: bool,
}

const NO_GROUP: u32 = u32::MAX;

impl Line {
    /// A placeholder, overwritten when the document is parsed.
    const EMPTY: Line = Line {
        start: 0,
        len: 0,
        number: 0,
        reader_number: 0,
        group: NO_GROUP,
        name: (0, 0),
        kind: LineKind::Blank,
        ending: LineEnding::None,
        too_long: false,
    };

    /// 1-based physical line number.
    pub fn number(&self) -> usize {
        self.number as usize
    }

    /// Where the line's bytes are in the document, line ending included.
    pub fn span(&self) -> Range<usize> {
        let start = self.start as usize;
        start..start + self.len as usize
    }

    /// Index of the group header line that this line falls under, if any (a header falls
    /// under itself).
    pub fn group(&self) -> Option<usize> {
        (self.group != NO_GROUP).then_some(self.group as usize)
    }

    /// The reader's number for this line (it counts each cut piece of a long line).
    pub fn reader_number(&self) -> usize {
        self.reader_number as usize
    }
}

/// A parsed option file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    bytes: Vec<u8>,
    lines: Vec<Line>,
    stats: Stats,
}

/// Counts that describe how the file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    pub lf: usize,
    pub crlf: usize,
    /// Option lines with a blank between name and `=`, and without.
    pub spaced: usize,
    pub tight: usize,
}

/// One physical line as the streaming parser sees it.
#[derive(Debug, Clone)]
pub struct Parsed<'a> {
    /// 1-based physical line number.
    pub number: usize,
    pub span: Range<usize>,
    /// The line's bytes, line ending included.
    pub raw: &'a [u8],
    pub ending: LineEnding,
    pub kind: LineKind,
    /// The reader's view of the line's first reader line (spans relative to the line).
    pub entry: Entry,
    /// Index of the group header line this line falls under (a header falls under itself).
    pub group: Option<usize>,
    pub too_long: bool,
    /// The reader's number for this line; the line covers `pieces` reader lines from here.
    pub reader_number: usize,
    pub pieces: usize,
}

/// The physical lines of `bytes`, classified as the reader classifies them, one at a time:
/// what [`Document::parse`] keeps, for callers that need each line once.
pub fn parse_lines(bytes: &[u8]) -> impl Iterator<Item = Parsed<'_>> {
    let mut start = 0;
    let mut number = 0;
    let mut reader_number = 0;
    let mut group: Option<usize> = None;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let (end, ending) = match memchr::memchr(b'\n', &bytes[start..]) {
            Some(i) => {
                let lf = start + i;
                let crlf = lf > start && bytes[lf - 1] == b'\r';
                (
                    lf + 1,
                    if crlf {
                        LineEnding::CrLf
                    } else {
                        LineEnding::Lf
                    },
                )
            }
            None => (bytes.len(), LineEnding::None),
        };
        let raw = &bytes[start..end];
        // A line that fits is one reader line: no need to look for its end again.
        let first = if raw.len() <= MAX_READER_LINE {
            raw
        } else {
            &raw[..lex::reader_line_len(raw)]
        };
        let entry = lex::classify(first);
        let index = number;
        number += 1;
        if matches!(entry, Entry::Group { .. }) {
            group = Some(index);
        }
        let kind = line_kind(&entry, raw, first.len(), group.is_some());
        reader_number += 1;
        let this_reader_number = reader_number;
        let pieces = 1 + reader_pieces(&raw[first.len()..]).count();
        reader_number += pieces - 1;
        let line = Parsed {
            number,
            span: start..end,
            raw,
            ending,
            kind,
            entry,
            group,
            too_long: end - start - ending.as_bytes().len() > MAX_READER_LINE,
            reader_number: this_reader_number,
            pieces,
        };
        start = end;
        Some(line)
    })
}

/// How the reader sees a line whose first reader line is `entry`: the kind of that first line,
/// unless a later piece of a line cut after 4094 bytes is one every client refuses (an option
/// before any group, a broken header, a directive without a path). `in_group`: a group header
/// comes before this line or opens it.
fn line_kind(entry: &Entry, raw: &[u8], first_len: usize, in_group: bool) -> LineKind {
    let kind = match entry {
        Entry::Blank => LineKind::Blank,
        Entry::Comment => LineKind::Comment,
        Entry::Group { .. } => LineKind::Group,
        Entry::BadGroup => LineKind::Invalid(Invalid::MissingBracket),
        Entry::Directive(d) => match &d.kind {
            lex::DirectiveKind::Include(Err(())) | lex::DirectiveKind::IncludeDir(Err(())) => {
                LineKind::Invalid(Invalid::DirectiveWithoutArgument)
            }
            _ => LineKind::Directive,
        },
        Entry::Option(o) => {
            if !in_group {
                LineKind::Invalid(Invalid::OptionBeforeGroup)
            } else if o.name.is_empty() {
                LineKind::Invalid(Invalid::EmptyName)
            } else {
                LineKind::Option
            }
        }
    };
    if matches!(kind, LineKind::Invalid(_)) || raw.len() == first_len {
        return kind;
    }
    let mut in_group = in_group;
    for piece in reader_pieces(&raw[first_len..]) {
        match lex::classify(piece) {
            Entry::Group { .. } => in_group = true,
            Entry::BadGroup => return LineKind::Invalid(Invalid::MissingBracket),
            Entry::Option(_) if !in_group => {
                return LineKind::Invalid(Invalid::OptionBeforeGroup);
            }
            Entry::Directive(d)
                if matches!(
                    d.kind,
                    lex::DirectiveKind::Include(Err(())) | lex::DirectiveKind::IncludeDir(Err(()))
                ) =>
            {
                return LineKind::Invalid(Invalid::DirectiveWithoutArgument);
            }
            _ => {}
        }
    }
    kind
}

/// The reader lines of `rest`, the part of a physical line after its first reader line.
fn reader_pieces(mut rest: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (piece, tail) = rest.split_at(lex::reader_line_len(rest));
        rest = tail;
        Some(piece)
    })
}

/// Files at least this large are parsed in two halves at once.
const PARALLEL_FROM: usize = 4 << 20;

impl Stats {
    fn add(self, o: Stats) -> Stats {
        Stats {
            lf: self.lf + o.lf,
            crlf: self.crlf + o.crlf,
            spaced: self.spaced + o.spaced,
            tight: self.tight + o.tight,
        }
    }
}

/// How many lines `bytes` has.
fn line_count(bytes: &[u8]) -> usize {
    let n = memchr::memchr_iter(b'\n', bytes).count();
    if bytes.last().is_some_and(|&b| b != b'\n') {
        n + 1
    } else {
        n
    }
}

/// Fills `lines` (exactly as many as `bytes` has) with the compact lines of `bytes`, which
/// start at offset `base` of the file.
fn fill(bytes: &[u8], base: usize, lines: &mut [Line]) -> Stats {
    let mut stats = Stats::default();
    for (slot, p) in lines.iter_mut().zip(parse_lines(bytes)) {
        let span16 = |r: &std::ops::Range<usize>| (r.start as u16, r.end as u16);
        let name = match &p.entry {
            Entry::Group { name } => span16(name),
            Entry::Option(o) => {
                if let Some(v) = &o.value {
                    let between = &p.raw[o.name.end..v.raw.start];
                    if between.first().is_some_and(|&b| b == b' ' || b == b'\t') {
                        stats.spaced += 1;
                    } else {
                        stats.tight += 1;
                    }
                }
                span16(&o.name)
            }
            _ => (0, 0),
        };
        match p.ending {
            LineEnding::Lf => stats.lf += 1,
            LineEnding::CrLf => stats.crlf += 1,
            LineEnding::None => {}
        }
        let small = |n: usize| u32::try_from(n).expect("fewer than 4 billion lines");
        *slot = Line {
            start: (base + p.span.start) as u64,
            len: u32::try_from(p.span.len()).expect("a line under 4 GiB"),
            number: small(p.number),
            reader_number: small(p.reader_number),
            group: p.group.map_or(NO_GROUP, small),
            name,
            kind: p.kind,
            ending: p.ending,
            too_long: p.too_long,
        };
    }
    stats
}

/// Tells the lines of a second half, parsed on their own, what came before them: numbers and
/// group indexes move on, and lines before the second half's first header fall under the
/// first half's last one (an option there is no longer one before any group).
fn join(bytes: &[u8], first: &[Line], second: &mut [Line]) {
    let lines = first.len() as u32;
    let (numbers, readers) = first
        .last()
        .map_or((0, 0), |l| (l.number, l.reader_number + pieces(l) - 1));
    let inherited = first.last().map_or(NO_GROUP, |l| l.group);
    for l in second {
        l.number += numbers;
        l.reader_number += readers;
        if l.group == NO_GROUP {
            l.group = inherited;
            if inherited != NO_GROUP && l.too_long {
                // Its kind may come from a later piece: classify it again, inside a group.
                let raw = &bytes[l.start as usize..l.start as usize + l.len as usize];
                let first = lex::reader_line_len(raw);
                l.kind = line_kind(&lex::classify(&raw[..first]), raw, first, true);
            } else if inherited != NO_GROUP
                && l.kind == LineKind::Invalid(Invalid::OptionBeforeGroup)
            {
                l.kind = if l.name.0 == l.name.1 {
                    LineKind::Invalid(Invalid::EmptyName)
                } else {
                    LineKind::Option
                };
            }
        } else {
            l.group += lines;
        }
    }
}

/// How many reader lines a line is (more than one after 4094 bytes).
fn pieces(l: &Line) -> u32 {
    if l.too_long {
        let mut n = 0;
        let mut rest = l.len as usize;
        // The reader cuts at 4094 bytes, and at the line feed.
        while rest > 0 {
            rest -= rest.min(MAX_READER_LINE);
            n += 1;
        }
        n
    } else {
        1
    }
}

impl Document {
    /// Parses any bytes. Never fails: lines the reader would reject are kept and marked invalid.
    pub fn parse(bytes: Vec<u8>) -> Document {
        // A large file is parsed in two halves at once (the second half's lines are then told
        // what came before them); the result is the same as one pass.
        let split = (bytes.len() >= PARALLEL_FROM)
            .then(|| memchr::memchr(b'\n', &bytes[bytes.len() / 2..]))
            .flatten()
            .map(|i| bytes.len() / 2 + i + 1);
        Document::parse_split(bytes, split)
    }

    /// [`Document::parse`], with the second half (when there is one) starting at `split`, just
    /// after a line feed.
    fn parse_split(bytes: Vec<u8>, split: Option<usize>) -> Document {
        let (lines, stats) = match split {
            None => {
                let mut lines = vec![Line::EMPTY; line_count(&bytes)];
                let stats = fill(&bytes, 0, &mut lines);
                (lines, stats)
            }
            Some(mid) => {
                // One allocation for all lines; each half fills its own part.
                let n = line_count(&bytes[..mid]);
                let mut lines = vec![Line::EMPTY; n + line_count(&bytes[mid..])];
                let (first, second) = lines.split_at_mut(n);
                let (a, b) = std::thread::scope(|scope| {
                    let b = scope.spawn(|| fill(&bytes[mid..], mid, second));
                    let a = fill(&bytes[..mid], 0, first);
                    (a, b.join().expect("parsing does not panic"))
                });
                let (first, second) = lines.split_at_mut(n);
                join(&bytes, first, second);
                (lines, a.add(b))
            }
        };
        Document {
            bytes,
            lines,
            stats,
        }
    }

    /// How the file is written: line endings, spacing around `=`.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The file as bytes: exactly the input of [`Document::parse`].
    pub fn to_bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }

    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// The raw bytes of a line, line ending included.
    pub fn raw(&self, line: &Line) -> &[u8] {
        &self.bytes[line.span()]
    }

    /// The reader's view of the line's first reader line (spans relative to the line's
    /// start).
    pub fn entry(&self, line: &Line) -> Entry {
        let raw = self.raw(line);
        lex::classify(&raw[..lex::reader_line_len(raw)])
    }

    fn name(&self, line: &Line) -> &[u8] {
        let start = line.span().start;
        &self.bytes[start + line.name.0 as usize..start + line.name.1 as usize]
    }

    /// The name of the group a header line opens (bytes as written, trailing blanks removed).
    pub fn group_name(&self, line: &Line) -> Option<&[u8]> {
        (line.kind == LineKind::Group).then(|| self.name(line))
    }

    /// The name of an option line, as written (also for an option before any group).
    pub fn option_name(&self, line: &Line) -> Option<&[u8]> {
        match line.kind {
            LineKind::Option
            | LineKind::Invalid(Invalid::OptionBeforeGroup | Invalid::EmptyName) => {
                Some(self.name(line))
            }
            _ => None,
        }
    }

    /// The decoded value of an option line (`None` for an option without `=`).
    pub fn option_value(&self, line: &Line) -> Option<Vec<u8>> {
        match &self.entry(line) {
            Entry::Option(o) => o
                .value
                .as_ref()
                .map(|v| decode_value(&self.raw(line)[v.inner.clone()])),
            _ => None,
        }
    }

    /// The line ending most lines use (LF for a file with no line ending at all).
    pub fn dominant_ending(&self) -> LineEnding {
        if self.stats.crlf > self.stats.lf {
            LineEnding::CrLf
        } else {
            LineEnding::Lf
        }
    }

    /// The physical line number of the reader's line `n` (the two differ after a line longer
    /// than 4094 bytes).
    pub fn physical_line(&self, reader_line: usize) -> usize {
        match self
            .lines
            .binary_search_by_key(&reader_line, |l| l.reader_number())
        {
            Ok(i) => self.lines[i].number(),
            Err(0) => reader_line,
            Err(i) => self.lines[i - 1].number(),
        }
    }

    /// Starts with a UTF-8 byte-order mark (which the reader takes for an option: fatal).
    pub fn has_bom(&self) -> bool {
        self.bytes.starts_with(b"\xEF\xBB\xBF")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_then_print_is_the_identity_on_tricky_input() {
        let input =
            b"\xEF\xBB\xBF[client]\r\nuser=a # c\r\n\xe9t\xe9=1\n[x\n!include /a.cnf".to_vec();
        assert_eq!(Document::parse(input.clone()).to_bytes(), input);
    }

    #[test]
    fn lines_know_their_group_and_ending() {
        let doc = Document::parse(b"# top\n[client]\r\nuser=a\n".to_vec());
        let l = doc.lines();
        assert_eq!(l[0].group(), None);
        assert_eq!(l[1].kind, LineKind::Group);
        assert_eq!(l[1].ending, LineEnding::CrLf);
        assert_eq!(l[2].group(), Some(1));
        assert_eq!(doc.group_name(&l[1]).unwrap(), b"client");
        assert_eq!(doc.option_value(&l[2]).unwrap(), b"a");
    }

    #[test]
    fn reader_line_numbers_count_the_pieces_of_long_lines() {
        let mut input = b"[client]\nk=".to_vec();
        input.extend(std::iter::repeat_n(b'x', 5000));
        input.extend_from_slice(b"\nuser=a\n");
        let doc = Document::parse(input);
        assert_eq!(doc.lines()[2].reader_number(), 4);
        assert_eq!(doc.physical_line(4), 3);
        assert_eq!(doc.physical_line(3), 2, "the second piece of line 2");
    }

    #[test]
    fn parsing_in_two_halves_gives_the_same_document() {
        let mut long = b"[client]\nk=".to_vec();
        long.extend(std::iter::repeat_n(b'x', 9000));
        long.extend_from_slice(b"\n");
        let inputs: Vec<Vec<u8>> = vec![
            b"a=1\n=2\n[client]\nuser=a\n=x\n\n# c\n[mysql]\r\nhost=h\r\n!include /x\nlast"
                .to_vec(),
            b"\n\n\nx=1\n[g\n[h]\n=\ny\n".to_vec(),
            [
                long.clone(),
                b"a=1\n".to_vec(),
                long.clone(),
                b"[z]\nq=1\n".to_vec(),
            ]
            .concat(),
            // A long comment whose cut-off rest is an option: fatal only before any group.
            [comment(9000), b"[client]\n".to_vec(), comment(9000), long].concat(),
        ];
        for input in inputs {
            let whole = Document::parse_split(input.clone(), None);
            for (i, _) in input.iter().enumerate().filter(|(_, b)| **b == b'\n') {
                if i + 1 >= input.len() {
                    continue;
                }
                let halves = Document::parse_split(input.clone(), Some(i + 1));
                assert_eq!(
                    halves,
                    whole,
                    "split after byte {i} of {:?}",
                    String::from_utf8_lossy(&input)
                );
            }
        }
    }

    /// A comment line of `len` bytes.
    fn comment(len: usize) -> Vec<u8> {
        let mut c = b"#".to_vec();
        c.extend(std::iter::repeat_n(b'x', len - 1));
        c.push(b'\n');
        c
    }

    #[test]
    fn the_cut_off_rest_of_a_long_line_is_classified_as_the_reader_reads_it() {
        let kinds = |bytes: Vec<u8>| -> Vec<LineKind> {
            let doc = Document::parse(bytes);
            doc.lines().iter().map(|l| l.kind).collect()
        };
        // Before any group, the rest of a long comment is an option every client refuses.
        assert_eq!(
            kinds([comment(5000), b"[client]\n".to_vec()].concat())[0],
            LineKind::Invalid(Invalid::OptionBeforeGroup)
        );
        // Inside a group it is an option (reported as MC105), not a fatal line.
        assert_eq!(
            kinds([b"[client]\n".to_vec(), comment(5000)].concat())[1],
            LineKind::Comment
        );
        // A rest that opens a group makes the next rest an option inside it.
        let mut opens = b"#".to_vec();
        opens.extend(std::iter::repeat_n(b' ', 4093));
        opens.extend_from_slice(b"[client]");
        opens.extend(std::iter::repeat_n(b' ', 4094 - 8));
        opens.extend_from_slice(b"user=x\n");
        assert_eq!(kinds(opens)[0], LineKind::Comment);
        // A rest that is a broken header is refused wherever it is.
        let mut broken = b"[client]\n#".to_vec();
        broken.extend(std::iter::repeat_n(b'x', 4093));
        broken.extend_from_slice(b"[mysql\n");
        assert_eq!(kinds(broken)[1], LineKind::Invalid(Invalid::MissingBracket));
    }

    #[test]
    fn a_line_takes_32_bytes() {
        assert_eq!(std::mem::size_of::<Line>(), 32);
    }

    #[test]
    fn names_are_found_without_reclassifying() {
        let doc = Document::parse(b"[ client ]\n  ssl_ca = /a # c\n=x\n".to_vec());
        let l = doc.lines();
        assert_eq!(doc.group_name(&l[0]).unwrap(), b" client");
        assert_eq!(doc.option_name(&l[1]).unwrap(), b"ssl_ca");
        assert_eq!(doc.option_name(&l[2]).unwrap(), b"");
        assert_eq!(doc.option_value(&l[1]).unwrap(), b"/a");
    }

    #[test]
    fn a_bom_makes_the_first_line_an_option_before_any_group() {
        let doc = Document::parse(b"\xEF\xBB\xBF[client]\n".to_vec());
        assert!(doc.has_bom());
        assert_eq!(
            doc.lines()[0].kind,
            LineKind::Invalid(Invalid::OptionBeforeGroup)
        );
    }
}
