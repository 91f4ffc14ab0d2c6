//! TLS rules on the effective options of the whole chain, per client family: the last
//! occurrence wins across groups and files.

use std::path::{Path, PathBuf};

use super::{CheckInput, Finding, Related, Severity, Sources, on_file};
use crate::clients::{Booleans, Family, Profile, Target, group, names, opt};
use crate::optfile::{Opt, in_groups};

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

    let mysql_cli = Family::MysqlCli.profile();
    let mariadb_cli = Family::MariadbCli113.profile();
    let connector_c = Family::ConnectorC.profile();
    stoppers(mysql, mariadb, opts, sources, out);
    if mariadb {
        for o in connector_c.visible(opts) {
            if o.name.is(opt::SSL_VERIFY_SERVER_CERT) {
                verify_server_cert_value(o, sources, out);
            }
        }
    }
    for o in in_groups(opts, &[group::CLIENT]) {
        if !o.name.loose
            && names::LOWERS_ORACLE_LIBRARY_MODE
                .iter()
                .any(|n| o.name.is(n))
        {
            out.push(at(sources, "MC309", Severity::Warning, format!("`{}` in [client] makes Oracle's client library lower an application's TLS mode to PREFERRED", o.raw_name), o, "move it to the group of the program that needs it"));
        }
    }

    // The effective posture per family.
    let mut any_tls = false;
    let mut families: Vec<&Profile> = Vec::new();
    if mysql {
        families.push(mysql_cli);
    }
    if mariadb {
        families.push(mariadb_cli);
    }
    let mut checked_cas: Vec<PathBuf> = Vec::new();
    for profile in families {
        let family = family_name(profile);
        let uses_ssl_mode = profile.knows(opt::SSL_MODE);
        let g = in_groups(opts, profile.groups);
        let ca = last(&g, opt::SSL_CA).filter(|o| o.name.negation.is_none());
        let capath = last(&g, opt::SSL_CAPATH);
        let mode = if uses_ssl_mode {
            last(&g, opt::SSL_MODE)
        } else {
            None
        };
        let ssl = last(&g, opt::SSL);
        let verify = last(&g, opt::SSL_VERIFY_SERVER_CERT);
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
            && !profile.booleans.is_on(&o.name, o.value.as_deref())
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
        for canonical in [opt::SSL_MODE, opt::SSL_VERIFY_SERVER_CERT, opt::SSL] {
            if canonical == opt::SSL_MODE && !uses_ssl_mode {
                continue;
            }
            let lines: Vec<&Opt> = g.iter().copied().filter(|o| o.name.is(canonical)).collect();
            for pair in lines.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let weaker = match canonical {
                    opt::SSL_MODE => mode_rank(&value(b)) < mode_rank(&value(a)),
                    _ => {
                        profile.booleans.is_on(&a.name, a.value.as_deref())
                            && !profile.booleans.is_on(&b.name, b.value.as_deref())
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
                        file: a.file.to_path_buf(),
                        line: a.line,
                        note: "the line it cancels".into(),
                    });
                    out.push(f);
                }
            }
        }
    }
    // Connections on this machine (no host, localhost, a loopback address) need no TLS.
    let host = last(&in_groups(opts, mariadb_cli.groups), opt::HOST).map(value);
    let remote = host.as_deref().is_some_and(|h| {
        !matches!(h.trim(), "" | "localhost" | "127.0.0.1" | "::1") && !h.starts_with("127.")
    });
    if !any_tls && remote {
        let file = read.last().map(PathBuf::as_path);
        out.push(on_file("MC301", Severity::Warning, format!("no TLS options for the remote host {}: clients use TLS only if the server offers it and verify nothing (a plaintext fallback is possible)", host.as_deref().unwrap_or_default()), file, Some("mycnf-secure add-ca CA.pem".into())));
    }
}

/// The name rules use for a family of command-line clients.
fn family_name(p: &Profile) -> &'static str {
    match p.family {
        Family::MysqlCli => "MySQL clients",
        _ => "MariaDB clients",
    }
}

/// Lines that stop a family of command-line clients from starting.
fn stoppers(
    mysql: bool,
    mariadb: bool,
    opts: &[Opt],
    sources: &mut Sources,
    out: &mut Vec<Finding>,
) {
    if mariadb {
        let p = Family::MariadbCli113.profile();
        for o in in_groups(opts, p.groups) {
            if p.stops_on(&o.name) {
                out.push(finding_at(sources, "MC306", Severity::Error, format!("`{}` stops every MariaDB client: unknown variable", o.raw_name), o, "write it as loose-ssl-mode (MySQL reads it, MariaDB warns and goes on), or move it to a file only MySQL clients read"));
            }
        }
    }
    if mysql {
        let p = Family::MysqlCli.profile();
        for o in in_groups(opts, p.groups) {
            if p.stops_on(&o.name) {
                out.push(finding_at(
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
}

/// `ssl-verify-server-cert` is on only when both readers of it agree: MariaDB programs
/// (`my_getopt`) and Connector/C applications (`atoi`).
fn verify_server_cert_value(o: &Opt, sources: &mut Sources, out: &mut Vec<Finding>) {
    let v = o.value.as_deref();
    let cli = Booleans::GetOpt.is_on(&o.name, v);
    let lib = Booleans::Atoi.is_on(&o.name, v);
    if cli && lib {
        return;
    }
    let shown = match v {
        Some(v) => format!("{}={}", o.raw_name, String::from_utf8_lossy(v)),
        None => format!("{} with no value", o.raw_name),
    };
    let onoff = |b: bool| if b { "on" } else { "off" };
    out.push(finding_at(
        sources,
        "MC308",
        Severity::Error,
        format!(
            "`{shown}`: MariaDB programs read it as {} and Connector/C applications as {}, so some clients are left without verification",
            onoff(cli),
            onoff(lib)
        ),
        o,
        "write ssl-verify-server-cert=1",
    ));
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
