//! `guard whoami`: the verified identity, without running anything.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;

use crate::decide::banner::time_left;
use crate::options::Options;
use crate::sys::output::{self, Delivery};

#[derive(Serialize)]
struct Report<'a> {
    profile: &'a str,
    account_id: &'a str,
    account_name: Option<&'a str>,
    arn: &'a str,
    user_id: &'a str,
    region: Option<&'a str>,
    expires_at: Option<String>,
}

pub fn run(options: &Options, json: bool) -> anyhow::Result<()> {
    let verified = options.verified()?;
    let report = Report {
        profile: &verified.profile,
        account_id: verified.identity.account.as_str(),
        account_name: verified.account_name.as_deref(),
        arn: &verified.identity.arn,
        user_id: &verified.identity.user_id,
        region: verified.region.as_deref(),
        expires_at: verified
            .creds
            .expiration
            .and_then(|e| e.format(&Rfc3339).ok()),
    };
    if json {
        return output::stdout(
            &(serde_json::to_string_pretty(&report)? + "\n"),
            Delivery::Listing,
        );
    }
    let rows = [
        ("profile", report.profile.to_string()),
        ("account", report.account_id.to_string()),
        ("name", report.account_name.unwrap_or("-").to_string()),
        ("arn", report.arn.to_string()),
        ("user id", report.user_id.to_string()),
        ("region", report.region.unwrap_or("-").to_string()),
        (
            "expires",
            time_left(verified.creds.expiration, time::OffsetDateTime::now_utc()),
        ),
    ];
    let text: String = rows
        .iter()
        .map(|(label, value)| format!("{label:<8} {value}\n"))
        .collect();
    output::stdout(&text, Delivery::Listing)
}
