//! `mycnf-secure probe`: flags to a probe request (host, port, CA and mode from the flags or
//! from the option files as the chosen client family reads them), the probe, the verdicts,
//! then text or JSON. Everything the server sent passes the terminal gate before it is shown.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use mycnf_secure::chain::{
    self, ChainFile, FileOptions, GroupSet, OptionCollector, Reader, Vendor,
};
use mycnf_secure::clients::{self, Family, PROFILES};
use mycnf_secure::context::Context;
use mycnf_secure::diagnostic::{Masked, sanitize};
use mycnf_secure::optfile::Opt;
use mycnf_secure::probe::tls::ChainVerdict;
use mycnf_secure::probe::verdict::{self, Anchor, FamilyLive, Live, LiveMode};
use mycnf_secure::probe::{self, Probe};

use crate::cli::failure::Failure;
use crate::cli::{Exit, Format, ProbeArgs, output, ui};

/// The family named by its JSON id (`mariadb_cli113`, `pymysql`, …).
pub(crate) fn family(id: &str) -> Option<Family> {
    PROFILES.iter().map(|p| p.family).find(|f| {
        serde_json::to_value(f)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .as_deref()
            == Some(id)
    })
}

fn family_ids() -> String {
    PROFILES
        .iter()
        .filter_map(|p| serde_json::to_value(p.family).ok())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The options the clients read: `chain` (the whole read chain, every client group) and
/// `file` (the one file a library is given: `--defaults-file`, else `~/.my.cnf`).
pub(crate) struct Options {
    pub chain: Vec<Opt>,
    pub file: Vec<Opt>,
    pub files: Vec<PathBuf>,
}

fn collect(files: &[ChainFile], home: Option<&Path>) -> Result<(Vec<Opt>, Vec<PathBuf>), Failure> {
    let groups = GroupSet::new(clients::all_client_groups(), None);
    let mut reader =
        Reader::new(&groups, OptionCollector::default()).with_home(home.map(Path::to_path_buf));
    let fatal = chain::read_chain(&mut reader, files).is_err();
    let c = reader.into_visitor();
    if fatal {
        const WHY: &str = "the option files cannot be read as the clients read them";
        // A reason quotes a directive's path: through the masking, as show and check do.
        let shown = |n: &chain::Notice| {
            Masked::line(n.to_string().as_bytes(), &|b: &[u8]| clients::is_secret(b))
                .text()
                .into_owned()
        };
        let mut msg = format!("error: {WHY}:\n");
        for n in &c.notices {
            msg.push_str(&format!("  {}\n", shown(n)));
        }
        let mut failure = Failure::new(Exit::InvalidInput, msg);
        if let Some(n) = c.notices.iter().find(|n| n.is_error()) {
            let reason = shown(n);
            let reason = reason.strip_prefix("error: ").unwrap_or(&reason);
            failure = failure.message(format!("{WHY}: {reason}"));
            if let Some((file, line)) = n.location() {
                failure = failure.at(Some(file.to_path_buf()), Some(line));
            }
        }
        return Err(failure);
    }
    Ok((c.options, c.files))
}

/// The options of every client group in `files`, in reading order.
pub(crate) fn read_options(files: &[ChainFile], home: Option<&Path>) -> Result<Vec<Opt>, Failure> {
    collect(files, home).map(|(o, _)| o)
}

/// Reads the option files as `family` does.
pub(crate) fn options(
    family: Family,
    defaults_file: Option<&Path>,
    ctx: &Context,
) -> Result<Options, Failure> {
    let vendor = match family.profile().vendor {
        Some(Vendor::Mysql) => Vendor::Mysql,
        _ => Vendor::Mariadb,
    };
    let fopts = FileOptions {
        no_defaults: false,
        defaults_file: defaults_file.map(Path::to_path_buf),
        defaults_extra_file: None,
    };
    let home = ctx.env.home.as_deref();
    let files = chain::chain_files(vendor, ctx.platform, &ctx.env, &fopts);
    let (chain, read) = collect(&files, home)?;
    let one = defaults_file
        .map(Path::to_path_buf)
        .or_else(|| home.map(|h| h.join(".my.cnf")));
    let file = match one {
        Some(f) => {
            collect(
                &[ChainFile {
                    path: f,
                    required: false,
                }],
                home,
            )?
            .0
        }
        None => Vec::new(),
    };
    Ok(Options {
        chain,
        file,
        files: read,
    })
}

/// Where the CA came from.
#[derive(Debug, Clone, Serialize)]
struct CaUsed {
    /// `--ca`, `--system-roots`, or `ssl-ca` / `system CAs` as the client reads them.
    source: String,
    path: Option<String>,
    verify_ca: Check,
    verify_identity: Check,
}

#[derive(Debug, Clone, Serialize)]
struct Check {
    ok: bool,
    why: Option<String>,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    schema: &'static str,
    host: &'a str,
    port: u16,
    /// `argument` or the file the host came from (or `default`).
    host_from: &'a str,
    client: &'a str,
    server_name: &'a str,
    probe: Option<&'a Probe>,
    /// As docs/json-schemas.md "Errors" says: `code` is the probe's kind of failure.
    error: Option<serde_json::Value>,
    ca: Option<&'a CaUsed>,
    strongest_mode: Option<LiveMode>,
    mode: Option<&'a str>,
    works: Option<bool>,
    why_not: Option<&'a str>,
    clients: &'a [FamilyLive],
    notes: &'a [String],
    elapsed_ms: u128,
    exit: u8,
}

pub fn run(args: ProbeArgs) -> Exit {
    let ctx = crate::cli::context::context(false);
    match run_checked(&args, &ctx) {
        Ok(exit) => exit,
        Err(f) => f.report(args.format == Format::Json),
    }
}

/// The mode to judge when none is given: what the client's row says it does.
fn configured_mode(row: &clients::Outcome) -> Option<LiveMode> {
    match (row.tls, row.ca_verified, row.host_checked) {
        (_, _, Some(true)) => Some(LiveMode::VerifyIdentity),
        (_, Some(true), _) => Some(LiveMode::VerifyCa),
        (Some(clients::TlsUse::Required), _, _) => Some(LiveMode::Required),
        _ => None,
    }
}

fn run_checked(args: &ProbeArgs, ctx: &Context) -> Result<Exit, Failure> {
    let Some(fam) = family(&args.client) else {
        return Err(Failure::new(
            Exit::Usage,
            format!(
                "error: unknown client family {:?}; one of: {}",
                sanitize(args.client.as_bytes()),
                family_ids()
            ),
        ));
    };
    if !(args.timeout > 0.0 && args.timeout <= 3600.0) {
        return Err(Failure::new(
            Exit::Usage,
            "error: --timeout must be between 0 and 3600 seconds",
        ));
    }
    let timeout = Duration::from_secs_f64(args.timeout);
    let mut notes: Vec<String> = Vec::new();

    // The option files, as the family reads them (also when HOST is given: the table).
    let opts = options(fam, args.defaults_file.as_deref(), ctx)?;
    let family_opts = match fam.profile().reads {
        clients::Reads::Chain => &opts.chain,
        clients::Reads::OneFile => &opts.file,
    };
    let (file_host, file_port) = verdict::host_port(fam, family_opts);

    let (host, port, host_from) = match &args.target {
        Some(t) => {
            let (h, p) = probe::parse_target(t).map_err(|e| {
                Failure::new(
                    Exit::InvalidInput,
                    format!("error: {}", sanitize(e.as_bytes())),
                )
            })?;
            (h, p.unwrap_or(probe::DEFAULT_PORT), "argument".to_string())
        }
        None => {
            let from = if file_host.is_some() {
                "option files"
            } else {
                "default"
            };
            let h = file_host.clone().unwrap_or_else(|| "localhost".into());
            let tcp = verdict::last_value(fam, family_opts, clients::names::opt::PROTOCOL)
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("tcp"));
            if h == "localhost" && !tcp {
                notes.push("host localhost: MariaDB and MySQL programs reach it through the Unix socket, where TLS plays no part, unless protocol=TCP is set; the probe connects over TCP".into());
            }
            (
                h,
                file_port.unwrap_or(probe::DEFAULT_PORT),
                from.to_string(),
            )
        }
    };
    let server_name = args.server_name.clone().unwrap_or_else(|| host.clone());
    let table_wanted = args.target.is_none() || args.defaults_file.is_some();

    // The family's row for the files as written.
    let rows = clients::outcomes(&opts.chain, &opts.file, clients::Refusals::default());
    let own_row = rows
        .iter()
        .find(|r| r.family == fam)
        .cloned()
        .expect("every family has a row");

    // The CA: --ca, --system-roots, else the family's own.
    let (ca_pem, ca_source, ca_path): (Option<Vec<u8>>, String, Option<String>) = if let Some(p) =
        &args.ca
    {
        let b = crate::cli::input::read_ca(p)
            .map_err(|m| Failure::new(Exit::InvalidInput, format!("error: {m}")))?;
        (Some(b), "--ca".into(), Some(p.display().to_string()))
    } else if args.system_roots {
        let b = system_bundle(ctx)?;
        (
            Some(b),
            "--system-roots".into(),
            ctx.system_bundle.as_ref().map(|p| p.display().to_string()),
        )
    } else {
        match verdict::anchor(fam, family_opts) {
            Some(Anchor::File(path)) => {
                let path = String::from_utf8_lossy(&path).into_owned();
                match std::fs::read(&path) {
                    Ok(b) => (
                        Some(b),
                        format!("ssl-ca as {} reads it", fam.profile().label),
                        Some(verdict::shown_path(path.as_bytes())),
                    ),
                    Err(e) => {
                        return Err(Failure::new(
                            Exit::InvalidInput,
                            format!(
                                "error: the ssl-ca of the option files, {}, cannot be read: {e}",
                                verdict::shown_path(path.as_bytes())
                            ),
                        ));
                    }
                }
            }
            Some(Anchor::System) => (
                system_bundle(ctx).ok(),
                "the system CAs (no ssl-ca)".into(),
                None,
            ),
            None => (None, String::new(), None),
        }
    };
    if let Some(pem) = &ca_pem
        && mycnf_secure::cert::certificates_der(pem).is_empty()
    {
        return Err(Failure::new(
            Exit::InvalidInput,
            format!(
                "error: {} holds no certificate",
                sanitize(ca_path.as_deref().unwrap_or("the CA").as_bytes())
            ),
        ));
    }

    // The mode judged.
    let (mode, mode_why): (Option<LiveMode>, String) =
        match (args.mode, &args.ca, args.system_roots) {
            (Some(m), _, _) => (Some(m), "--mode".into()),
            (None, Some(_), _) => (
                Some(LiveMode::VerifyCa),
                "the add-ca default for a private CA".into(),
            ),
            (None, None, true) => (
                Some(LiveMode::VerifyIdentity),
                "the only mode for public roots".into(),
            ),
            (None, None, false) if args.target.is_some() && ca_pem.is_none() => {
                (Some(LiveMode::Required), "no CA given: TLS only".into())
            }
            (None, None, false) => (
                configured_mode(&own_row),
                format!("what {} does with the option files", fam.profile().label),
            ),
        };

    let started = Instant::now();
    let result = probe::probe(
        &probe::Request {
            host: host.clone(),
            port,
            timeout,
        },
        ctx.now,
    );
    let elapsed = started.elapsed().as_millis();
    let p = match result {
        Ok(p) => p,
        Err(e) => {
            if args.format == Format::Json {
                let out = JsonOut {
                    schema: "mycnf-secure/probe/v1",
                    host: &host,
                    port,
                    host_from: &host_from,
                    client: &args.client,
                    server_name: &server_name,
                    probe: None,
                    error: Some(Failure::new(Exit::Io, e.to_string()).code(e.kind()).body()),
                    ca: None,
                    strongest_mode: None,
                    mode: mode.map(LiveMode::as_str),
                    works: None,
                    why_not: None,
                    clients: &[],
                    notes: &notes,
                    elapsed_ms: elapsed,
                    exit: Exit::Io.code(),
                };
                emit_json(&out)?;
                return Ok(Exit::Io);
            }
            return Err(Failure::new(
                Exit::Io,
                format!("error: {}:{port}: {e}", sanitize(host.as_bytes())),
            ));
        }
    };

    let verdict_ca: Option<ChainVerdict> = ca_pem
        .as_ref()
        .and_then(|pem| verdict::against_pem(&p, pem, Some(&server_name), ctx.now).ok());
    let strongest = verdict::strongest(&p, verdict_ca.as_ref());
    let why_not = mode.and_then(|m| verdict::why_not(m, &p, verdict_ca.as_ref()));
    let ca_used = ca_pem.as_ref().map(|_| CaUsed {
        source: ca_source.clone(),
        path: ca_path.clone(),
        verify_ca: check(verdict::why_not(
            LiveMode::VerifyCa,
            &p,
            verdict_ca.as_ref(),
        )),
        verify_identity: check(verdict::why_not(
            LiveMode::VerifyIdentity,
            &p,
            verdict_ca.as_ref(),
        )),
    });

    let clients = if table_wanted {
        let system = ctx
            .system_bundle
            .as_ref()
            .and_then(|b| std::fs::read(b).ok());
        verdict::table(
            &opts.chain,
            &opts.file,
            &p,
            Some(&server_name),
            ctx.now,
            system.as_deref(),
        )
    } else {
        Vec::new()
    };
    // Without a mode given, the family's own verdict decides.
    let own_live = clients.iter().find(|c| c.row.family == fam);
    let works = match (
        args.mode.is_some() || args.ca.is_some() || args.system_roots || args.target.is_some(),
        own_live,
    ) {
        (false, Some(c)) => c.live != Live::Fails,
        _ => why_not.is_none(),
    };
    let exit = if works { Exit::Success } else { Exit::Findings };

    match args.format {
        Format::Json => {
            let out = JsonOut {
                schema: "mycnf-secure/probe/v1",
                host: &host,
                port,
                host_from: &host_from,
                client: &args.client,
                server_name: &server_name,
                probe: Some(&p),
                error: None,
                ca: ca_used.as_ref(),
                strongest_mode: Some(strongest),
                mode: mode.map(LiveMode::as_str),
                works: Some(works),
                why_not: why_not.as_deref(),
                clients: &clients,
                notes: &notes,
                elapsed_ms: elapsed,
                exit: exit.code(),
            };
            emit_json(&out)?;
        }
        Format::Text => {
            let mut s = text(&p, &host_from, &server_name, ca_used.as_ref(), strongest);
            match mode {
                Some(m) => {
                    let verdict = match &why_not {
                        None => ui::good("works"),
                        Some(w) => {
                            format!("{}: {}", ui::error("will not work"), sanitize(w.as_bytes()))
                        }
                    };
                    s.push_str(&format!("mode {} ({mode_why}): {verdict}\n", m.as_str()));
                }
                None => s.push_str(&format!(
                    "mode: {} does not insist on TLS with these files\n",
                    fam.profile().label
                )),
            }
            if !clients.is_empty() {
                s.push_str(&format!(
                    "\nWith the option files as written ({}):\n",
                    files_label(&opts.files)
                ));
                s.push_str(&table_text(&clients));
            }
            for n in &notes {
                s.push_str(&format!("{}: {}\n", ui::dim("note"), n));
            }
            if ui::quiet() {
                s.clear();
            }
            if args.print_chain {
                if !s.is_empty() {
                    s.push('\n');
                }
                s.push_str(&pem_chain(&p));
            }
            if !s.is_empty() {
                output::show(&s).map_err(|e| Failure::new(e, String::new()))?;
            }
            if !works && ui::quiet() {
                output::error(&format!(
                    "{host}:{port}: will not work: {}",
                    why_not.as_deref().unwrap_or("a client fails")
                ));
            }
        }
    }
    Ok(exit)
}

