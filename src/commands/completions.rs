//! `guard completions SHELL`: a script that makes the shell ask guard itself what to complete,
//! so profile names (for `-p`) and sso-session names (for `--sso-session`) come from the config
//! as it is at that moment, read without any network call.

use std::ffi::OsString;

use clap::ValueEnum;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

use crate::options::Options;
use crate::resolve::profile::{Paths, ProfileSet};
use crate::sys::error::Failure;
use crate::sys::output::{self, Delivery};

/// The variable under which the shell asks guard for completions (`GUARD_COMPLETE=bash guard --
/// WORDS...`); a name of guard's own, so that no one sets it by accident.
const VAR: &str = "GUARD_COMPLETE";

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

impl Shell {
    fn completer(self) -> &'static dyn EnvCompleter {
        match self {
            Shell::Bash => &Bash,
            Shell::Zsh => &Zsh,
            Shell::Fish => &Fish,
            Shell::Powershell => &Powershell,
            Shell::Elvish => &Elvish,
        }
    }
}

/// Answers a shell's completion request for the command line `command` defines and exits, when
/// this run is one; otherwise returns. First thing in `main`: one variable lookup when it is not.
pub fn answer_if_asked(command: fn() -> clap::Command) {
    clap_complete::CompleteEnv::with_factory(command)
        .var(VAR)
        .complete();
}

pub fn run(options: &Options, shell: Shell) -> anyhow::Result<()> {
    options.no_profile("completions")?;
    let mut script = Vec::new();
    shell
        .completer()
        .write_registration(VAR, "guard", "guard", &completer(), &mut script)
        .map_err(|e| Failure::io(format!("cannot write the completion script: {e}")))?;
    output::stdout(&String::from_utf8_lossy(&script), Delivery::Essential)
}

/// How the script calls guard back: as it was called now, by name from PATH or by its path.
fn completer() -> String {
    let argv0 = std::env::args_os()
        .next()
        .unwrap_or_else(|| OsString::from("guard"));
    let path = std::path::PathBuf::from(&argv0);
    if path.components().count() > 1
        && let Ok(absolute) = std::path::absolute(&path)
    {
        return absolute.to_string_lossy().into_owned();
    }
    path.to_string_lossy().into_owned()
}

/// The config as the run would read it; a config that cannot be read completes nothing.
fn config() -> Option<ProfileSet> {
    ProfileSet::load(&Paths::from_env().ok()?).ok()
}

/// Every profile name, for `-p`.
pub fn profiles() -> Vec<CompletionCandidate> {
    config().map_or_else(Vec::new, |set| {
        set.profiles()
            .map(|p| CompletionCandidate::new(&p.name))
            .collect()
    })
}

/// Every `[sso-session]` name, for `--sso-session`.
pub fn sso_sessions() -> Vec<CompletionCandidate> {
    config().map_or_else(Vec::new, |set| {
        set.sso_sessions()
            .map(|s| CompletionCandidate::new(&s.name))
            .collect()
    })
}

/// Every account the profiles name, by ID and by the name populate wrote, for `--account`.
pub fn accounts() -> Vec<CompletionCandidate> {
    let Some(set) = config() else {
        return Vec::new();
    };
    let mut words = std::collections::BTreeSet::new();
    for profile in set.profiles() {
        if let Some(id) = profile.value("sso_account_id") {
            words.insert(id.to_string());
        }
        if let Some(arn) = profile.value("role_arn")
            && let Ok(role) = arn.parse::<crate::resolve::account::RoleArn>()
        {
            words.insert(role.account.to_string());
        }
        if let Some(name) = profile.value(crate::credentials::populate::ACCOUNT_NAME_KEY) {
            words.insert(name.to_string());
        }
    }
    words.iter().map(CompletionCandidate::new).collect()
}

/// Every environment the policy labels accounts with, for `--environment`.
pub fn environments() -> Vec<CompletionCandidate> {
    let Ok((policy, _)) = crate::decide::policy::load_quietly(None) else {
        return Vec::new();
    };
    let words: std::collections::BTreeSet<&str> = policy
        .layers
        .iter()
        .flat_map(|layer| &layer.file.accounts)
        .filter_map(|entry| entry.environment.as_deref())
        .collect();
    words.into_iter().map(CompletionCandidate::new).collect()
}

/// Every role (permission set) the profiles use, for `--role`.
pub fn roles() -> Vec<CompletionCandidate> {
    config().map_or_else(Vec::new, |set| {
        let words: std::collections::BTreeSet<&str> = set
            .profiles()
            .filter_map(|p| p.value("sso_role_name"))
            .collect();
        words.into_iter().map(CompletionCandidate::new).collect()
    })
}
