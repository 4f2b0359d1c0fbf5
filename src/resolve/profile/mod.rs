//! The profiles of `~/.aws/config` and `~/.aws/credentials`, merged as the AWS CLI merges them,
//! with the SDKs' reading kept beside it wherever it differs: where the two would choose other
//! credentials, an account, a region or an endpoint, guard refuses (docs/config.md).

pub(crate) mod ini;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub use ini::{Location, Value};

use crate::sys::error::Failure;
use crate::sys::fsutil::{self, home_dir};

/// The keys whose reading decides which credentials, account, region or endpoint a tool uses.
/// Where the AWS CLI and the SDKs read one of them otherwise, guard refuses the profile.
pub(crate) const CHOOSING_KEYS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "role_arn",
    "source_profile",
    "credential_source",
    "credential_process",
    "web_identity_token_file",
    "role_session_name",
    "external_id",
    "mfa_serial",
    "duration_seconds",
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
    "login_session",
    "region",
    "endpoint_url",
    "services",
    "ignore_configured_endpoint_urls",
    "use_fips_endpoint",
    "use_dualstack_endpoint",
    "ca_bundle",
];

/// Keys whose values an error must not show.
fn is_secret(key: &str) -> bool {
    matches!(
        key,
        "aws_secret_access_key" | "aws_session_token" | "credential_process"
    )
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    /// Where the profile is defined (the config file's section when it has one).
    pub at: Location,
    keys: BTreeMap<String, Value>,
    /// The keys the credentials file gave: botocore reads that file's keys before a
    /// `credential_process` and the config file's after it.
    from_credentials: BTreeSet<String>,
    /// The SDKs' own reading of the profile, when other sections make it up than the AWS CLI's
    /// (`[default]` and `[profile default]`, `[profile "a"]`, a `[DEFAULT]` section...).
    sdk: Option<Box<SdkView>>,
    /// Whether the config file's section was `[default]` rather than `[profile default]`.
    unprefixed_default: bool,
    /// Whether the SDKs give that section to this same profile.
    sdk_same: bool,
}

/// A profile as the SDKs merge it.
#[derive(Debug, Clone)]
struct SdkView {
    at: Option<Location>,
    keys: BTreeMap<String, Value>,
    /// Whether the SDKs have the profile at all: a tool that finds none fails, and cannot use
    /// other credentials.
    exists: bool,
}

