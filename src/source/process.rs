//! `credential_process`: an external program prints credentials as JSON (Version 1).

use std::process::{Command, Stdio};

use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::credentials::{Credentials, Secret};
use crate::error::Failure;
use crate::profile::Location;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    version: i64,
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiration: Option<String>,
}

/// Runs the command as botocore does: split like a POSIX shell, no shell in between, stdin and
/// the terminal left to it (some ask for a password), stdout read as the answer.
pub fn run(profile: &str, command: &str, at: &Location) -> anyhow::Result<Credentials> {
    let fail = |what: String| {
        Failure::config(format!(
            "credential_process of profile '{profile}' ({at}) {what}"
        ))
    };
    let argv = shlex::split(command)
        .filter(|argv| !argv.is_empty())
        .ok_or_else(|| fail("cannot be split into words (check its quotes)".to_string()))?;
    let output = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::inherit())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .output()
        .map_err(|e| fail(format!("could not start '{}': {e}", argv[0])))?;
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
    // Never echo stdout in an error: it is where the secrets are.
    let parsed: Output = serde_json::from_slice(&output.stdout).map_err(|e| {
        fail(format!(
            "printed something that is not a credentials document (line {}, column {}: {})",
            e.line(),
            e.column(),
            json_problem(&e)
        ))
    })?;
    if parsed.version != 1 {
        return Err(fail(format!(
            "printed Version {}, and only Version 1 exists",
            parsed.version
        ))
        .into());
    }
    let expiration = parsed
        .expiration
        .map(|text| {
            OffsetDateTime::parse(&text, &Rfc3339).map_err(|_| {
                fail(format!(
                    "printed an Expiration that is not an RFC 3339 time: '{text}'"
                ))
            })
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

/// serde's own message may quote the input, which holds secrets; only its category is safe.
fn json_problem(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Syntax => "not JSON",
        serde_json::error::Category::Data => "a field is missing or of the wrong type",
        serde_json::error::Category::Eof => "the output ends too early",
    }
}
