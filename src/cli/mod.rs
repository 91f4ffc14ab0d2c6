//! The command line: clap definitions (raw flags) and one module per command. Commands return an
//! [`Exit`]; `main` only maps it to a process status.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub mod add_ca;
pub mod check;
pub mod context;
pub mod exit;
pub mod failure;
pub mod init;
pub mod input;
pub mod inspect_ca;
pub mod output;
pub mod print_defaults;
pub mod probe;
pub mod render;
pub mod show;
pub mod terminal;
pub mod ui;

pub use exit::Exit;

const ABOUT: &str =
    "Make the TLS settings of MySQL and MariaDB clients correct, reviewable and scriptable.";

#[derive(Debug, Parser)]
#[command(name = "mycnf-secure", version, about = ABOUT, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Colour the output: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    pub color: ui::ColorChoice,
    /// Print only errors (and what a command exists to print: JSON, the file of init -o -).
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a CA certificate and write ssl-ca and the TLS mode into an option file.
    #[command(
        name = "add-ca",
        after_help = "The diff is shown before anything is written. On a terminal you are asked to confirm; \
elsewhere pass --yes (or --dry-run / --check).\n\n\
Exit status: 0 done or nothing to do; 1 --check found a change is needed; 2 usage; \
3 invalid CA or option file; 4 I/O error (or, with --probe, no answer from the server); \
5 refused (no --yes, or the file changed meanwhile); with --probe, 1 when the server would fail the mode.\n\n\
Examples:\n  \
mycnf-secure add-ca ca.pem                       # ~/.my.cnf, mixed MySQL/MariaDB clients\n  \
mycnf-secure add-ca ca.pem --mode VERIFY_IDENTITY --yes\n  \
mycnf-secure add-ca --system-roots --file /etc/mysql/conf.d/tls.cnf --check\n  \
pbpaste | mycnf-secure add-ca - --yes            # a CA pasted from a console, installed\n  \
mycnf-secure add-ca ca.pem --target mariadb --dry-run --format json\n  \
mycnf-secure add-ca ca.pem --probe=db.example.test --yes   # the strongest mode the server passes"
    )]
    AddCa(AddCaArgs),
    /// Write a new client option file: connection settings and the TLS lines of add-ca.
    #[command(
        after_help = "The password is never taken as an argument: use --password-stdin (on a terminal it \
asks without echo), or a connection string read from standard input (--url -). The file is created with mode 0600 and is never replaced \
without --force.\n\n\
Examples:\n  \
mycnf-secure init --host db.example.test --user app --password-stdin --ca ca.pem\n  \
echo 'mysql://app:s3cret@db.example.test:3306/shop?ssl-mode=VERIFY_IDENTITY' | mycnf-secure init --url - --ca ca.pem\n  \
mycnf-secure init --url 'app@tcp(aws.connect.psdb.cloud)/shop?tls=true' --password-stdin --output app.cnf\n  \
mycnf-secure init --host 127.0.0.1 --user root --output -"
    )]
    Init(InitArgs),
    /// Validate option files and the TLS posture clients will really get.
    #[command(
        after_help = "Without FILE, checks the files the clients read (/etc/my.cnf, /etc/mysql/my.cnf, \
~/.my.cnf and what they include). Exit status: 0 clean, 1 errors (or warnings with --strict).\n\n\
Examples:\n  \
mycnf-secure check\n  \
mycnf-secure check ~/.my.cnf --target mariadb\n  \
mycnf-secure check /etc/mysql/my.cnf --strict --format json\n  \
mycnf-secure check --probe                       # and what the server named in the files says"
    )]
    Check(CheckArgs),
    /// Show the options a client will use, with file, line, group and what overrides what.
    #[command(after_help = "Examples:\n  \
