//! AWS SAM CLI (`sam`, click): `deploy`, `delete`, `sync`, and local-only commands.

use super::FileText;
use super::Severity::{Destructive, Read, Unknown, Write};
use super::flags::{self, Flag, reads, switch, valued, writes};
use super::scope::Scope;
use super::table::{Command, Credential, Modifier, Parser, Table, Test, cmd, env_assigned};
use super::verdict::Verdict;

const GLOBALS: &[Flag] = &[
    switch("--debug"),
    switch("--version"),
    switch("--info"),
    switch("--help"),
    switch("-h"),
    switch("--guided"),
    switch("-g"),
    switch("--no-confirm-changeset"),
    switch("--no-execute-changeset"),
    switch("--no-prompts"),
    switch("--resolve-s3"),
    switch("--watch"),
    switch("--use-container"),
    switch("-u"),
    switch("--beta-features"),
    valued("--profile"),
    valued("--region"),
    reads("--config-file"),
    valued("--config-env"),
    valued("--stack-name"),
    reads("--template-file"),
    reads("--template"),
    reads("-t"),
    valued("--s3-bucket"),
    valued("--s3-prefix"),
    valued("--capabilities"),
    valued("--parameter-overrides"),
    valued("--tags"),
    reads("--base-dir"),
    reads("-s"),
    writes("--build-dir"),
    writes("-b"),
];

/// Options of the read commands beyond the shared ones above (`sam CMD --help`, SAM CLI 1.1xx).
const LOGS: &[Flag] = &[
    valued("--name"),
    valued("-n"),
    valued("--filter"),
    valued("--start-time"),
    valued("--end-time"),
    valued("-e"),
    switch("--tail"),
    switch("--include-traces"),
    valued("--cw-log-group"),
    valued("--output"),
    valued("-o"),
    switch("--save-params"),
];
const TRACES: &[Flag] = &[
    valued("--trace-id"),
    valued("--start-time"),
    valued("--end-time"),
    valued("-e"),
    switch("--tail"),
    valued("--output"),
    switch("--save-params"),
];
const VALIDATE: &[Flag] = &[
    switch("--lint"),
    valued("--extra-lint-rules"),
    switch("--save-params"),
];
const LIST: &[Flag] = &[valued("--output"), valued("-o"), switch("--save-params")];
const INIT: &[Flag] = &[
    switch("--no-interactive"),
    valued("--location"),
    valued("-l"),
    valued("--runtime"),
    valued("-r"),
    valued("--architecture"),
    valued("-a"),
    valued("--dependency-manager"),
    valued("-d"),
    writes("--output-dir"),
    writes("-o"),
    valued("--name"),
    valued("-n"),
    valued("--app-template"),
    switch("--no-input"),
    valued("--extra-context"),
    valued("--package-type"),
    valued("-p"),
    valued("--base-image"),
    valued("-i"),
    switch("--tracing"),
    switch("--no-tracing"),
    switch("--application-insights"),
    switch("--no-application-insights"),
    switch("--structured-logging"),
    switch("--no-structured-logging"),
    switch("--save-params"),
];
const PIPELINE_INIT: &[Flag] = &[switch("--bootstrap"), switch("--save-params")];