impl Profile {
    fn new(name: String, at: Location, keys: BTreeMap<String, Value>) -> Self {
        Profile {
            name,
            at,
            keys,
            from_credentials: BTreeSet::new(),
            sdk: None,
            unprefixed_default: false,
            sdk_same: true,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.keys.get(key).filter(|v| !v.value.is_empty())
    }

    pub fn value(&self, key: &str) -> Option<&str> {
        self.get(key).map(|v| v.value.as_str())
    }

    /// Whether the credentials file set this key (else the config file did).
    pub fn set_in_credentials_file(&self, key: &str) -> bool {
        self.from_credentials.contains(key)
    }

    /// Refuses the profile when the SDKs read one of the keys that choose credentials, account,
    /// region or endpoint otherwise than the AWS CLI: terraform or CDK would then act with other
    /// credentials, or elsewhere, than `aws` and guard.
    pub fn refuse_disagreement(&self) -> Result<(), Failure> {
        self.refuse_disagreement_on(CHOOSING_KEYS)
    }

    fn refuse_disagreement_on(&self, keys: &[&str]) -> Result<(), Failure> {
        let all_same = || self.keys.values().all(|v| v.sdk == ini::SdkReading::Same);
        if self.sdk.as_ref().is_some_and(|view| !view.exists) || (self.sdk.is_none() && all_same())
        {
            return Ok(());
        }
        for key in keys {
            let cli = self.get(key);
            let sdk = match &self.sdk {
                Some(view) => view
                    .keys
                    .get(*key)
                    .and_then(|v| v.sdk_value().filter(|s| !s.is_empty()).map(|s| (s, &v.at))),
                None => {
                    cli.and_then(|v| v.sdk_value().filter(|s| !s.is_empty()).map(|s| (s, &v.at)))
                }
            };
            let cli_value = cli.map(|v| v.value.as_str());
            if cli_value == sdk.map(|(s, _)| s) {
                continue;
            }
            let show = |value: Option<&str>, at: Option<&Location>| match (value, at) {
                (Some(_), Some(at)) if is_secret(key) => format!("a value at {at}"),
                (Some(v), Some(at)) => format!("'{}' at {at}", v.escape_debug()),
                _ => "nothing".to_string(),
            };
            let sdk_at = sdk
                .map(|(_, at)| at)
                .or(self.sdk.as_ref().and_then(|v| v.at.as_ref()));
            return Err(Failure::config(format!(
                "profile '{}' means different things to the AWS tools: for {key} the AWS CLI \
                 reads {}, the SDKs (terraform, CDK, Go/Java/JS/Rust programs) read {}",
                self.name,
                show(cli_value, Some(cli.map_or(&self.at, |v| &v.at))),
                show(sdk.map(|(s, _)| s), sdk_at),
            ))
            .with_hint(
                "make the file say one thing to every tool: one section per profile, \
                 [profile default] rather than [default] beside it, no quotes around names, \
                 no comment after a value (see docs/config.md)",
            ));
        }
        Ok(())
    }
}

/// What the SDK test vectors compare: every key.
#[cfg(test)]
impl Profile {
    pub(crate) fn keys(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.keys.iter()
    }

    /// The value the SDKs read for a key, as guard works it out; None where they have no such
    /// key or no such profile.
    pub(crate) fn sdk_value(&self, key: &str) -> Option<String> {
        let value = match &self.sdk {
            Some(view) if !view.exists => return None,
            Some(view) => view.keys.get(key)?.sdk_value(),
            None => self.keys.get(key)?.sdk_value(),
        };
        value.filter(|v| !v.is_empty()).map(str::to_string)
    }

