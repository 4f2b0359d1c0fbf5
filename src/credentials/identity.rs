//! Who a set of credentials is, asked of STS before anything runs.

use crate::credentials::Credentials;
use crate::credentials::aws::{self, Patience, Service};
use crate::credentials::http;
use crate::resolve::account::AccountId;
use crate::sys::error::Failure;
use crate::sys::exit_codes::ExitCode;

#[derive(Debug, Clone)]
pub struct Identity {
    pub account: AccountId,
    pub arn: String,
    pub user_id: String,
}

impl Identity {
    /// The principal as a person reads it: `Role/session` for an assumed role, else the ARN's
    /// resource (`user/bob`, `root`).
    pub fn principal(&self) -> &str {
        let resource = self.arn.splitn(6, ':').nth(5).unwrap_or(&self.arn);
        resource.strip_prefix("assumed-role/").unwrap_or(resource)
    }
}

/// Why GetCallerIdentity gave no identity: the caller tries new credentials only when STS
/// rejected these ones.
#[derive(Debug, thiserror::Error)]
pub enum Unverified {
    /// STS answered that the credentials are not valid (expired, revoked, malformed).
    #[error(transparent)]
    Rejected(Failure),
    /// Anything else: STS could not be asked, refused the caller, or answered nonsense.
    #[error(transparent)]
    Failed(Failure),
}

impl From<Failure> for Unverified {
    fn from(failure: Failure) -> Self {
        Unverified::Failed(failure)
    }
}

impl From<Unverified> for Failure {
    fn from(unverified: Unverified) -> Self {
        match unverified {
            Unverified::Rejected(failure) | Unverified::Failed(failure) => failure,
        }
    }
}

pub async fn caller_identity(
    net: &http::Settings,
    creds: &Credentials,
    region: &str,
) -> Result<Identity, Unverified> {
    let (client, endpoint) = aws::sts_client(net, region, Some(creds))?;
    let output = client.get_caller_identity().send().await.map_err(|e| {
        let failure = aws::failure("GetCallerIdentity", &endpoint, e, aws::sts_kind)
            .within("cannot verify who the credentials are");
        // The codes `sts_kind` counts as the user's setup are the ones that reject credentials.
        match failure.kind {
            ExitCode::Config => Unverified::Rejected(failure),
            _ => Unverified::Failed(failure),
        }
    })?;
    let bad = |what: &str| {
        Failure::unavailable(format!(
            "GetCallerIdentity: {} answered with {what}",
            endpoint.display
        ))
    };
    let account: AccountId = output
        .account()
        .ok_or_else(|| bad("no Account"))?
        .parse()
        .map_err(|e: String| bad(&e))?;
    let arn = output.arn().ok_or_else(|| bad("no Arn"))?;
    // An ARN of another account, or one cut short, is no answer about these credentials.
    let arn_account = arn.split(':').nth(4);
    if !arn.starts_with("arn:")
        || arn_account != Some(account.as_str())
        || arn.split(':').count() < 6
    {
        return Err(bad("an Arn that does not name the Account").into());
    }
    Ok(Identity {
        account,
        arn: arn.to_string(),
        user_id: output.user_id().unwrap_or_default().to_string(),
    })
}

/// An account's name, as far as guard could learn it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountName {
    /// The IAM account alias, or the name the portal lists.
    Known(String),
    /// The account has none these credentials can see (lacking iam:ListAccountAliases is normal
    /// and lasting): worth remembering.
    NoneVisible,
    /// Nobody could be asked, or what was learnt is too old: ask again.
    Unknown,
}

impl AccountName {
    pub fn into_name(self) -> Option<String> {
        match self {
            AccountName::Known(name) => Some(name),
            AccountName::NoneVisible | AccountName::Unknown => None,
        }
    }
}

/// The account alias, as IAM tells it.
pub async fn account_alias(net: &http::Settings, creds: &Credentials) -> AccountName {
    // IAM is global; its endpoint lives in us-east-1.
    let region = "us-east-1";
    let endpoint = aws::endpoint(Service::Iam, region);
    let Ok(config) = aws::sdk_config(net, &endpoint, region, Some(creds), Patience::Optional)
    else {
        return AccountName::Unknown;
    };
    let client = aws_sdk_iam::Client::new(&config);
    match client.list_account_aliases().send().await {
        Ok(output) => match output.account_aliases().first() {
            Some(alias) => AccountName::Known(alias.clone()),
            None => AccountName::NoneVisible,
        },
        Err(aws_sdk_iam::error::SdkError::ServiceError(_)) => AccountName::NoneVisible,
        Err(_) => AccountName::Unknown,
    }
}

/// Refuses credentials that belong to another account than the profile promises.
pub fn check_account(
    profile: &str,
    expected: Option<&AccountId>,
    identity: &Identity,
) -> Result<(), Failure> {
    match expected {
        Some(expected) if *expected != identity.account => Err(Failure::refused(format!(
            "profile '{profile}' promises account {expected}, but its credentials belong to account {} ({})",
            identity.account, identity.arn
        ))
        .with_hint("nothing was run; check the profile's account and role settings")),
        _ => Ok(()),
    }
}

