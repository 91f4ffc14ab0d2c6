//! Which option files a client reads, in order: the default search list per product and
//! platform, and the command-line options that change it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::chain::groups::Vendor;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Platform {
    #[default]
    Unix,
    Windows,
}

impl Platform {
    pub fn current() -> Platform {
        if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Unix
        }
    }
}

/// The environment that decides the search list (the home folder, `MYSQL_HOME`, …): handed in
/// by the caller, never read here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchEnv {
    pub home: Option<PathBuf>,
    pub mariadb_home: Option<OsString>,
    pub mysql_home: Option<OsString>,
    /// A compiled-in `DEFAULT_SYSCONFDIR` (RPM builds); Debian builds have none.
    pub sysconfdir: Option<PathBuf>,
    /// Windows: the Windows folder (`%WINDIR%`).
    pub windows_dir: Option<PathBuf>,
    /// Windows: the folder above the one holding the client program.
    pub install_dir: Option<PathBuf>,
}

/// The file-selection options every client takes as its first arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileOptions {
    pub no_defaults: bool,
    pub defaults_file: Option<PathBuf>,
    pub defaults_extra_file: Option<PathBuf>,
}

/// One file of the read chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainFile {
    pub path: PathBuf,
    /// A missing required file is fatal; a missing default file is skipped without a word.
    pub required: bool,
}

/// The folder list, with the reader's rule that adding a folder already in the list moves it to
/// the end. `""` stands for `--defaults-extra-file`.
fn add_dir(dirs: &mut Vec<String>, dir: &str) {
    let mut d = dir.to_string();
    if !d.is_empty() && !d.ends_with('/') && !d.ends_with('\\') {
        d.push('/');
    }
    dirs.retain(|x| *x != d);
    dirs.push(d);
}

/// The folders searched, in order; `""` stands for `--defaults-extra-file`, `"~/"` for the
/// home folder.
fn search_dirs(family: Vendor, platform: Platform, env: &SearchEnv) -> Vec<String> {
    let mut dirs: Vec<String> = Vec::new();
    let lossy = |p: &Path| p.to_string_lossy().into_owned();
    match platform {
        Platform::Unix => {
            match (family, &env.sysconfdir) {
                (Vendor::Mariadb, Some(sys)) => add_dir(&mut dirs, &lossy(sys)),
                _ => {
                    add_dir(&mut dirs, "/etc/");
                    add_dir(&mut dirs, "/etc/mysql/");
                }
            }
            if let (Vendor::Mysql, Some(sys)) = (family, &env.sysconfdir) {
                add_dir(&mut dirs, &lossy(sys));
            }
        }
        Platform::Windows => {
            if let Some(w) = &env.windows_dir {
                add_dir(&mut dirs, &lossy(w));
            }
            add_dir(&mut dirs, "C:/");
            if let Some(i) = &env.install_dir {
                add_dir(&mut dirs, &lossy(i));
                if family == Vendor::Mariadb {
                    add_dir(&mut dirs, &lossy(&i.join("data")));
                }
            }
        }
    }
    let home_env = match family {
        Vendor::Mariadb => env.mariadb_home.as_ref().or(env.mysql_home.as_ref()),
        Vendor::Mysql => env.mysql_home.as_ref(),
    };
    if let Some(h) = home_env {
        add_dir(&mut dirs, &h.to_string_lossy());
    }
    add_dir(&mut dirs, "");
    if platform == Platform::Unix {
        add_dir(&mut dirs, "~/");
    }
    dirs
}

