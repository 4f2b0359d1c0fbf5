//! `guard setup`: from an IAM Identity Center start URL to every account as a profile. It writes
//! the `[sso-session]` (byte-preserving, with a backup, as populate writes), signs in as
//! `guard login` does, populates, lists the profiles and can make one of them sticky. It asks on
//! a terminal for what the command line leaves out; everything is checked before anything is
//! written.

use std::io::IsTerminal;

use crate::commands::{populate, profiles};
use crate::credentials::populate::{DEFAULT_TEMPLATE, Document, Template};
use crate::credentials::sign_ins;
use crate::credentials::sso::login::{self, FlowChoice};
use crate::credentials::sso::token::{self, Status};
use crate::credentials::sso::{SsoLogin, cache_file};
use crate::credentials::{aws, http};
use crate::options::Options;
use crate::resolve::profile::{Paths, ProfileSet};
use crate::resolve::sticky;
use crate::sys::error::Failure;
use crate::sys::fsutil;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Your organization's AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start
    #[arg(long, value_name = "URL")]
    pub start_url: Option<String>,
    /// The name of the [sso-session] to write [default on a terminal: from the start URL]
    #[arg(long, value_name = "NAME")]
    pub sso_session: Option<String>,
    /// Profile names, from {account_name}, {account_id}, {role_name} and {sso_session}
    #[arg(long, value_name = "T", default_value = DEFAULT_TEMPLATE)]
    pub template: String,
    /// Make this profile sticky afterwards (as `guard use PROFILE`)
    #[arg(long, value_name = "PROFILE")]
    pub default: Option<String>,
    /// Sign in with a code approved in any browser, instead of a browser on this machine
    #[arg(long)]
    pub use_device_code: bool,
    /// Do not open a browser; implies the device code
    #[arg(long)]
    pub no_browser: bool,
    /// Write the profiles of accounts the policy protects as `guard protect` does (see
    /// `guard populate --protect`)
    #[arg(long)]
    pub protect: bool,
}

/// Identity Center's region when the person has no other answer: where most organizations
/// enabled it, and the AWS CLI's own suggestion.
const DEFAULT_REGION: &str = "us-east-1";

/// The regions AWS has, by partition. A region that is not here is refused before anything is
/// written; if AWS opens one after this list was made, the [sso-session] can be written by hand.
const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-east-1",
    "us-gov-west-1",
];

/// A start URL guard recognizes, and what it suggests.
#[derive(Debug, PartialEq, Eq)]
struct StartUrl {
    url: String,
    /// The sso-session name to propose: the portal's subdomain (or directory ID).
    name: String,
    /// The region the URL names, for portal URLs that carry one.
    region: Option<String>,
}

const START_URL_FORMS: &str = "an IAM Identity Center start URL looks like \
    https://d-1234567890.awsapps.com/start or https://mycompany.awsapps.com/start (the AWS \
    access portal URL in Identity Center's settings, or in the invitation email)";

fn start_url(text: &str) -> Result<StartUrl, String> {
    let url = text.trim();
    let not_one = |why: &str| format!("{url:?} is not an IAM Identity Center start URL: {why}");
    // It goes into the config file as one line: a line break in it would start a section.
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(not_one(
            "it holds a space, a line break or a control character",
        ));
    }
    let rest = url
        .strip_prefix("https://")
        .ok_or_else(|| not_one("it must start with https://"))?;
    let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, path) = rest.split_at(split);
    let host = host.to_ascii_lowercase();
    let label = |text: &str| {
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let named = |name: &str, region: Option<&str>| StartUrl {
        url: url.to_string(),
        name: name.to_string(),
        region: region.map(str::to_string),
    };
    // GovCloud: https://start.us-gov-home.awsapps.com/directory/d-1234567890
    if (host == "start.us-gov-home.awsapps.com" || host.ends_with(".us-gov-home.awsapps.com"))
        && let Some(directory) = path.strip_prefix("/directory/")
        && label(directory.trim_end_matches('/'))
    {
        return Ok(named(directory.trim_end_matches('/'), None));
    }
    for suffix in [".awsapps.com", ".awsapps.cn"] {
        if let Some(subdomain) = host.strip_suffix(suffix)
            && label(subdomain)
        {
            return if path == "/start" || path.starts_with("/start/") || path.starts_with("/start#")
            {
                Ok(named(subdomain, None))
            } else {
                Err(not_one("its path must be /start"))
            };
        }
    }
    // Dual-stack portals: https://ssoins-1234567890abcdef.portal.eu-west-1.app.aws
    let parts: Vec<&str> = host.split('.').collect();
    if let [instance, "portal", region, "app", "aws"] = parts.as_slice()
        && instance.starts_with("ssoins-")
        && label(instance)
        && REGIONS.contains(region)
    {
        return Ok(named(instance, Some(region)));
    }
    Err(not_one(
        "its address is not one of Identity Center's (*.awsapps.com)",
    ))
}

