//! Account names (IAM alias or portal name) by account ID. A name belongs to the account, not to
//! a set of credentials, so a day-old answer spares every cold run of every profile of that
//! account two requests.

use std::path::Path;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::{Cache, files, read_private, remove};
use crate::credentials::identity::AccountName;
use crate::resolve::account::AccountId;
use crate::sys::fsutil;

/// How long a name (or the absence of one) is trusted: a renamed account shows within a day.
const NAME_TTL: Duration = Duration::hours(24);

#[derive(Serialize, Deserialize)]
struct StoredName {
    name: Option<String>,
    checked_at: i64,
}

impl Cache {
    /// The account's name when it was looked up less than a day ago; else `Unknown`: it must be
    /// looked up.
    pub fn account_name(&self, account: &AccountId, now: OffsetDateTime) -> AccountName {
        match self.fresh_name(account, now) {
            Some(StoredName {
                name: Some(name), ..
            }) => AccountName::Known(name),
            Some(StoredName { name: None, .. }) => AccountName::NoneVisible,
            None => AccountName::Unknown,
        }
    }

    fn fresh_name(&self, account: &AccountId, now: OffsetDateTime) -> Option<StoredName> {
        let path = self.folder("accounts")?.join(format!("{account}.json"));
        let stored: StoredName = serde_json::from_slice(&read_private(&path)?).ok()?;
        let checked = OffsetDateTime::from_unix_timestamp(stored.checked_at).ok()?;
        (now - checked < NAME_TTL && checked <= now).then_some(stored)
    }

    /// Remembers what was learnt; `Unknown` is nothing to remember.
    pub fn save_account_name(&self, account: &AccountId, name: &AccountName, now: OffsetDateTime) {
        let name = match name {
            AccountName::Known(name) => Some(name.clone()),
            AccountName::NoneVisible => None,
            AccountName::Unknown => return,
        };
        let Some(dir) = self.prepare("accounts") else {
            return;
        };
        let stored = StoredName {
            name,
            checked_at: now.unix_timestamp(),
        };
        let Ok(bytes) = serde_json::to_vec(&stored) else {
            return;
        };
        if let Err(e) = fsutil::write_private(&dir.join(format!("{account}.json")), &bytes) {
            self.give_up(&e);
        }
    }
}

pub fn clear(dir: &Path) -> anyhow::Result<()> {
    for path in files(dir)? {
        let is_name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .is_some_and(|s| s.parse::<AccountId>().is_ok());
        if is_name && path.extension().is_some_and(|e| e == "json") {
            remove(&path)?;
        }
    }
    Ok(())
}
