//! Byte-level rules of the option-file reader: what counts as white space, how the input is cut
//! into reader lines, and how one reader line is classified.
//!
//! Everything here works on bytes: option files may hold Latin-1 or other non-UTF-8 text, and the
//! real reader never decodes them.

use std::ops::Range;

/// The longest line the reader takes in one piece (`fgets` with a 4095-byte buffer). A longer
/// physical line is read as several reader lines.
pub const MAX_READER_LINE: usize = 4094;

/// White space as the reader sees it: Latin-1 `isspace`, which includes NBSP (0xA0).
#[inline]
pub fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0xa0)
}

/// Whether bytes look like a binary file rather than an option file: in the first 64 KiB, a NUL
/// byte and at least 4 control bytes (other than tab, line feed, carriage return, form feed and
/// vertical tab), or one in 32 if that is more. A text file with a stray NUL is not binary.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    if memchr::memchr(0, sample).is_none() {
        return false;
    }
    let controls = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)) || b == 0x7f)
        .count();
    controls >= (sample.len() / 32).max(4)
}

/// Splits bytes into reader lines exactly as the reader's `fgets` does: each piece ends after a
/// line feed or after [`MAX_READER_LINE`] bytes, whichever comes first.
#[derive(Debug, Clone)]
pub struct ReaderLines<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> ReaderLines<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        ReaderLines { bytes, pos: 0 }
    }
}

impl<'a> Iterator for ReaderLines<'a> {
    /// (offset of the piece in the input, the piece with its line feed if it has one)
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let start = self.pos;
        let len = reader_line_len(&self.bytes[start..]);
        self.pos += len;
        Some((start, &self.bytes[start..start + len]))
    }
}

/// Length of the reader line at the start of `rest` (which must not be empty).
#[inline]
pub fn reader_line_len(rest: &[u8]) -> usize {
    let window = &rest[..rest.len().min(MAX_READER_LINE)];
    match memchr::memchr(b'\n', window) {
        Some(i) => i + 1,
        None => window.len(),
    }
}

/// What the reader makes of one reader line. Spans are relative to the start of the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Nothing but white space (or a NUL byte before anything else).
    Blank,
    /// `#` or `;` as the first non-blank byte.
    Comment,
    /// `[name]`; the span is the name with trailing white space removed (leading kept).
    Group { name: Range<usize> },
    /// `[` with no `]` on the line: fatal for the reader.
    BadGroup,
    /// A line starting with `!`.
    Directive(Directive),
    /// Anything else: an option line (only meaningful inside a group).
    Option(OptionLine),
}

/// A `!` line. `text` is the line from the `!` with its end trimmed the way the reader does it
/// (used in the reader's recursion-limit warning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub kind: DirectiveKind,
    pub text: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectiveKind {
    /// `!include PATH`; `Err(())` when there is no argument (fatal for the reader).
    Include(Result<Range<usize>, ()>),
    /// `!includedir DIR`; `Err(())` when there is no argument (fatal for the reader).
    IncludeDir(Result<Range<usize>, ()>),
    /// Any other `!` line: silently ignored by the reader.
    Unknown,
}

impl DirectiveKind {
    pub fn keyword(&self) -> &'static str {
        match self {
            DirectiveKind::Include(_) => "include",
            DirectiveKind::IncludeDir(_) => "includedir",
            DirectiveKind::Unknown => "",
        }
    }
}

/// An option line, split the way the reader splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionLine {
    /// The name: from the first non-blank byte to the `=` (or the end), trailing blanks removed.
    pub name: Range<usize>,
    /// The value, if the line has an `=` before any comment.
    pub value: Option<ValueSpan>,
    /// Where an inline `#` comment starts, if there is one.
    pub comment: Option<usize>,
    /// Where the line's content ends for the reader: at the first NUL byte, else at the end.
    pub content_end: usize,
}

/// The span of a value: `raw` is the trimmed text after `=`; `inner` is `raw` without the outer
/// pair of quotes, if the reader removes one. Escapes are applied to `inner` by
/// [`crate::optfile::decode_value_into`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueSpan {
    pub raw: Range<usize>,
    pub inner: Range<usize>,
}

