//! Signing in to IAM Identity Center: PKCE in a browser on this machine, or a device code
//! approved anywhere; the token lands in the cache the AWS CLI shares. Also the sign-in a run
//! does by itself when a person is at the terminal.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use time::{Duration, OffsetDateTime};

use super::cache_file::Flow;
use super::oidc::{self, Oidc, Pending, Tokens};
use super::pkce::Pkce;
use super::redirect::Listener;
use super::registration::{self, Registration};
use super::token::{self, NewToken};
use super::{SsoError, SsoLogin, SsoTarget, portal};

use crate::credentials::{Credentials, Secret, http};
use crate::sys::browser;

/// How long the PKCE flow waits for the browser, as the AWS CLI does.
const BROWSER_WAIT: std::time::Duration = std::time::Duration::from_secs(600);
/// What a SlowDown answer adds to the polling interval (RFC 8628, section 3.5).
const SLOW_DOWN_STEP: Duration = Duration::seconds(5);

/// The flow the person asked for (`--use-device-code`, `--no-browser`); the default lets guard
/// pick the browser when it can.
#[derive(Debug, Clone, Copy, Default)]
pub struct FlowChoice {
    pub use_device_code: bool,
    pub no_browser: bool,
}

impl FlowChoice {
    /// The flow this choice and this machine allow. Legacy profiles know only the device code.
    pub fn flow(&self, login: &SsoLogin) -> Flow {
        let browser = !self.no_browser && browser::available();
        match login {
            SsoLogin::Session { .. } if browser && !self.use_device_code => Flow::AuthorizationCode,
            _ => Flow::DeviceCode,
        }
    }
}

pub struct SignedIn {
    pub expires_at: OffsetDateTime,
}

pub async fn sign_in(
    net: &http::Settings,
    login: &SsoLogin,
    choice: FlowChoice,
) -> anyhow::Result<SignedIn> {
    let flow = choice.flow(login);
    let oidc = Oidc::new(net, login)?;
    let registration = match registration::load(login, flow)? {
        Some(registration) => registration,
        None => {
            let registration = oidc.register(flow).await?;
            registration::save(login, &registration)?;
            registration
        }
    };
    crate::sys::output::stderr_line(format_args!("guard: signing in to {}", login.describe()));
    let tokens = match flow {
        Flow::AuthorizationCode => with_pkce(login, &oidc, &registration).await?,
        Flow::DeviceCode => {
            let browser = !choice.no_browser && browser::available();
            with_device_code(login, &oidc, &registration, browser).await?
        }
    };
    token::save(
        login,
        &NewToken {
            access_token: &tokens.access_token,
            expires_at: tokens.expires_at,
            refresh_token: tokens.refresh_token.as_ref(),
            registration: &registration,
        },
    )?;
    Ok(SignedIn {
        expires_at: tokens.expires_at,
    })
}

fn open_browser(url: &str) {
    if let Err(e) = browser::open(url) {
        crate::sys::error::warn(e);
    }
}

async fn with_pkce(
    login: &SsoLogin,
    oidc: &Oidc<'_>,
    registration: &Registration,
) -> anyhow::Result<Tokens> {
    let listener = Listener::bind().await?;
    let pkce = Pkce::new()?;
    let scopes = match login {
        SsoLogin::Session { scopes, .. } => scopes.as_deref(),
        SsoLogin::Legacy { .. } => None,
    };
    let url = pkce.authorize_url(
        &oidc.authorization_endpoint(),
        &registration.client_id,
        listener.redirect_uri(),
        scopes,
    );
    crate::sys::output::stderr_line(format_args!(
        "guard: approve the sign-in in your browser. If it does not open, open this URL:\n  {url}"
    ));
    open_browser(&url);
    let code = listener.wait(&pkce.state, BROWSER_WAIT).await?;
    oidc.exchange_code(registration, &code, listener.redirect_uri(), &pkce.verifier)
        .await
}

async fn with_device_code(
    login: &SsoLogin,
    oidc: &Oidc<'_>,
    registration: &Registration,
    browser: bool,
) -> anyhow::Result<Tokens> {
    let device = oidc.start_device_authorization(registration).await?;
    let url = device
        .verification_uri_complete
        .as_deref()
        .unwrap_or(&device.verification_uri);
    crate::sys::output::stderr_line(format_args!(
        "guard: open this URL in any browser and approve code {}:\n  {url}",
        device.user_code
    ));
    if browser {
        open_browser(url);
    }
    let mut interval = device.interval;
    loop {
        tokio::time::sleep(interval.unsigned_abs()).await;
        match oidc.poll_device(registration, &device).await {
            Ok(tokens) => return Ok(tokens),
            Err(Pending::Waiting) => {}
            Err(Pending::SlowDown) => interval += SLOW_DOWN_STEP,
            Err(Pending::Failed(e)) => return Err(e),
        }
        if OffsetDateTime::now_utc() + interval >= device.expires_at {
            return Err(oidc::expired_code(login).into());
        }
    }
}

/// Set by the credential server: its refreshes happen while the command owns the terminal.
static NO_INLINE_SIGN_IN: AtomicBool = AtomicBool::new(false);

/// From now on, a sign-in that has expired is an error with the command that signs in again,
/// never a browser opened in the middle of someone else's output.
pub fn forbid_inline_sign_in() {
    NO_INLINE_SIGN_IN.store(true, Ordering::Relaxed);
}

/// A person can sign in right now only if they can see what guard prints.
fn can_sign_in_here() -> bool {
    !NO_INLINE_SIGN_IN.load(Ordering::Relaxed) && std::io::stderr().is_terminal()
}

/// Runs `attempt`; when it fails because the sign-in is missing, has expired or was revoked, and
/// a person is at the terminal, signs in and runs it once more.
pub async fn or_sign_in<T, F, Fut>(
    net: &http::Settings,
    login: &SsoLogin,
    attempt: F,
) -> anyhow::Result<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, SsoError>>,
{
    let result = match attempt().await {
        Err(SsoError::NotSignedIn(_)) if can_sign_in_here() => {
            let _lock = token::lock(login, token::Purpose::SignIn)?;
            // Another guard may have signed in while this one waited for the lock.
            match attempt().await {
                Err(SsoError::NotSignedIn(e)) => {
                    crate::sys::output::stderr_line(format_args!("guard: {e}; signing in now"));
                    sign_in(net, login, FlowChoice::default()).await?;
                    attempt().await
                }
                result => result,
            }
        }
        result => result,
    };
    result.map_err(SsoError::into_anyhow)
}

/// An SSO profile's token and role credentials, signing in first when needed and possible.
pub async fn role_credentials(
    net: &http::Settings,
    target: &SsoTarget,
) -> anyhow::Result<(Secret, Credentials)> {
    or_sign_in(net, &target.login, || async {
        let token = token::access_token(net, &target.login).await?;
        let creds = portal::role_credentials(net, target, &token).await?;
        Ok((token, creds))
    })
    .await
}
