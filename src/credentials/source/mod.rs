//! Where a profile's credentials come from, worked out from the config alone (no network), in
//! the order botocore uses. Running the chain is `fetch`'s job.

mod assume;
mod fetch;
mod login;
pub(crate) mod process;
mod steps;

use std::path::PathBuf;

use time::OffsetDateTime;

pub use fetch::{assume_hop, base_credentials};
pub use login::cache_path as login_cache_path;
pub use steps::Step;

use crate::credentials::aws::{self, Service};
use crate::credentials::http;
use crate::credentials::sso::{SsoLogin, SsoTarget};
use crate::credentials::{Credentials, Secret};
use crate::resolve::account::{AccountId, RoleArn};
use crate::resolve::profile::{Location, Profile, ProfileSet};
use crate::sys::error::Failure;
use crate::sys::exit_codes::ExitCode;

/// The credentials at the bottom of a chain, before any role is assumed.
#[derive(Debug)]
pub enum Base {
    Static {
        profile: String,
        creds: Credentials,
    },
    Sso(SsoTarget),
    /// `login_session`: a console sign-in that `aws login` (AWS CLI 2.32+) cached.
    Login {
        profile: String,
        session: String,
        at: Location,
    },
    Process {
        profile: String,
        command: String,
        at: Location,
    },
    WebIdentity {
        profile: String,
        token_file: PathBuf,
        role: RoleArn,
        session_name: Option<String>,
    },
    /// `credential_source`: credentials from guard's own environment or the machine it runs on.
    Environment,
    Ec2InstanceMetadata,
    EcsContainer,
}

/// Where one level's credentials come from, for errors about them.
#[derive(Debug, Clone)]
pub struct Source {
    pub what: String,
    /// Bad credentials from a server are its failure (69); from a local source, the
    /// configuration's (78).
    pub kind: ExitCode,
}

impl Source {
    /// Credentials that have already expired are refused: a child would only fail with them,
    /// later and less clearly, and a cache would keep them.
    pub fn refuse_expired(&self, creds: &Credentials, now: OffsetDateTime) -> Result<(), Failure> {
        match creds.expiration {
            Some(expiration) if expiration <= now => Err(Failure::new(
                self.kind,
                format!(
                    "{} gave credentials that expired at {}; nothing was run",
                    self.what,
                    crate::credentials::sso::cache_file::format_time(expiration)
                ),
            )
            .with_hint(
                "check this machine's clock; if it is right, the source is at fault: \
                 try again later or ask whoever runs it",
            )),
            _ => Ok(()),
        }
    }
}

/// One AssumeRole call in a chain.
#[derive(Debug)]
pub struct Hop {
    pub profile: String,
    pub role: RoleArn,
    pub at: Location,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
    pub duration_seconds: Option<i32>,
    pub mfa_serial: Option<String>,
}

/// The chain for the selected profile: a base, then roles assumed in order.
#[derive(Debug)]
pub struct Chain {
    pub profile: String,
    /// The profile the base comes from: the end of the source_profile links.
    pub base_profile: String,
    pub base: Base,
    pub hops: Vec<Hop>,
    /// The region STS calls are made in (the selected profile's).
    pub region: String,
    /// How every call of the chain reaches AWS: the selected profile's settings, as botocore
    /// makes every client of a run with them.
    pub net: http::Settings,
}

impl Chain {
    /// Fails when this chain's credential_process is already running further up, i.e. it would
    /// call itself (`credential_process = guard credential-process -p` the same profile).
    pub fn refuse_process_loop(&self) -> Result<(), Failure> {
        match &self.base {
            Base::Process { profile, at, .. } => process::refuse_loop(profile, at),
            _ => Ok(()),
        }
    }

