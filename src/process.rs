//! One description of a program guard starts (as cargo-util's `ProcessBuilder`): the program, its
//! arguments and what changes in its environment. The command a person runs, a profile's
//! `credential_process` and the browser are all started from one, and shown through its
//! `Display`, which hides what looks secret.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::process::Command;

use crate::audit;

#[derive(Debug, Clone)]
pub struct Process {
    program: OsString,
    args: Vec<OsString>,
    /// In order; `None` removes the variable.
    env: Vec<(OsString, Option<OsString>)>,
}

impl Process {
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        Process {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    /// The program and its arguments, as one list: `None` when it is empty.
    pub fn from_argv<S: AsRef<OsStr>>(argv: &[S]) -> Option<Self> {
        let (program, args) = argv.split_first()?;
        Some(Process::new(program).args(args))
    }

    pub fn args<S: AsRef<OsStr>>(mut self, args: &[S]) -> Self {
        self.args.extend(args.iter().map(|a| a.as_ref().to_owned()));
        self
    }

    pub fn env(mut self, name: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.env
            .push((name.as_ref().to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    pub fn env_remove(mut self, name: impl AsRef<OsStr>) -> Self {
        self.env.push((name.as_ref().to_owned(), None));
        self
    }

    /// A `Command` to start it with; the caller adds what only it knows (stdio, signals).
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args);
        for (name, value) in &self.env {
            match value {
                Some(value) => cmd.env(name, value),
                None => cmd.env_remove(name),
            };
        }
        cmd
    }

    /// The words, lossily as text, with what looks secret hidden.
    fn shown_words(&self) -> Vec<String> {
        let words: Vec<String> = std::iter::once(&self.program)
            .chain(&self.args)
            .map(|w| w.to_string_lossy().into_owned())
            .collect();
        audit::redact(&words)
    }
}

/// The command line as a shell would read it back, with what looks secret hidden: this goes to
/// the terminal and may end up in CI logs. The environment is never shown, since that is where
/// guard puts credentials.
impl fmt::Display for Process {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words = self.shown_words();
        match shlex::try_join(words.iter().map(String::as_str)) {
            Ok(line) => f.write_str(&line),
            Err(_) => f.write_str(&words.join(" ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_the_words_quoted_and_secrets_hidden() {
        let process = Process::new("aws")
            .args(&["s3", "ls", "my bucket", "--password", "hunter2"])
            .env("AWS_SECRET_ACCESS_KEY", "not shown");
        let shown = process.to_string();
        assert_eq!(shown, "aws s3 ls 'my bucket' --password '<redacted>'");
        assert!(!shown.contains("hunter2") && !shown.contains("not shown"));
    }

    #[test]
    fn sets_and_removes_variables_in_order() {
        let cmd = Process::new("true")
            .env("A", "1")
            .env_remove("B")
            .env("B", "2")
            .command();
        let envs: Vec<_> = cmd.get_envs().collect();
        assert!(envs.contains(&(OsStr::new("A"), Some(OsStr::new("1")))));
        assert!(envs.contains(&(OsStr::new("B"), Some(OsStr::new("2")))));
    }

    #[test]
    fn an_empty_argv_is_no_process() {
        assert!(Process::from_argv::<&str>(&[]).is_none());
        let p = Process::from_argv(&["ls", "-l"]).unwrap();
        assert_eq!(p.to_string(), "ls -l");
    }
}
