//! `eksctl VERB NOUN` (cobra): `delete` and `drain` destroy, `get` reads, the rest writes;
//! `upgrade cluster` only plans without `--approve`.

use super::Severity::{Destructive, Read, Unknown, Write};
use super::flags::{Flag, switch, valued};
use super::scope::Scope;
use super::table::{Command, Credential, Modifier, Parser, Table, Test, cmd};
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
    cmd(&["get"], Read, READ_ONLY),
    cmd(&["get", "*"], Read, READ_ONLY),
    cmd(&["version"], Read, READ_ONLY),
    cmd(&["info"], Read, READ_ONLY),
    cmd(&["completion"], Read, READ_ONLY),
    cmd(&["completion", "*"], Read, READ_ONLY),
    cmd(&["help"], Read, READ_ONLY),
    cmd(&["help", "*"], Read, READ_ONLY),
    cmd(
        &["upgrade", "cluster"],
        Read,
        "only plans the upgrade (no --approve)",
    ),
    cmd(&["utils"], Read, "prints help"),
    cmd(
        &["utils", "write-kubeconfig"],
        Read,
        "writes the local kubeconfig, no AWS change",
    ),
    cmd(
        &[
            "utils",
            "describe-stacks|describe-addon-versions|describe-addon-configuration|describe-cluster-vpc-config|nodegroup-health|schema",
        ],
        Read,
        READ_ONLY,
    ),
    cmd(&["utils", "*"], Write, CHANGES),
    cmd(&["create"], Write, CHANGES),
    cmd(&["create", "*"], Write, CHANGES),
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

const TABLE: Table = Table {
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
    env_programs: &[],
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
};

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    TABLE.judge(args, scope)
}