fn system_bundle(ctx: &Context) -> Result<Vec<u8>, Failure> {
    ctx.system_bundle
        .as_ref()
        .and_then(|b| std::fs::read(b).ok())
        .ok_or_else(|| {
            Failure::new(
                Exit::InvalidInput,
                "error: no system CA bundle on this machine",
            )
        })
}

fn check(why: Option<String>) -> Check {
    Check {
        ok: why.is_none(),
        why,
    }
}

fn emit_json(out: &impl Serialize) -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(out).expect("serialisable");
    text.push('\n');
    output::emit(text.as_bytes()).map_err(|e| Failure::new(e, String::new()))
}

fn files_label(files: &[PathBuf]) -> String {
    if files.is_empty() {
        return "no option file found".into();
    }
    sanitize(
        files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
            .as_bytes(),
    )
    .into_owned()
}

/// The report: server, TLS, chain, the CA's verdicts, the strongest mode.
fn text(
    p: &Probe,
    host_from: &str,
    server_name: &str,
    ca: Option<&CaUsed>,
    strongest: LiveMode,
) -> String {
    let mut s = format!(
        "probe {}:{} ({}; connected to {})\n",
        sanitize(p.host.as_bytes()),
        p.port,
        host_from,
        p.address
    );
    s.push_str(&format!(
        "server   {} (protocol {}, connection {})\n",
        p.server.server_version, p.server.protocol_version, p.server.connection_id
    ));
    let tls = match (&p.tls, p.server.tls_offered, &p.tls_error) {
        (Some(t), _, _) => format!("offered; {} {}", t.version, t.cipher),
        (None, false, _) => ui::error("not offered: the server has no TLS"),
        (None, true, Some(e)) => format!(
            "offered; {}: {}",
            ui::error("handshake failed"),
            sanitize(e.as_bytes())
        ),
        (None, true, None) => "offered".into(),
    };
    s.push_str(&format!("TLS      {tls}\n"));
    if !p.chain.is_empty() {
        s.push_str("chain    as presented, the server's certificate first:\n");
        for (i, c) in p.chain.iter().enumerate() {
            let validity = match c.validity {
                mycnf_secure::cert::TimeStatus::Valid => ui::good("valid"),
                mycnf_secure::cert::TimeStatus::Expired => ui::error("EXPIRED"),
                mycnf_secure::cert::TimeStatus::NotYetValid => ui::error("NOT YET VALID"),
            };
            s.push_str(&format!(
                "  [{i}] subject  {}\n",
                sanitize(c.subject.as_bytes())
            ));
            s.push_str(&format!(
                "      issuer   {}\n",
                sanitize(c.issuer.as_bytes())
            ));
            s.push_str(&format!(
                "      valid    {} to {} ({validity})\n",
                c.not_before, c.not_after
            ));
            if !c.san.is_empty() {
                s.push_str(&format!(
                    "      names    {}\n",
                    sanitize(c.san.join(", ").as_bytes())
                ));
            }
            s.push_str(&format!("      SHA-256  {}\n", c.sha256));
        }
    }
    match ca {
        Some(ca) => {
            let what = match &ca.path {
                Some(p) => format!("{} ({})", sanitize(p.as_bytes()), ca.source),
                None => ca.source.clone(),
            };
            s.push_str(&format!("CA       {what}\n"));
            let line = |c: &Check| match &c.why {
                None => ui::good("ok"),
                Some(w) => format!("{}: {}", ui::error("fails"), sanitize(w.as_bytes())),
            };
            s.push_str(&format!("  VERIFY_CA        {}\n", line(&ca.verify_ca)));
            s.push_str(&format!(
                "  VERIFY_IDENTITY  {} (name {})\n",
                line(&ca.verify_identity),
                sanitize(server_name.as_bytes())
            ));
        }
        None => s.push_str("CA       none given (--ca, --system-roots, or ssl-ca in the option files): the chain is not judged\n"),
    }
    s.push_str(&format!(
        "strongest mode that works: {}\n",
        strongest.as_str()
    ));
    s
}

