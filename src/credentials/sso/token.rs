//! The SSO access token in the cache the AWS CLI, the SDKs and terraform share
//! (`~/.aws/sso/cache/<sha1>.json`), refreshed the way botocore does it.

use std::path::PathBuf;

use anyhow::Context as _;
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

use super::cache_file::{self, format_time, parse_time};
use super::registration::Registration;
use super::{SsoError, SsoLogin};
use crate::credentials::aws::{self, Patience, Service};
use crate::credentials::{Secret, http};
use crate::sys::error::Failure;
use crate::sys::exit_codes::ExitCode;
use crate::sys::fsutil;

/// botocore refreshes when less than this is left; so does guard, so they agree on when.
const REFRESH_WINDOW: Duration = Duration::minutes(15);

pub fn cache_path(login: &SsoLogin) -> anyhow::Result<PathBuf> {
    cache_file::path(login.cache_key())
}

struct CachedToken {
    path: PathBuf,
    /// Every key of the file, so a rewrite keeps what other tools stored there.
    document: Map<String, Value>,
    access_token: Secret,
    expires_at: OffsetDateTime,
}

impl CachedToken {
    /// Keys are matched without regard to case, as botocore does.
    fn field(&self, key: &str) -> Option<&str> {
        field(&self.document, key)
    }
}

