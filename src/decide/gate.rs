//! The gate: the one place guard rules on what a caller asks to do in an account, and enforces
//! the ruling. Every door goes through it: a run, a shell, each export (`env`,
//! `credential-process`, `console`, `eks-token`), `guard check`, the agents' hooks, and
//! `policy explain`, which prints what it would do.
//!
//! A `Gate` is the policy, the account (`Target`), how consent can be had (`Consent`) and who
//! asks (`Caller`). `rule` classifies the command, reads a saved plan it applies, and decides
//! once; `enforce` applies the ruling (a question, a refusal) and writes the audit line.

use std::ffi::OsString;

use crate::child::childenv::ChildEnv;
use crate::classify::{self, Classification, Severity};
use crate::credentials::verify::Verified;
use crate::decide::audit;
use crate::decide::banner;
use crate::decide::confirm;
use crate::decide::plan;
use crate::decide::policy::{self, AccountView, Action, Decision, Policy};
use crate::resolve::account::AccountId;
use crate::sys::error::Failure;
use crate::sys::fsutil::{self, home_dir};
use crate::sys::process::Process;
use crate::sys::redact;

/// Who asks: a person at a keyboard, or a program acting for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Person,
    /// An AI coding agent (its name: `claude-code`, ...): its command may be steered by text it
    /// read, so the policy's `[agents]` table decides for it as well.
    Agent(String),
}

impl Caller {
    /// As the audit line records it: `person` or `agent:NAME`.
    pub fn label(&self) -> String {
        match self {
            Caller::Person => "person".to_string(),
            Caller::Agent(name) => format!("agent:{name}"),
        }
    }
}

/// How consent can be had when the ruling needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consent {
    /// Ask the person at the controlling terminal (no terminal is a refusal that says how to
    /// consent from a script).
    Terminal,
    /// Given in advance, `--confirm NAME` or `GUARD_CONFIRM=NAME`: the account's name or ID.
    Given(String),
    /// No one here to ask (`guard check`, an agent's hook): the answer is that consent is
    /// needed, and the caller asks in its own way (an agent's permission prompt).
    Deferred,
    /// Asked already, once for many accounts (`guard each`), and given.
    Granted(confirm::Consent),
    /// Asked already, once for many accounts (`guard each`), and refused: why.
    Withheld(String),
}

impl Consent {
    /// A person's consent: given in advance, else asked at the terminal.
    pub fn of(given: Option<&str>) -> Consent {
        match given {
            Some(word) => Consent::Given(word.to_string()),
            None => Consent::Terminal,
        }
    }
}

/// The account the gate rules for, as far as guard knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// None when guard cannot know it without a request and may not make one (`guard check
    /// --offline`): the gate then rules as for an unknown account in a protected policy.
    pub account: Option<AccountId>,
    /// The name AWS knows (IAM alias or the portal's name).
    pub known_name: Option<String>,
    pub profile: String,
    /// Who the credentials are (an ARN), when guard verified them; None when the account
    /// comes from the profile's configuration or `--account`.
    pub principal: Option<String>,
}

impl Target {
    /// The account of verified credentials.
    pub fn of(verified: &Verified) -> Target {
        Target {
            account: Some(verified.identity.account.clone()),
            known_name: verified.account_name.clone(),
            profile: verified.profile.clone(),
            principal: Some(verified.identity.arn.clone()),
        }
    }

    fn policy(&self) -> policy::Target<'_> {
        policy::Target {
            account: self.account.as_ref().unwrap_or(&NO_ACCOUNT),
            known_name: self.known_name.as_deref(),
            profile: &self.profile,
        }
    }
}

/// What an unknown account is decided as: no account entry or rule naming an account matches it
/// (a rule for `accounts = ["*"]` does), and the gate protects it and asks at least.
static NO_ACCOUNT: std::sync::LazyLock<AccountId> =
    std::sync::LazyLock::new(|| "000000000000".parse().expect("an account ID"));

