//! guard runs a command under an AWS profile: it resolves the profile's credentials as the AWS
//! CLI would, verifies who they are, and then runs the command with them.

// print!/eprint! panic on a closed pipe: output goes through `output`, which does not.
#![warn(clippy::print_stdout, clippy::print_stderr)]

// The stages, in the order data flows (docs/architecture.md): a stage imports only
// earlier ones, and `sys` none (scripts/check-cycles, which lists the few imports that do
// not yet).
// Helpers with no domain types.
pub mod sys;
// 1. Which profile.
pub mod resolve;
// 2. Its credentials, verified.
pub(crate) mod credentials;
// 3. What the command may do.
pub mod decide;
// 4. The child guard runs.
pub(crate) mod child;

// Outside the stages: the entry, the commands, and the pure classifier.
pub mod classify;
pub mod cli;
pub(crate) mod commands;
pub(crate) mod options;
// The fuzz targets' way in (fuzz/): the rest of the crate stays private.
#[doc(hidden)]
pub mod fuzzing;
