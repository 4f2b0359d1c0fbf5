//! The audit log: one JSON line per decision in a protected account (or per run, when the policy
//! asks), in `$XDG_STATE_HOME/guard/audit.jsonl`.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::Failure;
use crate::fsutil;

#[derive(Serialize)]
pub struct Entry<'a> {
    pub profile: &'a str,
    pub account_id: &'a str,
    pub account_name: Option<&'a str>,
    pub principal_arn: &'a str,
    pub argv: Vec<String>,
    pub classification: &'a str,
    pub reason: &'a str,
    pub decision: &'a str,
    pub basis: String,
    pub confirmed: Option<&'a str>,
    pub outcome: &'a str,
    /// For a saved terraform plan: what it creates, changes and destroys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<&'a PlanSummary>,
}

/// What a saved terraform plan creates, changes and destroys (see `plan`).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct PlanSummary {
    pub create: usize,
    pub update: usize,
    pub replace: usize,
    pub delete: usize,
    pub forget: usize,
    pub read: usize,
    pub import: usize,
    #[serde(rename = "move")]
    pub moved: usize,
    pub no_op: usize,
    /// Every address the plan destroys or replaces, in the plan's order.
    pub destroyed: Vec<String>,
}

#[derive(Serialize)]
struct Line<'a> {
    time: String,
    #[serde(flatten)]
    entry: &'a Entry<'a>,
}

pub fn path() -> anyhow::Result<PathBuf> {
    Ok(fsutil::state_dir()?.join("audit.jsonl"))
}

/// Words that say the next argument (or the value after `=`) is a secret.
fn names_a_secret(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    ["secret", "token", "password", "passwd"]
        .iter()
        .any(|s| lower.contains(s))
}

/// The argv as it is safe to keep: values that follow or belong to a secret-looking option or
/// variable are replaced.
pub fn redact(argv: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(argv.len());
    let mut hide_next = false;
    for arg in argv {
        if hide_next {
            out.push("<redacted>".to_string());
            hide_next = false;
            continue;
        }
        match arg.split_once('=') {
            Some((name, _)) if names_a_secret(name) => out.push(format!("{name}=<redacted>")),
            None if names_a_secret(arg) => {
                out.push(arg.clone());
                hide_next = true;
            }
            _ => out.push(arg.clone()),
        }
    }
    out
}

/// Appends one entry. The log is guard's record of what it let through, so failing to write it
/// is a failure: the command does not run unrecorded.
pub fn append(entry: &Entry) -> anyhow::Result<()> {
    let path = path()?;
    let fail = |e: std::io::Error| {
        Failure::config(format!(
            "cannot write the audit log {}: {e}",
            path.display()
        ))
        .with_hint("make its folder writable, or set XDG_STATE_HOME")
    };
    if let Some(dir) = path.parent() {
        fsutil::create_private_dir(dir).map_err(fail)?;
    }
    let line = Line {
        time: OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default(),
        entry,
    };
    let mut text = serde_json::to_string(&line)?;
    text.push('\n');
    // Non-blocking, and only a regular file: a FIFO in its place would stall the open (or the
    // write) until something reads it.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open(&path)
        .map_err(fail)?;
    if !file.metadata().map_err(fail)?.is_file() {
        return Err(fail(std::io::Error::other("it is not a regular file")).into());
    }
    // One write of the whole line: with O_APPEND, lines of concurrent runs do not interleave.
    file.write_all(text.as_bytes()).map_err(fail)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(
            redact(&strings(&[
                "aws",
                "configure",
                "set",
                "aws_secret_access_key",
                "XYZ"
            ])),
            strings(&[
                "aws",
                "configure",
                "set",
                "aws_secret_access_key",
                "<redacted>"
            ])
        );
        assert_eq!(
            redact(&strings(&["kubectl", "--token=abc", "get", "pods"])),
            strings(&["kubectl", "--token=<redacted>", "get", "pods"])
        );
        assert_eq!(redact(&strings(&["ls", "-la"])), strings(&["ls", "-la"]));
    }
}
