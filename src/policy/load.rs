//! Finding and reading the policy layers.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::trust::{self, State};
use super::{Action, Layer, Origin, Policy, SEVERITIES, parse};
use crate::error::{self, Failure};
use crate::fsutil;
use crate::fsutil::home_dir;

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
pub fn project_file() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|dir| dir.join(".guard.toml"))
        .find(|path| path.exists())
}

/// Every layer in force, weakest first. A file that is named explicitly (`$GUARD_POLICY`,
/// `--policy`) must exist; the others are optional. An untrusted project file that says
/// anything guard ignores gets one warning line.
pub fn load(flag: Option<&Path>) -> anyhow::Result<Policy> {
    let (policy, untrusted) = load_quietly(flag)?;
    if let Some((name, state)) = untrusted {
        let ignored = policy
            .layers
            .iter()
            .find(|l| l.origin == Origin::Untrusted)
            .map_or(0, |l| l.file.ignored.len());
        if ignored > 0 {
            let why = match state {
                State::Changed => "has changed since you trusted it",
                State::Trusted | State::Untrusted => "is not trusted",
            };
            let parts = if ignored == 1 { "part" } else { "parts" };
            error::warn(format!(
                "{name} {why}: {ignored} {parts} of it that would lower protection are ignored (`guard policy explain` shows them); to apply it in full, review it and run `guard policy trust {name}`"
            ));
        }
    }
    Ok(policy)
}

/// The layers without the warning, and the name and standing of an untrusted project file.
pub fn load_quietly(flag: Option<&Path>) -> anyhow::Result<(Policy, Option<(String, State)>)> {
    let mut layers = vec![Layer {
        origin: Origin::Shipped,
        name: "policies/default.toml (built in)".to_string(),
        file: parse("policies/default.toml (built in)", SHIPPED)?,
    }];
    for (origin, path) in [
        (Origin::System, PathBuf::from(SYSTEM)),
        (Origin::User, user_file()?),
    ] {
        if path.exists() {
            layers.push(read_layer(origin, &path)?);
        }
    }
    let mut untrusted = None;
    if let Some(path) = project_file() {
        let project = read_project(&path)?;
        if project.state != State::Trusted {
            untrusted = Some((project.layer.name.clone(), project.state));
        }
        layers.push(project.layer);
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
    let mut policy = Policy { layers };
    policy.tighten_untrusted();
    Ok((policy, untrusted))
}

impl Policy {
    /// Drops from untrusted layers whatever would lower protection below what the trusted
    /// layers give, and records it as ignored. (The decision never lets an untrusted layer
    /// lower anything either; this is what `policy explain` and the warning report.)
    pub(super) fn tighten_untrusted(&mut self) {
        let floor: Vec<_> = SEVERITIES
            .iter()
            .map(|s| (*s, self.protected_action(*s).0))
            .collect();
        let floor = |severity| {
            floor
                .iter()
                .find(|(s, _)| *s == severity)
                .map_or(Action::Deny, |(_, action)| *action)
        };
        for layer in &mut self.layers {
            if layer.origin == Origin::Untrusted {
                layer.file.tighten_only(floor);
            }
        }
    }
}

/// The text and canonical path of a policy file, after the ownership and mode checks, read
/// without blocking (a FIFO or a device in its place is an error).
fn read_bytes(label: &str, path: &Path) -> anyhow::Result<(String, PathBuf)> {
    let name = path.display();
    let unusable =
        |e: fsutil::Unreadable| Failure::config(format!("cannot use the {label} policy: {e}"));
    let (file, metadata) = fsutil::open_regular(path)
        .map_err(unusable)?
        .ok_or_else(|| {
            Failure::config(format!(
                "cannot read the {label} policy {name}: it does not exist"
            ))
        })?;
    let canonical = strict_modes(&format!("{label} policy"), path, &metadata)?;
    let bytes =
        fsutil::read_opened(path, file, &metadata, fsutil::SMALL_LIMIT).map_err(unusable)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::config(format!(
            "cannot read the {label} policy {name}: it is not UTF-8 text"
        ))
    })?;
    Ok((text, canonical))
}

