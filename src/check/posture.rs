//! TLS rules on the effective options of the whole chain, per client family: the last
//! occurrence wins across groups and files. Fed one option at a time as the chain is read, so
//! memory does not grow with the files: what a rule needs later is the last line of each
//! option per family.

use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::{CheckInput, Finding, Severity};
use crate::chain::{OptionRecord, SharedPaths};
use crate::clients::programs::{PROGRAMS, Program, Takes};
use crate::clients::{self, Booleans, Family, Profile, Target, group, names, opt};
use crate::diagnostic::{Findings, Masked};
use crate::optfile::{Opt, OptionName};

/// An option line kept for a rule: the option (its `line` is the file's own line number) and
/// the line as read (cut). What a finding quotes of it passes through the masking when the
/// finding is made.
#[derive(Clone)]
struct Seen {
    opt: Opt,
    raw: Vec<u8>,
    /// Quote secrets as they are (`--show-secrets`).
    show_secrets: bool,
}

impl Seen {
    fn secret(&self) -> impl Fn(&[u8]) -> bool {
        let show = self.show_secrets;
        move |n: &[u8]| !show && clients::is_secret(n)
    }

    fn finding(
        &self,
        code: &'static str,
        severity: Severity,
        message: String,
        hint: &str,
    ) -> Finding {
        Finding::on_line(
            code,
            severity,
            message,
            &self.opt.file,
            self.opt.line,
            Masked::line(&self.raw, &self.secret()),
            Some(hint.to_string()).filter(|h| !h.is_empty()),
        )
    }

    fn value(&self) -> String {
        self.opt.value_str()
    }

    /// The name as quoted.
    fn name(&self) -> String {
        Masked::name(self.opt.raw_name.as_bytes(), &self.secret())
            .lossy()
            .into_owned()
    }

    /// The value as quoted.
    fn value_shown(&self) -> String {
        let v = self.opt.value.as_deref().unwrap_or_default();
        Masked::value(self.opt.raw_name.as_bytes(), v, &self.secret())
            .lossy()
            .into_owned()
    }

    /// `name=value` (or `name`) as quoted.
    fn shown(&self) -> String {
        match &self.opt.value {
            Some(_) => format!("{}={}", self.name(), self.value_shown()),
            None => self.name(),
        }
    }
}

/// The options whose last line per family the rules judge.
const TRACKED: [&str; 5] = [
    opt::SSL_CA,
    opt::SSL_CAPATH,
    opt::SSL_MODE,
    opt::SSL,
    opt::SSL_VERIFY_SERVER_CERT,
];

/// One family of command-line clients, as the rules follow it.
struct Track {
    profile: &'static Profile,
    last: HashMap<&'static str, Rc<Seen>>,
}

/// The rules' state while the chain is read.
pub(crate) struct Posture {
    mysql: bool,
    mariadb: bool,
    families: Vec<Track>,
    host: Option<String>,
    paths: SharedPaths,
    /// Each distinct spelling parsed once; `None` for a name no rule looks at.
    names: HashMap<Vec<u8>, Option<Rc<OptionName>>>,
    pub(crate) findings: Findings,
    /// Quote secrets as they are (`--show-secrets`).
    show_secrets: bool,
    /// Each distinct spelling looked up once: the MariaDB programs it stops (MC122).
    stopped: HashMap<Vec<u8>, Stopped>,
    /// Files whose lines MC122 found unknown: whether each is binary.
    binary: HashMap<PathBuf, bool>,
}

/// The MariaDB programs an option name stops (bits: indexes in `PROGRAMS`), and whether MC306
/// already covers it. Small: a file can hold a million distinct names.
#[derive(Clone, Copy)]
struct Stopped {
    unknown: u32,
    ambiguous: u32,
    /// Two of the options an ambiguous name is a prefix of.
    pair: Option<(&'static str, &'static str)>,
    mysql_only: bool,
}

