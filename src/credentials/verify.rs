//! Verify: from a resolved profile (`resolved::Resolved`) to credentials whose identity STS has
//! confirmed, through guard's cache and its locks.
//!
//! A warm run finds them in the cache and stops there: no async runtime, no SDK client, no
//! request. A cold run fetches what the cache lacks, one lock per level of the chain so that
//! concurrent runs fetch once, and stores it.

use time::{Duration, OffsetDateTime};

use crate::credentials::cache::{self, Cache, Entry, Level, Provenance};
use crate::credentials::identity::{self, AccountName, Identity, Principal, Unverified};
use crate::credentials::resolved::{self, Resolved};
use crate::credentials::source::{self, Base, Chain};
use crate::credentials::{Credentials, Secret, http};
use crate::resolve::account::AccountId;
use crate::resolve::region::RegionFrom;
use crate::sys::error::Failure;
use crate::{credentials::aws, credentials::sso, resolve::select};

/// Credentials that guard has checked belong to the account the profile promises.
pub struct Verified {
    pub profile: String,
    /// Where the profile came from (`-p`, a variable, `guard use`...).
    pub chosen_by: select::ChosenBy,
    /// The command's region: `-r`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the
    /// profile's.
    pub region: Option<String>,
    /// The variable the region came from, when it came from one (the banner says so).
    pub region_variable: Option<&'static str>,
    pub creds: Credentials,
    pub identity: Identity,
    pub account_name: Option<String>,
    /// How calls for the profile reach AWS (the console's sign-in token, `eks-token`).
    pub net: http::Settings,
}

/// Cached credentials with less than this left are replaced, unless `--min-ttl` says otherwise.
pub const DEFAULT_MIN_TTL: Duration = Duration::minutes(10);

/// How a run uses the credential cache.
#[derive(Debug, Clone, Copy)]
pub struct CacheUse {
    /// Fetch new credentials whatever the cache holds (and store them).
    pub fresh: bool,
    /// Ask STS again who cached credentials are; credentials it rejects are replaced.
    pub verify: bool,
    /// Cached credentials with less than this left are replaced.
    pub min_ttl: Duration,
}

impl CacheUse {
    /// Whether cached credentials that were verified when cached serve the run as they are,
    /// with no call at all (the warm path).
    fn may_skip_sts(&self) -> bool {
        !self.fresh && !self.verify
    }

    /// Whether credentials have more than `--min-ttl` left; ones that never expire are not
    /// cached, so they do not last here.
    fn lasts(&self, creds: &Credentials, now: OffsetDateTime) -> bool {
        creds.expiration.is_some_and(|x| x - now > self.min_ttl)
    }
}

pub fn verify(
    profile_flag: Option<&str>,
    region_flag: Option<&str>,
    cache_use: CacheUse,
) -> anyhow::Result<Verified> {
    Resolved::of(profile_flag, region_flag)?.verify(cache_use)
}

/// What `Resolved::located` knows of the account without a request.
pub enum Located {
    /// The identity verified when the cached credentials were fetched.
    Verified {
        identity: Identity,
        account_name: Option<String>,
    },
    /// The account the profile's configuration promises (not verified).
    Configured(AccountId),
    /// Only a request can tell (static keys, a credential_process, ...).
    Unknown,
}

/// What takes the cache or the network, for a resolved profile.
impl Resolved {
    /// Who the credentials are, as far as guard knows without a request (`guard check`): the
    /// identity verified when they were cached, else the account the configuration promises
    /// (SSO account ID, role ARN), else nothing.
    pub fn located(&self, cache_use: CacheUse) -> Located {
        if let Some(Ok(verified)) = self.verified_from_cache(cache_use) {
            return Located::Verified {
                identity: verified.identity,
                account_name: verified.account_name,
            };
        }
        match self.chain.expected_account() {
            Some(account) => Located::Configured(account.clone()),
            None => Located::Unknown,
        }
    }

    pub fn verify(self, cache_use: CacheUse) -> anyhow::Result<Verified> {
        self.run(cache_use).verify()
    }

