//! `kubectl` (cobra): its subcommands, global flags, `--dry-run` values and plugins.

use super::FileText;
use super::Severity::{Destructive, Read, Unknown, Write};
use super::flags::{Flag, last_value, switch, valued};
use super::scope::{self, EnvValue, Scope};
use super::table::{Command, Credential, EnvProgram, Modifier, Parser, Table, Test, cmd};
use super::verdict::Verdict;

/// The root command's flags (`kubectl options`). Only these are known where cobra looks
/// for the subcommand: any other flag there takes the next word, even one that is a
/// switch of the subcommand (`kubectl --all events delete` deletes all events).
const GLOBALS: &[Flag] = &[
    switch("--disable-compression"),
    switch("--insecure-skip-tls-verify"),
    switch("--match-server-version"),
    switch("--warnings-as-errors"),
    valued("--as"),
    valued("--as-group"),
    valued("--as-uid"),
    valued("--cache-dir"),
    valued("--certificate-authority"),
    valued("--client-certificate"),
    valued("--client-key"),
    valued("--cluster"),
    valued("--context"),
    valued("--kubeconfig"),
    valued("--kuberc"),
    valued("--namespace"),
    valued("-n"),
    valued("--password"),
    valued("--profile"),
    valued("--profile-output"),
    valued("--request-timeout"),
    valued("--server"),
    valued("-s"),
    valued("--tls-server-name"),
    valued("--token"),
    valued("--user"),
    valued("--username"),
    valued("-v"),
    valued("--v"),
    valued("--vmodule"),
    valued("--log-flush-frequency"),
];

/// `kubectl apply`'s own flags, for finding `apply view-last-applied` after them.
const APPLY_FLAGS: &[Flag] = &[
    valued("-f"),
    valued("--filename"),
    valued("-k"),
    valued("--kustomize"),
    valued("-l"),
    valued("--selector"),
    valued("-o"),
    valued("--output"),
    switch("--prune"),
    switch("--force"),
    switch("--server-side"),
    switch("--force-conflicts"),
    switch("--overwrite"),
    switch("--recursive"),
    switch("-R"),
    switch("--all"),
    switch("--wait"),
];

/// `kubectl create`'s own flags, so that their values are not taken for a plugin's name.
const CREATE_FLAGS: &[Flag] = &[
    valued("-f"),
    valued("--filename"),
    valued("-k"),
    valued("--kustomize"),
    valued("-l"),
    valued("--selector"),
    valued("-o"),
    valued("--output"),
    valued("--raw"),
    valued("--field-manager"),
    valued("--template"),
    switch("--edit"),
    switch("--save-config"),
    switch("--windows-line-endings"),
    switch("--recursive"),
    switch("-R"),
    switch("--show-managed-fields"),
    switch("--allow-missing-template-keys"),
];

const READ_ONLY: &str = "read-only";
const CHANGES: &str = "creates or changes resources";