impl ValueSpan {
    /// The quote character the reader removed, if any.
    pub fn quote(&self, line: &[u8]) -> Option<u8> {
        (self.inner.start != self.raw.start).then(|| line[self.raw.start])
    }
}

/// The part of a reader line the reader looks at: up to the first NUL byte (C string end).
#[inline]
pub fn content_of(line: &[u8]) -> &[u8] {
    match memchr::memchr(0, line) {
        Some(i) => &line[..i],
        None => line,
    }
}

#[inline]
fn skip_space(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    i
}

/// Trims the end of `s[start..end]` as the reader's `end[-1]` loops do, never past `start`.
#[inline]
fn trim_end(s: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && is_space(s[end - 1]) {
        end -= 1;
    }
    end
}

/// Classifies one reader line (as produced by [`ReaderLines`], line feed included).
pub fn classify(line: &[u8]) -> Entry {
    let s = content_of(line);
    classify_content(s, skip_space(s, 0))
}

/// [`classify`] for a line already cut at its NUL byte (`s`), whose first non-blank byte is at
/// `p` (`s.len()` when there is none).
pub fn classify_content(s: &[u8], p: usize) -> Entry {
    if p == s.len() {
        return Entry::Blank;
    }
    match s[p] {
        b'#' | b';' => Entry::Comment,
        b'!' => Entry::Directive(classify_directive(s, p)),
        b'[' => match memchr::memchr(b']', &s[p + 1..]) {
            None => Entry::BadGroup,
            Some(i) => {
                let start = p + 1;
                let end = trim_end(s, start, start + i);
                Entry::Group { name: start..end }
            }
        },
        _ => Entry::Option(classify_option(s, p)),
    }
}

/// The reader's end trimming for directive text: the last byte is always dropped (it assumes a
/// line feed), and so is the white space before it. Returns the end index; `None` when nothing
/// is left after `start`.
fn directive_end(s: &[u8], start: usize) -> Option<usize> {
    if s.len() <= start {
        return None;
    }
    let mut end = s.len() - 1;
    while end > start && is_space(s[end - 1]) {
        end -= 1;
    }
    (end > start).then_some(end)
}

fn classify_directive(s: &[u8], bang: usize) -> Directive {
    let text = bang..directive_end(s, bang).unwrap_or(bang);
    let k = skip_space(s, bang + 1);
    let rest = &s[k..];
    let kind = if rest.starts_with(b"includedir") && rest.get(10).is_some_and(|&b| is_space(b)) {
        DirectiveKind::IncludeDir(argument(s, k + 10))
    } else if rest.starts_with(b"include") && rest.get(7).is_some_and(|&b| is_space(b)) {
        DirectiveKind::Include(argument(s, k + 7))
    } else {
        DirectiveKind::Unknown
    };
    Directive { kind, text }
}

fn argument(s: &[u8], after_keyword: usize) -> Result<Range<usize>, ()> {
    let start = skip_space(s, after_keyword);
    match directive_end(s, start) {
        Some(end) => Ok(start..end),
        None => Err(()),
    }
}

/// Where the reader cuts an inline comment: the first `#` outside quotes. Quotes are tracked
/// over the whole line (name included); a backslash escapes the next byte only inside quotes.
#[inline]
pub fn comment_start(s: &[u8], from: usize) -> Option<usize> {
    // Fast path: no quote and no '#' at all.
    let tail = &s[from..];
    let first = memchr::memchr3(b'#', b'"', b'\'', tail)?;
    if tail[first] == b'#' {
        return Some(from + first);
    }
    let mut quote = 0u8;
    let mut escape = false;
    for (i, &c) in tail.iter().enumerate().skip(first) {
        if (c == b'\'' || c == b'"') && !escape {
            if quote == 0 {
                quote = c;
            } else if quote == c {
                quote = 0;
            }
        }
        if quote == 0 && c == b'#' {
            return Some(from + i);
        }
        escape = quote != 0 && c == b'\\' && !escape;
    }
    None
}

