//! Which profiles `guard each` runs in: the selection the command line gives, matched against the
//! config as it is, without any network call.

use crate::credentials::populate::ACCOUNT_NAME_KEY;
use crate::decide::policy::{AccountView, Policy, Target};
use crate::resolve::account::AccountId;
use crate::resolve::profile::{Profile, ProfileSet};
use crate::sys::error::Failure;

/// What the command line asks for. Each given criterion narrows the set; `-p` may be given more
/// than once, and a profile is in when any of its patterns matches.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    pub profiles: Vec<String>,
    pub account: Option<String>,
    pub environment: Option<String>,
    pub sso_session: Option<String>,
    pub role: Option<String>,
}

/// The ways to select, as the usage error lists them.
pub const WAYS: &str = "  -p, --profile GLOB     profiles whose names match (repeatable)
  --account GLOB         accounts whose ID or name matches
  --environment NAME     accounts the policy labels with this environment
  --sso-session NAME     every profile of this sso-session
  --role NAME            profiles of this role (permission set), across accounts";

/// A profile as far as it is known before any credentials: the account it promises, that
/// account's name, and what the policy says about it.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub profile: &'a Profile,
    pub account: Option<AccountId>,
    pub view: AccountView,
}

impl Candidate<'_> {
    pub fn name(&self) -> &str {
        &self.profile.name
    }
}

