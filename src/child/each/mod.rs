//! `guard each`'s parts below the command: which profiles a selection picks, running the
//! children, and what the run comes to (the summary table and the exit status).

pub mod run;
pub mod select;

use std::time::Duration;

use crate::sys::exit_codes::ExitCode;

/// What became of one selected account, in selection order.
#[derive(Debug)]
pub enum Fate {
    /// guard did not run the command there: its credentials could not be had or verified, the
    /// policy denied it, or consent was refused. The status is guard's for that failure.
    Failed {
        status: u8,
        why: &'static str,
    },
    /// Refused by the decision (a deny, or no consent).
    Refused {
        why: &'static str,
    },
    Ran(run::Outcome),
}

impl Fate {
    /// The account's status as the summary shows it; None when nothing ran.
    pub fn status(&self) -> Option<i32> {
        match self {
            Fate::Failed { status, .. } => Some(i32::from(*status)),
            Fate::Refused { .. } => Some(i32::from(ExitCode::Refused.code())),
            Fate::Ran(run::Outcome::NotRun) => None,
            Fate::Ran(run::Outcome::NotStarted(failure)) => Some(i32::from(failure.kind.code())),
            Fate::Ran(run::Outcome::Exited { status, .. }) => Some(*status),
        }
    }

    fn note(&self, interrupted: bool) -> String {
        match self {
            Fate::Failed { why, .. } | Fate::Refused { why } => (*why).to_string(),
            Fate::Ran(run::Outcome::NotRun) if interrupted => "not started (interrupted)".into(),
            Fate::Ran(run::Outcome::NotRun) => "not started (--fail-fast)".into(),
            Fate::Ran(run::Outcome::NotStarted(_)) => "could not start".into(),
            Fate::Ran(run::Outcome::Exited { status, .. }) if *status > 128 => {
                match nix::sys::signal::Signal::try_from(status - 128) {
                    Ok(signal) => format!("ended by {signal}"),
                    Err(_) => String::new(),
                }
            }
            Fate::Ran(run::Outcome::Exited { .. }) => String::new(),
        }
    }

    fn took(&self) -> Option<Duration> {
        match self {
            Fate::Ran(run::Outcome::Exited { took, .. }) => Some(*took),
            _ => None,
        }
    }
}

/// One row of the summary.
pub struct Row<'a> {
    pub account: &'a str,
    pub profile: &'a str,
    pub fate: &'a Fate,
}

fn duration(took: Option<Duration>) -> String {
    match took {
        None => "-".to_string(),
        Some(t) if t < Duration::from_secs(1) => format!("{} ms", t.as_millis()),
        Some(t) => format!("{:.1} s", t.as_secs_f64()),
    }
}

/// The summary table: account, profile, exit status, duration (and why, when guard decided it).
pub fn summary(rows: &[Row], interrupted: bool) -> String {
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|row| {
            [
                crate::sys::output::terminal_safe(row.account).into_owned(),
                crate::sys::output::terminal_safe(row.profile).into_owned(),
                row.fate
                    .status()
                    .map_or_else(|| "-".to_string(), |s| s.to_string()),
                duration(row.fate.took()),
                row.fate.note(interrupted),
            ]
        })
        .collect();
    let header = ["ACCOUNT", "PROFILE", "STATUS", "DURATION", ""];
    let mut widths = header.map(str::len);
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let mut line = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i == 4 {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:width$}  "));
            }
        }
        line.trim_end().to_string()
    };
    let mut text = line(header);
    for row in &cells {
        text.push('\n');
        text.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
    }
    text
}

/// guard each's status: 0 when the command succeeded in every account; 77 when the decision
/// refused it everywhere; else the first failing status in selection order.
pub fn exit_status(fates: &[Fate]) -> i32 {
    if !fates.is_empty() && fates.iter().all(|f| matches!(f, Fate::Refused { .. })) {
        return i32::from(ExitCode::Refused.code());
    }
    fates
        .iter()
        .filter_map(Fate::status)
        .find(|s| *s != 0)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ran(status: i32) -> Fate {
        Fate::Ran(run::Outcome::Exited {
            status,
            took: Duration::from_millis(12),
        })
    }

    #[test]
    fn the_status_is_the_first_failure_in_selection_order() {
        assert_eq!(exit_status(&[ran(0), ran(0)]), 0);
        assert_eq!(exit_status(&[ran(0), ran(3), ran(1)]), 3);
        let mismatch = Fate::Failed {
            status: 77,
            why: "not verified",
        };
        assert_eq!(exit_status(&[ran(0), mismatch, ran(2)]), 77);
        let denied = || Fate::Refused { why: "denied" };
        assert_eq!(exit_status(&[denied(), denied()]), 77);
        assert_eq!(exit_status(&[ran(0), denied()]), 77);
        // Not started because of --fail-fast: the failure that stopped the run counts.
        assert_eq!(exit_status(&[ran(4), Fate::Ran(run::Outcome::NotRun)]), 4);
    }

    #[test]
    fn the_summary_has_a_row_per_account() {
        let fates = [ran(0), Fate::Refused { why: "denied" }, ran(130)];
        let rows: Vec<Row> = ["dev", "prod", "stage"]
            .iter()
            .zip(&fates)
            .map(|(name, fate)| Row {
                account: name,
                profile: name,
                fate,
            })
            .collect();
        let table = summary(&rows, false);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4, "{table}");
        assert!(
            lines[0].starts_with("ACCOUNT  PROFILE  STATUS  DURATION"),
            "{table}"
        );
        assert!(
            lines[1].contains("dev") && lines[1].contains("12 ms"),
            "{table}"
        );
        assert!(
            lines[2].contains("77") && lines[2].ends_with("denied"),
            "{table}"
        );
        assert!(lines[3].ends_with("ended by SIGINT"), "{table}");
    }
}
