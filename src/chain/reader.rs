//! Reads option files the way the MariaDB/MySQL reader does: streaming, reader lines of at most
//! 4094 bytes, `!include`/`!includedir` relative to the working directory, depth limit 10, no
//! cycle detection, world-writable files skipped, fatal errors fatal only at the top level.
//!
//! The reader never prints: options go to a [`Visitor`], and so do the reader's messages
//! ([`Notice`]), which render with the real reader's wording.

use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::chain::fsio;
use crate::chain::groups::GroupSet;
use crate::optfile::lex::{self, DirectiveKind, Entry, MAX_READER_LINE};
use crate::optfile::value::decode_value_into;

/// Includes nest this deep at most: a directive met at depth 10 is skipped with a warning.
pub const MAX_INCLUDE_DEPTH: u32 = 10;

/// One option the program will receive, with where it came from.
#[derive(Debug, Clone, Copy)]
pub struct OptionRecord<'a> {
    pub file: &'a Path,
    /// The reader's line number (reader lines: a physical line over 4094 bytes counts twice).
    pub line: usize,
    /// The file's own line number (its physical line).
    pub physical: usize,
    /// The reader line, as read (line ending included).
    pub raw: &'a [u8],
    /// Where `raw` starts in its file (a byte offset).
    pub offset: usize,
    pub depth: u32,
    /// The group name as written in the header (trailing blanks removed).
    pub group: &'a [u8],
    /// The name as written (never normalised, exactly as `my_print_defaults` prints it).
    pub name: &'a [u8],
    /// The decoded value; `None` for an option without `=`.
    pub value: Option<&'a [u8]>,
    /// The reader line is the rest of a physical line cut after 4094 bytes (of a secret
    /// value, perhaps: what is quoted of it must not show it).
    pub rest_of_line: bool,
}

/// A message from the reader: warnings and (fatal or, in included files, non-fatal) errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    WorldWritable {
        path: PathBuf,
    },
    DepthLimit {
        directive: Vec<u8>,
        path: PathBuf,
        line: usize,
    },
    WrongGroup {
        path: PathBuf,
        line: usize,
    },
    OptionWithoutGroup {
        path: PathBuf,
        line: usize,
    },
    WrongDirective {
        keyword: &'static str,
        path: PathBuf,
        line: usize,
    },
    CantReadDir {
        dir: PathBuf,
        errno: i32,
        reason: String,
        path: PathBuf,
        line: usize,
    },
    RequiredFileMissing {
        path: PathBuf,
    },
    /// A folder, device, FIFO or socket where an option file was expected: skipped unread
    /// (opened without blocking, never read). `from` is the `!include`/`!includedir` line that
    /// named it.
    NotRegular {
        path: PathBuf,
        kind: fsio::FileKind,
        from: Option<(PathBuf, usize)>,
    },
}

impl Notice {
    /// Whether the real reader calls this an error (as opposed to a warning).
    pub fn is_error(&self) -> bool {
        !matches!(
            self,
            Notice::WorldWritable { .. } | Notice::DepthLimit { .. } | Notice::NotRegular { .. }
        )
    }

    /// The file and line the notice is about, if it has one.
    pub fn location(&self) -> Option<(&Path, usize)> {
        match self {
            Notice::DepthLimit { path, line, .. }
            | Notice::WrongGroup { path, line }
            | Notice::OptionWithoutGroup { path, line }
            | Notice::WrongDirective { path, line, .. }
            | Notice::CantReadDir { path, line, .. } => Some((path, *line)),
            Notice::NotRegular {
                from: Some((path, line)),
                ..
            } => Some((path, *line)),
            _ => None,
        }
    }
}

impl fmt::Display for Notice {
    /// The real reader's wording, with the line appended where the reader leaves it out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::WorldWritable { path } => write!(
                f,
                "Warning: World-writable config file '{}' is ignored",
                path.display()
            ),
            Notice::DepthLimit {
                directive,
                path,
                line,
            } => write!(
                f,
                "Warning: skipping '{}' directive as maximum include recursion level was reached in file {} at line {}",
                String::from_utf8_lossy(directive),
                path.display(),
                line
            ),
            Notice::WrongGroup { path, line } => write!(
                f,
                "error: Wrong group definition in config file: {} at line {}",
                path.display(),
                line
            ),
            Notice::OptionWithoutGroup { path, line } => write!(
                f,
                "error: Found option without preceding group in config file: {} at line: {}",
                path.display(),
                line
            ),
            Notice::WrongDirective {
                keyword,
                path,
                line,
            } => write!(
                f,
                "error: Wrong '!{}' directive in config file: {} at line {}",
                keyword,
                path.display(),
                line
            ),
            Notice::CantReadDir {
                dir,
                errno,
                reason,
                path,
                line,
            } => write!(
                f,
                "error: Can't read dir of '{}' (Errcode: {} \"{}\") in config file: {} at line {}",
                dir.display(),
                errno,
                reason,
                path.display(),
                line
            ),
            Notice::RequiredFileMissing { path } => write!(
                f,
                "Could not open required defaults file: {}",
                path.display()
            ),
            Notice::NotRegular { path, kind, from } => {
                write!(
                    f,
                    "Warning: '{}' is {}, not a regular file: skipped",
                    path.display(),
                    kind.describe()
                )?;
                match from {
                    Some((file, line)) => {
                        write!(f, " (included from {} at line {})", file.display(), line)
                    }
                    None => Ok(()),
                }
            }
        }
    }
}

