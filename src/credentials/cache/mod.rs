//! guard's credential cache, shared by every run of guard for this user, so that a warm run makes
//! no network call: `$XDG_CACHE_HOME/guard/` (default `~/.cache/guard/`), folders 0700, files
//! 0600, written atomically.
//!
//! The cache may only ever make guard faster, never make it fail: a damaged entry is ignored and
//! replaced, and a folder guard cannot use turns caching off for the run, each with a warning.

pub(crate) mod entry;
mod key;
mod names;

use std::cell::Cell;
use std::io::ErrorKind;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

pub use entry::{Entry, Provenance};
pub use key::{Key, Level, levels};

use crate::sys::error::{self, Failure};
use crate::sys::fsutil::{self, home_dir};

pub struct Cache {
    root: Option<PathBuf>,
    /// Cleared at the first failure to use the folder, so that a run warns once and then goes on
    /// without the cache.
    usable: Cell<bool>,
}

/// Which entries `clear` removes.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    All,
    /// Entries that any setting of this profile went into.
    Profile(&'a str),
    /// Entries that came from this sign-in.
    SsoSession(&'a str),
}

/// A held lock on one entry; dropping it (closing the file) releases it.
pub struct EntryLock {
    _file: fsutil::FileLock,
}

/// How long a run waits for another that is fetching the same credentials (a sign-in's role
/// credentials and an AssumeRole or two take seconds, not this long).
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

impl Cache {
    /// Where the cache is; nothing is read or created yet.
    pub fn locate() -> Cache {
        // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
        let root = match std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
        {
            Some(dir) => Some(dir.join("guard")),
            None => home_dir().ok().map(|h| h.join(".cache").join("guard")),
        };
        Cache {
            root,
            usable: Cell::new(true),
        }
    }

    fn folder(&self, name: &str) -> Option<PathBuf> {
        self.root
            .as_ref()
            .filter(|_| self.usable.get())
            .map(|r| r.join(name))
    }

    fn entry_path(&self, key: &Key, extension: &str) -> Option<PathBuf> {
        self.folder("credentials")
            .map(|d| d.join(format!("{}.{extension}", key.as_str())))
    }

    fn give_up(&self, err: &anyhow::Error) {
        if self.usable.replace(false) {
            error::warn(format!("the credential cache is off for this run: {err:#}"));
        }
    }

    /// Creates a folder of the cache, private, or turns the cache off.
    fn prepare(&self, name: &str) -> Option<PathBuf> {
        let dir = self.folder(name)?;
        let root = self.root.as_ref()?;
        match fsutil::own_dir(root, &dir) {
            Ok(()) => Some(dir),
            Err(e) => {
                self.give_up(&e);
                None
            }
        }
    }

    /// The entry under `key`, if there is a sound one.
    pub fn read(&self, key: &Key) -> Option<Entry> {
        let path = self.entry_path(key, "json")?;
        let bytes = read_private(&path)?;
        match entry::decode(&bytes) {
            Ok(entry) => Some(entry),
            Err(entry::Damaged(why)) => {
                error::warn(format!(
                    "ignoring the damaged cache entry {} ({why}); it will be replaced",
                    path.display()
                ));
                None
            }
        }
    }

    /// Waits until no other guard is fetching this entry. Callers re-read the entry once they
    /// hold the lock: whoever held it before may have just written it. The wait is bounded, and
    /// a holder that is stopped (Ctrl-Z) is not waited for: the cache only makes guard faster,
    /// so then this run fetches on its own (None).
    pub fn lock(&self, key: &Key) -> Option<EntryLock> {
        let dir = self.prepare("credentials")?;
        let path = dir.join(format!("{}.lock", key.as_str()));
        let patience = fsutil::patience(LOCK_PATIENCE);
        match fsutil::lock(&path, patience, |_| {}) {
            Ok(file) => Some(EntryLock { _file: file }),
            Err(e) if fsutil::is_busy(&e) => {
                error::warn(format!("{e}; fetching without waiting for it"));
                None
            }
            Err(e) => {
                self.give_up(&anyhow::Error::new(e));
                None
            }
        }
    }

    /// Stores an entry; credentials that do not expire are never stored.
    pub fn write(&self, key: &Key, entry: &Entry, provenance: &Provenance) {
        let Some(bytes) = entry::encode(entry, provenance) else {
            return;
        };
        let Some(dir) = self.prepare("credentials") else {
            return;
        };
        let path = dir.join(format!("{}.json", key.as_str()));
        if let Err(e) = fsutil::write_private(&path, &bytes) {
            self.give_up(&e);
        }
        // What a guard killed in the middle of a write left (a secret key among it).
        fsutil::sweep(&dir);
    }

    /// Something made from the credentials under `key` (an EKS token), named `name` among them.
    /// It lives as long as they do: clearing them removes it.
    pub fn read_derived(&self, key: &Key, name: &str) -> Option<Vec<u8>> {
        let path = self.folder(DERIVED)?.join(derived_name(key, name));
        read_private(&path)
    }

    pub fn write_derived(&self, key: &Key, name: &str, bytes: &[u8]) {
        let Some(dir) = self.prepare(DERIVED) else {
            return;
        };
        if let Err(e) = fsutil::write_private(&dir.join(derived_name(key, name)), bytes) {
            self.give_up(&e);
        }
    }

    /// Removes entries and returns how many. Unlike the run path, this fails loudly: the person
    /// asked for it.
    pub fn clear(&self, which: Selection) -> anyhow::Result<usize> {
        let Some(root) = &self.root else {
            return Ok(0);
        };
        let credentials = root.join("credentials");
        let mut removed = 0;
        for (path, key) in entries(&credentials)? {
            let wanted =
                match which {
                    Selection::All => true,
                    Selection::Profile(p) => read_private(&path)
                        .is_some_and(|bytes| entry::matches(&bytes, Some(p), None)),
                    Selection::SsoSession(s) => read_private(&path)
                        .is_some_and(|bytes| entry::matches(&bytes, None, Some(s))),
                };
            if wanted {
                remove(&path)?;
                remove(&credentials.join(format!("{}.lock", key.as_str())))?;
                remove_derived(&root.join(DERIVED), Some(&key))?;
                removed += 1;
            }
        }
        if let Selection::All = which {
            names::clear(&root.join("accounts"))?;
            remove_derived(&root.join(DERIVED), None)?;
        }
        for folder in ["credentials", DERIVED, "accounts"] {
            fsutil::sweep(&root.join(folder));
        }
        Ok(removed)
    }
}

/// Removes the cached credentials of one sso-session (for a legacy profile: of its start URL),
/// as signing out of it must.
pub fn clear_sso_session(name: &str) -> anyhow::Result<usize> {
    Cache::locate().clear(Selection::SsoSession(name))
}

/// The bytes of a cache file, if it is there and trustworthy: a regular file of this user that
/// nobody else can read or write. Anything else is ignored with a warning.
fn read_private(path: &Path) -> Option<Vec<u8>> {
    // A cache folder that is a file or missing is simply empty; writing will say more.
    let (file, metadata) = match fsutil::open_regular(path) {
        Ok(opened) => opened?,
        Err(e) => {
            error::warn(format!("ignoring a cache entry: {e}"));
            return None;
        }
    };
    let trusted = metadata.uid() == nix::unistd::geteuid().as_raw() && metadata.mode() & 0o077 == 0;
    if !trusted {
        error::warn(format!(
            "ignoring {}: it is not a private file of yours (mode 0600); it will be replaced",
            path.display()
        ));
        return None;
    }
    match fsutil::read_opened(path, file, &metadata, fsutil::SMALL_LIMIT) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            error::warn(format!("ignoring a cache entry: {e}"));
            None
        }
    }
}

