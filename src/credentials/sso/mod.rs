//! IAM Identity Center: which sign-in a profile uses, its token in the AWS CLI's cache, and the
//! portal calls made with that token.

pub mod cache_file;
pub mod login;
pub mod logout;
mod oidc;
mod pkce;
mod portal;
mod redirect;
pub(crate) mod registration;
pub mod token;

pub use portal::{Assignment, account_name, assignments, remember_account_names};

use crate::resolve::account::AccountId;
use crate::resolve::profile::{Location, Profile, ProfileSet, SsoSession, Value};
use crate::sys::error::Failure;
use crate::sys::exit_codes::ExitCode;

/// A failure of a call that needs the sign-in, by whether signing in (again) fixes it.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    /// The sign-in is missing, has expired or was revoked.
    #[error(transparent)]
    NotSignedIn(anyhow::Error),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl SsoError {
    /// The error as guard reports it. `?` would wrap this type around the failure and hide its
    /// kind and hint from `error::report`, so callers that do not match on it convert with this.
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            SsoError::NotSignedIn(e) | SsoError::Failed(e) => e,
        }
    }
}

impl From<Failure> for SsoError {
    fn from(failure: Failure) -> Self {
        SsoError::Failed(failure.into())
    }
}

/// One IAM Identity Center sign-in: an `[sso-session]`, or a legacy profile's start URL.
#[derive(Debug, Clone)]
pub enum SsoLogin {
    Session {
        name: String,
        start_url: String,
        region: String,
        /// `sso_registration_scopes`, or None when the section has none.
        scopes: Option<Vec<String>>,
    },
    Legacy {
        profile: String,
        start_url: String,
        region: String,
    },
}

impl SsoLogin {
    /// The sign-in of an `[sso-session NAME]` section.
    pub fn from_session(session: &SsoSession) -> Result<Self, Failure> {
        let name = &session.name;
        let required = |key: &str| {
            session
                .value(key)
                .map(str::to_string)
                .ok_or_else(|| missing(&session.at, &format!("[sso-session {name}]"), key))
        };
        // Split as the AWS CLI splits it, so that both tools name the client registration alike.
        let scopes = session.value("sso_registration_scopes").map(|raw| {
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        });
        let region = session
            .get("sso_region")
            .ok_or_else(|| missing(&session.at, &format!("[sso-session {name}]"), "sso_region"))
            .and_then(region)?;
        Ok(SsoLogin::Session {
            name: name.clone(),
            start_url: required("sso_start_url")?,
            region,
            scopes,
        })
    }

    /// The sign-in a profile uses, if it is an SSO profile at all.
    pub fn from_profile(set: &ProfileSet, profile: &Profile) -> Result<Option<Self>, Failure> {
        if let Some(session_ref) = profile.get("sso_session") {
            let name = session_ref.value.clone();
            let session = set.sso_session(&name).ok_or_else(|| {
                Failure::config(format!(
                    "{}: sso_session names '{name}', but there is no [sso-session {name}] section",
                    session_ref.at
                ))
                .with_hint("add that section; `guard profiles` lists what is configured")
            })?;
            let login = Self::from_session(session)?;
            for key in ["sso_start_url", "sso_region"] {
                if let Some(own) = profile.get(key)
                    && Some(own.value.as_str()) != session.value(key)
                {
                    return Err(Failure::config(format!(
                        "{}: {key} in profile '{}' differs from the one in [sso-session {name}] at {}",
                        own.at, profile.name, session.at
                    ))
                    .with_hint(format!("remove {key} from the profile")));
                }
            }
            return Ok(Some(login));
        }
        let Some(start_url) = profile.get("sso_start_url") else {
            return Ok(None);
        };
        let region = profile
            .get("sso_region")
            .ok_or_else(|| {
                missing(
                    &start_url.at,
                    &format!("profile '{}'", profile.name),
                    "sso_region",
                )
            })
            .and_then(region)?;
        Ok(Some(SsoLogin::Legacy {
            profile: profile.name.clone(),
            start_url: start_url.value.clone(),
            region,
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
    pub fn cache_key(&self) -> &str {
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
            SsoLogin::Session { name, .. } => format!("guard login --sso-session {name}"),
            SsoLogin::Legacy { profile, .. } => format!("guard login -p {profile}"),
        }
    }

    fn not_signed_in(&self, what: String) -> Failure {
        Failure::new(ExitCode::Config, what)
            .with_hint(format!("sign in with: {}", self.login_command()))
    }

    fn sign_in_hint(&self, failure: Failure) -> Failure {
        failure.with_hint(format!("sign in again with: {}", self.login_command()))
    }
}

/// `sso_region` becomes part of host names, so a typo must fail here, with its line.
fn region(value: &Value) -> Result<String, Failure> {
    if crate::resolve::region::is_region(&value.value) {
        Ok(value.value.clone())
    } else {
        Err(Failure::config(format!(
            "{}: sso_region '{}' is not an AWS region (like us-east-1)",
            value.at, value.value
        )))
    }
}

fn missing(at: &Location, section: &str, key: &str) -> Failure {
    Failure::config(format!("{at}: {section} has no {key}")).with_hint(
        "an [sso-session NAME] needs sso_start_url and sso_region; its profiles need \
         sso_session, sso_account_id and sso_role_name",
    )
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
