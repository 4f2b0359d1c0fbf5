//! A profile resolved as far as it goes without reading or fetching credentials: the profile
//! chosen (`resolve::select`), the command's region, and the chain its credentials come from
//! (`source::chain`), with the network settings of its calls. Enough to name what is cached for
//! it; `verify` adds what takes the cache or the network (`verify`, `verified_from_cache`,
//! `located`).

use crate::credentials::aws;
use crate::credentials::cache;
use crate::credentials::http;
use crate::credentials::source::{self, Base, Chain};
use crate::credentials::sso;
use crate::resolve::account::AccountId;
use crate::resolve::profile::{Paths, ProfileSet};
use crate::resolve::region::{RegionFrom, region};
use crate::resolve::select;

/// A profile resolved as far as it goes without reading or fetching credentials: enough to name
/// what is cached for it.
pub struct Resolved {
    pub(super) chain: Chain,
    pub(super) region: Option<(String, RegionFrom)>,
    pub(super) chosen_by: select::ChosenBy,
}

impl Resolved {
    /// The profile `-p` (else the variables, ...) names, resolved.
    pub fn of(profile_flag: Option<&str>, region_flag: Option<&str>) -> anyhow::Result<Resolved> {
        let paths = Paths::from_env()?;
        // Not freed: a process resolves once and execs or exits soon after, and taking every
        // profile's maps apart cost 2.9 k instructions of a warm run (callgrind).
        let set = std::mem::ManuallyDrop::new(ProfileSet::load(&paths)?);
        let chosen = select::profile(profile_flag, &set, &paths)?;
        Resolved::in_set(&set, &chosen.name, region_flag, chosen.chosen_by)
    }

    /// `of` for a profile of a config already read (`guard each` resolves many from one reading).
    pub fn in_set(
        set: &ProfileSet,
        name: &str,
        region_flag: Option<&str>,
        chosen_by: select::ChosenBy,
    ) -> anyhow::Result<Resolved> {
        let profile = set.get(name)?;
        // Before anything reads the profile: where the AWS CLI and the SDKs read it otherwise.
        set.refuse_disagreement([name])?;
        aws::use_profile(set, profile);
        let region = region(region_flag, profile.get("region"), |v| {
            std::env::var(v).ok()
        })?;
        // STS needs some region even when the command will run without one.
        let sts_region = region
            .as_ref()
            .map_or_else(|| "us-east-1".to_string(), |(r, _)| r.clone());
        let chain = source::chain_agreed(set, name, &sts_region)?;
        chain.refuse_process_loop()?;
        Ok(Resolved {
            chain,
            region,
            chosen_by,
        })
    }

    /// The command's region: `-r`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the
    /// profile's.
    pub fn region(&self) -> Option<&str> {
        self.region.as_ref().map(|(r, _)| r.as_str())
    }

    /// The cache key of the credentials the profile gives, while they may be used: None when they
    /// are not cached or their sign-in has been removed.
    pub fn credentials_key(&self) -> Option<cache::Key> {
        if !signed_in(&self.chain) {
            return None;
        }
        cache::levels(&self.chain).pop().and_then(|level| level.key)
    }

    /// The IAM Identity Center sign-in the credentials come from, when they do.
    pub fn sso_login(&self) -> Option<&sso::SsoLogin> {
        match &self.chain.base {
            Base::Sso(target) => Some(&target.login),
            _ => None,
        }
    }

    /// How the profile's calls reach AWS.
    pub fn net(&self) -> &http::Settings {
        &self.chain.net
    }

    /// The account the profile promises, when it promises one.
    pub fn expected_account(&self) -> Option<&AccountId> {
        self.chain.expected_account()
    }

    /// The profile's name.
    pub fn profile(&self) -> &str {
        &self.chain.profile
    }
}

/// An SSO sign-in that has been removed (`aws sso logout` deletes the token file) also retires
/// the credentials it gave: a stat, not a read, so the warm path stays cheap.
pub(super) fn signed_in(chain: &Chain) -> bool {
    match &chain.base {
        Base::Sso(target) => sso::token::cache_path(&target.login).is_ok_and(|p| p.exists()),
        // `aws logout` removes the session's file.
        Base::Login { session, .. } => source::login_cache_path(session).is_ok_and(|p| p.exists()),
        _ => true,
    }
}
