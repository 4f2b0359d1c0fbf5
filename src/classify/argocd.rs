//! Argo CD's CLI (`argocd`, cobra): the commands that only read (app get|list|diff|history|
//! manifests|resources|logs|wait, the list and get of every other object, version, context,
//! login) are read when every option is one argocd's source defines; sync, set, create,
//! patch, actions run and the add/remove commands write; delete and rm destroy; `admin` (which
//! works on Argo CD's data in the cluster directly) and anything else (a plugin) is unknown.

use super::Severity::{Destructive, Export, Read, Unknown, Write};
use super::argocd_flags as f;
use super::flags::reads;
use super::kubectl;
use super::scope::Scope;
use super::table::{
    Command, Credential, Modifier, Parser, Table, Test, Trust, cmd, env_assigned, trust_flag,
    trust_var,
};
use super::verdict::Verdict;

/// Where argocd sends the current context's session token (`pkg/apiclient`'s NewClient: the
/// context's token is kept when `--server` or `ARGOCD_SERVER` replaces its server), and the
/// options that stop checking who gets it. `--port-forward` reaches the argocd-server pod
/// through the kubeconfig and is not one of them.
const TRUSTS: &[Trust] = &[
    trust_flag("--server", Export, TO_SERVER),
    trust_var("ARGOCD_SERVER", Export, TO_SERVER),
    trust_flag("--insecure", Export, UNCHECKED),
    trust_flag(
        "--plaintext",
        Export,
        "argocd sends its session token unencrypted",
    ),
    trust_flag("--server-crt", Export, OTHER_CA),
    trust_var(
        "ARGOCD_AUTH_TOKEN",
        Unknown,
        "argocd sends that token instead of its own session's; guard did not verify it",
    ),
];

const TO_SERVER: &str =
    "argocd sends the session token of its current context to the server the line names";
const UNCHECKED: &str =
    "the server's certificate is not checked, so argocd sends its session token to whoever answers";
const OTHER_CA: &str = "argocd trusts the certificate the line names and sends its session token to the server that holds it";

const READ_ONLY: &str = "read-only";
const LOCAL: &str = "local setup, no change in Argo CD";
const CHANGES: &str = "creates or changes Argo CD objects";
const DELETES: &str = "deletes Argo CD objects";