/// What a caller asks the gate to let through.
pub enum Command<'a> {
    /// A command to run with the credentials, argv[0] the program. `env` is the environment it
    /// would run with: with it, a saved terraform plan it applies is read (`plan`).
    Run {
        argv: &'a [OsString],
        env: Option<&'a ChildEnv>,
    },
    /// Credentials leaving guard for programs it does not see.
    Export(Export),
}

/// A way credentials leave guard for programs it does not see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Export {
    /// `guard env`: variables for a shell to evaluate.
    Env,
    /// `guard credential-process`: the document an SDK reads.
    CredentialProcess,
    /// `guard` with no command in an account that is not protected: this shell, with the
    /// credentials.
    Shell(String),
    /// A process in a guarded shell asks the shell's credential endpoint (an SDK script, a tool
    /// guard does not judge); decided on its first request.
    Endpoint(Requester),
    /// `guard console`: a signed-in console session in a browser.
    Console,
    /// `guard eks-token --cluster NAME` outside a guard run: a Kubernetes bearer token for
    /// kubectl.
    EksToken { cluster: String },
}

/// Who asks a guarded shell's endpoint for the credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requester {
    /// The process on the other end of the connection, and its command line.
    Process { pid: u32, argv: Vec<String> },
    /// guard could not find or read it; the text says why.
    Unknown(String),
}

impl Export {
    /// guard's subcommand that makes the export, as rules name it (`shell` for a shell and
    /// what a guarded shell serves).
    pub fn subcommand(&self) -> &'static str {
        match self {
            Export::Env => "env",
            Export::CredentialProcess => "credential-process",
            Export::Shell(_) | Export::Endpoint(_) => "shell",
            Export::Console => "console",
            Export::EksToken { .. } => "eks-token",
        }
    }

    /// The export as a classification, so that rules match it like a command: tool `guard`,
    /// the subcommand as its command path, severity `export`.
    pub fn classification(&self) -> Classification {
        let reason = match self {
            Export::Env => "guard env: prints the credentials for a shell to evaluate; what runs with them there is not checked".to_string(),
            Export::CredentialProcess => "guard credential-process: hands the credentials to an SDK; what it does with them is not checked".to_string(),
            Export::EksToken { .. } => "guard eks-token: hands kubectl a token for the cluster made from the credentials; what kubectl does with it is not checked".to_string(),
            Export::Console => "guard console: signs a browser in to the console with the credentials; what is done there is not checked".to_string(),
            Export::Shell(shell) => format!("starts the shell {shell} with the credentials; what runs in it is not checked"),
            Export::Endpoint(Requester::Process { pid, .. }) => format!("process {pid} in the guarded shell asks for the credentials (a program guard does not judge, such as an SDK script); what it does with them is not checked"),
            Export::Endpoint(Requester::Unknown(why)) => format!("a process guard cannot identify asks the guarded shell for the credentials ({why}); what it does with them is not checked"),
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

    /// The command line that makes the export, as the prompt and the audit line show it.
    fn argv(&self, profile: &str) -> Vec<String> {
        match self {
            Export::Shell(shell) => vec![shell.clone()],
            Export::Endpoint(Requester::Process { argv, .. }) => argv.clone(),
            Export::Endpoint(Requester::Unknown(_)) => vec!["(unknown process)".to_string()],
            _ => {
                let mut argv = ["guard", "-p", profile, self.subcommand()]
                    .map(str::to_string)
                    .to_vec();
                if let Export::EksToken { cluster } = self {
                    argv.extend(["--cluster".to_string(), cluster.clone()]);
                }
                argv
            }
        }
    }

    /// Where the program that waits on this export (an SDK's credential_process, kubectl's
    /// exec plugin) can give consent, given the word to type; None for the others, which a
    /// person runs at a terminal.
    fn consent_in(&self, profile: &str, word: &str) -> Option<String> {
        match self {
            Export::CredentialProcess => Some(format!(
                "the profile's line, `credential_process = guard credential-process -p {profile} --confirm {word}`"
            )),
            Export::EksToken { .. } => Some(format!(
                "the kubeconfig user's exec arguments (`--confirm {word}`)"
            )),
            Export::Env | Export::Shell(_) | Export::Endpoint(_) | Export::Console => None,
        }
    }
}

/// The gate's ruling on one command.
#[derive(Debug, Clone)]
pub struct Ruling {
    pub classification: Classification,
    pub view: AccountView,
    pub decision: Decision,
    /// What a saved terraform plan does, when the ruling read one (see `plan`).
    pub plan: Option<audit::PlanSummary>,
    /// The command as words, for the prompt and the audit line (secrets are hidden there).
    pub argv: Vec<String>,
    /// The export ruled on, when it was one.
    pub export: Option<Export>,
}

/// The ruling as a yes/no/ask, which is all a caller that runs nothing needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Allow,
    /// Allowed only with consent.
    Ask,
    Deny,
}

