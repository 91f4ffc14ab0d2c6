//! Where `add-ca`'s lines go in a document: edit the option in place when the group has it,
//! else add it at the end of the group's last block, else append the group; comment out later
//! lines of the same file that would override ours.

use crate::chain::GroupSet;
use crate::clients::{self, Family, Setting, Vendor};
use crate::optfile::edit::{self, Edited, NewOptions, Op};
use crate::optfile::{Document, EncodeError, Entry, OptionName, encode_value};

/// What the plan does to one line of the original file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// 1-based line in the original file (0 for lines appended at the end).
    pub line: usize,
    pub action: Action,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Replaced,
    CommentedOut,
    Added,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub ops: Vec<Op>,
    pub changes: Vec<Change>,
    pub edited: Edited,
}

impl Plan {
    pub fn changed(&self) -> bool {
        !self.ops.is_empty()
    }
}

pub const COMMENT_REASON: &str = "overridden TLS setting disabled by mycnf-secure";
pub const MYSQL_ONLY_REASON: &str =
    "MySQL-only option that stops MariaDB clients, disabled by mycnf-secure";

/// Plans the edits that make `doc` hold `settings` as the last word for the clients that read
/// `target_groups`. With `mariadb_reads`, lines MariaDB clients stop on (a bare `ssl-mode` and
/// the other MySQL-only options, in a group they read) are commented out too: after the edit
/// every client must still start.
pub fn plan(
    doc: &Document,
    settings: &[Setting],
    target_groups: &GroupSet,
    mariadb_reads: bool,
) -> Result<Plan, EncodeError> {
    let lines = doc.lines();
    let group_of =
        |i: usize| -> Option<&[u8]> { lines[i].group.and_then(|h| doc.group_name(&lines[h])) };
    let option_at = |i: usize| -> Option<(OptionName, Option<Vec<u8>>)> {
        match &lines[i].entry {
            Entry::Option(_) if lines[i].kind == crate::optfile::LineKind::Option => Some((
                OptionName::parse(doc.option_name(&lines[i])?),
                doc.option_value(&lines[i]),
            )),
            _ => None,
        }
    };

    let mut ops: Vec<Op> = Vec::new();
    let mut changes = Vec::new();
    let mut appended: Vec<(String, NewOptions)> = Vec::new();
    let mut commented: Vec<usize> = Vec::new();

    for s in settings {
        let wanted = GroupSet::new([s.group.as_bytes()], None);
        let in_group: Vec<usize> = (0..lines.len())
            .filter(|&i| group_of(i).is_some_and(|g| wanted.matches(g)))
            .collect();
        let existing = in_group
            .iter()
            .rev()
            .copied()
            .find(|&i| option_at(i).is_some_and(|(n, _)| s.is_same_option(&n)));
        let encoded = encode_value(&s.value)?;
        let anchor: Option<usize> = match existing {
            Some(i) => {
                let (n, v) = option_at(i).expect("an option line");
                if !s.is_satisfied_by(&n, v.as_deref()) {
                    ops.push(Op::ReplaceOption {
                        line: i,
                        name: s.name.to_string(),
                        value: encoded.clone(),
                    });
                    changes.push(Change {
                        line: lines[i].number,
                        action: Action::Replaced,
                        text: format!("{}={}", s.name, String::from_utf8_lossy(&encoded)),
                    });
                }
                Some(i)
            }
            None => {
                // The last block of the group: after its last option or directive line.
                let last_header = in_group
                    .iter()
                    .rev()
                    .copied()
                    .find(|&i| lines[i].group == Some(i));
                match last_header {
                    Some(h) => {
                        let after = (h..lines.len())
                            .take_while(|&i| i == h || lines[i].group == Some(h))
                            .filter(|&i| {
                                !matches!(
                                    lines[i].kind,
                                    crate::optfile::LineKind::Blank
                                        | crate::optfile::LineKind::Comment
                                )
                            })
                            .last()
                            .unwrap_or(h);
                        let option = (s.name.to_string(), encoded.clone());
                        match ops.iter_mut().find_map(|op| match op {
                            Op::InsertAfter { line, options } if *line == after => Some(options),
                            _ => None,
                        }) {
                            Some(options) => options.push(option),
                            None => ops.push(Op::InsertAfter {
                                line: after,
                                options: vec![option],
                            }),
                        }
                        changes.push(Change {
                            line: lines[after].number,
                            action: Action::Added,
                            text: format!(
                                "{}={} in [{}]",
                                s.name,
                                String::from_utf8_lossy(&encoded),
                                s.group
                            ),
                        });
                        Some(after)
                    }
                    None => {
                        let option = (s.name.to_string(), encoded.clone());
                        match appended.iter_mut().find(|(g, _)| *g == s.group) {
                            Some((_, options)) => options.push(option),
                            None => appended.push((s.group.clone(), vec![option])),
                        }
                        changes.push(Change {
                            line: 0,
                            action: Action::Added,
                            text: format!(
                                "{}={} in a new [{}] block at the end",
                                s.name,
                                String::from_utf8_lossy(&encoded),
                                s.group
                            ),
                        });
                        None
                    }
                }
            }
        };
        // Later lines that would undo ours, in any group the target clients read.
        if let Some(anchor) = anchor {
            for (i, line) in lines.iter().enumerate().skip(anchor + 1) {
                if commented.contains(&i) || existing == Some(i) {
                    continue;
                }
                let Some(g) = group_of(i) else { continue };
                if !target_groups.matches(g) {
                    continue;
                }
                if let Some((n, v)) = option_at(i)
                    && s.is_contradicted_by(&n, v.as_deref())
                {
                    commented.push(i);
                    ops.push(Op::CommentOut {
                        line: i,
                        reason: COMMENT_REASON.to_string(),
                    });
                    changes.push(Change {
                        line: line.number,
                        action: Action::CommentedOut,
                        text: String::from_utf8_lossy(doc.raw(line).trim_ascii()).into_owned(),
                    });
                }
            }
        }
    }
    if mariadb_reads {
        // Every MariaDB program's groups: `[mysqldump]` stops mariadb-dump, and so on.
        let mariadb = GroupSet::new(clients::programs::groups_of(&[Vendor::Mariadb]), None);
        let stops = Family::MariadbCli113.profile();
        let replaced: Vec<usize> = ops
            .iter()
            .filter_map(|op| match op {
                Op::ReplaceOption { line, .. } => Some(*line),
                _ => None,
            })
            .collect();
        for (i, line) in lines.iter().enumerate() {
            if commented.contains(&i) || replaced.contains(&i) {
                continue;
            }
            let Some(g) = group_of(i) else { continue };
            if let Some((n, _)) = option_at(i)
                && mariadb.matches(g)
                && stops.stops_on(&n)
            {
                ops.push(Op::CommentOut {
                    line: i,
                    reason: MYSQL_ONLY_REASON.to_string(),
                });
                changes.push(Change {
                    line: line.number,
                    action: Action::CommentedOut,
                    text: String::from_utf8_lossy(doc.raw(line).trim_ascii()).into_owned(),
                });
            }
        }
    }
    for (group, options) in appended {
        ops.push(Op::AppendGroup { group, options });
    }
    let edited = edit::apply(doc, &ops);
    Ok(Plan {
        ops,
        changes,
        edited,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::settings::settings;
    use crate::clients::{Mode, Target, target_groups};

    fn run(input: &str, target: Target, mode: Mode) -> String {
        let doc = Document::parse(input.as_bytes().to_vec());
        let s = settings(target, mode, b"/etc/ca.pem", None);
        let groups = GroupSet::new(target_groups(target, None), None);
        let mariadb = target != Target::Mysql;
        String::from_utf8(plan(&doc, &s, &groups, mariadb).unwrap().edited.bytes).unwrap()
    }

    #[test]
    fn an_empty_file_gets_new_blocks() {
        assert_eq!(
            run("", Target::Mixed, Mode::VerifyIdentity),
            "[client]\nssl-ca=/etc/ca.pem\nloose-ssl-mode=VERIFY_IDENTITY\n\n[client-mariadb]\nssl-verify-server-cert=1\n"
        );
    }

    #[test]
    fn an_existing_option_is_edited_in_place_in_any_spelling() {
        assert_eq!(
            run(
                "[client]\nSSL_CA = /old.pem\nuser = a\n",
                Target::Mixed,
                Mode::VerifyCa
            ),
            "[client]\nssl-ca = /etc/ca.pem\nuser = a\nloose-ssl-mode = VERIFY_CA\n"
        );
    }

    #[test]
    fn lines_go_at_the_end_of_the_last_block_of_the_group() {
        let out = run(
            "[client]\nuser=a\n\n[mysqld]\nport=1\n\n[client]\nhost=h\n\n# trailing comment\n",
            Target::Mysql,
            Mode::VerifyCa,
        );
        assert_eq!(
            out,
            "[client]\nuser=a\n\n[mysqld]\nport=1\n\n[client]\nhost=h\nssl-ca=/etc/ca.pem\nssl-mode=VERIFY_CA\n\n# trailing comment\n"
        );
    }

    #[test]
    fn later_contradictions_are_commented_out() {
        let out = run(
            "[client]\nssl-ca=/etc/ca.pem\n[mysql]\nssl-mode=PREFERRED\nskip-ssl\n[mysqld]\nskip-ssl\n",
            Target::Mixed,
            Mode::VerifyCa,
        );
        assert_eq!(
            out,
            "[client]\nssl-ca=/etc/ca.pem\nloose-ssl-mode=VERIFY_CA\n[mysql]\n# overridden TLS setting disabled by mycnf-secure: ssl-mode=PREFERRED\n# overridden TLS setting disabled by mycnf-secure: skip-ssl\n[mysqld]\nskip-ssl\n"
        );
    }

    #[test]
    fn a_bare_ssl_mode_that_would_stop_mariadb_clients_is_disabled_unless_the_target_is_mysql() {
        let input = "[mysql]\nssl-mode=VERIFY_CA\n\n[client]\nuser=a\n";
        let mixed = run(input, Target::Mixed, Mode::VerifyCa);
        assert!(mixed.starts_with(
            "[mysql]\n# MySQL-only option that stops MariaDB clients, disabled by mycnf-secure: ssl-mode=VERIFY_CA\n"
        ), "{mixed}");
        let mariadb = run(input, Target::Mariadb, Mode::VerifyCa);
        assert!(mariadb.contains("# MySQL-only option"), "{mariadb}");
        let mysql = run(input, Target::Mysql, Mode::VerifyCa);
        assert!(
            mysql.starts_with("[mysql]\nssl-mode=VERIFY_CA\n"),
            "{mysql}"
        );
    }

    #[test]
    fn a_second_run_changes_nothing() {
        let once = run("[client]\nuser=a\n", Target::Mixed, Mode::VerifyIdentity);
        assert_eq!(run(&once, Target::Mixed, Mode::VerifyIdentity), once);
    }
}
