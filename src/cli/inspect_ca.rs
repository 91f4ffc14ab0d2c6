//! `mycnf-secure inspect-ca`: is this file a CA that clients can use for `ssl-ca`?

use serde::Serialize;

use std::path::Path;

use crate::cli::{Exit, Format, InspectCaArgs};
use mycnf_secure::cert::{self, CaReport, CertInfo, Role, TimeStatus};
use mycnf_secure::diagnostic::{Finding, sanitize};

/// JSON document printed by `inspect-ca --format json` (docs/json-schemas.md).
#[derive(Serialize)]
struct JsonReport<'a> {
    schema: &'static str,
    source: String,
    #[serde(flatten)]
    report: &'a CaReport,
}

pub fn run(args: InspectCaArgs) -> Exit {
    let bytes = match crate::cli::input::read_ca(&args.ca) {
        Ok(b) => b,
        Err(msg) => {
            return crate::cli::failure::Failure::new(Exit::Io, format!("error: {msg}"))
                .at(Some(args.ca.clone()), None)
                .report(args.format == Format::Json);
        }
    };
    let ctx = crate::cli::context::context(true);
    let report = cert::inspect(&bytes, ctx.now, ctx.trust_store.as_ref());
    let source = args.ca.display().to_string();
    match args.format {
        Format::Json => {
            let doc = JsonReport {
                schema: "mycnf-secure/inspect-ca/v1",
                source,
                report: &report,
            };
            let mut json = serde_json::to_string_pretty(&doc).expect("serialisable");
            json.push('\n');
            if let Err(exit) = super::output::emit(json.as_bytes()) {
                return exit;
            }
        }
        Format::Text if super::ui::quiet() && report.usable => {}
        Format::Text => {
            let text = render_text(&args.ca, &report);
            if let Err(exit) = super::output::show(&text) {
                return exit;
            }
        }
    }
    if report.usable {
        Exit::Success
    } else {
        Exit::InvalidInput
    }
}

/// The human report: the verdict first, then the findings, then one block per certificate.
pub fn render_text(source: &Path, report: &CaReport) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{}: {}\n",
        sanitize(source.display().to_string().as_bytes()),
        verdict(report)
    ));
    let findings: Vec<Finding> = report
        .findings
        .iter()
        .map(|f| Finding::from_cert(source, f))
        .collect();
    let rendered = crate::cli::render::findings(&findings);
    out.push_str(rendered.strip_suffix('\n').unwrap_or(&rendered));
    for c in &report.certificates {
        out.push('\n');
        out.push_str(&render_cert(c));
    }
    out
}

/// One line of verdict.
pub fn verdict(report: &CaReport) -> String {
    let errors = report.errors().count();
    let warnings = report.warnings().count();
    let n = report.certificates.len();
    let plural = |k: usize, w: &str| format!("{k} {w}{}", if k == 1 { "" } else { "s" });
    if !report.usable {
        return format!(
            "NOT a usable CA file ({}{})",
            plural(errors, "error"),
            if warnings > 0 {
                format!(", {}", plural(warnings, "warning"))
            } else {
                String::new()
            }
        );
    }
    let kind = if report.public_roots > 0 {
        format!(
            "{} also in the system trust store: a public CA bundle, use VERIFY_IDENTITY",
            plural(report.public_roots, "certificate")
        )
    } else {
        "a private CA: VERIFY_CA or VERIFY_IDENTITY".to_string()
    };
    format!(
        "usable CA file: {} in {}, {kind}{}",
        plural(report.usable_cas, "usable CA"),
        plural(n, "certificate"),
        if warnings > 0 {
            format!(" ({})", plural(warnings, "warning"))
        } else {
            String::new()
        }
    )
}

fn render_cert(c: &CertInfo) -> String {
    let role = match c.role {
        Role::Root => "root CA",
        Role::Intermediate => "intermediate CA",
        Role::Leaf => "NOT a CA (server/client certificate)",
    };
    let state = if c.usable { "usable" } else { "not usable" };
    let validity = match c.validity {
        TimeStatus::Valid => format!("{} days left", c.days_left),
        TimeStatus::Expired => format!("EXPIRED {} days ago", -c.days_left),
        TimeStatus::NotYetValid => "NOT YET VALID".to_string(),
    };
    let key = match &c.key.curve {
        Some(curve) => format!("{} {} ({curve})", c.key.kind, c.key.bits),
        None => format!("{} {}", c.key.kind, c.key.bits),
    };
    let ca = match (c.ca, c.path_len) {
        (Some(true), Some(n)) => format!("yes, path length {n}"),
        (Some(true), None) => "yes".to_string(),
        (Some(false), _) => "no".to_string(),
        (None, _) => "no basicConstraints (legacy)".to_string(),
    };
    let ku = c
        .key_usage
        .as_ref()
        .map_or("(not restricted)".to_string(), |k| k.join(", "));
    let mut s = format!(
        "certificate {} (line {}): {role}, {state}\n",
        c.index, c.line
    );
    let mut row = |k: &str, v: &str| {
        let v = sanitize(v.as_bytes());
        s.push_str(&format!("  {k:<10} {v}\n"))
    };
    row("subject", &c.subject);
    row(
        "issuer",
        if c.self_signed {
            "(self-signed)"
        } else {
            &c.issuer
        },
    );
    row("serial", &c.serial);
    row("sha256", &c.sha256);
    row(
        "valid",
        &format!("{} to {} ({validity})", c.not_before, c.not_after),
    );
    row(
        "key",
        &format!("{key}, signed with {}", c.signature_algorithm),
    );
    row("CA", &ca);
    row("key usage", &ku);
    if !c.san.is_empty() {
        row("SAN", &c.san.join(", "));
    }
    if c.in_system_store {
        row("public", "also in the system trust store");
    }
    s
}