fn region(text: &str) -> Result<String, String> {
    let region = text.trim();
    if REGIONS.contains(&region) {
        return Ok(region.to_string());
    }
    let mut close: Vec<(f64, &str)> = REGIONS
        .iter()
        .map(|r| (strsim::jaro_winkler(region, r), *r))
        .filter(|(score, _)| *score > 0.85)
        .collect();
    close.sort_by(|a, b| b.0.total_cmp(&a.0));
    let suggestion = match close.first() {
        Some((_, r)) => format!("; did you mean {r}?"),
        None => "; it is the region in Identity Center's settings, like us-east-1 or eu-west-1"
            .to_string(),
    };
    Err(format!("'{region}' is not an AWS region{suggestion}"))
}

/// A name the config file can carry in `[sso-session NAME]` and the AWS CLI accepts.
fn session_name(text: &str, set: &ProfileSet, url: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(format!(
            "'{name}' cannot name an sso-session: use letters, digits, '-', '_' and '.'"
        ));
    }
    if let Some(existing) = set.sso_session(name)
        && existing.value("sso_start_url").map(same_url) != Some(same_url(url))
    {
        return Err(format!(
            "there is already an [sso-session {name}] for another start URL ({}); choose another name",
            existing.value("sso_start_url").unwrap_or("none")
        ));
    }
    Ok(name.to_string())
}

/// Start URLs compare without a trailing `/` or `#`, as people paste them either way.
fn same_url(url: &str) -> String {
    url.trim().trim_end_matches(['/', '#']).to_ascii_lowercase()
}

/// Asks on the terminal until the answer passes `check`.
fn ask<T>(
    prompt: &str,
    default: Option<&str>,
    check: impl Fn(&str) -> Result<T, String>,
) -> anyhow::Result<T> {
    // Empty answers reach `check` too, so that it can say what is wanted (or take "none").
    let mut input = dialoguer::Input::<String>::new()
        .with_prompt(prompt)
        .allow_empty(true);
    if let Some(default) = default {
        input = input.default(default.to_string());
    }
    let answer = input
        .validate_with(|answer: &String| check(answer).map(|_| ()))
        .interact_text()
        .map_err(|e| Failure::refused(format!("no answer at the terminal ({e})")))?;
    check(&answer).map_err(|why| Failure::usage(why).into())
}

/// The session as it will be: already in the config (same start URL), or to be written.
struct Session {
    name: String,
    region: String,
    url: String,
    new: bool,
}

pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    options.no_profile("setup")?;
    // Checked here so that a bad template stops setup before anything is written.
    Template::parse(&args.template)?;
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let paths = Paths::from_env()?;
    let set = ProfileSet::load(&paths)?;
    let session = settle(options, args, &set, terminal)?;

    if session.new {
        write_session(&paths, &session)?;
    } else {
        crate::sys::output::stderr_line(format_args!(
            "guard: {} already has [sso-session {}] for {}",
            paths.config.display(),
            session.name,
            session.url
        ));
    }

    let set = ProfileSet::load(&paths)?;
    let (login, net) = sign_ins::session(&set, &paths, &session.name)?;
    sign_in(&net, &login, args)?;
    populate::run(
        &Options {
            region: None,
            ..options.clone()
        },
        &populate::Args {
            sso_session: session.name.clone(),
            dry_run: false,
            prune: false,
            template: args.template.clone(),
            protect: args.protect,
        },
    )?;
    profiles::run(options, false)?;
    make_sticky(args, &paths, &session.name, terminal)
}

