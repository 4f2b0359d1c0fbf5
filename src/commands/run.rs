//! `guard [-p PROFILE] -- COMMAND`: resolve and verify, decide, then become the command.

use std::ffi::OsString;

use crate::audit;
use crate::banner;
use crate::childenv::{self, Facts};
use crate::cli::Global;
use crate::confirm::{self, Consent};
use crate::decide::{self, Ruling};
use crate::error::Failure;
use crate::exec;
use crate::policy::{self, Action, Target};
use crate::server;
use crate::verify::{CacheUse, Verified, verify};

pub fn run(global: &Global, command: Vec<OsString>) -> anyhow::Result<std::convert::Infallible> {
    // The policy is read first: a broken policy must stop guard before any network call.
    let policy = policy::load(global.policy.as_deref())?;
    let verified = verify(
        global.profile.as_deref(),
        global.region.as_deref(),
        global.cache_use(),
    )?;
    if global.server {
        server::check(&verified)?;
    }

    let (argv, shell) = if command.is_empty() {
        let shell = std::env::var_os("SHELL")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/bin/sh".into());
        let shown = shell.to_string_lossy().into_owned();
        (vec![shell], Some(shown))
    } else {
        (command, None)
    };

    let target = Target {
        account: &verified.identity.account,
        known_name: verified.account_name.as_deref(),
        profile: &verified.profile,
    };
    let ruling = decide::rule(&policy, &target, &argv);
    let color = banner::use_color();
    if !global.quiet {
        banner::show(
            &verified,
            &ruling.view,
            shell.as_deref(),
            global.server,
            color,
        );
    }

    let consent = enforce(global, &verified, &ruling, &argv, color);
    if ruling.view.protected || policy.audit_all() {
        let outcome = if consent.is_ok() {
            "allowed"
        } else {
            "refused"
        };
        audit::append(&audit_entry(&verified, &ruling, &argv, &consent, outcome))?;
    }
    consent?;

    let env = childenv::build(&Facts::of(&verified, &ruling.view));
    if global.server {
        let source = server::Source {
            profile: verified.profile.clone(),
            region: global.region.clone(),
            // The first fetch honoured --fresh and --verify; refreshes use the cache as runs do.
            cache_use: CacheUse {
                fresh: false,
                verify: false,
                min_ttl: global.min_ttl,
            },
            account: verified.identity.account.clone(),
        };
        return server::run(source, &argv, env);
    }
    Err(exec::run(&argv, &env).into())
}

fn shown(argv: &[OsString]) -> String {
    let words: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // The command is shown on the terminal and may end up in CI logs: hide what looks secret.
    let words = audit::redact(&words);
    shlex::try_join(words.iter().map(String::as_str)).unwrap_or_else(|_| words.join(" "))
}

/// Applies the ruling: `Ok(None)` when the command may run as it is, `Ok(Some)` when a person
/// (or `--confirm`) consented, `Err` when it must not run.
fn enforce(
    global: &Global,
    verified: &Verified,
    ruling: &Ruling,
    argv: &[OsString],
    color: bool,
) -> Result<Option<Consent>, Failure> {
    let classification = &ruling.classification;
    if let Some(choice) = &classification.credential_override {
        return Err(Failure::refused(format!(
            "the command chooses its own credentials ({choice}), not the ones guard verified for profile '{}'; nothing was run",
            verified.profile
        ))
        .with_hint(format!(
            "drop {choice} and choose the profile with guard -p instead"
        )));
    }
    match ruling.decision.action {
        Action::Allow => Ok(None),
        Action::Deny => Err(Failure::refused(format!(
            "denied in account {}: {} ({})",
            verified.identity.account,
            classification.reason,
            ruling.decision.describe()
        ))),
        Action::Confirm => {
            let command = shown(argv);
            let request = confirm::Request {
                account: &verified.identity.account,
                view: &ruling.view,
                command: &command,
                reason: &classification.reason,
            };
            confirm::confirm(&request, global.confirm.as_deref(), color).map(Some)
        }
    }
}

fn audit_entry<'a>(
    verified: &'a Verified,
    ruling: &'a Ruling,
    argv: &[OsString],
    consent: &Result<Option<Consent>, Failure>,
    outcome: &'a str,
) -> audit::Entry<'a> {
    let words: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    audit::Entry {
        profile: &verified.profile,
        account_id: verified.identity.account.as_str(),
        account_name: ruling.view.name.as_deref(),
        principal_arn: &verified.identity.arn,
        argv: audit::redact(&words),
        classification: ruling.classification.severity.as_str(),
        reason: &ruling.classification.reason,
        decision: match ruling.decision.action {
            Action::Allow => "allow",
            Action::Confirm => "confirm",
            Action::Deny => "deny",
        },
        basis: ruling.decision.describe(),
        confirmed: consent.as_ref().ok().and_then(|c| c.map(Consent::as_str)),
        outcome,
    }
}
