//! One cached set of credentials as it is stored: JSON, with the identity STS confirmed for it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::credentials::{Credentials, Secret};
use crate::identity::Identity;

/// Credentials of one level of a chain, and, for the level a profile ends at, who they are.
pub struct Entry {
    pub creds: Credentials,
    /// Set once STS has said who the credentials are; the lower levels of a chain never need it.
    pub identity: Option<Identity>,
    pub account_name: Option<String>,
}

/// What an entry was made from, so that it can be cleared by profile or by sign-in.
pub struct Origin<'a> {
    pub profiles: &'a [String],
    /// The sso-session (or, for a legacy profile, the start URL) whose sign-in it came from.
    pub sso_session: Option<&'a str>,
}

/// The file format. It has no `Debug`, so no log line can show its secrets.
#[derive(Serialize, Deserialize)]
struct Stored {
    version: u32,
    profiles: Vec<String>,
    sso_session: Option<String>,
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiration: String,
    identity: Option<StoredIdentity>,
    account_name: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredIdentity {
    account: String,
    arn: String,
    user_id: String,
}

const VERSION: u32 = 1;

/// Why stored bytes are not an entry; never quotes them, since they hold secrets.
#[derive(Debug)]
pub struct Damaged(pub String);

pub fn encode(entry: &Entry, origin: &Origin) -> Option<Vec<u8>> {
    // Long-term keys are not copied into a second file; only expiring credentials are cached.
    let expiration = entry.creds.expiration?.format(&Rfc3339).ok()?;
    let stored = Stored {
        version: VERSION,
        profiles: origin.profiles.to_vec(),
        sso_session: origin.sso_session.map(str::to_string),
        access_key_id: entry.creds.access_key_id.clone(),
        secret_access_key: entry.creds.secret_access_key.expose().to_string(),
        session_token: entry
            .creds
            .session_token
            .as_ref()
            .map(|t| t.expose().to_string()),
        expiration,
        identity: entry.identity.as_ref().map(|i| StoredIdentity {
            account: i.account.to_string(),
            arn: i.arn.clone(),
            user_id: i.user_id.clone(),
        }),
        account_name: entry.account_name.clone(),
    };
    serde_json::to_vec(&stored).ok()
}

pub fn decode(bytes: &[u8]) -> Result<Entry, Damaged> {
    let stored = parse(bytes)?;
    let expiration = OffsetDateTime::parse(&stored.expiration, &Rfc3339)
        .map_err(|_| Damaged("its expiration is not a time".to_string()))?;
    let identity = match stored.identity {
        Some(i) => Some(Identity {
            account: i
                .account
                .parse()
                .map_err(|_| Damaged("its account is not an account ID".to_string()))?,
            arn: i.arn,
            user_id: i.user_id,
        }),
        None => None,
    };
    Ok(Entry {
        creds: Credentials {
            access_key_id: stored.access_key_id,
            secret_access_key: Secret::new(stored.secret_access_key),
            session_token: stored.session_token.map(Secret::new),
            expiration: Some(expiration),
        },
        identity,
        account_name: stored.account_name,
    })
}

/// Whether an entry came from any of these profiles, or from that sign-in.
pub fn matches(bytes: &[u8], profile: Option<&str>, sso_session: Option<&str>) -> bool {
    let Ok(stored) = parse(bytes) else {
        return false;
    };
    profile.is_none_or(|p| stored.profiles.iter().any(|s| s == p))
        && sso_session.is_none_or(|s| stored.sso_session.as_deref() == Some(s))
}

fn parse(bytes: &[u8]) -> Result<Stored, Damaged> {
    let stored: Stored = serde_json::from_slice(bytes)
        .map_err(|e| Damaged(crate::error::json_problem(&e).to_string()))?;
    if stored.version != VERSION {
        return Err(Damaged(format!("it is of format {}", stored.version)));
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(expiration: Option<OffsetDateTime>) -> Entry {
        Entry {
            creds: Credentials {
                access_key_id: "ASIAEXAMPLE".to_string(),
                secret_access_key: Secret::new("s3cret"),
                session_token: Some(Secret::new("t0ken")),
                expiration,
            },
            identity: Some(Identity {
                account: "111111111111".parse().unwrap(),
                arn: "arn:aws:sts::111111111111:assumed-role/R/s".to_string(),
                user_id: "AROA:s".to_string(),
            }),
            account_name: Some("sandbox".to_string()),
        }
    }

    const ORIGIN: Origin = Origin {
        profiles: &[],
        sso_session: Some("myorg"),
    };

    #[test]
    fn round_trip() {
        let expires = OffsetDateTime::from_unix_timestamp(2_000_000_000).unwrap();
        let bytes = encode(&entry(Some(expires)), &ORIGIN).unwrap();
        let back = decode(&bytes).unwrap();
        assert_eq!(back.creds.secret_access_key.expose(), "s3cret");
        assert_eq!(back.creds.expiration, Some(expires));
        assert_eq!(back.identity.unwrap().account.as_str(), "111111111111");
        assert_eq!(back.account_name.as_deref(), Some("sandbox"));
        assert!(matches(&bytes, None, Some("myorg")));
        assert!(!matches(&bytes, None, Some("other")));
        assert!(!matches(&bytes, Some("sandbox"), None));
    }

    #[test]
    fn long_term_keys_are_not_stored() {
        assert!(encode(&entry(None), &ORIGIN).is_none());
    }

    #[test]
    fn damage_never_quotes_the_file() {
        let expires = OffsetDateTime::from_unix_timestamp(2_000_000_000).unwrap();
        let bytes = encode(&entry(Some(expires)), &ORIGIN).unwrap();
        for broken in [&bytes[..bytes.len() / 2], b"{\"version\": \"s3cret\"}", b""] {
            let Damaged(why) = decode(broken).err().unwrap();
            assert!(!why.contains("s3cret"), "{why}");
        }
    }
}
