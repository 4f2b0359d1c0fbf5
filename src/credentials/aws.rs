//! How guard talks to AWS: one place that decides endpoints, timeouts and retries, and that turns
//! SDK errors into failures a person can act on. The HTTP client itself is `http`'s.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_sts::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::credentials::Credentials;
use crate::credentials::http;
use crate::resolve::profile::{Profile, ProfileSet};
use crate::sys::error::Failure;
use crate::sys::exit_codes::ExitCode;

/// How long a call may take and how often it is tried, by what waits on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patience {
    /// A person waits on every call of a run, so a dead endpoint must fail in seconds.
    Run,
    /// `populate` walks a whole organization: throttling there is expected and waited out.
    Walk,
    /// A lookup the run can do without (the account's display name): never worth a delay.
    Optional,
    /// `guard each`: a run's calls for many accounts at once, where throttling is expected:
    /// retried as a walk is. (The SDK's adaptive mode was tried for the pacing: after one 429 it
    /// held twelve accounts for 20 s; the portal's calls are paced as populate's instead.)
    Many,
}

/// Set by `guard each`: from then on, this process makes a run's calls for many accounts.
static MANY_AT_ONCE: AtomicBool = AtomicBool::new(false);

/// Every later call that a run would make with `Patience::Run` gets `Patience::Many`: the calls
/// deep in resolving a profile are the same for one account or a hundred, only their number
/// differs.
pub fn expect_many_at_once() {
    MANY_AT_ONCE.store(true, Ordering::Relaxed);
}

impl Patience {
    fn in_this_process(self) -> Patience {
        match self {
            Patience::Run if MANY_AT_ONCE.load(Ordering::Relaxed) => Patience::Many,
            other => other,
        }
    }

    fn connect_timeout(self) -> Duration {
        match self {
            Patience::Run | Patience::Walk | Patience::Many => Duration::from_secs(3),
            Patience::Optional => Duration::from_secs(1),
        }
    }

    /// The whole call, retries included.
    pub fn operation_timeout(self) -> Duration {
        match self {
            Patience::Run => Duration::from_secs(10),
            Patience::Walk | Patience::Many => Duration::from_secs(120),
            Patience::Optional => Duration::from_secs(2),
        }
    }

    /// The SDK's standard mode: jittered exponential backoff for throttling (429,
    /// TooManyRequestsException, ThrottlingException), 5xx and transient network errors.
    fn retry(self) -> RetryConfig {
        match self {
            Patience::Run => RetryConfig::standard().with_max_attempts(3),
            Patience::Walk => RetryConfig::standard()
                .with_max_attempts(8)
                .with_max_backoff(Duration::from_secs(20)),
            Patience::Many => RetryConfig::standard()
                .with_max_attempts(8)
                .with_max_backoff(Duration::from_secs(20)),
            Patience::Optional => RetryConfig::disabled(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Sts,
    Sso,
    SsoOidc,
    Iam,
    /// The service behind `aws login` sessions.
    SignIn,
}

impl Service {
    /// The suffix of `AWS_ENDPOINT_URL_<SERVICE>`.
    fn env_suffix(self) -> &'static str {
        match self {
            Service::Sts => "STS",
            Service::Sso => "SSO",
            Service::SsoOidc => "SSO_OIDC",
            Service::Iam => "IAM",
            Service::SignIn => "SIGNIN",
        }
    }

    /// The service's key in a `[services]` section.
    fn config_key(self) -> &'static str {
        match self {
            Service::Sts => "sts",
            Service::Sso => "sso",
            Service::SsoOidc => "sso_oidc",
            Service::Iam => "iam",
            Service::SignIn => "signin",
        }
    }

    fn default_host(self, region: &str, variant: Variant) -> String {
        // FIPS adds `-fips` to the service's label, dual-stack moves it to api.aws: the SDK
        // resolves the real host; this is how errors name it.
        let fips = if variant.fips { "-fips" } else { "" };
        let domain = if variant.dual_stack {
            "api.aws"
        } else {
            "amazonaws.com"
        };
        match self {
            Service::Sts => format!("sts{fips}.{region}.{domain}"),
            Service::Sso => format!("portal.sso{fips}.{region}.{domain}"),
            Service::SsoOidc => format!("oidc{fips}.{region}.{domain}"),
            Service::Iam => format!("iam{fips}.{domain}"),
            Service::SignIn => format!("{region}.signin.aws.amazon.com"),
        }
    }
}

/// Where a service's requests go, as the user should read it in an error.
#[derive(Debug, Clone)]
pub struct Endpoint {
    url: Option<String>,
    variant: Variant,
    pub display: String,
}

impl Endpoint {
    /// The URL the endpoint settings name, or None for AWS's own endpoint.
    pub fn custom_url(&self) -> Option<&str> {
        self.url.as_deref()
    }
}

/// AWS's own endpoints come in FIPS and dual-stack (IPv6) variants.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Variant {
    fips: bool,
    dual_stack: bool,
}

