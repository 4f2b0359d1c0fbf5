//! The audit log: one JSON line per decision in a protected account (or per run, when the policy
//! asks), in `$XDG_STATE_HOME/guard/audit.jsonl`.

use std::path::PathBuf;

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::sys::error::Failure;
use crate::sys::fsutil;
// The argv an entry holds is the caller's to redact, with this.

#[derive(Serialize)]
pub struct Record<'a> {
    pub profile: &'a str,
    pub account_id: &'a str,
    pub account_name: Option<&'a str>,
    pub principal_arn: &'a str,
    /// Who asked: `person`, or `agent:NAME` for an agent's hook.
    pub caller: String,
    pub argv: Vec<String>,
    pub classification: &'a str,
    pub reason: &'a str,
    /// The change reason the person gave (`--reason`), when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_reason: Option<&'a str>,
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
    entry: &'a Record<'a>,
}

pub fn path() -> anyhow::Result<PathBuf> {
    Ok(fsutil::state_dir()?.join("audit.jsonl"))
}
/// Appends one entry. The log is guard's record of what it let through, so failing to write it
/// is a failure: the command does not run unrecorded.
pub fn append(entry: &Record) -> anyhow::Result<()> {
    let path = path()?;
    let fail = |e: std::io::Error| {
        Failure::config(format!(
            "cannot write the audit log {}: {e}",
            path.display()
        ))
        .with_hint("make its folder writable, or set XDG_STATE_HOME")
    };
    let state = fsutil::state_dir()?;
    fsutil::own_dir(&state, &state)?;
    let line = Line {
        time: OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default(),
        entry,
    };
    let mut text = serde_json::to_string(&line)?;
    text.push('\n');
    // Only in place, only a regular file of this user, 0600, and never a line cut short.
    fsutil::append_line(&path, &text).map_err(fail)?;
    Ok(())
}
