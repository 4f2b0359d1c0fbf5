//! Locks between runs of guard: every read-modify-write of a file guard shares with its other
//! runs (the trust list, a kubeconfig, `~/.aws/config`, a credential being fetched) holds one.
//!
//! The kernel's `flock` (std's `File::lock`) does the locking: it is released when the holder
//! dies, even by kill -9. What it cannot tell is a holder that is alive and not making progress
//! (stopped by Ctrl-Z, or stuck), so the wait is bounded, and a holder the kernel reports stopped
//! is not waited for at all. Its process id is written in the lock file for that.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Overrides every lock's patience, in seconds (decimals allowed): tests set it low.
pub const WAIT_VAR: &str = "GUARD_LOCK_WAIT";

/// A held lock; dropping it (closing the file) releases it.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

/// Why a lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "{} is held by guard process {holder}, which is stopped (Ctrl-Z?)",
        path.display()
    )]
    Stopped { path: PathBuf, holder: u32 },
    #[error("{} was still held{} after {} s", path.display(), holder.map(|h| format!(" by guard process {h}")).unwrap_or_default(), waited.as_secs_f32())]
    TimedOut {
        path: PathBuf,
        holder: Option<u32>,
        waited: Duration,
    },
    #[error("cannot lock {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

impl LockError {
    /// What to do about it, for an error's hint.
    pub fn hint(&self) -> String {
        match self {
            LockError::Stopped { holder, .. } => {
                format!("resume it (fg) or end it (kill {holder}), then try again")
            }
            LockError::TimedOut {
                holder: Some(h), ..
            } => {
                format!(
                    "another guard (process {h}) is still working on it; try again when it is done"
                )
            }
            LockError::TimedOut { .. } => "try again in a moment".to_string(),
            LockError::Io { .. } => "check the folder's permissions".to_string(),
        }
    }

    pub fn into_failure(self) -> crate::sys::error::Failure {
        let hint = self.hint();
        crate::sys::error::Failure::unavailable(self.to_string()).with_hint(hint)
    }
}

/// `default`, unless `GUARD_LOCK_WAIT` says otherwise.
pub fn patience(default: Duration) -> Duration {
    std::env::var(WAIT_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(default, Duration::from_secs_f64)
}

/// Takes the lock at `path` (created 0600 if missing), waiting at most `patience`; `on_wait` is
/// called once if the lock is busy, to say who is waited for.
pub fn lock(
    path: &Path,
    patience: Duration,
    on_wait: impl FnOnce(Option<u32>),
) -> Result<FileLock, LockError> {
    let io = |source| LockError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Never through a symlink, and non-blocking: a FIFO in its place would stall the open.
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .mode(0o600)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
        .open(path)
        .map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(io(io::Error::other("it is not a regular file")));
    }
    let started = Instant::now();
    let mut on_wait = Some(on_wait);
    let mut pause = Duration::from_millis(2);
    loop {
        match file.try_lock() {
            Ok(()) => {
                // Who holds it, for those who wait; a failure here only makes them wait longer.
                let pid = format!("{}\n", std::process::id());
                let _ = file
                    .set_len(0)
                    .and_then(|()| file.write_all_at(pid.as_bytes(), 0));
                return Ok(FileLock { _file: file });
            }
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        let holder = holder(&file);
        if let Some(holder) = holder.filter(|h| is_stopped(*h)) {
            return Err(LockError::Stopped {
                path: path.to_path_buf(),
                holder,
            });
        }
        let waited = started.elapsed();
        if waited >= patience {
            return Err(LockError::TimedOut {
                path: path.to_path_buf(),
                holder,
                waited,
            });
        }
        if let Some(on_wait) = on_wait.take() {
            on_wait(holder);
        }
        std::thread::sleep(pause.min(patience - waited));
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// The process id the holder wrote, if it did.
fn holder(file: &File) -> Option<u32> {
    let mut buffer = [0u8; 16];
    let read = file.read_at(&mut buffer, 0).ok()?;
    std::str::from_utf8(&buffer[..read])
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Whether the process is stopped (by a signal, or under a debugger): it will not let go of a
/// lock until someone resumes it.
#[cfg(target_os = "linux")]
pub fn is_stopped(pid: u32) -> bool {
    // /proc/PID/stat: `pid (comm) S ...`; comm may hold spaces and parentheses, so the state is
    // the first field after the last ')'.
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next())
        .is_some_and(|state| matches!(state, 'T' | 't'))
}

#[cfg(not(target_os = "linux"))]
pub fn is_stopped(_pid: u32) -> bool {
    false
}

/// Whether a process with this id exists (of any user).
pub fn is_alive(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    !matches!(
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None),
        Err(nix::errno::Errno::ESRCH)
    )
}

/// Whether the error is a lock that was not free in time (as opposed to one that could not be
/// taken at all).
pub fn is_busy(e: &LockError) -> bool {
    matches!(e, LockError::Stopped { .. } | LockError::TimedOut { .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_lock_is_waited_for_a_bounded_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let held = lock(&path, Duration::ZERO, |_| {}).unwrap();
        let mut told = None;
        let err = lock(&path, Duration::from_millis(30), |h| told = Some(h)).unwrap_err();
        assert!(
            matches!(err, LockError::TimedOut { holder: Some(h), .. } if h == std::process::id()),
            "{err}"
        );
        assert_eq!(told, Some(Some(std::process::id())));
        drop(held);
        // Waited for, not tried once: another test's child, between its fork and its exec,
        // shares the lock's open file and so holds the flock for that moment.
        lock(&path, Duration::from_secs(5), |_| {}).unwrap();
    }

    #[test]
    fn a_stopped_holder_is_not_waited_for() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let pid = child.id();
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGSTOP,
        )
        .unwrap();
        let mut stopped = false;
        for _ in 0..100 {
            stopped = is_stopped(pid);
            if stopped {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(stopped);
        assert!(!is_stopped(std::process::id()));
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(!is_alive(pid));
        assert!(is_alive(std::process::id()));
    }

    #[test]
    fn patience_comes_from_the_environment_when_set() {
        assert_eq!(
            patience(Duration::from_secs(3)),
            std::env::var(WAIT_VAR)
                .ok()
                .and_then(|v| v.parse::<f64>().ok())
                .map_or(Duration::from_secs(3), Duration::from_secs_f64)
        );
    }
}
