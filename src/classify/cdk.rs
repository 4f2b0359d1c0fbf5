//! AWS CDK (`cdk`, `npx aws-cdk`, yargs): options before or after the command.

use super::Severity::{Destructive, Export, Read, Unknown, Write};
use super::flags::{Flag, reads, switch, valued, writes};
use super::scope::Scope;
use super::table::{
    Command, Credential, Modifier, Parser, Table, Test, cmd, env_assigned, env_program,
};
use super::verdict::Verdict;

/// The options yargs knows before it picks the command (the CLI's global options,
/// aws-cdk-cli `lib/cli/cli-config.ts`). A command's own options (`--force`, `--all`) are
/// unknown in that first pass and take the next word: `cdk --force ls destroy StackA`
/// destroys.
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
    switch("--telemetry"),
    switch("--path-metadata"),
    switch("--asset-metadata"),
    switch("--staging"),
    switch("--notices"),
    switch("--no-color"),
    switch("--ci"),
    switch("--yes"),
    switch("-y"),
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
    reads("--ca-bundle-path"),
    valued("--role-arn"),
    valued("-r"),
    // The cloud assembly folder (cdk.out) is written there.
    writes("--output"),
    writes("-o"),
    valued("--unstable"),
    writes("--telemetry-file"),
];

/// Each command's own options (cli-config.ts, aws-cdk-cli 2.10xx).
const LIST: &[Flag] = &[
    switch("--long"),
    switch("-l"),
    switch("--show-dependencies"),
    switch("-d"),
];
const SYNTH: &[Flag] = &[
    switch("--exclusively"),
    switch("-e"),
    switch("--validation"),
    switch("--quiet"),
    switch("-q"),
];
const BOOTSTRAP: &[Flag] = &[
    valued("--bootstrap-bucket-name"),
    valued("--toolkit-bucket-name"),
    valued("-b"),
    valued("--bootstrap-kms-key-id"),
    switch("--example-permissions-boundary"),
    switch("--epb"),
    valued("--custom-permissions-boundary"),
    valued("--cpb"),
    switch("--bootstrap-customer-key"),
    valued("--qualifier"),
    switch("--public-access-block-configuration"),
    switch("--deny-external-id"),
    valued("--tags"),
    valued("-t"),
    switch("--execute"),
    valued("--trust"),
    valued("--trust-for-lookup"),
    valued("--untrust"),
    valued("--cloudformation-execution-policies"),
    switch("--force"),
    switch("-f"),
    switch("--termination-protection"),
    switch("--show-template"),
    valued("--toolkit-stack-name"),
    reads("--template"),
    switch("--previous-parameters"),
];
const DIFF: &[Flag] = &[
    switch("--exclusively"),
    switch("-e"),
    valued("--context-lines"),
    reads("--template"),
    switch("--strict"),
    switch("--security-only"),
    switch("--fail"),
    switch("--processed"),
    switch("--quiet"),
    switch("-q"),
    switch("--change-set"),
    switch("--changeset"),
    switch("--import-existing-resources"),
    switch("--include-moves"),
];
const DRIFT: &[Flag] = &[switch("--fail")];
const NOTICES: &[Flag] = &[switch("--unacknowledged"), switch("-u")];
const INIT: &[Flag] = &[
    valued("--language"),
    valued("-l"),
    switch("--list"),
    switch("--generate-only"),
    valued("--lib-version"),
    valued("-V"),
];
const CONTEXT: &[Flag] = &[
    valued("--reset"),
    valued("-e"),
    switch("--force"),
    switch("-f"),
    switch("--clear"),
];
const DOCS: &[Flag] = &[valued("--browser"), valued("-b")];
const FLAGS: &[Flag] = &[
    valued("--value"),
    switch("--set"),
    switch("--all"),
    switch("--unconfigured"),
    switch("--recommended"),
    switch("--default"),
    switch("--interactive"),
    switch("-i"),
    switch("--safe"),
    valued("--concurrency"),
    valued("-t"),
];
const REFACTOR: &[Flag] = &[
    valued("--additional-stack-name"),
    switch("--dry-run"),
    reads("--override-file"),
    switch("--revert"),
];
const CLI_TELEMETRY: &[Flag] = &[switch("--enable"), switch("--disable"), switch("--status")];

