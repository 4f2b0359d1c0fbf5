//! Files: writing those that hold secrets (private, never seen half-written), and reading any
//! file without blocking on something that is not a regular file.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, ErrorKind, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::sys::error::Failure;

mod lock;
mod write;

pub use lock::{FileLock, is_busy, lock, patience};
pub use write::{EDIT_PATIENCE, Links, Mode, append_line, edit_lock, own_dir, sweep, write_file};

/// The person's home folder, where the AWS CLI's files and guard's caches are by default.
pub fn home_dir() -> anyhow::Result<PathBuf> {
    std::env::home_dir()
        .filter(|h| !h.as_os_str().is_empty())
        .ok_or_else(|| {
            Failure::config("cannot find your home directory")
                .with_hint("set HOME, or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE")
                .into()
        })
}

/// guard's own state (the audit log, the trusted project files): `$XDG_STATE_HOME/guard`, by
/// default `~/.local/state/guard`.
pub fn state_dir() -> anyhow::Result<PathBuf> {
    let base = match std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => home_dir()?.join(".local").join("state"),
    };
    Ok(base.join("guard"))
}

/// Writes `bytes` to `path` atomically with mode 0600, creating missing parent folders with mode
/// 0700. A reader sees the old file or the new one, never a mix; a symlink in its place is
/// replaced, never written through.
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .with_context(|| Failure::io(format!("{} has no parent folder", path.display())))?;
    create_private_dir(dir)
        .with_context(|| Failure::io(format!("cannot create {}", dir.display())))?;
    write_file(path, bytes, Mode::Private, Links::Replace)
}

/// Replaces a file the person owns (not a secret cache) atomically, writing through a symlink to
/// the regular file it names so that dotfile managers keep their link, and keeping its mode but
/// for write by group and others.
pub fn replace(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        create_private_dir(dir)
            .with_context(|| Failure::io(format!("cannot create {}", dir.display())))?;
    }
    write_file(path, bytes, Mode::KeepButNotWritableByOthers, Links::Follow)
}

/// Creates `dir`, and any missing parent, with mode 0700: the folders guard makes hold secrets
/// or a record of what ran.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut folder = std::fs::DirBuilder::new();
    folder.recursive(true);
    std::os::unix::fs::DirBuilderExt::mode(&mut folder, 0o700);
    folder.create(dir)
}

/// Config and credentials files: generated ones for large organizations reach megabytes.
pub const CONFIG_LIMIT: u64 = 64 << 20;
/// Caches, tokens, registrations, policies, the alias file: a few kilobytes when sound.
pub const SMALL_LIMIT: u64 = 1 << 20;

/// Why a file guard wanted to read could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Unreadable {
    #[error("{} is {kind}, not a regular file", path.display())]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("{} is larger than {} MiB", path.display(), limit >> 20)]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("cannot read {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

impl Unreadable {
    /// The error of a file the person configured (config, policy, token file): exit 78.
    pub fn into_failure(self) -> Failure {
        let hint = match &self {
            Unreadable::NotRegular { .. } => "guard reads only regular files (or symlinks to one)",
            Unreadable::TooLarge { .. } => "is this the right file?",
            Unreadable::Io { .. } => "check the file's permissions",
        };
        Failure::config(self.to_string()).with_hint(hint)
    }
}

/// Opens `path` for reading without ever blocking: a FIFO, a device or a directory in place of a
/// file would stall a read (or the open itself) forever, so the open is non-blocking and only a
/// regular file (a symlink to one is fine) is accepted. `Ok(None)`: there is no such file.
pub fn open_regular(path: &Path) -> Result<Option<(File, Metadata)>, Unreadable> {
    let io = |source| Unreadable::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = match OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_NOCTTY)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            return Ok(None);
        }
        Err(e) => return Err(io(e)),
    };
    let metadata = file.metadata().map_err(io)?;
    let kind = metadata.file_type();
    let other = if kind.is_file() {
        None
    } else if kind.is_dir() {
        Some("a directory")
    } else if kind.is_fifo() {
        Some("a FIFO")
    } else if kind.is_char_device() {
        Some("a character device")
    } else if kind.is_block_device() {
        Some("a block device")
    } else if kind.is_socket() {
        Some("a socket")
    } else {
        Some("a special file")
    };
    match other {
        Some(kind) => Err(Unreadable::NotRegular {
            path: path.to_path_buf(),
            kind,
        }),
        None => Ok(Some((file, metadata))),
    }
}

/// The bytes of the regular file at `path`, at most `limit` of them; `Ok(None)` when it does not
/// exist.
pub fn read_regular(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, Unreadable> {
    let Some((file, metadata)) = open_regular(path)? else {
        return Ok(None);
    };
    read_opened(path, file, &metadata, limit).map(Some)
}

/// [`read_regular`], as UTF-8 text.
pub fn read_text(path: &Path, limit: u64) -> Result<Option<String>, Unreadable> {
    let Some(bytes) = read_regular(path, limit)? else {
        return Ok(None);
    };
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| Unreadable::Io {
            path: path.to_path_buf(),
            source: io::Error::new(ErrorKind::InvalidData, "it is not UTF-8 text"),
        })
}

/// Reads a file [`open_regular`] opened, refusing more than `limit` bytes (also when the file
/// grows while it is read).
pub fn read_opened(
    path: &Path,
    file: File,
    metadata: &Metadata,
    limit: u64,
) -> Result<Vec<u8>, Unreadable> {
    let too_large = || Unreadable::TooLarge {
        path: path.to_path_buf(),
        limit,
    };
    if metadata.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Unreadable::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::exit_codes::ExitCode;

    #[test]
    fn reads_regular_files_and_symlinks_to_them() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        std::fs::write(&file, "[default]\n").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        for path in [&file, &link] {
            assert_eq!(
                read_text(path, SMALL_LIMIT).unwrap().as_deref(),
                Some("[default]\n")
            );
        }
        assert!(
            read_text(&dir.path().join("none"), SMALL_LIMIT)
                .unwrap()
                .is_none()
        );
        assert!(
            read_text(&file.join("below-a-file"), SMALL_LIMIT)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn refuses_what_is_not_a_regular_file_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
        let zero = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        for (path, kind) in [
            (&fifo, "a FIFO"),
            (&zero, "a character device"),
            (&dir.path().to_path_buf(), "a directory"),
        ] {
            let err = read_regular(path, SMALL_LIMIT).unwrap_err();
            assert!(
                matches!(&err, Unreadable::NotRegular { kind: k, .. } if *k == kind),
                "{err}"
            );
            let failure = err.into_failure();
            assert!(failure.message.contains(&*path.to_string_lossy()));
            assert_eq!(failure.kind, ExitCode::Config);
        }
    }

    #[test]
    fn refuses_a_file_over_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("big");
        std::fs::write(&file, vec![b'x'; 2048]).unwrap();
        assert!(matches!(
            read_regular(&file, 1024),
            Err(Unreadable::TooLarge { .. })
        ));
        assert_eq!(read_regular(&file, 2048).unwrap().unwrap().len(), 2048);
    }
}