mycnf-secure show\n  \
mycnf-secure show --client mysqldump\n  \
mycnf-secure show client client-mariadb --defaults-file ~/.my.cnf --format json")]
    Show(ShowArgs),
    /// Print the options a program would read from its option files, exactly as
    /// MariaDB's my_print_defaults does.
    #[command(
        name = "print-defaults",
        after_help = "Examples:\n  \
            mycnf-secure print-defaults --defaults-file fixtures/demo/my.cnf client mysql\n  \
            mycnf-secure print-defaults --mysqld\n  \
            mycnf-secure print-defaults mysql client client-server client-mariadb"
    )]
    PrintDefaults(PrintDefaultsArgs),
    /// Check that a file is a CA certificate (or bundle) clients can use for ssl-ca.
    #[command(
        name = "inspect-ca",
        after_help = "Exit status: 0 usable, 3 not a usable CA file, 4 the file cannot be read.\n\n\
            Examples:\n  \
            mycnf-secure inspect-ca fixtures/certs/demo-ca.pem\n  \
            mycnf-secure inspect-ca /etc/ssl/certs/ca-certificates.crt --format json\n  \
            pbpaste | mycnf-secure inspect-ca -"
    )]
    InspectCa(InspectCaArgs),
    /// Ask the live server whether TLS, the CA and the host name work, and which clients will
    /// connect with the option files as written (sends no user name or password).
    #[command(after_help = PROBE_HELP)]
    Probe(ProbeArgs),
    /// Print a shell completion script.
    #[command(after_help = "Examples:\n  \
mycnf-secure completions bash > ~/.local/share/bash-completion/completions/mycnf-secure\n  \
mycnf-secure completions zsh > ~/.zfunc/_mycnf-secure\n  \
mycnf-secure completions fish > ~/.config/fish/completions/mycnf-secure.fish")]
    Completions {
        /// bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
    /// Write the man pages (mycnf-secure.1 and one per command) into a folder.
    #[command(hide = true)]
    Man {
        /// The folder (created if missing).
        dir: PathBuf,
    },
}

const PROBE_HELP: &str = "Without HOST, the host, port, ssl-ca and TLS mode come from the option files as the \
client family of --client reads them (default: the MariaDB programs), and the client table says which \
families will connect with the files as written. Only the server's greeting is read and a fixed \
36-byte TLS request sent before the TLS handshake: no user name, password or database ever goes \
over the wire (docs/probe.md).\n\n\
Exit status: 0 the mode given (or configured) works; 1 it will not (no TLS, the chain does not \
verify, the host name does not match, the client refuses); 2 usage; 3 bad input (a CA or option \
file that cannot be used); 4 no answer from a MySQL server (connection refused, timeout, DNS \
failure, another protocol, protocol error).\n\n\
Examples:\n  \
mycnf-secure probe                                   # does my ~/.my.cnf work?\n  \
mycnf-secure probe db.example.test --ca ca.pem       # VERIFY_CA and VERIFY_IDENTITY with this CA\n  \
mycnf-secure probe db.example.test:3307 --system-roots --format json\n  \
mycnf-secure probe 10.0.0.5 --ca ca.pem --server-name db.example.test --mode VERIFY_IDENTITY\n  \
mycnf-secure probe db.example.test --print-chain     # PEM, to compare with the console\n  \
mycnf-secure probe --client pymysql --defaults-file app.cnf";

/// Output format for commands that print a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// `check`'s output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    /// SARIF 2.1.0 (code-scanning pipelines)
    Sarif,
}

/// Which clients read the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TargetArg {
    /// MySQL and MariaDB clients (the default): [client] + [client-mariadb].
    Mixed,
    /// Oracle MySQL clients only: [client] with a bare ssl-mode.
    Mysql,
    /// MariaDB clients and Connector/C only: [client-mariadb].
    Mariadb,
}

impl From<TargetArg> for mycnf_secure::clients::Target {
    fn from(t: TargetArg) -> Self {
        match t {
            TargetArg::Mixed => mycnf_secure::clients::Target::Mixed,
            TargetArg::Mysql => mycnf_secure::clients::Target::Mysql,
            TargetArg::Mariadb => mycnf_secure::clients::Target::Mariadb,
        }
    }
}

