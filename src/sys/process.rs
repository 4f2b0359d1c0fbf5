//! One description of a program guard starts (as cargo-util's `ProcessBuilder`): the program, its
//! arguments and what changes in its environment. The command a person runs, a profile's
//! `credential_process` and the browser are all started from one, and shown through its
//! `Display`, which hides what looks secret.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::process::Command;

use crate::sys::redact;

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
        redact::redact(&words)
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

/// What a child printed, read to its end, and how it ended.
#[derive(Debug)]
pub struct Captured {
    pub status: std::process::ExitStatus,
    pub stdout: Vec<u8>,
    /// The first [`STDERR_KEPT`] bytes: it is shown to the person, not parsed.
    pub stderr: Vec<u8>,
}

/// How much of a child's stderr is kept.
pub const STDERR_KEPT: usize = 64 * 1024;

/// How long output may stay open after the child exited: something it left behind holds the
/// pipe, and may never let go.
const AFTER_EXIT: std::time::Duration = std::time::Duration::from_secs(1);

/// Why a child's output could not be read whole.
#[derive(Debug, thiserror::Error)]
pub enum Uncaptured {
    #[error("could not start it ({0})")]
    Start(std::io::Error),
    #[error("it printed more than {} MiB", .0 >> 20)]
    TooLarge(u64),
    #[error("it did not finish within {} s", .0.as_secs_f32())]
    TimedOut(std::time::Duration),
    #[error("it exited, but something it started kept its output open")]
    Unfinished,
}

/// Runs `cmd` (its stdin as the caller set it) and reads its stdout, at most `limit` bytes,
/// within `time`: every read of a child's output guard parses is bounded in size and in time.
/// A child over either is killed; the answer is then an error, never part of the output.
pub fn capture(
    mut cmd: Command,
    limit: u64,
    time: std::time::Duration,
) -> Result<Captured, Uncaptured> {
    use std::io::Read as _;
    use std::process::Stdio;
    use std::sync::mpsc;
    use std::time::Instant;

    let deadline = Instant::now() + time;
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(Uncaptured::Start)?;
    let (sender, outputs) = mpsc::channel::<(usize, Option<Vec<u8>>)>();
    let reader = |index: usize,
                  pipe: Option<Box<dyn std::io::Read + Send>>,
                  cap: u64,
                  keep_reading: bool| {
        let sender = sender.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(pipe) = pipe {
                let mut pipe = pipe.take(cap + 1);
                let _ = pipe.read_to_end(&mut bytes);
                if bytes.len() as u64 > cap {
                    if !keep_reading {
                        let _ = sender.send((index, None));
                        return;
                    }
                    bytes.truncate(cap as usize);
                    // Read on to the end, so that the child is not stopped by a full pipe.
                    let _ = std::io::copy(&mut pipe.into_inner(), &mut std::io::sink());
                }
            }
            let _ = sender.send((index, Some(bytes)));
        });
    };
    reader(
        0,
        child.stdout.take().map(|p| Box::new(p) as _),
        limit,
        false,
    );
    reader(
        1,
        child.stderr.take().map(|p| Box::new(p) as _),
        STDERR_KEPT as u64,
        true,
    );
    drop(sender);

    let mut read: [Option<Vec<u8>>; 2] = [None, None];
    let mut status = None;
    let mut exited_at = None;
    let fail = |child: &mut std::process::Child, why: Uncaptured| {
        let _ = child.kill();
        let _ = child.wait();
        Err(why)
    };
    loop {
        if status.is_none()
            && let Ok(Some(ended)) = child.try_wait()
        {
            status = Some(ended);
            exited_at = Some(Instant::now());
        }
        if let (Some(status), [Some(_), Some(_)]) = (status, &read) {
            let [stdout, stderr] = read.map(Option::unwrap_or_default);
            return Ok(Captured {
                status,
                stdout,
                stderr,
            });
        }
        let now = Instant::now();
        if now >= deadline {
            return fail(&mut child, Uncaptured::TimedOut(time));
        }
        if exited_at.is_some_and(|at| now - at >= AFTER_EXIT) {
            return Err(Uncaptured::Unfinished);
        }
        match outputs.recv_timeout(std::time::Duration::from_millis(5)) {
            Ok((index, Some(bytes))) => read[index] = Some(bytes),
            Ok((_, None)) => return fail(&mut child, Uncaptured::TooLarge(limit)),
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_bounds_size_and_time() {
        let sh = |script: &str| {
            let mut cmd = Command::new("sh");
            cmd.args(["-c", script]);
            cmd
        };
        let second = std::time::Duration::from_secs(5);
        let done = capture(sh("echo out; echo err >&2; exit 3"), 100, second).unwrap();
        assert_eq!(
            (done.stdout.as_slice(), done.stderr.as_slice()),
            (&b"out\n"[..], &b"err\n"[..])
        );
        assert_eq!(done.status.code(), Some(3));
        assert!(matches!(
            capture(sh("yes"), 1 << 16, second),
            Err(Uncaptured::TooLarge(_))
        ));
        let short = std::time::Duration::from_millis(200);
        assert!(matches!(
            capture(sh("sleep 5"), 100, short),
            Err(Uncaptured::TimedOut(_))
        ));
        let started = std::time::Instant::now();
        assert!(matches!(
            capture(sh("sleep 3 & echo partial"), 100, second),
            Err(Uncaptured::Unfinished)
        ));
        assert!(started.elapsed() < std::time::Duration::from_millis(2500));
    }

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
