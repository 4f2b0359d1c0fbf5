//! `--server`: guard stays the parent and serves credentials to the command over the container
//! credentials protocol, so that a run can outlive the credentials it started with.
//!
//! Every AWS SDK (botocore, Go, JS, Rust, Java) reads `AWS_CONTAINER_CREDENTIALS_FULL_URI` with
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN` and asks again before the credentials expire. Each ask is
//! answered through the same resolve-and-verify path as a run, so the cache, its single-flight
//! locks and the account check all apply; a refresh that fails is an error, never stale keys.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use time::format_description::well_known::Rfc3339;

use crate::child::childenv::ChildEnv;
use crate::child::exec;
use crate::credentials::verify::{self, CacheUse};
use crate::credentials::{Credentials, Secret};
use crate::resolve::account::AccountId;
use crate::sys::error::{self, Failure};
use crate::sys::exit_codes;
use crate::sys::loopback;
use crate::{child::signals, credentials::sso, sys::output};

/// A client that connects and says nothing must not hold a thread for long.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections served at once. An SDK asks once per refresh; a child that opens more than this
/// many at a time gets the extra ones closed, and its SDK asks again.
const MAX_CONNECTIONS: usize = 64;
/// The endpoint's answer to `fetch`: a head and credentials in JSON, far below this.
const MAX_ANSWER: usize = 16 * 1024;
const PATH: &str = "/guard/credentials";

/// What a refresh needs to get the same credentials again.
pub struct Refresh {
    pub profile: String,
    pub region: Option<String>,
    pub cache_use: CacheUse,
    /// The account verified at the start: a refresh that lands elsewhere is refused.
    pub account: AccountId,
    pub long_term: LongTerm,
}

impl Refresh {
    /// The refresh of credentials already verified: later fetches use the cache as runs do (the
    /// first one honoured `--fresh` and `--verify`), and land in the same account.
    pub fn after(
        verified: &verify::Verified,
        region: Option<String>,
        min_ttl: time::Duration,
        long_term: LongTerm,
    ) -> Refresh {
        Refresh {
            profile: verified.profile.clone(),
            region,
            cache_use: CacheUse {
                fresh: false,
                verify: false,
                min_ttl,
            },
            account: verified.identity.account.clone(),
            long_term,
        }
    }
}

/// What the server does with long-term keys, which the container protocol cannot carry as they
/// are: SDKs need an expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LongTerm {
    /// `--server`: refused before the command starts (see [`check`]).
    Refused,
    /// A guarded shell: served with an expiry [`ASK_AGAIN`] ahead; the SDK asks again then, and
    /// gets them again.
    Served,
}

/// How far ahead the expiry of served long-term keys lies.
const ASK_AGAIN: time::Duration = time::Duration::hours(1);

/// Who may have the credentials a request asks for, beyond holding the token.
pub trait Door: Send + Sync {
    /// Err is the short reason the client is told.
    fn admit(&self, local: SocketAddr, peer: SocketAddr) -> Result<(), String>;
}

/// `--server`: the command guard started was decided before it ran, and every request is its.
pub struct Decided;

impl Door for Decided {
    fn admit(&self, _local: SocketAddr, _peer: SocketAddr) -> Result<(), String> {
        Ok(())
    }
}

/// The container protocol needs an expiry and a token; long-term keys have neither, and there
/// is nothing to refresh.
pub fn check(profile: &str, creds: &Credentials) -> Result<(), Failure> {
    if creds.expiration.is_none() {
        return Err(Failure::usage(format!(
            "--server serves temporary credentials, and profile '{profile}' has long-term keys"
        ))
        .with_hint("run the command without --server: long-term keys do not expire"));
    }
    Ok(())
}

/// Serves credentials to the command until it exits (through `door`); its exit status (128+N
/// when a signal ended it). `env` is the command's environment without the endpoint's address
/// and token, which `with_endpoint` adds.
pub fn run(
    refresh: Refresh,
    argv: &[OsString],
    env: ChildEnv,
    with_endpoint: impl FnOnce(ChildEnv, &str, &str) -> Result<ChildEnv, Failure>,
    door: Box<dyn Door>,
) -> anyhow::Result<i32> {
    // Before any thread starts, so that every thread inherits the mask and only the forwarder
    // sees these signals.
    let forwarder = signals::Forwarder::block()?;
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| {
        Failure::unavailable(format!(
            "cannot listen on 127.0.0.1 for the credential server: {e}"
        ))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| Failure::unavailable(format!("credential server: {e}")))?
        .port();
    let token = Secret::new(loopback::random_token()?);
    let url = format!("http://127.0.0.1:{port}{PATH}");
    let env = with_endpoint(env, &url, token.expose())?;

    // A person may be typing into the command; only `guard login` opens a browser.
    sso::login::forbid_inline_sign_in();
    let state = Arc::new(State {
        token,
        refresh,
        refreshing: Mutex::new(Health::Good),
        door,
    });
    std::thread::spawn(move || serve(&listener, &state));

    let mut child = exec::spawn(argv, &env, |cmd| forwarder.unblock_in(cmd))?;
    forwarder.forward_to(child.id());
    let status = child
        .wait()
        .map_err(|e| Failure::unavailable(format!("cannot wait for the command: {e}")))?;
    Ok(exit_codes::of_child(status))
}

struct State {
    token: Secret,
    refresh: Refresh,
    /// Held during a refresh, so that many concurrent asks make one fetch.
    refreshing: Mutex<Health>,
    door: Box<dyn Door>,
}

/// Whether the last refresh failed, so that an outage is said on stderr once, not per request.
#[derive(PartialEq)]
enum Health {
    Good,
    Failing,
}

fn serve(listener: &TcpListener, state: &Arc<State>) {
    let active = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    loop {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            // Out of file descriptors (or another passing error): accept would fail again at
            // once, and a loop around it would spin; a pause lets connections close.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        // Another local user could read the token from the child's environment only as root;
        // their connections are closed before a thread or a read is spent on them.
        if !crate::child::peer::is_same_user(&stream) {
            continue;
        }
        if active.load(std::sync::atomic::Ordering::Acquire) >= MAX_CONNECTIONS {
            let _ = refuse_busy(stream);
            continue;
        }
        active.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        let state = Arc::clone(state);
        let active = Arc::clone(&active);
        let spawned = std::thread::Builder::new().spawn(move || {
            let _ = handle(stream, &state);
            active.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
        });
        if spawned.is_err() {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Said to a connection over the limit, without reading it.
fn refuse_busy(mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_write_timeout(Some(Duration::from_millis(100)))?;
    stream.write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    )
}

/// The credentials a `--server` run serves, asked of its server by a guard inside the run
/// (`guard eks-token` as kubectl's exec plugin). Only guard's own server is asked: an address on
/// this machine's loopback with guard's path, over the same protocol the SDKs speak.
pub fn fetch(url: &str, token: &str) -> Result<Credentials, Failure> {
    let refused = |why: String| {
        Failure::unavailable(format!(
            "cannot get the run's credentials from its server {url}: {why}"
        ))
        .with_hint("run the command again under guard")
    };
    let port = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix(PATH))
        .and_then(|port| port.parse::<u16>().ok())
        .ok_or_else(|| refused("it is not the address of guard's server".to_string()))?;
    let address = std::net::SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream =
        TcpStream::connect_timeout(&address, IO_TIMEOUT).map_err(|e| refused(e.to_string()))?;
    stream
        .set_read_timeout(Some(IO_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(IO_TIMEOUT)))
        .and_then(|()| {
            stream.write_all(
                format!(
                    "GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {token}\r\nConnection: close\r\n\r\n"
                )
                .as_bytes(),
            )
        })
        .map_err(|e| refused(e.to_string()))?;
    let mut answer = Vec::new();
    (&mut stream)
        .take(MAX_ANSWER as u64 + 1)
        .read_to_end(&mut answer)
        .map_err(|e| refused(e.to_string()))?;
    let text =
        String::from_utf8(answer).map_err(|_| refused("an answer that is not text".into()))?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| refused("an answer that is not HTTP".to_string()))?;
    let status = head.split(' ').nth(1).unwrap_or("");
    if status != "200" {
        return Err(refused(format!("HTTP {status}: {}", body.trim())));
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Served {
        access_key_id: String,
        secret_access_key: String,
        token: String,
        expiration: String,
    }
    let served: Served = serde_json::from_str(body)
        .map_err(|_| refused("an answer that is not credentials".into()))?;
    Ok(Credentials {
        access_key_id: served.access_key_id,
        secret_access_key: Secret::new(served.secret_access_key),
        session_token: Some(Secret::new(served.token)).filter(|t| !t.expose().is_empty()),
        expiration: time::OffsetDateTime::parse(&served.expiration, &Rfc3339).ok(),
    })
}

struct Reply {
    status: &'static str,
    content_type: &'static str,
    body: String,
}

impl Reply {
    fn empty(status: &'static str) -> Reply {
        Reply {
            status,
            content_type: "text/plain",
            body: String::new(),
        }
    }
}

fn handle(mut stream: TcpStream, state: &State) -> std::io::Result<()> {
    // Bound to 127.0.0.1, so this holds; checked anyway since it is the whole point.
    if !stream.peer_addr()?.ip().is_loopback() {
        return Ok(());
    }
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let addresses = (stream.local_addr()?, stream.peer_addr()?);
    let reply = match loopback::read_head(&mut stream)? {
        Some(head) => answer(&head, addresses, state),
        None => Reply::empty("400 Bad Request"),
    };
    let head = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(reply.body.as_bytes())?;
    stream.flush()
}

fn answer(head: &str, (local, peer): (SocketAddr, SocketAddr), state: &State) -> Reply {
    let Some(request) = loopback::parse(head) else {
        return Reply::empty("400 Bad Request");
    };
    let authorized = request
        .authorization
        .is_some_and(|given| same(given.as_bytes(), state.token.expose().as_bytes()));
    if !authorized {
        return Reply::empty("403 Forbidden");
    }
    if request.method != "GET" || request.target != PATH {
        return Reply::empty("404 Not Found");
    }
    if let Err(reason) = state.door.admit(local, peer) {
        return Reply {
            status: "403 Forbidden",
            content_type: "text/plain",
            body: reason,
        };
    }
    match state.credentials() {
        Ok(creds) => Reply {
            status: "200 OK",
            content_type: "application/json",
            body: document(&creds),
        },
        Err(reason) => Reply {
            status: "503 Service Unavailable",
            content_type: "text/plain",
            body: reason,
        },
    }
}

/// Compares in time that depends only on the length, which is no secret (32 hex digits).
fn same(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && std::hint::black_box(
            given
                .iter()
                .zip(expected)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b)),
        ) == 0
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Document<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    token: &'a str,
    expiration: String,
}

fn document(creds: &Credentials) -> String {
    let document = Document {
        access_key_id: &creds.access_key_id,
        secret_access_key: creds.secret_access_key.expose(),
        token: creds.session_token.as_ref().map_or("", |t| t.expose()),
        expiration: creds
            .expiration
            .and_then(|e| e.format(&Rfc3339).ok())
            .unwrap_or_default(),
    };
    // A struct of strings always serializes.
    serde_json::to_string(&document).unwrap_or_default()
}

impl State {
    /// Credentials with at least `--min-ttl` left, from the cache or fetched and verified anew;
    /// Err is the short reason the client is told.
    fn credentials(&self) -> Result<Credentials, String> {
        let mut health = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        let refresh = &self.refresh;
        let outcome = verify::verify(
            Some(&refresh.profile),
            refresh.region.as_deref(),
            refresh.cache_use,
        )
        .and_then(|verified| {
            if verified.identity.account != refresh.account {
                return Err(Failure::refused(format!(
                    "the refreshed credentials of profile '{}' are for account {}, not {}",
                    refresh.profile, verified.identity.account, refresh.account
                ))
                .into());
            }
            let mut creds = verified.creds;
            if creds.expiration.is_none() && refresh.long_term == LongTerm::Served {
                creds.expiration = Some(time::OffsetDateTime::now_utc() + ASK_AGAIN);
            }
            check(&verified.profile, &creds)?;
            Ok(creds)
        });
        match outcome {
            Ok(creds) => {
                *health = Health::Good;
                Ok(creds)
            }
            Err(e) => {
                let reason = one_line(&e);
                if *health == Health::Good {
                    output::stderr_line(format_args!(
                        "guard: the credential server cannot refresh the credentials: {reason}"
                    ));
                }
                *health = Health::Failing;
                Err(format!("guard cannot refresh the credentials: {reason}"))
            }
        }
    }
}

/// The error and its hint on one line (the hint names the command that signs in again).
pub(crate) fn one_line(err: &anyhow::Error) -> String {
    let hint = error::hint(err);
    let message = err.to_string().replace('\n', " ");
    match hint {
        Some(hint) => format!("{message}; {hint}"),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_comparison() {
        assert!(same(b"abcd", b"abcd"));
        assert!(!same(b"abcd", b"abce"));
        assert!(!same(b"abc", b"abcd"));
        assert!(!same(b"", b"abcd"));
    }
}