#[derive(Debug, Args)]
pub struct AddCaArgs {
    /// The CA certificate (PEM); `-` reads it from standard input (and implies --install).
    #[arg(
        value_name = "CA.pem",
        required_unless_present = "system_roots",
        conflicts_with = "system_roots"
    )]
    pub ca: Option<PathBuf>,
    /// Use the operating system's trust bundle (public roots; mode VERIFY_IDENTITY).
    #[arg(long)]
    pub system_roots: bool,
    /// The option file to edit [default: ~/.my.cnf]; created if missing.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// VERIFY_CA or VERIFY_IDENTITY [default: VERIFY_CA for a private CA, VERIFY_IDENTITY
    /// for public roots].
    #[arg(long, value_name = "MODE", value_parser = mycnf_secure::clients::Mode::parse)]
    pub mode: Option<mycnf_secure::clients::Mode>,
    /// Which clients read the file.
    #[arg(long, value_enum, default_value = "mixed")]
    pub target: TargetArg,
    /// Write the lines into this group instead of [client] (e.g. the group an application reads).
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// Allow --group to name a group the server reads ([mysqld], [server], [client-server], …).
    #[arg(long, requires = "group")]
    pub server_group: bool,
    /// Show the diff and the client table; write nothing.
    #[arg(long, group = "action")]
    pub dry_run: bool,
    /// Exit 1 if the file needs a change, 0 if it already says this; write nothing.
    #[arg(long, group = "action")]
    pub check: bool,
    /// Apply without asking.
    #[arg(short = 'y', long, group = "action")]
    pub yes: bool,
    /// Keep the previous version beside the file (FILE.bak-TIMESTAMP).
    #[arg(long)]
    pub backup: bool,
    /// Copy the validated CA to a stable place (beside a file under /etc, else the per-user
    /// data folder) and write that path.
    #[arg(long)]
    pub install: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Show passwords and other secrets in the diff instead of *****.
    #[arg(long)]
    pub show_secrets: bool,
    /// Write even when a line of another file (an included file, a file read later) stops a
    /// client of the target or weakens its TLS: add-ca edits one file only, so it refuses
    /// (exit 3) unless told this, and then warns. With --probe, also write a mode the server
    /// would fail, or when the server cannot be reached.
    #[arg(long)]
    pub force: bool,
    /// Ask the server first (`--probe=HOST[:PORT]`, or `--probe` alone for the host and port the
    /// option files name): without --mode, write the strongest mode that works with this CA;
    /// refuse (exit 1) a mode the server would fail, and (exit 4) a server that does not answer.
    /// Sends no user name or password (see `probe`).
    #[arg(long, value_name = "HOST[:PORT]", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    pub probe: Option<String>,
    /// Seconds to wait for the server with --probe.
    #[arg(long, value_name = "S", default_value_t = 10.0)]
    pub probe_timeout: f64,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// A connection string (mysql://user:pass@host:port/db?ssl-mode=…&ssl-ca=…, or the Go
    /// driver's user:pass@tcp(host:port)/db?tls=true); `-` reads it from standard input.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Server host name.
    #[arg(long, value_name = "H")]
    pub host: Option<String>,
    /// Server TCP port.
    #[arg(long, value_name = "P")]
    pub port: Option<u16>,
    /// Account name.
    #[arg(long, value_name = "U")]
    pub user: Option<String>,
    /// Unix socket.
    #[arg(long, value_name = "S")]
    pub socket: Option<String>,
    /// Default database (written in [mysql]: mysqldump and friends do not know it).
    #[arg(long, value_name = "D")]
    pub database: Option<String>,
    /// Read the password from standard input: asked for without echo on a terminal, else the
    /// first line. An empty password is refused.
    #[arg(long)]
    pub password_stdin: bool,
    /// The CA certificate; validated as add-ca validates it.
    #[arg(long, value_name = "CA.pem", conflicts_with = "system_roots")]
    pub ca: Option<PathBuf>,
    /// Use the operating system's trust bundle (VERIFY_IDENTITY).
    #[arg(long)]
    pub system_roots: bool,
    /// VERIFY_CA or VERIFY_IDENTITY (default as for add-ca).
    #[arg(long, value_name = "MODE", value_parser = mycnf_secure::clients::Mode::parse)]
    pub mode: Option<mycnf_secure::clients::Mode>,
    /// Which clients read the file.
    #[arg(long, value_enum, default_value = "mixed")]
    pub target: TargetArg,
    /// Copy the CA to a stable place and write that path (as add-ca --install).
    #[arg(long)]
    pub install: bool,
    /// Where to write [default: ~/.my.cnf]; `-` prints the file.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Replace an existing file (the diff is shown).
    #[arg(long)]
    pub force: bool,
    /// Show passwords in the diff instead of *****.
    #[arg(long)]
    pub show_secrets: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files to check (and what they include); default: the clients' read chain.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Which clients read the files.
    #[arg(long, value_enum, default_value = "mixed")]
    pub target: TargetArg,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// Output format (sarif: SARIF 2.1.0, for code scanning).
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Check only this file, as a client given --defaults-file would read it.
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    pub defaults_file: Option<PathBuf>,
    /// Also check this file, read before ~/.my.cnf.
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    pub defaults_extra_file: Option<PathBuf>,
    /// Check no file (as clients given --no-defaults).
    #[arg(long, conflicts_with = "files")]
    pub no_defaults: bool,
    /// Quote passwords and other secrets in the findings instead of *****.
    #[arg(long)]
    pub show_secrets: bool,
    /// Also ask the server (`--probe=HOST[:PORT]`, or `--probe` alone for the host and port the
    /// files name) and report, as MC501, each client family that will not connect to it (or
    /// only in plaintext) with the files as written. Sends no user name or password.
    #[arg(long, value_name = "HOST[:PORT]", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    pub probe: Option<String>,
    /// Seconds to wait for the server with --probe.
    #[arg(long, value_name = "S", default_value_t = 10.0)]
    pub probe_timeout: f64,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Groups to show; default: the groups of --client.
    #[arg(value_name = "GROUP")]
    pub groups: Vec<String>,
    /// The client whose groups to show: MariaDB's (mariadb, mariadb-dump, …, connector-c) or
    /// Oracle's (mysql, mysqldump, …, libmysqlclient).
    #[arg(long, default_value = "mariadb")]
    pub client: String,
    /// Read only this file.
    #[arg(long, value_name = "FILE")]
    pub defaults_file: Option<PathBuf>,
    /// Read this file after the global files.
    #[arg(long, value_name = "FILE")]
    pub defaults_extra_file: Option<PathBuf>,
    /// Read no file.
    #[arg(long)]
    pub no_defaults: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Show passwords instead of *****.
    #[arg(long)]
    pub show_secrets: bool,
}