pub fn read_layer(origin: Origin, path: &Path) -> anyhow::Result<Layer> {
    let name = path.display().to_string();
    let (text, _) = read_bytes(origin.label(), path)?;
    Ok(Layer {
        origin,
        file: parse(&name, &text)?,
        name,
    })
}

/// A project file as read: its trust is decided on the very bytes that are parsed.
pub struct Project {
    pub layer: Layer,
    pub state: State,
    pub text: String,
    /// What trust is recorded under.
    pub canonical: PathBuf,
}

pub fn read_project(path: &Path) -> anyhow::Result<Project> {
    let name = path.display().to_string();
    let (text, canonical) = read_bytes(Origin::Project.label(), path)?;
    let state = trust::state(&canonical, text.as_bytes())?;
    let origin = match state {
        State::Trusted => Origin::Project,
        State::Changed | State::Untrusted => Origin::Untrusted,
    };
    Ok(Project {
        layer: Layer {
            origin,
            file: parse(&name, &text)?,
            name,
        },
        state,
        text,
        canonical,
    })
}

fn user_name(uid: u32) -> String {
    nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
        .ok()
        .flatten()
        .map_or_else(|| format!("uid {uid}"), |u| u.name)
}

/// ssh's StrictModes for a file that decides protection: the file and every folder above it
/// must belong to the user or root, and nobody else may write them (a sticky folder such as
/// /tmp is fine: others cannot replace what is in it). Otherwise someone else could change the
/// policy behind the user's back. Returns the file's canonical path.
pub(crate) fn strict_modes(
    what: &str,
    path: &Path,
    metadata: &std::fs::Metadata,
) -> Result<PathBuf, Failure> {
    let name = path.display().to_string();
    let me = nix::unistd::geteuid().as_raw();
    let not_mine = |owner: u32| owner != me && owner != 0;
    if not_mine(metadata.uid()) {
        return Err(Failure::config(format!(
            "the {what} {name} belongs to {}, not to you or root; guard refuses it",
            user_name(metadata.uid())
        ))
        .with_hint(format!(
            "if you mean to use it, make it yours: chown {} {name}",
            user_name(me)
        )));
    }
    let mode = metadata.permissions().mode();
    if mode & 0o022 != 0 {
        return Err(Failure::config(format!(
            "the {what} {name} is writable by other users (mode {:o}); guard refuses it",
            mode & 0o777
        ))
        .with_hint(format!("chmod go-w {name}")));
    }
    let canonical = std::fs::canonicalize(path)
        .map_err(|e| Failure::config(format!("cannot resolve the {what} {name}: {e}")))?;
    // Where a symlink sits matters as much as where it points: whoever can write that folder
    // can point it elsewhere.
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut folders: Vec<&Path> = canonical.ancestors().skip(1).collect();
    for folder in absolute.ancestors().skip(1) {
        if !folders.contains(&folder) {
            folders.push(folder);
        }
    }
    for folder in folders {
        let shown = folder.display();
        let metadata = std::fs::metadata(folder).map_err(|e| {
            Failure::config(format!(
                "cannot check the folder {shown} holding the {what} {name}: {e}"
            ))
        })?;
        if not_mine(metadata.uid()) {
            return Err(Failure::config(format!(
                "the folder {shown} holding the {what} {name} belongs to {}, not to you or root, so they could replace it; guard refuses it",
                user_name(metadata.uid())
            ))
            .with_hint(format!(
                "move the file to a folder of your own, or: chown {} {shown}",
                user_name(me)
            )));
        }
        let mode = metadata.permissions().mode();
        if mode & 0o022 != 0 && mode & 0o1000 == 0 {
            return Err(Failure::config(format!(
                "the folder {shown} holding the {what} {name} is writable by other users (mode {:o}), so they could replace it; guard refuses it",
                mode & 0o777
            ))
            .with_hint(format!("chmod go-w {shown}")));
        }
    }
    Ok(canonical)
}
