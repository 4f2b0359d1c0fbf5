//! The AWS SDKs' shared test vectors (and botocore's fixtures), run through guard's reading when
//! they are on the machine: `scripts/sdk-vectors` points `GUARD_SDK_VECTORS` at them and
//! `GUARD_CLI_READINGS` at botocore's reading of the same inputs, then runs this ignored test. CI
//! does not have them; the project's own cases are `config_cases.toml`.
//!
//! Every case ends in one class: agrees (with the vector's expected reading), follows the CLI
//! (the vector is the SDKs' reading, botocore reads it otherwise, guard reads it as botocore:
//! docs/config.md), refused (exit 78 where the rule says so), not expressible (guard has no such
//! thing: Windows paths, credentials without a profile, a profile that only holds an SSO token),
//! or differs. The report lists every case not in the first class, with why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::credentials::aws::{ProfileEndpoints, Service, resolve_endpoint};
use crate::credentials::source::{Base, Chain};
use crate::resolve::profile::{Paths, ProfileSet, ini};
use crate::resolve::region::region;

type Keys = BTreeMap<String, String>;

#[derive(Debug, Default, PartialEq)]
struct Reading {
    profiles: BTreeMap<String, Keys>,
    sessions: BTreeMap<String, Keys>,
}

/// A sub-property block compares without its empty lines (botocore keeps them, the SDKs drop them)
/// and in sorted order (botocore gives a table).
fn normal(value: &str) -> String {
    if value.starts_with('\n') {
        let mut lines: Vec<&str> = value
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        lines.sort_unstable();
        format!("\n{}", lines.join("\n"))
    } else {
        value.to_string()
    }
}

fn read_files(config: &str, credentials: &str) -> Result<ProfileSet, String> {
    let config = ini::parse(Path::new("config"), config).map_err(|f| f.message)?;
    let credentials = ini::parse(Path::new("credentials"), credentials).map_err(|f| f.message)?;
    Ok(ProfileSet::from_files(config, credentials))
}

fn reading(set: &ProfileSet) -> Reading {
    let keys = |it: &mut dyn Iterator<Item = (&String, &crate::resolve::profile::Value)>| -> Keys {
        it.map(|(k, v)| (k.clone(), normal(&v.value))).collect()
    };
    Reading {
        profiles: set
            .profiles()
            .map(|p| (p.name.clone(), keys(&mut p.keys())))
            .collect(),
        sessions: set
            .sso_sessions()
            .map(|s| (s.name.clone(), keys(&mut s.keys())))
            .collect(),
    }
}

fn keys_of(json: &Value) -> Keys {
    json.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::String(s) => normal(s),
                        Value::Object(nested) => normal(&format!(
                            "\n{}",
                            nested
                                .iter()
                                .map(|(k, v)| format!("{k} = {}", v.as_str().unwrap_or("")))
                                .collect::<Vec<_>>()
                                .join("\n")
                        )),
                        other => other.to_string(),
                    };
                    (k.clone(), v)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn reading_of(json: &Value) -> Reading {
    let map = |v: &Value| -> BTreeMap<String, Keys> {
        v.as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), keys_of(v))).collect())
            .unwrap_or_default()
    };
    Reading {
        profiles: map(&json["profiles"]),
        sessions: map(&json["sso_sessions"]),
    }
}

#[derive(Default)]
struct Report {
    /// Per vector file: the class of each case.
    files: BTreeMap<String, Vec<(String, String, String)>>,
}

impl Report {
    fn add(&mut self, file: &str, case: &str, class: &str, why: impl Into<String>) {
        self.files.entry(file.to_string()).or_default().push((
            case.to_string(),
            class.to_string(),
            why.into(),
        ));
    }