/// Receives what the reader finds.
pub trait Visitor {
    /// An option in one of the wanted groups.
    fn option(&mut self, record: &OptionRecord<'_>);
    /// A warning or error, in reading order.
    fn notice(&mut self, notice: Notice);
    /// A file was opened and is about to be read.
    fn file(&mut self, _path: &Path, _depth: u32) {}
    /// Whether the visitor looks at the value of an option called `name`; when not, it is not
    /// decoded (an option with a value is then handed over with an empty one).
    fn wants_value(&mut self, _name: &[u8]) -> bool {
        true
    }
}

/// The reader stopped: a fatal error in a top-level file (the notice says which).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("fatal error in defaults handling")]
pub struct Fatal;

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    Read,
    /// Missing or not openable: skipped without a word (an error only for required files).
    NotFound,
    /// World-writable, or not a regular file: skipped with a warning.
    Ignored,
}

/// Opens the candidate content of a file being edited, each time the chain reads that file.
pub type Source<'a> = &'a dyn Fn() -> Box<dyn Read + 'a>;

/// Streams files through the reader's rules.
pub struct Reader<'g, V> {
    groups: &'g GroupSet,
    visitor: V,
    home: Option<PathBuf>,
    /// Extensions that `!includedir` reads (`.cnf`; on Windows also `.ini`).
    include_exts: &'static [&'static [u8]],
    scratch: Vec<u8>,
    /// A file read from memory instead of disk: the candidate content of a file being edited.
    overlay: Option<(PathBuf, Source<'g>)>,
}

impl<'g, V: Visitor> Reader<'g, V> {
    pub fn new(groups: &'g GroupSet, visitor: V) -> Self {
        Reader {
            groups,
            visitor,
            home: None,
            include_exts: if cfg!(windows) {
                &[b".ini", b".cnf"]
            } else {
                &[b".cnf"]
            },
            scratch: Vec::with_capacity(MAX_READER_LINE + 2),
            overlay: None,
        }
    }

    /// Reads `bytes` wherever `path` is read (compared as absolute paths), as if the file held
    /// them: how a planned edit is checked against the whole chain before it is written.
    pub fn with_overlay(mut self, path: &Path, source: Source<'g>) -> Self {
        self.overlay = Some((fsio::absolute(path), source));
        self
    }

    /// The home folder `~/` in include paths stands for (none by default: `~/` stays as is).
    pub fn with_home(mut self, home: Option<PathBuf>) -> Self {
        self.home = home;
        self
    }

    pub fn visitor(&self) -> &V {
        &self.visitor
    }

    pub fn into_visitor(self) -> V {
        self.visitor
    }

    /// Reads one top-level file. A fatal error (already reported as a notice) is `Err(Fatal)`.
    pub fn read_top(&mut self, path: &Path) -> Result<FileStatus, Fatal> {
        self.read_file(path, 0, None)
    }

    /// Reads a file that must exist (`--defaults-file`, `--defaults-extra-file`).
    pub fn read_required(&mut self, path: &Path) -> Result<(), Fatal> {
        match self.read_file(path, 0, None)? {
            FileStatus::NotFound => {
                self.visitor.notice(Notice::RequiredFileMissing {
                    path: path.to_path_buf(),
                });
                Err(Fatal)
            }
            _ => Ok(()),
        }
    }