impl Ruling {
    pub fn answer(&self) -> Answer {
        if self.classification.credential_override.is_some() {
            return Answer::Deny;
        }
        match self.decision.action {
            Action::Allow => Answer::Allow,
            Action::Confirm => Answer::Ask,
            Action::Deny => Answer::Deny,
        }
    }
}

/// How a ruling was let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passage {
    /// Nothing was needed.
    Allowed,
    /// A person consented.
    Consented(confirm::Consent),
    /// Consent is needed and was left to the caller (`Consent::Deferred`).
    Deferred,
}

pub struct Gate<'p> {
    policy: &'p Policy,
    target: Target,
    consent: Consent,
    caller: Caller,
    view: AccountView,
    /// The change reason the caller gave (`--reason`, `GUARD_REASON`), for rules that require one.
    reason: Option<String>,
    /// When the decision is made, for freeze windows: now, unless a policy test says.
    at: Option<jiff::Timestamp>,
}

impl<'p> Gate<'p> {
    pub fn new(policy: &'p Policy, target: Target, consent: Consent, caller: Caller) -> Self {
        let mut view = policy.account(&target.policy());
        if target.account.is_none() {
            view = AccountView {
                protected: true,
                ..AccountView::default()
            };
        }
        Gate {
            policy,
            target,
            consent,
            caller,
            view,
            reason: None,
            at: None,
        }
    }

    /// Whether `[terraform] plan_first` is on for the account (see `plan_first`).
    pub fn plan_first(&self) -> bool {
        self.policy
            .plan_first(&self.target.policy(), &self.view)
            .is_some()
    }

    /// Decides as at `at` rather than now (`guard policy test`'s cases): freeze windows open
    /// then count.
    pub fn at(mut self, at: jiff::Timestamp) -> Self {
        self.at = Some(at);
        self
    }

    /// The change reason given with the request: a decision that requires one is a deny
    /// without it (or when it does not match the pattern), and the prompt and the audit line
    /// show it.
    pub fn with_reason(mut self, reason: Option<String>) -> Self {
        self.reason = reason.filter(|r| !r.trim().is_empty());
        self
    }