#[derive(Debug, Args)]
pub struct InspectCaArgs {
    /// The CA file (PEM); `-` reads it from standard input.
    #[arg(value_name = "CA.pem")]
    pub ca: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The server: HOST, HOST:PORT or [IPv6]:PORT [default: from the option files].
    #[arg(value_name = "HOST[:PORT]")]
    pub target: Option<String>,
    /// The CA to verify the server's chain against [default: the client's ssl-ca].
    #[arg(long, value_name = "CA.pem", conflicts_with = "system_roots")]
    pub ca: Option<PathBuf>,
    /// Verify against the operating system's trust bundle (public roots).
    #[arg(long)]
    pub system_roots: bool,
    /// The name the certificate must carry for VERIFY_IDENTITY, and the TLS server name sent
    /// [default: the host].
    #[arg(long, value_name = "NAME")]
    pub server_name: Option<String>,
    /// The mode to judge: VERIFY_IDENTITY, VERIFY_CA or REQUIRED [default: VERIFY_CA with
    /// --ca, VERIFY_IDENTITY with --system-roots, else what the client's options ask for].
    #[arg(long, value_name = "MODE", value_parser = mycnf_secure::probe::verdict::LiveMode::parse)]
    pub mode: Option<mycnf_secure::probe::verdict::LiveMode>,
    /// Read only this option file.
    #[arg(long, value_name = "FILE")]
    pub defaults_file: Option<PathBuf>,
    /// The client family whose reading of the option files decides host, port, CA and mode:
    /// mariadb_cli113, mariadb_cli114, mysql_cli, connector_c, pymysql, … (the `family`
    /// values of add-ca's JSON).
    #[arg(long, value_name = "FAMILY", default_value = "mariadb_cli113")]
    pub client: String,
    /// Give up after this many seconds (resolving, connecting, the greeting and the TLS
    /// handshake together).
    #[arg(long, value_name = "S", default_value_t = 10.0)]
    pub timeout: f64,
    /// Print the certificates the server presented, as PEM (to compare the root's fingerprint
    /// with the provider's console: the tool never trusts what it fetched).
    #[arg(long)]
    pub print_chain: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct PrintDefaultsArgs {
    /// Read only this file (a missing file is an error).
    #[arg(long, value_name = "FILE")]
    pub defaults_file: Option<PathBuf>,
    /// Read this file after the global files and before ~/.my.cnf.
    #[arg(long, value_name = "FILE")]
    pub defaults_extra_file: Option<PathBuf>,
    /// Also read every group with this suffix appended (default: $MYSQL_GROUP_SUFFIX).
    #[arg(long, value_name = "SUFFIX")]
    pub defaults_group_suffix: Option<OsString>,
    /// Read no option file; print nothing.
    #[arg(short = 'n', long)]
    pub no_defaults: bool,
    /// Also read the groups the MariaDB server reads.
    #[arg(long, alias = "mariadbd")]
    pub mysqld: bool,
    /// Server version for the server's version groups (with --mysqld).
    #[arg(long, value_name = "X.Y", default_value = "10.11")]
    pub server_version: String,
    /// Print passwords and other secrets instead of ***** (as Oracle's my_print_defaults -s).
    #[arg(short = 's', long, visible_alias = "show")]
    pub show_secrets: bool,
    /// The groups to print, e.g. client mysql.
    #[arg(value_name = "GROUP")]
    pub groups: Vec<OsString>,
}

/// Parses the arguments and runs the command.
pub fn run<I, T>(args: I) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap quotes the argument it stumbled on: parsed again with every password of the
            // command line masked, the same error says the same without it.
            let e = match Cli::try_parse_from(masked_arguments(&args)) {
                Err(masked) if masked.kind() == e.kind() => masked,
                _ => e,
            };
            // clap's messages quote the arguments: they go through the terminal gate too.
            let mut text = e.render().ansi().to_string();
            if e.kind() == clap::error::ErrorKind::DisplayHelp {
                text = examples_verbatim(&text, &args);
            }
            return if e.use_stderr() {
                let plain = e.render().to_string();
                failure::Failure::new(Exit::Usage, plain)
                    .report_or_text(failure::wants_json(&args), &text)
            } else {
                let _ = output::show(&text);
                Exit::Success
            };
        }
    };
    ui::init(cli.color, cli.quiet);
    match cli.command {
        Command::AddCa(args) => add_ca::run(args),
        Command::Check(args) => check::run(args),
        Command::Init(args) => init::run(args),
        Command::Show(args) => show::run(args),
        Command::PrintDefaults(args) => print_defaults::run(args),
        Command::InspectCa(args) => inspect_ca::run(args),
        Command::Probe(args) => probe::run(args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "mycnf-secure", &mut out);
            if shell == clap_complete::Shell::Bash {
                out = bash_states_fixed(&out);
            }
            match output::emit(&out) {
                Ok(()) => Exit::Success,
                Err(e) => e,
            }
        }
        Command::Man { dir } => match write_man_pages(&dir) {
            Ok(()) => Exit::Success,
            Err(e) => {
                output::error(&format!(
                    "error: cannot write the man pages to {}: {e}",
                    dir.display()
                ));
                Exit::Io
            }
        },
    }
}

