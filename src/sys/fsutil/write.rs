//! Writing files, the one way guard does it: through a temporary file in the same folder that is
//! removed on every failure (and swept up after a kill -9), renamed over the file so that a
//! reader sees the old bytes or the new, never through a symlink guard did not expect, with the
//! mode set whatever the file had; and, around a read-modify-write, a lock with a bounded wait.

use std::fs::{File, OpenOptions, Permissions};
use std::io::{self, ErrorKind, Write as _};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use anyhow::Context as _;

use super::lock::{self, FileLock};
use crate::sys::error::Failure;

/// What a symlink in place of the file means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// guard's own files (caches, tokens, the trust list): the link is replaced by the file,
    /// never written through.
    Replace,
    /// The person's files (`~/.aws/config`, a kubeconfig): a dotfile manager's link is kept and
    /// the regular file it names is written; a link to anything else is refused.
    Follow,
}

/// The mode the written file gets, whatever the file it replaces had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 0600: it holds secrets, or a record only its owner should read.
    Private,
    /// The existing file's mode without write for group and others (who could otherwise put a
    /// `credential_process` in it); 0600 for a new file.
    KeepButNotWritableByOthers,
}

/// The part of a temporary file's name that says guard made it: `.NAME.guard-tmp-PID-XXXXXX`.
const TEMPORARY: &str = ".guard-tmp-";

/// Writes of this process under way: their temporary files carry this process's ID, and `sweep`
/// must not take them for a dead process's (`guard each` writes from several threads).
static WRITING: AtomicUsize = AtomicUsize::new(0);

struct Writing;

impl Writing {
    fn start() -> Writing {
        WRITING.fetch_add(1, Ordering::SeqCst);
        Writing
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        WRITING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Writes `bytes` to `path` atomically. The folder must exist (see [`own_dir`] and
/// [`super::create_private_dir`]).
pub fn write_file(path: &Path, bytes: &[u8], mode: Mode, links: Links) -> anyhow::Result<()> {
    // Before the temporary file exists, until it is renamed or removed.
    let _writing = Writing::start();
    let target = match (links, std::fs::symlink_metadata(path)) {
        (Links::Follow, Ok(m)) if m.file_type().is_symlink() => std::fs::canonicalize(path)
            .with_context(|| {
                Failure::io(format!(
                    "{} is a symlink to a file that does not exist",
                    path.display()
                ))
            })?,
        _ => path.to_path_buf(),
    };
    let existing = match std::fs::symlink_metadata(&target) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => {
            return Err(e)
                .with_context(|| Failure::io(format!("cannot read {}", target.display())));
        }
    };
    if let Some(m) = &existing
        && !m.is_file()
        && !(links == Links::Replace && m.file_type().is_symlink())
    {
        return Err(Failure::io(format!(
            "{} is not a regular file; guard does not replace it",
            target.display()
        ))
        .with_hint("move it away, then try again")
        .into());
    }
    let bits = match (mode, &existing) {
        (Mode::KeepButNotWritableByOthers, Some(m)) if m.is_file() => m.mode() & 0o755,
        _ => 0o600,
    };
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}{TEMPORARY}{}-", std::process::id());
    // Removed when dropped: on every failure below, the temporary file goes with it.
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .permissions(Permissions::from_mode(0o600))
        .tempfile_in(dir)
        .with_context(|| {
            Failure::io(format!(
                "cannot create a temporary file in {}",
                dir.display()
            ))
        })?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().set_permissions(Permissions::from_mode(bits)))
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| Failure::io(format!("cannot write {}", target.display())))?;
    tmp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| Failure::io(format!("cannot replace {}", target.display())))?;
    Ok(())
}

/// Creates one of guard's own folders (and missing parents) with mode 0700, and makes sure that
/// what is there is a folder of this user and not a symlink: credentials written into a folder
/// someone else named would be theirs. Parents above `base` are the person's business.
pub fn own_dir(base: &Path, dir: &Path) -> anyhow::Result<()> {
    if let Some(parent) = base.parent() {
        super::create_private_dir(parent)
            .with_context(|| Failure::io(format!("cannot create {}", parent.display())))?;
    }
    let below = dir.strip_prefix(base).unwrap_or(Path::new(""));
    let mut current = base.to_path_buf();
    // Each folder is checked before anything is made below it: a symlink is never followed,
    // not even to create a folder where it points.
    own_folder(&current)?;
    for part in below.components() {
        current.push(part);
        own_folder(&current)?;
    }
    Ok(())
}

