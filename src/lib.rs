//! mycnf-secure: read, check and edit MySQL/MariaDB option files the way the real clients read
//! them, and make their TLS settings correct.
//!
//! The core ([`optfile`], [`chain`]) never prints; the [`cli`] module is the edge that does.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod apply;
pub mod cert;
pub mod chain;
pub mod check;
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub mod cli;
pub mod connect;
pub mod diagnostic;
pub mod init;
pub mod optfile;
pub mod tls;
