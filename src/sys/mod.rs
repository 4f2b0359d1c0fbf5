//! Helpers with no domain types, as ripgrep keeps `crates/cli`: failures and exit codes, private
//! files, locks and atomic writes, output that survives a closed pipe, the terminal, the browser,
//! digests, the allocator, one description of a program guard starts and what of its command line
//! is safe to show.
//!
//! Enters: nothing of guard's own. Leaves: tools every stage uses. `sys` imports no stage
//! (`scripts/check-cycles` holds it to that).

#[doc(hidden)]
pub mod arena;
pub(crate) mod browser;
pub(crate) mod digest;
pub(crate) mod error;
pub(crate) mod exit_codes;
pub(crate) mod fsutil;
pub(crate) mod loopback;
pub(crate) mod machine;
pub(crate) mod output;
pub(crate) mod process;
pub(crate) mod redact;
pub(crate) mod tty;
pub(crate) mod ui;