/// Every value, from the command line or the terminal, checked; nothing is written yet.
fn settle(
    options: &Options,
    args: &Args,
    set: &ProfileSet,
    terminal: bool,
) -> anyhow::Result<Session> {
    let missing = |what: &str| -> anyhow::Error {
        Failure::usage(format!(
            "guard setup needs {what}, and there is no terminal to ask on"
        ))
        .with_hint(
            "guard setup --start-url URL --region REGION --sso-session NAME (every value, for a script)",
        )
        .into()
    };
    let start = match &args.start_url {
        Some(text) => {
            start_url(text).map_err(|why| Failure::usage(why).with_hint(START_URL_FORMS))?
        }
        None if terminal => ask("IAM Identity Center start URL", None, start_url)?,
        None => return Err(missing("--start-url URL")),
    };
    let region_flag = options
        .region
        .as_deref()
        .map(region)
        .transpose()
        .map_err(Failure::usage)?;

    // The same organization again: its session stays as it is, and only new assignments come.
    let existing = set
        .sso_sessions()
        .find(|s| s.value("sso_start_url").map(same_url) == Some(same_url(&start.url)));
    if let Some(existing) = existing {
        let name = existing.name.clone();
        if let Some(wanted) = &args.sso_session
            && *wanted != name
        {
            return Err(Failure::usage(format!(
                "{} is already set up as [sso-session {name}], not '{wanted}'",
                start.url
            ))
            .with_hint(format!(
                "run guard setup --sso-session {name}, or leave --sso-session out"
            ))
            .into());
        }
        let configured = existing.value("sso_region").unwrap_or_default().to_string();
        if let Some(wanted) = &region_flag
            && *wanted != configured
        {
            return Err(Failure::usage(format!(
                "[sso-session {name}] has sso_region {configured}, not {wanted}"
            ))
            .with_hint("edit sso_region in the config if Identity Center moved; guard setup changes no existing session")
            .into());
        }
        return Ok(Session {
            name,
            region: configured,
            url: start.url,
            new: false,
        });
    }

    let name = match &args.sso_session {
        Some(text) => session_name(text, set, &start.url).map_err(Failure::usage)?,
        None if terminal => ask("Name for this sso-session", Some(&start.name), |answer| {
            session_name(answer, set, &start.url)
        })?,
        None => return Err(missing("--sso-session NAME")),
    };
    let region = match region_flag {
        Some(region) => region,
        None if terminal => ask(
            "IAM Identity Center region",
            Some(start.region.as_deref().unwrap_or(DEFAULT_REGION)),
            region,
        )?,
        None => return Err(missing("--region REGION")),
    };
    Ok(Session {
        name,
        region,
        url: start.url,
        new: true,
    })
}

fn write_session(paths: &Paths, session: &Session) -> anyhow::Result<()> {
    let _lock = fsutil::edit_lock(&paths.config, fsutil::patience(fsutil::EDIT_PATIENCE))?;
    let before = fsutil::read_text(&paths.config, fsutil::CONFIG_LIMIT)
        .map_err(fsutil::Unreadable::into_failure)?
        .unwrap_or_default();
    let mut document = Document::parse(&before);
    document.append_sso_session(
        &session.name,
        &[
            ("sso_start_url", session.url.clone()),
            ("sso_region", session.region.clone()),
            ("sso_registration_scopes", "sso:account:access".to_string()),
        ],
    )?;
    crate::credentials::populate::write_config(&paths.config, &before, &document.render())?;
    crate::sys::output::stderr_line(format_args!(
        "guard: added [sso-session {}] to {}",
        session.name,
        paths.config.display()
    ));
    Ok(())
}

