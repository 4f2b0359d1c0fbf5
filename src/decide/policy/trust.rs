//! Which project files the user trusts, as direnv's `allow` and mise's `trust` do: a
//! `.guard.toml` arrives with a repository, so it is someone else's configuration until the
//! user says otherwise. Trust is the file's location (its resolved folder and
//! its name, not where a symlink points) and the SHA-256 of the bytes the user
//! trusted, kept in `$XDG_STATE_HOME/guard/trusted.json`; any change to the bytes lapses it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::modes::strict_modes;
use crate::sys::error::Failure;
use crate::sys::fsutil;

const VERSION: u32 = 1;

/// A trusted project file: the digest it had when it was trusted, and when.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trusted {
    pub sha256: String,
    pub trusted_at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Store {
    version: u32,
    /// Canonical path to what was trusted.
    files: BTreeMap<String, Trusted>,
}

/// A project file's standing with the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Trusted,
    /// Trusted once, but its bytes are no longer the ones the user trusted.
    Changed,
    Untrusted,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Trusted => "trusted",
            State::Changed => "untrusted: changed since you trusted it",
            State::Untrusted => "untrusted",
        }
    }
}

pub fn path() -> anyhow::Result<PathBuf> {
    Ok(fsutil::state_dir()?.join("trusted.json"))
}

pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(crate::sys::digest::sha256(&[bytes]))
}

/// The key a file is trusted under: where it is found, with the folders above it resolved, so
/// that `./.guard.toml` and the absolute path are one file. The file's own symlink is not
/// followed: a `.guard.toml` in another repository that links to a trusted one is another
/// file, which applies its `profile` elsewhere, and is trusted only where the user trusted it.
pub fn location(file: &Path) -> anyhow::Result<PathBuf> {
    let unresolved = |e: std::io::Error| -> anyhow::Error {
        Failure::config(format!(
            "cannot resolve the policy file {}: {e}",
            file.display()
        ))
        .into()
    };
    let absolute = std::path::absolute(file).map_err(unresolved)?;
    match (absolute.parent(), absolute.file_name()) {
        (Some(folder), Some(name)) => Ok(std::fs::canonicalize(folder)
            .map_err(unresolved)?
            .join(name)),
        _ => std::fs::canonicalize(&absolute).map_err(unresolved),
    }
}

fn read() -> anyhow::Result<Store> {
    let path = path()?;
    let bad = |what: String| {
        Failure::config(format!(
            "guard's list of trusted project files {} {what}",
            path.display()
        ))
        .with_hint(format!(
            "remove it and trust your project files again with `guard policy trust FILE`: rm {}",
            path.display()
        ))
    };
    let Some((file, metadata)) = fsutil::open_regular(&path).map_err(|e| bad(e.to_string()))?
    else {
        return Ok(Store::default());
    };
    // Whoever can write the list can trust any file in the user's name.
    strict_modes("list of trusted project files", &path, &metadata)?;
    let bytes = fsutil::read_opened(&path, file, &metadata, fsutil::SMALL_LIMIT)
        .map_err(|e| bad(e.to_string()))?;
    let store: Store =
        serde_json::from_slice(&bytes).map_err(|e| bad(format!("is not what guard wrote: {e}")))?;
    if store.version != VERSION {
        return Err(bad(format!(
            "has version {}; this guard reads {VERSION}",
            store.version
        ))
        .into());
    }
    Ok(store)
}

fn write(store: &Store) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(store)?;
    text.push('\n');
    let path = path()?;
    let state = fsutil::state_dir()?;
    fsutil::own_dir(&state, &state)?;
    fsutil::write_file(
        &path,
        text.as_bytes(),
        fsutil::Mode::Private,
        fsutil::Links::Replace,
    )
}

/// Reads, changes and writes the list under a lock, so that concurrent trusts and revokes all
/// land: a lost revocation would leave a file trusted that the user revoked.
fn update<T>(change: impl FnOnce(&mut Store) -> (T, bool)) -> anyhow::Result<T> {
    let path = path()?;
    let _lock = fsutil::edit_lock(&path, fsutil::patience(fsutil::EDIT_PATIENCE))?;
    let mut store = read()?;
    let (result, changed) = change(&mut store);
    if changed {
        store.version = VERSION;
        write(&store)?;
    }
    Ok(result)
}

/// The standing of the file at `canonical` whose bytes are `bytes` (the bytes guard read and
/// will apply, so that nothing can change between the check and the use).
pub fn state(canonical: &Path, bytes: &[u8]) -> anyhow::Result<State> {
    let store = read()?;
    Ok(
        match store.files.get(&canonical.to_string_lossy().into_owned()) {
            Some(entry) if entry.sha256 == sha256(bytes) => State::Trusted,
            Some(_) => State::Changed,
            None => State::Untrusted,
        },
    )
}

/// Records that the user trusts these bytes at `location`; returns their SHA-256.
pub fn trust(location: &Path, bytes: &[u8]) -> anyhow::Result<String> {
    let digest = sha256(bytes);
    let entry = Trusted {
        sha256: digest.clone(),
        trusted_at: OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default(),
    };
    update(|store| {
        store
            .files
            .insert(location.to_string_lossy().into_owned(), entry);
        ((), true)
    })?;
    Ok(digest)
}

/// Forgets the trust in `location`; false when it was not trusted.
pub fn revoke(location: &Path) -> anyhow::Result<bool> {
    update(|store| {
        let removed = store
            .files
            .remove(&location.to_string_lossy().into_owned())
            .is_some();
        (removed, removed)
    })
}

/// Every trusted file, by location.
pub fn entries() -> anyhow::Result<Vec<(String, Trusted)>> {
    Ok(read()?.files.into_iter().collect())
}
