//! `mycnf-secure print-defaults`: the options a program would read, printed as
//! `my_print_defaults` prints them (same bytes on standard output, same exit status), except
//! that secret values are `*****` unless `--show-secrets` (`-s`, `--show`) asks for them, as
//! Oracle's `my_print_defaults` does since MySQL 5.6.25 (MariaDB's prints them).

use std::path::Path;

use mycnf_secure::chain::{
    self, ArgvCollector, ChainFile, FileOptions, GroupSet, Notice, OptionRecord, Reader, Vendor,
    Visitor, fsio,
};
use mycnf_secure::clients::{self, programs::server_groups};
use mycnf_secure::diagnostic::{Masked, OptionMask};

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
    let (out, notices, fatal) = if args.show_secrets {
        chain::print_defaults_output(&group_set, &files, env.home.as_deref())
    } else {
        masked_output(&group_set, &files, env.home.as_deref())
    };
    let secret = |n: &[u8]| !args.show_secrets && clients::is_secret(n);
    for notice in notices.iter().filter(|n| oracle_says(n)) {
        // A directive's path is quoted: through the masking too.
        output::error(&Masked::line(notice.to_string().as_bytes(), &secret).lossy());
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

/// [`chain::print_defaults_output`], each option through the masking.
fn masked_output(
    groups: &GroupSet,
    files: &[ChainFile],
    home: Option<&Path>,
) -> (Vec<u8>, Vec<Notice>, bool) {
    let argv = MaskedArgv {
        argv: ArgvCollector::default(),
        mask: OptionMask::default(),
    };
    let mut reader = Reader::new(groups, argv).with_home(home.map(Path::to_path_buf));
    let fatal = chain::read_chain(&mut reader, files).is_err();
    let ArgvCollector { out, notices } = reader.into_visitor().argv;
    (if fatal { Vec::new() } else { out }, notices, fatal)
}

/// `my_print_defaults`' lines, secret values masked.
struct MaskedArgv {
    argv: ArgvCollector,
    mask: OptionMask,
}

impl Visitor for MaskedArgv {
    fn option(&mut self, r: &OptionRecord<'_>) {
        let (name, value) = self.mask.record(r, &clients::is_secret);
        self.argv.option(&OptionRecord {
            name: name.bytes(),
            value: value.as_ref().map(|v| v.bytes()),
            ..*r
        });
    }

    fn notice(&mut self, notice: Notice) {
        self.argv.notice(notice);
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