/// A glob from the command line; one that cannot be a pattern is a usage error.
fn pattern(flag: &str, text: &str) -> Result<glob::Pattern, Failure> {
    glob::Pattern::new(text)
        .map_err(|e| Failure::usage(format!("{flag} '{text}' is not a glob pattern: {}", e.msg)))
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty()
            && self.account.is_none()
            && self.environment.is_none()
            && self.sso_session.is_none()
            && self.role.is_none()
    }

    /// The selected profiles in the order `guard profiles` lists them (by name): the order the
    /// summary, `--list` and the exit status follow. `known_name` gives the name guard
    /// remembers for an account (no network).
    pub fn pick<'a>(
        &self,
        set: &'a ProfileSet,
        policy: &Policy,
        account_of: impl Fn(&Profile) -> Option<AccountId>,
        known_name: impl Fn(&AccountId) -> Option<String>,
    ) -> Result<Vec<Candidate<'a>>, Failure> {
        if self.is_empty() {
            return Err(Failure::usage(format!(
                "guard each needs a selection of profiles to run in:\n{WAYS}"
            ))
            .with_hint("add --list to see what a selection picks, without running anything"));
        }
        let profiles = self
            .profiles
            .iter()
            .map(|p| pattern("-p", p))
            .collect::<Result<Vec<_>, _>>()?;
        let account = self
            .account
            .as_deref()
            .map(|a| pattern("--account", a))
            .transpose()?;
        let mut picked = Vec::new();
        for profile in set.profiles() {
            if !profiles.is_empty() && !profiles.iter().any(|p| p.matches(&profile.name)) {
                continue;
            }
            if let Some(session) = &self.sso_session
                && profile.value("sso_session") != Some(session.as_str())
            {
                continue;
            }
            if let Some(role) = &self.role
                && profile.value("sso_role_name") != Some(role.as_str())
            {
                continue;
            }
            let id = account_of(profile);
            let known = profile
                .value(ACCOUNT_NAME_KEY)
                .map(str::to_string)
                .or_else(|| id.as_ref().and_then(&known_name));
            let view = match &id {
                Some(id) => policy.account(&Target {
                    account: id,
                    known_name: known.as_deref(),
                    profile: &profile.name,
                }),
                None => AccountView {
                    name: known,
                    ..AccountView::default()
                },
            };
            if let Some(account) = &account {
                let by_id = id.as_ref().is_some_and(|id| account.matches(id.as_str()));
                let by_name = view.name.as_deref().is_some_and(|n| account.matches(n));
                if !by_id && !by_name {
                    continue;
                }
            }
            if let Some(environment) = &self.environment
                && view.environment.as_deref() != Some(environment.as_str())
            {
                continue;
            }
            picked.push(Candidate {
                profile,
                account: id,
                view,
            });
        }
        if picked.is_empty() {
            return Err(
                Failure::usage("no profile matches the selection").with_hint(
                    "`guard profiles` lists the profiles, `guard policy check` the environments",
                ),
            );
        }
        Ok(picked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::profile::ini;

    fn set(text: &str) -> ProfileSet {
        let file = ini::parse(std::path::Path::new("/config"), text).unwrap();
        ProfileSet::from_files(file, ini::File::default())
    }

    const CONFIG: &str = "
[profile dev-a]
sso_session = org
sso_account_id = 111111111111
sso_role_name = Admin
guard_account_name = dev-a

[profile dev-b]
sso_session = org
sso_account_id = 222222222222
sso_role_name = ReadOnly

[profile prod]
sso_session = other
sso_account_id = 333333333333
sso_role_name = Admin
";

    fn names(selection: &Selection, known: &[(&str, &str)]) -> Result<Vec<String>, Failure> {
        let set = set(CONFIG);
        let policy = Policy::default();
        let known: Vec<(AccountId, String)> = known
            .iter()
            .map(|(id, n)| (id.parse().unwrap(), n.to_string()))
            .collect();
        selection
            .pick(
                &set,
                &policy,
                |p| p.value("sso_account_id").and_then(|a| a.parse().ok()),
                |id| known.iter().find(|(k, _)| k == id).map(|(_, n)| n.clone()),
            )
            .map(|c| c.iter().map(|c| c.name().to_string()).collect())
    }

    #[test]
    fn nothing_selected_lists_the_ways() {
        let err = names(&Selection::default(), &[]).unwrap_err();
        assert_eq!(err.kind, crate::sys::exit_codes::ExitCode::Usage);
        for way in [
            "--profile",
            "--account",
            "--environment",
            "--sso-session",
            "--role",
        ] {
            assert!(err.message.contains(way), "{}", err.message);
        }
    }

    #[test]
    fn criteria_narrow_and_profile_patterns_add_up() {
        let by = |f: fn(&mut Selection)| {
            let mut s = Selection::default();
            f(&mut s);
            names(&s, &[("333333333333", "prod-main")])
        };
        assert_eq!(
            by(|s| s.profiles = vec!["dev-*".into()]).unwrap(),
            ["dev-a", "dev-b"]
        );
        assert_eq!(
            by(|s| s.profiles = vec!["prod".into(), "dev-a".into()]).unwrap(),
            ["dev-a", "prod"]
        );
        assert_eq!(
            by(|s| s.sso_session = Some("org".into())).unwrap(),
            ["dev-a", "dev-b"]
        );
        assert_eq!(
            by(|s| s.role = Some("Admin".into())).unwrap(),
            ["dev-a", "prod"]
        );
        assert_eq!(
            by(|s| {
                s.sso_session = Some("org".into());
                s.role = Some("Admin".into());
            })
            .unwrap(),
            ["dev-a"]
        );
        // By ID, by the name populate wrote, by the name guard remembers.
        assert_eq!(by(|s| s.account = Some("2222*".into())).unwrap(), ["dev-b"]);
        assert_eq!(by(|s| s.account = Some("dev-?".into())).unwrap(), ["dev-a"]);
        assert_eq!(by(|s| s.account = Some("prod-*".into())).unwrap(), ["prod"]);
        assert_eq!(
            by(|s| s.environment = Some("production".into()))
                .unwrap_err()
                .kind,
            crate::sys::exit_codes::ExitCode::Usage
        );
        assert_eq!(
            by(|s| s.profiles = vec!["[".into()]).unwrap_err().kind,
            crate::sys::exit_codes::ExitCode::Usage
        );
    }
}
