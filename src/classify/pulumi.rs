//! `pulumi` (cobra): `destroy` = `down` = `dn`, `up` = `update`, `preview`, stack/config/state
//! subcommands; `--yes` and `PULUMI_SKIP_CONFIRMATIONS` skip pulumi's own prompt.

use super::Severity::{Destructive, Read, Unknown, Write};
use super::flags::{self, Flag, switch, valued};
use super::scope::{EnvValue, Scope};
use super::table::{Command, Modifier, Parser, Table, Test, cmd};
use super::verdict::Verdict;

/// The root command's persistent flags.
const GLOBALS: &[Flag] = &[
    switch("--disable-integrity-checking"),
    switch("--emoji"),
    switch("-e"),
    switch("--fully-qualify-stack-names"),
    switch("--logflow"),
    switch("--logtostderr"),
    switch("--non-interactive"),
    valued("--cwd"),
    valued("-C"),
    valued("--color"),
    valued("--memprofilerate"),
    valued("--profiling"),
    valued("--tracing"),
    valued("--verbose"),
    valued("-v"),
];

const READ_ONLY: &str = "read-only";
const CLOUD: &str = "changes Pulumi Cloud settings";

const COMMANDS: &[Command] = &[
    cmd(
        &["destroy|down|dn"],
        Destructive,
        "destroys every resource in the stack",
    ),
    cmd(&["up|update"], Write, "deploys changes to the stack"),
    cmd(&["refresh"], Write, "updates the state from the cloud"),
    cmd(&["preview|pre"], Read, "only previews, changes nothing"),
    cmd(&["cancel"], Write, "changes the stack"),
    cmd(&["import"], Write, "changes the stack"),
    cmd(&["watch"], Write, "changes the stack"),
    // It installs the template's dependencies (npm, pip, ...), whose install scripts run.
    cmd(
        &["new"],
        Unknown,
        "installs the new project's dependencies (npm, pip, ...); their install scripts run code guard cannot see",
    ),
    cmd(&["logs"], Read, READ_ONLY),
    cmd(&["whoami"], Read, READ_ONLY),
    cmd(&["version"], Read, READ_ONLY),
    cmd(&["about"], Read, READ_ONLY),
    cmd(&["console"], Read, READ_ONLY),
    cmd(&["schema"], Read, READ_ONLY),
    cmd(&["schema", "*"], Read, READ_ONLY),
    cmd(&["help"], Read, READ_ONLY),
    cmd(&["gen-completion"], Read, READ_ONLY),
    cmd(&["completion"], Read, READ_ONLY),
    cmd(&["convert"], Read, READ_ONLY),
    cmd(&["login"], Read, "local setup, no cloud change"),
    cmd(&["logout"], Read, "local setup, no cloud change"),
    cmd(&["plugin"], Read, "local setup, no cloud change"),
    cmd(
        &["plugin", "run"],
        Unknown,
        "runs a plugin's program, which guard cannot see",
    ),
    cmd(&["plugin", "*"], Read, "local setup, no cloud change"),
    cmd(
        &["install"],
        Unknown,
        "runs the project's package manager and plugin installs; guard cannot see what they run",
    ),
    cmd(&["stack"], Read, READ_ONLY),
    cmd(&["stack", "ls"], Read, READ_ONLY),
    cmd(&["stack", "select"], Read, READ_ONLY),
    cmd(&["stack", "unselect"], Read, READ_ONLY),
    cmd(&["stack", "output"], Read, READ_ONLY),
    cmd(&["stack", "history|hist"], Read, READ_ONLY),
    cmd(&["stack", "graph"], Read, READ_ONLY),
    cmd(&["stack", "export"], Read, READ_ONLY),
    cmd(&["stack", "tag"], Write, "changes stack tags"),
    cmd(&["stack", "tag", "ls|get"], Read, READ_ONLY),
    cmd(&["stack", "tag", "*"], Write, "changes stack tags"),
    cmd(&["stack", "rm"], Destructive, "deletes the stack"),
    cmd(&["stack", "init"], Write, "changes the stack"),
    cmd(&["stack", "rename"], Write, "changes the stack"),
    cmd(&["stack", "import"], Write, "changes the stack"),
    cmd(
        &["stack", "change-secrets-provider"],
        Write,
        "changes the stack",
    ),
    cmd(
        &["stack", "*"],
        Unknown,
        "not a stack subcommand guard knows",
    ),
    cmd(&["config"], Read, "reads the stack configuration"),
    cmd(&["config", "get"], Read, "reads the stack configuration"),
    cmd(&["config", "*"], Write, "changes the stack configuration"),
    cmd(&["state"], Read, "prints help"),
    cmd(
        &["state", "delete"],
        Destructive,
        "deletes a resource from the state",
    ),
    cmd(&["state", "*"], Write, "changes the state"),
    cmd(&["org"], Read, READ_ONLY),
    cmd(&["org", "get-default|ls|get|open|diff"], Read, READ_ONLY),
    cmd(&["org", "*"], Write, CLOUD),
    cmd(&["env"], Read, READ_ONLY),
    cmd(&["env", "get|ls|get-default|open|diff"], Read, READ_ONLY),
    // The command runs with the environment's values, which are often cloud credentials.
    cmd(
        &["env", "run"],
        Unknown,
        "runs a command with the environment's values (often other credentials); guard cannot see it",
    ),
    cmd(&["env", "*"], Write, CLOUD),
    cmd(&["policy"], Read, READ_ONLY),
    cmd(&["policy", "get|ls|get-default|open|diff"], Read, READ_ONLY),
    cmd(&["policy", "*"], Write, CLOUD),
];

const TABLE: Table = Table {
    tool: "pulumi",
    parser: Parser::Cobra,
    globals: GLOBALS,
    locals: &[
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
        "--stack",
        "-s",
        "--target",
        "-t",
        "--message",
        "-m",
        "--config-file",
        "--parallel",
        "-p",
        "--generate-only",
        "-g",
        "--create",
        "-c",
    ],
    commands: COMMANDS,
    bare: (Read, "prints help"),
    unlisted: "not a subcommand guard knows",
    modifiers: &[
        Modifier {
            commands: &["stack select"],
            flags: &["--create", "-c"],
            test: Test::On,
            severity: Write,
            what: "creates the stack when it does not exist",
        },
        Modifier {
            commands: &["destroy", "up", "refresh"],
            flags: &["--preview-only"],
            test: Test::DryBool,
            severity: Read,
            what: "only previews, changes nothing",
        },
        Modifier {
            commands: &["new"],
            flags: &["--generate-only", "-g"],
            test: Test::Skips,
            severity: Read,
            what: "only writes the project's files: no stack, no install",
        },
    ],
    env_programs: &[],
    credentials: &[],
};

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    let mut verdict = TABLE.judge(args, scope);
    if verdict.severity != Read && skips_confirmation(args, scope) {
        verdict
            .reason
            .push_str("; pulumi itself will not ask (--yes or PULUMI_SKIP_CONFIRMATIONS)");
    }
    verdict
}

fn skips_confirmation(args: &[String], scope: &Scope) -> bool {
    let by_env = match scope.var("PULUMI_SKIP_CONFIRMATIONS") {
        Some(EnvValue::Known(value)) => flags::is_true(&value),
        Some(EnvValue::Dynamic) => true,
        None => false,
    };
    by_env || flags::any_on(args, &["--yes", "-y"])
}