    /// The warm path alone: the verified credentials the cache holds, with no call at all, or
    /// None when verifying needs the network (`verify` then does it).
    pub fn verified_from_cache(&self, cache_use: CacheUse) -> Option<anyhow::Result<Verified>> {
        self.run(cache_use).warm()
    }

    fn run(&self, cache_use: CacheUse) -> Run<'_> {
        let chain = &self.chain;
        Run {
            levels: cache::levels(chain),
            chain,
            cache: Cache::locate(),
            cache_use,
            signed_in: resolved::signed_in(chain),
            now: OffsetDateTime::now_utc(),
            region: self.region.clone(),
            chosen_by: self.chosen_by,
        }
    }
}

/// The principal the chain promises, when it promises one: the role of its last hop, else of its
/// base (a permission set, a web identity's role). Keys and processes promise only an account.
fn expected_principal(chain: &Chain) -> Option<Principal> {
    if let Some(hop) = chain.hops.last() {
        return Some(Principal::of_role_arn(
            &hop.role.arn,
            hop.session_name.as_deref(),
        ));
    }
    match &chain.base {
        Base::Sso(target) => Some(Principal::PermissionSet(target.role_name.clone())),
        Base::WebIdentity {
            role, session_name, ..
        } => Some(Principal::of_role_arn(&role.arn, session_name.as_deref())),
        _ => None,
    }
}

enum Cold {
    /// STS refused credentials that came from the cache: worth one more try without it.
    Rejected(anyhow::Error),
    /// New credentials with less than --min-ttl left: worth one more fetch.
    Short(anyhow::Error),
    Failed(anyhow::Error),
}

impl Cold {
    fn into_error(self) -> anyhow::Error {
        match self {
            Cold::Rejected(e) | Cold::Short(e) | Cold::Failed(e) => e,
        }
    }
}

impl From<anyhow::Error> for Cold {
    fn from(e: anyhow::Error) -> Self {
        Cold::Failed(e)
    }
}

struct Run<'a> {
    chain: &'a Chain,
    levels: Vec<Level>,
    cache: Cache,
    cache_use: CacheUse,
    signed_in: bool,
    now: OffsetDateTime,
    region: Option<(String, RegionFrom)>,
    chosen_by: select::ChosenBy,
}

