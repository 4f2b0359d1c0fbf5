//! The environment the command runs with: guard's credentials in, every other way of choosing
//! credentials out, everything else (endpoints, CA bundle, the user's own variables) kept.

use time::format_description::well_known::Rfc3339;

use crate::credentials::Credentials;
use crate::credentials::identity::Identity;
use crate::credentials::verify::Verified;
use crate::decide::policy::AccountView;
use crate::sys::error::Failure;

/// Variables that would let a tool pick other credentials than the ones guard verified.
const CLEARED: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_FILE",
    "AWS_SDK_LOAD_CONFIG",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    // Consent is for this run only: a guard inside the command must ask again.
    "GUARD_CONFIRM",
    // A command guard runs has its credentials: the guarded shell it may run in is not its.
    crate::child::session::VARIABLE,
];

/// Set only when guard has a value for them; an inherited one would describe other credentials.
const OPTIONAL: &[&str] = &[
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "GUARD_ACCOUNT_NAME",
    "GUARD_ENVIRONMENT",
    "GUARD_PROTECTED",
];

pub struct ChildEnv {
    pub set: Vec<(&'static str, String)>,
    pub remove: Vec<&'static str>,
}

pub struct Facts<'a> {
    pub profile: &'a str,
    pub creds: &'a Credentials,
    pub identity: &'a Identity,
    pub account: &'a AccountView,
    pub region: Option<&'a str>,
}

impl<'a> Facts<'a> {
    /// The facts of a verified run, with the account as the policy sees it.
    pub fn of(verified: &'a Verified, account: &'a AccountView) -> Self {
        Facts {
            profile: &verified.profile,
            creds: &verified.creds,
            identity: &verified.identity,
            account,
            region: verified.region.as_deref(),
        }
    }
}

pub fn build(facts: &Facts) -> ChildEnv {
    let creds = facts.creds;
    let mut set = vec![
        ("AWS_ACCESS_KEY_ID", creds.access_key_id.clone()),
        (
            "AWS_SECRET_ACCESS_KEY",
            creds.secret_access_key.expose().to_string(),
        ),
        ("GUARD_PROFILE", facts.profile.to_string()),
        ("GUARD_ACCOUNT_ID", facts.identity.account.to_string()),
    ];
    if let Some(token) = &creds.session_token {
        set.push(("AWS_SESSION_TOKEN", token.expose().to_string()));
    }
    if let Some(expiration) = creds.expiration.and_then(|e| e.format(&Rfc3339).ok()) {
        set.push(("AWS_CREDENTIAL_EXPIRATION", expiration));
    }
    if let Some(region) = facts.region {
        set.push(("AWS_REGION", region.to_string()));
        set.push(("AWS_DEFAULT_REGION", region.to_string()));
    }
    if let Some(name) = &facts.account.name {
        set.push(("GUARD_ACCOUNT_NAME", name.clone()));
    }
    if let Some(environment) = &facts.account.environment {
        set.push(("GUARD_ENVIRONMENT", environment.clone()));
    }
    if facts.account.protected {
        set.push(("GUARD_PROTECTED", "1".to_string()));
    }
    // Inside a guarded shell, the command reaches its tools directly, not through the shell's
    // shims (which decide for the shell's profile, not this run's).
    if let Some(path) = crate::child::session::path_without_shims() {
        set.push(("PATH", path));
    }
    let remove = CLEARED
        .iter()
        .chain(OPTIONAL)
        .copied()
        .filter(|name| !set.iter().any(|(k, _)| k == name))
        .collect();
    ChildEnv { set, remove }
}

/// A guarded shell's environment: no keys (the endpoint serves programs, the shims inject them
/// per command), its session named, and its shims first on `PATH`.
pub fn guarded(
    env: ChildEnv,
    endpoint: (&str, &str),
    session_file: &std::path::Path,
    shims: &std::path::Path,
) -> Result<ChildEnv, Failure> {
    let shims = shims.to_str().filter(|s| !s.contains(':')).ok_or_else(|| {
        Failure::config(format!(
            "the guarded shell's shims would be in {}, which cannot be put on PATH (not text, or it holds a ':')",
            shims.display()
        ))
        .with_hint("set XDG_STATE_HOME to a folder whose path has no ':'")
    })?;
    let mut env = served(env, endpoint.0, endpoint.1);
    let inherited = match env.set.iter().position(|(name, _)| *name == "PATH") {
        Some(at) => env.set.remove(at).1,
        None => match std::env::var("PATH") {
            Ok(path) => path,
            // What execvp searches when PATH is not set.
            Err(std::env::VarError::NotPresent) => "/bin:/usr/bin".to_string(),
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Failure::config(
                    "PATH is not text, so guard cannot put the guarded shell's shims in front of it",
                )
                .with_hint("fix PATH, or run the tool with guard -p PROFILE -- COMMAND"));
            }
        },
    };
    env.set.push(("PATH", format!("{shims}:{inherited}")));
    env.remove
        .retain(|name| *name != crate::child::session::VARIABLE);
    env.set.push((
        crate::child::session::VARIABLE,
        session_file.display().to_string(),
    ));
    Ok(env)
}

/// The static keys give way to the credential server's address and token (`--server`): every
/// SDK then asks the server, and asks again before the credentials expire.
pub fn served(mut env: ChildEnv, url: &str, token: &str) -> ChildEnv {
    const STATIC: [&str; 4] = [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
    ];
    const SERVED: [&str; 2] = [
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    ];
    env.set.retain(|(name, _)| !STATIC.contains(name));
    env.remove.retain(|name| !SERVED.contains(name));
    for name in STATIC {
        if !env.remove.contains(&name) {
            env.remove.push(name);
        }
    }
    env.set.push((SERVED[0], url.to_string()));
    env.set.push((SERVED[1], token.to_string()));
    env
}
