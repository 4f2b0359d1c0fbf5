//! The HTTP client under every AWS call guard makes: the platform's trust roots plus the
//! company's CA (`AWS_CA_BUNDLE`, else the profile's `ca_bundle`), the proxy variables read as the
//! SDK reads them, and answers checked to be small and whole before the SDK parses them.
//!
//! What the client needs is data, `Settings`, worked out from the profile a call is made for and
//! handed to each call: a process that works for several profiles (`guard each`) gives each its
//! own. Clients are built once per thread and settings.

use std::fmt;
use std::path::PathBuf;

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::rustls_provider::CryptoMode;
use aws_smithy_http_client::tls::{Provider, TlsContext, TrustStore};
use aws_smithy_http_client::{Builder, ConnectorBuilder};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;

use crate::resolve::profile::Profile;
use crate::sys::error::Failure;
use crate::sys::fsutil;
use crate::sys::fsutil::home_dir;

/// The largest answer guard reads. AWS's answers to guard's calls are a few kilobytes (a page of
/// 1,000 accounts is about 150 KB); anything far bigger is not an answer to trust.
pub const MAX_ANSWER: usize = 1024 * 1024;
/// CA bundles of whole operating systems are about 250 KB.
const MAX_BUNDLE: u64 = 16 * 1024 * 1024;

/// Where the extra trust roots come from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Bundle {
    path: PathBuf,
    /// How the person named it, for errors: `AWS_CA_BUNDLE`, or the profile key's file and line.
    named_by: String,
}

/// How guard's HTTP client reaches AWS, as the AWS CLI sets it up for a profile: the company's CA
/// (`AWS_CA_BUNDLE`, else the profile's `ca_bundle`) trusted next to the platform's roots, and the
/// proxy. The proxy is the environment's (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` and their
/// lower-case forms), as the SDK's own client takes it: hyper-util reads and matches the variables
/// when the client is built, so no `Settings` holds another, and none reads them on a warm run.
#[derive(Clone)]
pub struct Settings {
    bundle: Option<Bundle>,
    proxy: ProxyConfig,
}

impl Settings {
    /// For calls made for `profile`: `AWS_CA_BUNDLE` still wins over its `ca_bundle`, as in the
    /// AWS CLI.
    pub fn of(profile: &Profile) -> Settings {
        let bundle = profile.get("ca_bundle").map(|value| Bundle {
            path: expand_home(&value.value),
            named_by: format!("ca_bundle ({})", value.at),
        });
        Settings::with(bundle)
    }

    /// For calls made for no profile (a sign-in named by its start URL): the environment alone.
    pub fn from_env() -> Settings {
        Settings::with(None)
    }

    fn with(profile_bundle: Option<Bundle>) -> Settings {
        let bundle = match std::env::var("AWS_CA_BUNDLE") {
            Ok(path) if !path.is_empty() => Some(Bundle {
                path: expand_home(&path),
                named_by: "AWS_CA_BUNDLE".to_string(),
            }),
            _ => profile_bundle,
        };
        Settings {
            bundle,
            proxy: ProxyConfig::from_env(),
        }
    }
}

// A proxy's URL may hold a password: only the bundle is shown.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("bundle", &self.bundle)
            .finish_non_exhaustive()
    }
}

thread_local! {
    // One per thread: a pooled connection is driven by a task of the runtime that opened it, and
    // guard's runtimes are one thread's each (`guard each` verifies on several threads, each
    // with its own). A connection shared across them would wait on a runtime that is idle or gone.
    // Kept with the trust roots it was built for (the proxy is the environment's in every
    // `Settings`).
    static CLIENT: std::cell::RefCell<Option<Kept>> = const { std::cell::RefCell::new(None) };
}

/// A thread's client (or why it could not be built), and the bundle it was built with.
type Kept = (Option<Bundle>, Result<SharedHttpClient, String>);

fn expand_home(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => home_dir().map_or_else(|_| PathBuf::from(path), |home| home.join(rest)),
        None => PathBuf::from(path),
    }
}

/// The client every SDK client of this thread uses with these settings.
pub fn client(settings: &Settings) -> Result<SharedHttpClient, Failure> {
    CLIENT
        .with_borrow_mut(|cached| match cached {
            Some((bundle, client)) if *bundle == settings.bundle => client.clone(),
            _ => {
                let client = build(settings).map_err(|f| f.message);
                *cached = Some((settings.bundle.clone(), client.clone()));
                client
            }
        })
        .map_err(|message| {
            Failure::config(message)
                .with_hint("point AWS_CA_BUNDLE (or ca_bundle) at a PEM file of CA certificates")
        })
}

