//! AWS CDK (`cdk`, `npx aws-cdk`, yargs): options before or after the command.

use super::Severity::{Destructive, Read, Unknown, Write};
use super::flags::{Flag, switch, valued};
use super::scope::Scope;
use super::table::{Command, Credential, Modifier, Parser, Table, Test, cmd, env_program};
use super::verdict::Verdict;

/// The options yargs knows before it picks the command (the CLI's global options). A
/// command's own options (`--force`, `--all`) are unknown in that first pass and take the
/// next word: `cdk --force ls destroy StackA` destroys.
const GLOBALS: &[Flag] = &[
    switch("--trace"),
    switch("--strict"),
    switch("--lookups"),
    switch("--ignore-errors"),
    switch("--json"),
    switch("-j"),
    switch("--verbose"),
    switch("-v"),
    switch("--debug"),
    switch("--ec2creds"),
    switch("-i"),
    switch("--version-reporting"),
    switch("--path-metadata"),
    switch("--asset-metadata"),
    switch("--staging"),
    switch("--notices"),
    switch("--no-color"),
    switch("--ci"),
    switch("--yes"),
    switch("-y"),
    switch("--telemetry"),
    switch("--version"),
    switch("--help"),
    switch("-h"),
    valued("--app"),
    valued("-a"),
    valued("--build"),
    valued("--context"),
    valued("-c"),
    valued("--plugin"),
    valued("-p"),
    valued("--profile"),
    valued("--proxy"),
    valued("--ca-bundle-path"),
    valued("--role-arn"),
    valued("-r"),
    valued("--output"),
    valued("-o"),
    valued("--unstable"),
    valued("--telemetry-file"),
];

const NO_CLOUD: &str = "no cloud change";

const COMMANDS: &[Command] = &[
    cmd(&["deploy"], Write, "deploys stacks"),
    cmd(&["destroy"], Destructive, "destroys stacks"),
    cmd(
        &["bootstrap"],
        Write,
        "creates or updates the CDK toolkit stack",
    ),
    cmd(&["watch"], Write, "deploys stacks on every change"),
    cmd(&["import"], Write, "changes stacks"),
    cmd(&["rollback"], Write, "changes stacks"),
    cmd(&["migrate"], Write, "changes stacks"),
    cmd(&["refactor"], Write, "moves resources between stacks"),
    cmd(&["gc"], Destructive, "deletes unused assets"),
    cmd(&["synth|synthesize"], Read, NO_CLOUD),
    cmd(&["diff"], Read, NO_CLOUD),
    cmd(&["drift"], Read, NO_CLOUD),
    cmd(&["ls|list"], Read, NO_CLOUD),
    cmd(&["metadata"], Read, NO_CLOUD),
    cmd(&["doctor"], Read, NO_CLOUD),
    cmd(&["docs|doc"], Read, NO_CLOUD),
    cmd(&["notices"], Read, NO_CLOUD),
    cmd(&["acknowledge|ack"], Read, NO_CLOUD),
    cmd(&["context"], Read, NO_CLOUD),
    // It runs the template's install step (`npm install`, pip, ...): the packages' install
    // scripts run with the credentials.
    cmd(
        &["init"],
        Unknown,
        "installs the new project's packages (npm, pip, ...); their install scripts run code guard cannot see",
    ),
    cmd(&["flags"], Read, NO_CLOUD),
    cmd(&["cli-telemetry"], Read, NO_CLOUD),
];

const MODIFIERS: &[Modifier] = &[
    Modifier {
        commands: &[""],
        flags: &["--app", "-a", "--build"],
        test: Test::Given,
        severity: Unknown,
        what: "runs the program given as the app or build command; guard cannot see it",
    },
    // The CLI `require`s each plugin module (PluginHost.load).
    Modifier {
        commands: &[""],
        flags: &["--plugin", "-p"],
        test: Test::Given,
        severity: Unknown,
        what: "loads the plugin module given, code guard cannot see",
    },
    Modifier {
        commands: &["docs"],
        flags: &["--browser", "-b"],
        test: Test::Given,
        severity: Unknown,
        what: "runs the browser command given; guard cannot see it",
    },
    Modifier {
        commands: &["init"],
        flags: &["--list"],
        test: Test::Skips,
        severity: Read,
        what: "only lists the templates",
    },
    Modifier {
        commands: &["init"],
        flags: &["--generate-only"],
        test: Test::Skips,
        severity: Read,
        what: "only writes the template's files, installs nothing, no cloud change",
    },
    // Only `refactor` has a dry run; `deploy` and `destroy` ignore the flag.
    Modifier {
        commands: &["refactor"],
        flags: &["--dry-run"],
        test: Test::DryBool,
        severity: Read,
        what: "dry run, changes nothing",
    },
];

const TABLE: Table = Table {
    tool: "cdk",
    parser: Parser::Yargs,
    globals: GLOBALS,
    locals: &[
        "--all",
        "--force",
        "-f",
        "--exclusively",
        "-e",
        "--hotswap",
        "--dry-run",
        "--generate-only",
        "--toolkit-stack-name",
        "--parameters",
        "--outputs-file",
        "-O",
        "--method",
        "--require-approval",
        "-m",
        "--concurrency",
    ],
    commands: COMMANDS,
    bare: (Read, "prints help or its version"),
    unlisted: "not a command guard knows",
    modifiers: MODIFIERS,
    // yargs' `.env("CDK")`: CDK_APP is --app, CDK_BUILD is --build, CDK_BROWSER is --browser.
    env_programs: &[
        env_program(
            &[""],
            "NODE_OPTIONS",
            "node may load a program it names (--require, --import)",
        ),
        env_program(&[""], "CDK_APP", "it is --app, a program guard cannot see"),
        env_program(
            &[""],
            "CDK_PLUGIN",
            "it is --plugin, a module the CLI loads, code guard cannot see",
        ),
        env_program(
            &[""],
            "CDK_BUILD",
            "it is --build, a program guard cannot see",
        ),
        env_program(
            &["docs"],
            "CDK_BROWSER",
            "it is --browser, a program guard cannot see",
        ),
    ],
    credentials: &[Credential {
        flag: "--profile",
        show_value: true,
    }],
};

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    TABLE.judge(args, scope)
}
