//! What names a cache entry: every setting that went into a level of a chain, hashed.

use crate::credentials::source::{Chain, Step};
use crate::sys::digest;

/// Bumped whenever what an entry means changes, so that an older guard's entries are never misread.
const VERSION: &str = "guard credentials v1";

/// The SHA-256 of a level's settings, in hex: a file name that reveals nothing, and that any edit
/// to one of those settings changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A file name guard wrote, read back; anything else is not a key.
    pub fn from_file_stem(stem: &str) -> Option<Key> {
        (stem.len() == 64 && stem.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Key(stem.to_string()))
    }
}

/// One level of a chain: level 0 is the base, level i the credentials after the i-th role.
pub struct Level {
    /// None where caching would gain nothing: keys already on disk or in the environment, and
    /// the machine's own credentials.
    pub key: Option<Key>,
    /// The profiles whose settings went into this level, for `guard cache clear --profile`.
    pub profiles: Vec<String>,
}

/// The levels of a chain, bottom first.
pub fn levels(chain: &Chain) -> Vec<Level> {
    let steps = chain.steps();
    let mut profiles: Vec<String> = Vec::new();
    let mut levels = Vec::with_capacity(steps.len());
    for ((index, step), profile) in steps.iter().enumerate().zip(chain.level_profiles()) {
        if !profiles.iter().any(|p| p == profile) {
            profiles.push(profile.to_string());
        }
        levels.push(Level {
            key: step.cacheable().then(|| key(&steps[..=index])),
            profiles: profiles.clone(),
        });
    }
    levels
}

