//! EKS's tokens: the presigned STS GetCallerIdentity URL with the cluster's name signed in that
//! `aws eks get-token` makes, as the `ExecCredential` kubectl reads, and how guard caches it
//! (`guard eks-token`).

use std::time::SystemTime;

use anyhow::Context as _;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::{Duration, OffsetDateTime};

use crate::child::kubeconfig::EXEC_API_VERSION;
use crate::credentials::Credentials;
use crate::credentials::aws::{self, Service};
use crate::sys::error::Failure;

/// What `aws eks get-token` signs: STS accepts the URL for this long after signing it.
const URL_EXPIRES: std::time::Duration = std::time::Duration::from_secs(60);
/// EKS accepts a token for 15 minutes; clients are told 14, as the AWS CLI tells them.
const TOKEN_LIFETIME: Duration = Duration::minutes(14);
/// A cached token is handed out only while it has at least this long left.
pub const CACHE_MARGIN: Duration = Duration::minutes(1);
const TOKEN_PREFIX: &str = "k8s-aws-v1.";
const CLUSTER_HEADER: &str = "x-k8s-aws-id";
/// The exec API versions guard answers in; anything else gets the one it writes.
const API_VERSIONS: &[&str] = &["client.authentication.k8s.io/v1", EXEC_API_VERSION];

/// A token and when clients should stop using it.
pub struct Token {
    pub token: String,
    pub expires: OffsetDateTime,
}

/// A token as the cache holds it.
#[derive(Serialize, Deserialize)]
pub struct Cached {
    token: String,
    /// Unix seconds.
    expires: i64,
}

impl Token {
    pub fn to_cache(&self) -> Cached {
        Cached {
            token: self.token.clone(),
            expires: self.expires.unix_timestamp(),
        }
    }

    pub fn from_cache(bytes: &[u8]) -> Option<Token> {
        let cached: Cached = serde_json::from_slice(bytes).ok()?;
        Some(Token {
            token: cached.token,
            expires: OffsetDateTime::from_unix_timestamp(cached.expires).ok()?,
        })
    }
}

/// EKS's rule for a cluster's name (CreateCluster): it is signed into the token and written into
/// a kubeconfig, so nothing else gets that far.
pub fn cluster_name(name: &str) -> Result<(), Failure> {
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

/// The name of a cluster's token among the things made from one profile's credentials. The STS
/// endpoint is part of it: a token for a test server is no good at AWS.
pub fn cache_name(cluster: &str, region: &str) -> String {
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

pub fn make(
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
pub fn exec_credential(token: &Token) -> anyhow::Result<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Secret;

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