/// The paths in one of the cache's folders; a missing folder has none.
fn files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let listing = match std::fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            return Ok(Vec::new());
        }
        Err(e) => {
            return Err(e).with_context(|| Failure::io(format!("cannot list {}", dir.display())));
        }
    };
    listing
        .map(|item| {
            item.map(|i| i.path())
                .with_context(|| Failure::io(format!("cannot list {}", dir.display())))
        })
        .collect()
}

/// The entries in a credentials folder, as (path, key); a missing folder has none.
fn entries(dir: &Path) -> anyhow::Result<Vec<(PathBuf, Key)>> {
    let mut found = Vec::new();
    for path in files(dir)? {
        let key = path
            .extension()
            .filter(|e| *e == "json")
            .and(path.file_stem())
            .and_then(|s| s.to_str())
            .and_then(Key::from_file_stem);
        if let Some(key) = key {
            found.push((path, key));
        }
    }
    Ok(found)
}

/// The folder of what is made from credentials, one file per credentials entry and name.
const DERIVED: &str = "derived";

fn derived_name(key: &Key, name: &str) -> String {
    format!("{}.{name}.json", key.as_str())
}

/// Removes what was made from the credentials under `key`, or from any.
fn remove_derived(dir: &Path, key: Option<&Key>) -> anyhow::Result<()> {
    for path in files(dir)? {
        let made_from = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.split_once('.'))
            .map(|(stem, _)| stem);
        let wanted = match key {
            Some(key) => made_from == Some(key.as_str()),
            None => made_from.and_then(Key::from_file_stem).is_some(),
        };
        if wanted {
            remove(&path)?;
        }
    }
    Ok(())
}

