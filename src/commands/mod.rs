//! One module per command, as the CLI names them.

pub mod policy;
pub mod run;
pub mod whoami;
