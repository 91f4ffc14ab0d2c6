//! `mycnf-secure show`: the options a client will use, in reading order, each with file, line
//! and group, and the lines that later ones override. Streamed: the output is written as the
//! files are read the second time.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use mycnf_secure::chain::effective::{self, Winner, Winners};
use mycnf_secure::chain::{self, ChainFile, FileOptions, GroupSet, OptionRecord, Vendor};
use mycnf_secure::clients::{self, programs};
use mycnf_secure::diagnostic::{Masked, OptionMask, sanitize};

use crate::cli::failure::Failure;
use crate::cli::{Exit, Format, ShowArgs, output};

/// One option as shown (fields in the JSON's key order).
#[derive(Debug, Serialize)]
struct Shown<'a> {
    file: Cow<'a, str>,
    group: Cow<'a, str>,
    line: usize,
    name: Cow<'a, str>,
    /// Where the line that wins over this one is, if one does.
    overridden_by: Option<&'a str>,
    value: Option<Cow<'a, str>>,
}

impl<'a> Shown<'a> {
    fn new(
        r: &'a OptionRecord<'a>,
        later: Option<&'a Winner>,
        mask: &mut OptionMask,
        show_secrets: bool,
    ) -> Shown<'a> {
        let (name, value) = mask.record(r, &|n: &[u8]| !show_secrets && clients::is_secret(n));
        Shown {
            file: r.file.to_string_lossy(),
            group: match String::from_utf8_lossy(r.group) {
                g if g.bytes().any(|b| b.is_ascii_uppercase()) => g.to_ascii_lowercase().into(),
                g => g,
            },
            line: r.line,
            name: name.into_lossy(),
            overridden_by: later.map(|l| l.location.as_str()),
            value: value.map(|v| v.into_lossy()),
        }
    }
}

/// The groups to show: the ones named, else those of `--client`.
fn groups(args: &ShowArgs) -> Result<Vec<String>, Exit> {
    if !args.groups.is_empty() {
        return Ok(args.groups.clone());
    }
    match programs::program(&args.client) {
        Some(p) => Ok(p.groups.iter().map(|g| g.to_string()).collect()),
        None => Err(crate::cli::failure::Failure::new(
            Exit::Usage,
            format!(
                "error: unknown client {:?}; name the groups instead (show client mysql)",
                args.client
            ),
        )
        .report(args.format == Format::Json)),
    }
}

/// What the second read needs.
struct Reading<'a> {
    set: &'a GroupSet,
    files: &'a [ChainFile],
    home: Option<&'a std::path::Path>,
    winners: &'a Winners,
    show_secrets: bool,
}

/// The options, serialised as they are read: the second reading runs on a thread of its own
/// and hands over batches, so reading and writing the JSON overlap.
struct Options<'a>(&'a Reading<'a>);

/// Options read, their bytes in one buffer.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    options: Vec<Packed>,
}

type Span = std::ops::Range<usize>;

/// One option in a [`Batch`]: spans of its bytes.
struct Packed {
    file: Span,
    line: usize,
    group: Span,
    name: Span,
    value: Option<Span>,
    overridden_by: Option<Span>,
}

const BATCH: usize = 16 * 1024;

impl Batch {
    fn put(&mut self, bytes: &[u8]) -> Span {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(bytes);
        start..self.bytes.len()
    }

    fn push(
        &mut self,
        rec: &OptionRecord<'_>,
        later: Option<&Winner>,
        mask: &mut OptionMask,
        show_secrets: bool,
    ) {
        let (name, value) = mask.record(rec, &|n: &[u8]| !show_secrets && clients::is_secret(n));
        let packed = Packed {
            file: self.put(rec.file.as_os_str().as_encoded_bytes()),
            line: rec.line,
            group: self.put(rec.group),
            name: self.put(name.bytes()),
            value: value.map(|v| self.put(v.bytes())),
            overridden_by: later.map(|l| self.put(l.location.as_bytes())),
        };
        self.options.push(packed);
    }

    fn shown<'b>(&'b self, p: &Packed) -> Shown<'b> {
        let text = |s: &Span| String::from_utf8_lossy(&self.bytes[s.clone()]);
        Shown {
            file: text(&p.file),
            group: match text(&p.group) {
                g if g.bytes().any(|b| b.is_ascii_uppercase()) => g.to_ascii_lowercase().into(),
                g => g,
            },
            line: p.line,
            name: text(&p.name),
            overridden_by: p
                .overridden_by
                .as_ref()
                .map(|s| std::str::from_utf8(&self.bytes[s.clone()]).unwrap_or_default()),
            value: p.value.as_ref().map(text),
        }
    }
}

