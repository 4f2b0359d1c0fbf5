//! Stage 3, decide: what a command may do in the verified account. `crate::classify` (pure) says
//! what a command line would do; the policy says what that means here; the gate rules on it and
//! enforces the ruling, for every door.
//!
//! Enters: `Verified`, the command line, the policy files. Leaves: a ruling (run, ask, refuse) with
//! the banner and consent it needs, saved Terraform plans read, one audit line.

pub(crate) mod audit;
pub(crate) mod banner;
pub(crate) mod caller;
pub(crate) mod confirm;
pub mod gate;
pub(crate) mod plan;
pub(crate) mod plan_first;
pub mod policy;
pub(crate) mod protect;