/// The arguments with the passwords they may hold replaced by `*****`: the password of a
/// connection string (`mysql://user:pass@host`, `user:pass@tcp(host)/db`), the value of an
/// option whose name says secret (`--password-stdin=x`), and the argument after one.
fn masked_arguments(args: &[OsString]) -> Vec<OsString> {
    use mycnf_secure::diagnostic::Masked;
    let secret_name = |a: &str| {
        a.starts_with("--")
            && mycnf_secure::clients::is_secret(a.split('=').next().unwrap_or(a).as_bytes())
    };
    let mut out = Vec::with_capacity(args.len());
    let mut after_secret = false;
    for arg in args {
        let text = arg.to_string_lossy();
        let masked = if after_secret && !text.starts_with('-') {
            Some("*****".to_string())
        } else if secret_name(&text) && text.contains('=') {
            text.split_once('=')
                .map(|(name, _)| format!("{name}=*****"))
        } else {
            text.rsplit_once('@').and_then(|(info, host)| {
                let (scheme, info) = match info.split_once("://") {
                    Some((scheme, info)) => (format!("{scheme}://"), info),
                    None => (String::new(), info),
                };
                let (user, _) = info.split_once(':')?;
                Some(format!("{scheme}{user}:*****@{host}"))
            })
        };
        after_secret = secret_name(&text) && !text.contains('=');
        // Anything else after a secret word and `=` (`…?password=x`), as in a value.
        let masked = match masked {
            Some(m) => Some(m),
            None => {
                let m = Masked::value(b"", text.as_bytes(), &mycnf_secure::clients::is_secret);
                m.hid_something().then(|| m.lossy().into_owned())
            }
        };
        out.push(masked.map_or_else(|| arg.clone(), OsString::from));
    }
    out
}

