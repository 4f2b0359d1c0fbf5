//! `guard eks-token --cluster NAME`: the `ExecCredential` kubectl runs a command for, with the
//! token `aws eks get-token` makes (a presigned STS GetCallerIdentity URL with the cluster's name
//! signed in), but cached: kubectl keeps exec credentials only in memory and runs the command for
//! every call, so a warm call here is one file read instead of a Python start.
//!
//! Inside a guard run (kubectl started by `guard -p PROFILE -- kubectl ...`) it signs with the
//! credentials that run verified and resolves nothing.

use std::time::SystemTime;

use anyhow::Context as _;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Duration, OffsetDateTime};

use crate::child::kubeconfig::{self, Change, EXEC_API_VERSION, ExecUser};
use crate::credentials::aws::{self, Service};
use crate::credentials::cache::Cache;
use crate::credentials::verify::Verified;
use crate::credentials::{Credentials, Secret};
use crate::decide::gate::{Caller, Command, Consent, Export, Gate, Target};
use crate::options::Options;
use crate::sys::error::Failure;
use crate::sys::fsutil;
use crate::sys::output::{self, Delivery};

/// What `aws eks get-token` signs: STS accepts the URL for this long after signing it.
const URL_EXPIRES: std::time::Duration = std::time::Duration::from_secs(60);
/// EKS accepts a token for 15 minutes; clients are told 14, as the AWS CLI tells them.
const TOKEN_LIFETIME: Duration = Duration::minutes(14);
/// A cached token is handed out only while it has at least this long left.
const CACHE_MARGIN: Duration = Duration::minutes(1);
const TOKEN_PREFIX: &str = "k8s-aws-v1.";
const CLUSTER_HEADER: &str = "x-k8s-aws-id";
/// The exec API versions guard answers in; anything else gets the one it writes.
const API_VERSIONS: &[&str] = &["client.authentication.k8s.io/v1", EXEC_API_VERSION];

/// A token and when clients should stop using it.
struct Token {
    token: String,
    expires: OffsetDateTime,
}

/// A token as the cache holds it.
#[derive(Serialize, Deserialize)]
struct Cached {
    token: String,
    /// Unix seconds.
    expires: i64,
}

impl Token {
    fn to_cache(&self) -> Cached {
        Cached {
            token: self.token.clone(),
            expires: self.expires.unix_timestamp(),
        }
    }

    fn from_cache(bytes: &[u8]) -> Option<Token> {
        let cached: Cached = serde_json::from_slice(bytes).ok()?;
        Some(Token {
            token: cached.token,
            expires: OffsetDateTime::from_unix_timestamp(cached.expires).ok()?,
        })
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The EKS cluster's name
    #[arg(long, value_name = "NAME")]
    pub cluster: String,
    /// Instead of printing a token, write a kubeconfig user that runs this command (in
    /// $KUBECONFIG's first file, else ~/.kube/config)
    #[arg(long)]
    pub write_kubeconfig: bool,
    /// The kubeconfig user's name [default: the cluster's ARN, as `aws eks update-kubeconfig` names it]
    #[arg(long, value_name = "A", requires = "write_kubeconfig")]
    pub alias: Option<String>,
}

pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    cluster_name(&args.cluster)?;
    if args.write_kubeconfig {
        return write_kubeconfig(options, args);
    }
    let now = OffsetDateTime::now_utc();
    let token = match injected(options)? {
        Some((creds, region)) => make(&creds, &args.cluster, &region, now)?,
        None => resolved(options, &args.cluster, now)?,
    };
    output::stdout(&(exec_credential(&token)? + "\n"), Delivery::Essential)
}

/// EKS's rule for a cluster's name (CreateCluster): it is signed into the token and written into
/// a kubeconfig, so nothing else gets that far.
fn cluster_name(name: &str) -> Result<(), Failure> {
    let valid = (1..=100).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "--cluster {name:?} is not an EKS cluster name (letters, digits, '-' and '_', up to 100, starting with a letter or digit)"
    )))
}

