//! Every status guard ends with, in one table: `--help` prints it and the README repeats it (a
//! test keeps the three in step). Scripts can tell "you typed it wrong" from "AWS is down" from
//! "refused" (sysexits(3) codes, and the shell's for a command that cannot start).

/// How guard ends when it does not run the command. When it does, the status is the command's
/// own: guard has replaced itself with it, or passes it on ([`of_child`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Done; also a listing whose reader went away (as for git and ripgrep).
    Success,
    /// A check guard ran found what it looks for: `guard policy test` cases that failed.
    Failed,
    /// EX_USAGE: the command line is wrong.
    Usage,
    /// EX_UNAVAILABLE: AWS or the network could not be reached, answered with a failure, or
    /// something guard needs from the system did not work.
    Unavailable,
    /// EX_IOERR: guard could not read or write a file of its own, or write its output.
    Io,
    /// EX_NOPERM: guard refused on purpose (wrong account, denied, not confirmed).
    Refused,
    /// EX_CONFIG: the user's configuration is missing or wrong, or signing in would fix it.
    Config,
    /// The shell's code for a command that exists but cannot be run.
    CommandNotExecutable,
    /// The shell's code for a command that does not exist.
    CommandNotFound,
}

impl ExitCode {
    /// Every code, in the order `--help` and the README list them.
    pub const ALL: [ExitCode; 9] = [
        ExitCode::Success,
        ExitCode::Failed,
        ExitCode::Usage,
        ExitCode::Unavailable,
        ExitCode::Io,
        ExitCode::Refused,
        ExitCode::Config,
        ExitCode::CommandNotExecutable,
        ExitCode::CommandNotFound,
    ];

    pub fn code(self) -> u8 {
        match self {
            ExitCode::Success => 0,
            ExitCode::Failed => 1,
            ExitCode::Usage => 64,
            ExitCode::Unavailable => 69,
            ExitCode::Io => 74,
            ExitCode::Refused => 77,
            ExitCode::Config => 78,
            ExitCode::CommandNotExecutable => 126,
            ExitCode::CommandNotFound => 127,
        }
    }

    /// A few words for `--help`; the README says more.
    pub fn meaning(self) -> &'static str {
        match self {
            ExitCode::Success => "done",
            ExitCode::Failed => "policy test cases failed",
            ExitCode::Usage => "usage",
            ExitCode::Unavailable => "AWS or the network unreachable or failing",
            ExitCode::Io => "a file of guard's own or its output could not be read or written",
            ExitCode::Refused => "refused or denied",
            ExitCode::Config => "configuration (no profile, bad config, not signed in)",
            ExitCode::CommandNotExecutable => "command cannot be run",
            ExitCode::CommandNotFound => "command not found",
        }
    }

    /// The `Exit codes:` section of `--help`.
    pub fn help() -> String {
        let mut text = String::from("Exit codes:\n");
        for code in ExitCode::ALL {
            text.push_str(&format!("  {:>3}  {}\n", code.code(), code.meaning()));
        }
        text.push_str("  otherwise the command's own: guard replaced itself with it");
        text
    }
}

/// The command's own status, when guard stays its parent (`--server`) and passes it on: its
/// code, or 128+N when signal N ended it, as shells report it.
pub fn of_child(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => code,
        (None, Some(signal)) => 128 + signal,
        (None, None) => 1,
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes in the README's table, in its order.
    fn readme_codes() -> Vec<u8> {
        let readme = include_str!("../../README.md");
        let table = readme
            .split("## Exit codes")
            .nth(1)
            .expect("the README has an Exit codes section");
        table
            .lines()
            .filter_map(|line| line.strip_prefix("| "))
            .filter_map(|row| row.split(" |").next())
            .filter_map(|cell| cell.trim().parse().ok())
            .collect()
    }

    #[test]
    fn readme_lists_every_code() {
        let codes: Vec<u8> = ExitCode::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(readme_codes(), codes);
    }

    #[test]
    fn help_lists_every_code() {
        let help = ExitCode::help();
        for code in ExitCode::ALL {
            let row = format!("  {:>3}  {}", code.code(), code.meaning());
            assert!(help.contains(&row), "{row}");
        }
    }

    #[test]
    fn a_child_status_passes_on_as_a_shell_reports_it() {
        use std::os::unix::process::ExitStatusExt;
        // Raw wait(2) statuses: the code in the second byte, a signal in the first.
        assert_eq!(of_child(std::process::ExitStatus::from_raw(3 << 8)), 3);
        assert_eq!(of_child(std::process::ExitStatus::from_raw(9)), 128 + 9);
    }

    #[test]
    fn codes_are_distinct() {
        let mut codes: Vec<u8> = ExitCode::ALL.iter().map(|c| c.code()).collect();
        // dedup drops only neighbours: sorted first, any two equal codes are neighbours.
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ExitCode::ALL.len());
    }
}
