//! mycnf-secure: read, check and edit MySQL/MariaDB option files the way the real clients read
//! them, and make their TLS settings correct.
//!
//! The library never prints and reads neither the environment nor the clock: the caller hands
//! them in ([`context::Context`]). The command line lives in the binary. docs/architecture.md
//! maps the modules and the direction of their imports.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod addca;
pub mod apply;
pub mod cert;
pub mod chain;
pub mod check;
pub mod clients;
pub mod connect;
pub mod context;
pub mod diagnostic;
pub mod init;
pub mod optfile;
pub mod probe;