/// The credentials of the guard run this is inside of, and the region to sign for; None outside
/// one. A run sets all four variables, so anything less is not a run; a `--server` run serves
/// its credentials instead of setting them, and they are asked of its server.
fn injected(options: &Options) -> anyhow::Result<Option<(Credentials, String)>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(profile), Some(_account)) = (var("GUARD_PROFILE"), var("GUARD_ACCOUNT_ID")) else {
        return Ok(None);
    };
    let served = (
        var("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        var("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
    );
    let keys = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY"));
    let (key_id, secret) = match (keys, served) {
        ((Some(key_id), Some(secret)), _) => (key_id, secret),
        ((None, None), (Some(url), Some(token))) => {
            check_profile(options, &profile)?;
            let creds = crate::child::server::fetch(&url, &token)?;
            return Ok(Some((creds, region(options, &var))));
        }
        _ => return Ok(None),
    };
    check_profile(options, &profile)?;
    let expiration = var("AWS_CREDENTIAL_EXPIRATION")
        .map(|e| OffsetDateTime::parse(&e, &Rfc3339))
        .transpose()
        .context("AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 time")?;
    let creds = Credentials {
        access_key_id: key_id,
        secret_access_key: Secret::new(secret),
        session_token: var("AWS_SESSION_TOKEN").map(Secret::new),
        expiration,
    };
    Ok(Some((creds, region(options, &var))))
}

/// Signing for another profile than the run's would reach an account the banner and the policy
/// never saw.
fn check_profile(options: &Options, profile: &str) -> Result<(), Failure> {
    if let Some(asked) = options.profile.as_deref().filter(|p| *p != profile) {
        return Err(Failure::refused(format!(
            "guard eks-token runs inside `guard -p {profile}`, and signs only with that run's credentials, not profile '{asked}''s"
        ))
        .with_hint(format!(
            "run kubectl under `guard -p {asked}` for this cluster, or outside guard"
        )));
    }
    Ok(())
}

fn region(options: &Options, var: &dyn Fn(&str) -> Option<String>) -> String {
    options
        .region
        .clone()
        .or_else(|| var("AWS_REGION"))
        .or_else(|| var("AWS_DEFAULT_REGION"))
        .unwrap_or_else(|| "us-east-1".to_string())
}

/// A token from the profile's verified credentials, from the cache while it is good. Outside a
/// guard run nothing decides the kubectl command, so every token handed out is an export:
/// decided, audited, and confirmed in a protected account, as `guard credential-process` is.
fn resolved(options: &Options, cluster: &str, now: OffsetDateTime) -> anyhow::Result<Token> {
    let chosen = options.resolved()?;
    let region = chosen.region().unwrap_or("us-east-1").to_string();
    let cache_use = options.cache_use;
    let key = chosen.credentials_key();
    let verified = chosen.verify(cache_use)?;
    export(options, &verified, cluster)?;
    let cache = Cache::locate();
    let name = cache_name(cluster, &region);
    if !cache_use.fresh && !cache_use.verify {
        let cached = key
            .as_ref()
            .and_then(|key| cache.read_derived(key, &name))
            .and_then(|bytes| Token::from_cache(&bytes))
            .filter(|t| t.expires - now > CACHE_MARGIN);
        if let Some(token) = cached {
            return Ok(token);
        }
    }
    let token = make(&verified.creds, cluster, &region, now)?;
    if let Some(key) = key {
        cache.write_derived(&key, &name, &serde_json::to_vec(&token.to_cache())?);
    }
    Ok(token)
}

/// The policy's decision on handing out a token; kubectl waits for this process, so with no
/// terminal a needed consent is an immediate refusal that says where to give it.
fn export(options: &Options, verified: &Verified, cluster: &str) -> anyhow::Result<()> {
    let policy = options.policy()?;
    let gate = Gate::new(
        &policy,
        Target::of(verified),
        Consent::of(options.confirm.as_deref()),
        Caller::Person,
    )
    .with_reason(options.reason.clone());
    let export = Export::EksToken {
        cluster: cluster.to_string(),
    };
    gate.enforce(&gate.rule(&Command::Export(export)))?;
    Ok(())
}

