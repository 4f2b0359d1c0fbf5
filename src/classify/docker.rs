//! The docker CLI (`docker`, cobra) and its compose plugin: the commands that only ask the
//! daemon (`ps`, `images`, `logs`, `inspect`, `version`, `info`, `stats`, `top`, `port`,
//! `diff`, `history`, `events`, the `ls`/`inspect` of containers, images, networks, volumes,
//! contexts and plugins, `system df|info|events`, `compose ps|logs|ls|images|top|port|
//! version|stats`) are read when every option is one the installed docker prints in its
//! `--help` (`docker_flags.rs`, written by `scripts/docker-flags`). Everything that changes
//! the daemon's state writes or destroys; what runs a program (`run`, `exec`, `create`,
//! `start`, `attach`, `build`, a plugin) is unknown.
//!
//! Decisions (docker/cli 28 source):
//! - The client configuration (`--config DIR`, `DOCKER_CONFIG`, or `HOME` set on the line)
//!   names the cli-plugin hooks, the credential helpers (`credsStore`, `credHelpers`: each a
//!   `docker-credential-*` program) and the proxies docker uses: someone else's is unknown.
//!   The user's own `~/.docker` is their setup, like `~/.kube/config`.
//! - Another daemon: `-H`/`--host`/`DOCKER_HOST` set on the line with `unix://` or `tcp://`
//!   (or a bare `host:port`, which docker reads as tcp) is read: the reading commands send
//!   the daemon no credentials. `ssh://` makes docker run `ssh` (its connection helper) with
//!   options from the URL: unknown. A context (`--context`, `DOCKER_CONTEXT`) is one of the
//!   user's own stored contexts: read. The TLS files are read through the path classes.
//! - Every other `DOCKER_*` variable set on the line is unknown unless known inert
//!   (`DOCKER_CLI_HOOKS`/`DOCKER_CLI_HINTS` turn plugin hooks on, `DOCKER_AUTH_CONFIG` gives
//!   registry credentials, `DOCKER_CUSTOM_HEADERS` adds headers, `DOCKER_CERT_PATH` moves the
//!   TLS files).
//! - `docker inspect` prints a container's environment, which may hold the application's
//!   secrets: read, as the AWS operations that print an ECS container's `environment` are
//!   (configuration the user wrote, not credentials guard hands out); a container started
//!   with guard's credentials was started by a `docker run` guard asked about.
//! - `docker logs` prints what the container wrote: read, like `kubectl logs`.
//! - `docker compose config` fills the project's `${VAR}` and bare `environment:` entries in
//!   from the process environment, which holds the credentials guard injects: an export.
//!   The other compose reads load the project (its compose files, `.env`, includes) as
//!   `terraform plan` loads `*.tf`: the project is the user's; `-f` and `--env-file` are
//!   read through the path classes, and any `COMPOSE_*` set on the line is unknown.
//! - `docker login` writes registry credentials into `~/.docker/config.json`: a write.

use super::FileText;
use super::Severity::{Destructive, Export, Read, Unknown, Write};
use super::docker_flags as f;
use super::flags::{self, Arity, Flag, reads, switch, valued};
use super::scope::{self, EnvValue, Scope};
use super::table::{Command, Parser, Table, cmd, env_assigned};
use super::verdict::Verdict;

const READ_ONLY: &str = "asks the docker daemon, changes nothing";
const HELP: &str = "prints help";
const RUNS: &str = "runs a program in a container (or a build's steps) guard cannot see; it may be handed the credentials";
const CHANGES: &str = "changes the daemon's containers, images, networks or volumes";
const REMOVES: &str = "removes containers, images, networks or volumes";
const REGISTRY: &str = "talks to an image registry with the user's registry credentials and changes local images or the registry";
const OTHER: &str = "not a command guard reads (it changes something or runs a program)";
const CONTEXTS: &str = "changes the stored docker contexts (the configuration later commands use)";