    /// Reads one file; `from` is the include line that named it.
    fn read_file(
        &mut self,
        path: &Path,
        depth: u32,
        from: Option<(&Path, usize)>,
    ) -> Result<FileStatus, Fatal> {
        let path = fsio::expand_home(path, self.home.as_deref());
        let overlay = self
            .overlay
            .as_ref()
            .filter(|(over, _)| fsio::absolute(&path) == *over)
            .map(|(_, open)| *open);
        if let Some(open) = overlay {
            self.visitor.file(&path, depth);
            self.read_stream(open(), &path, depth)?;
            return Ok(FileStatus::Read);
        }
        // Opened without blocking and judged by the open descriptor: a FIFO, a device or a
        // folder is never read (the real reader blocks on a FIFO and reads a device's bytes).
        // A socket cannot be opened: not found, as for the real reader. The real reader looks
        // at the mode before it opens, so a world-writable file it cannot open is still named.
        let Ok((file, kind, meta)) = fsio::open_nonblocking(&path) else {
            if std::fs::metadata(&path).is_ok_and(|m| fsio::is_world_writable(&m))
                && !fsio::write_is_refused(&path)
            {
                self.visitor.notice(Notice::WorldWritable { path });
                return Ok(FileStatus::Ignored);
            }
            return Ok(FileStatus::NotFound);
        };
        if kind != fsio::FileKind::Regular {
            self.visitor.notice(Notice::NotRegular {
                path,
                kind,
                from: from.map(|(f, l)| (f.to_path_buf(), l)),
            });
            return Ok(FileStatus::Ignored);
        }
        if fsio::is_world_writable(&meta) && !fsio::write_is_refused(&path) {
            self.visitor.notice(Notice::WorldWritable { path });
            return Ok(FileStatus::Ignored);
        }
        self.visitor.file(&path, depth);
        self.read_stream(file, &path, depth)?;
        Ok(FileStatus::Read)
    }

    fn read_stream<R: Read>(&mut self, file: R, path: &Path, depth: u32) -> Result<(), Fatal> {
        let mut lines = LineBuffer::new(file);
        let mut line_no = 0usize;
        let mut physical = 0usize;
        let mut continued = false;
        // None: no group header yet; Some(true): a wanted group.
        let mut in_group: Option<bool> = None;
        let mut group: Vec<u8> = Vec::new();
        while let Some((offset, line)) = lines.next_line() {
            line_no += 1;
            let rest_of_line = continued;
            if !continued {
                physical += 1;
            }
            continued = !line.ends_with(b"\n");
            let s = lex::content_of(line);
            let first = s.iter().position(|&b| !lex::is_space(b));
            let Some(p) = first else { continue };
            match s[p] {
                b'#' | b';' => continue,
                b'!' => self.directive(s, p, path, line_no, depth)?,
                b'[' => {
                    let Entry::Group { name } = lex::classify_content(s, p) else {
                        self.visitor.notice(Notice::WrongGroup {
                            path: path.to_path_buf(),
                            line: line_no,
                        });
                        return Err(Fatal);
                    };
                    group.clear();
                    group.extend_from_slice(&s[name]);
                    in_group = Some(self.groups.matches(&group));
                }
                _ => match in_group {
                    None => {
                        self.visitor.notice(Notice::OptionWithoutGroup {
                            path: path.to_path_buf(),
                            line: line_no,
                        });
                        return Err(Fatal);
                    }
                    Some(false) => continue,
                    Some(true) => {
                        let Entry::Option(o) = lex::classify_content(s, p) else {
                            unreachable!("any other line is an option")
                        };
                        self.scratch.clear();
                        let decode = self.visitor.wants_value(&s[o.name.clone()]);
                        let value = o.value.map(|v| {
                            if decode {
                                decode_value_into(&s[v.inner], &mut self.scratch);
                            }
                            &self.scratch[..]
                        });
                        self.visitor.option(&OptionRecord {
                            file: path,
                            line: line_no,
                            physical,
                            raw: line,
                            offset,
                            depth,
                            group: &group,
                            name: &s[o.name],
                            value,
                            rest_of_line,
                        });
                    }
                },
            }
        }
        Ok(())
    }

    /// A directive line (`s` cut at its NUL, `p` its first non-blank byte): includes are read
    /// at once; a bad one is fatal.
    fn directive(
        &mut self,
        s: &[u8],
        p: usize,
        path: &Path,
        line_no: usize,
        depth: u32,
    ) -> Result<(), Fatal> {
        let Entry::Directive(d) = lex::classify_content(s, p) else {
            unreachable!("a line starting with '!' is a directive")
        };
        if depth >= MAX_INCLUDE_DEPTH {
            self.visitor.notice(Notice::DepthLimit {
                directive: s[d.text.clone()].to_vec(),
                path: path.to_path_buf(),
                line: line_no,
            });
            return Ok(());
        }
        let arg = match &d.kind {
            DirectiveKind::Unknown => return Ok(()),
            DirectiveKind::Include(a) | DirectiveKind::IncludeDir(a) => a.clone(),
        };
        let Ok(arg) = arg else {
            self.visitor.notice(Notice::WrongDirective {
                keyword: d.kind.keyword(),
                path: path.to_path_buf(),
                line: line_no,
            });
            return Err(Fatal);
        };
        let target = fsio::path_from_bytes(&s[arg]);
        if matches!(d.kind, DirectiveKind::IncludeDir(_)) {
            self.include_dir(&target, path, line_no, depth)?;
        } else {
            // Errors inside an included file stop only that file.
            let _ = self.read_file(&target, depth + 1, Some((path, line_no)));
        }
        Ok(())
    }

