//! `guard protect [PROFILE...|--all-protected] [--undo]`: plain `aws` with `AWS_PROFILE` asks
//! guard first (see `protect`). The config file is rewritten atomically, after a backup beside
//! it (0600); a profile already in that form is left as it is.

use std::path::Path;

use crate::decide::policy;
use crate::decide::protect::{self, Done};
use crate::options::Options;
use crate::resolve::account::AccountId;
use crate::resolve::profile::{Paths, ProfileSet};
use crate::sys::error::Failure;
use crate::sys::fsutil;
use crate::sys::output;

pub fn run(
    options: &Options,
    names: &[String],
    all_protected: bool,
    undo: bool,
) -> anyhow::Result<()> {
    options.no_profile("protect")?;
    let paths = Paths::from_env()?;
    let config = &paths.config;
    let shown = config.display().to_string();
    let text = fsutil::read_text(config, fsutil::CONFIG_LIMIT)
        .map_err(|e| e.into_failure())?
        .ok_or_else(|| {
            Failure::config(format!("{shown}: no such file")).with_hint("guard setup writes one")
        })?;
    let names = if all_protected {
        protected_profiles(options, &paths)?
    } else {
        names.to_vec()
    };
    if names.is_empty() {
        let what = if all_protected {
            "no profile's account is protected by the policy"
        } else {
            "name the profiles to protect, or --all-protected"
        };
        return Err(Failure::usage(what).into());
    }
    let guard = guard_path()?;
    let mut changed = text.clone();
    let mut said = Vec::new();
    for name in &names {
        let (next, done) = if undo {
            protect::unprotect(&changed, name)
        } else {
            protect::protect(&changed, name, &guard)
        }
        .map_err(|why| Failure::config(format!("{shown}: {why}")))?;
        changed = next;
        said.push(match done {
            Done::Protected => format!(
                "guard: protected '{name}': aws --profile {name} now asks guard first; its settings are kept as '{}'",
                protect::source_name(name)
            ),
            Done::AlreadyProtected => format!("guard: '{name}' was protected already"),
            Done::Unprotected => format!("guard: '{name}' is as it was before guard protect"),
            Done::NotProtected => format!("guard: '{name}' was not protected"),
        });
    }
    if changed != text {
        backup(config, &text)?;
        fsutil::replace(config, changed.as_bytes())?;
    }
    for line in said {
        output::stderr_line(line);
    }
    Ok(())
}

/// guard as the config names it for the AWS CLI: by its full path, so that no other `guard` on
/// PATH (a project's bin/, say) is the one the AWS CLI runs.
pub fn guard_path() -> Result<String, Failure> {
    let guard = std::env::current_exe()
        .map_err(|e| Failure::unavailable(format!("cannot find guard's own path: {e}")))?;
    let guard = guard.to_string_lossy().into_owned();
    if guard.contains(char::is_whitespace) {
        return Err(Failure::config(format!(
            "guard's path '{guard}' has white space, which credential_process would split"
        )));
    }
    Ok(guard)
}

/// A copy of the file as it was, beside it: `config.guard-backup`, replaced each time.
fn backup(config: &Path, text: &str) -> anyhow::Result<()> {
    let mut name = config.file_name().unwrap_or_default().to_os_string();
    name.push(".guard-backup");
    fsutil::write_private(&config.with_file_name(name), text.as_bytes())
}

/// The profiles whose configured account the policy protects (by `sso_account_id`, or the
/// account of `role_arn`).
fn protected_profiles(options: &Options, paths: &Paths) -> anyhow::Result<Vec<String>> {
    let policy = options.policy()?;
    let set = ProfileSet::load(paths)?;
    let mut names = Vec::new();
    for profile in set.profiles() {
        if profile.name.ends_with(".guard-source") {
            continue;
        }
        let account = profile
            .value("sso_account_id")
            .map(str::to_string)
            .or_else(|| {
                profile
                    .value("role_arn")
                    .and_then(|arn| arn.split(':').nth(4).map(str::to_string))
            });
        let Some(Ok(account)) = account.map(|a| a.parse::<AccountId>()) else {
            continue;
        };
        let target = policy::Target {
            account: &account,
            known_name: None,
            profile: &profile.name,
        };
        if policy.account(&target).protected {
            names.push(profile.name.clone());
        }
    }
    Ok(names)
}
