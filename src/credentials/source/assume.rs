//! STS calls that turn one set of credentials (or a web identity token) into a role's.

use time::OffsetDateTime;

use super::Hop;
use crate::credentials::{Credentials, Secret};
use crate::credentials::{aws, http};
use crate::resolve::account::RoleArn;
use crate::sys::error::Failure;
use crate::sys::tty;

/// botocore names sessions `botocore-session-<time>`; guard's own prefix shows who made them.
fn default_session_name() -> String {
    format!("guard-{}", OffsetDateTime::now_utc().unix_timestamp())
}

/// Assumes the hop's role with `source` credentials; asks for an MFA code on the terminal when
/// the profile names an `mfa_serial` (aws-config has no MFA support, hence the SDK call here).
pub async fn assume_role(
    net: &http::Settings,
    hop: &Hop,
    source: &Credentials,
    region: &str,
) -> anyhow::Result<Credentials> {
    let token_code = match &hop.mfa_serial {
        Some(serial) => Some(mfa_code(hop, serial)?),
        None => None,
    };
    let (client, endpoint) = aws::sts_client(net, region, Some(source))?;
    let answer = client
        .assume_role()
        .role_arn(&hop.role.arn)
        .role_session_name(
            hop.session_name
                .clone()
                .unwrap_or_else(default_session_name),
        )
        .set_external_id(hop.external_id.clone())
        .set_duration_seconds(hop.duration_seconds)
        .set_serial_number(hop.mfa_serial.clone())
        .set_token_code(token_code)
        .send()
        .await;
    let output = answer.map_err(|e| {
        aws::failure("AssumeRole", &endpoint, e, aws::sts_kind).within(format!(
            "cannot assume {} for profile '{}' ({})",
            hop.role, hop.profile, hop.at
        ))
    })?;
    credentials(output.credentials(), &endpoint, "AssumeRole")
}

pub async fn assume_role_with_web_identity(
    net: &http::Settings,
    profile: &str,
    role: &RoleArn,
    token_file: &std::path::Path,
    session_name: Option<&str>,
    region: &str,
) -> anyhow::Result<Credentials> {
    let token = match crate::sys::fsutil::read_text(token_file, crate::sys::fsutil::SMALL_LIMIT) {
        Ok(Some(token)) => token,
        Ok(None) => {
            return Err(Failure::config(format!(
                "the web_identity_token_file {} of profile '{profile}' does not exist",
                token_file.display()
            ))
            .into());
        }
        Err(e) => {
            return Err(Failure::config(format!(
                "cannot use the web_identity_token_file of profile '{profile}': {e}"
            ))
            .into());
        }
    };
    let (client, endpoint) = aws::sts_client(net, region, None)?;
    let answer = client
        .assume_role_with_web_identity()
        .role_arn(&role.arn)
        .role_session_name(session_name.map_or_else(default_session_name, str::to_string))
        .web_identity_token(token.trim())
        .send()
        .await;
    let output = answer.map_err(|e| {
        aws::failure("AssumeRoleWithWebIdentity", &endpoint, e, aws::sts_kind)
            .within(format!("cannot assume {role} for profile '{profile}'"))
    })?;
    credentials(output.credentials(), &endpoint, "AssumeRoleWithWebIdentity")
}

fn mfa_code(hop: &Hop, serial: &str) -> Result<String, Failure> {
    let question = format!("MFA code for {serial} (profile '{}'): ", hop.profile);
    match tty::ask(&question) {
        tty::Reply::Line(code) if !code.trim().is_empty() => Ok(code.trim().to_string()),
        tty::Reply::NoTerminal => Err(Failure::config(format!(
            "profile '{}' needs an MFA code for {serial}, and there is no terminal to ask for it on",
            hop.profile
        ))
        .with_hint("run guard from a terminal")),
        _ => Err(Failure::refused("no MFA code was typed; nothing was run")),
    }
}

fn credentials(
    creds: Option<&aws_sdk_sts::types::Credentials>,
    endpoint: &aws::Endpoint,
    operation: &str,
) -> anyhow::Result<Credentials> {
    let creds = creds.ok_or_else(|| {
        Failure::unavailable(format!(
            "{operation}: {} answered without credentials",
            endpoint.display
        ))
    })?;
    // The SDK fills a missing required field with an empty string: that is no key.
    if [
        creds.access_key_id(),
        creds.secret_access_key(),
        creds.session_token(),
    ]
    .iter()
    .any(|part| part.is_empty())
    {
        return Err(Failure::unavailable(format!(
            "{operation}: {} answered with incomplete credentials",
            endpoint.display
        ))
        .into());
    }
    let expiration =
        OffsetDateTime::from_unix_timestamp(creds.expiration().secs()).map_err(|_| {
            Failure::unavailable(format!(
                "{operation}: {} answered with an expiration that is not a time",
                endpoint.display
            ))
        })?;
    Ok(Credentials {
        access_key_id: creds.access_key_id().to_string(),
        secret_access_key: Secret::new(creds.secret_access_key()),
        session_token: Some(Secret::new(creds.session_token())),
        expiration: Some(expiration),
    })
}
