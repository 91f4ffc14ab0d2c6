//! docs/clients.md, made from the client data: for each family what it reads, how, what
//! add-ca's lines make it do for every target and mode, what to do where no line helps, and how
//! the row is proven. `tests/docs.rs` keeps the committed page equal to this text.

use std::path::Path;
use std::sync::Arc;

use super::outcome::{Level, Outcome, Refusals, TlsUse, outcomes};
use super::{Booleans, PROFILES, Profile, Proof, Reads, TlsModel};
use super::{Mode, Target, settings};
use crate::optfile::Opt;

const TARGETS: [Target; 3] = [Target::Mixed, Target::Mysql, Target::Mariadb];
const MODES: [Mode; 2] = [Mode::VerifyCa, Mode::VerifyIdentity];

/// The rows of the client table for a file that holds only the lines add-ca writes for
/// `target` and `mode`.
pub fn rows_for_fresh_file(target: Target, mode: Mode) -> Vec<Outcome> {
    let file: Arc<Path> = Arc::from(Path::new("my.cnf"));
    let opts: Vec<Opt> = settings::settings(target, mode, b"/etc/ssl/db-ca.pem", None)
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Opt::new(
                s.group.as_bytes(),
                s.name.as_bytes(),
                Some(&s.value),
                file.clone(),
                i + 1,
            )
        })
        .collect();
    outcomes(&opts, &opts, Refusals::default())
}

/// A cell of the matrix: TLS, then what is verified.
fn cell(o: &Outcome) -> String {
    match (o.level, o.tls) {
        (Level::Broken, _) => "**refuses**".into(),
        (Level::Unaffected, _) | (_, None) => "—".into(),
        (_, Some(TlsUse::Off)) => "no TLS".into(),
        (level, Some(tls)) => {
            let mut s = match tls {
                TlsUse::Required => "TLS required".to_string(),
                _ => "TLS if offered".to_string(),
            };
            match (o.ca_verified, o.host_checked) {
                (Some(true), Some(true)) => s.push_str(", CA + host"),
                (Some(true), _) => s.push_str(", CA"),
                _ => s.push_str(", unverified"),
            }
            if level == Level::Verified {
                format!("✓ {s}")
            } else {
                s
            }
        }
    }
}

fn tls_model(m: TlsModel) -> String {
    match m {
        TlsModel::SslMode => "`ssl-mode` decides; `ssl-ca` without a mode means VERIFY_CA.".into(),
        TlsModel::VerifyServerCert { verify_default } => format!(
            "`ssl-ca` verifies the chain; `ssl-verify-server-cert` makes it insist on TLS and check the host name{}; the last of `skip-ssl`/`ssl=0` and any `ssl-*` option decides whether TLS is on (every `ssl-*` option switches it on).",
            if verify_default {
                " (on unless switched off)"
            } else {
                " (off unless switched on)"
            }
        ),
        TlsModel::ConnectorC { verify_default } => format!(
            "`ssl-ca` verifies the chain; `ssl-verify-server-cert` makes it insist on TLS and check the host name ({}); `ssl-mode` and prefixed lines are unknown to it and ignored.",
            if verify_default {
                "on by default in 3.4"
            } else {
                "off by default in 3.3"
            }
        ),
        TlsModel::AnyTlsOption { enforces, prefers } => format!(
            "any of {} with a value turns TLS on{}; a CA (file or folder) verifies the chain and the host name. Without any of them: {}.",
            super::names::PYMYSQL_TLS_OPTIONS
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if enforces {
                " and makes it refuse a server without TLS"
            } else {
                ", used only when the server offers it (plaintext otherwise)"
            },
            if prefers {
                "TLS when offered, unverified"
            } else {
                "no TLS"
            }
        ),
        TlsModel::VerifyFlags { cert_requires_tls } => format!(
            "`ssl-ca` is used only with `ssl-verify-cert=True` (it then verifies the chain{}); `ssl-verify-identity=True` also checks the host name and makes it insist on TLS; `ssl-mode` is ignored.",
            if cert_requires_tls {
                " and insists on TLS"
            } else {
                ", and falls back to plaintext when the server offers no TLS"
            }
        ),
        TlsModel::CaOnly => "`ssl-ca` verifies the chain; no line of an option file makes it insist on TLS or check the host name (`ssl-mode` is not read from option files, in any spelling).".into(),
        TlsModel::IgnoresTls { tls: 0 } => "ignores every TLS line of the file: no TLS.".into(),
        TlsModel::IgnoresTls { .. } => {
            "ignores every TLS line of the file: TLS when the server offers it, unverified.".into()
        }
        TlsModel::NoOptionFiles => "reads no option file.".into(),
    }
}

