//! Saved terraform plans, read before they are applied.
//!
//! `terraform apply tfplan` applies exactly what the plan file holds, and the plan says what
//! that is: `terraform show -json tfplan` lists every resource change with its actions, and a
//! replacement is written `["delete","create"]` or `["create","delete"]` so that tools can look
//! for a delete. In a protected account guard asks the same binary, never `apply` itself, and
//! rules on the answer; whatever it cannot read stays unknown.

use std::ffi::OsString;
use std::io::Read;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::audit::PlanSummary as Summary;
use crate::childenv::ChildEnv;
use crate::classify::{self, Classification, SavedPlan, Severity};
use crate::exec;
use crate::output;

/// A plan that takes longer to print than this is not worth waiting for: the answer is unknown.
const SHOW_LIMIT: Duration = Duration::from_secs(60);
/// How many destroyed addresses the prompt lists; the audit line keeps them all.
const LISTED: usize = 10;

/// In a protected account (the gate asks only there), reads the saved plan that `argv` applies
/// and classifies the command by what the plan does; an apply without a plan gets the two-step
/// form suggested. Anything else is left as it is. `words` is `argv` as text.
pub fn review(
    classification: Classification,
    profile: &str,
    argv: &[OsString],
    words: &[String],
    env: Option<&ChildEnv>,
) -> (Classification, Option<Summary>) {
    let read_env = |name: &str| std::env::var(name).ok();
    let Some(saved) = classify::saved_plan(words, &read_env) else {
        return (suggest_a_plan(classification, profile), None);
    };
    let label = format!(
        "{} apply {}",
        classification.tool.as_deref().unwrap_or("terraform"),
        saved.plan
    );
    let (severity, what, summary) = match env {
        Some(env) => match show(&argv[0], &saved, env).and_then(|json| judge(&json)) {
            Ok(Judged {
                severity,
                what,
                summary,
            }) => (severity, what, Some(summary)),
            Err(why) => (Severity::Unknown, why, None),
        },
        None => (
            Severity::Unknown,
            "guard reads a saved plan only with a profile's verified credentials (-p PROFILE), not with --account".to_string(),
            None,
        ),
    };
    let classification = Classification {
        severity,
        reason: format!("{label}: {what}"),
        ..classification
    };
    (classification, summary)
}

/// `terraform apply` without a plan applies whatever it plans at that moment: say how to see
/// it first.
fn suggest_a_plan(mut c: Classification, profile: &str) -> Classification {
    let is_apply = matches!(c.tool.as_deref(), Some("terraform" | "tofu"))
        && c.command == ["apply"]
        && c.severity == Severity::Write;
    if is_apply {
        let tool = c.tool.as_deref().unwrap_or("terraform");
        c.reason.push_str(&format!(
            "; to see what it changes first: {tool} plan -out=tfplan, then guard -p {profile} -- {tool} apply tfplan"
        ));
    }
    c
}

/// Runs `PROGRAM [-chdir...] show -json PLAN` with the command's own environment and returns
/// what it printed; Err says why there is no answer.
fn show(program: &OsString, saved: &SavedPlan, env: &ChildEnv) -> Result<Vec<u8>, String> {
    let name = program.to_string_lossy();
    let shown = format!("{name} show -json {}", saved.plan);
    let mut argv = vec![program.clone()];
    argv.extend(saved.chdir.iter().map(OsString::from));
    argv.extend(["show", "-json", saved.plan.as_str()].map(OsString::from));
    let mut cmd = exec::command(&argv, env);
    // Arguments meant for apply would make show refuse to run; show gets exactly these.
    cmd.env_remove("TF_CLI_ARGS")
        .env_remove("TF_CLI_ARGS_show")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot run `{shown}` to read the plan ({e})"))?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = match wait(&mut child, SHOW_LIMIT) {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "`{shown}` did not finish within {} s; guard cannot see what the plan changes",
                SHOW_LIMIT.as_secs()
            ));
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if !status.success() {
        // terraform's own words say best what is wrong with the plan or the directory.
        let text = String::from_utf8_lossy(&stderr);
        for line in text.lines() {
            output::stderr_line(line);
        }
        return Err(format!(
            "`{shown}` failed ({status}); guard cannot see what the plan changes"
        ));
    }
    Ok(stdout)
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// Waits up to `limit`; None when the child is still running then.
fn wait(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            _ => return None,
        }
    }
}

