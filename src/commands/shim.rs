//! guard started by the name of a tool it judges (`aws`, `terraform`, ...): a guarded shell's
//! shim. The call is decided as `guard -p PROFILE -- TOOL ...` would decide it, with the shell's
//! profile, and guard then becomes the real tool, found further down `PATH`, with the
//! credentials in its environment for this one command.

use std::convert::Infallible;
use std::ffi::{OsStr, OsString};
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use crate::child::childenv::{self, Facts};
use crate::child::session;
use crate::classify;
use crate::commands::run;
use crate::credentials::verify::{CacheUse, DEFAULT_MIN_TTL};
use crate::decide::gate::{Caller, Consent, Gate, Target};
use crate::options::{Options, parse_duration};
use crate::sys::error::{self, Failure};
use crate::sys::exit_codes::ExitCode;

/// The tool guard was started as, when `argv[0]` names one: a shim. Only the name is compared,
/// before anything else is set up, so that guard's own start-up stays as cheap.
pub fn tool(argv0: &OsStr) -> Option<&'static str> {
    let name = Path::new(argv0).file_name()?;
    classify::tool_names().find(|tool| name == OsStr::new(tool))
}

/// Runs the shim; the exit status when it could not become the tool.
pub fn main(tool: &'static str) -> u8 {
    match run(tool) {
        Ok(never) => match never {},
        Err(e) => error::report(&e).code(),
    }
}

fn run(tool: &'static str) -> anyhow::Result<Infallible> {
    let Some((session, shims)) = session::current()? else {
        return Err(Failure::refused(format!(
            "guard was started as `{tool}`, a guarded shell's shim, outside a guarded shell ({} is not set); nothing was run",
            session::VARIABLE
        ))
        .with_hint(format!(
            "start a guarded shell with `guard -p PROFILE`, or run `guard -p PROFILE -- {tool} ...`"
        ))
        .into());
    };
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(chosen) = other_credentials(&session.profile, &var) {
        return Err(Failure::refused(format!(
            "{chosen} in this guarded shell of profile '{}', and `{tool}` here runs with that profile's credentials, not those; nothing was run",
            session.profile
        ))
        .with_hint(format!(
            "unset it to run in '{}', or run `guard -p OTHER -- {tool} ...` (or start a guarded shell for the other profile)",
            session.profile
        ))
        .into());
    }
    let real = real_tool(tool, &shims)?;
    // As the shell's own `guard -p PROFILE -- TOOL` would be: consent, a change reason and the
    // cache's minimum time left from the environment, no banner (the shell's banner and prompt say where it is).
    let min_ttl = match var("GUARD_MIN_TTL") {
        Some(text) => {
            parse_duration(&text).map_err(|why| Failure::usage(format!("GUARD_MIN_TTL: {why}")))?
        }
        None => DEFAULT_MIN_TTL,
    };
    let options = Options {
        profile: Some(session.profile.clone()),
        region: session.region.clone(),
        confirm: var("GUARD_CONFIRM"),
        policy: session.policy.clone(),
        reason: var("GUARD_REASON"),
        quiet: true,
        server: false,
        cache_use: CacheUse {
            fresh: false,
            verify: false,
            min_ttl,
        },
    };
    let policy = options.policy()?;
    let verified = options.verified()?;
    if verified.identity.account.as_str() != session.account {
        return Err(Failure::refused(format!(
            "profile '{}' now gives credentials for account {}, and this guarded shell was started for account {}; nothing was run",
            session.profile, verified.identity.account, session.account
        ))
        .with_hint("exit the shell and start it again for the account you mean")
        .into());
    }
    let gate = Gate::new(
        &policy,
        Target::of(&verified),
        Consent::of(options.confirm.as_deref()),
        Caller::Person,
    )
    .with_reason(options.reason.clone());
    let env = childenv::build(&Facts::of(&verified, gate.view()));
    let argv: Vec<OsString> = std::iter::once(real.into_os_string())
        .chain(std::env::args_os().skip(1))
        .collect();
    run::become_decided(&gate, &argv, &env)
}

/// What in the environment chooses other credentials than the shell's profile (`export
/// AWS_PROFILE=sandbox`, keys pasted into the shell): the person expects the tool to use them,
/// and the shim would run it in the shell's account instead, so it says so rather than run.
fn other_credentials(profile: &str, var: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    for name in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
        if let Some(value) = var(name).filter(|value| value != profile) {
            return Some(format!("{name}={value} is set"));
        }
    }
    var("AWS_ACCESS_KEY_ID").map(|_| "AWS_ACCESS_KEY_ID is set".to_string())
}

/// The tool the shim stands for: the first executable of that name on `PATH` that is not guard
/// itself (this shell's shims, an enclosing shell's, or guard under the tool's name), so that a
/// shim never runs itself. Relative entries (an empty one is the current folder) are skipped:
/// which tool ran would then depend on the folder the command is typed in.
fn real_tool(tool: &str, shims: &Path) -> Result<PathBuf, Failure> {
    let itself = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| (m.dev(), m.ino()))
        .map_err(|e| Failure::io(format!("cannot find guard's own executable: {e}")))?;
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .filter(|dir| dir.is_absolute() && dir != shims)
        .map(|dir| dir.join(tool))
        .find(|candidate| {
            std::fs::metadata(candidate).is_ok_and(|m| {
                m.is_file() && m.permissions().mode() & 0o111 != 0 && (m.dev(), m.ino()) != itself
            })
        })
        .ok_or_else(|| {
            Failure::new(
                ExitCode::CommandNotFound,
                format!(
                    "{tool}: not found on PATH after the guarded shell's shims; nothing was run"
                ),
            )
            .with_hint(format!(
                "install {tool}, or put the folder that holds it on PATH (an absolute one)"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_chosen_in_the_shell_are_said() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(other_credentials("prod", &env(&[])), None);
        assert_eq!(
            other_credentials("prod", &env(&[("AWS_PROFILE", "prod")])),
            None
        );
        assert_eq!(
            other_credentials("prod", &env(&[("AWS_PROFILE", "sandbox")])).as_deref(),
            Some("AWS_PROFILE=sandbox is set")
        );
        assert_eq!(
            other_credentials("prod", &env(&[("AWS_ACCESS_KEY_ID", "AKIA")])).as_deref(),
            Some("AWS_ACCESS_KEY_ID is set")
        );
    }

    #[test]
    fn a_shim_is_known_by_its_name_alone() {
        assert_eq!(tool(OsStr::new("aws")), Some("aws"));
        assert_eq!(
            tool(OsStr::new("/x/shells/1/bin/terraform")),
            Some("terraform")
        );
        for other in ["guard", "/usr/local/bin/guard", "aws2", "", "/"] {
            assert_eq!(tool(OsStr::new(other)), None, "{other}");
        }
    }
}