/// The files a client of `family` reads, in reading order.
pub fn chain_files(
    family: Vendor,
    platform: Platform,
    env: &SearchEnv,
    opts: &FileOptions,
) -> Vec<ChainFile> {
    if opts.no_defaults {
        return Vec::new();
    }
    if let Some(f) = &opts.defaults_file {
        return vec![ChainFile {
            path: f.clone(),
            required: true,
        }];
    }
    let dirs = search_dirs(family, platform, env);
    let names: &[&str] = match platform {
        Platform::Unix => &["my.cnf"],
        Platform::Windows => &["my.ini", "my.cnf"],
    };
    let mut files = Vec::new();
    for dir in dirs {
        if dir.is_empty() {
            if let Some(extra) = &opts.defaults_extra_file {
                files.push(ChainFile {
                    path: extra.clone(),
                    required: true,
                });
            }
            continue;
        }
        for name in names {
            let path = if dir == "~/" {
                match &env.home {
                    Some(h) => h.join(format!(".{name}")),
                    None => PathBuf::from(format!("~/.{name}")),
                }
            } else {
                PathBuf::from(format!("{dir}{name}"))
            };
            files.push(ChainFile {
                path,
                required: false,
            });
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(files: Vec<ChainFile>) -> Vec<String> {
        files
            .into_iter()
            .map(|f| f.path.to_string_lossy().into_owned())
            .collect()
    }

    fn env() -> SearchEnv {
        SearchEnv {
            home: Some("/home/u".into()),
            ..SearchEnv::default()
        }
    }

    #[test]
    fn debian_mariadb_reads_etc_then_home() {
        let files = chain_files(
            Vendor::Mariadb,
            Platform::Unix,
            &env(),
            &FileOptions::default(),
        );
        assert_eq!(
            paths(files),
            ["/etc/my.cnf", "/etc/mysql/my.cnf", "/home/u/.my.cnf"]
        );
    }

    #[test]
    fn mysql_home_and_extra_file_go_before_the_home_file() {
        let mut e = env();
        e.mysql_home = Some("/srv/mh".into());
        let opts = FileOptions {
            defaults_extra_file: Some("/x/extra.cnf".into()),
            ..FileOptions::default()
        };
        let files = chain_files(Vendor::Mariadb, Platform::Unix, &e, &opts);
        assert_eq!(
            paths(files),
            [
                "/etc/my.cnf",
                "/etc/mysql/my.cnf",
                "/srv/mh/my.cnf",
                "/x/extra.cnf",
                "/home/u/.my.cnf"
            ]
        );
    }

    #[test]
    fn a_home_folder_already_listed_moves_to_the_end() {
        let mut e = env();
        e.mysql_home = Some("/etc".into());
        let files = chain_files(Vendor::Mariadb, Platform::Unix, &e, &FileOptions::default());
        assert_eq!(
            paths(files),
            ["/etc/mysql/my.cnf", "/etc/my.cnf", "/home/u/.my.cnf"]
        );
    }

    #[test]
    fn mariadb_home_beats_mysql_home() {
        let mut e = env();
        e.mysql_home = Some("/a".into());
        e.mariadb_home = Some("/b".into());
        let files = chain_files(Vendor::Mariadb, Platform::Unix, &e, &FileOptions::default());
        assert!(paths(files).contains(&"/b/my.cnf".to_string()));
    }

    #[test]
    fn defaults_file_replaces_the_whole_list_and_no_defaults_empties_it() {
        let opts = FileOptions {
            defaults_file: Some("/only.cnf".into()),
            defaults_extra_file: Some("/ignored.cnf".into()),
            ..FileOptions::default()
        };
        let files = chain_files(Vendor::Mariadb, Platform::Unix, &env(), &opts);
        assert_eq!(paths(files), ["/only.cnf"]);
        let none = FileOptions {
            no_defaults: true,
            ..opts
        };
        assert!(chain_files(Vendor::Mariadb, Platform::Unix, &env(), &none).is_empty());
    }

    #[test]
    fn windows_reads_ini_then_cnf_in_each_folder() {
        let e = SearchEnv {
            windows_dir: Some("C:\\Windows".into()),
            install_dir: Some("C:\\Program Files\\MariaDB 10.11".into()),
            ..SearchEnv::default()
        };
        let files = chain_files(
            Vendor::Mariadb,
            Platform::Windows,
            &e,
            &FileOptions::default(),
        );
        let p: Vec<String> = paths(files).iter().map(|x| x.replace('\\', "/")).collect();
        assert_eq!(p[0], "C:/Windows/my.ini");
        assert_eq!(p[1], "C:/Windows/my.cnf");
        assert_eq!(p[2], "C:/my.ini");
        assert!(p.contains(&"C:/Program Files/MariaDB 10.11/data/my.ini".to_string()));
    }

    #[test]
    fn rpm_sysconfdir_replaces_etc_for_mariadb_and_follows_it_for_mysql() {
        let mut e = env();
        e.sysconfdir = Some("/opt/etc".into());
        let ma = paths(chain_files(
            Vendor::Mariadb,
            Platform::Unix,
            &e,
            &FileOptions::default(),
        ));
        assert_eq!(ma, ["/opt/etc/my.cnf", "/home/u/.my.cnf"]);
        let my = paths(chain_files(
            Vendor::Mysql,
            Platform::Unix,
            &e,
            &FileOptions::default(),
        ));
        assert_eq!(
            my,
            [
                "/etc/my.cnf",
                "/etc/mysql/my.cnf",
                "/opt/etc/my.cnf",
                "/home/u/.my.cnf"
            ]
        );
    }
}
