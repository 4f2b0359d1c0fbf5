//! Runs every case of `config_cases.toml`: config and credentials files, an environment and a
//! profile, and what the AWS tools read from them (the readings are facts about the AWS CLI and
//! the SDKs; docs/config.md says where they differ and what guard does). Reports every failing
//! case at once.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::credentials::aws::{ProfileEndpoints, Service, resolve_endpoint};
use crate::credentials::source::{self, Base};
use crate::resolve::profile::{CHOOSING_KEYS, ProfileSet, ini};
use crate::resolve::region::{RegionFrom, region};
use crate::sys::error::Failure;
use crate::sys::exit_codes::ExitCode;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    config: String,
    #[serde(default)]
    credentials: String,
    #[serde(default)]
    env: BTreeMap<String, String>,
    #[serde(default = "default_profile")]
    profile: String,
    region_flag: Option<String>,
    /// A part of the error (exit 78) the case must end with, instead of a reading.
    error: Option<String>,
    /// Profiles that must exist, and ones that must not.
    #[serde(default)]
    profiles: Vec<String>,
    #[serde(default)]
    not_profiles: Vec<String>,
    /// Keys of the profile as read.
    #[serde(default)]
    keys: BTreeMap<String, String>,
    /// static, process, sso, login, web_identity, environment, ec2, ecs.
    base: Option<String>,
    access_key_id: Option<String>,
    /// The words of a credential_process.
    argv: Option<Vec<String>>,
    /// The roles assumed after the base, in order.
    roles: Option<Vec<String>>,
    account: Option<String>,
    region: Option<String>,
    /// flag, profile, or the variable's name.
    region_from: Option<String>,
    /// Where guard's own calls go.
    sts_endpoint: Option<String>,
    sso_endpoint: Option<String>,
    iam_endpoint: Option<String>,
}

fn default_profile() -> String {
    "default".to_string()
}

impl Case {
    fn set(&self) -> Result<ProfileSet, Failure> {
        let config = ini::parse(Path::new("config"), &self.config)?;
        let credentials = ini::parse(Path::new("credentials"), &self.credentials)?;
        Ok(ProfileSet::from_files(config, credentials))
    }

    /// Where guard's idea of the SDKs' reading is not aws-config's own: the profile's choosing
    /// keys, and whether the files can be read at all.
    fn check_sdk_reading(&self, wrong: &mut Vec<String>) {
        let Ok(set) = self.set() else { return };
        let fs = aws_types::os_shim_internal::Fs::from_slice(&[
            ("/home/.aws/config", self.config.as_str()),
            ("/home/.aws/credentials", self.credentials.as_str()),
        ]);
        let env = aws_types::os_shim_internal::Env::from_slice(&[("HOME", "/home")]);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let sdk = runtime.block_on(aws_config::profile::load(
            &fs,
            &env,
            &Default::default(),
            None,
        ));
        let sdk = match sdk {
            Ok(sdk) => sdk,
            Err(_) => {
                if !set.sdk_unreadable() {
                    wrong.push(
                        "aws-config refuses the files; guard thinks the SDKs read them".into(),
                    );
                }
                return;
            }
        };
        if set.sdk_unreadable() {
            wrong.push("aws-config reads the files; guard thinks the SDKs refuse them".into());
            return;
        }
        let Some(profile) = set.find(&self.profile) else {
            return;
        };
        for key in CHOOSING_KEYS {
            let theirs = sdk
                .get_profile(&self.profile)
                .and_then(|p| p.get(key))
                .filter(|v| !v.is_empty())
                .map(str::to_string);
            let ours = profile.sdk_value(key);
            if theirs != ours {
                wrong.push(format!(
                    "the SDKs' {key}: aws-config reads {theirs:?}, guard thinks {ours:?}"
                ));
            }
        }
    }

    /// Everything that does not match, empty when the case holds.
    fn check(&self) -> Vec<String> {
        let mut wrong = Vec::new();
        self.check_sdk_reading(&mut wrong);
        let outcome = self.run(&mut wrong);
        match (outcome, &self.error) {
            (Ok(()), None) => {}
            (Ok(()), Some(error)) => wrong.push(format!("expected an error with '{error}'")),
            (Err(failure), Some(error)) => {
                if failure.kind != ExitCode::Config || !failure.message.contains(error.as_str()) {
                    wrong.push(format!(
                        "expected a configuration error with '{error}', got {:?}: {}",
                        failure.kind, failure.message
                    ));
                }
            }
            (Err(failure), None) => wrong.push(format!("failed: {}", failure.message)),
        }
        wrong
    }

