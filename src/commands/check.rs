//! `guard check`: what the gate would answer for a command, without running it (for scripts,
//! CI and agents' hooks). The account comes without a request when guard can know it: the
//! identity verified when the credentials were cached, else the one the profile's
//! configuration promises; else a request is made, or with `--offline` the account is unknown
//! and decided as a protected one.

use std::ffi::OsString;
use std::io::Read as _;

use serde::Serialize;

use crate::classify::Severity;
use crate::credentials::verify::Located;
use crate::decide::gate::{self, Answer, Caller, Command, Consent, Gate, Passage, Ruling};
use crate::decide::policy::{Basis, Policy};
use crate::options::Options;
use crate::resolve::account::AccountId;
use crate::sys::error::Failure;
use crate::sys::exit_codes::ExitCode;
use crate::sys::output::{self, Delivery};

/// The most of a command line `--stdin` (or a hook) reads: a command, not a file.
pub const STDIN_LIMIT: u64 = 1 << 20;

/// What is asked: a command, for whom, where.
pub struct Question {
    /// `--account ID`: decide for this account, whatever profile (no network).
    pub account: Option<String>,
    /// `--offline`: never make a request; an account guard cannot know is unknown.
    pub offline: bool,
    pub caller: Caller,
    /// The command as a run would get it (argv[0] is the program).
    pub argv: Vec<OsString>,
}

/// How guard knows the account it decided for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KnownFrom {
    /// `--account ID`.
    Given,
    /// The identity STS gave when the cached credentials were fetched.
    Cache,
    /// The profile's configuration (sso_account_id, role_arn), not verified.
    Configuration,
    /// Credentials fetched and verified now.
    Verified,
    /// Not known (`--offline`, or a command that chooses credentials guard cannot read).
    Unknown,
}

/// The gate's answer for one command, with what it was for.
pub struct Judged {
    pub ruling: Ruling,
    pub target: gate::Target,
    pub known_from: KnownFrom,
    /// What enforcing it came to: Err when refused (the reason), else how it passed.
    pub passage: Result<Passage, String>,
}

impl Judged {
    pub fn answer(&self) -> Answer {
        match &self.passage {
            Err(_) => Answer::Deny,
            Ok(Passage::Deferred) => Answer::Ask,
            Ok(_) => Answer::Allow,
        }
    }

    /// "account 222222222222 (prod) [production], protected, profile prod-admin".
    pub fn account_line(&self) -> String {
        let view = &self.ruling.view;
        let mut line = match &self.target.account {
            Some(id) => format!("account {id}"),
            None => "an account guard does not know".to_string(),
        };
        if let Some(name) = &view.name {
            line.push_str(&format!(" ({name})"));
        }
        if let Some(env) = &view.environment {
            line.push_str(&format!(" [{env}]"));
        }
        line.push_str(if view.protected {
            ", protected"
        } else {
            ", not protected"
        });
        if !self.target.profile.is_empty() {
            line.push_str(&format!(", profile {}", self.target.profile));
        }
        line
    }

    /// One sentence: the answer, the account, what the command does, and why.
    pub fn sentence(&self) -> String {
        let c = &self.ruling.classification;
        let what = match self.answer() {
            Answer::Allow => "allowed",
            Answer::Ask => "needs consent",
            Answer::Deny => "denied",
        };
        let why = match &self.passage {
            Err(refusal) if c.credential_override.is_some() => refusal.clone(),
            _ => self.ruling.decision.describe(),
        };
        format!(
            "guard: {what} in {}: {} [{}] ({why})",
            self.account_line(),
            c.reason,
            c.severity.as_str()
        )
    }
}

