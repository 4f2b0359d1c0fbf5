//! `kubectl` (cobra): its subcommands, global flags, `--dry-run` values and plugins.

use super::FileText;
use super::Severity::{Destructive, Export, Read, Unknown, Write};
use super::flags::{Flag, last_value, reads, switch, valued, writes};
use super::kubectl_flags as f;
use super::paths;
use super::scope::{self, EnvValue, Scope};
use super::table::{
    Command, Credential, Modifier, Parser, Table, Test, Trust, cmd, env_assigned, env_program,
    env_writes_into, trust_flag,
};
use super::tool_paths;
use super::verdict::Verdict;

/// The root command's flags (`kubectl options`, kubectl 1.32, and `--kuberc` of 1.33).
/// Only these are known where cobra looks for the subcommand: any other flag there takes
/// the next word, even one that is a switch of the subcommand (`kubectl --all events
/// delete` deletes all events).
const GLOBALS: &[Flag] = &[
    switch("--disable-compression"),
    switch("--insecure-skip-tls-verify"),
    switch("--match-server-version"),
    switch("--warnings-as-errors"),
    valued("--as"),
    valued("--as-group"),
    valued("--as-uid"),
    // The discovery and HTTP caches are written there.
    writes("--cache-dir"),
    reads("--certificate-authority"),
    reads("--client-certificate"),
    reads("--client-key"),
    valued("--cluster"),
    valued("--context"),
    reads("--kubeconfig"),
    valued("--kuberc"),
    valued("--namespace"),
    valued("-n"),
    valued("--password"),
    valued("--profile"),
    writes("--profile-output"),
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

/// client-go's options that choose where the kubeconfig's credentials go, or stop checking
/// who gets them. Checked with kubectl 1.32 against a local TLS server that logs the
/// `Authorization` header: `--server` there with `--insecure-skip-tls-verify` or with
/// `--certificate-authority` naming the server's own CA receives the exec plugin's token,
/// and with neither the kubeconfig's authority (or the system's, when it names none) decides
/// who may answer. Over plain `http://` client-go sends no credentials at all.
const CLIENT_GO: &[Trust] = &[
    trust_flag(
        "--server",
        Export,
        "sends the kubeconfig's credentials (on EKS a token minted from the AWS credentials guard injects) to the server the line names",
    ),
    trust_flag(
        "-s",
        Export,
        "sends the kubeconfig's credentials (on EKS a token minted from the AWS credentials guard injects) to the server the line names",
    ),
    trust_flag(
        "--insecure-skip-tls-verify",
        Export,
        "the server's certificate is not checked: the kubeconfig's credentials (on EKS a token minted from the AWS credentials guard injects) go to whoever answers",
    ),
    trust_flag(
        "--certificate-authority",
        Export,
        "trusts the authority the line names and sends the kubeconfig's credentials (on EKS a token minted from the AWS credentials guard injects) to any server it signed",
    ),
    trust_flag(
        "--tls-server-name",
        Unknown,
        "the server's certificate is checked against the name the line gives; guard cannot tell who receives the kubeconfig's credentials",
    ),
];

/// kubectl's: client-go's, `-s` included.
const CLIENT_GO_TRUSTS: &[Trust] = CLIENT_GO;

/// flux's root command has client-go's flags without `-s`.
pub(crate) const FLUX_TRUSTS: &[Trust] = &[CLIENT_GO[0], CLIENT_GO[2], CLIENT_GO[3], CLIENT_GO[4]];

const READ_ONLY: &str = "read-only";
const CHANGES: &str = "creates or changes resources";
const KUBECONFIG: &str = "reads the local kubeconfig";
const KUBECONFIG_WRITE: &str = "changes the local kubeconfig";
const GIT_RUNS: &str = "git fetches kustomize's remote bases with it and may run programs it names";

/// Every command with its own flags (generated from kubectl's help: `kubectl_flags`).
const COMMANDS: &[Command] = &[
    cmd(&["get"], Read, READ_ONLY).with_flags(f::GET),
    cmd(&["describe"], Read, READ_ONLY).with_flags(f::DESCRIBE),
    cmd(&["logs"], Read, READ_ONLY).with_flags(f::LOGS),
    cmd(&["top"], Read, READ_ONLY).with_flags(f::TOP),
    cmd(&["top", "pod|pods|po"], Read, READ_ONLY).with_flags(f::TOP_POD),
    cmd(&["top", "node|nodes|no"], Read, READ_ONLY).with_flags(f::TOP_NODE),
    cmd(&["explain"], Read, READ_ONLY).with_flags(f::EXPLAIN),
    cmd(&["api-resources"], Read, READ_ONLY).with_flags(f::API_RESOURCES),
    cmd(&["api-versions"], Read, READ_ONLY).with_flags(f::API_VERSIONS),
    cmd(&["version"], Read, READ_ONLY).with_flags(f::VERSION),
    cmd(&["cluster-info"], Read, READ_ONLY).with_flags(f::CLUSTER_INFO),
    cmd(&["cluster-info", "dump"], Read, READ_ONLY).with_flags(f::CLUSTER_INFO_DUMP),
    cmd(&["diff"], Read, READ_ONLY).with_flags(f::DIFF),
    cmd(&["events|ev"], Read, READ_ONLY).with_flags(f::EVENTS),
    cmd(&["wait"], Read, READ_ONLY).with_flags(f::WAIT),
    cmd(&["port-forward"], Read, READ_ONLY).with_flags(f::PORT_FORWARD),
    cmd(&["completion"], Read, READ_ONLY).with_flags(f::COMPLETION),
    cmd(&["kustomize"], Read, "builds manifests locally").with_flags(f::KUSTOMIZE),
    cmd(&["options"], Read, READ_ONLY).with_flags(f::OPTIONS),
    cmd(&["help"], Read, READ_ONLY),
    cmd(&["plugin"], Read, "prints help").with_flags(f::PLUGIN),
    cmd(&["plugin", "list"], Read, "lists local plugins").with_flags(f::PLUGIN_LIST),
    cmd(&["auth"], Read, "prints help").with_flags(f::AUTH),
    cmd(&["auth", "can-i"], Read, READ_ONLY).with_flags(f::AUTH_CAN_I),
    cmd(&["auth", "whoami"], Read, READ_ONLY).with_flags(f::AUTH_WHOAMI),
    cmd(&["auth", "reconcile"], Write, "changes RBAC objects").with_flags(f::AUTH_RECONCILE),
    cmd(
        &["auth", "*"],
        Unknown,
        "not an auth subcommand guard knows",
    ),
    cmd(&["config"], Read, "prints help").with_flags(f::CONFIG),
    cmd(&["config", "view"], Read, KUBECONFIG).with_flags(f::CONFIG_VIEW),
    cmd(&["config", "get-contexts"], Read, KUBECONFIG).with_flags(f::CONFIG_GET_CONTEXTS),
    cmd(&["config", "current-context"], Read, KUBECONFIG)
        .with_flags(f::CONFIG_CURRENT_CONTEXT),
    cmd(&["config", "get-clusters"], Read, KUBECONFIG).with_flags(f::CONFIG_GET_CLUSTERS),
    cmd(&["config", "get-users"], Read, KUBECONFIG).with_flags(f::CONFIG_GET_USERS),
    cmd(
        &["config", "use-context|use"],
        Read,
        "switches the local kubeconfig's context, no cluster change",
    )
    .with_flags(f::CONFIG_USE_CONTEXT),
    cmd(
        &["config", "set-context"],
        Read,
        "edits a context in the local kubeconfig, no cluster change",
    )
    .with_flags(f::CONFIG_SET_CONTEXT),
    cmd(&["config", "delete-cluster"], Write, KUBECONFIG_WRITE)
        .with_flags(f::CONFIG_DELETE_CLUSTER),
    cmd(&["config", "delete-context"], Write, KUBECONFIG_WRITE)
        .with_flags(f::CONFIG_DELETE_CONTEXT),
    cmd(&["config", "delete-user"], Write, KUBECONFIG_WRITE).with_flags(f::CONFIG_DELETE_USER),
    cmd(&["config", "rename-context"], Write, KUBECONFIG_WRITE)
        .with_flags(f::CONFIG_RENAME_CONTEXT),
    cmd(&["config", "set"], Write, KUBECONFIG_WRITE).with_flags(f::CONFIG_SET),
    cmd(&["config", "set-cluster"], Write, KUBECONFIG_WRITE).with_flags(f::CONFIG_SET_CLUSTER),
    cmd(&["config", "set-credentials"], Write, KUBECONFIG_WRITE)
        .with_flags(f::CONFIG_SET_CREDENTIALS),
    cmd(&["config", "unset"], Write, KUBECONFIG_WRITE).with_flags(f::CONFIG_UNSET),
    cmd(&["config", "*"], Write, KUBECONFIG_WRITE),
    cmd(&["rollout"], Read, "prints help").with_flags(f::ROLLOUT),
    cmd(&["rollout", "status"], Read, READ_ONLY).with_flags(f::ROLLOUT_STATUS),
    cmd(&["rollout", "history"], Read, READ_ONLY).with_flags(f::ROLLOUT_HISTORY),
    cmd(&["rollout", "pause"], Write, "changes a rollout").with_flags(f::ROLLOUT_PAUSE),
    cmd(&["rollout", "resume"], Write, "changes a rollout").with_flags(f::ROLLOUT_RESUME),
    cmd(&["rollout", "restart"], Write, "changes a rollout").with_flags(f::ROLLOUT_RESTART),
    cmd(&["rollout", "undo"], Write, "changes a rollout").with_flags(f::ROLLOUT_UNDO),
    cmd(&["rollout", "*"], Write, "changes a rollout"),
    cmd(&["apply"], Write, CHANGES).with_flags(f::APPLY),
    cmd(&["apply", "view-last-applied"], Read, READ_ONLY)
        .with_flags(f::APPLY_VIEW_LAST_APPLIED),
    cmd(&["apply", "set-last-applied"], Write, "changes resources")
        .with_flags(f::APPLY_SET_LAST_APPLIED),
    cmd(&["apply", "edit-last-applied"], Write, "changes resources")
        .with_flags(f::APPLY_EDIT_LAST_APPLIED),
    cmd(&["create"], Write, CHANGES).with_flags(f::CREATE),
    cmd(&["create", "clusterrole"], Write, CHANGES).with_flags(f::CREATE_CLUSTERROLE),
    cmd(&["create", "clusterrolebinding"], Write, CHANGES)
        .with_flags(f::CREATE_CLUSTERROLEBINDING),
    cmd(&["create", "configmap|cm"], Write, CHANGES).with_flags(f::CREATE_CONFIGMAP),
    cmd(&["create", "cronjob|cj"], Write, CHANGES).with_flags(f::CREATE_CRONJOB),
    cmd(&["create", "deployment|deploy"], Write, CHANGES).with_flags(f::CREATE_DEPLOYMENT),
    cmd(&["create", "ingress|ing"], Write, CHANGES).with_flags(f::CREATE_INGRESS),
    cmd(&["create", "job"], Write, CHANGES).with_flags(f::CREATE_JOB),
    cmd(&["create", "namespace|ns"], Write, CHANGES).with_flags(f::CREATE_NAMESPACE),
    cmd(&["create", "poddisruptionbudget|pdb"], Write, CHANGES)
        .with_flags(f::CREATE_PODDISRUPTIONBUDGET),
    cmd(&["create", "priorityclass|pc"], Write, CHANGES).with_flags(f::CREATE_PRIORITYCLASS),
    cmd(&["create", "quota|resourcequota"], Write, CHANGES).with_flags(f::CREATE_QUOTA),
    cmd(&["create", "role"], Write, CHANGES).with_flags(f::CREATE_ROLE),
    cmd(&["create", "rolebinding"], Write, CHANGES).with_flags(f::CREATE_ROLEBINDING),
    cmd(&["create", "secret"], Write, CHANGES).with_flags(f::CREATE_SECRET),
    cmd(&["create", "secret", "docker-registry"], Write, CHANGES)
        .with_flags(f::CREATE_SECRET_DOCKER_REGISTRY),
    cmd(&["create", "secret", "generic"], Write, CHANGES)
        .with_flags(f::CREATE_SECRET_GENERIC),
    cmd(&["create", "secret", "tls"], Write, CHANGES).with_flags(f::CREATE_SECRET_TLS),
    cmd(&["create", "service|svc"], Write, CHANGES).with_flags(f::CREATE_SERVICE),
    cmd(&["create", "service|svc", "clusterip"], Write, CHANGES)
        .with_flags(f::CREATE_SERVICE_CLUSTERIP),
    cmd(&["create", "service|svc", "externalname"], Write, CHANGES)
        .with_flags(f::CREATE_SERVICE_EXTERNALNAME),
    cmd(&["create", "service|svc", "loadbalancer"], Write, CHANGES)
        .with_flags(f::CREATE_SERVICE_LOADBALANCER),
    cmd(&["create", "service|svc", "nodeport"], Write, CHANGES)
        .with_flags(f::CREATE_SERVICE_NODEPORT),
    cmd(&["create", "serviceaccount|sa"], Write, CHANGES).with_flags(f::CREATE_SERVICEACCOUNT),
    cmd(&["create", "token"], Write, CHANGES).with_flags(f::CREATE_TOKEN),
    // Any other word runs the plugin `kubectl-create-<word>` (checked with kubectl 1.32).
    cmd(
        &["create", "*"],
        Unknown,
        "runs a kubectl create plugin guard cannot see",
    ),
    cmd(&["patch"], Write, CHANGES).with_flags(f::PATCH),
    cmd(&["edit"], Write, CHANGES).with_flags(f::EDIT),
    cmd(&["label"], Write, CHANGES).with_flags(f::LABEL),
    cmd(&["annotate"], Write, CHANGES).with_flags(f::ANNOTATE),
    cmd(&["scale"], Write, CHANGES).with_flags(f::SCALE),
    cmd(&["set"], Write, CHANGES).with_flags(f::SET),
    cmd(&["set", "env"], Write, CHANGES).with_flags(f::SET_ENV),
    cmd(&["set", "image"], Write, CHANGES).with_flags(f::SET_IMAGE),
    cmd(&["set", "resources"], Write, CHANGES).with_flags(f::SET_RESOURCES),
    cmd(&["set", "selector"], Write, CHANGES).with_flags(f::SET_SELECTOR),
    cmd(&["set", "serviceaccount|sa"], Write, CHANGES).with_flags(f::SET_SERVICEACCOUNT),
    cmd(&["set", "subject"], Write, CHANGES).with_flags(f::SET_SUBJECT),
    cmd(&["set", "*"], Write, CHANGES),
    cmd(&["expose"], Write, CHANGES).with_flags(f::EXPOSE),
    cmd(&["run"], Write, CHANGES).with_flags(f::RUN),
    cmd(&["cp"], Write, CHANGES).with_flags(f::CP),
    // The command runs inside the container: guard cannot see what it does there.
    cmd(
        &["exec"],
        Unknown,
        "runs a command in the container; guard cannot see what it does",
    )
    .with_flags(f::EXEC),
    cmd(&["attach"], Write, CHANGES).with_flags(f::ATTACH),
    cmd(&["autoscale"], Write, CHANGES).with_flags(f::AUTOSCALE),
    cmd(&["cordon"], Write, CHANGES).with_flags(f::CORDON),
    cmd(&["uncordon"], Write, CHANGES).with_flags(f::UNCORDON),
    cmd(&["taint"], Write, CHANGES).with_flags(f::TAINT),
    cmd(&["replace"], Write, CHANGES).with_flags(f::REPLACE),
    cmd(&["certificate"], Write, CHANGES).with_flags(f::CERTIFICATE),
    cmd(&["certificate", "approve"], Write, CHANGES).with_flags(f::CERTIFICATE_APPROVE),
    cmd(&["certificate", "deny"], Write, CHANGES).with_flags(f::CERTIFICATE_DENY),
    cmd(&["certificate", "*"], Write, CHANGES),
    cmd(
        &["debug"],
        Unknown,
        "runs a command in a debugging container (on a node: with the host's files); guard cannot see what it does",
    )
    .with_flags(f::DEBUG),
    cmd(&["delete"], Destructive, "deletes resources").with_flags(f::DELETE),
    cmd(&["drain"], Destructive, "evicts every pod from a node").with_flags(f::DRAIN),
    cmd(
        &["proxy"],
        Unknown,
        "opens the API to local programs; guard cannot see what they do",
    )
    .with_flags(f::PROXY),
];

const MODIFIERS: &[Modifier] = &[
    // Checked with kubectl 1.32: plain `config view` prints tokens as REDACTED and key data
    // as DATA+OMITTED (in every output format); `--raw` and `--flatten` print them.
    Modifier {
        commands: &["config view"],
        flags: &["--raw", "--flatten"],
        test: Test::On,
        severity: Export,
        what: "prints the kubeconfig's tokens and client keys unredacted: they leave guard unchecked, as after guard env",
    },
    Modifier {
        commands: &[""],
        flags: &["--kuberc"],
        test: Test::Given,
        severity: Unknown,
        what: "a kuberc's aliases and default flags change what a command does",
    },
    // The raw request is sent as given: create, replace and delete ignore --dry-run with
    // --raw (checked with kubectl 1.32 against a local API server: POST, PUT, DELETE).
    Modifier {
        commands: &["create", "replace", "delete"],
        flags: &["--raw"],
        test: Test::Undryable,
        severity: Write,
        what: "sends the raw request as given; --dry-run does not apply to it",
    },
    // Only print: checked with kubectl 1.32 against a local API server (no PATCH).
    Modifier {
        commands: &["label", "annotate", "set env"],
        flags: &["--list"],
        test: Test::Skips,
        severity: Read,
        what: "only lists, changes nothing",
    },
    Modifier {
        commands: &["label", "annotate", "set"],
        flags: &["--local"],
        test: Test::Skips,
        severity: Read,
        what: "only changes the local copy and prints it",
    },
    Modifier {
        commands: &["kustomize", "apply", "diff", "create", "delete", "replace"],
        flags: &["--enable-exec", "--enable-alpha-plugins"],
        test: Test::On,
        severity: Unknown,
        what: "lets kustomize run programs named in the manifests; guard cannot see them",
    },
    // `LoadRestrictionsNone` lets the kustomization read any file (a configMapGenerator of
    // `~/.aws/credentials` prints it; checked with kubectl 1.32), and a remote or foreign
    // kustomization names the files (red team R16).
    Modifier {
        commands: &["kustomize"],
        flags: &["--load-restrictor"],
        test: Test::Given,
        severity: Unknown,
        what: "changes which files the kustomization may read (LoadRestrictionsNone: any, credential stores included)",
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

pub(super) const TABLE: Table = Table {
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
    env_programs: &[
        env_program(
            &["diff"],
            "KUBECTL_EXTERNAL_DIFF",
            "kubectl diff runs that program",
        ),
        // The inherited HOME and KUBERC are the user's own setup, like ~/.kube/config.
        env_assigned(
            &[""],
            "HOME",
            "kubectl reads $HOME/.kube/config and kuberc there; a kubeconfig can run programs and a kuberc can change commands",
        ),
        // git fetches kustomize's remote bases (`-k`, `kubectl kustomize`) with these.
        env_assigned(&[""], "GIT_SSH_COMMAND", GIT_RUNS),
        env_assigned(&[""], "GIT_SSH", GIT_RUNS),
        env_assigned(&[""], "GIT_CONFIG_COUNT", GIT_RUNS),
        env_assigned(&[""], "GIT_CONFIG_PARAMETERS", GIT_RUNS),
        env_assigned(&[""], "GIT_CONFIG_GLOBAL", GIT_RUNS),
        env_writes_into(
            &[""],
            "KUBECACHEDIR",
            "kubectl writes its discovery and HTTP caches into that folder and reads them back",
        ),
        env_assigned(
            &[""],
            "KUBERC",
            "its aliases and default flags change what a command does",
        ),
    ],
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
    trusts: CLIENT_GO_TRUSTS,
    // `patch --patch-file` and the TLS secret's files are read (`create secret tls
    // --dry-run=client -o yaml` prints them); `proxy --unix-socket` creates its socket.
    overrides: &[
        reads("--patch-file"),
        reads("--cert"),
        reads("--key"),
        writes("--unix-socket"),
    ],
};

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    if let Some(verdict) = unseen_kubeconfig("kubectl", args, scope) {
        return verdict;
    }
    let mut verdict = TABLE.judge(args, scope);
    if let Some(read) = template_file(args, scope) {
        verdict = verdict.or_worse(read);
    }
    if let Some(written) = kubeconfig_written(&verdict, args, scope) {
        verdict = verdict.or_worse(written);
    }
    verdict
}

/// kubectl's printer formats whose value (`-o FORMAT=PATH`, else `--template PATH`) names a
/// file: the allowed formats kubectl 1.32 lists (`-o bogus`), `templatefile` being the alias
/// of `go-template-file`, and `get`'s `custom-columns-file`.
const FILE_FORMATS: &[&str] = &[
    "go-template-file",
    "templatefile",
    "jsonpath-file",
    "custom-columns-file",
];

/// `-o go-template-file=PATH` (and `templatefile`, `jsonpath-file`, `custom-columns-file`):
/// the template's text is printed around each object, so the file is read and shown.
fn template_file(args: &[String], scope: &Scope) -> Option<Verdict> {
    let output = last_value(args, &["--output", "-o"])?;
    let output = output.strip_prefix('=').unwrap_or(output);
    let (format, value) = match output.split_once('=') {
        Some((format, value)) => (format, Some(value)),
        None => (output, None),
    };
    if !FILE_FORMATS.contains(&format) {
        return None;
    }
    let path = match value {
        Some(path) => path,
        None => last_value(args, &["--template"])?,
    };
    let (severity, why) = tool_paths::read(path, scope)?;
    let what = format!("-o {output}: {why}");
    Some(Verdict::of(severity, "kubectl", &[], &what))
}

/// The `kubectl config` commands write the kubeconfig they read: one named by `--kubeconfig`
/// or a `KUBECONFIG=` on the line that is more than a kubeconfig (terraform state, guard's own
/// file, a shell start-up file) is overwritten (`--kubeconfig terraform.tfstate config
/// use-context x`). Switching contexts in a kubeconfig stays the documented local switch it is.
fn kubeconfig_written(verdict: &Verdict, args: &[String], scope: &Scope) -> Option<Verdict> {
    let writes = verdict.command.first().is_some_and(|word| word == "config")
        && !matches!(
            verdict.command.get(1).map(String::as_str),
            None | Some("view" | "get-contexts" | "current-context" | "get-clusters" | "get-users")
        );
    if !writes {
        return None;
    }
    let named = last_value(args, &["--kubeconfig"]).map(str::to_owned);
    let assigned = match scope.assigned("KUBECONFIG") {
        Some(EnvValue::Known(list)) => list.split(':').next().map(str::to_owned),
        _ => None,
    };
    let path = named.or(assigned)?;
    let (severity, why) = tool_paths::write_switch(&path, scope)?;
    let what = format!("writes the kubeconfig {}: {why}", scope::shown(&path));
    Some(Verdict::of(severity, "kubectl", &["config"], &what))
}

/// A kubeconfig guard cannot read, named for a client-go tool (kubectl, helm): a kubeconfig
/// can run programs (`users[].user.exec`), so one guard cannot read could run anything.
/// `KUBECONFIG=` on the command line names the files as the flag does (client-go skips the
/// missing ones; the flag wins over it). The inherited value is the user's own setup, like
/// ~/.kube/config.
pub(crate) fn unseen_kubeconfig(tool: &str, args: &[String], scope: &Scope) -> Option<Verdict> {
    let unknown = |what: String| Some(Verdict::of(Unknown, tool, &[], &what));
    if let Some(path) = last_value(args, &["--kubeconfig"]) {
        let why = match scope::is_dynamic(path).then_some(()).map_or_else(
            || scope.read_file(path),
            |()| FileText::Unreadable(String::new()),
        ) {
            FileText::Text(text) => {
                return foreign_plugin(path, &text, scope).map(|why| {
                    let what = format!("--kubeconfig {}: {why}", scope::shown(path));
                    Verdict::of(Unknown, tool, &[], &what)
                });
            }
            FileText::Unreadable(why) if !why.is_empty() => format!("guard cannot read it ({why})"),
            _ => "guard cannot read it".to_owned(),
        };
        return unknown(format!(
            "--kubeconfig {}: {why}, and a kubeconfig can run programs",
            scope::shown(path)
        ));
    }
    let assigned = scope.assigned("KUBECONFIG")?;
    // The files it names are read as the flag's are: a credential store among them is an
    // export (client-go reads and merges every one of them).
    if let EnvValue::Known(list) = &assigned
        && let Some((severity, why)) = list
            .split(':')
            .filter(|path| !path.is_empty())
            .find_map(|path| tool_paths::read(path, scope))
    {
        return Some(Verdict::of(
            severity,
            tool,
            &[],
            &format!("KUBECONFIG: {why}"),
        ));
    }
    if let EnvValue::Known(list) = &assigned
        && let Some((path, why)) =
            list.split(':')
                .filter(|path| !path.is_empty())
                .find_map(|path| match scope.read_file(path) {
                    FileText::Text(text) => {
                        foreign_plugin(path, &text, scope).map(|why| (path, why))
                    }
                    _ => None,
                })
    {
        return unknown(format!("KUBECONFIG names {path}: {why}"));
    }
    let (unseen, why) = match assigned {
        EnvValue::Dynamic => ("an expansion".to_owned(), "guard cannot read it".to_owned()),
        EnvValue::Known(list) => {
            list.split(':')
                .filter(|path| !path.is_empty())
                .find_map(|path| match scope.read_file(path) {
                    FileText::Unreadable(why) if !why.is_empty() => {
                        Some((path.to_owned(), format!("guard cannot read it ({why})")))
                    }
                    FileText::Unreadable(_) => {
                        Some((path.to_owned(), "guard cannot read it".to_owned()))
                    }
                    _ => None,
                })?
        }
    };
    unknown(format!(
        "KUBECONFIG names {unseen}: {why}, and a kubeconfig can run programs"
    ))
}

/// Why a kubeconfig the line names from outside the user's own `~/.kube` (a project's, a
/// download's: someone else's configuration) is not trusted: an exec or auth-provider plugin
/// runs a program, and the file chooses the server its token goes to. Trusted is the EKS form
/// only: every plugin `aws eks get-token` with nothing that chooses other credentials or
/// another endpoint, every server an EKS endpoint, TLS checked. The file is read as text,
/// conservatively: anything guard does not recognize counts against it.
fn foreign_plugin(path: &str, text: &str, scope: &Scope) -> Option<String> {
    use std::sync::LazyLock;
    static PLUGIN: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"(?m)(^|[\s{,\-])"?(exec|auth-provider)"?\s*:"#).expect("valid")
    });
    static COMMAND: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r#""?command"?\s*:\s*"?([^"\s,}]*)"#).expect("valid"));
    static SERVER: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r#""?server"?\s*:\s*"?([^"\s,}]*)"#).expect("valid"));
    static EKS: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"^https://[A-Za-z0-9.-]+\.eks\.amazonaws\.com(\.cn)?(:443)?/?$")
            .expect("valid")
    });
    if !PLUGIN.is_match(text) {
        return None;
    }
    let own = match (
        paths::locate(&scope::Word::literal(path), scope),
        scope.inherited("HOME"),
    ) {
        (paths::Located::At(at), Some(home)) if home.starts_with('/') => at
            .strip_prefix(&format!("{}/.kube/", home.trim_end_matches('/')))
            .is_some(),
        _ => false,
    };
    if own {
        return None;
    }
    let commands: Vec<&str> = COMMAND
        .captures_iter(text)
        .map(|found| found.get(1).map_or("", |m| m.as_str()))
        .collect();
    let aws_only = !commands.is_empty()
        && commands
            .iter()
            .all(|command| command.rsplit('/').next() == Some("aws"));
    let token = text.contains("get-token") && text.contains("eks");
    let chooses = [
        "auth-provider",
        "--profile",
        "--endpoint-url",
        "--debug",
        "AWS_",
        "PYTHON",
        "LD_",
        "env:",
        "\"env\"",
        "insecure-skip-tls-verify",
        "proxy-url",
        "tls-server-name",
    ]
    .into_iter()
    .find(|word| text.contains(word));
    let servers: Vec<&str> = SERVER
        .captures_iter(text)
        .map(|found| found.get(1).map_or("", |m| m.as_str()))
        .collect();
    let eks_servers = !servers.is_empty() && servers.iter().all(|server| EKS.is_match(server));
    if aws_only && token && chooses.is_none() && eks_servers {
        return None;
    }
    let why = if !aws_only || !token {
        "its exec plugin runs a program other than `aws eks get-token`".to_owned()
    } else if let Some(word) = chooses {
        format!("its exec plugin or cluster says {word}, which guard does not judge")
    } else {
        "it sends the token to a server that is no EKS endpoint".to_owned()
    };
    Some(format!(
        "a kubeconfig from outside ~/.kube, {why}; guard trusts only the user's own kubeconfigs"
    ))
}
