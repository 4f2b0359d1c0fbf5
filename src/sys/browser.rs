//! Opening a URL in the person's browser: `$BROWSER` first, as other command-line tools do,
//! then the platform's opener.

use std::process::Stdio;

use crate::sys::error::Failure;
use crate::sys::process::Process;

fn browser_var() -> Option<String> {
    std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
}

/// Whether a browser can show a page to the person at this machine. `$BROWSER` is the person's
/// own answer. Otherwise a session over SSH, or a Unix desktop-less session, has none that the
/// person could see.
pub fn available() -> bool {
    if browser_var().is_some() {
        return true;
    }
    if std::env::var_os("SSH_CONNECTION").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    has_display()
}

#[cfg(not(target_os = "macos"))]
fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()))
}

/// A Mac's session has its window server whether or not a variable says so.
#[cfg(target_os = "macos")]
fn has_display() -> bool {
    true
}

/// The sign-in's redirect comes back to a listener on this machine: a proxy could not reach it,
/// and must not see the code it carries.
fn with_loopback(no_proxy: Option<String>) -> String {
    let mut list = no_proxy.unwrap_or_default();
    for host in ["127.0.0.1", "localhost", "::1"] {
        if !list.split(',').any(|h| h.trim() == host) {
            if !list.is_empty() {
                list.push(',');
            }
            list.push_str(host);
        }
    }
    list
}

/// Starts the browser on `url` without waiting for it: the sign-in goes on while it runs.
/// `$BROWSER` is a list of commands separated by `:`, each with `%s` standing for the URL (else
/// the URL is added at the end); the first that starts is used.
pub fn open(url: &str) -> Result<(), Failure> {
    let Some(list) = browser_var() else {
        return open::that_detached(url).map_err(|e| {
            Failure::unavailable(format!("cannot open a browser: {e}"))
                .with_hint("open the URL above yourself, or sign in with --use-device-code")
        });
    };
    let mut errors = Vec::new();
    for entry in list.split(':').filter(|e| !e.trim().is_empty()) {
        let Some(mut argv) = shlex::split(entry).filter(|a| !a.is_empty()) else {
            errors.push(format!("'{entry}' is not a command line"));
            continue;
        };
        if argv.iter().any(|a| a.contains("%s")) {
            argv.iter_mut().for_each(|a| *a = a.replace("%s", url));
        } else {
            argv.push(url.to_string());
        }
        // The browser's chatter goes to stderr: stdout may belong to the command guard runs.
        let mut browser = Process::new(&argv[0]).args(&argv[1..]);
        for var in ["NO_PROXY", "no_proxy"] {
            browser = browser.env(var, with_loopback(std::env::var(var).ok()));
        }
        let started = browser
            .command()
            .stdin(Stdio::null())
            .stdout(std::io::stderr())
            .spawn();
        match started {
            Ok(mut child) => {
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Err(e) => errors.push(format!("{}: {e}", argv[0])),
        }
    }
    Err(
        Failure::unavailable(format!("$BROWSER did not start: {}", errors.join("; ")))
            .with_hint("fix $BROWSER, open the URL above yourself, or add --use-device-code"),
    )
}
