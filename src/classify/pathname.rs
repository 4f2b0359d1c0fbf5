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
/// Under `/proc` a `..` stays: `/proc/PID/cwd`, `root` and `fd/N` are links the kernel follows
/// first, so `/proc/self/cwd/../x` is not `/proc/self/x` (the path classes make it unknown).
pub(crate) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.first() == Some(&"proc") && parts.len() > 2 => parts.push(part),
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
