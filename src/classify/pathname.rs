//! Path names without the disk: the folder a command runs in, and lexical normalization
//! (shared by the scope, which carries the working folder, and the path classes).

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
