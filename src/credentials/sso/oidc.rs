//! The IAM Identity Center OIDC service: registering guard as a client, starting a device
//! authorization, and trading a grant for tokens.

use time::{Duration, OffsetDateTime};

use super::SsoLogin;
use super::cache_file::{AUTHORIZATION_CODE_GRANT, DEVICE_GRANT, Flow};
use super::registration::Registration;
use crate::credentials::aws::{self, Patience, Service};
use crate::credentials::{Secret, http};
use crate::sys::error::Failure;
use crate::sys::exit_codes::ExitCode;

const REFRESH_GRANT: &str = "refresh_token";
/// The redirect URI registered for the PKCE flow; the port is chosen per sign-in (RFC 8252).
pub const REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";

/// Tokens from CreateToken.
pub struct Tokens {
    pub access_token: Secret,
    pub expires_at: OffsetDateTime,
    pub refresh_token: Option<Secret>,
}

pub struct DeviceAuthorization {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_at: OffsetDateTime,
    pub interval: Duration,
}

/// What one poll of a device authorization answered, short of tokens.
pub enum Pending {
    /// Not approved yet: ask again after the interval.
    Waiting,
    /// Polled too fast: ask again, 5 seconds later than before.
    SlowDown,
    Failed(anyhow::Error),
}

pub struct Oidc<'a> {
    login: &'a SsoLogin,
    client: aws_sdk_ssooidc::Client,
    endpoint: aws::Endpoint,
}

impl<'a> Oidc<'a> {
    pub fn new(net: &http::Settings, login: &'a SsoLogin) -> Result<Self, Failure> {
        let endpoint = aws::endpoint(Service::SsoOidc, login.region());
        let config = aws::sdk_config(net, &endpoint, login.region(), None, Patience::Run)?;
        Ok(Oidc {
            login,
            client: aws_sdk_ssooidc::Client::new(&config),
            endpoint,
        })
    }

    /// The browser page of the PKCE flow: where the OIDC service itself lives, as the AWS CLI
    /// derives it, so that a registration cached by either tool is enough to sign in.
    pub fn authorization_endpoint(&self) -> String {
        format!("{}/authorize", self.endpoint.display.trim_end_matches('/'))
    }

    fn bad_answer(&self, operation: &str, what: &str) -> Failure {
        Failure::unavailable(format!(
            "{operation}: {} answered with {what}",
            self.endpoint.display
        ))
    }

    pub async fn register(&self, flow: Flow) -> anyhow::Result<Registration> {
        let scopes = match self.login {
            SsoLogin::Session { scopes, .. } => scopes.clone(),
            SsoLogin::Legacy { .. } => None,
        };
        // Legacy sign-ins (device code only) register as the AWS CLI does for them: without grant
        // types, so without refresh tokens. sso-sessions ask for refresh tokens, which keep one
        // sign-in alive for days.
        let grant_types = match self.login {
            SsoLogin::Legacy { .. } => None,
            SsoLogin::Session { .. } => Some(vec![
                flow.grant_type().to_string(),
                REFRESH_GRANT.to_string(),
            ]),
        };
        let client_name = match self.login {
            SsoLogin::Session { name, .. } => format!("guard-{name}"),
            SsoLogin::Legacy { .. } => "guard".to_string(),
        };
        let mut request = self
            .client
            .register_client()
            .client_name(client_name)
            .client_type("public")
            .set_scopes(scopes.clone())
            .set_grant_types(grant_types.clone());
        if flow == Flow::AuthorizationCode {
            request = request
                .redirect_uris(REDIRECT_URI)
                .issuer_url(self.login.start_url());
        }
        let output = request.send().await.map_err(|e| {
            aws::failure("RegisterClient", &self.endpoint, e, |code| match code {
                "InvalidScopeException"
                | "InvalidClientMetadataException"
                | "InvalidRedirectUriException"
                | "UnsupportedGrantTypeException"
                | "InvalidRequestException" => Some(ExitCode::Config),
                _ => None,
            })
        })?;
        let (Some(client_id), Some(client_secret)) = (
            output.client_id().filter(|s| !s.is_empty()),
            output.client_secret().filter(|s| !s.is_empty()),
        ) else {
            return Err(self
                .bad_answer("RegisterClient", "no clientId or clientSecret")
                .into());
        };
        let expires_at = OffsetDateTime::from_unix_timestamp(output.client_secret_expires_at())
            .map_err(|_| {
                self.bad_answer(
                    "RegisterClient",
                    "a clientSecretExpiresAt that is not a time",
                )
            })?;
        Ok(Registration {
            client_id: client_id.to_string(),
            client_secret: Secret::new(client_secret),
            expires_at,
            scopes,
            grant_types,
        })
    }

