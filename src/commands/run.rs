//! `guard [-p PROFILE] -- COMMAND`: resolve and verify, decide, then become the command.

use std::ffi::OsString;

use crate::banner;
use crate::childenv::{self, Facts};
use crate::exec;
use crate::gate::{Caller, Command, Consent, Export, Gate, Target};
use crate::options::Options;
use crate::plan_first;
use crate::server;
use crate::verify::CacheUse;

pub fn run(options: &Options, command: Vec<OsString>) -> anyhow::Result<std::convert::Infallible> {
    // The policy is read first: a broken policy must stop guard before any network call.
    let policy = options.policy()?;
    let verified = options.verified()?;
    if options.server {
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

    let gate = Gate::new(
        &policy,
        Target::of(&verified),
        Consent::of(options.confirm.as_deref()),
        Caller::Person,
    )
    .with_reason(options.reason.clone());
    let view = gate.view();
    let color = banner::use_color();
    if !options.quiet {
        banner::show(&verified, view, shell.as_deref(), options.server, color);
    }
    // After the banner: reading a saved plan may print terraform's own errors.
    let env = childenv::build(&Facts::of(&verified, view));
    // A shell hands the credentials to whatever is typed next: an export, not a command.
    let ruling = gate.rule(&match shell {
        Some(shell) => Command::Export(Export::Shell(shell)),
        None => Command::Run {
            argv: &argv,
            env: Some(&env),
        },
    });
    if !options.server && plan_first::wanted(&gate, &ruling) {
        return plan_first::run(&gate, &argv, &env);
    }
    gate.enforce(&ruling)?;

    if options.server {
        let source = server::Source {
            profile: verified.profile.clone(),
            region: options.region.clone(),
            // The first fetch honoured --fresh and --verify; refreshes use the cache as runs do.
            cache_use: CacheUse {
                fresh: false,
                verify: false,
                min_ttl: options.cache_use.min_ttl,
            },
            account: verified.identity.account.clone(),
        };
        return server::run(source, &argv, env);
    }
    Err(exec::run(&argv, &env).into())
}