/// How many distinct names MC122 remembers; the others are looked up each time.
const STOPPED_CACHE: usize = 1 << 16;

// One bit per program in [`Stopped`].
const _: () = assert!(PROGRAMS.len() <= 32);

impl Stopped {
    fn of(raw: &[u8]) -> Stopped {
        let name = clients::programs::normalized(raw);
        let mut s = Stopped {
            unknown: 0,
            ambiguous: 0,
            pair: None,
            mysql_only: false,
        };
        for (i, p) in PROGRAMS.iter().enumerate() {
            match p
                .options()
                .map(|o| clients::programs::takes_normalized(o, &name))
            {
                Some(Takes::Unknown) => s.unknown |= 1 << i,
                Some(Takes::Ambiguous(a, b)) => {
                    s.ambiguous |= 1 << i;
                    s.pair.get_or_insert((a, b));
                }
                _ => {}
            }
        }
        if s.unknown | s.ambiguous != 0 {
            s.mysql_only = Family::MariadbCli113
                .profile()
                .stops_on(&OptionName::parse(raw));
        }
        s
    }
}

fn mode_rank(m: &str) -> u8 {
    match m.to_ascii_uppercase().as_str() {
        "DISABLED" => 0,
        "PREFERRED" => 1,
        "REQUIRED" => 2,
        "VERIFY_CA" => 3,
        "VERIFY_IDENTITY" => 4,
        _ => 1,
    }
}

/// The name rules use for a family of command-line clients.
fn family_name(p: &Profile) -> &'static str {
    match p.family {
        Family::MysqlCli => "MySQL clients",
        _ => "MariaDB clients",
    }
}

impl Posture {
    pub(crate) fn new(target: Target, per_rule: usize, show_secrets: bool) -> Posture {
        let mysql = target != Target::Mariadb;
        let mariadb = target != Target::Mysql;
        let mut families = Vec::new();
        if mysql {
            families.push(Family::MysqlCli);
        }
        if mariadb {
            families.push(Family::MariadbCli113);
        }
        Posture {
            mysql,
            mariadb,
            families: families
                .into_iter()
                .map(|f| Track {
                    profile: f.profile(),
                    last: HashMap::default(),
                })
                .collect(),
            host: None,
            paths: SharedPaths::default(),
            names: HashMap::default(),
            findings: Findings::new(per_rule),
            show_secrets,
            stopped: HashMap::default(),
            binary: HashMap::default(),
        }
    }

    fn seen(&mut self, r: &OptionRecord<'_>) -> Seen {
        let file = self.paths.get(r.file);
        let raw = &r.raw[..r.raw.len().min(crate::diagnostic::MAX_SOURCE + 2)];
        Seen {
            opt: Opt::new(r.group, r.name, r.value, file, r.physical),
            raw: raw.to_vec(),
            show_secrets: self.show_secrets,
        }
    }

    /// Whether some rule looks at an option called `raw`.
    pub(crate) fn looks_at(&mut self, raw: &[u8]) -> bool {
        self.name(raw).is_some()
    }

    /// The parsed name of an option some rule looks at.
    fn name(&mut self, raw: &[u8]) -> Option<Rc<OptionName>> {
        if let Some(n) = self.names.get(raw) {
            return n.clone();
        }
        let interesting =
            names::is_tls_related(raw) || raw.windows(4).any(|w| w.eq_ignore_ascii_case(b"host"));
        let n = interesting.then(|| Rc::new(OptionName::parse(raw)));
        self.names.insert(raw.to_vec(), n.clone());
        n
    }

