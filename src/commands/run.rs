//! `guard [-p PROFILE] -- COMMAND`: resolve and verify, decide, then become the command.

use std::ffi::OsString;

use crate::banner;
use crate::childenv::{self, Facts};
use crate::cli::Global;
use crate::decide::{self, Export};
use crate::exec;
use crate::policy::{self, Target};
use crate::server;
use crate::verify::{CacheUse, verify};

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
    // A shell hands the credentials to whatever is typed next: an export, not a command.
    let ruling = match &shell {
        Some(shell) => decide::rule_export(&policy, &target, Export::Shell(shell)),
        None => decide::rule(&policy, &target, &argv),
    };
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

    let words: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    decide::apply(
        global.confirm.as_deref(),
        &policy,
        &verified,
        &ruling,
        &words,
        color,
        |refused| refused,
    )?;

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