fn table_text(rows: &[FamilyLive]) -> String {
    let width = rows
        .iter()
        .map(|r| r.row.client.chars().count())
        .max()
        .unwrap_or(0);
    let mut s = String::new();
    for r in rows {
        let mark = match r.live {
            Live::Connects => ui::good("ok   "),
            Live::Plaintext => ui::warning("plain"),
            Live::Fails => ui::error("FAIL "),
            Live::NotApplicable => ui::dim("n/a  "),
        };
        let what = match r.live {
            Live::Connects => format!("connects: {}", r.why),
            Live::Plaintext => format!("connects in plaintext: {}", r.why),
            Live::Fails => format!("will not connect: {}", r.why),
            Live::NotApplicable => r.why.clone(),
        };
        s.push_str(&format!(
            "  {mark}  {:<width$}  {}\n",
            r.row.client,
            sanitize(what.as_bytes())
        ));
    }
    s
}

/// The presented certificates as PEM, the server's first.
fn pem_chain(p: &Probe) -> String {
    let pems: Vec<pem::Pem> = p
        .chain
        .iter()
        .map(|c| pem::Pem::new("CERTIFICATE", c.der.clone()))
        .collect();
    let config = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
    pem::encode_many_config(&pems, config)
}

/// A probe run for another command (`add-ca --probe`, `check --probe`): where, what came
/// back, and what it means for the CA.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Asked {
    pub host: String,
    pub port: u16,
    pub server_version: String,
    pub tls_offered: bool,
    pub tls: Option<String>,
    pub strongest_mode: LiveMode,
    pub verify_ca: Option<String>,
    pub verify_identity: Option<String>,
    #[serde(skip)]
    pub probe: Probe,
}

