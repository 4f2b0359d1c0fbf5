//! `guard policy explain` and `guard policy check`: see what the policy would do, run nothing.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::PathBuf;

use crate::account::AccountId;
use crate::cli::Global;
use crate::decide;
use crate::error::Failure;
use crate::output::{self, Delivery};
use crate::policy::{self, Origin, Policy, Target};
use crate::verify::verify;

/// Explains the decision for a command: in the account of a verified profile, or, with
/// `--account`, in an account given by ID (no network at all).
pub fn explain(global: &Global, account: Option<&str>, command: &[OsString]) -> anyhow::Result<()> {
    let policy = policy::load(global.policy.as_deref())?;
    let (account_id, known_name, profile) = match account {
        Some(id) => {
            let id: AccountId = id.parse().map_err(Failure::usage)?;
            (id, None, global.profile.clone().unwrap_or_default())
        }
        None => {
            let verified = verify(
                global.profile.as_deref(),
                global.region.as_deref(),
                global.cache_use(),
            )?;
            (
                verified.identity.account,
                verified.account_name,
                verified.profile,
            )
        }
    };
    let target = Target {
        account: &account_id,
        known_name: known_name.as_deref(),
        profile: &profile,
    };
    let ruling = decide::rule(&policy, &target, command);
    let c = &ruling.classification;
    let words: Vec<String> = command
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut account_line = match &ruling.view.name {
        Some(name) => format!("{account_id} ({name})"),
        None => account_id.to_string(),
    };
    if let Some(env) = &ruling.view.environment {
        let _ = write!(account_line, " [{env}]");
    }
    account_line.push_str(if ruling.view.protected {
        " protected"
    } else {
        " not protected"
    });
    let tool = match &c.tool {
        Some(tool) if c.command.is_empty() => tool.clone(),
        Some(tool) => format!("{tool} {}", c.command.join(" ")),
        None => "-".to_string(),
    };
    let mut out = String::new();
    let _ = writeln!(out, "command         {}", words.join(" "));
    let _ = writeln!(out, "tool            {tool}");
    let _ = writeln!(out, "classification  {}", c.severity.as_str());
    let _ = writeln!(out, "reason          {}", c.reason);
    if let Some(choice) = &c.credential_override {
        let _ = writeln!(
            out,
            "credentials     the command chooses its own ({choice}): guard refuses it"
        );
    }
    let _ = writeln!(out, "account         {account_line}");
    let _ = writeln!(out, "decision        {}", ruling.decision.action);
    let _ = writeln!(out, "because         {}", ruling.decision.describe());
    output::stdout(&out, Delivery::Listing)
}

/// Validates the policy in force plus any files named, and prints the result with the source
/// of every part.
pub fn check(global: &Global, files: &[PathBuf]) -> anyhow::Result<()> {
    let mut policy = policy::load(global.policy.as_deref())?;
    for file in files {
        policy.layers.push(policy::read_layer(Origin::Flag, file)?);
    }
    output::stdout(&render(&policy), Delivery::Listing)
}

fn render(policy: &Policy) -> String {
    let mut out = String::from("layers (weakest first):\n");
    for layer in &policy.layers {
        let _ = writeln!(out, "  {:<16} {}", layer.origin.label(), layer.name);
    }
    out.push_str("\nprotected accounts need, by classification:\n");
    for severity in policy::SEVERITIES {
        let (action, source) = policy.protected_action(severity);
        let _ = writeln!(
            out,
            "  {:<12} {:<8} {source}",
            severity.as_str(),
            action.to_string()
        );
    }
    out.push_str("\naccounts:\n");
    let mut any = false;
    for layer in &policy.layers {
        for entry in &layer.file.accounts {
            any = true;
            let mut which = Vec::new();
            which.extend(entry.id.as_ref().map(|id| format!("id={id}")));
            which.extend(entry.match_name.as_ref().map(|p| format!("match_name={p}")));
            which.extend(
                entry
                    .match_profile
                    .as_ref()
                    .map(|p| format!("match_profile={p}")),
            );
            which.extend(entry.name.as_ref().map(|n| format!("name={n}")));
            which.extend(
                entry
                    .environment
                    .as_ref()
                    .map(|e| format!("environment={e}")),
            );
            if entry.protected == Some(true) {
                which.push("protected".to_string());
            }
            let _ = writeln!(out, "  {:<56} {}", which.join(" "), entry.at);
        }
    }
    if !any {
        out.push_str("  (none: no account is protected)\n");
    }
    out.push_str("\nrules:\n");
    let mut any = false;
    for layer in &policy.layers {
        for rule in &layer.file.rules {
            any = true;
            let mut what = vec![rule.action.to_string()];
            what.extend(rule.tool.as_ref().map(|t| format!("tool={t}")));
            if !rule.command.is_empty() {
                let words: Vec<&str> = rule.command.iter().map(glob::Pattern::as_str).collect();
                what.push(format!("command=\"{}\"", words.join(" ")));
            }
            what.extend(
                rule.argv_regex
                    .as_ref()
                    .map(|r| format!("argv_regex=/{r}/")),
            );
            let _ = writeln!(out, "  {:<56} {}", what.join(" "), rule.at);
        }
    }
    if !any {
        out.push_str("  (none)\n");
    }
    let _ = writeln!(
        out,
        "\naudit log: {} ({})",
        if policy.audit_all() {
            "every run"
        } else {
            "decisions in protected accounts"
        },
        crate::audit::path().map_or_else(|e| e.to_string(), |p| p.display().to_string())
    );
    out
}