const COMMANDS: &[Command] = &[
    cmd(&["version"], Read, READ_ONLY).with_flags(f::VERSION),
    cmd(&["completion"], Read, READ_ONLY).with_flags(f::COMPLETION),
    cmd(&["help"], Read, READ_ONLY),
    cmd(&["context|ctx"], Read, LOCAL).with_flags(f::CONTEXT),
    cmd(&["login"], Read, LOCAL).with_flags(f::LOGIN),
    cmd(&["relogin"], Read, LOCAL).with_flags(f::RELOGIN),
    cmd(&["logout"], Read, LOCAL).with_flags(f::LOGOUT),
    cmd(&["configure"], Read, LOCAL).with_flags(f::CONFIGURE),
    cmd(&["app"], Read, "prints help").with_flags(f::APP),
    cmd(&["app", "get"], Read, READ_ONLY).with_flags(f::APP_GET),
    cmd(&["app", "list"], Read, READ_ONLY).with_flags(f::APP_LIST),
    cmd(&["app", "diff"], Read, READ_ONLY).with_flags(f::APP_DIFF),
    cmd(&["app", "history"], Read, READ_ONLY).with_flags(f::APP_HISTORY),
    cmd(&["app", "manifests"], Read, READ_ONLY).with_flags(f::APP_MANIFESTS),
    cmd(&["app", "resources"], Read, READ_ONLY).with_flags(f::APP_RESOURCES),
    cmd(&["app", "logs"], Read, READ_ONLY).with_flags(f::APP_LOGS),
    cmd(&["app", "wait"], Read, READ_ONLY).with_flags(f::APP_WAIT),
    cmd(&["app", "get-resource"], Read, READ_ONLY).with_flags(f::APP_GET_RESOURCE),
    cmd(&["app", "actions"], Read, "prints help").with_flags(f::APP_ACTIONS),
    cmd(&["app", "actions", "list"], Read, READ_ONLY).with_flags(f::APP_ACTIONS_LIST),
    cmd(&["app", "actions", "run"], Write, "runs a resource action").with_flags(f::APP_ACTIONS_RUN),
    cmd(&["app", "create"], Write, CHANGES).with_flags(f::APP_CREATE),
    cmd(&["app", "set"], Write, CHANGES).with_flags(f::APP_SET),
    cmd(&["app", "unset"], Write, CHANGES).with_flags(f::APP_UNSET),
    cmd(
        &["app", "sync"],
        Write,
        "syncs the application to the cluster",
    )
    .with_flags(f::APP_SYNC),
    cmd(&["app", "rollback"], Write, CHANGES).with_flags(f::APP_ROLLBACK),
    cmd(&["app", "terminate-op"], Write, CHANGES).with_flags(f::APP_TERMINATE_OP),
    cmd(&["app", "edit"], Write, CHANGES).with_flags(f::APP_EDIT),
    cmd(&["app", "patch"], Write, CHANGES).with_flags(f::APP_PATCH),
    cmd(&["app", "patch-resource"], Write, CHANGES).with_flags(f::APP_PATCH_RESOURCE),
    cmd(&["app", "add-source"], Write, CHANGES).with_flags(f::APP_ADD_SOURCE),
    cmd(&["app", "remove-source"], Write, CHANGES).with_flags(f::APP_REMOVE_SOURCE),
    cmd(&["app", "confirm-deletion"], Destructive, DELETES).with_flags(f::APP_CONFIRM_DELETION),
    cmd(&["app", "delete"], Destructive, DELETES).with_flags(f::APP_DELETE),
    cmd(&["app", "delete-resource"], Destructive, DELETES).with_flags(f::APP_DELETE_RESOURCE),
    cmd(&["app", "*"], Unknown, "not an app subcommand guard knows"),
    cmd(&["appset"], Read, "prints help").with_flags(f::APPSET),
    cmd(&["appset", "get"], Read, READ_ONLY).with_flags(f::APPSET_GET),
    cmd(&["appset", "list"], Read, READ_ONLY).with_flags(f::APPSET_LIST),
    cmd(
        &["appset", "generate"],
        Read,
        "renders the applications, changes nothing",
    )
    .with_flags(f::APPSET_GENERATE),
    cmd(&["appset", "create"], Write, CHANGES).with_flags(f::APPSET_CREATE),
    cmd(&["appset", "delete"], Destructive, DELETES).with_flags(f::APPSET_DELETE),
    cmd(
        &["appset", "*"],
        Unknown,
        "not an appset subcommand guard knows",
    ),
    cmd(&["cluster"], Read, "prints help").with_flags(f::CLUSTER),
    cmd(&["cluster", "get"], Read, READ_ONLY).with_flags(f::CLUSTER_GET),
    cmd(&["cluster", "list"], Read, READ_ONLY).with_flags(f::CLUSTER_LIST),
    cmd(&["cluster", "add"], Write, CHANGES).with_flags(f::CLUSTER_ADD),
    cmd(&["cluster", "set"], Write, CHANGES).with_flags(f::CLUSTER_SET),
    cmd(&["cluster", "rotate-auth"], Write, CHANGES).with_flags(f::CLUSTER_ROTATE_AUTH),
    cmd(&["cluster", "rm"], Destructive, DELETES).with_flags(f::CLUSTER_RM),
    cmd(
        &["cluster", "*"],
        Unknown,
        "not a cluster subcommand guard knows",
    ),
    cmd(&["repo"], Read, "prints help").with_flags(f::REPO),
    cmd(&["repo", "get"], Read, READ_ONLY).with_flags(f::REPO_GET),
    cmd(&["repo", "list"], Read, READ_ONLY).with_flags(f::REPO_LIST),
    cmd(&["repo", "add"], Write, CHANGES).with_flags(f::REPO_ADD),
    cmd(&["repo", "rm"], Destructive, DELETES).with_flags(f::REPO_RM),
    cmd(&["repo", "*"], Unknown, "not a repo subcommand guard knows"),
    cmd(&["repocreds"], Read, "prints help").with_flags(f::REPOCREDS),
    cmd(&["repocreds", "list"], Read, READ_ONLY).with_flags(f::REPOCREDS_LIST),
    cmd(&["repocreds", "add"], Write, CHANGES).with_flags(f::REPOCREDS_ADD),
    cmd(&["repocreds", "rm"], Destructive, DELETES).with_flags(f::REPOCREDS_RM),
    cmd(
        &["repocreds", "*"],
        Unknown,
        "not a repocreds subcommand guard knows",
    ),
    cmd(&["proj|project"], Read, "prints help").with_flags(f::PROJ),
    cmd(&["proj|project", "get"], Read, READ_ONLY).with_flags(f::PROJ_GET),
    cmd(&["proj|project", "list"], Read, READ_ONLY).with_flags(f::PROJ_LIST),
    cmd(&["proj|project", "delete"], Destructive, DELETES).with_flags(f::PROJ_DELETE),
    cmd(&["proj|project", "role"], Read, "prints help").with_flags(f::PROJ_ROLE),
    cmd(&["proj|project", "role", "list"], Read, READ_ONLY).with_flags(f::PROJ_ROLE_LIST),
    cmd(&["proj|project", "role", "get"], Read, READ_ONLY).with_flags(f::PROJ_ROLE_GET),
    cmd(
        &["proj|project", "role", "list-tokens|list-token|token-list"],
        Read,
        READ_ONLY,
    )
    .with_flags(f::PROJ_ROLE_LIST_TOKENS),
    cmd(&["proj|project", "role", "delete"], Destructive, DELETES).with_flags(f::PROJ_ROLE_DELETE),
    cmd(
        &[
            "proj|project",
            "role",
            "delete-token|token-delete|remove-token",
        ],
        Destructive,
        DELETES,
    )
    .with_flags(f::PROJ_ROLE_DELETE_TOKEN),
    cmd(&["proj|project", "role", "*"], Write, CHANGES),
    cmd(&["proj|project", "windows"], Read, "prints help").with_flags(f::PROJ_WINDOWS),
    cmd(&["proj|project", "windows", "list"], Read, READ_ONLY).with_flags(f::PROJ_WINDOWS_LIST),
    cmd(&["proj|project", "windows", "delete"], Destructive, DELETES)
        .with_flags(f::PROJ_WINDOWS_DELETE),
    cmd(&["proj|project", "windows", "*"], Write, CHANGES),
    cmd(&["proj|project", "*"], Write, CHANGES),
    cmd(&["account"], Read, "prints help").with_flags(f::ACCOUNT),
    cmd(&["account", "get"], Read, READ_ONLY).with_flags(f::ACCOUNT_GET),
    cmd(&["account", "list"], Read, READ_ONLY).with_flags(f::ACCOUNT_LIST),
    cmd(&["account", "get-user-info|whoami"], Read, READ_ONLY).with_flags(f::ACCOUNT_GET_USER_INFO),
    cmd(&["account", "can-i"], Read, READ_ONLY).with_flags(f::ACCOUNT_CAN_I),
    cmd(&["account", "bcrypt"], Read, "hashes a password locally").with_flags(f::ACCOUNT_BCRYPT),
    cmd(&["account", "delete-token"], Destructive, DELETES).with_flags(f::ACCOUNT_DELETE_TOKEN),
    // Minting or changing credentials of Argo CD accounts.
    cmd(
        &["account", "*"],
        Write,
        "changes an account or mints a token",
    ),
    cmd(&["cert"], Read, "prints help").with_flags(f::CERT),
    cmd(&["cert", "list"], Read, READ_ONLY).with_flags(f::CERT_LIST),
    cmd(&["cert", "rm"], Destructive, DELETES).with_flags(f::CERT_RM),
    cmd(&["cert", "*"], Write, CHANGES),
    cmd(&["gpg"], Read, "prints help").with_flags(f::GPG),
    cmd(&["gpg", "list"], Read, READ_ONLY).with_flags(f::GPG_LIST),
    cmd(&["gpg", "get"], Read, READ_ONLY).with_flags(f::GPG_GET),
    cmd(&["gpg", "rm"], Destructive, DELETES).with_flags(f::GPG_RM),
    cmd(&["gpg", "*"], Write, CHANGES),
    // Works on Argo CD's data in the cluster directly (export prints its secrets, import
    // overwrites them, dashboard serves the API): guard does not read it.
    cmd(
        &["admin"],
        Unknown,
        "works on Argo CD's data in the cluster directly; guard does not read these commands",
    ),
    cmd(
        &["admin", "*"],
        Unknown,
        "works on Argo CD's data in the cluster directly; guard does not read these commands",
    ),
];