fn field<'a>(document: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    document
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .and_then(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn set_field(document: &mut Map<String, Value>, key: &str, value: String) {
    let existing = document
        .keys()
        .find(|k| k.eq_ignore_ascii_case(key))
        .cloned()
        .unwrap_or_else(|| key.to_string());
    document.insert(existing, Value::String(value));
}

/// The cached token, or None when there is no cache file. A file that is there but unusable is an
/// error: signing in again would hide whatever wrote it wrong.
fn load(login: &SsoLogin) -> anyhow::Result<Option<CachedToken>> {
    let path = cache_path(login)?;
    let text = match fsutil::read_text(&path, fsutil::SMALL_LIMIT) {
        Ok(Some(text)) => text,
        Ok(None) => return Ok(None),
        Err(e) => {
            return Err(
                Failure::config(format!("cannot use the SSO token cache: {e}"))
                    .with_hint("remove it, then sign in again")
                    .into(),
            );
        }
    };
    let (document, access_token, expires_at) = parse_cached(&text).map_err(|what| {
        login.sign_in_hint(Failure::config(format!(
            "the SSO token cache {} is damaged: {what}",
            path.display()
        )))
    })?;
    Ok(Some(CachedToken {
        path,
        access_token: Secret::new(access_token),
        expires_at,
        document,
    }))
}

/// The document, access token and expiry of a token cache file's text, or what is wrong with
/// it; never quoting the text, which holds tokens.
pub(crate) fn parse_cached(
    text: &str,
) -> Result<(Map<String, Value>, String, OffsetDateTime), String> {
    // serde's own message may quote the file: say only where.
    let document: Map<String, Value> = serde_json::from_str(text).map_err(|e| {
        format!(
            "not a JSON object (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let access_token = field(&document, "accessToken")
        .ok_or("no accessToken")?
        .to_string();
    let expires_text = field(&document, "expiresAt").ok_or("no expiresAt")?;
    let expires_at = parse_time(expires_text).ok_or("expiresAt is not a time")?;
    Ok((document, access_token, expires_at))
}

fn read(login: &SsoLogin) -> Result<CachedToken, SsoError> {
    load(login)?.ok_or_else(|| {
        SsoError::NotSignedIn(
            login
                .not_signed_in(format!("you are not signed in to {}", login.describe()))
                .into(),
        )
    })
}

/// Where a sign-in stands, from the cache alone (no network).
#[derive(Debug)]
pub enum Status {
    NotSignedIn,
    SignedIn {
        expires_at: OffsetDateTime,
    },
    /// Expired, but the cache holds what a refresh needs, so the next use renews it.
    Refreshable {
        expired_at: OffsetDateTime,
    },
    Expired {
        expired_at: OffsetDateTime,
    },
    Damaged(String),
}

pub fn status(login: &SsoLogin) -> Status {
    let cached = match load(login) {
        Ok(Some(cached)) => cached,
        Ok(None) => return Status::NotSignedIn,
        Err(e) => return Status::Damaged(format!("{e:#}")),
    };
    let now = OffsetDateTime::now_utc();
    if cached.expires_at > now {
        return Status::SignedIn {
            expires_at: cached.expires_at,
        };
    }
    let refreshable = matches!(login, SsoLogin::Session { .. })
        && ["refreshToken", "clientId", "clientSecret"]
            .iter()
            .all(|k| cached.field(k).is_some())
        && cached
            .field("registrationExpiresAt")
            .and_then(parse_time)
            .is_none_or(|end| end > now);
    if refreshable {
        Status::Refreshable {
            expired_at: cached.expires_at,
        }
    } else {
        Status::Expired {
            expired_at: cached.expires_at,
        }
    }
}

/// The cached access token while it is still valid, without refreshing it: what logout revokes.
pub fn unexpired(login: &SsoLogin) -> anyhow::Result<Option<Secret>> {
    Ok(load(login)?
        .filter(|c| c.expires_at > OffsetDateTime::now_utc())
        .map(|c| c.access_token))
}

/// Removes the token file; false when there was none.
pub fn remove(login: &SsoLogin) -> anyhow::Result<bool> {
    let path = cache_path(login)?;
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => {
            Err(anyhow::Error::new(e)
                .context(Failure::io(format!("cannot remove {}", path.display()))))
        }
    }
}

/// A token from a fresh sign-in, with the client registration that obtained it.
pub struct NewToken<'a> {
    pub access_token: &'a Secret,
    pub expires_at: OffsetDateTime,
    pub refresh_token: Option<&'a Secret>,
    pub registration: &'a Registration,
}

/// Writes a fresh sign-in in the AWS CLI's format, so the CLI, the SDKs and terraform use it too.
pub fn save(login: &SsoLogin, token: &NewToken) -> anyhow::Result<()> {
    let mut document = Map::new();
    let mut put = |key: &str, value: String| document.insert(key.to_string(), Value::String(value));
    put("startUrl", login.start_url().to_string());
    put("region", login.region().to_string());
    put("accessToken", token.access_token.expose().to_string());
    put("expiresAt", format_time(token.expires_at));
    put("clientId", token.registration.client_id.clone());
    put(
        "clientSecret",
        token.registration.client_secret.expose().to_string(),
    );
    put(
        "registrationExpiresAt",
        format_time(token.registration.expires_at),
    );
    if let Some(refresh) = token.refresh_token {
        put("refreshToken", refresh.expose().to_string());
    }
    let bytes = serde_json::to_vec(&document)?;
    let path = cache_path(login)?;
    fsutil::write_private(&path, &bytes)
        .with_context(|| Failure::io(format!("cannot save the SSO token to {}", path.display())))
}

/// What a guard holding a sign-in's lock is doing, as the ones waiting for it are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Refresh,
    SignIn,
}

/// Held while one guard refreshes a sign-in's token, or signs in: a refresh token is single-use
/// at a real Identity Center, and one person needs one browser tab. The others wait, then read
/// what it saved. The kernel drops the lock of a process that dies, so a lock left by a guard
/// that is gone never holds anyone up.
pub struct SessionLock {
    _file: fsutil::FileLock,
}

pub fn lock(login: &SsoLogin, purpose: Purpose) -> anyhow::Result<SessionLock> {
    let token_path = cache_path(login)?;
    let suffix = match purpose {
        Purpose::Refresh => "guard-refresh.lock",
        Purpose::SignIn => "guard-sign-in.lock",
    };
    let path = token_path.with_extension(suffix);
    if let Some(dir) = path.parent() {
        fsutil::create_private_dir(dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // A sign-in waits for a person at a browser; a refresh for one network call. Either way a
    // holder that is stopped (Ctrl-Z) is not waited for.
    let patience = fsutil::patience(match purpose {
        Purpose::Refresh => std::time::Duration::from_secs(30),
        Purpose::SignIn => std::time::Duration::from_secs(600),
    });
    let file = fsutil::lock(&path, patience, |_| {
        let doing = match purpose {
            Purpose::Refresh => "refreshing the sign-in to",
            Purpose::SignIn => "signing in to",
        };
        crate::sys::output::stderr_line(format_args!(
            "guard: waiting for another guard that is {doing} {}",
            login.describe()
        ));
    })
    .map_err(|e| e.into_failure())?;
    Ok(SessionLock { _file: file })
}

/// A usable access token for this sign-in: the cached one, refreshed first when it is close to
/// expiry and the cache holds what a refresh needs.
pub async fn access_token(net: &http::Settings, login: &SsoLogin) -> Result<Secret, SsoError> {
    let cached = read(login)?;
    if cached.expires_at - OffsetDateTime::now_utc() > REFRESH_WINDOW {
        return Ok(cached.access_token);
    }
    // One refresh at a time: the guard that waited uses the token the other one saved.
    let _lock = match login {
        SsoLogin::Session { .. } => match lock(login, Purpose::Refresh) {
            Ok(lock) => Some(lock),
            Err(e) => {
                crate::sys::error::warn(format!("{e:#}; refreshing without the lock"));
                None
            }
        },
        SsoLogin::Legacy { .. } => None,
    };
    let cached = read(login)?;
    let now = OffsetDateTime::now_utc();
    if cached.expires_at - now > REFRESH_WINDOW {
        return Ok(cached.access_token);
    }
    // botocore never refreshes legacy profiles' tokens; neither does guard.
    let refreshed = match login {
        SsoLogin::Session { .. } => refresh(net, login, cached).await,
        SsoLogin::Legacy { .. } => Err((
            NotRefreshed::Refused(anyhow::anyhow!(
                "tokens of legacy SSO profiles are not refreshed"
            )),
            cached,
        )),
    };
    match refreshed {
        Ok(token) => Ok(token),
        Err((_, cached)) if cached.expires_at > now => Ok(cached.access_token),
        Err((NotRefreshed::Unavailable(cause), cached)) => Err(SsoError::Failed(cause.context(
            Failure::unavailable(format!(
                "your sign-in to {} expired at {} and could not be refreshed",
                login.describe(),
                format_time(cached.expires_at)
            )),
        ))),
        Err((NotRefreshed::Refused(cause), cached)) => Err(SsoError::NotSignedIn(cause.context(
            login.not_signed_in(format!(
                "your sign-in to {} expired at {}",
                login.describe(),
                format_time(cached.expires_at)
            )),
        ))),
    }
}

/// Why a refresh gave no new token.
enum NotRefreshed {
    /// The service or the network failed, not the sign-in: signing in again would not help.
    Unavailable(anyhow::Error),
    /// The refresh token, its client or the answer is no good: a new sign-in is needed.
    Refused(anyhow::Error),
}

impl From<Failure> for NotRefreshed {
    fn from(failure: Failure) -> Self {
        match failure.kind {
            ExitCode::Unavailable => NotRefreshed::Unavailable(failure.into()),
            _ => NotRefreshed::Refused(failure.into()),
        }
    }
}

/// The cached token comes back with the failure: while it lasts, it still serves.
type RefreshError = (NotRefreshed, CachedToken);

async fn refresh(
    net: &http::Settings,
    login: &SsoLogin,
    mut cached: CachedToken,
) -> Result<Secret, RefreshError> {
    let (Some(refresh_token), Some(client_id), Some(client_secret)) = (
        cached.field("refreshToken").map(str::to_string),
        cached.field("clientId").map(str::to_string),
        cached.field("clientSecret").map(str::to_string),
    ) else {
        return Err((
            NotRefreshed::Refused(anyhow::anyhow!("the cache holds no refresh token")),
            cached,
        ));
    };
    let registration_end = cached.field("registrationExpiresAt").and_then(parse_time);
    if registration_end.is_some_and(|end| end <= OffsetDateTime::now_utc()) {
        return Err((
            NotRefreshed::Refused(anyhow::anyhow!("the client registration has expired")),
            cached,
        ));
    }
    let endpoint = aws::endpoint(Service::SsoOidc, login.region());
    let config = match aws::sdk_config(net, &endpoint, login.region(), None, Patience::Run) {
        Ok(config) => config,
        Err(e) => return Err((e.into(), cached)),
    };
    let client = aws_sdk_ssooidc::Client::new(&config);
    let answer = client
        .create_token()
        .client_id(client_id)
        .client_secret(client_secret)
        .grant_type("refresh_token")
        .refresh_token(refresh_token)
        .send()
        .await;
    let output = match answer {
        Ok(output) => output,
        Err(e) => {
            // These mean the refresh token or its client is no longer good; anything else is
            // the service's or the network's trouble.
            let failure = aws::failure(
                "refreshing the SSO token (CreateToken)",
                &endpoint,
                e,
                |code| match code {
                    "InvalidGrantException"
                    | "ExpiredTokenException"
                    | "InvalidClientException"
                    | "UnauthorizedClientException"
                    | "AccessDeniedException"
                    | "InvalidRequestException" => Some(ExitCode::Config),
                    _ => None,
                },
            );
            return Err((failure.into(), cached));
        }
    };
    let Some(access_token) = output.access_token().filter(|t| !t.is_empty()) else {
        return Err((
            NotRefreshed::Refused(anyhow::anyhow!(
                "CreateToken answered without an access token"
            )),
            cached,
        ));
    };
    if output.expires_in() <= 0 {
        return Err((
            Failure::unavailable(format!(
                "refreshing the SSO token (CreateToken): {} answered with a token that has \
                 already expired (expiresIn {})",
                endpoint.display,
                output.expires_in()
            ))
            .into(),
            cached,
        ));
    }
    let expires_at = OffsetDateTime::now_utc() + Duration::seconds(i64::from(output.expires_in()));
    set_field(
        &mut cached.document,
        "accessToken",
        access_token.to_string(),
    );
    set_field(&mut cached.document, "expiresAt", format_time(expires_at));
    if let Some(new_refresh) = output.refresh_token().filter(|t| !t.is_empty()) {
        set_field(
            &mut cached.document,
            "refreshToken",
            new_refresh.to_string(),
        );
    }
    let token = Secret::new(access_token);
    let bytes = match serde_json::to_vec(&cached.document) {
        Ok(bytes) => bytes,
        Err(e) => return Err((NotRefreshed::Refused(e.into()), cached)),
    };
    if let Err(e) = fsutil::write_private(&cached.path, &bytes) {
        // The new token works for this run even if the cache cannot keep it.
        crate::sys::error::warn(format!("could not save the refreshed SSO token: {e:#}"));
    }
    Ok(token)
}
