//! Which sign-ins `guard login` and `guard logout` mean: named, through a profile, all of them,
//! or, when nothing is said, the only one there is (or the one the person picks).

use crate::credentials::http;
use crate::credentials::source::{self, Base};
use crate::credentials::sso::SsoLogin;
use crate::resolve::profile::{Paths, ProfileSet};
use crate::sys::error::Failure;
use crate::sys::ui;

enum Which<'a> {
    Session(&'a str),
    Profile(&'a str),
    All,
    Unsaid,
}

impl<'a> Which<'a> {
    /// From the command line; naming a sign-in two ways is a usage error.
    fn new(session: Option<&'a str>, profile: Option<&'a str>, all: bool) -> Result<Self, Failure> {
        match (session, profile, all) {
            (Some(session), None, false) => Ok(Which::Session(session)),
            (None, Some(profile), false) => Ok(Which::Profile(profile)),
            (None, None, true) => Ok(Which::All),
            (None, None, false) => Ok(Which::Unsaid),
            _ => Err(Failure::usage(
                "choose one of --sso-session NAME, -p PROFILE and --all",
            )),
        }
    }
}

fn no_sessions(paths: &Paths) -> Failure {
    Failure::config(format!(
        "there is no [sso-session] section in {}",
        paths.config.display()
    ))
    .with_hint(
        "add one, for example:\n    [sso-session myorg]\n    sso_start_url = https://d-1234567890.awsapps.com/start\n    \
         sso_region = us-east-1\n    sso_registration_scopes = sso:account:access\n\
         (a legacy profile with its own sso_start_url signs in with -p PROFILE)",
    )
}

fn session_names(set: &ProfileSet) -> Vec<String> {
    set.sso_sessions().map(|s| s.name.clone()).collect()
}

/// The sign-in of the `[sso-session NAME]`, or an error that lists the sessions there are, and
/// how its calls reach AWS.
pub fn session(
    set: &ProfileSet,
    paths: &Paths,
    name: &str,
) -> Result<(SsoLogin, http::Settings), Failure> {
    let login = login_of(set, paths, name)?;
    Ok((login, network_of(set, None)))
}

fn login_of(set: &ProfileSet, paths: &Paths, name: &str) -> Result<SsoLogin, Failure> {
    let session = set.sso_session(name).ok_or_else(|| {
        let names = session_names(set);
        if names.is_empty() {
            no_sessions(paths)
        } else {
            Failure::config(format!(
                "there is no [sso-session {name}] in {}",
                paths.config.display()
            ))
            .with_hint(format!("the sso-sessions are: {}", names.join(", ")))
        }
    })?;
    SsoLogin::from_session(session)
}

/// A sign-in has no profile of its own; its calls use the network settings (`ca_bundle`) of the
/// profile named, else of the one the AWS CLI would use: `AWS_PROFILE`, else `default`.
fn network_of(set: &ProfileSet, profile: Option<&str>) -> http::Settings {
    let name = profile
        .map(str::to_string)
        .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()))
        .unwrap_or_else(|| "default".to_string());
    match set.find(&name) {
        Some(profile) => http::Settings::of(profile),
        None => http::Settings::from_env(),
    }
}

/// The sign-ins the command line means: `--sso-session NAME`, `-p PROFILE`, `--all`, or none of
/// them (the only one there is, or the one the person picks); and how their calls reach AWS.
pub fn named(
    session: Option<&str>,
    profile: Option<&str>,
    all: bool,
) -> anyhow::Result<(Vec<SsoLogin>, http::Settings)> {
    let which = Which::new(session, profile, all)?;
    let paths = Paths::from_env()?;
    let set = ProfileSet::load(&paths)?;
    let net = network_of(
        &set,
        match which {
            Which::Profile(name) => Some(name),
            _ => None,
        },
    );
    Ok((logins(&set, &paths, which)?, net))
}

fn logins(set: &ProfileSet, paths: &Paths, which: Which) -> anyhow::Result<Vec<SsoLogin>> {
    match which {
        Which::Session(name) => Ok(vec![login_of(set, paths, name)?]),
        Which::Profile(name) => {
            // A role profile signs in through the SSO profile at the bottom of its chain.
            let chain = source::chain(set, name, "us-east-1")?;
            match chain.base {
                Base::Sso(target) => Ok(vec![target.login]),
                _ => Err(Failure::config(format!(
                    "profile '{name}' does not use IAM Identity Center, so there is nothing to sign in to"
                ))
                .into()),
            }
        }
        Which::All => {
            let logins: Vec<SsoLogin> = set
                .sso_sessions()
                .map(SsoLogin::from_session)
                .collect::<Result<_, _>>()?;
            if logins.is_empty() {
                return Err(no_sessions(paths).into());
            }
            Ok(logins)
        }
        Which::Unsaid => {
            let sessions: Vec<_> = set.sso_sessions().collect();
            match sessions.as_slice() {
                [] => Err(no_sessions(paths).into()),
                [only] => Ok(vec![SsoLogin::from_session(only)?]),
                several if ui::can_pick() => {
                    let names: Vec<&str> = several.iter().map(|s| s.name.as_str()).collect();
                    let chosen = ui::pick("sso-session", &names)?;
                    Ok(vec![SsoLogin::from_session(several[chosen])?])
                }
                several => {
                    let names: Vec<&str> = several.iter().map(|s| s.name.as_str()).collect();
                    Err(Failure::config(format!(
                        "several sso-sessions are configured ({}), and there is no terminal to ask on",
                        names.join(", ")
                    ))
                    .with_hint(format!(
                        "name one with --sso-session {}, or use --all",
                        names[0]
                    ))
                    .into())
                }
            }
        }
    }
}
