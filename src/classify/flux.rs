//! Flux (`flux`, cobra): the commands that only read (get, logs, events, trace, tree, diff,
//! build, check, version) are read when every option is known; reconcile, suspend, resume,
//! create, bootstrap, install, push and tag write; delete and uninstall destroy; anything
//! else (a plugin, a newer command) is unknown.

use super::Severity;
use super::Severity::{Destructive, Read, Write};
use super::flags::{self, Flag, reads, switch, valued, writes};
use super::flux_flags as f;
use super::kubectl;
use super::scope::Scope;
use super::table::{Command, Credential, Modifier, Parser, Table, Test, cmd, env_assigned};
use super::tool_paths;
use super::verdict::Verdict;

/// The root command's persistent flags (`cmd/flux/main.go`): client-go's kubeconfig flags
/// without `-s` and `--request-timeout`, flux's own, and the API client's rate limits.
const GLOBALS: &[Flag] = &[
    valued("--as"),
    valued("--as-group"),
    valued("--as-uid"),
    writes("--cache-dir"),
    reads("--certificate-authority"),
    reads("--client-certificate"),
    reads("--client-key"),
    valued("--cluster"),
    valued("--context"),
    switch("--disable-compression"),
    switch("--insecure-skip-tls-verify"),
    reads("--kubeconfig"),
    valued("--namespace"),
    valued("-n"),
    valued("--server"),
    valued("--tls-server-name"),
    valued("--token"),
    valued("--user"),
    valued("--timeout"),
    switch("--verbose"),
    switch("--ns-follows-kube-context"),
    valued("--kube-api-qps"),
    valued("--kube-api-burst"),
];

const READ_ONLY: &str = "read-only";
const LOCAL: &str = "builds or compares manifests, no cluster change";
const CHANGES: &str = "creates or changes Flux resources";
const DELETES: &str = "deletes Flux resources";

/// The command groups with kinds below them (`flux get sources git`, `flux create secret tls`).
const GROUPS: &str = "source|sources|image|images|secret|artifact|artifacts";

const COMMANDS: &[Command] = &[
    cmd(&["get"], Read, READ_ONLY).with_flags(f::GET),
    cmd(&["get", "kustomizations|ks|kustomization"], Read, READ_ONLY)
        .with_flags(f::GET_KUSTOMIZATIONS),
    cmd(&["get", "helmreleases|hr|helmrelease"], Read, READ_ONLY).with_flags(f::GET_HELMRELEASES),
    cmd(&["get", "*"], Read, READ_ONLY),
    cmd(&["get", GROUPS, "*"], Read, READ_ONLY),
    cmd(&["logs"], Read, READ_ONLY).with_flags(f::LOGS),
    cmd(&["events"], Read, READ_ONLY).with_flags(f::EVENTS),
    cmd(&["stats"], Read, READ_ONLY).with_flags(f::STATS),
    // `flux export` prints the objects as YAML (tools17); `--with-credentials` is a modifier.
    cmd(&["export"], Read, READ_ONLY).with_flags(f::EXPORT),
    cmd(&["export", "*"], Read, READ_ONLY),
    cmd(&["export", "source|sources"], Read, READ_ONLY).with_flags(f::EXPORT_SOURCE),
    cmd(&["export", "source|sources", "*"], Read, READ_ONLY),
    cmd(&["trace"], Read, READ_ONLY).with_flags(f::TRACE),
    cmd(&["tree"], Read, READ_ONLY),
    cmd(&["tree", "kustomization|ks"], Read, READ_ONLY).with_flags(f::TREE_KUSTOMIZATION),
    cmd(&["tree", "*"], Read, READ_ONLY),
    cmd(&["tree", "artifact", "generator"], Read, READ_ONLY).with_flags(f::TREE_ARTIFACT_GENERATOR),
    cmd(&["check"], Read, READ_ONLY).with_flags(f::CHECK),
    cmd(&["version"], Read, READ_ONLY).with_flags(f::VERSION),
    cmd(&["completion"], Read, READ_ONLY),
    cmd(&["completion", "bash|zsh|fish|powershell"], Read, READ_ONLY),
    cmd(&["help"], Read, READ_ONLY),
    // Server-side dry runs and local builds.
    cmd(&["diff"], Read, LOCAL),
    cmd(&["diff", "kustomization|ks"], Read, LOCAL).with_flags(f::DIFF_KUSTOMIZATION),
    cmd(&["diff", "artifact"], Read, LOCAL).with_flags(f::DIFF_ARTIFACT),
    cmd(&["build"], Read, LOCAL),
    cmd(&["build", "kustomization|ks"], Read, LOCAL).with_flags(f::BUILD_KUSTOMIZATION),
    // `-o/--output` is the tgz file it writes (flux2 cmd/flux/build_artifact.go), `-p/--path`
    // the folder it packs.
    cmd(&["build", "artifact"], Read, LOCAL)
        .with_flags(f::BUILD_ARTIFACT)
        .with_more(&[
            writes("--output"),
            writes("-o"),
            reads("--path"),
            reads("-p"),
        ]),
    // Substitutes `$NAME` in its input from the process environment, which holds the
    // credentials guard injects (flux2 cmd/flux/envsubst.go; as gettext's envsubst).
    cmd(
        &["envsubst"],
        Severity::Export,
        "prints its input with environment variables substituted: the environment holds guard's credentials",
    )
    .with_flags(f::ENVSUBST),
    cmd(&["list"], Read, READ_ONLY),
    cmd(&["list", "artifacts"], Read, READ_ONLY).with_flags(f::LIST_ARTIFACTS),
    cmd(&["debug"], Read, READ_ONLY),
    cmd(&["debug", "helmrelease|hr"], Read, READ_ONLY).with_flags(f::DEBUG_HELMRELEASE),
    cmd(&["debug", "kustomization|ks"], Read, READ_ONLY).with_flags(f::DEBUG_KUSTOMIZATION),
    cmd(&["reconcile"], Write, CHANGES),
    cmd(&["reconcile", "*"], Write, CHANGES),
    cmd(&["reconcile", GROUPS, "*"], Write, CHANGES),
    cmd(&["suspend"], Write, CHANGES),
    cmd(&["suspend", "*"], Write, CHANGES),
    cmd(&["suspend", GROUPS, "*"], Write, CHANGES),
    cmd(&["resume"], Write, CHANGES),
    cmd(&["resume", "*"], Write, CHANGES),
    cmd(&["resume", GROUPS, "*"], Write, CHANGES),
    cmd(&["create"], Write, CHANGES),
    cmd(&["create", "*"], Write, CHANGES),
    cmd(&["create", GROUPS, "*"], Write, CHANGES),
    cmd(&["bootstrap"], Write, CHANGES),
    cmd(&["bootstrap", "*"], Write, CHANGES),
    cmd(&["install"], Write, CHANGES),
    cmd(&["push"], Write, "pushes an artifact to a registry"),
    cmd(&["push", "*"], Write, "pushes an artifact to a registry"),
    cmd(&["tag"], Write, "tags an artifact in a registry"),
    cmd(&["tag", "*"], Write, "tags an artifact in a registry"),
    cmd(&["trigger"], Write, CHANGES),
    cmd(&["trigger", "*"], Write, CHANGES),
    cmd(&["migrate"], Write, CHANGES),
    cmd(&["delete"], Destructive, DELETES),
    cmd(&["delete", "*"], Destructive, DELETES),
    cmd(&["delete", GROUPS, "*"], Destructive, DELETES),
    cmd(
        &["uninstall"],
        Destructive,
        "removes Flux and its resources from the cluster",
    ),
];