/// Decides `question` for the profile a run would use and for every profile the command line
/// names for itself (`AWS_PROFILE=x …`, `--profile x`): the strictest answer counts.
pub fn judge(options: &Options, policy: &Policy, question: &Question) -> anyhow::Result<Judged> {
    let words: Vec<String> = question
        .argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if question.account.is_some() {
        return judge_at(options, policy, question, None);
    }
    let named = match named_profiles(&words) {
        Ok(named) => named,
        // A profile named by an expansion: the command's account is not known.
        Err(word) => {
            let mut judged = judge_unknown(options, policy, question, None)?;
            judged.ruling.classification.reason.push_str(&format!(
                "; it chooses its profile or AWS configuration with {word}, which guard cannot read"
            ));
            return Ok(judged);
        }
    };
    // Keys in the environment win over AWS_PROFILE for the AWS CLI and the SDKs: unless they are
    // the ones a guard shell verified (GUARD_ACCOUNT_ID), their account is not known.
    let keys = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let foreign_keys =
        options.profile.is_none() && keys("AWS_ACCESS_KEY_ID") && !keys("GUARD_ACCOUNT_ID");
    let environment = if foreign_keys {
        judge_unknown(options, policy, question, None).map(|mut judged| {
            judged.ruling.classification.reason.push_str(
                "; the environment holds credentials (AWS_ACCESS_KEY_ID) that guard did not verify, whose account it does not know",
            );
            judged
        })
    } else {
        judge_at(options, policy, question, None)
    };
    let mut strictest = match environment {
        Ok(judged) => Some(judged),
        // Without a profile of its own the command uses those it names.
        Err(_) if !named.is_empty() => None,
        Err(e) => return Err(e),
    };
    for profile in &named {
        let judged = judge_at(options, policy, question, Some(profile))?;
        if strictest
            .as_ref()
            .is_none_or(|s| rank(judged.answer()) > rank(s.answer()))
        {
            strictest = Some(judged);
        }
    }
    let strictest =
        strictest.ok_or_else(|| anyhow::anyhow!("no profile to judge the command for"))?;
    // An agent's line guard cannot read may choose its profile where guard does not see it
    // (`source prod.env`, `eval "$(...)"`, a function) before it runs a tool: its account is
    // not known either.
    let c = &strictest.ruling.classification;
    let runs_tool = c.tool.is_some() || c.others.iter().any(|other| other.tool.is_some());
    if matches!(question.caller, Caller::Agent(_))
        && c.severity == Severity::Unknown
        && runs_tool
        && strictest.target.account.is_some()
    {
        let mut judged = judge_unknown(options, policy, question, None)?;
        judged.ruling.classification.reason.push_str(
            "; guard cannot read all of the line, which may choose the profile the tool uses, so its account is not known",
        );
        if rank(judged.answer()) > rank(strictest.answer()) {
            return Ok(judged);
        }
    }
    Ok(strictest)
}

fn rank(answer: Answer) -> u8 {
    match answer {
        Answer::Allow => 0,
        Answer::Ask => 1,
        Answer::Deny => 2,
    }
}

/// Decides for one profile (`profile`, else the one a run would choose) or `--account`.
fn judge_at(
    options: &Options,
    policy: &Policy,
    question: &Question,
    profile: Option<&str>,
) -> anyhow::Result<Judged> {
    let (target, known_from) = match &question.account {
        Some(id) => {
            let id: AccountId = id.parse().map_err(Failure::usage)?;
            let target = gate::Target {
                account: Some(id),
                known_name: None,
                profile: options.profile.clone().unwrap_or_default(),
                principal: None,
            };
            (target, KnownFrom::Given)
        }
        None => locate(options, profile, question.offline)?,
    };
    let gate = Gate::new(policy, target, Consent::Deferred, question.caller.clone());
    let ruling = gate.rule(&Command::Run {
        argv: &question.argv,
        env: None,
    });
    // Outside a run a command may name its own profile: judged for it above. Any other choice
    // of credentials makes its account unknown.
    if let Some(choice) = &ruling.classification.credential_override {
        if choice.contains("--profile") {
            let mut ruling = ruling;
            ruling.classification.credential_override = None;
            return finish(gate, ruling, known_from);
        }
        let choice = choice.clone();
        let mut judged = judge_unknown(options, policy, question, profile)?;
        judged.ruling.classification.reason.push_str(&format!(
            "; it chooses its own credentials ({choice}), whose account guard does not know"
        ));
        return Ok(judged);
    }
    finish(gate, ruling, known_from)
}

