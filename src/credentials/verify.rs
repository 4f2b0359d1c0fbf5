//! Resolve and verify: from a profile name to credentials whose identity STS has confirmed.
//!
//! A warm run finds them in the cache and stops there: no async runtime, no SDK client, no
//! request. A cold run fetches what the cache lacks, one lock per level of the chain so that
//! concurrent runs fetch once, and stores it.

use time::{Duration, OffsetDateTime};

use crate::credentials::cache::{self, Cache, Entry, Level, Provenance};
use crate::credentials::identity::{self, AccountName, Identity, Principal, Unverified};
use crate::credentials::source::{self, Base, Chain};
use crate::credentials::{Credentials, Secret, http};
use crate::decide::policy::Target;
use crate::resolve::account::AccountId;
use crate::resolve::profile::{Paths, ProfileSet, Value};
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

impl Verified {
    /// What the policy decides for: the verified account, its name and the profile.
    pub fn target(&self) -> Target<'_> {
        Target {
            account: &self.identity.account,
            known_name: self.account_name.as_deref(),
            profile: &self.profile,
        }
    }
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

/// Where the command's region came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionFrom {
    Flag,
    /// `AWS_REGION` or `AWS_DEFAULT_REGION` in guard's environment.
    Variable(&'static str),
    Profile,
}

/// The command's region as every AWS tool picks it: `-r` (which clap has checked), else
/// `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the profile's. A region that cannot be one is
/// refused here, where guard can say where it came from. `inherited` reads a variable of guard's
/// environment.
fn region(
    flag: Option<&str>,
    profile: Option<&Value>,
    inherited: impl Fn(&str) -> Option<String>,
) -> Result<Option<(String, RegionFrom)>, Failure> {
    if let Some(flag) = flag {
        return Ok(Some((flag.to_string(), RegionFrom::Flag)));
    }
    for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        if let Some(region) = inherited(name).filter(|r| !r.is_empty()) {
            if !aws::is_region(&region) {
                return Err(Failure::config(format!(
                    "${name} '{region}' is not an AWS region (like eu-west-1)"
                )));
            }
            return Ok(Some((region, RegionFrom::Variable(name))));
        }
    }
    if let Some(value) = profile {
        if !aws::is_region(&value.value) {
            return Err(Failure::config(format!(
                "{}: region '{}' is not an AWS region (like eu-west-1)",
                value.at, value.value
            )));
        }
        return Ok(Some((value.value.clone(), RegionFrom::Profile)));
    }
    Ok(None)
}

pub fn verify(
    profile_flag: Option<&str>,
    region_flag: Option<&str>,
    cache_use: CacheUse,
) -> anyhow::Result<Verified> {
    plan(profile_flag, region_flag)?.verify(cache_use)
}

/// What `Planned::located` knows of the account without a request.
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

/// A profile resolved as far as it goes without reading or fetching credentials: enough to name
/// what is cached for it.
pub struct Planned {
    chain: Chain,
    region: Option<(String, RegionFrom)>,
    chosen_by: select::ChosenBy,
}

pub fn plan(profile_flag: Option<&str>, region_flag: Option<&str>) -> anyhow::Result<Planned> {
    let paths = Paths::from_env()?;
    let set = ProfileSet::load(&paths)?;
    let chosen = select::profile(profile_flag, &set, &paths)?;
    plan_in(&set, &chosen.name, region_flag, chosen.chosen_by)
}

/// `plan` for a profile of a config already read (`guard each` plans many from one reading).
pub fn plan_in(
    set: &ProfileSet,
    name: &str,
    region_flag: Option<&str>,
    chosen_by: select::ChosenBy,
) -> anyhow::Result<Planned> {
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
    Ok(Planned {
        chain,
        region,
        chosen_by,
    })
}

impl Planned {
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
            signed_in: signed_in(chain),
            now: OffsetDateTime::now_utc(),
            region: self.region.clone(),
            chosen_by: self.chosen_by,
        }
    }
}

/// An SSO sign-in that has been removed (`aws sso logout` deletes the token file) also retires
/// the credentials it gave: a stat, not a read, so the warm path stays cheap.
fn signed_in(chain: &Chain) -> bool {
    match &chain.base {
        Base::Sso(target) => sso::token::cache_path(&target.login).is_ok_and(|p| p.exists()),
        // `aws logout` removes the session's file.
        Base::Login { session, .. } => source::login_cache_path(session).is_ok_and(|p| p.exists()),
        _ => true,
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
    use crate::resolve::profile::Location;
    use crate::sys::exit_codes::ExitCode;

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

    fn value(text: &str) -> Value {
        Value {
            value: text.to_string(),
            at: Location {
                file: std::sync::Arc::new("/home/me/.aws/config".into()),
                line: 7,
            },
            sdk: crate::resolve::profile::ini::SdkReading::Same,
        }
    }

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn region_from_flag_then_environment_then_profile() {
        let both = env(&[
            ("AWS_REGION", "us-west-2"),
            ("AWS_DEFAULT_REGION", "ap-south-1"),
        ]);
        let profile = value("eu-west-1");
        let got = |flag, profile, vars: &dyn Fn(&str) -> Option<String>| {
            region(flag, profile, vars).unwrap()
        };
        assert_eq!(
            got(Some("eu-north-1"), Some(&profile), &both),
            Some(("eu-north-1".to_string(), RegionFrom::Flag))
        );
        // Every AWS tool lets the variable beat the profile's region.
        assert_eq!(
            got(None, Some(&profile), &both),
            Some(("us-west-2".to_string(), RegionFrom::Variable("AWS_REGION")))
        );
        let default_only = env(&[("AWS_REGION", ""), ("AWS_DEFAULT_REGION", "ap-south-1")]);
        assert_eq!(
            got(None, Some(&profile), &default_only),
            Some((
                "ap-south-1".to_string(),
                RegionFrom::Variable("AWS_DEFAULT_REGION")
            ))
        );
        assert_eq!(
            got(None, Some(&profile), &env(&[])),
            Some(("eu-west-1".to_string(), RegionFrom::Profile))
        );
        assert_eq!(got(None, None, &env(&[])), None);
    }

    #[test]
    fn a_region_that_cannot_be_one_says_where_it_came_from() {
        let err = region(None, Some(&value("eu west 1")), env(&[])).unwrap_err();
        assert_eq!(err.kind, ExitCode::Config);
        assert!(err.message.contains("config:7"), "{}", err.message);
        let err = region(None, None, env(&[("AWS_REGION", "EU_WEST")])).unwrap_err();
        assert!(err.message.contains("$AWS_REGION"), "{}", err.message);
    }
}
