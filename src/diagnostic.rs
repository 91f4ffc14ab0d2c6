//! The one finding type of `check`, `inspect-ca` and `add-ca`: a problem with a code, a
//! severity, a message, and where it has one, a file, line and column with the source line.
//! The command line renders findings; the core only makes them. Also the one sanitiser for
//! text from files on its way to a person, and the one masking path for the secrets in it
//! ([`Masked`]).

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use crate::cert::Severity;

/// One problem, pointing at a file, line and column where it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: Option<PathBuf>,
    /// 1-based; 0 when the finding is about a whole file.
    pub line: usize,
    /// 1-based column of the first character the finding is about; 0 without a line.
    pub col: usize,
    /// How many bytes of the line it is about.
    #[serde(skip)]
    pub width: usize,
    /// The source line (sanitised, without its line ending, cut to [`MAX_SOURCE`] bytes).
    pub source: Option<String>,
    pub hint: Option<String>,
    /// Another place the finding is about (the line an override cancels, the first duplicate).
    pub related: Option<Related>,
    /// The source line's bytes (without line ending, cut), for rendering.
    #[serde(skip)]
    pub source_bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub file: PathBuf,
    pub line: usize,
    pub note: String,
}

/// At most this many findings of one rule in one file; then one that says how many more.
pub const PER_RULE_AND_FILE: usize = 100;

/// Source lines in findings are cut to this many bytes.
pub const MAX_SOURCE: usize = 160;

impl Finding {
    /// A finding about a whole file (or about no file at all).
    pub fn on_file(
        code: &'static str,
        severity: Severity,
        message: impl Into<String>,
        file: Option<&Path>,
        hint: Option<String>,
    ) -> Finding {
        Finding {
            code,
            severity,
            message: message.into(),
            file: file.map(Path::to_path_buf),
            line: 0,
            col: 0,
            width: 0,
            source: None,
            hint,
            related: None,
            source_bytes: Vec::new(),
        }
    }

    /// A finding on line `line` of `file`, whose bytes (secrets masked) are `source`: the
    /// column and width cover the line's content (white space around it excluded).
    pub fn on_line(
        code: &'static str,
        severity: Severity,
        message: impl Into<String>,
        file: &Path,
        line: usize,
        source: Masked<'_>,
        hint: Option<String>,
    ) -> Finding {
        let raw = source.bytes();
        let body = raw.strip_suffix(b"\n").unwrap_or(raw);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        let body = &body[..body.len().min(MAX_SOURCE)];
        let start = body
            .iter()
            .position(|&b| !crate::optfile::is_space(b))
            .unwrap_or(0);
        let end = body
            .iter()
            .rposition(|&b| !crate::optfile::is_space(b))
            .map_or(start, |e| e + 1);
        Finding {
            code,
            severity,
            message: message.into(),
            file: Some(file.to_path_buf()),
            line,
            col: start + 1,
            width: (end - start).max(1),
            source: Some(sanitize(body).into_owned()),
            hint,
            related: None,
            source_bytes: body.to_vec(),
        }
    }

    pub fn with_related(mut self, file: &Path, line: usize, note: &str) -> Finding {
        self.related = Some(Related {
            file: file.to_path_buf(),
            line,
            note: note.to_string(),
        });
        self
    }

    /// A certificate finding, located in the CA file `source` (its line, where it has one).
    pub fn from_cert(source: &Path, f: &crate::cert::Finding) -> Finding {
        let mut out = Finding::on_file(
            f.code,
            f.severity,
            f.message.clone(),
            Some(source),
            f.hint.clone(),
        );
        out.line = f.line.unwrap_or(0);
        out
    }
}

/// Collects findings, keeping at most `per_rule` of each code in each file: a rule that fires
/// on every line of a large file costs neither memory nor screen. [`Findings::finish`] adds,
/// after the last kept finding of a cut rule, one that says how many more there were.
pub struct Findings {
    per_rule: usize,
    kept: Vec<Finding>,
    /// How many findings of each code in each file were counted (few codes, few files).
    counts: Vec<(&'static str, Option<PathBuf>, usize)>,
}

impl Findings {
    pub fn new(per_rule: usize) -> Findings {
        Findings {
            per_rule,
            kept: Vec::new(),
            counts: Vec::new(),
        }
    }