    fn print(&self) {
        let mut total: BTreeMap<&str, usize> = BTreeMap::new();
        let mut lines = Vec::new();
        for (file, cases) in &self.files {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, class, _) in cases {
                *counts.entry(class).or_default() += 1;
                *total.entry(class).or_default() += 1;
            }
            lines.push(format!("{file}: {} cases: {counts:?}", cases.len()));
            for (case, class, why) in cases {
                if class != "agrees" {
                    lines.push(format!("  [{class}] {case}: {why}"));
                }
            }
        }
        let all: usize = total.values().sum();
        lines.push(format!("all: {all} cases: {total:?}"));
        let text = lines.join("\n") + "\n";
        match std::env::var_os("GUARD_VECTOR_REPORT") {
            Some(path) => std::fs::write(path, text).expect("the report is written"),
            None => crate::sys::output::stderr_line(text),
        }
    }
}

/// Account IDs of fewer than 12 digits (`123456789` in many vectors) are no account to guard,
/// which verifies the account: they are padded with zeros, in inputs and expectations alike.
fn pad_accounts(text: &str) -> String {
    let re = regex::Regex::new(r"(::|\b(?:sso_account_id|account_id)\s*=\s*|^)(\d{1,11})(:|\s*$)")
        .expect("valid");
    text.lines()
        .map(|line| {
            re.replace_all(line, |c: &regex::Captures| {
                format!("{}{:0>12}{}", &c[1], &c[2], &c[3])
            })
            .into_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn parser_suite(dir: &Path, cli: &Value, report: &mut Report) {
    let file = "smithy-rs-profile-parser-tests.json";
    let vectors: Value = load(&dir.join(file));
    for test in vectors["tests"].as_array().into_iter().flatten() {
        let name = test["name"].as_str().unwrap_or("?");
        let config = test["input"]["configFile"].as_str().unwrap_or("");
        let credentials = test["input"]["credentialsFile"].as_str().unwrap_or("");
        let guard = read_files(config, credentials);
        let cli = cli.get(name);
        let cli_error = cli.is_some_and(|c| c.get("error").is_some());
        let cli_reading = cli.filter(|_| !cli_error).map(reading_of);
        if let Some(error) = test["output"]["errorContaining"].as_str() {
            match (&guard, cli_error) {
                (Err(_), _) => report.add(file, name, "agrees", ""),
                (Ok(_), false) => report.add(
                    file,
                    name,
                    "follows the CLI",
                    format!("the SDKs fail ({error}); botocore reads the file"),
                ),
                (Ok(_), true) => {
                    report.add(file, name, "differs", "guard reads what every tool refuses")
                }
            }
            continue;
        }
        sdk_emulation(file, name, config, credentials, report);
        let expected = reading_of(&test["output"]["config"]);
        let set = match guard {
            Ok(set) => set,
            Err(error) if cli_error => {
                report.add(
                    file,
                    name,
                    "follows the CLI",
                    format!("botocore refuses the file too: {error}"),
                );
                continue;
            }
            Err(error) => {
                report.add(file, name, "differs", format!("guard refuses: {error}"));
                continue;
            }
        };
        let got = reading(&set);
        let same_profiles = got.profiles == expected.profiles;
        let same_sessions = test["output"]["config"].get("sso_sessions").is_none()
            || got.sessions == expected.sessions;
        if same_profiles && same_sessions {
            report.add(file, name, "agrees", "");
            continue;
        }
        // Refused where the two readings differ on a key, had it chosen credentials.
        let refused = set.profiles().find_map(|p| {
            let keys: Vec<&str> = p.keys().map(|(k, _)| k.as_str()).collect();
            p.refuse_disagreement_on_keys(&keys).err()
        });
        if let Some(refusal) = refused {
            report.add(file, name, "refused", refusal.message);
        } else if cli_reading
            .as_ref()
            .is_some_and(|c| c.profiles == got.profiles)
        {
            report.add(
                file,
                name,
                "follows the CLI",
                format!(
                    "SDKs {:?}, botocore and guard {:?}",
                    expected.profiles, got.profiles
                ),
            );
        } else {
            report.add(
                file,
                name,
                "differs",
                format!(
                    "SDKs {:?}, botocore {:?}, guard {:?}",
                    expected.profiles,
                    cli_reading.map(|c| c.profiles),
                    got.profiles
                ),
            );
        }
    }
}

/// Whether guard's idea of the SDKs' reading (the one it refuses on) is aws-config's own, on every
/// key of every profile guard has.
fn sdk_emulation(file: &str, name: &str, config: &str, credentials: &str, report: &mut Report) {
    let file = format!("{file} (guard's SDK reading vs aws-config's parser)");
    let Ok(set) = read_files(config, credentials) else {
        return;
    };
    let fs = aws_types::os_shim_internal::Fs::from_slice(&[
        ("/home/.aws/config", config),
        ("/home/.aws/credentials", credentials),
    ]);
    let env = aws_types::os_shim_internal::Env::from_slice(&[("HOME", "/home")]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let sdk = runtime.block_on(aws_config::profile::load(
        &fs,
        &env,
        &Default::default(),
        None,
    ));
    let Ok(sdk) = sdk else {
        let class = if set.sdk_unreadable() {
            "agrees"
        } else {
            "differs"
        };
        report.add(&file, name, class, "aws-config refuses the files");
        return;
    };
    if set.sdk_unreadable() {
        report.add(
            &file,
            name,
            "differs",
            "aws-config reads the files; guard thinks it refuses them",
        );
        return;
    }
    for profile in set.profiles() {
        for (key, _) in profile.keys() {
            let theirs = sdk
                .get_profile(&profile.name)
                .and_then(|p| p.get(key))
                .filter(|v| !v.is_empty())
                .map(normal);
            let ours = profile.sdk_value(key).map(|v| normal(&v));
            if theirs != ours {
                report.add(
                    &file,
                    name,
                    "differs",
                    format!(
                        "[{}] {key}: aws-config {theirs:?}, guard {ours:?}",
                        profile.name
                    ),
                );
                return;
            }
        }
    }
    report.add(&file, name, "agrees", "");
}

fn location_suite(dir: &Path, report: &mut Report) {
    let file = "smithy-rs-file-location-tests.json";
    let vectors: Value = load(&dir.join(file));
    for test in vectors["tests"].as_array().into_iter().flatten() {
        let name = test["name"].as_str().unwrap_or("?");
        if test["platform"] != "linux" {
            report.add(file, name, "not expressible", "Windows: guard runs on Unix");
            continue;
        }
        let env = &test["environment"];
        let var = |k: &str| env[k].as_str().map(std::ffi::OsString::from);
        let home = || Ok(PathBuf::from(env["HOME"].as_str().unwrap_or("")));
        let paths = Paths::from_vars(var, home).expect("paths");
        let expected = (
            test["configLocation"].as_str().unwrap_or(""),
            test["credentialsLocation"].as_str().unwrap_or(""),
        );
        let got = (
            paths.config.to_string_lossy(),
            paths.credentials.to_string_lossy(),
        );
        if (got.0.as_ref(), got.1.as_ref()) == expected {
            report.add(file, name, "agrees", "");
        } else {
            report.add(
                file,
                name,
                "differs",
                format!("{got:?}, expected {expected:?}"),
            );
        }
    }
}

/// A chain as the assume-role vectors write it.
fn chain_of(chain: &Chain) -> Vec<Value> {
    let mut out = vec![match &chain.base {
        Base::Static { creds, .. } => {
            serde_json::json!({"AccessKey": {"access_key_id": creds.access_key_id}})
        }
        Base::Environment => serde_json::json!({"NamedSource": "Environment"}),
        Base::Ec2InstanceMetadata => serde_json::json!({"NamedSource": "Ec2InstanceMetadata"}),
        Base::EcsContainer => serde_json::json!({"NamedSource": "EcsContainer"}),
        Base::WebIdentity {
            token_file,
            role,
            session_name,
            ..
        } => serde_json::json!({"WebIdentityToken": {
            "role_arn": role.arn, "web_identity_token_file": token_file,
            "role_session_name": session_name}}),
        Base::Sso(target) => serde_json::json!({"Sso": {
            "sso_account_id": target.account_id.to_string(), "sso_role_name": target.role_name,
            "sso_start_url": target.login.start_url(), "sso_region": target.login.region()}}),
        Base::Process { command, .. } => serde_json::json!({"CredentialProcess": command}),
        Base::Login { session, .. } => serde_json::json!({"LoginSession": session}),
    }];
    for hop in &chain.hops {
        out.push(serde_json::json!({"AssumeRole": {"role_arn": hop.role.arn,
            "external_id": hop.external_id, "role_session_name": hop.session_name}}));
    }
    out
}

/// Whether every field the vector names has that value in guard's step (guard's steps name more).
fn matches(expected: &Value, got: &Value) -> bool {
    match (expected, got) {
        (Value::Object(e), Value::Object(g)) => e.iter().all(|(k, v)| {
            // Static keys: only the key ID is compared (guard never shows the secret).
            k == "secret_access_key"
                || k == "account_id"
                || g.get(k).is_some_and(|gv| matches(v, gv))
        }),
        (Value::Array(e), Value::Array(g)) => {
            e.len() == g.len() && e.iter().zip(g).all(|(e, g)| matches(e, g))
        }
        (e, g) => e == g,
    }
}

fn config_text(profiles: &Value, sessions: &Value) -> String {
    let mut text = String::new();
    for (name, keys) in profiles.as_object().into_iter().flatten() {
        text.push_str(&format!("[profile {name}]\n"));
        for (k, v) in keys.as_object().into_iter().flatten() {
            text.push_str(&format!("{k} = {}\n", v.as_str().unwrap_or("")));
        }
    }
    for (name, keys) in sessions.as_object().into_iter().flatten() {
        text.push_str(&format!("[sso-session {name}]\n"));
        for (k, v) in keys.as_object().into_iter().flatten() {
            text.push_str(&format!("{k} = {}\n", v.as_str().unwrap_or("")));
        }
    }
    pad_accounts(&text)
}

fn assume_role_suite(dir: &Path, report: &mut Report) {
    let file = "smithy-rs-assume-role-tests.json";
    let vectors: Value = load(&dir.join(file));
    let account_json = regex::Regex::new(r#"("sso_account_id":")(\d{1,11})(")"#).expect("valid");
    for test in vectors.as_array().into_iter().flatten() {
        let name = test["docs"].as_str().unwrap_or("?");
        let input = &test["input"];
        let config = config_text(&input["profiles"], &input["sso_sessions"]);
        let selected = input["selected_profile"].as_str().unwrap_or("default");
        let outcome = read_files(&config, "").and_then(|set| {
            crate::credentials::source::chain_agreed(&set, selected, "us-east-1")
                .map_err(|e| e.to_string())
        });
        let padded = account_json
            .replace_all(&test["output"].to_string(), |c: &regex::Captures| {
                format!("{}{:0>12}{}", &c[1], &c[2], &c[3])
            })
            .into_owned();
        let expected: Value = serde_json::from_str(&pad_accounts(&padded)).unwrap_or_default();
        match (outcome, expected.get("Error")) {
            (Err(_), Some(_)) => report.add(file, name, "agrees", ""),
            (Ok(chain), Some(error)) => report.add(
                file,
                name,
                "differs",
                format!(
                    "the SDKs fail ({error}); guard plans {:?}",
                    chain_of(&chain)
                ),
            ),
            (Err(error), None) => {
                let token_only = input["profiles"][selected].get("sso_session").is_some()
                    && input["profiles"][selected].get("sso_role_name").is_none();
                if token_only {
                    report.add(file, name, "not expressible", "a profile with an SSO token and no role: guard runs commands with a role's credentials");
                } else if error.contains("means different things")
                    || error.contains("static keys here and")
                {
                    report.add(file, name, "refused", error);
                } else {
                    report.add(file, name, "differs", error);
                }
            }
            (Ok(chain), None) => {
                let got = Value::Array(chain_of(&chain));
                if matches(&expected["ProfileChain"], &got) {
                    report.add(file, name, "agrees", "");
                } else {
                    report.add(
                        file,
                        name,
                        "differs",
                        format!("expected {}, guard {got}", expected["ProfileChain"]),
                    );
                }
            }
        }
    }
}

fn provider_suite(dir: &Path, report: &mut Report) {
    let root = dir.join("smithy-rs-provider");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .into_iter()
        .flatten()
        .flatten()
        .flat_map(|group| {
            std::fs::read_dir(group.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|case| case.path())
        .collect();
    cases.sort();
    for case in cases {
        let group = case
            .parent()
            .and_then(Path::file_name)
            .map(|n| format!("smithy-rs-provider/{}", n.to_string_lossy()))
            .unwrap_or_default();
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let env: Value = load_or_null(&case.join("env.json"));
        let expected: Value = load_or_null(&case.join("test-case.json"));
        let traffic: Value = load_or_null(&case.join("http-traffic.json"));
        let read = |file: &str| {
            std::fs::read_to_string(case.join("fs/home/.aws").join(file))
                .map(|t| pad_accounts(&t))
                .unwrap_or_default()
        };
        let env_var = |k: &str| {
            env[k]
                .as_str()
                .map(str::to_string)
                .filter(|v| !v.trim().is_empty())
        };
        let selected = env_var("AWS_PROFILE").unwrap_or_else(|| "default".to_string());
        let expect_ok = expected["result"].get("Ok").is_some();
        let set = match read_files(&read("config"), &read("credentials")) {
            Ok(set) => set,
            Err(error) if !expect_ok => {
                report.add(&group, &name, "agrees", format!("both refuse: {error}"));
                continue;
            }
            Err(error) => {
                report.add(&group, &name, "differs", error);
                continue;
            }
        };
        let Some(profile) = set.find(&selected) else {
            let why = if env_var("AWS_ACCESS_KEY_ID").is_some()
                || env_var("AWS_WEB_IDENTITY_TOKEN_FILE").is_some()
                || env_var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
                || env_var("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some()
                || !expect_ok
            {
                "credentials without a profile (environment, container, IMDS): guard runs under a profile and stops with 78 without one"
            } else {
                "the default chain's instance metadata without a profile: guard runs under a profile"
            };
            report.add(&group, &name, "not expressible", why);
            continue;
        };
        if env_var("AWS_ACCESS_KEY_ID").is_some() {
            report.add(&group, &name, "not expressible", "credentials in guard's own environment: guard uses the profile it is given, and hands the child its own");
            continue;
        }
        let endpoints = ProfileEndpoints::of(&set, profile);
        let lookup = |k: &str| env_var(k);
        let region = match region(None, profile.get("region"), lookup) {
            Ok(r) => r.map_or_else(|| "us-east-1".to_string(), |(r, _)| r),
            Err(f) => {
                report.add(&group, &name, "differs", f.message);
                continue;
            }
        };
        let outcome = crate::credentials::source::chain_agreed(&set, &selected, &region)
            .map_err(|e| e.to_string());
        let first_request = traffic["events"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|e| e["action"]["Request"]["request"]["uri"].as_str())
            .map(str::to_string);
        match (outcome, expect_ok) {
            (Err(error), _) if error.contains("is not an AWS account ID") => report.add(
                &group,
                &name,
                "not expressible",
                format!("the vector's account ID is not one: {error}"),
            ),
            (Err(error), true)
                if error.contains("has no sso_account_id")
                    && profile.get("sso_session").is_some() =>
            {
                report.add(&group, &name, "not expressible", "a profile with an SSO token and no role: guard runs commands with a role's credentials");
            }
            (Err(error), false) => {
                report.add(&group, &name, "agrees", format!("both fail: {error}"))
            }
            (Err(error), true) => {
                let class = if error.contains("shell syntax")
                    || error.contains("means different things")
                    || error.contains("static keys here and")
                {
                    "refused"
                } else if error.contains("credential_source") || error.contains("no credentials") {
                    "not expressible"
                } else {
                    "differs"
                };
                report.add(&group, &name, class, error);
            }
            (Ok(chain), ok) => {
                let endpoint = |service| {
                    let region = match (&chain.base, service) {
                        (Base::Sso(target), Service::Sso) => target.login.region().to_string(),
                        _ => region.clone(),
                    };
                    resolve_endpoint(service, &region, &lookup, &endpoints).display
                };
                let service = match (&chain.base, chain.hops.is_empty()) {
                    (Base::Sso(_), _) => Some(Service::Sso),
                    (Base::WebIdentity { .. }, _) | (_, false) => Some(Service::Sts),
                    _ => None,
                };
                let expected_key = expected["result"]["Ok"]["access_key_id"].as_str();
                let machine = matches!(
                    chain.base,
                    Base::Ec2InstanceMetadata | Base::EcsContainer | Base::Environment
                );
                let static_key = match &chain.base {
                    Base::Static { creds, .. } if chain.hops.is_empty() => {
                        Some(creds.access_key_id.clone())
                    }
                    _ => None,
                };
                if let (Some(service), Some(uri)) = (service, &first_request)
                    && !machine
                {
                    let at = endpoint(service);
                    if uri.starts_with(&at) {
                        report.add(&group, &name, "agrees", format!("first request to {at}"));
                    } else {
                        report.add(
                            &group,
                            &name,
                            "differs",
                            format!("guard calls {at}, the SDK called {uri}"),
                        );
                    }
                } else if let (Some(key), Some(expected)) = (static_key, expected_key) {
                    let class = if key == expected { "agrees" } else { "differs" };
                    report.add(
                        &group,
                        &name,
                        class,
                        format!("keys {key}, expected {expected}"),
                    );
                } else if !ok {
                    report.add(&group, &name, "agrees", "the SDK's failure is the server's or the machine's; guard plans the same source");
                } else {
                    report.add(&group, &name, "agrees", "plans the same source");
                }
            }
        }
    }
}

fn botocore_suite(dir: &Path, cli: &Value, report: &mut Report) {
    let file = "botocore-cfg";
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir.join(file))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    for path in names {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let expected = &cli[format!("botocore-cfg/{name}")];
        let bytes = std::fs::read(&path).unwrap_or_default();
        let guard = std::str::from_utf8(&bytes)
            .map_err(|_| "not UTF-8".to_string())
            .and_then(|text| read_files(text, ""));
        match (guard, expected.get("error")) {
            (Err(_), Some(_)) => report.add(file, &name, "agrees", "both refuse the file"),
            (Err(error), None) => {
                report.add(file, &name, "differs", format!("guard refuses: {error}"))
            }
            (Ok(_), Some(error)) => {
                report.add(file, &name, "differs", format!("botocore refuses: {error}"))
            }
            (Ok(set), None) => {
                let got = reading(&set);
                let want = reading_of(expected);
                if got.profiles == want.profiles && got.sessions == want.sessions {
                    report.add(file, &name, "agrees", "");
                } else {
                    report.add(
                        file,
                        &name,
                        "differs",
                        format!("botocore {want:?}, guard {got:?}"),
                    );
                }
            }
        }
    }
}

fn load(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_default()).unwrap_or(Value::Null)
}

fn load_or_null(path: &Path) -> Value {
    load(path)
}

#[test]
#[ignore = "needs the vectors: scripts/sdk-vectors"]
fn sdk_vectors() {
    let Some(dir) = std::env::var_os("GUARD_SDK_VECTORS").map(PathBuf::from) else {
        return;
    };
    let cli = std::env::var_os("GUARD_CLI_READINGS")
        .map(|p| load(Path::new(&p)))
        .unwrap_or(Value::Null);
    let mut report = Report::default();
    parser_suite(&dir, &cli, &mut report);
    location_suite(&dir, &mut report);
    assume_role_suite(&dir, &mut report);
    provider_suite(&dir, &mut report);
    botocore_suite(&dir, &cli, &mut report);
    report.print();
}
