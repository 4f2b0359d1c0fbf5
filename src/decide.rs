//! The decide step: classify the command, look up the account in the policy, rule, and apply
//! the ruling (consent, refusal, the audit line).

use std::ffi::OsString;

use crate::audit;
use crate::classify::{self, Classification, Severity};
use crate::confirm::{self, Consent};
use crate::error::Failure;
use crate::fsutil;
use crate::fsutil::home_dir;
use crate::policy::{AccountView, Action, Decision, Policy, Target};
use crate::process::Process;
use crate::verify::Verified;

pub struct Ruling {
    pub classification: Classification,
    pub view: AccountView,
    pub decision: Decision,
    /// What a saved terraform plan does, when the ruling read one (see `plan`).
    pub plan: Option<audit::PlanSummary>,
}

pub fn classify_argv(argv: &[OsString]) -> Classification {
    let argv: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // The AWS CLI finds its alias file through HOME, falling back to the password database.
    let env = |name: &str| {
        std::env::var(name).ok().or_else(|| {
            (name == "HOME")
                .then(|| {
                    home_dir()
                        .ok()
                        .map(|home| home.to_string_lossy().into_owned())
                })
                .flatten()
        })
    };
    // Bounded, non-blocking reads of regular files only; one that is there but cannot be
    // read counts as able to do anything.
    let read_file = |path: &std::path::Path| match fsutil::read_text(path, fsutil::SMALL_LIMIT) {
        Ok(Some(text)) => classify::FileText::Text(text),
        Ok(None) => classify::FileText::Missing,
        Err(e) => classify::FileText::Unreadable(e.to_string()),
    };
    classify::classify(
        &argv,
        &classify::Context {
            env: &env,
            read_file: &read_file,
        },
    )
}

pub fn rule(policy: &Policy, target: &Target, argv: &[OsString]) -> Ruling {
    rule_on(policy, target, classify_argv(argv))
}

pub fn rule_export(policy: &Policy, target: &Target, export: Export) -> Ruling {
    rule_on(policy, target, export.classification())
}

/// The ruling for a classification made elsewhere (an export, or the benchmark's classifier
/// run with an in-memory environment).
pub fn rule_on(policy: &Policy, target: &Target, classification: Classification) -> Ruling {
    let view = policy.account(target);
    let decision = policy.decide(target, &view, &classification);
    Ruling {
        classification,
        view,
        decision,
        plan: None,
    }
}

/// A way credentials leave guard for programs it does not see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export<'a> {
    /// `guard env`: variables for a shell to evaluate.
    Env,
    /// `guard credential-process`: the document an SDK reads.
    CredentialProcess,
    /// `guard` with no command: this shell, with the credentials.
    Shell(&'a str),
    /// `guard console`: a signed-in console session in a browser.
    Console,
    /// `guard eks-token` outside a guard run: a Kubernetes bearer token for kubectl.
    EksToken,
}

impl Export<'_> {
    /// guard's subcommand that makes the export, as rules name it (`shell` for a shell).
    pub fn subcommand(self) -> &'static str {
        match self {
            Export::Env => "env",
            Export::CredentialProcess => "credential-process",
            Export::Shell(_) => "shell",
            Export::Console => "console",
            Export::EksToken => "eks-token",
        }
    }

    /// The export as a classification, so that rules match it like a command: tool `guard`,
    /// the subcommand as its command path, severity `export`.
    pub fn classification(self) -> Classification {
        let reason = match self {
            Export::Env => "guard env: prints the credentials for a shell to evaluate; what runs with them there is not checked".to_string(),
            Export::CredentialProcess => "guard credential-process: hands the credentials to an SDK; what it does with them is not checked".to_string(),
            Export::EksToken => "guard eks-token: hands kubectl a token for the cluster made from the credentials; what kubectl does with it is not checked".to_string(),
            Export::Console => "guard console: signs a browser in to the console with the credentials; what is done there is not checked".to_string(),
            Export::Shell(shell) => format!("starts the shell {shell} with the credentials; what runs in it is not checked"),
        };
        let command = vec![self.subcommand().to_string()];
        Classification {
            severity: Severity::Export,
            reason,
            tool: Some("guard".to_string()),
            args: command.clone(),
            understood: classify::Understood {
                program: "guard".to_string(),
                path: command.clone(),
                flags: Vec::new(),
            },
            command,
            credential_override: None,
            others: Vec::new(),
        }
    }
}

/// The command as the prompt shows it: it is on the terminal and may end up in CI logs, so
/// what looks secret is hidden.
pub fn shown(argv: &[String]) -> String {
    Process::from_argv(argv).map_or_else(String::new, |p| p.to_string())
}