fn key(steps: &[Step]) -> Key {
    // Serializing these types cannot fail: no maps with non-string keys, no failing Serialize.
    let steps = serde_json::to_vec(steps).unwrap_or_default();
    Key(hex::encode(digest::sha256(&[
        VERSION.as_bytes(),
        b"\n",
        &steps,
    ])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::profile::{Paths, ProfileSet};

    fn chain_of(config: &str, profile: &str) -> Chain {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths {
            config: dir.path().join("config"),
            credentials: dir.path().join("credentials"),
        };
        std::fs::write(&paths.config, config).unwrap();
        let set = ProfileSet::load(&paths).unwrap();
        crate::credentials::source::chain(&set, profile, "eu-west-1").unwrap()
    }

    const CHAIN: &str = "\
[profile base]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret
[profile middle]
role_arn = arn:aws:iam::111111111111:role/Middle
source_profile = base
[profile top]
role_arn = arn:aws:iam::222222222222:role/Top
source_profile = middle
";

    fn keys(config: &str, profile: &str) -> Vec<Option<Key>> {
        levels(&chain_of(config, profile))
            .into_iter()
            .map(|l| l.key)
            .collect()
    }

    #[test]
    fn static_base_is_not_cached_and_each_role_is() {
        let top = keys(CHAIN, "top");
        assert_eq!(top.len(), 3);
        assert!(top[0].is_none() && top[1].is_some() && top[2].is_some());
        // A shorter chain through the same roles shares its levels.
        assert_eq!(keys(CHAIN, "middle")[1], top[1]);
    }

    #[test]
    fn every_setting_of_a_level_changes_its_key() {
        let before = keys(CHAIN, "top");
        let edits = [
            CHAIN.replace("role/Top", "role/Other"),
            CHAIN.replace(
                "source_profile = middle",
                "source_profile = middle\nexternal_id = x",
            ),
            CHAIN.replace(
                "source_profile = middle",
                "source_profile = middle\nduration_seconds = 900",
            ),
            CHAIN.replace("AKIAEXAMPLE", "AKIAOTHER"),
        ];
        for edited in edits {
            assert_ne!(keys(&edited, "top")[2], before[2], "{edited}");
        }
        // A setting that does not decide the credentials leaves the key alone.
        let output = CHAIN.replace(
            "source_profile = middle",
            "source_profile = middle\noutput = json",
        );
        assert_eq!(keys(&output, "top")[2], before[2]);
    }

    #[test]
    fn levels_name_their_profiles() {
        let levels = levels(&chain_of(CHAIN, "top"));
        assert_eq!(levels[2].profiles, ["base", "middle", "top"]);
        assert_eq!(levels[1].profiles, ["base", "middle"]);
    }

    const EVERY_BASE: &str = "\
[profile sso]
sso_session = myorg
sso_account_id = 111111111111
sso_role_name = Admin
[sso-session myorg]
sso_start_url = https://myorg.awsapps.com/start
sso_region = eu-west-1
[profile legacy]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 333333333333
sso_role_name = ReadOnly
[profile process]
credential_process = /usr/bin/creds --profile x
[profile web]
web_identity_token_file = /var/run/token
role_arn = arn:aws:iam::444444444444:role/Web
role_session_name = ci
[profile hop]
role_arn = arn:aws:iam::555555555555:role/Hop
source_profile = sso
external_id = ext
mfa_serial = arn:aws:iam::111111111111:mfa/me
duration_seconds = 1800
role_session_name = me
[profile ec2]
role_arn = arn:aws:iam::666666666666:role/Ec2
credential_source = Ec2InstanceMetadata
[profile ecs]
role_arn = arn:aws:iam::777777777777:role/Ecs
credential_source = EcsContainer
";

    /// The keys of existing users' cache files: any change here turns every warm run cold once.
    #[test]
    fn keys_stay_what_they_were() {
        // A custom endpoint is part of a key; the pinned ones are AWS's own.
        if std::env::vars().any(|(k, _)| k.starts_with("AWS_ENDPOINT_URL")) {
            return;
        }
        let hex = |keys: Vec<Option<Key>>| -> Vec<Option<String>> {
            keys.into_iter().map(|k| k.map(|k| k.0)).collect()
        };
        let some = |k: &str| Some(k.to_string());
        assert_eq!(
            hex(keys(CHAIN, "top")),
            [
                None,
                some("89908a1af812f9d7254dd869a9f8d0d9e2418238207db76f4f430e2905c4f896"),
                some("77f615e5aff4a49d705801d71c976f12d0229717685dc3887410797344d0df57")
            ]
        );
        for (profile, pinned) in [
            (
                "sso",
                vec![some(
                    "f3c3a4f0fcd88b7cf815d231a1e9f31f427efb99385d305a0678ff5df1a1b1af",
                )],
            ),
            (
                "legacy",
                vec![some(
                    "b2910d471190da97a15e27fa2d0afea7eb0bddeb0f7bba9d6fe928f18ea77189",
                )],
            ),
            (
                "process",
                vec![some(
                    "23aadaaa9ce1c088d335c970e560fffaa1dd791ab8584a29594fa090c57f6270",
                )],
            ),
            (
                "web",
                vec![some(
                    "84710f5c5be081c0981d8653772ea7bb2b4f7213d1b842da80c7856363f09bef",
                )],
            ),
            (
                "hop",
                vec![
                    some("f3c3a4f0fcd88b7cf815d231a1e9f31f427efb99385d305a0678ff5df1a1b1af"),
                    some("85c6c5dabe2a0bc3afa3b24e8b84082d8c2042fba8ac3fddee3f7368af4d77ac"),
                ],
            ),
            (
                "ec2",
                vec![
                    None,
                    some("0bb4404b7385f3bcb12015d3679b1e573235ddba9cfd57b251836cc24265d0dc"),
                ],
            ),
            (
                "ecs",
                vec![
                    None,
                    some("d579c2a97abb24ecda42553f116e8265cfa1d1882cabfc18077d1b8114e68b70"),
                ],
            ),
        ] {
            assert_eq!(hex(keys(EVERY_BASE, profile)), pinned, "{profile}");
        }
    }

    #[test]
    fn keys_are_file_stems() {
        let key = keys(CHAIN, "top")[2].clone().unwrap();
        assert_eq!(Key::from_file_stem(key.as_str()), Some(key));
        assert_eq!(Key::from_file_stem("../etc"), None);
    }
}
