//! Where `add-ca`'s lines go in a document: edit the option in place when the group has it,
//! else add it at the end of the group's last block, else append the group; comment out later
//! lines of the same file that would override ours, lines read after ours that would weaken TLS
//! for a client family of the target, and lines that would stop one (as the client model in
//! [`crate::clients::outcome`] judges them: the plan and the client table agree).

use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use crate::chain::GroupSet;
use crate::clients::outcome::Baseline;
use crate::clients::{self, Profile, Setting, Target};
use crate::optfile::edit::{self, Edited, NewOptions, Op};
use crate::optfile::{Document, EncodeError, LineKind, Opt, OptionName, encode_value};

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
    /// Lines the plan writes besides the settings it was given (a line moved to another
    /// group): the edit holds them, so the read-back check must expect them.
    pub added: Vec<Setting>,
}

impl Plan {
    pub fn changed(&self) -> bool {
        !self.ops.is_empty()
    }
}

pub const COMMENT_REASON: &str = "overridden TLS setting disabled by mycnf-secure";

/// An option line of the file that may matter to TLS: its group header (an index into
/// [`Index::headers`]) and its name (an index into [`Index::names`]).
struct Relevant {
    line: u32,
    header: u32,
    name: u32,
}

impl Relevant {
    fn line(&self) -> usize {
        self.line as usize
    }
}

/// A group header: its line, its name, whether the target clients read it, and which of the
/// target's families ([`clients::covered`], by index) read it.
struct Header {
    line: usize,
    name: Vec<u8>,
    target: bool,
    read_by: Vec<bool>,
}

/// One pass over the file: its group headers and its TLS option lines, each distinct spelling
/// parsed once.
struct Index {
    headers: Vec<Header>,
    relevant: Vec<Relevant>,
    names: Vec<OptionName>,
}

impl Index {
    fn new(doc: &Document, target_groups: &GroupSet, families: &[GroupSet]) -> Index {
        let mut headers: Vec<Header> = Vec::new();
        let mut relevant = Vec::new();
        let mut names = Vec::new();
        let mut ids: HashMap<&[u8], usize> = HashMap::default();
        // Who reads a group, by its name as written: a file repeats its few group names.
        let mut readers: HashMap<&[u8], (bool, Vec<bool>)> = HashMap::default();
        for (i, line) in doc.lines().iter().enumerate() {
            match line.kind {
                LineKind::Group => {
                    let name = doc.group_name(line).unwrap_or_default();
                    let (target, read_by) = readers.entry(name).or_insert_with(|| {
                        (
                            target_groups.matches(name),
                            families.iter().map(|f| f.matches(name)).collect(),
                        )
                    });
                    headers.push(Header {
                        line: i,
                        target: *target,
                        read_by: read_by.clone(),
                        name: name.to_vec(),
                    });
                }
                LineKind::Option => {
                    let Some(name) = doc.option_name(line) else {
                        continue;
                    };
                    if line.group().is_none() || !clients::names::is_tls_related(name) {
                        continue;
                    }
                    let id = *ids.entry(name).or_insert_with(|| {
                        names.push(OptionName::parse(name));
                        names.len() - 1
                    });
                    let small = |n: usize| u32::try_from(n).expect("fewer than 4 billion lines");
                    relevant.push(Relevant {
                        line: small(i),
                        header: small(headers.len() - 1),
                        name: small(id),
                    });
                }
                _ => {}
            }
        }
        Index {
            headers,
            relevant,
            names,
        }
    }

    fn header(&self, r: &Relevant) -> &Header {
        &self.headers[r.header as usize]
    }

    fn name(&self, r: &Relevant) -> &OptionName {
        &self.names[r.name as usize]
    }
}

/// Plans the edits that make `doc` hold `settings` as the last word for the clients that read
/// `target_groups`, and leave every family of `target` ([`clients::covered`]) started and with
/// TLS as strong as our lines make it: a line that stops one of them, or that weakens TLS for
/// one when read after ours, is commented out (in every group the family's programs read);
/// `ssl-verify-server-cert` switched on where MySQL clients read it moves to the MariaDB
/// clients' own group when the target has both. Linear in the size of the file.
pub fn plan(
    doc: &Document,
    settings: &[Setting],
    target_groups: &GroupSet,
    target: Target,
) -> Result<Plan, EncodeError> {
    let covered = clients::covered(target);
    let family_groups: Vec<GroupSet> = covered
        .iter()
        .map(|f| GroupSet::new(f.program_groups(), None))
        .collect();
    let index = Index::new(doc, target_groups, &family_groups);
    let mut p = Planner {
        doc,
        index: &index,
        ops: Vec::new(),
        changes: Vec::new(),
        appended: Vec::new(),
        touched: vec![false; doc.lines().len()],
        anchors: Vec::new(),
    };
    let added = p.moved(settings, &covered);
    for s in settings.iter().chain(&added) {
        p.setting(s)?;
    }
    p.stoppers_and_weakeners(&covered, &family_groups);
    let Planner {
        mut ops,
        changes,
        appended,
        ..
    } = p;
    for (group, options) in appended {
        ops.push(Op::AppendGroup { group, options });
    }
    let edited = edit::apply(doc, &ops);
    Ok(Plan {
        ops,
        changes,
        edited,
        added,
    })
}

