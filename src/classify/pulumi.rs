//! `pulumi` (cobra): `destroy` = `down` = `dn`, `up` = `update`, `preview`, stack/config/state
//! subcommands; `--yes` and `PULUMI_SKIP_CONFIRMATIONS` skip pulumi's own prompt.

use super::Severity::{Destructive, Export, Read, Unknown, Write};
use super::flags::{self, Flag, reads, switch, valued, writes};
use super::paths;
use super::pulumi_flags as f;
use super::scope::{EnvValue, Scope, Wrote};
use super::table::{Command, Modifier, Parser, Table, Test, cmd, env_assigned};
use super::tool_paths;
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
const LOCAL_CONFIG: &str =
    "changes the stack's local settings file (Pulumi.<stack>.yaml), no cloud change";

/// Every command with its own flags (generated from carapace's pulumi completer:
/// `pulumi_flags`, and below for the commands pulumi added since); a flag the table does not
/// know keeps a read from being proven.
const COMMANDS: &[Command] = &[
    cmd(
        &["destroy|down|dn"],
        Destructive,
        "destroys every resource in the stack",
    )
    .with_flags(f::DESTROY)
    .with_more(NEWER),
    cmd(&["up|update"], Write, "deploys changes to the stack")
        .with_flags(f::UP)
        .with_more(NEWER),
    cmd(&["refresh"], Write, "updates the state from the cloud")
        .with_flags(f::REFRESH)
        .with_more(NEWER),
    cmd(&["preview|pre"], Read, "only previews, changes nothing")
        .with_flags(f::PREVIEW)
        .with_more(NEWER),
    cmd(&["cancel"], Write, "changes the stack").with_flags(f::CANCEL),
    cmd(&["import"], Write, "changes the stack")
        .with_flags(f::IMPORT)
        .with_more(&[switch("--preview-only")]),
    cmd(&["watch"], Write, "changes the stack").with_flags(f::WATCH),
    // It installs the template's dependencies (npm, pip, ...), whose install scripts run.
    cmd(
        &["new"],
        Unknown,
        "installs the new project's dependencies (npm, pip, ...); their install scripts run code guard cannot see",
    )
    .with_flags(f::NEW),
    cmd(&["logs"], Read, READ_ONLY).with_flags(f::LOGS),
    cmd(&["whoami"], Read, READ_ONLY).with_flags(WHOAMI),
    cmd(&["version"], Read, READ_ONLY),
    cmd(&["about"], Read, READ_ONLY).with_flags(f::ABOUT),
    cmd(&["console"], Read, READ_ONLY).with_flags(f::CONSOLE),
    cmd(&["help"], Read, READ_ONLY),
    cmd(&["gen-completion"], Read, READ_ONLY),
    cmd(&["completion"], Read, READ_ONLY),
    // A converter plugin (downloaded and installed when missing) does the work.
    cmd(
        &["convert"],
        Unknown,
        "runs a converter plugin, installing it when missing; guard cannot see what it does",
    ),
    cmd(&["login"], Read, "local setup, no cloud change").with_flags(f::LOGIN),
    cmd(&["logout"], Read, "local setup, no cloud change").with_flags(f::LOGOUT),
    cmd(&["plugin"], Read, "prints help"),
    cmd(&["plugin", "ls"], Read, "lists the installed plugins").with_flags(f::PLUGIN_LS),
    cmd(&["plugin", "rm"], Read, "removes local plugins, no cloud change").with_flags(f::PLUGIN_RM),
    // The plugin (from --server or a file of the line's choosing) runs in every later
    // pulumi command, with the credentials.
    cmd(
        &["plugin", "install"],
        Unknown,
        "installs a plugin that later pulumi commands run; guard cannot see it",
    )
    .with_flags(f::PLUGIN_INSTALL),
    cmd(
        &["plugin", "run"],
        Unknown,
        "runs a plugin's program, which guard cannot see",
    ),
    cmd(&["plugin", "*"], Unknown, "not a plugin subcommand guard knows"),
    cmd(
        &["install"],
        Unknown,
        "runs the project's package manager and plugin installs; guard cannot see what they run",
    ),
    cmd(&["stack"], Read, READ_ONLY).with_flags(f::STACK),
    cmd(&["stack", "ls"], Read, READ_ONLY).with_flags(f::STACK_LS),
    cmd(&["stack", "select"], Read, READ_ONLY).with_flags(f::STACK_SELECT),
    cmd(&["stack", "unselect"], Read, READ_ONLY),
    cmd(&["stack", "output"], Read, READ_ONLY).with_flags(f::STACK_OUTPUT),
    cmd(&["stack", "history|hist"], Read, READ_ONLY).with_flags(f::STACK_HISTORY),
    cmd(&["stack", "graph"], Read, READ_ONLY).with_flags(f::STACK_GRAPH),
    cmd(&["stack", "export"], Read, READ_ONLY).with_flags(f::STACK_EXPORT),
    cmd(&["stack", "tag"], Write, "changes stack tags"),
    cmd(&["stack", "tag", "ls|get"], Read, READ_ONLY).with_flags(f::STACK_TAG_LS),
    cmd(&["stack", "tag", "*"], Write, "changes stack tags"),
    cmd(&["stack", "rm"], Destructive, "deletes the stack").with_flags(f::STACK_RM),
    cmd(&["stack", "init"], Write, "changes the stack").with_flags(f::STACK_INIT),
    cmd(&["stack", "rename"], Write, "changes the stack"),
    cmd(&["stack", "import"], Write, "changes the stack").with_flags(f::STACK_IMPORT),
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
    cmd(&["config"], Read, "reads the stack configuration").with_flags(f::CONFIG),
    cmd(&["config", "get"], Read, "reads the stack configuration").with_flags(f::CONFIG_GET),
    // Decided: the stack's settings file (Pulumi.<stack>.yaml) is local; the next preview or
    // up reads it and is judged on its own.
    cmd(&["config", "set"], Read, LOCAL_CONFIG).with_flags(f::CONFIG_SET),
    cmd(&["config", "set-all"], Read, LOCAL_CONFIG).with_flags(f::CONFIG_SET_ALL),
    cmd(&["config", "rm"], Read, LOCAL_CONFIG).with_flags(f::CONFIG_RM),
    cmd(&["config", "rm-all"], Read, LOCAL_CONFIG).with_flags(f::CONFIG_RM_ALL),
    cmd(&["config", "cp"], Read, LOCAL_CONFIG).with_flags(f::CONFIG_CP),
    cmd(&["config", "env"], Read, "prints help"),
    cmd(&["config", "env", "ls"], Read, "lists the stack's environments").with_flags(CONFIG_ENV_LS),
    cmd(&["config", "env", "*"], Write, "changes the stack's environments"),
    cmd(&["config", "*"], Write, "changes the stack configuration"),
    cmd(&["state"], Read, "prints help"),
    cmd(
        &["state", "delete"],
        Destructive,
        "deletes a resource from the state",
    )
    .with_flags(f::STATE_DELETE),
    cmd(&["state", "*"], Write, "changes the state"),
    cmd(&["org"], Read, READ_ONLY),
    cmd(&["org", "get-default"], Read, READ_ONLY),
    cmd(&["org", "search"], Read, READ_ONLY).with_flags(ORG_SEARCH),
    cmd(&["org", "search", "ai"], Read, READ_ONLY).with_flags(ORG_SEARCH),
    cmd(&["org", "*"], Write, CLOUD),
    cmd(&["env"], Read, READ_ONLY),
    cmd(&["env", "ls"], Read, READ_ONLY).with_flags(ENV_LS),
    cmd(&["env", "get"], Read, READ_ONLY).with_flags(ENV_GET),
    cmd(&["env", "diff"], Read, READ_ONLY),
    // It prints the environment's values: they are often cloud credentials.
    cmd(
        &["env", "open"],
        Export,
        "prints the environment's values, often cloud credentials",
    ),
    // The command runs with the environment's values, which are often cloud credentials.
    cmd(
        &["env", "run"],
        Unknown,
        "runs a command with the environment's values (often other credentials); guard cannot see it",
    ),
    cmd(&["env", "*"], Write, CLOUD),
    cmd(&["policy"], Read, READ_ONLY),
    cmd(&["policy", "ls"], Read, READ_ONLY).with_flags(f::POLICY_LS),
    cmd(&["policy", "group"], Read, READ_ONLY),
    cmd(&["policy", "group", "ls"], Read, READ_ONLY).with_flags(f::POLICY_GROUP_LS),
    cmd(&["policy", "*"], Write, CLOUD),
];