/// The name of a cluster's token among the things made from one profile's credentials. The STS
/// endpoint is part of it: a token for a test server is no good at AWS.
fn cache_name(cluster: &str, region: &str) -> String {
    let endpoint = aws::endpoint(Service::Sts, region).display;
    let digest = crate::sys::digest::sha256(&[
        b"guard eks-token v1\0",
        cluster.as_bytes(),
        b"\0",
        region.as_bytes(),
        b"\0",
        endpoint.as_bytes(),
    ]);
    format!("eks-{}", hex::encode(&digest.as_ref()[..16]))
}

fn make(
    creds: &Credentials,
    cluster: &str,
    region: &str,
    now: OffsetDateTime,
) -> anyhow::Result<Token> {
    let url = presigned_url(creds, cluster, region, now.into())?;
    let token = format!(
        "{TOKEN_PREFIX}{}",
        base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, url)
    );
    // A token is no better than the credentials that signed it.
    let lifetime = now.checked_add(TOKEN_LIFETIME).ok_or_else(|| {
        Failure::config(format!(
            "the clock says {now}, too late for a token that lasts {} minutes",
            TOKEN_LIFETIME.whole_minutes()
        ))
        .with_hint("set the system clock right")
    })?;
    let expires = creds.expiration.map_or(lifetime, |e| e.min(lifetime));
    Ok(Token { token, expires })
}

/// The presigned GET of STS GetCallerIdentity that `aws eks get-token` makes.
fn presigned_url(
    creds: &Credentials,
    cluster: &str,
    region: &str,
    at: SystemTime,
) -> anyhow::Result<String> {
    let endpoint = aws::endpoint(Service::Sts, region);
    let url = format!(
        "{}/?Action=GetCallerIdentity&Version=2011-06-15",
        endpoint.display.trim_end_matches('/')
    );
    let identity = creds.to_sdk().into();
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(URL_EXPIRES);
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(at)
        .settings(settings)
        .build()
        .context("cannot set up SigV4 signing")?
        .into();
    let signable = SignableRequest::new(
        "GET",
        &url,
        std::iter::once((CLUSTER_HEADER, cluster)),
        SignableBody::Bytes(&[]),
    )
    .with_context(|| format!("cannot sign a request to {url}"))?;
    let (instructions, _signature) = sign(signable, &params)
        .context("cannot sign the GetCallerIdentity request")?
        .into_parts();
    let mut request = http::Request::builder()
        .uri(&url)
        .body(())
        .with_context(|| format!("{url} is not a URL"))?;
    instructions.apply_to_request_http1x(&mut request);
    Ok(in_botocore_order(&request.uri().to_string()))
}

/// The URL with its security token before its signature, where botocore puts it, so that the
/// token is byte for byte the one `aws eks get-token` makes at the same second. (STS reads the
/// parameters in any order.)
fn in_botocore_order(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let mut pairs: Vec<&str> = query.split('&').collect();
    let token = pairs
        .iter()
        .position(|p| p.starts_with("X-Amz-Security-Token="));
    let signature = pairs.iter().position(|p| p.starts_with("X-Amz-Signature="));
    if let (Some(token), Some(signature)) = (token, signature) {
        let moved = pairs.remove(token);
        pairs.insert(signature.min(token), moved);
    }
    format!("{base}?{}", pairs.join("&"))
}