    /// Refuses where the SDKs read any of these keys otherwise than the AWS CLI.
    pub(crate) fn refuse_disagreement_on_keys(&self, keys: &[&str]) -> Result<(), Failure> {
        self.refuse_disagreement_on(keys)
    }
}

#[cfg(test)]
impl SsoSession {
    pub(crate) fn keys(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.keys.iter()
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

/// A `[services NAME]` section: per-service settings (`sts =` then `endpoint_url = ...`).
#[derive(Debug, Clone)]
pub struct Services {
    keys: BTreeMap<String, Value>,
}

impl Services {
    /// A sub-property of one service, as botocore splits `sts =\n  endpoint_url = x`.
    pub fn setting(&self, service: &str, key: &str) -> Option<(String, Location)> {
        let block = self.keys.get(service)?;
        block.value.lines().find_map(|line| {
            let (k, v) = line.split_once('=')?;
            (k.trim().eq_ignore_ascii_case(key)).then(|| (v.trim().to_string(), block.at.clone()))
        })
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
        Self::from_vars(|name| std::env::var_os(name), home_dir)
    }

    /// The paths from variables read by `var` and the home directory `home` finds.
    pub(crate) fn from_vars(
        var: impl Fn(&str) -> Option<std::ffi::OsString>,
        home: impl Fn() -> anyhow::Result<PathBuf>,
    ) -> anyhow::Result<Self> {
        let path = |variable: &str, name: &str| match var(variable) {
            Some(p) => expand_home(Path::new(&p), &home),
            None => Ok(home()?.join(".aws").join(name)),
        };
        Ok(Paths {
            config: path("AWS_CONFIG_FILE", "config")?,
            credentials: path("AWS_SHARED_CREDENTIALS_FILE", "credentials")?,
        })
    }
}

fn expand_home(path: &Path, home: impl Fn() -> anyhow::Result<PathBuf>) -> anyhow::Result<PathBuf> {
    match path.strip_prefix("~") {
        Ok(rest) => Ok(home()?.join(rest)),
        Err(_) => Ok(path.to_path_buf()),
    }
}

/// What a section is, by its header.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Named {
    Profile(String),
    SsoSession(String),
    Services(String),
}

/// botocore's `build_profile_map`: a header that starts with `profile` (or `sso-session`,
/// `services`) is split as Python's shlex splits, and names one when it is two words; `default`
/// is the default profile; anything else is not a profile.
fn cli_name(header: &str) -> Option<Named> {
    // The usual headers, without the work of a split.
    if let Some(name) = header.strip_prefix("profile ")
        && is_identifier(name)
    {
        return Some(Named::Profile(name.to_string()));
    }
    if let Some(name) = header.strip_prefix("sso-session ")
        && is_identifier(name)
    {
        return Some(Named::SsoSession(name.to_string()));
    }
    let two_words = || {
        let mut words = ini::python_split(header)?;
        (words.len() == 2).then(|| words.swap_remove(1))
    };
    if header.starts_with("profile") {
        two_words().map(Named::Profile)
    } else if header.starts_with("sso-session") {
        two_words().map(Named::SsoSession)
    } else if header.starts_with("services") {
        two_words().map(Named::Services)
    } else if header == "default" {
        Some(Named::Profile("default".to_string()))
    } else {
        None
    }
}

/// The SDKs' reading of a config file's header: a prefix, whitespace, a name of letters, digits
/// and `_-/.%@:+`; only `default` goes without `profile`.
fn sdk_config_name(header: &str) -> Option<Named> {
    let header = header.trim_matches([' ', '\t']);
    match header.split_once([' ', '\t']) {
        Some((prefix, name)) => {
            let name = name.trim();
            if !is_identifier(name) {
                return None;
            }
            match prefix.trim() {
                "profile" => Some(Named::Profile(name.to_string())),
                "sso-session" => Some(Named::SsoSession(name.to_string())),
                "services" => Some(Named::Services(name.to_string())),
                _ => None,
            }
        }
        None => (header == "default").then(|| Named::Profile("default".to_string())),
    }
}

/// The SDKs' reading of a credentials file's header: a bare, valid name.
fn sdk_credentials_name(header: &str) -> Option<String> {
    let header = header.trim_matches([' ', '\t']);
    (!header.contains([' ', '\t']) && is_identifier(header)).then(|| header.to_string())
}

fn is_identifier(name: &str) -> bool {
    ini::is_sdk_name(name)
}

/// Keys that make up a profile to the SDKs, in file order.
struct Part {
    order: (u8, usize),
    at: Location,
    prefixed_default: bool,
    unprefixed_default: bool,
    keys: BTreeMap<String, Value>,
}

#[derive(Debug, Default)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Profile>,
    sessions: BTreeMap<String, SsoSession>,
    services: BTreeMap<String, Services>,
    /// While loading: profiles only the SDKs see so far.
    sdk_only: BTreeMap<String, Profile>,
    /// Where the SDKs' parser stops on one of the files: they then read no profile at all, and
    /// cannot choose other credentials than the CLI.
    sdk_error: Option<Location>,
}

impl ProfileSet {
    pub fn load(paths: &Paths) -> anyhow::Result<Self> {
        Ok(Self::from_files(
            read_file(&paths.config)?,
            read_file(&paths.credentials)?,
        ))
    }