const COMMANDS: &[Command] = &[
    cmd(&["get"], Read, READ_ONLY),
    cmd(&["describe"], Read, READ_ONLY),
    cmd(&["logs"], Read, READ_ONLY),
    cmd(&["top"], Read, READ_ONLY),
    cmd(&["top", "*"], Read, READ_ONLY),
    cmd(&["explain"], Read, READ_ONLY),
    cmd(&["api-resources"], Read, READ_ONLY),
    cmd(&["api-versions"], Read, READ_ONLY),
    cmd(&["version"], Read, READ_ONLY),
    cmd(&["cluster-info"], Read, READ_ONLY),
    cmd(&["cluster-info", "dump"], Read, READ_ONLY),
    cmd(&["diff"], Read, READ_ONLY),
    cmd(&["events"], Read, READ_ONLY),
    cmd(&["wait"], Read, READ_ONLY),
    cmd(&["port-forward"], Read, READ_ONLY),
    cmd(&["completion"], Read, READ_ONLY),
    cmd(&["kustomize"], Read, "builds manifests locally"),
    cmd(&["options"], Read, READ_ONLY),
    cmd(&["help"], Read, READ_ONLY),
    cmd(&["plugin"], Read, READ_ONLY),
    cmd(&["plugin", "*"], Read, "lists local plugins"),
    cmd(&["auth"], Read, "prints help"),
    cmd(&["auth", "can-i"], Read, READ_ONLY),
    cmd(&["auth", "whoami"], Read, READ_ONLY),
    cmd(&["auth", "reconcile"], Write, "changes RBAC objects"),
    cmd(
        &["auth", "*"],
        Unknown,
        "not an auth subcommand guard knows",
    ),
    cmd(&["config"], Read, "prints help"),
    cmd(&["config", "view"], Read, "reads the local kubeconfig"),
    cmd(
        &["config", "get-contexts"],
        Read,
        "reads the local kubeconfig",
    ),
    cmd(
        &["config", "current-context"],
        Read,
        "reads the local kubeconfig",
    ),
    cmd(
        &["config", "get-clusters"],
        Read,
        "reads the local kubeconfig",
    ),
    cmd(&["config", "get-users"], Read, "reads the local kubeconfig"),
    cmd(
        &["config", "use-context|use"],
        Read,
        "switches the local kubeconfig's context, no cluster change",
    ),
    cmd(
        &["config", "set-context"],
        Read,
        "edits a context in the local kubeconfig, no cluster change",
    ),
    cmd(&["config", "*"], Write, "changes the local kubeconfig"),
    cmd(&["rollout"], Read, "prints help"),
    cmd(&["rollout", "status"], Read, READ_ONLY),
    cmd(&["rollout", "history"], Read, READ_ONLY),
    cmd(&["rollout", "*"], Write, "changes a rollout"),
    cmd(&["apply"], Write, CHANGES).with_flags(APPLY_FLAGS),
    cmd(&["apply", "view-last-applied"], Read, READ_ONLY),
    cmd(&["apply", "set-last-applied"], Write, "changes resources"),
    cmd(&["apply", "edit-last-applied"], Write, "changes resources"),
    cmd(&["create"], Write, CHANGES).with_flags(CREATE_FLAGS),
    cmd(
        &[
            "create",
            "clusterrole|clusterrolebinding|configmap|cm|cronjob|cj|deployment|deploy|ingress|ing|job|namespace|ns|poddisruptionbudget|pdb|priorityclass|pc|quota|resourcequota|role|rolebinding|secret|service|svc|serviceaccount|sa|token",
        ],
        Write,
        CHANGES,
    ),
    // Any other word runs the plugin `kubectl-create-<word>` (checked with kubectl 1.32).
    cmd(
        &["create", "*"],
        Unknown,
        "runs a kubectl create plugin guard cannot see",
    ),
    cmd(&["patch"], Write, CHANGES),
    cmd(&["edit"], Write, CHANGES),
    cmd(&["label"], Write, CHANGES),
    cmd(&["annotate"], Write, CHANGES),
    cmd(&["scale"], Write, CHANGES),
    cmd(&["set"], Write, CHANGES),
    cmd(&["set", "*"], Write, CHANGES),
    cmd(&["expose"], Write, CHANGES),
    cmd(&["run"], Write, CHANGES),
    cmd(&["cp"], Write, CHANGES),
    // The command runs inside the container: guard cannot see what it does there.
    cmd(
        &["exec"],
        Unknown,
        "runs a command in the container; guard cannot see what it does",
    ),
    cmd(&["attach"], Write, CHANGES),
    cmd(&["autoscale"], Write, CHANGES),
    cmd(&["cordon"], Write, CHANGES),
    cmd(&["uncordon"], Write, CHANGES),
    cmd(&["taint"], Write, CHANGES),
    cmd(&["replace"], Write, CHANGES),
    cmd(&["certificate"], Write, CHANGES),
    cmd(&["certificate", "*"], Write, CHANGES),
    cmd(
        &["debug"],
        Unknown,
        "runs a command in a debugging container (on a node: with the host's files); guard cannot see what it does",
    ),
    cmd(&["delete"], Destructive, "deletes resources"),
    cmd(&["drain"], Destructive, "evicts every pod from a node"),
    cmd(
        &["proxy"],
        Unknown,
        "opens the API to local programs; guard cannot see what they do",
    ),
];

