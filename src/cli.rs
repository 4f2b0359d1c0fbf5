//! The command line: what the person asked for, then resolve, verify and run, in that order.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;
use time::OffsetDateTime;

use crate::banner::{self, Banner};
use crate::childenv::{self, Facts};
use crate::error::{self, Failure};
use crate::profile::{Paths, ProfileSet};
use crate::{exec, identity, select, source, sso};

/// Run a command under an AWS profile, with verified, short-lived credentials.
#[derive(Debug, Parser)]
#[command(
    name = "guard",
    version,
    after_help = "Exit codes: 64 usage, 69 AWS or network unreachable, 77 refused, 78 configuration \
                  (no profile, bad config, not signed in), 126/127 command not runnable / not found; \
                  otherwise the command's own."
)]
pub struct Cli {
    /// The profile to use [default: $AWS_PROFILE, else the [default] profile]
    #[arg(short, long, value_name = "PROFILE")]
    profile: Option<String>,

    /// The region for the command [default: the profile's region]
    #[arg(short, long, value_name = "REGION")]
    region: Option<String>,

    /// Do not print the identity banner (errors are always printed)
    #[arg(short, long, env = "GUARD_QUIET", value_parser = clap::builder::FalseyValueParser::new())]
    quiet: bool,

    /// The command and its arguments; without one, guard starts $SHELL
    #[arg(trailing_var_arg = true, value_name = "COMMAND")]
    command: Vec<OsString>,
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
    match run(cli) {
        Ok(never) => match never {},
        Err(e) => error::report(&e),
    }
}

fn region(flag: Option<&str>, profile: Option<&str>) -> Option<String> {
    let inherited = || {
        ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|r| !r.is_empty()))
    };
    flag.or(profile).map(str::to_string).or_else(inherited)
}

fn run(cli: Cli) -> anyhow::Result<std::convert::Infallible> {
    let paths = Paths::from_env()?;
    let set = ProfileSet::load(&paths)?;
    let name = select::profile(cli.profile.as_deref(), &set, &paths)?;
    let profile = set.get(&name)?;
    let region = region(cli.region.as_deref(), profile.value("region"));
    // STS needs some region even when the command will run without one.
    let sts_region = region.clone().unwrap_or_else(|| "us-east-1".to_string());
    let chain = source::plan(&set, &name, &sts_region)?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Failure::new(
                error::Kind::Internal,
                format!("cannot start the async runtime: {e}"),
            )
        })?;
    let (resolved, identity, account_name) = runtime.block_on(async {
        let resolved = source::resolve(&chain).await?;
        let (identity, alias) = tokio::join!(
            identity::caller_identity(&resolved.creds, &sts_region),
            identity::account_alias(&resolved.creds)
        );
        let identity = identity?;
        identity::check_account(&name, chain.expected_account(), &identity)?;
        let account_name = match (alias, &resolved.sso) {
            (Some(alias), _) => Some(alias),
            (None, Some((login, token))) => {
                sso::account_name(login, token, &identity.account).await
            }
            (None, None) => None,
        };
        anyhow::Ok((resolved, identity, account_name))
    })?;
    drop(runtime);

    let (argv, shell) = if cli.command.is_empty() {
        let shell = std::env::var_os("SHELL")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/bin/sh".into());
        (
            vec![shell.clone()],
            Some(shell.to_string_lossy().into_owned()),
        )
    } else {
        (cli.command, None)
    };

    if !cli.quiet {
        let previous = std::env::var("GUARD_PROFILE").ok();
        let banner = Banner {
            profile: &name,
            switched_from: previous.as_deref(),
            identity: &identity,
            account_name: account_name.as_deref(),
            region: region.as_deref(),
            expiration: resolved.creds.expiration,
            shell: shell.as_deref(),
        };
        eprintln!(
            "{}",
            banner.render(banner::use_color(), OffsetDateTime::now_utc())
        );
    }

    let env = childenv::build(&Facts {
        profile: &name,
        creds: &resolved.creds,
        identity: &identity,
        account_name: account_name.as_deref(),
        region: region.as_deref(),
    });
    Err(exec::run(&argv, &env).into())
}
