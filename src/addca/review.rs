//! Checks a planned file against everything that reads it: the clients' whole read chain (with
//! the planned content in place of the file), so that overrides in other files are found and
//! the client table reflects what the clients will really get.

use std::path::{Path, PathBuf};

use serde::Serialize;

use std::collections::HashSet;

use crate::chain::reader::Source;
use crate::chain::{
    self, ChainFile, EdgeCollector, FileOptions, GroupSet, Notice, Platform, Reader, SearchEnv,
    Vendor,
};
use crate::clients::{self, Family, Outcome, Setting, Target};
use crate::optfile::edit::{Edited, NewLine};
use crate::optfile::{Document, Entry, Invalid, Line, LineKind, Opt, lex};

/// A line in another file (or a later part of the chain) that wins over one of ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Override {
    pub file: PathBuf,
    pub line: usize,
    pub group: String,
    pub option: String,
    pub value: Option<String>,
    /// The option of ours it overrides.
    pub overrides: &'static str,
    /// Which clients it wins for: "MySQL clients", "MariaDB clients" or both.
    pub clients: String,
}

/// A line of another file of the chain (an included file, a file read later) that stops a
/// client family of the target, or weakens its TLS when read after ours. add-ca edits one file
/// only: it refuses unless forced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    pub file: PathBuf,
    pub line: usize,
    pub group: String,
    /// The line as written, secrets masked.
    pub text: String,
    /// What it does, in the families' words.
    pub why: String,
}

impl std::fmt::Display for Blocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: [{}] {}: {}",
            self.file.display(),
            self.line,
            self.group,
            self.text,
            self.why
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub clients: Vec<Outcome>,
    pub overrides: Vec<Override>,
    /// Lines of other files add-ca would have to disable (see [`Blocker`]).
    pub blocked: Vec<Blocker>,
    /// Files of the chain, in reading order.
    pub chain: Vec<PathBuf>,
    /// Reader messages about other files of the chain.
    #[serde(skip)]
    pub notices: Vec<Notice>,
}

/// The files clients read when `file` is involved: the default list if `file` is on it, else
/// `file` alone (an application's own file, given to it as `--defaults-file`).
pub fn chain_for(file: &Path, env: &SearchEnv, platform: Platform) -> Vec<ChainFile> {
    let list = chain::chain_files(Vendor::Mariadb, platform, env, &FileOptions::default());
    let abs = chain::fsio::absolute(file);
    if list.iter().any(|f| chain::fsio::absolute(&f.path) == abs) {
        list
    } else {
        vec![ChainFile {
            path: file.to_path_buf(),
            required: false,
        }]
    }
}

/// A line as a strict INI parser sees it.
enum Ini<'a> {
    Skip,
    Section(&'a [u8]),
    Key(&'a [u8]),
    Other,
}

fn ini_of_new(line: &[u8]) -> Ini<'_> {
    let first = &line[..lex::reader_line_len(line)];
    match lex::classify(first) {
        Entry::Blank | Entry::Comment => Ini::Skip,
        Entry::Group { name } => Ini::Section(&first[name]),
        Entry::Option(o) if !o.name.is_empty() => Ini::Key(&first[o.name]),
        _ => Ini::Other,
    }
}

fn ini_of_kept<'a>(doc: &'a Document, line: &Line) -> Ini<'a> {
    match line.kind {
        LineKind::Blank | LineKind::Comment => Ini::Skip,
        LineKind::Group => Ini::Section(doc.group_name(line).unwrap_or_default()),
        LineKind::Option | LineKind::Invalid(Invalid::OptionBeforeGroup) => {
            Ini::Key(doc.option_name(line).unwrap_or_default())
        }
        _ => Ini::Other,
    }
}

