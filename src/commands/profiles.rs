//! `guard profiles`: every profile, what it is, whether its sign-in is usable and whether the
//! policy protects its account, from local files alone (no network, so it is instant).

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::credentials::populate::ACCOUNT_NAME_KEY;
use crate::credentials::source::{self, Base};
use crate::credentials::sso::SsoLogin;
use crate::credentials::sso::token::{self, Status};
use crate::decide::banner::time_left;
use crate::decide::policy::{Policy, Target};
use crate::options::Options;
use crate::resolve::account::AccountId;
use crate::resolve::profile::{Paths, Profile, ProfileSet};
use crate::resolve::sticky;
use crate::sys::output::{self, Delivery};

#[derive(Serialize)]
struct Row {
    name: String,
    kind: &'static str,
    sso_session: Option<String>,
    account_id: Option<String>,
    account_name: Option<String>,
    role: Option<String>,
    region: Option<String>,
    /// signed_in | refreshable | expired | not_signed_in | damaged | n/a
    sign_in: &'static str,
    sign_in_expires_at: Option<String>,
    /// Why the profile cannot be used, when it cannot.
    error: Option<String>,
    default: bool,
    current: bool,
    /// The profile `guard use` made sticky.
    sticky: bool,
    /// Whether the policy protects the profile's account; None when the config names no account.
    protected: Option<bool>,
    #[serde(skip)]
    sign_in_text: String,
}

fn kind(profile: &Profile) -> &'static str {
    let has = |key: &str| profile.get(key).is_some();
    if has("role_arn") {
        // A token file makes it AssumeRoleWithWebIdentity whatever source_profile says.
        if has("web_identity_token_file") {
            "web identity"
        } else {
            "role"
        }
    } else if has("sso_session") || has("sso_start_url") {
        "sso"
    } else if has("login_session") {
        "login"
    } else if has("aws_access_key_id") {
        "static"
    } else if has("credential_process") {
        "process"
    } else {
        "none"
    }
}

fn account_and_role(profile: &Profile) -> (Option<String>, Option<String>) {
    if let Some(account) = profile.value("sso_account_id") {
        return (
            Some(account.to_string()),
            profile.value("sso_role_name").map(str::to_string),
        );
    }
    match profile
        .value("role_arn")
        .and_then(|arn| arn.parse::<crate::resolve::account::RoleArn>().ok())
    {
        Some(arn) => (
            Some(arn.account.to_string()),
            arn.arn.rsplit('/').next().map(str::to_string),
        ),
        None => (None, None),
    }
}

/// The sign-in state: a word for JSON, words for people, and the expiry when there is one.
fn sign_in(status: &Status, now: OffsetDateTime) -> (&'static str, String, Option<OffsetDateTime>) {
    match *status {
        Status::NotSignedIn => ("not_signed_in", "not signed in".into(), None),
        Status::SignedIn { expires_at } => (
            "signed_in",
            format!("signed in, {}", time_left(Some(expires_at), now)),
            Some(expires_at),
        ),
        Status::Refreshable { expired_at } => (
            "refreshable",
            "expired, renews on next use".into(),
            Some(expired_at),
        ),
        Status::Expired { expired_at } => ("expired", "expired".into(), Some(expired_at)),
        Status::Damaged(_) => ("damaged", "damaged token cache".into(), None),
    }
}

/// The profiles this shell and `guard use` point at.
struct Marked {
    current: Option<String>,
    sticky: Option<String>,
}