fn tls_context(settings: &Settings) -> Result<TlsContext, Failure> {
    let mut trust = TrustStore::default();
    if let Some(bundle) = &settings.bundle {
        trust = trust.with_pem_certificate(read_bundle(bundle)?);
    }
    TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .map_err(|e| Failure::config(format!("cannot set up TLS: {e}")))
}

/// One GET outside the SDK (the console's federation endpoint), with the same trust roots and
/// proxy as the SDK's calls: the answer's status and body (at most `MAX_ANSWER` bytes). The
/// error never holds the URL, which may carry secrets in its query.
pub async fn get(
    settings: &Settings,
    url: &str,
    timeout: std::time::Duration,
) -> Result<(u16, Vec<u8>), String> {
    let tls = tls_context(settings).map_err(|f| f.message)?;
    let mut builder = ConnectorBuilder::default()
        .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(tls);
    builder.set_proxy_config(Some(settings.proxy.clone()));
    let connector = builder.build();
    let request = HttpRequest::get(url).map_err(|_| "the endpoint is not a URL".to_string())?;
    let call = async {
        let response = connector
            .call(request)
            .await
            .map_err(|e| format!("the request failed ({e})"))?;
        let status = response.status().as_u16();
        let body = Limited::new(response.into_body(), MAX_ANSWER)
            .collect()
            .await
            .map_err(|_| "the answer was cut off or too large".to_string())?;
        Ok((status, body.to_bytes().to_vec()))
    };
    tokio::time::timeout(timeout, call)
        .await
        .map_err(|_| format!("no answer within {} s", timeout.as_secs()))?
}

fn build(settings: &Settings) -> Result<SharedHttpClient, Failure> {
    let tls = tls_context(settings)?;
    let proxy = settings.proxy.clone();
    // What the SDK's own default client does, with the trust store and the proxy given.
    let inner = Builder::new().build_with_connector_fn(move |settings, components| {
        let mut builder = ConnectorBuilder::default()
            .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
            .tls_context(tls.clone());
        builder.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            builder.set_sleep_impl(components.sleep_impl());
        }
        builder.set_proxy_config(Some(proxy.clone()));
        builder.build()
    });
    Ok(SharedHttpClient::new(Checked(inner)))
}

/// The bundle's bytes once every certificate in it has been found usable as a trust root: the
/// TLS layer would otherwise stop the process on the first bad one.
fn read_bundle(bundle: &Bundle) -> Result<Vec<u8>, Failure> {
    let path = &bundle.path;
    let fail = |what: String| {
        Failure::config(format!(
            "the CA bundle {} (from {}) {what}",
            path.display(),
            bundle.named_by
        ))
    };
    // Unreadable names the path itself; the message says where the path came from.
    let bytes = match fsutil::read_regular(path, MAX_BUNDLE) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(fail("does not exist".to_string())),
        Err(e) => {
            return Err(Failure::config(format!(
                "{e} (the CA bundle from {})",
                bundle.named_by
            )));
        }
    };
    let mut roots = rustls::RootCertStore::empty();
    let mut count = 0;
    for (index, cert) in CertificateDer::pem_slice_iter(&bytes).enumerate() {
        let cert = cert.map_err(|e| fail(format!("is not PEM text: {e}")))?;
        roots.add(cert).map_err(|e| {
            fail(format!(
                "holds a certificate (number {}) that cannot be a trust root: {e}",
                index + 1
            ))
        })?;
        count += 1;
    }
    if count == 0 {
        return Err(fail("holds no PEM certificate".to_string()));
    }
    Ok(bytes)
}

/// An answer the SDK must not be given: too big, cut off, or not an AWS answer at all.
#[derive(Debug)]
pub struct BadAnswer(String);

impl fmt::Display for BadAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadAnswer {}

#[derive(Debug)]
struct Checked(SharedHttpClient);

impl HttpClient for Checked {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(CheckedConnector(
            self.0.http_connector(settings, components),
        ))
    }
}

#[derive(Debug)]
struct CheckedConnector(SharedHttpConnector);

