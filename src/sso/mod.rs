//! IAM Identity Center: which sign-in a profile uses, its token in the AWS CLI's cache, and the
//! portal calls made with that token.

mod portal;
mod token;

pub use portal::{account_name, role_credentials};
pub use token::access_token;

use crate::account::AccountId;
use crate::error::Failure;
use crate::profile::{Location, Profile, ProfileSet};

/// One IAM Identity Center sign-in: an `[sso-session]`, or a legacy profile's start URL.
#[derive(Debug, Clone)]
pub enum SsoLogin {
    Session {
        name: String,
        start_url: String,
        region: String,
    },
    Legacy {
        profile: String,
        start_url: String,
        region: String,
    },
}

impl SsoLogin {
    /// The sign-in a profile uses, if it is an SSO profile at all.
    pub fn from_profile(set: &ProfileSet, profile: &Profile) -> Result<Option<Self>, Failure> {
        if let Some(session_ref) = profile.get("sso_session") {
            let name = session_ref.value.clone();
            let session = set.sso_session(&name).ok_or_else(|| {
                Failure::config(format!(
                    "{}: sso_session names '{name}', but there is no [sso-session {name}] section",
                    session_ref.at
                ))
                .with_hint("`aws configure sso-session` creates one")
            })?;
            let required = |key: &str| {
                session
                    .get(key)
                    .map(|v| v.value.clone())
                    .ok_or_else(|| missing(&session.at, &format!("[sso-session {name}]"), key))
            };
            let start_url = required("sso_start_url")?;
            let region = required("sso_region")?;
            for key in ["sso_start_url", "sso_region"] {
                if let Some(own) = profile.get(key) {
                    let theirs = session.get(key).map(|v| v.value.as_str());
                    if Some(own.value.as_str()) != theirs {
                        return Err(Failure::config(format!(
                            "{}: {key} in profile '{}' differs from the one in [sso-session {name}] at {}",
                            own.at, profile.name, session.at
                        ))
                        .with_hint(format!("remove {key} from the profile")));
                    }
                }
            }
            return Ok(Some(SsoLogin::Session {
                name,
                start_url,
                region,
            }));
        }
        let Some(start_url) = profile.get("sso_start_url") else {
            return Ok(None);
        };
        let region = profile.get("sso_region").ok_or_else(|| {
            missing(
                &start_url.at,
                &format!("profile '{}'", profile.name),
                "sso_region",
            )
        })?;
        Ok(Some(SsoLogin::Legacy {
            profile: profile.name.clone(),
            start_url: start_url.value.clone(),
            region: region.value.clone(),
        }))
    }

    pub fn region(&self) -> &str {
        match self {
            SsoLogin::Session { region, .. } | SsoLogin::Legacy { region, .. } => region,
        }
    }

    pub fn start_url(&self) -> &str {
        match self {
            SsoLogin::Session { start_url, .. } | SsoLogin::Legacy { start_url, .. } => start_url,
        }
    }

    /// What the token cache file is named after.
    fn cache_key(&self) -> &str {
        match self {
            SsoLogin::Session { name, .. } => name,
            SsoLogin::Legacy { start_url, .. } => start_url,
        }
    }

    /// How the user refers to this sign-in.
    pub fn describe(&self) -> String {
        match self {
            SsoLogin::Session { name, .. } => format!("sso-session '{name}'"),
            SsoLogin::Legacy {
                profile, start_url, ..
            } => format!("IAM Identity Center ({start_url}, legacy profile '{profile}')"),
        }
    }

    /// The exact command that signs in again.
    pub fn login_command(&self) -> String {
        match self {
            SsoLogin::Session { name, .. } => format!("aws sso login --sso-session {name}"),
            SsoLogin::Legacy { profile, .. } => format!("aws sso login --profile {profile}"),
        }
    }

    fn not_signed_in(&self, what: String) -> Failure {
        Failure::config(what).with_hint(format!("sign in with: {}", self.login_command()))
    }
}

fn missing(at: &Location, section: &str, key: &str) -> Failure {
    Failure::config(format!("{at}: {section} has no {key}"))
        .with_hint("`aws configure sso` writes a complete configuration")
}

/// An SSO profile's account and role.
#[derive(Debug, Clone)]
pub struct SsoTarget {
    pub login: SsoLogin,
    pub account_id: AccountId,
    pub role_name: String,
}

impl SsoTarget {
    pub fn from_profile(profile: &Profile, login: SsoLogin) -> Result<Self, Failure> {
        let section = format!("profile '{}'", profile.name);
        let account = profile
            .get("sso_account_id")
            .ok_or_else(|| missing(&profile.at, &section, "sso_account_id"))?;
        let account_id = account
            .value
            .parse()
            .map_err(|e| Failure::config(format!("{}: sso_account_id: {e}", account.at)))?;
        let role_name = profile
            .value("sso_role_name")
            .ok_or_else(|| missing(&profile.at, &section, "sso_role_name"))?
            .to_string();
        Ok(SsoTarget {
            login,
            account_id,
            role_name,
        })
    }
}