impl Run<'_> {
    fn warm(&self) -> Option<anyhow::Result<Verified>> {
        if !self.cache_use.may_skip_sts() {
            return None;
        }
        match self.top_key().and_then(|key| self.read(key))? {
            Entry::Verified {
                creds,
                identity,
                account_name,
            } => Some(self.verified(creds, identity, account_name)),
            Entry::Unverified(_) => None,
        }
    }

    fn verify(&self) -> anyhow::Result<Verified> {
        if let Some(verified) = self.warm() {
            return verified;
        }

        aws::runtime()?.block_on(async {
            match self.cold(self.cache_use.fresh).await {
                Err(Cold::Rejected(e)) => {
                    crate::sys::error::warn(format!(
                        "STS rejected the cached credentials of profile '{}' ({e}); fetching new ones",
                        self.chain.profile
                    ));
                    self.cold(true).await.map_err(Cold::into_error)
                }
                // The source may have handed out the end of a session it had cached: ask once more.
                Err(Cold::Short(_)) => self.cold(true).await.map_err(Cold::into_error),
                other => other.map_err(Cold::into_error),
            }
        })
    }

    fn top(&self) -> usize {
        self.levels.len() - 1
    }

    fn top_key(&self) -> Option<&cache::Key> {
        self.levels[self.top()].key.as_ref()
    }

    /// A cached entry with enough time left.
    fn read(&self, key: &cache::Key) -> Option<Entry> {
        if !self.signed_in {
            return None;
        }
        self.cache
            .read(key)
            .filter(|e| self.cache_use.lasts(e.creds(), self.now))
    }

    fn store(&self, index: usize, entry: &Entry) {
        let level = &self.levels[index];
        if let Some(key) = &level.key {
            let sso_session = match &self.chain.base {
                Base::Sso(target) => Some(target.login.cache_key()),
                _ => None,
            };
            let provenance = Provenance {
                profiles: &level.profiles,
                sso_session,
            };
            self.cache.write(key, entry, &provenance);
        }
    }

    fn verified(
        &self,
        creds: Credentials,
        identity: Identity,
        account_name: Option<String>,
    ) -> anyhow::Result<Verified> {
        // The key holds the account and the role, so this only fails on a tampered entry (or a
        // source that handed out someone else's keys): fail closed.
        identity::check_account(
            &self.chain.profile,
            self.chain.expected_account(),
            &identity,
        )?;
        identity::check_principal(
            &self.chain.profile,
            expected_principal(self.chain).as_ref(),
            &identity,
        )?;
        Ok(Verified {
            profile: self.chain.profile.clone(),
            chosen_by: self.chosen_by,
            region: self.region.as_ref().map(|(r, _)| r.clone()),
            region_variable: match self.region {
                Some((_, RegionFrom::Variable(name))) => Some(name),
                _ => None,
            },
            creds,
            identity,
            account_name,
            net: self.chain.net.clone(),
        })
    }

    async fn cold(&self, fresh: bool) -> Result<Verified, Cold> {
        let top = self.top();
        // Locks are taken from the top level down, always in that order, so two guards can
        // never wait on each other. They are released when this function returns.
        let mut locks = Vec::new();
        let mut found = None;
        for (index, level) in self.levels.iter().enumerate().rev() {
            let Some(key) = &level.key else { break };
            locks.push(self.cache.lock(key));
            if let Some(entry) = self.read(key).filter(|_| !fresh) {
                found = Some((index, entry));
                break;
            }
        }
        let from_cache = found.is_some();
        // Levels below this one came from the cache and need no writing back.
        let first_fetched = found.as_ref().map_or(0, |(index, _)| index + 1);
        let mut sso_token = None;
        let (mut index, mut current) = match found {
            Some(found) => found,
            None => {
                let (creds, token) = source::base_credentials(self.chain).await?;
                sso_token = token;
                (0, Entry::Unverified(creds))
            }
        };
        while index < top {
            if index >= first_fetched {
                self.store(index, &current);
            }
            current =
                Entry::Unverified(source::assume_hop(self.chain, index, current.creds()).await?);
            index += 1;
        }
        if index >= first_fetched {
            self.refuse_short(current.creds())?;
        }

        let creds = match current {
            Entry::Verified {
                creds,
                identity,
                account_name,
            } if !self.cache_use.verify => {
                // Another guard fetched them while this one waited for the lock.
                return Ok(self.verified(creds, identity, account_name)?);
            }
            entry => entry.into_creds(),
        };
        let (identity, account_name) =
            self.identify(&creds, sso_token)
                .await
                .map_err(|e| match e {
                    Unverified::Rejected(e) if from_cache => Cold::Rejected(e.into()),
                    e => Cold::Failed(Failure::from(e).into()),
                })?;
        let entry = Entry::Verified {
            creds: creds.clone(),
            identity: identity.clone(),
            account_name: account_name.clone(),
        };
        self.store(top, &entry);
        Ok(self.verified(creds, identity, account_name)?)
    }

    /// New credentials must last the --min-ttl that cached ones must have left.
    fn refuse_short(&self, creds: &Credentials) -> Result<(), Cold> {
        let Some(expiration) = creds.expiration else {
            return Ok(());
        };
        let left = expiration - OffsetDateTime::now_utc();
        if left >= self.cache_use.min_ttl {
            return Ok(());
        }
        let source = self.chain.source_of(self.top());
        let failure = Failure::new(
            source.kind,
            format!(
                "{} gave credentials that last {} s, less than --min-ttl ({} s); nothing was run",
                source.what,
                left.whole_seconds(),
                self.cache_use.min_ttl.whole_seconds()
            ),
        )
        .with_hint(
            "ask for longer sessions (duration_seconds), or lower --min-ttl (GUARD_MIN_TTL)",
        );
        Err(Cold::Short(failure.into()))
    }

    /// Who the credentials are (GetCallerIdentity), and the account's name: from the cache when
    /// it was looked up in the last day, else from IAM, else from the portal.
    async fn identify(
        &self,
        creds: &Credentials,
        sso_token: Option<Secret>,
    ) -> Result<(Identity, Option<String>), Unverified> {
        let expected = self.chain.expected_account();
        let cached = |account: &AccountId| self.cache.account_name(account, self.now);
        let known = expected.map_or(AccountName::Unknown, cached);
        let caller = identity::caller_identity(&self.chain.net, creds, &self.chain.region);
        // When the account is known in advance, its alias is asked at the same time.
        let (identity, alias) = if known == AccountName::Unknown && expected.is_some() {
            let (identity, alias) =
                tokio::join!(caller, identity::account_alias(&self.chain.net, creds));
            (identity?, Some(alias))
        } else {
            (caller.await?, None)
        };
        identity::check_account(&self.chain.profile, expected, &identity)?;
        let known = match known {
            AccountName::Unknown => cached(&identity.account),
            known => known,
        };
        let name = match known {
            AccountName::Unknown => {
                let alias = match alias {
                    Some(alias) => alias,
                    None => identity::account_alias(&self.chain.net, creds).await,
                };
                self.look_up_name(&identity, alias, sso_token).await
            }
            known => known,
        };
        Ok((identity, name.into_name()))
    }

    /// The name from IAM's `alias`, else from the portal, and remembered.
    async fn look_up_name(
        &self,
        identity: &Identity,
        alias: AccountName,
        sso_token: Option<Secret>,
    ) -> AccountName {
        let answer = match (alias, &self.chain.base) {
            // Only the portal of the sign-in that gave these very credentials knows the account.
            (AccountName::NoneVisible, Base::Sso(target)) if self.chain.hops.is_empty() => {
                let token = match sso_token {
                    Some(token) => Some(token),
                    None => sso::token::access_token(&self.chain.net, &target.login)
                        .await
                        .ok(),
                };
                match token {
                    Some(token) => {
                        sso::account_name(&self.chain.net, &target.login, &token, &identity.account)
                            .await
                    }
                    None => AccountName::Unknown,
                }
            }
            (alias, _) => alias,
        };
        self.cache
            .save_account_name(&identity.account, &answer, self.now);
        answer
    }
}