const COMMANDS: &[Command] = &[
    cmd(&["deploy"], Write, "deploys the application's stack"),
    cmd(&["sync"], Write, "deploys changes straight to the cloud"),
    cmd(&["package"], Write, "uploads artifacts to S3"),
    cmd(
        &["publish"],
        Write,
        "publishes to the Serverless Application Repository",
    ),
    cmd(&["remote"], Write, "invokes or changes deployed resources"),
    cmd(
        &["remote", "*"],
        Write,
        "invokes or changes deployed resources",
    ),
    cmd(&["delete"], Destructive, "deletes the application's stack"),
    cmd(&["pipeline"], Read, "writes local pipeline files"),
    cmd(
        &["pipeline", "bootstrap"],
        Write,
        "creates pipeline resources",
    ),
    cmd(&["pipeline", "init"], Read, "writes local pipeline files").with_flags(PIPELINE_INIT),
    cmd(
        &["pipeline", "*"],
        Unknown,
        "not a pipeline subcommand guard knows",
    ),
    cmd(&["local"], Read, "prints help"),
    cmd(&["local", "generate-event"], Read, "prints a sample event"),
    // The function's code runs on this machine, with guard's credentials.
    cmd(
        &["local", "*"],
        Unknown,
        "runs the function's code locally with the credentials; guard cannot see what it does",
    ),
    // Decided: every builder runs code of the project's choosing (a Makefile's targets with
    // BuildMethod: makefile, npm's and pip's install scripts for the others), as `make` does.
    cmd(
        &["build"],
        Unknown,
        "runs the functions' builders (npm or pip install scripts, a Makefile's targets); guard cannot see what they run",
    ),
    cmd(&["init"], Read, "works on local files").with_flags(INIT),
    cmd(&["validate"], Read, "read-only").with_flags(VALIDATE),
    cmd(&["logs"], Read, "read-only").with_flags(LOGS),
    cmd(&["traces"], Read, "read-only").with_flags(TRACES),
    cmd(&["list"], Read, "read-only"),
    cmd(
        &["list", "resources|endpoints|stack-outputs"],
        Read,
        "read-only",
    )
    .with_flags(LIST),
    cmd(&["list", "*"], Unknown, "not a list subcommand guard knows"),
    cmd(&["docs"], Read, "opens the documentation"),
];

pub(super) const TABLE: Table = Table {
    tool: "sam",
    parser: Parser::Click,
    globals: GLOBALS,
    locals: &[],
    commands: COMMANDS,
    bare: (Read, "prints help or its version"),
    unlisted: "not a command guard knows",
    modifiers: &[
        // Every command saves the parameters it was given into samconfig.toml (or the
        // `--config-file`), a project file later sam runs take their options from (`sam init`
        // its template `location`).
        Modifier {
            commands: &[""],
            flags: &["--save-params"],
            test: Test::Undryable,
            severity: Write,
            what: "saves the parameters into samconfig.toml, which later sam runs take their options from",
        },
        Modifier {
            commands: &["init"],
            flags: &["--location", "-l"],
            test: Test::Given,
            severity: Unknown,
            what: "cookiecutter runs the hooks of the template at --location; guard cannot see them",
        },
        Modifier {
            commands: &["pipeline init"],
            flags: &["--bootstrap"],
            test: Test::On,
            severity: Write,
            what: "creates the pipeline's AWS resources (sam pipeline bootstrap)",
        },
    ],
    // Python's webbrowser module runs $BROWSER; the inherited value is the user's own.
    env_programs: &[
        env_assigned(
            &["docs"],
            "BROWSER",
            "the documentation opens in that program; guard cannot see it",
        ),
        // ~/.aws/config (plugins, endpoints) and ~/.aws-sam there; guard reads them only for
        // the CLI.
        env_assigned(
            &[""],
            "HOME",
            "sam reads ~/.aws/config and ~/.aws-sam there, configuration guard does not read for it",
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
    let verdict = TABLE.judge(args, scope);
    if verdict.severity == Read && verdict.command == ["init"] {
        return init_location(args, scope).unwrap_or(verdict);
    }
    verdict
}

/// `sam init` takes its options from samconfig (`[default.init.parameters]`), a template
/// `location` included, whose cookiecutter hooks run: a config that names one, or that guard
/// cannot read, is unknown.
fn init_location(args: &[String], scope: &Scope) -> Option<Verdict> {
    let named = flags::last_value(args, &["--config-file"]);
    let files: Vec<&str> = match named {
        Some(file) => vec![file],
        None => vec!["samconfig.toml", "samconfig.yaml", "samconfig.yml"],
    };
    for file in files {
        let dynamic = super::scope::is_dynamic(file);
        let why = match scope.read_file(file) {
            _ if dynamic => "comes from an expansion; guard cannot read it",
            FileText::Missing => continue,
            FileText::Text(text) if !text.contains("location") => continue,
            FileText::Text(_) => "names a template location, whose cookiecutter hooks run",
            FileText::Unreadable(_) => "guard cannot read it, and it can name a template location",
        };
        let what = format!("{} {why}; guard cannot see them", super::scope::shown(file));
        return Some(Verdict::of(Unknown, "sam", &["init"], &what));
    }
    None
}