/// Why PyMySQL's strict INI parser (configparser) would refuse the edited file, if it would.
pub fn strict_ini_error(doc: &Document, edited: &Edited) -> Option<String> {
    let mut sections: HashSet<&[u8]> = HashSet::new();
    let mut keys: HashSet<String> = HashSet::new();
    let mut current: Option<&[u8]> = None;
    let mut number = 0usize;
    let mut error: Option<String> = None;
    edited.for_each_line(doc, |line| {
        number += 1;
        if error.is_some() {
            return;
        }
        let ini = match line {
            NewLine::Kept(l) => ini_of_kept(doc, l),
            NewLine::New(bytes) => ini_of_new(bytes),
        };
        match ini {
            Ini::Skip => {}
            Ini::Section(name) => {
                if !sections.insert(name) {
                    error = Some(format!(
                        "DuplicateSectionError: section [{}] appears twice (line {number})",
                        String::from_utf8_lossy(name),
                    ));
                }
                current = Some(name);
                keys.clear();
            }
            _ if current.is_none() => {
                error = Some(format!(
                    "MissingSectionHeaderError: line {number} comes before any [section]"
                ));
            }
            Ini::Key(name) => {
                let key = String::from_utf8_lossy(name).to_lowercase();
                if keys.contains(&key) {
                    error = Some(format!(
                        "DuplicateOptionError: option '{key}' appears twice in [{}] (line {number})",
                        String::from_utf8_lossy(current.unwrap_or_default()),
                    ));
                }
                keys.insert(key);
            }
            Ini::Other => {}
        }
    });
    error
}

/// Why a reader that decodes the edited file as UTF-8 (Connector/Python) would refuse it.
pub fn not_utf8_error(doc: &Document, edited: &Edited) -> Option<String> {
    // Lines end at a line feed, which is never inside a UTF-8 sequence: when the whole file as
    // read is UTF-8, so is every line kept from it, and only the new lines need a look.
    if std::str::from_utf8(doc.bytes()).is_ok()
        && edited
            .new_lines(doc)
            .iter()
            .all(|l| std::str::from_utf8(l).is_ok())
    {
        return None;
    }
    let mut number = 0usize;
    let mut error = None;
    edited.for_each_line(doc, |line| {
        number += 1;
        let bytes = match line {
            NewLine::Kept(l) => doc.raw(l),
            NewLine::New(bytes) => bytes,
        };
        if error.is_none() && std::str::from_utf8(bytes).is_err() {
            error = Some(format!("UnicodeDecodeError: line {number} is not UTF-8"));
        }
    });
    error
}

/// What the clients read: the whole chain, and the file alone (its own reading within the
/// chain, or a reading of its own when the chain does not reach it).
struct Read {
    chain: Vec<Opt>,
    alone: Vec<Opt>,
    notices: Vec<Notice>,
    files: Vec<PathBuf>,
}

fn read<'a>(
    files: &[ChainFile],
    file: &Path,
    groups: &'a GroupSet,
    open: Source<'a>,
    home: Option<&Path>,
) -> Read {
    let run = |files: &[ChainFile]| {
        let mut reader = Reader::new(groups, EdgeCollector::new(clients::names::is_tls_related))
            .with_overlay(file, open)
            .with_home(home.map(Path::to_path_buf));
        let _ = chain::read_chain(&mut reader, files);
        reader.into_visitor().finish()
    };
    let all = run(files);
    let abs = chain::fsio::absolute(file);
    let ours = all
        .tops
        .iter()
        .position(|t| chain::fsio::absolute(t) == abs);
    let alone = match ours {
        Some(i) => all
            .options
            .iter()
            .filter(|(t, _)| *t == i)
            .map(|(_, o)| o.clone())
            .collect(),
        None => {
            let only = [ChainFile {
                path: file.to_path_buf(),
                required: false,
            }];
            run(&only).options.into_iter().map(|(_, o)| o).collect()
        }
    };
    Read {
        chain: all.options.into_iter().map(|(_, o)| o).collect(),
        alone,
        notices: all.notices,
        files: all.files,
    }
}

/// Which clients a line overrides ours for.
fn for_whom(families: &[Family]) -> &'static str {
    match (
        families.contains(&Family::MysqlCli),
        families.contains(&Family::MariadbCli113),
    ) {
        (true, true) => "MySQL and MariaDB clients",
        (true, false) => "MySQL clients",
        _ => "MariaDB clients",
    }
}