    /// One option of the chain, in reading order.
    pub(crate) fn option(&mut self, r: &OptionRecord<'_>) {
        if self.mariadb {
            self.unknown_to_programs(r);
        }
        let Some(name) = self.name(r.name) else {
            return;
        };
        let reads = |f: Family| {
            f.profile()
                .groups
                .iter()
                .any(|g| r.group.eq_ignore_ascii_case(g.as_bytes()))
        };
        if name.is(opt::HOST) {
            if reads(Family::MariadbCli113) {
                self.host = Some(String::from_utf8_lossy(r.value.unwrap_or_default()).into_owned());
            }
            return;
        }
        let tracked = TRACKED.iter().find(|c| name.is(c)).copied();
        let stops = (self.mariadb && Family::MariadbCli113.profile().stops_on(&name))
            || (self.mysql && Family::MysqlCli.profile().stops_on(&name));
        let lowers = !name.loose && names::LOWERS_ORACLE_LIBRARY_MODE.iter().any(|n| name.is(n));
        if tracked.is_none() && !stops && !lowers {
            return;
        }
        let s = Rc::new(self.seen(r));
        let group = s.opt.group.as_str();
        self.stoppers(&s);
        let connector_c = Family::ConnectorC.profile();
        if self.mariadb
            && connector_c.reads_group(group)
            && connector_c.sees(&name)
            && name.is(opt::SSL_VERIFY_SERVER_CERT)
        {
            self.verify_server_cert_value(&s);
        }
        if group == group::CLIENT && lowers {
            self.findings.push(s.finding("MC309", Severity::Warning, format!("`{}` in [client] makes Oracle's client library lower an application's TLS mode to PREFERRED", s.name()), "move it to the group of the program that needs it"));
        }
        let Some(canonical) = tracked else {
            return;
        };
        let mut weaker = Vec::new();
        for t in &mut self.families {
            if !t.profile.reads_group(group) {
                continue;
            }
            if let Some(prev) = t.last.get(canonical)
                && overrides_weaker(t.profile, canonical, prev, &s)
            {
                weaker.push((family_name(t.profile), prev.clone()));
            }
            t.last.insert(canonical, s.clone());
        }
        // One finding a line: the first family that the line weakens (as when each family's
        // findings were merged), counted once against the cap.
        for (family, prev) in weaker.into_iter().take(1) {
            if !self.findings.admit("MC310", Some(&s.opt.file)) {
                continue;
            }
            let f = s
                .finding(
                    "MC310",
                    Severity::Error,
                    format!(
                        "`{}` overrides an earlier, stronger `{}` for {family}",
                        s.shown(),
                        prev.shown()
                    ),
                    "the last occurrence wins across groups and files; remove the later line",
                )
                .with_related(&prev.opt.file, prev.opt.line, "the line it cancels");
            self.findings.push_admitted(f);
        }
    }

