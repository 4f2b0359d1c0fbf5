//! A guarded shell's session: the private folder of shims first on the shell's `PATH`, and the
//! file that tells each shim which profile and account the shell is for.
//!
//! ```text
//! $XDG_STATE_HOME/guard/shells/PID/      0700, removed when the shell ends
//!     session                            0600: profile, region, account, policy (no secret)
//!     bin/aws -> /usr/local/bin/guard    one link per tool guard judges
//! ```
//!
//! `GUARD_SHELL` names the session file. It is the only way in: a shim reads nothing else, and
//! refuses a file that is not guard's (another owner, readable by others, a link, not in a
//! private folder), so a shim started outside a guarded shell, or with a file put in its place,
//! runs nothing.

use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::sys::error::Failure;
use crate::sys::fsutil;

/// The variable that names the session file, in the shell and everything started from it.
pub const VARIABLE: &str = "GUARD_SHELL";

const SESSION_FILE: &str = "session";
const SHIMS: &str = "bin";

/// What a shim needs to decide as the shell would: the shell's choices, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub profile: String,
    /// `-r` given when the shell started; otherwise each command's region is found as a run's.
    pub region: Option<String>,
    /// The account verified when the shell started: a command whose credentials land elsewhere
    /// is refused.
    pub account: String,
    /// `--policy` given when the shell started.
    pub policy: Option<PathBuf>,
}

/// A guarded shell's folder, removed when this is dropped (the shell has ended).
pub struct Folder {
    path: PathBuf,
}

