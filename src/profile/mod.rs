//! The profiles of `~/.aws/config` and `~/.aws/credentials`, merged as the AWS CLI merges them.

pub(crate) mod ini;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use ini::{Location, Value};

use crate::error::Failure;
use crate::fsutil::{self, home_dir};

#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    /// Where the profile is defined (the config file's section when it has one).
    pub at: Location,
    keys: BTreeMap<String, Value>,
}

impl Profile {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.keys.get(key).filter(|v| !v.value.is_empty())
    }

    pub fn value(&self, key: &str) -> Option<&str> {
        self.get(key).map(|v| v.value.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct SsoSession {
    pub name: String,
    pub at: Location,
    keys: BTreeMap<String, Value>,
}

impl SsoSession {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.keys.get(key).filter(|v| !v.value.is_empty())
    }

    pub fn value(&self, key: &str) -> Option<&str> {
        self.get(key).map(|v| v.value.as_str())
    }
}

/// Where the two shared files are, after `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config: PathBuf,
    pub credentials: PathBuf,
}

impl Paths {
    pub fn from_env() -> anyhow::Result<Self> {
        let config = match std::env::var_os("AWS_CONFIG_FILE") {
            Some(p) => expand_home(Path::new(&p))?,
            None => home_dir()?.join(".aws").join("config"),
        };
        let credentials = match std::env::var_os("AWS_SHARED_CREDENTIALS_FILE") {
            Some(p) => expand_home(Path::new(&p))?,
            None => home_dir()?.join(".aws").join("credentials"),
        };
        Ok(Paths {
            config,
            credentials,
        })
    }
}

fn expand_home(path: &Path) -> anyhow::Result<PathBuf> {
    match path.strip_prefix("~") {
        Ok(rest) => Ok(home_dir()?.join(rest)),
        Err(_) => Ok(path.to_path_buf()),
    }
}

#[derive(Debug, Default)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Profile>,
    sessions: BTreeMap<String, SsoSession>,
}

impl ProfileSet {
    pub fn load(paths: &Paths) -> anyhow::Result<Self> {
        Ok(Self::from_sections(
            read_sections(&paths.config)?,
            read_sections(&paths.credentials)?,
        ))
    }

    /// The profiles and sso-sessions of parsed config and credentials files.
    pub(crate) fn from_sections(config: Vec<ini::Section>, credentials: Vec<ini::Section>) -> Self {
        let mut set = ProfileSet::default();
        for section in config {
            let header = section.header.as_str();
            let name = if header == "default" {
                Some("default".to_string())
            } else {
                header
                    .strip_prefix("profile ")
                    .map(|n| n.trim().to_string())
            };
            if let Some(name) = name {
                set.merge_profile(name, section);
            } else if let Some(name) = header.strip_prefix("sso-session ") {
                let name = name.trim().to_string();
                set.sessions.insert(
                    name.clone(),
                    SsoSession {
                        name,
                        at: section.at,
                        keys: section.keys,
                    },
                );
            }
        }
        // The credentials file wins key by key, as in botocore.
        for section in credentials {
            let name = section.header.as_str().to_string();
            set.merge_profile(name, section);
        }
        set
    }

    fn merge_profile(&mut self, name: String, section: ini::Section) {
        match self.profiles.get_mut(&name) {
            Some(profile) => profile.keys.extend(section.keys),
            None => {
                self.profiles.insert(
                    name.clone(),
                    Profile {
                        name,
                        at: section.at,
                        keys: section.keys,
                    },
                );
            }
        }
    }

    pub fn profiles(&self) -> impl Iterator<Item = &Profile> {
        self.profiles.values()
    }

    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty()
    }

    pub fn find(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// The profile, or a configuration error that suggests the closest names.
    pub fn get(&self, name: &str) -> Result<&Profile, Failure> {
        self.find(name).ok_or_else(|| {
            let mut close: Vec<(f64, &str)> = self
                .profiles
                .keys()
                .map(|k| (strsim::jaro_winkler(name, k), k.as_str()))
                .filter(|(score, _)| *score > 0.75)
                .collect();
            close.sort_by(|a, b| b.0.total_cmp(&a.0));
            let failure = Failure::config(format!("no profile named '{name}'"));
            if close.is_empty() {
                failure.with_hint("`guard profiles` lists the profiles")
            } else {
                let names: Vec<&str> = close.iter().take(3).map(|(_, n)| *n).collect();
                failure.with_hint(format!("did you mean {}?", names.join(", ")))
            }
        })
    }

    pub fn sso_session(&self, name: &str) -> Option<&SsoSession> {
        self.sessions.get(name)
    }

    /// Every `[sso-session]`, by name.
    pub fn sso_sessions(&self) -> impl Iterator<Item = &SsoSession> {
        self.sessions.values()
    }
}

fn read_sections(path: &Path) -> anyhow::Result<Vec<ini::Section>> {
    match fsutil::read_text(path, fsutil::CONFIG_LIMIT) {
        Ok(Some(text)) => Ok(ini::parse(path, &text)?),
        Ok(None) => Ok(Vec::new()),
        Err(e) => Err(e
            .into_failure()
            .with_hint(
                "fix the file, or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE elsewhere",
            )
            .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A config of `n` role profiles, and a credentials file that adds a key to each.
    fn files(dir: &Path, n: usize) -> Paths {
        let mut config = String::from("[sso-session s]\nsso_region = us-east-1\n");
        let mut credentials = String::new();
        for i in 0..n {
            config.push_str(&format!(
                "[profile p{i}]\nrole_arn = arn:aws:iam::{:012}:role/Admin\nsource_profile = base\n",
                100_000_000_000 + i
            ));
            credentials.push_str(&format!("[p{i}]\nregion = eu-west-1\n"));
        }
        let paths = Paths {
            config: dir.join(format!("config-{n}")),
            credentials: dir.join(format!("credentials-{n}")),
        };
        std::fs::write(&paths.config, config).unwrap();
        std::fs::write(&paths.credentials, credentials).unwrap();
        paths
    }

    /// Counts work, not time: finding sections by name must cost about the same per section at
    /// any size. A scan per section (as before) makes 4x the profiles cost 16x the comparisons.
    #[test]
    fn loading_is_linear_in_the_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let work = |n| {
            let paths = files(dir.path(), n);
            let before = ini::comparisons();
            let set = ProfileSet::load(&paths).unwrap();
            assert_eq!(set.profiles().count(), n);
            ini::comparisons() - before
        };
        let small = work(1_000);
        let large = work(4_000);
        assert!(
            large <= 5 * small,
            "{small} comparisons for 1,000 profiles, {large} for 4,000"
        );
    }

    /// Generated configs of large organizations exist: 100,000 profiles load, all of them.
    #[test]
    fn loads_a_hundred_thousand_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let set = ProfileSet::load(&files(dir.path(), 100_000)).unwrap();
        assert_eq!(set.profiles().count(), 100_000);
        let last = set.get("p99999").unwrap();
        assert_eq!(last.value("region"), Some("eu-west-1"));
        assert_eq!(last.at.line, 2 + 3 * 99_999 + 1);
    }
}
