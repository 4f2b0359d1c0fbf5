//! The IAM Identity Center portal: role credentials and account names for a signed-in user.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use aws_sdk_sso::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextRef;

use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};
use time::OffsetDateTime;

use super::{SsoError, SsoLogin, SsoTarget};
use crate::credentials::aws::{self, Patience, Service};
use crate::credentials::identity::AccountName;
use crate::credentials::{Credentials, Secret, http};
use crate::resolve::account::AccountId;
use crate::sys::error::Failure;
use crate::sys::exit_codes::ExitCode;

fn client(
    net: &http::Settings,
    login: &SsoLogin,
    patience: Patience,
) -> Result<(aws_sdk_sso::Client, aws::Endpoint), Failure> {
    let endpoint = aws::endpoint(Service::Sso, login.region());
    let config = aws::sdk_config(net, &endpoint, login.region(), None, patience)?;
    Ok((aws_sdk_sso::Client::new(&config), endpoint))
}

/// Set when the portal has answered this process with a 429 (`guard each` asks it for many
/// accounts at once): from then on GetRoleCredentials calls start no closer together than
/// populate's calls do, where retries alone would keep every worker at the limit.
static THROTTLED: AtomicBool = AtomicBool::new(false);
static NEXT_CALL: Mutex<Option<std::time::Instant>> = Mutex::new(None);

/// Notices a 429 on any attempt, retried ones included (the SDK retries them unseen).
#[derive(Debug)]
struct NoticeThrottling;

impl Intercept for NoticeThrottling {
    fn name(&self) -> &'static str {
        "NoticeThrottling"
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if context
            .response()
            .is_some_and(|r| r.status().as_u16() == 429)
        {
            THROTTLED.store(true, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// Waits for this call's turn once the portal has throttled (see `THROTTLED`).
async fn pace() {
    if !THROTTLED.load(Ordering::Relaxed) {
        return;
    }
    let wait = {
        let Ok(mut next) = NEXT_CALL.lock() else {
            return;
        };
        let now = std::time::Instant::now();
        let at = next.map_or(now, |next| next.max(now));
        *next = Some(at + LIST_ROLES_PACE);
        at - now
    };
    tokio::time::sleep(wait).await;
}

pub async fn role_credentials(
    net: &http::Settings,
    target: &SsoTarget,
    token: &Secret,
) -> Result<Credentials, SsoError> {
    let endpoint = aws::endpoint(Service::Sso, target.login.region());
    let config = aws::sdk_config(net, &endpoint, target.login.region(), None, Patience::Run)?;
    let client = aws_sdk_sso::Client::from_conf(
        aws_sdk_sso::config::Builder::from(&config)
            .interceptor(NoticeThrottling)
            .build(),
    );
    pace().await;
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
            "ForbiddenException" => Some(ExitCode::Refused),
            "UnauthorizedException" | "InvalidRequestException" | "ResourceNotFoundException" => {
                Some(ExitCode::Config)
            }
            _ => None,
        });
        match failure.kind {
            _ if signed_out => SsoError::NotSignedIn(not_accepted(&target.login, &failure).into()),
            ExitCode::Refused => SsoError::from(Failure::refused(format!(
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

/// Every account the portal lists for a sign-in, with its name; kept by `remember_account_names`.
type Listed = Arc<Vec<(AccountId, Option<String>)>>;

/// The lists `guard each` fetched, by sign-in: one walk names every account it runs in, where
/// each account's own lookup would walk the list again.
static LISTED: Mutex<BTreeMap<String, Listed>> = Mutex::new(BTreeMap::new());

/// Lists the sign-in's accounts once, so that `account_name` answers from that list in this
/// process. A list that cannot be had is left to each lookup.
pub async fn remember_account_names(net: &http::Settings, login: &SsoLogin, token: &Secret) {
    let Ok((client, _)) = client(net, login, Patience::Walk) else {
        return;
    };
    let mut listed = Vec::new();
    let mut pages = client
        .list_accounts()
        .access_token(token.expose())
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let Ok(page) = page else { return };
        for account in page.account_list() {
            if let Some(Ok(id)) = account.account_id().map(str::parse::<AccountId>) {
                let name = account.account_name().map(str::to_string);
                listed.push((id, name));
            }
        }
    }
    if let Ok(mut lists) = LISTED.lock() {
        lists.insert(login.cache_key().to_string(), Arc::new(listed));
    }
}

fn remembered(login: &SsoLogin) -> Option<Listed> {
    LISTED.lock().ok()?.get(login.cache_key()).cloned()
}

/// The account's name as the portal lists it.
pub async fn account_name(
    net: &http::Settings,
    login: &SsoLogin,
    token: &Secret,
    account: &AccountId,
) -> AccountName {
    if let Some(listed) = remembered(login) {
        return match listed.iter().find(|(id, _)| id == account) {
            Some((_, Some(name))) => AccountName::Known(name.clone()),
            _ => AccountName::NoneVisible,
        };
    }
    let Ok((client, _)) = client(net, login, Patience::Optional) else {
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
pub async fn logout(net: &http::Settings, login: &SsoLogin, token: &Secret) -> anyhow::Result<()> {
    let (client, endpoint) = client(net, login, Patience::Run)?;
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
            Some(ExitCode::Config)
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
pub async fn assignments(
    net: &http::Settings,
    login: &SsoLogin,
    token: &Secret,
) -> Result<Vec<Assignment>, SsoError> {
    let (client, endpoint) = client(net, login, Patience::Walk)?;
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