const NO_CLOUD: &str = "no cloud change";

const COMMANDS: &[Command] = &[
    cmd(&["deploy"], Write, "deploys stacks"),
    cmd(&["destroy"], Destructive, "destroys stacks"),
    cmd(
        &["bootstrap"],
        Write,
        "creates or updates the CDK toolkit stack",
    )
    .with_flags(BOOTSTRAP),
    cmd(&["watch"], Write, "deploys stacks on every change"),
    cmd(&["import"], Write, "changes stacks"),
    cmd(&["rollback"], Write, "changes stacks"),
    cmd(&["migrate"], Write, "changes stacks"),
    cmd(&["refactor"], Write, "moves resources between stacks").with_flags(REFACTOR),
    cmd(&["gc"], Destructive, "deletes unused assets"),
    cmd(&["synth|synthesize"], Read, NO_CLOUD).with_flags(SYNTH),
    cmd(&["diff"], Read, NO_CLOUD).with_flags(DIFF),
    cmd(&["drift"], Read, NO_CLOUD).with_flags(DRIFT),
    cmd(&["ls|list"], Read, NO_CLOUD).with_flags(LIST),
    cmd(&["metadata"], Read, NO_CLOUD),
    // aws-cdk's doctor prints every AWS_* and CDK_* variable, redacting only the key pair and
    // session token: under `guard --server` the container credentials' URL and token are
    // printed whole, and any local program fetches the credentials with them (red team R10).
    cmd(
        &["doctor"],
        Export,
        "prints the AWS_* variables, the credential server's token included",
    ),
    cmd(&["docs|doc"], Read, NO_CLOUD).with_flags(DOCS),
    cmd(&["notices"], Read, NO_CLOUD).with_flags(NOTICES),
    cmd(&["acknowledge|ack"], Read, NO_CLOUD),
    cmd(&["context"], Read, NO_CLOUD).with_flags(CONTEXT),
    // It runs the template's install step (`npm install`, pip, ...): the packages' install
    // scripts run with the credentials.
    cmd(
        &["init"],
        Unknown,
        "installs the new project's packages (npm, pip, ...); their install scripts run code guard cannot see",
    )
    .with_flags(INIT),
    cmd(&["flags"], Read, NO_CLOUD).with_flags(FLAGS),
    cmd(&["cli-telemetry"], Read, NO_CLOUD).with_flags(CLI_TELEMETRY),
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
    // It prints the template and returns before any bootstrapping (or running the app).
    Modifier {
        commands: &["bootstrap"],
        flags: &["--show-template"],
        test: Test::Skips,
        severity: Read,
        what: "only prints the bootstrap template",
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

pub(super) const TABLE: Table = Table {
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
        // Asset bundling runs `$CDK_DOCKER` instead of docker (red team R9).
        env_assigned(
            &[""],
            "CDK_DOCKER",
            "asset bundling runs that program instead of docker",
        ),
        env_program(
            &["docs"],
            "CDK_BROWSER",
            "it is --browser, a program guard cannot see",
        ),
        // The default browser command is xdg-open, which runs $BROWSER.
        env_assigned(
            &["docs"],
            "BROWSER",
            "xdg-open runs that program; guard cannot see it",
        ),
        // ~/.cdk.json there can name the app, a build command and plugins.
        env_assigned(
            &[""],
            "HOME",
            "cdk reads ~/.cdk.json there, which can name the app, a build command and plugins",
        ),
    ],
    credentials: &[Credential {
        flag: "--profile",
        show_value: true,
    }],
    trusts: &[],
    overrides: &[],
};

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    TABLE.judge(args, scope)
}
