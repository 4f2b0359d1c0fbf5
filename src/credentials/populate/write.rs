//! Writing `~/.aws/config` for populate and setup: the new text in place of the old, atomically,
//! the old kept as a backup next to it.

use anyhow::Context as _;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::sys::error::Failure;
use crate::sys::fsutil;

/// Replaces the config file with `after` when it differs from `before`, keeping `before` as a
/// backup next to it (unless the file was empty).
pub fn write_config(config: &std::path::Path, before: &str, after: &str) -> anyhow::Result<()> {
    if after == before {
        return Ok(());
    }
    let shown = config.display();
    if !before.is_empty() {
        let backup = backup_path(config);
        fsutil::write_private(&backup, before.as_bytes())
            .with_context(|| Failure::io(format!("cannot back up {shown}; nothing was changed")))?;
        crate::sys::output::stderr_line(format_args!(
            "guard: the previous {shown} is saved as {}",
            backup.display()
        ));
    }
    fsutil::replace(config, after.as_bytes())
}

fn backup_path(config: &std::path::Path) -> std::path::PathBuf {
    let stamp = OffsetDateTime::now_utc()
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default();
    let mut name = config.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".guard-backup-{stamp}"));
    config.with_file_name(name)
}
