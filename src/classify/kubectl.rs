//! `kubectl`: global flags anywhere (cobra), `--dry-run` values, plugins.

use super::Severity;
use super::flags::{self, FlagSpec, Layout, UnknownFlags};
use super::verdict::Verdict;

/// Global switches and the switches of common subcommands; cobra treats any other flag
/// written without `=` as taking the next word.
const SPEC: FlagSpec = FlagSpec {
    switches: &[
        "--insecure-skip-tls-verify",
        "--match-server-version",
        "--warnings-as-errors",
        "--disable-compression",
        "--help",
        "-h",
        "--all",
        "--all-namespaces",
        "-A",
        "--force",
        "--now",
        "--wait",
        "--overwrite",
        "--prune",
        "--recursive",
        "-R",
        "--server-side",
        "--force-conflicts",
        "--ignore-not-found",
        "--watch",
        "-w",
        "--show-labels",
        "--stdin",
        "--tty",
        "--follow",
        "--previous",
        "--dry-run",
        "--ignore-daemonsets",
        "--delete-emptydir-data",
        "--local",
        "--record",
    ],
    valued: &[
        "--as",
        "--as-group",
        "--as-uid",
        "--cache-dir",
        "--certificate-authority",
        "--client-certificate",
        "--client-key",
        "--cluster",
        "--context",
        "--kubeconfig",
        "--namespace",
        "-n",
        "--password",
        "--profile",
        "--profile-output",
        "--request-timeout",
        "--server",
        "-s",
        "--tls-server-name",
        "--token",
        "--user",
        "--username",
        "-v",
        "--v",
        "--vmodule",
        "--log-flush-frequency",
        "--kuberc",
        "--filename",
        "--selector",
        "-l",
        "--output",
        "-o",
        "--container",
        "-c",
        "--grace-period",
        "--timeout",
        "--field-selector",
        "--replicas",
        "--image",
        "--type",
        "--port",
    ],
};

/// Flags that hand kubectl credentials of their own instead of the kubeconfig's (which,
/// on EKS, come from the AWS credentials guard injects).
const CREDENTIAL_FLAGS: &[&str] = &[
    "--token",
    "--username",
    "--password",
    "--client-certificate",
    "--client-key",
];

pub(crate) fn classify(args: &[String]) -> Verdict {
    let credential = flags::before_dashdash(args).iter().find_map(|arg| {
        let name = arg.split('=').next().unwrap_or(arg);
        CREDENTIAL_FLAGS.contains(&name).then(|| name.to_owned())
    });
    flags::judge_both_readings(args, &SPEC, UnknownFlags::TakeValue, |layout| {
        judge(args, layout)
    })
    .with_credential(credential)
}

fn judge(args: &[String], layout: &Layout) -> Verdict {
    if flags::wants_help(args, &SPEC) {
        return Verdict::of(Severity::Read, "kubectl", &[], "shows help");
    }
    let Some(command) = layout.positional(args, 0) else {
        return Verdict::of(Severity::Read, "kubectl", &[], "prints help");
    };
    let sub = layout.positional(args, 1).unwrap_or_default();
    let (severity, path, what): (Severity, &[&str], &str) = match command {
        "get" | "describe" | "logs" | "top" | "explain" | "api-resources" | "api-versions"
        | "version" | "cluster-info" | "diff" | "events" | "wait" | "port-forward"
        | "completion" | "kustomize" | "options" | "help" | "plugin" => {
            (Severity::Read, &[command], "read-only")
        }
        "auth" => match sub {
            "can-i" | "whoami" => (Severity::Read, &[command, sub], "read-only"),
            "reconcile" => (Severity::Write, &[command, sub], "changes RBAC objects"),
            _ => (
                Severity::Unknown,
                &[command, sub],
                "not an auth subcommand guard knows",
            ),
        },
        "config" => match sub {
            "view" | "get-contexts" | "current-context" | "get-clusters" | "get-users" => (
                Severity::Read,
                &[command, sub],
                "reads the local kubeconfig",
            ),
            _ => (
                Severity::Write,
                &[command, sub],
                "changes the local kubeconfig",
            ),
        },
        "rollout" => match sub {
            "status" | "history" => (Severity::Read, &[command, sub], "read-only"),
            _ => (Severity::Write, &[command, sub], "changes a rollout"),
        },
        "apply" => match sub {
            "view-last-applied" => (Severity::Read, &[command, sub], "read-only"),
            "set-last-applied" | "edit-last-applied" => {
                (Severity::Write, &[command, sub], "changes resources")
            }
            _ if flags::any_on(args, &["--prune"]) => (
                Severity::Destructive,
                &[command],
                "deletes resources missing from the files (--prune)",
            ),
            _ if flags::any_on(args, &["--force"]) => (
                Severity::Destructive,
                &[command],
                "deletes and re-creates resources on conflict (--force)",
            ),
            _ => (Severity::Write, &[command], "creates or changes resources"),
        },
        "replace" if flags::any_on(args, &["--force"]) => (
            Severity::Destructive,
            &[command],
            "deletes and re-creates resources (--force)",
        ),
        "create" | "patch" | "edit" | "label" | "annotate" | "scale" | "set" | "expose" | "run"
        | "cp" | "exec" | "attach" | "autoscale" | "cordon" | "uncordon" | "taint" | "replace"
        | "certificate" | "debug" => (Severity::Write, &[command], "creates or changes resources"),
        "delete" => (Severity::Destructive, &[command], "deletes resources"),
        "drain" => (
            Severity::Destructive,
            &[command],
            "evicts every pod from a node",
        ),
        "proxy" => (
            Severity::Unknown,
            &[command],
            "opens the API to local programs; guard cannot see what they do",
        ),
        _ => (
            Severity::Unknown,
            &[command],
            "runs a kubectl plugin guard cannot see",
        ),
    };
    if matches!(severity, Severity::Write | Severity::Destructive)
        && let Some(flag) = flags::dry_run(args, &["--dry-run"], &SPEC)
    {
        return Verdict::of_flag(
            Severity::Read,
            "kubectl",
            path,
            &flag,
            "dry run, changes nothing",
        );
    }
    Verdict::of(severity, "kubectl", path, what)
}