pub(super) const TABLE: Table = Table {
    tool: "flux",
    parser: Parser::Cobra,
    globals: GLOBALS,
    locals: &[
        "--all-namespaces",
        "-A",
        "--watch",
        "-w",
        "--with-source",
        "--silent",
        "-s",
        "--all",
        "--path",
        "--source",
        "--label-selector",
        "-l",
        "--output",
        "-o",
    ],
    commands: COMMANDS,
    bare: (Read, "prints help"),
    unlisted: "not a flux command guard knows (a plugin or a newer command)",
    modifiers: &[Modifier {
        commands: &["export source"],
        flags: &["--with-credentials"],
        test: Test::On,
        severity: Severity::Export,
        what: "prints the source's secret credentials",
    }],
    env_programs: &[env_assigned(
        &[""],
        "HOME",
        "flux reads $HOME/.kube/config there; a kubeconfig can run programs",
    )],
    credentials: &[Credential {
        flag: "--token",
        show_value: false,
    }],
    trusts: kubectl::FLUX_TRUSTS,
    // The key and certificate files `flux create secret|source ... --export` prints into the
    // secret (`--path` and `--kustomization-file` of build and diff: `PATHS_READ`).
    overrides: &[
        reads("--private-key-file"),
        reads("--ca-file"),
        reads("--ca-crt-file"),
        reads("--ca-cert-file"),
        reads("--cert-file"),
        reads("--key-file"),
        reads("--tls-crt-file"),
        reads("--tls-key-file"),
        reads("--ssh-signing-key-file"),
        reads("--trust-policy-file"),
        reads("--gpg-key-ring"),
    ],
};

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    if let Some(verdict) = kubectl::unseen_kubeconfig("flux", args, scope) {
        return verdict;
    }
    let mut verdict = TABLE.judge(args, scope);
    // The generated table has no path effects: the files `build` and `diff` read (a folder
    // of manifests, a kustomization file) are judged by their class here.
    for (flag, tree) in PATHS_READ {
        if let Some(path) = flags::last_value(args, &[flag])
            && let Some((severity, why)) = if *tree {
                tool_paths::read_tree(path, scope)
            } else {
                tool_paths::read(path, scope)
            }
        {
            let what = format!("{flag}: {why}");
            verdict = verdict.or_worse(Verdict::of(severity, "flux", &[], &what));
        }
    }
    verdict
}

/// Options whose value is a local path flux reads, and whether it is a folder read whole.
const PATHS_READ: &[(&str, bool)] = &[("--path", true), ("--kustomization-file", false)];
