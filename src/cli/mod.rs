//! The command line: clap definitions (raw flags) and one module per command. Commands return an
//! [`Exit`]; `main` only maps it to a process status.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub mod exit;
pub mod inspect_ca;
pub mod output;
pub mod print_defaults;

pub use exit::Exit;

const ABOUT: &str =
    "Make the TLS settings of MySQL and MariaDB clients correct, reviewable and scriptable.";

#[derive(Debug, Parser)]
#[command(name = "mycnf-secure", version, about = ABOUT, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
}

/// Output format for commands that print a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
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
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Success
            };
        }
    };
    match cli.command {
        Command::PrintDefaults(args) => print_defaults::run(args),
        Command::InspectCa(args) => inspect_ca::run(args),
    }
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
