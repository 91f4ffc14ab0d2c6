//! `mycnf-secure print-defaults`: the options a program would read, printed as
//! `my_print_defaults` prints them (same bytes on standard output, same exit status).

use std::path::Path;

use mycnf_secure::chain::{self, FileOptions, GroupSet, Vendor, fsio};
use mycnf_secure::clients::programs::server_groups;

use crate::cli::{Exit, PrintDefaultsArgs, output};

pub fn run(args: PrintDefaultsArgs) -> Exit {
    if args.no_defaults {
        return Exit::Success;
    }
    let mut names: Vec<Vec<u8>> = args
        .groups
        .iter()
        .map(|g| fsio::path_bytes(Path::new(g)))
        .collect();
    if args.mysqld {
        names.extend(
            server_groups(&args.server_version)
                .into_iter()
                .map(String::into_bytes),
        );
    }
    if names.is_empty() {
        output::error(
            "mycnf-secure print-defaults: no group given; name the groups to print, e.g. `client mysql` (see --help)",
        );
        return Exit::Success;
    }
    let suffix = args
        .defaults_group_suffix
        .clone()
        .or_else(|| std::env::var_os("MYSQL_GROUP_SUFFIX"))
        .map(|s| fsio::path_bytes(Path::new(&s)));
    let group_set = GroupSet::new(names, suffix.as_deref());
    let opts = FileOptions {
        no_defaults: false,
        defaults_file: args.defaults_file.as_deref().map(fsio::absolute),
        defaults_extra_file: args.defaults_extra_file.as_deref().map(fsio::absolute),
    };
    let env = crate::cli::context::search_env();
    let files = chain::chain_files(Vendor::Mariadb, chain::Platform::current(), &env, &opts);
    let (out, notices, fatal) =
        chain::print_defaults_output(&group_set, &files, env.home.as_deref());
    for notice in notices.iter().filter(|n| oracle_says(n)) {
        output::error(&notice.to_string());
    }
    if fatal {
        output::error("Fatal error in defaults handling. Program aborted");
        return Exit::Usage;
    }
    match output::emit(&out) {
        Ok(()) => Exit::Success,
        Err(exit) => exit,
    }
}

/// `my_print_defaults` reads a folder or `/dev/null` as an empty file without a word; we skip
/// every non-regular file unread, and say so only where it would block or read a device's
/// bytes (a FIFO, a block device), so that its output stays byte for byte the same wherever it
/// finishes.
fn oracle_says(notice: &chain::Notice) -> bool {
    match notice {
        chain::Notice::NotRegular { kind, .. } => {
            !matches!(kind, fsio::FileKind::Folder | fsio::FileKind::CharDevice)
        }
        _ => true,
    }
}
