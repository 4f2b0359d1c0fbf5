//! Who may change a file that decides protection: shared by the policy files and the list of
//! trusted project files.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::sys::error::Failure;

fn user_name(uid: u32) -> String {
    nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
        .ok()
        .flatten()
        .map_or_else(|| format!("uid {uid}"), |u| u.name)
}

/// ssh's StrictModes for a file that decides protection: the file and every folder above it
/// must belong to the user or root, and nobody else may write them (a sticky folder such as
/// /tmp is fine: others cannot replace what is in it). Otherwise someone else could change the
/// policy behind the user's back. Returns the file's canonical path.
pub(super) fn strict_modes(
    what: &str,
    path: &Path,
    metadata: &std::fs::Metadata,
) -> Result<PathBuf, Failure> {
    let name = path.display().to_string();
    let me = nix::unistd::geteuid().as_raw();
    let not_mine = |owner: u32| owner != me && owner != 0;
    if not_mine(metadata.uid()) {
        return Err(Failure::config(format!(
            "the {what} {name} belongs to {}, not to you or root; guard refuses it",
            user_name(metadata.uid())
        ))
        .with_hint(format!(
            "if you mean to use it, make it yours: chown {} {name}",
            user_name(me)
        )));
    }
    let mode = metadata.permissions().mode();
    if mode & 0o022 != 0 {
        return Err(Failure::config(format!(
            "the {what} {name} is writable by other users (mode {:o}); guard refuses it",
            mode & 0o777
        ))
        .with_hint(format!("chmod go-w {name}")));
    }
    let canonical = std::fs::canonicalize(path)
        .map_err(|e| Failure::config(format!("cannot resolve the {what} {name}: {e}")))?;
    // Where a symlink sits matters as much as where it points: whoever can write that folder
    // can point it elsewhere.
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut folders: Vec<&Path> = canonical.ancestors().skip(1).collect();
    for folder in absolute.ancestors().skip(1) {
        if !folders.contains(&folder) {
            folders.push(folder);
        }
    }
    for folder in folders {
        let shown = folder.display();
        let metadata = std::fs::metadata(folder).map_err(|e| {
            Failure::config(format!(
                "cannot check the folder {shown} holding the {what} {name}: {e}"
            ))
        })?;
        if not_mine(metadata.uid()) {
            return Err(Failure::config(format!(
                "the folder {shown} holding the {what} {name} belongs to {}, not to you or root, so they could replace it; guard refuses it",
                user_name(metadata.uid())
            ))
            .with_hint(format!(
                "move the file to a folder of your own, or: chown {} {shown}",
                user_name(me)
            )));
        }
        let mode = metadata.permissions().mode();
        if mode & 0o022 != 0 && mode & 0o1000 == 0 {
            return Err(Failure::config(format!(
                "the folder {shown} holding the {what} {name} is writable by other users (mode {:o}), so they could replace it; guard refuses it",
                mode & 0o777
            ))
            .with_hint(format!("chmod go-w {shown}")));
        }
    }
    Ok(canonical)
}