fn row(
    set: &ProfileSet,
    policy: &Policy,
    profile: &Profile,
    marked: &Marked,
    now: OffsetDateTime,
) -> Row {
    let (account_id, role) = account_and_role(profile);
    let account_name = profile.value(ACCOUNT_NAME_KEY);
    let protected = account_id
        .as_deref()
        .and_then(|id| id.parse::<AccountId>().ok())
        .map(|account| {
            policy
                .account(&Target {
                    account: &account,
                    known_name: account_name,
                    profile: &profile.name,
                })
                .protected
        });
    let mut row = Row {
        name: profile.name.clone(),
        kind: kind(profile),
        sso_session: None,
        account_id,
        account_name: account_name.map(str::to_string),
        role,
        region: profile.value("region").map(str::to_string),
        sign_in: "n/a",
        sign_in_expires_at: None,
        error: None,
        default: profile.name == "default",
        current: marked.current.as_deref() == Some(profile.name.as_str()),
        sticky: marked.sticky.as_deref() == Some(profile.name.as_str()),
        protected,
        sign_in_text: "n/a".into(),
    };
    if row.kind == "none" {
        // Settings only (a [default] with a region, say): nothing to sign in to, nothing wrong.
        return row;
    }
    // A role profile on top of an SSO profile lives on that profile's sign-in.
    match source::chain_agreed(set, &profile.name, "us-east-1") {
        Ok(chain) => {
            if let Base::Sso(target) = &chain.base {
                if let SsoLogin::Session { name, .. } = &target.login {
                    row.sso_session = Some(name.clone());
                }
                let status = token::status(&target.login);
                let (state, text, expires_at) = sign_in(&status, now);
                if let Status::Damaged(why) = status {
                    row.error = Some(why);
                }
                row.sign_in = state;
                row.sign_in_text = text;
                row.sign_in_expires_at = expires_at.and_then(|e| e.format(&Rfc3339).ok());
            }
        }
        Err(e) => {
            row.error = Some(format!("{e:#}"));
            row.sign_in_text = "misconfigured".into();
        }
    }
    row
}

pub fn run(options: &Options, json: bool) -> anyhow::Result<()> {
    options.no_profile("profiles")?;
    let policy = options.policy()?;
    let paths = Paths::from_env()?;
    let set = ProfileSet::load(&paths)?;
    let marked = Marked {
        current: ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|p| !p.is_empty())),
        // A listing shows what is there; a damaged record is said, and stops only a run.
        sticky: sticky::read().unwrap_or_else(|e| {
            crate::sys::error::warn(format!("{e:#}"));
            None
        }),
    };
    let now = OffsetDateTime::now_utc();
    let rows: Vec<Row> = set
        .profiles()
        .map(|p| row(&set, &policy, p, &marked, now))
        .collect();
    if json {
        return output::stdout(
            &(serde_json::to_string_pretty(&rows)? + "\n"),
            Delivery::Listing,
        );
    }
    if rows.is_empty() {
        output::stderr_line(format_args!(
            "guard: no profiles in {} or {}",
            paths.config.display(),
            paths.credentials.display()
        ));
        return Ok(());
    }
    output::stdout(&table(&rows), Delivery::Listing)
}

fn table(rows: &[Row]) -> String {
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut lines: Vec<[String; 9]> = vec![[
        String::new(),
        "PROFILE".into(),
        "KIND".into(),
        "SSO-SESSION".into(),
        "ACCOUNT".into(),
        "NAME".into(),
        "ROLE".into(),
        "REGION".into(),
        "SIGN-IN".into(),
    ]];
    for row in rows {
        let mark: String = [
            (row.current, '*'),
            (row.sticky, 's'),
            (row.default, 'd'),
            (row.protected == Some(true), '!'),
        ]
        .iter()
        .filter(|(shown, _)| *shown)
        .map(|(_, mark)| *mark)
        .collect();
        lines.push([
            mark,
            row.name.clone(),
            row.kind.into(),
            dash(&row.sso_session),
            dash(&row.account_id),
            dash(&row.account_name),
            dash(&row.role),
            dash(&row.region),
            row.sign_in_text.clone(),
        ]);
    }
    let mut widths = [0usize; 9];
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    let legend: Vec<&str> = [
        (rows.iter().any(|r| r.current), "* $AWS_PROFILE"),
        (rows.iter().any(|r| r.sticky), "s sticky (guard use)"),
        (rows.iter().any(|r| r.default), "d the [default] profile"),
        (
            rows.iter().any(|r| r.protected == Some(true)),
            "! a protected account",
        ),
    ]
    .iter()
    .filter(|(shown, _)| *shown)
    .map(|(_, text)| *text)
    .collect();
    if !legend.is_empty() {
        out.push_str(&format!("\n{}\n", legend.join("   ")));
    }
    out
}