/// Where one of our lines sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    /// An existing line of the file (kept or edited in place).
    On(usize),
    /// A new line inserted after this line.
    After(usize),
    /// A new block at the end of the file.
    End,
}

impl Anchor {
    /// The reading order: line `i` of the file is `2 * i`.
    fn order(self) -> usize {
        match self {
            Anchor::On(i) => 2 * i,
            Anchor::After(i) => 2 * i + 1,
            Anchor::End => usize::MAX,
        }
    }
}

struct Planner<'a> {
    doc: &'a Document,
    index: &'a Index,
    ops: Vec<Op>,
    changes: Vec<Change>,
    appended: Vec<(String, NewOptions)>,
    /// Lines already replaced or commented out.
    touched: Vec<bool>,
    /// Each setting placed, with where it is read: [`Planner::order`] of its line.
    anchors: Vec<(Setting, Anchor)>,
}

impl Planner<'_> {
    fn text(&self, i: usize) -> String {
        let line = &self.doc.lines()[i];
        let shown = crate::diagnostic::Masked::line(self.doc.raw(line), &clients::is_secret);
        String::from_utf8_lossy(shown.bytes().trim_ascii()).into_owned()
    }

    fn setting(&mut self, s: &Setting) -> Result<(), EncodeError> {
        let lines = self.doc.lines();
        let wanted = GroupSet::new([s.group.as_bytes()], None);
        let in_group: Vec<bool> = self
            .index
            .headers
            .iter()
            .map(|h| wanted.matches(&h.name))
            .collect();
        let existing = self
            .index
            .relevant
            .iter()
            .rev()
            .find(|r| in_group[r.header as usize] && s.is_same_option(self.index.name(r)))
            .map(Relevant::line);
        let encoded = encode_value(&s.value)?;
        let anchor = match existing {
            Some(i) => {
                let value = self.doc.option_value(&lines[i]);
                let name = OptionName::parse(self.doc.option_name(&lines[i]).unwrap_or_default());
                if !s.is_satisfied_by(&name, value.as_deref()) {
                    self.ops.push(Op::ReplaceOption {
                        line: i,
                        name: s.name.to_string(),
                        value: encoded.clone(),
                    });
                    self.touched[i] = true;
                    self.changes.push(Change {
                        line: lines[i].number(),
                        action: Action::Replaced,
                        text: format!("{}={}", s.name, String::from_utf8_lossy(&encoded)),
                    });
                }
                Some(i)
            }
            None => self.add(s, &encoded, &in_group),
        };
        let at = match (existing, anchor) {
            (Some(i), _) => Anchor::On(i),
            (None, Some(i)) => Anchor::After(i),
            (None, None) => Anchor::End,
        };
        self.anchors.push((s.clone(), at));
        if let Some(anchor) = anchor {
            self.comment_out_later(s, anchor, existing);
        }
        Ok(())
    }

    /// Adds the line at the end of the group's last block, or in a new block at the end.
    fn add(&mut self, s: &Setting, encoded: &[u8], in_group: &[bool]) -> Option<usize> {
        let lines = self.doc.lines();
        let last_header = (0..in_group.len())
            .rev()
            .find(|&h| in_group[h])
            .map(|h| self.index.headers[h].line);
        let option = (s.name.to_string(), encoded.to_vec());
        let Some(h) = last_header else {
            match self.appended.iter_mut().find(|(g, _)| *g == s.group) {
                Some((_, options)) => options.push(option),
                None => self.appended.push((s.group.clone(), vec![option])),
            }
            self.changes.push(Change {
                line: 0,
                action: Action::Added,
                text: format!(
                    "{}={} in a new [{}] block at the end",
                    s.name,
                    String::from_utf8_lossy(encoded),
                    s.group
                ),
            });
            return None;
        };
        // After the block's last option or directive line.
        let after = (h..lines.len())
            .take_while(|&i| i == h || lines[i].group() == Some(h))
            .filter(|&i| !matches!(lines[i].kind, LineKind::Blank | LineKind::Comment))
            .last()
            .unwrap_or(h);
        match self.ops.iter_mut().find_map(|op| match op {
            Op::InsertAfter { line, options } if *line == after => Some(options),
            _ => None,
        }) {
            Some(options) => options.push(option),
            None => self.ops.push(Op::InsertAfter {
                line: after,
                options: vec![option],
            }),
        }
        self.changes.push(Change {
            line: lines[after].number(),
            action: Action::Added,
            text: format!(
                "{}={} in [{}]",
                s.name,
                String::from_utf8_lossy(encoded),
                s.group
            ),
        });
        Some(after)
    }

    /// Later lines that would undo ours, in any group the target clients read.
    fn comment_out_later(&mut self, s: &Setting, anchor: usize, existing: Option<usize>) {
        let lines = self.doc.lines();
        let index = self.index;
        for r in index.relevant.iter().filter(|r| r.line() > anchor) {
            let i = r.line();
            if self.touched[i]
                || existing == Some(i)
                || !index.header(r).target
                || !s.may_be_contradicted_by(index.name(r))
            {
                continue;
            }
            let value = self.doc.option_value(&lines[i]);
            if s.is_contradicted_by(index.name(r), value.as_deref()) {
                self.disable(i, COMMENT_REASON.to_string());
            }
        }
    }

    /// Comments out line `i` with `reason`: the one way the plan disables a line.
    fn disable(&mut self, i: usize, reason: String) {
        self.touched[i] = true;
        self.ops.push(Op::CommentOut { line: i, reason });
        self.changes.push(Change {
            line: self.doc.lines()[i].number(),
            action: Action::CommentedOut,
            text: self.text(i),
        });
    }

    /// The line `i` as the clients' model takes it.
    fn record(&self, r: &Relevant) -> Opt {
        let line = &self.doc.lines()[r.line()];
        let value = self.doc.option_value(line);
        Opt::new(
            &self.index.header(r).name,
            self.doc.option_name(line).unwrap_or_default(),
            value.as_deref(),
            Arc::from(Path::new("")),
            line.number(),
        )
    }

    /// Lines that stop one family of the target but that another still reads and needs: they
    /// move to a group only the second reads. Returns the lines to add there (none already
    /// among `settings`).
    fn moved(&mut self, settings: &[Setting], covered: &[&Profile]) -> Vec<Setting> {
        let index = self.index;
        let mut added: Vec<Setting> = Vec::new();
        // Only when the target has both kinds of programs: one stops, the other reads.
        let stopped = covered
            .iter()
            .position(|f| f.vendor == Some(clients::Vendor::Mysql));
        let reads_on = covered
            .iter()
            .any(|f| f.vendor == Some(clients::Vendor::Mariadb));
        let Some(stopped) = stopped.filter(|_| reads_on) else {
            return added;
        };
        for r in &index.relevant {
            if !index.header(r).read_by[stopped]
                || !clients::settings::may_move_for_mariadb(index.name(r))
            {
                continue;
            }
            let line = &self.doc.lines()[r.line()];
            let value = self.doc.option_value(line);
            let Some(to) = clients::settings::moved_for_mariadb(index.name(r), value.as_deref())
            else {
                continue;
            };
            let reason = format!(
                "moved to [{}] by mycnf-secure (MySQL 8.0 clients stop on it)",
                to.group
            );
            self.disable(r.line(), reason);
            let have = settings
                .iter()
                .chain(&added)
                .any(|s| s.group == to.group && s.canonical == to.canonical);
            if !have {
                added.push(to);
            }
        }
        added
    }

    /// Lines a family of the target stops on, anywhere in a group its programs read; lines
    /// that weaken its TLS when read after ours.
    fn stoppers_and_weakeners(&mut self, covered: &[&Profile], family_groups: &[GroupSet]) {
        let doc = self.doc;
        let index = self.index;
        // Our lines per family, in reading order, with where they sit.
        let ours: Vec<Vec<(usize, Opt)>> = family_groups
            .iter()
            .map(|groups| {
                let mut v: Vec<(usize, Opt)> = self
                    .anchors
                    .iter()
                    .filter(|(s, _)| groups.matches(s.group.as_bytes()))
                    .map(|(s, at)| {
                        let o = Opt::new(
                            s.group.as_bytes(),
                            s.name.as_bytes(),
                            Some(&s.value),
                            Arc::from(Path::new("")),
                            0,
                        );
                        (at.order(), o)
                    })
                    .collect();
                v.sort_by_key(|(at, _)| *at);
                v
            })
            .collect();
        let theirs: Vec<Vec<&Opt>> = ours
            .iter()
            .map(|v| v.iter().map(|(_, o)| o).collect())
            .collect();
        let judges = Judges {
            covered,
            ours: &ours,
            baselines: covered
                .iter()
                .zip(&theirs)
                .map(|(f, t)| Baseline::new(f, t))
                .collect(),
        };
        let own_lines: Vec<usize> = self
            .anchors
            .iter()
            .filter_map(|(_, at)| match at {
                Anchor::On(i) => Some(*i),
                _ => None,
            })
            .collect();
        // Where our lines are read, in order: how many come before a line decides where it
        // goes among each family's.
        let mut orders: Vec<usize> = self.anchors.iter().map(|(_, at)| at.order()).collect();
        orders.sort_unstable();
        // A line's verdict follows from its text, its group and how many of our lines are read
        // before it: a file that repeats a line has it judged once. Bounded, for files whose
        // lines all differ.
        let mut verdicts: HashMap<Said<'_>, Option<&'static str>> = HashMap::default();
        for r in &index.relevant {
            let i = r.line();
            if self.touched[i] {
                continue;
            }
            let reason = if own_lines.contains(&i) {
                judges.verdict(self, r, true)
            } else {
                let before = orders.partition_point(|&o| o < 2 * i);
                let key = (
                    index.header(r).name.as_slice(),
                    doc.raw(&doc.lines()[i]),
                    before,
                );
                match verdicts.get(&key) {
                    Some(&known) => known,
                    None => {
                        let v = judges.verdict(self, r, false);
                        if verdicts.len() >= MAX_VERDICTS {
                            verdicts.clear();
                        }
                        verdicts.insert(key, v);
                        v
                    }
                }
            };
            if let Some(reason) = reason {
                self.disable(i, reason.to_string());
            }
        }
    }
}

