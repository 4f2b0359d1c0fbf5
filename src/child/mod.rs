//! Stage 4, the child: what guard runs once the gate has ruled.
//!
//! Enters: verified credentials and the account as the policy sees it. Leaves: the child's
//! environment (guard's credentials in, every other way of choosing credentials out), the command
//! exec'd in guard's place or waited for with signals passed on, the `--server` endpoint, a
//! guarded shell's session, `guard each`'s runs, a kubeconfig's entry.

pub(crate) mod childenv;
pub(crate) mod each;
pub(crate) mod eks;
pub(crate) mod exec;
pub(crate) mod kubeconfig;
pub(crate) mod peer;
pub(crate) mod server;
pub(crate) mod session;
pub(crate) mod signals;