impl Serialize for Options<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut seq = serializer.serialize_seq(None)?;
        let (send, receive) = std::sync::mpsc::sync_channel::<Batch>(2);
        let (give_back, reuse) = std::sync::mpsc::channel::<Batch>();
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let mut batch = Batch::default();
                let mut mask = OptionMask::default();
                effective::for_each(r.set, r.files, r.home, r.winners, |rec, later| {
                    batch.push(rec, later, &mut mask, r.show_secrets);
                    if batch.options.len() == BATCH {
                        let mut next = reuse.try_recv().unwrap_or_default();
                        next.bytes.clear();
                        next.options.clear();
                        // The writer has stopped (an error): nothing more to read for.
                        let _ = send.send(std::mem::replace(&mut batch, next));
                    }
                });
                let _ = send.send(batch);
            });
            for batch in receive {
                for p in &batch.options {
                    seq.serialize_element(&batch.shown(p))?;
                }
                let _ = give_back.send(batch);
            }
            Ok::<(), S::Error>(())
        })?;
        seq.end()
    }
}

/// The document (fields in key order, as the schema's examples show them).
#[derive(Serialize)]
struct Json<'a> {
    /// Why and where the reading stopped, when it did (docs/json-schemas.md, "Errors").
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<serde_json::Value>,
    fatal: bool,
    files: &'a [std::path::PathBuf],
    groups: &'a [String],
    options: Options<'a>,
    schema: &'static str,
}

pub fn run(args: ShowArgs) -> Exit {
    let wanted = match groups(&args) {
        Ok(g) => g,
        Err(e) => return e,
    };
    let set = GroupSet::new(&wanted, None);
    let opts = FileOptions {
        no_defaults: args.no_defaults,
        defaults_file: args.defaults_file.clone(),
        defaults_extra_file: args.defaults_extra_file.clone(),
    };
    let env = crate::cli::context::search_env();
    let files = chain::chain_files(Vendor::Mariadb, chain::Platform::current(), &env, &opts);
    let home = env.home.as_deref();
    let winners = effective::winners(&set, &files, home);
    let secret = |n: &[u8]| !args.show_secrets && clients::is_secret(n);
    for n in &winners.notices {
        // A directive's path is quoted: through the masking too.
        output::error(&Masked::line(n.to_string().as_bytes(), &secret).text());
    }
    let reading = Reading {
        set: &set,
        files: &files,
        home,
        winners: &winners,
        show_secrets: args.show_secrets,
    };
    let written = output::stream(|out| match args.format {
        Format::Json => {
            serde_json::to_writer(
                &mut *out,
                &Json {
                    schema: "mycnf-secure/show/v1",
                    error: winners
                        .fatal
                        .then(|| fatal_error(&winners.notices, &secret))
                        .flatten(),
                    groups: &wanted,
                    files: &winners.files,
                    fatal: winners.fatal,
                    options: Options(&reading),
                },
            )?;
            out.write_all(b"\n")
        }
        Format::Text => text(out, &wanted, &reading),
    });
    if let Err(e) = written {
        return e;
    }
    if winners.fatal {
        Exit::InvalidInput
    } else {
        Exit::Success
    }
}

/// The `error` member for a reading a fatal error stopped: the reader's reason (masked as on
/// standard error) at its file and line.
fn fatal_error(
    notices: &[mycnf_secure::chain::Notice],
    secret: &dyn Fn(&[u8]) -> bool,
) -> Option<serde_json::Value> {
    let n = notices.iter().rev().find(|n| n.is_error())?;
    let reason = Masked::line(n.to_string().as_bytes(), secret)
        .text()
        .into_owned();
    let reason = reason.strip_prefix("error: ").unwrap_or(&reason);
    let (file, line) = n
        .location()
        .map_or((None, None), |(f, l)| (Some(f.to_path_buf()), Some(l)));
    Some(
        Failure::new(Exit::InvalidInput, String::new())
            .message(format!(
                "the option files cannot be read as the clients read them: {reason}"
            ))
            .at(file, line)
            .body(),
    )
}

fn text(out: &mut output::Stream<'_>, wanted: &[String], r: &Reading<'_>) -> std::io::Result<()> {
    writeln!(
        out,
        "groups read: {}",
        sanitize(wanted.join(" ").as_bytes())
    )?;
    let width = r.winners.widest;
    let mut result = Ok(());
    let mut mask = OptionMask::default();
    effective::for_each(r.set, r.files, r.home, r.winners, |rec, later| {
        if result.is_err() {
            return;
        }
        let o = Shown::new(rec, later, &mut mask, r.show_secrets);
        result = line(out, &o, width);
    });
    result?;
    if r.winners.fatal {
        writeln!(
            out,
            "the clients stop reading here: a fatal error in an option file (see above)"
        )?;
    }
    Ok(())
}

/// One option as a line of text: `file:line  [group] name=value   (overridden by …)`.
fn line(out: &mut output::Stream<'_>, o: &Shown<'_>, width: usize) -> std::io::Result<()> {
    let digits = o.line.checked_ilog10().map_or(1, |d| d as usize + 1);
    let pad = width.saturating_sub(o.file.len() + 1 + digits);
    write!(
        out,
        "{}:{}{:pad$}  [{}] {}",
        o.file,
        o.line,
        "",
        sanitize(o.group.as_bytes()),
        sanitize(o.name.as_bytes())
    )?;
    if let Some(v) = &o.value {
        write!(out, "={}", sanitize(v.as_bytes()))?;
    }
    if let Some(w) = o.overridden_by {
        write!(out, "   (overridden by {w})")?;
    }
    writeln!(out)
}