/// The endpoint settings of the profile the process works for: `endpoint_url`, the `[services]`
/// section it names, `ignore_configured_endpoint_urls`, `use_fips_endpoint`,
/// `use_dualstack_endpoint`. The first call decides: a process works for one profile, and botocore
/// makes every client of a run (the STS calls of a role chain too) with the selected profile's.
pub fn use_profile(set: &ProfileSet, profile: &Profile) {
    let _ = PROFILE_ENDPOINTS.set(ProfileEndpoints::of(set, profile));
}

const ALL_SERVICES: [Service; 5] = [
    Service::Sts,
    Service::Sso,
    Service::SsoOidc,
    Service::Iam,
    Service::SignIn,
];

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ProfileEndpoints {
    endpoint_url: Option<String>,
    services: Vec<(Service, String)>,
    ignore_configured: Option<bool>,
    fips: Option<bool>,
    dual_stack: Option<bool>,
}

impl ProfileEndpoints {
    pub(crate) fn of(set: &ProfileSet, profile: &Profile) -> Self {
        let services = profile
            .value("services")
            .and_then(|name| set.services(name))
            .map(|services| {
                ALL_SERVICES
                    .iter()
                    .filter_map(|s| {
                        let (url, _) = services.setting(s.config_key(), "endpoint_url")?;
                        Some((*s, url))
                    })
                    .collect()
            })
            .unwrap_or_default();
        ProfileEndpoints {
            endpoint_url: profile.value("endpoint_url").map(str::to_string),
            services,
            ignore_configured: profile
                .value("ignore_configured_endpoint_urls")
                .map(is_true),
            fips: profile.value("use_fips_endpoint").map(is_true),
            dual_stack: profile.value("use_dualstack_endpoint").map(is_true),
        }
    }
}

static PROFILE_ENDPOINTS: OnceLock<ProfileEndpoints> = OnceLock::new();

/// botocore's reading of a boolean setting: `true` in any case is true, anything else false.
fn is_true(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case("true")
}

/// Where a service's requests go, as botocore and the SDKs decide it: unless
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (else the profile's `ignore_configured_endpoint_urls`)
/// is true, `AWS_ENDPOINT_URL_<SERVICE>`, then the profile's `[services]` section, then
/// `AWS_ENDPOINT_URL`, then the profile's `endpoint_url`; else AWS's endpoint for the region,
/// in its FIPS or dual-stack variant when `AWS_USE_FIPS_ENDPOINT` / `AWS_USE_DUALSTACK_ENDPOINT`
/// (else the profile's settings) say so. The child's environment is left as it is.
pub fn endpoint(service: Service, region: &str) -> Endpoint {
    let read = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    // A run asks for endpoints several times (cache keys, errors, each client) and guard never
    // changes its own environment: the variables every service shares are read once.
    static SHARED: OnceLock<[Option<String>; 4]> = OnceLock::new();
    let shared = SHARED.get_or_init(|| SHARED_VARIABLES.map(read));
    let env = |name: &str| match SHARED_VARIABLES.iter().position(|v| *v == name) {
        Some(i) => shared[i].clone(),
        None => read(name),
    };
    resolve_endpoint(
        service,
        region,
        &env,
        PROFILE_ENDPOINTS.get().unwrap_or(&NO_PROFILE),
    )
}

/// The endpoint variables of every service.
const SHARED_VARIABLES: [&str; 4] = [
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_ENDPOINT_URL",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
];

static NO_PROFILE: ProfileEndpoints = ProfileEndpoints {
    endpoint_url: None,
    services: Vec::new(),
    ignore_configured: None,
    fips: None,
    dual_stack: None,
};

pub(crate) fn resolve_endpoint(
    service: Service,
    region: &str,
    env: &dyn Fn(&str) -> Option<String>,
    profile: &ProfileEndpoints,
) -> Endpoint {
    let flag = |var: &str, setting: Option<bool>| env(var).map_or(setting, |v| Some(is_true(&v)));
    let ignored = flag(
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        profile.ignore_configured,
    )
    .unwrap_or(false);
    let url = if ignored {
        None
    } else {
        env(&format!("AWS_ENDPOINT_URL_{}", service.env_suffix()))
            .or_else(|| {
                profile
                    .services
                    .iter()
                    .find(|(s, _)| *s == service)
                    .map(|(_, url)| url.clone())
                    .filter(|u| !u.is_empty())
            })
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .or_else(|| profile.endpoint_url.clone())
    };
    let variant = Variant {
        fips: flag("AWS_USE_FIPS_ENDPOINT", profile.fips).unwrap_or(false),
        dual_stack: flag("AWS_USE_DUALSTACK_ENDPOINT", profile.dual_stack).unwrap_or(false),
    };
    let display = url
        .clone()
        .unwrap_or_else(|| format!("https://{}", service.default_host(region, variant)));
    Endpoint {
        url,
        variant,
        display,
    }
}

/// An STS client for a run, with its endpoint (errors name it): AssumeRole, GetCallerIdentity and
/// GetFederationToken are all asked this way.
pub fn sts_client(
    net: &http::Settings,
    region: &str,
    creds: Option<&Credentials>,
) -> Result<(aws_sdk_sts::Client, Endpoint), Failure> {
    let endpoint = endpoint(Service::Sts, region);
    let config = sdk_config(net, &endpoint, region, creds, Patience::Run)?;
    Ok((aws_sdk_sts::Client::new(&config), endpoint))
}

/// The configuration of one client. Each client gets its own, since endpoints differ per service.
pub fn sdk_config(
    net: &http::Settings,
    endpoint: &Endpoint,
    region: &str,
    creds: Option<&Credentials>,
    patience: Patience,
) -> Result<SdkConfig, Failure> {
    let patience = patience.in_this_process();
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .http_client(http::client(net)?)
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(patience.connect_timeout())
                .operation_timeout(patience.operation_timeout())
                .build(),
        )
        .retry_config(patience.retry());
    if let Some(url) = &endpoint.url {
        builder = builder.endpoint_url(url);
    }
    if endpoint.variant.fips {
        builder = builder.use_fips(true);
    }
    if endpoint.variant.dual_stack {
        builder = builder.use_dual_stack(true);
    }
    if let Some(creds) = creds {
        builder = builder.credentials_provider(SharedCredentialsProvider::new(creds.to_sdk()));
    }
    Ok(builder.build())
}