    /// Counts one finding of `code` in `file`; whether it is to be kept.
    pub fn admit(&mut self, code: &'static str, file: Option<&Path>) -> bool {
        let found = self
            .counts
            .iter()
            .position(|(c, f, _)| *c == code && f.as_deref() == file);
        let i = found.unwrap_or_else(|| {
            self.counts.push((code, file.map(Path::to_path_buf), 0));
            self.counts.len() - 1
        });
        let n = &mut self.counts[i].2;
        *n += 1;
        *n <= self.per_rule
    }

    pub fn push(&mut self, f: Finding) {
        if self.admit(f.code, f.file.as_deref()) {
            self.kept.push(f);
        }
    }

    /// Keeps a finding already counted by [`Findings::admit`].
    pub fn push_admitted(&mut self, f: Finding) {
        self.kept.push(f);
    }

    /// Adds another collection's findings and counts (the cap applies to the sum).
    pub fn merge(&mut self, other: Findings) {
        for f in other.kept {
            self.push(f);
        }
        for (code, file, n) in other.counts {
            let kept = n.min(other.per_rule);
            if n > kept {
                // The ones it left out count here too.
                match self
                    .counts
                    .iter_mut()
                    .find(|(c, f, _)| *c == code && *f == file)
                {
                    Some((_, _, m)) => *m += n - kept,
                    None => self.counts.push((code, file, n - kept)),
                }
            }
        }
    }

    /// The findings ordered by file, line, column and code, one per rule and line.
    pub fn finish(self) -> Vec<Finding> {
        let mut out = self.kept;
        out.sort_by(|a, b| (&a.file, a.line, a.col, a.code).cmp(&(&b.file, b.line, b.col, b.code)));
        out.dedup_by(|a, b| a.code == b.code && a.file == b.file && a.line == b.line);
        let mut more: Vec<(&'static str, Option<PathBuf>, usize)> = self
            .counts
            .into_iter()
            .filter(|(_, _, n)| *n > self.per_rule)
            .collect();
        more.sort();
        for (code, file, n) in more {
            let Some(last) = out.iter().rposition(|f| f.code == code && f.file == file) else {
                continue;
            };
            let severity = out[last].severity;
            out.insert(
                last + 1,
                Finding::on_file(
                    code,
                    severity,
                    format!("… and {} more like this in this file", n - self.per_rule),
                    file.as_deref(),
                    None,
                ),
            );
        }
        out
    }
}

/// Text from a file made safe for a terminal: lossy UTF-8, control characters (tabs too)
/// escaped. Everything from a file, a certificate or a paste passes here before it is shown.
pub fn sanitize(bytes: &[u8]) -> Cow<'_, str> {
    escape(bytes, true)
}

/// [`sanitize`], with tabs kept as they are (lines shown whole, as in a diff).
pub fn sanitize_keeping_tabs(bytes: &[u8]) -> Cow<'_, str> {
    escape(bytes, false)
}

fn escape(bytes: &[u8], tabs: bool) -> Cow<'_, str> {
    let text = String::from_utf8_lossy(bytes);
    if !text.chars().any(char::is_control) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' if !tabs => out.push('\t'),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Decides, from a name as written (an option's, or a word of a line), whether it names a
/// secret. The caller gives it (`clients::is_secret`, or one that says no to everything under
/// `--show-secrets`): this module knows no option by name. It must hold for every text that
/// contains a text it holds for (a secret word inside a longer text still counts), as
/// `clients::is_secret` does: a text it does not hold for as a whole is then shown without
/// looking at its words, which keeps masking cheap where there is nothing to hide.
pub type Secret<'a> = &'a dyn Fn(&[u8]) -> bool;

/// What a hidden value is shown as.
pub const MASK: &str = "*****";

/// Bytes of a user's file on their way to a person, through the one masking path: every
/// value a [`Secret`] names is replaced by [`MASK`]. A finding's source line, a diff line and a
/// quoted name or value can only be made of it, so quoting a file without masking does not
/// compile. Under `--show-secrets` the caller's predicate names nothing, and nothing is hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked<'a> {
    bytes: Cow<'a, [u8]>,
    hidden: bool,
}

