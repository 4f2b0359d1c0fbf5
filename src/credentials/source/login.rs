//! `login_session` profiles: the console sign-in that `aws login` (AWS CLI 2.32+) caches in
//! `~/.aws/login/cache`, turned into credentials by aws-config's own provider, which refreshes
//! the session when it is close to its end. guard does not sign in this way itself.

use std::path::PathBuf;

use aws_config::Region;
use aws_config::login::LoginCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::provider::ProvideCredentials as _;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sts::error::DisplayErrorContext;
use aws_smithy_runtime_api::client::result::ConnectorError;

use crate::credentials::Credentials;
use crate::credentials::aws::{self, Patience, Service};
use crate::resolve::profile::Location;
use crate::sys::error::Failure;
use crate::sys::fsutil::home_dir;
use crate::{credentials::http, sys::fsutil};

/// Where aws-config (and the AWS CLI) keep a session: named after the SHA-256 of its ARN.
pub fn cache_path(session: &str) -> anyhow::Result<PathBuf> {
    let dir = match std::env::var_os("AWS_LOGIN_CACHE_DIRECTORY") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => home_dir()?.join(".aws").join("login").join("cache"),
    };
    let digest = crate::sys::digest::sha256(&[session.trim().as_bytes()]);
    Ok(dir.join(format!("{}.json", hex::encode(digest))))
}

fn sign_in_again(profile: &str, failure: Failure) -> Failure {
    failure.with_hint(format!("sign in again with: aws login --profile {profile}"))
}

pub async fn credentials(
    net: &http::Settings,
    profile: &str,
    session: &str,
    at: &Location,
    region: &str,
) -> anyhow::Result<Credentials> {
    let path = cache_path(session)?;
    // aws-config reads the file with a plain read, which a FIFO there would block forever.
    match fsutil::open_regular(&path) {
        Ok(Some(_)) => {}
        Ok(None) => {
            return Err(sign_in_again(
                profile,
                Failure::config(format!(
                    "profile '{profile}' ({at}) uses the `aws login` session {session}, and \
                     {} holds no sign-in for it",
                    path.display()
                )),
            )
            .into());
        }
        Err(e) => return Err(sign_in_again(profile, e.into_failure()).into()),
    }
    let patience = Patience::Run;
    let config = ProviderConfig::without_region()
        .with_region(Some(Region::new(region.to_string())))
        .with_http_client(http::client(net)?)
        .with_retry_config(RetryConfig::standard().with_max_attempts(3))
        .with_timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(patience.operation_timeout())
                .build(),
        );
    let provider = LoginCredentialsProvider::builder(session)
        .configure(&config)
        .build();
    let creds = provider.provide_credentials().await.map_err(|e| {
        let endpoint = aws::endpoint(Service::SignIn, region);
        match trouble(&e) {
            Trouble::BadAnswer(bad) => Failure::unavailable(format!(
                "refreshing the `aws login` session of profile '{profile}': {} sent {bad}",
                endpoint.display
            )),
            Trouble::Unreachable => Failure::unavailable(format!(
                "the `aws login` session of profile '{profile}' needs a refresh, and {} could \
                 not be reached: {}",
                endpoint.display,
                DisplayErrorContext(&e)
            ))
            .with_hint("check your network, proxy and AWS_ENDPOINT_URL_SIGNIN, then try again"),
            Trouble::Session => sign_in_again(
                profile,
                Failure::config(format!(
                    "the `aws login` session of profile '{profile}' ({at}) cannot be used: {}",
                    DisplayErrorContext(&e)
                )),
            ),
        }
    })?;
    Ok(Credentials::from_sdk(&creds))
}

enum Trouble {
    /// The service's answer was not one to use.
    BadAnswer(String),
    /// The refresh never got an answer.
    Unreachable,
    /// The session itself: missing, damaged, expired, or turned down.
    Session,
}

/// The provider's errors wrap the SDK's; what went wrong is found by walking their sources.
fn trouble(err: &CredentialsError) -> Trouble {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(connector) = e.downcast_ref::<ConnectorError>() {
            return match http::bad_answer(connector) {
                Some(bad) => Trouble::BadAnswer(bad.to_string()),
                None => Trouble::Unreachable,
            };
        }
        if e.to_string().contains("timeout") {
            return Trouble::Unreachable;
        }
        current = e.source();
    }
    Trouble::Session
}
