//! Finding and reading the policy layers.

use std::path::{Path, PathBuf};

use super::modes::strict_modes;
use super::trust::{self, State};
use super::{Action, Layer, Origin, Policy, SEVERITIES, Table, parse, shipped};
use crate::sys::error::{self, Failure};
use crate::sys::fsutil;
use crate::sys::fsutil::home_dir;

const SYSTEM: &str = "/etc/guard/policy.toml";

fn user_file() -> anyhow::Result<PathBuf> {
    let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => home_dir()?.join(".config"),
    };
    Ok(base.join("guard").join("policy.toml"))
}

/// The nearest `.guard.toml` from the working directory upward: a repository's own policy.
/// Another user's file in a shared sticky folder (such as /tmp) is skipped with one warning:
/// anyone may put one there, and refusing it would let any local user stop every run below.
pub fn project_file() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|dir| dir.join(".guard.toml"))
        .filter(|path| path.exists() || path.is_symlink())
        .find(|path| !foreign_in_shared_folder(path))
}

/// A file of another user (not root) in a folder with the sticky bit that others may write.
fn foreign_in_shared_folder(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    static WARNED: std::sync::Once = std::sync::Once::new();
    let me = nix::unistd::geteuid().as_raw();
    let (Ok(file), Some(Ok(folder))) = (
        std::fs::symlink_metadata(path),
        path.parent().map(std::fs::metadata),
    ) else {
        return false;
    };
    let shared = folder.mode() & 0o1000 != 0 && folder.mode() & 0o002 != 0;
    let foreign = file.uid() != me && file.uid() != 0;
    if shared && foreign {
        WARNED.call_once(|| {
            error::warn(format!(
                "ignoring {}: it belongs to another user (uid {}) in a folder anyone can write",
                path.display(),
                file.uid()
            ));
        });
        return true;
    }
    false
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
        file: shipped("policies/default.toml (built in)"),
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
    pub(crate) fn tighten_untrusted(&mut self) {
        let floor: Vec<_> = SEVERITIES
            .iter()
            .map(|s| {
                (
                    *s,
                    self.protected_action(*s).0,
                    self.agents_decision(*s).action,
                )
            })
            .collect();
        let floor = |table, severity| {
            floor.iter().find(|(s, _, _)| *s == severity).map_or(
                Action::Deny,
                |(_, protected, agents)| match table {
                    Table::Protected => *protected,
                    Table::Agents => *agents,
                },
            )
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
    let file = parse(&name, &text)?;
    // A person's own choice of profile is `guard use`; only a project names one in its file.
    if let Some((_, at)) = &file.profile {
        return Err(Failure::config(format!(
            "{at}: profile is read only from a project's .guard.toml, not from the {} policy",
            origin.label()
        ))
        .with_hint("`guard use PROFILE` makes a profile sticky for all your runs")
        .into());
    }
    Ok(Layer { origin, file, name })
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
    let (text, _) = read_bytes(Origin::Project.label(), path)?;
    let canonical = trust::location(path)?;
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
