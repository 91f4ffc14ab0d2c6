//! `mycnf-secure check`: the validator, rustc-style in text, a documented schema in JSON.

use serde::Serialize;

use mycnf_secure::chain::{self, ChainFile, FileOptions, Vendor};
use mycnf_secure::check::{self, CheckInput, CheckReport, Severity};

use mycnf_secure::clients;
use mycnf_secure::context::Context;
use mycnf_secure::probe::verdict::{self, Live};

use crate::cli::failure::Failure;
use crate::cli::{CheckArgs, CheckFormat, Exit};

#[derive(Serialize)]
struct JsonOut<'a> {
    schema: &'static str,
    errors: usize,
    warnings: usize,
    summary: String,
    #[serde(flatten)]
    report: &'a CheckReport,
    /// Why it failed, when a named file cannot be read (docs/json-schemas.md, "Errors").
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<serde_json::Value>,
}

pub fn run(args: CheckArgs) -> Exit {
    let ctx = crate::cli::context::context(true);
    let files: Vec<ChainFile> = if args.files.is_empty() {
        let opts = FileOptions {
            no_defaults: args.no_defaults,
            defaults_file: args.defaults_file.clone(),
            defaults_extra_file: args.defaults_extra_file.clone(),
        };
        chain::chain_files(Vendor::Mariadb, ctx.platform, &ctx.env, &opts)
    } else {
        args.files
            .iter()
            .map(|p| ChainFile {
                path: p.clone(),
                required: true,
            })
            .collect()
    };
    let report = check::check(&CheckInput {
        files: files.clone(),
        target: args.target.into(),
        now: ctx.now,
        store: ctx.trust_store.as_ref(),
        home: ctx.env.home.as_deref(),
        show_secrets: args.show_secrets,
    });
    let mut report = report;
    if let Some(t) = &args.probe {
        match live_findings(t, &args, &files, &ctx) {
            Ok(found) => report.findings.extend(found),
            Err(f) => return f.report(args.format == CheckFormat::Json),
        }
    }
    let failed = report.errors() > 0 || (args.strict && report.warnings() > 0);
    // A file named on the command line that cannot be read is an I/O failure (exit 4).
    let unreadable = report
        .findings
        .iter()
        .find(|f| f.code == "MC118" && f.file.as_ref().is_some_and(|p| args.files.contains(p)));
    let text = match args.format {
        CheckFormat::Sarif => {
            let mut s =
                serde_json::to_string_pretty(&check::sarif::log(&report)).expect("serialisable");
            s.push('\n');
            s
        }
        CheckFormat::Json => {
            let mut s = serde_json::to_string_pretty(&JsonOut {
                schema: "mycnf-secure/check/v1",
                errors: report.errors(),
                warnings: report.warnings(),
                summary: report.summary(),
                report: &report,
                error: unreadable.map(|f| {
                    Failure::new(Exit::Io, f.message.clone())
                        .code(f.code)
                        .at(f.file.clone(), None)
                        .body()
                }),
            })
            .expect("serialisable");
            s.push('\n');
            s
        }
        CheckFormat::Text => render(&report),
    };
    if let Err(e) = super::output::show(&text) {
        return e;
    }
    if unreadable.is_some() {
        Exit::Io
    } else if failed {
        Exit::Findings
    } else {
        Exit::Success
    }
}

/// Text: one rustc-style block per finding, then the summary line.
pub fn render(report: &CheckReport) -> String {
    let quiet = super::ui::quiet();
    let shown = report
        .findings
        .iter()
        .filter(|f| !(quiet && f.severity == Severity::Warning));
    let mut s = crate::cli::render::findings(shown);
    s.push_str(&report.summary());
    s.push('\n');
    s
}

/// MC501: what the server named (or given) says, through the client table: each family of the
/// target that will not connect with the files as written (error), or only in plaintext
/// (warning); a server that cannot be probed is an error too.
fn live_findings(
    given: &str,
    args: &CheckArgs,
    files: &[ChainFile],
    ctx: &Context,
) -> Result<Vec<check::Finding>, Failure> {
    let home = ctx.env.home.as_deref();
    let (host, port) = super::probe::target(given, files, home)?;
    let at = format!(
        "{}:{port}",
        mycnf_secure::diagnostic::sanitize(host.as_bytes())
    );
    let finding = |sev, msg: String, hint: Option<String>| {
        check::Finding::on_file("MC501", sev, msg, None, hint)
    };
    let asked = match super::probe::ask(&host, port, None, args.probe_timeout, ctx.now) {
        Ok(a) => a,
        Err(f) => {
            return Ok(vec![finding(
                Severity::Error,
                format!("the server cannot be probed: {}", f.message),
                Some("check the host and port, or run mycnf-secure probe for details".into()),
            )]);
        }
    };
    // The one file a library is given: the file named, else ~/.my.cnf.
    let one = args
        .files
        .first()
        .cloned()
        .or_else(|| args.defaults_file.clone())
        .or_else(|| home.map(|h| h.join(".my.cnf")));
    let read = |fs: &[ChainFile]| super::probe::read_options(fs, home);
    let chain = read(files)?;
    let file = match one {
        Some(f) => read(&[ChainFile {
            path: f,
            required: false,
        }])?,
        None => Vec::new(),
    };
    let system = ctx
        .system_bundle
        .as_ref()
        .and_then(|b| std::fs::read(b).ok());
    let table = verdict::table(
        &chain,
        &file,
        &asked.probe,
        Some(&host),
        ctx.now,
        system.as_deref(),
    );
    let covered: Vec<clients::Family> = clients::covered(args.target.into())
        .iter()
        .map(|p| p.family)
        .collect();
    // One finding per verdict and reason, naming every family it holds for.
    let mut groups: Vec<(Live, String, Vec<&str>)> = Vec::new();
    for r in table.iter().filter(|r| covered.contains(&r.row.family)) {
        if !matches!(r.live, Live::Fails | Live::Plaintext) {
            continue;
        }
        match groups.iter_mut().find(|g| g.0 == r.live && g.1 == r.why) {
            Some(g) => g.2.push(r.row.client),
            None => groups.push((r.live, r.why.clone(), vec![r.row.client])),
        }
    }
    let hint = Some(format!(
        "mycnf-secure probe {at} shows the chain the server presents and the strongest mode that works"
    ));
    let out = groups
        .into_iter()
        .map(|(live, why, names)| {
            let who = clients::and_list(&names);
            let plural = names.len() > 1;
            if live == Live::Fails {
                finding(
                    Severity::Error,
                    format!("live, {at}: {who} will not connect: {why}"),
                    hint.clone(),
                )
            } else {
                finding(
                    Severity::Warning,
                    format!(
                        "live, {at}: {who} {} in plaintext: {why}",
                        if plural { "connect" } else { "connects" }
                    ),
                    None,
                )
            }
        })
        .collect();
    Ok(out)
}