    pub async fn start_device_authorization(
        &self,
        registration: &Registration,
    ) -> anyhow::Result<DeviceAuthorization> {
        let output = self
            .client
            .start_device_authorization()
            .client_id(&registration.client_id)
            .client_secret(registration.client_secret.expose())
            .start_url(self.login.start_url())
            .send()
            .await
            .map_err(|e| {
                aws::failure(
                    "StartDeviceAuthorization",
                    &self.endpoint,
                    e,
                    |code| match code {
                        "InvalidClientException"
                        | "UnauthorizedClientException"
                        | "InvalidRequestException" => Some(ExitCode::Config),
                        _ => None,
                    },
                )
            })?;
        let bad = |what: &str| self.bad_answer("StartDeviceAuthorization", what);
        let device_code = output
            .device_code()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad("no deviceCode"))?;
        let user_code = output
            .user_code()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad("no userCode"))?;
        let verification_uri = output
            .verification_uri()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad("no verificationUri"))?;
        // OAuth's default when the server names no interval (RFC 8628, section 3.2).
        let interval = match output.interval() {
            seconds if seconds > 0 => Duration::seconds(i64::from(seconds)),
            _ => Duration::seconds(5),
        };
        Ok(DeviceAuthorization {
            device_code: Secret::new(device_code),
            user_code: user_code.to_string(),
            verification_uri: verification_uri.to_string(),
            verification_uri_complete: output
                .verification_uri_complete()
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            expires_at: OffsetDateTime::now_utc()
                + Duration::seconds(i64::from(output.expires_in())),
            interval,
        })
    }

    /// One poll of a device authorization.
    pub async fn poll_device(
        &self,
        registration: &Registration,
        device: &DeviceAuthorization,
    ) -> Result<Tokens, Pending> {
        let answer = self
            .client
            .create_token()
            .client_id(&registration.client_id)
            .client_secret(registration.client_secret.expose())
            .grant_type(DEVICE_GRANT)
            .device_code(device.device_code.expose())
            .send()
            .await;
        match answer {
            Ok(output) => self.tokens(output).map_err(Pending::Failed),
            Err(e) => {
                let service = e.as_service_error();
                if service.is_some_and(|s| s.is_authorization_pending_exception()) {
                    return Err(Pending::Waiting);
                }
                if service.is_some_and(|s| s.is_slow_down_exception()) {
                    return Err(Pending::SlowDown);
                }
                let failure = if service.is_some_and(|s| s.is_access_denied_exception()) {
                    Failure::refused(format!(
                        "the sign-in to {} was denied in the browser",
                        self.login.describe()
                    ))
                    .with_hint(format!(
                        "run `{}` again and approve the request",
                        self.login.login_command()
                    ))
                } else if service.is_some_and(|s| s.is_expired_token_exception()) {
                    expired_code(self.login)
                } else {
                    aws::failure("CreateToken", &self.endpoint, e, |_| None)
                };
                Err(Pending::Failed(failure.into()))
            }
        }
    }

    /// Trades the code the browser brought back for tokens, proving with the verifier that this
    /// is the process that asked for it.
    pub async fn exchange_code(
        &self,
        registration: &Registration,
        code: &Secret,
        redirect_uri: &str,
        verifier: &Secret,
    ) -> anyhow::Result<Tokens> {
        let output = self
            .client
            .create_token()
            .client_id(&registration.client_id)
            .client_secret(registration.client_secret.expose())
            .grant_type(AUTHORIZATION_CODE_GRANT)
            .code(code.expose())
            .redirect_uri(redirect_uri)
            .code_verifier(verifier.expose())
            .send()
            .await
            .map_err(|e| {
                aws::failure("CreateToken", &self.endpoint, e, |code| match code {
                    "InvalidGrantException" | "AccessDeniedException" => Some(ExitCode::Refused),
                    "InvalidClientException" | "UnauthorizedClientException" => {
                        Some(ExitCode::Config)
                    }
                    _ => None,
                })
            })?;
        self.tokens(output)
    }

    fn tokens(
        &self,
        output: aws_sdk_ssooidc::operation::create_token::CreateTokenOutput,
    ) -> anyhow::Result<Tokens> {
        let access_token = output
            .access_token()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| self.bad_answer("CreateToken", "no accessToken"))?;
        if output.expires_in() <= 0 {
            return Err(self
                .bad_answer("CreateToken", "a token that has already expired")
                .into());
        }
        Ok(Tokens {
            access_token: Secret::new(access_token),
            expires_at: OffsetDateTime::now_utc()
                + Duration::seconds(i64::from(output.expires_in())),
            refresh_token: output
                .refresh_token()
                .filter(|s| !s.is_empty())
                .map(Secret::new),
        })
    }
}

pub fn expired_code(login: &SsoLogin) -> Failure {
    Failure::config(format!(
        "the sign-in code for {} expired before it was approved",
        login.describe()
    ))
    .with_hint(format!(
        "run `{}` again, and approve the code within its time",
        login.login_command()
    ))
}