    /// What the policy says about the account (the banner shows it before any ruling).
    pub fn view(&self) -> &AccountView {
        &self.view
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    pub fn policy(&self) -> &Policy {
        self.policy
    }

    /// Classifies and decides a command; in a protected account a saved terraform plan it
    /// applies is read first, and the decision is on what the plan does.
    pub fn rule(&self, command: &Command) -> Ruling {
        match command {
            Command::Export(export) => {
                let mut ruling = self.rule_classified(export.classification(), Vec::new());
                ruling.argv = export.argv(&self.target.profile);
                ruling.export = Some(export.clone());
                ruling
            }
            Command::Run { argv, env } => {
                let words: Vec<String> = argv
                    .iter()
                    .map(|a| a.to_string_lossy().into_owned())
                    .collect();
                let classification = classify_argv(&words);
                self.rule_run(classification, argv, words, *env)
            }
        }
    }

    /// `rule` for a command to run that is already classified (`guard each` classifies once
    /// for all its accounts): in a protected account a saved plan it applies is still read,
    /// with this account's environment.
    pub fn rule_run(
        &self,
        classification: Classification,
        argv: &[OsString],
        words: Vec<String>,
        env: Option<&ChildEnv>,
    ) -> Ruling {
        if !self.view.protected {
            return self.decided(classification, None, words);
        }
        self.reviewed(classification, words, |saved| {
            plan::shown(&argv[0], saved, env)
        })
    }

    /// The ruling on a command in a protected account: a saved plan it applies is read with
    /// `shown` (what `terraform show -json` prints), ruled on with the plan rules, and decided.
    pub fn reviewed(
        &self,
        classification: Classification,
        words: Vec<String>,
        shown: impl FnOnce(&classify::SavedPlan) -> Result<Vec<u8>, String>,
    ) -> Ruling {
        let target = self.target.policy();
        let rules = plan::PlanRules {
            policy: self.policy,
            target: &target,
            view: &self.view,
        };
        let reviewed = plan::review(classification, &rules, &words, shown);
        let mut ruling = self.decided(reviewed.classification, reviewed.summary, words);
        if let Some(raise) = reviewed.raise
            && raise.action > ruling.decision.action
        {
            ruling.decision = raise.with_reason(self.reason.as_deref());
        }
        ruling
    }

    /// The ruling on a classification made elsewhere (a benchmark's classifier run with an
    /// in-memory environment); `argv` is the command as words.
    pub fn rule_classified(&self, classification: Classification, argv: Vec<String>) -> Ruling {
        self.decided(classification, None, argv)
    }

    fn decided(
        &self,
        classification: Classification,
        plan: Option<audit::PlanSummary>,
        argv: Vec<String>,
    ) -> Ruling {
        let target = self.target.policy();
        let decision = match self.at {
            Some(at) => self
                .policy
                .decide_at(&target, &self.view, &classification, at),
            None => self.policy.decide(&target, &self.view, &classification),
        };
        let mut decision = match self.caller {
            Caller::Agent(_) => self.for_agent(decision, classification.severity),
            Caller::Person => decision,
        };
        if self.target.account.is_none() && decision.action < Action::Confirm {
            let reasons = std::mem::take(&mut decision.reasons);
            decision = Decision::new(Action::Confirm, policy::Basis::UnknownAccount);
            decision.reasons = reasons;
        }
        let decision = decision.with_reason(self.reason.as_deref());
        Ruling {
            classification,
            view: self.view.clone(),
            decision,
            plan,
            argv,
            export: None,
        }
    }

    /// An agent's command may be steered by text it read: in a protected account `[agents]`
    /// says what it needs on top of what a person would (`policy explain` shows both).
    pub fn for_agent(&self, decision: Decision, severity: Severity) -> Decision {
        if !self.view.protected {
            return decision;
        }
        let mut agents = self.policy.agents_decision(severity);
        if agents.action > decision.action {
            // The change reasons the person's decision needs still hold.
            agents.reasons = decision.reasons;
            agents
        } else {
            decision
        }
    }

    /// Applies a ruling and records it: a refusal is an `Err` (after the audit line), consent
    /// is asked for as `consent` says.
    pub fn enforce(&self, ruling: &Ruling) -> anyhow::Result<Passage> {
        let passage = self.pass(ruling);
        self.record(ruling, &passage)?;
        Ok(passage?)
    }

    fn pass(&self, ruling: &Ruling) -> Result<Passage, Failure> {
        let classification = &ruling.classification;
        let shown_account = self
            .target
            .account
            .as_ref()
            .map_or_else(|| "(not known)".to_string(), AccountId::to_string);
        if let Some(choice) = &classification.credential_override {
            return Err(Failure::refused(format!(
                "the command chooses its own credentials ({choice}), not the ones guard verified for profile '{}'; nothing was run",
                self.target.profile
            ))
            .with_hint(format!(
                "drop {choice} and choose the profile with guard -p instead"
            )));
        }
        match ruling.decision.action {
            Action::Allow => Ok(Passage::Allowed),
            Action::Deny => Err(Failure::refused(format!(
                "denied in account {shown_account}: {} ({})",
                classification.reason,
                ruling.decision.describe()
            ))),
            Action::Confirm => {
                let given = match &self.consent {
                    Consent::Deferred => return Ok(Passage::Deferred),
                    Consent::Granted(consent) => return Ok(Passage::Consented(*consent)),
                    Consent::Withheld(why) => return Err(Failure::refused(why.clone())),
                    Consent::Given(word) => Some(word.as_str()),
                    Consent::Terminal => None,
                };
                let Some(account) = &self.target.account else {
                    return Err(Failure::refused(format!(
                        "{}: needs consent, and the account of profile '{}' is not known, so no one can consent to it",
                        classification.reason, self.target.profile
                    )));
                };
                // Only a prompt shows the command; hiding its secrets compiles the redaction's
                // patterns, which would otherwise be most of a warm run's instructions.
                let shown =
                    Process::from_argv(&ruling.argv).map_or_else(String::new, |p| p.to_string());
                let understood = classification.understood.to_string();
                let request = confirm::Request {
                    account,
                    view: &ruling.view,
                    command: &shown,
                    understood: &understood,
                    reason: &classification.reason,
                    change_reason: self.reason.as_deref(),
                    export: classification.severity == Severity::Export,
                };
                confirm::confirm(&request, given, banner::use_color())
                    .map(Passage::Consented)
                    .map_err(|refused| {
                        let word = ruling.view.confirm_word(account);
                        match ruling
                            .export
                            .as_ref()
                            .and_then(|e| e.consent_in(&self.target.profile, &word))
                        {
                            Some(place) => refused.with_hint(format!(
                                "consent in {place}, or allow it with a policy rule: [[rules]] severity = [\"export\"] profiles = [\"{}\"] action = \"allow\"",
                                self.target.profile
                            )),
                            None => refused,
                        }
                    })
            }
        }
    }

    /// Writes the audit line for a ruling and what came of it, when the policy wants one: every
    /// decision in a protected account, every one with `[audit] all`.
    fn record(&self, ruling: &Ruling, passage: &Result<Passage, Failure>) -> anyhow::Result<()> {
        if !ruling.view.protected && !self.policy.audit_all() {
            return Ok(());
        }
        audit::append(&audit::Record {
            profile: &self.target.profile,
            account_id: self.target.account.as_ref().map_or("", AccountId::as_str),
            account_name: ruling.view.name.as_deref(),
            principal_arn: self.target.principal.as_deref().unwrap_or(""),
            caller: self.caller.label(),
            argv: redact::redact(&ruling.argv),
            classification: ruling.classification.severity.as_str(),
            reason: &ruling.classification.reason,
            change_reason: self.reason.as_deref(),
            decision: match ruling.decision.action {
                Action::Allow => "allow",
                Action::Confirm => "confirm",
                Action::Deny => "deny",
            },
            basis: ruling.decision.describe(),
            confirmed: match passage {
                Ok(Passage::Consented(c)) => Some(c.as_str()),
                _ => None,
            },
            outcome: match passage {
                Ok(Passage::Allowed | Passage::Consented(_)) => "allowed",
                Ok(Passage::Deferred) => "consent left to the caller",
                Err(_) => "refused",
            },
            plan: ruling.plan.as_ref(),
        })
    }
}

/// An export to the person at this terminal (`guard -p PROFILE env`, `console`): the banner
/// first (unless `quiet`), so that a question comes after the account it is about.
/// `before_asking` runs between the two: a refusal of its own comes before any question.
pub fn shown_export<T>(
    gate: &Gate,
    verified: &Verified,
    quiet: bool,
    export: Export,
    before_asking: impl FnOnce(&Ruling) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let ruling = gate.rule(&Command::Export(export));
    if !quiet {
        banner::show(
            verified,
            &ruling.view,
            banner::Starting::Command,
            false,
            banner::use_color(),
        );
    }
    let prepared = before_asking(&ruling)?;
    gate.enforce(&ruling)?;
    Ok(prepared)
}

/// Classifies a command line given as words, with the process's environment and files.
pub fn classify_argv(argv: &[String]) -> Classification {
    let cwd = std::env::current_dir().ok();
    classify_in(argv, &|name| std::env::var(name).ok(), cwd.as_deref())
}

/// Classifies a command line that runs with the environment `var` reads, in the folder `cwd`
/// (another process's: `credential-process --caller`), with the files on this machine.
pub fn classify_in(
    argv: &[String],
    var: &dyn Fn(&str) -> Option<String>,
    cwd: Option<&std::path::Path>,
) -> Classification {
    // The AWS CLI finds its alias file through HOME, falling back to the password database.
    let env = |name: &str| {
        var(name).or_else(|| {
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
        argv,
        &classify::Context {
            env: &env,
            read_file: &read_file,
            cwd,
            disk: &RealDisk,
        },
    )
}

/// The disk as the child will find it (guard runs it in its own working folder).
struct RealDisk;

/// How far `holds_state` looks before it gives up and answers yes: a folder this large is
/// more likely a home or a monorepo than a download target.
const STATE_SEARCH_ENTRIES: usize = 20_000;
const STATE_SEARCH_DEPTH: usize = 8;
/// How many names `names` lists before it gives up (the glob is then unknown).
const GLOB_NAMES: usize = 10_000;

impl classify::Disk for RealDisk {
    fn metadata_service(&self) -> Option<String> {
        static FOUND: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        FOUND
            .get_or_init(crate::sys::machine::metadata_service)
            .clone()
    }

    fn names(&self, folder: &std::path::Path) -> Option<Vec<String>> {
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            // A folder that is not there holds nothing: the glob stays as written.
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Some(Vec::new()),
            Err(_) => return None,
        };
        let mut names = Vec::new();
        for entry in entries {
            if names.len() >= GLOB_NAMES {
                return None;
            }
            names.push(entry.ok()?.file_name().into_string().ok()?);
        }
        Some(names)
    }

    fn holds_python_modules(&self, folder: &std::path::Path) -> bool {
        let Ok(entries) = std::fs::read_dir(folder) else {
            // A working folder that is not there holds nothing; one unreadable might.
            return folder.exists();
        };
        for entry in entries {
            let Ok(entry) = entry else { return true };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".py") || name.ends_with(".pyc") || name.ends_with(".so") {
                return true;
            }
            if entry.path().join("__init__.py").exists()
                || entry.path().join("__init__.pyc").exists()
            {
                return true;
            }
        }
        false
    }

    fn probe(&self, path: &std::path::Path) -> classify::Probe {
        let Ok(metadata) = std::fs::metadata(path) else {
            // A dangling symlink is still something a write would follow.
            return match std::fs::symlink_metadata(path) {
                Ok(_) => classify::Probe::File {
                    real: path.to_path_buf(),
                },
                Err(_) => classify::Probe::Missing,
            };
        };
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if metadata.is_dir() {
            classify::Probe::Folder { real }
        } else {
            classify::Probe::File { real }
        }
    }

    fn holds_state(&self, folder: &std::path::Path) -> bool {
        let mut pending = vec![(folder.to_path_buf(), 0)];
        let mut seen = 0;
        while let Some((dir, depth)) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                // The folder itself missing holds nothing; one below it unreadable might.
                if depth == 0 && !dir.exists() {
                    return false;
                }
                return true;
            };
            for entry in entries {
                seen += 1;
                let Ok(entry) = entry else { return true };
                if seen > STATE_SEARCH_ENTRIES {
                    return true;
                }
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.ends_with(".tfstate")
                    || name.contains(".tfstate.")
                    || name == "terraform.tfstate.d"
                    || name == ".terraform"
                {
                    return true;
                }
                // A package tree or git's own files are not where a tool keeps its state.
                let skipped = name == "node_modules" || name == ".git";
                if !skipped && entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                    if depth + 1 >= STATE_SEARCH_DEPTH {
                        return true;
                    }
                    pending.push((entry.path(), depth + 1));
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(extra: &str) -> Policy {
        let mut layers = vec![policy::Layer {
            origin: policy::Origin::Shipped,
            name: "default.toml".to_string(),
            file: policy::parse("default.toml", include_str!("../../policies/default.toml"))
                .unwrap(),
        }];
        layers.push(policy::Layer {
            origin: policy::Origin::User,
            name: "user.toml".to_string(),
            file: policy::parse("user.toml", extra).unwrap(),
        });
        Policy { layers }
    }

    const PROD: &str = "[[accounts]]\nid = \"222222222222\"\nname = \"prod\"\nprotected = true\n";

    fn answer(policy: &Policy, caller: Caller, severity: Severity) -> Answer {
        let gate = Gate::new(
            policy,
            Target {
                account: Some("222222222222".parse().unwrap()),
                known_name: None,
                profile: "prod".to_string(),
                principal: None,
            },
            Consent::Deferred,
            caller,
        );
        let mut c = Export::Env.classification();
        c.severity = severity;
        c.tool = Some("x".to_string());
        gate.rule_classified(c, Vec::new()).answer()
    }

    #[test]
    fn agents_follow_the_agents_table_in_protected_accounts_only() {
        let agent = || Caller::Agent("claude-code".to_string());
        let prod = policy(PROD);
        let expected = [
            (Severity::Read, Answer::Allow),
            (Severity::Write, Answer::Ask),
            (Severity::Destructive, Answer::Ask),
            (Severity::Unknown, Answer::Ask),
            (Severity::Export, Answer::Deny),
        ];
        for (severity, answer_) in expected {
            assert_eq!(answer(&prod, agent(), severity), answer_, "{severity:?}");
        }
        // A person is asked for an export; outside protected accounts nothing is limited.
        assert_eq!(answer(&prod, Caller::Person, Severity::Export), Answer::Ask);
        let open = policy("");
        for (severity, _) in expected {
            assert_eq!(answer(&open, agent(), severity), Answer::Allow);
        }
        // An organisation can make any of them deny; a person's allow rule does not lift it.
        let strict = format!(
            "{PROD}\n[agents]\ndestructive = \"deny\"\n\n[[rules]]\ntool = \"x\"\naction = \"allow\"\n"
        );
        let strict = policy(&strict);
        assert_eq!(
            answer(&strict, agent(), Severity::Destructive),
            Answer::Deny
        );
        assert_eq!(
            answer(&strict, Caller::Person, Severity::Destructive),
            Answer::Allow
        );
        assert_eq!(answer(&strict, agent(), Severity::Write), Answer::Ask);
    }

    #[test]
    fn an_agent_is_never_allowed_an_unknown_command_in_a_protected_account() {
        let err = policy::parse("p.toml", "[agents]\nunknown = \"allow\"\n").unwrap_err();
        assert!(err.message.starts_with("p.toml:1:"), "{}", err.message);
        let loose = format!(
            "{PROD}\n[agents]\nwrite = \"allow\"\n[protected]\nunknown = \"allow\"\nwrite = \"allow\"\n"
        );
        let loose = policy(&loose);
        let agent = Caller::Agent("x".to_string());
        assert_eq!(
            answer(&loose, agent.clone(), Severity::Unknown),
            Answer::Ask
        );
        assert_eq!(answer(&loose, agent, Severity::Write), Answer::Allow);
    }

    #[test]
    fn an_untrusted_file_only_tightens_agents() {
        let mut p = policy(PROD);
        p.layers.push(policy::Layer {
            origin: policy::Origin::Untrusted,
            name: ".guard.toml".to_string(),
            file: policy::parse(
                ".guard.toml",
                "[agents]\nread = \"confirm\"\nexport = \"allow\"\n",
            )
            .unwrap(),
        });
        p.tighten_untrusted();
        let agent = || Caller::Agent("x".to_string());
        assert_eq!(answer(&p, agent(), Severity::Read), Answer::Ask);
        assert_eq!(answer(&p, agent(), Severity::Export), Answer::Deny);
        assert_eq!(p.layers[2].file.ignored.len(), 1);
        p.layers.pop();
        assert_eq!(answer(&p, agent(), Severity::Read), Answer::Allow);
    }

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
