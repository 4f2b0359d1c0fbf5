//! The sticky profile: `guard use PROFILE` records it in `$XDG_STATE_HOME/guard/current`, and
//! every later run in any terminal uses it when neither `-p` nor a variable names a profile.

use std::io::ErrorKind;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use crate::sys::error::Failure;
use crate::sys::fsutil;

pub fn path() -> anyhow::Result<PathBuf> {
    Ok(fsutil::state_dir()?.join("current"))
}

/// The sticky profile's name, if one is recorded. The file chooses an account, so one that
/// someone else could have written is refused, not followed.
pub fn read() -> anyhow::Result<Option<String>> {
    let path = path()?;
    let shown = path.display();
    let Some((file, metadata)) = fsutil::open_regular(&path).map_err(unreadable)? else {
        return Ok(None);
    };
    let mine = metadata.uid() == nix::unistd::geteuid().as_raw();
    if !mine || metadata.mode() & 0o022 != 0 {
        return Err(Failure::config(format!(
            "the sticky profile in {shown} is not a file only you can write (mode {:o}); guard refuses it",
            metadata.mode() & 0o777
        ))
        .with_hint(format!(
            "remove it (`guard use --clear`) or `chmod go-w {shown}`"
        ))
        .into());
    }
    let bytes = fsutil::read_opened(&path, file, &metadata, NAME_LIMIT).map_err(unreadable)?;
    let name = std::str::from_utf8(&bytes)
        .ok()
        .map(|text| text.strip_suffix('\n').unwrap_or(text))
        .filter(|name| valid(name))
        .ok_or_else(|| {
            Failure::config(format!(
                "{shown} does not hold a profile name (one line, as `guard use PROFILE` writes it)"
            ))
            .with_hint("`guard use PROFILE` records one again; `guard use --clear` forgets it")
        })?;
    Ok(Some(name.to_string()))
}

/// A profile name is a line; anything much longer is not what `guard use` wrote.
const NAME_LIMIT: u64 = 4096;

fn unreadable(e: fsutil::Unreadable) -> anyhow::Error {
    let failure = e.into_failure();
    Failure {
        message: format!("the sticky profile: {}", failure.message),
        hint: Some("`guard use --clear` forgets it".to_string()),
        ..failure
    }
    .into()
}

/// A profile name as the config files can spell it: one line, no surrounding blanks.
fn valid(name: &str) -> bool {
    !name.is_empty() && name.trim() == name && !name.chars().any(char::is_control)
}

pub fn write(name: &str) -> anyhow::Result<PathBuf> {
    let path = path()?;
    fsutil::write_private(&path, format!("{name}\n").as_bytes())?;
    Ok(path)
}

/// Forgets the sticky profile; true when there was one.
pub fn clear() -> anyhow::Result<bool> {
    let path = path()?;
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot remove {}", path.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(valid("prod-admin"));
        assert!(valid("my profile"));
        for bad in ["", " prod", "prod ", "a\nb", "a\tb"] {
            assert!(!valid(bad), "{bad:?}");
        }
    }
}