/// Who a profile promises its credentials are, beyond the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A session of this role (`role_arn`, the last hop of a chain, or web identity), with the
    /// session name the profile sets, if it sets one.
    Role {
        name: String,
        session: Option<String>,
    },
    /// A session of the role Identity Center made for this permission set
    /// (`AWSReservedSSO_{permission set}_{suffix}`).
    PermissionSet(String),
}

impl Principal {
    /// The role of an IAM role ARN (`arn:aws:iam::1:role/path/Name` is `Name`: the assumed-role
    /// ARN names a role without its path).
    pub fn of_role_arn(arn: &str, session: Option<&str>) -> Principal {
        let resource = arn.splitn(6, ':').nth(5).unwrap_or(arn);
        Principal::Role {
            name: resource.rsplit('/').next().unwrap_or(resource).to_string(),
            session: session.map(str::to_string),
        }
    }

    fn describe(&self) -> String {
        match self {
            Principal::Role {
                name,
                session: Some(session),
            } => format!("role {name} (session {session})"),
            Principal::Role { name, .. } => format!("role {name}"),
            Principal::PermissionSet(set) => format!("permission set {set}"),
        }
    }

    /// Whether the identity is a session of this principal. Role names compare without case,
    /// as IAM treats them.
    fn matches(&self, identity: &Identity) -> bool {
        let resource = identity.arn.splitn(6, ':').nth(5).unwrap_or("");
        let Some((role, session)) = resource
            .strip_prefix("assumed-role/")
            .and_then(|r| r.split_once('/'))
        else {
            return false;
        };
        match self {
            Principal::Role {
                name,
                session: wanted,
            } => role.eq_ignore_ascii_case(name) && wanted.as_deref().is_none_or(|w| w == session),
            Principal::PermissionSet(set) => {
                let prefix = format!("AWSReservedSSO_{set}_");
                role.len() > prefix.len()
                    && role[..prefix.len()].eq_ignore_ascii_case(&prefix)
                    && role[prefix.len()..]
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric())
            }
        }
    }
}

/// Refuses credentials that are another principal than the profile promises: a `prod-ro`
/// profile whose credentials are an administrator's of the same account is not what was asked.
pub fn check_principal(
    profile: &str,
    expected: Option<&Principal>,
    identity: &Identity,
) -> Result<(), Failure> {
    match expected {
        Some(expected) if !expected.matches(identity) => Err(Failure::refused(format!(
            "profile '{profile}' promises {}, but its credentials are {}",
            expected.describe(),
            identity.arn
        ))
        .with_hint(format!(
            "nothing was run; if they came from guard's cache, clear it (guard cache clear -p {profile}), else check the profile's role settings"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(arn: &str) -> Identity {
        Identity {
            account: "123456789012".parse().unwrap(),
            arn: arn.to_string(),
            user_id: String::new(),
        }
    }

    #[test]
    fn principals() {
        assert_eq!(
            identity("arn:aws:sts::123456789012:assumed-role/Admin/alice").principal(),
            "Admin/alice"
        );
        assert_eq!(
            identity("arn:aws:iam::123456789012:user/bob").principal(),
            "user/bob"
        );
        assert_eq!(
            identity("arn:aws:iam::123456789012:root").principal(),
            "root"
        );
    }

    #[test]
    fn wrong_account_is_refused() {
        let id = identity("arn:aws:iam::123456789012:user/bob");
        let other: AccountId = "111111111111".parse().unwrap();
        assert!(check_account("p", Some(&other), &id).is_err());
        assert!(check_account("p", Some(&id.account.clone()), &id).is_ok());
        assert!(check_account("p", None, &id).is_ok());
    }

    #[test]
    fn the_whole_principal_is_checked() {
        let ro = Principal::of_role_arn("arn:aws:iam::123456789012:role/team/ReadOnly", None);
        assert_eq!(
            ro,
            Principal::Role {
                name: "ReadOnly".to_string(),
                session: None
            }
        );
        let ok = identity("arn:aws:sts::123456789012:assumed-role/readonly/alice");
        let admin = identity("arn:aws:sts::123456789012:assumed-role/Admin/alice");
        let user = identity("arn:aws:iam::123456789012:user/ReadOnly");
        assert!(check_principal("p", Some(&ro), &ok).is_ok());
        assert!(check_principal("p", Some(&ro), &admin).is_err());
        assert!(check_principal("p", Some(&ro), &user).is_err());
        assert!(check_principal("p", None, &admin).is_ok());
        let session = Principal::of_role_arn("arn:aws:iam::1:role/ReadOnly", Some("ci"));
        assert!(check_principal("p", Some(&session), &ok).is_err());
        let set = Principal::PermissionSet("ReadOnly".to_string());
        let sso = |role: &str| {
            identity(&format!(
                "arn:aws:sts::123456789012:assumed-role/{role}/alice"
            ))
        };
        assert!(
            check_principal(
                "p",
                Some(&set),
                &sso("AWSReservedSSO_ReadOnly_0123456789abcdef")
            )
            .is_ok()
        );
        for other in [
            "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
            "AWSReservedSSO_ReadOnly_",
            "AWSReservedSSO_ReadOnly_x_y",
            "ReadOnly",
        ] {
            assert!(
                check_principal("p", Some(&set), &sso(other)).is_err(),
                "{other}"
            );
        }
    }
}
