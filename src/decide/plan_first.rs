//! Plan-first applies (`[terraform] plan_first = true`): `terraform apply` without a plan file,
//! where it needs consent, becomes `terraform plan -out=FILE` with the same arguments, a
//! decision on what that plan does, and `terraform apply FILE`, so that the person consents to
//! what will happen and the apply cannot do anything else.

use std::ffi::{OsStr, OsString};
use std::path::Path;

use crate::child::childenv::ChildEnv;
use crate::child::exec;
use crate::child::signals;
use crate::classify::Severity;
use crate::decide::gate::{Gate, Ruling};
use crate::decide::plan;
use crate::decide::policy::Action;
use crate::sys::error::Failure;
use crate::sys::exit_codes;

/// How an option of `terraform apply` goes into the two steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goes {
    /// It shapes the plan (`-var`, `-target`, ...): plan gets it, a saved plan holds it.
    ToPlan,
    /// It is about running (`-lock`, `-parallelism`, ...): both steps get it.
    ToBoth,
    /// It only matters to apply (`-backup`, `-state-out`): apply gets it.
    ToApply,
    /// It has no meaning once there is a plan to look at: dropped.
    Dropped,
}

/// Every option `terraform apply` (and OpenTofu's) takes, from `terraform apply -help`: its
/// name, whether it takes a value (Go's flag package: `-name=value` or `-name value`; booleans
/// only `-name` or `-name=bool`), and where it goes. An option not here stops plan-first with an
/// error that names it: guard cannot say what plan would make of it.
const APPLY_OPTIONS: &[(&str, bool, Goes)] = &[
    ("auto-approve", false, Goes::Dropped),
    ("backup", true, Goes::ToApply),
    ("compact-warnings", false, Goes::ToBoth),
    ("destroy", false, Goes::ToPlan),
    ("input", false, Goes::ToBoth),
    ("json", false, Goes::Dropped),
    ("lock", false, Goes::ToBoth),
    ("lock-timeout", true, Goes::ToBoth),
    ("no-color", false, Goes::ToBoth),
    ("parallelism", true, Goes::ToBoth),
    ("refresh", false, Goes::ToPlan),
    ("refresh-only", false, Goes::ToPlan),
    ("replace", true, Goes::ToPlan),
    ("state", true, Goes::ToBoth),
    ("state-out", true, Goes::ToApply),
    ("target", true, Goes::ToPlan),
    ("var", true, Goes::ToPlan),
    ("var-file", true, Goes::ToPlan),
];

/// Variables that put arguments into terraform's command lines behind guard's back.
const ARGUMENT_VARIABLES: [&str; 3] = ["TF_CLI_ARGS", "TF_CLI_ARGS_plan", "TF_CLI_ARGS_apply"];

/// `terraform apply` split into its two steps.
#[derive(Debug, PartialEq, Eq)]
struct Steps {
    /// `terraform [-chdir=DIR]`: the program and its global options.
    program: Vec<OsString>,
    plan: Vec<OsString>,
    apply: Vec<OsString>,
}

/// Whether this run is a plan-first apply: an apply without a plan file, in an account whose
/// policy turns plan-first on, that the ruling lets through only with consent.
pub fn wanted(gate: &Gate, ruling: &Ruling) -> bool {
    let c = &ruling.classification;
    ruling.decision.action == Action::Confirm
        && matches!(c.tool.as_deref(), Some("terraform" | "tofu"))
        && c.command == ["apply"]
        && c.severity != Severity::Read
        && ruling.plan.is_none()
        && c.others.is_empty()
        && gate.plan_first()
}

/// Plans, decides on the plan, applies it; ends guard with terraform's status. `Err` when guard
/// refuses or cannot do it (nothing was applied then).
pub fn run(
    gate: &Gate,
    argv: &[OsString],
    env: &ChildEnv,
) -> anyhow::Result<std::convert::Infallible> {
    // The child inherits guard's environment apart from what `env` sets or removes.
    let set = |name: &str| {
        env.set.iter().any(|(n, v)| *n == name && !v.is_empty())
            || (!env.remove.contains(&name)
                && std::env::var_os(name).is_some_and(|v| !v.is_empty()))
    };
    if let Some(name) = ARGUMENT_VARIABLES.iter().find(|name| set(name)) {
        return Err(Failure::refused(format!(
            "plan-first applies are on for this account, and {name} would add arguments that guard does not see to plan and apply; nothing was run"
        ))
        .with_hint(format!("unset {name}, or run terraform plan -out=tfplan and then guard apply tfplan"))
        .into());
    }
    let steps = split(argv).map_err(Failure::refused)?;
    let dir = tempfile::Builder::new()
        .prefix("guard-plan-")
        .tempdir()
        .map_err(|e| Failure::io(format!("cannot make a private folder for the plan: {e}")))?;
    let file = dir.path().join("tfplan");
    let forwarder = Some(signals::Forwarder::block()?);

    let mut plan_argv = steps.program.clone();
    plan_argv.extend(steps.plan.iter().cloned());
    plan_argv.push(out_option(&file));
    // Ctrl-C reaches plan from the terminal; a signal a process sends guard waits for apply.
    let status = wait(&forwarder, &plan_argv, env, false)?;
    if !status.success() {
        // terraform said why on the terminal; its status is the answer.
        std::process::exit(exit_codes::of_child(status));
    }
    let mut words: Vec<String> = steps
        .program
        .iter()
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    words.extend(["apply".to_string(), file.to_string_lossy().into_owned()]);
    let classification = crate::decide::gate::classify_argv(&words);
    let ruling = gate.reviewed(classification, words, |saved| {
        plan::shown(&argv[0], saved, Some(env))
    });
    gate.enforce(&ruling)?;

    let mut apply_argv = steps.program;
    apply_argv.extend(steps.apply);
    apply_argv.push(file.into_os_string());
    let status = wait(&forwarder, &apply_argv, env, true)?;
    drop(dir);
    std::process::exit(exit_codes::of_child(status));
}

