//! A throw-away MariaDB server for tests: Debian's mariadbd on 127.0.0.1 and a free port, its
//! data in a temporary folder, with the TLS certificate and key a test made (or TLS switched
//! off), stopped when dropped. A test that starts one needs mariadb-server (and mariadb-client
//! for the readiness check): it is `#[ignore]`d like the other server tests.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The TLS material a server is started with.
pub struct Tls<'a> {
    pub ca: &'a Path,
    pub cert: &'a Path,
    pub key: &'a Path,
}

/// A mariadbd on 127.0.0.1, stopped when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn server_program(name: &str) -> PathBuf {
    super::program(name, "mariadb-server")
}

fn client_program(name: &str) -> PathBuf {
    super::program(name, "mariadb-client")
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"))
}

impl Server {
    /// Installs a data folder under `dir` and starts the server; waits (60 s at most) until it
    /// answers on its socket.
    pub fn start(dir: &Path, tls: Option<Tls<'_>>) -> Server {
        let data = dir.join("data");
        let tmp = dir.join("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        let mut install = Command::new(server_program("mariadb-install-db"));
        install
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--tmpdir={}", tmp.display()))
            .args(["--auth-root-authentication-method=normal", "--skip-test-db"]);
        if is_root() {
            install.arg("--user=root");
        }
        let out = install.output().unwrap();
        assert!(
            out.status.success(),
            "install-db: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = free_port();
        let mut cmd = Command::new(server_program("mariadbd"));
        cmd.arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--tmpdir={}", tmp.display()))
            .arg(format!("--socket={}", dir.join("sock").display()))
            .arg(format!("--pid-file={}", dir.join("pid").display()))
            .arg(format!("--log-error={}", dir.join("error.log").display()))
            .arg(format!("--port={port}"))
            .args([
                "--bind-address=127.0.0.1",
                "--skip-name-resolve",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
                "--max-connections=20",
            ]);
        match tls {
            Some(t) => {
                cmd.arg(format!("--ssl-ca={}", t.ca.display()))
                    .arg(format!("--ssl-cert={}", t.cert.display()))
                    .arg(format!("--ssl-key={}", t.key.display()));
            }
            None => {
                cmd.arg("--skip-ssl");
            }
        }
        if is_root() {
            cmd.arg("--user=root");
        }
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server {
            child,
            port,
            dir: dir.to_path_buf(),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while server.root_sql("SELECT 1").status.code() != Some(0) {
            assert!(
                Instant::now() < deadline,
                "mariadbd did not start: {}",
                std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        server
    }

    /// Runs SQL as root over the Unix socket.
    pub fn root_sql(&self, sql: &str) -> Output {
        Command::new(client_program("mariadb"))
            .arg("--no-defaults")
            .arg(format!("--socket={}", self.dir.join("sock").display()))
            .args(["-uroot", "-e", sql])
            .output()
            .unwrap()
    }
}