impl<'a> Masked<'a> {
    /// A line as written (line ending included or not), its secrets hidden: the value of an
    /// option whose name is secret, also when the line is commented out (`#`/`;`); in any
    /// other line, whatever follows `=` after a secret word, or, on a line that is no option
    /// (a comment, a line without `=`), whatever follows the secret word. What is hidden runs
    /// to the end of the line (an inline comment may be part of what the user meant).
    pub fn line(raw: &'a [u8], secret: Secret<'_>) -> Masked<'a> {
        if !secret(raw) {
            return Masked::shown(raw);
        }
        let (body, eol) = split_ending(raw);
        match secret_from(body, secret) {
            Some(at) if at < body.len() => {
                let mut out = Vec::with_capacity(at + MASK.len() + eol.len());
                out.extend_from_slice(&body[..at]);
                out.extend_from_slice(MASK.as_bytes());
                out.extend_from_slice(eol);
                Masked::hiding(out)
            }
            _ => Masked::shown(raw),
        }
    }

    /// An option's name as written: a name is shown as it is, unless it holds more than a
    /// secret word (`password S3cret`, a line without `=`).
    pub fn name(raw: &'a [u8], secret: Secret<'_>) -> Masked<'a> {
        Masked::line(raw, secret)
    }

    /// The value of option `name`: hidden whole when the name is secret; otherwise what
    /// follows a `secret-word=` inside it.
    pub fn value(name: &[u8], value: &'a [u8], secret: Secret<'_>) -> Masked<'a> {
        if secret(name) && !value.is_empty() {
            return Masked::hiding(MASK.as_bytes().to_vec());
        }
        if !secret(value) {
            return Masked::shown(value);
        }
        match word_then_eq(value, 0, secret) {
            Some(at) if at < value.len() => {
                let mut out = value[..at].to_vec();
                out.extend_from_slice(MASK.as_bytes());
                Masked::hiding(out)
            }
            _ => Masked::shown(value),
        }
    }

    fn shown(bytes: &'a [u8]) -> Masked<'a> {
        Masked {
            bytes: Cow::Borrowed(bytes),
            hidden: false,
        }
    }

    fn hiding(bytes: Vec<u8>) -> Masked<'a> {
        Masked {
            bytes: Cow::Owned(bytes),
            hidden: true,
        }
    }

    /// Whether something was hidden.
    pub fn hid_something(&self) -> bool {
        self.hidden
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The masked bytes as text for a terminal ([`sanitize`]).
    pub fn text(&self) -> Cow<'_, str> {
        sanitize(&self.bytes)
    }

    /// The masked bytes as lossy UTF-8, control characters kept (for JSON, which escapes
    /// them itself).
    pub fn lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }

    /// The masked bytes as lossy UTF-8, kept as long as the line they may borrow from.
    pub fn into_lossy(self) -> Cow<'a, str> {
        match self.bytes {
            Cow::Borrowed(b) => String::from_utf8_lossy(b),
            Cow::Owned(b) => Cow::Owned(String::from_utf8_lossy(&b).into_owned()),
        }
    }

    /// The first `n` bytes (what was hidden stays hidden).
    pub fn cut(self, n: usize) -> Masked<'a> {
        let hidden = self.hidden;
        let bytes = match self.bytes {
            Cow::Borrowed(b) => Cow::Borrowed(&b[..n.min(b.len())]),
            Cow::Owned(mut b) => {
                b.truncate(n);
                Cow::Owned(b)
            }
        };
        Masked { bytes, hidden }
    }

    pub fn into_owned(self) -> Masked<'static> {
        Masked {
            bytes: Cow::Owned(self.bytes.into_owned()),
            hidden: self.hidden,
        }
    }
}

/// The masking of the options a reader hands over one after the other (`show`,
/// `print-defaults`): name and value through [`Masked`]; and the pieces of a line longer than
/// the reader's 4094 bytes, which it reads as options of their own, hidden whole when the
/// line's first piece is secret (the rest of a long password would be read as a name).
#[derive(Debug, Default)]
pub struct OptionMask {
    /// The file, physical line and reader line of the last option hidden.
    last_hidden: Option<(PathBuf, usize, usize)>,
}

