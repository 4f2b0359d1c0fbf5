//! `eksctl VERB NOUN` (cobra): `delete` and `drain` destroy, `get` reads, the rest writes;
//! `upgrade cluster` only plans without `--approve`.

use super::Severity::{Destructive, Read, Unknown, Write};
use super::flags::{Flag, reads, switch, switches, valued};
use super::scope::{EnvValue, Scope};
use super::table::{Command, Credential, Modifier, Parser, Table, Test, cmd, env_assigned};
use super::tool_paths;
use super::verdict::Verdict;

/// The root command's persistent flags; `--region`, `--profile` and the rest belong to the
/// subcommands (before the subcommand cobra reads them as taking a value, as they do).
const GLOBALS: &[Flag] = &[
    switch("--dumpLogs"),
    valued("--color"),
    valued("-C"),
    valued("--verbose"),
    valued("-v"),
];

/// The flags eksctl's read and plan commands share (`cmdutils`: AWS, cluster, config file,
/// output and plan flags), as its `--help` lists them.
const COMMON: &[Flag] = &[
    valued("--profile"),
    valued("-p"),
    valued("--region"),
    valued("-r"),
    valued("--timeout"),
    valued("--cluster"),
    valued("-c"),
    valued("--name"),
    valued("-n"),
    reads("--config-file"),
    reads("-f"),
    valued("--output"),
    valued("-o"),
    valued("--chunk-size"),
    valued("--namespace"),
    valued("--include"),
    valued("--exclude"),
    switch("--only-missing"),
    switch("--approve"),
    switch("--dry-run"),
    switch("--wait"),
    switch("-w"),
    valued("--version"),
    valued("--nodegroup"),
    valued("--role-name"),
    valued("--attach-policy-arn"),
    valued("--attach-role-arn"),
    valued("--attach-policy"),
    valued("--permissions-boundary"),
    switch("--override-existing-serviceaccounts"),
    switch("--role-only"),
    valued("--enable-types"),
    valued("--disable-types"),
    switch("--private-access"),
    switch("--public-access"),
    valued("--public-access-cidrs"),
    valued("--cfn-role-arn"),
    switch("--cfn-disable-rollback"),
    switch("--all-namespaces"),
    valued("--set-kubeconfig-context"),
    // write-kubeconfig writes the kubeconfig there: the documented local switch, unless it
    // is terraform state or guard's own file.
    switches("--kubeconfig"),
    switch("--authenticator-role-arn"),
    switch("--auto-kubeconfig"),
];

/// Commands that only plan without `--approve` (eksctl's `cmdutils.NewCmd` starts in plan
/// mode and `AddApproveFlag` leaves it): `--approve` makes them write. Not `delete
/// iamserviceaccount` or `delete|drain nodegroup`: without a config file their loaders turn
/// plan mode off, so they delete at once.
const PLANS: &str = "only plans the change (no --approve)";

const DELETES: &str = "deletes cluster resources";
const CHANGES: &str = "creates or changes cluster resources";
const READ_ONLY: &str = "read-only";

const COMMANDS: &[Command] = &[
    cmd(&["delete"], Destructive, DELETES),
    cmd(&["delete", "*"], Destructive, DELETES),
    cmd(&["deregister"], Destructive, DELETES),
    cmd(&["deregister", "*"], Destructive, DELETES),
    cmd(&["disassociate"], Destructive, DELETES),
    cmd(&["disassociate", "*"], Destructive, DELETES),
    cmd(&["drain"], Write, CHANGES),
    cmd(
        &["drain", "nodegroup"],
        Destructive,
        "evicts every pod from the nodegroup",
    ),
    cmd(&["drain", "*"], Write, CHANGES),
    cmd(&["get"], Read, READ_ONLY).with_flags(COMMON),
    cmd(&["get", "*"], Read, READ_ONLY).with_flags(COMMON),
    cmd(&["version"], Read, READ_ONLY).with_flags(COMMON),
    cmd(&["info"], Read, READ_ONLY).with_flags(COMMON),
    cmd(&["completion"], Read, READ_ONLY),
    cmd(&["completion", "*"], Read, READ_ONLY),
    cmd(&["help"], Read, READ_ONLY),
    cmd(&["help", "*"], Read, READ_ONLY),
    cmd(
        &["upgrade", "cluster"],
        Read,
        "only plans the upgrade (no --approve)",
    )
    .with_flags(COMMON),
    cmd(
        &["create", "iamserviceaccount"],
        Read,
        PLANS,
    )
    .with_flags(COMMON),
    cmd(&["update", "iamserviceaccount"], Read, PLANS).with_flags(COMMON),
    cmd(&["update", "cluster"], Read, PLANS).with_flags(COMMON),
    cmd(&["utils"], Read, "prints help"),
    cmd(
        &["utils", "write-kubeconfig"],
        Read,
        "writes the local kubeconfig, no AWS change",
    )
    .with_flags(COMMON),
    cmd(
        &[
            "utils",
            "describe-stacks|describe-addon-versions|describe-addon-configuration|describe-cluster-vpc-config|nodegroup-health|schema",
        ],
        Read,
        READ_ONLY,
    )
    .with_flags(COMMON),
    cmd(
        &[
            "utils",
            "update-cluster-logging|update-kube-proxy|update-aws-node|update-coredns|associate-iam-oidc-provider|set-public-access-cidrs|update-cluster-vpc-config|update-cluster-endpoints|update-legacy-subnet-settings",
        ],
        Read,
        PLANS,
    )
    .with_flags(COMMON),
    cmd(&["utils", "*"], Write, CHANGES),
    cmd(&["create"], Write, CHANGES).with_flags(COMMON),
    cmd(&["create", "*"], Write, CHANGES).with_flags(COMMON),
    cmd(&["upgrade"], Write, CHANGES),
    cmd(&["upgrade", "*"], Write, CHANGES),
    cmd(&["update"], Write, CHANGES),
    cmd(&["update", "*"], Write, CHANGES),
    cmd(&["scale"], Write, CHANGES),
    cmd(&["scale", "*"], Write, CHANGES),
    cmd(&["set"], Write, CHANGES),
    cmd(&["set", "*"], Write, CHANGES),
    cmd(&["unset"], Write, CHANGES),
    cmd(&["unset", "*"], Write, CHANGES),
    cmd(&["enable"], Write, CHANGES),
    cmd(&["enable", "*"], Write, CHANGES),
    cmd(&["register"], Write, CHANGES),
    cmd(&["register", "*"], Write, CHANGES),
    cmd(&["associate"], Write, CHANGES),
    cmd(&["associate", "*"], Write, CHANGES),
    // A separate program (`eksctl-anywhere`) with commands of its own (`delete cluster`).
    cmd(
        &["anywhere"],
        Unknown,
        "runs the eksctl-anywhere plugin, whose commands guard does not read",
    ),
    cmd(
        &["anywhere", "*"],
        Unknown,
        "runs the eksctl-anywhere plugin, whose commands guard does not read",
    ),
];

