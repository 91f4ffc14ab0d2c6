//! `mycnf-secure show`: the options a client will use, in reading order, each with file, line
//! and group, and the lines that later ones override.

use serde::Serialize;

use crate::chain::{
    self, Family, FileOptions, GroupSet, OptionCollector, Platform, Reader, SearchEnv, groups,
};
use crate::cli::{Exit, Format, ShowArgs};
use crate::tls::is_secret;

#[derive(Debug, Serialize)]
struct Shown {
    file: String,
    line: usize,
    group: String,
    name: String,
    value: Option<String>,
    /// Where the line that wins over this one is, if one does.
    overridden_by: Option<String>,
}

pub fn run(args: ShowArgs) -> Exit {
    let wanted: Vec<String> = if args.groups.is_empty() {
        // `mysql`, `mysqldump`, … are Oracle's programs; MariaDB's are `mariadb`, `mariadb-dump`, ….
        let family = if args.client.starts_with("mysql") || args.client == "libmysqlclient" {
            Family::MySql
        } else {
            Family::MariaDb
        };
        match groups::client_groups(family, &args.client) {
            Some(g) => g.into_iter().map(str::to_string).collect(),
            None => {
                eprintln!(
                    "error: unknown client {:?}; name the groups instead (show client mysql)",
                    args.client
                );
                return Exit::Usage;
            }
        }
    } else {
        args.groups.clone()
    };
    let set = GroupSet::new(&wanted, None);
    let opts = FileOptions {
        no_defaults: args.no_defaults,
        defaults_file: args.defaults_file.clone(),
        defaults_extra_file: args.defaults_extra_file.clone(),
    };
    let files = chain::chain_files(
        Family::MariaDb,
        Platform::current(),
        &SearchEnv::from_process(),
        &opts,
    );
    let mut reader = Reader::new(&set, OptionCollector::default());
    let fatal = chain::read_chain(&mut reader, &files).is_err();
    let collected = reader.into_visitor();
    for n in &collected.notices {
        eprintln!("{n}");
    }
    let all = &collected.options;
    let shown: Vec<Shown> = all
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let later = all[i + 1..]
                .iter()
                .rev()
                .find(|l| l.name.canonical == o.name.canonical && !l.name.maximum);
            let secret = is_secret(o.raw_name.as_bytes()) && !args.show_secrets;
            Shown {
                file: o.file.display().to_string(),
                line: o.line,
                group: o.group.clone(),
                name: o.raw_name.clone(),
                value: o.value.as_deref().map(|v| {
                    if secret {
                        "*****".to_string()
                    } else {
                        String::from_utf8_lossy(v).into_owned()
                    }
                }),
                overridden_by: later.map(|l| format!("{}:{}", l.file.display(), l.line)),
            }
        })
        .collect();
    let text = match args.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "schema": "mycnf-secure/show/v1",
                "groups": wanted,
                "files": collected.files,
                "fatal": fatal,
                "options": shown,
            }))
            .expect("serialisable");
            s.push('\n');
            s
        }
        Format::Text => {
            let mut s = format!("groups read: {}\n", wanted.join(" "));
            let width = shown
                .iter()
                .map(|o| o.file.len() + o.line.to_string().len() + 1)
                .max()
                .unwrap_or(0);
            for o in &shown {
                let loc = format!("{}:{}", o.file, o.line);
                let opt = match &o.value {
                    Some(v) => format!("{}={}", o.name, crate::diagnostic::sanitize(v.as_bytes())),
                    None => o.name.clone(),
                };
                let over = o
                    .overridden_by
                    .as_ref()
                    .map(|w| format!("   (overridden by {w})"))
                    .unwrap_or_default();
                s.push_str(&format!("{loc:<width$}  [{}] {opt}{over}\n", o.group));
            }
            if fatal {
                s.push_str(
                    "the clients stop reading here: a fatal error in an option file (see above)\n",
                );
            }
            s
        }
    };
    if let Err(e) = super::output::emit(text.as_bytes()) {
        return e;
    }
    if fatal {
        Exit::InvalidInput
    } else {
        Exit::Success
    }
}
