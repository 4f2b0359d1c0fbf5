//! AWS CDK (`cdk`, `npx aws-cdk`): yargs options before or after the command.

use super::Severity;
use super::flags::{self, FlagSpec, Layout, UnknownFlags};
use super::verdict::Verdict;

const SPEC: FlagSpec = FlagSpec {
    switches: &[
        "--trace",
        "--strict",
        "--lookups",
        "--ignore-errors",
        "--json",
        "-j",
        "--verbose",
        "-v",
        "--debug",
        "--ec2creds",
        "-i",
        "--version-reporting",
        "--path-metadata",
        "--asset-metadata",
        "--notices",
        "--no-color",
        "--ci",
        "--version",
        "--help",
        "-h",
        "--all",
        "--force",
        "-f",
        "--exclusively",
        "-e",
        "--hotswap",
        "--dry-run",
    ],
    valued: &[
        "--app",
        "-a",
        "--build",
        "--context",
        "-c",
        "--plugin",
        "-p",
        "--profile",
        "--proxy",
        "--ca-bundle-path",
        "--role-arn",
        "-r",
        "--output",
        "-o",
        "--toolkit-stack-name",
        "--parameters",
        "--outputs-file",
        "-O",
        "--method",
        "--require-approval",
        "-m",
        "--concurrency",
    ],
};

pub(crate) fn classify(args: &[String]) -> Verdict {
    let credential = flags::last_value(args, &["--profile"]).map(|p| format!("--profile {p}"));
    flags::judge_both_readings(args, &SPEC, UnknownFlags::TakeValue, |layout| {
        judge(args, layout)
    })
    .with_credential(credential)
}

fn judge(args: &[String], layout: &Layout) -> Verdict {
    if flags::wants_help(args, &SPEC) {
        return Verdict::of(Severity::Read, "cdk", &[], "shows help");
    }
    let Some(command) = layout.positional(args, 0) else {
        return Verdict::of(Severity::Read, "cdk", &[], "prints help or its version");
    };
    let (severity, what) = match command {
        "deploy" => (Severity::Write, "deploys stacks"),
        "destroy" => (Severity::Destructive, "destroys stacks"),
        "bootstrap" => (Severity::Write, "creates or updates the CDK toolkit stack"),
        "watch" => (Severity::Write, "deploys stacks on every change"),
        "import" | "rollback" | "migrate" => (Severity::Write, "changes stacks"),
        "refactor" => (Severity::Write, "moves resources between stacks"),
        "gc" => (Severity::Destructive, "deletes unused assets"),
        "synth" | "synthesize" | "diff" | "drift" | "ls" | "list" | "metadata" | "doctor"
        | "docs" | "doc" | "notices" | "acknowledge" | "ack" | "context" | "init" | "flags"
        | "cli-telemetry" => (Severity::Read, "no cloud change"),
        _ => (Severity::Unknown, "not a command guard knows"),
    };
    if matches!(severity, Severity::Write | Severity::Destructive)
        && flags::dry_run(args, &["--dry-run"], &SPEC).is_some()
    {
        return Verdict::of_flag(
            Severity::Read,
            "cdk",
            &[command],
            "--dry-run",
            "dry run, changes nothing",
        );
    }
    Verdict::of(severity, "cdk", &[command], what)
}
