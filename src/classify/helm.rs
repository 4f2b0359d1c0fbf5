//! `helm` (cobra): `uninstall` and its aliases, `--dry-run`, post-renderers, plugins.

use super::Severity::{Destructive, Read, Unknown, Write};
use super::flags::{Flag, switch, valued};
use super::kubectl;
use super::scope::Scope;
use super::table::{Command, Credential, Modifier, Parser, Table, Test, cmd};
use super::verdict::Verdict;

/// The root command's persistent flags (helm's `pkg/cli` EnvSettings.AddFlags). `--wait`,
/// `--force` and the like belong to subcommands: before the subcommand cobra reads them as
/// taking the next word (`helm --wait list uninstall x` uninstalls).
const GLOBALS: &[Flag] = &[
    switch("--debug"),
    switch("--kube-insecure-skip-tls-verify"),
    valued("--kube-context"),
    valued("--kubeconfig"),
    valued("--namespace"),
    valued("-n"),
    valued("--kube-apiserver"),
    valued("--kube-as-user"),
    valued("--kube-as-group"),
    valued("--kube-ca-file"),
    valued("--kube-token"),
    valued("--kube-tls-server-name"),
    valued("--registry-config"),
    valued("--repository-cache"),
    valued("--repository-config"),
    valued("--burst-limit"),
    valued("--qps"),
    valued("--content-cache"),
    valued("--color"),
    valued("--colour"),
];

const READ_ONLY: &str = "read-only";
const LOCAL: &str = "works on local files and caches";

const COMMANDS: &[Command] = &[
    cmd(
        &["uninstall|un|del|delete"],
        Destructive,
        "uninstalls a release",
    ),
    cmd(&["install"], Write, "installs a release"),
    cmd(&["upgrade"], Write, "upgrades a release"),
    cmd(&["rollback"], Write, "rolls a release back"),
    cmd(&["test"], Write, "runs a release's test pods"),
    cmd(&["push"], Write, "pushes a chart to a registry"),
    cmd(&["list|ls"], Read, READ_ONLY),
    cmd(&["status"], Read, READ_ONLY),
    cmd(&["get"], Read, READ_ONLY),
    cmd(&["get", "*"], Read, READ_ONLY),
    cmd(&["history|hist"], Read, READ_ONLY),
    cmd(&["show|inspect"], Read, READ_ONLY),
    cmd(&["show|inspect", "*"], Read, READ_ONLY),
    cmd(&["template"], Read, "renders templates locally"),
    cmd(&["search"], Read, READ_ONLY),
    cmd(&["search", "*"], Read, READ_ONLY),
    cmd(&["lint"], Read, READ_ONLY),
    cmd(&["version"], Read, READ_ONLY),
    cmd(&["env"], Read, READ_ONLY),
    cmd(&["verify"], Read, READ_ONLY),
    cmd(&["completion"], Read, READ_ONLY),
    cmd(&["completion", "*"], Read, READ_ONLY),
    cmd(&["help"], Read, READ_ONLY),
    // `helm diff` is the ubiquitous helm-diff plugin, which only compares.
    cmd(
        &["diff"],
        Read,
        "shows what an upgrade would change (helm-diff plugin)",
    ),
    cmd(&["repo"], Read, LOCAL),
    cmd(&["repo", "*"], Read, LOCAL),
    cmd(&["registry"], Read, LOCAL),
    cmd(&["registry", "*"], Read, LOCAL),
    cmd(&["plugin"], Read, LOCAL),
    // Installing, updating and removing a plugin runs the plugin's own hooks (plugin.yaml
    // `hooks:`), with the credentials.
    cmd(
        &["plugin", "install|add|update|up|uninstall|rm|remove"],
        Unknown,
        "runs the plugin's install, update or delete hook, a program guard cannot see",
    ),
    cmd(&["plugin", "*"], Read, LOCAL),
    cmd(&["dependency|dep"], Read, LOCAL),
    cmd(&["dependency|dep", "*"], Read, LOCAL),
    cmd(&["pull|fetch"], Read, LOCAL),
    cmd(&["package"], Read, LOCAL),
    cmd(&["create"], Read, LOCAL),
];

const MODIFIERS: &[Modifier] = &[
    Modifier {
        commands: &[""],
        flags: &["--post-renderer"],
        test: Test::Given,
        severity: Unknown,
        what: "pipes the manifests through a program guard cannot see",
    },
    // helm 3.13+ takes `--dry-run[=client|server|none]`; before, a boolean.
    Modifier {
        commands: &["install", "upgrade", "uninstall", "rollback"],
        flags: &["--dry-run"],
        test: Test::DryMode,
        severity: Read,
        what: "dry run, changes nothing",
    },
];

const TABLE: Table = Table {
    tool: "helm",
    parser: Parser::Cobra,
    globals: GLOBALS,
    locals: &[
        "--dry-run",
        "--install",
        "-i",
        "--wait",
        "--atomic",
        "--force",
        "--keep-history",
        "--all-namespaces",
        "-A",
        "--create-namespace",
        "--reuse-values",
        "--reset-values",
        "--values",
        "-f",
        "--set",
        "--set-string",
        "--set-file",
        "--version",
        "--timeout",
        "--output",
        "-o",
        "--post-renderer",
    ],
    commands: COMMANDS,
    bare: (Read, "prints help"),
    unlisted: "runs a helm plugin guard cannot see",
    modifiers: MODIFIERS,
    env_programs: &[],
    // The API server token replaces the kubeconfig's credentials (on EKS: guard's).
    credentials: &[Credential {
        flag: "--kube-token",
        show_value: false,
    }],
};

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    if let Some(verdict) = kubectl::unseen_kubeconfig("helm", args, scope) {
        return verdict;
    }
    TABLE.judge(args, scope)
}