fn booleans(b: Booleans) -> &'static str {
    match b {
        Booleans::GetOpt => "`1`, `ON`, `TRUE` or the bare name are on",
        Booleans::Atoi => "a number is read with `atoi`: `1` is on, `ON` and `true` are off",
        Booleans::PythonLiteral => {
            "Python literals: empty, `0`, `False`, `None` are false, any other text is true"
        }
    }
}

fn family(out: &mut String, p: &Profile) {
    let id = serde_json::to_value(p.family)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    out.push_str(&format!("### {} (`{id}`)\n\n", p.label));
    out.push_str(&format!("- **Who:** {}.\n", p.members));
    if p.tls != TlsModel::NoOptionFiles {
        let groups: Vec<String> = p.groups.iter().map(|g| format!("`[{g}]`")).collect();
        out.push_str(&format!(
            "- **Reads:** {}; groups {}{}.\n",
            match p.reads {
                Reads::Chain => "the whole read chain (`/etc/my.cnf` … `~/.my.cnf`)",
                Reads::OneFile => "only the file the application names",
            },
            groups.join(", "),
            if p.vendor.is_some() {
                " and each program's own group"
            } else {
                ""
            }
        ));
        out.push_str(&format!(
            "- **Spellings:** {}; booleans: {}.\n",
            if p.prefixes {
                "knows the `loose-`, `skip-`, `disable-` and `enable-` prefixes"
            } else {
                "a prefixed line is an unknown key to it and ignored"
            },
            booleans(p.booleans)
        ));
        let mut refuses = Vec::new();
        if !p.stops_on.is_empty() {
            let names: Vec<String> = p.stops_on.iter().map(|n| format!("`{n}`")).collect();
            refuses.push(format!("stops on {}", names.join(", ")));
        }
        if p.strict_ini {
            refuses.push(
                "refuses a file with a repeated group or key, or a line before any group".into(),
            );
        }
        if p.utf8_only {
            refuses.push("refuses a file that is not UTF-8".into());
        }
        if !refuses.is_empty() {
            out.push_str(&format!("- **Refuses:** {}.\n", refuses.join("; ")));
        }
    }
    out.push_str(&format!("- **TLS:** {}\n", tls_model(p.tls)));
    if !p.fix.is_empty() {
        out.push_str(&format!("- **In the application:** {}.\n", p.fix));
    }
    match p.proof {
        Proof::EndToEnd(how) => out.push_str(&format!(
            "- **Proven:** end to end, with {how}: every file add-ca writes, against the four test servers.\n"
        )),
        Proof::Unverified(why) => {
            out.push_str(&format!("- **Unverified here:** {why}.\n"))
        }
    }
    out.push('\n');
}

/// The whole page.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str(
        "<!-- Generated from src/clients by tests/docs.rs: do not edit; \
         `MYCNF_UPDATE_DOCS=1 cargo test --test docs` writes it again. -->\n\n",
    );
    out.push_str("# Clients: what each family does with the lines add-ca writes\n\n");
    out.push_str(
        "add-ca's table (\"What each client will do with the result\") has one row per client \
         family below, judged from the same data as this page. A family whose behaviour changed \
         between versions has a row per side of the change.\n\n\
         The end-to-end suite (`tests/e2e_server.rs`) starts four MariaDB servers on \
         127.0.0.1 — *good* (a certificate from the CA, for `localhost` and `127.0.0.1`), \
         *other* (from another CA), *wrongname* (from the CA, for another host name) and \
         *notls* — and for every target and mode connects with each installed client, using \
         only the file add-ca wrote. What the client did must be what its row says: *TLS \
         required* means it refuses *notls* (otherwise it connects in plaintext), *CA* that it \
         refuses *other*, *host* that it refuses *wrongname*. Families marked unverified cannot \
         be installed here; their rows state documented behaviour.\n\n",
    );
    out.push_str("## After add-ca, on a file with no other TLS lines\n\n");
    out.push_str("✓ marks a row add-ca counts as verified; **refuses**: the client stops or refuses the file; —: reads no option file.\n\n");
    let mut header = "| family |".to_string();
    let mut rule = "|---|".to_string();
    for t in TARGETS {
        for m in MODES {
            header.push_str(&format!(" {} {} |", t.as_str(), m.as_str()));
            rule.push_str("---|");
        }
    }
    out.push_str(&format!("{header} proven |\n{rule}---|\n"));
    let columns: Vec<Vec<Outcome>> = TARGETS
        .iter()
        .flat_map(|&t| MODES.iter().map(move |&m| rows_for_fresh_file(t, m)))
        .collect();
    for (i, p) in PROFILES.iter().enumerate() {
        let mut line = format!("| {} |", p.label);
        for col in &columns {
            line.push_str(&format!(" {} |", cell(&col[i])));
        }
        line.push_str(match p.proof {
            Proof::EndToEnd(_) => " end to end |",
            Proof::Unverified(_) => " unverified |",
        });
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("\n## The families\n\n");
    for p in PROFILES {
        family(&mut out, p);
    }
    out
}
