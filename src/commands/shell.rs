//! `guard -p PROFILE` (or `guard shell -p PROFILE`) in a protected account: a guarded shell.
//!
//! The shell holds no keys. The tools guard judges are shims first on its `PATH` (see
//! `session` and `commands::shim`): each call is decided as `guard -p PROFILE -- TOOL ...` would
//! be, with the credentials put in that one command's environment. Every other program gets
//! credentials from guard's container-credentials endpoint (the `--server` machinery), which
//! decides each process's first request as an export that names the process.

use std::collections::HashMap;
use std::convert::Infallible;
use std::ffi::OsString;
use std::net::SocketAddr;
use std::sync::Mutex;

use crate::child::childenv::{self, Facts};
use crate::child::peer;
use crate::child::server;
use crate::child::session::{self, Session};
use crate::classify;
use crate::credentials::verify::Verified;
use crate::decide::banner::{self, Starting};
use crate::decide::caller;
use crate::decide::gate::{Answer, Caller, Command, Consent, Export, Gate, Requester, Target};
use crate::decide::policy::Policy;
use crate::options::Options;
use crate::sys::output;
use crate::sys::tty;

/// `$SHELL`, else `/bin/sh`.
pub fn program() -> OsString {
    std::env::var_os("SHELL")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "/bin/sh".into())
}

/// Starts the guarded shell and serves it until it exits; exits with its status.
pub fn guarded(options: &Options, gate: &Gate, verified: &Verified) -> anyhow::Result<Infallible> {
    let program = program();
    if !options.quiet {
        banner::show(
            verified,
            gate.view(),
            Starting::Shell {
                program: &program.to_string_lossy(),
                guarded: true,
            },
            false,
            banner::use_color(),
        );
    }
    let session = Session {
        profile: verified.profile.clone(),
        region: options.region.clone(),
        account: verified.identity.account.to_string(),
        policy: options.policy.clone(),
    };
    let folder = session::Folder::create(&session, classify::tool_names())?;
    let refresh = server::Refresh::after(
        verified,
        options.region.clone(),
        options.cache_use.min_ttl,
        server::LongTerm::Served,
    );
    let door = PerProcess {
        policy: gate.policy().clone(),
        target: gate.target().clone(),
        reason: options.reason.clone(),
        decided: Mutex::new(HashMap::new()),
    };
    let env = childenv::build(&Facts::of(verified, gate.view()));
    let status = server::run(
        refresh,
        &[program],
        env,
        |env, url, token| {
            childenv::guarded(env, (url, token), &folder.session_file(), &folder.shims())
        },
        Box::new(door),
    )?;
    drop(folder);
    std::process::exit(status)
}

/// A process is one PID at one start: a PID is reused.
type ProcessKey = (u32, u64);

/// The guarded shell's endpoint decides each process on its first request, and remembers the
/// outcome for the process's later ones (an SDK asks again before the credentials expire).
struct PerProcess {
    policy: Policy,
    target: Target,
    reason: Option<String>,
    /// Held while deciding, so that one question at a time is on the terminal, and a second
    /// request of a process waits for the decision on its first.
    decided: Mutex<HashMap<ProcessKey, Result<(), String>>>,
}

impl server::Door for PerProcess {
    fn admit(&self, local: SocketAddr, peer: SocketAddr) -> Result<(), String> {
        let mut decided = self.decided.lock().unwrap_or_else(|e| e.into_inner());
        let found = peer::process(local, peer)
            .ok_or_else(|| {
                "guard cannot find the process on the other end of the connection".to_string()
            })
            .and_then(|pid| caller::seen(pid).map(|seen| (pid, seen)));
        // What guard cannot name is decided on each request: there is nothing to remember it by.
        let (pid, seen) = match found {
            Ok(found) => found,
            Err(why) => return self.decide(Requester::Unknown(why)),
        };
        let key = (pid, seen.started);
        if let Some(outcome) = decided.get(&key) {
            return outcome.clone();
        }
        // Decided to the end even when the SDK stops waiting (botocore waits 2 s, three times):
        // the outcome is kept, and the process's next request gets it.
        let outcome = self.decide(Requester::Process {
            pid,
            argv: seen.argv,
        });
        decided.insert(key, outcome.clone());
        outcome
    }
}

impl PerProcess {
    fn decide(&self, requester: Requester) -> Result<(), String> {
        let gate = Gate::new(
            &self.policy,
            self.target.clone(),
            Consent::Terminal,
            Caller::Person,
        )
        .with_reason(self.reason.clone());
        let ruling = gate.rule(&Command::Export(Export::Endpoint(requester)));
        // The process that asked holds the terminal (the shell runs it in the foreground): guard
        // takes it for the question.
        let _foreground = (ruling.answer() == Answer::Ask)
            .then(tty::Foreground::take)
            .flatten();
        gate.enforce(&ruling).map(|_| ()).map_err(|e| {
            let reason = server::one_line(&e);
            // The SDK's error may not show it; the person at the shell sees it here.
            output::stderr_line(format_args!("guard: {reason}"));
            reason
        })
    }
}
