//! One module per command, as the CLI names them.

pub mod login;
pub mod logout;
pub mod policy;
pub mod populate;
pub mod profiles;
pub mod run;
pub mod whoami;
