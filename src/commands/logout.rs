//! `guard logout`: end sign-ins at IAM Identity Center and forget them on this machine.

use crate::aws;
use crate::cli::{Global, LogoutArgs};
use crate::profile::{Paths, ProfileSet};
use crate::sso::choose::{self, Which};
use crate::sso::logout::{self, SignedOut};

pub fn run(global: &Global, args: &LogoutArgs) -> anyhow::Result<()> {
    let which = Which::new(
        args.sso_session.as_deref(),
        global.profile.as_deref(),
        args.all,
    )?;
    let paths = Paths::from_env()?;
    let set = ProfileSet::load(&paths)?;
    let logins = choose::logins(&set, &paths, which)?;
    aws::runtime()?.block_on(async {
        for login in &logins {
            match logout::sign_out(login).await? {
                SignedOut::Done => crate::output::stderr_line(format_args!(
                    "guard: signed out of {}",
                    login.describe()
                )),
                SignedOut::NotSignedIn => crate::output::stderr_line(format_args!(
                    "guard: not signed in to {}; nothing to do",
                    login.describe()
                )),
            }
        }
        Ok(())
    })
}
