//! One module per command, as the CLI names them.

pub mod cache;
pub mod check;
pub mod completions;
pub mod console;
pub mod credential_process;
pub mod each;
pub mod eks_token;
pub mod env;
pub mod hook;
pub mod hook_install;
pub mod login;
pub mod logout;
pub mod man;
pub mod policy;
pub mod policy_test;
pub mod populate;
pub mod profiles;
pub mod prompt;
pub mod protect;
pub mod run;
pub mod setup;
pub mod shell;
pub mod shim;
pub mod use_;
pub mod whoami;
