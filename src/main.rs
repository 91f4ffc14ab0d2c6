//! The `mycnf-secure` command: parse the arguments, run the command, exit with its status.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(cli::run(std::env::args_os()).code())
}
