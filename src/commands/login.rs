//! `guard login`: sign in to IAM Identity Center, into the cache the AWS CLI shares.

use time::OffsetDateTime;

use crate::aws;
use crate::banner::time_left;
use crate::cli::{Global, LoginArgs};
use crate::profile::{Paths, ProfileSet};
use crate::sso::choose::{self, Which};
use crate::sso::login::{self, Options};
use crate::sso::token::format_time;

pub fn run(global: &Global, args: &LoginArgs) -> anyhow::Result<()> {
    let which = Which::new(
        args.sso_session.as_deref(),
        global.profile.as_deref(),
        args.all,
    )?;
    let options = Options {
        use_device_code: args.use_device_code,
        no_browser: args.no_browser,
    };
    let paths = Paths::from_env()?;
    let set = ProfileSet::load(&paths)?;
    let logins = choose::logins(&set, &paths, which)?;
    aws::runtime()?.block_on(async {
        for login in &logins {
            let signed_in = login::sign_in(login, options).await?;
            crate::output::stderr_line(format_args!(
                "guard: signed in to {} until {} ({})",
                login.describe(),
                format_time(signed_in.expires_at),
                time_left(Some(signed_in.expires_at), OffsetDateTime::now_utc())
            ));
        }
        Ok(())
    })
}
