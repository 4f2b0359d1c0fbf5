//! Saved terraform plans, read before they are applied.
//!
//! `terraform apply tfplan` applies exactly what the plan file holds, and the plan says what
//! that is: `terraform show -json tfplan` lists every resource change with its actions, and a
//! replacement is written `["delete","create"]` or `["create","delete"]` so that tools can look
//! for a delete. In a protected account guard asks the same binary, never `apply` itself, and
//! rules on the answer; whatever it cannot read stays unknown.

use std::ffi::OsString;
use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;

use crate::child::childenv::ChildEnv;
use crate::child::exec;
use crate::classify::{self, Classification, SavedPlan, Severity};
use crate::decide::audit::PlanSummary;
use crate::decide::policy::plan_rules::{ChangeKind, Fit, PlannedChange};
use crate::decide::policy::{AccountView, Action, Decision, Policy, Target};
use crate::sys::output;
use crate::sys::process;

/// A plan that takes longer to print than this is not worth waiting for: the answer is unknown.
/// `GUARD_PLAN_SHOW_TIMEOUT` (seconds) changes it, for tests.
const SHOW_LIMIT: Duration = Duration::from_secs(60);
const SHOW_LIMIT_VAR: &str = "GUARD_PLAN_SHOW_TIMEOUT";
/// The JSON of a plan with tens of thousands of resources is tens of megabytes; one larger than
/// the config files guard reads is not read either: the answer is unknown.
const SHOW_SIZE: u64 = crate::sys::fsutil::CONFIG_LIMIT;
/// How many destroyed addresses the prompt lists; the audit line keeps them all.
const LISTED: usize = 10;

/// In a protected account (the gate asks only there), reads the saved plan that `argv` applies
/// and classifies the command by what the plan does; an apply without a plan gets the two-step
/// form suggested. Anything else is left as it is. `words` is `argv` as text.
pub fn review(
    classification: Classification,
    rules: &PlanRules,
    words: &[String],
    shown: impl FnOnce(&SavedPlan) -> Result<Vec<u8>, String>,
) -> Reviewed {
    let read_env = |name: &str| std::env::var(name).ok();
    let Some(saved) = classify::saved_plan(words, &read_env) else {
        return Reviewed {
            classification: suggest_a_plan(classification, rules.target.profile),
            summary: None,
            raise: None,
        };
    };
    let label = format!(
        "{} apply {}",
        classification.tool.as_deref().unwrap_or("terraform"),
        saved.plan
    );
    let ruled = shown(&saved).and_then(|json| rule_on_plan(&json, rules));
    match ruled {
        Ok(ruled) => ruled.reviewed(&label, classification, rules),
        Err(why) => Reviewed {
            classification: Classification {
                severity: Severity::Unknown,
                reason: format!("{label}: {why}"),
                ..classification
            },
            summary: None,
            raise: None,
        },
    }
}

/// What the plan rules need to know: the policy and the account.
pub struct PlanRules<'a> {
    pub policy: &'a Policy,
    pub target: &'a Target<'a>,
    pub view: &'a AccountView,
}

/// A command reclassified by the saved plan it applies.
pub struct Reviewed {
    pub classification: Classification,
    pub summary: Option<PlanSummary>,
    /// What the decision on `classification` must be raised to, at least: the strictest plan
    /// rule that confirms or denies, or the system layer's decision on the whole plan where
    /// allow rules took changes out of the count.
    pub raise: Option<Decision>,
}

/// A plan judged with the policy's plan rules.
pub(crate) struct RuledPlan {
    /// Over the changes no plan rule allows.
    judged: Judged,
    /// Over every change: what the system layer's floor is measured on.
    whole: Judged,
    /// The strictest decision of a confirm or deny plan rule, if one matched.
    strictest: Option<Decision>,
    /// "ADDRESS (delete): deny by the plan rule at FILE:LINE (message)", in the plan's order.
    matched: Vec<String>,
    /// How many changes allow rules took out of the count.
    allowed: usize,
}

