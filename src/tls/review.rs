//! Checks a planned file against everything that reads it: the clients' whole read chain (with
//! the planned content in place of the file), so that overrides in other files are found and
//! the client table reflects what the clients will really get.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::chain::{
    self, ChainFile, Family, FileOptions, GroupSet, Notice, OptionCollector, Platform, Reader,
    SearchEnv,
};
use crate::optfile::{Document, LineKind};

use super::outcome::{self, Opt, Outcome};
use super::{Setting, Target};

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
pub fn chain_for(file: &Path, env: &SearchEnv) -> Vec<ChainFile> {
    let list = chain::chain_files(
        Family::MariaDb,
        Platform::current(),
        env,
        &FileOptions::default(),
    );
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

/// The file's own line number for the reader's line `n` (they differ after a line over 4094
/// bytes).
fn physical_line(path: &Path, n: usize) -> usize {
    std::fs::read(path).map_or(n, |b| Document::parse(b).physical_line(n))
}

/// Why PyMySQL's strict INI parser (configparser) would refuse the file, if it would.
pub fn strict_ini_error(doc: &Document) -> Option<String> {
    let mut sections: Vec<&[u8]> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut current: Option<&[u8]> = None;
    for line in doc.lines() {
        match line.kind {
            LineKind::Blank | LineKind::Comment => {}
            LineKind::Group => {
                let name = doc.group_name(line).unwrap_or_default();
                if sections.contains(&name) {
                    return Some(format!(
                        "DuplicateSectionError: section [{}] appears twice (line {})",
                        String::from_utf8_lossy(name),
                        line.number
                    ));
                }
                sections.push(name);
                current = Some(name);
                keys.clear();
            }
            _ if current.is_none() => {
                return Some(format!(
                    "MissingSectionHeaderError: line {} comes before any [section]",
                    line.number
                ));
            }
            LineKind::Option => {
                let key = String::from_utf8_lossy(doc.option_name(line).unwrap_or_default())
                    .to_lowercase();
                if keys.contains(&key) {
                    return Some(format!(
                        "DuplicateOptionError: option '{key}' appears twice in [{}] (line {})",
                        String::from_utf8_lossy(current.unwrap_or_default()),
                        line.number
                    ));
                }
                keys.push(key);
            }
            _ => {}
        }
    }
    None
}

fn collect(files: &[ChainFile], groups: &GroupSet, overlay: (&Path, &[u8])) -> OptionCollector {
    let mut reader =
        Reader::new(groups, OptionCollector::default()).with_overlay(overlay.0, overlay.1.to_vec());
    let _ = chain::read_chain(&mut reader, files);
    reader.into_visitor()
}

/// Reviews `new` as the content of `file`.
pub fn review(
    file: &Path,
    new: &[u8],
    settings: &[Setting],
    target: Target,
    env: &SearchEnv,
) -> Review {
    let mut wanted: Vec<String> = super::target_groups(target, None);
    wanted.push("connector_python".into());
    wanted.extend(settings.iter().map(|s| s.group.clone()));
    let groups = GroupSet::new(&wanted, None);

    let files = chain_for(file, env);
    let chain = collect(&files, &groups, (file, new));
    let alone = collect(
        &[ChainFile {
            path: file.to_path_buf(),
            required: false,
        }],
        &groups,
        (file, new),
    );
    let doc = Document::parse(new.to_vec());
    let clients = outcome::outcomes(
        &chain.options,
        &alone.options,
        strict_ini_error(&doc).as_deref(),
    );

    let abs = chain::fsio::absolute(file);
    let mut overrides = Vec::new();
    let families: [(&'static str, &[&str]); 2] = [
        ("MySQL clients", &["mysql", "client"]),
        (
            "MariaDB clients",
            &[
                "mysql",
                "mariadb-client",
                "client",
                "client-server",
                "client-mariadb",
            ],
        ),
    ];
    for s in settings {
        for (clients_name, groups) in families {
            if target == Target::Mysql && clients_name == "MariaDB clients" {
                continue;
            }
            if s.canonical == "ssl-verify-server-cert" && clients_name == "MySQL clients" {
                continue;
            }
            let relevant: Vec<&Opt> = chain
                .options
                .iter()
                .filter(|o| groups.contains(&o.group.as_str()) || o.group == s.group)
                .filter(|o| s.is_same_option(&o.name))
                .collect();
            let Some(last) = relevant.last() else {
                continue;
            };
            if chain::fsio::absolute(&last.file) == abs
                || s.is_satisfied_by(&last.name, last.value.as_deref())
            {
                continue;
            }
            let line = physical_line(&last.file, last.line);
            match overrides
                .iter_mut()
                .find(|o: &&mut Override| o.file == last.file && o.line == line)
            {
                Some(o) => o.clients = "MySQL and MariaDB clients".to_string(),
                None => overrides.push(Override {
                    file: last.file.clone(),
                    line,
                    group: last.group.clone(),
                    option: last.raw_name.clone(),
                    value: last
                        .value
                        .as_deref()
                        .map(|v| String::from_utf8_lossy(v).into_owned()),
                    overrides: s.canonical,
                    clients: clients_name.to_string(),
                }),
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_sections_and_keys_are_what_pymysql_refuses() {
        let dup = Document::parse(b"[client]\na=1\n[mysqld]\n[client]\n".to_vec());
        assert!(
            strict_ini_error(&dup)
                .unwrap()
                .starts_with("DuplicateSectionError")
        );
        let key = Document::parse(b"[client]\nssl-ca=1\nSSL-CA=2\n".to_vec());
        assert!(
            strict_ini_error(&key)
                .unwrap()
                .starts_with("DuplicateOptionError")
        );
        let inc = Document::parse(b"!includedir /etc/x\n[client]\n".to_vec());
        assert!(
            strict_ini_error(&inc)
                .unwrap()
                .starts_with("MissingSectionHeaderError")
        );
        assert_eq!(
            strict_ini_error(&Document::parse(b"[client]\na=1\n".to_vec())),
            None
        );
    }
}
