//! Writing to stdout and stderr without panicking. `print!` and `eprint!` panic when the stream is
//! closed (`guard profiles | head -1`, a pager quit early), and the release build aborts on a
//! panic; a closed reader is not guard's failure, so it ends guard quietly instead.

use std::fmt;
use std::io::{self, Write};

use crate::sys::exit_codes::ExitCode;

/// What a closed stdout means for the command that was writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// A listing or report: the reader has all it wanted (as for ripgrep and git), status 0.
    Listing,
    /// The output is the point (variables to evaluate, credentials for an SDK): a reader that
    /// got none of it must see a failure, status 74.
    Essential,
}

impl Delivery {
    fn closed_status(self) -> ExitCode {
        match self {
            Delivery::Listing => ExitCode::Success,
            Delivery::Essential => ExitCode::Io,
        }
    }
}

/// The reader of stdout went away. `cli::main` ends guard with `status` and prints nothing:
/// there is nobody left to read a message on stdout, and the cause is not guard's.
#[derive(Debug)]
pub struct Closed {
    pub status: ExitCode,
}

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("stdout was closed")
    }
}

impl std::error::Error for Closed {}

/// Writes `text` to stdout and flushes it.
pub fn stdout(text: &str, delivery: Delivery) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Closed {
            status: delivery.closed_status(),
        }
        .into()),
        // An I/O error is status 74 (`error::exit_code`); this module is below `error`, which
        // prints through it.
        Err(e) => Err(anyhow::Error::new(e).context("cannot write to stdout")),
    }
}

/// Writes one line to stderr. Messages there are for a person; when stderr is closed there is
/// nobody to tell, so a failure is ignored and guard goes on (or ends) as it would have.
pub fn stderr_line(line: impl fmt::Display) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// Text from outside (an account name, a profile name, an ARN) as it may reach a terminal:
/// control characters (escape sequences start with one) and the invisible characters that
/// reorder or hide text are each replaced by U+FFFD, so a name cannot recolor, move or retitle
/// the terminal, or pass itself off as another name.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
    };
    if text.chars().any(unsafe_char) {
        text.chars()
            .map(|c| if unsafe_char(c) { '\u{FFFD}' } else { c })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_safe_replaces_controls_and_invisible_reordering() {
        assert_eq!(terminal_safe("prod-main (EU) · ok"), "prod-main (EU) · ok");
        assert_eq!(
            terminal_safe("a\u{1b}]0;pwned\u{7}b\nc\rd\u{9b}e"),
            "a\u{FFFD}]0;pwned\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e"
        );
        assert_eq!(terminal_safe("\u{202E}dorp"), "\u{FFFD}dorp");
        assert_eq!(terminal_safe("zero\u{200B}width"), "zero\u{FFFD}width");
    }
}