    fn run(&self, wrong: &mut Vec<String>) -> Result<(), Failure> {
        let set = self.set()?;
        for name in &self.profiles {
            if set.find(name).is_none() {
                wrong.push(format!("no profile '{name}'"));
            }
        }
        for name in &self.not_profiles {
            if set.find(name).is_some() {
                wrong.push(format!("profile '{name}' should not be one"));
            }
        }
        let profile = set.get(&self.profile)?;
        set.refuse_disagreement([self.profile.as_str()])?;
        for (key, expected) in &self.keys {
            let got = profile.value(key).unwrap_or("");
            if got != expected {
                wrong.push(format!("{key}: expected {expected:?}, read {got:?}"));
            }
        }
        let env = |name: &str| self.env.get(name).cloned().filter(|v| !v.is_empty());
        let region = region(self.region_flag.as_deref(), profile.get("region"), env)?;
        if let Some(expected) = &self.region {
            let got = region.as_ref().map_or("", |(r, _)| r.as_str());
            if got != expected {
                wrong.push(format!("region: expected {expected}, got {got}"));
            }
        }
        if let Some(expected) = &self.region_from {
            let got = match region.as_ref().map(|(_, from)| *from) {
                Some(RegionFrom::Flag) => "flag",
                Some(RegionFrom::Profile) => "profile",
                Some(RegionFrom::Variable(name)) => name,
                None => "none",
            };
            if got != expected {
                wrong.push(format!("region from: expected {expected}, got {got}"));
            }
        }
        let sts_region = region.map_or_else(|| "us-east-1".to_string(), |(r, _)| r);
        let endpoints = ProfileEndpoints::of(&set, profile);
        for (service, expected) in [
            (Service::Sts, &self.sts_endpoint),
            (Service::Sso, &self.sso_endpoint),
            (Service::Iam, &self.iam_endpoint),
        ] {
            if let Some(expected) = expected {
                let got = resolve_endpoint(service, &sts_region, &env, &endpoints).display;
                if &got != expected {
                    wrong.push(format!(
                        "{service:?} endpoint: expected {expected}, got {got}"
                    ));
                }
            }
        }
        let plans = self.error.is_some()
            || self.base.is_some()
            || self.access_key_id.is_some()
            || self.argv.is_some()
            || self.roles.is_some()
            || self.account.is_some();
        if !plans {
            return Ok(());
        }
        let chain = crate::credentials::source::chain_agreed(&set, &self.profile, &sts_region)
            .map_err(|e| {
                e.downcast::<Failure>()
                    .unwrap_or_else(|e| Failure::new(ExitCode::Unavailable, e.to_string()))
            })?;
        let (base, key_id, argv) = match &chain.base {
            Base::Static { creds, .. } => ("static", Some(creds.access_key_id.clone()), None),
            Base::Process {
                profile,
                command,
                at,
            } => (
                "process",
                None,
                Some(source::process::words(profile, command, at)?),
            ),
            Base::Sso(_) => ("sso", None, None),
            Base::Login { .. } => ("login", None, None),
            Base::WebIdentity { .. } => ("web_identity", None, None),
            Base::Environment => ("environment", None, None),
            Base::Ec2InstanceMetadata => ("ec2", None, None),
            Base::EcsContainer => ("ecs", None, None),
        };
        if let Some(expected) = &self.base
            && expected != base
        {
            wrong.push(format!("base: expected {expected}, got {base}"));
        }
        if self.access_key_id.is_some() && self.access_key_id != key_id {
            wrong.push(format!(
                "access key: expected {:?}, got {key_id:?}",
                self.access_key_id
            ));
        }
        if self.argv.is_some() && self.argv != argv {
            wrong.push(format!(
                "credential_process: expected {:?}, got {argv:?}",
                self.argv
            ));
        }
        if let Some(expected) = &self.roles {
            let got: Vec<&str> = chain.hops.iter().map(|h| h.role.arn.as_str()).collect();
            if got != *expected {
                wrong.push(format!("roles: expected {expected:?}, got {got:?}"));
            }
        }
        if let Some(expected) = &self.account {
            let got = chain.expected_account().map(ToString::to_string);
            if got.as_deref() != Some(expected.as_str()) {
                wrong.push(format!("account: expected {expected}, got {got:?}"));
            }
        }
        Ok(())
    }
}

#[test]
fn every_case_reads_as_the_aws_tools_do() {
    let cases: Cases = toml::from_str(include_str!("config_cases.toml")).unwrap();
    let mut failures = Vec::new();
    for case in &cases.case {
        let wrong = case.check();
        if !wrong.is_empty() {
            failures.push(format!("{}:\n    {}", case.name, wrong.join("\n    ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.case.len(),
        failures.join("\n")
    );
}