    /// MC122: a line in a group a MariaDB program reads that the program does not take (an
    /// unknown or ambiguous option): it stops. Options only MySQL knows are MC306's.
    fn unknown_to_programs(&mut self, r: &OptionRecord<'_>) {
        let stopped = match self.stopped.get(r.name) {
            Some(&s) => s,
            None => {
                let s = Stopped::of(r.name);
                if self.stopped.len() < STOPPED_CACHE {
                    self.stopped.insert(r.name.to_vec(), s);
                }
                s
            }
        };
        if stopped.unknown | stopped.ambiguous == 0 {
            return;
        }
        let reads = |groups: &[&str]| {
            groups
                .iter()
                .any(|g| r.group.eq_ignore_ascii_case(g.as_bytes()))
        };
        if stopped.mysql_only && reads(Family::MariadbCli113.profile().groups) {
            return;
        }
        // The programs that read this group and stop, and whether on an ambiguous name.
        let stops: Vec<(&Program, bool)> = PROGRAMS
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                (stopped.unknown | stopped.ambiguous) & (1 << i) != 0 && reads(p.groups)
            })
            .map(|(i, p)| (p, stopped.ambiguous & (1 << i) != 0))
            .collect();
        if stops.is_empty() || self.is_binary(r.file) || !self.findings.admit("MC122", Some(r.file))
        {
            return;
        }
        let mut s = self.seen(r);
        let unknown = if r.value.is_some() {
            "unknown variable"
        } else {
            "unknown option"
        };
        let list = |ambiguous: bool| {
            let names: Vec<&str> = stops
                .iter()
                .filter(|(_, a)| *a == ambiguous)
                .map(|(p, _)| p.names[0])
                .collect();
            names.join(", ")
        };
        let (plain, ambiguous) = (list(false), list(true));
        let both = stopped
            .pair
            .filter(|_| !ambiguous.is_empty())
            .map(|(a, b)| format!("ambiguous option: {a}, {b}, …"));
        let why = match (plain.is_empty(), both) {
            (false, None) => format!("stops {plain}: {unknown}"),
            (true, Some(amb)) => format!("stops {ambiguous}: {amb}"),
            (false, Some(amb)) => format!("stops {plain} ({unknown}) and {ambiguous} ({amb})"),
            (true, None) => unreachable!("some program stops"),
        };
        let canonical = &OptionName::parse(r.name).canonical;
        // A near miss of a TLS option, or one with something added (`…-certificate`).
        let meant = super::syntax::meant(canonical).or_else(|| {
            names::TLS_OPTIONS
                .iter()
                .filter(|k| k.len() >= 5 && canonical.starts_with(*k))
                .max_by_key(|k| k.len())
                .copied()
        });
        // The programs reading this group that take the line.
        let takers: Vec<&str> = PROGRAMS
            .iter()
            .filter(|p| p.options().is_some() && reads(p.groups))
            .filter(|p| !stops.iter().any(|(q, _)| std::ptr::eq(*p, *q)))
            .map(|p| p.names[0])
            .collect();
        let hint = match meant {
            Some(k) => format!("did you mean `{k}`?"),
            None if !ambiguous.is_empty() => "write the option's full name (a prefix of two options stops the program, loose- or not)".into(),
            None if takers.is_empty() => "no MariaDB program knows it: correct the name, or remove the line".into(),
            None => format!(
                "{} take it: move it to their own groups, or write it as loose-{} (the others warn and go on)",
                takers.join(", "),
                cut(&canonical_shown(&s), 64)
            ),
        };
        let message = if r.rest_of_line {
            // The rest of a cut line may be the rest of a secret: neither it nor its name is
            // quoted.
            s.raw.clear();
            format!(
                "the rest of this line after its first 4094 bytes is read as an option of its own, which {why}"
            )
        } else {
            format!("`{}` {why}", cut(&s.name(), 64))
        };
        let hint = if r.rest_of_line {
            "shorten the line (MC105)".to_string()
        } else {
            hint
        };
        let f = s.finding("MC122", Severity::Error, message, &hint);
        self.findings.push_admitted(f);
    }

    /// Whether a file is binary (MC120 reports it once; its lines are not checked).
    fn is_binary(&mut self, path: &Path) -> bool {
        if let Some(&b) = self.binary.get(path) {
            return b;
        }
        let mut head = Vec::new();
        if let Ok((f, _)) = crate::chain::fsio::open_regular(path) {
            use std::io::Read;
            let _ = f.take(64 * 1024).read_to_end(&mut head);
        }
        let b = crate::optfile::lex::looks_binary(&head);
        self.binary.insert(path.to_path_buf(), b);
        b
    }

    /// Lines that stop a family of command-line clients from starting.
    fn stoppers(&mut self, s: &Seen) {
        let group = s.opt.group.as_str();
        let mariadb = Family::MariadbCli113.profile();
        if self.mariadb
            && mariadb.reads_group(group)
            && mariadb.stops_on(&s.opt.name)
            && self.findings.admit("MC306", Some(&s.opt.file))
        {
            self.findings.push_admitted(s.finding("MC306", Severity::Error, format!("`{}` stops every MariaDB client: unknown variable", s.name()), "write it as loose-ssl-mode (MySQL reads it, MariaDB warns and goes on), or move it to a file only MySQL clients read"));
        }
        let mysql = Family::MysqlCli.profile();
        if self.mysql
            && mysql.reads_group(group)
            && mysql.stops_on(&s.opt.name)
            && self.findings.admit("MC307", Some(&s.opt.file))
        {
            self.findings.push_admitted(s.finding(
                "MC307",
                Severity::Error,
                format!(
                    "`{}` stops MySQL 8.0+ clients: the option was removed",
                    s.name()
                ),
                "put MariaDB-only options in [client-mariadb]",
            ));
        }
    }

    /// `ssl-verify-server-cert` is on only when both readers of it agree: MariaDB programs
    /// (`my_getopt`) and Connector/C applications (`atoi`).
    fn verify_server_cert_value(&mut self, s: &Seen) {
        let o = &s.opt;
        let v = o.value.as_deref();
        let cli = Booleans::GetOpt.is_on(&o.name, v);
        let lib = Booleans::Atoi.is_on(&o.name, v);
        if cli && lib {
            return;
        }
        let shown = match v {
            Some(_) => s.shown(),
            None => format!("{} with no value", s.name()),
        };
        let onoff = |b: bool| if b { "on" } else { "off" };
        self.findings.push(s.finding(
            "MC308",
            Severity::Error,
            format!(
                "`{shown}`: MariaDB programs read it as {} and Connector/C applications as {}, so some clients are left without verification",
                onoff(cli),
                onoff(lib)
            ),
            "write ssl-verify-server-cert=1",
        ));
    }

    /// The rules on the effective options, once the chain is read. `read` is the files read.
    pub(crate) fn finish(mut self, input: &CheckInput<'_>, read: &[PathBuf]) -> Findings {
        let mut any_tls = false;
        let mut checked_cas: Vec<PathBuf> = Vec::new();
        let families = std::mem::take(&mut self.families);
        for t in &families {
            let family = family_name(t.profile);
            let last = |c: &str| t.last.get(c);
            let ca = last(opt::SSL_CA).filter(|s| s.opt.name.negation.is_none());
            let capath = last(opt::SSL_CAPATH);
            let mode = last(opt::SSL_MODE).filter(|_| t.profile.knows(opt::SSL_MODE));
            let verify = last(opt::SSL_VERIFY_SERVER_CERT);
            any_tls |= ca.is_some() || mode.is_some() || verify.is_some() || capath.is_some();
            if let Some(s) = mode {
                self.mode_rules(family, s, ca.is_some() || capath.is_some(), ca.is_some());
            }
            if let Some(s) = last(opt::SSL)
                && !t
                    .profile
                    .booleans
                    .is_on(&s.opt.name, s.opt.value.as_deref())
            {
                self.findings.push(s.finding(
                    "MC302",
                    Severity::Error,
                    format!("`{}`: {family} connect without TLS", s.name()),
                    "remove it",
                ));
            }
            if let Some(s) = ca {
                let key = s.opt.file.join(s.value());
                if !checked_cas.contains(&key) {
                    checked_cas.push(key);
                    if let Some(f) = ca_file(input, s) {
                        self.findings.push(f);
                    }
                }
            }
        }
        // Connections on this machine (no host, localhost, a loopback address) need no TLS.
        let remote = self.host.as_deref().is_some_and(|h| {
            !matches!(h.trim(), "" | "localhost" | "127.0.0.1" | "::1") && !h.starts_with("127.")
        });
        if !any_tls && remote {
            let file = read.last().map(PathBuf::as_path);
            let show = self.show_secrets;
            let host = self.host.as_deref().unwrap_or_default();
            let host = Masked::value(opt::HOST.as_bytes(), host.as_bytes(), &|n: &[u8]| {
                !show && clients::is_secret(n)
            });
            self.findings.push(Finding::on_file("MC301", Severity::Warning, format!("no TLS options for the remote host {}: clients use TLS only if the server offers it and verify nothing (a plaintext fallback is possible)", host.lossy()), file, Some("mycnf-secure add-ca CA.pem".into())));
        }
        self.findings
    }

    fn mode_rules(&mut self, family: &str, s: &Seen, any_ca: bool, ca: bool) {
        let m = s.value().to_ascii_uppercase();
        if m == "DISABLED" {
            self.findings.push(s.finding(
                "MC302",
                Severity::Error,
                format!("ssl-mode=DISABLED: {family} connect without TLS"),
                "remove it, or use mycnf-secure add-ca",
            ));
        } else if (m == "REQUIRED" || m == "PREFERRED") && ca {
            self.findings.push(s.finding(
                "MC303",
                Severity::Error,
                format!("ssl-mode={m} with ssl-ca: MySQL clients ignore the CA and verify nothing"),
                "use VERIFY_CA or VERIFY_IDENTITY",
            ));
        } else if m.starts_with("VERIFY") && !any_ca {
            self.findings.push(s.finding(
                "MC304",
                Severity::Error,
                format!("ssl-mode={m} without ssl-ca: there is no CA to verify against"),
                "add ssl-ca=/absolute/path/ca.pem",
            ));
        }
    }
}