/// Flags of the update commands newer than carapace's table (pulumi 3.1xx `--help`).
const NEWER: &[Flag] = &[
    switch("--preview-only"),
    switch("--run-program"),
    switch("--exclude-protected"),
    switch("--continue-on-error"),
    switch("--refresh"),
    switch("--import-pending-creates"),
    switch("--clear-pending-creates"),
    valued("--exclude"),
    switch("--exclude-dependents"),
    switch("--target-dependents"),
    valued("--attach-debugger"),
    switch("--neo"),
];

/// Flags of commands newer than carapace's table (pulumi's own `--help`, pulumi 3.1xx).
const WHOAMI: &[Flag] = &[
    switch("--verbose"),
    switch("-v"),
    switch("--json"),
    switch("-j"),
];
const CONFIG_ENV_LS: &[Flag] = &[
    valued("--stack"),
    valued("-s"),
    reads("--config-file"),
    switch("--json"),
    switch("-j"),
];
const ORG_SEARCH: &[Flag] = &[
    valued("--org"),
    valued("--query"),
    valued("-q"),
    valued("--output"),
    valued("-o"),
    valued("--delimiter"),
];
const ENV_LS: &[Flag] = &[valued("--organization"), valued("-o"), valued("--project")];
const ENV_GET: &[Flag] = &[valued("--value"), switch("--definition")];

