//! One cached set of credentials as it is stored: JSON, with the identity STS confirmed for it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::credentials::identity::Identity;
use crate::credentials::{Credentials, Secret};

/// Credentials of one level of a chain, and, for the level a profile ends at, who they are.
pub enum Entry {
    /// Nobody has asked STS who they are: a lower level of a chain, whose credentials only
    /// assume the next role, or the level a profile ends at, fetched but not yet confirmed.
    Unverified(Credentials),
    /// What GetCallerIdentity answered for them, and the account's name as far as it is known.
    Verified {
        creds: Credentials,
        identity: Identity,
        account_name: Option<String>,
    },
}

impl Entry {
    pub fn creds(&self) -> &Credentials {
        match self {
            Entry::Unverified(creds) | Entry::Verified { creds, .. } => creds,
        }
    }

    pub fn into_creds(self) -> Credentials {
        match self {
            Entry::Unverified(creds) | Entry::Verified { creds, .. } => creds,
        }
    }
}

/// What an entry was made from, so that it can be cleared by profile or by sign-in.
pub struct Provenance<'a> {
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

pub fn encode(entry: &Entry, provenance: &Provenance) -> Option<Vec<u8>> {
    // Long-term keys are not copied into a second file; only expiring credentials are cached.
    let creds = entry.creds();
    let expiration = creds.expiration?.format(&Rfc3339).ok()?;
    let (identity, account_name) = match entry {
        Entry::Unverified(_) => (None, None),
        Entry::Verified {
            identity,
            account_name,
            ..
        } => (Some(identity), account_name.clone()),
    };
    let stored = Stored {
        version: VERSION,
        profiles: provenance.profiles.to_vec(),
        sso_session: provenance.sso_session.map(str::to_string),
        access_key_id: creds.access_key_id.clone(),
        secret_access_key: creds.secret_access_key.expose().to_string(),
        session_token: creds.session_token.as_ref().map(|t| t.expose().to_string()),
        expiration,
        identity: identity.map(|i| StoredIdentity {
            account: i.account.to_string(),
            arn: i.arn.clone(),
            user_id: i.user_id.clone(),
        }),
        account_name,
    };
    serde_json::to_vec(&stored).ok()
}

pub fn decode(bytes: &[u8]) -> Result<Entry, Damaged> {
    let stored = parse(bytes)?;
    let expiration = OffsetDateTime::parse(&stored.expiration, &Rfc3339)
        .map_err(|_| Damaged("its expiration is not a time".to_string()))?;
    let creds = Credentials {
        access_key_id: stored.access_key_id,
        secret_access_key: Secret::new(stored.secret_access_key),
        session_token: stored.session_token.map(Secret::new),
        expiration: Some(expiration),
    };
    // A name without an identity was never written; it would name nobody's account.
    let Some(identity) = stored.identity else {
        return Ok(Entry::Unverified(creds));
    };
    let account = identity
        .account
        .parse()
        .map_err(|_| Damaged("its account is not an account ID".to_string()))?;
    Ok(Entry::Verified {
        creds,
        identity: Identity {
            account,
            arn: identity.arn,
            user_id: identity.user_id,
        },
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
        .map_err(|e| Damaged(crate::sys::error::json_problem(&e).to_string()))?;
    if stored.version != VERSION {
        return Err(Damaged(format!("it is of format {}", stored.version)));
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(expiration: Option<OffsetDateTime>) -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".to_string(),
            secret_access_key: Secret::new("s3cret"),
            session_token: Some(Secret::new("t0ken")),
            expiration,
        }
    }

    fn entry(expiration: Option<OffsetDateTime>) -> Entry {
        Entry::Verified {
            creds: creds(expiration),
            identity: Identity {
                account: "111111111111".parse().unwrap(),
                arn: "arn:aws:sts::111111111111:assumed-role/R/s".to_string(),
                user_id: "AROA:s".to_string(),
            },
            account_name: Some("sandbox".to_string()),
        }
    }

    const PROVENANCE: Provenance = Provenance {
        profiles: &[],
        sso_session: Some("myorg"),
    };

    #[test]
    fn round_trip() {
        let expires = OffsetDateTime::from_unix_timestamp(2_000_000_000).unwrap();
        let bytes = encode(&entry(Some(expires)), &PROVENANCE).unwrap();
        let Entry::Verified {
            creds,
            identity,
            account_name,
        } = decode(&bytes).unwrap()
        else {
            panic!("a verified entry came back unverified");
        };
        assert_eq!(creds.secret_access_key.expose(), "s3cret");
        assert_eq!(creds.expiration, Some(expires));
        assert_eq!(identity.account.as_str(), "111111111111");
        assert_eq!(account_name.as_deref(), Some("sandbox"));
        assert!(matches(&bytes, None, Some("myorg")));
        assert!(!matches(&bytes, None, Some("other")));
        assert!(!matches(&bytes, Some("sandbox"), None));

        let bytes = encode(&Entry::Unverified(creds), &PROVENANCE).unwrap();
        let back = decode(&bytes).unwrap();
        assert!(matches!(back, Entry::Unverified(_)));
        assert_eq!(back.creds().access_key_id, "ASIAEXAMPLE");
    }

    /// Files as the version before the entry states wrote them (identity and account_name
    /// both optional, the name possibly null beside an identity) read as the same states.
    #[test]
    fn entries_written_by_the_previous_version_still_read() {
        let verified = br#"{"version":1,"profiles":["dev"],"sso_session":"myorg","access_key_id":"ASIAOLD","secret_access_key":"s3cret","session_token":"t0ken","expiration":"2033-05-18T03:33:20Z","identity":{"account":"111111111111","arn":"arn:aws:sts::111111111111:assumed-role/R/s","user_id":"AROA:s"},"account_name":null}"#;
        let Entry::Verified {
            creds,
            identity,
            account_name,
        } = decode(verified).unwrap()
        else {
            panic!("an old verified entry read as unverified");
        };
        assert_eq!(creds.access_key_id, "ASIAOLD");
        assert_eq!(identity.account.as_str(), "111111111111");
        assert_eq!(identity.arn, "arn:aws:sts::111111111111:assumed-role/R/s");
        assert_eq!(identity.user_id, "AROA:s");
        assert_eq!(account_name, None);

        let lower = br#"{"version":1,"profiles":["base"],"sso_session":null,"access_key_id":"ASIAOLD","secret_access_key":"s3cret","session_token":null,"expiration":"2033-05-18T03:33:20Z","identity":null,"account_name":null}"#;
        assert!(matches!(decode(lower).unwrap(), Entry::Unverified(_)));

        // A name with no identity names nobody: the entry is unverified, not an error.
        let odd = br#"{"version":1,"profiles":[],"sso_session":null,"access_key_id":"ASIAOLD","secret_access_key":"s3cret","session_token":null,"expiration":"2033-05-18T03:33:20Z","identity":null,"account_name":"prod"}"#;
        assert!(matches!(decode(odd).unwrap(), Entry::Unverified(_)));
    }

    #[test]
    fn long_term_keys_are_not_stored() {
        assert!(encode(&entry(None), &PROVENANCE).is_none());
    }

    #[test]
    fn damage_never_quotes_the_file() {
        let expires = OffsetDateTime::from_unix_timestamp(2_000_000_000).unwrap();
        let bytes = encode(&entry(Some(expires)), &PROVENANCE).unwrap();
        for broken in [&bytes[..bytes.len() / 2], b"{\"version\": \"s3cret\"}", b""] {
            let Damaged(why) = decode(broken).err().unwrap();
            assert!(!why.contains("s3cret"), "{why}");
        }
    }
}