/// Where to probe: `HOST[:PORT]` as given, or (given empty) the host and port the MariaDB
/// programs read from `files`.
pub(crate) fn target(
    given: &str,
    files: &[ChainFile],
    home: Option<&Path>,
) -> Result<(String, u16), Failure> {
    if !given.is_empty() {
        let (h, p) = probe::parse_target(given).map_err(|e| {
            Failure::new(
                Exit::InvalidInput,
                format!("error: --probe: {}", sanitize(e.as_bytes())),
            )
        })?;
        return Ok((h, p.unwrap_or(probe::DEFAULT_PORT)));
    }
    let (opts, _) = collect(files, home)?;
    let (h, p) = verdict::host_port(Family::MariadbCli113, &opts);
    match h {
        Some(h) => Ok((h, p.unwrap_or(probe::DEFAULT_PORT))),
        None => Err(Failure::new(
            Exit::Usage,
            "error: --probe: the option files name no host; give it as --probe=HOST[:PORT]",
        )),
    }
}

/// Probes `host:port` and judges the chain against `ca_pem`. A connection error stops with exit
/// 4.
pub(crate) fn ask(
    host: &str,
    port: u16,
    ca_pem: Option<&[u8]>,
    timeout: f64,
    now: i64,
) -> Result<Asked, Failure> {
    if !(timeout > 0.0 && timeout <= 3600.0) {
        return Err(Failure::new(
            Exit::Usage,
            "error: the probe's timeout must be between 0 and 3600 seconds",
        ));
    }
    let req = probe::Request {
        host: host.to_string(),
        port,
        timeout: Duration::from_secs_f64(timeout),
    };
    let p = probe::probe(&req, now).map_err(|e| {
        Failure::new(
            Exit::Io,
            format!("error: probe {}:{port}: {e}", sanitize(host.as_bytes())),
        )
        .code(e.kind())
    })?;
    let v = ca_pem.and_then(|pem| verdict::against_pem(&p, pem, Some(host), now).ok());
    Ok(Asked {
        host: host.to_string(),
        port,
        server_version: p.server.server_version.clone(),
        tls_offered: p.server.tls_offered,
        tls: p
            .tls
            .as_ref()
            .map(|t| format!("{} {}", t.version, t.cipher)),
        strongest_mode: verdict::strongest(&p, v.as_ref()),
        verify_ca: verdict::why_not(LiveMode::VerifyCa, &p, v.as_ref()),
        verify_identity: verdict::why_not(LiveMode::VerifyIdentity, &p, v.as_ref()),
        probe: p,
    })
}