    /// Where the credentials of a level come from (0 is the base, `i` the role of `hops[i - 1]`),
    /// as an error names it, and the kind of failure bad credentials from there are.
    pub fn source_of(&self, level: usize) -> Source {
        let sts = || aws::endpoint(Service::Sts, &self.region).display;
        let server = |what: String| Source {
            what,
            kind: ExitCode::Unavailable,
        };
        if let Some(hop) = level.checked_sub(1).and_then(|i| self.hops.get(i)) {
            return server(format!(
                "AssumeRole of {} for profile '{}' at {}",
                hop.role,
                hop.profile,
                sts()
            ));
        }
        match &self.base {
            Base::Static { profile, .. } => Source {
                what: format!("the keys of profile '{profile}'"),
                kind: ExitCode::Config,
            },
            Base::Sso(target) => server(format!(
                "IAM Identity Center's GetRoleCredentials at {}",
                aws::endpoint(Service::Sso, target.login.region()).display
            )),
            Base::Process { profile, at, .. } => Source {
                what: format!("the credential_process of profile '{profile}' ({at})"),
                kind: ExitCode::Config,
            },
            Base::Login { profile, .. } => Source {
                what: format!("the `aws login` session of profile '{profile}'"),
                kind: ExitCode::Config,
            },
            Base::WebIdentity { profile, role, .. } => server(format!(
                "AssumeRoleWithWebIdentity of {role} for profile '{profile}' at {}",
                sts()
            )),
            Base::Environment => Source {
                what: "the AWS_* variables of guard's environment".to_string(),
                kind: ExitCode::Config,
            },
            Base::Ec2InstanceMetadata => server("EC2 instance metadata".to_string()),
            Base::EcsContainer => server("the ECS container endpoint".to_string()),
        }
    }

    /// The account the profile promises, when it promises one.
    pub fn expected_account(&self) -> Option<&AccountId> {
        match (self.hops.last(), &self.base) {
            (Some(hop), _) => Some(&hop.role.account),
            (None, Base::Sso(target)) => Some(&target.account_id),
            (None, Base::WebIdentity { role, .. }) => Some(&role.account),
            _ => None,
        }
    }
}

/// The chain of a profile's credentials, refused where the AWS CLI and the SDKs would read the
/// profile, or one it takes credentials from, otherwise (they would then use other credentials,
/// or act elsewhere: docs/config.md).
pub fn chain_agreed(set: &ProfileSet, name: &str, region: &str) -> anyhow::Result<Chain> {
    set.refuse_disagreement([name])?;
    let chain = chain(set, name, region)?;
    set.refuse_disagreement(chain.level_profiles())?;
    Ok(chain)
}

pub fn chain(set: &ProfileSet, name: &str, region: &str) -> anyhow::Result<Chain> {
    let mut hops: Vec<Hop> = Vec::new();
    let mut visited: Vec<String> = Vec::new();
    let mut current = set.get(name)?;
    // A profile `guard protect` rewrote gets its credentials from guard itself: guard uses the
    // settings it kept for it, rather than run itself to ask.
    if let Some(source) = guarded_source(current) {
        current = set.get(source)?;
    }
    let base = loop {
        let is_source = !visited.is_empty();
        if is_source && has_static_keys(current) {
            // A source profile with keys uses them; its own role_arn is ignored, as in botocore
            // and the SDKs (unless it holds another source too: then they differ).
            refuse_competing_sources(current)?;
            break static_base(current)?;
        }
        let Some(role_arn) = current.get("role_arn") else {
            break non_role_base(set, current)?;
        };
        let role: RoleArn = role_arn
            .value
            .parse()
            .map_err(|e: String| config_error(&role_arn.at, &e))?;
        let source_profile = current.get("source_profile");
        let credential_source = current.get("credential_source");
        if let Some(file) = current.get("web_identity_token_file") {
            // A role with a token file is AssumeRoleWithWebIdentity to botocore and the SDKs,
            // whatever source_profile says (botocore's AssumeRoleProvider leaves such profiles to
            // the web identity provider; aws-config does not chain them).
            if let Some(source) = credential_source {
                return Err(config_error(
                    &source.at,
                    &format!(
                        "profile '{}' has both web_identity_token_file ({}) and credential_source: \
             the AWS CLI calls AssumeRoleWithWebIdentity, the SDKs use the credential \
             source; they would use other credentials",
                        current.name, file.at
                    ),
                )
                .with_hint("keep one of the two")
                .into());
            }
            refuse_competing_sources(current)?;
            break web_identity_base(current, role)?;
        }
        hops.push(hop(current, role)?);
        visited.push(current.name.clone());
        match (source_profile, credential_source) {
            (Some(source), None) => {
                let source_name = source.value.as_str();
                if source_name == current.name && has_static_keys(current) {
                    break static_base(current)?;
                }
                if visited.iter().any(|v| v == source_name) {
                    let mut chain = visited.clone();
                    chain.push(source_name.to_string());
                    return Err(config_error(
                        &source.at,
                        &format!("source_profile makes a loop: {}", chain.join(" -> ")),
                    )
                    .into());
                }
                current = set.find(source_name).ok_or_else(|| {
                    config_error(
                        &source.at,
                        &format!("source_profile names '{source_name}', which is not a profile"),
                    )
                })?;
            }
            (None, Some(source)) => break credential_source_base(&source.value, &source.at)?,
            (Some(_), Some(_)) => {
                return Err(config_error(
                    &role_arn.at,
                    &format!(
                        "profile '{}' sets both source_profile and credential_source; keep one",
                        current.name
                    ),
                )
                .into());
            }
            (None, None) => {
                return Err(config_error(
                    &role_arn.at,
                    &format!(
                        "profile '{}' has role_arn but neither source_profile nor credential_source",
                        current.name
                    ),
                )
                .into());
            }
        }
    };
    // Roles were met from the selected profile down to the base; they are assumed the other way.
    hops.reverse();
    Ok(Chain {
        profile: name.to_string(),
        base_profile: current.name.clone(),
        base,
        hops,
        region: region.to_string(),
        net: http::Settings::of(set.get(name)?),
    })
}