/// Decides as for an unknown account in a protected policy.
fn judge_unknown(
    options: &Options,
    policy: &Policy,
    question: &Question,
    profile: Option<&str>,
) -> anyhow::Result<Judged> {
    let target = gate::Target {
        account: None,
        known_name: None,
        profile: profile
            .map(str::to_string)
            .or_else(|| options.profile.clone())
            .unwrap_or_default(),
        principal: None,
    };
    let gate = Gate::new(policy, target, Consent::Deferred, question.caller.clone());
    let mut ruling = gate.rule(&Command::Run {
        argv: &question.argv,
        env: None,
    });
    ruling.classification.credential_override = None;
    finish(gate, ruling, KnownFrom::Unknown)
}

fn finish(gate: Gate, ruling: Ruling, known_from: KnownFrom) -> anyhow::Result<Judged> {
    let passage = match gate.enforce(&ruling) {
        Ok(passage) => Ok(passage),
        Err(e)
            if e.downcast_ref::<Failure>()
                .is_some_and(|f| f.kind == ExitCode::Refused) =>
        {
            Err(e.to_string())
        }
        Err(e) => return Err(e),
    };
    Ok(Judged {
        ruling,
        target: gate.target().clone(),
        known_from,
        passage,
    })
}

/// The account of `profile` (else the one a run would choose): without a request when guard
/// can know it.
fn locate(
    options: &Options,
    profile: Option<&str>,
    offline: bool,
) -> anyhow::Result<(gate::Target, KnownFrom)> {
    let resolved = crate::credentials::resolved::Resolved::of(
        profile.or(options.profile.as_deref()),
        options.region.as_deref(),
    )?;
    let name = resolved.profile().to_string();
    let target = |account, known_name, principal| gate::Target {
        account,
        known_name,
        profile: name.clone(),
        principal,
    };
    Ok(match resolved.located(options.cache_use) {
        Located::Verified {
            identity,
            account_name,
        } => (
            target(Some(identity.account), account_name, Some(identity.arn)),
            KnownFrom::Cache,
        ),
        Located::Configured(account) => {
            (target(Some(account), None, None), KnownFrom::Configuration)
        }
        Located::Unknown if offline => (target(None, None, None), KnownFrom::Unknown),
        Located::Unknown => {
            let verified = resolved.verify(options.cache_use)?;
            (gate::Target::of(&verified), KnownFrom::Verified)
        }
    })
}

/// The profiles a command line names for itself, as literal names: `AWS_PROFILE=x` and
/// `AWS_DEFAULT_PROFILE=x` (before a command, after `export` or `env`), `--profile x` and
/// `--profile=x` (and the AWS CLI's unique prefixes of it, `--prof x`), also inside a script
/// given to a shell (`bash -c '…'`). Err with the word when one is named by an expansion guard
/// cannot read, or when the line chooses the profile or the configuration another way (a
/// loop or `read` into AWS_PROFILE, `printf -v`, a name reference, `+=`, `unset`, `env -u`,
/// or AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE or HOME set or moved): its account is not
/// known.
pub fn named_profiles(words: &[String]) -> Result<Vec<String>, String> {
    if let Some(word) = words.iter().find_map(|word| chooses_otherwise(word)) {
        return Err(word);
    }
    let mut named = Vec::new();
    scan(words, &mut named, 0)?;
    named.sort();
    named.dedup();
    Ok(named)
}