impl OptionMask {
    pub fn record<'r>(
        &mut self,
        r: &crate::chain::OptionRecord<'r>,
        secret: Secret<'_>,
    ) -> (Masked<'r>, Option<Masked<'r>>) {
        if let Some((file, physical, line)) = &self.last_hidden
            && *physical == r.physical
            && *line != r.line
            && file == r.file
        {
            let hidden = || Masked::hiding(MASK.as_bytes().to_vec());
            return (hidden(), r.value.map(|_| hidden()));
        }
        let name = Masked::name(r.name, secret);
        let value = r.value.map(|v| Masked::value(r.name, v, secret));
        if name.hid_something() || value.as_ref().is_some_and(Masked::hid_something) {
            self.last_hidden = Some((r.file.to_path_buf(), r.physical, r.line));
        }
        (name, value)
    }
}

/// A line without its ending (`\n` or `\r\n`), and the ending.
fn split_ending(line: &[u8]) -> (&[u8], &[u8]) {
    match line.strip_suffix(b"\n") {
        Some(b) => match b.strip_suffix(b"\r") {
            Some(c) => (c, &line[c.len()..]),
            None => (b, &line[b.len()..]),
        },
        None => (line, &[]),
    }
}

/// Where the secret part of a line (without its ending) starts, if it has one.
fn secret_from(body: &[u8], secret: Secret<'_>) -> Option<usize> {
    use crate::optfile::lex::{Entry, classify};
    // Blanks and comment markers skipped: a commented-out option reads as one.
    let mut p = 0;
    while p < body.len() && (crate::optfile::is_space(body[p]) || matches!(body[p], b'#' | b';')) {
        p += 1;
    }
    let commented = body[..p].iter().any(|&b| b == b'#' || b == b';');
    let rest = &body[p..];
    match classify(rest) {
        Entry::Option(o) if secret(&rest[o.name.clone()]) => match &o.value {
            Some(v) => Some(p + v.raw.start),
            None => after_word(body, p, secret),
        },
        Entry::Option(o) => {
            let from = o.value.as_ref().map_or(rest.len(), |v| v.raw.start);
            word_then_eq(body, p + from, secret)
                .or_else(|| commented.then(|| after_word(body, p, secret)).flatten())
        }
        _ => word_then_eq(body, p, secret),
    }
}

/// The words of `s` from `from` (runs of letters, digits, `-` and `_`), with where they end.
fn words(s: &[u8], from: usize) -> impl Iterator<Item = (&[u8], usize)> {
    let is_word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
    let mut i = from.min(s.len());
    std::iter::from_fn(move || {
        while i < s.len() && !is_word(&s[i]) {
            i += 1;
        }
        let start = i;
        while i < s.len() && is_word(&s[i]) {
            i += 1;
        }
        (i > start).then(|| (&s[start..i], i))
    })
}

/// After the first secret word from `from` and the `=` that follows it (and blanks).
fn word_then_eq(s: &[u8], from: usize, secret: Secret<'_>) -> Option<usize> {
    let (_, end) = words(s, from).find(|(w, _)| secret(w))?;
    let eq = end + memchr::memchr(b'=', &s[end..])?;
    Some(skip_blanks(s, eq + 1))
}

/// After the first secret word from `from` (and blanks).
fn after_word(s: &[u8], from: usize, secret: Secret<'_>) -> Option<usize> {
    let (_, end) = words(s, from).find(|(w, _)| secret(w))?;
    Some(skip_blanks(s, end))
}

