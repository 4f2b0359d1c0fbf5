//! The command line: what the person asked for, and which command serves it.

use std::ffi::OsString;
use std::mem::ManuallyDrop;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use clap_complete::engine::ArgValueCandidates;

use crate::commands;
use crate::commands::completions;
use crate::commands::env::Format;
use crate::error;
use crate::exit_codes;
use crate::options::Options;
use crate::output;
use crate::verify::CacheUse;

/// Run a command under an AWS profile, with verified, short-lived credentials.
#[derive(Debug, Parser)]
#[command(name = "guard", version, after_help = exit_codes::ExitCode::help(), disable_help_subcommand = true)]
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
struct Global {
    /// The profile to use [default: $AWS_PROFILE, else the sticky one (guard use), else [default]]
    #[arg(short, long, value_name = "PROFILE", global = true, add = ArgValueCandidates::new(completions::profiles))]
    pub profile: Option<String>,

    /// The region for the command [default: the profile's region]
    #[arg(short, long, value_name = "REGION", global = true, value_parser = parse_region)]
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

    /// Fetch new credentials even when the cache holds good ones (and cache the new ones)
    #[arg(long, global = true)]
    pub fresh: bool,

    /// Ask STS again who cached credentials are (GetCallerIdentity); rejected ones are replaced
    #[arg(long, global = true)]
    pub verify: bool,

    /// Stay the command's parent and serve it credentials that are refreshed as they expire
    /// (the container credentials endpoint every AWS SDK reads), instead of fixed keys
    #[arg(long, env = "GUARD_SERVER", value_parser = clap::builder::FalseyValueParser::new())]
    pub server: bool,

    /// Replace cached credentials that have less than this left: 600, 90s, 10m, 1h
    #[arg(long, global = true, env = "GUARD_MIN_TTL", default_value = "10m", value_name = "DURATION", value_parser = parse_duration)]
    pub min_ttl: time::Duration,
}

impl Global {
    /// The options as the commands read them.
    fn options(self) -> Options {
        Options {
            profile: self.profile,
            region: self.region,
            confirm: self.confirm,
            policy: self.policy,
            quiet: self.quiet,
            server: self.server,
            cache_use: CacheUse {
                fresh: self.fresh,
                verify: self.verify,
                min_ttl: self.min_ttl,
            },
        }
    }
}

fn parse_region(text: &str) -> Result<String, String> {
    if crate::aws::is_region(text) {
        Ok(text.to_string())
    } else {
        Err(format!("'{text}' is not an AWS region (like eu-west-1)"))
    }
}

/// Whole seconds, or a number with the unit `s`, `m` or `h`.
fn parse_duration(text: &str) -> Result<time::Duration, String> {
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(split) => text.split_at(split),
        None => (text, "s"),
    };
    let seconds_per_unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => {
            return Err(format!(
                "'{text}' is not a duration (examples: 600, 90s, 10m, 1h)"
            ));
        }
    };
    let number: i64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration (examples: 600, 90s, 10m, 1h)"))?;
    number
        .checked_mul(seconds_per_unit)
        .map(time::Duration::seconds)
        .ok_or_else(|| format!("'{text}' is too long"))
}

/// Deferred: a subcommand's own arguments are made only when it is the one on the command line.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
enum Sub {
    /// Sign in to IAM Identity Center (into the token cache the AWS CLI shares)
    Login(commands::login::Args),
    /// Sign out of IAM Identity Center and remove the cached token
    Logout(commands::logout::Args),
    /// See and check the policy that protects accounts
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// List every profile with its kind, account, role, region and sign-in state (no network)
    Profiles {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Show the verified identity of a profile, without running anything
    Whoami {
        /// Print JSON: profile, account_id, account_name, arn, user_id, region, expires_at
        #[arg(long)]
        json: bool,
    },
    /// Write a profile into ~/.aws/config for every account and role of an sso-session
    Populate(commands::populate::Args),
    /// Print the variables guard would give a command, for `eval "$(guard env -p PROFILE)"`
    Env {
        /// The syntax to print them in
        #[arg(long, value_enum, default_value_t = Format::Sh)]
        format: Format,
    },
    /// Print a profile's credentials for `credential_process = guard credential-process -p PROFILE`
    CredentialProcess,
    /// Print a short prompt segment from the GUARD_* variables (no file or network access)
    Prompt,
    /// Print a token for an EKS cluster, as `aws eks get-token` does, for kubectl's exec (cached)
    EksToken(commands::eks_token::Args),
    /// Open the AWS console signed in with a profile's verified credentials (or --print the link)
    Console(commands::console::Args),
    /// Make a profile sticky: later runs use it when neither -p nor a variable names one
    Use(commands::use_::Args),
    /// From a start URL to every account as a profile: writes the [sso-session], signs in, populates
    #[command(
        after_help = "Here -r/--region is IAM Identity Center's region [default on a terminal: us-east-1]."
    )]
    Setup(commands::setup::Args),
    /// Print a completion script: `source <(guard completions bash)`; names profiles for -p
    Completions {
        #[arg(value_enum)]
        shell: completions::Shell,
    },
    /// Print the manual page: `guard man | man -l -`
    Man,
    /// Manage the credential cache
    Cache {
        #[command(subcommand)]
        action: CacheAction,
    },
}

