//! `pulumi`: `destroy` = `down` = `dn`, `up` = `update`, `preview`, stack/config/state
//! subcommands; `--yes` and `PULUMI_SKIP_CONFIRMATIONS` skip pulumi's own prompt.

use super::Severity;
use super::flags::{self, FlagSpec, Layout, UnknownFlags};
use super::scope::{EnvValue, Scope};
use super::verdict::Verdict;

const SPEC: FlagSpec = FlagSpec {
    switches: &[
        "--disable-integrity-checking",
        "--emoji",
        "-e",
        "--fully-qualify-stack-names",
        "--logflow",
        "--logtostderr",
        "--non-interactive",
        "--help",
        "-h",
        "--yes",
        "-y",
        "--skip-preview",
        "-f",
        "--preview-only",
        "--refresh",
        "-r",
        "--diff",
        "--json",
        "-j",
        "--show-secrets",
    ],
    valued: &[
        "--cwd",
        "-C",
        "--color",
        "--memprofilerate",
        "--profiling",
        "--tracing",
        "--verbose",
        "-v",
        "--stack",
        "-s",
        "--target",
        "-t",
        "--message",
        "-m",
        "--config-file",
        "--parallel",
        "-p",
    ],
};

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    flags::judge_both_readings(args, &SPEC, UnknownFlags::TakeValue, |layout| {
        judge(args, layout, scope)
    })
}

fn judge(args: &[String], layout: &Layout, scope: &Scope) -> Verdict {
    if flags::wants_help(args, &SPEC) {
        return Verdict::of(Severity::Read, "pulumi", &[], "shows help");
    }
    let Some(command) = layout.positional(args, 0) else {
        return Verdict::of(Severity::Read, "pulumi", &[], "prints help");
    };
    let sub = layout.positional(args, 1).unwrap_or_default();
    let (severity, path, what): (Severity, &[&str], &str) = match command {
        "destroy" | "down" | "dn" => (
            Severity::Destructive,
            &[command],
            "destroys every resource in the stack",
        ),
        "up" | "update" => (Severity::Write, &[command], "deploys changes to the stack"),
        "refresh" => (
            Severity::Write,
            &[command],
            "updates the state from the cloud",
        ),
        "preview" | "pre" => (Severity::Read, &[command], "only previews, changes nothing"),
        "cancel" | "import" | "watch" | "new" => (Severity::Write, &[command], "changes the stack"),
        "logs" | "whoami" | "version" | "about" | "console" | "schema" | "help"
        | "gen-completion" | "completion" | "convert" => (Severity::Read, &[command], "read-only"),
        "login" | "logout" | "plugin" | "install" => {
            (Severity::Read, &[command], "local setup, no cloud change")
        }
        "stack" => match sub {
            "" | "ls" | "select" | "unselect" | "output" | "history" | "hist" | "graph"
            | "export" => (Severity::Read, &[command, sub], "read-only"),
            "tag" => match layout.positional(args, 2).unwrap_or_default() {
                "ls" | "get" => (Severity::Read, &[command, sub], "read-only"),
                _ => (Severity::Write, &[command, sub], "changes stack tags"),
            },
            "rm" => (Severity::Destructive, &[command, sub], "deletes the stack"),
            "init" | "rename" | "import" | "change-secrets-provider" => {
                (Severity::Write, &[command, sub], "changes the stack")
            }
            _ => (
                Severity::Unknown,
                &[command, sub],
                "not a stack subcommand guard knows",
            ),
        },
        "config" => match sub {
            "" | "get" => (
                Severity::Read,
                &[command, sub],
                "reads the stack configuration",
            ),
            _ => (
                Severity::Write,
                &[command, sub],
                "changes the stack configuration",
            ),
        },
        "state" => match sub {
            "delete" => (
                Severity::Destructive,
                &[command, sub],
                "deletes a resource from the state",
            ),
            _ => (Severity::Write, &[command, sub], "changes the state"),
        },
        "org" | "env" | "policy" => match sub {
            "" | "get" | "ls" | "get-default" | "open" | "diff" => {
                (Severity::Read, &[command, sub], "read-only")
            }
            _ => (
                Severity::Write,
                &[command, sub],
                "changes Pulumi Cloud settings",
            ),
        },
        _ => (
            Severity::Unknown,
            &[command],
            "not a subcommand guard knows",
        ),
    };
    let path: Vec<&str> = path
        .iter()
        .copied()
        .filter(|part| !part.is_empty())
        .collect();
    let previews = matches!(
        command,
        "destroy" | "down" | "dn" | "up" | "update" | "refresh"
    ) && flags::dry_run(args, &["--preview-only"], &SPEC).is_some();
    if previews {
        return Verdict::of_flag(
            Severity::Read,
            "pulumi",
            &path,
            "--preview-only",
            "only previews, changes nothing",
        );
    }
    let mut verdict = Verdict::of(severity, "pulumi", &path, what);
    if severity != Severity::Read && skips_confirmation(args, scope) {
        verdict
            .reason
            .push_str("; pulumi itself will not ask (--yes or PULUMI_SKIP_CONFIRMATIONS)");
    }
    verdict
}

fn skips_confirmation(args: &[String], scope: &Scope) -> bool {
    let by_env = match scope.var("PULUMI_SKIP_CONFIRMATIONS") {
        Some(EnvValue::Known(value)) => matches!(value.as_str(), "1" | "true" | "TRUE" | "True"),
        Some(EnvValue::Dynamic) => true,
        None => false,
    };
    by_env || flags::any_on(args, &["--yes", "-y"])
}