/// The variables that choose the profile or the configuration it is read from.
const PROFILE_VARS: &[&str] = &["AWS_PROFILE", "AWS_DEFAULT_PROFILE"];
const CONFIG_VARS: &[&str] = &[
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    // botocore's environment providers, which come before the profile's own.
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/// Whether the text (a word, or a script given to a shell) chooses the profile or the
/// configuration other than by a literal `AWS_PROFILE=x`/`AWS_DEFAULT_PROFILE=x` assignment:
/// every mention of those variables must be that assignment or a plain read (`$AWS_PROFILE`,
/// `${AWS_PROFILE}`); the configuration files' and the credential providers' variables
/// (`CONFIG_VARS`) may only be read; HOME (where `~/.aws/config` is) may not be assigned,
/// unset or read into. Some(the word that does).
fn chooses_otherwise(text: &str) -> Option<String> {
    let separator = |c: char| c.is_whitespace() || ";&|()'\"".contains(c);
    // The word around a mention, for the reason.
    let word_at = |at: usize| {
        let start = text[..at].rfind(separator).map_or(0, |i| i + 1);
        let end = text[at..].find(separator).map_or(text.len(), |i| at + i);
        text[start..end].to_string()
    };
    let mentions = |name: &str, assignable: bool| {
        text.match_indices(name).find(|(at, _)| {
            let at = *at;
            let before = &text[..at];
            let after = &text[at + name.len()..];
            // Part of a longer name (`MY_AWS_PROFILE`, `AWS_PROFILE_X`).
            let longer = before.chars().next_back().is_some_and(is_name_char)
                || after.chars().next().is_some_and(is_name_char);
            if longer {
                return false;
            }
            let read = before.ends_with('$') || (before.ends_with("${") && after.starts_with('}'));
            let assigned = assignable
                && after.starts_with('=')
                && before
                    .chars()
                    .next_back()
                    .is_none_or(|c| c.is_whitespace() || ";&|('\"".contains(c));
            !(read || assigned)
        })
    };
    PROFILE_VARS
        .iter()
        .find_map(|name| mentions(name, true))
        .or_else(|| CONFIG_VARS.iter().find_map(|name| mentions(name, false)))
        .map(|(at, _)| word_at(at))
        .or_else(|| {
            text.split(separator)
                .find(|word| {
                    *word == "HOME"
                        || word.starts_with("HOME=")
                        || word.starts_with("HOME+=")
                        || word.ends_with("=HOME")
                })
                .map(str::to_string)
        })
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `--profile` or a unique prefix of it the AWS CLI's argparse takes (`--prof`), alone or
/// with `=value`: Some(the value, if attached).
fn profile_option(word: &str) -> Option<Option<&str>> {
    let (name, value) = match word.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (word, None),
    };
    (name.len() >= 3 && "--profile".starts_with(name)).then_some(value)
}

fn scan(words: &[String], named: &mut Vec<String>, depth: usize) -> Result<(), String> {
    let literal = |value: &str, word: &str| -> Result<String, String> {
        let value = value.trim_end_matches([';', '&', '|', ')']);
        if value.is_empty() || value.contains(['$', '`', '(', '*', '?', '[', '{']) {
            Err(word.to_string())
        } else {
            Ok(value.to_string())
        }
    };
    let mut next_is_profile = false;
    for word in words {
        if next_is_profile {
            named.push(literal(word, &format!("--profile {word}"))?);
            next_is_profile = false;
            continue;
        }
        if depth < 4 && word.contains(char::is_whitespace) {
            // A script given to a shell, `sh -c '…'`: its words, as a POSIX shell splits them.
            match shlex::split(word) {
                Some(inner) => scan(&inner, named, depth + 1)?,
                None if word.contains("AWS_PROFILE") || word.contains("--pro") => {
                    return Err(word.clone());
                }
                None => {}
            }
        } else if let Some(attached) = profile_option(word) {
            match attached {
                Some(value) => named.push(literal(value, word)?),
                None => next_is_profile = true,
            }
        } else if let Some(value) = word
            .strip_prefix("AWS_PROFILE=")
            .or_else(|| word.strip_prefix("AWS_DEFAULT_PROFILE="))
        {
            named.push(literal(value, word)?);
        }
    }
    Ok(())
}

/// The command line `--stdin` reads: text, read with the grammar of the shell `SHELL` names
/// (see [`command_line`]).
pub fn read_command_line(reader: impl std::io::Read) -> Result<Vec<OsString>, Failure> {
    let mut text = String::new();
    reader
        .take(STDIN_LIMIT + 1)
        .read_to_string(&mut text)
        .map_err(|e| Failure::usage(format!("cannot read the command line on stdin: {e}")))?;
    if text.len() as u64 > STDIN_LIMIT {
        return Err(Failure::usage(format!(
            "the command line on stdin is longer than {STDIN_LIMIT} bytes"
        )));
    }
    let shell = std::env::var("SHELL").ok();
    command_line(&text, shell.as_deref())
}

/// A command line as text, as the shell at `shell` (a path or a name) runs it: `bash -c TEXT`
/// for bash, sh and dash; `zsh -f -c TEXT` for zsh, and when guard does not know the shell
/// (`None`): the classifier then keeps read to what bash and zsh read alike (zsh's globs,
/// `=cmd`, `>!`, hooks are unknown), and zsh's `-f` leaves the user's own start-up files out,
/// as bash -c reads none: they are the user's setup. Any other shell (fish, ...) reads another
/// grammar guard does not know: `NAME -c TEXT`, which is unknown.
pub fn command_line(text: &str, shell: Option<&str>) -> Result<Vec<OsString>, Failure> {
    if text.trim().is_empty() {
        return Err(Failure::usage("the command line is empty"));
    }
    let name = shell
        .map(|path| path.rsplit('/').next().unwrap_or(path))
        .filter(|name| !name.is_empty());
    let argv: Vec<&str> = match name {
        Some("bash" | "sh" | "dash") => vec!["bash", "-c", text],
        Some("zsh") | None => vec!["zsh", "-f", "-c", text],
        Some(other) => vec![other, "-c", text],
    };
    Ok(argv.into_iter().map(OsString::from).collect())
}

#[derive(Serialize)]
struct Report<'a> {
    decision: &'static str,
    classification: &'static str,
    reason: &'a str,
    understood: String,
    account: AccountReport<'a>,
    because: String,
    /// The policy entry that decided, as file:line (a rule, or a [protected]/[agents] table).
    rule: Option<RuleReport<'a>>,
    caller: String,
}

