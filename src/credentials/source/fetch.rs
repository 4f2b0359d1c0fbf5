//! Running a chain one level at a time: the base credentials, then each role in turn. Which
//! levels come from the cache is the caller's decision.

use time::OffsetDateTime;

use super::{Base, Chain, assume, login, process};
use crate::credentials::sso;
use crate::credentials::{Credentials, Secret};
use crate::sys::error::Failure;

/// The base credentials, and the SSO access token behind them when there is one (the portal can
/// name the account with it).
pub async fn base_credentials(chain: &Chain) -> anyhow::Result<(Credentials, Option<Secret>)> {
    let creds = match &chain.base {
        Base::Static { creds, .. } => creds.clone(),
        Base::Sso(target) => {
            let (token, creds) = sso::login::role_credentials(&chain.net, target).await?;
            chain
                .source_of(0)
                .refuse_expired(&creds, OffsetDateTime::now_utc())?;
            return Ok((creds, Some(token)));
        }
        Base::Process {
            profile,
            command,
            at,
        } => process::run(profile, command, at)?,
        Base::Login {
            profile,
            session,
            at,
        } => login::credentials(&chain.net, profile, session, at, &chain.region).await?,
        Base::WebIdentity {
            profile,
            token_file,
            role,
            session_name,
        } => {
            assume::assume_role_with_web_identity(
                &chain.net,
                profile,
                role,
                token_file,
                session_name.as_deref(),
                &chain.region,
            )
            .await?
        }
        Base::Environment => environment()?,
        Base::Ec2InstanceMetadata => {
            machine(
                aws_config::imds::credentials::ImdsCredentialsProvider::builder().build(),
                "EC2 instance metadata",
            )
            .await?
        }
        Base::EcsContainer => {
            machine(
                aws_config::ecs::EcsCredentialsProvider::builder().build(),
                "the ECS container endpoint",
            )
            .await?
        }
    };
    chain
        .source_of(0)
        .refuse_expired(&creds, OffsetDateTime::now_utc())?;
    Ok((creds, None))
}

/// Assumes the role of hop `index` with the credentials of the level below it.
pub async fn assume_hop(
    chain: &Chain,
    index: usize,
    source: &Credentials,
) -> anyhow::Result<Credentials> {
    let creds = assume::assume_role(&chain.net, &chain.hops[index], source, &chain.region).await?;
    chain
        .source_of(index + 1)
        .refuse_expired(&creds, OffsetDateTime::now_utc())?;
    Ok(creds)
}

/// `credential_source = Environment`: the keys in guard's own environment.
fn environment() -> anyhow::Result<Credentials> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(key_id), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY"))
    else {
        return Err(Failure::config(
            "credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set",
        )
        .into());
    };
    Ok(Credentials {
        access_key_id: key_id,
        secret_access_key: Secret::new(secret),
        session_token: var("AWS_SESSION_TOKEN").map(Secret::new),
        expiration: None,
    })
}

async fn machine(
    provider: impl aws_credential_types::provider::ProvideCredentials,
    source: &str,
) -> anyhow::Result<Credentials> {
    let creds = provider.provide_credentials().await.map_err(|e| {
        Failure::unavailable(format!(
            "no credentials from {source}: {}",
            aws_sdk_sts::error::DisplayErrorContext(&e)
        ))
    })?;
    Ok(Credentials::from_sdk(&creds))
}
