//! Checks a planned file against everything that reads it: the clients' whole read chain (with
//! the planned content in place of the file), so that overrides in other files are found and
//! the client table reflects what the clients will really get.

use std::path::{Path, PathBuf};

use serde::Serialize;

use std::collections::HashSet;
use std::io::BufRead;

use crate::chain::reader::Source;
use crate::chain::{
    self, ChainFile, FileOptions, GroupSet, Notice, OptionCollector, Platform, Reader, SearchEnv,
    Vendor,
};
use crate::clients::{self, Family, Outcome, Setting, Target};
use crate::optfile::edit::Edited;
use crate::optfile::{Document, Entry, Opt, lex};

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

#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub clients: Vec<Outcome>,
    pub overrides: Vec<Override>,
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

/// Physical line numbers for the reader's line numbers of other files, each file parsed once.
#[derive(Default)]
struct PhysicalLines {
    docs: std::collections::HashMap<PathBuf, Option<Document>>,
}

impl PhysicalLines {
    /// The file's own line number for the reader's line `n` (they differ after a line over
    /// 4094 bytes).
    fn get(&mut self, path: &Path, n: usize) -> usize {
        let doc = self
            .docs
            .entry(path.to_path_buf())
            .or_insert_with(|| std::fs::read(path).ok().map(Document::parse));
        doc.as_ref().map_or(n, |d| d.physical_line(n))
    }
}

/// Why PyMySQL's strict INI parser (configparser) would refuse the file, if it would.
pub fn strict_ini_error(mut input: impl BufRead) -> Option<String> {
    let mut sections: HashSet<Vec<u8>> = HashSet::new();
    let mut keys: HashSet<String> = HashSet::new();
    let mut current: Option<Vec<u8>> = None;
    let mut buf = Vec::new();
    let mut number = 0usize;
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf).ok()? == 0 {
            return None;
        }
        number += 1;
        let first = &buf[..lex::reader_line_len(&buf)];
        match lex::classify(first) {
            Entry::Blank | Entry::Comment => {}
            Entry::Group { name } => {
                let name = first[name].to_vec();
                if !sections.insert(name.clone()) {
                    return Some(format!(
                        "DuplicateSectionError: section [{}] appears twice (line {number})",
                        String::from_utf8_lossy(&name),
                    ));
                }
                current = Some(name);
                keys.clear();
            }
            _ if current.is_none() => {
                return Some(format!(
                    "MissingSectionHeaderError: line {number} comes before any [section]"
                ));
            }
            Entry::Option(o) if !o.name.is_empty() => {
                let key = String::from_utf8_lossy(&first[o.name]).to_lowercase();
                if keys.contains(&key) {
                    return Some(format!(
                        "DuplicateOptionError: option '{key}' appears twice in [{}] (line {number})",
                        String::from_utf8_lossy(current.as_deref().unwrap_or_default()),
                    ));
                }
                keys.insert(key);
            }
            _ => {}
        }
    }
}

fn collect<'a>(
    files: &[ChainFile],
    groups: &'a GroupSet,
    overlay: (&Path, Source<'a>),
    home: Option<&Path>,
) -> OptionCollector {
    let mut reader = Reader::new(
        groups,
        OptionCollector::keeping(clients::names::is_tls_related),
    )
    .with_overlay(overlay.0, overlay.1)
    .with_home(home.map(Path::to_path_buf));
    let _ = chain::read_chain(&mut reader, files);
    reader.into_visitor()
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
    let chain = collect(&files, &groups, (file, &open), home);
    let alone = collect(
        &[ChainFile {
            path: file.to_path_buf(),
            required: false,
        }],
        &groups,
        (file, &open),
        home,
    );
    let strict = strict_ini_error(std::io::BufReader::with_capacity(
        1 << 16,
        edited.reader(doc),
    ));
    let clients = clients::outcomes(&chain.options, &alone.options, strict.as_deref());
    let overrides = overrides(file, &chain.options, settings, target);
    let abs = chain::fsio::absolute(file);
    let notices = chain
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
        chain: chain.files,
        notices,
    }
}

/// Lines of other files that win over one of ours for the command-line clients.
fn overrides(file: &Path, opts: &[Opt], settings: &[Setting], target: Target) -> Vec<Override> {
    let abs = chain::fsio::absolute(file);
    let mut families = vec![Family::MysqlCli];
    if target != Target::Mysql {
        families.push(Family::MariadbCli113);
    }
    let mut lines = PhysicalLines::default();
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
            let line = lines.get(&last.file, last.line);
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
                        option: last.raw_name.clone(),
                        value: last
                            .value
                            .as_deref()
                            .map(|v| String::from_utf8_lossy(v).into_owned()),
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

    #[test]
    fn duplicate_sections_and_keys_are_what_pymysql_refuses() {
        let dup = &b"[client]\na=1\n[mysqld]\n[client]\n"[..];
        assert!(
            strict_ini_error(dup)
                .unwrap()
                .starts_with("DuplicateSectionError")
        );
        let key = &b"[client]\nssl-ca=1\nSSL-CA=2\n"[..];
        assert!(
            strict_ini_error(key)
                .unwrap()
                .starts_with("DuplicateOptionError")
        );
        let inc = &b"!includedir /etc/x\n[client]\n"[..];
        assert!(
            strict_ini_error(inc)
                .unwrap()
                .starts_with("MissingSectionHeaderError")
        );
        assert_eq!(strict_ini_error(&b"[client]\na=1\n"[..]), None);
    }
}
