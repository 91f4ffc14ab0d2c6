//! `mycnf-secure check`: the validator, rustc-style in text, a documented schema in JSON.

use serde::Serialize;

use mycnf_secure::chain::{self, ChainFile, FileOptions, Vendor};
use mycnf_secure::check::{self, CheckInput, CheckReport, Severity};

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
        files,
        target: args.target.into(),
        now: ctx.now,
        store: ctx.trust_store.as_ref(),
        home: ctx.env.home.as_deref(),
        show_secrets: args.show_secrets,
    });
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