const MODIFIERS: &[Modifier] = &[
    Modifier {
        commands: &["kustomize", "apply", "diff", "create", "delete", "replace"],
        flags: &["--enable-exec", "--enable-alpha-plugins"],
        test: Test::On,
        severity: Unknown,
        what: "lets kustomize run programs named in the manifests; guard cannot see them",
    },
    Modifier {
        commands: &["kustomize"],
        flags: &["--helm-command"],
        test: Test::Given,
        severity: Unknown,
        what: "runs the program given to inflate Helm charts; guard cannot see it",
    },
    Modifier {
        commands: &["apply"],
        flags: &["--prune"],
        test: Test::On,
        severity: Destructive,
        what: "deletes resources missing from the files",
    },
    Modifier {
        commands: &["apply"],
        flags: &["--force"],
        test: Test::On,
        severity: Destructive,
        what: "deletes and re-creates resources on conflict",
    },
    Modifier {
        commands: &["replace"],
        flags: &["--force"],
        test: Test::On,
        severity: Destructive,
        what: "deletes and re-creates resources",
    },
    Modifier {
        commands: &[""],
        flags: &["--dry-run"],
        test: Test::DryMode,
        severity: Read,
        what: "dry run, changes nothing",
    },
];

const TABLE: Table = Table {
    tool: "kubectl",
    parser: Parser::Cobra,
    globals: GLOBALS,
    locals: &[
        "--all",
        "--all-namespaces",
        "-A",
        "--force",
        "--now",
        "--wait",
        "--overwrite",
        "--prune",
        "--recursive",
        "-R",
        "--server-side",
        "--force-conflicts",
        "--ignore-not-found",
        "--watch",
        "-w",
        "--show-labels",
        "--stdin",
        "-i",
        "--tty",
        "-t",
        "--follow",
        "-f",
        "--previous",
        "-p",
        "--dry-run",
        "--ignore-daemonsets",
        "--delete-emptydir-data",
        "--local",
        "--record",
        "--filename",
        "--selector",
        "-l",
        "--output",
        "-o",
        "--container",
        "-c",
        "--grace-period",
        "--timeout",
        "--field-selector",
        "--replicas",
        "--image",
        "--type",
        "--port",
    ],
    commands: COMMANDS,
    bare: (Read, "prints help"),
    unlisted: "runs a kubectl plugin guard cannot see",
    modifiers: MODIFIERS,
    env_programs: &[EnvProgram {
        commands: &["diff"],
        var: "KUBECTL_EXTERNAL_DIFF",
        what: "kubectl diff runs that program",
    }],
    // These hand kubectl credentials of its own instead of the kubeconfig's (which, on
    // EKS, come from the AWS credentials guard injects).
    credentials: &[
        Credential {
            flag: "--token",
            show_value: false,
        },
        Credential {
            flag: "--username",
            show_value: false,
        },
        Credential {
            flag: "--password",
            show_value: false,
        },
        Credential {
            flag: "--client-certificate",
            show_value: false,
        },
        Credential {
            flag: "--client-key",
            show_value: false,
        },
    ],
};

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    if let Some(verdict) = unseen_kubeconfig("kubectl", args, scope) {
        return verdict;
    }
    TABLE.judge(args, scope)
}

/// A kubeconfig guard cannot read, named for a client-go tool (kubectl, helm): a kubeconfig
/// can run programs (`users[].user.exec`), so one guard cannot read could run anything.
/// `KUBECONFIG=` on the command line names the files as the flag does (client-go skips the
/// missing ones; the flag wins over it). The inherited value is the user's own setup, like
/// ~/.kube/config.
pub(crate) fn unseen_kubeconfig(tool: &str, args: &[String], scope: &Scope) -> Option<Verdict> {
    let unknown = |what: String| Some(Verdict::of(Unknown, tool, &[], &what));
    if let Some(path) = last_value(args, &["--kubeconfig"]) {
        let readable =
            !scope::is_dynamic(path) && matches!(scope.read_file(path), FileText::Text(_));
        return if readable {
            None
        } else {
            unknown(format!(
                "--kubeconfig {}: guard cannot read it, and a kubeconfig can run programs",
                scope::shown(path)
            ))
        };
    }
    let unseen = match scope.assigned("KUBECONFIG")? {
        EnvValue::Dynamic => "an expansion".to_owned(),
        EnvValue::Known(list) => list
            .split(':')
            .filter(|path| !path.is_empty())
            .find(|path| matches!(scope.read_file(path), FileText::Unreadable(_)))?
            .to_owned(),
    };
    unknown(format!(
        "KUBECONFIG names {unseen}: guard cannot read it, and a kubeconfig can run programs"
    ))
}