/// The option's name as quoted, without the `loose-` and other prefixes it may have.
fn canonical_shown(s: &Seen) -> String {
    Masked::name(s.opt.name.canonical.as_bytes(), &s.secret())
        .lossy()
        .into_owned()
}

/// `text` cut to `max` characters (a name can be the rest of a line cut after 4094 bytes).
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Whether `b`, read after `a` (the same option), weakens it for this family.
fn overrides_weaker(p: &Profile, canonical: &str, a: &Seen, b: &Seen) -> bool {
    match canonical {
        opt::SSL_MODE => p.knows(opt::SSL_MODE) && mode_rank(&b.value()) < mode_rank(&a.value()),
        opt::SSL | opt::SSL_VERIFY_SERVER_CERT => {
            p.booleans.is_on(&a.opt.name, a.opt.value.as_deref())
                && !p.booleans.is_on(&b.opt.name, b.opt.value.as_deref())
        }
        _ => false,
    }
}

/// The CA an `ssl-ca` line names: absolute, readable, a usable CA.
fn ca_file(input: &CheckInput<'_>, s: &Seen) -> Option<Finding> {
    let v = s.value();
    let path = Path::new(&v);
    let v = &s.value_shown();
    let at = |code, sev, msg: String, hint: &str| Some(s.finding(code, sev, msg, hint));
    if !path.is_absolute() {
        return at(
            "MC305",
            Severity::Error,
            format!(
                "ssl-ca={v} is relative: it is resolved against each client's working directory"
            ),
            "write the absolute path",
        );
    }
    let bytes = match crate::chain::fsio::read_regular(path) {
        Ok(b) => b,
        Err(e) => {
            return at(
                "MC305",
                Severity::Error,
                format!(
                    "ssl-ca={v} cannot be read: {}",
                    crate::chain::fsio::os_reason(&e)
                ),
                "fix the path, or install the CA with mycnf-secure add-ca --install",
            );
        }
    };
    let report = crate::cert::inspect(&bytes, input.now, input.store);
    if !report.usable {
        let why = report
            .errors()
            .next()
            .map(|f| f.message.clone())
            .unwrap_or_default();
        at(
            "MC305",
            Severity::Error,
            format!("ssl-ca={v} is not a usable CA: {why}"),
            "check it with mycnf-secure inspect-ca",
        )
    } else if let Some(w) = report.findings.iter().find(|f| f.code == "CA302") {
        at(
            "MC305",
            Severity::Warning,
            format!("ssl-ca={v}: {}", w.message),
            "get the renewed CA before it expires",
        )
    } else {
        None
    }
}
