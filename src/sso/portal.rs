//! The IAM Identity Center portal: role credentials and account names for a signed-in user.

use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};
use time::OffsetDateTime;

use super::{SsoError, SsoLogin, SsoTarget};
use crate::account::AccountId;
use crate::aws::{self, Patience, Service};
use crate::credentials::{Credentials, Secret};
use crate::error::{Failure, Kind};
use crate::identity::AccountName;

fn client(
    login: &SsoLogin,
    patience: Patience,
) -> Result<(aws_sdk_sso::Client, aws::Endpoint), Failure> {
    let endpoint = aws::endpoint(Service::Sso, login.region());
    let config = aws::sdk_config(&endpoint, login.region(), None, patience)?;
    Ok((aws_sdk_sso::Client::new(&config), endpoint))
}

pub async fn role_credentials(target: &SsoTarget, token: &Secret) -> Result<Credentials, SsoError> {
    let (client, endpoint) = client(&target.login, Patience::Run)?;
    let answer = client
        .get_role_credentials()
        .account_id(target.account_id.as_str())
        .role_name(&target.role_name)
        .access_token(token.expose())
        .send()
        .await;
    let output = answer.map_err(|e| {
        let signed_out = unauthorized(&e);
        let failure = aws::failure("GetRoleCredentials", &endpoint, e, |code| match code {
            "ForbiddenException" => Some(Kind::Refused),
            "UnauthorizedException" | "InvalidRequestException" | "ResourceNotFoundException" => {
                Some(Kind::Config)
            }
            _ => None,
        });
        match failure.kind {
            _ if signed_out => SsoError::NotSignedIn(not_accepted(&target.login, &failure).into()),
            Kind::Refused => SsoError::from(Failure::refused(format!(
                "IAM Identity Center gives you no access to account {} with role '{}' ({})",
                target.account_id,
                target.role_name,
                failure.message
            ))
            .with_hint("check sso_account_id and sso_role_name, or ask your administrator for the assignment")),
            _ => failure.into(),
        }
    })?;
    let creds = output
        .role_credentials()
        .ok_or_else(|| bad_answer(&endpoint, "no roleCredentials"))?;
    let (Some(key_id), Some(secret), Some(session)) = (
        creds.access_key_id().filter(|s| !s.is_empty()),
        creds.secret_access_key().filter(|s| !s.is_empty()),
        creds.session_token().filter(|s| !s.is_empty()),
    ) else {
        return Err(bad_answer(&endpoint, "incomplete roleCredentials").into());
    };
    let expiration =
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(creds.expiration()) * 1_000_000)
            .map_err(|_| bad_answer(&endpoint, "an expiration that is not a time"))?;
    Ok(Credentials {
        access_key_id: key_id.to_string(),
        secret_access_key: Secret::new(secret),
        session_token: Some(Secret::new(session)),
        expiration: Some(expiration),
    })
}

fn bad_answer(endpoint: &aws::Endpoint, what: &str) -> Failure {
    Failure::unavailable(format!(
        "GetRoleCredentials: {} answered with {what}",
        endpoint.display
    ))
}

/// The account's name as the portal lists it.
pub async fn account_name(login: &SsoLogin, token: &Secret, account: &AccountId) -> AccountName {
    let Ok((client, _)) = client(login, Patience::Optional) else {
        return AccountName::Unknown;
    };
    let mut pages = client
        .list_accounts()
        .access_token(token.expose())
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let Ok(page) = page else {
            return AccountName::Unknown;
        };
        if let Some(found) = page
            .account_list()
            .iter()
            .find(|a| a.account_id() == Some(account.as_str()))
        {
            return match found.account_name() {
                Some(name) => AccountName::Known(name.to_string()),
                None => AccountName::NoneVisible,
            };
        }
    }
    AccountName::NoneVisible
}

