//! `guard console -p PROFILE`: the AWS console, signed in with the profile's verified
//! credentials, through the federation endpoint (getSigninToken, then login), as aws-vault does.
//!
//! The sign-in link is a secret for 15 minutes: whoever opens it is in the account. So it is
//! never logged, and never on a command line: the browser is given a one-time loopback address
//! that redirects to it, and `--print` writes it on stdout only.

use std::io::Write as _;
use std::net::{Ipv4Addr, TcpListener};
use std::sync::mpsc;
use std::time::Duration;

use serde::Deserialize;

use crate::credentials::aws;
use crate::credentials::{Credentials, Secret};
use crate::decide::gate::{self, Caller, Consent, Export, Gate, Target};
use crate::options::Options;
use crate::sys::error::Failure;
use crate::sys::loopback;
use crate::sys::output::{self, Delivery};
use crate::{credentials::http, sys::browser};

/// The federation endpoint of the commercial partition; tests and other partitions set it.
const FEDERATION: &str = "https://signin.aws.amazon.com/federation";
const FEDERATION_VAR: &str = "AWS_ENDPOINT_URL_SIGNIN_FEDERATION";
const CONSOLE: &str = "https://console.aws.amazon.com/";
/// How long the one-time address waits for the browser; `GUARD_CONSOLE_WAIT` (seconds) changes
/// it, for tests.
const BROWSER_WAIT: Duration = Duration::from_secs(120);
const BROWSER_WAIT_VAR: &str = "GUARD_CONSOLE_WAIT";
/// The federation token long-term keys get first: 12 hours is what a console session can last.
const FEDERATION_SECONDS: i32 = 12 * 3600;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Open this service's console (s3, ec2, cloudformation...) in the profile's region
    #[arg(long, value_name = "SERVICE", conflicts_with = "destination")]
    pub service: Option<String>,
    /// Open this console URL
    #[arg(long, value_name = "URL")]
    pub destination: Option<String>,
    /// Print the sign-in link on stdout instead of opening a browser (it is a secret)
    #[arg(long)]
    pub print: bool,
}

pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    let policy = options.policy()?;
    let destination = Destination::of(args)?;
    let verified = options.verified()?;
    // A console session can do anything the credentials can, unseen by guard: an export.
    let gate = Gate::new(
        &policy,
        Target::of(&verified),
        Consent::of(options.confirm.as_deref()),
        Caller::Person,
    )
    .with_reason(options.reason.clone());
    gate::shown_export(&gate, &verified, options.quiet, Export::Console, |_| Ok(()))?;

    let region = verified
        .region
        .clone()
        .unwrap_or_else(|| "us-east-1".to_string());
    let destination = destination.url(verified.region.as_deref());
    let link = aws::runtime()?.block_on(sign_in_link(
        &verified.net,
        &verified.creds,
        &region,
        &destination,
    ))?;
    if args.print {
        return output::stdout(&format!("{}\n", link.expose()), Delivery::Essential);
    }
    open(&link)
}

/// Where the console opens.
enum Destination {
    Home,
    Service(String),
    Url(String),
}

impl Destination {
    fn of(args: &Args) -> Result<Destination, Failure> {
        if let Some(url) = &args.destination {
            let console = url.strip_prefix("https://").is_some_and(|rest| {
                let host = rest.split(['/', '?', '#']).next().unwrap_or("");
                host == "console.aws.amazon.com" || host.ends_with(".console.aws.amazon.com")
            });
            if !console {
                return Err(Failure::usage(format!(
                    "--destination '{url}' is not an https://…console.aws.amazon.com/ address"
                )));
            }
            return Ok(Destination::Url(url.clone()));
        }
        let Some(service) = &args.service else {
            return Ok(Destination::Home);
        };
        if service.is_empty()
            || !service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(Failure::usage(format!(
                "--service '{service}' is not a console name like s3, ec2 or cloudformation"
            )));
        }
        Ok(Destination::Service(service.to_ascii_lowercase()))
    }

    /// The console URL, in the profile's region when there is one.
    fn url(self, region: Option<&str>) -> String {
        let path = match self {
            Destination::Url(url) => return url,
            Destination::Home => "console".to_string(),
            Destination::Service(service) => service,
        };
        match region {
            Some(region) => format!("{CONSOLE}{path}/home?region={region}"),
            None => format!("{CONSOLE}{path}/home"),
        }
    }
}

#[derive(Deserialize)]
struct SigninToken {
    #[serde(rename = "SigninToken")]
    signin_token: String,
}