fn skip_blanks(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && crate::optfile::is_space(s[i]) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_on_a_line_covers_its_content() {
        let f = Finding::on_line(
            "MC102",
            Severity::Error,
            "group header without a closing `]`",
            Path::new("my.cnf"),
            3,
            Masked::line(b"  [mysql\r\n", &|_| false),
            None,
        );
        assert_eq!((f.col, f.width), (3, 6));
        assert_eq!(f.source.as_deref(), Some("  [mysql"));
    }

    fn secret(name: &[u8]) -> bool {
        let name = name.to_ascii_lowercase();
        name.windows(5).any(|w| w == b"passw")
    }

    fn masked(line: &str) -> String {
        String::from_utf8(Masked::line(line.as_bytes(), &secret).bytes().to_vec()).unwrap()
    }

    #[test]
    fn every_secret_in_a_line_is_masked_to_the_end_of_the_line() {
        for (line, shown) in [
            ("password=s3cret\n", "password=*****\n"),
            (
                "  Loose_Password =  'a b' # c\r\n",
                "  Loose_Password =  *****\r\n",
            ),
            ("password=a#b", "password=*****"),
            ("password=a;b", "password=*****"),
            ("password=", "password="),
            ("password", "password"),
            // Commented out, in either style, with or without blanks.
            ("#password=x", "#password=*****"),
            ("; password = x", "; password = *****"),
            ("  ## password=x", "  ## password=*****"),
            // Lines that are no option, or hold more than one.
            ("password x y", "password *****"),
            ("[client password=x", "[client password=*****"),
            ("user=bob password=x", "user=bob password=*****"),
            ("!include /a/password=x", "!include /a/password=*****"),
            ("# the password is x", "# the password *****"),
            // Nothing secret.
            ("user=password", "user=password"),
            ("ssl-ca=/etc/password/ca.pem", "ssl-ca=/etc/password/ca.pem"),
            ("# a comment", "# a comment"),
            ("[client]", "[client]"),
        ] {
            assert_eq!(masked(line), shown, "{line:?}");
        }
    }

    #[test]
    fn a_value_is_masked_by_its_name_or_by_a_secret_inside_it() {
        let v = |n: &str, v: &str| {
            String::from_utf8(
                Masked::value(n.as_bytes(), v.as_bytes(), &secret)
                    .bytes()
                    .to_vec(),
            )
            .unwrap()
        };
        assert_eq!(v("password", "x"), "*****");
        assert_eq!(v("user", "bob password=x"), "bob password=*****");
        assert_eq!(v("user", "bob"), "bob");
        assert!(Masked::value(b"password", b"x", &secret).hid_something());
        assert!(!Masked::value(b"user", b"x", &secret).hid_something());
    }

    #[test]
    fn a_finding_quotes_its_line_masked() {
        let f = Finding::on_line(
            "MC202",
            Severity::Warning,
            "m",
            Path::new("f"),
            1,
            Masked::line(b"password=s3cret\n", &secret),
            None,
        );
        assert_eq!(f.source.as_deref(), Some("password=*****"));
        assert_eq!(f.source_bytes, b"password=*****");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitize(b"a\x1b[31mb\x00"), "a\\u{1b}[31mb\\u{0}");
        assert_eq!(sanitize(b"a\tb"), "a\\tb");
        assert_eq!(sanitize_keeping_tabs(b"a\tb\x07"), "a\tb\\u{7}");
    }

    #[test]
    fn findings_are_capped_per_rule_and_file_with_a_count() {
        let f = |code, file: &str, line| {
            Finding::on_line(
                code,
                Severity::Warning,
                "x",
                Path::new(file),
                line,
                Masked::line(b"k=v", &|_| false),
                None,
            )
        };
        let mut sink = Findings::new(2);
        (1..=5).for_each(|n| sink.push(f("MC1", "a", n)));
        sink.push(f("MC2", "a", 9));
        (1..=3).for_each(|n| sink.push(f("MC1", "b", n)));
        let capped: Vec<(&str, usize, &str)> = sink
            .finish()
            .iter()
            .map(|f| (f.code, f.line, f.message.clone().leak() as &str))
            .collect();
        assert_eq!(
            capped,
            [
                ("MC1", 1, "x"),
                ("MC1", 2, "x"),
                ("MC1", 0, "… and 3 more like this in this file"),
                ("MC2", 9, "x"),
                ("MC1", 1, "x"),
                ("MC1", 2, "x"),
                ("MC1", 0, "… and 1 more like this in this file"),
            ]
        );
    }
}
