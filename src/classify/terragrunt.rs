//! `terragrunt`: its own commands, and the terraform command it runs (`run-all destroy`,
//! `run --all -- destroy`, `run plan`, the `destroy` shortcut, `apply -destroy`).

use super::Severity;
use super::flags::{self, FlagSpec, Layout, UnknownFlags};
use super::scope::Scope;
use super::terraform::{self, Flavor};
use super::verdict::Verdict;

/// Terragrunt's flags, old (`--terragrunt-*`) and new names. Flags it does not know are
/// read both ways by `judge_both_readings`.
const SPEC: FlagSpec = FlagSpec {
    switches: &[
        "--all",
        "--graph",
        "--non-interactive",
        "--no-auto-init",
        "--no-auto-retry",
        "--no-auto-approve",
        "--source-update",
        "--queue-ignore-errors",
        "--queue-ignore-dag-order",
        "--queue-include-external",
        "--queue-exclude-external",
        "--queue-strict-include",
        "--no-color",
        "--log-disable",
        "--log-show-abs-paths",
        "--dependency-fetch-output-from-state",
        "--use-partial-parse-config-cache",
        "--provider-cache",
        "--backend-bootstrap",
        "--inputs-debug",
        "--tf-forward-stdout",
        "--strict-mode",
        "--experiment-mode",
        "--no-destroy-dependencies-check",
        "--summary-disable",
        "--help",
        "-h",
        "--version",
        "-v",
        "--terragrunt-non-interactive",
        "--terragrunt-ignore-dependency-errors",
        "--terragrunt-ignore-dependency-order",
        "--terragrunt-ignore-external-dependencies",
        "--terragrunt-include-external-dependencies",
        "--terragrunt-source-update",
        "--terragrunt-no-auto-init",
        "--terragrunt-no-auto-retry",
        "--terragrunt-no-auto-approve",
        "--terragrunt-debug",
        "--terragrunt-strict-include",
        "--terragrunt-check",
        "--terragrunt-strict-validate",
        "--terragrunt-fetch-dependency-output-from-state",
        "--terragrunt-use-partial-parse-config-cache",
        "--terragrunt-provider-cache",
    ],
    valued: &[
        "--working-dir",
        "--config",
        "--tf-path",
        "--download-dir",
        "--source",
        "--source-map",
        "--iam-assume-role",
        "--iam-assume-role-duration",
        "--iam-assume-role-session-name",
        "--iam-assume-role-web-identity-token",
        "--parallelism",
        "--log-level",
        "--log-format",
        "--log-custom-format",
        "--queue-exclude-dir",
        "--queue-include-dir",
        "--queue-excludes-file",
        "--units-that-include",
        "--provider-cache-dir",
        "--feature",
        "--filter",
        "--out-dir",
        "--json-out-dir",
        "--auth-provider-cmd",
        "--strict-control",
        "--experiment",
        "--terragrunt-config",
        "--terragrunt-tfpath",
        "--terragrunt-working-dir",
        "--terragrunt-download-dir",
        "--terragrunt-source",
        "--terragrunt-source-map",
        "--terragrunt-iam-role",
        "--terragrunt-iam-assume-role-duration",
        "--terragrunt-iam-assume-role-session-name",
        "--terragrunt-iam-web-identity-token",
        "--terragrunt-exclude-dir",
        "--terragrunt-include-dir",
        "--terragrunt-parallelism",
        "--terragrunt-log-level",
        "--terragrunt-hclfmt-file",
        "--terragrunt-modules-that-include",
        "--terragrunt-json-out",
        "--terragrunt-override-attr",
    ],
};

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    // Terragrunt assumes this role before running terraform: other credentials than the
    // ones guard verified.
    let credential = flags::last_value(args, &["--iam-assume-role", "--terragrunt-iam-role"])
        .map(|role| format!("--iam-assume-role {role}"));
    flags::judge_both_readings(args, &SPEC, UnknownFlags::NoValue, |layout| {
        judge(args, layout, scope)
    })
    .with_credential(credential)
}