/// The parts of terraform's JSON plan format (format_version 1.x) that say what apply does.
#[derive(Deserialize)]
struct Plan {
    format_version: String,
    #[serde(default)]
    applyable: Option<bool>,
    #[serde(default)]
    errored: bool,
    #[serde(default)]
    resource_changes: Vec<ResourceChange>,
    #[serde(default)]
    deferred_changes: Option<Vec<serde_json::Value>>,
}

#[derive(Deserialize)]
struct ResourceChange {
    address: String,
    #[serde(default)]
    previous_address: Option<String>,
    #[serde(default)]
    action_reason: Option<String>,
    change: Change,
}

#[derive(Deserialize)]
struct Change {
    actions: Vec<String>,
    #[serde(default)]
    importing: Option<serde_json::Value>,
}

pub(crate) struct Judged {
    severity: Severity,
    what: String,
    summary: Summary,
}

/// Rules on the output of `show -json`; Err says why it cannot.
pub(crate) fn judge(json: &[u8]) -> Result<Judged, String> {
    let plan: Plan = serde_json::from_slice(json).map_err(|e| {
        format!(
            "`show -json` printed something that is not a plan in JSON ({}); guard cannot see what it changes",
            crate::error::json_problem(&e)
        )
    })?;
    if plan.format_version.split('.').next() != Some("1") {
        return Err(format!(
            "the plan is in format_version {}, which guard does not know; it cannot see what it changes",
            plan.format_version
        ));
    }
    if plan.errored {
        return Err("the plan errored while it was made; it is incomplete".to_string());
    }
    if plan.applyable == Some(false) {
        return Err("terraform says the plan is not applyable".to_string());
    }
    if let Some(deferred) = plan.deferred_changes.as_ref().filter(|d| !d.is_empty()) {
        return Err(format!(
            "the plan defers {} change(s) to a later plan; what they will do is not known yet",
            deferred.len()
        ));
    }
    let mut summary = Summary::default();
    let mut listed = Vec::new();
    for rc in &plan.resource_changes {
        let actions: Vec<&str> = rc.change.actions.iter().map(String::as_str).collect();
        let destroyed = match actions.as_slice() {
            ["no-op"] if rc.change.importing.is_some() => {
                summary.import += 1;
                None
            }
            ["no-op"]
                if rc
                    .previous_address
                    .as_ref()
                    .is_some_and(|p| *p != rc.address) =>
            {
                summary.moved += 1;
                None
            }
            ["no-op"] => {
                summary.no_op += 1;
                None
            }
            ["create"] => {
                summary.create += 1;
                None
            }
            ["update"] => {
                summary.update += 1;
                None
            }
            ["read"] => {
                summary.read += 1;
                None
            }
            ["forget"] => {
                summary.forget += 1;
                None
            }
            ["delete"] => {
                summary.delete += 1;
                Some("delete")
            }
            ["delete", "create"] | ["create", "delete"] => {
                summary.replace += 1;
                Some("replace")
            }
            // Whatever else a later terraform may write: a delete in it destroys.
            other if other.contains(&"delete") => {
                summary.delete += 1;
                Some("delete")
            }
            other => {
                return Err(format!(
                    "the plan has actions {other:?} for {}, which guard does not know",
                    rc.address
                ));
            }
        };
        if let Some(kind) = destroyed {
            summary.destroyed.push(rc.address.clone());
            if listed.len() < LISTED {
                let address = printable(&rc.address);
                listed.push(match &rc.action_reason {
                    Some(why) => format!("{address} ({kind}: {})", printable(why)),
                    None => format!("{address} ({kind})"),
                });
            }
        }
    }
    let changes = counts(&summary);
    let (severity, what) = if !summary.destroyed.is_empty() {
        let total = summary.destroyed.len();
        let mut what = format!(
            "the plan destroys or replaces {total} resource{}: {}",
            plural(total),
            listed.join(", ")
        );
        if total > listed.len() {
            what.push_str(&format!(", and {} more", total - listed.len()));
        }
        what.push_str(&format!(" (in all: {changes})"));
        (Severity::Destructive, what)
    } else if changes.is_empty() {
        (
            Severity::Read,
            format!(
                "the plan changes nothing ({} resource{} unchanged)",
                summary.no_op,
                plural(summary.no_op)
            ),
        )
    } else {
        let mut what = format!("the plan {changes}, and destroys nothing");
        if summary.forget > 0 {
            what.push_str(" (forget removes resources from the state and leaves them in place)");
        }
        (Severity::Write, what)
    };
    Ok(Judged {
        severity,
        what,
        summary,
    })
}

