//! The options every command takes, as plain values: `cli` builds them from the command line,
//! and the commands read them without knowing how they were spelled.

use std::path::PathBuf;

use crate::credentials::resolved::Resolved;
use crate::credentials::verify::{CacheUse, Verified};
use crate::decide::policy::{self, Policy};
use crate::sys::error::Failure;

#[derive(Debug, Clone)]
pub struct Options {
    /// `-p`: else `$AWS_PROFILE`, else the `[default]` profile.
    pub profile: Option<String>,
    /// `-r`: else the profile's region, else the inherited one.
    pub region: Option<String>,
    /// Consent from a script: the account's name or ID.
    pub confirm: Option<String>,
    /// A policy file layered over all others.
    pub policy: Option<PathBuf>,
    /// `--reason`: the change reason rules with `require_reason` ask for.
    pub reason: Option<String>,
    /// No identity banner.
    pub quiet: bool,
    /// Stay the command's parent and serve it credentials.
    pub server: bool,
    pub cache_use: CacheUse,
}

impl Options {
    /// The selected profile's credentials, verified.
    pub fn verified(&self) -> anyhow::Result<Verified> {
        self.resolved()?.verify(self.cache_use)
    }

    /// The selected profile, resolved as far as it goes without credentials.
    pub fn resolved(&self) -> anyhow::Result<Resolved> {
        Resolved::of(self.profile.as_deref(), self.region.as_deref())
    }

    /// The policy in force, with `--policy` over the others.
    pub fn policy(&self) -> anyhow::Result<Policy> {
        policy::load(self.policy.as_deref())
    }

    /// `-p` is global, so it is accepted everywhere; where it means nothing it is refused, not
    /// ignored.
    pub fn no_profile(&self, command: &str) -> Result<(), Failure> {
        match &self.profile {
            Some(_) => Err(Failure::usage(format!(
                "guard {command} takes no -p/--profile"
            ))),
            None => Ok(()),
        }
    }
}

/// Whole seconds, or a number with the unit `s`, `m` or `h`.
pub fn parse_duration(text: &str) -> Result<time::Duration, String> {
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(split) => text.split_at(split),
        None => (text, "s"),
    };
    let seconds_per_unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => {
            return Err(format!(
                "'{text}' is not a duration (examples: 600, 90s, 10m, 1h)"
            ));
        }
    };
    let number: i64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration (examples: 600, 90s, 10m, 1h)"))?;
    number
        .checked_mul(seconds_per_unit)
        .map(time::Duration::seconds)
        .ok_or_else(|| format!("'{text}' is too long"))
}
