//! `mycnf-secure init`: write a new client option file.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use mycnf_secure::addca::{self, ca};
use mycnf_secure::apply;
use mycnf_secure::chain::fsio;
use mycnf_secure::clients;
use mycnf_secure::connect::{self, Connection};
use mycnf_secure::init::{self, TlsSpec};

use crate::cli::context::default_file;
use crate::cli::failure::Failure;
use crate::cli::{Exit, InitArgs, output};

pub fn run(args: InitArgs) -> Exit {
    match run_inner(args) {
        Ok(e) => e,
        Err(f) => f.report(false),
    }
}

fn usage(msg: impl Into<String>) -> Failure {
    Failure::new(Exit::Usage, format!("error: {}", msg.into()))
}

fn run_inner(args: InitArgs) -> Result<Exit, Failure> {
    let mut warnings = Vec::new();
    let conn = connection(&args, &mut warnings)?;
    let output = match &args.output {
        Some(p) => p.clone(),
        None => default_file().ok_or_else(|| usage("no home folder: give --output"))?,
    };
    let mut install = None;
    let tls = tls(&args, &conn, &output, &mut warnings, &mut install)?;
    let text = init::render(&conn, tls.as_ref()).map_err(|e| {
        let exit = match e {
            init::Error::Verify(_) => Exit::Refused,
            _ => Exit::InvalidInput,
        };
        Failure::new(exit, format!("error: {e}; nothing was written"))
    })?;
    // -q: errors only (and the file itself for -o -).
    let quiet = crate::cli::ui::quiet();
    for w in warnings.iter().filter(|_| !quiet) {
        output::error(&format!("warning: {w}"));
    }
    if output.as_os_str() == "-" {
        output::emit(&text).map_err(|e| Failure::new(e, String::new()))?;
        return Ok(Exit::Success);
    }
    write(&args, &output, &text, install)
}

/// The connection settings: from the connection string, then the flags, then the password
/// from standard input.
fn connection(args: &InitArgs, warnings: &mut Vec<String>) -> Result<Connection, Failure> {
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
                    Failure::new(Exit::Io, format!("error: cannot read standard input: {e}"))
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
    let flag = |f: &Option<String>, v: &mut Option<String>| {
        if f.is_some() {
            v.clone_from(f);
        }
    };
    flag(&args.host, &mut conn.host);
    flag(&args.user, &mut conn.user);
    flag(&args.socket, &mut conn.socket);
    flag(&args.database, &mut conn.database);
    if let Some(h) = &args.host {
        connect::check_host(h).map_err(|e| usage(format!("--host: {e}")))?;
    }
    if let Some(p) = args.port {
        conn.port = Some(connect::port(&p.to_string()).map_err(|e| usage(format!("--port: {e}")))?);
    }
    if args.password_stdin {
        conn.password = Some(read_password(&conn)?);
    }
    Ok(conn)
}

/// The password for --password-stdin: asked for without echo when standard input is a
/// terminal (the prompt goes to the terminal), else one line of standard input. Never empty.
fn read_password(conn: &Connection) -> Result<Vec<u8>, Failure> {
    use std::io::IsTerminal;
    let cannot =
        |e: std::io::Error| Failure::new(Exit::Io, format!("error: cannot read the password: {e}"));
    let password = if std::io::stdin().is_terminal() {
        let whose = match (&conn.user, &conn.host) {
            (Some(u), Some(h)) => format!(" for {u}@{h}"),
            (Some(u), None) => format!(" for {u}"),
            _ => String::new(),
        };
        let prompt = format!(
            "password{}: ",
            mycnf_secure::diagnostic::sanitize(whose.as_bytes())
        );
        rpassword::prompt_password(prompt).map_err(cannot)?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(cannot)?;
        line.trim_end_matches(['\n', '\r']).to_string()
    };
    if password.is_empty() {
        return Err(Failure::new(
            Exit::InvalidInput,
            "error: the password is empty; nothing was written (leave out --password-stdin for a file without a password)",
        ));
    }
    Ok(password.into_bytes())
}