/// Reads a plan and rules on each change with the plan rules in scope.
pub(crate) fn rule_on_plan(json: &[u8], rules: &PlanRules) -> Result<RuledPlan, String> {
    let parsed = parse(json)?;
    let changes = parsed.changes();
    let matches = rules.policy.rule_plan(rules.target, rules.view, &changes);
    let allowed: Vec<usize> = matches
        .iter()
        .filter(|m| m.rule.action == Action::Allow)
        .map(|m| m.index)
        .collect();
    let mut strictest: Option<Decision> = None;
    let mut matched = Vec::new();
    for m in &matches {
        let change = &changes[m.index];
        if m.rule.action != Action::Allow {
            let decision = m.decision(change.address);
            if strictest
                .as_ref()
                .is_none_or(|s| decision.action > s.action)
            {
                strictest = Some(decision);
            }
        }
        let maybe = if m.fit == Fit::Maybe {
            ", if a value known only after apply turns out so"
        } else {
            ""
        };
        let mut line = format!(
            "{} ({}): {} by the plan rule at {}{maybe}",
            printable(change.address),
            change.kind.as_str(),
            m.rule.action,
            m.rule.at
        );
        if let Some(message) = &m.rule.message {
            line.push_str(&format!(" ({})", printable(message)));
        }
        matched.push(line);
    }
    Ok(RuledPlan {
        allowed: allowed.len(),
        judged: summarize(&parsed, |i| !allowed.contains(&i)),
        whole: summarize(&parsed, |_| true),
        strictest,
        matched,
    })
}

impl RuledPlan {
    /// `LABEL` (`terraform apply tfplan`) classified by what the plan does: the matched changes
    /// first, then the plan's own severity over what no allow rule took out, and the decision
    /// floor from the plan rules that confirm or deny and the system layer.
    pub(crate) fn reviewed(
        self,
        label: &str,
        classification: Classification,
        rules: &PlanRules,
    ) -> Reviewed {
        let mut reason = format!("{label}: ");
        if !self.matched.is_empty() {
            reason.push_str(&format!("plan rules: {}; ", self.matched.join("; ")));
        }
        reason.push_str(&self.judged.what);
        if self.allowed > 0 {
            reason.push_str(&format!(
                "; {} change{} allowed by plan rules not counted",
                self.allowed,
                plural(self.allowed)
            ));
        }
        let classification = Classification {
            severity: self.judged.severity,
            reason,
            ..classification
        };
        let whole = Classification {
            severity: self.whole.severity,
            ..classification.clone()
        };
        let floor = rules.policy.floor(rules.target, rules.view, &whole);
        let raise = [self.strictest, floor]
            .into_iter()
            .flatten()
            .max_by_key(|d| d.action);
        Reviewed {
            classification,
            summary: Some(self.whole.summary),
            raise,
        }
    }
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

/// What `PROGRAM [-chdir...] show -json PLAN` prints, run with the command's own environment
/// (`env`, which only verified credentials give); Err says why there is no answer.
pub fn shown(
    program: &OsString,
    saved: &SavedPlan,
    env: Option<&ChildEnv>,
) -> Result<Vec<u8>, String> {
    match env {
        Some(env) => show(program, saved, env),
        None => Err("guard reads a saved plan only with a profile's verified credentials (-p PROFILE), not with --account".to_string()),
    }
}

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
        .stdin(Stdio::null());
    let shown_limit = std::env::var(SHOW_LIMIT_VAR)
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map_or(SHOW_LIMIT, Duration::from_secs_f64);
    let captured = process::capture(cmd, SHOW_SIZE, shown_limit)
        .map_err(|why| format!("`{shown}`: {why}; guard cannot see what the plan changes"))?;
    if !captured.status.success() {
        // terraform's own words say best what is wrong with the plan or the directory.
        let text = String::from_utf8_lossy(&captured.stderr);
        for line in text.lines() {
            output::stderr_line(line);
        }
        return Err(format!(
            "`{shown}` failed ({}); guard cannot see what the plan changes",
            captured.status
        ));
    }
    Ok(captured.stdout)
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
    #[serde(default, rename = "type")]
    resource_type: String,
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
    #[serde(default)]
    before: Option<serde_json::Value>,
    #[serde(default)]
    after: Option<serde_json::Value>,
    #[serde(default)]
    after_unknown: Option<serde_json::Value>,
}

