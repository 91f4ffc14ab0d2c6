//! The one place that reads the process's environment and the clock: the context the core
//! works in.

use std::path::PathBuf;

use mycnf_secure::cert::{TrustStore, store::system_bundle_path};
use mycnf_secure::chain::{Platform, SearchEnv};
use mycnf_secure::context::Context;

/// The time certificates are judged at: now, or `MYCNF_SECURE_NOW` (Unix seconds) for
/// reproducible output.
pub fn now() -> i64 {
    if let Some(t) = std::env::var("MYCNF_SECURE_NOW")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return t;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The option-file search environment of this process.
pub fn search_env() -> SearchEnv {
    SearchEnv {
        home: std::env::var_os("HOME").map(PathBuf::from),
        mariadb_home: std::env::var_os("MARIADB_HOME"),
        mysql_home: std::env::var_os("MYSQL_HOME"),
        sysconfdir: None,
        windows_dir: std::env::var_os("WINDIR").map(PathBuf::from),
        install_dir: None,
    }
}

/// Everything the core needs; `trust_store` loads the system's certificates (a few ms).
pub fn context(trust_store: bool) -> Context {
    let system_bundle = system_bundle_path();
    Context {
        env: search_env(),
        platform: Platform::current(),
        now: now(),
        data_dir: directories::ProjectDirs::from("", "", "mycnf-secure")
            .map(|p| p.data_dir().to_path_buf()),
        trust_store: if trust_store {
            TrustStore::system()
        } else {
            None
        },
        system_bundle,
    }
}

/// The per-user option file: `~/.my.cnf`.
pub fn default_file() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.home_dir().join(".my.cnf"))
}