/// What a line's verdict follows from: its group's name as written, its text, and how many of
/// our lines are read before it.
type Said<'a> = (&'a [u8], &'a [u8], usize);

/// How many line verdicts [`Planner::stoppers_and_weakeners`] keeps at most.
const MAX_VERDICTS: usize = 1 << 14;

/// The target's families with our lines for each: what judges a line of the file.
struct Judges<'a> {
    covered: &'a [&'a Profile],
    /// Our lines per family, in reading order, with where they are read ([`Anchor::order`]).
    ours: &'a [Vec<(usize, Opt)>],
    /// What our lines alone make each family do.
    baselines: Vec<Baseline<'a>>,
}

impl Judges<'_> {
    /// Why the line must go, if it must: the first family (in table order) that reads it and
    /// stops on it, or whose TLS it weakens when read where it is (one of our own lines
    /// `own` is only checked for stopping a family).
    fn verdict(&self, planner: &Planner<'_>, r: &Relevant, own: bool) -> Option<&'static str> {
        let header = planner.index.header(r);
        let name = planner.index.name(r);
        let mut line: Option<Opt> = None;
        for (k, family) in self.covered.iter().enumerate() {
            if !header.read_by[k] || !family.sees(name) {
                continue;
            }
            if family.stops_on(name) {
                return Some(family.stop_reason);
            }
            if own {
                continue;
            }
            let line = line.get_or_insert_with(|| planner.record(r));
            let at = self.ours[k]
                .iter()
                .take_while(|(a, _)| *a < 2 * r.line())
                .count();
            if self.baselines[k].weakened_by(line, at) {
                return Some(COMMENT_REASON);
            }
        }
        None
    }
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
        String::from_utf8(
            plan(&doc, &s, &groups, target)
                .unwrap()
                .edited
                .to_bytes(&doc),
        )
        .unwrap()
    }

    #[test]
    fn an_empty_file_gets_new_blocks() {
        assert_eq!(
            run("", Target::Mixed, Mode::VerifyIdentity),
            "[client]\nssl-ca=/etc/ca.pem\nloose-ssl-mode=VERIFY_IDENTITY\n\n[client-mariadb]\nssl-verify-server-cert=1\n\n[connector_python]\nssl-ca=/etc/ca.pem\nssl-verify-cert=True\nssl-verify-identity=True\n"
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
            "[client]\nssl-ca = /etc/ca.pem\nuser = a\nloose-ssl-mode = VERIFY_CA\n\n[connector_python]\nssl-ca = /etc/ca.pem\nssl-verify-cert = True\n"
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
            "[client]\nssl-ca=/etc/ca.pem\nloose-ssl-mode=VERIFY_CA\n[mysql]\n# overridden TLS setting disabled by mycnf-secure: ssl-mode=PREFERRED\n# overridden TLS setting disabled by mycnf-secure: skip-ssl\n[mysqld]\nskip-ssl\n\n[connector_python]\nssl-ca=/etc/ca.pem\nssl-verify-cert=True\n"
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

    #[test]
    fn lines_that_switch_tls_off_or_stop_mysql_clients_are_disabled_for_the_mixed_target() {
        let out = run(
            "[client]\nuser=a\nskip-ssl\nssl=0\ndisable-ssl\nssl-capath=/etc/ssl/certs\n[mariadb-client]\nssl-verify-server-cert=OFF\n[mysqldump]\nssl-mode=PREFERRED\n",
            Target::Mixed,
            Mode::VerifyCa,
        );
        for line in ["skip-ssl", "ssl=0", "disable-ssl"] {
            assert!(
                out.contains(&format!(
                    "# option MySQL 8.0 removed (it stops MySQL clients), disabled by mycnf-secure: {line}\n"
                )),
                "{line}: {out}"
            );
        }
        for line in [
            "ssl-capath=/etc/ssl/certs",
            "ssl-verify-server-cert=OFF",
            "ssl-mode=PREFERRED",
        ] {
            assert!(
                out.contains(&format!("by mycnf-secure: {line}\n")),
                "{line}: {out}"
            );
        }
    }

    #[test]
    fn ssl_verify_server_cert_in_client_moves_to_client_mariadb_in_any_spelling() {
        for line in [
            "ssl-verify-server-cert",
            "ssl_verify_server_cert=ON",
            "loose-ssl-verify-server-cert=1",
            "SSL-VERIFY-SERVER-CERT=true",
        ] {
            let out = run(
                &format!("[client]\n{line}\nuser=a\n"),
                Target::Mixed,
                Mode::VerifyCa,
            );
            assert_eq!(
                out,
                format!(
                    "[client]\n# moved to [client-mariadb] by mycnf-secure (MySQL 8.0 clients stop on it): {line}\nuser=a\nssl-ca=/etc/ca.pem\nloose-ssl-mode=VERIFY_CA\n\n[connector_python]\nssl-ca=/etc/ca.pem\nssl-verify-cert=True\n\n[client-mariadb]\nssl-verify-server-cert=1\n"
                ),
                "{line}"
            );
        }
        // Switched off, it is only disabled; for MySQL alone, only disabled too.
        let off = run(
            "[client]\nssl-verify-server-cert=0\n",
            Target::Mixed,
            Mode::VerifyCa,
        );
        assert!(!off.contains("[client-mariadb]"), "{off}");
        let mysql = run(
            "[client]\nssl-verify-server-cert\n",
            Target::Mysql,
            Mode::VerifyCa,
        );
        assert!(
            mysql.starts_with("[client]\n# option MySQL 8.0 removed"),
            "{mysql}"
        );
        assert!(!mysql.contains("[client-mariadb]"), "{mysql}");
    }

    #[test]
    fn the_same_line_is_judged_again_in_a_group_other_families_read() {
        // A bare ssl-mode that says what ours says: only the MariaDB clients' judgement (they
        // stop on it) disables it, and they read [client-mariadb], not [mysqld].
        let input = "[client]\nuser=a\n[client-mariadb]\nssl-mode=VERIFY_CA\n[mysqld]\nssl-mode=VERIFY_CA\n";
        let out = run(input, Target::Mixed, Mode::VerifyCa);
        assert!(
            out.contains(
                "[client-mariadb]\n# MySQL-only option that stops MariaDB clients, disabled by mycnf-secure: ssl-mode=VERIFY_CA\n[mysqld]\nssl-mode=VERIFY_CA\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn skip_ssl_read_before_our_ssl_ca_stays_for_the_mariadb_target() {
        let input = "[client]\nskip-ssl\n";
        let out = run(input, Target::Mariadb, Mode::VerifyCa);
        assert!(out.starts_with(input), "{out}");
        // Read after it, it is disabled.
        let after = run(
            "[client-mariadb]\nuser=a\n[client]\nskip-ssl\n",
            Target::Mariadb,
            Mode::VerifyCa,
        );
        assert!(
            after.contains("# overridden TLS setting disabled by mycnf-secure: skip-ssl"),
            "{after}"
        );
    }
}