#[derive(Serialize)]
struct AccountReport<'a> {
    id: Option<&'a str>,
    name: Option<&'a str>,
    environment: Option<&'a str>,
    protected: bool,
    profile: &'a str,
    known_from: KnownFrom,
}

#[derive(Serialize)]
struct RuleReport<'a> {
    file: &'a str,
    line: usize,
    message: Option<&'a str>,
}

fn report(judged: &Judged, caller: &Caller) -> String {
    let ruling = &judged.ruling;
    let c = &ruling.classification;
    let rule = match &ruling.decision.basis {
        Basis::Rule { at, message } => Some(RuleReport {
            file: &at.file,
            line: at.line,
            message: message.as_deref(),
        }),
        Basis::Protected { at: Some(at), .. } | Basis::Agents { at: Some(at), .. } => {
            Some(RuleReport {
                file: &at.file,
                line: at.line,
                message: None,
            })
        }
        _ => None,
    };
    let report = Report {
        decision: match judged.answer() {
            Answer::Allow => "allow",
            Answer::Ask => "confirm",
            Answer::Deny => "deny",
        },
        classification: c.severity.as_str(),
        reason: &c.reason,
        understood: c.understood.to_string(),
        account: AccountReport {
            id: judged.target.account.as_ref().map(AccountId::as_str),
            name: ruling.view.name.as_deref(),
            environment: ruling.view.environment.as_deref(),
            protected: ruling.view.protected,
            profile: &judged.target.profile,
            known_from: judged.known_from,
        },
        because: match &judged.passage {
            Err(refusal) if c.credential_override.is_some() => refusal.clone(),
            _ => ruling.decision.describe(),
        },
        rule,
        caller: caller.label(),
    };
    // Strings, numbers and options always serialize.
    serde_json::to_string(&report).unwrap_or_default() + "\n"
}