/// Applies a ruling: `Ok(None)` when it may go ahead as it is, `Ok(Some)` when a person (or
/// `--confirm`) consented, `Err` when it must not. `shown` is the command as the prompt shows
/// it, secrets already hidden.
pub fn enforce(
    given: Option<&str>,
    verified: &Verified,
    ruling: &Ruling,
    shown: &str,
    color: bool,
) -> Result<Option<Consent>, Failure> {
    let classification = &ruling.classification;
    if let Some(choice) = &classification.credential_override {
        return Err(Failure::refused(format!(
            "the command chooses its own credentials ({choice}), not the ones guard verified for profile '{}'; nothing was run",
            verified.profile
        ))
        .with_hint(format!(
            "drop {choice} and choose the profile with guard -p instead"
        )));
    }
    match ruling.decision.action {
        Action::Allow => Ok(None),
        Action::Deny => Err(Failure::refused(format!(
            "denied in account {}: {} ({})",
            verified.identity.account,
            classification.reason,
            ruling.decision.describe()
        ))),
        Action::Confirm => {
            let understood = classification.understood.to_string();
            let request = confirm::Request {
                account: &verified.identity.account,
                view: &ruling.view,
                command: shown,
                understood: &understood,
                reason: &classification.reason,
                export: classification.severity == Severity::Export,
            };
            confirm::confirm(&request, given, color).map(Some)
        }
    }
}

/// Enforces a ruling and records it: `Err` when it must not go ahead. `refusal` may add to a
/// refusal (a better hint) before it is returned.
pub fn apply(
    given: Option<&str>,
    policy: &Policy,
    verified: &Verified,
    ruling: &Ruling,
    argv: &[String],
    color: bool,
    refusal: impl FnOnce(Failure) -> Failure,
) -> anyhow::Result<()> {
    // Only a prompt shows the command; hiding its secrets compiles the redaction's patterns,
    // which would otherwise be most of a warm run's instructions.
    let command = match ruling.decision.action {
        Action::Confirm => shown(argv),
        Action::Allow | Action::Deny => String::new(),
    };
    let consent = enforce(given, verified, ruling, &command, color).map_err(refusal);
    record(policy, verified, ruling, argv, &consent)?;
    consent?;
    Ok(())
}

/// `apply` for an export to the person at this terminal (`guard -p PROFILE env`, `console`):
/// the banner first (unless `quiet`), so that a question comes after the account it is about.
/// `before_asking` runs between the two: a refusal of its own comes before any question.
pub fn apply_shown_export<T>(
    given: Option<&str>,
    quiet: bool,
    policy: &Policy,
    verified: &Verified,
    export: Export,
    before_asking: impl FnOnce(&Ruling) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let ruling = rule_export(policy, &verified.target(), export);
    let color = crate::banner::use_color();
    if !quiet {
        crate::banner::show(verified, &ruling.view, None, false, color);
    }
    let prepared = before_asking(&ruling)?;
    let argv = ["guard", "-p", &verified.profile, export.subcommand()].map(str::to_string);
    apply(given, policy, verified, &ruling, &argv, color, |refused| {
        refused
    })?;
    Ok(prepared)
}

/// `apply` for an export that another program waits on (an SDK's credential_process, kubectl's
/// exec plugin): there is often no terminal, so a refusal that needed consent says where that
/// program's configuration can give it (`consent_in`, given the word to type) or that a rule can.
pub fn apply_waited_export(
    given: Option<&str>,
    policy: &Policy,
    verified: &Verified,
    ruling: &Ruling,
    argv: &[String],
    consent_in: impl FnOnce(&str) -> String,
) -> anyhow::Result<()> {
    let confirms = ruling.decision.action == Action::Confirm;
    let word = ruling.view.confirm_word(&verified.identity.account);
    let profile = &verified.profile;
    apply(
        given,
        policy,
        verified,
        ruling,
        argv,
        crate::banner::use_color(),
        |refused| {
            if confirms {
                refused.with_hint(format!(
                    "consent in {}, or allow it with a policy rule: [[rules]] severity = [\"export\"] profiles = [\"{profile}\"] action = \"allow\"",
                    consent_in(&word)
                ))
            } else {
                refused
            }
        },
    )
}

/// Writes the audit line for a ruling and what came of it, when the policy wants one: every
/// decision in a protected account, every run with `[audit] all`.
pub fn record(
    policy: &Policy,
    verified: &Verified,
    ruling: &Ruling,
    argv: &[String],
    consent: &Result<Option<Consent>, Failure>,
) -> anyhow::Result<()> {
    if !ruling.view.protected && !policy.audit_all() {
        return Ok(());
    }
    audit::append(&audit::Entry {
        profile: &verified.profile,
        account_id: verified.identity.account.as_str(),
        account_name: ruling.view.name.as_deref(),
        principal_arn: &verified.identity.arn,
        argv: audit::redact(argv),
        classification: ruling.classification.severity.as_str(),
        reason: &ruling.classification.reason,
        decision: match ruling.decision.action {
            Action::Allow => "allow",
            Action::Confirm => "confirm",
            Action::Deny => "deny",
        },
        basis: ruling.decision.describe(),
        confirmed: consent.as_ref().ok().and_then(|c| c.map(Consent::as_str)),
        outcome: if consent.is_ok() {
            "allowed"
        } else {
            "refused"
        },
        plan: ruling.plan.as_ref(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The policy matches exports by this severity (policy's own tests take it from here).
    #[test]
    fn exports_are_guard_commands_of_severity_export() {
        for export in [Export::Env, Export::CredentialProcess, Export::Console] {
            let c = export.classification();
            assert_eq!(c.severity, Severity::Export);
            assert_eq!(c.tool.as_deref(), Some("guard"));
        }
    }
}
