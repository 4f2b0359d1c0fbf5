//! `terragrunt`: its own commands, and the terraform command it runs (`run-all destroy`,
//! `run --all -- destroy`, `run plan`, the `destroy` shortcut, `apply -destroy`).

use super::Severity;
use super::flags::{self, Arity, Flag, Layout, UnknownFlags, switch, valued};
use super::scope::{EnvValue, Scope};
use super::terraform::{self, Flavor};
use super::verdict::Verdict;

/// Terragrunt's flags, old (`--terragrunt-*`) and new names. Flags it does not know are
/// read both ways by `judge_both_readings`.
const FLAGS: &[Flag] = &[
    switch("--all"),
    switch("--graph"),
    switch("--non-interactive"),
    switch("--no-auto-init"),
    switch("--no-auto-retry"),
    switch("--no-auto-approve"),
    switch("--source-update"),
    switch("--queue-ignore-errors"),
    switch("--queue-ignore-dag-order"),
    switch("--queue-include-external"),
    switch("--queue-exclude-external"),
    switch("--queue-strict-include"),
    switch("--no-color"),
    switch("--log-disable"),
    switch("--log-show-abs-paths"),
    switch("--dependency-fetch-output-from-state"),
    switch("--use-partial-parse-config-cache"),
    switch("--provider-cache"),
    switch("--backend-bootstrap"),
    switch("--inputs-debug"),
    switch("--tf-forward-stdout"),
    switch("--strict-mode"),
    switch("--experiment-mode"),
    switch("--no-destroy-dependencies-check"),
    switch("--summary-disable"),
    switch("--help"),
    switch("-h"),
    switch("--version"),
    switch("-v"),
    switch("--terragrunt-non-interactive"),
    switch("--terragrunt-ignore-dependency-errors"),
    switch("--terragrunt-ignore-dependency-order"),
    switch("--terragrunt-ignore-external-dependencies"),
    switch("--terragrunt-include-external-dependencies"),
    switch("--terragrunt-source-update"),
    switch("--terragrunt-no-auto-init"),
    switch("--terragrunt-no-auto-retry"),
    switch("--terragrunt-no-auto-approve"),
    switch("--terragrunt-debug"),
    switch("--terragrunt-strict-include"),
    switch("--terragrunt-check"),
    switch("--terragrunt-strict-validate"),
    switch("--terragrunt-fetch-dependency-output-from-state"),
    switch("--terragrunt-use-partial-parse-config-cache"),
    switch("--terragrunt-provider-cache"),
    valued("--working-dir"),
    valued("--config"),
    valued("--tf-path"),
    valued("--download-dir"),
    valued("--source"),
    valued("--source-map"),
    valued("--iam-assume-role"),
    valued("--iam-assume-role-duration"),
    valued("--iam-assume-role-session-name"),
    valued("--iam-assume-role-web-identity-token"),
    valued("--parallelism"),
    valued("--log-level"),
    valued("--log-format"),
    valued("--log-custom-format"),
    valued("--queue-exclude-dir"),
    valued("--queue-include-dir"),
    valued("--queue-excludes-file"),
    valued("--units-that-include"),
    valued("--provider-cache-dir"),
    valued("--feature"),
    valued("--filter"),
    valued("--out-dir"),
    valued("--json-out-dir"),
    valued("--auth-provider-cmd"),
    valued("--strict-control"),
    valued("--experiment"),
    valued("--terragrunt-config"),
    valued("--terragrunt-tfpath"),
    valued("--terragrunt-working-dir"),
    valued("--terragrunt-download-dir"),
    valued("--terragrunt-source"),
    valued("--terragrunt-source-map"),
    valued("--terragrunt-iam-role"),
    valued("--terragrunt-iam-assume-role-duration"),
    valued("--terragrunt-iam-assume-role-session-name"),
    valued("--terragrunt-iam-web-identity-token"),
    valued("--terragrunt-exclude-dir"),
    valued("--terragrunt-include-dir"),
    valued("--terragrunt-parallelism"),
    valued("--terragrunt-log-level"),
    valued("--terragrunt-hclfmt-file"),
    valued("--terragrunt-modules-that-include"),
    valued("--terragrunt-json-out"),
    valued("--terragrunt-override-attr"),
];

/// Flags that name a program terragrunt runs (for credentials, or instead of terraform).
const PROGRAM_FLAGS: &[&str] = &["--auth-provider-cmd", "--tf-path", "--terragrunt-tfpath"];

/// Variables that do the same.
const PROGRAM_VARS: &[&str] = &["TG_TF_PATH", "TERRAGRUNT_TFPATH"];

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    let before = flags::before_dashdash(args);
    let named = PROGRAM_FLAGS.iter().find(|flag| {
        before.iter().any(|arg| {
            arg.strip_prefix(**flag)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
        })
    });
    let by_env = PROGRAM_VARS.iter().find(|var| match scope.var(var) {
        Some(EnvValue::Known(value)) => !value.is_empty(),
        Some(EnvValue::Dynamic) => true,
        None => false,
    });
    if let Some(source) = named.or(by_env) {
        return Verdict::of(
            Severity::Unknown,
            "terragrunt",
            &[],
            &format!("{source} names a program terragrunt runs; guard cannot see what it does"),
        );
    }
    // Terragrunt assumes this role before running terraform: other credentials than the
    // ones guard verified.
    let credential = flags::last_value(args, &["--iam-assume-role", "--terragrunt-iam-role"])
        .map(|role| format!("--iam-assume-role {role}"));
    flags::judge_both_readings(args, FLAGS, UnknownFlags::NoValue, |layout| {
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
        let arity = flags::arity_in(FLAGS, name);
        if arity.is_none() && !name.starts_with("--terragrunt-") {
            kept.push(arg.as_str());
        } else if !arg.contains('=') && arity == Some(Arity::Value) {
            i += 1;
        }
    }
    kept
}