/// The compose plugin's root flags (docker/compose `cmd/compose/compose.go`, the ones its
/// help shows): `-f`, `--env-file` and `--project-directory` name what it reads.
const COMPOSE: &[Flag] = &[
    switch("--all-resources"),
    valued("--ansi"),
    switch("--compatibility"),
    switch("--dry-run"),
    reads("--env-file"),
    reads("--file"),
    reads("-f"),
    valued("--insecure-registry"),
    valued("--parallel"),
    valued("--profile"),
    valued("--progress"),
    reads("--project-directory"),
    valued("--project-name"),
    valued("-p"),
];
const COMPOSE_PS: &[Flag] = &[
    valued("--format"),
    valued("--filter"),
    valued("--status"),
    switch("--quiet"),
    switch("-q"),
    switch("--services"),
    switch("--orphans"),
    switch("--all"),
    switch("-a"),
    switch("--no-trunc"),
];
const COMPOSE_LOGS: &[Flag] = &[
    switch("--follow"),
    switch("-f"),
    valued("--index"),
    valued("--since"),
    valued("--until"),
    switch("--no-color"),
    switch("--no-log-prefix"),
    switch("--timestamps"),
    switch("-t"),
    valued("--tail"),
    valued("-n"),
];
const COMPOSE_LS: &[Flag] = &[
    valued("--format"),
    switch("--quiet"),
    switch("-q"),
    valued("--filter"),
    switch("--all"),
    switch("-a"),
];
const COMPOSE_IMAGES: &[Flag] = &[valued("--format"), switch("--quiet"), switch("-q")];
const COMPOSE_VERSION: &[Flag] = &[valued("--format"), valued("-f"), switch("--short")];
const COMPOSE_PORT: &[Flag] = &[valued("--protocol"), valued("--index")];
const COMPOSE_STATS: &[Flag] = &[
    switch("--all"),
    switch("-a"),
    valued("--format"),
    switch("--no-stream"),
    switch("--no-trunc"),
];

