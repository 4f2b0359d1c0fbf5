//! Resolve and verify: from a profile name to credentials whose identity STS has confirmed.

use crate::credentials::Credentials;
use crate::identity::{self, Identity};
use crate::profile::{Paths, ProfileSet};
use crate::{aws, select, source, sso};

/// Credentials that guard has checked belong to the account the profile promises.
pub struct Verified {
    pub profile: String,
    /// The command's region: `-r`, else the profile's, else the inherited one.
    pub region: Option<String>,
    pub creds: Credentials,
    pub identity: Identity,
    pub account_name: Option<String>,
}

fn region(flag: Option<&str>, profile: Option<&str>) -> Option<String> {
    let inherited = || {
        ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|r| !r.is_empty()))
    };
    flag.or(profile).map(str::to_string).or_else(inherited)
}

pub fn verify(profile_flag: Option<&str>, region_flag: Option<&str>) -> anyhow::Result<Verified> {
    let paths = Paths::from_env()?;
    let set = ProfileSet::load(&paths)?;
    let name = select::profile(profile_flag, &set, &paths)?;
    let region = region(region_flag, set.get(&name)?.value("region"));
    // STS needs some region even when the command will run without one.
    let sts_region = region.clone().unwrap_or_else(|| "us-east-1".to_string());
    let chain = source::plan(&set, &name, &sts_region)?;

    aws::runtime()?.block_on(async {
        let resolved = source::resolve(&chain).await?;
        let (identity, alias) = tokio::join!(
            identity::caller_identity(&resolved.creds, &sts_region),
            identity::account_alias(&resolved.creds)
        );
        let identity = identity?;
        identity::check_account(&name, chain.expected_account(), &identity)?;
        let account_name = match (alias, &resolved.sso) {
            (Some(alias), _) => Some(alias),
            (None, Some((login, token))) => {
                sso::account_name(login, token, &identity.account).await
            }
            (None, None) => None,
        };
        Ok(Verified {
            profile: name,
            region,
            creds: resolved.creds,
            identity,
            account_name,
        })
    })
}
