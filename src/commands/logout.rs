//! `guard logout`: end sign-ins at IAM Identity Center and forget them on this machine.

use clap_complete::engine::ArgValueCandidates;

use crate::commands::completions;
use crate::credentials::aws;
use crate::credentials::cache;
use crate::credentials::sign_ins;
use crate::credentials::sso::logout::{self, SignedOut};
use crate::options::Options;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sso-session to sign out of [default: the only one configured]
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(completions::sso_sessions))]
    pub sso_session: Option<String>,
    /// Sign out of every sso-session
    #[arg(long)]
    pub all: bool,
}

pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    let (logins, net) = sign_ins::named(
        args.sso_session.as_deref(),
        options.profile.as_deref(),
        args.all,
    )?;
    aws::runtime()?.block_on(async {
        for login in &logins {
            // The credentials guard cached from the sign-in go first: once the token is gone,
            // nothing may use what it gave, whatever the portal answers.
            let cleared = cache::clear_sso_session(login.cache_key())?;
            match logout::sign_out(&net, login).await? {
                SignedOut::NotSignedIn if cleared == 0 => {
                    crate::sys::output::stderr_line(format_args!(
                        "guard: not signed in to {}; nothing to do",
                        login.describe()
                    ))
                }
                SignedOut::Done | SignedOut::NotSignedIn => crate::sys::output::stderr_line(
                    format_args!("guard: signed out of {}", login.describe()),
                ),
            }
        }
        // A token file a guard killed mid-write left (kill -9) holds a token too.
        if let Some(dir) = crate::credentials::sso::cache_file::path("guard")?.parent() {
            crate::sys::fsutil::sweep(dir);
        }
        Ok(())
    })
}
