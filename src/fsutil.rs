//! Writing files that hold secrets: private, and never seen half-written.

use std::io::Write;
use std::path::Path;

use anyhow::Context as _;

/// Writes `bytes` to `path` atomically with mode 0600, creating missing parent folders with mode
/// 0700. A reader sees the old file or the new one, never a mix.
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .with_context(|| format!("{} has no parent folder", path.display()))?;
    create_private_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    // NamedTempFile is created 0600 in the target folder, so the rename stays on one filesystem.
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// Replaces a file the person owns (not a secret cache) atomically, keeping its permissions, and
/// writing through a symlink to its target so that dotfile managers keep their link.
pub fn replace(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let target = match std::fs::canonicalize(path) {
        Ok(target) => target,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return write_private(path, bytes),
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("cannot resolve {}", path.display())));
        }
    };
    let permissions = std::fs::metadata(&target)
        .with_context(|| format!("cannot read the permissions of {}", target.display()))?
        .permissions();
    let dir = target
        .parent()
        .with_context(|| format!("{} has no parent folder", target.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().set_permissions(permissions))
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    tmp.persist(&target)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    Ok(())
}

/// Creates `dir`, and any missing parent, with mode 0700: the folders guard makes hold secrets
/// or a record of what ran.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut folder = std::fs::DirBuilder::new();
    folder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut folder, 0o700);
    folder.create(dir)
}
