//! Which profile a run uses: named on the command line, by the environment, made sticky with
//! `guard use`, the default, or picked by the person at the terminal.

use crate::decide::policy::{self, trust::State};
use crate::resolve::profile::{Paths, Profile, ProfileSet};
use crate::resolve::sticky;
use crate::sys::error::Failure;
use crate::sys::ui;

/// Variables that name a profile, strongest first. GUARD_PROFILE makes a guard inside a guard's
/// shell keep the enclosing profile, since guard clears AWS_PROFILE for its child.
const PROFILE_VARS: &[&str] = &["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "GUARD_PROFILE"];

/// Where the profile of a run came from; the banner says so unless the person just named it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChosenBy {
    Flag,
    Variable(&'static str),
    /// `profile = ...` in the trusted `.guard.toml` of the working directory.
    Project,
    /// Recorded by `guard use`.
    Sticky,
    /// The `[default]` profile.
    Default,
    /// Chosen in the picker a moment ago.
    Picked,
}

impl ChosenBy {
    /// The banner's mark after the profile's name, e.g. `(sticky)`; none where it would only
    /// repeat what the person can see (`-p`, the picker, a profile named `default`).
    pub fn mark(self) -> Option<&'static str> {
        match self {
            ChosenBy::Flag | ChosenBy::Default | ChosenBy::Picked => None,
            ChosenBy::Variable(var) => Some(var),
            ChosenBy::Project => Some(".guard.toml"),
            ChosenBy::Sticky => Some("sticky"),
        }
    }
}

/// The profile a run uses, and where that choice came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub name: String,
    pub chosen_by: ChosenBy,
}

/// Order: `-p`, the variables, a trusted project's `profile`, the sticky profile (`guard use`),
/// `[default]`, else the picker on a terminal: a project's choice beats a person's global one,
/// as `.nvmrc` beats nvm's default. A name from any of them that is not a profile is an error that says where
/// the name came from.
pub fn profile(flag: Option<&str>, set: &ProfileSet, paths: &Paths) -> anyhow::Result<Chosen> {
    let chosen = |name: String, chosen_by| Ok(Chosen { name, chosen_by });
    if let Some(name) = flag {
        set.get(name)?;
        return chosen(name.to_string(), ChosenBy::Flag);
    }
    for var in PROFILE_VARS {
        if let Some(name) = std::env::var(var).ok().filter(|v| !v.is_empty()) {
            set.get(&name).map_err(|f| {
                let message = format!("{} (from ${var})", f.message);
                Failure { message, ..f }
            })?;
            return chosen(name, ChosenBy::Variable(var));
        }
    }
    if let Some((name, at)) = project_profile()? {
        set.get(&name).map_err(|f| {
            let message = format!("{} (from profile = at {at})", f.message);
            Failure { message, ..f }
        })?;
        return chosen(name, ChosenBy::Project);
    }
    if let Some(name) = sticky::read()? {
        set.get(&name).map_err(|f| {
            let message = format!("{} (the sticky profile, set with `guard use`)", f.message);
            let hint = format!(
                "`guard use PROFILE` chooses another, `guard use --clear` forgets it{}",
                f.hint.map(|h| format!("; {h}")).unwrap_or_default()
            );
            Failure {
                message,
                hint: Some(hint),
                ..f
            }
        })?;
        return chosen(name, ChosenBy::Sticky);
    }
    if set.find("default").is_some() {
        return chosen("default".to_string(), ChosenBy::Default);
    }
    if set.is_empty() {
        return Err(Failure::config(format!(
            "no AWS profiles in {} or {}",
            paths.config.display(),
            paths.credentials.display()
        ))
        .with_hint(
            "`guard setup` asks for your organization's start URL and writes a profile for each \
             account and role",
        )
        .into());
    }
    if ui::can_pick() {
        return chosen(pick(set)?, ChosenBy::Picked);
    }
    let listing: Vec<String> = set
        .profiles()
        .map(|p| format!("    {}", describe(p)))
        .collect();
    Err(Failure::config("no AWS profile chosen, and there is no terminal to ask on")
        .with_hint(format!(
            "choose one with `guard -p NAME -- COMMAND`, `export AWS_PROFILE=NAME` or `guard use NAME`; the profiles are:\n{}",
            listing.join("\n")
        ))
        .into())
}

/// The profile the working directory's `.guard.toml` names, if the person trusts that file. A
/// file they have not trusted (or that changed since) chooses nothing: guard says so and goes on.
pub fn project_profile() -> anyhow::Result<Option<(String, String)>> {
    let Some(path) = policy::project_file() else {
        return Ok(None);
    };
    let project = policy::read_project(&path)?;
    let Some((name, at)) = project.layer.file.profile else {
        return Ok(None);
    };
    if project.state == State::Trusted {
        return Ok(Some((name, at.to_string())));
    }
    crate::sys::error::warn(format!(
        "{at} names profile '{name}', but {} {}; guard uses a project's profile only once you trust it (`guard policy trust {}`)",
        project.layer.name,
        match project.state {
            State::Changed => "has changed since you trusted it",
            State::Trusted | State::Untrusted => "is not trusted",
        },
        project.layer.name
    ));
    Ok(None)
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

fn pick(set: &ProfileSet) -> Result<String, Failure> {
    let profiles: Vec<&Profile> = set.profiles().collect();
    let items: Vec<String> = profiles.iter().map(|p| describe(p)).collect();
    Ok(profiles[ui::pick("AWS profile", &items)?].name.clone())
}