const COMMANDS: &[Command] = &[
    cmd(&["help"], Read, HELP),
    cmd(&["ps"], Read, READ_ONLY).with_flags(f::PS),
    cmd(&["images"], Read, READ_ONLY).with_flags(f::IMAGES),
    cmd(&["logs"], Read, READ_ONLY).with_flags(f::LOGS),
    cmd(&["inspect"], Read, READ_ONLY).with_flags(f::INSPECT),
    cmd(&["version"], Read, READ_ONLY).with_flags(f::VERSION),
    cmd(&["info"], Read, READ_ONLY).with_flags(f::INFO),
    cmd(&["stats"], Read, READ_ONLY).with_flags(f::STATS),
    cmd(&["top"], Read, READ_ONLY).with_flags(f::TOP),
    cmd(&["port"], Read, READ_ONLY).with_flags(f::PORT),
    cmd(&["diff"], Read, READ_ONLY).with_flags(f::DIFF),
    cmd(&["history"], Read, READ_ONLY).with_flags(f::HISTORY),
    cmd(&["events"], Read, READ_ONLY).with_flags(f::EVENTS),
    cmd(&["run|exec|create|start|attach|build"], Unknown, RUNS),
    cmd(
        &["builder|buildx"],
        Unknown,
        "the buildx plugin: guard does not read its commands (builds run a Dockerfile's steps)",
    ),
    cmd(
        &["pull|push|login|logout|search|manifest|trust"],
        Write,
        REGISTRY,
    ),
    cmd(
        &[
            "tag|commit|cp|import|load|save|export|rename|update|pause|unpause|restart|stop|kill|wait",
        ],
        Write,
        CHANGES,
    ),
    cmd(&["rm|rmi"], Destructive, REMOVES),
    cmd(&["container"], Read, HELP),
    cmd(&["container", "ls|list|ps"], Read, READ_ONLY).with_flags(f::CONTAINER_LS),
    cmd(&["container", "inspect"], Read, READ_ONLY).with_flags(f::CONTAINER_INSPECT),
    cmd(&["container", "logs"], Read, READ_ONLY).with_flags(f::CONTAINER_LOGS),
    cmd(&["container", "stats"], Read, READ_ONLY).with_flags(f::CONTAINER_STATS),
    cmd(&["container", "top"], Read, READ_ONLY).with_flags(f::CONTAINER_TOP),
    cmd(&["container", "port"], Read, READ_ONLY).with_flags(f::CONTAINER_PORT),
    cmd(&["container", "diff"], Read, READ_ONLY).with_flags(f::CONTAINER_DIFF),
    cmd(
        &["container", "run|exec|create|start|attach"],
        Unknown,
        RUNS,
    ),
    cmd(&["container", "rm|remove|prune"], Destructive, REMOVES),
    cmd(&["container", "*"], Unknown, OTHER),
    cmd(&["image"], Read, HELP),
    cmd(&["image", "ls|list"], Read, READ_ONLY).with_flags(f::IMAGE_LS),
    cmd(&["image", "inspect"], Read, READ_ONLY).with_flags(f::IMAGE_INSPECT),
    cmd(&["image", "history"], Read, READ_ONLY).with_flags(f::IMAGE_HISTORY),
    cmd(&["image", "build"], Unknown, RUNS),
    cmd(&["image", "pull|push"], Write, REGISTRY),
    cmd(&["image", "rm|remove|prune"], Destructive, REMOVES),
    cmd(&["image", "*"], Unknown, OTHER),
    cmd(&["network"], Read, HELP),
    cmd(&["network", "ls|list"], Read, READ_ONLY).with_flags(f::NETWORK_LS),
    cmd(&["network", "inspect"], Read, READ_ONLY).with_flags(f::NETWORK_INSPECT),
    cmd(&["network", "create|connect|disconnect"], Write, CHANGES),
    cmd(&["network", "rm|remove|prune"], Destructive, REMOVES),
    cmd(&["network", "*"], Unknown, OTHER),
    cmd(&["volume"], Read, HELP),
    cmd(&["volume", "ls|list"], Read, READ_ONLY).with_flags(f::VOLUME_LS),
    cmd(&["volume", "inspect"], Read, READ_ONLY).with_flags(f::VOLUME_INSPECT),
    cmd(&["volume", "create|update"], Write, CHANGES),
    cmd(&["volume", "rm|remove|prune"], Destructive, REMOVES),
    cmd(&["volume", "*"], Unknown, OTHER),
    cmd(&["system"], Read, HELP),
    cmd(&["system", "df"], Read, READ_ONLY).with_flags(f::SYSTEM_DF),
    cmd(&["system", "info"], Read, READ_ONLY).with_flags(f::SYSTEM_INFO),
    cmd(&["system", "events"], Read, READ_ONLY).with_flags(f::SYSTEM_EVENTS),
    cmd(&["system", "prune"], Destructive, REMOVES),
    cmd(&["system", "*"], Unknown, OTHER),
    cmd(&["context"], Read, HELP),
    cmd(&["context", "ls|list"], Read, READ_ONLY).with_flags(f::CONTEXT_LS),
    cmd(&["context", "show"], Read, READ_ONLY).with_flags(f::CONTEXT_SHOW),
    cmd(&["context", "inspect"], Read, READ_ONLY).with_flags(f::CONTEXT_INSPECT),
    cmd(
        &["context", "create|update|use|import|export|rm|remove"],
        Write,
        CONTEXTS,
    ),
    cmd(&["context", "*"], Unknown, OTHER),
    cmd(&["plugin"], Read, HELP),
    cmd(&["plugin", "ls|list"], Read, READ_ONLY).with_flags(f::PLUGIN_LS),
    cmd(&["plugin", "inspect"], Read, READ_ONLY).with_flags(f::PLUGIN_INSPECT),
    cmd(&["plugin", "*"], Unknown, OTHER),
    // The compose plugin (docker/compose v2).
    cmd(&["compose"], Read, HELP).with_flags(COMPOSE),
    cmd(&["compose", "ps"], Read, READ_ONLY).with_flags(COMPOSE_PS),
    cmd(&["compose", "logs"], Read, READ_ONLY).with_flags(COMPOSE_LOGS),
    cmd(&["compose", "ls"], Read, READ_ONLY).with_flags(COMPOSE_LS),
    cmd(&["compose", "images"], Read, READ_ONLY).with_flags(COMPOSE_IMAGES),
    cmd(&["compose", "top"], Read, READ_ONLY),
    cmd(&["compose", "port"], Read, READ_ONLY).with_flags(COMPOSE_PORT),
    cmd(&["compose", "stats"], Read, READ_ONLY).with_flags(COMPOSE_STATS),
    cmd(&["compose", "version"], Read, READ_ONLY).with_flags(COMPOSE_VERSION),
    cmd(
        &["compose", "config|convert"],
        Export,
        "prints the project's model with its variables filled in from the environment, which holds the credentials guard injects",
    ),
    cmd(
        &[
            "compose",
            "run|exec|up|create|start|attach|build|watch|bridge|alpha",
        ],
        Unknown,
        RUNS,
    ),
    cmd(&["compose", "pull|push|publish"], Write, REGISTRY),
    cmd(
        &[
            "compose",
            "stop|restart|kill|pause|unpause|scale|cp|commit|export|wait",
        ],
        Write,
        CHANGES,
    ),
    cmd(&["compose", "down|rm"], Destructive, REMOVES),
    cmd(&["compose", "*"], Unknown, OTHER),
];