impl Folder {
    /// Makes the folder of this process's guarded shell, with a shim for each of `tools` and
    /// the session file; folders of guards that have ended (killed before they could remove
    /// theirs) are removed first.
    pub fn create<'t>(
        session: &Session,
        tools: impl IntoIterator<Item = &'t str>,
    ) -> anyhow::Result<Folder> {
        let state = fsutil::state_dir()?;
        let shells = state.join("shells");
        fsutil::own_dir(&state, &shells)?;
        sweep(&shells);
        let path = shells.join(std::process::id().to_string());
        // A folder by this PID is a dead guard's (this process made none yet).
        if path.exists() {
            std::fs::remove_dir_all(&path)
                .with_context(|| Failure::io(format!("cannot remove {}", path.display())))?;
        }
        fsutil::own_dir(&state, &path.join(SHIMS))?;
        let folder = Folder { path };
        let guard =
            std::env::current_exe().context(Failure::io("cannot find guard's own executable"))?;
        for tool in tools {
            let shim = folder.shims().join(tool);
            std::os::unix::fs::symlink(&guard, &shim)
                .with_context(|| Failure::io(format!("cannot make the shim {}", shim.display())))?;
        }
        let text = serde_json::to_string(session)?;
        let file = folder.session_file();
        // In place, without the fsync of guard's atomic writes (most of the shell's start-up):
        // the folder is new and private, nothing reads the file before the shell starts, and it
        // holds no secret and need not outlive a crash.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(nix::libc::O_NOFOLLOW)
            .open(&file)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .with_context(|| Failure::io(format!("cannot write {}", file.display())))?;
        Ok(folder)
    }

    pub fn shims(&self) -> PathBuf {
        self.path.join(SHIMS)
    }

    pub fn session_file(&self) -> PathBuf {
        self.path.join(SESSION_FILE)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Removes the folders of guards that are no longer running.
fn sweep(shells: &Path) {
    let Ok(entries) = std::fs::read_dir(shells) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|name| name.parse::<i32>().ok())
        else {
            continue;
        };
        let gone = matches!(
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None),
            Err(nix::errno::Errno::ESRCH)
        );
        if gone {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The guarded shell this process runs in, from `GUARD_SHELL`: None outside one; an error when
/// the file it names is not a session file of guard's.
pub fn current() -> Result<Option<(Session, PathBuf)>, Failure> {
    let Some(named) = std::env::var_os(VARIABLE).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    read(Path::new(&named)).map(Some)
}

/// Whether metadata is of the kind a path must be (a folder, a regular file).
type IsKind = fn(&std::fs::Metadata) -> bool;

/// The session in `file`, and its folder of shims, after checking both are guard's own.
fn read(file: &Path) -> Result<(Session, PathBuf), Failure> {
    use std::os::unix::fs::MetadataExt as _;
    let refuse = |why: String| {
        Failure::refused(format!(
            "{VARIABLE}={} is not a guarded shell's session: {why}; nothing was run",
            file.display()
        ))
        .with_hint(
            "start a guarded shell with `guard -p PROFILE`, or run `guard -p PROFILE -- COMMAND`",
        )
    };
    if !file.is_absolute() || file.file_name() != Some(SESSION_FILE.as_ref()) {
        return Err(refuse(format!(
            "it is not an absolute path to a file named {SESSION_FILE}"
        )));
    }
    let folder = file
        .parent()
        .ok_or_else(|| refuse("it has no folder".to_string()))?;
    let me = nix::unistd::geteuid().as_raw();
    let kinds: [(&Path, &str, IsKind); 2] = [
        (folder, "folder", std::fs::Metadata::is_dir),
        (file, "file", std::fs::Metadata::is_file),
    ];
    for (path, what, right_kind) in kinds {
        let m = std::fs::symlink_metadata(path)
            .map_err(|e| refuse(format!("cannot read {}: {e}", path.display())))?;
        if m.file_type().is_symlink() || !right_kind(&m) {
            return Err(refuse(format!("{} is not a {what}", path.display())));
        }
        if m.uid() != me {
            return Err(refuse(format!(
                "{} belongs to another user (uid {})",
                path.display(),
                m.uid()
            )));
        }
        if m.mode() & 0o077 != 0 {
            return Err(refuse(format!(
                "{} can be read or changed by others (mode {:o})",
                path.display(),
                m.mode() & 0o777
            )));
        }
    }
    let text = fsutil::read_text(file, fsutil::SMALL_LIMIT)
        .map_err(|e| refuse(e.to_string()))?
        .ok_or_else(|| refuse("it does not exist".to_string()))?;
    let session: Session =
        serde_json::from_str(&text).map_err(|e| refuse(format!("it is not one ({e})")))?;
    Ok((session, folder.join(SHIMS)))
}

/// `PATH` without the folder of shims of the guarded shell guard runs in, for a command guard
/// runs itself (`guard -p X -- aws ...` inside a guarded shell, the real tool behind a shim): its
/// tools are reached directly, with the credentials guard gives it. None when there is nothing
/// to take out (no guarded shell, or a `PATH` that is not text, where the shims stay and refuse
/// to run outside their shell).
pub fn path_without_shims() -> Option<String> {
    let named = std::env::var_os(VARIABLE).filter(|v| !v.is_empty())?;
    let shims = Path::new(&named).parent()?.join(SHIMS);
    let path = std::env::var("PATH").ok()?;
    let kept = without(&path, &shims);
    (kept != path).then_some(kept)
}

fn without(path: &str, folder: &Path) -> String {
    path.split(':')
        .filter(|entry| Path::new(entry) != folder)
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn session() -> Session {
        Session {
            profile: "prod".to_string(),
            region: None,
            account: "222222222222".to_string(),
            policy: None,
        }
    }

    fn written(dir: &Path) -> PathBuf {
        let folder = dir.join("shell");
        std::fs::create_dir(&folder).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o700)).unwrap();
        let file = folder.join(SESSION_FILE);
        fsutil::write_private(&file, serde_json::to_string(&session()).unwrap().as_bytes())
            .unwrap();
        file
    }

    #[test]
    fn a_session_file_of_guard_s_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = written(dir.path());
        let (read_back, shims) = read(&file).unwrap();
        assert_eq!(read_back, session());
        assert_eq!(shims, dir.path().join("shell").join(SHIMS));
    }

    #[test]
    fn anything_else_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = written(dir.path());
        let refused = |path: &Path| read(path).unwrap_err().message;
        assert!(refused(Path::new("session")).contains("absolute"));
        assert!(refused(&dir.path().join("shell/other")).contains("named session"));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(refused(&file).contains("read or changed by others"));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::set_permissions(
            file.parent().unwrap(),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        assert!(refused(&file).contains("read or changed by others"));
        std::fs::set_permissions(
            file.parent().unwrap(),
            std::fs::Permissions::from_mode(0o700),
        )
        .unwrap();
        std::fs::write(&file, "{not json").unwrap();
        assert!(refused(&file).contains("is not one"));
        // A link to a session file is not one.
        let linked = dir.path().join("linked");
        std::fs::create_dir(&linked).unwrap();
        std::fs::set_permissions(&linked, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::symlink(&file, linked.join(SESSION_FILE)).unwrap();
        assert!(refused(&linked.join(SESSION_FILE)).contains("is not a file"));
    }

    #[test]
    fn the_shims_leave_path() {
        let shims = Path::new("/s/shells/9/bin");
        assert_eq!(
            without("/s/shells/9/bin:/usr/bin:/bin", shims),
            "/usr/bin:/bin"
        );
        assert_eq!(without("/usr/bin:/s/shells/9/bin", shims), "/usr/bin");
        assert_eq!(without("/usr/bin::/bin", shims), "/usr/bin::/bin");
    }
}