fn config_error(at: &Location, what: &str) -> Failure {
    Failure::config(format!("{at}: {what}"))
}

fn has_static_keys(profile: &Profile) -> bool {
    profile.get("aws_access_key_id").is_some()
}

fn static_base(profile: &Profile) -> anyhow::Result<Base> {
    let key_id = profile
        .get("aws_access_key_id")
        .ok_or_else(|| config_error(&profile.at, "no aws_access_key_id"))?;
    let secret = profile.get("aws_secret_access_key").ok_or_else(|| {
        config_error(
            &key_id.at,
            &format!(
                "profile '{}' has aws_access_key_id but no aws_secret_access_key",
                profile.name
            ),
        )
    })?;
    Ok(Base::Static {
        profile: profile.name.clone(),
        creds: Credentials {
            access_key_id: key_id.value.clone(),
            secret_access_key: Secret::new(secret.value.clone()),
            session_token: profile
                .value("aws_session_token")
                .map(|t| Secret::new(t.to_string())),
            expiration: None,
        },
    })
}

/// The sources of credentials other than static keys that a profile may hold, as the keys that
/// set them.
const OTHER_SOURCES: &[&str] = &[
    "credential_process",
    "sso_session",
    "sso_start_url",
    "sso_account_id",
    "login_session",
    "web_identity_token_file",
];

/// Static keys beside another source of credentials: the tools disagree on which wins. botocore
/// runs SSO, web identity and a config file's credential_process before the config file's keys,
/// but takes the credentials file's keys before credential_process and login; aws-config takes
/// every other source before keys; the Go SDK (terraform) takes the keys before all of them. So
/// `aws` and terraform would act with different credentials, and guard refuses to pick.
fn refuse_competing_sources(profile: &Profile) -> Result<(), Failure> {
    let Some(keys) = profile.get("aws_access_key_id") else {
        return Ok(());
    };
    let Some((other, at)) = OTHER_SOURCES
        .iter()
        .find_map(|key| profile.get(key).map(|v| (*key, &v.at)))
    else {
        return Ok(());
    };
    let cli_uses_keys = profile.set_in_credentials_file("aws_access_key_id")
        && matches!(other, "credential_process" | "login_session");
    Err(config_error(
        &keys.at,
        &format!(
            "profile '{}' has static keys here and {other} at {at}: the AWS CLI uses {}, \
             terraform (the Go SDK) uses the keys, the other SDKs use {other}; they would act \
             with different credentials",
            profile.name,
            if cli_uses_keys { "the keys" } else { other },
        ),
    )
    .with_hint("remove the one you no longer use (old keys left behind, most often)"))
}

