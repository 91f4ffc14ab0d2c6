//! `mycnf-secure init`: write a new client option file.

use std::io::{BufRead, Read};
use std::path::PathBuf;

use crate::apply;
use crate::cert::{self, TrustStore};
use crate::chain::fsio;
use crate::cli::add_ca::{Stop, default_file, install_ca, install_path, path_for_file};
use crate::cli::inspect_ca::{now, read_ca_input, render_finding, verdict};
use crate::cli::{Exit, InitArgs};
use crate::connect::{self, Connection};
use crate::init::{self, TlsSpec};
use crate::tls::Mode;

pub fn run(args: InitArgs) -> Exit {
    match run_inner(args) {
        Ok(e) => e,
        Err(Stop(e, msg)) => {
            eprintln!("{}", msg.trim_end());
            e
        }
    }
}

fn usage(msg: impl Into<String>) -> Stop {
    Stop(Exit::Usage, format!("error: {}", msg.into()))
}

fn run_inner(args: InitArgs) -> Result<Exit, Stop> {
    let mut warnings = Vec::new();
    let from_stdin = args.url.as_deref() == Some("-");
    if from_stdin && args.password_stdin {
        return Err(usage(
            "--url - and --password-stdin both read standard input; give the password in the URL read from standard input",
        ));
    }
    let mut conn = match &args.url {
        None => Connection::default(),
        Some(u) => {
            let text = if from_stdin {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s).map_err(|e| {
                    Stop(Exit::Io, format!("error: cannot read standard input: {e}"))
                })?;
                s
            } else {
                u.clone()
            };
            let c = connect::parse(&text).map_err(usage)?;
            if c.password.is_some() && !from_stdin {
                warnings.push("the password was given on the command line, where shell history and process lists keep it; use --url - (read from standard input) next time".to_string());
            }
            c
        }
    };
    if let Some(off) = &conn.tls_off {
        return Err(usage(format!(
            "the connection string says {off}, which does not verify the server; init writes verified TLS only: drop it and give the CA with --ca (or --system-roots)"
        )));
    }
    if args.host.is_some() {
        conn.host = args.host.clone();
    }
    if args.port.is_some() {
        conn.port = args.port;
    }
    if args.user.is_some() {
        conn.user = args.user.clone();
    }
    if args.socket.is_some() {
        conn.socket = args.socket.clone();
    }
    if args.database.is_some() {
        conn.database = args.database.clone();
    }
    if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Stop(Exit::Io, format!("error: cannot read the password: {e}")))?;
        conn.password = Some(line.trim_end_matches(['\n', '\r']).as_bytes().to_vec());
    }

    let output = match &args.output {
        Some(p) => p.clone(),
        None => default_file().ok_or_else(|| usage("no home folder: give --output"))?,
    };
    let to_stdout = output.as_os_str() == "-";

    // TLS: the CA is validated exactly as add-ca does.
    let system_roots =
        args.system_roots || (conn.system_roots && args.ca.is_none() && conn.ca.is_none());
    let ca_source: Option<PathBuf> = if system_roots {
        Some(cert::store::system_bundle_path().ok_or_else(|| {
            Stop(
                Exit::InvalidInput,
                "error: no system CA bundle on this machine: give --ca".into(),
            )
        })?)
    } else {
        args.ca.clone().or(conn.ca.clone())
    };
    let tls = match ca_source {
        None => {
            warnings.push("no CA given: the file has no TLS settings; add them with mycnf-secure add-ca CA.pem".into());
            None
        }
        Some(src) => {
            let bytes = read_ca_input(&src).map_err(|m| Stop(Exit::Io, format!("error: {m}")))?;
            let store = TrustStore::system();
            let report = cert::inspect(&bytes, now(), store.as_ref());
            let label = src.display().to_string();
            if !report.usable {
                let mut msg = format!(
                    "error: {label} cannot be used as ssl-ca: {}\n",
                    verdict(&report)
                );
                for f in &report.findings {
                    msg.push_str(&render_finding(&label, f));
                }
                return Err(Stop(Exit::InvalidInput, msg));
            }
            let public = report.has_public_roots() || system_roots;
            let mode = match (args.mode.or(conn.mode), public) {
                (Some(Mode::VerifyCa), true) => {
                    return Err(usage(format!(
                        "VERIFY_CA is refused for {label}: it holds public roots, so any server with a certificate from any public CA would pass; use VERIFY_IDENTITY"
                    )));
                }
                (Some(m), _) => m,
                (None, true) => Mode::VerifyIdentity,
                (None, false) => Mode::VerifyCa,
            };
            let ca_path = if args.install && !to_stdout {
                let dest = install_path(&output, &report.anchor_fingerprint().unwrap_or_default())?;
                install_ca(&dest, &bytes)?;
                dest
            } else {
                fsio::absolute(&src)
            };
            if args.target == crate::cli::TargetArg::Mysql {
                warnings.push("--target mysql writes a bare ssl-mode, which stops every MariaDB client (unknown variable): only for files no MariaDB client reads".into());
            }
            Some(TlsSpec {
                target: args.target.into(),
                mode,
                ca_path: path_for_file(&ca_path),
            })
        }
    };

    let text = init::render(&conn, tls.as_ref()).map_err(|e| {
        Stop(
            Exit::InvalidInput,
            format!("error: a value cannot be written: {e}"),
        )
    })?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    if to_stdout {
        super::output::emit(&text).map_err(|e| Stop(e, String::new()))?;
        return Ok(Exit::Success);
    }
    let existing = std::fs::read(apply::write::resolve_target(&output)).ok();
    if let Some(old) = &existing {
        if !args.force {
            return Err(Stop(
                Exit::Refused,
                format!(
                    "error: {} exists; init never replaces a file without --force (to change TLS settings in place, use mycnf-secure add-ca)",
                    output.display()
                ),
            ));
        }
        let diff = apply::unified(&output.display().to_string(), old, &text, args.show_secrets);
        super::output::emit(diff.as_bytes()).map_err(|e| Stop(e, String::new()))?;
    }
    let written = apply::write_atomic_with_mode(&output, &text, existing.as_deref(), 0o600, false)
        .map_err(|e| Stop(Exit::Io, format!("error: {e}")))?;
    super::output::emit(
        format!(
            "wrote {} (mode {:04o})\n",
            written.target.display(),
            written.mode
        )
        .as_bytes(),
    )
    .map_err(|e| Stop(e, String::new()))?;
    Ok(Exit::Success)
}
