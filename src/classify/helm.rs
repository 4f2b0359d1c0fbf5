//! `helm` (cobra): `uninstall` and its aliases, `--dry-run`, post-renderers, plugins.

use super::Severity::{Destructive, Export, Read, Unknown, Write};
use super::flags::{Flag, reads, switch, valued, writes};
use super::helm_flags as f;
use super::kubectl;
use super::scope::Scope;
use super::table::{
    Command, Credential, Modifier, Parser, Table, Test, Trust, cmd, env_assigned, env_writes_into,
    trust_flag, trust_var,
};
use super::verdict::Verdict;

/// The root command's persistent flags (helm's `pkg/cli` EnvSettings.AddFlags). `--wait`,
/// `--force` and the like belong to subcommands: before the subcommand cobra reads them as
/// taking the next word (`helm --wait list uninstall x` uninstalls).
const GLOBALS: &[Flag] = &[
    switch("--debug"),
    switch("--kube-insecure-skip-tls-verify"),
    valued("--kube-context"),
    reads("--kubeconfig"),
    valued("--namespace"),
    valued("-n"),
    valued("--kube-apiserver"),
    valued("--kube-as-user"),
    valued("--kube-as-group"),
    reads("--kube-ca-file"),
    valued("--kube-token"),
    valued("--kube-tls-server-name"),
    reads("--registry-config"),
    writes("--repository-cache"),
    reads("--repository-config"),
    valued("--burst-limit"),
    valued("--qps"),
    valued("--content-cache"),
    valued("--color"),
    valued("--colour"),
];

/// helm's client-go options and their variables (helm's `pkg/cli` EnvSettings): each chooses
/// where the kubeconfig's credentials go or stops checking who gets them, as kubectl's own
/// do (see `kubectl::CLIENT_GO`). `HELM_KUBETOKEN` replaces them, like `--kube-token`.
const TRUSTS: &[Trust] = &[
    trust_flag("--kube-apiserver", Export, TO_SERVER),
    trust_var("HELM_KUBEAPISERVER", Export, TO_SERVER),
    trust_flag("--kube-insecure-skip-tls-verify", Export, UNCHECKED),
    trust_var("HELM_KUBEINSECURE_SKIP_TLS_VERIFY", Export, UNCHECKED),
    trust_flag("--kube-ca-file", Export, OTHER_CA),
    trust_var("HELM_KUBECAFILE", Export, OTHER_CA),
    trust_flag("--kube-tls-server-name", Unknown, OTHER_NAME),
    trust_var("HELM_KUBETLS_SERVER_NAME", Unknown, OTHER_NAME),
    trust_var(
        "HELM_KUBETOKEN",
        Unknown,
        "helm sends that token instead of the kubeconfig's credentials; guard did not verify it",
    ),
];

const TO_SERVER: &str = "helm sends the kubeconfig's credentials (on EKS a token minted from the AWS credentials guard injects) to the server the line names";
const UNCHECKED: &str = "the server's certificate is not checked, so helm sends the kubeconfig's credentials (on EKS a token minted from the AWS credentials guard injects) to whoever answers";
const OTHER_CA: &str = "helm trusts the authority the line names and sends the kubeconfig's credentials (on EKS a token minted from the AWS credentials guard injects) to any server it signed";
const OTHER_NAME: &str = "the server's certificate is checked against the name the line gives; guard cannot tell who receives the kubeconfig's credentials";

const READ_ONLY: &str = "read-only";
const LOCAL: &str = "works on local files and caches";