/// Makes `folder` (0700) if it is missing, then checks it is a real folder of this user,
/// made private if it was not.
fn own_folder(folder: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    match std::fs::DirBuilder::new().mode(0o700).create(folder) {
        Err(e) if e.kind() != ErrorKind::AlreadyExists => {
            return Err(e)
                .with_context(|| Failure::io(format!("cannot create {}", folder.display())));
        }
        _ => {}
    }
    let m = std::fs::symlink_metadata(folder)
        .with_context(|| Failure::io(format!("cannot read {}", folder.display())))?;
    if m.file_type().is_symlink() || !m.is_dir() {
        let what = if m.file_type().is_symlink() {
            "a symlink"
        } else {
            "not a folder"
        };
        return Err(Failure::io(format!(
            "{} is {what}, not a folder of guard's",
            folder.display()
        ))
        .with_hint(format!(
            "remove it (guard makes it again): rm {}",
            folder.display()
        ))
        .into());
    }
    if m.uid() != nix::unistd::geteuid().as_raw() {
        return Err(Failure::io(format!(
            "{} belongs to another user (uid {})",
            folder.display(),
            m.uid()
        ))
        .with_hint(format!(
            "remove it (guard makes it again): {}",
            folder.display()
        ))
        .into());
    }
    if m.mode() & 0o077 != 0 {
        std::fs::set_permissions(folder, Permissions::from_mode(0o700))
            .with_context(|| Failure::io(format!("cannot make {} private", folder.display())))?;
    }
    Ok(())
}

/// Removes the temporary files of writes that never finished (a guard killed with kill -9):
/// those of processes that are gone, and any older than an hour. Returns how many.
pub fn sweep(dir: &Path) -> usize {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for item in listing.flatten() {
        let name = item.file_name().to_string_lossy().into_owned();
        let Some((_, after)) = name.split_once(TEMPORARY) else {
            continue;
        };
        let pid = after.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let old = item
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > Duration::from_secs(3600));
        // This process's own: left by an earlier process that had its ID, unless a write of
        // this one is under way (read after the listing, so a write listed there is counted).
        let ours_left = |p: u32| p == std::process::id() && WRITING.load(Ordering::SeqCst) == 0;
        let abandoned = pid.is_none_or(|p| !lock::is_alive(p) || ours_left(p));
        if (abandoned || old) && std::fs::remove_file(item.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// The lock guard takes around a read-modify-write of `path`, in its own state folder (not beside
/// the person's file): one per file, named by the file's resolved path.
pub fn edit_lock(path: &Path, patience: Duration) -> anyhow::Result<FileLock> {
    let resolved = resolved(path);
    let digest = hex::encode(crate::sys::digest::sha256(&[resolved
        .as_os_str()
        .as_encoded_bytes()]));
    let state = super::state_dir()?;
    let dir = state.join("locks");
    own_dir(&state, &dir)?;
    let lock_path = dir.join(format!("{}.lock", &digest[..32]));
    lock::lock(&lock_path, patience, |holder| {
        crate::sys::output::stderr_line(format_args!(
            "guard: waiting for another guard{} that is changing {}",
            holder
                .map(|h| format!(" (process {h})"))
                .unwrap_or_default(),
            path.display()
        ));
    })
    .map_err(|e| e.into_failure().into())
}

/// The path with symlinks resolved as far as they exist, so that a link and its target share
/// one lock.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent)
            .map(|p| p.join(name))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

/// How long an edit waits for another guard editing the same file.
pub const EDIT_PATIENCE: Duration = Duration::from_secs(10);

/// Appends one line to a log of guard's (the audit log), or fails:
/// - never through a symlink, and only to a regular file of this user, made 0600;
/// - under a lock (bounded), so that a failed write can be undone: a write cut short (a full
///   disk, a file size limit) is truncated away, and a line a killed guard left unfinished is
///   removed before the next one, so that the log stays valid JSON lines.
pub fn append_line(path: &Path, line: &str) -> io::Result<()> {
    debug_assert!(line.ends_with('\n'));
    let file = OpenOptions::new()
        .append(true)
        .create(true)
        .read(true)
        .mode(0o600)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(nix::libc::ELOOP) {
                io::Error::other("it is a symlink, and guard writes its log only in place")
            } else {
                e
            }
        })?;
    let m = file.metadata()?;
    if !m.is_file() {
        return Err(io::Error::other("it is not a regular file"));
    }
    if m.uid() != nix::unistd::geteuid().as_raw() {
        return Err(io::Error::other(format!(
            "it belongs to another user (uid {})",
            m.uid()
        )));
    }
    if m.mode() & 0o777 != 0o600 {
        file.set_permissions(Permissions::from_mode(0o600))?;
    }
    let patience = lock::patience(EDIT_PATIENCE);
    let _held = hold(&file, patience)?;
    let length = unfinished_line_removed(&file)?;
    // A file size limit (ulimit -f) would kill guard mid-line with SIGXFSZ; ignored for the
    // write, it makes the write fail instead, and the line is undone.
    let previous = ignore_file_size_signal();
    let written = (&file).write_all(line.as_bytes());
    restore_file_size_signal(previous);
    if let Err(e) = written {
        let _ = file.set_len(length);
        return Err(e);
    }
    Ok(())
}