pub(super) const TABLE: Table = Table {
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
            commands: &["destroy", "up", "refresh", "import"],
            flags: &["--preview-only"],
            test: Test::DryBool,
            severity: Read,
            what: "only previews, changes nothing",
        },
        // `--force` writes the template's files over those of a project that is there
        // (Pulumi.yaml, package.json, the program): the next pulumi run executes them.
        Modifier {
            commands: &["new"],
            flags: &["--force", "-f"],
            test: Test::Undryable,
            severity: Write,
            what: "overwrites the project's files in the folder with the template's, which the next pulumi run there executes",
        },
        // A policy pack is a Node or Python program pulumi runs alongside the preview (red
        // team R9): as `cdk --app`, a program guard cannot see.
        Modifier {
            commands: &["preview", "up", "destroy", "refresh", "import"],
            flags: &["--policy-pack"],
            test: Test::Given,
            severity: Unknown,
            what: "runs the policy pack, a program guard cannot see",
        },
        Modifier {
            commands: &["new"],
            flags: &["--generate-only", "-g"],
            test: Test::Skips,
            severity: Read,
            what: "only writes the project's files: no stack, no install",
        },
    ],
    // Plugins (language hosts, providers) run from there; the inherited value is the user's.
    env_programs: &[
        env_assigned(
            &[""],
            "PULUMI_HOME",
            "pulumi runs plugins and reads credentials from that folder",
        ),
        // The policy packs, and the interpreters the Python language host runs (red team R9).
        env_assigned(
            &[""],
            "PULUMI_POLICY_PACKS",
            "pulumi runs those policy packs, programs guard cannot see",
        ),
        env_assigned(
            &[""],
            "PULUMI_PYTHON_CMD",
            "the Python language host runs that program as the interpreter",
        ),
        env_assigned(
            &[""],
            "PULUMI_RUNTIME_VIRTUALENV",
            "the Python language host runs the interpreter of that virtual environment",
        ),
        // PULUMI_HOME's default is ~/.pulumi.
        env_assigned(
            &[""],
            "HOME",
            "pulumi runs plugins and reads credentials from ~/.pulumi there",
        ),
    ],
    credentials: &[],
    trusts: &[],
    // `preview --save-plan` writes the plan, `--policy-pack-config` is read, `import --out`
    // writes the generated program (into `index.ts` it replaces the one the next preview runs).
    overrides: &[
        writes("--save-plan"),
        reads("--policy-pack-config"),
        writes("--out"),
        // `up --plan` reads the saved plan.
        reads("--plan"),
    ],
};