/// The answer kubectl reads, in the API version it asked for (KUBERNETES_EXEC_INFO).
fn exec_credential(token: &Token) -> anyhow::Result<String> {
    let asked = std::env::var("KUBERNETES_EXEC_INFO")
        .ok()
        .and_then(|info| serde_json::from_str::<serde_json::Value>(&info).ok())
        .and_then(|info| info["apiVersion"].as_str().map(str::to_string));
    let api_version = API_VERSIONS
        .iter()
        .find(|v| asked.as_deref() == Some(**v))
        .unwrap_or(&EXEC_API_VERSION);
    let expires = token
        .expires
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .context("cannot format the token's expiry")?;
    let document = serde_json::json!({
        "kind": "ExecCredential",
        "apiVersion": api_version,
        "spec": {},
        "status": {"expirationTimestamp": expires, "token": token.token},
    });
    Ok(serde_json::to_string_pretty(&document)?)
}

/// Writes (or updates) the kubeconfig user that runs this command for the cluster.
fn write_kubeconfig(options: &Options, args: &Args) -> anyhow::Result<()> {
    let verified = options.verified()?;
    let region = verified.region.clone().ok_or_else(|| {
        Failure::config(format!(
            "profile '{}' names no region, and an EKS cluster lives in one",
            verified.profile
        ))
        .with_hint("add -r REGION")
    })?;
    // The name `aws eks update-kubeconfig` gives the user, so that its entry is the one updated.
    let name = args.alias.clone().unwrap_or_else(|| {
        format!(
            "arn:aws:eks:{region}:{}:cluster/{}",
            verified.identity.account, args.cluster
        )
    });
    let command = std::env::current_exe()
        .context("cannot find guard's own path for the kubeconfig")?
        .to_string_lossy()
        .into_owned();
    let exec_args: Vec<String> = [
        "eks-token",
        "--cluster",
        &args.cluster,
        "-p",
        &verified.profile,
        "-r",
        &region,
    ]
    .map(str::to_string)
    .to_vec();
    let user = ExecUser {
        name: &name,
        command: &command,
        args: &exec_args,
    };
    let path = kubeconfig::path()?;
    // kubectl, eksctl and other guards edit it too: read, change and write under one lock.
    let _lock = fsutil::edit_lock(&path, fsutil::patience(fsutil::EDIT_PATIENCE))?;
    // Only a regular file, capped: a FIFO or /dev/zero in its place is an error, not a hang.
    let text = fsutil::read_text(&path, fsutil::CONFIG_LIMIT)
        .map_err(fsutil::Unreadable::into_failure)?
        .unwrap_or_default();
    let (edited, change) = kubeconfig::with_exec_user(&text, &user, &path)?;
    if edited != text {
        fsutil::replace(&path, edited.as_bytes())?;
    }
    let what = match change {
        Change::ExecReplaced => "updated the exec of user",
        Change::ExecAdded => "added an exec to user",
        Change::UserAdded => "added user",
    };
    output::stderr_line(format!(
        "guard: {what} {name} in {} (cluster endpoints and CAs come from `aws eks update-kubeconfig` or eksctl)",
        path.display()
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_a_presigned_get_caller_identity() {
        let creds = Credentials {
            access_key_id: "AKIDEXAMPLE".to_string(),
            secret_access_key: Secret::new("secret"),
            session_token: Some(Secret::new("to+k/en=")),
            expiration: None,
        };
        let now = OffsetDateTime::from_unix_timestamp(1_764_578_195).unwrap();
        let token = make(&creds, "demo", "eu-west-1", now).unwrap();
        assert_eq!(token.expires, now + Duration::minutes(14));
        let encoded = token.token.strip_prefix(TOKEN_PREFIX).unwrap();
        let url =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, encoded)
                .unwrap();
        let url = String::from_utf8(url).unwrap();
        // Unless an endpoint variable is set for this test process.
        if std::env::var_os("AWS_ENDPOINT_URL_STS").is_none()
            && std::env::var_os("AWS_ENDPOINT_URL").is_none()
        {
            assert!(url.starts_with("https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20251201%2Feu-west-1%2Fsts%2Faws4_request&X-Amz-Date=20251201T083635Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Security-Token=to%2Bk%2Fen%3D&X-Amz-Signature="), "{url}");
            assert_eq!(
                url.len(),
                url.find("X-Amz-Signature=").unwrap() + 16 + 64,
                "{url}"
            );
        }
    }
}
