//! `guard [-p PROFILE] -- COMMAND`: verify, show the banner, and become the command.

use std::ffi::OsString;

use time::OffsetDateTime;

use crate::banner::{self, Banner};
use crate::childenv::{self, Facts};
use crate::cli::Global;
use crate::exec;
use crate::verify::verify;

pub fn run(global: &Global, command: Vec<OsString>) -> anyhow::Result<std::convert::Infallible> {
    let verified = verify(global.profile.as_deref(), global.region.as_deref())?;

    let (argv, shell) = if command.is_empty() {
        let shell = std::env::var_os("SHELL")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/bin/sh".into());
        let shown = shell.to_string_lossy().into_owned();
        (vec![shell], Some(shown))
    } else {
        (command, None)
    };

    if !global.quiet {
        let previous = std::env::var("GUARD_PROFILE").ok();
        let banner = Banner {
            profile: &verified.profile,
            switched_from: previous.as_deref(),
            identity: &verified.identity,
            account_name: verified.account_name.as_deref(),
            region: verified.region.as_deref(),
            expiration: verified.creds.expiration,
            shell: shell.as_deref(),
        };
        eprintln!(
            "{}",
            banner.render(banner::use_color(), OffsetDateTime::now_utc())
        );
    }

    let env = childenv::build(&Facts {
        profile: &verified.profile,
        creds: &verified.creds,
        identity: &verified.identity,
        account_name: verified.account_name.as_deref(),
        region: verified.region.as_deref(),
    });
    Err(exec::run(&argv, &env).into())
}
