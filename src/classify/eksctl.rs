//! `eksctl VERB NOUN`: `delete` and `drain` destroy, `get` reads, the rest writes.

use super::Severity;
use super::flags::{self, FlagSpec, Layout, UnknownFlags};
use super::verdict::Verdict;

const SPEC: FlagSpec = FlagSpec {
    switches: &[
        "--help",
        "-h",
        "--dry-run",
        "--approve",
        "--wait",
        "-w",
        "--force",
        "--disable-eviction",
        "--undo",
        "--all",
    ],
    valued: &[
        "--profile",
        "-p",
        "--region",
        "-r",
        "--color",
        "-C",
        "--verbose",
        "-v",
        "--config-file",
        "-f",
        "--cluster",
        "-c",
        "--name",
        "-n",
        "--output",
        "-o",
        "--timeout",
        "--nodes",
        "-N",
        "--version",
    ],
};

pub(crate) fn classify(args: &[String]) -> Verdict {
    let credential =
        flags::last_value(args, &["--profile", "-p"]).map(|p| format!("--profile {p}"));
    flags::judge_both_readings(args, &SPEC, UnknownFlags::TakeValue, |layout| {
        judge(args, layout)
    })
    .with_credential(credential)
}

fn judge(args: &[String], layout: &Layout) -> Verdict {
    if flags::wants_help(args, &SPEC) {
        return Verdict::of(Severity::Read, "eksctl", &[], "shows help");
    }
    let Some(verb) = layout.positional(args, 0) else {
        return Verdict::of(Severity::Read, "eksctl", &[], "prints help");
    };
    let noun = layout.positional(args, 1).unwrap_or_default();
    let (severity, what) = match verb {
        "delete" | "deregister" | "disassociate" => {
            (Severity::Destructive, "deletes cluster resources")
        }
        "drain" if noun == "nodegroup" => {
            (Severity::Destructive, "evicts every pod from the nodegroup")
        }
        "get" | "version" | "info" | "completion" | "help" => (Severity::Read, "read-only"),
        "create" | "upgrade" | "update" | "scale" | "set" | "unset" | "utils" | "enable"
        | "register" | "associate" | "drain" | "anywhere" => {
            (Severity::Write, "creates or changes cluster resources")
        }
        _ => (Severity::Unknown, "not a command guard knows"),
    };
    let path: Vec<&str> = [verb, noun].into_iter().filter(|p| !p.is_empty()).collect();
    if matches!(severity, Severity::Write | Severity::Destructive)
        && flags::dry_run(args, &["--dry-run"], &SPEC).is_some()
    {
        return Verdict::of_flag(
            Severity::Read,
            "eksctl",
            &path,
            "--dry-run",
            "dry run, only prints the config",
        );
    }
    Verdict::of(severity, "eksctl", &path, what)
}
