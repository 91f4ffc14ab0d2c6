//! What the core needs from the world it runs in, handed in by the caller: the home folder and
//! the variables that decide the file search list, the clock, where per-user data goes and
//! the system's trust store. The core never reads the environment or the clock itself.

use std::path::PathBuf;

use crate::cert::TrustStore;
use crate::chain::{Platform, SearchEnv};

#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Home folder, `MYSQL_HOME`, `MARIADB_HOME`, … (the search list of the option files).
    pub env: SearchEnv,
    pub platform: Platform,
    /// Now, in Unix seconds: certificates are judged at this time.
    pub now: i64,
    /// The per-user data folder, where `--install` puts a CA for a per-user option file.
    pub data_dir: Option<PathBuf>,
    /// The system CA bundle, where the platform has one.
    pub system_bundle: Option<PathBuf>,
    /// The certificates of the system bundle.
    pub trust_store: Option<TrustStore>,
}