fn non_role_base(set: &ProfileSet, profile: &Profile) -> anyhow::Result<Base> {
    refuse_competing_sources(profile)?;
    if let Some(login) = SsoLogin::from_profile(set, profile)? {
        return Ok(Base::Sso(SsoTarget::from_profile(profile, login)?));
    }
    // After SSO and before the rest, as botocore and aws-config order them.
    if let Some(session) = profile.get("login_session") {
        return Ok(Base::Login {
            profile: profile.name.clone(),
            session: session.value.clone(),
            at: session.at.clone(),
        });
    }
    if has_static_keys(profile) {
        return static_base(profile);
    }
    if let Some(command) = profile.get("credential_process") {
        process::words(&profile.name, &command.value, &command.at)?;
        return Ok(Base::Process {
            profile: profile.name.clone(),
            command: command.value.clone(),
            at: command.at.clone(),
        });
    }
    if let Some(file) = profile.get("web_identity_token_file") {
        return Err(config_error(
            &file.at,
            &format!(
                "profile '{}' has web_identity_token_file but no role_arn",
                profile.name
            ),
        )
        .into());
    }
    Err(config_error(
        &profile.at,
        &format!(
            "profile '{}' has no credentials: it sets none of sso_session, sso_start_url, \
             login_session, aws_access_key_id, role_arn, credential_process",
            profile.name
        ),
    )
    .with_hint("`aws configure sso` or `aws configure --profile NAME` sets one up")
    .into())
}

fn web_identity_base(profile: &Profile, role: RoleArn) -> anyhow::Result<Base> {
    let file = profile
        .get("web_identity_token_file")
        .ok_or_else(|| config_error(&profile.at, "no web_identity_token_file"))?;
    Ok(Base::WebIdentity {
        profile: profile.name.clone(),
        token_file: PathBuf::from(&file.value),
        role,
        session_name: profile.value("role_session_name").map(str::to_string),
    })
}

fn credential_source_base(source: &str, at: &Location) -> anyhow::Result<Base> {
    match source {
        "Environment" => Ok(Base::Environment),
        "Ec2InstanceMetadata" => Ok(Base::Ec2InstanceMetadata),
        "EcsContainer" => Ok(Base::EcsContainer),
        other => Err(config_error(
            at,
            &format!(
                "credential_source '{other}' is not one of Environment, Ec2InstanceMetadata, EcsContainer"
            ),
        )
        .into()),
    }
}

fn hop(profile: &Profile, role: RoleArn) -> anyhow::Result<Hop> {
    let duration_seconds = profile
        .get("duration_seconds")
        .map(|d| {
            d.value.parse::<i32>().map_err(|_| {
                config_error(
                    &d.at,
                    &format!(
                        "duration_seconds '{}' is not a whole number of seconds",
                        d.value
                    ),
                )
            })
        })
        .transpose()?;
    let at = profile
        .get("role_arn")
        .map_or_else(|| profile.at.clone(), |v| v.at.clone());
    Ok(Hop {
        profile: profile.name.clone(),
        role,
        at,
        external_id: profile.value("external_id").map(str::to_string),
        session_name: profile.value("role_session_name").map(str::to_string),
        duration_seconds,
        mfa_serial: profile.value("mfa_serial").map(str::to_string),
    })
}

/// The profile a `guard protect`ed profile keeps its settings in: the `-p` of its
/// `credential_process = GUARD credential-process --caller -p SOURCE`, where GUARD is a path to
/// a program named guard.
pub fn guarded_source(profile: &Profile) -> Option<&str> {
    let command = profile.value("credential_process")?;
    let mut words = command.split_whitespace();
    let program = words.next()?;
    let named_guard = program.rsplit('/').next() == Some("guard");
    let rest: Vec<&str> = words.collect();
    match rest.as_slice() {
        ["credential-process", "--caller", "-p", source] if named_guard => Some(source),
        _ => None,
    }
}
