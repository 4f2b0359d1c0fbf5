//! Path names: the folder a command runs in, lexical normalization, and the fold that asks
//! the disk where a `..` goes (shared by the scope, which carries the working folder and
//! reads files for their contents, and the path classes).

use std::path::Path;

use super::{Disk, Probe};

/// The folder a command runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WorkDir {
    /// Absolute and normalized.
    Known(String),
    /// Why guard does not know it (`cd "$D"`, no working folder given).
    Unknown(String),
}

/// Folds `//`, `/./` and `..` of an absolute path (`..` of `/` is `/`, as the kernel does).
/// Inside `/proc`, `/dev` and `/sys` a `..` stays: the kernel follows a link before it goes
/// up (`/proc/net` is `self/net`, `/dev/fd` is `/proc/self/fd`, `/proc/PID/cwd` any folder),
/// so `/proc/net/../environ` is `/proc/self/environ` (the path classes make a kept `..`
/// unknown). Elsewhere [`normalize_with`] asks the disk.
pub(crate) fn normalize(path: &str) -> String {
    normalize_with(path, |_| false)
}

/// [`normalize`], where `is_link(folder)` tells whether the folded absolute `folder` is
/// reached through a symlink whose target's parent is not the folder before it: a `..`
/// after it stays (and every later one), as the kernel would go up from the link's target.
pub(crate) fn normalize_with(path: &str, is_link: impl Fn(&str) -> bool) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.contains(&"..") => parts.push(part),
            ".." if matches!(parts.first(), Some(&("proc" | "dev" | "sys"))) && parts.len() > 1 => {
                parts.push(part);
            }
            ".." if !parts.is_empty() && is_link(&format!("/{}", parts.join("/"))) => {
                parts.push(part);
            }
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let mut out = String::with_capacity(path.len());
    for part in &parts {
        out.push('/');
        out.push_str(part);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// `path` (absolute) folded as the kernel will resolve it: `//`, `/./` and `..` folded,
/// except a `..` after a folder the disk shows is a link whose target's parent is not the
/// folder above it (the kernel follows the link before it goes up), which stays, with every
/// `..` after it; inside `/proc`, `/dev` and `/sys` as [`normalize`] says.
pub(crate) fn fold(path: &str, disk: &dyn Disk) -> String {
    if !path.split('/').any(|part| part == "..") {
        return normalize(path);
    }
    let real = |folder: &str| match probe(disk, folder) {
        Probe::Folder { real } | Probe::File { real } => Some(real),
        Probe::Missing => None,
    };
    normalize_with(path, |folder| {
        // A folder that is not there, or a file, makes the kernel fail (ENOENT, ENOTDIR).
        let Some(target) = real(folder) else {
            return false;
        };
        if target.as_path() == Path::new(folder) {
            return false;
        }
        let parent = match folder.rsplit_once('/') {
            Some(("", _)) | None => "/",
            Some((up, _)) => up,
        };
        let parent_real = real(parent).unwrap_or_else(|| Path::new(parent).to_path_buf());
        target.parent() != Some(parent_real.as_path())
    })
}

/// Whether a folded path kept a `..` (one after a link): guard cannot tell where it leads.
pub(crate) fn goes_up(folded: &str) -> bool {
    folded.split('/').any(|part| part == "..")
}

/// Asks the disk, except for the kernel's own trees: what `/proc/self` is for guard is not
/// what it is for the child.
pub(crate) fn probe(disk: &dyn Disk, at: &str) -> Probe {
    if ["/proc", "/dev", "/sys"]
        .iter()
        .any(|tree| at == *tree || at.starts_with(&format!("{tree}/")))
    {
        return Probe::Missing;
    }
    disk.probe(Path::new(at))
}