impl HttpConnector for CheckedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.0.clone();
        let refreshes_login = request
            .uri()
            .split('?')
            .next()
            .is_some_and(|u| u.ends_with("/v1/token"));
        HttpConnectorFuture::new(async move {
            let mut response = inner.call(request).await.map_err(final_if_untrusted)?;
            let success = response.status().is_success();
            let body = std::mem::replace(response.body_mut(), SdkBody::taken());
            let bytes = read_answer(
                body,
                response.headers().get("content-length"),
                response.headers().get("content-type"),
                success,
            )
            .await
            .and_then(|bytes| {
                if refreshes_login && success {
                    check_login_refresh(&bytes)?;
                }
                Ok(bytes)
            })
            .map_err(|bad| ConnectorError::other(bad.into(), None))?;
            *response.body_mut() = SdkBody::from(bytes);
            Ok(response)
        })
    }
}

/// A certificate this machine does not trust stays untrusted on the next attempt: the SDK would
/// retry it as a network error, so it is handed on as one that is not.
fn final_if_untrusted(err: ConnectorError) -> ConnectorError {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    let mut untrusted = false;
    while let Some(mut e) = current {
        // An io::Error's source skips the error it wraps (often another io::Error): unwrap them.
        while let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            e = inner;
        }
        if matches!(
            e.downcast_ref::<rustls::Error>(),
            Some(rustls::Error::InvalidCertificate(_))
        ) {
            untrusted = true;
            break;
        }
        current = e.source();
    }
    if untrusted {
        ConnectorError::other(err.into(), None)
    } else {
        err
    }
}

async fn read_answer(
    body: SdkBody,
    length: Option<&str>,
    content_type: Option<&str>,
    success: bool,
) -> Result<Vec<u8>, BadAnswer> {
    let too_big = || BadAnswer(format!("an answer larger than {} KB", MAX_ANSWER / 1024));
    if length
        .and_then(|l| l.trim().parse::<u64>().ok())
        .is_some_and(|l| l > MAX_ANSWER as u64)
    {
        return Err(too_big());
    }
    let collected = Limited::new(body, MAX_ANSWER)
        .collect()
        .await
        .map_err(|e| {
            if e.downcast_ref::<LengthLimitError>().is_some() {
                too_big()
            } else {
                BadAnswer(format!("an answer that was cut off ({e})"))
            }
        })?;
    let bytes = collected.to_bytes().to_vec();
    check_whole(&bytes, content_type, success)?;
    Ok(bytes)
}

/// A cut answer can still parse: the SDK's XML reader takes a document that stops inside the
/// session token, and fills what is missing with defaults. So the document must be whole.
fn check_whole(bytes: &[u8], content_type: Option<&str>, success: bool) -> Result<(), BadAnswer> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    if text.is_empty() {
        return Ok(());
    }
    let content_type = content_type.unwrap_or("").to_ascii_lowercase();
    let xml = content_type.contains("xml") || (content_type.is_empty() && text.starts_with('<'));
    let json = content_type.contains("json") || (content_type.is_empty() && text.starts_with('{'));
    if xml {
        if !xml_is_whole(text) {
            return Err(BadAnswer("an XML answer that was cut off".to_string()));
        }
    } else if json {
        if serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
            return Err(BadAnswer(
                "a JSON answer that was cut off or is not JSON".to_string(),
            ));
        }
    } else if success {
        // A captive portal's or a proxy's page, say: never the service's answer.
        return Err(BadAnswer(format!(
            "content of type '{}', which is not an AWS answer",
            printable(&content_type)
        )));
    }
    Ok(())
}

/// aws-config's `aws login` provider takes a refresh answer's token for granted, and adds its
/// `expiresIn` to the clock unchecked: an answer without them would stop the process, so it is
/// refused here, before the provider sees it.
fn check_login_refresh(bytes: &[u8]) -> Result<(), BadAnswer> {
    let answer: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|_| BadAnswer("a sign-in refresh answer that is not JSON".to_string()))?;
    // The body is the token itself (the operation's HTTP payload).
    let has = |key: &str| {
        answer["accessToken"][key]
            .as_str()
            .is_some_and(|v| !v.is_empty())
    };
    let whole = ["accessKeyId", "secretAccessKey", "sessionToken"]
        .iter()
        .all(|k| has(k))
        && answer["refreshToken"].as_str().is_some()
        && answer["expiresIn"]
            .as_i64()
            .is_some_and(|s| s > 0 && s < 400 * 86400);
    if whole {
        Ok(())
    } else {
        Err(BadAnswer(
            "a sign-in refresh answer without a whole token, or with one that has expired"
                .to_string(),
        ))
    }
}

