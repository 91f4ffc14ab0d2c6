//! `mycnf-secure check`: the validator, rustc-style in text, a documented schema in JSON.

use serde::Serialize;

use crate::cert::TrustStore;
use crate::chain::{self, ChainFile, Family, FileOptions, Platform, SearchEnv};
use crate::check::{self, CheckInput, CheckReport, Finding, Severity};
use crate::cli::{CheckArgs, Exit, Format};
use crate::diagnostic::Snippet;

#[derive(Serialize)]
struct JsonOut<'a> {
    schema: &'static str,
    errors: usize,
    warnings: usize,
    summary: String,
    #[serde(flatten)]
    report: &'a CheckReport,
}

pub fn run(args: CheckArgs) -> Exit {
    let files: Vec<ChainFile> = if args.files.is_empty() {
        let opts = FileOptions {
            no_defaults: args.no_defaults,
            defaults_file: args.defaults_file.clone(),
            defaults_extra_file: args.defaults_extra_file.clone(),
        };
        chain::chain_files(
            Family::MariaDb,
            Platform::current(),
            &SearchEnv::from_process(),
            &opts,
        )
    } else {
        args.files
            .iter()
            .map(|p| ChainFile {
                path: p.clone(),
                required: true,
            })
            .collect()
    };
    let store = TrustStore::system();
    let report = check::check(&CheckInput {
        files,
        target: args.target.into(),
        now: super::inspect_ca::now(),
        store: store.as_ref(),
    });
    let failed = report.errors() > 0 || (args.strict && report.warnings() > 0);
    let text = match args.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&JsonOut {
                schema: "mycnf-secure/check/v1",
                errors: report.errors(),
                warnings: report.warnings(),
                summary: report.summary(),
                report: &report,
            })
            .expect("serialisable");
            s.push('\n');
            s
        }
        Format::Text => render(&report),
    };
    if let Err(e) = super::output::emit(text.as_bytes()) {
        return e;
    }
    if failed {
        Exit::Findings
    } else {
        Exit::Success
    }
}

/// Text: one rustc-style block per finding, then the summary line.
pub fn render(report: &CheckReport) -> String {
    let quiet = super::ui::get().quiet;
    let mut s = String::new();
    for f in &report.findings {
        if quiet && f.severity == Severity::Warning {
            continue;
        }
        s.push_str(&super::ui::levels(&render_finding(f)));
        s.push('\n');
    }
    s.push_str(&report.summary());
    s.push('\n');
    s
}

fn render_finding(f: &Finding) -> String {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let path = f
        .file
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let mut s = if f.line > 0 {
        Snippet {
            level,
            code: Some(f.code),
            message: f.message.clone(),
            path,
            line: f.line,
            col: f.col.max(1),
            source: f.source_bytes.clone(),
            width: f.width,
            hint: f.hint.clone(),
        }
        .render()
    } else {
        let mut s = format!("{level}[{}]: {}\n", f.code, f.message);
        if !path.is_empty() {
            s.push_str(&format!(" --> {path}\n"));
        }
        if let Some(h) = &f.hint {
            s.push_str(&format!("  = hint: {h}\n"));
        }
        s
    };
    if let Some(r) = &f.related {
        s.push_str(&format!(
            "  = note: {}: {}:{}\n",
            r.note,
            r.file.display(),
            r.line
        ));
    }
    s
}