/// Every command with its own flags (generated from carapace's helm completer:
/// `helm_flags`); a flag helm added since is unknown, which keeps a read from being proven.
const COMMANDS: &[Command] = &[
    cmd(
        &["uninstall|un|del|delete"],
        Destructive,
        "uninstalls a release",
    )
    .with_flags(f::UNINSTALL),
    cmd(&["install"], Write, "installs a release").with_flags(f::INSTALL),
    cmd(&["upgrade"], Write, "upgrades a release").with_flags(f::UPGRADE),
    cmd(&["rollback"], Write, "rolls a release back").with_flags(f::ROLLBACK),
    cmd(&["test"], Write, "runs a release's test pods").with_flags(f::TEST),
    cmd(&["push"], Write, "pushes a chart to a registry"),
    cmd(&["list|ls"], Read, READ_ONLY).with_flags(f::LIST),
    cmd(&["status"], Read, READ_ONLY).with_flags(f::STATUS),
    cmd(&["get"], Read, "prints help"),
    cmd(&["get", "all"], Read, READ_ONLY).with_flags(f::GET_ALL),
    cmd(&["get", "hooks"], Read, READ_ONLY).with_flags(f::GET_HOOKS),
    cmd(&["get", "manifest"], Read, READ_ONLY).with_flags(f::GET_MANIFEST),
    cmd(&["get", "notes"], Read, READ_ONLY).with_flags(f::GET_NOTES),
    cmd(&["get", "values"], Read, READ_ONLY).with_flags(f::GET_VALUES),
    cmd(&["get", "metadata"], Read, READ_ONLY).with_flags(GET_METADATA),
    cmd(&["history|hist"], Read, READ_ONLY).with_flags(f::HISTORY),
    cmd(&["show|inspect"], Read, "prints help"),
    cmd(&["show|inspect", "all"], Read, READ_ONLY).with_flags(f::SHOW_ALL),
    cmd(&["show|inspect", "chart"], Read, READ_ONLY).with_flags(f::SHOW_CHART),
    cmd(&["show|inspect", "readme"], Read, READ_ONLY).with_flags(f::SHOW_README),
    cmd(&["show|inspect", "values"], Read, READ_ONLY).with_flags(f::SHOW_VALUES),
    cmd(&["show|inspect", "crds"], Read, READ_ONLY).with_flags(f::SHOW_README),
    cmd(&["template"], Read, "renders templates locally").with_flags(f::TEMPLATE),
    cmd(&["search"], Read, "prints help"),
    cmd(&["search", "hub"], Read, READ_ONLY).with_flags(f::SEARCH_HUB),
    cmd(&["search", "repo"], Read, READ_ONLY).with_flags(f::SEARCH_REPO),
    cmd(&["lint"], Read, READ_ONLY).with_flags(f::LINT),
    cmd(&["version"], Read, READ_ONLY).with_flags(f::VERSION),
    cmd(&["env"], Read, READ_ONLY),
    cmd(&["verify"], Read, READ_ONLY).with_flags(f::VERIFY),
    cmd(&["completion"], Read, READ_ONLY),
    cmd(&["completion", "bash|zsh|fish|powershell"], Read, READ_ONLY).with_flags(COMPLETION),
    cmd(&["help"], Read, READ_ONLY),
    // `helm diff` is the ubiquitous helm-diff plugin, which only compares; HELM_PLUGINS and
    // the data folders are checked, since they decide which program `diff` is.
    cmd(
        &["diff"],
        Read,
        "shows what an upgrade would change (helm-diff plugin)",
    )
    .with_flags(DIFF),
    cmd(
        &["diff", "upgrade|release|revision|rollback|version"],
        Read,
        "shows what an upgrade would change (helm-diff plugin)",
    )
    .with_flags(DIFF),
    cmd(&["repo"], Read, LOCAL),
    cmd(&["repo", "add"], Read, LOCAL).with_flags(f::REPO_ADD),
    cmd(&["repo", "index"], Read, LOCAL).with_flags(f::REPO_INDEX),
    cmd(&["repo", "list|ls"], Read, LOCAL).with_flags(f::REPO_LIST),
    cmd(&["repo", "remove|rm"], Read, LOCAL),
    cmd(&["repo", "update|up"], Read, LOCAL),
    cmd(&["repo", "*"], Unknown, "not a repo subcommand guard knows"),
    cmd(&["registry"], Read, LOCAL),
    cmd(&["registry", "login|logout"], Read, LOCAL).with_flags(REGISTRY_LOGIN),
    cmd(
        &["registry", "*"],
        Unknown,
        "not a registry subcommand guard knows",
    ),
    cmd(&["plugin"], Read, LOCAL),
    // Installing, updating and removing a plugin runs the plugin's own hooks (plugin.yaml
    // `hooks:`), with the credentials.
    cmd(
        &["plugin", "install|add|update|up|uninstall|rm|remove"],
        Unknown,
        "runs the plugin's install, update or delete hook, a program guard cannot see",
    )
    .with_flags(f::PLUGIN_INSTALL),
    cmd(&["plugin", "list|ls"], Read, LOCAL),
    cmd(
        &["plugin", "*"],
        Unknown,
        "not a plugin subcommand guard knows",
    ),
    cmd(&["dependency|dep|dependencies"], Read, LOCAL),
    cmd(&["dependency|dep|dependencies", "build"], Read, LOCAL).with_flags(f::DEPENDENCY_BUILD),
    cmd(&["dependency|dep|dependencies", "list|ls"], Read, LOCAL).with_flags(f::DEPENDENCY_LIST),
    cmd(&["dependency|dep|dependencies", "update|up"], Read, LOCAL)
        .with_flags(f::DEPENDENCY_UPDATE),
    cmd(&["pull|fetch"], Read, LOCAL).with_flags(f::PULL),
    cmd(&["package"], Read, LOCAL).with_flags(f::PACKAGE),
    cmd(&["create"], Read, LOCAL).with_flags(f::CREATE),
];