/// A document whose root element is closed at its end.
fn xml_is_whole(text: &str) -> bool {
    let mut rest = text;
    // The declaration and comments before the root.
    while let Some(after) = rest
        .strip_prefix("<?")
        .or_else(|| rest.strip_prefix("<!--"))
    {
        let end = if rest.starts_with("<?") { "?>" } else { "-->" };
        match after.find(end) {
            Some(i) => rest = after[i + end.len()..].trim_start(),
            None => return false,
        }
    }
    let Some(tag) = rest.strip_prefix('<') else {
        return false;
    };
    let name: String = tag
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect();
    if name.is_empty() {
        return false;
    }
    let self_closed = tag.find('>').is_some_and(|i| tag[..i].ends_with('/'));
    (self_closed && tag.find('>').is_some_and(|i| i + 1 == tag.len()))
        || text.ends_with(&format!("</{name}>"))
}

fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(80).collect()
}

/// The bad answer inside an SDK error, if that is what went wrong.
pub fn bad_answer<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a BadAnswer> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(bad) = e.downcast_ref::<BadAnswer>() {
            return Some(bad);
        }
        current = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_and_cut_xml() {
        let whole = r#"<?xml version="1.0"?>
<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult><Credentials><SessionToken>abc</SessionToken></Credentials></AssumeRoleResult>
</AssumeRoleResponse>
"#;
        assert!(xml_is_whole(whole.trim()));
        let cut = &whole[..whole.find("abc").unwrap() + 2];
        assert!(!xml_is_whole(cut.trim()));
        assert!(xml_is_whole("<Empty/>"));
        assert!(!xml_is_whole("<Empty/><Other>"));
        assert!(!xml_is_whole("just text"));
    }

    #[test]
    fn login_refresh_answers() {
        let good =
            br#"{"accessToken": {"accessKeyId": "AK", "secretAccessKey": "s", "sessionToken": "t"},
            "expiresIn": 900, "refreshToken": "r", "tokenType": "aws_sigv4"}"#;
        assert!(check_login_refresh(good).is_ok());
        let negative = String::from_utf8_lossy(good).replace("900", "-900");
        assert!(check_login_refresh(negative.as_bytes()).is_err());
        assert!(check_login_refresh(br#"{"expiresIn": 900, "refreshToken": "r"}"#).is_err());
        assert!(check_login_refresh(b"").is_err());
    }

    #[test]
    fn answers_of_the_wrong_kind() {
        assert!(
            check_whole(
                b"<html><body>Sign in to the Wi-Fi</body></html>",
                Some("text/html"),
                true
            )
            .is_err()
        );
        assert!(
            check_whole(
                b"{\"roleCredentials\": {\"accessKeyId\": \"AK",
                Some("application/json"),
                true
            )
            .is_err()
        );
        assert!(check_whole(b"{}", Some("application/json"), true).is_ok());
        assert!(check_whole(b"", Some("text/plain"), true).is_ok());
        // An error page of a proxy is the SDK's to report, with its status.
        assert!(check_whole(b"Bad gateway", Some("text/plain"), false).is_ok());
    }

    /// Each profile's calls get its own trust roots, in one thread too (`guard each`): the
    /// settings are the calls' own, not the first profile's.
    #[test]
    fn each_profile_has_its_own_bundle() {
        use crate::resolve::profile::{ProfileSet, ini};
        use std::path::Path;
        if std::env::var_os("AWS_CA_BUNDLE").is_some() {
            return; // it wins over both profiles' settings
        }
        let config = "[profile one]\nca_bundle = /nonexistent/one.pem\n\
                      [profile two]\nca_bundle = /nonexistent/two.pem\n";
        let set = ProfileSet::from_files(
            ini::parse(Path::new("config"), config).unwrap(),
            ini::parse(Path::new("credentials"), "").unwrap(),
        );
        let fails_with = |name: &str| {
            let settings = Settings::of(set.get(name).unwrap());
            client(&settings).expect_err("no such bundle").message
        };
        assert!(fails_with("one").contains("/nonexistent/one.pem"));
        assert!(fails_with("two").contains("/nonexistent/two.pem"));
        assert!(fails_with("one").contains("/nonexistent/one.pem"));
    }
}
