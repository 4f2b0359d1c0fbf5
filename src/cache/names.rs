//! Account names (IAM alias or portal name) by account ID. A name belongs to the account, not to
//! a set of credentials, so a day-old answer spares every cold run of every profile of that
//! account two requests.

use std::io::ErrorKind;
use std::path::Path;

use anyhow::Context as _;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::{Cache, read_private, remove};
use crate::account::AccountId;
use crate::error::Failure;
use crate::fsutil;

/// How long a name (or the absence of one) is trusted: a renamed account shows within a day.
const NAME_TTL: Duration = Duration::hours(24);

#[derive(Serialize, Deserialize)]
struct StoredName {
    name: Option<String>,
    checked_at: i64,
}

impl Cache {
    /// `Some(name)` when the account's name was looked up less than a day ago (`Some(None)`: it
    /// has none); `None` when it must be looked up.
    pub fn account_name(&self, account: &AccountId, now: OffsetDateTime) -> Option<Option<String>> {
        let path = self.folder("accounts")?.join(format!("{account}.json"));
        let stored: StoredName = serde_json::from_slice(&read_private(&path)?).ok()?;
        let checked = OffsetDateTime::from_unix_timestamp(stored.checked_at).ok()?;
        (now - checked < NAME_TTL && checked <= now).then_some(stored.name)
    }

    pub fn save_account_name(&self, account: &AccountId, name: Option<&str>, now: OffsetDateTime) {
        let Some(dir) = self.prepare("accounts") else {
            return;
        };
        let stored = StoredName {
            name: name.map(str::to_string),
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
    let listing = match std::fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            return Ok(());
        }
        Err(e) => {
            return Err(e).with_context(|| Failure::io(format!("cannot list {}", dir.display())));
        }
    };
    for item in listing {
        let path = item
            .with_context(|| Failure::io(format!("cannot list {}", dir.display())))?
            .path();
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