pub(crate) struct Judged {
    severity: Severity,
    what: String,
    summary: PlanSummary,
}

/// A plan as `show -json` printed it, checked to be one guard can rule on.
pub(crate) struct Parsed {
    plan: Plan,
    kinds: Vec<ChangeKind>,
}

impl Parsed {
    /// Each resource change, in the plan's order, as plan rules see it.
    pub(crate) fn changes(&self) -> Vec<PlannedChange<'_>> {
        self.plan
            .resource_changes
            .iter()
            .zip(&self.kinds)
            .map(|(rc, kind)| PlannedChange {
                address: &rc.address,
                resource_type: &rc.resource_type,
                kind: *kind,
                before: rc.change.before.as_ref(),
                after: rc.change.after.as_ref(),
                after_unknown: rc.change.after_unknown.as_ref(),
            })
            .collect()
    }
}

/// Rules on the output of `show -json`; Err says why it cannot.
pub(crate) fn judge(json: &[u8]) -> Result<Judged, String> {
    parse(json).map(|parsed| summarize(&parsed, |_| true))
}

/// Reads the output of `show -json`; Err says why guard cannot rule on it.
pub(crate) fn parse(json: &[u8]) -> Result<Parsed, String> {
    let plan: Plan = serde_json::from_slice(json).map_err(|e| {
        format!(
            "`show -json` printed something that is not a plan in JSON ({}); guard cannot see what it changes",
            crate::sys::error::json_problem(&e)
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
    let kinds = plan
        .resource_changes
        .iter()
        .map(change_kind)
        .collect::<Result<_, _>>()?;
    Ok(Parsed { plan, kinds })
}

/// What terraform's actions for one resource amount to.
fn change_kind(rc: &ResourceChange) -> Result<ChangeKind, String> {
    let actions: Vec<&str> = rc.change.actions.iter().map(String::as_str).collect();
    Ok(match actions.as_slice() {
        ["no-op"] if rc.change.importing.is_some() => ChangeKind::Import,
        ["no-op"]
            if rc
                .previous_address
                .as_ref()
                .is_some_and(|p| *p != rc.address) =>
        {
            ChangeKind::Move
        }
        ["no-op"] => ChangeKind::NoOp,
        ["create"] => ChangeKind::Create,
        ["update"] => ChangeKind::Update,
        ["read"] => ChangeKind::Read,
        ["forget"] => ChangeKind::Forget,
        ["delete"] => ChangeKind::Delete,
        ["delete", "create"] | ["create", "delete"] => ChangeKind::Replace,
        // Whatever else a later terraform may write: a delete in it destroys.
        other if other.contains(&"delete") => ChangeKind::Delete,
        other => {
            return Err(format!(
                "the plan has actions {other:?} for {}, which guard does not know",
                rc.address
            ));
        }
    })
}

/// The plan's severity and summary over the changes `counted` keeps (a plan rule that allows a
/// change takes it out of the count).
fn summarize(parsed: &Parsed, counted: impl Fn(usize) -> bool) -> Judged {
    let mut summary = PlanSummary::default();
    let mut listed = Vec::new();
    for (index, (rc, kind)) in parsed
        .plan
        .resource_changes
        .iter()
        .zip(&parsed.kinds)
        .enumerate()
    {
        if !counted(index) {
            continue;
        }
        let destroyed = match kind {
            ChangeKind::Import => {
                summary.import += 1;
                None
            }
            ChangeKind::Move => {
                summary.moved += 1;
                None
            }
            ChangeKind::NoOp => {
                summary.no_op += 1;
                None
            }
            ChangeKind::Create => {
                summary.create += 1;
                None
            }
            ChangeKind::Update => {
                summary.update += 1;
                None
            }
            ChangeKind::Read => {
                summary.read += 1;
                None
            }
            ChangeKind::Forget => {
                summary.forget += 1;
                None
            }
            ChangeKind::Delete => {
                summary.delete += 1;
                Some("delete")
            }
            ChangeKind::Replace => {
                summary.replace += 1;
                Some("replace")
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
    Judged {
        severity,
        what,
        summary,
    }
}

/// "creates 2, updates 1, forgets 1": every kind of change the plan makes.
fn counts(s: &PlanSummary) -> String {
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

    fn rules_policy(text: &str) -> crate::decide::policy::Policy {
        let mut layers = vec![crate::decide::policy::Layer {
            origin: crate::decide::policy::Origin::Shipped,
            name: "shipped".into(),
            file: crate::decide::policy::shipped("shipped"),
        }];
        layers.push(crate::decide::policy::Layer {
            origin: crate::decide::policy::Origin::User,
            name: "p.toml".into(),
            file: crate::decide::policy::parse("p.toml", text).unwrap(),
        });
        crate::decide::policy::Policy { layers }
    }

    fn ruled(policy_text: &str, plan_json: &[u8]) -> Reviewed {
        let policy = rules_policy(policy_text);
        let account: crate::resolve::account::AccountId = "222222222222".parse().unwrap();
        let target = Target {
            account: &account,
            known_name: None,
            profile: "prod",
        };
        let view = policy.account(&target);
        let rules = PlanRules {
            policy: &policy,
            target: &target,
            view: &view,
        };
        let c = crate::classify::classify(
            &["terraform".into(), "apply".into(), "tfplan".into()],
            &crate::classify::Context {
                env: &|_| None,
                read_file: &|_| crate::classify::FileText::Missing,
                cwd: None,
                disk: &crate::classify::NoDisk,
            },
        );
        rule_on_plan(plan_json, &rules)
            .unwrap()
            .reviewed("terraform apply tfplan", c, &rules)
    }

    const PROD: &str = "[[accounts]]\nid = \"222222222222\"\nname = \"prod\"\nprotected = true\n";

    #[test]
    fn a_deny_plan_rule_raises_the_decision_and_is_listed_first() {
        let policy = format!(
            "{PROD}[[plan_rules]]\naddress = \"aws_db_instance.*\"\nactions = [\"delete\"]\naction = \"deny\"\nmessage = \"never the database\"\n"
        );
        let plan = plan(
            &[
                change("aws_instance.web", r#"["create"]"#),
                change("aws_db_instance.main", r#"["delete"]"#),
            ]
            .join(","),
        );
        let reviewed = ruled(&policy, &plan);
        assert_eq!(reviewed.classification.severity, Severity::Destructive);
        let raise = reviewed.raise.unwrap();
        assert_eq!(raise.action, Action::Deny);
        assert!(raise.describe().contains("never the database"));
        let reason = &reviewed.classification.reason;
        assert!(
            reason.starts_with("terraform apply tfplan: plan rules: aws_db_instance.main (delete): deny by the plan rule at p.toml:5 (never the database); the plan destroys"),
            "{reason}"
        );
    }

    #[test]
    fn an_allow_plan_rule_takes_its_change_out_of_the_count() {
        let policy = format!(
            "{PROD}[[plan_rules]]\naddress = \"aws_instance.web\"\nactions = [\"replace\"]\naction = \"allow\"\n"
        );
        let plan = plan(&change("aws_instance.web", r#"["delete","create"]"#));
        let reviewed = ruled(&policy, &plan);
        assert_eq!(reviewed.classification.severity, Severity::Read);
        assert!(reviewed.raise.is_none());
        assert!(
            reviewed
                .classification
                .reason
                .contains("1 change allowed by plan rules not counted")
        );
        assert_eq!(reviewed.summary.unwrap().replace, 1);
    }
}