pub(super) const TABLE: Table = Table {
    tool: "docker",
    parser: Parser::Cobra,
    globals: f::GLOBALS,
    locals: &[],
    commands: COMMANDS,
    bare: (Read, HELP),
    unlisted: "not a docker command guard knows (a CLI plugin or a newer command)",
    modifiers: &[],
    env_programs: &[
        env_assigned(
            &[""],
            "HOME",
            "docker reads its configuration ($HOME/.docker: plugin hooks, credential helpers, proxies) there",
        ),
        env_assigned(
            &[""],
            "DOCKER_CONFIG",
            "docker reads its configuration (plugin hooks, credential helpers, proxies) there",
        ),
    ],
    credentials: &[],
    trusts: &[],
    overrides: &[],
};

/// `DOCKER_*` variables set on the line that change nothing a read could do (docker/cli's
/// `cli/flags/options.go`, `cli/command/cli.go`): `DOCKER_HOST` is judged as `--host`.
const INERT: &[&str] = &[
    "DOCKER_HOST",
    "DOCKER_CONTEXT",
    "DOCKER_API_VERSION",
    "DOCKER_TLS",
    "DOCKER_TLS_VERIFY",
    "DOCKER_DEFAULT_PLATFORM",
    "DOCKER_HIDE_LEGACY_COMMANDS",
];

/// The standalone `docker-compose` (v2's binary, or v1) reads as `docker compose`.
pub(crate) fn classify_compose(args: &[String], scope: &Scope) -> Verdict {
    let args: Vec<String> = std::iter::once("compose".to_owned())
        .chain(args.iter().cloned())
        .collect();
    classify(&args, scope)
}

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    let mut verdict = TABLE.judge(args, scope);
    let unknown = |what: String| Verdict::of(Unknown, "docker", &[], &what);
    if let Some(var) = scope.assigned_where(|name| {
        (name.starts_with("DOCKER_") && !INERT.contains(&name)) || name.starts_with("COMPOSE_")
    }) {
        verdict = verdict.or_worse(unknown(format!(
            "{var} is set on the command line: guard does not know what it makes docker do"
        )));
    }
    let mut hosts: Vec<String> = Vec::new();
    if let Some(value) = scope.assigned("DOCKER_HOST") {
        hosts.push(match value {
            EnvValue::Known(host) => host,
            EnvValue::Dynamic => format!("{}$DOCKER_HOST", scope::DYNAMIC),
        });
    }
    // docker refuses its global options after the command; guard reads the long ones
    // anywhere, which is only stricter (`-H` there is `history --human`).
    let config = flags::last_value(args, &["--config"]).is_some();
    if config
        || root_options(args)
            .iter()
            .any(|(name, _)| *name == "--config")
    {
        verdict = verdict.or_worse(unknown(
            "--config names another docker configuration, whose plugin hooks and credential helpers run programs".to_owned(),
        ));
    }
    for (name, value) in root_options(args) {
        if name == "--host" {
            hosts.push(value.unwrap_or_default().to_owned());
        }
    }
    if let Some(host) = flags::last_value(args, &["--host"]) {
        hosts.push(host.to_owned());
    }
    for host in hosts {
        if let Some(why) = unknown_daemon(&host) {
            verdict = verdict.or_worse(unknown(why));
        }
    }
    if let Some(why) = compose_project(args, scope) {
        verdict = verdict.or_worse(unknown(why));
    }
    verdict
}

