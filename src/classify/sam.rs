//! AWS SAM CLI (`sam`, click): `deploy`, `delete`, `sync`, and local-only commands.

use super::Severity::{Destructive, Read, Unknown, Write};
use super::flags::{Flag, switch, valued};
use super::scope::Scope;
use super::table::{Command, Credential, Modifier, Parser, Table, Test, cmd};
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
    valued("--config-file"),
    valued("--config-env"),
    valued("--stack-name"),
    valued("--template-file"),
    valued("--template"),
    valued("-t"),
    valued("--s3-bucket"),
    valued("--s3-prefix"),
    valued("--capabilities"),
    valued("--parameter-overrides"),
    valued("--tags"),
    valued("--base-dir"),
    valued("-s"),
    valued("--build-dir"),
    valued("-b"),
];

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
    cmd(&["pipeline", "*"], Read, "writes local pipeline files"),
    cmd(&["local"], Read, "prints help"),
    cmd(&["local", "generate-event"], Read, "prints a sample event"),
    // The function's code runs on this machine, with guard's credentials.
    cmd(
        &["local", "*"],
        Unknown,
        "runs the function's code locally with the credentials; guard cannot see what it does",
    ),
    cmd(&["build"], Read, "works on local files"),
    cmd(&["init"], Read, "works on local files"),
    cmd(&["validate"], Read, "read-only"),
    cmd(&["logs"], Read, "read-only"),
    cmd(&["traces"], Read, "read-only"),
    cmd(&["list"], Read, "read-only"),
    cmd(&["list", "*"], Read, "read-only"),
    cmd(&["docs"], Read, "read-only"),
];

const TABLE: Table = Table {
    tool: "sam",
    parser: Parser::Click,
    globals: GLOBALS,
    locals: &[],
    commands: COMMANDS,
    bare: (Read, "prints help or its version"),
    unlisted: "not a command guard knows",
    modifiers: &[Modifier {
        commands: &["init"],
        flags: &["--location", "-l"],
        test: Test::Given,
        severity: Unknown,
        what: "cookiecutter runs the hooks of the template at --location; guard cannot see them",
    }],
    env_programs: &[],
    credentials: &[Credential {
        flag: "--profile",
        show_value: true,
    }],
};

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    TABLE.judge(args, scope)
}
