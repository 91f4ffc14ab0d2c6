use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(mycnf_secure::cli::run(std::env::args_os()).code())
}
