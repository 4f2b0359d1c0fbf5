//! guard runs a command under an AWS profile: it resolves the profile's credentials as the AWS
//! CLI would, verifies who they are, and then runs the command with them.

// print!/eprint! panic on a closed pipe: output goes through `output`, which does not.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod account;
pub mod audit;
pub mod aws;
pub mod banner;
pub mod browser;
pub mod cache;
pub mod childenv;
pub mod classify;
pub mod cli;
pub mod commands;
pub mod confirm;
pub mod credentials;
pub mod decide;
pub mod error;
pub mod exec;
pub mod exit_codes;
pub mod fsutil;
pub mod http;
pub mod identity;
pub mod kubeconfig;
pub mod options;
pub mod output;
pub mod plan;
pub mod policy;
pub mod populate;
pub mod process;
pub mod profile;
pub mod select;
pub mod server;
pub mod sign_ins;
pub mod signals;
pub mod source;
pub mod sso;
pub mod sticky;
pub mod tty;
pub mod ui;
pub mod verify;
