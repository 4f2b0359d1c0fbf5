//! A tool parser's judgement, before the dispatcher adds the tool name and argv, and how
//! classifications combine.

use super::scope::{Scope, Word};
use super::{Classification, Severity, Understood};

/// Classifies one command; passed to the interpreters so that they can classify the
/// commands of a script without depending on the dispatcher.
pub(crate) type Classify = fn(&[Word], &Scope) -> Classification;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub severity: Severity,
    /// The subcommand path, e.g. ["s3", "rb"].
    pub command: Vec<String>,
    /// The full human reason, prefixed with the command.
    pub reason: String,
    /// A credential choice made by the tool's own flags (e.g. `--profile X`).
    pub credential_override: Option<String>,
    /// The flags that decided, as written.
    pub flags: Vec<String>,
}

impl Verdict {
    pub fn new(severity: Severity, command: &[&str], reason: String) -> Verdict {
        Verdict {
            severity,
            command: command.iter().map(|part| (*part).to_owned()).collect(),
            reason,
            credential_override: None,
            flags: Vec::new(),
        }
    }

    /// The verdict for a command line that names the subcommand path `command`: the reason
    /// is "<tool> <command...>: <what>".
    pub fn of(severity: Severity, tool: &str, command: &[&str], what: &str) -> Verdict {
        Verdict::of_flag(severity, tool, command, "", what)
    }

    /// Like `of`, with the flag that decided the matter shown after the command:
    /// "terraform apply -destroy: ...".
    pub fn of_flag(
        severity: Severity,
        tool: &str,
        command: &[&str],
        flag: &str,
        what: &str,
    ) -> Verdict {
        let mut label = tool.to_owned();
        for part in command
            .iter()
            .chain([&flag])
            .filter(|part| !part.is_empty())
        {
            label.push(' ');
            label.push_str(part);
        }
        let mut verdict = Verdict::new(severity, command, format!("{label}: {what}"));
        if !flag.is_empty() {
            verdict.flags.push(flag.to_owned());
        }
        verdict
    }

    pub fn with_credential(mut self, credential: Option<String>) -> Verdict {
        if self.credential_override.is_none() {
            self.credential_override = credential;
        }
        self
    }

    /// The more severe of two verdicts; `self` on a tie.
    pub fn or_worse(self, other: Verdict) -> Verdict {
        if other.severity > self.severity {
            other
        } else {
            self
        }
    }
}

/// Keeps the most severe classification seen (the first of equals), carrying the first
/// credential override seen anywhere: a harmless command that switches credentials must
/// still be reported.
#[derive(Default)]
pub(crate) struct MostSevere {
    worst: Option<Classification>,
    /// Every other command seen, flat (a nested script's commands join its parent's), so the
    /// policy can decide each one.
    others: Vec<Classification>,
    credential: Option<String>,
}

impl MostSevere {
    pub fn add(&mut self, mut result: Classification) {
        if self.credential.is_none() {
            self.credential.clone_from(&result.credential_override);
        }
        self.others.append(&mut result.others);
        match &mut self.worst {
            Some(worst) if result.severity > worst.severity => {
                self.others.push(std::mem::replace(worst, result));
            }
            Some(_) => self.others.push(result),
            None => self.worst = Some(result),
        }
    }

    pub fn finish(self) -> Option<Classification> {
        let credential = self.credential;
        let others = self.others;
        self.worst.map(|mut result| {
            if result.credential_override.is_none() {
                result.credential_override = credential;
            }
            result.others = others;
            result
        })
    }
}

pub(crate) fn not_a_tool(
    severity: Severity,
    name: &str,
    args: &[Word],
    what: String,
) -> Classification {
    Classification {
        severity,
        reason: format!("{name}: {what}"),
        tool: None,
        command: Vec::new(),
        args: args.iter().map(|word| word.text.to_string()).collect(),
        credential_override: None,
        understood: Understood {
            program: name.to_owned(),
            ..Understood::default()
        },
        others: Vec::new(),
    }
}
