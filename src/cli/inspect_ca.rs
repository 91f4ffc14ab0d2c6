//! `mycnf-secure inspect-ca`: is this file a CA that clients can use for `ssl-ca`?

use std::io::Read;
use std::path::Path;

use serde::Serialize;

use crate::cert::{self, CaReport, CertInfo, Finding, Role, Severity, TimeStatus, TrustStore};
use crate::cli::{Exit, Format, InspectCaArgs};

/// JSON document printed by `inspect-ca --format json` (docs/json-schemas.md).
#[derive(Serialize)]
struct JsonReport<'a> {
    schema: &'static str,
    source: String,
    #[serde(flatten)]
    report: &'a CaReport,
}

/// The time the checks use: now, or `MYCNF_SECURE_NOW` (Unix seconds) for reproducible output.
pub fn now() -> i64 {
    if let Some(t) = std::env::var("MYCNF_SECURE_NOW")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return t;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A certificate from standard input. Pasted on a terminal, it ends with its END line (no
/// Ctrl-D needed); from a pipe, with the end of input (a bundle may hold several).
fn read_pasted() -> std::io::Result<Vec<u8>> {
    use std::io::{BufRead, IsTerminal};
    let stdin = std::io::stdin();
    let mut buf = Vec::new();
    if !stdin.is_terminal() {
        stdin.lock().read_to_end(&mut buf)?;
        return Ok(buf);
    }
    eprintln!("Paste the CA certificate (PEM); it ends at its -----END CERTIFICATE----- line:");
    let mut lock = stdin.lock();
    loop {
        let mut line = Vec::new();
        if lock.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        buf.extend_from_slice(&line);
        if String::from_utf8_lossy(&line).trim() == "-----END CERTIFICATE-----" {
            break;
        }
    }
    Ok(buf)
}

/// Reads a CA file (`-` is standard input). The error is a sentence for the user.
pub fn read_ca_input(path: &Path) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        return read_pasted()
            .map_err(|e| format!("cannot read the certificate from standard input: {e}"));
    }
    if path.is_dir() {
        return Err(format!(
            "{} is a directory; name the CA file inside it",
            path.display()
        ));
    }
    std::fs::read(path).map_err(|e| {
        format!(
            "cannot read {}: {}",
            path.display(),
            crate::chain::fsio::os_reason(&e)
        )
    })
}

pub fn run(args: InspectCaArgs) -> Exit {
    let bytes = match read_ca_input(&args.ca) {
        Ok(b) => b,
        Err(msg) => {
            eprintln!("error: {msg}");
            return Exit::Io;
        }
    };
    let store = TrustStore::system();
    let report = cert::inspect(&bytes, now(), store.as_ref());
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
        Format::Text if super::ui::get().quiet && report.usable => {}
        Format::Text => {
            let text = super::ui::levels(&render_text(&source, &report));
            if let Err(exit) = super::output::emit(text.as_bytes()) {
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
pub fn render_text(source: &str, report: &CaReport) -> String {
    let mut out = String::new();
    out.push_str(&format!("{source}: {}\n", verdict(report)));
    for f in &report.findings {
        out.push_str(&render_finding(source, f));
    }
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

pub fn render_finding(source: &str, f: &Finding) -> String {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let message = crate::diagnostic::sanitize(f.message.as_bytes());
    let mut s = format!("{level}[{}]: {message}\n", f.code);
    if let Some(line) = f.line {
        s.push_str(&format!("  --> {source}:{line}\n"));
    }
    if let Some(h) = &f.hint {
        s.push_str(&format!("  = hint: {h}\n"));
    }
    s
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
        let v = crate::diagnostic::sanitize(v.as_bytes());
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