/// `guard check`: prints the answer (one line, or `--json`), exit 0 for allow, 77 otherwise.
pub fn run(options: &Options, question: Question, json: bool) -> anyhow::Result<ExitCode> {
    let policy = options.policy()?;
    let judged = judge(options, &policy, &question)?;
    let text = if json {
        report(&judged, &question.caller)
    } else {
        judged.sentence() + "\n"
    };
    output::stdout(&text, Delivery::Essential)?;
    Ok(match judged.answer() {
        Answer::Allow => ExitCode::Success,
        Answer::Ask | Answer::Deny => ExitCode::Refused,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &[&str]) -> Vec<String> {
        text.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn profiles_a_command_line_names() {
        let named = |argv: &[&str]| named_profiles(&words(argv));
        assert_eq!(named(&["aws", "s3", "ls"]), Ok(vec![]));
        assert_eq!(
            named(&["aws", "--profile", "prod", "s3", "ls"]),
            Ok(vec!["prod".to_string()])
        );
        assert_eq!(
            named(&[
                "env",
                "AWS_PROFILE=prod",
                "aws",
                "--profile=dev",
                "s3",
                "ls"
            ]),
            Ok(vec!["dev".to_string(), "prod".to_string()])
        );
        assert_eq!(
            named(&["bash", "-c", "export AWS_PROFILE='prod'; aws s3 rb s3://x"]),
            Ok(vec!["prod".to_string()])
        );
        assert!(named(&["bash", "-c", "AWS_PROFILE=$P aws s3 ls"]).is_err());
        assert!(named(&["aws", "--profile", "$(pick)", "s3", "ls"]).is_err());
    }

    /// Red team R7: the AWS CLI takes unique prefixes of `--profile`, and a line can choose
    /// its profile or configuration in many other ways; each of them makes the account unknown
    /// (Err names the word), a plain read of the variable does not.
    #[test]
    fn every_other_choice_of_profile_or_configuration_is_unreadable() {
        let named = |line: &str| named_profiles(&words(&["bash", "-c", line]));
        for (line, profile) in [
            ("aws s3 rb s3://x --prof prod", "prod"),
            ("aws s3 rb s3://x --profil=prod", "prod"),
            ("aws s3 rb s3://x --pr prod", "prod"),
            ("aws s3 rb s3://x --pro=prod", "prod"),
        ] {
            assert_eq!(named(line), Ok(vec![profile.to_string()]), "{line}");
        }
        for (line, word) in [
            (
                "for AWS_PROFILE in prod; do aws s3 rb s3://x; done",
                "AWS_PROFILE",
            ),
            (
                "read -r AWS_PROFILE <<< prod; aws s3 rb s3://x",
                "AWS_PROFILE",
            ),
            (
                "printf -v AWS_PROFILE prod; aws s3 rb s3://x",
                "AWS_PROFILE",
            ),
            (
                "declare -n p=AWS_PROFILE; p=prod; aws s3 rb s3://x",
                "p=AWS_PROFILE",
            ),
            ("AWS_PROFILE+=prod aws s3 rb s3://x", "AWS_PROFILE+=prod"),
            ("unset AWS_PROFILE; aws s3 rb s3://x", "AWS_PROFILE"),
            ("env -u AWS_PROFILE aws s3 rb s3://x", "AWS_PROFILE"),
            (
                "env --unset=AWS_DEFAULT_PROFILE aws s3 ls",
                "--unset=AWS_DEFAULT_PROFILE",
            ),
            (
                "AWS_CONFIG_FILE=/tmp/c aws s3 rb s3://x",
                "AWS_CONFIG_FILE=/tmp/c",
            ),
            (
                "AWS_SHARED_CREDENTIALS_FILE=/tmp/c aws s3 ls",
                "AWS_SHARED_CREDENTIALS_FILE=/tmp/c",
            ),
            (
                "AWS_ROLE_ARN=arn:aws:iam::1:role/a aws s3 ls",
                "AWS_ROLE_ARN=arn:aws:iam::1:role/a",
            ),
            ("HOME=/tmp/h aws s3 ls", "HOME=/tmp/h"),
            ("unset HOME; aws s3 ls", "HOME"),
            (
                "echo ${AWS_PROFILE:=prod}; aws s3 ls",
                "${AWS_PROFILE:=prod}",
            ),
        ] {
            assert_eq!(named(line), Err(word.to_string()), "{line}");
        }
        for line in [
            "echo $AWS_PROFILE",
            "echo \"${AWS_PROFILE}\" $HOME",
            "echo $AWS_CONFIG_FILE",
            "MY_AWS_PROFILE=x aws s3 ls",
            "kubectl get pods -o wide",
        ] {
            assert_eq!(named(line), Ok(vec![]), "{line}");
        }
    }

    #[test]
    fn a_command_line_is_read_with_its_shell_s_grammar() {
        let argv = |shell| command_line("aws s3 ls\n", shell).unwrap();
        assert_eq!(
            argv(Some("/opt/homebrew/bin/bash")),
            ["bash", "-c", "aws s3 ls\n"].map(OsString::from)
        );
        assert_eq!(
            argv(Some("/bin/zsh")),
            ["zsh", "-f", "-c", "aws s3 ls\n"].map(OsString::from)
        );
        assert_eq!(argv(None), argv(Some("zsh")));
        assert_eq!(argv(Some("fish"))[0], "fish");
        assert!(read_command_line(" \n".as_bytes()).is_err());
        let long = "x".repeat(STDIN_LIMIT as usize + 1);
        assert!(read_command_line(long.as_bytes()).is_err());
    }
}
