//! `guard policy test FILE…`: a team's expectations of its policy, as cases a CI job runs.
//! Each case names a command, an account (or profile, or environment) and the decision it
//! expects; guard decides it through the gate as a run would, with no network and no files of
//! the machine's (the command is classified in an empty environment), and reports the cases
//! whose decision differs with the rule that decided.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::classify::{self, Classification, Severity};
use crate::decide::gate::{Caller, Consent, Gate, Target};
use crate::decide::policy::{self, Action, Origin, Policy};
use crate::options::Options;
use crate::resolve::account::AccountId;
use crate::sys::error::Failure;
use crate::sys::exit_codes::ExitCode;
use crate::sys::fsutil;
use crate::sys::output::{self, Delivery};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTests {
    #[serde(default)]
    case: Vec<Spanned<RawCase>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CommandText {
    Words(Vec<String>),
    /// A command line, parsed as bash parses it.
    Line(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: Option<String>,
    command: Spanned<CommandText>,
    account: Option<Spanned<String>>,
    profile: Option<String>,
    environment: Option<Spanned<String>>,
    caller: Option<Spanned<String>>,
    plan: Option<Spanned<String>>,
    reason: Option<String>,
    /// RFC 3339: decide as at this time (for freeze windows).
    at: Option<Spanned<String>>,
    decision: Action,
    classification: Option<Spanned<String>>,
    reason_contains: Option<String>,
}

/// One case's result, as `--json` prints it.
#[derive(Serialize)]
struct Outcome {
    file: String,
    line: usize,
    name: String,
    passed: bool,
    expected: Expected,
    got: Got,
}

#[derive(Serialize)]
struct Expected {
    decision: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    classification: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason_contains: Option<String>,
}

#[derive(Serialize)]
struct Got {
    decision: Action,
    classification: Severity,
    reason: String,
    /// What decided: the rule with its file:line, `[protected]`, a freeze, ...
    because: String,
}

/// Runs the cases of every FILE against the policy layers in force, or against the shipped
/// policy and `--policy FILE` alone when one is given.
pub fn run(options: &Options, files: &[PathBuf], json: bool) -> anyhow::Result<()> {
    let policy = match &options.policy {
        Some(path) => Policy {
            layers: vec![
                policy::Layer {
                    origin: Origin::Shipped,
                    name: "policies/default.toml (built in)".to_string(),
                    file: policy::shipped("policies/default.toml (built in)"),
                },
                policy::read_layer(Origin::Flag, path)?,
            ],
        },
        None => policy::load(None)?,
    };
    let mut outcomes = Vec::new();
    for file in files {
        outcomes.extend(run_file(&policy, file)?);
    }
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    let text = if json {
        outcomes
            .iter()
            .map(|o| serde_json::to_string(o).map(|line| line + "\n"))
            .collect::<Result<String, _>>()?
    } else {
        report(&outcomes)
    };
    output::stdout(&text, Delivery::Listing)?;
    if failed > 0 {
        return Err(Failure::new(
            ExitCode::Failed,
            format!(
                "{failed} of {} policy test case{} failed",
                outcomes.len(),
                if outcomes.len() == 1 { "" } else { "s" }
            ),
        )
        .into());
    }
    Ok(())
}

fn report(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for o in outcomes.iter().filter(|o| !o.passed) {
        let _ = writeln!(out, "FAIL {}:{} {}", o.file, o.line, o.name);
        let _ = writeln!(out, "  - decision        {}", o.expected.decision);
        let _ = writeln!(out, "  + decision        {}", o.got.decision);
        if let Some(expected) = &o.expected.classification {
            let _ = writeln!(out, "  - classification  {expected}");
            let _ = writeln!(out, "  + classification  {}", o.got.classification);
        }
        if let Some(part) = &o.expected.reason_contains {
            let _ = writeln!(out, "  - reason contains {part:?}");
        }
        let _ = writeln!(out, "    reason          {}", o.got.reason);
        let _ = writeln!(out, "    because         {}", o.got.because);
    }
    let passed = outcomes.iter().filter(|o| o.passed).count();
    let _ = writeln!(out, "{passed} passed, {} failed", outcomes.len() - passed);
    out
}

fn run_file(policy: &Policy, path: &Path) -> anyhow::Result<Vec<Outcome>> {
    let name = path.display().to_string();
    let text = fsutil::read_text(path, fsutil::SMALL_LIMIT)
        .map_err(|e| Failure::config(format!("{name}: {e}")))?
        .ok_or_else(|| Failure::usage(format!("{name}: no such file")))?;
    let error = |span: std::ops::Range<usize>, what: &str| {
        let (line, column) = line_col(&text, span.start);
        Failure::config(format!("{name}:{line}:{column}: {what}"))
            .with_hint("fix the test file; see docs/policy.md, \"Testing a policy\"")
    };
    let raw: RawTests =
        toml::from_str(&text).map_err(|e| error(e.span().unwrap_or(0..0), e.message()))?;
    if raw.case.is_empty() {
        return Err(error(0..0, "no [[case]] in the file").into());
    }
    let base = path.parent().unwrap_or(Path::new("."));
    let mut outcomes = Vec::new();
    for spanned in raw.case {
        let span = spanned.span();
        let line = line_col(&text, span.start).0;
        let case = spanned.into_inner();
        let (got, words) = decide(policy, base, &case)
            .map_err(|(part, what)| error(part.unwrap_or(span.start..span.start), &what))?;
        let expected_class = case.classification.as_ref().map(|c| c.get_ref().clone());
        if let Some(c) = &case.classification
            && !Severity::ALL.iter().any(|s| s.as_str() == c.get_ref())
        {
            return Err(error(
                c.span(),
                &format!(
                    "classification: '{}' is not one of read, write, destructive, unknown, export",
                    c.get_ref()
                ),
            )
            .into());
        }
        let passed = got.decision == case.decision
            && expected_class
                .as_ref()
                .is_none_or(|c| c == got.classification.as_str())
            && case.reason_contains.as_ref().is_none_or(|part| {
                got.reason.contains(part.as_str()) || got.because.contains(part.as_str())
            });
        outcomes.push(Outcome {
            file: name.clone(),
            line,
            name: case.name.clone().unwrap_or_else(|| words.join(" ")),
            passed,
            expected: Expected {
                decision: case.decision,
                classification: expected_class,
                reason_contains: case.reason_contains.clone(),
            },
            got,
        });
    }
    Ok(outcomes)
}

type CaseError = (Option<std::ops::Range<usize>>, String);

/// Decides one case through the gate: the decision, and the command as words.
fn decide(policy: &Policy, base: &Path, case: &RawCase) -> Result<(Got, Vec<String>), CaseError> {
    let (words, classification) = classified(&case.command)?;
    let target = target(policy, case)?;
    let caller = match &case.caller {
        None => Caller::Person,
        Some(c) => match c.get_ref().as_str() {
            "person" => Caller::Person,
            "agent" => Caller::Agent("test".to_string()),
            other => match other.strip_prefix("agent:") {
                Some(name) if !name.is_empty() => Caller::Agent(name.to_string()),
                _ => {
                    return Err((
                        Some(c.span()),
                        format!("caller: '{other}' is not person, agent or agent:NAME"),
                    ));
                }
            },
        },
    };
    let mut gate =
        Gate::new(policy, target, Consent::Deferred, caller).with_reason(case.reason.clone());
    if let Some(at) = &case.at {
        let at = at.get_ref().parse::<jiff::Timestamp>().map_err(|e| {
            (
                Some(at.span()),
                format!("at: '{}' is not an RFC 3339 time ({e})", at.get_ref()),
            )
        })?;
        gate = gate.at(at);
    }
    let ruling = match &case.plan {
        Some(plan) => {
            if !gate.view().protected {
                return Err((
                    Some(plan.span()),
                    "plan: the case's account is not protected, and guard reads plans only in protected accounts".to_string(),
                ));
            }
            let path = base.join(plan.get_ref());
            let json = fsutil::read_regular(&path, fsutil::CONFIG_LIMIT)
                .map_err(|e| (Some(plan.span()), format!("plan: {}: {e}", path.display())))?
                .ok_or_else(|| {
                    (
                        Some(plan.span()),
                        format!("plan: {}: no such file", path.display()),
                    )
                })?;
            let mut applied = false;
            let ruling = gate.reviewed(classification, words.clone(), |_| {
                applied = true;
                Ok(json)
            });
            if !applied {
                return Err((
                    Some(plan.span()),
                    "plan: the command applies no saved plan (write it as terraform apply PLANFILE)".to_string(),
                ));
            }
            ruling
        }
        None => gate.rule_classified(classification, words.clone()),
    };
    Ok((
        Got {
            decision: ruling.decision.action,
            classification: ruling.classification.severity,
            reason: ruling.classification.reason.clone(),
            because: ruling.decision.describe(),
        },
        words,
    ))
}

/// The command classified in an empty environment with no files: a test means the same on
/// every machine.
fn classified(command: &Spanned<CommandText>) -> Result<(Vec<String>, Classification), CaseError> {
    let words = match command.get_ref() {
        CommandText::Words(words) if !words.is_empty() => words.clone(),
        CommandText::Line(line) if !line.trim().is_empty() => {
            vec!["bash".to_string(), "-c".to_string(), line.clone()]
        }
        _ => return Err((Some(command.span()), "command: empty".to_string())),
    };
    let env = |name: &str| (name == "HOME").then(|| "/nonexistent".to_string());
    let ctx = classify::Context {
        env: &env,
        read_file: &|_| classify::FileText::Missing,
        // The same folder on every machine, with nothing in it.
        cwd: Some(std::path::Path::new("/nonexistent/project")),
        disk: &classify::NoDisk,
    };
    let classification = classify::classify(&words, &ctx);
    Ok((words, classification))
}

/// The account a case is about: by ID, by the policy's name for it, or by an environment one
/// of the policy's account entries carries.
fn target(policy: &Policy, case: &RawCase) -> Result<Target, CaseError> {
    let profile = case.profile.clone().unwrap_or_default();
    let entries = || policy.layers.iter().flat_map(|l| &l.file.accounts);
    let unknown_account: AccountId = "000000000000".parse().expect("twelve digits");
    let (account, known_name) = match (&case.account, &case.environment) {
        (Some(_), Some(e)) => {
            return Err((
                Some(e.span()),
                "environment: give the account or the environment, not both".to_string(),
            ));
        }
        (Some(account), None) => match account.get_ref().parse::<AccountId>() {
            Ok(id) => (id, None),
            Err(_) => {
                let name = account.get_ref().clone();
                let id = entries()
                    .find(|e| e.name.as_deref() == Some(name.as_str()) && e.id.is_some())
                    .and_then(|e| e.id.clone());
                (id.unwrap_or(unknown_account), Some(name))
            }
        },
        (None, Some(environment)) => {
            let entry = entries()
                .find(|e| e.environment.as_deref() == Some(environment.get_ref().as_str()))
                .ok_or_else(|| {
                    (
                        Some(environment.span()),
                        format!(
                            "environment: no [[accounts]] entry of the policy has environment '{}'",
                            environment.get_ref()
                        ),
                    )
                })?;
            match &entry.id {
                Some(id) => (id.clone(), entry.name.clone()),
                None => {
                    return Err((
                        Some(environment.span()),
                        format!(
                            "environment: the entry at {} with environment '{}' has no id; name the account or profile instead",
                            entry.at,
                            environment.get_ref()
                        ),
                    ));
                }
            }
        }
        (None, None) if !profile.is_empty() => (unknown_account, None),
        (None, None) => {
            return Err((
                None,
                "a case needs account, profile or environment".to_string(),
            ));
        }
    };
    Ok(Target {
        account: Some(account),
        known_name,
        profile,
        principal: None,
    })
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}