/// Commands helm has added since carapace's table, from helm's own source.
const GET_METADATA: &[Flag] = &[valued("--revision"), valued("--output"), valued("-o")];
const COMPLETION: &[Flag] = &[switch("--no-descriptions")];
const REGISTRY_LOGIN: &[Flag] = &[
    valued("--username"),
    valued("-u"),
    valued("--password"),
    valued("-p"),
    switch("--password-stdin"),
    switch("--insecure"),
    reads("--cert-file"),
    reads("--key-file"),
    reads("--ca-file"),
];

/// helm-diff's own flags (databus23/helm-diff `cmd/upgrade.go`, `cmd/options.go`).
const DIFF: &[Flag] = &[
    reads("--values"),
    reads("-f"),
    valued("--set"),
    valued("--set-string"),
    valued("--set-json"),
    valued("--set-literal"),
    reads("--set-file"),
    valued("--version"),
    valued("--context"),
    valued("-C"),
    valued("--output"),
    valued("--suppress"),
    valued("--kube-version"),
    valued("--api-versions"),
    valued("-a"),
    valued("--find-renames"),
    valued("-D"),
    valued("--dry-run"),
    switch("--allow-unreleased"),
    switch("--detailed-exitcode"),
    switch("--suppress-secrets"),
    switch("--show-secrets"),
    switch("--show-secrets-decoded"),
    switch("--reset-values"),
    switch("--reuse-values"),
    switch("--reset-then-reuse-values"),
    switch("--install"),
    switch("--three-way-merge"),
    switch("--no-hooks"),
    switch("--include-tests"),
    switch("--include-crds"),
    switch("--skip-crds"),
    switch("--disable-validation"),
    switch("--disable-openapi-validation"),
    switch("--enable-dns"),
    switch("--normalize-manifests"),
    switch("--strip-trailing-cr"),
    switch("--devel"),
    switch("--take-ownership"),
    switch("--insecure-skip-tls-verify"),
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

pub(super) const TABLE: Table = Table {
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
    // They decide which program a plugin command (`helm diff`) and a downloader plugin are;
    // the inherited values are the user's own setup.
    env_programs: &[
        env_assigned(&[""], "HELM_PLUGINS", "helm runs plugins from that folder"),
        env_assigned(
            &[""],
            "HELM_DATA_HOME",
            "helm runs plugins from its plugins folder",
        ),
        env_assigned(
            &[""],
            "XDG_DATA_HOME",
            "helm runs plugins from its helm/plugins folder",
        ),
        env_assigned(
            &[""],
            "HOME",
            "helm reads plugins and ~/.kube/config there; a kubeconfig can run programs",
        ),
        // HELM_CONFIG_HOME's default: the repositories and registry logins helm uses.
        env_assigned(
            &[""],
            "XDG_CONFIG_HOME",
            "helm reads its repositories and registry logins from helm/ there",
        ),
        // Folders and files helm writes (repository indexes, chart archives, `repo add` and
        // `registry login`), judged by their class.
        env_writes_into(&[""], "HELM_CACHE_HOME", "helm writes its caches there"),
        env_writes_into(
            &[""],
            "HELM_REPOSITORY_CACHE",
            "helm writes repository indexes and charts there",
        ),
        env_writes_into(
            &[""],
            "HELM_CONFIG_HOME",
            "helm writes its repositories and registry logins there",
        ),
        env_writes_into(
            &[""],
            "HELM_REPOSITORY_CONFIG",
            "helm writes its repositories there",
        ),
        env_writes_into(
            &[""],
            "HELM_REGISTRY_CONFIG",
            "helm writes its registry logins there",
        ),
    ],
    // The API server token replaces the kubeconfig's credentials (on EKS: guard's).
    credentials: &[Credential {
        flag: "--kube-token",
        show_value: false,
    }],
    trusts: TRUSTS,
    // The content cache helm writes charts into and a signing key's passphrase file (the
    // repositories' and registry's files are globals of their own).
    overrides: &[writes("--content-cache"), reads("--passphrase-file")],
};

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    if let Some(verdict) = kubectl::unseen_kubeconfig("helm", args, scope) {
        return verdict;
    }
    TABLE.judge(args, scope)
}
