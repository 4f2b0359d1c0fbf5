//! The command line: what the person asked for, and which command serves it.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::commands;
use crate::error;

const EXIT_CODES: &str = "Exit codes: 64 usage, 69 AWS or network unreachable, 77 refused, \
                          78 configuration (no profile, bad config, not signed in), 126/127 command \
                          not runnable / not found; otherwise the command's own.";

/// Run a command under an AWS profile, with verified, short-lived credentials.
#[derive(Debug, Parser)]
#[command(name = "guard", version, after_help = EXIT_CODES, disable_help_subcommand = true)]
pub struct Cli {
    #[command(flatten)]
    global: Global,

    #[command(subcommand)]
    subcommand: Option<Sub>,

    /// The command and its arguments; without one, guard starts $SHELL. Write `--` before a
    /// command that has the name of one of guard's own subcommands.
    #[arg(trailing_var_arg = true, value_name = "COMMAND")]
    command: Vec<OsString>,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The profile to use [default: $AWS_PROFILE, else the [default] profile]
    #[arg(short, long, value_name = "PROFILE", global = true)]
    pub profile: Option<String>,

    /// The region for the command [default: the profile's region]
    #[arg(short, long, value_name = "REGION", global = true)]
    pub region: Option<String>,

    /// Consent, from a script, to run a command that needs confirmation: the account's name or ID
    #[arg(long, value_name = "NAME", global = true, env = "GUARD_CONFIRM")]
    pub confirm: Option<String>,

    /// A policy file layered over all others
    #[arg(long, value_name = "FILE", global = true)]
    pub policy: Option<std::path::PathBuf>,

    /// Do not print the identity banner (errors are always printed)
    #[arg(short, long, global = true, env = "GUARD_QUIET", value_parser = clap::builder::FalseyValueParser::new())]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// See and check the policy that protects accounts
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// Show the verified identity of a profile, without running anything
    Whoami {
        /// Print JSON: profile, account_id, account_name, arn, user_id, region, expires_at
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum PolicyAction {
    /// Show how a command is classified and what the policy decides, without running it
    Explain {
        /// Decide for this account ID instead of a profile's verified account (no network)
        #[arg(long, value_name = "ID", conflicts_with = "profile")]
        account: Option<String>,
        /// The command to explain
        #[arg(last = true, required = true, value_name = "COMMAND")]
        command: Vec<OsString>,
    },
    /// Validate the policy files (and FILEs) and print the policy in force with its sources
    Check {
        #[arg(value_name = "FILE")]
        files: Vec<std::path::PathBuf>,
    },
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(error::Kind::Usage.code())
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.subcommand {
        Some(Sub::Whoami { json }) => commands::whoami::run(&cli.global, json),
        Some(Sub::Policy {
            action: PolicyAction::Explain { account, command },
        }) => commands::policy::explain(&cli.global, account.as_deref(), &command),
        Some(Sub::Policy {
            action: PolicyAction::Check { files },
        }) => commands::policy::check(&cli.global, &files),
        None => commands::run::run(&cli.global, cli.command).map(|never| match never {}),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => error::report(&e),
    }
}
