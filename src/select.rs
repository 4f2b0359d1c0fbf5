//! Which profile a run uses: named on the command line, by the environment, the default, or
//! picked by the person at the terminal.

use std::io::IsTerminal;

use crate::error::Failure;
use crate::profile::{Paths, Profile, ProfileSet};

/// Variables that name a profile, strongest first. GUARD_PROFILE makes a guard inside a guard's
/// shell keep the enclosing profile, since guard clears AWS_PROFILE for its child.
const PROFILE_VARS: &[&str] = &["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "GUARD_PROFILE"];

pub fn profile(flag: Option<&str>, set: &ProfileSet, paths: &Paths) -> anyhow::Result<String> {
    if let Some(name) = flag {
        set.get(name)?;
        return Ok(name.to_string());
    }
    for var in PROFILE_VARS {
        if let Some(name) = std::env::var(var).ok().filter(|v| !v.is_empty()) {
            set.get(&name).map_err(|f| {
                let message = format!("{} (from ${var})", f.message);
                Failure { message, ..f }
            })?;
            return Ok(name);
        }
    }
    if set.find("default").is_some() {
        return Ok("default".to_string());
    }
    if set.is_empty() {
        return Err(Failure::config(format!(
            "no AWS profiles in {} or {}",
            paths.config.display(),
            paths.credentials.display()
        ))
        .with_hint(
            "add your organization's [sso-session NAME], then `guard login` and \
             `guard populate --sso-session NAME` write a profile for each account and role",
        )
        .into());
    }
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        return pick(set);
    }
    let listing: Vec<String> = set
        .profiles()
        .map(|p| format!("    {}", describe(p)))
        .collect();
    Err(Failure::config("no AWS profile chosen, and there is no terminal to ask on")
        .with_hint(format!(
            "choose one with `guard -p NAME -- COMMAND` or `export AWS_PROFILE=NAME`; the profiles are:\n{}",
            listing.join("\n")
        ))
        .into())
}

/// One line per profile: its name, and the account and role it promises when the config says.
pub fn describe(profile: &Profile) -> String {
    let (account, role) = match (profile.value("sso_account_id"), profile.value("role_arn")) {
        (Some(account), _) => (
            account.to_string(),
            profile.value("sso_role_name").unwrap_or(""),
        ),
        (None, Some(arn)) => (
            arn.split(':').nth(4).unwrap_or("").to_string(),
            arn.rsplit('/').next().unwrap_or(""),
        ),
        (None, None) => (String::new(), ""),
    };
    format!("{:<24} {:<14} {}", profile.name, account, role)
        .trim_end()
        .to_string()
}

fn pick(set: &ProfileSet) -> anyhow::Result<String> {
    let profiles: Vec<&Profile> = set.profiles().collect();
    let items: Vec<String> = profiles.iter().map(|p| describe(p)).collect();
    let chosen = dialoguer::FuzzySelect::new()
        .with_prompt("AWS profile (type to filter)")
        .items(&items)
        .default(0)
        .interact_opt()
        .map_err(|e| Failure::config(format!("the profile picker failed: {e}")))?;
    match chosen {
        Some(index) => Ok(profiles[index].name.clone()),
        None => Err(Failure::refused("no profile was chosen").into()),
    }
}
