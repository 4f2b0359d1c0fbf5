//! `guard [-p PROFILE] -- COMMAND`: resolve and verify, decide, then become the command.

use std::ffi::OsString;

use crate::child::childenv::{self, ChildEnv, Facts};
use crate::child::exec;
use crate::child::server;
use crate::commands::shell;
use crate::decide::banner::{self, Starting};
use crate::decide::gate::{Caller, Command, Consent, Export, Gate, Target};
use crate::decide::plan_first;
use crate::options::Options;

pub fn run(options: &Options, command: Vec<OsString>) -> anyhow::Result<std::convert::Infallible> {
    // The policy is read first: a broken policy must stop guard before any network call.
    let policy = options.policy()?;
    let verified = options.verified()?;
    let gate = Gate::new(
        &policy,
        Target::of(&verified),
        Consent::of(options.confirm.as_deref()),
        Caller::Person,
    )
    .with_reason(options.reason.clone());
    let view = gate.view();
    let color = banner::use_color();
    // In a protected account a shell keeps protection on: nothing leaves guard undecided, so
    // starting it is not an export.
    if command.is_empty() && view.protected {
        return shell::guarded(options, &gate, &verified);
    }
    if options.server {
        server::check(&verified.profile, &verified.creds)?;
    }

    let (argv, program) = if command.is_empty() {
        let program = shell::program();
        let shown = program.to_string_lossy().into_owned();
        (vec![program], Some(shown))
    } else {
        (command, None)
    };
    if !options.quiet {
        let starting = match &program {
            Some(program) => Starting::Shell {
                program,
                guarded: false,
            },
            None => Starting::Command,
        };
        banner::show(&verified, view, starting, options.server, color);
    }
    // After the banner: reading a saved plan may print terraform's own errors.
    let env = childenv::build(&Facts::of(&verified, view));
    if options.server {
        // A shell hands the credentials to whatever is typed next: an export, not a command.
        let ruling = gate.rule(&match program {
            Some(program) => Command::Export(Export::Shell(program)),
            None => Command::Run {
                argv: &argv,
                env: Some(&env),
            },
        });
        gate.enforce(&ruling)?;
        let refresh = server::Refresh::after(
            &verified,
            options.region.clone(),
            options.cache_use.min_ttl,
            server::LongTerm::Refused,
        );
        let status = server::run(
            refresh,
            &argv,
            env,
            |env, url, token| Ok(childenv::served(env, url, token)),
            Box::new(server::Decided),
        )?;
        std::process::exit(status);
    }
    match program {
        Some(program) => {
            gate.enforce(&gate.rule(&Command::Export(Export::Shell(program))))?;
            Err(exec::run(&argv, &env).into())
        }
        None => become_decided(&gate, &argv, &env),
    }
}

/// Decides the command `argv` as the gate says and becomes it: a run, and a guarded shell's
/// shim (with `argv[0]` the real tool).
pub(crate) fn become_decided(
    gate: &Gate,
    argv: &[OsString],
    env: &ChildEnv,
) -> anyhow::Result<std::convert::Infallible> {
    let ruling = gate.rule(&Command::Run {
        argv,
        env: Some(env),
    });
    if plan_first::wanted(gate, &ruling) {
        return plan_first::run(gate, argv, env);
    }
    gate.enforce(&ruling)?;
    Err(exec::run(argv, env).into())
}
