//! Finding and reading the policy layers.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::{Layer, Origin, Policy, parse};
use crate::error::Failure;
use crate::fsutil;
use crate::profile::home_dir;

const SHIPPED: &str = include_str!("../../policies/default.toml");
const SYSTEM: &str = "/etc/guard/policy.toml";

fn user_file() -> anyhow::Result<PathBuf> {
    let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => home_dir()?.join(".config"),
    };
    Ok(base.join("guard").join("policy.toml"))
}

/// The nearest `.guard.toml` from the working directory upward: a repository's own policy.
fn project_file() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|dir| dir.join(".guard.toml"))
        .find(|path| path.exists())
}

/// Every layer in force, weakest first. A file that is named explicitly (`$GUARD_POLICY`,
/// `--policy`) must exist; the others are optional.
pub fn load(flag: Option<&Path>) -> anyhow::Result<Policy> {
    let mut layers = vec![Layer {
        origin: Origin::Shipped,
        name: "policies/default.toml (built in)".to_string(),
        file: parse("policies/default.toml (built in)", SHIPPED)?,
    }];
    let optional = [
        (Origin::System, Some(PathBuf::from(SYSTEM))),
        (Origin::User, Some(user_file()?)),
        (Origin::Project, project_file()),
    ];
    for (origin, path) in optional {
        if let Some(path) = path.filter(|p| p.exists()) {
            layers.push(read_layer(origin, &path)?);
        }
    }
    let env = std::env::var_os("GUARD_POLICY")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    for (origin, path) in [
        (Origin::Env, env),
        (Origin::Flag, flag.map(Path::to_path_buf)),
    ] {
        if let Some(path) = path {
            layers.push(read_layer(origin, &path)?);
        }
    }
    Ok(Policy { layers })
}

pub fn read_layer(origin: Origin, path: &Path) -> anyhow::Result<Layer> {
    let name = path.display().to_string();
    let unusable = |e: fsutil::Unreadable| {
        Failure::config(format!("cannot use the {} policy: {e}", origin.label()))
    };
    let (file, metadata) = fsutil::open_regular(path)
        .map_err(unusable)?
        .ok_or_else(|| {
            Failure::config(format!(
                "cannot read the {} policy {name}: it does not exist",
                origin.label()
            ))
        })?;
    // Like ssh with its config: a file others may write could loosen the policy behind your back.
    let mode = metadata.permissions().mode();
    if mode & 0o022 != 0 {
        return Err(Failure::config(format!(
            "the {} policy {name} is writable by other users (mode {:o}); guard refuses it",
            origin.label(),
            mode & 0o777
        ))
        .with_hint(format!("chmod go-w {name}"))
        .into());
    }
    let bytes =
        fsutil::read_opened(path, file, &metadata, fsutil::SMALL_LIMIT).map_err(unusable)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::config(format!(
            "cannot read the {} policy {name}: it is not UTF-8 text",
            origin.label()
        ))
    })?;
    Ok(Layer {
        origin,
        file: parse(&name, &text)?,
        name,
    })
}
