//! Stage 1, resolve: which profile a run is for, read as the AWS CLI reads it.
//!
//! Enters: `-p`, the environment, `~/.aws/config` and `credentials`, the sticky profile of
//! `guard use`, a trusted project file. Leaves: the chosen profile (`select::Chosen`) in its
//! `ProfileSet`, and account IDs and role ARNs parsed once.

pub mod account;
pub(crate) mod profile;
pub(crate) mod region;
pub(crate) mod select;
pub(crate) mod sticky;