/// Turns an SDK error into a failure that names the operation and the endpoint. `kind_of` maps
/// a service error code to its kind; codes it does not know are taken as AWS being unavailable.
pub fn failure<E, R>(
    operation: &str,
    endpoint: &Endpoint,
    err: SdkError<E, R>,
    kind_of: impl Fn(&str) -> Option<ExitCode>,
) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let bad = match &err {
        SdkError::DispatchFailure(dispatch) => dispatch
            .as_connector_error()
            .and_then(|e| http::bad_answer(e))
            .map(ToString::to_string),
        _ => None,
    };
    if let Some(bad) = bad {
        return Failure::unavailable(format!("{operation}: {} sent {bad}", endpoint.display))
            .with_hint(
                "check AWS_ENDPOINT_URL* and the proxy between you and AWS, then try again",
            );
    }
    match &err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            let text = DisplayErrorContext(&err).to_string();
            let hint = if text.to_ascii_lowercase().contains("certificate") {
                "if your network inspects TLS, set AWS_CA_BUNDLE (or ca_bundle in the profile) \
                 to your company's CA certificate file"
            } else {
                "check your network, proxy and AWS_ENDPOINT_URL* variables, then try again"
            };
            Failure::unavailable(format!(
                "{operation}: could not reach {}: {text}",
                endpoint.display
            ))
            .with_hint(hint)
        }
        SdkError::ServiceError(service) => {
            let inner = service.err();
            let code = inner.code().unwrap_or("unknown error");
            let message = inner.message().unwrap_or("no message");
            let kind = kind_of(code).unwrap_or(ExitCode::Unavailable);
            Failure::new(
                kind,
                format!(
                    "{operation} at {} failed: {code}: {message}",
                    endpoint.display
                ),
            )
        }
        SdkError::ResponseError(_) => Failure::unavailable(format!(
            "{operation}: {} sent an answer guard cannot read: {}",
            endpoint.display,
            DisplayErrorContext(&err)
        )),
        _ => Failure::config(format!(
            "{operation}: guard could not make the request to {}",
            endpoint.display
        ))
        .with_hint("check the region and the AWS_ENDPOINT_URL* variables"),
    }
}

/// The runtime every command's AWS calls run on: one thread is plenty for a handful of calls.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::unavailable(format!("cannot start the async runtime: {e}")))
}

/// STS error codes that mean "these credentials are not valid", i.e. the user's setup is wrong.
pub fn sts_kind(code: &str) -> Option<ExitCode> {
    match code {
        "AccessDenied" | "AccessDeniedException" => Some(ExitCode::Refused),
        "InvalidClientTokenId"
        | "SignatureDoesNotMatch"
        | "ExpiredToken"
        | "ExpiredTokenException"
        | "ValidationError"
        | "InvalidParameterValue"
        | "MalformedPolicyDocument"
        | "InvalidIdentityToken"
        | "IDPRejectedClaim"
        | "RegionDisabledException" => Some(ExitCode::Config),
        _ => None,
    }
}
