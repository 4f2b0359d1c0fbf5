//! What decides the credentials of each level of a chain, as the cache names its entries.
//!
//! The JSON of a level's steps is what `cache::key` hashes into a file name: a change to it (a
//! field, a name, an order) turns every user's cached credentials cold once. The keys of a chain
//! of every base are pinned in `cache::key`'s tests.

use std::path::Path;

use serde::Serialize;

use super::{Base, Chain, Hop};
use crate::credentials::aws::{self, Service};
use crate::credentials::sso::SsoLogin;

/// One step of a chain, with everything that decides the credentials it yields. A custom endpoint
/// is part of it (credentials minted by a test server are not AWS's); the STS region is not, since
/// credentials from any regional endpoint work in every region.
#[derive(Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step<'a> {
    Sso {
        /// The sso-session, or None for a legacy profile.
        sso_session: Option<&'a str>,
        start_url: &'a str,
        sso_region: &'a str,
        account_id: &'a str,
        role_name: &'a str,
        endpoint: Option<String>,
    },
    StaticKeys {
        profile: &'a str,
        access_key_id: &'a str,
    },
    Process {
        profile: &'a str,
        command: &'a str,
    },
    Login {
        profile: &'a str,
        session: &'a str,
        endpoint: Option<String>,
    },
    WebIdentity {
        profile: &'a str,
        token_file: &'a Path,
        role_arn: &'a str,
        session_name: Option<&'a str>,
        endpoint: Option<String>,
    },
    Environment {
        access_key_id: Option<String>,
    },
    Ec2InstanceMetadata,
    EcsContainer,
    AssumeRole {
        profile: &'a str,
        role_arn: &'a str,
        external_id: Option<&'a str>,
        session_name: Option<&'a str>,
        duration_seconds: Option<i32>,
        mfa_serial: Option<&'a str>,
        endpoint: Option<String>,
    },
}

impl Step<'_> {
    /// Whether caching the credentials of this step gains anything: not for keys already on
    /// disk or in the environment, nor for the machine's own credentials.
    pub fn cacheable(&self) -> bool {
        !matches!(
            self,
            Step::StaticKeys { .. }
                | Step::Environment { .. }
                | Step::Ec2InstanceMetadata
                | Step::EcsContainer
        )
    }
}

impl Chain {
    /// The step of each level, base first.
    pub fn steps(&self) -> Vec<Step<'_>> {
        let custom = |service| {
            aws::endpoint(service, &self.region)
                .custom_url()
                .map(str::to_string)
        };
        let mut steps = Vec::with_capacity(self.hops.len() + 1);
        steps.push(base_step(&self.base, custom));
        for hop in &self.hops {
            steps.push(assume_role(hop, custom(Service::Sts)));
        }
        steps
    }

    /// The profile each level's settings come from, base first (a profile can come again).
    pub fn level_profiles(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.base_profile.as_str())
            .chain(self.hops.iter().map(|h| h.profile.as_str()))
    }
}

fn base_step(base: &Base, custom: impl Fn(Service) -> Option<String>) -> Step<'_> {
    match base {
        Base::Sso(target) => {
            let sso_session = match &target.login {
                SsoLogin::Session { name, .. } => Some(name.as_str()),
                SsoLogin::Legacy { .. } => None,
            };
            Step::Sso {
                sso_session,
                start_url: target.login.start_url(),
                sso_region: target.login.region(),
                account_id: target.account_id.as_str(),
                role_name: &target.role_name,
                endpoint: aws::endpoint(Service::Sso, target.login.region())
                    .custom_url()
                    .map(str::to_string),
            }
        }
        Base::Static { profile, creds } => Step::StaticKeys {
            profile,
            access_key_id: &creds.access_key_id,
        },
        Base::Process {
            profile, command, ..
        } => Step::Process { profile, command },
        Base::Login {
            profile, session, ..
        } => Step::Login {
            profile,
            session,
            endpoint: custom(Service::SignIn),
        },
        Base::WebIdentity {
            profile,
            token_file,
            role,
            session_name,
        } => Step::WebIdentity {
            profile,
            token_file,
            role_arn: &role.arn,
            session_name: session_name.as_deref(),
            endpoint: custom(Service::Sts),
        },
        Base::Environment => Step::Environment {
            access_key_id: std::env::var("AWS_ACCESS_KEY_ID").ok(),
        },
        Base::Ec2InstanceMetadata => Step::Ec2InstanceMetadata,
        Base::EcsContainer => Step::EcsContainer,
    }
}

fn assume_role(hop: &Hop, endpoint: Option<String>) -> Step<'_> {
    Step::AssumeRole {
        profile: &hop.profile,
        role_arn: &hop.role.arn,
        external_id: hop.external_id.as_deref(),
        session_name: hop.session_name.as_deref(),
        duration_seconds: hop.duration_seconds,
        mfa_serial: hop.mfa_serial.as_deref(),
        endpoint,
    }
}