    /// The profiles, sso-sessions and services of parsed config and credentials files.
    pub(crate) fn from_files(config: ini::File, credentials: ini::File) -> Self {
        let mut set = ProfileSet {
            sdk_error: config.sdk_error.or(credentials.sdk_error),
            ..ProfileSet::default()
        };
        // Names whose SDK reading is made of other sections than the CLI's, and those sections.
        let mut recheck: BTreeSet<String> = BTreeSet::new();
        let mut parts: BTreeMap<String, Vec<Part>> = BTreeMap::new();
        for section in config.sections {
            let header = section.header.as_str();
            let cli = cli_name(header);
            // The usual case, `[profile name]`: the same text, read the same way.
            let usual = matches!((&cli, &section.sdk_header),
                (Some(Named::Profile(name)), None) if header.strip_prefix("profile ") == Some(name));
            let sdk = if usual {
                None
            } else {
                sdk_config_name(section.sdk_header())
            };
            let same = usual || cli == sdk;
            if !same && let Some(Named::Profile(name)) = &sdk {
                recheck.insert(name.clone());
                parts.entry(name.clone()).or_default().push(Part {
                    order: (0, section.at.line),
                    at: section.at.clone(),
                    prefixed_default: name == "default" && section.sdk_header().trim() != "default",
                    unprefixed_default: section.sdk_header().trim() == "default",
                    keys: section.keys.clone(),
                });
            }
            match cli {
                Some(Named::Profile(name)) => {
                    if !same {
                        recheck.insert(name.clone());
                    }
                    let mut profile = Profile::new(name.clone(), section.at.clone(), section.keys);
                    profile.unprefixed_default = header == "default";
                    profile.sdk_same = same;
                    // botocore keeps the later of two sections that name one profile.
                    if let Some(earlier) = set.profiles.insert(name.clone(), profile) {
                        recheck.insert(name.clone());
                        if earlier.sdk_same {
                            let unprefixed = earlier_unprefixed(&earlier);
                            parts.entry(name.clone()).or_default().push(Part {
                                order: (0, earlier.at.line),
                                at: earlier.at.clone(),
                                prefixed_default: name == "default" && !unprefixed,
                                unprefixed_default: name == "default" && unprefixed,
                                keys: earlier.keys,
                            });
                        }
                    }
                }
                Some(Named::SsoSession(name)) => {
                    set.sessions.insert(
                        name.clone(),
                        SsoSession {
                            name,
                            at: section.at,
                            keys: section.keys,
                        },
                    );
                }
                Some(Named::Services(name)) => {
                    set.services.insert(name, Services { keys: section.keys });
                }
                None => {}
            }
        }
        for name in &recheck {
            let mut parts = parts.remove(name).unwrap_or_default();
            if let Some(profile) = set.profiles.get(name)
                && profile.sdk_same
            {
                let unprefixed = earlier_unprefixed(profile);
                parts.push(Part {
                    order: (0, profile.at.line),
                    at: profile.at.clone(),
                    prefixed_default: name == "default" && !unprefixed,
                    unprefixed_default: name == "default" && unprefixed,
                    keys: profile.keys.clone(),
                });
            }
            let view = sdk_merge(parts);
            match set.profiles.get_mut(name) {
                Some(profile) => profile.sdk = Some(Box::new(view)),
                None => {
                    // A profile only the SDKs see: the CLI has none of that name (yet; the
                    // credentials file may add one).
                    let mut profile = Profile::new(
                        name.clone(),
                        view.at.clone().unwrap_or_else(missing_location),
                        BTreeMap::new(),
                    );
                    profile.sdk = Some(Box::new(view));
                    set.sdk_only.insert(name.clone(), profile);
                }
            }
        }
        // The credentials file wins key by key, as in botocore and the SDKs.
        for section in credentials.sections {
            let name = section.header.as_str().to_string();
            let sdk = sdk_credentials_name(&name);
            let same = sdk.as_deref() == Some(name.as_str());
            if !same && let Some(sdk_name) = &sdk {
                // The SDKs give these keys to another name (`[ a ]` is `a` to them).
                let profile = set.profile_for_sdk(sdk_name);
                let view = profile.sdk.get_or_insert_with(|| {
                    Box::new(SdkView {
                        at: Some(profile.at.clone()),
                        keys: profile.keys.clone(),
                        exists: true,
                    })
                });
                view.exists = true;
                view.keys.extend(section.keys.clone());
            }
            let profile = match set.profiles.get_mut(&name) {
                Some(profile) => profile,
                None => {
                    let profile = match set.sdk_only.remove(&name) {
                        Some(mut only) => {
                            only.at = section.at.clone();
                            only
                        }
                        None => Profile::new(name.clone(), section.at.clone(), BTreeMap::new()),
                    };
                    set.profiles.entry(name.clone()).or_insert(profile)
                }
            };
            if same {
                if let Some(view) = profile.sdk.as_mut() {
                    view.exists = true;
                    view.keys.extend(section.keys.clone());
                }
            } else if profile.sdk.is_none() {
                // The SDKs do not give these keys to this profile.
                profile.sdk = Some(Box::new(SdkView {
                    at: Some(profile.at.clone()),
                    exists: !profile.keys.is_empty(),
                    keys: profile.keys.clone(),
                }));
            }
            profile
                .from_credentials
                .extend(section.keys.keys().cloned());
            profile.keys.extend(section.keys);
        }
        set.sdk_only.clear();
        set
    }