#[derive(Debug, Subcommand)]
enum CacheAction {
    /// Remove cached credentials; with -p PROFILE, only those that profile's settings went into
    Clear,
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
    /// Trust a project's .guard.toml as it is now, so that it may loosen protection too
    Trust {
        /// The file [default: the nearest .guard.toml from here upward]
        #[arg(value_name = "FILE")]
        file: Option<std::path::PathBuf>,
        /// Stop trusting it: it can only tighten protection again
        #[arg(long)]
        revoke: bool,
    },
}

/// Runs guard; the exit status.
pub fn main() -> u8 {
    completions::answer_if_asked(Cli::command);
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit_codes::ExitCode::Usage.code()
            } else {
                exit_codes::ExitCode::Success.code()
            };
        }
    };
    let options = &cli.global.options();
    let result = match cli.subcommand {
        Some(Sub::Login(args)) => commands::login::run(options, &args),
        Some(Sub::Logout(args)) => commands::logout::run(options, &args),
        Some(Sub::Policy {
            action: PolicyAction::Explain { account, command },
        }) => commands::policy::explain(options, account.as_deref(), &command),
        Some(Sub::Policy {
            action: PolicyAction::Check { files },
        }) => commands::policy::check(options, &files),
        Some(Sub::Policy {
            action: PolicyAction::Trust { file, revoke },
        }) => commands::policy::trust(options, file.as_deref(), revoke),
        Some(Sub::Profiles { json }) => commands::profiles::run(options, json),
        Some(Sub::Whoami { json }) => commands::whoami::run(options, json),
        Some(Sub::Populate(args)) => commands::populate::run(options, &args),
        Some(Sub::Env { format }) => commands::env::run(options, format),
        Some(Sub::CredentialProcess) => commands::credential_process::run(options),
        Some(Sub::Prompt) => commands::prompt::run(options),
        Some(Sub::EksToken(args)) => commands::eks_token::run(options, &args),
        Some(Sub::Console(args)) => commands::console::run(options, &args),
        Some(Sub::Use(args)) => commands::use_::run(options, &args),
        Some(Sub::Setup(args)) => commands::setup::run(options, &args),
        Some(Sub::Completions { shell }) => completions::run(options, shell),
        Some(Sub::Man) => commands::man::run(options, Cli::command()),
        Some(Sub::Cache {
            action: CacheAction::Clear,
        }) => commands::cache::clear(options),
        None => commands::run::run(options, cli.command).map(|never| match never {}),
    };
    match result {
        Ok(()) => exit_codes::ExitCode::Success.code(),
        Err(e) => match e.downcast_ref::<output::Closed>() {
            Some(closed) => closed.status.code(),
            None => error::report(&e).code(),
        },
    }
}

/// The command line, parsed. clap's tables are not freed: guard execs or exits right after, and
/// freeing them cost a seventh of a warm run's instructions.
fn parse() -> Result<Cli, clap::Error> {
    let mut command = ManuallyDrop::new(Cli::command());
    let mut matches = ManuallyDrop::new(command.try_get_matches_from_mut(std::env::args_os())?);
    Cli::from_arg_matches_mut(&mut matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_the_exit_codes() {
        use clap::CommandFactory;
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains(&exit_codes::ExitCode::help()), "{help}");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("600"), Ok(time::Duration::minutes(10)));
        assert_eq!(parse_duration("90s"), Ok(time::Duration::seconds(90)));
        assert_eq!(parse_duration("10m"), Ok(time::Duration::minutes(10)));
        assert_eq!(parse_duration("1h"), Ok(time::Duration::hours(1)));
        for bad in [
            "",
            "m",
            "10 m",
            "-5m",
            "1d",
            "1.5h",
            "99999999999999999999h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    /// The manual page is rendered from this command line.
    #[test]
    fn every_subcommand_has_a_section() {
        let page = commands::man::render(Cli::command()).unwrap();
        for name in [
            "guard login",
            "guard use",
            "guard policy explain",
            "guard cache clear",
        ] {
            assert!(
                page.contains(&format!(".SS \"{name}\"")) || page.contains(&format!(".SS {name}")),
                "{name}"
            );
        }
        assert!(page.contains(".SH \"EXIT STATUS\"") || page.contains(".SH EXIT STATUS"));
    }
}