/// Signs in as `guard login` does, unless the cache holds a sign-in that still works.
fn sign_in(net: &http::Settings, login: &SsoLogin, args: &Args) -> anyhow::Result<()> {
    if let Status::SignedIn { .. } | Status::Refreshable { .. } = token::status(login) {
        crate::sys::output::stderr_line(format_args!(
            "guard: already signed in to {}",
            login.describe()
        ));
        return Ok(());
    }
    let how = FlowChoice {
        use_device_code: args.use_device_code,
        no_browser: args.no_browser,
    };
    let signed_in = aws::runtime()?.block_on(login::sign_in(net, login, how))?;
    crate::sys::output::stderr_line(format_args!(
        "guard: signed in to {} until {}",
        login.describe(),
        cache_file::format_time(signed_in.expires_at)
    ));
    Ok(())
}

/// `--default PROFILE`, or on a terminal the person's choice among the session's profiles.
fn make_sticky(args: &Args, paths: &Paths, session: &str, terminal: bool) -> anyhow::Result<()> {
    let set = ProfileSet::load(paths)?;
    let chosen = match &args.default {
        Some(name) => {
            set.get(name)?;
            Some(name.clone())
        }
        None if terminal => {
            let ours: Vec<String> = set
                .profiles()
                .filter(|p| crate::credentials::populate::is_ours(p, session))
                .map(|p| p.name.clone())
                .collect();
            ask(
                "Make one of them sticky, so guard uses it without -p? (a profile, or Enter for none)",
                None,
                |answer| match answer.trim() {
                    "" => Ok(None),
                    name if set.find(name).is_some() => Ok(Some(name.to_string())),
                    name => Err(format!(
                        "no profile named '{name}'; this session's are: {}",
                        ours.join(", ")
                    )),
                },
            )?
        }
        None => None,
    };
    match chosen {
        Some(name) => {
            let path = sticky::write(&name)?;
            crate::sys::output::stderr_line(format_args!(
                "guard: '{name}' is sticky (in {}); `guard use --clear` forgets it",
                path.display()
            ));
            crate::sys::output::stderr_line(format_args!(
                "guard: try `guard -- aws sts get-caller-identity`"
            ));
        }
        None => {
            if let Some(first) = set
                .profiles()
                .find(|p| crate::credentials::populate::is_ours(p, session))
            {
                crate::sys::output::stderr_line(format_args!(
                    "guard: try `guard -p {} -- aws sts get-caller-identity`",
                    first.name
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_urls() {
        let ok = |url: &str| start_url(url).unwrap();
        assert_eq!(
            ok("https://d-1234567890.awsapps.com/start").name,
            "d-1234567890"
        );
        assert_eq!(
            ok(" https://MyCompany.awsapps.com/start/ ").name,
            "mycompany"
        );
        assert_eq!(
            ok("https://mycompany.awsapps.com/start#/").name,
            "mycompany"
        );
        assert_eq!(
            ok("https://d-1234567890.awsapps.cn/start").name,
            "d-1234567890"
        );
        assert_eq!(
            ok("https://start.us-gov-home.awsapps.com/directory/d-1234567890").name,
            "d-1234567890"
        );
        let portal = ok("https://ssoins-1234567890abcdef.portal.eu-west-1.app.aws");
        assert_eq!(portal.name, "ssoins-1234567890abcdef");
        assert_eq!(portal.region.as_deref(), Some("eu-west-1"));
        for bad in [
            "http://d-1234567890.awsapps.com/start",
            "https://d-1234567890.awsapps.com/",
            "https://d-1234567890.awsapps.com.evil.example/start",
            "https://login.microsoftonline.com/start",
            "https://awsapps.com/start",
            "d-1234567890.awsapps.com/start",
            "https://ssoins-1.portal.nowhere-1.app.aws",
            "",
        ] {
            assert!(start_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regions() {
        assert_eq!(region("eu-west-1").unwrap(), "eu-west-1");
        let wrong = region("eu-wst-1").unwrap_err();
        assert!(wrong.contains("did you mean eu-west-1"), "{wrong}");
        assert!(region("mars-north-1").is_err());
        assert!(region("").is_err());
    }
}