fn remove(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => {
            Err(e).with_context(|| Failure::io(format!("cannot remove {}", path.display())))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::identity::AccountName;
    use crate::credentials::{Credentials, Secret};
    use time::{Duration, OffsetDateTime};

    fn cache_in(dir: &Path) -> Cache {
        Cache {
            root: Some(dir.join("guard")),
            usable: Cell::new(true),
        }
    }

    fn key(n: u8) -> Key {
        Key::from_file_stem(&format!("{n:064x}")).unwrap()
    }

    fn entry() -> Entry {
        Entry::Unverified(Credentials {
            access_key_id: "ASIAEXAMPLE".to_string(),
            secret_access_key: Secret::new("secret"),
            session_token: Some(Secret::new("token")),
            expiration: Some(OffsetDateTime::now_utc() + Duration::hours(1)),
        })
    }

    fn store(cache: &Cache, n: u8, profiles: &[&str], sso_session: Option<&str>) {
        let profiles: Vec<String> = profiles.iter().map(|p| p.to_string()).collect();
        let provenance = Provenance {
            profiles: &profiles,
            sso_session,
        };
        let _lock = cache.lock(&key(n)).unwrap();
        cache.write(&key(n), &entry(), &provenance);
    }

    #[test]
    fn clearing_by_sso_session_and_by_profile() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache_in(dir.path());
        store(&cache, 1, &["sandbox"], Some("myorg"));
        store(&cache, 2, &["dev", "chained"], Some("myorg"));
        store(&cache, 3, &["other"], Some("otherorg"));
        store(&cache, 4, &["base", "chained"], None);
        assert!(cache.read(&key(1)).is_some());

        assert_eq!(clear_in(&cache, Selection::SsoSession("myorg")), 2);
        assert!(cache.read(&key(1)).is_none() && cache.read(&key(2)).is_none());
        assert!(
            !dir.path()
                .join(format!("guard/credentials/{}.lock", key(1).as_str()))
                .exists()
        );
        assert_eq!(clear_in(&cache, Selection::Profile("chained")), 1);
        assert!(cache.read(&key(3)).is_some());
        assert_eq!(clear_in(&cache, Selection::All), 1);
        assert_eq!(clear_in(&cache, Selection::All), 0);
    }

    fn clear_in(cache: &Cache, which: Selection) -> usize {
        cache.clear(which).unwrap()
    }

    #[test]
    fn an_unusable_folder_turns_the_cache_off() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "").unwrap();
        let cache = cache_in(&blocker);
        assert!(cache.read(&key(1)).is_none());
        assert!(cache.lock(&key(1)).is_none());
        assert!(!cache.usable.get());
        cache.write(
            &key(1),
            &entry(),
            &Provenance {
                profiles: &[],
                sso_session: None,
            },
        );
        assert_eq!(clear_in(&cache, Selection::All), 0);
    }

    #[test]
    fn account_names_last_a_day() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache_in(dir.path());
        let account = "111111111111".parse().unwrap();
        let now = OffsetDateTime::now_utc();
        assert_eq!(cache.account_name(&account, now), AccountName::Unknown);
        cache.save_account_name(&account, &AccountName::Known("sandbox".to_string()), now);
        assert_eq!(
            cache.account_name(&account, now),
            AccountName::Known("sandbox".to_string())
        );
        assert_eq!(
            cache.account_name(&account, now + Duration::hours(25)),
            AccountName::Unknown
        );
        cache.save_account_name(&account, &AccountName::NoneVisible, now);
        assert_eq!(cache.account_name(&account, now), AccountName::NoneVisible);
        // Not knowing is nothing to remember.
        cache.save_account_name(&account, &AccountName::Unknown, now);
        assert_eq!(cache.account_name(&account, now), AccountName::NoneVisible);
    }
}
