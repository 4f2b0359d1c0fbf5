//! AWS SAM CLI (`sam`, click): `deploy`, `delete`, `sync`, and local-only commands.

use super::Severity;
use super::flags::{self, FlagSpec, Layout, UnknownFlags};
use super::verdict::Verdict;

const SPEC: FlagSpec = FlagSpec {
    switches: &[
        "--debug",
        "--version",
        "--info",
        "--help",
        "-h",
        "--guided",
        "-g",
        "--no-confirm-changeset",
        "--no-execute-changeset",
        "--no-prompts",
        "--resolve-s3",
        "--watch",
        "--use-container",
        "-u",
        "--beta-features",
    ],
    valued: &[
        "--profile",
        "--region",
        "--config-file",
        "--config-env",
        "--stack-name",
        "--template-file",
        "--template",
        "-t",
        "--s3-bucket",
        "--s3-prefix",
        "--capabilities",
        "--parameter-overrides",
        "--tags",
        "--base-dir",
        "-s",
        "--build-dir",
        "-b",
    ],
};

pub(crate) fn classify(args: &[String]) -> Verdict {
    let credential = flags::last_value(args, &["--profile"]).map(|p| format!("--profile {p}"));
    flags::judge_both_readings(args, &SPEC, UnknownFlags::NoValue, |layout| {
        judge(args, layout)
    })
    .with_credential(credential)
}

fn judge(args: &[String], layout: &Layout) -> Verdict {
    if flags::wants_help(args, &SPEC) {
        return Verdict::of(Severity::Read, "sam", &[], "shows help");
    }
    let Some(command) = layout.positional(args, 0) else {
        return Verdict::of(Severity::Read, "sam", &[], "prints help or its version");
    };
    let sub = layout.positional(args, 1).unwrap_or_default();
    let (severity, path, what): (Severity, &[&str], &str) = match command {
        "deploy" => (
            Severity::Write,
            &[command],
            "deploys the application's stack",
        ),
        "sync" => (
            Severity::Write,
            &[command],
            "deploys changes straight to the cloud",
        ),
        "package" => (Severity::Write, &[command], "uploads artifacts to S3"),
        "publish" => (
            Severity::Write,
            &[command],
            "publishes to the Serverless Application Repository",
        ),
        "remote" => (
            Severity::Write,
            &[command, sub],
            "invokes or changes deployed resources",
        ),
        "delete" => (
            Severity::Destructive,
            &[command],
            "deletes the application's stack",
        ),
        "pipeline" if sub == "bootstrap" => (
            Severity::Write,
            &[command, sub],
            "creates pipeline resources",
        ),
        "pipeline" => (
            Severity::Read,
            &[command, sub],
            "writes local pipeline files",
        ),
        "local" => (
            Severity::Read,
            &[command, sub],
            "runs locally, no deployment",
        ),
        "build" | "init" => (Severity::Read, &[command], "works on local files"),
        "validate" | "logs" | "traces" | "list" | "docs" => {
            (Severity::Read, &[command], "read-only")
        }
        _ => (Severity::Unknown, &[command], "not a command guard knows"),
    };
    let path: Vec<&str> = path
        .iter()
        .copied()
        .filter(|part| !part.is_empty())
        .collect();
    Verdict::of(severity, "sam", &path, what)
}
