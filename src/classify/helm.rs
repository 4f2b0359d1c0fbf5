//! `helm`: `uninstall` and its aliases `del`, `delete`, `un`; `--dry-run`; plugins.

use super::Severity;
use super::flags::{self, FlagSpec, Layout, UnknownFlags};
use super::verdict::Verdict;

const SPEC: FlagSpec = FlagSpec {
    switches: &[
        "--debug",
        "--kube-insecure-skip-tls-verify",
        "--help",
        "-h",
        "--dry-run",
        "--install",
        "-i",
        "--wait",
        "--atomic",
        "--force",
        "--keep-history",
        "--all-namespaces",
        "-A",
        "--create-namespace",
        "--reuse-values",
        "--reset-values",
    ],
    valued: &[
        "--kube-context",
        "--kubeconfig",
        "--namespace",
        "-n",
        "--kube-apiserver",
        "--kube-as-user",
        "--kube-as-group",
        "--kube-ca-file",
        "--kube-token",
        "--kube-tls-server-name",
        "--registry-config",
        "--repository-cache",
        "--repository-config",
        "--burst-limit",
        "--qps",
        "--content-cache",
        "--color",
        "--colour",
        "--values",
        "-f",
        "--set",
        "--set-string",
        "--set-file",
        "--version",
        "--timeout",
        "--output",
        "-o",
    ],
};

pub(crate) fn classify(args: &[String]) -> Verdict {
    // The API server token replaces the kubeconfig's credentials (on EKS: guard's).
    let credential = flags::last_value(args, &["--kube-token"]).map(|_| "--kube-token".to_owned());
    flags::judge_both_readings(args, &SPEC, UnknownFlags::TakeValue, |layout| {
        judge(args, layout)
    })
    .with_credential(credential)
}

fn judge(args: &[String], layout: &Layout) -> Verdict {
    if flags::wants_help(args, &SPEC) {
        return Verdict::of(Severity::Read, "helm", &[], "shows help");
    }
    let Some(command) = layout.positional(args, 0) else {
        return Verdict::of(Severity::Read, "helm", &[], "prints help");
    };
    let (severity, what) = match command {
        "uninstall" | "un" | "del" | "delete" => (Severity::Destructive, "uninstalls a release"),
        "install" => (Severity::Write, "installs a release"),
        "upgrade" => (Severity::Write, "upgrades a release"),
        "rollback" => (Severity::Write, "rolls a release back"),
        "test" => (Severity::Write, "runs a release's test pods"),
        "push" => (Severity::Write, "pushes a chart to a registry"),
        "list" | "ls" | "status" | "get" | "history" | "hist" | "show" | "inspect" | "template"
        | "search" | "lint" | "version" | "env" | "verify" | "completion" | "help" => {
            (Severity::Read, "read-only")
        }
        // `helm diff` is the ubiquitous helm-diff plugin, which only compares.
        "diff" => (
            Severity::Read,
            "shows what an upgrade would change (helm-diff plugin)",
        ),
        "repo" | "registry" | "plugin" | "dependency" | "dep" | "pull" | "fetch" | "package"
        | "create" => (Severity::Read, "works on local files and caches"),
        _ => (Severity::Unknown, "runs a helm plugin guard cannot see"),
    };
    if matches!(severity, Severity::Write | Severity::Destructive)
        && let Some(flag) = flags::dry_run(args, &["--dry-run"], &SPEC)
    {
        return Verdict::of_flag(
            Severity::Read,
            "helm",
            &[command],
            &flag,
            "dry run, changes nothing",
        );
    }
    Verdict::of(severity, "helm", &[command], what)
}
