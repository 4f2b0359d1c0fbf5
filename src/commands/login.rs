//! `guard login`: sign in to IAM Identity Center, into the cache the AWS CLI shares.

use time::OffsetDateTime;

use clap_complete::engine::ArgValueCandidates;

use crate::commands::completions;
use crate::credentials::aws;
use crate::credentials::sign_ins;
use crate::credentials::sso::cache_file::format_time;
use crate::credentials::sso::login::{self, FlowChoice};
use crate::decide::banner::time_left;
use crate::options::Options;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sso-session to sign in to [default: the only one configured]
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(completions::sso_sessions))]
    pub sso_session: Option<String>,
    /// Sign in to every sso-session in turn
    #[arg(long)]
    pub all: bool,
    /// Sign in with a code approved in any browser, instead of a browser on this machine
    #[arg(long)]
    pub use_device_code: bool,
    /// Do not open a browser; implies the device code
    #[arg(long)]
    pub no_browser: bool,
}

pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    let (logins, net) = sign_ins::named(
        args.sso_session.as_deref(),
        options.profile.as_deref(),
        args.all,
    )?;
    let how = FlowChoice {
        use_device_code: args.use_device_code,
        no_browser: args.no_browser,
    };
    aws::runtime()?.block_on(async {
        for login in &logins {
            let signed_in = login::sign_in(&net, login, how).await?;
            crate::sys::output::stderr_line(format_args!(
                "guard: signed in to {} until {} ({})",
                login.describe(),
                format_time(signed_in.expires_at),
                time_left(Some(signed_in.expires_at), OffsetDateTime::now_utc())
            ));
        }
        Ok(())
    })
}
