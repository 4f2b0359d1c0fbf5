//! guard's own failures and the exit codes they map to.
//!
//! Every failure that is guard's (not the child's) carries the [`ExitCode`] it ends guard with,
//! named where it happens, so `main` picks the exit code without guessing from the message.

use std::fmt;

use crate::sys::exit_codes::ExitCode;

/// A failure of guard itself: what happened, and what the user can do next.
#[derive(Debug, Clone)]
pub struct Failure {
    /// What kind of failure it is, as the status guard ends with.
    pub kind: ExitCode,
    pub message: String,
    pub hint: Option<String>,
}

impl Failure {
    pub fn new(kind: ExitCode, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same failure, told from further up: what was being done, then what went wrong.
    pub fn within(self, doing: impl fmt::Display) -> Self {
        Failure {
            message: format!("{doing}: {}", self.message),
            ..self
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Usage, message)
    }

    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Config, message)
    }

    pub fn refused(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Refused, message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Unavailable, message)
    }

    pub fn io(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Io, message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The exit code for any error: the kind of its outermost [`Failure`]. Every path names its
/// kind; an error that reaches here without one is a failed read or write if an I/O error caused
/// it, else something guard needed did not work, sysexits' catch-all. A caller that acts on what
/// went wrong matches a typed error instead (`identity::Unverified`, `sso::SsoError`).
pub fn exit_code(err: &anyhow::Error) -> ExitCode {
    match failures(err).next().map(|f| f.kind) {
        Some(kind) => kind,
        None if err.chain().any(|e| e.is::<std::io::Error>()) => ExitCode::Io,
        None => ExitCode::Unavailable,
    }
}

/// The hint of the innermost failure that has one.
pub fn hint(err: &anyhow::Error) -> Option<&str> {
    failures(err).find_map(|f| f.hint.as_deref())
}

/// A problem guard works around (the run goes on): said on stderr, even with `-q`.
pub fn warn(what: impl fmt::Display) {
    crate::sys::output::stderr_line(format_args!("guard: warning: {what}"));
}

/// Prints an error the way a person reads it: the outermost context first, the causes below,
/// and the hint last.
pub fn report(err: &anyhow::Error) -> ExitCode {
    let mut out = format!("guard: error: {err}");
    let hint = hint(err);
    for cause in err.chain().skip(1) {
        out.push_str(&format!("\n  caused by: {cause}"));
    }
    if let Some(hint) = hint {
        out.push_str(&format!("\n  hint: {hint}"));
    }
    crate::sys::output::stderr_line(out);
    exit_code(err)
}

/// The failures in an error, outermost first. A `Failure` used as context is only reachable by
/// downcasting the error itself, not through its chain.
fn failures(err: &anyhow::Error) -> impl Iterator<Item = &Failure> {
    err.downcast_ref::<Failure>()
        .into_iter()
        .chain(err.chain().filter_map(|e| e.downcast_ref::<Failure>()))
}

/// serde's own message may quote the input, which may hold secrets; only its category is safe.
pub fn json_problem(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Syntax => "not JSON",
        serde_json::error::Category::Data => "a field is missing or of the wrong type",
        serde_json::error::Category::Eof => "the text ends too early",
    }
}
