//! guard runs a command under an AWS profile: it resolves the profile's credentials as the AWS
//! CLI would, verifies who they are, and then runs the command with them.

// print!/eprint! panic on a closed pipe: output goes through `output`, which does not.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod account;
#[doc(hidden)]
pub mod arena;
pub(crate) mod audit;
pub(crate) mod aws;
pub(crate) mod banner;
pub(crate) mod browser;
pub(crate) mod cache;
pub(crate) mod childenv;
pub mod classify;
pub mod cli;
pub(crate) mod commands;
pub(crate) mod confirm;
pub(crate) mod credentials;
pub(crate) mod digest;
pub(crate) mod each;
pub(crate) mod error;
pub(crate) mod exec;
pub(crate) mod exit_codes;
pub(crate) mod fsutil;
pub mod gate;
// The fuzz targets' way in (fuzz/): the rest of the crate stays private.
pub(crate) mod caller;
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod http;
pub(crate) mod identity;
pub(crate) mod kubeconfig;
pub(crate) mod options;
pub(crate) mod output;
pub(crate) mod peer;
pub(crate) mod plan;
pub(crate) mod plan_first;
pub mod policy;
pub(crate) mod populate;
pub(crate) mod process;
pub(crate) mod profile;
pub(crate) mod protect;
pub(crate) mod redact;
pub(crate) mod select;
pub(crate) mod server;
pub(crate) mod session;
pub(crate) mod sign_ins;
pub(crate) mod signals;
pub(crate) mod source;
pub(crate) mod sso;
pub(crate) mod sticky;
pub(crate) mod tty;
pub(crate) mod ui;
pub(crate) mod verify;