/// flock on an open file, with a bounded wait.
fn hold(file: &File, patience: Duration) -> io::Result<impl Drop + use<'_>> {
    struct Held<'a>(&'a File);
    impl Drop for Held<'_> {
        fn drop(&mut self) {
            let _ = self.0.unlock();
        }
    }
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Held(file)),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < patience => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(io::Error::other(format!(
                    "another guard held it for over {} s",
                    patience.as_secs_f32()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// Cuts a last line that has no newline (left by a guard that died while writing it) and returns
/// the length after.
fn unfinished_line_removed(file: &File) -> io::Result<u64> {
    let length = file.metadata()?.len();
    let mut last = [0u8; 1];
    if length == 0 || (file.read_at(&mut last, length - 1)? == 1 && last[0] == b'\n') {
        return Ok(length);
    }
    // Back to the previous newline, a block at a time.
    let mut end = length;
    let mut block = vec![0u8; 64 * 1024];
    while end > 0 {
        let start = end.saturating_sub(block.len() as u64);
        let chunk = &mut block[..(end - start) as usize];
        file.read_exact_at(chunk, start)?;
        if let Some(at) = chunk.iter().rposition(|b| *b == b'\n') {
            let keep = start + at as u64 + 1;
            file.set_len(keep)?;
            return Ok(keep);
        }
        end = start;
    }
    file.set_len(0)?;
    Ok(0)
}

fn ignore_file_size_signal() -> Option<nix::sys::signal::SigHandler> {
    use nix::sys::signal::{SigHandler, Signal, signal};
    // SAFETY: SIG_IGN installs no handler code; the previous disposition is put back after.
    unsafe { signal(Signal::SIGXFSZ, SigHandler::SigIgn) }.ok()
}

fn restore_file_size_signal(previous: Option<nix::sys::signal::SigHandler>) {
    use nix::sys::signal::{Signal, signal};
    if let Some(previous) = previous {
        // SAFETY: puts back the disposition that was there before.
        let _ = unsafe { signal(Signal::SIGXFSZ, previous) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_links_to_guard_s_files_and_follow_the_person_s() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, "theirs").unwrap();
        let own = dir.path().join("own.json");
        std::os::unix::fs::symlink(&elsewhere, &own).unwrap();
        write_file(&own, b"mine", Mode::Private, Links::Replace).unwrap();
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "theirs");
        assert!(
            !std::fs::symlink_metadata(&own)
                .unwrap()
                .file_type()
                .is_symlink()
        );

        let config = dir.path().join("config");
        std::fs::set_permissions(&elsewhere, Permissions::from_mode(0o666)).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &config).unwrap();
        write_file(
            &config,
            b"new",
            Mode::KeepButNotWritableByOthers,
            Links::Follow,
        )
        .unwrap();
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "new");
        assert!(
            std::fs::symlink_metadata(&config)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let mode = std::fs::metadata(&elsewhere).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o644);

        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
        assert!(write_file(&fifo, b"x", Mode::Private, Links::Follow).is_err());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(TEMPORARY))
            .collect();
        assert!(left.is_empty());
    }

    #[test]
    fn an_existing_file_gets_the_mode_guard_wants() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("entry.json");
        std::fs::write(&file, "old").unwrap();
        std::fs::set_permissions(&file, Permissions::from_mode(0o644)).unwrap();
        write_file(&file, b"new", Mode::Private, Links::Replace).unwrap();
        assert_eq!(std::fs::metadata(&file).unwrap().mode() & 0o777, 0o600);
    }

    #[test]
    fn own_dirs_refuse_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("guard");
        let away = dir.path().join("away");
        std::fs::create_dir(&away).unwrap();
        std::os::unix::fs::symlink(&away, &base).unwrap();
        assert!(own_dir(&base, &base.join("credentials")).is_err());
        assert!(!away.join("credentials").exists());
        std::fs::remove_file(&base).unwrap();
        own_dir(&base, &base.join("credentials")).unwrap();
        std::os::unix::fs::symlink(&away, base.join("derived")).unwrap();
        assert!(own_dir(&base, &base.join("derived")).is_err());
    }

    #[test]
    fn sweeping_removes_what_dead_writers_left() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let left = dir.path().join(format!(".x.json{TEMPORARY}{dead}-abc"));
        std::fs::write(&left, "secret").unwrap();
        let parent = std::os::unix::process::parent_id();
        let live = dir.path().join(format!(".y.json{TEMPORARY}{parent}-abc"));
        std::fs::write(&live, "being written").unwrap();
        assert_eq!(sweep(dir.path()), 1);
        assert!(!left.exists() && live.exists());
    }

    #[test]
    fn appends_undo_what_was_cut_short() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("audit.jsonl");
        std::fs::write(&log, "{\"a\":1}\n{\"b\":").unwrap();
        std::fs::set_permissions(&log, Permissions::from_mode(0o644)).unwrap();
        append_line(&log, "{\"c\":3}\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&log).unwrap(),
            "{\"a\":1}\n{\"c\":3}\n"
        );
        assert_eq!(std::fs::metadata(&log).unwrap().mode() & 0o777, 0o600);
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&log, &link).unwrap();
        assert!(append_line(&link, "{}\n").is_err());
    }
}