fn classify_option(s: &[u8], p: usize) -> OptionLine {
    let comment = comment_start(s, p);
    let end = comment.unwrap_or(s.len());
    match memchr::memchr(b'=', &s[p..end]) {
        None => OptionLine {
            name: p..trim_end(s, p, end),
            value: None,
            comment,
            content_end: s.len(),
        },
        Some(i) => {
            let eq = p + i;
            let name = p..trim_end(s, p, eq);
            let vstart = skip_space(s, eq + 1).min(end);
            let vend = trim_end(s, vstart, end);
            let raw = vstart..vend;
            let inner = if vend - vstart >= 2
                && (s[vstart] == b'"' || s[vstart] == b'\'')
                && s[vend - 1] == s[vstart]
            {
                vstart + 1..vend - 1
            } else {
                raw.clone()
            };
            OptionLine {
                name,
                value: Some(ValueSpan { raw, inner }),
                comment,
                content_end: s.len(),
            }
        }
    }
}

#[cfg(test)]
mod binary_tests {
    use super::looks_binary;

    #[test]
    fn a_stray_nul_does_not_make_a_file_binary() {
        assert!(!looks_binary(b"[client]\nssl\0-cert=x\n"));
        assert!(!looks_binary(b"[client]\nuser=a\n"));
        assert!(looks_binary(b"[client]\nuser=a\n\0\0\x01\x02binary\n"));
        let blob: Vec<u8> = (0..4096u32).flat_map(u32::to_le_bytes).collect();
        assert!(looks_binary(&blob));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opt(line: &str) -> (String, Option<String>) {
        match classify(line.as_bytes()) {
            Entry::Option(o) => {
                let b = line.as_bytes();
                (
                    String::from_utf8_lossy(&b[o.name]).into_owned(),
                    o.value
                        .map(|v| String::from_utf8_lossy(&b[v.inner]).into_owned()),
                )
            }
            other => panic!("not an option: {other:?}"),
        }
    }

    #[test]
    fn whitespace_is_latin1_isspace() {
        let spaces: Vec<u8> = (0u8..=255).filter(|&b| is_space(b)).collect();
        assert_eq!(spaces, vec![9, 10, 11, 12, 13, 32, 0xa0]);
    }

    #[test]
    fn reader_lines_split_after_4094_bytes() {
        let mut input = b"u=".to_vec();
        input.extend(std::iter::repeat_n(b'y', 4093));
        input.push(b'\n');
        let pieces: Vec<_> = ReaderLines::new(&input).map(|(_, p)| p.len()).collect();
        assert_eq!(pieces, vec![4094, 2]);
    }

    #[test]
    fn a_hash_inside_quotes_is_not_a_comment() {
        assert_eq!(opt("password=\"p#ss\" # c\n").1.unwrap(), "p#ss");
    }

    #[test]
    fn an_apostrophe_keeps_the_comment_in_the_value() {
        assert_eq!(
            opt("k=it's # still\n").1.unwrap(),
            "it's # still",
            "the unclosed quote swallows the #"
        );
    }

    #[test]
    fn semicolon_is_never_an_inline_comment() {
        assert_eq!(opt("host=h;x\n").1.unwrap(), "h;x");
    }

    #[test]
    fn name_stops_at_hash_even_before_equals() {
        assert_eq!(opt("na#me=value\n"), ("na".to_string(), None));
    }

    #[test]
    fn directive_at_end_of_file_loses_its_last_byte() {
        match classify(b"!include /p/a.cnf") {
            Entry::Directive(Directive {
                kind: DirectiveKind::Include(Ok(r)),
                ..
            }) => assert_eq!(&b"!include /p/a.cnf"[r], b"/p/a.cn"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn include_without_argument_is_an_error() {
        assert!(matches!(
            classify(b"!include   \n"),
            Entry::Directive(Directive {
                kind: DirectiveKind::Include(Err(())),
                ..
            })
        ));
    }

    #[test]
    fn group_name_keeps_leading_space_and_drops_trailing() {
        let line = b"[ client ]junk\n";
        match classify(line) {
            Entry::Group { name } => assert_eq!(&line[name], b" client"),
            other => panic!("{other:?}"),
        }
    }
}