/// getSigninToken with the session's credentials, then the login link around its token.
async fn sign_in_link(
    net: &http::Settings,
    creds: &Credentials,
    region: &str,
    destination: &str,
) -> anyhow::Result<Secret> {
    let session = match &creds.session_token {
        Some(_) => creds.clone(),
        // The federation endpoint takes temporary credentials only.
        None => federation_token(net, creds, region).await?,
    };
    let endpoint = std::env::var(FEDERATION_VAR)
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| FEDERATION.to_string());
    let json = serde_json::json!({
        "sessionId": session.access_key_id,
        "sessionKey": session.secret_access_key.expose(),
        "sessionToken": session.session_token.as_ref().map(Secret::expose),
    })
    .to_string();
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("Action", "getSigninToken")
        .append_pair("Session", &json)
        .finish();
    let failed = |why: String| {
        Failure::unavailable(format!(
            "getSigninToken at {endpoint} failed: {why}"
        ))
        .with_hint(format!(
            "check your network and proxy ({FEDERATION_VAR} sets another endpoint), then try again"
        ))
    };
    let (status, body) = http::get(net, &format!("{endpoint}?{query}"), Duration::from_secs(10))
        .await
        .map_err(&failed)?;
    if status != 200 {
        return Err(failed(format!(
            "HTTP {status} (the endpoint takes credentials from a role or a federation token)"
        ))
        .into());
    }
    let token: SigninToken = serde_json::from_slice(&body).map_err(|e| {
        failed(format!(
            "the answer is not a sign-in token ({})",
            crate::sys::error::json_problem(&e)
        ))
    })?;
    let link: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("Action", "login")
        .append_pair("Issuer", "guard")
        .append_pair("Destination", destination)
        .append_pair("SigninToken", &token.signin_token)
        .finish();
    Ok(Secret::new(format!("{endpoint}?{link}")))
}

/// Long-term keys cannot sign in to the console: a federation token of the same user can. Its
/// permissions are the user's and the policy's in common, and the policy allows everything.
async fn federation_token(
    net: &http::Settings,
    creds: &Credentials,
    region: &str,
) -> anyhow::Result<Credentials> {
    let (client, endpoint) = aws::sts_client(net, region, Some(creds))?;
    let policy =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let output = client
        .get_federation_token()
        .name("guard-console")
        .policy(policy)
        .duration_seconds(FEDERATION_SECONDS)
        .send()
        .await
        .map_err(|e| aws::failure("GetFederationToken", &endpoint, e, aws::sts_kind))?;
    let c = output.credentials().ok_or_else(|| {
        Failure::unavailable(format!(
            "GetFederationToken: {} answered without credentials",
            endpoint.display
        ))
    })?;
    Ok(Credentials {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: Secret::new(c.secret_access_key()),
        session_token: Some(Secret::new(c.session_token())),
        expiration: None,
    })
}

/// Opens the link in the browser without putting it on the browser's command line, where other
/// users of the machine could read it: the browser gets a one-time loopback address instead,
/// which answers with a redirect to the link once and then closes.
fn open(link: &Secret) -> anyhow::Result<()> {
    if !browser::available() {
        return Err(
            Failure::unavailable("there is no browser to open the console in")
                .with_hint("guard console --print prints the sign-in link instead (it is a secret)")
                .into(),
        );
    }
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| Failure::unavailable(format!("cannot listen on 127.0.0.1: {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| Failure::unavailable(format!("cannot listen on 127.0.0.1: {e}")))?
        .port();
    let path = format!("/console/{}", loopback::random_token()?);
    let (done, finished) = mpsc::channel();
    let location = link.clone();
    let wanted = path.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
            // The address is on the browser's command line, which every local user can read in
            // /proc: only a browser of this user gets the link; anyone else gets nothing, and
            // the address keeps waiting for the right one.
            if !crate::child::peer::is_same_user(&stream) {
                let _ = stream.write_all(
                    b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
                continue;
            }
            let head = loopback::read_head(&mut stream).ok().flatten();
            let found = head.as_deref().and_then(loopback::get_target) == Some(wanted.as_str());
            let head = if found {
                format!(
                    "HTTP/1.1 302 Found\r\nLocation: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    location.expose()
                )
            } else {
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_string()
            };
            let _ = stream.write_all(head.as_bytes());
            if found {
                let _ = done.send(());
                return;
            }
        }
    });
    browser::open(&format!("http://127.0.0.1:{port}{path}"))?;
    let wait = std::env::var(BROWSER_WAIT_VAR)
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map_or(BROWSER_WAIT, Duration::from_secs_f64);
    finished.recv_timeout(wait).map_err(|_| {
        Failure::unavailable(format!(
            "the browser did not open the console within {} s",
            wait.as_secs_f32()
        ))
        .with_hint("guard console --print prints the sign-in link instead (it is a secret)")
    })?;
    output::stderr_line("guard: the console is open in your browser");
    Ok(())
}
