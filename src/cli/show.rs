//! `mycnf-secure show`: the options a client will use, in reading order, each with file, line
//! and group, and the lines that later ones override.

use std::collections::HashMap;

use serde::Serialize;

use mycnf_secure::chain::{self, FileOptions, GroupSet, OptionCollector, Reader, Vendor};
use mycnf_secure::clients::{self, programs};
use mycnf_secure::diagnostic::sanitize;

use crate::cli::{Exit, Format, ShowArgs, output};

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

/// The groups to show: the ones named, else those of `--client`.
fn groups(args: &ShowArgs) -> Result<Vec<String>, Exit> {
    if !args.groups.is_empty() {
        return Ok(args.groups.clone());
    }
    match programs::program(&args.client) {
        Some(p) => Ok(p.groups.iter().map(|g| g.to_string()).collect()),
        None => {
            output::error(&format!(
                "error: unknown client {:?}; name the groups instead (show client mysql)",
                args.client
            ));
            Err(Exit::Usage)
        }
    }
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
    let mut reader = Reader::new(&set, OptionCollector::default()).with_home(env.home.clone());
    let fatal = chain::read_chain(&mut reader, &files).is_err();
    let collected = reader.into_visitor();
    for n in &collected.notices {
        output::error(&sanitize(n.to_string().as_bytes()));
    }
    let shown = shown(&collected.options, args.show_secrets);
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
        Format::Text => text(&wanted, &shown, fatal),
    };
    if let Err(e) = output::emit(text.as_bytes()) {
        return e;
    }
    if fatal {
        Exit::InvalidInput
    } else {
        Exit::Success
    }
}

/// Each option with the line that wins over it: the last line of the same option, when that
/// is a later one.
fn shown(all: &[mycnf_secure::optfile::Opt], show_secrets: bool) -> Vec<Shown> {
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, o) in all.iter().enumerate() {
        if !o.name.maximum {
            last.insert(o.name.canonical.as_str(), i);
        }
    }
    all.iter()
        .enumerate()
        .map(|(i, o)| {
            let later = last
                .get(o.name.canonical.as_str())
                .filter(|&&j| j > i)
                .map(|&j| &all[j]);
            let secret = clients::is_secret(o.raw_name.as_bytes()) && !show_secrets;
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
        .collect()
}

fn text(wanted: &[String], shown: &[Shown], fatal: bool) -> String {
    let mut s = format!("groups read: {}\n", wanted.join(" "));
    let width = shown
        .iter()
        .map(|o| o.file.len() + o.line.to_string().len() + 1)
        .max()
        .unwrap_or(0);
    for o in shown {
        let loc = format!("{}:{}", o.file, o.line);
        let name = sanitize(o.name.as_bytes());
        let opt = match &o.value {
            Some(v) => format!("{name}={}", sanitize(v.as_bytes())),
            None => name,
        };
        let over = o
            .overridden_by
            .as_ref()
            .map(|w| format!("   (overridden by {w})"))
            .unwrap_or_default();
        s.push_str(&format!(
            "{loc:<width$}  [{}] {opt}{over}\n",
            sanitize(o.group.as_bytes())
        ));
    }
    if fatal {
        s.push_str("the clients stop reading here: a fatal error in an option file (see above)\n");
    }
    s
}