/// compose's commands that load the project (its compose files) to learn its name, unless
/// `-p` names it and no `-f` is given (docker/compose `projectOrName`).
const LOADS_PROJECT: &[&str] = &["ps", "logs", "images", "top", "port", "stats"];

/// compose-go's default file names, in the order it looks for them, and the overrides it adds.
const COMPOSE_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];
const COMPOSE_OVERRIDES: &[&str] = &[
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// Why loading the compose project could do more than read local files: an `include` or
/// `extends` (compose fetches remote git and OCI resources, by default, with URLs the file
/// may fill in from the environment: guard's credentials), a `-f` from elsewhere, a `.env`
/// that picks other files (`COMPOSE_FILE`), files guard cannot read, or none in the working
/// folder (compose then looks in the folders above, which guard does not read).
fn compose_project(args: &[String], scope: &Scope) -> Option<String> {
    let start = args.iter().position(|arg| arg == "compose")?;
    let mut files = Vec::new();
    let mut named = false;
    let mut folder = ".".to_owned();
    let mut env_files = Vec::new();
    let mut i = start + 1;
    while let Some(arg) = args.get(i) {
        i += 1;
        if !arg.starts_with('-') || arg == "-" {
            let loads = LOADS_PROJECT.contains(&arg.as_str());
            if !loads {
                return None;
            }
            break;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (arg.as_str(), None),
        };
        let Some(flag) = COMPOSE.iter().find(|flag| flag.name == name) else {
            // An attached short value (`-fx.yml`, `-pname`).
            if let Some(value) = name.strip_prefix("-f").filter(|v| !v.is_empty()) {
                files.push(value.to_owned());
            } else if name.starts_with("-p") && name.len() > 2 {
                named = true;
            }
            continue;
        };
        let value = match (inline, flag.arity) {
            (Some(value), _) => Some(value),
            (None, Arity::Value) => {
                i += 1;
                args.get(i - 1).cloned()
            }
            (None, Arity::Switch) => None,
        };
        let value = value.unwrap_or_default();
        match flag.name {
            "-f" | "--file" => files.push(value),
            "-p" | "--project-name" => named = true,
            "--project-directory" => folder = value,
            "--env-file" => env_files.push(value),
            _ => {}
        }
    }
    if named && files.is_empty() {
        return None;
    }
    // compose loads the files it names instead, inherited too: guard reads only the ones it
    // finds here.
    for var in ["COMPOSE_FILE", "COMPOSE_PATH_SEPARATOR"] {
        if files.is_empty() && scope.var(var).is_some() {
            return Some(format!(
                "{var} is set: compose loads the files it names, which guard does not read"
            ));
        }
    }
    let join = |name: &str| {
        if folder == "." {
            name.to_owned()
        } else {
            format!("{}/{name}", folder.trim_end_matches('/'))
        }
    };
    if files.is_empty() {
        let first = COMPOSE_FILES
            .iter()
            .map(|name| join(name))
            .find(|path| !matches!(scope.read_file(path), FileText::Missing));
        let Some(first) = first else {
            return Some(
                "no compose file in the working folder: compose looks in the folders above, which guard does not read".to_owned(),
            );
        };
        files.push(first);
        files.extend(
            COMPOSE_OVERRIDES
                .iter()
                .map(|name| join(name))
                .filter(|path| !matches!(scope.read_file(path), FileText::Missing)),
        );
    }
    if env_files.is_empty() {
        env_files.push(join(".env"));
    }
    for path in &env_files {
        match scope.read_file(path) {
            FileText::Missing => {}
            FileText::Text(text) if !text.contains("COMPOSE_") => {}
            FileText::Text(_) => {
                return Some(format!(
                    "{path} sets COMPOSE_* variables (other compose files, profiles), which guard does not follow"
                ));
            }
            FileText::Unreadable(why) => return Some(format!("guard cannot read {path} ({why})")),
        }
    }
    for path in &files {
        if scope::is_dynamic(path)
            || path.contains("://")
            || path.starts_with("git@")
            || path == "-"
        {
            return Some(format!(
                "-f {}: compose loads it from elsewhere (git, OCI, standard input)",
                scope::shown(path)
            ));
        }
        match scope.read_file(path) {
            FileText::Text(text) if !text.contains("include") && !text.contains("extends") => {}
            FileText::Text(_) => {
                return Some(format!(
                    "{path} includes or extends other compose files, which compose fetches (remote git and OCI sources too, with URLs filled in from the environment); guard does not read them"
                ));
            }
            FileText::Missing => return Some(format!("{path} is not there")),
            FileText::Unreadable(why) => return Some(format!("guard cannot read {path} ({why})")),
        }
    }
    None
}

/// Why docker's way to the daemon `host` is not known to be harmless: `ssh://` runs ssh.
fn unknown_daemon(host: &str) -> Option<String> {
    if scope::is_dynamic(host) {
        return Some(format!(
            "the daemon's address {} comes from an expansion (ssh:// runs ssh)",
            scope::shown(host)
        ));
    }
    let plain = |rest: &str| !rest.is_empty() && !rest.starts_with('-');
    let known = match host.split_once("://") {
        Some(("unix" | "tcp", rest)) => plain(rest),
        Some(_) => false,
        // docker reads `host:port` as tcp.
        None => plain(host) && !host.contains('/'),
    };
    (!known).then(|| {
        format!(
            "--host/DOCKER_HOST {host}: docker reaches that daemon through a program (ssh://) or a way guard does not know"
        )
    })
}

/// docker's global options, which it reads before the command only (the root's `Flags()`
/// with `TraverseChildren`), each with its value: `--host` for `-H`, `--config` as it is.
fn root_options(args: &[String]) -> Vec<(&'static str, Option<&str>)> {
    let arity = |name: &str| {
        f::GLOBALS
            .iter()
            .find(|flag| flag.name == name)
            .map(|flag| flag.arity)
    };
    let canonical = |name: &'static str| match name {
        "-H" => "--host",
        "-c" => "--context",
        other => other,
    };
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        if arg == "--" || !arg.starts_with('-') || arg.len() < 2 {
            break;
        }
        if let Some(body) = arg.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (body, None),
            };
            let Some(flag) = f::GLOBALS.iter().find(|flag| flag.name[2..] == *name) else {
                break;
            };
            let value = match (inline, flag.arity) {
                (Some(value), _) => Some(value),
                (None, Arity::Value) => {
                    i += 1;
                    args.get(i - 1).map(String::as_str)
                }
                (None, Arity::Switch) => None,
            };
            found.push((canonical(flag.name), value));
            continue;
        }
        // A short group: letters in order, the first that takes a value takes the rest.
        let letters = &arg[1..];
        for (at, letter) in letters.char_indices() {
            let Some(flag) = f::GLOBALS
                .iter()
                .find(|flag| flag.name.len() == 2 && flag.name[1..].starts_with(letter))
            else {
                return found;
            };
            if arity(flag.name) == Some(Arity::Value) {
                let rest = &letters[at + letter.len_utf8()..];
                let rest = rest.strip_prefix('=').unwrap_or(rest);
                let value = if rest.is_empty() {
                    i += 1;
                    args.get(i - 1).map(String::as_str)
                } else {
                    Some(rest)
                };
                found.push((canonical(flag.name), value));
                break;
            }
            found.push((canonical(flag.name), None));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn global_options_are_read_before_the_command_only() {
        let args = words("-D -H ssh://x --config /tmp/c ps -H y");
        let found = root_options(&args);
        assert_eq!(
            found,
            vec![
                ("-D", None),
                ("--host", Some("ssh://x")),
                ("--config", Some("/tmp/c"))
            ]
        );
        assert_eq!(
            root_options(&words("-DHtcp://h:2375 ps")),
            vec![("-D", None), ("--host", Some("tcp://h:2375"))]
        );
    }

    #[test]
    fn daemons_reached_through_a_program_are_unknown() {
        assert!(unknown_daemon("unix:///var/run/docker.sock").is_none());
        assert!(unknown_daemon("tcp://10.0.0.5:2376").is_none());
        assert!(unknown_daemon("10.0.0.5:2375").is_none());
        assert!(unknown_daemon("ssh://user@host").is_some());
        assert!(unknown_daemon("ssh://-oProxyCommand=x").is_some());
        assert!(unknown_daemon("npipe:////./pipe/docker_engine").is_some());
    }
}