/// Reviews `doc` with `edited` applied as the content of `file`.
#[allow(clippy::too_many_arguments)]
pub fn review(
    file: &Path,
    doc: &Document,
    edited: &Edited,
    settings: &[Setting],
    target: Target,
    env: &SearchEnv,
    platform: Platform,
) -> Review {
    let mut wanted: Vec<String> = clients::all_client_groups();
    wanted.extend(settings.iter().map(|s| s.group.clone()));
    let groups = GroupSet::new(&wanted, None);
    let home = env.home.as_deref();

    let open = || -> Box<dyn std::io::Read + '_> { Box::new(edited.reader(doc)) };
    let files = chain_for(file, env, platform);
    let read = read(&files, file, &groups, &open, home);
    let strict = strict_ini_error(doc, edited);
    let not_utf8 = not_utf8_error(doc, edited);
    let clients = clients::outcomes(
        &read.chain,
        &read.alone,
        clients::Refusals {
            strict_ini: strict.as_deref(),
            not_utf8: not_utf8.as_deref(),
        },
    );
    let overrides = overrides(file, &read.chain, settings, target);
    let blocked = blockers(file, &read.chain, settings, target);
    let abs = chain::fsio::absolute(file);
    let notices = read
        .notices
        .into_iter()
        .filter(|n| {
            n.location()
                .is_none_or(|(p, _)| chain::fsio::absolute(p) != abs)
        })
        .collect();
    Review {
        clients,
        overrides,
        blocked,
        chain: read.files,
        notices,
    }
}

/// Lines of other files that stop a family of the target that reads the whole chain, or that
/// weaken its TLS when read after ours (the judgement the plan makes on the file's own lines).
fn blockers(file: &Path, opts: &[Opt], settings: &[Setting], target: Target) -> Vec<Blocker> {
    let abs = chain::fsio::absolute(file);
    let ours_file = |o: &Opt| chain::fsio::absolute(&o.file) == abs;
    // Per line: the families it stops (with the first one's words), those it weakens.
    type Found = (Blocker, Vec<&'static str>, String, Vec<&'static str>);
    let mut found: Vec<Found> = Vec::new();
    for family in clients::covered(target) {
        if family.reads != clients::Reads::Chain {
            continue;
        }
        let groups = family.program_groups();
        let reads = |o: &Opt| groups.contains(&o.group.as_str()) && family.sees(&o.name);
        // Our lines as the chain has them: the last line of the file that sets each setting.
        let mut ours: Vec<(usize, &Opt)> = settings
            .iter()
            .filter_map(|s| {
                opts.iter()
                    .enumerate()
                    .rev()
                    .find(|(_, o)| {
                        ours_file(o)
                            && o.group.eq_ignore_ascii_case(&s.group)
                            && s.is_same_option(&o.name)
                    })
                    .filter(|(_, o)| reads(o))
            })
            .collect();
        ours.sort_by_key(|(k, _)| *k);
        let ours_opts: Vec<&Opt> = ours.iter().map(|(_, o)| *o).collect();
        for (k, o) in opts.iter().enumerate() {
            if ours_file(o) || !reads(o) {
                continue;
            }
            let stops = family.stops_on(&o.name);
            if !stops {
                let at = ours.iter().take_while(|(i, _)| *i < k).count();
                if !clients::outcome::weakens(family, &ours_opts, o, at) {
                    continue;
                }
            }
            let i = match found
                .iter()
                .position(|(b, ..)| *b.file == *o.file && b.line == o.line)
            {
                Some(i) => i,
                None => {
                    let mut line = o.raw_name.clone().into_bytes();
                    if let Some(v) = &o.value {
                        line.push(b'=');
                        line.extend_from_slice(v);
                    }
                    let text = crate::diagnostic::Masked::line(&line, &clients::is_secret)
                        .lossy()
                        .into_owned();
                    let b = Blocker {
                        file: o.file.to_path_buf(),
                        line: o.line,
                        group: o.group.clone(),
                        text,
                        why: String::new(),
                    };
                    found.push((b, Vec::new(), String::new(), Vec::new()));
                    found.len() - 1
                }
            };
            let (_, stopped, words, weakened) = &mut found[i];
            if stops {
                if stopped.is_empty() {
                    *words = family.stop_message(o);
                }
                stopped.push(family.label);
            } else {
                weakened.push(family.label);
            }
        }
    }
    found
        .into_iter()
        .map(|(mut b, stopped, words, weakened)| {
            let mut parts = Vec::new();
            if !stopped.is_empty() {
                parts.push(format!("stops {} ({words})", stopped.join(", ")));
            }
            if !weakened.is_empty() {
                parts.push(format!(
                    "weakens TLS for {} (it is read after our lines)",
                    weakened.join(", ")
                ));
            }
            b.why = parts.join("; ");
            b
        })
        .collect()
}