/// The TLS lines: the CA validated exactly as add-ca validates it (installed if asked).
fn tls(
    args: &InitArgs,
    conn: &Connection,
    output: &Path,
    warnings: &mut Vec<String>,
    install: &mut Option<(PathBuf, Vec<u8>)>,
) -> Result<Option<TlsSpec>, Failure> {
    let system_roots =
        args.system_roots || (conn.system_roots && args.ca.is_none() && conn.ca.is_none());
    let ca_source: Option<PathBuf> = args.ca.clone().or(conn.ca.clone());
    if ca_source.is_none() && !system_roots {
        warnings.push(
            "no CA given: the file has no TLS settings; add them with mycnf-secure add-ca CA.pem"
                .into(),
        );
        return Ok(None);
    }
    let ctx = crate::cli::context::context(true);
    let input = crate::cli::input::ca(ca_source.as_deref(), system_roots, &ctx)?;
    let choice = ca::resolve(&input, args.mode.or(conn.mode), &ctx).map_err(stop_for)?;
    let ca_path = if (args.install || input.needs_install()) && output.as_os_str() != "-" {
        let pem = ca::installed_bytes(&input);
        let dest = ca::install_path(output, &pem, &ctx).map_err(stop_for)?;
        *install = Some((dest.clone(), pem));
        dest
    } else {
        fsio::absolute(&input.source)
    };
    if args.target == crate::cli::TargetArg::Mysql {
        warnings.push("--target mysql writes a bare ssl-mode, which stops every MariaDB client (unknown variable): only for files no MariaDB client reads".into());
    }
    Ok(Some(TlsSpec {
        target: args.target.into(),
        mode: choice.mode,
        ca_path: ca::path_for_file(&ca_path),
    }))
}

/// Writes the new file: never over an existing one without --force (then with a diff).
/// The CA is installed just before the write, and removed again if the write fails.
fn write(
    args: &InitArgs,
    output: &Path,
    text: &[u8],
    install: Option<(PathBuf, Vec<u8>)>,
) -> Result<Exit, Failure> {
    let existing = apply::write::read_existing(output)
        .map_err(|e| Failure::new(Exit::Io, format!("error: {e}")))?;
    if let Some(old) = &existing {
        if !args.force {
            return Err(Failure::new(
                Exit::Refused,
                format!(
                    "error: {} exists; init never replaces a file without --force (to change TLS settings in place, use mycnf-secure add-ca)",
                    output.display()
                ),
            ));
        }
        let show = args.show_secrets;
        let diff = apply::unified(
            &output.display().to_string(),
            old,
            text,
            &|name: &[u8]| !show && clients::is_secret(name),
        );
        if !crate::cli::ui::quiet() {
            output::emit(diff.as_bytes()).map_err(|e| Failure::new(e, String::new()))?;
        }
    }
    let installed = match &install {
        Some((dest, pem)) => Some(ca::install(dest, pem).map_err(stop_for)?),
        None => None,
    };
    let written = apply::write_atomic_with_mode(output, text, existing.as_deref(), 0o600, false)
        .map_err(|e| {
            if let (Some((dest, _)), Some(how)) = (&install, installed) {
                ca::uninstall(dest, how);
            }
            Failure::new(Exit::Io, format!("error: {e}"))
        })?;
    if !crate::cli::ui::quiet() {
        output::emit(
            format!(
                "wrote {} (mode {:04o})\n",
                written.target.display(),
                written.mode
            )
            .as_bytes(),
        )
        .map_err(|e| Failure::new(e, String::new()))?;
    }
    Ok(Exit::Success)
}

/// The core's refusal, for a person (as add-ca words it; VERIFY_CA with public roots is a
/// usage error here too).
fn stop_for(e: addca::Error) -> Failure {
    crate::cli::add_ca::stop_for(e)
}