fn out_option(file: &Path) -> OsString {
    let mut out = OsString::from("-out=");
    out.push(file);
    out
}

/// Runs a step as guard's child. `forward`: pass the signals guard receives on to it (the last
/// step only: a forwarding thread outlives its child, and must not signal a reused pid).
fn wait(
    forwarder: &Option<signals::Forwarder>,
    argv: &[OsString],
    env: &ChildEnv,
    forward: bool,
) -> Result<std::process::ExitStatus, Failure> {
    let mut child = exec::spawn(argv, env, |cmd| {
        if let Some(forwarder) = forwarder {
            forwarder.unblock_in(cmd)
        }
    })?;
    if forward {
        signals::Forwarder::block()?.forward_to(child.id());
    }
    child
        .wait()
        .map_err(|e| Failure::unavailable(format!("waiting for terraform failed: {e}")))
}

/// `terraform [-chdir=DIR] apply OPTIONS` as its two steps; Err names what guard cannot split.
fn split(argv: &[OsString]) -> Result<Steps, String> {
    let mut words = argv.iter();
    let mut program = vec![words.next().cloned().ok_or("no command")?];
    let mut words = words.peekable();
    // Global options: only -chdir comes before a subcommand in an apply.
    while let Some(word) = words.peek() {
        let text = word.to_string_lossy();
        if text == "apply" {
            break;
        }
        let name = text.trim_start_matches('-');
        if name == "chdir" {
            program.push(words.next().expect("peeked").clone());
            program.push(words.next().ok_or("-chdir needs a folder")?.clone());
        } else if name.starts_with("chdir=") {
            program.push(words.next().expect("peeked").clone());
        } else {
            return Err(format!(
                "plan-first applies are on for this account, and guard cannot split `{text}` before apply into a plan and an apply; nothing was run"
            ));
        }
    }
    if words.next().map(OsString::as_os_str) != Some(OsStr::new("apply")) {
        return Err("the command is not terraform apply".to_string());
    }
    let mut steps = Steps {
        program,
        plan: vec!["plan".into()],
        apply: vec!["apply".into()],
    };
    while let Some(word) = words.next() {
        let text = word.to_string_lossy();
        let Some(option) = text.strip_prefix("--").or_else(|| text.strip_prefix('-')) else {
            return Err(format!(
                "`{text}` is a plan file or a folder, which plan-first does not take; nothing was run"
            ));
        };
        let (name, inline) = match option.split_once('=') {
            Some((name, _)) => (name, true),
            None => (option, false),
        };
        let Some(&(_, takes_value, goes)) = APPLY_OPTIONS.iter().find(|(n, _, _)| *n == name)
        else {
            return Err(format!(
                "plan-first applies are on for this account, and guard does not know what terraform plan makes of apply's `{text}`; nothing was run"
            ));
        };
        let mut option = vec![word.clone()];
        if takes_value && !inline {
            option.push(
                words
                    .next()
                    .ok_or_else(|| format!("`{text}` needs a value"))?
                    .clone(),
            );
        }
        match goes {
            Goes::ToPlan => steps.plan.extend(option),
            Goes::ToBoth => {
                steps.plan.extend(option.iter().cloned());
                steps.apply.extend(option);
            }
            Goes::ToApply => steps.apply.extend(option),
            Goes::Dropped => {}
        }
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<OsString> {
        text.split_whitespace().map(OsString::from).collect()
    }

    #[test]
    fn plan_options_go_to_plan_and_run_options_to_both() {
        let steps = split(&words(
            "terraform -chdir=envs/prod apply -var x=1 -var-file=prod.tfvars -target aws_instance.a -auto-approve -lock-timeout 5s -backup b.tfstate",
        ))
        .unwrap();
        assert_eq!(steps.program, words("terraform -chdir=envs/prod"));
        assert_eq!(
            steps.plan,
            words("plan -var x=1 -var-file=prod.tfvars -target aws_instance.a -lock-timeout 5s")
        );
        assert_eq!(
            steps.apply,
            words("apply -lock-timeout 5s -backup b.tfstate")
        );
    }

    #[test]
    fn what_guard_cannot_split_is_refused() {
        for (line, says) in [
            ("terraform apply tfplan", "plan file"),
            ("terraform apply -frobnicate", "-frobnicate"),
            ("terraform -verbose apply", "-verbose"),
            ("terraform apply -var", "needs a value"),
        ] {
            let err = split(&words(line)).unwrap_err();
            assert!(err.contains(says), "{line}: {err}");
        }
    }
}
