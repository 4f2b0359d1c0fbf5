//! `credential_process`: an external program prints credentials as JSON (Version 1).

use std::process::Stdio;

use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::credentials::{Credentials, Secret};
use crate::resolve::profile::Location;
use crate::sys::error::{Failure, json_problem};
use crate::sys::process::Process;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    version: i64,
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiration: Option<String>,
}

/// Profiles whose credential_process is running, outermost first, one per line. A guard started
/// by one of them (`credential_process = guard credential-process -p ...`) that would start the
/// same one again is in a loop.
const RUNNING: &str = "GUARD_CREDENTIAL_PROCESS_OF";

/// How long a credential_process may take (botocore waits for ever; a person typing a password
/// or touching a key needs far less).
const PROCESS_PATIENCE: std::time::Duration = std::time::Duration::from_secs(300);

fn running_with(profile: &str) -> Vec<String> {
    let mut running: Vec<String> = std::env::var(RUNNING)
        .map(|v| v.lines().map(str::to_string).collect())
        .unwrap_or_default();
    running.push(profile.to_string());
    running
}

/// Refuses to start a profile's credential_process from inside that same process. Checked before
/// anything else: the outer guard holds the cache lock that the inner one would wait for.
pub fn refuse_loop(profile: &str, at: &Location) -> Result<(), Failure> {
    let running = running_with(profile);
    if running[..running.len() - 1].iter().any(|p| p == profile) {
        return Err(Failure::config(format!(
            "credential_process of profile '{profile}' ({at}) leads back to itself: {}",
            running.join(" -> ")
        ))
        .with_hint("a profile's credential_process must not call guard for that same profile"));
    }
    Ok(())
}

/// Characters a shell gives a meaning that a split into words does not: pipes, lists,
/// redirections, variables, command substitution, globs, `~`, comments, more lines.
const SHELL_SYNTAX: &[char] = &[
    '|', '&', ';', '<', '>', '(', ')', '$', '`', '*', '?', '[', ']', '~', '{', '}', '#', '\n',
];

/// The words of a credential_process, as botocore splits it (Python's `shlex.split`; no shell).
/// The SDKs (terraform, CDK, aws-config) run the same line with `sh -c` instead: a line with
/// shell syntax (`... | base64 --decode`, `$HOME`, `~/bin/x`) is a different command to them than
/// to the AWS CLI, so guard refuses it rather than pick one (docs/config.md); a line without
/// any means the same to both.
pub fn words(profile: &str, command: &str, at: &Location) -> Result<Vec<String>, Failure> {
    let fail = |what: String| {
        Failure::config(format!(
            "credential_process of profile '{profile}' ({at}) {what}"
        ))
    };
    if let Some(c) = command.chars().find(|c| SHELL_SYNTAX.contains(c)) {
        return Err(fail(format!(
            "uses shell syntax ('{}'): the AWS CLI runs it split into words without a shell, \
             the SDKs (terraform, CDK) run it with sh -c, and they would run different commands",
            c.escape_debug()
        ))
        .with_hint("put the command line in a script and name the script in credential_process"));
    }
    crate::resolve::profile::ini::python_split(command)
        .filter(|argv| !argv.is_empty())
        .ok_or_else(|| fail("cannot be split into words (check its quotes)".to_string()))
}

/// Runs the command as botocore does: split into words, no shell in between, stdin and the
/// terminal left to it (some ask for a password), stdout read as the answer.
pub fn run(profile: &str, command: &str, at: &Location) -> anyhow::Result<Credentials> {
    let fail = |what: String| {
        Failure::config(format!(
            "credential_process of profile '{profile}' ({at}) {what}"
        ))
    };
    let argv = words(profile, command, at)?;
    let mut cmd = Process::new(&argv[0])
        .args(&argv[1..])
        .env(RUNNING, running_with(profile).join("\n"))
        .command();
    cmd.stdin(Stdio::inherit());
    // Bounded as every child output guard reads: a credentials document is a few hundred bytes,
    // and a process that may ask for a password still answers within minutes.
    let output =
        crate::sys::process::capture(cmd, crate::sys::fsutil::SMALL_LIMIT, PROCESS_PATIENCE)
            .map_err(|e| match e {
                crate::sys::process::Uncaptured::Start(e) => {
                    fail(format!("could not start '{}': {e}", argv[0]))
                }
                other => fail(other.to_string()),
            })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let status = match output.status.code() {
            Some(code) => format!("exit code {code}"),
            None => "was killed by a signal".to_string(),
        };
        return Err(fail(format!(
            "failed ({status}); it said:\n{}",
            stderr.trim_end()
        ))
        .into());
    }
    Ok(parse_output(&output.stdout).map_err(fail)?)
}

/// The credentials in what a credential_process printed, or what is wrong with it (said after
/// "printed"). Never echoes the output in an error: it is where the secrets are.
pub(crate) fn parse_output(stdout: &[u8]) -> Result<Credentials, String> {
    let parsed: Output = serde_json::from_slice(stdout).map_err(|e| {
        format!(
            "printed something that is not a credentials document (line {}, column {}: {})",
            e.line(),
            e.column(),
            json_problem(&e)
        )
    })?;
    if parsed.version != 1 {
        return Err(format!(
            "printed Version {}, and only Version 1 exists",
            parsed.version
        ));
    }
    let expiration = parsed
        .expiration
        .map(|text| {
            // Not quoted: the document holds the secret key, and a broken one may have it anywhere.
            OffsetDateTime::parse(&text, &Rfc3339)
                .map_err(|_| "printed an Expiration that is not an RFC 3339 time".to_string())
        })
        .transpose()?;
    Ok(Credentials {
        access_key_id: parsed.access_key_id,
        secret_access_key: Secret::new(parsed.secret_access_key),
        session_token: parsed
            .session_token
            .filter(|t| !t.is_empty())
            .map(Secret::new),
        expiration,
    })
}