    /// The profile the SDKs' keys of `name` go to, made when the CLI has none.
    fn profile_for_sdk(&mut self, name: &str) -> &mut Profile {
        if !self.profiles.contains_key(name) && !self.sdk_only.contains_key(name) {
            let mut profile = Profile::new(name.to_string(), missing_location(), BTreeMap::new());
            profile.sdk = Some(Box::new(SdkView {
                at: None,
                keys: BTreeMap::new(),
                exists: false,
            }));
            self.sdk_only.insert(name.to_string(), profile);
        }
        match self.profiles.get_mut(name) {
            Some(profile) => profile,
            None => self.sdk_only.get_mut(name).expect("inserted above"),
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

    /// Whether guard finds that the SDKs' parser refuses one of the files.
    #[cfg(test)]
    pub(crate) fn sdk_unreadable(&self) -> bool {
        self.sdk_error.is_some()
    }

    pub fn services(&self, name: &str) -> Option<&Services> {
        self.services.get(name)
    }

    /// Refuses profiles the AWS CLI and the SDKs read differently (see
    /// [`Profile::refuse_disagreement`]); none when the SDKs cannot read the files at all, since
    /// their tools then use no credentials from them.
    pub fn refuse_disagreement<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), Failure> {
        if self.sdk_error.is_some() {
            return Ok(());
        }
        for name in names {
            if let Some(profile) = self.find(name) {
                profile.refuse_disagreement()?;
            }
        }
        Ok(())
    }
}

/// Whether a profile's section was `[default]` rather than `[profile default]`.
fn earlier_unprefixed(profile: &Profile) -> bool {
    profile.unprefixed_default
}

/// The SDKs' merge of a profile's sections: `[profile default]` replaces `[default]` entirely;
/// other sections of one name are merged, the later key winning.
fn sdk_merge(mut parts: Vec<Part>) -> SdkView {
    parts.sort_by_key(|p| p.order);
    let prefixed = parts.iter().any(|p| p.prefixed_default);
    let mut view = SdkView {
        at: None,
        keys: BTreeMap::new(),
        exists: false,
    };
    for part in parts {
        if prefixed && part.unprefixed_default {
            continue;
        }
        view.exists = true;
        view.at.get_or_insert(part.at);
        view.keys.extend(part.keys);
    }
    view
}

fn missing_location() -> Location {
    Location {
        file: std::sync::Arc::new(PathBuf::from("(nowhere)")),
        line: 0,
    }
}

fn read_file(path: &Path) -> anyhow::Result<ini::File> {
    match fsutil::read_text(path, fsutil::CONFIG_LIMIT) {
        Ok(Some(text)) => Ok(ini::parse(path, &text)?),
        Ok(None) => Ok(ini::File::default()),
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