    fn include_dir(
        &mut self,
        dir: &Path,
        from: &Path,
        line: usize,
        depth: u32,
    ) -> Result<(), Fatal> {
        let names = match fsio::sorted_dir_names(dir) {
            Ok(n) => n,
            Err(e) => {
                self.visitor.notice(Notice::CantReadDir {
                    dir: dir.to_path_buf(),
                    errno: e.raw_os_error().unwrap_or(0),
                    reason: fsio::os_reason(&e),
                    path: from.to_path_buf(),
                    line,
                });
                return Err(Fatal);
            }
        };
        for name in names {
            let ext = match name.iter().rposition(|&b| b == b'.') {
                Some(i) => &name[i..],
                None => &[][..],
            };
            if self.include_exts.contains(&ext) {
                let member = fsio::join_dir(dir, &name);
                let _ = self.read_file(&member, depth + 1, Some((from, line)));
            }
        }
        Ok(())
    }
}

/// Reads a file in large blocks and hands out reader lines (at most 4094 bytes, ending after a
/// line feed) without copying them. A read error ends the file, as it ends `fgets`.
struct LineBuffer<R> {
    source: R,
    buf: Vec<u8>,
    /// The file offset of `buf[0]`.
    base: usize,
    pos: usize,
    len: usize,
    eof: bool,
}

const BLOCK: usize = 256 * 1024;

impl<R: Read> LineBuffer<R> {
    fn new(source: R) -> Self {
        LineBuffer {
            source,
            buf: vec![0; BLOCK],
            base: 0,
            pos: 0,
            len: 0,
            eof: false,
        }
    }

    fn fill(&mut self) {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.len, 0);
            self.base += self.pos;
            self.len -= self.pos;
            self.pos = 0;
        }
        while !self.eof && self.len < self.buf.len() {
            match self.source.read(&mut self.buf[self.len..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => self.eof = true,
            }
            if self.len - self.pos > MAX_READER_LINE {
                break;
            }
        }
    }

    /// The next reader line and its offset in the file.
    fn next_line(&mut self) -> Option<(usize, &[u8])> {
        if self.len - self.pos <= MAX_READER_LINE && !self.eof {
            self.fill();
        }
        if self.pos == self.len {
            return None;
        }
        let start = self.pos;
        let n = lex::reader_line_len(&self.buf[start..self.len]);
        self.pos += n;
        Some((self.base + start, &self.buf[start..start + n]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Offsets<'a> {
        bytes: &'a [u8],
        seen: usize,
    }

    impl Visitor for Offsets<'_> {
        fn option(&mut self, r: &OptionRecord<'_>) {
            assert_eq!(
                &self.bytes[r.offset..r.offset + r.raw.len()],
                r.raw,
                "line {}",
                r.line
            );
            self.seen += 1;
        }
        fn notice(&mut self, _: Notice) {}
    }

    #[test]
    fn each_option_names_where_its_reader_line_starts_in_the_file() {
        // Past one buffer (so the buffer moves), with a line longer than a reader line (read
        // as two) and CRLF endings.
        let mut bytes = b"[client]\r\n".to_vec();
        let mut options = 0;
        while bytes.len() < 3 * BLOCK {
            bytes.extend_from_slice(format!("opt{options} = value {options}\r\n").as_bytes());
            options += 1;
        }
        bytes.extend_from_slice(b"long=");
        bytes.extend(std::iter::repeat_n(b'x', MAX_READER_LINE + 10));
        bytes.extend_from_slice(b"\nlast\n");
        let groups = GroupSet::new(["client"], None);
        let path = Path::new("/nonexistent/offsets.cnf");
        let data = &bytes[..];
        let open = || -> Box<dyn Read + '_> { Box::new(data) };
        let source: Source<'_> = &open;
        let visitor = Offsets {
            bytes: data,
            seen: 0,
        };
        let mut reader = Reader::new(&groups, visitor).with_overlay(path, source);
        reader.read_top(path).unwrap();
        // Every short option, both pieces of the long line, and the last.
        assert_eq!(reader.visitor().seen, options + 3);
    }
}