/// "creates 2, updates 1, forgets 1": every kind of change the plan makes.
fn counts(s: &Summary) -> String {
    [
        ("creates", s.create),
        ("updates", s.update),
        ("replaces", s.replace),
        ("deletes", s.delete),
        ("forgets", s.forget),
        ("reads", s.read),
        ("imports", s.import),
        ("moves", s.moved),
    ]
    .iter()
    .filter(|(_, n)| *n > 0)
    .map(|(verb, n)| format!("{verb} {n}"))
    .collect::<Vec<_>>()
    .join(", ")
}

/// A plan comes from someone's configuration: its text must not be able to redraw the prompt.
fn printable(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_debug().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(changes: &str) -> Vec<u8> {
        format!(r#"{{"format_version":"1.2","applyable":true,"resource_changes":[{changes}]}}"#)
            .into_bytes()
    }

    fn change(address: &str, actions: &str) -> String {
        format!(r#"{{"address":"{address}","change":{{"actions":{actions}}}}}"#)
    }

    #[test]
    fn a_show_that_does_not_finish_is_given_up() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        assert!(wait(&mut child, Duration::from_millis(50)).is_none());
        child.kill().unwrap();
        child.wait().unwrap();
    }

    #[test]
    fn a_replacement_either_way_destroys() {
        for actions in [r#"["delete","create"]"#, r#"["create","delete"]"#] {
            let judged = judge(&plan(&change("aws_db_instance.main", actions))).unwrap();
            assert_eq!(judged.severity, Severity::Destructive);
            assert_eq!(judged.summary.replace, 1);
            assert_eq!(judged.summary.destroyed, ["aws_db_instance.main"]);
        }
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        let judged = judge(&plan(&change("a.b[\\\"x\\u001b[2Jy\\\"]", r#"["delete"]"#))).unwrap();
        assert!(
            judged.what.contains("a.b[\"x\\u{1b}[2Jy\"] (delete)"),
            "{}",
            judged.what
        );
    }

    #[test]
    fn only_the_first_ten_are_listed() {
        let changes: Vec<String> = (0..12)
            .map(|i| change(&format!("aws_s3_bucket.b{i}"), r#"["delete"]"#))
            .collect();
        let judged = judge(&plan(&changes.join(","))).unwrap();
        assert!(
            judged
                .what
                .contains("aws_s3_bucket.b9 (delete), and 2 more")
        );
        assert!(!judged.what.contains("b10"));
        assert_eq!(judged.summary.destroyed.len(), 12);
    }

    #[test]
    fn creates_and_forgets_are_writes_and_no_ops_reads() {
        let judged = judge(&plan(
            &[
                change("a.b", r#"["create"]"#),
                change("c.d", r#"["forget"]"#),
            ]
            .join(","),
        ))
        .unwrap();
        assert_eq!(judged.severity, Severity::Write);
        assert!(
            judged.what.contains("creates 1, forgets 1"),
            "{}",
            judged.what
        );
        let judged = judge(&plan(&change("a.b", r#"["no-op"]"#))).unwrap();
        assert_eq!(judged.severity, Severity::Read);
        assert_eq!(judge(&plan("")).unwrap().severity, Severity::Read);
    }

    #[test]
    fn what_guard_cannot_read_is_an_error() {
        for bad in [
            &b"not json"[..],
            br#"{"resource_changes":[]}"#,
            br#"{"format_version":"2.0"}"#,
            br#"{"format_version":"1.2","errored":true}"#,
            br#"{"format_version":"1.2","applyable":false}"#,
            br#"{"format_version":"1.2","deferred_changes":[{"reason":"provider_config_unknown"}]}"#,
            br#"{"format_version":"1.2","resource_changes":[{"address":"a.b","change":{"actions":["teleport"]}}]}"#,
        ] {
            assert!(judge(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
