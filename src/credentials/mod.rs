//! Stage 2, credentials: from a chosen profile to credentials guard has verified, and the types
//! that carry them (here: secret parts never show in `Debug` output).
//!
//! Enters: a profile and its `ProfileSet`. Leaves: `verify::Verified` (credentials, who they are,
//! the account they must be), fetched through the profile's chain (`source`), IAM Identity Center
//! (`sso`), guard's cache and its locks (`cache`), over one HTTP client (`http`, `aws`).

pub(crate) mod aws;
pub(crate) mod cache;
pub(crate) mod http;
pub(crate) mod identity;
pub(crate) mod populate;
pub(crate) mod resolved;
pub(crate) mod sign_ins;
pub(crate) mod source;
pub(crate) mod sso;
pub(crate) mod verify;

use std::fmt;

use time::OffsetDateTime;

/// A secret string. It has no `Display`, and its `Debug` is redacted, so that no log line,
/// panic message or error can carry it by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

#[derive(Debug, Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    /// None for long-term keys.
    pub expiration: Option<OffsetDateTime>,
}

impl Credentials {
    pub fn to_sdk(&self) -> aws_credential_types::Credentials {
        aws_credential_types::Credentials::new(
            self.access_key_id.clone(),
            self.secret_access_key.expose().to_string(),
            self.session_token.as_ref().map(|t| t.expose().to_string()),
            self.expiration.map(std::time::SystemTime::from),
            "guard",
        )
    }

    pub fn from_sdk(creds: &aws_credential_types::Credentials) -> Self {
        Credentials {
            access_key_id: creds.access_key_id().to_string(),
            secret_access_key: Secret::new(creds.secret_access_key()),
            session_token: creds.session_token().map(Secret::new),
            expiration: creds.expiry().map(OffsetDateTime::from),
        }
    }
}