pub(crate) fn classify(args: &[String], outer: &Scope) -> Verdict {
    // pulumi changes into --cwd before it reads a path the line names (`--config-file`).
    let moved;
    let scope = match flags::last_value(args, &["--cwd", "-C"]) {
        Some(dir) => {
            moved = tool_paths::moved_to(dir, outer);
            &moved
        }
        None => outer,
    };
    let mut verdict = TABLE.judge(args, scope);
    if verdict
        .command
        .iter()
        .map(String::as_str)
        .eq(["stack", "graph"])
    {
        verdict = verdict.or_worse(graph_file(args, scope));
    }
    // `new` writes the template's project (Pulumi.yaml, the program) into `--dir` or here:
    // files guard cannot name, which a later pulumi run on the line executes.
    if verdict.command.iter().map(String::as_str).eq(["new"]) {
        let dir = flags::last_value(args, &["--dir"]).unwrap_or(".");
        // pulumi refuses a folder with files unless `--force` (a write, above): the files are
        // new, and only the commands after it on the line are unknown.
        match paths::locate(&tool_paths::word(dir), scope) {
            paths::Located::At(at) => scope.note_write(Wrote::Folder(at)),
            paths::Located::Unknown(_) => scope.note_write(Wrote::Somewhere(dir.to_owned())),
        }
    }
    if verdict.severity != Read && skips_confirmation(args, scope) {
        verdict
            .reason
            .push_str("; pulumi itself will not ask (--yes or PULUMI_SKIP_CONFIRMATIONS)");
    }
    verdict
}

/// `pulumi stack graph FILE` creates FILE and writes the DOT graph into it (pulumi
/// pkg/cmd/pulumi/stack/stack_graph.go: `os.Create(args[0])`; `--dot-fragment` even puts a
/// line of the command's choosing there): judged by the file's class.
fn graph_file(args: &[String], scope: &Scope) -> Verdict {
    let none = Verdict::of(Read, "pulumi", &["stack", "graph"], "");
    let Some(at) = args.iter().position(|arg| arg == "graph") else {
        return none;
    };
    let valued = |arg: &str| {
        !arg.contains('=')
            && [f::ROOT, f::STACK, f::STACK_GRAPH]
                .iter()
                .any(|set| flags::arity_in(set, arg) == Some(flags::Arity::Value))
    };
    let mut words = args.iter().skip(at + 1);
    while let Some(word) = words.next() {
        if word == "--" {
            continue;
        }
        if word.starts_with('-') {
            if valued(word) {
                words.next();
            }
            continue;
        }
        return match tool_paths::write(word, scope) {
            Some((severity, why)) => Verdict::of(
                severity,
                "pulumi",
                &["stack", "graph"],
                &format!("writes the graph into its file: {why}"),
            ),
            None => none,
        };
    }
    none
}

fn skips_confirmation(args: &[String], scope: &Scope) -> bool {
    let by_env = match scope.var("PULUMI_SKIP_CONFIRMATIONS") {
        Some(EnvValue::Known(value)) => flags::is_true(&value),
        Some(EnvValue::Dynamic) => true,
        None => false,
    };
    by_env || flags::any_on(args, &["--yes", "-y"])
}