#[cfg(test)]
mod config_cases;
#[cfg(test)]
mod sdk_vectors;

#[cfg(test)]
mod tests {
    use super::*;

    fn cache_use(fresh: bool, verify: bool) -> CacheUse {
        CacheUse {
            fresh,
            verify,
            min_ttl: Duration::minutes(10),
        }
    }

    fn creds(expiration: Option<OffsetDateTime>) -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".to_string(),
            secret_access_key: Secret::new("secret"),
            session_token: None,
            expiration,
        }
    }

    #[test]
    fn the_warm_path_is_skipped_for_fresh_and_verify() {
        assert!(cache_use(false, false).may_skip_sts());
        assert!(!cache_use(true, false).may_skip_sts());
        assert!(!cache_use(false, true).may_skip_sts());
        assert!(!cache_use(true, true).may_skip_sts());
    }

    #[test]
    fn cached_credentials_last_while_more_than_min_ttl_is_left() {
        let now = OffsetDateTime::now_utc();
        let use_ = cache_use(false, false);
        assert!(use_.lasts(&creds(Some(now + Duration::hours(1))), now));
        assert!(!use_.lasts(&creds(Some(now + Duration::minutes(10))), now));
        assert!(!use_.lasts(&creds(Some(now + Duration::minutes(5))), now));
        assert!(!use_.lasts(&creds(Some(now - Duration::minutes(1))), now));
        assert!(!use_.lasts(&creds(None), now));
    }
}