/// The help with its examples as written: clap wraps the text after the options to the
/// terminal's width, which breaks a long example command in two and copy-paste with it. The
/// examples of the command asked about (`mycnf-secure add-ca --help`, `mycnf-secure help
/// add-ca`) replace their wrapped rendering.
fn examples_verbatim(rendered: &str, args: &[OsString]) -> String {
    const HEADING: &str = "Examples:";
    let cmd = <Cli as clap::CommandFactory>::command();
    let sub = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find_map(|a| cmd.find_subcommand(a));
    let after = sub
        .map_or_else(|| cmd.get_after_help(), |s| s.get_after_help())
        .map(ToString::to_string)
        .unwrap_or_default();
    match (after.find(HEADING), rendered.rfind(HEADING)) {
        (Some(a), Some(r)) => format!("{}{}\n", &rendered[..r], after[a..].trim_end()),
        _ => rendered.to_string(),
    }
}

/// clap_complete's bash script for a program whose name has a hyphen names each subcommand's
/// state one way where it is reached (`mycnf__secure__subcmd__add__subcmd__ca`) and another
/// where it is matched (`mycnf__subcmd__secure__subcmd__add__subcmd__ca`), so no subcommand's
/// options ever complete (clap-rs/clap#6421, open in clap_complete 4.6.12). The matched spelling
/// is made the reached one.
fn bash_states_fixed(script: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(script)
        .replace("mycnf__subcmd__secure__", "mycnf__secure__")
        .into_bytes()
}

/// The man pages, from the same definitions as `--help`: `mycnf-secure.1` and
/// `mycnf-secure-COMMAND.1` for each visible command.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut pages = Vec::new();
    let mut render = |name: String, c: clap::Command| {
        let mut out = Vec::new();
        clap_mangen::Man::new(c)
            .render(&mut out)
            .expect("rendering into memory");
        pages.push((format!("{name}.1"), out));
    };
    render("mycnf-secure".into(), cmd.clone());
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("mycnf-secure-{}", sub.get_name());
        render(name.clone(), sub.clone().name(name));
    }
    pages
}

fn write_man_pages(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, bytes) in man_pages() {
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_sound() {
        Cli::command().debug_assert();
    }
}