fn judge(args: &[String], layout: &Layout, scope: &Scope) -> Verdict {
    let Some(command) = layout.positional(args, 0) else {
        return Verdict::of(
            Severity::Read,
            "terragrunt",
            &[],
            "prints help or its version",
        );
    };
    match command {
        "run-all" | "graph" | "run" => terraform_part(command, layout.after(args, 0), args, scope),
        "stack" => match layout.positional(args, 1) {
            Some("run") => terraform_part("stack run", layout.after(args, 1), args, scope),
            Some(sub @ ("generate" | "output" | "clean")) => Verdict::of(
                Severity::Read,
                "terragrunt",
                &["stack", sub],
                "works on local stack files",
            ),
            sub => Verdict::of(
                Severity::Unknown,
                "terragrunt",
                &["stack", sub.unwrap_or_default()],
                "not a stack subcommand guard knows",
            ),
        },
        "exec" => Verdict::of(
            Severity::Unknown,
            "terragrunt",
            &["exec"],
            "runs an arbitrary command; guard does not follow it",
        ),
        "backend" => {
            let sub = layout.positional(args, 1).unwrap_or_default();
            let (severity, what) = match sub {
                "bootstrap" => (Severity::Write, "creates the state backend"),
                "migrate" => (Severity::Write, "moves state between backends"),
                "delete" => (Severity::Destructive, "deletes the state backend"),
                _ => (Severity::Unknown, "not a backend subcommand guard knows"),
            };
            Verdict::of(severity, "terragrunt", &["backend", sub], what)
        }
        "hclfmt"
        | "hcl"
        | "hclvalidate"
        | "validate-inputs"
        | "render-json"
        | "render"
        | "terragrunt-info"
        | "info"
        | "graph-dependencies"
        | "dag"
        | "output-module-groups"
        | "find"
        | "list"
        | "catalog"
        | "scaffold"
        | "aws-provider-patch" => Verdict::of(
            Severity::Read,
            "terragrunt",
            &[command],
            "works on local configuration, no cloud change",
        ),
        // Anything else is a terraform command that terragrunt passes through.
        _ => {
            let from = layout.positionals.first().copied().unwrap_or_default();
            terraform_part("", args.get(from..).unwrap_or_default(), args, scope)
        }
    }
}

/// Classifies the terraform command terragrunt runs. `via` is terragrunt's own command
/// (`run-all`, `run`, ...) or empty for a passed-through terraform command.
fn terraform_part(via: &str, rest: &[String], all_args: &[String], scope: &Scope) -> Verdict {
    let every_unit = matches!(via, "run-all" | "graph" | "stack run")
        || flags::any_on(all_args, &["--all", "--graph"]);
    let label = if via.is_empty() {
        "terragrunt".to_owned()
    } else {
        format!("terragrunt {via}")
    };
    // Terragrunt may run tofu, which expands @FILE arguments.
    let mut verdict = terraform::classify_as(&label, Flavor::Tofu, &without_own_flags(rest), scope);
    if !via.is_empty() {
        verdict
            .command
            .splice(0..0, via.split(' ').map(str::to_owned));
    }
    if every_unit {
        verdict.reason.push_str(" (in every unit)");
    }
    verdict
}

/// The terraform arguments, without terragrunt's flags (and their values).
fn without_own_flags(args: &[String]) -> Vec<&str> {
    let mut kept = Vec::with_capacity(args.len());
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let name = arg.split('=').next().unwrap_or(arg);
        let own = SPEC.switches.contains(&name)
            || SPEC.valued.contains(&name)
            || name.starts_with("--terragrunt-");
        if !own {
            kept.push(arg.as_str());
        } else if !arg.contains('=') && SPEC.valued.contains(&name) {
            i += 1;
        }
    }
    kept
}