/// Lines of other files that win over one of ours for the command-line clients.
fn overrides(file: &Path, opts: &[Opt], settings: &[Setting], target: Target) -> Vec<Override> {
    let abs = chain::fsio::absolute(file);
    let mut families = vec![Family::MysqlCli];
    if target != Target::Mysql {
        families.push(Family::MariadbCli113);
    }
    let mut found: Vec<(Override, Vec<Family>)> = Vec::new();
    for s in settings {
        for &family in &families {
            let profile = family.profile();
            if !profile.knows(s.canonical) {
                continue;
            }
            let last = opts
                .iter()
                .rev()
                .filter(|o| profile.reads_group(&o.group) || o.group == s.group)
                .find(|o| s.is_same_option(&o.name));
            let Some(last) = last else { continue };
            if chain::fsio::absolute(&last.file) == abs
                || s.is_satisfied_by(&last.name, last.value.as_deref())
            {
                continue;
            }
            let line = last.line;
            match found
                .iter_mut()
                .find(|(o, _)| *o.file == *last.file && o.line == line)
            {
                Some((_, who)) => who.push(family),
                None => found.push((
                    Override {
                        file: last.file.to_path_buf(),
                        line,
                        group: last.group.clone(),
                        // Quoted in warnings and JSON: through the masking.
                        option: crate::diagnostic::Masked::name(
                            last.raw_name.as_bytes(),
                            &clients::is_secret,
                        )
                        .lossy()
                        .into_owned(),
                        value: last.value.as_deref().map(|v| {
                            crate::diagnostic::Masked::value(
                                last.raw_name.as_bytes(),
                                v,
                                &clients::is_secret,
                            )
                            .lossy()
                            .into_owned()
                        }),
                        overrides: s.canonical,
                        clients: String::new(),
                    },
                    vec![family],
                )),
            }
        }
    }
    found
        .into_iter()
        .map(|(mut o, who)| {
            o.clients = for_whom(&who).to_string();
            o
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict(text: &str) -> Option<String> {
        let doc = Document::parse(text.as_bytes().to_vec());
        strict_ini_error(&doc, &Edited::default())
    }

    #[test]
    fn duplicate_sections_and_keys_are_what_pymysql_refuses() {
        let dup = strict("[client]\na=1\n[mysqld]\n[client]\n").unwrap();
        assert!(dup.starts_with("DuplicateSectionError"), "{dup}");
        let key = strict("[client]\nssl-ca=1\nSSL-CA=2\n").unwrap();
        assert!(key.starts_with("DuplicateOptionError"), "{key}");
        let inc = strict("!includedir /etc/x\n[client]\n").unwrap();
        assert!(inc.starts_with("MissingSectionHeaderError"), "{inc}");
        assert_eq!(strict("[client]\na=1\n"), None);
    }

    #[test]
    fn the_strict_check_reads_the_edited_file() {
        use crate::optfile::edit::{Op, apply};
        let doc = Document::parse(b"[client]\na=1\n".to_vec());
        let edited = apply(
            &doc,
            &[Op::AppendGroup {
                group: "client".into(),
                options: vec![("b".into(), b"1".to_vec())],
            }],
        );
        let e = strict_ini_error(&doc, &edited).unwrap();
        assert!(e.contains("section [client] appears twice (line 4)"), "{e}");
    }
}
