//! TLS rules on the effective options of the whole chain, per client family: the last
//! occurrence wins across groups and files.

use std::path::{Path, PathBuf};

use super::{CheckInput, Finding, Related, Severity, Sources, on_file};
use crate::tls::outcome::Opt;
use crate::tls::{
    CONNECTOR_C_GROUPS, MARIADB_CLI_GROUPS as MARIADB_GROUPS, MYSQL_CLI_GROUPS as MYSQL_GROUPS,
    MYSQL_ONLY_OPTIONS as MYSQL_ONLY, Target, boolean_value, in_groups,
};

/// A finding on the line of option `o` (reader line numbers turned into the file's own).
fn finding_at(
    sources: &mut Sources,
    code: &'static str,
    severity: Severity,
    message: String,
    o: &Opt,
    hint: &str,
) -> Finding {
    sources.at_reader(
        code,
        severity,
        message,
        &o.file,
        o.line,
        Some(hint.to_string()).filter(|h| !h.is_empty()),
    )
}

fn last<'a>(opts: &[&'a Opt], canonical: &str) -> Option<&'a Opt> {
    opts.iter().rev().find(|o| o.name.is(canonical)).copied()
}

fn value(o: &Opt) -> String {
    o.value
        .as_deref()
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .unwrap_or_default()
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

pub(crate) fn check_posture(
    input: &CheckInput<'_>,
    opts: &[Opt],
    read: &[PathBuf],
    sources: &mut Sources,
    out: &mut Vec<Finding>,
) {
    let mysql = input.target != Target::Mariadb;
    let mariadb = input.target != Target::Mysql;
    let at = finding_at;

    // Lines that stop a client family from starting.
    if mariadb {
        for o in in_groups(opts, MARIADB_GROUPS) {
            if !o.name.loose && MYSQL_ONLY.iter().any(|n| o.name.is(n)) {
                out.push(at(sources, "MC306", Severity::Error, format!("`{}` stops every MariaDB client: unknown variable", o.raw_name), o, "write it as loose-ssl-mode (MySQL reads it, MariaDB warns and goes on), or move it to a file only MySQL clients read"));
            }
        }
    }
    if mysql {
        for o in in_groups(opts, MYSQL_GROUPS) {
            if !o.name.loose && (o.name.is("ssl-verify-server-cert") || o.name.is("ssl")) {
                out.push(at(
                    sources,
                    "MC307",
                    Severity::Error,
                    format!(
                        "`{}` stops MySQL 8.0+ clients: the option was removed",
                        o.raw_name
                    ),
                    o,
                    "put MariaDB-only options in [client-mariadb]",
                ));
            }
        }
    }
    if mariadb {
        for o in in_groups(opts, CONNECTOR_C_GROUPS) {
            if o.name.is("ssl-verify-server-cert")
                && !o.name.loose
                && o.name.negation.is_none()
                && o.value.as_deref() != Some(b"1")
            {
                let shown = o.value.as_deref().map_or("(no value)".to_string(), |v| {
                    format!("={}", String::from_utf8_lossy(v))
                });
                out.push(at(sources, "MC308", Severity::Error, format!("`{}{}`: Connector/C applications read only =1 as on, so this leaves them without verification", o.raw_name, if o.value.is_some() { shown } else { " with no value".into() }), o, "write ssl-verify-server-cert=1"));
            }
        }
    }
    for o in in_groups(opts, &["client"]) {
        if ["tls-version", "ssl-crl", "ssl-crlpath"]
            .iter()
            .any(|n| o.name.is(n))
            && !o.name.loose
        {
            out.push(at(sources, "MC309", Severity::Warning, format!("`{}` in [client] makes Oracle's client library lower an application's TLS mode to PREFERRED", o.raw_name), o, "move it to the group of the program that needs it"));
        }
    }

    // The effective posture per family.
    let mut any_tls = false;
    let mut families: Vec<(&str, &[&str])> = Vec::new();
    if mysql {
        families.push(("MySQL clients", MYSQL_GROUPS));
    }
    if mariadb {
        families.push(("MariaDB clients", MARIADB_GROUPS));
    }
    let mut checked_cas: Vec<PathBuf> = Vec::new();
    for (family, groups) in families {
        let g = in_groups(opts, groups);
        let ca = last(&g, "ssl-ca").filter(|o| o.name.negation.is_none());
        let capath = last(&g, "ssl-capath");
        let mode = if family == "MySQL clients" {
            last(&g, "ssl-mode")
        } else {
            None
        };
        let ssl = last(&g, "ssl");
        let verify = last(&g, "ssl-verify-server-cert");
        if ca.is_some() || mode.is_some() || verify.is_some() || capath.is_some() {
            any_tls = true;
        }
        if let Some(o) = mode {
            let m = value(o).to_ascii_uppercase();
            if m == "DISABLED" {
                out.push(at(
                    sources,
                    "MC302",
                    Severity::Error,
                    format!("ssl-mode=DISABLED: {family} connect without TLS"),
                    o,
                    "remove it, or use mycnf-secure add-ca",
                ));
            } else if (m == "REQUIRED" || m == "PREFERRED") && ca.is_some() {
                out.push(at(
                    sources,
                    "MC303",
                    Severity::Error,
                    format!(
                        "ssl-mode={m} with ssl-ca: MySQL clients ignore the CA and verify nothing"
                    ),
                    o,
                    "use VERIFY_CA or VERIFY_IDENTITY",
                ));
            } else if m.starts_with("VERIFY") && ca.is_none() && capath.is_none() {
                out.push(at(
                    sources,
                    "MC304",
                    Severity::Error,
                    format!("ssl-mode={m} without ssl-ca: there is no CA to verify against"),
                    o,
                    "add ssl-ca=/absolute/path/ca.pem",
                ));
            }
        }
        if let Some(o) = ssl
            && !boolean_value(&o.name, o.value.as_deref())
        {
            out.push(at(
                sources,
                "MC302",
                Severity::Error,
                format!("`{}`: {family} connect without TLS", o.raw_name),
                o,
                "remove it",
            ));
        }
        if let Some(o) = ca
            && !checked_cas.contains(&o.file.join(value(o)))
        {
            checked_cas.push(o.file.join(value(o)));
            ca_file(input, o, sources, out);
        }
        // An override that weakens an earlier line of the same option.
        for canonical in ["ssl-mode", "ssl-verify-server-cert", "ssl"] {
            if canonical == "ssl-mode" && family != "MySQL clients" {
                continue;
            }
            let lines: Vec<&Opt> = g.iter().copied().filter(|o| o.name.is(canonical)).collect();
            for pair in lines.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let weaker = match canonical {
                    "ssl-mode" => mode_rank(&value(b)) < mode_rank(&value(a)),
                    _ => {
                        boolean_value(&a.name, a.value.as_deref())
                            && !boolean_value(&b.name, b.value.as_deref())
                    }
                };
                if weaker {
                    let mut f = at(
                        sources,
                        "MC310",
                        Severity::Error,
                        format!(
                            "`{}{}` overrides an earlier, stronger `{}{}` for {family}",
                            b.raw_name,
                            b.value
                                .as_deref()
                                .map(|v| format!("={}", String::from_utf8_lossy(v)))
                                .unwrap_or_default(),
                            a.raw_name,
                            a.value
                                .as_deref()
                                .map(|v| format!("={}", String::from_utf8_lossy(v)))
                                .unwrap_or_default()
                        ),
                        b,
                        "the last occurrence wins across groups and files; remove the later line",
                    );
                    f.related = Some(Related {
                        file: a.file.clone(),
                        line: a.line,
                        note: "the line it cancels".into(),
                    });
                    out.push(f);
                }
            }
        }
    }
    // Connections on this machine (no host, localhost, a loopback address) need no TLS.
    let host = last(&in_groups(opts, MARIADB_GROUPS), "host").map(value);
    let remote = host.as_deref().is_some_and(|h| {
        !matches!(h.trim(), "" | "localhost" | "127.0.0.1" | "::1") && !h.starts_with("127.")
    });
    if !any_tls && remote {
        let file = read.last().map(PathBuf::as_path);
        out.push(on_file("MC301", Severity::Warning, format!("no TLS options for the remote host {}: clients use TLS only if the server offers it and verify nothing (a plaintext fallback is possible)", host.as_deref().unwrap_or_default()), file, Some("mycnf-secure add-ca CA.pem".into())));
    }
}

/// The CA an `ssl-ca` line names: absolute, readable, a usable CA.
fn ca_file(input: &CheckInput<'_>, o: &Opt, sources: &mut Sources, out: &mut Vec<Finding>) {
    let v = value(o);
    let path = Path::new(&v);
    let mut at = |code, sev, msg: String, hint: &str| {
        out.push(finding_at(sources, code, sev, msg, o, hint));
    };
    if !path.is_absolute() {
        at(
            "MC305",
            Severity::Error,
            format!(
                "ssl-ca={v} is relative: it is resolved against each client's working directory"
            ),
            "write the absolute path",
        );
        return;
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            at(
                "MC305",
                Severity::Error,
                format!(
                    "ssl-ca={v} cannot be read: {}",
                    crate::chain::fsio::os_reason(&e)
                ),
                "fix the path, or install the CA with mycnf-secure add-ca --install",
            );
            return;
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
        );
    } else if let Some(w) = report.findings.iter().find(|f| f.code == "CA302") {
        at(
            "MC305",
            Severity::Warning,
            format!("ssl-ca={v}: {}", w.message),
            "get the renewed CA before it expires",
        );
    }
}
