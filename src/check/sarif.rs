//! `check --format sarif`: the findings as a SARIF 2.1.0 log, for code-scanning pipelines that
//! lint option files kept in repositories. Every rule of [`super::rules::RULES`] is described
//! (its text, its default level, help pointing at the rule's documentation); each finding is a
//! result with its file, line and column, and the related place where it has one.

use std::path::Path;

use serde_json::{Value, json};

use super::CheckReport;
use super::rules::{Levels, RULES};
use crate::diagnostic::{Finding, Severity};

/// Where the rules are documented, relative to the project's repository.
const RULES_DOC: &str = "docs/check-rules.md";

/// A file's URI as SARIF wants it: a relative path stays relative (resolved against the
/// repository the pipeline checked out), an absolute one becomes a `file://` URL; both
/// percent-encoded.
fn uri(path: &Path) -> String {
    if path.is_absolute()
        && let Ok(url) = url::Url::from_file_path(path)
    {
        return url.to_string();
    }
    // The name's bytes, not a lossy text: two names that differ in a byte that is not UTF-8
    // must not share a URI.
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().into_owned().into_bytes();
    bytes
        .split(|&b| b == b'/')
        .map(|segment| {
            percent_encoding::percent_encode(segment, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
                .replace("%2E", ".")
                .replace("%2D", "-")
                .replace("%5F", "_")
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn location(file: &Path, line: usize, col: usize) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": uri(file) } });
    if line > 0 {
        let mut region = json!({ "startLine": line });
        if col > 0 {
            region["startColumn"] = json!(col);
        }
        physical["region"] = region;
    }
    json!({ "physicalLocation": physical })
}

fn result(f: &Finding) -> Value {
    let rule_index = RULES.iter().position(|r| r.code == f.code);
    let mut text = f.message.clone();
    if let Some(hint) = &f.hint {
        text.push_str(" (help: ");
        text.push_str(hint);
        text.push(')');
    }
    let mut r = json!({
        "ruleId": f.code,
        "level": level(f.severity),
        "message": { "text": text },
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if let Some(file) = &f.file {
        r["locations"] = json!([location(file, f.line, f.col)]);
    }
    if let Some(rel) = &f.related {
        let mut place = location(&rel.file, rel.line, 0);
        place["message"] = json!({ "text": rel.note });
        r["relatedLocations"] = json!([place]);
    }
    r
}

/// The log for a check report.
pub fn log(report: &CheckReport) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let anchor = r.code.to_ascii_lowercase();
            json!({
                "id": r.code,
                "shortDescription": { "text": r.what },
                "help": {
                    "text": format!("{}. See {RULES_DOC} ({}).", r.what, r.code),
                    "markdown": format!("{}. See [{}]({RULES_DOC}#{anchor}).", r.what, r.code),
                },
                "defaultConfiguration": {
                    "level": match r.severity {
                        Levels::Warning => "warning",
                        Levels::Error | Levels::Both => "error",
                    }
                },
            })
        })
        .collect();
    let artifacts: Vec<Value> = report
        .files
        .iter()
        .map(|f| json!({ "location": { "uri": uri(f) } }))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "mycnf-secure",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "artifacts": artifacts,
            "results": report.findings.iter().map(result).collect::<Vec<_>>(),
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_stay_relative_and_odd_bytes_are_encoded() {
        assert_eq!(uri(Path::new("conf/my.cnf")), "conf/my.cnf");
        assert_eq!(uri(Path::new("a b/#x.cnf")), "a%20b/%23x.cnf");
        assert_eq!(uri(Path::new("/etc/my.cnf")), "file:///etc/my.cnf");
    }
}
