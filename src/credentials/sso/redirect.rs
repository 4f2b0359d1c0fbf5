//! The redirect listener of the PKCE flow (RFC 8252), on a loopback address: the browser is redirected to it with the
//! authorization code, and it answers with a page the person can close.

use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::credentials::Secret;
use crate::sys::error::Failure;
use crate::sys::exit_codes::ExitCode;
use crate::sys::loopback;

const CALLBACK_PATH: &str = "/oauth/callback";
/// A browser sends its request at once; one that does not is not the browser.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Listener {
    listener: TcpListener,
    redirect_uri: String,
}

/// What came back to the listener.
enum Callback {
    Code(Secret),
    Refused(Failure),
}

impl Listener {
    /// Bound before the browser opens, so the redirect can never arrive before anyone listens.
    pub async fn bind() -> anyhow::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| {
            Failure::unavailable(format!(
                "cannot listen on 127.0.0.1 for the browser's answer: {e}"
            ))
            .with_hint("sign in with the device code instead: guard login --use-device-code")
        })?;
        let port = listener.local_addr()?.port();
        Ok(Listener {
            listener,
            redirect_uri: format!("http://127.0.0.1:{port}{CALLBACK_PATH}"),
        })
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the browser to bring the code back. Requests for other paths (a favicon) are
    /// answered 404 and waited past; a callback with the wrong state ends the sign-in, since
    /// it did not come from the browser guard opened.
    pub async fn wait(&self, state: &str, timeout: Duration) -> anyhow::Result<Secret> {
        // Connections are served side by side: a browser may open one it never uses.
        let waiting = async {
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = self.listener.accept() => {
                        let (stream, _) = accepted?;
                        let state = state.to_string();
                        connections.spawn(async move { handle(stream, &state).await });
                    }
                    Some(served) = connections.join_next() => {
                        if let Ok(Some(callback)) = served {
                            return Ok::<_, std::io::Error>(callback);
                        }
                    }
                }
            }
        };
        match tokio::time::timeout(timeout, waiting).await {
            Ok(Ok(Callback::Code(code))) => Ok(code),
            Ok(Ok(Callback::Refused(failure))) => Err(failure.into()),
            Ok(Err(e)) => Err(Failure::unavailable(format!(
                "the listener for the browser's answer failed: {e}"
            ))
            .into()),
            Err(_) => Err(Failure::config(format!(
                "no answer from the browser within {} minutes",
                timeout.as_secs() / 60
            ))
            .with_hint(
                "run the sign-in again; without a browser on this machine, add --use-device-code",
            )
            .into()),
        }
    }
}

/// Serves one connection; None when it was not the callback.
async fn handle(mut stream: TcpStream, state: &str) -> Option<Callback> {
    let head = tokio::time::timeout(REQUEST_TIMEOUT, loopback::read_head_async(&mut stream)).await;
    let target = match head
        .ok()
        .and_then(Result::ok)
        .flatten()
        .as_deref()
        .and_then(loopback::get_target)
    {
        Some(target) => target.to_string(),
        None => {
            respond(
                &mut stream,
                "400 Bad Request",
                "guard could not read that request.",
            )
            .await;
            return None;
        }
    };
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    if path != CALLBACK_PATH {
        respond(&mut stream, "404 Not Found", "Nothing here.").await;
        return None;
    }
    let mut code = None;
    let mut got_state = None;
    let mut error = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "code" => code = Some(value.into_owned()),
            "state" => got_state = Some(value.into_owned()),
            "error" => error = Some(value.into_owned()),
            _ => {}
        }
    }
    let callback = if got_state.as_deref() != Some(state) {
        Callback::Refused(
            Failure::refused(
                "the browser's answer carried the wrong state, so it does not belong to this \
                 sign-in; nothing was signed in",
            )
            .with_hint(
                "sign in again; if this repeats, another program is answering for the browser",
            ),
        )
    } else if let Some(error) = error {
        // The value comes from whoever answered on the port: no terminal escapes from it.
        let error: String = error.chars().filter(|c| !c.is_control()).collect();
        Callback::Refused(
            Failure::new(
                ExitCode::Refused,
                format!("IAM Identity Center refused the sign-in: {error}"),
            )
            .with_hint("sign in again and allow the access request in the browser"),
        )
    } else if let Some(code) = code.filter(|c| !c.is_empty()) {
        Callback::Code(Secret::new(code))
    } else {
        Callback::Refused(Failure::unavailable(
            "the browser's answer carried no authorization code",
        ))
    };
    match &callback {
        Callback::Code(_) => {
            respond(
                &mut stream,
                "200 OK",
                "Signed in. You can close this tab and return to the terminal.",
            )
            .await
        }
        Callback::Refused(_) => {
            respond(
                &mut stream,
                "400 Bad Request",
                "The sign-in failed. Return to the terminal to see why.",
            )
            .await
        }
    }
    Some(callback)
}

async fn respond(stream: &mut TcpStream, status: &str, message: &str) {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>guard</title></head>\
         <body><p>{message}</p></body></html>"
    );
    let answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\nCache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    // The browser may already be gone; the sign-in does not depend on it seeing the page.
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}
