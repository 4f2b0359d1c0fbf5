//! `guard cache clear [-p PROFILE]`: forget cached credentials.

use crate::cache::{Cache, Selection};
use crate::cli::Global;

pub fn clear(global: &Global) -> anyhow::Result<()> {
    let which = match global.profile.as_deref() {
        Some(profile) => Selection::Profile(profile),
        None => Selection::All,
    };
    let removed = Cache::locate().clear(which)?;
    let noun = if removed == 1 { "set" } else { "sets" };
    println!("removed {removed} cached credential {noun}");
    Ok(())
}
