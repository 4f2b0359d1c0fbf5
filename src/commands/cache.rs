//! `guard cache clear [-p PROFILE]`: forget cached credentials.

use crate::credentials::cache::{Cache, Selection};
use crate::options::Options;
use crate::sys::output::{self, Delivery};

pub fn clear(options: &Options) -> anyhow::Result<()> {
    let which = match options.profile.as_deref() {
        Some(profile) => Selection::Profile(profile),
        None => Selection::All,
    };
    let removed = Cache::locate().clear(which)?;
    let noun = if removed == 1 { "set" } else { "sets" };
    output::stdout(
        &format!("removed {removed} cached credential {noun}\n"),
        Delivery::Listing,
    )
}