const MODIFIERS: &[Modifier] = &[
    Modifier {
        commands: &[
            "create iamserviceaccount",
            "update iamserviceaccount",
            "update cluster",
            "utils enable-secrets-encryption",
            "utils install-vpc-controllers",
            "utils migrate-to-access-entry",
            "utils update-cluster-logging",
            "utils update-kube-proxy",
            "utils update-aws-node",
            "utils update-coredns",
            "utils associate-iam-oidc-provider",
            "utils set-public-access-cidrs",
            "utils update-cluster-vpc-config",
            "utils update-cluster-endpoints",
            "utils update-legacy-subnet-settings",
        ],
        flags: &["--approve"],
        test: Test::On,
        severity: Write,
        what: "applies the change",
    },
    Modifier {
        commands: &["upgrade cluster"],
        flags: &["--approve"],
        test: Test::On,
        severity: Write,
        what: "upgrades the cluster",
    },
    Modifier {
        commands: &["create"],
        flags: &["--dry-run"],
        test: Test::DryBool,
        severity: Read,
        what: "dry run, only prints the config",
    },
];

pub(super) const TABLE: Table = Table {
    tool: "eksctl",
    parser: Parser::Cobra,
    globals: GLOBALS,
    locals: &[
        "--dry-run",
        "--approve",
        "--wait",
        "-w",
        "--force",
        "--disable-eviction",
        "--undo",
        "--all",
        "--profile",
        "-p",
        "--region",
        "-r",
        "--config-file",
        "-f",
        "--cluster",
        "-c",
        "--name",
        "-n",
        "--output",
        "-o",
        "--timeout",
        "--nodes",
        "-N",
        "--version",
    ],
    commands: COMMANDS,
    bare: (Read, "prints help"),
    unlisted: "not a command guard knows",
    modifiers: MODIFIERS,
    // ~/.kube/config (exec plugins) and ~/.aws/config (endpoints, credential processes).
    env_programs: &[env_assigned(
        &[""],
        "HOME",
        "eksctl reads ~/.kube/config and ~/.aws/config there; a kubeconfig can run programs",
    )],
    credentials: &[
        Credential {
            flag: "--profile",
            show_value: true,
        },
        Credential {
            flag: "-p",
            show_value: true,
        },
    ],
    trusts: &[],
    overrides: &[],
};

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    let verdict = TABLE.judge(args, scope);
    match kubeconfig_from_line(args, scope) {
        Some(written) => verdict.or_worse(written),
        None => verdict,
    }
}

/// `utils write-kubeconfig` without `--kubeconfig` writes the first file of `KUBECONFIG`, as
/// client-go's loading rules pick it: a `KUBECONFIG` set on the line names a file of the line's
/// choosing, judged like `--kubeconfig` (red team R8: `KUBECONFIG=~/.bashrc eksctl utils
/// write-kubeconfig`). An inherited one is the user's setup.
fn kubeconfig_from_line(args: &[String], scope: &Scope) -> Option<Verdict> {
    let writes = args.iter().any(|arg| arg == "write-kubeconfig");
    let flag = args.iter().any(|arg| arg.starts_with("--kubeconfig"));
    if !writes || flag {
        return None;
    }
    let command = ["utils", "write-kubeconfig"];
    match scope.assigned("KUBECONFIG")? {
        EnvValue::Dynamic => Some(Verdict::of(
            Unknown,
            "eksctl",
            &command,
            "writes the kubeconfig KUBECONFIG names, which comes from an expansion",
        )),
        EnvValue::Known(list) => list
            .split(':')
            .filter(|part| !part.is_empty())
            .filter_map(|part| tool_paths::write_switch(part, scope))
            .map(|(severity, reason)| {
                Verdict::of(
                    severity,
                    "eksctl",
                    &command,
                    &format!("writes the kubeconfig KUBECONFIG names: {reason}"),
                )
            })
            .reduce(Verdict::or_worse),
    }
}