/// Ends the sign-in at IAM Identity Center, so the token stops working everywhere, not only here.
/// A token the portal no longer accepts is already signed out.
pub async fn logout(login: &SsoLogin, token: &Secret) -> anyhow::Result<()> {
    let (client, endpoint) = client(login, Patience::Run)?;
    match client.logout().access_token(token.expose()).send().await {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_unauthorized_exception()) =>
        {
            Ok(())
        }
        Err(e) => Err(aws::failure("Logout", &endpoint, e, |_| None).into()),
    }
}

/// Identity Center's portal allows about 20 ListAccountRoles calls a second; guard stays under it.
const LIST_ROLES_PACE: std::time::Duration = std::time::Duration::from_millis(55);

/// One account and role the signed-in person may use.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Assignment {
    pub account_id: AccountId,
    pub account_name: String,
    pub role_name: String,
}

/// Whether the portal answered that the token is not (or no longer) a sign-in.
fn unauthorized<E, R>(err: &SdkError<E, R>) -> bool
where
    E: ProvideErrorMetadata,
{
    matches!(err, SdkError::ServiceError(service) if service.err().code() == Some("UnauthorizedException"))
}

/// A sign-in the portal refused (UnauthorizedException): signing in again fixes it.
fn not_accepted(login: &SsoLogin, failure: &Failure) -> Failure {
    login.not_signed_in(format!(
        "IAM Identity Center did not accept your sign-in to {} ({})",
        login.describe(),
        failure.message
    ))
}

fn list_failure<E, R>(
    login: &SsoLogin,
    operation: &str,
    endpoint: &aws::Endpoint,
    err: SdkError<E, R>,
) -> SsoError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let signed_out = unauthorized(&err);
    let failure = aws::failure(operation, endpoint, err, |code| match code {
        "UnauthorizedException" | "InvalidRequestException" | "ResourceNotFoundException" => {
            Some(Kind::Config)
        }
        _ => None,
    });
    if signed_out {
        SsoError::NotSignedIn(not_accepted(login, &failure).into())
    } else {
        failure.into()
    }
}

/// Every account and role of the signed-in person, following every page of both lists.
pub async fn assignments(login: &SsoLogin, token: &Secret) -> Result<Vec<Assignment>, SsoError> {
    let (client, endpoint) = client(login, Patience::Walk)?;
    let mut accounts = Vec::new();
    let mut pages = client
        .list_accounts()
        .access_token(token.expose())
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| list_failure(login, "ListAccounts", &endpoint, e))?;
        for account in page.account_list() {
            let id: AccountId =
                account
                    .account_id()
                    .unwrap_or_default()
                    .parse()
                    .map_err(|e: String| {
                        Failure::unavailable(format!(
                            "ListAccounts: {} answered with {e}",
                            endpoint.display
                        ))
                    })?;
            let name = account
                .account_name()
                .filter(|n| !n.is_empty())
                .unwrap_or(id.as_str())
                .to_string();
            accounts.push((id, name));
        }
    }
    let mut assignments = Vec::new();
    let mut next_call = tokio::time::Instant::now();
    for (account_id, account_name) in accounts {
        let mut pages = client
            .list_account_roles()
            .access_token(token.expose())
            .account_id(account_id.as_str())
            .into_paginator()
            .send();
        loop {
            // One call per account: a large organization would otherwise run into the
            // portal's rate limit, and every retry after a 429 costs more than the pause.
            tokio::time::sleep_until(next_call).await;
            next_call = tokio::time::Instant::now() + LIST_ROLES_PACE;
            let Some(page) = pages.next().await else {
                break;
            };
            let page = page.map_err(|e| list_failure(login, "ListAccountRoles", &endpoint, e))?;
            for role in page.role_list() {
                let Some(role_name) = role.role_name().filter(|r| !r.is_empty()) else {
                    return Err(Failure::unavailable(format!(
                        "ListAccountRoles: {} answered with a role without a name",
                        endpoint.display
                    ))
                    .into());
                };
                assignments.push(Assignment {
                    account_id: account_id.clone(),
                    account_name: account_name.clone(),
                    role_name: role_name.to_string(),
                });
            }
        }
    }
    assignments.sort();
    Ok(assignments)
}