const MODIFIERS: &[Modifier] = &[Modifier {
    commands: &["app get", "app diff"],
    flags: &["--refresh", "--hard-refresh"],
    test: Test::On,
    severity: Write,
    what: "asks Argo CD to refresh the application, which an automated sync policy then applies",
}];

pub(super) const TABLE: Table = Table {
    tool: "argocd",
    parser: Parser::Cobra,
    globals: f::ROOT,
    locals: &[
        "--output",
        "-o",
        "--selector",
        "-l",
        "--project",
        "-p",
        "--app-namespace",
        "-N",
        "--refresh",
        "--hard-refresh",
        "--follow",
        "-f",
        "--yes",
        "-y",
        "--cascade",
        "--prune",
        "--force",
        "--dry-run",
        "--local",
        "--revision",
        "--timeout",
    ],
    commands: COMMANDS,
    bare: (Read, "prints help"),
    unlisted: "runs an argocd plugin guard cannot see",
    modifiers: MODIFIERS,
    env_programs: &[
        env_assigned(
            &[""],
            "ARGOCD_OPTS",
            "it adds options to the command line that guard does not read",
        ),
        env_assigned(
            &[""],
            "HOME",
            "argocd reads its server, token and ~/.kube/config there; a kubeconfig can run programs",
        ),
        // Its configuration (server, session token) is $XDG_CONFIG_HOME/argocd/config.
        env_assigned(
            &[""],
            "XDG_CONFIG_HOME",
            "argocd reads its server and session from argocd/config there",
        ),
    ],
    // A token of its own instead of the session's.
    credentials: &[Credential {
        flag: "--auth-token",
        show_value: false,
    }],
    trusts: TRUSTS,
    // The client certificate and key are read and sent (a credential store read is an export);
    // `--config` is the file with the contexts' servers and session tokens (login, relogin and
    // logout write it: a read judged by the class is the stricter for the rest); the files
    // repositories' and admin commands read.
    overrides: &[
        reads("--client-crt"),
        reads("--client-crt-key"),
        reads("--config"),
        reads("--file"),
        reads("--policy-file"),
        reads("--argocd-cm-path"),
        reads("--argocd-secret-path"),
        reads("--local-repo-root"),
        reads("--gcp-service-account-key-path"),
        reads("--github-app-private-key-path"),
        reads("--ssh-private-key-path"),
        reads("--tls-client-cert-path"),
        reads("--tls-client-cert-key-path"),
    ],
};

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    if let Some(verdict) = kubectl::unseen_kubeconfig("argocd", args, scope) {
        return verdict;
    }
    TABLE.judge(args, scope)
}
